/*
 * shardcfg.c - the shard_config every shard starts with, from the crawl's
 * settings (see shardcfg.h).
 */
#include "crawler/shardcfg.h"

#include "common/log.h"
#include "common/robots.h"

#include <string.h>

void shard_config_fill(struct shard_config *s, const struct crawl_config *cfg,
		       double rate, char *token, size_t token_len)
{

	memset(s, 0, sizeof(*s));
	s->nshards = cfg->shards;
	s->concurrency = (cfg->concurrency + cfg->shards - 1) / cfg->shards;
	s->per_host = cfg->per_host;
	s->timeout_s = cfg->timeout;
	s->connect_timeout_s = cfg->connect_timeout;
	s->max_size = cfg->max_size;
	s->user_agent = cfg->user_agent;
	s->headers = cfg->headers;
	s->nheaders = cfg->nheaders;
	s->resolve = cfg->resolve;
	s->nresolve = cfg->nresolve;
	s->warc_level = cfg->warc_level;
	s->insecure = cfg->insecure;
	s->obey_rel_nofollow = cfg->obey_rel_nofollow;
	s->sitemaps = cfg->sitemaps;
	s->accept_types = cfg->accept_types;
	s->naccept_types = cfg->naccept_types;
	s->reject_types = cfg->reject_types;
	s->nreject_types = cfg->nreject_types;
	s->proxy = cfg->proxy;
	s->no_proxy = cfg->no_proxy;
	s->cookies = cfg->cookies;
	s->cookie_jar = cfg->cookie_jar;
	s->log_level = log_level;
	s->rules = cfg->rules;
	s->extract_only = cfg->extract_only;
	s->robots = cfg->robots;
	robots_token(cfg->user_agent, token, token_len);
	s->robots_token = token;
	s->max_crawl_delay_ms = cfg->max_crawl_delay * 1000;
	s->delay_ms = cfg->delay_ms;
	s->host_rate = cfg->host_rate;
	s->rate = rate / cfg->shards;
	s->low_speed = cfg->low_speed;
	s->low_speed_time = cfg->low_speed_time;
	s->retries = cfg->retries;
	s->retry_wait_ms = cfg->retry_wait_ms;
	s->max_retry_after_s = cfg->max_retry_after;
	s->host_fail_limit = cfg->host_fail_limit;
}
