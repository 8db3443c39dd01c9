/*
 * robotsfetch.h - a host's robots.txt: which URL to ask for, and what the
 * answer means (RFC 9309 §2.3).
 *
 *   2xx (or cut at SC_ROBOTS_MAX)   the rules, parsed; Crawl-delay (capped
 *                                   at --max-crawl-delay) raises the gap
 *   3xx that ends there, 4xx,       "unavailable": everything allowed
 *   too many redirects
 *   5xx, no answer                  "unreachable": nothing allowed for now;
 *                                   asked again after a backoff, and after
 *                                   --retries of those the host is given up;
 *                                   on a refetch (rules older than the
 *                                   scheduler's max age) the rules read
 *                                   before stay in force (RFC 9309 §2.4)
 *
 * The caller starts the transfer (xfer_start with no job, after putting the
 * host in HOST_ROBOTS) and applies the verdict to the scheduler.
 */
#ifndef SC_ROBOTSFETCH_H
#define SC_ROBOTSFETCH_H

#include <curl/curl.h>
#include "common/buf.h"
#include <stddef.h>
#include <stdint.h>

struct policy;
struct xfer;

/* "scheme://host[:port]/robots.txt" of a normalized page URL into out. */
void robotsfetch_url(const char *page_url, char *out, size_t n);

/* The path and query of a normalized URL ("/" if it has none). */
const char *robotsfetch_path(const char *url);

enum robotsfetch_verdict {
	ROBOTSFETCH_OPEN,       /* rules known (h->robots, h->gap_us set): the
				 * caller calls sched_rules_read() */
	ROBOTSFETCH_AGAIN,      /* unreachable: ask again at *at_us */
	ROBOTSFETCH_GIVE_UP,    /* unreachable too often: why says so */
};

/*
 * The body of robots.txt transfer x as text: de-chunked and decoded (the
 * transfer keeps the bytes as sent, for the WARC), at most SC_ROBOTS_MAX
 * bytes of it; what does not decode is given as it stands.  chunks and
 * plain are initialised here and hold the text: buf_release() both after.
 */
void robotsfetch_body(const struct xfer *x, struct buf *chunks, struct buf *plain,
		      const char **body, size_t *len);

/*
 * Read the answer of x (a robots.txt transfer of host x->host): parse the
 * rules into the host, or count the failure.  why (n bytes) gets the reason
 * of a GIVE_UP.
 */
enum robotsfetch_verdict robotsfetch_done(struct policy *p, struct xfer *x,
					  CURLcode rc, uint64_t now,
					  uint64_t *at_us, char *why, size_t n);

#endif
