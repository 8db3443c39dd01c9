/*
 * frontier_local.c - the local frontier backend: the seen set, per-host
 * queues and the shards' rings in this process, within a memory budget,
 * and what does not fit in LZ4 blocks on disk (crawler/spill.h).
 *
 * In memory.  A host has a struct lhost only while it has entries queued in
 * memory, entries out, or an overflow queue on disk: a million hosts whose
 * URLs all wait on disk cost nothing here.  Each shard has a ring of its
 * hosts with entries in memory and fewer than host_window out; next() takes
 * the ring's head and moves the head on, so a shard's hosts take turns.
 * mem_bytes counts, as malloc chunks, the entries queued in memory,
 * the host structs with their keys and overflow queue structs, the host
 * hash table, and the spill's tails.  Not counted: entries out in shards
 * (the shards' credit windows bound them), referrer strings (shared by all
 * the links of a page, and held by the caller too), the seen set and the
 * quota table (seen_bytes), the spill's fixed scratch, and its block lists
 * (24 bytes a block on disk: they follow the disk, and counting them would
 * turn a long spill into a budget that holds no entry at all).
 *
 * On disk.  One global "cold" queue, and an overflow queue per "hot" host.
 * A URL is admitted
 *
 *   1. to cold if cold is not empty;
 *   2. else to the host's overflow queue if it has one;
 *   3. else to memory if it fits in the budget (or memory holds no entry);
 *   4. else, if the host is over its share (below), to a new overflow
 *      queue of its own: the host turns hot;
 *   5. else to cold.
 *
 * Read back (work(), run at the start of next() and the end of done(),
 * at most WORK_BLOCKS blocks a call).  When mem_bytes falls under the low
 * watermark (budget / 2) with cold not empty, a read phase begins and lasts
 * until mem_bytes reaches the budget or cold is empty: the head block of
 * cold is read and each entry goes to its host's overflow queue if it has
 * one, to a new overflow queue if the host is over its share, else to the
 * host's memory queue (the host struct made if needed).  A hot host whose
 * memory queue falls under half its share joins the refill list; a refill
 * moves its overflow's head block to memory, and it stays on the list until
 * it is over its share again or its overflow is empty (the overflow queue
 * is then freed: the host is no longer hot).  While cold is not empty,
 * refills happen in read phases only, taking turns block by block with
 * cold: otherwise hot hosts, topping themselves up, could keep memory above
 * the low watermark and the hosts that wait in cold would starve.  When no
 * entry is left in memory, the work goes on past WORK_BLOCKS and past the
 * budget until one is (the loop must always have something to hand out
 * while anything is queued).
 *
 * Share.  S = room / (hosts in memory, plus one for cold if not empty),
 * room = the budget less what memory holds besides queued entries.  A host
 * is over its share when it holds at least 4 x host_window entries (so a
 * hot host always has a few windows' worth between refills) and at least
 * S bytes with the entry at hand; under half its share when it holds fewer
 * than 2 x host_window entries or fewer than S / 2 bytes.  A lone host has
 * the whole room (and cold counts as a host, so a hot host cannot keep the
 * hosts in cold out of memory).  An entry is written to disk at most twice
 * (cold, then overflow): a big host costs O(its URLs) on disk, never a
 * rewrite of the spill.
 *
 * Why per-host order holds.  For every host H, the queued entries of H are,
 * oldest first: H's memory queue, then H's overflow queue, then H's entries
 * in cold, in cold's order.  Admission keeps this: with cold not empty the
 * new entry goes to the end of cold, the last part; with cold empty, H has
 * nothing in cold, so the overflow queue (if any) is the last part; with
 * neither, memory is the only part.  Reading cold takes H's oldest entry in
 * cold and puts it at the end of H's overflow queue if H has one, else at
 * the end of memory (H had no overflow: memory was the last part before
 * cold), and a new overflow queue starts empty after memory.  A refill
 * moves the oldest overflow entries to the end of memory.  An empty
 * overflow queue can be dropped, and a host struct with nothing queued can
 * be freed, without breaking it.  The one exception is requeue(), which
 * puts the entry at the end of memory, ahead of H's entries on disk: a
 * shard died, and those URLs are few.
 */
#include "crawler/frontier.h"
#include "crawler/ring.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/seen.h"
#include "crawler/spill.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WORK_BLOCKS 4           /* blocks read a call, unless starving */

struct lhost {
	struct lhost *hnext;            /* hash chain */
	struct ring_link link;          /* in its shard's ring (crawler/ring.h) */
	struct lhost *fnext;            /* the refill list, when in_refill */
	struct fentry *head, *tail;     /* queued in memory */
	struct spillq *ovf;             /* the overflow queue, when hot */
	uint64_t hash;                  /* seen_hash() of the key */
	uint64_t bytes;                 /* entry bytes queued in memory */
	uint32_t nmem;                  /* entries queued in memory */
	uint32_t out;                   /* entries out in the shard */
	uint32_t demand;                /* what it adds to its shard's demand */
	int shard;
	uint8_t in_refill;
	char key[];
};

/* host-quota counts: key fingerprint -> URLs admitted, kept for the crawl */
struct qslot {
	uint64_t fp;                    /* 0: empty */
	uint64_t n;
};

struct flocal {
	struct frontier pub;            /* first: the ops get it back by a cast */
	struct seen seen;
	struct qslot *quota;
	size_t qmask, qcount;
	struct lhost **htab;
	size_t hmask, hcount;
	struct ring_link **ring;            /* per shard */
	uint64_t *demand;               /* per shard */
	struct lhost *refill_head, *refill_tail;
	struct lhost *refilling;        /* the host spillq_pop() fills */
	struct spill sp;
	struct spillq cold;
	uint32_t per_host, window;
	uint64_t budget, low;
	uint64_t qbytes;                /* entries, hosts, table in memory */
	uint64_t entry_bytes;           /* of which queued entries */
	uint64_t queued_mem, ovf_queued, out;
	int reading;                    /* a read phase is on */
	int cold_turn;                  /* cold reads next in a read phase */
	int err;                        /* for the next next() */
	int werr;                       /* a write failed in a pop callback */
};

/* What malloc takes for n bytes: glibc's chunk (8 bytes of header, 16-byte
 * steps, 32 at least), so that the budget is what the process holds. */
static uint64_t chunk(uint64_t n)
{
	n = (n + 8 + 15) & ~(uint64_t)15;
	return n < 32 ? 32 : n;
}

static uint64_t entry_cost(size_t url_len)
{
	return chunk(sizeof(struct fentry) + url_len + 1);
}

static uint64_t host_cost(size_t key_len)
{
	return chunk(sizeof(struct lhost) + key_len + 1);
}

static uint64_t mem(const struct flocal *f)
{
	return f->qbytes + f->sp.mem;
}

static uint64_t share(const struct flocal *f)
{
	uint64_t other = mem(f) - f->entry_bytes;
	uint64_t room = f->budget > other ? f->budget - other : 0;
	uint64_t n = f->hcount + (f->cold.count ? 1 : 0);

	return room / (n ? n : 1);
}

static int over_share(const struct flocal *f, const struct lhost *h,
		      uint64_t add)
{
	return h->nmem >= 4 * (uint64_t)f->window && h->bytes + add >= share(f);
}

static int under_half(const struct flocal *f, const struct lhost *h)
{
	return h->nmem < 2 * (uint64_t)f->window || h->bytes < share(f) / 2;
}

/* quota table */

static struct qslot *quota_slot(struct qslot *t, size_t mask, uint64_t fp)
{
	size_t i = (size_t)fp & mask;

	while (t[i].fp && t[i].fp != fp)
		i = (i + 1) & mask;
	return &t[i];
}

static uint64_t quota_get(const struct flocal *f, uint64_t fp)
{
	return f->quota ? quota_slot(f->quota, f->qmask, fp)->n : 0;
}

static void quota_inc(struct flocal *f, uint64_t fp)
{
	struct qslot *s;
	size_t i;

	if (!f->quota) {
		f->qmask = 1023;
		f->quota = xcalloc(f->qmask + 1, sizeof(*f->quota));
	}
	s = quota_slot(f->quota, f->qmask, fp);
	if (!s->fp) {
		s->fp = fp;
		if (++f->qcount > (f->qmask + 1) / 8 * 7) {
			size_t n = (f->qmask + 1) * 2;
			struct qslot *t = xcalloc(n, sizeof(*t));

			for (i = 0; i <= f->qmask; i++)
				if (f->quota[i].fp)
					*quota_slot(t, n - 1, f->quota[i].fp) = f->quota[i];
			free(f->quota);
			f->quota = t;
			f->qmask = n - 1;
			s = quota_slot(t, n - 1, fp);
		}
	}
	s->n++;
}

/* hosts */

static struct lhost *host_find(const struct flocal *f, const char *key,
			       uint64_t hash)
{
	struct lhost *h;

	for (h = f->htab[hash & f->hmask]; h; h = h->hnext)
		if (h->hash == hash && strcmp(h->key, key) == 0)
			return h;
	return NULL;
}

static void htab_grow(struct flocal *f)
{
	size_t n = (f->hmask + 1) * 2, i;
	struct lhost **t = xcalloc(n, sizeof(*t));

	for (i = 0; i <= f->hmask; i++) {
		struct lhost *h = f->htab[i], *next;
		for (; h; h = next) {
			next = h->hnext;
			h->hnext = t[h->hash & (n - 1)];
			t[h->hash & (n - 1)] = h;
		}
	}
	free(f->htab);
	f->qbytes += (n - (f->hmask + 1)) * sizeof(*t);
	f->htab = t;
	f->hmask = n - 1;
}

static struct lhost *host_new(struct flocal *f, const char *key, uint64_t hash)
{
	size_t n = strlen(key);
	struct lhost *h = xcalloc(1, sizeof(*h) + n + 1);

	memcpy(h->key, key, n + 1);
	h->hash = hash;
	h->shard = (int)(hash % (uint64_t)f->pub.nshards);
	h->hnext = f->htab[hash & f->hmask];
	f->htab[hash & f->hmask] = h;
	f->qbytes += host_cost(n);
	if (++f->hcount > f->hmask)
		htab_grow(f);
	return h;
}

static void host_free(struct flocal *f, struct lhost *h)
{
	struct lhost **p = &f->htab[h->hash & f->hmask];

	while (*p != h)
		p = &(*p)->hnext;
	*p = h->hnext;
	f->hcount--;
	f->qbytes -= host_cost(strlen(h->key));
	free(h);
}

/*
 * The one place a host's state follows from its counts: its place in the
 * ring, its part of the shard's demand, and its life (a host with nothing
 * queued, out or on its own disk queue is freed: h is gone then).
 */
static void host_update(struct flocal *f, struct lhost *h)
{
	int want = h->nmem > 0 && h->out < f->window;
	uint64_t d = h->nmem + (h->ovf ? h->ovf->count : 0) + h->out;

	ring_set(&f->ring[h->shard], &h->link, want);
	if (d > f->per_host)
		d = f->per_host;
	f->demand[h->shard] += d - h->demand;
	h->demand = (uint32_t)d;
	if (!h->nmem && !h->out && !h->ovf) {
		SC_ASSERT(!h->in_refill);
		host_free(f, h);
	}
}

static void mem_append(struct flocal *f, struct lhost *h, struct fentry *e)
{
	uint64_t c = entry_cost(strlen(e->url));

	e->next = NULL;
	e->owner = NULL;
	if (h->tail)
		h->tail->next = e;
	else
		h->head = e;
	h->tail = e;
	h->nmem++;
	h->bytes += c;
	f->qbytes += c;
	f->entry_bytes += c;
	f->queued_mem++;
}

static struct fentry *mem_pop(struct flocal *f, struct lhost *h)
{
	struct fentry *e = h->head;
	uint64_t c = entry_cost(strlen(e->url));

	h->head = e->next;
	if (!h->head)
		h->tail = NULL;
	e->next = NULL;
	h->nmem--;
	h->bytes -= c;
	f->qbytes -= c;
	f->entry_bytes -= c;
	f->queued_mem--;
	return e;
}

static void make_hot(struct flocal *f, struct lhost *h)
{
	h->ovf = xmalloc(sizeof(*h->ovf));
	spillq_init(h->ovf);
	f->qbytes += chunk(sizeof(*h->ovf));
}

static void drop_ovf(struct flocal *f, struct lhost *h)
{
	spillq_release(&f->sp, h->ovf);
	free(h->ovf);
	h->ovf = NULL;
	f->qbytes -= chunk(sizeof(*h->ovf));
}

static void refill_add(struct flocal *f, struct lhost *h)
{
	if (h->in_refill)
		return;
	h->fnext = NULL;
	if (f->refill_tail)
		f->refill_tail->fnext = h;
	else
		f->refill_head = h;
	f->refill_tail = h;
	h->in_refill = 1;
}

static struct lhost *refill_take(struct flocal *f)
{
	struct lhost *h = f->refill_head;

	f->refill_head = h->fnext;
	if (!f->refill_head)
		f->refill_tail = NULL;
	h->fnext = NULL;
	h->in_refill = 0;
	return h;
}

/* After a push: write the tail out if it is due, or if the tails (more
 * than a block of them: hot hosts' tails add up) took memory a block past
 * the budget. */
static int after_push(struct flocal *f, struct spillq *q)
{
	if (spillq_full(&f->sp, q) ||
	    (mem(f) > f->budget + f->sp.block_max && f->sp.mem > f->sp.block_max))
		return spillq_flush(&f->sp, q);
	return 0;
}

static void ovf_push(struct flocal *f, struct lhost *h, const char *url,
		     uint32_t depth, uint32_t redirects, const struct rstr *ref)
{
	spillq_push(&f->sp, h->ovf, url, depth, redirects, ref ? ref->s : NULL,
		    NULL);
	f->ovf_queued++;
	if (after_push(f, h->ovf) && !f->werr)
		f->werr = SC_EIO;
}

/* spillq_pop() callback for cold: place one entry read back. */
static void place_cold(void *arg, struct fentry *e, const char *key)
{
	struct flocal *f = arg;
	uint64_t hash, c = entry_cost(strlen(e->url));
	struct lhost *h;

	if (!key) {             /* checksummed but not ours: a broken disk */
		fentry_free(e);
		f->werr = SC_EIO;
		return;
	}
	hash = seen_hash(key, strlen(key));
	h = host_find(f, key, hash);
	if (h && !h->ovf && over_share(f, h, c))
		make_hot(f, h);
	if (h && h->ovf) {
		ovf_push(f, h, e->url, e->depth, e->redirects, e->referrer);
		fentry_free(e);
	} else {
		if (!h)
			h = host_new(f, key, hash);
		mem_append(f, h, e);
	}
	host_update(f, h);
}

/* spillq_pop() callback for a refill. */
static void place_refill(void *arg, struct fentry *e, const char *key)
{
	struct flocal *f = arg;

	(void)key;
	mem_append(f, f->refilling, e);
}

static int cold_one(struct flocal *f)
{
	return spillq_pop(&f->sp, &f->cold, place_cold, f);
}

static int refill_one(struct flocal *f)
{
	struct lhost *h = refill_take(f);
	uint64_t before = h->ovf->count;
	int r;

	f->refilling = h;
	r = spillq_pop(&f->sp, h->ovf, place_refill, f);
	f->refilling = NULL;
	if (r < 0) {
		/* back at the head, as it was */
		h->fnext = f->refill_head;
		f->refill_head = h;
		if (!f->refill_tail)
			f->refill_tail = h;
		h->in_refill = 1;
		return r;
	}
	f->ovf_queued -= before - h->ovf->count;
	if (!h->ovf->count)
		drop_ovf(f, h);
	else if (!over_share(f, h, 0))
		refill_add(f, h);
	host_update(f, h);
	return 0;
}

/* Read back and refill, a few blocks at a time (see the top of the file). */
static int work(struct flocal *f)
{
	int blocks = 0, r = 0;

	if (f->cold.count && mem(f) < f->low)
		f->reading = 1;
	for (;;) {
		int starving = !f->queued_mem && (f->cold.count || f->refill_head);
		int room = starving || mem(f) < f->budget;
		int can_cold, can_refill;

		if (starving && f->cold.count)
			f->reading = 1;
		can_cold = f->cold.count && f->reading && room;
		can_refill = f->refill_head && room &&
			     (!f->cold.count || f->reading);
		if ((!can_cold && !can_refill) ||
		    (blocks >= WORK_BLOCKS && !starving))
			break;
		if (can_cold && (f->cold_turn || !can_refill)) {
			r = cold_one(f);
			f->cold_turn = 0;
		} else {
			r = refill_one(f);
			f->cold_turn = 1;
		}
		if (!r && f->werr)
			r = f->werr;
		f->werr = 0;
		if (r < 0)
			break;
		blocks++;
	}
	if (!f->cold.count || mem(f) >= f->budget)
		f->reading = 0;
	return r;
}

static int local_admit(struct frontier *fr, const char *url, const char *key,
		       uint32_t depth, uint32_t redirects, struct rstr *referrer,
		       uint64_t quota)
{
	struct flocal *f = (struct flocal *)fr;
	size_t ul = strlen(url), kl = strlen(key);
	uint64_t fp = seen_hash(url, ul), hash = seen_hash(key, kl);
	uint64_t c = entry_cost(ul);
	struct spillq *q;
	struct lhost *h;
	int r;

	if (ul > SC_URL_MAX || kl > SPILL_KEY_MAX ||
	    (referrer && strlen(referrer->s) > SC_URL_MAX))
		return SC_ETOOBIG;
	if (quota) {
		if (seen_has(&f->seen, fp)) {
			if (quota == FRONTIER_QUOTA_REPLAY)
				quota_inc(f, hash);     /* done in an earlier run */
			return FRONTIER_SEEN;
		}
		if (quota_get(f, hash) >= quota)
			return FRONTIER_QUOTA;
	}
	if (!seen_add(&f->seen, fp))
		return FRONTIER_SEEN;
	h = host_find(f, key, hash);
	if (f->cold.count) {
		q = &f->cold;
	} else if (h && h->ovf) {
		q = h->ovf;
	} else if (mem(f) + c + (h ? 0 : host_cost(kl)) <= f->budget ||
		   !f->queued_mem) {
		q = NULL;
	} else if (h && over_share(f, h, c)) {
		make_hot(f, h);
		q = h->ovf;
	} else {
		q = &f->cold;
	}
	/* a tail still due from a failed write: no room until it is out */
	if (q && spillq_full(&f->sp, q) && (r = spillq_flush(&f->sp, q)) < 0)
		return r;
	if (quota)
		quota_inc(f, hash);
	if (!q) {
		if (!h)
			h = host_new(f, key, hash);
		mem_append(f, h, fentry_new(url, depth, redirects, referrer));
		host_update(f, h);
		return FRONTIER_QUEUED;
	}
	spillq_push(&f->sp, q, url, depth, redirects,
		    referrer ? referrer->s : NULL, q == &f->cold ? key : NULL);
	if (q != &f->cold) {
		f->ovf_queued++;
		host_update(f, h);
	}
	if (after_push(f, q) && !f->err)
		f->err = SC_EIO;
	return FRONTIER_QUEUED;
}

static int local_mark_seen(struct frontier *fr, const char *url)
{
	struct flocal *f = (struct flocal *)fr;

	return seen_add(&f->seen, seen_hash(url, strlen(url)));
}

static struct fentry *local_next(struct frontier *fr, int shard, int *err)
{
	struct flocal *f = (struct flocal *)fr;
	struct fentry *e;
	struct lhost *h;
	int r;

	SC_ASSERT(shard >= 0 && shard < fr->nshards);
	*err = 0;
	if (f->err) {
		*err = f->err;
		f->err = 0;
		return NULL;
	}
	if ((r = work(f)) < 0) {
		*err = r;
		return NULL;
	}
	if (!f->ring[shard])
		return NULL;
	h = RING_ENTRY(f->ring[shard], struct lhost, link);
	e = mem_pop(f, h);
	e->owner = h;
	h->out++;
	f->out++;
	/* the next turn goes to the next host */
	ring_turn(&f->ring[shard]);
	if (h->ovf && under_half(f, h))
		refill_add(f, h);
	host_update(f, h);
	return e;
}

static void local_done(struct frontier *fr, struct fentry *e)
{
	struct flocal *f = (struct flocal *)fr;
	struct lhost *h = e->owner;
	int r;

	SC_ASSERT(h && h->out > 0);
	h->out--;
	f->out--;
	fentry_free(e);
	host_update(f, h);
	if ((r = work(f)) < 0 && !f->err)
		f->err = r;
}

static void local_requeue(struct frontier *fr, struct fentry *e)
{
	struct flocal *f = (struct flocal *)fr;
	struct lhost *h = e->owner;

	SC_ASSERT(h && h->out > 0);
	h->out--;
	f->out--;
	mem_append(f, h, e);
	host_update(f, h);
}

static int local_ready(const struct frontier *fr, int shard)
{
	const struct flocal *f = (const struct flocal *)fr;

	return f->ring[shard] != NULL;
}

static uint64_t local_demand(const struct frontier *fr, int shard)
{
	const struct flocal *f = (const struct flocal *)fr;

	return f->demand[shard];
}

static void local_counts(const struct frontier *fr, struct frontier_counts *c)
{
	const struct flocal *f = (const struct flocal *)fr;

	memset(c, 0, sizeof(*c));
	c->queued = f->queued_mem + f->ovf_queued + f->cold.count;
	c->queued_mem = f->queued_mem;
	c->out = f->out;
	c->seen = f->seen.count;
	c->hosts_mem = f->hcount;
	c->mem_bytes = mem(f);
	c->seen_bytes = seen_bytes(&f->seen) +
			(f->quota ? (f->qmask + 1) * sizeof(*f->quota) : 0);
	c->spill_bytes = f->sp.disk;
	c->spilled = f->sp.written;
}

static void local_sync(struct frontier *fr, int flushed)
{
	(void)fr;
	(void)flushed;
}

static double local_rate(const struct frontier *fr, double crawl_rate)
{
	(void)fr;
	return crawl_rate;
}

static void local_release(struct frontier *fr)
{
	struct flocal *f = (struct flocal *)fr;
	size_t i;

	for (i = 0; i <= f->hmask; i++) {
		struct lhost *h = f->htab[i], *hn;
		for (; h; h = hn) {
			struct fentry *e = h->head, *en;
			hn = h->hnext;
			for (; e; e = en) {
				en = e->next;
				fentry_free(e);
			}
			if (h->ovf) {
				spillq_release(&f->sp, h->ovf);
				free(h->ovf);
			}
			free(h);
		}
	}
	spillq_release(&f->sp, &f->cold);
	spill_release(&f->sp);
	seen_release(&f->seen);
	free(f->quota);
	free(f->htab);
	free(f->ring);
	free(f->demand);
	free(f);
}

static const struct frontier_ops local_ops = {
	.name = "local",
	.admit = local_admit,
	.mark_seen = local_mark_seen,
	.next = local_next,
	.done = local_done,
	.requeue = local_requeue,
	.ready = local_ready,
	.demand = local_demand,
	.counts = local_counts,
	.sync = local_sync,
	.rate = local_rate,
	.release = local_release,
};

struct frontier *frontier_local_new(const struct frontier_local_opts *o)
{
	struct flocal *f;
	size_t block;

	if (o->nshards < 1 || o->nshards > SC_MAX_SHARDS || !o->host_window ||
	    !o->mem_budget || !o->spill_dir) {
		errno = EINVAL;
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	/* blocks of a sixteenth of the budget: read back overshoots the
	 * budget by one block at most */
	block = o->mem_budget / 16 > SPILL_BLOCK_MAX ? SPILL_BLOCK_MAX :
		(size_t)(o->mem_budget / 16);
	if (spill_init(&f->sp, o->spill_dir, block, SPILL_SEG_MAX)) {
		int e = errno;
		free(f);
		errno = e;
		return NULL;
	}
	f->pub.ops = &local_ops;
	f->pub.nshards = o->nshards;
	seen_init(&f->seen, 1 << 16);
	f->hmask = 63;
	f->htab = xcalloc(f->hmask + 1, sizeof(*f->htab));
	f->qbytes = (f->hmask + 1) * sizeof(*f->htab);
	f->ring = xcalloc((size_t)o->nshards, sizeof(*f->ring));
	f->demand = xcalloc((size_t)o->nshards, sizeof(*f->demand));
	spillq_init(&f->cold);
	f->per_host = o->per_host;
	f->window = o->host_window;
	f->budget = o->mem_budget;
	f->low = o->mem_budget / 2;
	return &f->pub;
}
