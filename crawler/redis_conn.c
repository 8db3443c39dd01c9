/*
 * redis_conn.c - the connection, its scripts and its backoff
 * (crawler/redis_conn.h).
 */
#include "crawler/redis_conn.h"

#include "common/err.h"
#include "common/log.h"
#include "crawler/redis_lua.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* the scripts' SHA1s, as SCRIPT LOAD gave them (the same on every server) */
static char shas[RL_COUNT][48];

int rconn_parse_url(struct rconn *c, const char *url, char *err, size_t n)
{
	const char *p = url, *hend, *q;
	char *end;
	long v;

	memset(c, 0, sizeof(*c));
	c->port = 6379;
	if (strncmp(p, "redis://", 8) != 0) {
		snprintf(err, n, "--redis: expected redis://HOST:PORT[/DB], got '%.200s'", url);
		return SC_EINVAL;
	}
	p += 8;
	if (*p == '[') {
		hend = strchr(p, ']');
		if (!hend)
			goto bad;
		p++;
		q = hend + 1;
	} else {
		hend = p + strcspn(p, ":/");
		q = hend;
	}
	if (hend == p || (size_t)(hend - p) >= sizeof(c->host))
		goto bad;
	memcpy(c->host, p, (size_t)(hend - p));
	c->host[hend - p] = '\0';
	if (*q == ':') {
		v = strtol(q + 1, &end, 10);
		if (end == q + 1 || v < 1 || v > 65535)
			goto bad;
		c->port = (int)v;
		q = end;
	}
	if (*q == '/' && q[1]) {
		v = strtol(q + 1, &end, 10);
		if (end == q + 1 || *end || v < 0 || v > 1000000)
			goto bad;
		c->db = (int)v;
		q = end;
	} else if (*q == '/') {
		q++;
	}
	if (*q)
		goto bad;
	c->backoff_ms = RCONN_BACKOFF_MIN_MS;
	return 0;
bad:
	snprintf(err, n, "--redis: expected redis://HOST:PORT[/DB], got '%.200s'", url);
	return SC_EINVAL;
}

static struct timeval tv_ms(long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	return tv;
}

void rconn_drop(struct rconn *c, const char *why)
{
	/* why may point into the context: copied before it is freed */
	snprintf(c->err, sizeof(c->err), "%s", why);
	if (c->ctx) {
		log_warn("redis %s:%d: %s: reconnecting", c->host, c->port, c->err);
		redisFree(c->ctx);
		c->ctx = NULL;
	}
	c->pending = 0;
}

/* A reply that must not be an error, or the connection is dropped. */
static int expect_ok(struct rconn *c, redisReply *r, const char *what)
{
	char why[200];

	if (!r) {
		rconn_drop(c, c->ctx && c->ctx->errstr[0] ? c->ctx->errstr : "connection lost");
		return SC_EIO;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(why, sizeof(why), "%s: %.150s", what, r->str);
		freeReplyObject(r);
		rconn_drop(c, why);
		return SC_EIO;
	}
	freeReplyObject(r);
	return 0;
}

int rconn_connect(struct rconn *c)
{
	redisReply *r;
	int i;

	if (c->ctx)
		return 0;
	c->ctx = redisConnectWithTimeout(c->host, c->port, tv_ms(RCONN_CONNECT_TIMEOUT_MS));
	if (!c->ctx || c->ctx->err) {
		snprintf(c->err, sizeof(c->err), "%s", c->ctx ? c->ctx->errstr : "out of memory");
		if (c->ctx)
			redisFree(c->ctx);
		c->ctx = NULL;
		return SC_EIO;
	}
	redisSetTimeout(c->ctx, tv_ms(RCONN_IO_TIMEOUT_MS));
	redisEnableKeepAlive(c->ctx);
	if (c->db) {
		r = redisCommand(c->ctx, "SELECT %d", c->db);
		if (expect_ok(c, r, "SELECT"))
			return SC_EIO;
	}
	for (i = 0; i < RL_COUNT; i++) {
		const char *src = redis_lua_source(i);
		r = redisCommand(c->ctx, "SCRIPT LOAD %s", src);
		if (r && r->type == REDIS_REPLY_STRING && r->len < sizeof(shas[i])) {
			memcpy(shas[i], r->str, r->len + 1);
			freeReplyObject(r);
			continue;
		}
		if (r && r->type == REDIS_REPLY_STRING) {
			freeReplyObject(r);
			rconn_drop(c, "SCRIPT LOAD: unexpected reply");
			return SC_EIO;
		}
		if (expect_ok(c, r, "SCRIPT LOAD") == 0)
			rconn_drop(c, "SCRIPT LOAD: unexpected reply");
		return SC_EIO;
	}
	c->pending = 0;
	c->backoff_ms = RCONN_BACKOFF_MIN_MS;
	return 0;
}

int rconn_ready(struct rconn *c, uint64_t now_ms)
{
	if (c->ctx)
		return 1;
	if (now_ms < c->next_try_ms)
		return 0;
	if (rconn_connect(c) == 0) {
		log_warn("redis %s:%d: connected again", c->host, c->port);
		return 1;
	}
	c->next_try_ms = now_ms + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > RCONN_BACKOFF_MAX_MS ? RCONN_BACKOFF_MAX_MS
								  : c->backoff_ms * 2;
	return 0;
}

void rconn_append(struct rconn *c, int argc, const char **argv, const size_t *len)
{
	int i;

	if (!c->ctx)
		return;
	if (redisAppendCommandArgv(c->ctx, argc, argv, len) != REDIS_OK) {
		rconn_drop(c, "cannot queue a command");
		return;
	}
	c->pending++;
	c->commands++;
	for (i = 0; i < argc; i++)
		c->bytes_out += len[i] + 16;
}

void rconn_append_eval(struct rconn *c, int script, int argc, const char **argv,
		       const size_t *len)
{
	const char **av = xmalloc(sizeof(*av) * (size_t)(argc + 3));
	size_t *al = xmalloc(sizeof(*al) * (size_t)(argc + 3));

	av[0] = "EVALSHA";
	al[0] = 7;
	av[1] = shas[script];
	al[1] = strlen(shas[script]);
	av[2] = "0";
	al[2] = 1;
	memcpy(av + 3, argv, sizeof(*av) * (size_t)argc);
	memcpy(al + 3, len, sizeof(*al) * (size_t)argc);
	rconn_append(c, argc + 3, av, al);
	free(av);
	free(al);
}

struct redisReply *rconn_reply(struct rconn *c)
{
	void *r = NULL;

	if (!c->ctx || c->pending <= 0)
		return NULL;
	if (redisGetReply(c->ctx, &r) != REDIS_OK || !r) {
		rconn_drop(c, c->ctx->errstr[0] ? c->ctx->errstr : "connection lost");
		return NULL;
	}
	c->pending--;
	return r;
}

struct redisReply *rconn_command(struct rconn *c, int argc, const char **argv,
				 const size_t *len)
{
	/* replies queued before and not read are of no use now */
	while (c->pending > 0) {
		redisReply *old = rconn_reply(c);
		if (!old)
			return NULL;
		freeReplyObject(old);
	}
	rconn_append(c, argc, argv, len);
	return rconn_reply(c);
}

void rconn_release(struct rconn *c)
{
	if (c->ctx)
		redisFree(c->ctx);
	c->ctx = NULL;
}

void rconn_args_add(struct rconn_args *a, const char *s, size_t n)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, sizeof(*a->v) * (size_t)a->cap);
		a->len = xrealloc(a->len, sizeof(*a->len) * (size_t)a->cap);
	}
	a->v[a->n] = s;
	a->len[a->n++] = n;
}

void rconn_args_release(struct rconn_args *a)
{
	free(a->v);
	free(a->len);
	a->v = NULL;
	a->len = NULL;
	a->n = a->cap = 0;
}

int rconn_append_batches(struct rconn *c, int script, const char *first,
			 const struct buf *b, size_t items, int k, size_t batch)
{
	struct rconn_args a = { NULL, NULL, 0, 0 };
	const char *p = b->data;
	size_t i;
	int calls = 0, j;

	for (i = 0; i < items; i++) {
		if (a.n == 0)
			rconn_args_add(&a, first, strlen(first));
		for (j = 0; j < k; j++) {
			size_t n = strlen(p);
			rconn_args_add(&a, p, n);
			p += n + 1;
		}
		if ((i + 1) % batch == 0 || i + 1 == items) {
			rconn_append_eval(c, script, a.n, a.v, a.len);
			calls++;
			a.n = 0;
		}
	}
	rconn_args_release(&a);
	return calls;
}

int rconn_read_ok(struct rconn *c, int n, const char *what)
{
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		redisReply *r = rconn_reply(c);
		if (!r)
			return SC_EIO;
		if (r->type == REDIS_REPLY_ERROR) {
			log_error("redis %s: %.200s", what, r->str);
			rc = SC_EIO;
		}
		freeReplyObject(r);
	}
	return rc;
}
