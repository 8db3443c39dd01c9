/*
 * coord.h - the coordinator: runs one crawl from start to end.
 *
 * It forks cfg->shards shard processes (shard/shard.h) and talks to each
 * over a pair of non-blocking pipes; it owns the frontier, the seen set and
 * the output files, and never fetches or parses a page itself.
 *
 * A shard holds at most its credit window of URLs not yet reported back;
 * each result returns a credit.  A shard that dies or breaks the protocol is
 * killed, its URLs queued again and a new shard started in its place.
 */
#ifndef SC_COORD_H
#define SC_COORD_H

#include "crawler/config.h"

/*
 * The exit status of shardcrawl (README, "Usage").  Whether the pages went
 * well is the crawl's, all runs together: a --resume that finishes a crawl
 * with a 404 from an earlier run exits 8, as does the resume of a crawl
 * already complete with one.  A crawl interrupted by one Ctrl-C is judged by
 * the pages it finished.
 */
enum {
	COORD_EXIT_OK          = 0,    /* every page 2xx or 3xx */
	COORD_EXIT_STOPPED     = 1,    /* had to stop: a write error, shards kept dying */
	COORD_EXIT_USAGE       = 2,    /* bad command line, or the directory is in use */
	COORD_EXIT_SOME_FAILED = 8,    /* ran to its end, but some pages were 4xx, 5xx
					* or failed (as wget2's 8) */
	COORD_EXIT_INTERRUPTED = 130,  /* a second Ctrl-C */
};

/* Run the crawl; returns the process exit status, one of the above. */
int coord_run(const struct crawl_config *cfg);

#endif
