/*
 * peer.h - the mesh seen from one shard: handing the CPU work of finished
 * pages to other shards, and doing theirs.
 *
 * A host belongs to one shard, and all of its politeness (robots.txt,
 * delays, Retry-After, fail limits) stays there: only what page_process()
 * does after a response is complete (de-chunking, digests, WARC records and
 * gzip, content decoding, link extraction) moves.  The owner of a finished
 * page sends it as a MSG_WORK to a peer; the peer runs page_process() on it
 * exactly as the owner would and sends the MSG_RESULT back on the same
 * socket; the owner checks it and queues it, unchanged, to the coordinator.
 * So a crawl of one host still uses every core.
 *
 * Balancing: peers_pick() chooses the live peer with the fewest works
 * outstanding, if it has fewer than SC_OFFLOAD_MAX and its raw bytes in
 * flight stay under SC_OFFLOAD_BYTES; else the owner processes the page
 * itself.  A peer busy with its own pages returns results late, its
 * outstanding count stays full and the owner just works locally.  A peer
 * that handed this shard a work in the last SC_OFFLOAD_QUIET_MS has more
 * than it can do itself: it gets none back (two busy shards swapping pages
 * would only add the copying).
 *
 * Nothing is lost: the owner keeps its copy of each page handed over (the
 * transfer's buffers move into a struct peer_work, no copy) until its
 * result is back; if the peer goes (EOF, a socket error, anything invalid
 * from it) the owner processes the outstanding ones itself, in order.  A
 * peer's works that cannot be answered (the owner went) are dropped: the
 * coordinator queues the owner's URLs again.
 *
 * Never blocking: every socket is non-blocking, writes are frame_writer
 * queues flushed on EPOLLOUT, reads frame_reader with caps (a blob at most
 * 2 * --max-size + 2 MiB, as the coordinator reads results; a MSG_WORK
 * body at most --max-size).  Results come back in the order works went
 * out (a peer processes them in order), so the owner's list is a FIFO.
 */
#ifndef SC_PEER_H
#define SC_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/frame.h"
#include "shard/page.h"

struct shard_mesh;
struct xfer;
struct job;

/* A page handed over: the owner's copy until its result is back. */
struct peer_work {
	struct peer_work *next;
	struct job *job;        /* its URL; freed when the result is in */
	struct page_in in;      /* points into the fields below */
	struct buf req, hdr, body;
	char ip[64];
	char *content_type;
	char *error;
};

struct peer {
	int fd;                 /* -1: no peer, or gone */
	int index;              /* its shard index */
	uint32_t events;        /* registered with epoll */
	struct frame_reader r;
	struct frame_writer w;
	struct peer_work *head, *tail;  /* outstanding, oldest first */
	uint64_t work_at;       /* when it last handed us a work (us) */
	int outstanding;
	size_t bytes;           /* raw bytes of the outstanding works */
};

struct peers {
	int n;                  /* entries of p */
	int live;               /* peers with fd >= 0 */
	int epfd;
	uint64_t tag;           /* epoll data of peer k: tag | k */
	size_t body_max;        /* --max-size: the largest MSG_WORK body */
	struct peer *p;
	struct peer_work *free; /* recycled works, buffers kept */
	struct buf msg;         /* one encoded MSG_WORK */
	int next;               /* where the next pick starts looking */
	uint64_t handed;        /* pages handed to peers */
	uint64_t returned;      /* their results back */
	uint64_t taken_back;    /* processed here after their peer went */
	uint64_t served;        /* pages processed for peers */
};

/*
 * Take the mesh's sockets (made non-blocking here), self excluded, and
 * watch them in epfd with data tag | k.  A mesh with nshards 0 or a NULL
 * fd array means no peers.  Never fails: a socket that cannot be watched
 * is closed and left out.
 */
void peers_init(struct peers *ps, const struct shard_mesh *mesh, int self,
		int epfd, uint64_t tag, uint64_t max_size);
/* Close every socket; outstanding works are freed with their jobs (call it
 * after the loop, when nothing is outstanding unless the shard failed). */
void peers_release(struct peers *ps);

/* The peer to hand a page of size raw bytes to at now (CLOCK_MONOTONIC
 * us), or -1: do it yourself. */
int peers_pick(struct peers *ps, size_t size, uint64_t now);

/*
 * Hand the finished page of transfer x (its job; status and error as for
 * page_process) to peer k.  Returns 0: x's buffers and its job now belong
 * to ps, x gets empty buffers back and is released as usual; or -1 when
 * the page passes a cap of MSG_WORK: nothing changed, process it yourself.
 * pw and out are for the outstanding works if writing shows the peer gone.
 */
int peers_hand(struct peers *ps, int k, struct xfer *x, long status,
	       const char *error, struct page_worker *pw, struct frame_writer *out);

/*
 * Something happened on peer k's socket (epoll events ev): take its works
 * (processed with pw, results back to it) and its results (forwarded to
 * out), flush what is queued for it.  A peer that broke is dropped and its
 * outstanding works are processed here, their results queued on out.
 */
void peers_event(struct peers *ps, int k, uint32_t ev, struct page_worker *pw,
		 struct frame_writer *out);

/* Read what the peers that cannot take more have sent back, so their
 * slots free up while this shard is busy with its own pages. */
void peers_poll_full(struct peers *ps, struct page_worker *pw,
		     struct frame_writer *out);

/* Works handed over whose results are not back yet. */
int peers_outstanding(const struct peers *ps);
/* Result bytes queued for peers, not yet written. */
size_t peers_pending(const struct peers *ps);

#endif
