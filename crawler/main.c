/*
 * main.c - the command line: parse and check every option, then hand a
 * finished crawl_config to the coordinator.  A bad option or value exits 2
 * with a one-line reason before anything is created or started.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/url.h"
#include "crawler/config.h"
#include "crawler/coord.h"
#include "crawler/settings.h"
#include "crawler/source.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const char usage_text[] =
"usage: shardcrawl [options] URL...\n"
"       shardcrawl [options] --urls FILE [URL...]\n"
"       shardcrawl [options] --resume DIR\n"
"\n"
"Crawl from the seed URLs and write WARC files, pages.jsonl and stats.json\n"
"into one output directory.\n"
"\n"
"Output\n"
"  -o, --output DIR         output directory (default ./crawl-out)\n"
"      --resume DIR         continue the crawl in DIR, with its own settings\n"
"      --drain-timeout S    after Ctrl-C, wait up to S s for transfers in\n"
"                           flight (default 10)\n"
"      --warc-max-size N    start a new WARC file past N bytes (default 1G)\n"
"      --warc-level N       compression level of WARC records, 1-12\n"
"                           (default 1: fastest; 6 makes files ~10% smaller)\n"
"  -q, --quiet              no progress line, no summary\n"
"  -v, --verbose            log every transfer to stderr\n"
"\n"
"Scale\n"
"  -j, --shards N           worker processes (default: number of cores)\n"
"  -c, --concurrency N      transfers in flight, all shards (default 64)\n"
"      --per-host N         transfers in flight per host (default 2)\n"
"      --frontier-memory N  memory for queued URLs (default 64M); the rest\n"
"                           waits on disk in DIR/spill/\n"
"\n"
"Scope\n"
"      --depth N            follow links at most N hops from a seed\n"
"                           (default unlimited; 0 fetches the seeds only)\n"
"      --no-follow          the same as --depth 0: fetch a URL list\n"
"      --max-pages N        admit at most N URLs in all\n"
"      --scope host|domain|any\n"
"                           follow links to the seeds' hosts (default),\n"
"                           their registrable domains, or anywhere\n"
"      --allow RE           follow only URLs matching RE (repeatable,\n"
"                           POSIX extended regex on the normalized URL)\n"
"      --deny RE            never follow URLs matching RE (repeatable)\n"
"      --accept LIST        follow only links whose path ends with one of the\n"
"                           comma-separated suffixes, any case (as wget -A:\n"
"                           html,.pdf; add / for directories); repeatable\n"
"      --reject LIST        never follow links whose path ends with one of\n"
"                           these suffixes (as wget -R: jpg,png,.pdf)\n"
"      --urls FILE          read seed URLs from FILE, one a line; - is stdin\n"
"      --max-url-length N   refuse links longer than N bytes (default 2048;\n"
"                           0: no limit)\n"
"      --max-repeats N      refuse links whose path repeats a segment more\n"
"                           than N times (default 3; 0: no limit)\n"
"      --host-quota N       admit at most N URLs per host (default: no limit)\n"
"\n"
"HTTP\n"
"      --user-agent S       User-Agent header\n"
"      --header 'N: V'      add a request header (repeatable)\n"
"      --resolve H:P:A      resolve host H port P to address A, as curl's\n"
"                           --resolve (repeatable)\n"
"      --timeout S          seconds for a whole transfer (default 60)\n"
"      --connect-timeout S  seconds to connect (default 15)\n"
"      --max-size N         keep at most N body bytes; the rest is cut and the\n"
"                           record marked truncated (default 32M)\n"
"  -k, --insecure           accept any TLS certificate\n"
"      --no-referer         send no Referer header (default: the page a link\n"
"                           was found on, or the URL that redirected)\n"
"      --max-redirects N    follow at most N redirects in a chain (default 10)\n"
"      --proxy URL          send every request through this proxy (default:\n"
"                           libcurl's http_proxy/https_proxy variables)\n"
"      --no-proxy LIST      hosts reached directly, comma-separated (as\n"
"                           no_proxy; * is all)\n"
"      --cookies            keep the cookies hosts set and send them back\n"
"      --cookie-jar FILE    load cookies from a Netscape cookie file (read,\n"
"                           never written; implies --cookies)\n"
"\n"
"Politeness\n"
"      --no-robots          do not fetch or obey robots.txt\n"
"      --obey-rel-nofollow  do not follow rel=nofollow links (default: follow\n"
"                           them; <meta name=robots content=nofollow> is\n"
"                           always obeyed)\n"
"      --max-crawl-delay S  cap on a robots.txt Crawl-delay (default 30)\n"
"      --delay MS           at least MS ms between request starts on a host\n"
"      --rate R             at most R requests/s in all (split across shards)\n"
"      --host-rate R        at most R requests/s per host\n"
"\n"
"Failures\n"
"      --retries N          retry timeouts, connection errors and 5xx N times\n"
"                           (default 3), with exponential backoff and jitter\n"
"      --retry-wait MS      the backoff's first wait (default 1000)\n"
"      --max-retry-after S  cap on a 429/503 Retry-After wait (default 600)\n"
"      --low-speed BYTES    abort a transfer slower than BYTES/s ...\n"
"      --low-speed-time S   ... for S seconds (defaults 100 and 30)\n"
"      --host-fail-limit N  give a host up after N connection failures in a\n"
"                           row (default 5)\n"
"\n"
"  -h, --help               this text\n"
"      --version            the version\n"
"\n"
"Sizes take a k, M or G suffix (powers of 1024).\n"
"\n"
"Exit status: 0 every page a 2xx or 3xx (or excluded by robots.txt); 8 the\n"
"crawl ended, but some pages were 4xx, 5xx or failed; 1 it had to stop\n"
"(write error, shards dying);\n"
"2 bad usage; 130 a second Ctrl-C.\n";

static void die_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("shardcrawl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die_usage("%s: expected a whole number from %ld to %ld, got '%s'",
			  opt, min, max, s);
	return v;
}

static double parse_rate(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e6)
		die_usage("%s: expected a rate above 0 (requests/s), got '%s'", opt, s);
	return v;
}

static uint64_t parse_size(const char *opt, const char *s, uint64_t min)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	if (*s == '-')
		die_usage("%s: expected a size, got '%s'", opt, s);
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		die_usage("%s: expected a size, got '%s'", opt, s);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || v > (UINT64_MAX >> shift) || (v << shift) < min)
		die_usage("%s: expected a size of at least %llu, got '%s'", opt,
			  (unsigned long long)min, s);
	return (uint64_t)v << shift;
}

static void push(char ***list, int *n, char *item)
{
	*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
	(*list)[(*n)++] = item;
}

/*
 * --accept / --reject LIST: comma-separated suffixes, each 1 to
 * CONFIG_SUFFIX_MAX visible bytes without '?' or '#' (which no path holds),
 * kept lowercase (they match in any case).
 */
static void parse_suffixes(const char *opt, const char *arg, char ***list, int *n)
{
	const char *p = arg;

	if (!*arg)
		die_usage("%s: expected a comma-separated list of suffixes, got ''", opt);
	for (;;) {
		size_t len = strcspn(p, ","), i;
		char *item;

		if (len == 0 || len > CONFIG_SUFFIX_MAX)
			die_usage("%s: expected suffixes of 1 to %d bytes between commas, got '%s'",
				  opt, CONFIG_SUFFIX_MAX, arg);
		for (i = 0; i < len; i++)
			if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f || p[i] == '?' || p[i] == '#')
				die_usage("%s: a suffix cannot hold spaces, control bytes, '?' or "
					  "'#', got '%s'", opt, arg);
		if (*n >= CONFIG_SUFFIXES_MAX)
			die_usage("%s: at most %d suffixes", opt, CONFIG_SUFFIXES_MAX);
		item = xstrndup(p, len);
		for (i = 0; i < len; i++)
			item[i] = (char)tolower((unsigned char)item[i]);
		push(list, n, item);
		if (!p[len])
			break;
		p += len + 1;
	}
}

/* Compile the --allow / --deny sources of cfg (after parsing or loading). */
static void compile_regexes(struct crawl_config *cfg)
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
			die_usage("%s: bad regular expression '%s': %s",
				  allow ? "--allow" : "--deny", src, msg);
		}
	}
}

void config_release(struct crawl_config *cfg)
{
	int i;

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
	free(cfg->accept);
	free(cfg->reject);
	free(cfg->proxy);
	free(cfg->no_proxy);
	free(cfg->cookie_jar);
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
	memset(cfg, 0, sizeof(*cfg));
}

static void check_header(const char *h)
{
	const char *colon = strchr(h, ':');
	const char *p;

	if (!colon || colon == h)
		die_usage("--header: expected 'Name: value', got '%s'", h);
	for (p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 127)
			die_usage("--header: bad header name in '%s'", h);
	if (strpbrk(h, "\r\n"))
		die_usage("--header: line breaks are not allowed in '%s'", h);
}

static void check_resolve(const char *r)
{
	/* HOST:PORT:ADDR[,ADDR]...; HOST may be +HOST; ADDR may be [v6] */
	const char *a = strchr(r, ':'), *b;
	char *end;
	long port;

	if (!a || a == r)
		die_usage("--resolve: expected HOST:PORT:ADDRESS, got '%s'", r);
	port = strtol(a + 1, &end, 10);
	b = end;
	if (end == a + 1 || *b != ':' || port < 1 || port > 65535 || !b[1])
		die_usage("--resolve: expected HOST:PORT:ADDRESS, got '%s'", r);
}

static char *join_argv(int argc, char **argv)
{
	struct buf b;
	int i;

	buf_init(&b, 64 << 10);
	for (i = 0; i < argc; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, argv[i]);
	}
	return buf_detach(&b, NULL);
}

/*
 * Raise the open-file limit to its hard maximum, then check that the crawl
 * fits in it: a shard may be given all of -c, and libcurl keeps up to twice
 * its share of connections open; the coordinator holds two pipes a shard
 * and, while it forks them, the sockets between the shards.
 */
static void raise_nofile(int concurrency, int shards)
{
	struct rlimit rl;
	unsigned long long shard_need = 2ull * (unsigned)concurrency + (unsigned)shards + 32;
	unsigned long long coord_need = (unsigned long long)shards * (unsigned)shards + 32;
	unsigned long long need = shard_need > coord_need ? shard_need : coord_need;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && need > rl.rlim_cur) {
		fprintf(stderr, "shardcrawl: -c %d with -j %d needs %llu open files but the "
			"limit is %llu: raise it (ulimit -n %llu) or lower -c\n",
			concurrency, shards, need, (unsigned long long)rl.rlim_cur, need);
		exit(2);
	}
}

enum {
	OPT_PER_HOST = 256, OPT_DEPTH, OPT_MAX_PAGES, OPT_SCOPE, OPT_ALLOW,
	OPT_DENY, OPT_URLS, OPT_UA, OPT_HEADER, OPT_RESOLVE, OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT, OPT_MAX_SIZE, OPT_WARC_MAX, OPT_WARC_LEVEL,
	OPT_VERSION, OPT_NO_FOLLOW, OPT_MAX_REDIRECTS, OPT_NO_ROBOTS,
	OPT_MAX_CRAWL_DELAY, OPT_DELAY, OPT_RATE, OPT_HOST_RATE, OPT_RETRIES,
	OPT_RETRY_WAIT, OPT_MAX_RETRY_AFTER, OPT_LOW_SPEED, OPT_LOW_SPEED_TIME,
	OPT_HOST_FAIL_LIMIT, OPT_RESUME, OPT_DRAIN_TIMEOUT, OPT_MAX_URL_LENGTH,
	OPT_MAX_REPEATS, OPT_HOST_QUOTA, OPT_FRONTIER_MEMORY, OPT_ACCEPT, OPT_REJECT,
	OPT_NO_REFERER, OPT_OBEY_REL_NOFOLLOW, OPT_PROXY, OPT_NO_PROXY, OPT_COOKIES,
	OPT_COOKIE_JAR,
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
	{ NULL, 0, NULL, 0 },
};

static void config_defaults(struct crawl_config *c)
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
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

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

#define SWAP_STR(a, b) do { char *t_ = (a); (a) = (b); (b) = t_; } while (0)

/* --resume DIR: the crawl's own settings, with this run's options on top. */
static void load_resume(struct crawl_config *cli, struct crawl_config *res)
{
	char err[512];

	config_defaults(res);
	set_str(&res->outdir, cli->outdir);
	if (settings_load(res, res->outdir, err, sizeof(err)))
		die_usage("--resume: %s", err);
	given[ngiven] = NULL;
	if (settings_conflict(cli, res, given, err, sizeof(err)))
		die_usage("--resume: %s", err);
	res->resume = 1;
	res->shards = cli->shards;
	res->concurrency = cli->concurrency;
	res->quiet = cli->quiet;
	res->verbose = cli->verbose;
	res->drain_timeout = cli->drain_timeout;
	res->frontier_memory = cli->frontier_memory;
	/* the way out, not the crawl: this run's, not stored */
	SWAP_STR(res->proxy, cli->proxy);
	SWAP_STR(res->no_proxy, cli->no_proxy);
}

int main(int argc, char **argv)
{
	struct crawl_config cfg, res;
	struct crawl_config *run = &cfg;
	int opt, i, rc, resume = 0;

	config_defaults(&cfg);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:j:c:kqvh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (!*optarg)
				die_usage("-o: empty directory name");
			set_str(&cfg.outdir, optarg);
			break;
		case 'j':
			cfg.shards = (int)parse_long("-j", optarg, 1, SC_MAX_SHARDS);
			break;
		case 'c':
			cfg.concurrency = (int)parse_long("-c", optarg, 1, SC_CONCURRENCY_MAX);
			break;
		case OPT_RESUME:
			if (!*optarg)
				die_usage("--resume: empty directory name");
			set_str(&cfg.outdir, optarg);
			resume = 1;
			break;
		case OPT_MAX_URL_LENGTH:
			mark("max-url-length");
			cfg.max_url_length = parse_long("--max-url-length", optarg, 0, SC_URL_MAX);
			break;
		case OPT_MAX_REPEATS:
			mark("max-repeats");
			cfg.max_repeats = (int)parse_long("--max-repeats", optarg, 0, 1000);
			break;
		case OPT_HOST_QUOTA:
			mark("host-quota");
			cfg.host_quota = (uint64_t)parse_long("--host-quota", optarg, 0, LONG_MAX);
			break;
		case OPT_FRONTIER_MEMORY:
			cfg.frontier_memory = parse_size("--frontier-memory", optarg,
							 SC_FRONTIER_MEMORY_MIN);
			break;
		case OPT_DRAIN_TIMEOUT:
			cfg.drain_timeout = parse_long("--drain-timeout", optarg, 0, 86400);
			break;
		case OPT_PER_HOST:
			mark("per-host");
			cfg.per_host = (int)parse_long("--per-host", optarg, 1, 1000);
			break;
		case OPT_DEPTH:
			mark("depth");
			cfg.depth = parse_long("--depth", optarg, 0, INT_MAX);
			break;
		case OPT_MAX_PAGES:
			mark("max-pages");
			cfg.max_pages = (uint64_t)parse_long("--max-pages", optarg, 1, LONG_MAX);
			break;
		case OPT_SCOPE:
			mark("scope");
			if (strcmp(optarg, "host") == 0)
				cfg.scope = SCOPE_HOST;
			else if (strcmp(optarg, "domain") == 0)
				cfg.scope = SCOPE_DOMAIN;
			else if (strcmp(optarg, "any") == 0)
				cfg.scope = SCOPE_ANY;
			else
				die_usage("--scope: expected host, domain or any, got '%s'", optarg);
			break;
		case OPT_ALLOW:
			mark("allow");
			push(&cfg.allow_src, &cfg.nallow, xstrdup(optarg));
			break;
		case OPT_DENY:
			mark("deny");
			push(&cfg.deny_src, &cfg.ndeny, xstrdup(optarg));
			break;
		case OPT_ACCEPT:
			mark("accept");
			parse_suffixes("--accept", optarg, &cfg.accept, &cfg.naccept);
			break;
		case OPT_REJECT:
			mark("reject");
			parse_suffixes("--reject", optarg, &cfg.reject, &cfg.nreject);
			break;
		case OPT_URLS:
			mark("urls");
			if (!*optarg)
				die_usage("--urls: empty file name");
			set_str(&cfg.urls_file, optarg);
			break;
		case OPT_UA:
			mark("user-agent");
			if (strpbrk(optarg, "\r\n"))
				die_usage("--user-agent: line breaks are not allowed");
			set_str(&cfg.user_agent, optarg);
			break;
		case OPT_HEADER:
			mark("header");
			check_header(optarg);
			if (cfg.nheaders >= SC_HEADERS_USER_MAX)
				die_usage("--header: at most %d headers", SC_HEADERS_USER_MAX);
			push(&cfg.headers, &cfg.nheaders, xstrdup(optarg));
			break;
		case OPT_RESOLVE:
			mark("resolve");
			check_resolve(optarg);
			push(&cfg.resolve, &cfg.nresolve, xstrdup(optarg));
			break;
		case OPT_TIMEOUT:
			mark("timeout");
			cfg.timeout = parse_long("--timeout", optarg, 1, 86400);
			break;
		case OPT_CONNECT_TIMEOUT:
			mark("connect-timeout");
			cfg.connect_timeout = parse_long("--connect-timeout", optarg, 1, 3600);
			break;
		case OPT_MAX_SIZE:
			mark("max-size");
			cfg.max_size = parse_size("--max-size", optarg, 1);
			if (cfg.max_size > SC_FRAME_BLOB_MAX / 2)
				die_usage("--max-size: at most %u bytes", SC_FRAME_BLOB_MAX / 2);
			break;
		case OPT_WARC_MAX:
			mark("warc-max-size");
			cfg.warc_max_size = parse_size("--warc-max-size", optarg, 4096);
			break;
		case OPT_WARC_LEVEL:
			mark("warc-level");
			cfg.warc_level = (int)parse_long("--warc-level", optarg, 1, 12);
			break;
		case 'k':
			mark("insecure");
			cfg.insecure = 1;
			break;
		case OPT_NO_FOLLOW:
			mark("depth");
			cfg.depth = 0;
			break;
		case OPT_MAX_REDIRECTS:
			mark("max-redirects");
			cfg.max_redirects = (int)parse_long("--max-redirects", optarg, 0, 1000);
			break;
		case OPT_NO_REFERER:
			mark("referer");
			cfg.referer = 0;
			break;
		case OPT_PROXY:
		case OPT_NO_PROXY:
			if (!*optarg || strpbrk(optarg, " \t\r\n"))
				die_usage("--%s: expected a non-empty value without spaces",
					  opt == OPT_PROXY ? "proxy" : "no-proxy");
			set_str(opt == OPT_PROXY ? &cfg.proxy : &cfg.no_proxy, optarg);
			break;
		case OPT_COOKIE_JAR:
			mark("cookie-jar");
			free(cfg.cookie_jar);
			/* absolute: the shards and a --resume may run elsewhere */
			if (!(cfg.cookie_jar = realpath(optarg, NULL)) || access(optarg, R_OK))
				die_usage("--cookie-jar: cannot read '%s': %s", optarg, strerror(errno));
			/* a jar needs the engine */
			/* fall through */
		case OPT_COOKIES:
			mark("cookies");
			cfg.cookies = 1;
			break;
		case OPT_OBEY_REL_NOFOLLOW:
			mark("obey-rel-nofollow");
			cfg.obey_rel_nofollow = 1;
			break;
		case OPT_NO_ROBOTS:
			mark("robots");
			cfg.robots = 0;
			break;
		case OPT_MAX_CRAWL_DELAY:
			mark("max-crawl-delay");
			cfg.max_crawl_delay = parse_long("--max-crawl-delay", optarg, 0, 86400);
			break;
		case OPT_DELAY:
			mark("delay");
			cfg.delay_ms = parse_long("--delay", optarg, 0, 86400000);
			break;
		case OPT_RATE:
			mark("rate");
			cfg.rate = parse_rate("--rate", optarg);
			break;
		case OPT_HOST_RATE:
			mark("host-rate");
			cfg.host_rate = parse_rate("--host-rate", optarg);
			break;
		case OPT_RETRIES:
			mark("retries");
			cfg.retries = (int)parse_long("--retries", optarg, 0, 100);
			break;
		case OPT_RETRY_WAIT:
			mark("retry-wait");
			cfg.retry_wait_ms = parse_long("--retry-wait", optarg, 1, 3600000);
			break;
		case OPT_MAX_RETRY_AFTER:
			mark("max-retry-after");
			cfg.max_retry_after = parse_long("--max-retry-after", optarg, 0, 86400);
			break;
		case OPT_LOW_SPEED:
			mark("low-speed");
			cfg.low_speed = parse_long("--low-speed", optarg, 0, 1L << 30);
			break;
		case OPT_LOW_SPEED_TIME:
			mark("low-speed-time");
			cfg.low_speed_time = parse_long("--low-speed-time", optarg, 1, 86400);
			break;
		case OPT_HOST_FAIL_LIMIT:
			mark("host-fail-limit");
			cfg.host_fail_limit = (int)parse_long("--host-fail-limit", optarg, 1, 1000000);
			break;
		case 'q':
			cfg.quiet = 1;
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			config_release(&cfg);
			return 0;
		case OPT_VERSION:
			printf("shardcrawl 0.1 (%s)\n", curl_version());
			config_release(&cfg);
			return 0;
		case ':':
			die_usage("%s: missing value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				die_usage("unknown option '-%c'", optopt);
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "shardcrawl: cannot initialise libcurl\n");
		return 1;
	}
	if (resume && optind < argc)
		die_usage("--resume takes no URLs: the crawl has its own");
	for (i = optind; i < argc; i++) {
		char *norm = NULL, *with = NULL;
		const char *seed = argv[i];

		with = source_add_scheme(seed);
		if (with)
			seed = with;
		rc = url_normalize(seed, &norm);
		free(with);
		if (rc)
			die_usage("bad seed URL '%s': %s", argv[i], sc_strerror(rc));
		push(&cfg.seeds, &cfg.nseeds, norm);
	}
	if (resume) {
		load_resume(&cfg, &res);
		run = &res;
	} else if (!cfg.nseeds && !cfg.urls_file) {
		die_usage("no seed URLs: give URLs or --urls FILE");
	} else {
		char path[4096];
		snprintf(path, sizeof(path), "%s/settings", cfg.outdir);
		if (access(path, F_OK) == 0)
			die_usage("'%s' holds a crawl already: continue it with --resume %s, "
				  "or choose another -o", cfg.outdir, cfg.outdir);
	}
	compile_regexes(run);
	if (run->concurrency < run->shards)
		run->shards = run->concurrency;
	raise_nofile(run->concurrency, run->shards);
	run->argv_line = join_argv(argc, argv);
	log_init("shardcrawl", run->verbose ? LOG_DEBUG : LOG_WARN);

	rc = coord_run(run);

	if (resume)
		config_release(&res);
	config_release(&cfg);
	curl_global_cleanup();
	return rc;
}
