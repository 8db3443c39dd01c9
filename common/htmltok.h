/*
 * htmltok.h - the start tags of an HTML document, read as a browser's
 * tokenizer reads them (the HTML standard, 13.2.5), without a tree.
 *
 * What a start tag is, and what is not one, follows the standard's states:
 * a tag name starts with an ASCII letter; attribute values may be double-
 * quoted, single-quoted or unquoted, and a '>' inside quotes does not end
 * the tag; comments end at "-->" or "--!>" ("<!-->" and "<!--->" end at
 * once); "<!...>", "<?...>" and "</" + a non-letter are bogus comments
 * that end at the next '>'; a tag cut off by the end of the document is no
 * tag.  Names are lowercased (ASCII only); a NUL byte becomes U+FFFD;
 * character references in values are decoded (common/htmlent.h), CR LF and
 * CR become LF; of two attributes with one name the first is kept, and an
 * attribute without a value has the value "".
 *
 * As in a browser, the text of some elements is not markup: script (with
 * the standard's "<!--" escape states, so "<script>" inside an escaped
 * script does not end at the first "</script>"), style, xmp and iframe
 * (raw text), title and textarea (RCDATA), and everything after
 * <plaintext>.  noscript, noframes and noembed are read as markup, as a
 * browser without scripting, frames or plugins reads them: their content
 * is there for user agents like a crawler, and its links are pages to
 * keep (wget and Heritrix read them too).  Inside svg
 * and math those elements are ordinary (and <![CDATA[...]]> is text); the
 * way in and out of foreign content is the one parse5's SAX parser uses
 * (its "parser feedback simulator"): svg and math enter it, their end tags
 * and the HTML elements that break out of it (p, div, img, ...) leave it,
 * and foreignObject, desc, title, mi, mo, mn, ms, mtext and annotation-xml
 * (encoding text/html or application/xhtml+xml) are HTML inside.  The
 * start tag "image" is "img", as the tree builder renames it.
 *
 * The input is bytes in an ASCII-compatible encoding; values are given as
 * those bytes, with the decoded references in UTF-8 (common/charset.h
 * converts other encodings first).  Bounded: at most HTMLTOK_ATTR_MAX
 * attributes of a tag are kept (the rest are read and dropped), a tag's
 * names and values at most HTMLTOK_TAG_MAX bytes (past that the tag keeps
 * the attributes that fit), at most HTMLTOK_NS_MAX nested svg/math levels
 * are told apart.  No recursion; time is linear in the input.
 */
#ifndef SC_HTMLTOK_H
#define SC_HTMLTOK_H

#include <stddef.h>

#include "common/buf.h"

#define HTMLTOK_ATTR_MAX 256
#define HTMLTOK_TAG_MAX  (17u << 20)
#define HTMLTOK_NS_MAX   64

struct htmltok_ops {
	/* A start tag: name, and atts as name/value pairs ending with a NULL
	 * name (never NULL values).  Nonzero stops the scan. */
	int (*start)(void *arg, const char *name, const char *const *atts);
	/* The raw text of an HTML <style> element: len bytes at off in the
	 * document (may be NULL). */
	void (*style)(void *arg, size_t off, size_t len);
	/* NULL: every attribute is given.  Else only those named here
	 * (lowercase, NULL-ended), read past unseen otherwise: their values
	 * are not copied or decoded.  Of two with one name the first still
	 * wins. */
	const char *const *attrs;
};

struct htmltok {
	struct buf tag;         /* the current tag's names and values, NUL-ended */
	size_t offs[2 * HTMLTOK_ATTR_MAX + 1];
	const char *atts[2 * HTMLTOK_ATTR_MAX + 2];
	size_t nattrs;
	size_t name_len;        /* of the tag name, at tag.data */
	int self_closing;
	unsigned char ns[HTMLTOK_NS_MAX]; /* the namespace stack, ns[nns - 1] on top */
	size_t nns;
	const char *const *attrs; /* ops->attrs, plus those foreign content needs */
	unsigned char first[32];  /* the first letters of those, a bit each */
	int first_set;
};

void htmltok_init(struct htmltok *t);
void htmltok_release(struct htmltok *t);

/*
 * Read the len bytes at s (not NUL-terminated, may hold NUL bytes) and call
 * ops->start for each start tag, ops->style for each <style> text.
 * Returns 1 when ops->start stopped it, else 0.  t is reused (its buffer
 * kept) from one document to the next.
 */
int htmltok_run(struct htmltok *t, const char *s, size_t len,
		const struct htmltok_ops *ops, void *arg);

#endif
