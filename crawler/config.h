/*
 * config.h - the settings of one crawl, as the command line gave them, or
 * as crawler/settings.h loaded them back for --resume.
 *
 * Built once by main() (crawler/main.c), read-only afterwards; the
 * coordinator copies what the shards need into their shard_config.  Every
 * string and list in it is owned by it: config_release() frees them.
 */
#ifndef SC_CONFIG_H
#define SC_CONFIG_H

#include <regex.h>
#include <stdint.h>

enum scope_kind { SCOPE_HOST, SCOPE_DOMAIN, SCOPE_ANY };

struct crawl_config {
	char *outdir;
	int shards;
	int concurrency;
	int per_host;
	long depth;             /* -1: unlimited */
	uint64_t max_pages;     /* 0: unlimited */
	enum scope_kind scope;
	regex_t *allow;         /* compiled from allow_src */
	char **allow_src;
	int nallow;
	regex_t *deny;
	char **deny_src;
	int ndeny;
	char **accept;          /* --accept suffixes, lowercase (scope.h) */
	int naccept;
	char **reject;          /* --reject suffixes, lowercase */
	int nreject;
	char **accept_types;    /* --accept-type media types (common/mimetype.h) */
	int naccept_types;
	char **reject_types;    /* --reject-type */
	int nreject_types;
	char *urls_file;        /* NULL, a path, or "-" */
	char **seeds;
	int nseeds;
	char *user_agent;
	char **headers;
	int nheaders;
	char **resolve;
	int nresolve;
	long timeout;
	long connect_timeout;
	uint64_t max_size;
	uint64_t warc_max_size;
	int warc_level;
	int insecure;
	int referer;            /* send Referer: 0 with --no-referer */
	int obey_rel_nofollow;  /* skip rel=nofollow links */
	int sitemaps;           /* --sitemaps: read robots.txt Sitemap lines and
				 * each seed host's /sitemap.xml */
	int requisites;         /* fetch page requisites: 0 with --no-requisites */
	char *proxy;            /* --proxy URL, NULL: libcurl's environment */
	char *no_proxy;         /* --no-proxy LIST, NULL: libcurl's environment */
	int cookies;            /* libcurl's cookie engine in each shard */
	char *cookie_jar;       /* a Netscape cookie file to load (absolute path) */
	/* politeness and failures (see shard/shard.h) */
	int robots;
	long max_crawl_delay;   /* s */
	long delay_ms;
	double rate;
	double host_rate;
	long max_retry_after;   /* s */
	int retries;
	long retry_wait_ms;
	long low_speed;
	long low_speed_time;
	int max_redirects;
	int host_fail_limit;
	long max_url_length;    /* spider-trap guards; 0: off */
	int max_repeats;
	uint64_t host_quota;
	int quiet;
	int verbose;
	char *argv_line;        /* the command line, for warcinfo */
	int resume;             /* continuing the crawl in outdir */
	long drain_timeout;     /* s, to finish transfers after Ctrl-C */
	uint64_t frontier_memory; /* bytes for queued URLs in memory */
	/* a crawl shared by several nodes (crawler/cluster.h) */
	char *redis_url;        /* --redis URL, NULL: a local crawl */
	char *crawl_name;       /* --crawl NAME */
	long lease_s;           /* --lease: host leases expire after this */
	int status;             /* --status: print the shared crawl's state */
	char *node;             /* this node's name, given at the join */
	char *extract_file;     /* --extract RULES as given (stored, shown) */
	struct rules *rules;    /* compiled from it (or, on --resume, from the
				 * crawl's copy DIR/extract.yaml); NULL: none */
	int extract_only;       /* --extract-only: no WARC records */
	char *extract_from;     /* --extract-from DIR: no crawl */
	/* archive (crawler/cdxj.h, crawler/revisit.h, crawler/recrawl.h) */
	int no_cdxj;            /* --no-cdxj: no index.cdxj at the end (not stored) */
	char *cdxj_dir;         /* --cdxj DIR: index DIR and exit */
	char *dedup;            /* "url" (default), "any" or "off" */
	char *recrawl;          /* --recrawl PREV_DIR (absolute), NULL: none */
};

/*
 * Caps on --accept / --reject: suffixes in each list (all the options of
 * one kind together) and bytes in one suffix.  Here rather than in
 * common/limits.h: only the command line and crawler/scope.c see them.
 */
#define CONFIG_SUFFIXES_MAX 256
#define CONFIG_SUFFIX_MAX   64

/* Every setting at its default (the shard count: the cores online). */
void config_defaults(struct crawl_config *cfg);

/* Compile the --allow / --deny sources; a bad one exits 2. */
void config_compile(struct crawl_config *cfg);

/* Read and check the rules file at path into cfg->rules; bad rules exit 2
 * with the rule and field named (common/rules.h). */
void config_rules(struct crawl_config *cfg, const char *path);

/* Free what cfg owns. */
void config_release(struct crawl_config *cfg);

/*
 * What every shard is told at start (its shares of -c and --rate follow
 * in MSG_SHARE): s is filled from cfg, borrowing its strings; token (n
 * bytes) receives the robots.txt product token s points at.  Both must
 * outlive the shards' start.
 */
struct shard_config;

#endif
