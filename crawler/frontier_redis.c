/*
 * frontier_redis.c - the Redis frontier backend: one crawl shared by
 * several nodes (crawler/frontier.h; keys and scripts: crawler/redis_lua.h).
 *
 * What a node holds.  The hosts it leased (struct rhost), each with the
 * URLs it took from the host's Redis queue (moved to out:HOST there, so a
 * dead node's URLs are given back when its lease expires) and the count
 * of them out in shards.  Each shard has a ring of its leased hosts with
 * URLs here and fewer than host_window out, as in the local backend; a
 * host is leased to one node at a time, so its politeness (--per-host,
 * --delay, Crawl-delay, --host-rate, Retry-After) is kept by the one
 * shard that owns it here, for the whole crawl.
 *
 * One round trip a sync.  sync() pipelines, in this order, the admits
 * buffered since the last one (RL_ADMIT, a few hundred URLs a call), the
 * pages done and written (RL_ACK), and one RL_WORK call that renews the
 * leases (every lease / 3), tops up hosts running short (op f), gives up
 * hosts with nothing left (op x, carrying the host's remaining delay in
 * hn:HOST, so the next node to take it waits it out), and leases new hosts
 * while the held ones cannot fill -c.  It runs every SYNC_BUSY_MS while
 * there is something to send or to take, else every SYNC_IDLE_MS; acks
 * only go out when the loop says the pages are on disk (flushed), so a
 * URL Redis counts done is in this node's pages.jsonl, and then at once
 * (a sync right after each flush that wrote pages).
 *
 * Redis away.  A failed round trip drops the connection (crawler/
 * redis_conn.h); what was not confirmed stays buffered and is sent again
 * (the scripts make that safe), next() hands out nothing until Redis is
 * back, and the results of what is out are kept for it.
 *
 * Rate.  RL_WORK returns this node's share of --rate (the shares of all
 * nodes never add up to more; crawler/redis_lua.c); rate() passes it on,
 * and the loop splits it over the shards as it splits a local --rate.
 */
#include "crawler/frontier.h"
#include "crawler/ring.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/seen.h"
#include "crawler/redis_conn.h"
#include "crawler/redis_lua.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SYNC_BUSY_MS   20
#define SYNC_IDLE_MS   100
#define ADMIT_BATCH    256      /* URLs per RL_ADMIT call */
#define ACK_BATCH      1024     /* URLs per RL_ACK call */
#define TAKE_HOSTS_MAX 16       /* new hosts per RL_WORK call */
#define NODE_TTL_FACTOR 2       /* a node is dead after 2 leases silent */
#define ENTRY_MAX      (2 * SC_URL_MAX + 64)

struct rhost {
	struct rhost *hnext;
	struct ring_link link;          /* in its shard's ring (crawler/ring.h) */
	struct fentry *head, *tail;     /* taken from Redis, not handed out */
	uint64_t hash;
	uint64_t remote;                /* URLs queued in Redis, at last look */
	uint64_t last_ms;               /* the last done() of one of its URLs */
	uint32_t nq, out, demand;
	uint32_t unacked;               /* done here, the ack not confirmed */
	uint32_t gap_ms;                /* the largest gap its shard reported */
	int shard;
	uint8_t lost;
	char key[];
};

/* An entry's owner while it is here: its host and its id in out:HOST. */
struct rtag {
	struct rhost *h;
	char id[24];
};

struct fredis {
	struct frontier pub;
	struct rconn conn;
	char prefix[SC_HOST_MAX];
	char node[128];
	struct rhost **htab;
	size_t hmask, hcount;
	struct ring_link **ring;
	uint64_t *demand;
	uint32_t per_host, window, concurrency;
	uint64_t lease_ms;
	double crawl_rate;
	struct seen offered;            /* URLs this node sent to admit */
	struct buf adm;                 /* admits not confirmed: 5 strings each */
	size_t nadm;
	struct buf ack;                 /* done, not confirmed: HOST ID pairs */
	size_t nack;
	uint64_t queued_mem, out, pages;
	uint64_t last_sync, last_renew;
	int synced;                     /* one RL_WORK went through */
	int offered_any;                /* this node offered URLs itself */
	int more_ready;                 /* ready hosts were left, last look */
	/* the crawl's figures, from the last RL_WORK */
	int64_t g[9];
};

enum { G_ADMITTED, G_QUEUED, G_OUT, G_DONE, G_RECLAIMED, G_LEASES, G_NODES,
       G_SHARE, G_NEXT };

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* hosts (the same shape as frontier_local.c's) */

static struct rhost *host_find(const struct fredis *f, const char *key, uint64_t hash)
{
	struct rhost *h;

	for (h = f->htab[hash & f->hmask]; h; h = h->hnext)
		if (h->hash == hash && strcmp(h->key, key) == 0)
			return h;
	return NULL;
}

static struct rhost *host_new(struct fredis *f, const char *key)
{
	size_t n = strlen(key), i;
	uint64_t hash = seen_hash(key, n);
	struct rhost *h = xcalloc(1, sizeof(*h) + n + 1);

	memcpy(h->key, key, n + 1);
	h->hash = hash;
	h->shard = frontier_shard_of(f->pub.nshards, key);
	h->hnext = f->htab[hash & f->hmask];
	f->htab[hash & f->hmask] = h;
	if (++f->hcount > f->hmask) {
		size_t m = (f->hmask + 1) * 2;
		struct rhost **t = xcalloc(m, sizeof(*t));

		for (i = 0; i <= f->hmask; i++) {
			struct rhost *x = f->htab[i], *next;
			for (; x; x = next) {
				next = x->hnext;
				x->hnext = t[x->hash & (m - 1)];
				t[x->hash & (m - 1)] = x;
			}
		}
		free(f->htab);
		f->htab = t;
		f->hmask = m - 1;
	}
	return h;
}

static void host_free(struct fredis *f, struct rhost *h)
{
	struct rhost **p = &f->htab[h->hash & f->hmask];

	while (*p != h)
		p = &(*p)->hnext;
	*p = h->hnext;
	f->hcount--;
	free(h);
}

/* The one place a host's ring membership and demand follow its counts. */
static void host_update(struct fredis *f, struct rhost *h)
{
	int want = h->nq > 0 && h->out < f->window && !h->lost;
	uint64_t d = h->lost ? 0 : h->nq + h->remote + h->out;

	ring_set(&f->ring[h->shard], &h->link, want);
	if (d > f->per_host)
		d = f->per_host;
	f->demand[h->shard] += d - h->demand;
	h->demand = (uint32_t)d;
	if (h->lost && !h->out && !h->nq && !h->unacked)
		host_free(f, h);
}

/* A URL done, to be acknowledged.  The buffer is bounded by the pages out
 * (nothing is handed out while Redis is away), far under its cap. */
static void ack_add(struct fredis *f, const char *key, const char *id)
{
	SC_ASSERT(buf_append(&f->ack, key, strlen(key) + 1) == 0 &&
		  buf_append(&f->ack, id, strlen(id) + 1) == 0);
	f->nack++;
}

static void drop_queued(struct fredis *f, struct rhost *h)
{
	struct fentry *e, *next;

	for (e = h->head; e; e = next) {
		next = e->next;
		free(e->owner);
		fentry_free(e);
		f->queued_mem--;
	}
	h->head = h->tail = NULL;
	h->nq = 0;
}

/* An entry from Redis, "DEPTH\tREDIRECTS\tURL\tREFERRER", to the host's
 * queue; a malformed one is acknowledged and dropped, never retried. */
static void take_entry(struct fredis *f, struct rhost *h, const char *id,
		       const char *s, size_t len)
{
	char buf[ENTRY_MAX + 1], *p, *url, *ref, *end;
	unsigned long depth, redirs;
	struct rstr *r = NULL;
	struct rtag *t;
	struct fentry *e;

	if (len > ENTRY_MAX || strlen(id) >= sizeof(t->id))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	depth = strtoul(buf, &p, 10);
	if (*p != '\t')
		goto bad;
	redirs = strtoul(p + 1, &p, 10);
	if (*p != '\t')
		goto bad;
	url = p + 1;
	if (!(end = strchr(url, '\t')))
		goto bad;
	*end = '\0';
	ref = end + 1;
	if (!*url || strlen(url) > SC_URL_MAX || strlen(ref) > SC_URL_MAX ||
	    depth > UINT32_MAX || redirs > UINT32_MAX)
		goto bad;
	if (*ref)
		r = rstr_new(ref);
	e = fentry_new(url, (uint32_t)depth, (uint32_t)redirs, r);
	rstr_put(r);
	t = xmalloc(sizeof(*t));
	t->h = h;
	snprintf(t->id, sizeof(t->id), "%s", id);
	e->owner = t;
	if (h->tail)
		h->tail->next = e;
	else
		h->head = e;
	h->tail = e;
	h->nq++;
	f->queued_mem++;
	return;
bad:
	log_error("redis: a malformed entry of host '%s' dropped", h->key);
	if (strlen(id) < sizeof(t->id))
		ack_add(f, h->key, id);
}

/* the ops */

static int redis_admit(struct frontier *fr, const char *url, const char *key,
		       uint32_t depth, uint32_t redirects, struct rstr *referrer,
		       uint64_t quota)
{
	struct fredis *f = (struct fredis *)fr;
	size_t ul = strlen(url);
	uint64_t fp = seen_hash(url, ul);
	size_t mark;
	char num[32];
	int bad = 0;

	if (ul > SC_URL_MAX || strlen(key) > SC_HOST_MAX + 16 ||
	    (referrer && strlen(referrer->s) > SC_URL_MAX))
		return SC_ETOOBIG;
	if (seen_has(&f->offered, fp))
		return FRONTIER_SEEN;
	mark = f->adm.len;
	snprintf(num, sizeof(num), "%u", (unsigned)(fp >> 48));
	bad |= buf_append(&f->adm, num, strlen(num) + 1);
	/* signed: Redis keeps a set of 64-bit integers as an intset */
	snprintf(num, sizeof(num), "%lld", (long long)(int64_t)fp);
	bad |= buf_append(&f->adm, num, strlen(num) + 1);
	bad |= buf_append(&f->adm, key, strlen(key) + 1);
	if (quota == UINT64_MAX)
		bad |= buf_append(&f->adm, "-1", 3);
	else
		bad |= buf_printf(&f->adm, "%llu", (unsigned long long)quota) ||
		       buf_putc(&f->adm, '\0');
	bad |= buf_printf(&f->adm, "%u\t%u\t%s\t%s", depth, redirects, url,
			  referrer ? referrer->s : "") || buf_putc(&f->adm, '\0');
	if (bad) {
		/* Redis has been away too long: the crawl must stop */
		f->adm.len = mark;
		return SC_EIO;
	}
	seen_add(&f->offered, fp);
	f->offered_any = 1;
	f->nadm++;
	return FRONTIER_QUEUED;
}

static int redis_mark_seen(struct frontier *fr, const char *url)
{
	struct fredis *f = (struct fredis *)fr;
	uint64_t fp = seen_hash(url, strlen(url));
	char key[SC_HOST_MAX + 32], num[32];
	const char *argv[3] = { "SADD", key, num };
	size_t len[3];
	redisReply *r;
	int rc = 0;

	seen_add(&f->offered, fp);
	if (!rconn_ready(&f->conn, now_ms()))
		return 0;
	snprintf(key, sizeof(key), "%sseen:%u", f->prefix, (unsigned)(fp >> 48));
	snprintf(num, sizeof(num), "%lld", (long long)(int64_t)fp);
	len[0] = 4;
	len[1] = strlen(key);
	len[2] = strlen(num);
	r = rconn_command(&f->conn, 3, argv, len);
	if (r && r->type == REDIS_REPLY_INTEGER)
		rc = r->integer == 1;
	if (r)
		freeReplyObject(r);
	return rc;
}

static struct fentry *redis_next(struct frontier *fr, int shard, int *err)
{
	struct fredis *f = (struct fredis *)fr;
	struct rhost *h;
	struct fentry *e;

	*err = 0;
	if (!f->conn.ctx || !f->ring[shard])
		return NULL;
	h = RING_ENTRY(f->ring[shard], struct rhost, link);
	e = h->head;
	h->head = e->next;
	if (!h->head)
		h->tail = NULL;
	e->next = NULL;
	h->nq--;
	h->out++;
	f->queued_mem--;
	f->out++;
	ring_turn(&f->ring[shard]);
	host_update(f, h);
	return e;
}

static void redis_done(struct frontier *fr, struct fentry *e)
{
	struct fredis *f = (struct fredis *)fr;
	struct rtag *t = e->owner;
	struct rhost *h = t->h;

	SC_ASSERT(h->out > 0);
	ack_add(f, h->key, t->id);
	h->unacked++;
	if (e->host_gap_ms > h->gap_ms)
		h->gap_ms = e->host_gap_ms;
	h->last_ms = now_ms();
	h->out--;
	f->out--;
	f->pages++;
	free(t);
	fentry_free(e);
	host_update(f, h);
}

static void redis_requeue(struct frontier *fr, struct fentry *e)
{
	struct fredis *f = (struct fredis *)fr;
	struct rtag *t = e->owner;
	struct rhost *h = t->h;

	SC_ASSERT(h->out > 0);
	h->out--;
	f->out--;
	if (h->lost) {
		/* Redis gave it back to the queue when the lease was lost */
		free(t);
		fentry_free(e);
	} else {
		e->next = NULL;
		if (h->tail)
			h->tail->next = e;
		else
			h->head = e;
		h->tail = e;
		h->nq++;
		f->queued_mem++;
	}
	host_update(f, h);
}

static int redis_ready(const struct frontier *fr, int shard)
{
	const struct fredis *f = (const struct fredis *)fr;

	return f->conn.ctx && f->ring[shard] != NULL;
}

static uint64_t redis_demand(const struct frontier *fr, int shard)
{
	const struct fredis *f = (const struct fredis *)fr;

	return f->demand[shard];
}

static void redis_counts(const struct frontier *fr, struct frontier_counts *c)
{
	const struct fredis *f = (const struct fredis *)fr;
	uint64_t left = (uint64_t)(f->g[G_QUEUED] + f->g[G_OUT] + f->g[G_LEASES]);

	memset(c, 0, sizeof(*c));
	left += f->nadm + f->nack + f->queued_mem;
	/* not over before the crawl is known to have begun: a node that
	 * joins before the first one sent its seeds waits for them */
	if (!f->synced || !f->conn.ctx || (!f->g[G_ADMITTED] && !f->offered_any))
		left++;
	c->queued = left;
	c->queued_mem = f->queued_mem;
	c->out = f->out;
	c->seen = (uint64_t)f->g[G_ADMITTED];
	c->hosts_mem = f->hcount;
	c->seen_bytes = seen_bytes(&f->offered);
	c->crawl_nodes = (uint64_t)f->g[G_NODES];
	c->crawl_done = (uint64_t)f->g[G_DONE];
	c->crawl_leases = (uint64_t)f->g[G_LEASES];
	c->offline = !f->conn.ctx;
}

static double redis_rate(const struct frontier *fr, double crawl_rate)
{
	const struct fredis *f = (const struct fredis *)fr;

	if (crawl_rate <= 0)
		return 0;
	/* no share (yet): as good as paused, but still a rate */
	return f->g[G_SHARE] > 0 ? (double)f->g[G_SHARE] / 1000.0 : 0.001;
}

/* sync: one pipelined round trip */

/* What RL_WORK should do with held host h now: 0 nothing, else the op. */
static char host_op(const struct fredis *f, const struct rhost *h, int renew, int leaving)
{
	if (h->lost)
		return 0;
	if (leaving)
		return 'e';
	if (!h->nq && !h->out && !h->unacked)
		return 'x';
	if (h->remote && h->nq < f->window / 2)
		return 'f';
	return renew ? 'r' : 0;
}

static void apply_host(struct fredis *f, const redisReply *r)
{
	const char *st;
	struct rhost *h;
	size_t i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len > SC_HOST_MAX + 16)
		return;
	st = r->element[1]->str;
	h = host_find(f, r->element[0]->str, seen_hash(r->element[0]->str, r->element[0]->len));
	if (strcmp(st, "gone") == 0 || strcmp(st, "lost") == 0) {
		if (!h)
			return;
		if (st[0] == 'l')
			log_warn("redis: the lease of '%s' expired; another node takes it", h->key);
		h->lost = 1;
		drop_queued(f, h);
		host_update(f, h);
		return;
	}
	if (r->elements < 3 || r->element[2]->type != REDIS_REPLY_INTEGER)
		return;
	if (!h)
		h = host_new(f, r->element[0]->str);
	h->lost = 0;
	h->remote = (uint64_t)(r->element[2]->integer > 0 ? r->element[2]->integer : 0);
	for (i = 3; i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i + 1]->type == REDIS_REPLY_STRING)
			take_entry(f, h, r->element[i]->str, r->element[i + 1]->str,
				   r->element[i + 1]->len);
	host_update(f, h);
}

static int apply_work(struct fredis *f, const redisReply *r)
{
	const redisReply *c, *hs;
	size_t i;

	if (r->type == REDIS_REPLY_ERROR) {
		log_error("redis work: %.200s", r->str);
		return SC_EIO;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 9 ||
	    r->element[1]->type != REDIS_REPLY_ARRAY)
		return SC_EPROTO;
	c = r->element[0];
	for (i = 0; i < 9; i++)
		f->g[i] = c->element[i]->type == REDIS_REPLY_INTEGER ? c->element[i]->integer : 0;
	hs = r->element[1];
	for (i = 0; i < hs->elements; i++)
		apply_host(f, hs->element[i]);
	f->more_ready = f->g[G_NEXT] == 0;
	f->synced = 1;
	return 0;
}

/* Queue the RL_WORK call: K new hosts at most. */
static void send_work(struct fredis *f, int renew, int leaving, uint64_t now, int k)
{
	struct rconn_args a = { NULL, NULL, 0, 0 };
	struct buf s;
	size_t i;
	char num[7][32];

	buf_init(&s, 64u << 20);
	snprintf(num[0], 32, "%llu", (unsigned long long)f->lease_ms);
	snprintf(num[1], 32, "%llu", (unsigned long long)f->lease_ms * NODE_TTL_FACTOR);
	snprintf(num[2], 32, "%.6f", f->crawl_rate);
	snprintf(num[3], 32, "%d", f->hcount > 0 || f->more_ready);
	snprintf(num[4], 32, "%d", k);
	snprintf(num[5], 32, "%u", f->window);
	snprintf(num[6], 32, "pages=%llu hosts=%zu", (unsigned long long)f->pages, f->hcount);
	rconn_args_add(&a, f->prefix, strlen(f->prefix));
	rconn_args_add(&a, f->node, strlen(f->node));
	for (i = 0; i < 7; i++)
		rconn_args_add(&a, num[i], strlen(num[i]));
	/* the held hosts' ops: their strings first, pointers once s is built */
	for (i = 0; i <= f->hmask; i++) {
		struct rhost *h;
		for (h = f->htab[i]; h; h = h->hnext) {
			char op = host_op(f, h, renew, leaving);
			uint64_t since = now - h->last_ms, delay;

			if (!op)
				continue;
			/* plus a twentieth: the next node's first request must not
			 * come early by the jitter of two clocks and two loops */
			delay = h->gap_ms > since ? h->gap_ms - since + h->gap_ms / 20 : 0;
			SC_ASSERT(buf_append(&s, h->key, strlen(h->key) + 1) == 0 &&
				  buf_printf(&s, "%c", op) == 0 && buf_putc(&s, '\0') == 0 &&
				  buf_printf(&s, "%u", f->window - (h->nq < f->window ? h->nq : f->window)) == 0 &&
				  buf_putc(&s, '\0') == 0 &&
				  buf_printf(&s, "%llu", (unsigned long long)delay) == 0 &&
				  buf_putc(&s, '\0') == 0);
		}
	}
	{
		const char *p = s.data, *end = s.data + s.len;
		while (p < end) {
			size_t n = strlen(p);
			rconn_args_add(&a, p, n);
			p += n + 1;
		}
	}
	rconn_append_eval(&f->conn, RL_WORK, a.n, a.v, a.len);
	rconn_args_release(&a);
	buf_release(&s);
}

/* Whether any held host has an op due (other than a renewal). */
static int ops_due(const struct fredis *f)
{
	size_t i;

	for (i = 0; i <= f->hmask; i++) {
		const struct rhost *h;
		for (h = f->htab[i]; h; h = h->hnext)
			if (host_op(f, h, 0, 0))
				return 1;
	}
	return 0;
}

/*
 * New hosts to ask for: while the held ones, at --per-host each, cannot
 * fill -c.  Counting a held host as its --per-host (not as the URLs it has
 * now) keeps the first node up from leasing every host of a crawl whose
 * hosts start with one URL each: the hosts spread over the nodes.
 */
static int hosts_wanted(const struct fredis *f)
{
	uint64_t have = (uint64_t)f->hcount * f->per_host, need;

	if (have >= f->concurrency)
		return 0;
	need = (f->concurrency - have + f->per_host - 1) / f->per_host;
	return need > TAKE_HOSTS_MAX ? TAKE_HOSTS_MAX : (int)need;
}

static void sync_now(struct fredis *f, int flushed, int leaving, uint64_t now)
{
	int renew = leaving || !f->synced || now - f->last_renew >= f->lease_ms / 3;
	int na, nk, k = leaving ? 0 : hosts_wanted(f);
	redisReply *r;

	f->last_sync = now;
	na = rconn_append_batches(&f->conn, RL_ADMIT, f->prefix, &f->adm, f->nadm, 5, ADMIT_BATCH);
	nk = flushed ? rconn_append_batches(&f->conn, RL_ACK, f->prefix, &f->ack, f->nack, 2, ACK_BATCH) : 0;
	send_work(f, renew, leaving, now, k);
	if (rconn_read_ok(&f->conn, na, "admit") == 0) {
		buf_reset(&f->adm);
		f->nadm = 0;
	}
	if (nk && rconn_read_ok(&f->conn, nk, "ack") == 0) {
		size_t i;
		struct rhost *h, *next;

		buf_reset(&f->ack);
		f->nack = 0;
		for (i = 0; i <= f->hmask; i++)
			for (h = f->htab[i]; h; h = next) {
				next = h->hnext;
				h->unacked = 0;
				if (h->lost)
					host_update(f, h);      /* may free it */
			}
	}
	if (!(r = rconn_reply(&f->conn)))
		return;
	if (apply_work(f, r) == 0) {
		if (renew)
			f->last_renew = now;
	} else {
		rconn_drop(&f->conn, "unexpected reply to the work script");
	}
	freeReplyObject(r);
}

static void redis_sync(struct frontier *fr, int flushed)
{
	struct fredis *f = (struct fredis *)fr;
	uint64_t now = now_ms();
	int busy;

	if (!rconn_ready(&f->conn, now))
		return;
	busy = f->nadm || (flushed && f->nack) || ops_due(f) ||
	       (hosts_wanted(f) && f->more_ready);
	/* pages just flushed are acknowledged at once: until then a node
	 * that dies leaves them to be done again by another */
	if (f->synced && !(flushed && f->nack) &&
	    now - f->last_sync < (busy ? SYNC_BUSY_MS : SYNC_IDLE_MS) &&
	    now - f->last_renew < f->lease_ms / 3)
		return;
	sync_now(f, flushed, 0, now);
}

static void redis_release(struct frontier *fr)
{
	struct fredis *f = (struct fredis *)fr;
	size_t i;

	/* the output files are closed: everything done may be acknowledged;
	 * the leases held end now, for the others to take over */
	if (f->conn.ctx) {
		char key[SC_HOST_MAX + 32];
		const char *argv[3] = { "ZREM", key, f->node };
		size_t len[3];
		redisReply *r;

		sync_now(f, 1, 1, now_ms());
		snprintf(key, sizeof(key), "%snodes", f->prefix);
		len[0] = 4;
		len[1] = strlen(key);
		len[2] = strlen(f->node);
		if ((r = rconn_command(&f->conn, 3, argv, len)))
			freeReplyObject(r);
		argv[0] = "HDEL";
		snprintf(key, sizeof(key), "%srshare", f->prefix);
		len[1] = strlen(key);
		if ((r = rconn_command(&f->conn, 3, argv, len)))
			freeReplyObject(r);
	}
	if (f->nadm)
		log_warn("redis: %zu URLs found could not be sent to Redis", f->nadm);
	for (i = 0; i <= f->hmask; i++) {
		struct rhost *h = f->htab[i], *next;
		for (; h; h = next) {
			next = h->hnext;
			drop_queued(f, h);
			free(h);
		}
	}
	rconn_release(&f->conn);
	seen_release(&f->offered);
	buf_release(&f->adm);
	buf_release(&f->ack);
	free(f->htab);
	free(f->ring);
	free(f->demand);
	free(f);
}

static const struct frontier_ops redis_ops = {
	.name = "redis",
	.admit = redis_admit,
	.mark_seen = redis_mark_seen,
	.next = redis_next,
	.done = redis_done,
	.requeue = redis_requeue,
	.ready = redis_ready,
	.demand = redis_demand,
	.counts = redis_counts,
	.sync = redis_sync,
	.rate = redis_rate,
	.release = redis_release,
};

struct frontier *frontier_redis_new(const struct frontier_redis_opts *o,
				    char *err, size_t n)
{
	struct fredis *f;

	if (o->nshards < 1 || o->nshards > SC_MAX_SHARDS || !o->host_window ||
	    !o->url || !o->crawl || !o->node || !o->lease_ms) {
		snprintf(err, n, "bad frontier options");
		errno = EINVAL;
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	if (rconn_parse_url(&f->conn, o->url, err, n)) {
		free(f);
		return NULL;
	}
	if (rconn_connect(&f->conn)) {
		snprintf(err, n, "cannot reach Redis at %s: %s", o->url, f->conn.err);
		free(f);
		return NULL;
	}
	f->pub.ops = &redis_ops;
	f->pub.nshards = o->nshards;
	snprintf(f->prefix, sizeof(f->prefix), "sc:%s:", o->crawl);
	snprintf(f->node, sizeof(f->node), "%s", o->node);
	f->hmask = 63;
	f->htab = xcalloc(f->hmask + 1, sizeof(*f->htab));
	f->ring = xcalloc((size_t)o->nshards, sizeof(*f->ring));
	f->demand = xcalloc((size_t)o->nshards, sizeof(*f->demand));
	f->per_host = o->per_host ? o->per_host : 1;
	f->window = o->host_window;
	f->concurrency = o->concurrency ? o->concurrency : 1;
	f->lease_ms = o->lease_ms;
	f->crawl_rate = o->rate;
	seen_init(&f->offered, 1 << 12);
	buf_init(&f->adm, 256u << 20);
	buf_init(&f->ack, 64u << 20);
	return &f->pub;
}
