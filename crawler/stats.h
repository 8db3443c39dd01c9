/*
 * stats.h - the counts of a crawl, the live progress line, stats.json and
 * the closing summary.
 *
 * The loop counts into struct crawl_stats as URLs reach a final state
 * (stats_page()); --resume counts what earlier runs finished from
 * pages.jsonl the same way (then stats_resumed()), so st->all is the whole
 * crawl's and all - before is this run's.  Rates, times, memory and CPU are
 * this run's: earlier processes left no record of theirs.
 *
 * Every page has one outcome, so the five add up to the pages:
 *   2xx, 3xx   a response of that class, no error;
 *   4xx, 5xx   a response of that class, error or not (a 5xx still there
 *              after every retry, a 429 still there after every wait);
 *   excluded   not fetched because robots.txt disallows it: the crawler
 *              did as asked, so it is no failure (wget2 counts it so too);
 *   failed     no response, or an error on any other (a body cut short,
 *              a timeout after the headers), or not fetched for another
 *              reason (robots.txt unreachable, a bad --urls line, a
 *              redirect past the limit).
 * "ok" is 2xx + 3xx: a crawl whose pages are all ok or excluded exits 0,
 * else 8 (crawler/coord.h).  Error kinds are the part of an error before its ':'
 * ("timeout", "robots", ...), at most STATS_ERROR_KINDS of them (the last
 * is "other").  Per host, the same in fixed memory: crawler/hoststats.h.
 */
#ifndef SC_STATS_H
#define SC_STATS_H

#include <stdint.h>
#include <time.h>

#include "crawler/hoststats.h"

#define STATS_ERROR_KINDS 32

enum stats_outcome {
	STATS_2XX, STATS_3XX, STATS_4XX, STATS_5XX, STATS_EXCLUDED, STATS_FAILED,
	STATS_OUTCOMES
};

/* The outcome of a page (see above): status 0 when no response, error NULL
 * or "" when none. */
enum stats_outcome stats_outcome_of(uint32_t status, const char *error);

struct stats_counts {
	uint64_t pages;         /* URLs in a final state (pages.jsonl lines) */
	uint64_t bytes;         /* body bytes */
	uint64_t outcome[STATS_OUTCOMES];
};

static inline uint64_t stats_ok(const struct stats_counts *c)
{
	return c->outcome[STATS_2XX] + c->outcome[STATS_3XX];
}

/* Did every page go as it should (ok, or excluded by robots.txt)? */
static inline int stats_all_good(const struct stats_counts *c)
{
	return stats_ok(c) + c->outcome[STATS_EXCLUDED] == c->pages;
}

struct stats_error_kind {
	char kind[32];
	uint64_t n;
};

/* Extraction (--extract), the whole crawl's. */
struct stats_extract {
	int on;                 /* a rule matched some page (or --extract) */
	uint64_t pages;         /* pages a rule matched */
	uint64_t not_extracted; /* of those, past a cap (or undecodable) */
	uint64_t items;         /* items written */
	uint64_t dropped;       /* items without a required field */
	uint64_t cut;           /* items past the per-page caps */
	uint64_t jsonld_invalid; /* JSON-LD blocks that were not JSON */
};

struct crawl_stats {
	uint64_t admitted;      /* URLs admitted to the crawl */
	struct stats_counts all;    /* the whole crawl, earlier runs included */
	struct stats_counts before; /* what earlier runs finished */
	uint64_t rejected;      /* final without a fetch: bad --urls lines, ... */
	uint64_t links_dropped; /* links past the per-page cap */
	uint64_t requisites;    /* of the pages, page requisites */
	uint64_t robots;        /* robots.txt responses archived (not pages) */
	uint64_t status_class[6]; /* by the status code alone: none, 1xx .. 5xx */
	struct stats_error_kind errors[STATS_ERROR_KINDS];
	int nerrors;
	struct hoststats hosts; /* the whole crawl's, per host */
	struct stats_extract ex;
	struct timespec t0;     /* this run's start (CLOCK_MONOTONIC) */
};

/* Zero the counts and start the clock; stats_release() frees the host
 * table. */
void stats_init(struct crawl_stats *st);
void stats_release(struct crawl_stats *st);
/* Seconds since stats_init(). */
double stats_elapsed(const struct crawl_stats *st);

/* A URL reached a final state: status 0 when no response; error NULL or
 * "" on success.  url gives its host (a line that is no URL counts in no
 * host's row). */
void stats_page(struct crawl_stats *st, const char *url, uint32_t status,
		uint64_t bytes, const char *error);

/* A page an extraction rule matched: its counts (why: "" or NULL when it
 * was extracted). */
void stats_extract(struct crawl_stats *st, uint64_t items, uint64_t dropped,
		   uint64_t cut, uint64_t jsonld_invalid, const char *why);

/* What was counted so far came from earlier runs (--resume). */
void stats_resumed(struct crawl_stats *st);

/* What the progress line and stats.json show besides the counts. */
struct stats_view {
	uint64_t queued;        /* in the frontier */
	uint64_t inflight;      /* URLs in the shards' hands */
	uint64_t transfers;     /* transfers running (MSG_LOAD) */
	uint64_t list_total;    /* lines of a --urls list (0: not a list) */
	uint64_t trap_refused;
	uint64_t coord_rss_kb;  /* peaks (crawler/rss.h), 0 if unknown */
	uint64_t shard_rss_kb;
	int shards;
	unsigned warc_files;
	uint64_t seen_bytes;
	uint64_t frontier_mem_bytes;
	uint64_t spill_bytes;
	uint64_t spilled;
	/* a shared crawl (crawl_nodes > 0): all nodes' figures, for the
	 * progress line */
	uint64_t crawl_nodes;
	uint64_t crawl_done;
	uint64_t crawl_leases;
	int offline;            /* Redis unreachable: the node is paused */
};

/* "\r"-rewritten progress line on stderr (callers rate-limit it). */
void stats_progress(const struct crawl_stats *st, const struct stats_view *v);

/* Write DIR/stats.json; 0, or -1 with the reason logged. */
int stats_write(const struct crawl_stats *st, const struct stats_view *v,
		const char *dir, double wall);

/* "shardcrawl: N pages (A 2xx, B 3xx, C 4xx, D 5xx, E failed), ..." on
 * stderr; after --resume it says how many of them this run did. */
void stats_summary(const struct crawl_stats *st, int shards, const char *dir,
		   double wall);

#endif
