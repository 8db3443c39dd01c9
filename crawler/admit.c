/*
 * admit.c - what comes back to the coordinator and what it lets in: a
 * shard's results (the WARC records written, revisits decided, the
 * pages.jsonl line, items, then the redirect target, links and requisites
 * offered), robots.txt records, the sitemaps a robots.txt named, and the
 * rules every URL offered to the crawl passes (coord_admit()).  The loop
 * that calls these is crawler/coord.c; their shared state crawler/coord_int.h.
 */
#include "crawler/coord_int.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/url.h"
#include "crawler/items.h"
#include "crawler/journal.h"
#include "crawler/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void coord_journal_line(struct coord *c, int rc)
{
	if (rc == 0 && output_journal(&c->out, c->jline.data, c->jline.len))
		c->fatal = 1;
}

/* Journal an admitted URL (hops: FENTRY_HOPS()), after an R line when its
 * referrer differs from the one named last (all the links of a page share
 * theirs). */
static void journal_admitted(struct coord *c, const char *url, uint32_t depth,
			     uint32_t hops, struct rstr *ref)
{
	uint32_t level = FENTRY_LEVEL(hops), redirects = FENTRY_REDIRECTS(hops);

	if (!c->jref_set || ref != c->jref) {
		coord_journal_line(c, journal_referrer(&c->jline, ref ? ref->s : NULL));
		rstr_put(c->jref);
		c->jref = rstr_get(ref);
		c->jref_set = 1;
	}
	coord_journal_line(c, level ? journal_requisite(&c->jline, url, depth, redirects, level)
			      : journal_admit(&c->jline, url, depth, redirects));
}

/*
 * Offer a normalized URL to the crawl: it is queued if it passes the page
 * limit, depth, scope, filters and trap guards and was never seen.  Seeds
 * skip scope, filters and guards (they define the scope), and so do
 * sitemaps, which come only from a crawled host's robots.txt, a seed
 * host or a sitemap index of those (their entries get the checks); a page
 * requisite (a level in hops, FENTRY_HOPS()) skips depth and scope, not
 * --deny, --reject or the guards (crawler/scope.h).  Returns 1 if queued.
 */
int coord_admit(struct coord *c, const char *url, uint32_t depth,
		 uint32_t hops, struct rstr *referrer, int seed)
{
	const struct crawl_config *cfg = c->cfg;
	char key[SC_HOST_MAX + 16];
	int rc;

	if (cfg->max_pages && c->st.admitted >= cfg->max_pages)
		return 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return 0;
	if (FENTRY_KIND(hops) == FENTRY_SITEMAP)
		seed = 1;
	if (FENTRY_LEVEL(hops)) {
		if (!scope_requisite_ok(&c->scope, url))
			return 0;
	} else if (!seed && ((cfg->depth >= 0 && depth > (uint64_t)cfg->depth) ||
			     !scope_in(&c->scope, url))) {
		return 0;
	}
	if (url_host_key(url, key, sizeof(key)) < 0)
		return 0;
	if (!seed && scope_trapped(&c->scope, url))
		return 0;
	/* a seed counts towards its host's quota but is never refused */
	rc = c->fr->ops->admit(c->fr, url, key, depth, hops, referrer,
			       seed && cfg->host_quota ? FRONTIER_QUOTA_NEVER : cfg->host_quota);
	if (rc == FRONTIER_QUOTA)
		scope_quota_refused(&c->scope, key);
	if (rc < 0) {
		log_error("cannot queue '%s': %s", url, sc_strerror(rc));
		c->fatal = 1;
	}
	if (rc != FRONTIER_QUEUED)
		return 0;
	c->st.admitted++;
	journal_admitted(c, url, depth, hops, referrer);
	return 1;
}

/* --sitemaps: a seed's host's /sitemap.xml, as a sitemap. */
void coord_admit_seed_sitemap(struct coord *c, const char *seed)
{
	const char *p = strstr(seed, "://");
	char url[SC_URL_MAX];
	size_t n;

	if (!c->cfg->sitemaps || !p)
		return;
	n = (size_t)(p + 3 - seed) + strcspn(p + 3, "/");
	if (n + sizeof("/sitemap.xml") > sizeof(url))
		return;
	memcpy(url, seed, n);
	memcpy(url + n, "/sitemap.xml", sizeof("/sitemap.xml"));
	coord_admit(c, url, 0, FENTRY_WORD(FENTRY_SITEMAP, 0), NULL, 0);
}

static void write_page(struct coord *c, const char *url, uint32_t depth,
		       const struct rstr *ref, const struct msg_result *r,
		       const struct pages_where *w, enum pages_kind kind)
{
	pages_line_as(&c->line, kind, url, depth, ref ? ref->s : NULL, r, w);
	if (output_page(&c->out, c->line.data, c->line.len))
		c->fatal = 1;
	stats_page(&c->st, url, r->status, r->bytes, r->error);
}

/* A URL that reached a final state without a shard (a bad --urls line, a
 * redirect past the limit). */
void coord_record_failure(struct coord *c, const char *url, uint32_t depth,
			   struct rstr *referrer, const char *error)
{
	struct msg_result r;

	memset(&r, 0, sizeof(r));
	r.error = error;
	write_page(c, url, depth, referrer, &r, NULL, PAGES_PAGE);
	c->st.rejected++;
}

/* Admit a block of NUL-terminated URLs found on e (NULL: entries of a
 * sitemap, one hop from the seeds), each at hops. */
static void take_block(struct coord *c, const struct fentry *e, struct rstr *ref,
		       const char *u, size_t len, uint32_t hops)
{
	const char *end = u + len;
	uint32_t depth = e ? e->depth + 1 : 1;

	while (u < end) {
		size_t n = strlen(u);
		coord_admit(c, u, depth, hops, ref, 0);
		u += n + 1;
	}
}

/* The redirect target, links and requisites of a result.  A redirect
 * keeps its source's requisite level: an image that moved is still one. */
static void take_links(struct coord *c, const struct fentry *e,
		       const struct msg_result *r)
{
	struct rstr *ref = NULL;
	uint32_t kind = FENTRY_KIND(e->redirects), level = FENTRY_LEVEL(e->redirects);
	uint32_t redirects = FENTRY_REDIRECTS(e->redirects);

	if (r->location && *r->location) {
		ref = rstr_new(e->url);
		if (redirects + 1 <= (uint32_t)c->cfg->max_redirects) {
			coord_admit(c, r->location, e->depth,
			      FENTRY_WORD(kind, FENTRY_HOPS(redirects + 1, level)), ref, 0);
		} else if (scope_in(&c->scope, r->location) &&
			   c->fr->ops->mark_seen(c->fr, r->location)) {
			char why[64];
			snprintf(why, sizeof(why), "redirect: more than %d redirects",
				 c->cfg->max_redirects);
			coord_record_failure(c, r->location, e->depth, ref, why);
		}
	}
	if (!r->nlinks && !r->nreqs)
		goto out;
	if (!ref)
		ref = rstr_new(e->url);
	if (kind == FENTRY_SITEMAP) {
		/* a sitemap's pages are one hop from the seeds; an index's
		 * sitemaps are read, an index in an index is not */
		if (!(r->flags & MSG_RES_SITEMAPS))
			take_block(c, NULL, ref, r->links, r->links_len, 0);
		else if (e->depth == 0)
			take_block(c, NULL, ref, r->links, r->links_len,
				   FENTRY_WORD(FENTRY_SITEMAP, 0));
		goto out;
	}
	/* links first: a URL both linked and embedded is crawled as a page */
	take_block(c, e, ref, r->links, r->links_len, 0);
	if (c->cfg->requisites && level < SC_REQUISITE_LEVELS)
		take_block(c, e, ref, r->reqs, r->reqs_len, FENTRY_HOPS(0, level + 1));
out:
	rstr_put(ref);
}

/* A page a rule matched: its items (before its pages.jsonl line, which
 * then says where items.jsonl ends: crawler/items.h) and their counts. */
static void take_items(struct coord *c, const char *url, const struct msg_result *r,
		       struct pages_where *w)
{
	buf_reset(&c->ilines);
	if (r->nitems && (items_lines(&c->ilines, url, r->items, r->items_len,
				      w->warc_file, w->offset) ||
			  output_items(&c->out, c->ilines.data, c->ilines.len)))
		c->fatal = 1;
	w->items_end = c->out.items_off;
	stats_extract(&c->st, r->nitems, r->items_dropped, r->items_cut,
		      r->jsonld_invalid, r->not_extracted);
}

int coord_on_result(struct coord *c, struct shard_proc *sp, const struct frame *f)
{
	struct msg_result r;
	struct pages_where w;
	struct fentry *e;
	uint64_t off = 0;

	memset(&w, 0, sizeof(w));
	if (msg_result_decode(f->body, f->body_len, &r))
		return SC_EPROTO;
	if ((uint64_t)r.warc_req_len + r.warc_resp_len != f->blob_len ||
	    (c->cfg->extract_only && f->blob_len) || (f->blob_len && !r.warc_resp_len))
		return SC_EPROTO;
	e = procs_slot_take(sp, r.id);
	if (!e)
		return SC_EPROTO;
	if (f->blob_len) {
		const void *rec;
		size_t rec_len;
		uint32_t resp_len;

		archive_result(&c->ar, e->url, &r, f->blob, f->blob_len, &rec, &rec_len,
			       &resp_len, &w);
		if (output_records(&c->out, rec, rec_len, &w.warc_file, &off))
			c->fatal = 1;
		w.offset = off + r.warc_req_len;
		w.length = resp_len;
		archive_stored(&c->ar, e->url, &r, &w);
	}
	if (FENTRY_KIND(e->redirects) == FENTRY_SITEMAP)
		w.kind = "sitemap";
	if ((r.flags & MSG_RES_EXTRACT) && !c->fatal)
		take_items(c, e->url, &r, &w);
	w.level = FENTRY_LEVEL(e->redirects);
	if (!c->fatal)
		write_page(c, e->url, e->depth, e->referrer, &r, &w,
			   FENTRY_LEVEL(e->redirects) ? PAGES_REQUISITE : PAGES_PAGE);
	c->st.requisites += FENTRY_LEVEL(e->redirects) != 0;
	if (r.links_dropped) {
		c->st.links_dropped += r.links_dropped;
		log_info("'%s': %u links or requisites past the per-page caps (%d, %d) "
			 "dropped", e->url, r.links_dropped, SC_LINKS_MAX, SC_REQUISITES_MAX);
	}
	take_links(c, e, &r);
	e->host_gap_ms = r.host_gap_ms;
	c->fr->ops->done(c->fr, e);
	return 0;
}

/* The sitemaps a robots.txt named (--sitemaps): admitted as sitemaps. */
int coord_on_found(struct coord *c, const struct frame *f)
{
	struct msg_found m;
	struct rstr *ref;
	const char *u;

	if (msg_found_decode(f->body, f->body_len, &m))
		return -1;
	ref = m.from[0] ? rstr_new(m.from) : NULL;
	for (u = m.urls; u < m.urls + m.urls_len; u += strlen(u) + 1)
		coord_admit(c, u, 0, FENTRY_WORD(FENTRY_SITEMAP, 0), ref, 0);
	rstr_put(ref);
	return 0;
}

/* A robots.txt response: its records and a "kind":"robots" line; no
 * credit, no page of the crawl (crawler/pages.h). */
int coord_on_robots(struct coord *c, const struct frame *f)
{
	struct msg_result r;
	struct pages_where w;
	const char *url;
	uint64_t off = 0;

	memset(&w, 0, sizeof(w));
	if (msg_robots_decode(f->body, f->body_len, &url, &r) ||
	    (uint64_t)r.warc_req_len + r.warc_resp_len != f->blob_len ||
	    !r.warc_resp_len)
		return SC_EPROTO;
	if (output_records(&c->out, f->blob, f->blob_len, &w.warc_file, &off))
		c->fatal = 1;
	w.offset = off + r.warc_req_len;
	w.length = r.warc_resp_len;
	if (!c->fatal) {
		pages_line_as(&c->line, PAGES_ROBOTS, url, 0, NULL, &r, &w);
		if (output_page(&c->out, c->line.data, c->line.len))
			c->fatal = 1;
	}
	c->st.robots++;
	return 0;
}
