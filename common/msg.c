#include "common/msg.h"
#include "common/err.h"
#include "common/limits.h"

#include <string.h>

/* The largest string of each kind the decoder accepts. */
#define MSG_STR_MAX  SC_URL_MAX
#define MSG_ERR_MAX  1024

static int put_cstr(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	return buf_put_str(b, s, strlen(s) + 1);
}

/* A string put by put_cstr(): checks the length cap and the final NUL. */
static const char *get_cstr(struct cursor *c, size_t max)
{
	size_t n;
	const char *s = cursor_str(c, &n, max + 1);

	if (!s || n == 0 || s[n - 1] != '\0') {
		c->err = SC_EPROTO;
		return NULL;
	}
	return s;
}

int msg_hello_encode(struct buf *b, uint32_t index, uint32_t pid)
{
	buf_reset(b);
	if (buf_put_u32(b, index) || buf_put_u32(b, pid))
		return SC_ETOOBIG;
	return 0;
}

int msg_hello_decode(const void *p, size_t n, uint32_t *index, uint32_t *pid)
{
	struct cursor c;

	cursor_init(&c, p, n);
	*index = cursor_u32(&c);
	*pid = cursor_u32(&c);
	return c.err || c.left ? SC_EPROTO : 0;
}

int msg_share_encode(struct buf *b, const struct msg_share *m)
{
	buf_reset(b);
	if (buf_put_u64(b, m->rate_gap_us) || buf_put_u32(b, m->concurrency))
		return SC_ETOOBIG;
	return 0;
}

int msg_share_decode(const void *p, size_t n, struct msg_share *m)
{
	struct cursor c;

	cursor_init(&c, p, n);
	m->rate_gap_us = cursor_u64(&c);
	m->concurrency = cursor_u32(&c);
	if (c.err || c.left || m->concurrency == 0 || m->concurrency > SC_CONCURRENCY_MAX)
		return SC_EPROTO;
	return 0;
}

int msg_load_encode(struct buf *b, uint32_t transfers)
{
	buf_reset(b);
	return buf_put_u32(b, transfers) ? SC_ETOOBIG : 0;
}

int msg_load_decode(const void *p, size_t n, uint32_t *transfers)
{
	struct cursor c;

	cursor_init(&c, p, n);
	*transfers = cursor_u32(&c);
	if (c.err || c.left || *transfers > 2u * SC_CONCURRENCY_MAX)
		return SC_EPROTO;
	return 0;
}

void msg_urls_begin(struct buf *b)
{
	buf_reset(b);
	buf_put_u32(b, 0);
}

uint32_t msg_urls_count(const struct buf *b)
{
	struct cursor c;

	cursor_init(&c, b->data, b->len);
	return cursor_u32(&c);
}

int msg_urls_add(struct buf *b, const struct msg_url *u)
{
	size_t start = b->len;
	uint32_t count = msg_urls_count(b) + 1;

	if (buf_put_u64(b, u->id) || buf_put_u32(b, u->depth) ||
	    buf_put_u32(b, u->flags) || put_cstr(b, u->url) ||
	    put_cstr(b, u->referrer) || put_cstr(b, u->etag) ||
	    put_cstr(b, u->last_modified)) {
		b->len = start;
		b->data[start] = '\0';
		return SC_ETOOBIG;
	}
	b->data[0] = count;
	b->data[1] = count >> 8;
	b->data[2] = count >> 16;
	b->data[3] = count >> 24;
	return 0;
}

int msg_urls_open(struct msg_urls_iter *it, const void *p, size_t n)
{
	cursor_init(&it->c, p, n);
	it->left = cursor_u32(&it->c);
	/* each entry takes at least 34 bytes: a count larger than that is a lie */
	if (it->c.err || it->left > it->c.left / 34 + 1)
		return SC_EPROTO;
	return (int)it->left;
}

int msg_urls_get(struct msg_urls_iter *it, struct msg_url *u)
{
	if (!it->left)
		return SC_EPROTO;
	it->left--;
	u->id = cursor_u64(&it->c);
	u->depth = cursor_u32(&it->c);
	u->flags = cursor_u32(&it->c);
	u->url = get_cstr(&it->c, MSG_STR_MAX);
	u->referrer = get_cstr(&it->c, MSG_STR_MAX);
	u->etag = get_cstr(&it->c, MSG_VALIDATOR_MAX);
	u->last_modified = get_cstr(&it->c, MSG_VALIDATOR_MAX);
	if (it->c.err || (it->left == 0 && it->c.left))
		return SC_EPROTO;
	return 0;
}

static int result_put(struct buf *b, const struct msg_result *r)
{
	if (buf_put_u64(b, r->id) || buf_put_u32(b, r->status) ||
	    buf_put_u32(b, r->fetch_ms) || buf_put_u64(b, r->bytes) ||
	    buf_put_u32(b, r->flags) || buf_put_u32(b, r->attempts) ||
	    buf_put_u32(b, r->host_gap_ms) ||
	    put_cstr(b, r->content_type) || put_cstr(b, r->digest) ||
	    put_cstr(b, r->ip) || put_cstr(b, r->error) ||
	    put_cstr(b, r->location) ||
	    buf_put_u32(b, r->warc_req_len) || buf_put_u32(b, r->warc_resp_len) ||
	    buf_put_u32(b, r->links_dropped) || buf_put_u32(b, r->nlinks) ||
	    buf_put_str(b, r->links ? r->links : "", r->links_len) ||
	    buf_put_u32(b, r->nreqs) ||
	    buf_put_str(b, r->reqs ? r->reqs : "", r->reqs_len) ||
	    put_cstr(b, r->etag) || put_cstr(b, r->last_modified) ||
	    put_cstr(b, r->date) || put_cstr(b, r->record_id) ||
	    buf_put_str(b, r->hdr ? r->hdr : "", r->hdr_len))
		return SC_ETOOBIG;
	if ((r->flags & MSG_RES_EXTRACT) &&
	    (buf_put_u32(b, r->items_dropped) || buf_put_u32(b, r->items_cut) ||
	     buf_put_u32(b, r->jsonld_invalid) || put_cstr(b, r->not_extracted) ||
	     buf_put_u32(b, r->nitems) ||
	     buf_put_str(b, r->items ? r->items : "", r->items_len)))
		return SC_ETOOBIG;
	return 0;
}

int msg_result_encode(struct buf *b, const struct msg_result *r)
{
	buf_reset(b);
	return result_put(b, r);
}

int msg_robots_encode(struct buf *b, const char *url, const struct msg_result *r)
{
	buf_reset(b);
	if (put_cstr(b, url))
		return SC_ETOOBIG;
	return result_put(b, r);
}

/* A block of count NUL-terminated strings back to back, count <= max. */
static int url_block_ok(const char *s, size_t len, uint32_t count, uint32_t max)
{
	size_t i, k = 0;

	if (len && s[len - 1] != '\0')
		return 0;
	for (i = 0; i < len; i++)
		k += s[i] == '\0';
	return k == count && count <= max;
}

static int result_get(struct cursor *cp, struct msg_result *r)
{
	struct cursor c = *cp;

	memset(r, 0, sizeof(*r));
	r->id = cursor_u64(&c);
	r->status = cursor_u32(&c);
	r->fetch_ms = cursor_u32(&c);
	r->bytes = cursor_u64(&c);
	r->flags = cursor_u32(&c);
	r->attempts = cursor_u32(&c);
	r->host_gap_ms = cursor_u32(&c);
	r->content_type = get_cstr(&c, MSG_STR_MAX);
	r->digest = get_cstr(&c, 64);
	r->ip = get_cstr(&c, 64);
	r->error = get_cstr(&c, MSG_ERR_MAX);
	r->location = get_cstr(&c, MSG_STR_MAX);
	r->warc_req_len = cursor_u32(&c);
	r->warc_resp_len = cursor_u32(&c);
	r->links_dropped = cursor_u32(&c);
	r->nlinks = cursor_u32(&c);
	r->links = cursor_str(&c, &r->links_len, SC_FRAME_BODY_MAX);
	r->nreqs = cursor_u32(&c);
	r->reqs = cursor_str(&c, &r->reqs_len, SC_REQUISITE_BYTES);
	r->etag = get_cstr(&c, MSG_VALIDATOR_MAX);
	r->last_modified = get_cstr(&c, MSG_VALIDATOR_MAX);
	r->date = get_cstr(&c, 64);
	r->record_id = get_cstr(&c, 64);
	r->hdr = cursor_str(&c, &r->hdr_len, SC_HEADERS_MAX);
	if (r->flags & MSG_RES_EXTRACT) {
		r->items_dropped = cursor_u32(&c);
		r->items_cut = cursor_u32(&c);
		r->jsonld_invalid = cursor_u32(&c);
		r->not_extracted = get_cstr(&c, MSG_ERR_MAX);
		r->nitems = cursor_u32(&c);
		r->items = cursor_str(&c, &r->items_len, SC_EXTRACT_BYTES_MAX);
	} else {
		r->not_extracted = "";
	}
	if (c.err || c.left || r->status > 999)
		return SC_EPROTO;
	/* each block must be exactly its count of NUL-terminated strings; a
	 * page's links are capped at SC_LINKS_MAX, a sitemap's entries higher */
	if (!url_block_ok(r->links, r->links_len, r->nlinks, SC_SITEMAP_URLS_MAX) ||
	    !url_block_ok(r->reqs, r->reqs_len, r->nreqs, SC_REQUISITES_MAX))
		return SC_EPROTO;
	if ((r->flags & MSG_RES_EXTRACT) &&
	    (!url_block_ok(r->items, r->items_len, r->nitems, SC_EXTRACT_ITEMS_MAX) ||
	     (r->items_len && memchr(r->items, '\n', r->items_len))))
		return SC_EPROTO;
	*cp = c;
	return 0;
}

int msg_result_decode(const void *p, size_t n, struct msg_result *r)
{
	struct cursor c;

	cursor_init(&c, p, n);
	return result_get(&c, r);
}

int msg_robots_decode(const void *p, size_t n, const char **url, struct msg_result *r)
{
	struct cursor c;

	cursor_init(&c, p, n);
	*url = get_cstr(&c, MSG_STR_MAX);
	if (c.err || !*url || (*url)[0] == '\0')
		return SC_EPROTO;
	return result_get(&c, r);
}

int msg_found_encode(struct buf *b, const struct msg_found *m)
{
	buf_reset(b);
	if (put_cstr(b, m->from) || buf_put_u32(b, m->nurls) ||
	    buf_put_str(b, m->urls, m->urls_len))
		return SC_ETOOBIG;
	return 0;
}

int msg_found_decode(const void *p, size_t n, struct msg_found *m)
{
	struct cursor c;

	memset(m, 0, sizeof(*m));
	cursor_init(&c, p, n);
	m->from = get_cstr(&c, MSG_STR_MAX);
	m->nurls = cursor_u32(&c);
	m->urls = cursor_str(&c, &m->urls_len, SC_FRAME_BODY_MAX);
	if (c.err || c.left)
		return SC_EPROTO;
	return url_block_ok(m->urls, m->urls_len, m->nurls, SC_LINKS_MAX) ? 0 : SC_EPROTO;
}

int msg_work_encode(struct buf *b, const struct msg_work *w)
{
	buf_reset(b);
	if (buf_put_u64(b, w->id) || buf_put_u32(b, w->depth) ||
	    buf_put_u32(b, w->flags) || buf_put_u32(b, w->attempts) ||
	    buf_put_u32(b, w->status) || buf_put_u32(b, w->fetch_ms) ||
	    buf_put_u32(b, w->wflags) || buf_put_u64(b, (uint64_t)w->start_sec) ||
	    buf_put_u32(b, w->start_nsec) || buf_put_u32(b, w->host_gap_ms) ||
	    put_cstr(b, w->url) ||
	    put_cstr(b, w->error) || put_cstr(b, w->ip) ||
	    put_cstr(b, w->content_type) ||
	    buf_put_str(b, w->req ? w->req : "", w->req_len) ||
	    buf_put_str(b, w->hdr ? w->hdr : "", w->hdr_len))
		return SC_ETOOBIG;
	return 0;
}

int msg_work_decode(const void *p, size_t n, const void *blob, size_t blob_len,
		    size_t body_max, struct msg_work *w)
{
	struct cursor c;

	memset(w, 0, sizeof(*w));
	cursor_init(&c, p, n);
	w->id = cursor_u64(&c);
	w->depth = cursor_u32(&c);
	w->flags = cursor_u32(&c);
	w->attempts = cursor_u32(&c);
	w->status = cursor_u32(&c);
	w->fetch_ms = cursor_u32(&c);
	w->wflags = cursor_u32(&c);
	w->start_sec = (int64_t)cursor_u64(&c);
	w->start_nsec = cursor_u32(&c);
	w->host_gap_ms = cursor_u32(&c);
	w->url = get_cstr(&c, MSG_STR_MAX);
	w->error = get_cstr(&c, MSG_ERR_MAX);
	w->ip = get_cstr(&c, 64);
	w->content_type = get_cstr(&c, MSG_STR_MAX);
	w->req = cursor_str(&c, &w->req_len, SC_REQUEST_MAX);
	w->hdr = cursor_str(&c, &w->hdr_len, SC_HEADERS_MAX);
	if (c.err || c.left || w->status > 999 ||
	    w->start_nsec >= 1000000000u || (w->wflags & ~MSG_WORK_TRUNCATED) ||
	    blob_len > body_max || w->url[0] == '\0')
		return SC_EPROTO;
	w->body = blob_len ? blob : "";
	w->body_len = blob_len;
	return 0;
}
