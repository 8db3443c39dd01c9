#include "shard/peer.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "shard/sched.h"
#include "shard/shard.h"
#include "shard/xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* A body buffer larger than this is freed when its work is done. */
#define BODY_KEEP      (1u << 20)

static size_t work_size(const struct peer_work *w)
{
	return w->req.len + w->hdr.len + w->body.len;
}

static struct peer_work *work_get(struct peers *ps)
{
	struct peer_work *w = ps->free;

	if (w) {
		ps->free = w->next;
		w->next = NULL;
		return w;
	}
	w = xcalloc(1, sizeof(*w));
	buf_init(&w->req, SC_REQUEST_MAX);
	buf_init(&w->hdr, SC_HEADERS_MAX);
	buf_init(&w->body, (size_t)ps->body_max);
	return w;
}

static void work_free(struct peer_work *w)
{
	free(w->job);
	free(w->content_type);
	free(w->error);
	buf_release(&w->req);
	buf_release(&w->hdr);
	buf_release(&w->body);
	free(w);
}

/* Its result is in (or it was processed here): free the job, keep the rest. */
static void work_done(struct peers *ps, struct peer_work *w)
{
	free(w->job);
	free(w->content_type);
	free(w->error);
	w->job = NULL;
	w->content_type = w->error = NULL;
	if (w->body.alloc > BODY_KEEP)
		buf_release(&w->body);
	w->next = ps->free;
	ps->free = w;
}

void peers_init(struct peers *ps, const struct shard_mesh *mesh, int self,
		int epfd, uint64_t tag, uint64_t max_size)
{
	int k;

	memset(ps, 0, sizeof(*ps));
	ps->epfd = epfd;
	ps->tag = tag;
	ps->body_max = (size_t)max_size;
	buf_init(&ps->msg, SC_FRAME_BODY_MAX);
	if (!mesh || !mesh->fd || mesh->nshards <= 0)
		return;
	ps->n = mesh->nshards;
	ps->p = xcalloc((size_t)ps->n, sizeof(*ps->p));
	for (k = 0; k < ps->n; k++) {
		struct peer *p = &ps->p[k];
		struct epoll_event ev;
		int fd = mesh->fd[k], fl;

		p->fd = -1;
		p->index = k;
		if (fd < 0 || k == self)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u64 = tag | (uint64_t)k;
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
		    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			log_warn("cannot watch the socket to shard %d: %s", k, strerror(errno));
			close(fd);
			continue;
		}
		/* a result's blob is WARC records of at most one body: the cap
		 * the coordinator reads results with */
		frame_reader_init(&p->r, fd, MSG_TYPE_MAX, ps->body_max * 2 + (2u << 20));
		frame_writer_init(&p->w, fd);
		p->fd = fd;
		p->events = EPOLLIN;
		ps->live++;
	}
}

void peers_release(struct peers *ps)
{
	struct peer_work *w;
	int k;

	for (k = 0; k < ps->n; k++) {
		struct peer *p = &ps->p[k];

		if (p->fd >= 0) {
			close(p->fd);
			frame_reader_release(&p->r);
			frame_writer_release(&p->w);
		}
		while ((w = p->head)) {
			p->head = w->next;
			work_free(w);
		}
	}
	while ((w = ps->free)) {
		ps->free = w->next;
		work_free(w);
	}
	free(ps->p);
	buf_release(&ps->msg);
	memset(ps, 0, sizeof(*ps));
}

/*
 * Peer k is gone or broke the protocol: drop it and process what it held
 * here, in order, so no URL is lost.
 */
static void peer_lost(struct peers *ps, int k, struct page_worker *pw,
		      struct frame_writer *out, const char *why)
{
	struct peer *p = &ps->p[k];
	struct peer_work *w;
	int n = 0;

	if (p->fd < 0)
		return;
	epoll_ctl(ps->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	close(p->fd);
	p->fd = -1;
	ps->live--;
	frame_reader_release(&p->r);
	frame_writer_release(&p->w);
	while ((w = p->head)) {
		p->head = w->next;
		page_process(pw, &w->in, out);
		work_done(ps, w);
		n++;
	}
	p->tail = NULL;
	p->outstanding = 0;
	p->bytes = 0;
	ps->taken_back += (uint64_t)n;
	log_info("shard %d %s; %d pages handed to it processed here", k, why, n);
}

/* Write what is queued for peer k; watch EPOLLOUT while some is left. */
static void peer_flush(struct peers *ps, int k, struct page_worker *pw,
		       struct frame_writer *out)
{
	struct peer *p = &ps->p[k];
	struct epoll_event ev;
	uint32_t want;
	int rc;

	if (p->fd < 0)
		return;
	rc = frame_flush(&p->w);
	if (rc == SC_EIO) {
		peer_lost(ps, k, pw, out, "cannot be written to");
		return;
	}
	want = EPOLLIN | (rc == SC_EAGAIN ? EPOLLOUT : 0);
	if (want == p->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.u64 = ps->tag | (uint64_t)k;
	epoll_ctl(ps->epfd, EPOLL_CTL_MOD, p->fd, &ev);
	p->events = want;
}

static uint64_t mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

int peers_pick(struct peers *ps, size_t size, uint64_t now)
{
	int best = -1, i;

	if (!ps->live)
		return -1;
	for (i = 0; i < ps->n; i++) {
		int k = (ps->next + i) % ps->n;
		const struct peer *p = &ps->p[k];

		if (p->fd < 0 || p->outstanding >= SC_OFFLOAD_MAX ||
		    p->bytes + size > SC_OFFLOAD_BYTES ||
		    (p->work_at && now < p->work_at + (uint64_t)SC_OFFLOAD_QUIET_MS * 1000))
			continue;
		if (best < 0 || p->outstanding < ps->p[best].outstanding)
			best = k;
	}
	if (best >= 0)
		ps->next = (best + 1) % ps->n;
	return best;
}

int peers_hand(struct peers *ps, int k, struct xfer *x, long status,
	       const char *error, struct page_worker *pw, struct frame_writer *out)
{
	struct peer *p = &ps->p[k];
	struct peer_work *w = work_get(ps);
	struct page_in *in = &w->in;
	struct msg_work m;
	struct buf t;

	xfer_capture(x, status, error, in);
	memset(&m, 0, sizeof(m));
	m.id = in->id;
	m.depth = in->depth;
	m.flags = in->flags;
	m.attempts = in->attempts;
	m.status = in->status;
	m.fetch_ms = in->fetch_ms;
	m.wflags = in->truncated ? MSG_WORK_TRUNCATED : 0;
	m.start_sec = (int64_t)in->start.tv_sec;
	m.start_nsec = (uint32_t)in->start.tv_nsec;
	m.host_gap_ms = in->host_gap_ms;
	m.url = in->url;
	m.error = in->error;
	m.ip = in->ip;
	m.content_type = in->content_type;
	m.req = in->req;
	m.req_len = in->req_len;
	m.hdr = in->hdr;
	m.hdr_len = in->hdr_len;
	if (strlen(in->ip) >= sizeof(w->ip) || strlen(in->content_type) > SC_URL_MAX ||
	    (in->error && strlen(in->error) > 1024) || msg_work_encode(&ps->msg, &m) ||
	    frame_queue(&p->w, MSG_WORK, ps->msg.data, ps->msg.len, in->body,
			in->body_len)) {
		/* past a cap the peer would refuse: do it here */
		w->next = ps->free;
		ps->free = w;
		return -1;
	}
	/* the transfer's buffers become the owner's copy: in keeps pointing
	 * at the same bytes; the transfer gets this work's spare buffers */
	t = x->req; x->req = w->req; w->req = t;
	t = x->hdr; x->hdr = w->hdr; w->hdr = t;
	t = x->body; x->body = w->body; w->body = t;
	snprintf(w->ip, sizeof(w->ip), "%s", in->ip);
	w->content_type = xstrdup(in->content_type);
	w->error = error ? xstrdup(error) : NULL;
	in->ip = w->ip;
	in->content_type = w->content_type;
	in->error = w->error;
	w->job = x->job;
	x->job = NULL;
	w->next = NULL;
	if (p->tail)
		p->tail->next = w;
	else
		p->head = w;
	p->tail = w;
	p->outstanding++;
	p->bytes += work_size(w);
	ps->handed++;
	log_debug("'%s' handed to shard %d", in->url, k);
	peer_flush(ps, k, pw, out);
	return 0;
}

/* A MSG_WORK from peer k: process it as its owner would, answer on the
 * same socket.  0, or -1 when it is malformed. */
static int take_work(struct peers *ps, int k, const struct frame *f,
		     struct page_worker *pw)
{
	struct msg_work m;
	struct page_in in;

	if (msg_work_decode(f->body, f->body_len, f->blob, f->blob_len, ps->body_max, &m))
		return -1;
	ps->p[k].work_at = mono_us();
	memset(&in, 0, sizeof(in));
	in.id = m.id;
	in.url = m.url;
	in.depth = m.depth;
	in.flags = m.flags;
	in.attempts = m.attempts;
	in.status = m.status;
	in.error = m.error[0] ? m.error : NULL;
	in.fetch_ms = m.fetch_ms;
	in.ip = m.ip;
	in.content_type = m.content_type;
	in.start.tv_sec = (time_t)m.start_sec;
	in.start.tv_nsec = (long)m.start_nsec;
	in.host_gap_ms = m.host_gap_ms;
	in.truncated = (m.wflags & MSG_WORK_TRUNCATED) != 0;
	in.req = m.req;
	in.req_len = m.req_len;
	in.hdr = m.hdr;
	in.hdr_len = m.hdr_len;
	in.body = m.body;
	in.body_len = m.body_len;
	log_debug("'%s' processed for shard %d", in.url, k);
	page_process(pw, &in, &ps->p[k].w);
	ps->served++;
	return 0;
}

/* A MSG_RESULT from peer k: the answer to its oldest outstanding work,
 * forwarded to the coordinator as is.  0, or -1 when it is not. */
static int take_result(struct peers *ps, int k, const struct frame *f,
		       struct frame_writer *out)
{
	struct peer *p = &ps->p[k];
	struct peer_work *w = p->head;
	struct msg_result r;

	if (!w || msg_result_decode(f->body, f->body_len, &r) || r.id != w->in.id ||
	    (uint64_t)r.warc_req_len + r.warc_resp_len != f->blob_len ||
	    frame_queue(out, MSG_RESULT, f->body, f->body_len, f->blob, f->blob_len))
		return -1;
	p->head = w->next;
	if (!p->head)
		p->tail = NULL;
	p->outstanding--;
	p->bytes -= work_size(w);
	ps->returned++;
	work_done(ps, w);
	return 0;
}

/* Take every complete frame peer k has sent; drop it if it broke. */
static void peer_read(struct peers *ps, int k, struct page_worker *pw,
		      struct frame_writer *out)
{
	struct peer *p = &ps->p[k];
	struct frame f;
	int rc, nrc;

	if (p->fd < 0)
		return;
	rc = frame_read(&p->r);
	while ((nrc = frame_next(&p->r, &f)) == 0) {
		const char *bad = NULL;

		if (f.type == MSG_WORK) {
			if (take_work(ps, k, &f, pw))
				bad = "sent a malformed work";
		} else if (f.type == MSG_RESULT) {
			if (take_result(ps, k, &f, out))
				bad = "sent a result for no work of ours";
		} else {
			bad = "sent an unexpected frame";
		}
		if (bad) {
			peer_lost(ps, k, pw, out, bad);
			return;
		}
	}
	if (nrc != SC_EAGAIN)
		peer_lost(ps, k, pw, out, "sent a bad frame");
	else if (rc == SC_EEOF || rc == SC_EIO)
		peer_lost(ps, k, pw, out, "went away");
}

void peers_event(struct peers *ps, int k, uint32_t ev, struct page_worker *pw,
		 struct frame_writer *out)
{
	if (k < 0 || k >= ps->n || ps->p[k].fd < 0)
		return;         /* dropped earlier in this batch of events */
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
		peer_read(ps, k, pw, out);
	peer_flush(ps, k, pw, out);
}

void peers_poll_full(struct peers *ps, struct page_worker *pw,
		     struct frame_writer *out)
{
	int k;

	for (k = 0; k < ps->n; k++) {
		if (ps->p[k].fd >= 0 && ps->p[k].outstanding >= SC_OFFLOAD_MAX) {
			peer_read(ps, k, pw, out);
			peer_flush(ps, k, pw, out);
		}
	}
}

int peers_outstanding(const struct peers *ps)
{
	int k, n = 0;

	for (k = 0; k < ps->n; k++)
		n += ps->p[k].outstanding;
	return n;
}

size_t peers_pending(const struct peers *ps)
{
	size_t n = 0;
	int k;

	for (k = 0; k < ps->n; k++)
		if (ps->p[k].fd >= 0)
			n += frame_pending(&ps->p[k].w);
	return n;
}
