/*
 * config.c - a crawl_config's defaults, the compiling of its regexes, its
 * release.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "crawler/config.h"
#include "common/rules.h"
#include "crawler/options.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void config_defaults(struct crawl_config *c)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(c, 0, sizeof(*c));
	c->outdir = xstrdup("crawl-out");
	c->shards = ncpu > 0 ? (int)(ncpu < SC_MAX_SHARDS ? ncpu : SC_MAX_SHARDS) : 1;
	c->concurrency = SC_DEFAULT_CONCURRENCY;
	c->per_host = SC_DEFAULT_PER_HOST;
	c->depth = -1;
	c->scope = SCOPE_HOST;
	c->user_agent = xstrdup(SC_DEFAULT_USER_AGENT);
	c->timeout = SC_DEFAULT_TIMEOUT;
	c->connect_timeout = SC_DEFAULT_CONNECT_TIMEOUT;
	c->max_size = SC_DEFAULT_MAX_SIZE;
	c->warc_max_size = SC_DEFAULT_WARC_MAX;
	c->warc_level = 1;
	c->robots = 1;
	c->referer = 1;
	c->requisites = 1;
	c->max_crawl_delay = SC_DEFAULT_MAX_CRAWL_DELAY;
	c->max_retry_after = SC_DEFAULT_MAX_RETRY_AFTER;
	c->retries = SC_DEFAULT_RETRIES;
	c->retry_wait_ms = SC_DEFAULT_RETRY_WAIT;
	c->low_speed = SC_DEFAULT_LOW_SPEED;
	c->low_speed_time = SC_DEFAULT_LOW_SPEED_TIME;
	c->max_redirects = SC_DEFAULT_MAX_REDIRECTS;
	c->host_fail_limit = SC_DEFAULT_HOST_FAIL_LIMIT;
	c->drain_timeout = SC_DEFAULT_DRAIN;
	c->max_url_length = SC_DEFAULT_MAX_URL_LENGTH;
	c->max_repeats = SC_DEFAULT_MAX_REPEATS;
	c->frontier_memory = SC_DEFAULT_FRONTIER_MEMORY;
	c->lease_s = SC_DEFAULT_LEASE;
	c->dedup = xstrdup("url");
}

/* Compile the --allow / --deny sources of cfg (after parsing or loading). */
void config_compile(struct crawl_config *cfg)
{
	char msg[256];
	int i, rc;

	cfg->allow = xcalloc((size_t)cfg->nallow + 1, sizeof(regex_t));
	cfg->deny = xcalloc((size_t)cfg->ndeny + 1, sizeof(regex_t));
	for (i = 0; i < cfg->nallow + cfg->ndeny; i++) {
		int allow = i < cfg->nallow;
		regex_t *re = allow ? &cfg->allow[i] : &cfg->deny[i - cfg->nallow];
		const char *src = allow ? cfg->allow_src[i] : cfg->deny_src[i - cfg->nallow];

		rc = regcomp(re, src, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, re, msg, sizeof(msg));
			usage_die("%s: bad regular expression '%s': %s",
				  allow ? "--allow" : "--deny", src, msg);
		}
	}
}

void config_rules(struct crawl_config *cfg, const char *path)
{
	char err[1024];

	cfg->rules = xcalloc(1, sizeof(*cfg->rules));
	if (rules_load(cfg->rules, path, err, sizeof(err)))
		usage_die("--extract: %s", err);
}

void config_release(struct crawl_config *cfg)
{
	int i;

	if (cfg->rules) {
		rules_release(cfg->rules);
		free(cfg->rules);
	}
	free(cfg->extract_file);
	free(cfg->extract_from);
	for (i = 0; i < cfg->nseeds; i++)
		free(cfg->seeds[i]);
	for (i = 0; i < cfg->nheaders; i++)
		free(cfg->headers[i]);
	for (i = 0; i < cfg->nresolve; i++)
		free(cfg->resolve[i]);
	for (i = 0; i < cfg->nallow; i++) {
		if (cfg->allow)
			regfree(&cfg->allow[i]);
		free(cfg->allow_src[i]);
	}
	for (i = 0; i < cfg->ndeny; i++) {
		if (cfg->deny)
			regfree(&cfg->deny[i]);
		free(cfg->deny_src[i]);
	}
	for (i = 0; i < cfg->naccept; i++)
		free(cfg->accept[i]);
	for (i = 0; i < cfg->nreject; i++)
		free(cfg->reject[i]);
	for (i = 0; i < cfg->naccept_types; i++)
		free(cfg->accept_types[i]);
	for (i = 0; i < cfg->nreject_types; i++)
		free(cfg->reject_types[i]);
	free(cfg->accept_types);
	free(cfg->reject_types);
	free(cfg->accept);
	free(cfg->reject);
	free(cfg->proxy);
	free(cfg->no_proxy);
	free(cfg->cookie_jar);
	free(cfg->cdxj_dir);
	free(cfg->dedup);
	free(cfg->recrawl);
	free(cfg->seeds);
	free(cfg->headers);
	free(cfg->resolve);
	free(cfg->allow);
	free(cfg->deny);
	free(cfg->allow_src);
	free(cfg->deny_src);
	free(cfg->outdir);
	free(cfg->urls_file);
	free(cfg->user_agent);
	free(cfg->argv_line);
	free(cfg->redis_url);
	free(cfg->crawl_name);
	free(cfg->node);
	memset(cfg, 0, sizeof(*cfg));
}
