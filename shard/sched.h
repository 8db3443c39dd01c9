/*
 * sched.h - what a shard knows about its hosts, and who may fetch next.
 *
 * Every URL a shard holds is a job, queued FIFO on its host, or parked in
 * the delayed heap until a retry is due.  A host moves through
 *
 *     NEW --(robots.txt asked for)--> ROBOTS --(answered)--> OPEN
 *      ^  ^                               |                    |
 *      |  +--(unreachable, retry later)---+                    |
 *      +-----------(its rules are older than robots_max_age)---+
 *                                                  any state --> DEAD
 *
 * (with robots.txt off, hosts start OPEN and stay so); sched_set_state() is
 * the one place a state changes.  A DEAD host was given up: the shard fails
 * its jobs instead of queueing them.  Rules are fetched again when older
 * than robots_max_age (RFC 9309 §2.4: a cached robots.txt is good for 24
 * hours): sched_next() turns such a host back to NEW before its next job.
 *
 * The shard as a whole may have at most limit transfers in flight (its share
 * of -c, changed by MSG_SHARE with sched_set_limit()); at the limit
 * sched_next() gives no host, so a lower limit lets the running transfers
 * finish and starts none above it.
 *
 * Politeness is time: each host has next_us, the earliest start of its next
 * transfer (its gap after a start: --delay, Crawl-delay, --host-rate; or a
 * Retry-After), and the shard has next_us for its share of --rate.  The
 * ready heap holds exactly the hosts that could start a transfer but for
 * time (jobs queued, a free per-host slot, state NEW or OPEN), ordered by
 * next_us, so sched_next() costs O(log hosts) and never looks at an idle,
 * busy or waiting host.  All times are CLOCK_MONOTONIC microseconds.
 *
 * Idle hosts expire, so a shard's memory is bounded by the hosts it saw in
 * a window of time, not by all it ever saw.  A host is idle when it has
 * nothing queued, in flight or delayed; sched_update() files it, at the
 * time of the last sched_expire() call, at the tail of an idle list (one
 * for live hosts, one for DEAD ones), and takes it off again when it gets
 * work.  sched_expire(now) frees hosts from the head of each list while
 * theirs is due: max(idle_us, its gap) after it went idle and not before
 * its next_us (a Retry-After still running); DEAD hosts after
 * SC_DEAD_IDLE_FACTOR * idle_us, as forgetting one forgets its verdict and
 * its next URL tries it afresh.  The lists are in the order hosts went
 * idle, so each host costs O(1) to file and to expire, and a host whose
 * own expiry is later (a gap longer than idle_us) holds back the ones
 * behind it until it goes: memory stays bounded by the hosts idle within
 * the longest timeout.  A freed host's key comes back as a NEW host.
 *
 * Ownership: jobs are allocated by the caller (job_new) and owned by the
 * scheduler while queued or delayed; sched_pop() hands one back.  Hosts are
 * owned by the scheduler and live until they expire or sched_release(): a
 * caller may keep a host pointer only while the host has a job queued, in
 * flight or delayed, or until its next sched_expire() call.
 */
#ifndef SC_SCHED_H
#define SC_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct robots;

struct job {
	struct job *next;       /* host queue link */
	struct host *host;
	uint64_t id;
	uint64_t due_us;        /* when delayed: when it may run again */
	size_t heap_idx;        /* when delayed: position in the delayed heap */
	uint32_t depth;
	uint32_t flags;
	uint32_t attempts;      /* fetches made so far */
	uint32_t throttled;     /* 429/503 waits so far */
	const char *referrer;   /* for Referer, "" when none: after url's NUL */
	const char *etag;       /* If-None-Match, "" when none: after referrer */
	const char *last_modified; /* If-Modified-Since, "" when none: after etag */
	char url[];
};

enum host_state {
	HOST_NEW,               /* robots.txt not asked for yet */
	HOST_ROBOTS,            /* robots.txt transfer in flight */
	HOST_OPEN,              /* rules known: jobs may start */
	HOST_DEAD,              /* given up for the rest of the crawl */
};

struct host {
	struct host *hnext;     /* hash chain */
	char *key;              /* "host:port" */
	enum host_state state;
	struct job *head, *tail;
	uint32_t queued;
	uint32_t delayed;       /* its jobs in the delayed heap */
	int active;             /* transfers in flight, robots.txt included */
	uint64_t next_us;       /* earliest start of its next transfer */
	uint64_t gap_us;        /* start-to-start gap after each transfer */
	size_t heap_idx;        /* in the ready heap, or SCHED_NONE */
	struct robots *robots;  /* rules once OPEN (NULL: all allowed) */
	uint64_t robots_at;     /* when its rules were read (0: never, or robots off) */
	struct host *iprev, *inext; /* idle list links */
	uint64_t idle_since;    /* when it went idle */
	int idle_list;          /* the idle list it is on, or -1 */
	int robots_failures;    /* robots.txt attempts that got 5xx / no answer */
	int fail_streak;        /* consecutive connect / DNS failures */
	char *dead_reason;      /* why it is DEAD */
};

#define SCHED_NONE ((size_t)-1)

struct sched {
	struct host **htab;
	size_t hmask, hcount;
	struct host **ready;    /* min-heap on next_us */
	size_t nready, ready_cap;
	struct job **delayed;   /* min-heap on due_us */
	size_t ndelayed, delayed_cap;
	uint64_t queued;        /* jobs in host queues */
	int per_host;
	int active;             /* transfers in flight in the shard */
	int limit;              /* most transfers in flight (INT_MAX: none) */
	uint64_t rate_gap_us;   /* 1e6 / rate; 0: no shard-wide rate */
	uint64_t idle_us;       /* an idle host expires after this (or its gap) */
	uint64_t robots_max_age_us; /* rules older than this are fetched again */
	uint64_t now_us;        /* time of the last sched_expire() */
	struct host *idle_head[2], *idle_tail[2]; /* [0] live, [1] DEAD; oldest first */
	uint64_t expired;       /* hosts freed so far */
	uint64_t next_us;       /* earliest next start under the rate */
	uint64_t last_us;       /* the last start in the shard */
};

/* rate: requests/s for the whole shard, 0 for none.  No transfer limit
 * until sched_set_limit(); idle_us SC_HOST_IDLE_S and robots_max_age_us
 * SC_ROBOTS_MAX_AGE_S until sched_set_expiry(). */
void sched_init(struct sched *s, int per_host, double rate);
/* How long an idle host lives (at least 1 us) and how old its rules may get
 * (0: for ever).  For hosts that go idle or read rules from now on. */
void sched_set_expiry(struct sched *s, uint64_t idle_us, uint64_t robots_max_age_us);
/* Frees every host and every job still held. */
void sched_release(struct sched *s);

struct job *job_new(uint64_t id, const char *url, const char *referrer,
		    uint32_t depth, uint32_t flags);
/* The same, with the validators of a conditional request (NULL: none). */
struct job *job_new_cond(uint64_t id, const char *url, const char *referrer,
			 const char *etag, const char *last_modified,
			 uint32_t depth, uint32_t flags);

/* The host for a key, created in state initial if new. */
struct host *sched_host(struct sched *s, const char *key, enum host_state initial);

/* Change a host's state (logged at debug level). */
void sched_set_state(struct sched *s, struct host *h, enum host_state st);

/* Its robots.txt was read at now: the host opens, and its rules count as
 * fresh until now + robots_max_age_us. */
void sched_rules_read(struct sched *s, struct host *h, uint64_t now);

/*
 * Free the idle hosts whose time is up at now, and remember now as the time
 * hosts going idle from here on went idle.  Call it once per loop turn,
 * before looking hosts up.  Returns the number freed.
 */
size_t sched_expire(struct sched *s, uint64_t now);

/* Queue a job on its host (at the front: a retry that should go next). */
void sched_push(struct sched *s, struct host *h, struct job *j, int front);
/* Take the job at the front of a host's queue. */
struct job *sched_pop(struct sched *s, struct host *h);

/* Park a job until due_us (j->host set: it counts as the host's work). */
void sched_delay(struct sched *s, struct job *j, uint64_t due_us);
/* The next parked job due at or before now, removed; NULL if none. */
struct job *sched_due(struct sched *s, uint64_t now);

/* Re-file a host after its queue, active count, state or next_us changed. */
void sched_update(struct sched *s, struct host *h);

/*
 * The host that may start a transfer at now, or NULL.  *when gets the
 * earliest time one might (UINT64_MAX: nothing waits on time, e.g. the
 * shard is at its limit and waits for a transfer to end).  An OPEN host
 * whose rules are stale comes back in state NEW (its robots.txt first).
 */
struct host *sched_next(struct sched *s, uint64_t now, uint64_t *when);

/* A transfer started on h at now: its slot, its gap, the shard's rate. */
void sched_started(struct sched *s, struct host *h, uint64_t now);
/* The shard's share of --rate changed: a new gap between starts (0: none).
 * It applies from the last start, so a lower rate takes effect at once. */
void sched_set_rate_gap(struct sched *s, uint64_t gap_us);

/* The most transfers in flight in the shard (at least 1).  Lowering it
 * stops nothing that runs: sched_next() waits until active < limit. */
void sched_set_limit(struct sched *s, int limit);

/* A transfer on h ended: its slot is free again. */
void sched_finished(struct sched *s, struct host *h);

/* The earliest parked job's due time, or UINT64_MAX. */
uint64_t sched_next_due(const struct sched *s);

#endif
