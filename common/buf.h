/*
 * buf.h - a growable byte buffer with a hard size cap.
 *
 * A struct buf holds len bytes at data, always followed by a NUL that is not
 * counted, so text can be used as a C string.  Every buffer has a cap, set by
 * buf_init(): an append that would take len past the cap fails with
 * SC_ETOOBIG and leaves the buffer unchanged.  Memory grows geometrically and
 * is kept across buf_reset(), so a buffer reused for every page makes no
 * allocation once it has reached its working size.
 *
 * Lifecycle: buf_init() -> appends / buf_reset() -> buf_release().
 * buf_release() frees the storage and leaves an empty buffer with the same
 * cap; calling it twice is harmless.  buf_detach() hands the storage to the
 * caller, who must free() it.
 */
#ifndef SC_BUF_H
#define SC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;     /* never NULL after buf_init(); NUL-terminated */
	size_t len;     /* bytes in use */
	size_t alloc;   /* bytes allocated, including the NUL */
	size_t cap;     /* hard limit on len */
};

void buf_init(struct buf *b, size_t cap);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);

/* Make room for n more bytes; 0 or SC_ETOOBIG. */
int buf_reserve(struct buf *b, size_t n);
/* Appends: 0, or SC_ETOOBIG with the buffer unchanged. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Little-endian fixed-width integers and length-prefixed strings. */
int buf_put_u8(struct buf *b, uint8_t v);
int buf_put_u32(struct buf *b, uint32_t v);
int buf_put_u64(struct buf *b, uint64_t v);
int buf_put_str(struct buf *b, const char *s, size_t n); /* u32 length + bytes */

/* Append as much of p as fits under the cap; returns the bytes appended. */
size_t buf_append_upto(struct buf *b, const void *p, size_t n);

/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);

/* Hand the storage to the caller (free() it); b is left empty. */
char *buf_detach(struct buf *b, size_t *plen);

/*
 * A read cursor over bytes written with the buf_put_* functions.  Every get
 * checks the remaining length first: a short or malformed input sets
 * c->err and returns zero / NULL, never reads past the end.
 */
struct cursor {
	const unsigned char *p;
	size_t left;
	int err;        /* 0, or SC_EPROTO once any get ran short */
};

void cursor_init(struct cursor *c, const void *p, size_t n);
uint8_t cursor_u8(struct cursor *c);
uint32_t cursor_u32(struct cursor *c);
uint64_t cursor_u64(struct cursor *c);
/* A string put by buf_put_str(); points into the input (not NUL-terminated
 * unless the writer put a NUL); *plen gets its length.  max caps the length. */
const char *cursor_str(struct cursor *c, size_t *plen, size_t max);

/* Little-endian 32-bit numbers in fixed headers (frames, spill blocks). */
static inline uint32_t buf_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void buf_set_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

#endif
