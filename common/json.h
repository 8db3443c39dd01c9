/*
 * json.h - writing JSON strings.
 *
 * The crawler writes JSON Lines by hand (a fixed set of keys); the only
 * delicate part is escaping text that came from the network.  Output is
 * always valid UTF-8 JSON: quotes, backslashes and control characters are
 * escaped, and every byte of an invalid UTF-8 sequence becomes \u00XX.
 */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stddef.h>

#include "common/buf.h"

/* The length of the valid UTF-8 sequence at p (1..4; n >= 1 bytes
 * there), or 0 when it is not one (overlong, a surrogate, past U+10FFFF,
 * cut short). */
size_t json_utf8_len(const unsigned char *p, size_t n);

/* Append s (n bytes) as a quoted JSON string; 0 or SC_ETOOBIG. */
int json_str(struct buf *b, const char *s, size_t n);
/* The same, or null when s is NULL. */
int json_cstr(struct buf *b, const char *s);

#endif
