/*
 * msg.h - the messages the coordinator and the shards exchange, and their
 * encoding inside frame bodies (common/frame.h).  This is the one place the
 * protocol is defined; both sides include it.
 *
 *   coordinator -> shard   MSG_URLS    a batch of URLs to fetch
 *   coordinator -> shard   MSG_SHARE   the shard's share of --rate and -c changed
 *   shard -> coordinator   MSG_HELLO   the shard is up (its index, pid)
 *   shard -> coordinator   MSG_LOAD    how many transfers it has running now
 *   shard -> coordinator   MSG_FOUND   sitemaps a robots.txt named (--sitemaps)
 *   shard -> coordinator   MSG_RESULT  one URL reached a final state; the
 *                                      frame's blob holds its WARC records
 *   shard -> coordinator   MSG_ROBOTS  a robots.txt response, with its URL,
 *                                      to archive: blob as for MSG_RESULT
 *                                      (no credit: not a URL of the crawl)
 *   shard -> shard         MSG_WORK    a finished page transfer handed to a
 *                                      peer for its CPU work (the mesh,
 *                                      shard/peer.h); the blob is the body
 *   shard -> shard         MSG_RESULT  the peer's result for it, encoded as
 *                                      for the coordinator, which the owner
 *                                      forwards as is
 *
 * The coordinator closes the shard's input pipe when the crawl is over; the
 * shard then finishes what it holds and exits.
 *
 * Strings are a u32 length and the bytes followed by a NUL (counted in the
 * length), so a decoded string can be used in place as a C string; the
 * decoder checks the NUL and the caps.  Decoded structs point into the frame
 * body and live as long as it does.
 */
#ifndef SC_MSG_H
#define SC_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum msg_type {
	MSG_HELLO  = 1,
	MSG_URLS   = 2,
	MSG_RESULT = 3,
	MSG_SHARE  = 4,
	MSG_WORK   = 5,
	MSG_LOAD   = 6,
	MSG_FOUND  = 7,
	MSG_ROBOTS = 8,
	MSG_TYPE_MAX = 8,
};

/* msg_url.flags */
#define MSG_URL_NOLINKS  0x01   /* do not extract links (depth limit reached,
				 * or a requisite) */
#define MSG_URL_SITEMAP  0x02   /* a sitemap: its entries are the links */
#define MSG_URL_REQS     0x04   /* give the page requisites of an HTML page,
				 * or the url() and @import of a stylesheet */
#define MSG_URL_REVISIT  0x08   /* the coordinator may store the response as a
				 * revisit record (crawler/revisit.h): send
				 * its header block, record id and date back */

/* The longest validator (ETag, Last-Modified) carried either way; a longer
 * one is not sent, nor stored. */
#define MSG_VALIDATOR_MAX 1024

struct msg_url {
	uint64_t id;            /* the coordinator's handle; returned in the result */
	uint32_t depth;
	uint32_t flags;
	const char *url;        /* normalized */
	const char *referrer;   /* the page it was found on or the URL that
				 * redirected to it, for Referer; "" when none
				 * (a seed, or --no-referer); NULL encodes as "" */
	const char *etag;       /* If-None-Match to send, "" (or NULL): none */
	const char *last_modified; /* If-Modified-Since to send, "" or NULL: none */
};

/* msg_result.flags */
#define MSG_RES_TRUNCATED  0x01 /* body cut at --max-size */
#define MSG_RES_LINKS_CUT  0x02 /* more links than the per-page cap */
#define MSG_RES_NOFOLLOW   0x04 /* meta robots nofollow */
#define MSG_RES_SITEMAPS   0x08 /* a sitemap index: the links are sitemaps */
#define MSG_RES_EXTRACT    0x10 /* an extraction rule matched the page: the
				 * extraction fields below are encoded (only
				 * then, so other results are as before) */

struct msg_result {
	uint64_t id;
	uint32_t status;        /* HTTP status; 0 when no response */
	uint32_t fetch_ms;
	uint64_t bytes;         /* body bytes received (kept) */
	uint32_t flags;
	uint32_t attempts;      /* fetches made for this URL */
	uint32_t host_gap_ms;   /* its host's start-to-start gap in the shard
				 * (--delay, Crawl-delay, --host-rate), ms */
	const char *content_type; /* "" when none */
	const char *digest;     /* "sha1:..." of the payload, "" when none */
	const char *ip;
	const char *error;      /* "" on success */
	const char *location;   /* normalized redirect target, "" when none */
	uint32_t warc_req_len;  /* blob = request member, then response member */
	uint32_t warc_resp_len;
	uint32_t nlinks;        /* at most SC_LINKS_MAX, SC_SITEMAP_URLS_MAX
				 * for a sitemap */
	const char *links;      /* nlinks NUL-terminated URLs back to back */
	size_t links_len;
	uint32_t links_dropped; /* links and requisites past the caps */
	uint32_t nreqs;         /* page requisites (MSG_URL_REQS), at most
				 * SC_REQUISITES_MAX ... */
	const char *reqs;       /* ... as links */
	size_t reqs_len;
	/* with MSG_RES_EXTRACT (common/extract.h) */
	uint32_t nitems;
	const char *items;      /* nitems JSON member lists, NUL-terminated, back
				 * to back; none holds a newline */
	size_t items_len;
	uint32_t items_dropped; /* without a required field */
	uint32_t items_cut;     /* past the per-page caps */
	uint32_t jsonld_invalid; /* JSON-LD blocks that were not JSON */
	const char *not_extracted; /* why the page was not, "" when it was */
	const char *etag;       /* the response's ETag, "" when none */
	const char *last_modified; /* its Last-Modified, "" when none */
	/* only for a URL sent with MSG_URL_REVISIT ("" / 0 otherwise): */
	const char *date;       /* WARC-Date of its records */
	const char *record_id;  /* WARC-Record-ID of the response record */
	const char *hdr;        /* the response header block as received */
	size_t hdr_len;
};

/* HELLO */
int msg_hello_encode(struct buf *b, uint32_t index, uint32_t pid);
int msg_hello_decode(const void *p, size_t n, uint32_t *index, uint32_t *pid);

/* URLS: msg_urls_begin() resets b; add entries; msg_urls_end() patches the
 * count.  Returns 0 or SC_ETOOBIG. */
void msg_urls_begin(struct buf *b);
int msg_urls_add(struct buf *b, const struct msg_url *u);
uint32_t msg_urls_count(const struct buf *b);

/*
 * Iterate a URLS body: msg_urls_open() checks the header and returns the
 * count (or a negative error); each msg_urls_get() fills *u and returns 0,
 * or SC_EPROTO on a malformed entry.
 */
struct msg_urls_iter {
	struct cursor c;
	uint32_t left;
};
int msg_urls_open(struct msg_urls_iter *it, const void *p, size_t n);
int msg_urls_get(struct msg_urls_iter *it, struct msg_url *u);

/*
 * SHARE: the shard's share of the crawl-wide limits, sent whenever it
 * changes (before any URL it applies to: same pipe, so in order).
 *   rate_gap_us   minimum gap between two request starts in the shard, in
 *                 microseconds (0: no --rate)
 *   concurrency   transfers it may have in flight, 1..SC_CONCURRENCY_MAX
 * The decoder refuses a concurrency of 0 or over the cap.
 */
struct msg_share {
	uint64_t rate_gap_us;
	uint32_t concurrency;
};
int msg_share_encode(struct buf *b, const struct msg_share *m);
int msg_share_decode(const void *p, size_t n, struct msg_share *m);

/*
 * LOAD: the transfers (robots.txt included) the shard has running, sent
 * when the figure changes, at most every SC_LOAD_REPORT_MS (and at once
 * when it falls to 0): what the progress line calls "in flight".  The
 * decoder refuses a count over SC_CONCURRENCY_MAX * 2.
 */
#define SC_LOAD_REPORT_MS 250
int msg_load_encode(struct buf *b, uint32_t transfers);
int msg_load_decode(const void *p, size_t n, uint32_t *transfers);

/*
 * FOUND: URLs a shard found outside a page, for the coordinator to admit:
 * the Sitemap lines of a robots.txt (from: its URL).  The same link block
 * as a result's, at most SC_LINKS_MAX URLs.
 */
struct msg_found {
	const char *from;
	uint32_t nurls;
	const char *urls;       /* nurls NUL-terminated URLs back to back */
	size_t urls_len;
};
int msg_found_encode(struct buf *b, const struct msg_found *m);
int msg_found_decode(const void *p, size_t n, struct msg_found *m);

/*
 * WORK: everything the owner of a page captured, for a peer to build its
 * result exactly as the owner would (shard/page.h).  The body is not in
 * the message but the frame's blob: encode the message, then queue it with
 * the body as blob; decode with the blob.  Strings are C strings ("" for an
 * error means none); req and hdr are raw bytes.  The decoder checks every
 * cap: url SC_URL_MAX, error 1024, ip 64, content type SC_URL_MAX, req
 * SC_REQUEST_MAX, hdr SC_HEADERS_MAX, body body_max; a URL; status <= 999,
 * nanoseconds under 1e9, no unknown flag.
 */
#define MSG_WORK_TRUNCATED 0x01 /* body cut at --max-size */

struct msg_work {
	uint64_t id;
	uint32_t depth;
	uint32_t flags;         /* MSG_URL_* */
	uint32_t attempts;
	uint32_t status;
	uint32_t fetch_ms;
	uint32_t wflags;        /* MSG_WORK_* */
	int64_t start_sec;      /* CLOCK_REALTIME of the request */
	uint32_t start_nsec;
	uint32_t host_gap_ms;   /* as in msg_result */
	const char *url;
	const char *error;      /* "" or NULL: none */
	const char *ip;
	const char *content_type;
	const char *req;        /* request headers as sent */
	size_t req_len;
	const char *hdr;        /* response headers as received */
	size_t hdr_len;
	const char *body;       /* the frame's blob */
	size_t body_len;
};
int msg_work_encode(struct buf *b, const struct msg_work *w);
int msg_work_decode(const void *p, size_t n, const void *blob, size_t blob_len,
		    size_t body_max, struct msg_work *w);

/* RESULT: encode into b (reset first); links as in struct msg_result.
 * The decoder checks the extraction fields as it does the links: items
 * at most SC_EXTRACT_ITEMS_MAX and SC_EXTRACT_BYTES_MAX bytes, exactly
 * nitems strings, no newline; not_extracted at most 1024 bytes. */
int msg_result_encode(struct buf *b, const struct msg_result *r);
/* Decode and check; 0 or SC_EPROTO. */
int msg_result_decode(const void *p, size_t n, struct msg_result *r);

/* ROBOTS: the robots.txt URL fetched (the last of its redirects, normalized
 * as libcurl gives it), then a result as above (id 0, no links).  The
 * decoder checks the URL's cap (SC_URL_MAX) and the result. */
int msg_robots_encode(struct buf *b, const char *url, const struct msg_result *r);
int msg_robots_decode(const void *p, size_t n, const char **url, struct msg_result *r);

#endif
