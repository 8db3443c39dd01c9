/*
 * procs.h - the shard processes: starting them, their pipes, their credit
 * windows, and what happens when one dies.
 *
 * Each shard is forked with two non-blocking pipes (URL batches in, results
 * out) that the coordinator's loop polls.  What a shard holds is tracked in
 * its slots: a URL handed to it takes a free slot, whose index and
 * generation make the id in the MSG_URLS entry, and its result gives the
 * slot back.  Generations are bumped on every use, so a stale or forged id
 * is caught (procs_slot_take() returns NULL).  The number of URLs a shard may
 * hold (its window) follows its share of -c, which the loop sets.
 *
 * A shard moves through
 *
 *     RUNNING --(input closed)--> CLOSING --(exited)--> DONE
 *        ^  |
 *        +--+ died or broke the protocol: killed, its URLs requeued in the
 *             frontier, a new one started (at most SHARD_RESTART_MAX times)
 *
 * procs_set_state() is the one place a state changes.
 *
 * Ownership: the slots hold entries borrowed from the frontier; a lost
 * shard's entries go back to it (requeue()).  procs_release() frees any
 * still held when the crawl was cut short with fentry_free(): the journal
 * has them for --resume.
 */
#ifndef SC_PROCS_H
#define SC_PROCS_H

#include <stdint.h>
#include <sys/types.h>

#include "common/frame.h"
#include "crawler/frontier.h"
#include "shard/shard.h"

#define SHARD_RESTART_MAX 8

enum sp_state {
	SP_RUNNING,             /* takes URLs */
	SP_CLOSING,             /* input closed: finishing what it holds */
	SP_DONE,                /* exited after closing, or given up */
};

struct slot {
	struct fentry *e;       /* NULL when free */
	uint32_t gen;           /* bumped on every use: ids are never reused */
	uint32_t next_free;
};

struct shard_proc {
	int index;
	pid_t pid;
	enum sp_state state;
	int to_fd, from_fd;
	struct frame_reader r;
	struct frame_writer w;
	struct slot *slots;
	uint32_t nslots;        /* allocated; grows up to the window */
	uint32_t free_head;     /* first free slot, nslots when none */
	uint32_t inflight;      /* slots in use */
	uint32_t window;        /* most slots it may use now */
	uint32_t transfers;     /* running, as its last MSG_LOAD said */
	int restarts;
	/* the share of the crawl-wide limits it was last told (MSG_SHARE) */
	uint64_t rate_gap_us;
	uint32_t concurrency;
};

struct procs {
	int n;
	struct shard_proc *sp;
	struct shard_config *scfg;  /* the shards' settings; index set per fork */
	struct frontier *fr;        /* where a lost shard's URLs go back */
	size_t blob_max;            /* cap on a result's WARC blob */
	int verbose;
	int fatal;                  /* a shard could not be kept running */
};

/* Set up n shards (nothing started yet). */
void procs_init(struct procs *p, int n, struct shard_config *scfg,
		struct frontier *fr, size_t blob_max, int verbose);

/* Fork every shard, with the mesh of sockets between them.  Returns 0, or
 * -1 with the reason logged (the ones started are left to procs_stop()). */
int procs_start(struct procs *p);

/* A shard died or broke the protocol: kill it for sure, requeue its URLs,
 * start another (p->fatal set when it cannot or may not). */
void procs_lost(struct procs *p, struct shard_proc *sp, const char *why);

/* Close the shard's input so it finishes and exits; 0, or -1 when URL
 * batches are still queued for it (call again after they are flushed). */
int procs_close_input(struct shard_proc *sp);

/* The shard exited after its input was closed: reap it. */
void procs_reaped(struct shard_proc *sp);

/* Kill and reap every shard still running. */
void procs_stop(struct procs *p);

/* Free the slots (entries still held are freed: the journal has them). */
void procs_release(struct procs *p);

/* Take a free slot for e: the id for its MSG_URLS entry; the caller checks
 * sp->inflight < sp->window first. */
uint64_t procs_slot_put(struct shard_proc *sp, struct fentry *e);
/* The entry behind a result's id, its slot freed; NULL for an id that is
 * not one of this shard's (a protocol error). */
struct fentry *procs_slot_take(struct shard_proc *sp, uint64_t id);

/* Grow or shrink a shard's window (it never drops below its inflight
 * count's worth of slots: those simply return). */
void procs_set_window(struct shard_proc *sp, uint32_t window);

/* URLs in all shards' hands. */
uint64_t procs_inflight(const struct procs *p);

/* Transfers running in all shards, as their MSG_LOAD reports say. */
uint64_t procs_transfers(const struct procs *p);

#endif
