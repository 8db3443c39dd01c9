/*
 * shard.c - the worker: a curl_multi event loop over epoll, with the
 * coordinator pipes in the same epoll set.  It wires the modules together
 * and applies their verdicts to the scheduler:
 *
 *   sched.h        hosts, queues, politeness time; who may start next
 *   xfer.h         libcurl handles and what their callbacks capture
 *   robotsfetch.h  a host's robots.txt: its URL and what the answer means
 *   policy.h       a finished attempt: done, retried, waited for, given up
 *   page.h         a finished page: WARC records, links, the MSG_RESULT
 *
 * Data flow for one URL: a MSG_URLS batch puts a job on its host's queue;
 * schedule() starts a transfer when the shard and the host both have a free
 * slot and the host's next-allowed time has come; when libcurl says it is
 * done, the policy decides, and a response that ends its URL goes through
 * page_process(), which queues one MSG_RESULT for the coordinator.
 */
#include "shard/shard.h"

#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/robots.h"
#include "common/url.h"
#include "shard/page.h"
#include "shard/policy.h"
#include "shard/robotsfetch.h"
#include "shard/sched.h"
#include "shard/xfer.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* Stop starting transfers while this many result bytes wait for the pipe. */
#define OUT_SOFT_MAX   (64u << 20)
#define EVENTS_MAX     256

struct shard {
	const struct shard_config *cfg;
	CURLM *multi;
	int epfd;
	int in_fd, out_fd;
	struct frame_reader in;
	struct frame_writer out;
	int in_open;            /* in_fd still in the epoll set */
	int out_watched;        /* EPOLLOUT registered on out_fd */
	int failed;             /* stop: the coordinator is gone or broken */
	uint64_t curl_deadline; /* when libcurl wants its timeout action (us) */

	struct sched sc;
	struct xfer_pool xp;
	struct policy pol;
	struct page_worker pw;
	uint64_t gap_us;        /* default per-host gap (--delay, --host-rate) */
};

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* ---- libcurl's multi callbacks ---- */

static int on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct shard *s = arg;
	struct epoll_event ev;

	(void)e;
	(void)sockp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = fd;
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
		    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *arg)
{
	struct shard *s = arg;

	(void)m;
	s->curl_deadline = timeout_ms < 0 ? UINT64_MAX : now_us() + (uint64_t)timeout_ms * 1000;
	return 0;
}

/* ---- jobs and hosts ---- */

/* A job ends without a response: report why, free it. */
static void job_fail(struct shard *s, struct job *j, uint32_t status, const char *why)
{
	log_debug("fail '%s': %s", j->url, why);
	page_fail(&s->pw, &s->out, j->id, j->attempts, status, why);
	free(j);
}

/* Give a host up for the rest of the crawl, failing what it holds. */
static void host_give_up(struct shard *s, struct host *h, const char *why)
{
	struct job *j;

	if (h->state == HOST_DEAD)
		return;
	log_info("giving up host '%s': %s", h->key, why);
	h->dead_reason = xstrdup(why);
	sched_set_state(&s->sc, h, HOST_DEAD);
	while ((j = sched_pop(&s->sc, h)))
		job_fail(s, j, 0, h->dead_reason);
}

/* Queue a job on its host, or fail it at once if the host was given up. */
static void job_queue(struct shard *s, struct host *h, struct job *j, int front)
{
	if (h->state == HOST_DEAD)
		job_fail(s, j, 0, h->dead_reason);
	else
		sched_push(&s->sc, h, j, front);
}

/* ---- finished transfers ---- */

/* A page transfer ended: apply the policy's verdict. */
static void page_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	struct job *j = x->job;
	struct host *h = x->host;
	struct policy_outcome o;
	struct page_in in;

	policy_page(&s->pol, x, rc, now_us(), &o);
	switch (o.verdict) {
	case POLICY_RESULT:
		xfer_capture(x, o.status, o.why, &in);
		page_process(&s->pw, &in, &s->out);
		free(j);
		break;
	case POLICY_FAIL:
		job_fail(s, j, (uint32_t)o.status, o.why);
		break;
	case POLICY_RETRY:
		sched_delay(&s->sc, j, o.at_us);
		break;
	case POLICY_WAIT:
		if (h->next_us < o.at_us)
			h->next_us = o.at_us;
		sched_push(&s->sc, h, j, 1);
		break;
	case POLICY_GIVE_UP:
		job_fail(s, j, 0, o.why);
		host_give_up(s, h, o.why);
		break;
	}
}

/* robots.txt answered (or not): open the host, or try again later. */
static void robots_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	struct host *h = x->host;
	char why[POLICY_WHY_MAX];
	uint64_t at = 0, now = now_us();

	switch (robotsfetch_done(&s->pol, x, rc, now, &at, why, sizeof(why))) {
	case ROBOTSFETCH_OPEN:
		h->next_us = at;
		sched_rules_read(&s->sc, h, now);
		break;
	case ROBOTSFETCH_AGAIN:
		h->next_us = at;
		sched_set_state(&s->sc, h, HOST_NEW);
		break;
	case ROBOTSFETCH_GIVE_UP:
		host_give_up(s, h, why);
		break;
	}
}

static void check_done(struct shard *s)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(s->multi, &left))) {
		struct xfer *x = NULL;
		struct host *h;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		h = x->host;
		if (x->job)
			page_done(s, x, m->data.result);
		else
			robots_done(s, x, m->data.result);
		xfer_release(&s->xp, x);
		sched_finished(&s->sc, h);
	}
}

/* ---- starting transfers ---- */

/*
 * Start a transfer on h.  Its connection is kept for reuse only if a job
 * queued on the host is there to take it (more queued than in flight):
 * libcurl 7.88 closes an overflowing cache's oldest idle connection in a
 * way that leaves that host's empty bundle in its connection hash for
 * good, and walks the whole hash for every later overflow
 * (Curl_conncache_extract_oldest), so idle connections of finished hosts
 * made each URL cost more than the one before.  A connection closed at the
 * end of its transfer goes the other way, which frees the bundle.
 */
static void start(struct shard *s, struct host *h, struct job *j, const char *url,
		  uint64_t now)
{
	int reuse = h->queued > (uint32_t)h->active;

	if (j)
		j->attempts++;
	sched_started(&s->sc, h, now);
	xfer_start(&s->xp, h, j, url, reuse);
}

/*
 * The shard's transfer limit (its share of -c): the scheduler starts
 * nothing above it, and libcurl's connection cache follows it.
 */
static void set_concurrency(struct shard *s, int n)
{
	sched_set_limit(&s->sc, n);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)n * 2);
}

/* Start what may start: due retries back in their queues, then transfers
 * while the shard, a host, the rate and the output queue have room. */
static void schedule(struct shard *s)
{
	uint64_t now = now_us(), when;
	struct job *j;
	struct host *h;

	sched_expire(&s->sc, now);
	while ((j = sched_due(&s->sc, now)))
		job_queue(s, j->host, j, 0);
	while (frame_pending(&s->out) < OUT_SOFT_MAX &&
	       (h = sched_next(&s->sc, now, &when))) {
		if (h->state == HOST_NEW) {
			char url[SC_URL_MAX + 16];

			robotsfetch_url(h->head->url, url, sizeof(url));
			sched_set_state(&s->sc, h, HOST_ROBOTS);
			start(s, h, NULL, url, now);
			continue;
		}
		j = sched_pop(&s->sc, h);
		if (h->robots && !robots_allowed(h->robots, robotsfetch_path(j->url))) {
			job_fail(s, j, 0, "robots: disallowed by robots.txt");
			continue;
		}
		start(s, h, j, j->url, now);
	}
}

/* ---- the coordinator pipes ---- */

static void take_urls(struct shard *s, const struct frame *f)
{
	struct msg_urls_iter it;
	struct msg_url u;
	char key[SC_HOST_MAX + 16];
	int n = msg_urls_open(&it, f->body, f->body_len);

	if (n < 0) {
		log_error("malformed url batch from the coordinator");
		s->failed = 1;
		return;
	}
	while (n-- > 0) {
		struct job *j;
		struct host *h;

		if (msg_urls_get(&it, &u)) {
			log_error("malformed url batch from the coordinator");
			s->failed = 1;
			return;
		}
		j = job_new(u.id, u.url, u.depth, u.flags);
		if (url_host_key(j->url, key, sizeof(key)) < 0) {
			job_fail(s, j, 0, "url: no host");
			continue;
		}
		h = sched_host(&s->sc, key, s->cfg->robots ? HOST_NEW : HOST_OPEN);
		if (!h->gap_us && s->gap_us)
			h->gap_us = s->gap_us;
		job_queue(s, h, j, 0);
	}
}

static void read_input(struct shard *s)
{
	struct frame f;
	int rc = frame_read(&s->in), nrc;

	while ((nrc = frame_next(&s->in, &f)) == 0) {
		struct msg_share sh;

		if (f.type == MSG_URLS) {
			take_urls(s, &f);
		} else if (f.type == MSG_SHARE && msg_share_decode(f.body, f.body_len, &sh) == 0) {
			sched_set_rate_gap(&s->sc, sh.rate_gap_us);
			if ((int)sh.concurrency != s->sc.limit)
				set_concurrency(s, (int)sh.concurrency);
			log_debug("share: a start every %llu us, %u in flight",
				  (unsigned long long)sh.rate_gap_us, sh.concurrency);
		} else {
			log_error("unexpected frame type %d from the coordinator", f.type);
			s->failed = 1;
		}
		if (s->failed)
			return;
	}
	if (nrc != SC_EAGAIN) {
		log_error("bad frame from the coordinator: %s", sc_strerror(nrc));
		s->failed = 1;
		return;
	}
	if (rc == SC_EEOF || rc == SC_EIO) {
		/* the coordinator is done with us: finish what we hold */
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->in_fd, NULL);
		s->in_open = 0;
	}
}

static void flush_output(struct shard *s)
{
	int rc = frame_flush(&s->out);
	int want = rc == SC_EAGAIN;
	struct epoll_event ev;

	if (rc == SC_EIO) {
		log_error("cannot write to the coordinator: %s", strerror(errno));
		s->failed = 1;
		return;
	}
	if (want == s->out_watched)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = s->out_fd;
	ev.events = EPOLLOUT;
	epoll_ctl(s->epfd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->out_fd, &ev);
	s->out_watched = want;
}

/* ---- set-up, loop, tear-down ---- */

static int shard_setup(struct shard *s, const struct shard_config *cfg,
		       int in_fd, int out_fd)
{
	struct epoll_event ev;
	double gap = 0;

	memset(s, 0, sizeof(*s));
	s->epfd = -1;
	s->cfg = cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->curl_deadline = UINT64_MAX;
	policy_init(&s->pol, cfg, (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ now_us());
	frame_reader_init(&s->in, in_fd, MSG_TYPE_MAX, 0);
	frame_writer_init(&s->out, out_fd);
	sched_init(&s->sc, cfg->per_host, cfg->rate);
	if (cfg->delay_ms > 0)
		gap = (double)cfg->delay_ms * 1000;
	if (cfg->host_rate > 0 && 1e6 / cfg->host_rate > gap)
		gap = 1e6 / cfg->host_rate;
	s->gap_us = (uint64_t)(gap + 0.5);
	page_worker_init(&s->pw, cfg->warc_level, cfg->max_size);

	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->multi = curl_multi_init();
	xfer_pool_init(&s->xp, cfg, s->multi);
	if (s->epfd < 0 || !s->multi) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->per_host);
	set_concurrency(s, cfg->concurrency);

	memset(&ev, 0, sizeof(ev));
	ev.data.fd = in_fd;
	ev.events = EPOLLIN;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, in_fd, &ev) < 0) {
		log_error("cannot watch the coordinator pipe: %s", strerror(errno));
		return -1;
	}
	s->in_open = 1;
	return 0;
}

static void shard_teardown(struct shard *s)
{
	log_debug("%llu connections closed by libcurl's cache overflowing, "
		  "%llu idle hosts forgotten", (unsigned long long)s->xp.evictions,
		  (unsigned long long)s->sc.expired);
	sched_release(&s->sc);
	xfer_pool_release(&s->xp);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	if (s->epfd >= 0)
		close(s->epfd);
	frame_reader_release(&s->in);
	frame_writer_release(&s->out);
	page_worker_release(&s->pw);
}

/* epoll_wait's timeout: until libcurl's timer, a host's turn or a retry. */
static int loop_timeout(struct shard *s)
{
	uint64_t now = now_us(), next = s->curl_deadline, when;

	sched_next(&s->sc, now, &when);
	if (when < next)
		next = when;
	when = sched_next_due(&s->sc);
	if (when < next)
		next = when;
	if (next == UINT64_MAX)
		return 1000;
	if (next <= now)
		return 0;
	next = (next - now + 999) / 1000;   /* round up: never wake too early */
	return next > 1000 ? 1000 : (int)next;
}

int shard_main(const struct shard_config *cfg, int in_fd, int out_fd,
	       const struct shard_mesh *mesh)
{
	struct shard s;
	struct epoll_event ev[EVENTS_MAX];
	int running = 0, rc = 1;

	(void)mesh;
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		return 1;
	}
	if (shard_setup(&s, cfg, in_fd, out_fd))
		goto out;
	msg_hello_encode(&s.pw.msg, (uint32_t)cfg->index, (uint32_t)getpid());
	frame_queue(&s.out, MSG_HELLO, s.pw.msg.data, s.pw.msg.len, NULL, 0);

	while (!s.failed) {
		int i, n;

		schedule(&s);
		flush_output(&s);
		if (!s.in_open && !s.xp.active && !s.sc.queued && !s.sc.ndelayed &&
		    !frame_pending(&s.out))
			break;
		n = epoll_wait(s.epfd, ev, EVENTS_MAX, loop_timeout(&s));
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < n; i++) {
			int fd = ev[i].data.fd, flags = 0;

			if (fd == in_fd) {
				read_input(&s);
				continue;
			}
			if (fd == out_fd) {
				flush_output(&s);
				continue;
			}
			if (ev[i].events & (EPOLLIN | EPOLLHUP))
				flags |= CURL_CSELECT_IN;
			if (ev[i].events & EPOLLOUT)
				flags |= CURL_CSELECT_OUT;
			if (ev[i].events & EPOLLERR)
				flags |= CURL_CSELECT_ERR;
			curl_multi_socket_action(s.multi, fd, flags, &running);
		}
		if (now_us() >= s.curl_deadline) {
			s.curl_deadline = UINT64_MAX;
			curl_multi_socket_action(s.multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		check_done(&s);
	}
	rc = s.failed;
out:
	shard_teardown(&s);
	curl_global_cleanup();
	return rc;
}
