/*
 * cluster.c - joining a shared crawl, and --status (crawler/cluster.h).
 */
#include "crawler/cluster.h"

#include "common/buf.h"
#include "common/err.h"
#include "crawler/options.h"
#include "crawler/redis_conn.h"
#include "crawler/settings.h"

#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CFG_MAX (16u << 20)     /* bytes of stored settings read back */

/* The connection open now, closed by die2() before it exits (so that a
 * leak checker sees nothing left). */
static struct rconn *open_now;

static void die2(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die2(const char *fmt, ...)
{
	va_list ap;

	if (open_now)
		rconn_release(open_now);

	fputs("shardcrawl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void open_conn(struct rconn *c, const struct crawl_config *cli)
{
	char err[512];

	if (!cli->crawl_name)
		die2("--redis needs --crawl NAME (see --help)");
	if (rconn_parse_url(c, cli->redis_url, err, sizeof(err)))
		die2("%s", err);
	if (rconn_connect(c))
		die2("cannot reach Redis at %s: %s", cli->redis_url, c->err);
	open_now = c;
}

/* A command of up to 4 string arguments; NULL reply: exit 2. */
static redisReply *cmd(struct rconn *c, const char *url, const char *a0, const char *a1,
		       const char *a2, const char *a3, size_t l3)
{
	const char *argv[4] = { a0, a1, a2, a3 };
	size_t len[4];
	int n = a3 ? 4 : a2 ? 3 : 2;
	redisReply *r;

	len[0] = strlen(a0);
	len[1] = strlen(a1);
	len[2] = a2 ? strlen(a2) : 0;
	len[3] = l3;
	r = rconn_command(c, n, argv, len);
	if (!r)
		die2("lost Redis at %s: %s", url, c->err);
	if (r->type == REDIS_REPLY_ERROR)
		die2("Redis at %s: %.200s", url, r->str);
	return r;
}

/* The stored settings a joining node gets; its per-run options on top. */
static void take_stored(struct crawl_config *cli, struct crawl_config *res,
			const char *text, size_t len)
{
	const char **given = options_given(), *keys[80];
	char err[512];
	int i, n = 0;

	config_defaults(res);
	if (settings_parse(res, text, len, "the crawl's settings in Redis", err, sizeof(err)))
		die2("--crawl %s: %s", cli->crawl_name, err);
	/* seeds and --urls may be given on any node */
	for (i = 0; given[i] && n < 79; i++)
		if (strcmp(given[i], "urls") != 0)
			keys[n++] = given[i];
	keys[n] = NULL;
	if (settings_conflict(cli, res, keys, err, sizeof(err)))
		die2("--crawl %s: %s", cli->crawl_name, err);
	for (i = 0; i < cli->nseeds; i++)
		opt_push(&res->seeds, &res->nseeds, xstrdup(cli->seeds[i]));
	free(res->urls_file);
	res->urls_file = cli->urls_file ? xstrdup(cli->urls_file) : NULL;
	res->shards = cli->shards;
	res->concurrency = cli->concurrency;
	res->quiet = cli->quiet;
	res->verbose = cli->verbose;
	res->drain_timeout = cli->drain_timeout;
	res->frontier_memory = cli->frontier_memory;
	res->lease_s = cli->lease_s;
	opt_set_str(&res->outdir, cli->outdir);
	opt_set_str(&res->redis_url, cli->redis_url);
	opt_set_str(&res->crawl_name, cli->crawl_name);
	if (cli->proxy)
		opt_set_str(&res->proxy, cli->proxy);
	if (cli->no_proxy)
		opt_set_str(&res->no_proxy, cli->no_proxy);
}

struct crawl_config *cluster_join(struct crawl_config *cli, struct crawl_config *res)
{
	struct crawl_config *run = cli;
	char key[128], host[64] = "node", name[128];
	const char *url = cli->redis_url;
	struct rconn c;
	redisReply *r;
	struct buf b;

	open_conn(&c, cli);
	snprintf(key, sizeof(key), "sc:%s:cfg", cli->crawl_name);
	buf_init(&b, CFG_MAX);
	settings_text(cli, &b);
	{
		const char *argv[4] = { "SET", key, b.data, "NX" };
		size_t len[4] = { 3, strlen(key), b.len, 2 };
		r = rconn_command(&c, 4, argv, len);
		if (!r)
			die2("lost Redis at %s: %s", url, c.err);
		if (r->type == REDIS_REPLY_ERROR)
			die2("Redis at %s: %.200s", url, r->str);
	}
	if (r->type != REDIS_REPLY_STATUS) {
		/* there already: join it */
		freeReplyObject(r);
		r = cmd(&c, url, "GET", key, NULL, NULL, 0);
		if (r->type != REDIS_REPLY_STRING || r->len > CFG_MAX)
			die2("--crawl %s: the stored settings are not readable", cli->crawl_name);
		take_stored(cli, res, r->str, r->len);
		run = res;
	} else if (!cli->nseeds && !cli->urls_file) {
		freeReplyObject(r);
		r = cmd(&c, url, "DEL", key, NULL, NULL, 0);
		die2("--crawl %s: no such crawl yet, and no seed URLs to start it with",
		     cli->crawl_name);
	}
	freeReplyObject(r);
	buf_release(&b);
	snprintf(key, sizeof(key), "sc:%s:nodeseq", cli->crawl_name);
	r = cmd(&c, url, "INCR", key, NULL, NULL, 0);
	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, ".")] = '\0';
	snprintf(name, sizeof(name), "%s-%lld", host, r->integer);
	freeReplyObject(r);
	opt_set_str(&run->node, name);
	rconn_release(&c);
	open_now = NULL;
	return run;
}

int cluster_status(const struct crawl_config *cli)
{
	static const char *const names[] = { "admitted", "queued", "out", "done", "reclaimed" };
	const char *url = cli->redis_url;
	char key[128], key2[128], key3[128];
	struct rconn c;
	redisReply *r, *info, *share;
	size_t i, k;

	open_conn(&c, cli);
	snprintf(key, sizeof(key), "sc:%s:cfg", cli->crawl_name);
	r = cmd(&c, url, "EXISTS", key, NULL, NULL, 0);
	k = r->integer == 1;
	freeReplyObject(r);
	if (!k)
		die2("no crawl '%s' in Redis at %s", cli->crawl_name, url);
	snprintf(key, sizeof(key), "sc:%s:n", cli->crawl_name);
	printf("crawl %s at %s\n", cli->crawl_name, url);
	for (i = 0; i < 5; i++) {
		r = cmd(&c, url, "HGET", key, names[i], NULL, 0);
		printf("  %-10s %s\n", names[i], r->type == REDIS_REPLY_STRING ? r->str : "0");
		freeReplyObject(r);
	}
	snprintf(key, sizeof(key), "sc:%s:lease", cli->crawl_name);
	r = cmd(&c, url, "ZCARD", key, NULL, NULL, 0);
	printf("  %-10s %lld\n", "leased", r->integer);
	freeReplyObject(r);
	snprintf(key, sizeof(key), "sc:%s:ready", cli->crawl_name);
	r = cmd(&c, url, "ZCARD", key, NULL, NULL, 0);
	printf("  %-10s %lld\n", "ready", r->integer);
	freeReplyObject(r);
	snprintf(key, sizeof(key), "sc:%s:nodes", cli->crawl_name);
	snprintf(key2, sizeof(key2), "sc:%s:ninfo", cli->crawl_name);
	snprintf(key3, sizeof(key3), "sc:%s:rshare", cli->crawl_name);
	r = cmd(&c, url, "ZRANGE", key, "0", "-1", 2);
	printf("  %-10s %zu\n", "nodes", r->type == REDIS_REPLY_ARRAY ? r->elements : 0);
	for (k = 0; r->type == REDIS_REPLY_ARRAY && k < r->elements && k < 1000; k++) {
		const char *node = r->element[k]->str;
		info = cmd(&c, url, "HGET", key2, node, NULL, 0);
		share = cmd(&c, url, "HGET", key3, node, NULL, 0);
		printf("  node %s: %s", node, info->type == REDIS_REPLY_STRING ? info->str : "");
		if (share->type == REDIS_REPLY_STRING)
			printf(" rate=%.2f/s", atof(share->str) / 1000.0);
		putchar('\n');
		freeReplyObject(info);
		freeReplyObject(share);
	}
	freeReplyObject(r);
	rconn_release(&c);
	open_now = NULL;
	return 0;
}
