/*
 * options.c - the option table and the loop that reads argv into a
 * crawl_config.  Each value is checked as it is read (crawler/optparse.c);
 * what needs the whole command line (seeds, --resume) is main.c's.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "crawler/options.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_PER_HOST = 256, OPT_DEPTH, OPT_MAX_PAGES, OPT_SCOPE, OPT_ALLOW,
	OPT_DENY, OPT_URLS, OPT_UA, OPT_HEADER, OPT_RESOLVE, OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT, OPT_MAX_SIZE, OPT_WARC_MAX, OPT_WARC_LEVEL,
	OPT_VERSION, OPT_NO_FOLLOW, OPT_MAX_REDIRECTS, OPT_NO_ROBOTS, OPT_NO_REQUISITES,
	OPT_MAX_CRAWL_DELAY, OPT_DELAY, OPT_RATE, OPT_HOST_RATE, OPT_RETRIES,
	OPT_RETRY_WAIT, OPT_MAX_RETRY_AFTER, OPT_LOW_SPEED, OPT_LOW_SPEED_TIME,
	OPT_HOST_FAIL_LIMIT, OPT_RESUME, OPT_DRAIN_TIMEOUT, OPT_MAX_URL_LENGTH,
	OPT_MAX_REPEATS, OPT_HOST_QUOTA, OPT_FRONTIER_MEMORY, OPT_ACCEPT, OPT_REJECT,
	OPT_NO_REFERER, OPT_OBEY_REL_NOFOLLOW, OPT_PROXY, OPT_NO_PROXY, OPT_COOKIES,
	OPT_COOKIE_JAR, OPT_ACCEPT_TYPE, OPT_REJECT_TYPE, OPT_SITEMAPS, OPT_REDIS,
	OPT_CRAWL, OPT_LEASE, OPT_STATUS,
	OPT_EXTRACT, OPT_EXTRACT_ONLY, OPT_EXTRACT_FROM,
	OPT_CDXJ, OPT_NO_CDXJ, OPT_DEDUP, OPT_RECRAWL,
};

static const struct option long_opts[] = {
	{ "output",          required_argument, NULL, 'o' },
	{ "shards",          required_argument, NULL, 'j' },
	{ "concurrency",     required_argument, NULL, 'c' },
	{ "per-host",        required_argument, NULL, OPT_PER_HOST },
	{ "depth",           required_argument, NULL, OPT_DEPTH },
	{ "max-pages",       required_argument, NULL, OPT_MAX_PAGES },
	{ "scope",           required_argument, NULL, OPT_SCOPE },
	{ "allow",           required_argument, NULL, OPT_ALLOW },
	{ "deny",            required_argument, NULL, OPT_DENY },
	{ "accept",          required_argument, NULL, OPT_ACCEPT },
	{ "reject",          required_argument, NULL, OPT_REJECT },
	{ "accept-type",     required_argument, NULL, OPT_ACCEPT_TYPE },
	{ "sitemaps",        no_argument,       NULL, OPT_SITEMAPS },
	{ "reject-type",     required_argument, NULL, OPT_REJECT_TYPE },
	{ "urls",            required_argument, NULL, OPT_URLS },
	{ "user-agent",      required_argument, NULL, OPT_UA },
	{ "header",          required_argument, NULL, OPT_HEADER },
	{ "resolve",         required_argument, NULL, OPT_RESOLVE },
	{ "timeout",         required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "max-size",        required_argument, NULL, OPT_MAX_SIZE },
	{ "warc-max-size",   required_argument, NULL, OPT_WARC_MAX },
	{ "warc-level",      required_argument, NULL, OPT_WARC_LEVEL },
	{ "insecure",        no_argument,       NULL, 'k' },
	{ "quiet",           no_argument,       NULL, 'q' },
	{ "verbose",         no_argument,       NULL, 'v' },
	{ "help",            no_argument,       NULL, 'h' },
	{ "version",         no_argument,       NULL, OPT_VERSION },
	{ "no-follow",       no_argument,       NULL, OPT_NO_FOLLOW },
	{ "max-redirects",   required_argument, NULL, OPT_MAX_REDIRECTS },
	{ "no-robots",       no_argument,       NULL, OPT_NO_ROBOTS },
	{ "no-requisites",   no_argument,       NULL, OPT_NO_REQUISITES },
	{ "no-referer",      no_argument,       NULL, OPT_NO_REFERER },
	{ "obey-rel-nofollow", no_argument,     NULL, OPT_OBEY_REL_NOFOLLOW },
	{ "proxy",           required_argument, NULL, OPT_PROXY },
	{ "no-proxy",        required_argument, NULL, OPT_NO_PROXY },
	{ "cookies",         no_argument,       NULL, OPT_COOKIES },
	{ "cookie-jar",      required_argument, NULL, OPT_COOKIE_JAR },
	{ "max-crawl-delay", required_argument, NULL, OPT_MAX_CRAWL_DELAY },
	{ "delay",           required_argument, NULL, OPT_DELAY },
	{ "rate",            required_argument, NULL, OPT_RATE },
	{ "host-rate",       required_argument, NULL, OPT_HOST_RATE },
	{ "retries",         required_argument, NULL, OPT_RETRIES },
	{ "retry-wait",      required_argument, NULL, OPT_RETRY_WAIT },
	{ "max-retry-after", required_argument, NULL, OPT_MAX_RETRY_AFTER },
	{ "low-speed",       required_argument, NULL, OPT_LOW_SPEED },
	{ "low-speed-time",  required_argument, NULL, OPT_LOW_SPEED_TIME },
	{ "host-fail-limit", required_argument, NULL, OPT_HOST_FAIL_LIMIT },
	{ "resume",          required_argument, NULL, OPT_RESUME },
	{ "drain-timeout",   required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "max-url-length",  required_argument, NULL, OPT_MAX_URL_LENGTH },
	{ "max-repeats",     required_argument, NULL, OPT_MAX_REPEATS },
	{ "host-quota",      required_argument, NULL, OPT_HOST_QUOTA },
	{ "frontier-memory", required_argument, NULL, OPT_FRONTIER_MEMORY },
	{ "redis",           required_argument, NULL, OPT_REDIS },
	{ "crawl",           required_argument, NULL, OPT_CRAWL },
	{ "lease",           required_argument, NULL, OPT_LEASE },
	{ "status",          no_argument,       NULL, OPT_STATUS },
	{ "extract",         required_argument, NULL, OPT_EXTRACT },
	{ "extract-only",    no_argument,       NULL, OPT_EXTRACT_ONLY },
	{ "extract-from",    required_argument, NULL, OPT_EXTRACT_FROM },
	{ "cdxj",            required_argument, NULL, OPT_CDXJ },
	{ "no-cdxj",         no_argument,       NULL, OPT_NO_CDXJ },
	{ "dedup",           required_argument, NULL, OPT_DEDUP },
	{ "recrawl",         required_argument, NULL, OPT_RECRAWL },
	{ NULL, 0, NULL, 0 },
};

/* The long names of the stored settings given on this command line. */
static const char *given[64];
static int ngiven;

static void mark(const char *key)
{
	int i;

	for (i = 0; i < ngiven; i++)
		if (strcmp(given[i], key) == 0)
			return;
	if (ngiven < (int)(sizeof(given) / sizeof(given[0])) - 1)
		given[ngiven++] = key;
}

const char **options_given(void)
{
	given[ngiven] = NULL;
	return given;
}

enum options_action options_parse(int argc, char **argv, struct crawl_config *cfg)
{
	enum options_action action = OPTIONS_CRAWL;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:j:c:kqvh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (!*optarg)
				usage_die("-o: empty directory name");
			opt_set_str(&cfg->outdir, optarg);
			break;
		case 'j':
			cfg->shards = (int)opt_long("-j", optarg, 1, SC_MAX_SHARDS);
			break;
		case 'c':
			cfg->concurrency = (int)opt_long("-c", optarg, 1, SC_CONCURRENCY_MAX);
			break;
		case OPT_RESUME:
			if (!*optarg)
				usage_die("--resume: empty directory name");
			opt_set_str(&cfg->outdir, optarg);
			action = OPTIONS_RESUME;
			break;
		case OPT_MAX_URL_LENGTH:
			mark("max-url-length");
			cfg->max_url_length = opt_long("--max-url-length", optarg, 0, SC_URL_MAX);
			break;
		case OPT_MAX_REPEATS:
			mark("max-repeats");
			cfg->max_repeats = (int)opt_long("--max-repeats", optarg, 0, 1000);
			break;
		case OPT_HOST_QUOTA:
			mark("host-quota");
			cfg->host_quota = (uint64_t)opt_long("--host-quota", optarg, 0, LONG_MAX);
			break;
		case OPT_FRONTIER_MEMORY:
			cfg->frontier_memory = opt_size("--frontier-memory", optarg,
							 SC_FRONTIER_MEMORY_MIN);
			break;
		case OPT_REDIS:
			if (strncmp(optarg, "redis://", 8) != 0)
				usage_die("--redis: expected redis://HOST:PORT[/DB], got '%s'", optarg);
			opt_set_str(&cfg->redis_url, optarg);
			break;
		case OPT_CRAWL:
			if (!*optarg || strlen(optarg) > 64 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789._-") != strlen(optarg))
				usage_die("--crawl: expected 1 to 64 letters, digits, '.', '_' "
					  "or '-', got '%s'", optarg);
			opt_set_str(&cfg->crawl_name, optarg);
			break;
		case OPT_LEASE:
			cfg->lease_s = opt_long("--lease", optarg, 1, 3600);
			break;
		case OPT_STATUS:
			cfg->status = 1;
			break;
		case OPT_DRAIN_TIMEOUT:
			cfg->drain_timeout = opt_long("--drain-timeout", optarg, 0, 86400);
			break;
		case OPT_PER_HOST:
			mark("per-host");
			cfg->per_host = (int)opt_long("--per-host", optarg, 1, 1000);
			break;
		case OPT_DEPTH:
			mark("depth");
			cfg->depth = opt_long("--depth", optarg, 0, INT_MAX);
			break;
		case OPT_MAX_PAGES:
			mark("max-pages");
			cfg->max_pages = (uint64_t)opt_long("--max-pages", optarg, 1, LONG_MAX);
			break;
		case OPT_SCOPE:
			mark("scope");
			if (strcmp(optarg, "host") == 0)
				cfg->scope = SCOPE_HOST;
			else if (strcmp(optarg, "domain") == 0)
				cfg->scope = SCOPE_DOMAIN;
			else if (strcmp(optarg, "any") == 0)
				cfg->scope = SCOPE_ANY;
			else
				usage_die("--scope: expected host, domain or any, got '%s'", optarg);
			break;
		case OPT_ALLOW:
			mark("allow");
			opt_push(&cfg->allow_src, &cfg->nallow, xstrdup(optarg));
			break;
		case OPT_DENY:
			mark("deny");
			opt_push(&cfg->deny_src, &cfg->ndeny, xstrdup(optarg));
			break;
		case OPT_ACCEPT:
			mark("accept");
			opt_suffixes("--accept", optarg, &cfg->accept, &cfg->naccept);
			break;
		case OPT_REJECT:
			mark("reject");
			opt_suffixes("--reject", optarg, &cfg->reject, &cfg->nreject);
			break;
		case OPT_SITEMAPS:
			mark("sitemaps");
			cfg->sitemaps = 1;
			break;
		case OPT_ACCEPT_TYPE:
			mark("accept-type");
			opt_types("--accept-type", optarg, &cfg->accept_types, &cfg->naccept_types);
			break;
		case OPT_REJECT_TYPE:
			mark("reject-type");
			opt_types("--reject-type", optarg, &cfg->reject_types, &cfg->nreject_types);
			break;
		case OPT_URLS:
			mark("urls");
			if (!*optarg)
				usage_die("--urls: empty file name");
			opt_set_str(&cfg->urls_file, optarg);
			break;
		case OPT_UA:
			mark("user-agent");
			if (strpbrk(optarg, "\r\n"))
				usage_die("--user-agent: line breaks are not allowed");
			opt_set_str(&cfg->user_agent, optarg);
			break;
		case OPT_HEADER:
			mark("header");
			opt_check_header(optarg);
			if (cfg->nheaders >= SC_HEADERS_USER_MAX)
				usage_die("--header: at most %d headers", SC_HEADERS_USER_MAX);
			opt_push(&cfg->headers, &cfg->nheaders, xstrdup(optarg));
			break;
		case OPT_RESOLVE:
			mark("resolve");
			opt_check_resolve(optarg);
			opt_push(&cfg->resolve, &cfg->nresolve, xstrdup(optarg));
			break;
		case OPT_TIMEOUT:
			mark("timeout");
			cfg->timeout = opt_long("--timeout", optarg, 1, 86400);
			break;
		case OPT_CONNECT_TIMEOUT:
			mark("connect-timeout");
			cfg->connect_timeout = opt_long("--connect-timeout", optarg, 1, 3600);
			break;
		case OPT_MAX_SIZE:
			mark("max-size");
			cfg->max_size = opt_size("--max-size", optarg, 1);
			if (cfg->max_size > SC_FRAME_BLOB_MAX / 2)
				usage_die("--max-size: at most %u bytes", SC_FRAME_BLOB_MAX / 2);
			break;
		case OPT_WARC_MAX:
			mark("warc-max-size");
			cfg->warc_max_size = opt_size("--warc-max-size", optarg, 4096);
			break;
		case OPT_WARC_LEVEL:
			mark("warc-level");
			cfg->warc_level = (int)opt_long("--warc-level", optarg, 1, 12);
			break;
		case 'k':
			mark("insecure");
			cfg->insecure = 1;
			break;
		case OPT_NO_FOLLOW:
			mark("depth");
			cfg->depth = 0;
			break;
		case OPT_MAX_REDIRECTS:
			mark("max-redirects");
			cfg->max_redirects = (int)opt_long("--max-redirects", optarg, 0, 1000);
			break;
		case OPT_NO_REFERER:
			mark("referer");
			cfg->referer = 0;
			break;
		case OPT_PROXY:
		case OPT_NO_PROXY:
			if (!*optarg || strpbrk(optarg, " \t\r\n"))
				usage_die("--%s: expected a non-empty value without spaces",
					  opt == OPT_PROXY ? "proxy" : "no-proxy");
			opt_set_str(opt == OPT_PROXY ? &cfg->proxy : &cfg->no_proxy, optarg);
			break;
		case OPT_COOKIE_JAR:
			mark("cookie-jar");
			free(cfg->cookie_jar);
			/* absolute: the shards and a --resume may run elsewhere */
			if (!(cfg->cookie_jar = realpath(optarg, NULL)) || access(optarg, R_OK))
				usage_die("--cookie-jar: cannot read '%s': %s", optarg, strerror(errno));
			/* a jar needs the engine */
			/* fall through */
		case OPT_COOKIES:
			mark("cookies");
			cfg->cookies = 1;
			break;
		case OPT_OBEY_REL_NOFOLLOW:
			mark("obey-rel-nofollow");
			cfg->obey_rel_nofollow = 1;
			break;
		case OPT_NO_ROBOTS:
			mark("robots");
			cfg->robots = 0;
			break;
		case OPT_NO_REQUISITES:
			mark("requisites");
			cfg->requisites = 0;
			break;
		case OPT_MAX_CRAWL_DELAY:
			mark("max-crawl-delay");
			cfg->max_crawl_delay = opt_long("--max-crawl-delay", optarg, 0, 86400);
			break;
		case OPT_DELAY:
			mark("delay");
			cfg->delay_ms = opt_long("--delay", optarg, 0, 86400000);
			break;
		case OPT_RATE:
			mark("rate");
			cfg->rate = opt_rate("--rate", optarg);
			break;
		case OPT_HOST_RATE:
			mark("host-rate");
			cfg->host_rate = opt_rate("--host-rate", optarg);
			break;
		case OPT_RETRIES:
			mark("retries");
			cfg->retries = (int)opt_long("--retries", optarg, 0, 100);
			break;
		case OPT_RETRY_WAIT:
			mark("retry-wait");
			cfg->retry_wait_ms = opt_long("--retry-wait", optarg, 1, 3600000);
			break;
		case OPT_MAX_RETRY_AFTER:
			mark("max-retry-after");
			cfg->max_retry_after = opt_long("--max-retry-after", optarg, 0, 86400);
			break;
		case OPT_LOW_SPEED:
			mark("low-speed");
			cfg->low_speed = opt_long("--low-speed", optarg, 0, 1L << 30);
			break;
		case OPT_LOW_SPEED_TIME:
			mark("low-speed-time");
			cfg->low_speed_time = opt_long("--low-speed-time", optarg, 1, 86400);
			break;
		case OPT_HOST_FAIL_LIMIT:
			mark("host-fail-limit");
			cfg->host_fail_limit = (int)opt_long("--host-fail-limit", optarg, 1, 1000000);
			break;
		case OPT_EXTRACT:
			/* not marked: on --resume the rules are compared by
			 * their text, not their file name (main.c) */
			if (!*optarg)
				usage_die("--extract: empty file name");
			opt_set_str(&cfg->extract_file, optarg);
			break;
		case OPT_EXTRACT_ONLY:
			mark("extract-only");
			cfg->extract_only = 1;
			break;
		case OPT_EXTRACT_FROM:
			if (!*optarg)
				usage_die("--extract-from: empty directory name");
			opt_set_str(&cfg->extract_from, optarg);
			break;
		case OPT_CDXJ:
			if (!*optarg)
				usage_die("--cdxj: empty directory name");
			opt_set_str(&cfg->cdxj_dir, optarg);
			action = OPTIONS_CDXJ;
			break;
		case OPT_NO_CDXJ:
			cfg->no_cdxj = 1;
			break;
		case OPT_DEDUP:
			if (strcmp(optarg, "url") && strcmp(optarg, "any") && strcmp(optarg, "off"))
				usage_die("--dedup: expected url, any or off, not '%s'", optarg);
			mark("dedup");
			opt_set_str(&cfg->dedup, optarg);
			break;
		case OPT_RECRAWL: {
			char pj[4096];
			mark("recrawl");
			free(cfg->recrawl);
			snprintf(pj, sizeof(pj), "%s/pages.jsonl", optarg);
			/* absolute: a --resume may run from elsewhere */
			if (!(cfg->recrawl = realpath(optarg, NULL)) || access(pj, R_OK))
				usage_die("--recrawl: '%s' is not a crawl directory (no readable "
					  "pages.jsonl)", optarg);
			break;
		}
		case 'q':
			cfg->quiet = 1;
			break;
		case 'v':
			cfg->verbose = 1;
			break;
		case 'h':
			fputs(options_usage, stdout);
			return OPTIONS_EXIT;
		case OPT_VERSION:
			printf("shardcrawl 0.1 (%s)\n", curl_version());
			return OPTIONS_EXIT;
		case ':':
			usage_die("%s: missing value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				usage_die("unknown option '-%c'", optopt);
			usage_die("unknown option '%s'", argv[optind - 1]);
		}
	}
	return action;
}
