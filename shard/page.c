#include "shard/page.h"

#include "common/err.h"
#include "common/frame.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void page_worker_init(struct page_worker *w, int warc_level, uint64_t max_size,
		      unsigned link_flags)
{
	memset(w, 0, sizeof(*w));
	w->link_flags = link_flags;
	warc_writer_init(&w->warc, warc_level);
	links_init(&w->links, SC_LINKS_MAX);
	buf_init(&w->blob, SC_FRAME_BLOB_MAX);
	buf_init(&w->msg, SC_FRAME_BODY_MAX);
	buf_init(&w->payload, (size_t)max_size);
	buf_init(&w->parse, SC_PARSE_MAX);
}

void page_worker_release(struct page_worker *w)
{
	warc_writer_release(&w->warc);
	links_release(&w->links);
	buf_release(&w->blob);
	buf_release(&w->msg);
	buf_release(&w->payload);
	buf_release(&w->parse);
}

void page_send(struct page_worker *w, struct frame_writer *out,
	       const struct msg_result *r, const void *blob, size_t blob_len)
{
	if (msg_result_encode(&w->msg, r) ||
	    frame_queue(out, MSG_RESULT, w->msg.data, w->msg.len, blob, blob_len)) {
		/* cannot happen with the caps in limits.h; never lose the URL */
		struct msg_result e = { .id = r->id, .error = "internal: result too large" };
		SC_ASSERT(msg_result_encode(&w->msg, &e) == 0);
		SC_ASSERT(frame_queue(out, MSG_RESULT, w->msg.data, w->msg.len,
				      NULL, 0) == 0);
	}
}

void page_fail(struct page_worker *w, struct frame_writer *out, uint64_t id,
	       uint32_t attempts, uint32_t status, const char *why)
{
	struct msg_result r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.status = status;
	r.attempts = attempts;
	r.error = why;
	page_send(w, out, &r, NULL, 0);
}

/*
 * Extract the links and requisites of an HTML response (or the requisites
 * of a stylesheet, css set) into w->links, and point r at them.
 */
static void page_links(struct page_worker *w, const struct page_in *in,
		       const char *pay, size_t pay_len, struct msg_result *r,
		       int css)
{
	unsigned flags = w->link_flags;
	size_t dropped;
	int rc;

	const char *enc = "";
	size_t enc_len = 0;
	int complete;

	if (!http_header(in->hdr, in->hdr_len, "Content-Encoding", &enc, &enc_len))
		enc_len = 0;
	buf_reset(&w->parse);
	if (http_decode(enc, enc_len, pay, pay_len, &w->parse, &complete)) {
		log_debug("cannot decode '%.*s' body of '%s'", (int)enc_len, enc, in->url);
		return;
	}
	if (in->flags & MSG_URL_REQS)
		flags |= LINKS_REQUISITES;
	if (css)
		rc = links_extract_css(&w->links, w->parse.data, w->parse.len, in->url);
	else
		rc = links_extract(&w->links, w->parse.data, w->parse.len, in->url,
				   flags);
	if (rc)
		return;
	if (w->links.nofollow)
		r->flags |= MSG_RES_NOFOLLOW;
	if (!(in->flags & MSG_URL_NOLINKS)) {
		r->nlinks = (uint32_t)w->links.count;
		r->links = w->links.urls.data;
		r->links_len = w->links.urls.len;
	}
	dropped = w->links.reqs_dropped + (r->nlinks ? w->links.dropped : 0);
	if (dropped) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped = (uint32_t)dropped;
		log_info("'%s': %zu links or requisites over the per-page caps dropped",
			 in->url, dropped);
	}
	r->nreqs = (uint32_t)w->links.nreqs;
	r->reqs = w->links.reqs.data;
	r->reqs_len = w->links.reqs.len;
}

/* Is this Content-Type a stylesheet's? */
static int page_is_css(const char *ctype)
{
	size_t n = strcspn(ctype, ";");

	while (n && (ctype[n - 1] == ' ' || ctype[n - 1] == '\t'))
		n--;
	return n == 8 && strncasecmp(ctype, "text/css", 8) == 0;
}

/*
 * The common part of a page and a robots.txt: r gets the response's
 * fields, w->blob its two WARC records (digest is r->digest's storage).
 * Returns the payload (de-chunked when it was chunked) through *pay.
 */
static void page_records(struct page_worker *w, const struct page_in *in,
			 struct msg_result *r, char *digest,
			 const char **ppay, size_t *ppay_len)
{
	struct warc_fetch f;
	const char *te, *pay = in->body;
	size_t te_len, pay_len = in->body_len, req_len, resp_len;
	int complete;

	memset(r, 0, sizeof(*r));
	r->id = in->id;
	r->attempts = in->attempts;
	r->status = in->status;
	r->error = in->error;
	r->fetch_ms = in->fetch_ms;
	r->ip = in->ip;
	/* a header value past the protocol's string cap would make the whole
	 * result a protocol error: such a Content-Type is dropped */
	r->content_type = strlen(in->content_type) <= SC_URL_MAX ? in->content_type : "";
	r->bytes = in->body_len;
	if (in->truncated)
		r->flags |= MSG_RES_TRUNCATED;
	buf_reset(&w->blob);
	if (http_header(in->hdr, in->hdr_len, "Transfer-Encoding", &te, &te_len) &&
	    http_has_token(te, te_len, "chunked")) {
		buf_reset(&w->payload);
		http_dechunk(in->body, in->body_len, &w->payload, &complete);
		pay = w->payload.data;
		pay_len = w->payload.len;
		r->bytes = pay_len;
	}
	memset(&f, 0, sizeof(f));
	f.uri = in->url;
	f.ip = r->ip;
	f.start = in->start;
	f.req = in->req;
	f.req_len = in->req_len;
	f.resp_hdr = in->hdr;
	f.resp_hdr_len = in->hdr_len;
	f.body = in->body;
	f.body_len = in->body_len;
	f.payload = pay;
	f.payload_len = pay_len;
	f.truncated = in->truncated;
	if (warc_fetch_records(&w->warc, &f, &w->blob, &req_len, &resp_len, digest) == 0) {
		r->warc_req_len = (uint32_t)req_len;
		r->warc_resp_len = (uint32_t)resp_len;
		r->digest = digest;
	} else {
		r->error = "internal: warc record too large";
	}
	*ppay = pay;
	*ppay_len = pay_len;
}

void page_robots(struct page_worker *w, const struct page_in *in,
		 struct frame_writer *out)
{
	struct msg_result r;
	char digest[WARC_DIGEST_LEN];
	const char *pay;
	size_t pay_len;

	page_records(w, in, &r, digest, &pay, &pay_len);
	if (!r.warc_resp_len)
		return;         /* nothing to archive */
	if (msg_robots_encode(&w->msg, in->url, &r) ||
	    frame_queue(out, MSG_ROBOTS, w->msg.data, w->msg.len, w->blob.data,
			w->blob.len))
		log_info("robots.txt '%s' not archived: its records are too large", in->url);
}

void page_process(struct page_worker *w, const struct page_in *in,
		  struct frame_writer *out)
{
	struct msg_result r;
	char digest[WARC_DIGEST_LEN];
	char *location = NULL;
	const char *loc, *pay;
	size_t loc_len, pay_len;

	page_records(w, in, &r, digest, &pay, &pay_len);
	if (in->status >= 300 && in->status < 400 &&
	    http_header(in->hdr, in->hdr_len, "Location", &loc, &loc_len) &&
	    loc_len < SC_URL_MAX) {
		char tmp[SC_URL_MAX];
		memcpy(tmp, loc, loc_len);
		tmp[loc_len] = '\0';
		if (url_resolve(in->url, tmp, &location) == 0)
			r.location = location;
	}
	if (in->status >= 200 && in->status < 300 && http_is_html(r.content_type) &&
	    (in->flags & (MSG_URL_NOLINKS | MSG_URL_REQS)) != MSG_URL_NOLINKS)
		page_links(w, in, pay, pay_len, &r, 0);
	else if (in->status >= 200 && in->status < 300 && (in->flags & MSG_URL_REQS) &&
		 page_is_css(r.content_type))
		page_links(w, in, pay, pay_len, &r, 1);
	log_debug("done '%s' %u %s", in->url, r.status, r.error ? r.error : "");
	page_send(w, out, &r, w->blob.data, w->blob.len);
	free(location);
	links_reset(&w->links);
	w->processed++;
}
