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

struct job {
	struct job *next;
	uint64_t id;
	uint32_t depth;
	uint32_t flags;
	char url[];
};

struct host {
	struct host *hnext;     /* hash chain */
	char *key;              /* "host:port" */
	struct job *head, *tail;
	uint32_t queued;
	int active;
	uint64_t next_ms;       /* earliest start of its next transfer */
	size_t heap_idx;        /* position in the ready heap, or NOT_IN_HEAP */
};

#define NOT_IN_HEAP ((size_t)-1)

struct xfer {
	CURL *easy;
	struct xfer *next_free;
	struct job *job;
	struct host *host;
	struct buf req;         /* request headers as sent */
	struct buf hdr;         /* response headers as received */
	struct buf body;        /* response body as received */
	struct timespec start;
	int truncated;          /* body reached max_size */
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
	uint64_t curl_deadline; /* when libcurl wants its timeout action */

	struct host **htab;
	size_t hmask, hcount;
	struct host **heap;
	size_t heap_len, heap_cap;

	struct xfer *free_xfers;
	int active;
	uint64_t queued;

	struct curl_slist *headers;
	struct curl_slist *resolve;

	struct warc_writer warc;
	struct links links;
	struct buf blob;        /* WARC members of one result */
	struct buf msg;         /* encoded result body */
	struct buf payload;     /* de-chunked body */
	struct buf parse;       /* content-decoded HTML for the link parser */
	struct buf linkbuf;     /* links of one result, NUL-separated */
};

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---- hosts and the ready heap ---- */

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void htab_grow(struct shard *s)
{
	size_t n = (s->hmask + 1) * 2, i;
	struct host **t = xcalloc(n, sizeof(*t));

	for (i = 0; i <= s->hmask; i++) {
		struct host *h = s->htab[i], *next;
		for (; h; h = next) {
			size_t j = str_hash(h->key) & (n - 1);
			next = h->hnext;
			h->hnext = t[j];
			t[j] = h;
		}
	}
	free(s->htab);
	s->htab = t;
	s->hmask = n - 1;
}

static struct host *host_get(struct shard *s, const char *key)
{
	size_t i = str_hash(key) & s->hmask;
	struct host *h;

	for (h = s->htab[i]; h; h = h->hnext)
		if (strcmp(h->key, key) == 0)
			return h;
	h = xcalloc(1, sizeof(*h));
	h->key = xstrdup(key);
	h->heap_idx = NOT_IN_HEAP;
	h->hnext = s->htab[i];
	s->htab[i] = h;
	if (++s->hcount > s->hmask)
		htab_grow(s);
	return h;
}

static int heap_less(const struct host *a, const struct host *b)
{
	return a->next_ms < b->next_ms;
}

static void heap_set(struct shard *s, size_t i, struct host *h)
{
	s->heap[i] = h;
	h->heap_idx = i;
}

static void heap_up(struct shard *s, size_t i)
{
	struct host *h = s->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_less(h, s->heap[p]))
			break;
		heap_set(s, i, s->heap[p]);
		i = p;
	}
	heap_set(s, i, h);
}

static void heap_down(struct shard *s, size_t i)
{
	struct host *h = s->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->heap_len)
			break;
		if (c + 1 < s->heap_len && heap_less(s->heap[c + 1], s->heap[c]))
			c++;
		if (!heap_less(s->heap[c], h))
			break;
		heap_set(s, i, s->heap[c]);
		i = c;
	}
	heap_set(s, i, h);
}

static void heap_remove(struct shard *s, struct host *h)
{
	size_t i = h->heap_idx;
	struct host *last;

	SC_ASSERT(i < s->heap_len && s->heap[i] == h);
	h->heap_idx = NOT_IN_HEAP;
	last = s->heap[--s->heap_len];
	if (last == h)
		return;
	heap_set(s, i, last);
	heap_up(s, i);
	heap_down(s, last->heap_idx);
}

/*
 * The one place a host enters, moves in or leaves the ready heap: call it
 * after anything that changes queued, active or next_ms.
 */
static void host_update(struct shard *s, struct host *h)
{
	int ready = h->queued > 0 && h->active < s->cfg->per_host;

	if (!ready) {
		if (h->heap_idx != NOT_IN_HEAP)
			heap_remove(s, h);
		return;
	}
	if (h->heap_idx == NOT_IN_HEAP) {
		if (s->heap_len == s->heap_cap) {
			s->heap_cap = s->heap_cap ? s->heap_cap * 2 : 64;
			s->heap = xrealloc(s->heap, s->heap_cap * sizeof(*s->heap));
		}
		heap_set(s, s->heap_len++, h);
		heap_up(s, h->heap_idx);
	} else {
		heap_up(s, h->heap_idx);
		heap_down(s, h->heap_idx);
	}
}

static void host_push(struct shard *s, struct host *h, struct job *j)
{
	j->next = NULL;
	if (h->tail)
		h->tail->next = j;
	else
		h->head = j;
	h->tail = j;
	h->queued++;
	s->queued++;
	host_update(s, h);
}

static struct job *host_pop(struct shard *s, struct host *h)
{
	struct job *j = h->head;

	SC_ASSERT(j);
	h->head = j->next;
	if (!h->head)
		h->tail = NULL;
	h->queued--;
	s->queued--;
	return j;
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
	s->curl_deadline = timeout_ms < 0 ? UINT64_MAX : now_ms() + (uint64_t)timeout_ms;
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
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* keep the bytes as the server sent them: the WARC record must agree
	 * with its own headers; the shard undoes the codings itself */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
	curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
	/* HTTP/1.1 so the stored response is the byte stream received */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_USERAGENT, cfg->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, cfg->timeout_s);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout_s);
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

static void xfer_start(struct shard *s, struct host *h, struct job *j)
{
	struct xfer *x = s->free_xfers;

	if (x)
		s->free_xfers = x->next_free;
	else
		x = xfer_new(s);
	x->job = j;
	x->host = h;
	buf_reset(&x->req);
	buf_reset(&x->hdr);
	buf_reset(&x->body);
	x->truncated = 0;
	x->hdr_overflow = 0;
	x->errbuf[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &x->start);
	curl_easy_setopt(x->easy, CURLOPT_URL, (const char *)j->url);
	h->active++;
	s->active++;
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK)
		SC_ASSERT(!"curl_multi_add_handle");
	log_debug("start '%s'", j->url);
}

/* A short reason for a failed transfer: "kind: detail". */
static void xfer_reason(const struct xfer *x, CURLcode rc, char *out, size_t n)
{
	const char *kind;
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:  kind = "dns"; break;
	case CURLE_COULDNT_CONNECT:        kind = "connect"; break;
	case CURLE_OPERATION_TIMEDOUT:     kind = "timeout"; break;
	case CURLE_GOT_NOTHING:            kind = "empty-reply"; break;
	case CURLE_PARTIAL_FILE:           kind = "partial"; break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:             kind = "network"; break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:     kind = "tls"; break;
	case CURLE_WRITE_ERROR:
		kind = x->hdr_overflow ? "headers-too-large" : "write";
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:          kind = "url"; break;
	default:                           kind = "http"; break;
	}
	if (x->hdr_overflow)
		detail = "response headers over the cap";
	snprintf(out, n, "%s: %s", kind, detail);
	/* error buffers may end with a newline */
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
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

static void xfer_done(struct shard *s, struct xfer *x, CURLcode rc)
{
	struct job *j = x->job;
	struct host *h = x->host;
	struct msg_result r;
	char reason[CURL_ERROR_SIZE + 32], digest[WARC_DIGEST_LEN];
	char *location = NULL, *ctype = NULL, *ip = NULL;
	long status = 0;
	double total = 0;
	int ok = rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x->truncated);

	memset(&r, 0, sizeof(r));
	r.id = j->id;
	r.attempts = 1;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &total);
	curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	r.fetch_ms = (uint32_t)(total * 1000);
	r.ip = ip ? ip : "";
	r.content_type = ctype ? ctype : "";
	buf_reset(&s->blob);

	if (ok && status > 0 && x->hdr.len) {
		const char *te, *loc, *pay = x->body.data;
		size_t te_len, loc_len, pay_len = x->body.len, req_len, resp_len;
		struct warc_fetch f;
		int complete;

		r.status = (uint32_t)status;
		r.bytes = x->body.len;
		if (x->truncated)
			r.flags |= MSG_RES_TRUNCATED;
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
	} else {
		xfer_reason(x, rc, reason, sizeof(reason));
		r.error = reason;
		r.status = x->hdr.len ? (uint32_t)status : 0;
	}
	log_debug("done '%s' %u %s", j->url, r.status, r.error ? r.error : "");
	send_result(s, &r, s->blob.data, s->blob.len);
	free(location);
	links_reset(&s->links);

	curl_multi_remove_handle(s->multi, x->easy);
	if (x->body.alloc > BODY_KEEP)
		buf_release(&x->body);
	x->job = NULL;
	x->host = NULL;
	x->next_free = s->free_xfers;
	s->free_xfers = x;
	free(j);
	h->active--;
	s->active--;
	host_update(s, h);
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
		xfer_done(s, x, m->data.result);
	}
}

/* Start transfers while the shard, a host and the output queue have room. */
static void schedule(struct shard *s)
{
	uint64_t now = now_ms();

	while (s->heap_len && s->active < s->cfg->concurrency &&
	       frame_pending(&s->out) < OUT_SOFT_MAX) {
		struct host *h = s->heap[0];

		if (h->next_ms > now)
			break;
		xfer_start(s, h, host_pop(s, h));
		h->next_ms = now;
		host_update(s, h);
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
		size_t len;

		if (msg_urls_get(&it, &u)) {
			log_error("malformed url batch from the coordinator");
			s->failed = 1;
			return;
		}
		len = strlen(u.url);
		j = xmalloc(sizeof(*j) + len + 1);
		j->id = u.id;
		j->depth = u.depth;
		j->flags = u.flags;
		memcpy(j->url, u.url, len + 1);
		if (url_host_key(j->url, key, sizeof(key)) < 0) {
			struct msg_result r = { .id = j->id, .attempts = 0,
						.error = "url: no host" };
			send_result(s, &r, NULL, 0);
			free(j);
			continue;
		}
		host_push(s, host_get(s, key), j);
	}
}

static void read_input(struct shard *s)
{
	struct frame f;
	int rc = frame_read(&s->in), nrc;

	while ((nrc = frame_next(&s->in, &f)) == 0) {
		if (f.type == MSG_URLS) {
			take_urls(s, &f);
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
	int i;

	memset(s, 0, sizeof(*s));
	s->epfd = -1;
	s->cfg = cfg;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->curl_deadline = UINT64_MAX;
	frame_reader_init(&s->in, in_fd, MSG_TYPE_MAX, 0);
	frame_writer_init(&s->out, out_fd);
	s->hmask = 255;
	s->htab = xcalloc(s->hmask + 1, sizeof(*s->htab));
	warc_writer_init(&s->warc, cfg->warc_level);
	links_init(&s->links, SC_LINKS_MAX);
	buf_init(&s->blob, SC_FRAME_BLOB_MAX);
	buf_init(&s->msg, SC_FRAME_BODY_MAX);
	buf_init(&s->payload, (size_t)cfg->max_size);
	buf_init(&s->parse, SC_PARSE_MAX);
	buf_init(&s->linkbuf, SC_FRAME_BODY_MAX);
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
	size_t i;

	for (i = 0; s->htab && i <= s->hmask; i++) {
		struct host *h = s->htab[i], *next;
		for (; h; h = next) {
			struct job *j = h->head, *jn;
			next = h->hnext;
			for (; j; j = jn) {
				jn = j->next;
				free(j);
			}
			free(h->key);
			free(h);
		}
	}
	free(s->htab);
	free(s->heap);
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
	buf_release(&s->linkbuf);
}

static int loop_timeout(const struct shard *s)
{
	uint64_t now = now_ms(), next = s->curl_deadline;

	if (s->heap_len && s->active < s->cfg->concurrency &&
	    s->heap[0]->next_ms < next)
		next = s->heap[0]->next_ms;
	if (next == UINT64_MAX)
		return 1000;
	if (next <= now)
		return 0;
	return next - now > 1000 ? 1000 : (int)(next - now);
}

int shard_main(const struct shard_config *cfg, int in_fd, int out_fd)
{
	struct shard s;
	struct epoll_event ev[EVENTS_MAX];
	int running = 0, rc = 1;

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
		if (!s.in_open && !s.active && !s.queued && !frame_pending(&s.out))
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
		if (now_ms() >= s.curl_deadline) {
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
