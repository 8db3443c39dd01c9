/*
 * coord_int.h - the coordinator's state, shared by its two files:
 * crawler/coord.c (the loop: shards, dispatch, the --urls list, the end)
 * and crawler/admit.c (what comes back: results, robots.txt records,
 * sitemaps found, and every URL offered to the crawl).  Not for other
 * modules: they see crawler/coord.h.
 */
#ifndef SC_COORD_INT_H
#define SC_COORD_INT_H

#include <stdint.h>

#include "common/buf.h"
#include "common/frame.h"
#include "crawler/archive.h"
#include "crawler/config.h"
#include "crawler/frontier.h"
#include "crawler/output.h"
#include "crawler/procs.h"
#include "crawler/rss.h"
#include "crawler/scope.h"
#include "crawler/share.h"
#include "crawler/source.h"
#include "crawler/stats.h"
#include "shard/shard.h"

struct coord {
	const struct crawl_config *cfg;
	struct shard_config scfg;
	char robots_token[64];
	struct procs pr;
	struct frontier *fr;
	struct scope scope;
	struct crawl_stats st;
	struct rss_peaks rss;   /* peak RSS of this process and its shards */
	struct source src;
	struct output out;
	struct buf line;        /* one pages.jsonl line */
	struct buf ilines;      /* one page's items.jsonl lines */
	struct buf batch;       /* one frame body */
	struct buf jline;       /* one journal line */
	struct rstr *jref;      /* the referrer the journal named last */
	int jref_set;           /* ... and whether it named one yet */
	uint64_t last_flush;    /* when the journal and pages were last written */
	struct share sh;
	uint64_t last_progress;
	uint64_t drain_deadline; /* after Ctrl-C: when transfers are cut */
	int tty;
	int closing;            /* shard inputs closed: the crawl is ending */
	int fatal;              /* stopped by an error */
	int stopped;            /* stopped by a signal before the end */
	int lock_fd;            /* holds the directory's lock */
	struct archive ar;      /* revisits, --recrawl, the index */
};

/*
 * Offer a normalized URL to the crawl: it is queued if it passes the page
 * limit, depth, scope, filters and trap guards and was never seen (the
 * rules are in crawler/admit.c).  hops is the frontier's word (redirects,
 * requisite level, kind: crawler/frontier.h).  Returns 1 if queued.
 */
int coord_admit(struct coord *c, const char *url, uint32_t depth, uint32_t hops,
		struct rstr *referrer, int seed);
/* --sitemaps: a seed's host's /sitemap.xml, as a sitemap. */
void coord_admit_seed_sitemap(struct coord *c, const char *seed);
/* A URL that reached a final state without a shard (a bad --urls line, a
 * redirect past the limit): its pages.jsonl line. */
void coord_record_failure(struct coord *c, const char *url, uint32_t depth,
			  struct rstr *referrer, const char *error);
/* Write c->jline (built with rc from crawler/journal.h) to the journal. */
void coord_journal_line(struct coord *c, int rc);

/* A shard's frames: MSG_RESULT, MSG_ROBOTS, MSG_FOUND.  Each returns 0,
 * or non-zero for a malformed one (the shard is then lost). */
int coord_on_result(struct coord *c, struct shard_proc *sp, const struct frame *f);
int coord_on_robots(struct coord *c, const struct frame *f);
int coord_on_found(struct coord *c, const struct frame *f);

#endif
