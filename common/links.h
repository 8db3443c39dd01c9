/*
 * links.h - link extraction from HTML, over the start tags as a browser's
 * tokenizer reads them (common/htmltok.h).
 *
 * What counts as a link: a/area href (an SVG a element's xlink:href when it
 * has no href), frame/iframe src, the first <base href> (which changes the
 * base for every later link), and the URL of
 * <meta http-equiv="refresh" content="N; url=...">.  Links with
 * rel="nofollow" (a token of rel, any case) are kept: the token tells a
 * search engine not to endorse the target, not a crawler to stay away
 * (Heritrix follows them too); with LINKS_OBEY_REL_NOFOLLOW they are
 * skipped.  A <meta name="robots"> whose content has the token "nofollow"
 * (or "none") makes the page yield no links at all, always.  Each link is
 * resolved against the base with url_base_resolve(), so only normalized
 * http and https URLs come out; anything else (mailto:, javascript:,
 * malformed) is dropped.  A URL that occurs several times on a page is
 * given once.  At most max links are kept; past that the rest are counted
 * in dropped and result->truncated set.
 *
 * No tree is built: memory and time do not grow with nesting depth, and
 * text, comments, scripts and styles are skipped by memchr() (README,
 * "Performance").
 * With LINKS_REQUISITES the same pass also collects the page's requisites
 * (what a browser fetches to render it: common/embed.h lists the elements
 * and attributes), from style attributes and <style> elements the url()
 * and @import references (common/css.h), into a list of their own
 * (links_req_first()), resolved and deduplicated as links are, at most
 * SC_REQUISITES_MAX of them (past that counted in reqs_dropped).  A meta
 * robots nofollow empties the links only: requisites are not links.
 * <style> elements are scanned after the pass, against the document's
 * base (the first <base href>), at most SC_STYLES_MAX of them and
 * SC_CSS_MAX bytes each.  links_extract_css() does the same for a
 * stylesheet.
 *
 * Encodings: a document is read as UTF-8.  When a value the pass reads
 * (the attributes of links and requisites, <style> text: the same whatever
 * the flags) holds bytes past ASCII and the document declares another charset (<meta charset>, or
 * http-equiv Content-Type), or declares none and the bytes are not UTF-8,
 * its text is converted to UTF-8 (common/charset.h; windows-1252 when
 * nothing is declared, as browsers default) and read again.  A UTF-16
 * document (byte order mark first) is converted before it is read.  The
 * URLs' non-ASCII bytes are then percent-encoded as UTF-8 (a browser
 * encodes a query in the document's own charset: not done here).
 */
#ifndef SC_LINKS_H
#define SC_LINKS_H

#include <stddef.h>

#include "common/buf.h"
#include "common/htmltok.h"
#include "common/limits.h"

struct links_slot;

struct links_style {
	size_t off, len;        /* the text of a <style> element in the document */
};

struct links {
	struct buf urls;        /* normalized URLs, each followed by a NUL */
	size_t count;           /* URLs in urls */
	size_t dropped;         /* links past the cap, not kept */
	int truncated;          /* dropped > 0 (links or requisites) */
	int nofollow;           /* meta robots nofollow seen: no links given */
	struct buf reqs;        /* requisites (LINKS_REQUISITES), as urls */
	size_t nreqs;           /* URLs in reqs */
	size_t reqs_dropped;    /* requisites past the cap, not kept */

	/* Private to links.c, kept across links_reset(). */
	size_t max;             /* most URLs kept, from links_init() */
	size_t reqs_max;        /* most requisites kept */
	struct links_style styles[SC_STYLES_MAX];
	size_t nstyles;
	struct links_slot *slots; /* dedup table (open addressing) */
	size_t nslots;          /* a power of two, or 0 */
	unsigned gen;           /* slots of another generation are empty */
	struct links_slot *mslots; /* the references seen on this page, as written */
	size_t nmslots, nmemo;
	struct buf memo;        /* their text */
	struct buf markup;      /* the document converted to UTF-8, when it is */
	struct htmltok tok;     /* the tokenizer's state */
};

/*
 * max: most links kept (0 means SC_LINKS_MAX, the cap of one page; at most
 * SC_SITEMAP_URLS_MAX, the cap of one sitemap file).
 * urls is capped at the smaller of max * (SC_URL_MAX + 1) and SC_PARSE_MAX
 * bytes; a link that does not fit is dropped like one past max.
 * dropped counts each link past the cap that does not repeat a kept one
 * (repeats among the dropped links are counted each time: they are not
 * remembered).  Requisites are capped at the smaller of max and
 * SC_REQUISITES_MAX, and SC_REQUISITE_BYTES.  links_reset() empties l and keeps its storage, so one
 * struct links reused for every page stops allocating once warm.
 */
void links_init(struct links *l, size_t max);
void links_reset(struct links *l);
void links_release(struct links *l);

/* links_extract() flags */
#define LINKS_OBEY_REL_NOFOLLOW 0x01    /* skip links with rel=nofollow */
#define LINKS_REQUISITES        0x02    /* collect the page requisites too */

/*
 * Extract the links of an HTML document of len bytes (not NUL-terminated,
 * may contain NUL bytes, may be malformed) found at page_url (normalized),
 * with flags LINKS_* (or 0).
 * The results replace what l held.  Returns 0, or SC_EINVAL when page_url
 * cannot be parsed (l is then empty).  A document that does not parse yields
 * the links found before the parser gave up; it is not an error.  Only the
 * first SC_PARSE_MAX bytes are read.  Nothing is printed.
 */
int links_extract(struct links *l, const char *html, size_t len,
		  const char *page_url, unsigned flags);

/*
 * Keep one URL, already in normal form, unless l holds it already or is at
 * its caps (then counted as dropped).  1 when kept.  For lists that do not
 * come from links_extract() (common/sitemap.h).
 */
int links_keep(struct links *l, const char *url);

/*
 * The url() and @import references of a stylesheet of len bytes found at
 * css_url (normalized), as requisites: they replace what l held, no links.
 * Returns 0, or SC_EINVAL when css_url cannot be parsed (l is then empty).
 */
int links_extract_css(struct links *l, const char *css, size_t len,
		      const char *css_url);

/* Iterate: for (const char *u = links_first(l); u; u = links_next(l, u)) */
const char *links_first(const struct links *l);
const char *links_next(const struct links *l, const char *u);
/* The same over the requisites. */
const char *links_req_first(const struct links *l);
const char *links_req_next(const struct links *l, const char *u);

#endif
