#include "shard/xfer.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/mimetype.h"
#include "common/msg.h"
#include "shard/page.h"
#include "shard/sched.h"
#include "shard/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A body buffer larger than this is freed after its transfer. */
#define BODY_KEEP      (1u << 20)

/* ---- libcurl callbacks ---- */

/* A 2xx page response the media type filters leave out. */
static int type_left_out(struct xfer *x)
{
	const struct shard_config *c = x->cfg;
	long status = 0;
	char *ctype = NULL;

	if (!x->type_checked) {
		x->type_checked = 1;
		if (x->job && (c->naccept_types || c->nreject_types) &&
		    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
		    status >= 200 && status < 300) {
			curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
			x->type_rejected = !mimetype_allowed(c->accept_types, c->naccept_types,
							     c->reject_types, c->nreject_types,
							     ctype);
		}
	}
	return x->type_rejected;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, kept;

	if (!x->type_checked && type_left_out(x))
		return 0;       /* abort: it would not be kept */
	if (x->body.len == 0) {
		curl_off_t cl = -1;

		/* room for the whole body at once, not a realloc (and a copy)
		 * every time it outgrows its buffer; never past the cap */
		if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
		    cl > 0 && (uint64_t)cl <= x->body.cap)
			(void)buf_reserve(&x->body, (size_t)cl);
	}
	kept = buf_append_upto(&x->body, p, len);

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

	/* an interim (1xx) response is followed by the final one, and a
	 * redirect robots.txt followed by its target's: keep the last (a
	 * redirect's body, if any reached us, is not the final one's) */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		buf_reset(&x->hdr);
		buf_reset(&x->body);
		x->truncated = 0;
		x->resp_seen = 1;
	}
	if (buf_append(&x->hdr, p, len)) {
		x->hdr_overflow = 1;
		return 0;
	}
	return len;
}

/* libcurl 7.88's words when its connection cache overflows (conncache.c) */
#define CACHE_FULL     "Connection cache is full"

static int on_debug(CURL *e, curl_infotype type, char *p, size_t n, void *arg)
{
	struct xfer *x = arg;

	(void)e;
	if (type == CURLINFO_HEADER_OUT) {
		/* a request after a response: a redirect followed (robots.txt);
		 * keep the request of the response kept */
		if (x->resp_seen)
			buf_reset(&x->req);
		x->resp_seen = 0;
		buf_append_upto(&x->req, p, n);
	}
	else if (type == CURLINFO_TEXT && n > sizeof(CACHE_FULL) - 1 && p[0] == 'C' &&
		 memcmp(p, CACHE_FULL, sizeof(CACHE_FULL) - 1) == 0)
		(*x->evictions)++;
	return 0;
}

/* ---- the pool ---- */

void xfer_pool_init(struct xfer_pool *p, const struct shard_config *cfg, CURLM *multi)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->multi = multi;
	for (i = 0; i < cfg->nheaders; i++)
		p->headers = curl_slist_append(p->headers, cfg->headers[i]);
	for (i = 0; i < cfg->nresolve; i++)
		p->resolve = curl_slist_append(p->resolve, cfg->resolve[i]);
	/* handles are pooled and any of them may fetch a host's next page, so
	 * the cookies live in a share, not in each handle (one thread: no
	 * lock callbacks needed) */
	if (cfg->cookies || cfg->cookie_jar) {
		p->share = curl_share_init();
		if (!p->share || curl_share_setopt(p->share, CURLSHOPT_SHARE,
						   CURL_LOCK_DATA_COOKIE) != CURLSHE_OK)
			SC_ASSERT(!"curl_share_init");
	}
}

static void xfer_free(struct xfer *x)
{
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->cond);   /* after the handle that used it */
	buf_release(&x->req);
	buf_release(&x->hdr);
	buf_release(&x->body);
	free(x);
}

void xfer_pool_release(struct xfer_pool *p)
{
	while (p->free) {
		struct xfer *x = p->free;
		p->free = x->next_free;
		xfer_free(x);
	}
	curl_slist_free_all(p->headers);
	curl_slist_free_all(p->resolve);
	p->headers = p->resolve = NULL;
	if (p->share)
		curl_share_cleanup(p->share);
	p->share = NULL;
}

/*
 * libcurl's receive buffer: it reads at most this much a recv() (and polls
 * the socket before each), so a 100 KB page took 7 of each at its 16 KB
 * default.  Each handle owns one: their sum is held to SC_RECV_BUDGET,
 * within 16 KB (the default) to 256 KB a handle.
 */
static long xfer_recv_size(int concurrency)
{
	long n = (long)(SC_RECV_BUDGET / (size_t)(concurrency > 0 ? concurrency : 1));

	if (n > 256L << 10)
		n = 256L << 10;
	return n < 16L << 10 ? 16L << 10 : n;
}

static struct xfer *xfer_new(struct xfer_pool *p)
{
	const struct shard_config *cfg = p->cfg;
	struct xfer *x = xcalloc(1, sizeof(*x));
	CURL *e = curl_easy_init();

	if (!e)
		SC_ASSERT(!"curl_easy_init");
	x->easy = e;
	buf_init(&x->req, SC_REQUEST_MAX);
	buf_init(&x->hdr, SC_HEADERS_MAX);
	buf_init(&x->body, (size_t)cfg->max_size);
	/* options that never change between the transfers of this handle */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, xfer_recv_size(cfg->concurrency));
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
	/* libcurl's DNS cache is one hash of 71 chains that every finished
	 * transfer prunes by walking all of it (7.88 Curl_hostcache_prune):
	 * with the default 60 s that walk holds every host of the last minute
	 * and costs more per URL the faster hosts go by.  0 keeps only the
	 * entries in use; --resolve entries are permanent either way. */
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, (long)SC_DNS_CACHE_S);
	if (p->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->headers);
	if (p->resolve)
		curl_easy_setopt(e, CURLOPT_RESOLVE, p->resolve);
	/* unset, libcurl reads http_proxy, https_proxy and no_proxy */
	if (cfg->proxy)
		curl_easy_setopt(e, CURLOPT_PROXY, cfg->proxy);
	if (cfg->no_proxy)
		curl_easy_setopt(e, CURLOPT_NOPROXY, cfg->no_proxy);
	if (p->share) {
		curl_easy_setopt(e, CURLOPT_SHARE, p->share);
		/* "" turns the engine on; the jar is read into the share once,
		 * by the first handle's first transfer, so a cookie a host set
		 * since is never put back to the file's value */
		curl_easy_setopt(e, CURLOPT_COOKIEFILE,
				 cfg->cookie_jar && !p->jar_loaded ? cfg->cookie_jar : "");
		p->jar_loaded = 1;
	}
	if (cfg->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return x;
}

/*
 * A conditional request (--recrawl) sends If-None-Match / If-Modified-Since
 * with the validators the previous crawl stored: a header list of its own,
 * the --header list copied first, freed when the handle is next started or
 * freed.  Other transfers go back to the shared list.
 */
static void set_validators(struct xfer_pool *p, struct xfer *x, const struct job *j)
{
	const struct curl_slist *h;
	char line[MSG_VALIDATOR_MAX + 32];

	curl_slist_free_all(x->cond);
	x->cond = NULL;
	if (!j || (!j->etag[0] && !j->last_modified[0])) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, p->headers);
		return;
	}
	for (h = p->headers; h; h = h->next)
		x->cond = curl_slist_append(x->cond, h->data);
	if (j->etag[0] && strlen(j->etag) <= MSG_VALIDATOR_MAX) {
		snprintf(line, sizeof(line), "If-None-Match: %s", j->etag);
		x->cond = curl_slist_append(x->cond, line);
	}
	if (j->last_modified[0] && strlen(j->last_modified) <= MSG_VALIDATOR_MAX) {
		snprintf(line, sizeof(line), "If-Modified-Since: %s", j->last_modified);
		x->cond = curl_slist_append(x->cond, line);
	}
	SC_ASSERT(x->cond);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->cond);
}

struct xfer *xfer_start(struct xfer_pool *p, struct host *h, struct job *j,
			const char *url, int reuse)
{
	struct xfer *x = p->free;
	long page = j != NULL;

	if (x)
		p->free = x->next_free;
	else
		x = xfer_new(p);
	x->job = j;
	x->host = h;
	buf_reset(&x->req);
	buf_reset(&x->hdr);
	buf_reset(&x->body);
	x->body.cap = page ? (size_t)p->cfg->max_size : SC_ROBOTS_MAX;
	x->truncated = 0;
	x->hdr_overflow = 0;
	x->type_checked = 0;
	x->type_rejected = 0;
	x->cfg = p->cfg;
	x->resp_seen = 0;
	x->errbuf[0] = '\0';
	x->evictions = &p->evictions;
	clock_gettime(CLOCK_REALTIME, &x->start);
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	set_validators(p, x, page ? j : NULL);
	/* robots.txt has no referrer; NULL also clears the previous job's */
	curl_easy_setopt(x->easy, CURLOPT_REFERER,
			 page && j->referrer[0] ? j->referrer : NULL);
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, !page);
	/* robots.txt too is kept as sent, for its WARC records: robotsfetch
	 * undoes the codings itself */
	curl_easy_setopt(x->easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
	curl_easy_setopt(x->easy, CURLOPT_FORBID_REUSE, (long)!reuse);
	p->active++;
	x->multi = p->multi;
	if (curl_multi_add_handle(p->multi, x->easy) != CURLM_OK)
		SC_ASSERT(!"curl_multi_add_handle");
	log_debug("start '%s'", url);
	return x;
}

void xfer_release(struct xfer_pool *p, struct xfer *x)
{
	curl_multi_remove_handle(x->multi, x->easy);
	x->multi = NULL;
	if (x->body.alloc > BODY_KEEP)
		buf_release(&x->body);
	x->job = NULL;
	x->host = NULL;
	x->next_free = p->free;
	p->free = x;
	p->active--;
}

long xfer_status(const struct xfer *x)
{
	long status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
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

void xfer_reason(const struct xfer *x, CURLcode rc, char *out, size_t n)
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

int xfer_transient(CURLcode rc)
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

void xfer_capture(const struct xfer *x, long status, const char *error,
		  struct page_in *in)
{
	const struct job *j = x->job;
	char *ip = NULL, *ctype = NULL, *eff = NULL;
	double total = 0;

	memset(in, 0, sizeof(*in));
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &total);
	curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
	in->id = j ? j->id : 0;
	in->url = j ? j->url : eff ? eff : "";
	in->depth = j ? j->depth : 0;
	in->flags = j ? j->flags : 0;
	in->attempts = j ? j->attempts : 1;
	in->status = (uint32_t)status;
	in->error = error;
	in->fetch_ms = (uint32_t)(total * 1000);
	in->ip = ip ? ip : "";
	in->content_type = ctype ? ctype : "";
	in->start = x->start;
	in->truncated = x->truncated;
	in->host_gap_ms = x->host ? (uint32_t)(x->host->gap_us / 1000) : 0;
	in->req = x->req.data;
	in->req_len = x->req.len;
	in->hdr = x->hdr.data;
	in->hdr_len = x->hdr.len;
	in->body = x->body.data;
	in->body_len = x->body.len;
}

int xfer_type_rejected(struct xfer *x, char *why, size_t n)
{
	char *ctype = NULL;

	if (!type_left_out(x))
		return 0;
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	snprintf(why, n, "type: excluded (%.200s)", ctype && *ctype ? ctype : "no Content-Type");
	return 1;
}
