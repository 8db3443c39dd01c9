/*
 * redis_conn.h - one connection to the Redis server of a shared crawl
 * (hiredis 0.14, RESP2, blocking), with the crawl's Lua scripts loaded, and
 * the reconnect-with-backoff rule every caller follows.
 *
 * hiredis 0.14 is a synchronous client here: every call blocks the
 * coordinator's loop for one round trip (redisSetTimeout bounds it at
 * RCONN_IO_TIMEOUT_MS; a connect at RCONN_CONNECT_TIMEOUT_MS).  The
 * callers batch: many commands are appended (rconn_append*) and their
 * replies read in one go (rconn_reply), one round trip for all.
 *
 * States: a connection is up (ctx != NULL) or down.  Any I/O error, a
 * timeout, or a protocol error drops it (down); rconn_ready() then tries
 * to connect again, at most once per backoff step (100 ms doubling to
 * 5 s, reset by a success), so a Redis restart or a network blip costs
 * pauses, never a crash.  Each (re)connect selects the database and
 * SCRIPT LOADs the scripts (a restarted server has forgotten them).
 *
 * Replies are hiredis's: the caller frees each with freeReplyObject().
 * What a reply may hold is bounded by what was asked: the scripts return
 * at most the entries the request allowed (crawler/redis_lua.h).
 */
#ifndef SC_REDIS_CONN_H
#define SC_REDIS_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct redisContext;
struct redisReply;

#define RCONN_CONNECT_TIMEOUT_MS 1000
#define RCONN_IO_TIMEOUT_MS      5000
#define RCONN_BACKOFF_MIN_MS     100
#define RCONN_BACKOFF_MAX_MS     5000

struct rconn {
	struct redisContext *ctx;       /* NULL: down */
	char host[256];
	int port;
	int db;
	uint64_t next_try_ms;           /* no connect attempt before this */
	uint64_t backoff_ms;
	int pending;                    /* replies appended, not read yet */
	uint64_t commands;              /* commands sent (for the figures) */
	uint64_t bytes_out;             /* request bytes sent, about */
	char err[256];                  /* why it last went down */
};

/*
 * Parse "redis://HOST:PORT[/DB]" (PORT optional: 6379; HOST may be
 * [v6]).  0, or SC_EINVAL with a one-line reason in err.
 */
int rconn_parse_url(struct rconn *c, const char *url, char *err, size_t n);

/* Connect now (first use: no backoff).  0, or SC_EIO with c->err set. */
int rconn_connect(struct rconn *c);

/* Up, or connected again now if the backoff allows: 1 if up. */
int rconn_ready(struct rconn *c, uint64_t now_ms);

/* Drop the connection (after an error): down until the next try. */
void rconn_drop(struct rconn *c, const char *why);

/* Queue one command (argv form, lengths given). */
void rconn_append(struct rconn *c, int argc, const char **argv, const size_t *len);
/* Queue EVALSHA of script id (crawler/redis_lua.h) with no keys. */
void rconn_append_eval(struct rconn *c, int script, int argc, const char **argv,
		       const size_t *len);

/*
 * The next queued reply, or NULL when the connection failed (it is then
 * dropped and the replies still queued are lost: the caller retries the
 * whole batch later, which the scripts make safe).  An error reply is
 * returned as a reply (type REDIS_REPLY_ERROR), not a failure.
 */
struct redisReply *rconn_reply(struct rconn *c);

/* One command, its reply (NULL: failed, dropped). */
struct redisReply *rconn_command(struct rconn *c, int argc, const char **argv,
				 const size_t *len);

/* An argv being built: pointers into strings the caller keeps. */
struct rconn_args {
	const char **v;
	size_t *len;
	int n, cap;
};
void rconn_args_add(struct rconn_args *a, const char *s, size_t n);
void rconn_args_release(struct rconn_args *a);

/*
 * Queue b's items (k NUL-terminated strings each, back to back) as EVALSHA
 * calls of script, each with first as its first argument and at most batch
 * items.  Returns the calls queued (their replies to read).
 */
int rconn_append_batches(struct rconn *c, int script, const char *first,
			 const struct buf *b, size_t items, int k, size_t batch);

/* Read n replies; 0 if all came and none was an error (logged, naming
 * what); SC_EIO else. */
int rconn_read_ok(struct rconn *c, int n, const char *what);

void rconn_release(struct rconn *c);

#endif
