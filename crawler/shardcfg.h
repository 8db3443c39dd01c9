/*
 * shardcfg.h - what every shard is told at start: the crawl's settings
 * that the shards apply (shard/shard.h), copied from the crawl_config.
 * Strings and lists are borrowed from cfg, which must outlive the shards'
 * use of s; rate is this process's part of --rate (all of it, or a node's
 * share of a crawl shared through Redis), split evenly over the shards
 * until their first MSG_SHARE; token is where the robots.txt product token
 * is kept (64 bytes is enough).  The shares of -c and --rate the coordinator sends later
 * (MSG_SHARE) replace s->concurrency and s->rate in each shard.
 */
#ifndef SC_SHARDCFG_H
#define SC_SHARDCFG_H

#include <stddef.h>

#include "crawler/config.h"
#include "shard/shard.h"

void shard_config_fill(struct shard_config *s, const struct crawl_config *cfg,
		       double rate, char *token, size_t token_len);

#endif
