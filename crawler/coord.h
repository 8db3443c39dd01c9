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

/* Run the crawl; returns the process exit status (0 ok, 1 failed). */
int coord_run(const struct crawl_config *cfg);

#endif
