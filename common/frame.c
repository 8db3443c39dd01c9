#include "common/frame.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"

#include <errno.h>
#include <lz4.h>
#include <string.h>
#include <unistd.h>
#include <libdeflate.h>


int frame_encode(struct buf *out, int type, const void *body, size_t body_len,
		 const void *blob, size_t blob_len)
{
	size_t start = out->len, wire = body_len, bound;
	unsigned char *h;
	uint8_t flags = 0;
	uint32_t crc;
	int n;

	if (body_len > SC_FRAME_BODY_MAX || blob_len > SC_FRAME_BLOB_MAX)
		return SC_ETOOBIG;
	bound = (size_t)LZ4_compressBound((int)body_len);
	if (buf_reserve(out, FRAME_HDR + (bound > body_len ? bound : body_len) + blob_len))
		return SC_ETOOBIG;
	h = (unsigned char *)out->data + start;
	if (body_len >= FRAME_LZ4_MIN) {
		n = LZ4_compress_default(body, (char *)h + FRAME_HDR, (int)body_len,
					 (int)bound);
		if (n > 0 && (size_t)n < body_len - body_len / 8) {
			wire = (size_t)n;
			flags |= FRAME_LZ4;
		}
	}
	if (!(flags & FRAME_LZ4) && body_len)
		memcpy(h + FRAME_HDR, body, body_len);
	if (blob_len)
		memcpy(h + FRAME_HDR + wire, blob, blob_len);
	h[0] = FRAME_MAGIC;
	h[1] = (unsigned char)type;
	h[2] = flags;
	h[3] = 0;
	buf_set_le32(h + 4, (uint32_t)wire);
	buf_set_le32(h + 8, (uint32_t)body_len);
	buf_set_le32(h + 12, (uint32_t)blob_len);
	crc = libdeflate_crc32(0, h, 16);
	crc = libdeflate_crc32(crc, h + FRAME_HDR, wire + blob_len);
	buf_set_le32(h + 16, crc);
	out->len = start + FRAME_HDR + wire + blob_len;
	out->data[out->len] = '\0';
	return 0;
}

/*
 * Check a header.  Returns the frame's total size, or a negative error.
 */
static long frame_check_header(const unsigned char *h, size_t blob_max, int max_type)
{
	uint32_t wire = buf_get_le32(h + 4), body = buf_get_le32(h + 8), blob = buf_get_le32(h + 12);

	if (h[0] != FRAME_MAGIC || h[1] == 0 || h[1] > max_type ||
	    (h[2] & ~FRAME_LZ4) || h[3])
		return SC_EPROTO;
	if (body > SC_FRAME_BODY_MAX || blob > blob_max)
		return SC_EPROTO;
	if (h[2] & FRAME_LZ4) {
		if (wire == 0 || wire > (uint32_t)LZ4_compressBound((int)body))
			return SC_EPROTO;
	} else if (wire != body) {
		return SC_EPROTO;
	}
	return (long)(FRAME_HDR + (size_t)wire + blob);
}

/* Verify and decode a complete frame at h (total bytes known good). */
static int frame_open(const unsigned char *h, struct buf *scratch, struct frame *f)
{
	uint32_t wire = buf_get_le32(h + 4), body = buf_get_le32(h + 8), blob = buf_get_le32(h + 12);
	uint32_t crc;
	int n;

	/* libdeflate's CRC-32 (the same polynomial as zlib's) uses the CPU's
	 * carry-less multiply: several times faster on the blobs */
	crc = libdeflate_crc32(0, h, 16);
	crc = libdeflate_crc32(crc, h + FRAME_HDR, (size_t)wire + blob);
	if (crc != buf_get_le32(h + 16))
		return SC_ECRC;
	f->type = h[1];
	f->blob = (const char *)h + FRAME_HDR + wire;
	f->blob_len = blob;
	f->body_len = body;
	if (!(h[2] & FRAME_LZ4)) {
		f->body = (const char *)h + FRAME_HDR;
		return 0;
	}
	buf_reset(scratch);
	if (buf_reserve(scratch, body))
		return SC_EPROTO;
	n = LZ4_decompress_safe((const char *)h + FRAME_HDR, scratch->data,
				(int)wire, (int)body);
	if (n < 0 || (uint32_t)n != body)
		return SC_EPROTO;
	scratch->len = body;
	scratch->data[body] = '\0';
	f->body = scratch->data;
	return 0;
}

int frame_decode(const void *p, size_t n, size_t blob_max, int max_type,
		 struct buf *scratch, struct frame *f, size_t *used)
{
	long total;
	int rc;

	*used = 0;
	if (n < FRAME_HDR)
		return SC_EAGAIN;
	total = frame_check_header(p, blob_max, max_type);
	if (total < 0)
		return (int)total;
	if (n < (size_t)total)
		return SC_EAGAIN;
	rc = frame_open(p, scratch, f);
	if (rc == 0)
		*used = (size_t)total;
	return rc;
}

void frame_reader_init(struct frame_reader *r, int fd, int max_type, size_t blob_max)
{
	r->fd = fd;
	buf_init(&r->in, FRAME_HDR + (size_t)LZ4_compressBound(SC_FRAME_BODY_MAX) +
			 blob_max + (1u << 20));
	r->pos = 0;
	buf_init(&r->dec, SC_FRAME_BODY_MAX);
	r->blob_max = blob_max;
	r->max_type = max_type;
	r->eof = 0;
	r->err = 0;
}

void frame_reader_release(struct frame_reader *r)
{
	buf_release(&r->in);
	buf_release(&r->dec);
}

int frame_read(struct frame_reader *r)
{
	size_t room;
	ssize_t n;

	/* Compact once the consumed part is large, so the buffer stays small. */
	if (r->pos && (r->pos == r->in.len || r->pos > (1u << 20))) {
		buf_consume(&r->in, r->pos);
		r->pos = 0;
	}
	/* One read per call: the caller drains frames, then polls again, so a
	 * fast peer cannot make this loop (or the buffer) run away. */
	if (buf_reserve(&r->in, 256 << 10) && buf_reserve(&r->in, 1))
		return 0;  /* full: frame_next() rejects what cannot fit */
	room = r->in.alloc - 1 - r->in.len;
	do {
		n = read(r->fd, r->in.data + r->in.len, room);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		r->in.len += (size_t)n;
		r->in.data[r->in.len] = '\0';
		return 0;
	}
	if (n == 0) {
		r->eof = 1;
		return SC_EEOF;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return SC_EIO;
}

int frame_next(struct frame_reader *r, struct frame *f)
{
	size_t have = r->in.len - r->pos;
	const unsigned char *h = (const unsigned char *)r->in.data + r->pos;
	long total;
	int rc;

	if (r->err)
		return r->err;
	if (have < FRAME_HDR) {
		if (r->eof && have)
			return r->err = SC_EPROTO;
		return SC_EAGAIN;
	}
	total = frame_check_header(h, r->blob_max, r->max_type);
	if (total < 0)
		return r->err = (int)total;
	if (have < (size_t)total) {
		if (r->eof)
			return r->err = SC_EPROTO;
		return SC_EAGAIN;
	}
	rc = frame_open(h, &r->dec, f);
	if (rc)
		return r->err = rc;
	r->pos += (size_t)total;
	return 0;
}

void frame_writer_init(struct frame_writer *w, int fd)
{
	w->fd = fd;
	buf_init(&w->out, (size_t)4 << 30);
	w->pos = 0;
}

void frame_writer_release(struct frame_writer *w)
{
	buf_release(&w->out);
	w->pos = 0;
}

int frame_queue(struct frame_writer *w, int type, const void *body,
		size_t body_len, const void *blob, size_t blob_len)
{
	if (w->pos && w->pos == w->out.len) {
		buf_reset(&w->out);
		w->pos = 0;
	}
	return frame_encode(&w->out, type, body, body_len, blob, blob_len);
}

int frame_flush(struct frame_writer *w)
{
	while (w->pos < w->out.len) {
		ssize_t n = write(w->fd, w->out.data + w->pos, w->out.len - w->pos);
		if (n > 0) {
			w->pos += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		return SC_EIO;
	}
	if (w->pos == w->out.len) {
		buf_reset(&w->out);
		w->pos = 0;
		return 0;
	}
	/* keep the queue from creeping: drop what was written once it is big */
	if (w->pos > (4u << 20)) {
		buf_consume(&w->out, w->pos);
		w->pos = 0;
	}
	return SC_EAGAIN;
}

size_t frame_pending(const struct frame_writer *w)
{
	return w->out.len - w->pos;
}
