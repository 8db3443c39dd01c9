/*
 * frontier.h - URLs admitted to the crawl and not yet handed to a shard.
 *
 * The frontier keeps one FIFO queue per host key, and for each shard a ring
 * of the hosts it owns that have queued URLs and room in their host window.
 * frontier_pop() takes from the ring in turn, so the URLs a shard holds are
 * spread over its hosts: a host that is slow or made to wait by politeness
 * holds at most host_window of the shard's credits, never all of them.
 *
 * Entries carry their referrer as a shared, reference-counted string, since
 * all the links of one page share it.
 *
 * Ownership: frontier_push() copies the URL; frontier_pop() hands the entry
 * to the caller, who gives it back with fentry_free() once it reached a
 * final state (or frontier_requeue() to queue it again).
 */
#ifndef SC_FRONTIER_H
#define SC_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

struct rstr {
	uint32_t refs;
	char s[];
};

/* A new shared string with one reference; rstr_put(NULL) is a no-op. */
struct rstr *rstr_new(const char *s);
struct rstr *rstr_get(struct rstr *r);
void rstr_put(struct rstr *r);

struct fhost;

struct fentry {
	struct fentry *next;
	struct fhost *host;
	struct rstr *referrer;  /* NULL for seeds */
	uint32_t depth;
	uint32_t redirects;     /* redirect hops that led here */
	char url[];
};

struct fhost {
	struct fhost *hnext;    /* hash chain */
	struct fhost *rnext, *rprev; /* the shard's ring, when in_ring */
	struct fentry *head, *tail;
	uint32_t queued;
	uint32_t outstanding;   /* handed to the shard, not reported back */
	uint64_t admitted;      /* URLs admitted for it (with --host-quota) */
	int shard;
	int in_ring;
	char key[];
};

struct frontier {
	struct fhost **htab;
	size_t hmask, hcount;
	struct fhost **ring;    /* per shard: the next host to take from */
	int nshards;
	uint32_t host_window;
	uint64_t queued;        /* entries in all queues */
};

void frontier_init(struct frontier *f, int nshards, uint32_t host_window);
void frontier_release(struct frontier *f);

/* The shard that owns a host key. */
int frontier_shard_of(const struct frontier *f, const char *key);

/* URLs counted for host key so far; frontier_count() adds one. */
uint64_t frontier_admitted(struct frontier *f, const char *key);
void frontier_count(struct frontier *f, const char *key);

/* Queue a URL under host key; referrer gains a reference. */
void frontier_push(struct frontier *f, const char *url, const char *key,
		   uint32_t depth, uint32_t redirects, struct rstr *referrer);
/* Queue an entry popped earlier again (a shard died holding it). */
void frontier_requeue(struct frontier *f, struct fentry *e);
/* The next entry for a shard, or NULL; counts it as outstanding. */
struct fentry *frontier_pop(struct frontier *f, int shard);
/* The entry's host got its result back: one outstanding less. */
void frontier_done(struct frontier *f, struct fentry *e);
void fentry_free(struct fentry *e);

#endif
