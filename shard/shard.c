/*
 * shard.c - the worker: a curl_multi event loop over epoll.
 *
 * Data flow for one URL: a MSG_URLS batch puts a job on its host's queue;
 * the scheduler starts a transfer when the shard and the host both have a
 * free slot and the host's next-allowed time has come; libcurl calls back
 * with the raw request, headers and body; when the transfer is done the
 * WARC records are built and gzipped, links extracted, and one MSG_RESULT
 * is queued for the coordinator.
 *
 * The ready heap holds every host that could start a transfer (queued jobs,
 * a free per-host slot) ordered by the time it may next start one, so the
 * scheduler never scans idle or busy hosts and a delayed host never holds
 * up another.
 */
#include "shard/shard.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/links.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/url.h"
#include "common/warc.h"
#include "common/robots.h"
#include "shard/sched.h"

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
/* A body buffer larger than this is freed after its transfer. */
#define BODY_KEEP      (1u << 20)
#define EVENTS_MAX     256

struct xfer {
	CURL *easy;
	struct xfer *next_free;
	struct job *job;        /* NULL for a robots.txt transfer */
	struct host *host;
	struct buf req;         /* request headers as sent */
	struct buf hdr;         /* response headers as received */
	struct buf body;        /* response body as received */
	struct timespec start;
	int truncated;          /* body reached its cap */
	int hdr_overflow;       /* headers reached SC_HEADERS_MAX */
	char errbuf[CURL_ERROR_SIZE];
};

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
	uint64_t rng;           /* backoff jitter */

	struct sched sc;
	struct xfer *free_xfers;
	int active;
	uint64_t gap_us;        /* default per-host gap (--delay, --host-rate) */

	struct curl_slist *headers;
	struct curl_slist *resolve;

	struct warc_writer warc;
	struct links links;
	struct buf blob;        /* WARC members of one result */
	struct buf msg;         /* encoded result body */
	struct buf payload;     /* de-chunked body */
	struct buf parse;       /* content-decoded HTML for the link parser */
};

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* Exponential backoff with jitter: base * 2^(n-1) * [0.5, 1.5), capped at an hour. */
static uint64_t backoff_us(struct shard *s, uint32_t n)
{
	uint64_t base = (uint64_t)s->cfg->retry_wait_ms * 1000, d;
	double jitter;

	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	jitter = 0.5 + (double)(s->rng >> 11) / (double)(1ull << 53);
	if (n > 20)
		n = 20;
	d = base << (n ? n - 1 : 0);
	if (d > 3600ull * 1000000)
		d = 3600ull * 1000000;
	return (uint64_t)((double)d * jitter);
}

/* ---- libcurl callbacks ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, kept = buf_append_upto(&x->body, p, len);

	if (kept < len) {
		x->truncated = 1;
		return 0;       /* abort: the rest would be cut anyway */
	}
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	/* an interim (1xx) response is followed by the final one: keep the last */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		buf_reset(&x->hdr);
	if (buf_append(&x->hdr, p, len)) {
		x->hdr_overflow = 1;
		return 0;
	}
	return len;
}

static int on_debug(CURL *e, curl_infotype type, char *p, size_t n, void *arg)
{
	struct xfer *x = arg;

	(void)e;
	if (type == CURLINFO_HEADER_OUT)
		buf_append_upto(&x->req, p, n);
	return 0;
}

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

/* ---- transfers ---- */

static struct xfer *xfer_new(struct shard *s)
{
	const struct shard_config *cfg = s->cfg;
	struct xfer *x = xcalloc(1, sizeof(*x));
	CURL *e = curl_easy_init();

	if (!e)
		SC_ASSERT(!"curl_easy_init");
	x->easy = e;
	buf_init(&x->req, SC_REQUEST_MAX);
	buf_init(&x->hdr, SC_HEADERS_MAX);
	buf_init(&x->body, (size_t)cfg->max_size);
	/* options that never change between the transfers of this handle */
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);  /* for on_debug's request bytes */
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
	/* HTTP/1.1 so the stored response is the byte stream received */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_USERAGENT, cfg->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, cfg->timeout_s);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout_s);
	/* a server trickling bytes must not hold a slot forever */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, cfg->low_speed);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, cfg->low_speed_time);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)SC_ROBOTS_REDIRECTS);
	if (s->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	if (s->resolve)
		curl_easy_setopt(e, CURLOPT_RESOLVE, s->resolve);
	if (cfg->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return x;
}

static void xfer_free(struct xfer *x)
{
	curl_easy_cleanup(x->easy);
	buf_release(&x->req);
	buf_release(&x->hdr);
	buf_release(&x->body);
	free(x);
}

/*
 * Start a transfer on host h: a page (j) or, when j is NULL, the host's
 * robots.txt at url.  Pages keep the bytes as the server sent them (the WARC
 * record must agree with its own headers; the shard undoes the codings
 * itself) and never follow redirects (targets go back to the coordinator);
 * robots.txt is decoded by libcurl and follows up to 5 redirects (RFC 9309).
 */
static void xfer_start(struct shard *s, struct host *h, struct job *j,
		       const char *url, uint64_t now)
{
	struct xfer *x = s->free_xfers;
	long page = j != NULL;

	if (x)
		s->free_xfers = x->next_free;
	else
		x = xfer_new(s);
	x->job = j;
	x->host = h;
	buf_reset(&x->req);
	buf_reset(&x->hdr);
	buf_reset(&x->body);
	x->body.cap = page ? (size_t)s->cfg->max_size : SC_ROBOTS_MAX;
	x->truncated = 0;
	x->hdr_overflow = 0;
	x->errbuf[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &x->start);
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, !page);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_CONTENT_DECODING, !page);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_TRANSFER_DECODING, !page);
	if (j)
		j->attempts++;
	s->active++;
	sched_started(&s->sc, h, now);
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK)
		SC_ASSERT(!"curl_multi_add_handle");
	log_debug("start '%s'", url);
}

/* Give a transfer's handle back to the pool and free its host slot. */
static void xfer_release(struct shard *s, struct xfer *x)
{
	struct host *h = x->host;

	curl_multi_remove_handle(s->multi, x->easy);
	if (x->body.alloc > BODY_KEEP)
		buf_release(&x->body);
	x->job = NULL;
	x->host = NULL;
	x->next_free = s->free_xfers;
	s->free_xfers = x;
	s->active--;
	sched_finished(&s->sc, h);
}

/* What a failed transfer's error says; "kind: detail". */
static const char *fail_kind(const struct xfer *x, CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:  return "dns";
	case CURLE_COULDNT_CONNECT:        return "connect";
	case CURLE_OPERATION_TIMEDOUT:     return "timeout";
	case CURLE_GOT_NOTHING:            return "empty-reply";
	case CURLE_PARTIAL_FILE:           return "partial";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:             return "network";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:     return "tls";
	case CURLE_WRITE_ERROR:
		return x->hdr_overflow ? "headers-too-large" : "write";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:          return "url";
	default:                           return "http";
	}
}

static void xfer_reason(const struct xfer *x, CURLcode rc, char *out, size_t n)
{
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	size_t len;

	if (x->hdr_overflow)
		detail = "response headers over the cap";
	snprintf(out, n, "%s: %s", fail_kind(x, rc), detail);
	/* error buffers may end with a newline */
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
}

/* Failures worth another try: the next attempt may well succeed. */
static int transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

static void send_result(struct shard *s, const struct msg_result *r,
			const void *blob, size_t blob_len)
{
	if (msg_result_encode(&s->msg, r) ||
	    frame_queue(&s->out, MSG_RESULT, s->msg.data, s->msg.len, blob, blob_len)) {
		/* cannot happen with the caps in limits.h; never lose the URL */
		struct msg_result e = { .id = r->id, .error = "internal: result too large" };
		SC_ASSERT(msg_result_encode(&s->msg, &e) == 0);
		SC_ASSERT(frame_queue(&s->out, MSG_RESULT, s->msg.data, s->msg.len,
				      NULL, 0) == 0);
	}
}

/* A job ends without a response: report why, free it. */
static void job_fail(struct shard *s, struct job *j, uint32_t status, const char *why)
{
	struct msg_result r;

	memset(&r, 0, sizeof(r));
	r.id = j->id;
	r.status = status;
	r.attempts = j->attempts;
	r.error = why;
	log_debug("fail '%s': %s", j->url, why);
	send_result(s, &r, NULL, 0);
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

/* Extract the links of an HTML response into s->links. */
static void xfer_links(struct shard *s, struct xfer *x, const char *pay,
		       size_t pay_len, struct msg_result *r)
{
	const char *enc = "";
	size_t enc_len = 0;
	int complete;

	if (!http_header(x->hdr.data, x->hdr.len, "Content-Encoding", &enc, &enc_len))
		enc_len = 0;
	buf_reset(&s->parse);
	if (http_decode(enc, enc_len, pay, pay_len, &s->parse, &complete)) {
		log_debug("cannot decode '%.*s' body of '%s'", (int)enc_len, enc,
			  x->job->url);
		return;
	}
	if (links_extract(&s->links, s->parse.data, s->parse.len, x->job->url))
		return;
	if (s->links.nofollow)
		r->flags |= MSG_RES_NOFOLLOW;
	if (s->links.truncated) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped = (uint32_t)s->links.dropped;
		log_info("'%s': %zu links over the per-page cap dropped",
			 x->job->url, s->links.dropped);
	}
	r->nlinks = (uint32_t)s->links.count;
	r->links = s->links.urls.data;
	r->links_len = s->links.urls.len;
}

/*
 * A page response that ends its URL: build the WARC records, find the
 * redirect target and the links, send the result.  error, when not NULL,
 * says why the response is a failure all the same (5xx after the retries).
 */
static void page_result(struct shard *s, struct xfer *x, long status,
			const char *error)
{
	struct job *j = x->job;
	struct msg_result r;
	struct warc_fetch f;
	char digest[WARC_DIGEST_LEN];
	char *location = NULL, *ctype = NULL, *ip = NULL;
	const char *te, *loc, *pay = x->body.data;
	size_t te_len, loc_len, pay_len = x->body.len, req_len, resp_len;
	double total = 0;
	int complete;

	memset(&r, 0, sizeof(r));
	r.id = j->id;
	r.attempts = j->attempts;
	r.status = (uint32_t)status;
	r.error = error;
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &total);
	curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	r.fetch_ms = (uint32_t)(total * 1000);
	r.ip = ip ? ip : "";
	r.content_type = ctype ? ctype : "";
	r.bytes = x->body.len;
	if (x->truncated)
		r.flags |= MSG_RES_TRUNCATED;
	buf_reset(&s->blob);
	if (http_header(x->hdr.data, x->hdr.len, "Transfer-Encoding", &te, &te_len) &&
	    http_has_token(te, te_len, "chunked")) {
		buf_reset(&s->payload);
		http_dechunk(x->body.data, x->body.len, &s->payload, &complete);
		pay = s->payload.data;
		pay_len = s->payload.len;
		r.bytes = pay_len;
	}
	memset(&f, 0, sizeof(f));
	f.uri = j->url;
	f.ip = r.ip;
	f.start = x->start;
	f.req = x->req.data;
	f.req_len = x->req.len;
	f.resp_hdr = x->hdr.data;
	f.resp_hdr_len = x->hdr.len;
	f.body = x->body.data;
	f.body_len = x->body.len;
	f.payload = pay;
	f.payload_len = pay_len;
	f.truncated = x->truncated;
	if (warc_fetch_records(&s->warc, &f, &s->blob, &req_len, &resp_len, digest) == 0) {
		r.warc_req_len = (uint32_t)req_len;
		r.warc_resp_len = (uint32_t)resp_len;
		r.digest = digest;
	} else {
		r.error = "internal: warc record too large";
	}
	if (status >= 300 && status < 400 &&
	    http_header(x->hdr.data, x->hdr.len, "Location", &loc, &loc_len) &&
	    loc_len < SC_URL_MAX) {
		char tmp[SC_URL_MAX];
		memcpy(tmp, loc, loc_len);
		tmp[loc_len] = '\0';
		if (url_resolve(j->url, tmp, &location) == 0)
			r.location = location;
	}
	if (status >= 200 && status < 300 && !(j->flags & MSG_URL_NOLINKS) &&
	    http_is_html(r.content_type))
		xfer_links(s, x, pay, pay_len, &r);
	log_debug("done '%s' %u %s", j->url, r.status, r.error ? r.error : "");
	send_result(s, &r, s->blob.data, s->blob.len);
	free(location);
	links_reset(&s->links);
	free(j);
}

/* The policy for a finished page transfer: done, retried, or waited for. */
static void page_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	const struct shard_config *cfg = s->cfg;
	struct job *j = x->job;
	struct host *h = x->host;
	long status = 0;
	char why[CURL_ERROR_SIZE + 96];
	uint64_t now = now_us();
	int ok = rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x->truncated);

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (ok && status > 0 && x->hdr.len) {
		h->fail_streak = 0;
		if ((status == 429 || status == 503) && j->throttled < SC_THROTTLE_MAX) {
			/* the whole host waits as asked, then this URL goes first */
			const char *v;
			size_t vlen;
			long secs = -1;
			uint64_t wait;

			if (http_header(x->hdr.data, x->hdr.len, "Retry-After", &v, &vlen))
				secs = http_retry_after(v, vlen, (long)time(NULL));
			j->throttled++;
			if (secs >= 0)
				wait = (uint64_t)(secs < cfg->max_retry_after_s ?
						  secs : cfg->max_retry_after_s) * 1000000;
			else
				wait = backoff_us(s, j->throttled);
			log_info("'%s': HTTP %ld, host '%s' waits %.1f s", j->url, status,
				 h->key, (double)wait / 1e6);
			if (h->next_us < now + wait)
				h->next_us = now + wait;
			sched_push(&s->sc, h, j, 1);
			return;
		}
		if (status >= 500 && status != 503 && (int)j->attempts <= cfg->retries) {
			sched_delay(&s->sc, j, now + backoff_us(s, j->attempts));
			return;
		}
		if (status == 429 || status == 503) {
			snprintf(why, sizeof(why), "throttled: still HTTP %ld after %u waits",
				 status, j->throttled);
			page_result(s, x, status, why);
		} else if (status >= 500) {
			snprintf(why, sizeof(why), "retries: gave up after %u attempts (HTTP %ld)",
				 j->attempts, status);
			page_result(s, x, status, why);
		} else {
			page_result(s, x, status, NULL);
		}
		return;
	}

	xfer_reason(x, rc, why, sizeof(why));
	if ((rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) &&
	    ++h->fail_streak >= cfg->host_fail_limit) {
		char dead[sizeof(why) + 64];

		snprintf(dead, sizeof(dead), "host: given up after %d consecutive "
			 "failures (%s)", h->fail_streak, why);
		job_fail(s, j, 0, dead);
		host_give_up(s, h, dead);
		return;
	}
	if (transient(rc) && (int)j->attempts <= cfg->retries) {
		sched_delay(&s->sc, j, now + backoff_us(s, j->attempts));
		return;
	}
	job_fail(s, j, x->hdr.len ? (uint32_t)status : 0, why);
}

/* The path and query of a normalized URL ("/" if it has none). */
static const char *url_path(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p ? p : "/";
}

/* robots.txt answered (or not): open the host, or try again later. */
static void robots_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	const struct shard_config *cfg = s->cfg;
	struct host *h = x->host;
	long status = 0, delay;
	char why[CURL_ERROR_SIZE + 96];

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if ((rc == CURLE_OK && status >= 200 && status < 300) ||
	    (rc == CURLE_WRITE_ERROR && x->truncated)) {
		h->robots = robots_parse(x->body.data, x->body.len, cfg->robots_token);
	} else if ((rc == CURLE_OK && status >= 300 && status < 500) ||
		   rc == CURLE_TOO_MANY_REDIRECTS) {
		h->robots = NULL;       /* "unavailable": everything allowed */
	} else {
		/* "unreachable": nothing allowed for now; ask again later */
		if (rc == CURLE_OK)
			snprintf(why, sizeof(why), "HTTP %ld", status);
		else
			xfer_reason(x, rc, why, sizeof(why));
		if (++h->robots_failures > cfg->retries) {
			char dead[sizeof(why) + 64];
			snprintf(dead, sizeof(dead), "robots: robots.txt unavailable (%s)", why);
			host_give_up(s, h, dead);
		} else {
			h->next_us = now_us() + backoff_us(s, (uint32_t)h->robots_failures);
			sched_set_state(&s->sc, h, HOST_NEW);
		}
		return;
	}
	delay = robots_delay_ms(h->robots);
	if (delay > cfg->max_crawl_delay_ms)
		delay = cfg->max_crawl_delay_ms;
	if (delay >= 0 && (uint64_t)delay * 1000 > h->gap_us)
		h->gap_us = (uint64_t)delay * 1000;
	/* the robots.txt request counts: the first page waits the gap */
	h->next_us = now_us() + h->gap_us;
	log_debug("host '%s': %zu robots rules, gap %llu ms", h->key,
		  robots_rules(h->robots), (unsigned long long)(h->gap_us / 1000));
	sched_set_state(&s->sc, h, HOST_OPEN);
}

static void check_done(struct shard *s)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(s->multi, &left))) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x->job)
			page_done(s, x, m->data.result);
		else
			robots_done(s, x, m->data.result);
		xfer_release(s, x);
	}
}

/* Start what may start: due retries back in their queues, then transfers
 * while the shard, a host, the rate and the output queue have room. */
static void schedule(struct shard *s)
{
	uint64_t now = now_us(), when;
	struct job *j;
	struct host *h;

	while ((j = sched_due(&s->sc, now)))
		job_queue(s, j->host, j, 0);
	while (s->active < s->cfg->concurrency &&
	       frame_pending(&s->out) < OUT_SOFT_MAX &&
	       (h = sched_next(&s->sc, now, &when))) {
		if (h->state == HOST_NEW) {
			char url[SC_URL_MAX + 16];
			const char *path = url_path(h->head->url);

			snprintf(url, sizeof(url), "%.*s/robots.txt",
				 (int)(path - h->head->url), h->head->url);
			sched_set_state(&s->sc, h, HOST_ROBOTS);
			xfer_start(s, h, NULL, url, now);
			continue;
		}
		j = sched_pop(&s->sc, h);
		if (h->robots && !robots_allowed(h->robots, url_path(j->url))) {
			job_fail(s, j, 0, "robots: disallowed by robots.txt");
			continue;
		}
		xfer_start(s, h, j, j->url, now);
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
			log_debug("rate share: a start every %llu us",
				  (unsigned long long)sh.rate_gap_us);
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
	int i;

	memset(s, 0, sizeof(*s));
	s->epfd = -1;
	s->cfg = cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->curl_deadline = UINT64_MAX;
	s->rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ now_us();
	if (!s->rng)
		s->rng = 1;
	frame_reader_init(&s->in, in_fd, MSG_TYPE_MAX, 0);
	frame_writer_init(&s->out, out_fd);
	sched_init(&s->sc, cfg->per_host, cfg->rate);
	if (cfg->delay_ms > 0)
		gap = (double)cfg->delay_ms * 1000;
	if (cfg->host_rate > 0 && 1e6 / cfg->host_rate > gap)
		gap = 1e6 / cfg->host_rate;
	s->gap_us = (uint64_t)(gap + 0.5);
	warc_writer_init(&s->warc, cfg->warc_level);
	links_init(&s->links, SC_LINKS_MAX);
	buf_init(&s->blob, SC_FRAME_BLOB_MAX);
	buf_init(&s->msg, SC_FRAME_BODY_MAX);
	buf_init(&s->payload, (size_t)cfg->max_size);
	buf_init(&s->parse, SC_PARSE_MAX);
	for (i = 0; i < cfg->nheaders; i++)
		s->headers = curl_slist_append(s->headers, cfg->headers[i]);
	for (i = 0; i < cfg->nresolve; i++)
		s->resolve = curl_slist_append(s->resolve, cfg->resolve[i]);

	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->multi = curl_multi_init();
	if (s->epfd < 0 || !s->multi) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->per_host);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)cfg->concurrency * 2);

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
	sched_release(&s->sc);
	while (s->free_xfers) {
		struct xfer *x = s->free_xfers;
		s->free_xfers = x->next_free;
		xfer_free(x);
	}
	if (s->multi)
		curl_multi_cleanup(s->multi);
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->resolve);
	if (s->epfd >= 0)
		close(s->epfd);
	frame_reader_release(&s->in);
	frame_writer_release(&s->out);
	warc_writer_release(&s->warc);
	links_release(&s->links);
	buf_release(&s->blob);
	buf_release(&s->msg);
	buf_release(&s->payload);
	buf_release(&s->parse);
}

/* epoll_wait's timeout: until libcurl's timer, a host's turn or a retry. */
static int loop_timeout(struct shard *s)
{
	uint64_t now = now_us(), next = s->curl_deadline, when;

	if (s->active < s->cfg->concurrency) {
		sched_next(&s->sc, now, &when);
		if (when < next)
			next = when;
	}
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
	msg_hello_encode(&s.msg, (uint32_t)cfg->index, (uint32_t)getpid());
	frame_queue(&s.out, MSG_HELLO, s.msg.data, s.msg.len, NULL, 0);

	while (!s.failed) {
		int i, n;

		schedule(&s);
		flush_output(&s);
		if (!s.in_open && !s.active && !s.sc.queued && !s.sc.ndelayed &&
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
