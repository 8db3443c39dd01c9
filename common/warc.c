#include "common/warc.h"
#include "common/err.h"
#include "common/http.h"
#include "common/limits.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <zlib.h>

/* xorshift128+; record ids need uniqueness, not secrecy */
static uint64_t warc_rand(struct warc_writer *w)
{
	uint64_t s1 = w->rng[0];
	const uint64_t s0 = w->rng[1];

	w->rng[0] = s0;
	s1 ^= s1 << 23;
	w->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return w->rng[1] + s0;
}

static void warc_uuid(struct warc_writer *w, char out[WARC_ID_LEN])
{
	uint64_t a = warc_rand(w), b = warc_rand(w);

	a = (a & ~0xf000ull) | 0x4000ull;                 /* version 4 */
	b = (b & ~(3ull << 62)) | (2ull << 62);           /* variant 10 */
	snprintf(out, WARC_ID_LEN, "<urn:uuid:%08x-%04x-%04x-%04x-%012llx>",
		 (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xffff, (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffull));
}

void warc_writer_init(struct warc_writer *w, int level)
{
	w->z = libdeflate_alloc_compressor(level);
	SC_ASSERT(w->z);
	w->isal_buf = NULL;
	w->isal_buf_size = 0;
	/* level 1, the default, is ISA-L's igzip at its level 2: on real
	 * pages 1.7x faster than its level 3 for files 2-4% larger, and 2x
	 * faster than libdeflate's level 1 (README, "Performance"); its
	 * working buffer is allocated once */
	if (level == 1) {
		/* zeroed: igzip reads hash entries it has not written yet (it
		 * checks every match against the data, so stale ones are harmless,
		 * but they must not be uninitialised memory) */
		w->isal_buf_size = ISAL_DEF_LVL2_DEFAULT;
		w->isal_buf = xcalloc(1, w->isal_buf_size);
	}
	w->md = EVP_MD_CTX_new();
	w->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	SC_ASSERT(w->md && w->sha1);
	w->level = level;
	if (getrandom(w->rng, sizeof(w->rng), 0) != sizeof(w->rng)) {
		w->rng[0] = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull;
		w->rng[1] = (uint64_t)getpid() * 0xbf58476d1ce4e5b9ull + 1;
	}
	if (!w->rng[0] && !w->rng[1])
		w->rng[1] = 1;
	buf_init(&w->head, 4 * 8192 + 4096);
	buf_init(&w->rec, SC_FRAME_BLOB_MAX);
}

void warc_writer_release(struct warc_writer *w)
{
	libdeflate_free_compressor(w->z);
	free(w->isal_buf);
	w->isal_buf = NULL;
	buf_release(&w->rec);
	EVP_MD_CTX_free(w->md);
	EVP_MD_free(w->sha1);
	buf_release(&w->head);
	w->z = w->md = w->sha1 = NULL;
}

static void base32_sha1(const unsigned char md[20], char out[WARC_DIGEST_LEN])
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	int i, j = 5;
	uint64_t acc = 0;
	int bits = 0;

	memcpy(out, "sha1:", 5);
	for (i = 0; i < 20; i++) {
		acc = acc << 8 | md[i];
		bits += 8;
		while (bits >= 5) {
			out[j++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[j] = '\0';
}

/* sha1 over up to three pieces */
static void digest3(struct warc_writer *w, const void *a, size_t an,
		    const void *b, size_t bn, const void *c, size_t cn,
		    char out[WARC_DIGEST_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_DigestInit_ex(w->md, w->sha1, NULL);
	if (an)
		EVP_DigestUpdate(w->md, a, an);
	if (bn)
		EVP_DigestUpdate(w->md, b, bn);
	if (cn)
		EVP_DigestUpdate(w->md, c, cn);
	EVP_DigestFinal_ex(w->md, md, &mdlen);
	base32_sha1(md, out);
}

void warc_sha1(struct warc_writer *w, const void *p, size_t n,
	       char out[WARC_DIGEST_LEN])
{
	digest3(w, p, n, NULL, 0, NULL, 0, out);
}

void warc_date(const struct timespec *t, char out[WARC_DATE_LEN])
{
	struct tm tm;
	time_t s = t->tv_sec;
	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(out, WARC_DATE_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, WARC_DATE_LEN - n, ".%06uZ",
		 (unsigned)(t->tv_nsec / 1000) % 1000000u);
}

/*
 * Compress the header in w->head, the block pieces and the record's closing
 * CRLF CRLF as one gzip member appended to out.  libdeflate wants its input
 * in one piece: the record is assembled in w->rec first (a memcpy is cheap
 * next to compressing; libdeflate is 2.6x faster than zlib at level 1 on
 * our records, see README).
 */
static int gz_member(struct warc_writer *w, struct buf *out, int kind,
		     const void *b1, size_t n1, const void *b2, size_t n2,
		     const void *b3, size_t n3, size_t *mlen)
{
	static const unsigned char head[WARC_GZ_HEAD - 9] = {
		0x1f, 0x8b, 8, 4 /* FEXTRA */, 0, 0, 0, 0 /* no mtime */, 0, 255,
		13, 0 /* XLEN */, 'S', 'L', 9, 0 /* subfield length */,
	};
	size_t start = out->len, bound, got;
	unsigned char *o;
	uint64_t total;
	int k;

	buf_reset(&w->rec);
	if (buf_append(&w->rec, w->head.data, w->head.len) ||
	    buf_append(&w->rec, b1, n1) || buf_append(&w->rec, b2, n2) ||
	    buf_append(&w->rec, b3, n3) || buf_append(&w->rec, "\r\n\r\n", 4))
		return SC_ETOOBIG;
	bound = libdeflate_deflate_compress_bound(w->z, w->rec.len) + WARC_GZ_HEAD + 8;
	if (buf_reserve(out, bound))
		return SC_ETOOBIG;
	o = (unsigned char *)out->data + start;
	memcpy(o, head, sizeof(head));
	o[WARC_GZ_HEAD - 1] = (unsigned char)kind;
	got = 0;
	if (w->isal_buf && w->rec.len < UINT32_MAX / 2) {
		struct isal_zstream zs;

		memset(&zs, 0, sizeof(zs));   /* the init leaves some fields alone */
		isal_deflate_stateless_init(&zs);
		zs.level = 2;
		zs.level_buf = w->isal_buf;
		zs.level_buf_size = (uint32_t)w->isal_buf_size;
		zs.gzip_flag = IGZIP_GZIP_NO_HDR;       /* the trailer only */
		zs.end_of_stream = 1;
		zs.flush = NO_FLUSH;
		zs.next_in = (uint8_t *)w->rec.data;
		zs.avail_in = (uint32_t)w->rec.len;
		zs.next_out = o + WARC_GZ_HEAD;
		zs.avail_out = (uint32_t)(bound - WARC_GZ_HEAD);
		if (isal_deflate_stateless(&zs) == COMP_OK)
			got = zs.total_out;
	}
	if (!got) {     /* other levels, or igzip found the bound too tight */
		uint32_t crc = libdeflate_crc32(0, w->rec.data, w->rec.len);

		got = libdeflate_deflate_compress(w->z, w->rec.data, w->rec.len,
						  o + WARC_GZ_HEAD, bound - WARC_GZ_HEAD - 8);
		SC_ASSERT(got > 0);
		buf_set_le32(o + WARC_GZ_HEAD + got, crc);
		buf_set_le32(o + WARC_GZ_HEAD + got + 4, (uint32_t)w->rec.len);
		got += 8;
	}
	total = WARC_GZ_HEAD + got;
	for (k = 0; k < 8; k++)
		o[16 + k] = (unsigned char)(total >> (8 * k));
	out->len = start + (size_t)total;
	out->data[out->len] = '\0';
	*mlen = (size_t)total;
	if (w->rec.alloc > (4u << 20))
		buf_release(&w->rec);   /* a huge page: do not keep its memory */
	return 0;
}

int warc_fetch_records(struct warc_writer *w, const struct warc_fetch *f,
		       struct buf *out, size_t *req_len, size_t *resp_len,
		       char digest[WARC_DIGEST_LEN])
{
	char req_id[WARC_ID_LEN], resp_id[WARC_ID_LEN], date[WARC_DATE_LEN];
	char block_digest[WARC_DIGEST_LEN];
	size_t start = out->len;
	const char *ip = f->ip && *f->ip ? f->ip : NULL;

	warc_uuid(w, req_id);
	warc_uuid(w, resp_id);
	warc_date(&f->start, date);
	memcpy(w->last_id, resp_id, sizeof(resp_id));
	memcpy(w->last_date, date, sizeof(date));

	/* request */
	digest3(w, f->req, f->req_len, NULL, 0, NULL, 0, block_digest);
	buf_reset(&w->head);
	buf_printf(&w->head,
		   "WARC/1.1\r\n"
		   "WARC-Type: request\r\n"
		   "WARC-Record-ID: %s\r\n"
		   "WARC-Date: %s\r\n"
		   "WARC-Target-URI: %s\r\n"
		   "WARC-Concurrent-To: %s\r\n",
		   req_id, date, f->uri, resp_id);
	if (ip)
		buf_printf(&w->head, "WARC-IP-Address: %s\r\n", ip);
	if (buf_printf(&w->head,
		       "Content-Type: application/http;msgtype=request\r\n"
		       "WARC-Block-Digest: %s\r\n"
		       "Content-Length: %zu\r\n\r\n",
		       block_digest, f->req_len))
		return SC_ETOOBIG;
	if (gz_member(w, out, WARC_KIND_REQUEST, f->req, f->req_len, NULL, 0, NULL, 0,
		      req_len))
		return SC_ETOOBIG;

	/* response */
	digest3(w, f->payload, f->payload_len, NULL, 0, NULL, 0, digest);
	digest3(w, f->resp_hdr, f->resp_hdr_len, f->body, f->body_len, NULL, 0,
		block_digest);
	buf_reset(&w->head);
	buf_printf(&w->head,
		   "WARC/1.1\r\n"
		   "WARC-Type: response\r\n"
		   "WARC-Record-ID: %s\r\n"
		   "WARC-Date: %s\r\n"
		   "WARC-Target-URI: %s\r\n",
		   resp_id, date, f->uri);
	if (ip)
		buf_printf(&w->head, "WARC-IP-Address: %s\r\n", ip);
	if (f->truncated)
		buf_puts(&w->head, "WARC-Truncated: length\r\n");
	if (buf_printf(&w->head,
		       "Content-Type: application/http;msgtype=response\r\n"
		       "WARC-Block-Digest: %s\r\n"
		       "WARC-Payload-Digest: %s\r\n"
		       "Content-Length: %zu\r\n\r\n",
		       block_digest, digest, f->resp_hdr_len + f->body_len) ||
	    gz_member(w, out, WARC_KIND_RESPONSE, f->resp_hdr, f->resp_hdr_len,
		      f->body, f->body_len, NULL, 0, resp_len)) {
		out->len = start;
		out->data[start] = '\0';
		return SC_ETOOBIG;
	}
	return 0;
}

int warc_revisit_record(struct warc_writer *w, const struct warc_revisit *v,
			struct buf *out, size_t *len)
{
	char block_digest[WARC_DIGEST_LEN];
	size_t start = out->len;

	digest3(w, v->hdr, v->hdr_len, NULL, 0, NULL, 0, block_digest);
	buf_reset(&w->head);
	buf_printf(&w->head,
		   "WARC/1.1\r\n"
		   "WARC-Type: revisit\r\n"
		   "WARC-Record-ID: %s\r\n"
		   "WARC-Date: %s\r\n"
		   "WARC-Target-URI: %s\r\n",
		   v->id, v->date, v->uri);
	if (v->ip && *v->ip)
		buf_printf(&w->head, "WARC-IP-Address: %s\r\n", v->ip);
	buf_printf(&w->head,
		   "WARC-Profile: %s\r\n"
		   "WARC-Refers-To-Target-URI: %s\r\n"
		   "WARC-Refers-To-Date: %s\r\n",
		   v->profile, v->refers_uri, v->refers_date);
	if (v->refers_id && *v->refers_id)
		buf_printf(&w->head, "WARC-Refers-To: %s\r\n", v->refers_id);
	if (v->digest && *v->digest)
		buf_printf(&w->head, "WARC-Payload-Digest: %s\r\n", v->digest);
	if (buf_printf(&w->head,
		       "Content-Type: application/http;msgtype=response\r\n"
		       "WARC-Block-Digest: %s\r\n"
		       "Content-Length: %zu\r\n\r\n",
		       block_digest, v->hdr_len) ||
	    gz_member(w, out, WARC_KIND_REVISIT, v->hdr, v->hdr_len, NULL, 0, NULL, 0,
		      len)) {
		out->len = start;
		out->data[start] = '\0';
		return SC_ETOOBIG;
	}
	return 0;
}

int warc_info_record(struct warc_writer *w, struct buf *out,
		     const char *filename, const char *fields)
{
	char id[WARC_ID_LEN], date[WARC_DATE_LEN], dg[WARC_DIGEST_LEN];
	struct timespec now;
	size_t n = strlen(fields), mlen;

	clock_gettime(CLOCK_REALTIME, &now);
	warc_uuid(w, id);
	warc_date(&now, date);
	warc_sha1(w, fields, n, dg);
	buf_reset(&w->head);
	if (buf_printf(&w->head,
		       "WARC/1.1\r\n"
		       "WARC-Type: warcinfo\r\n"
		       "WARC-Record-ID: %s\r\n"
		       "WARC-Date: %s\r\n"
		       "WARC-Filename: %s\r\n"
		       "Content-Type: application/warc-fields\r\n"
		       "WARC-Block-Digest: %s\r\n"
		       "Content-Length: %zu\r\n\r\n",
		       id, date, filename, dg, n))
		return SC_ETOOBIG;
	return gz_member(w, out, WARC_KIND_WARCINFO, fields, n, NULL, 0, NULL, 0, &mlen);
}

int warc_member(const void *p, size_t n, struct buf *out, size_t *used)
{
	z_stream z;
	int rc = Z_OK, ret = 0;

	*used = 0;
	memset(&z, 0, sizeof(z));
	if (n < 18 || ((const unsigned char *)p)[0] != 0x1f ||
	    ((const unsigned char *)p)[1] != 0x8b)
		return n < 18 ? SC_EAGAIN : SC_EINVAL;
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return SC_EINVAL;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	while (rc == Z_OK) {
		if (buf_reserve(out, 64 << 10)) {
			ret = SC_ETOOBIG;
			break;
		}
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)(out->alloc - 1 - out->len);
		rc = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		out->data[out->len] = '\0';
	}
	if (!ret) {
		if (rc == Z_STREAM_END)
			*used = n - z.avail_in;
		else if (rc == Z_BUF_ERROR)
			ret = SC_EAGAIN;
		else
			ret = SC_EINVAL;
	}
	inflateEnd(&z);
	return ret;
}

int warc_parse(const char *rec, size_t len, struct warc_record *r)
{
	const char *end = rec + len, *blank, *v;
	size_t vlen;
	unsigned long long clen;
	char tmp[24];

	if (len < 10 || memcmp(rec, "WARC/1.1\r\n", 10) != 0)
		return SC_EINVAL;
	blank = memmem(rec + 8, len - 8, "\r\n\r\n", 4);
	if (!blank)
		return SC_EINVAL;
	r->head = rec + 10;
	r->head_len = (size_t)(blank + 2 - r->head);
	r->block = blank + 4;
	if (!http_header(r->head, r->head_len, "Content-Length", &v, &vlen) ||
	    vlen == 0 || vlen >= sizeof(tmp))
		return SC_EINVAL;
	memcpy(tmp, v, vlen);
	tmp[vlen] = '\0';
	clen = strtoull(tmp, NULL, 10);
	if (clen > (unsigned long long)(end - r->block))
		return SC_EINVAL;
	r->block_len = (size_t)clen;
	return 0;
}
