/*
 * rules.c - the rules file of rules.h: libyaml's document API loads the
 * whole (capped) file as a node graph, which is then walked and checked
 * key by key; selectors are compiled with libxml2, regexes with regcomp().
 */
#include "common/rules.h"

#include "common/css2xpath.h"
#include "common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

/* The state of one rules_parse(). */
struct rload {
	yaml_document_t doc;
	const char *name;       /* the file, for messages */
	char *err;
	size_t errn;
	int rule;               /* 1-based, 0 outside the list */
	const char *match;      /* the rule's match, once read */
	const char *field;      /* the field being read, or NULL */
	int rc;
};

static int rl_fail(struct rload *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int rl_fail(struct rload *l, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	int k = 0;

	if (l->rc)
		return l->rc;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	k = snprintf(l->err, l->errn, "%s: ", l->name);
	if (l->rule && k >= 0 && (size_t)k < l->errn)
		k += snprintf(l->err + k, l->errn - (size_t)k, "rule %d%s%.200s%s: ", l->rule,
			      l->match ? " (match '" : "", l->match ? l->match : "",
			      l->match ? "')" : "");
	if (l->field && k >= 0 && (size_t)k < l->errn)
		k += snprintf(l->err + k, l->errn - (size_t)k, "field '%s': ", l->field);
	if (k >= 0 && (size_t)k < l->errn)
		snprintf(l->err + k, l->errn - (size_t)k, "%s", what);
	l->rc = SC_EINVAL;
	return l->rc;
}

static yaml_node_t *rl_node(struct rload *l, int id)
{
	return yaml_document_get_node(&l->doc, id);
}

/* A scalar's text (NUL-terminated by libyaml), or NULL. */
static const char *rl_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *rl_str(struct rload *l, yaml_node_t *n, const char *key)
{
	const char *s = rl_scalar(n);

	if (!s || !*s)
		rl_fail(l, "'%s' must be a non-empty string", key);
	return s;
}

static int rl_bool(struct rload *l, yaml_node_t *n, const char *key)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	const char *s = rl_scalar(n);
	size_t i;

	for (i = 0; s && i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	rl_fail(l, "'%s' must be true or false", key);
	return 0;
}

static void rl_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Compile sel->xpath; the reason libxml2 gives when it cannot. */
static void rl_compile(struct rload *l, struct rules_sel *sel, const char *key)
{
	xmlGenericErrorFunc old = xmlGenericError;
	void *old_ctx = xmlGenericErrorContext;
	const xmlError *e;
	char why[256];

	xmlResetLastError();
	xmlSetGenericErrorFunc(NULL, rl_quiet);
	xmlSetStructuredErrorFunc(NULL, NULL);
	sel->comp = xmlXPathCompile((const xmlChar *)sel->xpath);
	xmlSetGenericErrorFunc(old_ctx, old);
	if (sel->comp)
		return;
	e = xmlGetLastError();
	snprintf(why, sizeof(why), "%s", e && e->message ? e->message : "");
	why[strcspn(why, "\n")] = '\0';
	if (sel->css)
		rl_fail(l, "%s '%s': its XPath '%s' does not compile", key, sel->src,
			sel->xpath);
	else
		rl_fail(l, "%s: XPath '%s' does not compile%s%s", key, sel->src,
			why[0] ? ": " : "", why);
}

/* A selector: a string (XPath when plain is set), or { css | xpath }. */
static void rl_sel_set(struct rload *l, struct rules_sel *sel, int css,
		       const char *src, const char *key)
{
	char why[256];
	struct buf x;

	if (sel->src) {
		rl_fail(l, "'%s' has both css and xpath", key);
		return;
	}
	sel->src = xstrdup(src);
	sel->css = css;
	if (!css) {
		sel->xpath = xstrdup(src);
	} else {
		buf_init(&x, CSS_SELECTOR_MAX * 64);
		if (css2xpath(src, &x, why, sizeof(why)))
			rl_fail(l, "%s: unsupported CSS selector: %s", key, why);
		else
			sel->xpath = buf_detach(&x, NULL);
		buf_release(&x);
		if (l->rc)
			return;
	}
	rl_compile(l, sel, key);
}

static void rl_regex(struct rload *l, regex_t *re, const char *src, const char *key,
		     int nosub)
{
	char msg[256];
	int rc = regcomp(re, src, REG_EXTENDED | (nosub ? REG_NOSUB : 0));

	if (rc) {
		regerror(rc, re, msg, sizeof(msg));
		rl_fail(l, "%s: bad regex '%s': %s", key, src, msg);
	}
}

/* Attributes whose value is a URL: resolved against the page. */
int rules_url_attr(const char *a)
{
	static const char *const names[] = {
		"href", "src", "action", "cite", "data", "formaction", "poster",
		"background", "longdesc", "usemap", "manifest", "icon",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(a, names[i]) == 0)
			return 1;
	return 0;
}

static int rl_name_ok(const char *s)
{
	static const char *const reserved[] = {
		"url", "warc_file", "warc_offset", "jsonld", "meta",
	};
	size_t i, n = strlen(s);

	if (n == 0 || n > RULES_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i])))
			return 0;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(s, reserved[i]) == 0)
			return 0;
	return 1;
}

/* A mapping { css | xpath [, attr] } (follow, item), or for item a plain
 * XPath string.  *attr is set when attr is given and allowed. */
static void rl_sel_map(struct rload *l, yaml_node_t *n, struct rules_sel *sel,
		       const char *key, char **attr)
{
	yaml_node_pair_t *p;

	if (rl_scalar(n) && !attr) {
		rl_sel_set(l, sel, 0, rl_str(l, n, key), key);
		return;
	}
	if (!n || n->type != YAML_MAPPING_NODE) {
		rl_fail(l, "'%s' must be a mapping with css or xpath", key);
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !l->rc; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		yaml_node_t *v = rl_node(l, p->value);

		if (k && (strcmp(k, "css") == 0 || strcmp(k, "xpath") == 0)) {
			const char *s = rl_str(l, v, k);
			if (s)
				rl_sel_set(l, sel, k[0] == 'c', s, key);
		} else if (k && attr && strcmp(k, "attr") == 0) {
			const char *s = rl_str(l, v, k);
			if (s) {
				free(*attr);
				*attr = xstrdup(s);
			}
		} else {
			rl_fail(l, "%s: unknown key '%s'", key, k ? k : "?");
		}
	}
	if (!l->rc && !sel->src)
		rl_fail(l, "'%s' needs css or xpath", key);
}

static void rl_field(struct rload *l, struct rules_field *f, yaml_node_t *n)
{
	yaml_node_pair_t *p;

	if (!n || n->type != YAML_MAPPING_NODE) {
		rl_fail(l, "must be a mapping (css or xpath, attr, html, regex, all, required)");
		return;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !l->rc; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		yaml_node_t *v = rl_node(l, p->value);
		const char *s;

		if (!k) {
			rl_fail(l, "a key that is not a string");
		} else if (strcmp(k, "css") == 0 || strcmp(k, "xpath") == 0) {
			if ((s = rl_str(l, v, k)))
				rl_sel_set(l, &f->sel, k[0] == 'c', s, k);
		} else if (strcmp(k, "attr") == 0) {
			if ((s = rl_str(l, v, k)) && !f->attr) {
				f->attr = xstrdup(s);
				f->url_attr = rules_url_attr(s);
			}
		} else if (strcmp(k, "regex") == 0) {
			if ((s = rl_str(l, v, k)) && !f->regex_src) {
				rl_regex(l, &f->regex, s, "regex", 0);
				if (!l->rc)
					f->regex_src = xstrdup(s);
			}
		} else if (strcmp(k, "html") == 0) {
			f->html = rl_bool(l, v, k);
		} else if (strcmp(k, "all") == 0) {
			f->all = rl_bool(l, v, k);
		} else if (strcmp(k, "required") == 0) {
			f->required = rl_bool(l, v, k);
		} else {
			rl_fail(l, "unknown key '%s'", k);
		}
	}
	if (!l->rc && !f->sel.src)
		rl_fail(l, "needs css or xpath");
	if (!l->rc && f->attr && f->html)
		rl_fail(l, "attr and html together");
}

static void rl_fields(struct rload *l, struct rules_rule *r, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	int count;

	if (!n || n->type != YAML_MAPPING_NODE) {
		rl_fail(l, "'fields' must be a mapping of field names");
		return;
	}
	count = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (count > RULES_FIELDS_MAX) {
		rl_fail(l, "more than %d fields", RULES_FIELDS_MAX);
		return;
	}
	r->fields = xcalloc((size_t)count + 1, sizeof(*r->fields));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !l->rc; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		struct rules_field *f = &r->fields[r->nfields];
		int i;

		if (!k || !rl_name_ok(k)) {
			rl_fail(l, "bad field name '%s' (1-%d bytes of A-Z a-z 0-9 _ . -, "
				"not url, warc_file, warc_offset, jsonld or meta)",
				k ? k : "?", RULES_NAME_MAX);
			return;
		}
		for (i = 0; i < r->nfields; i++)
			if (strcmp(r->fields[i].name, k) == 0) {
				rl_fail(l, "field '%s' given twice", k);
				return;
			}
		f->name = xstrdup(k);
		r->nfields++;
		l->field = f->name;
		rl_field(l, f, rl_node(l, p->value));
		l->field = NULL;
	}
}

static void rl_rule(struct rload *l, struct rules_rule *r, yaml_node_t *n)
{
	yaml_node_pair_t *p;

	if (!n || n->type != YAML_MAPPING_NODE) {
		rl_fail(l, "must be a mapping (match, item, fields, jsonld, meta, follow)");
		return;
	}
	/* match first, so that every later message can name it */
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		if (k && strcmp(k, "match") == 0 && !l->match)
			l->match = rl_scalar(rl_node(l, p->value));
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !l->rc; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		yaml_node_t *v = rl_node(l, p->value);
		const char *s;

		if (!k) {
			rl_fail(l, "a key that is not a string");
		} else if (strcmp(k, "match") == 0) {
			if ((s = rl_str(l, v, k)) && !r->match_src) {
				rl_regex(l, &r->match, s, "match", 1);
				if (!l->rc)
					r->match_src = xstrdup(s);
			}
		} else if (strcmp(k, "item") == 0) {
			rl_sel_map(l, v, &r->item, "item", NULL);
		} else if (strcmp(k, "fields") == 0) {
			if (r->fields)
				rl_fail(l, "'fields' given twice");
			else
				rl_fields(l, r, v);
		} else if (strcmp(k, "jsonld") == 0) {
			r->jsonld = rl_bool(l, v, k);
		} else if (strcmp(k, "meta") == 0) {
			r->meta = rl_bool(l, v, k);
		} else if (strcmp(k, "follow") == 0) {
			rl_sel_map(l, v, &r->follow_sel, "follow", &r->follow_attr);
			r->follow = 1;
		} else {
			rl_fail(l, "unknown key '%s'", k);
		}
	}
	if (!l->rc && !r->match_src)
		rl_fail(l, "needs 'match'");
	if (!l->rc && r->follow && !r->follow_attr)
		r->follow_attr = xstrdup("href");
}

static void rl_top(struct rload *l, struct rules *rs)
{
	yaml_node_t *root = yaml_document_get_root_node(&l->doc), *list = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	int count;

	if (!root || root->type != YAML_MAPPING_NODE) {
		rl_fail(l, "expected a mapping with the key 'rules'");
		return;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const char *k = rl_scalar(rl_node(l, p->key));
		if (k && strcmp(k, "rules") == 0 && !list) {
			list = rl_node(l, p->value);
		} else {
			rl_fail(l, "unknown key '%s' (only 'rules')", k ? k : "?");
			return;
		}
	}
	if (!list || list->type != YAML_SEQUENCE_NODE ||
	    list->data.sequence.items.top == list->data.sequence.items.start) {
		rl_fail(l, "'rules' must be a non-empty list");
		return;
	}
	count = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (count > RULES_MAX) {
		rl_fail(l, "more than %d rules", RULES_MAX);
		return;
	}
	rs->r = xcalloc((size_t)count, sizeof(*rs->r));
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top &&
	     !l->rc; it++) {
		l->rule = rs->n + 1;
		l->match = NULL;
		rs->n++;
		rl_rule(l, &rs->r[rs->n - 1], rl_node(l, *it));
	}
}

int rules_parse(struct rules *rs, const char *text, size_t len, const char *name,
		char *err, size_t n)
{
	yaml_parser_t parser;
	struct rload l;

	memset(rs, 0, sizeof(*rs));
	memset(&l, 0, sizeof(l));
	l.name = name;
	l.err = err;
	l.errn = n;
	if (len > RULES_FILE_MAX) {
		snprintf(err, n, "%s: larger than %u bytes", name, RULES_FILE_MAX);
		return SC_ETOOBIG;
	}
	if (!yaml_parser_initialize(&parser))
		SC_ASSERT(!"yaml_parser_initialize");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		snprintf(err, n, "%s: line %zu: %s", name, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return SC_EINVAL;
	}
	rl_top(&l, rs);
	yaml_document_delete(&l.doc);
	yaml_parser_delete(&parser);
	if (l.rc) {
		rules_release(rs);
		return l.rc;
	}
	rs->text = xmalloc(len + 1);
	memcpy(rs->text, text, len);
	rs->text[len] = '\0';
	rs->text_len = len;
	return 0;
}

int rules_load(struct rules *rs, const char *path, char *err, size_t n)
{
	struct buf b;
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	ssize_t got;

	memset(rs, 0, sizeof(*rs));
	if (fd < 0) {
		snprintf(err, n, "cannot read '%s': %s", path, strerror(errno));
		return SC_EIO;
	}
	buf_init(&b, RULES_FILE_MAX);
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		if (buf_append(&b, chunk, (size_t)got)) {
			close(fd);
			buf_release(&b);
			snprintf(err, n, "%s: larger than %u bytes", path, RULES_FILE_MAX);
			return SC_ETOOBIG;
		}
	}
	close(fd);
	if (got < 0) {
		buf_release(&b);
		snprintf(err, n, "cannot read '%s': %s", path, strerror(errno));
		return SC_EIO;
	}
	rc = rules_parse(rs, b.data, b.len, path, err, n);
	buf_release(&b);
	return rc;
}

static void sel_release(struct rules_sel *s)
{
	free(s->src);
	free(s->xpath);
	if (s->comp)
		xmlXPathFreeCompExpr(s->comp);
	memset(s, 0, sizeof(*s));
}

void rules_release(struct rules *rs)
{
	int i, k;

	for (i = 0; i < rs->n; i++) {
		struct rules_rule *r = &rs->r[i];

		if (r->match_src)
			regfree(&r->match);
		free(r->match_src);
		sel_release(&r->item);
		sel_release(&r->follow_sel);
		free(r->follow_attr);
		for (k = 0; k < r->nfields; k++) {
			struct rules_field *f = &r->fields[k];
			free(f->name);
			sel_release(&f->sel);
			free(f->attr);
			if (f->regex_src)
				regfree(&f->regex);
			free(f->regex_src);
		}
		free(r->fields);
	}
	free(rs->r);
	free(rs->text);
	memset(rs, 0, sizeof(*rs));
}

const struct rules_rule *rules_match(const struct rules *rs, const char *url)
{
	int i;

	if (!rs)
		return NULL;
	for (i = 0; i < rs->n; i++)
		if (regexec(&rs->r[i].match, url, 0, NULL, 0) == 0)
			return &rs->r[i];
	return NULL;
}
