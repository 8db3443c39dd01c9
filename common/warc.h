/*
 * warc.h - WARC/1.1 records, each compressed as its own gzip member.
 *
 * The shard builds the records of a fetch (request, then response) and
 * compresses them itself, so compression runs on every core; the coordinator
 * only appends the finished members to the current file and knows the
 * offset of each.  One gzip member per record is what lets a reader seek
 * straight to a record from the pages.jsonl index.
 *
 * A response record's block is the HTTP response exactly as received:
 * status line, headers, body with its transfer and content codings kept, so
 * the block agrees with its own headers.  Digests are sha1 in base32:
 *   WARC-Block-Digest    over the whole block;
 *   WARC-Payload-Digest  over the entity body: the body with the transfer
 *                        coding (chunked) removed, content coding kept.
 *
 * Each member's gzip header carries its own compressed size and the kind
 * of its record in an extra field (RFC 1952 FEXTRA, subfield "SL", 9
 * bytes: the size of the whole member, header and trailer included, 8
 * bytes little-endian, then one of WARC_KIND_*), so a reader that wants
 * only the headers of some records (common/warcread.h: the index) can skip
 * from one member to the next without inflating the bodies, or any of a
 * record it does not want.  gzip readers ignore extra fields; the header
 * is WARC_GZ_HEAD bytes.
 *
 * struct warc_writer holds the reusable state (deflate stream, digest
 * context, buffers, record-id generator); one per process.
 * Lifecycle: warc_writer_init() -> warc_fetch_records()... -> warc_writer_release().
 */
#ifndef SC_WARC_H
#define SC_WARC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"

#define WARC_DIGEST_LEN 38      /* "sha1:" + 32 base32 chars + NUL */
#define WARC_ID_LEN     48      /* "<urn:uuid:" + 36 + ">" + NUL */
#define WARC_DATE_LEN   32
#define WARC_GZ_HEAD    25      /* gzip header with the "SL" extra field */

/* The record kinds an "SL" field names. */
#define WARC_KIND_OTHER    0
#define WARC_KIND_REQUEST  1
#define WARC_KIND_RESPONSE 2
#define WARC_KIND_REVISIT  3
#define WARC_KIND_WARCINFO 4

struct warc_writer {
	void *z;                /* struct libdeflate_compressor * */
	void *isal_buf;         /* igzip's working memory, at level 1 */
	size_t isal_buf_size;
	void *md;               /* EVP_MD_CTX * */
	void *sha1;             /* EVP_MD * */
	int level;
	uint64_t rng[2];
	struct buf head;        /* WARC header block being built */
	struct buf rec;         /* whole record, for the compressor */
	char last_id[WARC_ID_LEN];     /* of the last response warc_fetch_records() built */
	char last_date[WARC_DATE_LEN]; /* ... and its WARC-Date */
};

/* level: the compression level, 1..12: 1 (the default) is ISA-L's igzip,
 * the fastest; 2..12 are libdeflate's levels, for smaller files. */
void warc_writer_init(struct warc_writer *w, int level);
void warc_writer_release(struct warc_writer *w);

struct warc_fetch {
	const char *uri;
	const char *ip;         /* may be NULL or "" */
	struct timespec start;  /* when the request was sent */
	const char *req;        /* the request as sent (headers, CRLF CRLF) */
	size_t req_len;
	const char *resp_hdr;   /* status line + headers + blank line, as received */
	size_t resp_hdr_len;
	const char *body;       /* body as received (codings kept) */
	size_t body_len;
	const char *payload;    /* entity body: body less transfer coding */
	size_t payload_len;
	int truncated;          /* body cut at the size cap */
};

/*
 * Append the request and response records of a fetch to out, each its own
 * gzip member.  *req_len and *resp_len get the size of each member; digest
 * gets the payload digest ("sha1:..."), as written in the response record.
 * Returns 0, or SC_ETOOBIG when out's cap would be passed (out unchanged).
 */
int warc_fetch_records(struct warc_writer *w, const struct warc_fetch *f,
		       struct buf *out, size_t *req_len, size_t *resp_len,
		       char digest[WARC_DIGEST_LEN]);

/*
 * A revisit record (WARC 1.1 section 6.7): the HTTP response header block
 * as received and no body, in place of a response whose payload is stored
 * already (profile WARC_PROFILE_IDENTICAL) or that the server said had not
 * changed (a 304 to a conditional request: WARC_PROFILE_NOT_MODIFIED).
 * id and date are the record's own (those its request record's
 * WARC-Concurrent-To names); refers_* name the record with the payload
 * (refers_id may be NULL or ""); digest is that payload's digest ("" for
 * none).  Appends one gzip member to out; *len gets its size.  0 or
 * SC_ETOOBIG (out unchanged).
 */
#define WARC_PROFILE_IDENTICAL \
	"http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#define WARC_PROFILE_NOT_MODIFIED \
	"http://netpreserve.org/warc/1.1/revisit/server-not-modified"

struct warc_revisit {
	const char *uri, *ip, *id, *date, *profile;
	const char *refers_uri, *refers_date, *refers_id, *digest;
	const char *hdr;        /* status line + headers + blank line */
	size_t hdr_len;
};
int warc_revisit_record(struct warc_writer *w, const struct warc_revisit *v,
			struct buf *out, size_t *len);

/*
 * Append a warcinfo record (one gzip member) for a file named filename,
 * whose block is fields ("name: value\r\n" lines).  0 or SC_ETOOBIG.
 */
int warc_info_record(struct warc_writer *w, struct buf *out,
		     const char *filename, const char *fields);

/* "sha1:" + base32(sha1(p, n)) into out. */
void warc_sha1(struct warc_writer *w, const void *p, size_t n,
	       char out[WARC_DIGEST_LEN]);

/* "2026-11-21T12:00:00.123456Z" */
void warc_date(const struct timespec *t, char out[WARC_DATE_LEN]);

/*
 * Reading back (tests, resume).  warc_member() inflates the gzip member at
 * the start of p into out (capped) and sets *used to its compressed size.
 * Returns 0, SC_EAGAIN if the member is incomplete (truncated file),
 * SC_EINVAL if it is not gzip, SC_ETOOBIG if it inflates past out's cap.
 */
int warc_member(const void *p, size_t n, struct buf *out, size_t *used);

/*
 * Split an uncompressed record into its header lines and block.
 * Returns 0 or SC_EINVAL (no "WARC/1.1" line, no blank line, a
 * Content-Length that disagrees with the bytes present).
 */
struct warc_record {
	const char *head;       /* header lines after the version line */
	size_t head_len;
	const char *block;
	size_t block_len;
};
int warc_parse(const char *rec, size_t len, struct warc_record *r);

#endif
