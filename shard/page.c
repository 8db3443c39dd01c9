#include "shard/page.h"

#include "common/err.h"
#include "common/frame.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/sitemap.h"
#include "common/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void page_worker_init(struct page_worker *w, int warc_level, uint64_t max_size,
		      unsigned link_flags, const struct rules *rules, int no_warc)
{
	memset(w, 0, sizeof(*w));
	w->link_flags = link_flags;
	w->rules = rules && rules->n ? rules : NULL;
	w->no_warc = no_warc;
	extract_init(&w->ex);
	warc_writer_init(&w->warc, warc_level);
	links_init(&w->links, SC_LINKS_MAX);
	buf_init(&w->blob, SC_FRAME_BLOB_MAX);
	buf_init(&w->msg, SC_FRAME_BODY_MAX);
	buf_init(&w->payload, (size_t)max_size);
	buf_init(&w->parse, SC_PARSE_MAX);
	links_init(&w->smap, SC_SITEMAP_URLS_MAX);
	buf_init(&w->smap_body, SC_SITEMAP_BYTES_MAX);
	buf_init(&w->smap_gz, SC_SITEMAP_BYTES_MAX);
}

void page_worker_release(struct page_worker *w)
{
	warc_writer_release(&w->warc);
	links_release(&w->links);
	buf_release(&w->blob);
	buf_release(&w->msg);
	buf_release(&w->payload);
	buf_release(&w->parse);
	links_release(&w->smap);
	buf_release(&w->smap_body);
	buf_release(&w->smap_gz);
	extract_release(&w->ex);
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

/* Decode the body of a response into out (w->parse for a page, up to its
 * cap); for w->parse, w->doc then points at the page to read: out's data,
 * or the payload itself when it has no content coding.  0, or -1 with why
 * set. */
static int page_decode(struct page_worker *w, const struct page_in *in,
		       const char *pay, size_t pay_len, struct buf *out,
		       char *why, size_t n)
{
	const char *enc = "";
	size_t enc_len = 0;
	int complete;

	if (!http_header(in->hdr, in->hdr_len, "Content-Encoding", &enc, &enc_len))
		enc_len = 0;
	buf_reset(out);
	if (enc_len == 0 && out == &w->parse) {
		/* no content coding: the parsers read the payload where it is
		 * (up to the same cap), not a copy */
		w->doc = pay;
		w->doc_len = pay_len < out->cap ? pay_len : out->cap;
		return 0;
	}
	if (http_decode(enc, enc_len, pay, pay_len, out, &complete)) {
		log_debug("cannot decode '%.*s' body of '%s'", (int)enc_len, enc, in->url);
		snprintf(why, n, "decode: cannot undo Content-Encoding '%.*s'",
			 enc_len > 64 ? 64 : (int)enc_len, enc);
		return -1;
	}
	if (out == &w->parse) {
		w->doc = out->data;
		w->doc_len = out->len;
	}
	return 0;
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

/*
 * Extract the links and requisites of the decoded HTML page (or the
 * requisites of a stylesheet, css set) into w->links, and point r at them:
 * the links only when want_links (an extraction rule's follow list may
 * stand in for them), the requisites when the URL asked for them.
 */
static void page_links(struct page_worker *w, const struct page_in *in,
		       struct msg_result *r, int css, int want_links)
{
	unsigned flags = w->link_flags;
	size_t dropped;
	int rc;

	if (in->flags & MSG_URL_REQS)
		flags |= LINKS_REQUISITES;
	if (css)
		rc = links_extract_css(&w->links, w->doc, w->doc_len, in->url);
	else
		rc = links_extract(&w->links, w->doc, w->doc_len, in->url, flags);
	if (rc)
		return;
	if (w->links.nofollow && want_links)
		r->flags |= MSG_RES_NOFOLLOW;
	if (want_links) {
		r->nlinks = (uint32_t)w->links.count;
		r->links = w->links.urls.data;
		r->links_len = w->links.urls.len;
	}
	dropped = w->links.reqs_dropped + (want_links ? w->links.dropped : 0);
	if (dropped) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped += (uint32_t)dropped;
		log_info("'%s': %zu links or requisites over the per-page caps dropped",
			 in->url, dropped);
	}
	r->nreqs = (uint32_t)w->links.nreqs;
	r->reqs = w->links.reqs.data;
	r->reqs_len = w->links.reqs.len;
}

/* Read a sitemap response's entries into w->smap, as the result's links. */
static void page_sitemap(struct page_worker *w, const struct page_in *in,
			 const char *pay, size_t pay_len, struct msg_result *r)
{
	enum sitemap_kind kind;
	char why[128];

	if (page_decode(w, in, pay, pay_len, &w->smap_body, why, sizeof(why))) {
		log_info("sitemap '%s': %s", in->url, why);
		return;
	}
	if (sitemap_parse(&w->smap, &w->smap_gz, w->smap_body.data ? w->smap_body.data : "",
			  w->smap_body.len, &kind)) {
		log_info("'%s' is not a sitemap", in->url);
		return;
	}
	if (kind == SITEMAP_INDEX)
		r->flags |= MSG_RES_SITEMAPS;
	if (w->smap.truncated) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped = (uint32_t)w->smap.dropped;
		log_info("sitemap '%s': %zu URLs over the cap of %d dropped", in->url,
			 w->smap.dropped, SC_SITEMAP_URLS_MAX);
	}
	r->nlinks = (uint32_t)w->smap.count;
	r->links = w->smap.urls.data;
	r->links_len = w->smap.urls.len;
}

/* Run rule over the decoded page: its items into r, and with follow (and
 * links wanted) its links in place of the SAX pass's. */
static void page_extract(struct page_worker *w, const struct page_in *in,
			 const struct rules_rule *rule, int links, struct msg_result *r)
{
	const struct extract_result *x;

	x = extract_page(&w->ex, rule, w->doc, w->doc_len, in->url,
			 links ? EXTRACT_LINKS : 0);
	r->nitems = x->nitems;
	r->items = x->items.data;
	r->items_len = x->items.len;
	r->items_dropped = x->dropped;
	r->items_cut = x->cut;
	r->jsonld_invalid = x->jsonld_invalid;
	r->not_extracted = x->why;
	if (x->why[0])
		log_info("'%s' not extracted: %s", in->url, x->why);
	if (!links || !rule->follow)
		return;
	if (x->nofollow)
		r->flags |= MSG_RES_NOFOLLOW;
	if (x->links_dropped) {
		r->flags |= MSG_RES_LINKS_CUT;
		r->links_dropped = x->links_dropped;
	}
	r->nlinks = x->nlinks;
	r->links = x->links.data;
	r->links_len = x->links.len;
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
	r->host_gap_ms = in->host_gap_ms;
	r->ip = in->ip;
	/* a header value past the protocol's string cap would make the whole
	 * result a protocol error: such a Content-Type is dropped */
	r->content_type = strlen(in->content_type) <= SC_URL_MAX ? in->content_type : "";
	r->bytes = in->body_len;
	if (in->truncated)
		r->flags |= MSG_RES_TRUNCATED;
	/* the validators a later --recrawl sends back (crawler/recrawl.h) */
	r->etag = header_str(in, "ETag", w->etag, sizeof(w->etag));
	r->last_modified = header_str(in, "Last-Modified", w->lastmod, sizeof(w->lastmod));
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
	if (w->no_warc) {
		warc_sha1(&w->warc, pay, pay_len, digest);
		r->digest = digest;
	} else if (warc_fetch_records(&w->warc, &f, &w->blob, &req_len, &resp_len,
				      digest) == 0) {
		r->warc_req_len = (uint32_t)req_len;
		r->warc_resp_len = (uint32_t)resp_len;
		r->digest = digest;
		if (in->flags & MSG_URL_REVISIT) {
			/* what the coordinator needs to write a revisit record
			 * in place of the response one (crawler/revisit.h) */
			r->date = w->warc.last_date;
			r->record_id = w->warc.last_id;
			r->hdr = in->hdr;
			r->hdr_len = in->hdr_len;
		}
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
	char digest[WARC_DIGEST_LEN], why[128] = "";
	char *location = NULL;
	const char *loc, *pay;
	size_t loc_len, pay_len;
	int ok = in->status >= 200 && in->status < 300;
	int links = !(in->flags & MSG_URL_NOLINKS), reqs = in->flags & MSG_URL_REQS;

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
	if (ok && (in->flags & MSG_URL_SITEMAP)) {
		if (links)
			page_sitemap(w, in, pay, pay_len, &r);
	} else if (ok && http_is_html(r.content_type)) {
		const struct rules_rule *rule = w->rules ? rules_match(w->rules, in->url) : NULL;
		int follow = rule && rule->follow && links;

		if (rule) {
			r.flags |= MSG_RES_EXTRACT;
			r.not_extracted = why;
		}
		if ((links || reqs || rule) &&
		    page_decode(w, in, pay, pay_len, &w->parse, why, sizeof(why)) == 0) {
			if (rule)
				page_extract(w, in, rule, links, &r);
			if ((links && !follow) || reqs)
				page_links(w, in, &r, 0, links && !follow);
		}
	} else if (ok && reqs && page_is_css(r.content_type)) {
		if (page_decode(w, in, pay, pay_len, &w->parse, why, sizeof(why)) == 0)
			page_links(w, in, &r, 1, 0);
	}
	log_debug("done '%s' %u %s", in->url, r.status, r.error ? r.error : "");
	page_send(w, out, &r, w->blob.data, w->blob.len);
	free(location);
	links_reset(&w->links);
	if (in->flags & MSG_URL_SITEMAP) {
		links_release(&w->smap);
		links_init(&w->smap, SC_SITEMAP_URLS_MAX);
		buf_release(&w->smap_body);
		buf_release(&w->smap_gz);
	}
	w->processed++;
}
