#include "common/buf.h"
#include "common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf_empty[1];

void buf_init(struct buf *b, size_t cap)
{
	b->data = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	buf_init(b, b->cap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

int buf_reserve(struct buf *b, size_t n)
{
	size_t want;

	if (n > b->cap || b->len > b->cap - n)
		return SC_ETOOBIG;
	want = b->len + n + 1;
	if (want <= b->alloc)
		return 0;
	if (want < b->alloc + b->alloc / 2)
		want = b->alloc + b->alloc / 2;
	if (want < 64)
		want = 64;
	if (b->alloc) {
		b->data = xrealloc(b->data, want);
	} else {
		b->data = xmalloc(want);
		b->data[0] = '\0';
	}
	b->alloc = want;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return SC_ETOOBIG;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

size_t buf_append_upto(struct buf *b, const void *p, size_t n)
{
	size_t room = b->cap - b->len;

	if (n > room)
		n = room;
	if (n)
		buf_append(b, p, n);
	return n;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return SC_EINVAL;
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	if (buf_reserve(b, (size_t)n))
		return SC_ETOOBIG;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_append(b, &v, 1);
}

int buf_put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v, v >> 8, v >> 16, v >> 24 };
	return buf_append(b, x, 4);
}

int buf_put_u64(struct buf *b, uint64_t v)
{
	if (buf_put_u32(b, (uint32_t)v))
		return SC_ETOOBIG;
	if (buf_put_u32(b, (uint32_t)(v >> 32))) {
		b->len -= 4;
		b->data[b->len] = '\0';
		return SC_ETOOBIG;
	}
	return 0;
}

int buf_put_str(struct buf *b, const char *s, size_t n)
{
	if (n > UINT32_MAX || buf_reserve(b, 4 + n))
		return SC_ETOOBIG;
	buf_put_u32(b, (uint32_t)n);
	return buf_append(b, s, n);
}

void buf_consume(struct buf *b, size_t n)
{
	SC_ASSERT(n <= b->len);
	if (n == 0)
		return;
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *buf_detach(struct buf *b, size_t *plen)
{
	char *p;

	if (!b->alloc)
		buf_reserve(b, 0);
	p = b->data;
	if (plen)
		*plen = b->len;
	buf_init(b, b->cap);
	return p;
}

void cursor_init(struct cursor *c, const void *p, size_t n)
{
	c->p = p;
	c->left = n;
	c->err = 0;
}

static const unsigned char *cursor_take(struct cursor *c, size_t n)
{
	const unsigned char *p;

	if (c->err || c->left < n) {
		c->err = SC_EPROTO;
		return NULL;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

uint8_t cursor_u8(struct cursor *c)
{
	const unsigned char *p = cursor_take(c, 1);
	return p ? p[0] : 0;
}

uint32_t cursor_u32(struct cursor *c)
{
	const unsigned char *p = cursor_take(c, 4);
	if (!p)
		return 0;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t cursor_u64(struct cursor *c)
{
	uint64_t lo = cursor_u32(c);
	uint64_t hi = cursor_u32(c);
	return lo | hi << 32;
}

const char *cursor_str(struct cursor *c, size_t *plen, size_t max)
{
	uint32_t n = cursor_u32(c);
	const unsigned char *p;

	*plen = 0;
	if (c->err)
		return NULL;
	if (n > max) {
		c->err = SC_EPROTO;
		return NULL;
	}
	p = cursor_take(c, n);
	if (!p)
		return NULL;
	*plen = n;
	return (const char *)p;
}
