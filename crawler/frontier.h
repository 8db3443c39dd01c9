/*
 * frontier.h - the URLs of a crawl: which were seen, which wait, which are
 * out in a shard.  One interface, several backends (curl's vtls shape): the
 * coordinator's loop calls through struct frontier_ops only and never knows
 * which backend it has.
 *
 *   local   crawler/frontier_local.c: the seen set and the queues in this
 *           process, within a memory budget; what is over it waits in LZ4
 *           segments on disk (crawler/spill.h).
 *   redis   crawler/frontier_redis.c: the crawl shared with other nodes
 *           (other shardcrawl processes) through one Redis server; this
 *           node holds the URLs of the hosts it leased.
 *
 * The life of a URL:
 *
 *   admit() --> queued --> next() --> out (in a shard) --> done()
 *                  ^                        |
 *                  +------- requeue() ------+  (the shard died holding it)
 *
 * Every URL is admitted once at most (the backend keeps the seen set); what
 * the loop gets from next() it hands back exactly once, to done() or
 * requeue().  Order: URLs of one host come out in the order they were
 * admitted (a requeued one goes back in line: behind the host's URLs in
 * memory, possibly ahead of some waiting on disk, since a backend need not
 * read the disk to put it back); a shard's next() takes its
 * hosts in turn, and a host has at most host_window URLs out at once, so a
 * slow host never holds all of a shard's credits.
 *
 * Every URL belongs to a host key (lowercase host and port,
 * url_host_key()); the key picks the shard (frontier_shard_of()).
 *
 * Ownership: admit() copies the URL and takes a reference on the referrer;
 * next() hands the entry to the caller, who must not free it: done() and
 * requeue() take it back.  release() frees every entry still queued; entries
 * out in shards at that moment are the caller's to give back first (done())
 * or to free with fentry_free().
 *
 * Failure: admit() and next() may meet a disk error (a spill segment that
 * cannot be written or read back); they return SC_EIO (next: NULL with
 * *err set) and the crawl stops, resumable: the journal, not the spill, is
 * the record of what was admitted.
 */
#ifndef SC_FRONTIER_H
#define SC_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

/* A shared, reference-counted string: all the links of a page share their
 * referrer.  rstr_put(NULL) is a no-op. */
struct rstr {
	uint32_t refs;
	char s[];
};
struct rstr *rstr_new(const char *s);
struct rstr *rstr_get(struct rstr *r);
void rstr_put(struct rstr *r);

struct fentry {
	struct fentry *next;    /* the backend's queue link */
	void *owner;            /* the backend's, while out */
	struct rstr *referrer;  /* NULL for seeds */
	uint32_t depth;
	uint32_t redirects;     /* redirect hops that led here, the requisite
				 * level and the kind: FENTRY_HOPS() */
	uint32_t host_gap_ms;   /* set by the loop before done(): the start-to-
				 * start gap of the URL's host, as its shard
				 * reported it (0: none known) */
	char url[];
};

/*
 * The backends keep an entry's redirects word as they are given it.  The
 * coordinator packs three things in it: the redirect hops that led to the
 * URL (at most --max-redirects, 1000) in the low 16 bits; for a page
 * requisite its level in the next 8 (1: a page's own; L + 1: found in a
 * stylesheet of level L), 0 for a seed or a link; and in the top 8 what
 * kind of URL it is (FENTRY_PAGE, FENTRY_SITEMAP).  One word, so that the
 * spill and resume carry them all without a format of their own (a
 * journal of an earlier version reads as kind 0, a page).
 */
#define FENTRY_HOPS(redirects, level) \
	((uint32_t)(redirects) | (uint32_t)(level) << 16)
#define FENTRY_REDIRECTS(hops)  ((hops) & 0xffffu)
#define FENTRY_LEVEL(hops)      (((hops) >> 16) & 0xffu)
#define FENTRY_KIND_SHIFT 24
#define FENTRY_KIND(hops)       ((hops) >> FENTRY_KIND_SHIFT)
#define FENTRY_PAGE       0u
#define FENTRY_SITEMAP    1u     /* --sitemaps: its entries are its links */
#define FENTRY_WORD(kind, hops) (((uint32_t)(kind) << FENTRY_KIND_SHIFT) | (hops))

/* A new entry, not queued anywhere (referrer gains a reference). */
struct fentry *fentry_new(const char *url, uint32_t depth, uint32_t redirects,
			  struct rstr *referrer);
/* Free an entry and drop its referrer; fentry_free(NULL) is a no-op. */
void fentry_free(struct fentry *e);

/* admit() results (errors are negative, common/err.h) */
enum {
	FRONTIER_QUEUED = 0,    /* new: queued */
	FRONTIER_SEEN   = 1,    /* admitted before (or marked seen): dropped */
	FRONTIER_QUOTA  = 2,    /* its host reached host_quota: dropped */
};

/* admit()'s quota when the URL counts but is never refused (see admit) */
#define FRONTIER_QUOTA_NEVER  (UINT64_MAX - 1)
#define FRONTIER_QUOTA_REPLAY UINT64_MAX

struct frontier_counts {
	uint64_t queued;        /* waiting, in memory and on disk */
	uint64_t queued_mem;    /* of those, in memory */
	uint64_t out;           /* handed to shards, not given back */
	uint64_t seen;          /* URLs in the seen set */
	uint64_t hosts_mem;     /* hosts with a queue in memory */
	uint64_t mem_bytes;     /* what the queues hold in memory (budgeted) */
	uint64_t seen_bytes;    /* what the seen set (and quota counts) hold */
	uint64_t spill_bytes;   /* live bytes in spill segments on disk */
	uint64_t spilled;       /* entries ever written to disk */
	/* a shared crawl's figures, all nodes together (0 for local) */
	uint64_t crawl_nodes;   /* live nodes */
	uint64_t crawl_done;    /* URLs done */
	uint64_t crawl_leases;  /* hosts leased */
	int offline;            /* the shared store is unreachable: paused */
};

struct frontier;

struct frontier_ops {
	const char *name;
	/*
	 * Offer a normalized http(s) URL with its host key.  Returns
	 * FRONTIER_QUEUED, FRONTIER_SEEN, FRONTIER_QUOTA (only when quota is
	 * non-zero: the host had quota URLs admitted already; the URL is not
	 * marked seen; FRONTIER_QUOTA_NEVER counts the URL and never refuses
	 * it, FRONTIER_QUOTA_REPLAY also counts a URL seen already: the
	 * journal's URLs on --resume, done ones included), SC_ETOOBIG (url or referrer over SC_URL_MAX, or key
	 * over SC_HOST_MAX + 16 bytes: nothing changed), or SC_EIO (nothing
	 * changed but the seen set).
	 */
	int (*admit)(struct frontier *f, const char *url, const char *key,
		     uint32_t depth, uint32_t redirects, struct rstr *referrer,
		     uint64_t quota);
	/* Mark a URL seen without queueing it (it reached a final state in an
	 * earlier run, or outside the queues).  1 if it was new, else 0. */
	int (*mark_seen)(struct frontier *f, const char *url);
	/* The next entry for a shard, or NULL (none ready, or *err < 0). */
	struct fentry *(*next)(struct frontier *f, int shard, int *err);
	/* An entry from next() reached a final state: the backend frees it. */
	void (*done)(struct frontier *f, struct fentry *e);
	/* An entry from next() goes back to its host's queue (at the end of
	 * what it holds in memory: see Order above). */
	void (*requeue)(struct frontier *f, struct fentry *e);
	/* Would next(shard) give an entry now?  Cheap: called every loop. */
	int (*ready)(const struct frontier *f, int shard);
	/*
	 * Transfer slots the shard's hosts could use now: the sum over its
	 * hosts with URLs queued or out of min(per_host, queued + out).  The
	 * loop splits -c over the shards in proportion to it.
	 */
	uint64_t (*demand)(const struct frontier *f, int shard);
	/*
	 * For a shared crawl: counts.queued is the crawl's work not yet done
	 * anywhere (queued, out at any node, hosts still leased, and what this
	 * node has not sent yet), so the loop's "nothing queued, nothing in
	 * flight" means the whole crawl is over.
	 */
	void (*counts)(const struct frontier *f, struct frontier_counts *out);
	/*
	 * Called once per loop turn: a shared backend talks to its store
	 * here (one round trip at most).  flushed: every page done() so far
	 * is in the output files, so the backend may report them done to the
	 * other nodes.  Never fails: a store that went away is retried later
	 * (counts.offline), and next() gives nothing meanwhile.
	 */
	void (*sync)(struct frontier *f, int flushed);
	/* The part of crawl_rate (--rate, 0: none) this process may use now;
	 * 0 only when crawl_rate is 0. */
	double (*rate)(const struct frontier *f, double crawl_rate);
	/* Free everything; the frontier cannot be used again. */
	void (*release)(struct frontier *f);
};

struct frontier {
	const struct frontier_ops *ops;
	int nshards;
};

/* The shard that owns a host key: the same for every backend. */
int frontier_shard_of(int nshards, const char *key);

struct frontier_local_opts {
	int nshards;
	uint32_t per_host;      /* --per-host, for demand() */
	uint32_t host_window;   /* URLs of one host out at once */
	uint64_t mem_budget;    /* bytes the queues may hold in memory */
	const char *spill_dir;  /* where spill segments go (created if missing) */
};

/*
 * The local backend.  Spill segments left in spill_dir by an earlier run
 * are deleted (they are never read back: resume starts from the journal).
 * Returns NULL with errno set when spill_dir cannot be made ready (EINVAL
 * for options out of range: no shard, more than SC_MAX_SHARDS, a zero
 * host_window or mem_budget).  The caller frees it with f->ops->release(f).
 * Blocks on disk are a sixteenth of mem_budget (64 KiB at most); mem_bytes
 * can pass the budget by about two of them (a read back, the tail being
 * filled), and by the host structs of hosts with URLs out.
 */
struct frontier *frontier_local_new(const struct frontier_local_opts *o);

struct frontier_redis_opts {
	int nshards;
	uint32_t per_host;      /* --per-host, for demand() */
	uint32_t host_window;   /* URLs of one host out at once */
	uint32_t concurrency;   /* -c: hosts are leased until their demand covers it */
	uint64_t lease_ms;      /* --lease */
	double rate;            /* --rate, the crawl's (0: none) */
	const char *url;        /* --redis */
	const char *crawl;      /* --crawl */
	const char *node;       /* this node's name (crawler/cluster.h) */
};

/*
 * The Redis backend (the keys, the scripts: crawler/redis_lua.h).  It
 * connects at once; NULL with a one-line reason in err when Redis cannot
 * be reached (or EINVAL options).  Later losses of Redis are not errors:
 * the backend pauses and reconnects.  A URL is admitted for the crawl as a
 * whole once its admit reached Redis; admit() answers FRONTIER_QUEUED for
 * a URL this node never offered before (it is sent with the next sync:
 * another node may have admitted it already, and host quotas are counted
 * in Redis), so this node's "admitted" counts what it offered.
 * release() gives the leases it holds back (their URLs not done are
 * queued again for the other nodes) and leaves the crawl.
 */
struct frontier *frontier_redis_new(const struct frontier_redis_opts *o,
				    char *err, size_t n);

#endif
