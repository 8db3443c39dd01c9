#include "crawler/frontier.h"

#include "common/err.h"
#include "common/seen.h"

#include <stdlib.h>
#include <string.h>

struct rstr *rstr_new(const char *s)
{
	size_t n = strlen(s);
	struct rstr *r = xmalloc(sizeof(*r) + n + 1);

	r->refs = 1;
	memcpy(r->s, s, n + 1);
	return r;
}

struct rstr *rstr_get(struct rstr *r)
{
	if (r)
		r->refs++;
	return r;
}

void rstr_put(struct rstr *r)
{
	if (r && --r->refs == 0)
		free(r);
}

void frontier_init(struct frontier *f, int nshards, uint32_t host_window)
{
	memset(f, 0, sizeof(*f));
	f->hmask = 1023;
	f->htab = xcalloc(f->hmask + 1, sizeof(*f->htab));
	f->ring = xcalloc((size_t)nshards, sizeof(*f->ring));
	f->nshards = nshards;
	f->host_window = host_window;
}

void frontier_release(struct frontier *f)
{
	size_t i;

	for (i = 0; f->htab && i <= f->hmask; i++) {
		struct fhost *h = f->htab[i], *next;
		for (; h; h = next) {
			struct fentry *e = h->head, *en;
			next = h->hnext;
			for (; e; e = en) {
				en = e->next;
				fentry_free(e);
			}
			free(h);
		}
	}
	free(f->htab);
	free(f->ring);
	memset(f, 0, sizeof(*f));
}

int frontier_shard_of(const struct frontier *f, const char *key)
{
	return (int)(seen_hash(key, strlen(key)) % (uint64_t)f->nshards);
}

static void htab_grow(struct frontier *f)
{
	size_t n = (f->hmask + 1) * 2, i;
	struct fhost **t = xcalloc(n, sizeof(*t));

	for (i = 0; i <= f->hmask; i++) {
		struct fhost *h = f->htab[i], *next;
		for (; h; h = next) {
			size_t j = seen_hash(h->key, strlen(h->key)) & (n - 1);
			next = h->hnext;
			h->hnext = t[j];
			t[j] = h;
		}
	}
	free(f->htab);
	f->htab = t;
	f->hmask = n - 1;
}

static struct fhost *host_get(struct frontier *f, const char *key)
{
	uint64_t hv = seen_hash(key, strlen(key));
	size_t i = hv & f->hmask, n;
	struct fhost *h;

	for (h = f->htab[i]; h; h = h->hnext)
		if (strcmp(h->key, key) == 0)
			return h;
	n = strlen(key);
	h = xcalloc(1, sizeof(*h) + n + 1);
	memcpy(h->key, key, n + 1);
	h->shard = (int)(hv % (uint64_t)f->nshards);
	h->hnext = f->htab[i];
	f->htab[i] = h;
	if (++f->hcount > f->hmask)
		htab_grow(f);
	return h;
}

uint64_t frontier_admitted(struct frontier *f, const char *key)
{
	return host_get(f, key)->admitted;
}

void frontier_count(struct frontier *f, const char *key)
{
	host_get(f, key)->admitted++;
}

static void ring_add(struct frontier *f, struct fhost *h)
{
	struct fhost **head = &f->ring[h->shard];

	if (!*head) {
		h->rnext = h->rprev = h;
		*head = h;
	} else {
		/* insert just before the head: last in turn */
		h->rnext = *head;
		h->rprev = (*head)->rprev;
		h->rprev->rnext = h;
		(*head)->rprev = h;
	}
	h->in_ring = 1;
}

static void ring_del(struct frontier *f, struct fhost *h)
{
	struct fhost **head = &f->ring[h->shard];

	if (h->rnext == h) {
		*head = NULL;
	} else {
		h->rprev->rnext = h->rnext;
		h->rnext->rprev = h->rprev;
		if (*head == h)
			*head = h->rnext;
	}
	h->rnext = h->rprev = NULL;
	h->in_ring = 0;
}

/* The one place a host joins or leaves its shard's ring. */
static void host_update(struct frontier *f, struct fhost *h)
{
	int want = h->queued > 0 && h->outstanding < f->host_window;

	if (want && !h->in_ring)
		ring_add(f, h);
	else if (!want && h->in_ring)
		ring_del(f, h);
}

static void host_append(struct frontier *f, struct fhost *h, struct fentry *e)
{
	e->host = h;
	e->next = NULL;
	if (h->tail)
		h->tail->next = e;
	else
		h->head = e;
	h->tail = e;
	h->queued++;
	f->queued++;
	host_update(f, h);
}

void frontier_push(struct frontier *f, const char *url, const char *key,
		   uint32_t depth, uint32_t redirects, struct rstr *referrer)
{
	size_t n = strlen(url);
	struct fentry *e = xmalloc(sizeof(*e) + n + 1);

	memcpy(e->url, url, n + 1);
	e->depth = depth;
	e->redirects = redirects;
	e->referrer = rstr_get(referrer);
	host_append(f, host_get(f, key), e);
}

void frontier_requeue(struct frontier *f, struct fentry *e)
{
	struct fhost *h = e->host;

	SC_ASSERT(h->outstanding > 0);
	h->outstanding--;
	host_append(f, h, e);
}

struct fentry *frontier_pop(struct frontier *f, int shard)
{
	struct fhost *h = f->ring[shard];
	struct fentry *e;

	if (!h)
		return NULL;
	e = h->head;
	h->head = e->next;
	if (!h->head)
		h->tail = NULL;
	h->queued--;
	f->queued--;
	h->outstanding++;
	/* next turn goes to the next host */
	f->ring[shard] = h->rnext;
	host_update(f, h);
	e->next = NULL;
	return e;
}

void frontier_done(struct frontier *f, struct fentry *e)
{
	struct fhost *h = e->host;

	SC_ASSERT(h->outstanding > 0);
	h->outstanding--;
	host_update(f, h);
}

void fentry_free(struct fentry *e)
{
	if (!e)
		return;
	rstr_put(e->referrer);
	free(e);
}
