/*
 * links.c - link extraction over the start tags of common/htmltok.h; see
 * links.h.
 *
 * Each link is resolved and normalized at once (url_base_resolve()), looked
 * up in a small open-addressing table of the URLs already kept, and
 * appended to l->urls.  The table stores offsets into l->urls plus a
 * generation number, so emptying it for the next page is one increment.
 *
 * The tokenizer reads bytes; a document is read as UTF-8 first, and read
 * again from its text converted to UTF-8 (common/charset.h, into l->markup)
 * only when a value it read held a byte past ASCII and the document is not
 * UTF-8: it declares another charset, or the value is not valid UTF-8.
 */
#include "common/links.h"
#include "common/charset.h"
#include "common/css.h"
#include "common/embed.h"
#include "common/err.h"
#include "common/htmltok.h"
#include "common/limits.h"
#include "common/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINKS_MIN_SLOTS 64
#define LINKS_MEMO_SLOTS_MAX (1u << 16)  /* references remembered a page: 32,768 */
#define LINKS_MEMO_BYTES     (1u << 20)  /* ... and their bytes */

struct links_slot {
	uint32_t off;           /* of the URL in l->urls, or l->reqs (req set) */
	uint32_t hash;
	unsigned gen;           /* == l->gen when the slot is in use */
	unsigned req;           /* a requisite, not a link */
};

/* State of one links_extract() call, the SAX callbacks' user data. */
struct links_parse {
	struct links *l;
	struct url_base page;   /* the page URL */
	struct url_base base;   /* the first <base href>, when base_set */
	int base_seen;
	int base_set;
	unsigned flags;         /* LINKS_* */
	const char *doc;        /* the document as read (for <style> text) */
	int reread;             /* reading converted text: no more charset checks */
	int high;               /* a URL held a byte past ASCII ... */
	int bad_utf8;           /* ... that was not valid UTF-8 */
	int declared;           /* a <meta> named the charset ... */
	char charset[CHARSET_NAME_MAX]; /* ... this one ("" for UTF-8) */
};

static size_t links_bytes_cap(size_t max)
{
	if (max > SC_PARSE_MAX / (SC_URL_MAX + 1))
		return SC_PARSE_MAX;
	return max * (SC_URL_MAX + 1);
}

void links_init(struct links *l, size_t max)
{
	if (max == 0)
		max = SC_LINKS_MAX;
	if (max > SC_SITEMAP_URLS_MAX)
		max = SC_SITEMAP_URLS_MAX;
	l->max = max;
	l->reqs_max = max < SC_REQUISITES_MAX ? max : SC_REQUISITES_MAX;
	buf_init(&l->urls, links_bytes_cap(max));
	buf_init(&l->reqs, SC_REQUISITE_BYTES);
	l->nreqs = 0;
	l->reqs_dropped = 0;
	l->nstyles = 0;
	buf_init(&l->markup, SC_PARSE_MAX + 16);
	htmltok_init(&l->tok);
	buf_init(&l->memo, LINKS_MEMO_BYTES);
	l->mslots = NULL;
	l->nmslots = 0;
	l->nmemo = 0;
	l->count = 0;
	l->dropped = 0;
	l->truncated = 0;
	l->nofollow = 0;
	l->slots = NULL;
	l->nslots = 0;
	l->gen = 1;
}

void links_reset(struct links *l)
{
	buf_reset(&l->urls);
	buf_reset(&l->reqs);
	l->nreqs = 0;
	l->reqs_dropped = 0;
	l->nstyles = 0;
	l->count = 0;
	l->dropped = 0;
	l->truncated = 0;
	l->nofollow = 0;
	buf_reset(&l->memo);
	l->nmemo = 0;
	if (++l->gen == 0) {
		/* After 2^32 pages, stale slots could look current again. */
		if (l->nslots)
			memset(l->slots, 0, l->nslots * sizeof(*l->slots));
		if (l->nmslots)
			memset(l->mslots, 0, l->nmslots * sizeof(*l->mslots));
		l->gen = 1;
	}
}

void links_release(struct links *l)
{
	buf_release(&l->urls);
	buf_release(&l->reqs);
	buf_release(&l->markup);
	htmltok_release(&l->tok);
	buf_release(&l->memo);
	free(l->mslots);
	l->mslots = NULL;
	l->nmslots = 0;
	l->nmemo = 0;
	l->nreqs = 0;
	l->reqs_dropped = 0;
	free(l->slots);
	l->slots = NULL;
	l->nslots = 0;
	l->count = 0;
	l->dropped = 0;
	l->truncated = 0;
	l->nofollow = 0;
	l->gen = 1;
}

const char *links_first(const struct links *l)
{
	return l->count ? l->urls.data : NULL;
}

const char *links_next(const struct links *l, const char *u)
{
	const char *next = u + strlen(u) + 1;

	return next < l->urls.data + l->urls.len ? next : NULL;
}

const char *links_req_first(const struct links *l)
{
	return l->nreqs ? l->reqs.data : NULL;
}

const char *links_req_next(const struct links *l, const char *u)
{
	const char *next = u + strlen(u) + 1;

	return next < l->reqs.data + l->reqs.len ? next : NULL;
}

/* FNV-1a: short strings, no need for more. */
static uint32_t links_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/*
 * The two open-addressing tables (the URLs kept, and the memo of the
 * references seen) share these: slots hold an offset into a text buffer, a
 * hash, a key (which buffer, or the memo's key) and the generation that
 * makes them current.
 */

/* Make room for one more entry in the table *slots of *n slots holding
 * used entries: at most half full, doubled (and rehashed) as needed, never
 * past max slots.  0, or -1 when it is full at max. */
static int links_table_room(const struct links *l, struct links_slot **slots,
			    size_t *n, size_t used, size_t max)
{
	struct links_slot *old = *slots;
	size_t oldn = *n, i;

	if ((used + 1) * 2 <= oldn)
		return 0;
	if (oldn >= max)
		return -1;
	*n = oldn ? oldn * 2 : LINKS_MIN_SLOTS;
	*slots = xcalloc(*n, sizeof(**slots));
	for (i = 0; i < oldn; i++) {
		struct links_slot *sl;

		if (old[i].gen != l->gen)
			continue;
		sl = &(*slots)[old[i].hash & (*n - 1)];
		while (sl->gen == l->gen)
			sl = sl + 1 < *slots + *n ? sl + 1 : *slots;
		*sl = old[i];
	}
	free(old);
	return 0;
}

/* The slot of table slots (n of them) holding s with key, its text at
 * base[key & 1] + off, or the empty slot where it would go. */
static struct links_slot *links_table_find(const struct links *l, struct links_slot *slots,
					   size_t n, const char *const base[2],
					   const char *s, uint32_t hash, unsigned key)
{
	size_t mask = n - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		struct links_slot *sl = &slots[i];

		if (sl->gen != l->gen)
			return sl;
		if (sl->hash == hash && sl->req == key &&
		    strcmp(base[key & 1] + sl->off, s) == 0)
			return sl;
	}
}

/* Keep u (normal form) once: as a link, or a requisite when req.  1 when
 * kept, 0 when it was kept before, -1 when dropped at a cap. */
static int links_store(struct links *l, const char *u, unsigned req)
{
	struct buf *b = req ? &l->reqs : &l->urls;
	size_t *count = req ? &l->nreqs : &l->count;
	const char *const base[2] = { l->urls.data, l->reqs.data };
	struct links_slot *sl;
	size_t off, n;
	uint32_t hash;

	/* it never outgrows 2 * max slots, so there is always room */
	(void)links_table_room(l, &l->slots, &l->nslots, l->count + l->nreqs, SIZE_MAX);
	hash = links_hash(u) ^ (req ? 0x9e3779b9u : 0);
	sl = links_table_find(l, l->slots, l->nslots, base, u, hash, req);
	if (sl->gen == l->gen)
		return 0;       /* seen */
	n = strlen(u) + 1;
	off = b->len;
	if (*count >= (req ? l->reqs_max : l->max) || buf_append(b, u, n)) {
		if (req)
			l->reqs_dropped++;
		else
			l->dropped++;
		l->truncated = 1;
		return -1;
	}
	sl->off = (uint32_t)off;
	sl->hash = hash;
	sl->gen = l->gen;
	sl->req = req;
	(*count)++;
	return 1;
}

int links_keep(struct links *l, const char *u)
{
	return links_store(l, u, 0) == 1;
}

/*
 * The references a page gave, as written: a page names the same URL many
 * times (the Python documentation's os.html: 2,454 links, 76 distinct), and
 * resolving one costs far more than looking it up.  The slot where ref
 * (with key: requisite or not, and whether the <base> was set, which
 * changes what it resolves to) is, or where it would go; NULL when the
 * memo is full (then every reference is resolved).
 */
static struct links_slot *links_memo_find(struct links *l, const char *ref,
					  uint32_t hash, unsigned key)
{
	const char *const base[2] = { l->memo.data, l->memo.data };

	if (links_table_room(l, &l->mslots, &l->nmslots, l->nmemo, LINKS_MEMO_SLOTS_MAX))
		return NULL;
	return links_table_find(l, l->mslots, l->nmslots, base, ref, hash, key);
}

/*
 * Note a value past ASCII, for the charset check of links_extract(): every
 * value of the attributes links and requisites read, and the text of
 * <style> elements, whatever the flags, so that the links of a page never
 * depend on whether its requisites were wanted.
 */
static void links_note_span(struct links_parse *p, const char *v, size_t n)
{
	size_t i;

	if (p->reread || p->bad_utf8)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] >= 0x80)
			break;
	if (i == n)
		return;
	p->high = 1;
	if (!charset_utf8_valid(v + i, n - i))
		p->bad_utf8 = 1;
}

/* Resolve ref and keep it once: as a link, or a requisite when req. */
static void links_put(struct links_parse *p, const char *ref, unsigned req)
{
	struct links *l = p->l;
	struct links_slot *memo;
	unsigned key = req | (p->base_set ? 2u : 0u);
	uint32_t hash;
	char *u;
	int kept = 0;

	if (!ref || (!req && l->nofollow))
		return;
	hash = links_hash(ref) ^ (key * 0x9e3779b9u);
	memo = links_memo_find(l, ref, hash, key);
	if (memo && memo->gen == l->gen)
		return;         /* given before: kept, a repeat, or no URL */
	if (url_base_resolve(p->base_set ? &p->base : &p->page, ref, &u) == 0) {
		kept = links_store(l, u, req);
		free(u);
	}
	/* one dropped at a cap is not remembered: its repeats count as
	 * dropped too (links.h) */
	if (memo && kept >= 0) {
		size_t off = l->memo.len;

		if (buf_append(&l->memo, ref, strlen(ref) + 1) == 0) {
			memo->off = (uint32_t)off;
			memo->hash = hash;
			memo->gen = l->gen;
			memo->req = key;
			l->nmemo++;
		}
	}
}

static void links_add(struct links_parse *p, const char *ref)
{
	links_put(p, ref, 0);
}

static void links_css_ref(void *arg, const char *ref, int import)
{
	(void)import;
	links_put(arg, ref, 1);
}

static void links_css(struct links_parse *p, const char *css, size_t len)
{
	struct links *l = p->l;

	if (l->nreqs < l->reqs_max)
		css_scan(css, len, l->reqs_max - l->nreqs, links_css_ref, p);
}

/* What embed_element() found in a start tag. */
static void links_embed(void *arg, enum embed_kind kind, const char *s, size_t n)
{
	struct links_parse *p = arg;
	char ref[SC_URL_MAX + 1];

	if (kind == EMBED_CSS) {
		links_css(p, s, n);
		return;
	}
	if (n > SC_URL_MAX)
		return;
	memcpy(ref, s, n);
	ref[n] = '\0';
	links_put(p, ref, 1);
}

/* The value of attribute name (the tokenizer keeps the first of a name
 * and lowercases names), or NULL. */
static const char *links_attr(const char *const *atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (atts[0][0] == name[0] && strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

static int links_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Is one of the tokens of s (separated by white space, or also by commas
 * when commas is set) equal to a or b, ignoring case? */
static int links_has_token(const char *s, int commas, const char *a,
			   const char *b)
{
	while (s && *s) {
		size_t n;

		while (links_is_space(*s) || (commas && *s == ','))
			s++;
		n = 0;
		while (s[n] && !links_is_space(s[n]) && !(commas && s[n] == ','))
			n++;
		if (n && ((strlen(a) == n && strncasecmp(s, a, n) == 0) ||
			  (b && strlen(b) == n && strncasecmp(s, b, n) == 0)))
			return 1;
		s += n;
	}
	return 0;
}

/*
 * The URL of <meta http-equiv="refresh" content="...">, after the HTML
 * standard's "shared declarative refresh steps", loosely: a number, then
 * ';' or ',', then optionally "url=", then the URL, optionally quoted.
 * Copies it into out (n bytes); 0 or SC_EINVAL when there is none.
 */
static int links_refresh_url(const char *s, char *out, size_t n)
{
	const char *e;
	char q = 0;

	while (links_is_space(*s))
		s++;
	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return SC_EINVAL;
	while ((*s >= '0' && *s <= '9') || *s == '.')
		s++;
	while (links_is_space(*s))
		s++;
	if (*s == ';' || *s == ',')
		s++;
	while (links_is_space(*s))
		s++;
	if (strncasecmp(s, "url", 3) == 0) {
		const char *t = s + 3;

		while (links_is_space(*t))
			t++;
		if (*t == '=') {
			s = t + 1;
			while (links_is_space(*s))
				s++;
		}
	}
	if (*s == '\'' || *s == '"')
		q = *s++;
	e = q ? strchr(s, q) : NULL;
	if (!e)
		e = s + strlen(s);
	if (e == s || (size_t)(e - s) >= n)
		return SC_EINVAL;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return 0;
}

static void links_base(struct links_parse *p, const char *href)
{
	char *u;

	/* Only the first <base> with an href counts, even when it is bad. */
	if (!href || p->base_seen)
		return;
	p->base_seen = 1;
	if (url_base_resolve(&p->page, href, &u))
		return;
	if (url_base_set(&p->base, u) == 0)
		p->base_set = 1;
	free(u);
}

/*
 * The charset a <meta> declares: its charset attribute, or the "charset="
 * in the content of an http-equiv="Content-Type" one (the HTML standard's
 * "extracting a character encoding from a meta element").  The first
 * declaration counts.
 */
static void links_meta_charset(struct links_parse *p, const char *charset,
			       const char *equiv, const char *content)
{
	const char *v = charset;
	size_t n;

	if (p->declared || p->reread)
		return;
	if (!v && equiv && content && strcasecmp(equiv, "content-type") == 0) {
		const char *c = strcasestr(content, "charset");

		if (!c)
			return;
		c += 7;
		while (links_is_space(*c))
			c++;
		if (*c++ != '=')
			return;
		while (links_is_space(*c))
			c++;
		if (*c == '"' || *c == '\'') {
			const char *e = strchr(c + 1, *c);

			if (!e)
				return;
			v = c + 1;
			n = (size_t)(e - v);
		} else {
			v = c;
			n = strcspn(v, " \t\n\r\f;");
		}
	} else if (v) {
		n = strlen(v);
	} else {
		return;
	}
	if (charset_name(v, n, p->charset) == 0)
		p->declared = 1;
}

/* A <meta>: robots nofollow, a refresh URL, a charset.  Returns 1 when the
 * scan may stop (nofollow, and no requisites wanted). */
static int links_meta(struct links_parse *p, const char *const *atts)
{
	const char *name = links_attr(atts, "name");
	const char *equiv = links_attr(atts, "http-equiv");
	const char *content = links_attr(atts, "content");
	char url[SC_URL_MAX + 1];

	links_meta_charset(p, links_attr(atts, "charset"), equiv, content);
	if (!content)
		return 0;
	if (name && strcasecmp(name, "robots") == 0 &&
	    links_has_token(content, 1, "nofollow", "none")) {
		struct links *l = p->l;

		buf_reset(&l->urls);
		l->count = 0;
		l->dropped = 0;
		l->truncated = l->reqs_dropped > 0;
		l->nofollow = 1;
		/* the links are gone; requisites, if wanted, are still read */
		return !(p->flags & LINKS_REQUISITES);
	}
	if (equiv && strcasecmp(equiv, "refresh") == 0 &&
	    links_refresh_url(content, url, sizeof(url)) == 0)
		links_add(p, url);
	return 0;
}

/* One start tag (htmltok_ops.start); 1 stops the scan. */
static int links_start(void *ud, const char *name, const char *const *atts)
{
	struct links_parse *p = ud;
	const char *const *a;
	const char *href;

	if (p->l->nofollow && !(p->flags & LINKS_REQUISITES))
		return 1;
	for (a = atts; a[0]; a += 2)
		links_note_span(p, a[1], strlen(a[1]));
	if (p->flags & LINKS_REQUISITES)
		embed_element(name, atts, links_embed, p);
	switch (name[0]) {
	case 'a':
		if (strcmp(name, "a") != 0 && strcmp(name, "area") != 0)
			return 0;
		if ((p->flags & LINKS_OBEY_REL_NOFOLLOW) &&
		    links_has_token(links_attr(atts, "rel"), 0, "nofollow", NULL))
			return 0;
		href = links_attr(atts, "href");
		/* SVG's a element: xlink:href where there is no href */
		links_add(p, href ? href : links_attr(atts, "xlink:href"));
		return 0;
	case 'b':
		if (strcmp(name, "base") == 0)
			links_base(p, links_attr(atts, "href"));
		return 0;
	case 'f':
	case 'i':
		if (strcmp(name, "frame") == 0 || strcmp(name, "iframe") == 0)
			links_add(p, links_attr(atts, "src"));
		return 0;
	case 'm':
		if (strcmp(name, "meta") == 0)
			return links_meta(p, atts);
		return 0;
	}
	return 0;
}

/* The text of a <style> element (htmltok_ops.style): its url()s and
 * @imports are requisites, resolved against the document's base, which
 * is known only at the end: noted now, read after the scan. */
static void links_style(void *ud, size_t off, size_t len)
{
	struct links_parse *p = ud;
	struct links *l = p->l;

	links_note_span(p, p->doc + off, len);
	if (!(p->flags & LINKS_REQUISITES) || l->nstyles >= SC_STYLES_MAX)
		return;
	l->styles[l->nstyles].off = off;
	l->styles[l->nstyles++].len = len;
}

/* Every attribute links_start() and embed_element() read. */
static const char *const links_attrs[] = {
	"href", "src", "srcset", "style", "rel", "name", "content", "http-equiv",
	"charset", "type", "data", "poster", "xlink:href", NULL,
};

static const struct htmltok_ops links_ops = { links_start, links_style, links_attrs };

/* One read of the document doc (len bytes) by the tokenizer. */
static void links_scan(struct links_parse *p, const char *doc, size_t len)
{
	struct links *l = p->l;
	size_t i;

	p->doc = doc;
	htmltok_run(&l->tok, doc, len, &links_ops, p);
	for (i = 0; i < l->nstyles; i++)
		links_css(p, doc + l->styles[i].off, l->styles[i].len);
}

/* A byte order mark of UTF-16: its encoding, or NULL. */
static const char *links_utf16(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
		return "UTF-16LE";
	if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
		return "UTF-16BE";
	return NULL;
}

int links_extract(struct links *l, const char *html, size_t len,
		  const char *page_url, unsigned flags)
{
	struct links_parse p;
	const char *wide;

	links_reset(l);
	memset(&p, 0, sizeof(p));
	p.l = l;
	p.flags = flags;
	url_base_init(&p.page);
	url_base_init(&p.base);
	if (url_base_set(&p.page, page_url))
		return SC_EINVAL;
	if (len > SC_PARSE_MAX)
		len = SC_PARSE_MAX;
	if (len == 0)
		goto out;
	wide = links_utf16(html, len);
	if (wide) {
		/* UTF-16 is not ASCII-compatible: converted before the read */
		if (charset_to_utf8(wide, html + 2, len - 2, &l->markup) == 0) {
			p.reread = 1;
			links_scan(&p, l->markup.data, l->markup.len);
		}
		goto out;
	}
	links_scan(&p, html, len);
	if (p.high && ((p.declared && p.charset[0]) ||
		       (p.bad_utf8 && !(p.declared && !p.charset[0])))) {
		/* Bytes past ASCII of another encoding, or not UTF-8 with no
		 * charset declared (read as windows-1252, as browsers do):
		 * read again from the text in UTF-8. */
		const char *cs = p.declared && p.charset[0] ? p.charset : "WINDOWS-1252";

		if (charset_to_utf8(cs, html, len, &l->markup) == 0) {
			links_reset(l);
			url_base_release(&p.base);
			url_base_init(&p.base);
			p.base_seen = 0;
			p.base_set = 0;
			p.reread = 1;
			links_scan(&p, l->markup.data, l->markup.len);
		}
	}
out:
	url_base_release(&p.base);
	url_base_release(&p.page);
	return 0;
}
int links_extract_css(struct links *l, const char *css, size_t len,
		      const char *css_url)
{
	struct links_parse p;

	links_reset(l);
	memset(&p, 0, sizeof(p));
	p.l = l;
	url_base_init(&p.page);
	url_base_init(&p.base);
	if (url_base_set(&p.page, css_url))
		return SC_EINVAL;
	links_css(&p, css, len);
	url_base_release(&p.page);
	return 0;
}
