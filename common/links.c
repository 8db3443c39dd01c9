/*
 * links.c - link extraction with libxml2's HTML parser in SAX mode; see
 * links.h.
 *
 * Only startElement is set on the SAX handler: no tree is built, and
 * character data, comments and end tags cost nothing on our side.  Each
 * link is resolved and normalized at once (url_base_resolve()), looked up
 * in a small open-addressing table of the URLs already kept, and appended
 * to l->urls.  The table stores offsets into l->urls plus a generation
 * number, so emptying it for the next page is one increment.
 *
 * libxml2 2.9.14 needs help with hostile documents; each workaround is
 * explained where it is made: NUL bytes and tags with very many attributes
 * (links_markup()), deep nesting (links_flatten()), undeclared UTF-8
 * and errors printed despite HTML_PARSE_NOERROR (links_extract()).
 */
#include "common/links.h"
#include "common/css.h"
#include "common/embed.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/url.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINKS_HTML_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
			    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
			    HTML_PARSE_COMPACT)
#define LINKS_MIN_SLOTS 64
#define LINKS_DEPTH_MAX 128     /* open elements kept by the parser */
#define LINKS_ATTR_MAX  256     /* attributes of one tag given to it */
/* What a NUL byte of the document is replaced by (see links_markup()). */
#define LINKS_NUL_MARK  '\x01'

struct links_slot {
	uint32_t off;           /* of the URL in l->urls, or l->reqs (req set) */
	uint32_t hash;
	unsigned gen;           /* == l->gen when the slot is in use */
	unsigned req;           /* a requisite, not a link */
};

/* State of one links_extract() call, the SAX callbacks' user data. */
struct links_parse {
	struct links *l;
	htmlParserCtxtPtr ctxt;
	struct url_base page;   /* the page URL */
	struct url_base base;   /* the first <base href>, when base_set */
	int base_seen;
	int base_set;
	int nul_marked;         /* NUL bytes were replaced by LINKS_NUL_MARK */
	unsigned flags;         /* LINKS_* */
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
	if (++l->gen == 0) {
		/* After 2^32 pages, stale slots could look current again. */
		if (l->nslots)
			memset(l->slots, 0, l->nslots * sizeof(*l->slots));
		l->gen = 1;
	}
}

void links_release(struct links *l)
{
	buf_release(&l->urls);
	buf_release(&l->reqs);
	buf_release(&l->markup);
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

/* The slot holding s (a link, or a requisite if req), or the empty slot
 * where it would go. */
static struct links_slot *links_find(const struct links *l, const char *s,
				     uint32_t hash, unsigned req)
{
	size_t mask = l->nslots - 1, i = hash & mask;

	for (;;) {
		struct links_slot *sl = &l->slots[i];

		if (sl->gen != l->gen)
			return sl;
		if (sl->hash == hash && sl->req == req &&
		    strcmp((req ? l->reqs.data : l->urls.data) + sl->off, s) == 0)
			return sl;
		i = (i + 1) & mask;
	}
}

/* Keep the table at most half full; it never outgrows 2 * max slots. */
static void links_grow(struct links *l)
{
	struct links_slot *old = l->slots;
	size_t oldn = l->nslots, i;

	if ((l->count + l->nreqs + 1) * 2 <= l->nslots)
		return;
	l->nslots = oldn ? oldn * 2 : LINKS_MIN_SLOTS;
	l->slots = xcalloc(l->nslots, sizeof(*l->slots));
	for (i = 0; i < oldn; i++) {
		struct links_slot *sl;

		if (old[i].gen != l->gen)
			continue;
		sl = &l->slots[old[i].hash & (l->nslots - 1)];
		while (sl->gen == l->gen)
			sl = sl + 1 < l->slots + l->nslots ? sl + 1 : l->slots;
		*sl = old[i];
	}
	free(old);
}

/* Keep u (normal form) once: as a link, or a requisite when req. */
static int links_store(struct links *l, const char *u, unsigned req)
{
	struct buf *b = req ? &l->reqs : &l->urls;
	size_t *count = req ? &l->nreqs : &l->count;
	struct links_slot *sl;
	size_t off, n;
	uint32_t hash;

	links_grow(l);
	hash = links_hash(u) ^ (req ? 0x9e3779b9u : 0);
	sl = links_find(l, u, hash, req);
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
		return 0;
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
	return links_store(l, u, 0);
}

/* Resolve ref and keep it once: as a link, or a requisite when req. */
static void links_put(struct links_parse *p, const char *ref, unsigned req)
{
	struct links *l = p->l;
	char *u;

	if (!ref || (!req && l->nofollow))
		return;
	if (p->nul_marked && strchr(ref, LINKS_NUL_MARK))
		return;
	if (url_base_resolve(p->base_set ? &p->base : &p->page, ref, &u))
		return;
	links_store(l, u, req);
	free(u);
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

/* The value of attribute name (first occurrence), or NULL. */
static const char *links_attr(const xmlChar **atts, const char *name)
{
	if (!atts)
		return NULL;
	for (; atts[0]; atts += 2)
		if (strcasecmp((const char *)atts[0], name) == 0)
			return (const char *)atts[1];
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

static void links_meta(struct links_parse *p, const xmlChar **atts)
{
	const char *name = links_attr(atts, "name");
	const char *equiv = links_attr(atts, "http-equiv");
	const char *content = links_attr(atts, "content");
	char url[SC_URL_MAX + 1];

	if (!content)
		return;
	if (name && strcasecmp(name, "robots") == 0 &&
	    links_has_token(content, 1, "nofollow", "none")) {
		struct links *l = p->l;

		buf_reset(&l->urls);
		l->count = 0;
		l->dropped = 0;
		l->truncated = l->reqs_dropped > 0;
		l->nofollow = 1;
		/* the links are gone; requisites, if wanted, are still read */
		if (!(p->flags & LINKS_REQUISITES))
			xmlStopParser(p->ctxt);
		return;
	}
	if (equiv && strcasecmp(equiv, "refresh") == 0 &&
	    links_refresh_url(content, url, sizeof(url)) == 0)
		links_add(p, url);
}

/*
 * libxml2 2.9 scans its whole stack of open elements for every end tag that
 * closes none of them, so a deep document with many stray end tags costs
 * depth x tags: 100,000 <div> then 200,000 </x> (1.3 MB) take 46 s.  Links
 * need no tree: past LINKS_DEPTH_MAX open elements, the one just below the
 * element being started (already pushed when startElement runs) is
 * forgotten, so the stack and every scan stay short.  Its end tag will then
 * be a stray one, which libxml2 ignores.  The names are the parser's
 * dictionary strings, not owned by the stack.
 */
static void links_flatten(htmlParserCtxtPtr ctxt)
{
	if (ctxt->nameNr > LINKS_DEPTH_MAX && ctxt->nameTab &&
	    ctxt->name == ctxt->nameTab[ctxt->nameNr - 1]) {
		ctxt->nameTab[ctxt->nameNr - 2] = ctxt->nameTab[ctxt->nameNr - 1];
		ctxt->nameNr--;
	}
}

static void links_start(void *ud, const xmlChar *xname, const xmlChar **atts)
{
	struct links_parse *p = ud;
	const char *name = (const char *)xname;

	if (!name || (p->l->nofollow && !(p->flags & LINKS_REQUISITES)))
		return;
	links_flatten(p->ctxt);
	if (p->flags & LINKS_REQUISITES)
		embed_element(name, (const char *const *)atts, links_embed, p);
	/* libxml2 lowercases HTML element and attribute names; strcasecmp
	 * costs nothing more and does not rely on it. */
	switch (name[0] | 0x20) {
	case 'a':
		if (strcasecmp(name, "a") != 0 && strcasecmp(name, "area") != 0)
			return;
		if ((p->flags & LINKS_OBEY_REL_NOFOLLOW) &&
		    links_has_token(links_attr(atts, "rel"), 0, "nofollow", NULL))
			return;
		links_add(p, links_attr(atts, "href"));
		return;
	case 'b':
		if (strcasecmp(name, "base") == 0)
			links_base(p, links_attr(atts, "href"));
		return;
	case 'f':
	case 'i':
		if (strcasecmp(name, "frame") == 0 || strcasecmp(name, "iframe") == 0)
			links_add(p, links_attr(atts, "src"));
		return;
	case 'm':
		if (strcasecmp(name, "meta") == 0)
			links_meta(p, atts);
		return;
	}
}

/* A byte order mark of UTF-16 or UTF-32 (libxml2 detects these). */
static int links_wide_bom(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	return len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
			    (u[0] == 0xfe && u[1] == 0xff) ||
			    (len >= 4 && u[0] == 0 && u[1] == 0 &&
			     u[2] == 0xfe && u[3] == 0xff));
}

static int links_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Scan the start tag whose name begins at s[i], roughly as libxml2 reads
 * it, and return where it ends.  Past LINKS_ATTR_MAX attributes, *fix is
 * set to the first byte (a letter) of an attribute name, which the caller
 * turns into '>' to end the tag there.
 */
static size_t links_scan_tag(const char *s, size_t len, size_t i, size_t *fix)
{
	size_t n = 0;

	*fix = len;
	while (i < len && !links_is_space(s[i]) && s[i] != '>')
		i++;
	for (;;) {
		while (i < len && links_is_space(s[i]))
			i++;
		if (i >= len)
			return len;
		if (s[i] == '>')
			return i + 1;
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '>')
			return i + 2;
		if (++n > LINKS_ATTR_MAX && links_is_alpha(s[i])) {
			*fix = i;
			return i + 1;
		}
		while (i < len && !links_is_space(s[i]) && s[i] != '=' &&
		       s[i] != '>')
			i++;
		while (i < len && links_is_space(s[i]))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		while (i < len && links_is_space(s[i]))
			i++;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			const char *q = memchr(s + i + 1, s[i], len - i - 1);

			i = q ? (size_t)(q - s) + 1 : len;
		} else {
			while (i < len && !links_is_space(s[i]) && s[i] != '>')
				i++;
		}
	}
}

/* Does s[i..] start with the (lowercase) word w, any case, then a
 * delimiter of a tag name? */
static int links_is_name(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w), k;

	if (len - i < n)
		return 0;
	for (k = 0; k < n; k++)
		if ((s[i + k] | 0x20) != w[k])
			return 0;
	return i + n == len || links_is_space(s[i + n]) || s[i + n] == '>' ||
	       s[i + n] == '/';
}

/* Where the raw text of element name (script, style) ends: at its end
 * tag "</name", any case; len if it never does. */
static size_t links_raw_end(const char *s, size_t len, size_t i, const char *name)
{
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);

		if (!lt)
			return len;
		i = (size_t)(lt - s);
		if (i + 2 < len && s[i + 1] == '/' && links_is_name(s, len, i + 2, name))
			return i;
		i++;
	}
	return len;
}

/*
 * Copy the markup of an HTML document into out: start tags (name and
 * attributes, as links_scan_tag() reads them) and end tags.  Text, comments,
 * declarations, processing instructions and the raw text of <script> and
 * <style> are dropped: no link can be in them, and libxml2 2.9 reads text a
 * character at a time (~20 ns a byte), which made it most of a page's cost.
 *
 * The copy also works around two weaknesses of libxml2 2.9's HTML parser:
 *
 * NUL bytes: the parse ends, silently, at a NUL in many places (right after
 * a tag, inside one) and an attribute value is cut at one.  They become
 * LINKS_NUL_MARK, which libxml2 passes through, and *nul_marked is set so
 * that a link whose value holds the mark is dropped rather than followed
 * as a different, truncated URL.
 *
 * Attributes: each new attribute of a tag is compared with all the earlier
 * ones, so one tag with 100,000 attributes (800 KB) takes 14 s.  A tag is
 * ended after LINKS_ATTR_MAX attributes.
 *
 * The text of each <style> is noted in l->styles (for the requisites).
 * Returns 0, or -1 when the document must go to the parser as it is: a
 * UTF-16 or UTF-32 document (byte order mark first), whose bytes are not
 * ASCII-compatible.
 */
static int links_markup(const char *s, size_t len, struct links *l, int *nul_marked)
{
	struct buf *out = &l->markup;
	size_t i = 0;

	buf_reset(out);
	if (links_wide_bom(s, len))
		return -1;
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		size_t start, end, fix, k;

		if (!lt)
			break;
		start = (size_t)(lt - s);
		i = start + 1;
		if (i >= len)
			break;
		if (links_is_alpha(s[i])) {
			end = links_scan_tag(s, len, i, &fix);
			if (fix < len)
				end = fix;      /* cut: the tag ends here */
		} else if (s[i] == '/' && i + 1 < len && links_is_alpha(s[i + 1])) {
			const char *gt = memchr(s + i, '>', len - i);
			end = gt ? (size_t)(gt - s) + 1 : len;
			fix = len;
		} else if (s[i] == '!' && len - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-') {
			const char *cl = memmem(s + i + 3, len - i - 3, "-->", 3);
			i = cl ? (size_t)(cl - s) + 3 : len;
			continue;
		} else if (s[i] == '!' || s[i] == '?') {
			const char *gt = memchr(s + i, '>', len - i);
			i = gt ? (size_t)(gt - s) + 1 : len;
			continue;
		} else {
			continue;       /* a '<' in text */
		}
		/* the buffer is as large as the document: this always fits */
		if (buf_reserve(out, end - start + 1))
			return -1;
		for (k = start; k < end; k++) {
			char c = s[k];
			if (!c) {
				c = LINKS_NUL_MARK;
				*nul_marked = 1;
			}
			out->data[out->len++] = c;
		}
		if (fix < len)
			out->data[out->len++] = '>';
		out->data[out->len] = '\0';
		i = end;
		if (links_is_name(s, len, start + 1, "script"))
			i = links_raw_end(s, len, i, "script");
		else if (links_is_name(s, len, start + 1, "style")) {
			size_t body = i;

			i = links_raw_end(s, len, i, "style");
			if (l->nstyles < SC_STYLES_MAX && i > body) {
				l->styles[l->nstyles].off = body;
				l->styles[l->nstyles++].len = i - body;
			}
		}
	}
	return 0;
}

/* libxml2 reports errors through the context when it has one; these are
 * silenced per context below.  A few (character-set conversion) are raised
 * with no context and go to the thread's generic error handler, which
 * prints to stderr: it is swapped for this no-op during the parse. */
static void links_no_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void links_no_serror(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

int links_extract(struct links *l, const char *html, size_t len,
		  const char *page_url, unsigned flags)
{
	struct links_parse p;
	htmlParserCtxtPtr ctxt;
	xmlGenericErrorFunc old_err;
	void *old_ctx;
	const char *doc = html;
	size_t i;

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

	if (links_markup(html, len, l, &p.nul_marked) == 0) {
		html = l->markup.data;
		len = l->markup.len;
		if (len == 0)
			goto out;
	}

	ctxt = htmlCreateMemoryParserCtxt(html, (int)len);
	if (!ctxt)
		goto out;
	/* The context's own handler (allocated with it) is the one that
	 * builds a tree: replace all of it. */
	memset(ctxt->sax, 0, sizeof(*ctxt->sax));
	ctxt->sax->startElement = links_start;
	ctxt->sax->initialized = XML_SAX2_MAGIC; /* so serror is used */
	ctxt->sax->serror = links_no_serror;
	ctxt->userData = &p;
	p.ctxt = ctxt;
	htmlCtxtUseOptions(ctxt, LINKS_HTML_OPTIONS);
	/* Without a declared charset, libxml2 2.9 decodes the document as
	 * ISO-8859-1 from its first non-ASCII byte on, so "caf\xc3\xa9" would
	 * come out as "caf\xc3\x83\xc2\xa9".  Start in UTF-8: a <meta charset>
	 * still switches (no encoder is installed for UTF-8), and at the
	 * first invalid UTF-8 sequence libxml2 falls back to ISO-8859-1 for
	 * the rest. */
	xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);

	old_err = xmlGenericError;
	old_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, links_no_error);
	htmlParseDocument(ctxt);
	xmlSetGenericErrorFunc(old_ctx, old_err);

	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	htmlFreeParserCtxt(ctxt);
	/* <style> text, against the document's base: the markup pass
	 * dropped it, so it is read here, from the document itself */
	for (i = 0; (flags & LINKS_REQUISITES) && i < l->nstyles; i++)
		links_css(&p, doc + l->styles[i].off, l->styles[i].len);
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
