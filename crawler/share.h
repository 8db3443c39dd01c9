/*
 * share.h - the crawl-wide limits, split over the shards.  -c (transfers in
 * flight) and --rate (requests per second) are the crawl's, not a shard's:
 * each shard gets a share that follows the work it has, so an uneven split
 * of hosts over shards leaves no slots idle and one host crawled alone still
 * gets the whole rate.
 *
 *   -c      in proportion to each shard's demand: the transfer slots its
 *           hosts could use now (frontier_ops.demand: per host, at most
 *           --per-host).  When the demand is below -c the spare is spread
 *           the same way, so a host that gains URLs can start them before
 *           the next split.  Every shard keeps at least 1: the sum may pass
 *           -c by the number of shards without demand.
 *   --rate  in equal parts over the shards with work (queued or in flight);
 *           of a shared crawl, this node's share of it (frontier_ops.rate),
 *           and a lower share is sent at once, not SHARE_MS later.
 *   window  a shard may hold 4 x its -c share of URLs (at least
 *           SC_WINDOW_MIN), its credits.
 *
 * A shard is told its new share (MSG_SHARE) before any new URL (same pipe,
 * so in order); one that just got work starts at once, the others slow down
 * a moment later, which costs at most one request over the rate in the
 * window where it happens.  The split is worked out every SHARE_MS; a change
 * of a shard's -c share smaller than an eighth of it is not sent, so a
 * steady crawl sends none.
 */
#ifndef SC_SHARE_H
#define SC_SHARE_H

#include <stdint.h>

#include "common/buf.h"
#include "crawler/config.h"
#include "crawler/frontier.h"
#include "crawler/procs.h"

#define SHARE_MS 50

struct share {
	uint64_t last_ms;       /* when the split was last worked out */
	double last_rate;       /* the process's part of --rate then */
};

/*
 * The -c split: out[i] for demand[i], i < n, of a total c (see above).
 * With no demand at all, every shard gets an equal part.
 */
void share_split(const uint64_t *demand, int n, uint64_t c, uint32_t *out);

/* Work the split out again (at most every SHARE_MS unless force), set
 * the windows and queue a MSG_SHARE to every running shard whose share
 * changed; tmp is scratch space for the frame body. */
void share_update(struct share *sh, struct procs *pr, struct frontier *fr,
		  const struct crawl_config *cfg, struct buf *tmp, int force);

#endif
