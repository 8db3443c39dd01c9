/*
 * rules.h - extraction rules (--extract RULES.yaml): read with libyaml,
 * checked whole before anything runs, compiled once.
 *
 * The file (YAML; every key below, and no other):
 *
 *   rules:
 *     - match: '/product/[0-9]+'     # POSIX ERE on the normalized URL
 *       item: '//div[@class="p"]'     # optional: XPath, or { css: ... } /
 *                                     # { xpath: ... }; one item per node
 *       fields:
 *         NAME: { xpath: X | css: C,  # exactly one of the two
 *                 attr: A,            # an attribute's value, not the text
 *                 html: true,         # the inner HTML, not the text
 *                 regex: R,           # POSIX ERE: its first group, or the
 *                                     # whole match
 *                 all: true,          # every match, as a list
 *                 required: true }    # no value: the item is dropped
 *       jsonld: true                  # the page's JSON-LD as field "jsonld"
 *       meta: true                    # OpenGraph / <meta name> as "meta"
 *       follow: { css: C | xpath: X, attr: A }   # attr defaults to href:
 *                                     # on these pages only these links
 *                                     # are followed
 *
 * The first rule whose match fits the URL applies (rules_match()).  A
 * field name is 1-64 bytes of [A-Za-z0-9_.-], unique in its rule, and not
 * one of the keys the crawler adds (url, warc_file, warc_offset, jsonld,
 * meta).  Booleans are YAML's true/false (also yes/no, on/off).
 *
 * rules_load() refuses, with one line naming the rule (by number from 1
 * and its match) and the field: an unknown key, a missing or duplicate
 * one, a value of the wrong kind, a regex that regcomp() refuses, a CSS
 * selector outside the subset (common/css2xpath.h), an XPath that
 * xmlXPathCompile() refuses, a field with both css and xpath or neither,
 * and more than RULES_MAX rules or RULES_FIELDS_MAX fields in a rule.
 *
 * A struct rules is built in the coordinator before the shards are forked
 * and only read afterwards (by every shard, and by --extract-from), so the
 * compiled regexes and XPath expressions are shared by fork, never sent.
 */
#ifndef SC_RULES_H
#define SC_RULES_H

#include <regex.h>
#include <stddef.h>

#include "common/buf.h"

#define RULES_MAX         64            /* rules in a file */
#define RULES_FIELDS_MAX  64            /* fields in a rule */
#define RULES_FILE_MAX    (1u << 20)    /* bytes of a rules file */
#define RULES_NAME_MAX    64            /* bytes of a field name */

/* A selector: the source as written and its compiled XPath. */
struct rules_sel {
	char *src;              /* as in the file */
	int css;                /* src is CSS (translated into xpath) */
	char *xpath;            /* the XPath evaluated */
	void *comp;             /* xmlXPathCompExprPtr */
};

struct rules_field {
	char *name;
	struct rules_sel sel;
	char *attr;             /* NULL: the text (or the inner HTML) */
	int url_attr;           /* attr is one that holds a URL: resolved */
	int html;
	int all;
	int required;
	char *regex_src;        /* NULL: none */
	regex_t regex;
};

struct rules_rule {
	char *match_src;
	regex_t match;
	struct rules_sel item;  /* item.comp NULL: one item per page */
	struct rules_field *fields;
	int nfields;
	int jsonld;
	int meta;
	int follow;             /* the follow selector is set */
	struct rules_sel follow_sel;
	char *follow_attr;      /* href unless given */
};

struct rules {
	struct rules_rule *r;
	int n;
	char *text;             /* the file's bytes, as read (for --resume) */
	size_t text_len;
};

/*
 * Read and compile the rules file at path into rs.  Returns 0, or SC_EIO
 * (cannot read it) / SC_EINVAL / SC_ETOOBIG with one line in err saying
 * what and where ("rule 2 (match '/p/'): field 'price': bad regex ...");
 * rs is then empty (rules_release() is still safe).
 */
int rules_load(struct rules *rs, const char *path, char *err, size_t n);
/* The same from bytes in memory; name is what err calls the file. */
int rules_parse(struct rules *rs, const char *text, size_t len, const char *name,
		char *err, size_t n);
void rules_release(struct rules *rs);

/* Is attribute name one whose value is a URL (href, src, action, cite,
 * data, formaction, poster, background, longdesc, usemap, manifest, icon),
 * resolved against the page when extracted? */
int rules_url_attr(const char *name);

/* The first rule whose match fits the normalized url, or NULL. */
const struct rules_rule *rules_match(const struct rules *rs, const char *url);

#endif
