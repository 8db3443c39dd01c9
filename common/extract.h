/*
 * extract.h - running one extraction rule (common/rules.h) over one HTML
 * page: the items it yields and, for a rule with follow, the links.
 *
 * Only a page that a rule matched comes here: the document tree is built
 * for it alone (libxml2's HTML parser, no network, errors silenced), within
 * caps (common/limits.h):
 *   SC_EXTRACT_DOC_MAX     decoded bytes: a larger page is not extracted;
 *   SC_EXTRACT_DEPTH_MAX   open elements: the parse stops there, and the
 *                          page is not extracted.  libxml2's tree builder
 *                          itself halts, silently, past 256 (its
 *                          xmlParserMaxDepth without XML_PARSE_HUGE, which
 *                          is never set): the cap is below that, so such a
 *                          page is said to be too deep, not cut short;
 *   SC_EXTRACT_ITEMS_MAX   items kept from a page (the rest counted: cut);
 *   SC_EXTRACT_BYTES_MAX   bytes of JSON of those items (the same);
 *   SC_EXTRACT_VALUE_MAX   bytes of one value (cut at a UTF-8 boundary);
 *   SC_EXTRACT_VALUES_MAX  values of one all: true field.
 * A page not extracted gets the reason in res->why ("depth: ...",
 * "size: ...") and no items; its follow links are none.
 *
 * Values: the text of a node is its string value with runs of white
 * space (space, tab, CR, LF, FF) made one space and the ends trimmed;
 * attr takes an attribute's value (a node without it gives no value);
 * html the inner HTML (the children serialized); an XPath that selects
 * attributes or text nodes gives their text; one whose result is a
 * string, number or boolean gives that, as XPath casts it to a string.
 * A value of a URL attribute (href, src, ...: rules.c) is resolved against
 * the page's URL, or its first <base href>; one that does not resolve to
 * an http(s) URL is kept as written.  regex keeps its first group (or the
 * whole match); a value it does not match is no value.  Without all, a
 * field is the first value (in document order); with all, the list.  No
 * value is null (all: []); a required field without one drops the item.
 *
 * An item is written as JSON members without the braces: the fields in
 * the rule's order, then "jsonld" (the list of the page's JSON-LD blocks,
 * each checked and compacted by common/jsonld.h; a block that is not JSON
 * is left out and counted) and "meta" (an object: each <meta> with
 * content and a property, else a name, the first one of a key winning, at
 * most SC_EXTRACT_META_MAX).  The caller adds url and the WARC fields.
 * Without item a rule yields one item a page, with item one per node it
 * selects; a rule with no field, jsonld or meta yields none.
 *
 * Follow: the follow selector's nodes, their follow attr (href unless
 * set) resolved and normalized as link extraction does it, each URL once,
 * at most SC_LINKS_MAX; none at all when <meta name=robots> says nofollow
 * (as common/links.h).
 */
#ifndef SC_EXTRACT_H
#define SC_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/rules.h"

struct extract_result {
	struct buf items;       /* nitems JSON member lists, each NUL-terminated */
	uint32_t nitems;
	uint32_t dropped;       /* items without a required field */
	uint32_t cut;           /* items past a cap, not kept */
	uint32_t jsonld_invalid; /* JSON-LD blocks that were not JSON */
	struct buf links;       /* follow: nlinks URLs, each NUL-terminated */
	uint32_t nlinks;
	uint32_t links_dropped; /* past SC_LINKS_MAX */
	int nofollow;           /* meta robots nofollow: no links */
	char why[128];          /* not extracted: why; "" when it was */
};

struct ex_slot;

/* The reusable state of one process's extraction (scratch buffers, an
 * XPath context); private to extract.c. */
struct extractor {
	struct extract_result res;
	struct buf doc;         /* the page with its NUL bytes replaced */
	struct buf item;        /* the item being built */
	struct buf val;         /* one value */
	struct buf jsonld;      /* the page's "jsonld" member */
	struct buf meta;        /* the page's "meta" member */
	struct buf keys;        /* meta keys seen, NUL-separated */
	struct ex_slot *slots;  /* the follow links kept, by hash */
	uint32_t gen;           /* slots of another generation are empty */
	void *xp;               /* xmlXPathContextPtr, made on first use */
	void *q_base, *q_robots, *q_jsonld, *q_meta; /* compiled queries */
	int too_deep;           /* the parse passed SC_EXTRACT_DEPTH_MAX */
	uint64_t pages;         /* pages extracted by this extractor */
};

void extract_init(struct extractor *x);
void extract_release(struct extractor *x);

/* extract_page() flags */
#define EXTRACT_LINKS 0x01      /* the rule's follow links are wanted */

/*
 * Run rule over the HTML document html (len bytes, decoded, may hold NUL
 * bytes and invalid UTF-8) found at url (normalized).  The result is in
 * x->res until the next call; it is returned too.  Never fails: a page
 * past a cap is a result with why set.
 */
const struct extract_result *extract_page(struct extractor *x,
					  const struct rules_rule *rule,
					  const char *html, size_t len,
					  const char *url, unsigned flags);

/* Iterate items or links: for (s = extract_first(b); s; s = extract_next(b, s)) */
const char *extract_first(const struct buf *b);
const char *extract_next(const struct buf *b, const char *s);

#endif
