/*
 * warcread.h - reading WARC records back from gzipped files, a record's
 * headers only: what an index (crawler/cdxj.h), a revisit's reference
 * (crawler/revisit.h) and a recrawl need, never the bodies.
 *
 * One gzip member per record, as shardcrawl writes them (and most tools).
 * A member whose gzip header holds its own size (shardcrawl's, see
 * common/warc.h) is inflated only as far as its headers, a few KB, and
 * skipped: the size is trusted when the member fits in the file and another
 * member (or the end) follows it; a body is then never inflated, so its
 * CRC is not checked here (tests/warc-check.mjs checks it).  Any other
 * member: warcread_member() inflates it to its end (to learn
 * its compressed size, the record's "length" in an index) but keeps only the
 * first WARCREAD_HEAD_MAX bytes of what it inflates: the WARC header and the
 * HTTP header, each capped (SC_HEADERS_MAX), fit in it; a body is inflated
 * through a fixed window and dropped.  So memory is bounded whatever the
 * record, and one struct warcread is reused for every member.  A member
 * that inflates to at most WARCREAD_FAST_MAX bytes (nearly every page) goes
 * through libdeflate in one call, 2-3x zlib's speed; a larger one is
 * streamed through zlib.
 *
 * Lifecycle: warcread_init() -> warcread_member() / warcread_at()... ->
 * warcread_release().
 */
#ifndef SC_WARCREAD_H
#define SC_WARCREAD_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/limits.h"

#define WARCREAD_HEAD_MAX (SC_HEADERS_MAX + (64u << 10))
#define WARCREAD_FAST_MAX (4u << 20)

struct warcread {
	void *z;                /* z_stream *, reused */
	struct buf head;        /* the member's first bytes, inflated */
	char *sink;             /* where the rest is inflated and dropped */
	void *fast;             /* struct libdeflate_decompressor * */
	char *whole;            /* WARCREAD_FAST_MAX: a member inflated at once */
};

void warcread_init(struct warcread *r);
void warcread_release(struct warcread *r);

/*
 * Inflate the gzip member at the start of p (n bytes available): r->head
 * gets its first bytes (up to WARCREAD_HEAD_MAX), *used its compressed size.
 * Returns 0; SC_EAGAIN when the member does not end within n bytes (a cut
 * file); SC_EINVAL when it is not gzip or does not inflate.
 */
int warcread_member(struct warcread *r, const void *p, size_t n, size_t *used);

/*
 * The kind of the record whose member starts at p (WARC_KIND_*, from its
 * gzip header, common/warc.h) and, in *size, the member's size: what a
 * reader needs to skip a record it does not want without inflating any of
 * it.  -1 when the member does not name them (another tool's), or names
 * a size that does not agree with the n bytes there.
 */
int warcread_kind(const void *p, size_t n, size_t *size);

/*
 * Read the headers of the record whose member starts at offset off of the
 * file fd: r->head gets what inflates from the 64 KiB read there (enough
 * for the WARC header of any record; an HTTP header may be cut).  0, SC_EIO (read error,
 * errno set) or SC_EINVAL (not a gzip member there).
 */
int warcread_at(struct warcread *r, int fd, uint64_t off);

/*
 * Map the file at path for reading, whole: *map and *len (NULL and 0 for an
 * empty file), to be given back with warcread_unmap().  0, or -1 when it
 * cannot be opened or mapped (logged, naming the file).
 */
int warcread_map(const char *path, const unsigned char **map, size_t *len);
void warcread_unmap(const unsigned char *map, size_t len);

/* The fields of a record, pointers into the inflated head (not NUL-ended:
 * each with its length; len 0 when absent). */
struct warc_str {
	const char *p;
	size_t n;
};

struct warc_fields {
	struct warc_str type, uri, date, payload_digest, content_type;
	struct warc_str refers_uri, refers_date, refers_id, profile, record_id;
	int status;             /* HTTP status of a response/revisit, -1: none */
	struct warc_str http_type; /* the HTTP Content-Type */
	struct warc_str http_etag, http_last_modified;
};

/*
 * Parse what r->head holds (a record starting "WARC/1.0" or "WARC/1.1").
 * The HTTP status and headers are read for response and revisit records
 * whose block starts "HTTP/".  0, or SC_EINVAL when the WARC header is not
 * there whole.
 */
int warcread_fields(const struct warcread *r, struct warc_fields *f);

/* Compare a field with a C string (exactly). */
int warc_str_is(const struct warc_str *s, const char *v);

#endif
