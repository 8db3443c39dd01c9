/*
 * stats.h - the counts of a crawl, the live progress line, stats.json and
 * the closing summary.
 *
 * The loop counts into struct crawl_stats as URLs reach a final state
 * (stats_page()); --resume counts what earlier runs finished from
 * pages.jsonl the same way, so the totals are the crawl's, while rates are
 * this run's (resumed_from says how many pages were done before it).
 * Error kinds are the part of an error before its ':' ("timeout",
 * "robots", ...), at most STATS_ERROR_KINDS of them (the last is "other").
 */
#ifndef SC_STATS_H
#define SC_STATS_H

#include <stdint.h>
#include <time.h>

#define STATS_ERROR_KINDS 32

struct stats_error_kind {
	char kind[32];
	uint64_t n;
};

struct crawl_stats {
	uint64_t admitted;      /* URLs admitted to the crawl */
	uint64_t finished;      /* URLs in a final state (pages.jsonl lines) */
	uint64_t ok, failed;
	uint64_t bytes;         /* body bytes */
	uint64_t rejected;      /* final without a fetch: bad --urls lines, ... */
	uint64_t links_dropped; /* links past the per-page cap */
	uint64_t status_class[6]; /* none, 1xx .. 5xx */
	uint64_t resumed_from;  /* finished before this run */
	struct stats_error_kind errors[STATS_ERROR_KINDS];
	int nerrors;
	struct timespec t0;     /* this run's start (CLOCK_MONOTONIC) */
};

/* Zero the counts and start the clock. */
void stats_init(struct crawl_stats *st);
/* Seconds since stats_init(). */
double stats_elapsed(const struct crawl_stats *st);

/* A URL reached a final state: status 0 when no response; error NULL or
 * "" on success. */
void stats_page(struct crawl_stats *st, uint32_t status, uint64_t bytes,
		const char *error);

/* What the progress line and stats.json show besides the counts. */
struct stats_view {
	uint64_t queued;        /* in the frontier */
	uint64_t inflight;      /* URLs in the shards' hands */
	uint64_t list_total;    /* lines of a --urls list (0: not a list) */
	uint64_t trap_refused;
	int shards;
	unsigned warc_files;
	uint64_t seen_bytes;
	uint64_t frontier_mem_bytes;
	uint64_t spill_bytes;
	uint64_t spilled;
};

/* "\r"-rewritten progress line on stderr (callers rate-limit it). */
void stats_progress(const struct crawl_stats *st, const struct stats_view *v);

/* Write DIR/stats.json; 0, or -1 with the reason logged. */
int stats_write(const struct crawl_stats *st, const struct stats_view *v,
		const char *dir, double wall);

/* "shardcrawl: N pages (...) in S s" on stderr. */
void stats_summary(const struct crawl_stats *st, int shards, const char *dir,
		   double wall);

#endif
