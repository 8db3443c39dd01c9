#include "common/warcread.h"
#include "common/err.h"
#include "common/http.h"
#include "common/warc.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SINK_SIZE (256u << 10)

void warcread_init(struct warcread *r)
{
	r->z = xcalloc(1, sizeof(z_stream));
	/* one inflate state for every member, reset between them */
	SC_ASSERT(inflateInit2(r->z, 16 + 15) == Z_OK);
	buf_init(&r->head, WARCREAD_HEAD_MAX);
	SC_ASSERT(buf_reserve(&r->head, WARCREAD_HEAD_MAX) == 0);
	r->sink = xmalloc(SINK_SIZE);
	r->fast = libdeflate_alloc_decompressor();
	SC_ASSERT(r->fast);
	r->whole = xmalloc(WARCREAD_FAST_MAX);
}

void warcread_release(struct warcread *r)
{
	if (r->z)
		inflateEnd(r->z);
	free(r->z);
	free(r->sink);
	free(r->whole);
	if (r->fast)
		libdeflate_free_decompressor(r->fast);
	buf_release(&r->head);
	r->z = NULL;
	r->sink = NULL;
	r->whole = NULL;
	r->fast = NULL;
}

/* Inflate one member from p; stop at its end, or, when whole is 0, once the
 * head is full or the input runs out. */
static int inflate_member(struct warcread *r, const void *p, size_t n,
			  size_t *used, int whole)
{
	z_stream *z = r->z;
	const unsigned char *u = p;
	int rc = Z_OK, ret;

	*used = 0;
	buf_reset(&r->head);
	if (n < 18)
		return SC_EAGAIN;
	if (u[0] != 0x1f || u[1] != 0x8b || inflateReset(z) != Z_OK)
		return SC_EINVAL;
	z->next_in = (Bytef *)p;
	z->avail_in = 0;
	while (rc == Z_OK) {
		size_t room = r->head.cap - r->head.len;

		/* zlib counts in uInt: feed a huge input in slices */
		if (z->avail_in == 0) {
			size_t left = n - (size_t)((const unsigned char *)z->next_in - u);
			if (!left)
				break;
			z->avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
		}
		if (room) {
			z->next_out = (Bytef *)r->head.data + r->head.len;
			z->avail_out = (uInt)room;
		} else if (!whole) {
			break;
		} else {
			z->next_out = (Bytef *)r->sink;
			z->avail_out = SINK_SIZE;
		}
		rc = inflate(z, Z_NO_FLUSH);
		if (room)
			r->head.len = (size_t)((char *)z->next_out - r->head.data);
	}
	r->head.data[r->head.len] = '\0';
	if (rc == Z_STREAM_END) {
		*used = (size_t)((const unsigned char *)z->next_in - u);
		ret = 0;
	} else if (rc == Z_OK || rc == Z_BUF_ERROR) {
		ret = whole ? SC_EAGAIN : 0;
	} else {
		ret = SC_EINVAL;
	}
	return ret;
}

/* The member size our writer put in the gzip header (common/warc.h),
 * when it is there and agrees with the file: the member fits in the n
 * bytes, and another member or the end of the file follows it.  Else 0. */
static size_t member_hint(const unsigned char *u, size_t n)
{
	uint64_t len = 0;
	int k;

	if (n < WARC_GZ_HEAD || u[0] != 0x1f || u[1] != 0x8b || u[2] != 8 ||
	    u[3] != 4 || u[10] != 13 || u[11] != 0 || u[12] != 'S' || u[13] != 'L' ||
	    u[14] != 9 || u[15] != 0)
		return 0;
	for (k = 7; k >= 0; k--)
		len = len << 8 | u[16 + k];
	if (len < WARC_GZ_HEAD + 10 || len > n)
		return 0;
	if (len < n && (n - len < 2 || u[len] != 0x1f || u[len + 1] != 0x8b))
		return 0;
	return (size_t)len;
}

/* Has the head the whole WARC header and, when the block is HTTP, the
 * whole HTTP header? */
static int head_complete(const struct buf *h)
{
	const char *blank;

	if (h->len < 12)
		return 0;
	blank = memmem(h->data, h->len, "\r\n\r\n", 4);
	if (!blank)
		return 0;
	blank += 4;
	if ((size_t)(h->data + h->len - blank) < 5)
		return 0;
	if (memcmp(blank, "HTTP/", 5) != 0)
		return 1;
	return memmem(blank, (size_t)(h->data + h->len - blank), "\r\n\r\n", 4) != NULL;
}

/* A member whose size is known: inflate only until the head has the
 * headers (a few KB), not the body. */
static int inflate_head(struct warcread *r, const void *p, size_t len)
{
	z_stream *z = r->z;
	int rc = Z_OK;

	buf_reset(&r->head);
	if (len > (1u << 30) || inflateReset(z) != Z_OK)
		return SC_EINVAL;
	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)len;
	while (rc == Z_OK && r->head.len < r->head.cap && !head_complete(&r->head)) {
		size_t room = r->head.cap - r->head.len;

		z->next_out = (Bytef *)r->head.data + r->head.len;
		/* small steps: the headers are about 1 KB */
		z->avail_out = (uInt)(room < 1024 ? room : 1024);
		rc = inflate(z, Z_NO_FLUSH);
		r->head.len = (size_t)((char *)z->next_out - r->head.data);
	}
	r->head.data[r->head.len] = '\0';
	return rc == Z_OK || rc == Z_STREAM_END ? 0 : SC_EINVAL;
}

int warcread_kind(const void *p, size_t n, size_t *size)
{
	size_t hint = member_hint(p, n);

	if (!hint)
		return -1;
	*size = hint;
	return ((const unsigned char *)p)[WARC_GZ_HEAD - 1];
}

int warcread_member(struct warcread *r, const void *p, size_t n, size_t *used)
{
	size_t in_used = 0, out_len = 0, hint = member_hint(p, n);
	const unsigned char *u = p;

	if (hint && inflate_head(r, p, hint) == 0) {
		*used = hint;
		return 0;
	}
	/* one gzip member, whole, in one call; anything else (too big, cut,
	 * not gzip) is left to zlib, which tells which it is */
	if (n >= 18 && u[0] == 0x1f && u[1] == 0x8b &&
	    libdeflate_gzip_decompress_ex(r->fast, p, n, r->whole, WARCREAD_FAST_MAX,
					  &in_used, &out_len) == LIBDEFLATE_SUCCESS) {
		size_t keep = out_len < r->head.cap ? out_len : r->head.cap;
		memcpy(r->head.data, r->whole, keep);
		r->head.len = keep;
		r->head.data[keep] = '\0';
		*used = in_used;
		return 0;
	}
	return inflate_member(r, p, n, used, 1);
}

int warcread_at(struct warcread *r, int fd, uint64_t off)
{
	/* a record's WARC header is far under this even uncompressed */
	char in[64 << 10];
	size_t got = 0, used;
	int rc;

	while (got < sizeof(in)) {
		ssize_t k = pread(fd, in + got, sizeof(in) - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return SC_EIO;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	rc = inflate_member(r, in, got, &used, 0);
	return rc == SC_EAGAIN ? SC_EINVAL : rc;
}

int warcread_map(const char *path, const unsigned char **map, size_t *len)
{
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*map = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		log_error("cannot read '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		log_error("cannot map '%s': %s", path, strerror(errno));
		return -1;
	}
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	*map = m;
	*len = (size_t)st.st_size;
	return 0;
}

void warcread_unmap(const unsigned char *map, size_t len)
{
	if (map)
		munmap((void *)map, len);
}

int warc_str_is(const struct warc_str *s, const char *v)
{
	size_t n = strlen(v);

	return s->n == n && memcmp(s->p, v, n) == 0;
}

static void field(const char *h, size_t n, const char *name, struct warc_str *s)
{
	if (!http_header(h, n, name, &s->p, &s->n)) {
		s->p = "";
		s->n = 0;
	}
}

int warcread_fields(const struct warcread *r, struct warc_fields *f)
{
	const char *rec = r->head.data, *blank, *block, *hend;
	size_t len = r->head.len, hn, bn;

	memset(f, 0, sizeof(*f));
	f->status = -1;
	if (len < 10 || (memcmp(rec, "WARC/1.1\r\n", 10) != 0 &&
			 memcmp(rec, "WARC/1.0\r\n", 10) != 0))
		return SC_EINVAL;
	blank = memmem(rec + 8, len - 8, "\r\n\r\n", 4);
	if (!blank)
		return SC_EINVAL;
	hn = (size_t)(blank + 2 - rec);
	field(rec, hn, "WARC-Type", &f->type);
	field(rec, hn, "WARC-Target-URI", &f->uri);
	field(rec, hn, "WARC-Date", &f->date);
	field(rec, hn, "WARC-Payload-Digest", &f->payload_digest);
	field(rec, hn, "Content-Type", &f->content_type);
	field(rec, hn, "WARC-Refers-To-Target-URI", &f->refers_uri);
	field(rec, hn, "WARC-Refers-To-Date", &f->refers_date);
	field(rec, hn, "WARC-Refers-To", &f->refers_id);
	field(rec, hn, "WARC-Profile", &f->profile);
	field(rec, hn, "WARC-Record-ID", &f->record_id);
	field("", 0, "x", &f->http_type);
	field("", 0, "x", &f->http_etag);
	field("", 0, "x", &f->http_last_modified);
	block = blank + 4;
	bn = len - (size_t)(block - rec);
	if (!(warc_str_is(&f->type, "response") || warc_str_is(&f->type, "revisit")) ||
	    bn < 12 || memcmp(block, "HTTP/", 5) != 0)
		return 0;
	{
		const char *sp = memchr(block, ' ', bn < 64 ? bn : 64);
		int st = 0, k = 0;

		while (sp && sp + 1 + k < block + bn && k < 3 &&
		       sp[1 + k] >= '0' && sp[1 + k] <= '9')
			st = st * 10 + (sp[1 + k++] - '0');
		if (k == 3)
			f->status = st;
	}
	hend = memmem(block, bn, "\r\n\r\n", 4);
	hn = hend ? (size_t)(hend + 2 - block) : bn;
	field(block, hn, "Content-Type", &f->http_type);
	field(block, hn, "ETag", &f->http_etag);
	field(block, hn, "Last-Modified", &f->http_last_modified);
	return 0;
}
