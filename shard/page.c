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

/* Extract the links of an HTML response into w->links. */
static void page_links(struct page_worker *w, const struct page_in *in,
		       const char *pay, size_t pay_len, struct msg_result *r)
{
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
	if (links_extract(&w->links, w->parse.data, w->parse.len, in->url,
			  w->link_flags))
		return;
	if (w->links.nofollow)
		r->flags |= MSG_RES_NOFOLLOW;
	if (w->links.truncated) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped = (uint32_t)w->links.dropped;
		log_info("'%s': %zu links over the per-page cap dropped",
			 in->url, w->links.dropped);
	}
	r->nlinks = (uint32_t)w->links.count;
	r->links = w->links.urls.data;
	r->links_len = w->links.urls.len;
}

/* A header's value as a C string into out (n bytes), "" when absent or
 * longer than the protocol carries. */
static const char *header_str(const struct page_in *in, const char *name,
			      char *out, size_t n)
{
	const char *v;
	size_t vlen;

	out[0] = '\0';
	if (http_header(in->hdr, in->hdr_len, name, &v, &vlen) && vlen < n &&
	    !memchr(v, '\0', vlen)) {
		memcpy(out, v, vlen);
		out[vlen] = '\0';
	}
	return out;
}

void page_process(struct page_worker *w, const struct page_in *in,
		  struct frame_writer *out)
{
	char etag[MSG_VALIDATOR_MAX + 1], lastmod[MSG_VALIDATOR_MAX + 1];
	struct msg_result r;
	struct warc_fetch f;
	char digest[WARC_DIGEST_LEN];
	char *location = NULL;
	const char *te, *loc, *pay = in->body;
	size_t te_len, loc_len, pay_len = in->body_len, req_len, resp_len;
	int complete;

	memset(&r, 0, sizeof(r));
	r.id = in->id;
	r.attempts = in->attempts;
	r.status = in->status;
	r.error = in->error;
	r.fetch_ms = in->fetch_ms;
	r.ip = in->ip;
	/* a header value past the protocol's string cap would make the whole
	 * result a protocol error: such a Content-Type is dropped */
	r.content_type = strlen(in->content_type) <= SC_URL_MAX ? in->content_type : "";
	r.bytes = in->body_len;
	if (in->truncated)
		r.flags |= MSG_RES_TRUNCATED;
	/* the validators a later --recrawl sends back (crawler/recrawl.h) */
	r.etag = header_str(in, "ETag", etag, sizeof(etag));
	r.last_modified = header_str(in, "Last-Modified", lastmod, sizeof(lastmod));
	buf_reset(&w->blob);
	if (http_header(in->hdr, in->hdr_len, "Transfer-Encoding", &te, &te_len) &&
	    http_has_token(te, te_len, "chunked")) {
		buf_reset(&w->payload);
		http_dechunk(in->body, in->body_len, &w->payload, &complete);
		pay = w->payload.data;
		pay_len = w->payload.len;
		r.bytes = pay_len;
	}
	memset(&f, 0, sizeof(f));
	f.uri = in->url;
	f.ip = r.ip;
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
		r.warc_req_len = (uint32_t)req_len;
		r.warc_resp_len = (uint32_t)resp_len;
		r.digest = digest;
		if (in->flags & MSG_URL_REVISIT) {
			/* what the coordinator needs to write a revisit record
			 * in place of the response one (crawler/revisit.h) */
			r.date = w->warc.last_date;
			r.record_id = w->warc.last_id;
			r.hdr = in->hdr;
			r.hdr_len = in->hdr_len;
		}
	} else {
		r.error = "internal: warc record too large";
	}
	if (in->status >= 300 && in->status < 400 &&
	    http_header(in->hdr, in->hdr_len, "Location", &loc, &loc_len) &&
	    loc_len < SC_URL_MAX) {
		char tmp[SC_URL_MAX];
		memcpy(tmp, loc, loc_len);
		tmp[loc_len] = '\0';
		if (url_resolve(in->url, tmp, &location) == 0)
			r.location = location;
	}
	if (in->status >= 200 && in->status < 300 && !(in->flags & MSG_URL_NOLINKS) &&
	    http_is_html(r.content_type))
		page_links(w, in, pay, pay_len, &r);
	log_debug("done '%s' %u %s", in->url, r.status, r.error ? r.error : "");
	page_send(w, out, &r, w->blob.data, w->blob.len);
	free(location);
	links_reset(&w->links);
	w->processed++;
}
