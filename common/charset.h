/*
 * charset.h - a document's character encoding, and its text in UTF-8.
 *
 * Labels are read as the WHATWG Encoding Standard reads them, for the
 * cases that matter here: any case, white space around them ignored; the
 * UTF-8 labels (utf-8, utf8, unicode-1-1-utf-8, ...) and, from a <meta>,
 * the UTF-16 ones mean UTF-8; ISO-8859-1, Latin-1 and ASCII labels mean
 * windows-1252, which is what browsers decode them as; gb2312 and x-gbk
 * mean GBK, ks_c_5601-1987 EUC-KR, iso-8859-9 windows-1254.  Any other
 * label is handed to iconv(3) as it stands.
 */
#ifndef SC_CHARSET_H
#define SC_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define CHARSET_NAME_MAX 40

/*
 * The encoding that label (n bytes) names, as an iconv name, into out:
 * returns 0 and sets out to "" for UTF-8, 0 and the name otherwise, or -1
 * for an empty or over-long label.
 */
int charset_name(const char *label, size_t n, char out[CHARSET_NAME_MAX]);

/*
 * Convert the len bytes at s from encoding name (from charset_name(), or
 * "UTF-16LE" / "UTF-16BE") into UTF-8 in out, which is emptied first and
 * filled up to its cap (what does not fit is left out).  A byte sequence
 * that does not convert becomes U+FFFD.  0, or -1 when iconv does not know
 * the name (out is then empty).
 */
int charset_to_utf8(const char *name, const char *s, size_t len, struct buf *out);

/* What windows-1252 puts at byte c (0x80-0x9f): the standard's table; c
 * itself where it has none. */
uint32_t charset_cp1252(uint32_t c);

/* Is s (n bytes) valid UTF-8? */
int charset_utf8_valid(const char *s, size_t n);

#endif
