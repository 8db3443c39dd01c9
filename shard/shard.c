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
 *   peer.h         the mesh: finished pages handed to other shards for
 *                  their CPU work, and theirs done here
 *
 * Data flow for one URL: a MSG_URLS batch puts a job on its host's queue;
 * schedule() starts a transfer when the shard and the host both have a free
 * slot and the host's next-allowed time has come; when libcurl says it is
 * done, the policy decides, and a response that ends its URL goes through
 * page_process(), here or on a peer shard, and one MSG_RESULT goes to the
 * coordinator.
 *
 * epoll's data tells the fds apart: a libcurl socket is its fd (with the
 * tag of its multi handle), the pipes and the peers' sockets carry a tag
 * in the upper 32 bits.
 */
#include "shard/shard.h"

#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/links.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/robots.h"
#include "common/sitemap.h"
#include "common/url.h"
#include "shard/page.h"
#include "shard/peer.h"
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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Stop starting transfers while this many result bytes wait for the pipe. */
#define OUT_SOFT_MAX   (64u << 20)
#define EVENTS_MAX     256

#define EV_TAG         0xffffffff00000000ull
#define EV_CURL0       0ull
#define EV_IN          (1ull << 32)
#define EV_OUT         (2ull << 32)
#define EV_PEER        (3ull << 32)
#define EV_CURL1       (4ull << 32)

struct shard;

/*
 * A libcurl multi handle.  New transfers go to the shard's current one; the
 * other, when open, only finishes the transfers it has and is then closed.
 * The shard moves to a fresh handle after SC_CURL_RECYCLE connections were
 * closed because the connection cache was full: libcurl 7.88 leaves the
 * empty bundle of each such connection's host in its connection hash
 * (Curl_conncache_extract_oldest takes the connection out without it) and
 * walks the whole hash at every later overflow, so without a fresh handle
 * now and then a crawl of many hosts pays more per URL the longer it runs.
 */
struct multi {
	struct shard *s;
	CURLM *m;               /* NULL: not open */
	uint64_t tag;           /* epoll data of its sockets: tag | fd */
	int active;             /* transfers on it */
	uint64_t deadline;      /* when it wants its timeout action (us) */
};

struct shard {
	const struct shard_config *cfg;
	struct multi mu[2];
	int cur;                /* the multi handle new transfers go to */
	uint64_t evict_mark;    /* xp.evictions when mu[cur] opened */
	uint64_t recycled;      /* multi handles replaced */
	int epfd;
	int in_fd, out_fd;
	struct frame_reader in;
	struct frame_writer out;
	int in_open;            /* in_fd still in the epoll set */
	int out_watched;        /* EPOLLOUT registered on out_fd */
	int failed;             /* stop: the coordinator is gone or broken */

	struct sched sc;
	struct xfer_pool xp;
	struct policy pol;
	struct page_worker pw;
	struct peers peers;
	uint64_t gap_us;        /* default per-host gap (--delay, --host-rate) */
	int load_sent;          /* transfers last reported (MSG_LOAD) */
	uint64_t load_at;       /* when, µs */
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
	struct multi *mu = arg;
	struct shard *s = mu->s;
	struct epoll_event ev;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = mu->tag | (uint32_t)fd;
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
		    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	/* libcurl keeps sockp until the socket's CURL_POLL_REMOVE: set, the
	 * socket is in the epoll set already (one call, not a failed MOD and
	 * an ADD for every reuse of a connection) */
	if (sockp) {
		if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		return 0;
	}
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 && errno == EEXIST)
		epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev);
	curl_multi_assign(mu->m, fd, mu);
	return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *arg)
{
	struct multi *mu = arg;

	(void)m;
	mu->deadline = timeout_ms < 0 ? UINT64_MAX : now_us() + (uint64_t)timeout_ms * 1000;
	return 0;
}

/* Open multi handle i with the shard's settings.  0, or -1. */
static int multi_open(struct shard *s, int i)
{
	struct multi *mu = &s->mu[i];

	mu->s = s;
	mu->tag = i ? EV_CURL1 : EV_CURL0;
	mu->active = 0;
	mu->deadline = UINT64_MAX;
	mu->m = curl_multi_init();
	if (!mu->m)
		return -1;
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETDATA, mu);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERDATA, mu);
	curl_multi_setopt(mu->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)s->cfg->per_host);
	/* at most limit connections in use: as many again may wait idle for
	 * their hosts' next jobs (see start()) */
	curl_multi_setopt(mu->m, CURLMOPT_MAXCONNECTS, (long)s->sc.limit * 2);
	return 0;
}

/* Move new transfers to a fresh multi handle once the current one has seen
 * SC_CURL_RECYCLE cache overflows (the other must be closed by then). */
static void multi_recycle(struct shard *s)
{
	int next = !s->cur;

	if (s->mu[next].m || s->xp.evictions - s->evict_mark < SC_CURL_RECYCLE ||
	    multi_open(s, next))
		return;
	s->cur = next;
	s->xp.multi = s->mu[next].m;
	s->evict_mark = s->xp.evictions;
	s->recycled++;
	log_debug("new libcurl multi handle after %d cache overflows", SC_CURL_RECYCLE);
}

/* Close the other multi handle once its last transfer is done. */
static void multi_reap(struct shard *s)
{
	struct multi *old = &s->mu[!s->cur];

	if (old->m && !old->active) {
		curl_multi_cleanup(old->m);
		old->m = NULL;
		old->deadline = UINT64_MAX;
	}
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
	char why[256];
	int k;

	policy_page(&s->pol, x, rc, now_us(), &o);
	switch (o.verdict) {
	case POLICY_RESULT:
		/* a type left out: not stored, not followed; its status stays */
		if (xfer_type_rejected(x, why, sizeof(why))) {
			job_fail(s, j, (uint32_t)o.status, why);
			break;
		}
		k = peers_pick(&s->peers, x->req.len + x->hdr.len + x->body.len, now_us());
		if (k >= 0 && peers_hand(&s->peers, k, x, o.status, o.why, &s->pw,
					 &s->out) == 0)
			break;
		xfer_capture(x, o.status, o.why, &in);
		page_process(&s->pw, &in, &s->out);
		free(j);
		/* while this shard works, the peers it fed may be done */
		peers_poll_full(&s->peers, &s->pw, &s->out);
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

/* --sitemaps: the Sitemap lines of a robots.txt that was read, to the
 * coordinator (the page worker's buffers are free between pages). */
static void robots_sitemaps(struct shard *s, struct xfer *x)
{
	struct msg_found m;
	struct buf chunks, plain;
	const char *body;
	char *url = NULL;
	long status = xfer_status(x);
	size_t len, found;

	if (!s->cfg->sitemaps || status < 200 || status >= 300)
		return;
	robotsfetch_body(x, &chunks, &plain, &body, &len);
	found = sitemap_robots(&s->pw.links, body, len);
	buf_release(&chunks);
	buf_release(&plain);
	if (!found)
		return;
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	m.from = url ? url : "";
	m.nurls = (uint32_t)s->pw.links.count;
	m.urls = s->pw.links.urls.data;
	m.urls_len = s->pw.links.urls.len;
	if (m.nurls && msg_found_encode(&s->pw.msg, &m) == 0)
		frame_queue(&s->out, MSG_FOUND, s->pw.msg.data, s->pw.msg.len, NULL, 0);
	links_reset(&s->pw.links);
}

/* A robots.txt that got a response: its records go to the WARC files. */
static void robots_archive(struct shard *s, struct xfer *x)
{
	long status = xfer_status(x);
	struct page_in in;
	char *norm = NULL;

	if (status <= 0 || x->hdr.len == 0 || x->req.len == 0)
		return;
	xfer_capture(x, status, NULL, &in);
	if (url_normalize(in.url, &norm) == 0)
		in.url = norm;
	if (in.url[0])
		page_robots(&s->pw, &in, &s->out);
	free(norm);
}

/* robots.txt answered (or not): open the host, or try again later. */
static void robots_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	struct host *h = x->host;
	char why[POLICY_WHY_MAX];
	uint64_t at = 0, now = now_us();

	robots_archive(s, x);
	switch (robotsfetch_done(&s->pol, x, rc, now, &at, why, sizeof(why))) {
	case ROBOTSFETCH_OPEN:
		h->next_us = at;
		sched_rules_read(&s->sc, h, now);
		robots_sitemaps(s, x);
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
	int left, i;

	for (i = 0; i < 2; i++) {
		while (s->mu[i].m && (m = curl_multi_info_read(s->mu[i].m, &left))) {
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
			s->mu[i].active--;
			sched_finished(&s->sc, h);
		}
	}
	multi_reap(s);
}

/* ---- starting transfers ---- */

/*
 * Start a transfer on h.  Its connection is closed at its end when the host
 * has nothing else queued or in flight: on a list of one URL per host
 * every connection would otherwise wait idle until the cache overflows,
 * and each overflow costs a walk of libcurl's connection hash and may
 * leave a bundle in it (struct multi).  A connection closed at the end of
 * its transfer frees its bundle.  A host with more work keeps its
 * connections: a busy host's queue runs dry for a moment often, and a new
 * connection each time halved a one-host crawl's pages/s.
 */
static void start(struct shard *s, struct host *h, struct job *j, const char *url,
		  uint64_t now)
{
	int reuse = h->queued > 0 || h->active > 0;

	if (j)
		j->attempts++;
	sched_started(&s->sc, h, now);
	multi_recycle(s);
	xfer_start(&s->xp, h, j, url, reuse);
	s->mu[s->cur].active++;
}

/*
 * The shard's transfer limit (its share of -c): the scheduler starts
 * nothing above it, and libcurl's connection cache follows it.
 */
static void set_concurrency(struct shard *s, int n)
{
	int i;

	sched_set_limit(&s->sc, n);
	for (i = 0; i < 2; i++)
		if (s->mu[i].m)
			curl_multi_setopt(s->mu[i].m, CURLMOPT_MAXCONNECTS, (long)n * 2);
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
		j = job_new_cond(u.id, u.url, u.referrer, u.etag, u.last_modified,
				 u.depth, u.flags);
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
	ev.data.u64 = EV_OUT;
	ev.events = EPOLLOUT;
	epoll_ctl(s->epfd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->out_fd, &ev);
	s->out_watched = want;
}

/* ---- set-up, loop, tear-down ---- */

static int shard_setup(struct shard *s, const struct shard_config *cfg,
		       int in_fd, int out_fd, const struct shard_mesh *mesh)
{
	struct epoll_event ev;
	double gap = 0;

	memset(s, 0, sizeof(*s));
	s->epfd = -1;
	s->cfg = cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	policy_init(&s->pol, cfg, (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ now_us());
	frame_reader_init(&s->in, in_fd, MSG_TYPE_MAX, 0);
	frame_writer_init(&s->out, out_fd);
	sched_init(&s->sc, cfg->per_host, cfg->rate);
	if (cfg->delay_ms > 0)
		gap = (double)cfg->delay_ms * 1000;
	if (cfg->host_rate > 0 && 1e6 / cfg->host_rate > gap)
		gap = 1e6 / cfg->host_rate;
	s->gap_us = (uint64_t)(gap + 0.5);
	page_worker_init(&s->pw, cfg->warc_level, cfg->max_size,
			 cfg->obey_rel_nofollow ? LINKS_OBEY_REL_NOFOLLOW : 0,
			 cfg->rules, cfg->extract_only);

	sched_set_limit(&s->sc, cfg->concurrency);
	s->mu[0].deadline = s->mu[1].deadline = UINT64_MAX;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || multi_open(s, 0)) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	xfer_pool_init(&s->xp, cfg, s->mu[0].m);

	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = EV_IN;
	ev.events = EPOLLIN;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, in_fd, &ev) < 0) {
		log_error("cannot watch the coordinator pipe: %s", strerror(errno));
		return -1;
	}
	s->in_open = 1;
	peers_init(&s->peers, mesh, cfg->index, s->epfd, EV_PEER, cfg->max_size);
	return 0;
}

static void shard_teardown(struct shard *s)
{
	struct rusage ru;
	int i;

	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_SELF, &ru);
	log_debug("processed %llu pages (%llu for peers); handed %llu to peers, "
		  "%llu back, %llu taken back; cpu %.2f s", (unsigned long long)s->pw.processed,
		  (unsigned long long)s->peers.served, (unsigned long long)s->peers.handed,
		  (unsigned long long)s->peers.returned,
		  (unsigned long long)s->peers.taken_back,
		  (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	log_debug("%llu connections closed by libcurl's cache overflowing, %llu "
		  "multi handles replaced, %llu idle hosts forgotten",
		  (unsigned long long)s->xp.evictions, (unsigned long long)s->recycled,
		  (unsigned long long)s->sc.expired);
	peers_release(&s->peers);
	sched_release(&s->sc);
	xfer_pool_release(&s->xp);
	for (i = 0; i < 2; i++)
		if (s->mu[i].m)
			curl_multi_cleanup(s->mu[i].m);
	if (s->epfd >= 0)
		close(s->epfd);
	frame_reader_release(&s->in);
	frame_writer_release(&s->out);
	page_worker_release(&s->pw);
}

/*
 * Tell the coordinator how many transfers run now, when that changed and
 * SC_LOAD_REPORT_MS passed since the last report (at once when it fell to
 * 0, so an idle shard never shows as busy).
 */
static void report_load(struct shard *s)
{
	uint64_t now;

	if (s->xp.active == s->load_sent)
		return;
	now = now_us();
	if (s->xp.active && now - s->load_at < SC_LOAD_REPORT_MS * 1000ull)
		return;
	msg_load_encode(&s->pw.msg, (uint32_t)s->xp.active);
	frame_queue(&s->out, MSG_LOAD, s->pw.msg.data, s->pw.msg.len, NULL, 0);
	s->load_sent = s->xp.active;
	s->load_at = now;
}

/* epoll_wait's timeout: until libcurl's timer, a host's turn or a retry. */
static int loop_timeout(struct shard *s)
{
	uint64_t now = now_us(), when;
	uint64_t next = s->mu[0].deadline < s->mu[1].deadline ?
			s->mu[0].deadline : s->mu[1].deadline;

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

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		return 1;
	}
	if (shard_setup(&s, cfg, in_fd, out_fd, mesh))
		goto out;
	msg_hello_encode(&s.pw.msg, (uint32_t)cfg->index, (uint32_t)getpid());
	frame_queue(&s.out, MSG_HELLO, s.pw.msg.data, s.pw.msg.len, NULL, 0);
	log_debug("up: pid %d, %d peers", (int)getpid(), s.peers.live);

	while (!s.failed) {
		int i, n;

		schedule(&s);
		report_load(&s);
		flush_output(&s);
		/* done: nothing held, nothing handed to a peer unanswered, every
		 * result written (a peer's works still coming in are its to take
		 * back once we are gone) */
		if (!s.in_open && !s.xp.active && !s.sc.queued && !s.sc.ndelayed &&
		    !frame_pending(&s.out) && !peers_outstanding(&s.peers) &&
		    !peers_pending(&s.peers))
			break;
		n = epoll_wait(s.epfd, ev, EVENTS_MAX, loop_timeout(&s));
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64 & EV_TAG;
			int fd = (int)(uint32_t)ev[i].data.u64, flags = 0;
			struct multi *mu;

			if (tag == EV_IN) {
				read_input(&s);
				continue;
			}
			if (tag == EV_OUT) {
				flush_output(&s);
				continue;
			}
			if (tag == EV_PEER) {
				peers_event(&s.peers, fd, ev[i].events, &s.pw, &s.out);
				continue;
			}
			mu = &s.mu[tag == EV_CURL1];
			if (!mu->m)
				continue;
			if (ev[i].events & (EPOLLIN | EPOLLHUP))
				flags |= CURL_CSELECT_IN;
			if (ev[i].events & EPOLLOUT)
				flags |= CURL_CSELECT_OUT;
			if (ev[i].events & EPOLLERR)
				flags |= CURL_CSELECT_ERR;
			curl_multi_socket_action(mu->m, fd, flags, &running);
		}
		for (i = 0; i < 2; i++) {
			if (s.mu[i].m && now_us() >= s.mu[i].deadline) {
				s.mu[i].deadline = UINT64_MAX;
				curl_multi_socket_action(s.mu[i].m, CURL_SOCKET_TIMEOUT, 0,
							 &running);
			}
		}
		check_done(&s);
	}
	rc = s.failed;
out:
	shard_teardown(&s);
	curl_global_cleanup();
	return rc;
}
