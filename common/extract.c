/*
 * extract.c - one rule over one page (see extract.h): a capped tree parse,
 * then the rule's compiled XPath expressions against it.
 *
 * The tree is libxml2's own SAX2 tree builder, with startElement wrapped
 * to stop the parse once SC_EXTRACT_DEPTH_MAX elements are open.  One
 * XPath context per extractor is reused for every page (making one
 * registers every XPath function, which costs more than a small page's
 * queries).
 */
#include "common/extract.h"

#include "common/err.h"
#include "common/json.h"
#include "common/jsonld.h"
#include "common/limits.h"
#include "common/url.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EX_HTML_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
			 HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
			 HTML_PARSE_COMPACT)
#define EX_SLOTS 65536          /* > 2 * SC_LINKS_MAX, a power of two */

struct ex_slot {
	uint32_t off;           /* of the URL in res.links */
	uint32_t hash;
	uint32_t gen;           /* == x->gen: in use */
};

/* The page being extracted: what the helpers below share. */
struct ex_page {
	struct extractor *x;
	const struct rules_rule *rule;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	struct url_base page, base;
	int base_set;
};

void extract_init(struct extractor *x)
{
	memset(x, 0, sizeof(*x));
	buf_init(&x->res.items, SC_EXTRACT_BYTES_MAX);
	buf_init(&x->res.links, SC_PARSE_MAX);
	buf_init(&x->doc, SC_EXTRACT_DOC_MAX);
	buf_init(&x->item, SC_EXTRACT_BYTES_MAX);
	buf_init(&x->val, SC_EXTRACT_VALUE_MAX);
	buf_init(&x->jsonld, SC_EXTRACT_BYTES_MAX / 2);
	buf_init(&x->meta, SC_EXTRACT_BYTES_MAX / 4);
	buf_init(&x->keys, SC_EXTRACT_BYTES_MAX / 4);
}

void extract_release(struct extractor *x)
{
	buf_release(&x->res.items);
	buf_release(&x->res.links);
	buf_release(&x->doc);
	buf_release(&x->item);
	buf_release(&x->val);
	buf_release(&x->jsonld);
	buf_release(&x->meta);
	buf_release(&x->keys);
	free(x->slots);
	if (x->xp)
		xmlXPathFreeContext(x->xp);
	if (x->q_base) {
		xmlXPathFreeCompExpr(x->q_base);
		xmlXPathFreeCompExpr(x->q_robots);
		xmlXPathFreeCompExpr(x->q_jsonld);
		xmlXPathFreeCompExpr(x->q_meta);
	}
	memset(x, 0, sizeof(*x));
}

const char *extract_first(const struct buf *b)
{
	return b->len ? b->data : NULL;
}

const char *extract_next(const struct buf *b, const char *s)
{
	const char *n = s + strlen(s) + 1;

	return n < b->data + b->len ? n : NULL;
}

static void ex_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void ex_squiet(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/* startElement of the tree builder, with the depth cap. */
static void ex_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	htmlParserCtxtPtr c = ctx;
	struct extractor *x = c->_private;

	if (c->nameNr > SC_EXTRACT_DEPTH_MAX) {
		x->too_deep = 1;
		xmlStopParser(c);
		return;
	}
	xmlSAX2StartElement(ctx, name, atts);
}

static int ex_wide_bom(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	return len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff) ||
			    (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff));
}

/* The document tree of html, or NULL with x->res.why set. */
static xmlDocPtr ex_parse(struct extractor *x, const char *html, size_t len)
{
	htmlParserCtxtPtr c;
	xmlGenericErrorFunc old_err;
	void *old_ctx;
	xmlDocPtr doc;
	int wide = ex_wide_bom(html, len);

	if (len > SC_EXTRACT_DOC_MAX) {
		snprintf(x->res.why, sizeof(x->res.why), "size: %zu bytes decoded, more "
			 "than %u", len, SC_EXTRACT_DOC_MAX);
		return NULL;
	}
	/* libxml2 2.9 ends the parse silently at a NUL in many places (see
	 * links.c): they become spaces, except in UTF-16 and UTF-32 */
	if (!wide && memchr(html, '\0', len)) {
		size_t i;

		buf_reset(&x->doc);
		SC_ASSERT(buf_append(&x->doc, html, len) == 0);
		for (i = 0; i < len; i++)
			if (!x->doc.data[i])
				x->doc.data[i] = ' ';
		html = x->doc.data;
	}
	c = htmlCreateMemoryParserCtxt(len ? html : " ", len ? (int)len : 1);
	if (!c) {
		snprintf(x->res.why, sizeof(x->res.why), "parse: no parser");
		return NULL;
	}
	c->_private = x;
	c->sax->startElement = ex_start;
	c->sax->initialized = XML_SAX2_MAGIC;
	c->sax->serror = ex_squiet;
	htmlCtxtUseOptions(c, EX_HTML_OPTIONS);
	/* undeclared charset: UTF-8 first, as links.c explains */
	if (!wide)
		xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
	x->too_deep = 0;
	old_err = xmlGenericError;
	old_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, ex_quiet);
	htmlParseDocument(c);
	xmlSetGenericErrorFunc(old_ctx, old_err);
	doc = c->myDoc;
	c->myDoc = NULL;
	htmlFreeParserCtxt(c);
	if (x->too_deep) {
		snprintf(x->res.why, sizeof(x->res.why), "depth: more than %d nested elements",
			 SC_EXTRACT_DEPTH_MAX);
		if (doc)
			xmlFreeDoc(doc);
		return NULL;
	}
	if (!doc)
		snprintf(x->res.why, sizeof(x->res.why), "parse: no document");
	return doc;
}

/* Evaluate comp with node as the context; NULL when it fails. */
static xmlXPathObjectPtr ex_eval(struct ex_page *p, void *comp, xmlNodePtr node)
{
	p->xp->node = node;
	return xmlXPathCompiledEval(comp, p->xp);
}

static void ex_queries(struct extractor *x)
{
	if (x->q_base)
		return;
	x->xp = xmlXPathNewContext(NULL);
	SC_ASSERT(x->xp != NULL);
	((xmlXPathContextPtr)x->xp)->error = ex_squiet;
	x->q_base = xmlXPathCompile((const xmlChar *)"(//base[@href])[1]/@href");
	x->q_robots = xmlXPathCompile((const xmlChar *)
		"//meta[" "translate(@name,'ROBTS','robts')" "='robots']/@content");
	x->q_jsonld = xmlXPathCompile((const xmlChar *)
		"//script[starts-with(translate(normalize-space(@type),"
		"'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz'),"
		"'application/ld+json')]");
	x->q_meta = xmlXPathCompile((const xmlChar *)
		"//meta[@content and (@property or @name)]");
	SC_ASSERT(x->q_base && x->q_robots && x->q_jsonld && x->q_meta);
}

/* Cut b back to a UTF-8 boundary if the last append was cut. */
static void ex_utf8_end(struct buf *b)
{
	size_t n = b->len, k = 0;

	while (k < 4 && n > k && ((unsigned char)b->data[n - 1 - k] & 0xc0) == 0x80)
		k++;
	if (k < 4 && n > k) {
		unsigned char lead = (unsigned char)b->data[n - 1 - k];
		size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
		if (need > k)
			n -= k + 1;
	}
	b->len = n;
	b->data[n] = '\0';
}

/* Append s with white space runs made one space, ends trimmed, at most
 * cap bytes (cut at a UTF-8 boundary). */
static void ex_collapse(struct buf *b, const char *s)
{
	int space = 0;

	for (; *s; s++) {
		int ws = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f';

		if (ws) {
			space = b->len > 0;
			continue;
		}
		if ((space && buf_putc(b, ' ')) || buf_putc(b, *s)) {
			ex_utf8_end(b);
			break;
		}
		space = 0;
	}
}

static void ex_put_capped(struct buf *b, const char *s)
{
	if (buf_append_upto(b, s, strlen(s)) < strlen(s))
		ex_utf8_end(b);
}

/* A URL value resolved against the page (or its <base>), else as it is. */
static void ex_url(struct ex_page *p, struct buf *b, const char *v)
{
	char *u = NULL;

	if (url_base_resolve(p->base_set ? &p->base : &p->page, v, &u) == 0) {
		ex_put_capped(b, u);
		free(u);
		return;
	}
	ex_collapse(b, v);
}

/* The inner HTML of node into b, capped. */
static void ex_inner(struct ex_page *p, struct buf *b, xmlNodePtr node)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlNodePtr ch;

	if (!xb)
		return;
	for (ch = node->children; ch && xmlBufferLength(xb) < (int)SC_EXTRACT_VALUE_MAX;
	     ch = ch->next)
		htmlNodeDump(xb, p->doc, ch);
	if (buf_append_upto(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) <
	    (size_t)xmlBufferLength(xb))
		ex_utf8_end(b);
	xmlBufferFree(xb);
}

/* The value of node for field f into x->val: 1, or 0 when it has none. */
static int ex_node_value(struct ex_page *p, const struct rules_field *f, xmlNodePtr node)
{
	struct buf *b = &p->x->val;
	xmlChar *s = NULL;

	buf_reset(b);
	if (f->attr) {
		if (node->type == XML_ELEMENT_NODE)
			s = xmlGetProp(node, (const xmlChar *)f->attr);
		else if (node->type == XML_ATTRIBUTE_NODE || node->type == XML_TEXT_NODE)
			s = xmlNodeGetContent(node);
		if (!s)
			return 0;
		if (f->url_attr)
			ex_url(p, b, (const char *)s);
		else
			ex_collapse(b, (const char *)s);
	} else if (node->type == XML_ATTRIBUTE_NODE) {
		s = xmlNodeGetContent(node);
		if (!s)
			return 0;
		if (node->name && rules_url_attr((const char *)node->name))
			ex_url(p, b, (const char *)s);
		else
			ex_collapse(b, (const char *)s);
	} else if (f->html && node->type == XML_ELEMENT_NODE) {
		ex_inner(p, b, node);
	} else if (node->type == XML_NAMESPACE_DECL) {
		return 0;
	} else {
		s = xmlNodeGetContent(node);
		if (!s)
			return 0;
		ex_collapse(b, (const char *)s);
	}
	xmlFree(s);
	return 1;
}

/* Apply f's regex to x->val in place: 1 if it matched (or there is none). */
static int ex_regex(struct extractor *x, const struct rules_field *f)
{
	regmatch_t m[2];
	regoff_t so, eo;

	if (!f->regex_src)
		return 1;
	if (regexec(&f->regex, x->val.data, 2, m, 0) != 0)
		return 0;
	so = m[0].rm_so;
	eo = m[0].rm_eo;
	if (f->regex.re_nsub >= 1 && m[1].rm_so >= 0) {
		so = m[1].rm_so;
		eo = m[1].rm_eo;
	}
	memmove(x->val.data, x->val.data + so, (size_t)(eo - so));
	x->val.len = (size_t)(eo - so);
	x->val.data[x->val.len] = '\0';
	return 1;
}

/* Emit one value of field f (in x->val) into the item. */
static int ex_emit(struct extractor *x, int *count, int all)
{
	if (all && *count && buf_putc(&x->item, ','))
		return -1;
	(*count)++;
	return json_str(&x->item, x->val.data, x->val.len);
}

/* Field f of the item at node: appended to x->item as "name":value.
 * Returns 1 with a value, 0 without, -1 when the item is full. */
static int ex_field(struct ex_page *p, const struct rules_field *f, xmlNodePtr node)
{
	struct extractor *x = p->x;
	xmlXPathObjectPtr o = ex_eval(p, f->sel.comp, node);
	int count = 0, rc = 0, i;

	if (x->item.len && buf_putc(&x->item, ','))
		rc = -1;
	if (!rc && (json_cstr(&x->item, f->name) || buf_putc(&x->item, ':') ||
		    (f->all && buf_putc(&x->item, '['))))
		rc = -1;
	if (!rc && o && o->type == XPATH_NODESET && o->nodesetval) {
		for (i = 0; i < o->nodesetval->nodeNr && !rc; i++) {
			if (count >= (f->all ? SC_EXTRACT_VALUES_MAX : 1))
				break;
			if (!ex_node_value(p, f, o->nodesetval->nodeTab[i]) || !ex_regex(x, f))
				continue;
			if (ex_emit(x, &count, f->all))
				rc = -1;
		}
	} else if (!rc && o && o->type != XPATH_NODESET) {
		xmlChar *s = xmlXPathCastToString(o);

		buf_reset(&x->val);
		if (s)
			ex_put_capped(&x->val, (const char *)s);
		xmlFree(s);
		if (s && ex_regex(x, f) && ex_emit(x, &count, f->all))
			rc = -1;
	}
	if (o)
		xmlXPathFreeObject(o);
	if (!rc && ((f->all && buf_putc(&x->item, ']')) ||
		    (!f->all && !count && buf_puts(&x->item, "null"))))
		rc = -1;
	return rc < 0 ? -1 : count > 0;
}

/* The page's "jsonld" member into x->jsonld. */
static void ex_jsonld(struct ex_page *p)
{
	struct extractor *x = p->x;
	xmlXPathObjectPtr o = ex_eval(p, x->q_jsonld, (xmlNodePtr)p->doc);
	int i, n = 0;

	buf_reset(&x->jsonld);
	buf_puts(&x->jsonld, "\"jsonld\":[");
	for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		size_t mark = x->jsonld.len;
		char why[128];

		if (!s)
			continue;
		if (n >= SC_EXTRACT_JSONLD_MAX ||
		    (n && buf_putc(&x->jsonld, ',')) ||
		    jsonld_compact((const char *)s, strlen((const char *)s), &x->jsonld,
				   why, sizeof(why))) {
			x->jsonld.len = mark;
			x->jsonld.data[mark] = '\0';
			x->res.jsonld_invalid++;
		} else {
			n++;
		}
		xmlFree(s);
	}
	if (o)
		xmlXPathFreeObject(o);
	buf_putc(&x->jsonld, ']');
}

/* The page's "meta" member into x->meta. */
static void ex_meta(struct ex_page *p)
{
	struct extractor *x = p->x;
	xmlXPathObjectPtr o = ex_eval(p, x->q_meta, (xmlNodePtr)p->doc);
	int i, n = 0;

	buf_reset(&x->meta);
	buf_reset(&x->keys);
	buf_puts(&x->meta, "\"meta\":{");
	for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr &&
	     n < SC_EXTRACT_META_MAX; i++) {
		xmlNodePtr m = o->nodesetval->nodeTab[i];
		xmlChar *k = xmlGetProp(m, (const xmlChar *)"property"), *v;
		const char *seen;
		size_t mark = x->meta.len;

		if (!k || !*k) {
			xmlFree(k);
			k = xmlGetProp(m, (const xmlChar *)"name");
		}
		v = xmlGetProp(m, (const xmlChar *)"content");
		for (seen = extract_first(&x->keys); k && *k && seen;
		     seen = extract_next(&x->keys, seen))
			if (strcmp(seen, (const char *)k) == 0)
				break;
		if (k && *k && v && !seen) {
			buf_reset(&x->val);
			ex_collapse(&x->val, (const char *)v);
			if ((n && buf_putc(&x->meta, ',')) || json_cstr(&x->meta, (const char *)k) ||
			    buf_putc(&x->meta, ':') || json_str(&x->meta, x->val.data, x->val.len) ||
			    buf_append(&x->keys, k, strlen((const char *)k) + 1)) {
				x->meta.len = mark;
				x->meta.data[mark] = '\0';
			} else {
				n++;
			}
		}
		xmlFree(k);
		xmlFree(v);
	}
	if (o)
		xmlXPathFreeObject(o);
	buf_putc(&x->meta, '}');
}

/* One item at node into x->res.items (or dropped, or cut). */
static void ex_item(struct ex_page *p, xmlNodePtr node)
{
	struct extractor *x = p->x;
	const struct rules_rule *r = p->rule;
	int i, full = 0;

	if (x->res.nitems >= SC_EXTRACT_ITEMS_MAX) {
		x->res.cut++;
		return;
	}
	buf_reset(&x->item);
	for (i = 0; i < r->nfields && !full; i++) {
		int got = ex_field(p, &r->fields[i], node);

		if (got < 0)
			full = 1;
		else if (!got && r->fields[i].required) {
			x->res.dropped++;
			return;
		}
	}
	if (!full && r->jsonld && ((x->item.len && buf_putc(&x->item, ',')) ||
				   buf_append(&x->item, x->jsonld.data, x->jsonld.len)))
		full = 1;
	if (!full && r->meta && ((x->item.len && buf_putc(&x->item, ',')) ||
				 buf_append(&x->item, x->meta.data, x->meta.len)))
		full = 1;
	if (full || buf_append(&x->res.items, x->item.data, x->item.len + 1)) {
		x->res.cut++;
		return;
	}
	x->res.nitems++;
}

static uint32_t ex_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* A follow link, resolved and normalized, once: an open-addressing table
 * of EX_SLOTS (twice SC_LINKS_MAX, rounded up) offsets into res.links,
 * emptied for each page by a new generation. */
static void ex_link(struct ex_page *p, const char *ref)
{
	struct extractor *x = p->x;
	struct ex_slot *sl;
	uint32_t h, i;
	char *u;

	if (url_base_resolve(p->base_set ? &p->base : &p->page, ref, &u))
		return;
	h = ex_hash(u);
	for (i = h & (EX_SLOTS - 1);; i = (i + 1) & (EX_SLOTS - 1)) {
		sl = &x->slots[i];
		if (sl->gen != x->gen)
			break;
		if (sl->hash == h && strcmp(x->res.links.data + sl->off, u) == 0)
			goto out;
	}
	if (x->res.nlinks >= SC_LINKS_MAX) {
		x->res.links_dropped++;
		goto out;
	}
	sl->off = (uint32_t)x->res.links.len;
	if (buf_append(&x->res.links, u, strlen(u) + 1)) {
		x->res.links_dropped++;
		goto out;
	}
	sl->hash = h;
	sl->gen = x->gen;
	x->res.nlinks++;
out:
	free(u);
}

static int ex_has_nofollow(const char *s)
{
	while (s && *s) {
		size_t n;

		while (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		n = strcspn(s, " ,\t\n\r");
		if ((n == 8 && strncasecmp(s, "nofollow", 8) == 0) ||
		    (n == 4 && strncasecmp(s, "none", 4) == 0))
			return 1;
		s += n;
	}
	return 0;
}

/* The rule's follow links into x->res.links. */
static void ex_follow(struct ex_page *p)
{
	struct extractor *x = p->x;
	xmlXPathObjectPtr o = ex_eval(p, x->q_robots, (xmlNodePtr)p->doc);
	int i;

	for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		if (ex_has_nofollow((const char *)s))
			x->res.nofollow = 1;
		xmlFree(s);
	}
	if (o)
		xmlXPathFreeObject(o);
	if (x->res.nofollow)
		return;
	if (!x->slots)
		x->slots = xcalloc(EX_SLOTS, sizeof(*x->slots));
	if (++x->gen == 0) {
		memset(x->slots, 0, EX_SLOTS * sizeof(*x->slots));
		x->gen = 1;
	}
	o = ex_eval(p, p->rule->follow_sel.comp, (xmlNodePtr)p->doc);
	for (i = 0; o && o->type == XPATH_NODESET && o->nodesetval &&
	     i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		xmlChar *s = NULL;

		if (n->type == XML_ELEMENT_NODE)
			s = xmlGetProp(n, (const xmlChar *)p->rule->follow_attr);
		else if (n->type == XML_ATTRIBUTE_NODE)
			s = xmlNodeGetContent(n);
		if (s)
			ex_link(p, (const char *)s);
		xmlFree(s);
	}
	if (o)
		xmlXPathFreeObject(o);
}

/* The first <base href> becomes the base of URL values and links. */
static void ex_base(struct ex_page *p)
{
	xmlXPathObjectPtr o = ex_eval(p, p->x->q_base, (xmlNodePtr)p->doc);
	char *u;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		if (s && url_base_resolve(&p->page, (const char *)s, &u) == 0) {
			p->base_set = url_base_set(&p->base, u) == 0;
			free(u);
		}
		xmlFree(s);
	}
	if (o)
		xmlXPathFreeObject(o);
}

static void ex_reset(struct extract_result *r)
{
	buf_reset(&r->items);
	buf_reset(&r->links);
	r->nitems = r->dropped = r->cut = r->jsonld_invalid = 0;
	r->nlinks = r->links_dropped = 0;
	r->nofollow = 0;
	r->why[0] = '\0';
}

const struct extract_result *extract_page(struct extractor *x,
					  const struct rules_rule *rule,
					  const char *html, size_t len,
					  const char *url, unsigned flags)
{
	struct ex_page p;
	int i;

	ex_reset(&x->res);
	ex_queries(x);
	memset(&p, 0, sizeof(p));
	p.x = x;
	p.rule = rule;
	p.xp = x->xp;
	url_base_init(&p.page);
	url_base_init(&p.base);
	if (url_base_set(&p.page, url)) {
		snprintf(x->res.why, sizeof(x->res.why), "url: cannot parse the page URL");
		goto out;
	}
	p.doc = ex_parse(x, html, len);
	if (!p.doc)
		goto out;
	x->pages++;
	p.xp->doc = p.doc;
	ex_base(&p);
	if (rule->jsonld)
		ex_jsonld(&p);
	if (rule->meta)
		ex_meta(&p);
	if (rule->nfields || rule->jsonld || rule->meta) {
		if (!rule->item.comp) {
			ex_item(&p, (xmlNodePtr)p.doc);
		} else {
			xmlXPathObjectPtr o = ex_eval(&p, rule->item.comp, (xmlNodePtr)p.doc);

			for (i = 0; o && o->type == XPATH_NODESET && o->nodesetval &&
			     i < o->nodesetval->nodeNr; i++)
				ex_item(&p, o->nodesetval->nodeTab[i]);
			if (o)
				xmlXPathFreeObject(o);
		}
	}
	if (rule->follow && (flags & EXTRACT_LINKS))
		ex_follow(&p);
	p.xp->doc = NULL;
	p.xp->node = NULL;
	xmlFreeDoc(p.doc);
out:
	url_base_release(&p.page);
	url_base_release(&p.base);
	return &x->res;
}
