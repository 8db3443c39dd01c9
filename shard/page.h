/*
 * page.h - what happens to a finished page: from the raw bytes of one
 * response to the MSG_RESULT that ends its URL.
 *
 * page_process() de-chunks the body, builds the request and response WARC
 * records (digests, gzip), resolves a redirect's Location, decodes the
 * content and extracts the links of an HTML page (and, with MSG_URL_REQS,
 * its requisites, or the url() and @import of a stylesheet: Content-Type
 * text/css), and queues one MSG_RESULT
 * frame (the WARC members as its blob) on a frame writer.  It works on a
 * struct page_in only, never on a libcurl handle, so the same function runs
 * on a transfer of this shard (xfer_capture) and on one a peer shard handed
 * over: all the CPU work of a page lives here.
 *
 * Extraction (common/extract.h): when a rule of the worker's rules matches
 * a 2xx HTML page, its tree is built and the rule run; the items go into
 * the result (MSG_RES_EXTRACT), and a rule with follow replaces the SAX
 * link pass: only its links are sent.  A page no rule matches costs one
 * regexec() a rule.  With no_warc (--extract-only) no WARC record is
 * built: the result has no blob, only the payload digest.
 *
 * The worker holds the scratch buffers of that work (each capped: the WARC
 * blob at SC_FRAME_BLOB_MAX, the de-chunked payload at --max-size, the
 * decoded HTML at SC_PARSE_MAX, the links at SC_LINKS_MAX) and reuses them
 * for every page, so a warm worker makes few allocations.  A sitemap
 * (MSG_URL_SITEMAP: common/sitemap.h) is read instead of HTML, within the
 * protocol's caps (50 MB, 50,000 URLs); its entries are the result's links,
 * flagged MSG_RES_SITEMAPS for an index.  Its buffers are freed after each
 * sitemap: they are large and sitemaps are few.
 */
#ifndef SC_PAGE_H
#define SC_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/extract.h"
#include "common/links.h"
#include "common/msg.h"
#include "common/rules.h"
#include "common/warc.h"

struct frame_writer;
struct msg_result;

/* A finished page response; the caller owns every pointer. */
struct page_in {
	uint64_t id;            /* the coordinator's handle */
	const char *url;        /* normalized */
	uint32_t depth;
	uint32_t flags;         /* MSG_URL_* */
	uint32_t attempts;      /* fetches made so far, this one included */
	uint32_t status;        /* HTTP status */
	const char *error;      /* why the response is a failure all the same
				 * (5xx after the retries); NULL: none */
	uint32_t fetch_ms;
	const char *ip;         /* "" when unknown */
	const char *content_type; /* "" when none */
	struct timespec start;  /* CLOCK_REALTIME, when the request was sent */
	int truncated;          /* body cut at --max-size */
	uint32_t host_gap_ms;   /* its host's gap (msg_result.host_gap_ms) */
	const char *req;        /* request headers as sent */
	size_t req_len;
	const char *hdr;        /* response headers as received */
	size_t hdr_len;
	const char *body;       /* body as received (codings kept) */
	size_t body_len;
};

struct page_worker {
	struct warc_writer warc;
	struct links links;
	struct buf blob;        /* WARC members of one result */
	struct buf msg;         /* encoded result body */
	struct buf payload;     /* de-chunked body */
	struct buf parse;       /* content-decoded HTML for the link parser */
	const char *doc;        /* the page as the parsers read it: parse's */
	size_t doc_len;         /* data, or the payload itself when not encoded */
	char etag[MSG_VALIDATOR_MAX + 1];    /* the result's validators */
	char lastmod[MSG_VALIDATOR_MAX + 1];
	struct links smap;      /* a sitemap's entries (SC_SITEMAP_URLS_MAX) */
	struct buf smap_body;   /* its decoded body (SC_SITEMAP_BYTES_MAX) ... */
	struct buf smap_gz;     /* ... and that body gunzipped, if it was gzip */
	uint64_t processed;     /* pages processed by this worker */
	unsigned link_flags;    /* LINKS_* for links_extract() */
	const struct rules *rules; /* NULL: no extraction; not owned */
	int no_warc;            /* --extract-only: no WARC records */
	struct extractor ex;
};

/* rules may be NULL; the worker only reads them, and they must outlive it. */
void page_worker_init(struct page_worker *w, int warc_level, uint64_t max_size,
		      unsigned link_flags, const struct rules *rules, int no_warc);
void page_worker_release(struct page_worker *w);

/* Process one page and queue its MSG_RESULT on out.  Never fails: a page
 * whose records pass a cap gets a result with an "internal: ..." error. */
void page_process(struct page_worker *w, const struct page_in *in,
		  struct frame_writer *out);

/*
 * Queue a MSG_RESULT with its blob on out (encoded in w's buffer).  A result
 * past the frame caps (impossible with the caps in limits.h) is replaced by
 * an "internal: result too large" one: the URL is never lost.
 */
void page_send(struct page_worker *w, struct frame_writer *out,
	       const struct msg_result *r, const void *blob, size_t blob_len);

/*
 * A robots.txt response (in->url the URL it came from, in->id 0): build
 * its request and response records and queue them on out as a MSG_ROBOTS
 * for the coordinator to archive.  One whose records pass a cap is not
 * archived (a note in the log); the rules are read all the same.
 */
void page_robots(struct page_worker *w, const struct page_in *in,
		 struct frame_writer *out);

/* A URL that ends without a response: queue its result saying why. */
void page_fail(struct page_worker *w, struct frame_writer *out, uint64_t id,
	       uint32_t attempts, uint32_t status, const char *why);

#endif
