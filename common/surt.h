/*
 * surt.h - SURT keys (Sort-friendly URI Reordering Transform), the first
 * field of a CDXJ index line (crawler/cdxj.h).
 *
 * The rules are those of warcio's getSurt(), which pywb's indexes share for
 * http(s) URLs, so that an index we write sorts and matches as one built by
 * `warcio cdx-index` from the same files:
 *   - a URL that does not begin "http:" or "https:" is its own key;
 *   - "www." (or "www2." ...) right after "http(s)://" is dropped (only in
 *     lowercase, as warcio does), then the whole URL is lowercased;
 *   - the host's labels are reversed and joined by ',', then ":port" when
 *     the port is not the scheme's default, then ')';
 *   - the path ("/" when empty), with the characters the URL Standard
 *     percent-encodes in a path (controls, space, '"', '<', '>', '`', '{',
 *     '}', bytes over 0x7f) encoded with uppercase hex;
 *   - the query, when not empty: '?' and its '&'-separated arguments sorted
 *     in byte order (space, '"', '#', '<', '>', '\'' and non-ASCII encoded);
 *   - userinfo and the fragment are dropped.
 * So "http://www.Example.com:80/A?b=2&a=1#x" gives "com,example)/a?a=1&b=2".
 */
#ifndef SC_SURT_H
#define SC_SURT_H

#include <stddef.h>

#include "common/buf.h"

/* Append the SURT key of url (n bytes) to out.  0, or SC_ETOOBIG when out's
 * cap would be passed (out unchanged). */
int surt_key(const char *url, size_t n, struct buf *out);

#endif
