/*
 * cluster.h - joining a crawl shared through Redis (--redis, --crawl), and
 * --status.  The frontier of such a crawl is crawler/frontier_redis.c; this
 * module is what happens before it and beside it.
 *
 * Joining.  The first node to name a crawl stores its settings in Redis
 * (key sc:NAME:cfg, the text crawler/settings.h writes), with SET NX, so
 * two nodes starting at once agree on one.  Every later node takes the
 * stored settings, with its own per-run options on top (as --resume does:
 * -j, -c, -q, -v, -o, --drain-timeout, --frontier-memory, --proxy,
 * --lease), and its own seeds and --urls added: a stored setting given on
 * its command line with another value is a conflict.  Each node gets a
 * name, HOSTNAME-N (N from sc:NAME:nodeseq), that its WARC file names and
 * warcinfo records carry.
 */
#ifndef SC_CLUSTER_H
#define SC_CLUSTER_H

#include "crawler/config.h"

/*
 * Join (or start) the crawl cli->crawl_name at cli->redis_url.  Fills res
 * (uninitialized before: config_release() it after) with the settings to run with and returns res,
 * or returns cli when this node started the crawl (cli->node set then).
 * Exits 2 with a one-line reason when Redis cannot be reached, the stored
 * settings are unreadable, or they conflict with the command line.
 */
struct crawl_config *cluster_join(struct crawl_config *cli, struct crawl_config *res);

/* --status: print the crawl's state to stdout; the exit status (0, or 2
 * with a one-line reason: no Redis, no such crawl). */
int cluster_status(const struct crawl_config *cli);

#endif
