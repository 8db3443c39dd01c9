/*
 * xfer.h - one transfer: a libcurl easy handle, its callbacks and what they
 * capture (the request as sent, the response headers and body as received).
 *
 * Handles are pooled: xfer_start() takes one from the pool (or makes one),
 * points it at a URL and adds it to the multi handle; xfer_release() takes
 * it off the multi handle and puts it back.  Options that never change are
 * set once per handle, so a warm pool makes no allocation per transfer.
 *
 * What a handle captures is capped: the request at SC_REQUEST_MAX, the
 * headers at SC_HEADERS_MAX (past it the transfer aborts, hdr_overflow set),
 * the body at --max-size for a page or SC_ROBOTS_MAX for robots.txt (past it
 * the transfer aborts with CURLE_WRITE_ERROR, truncated set: the bytes kept
 * are a valid truncated record).  Of a response with interim (1xx) answers
 * only the final one is kept, and of a robots.txt that redirected only the
 * last request and its response.  Both are kept as on the wire (codings
 * not undone).  A 2xx page response whose media type the crawl leaves out
 * (xfer_type_rejected) aborts at its first body byte with type_rejected
 * set: its body is never downloaded.
 *
 * This module knows nothing of hosts' politeness: the caller tells the
 * scheduler about starts and ends (sched_started / sched_finished).
 */
#ifndef SC_XFER_H
#define SC_XFER_H

#include <curl/curl.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"

struct job;
struct host;
struct shard_config;
struct page_in;

struct xfer {
	CURL *easy;
	CURLM *multi;           /* the multi handle it was added to */
	struct xfer *next_free;
	struct job *job;        /* NULL for a robots.txt transfer */
	struct host *host;
	struct buf req;         /* request headers as sent */
	struct buf hdr;         /* response headers as received */
	struct buf body;        /* response body as received */
	struct timespec start;  /* CLOCK_REALTIME: the WARC-Date */
	int truncated;          /* body reached its cap */
	int hdr_overflow;       /* headers reached SC_HEADERS_MAX */
	int type_checked;       /* the media type filter saw the response */
	int type_rejected;      /* a 2xx of a type --accept-type / --reject-type
				 * leave out: aborted at its first body byte */
	const struct shard_config *cfg;
	int resp_seen;          /* a response began since the last request */
	struct curl_slist *cond; /* --header plus If-None-Match / If-Modified-Since
				 * of this transfer (a --recrawl), or NULL */
	uint64_t *evictions;    /* the pool's counter */
	char errbuf[CURL_ERROR_SIZE];
};

struct xfer_pool {
	const struct shard_config *cfg;
	CURLM *multi;           /* where new transfers go (the caller may change it) */
	struct xfer *free;      /* idle handles */
	int active;             /* handles on the multi handle */
	uint64_t evictions;     /* connections libcurl closed as its cache was full */
	struct curl_slist *headers;  /* --header */
	struct curl_slist *resolve;  /* --resolve */
	CURLSH *share;          /* the shard's cookie store; NULL without
				 * --cookies.  A host lives in one shard, so a
				 * store per shard holds all the cookies it sets */
	int jar_loaded;         /* --cookie-jar given to a handle already */
};

/* The pool borrows cfg and multi; both must outlive it. */
void xfer_pool_init(struct xfer_pool *p, const struct shard_config *cfg, CURLM *multi);
/*
 * Whether a finished page transfer is a 2xx response of a media type that
 * --accept-type / --reject-type leave out (aborted early or, with no body,
 * not).  Writes the type into why (capped) when it is.
 */
int xfer_type_rejected(struct xfer *x, char *why, size_t n);

/* Frees the idle handles; call it with no transfer active. */
void xfer_pool_release(struct xfer_pool *p);

/*
 * Start a transfer of url on host h: a page (j not NULL) or the host's
 * robots.txt.  Both keep the bytes as the server sent them (the WARC
 * record must agree with its own headers; the shard undoes the codings
 * itself).  Pages never follow redirects (targets go back to the
 * coordinator); robots.txt follows up to SC_ROBOTS_REDIRECTS of them
 * inside libcurl (RFC 9309).  reuse 0 closes the connection after the transfer
 * (CURLOPT_FORBID_REUSE): for a host with nothing queued to take it.
 * Aborts only if libcurl cannot add a handle, which is out of memory.
 */
struct xfer *xfer_start(struct xfer_pool *p, struct host *h, struct job *j,
			const char *url, int reuse);

/* Take a finished transfer off its multi handle and back into the pool. */
void xfer_release(struct xfer_pool *p, struct xfer *x);

/* The HTTP status of the last response (0: none). */
long xfer_status(const struct xfer *x);

/* Why a transfer failed, as "kind: detail" (dns, connect, timeout, ...). */
void xfer_reason(const struct xfer *x, CURLcode rc, char *out, size_t n);

/* 1 for failures worth another try: the next attempt may well succeed. */
int xfer_transient(CURLcode rc);

/*
 * Fill *in with what a finished transfer captured and what libcurl
 * measured (time, peer address, content type).  For a robots.txt transfer
 * (no job) the URL is the last one of its redirects, the id 0 and the
 * attempts 1.  The strings and bytes
 * point into x and libcurl's handle: *in is valid until x is started again
 * or released.
 */
void xfer_capture(const struct xfer *x, long status, const char *error,
		  struct page_in *in);

#endif
