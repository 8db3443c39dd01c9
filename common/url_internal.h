/*
 * url_internal.h - what the files of the URL module share.  Not part of its
 * interface: only common/url*.c include it; everything else uses url.h.
 *
 * The module is three files, one concern each:
 *   url.c       normalization and resolution on libcurl: the pass before
 *               curl_url() and the pass after it, struct url_base, and
 *               url_base_resolve(), which tries url_fast_resolve() first;
 *   url_fast.c  url_fast_resolve(), the fast path that url.h describes;
 *   url_host.c  scans of a URL string already parsed (by libcurl, or in
 *               normal form): url_is_http(), url_host_end(),
 *               url_host_ipv4(), and url_host_key() and url_host() of
 *               url.h.
 * None of them keeps state between calls.
 */
#ifndef SC_URL_INTERNAL_H
#define SC_URL_INTERNAL_H

#include "common/url.h"

#include <stddef.h>

/* ASCII letters and digits, whatever the locale: url.c changes the
 * thread's locale around IDN conversion, and <ctype.h> would follow it.
 * Inline because the fast path calls them on every byte of a link. */
static inline int url_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int url_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Does s start with "http://" or "https://" (lowercase, as libcurl writes
 * a scheme and as the normal form has it)?  1 and the prefix's length (7
 * or 8) in *plen; else 0 and *plen is not touched. */
int url_is_http(const char *s, size_t *plen);

/* The end of the host that starts at h in an authority ending at aend:
 * past the ']' of an IPv6 literal, else at the port's ':' or the end;
 * NULL for an IPv6 literal without its ']'. */
const char *url_host_end(const char *h, const char *aend);

/*
 * The URL Standard's reading of a host name that ends in a number (its last
 * label all decimal digits, or "0x" and hex digits): an IPv4 address, in
 * 1 to 4 parts of decimal, "0x" hex or leading-"0" octal, the last part
 * filling the bytes left ("1.2.3" is "1.2.0.3").  h is n bytes of ASCII,
 * any case, without trailing dots.  Returns 1 and the dotted quad in out
 * (NUL-terminated); 0 when h does not end in a number (a name, out not
 * touched); SC_EINVAL when it does but is no address ("1.2.3.09",
 * "256.1.1.1", "a.1", "1.2.3.4.5").
 */
int url_host_ipv4(const char *h, size_t n, char out[16]);

/*
 * Resolve ref against b without libcurl, when ref is one of the simple
 * references of url.h's fast path and b is set.  Returns 1 and stores a
 * string in normal form, which the caller owns (free() it), in *out; or 0,
 * *out not touched, when ref needs the general path
 * (url_base_resolve_curl()), which then gives the answer, error or not.
 * Uses b->norm, b->origin and b->dir as url_base_set() leaves them.
 */
int url_fast_resolve(const struct url_base *b, const char *ref, char **out);

#endif
