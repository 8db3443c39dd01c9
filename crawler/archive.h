/*
 * archive.h - what the coordinator adds to the plain fetch-and-store of
 * records: revisit records (crawler/revisit.h), a recrawl's conditional
 * requests (crawler/recrawl.h) and the index at the end (crawler/cdxj.h).
 * It keeps coord.c to the wiring: three calls in the loop.
 *
 * Lifecycle: archive_open() -> archive_url() / archive_result()... ->
 * archive_release().
 */
#ifndef SC_ARCHIVE_H
#define SC_ARCHIVE_H

#include "common/msg.h"
#include "crawler/config.h"
#include "crawler/pages.h"
#include "crawler/recrawl.h"
#include "crawler/revisit.h"

struct archive {
	const struct crawl_config *cfg;
	struct revisit rv;
	struct recrawl rc;      /* rc.dir NULL: no --recrawl */
	struct recrawl_prev prev; /* one URL's previous capture, scratch */
	int prev_found;         /* prev holds the result's URL's */
};

/* Set up for cfg (reading --recrawl's pages.jsonl; after --resume also this
 * crawl's, for --dedup any).  0, or -1 with the reason logged. */
int archive_open(struct archive *a, const struct crawl_config *cfg, int resume);
void archive_release(struct archive *a);

/* A URL about to be dispatched: its validators and MSG_URL_REVISIT. */
void archive_url(struct archive *a, struct msg_url *u);

/*
 * A result with records (blob, blob_len as the shard sent them): *rec,
 * *rec_len and *resp_len get what to write (the blob, or its request
 * record and a revisit record), w->revisit and w->recrawl what pages.jsonl
 * says of it.  r->digest may change (a 304's is the previous payload's).
 */
void archive_result(struct archive *a, const char *url, struct msg_result *r,
		    const void *blob, size_t blob_len, const void **rec,
		    size_t *rec_len, uint32_t *resp_len, struct pages_where *w);

/* The records were written, the response or revisit at w. */
void archive_stored(struct archive *a, const char *url, const struct msg_result *r,
		    const struct pages_where *w);

/* Write cfg->outdir/index.cdxj unless --no-cdxj.  0 or -1 (logged). */
int archive_index(const struct crawl_config *cfg);

#endif
