/*
 * htmltok.c - start tags as a browser's tokenizer reads them; see htmltok.h.
 *
 * The data state is a memchr() for '<'; text is never copied.  A tag is read
 * by htmltok_tag() in one pass over its bytes; its name and values are
 * copied into t->tag (decoded) and handed over as pointers, which are only
 * taken once the tag is complete because the buffer may move as it grows.
 * Raw text, RCDATA and script data are skipped by searching for their end
 * tag (htmltok_rawtext_end(), htmltok_script_end()).
 */
#include "common/htmltok.h"
#include "common/htmlent.h"

#include <string.h>

enum { NS_HTML, NS_SVG, NS_MATH };

/* How the text after a start tag is read. */
#define TOK_CUT ((size_t)-1)      /* tok_tag(): the document ended in the tag */

enum { TEXT_MARKUP, TEXT_RAW, TEXT_SCRIPT, TEXT_PLAIN };

static int tok_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int tok_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char tok_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

void htmltok_init(struct htmltok *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->tag, HTMLTOK_TAG_MAX);
}

void htmltok_release(struct htmltok *t)
{
	buf_release(&t->tag);
}

/* Append a name (lowercased, NUL as U+FFFD) and its terminating NUL. */
static int tok_put_name(struct buf *b, const char *s, size_t n)
{
	size_t k;

	if (buf_reserve(b, 3 * n + 1))
		return -1;
	for (k = 0; k < n; k++) {
		if (s[k] == '\0') {
			memcpy(b->data + b->len, "\xef\xbf\xbd", 3);
			b->len += 3;
		} else {
			b->data[b->len++] = tok_lower(s[k]);
		}
	}
	b->data[b->len++] = '\0';
	b->data[b->len] = '\0';
	return 0;
}

/* Append a value: character references decoded, NUL as U+FFFD, CR LF and
 * CR as LF; then its NUL. */
static int tok_put_value(struct buf *b, const char *s, size_t n)
{
	size_t k = 0, run;

	for (;;) {
		for (run = k; run < n && s[run] != '&' && s[run] != '\0' && s[run] != '\r'; run++)
			;
		if (buf_append(b, s + k, run - k))
			return -1;
		k = run;
		if (k >= n)
			break;
		if (s[k] == '&') {
			char out[HTMLENT_OUT_MAX];
			size_t outlen = 0, took = htmlent_attr(s + k, n - k, out, &outlen);

			if (took) {
				if (buf_append(b, out, outlen))
					return -1;
				k += took;
				continue;
			}
			if (buf_putc(b, '&'))
				return -1;
		} else if (s[k] == '\0') {
			if (buf_append(b, "\xef\xbf\xbd", 3))
				return -1;
		} else {
			if (buf_putc(b, '\n'))
				return -1;
			if (k + 1 < n && s[k + 1] == '\n')
				k++;
		}
		k++;
	}
	return buf_putc(b, '\0');
}

/* What leaving foreign content depends on (tok_after_start()): kept
 * whatever ops->attrs says. */
static const char *const tok_always[] = { "color", "size", "face", "encoding", NULL };

/* Is the attribute named by the n bytes at s (any case) one to keep? */
static int tok_wanted(const struct htmltok *t, const char *s, size_t n)
{
	const char *const *w = t->attrs;
	size_t k;
	int pass;

	if (!w)
		return 1;
	if (!(t->first[(unsigned char)tok_lower(s[0]) >> 3] & (1u << (tok_lower(s[0]) & 7))))
		return 0;       /* no wanted name starts so: most attributes */
	for (pass = 0; pass < 2; pass++, w = tok_always)
		for (; *w; w++) {
			const char *a = *w;

			if (tok_lower(s[0]) != a[0])
				continue;
			for (k = 1; k < n && a[k] && tok_lower(s[k]) == a[k]; k++)
				;
			if (k == n && !a[k])
				return 1;
		}
	return 0;
}

/* Is the attribute name just stored at offset off already on the tag? */
static int tok_duplicate(const struct htmltok *t, size_t off)
{
	const char *name = t->tag.data + off;
	size_t a;

	for (a = 0; a < t->nattrs; a++) {
		const char *other = t->tag.data + t->offs[1 + 2 * a];

		if (other[0] == name[0] && strcmp(other, name) == 0)
			return 1;
	}
	return 0;
}

/*
 * One attribute: name s[ns..ne), value s[vs..ve) (to decode) or none.  It
 * is kept unless the tag is full, the name repeats, or it does not fit.
 */
static void tok_attr(struct htmltok *t, const char *s, size_t ns, size_t ne,
		     size_t vs, size_t ve, int keep)
{
	size_t mark = t->tag.len;

	if (!keep || t->nattrs >= HTMLTOK_ATTR_MAX || !tok_wanted(t, s + ns, ne - ns))
		return;
	if (tok_put_name(&t->tag, s + ns, ne - ns))
		goto drop;
	if (tok_duplicate(t, mark))
		goto drop;
	t->offs[1 + 2 * t->nattrs] = mark;
	t->offs[2 + 2 * t->nattrs] = t->tag.len;
	if (tok_put_value(&t->tag, s + vs, ve - vs))
		goto drop;
	t->nattrs++;
	return;
drop:
	t->tag.len = mark;
}

/*
 * Read the tag whose name starts at s[i] (a letter), up to and with its
 * '>'.  With keep, its name and attributes go to t (else only the name).
 * Returns the offset after the '>', or TOK_CUT when the document ends
 * inside the tag (then it is no tag).
 */
static size_t tok_tag(struct htmltok *t, const char *s, size_t len, size_t i,
		      int keep)
{
	size_t n0 = i;

	buf_reset(&t->tag);
	t->nattrs = 0;
	t->self_closing = 0;
	while (i < len && !tok_space(s[i]) && s[i] != '/' && s[i] != '>')
		i++;
	if (i >= len || tok_put_name(&t->tag, s + n0, i - n0))
		return TOK_CUT;
	t->name_len = t->tag.len - 1;
	t->offs[0] = 0;
	for (;;) {
		size_t ns, ne, vs, ve;

		while (i < len && tok_space(s[i]))
			i++;
		if (i >= len)
			return TOK_CUT;
		if (s[i] == '>')
			return i + 1;
		if (s[i] == '/') {
			if (i + 1 < len && s[i + 1] == '>') {
				t->self_closing = 1;
				return i + 2;
			}
			i++;
			continue;
		}
		/* an attribute name: its first byte may be '=' */
		ns = i++;
		while (i < len && !tok_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
			i++;
		ne = i;
		while (i < len && tok_space(s[i]))
			i++;
		if (i >= len)
			return TOK_CUT;
		if (s[i] != '=') {
			tok_attr(t, s, ns, ne, ne, ne, keep);
			continue;       /* '/', '>' or the next attribute */
		}
		i++;
		while (i < len && tok_space(s[i]))
			i++;
		if (i >= len)
			return TOK_CUT;
		if (s[i] == '"' || s[i] == '\'') {
			const char *q = memchr(s + i + 1, s[i], len - i - 1);

			if (!q)
				return TOK_CUT;
			vs = i + 1;
			ve = (size_t)(q - s);
			i = ve + 1;
		} else {
			vs = i;
			while (i < len && !tok_space(s[i]) && s[i] != '>')
				i++;
			if (i >= len)
				return TOK_CUT;
			ve = i;
		}
		tok_attr(t, s, ns, ne, vs, ve, keep);
	}
}

/* Does s[i..] start with "</" + name (any case) + a delimiter: an end tag
 * that ends raw text or script data? */
static int tok_end_tag_of(const char *s, size_t len, size_t i, const char *name,
			  size_t n)
{
	size_t k;

	if (len - i < n + 3 || s[i] != '<' || s[i + 1] != '/')
		return 0;
	for (k = 0; k < n; k++)
		if (tok_lower(s[i + 2 + k]) != name[k])
			return 0;
	k = i + 2 + n;
	return tok_space(s[k]) || s[k] == '/' || s[k] == '>';
}

/* Where the raw text or RCDATA of element name, starting at s[i], ends. */
static size_t tok_rawtext_end(const char *s, size_t len, size_t i, const char *name)
{
	size_t n = strlen(name);

	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);

		if (!lt)
			return len;
		i = (size_t)(lt - s);
		if (tok_end_tag_of(s, len, i, name, n))
			return i;
		i++;
	}
	return len;
}

/* "<script" + a delimiter at s[i] (any case)? */
static int tok_script_start(const char *s, size_t len, size_t i)
{
	static const char w[] = "script";
	size_t k;

	if (len - i < 8)
		return 0;
	for (k = 0; k < 6; k++)
		if (tok_lower(s[i + 1 + k]) != w[k])
			return 0;
	return tok_space(s[i + 7]) || s[i + 7] == '/' || s[i + 7] == '>';
}

/*
 * Where script data starting at s[i] ends: the standard's script data
 * states, where "<!--" enters the escaped state, "<script" inside that the
 * double-escaped one (in which "</script" returns to escaped rather than
 * ending the script), and "-->" goes back to plain script data.
 */
static size_t tok_script_end(const char *s, size_t len, size_t i)
{
	enum { DATA, ESCAPED, DOUBLE } st = DATA;

	while (i < len) {
		size_t p;

		if (st == DATA) {
			const char *lt = memchr(s + i, '<', len - i);

			if (!lt)
				return len;
			p = (size_t)(lt - s);
			if (tok_end_tag_of(s, len, p, "script", 6))
				return p;
			if (len - p >= 4 && s[p + 1] == '!' && s[p + 2] == '-' && s[p + 3] == '-') {
				st = ESCAPED;
				i = p + 2;      /* at the dashes: "<!-->" ends at once */
				continue;
			}
			i = p + 1;
			continue;
		}
		for (p = i; p < len && s[p] != '-' && s[p] != '<'; p++)
			;
		if (p >= len)
			return len;
		if (s[p] == '-') {
			if (len - p >= 3 && s[p + 1] == '-' && s[p + 2] == '>') {
				st = DATA;
				i = p + 3;
			} else {
				i = p + 1;
			}
			continue;
		}
		if (st == ESCAPED) {
			if (tok_end_tag_of(s, len, p, "script", 6))
				return p;
			if (tok_script_start(s, len, p)) {
				st = DOUBLE;
				i = p + 7;
				continue;
			}
		} else if (tok_end_tag_of(s, len, p, "script", 6)) {
			st = ESCAPED;
			i = p + 8;
			continue;
		}
		i = p + 1;
	}
	return len;
}

/* Where the comment whose text starts at s[i] (after "<!--") ends. */
static size_t tok_comment_end(const char *s, size_t len, size_t i)
{
	if (i < len && s[i] == '>')
		return i + 1;
	if (len - i >= 2 && s[i] == '-' && s[i + 1] == '>')
		return i + 2;
	while (i + 2 < len) {
		const char *d = memchr(s + i, '-', len - i - 2);

		if (!d)
			break;
		i = (size_t)(d - s);
		if (s[i + 1] == '-') {
			if (s[i + 2] == '>')
				return i + 3;
			if (s[i + 2] == '!' && i + 3 < len && s[i + 3] == '>')
				return i + 4;
		}
		i++;
	}
	return len;
}

static size_t tok_to_gt(const char *s, size_t len, size_t i)
{
	const char *gt = memchr(s + i, '>', len - i);

	return gt ? (size_t)(gt - s) + 1 : len;
}

static int tok_foreign(const struct htmltok *t)
{
	return t->ns[t->nns - 1] != NS_HTML;
}

static void tok_push(struct htmltok *t, unsigned char ns)
{
	if (t->nns < HTMLTOK_NS_MAX)
		t->nns++;
	t->ns[t->nns - 1] = ns;         /* past the cap the top is replaced */
}

static void tok_pop(struct htmltok *t)
{
	if (t->nns > 1)
		t->nns--;
}

/* The value of attribute name on the current tag, or NULL. */
static const char *tok_value(const struct htmltok *t, const char *name)
{
	size_t a;

	for (a = 0; a < t->nattrs; a++)
		if (strcmp(t->tag.data + t->offs[1 + 2 * a], name) == 0)
			return t->tag.data + t->offs[2 + 2 * a];
	return NULL;
}

static int tok_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* HTML elements whose start tag leaves foreign content. */
static const char *const tok_breakout[] = {
	"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div",
	"dl", "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head",
	"hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p",
	"pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup",
	"table", "tt", "u", "ul", "var", NULL,
};

static int tok_ci_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tok_lower(*a) != *b)
			return 0;
	return *a == *b;
}

/* Is element name (in namespace ns) one inside which HTML is read? */
static int tok_integration_point(const struct htmltok *t, const char *name,
				 unsigned char ns, int start)
{
	static const char *const svg[] = { "foreignobject", "desc", "title", NULL };
	static const char *const math[] = { "mi", "mo", "mn", "ms", "mtext", NULL };

	if (ns == NS_SVG)
		return tok_in(name, svg);
	if (ns != NS_MATH)
		return 0;
	if (tok_in(name, math))
		return 1;
	if (start && strcmp(name, "annotation-xml") == 0) {
		const char *enc = tok_value(t, "encoding");

		return enc && (tok_ci_equal(enc, "text/html") ||
			       tok_ci_equal(enc, "application/xhtml+xml"));
	}
	return 0;
}

/* How the text after the HTML start tag name is read. */
static int tok_text_of(const char *name, size_t n)
{
	switch (n) {
	case 3:
		return memcmp(name, "xmp", 3) == 0 ? TEXT_RAW : TEXT_MARKUP;
	case 5:
		return memcmp(name, "style", 5) == 0 || memcmp(name, "title", 5) == 0 ?
		       TEXT_RAW : TEXT_MARKUP;
	case 6:
		if (memcmp(name, "script", 6) == 0)
			return TEXT_SCRIPT;
		return memcmp(name, "iframe", 6) == 0 ? TEXT_RAW : TEXT_MARKUP;
	case 8:
		return memcmp(name, "textarea", 8) == 0 ? TEXT_RAW : TEXT_MARKUP;
	case 9:
		return memcmp(name, "plaintext", 9) == 0 ? TEXT_PLAIN : TEXT_MARKUP;
	}
	return TEXT_MARKUP;
}

/* After a start tag: the namespace stack, and how its text is read. */
static int tok_after_start(struct htmltok *t, const char *name)
{
	size_t n = t->name_len;
	int svg = n == 3 && memcmp(name, "svg", 3) == 0;
	int math = n == 4 && memcmp(name, "math", 4) == 0;

	if ((svg || math) && !t->self_closing)
		tok_push(t, svg ? NS_SVG : NS_MATH);
	if (!tok_foreign(t))
		return tok_text_of(name, n);
	if (svg || math)
		return TEXT_MARKUP;
	if (tok_in(name, tok_breakout) ||
	    (strcmp(name, "font") == 0 && (tok_value(t, "color") || tok_value(t, "size") ||
					   tok_value(t, "face"))))
		tok_pop(t);
	else if (!t->self_closing &&
		 tok_integration_point(t, name, t->ns[t->nns - 1], 1))
		tok_push(t, NS_HTML);
	return TEXT_MARKUP;
}

static void tok_after_end(struct htmltok *t, const char *name)
{
	if (t->nns == 1)
		return;         /* HTML, and never was foreign */
	if (!tok_foreign(t)) {
		if ( tok_integration_point(t, name, t->ns[t->nns - 2], 0))
			tok_pop(t);
	} else if ((strcmp(name, "svg") == 0 && t->ns[t->nns - 1] == NS_SVG) ||
		   (strcmp(name, "math") == 0 && t->ns[t->nns - 1] == NS_MATH)) {
		tok_pop(t);
	}
}

/* Hand the tag in t to ops->start; nonzero when it says stop. */
static int tok_emit(struct htmltok *t, const struct htmltok_ops *ops, void *arg)
{
	size_t a;

	for (a = 0; a < 2 * t->nattrs; a++)
		t->atts[a] = t->tag.data + t->offs[1 + a];
	t->atts[2 * t->nattrs] = NULL;
	t->atts[2 * t->nattrs + 1] = NULL;
	return ops->start(arg, t->tag.data, t->atts);
}

int htmltok_run(struct htmltok *t, const char *s, size_t len,
		const struct htmltok_ops *ops, void *arg)
{
	size_t i = 0;

	t->nns = 1;
	t->ns[0] = NS_HTML;
	if (t->attrs != ops->attrs || !t->first_set) {
		const char *const *w;

		t->attrs = ops->attrs;
		memset(t->first, 0, sizeof(t->first));
		for (w = t->attrs; w && *w; w++)
			t->first[(unsigned char)**w >> 3] |= (unsigned char)(1u << (**w & 7));
		for (w = tok_always; *w; w++)
			t->first[(unsigned char)**w >> 3] |= (unsigned char)(1u << (**w & 7));
		t->first_set = 1;
	}
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		char name[16];
		int text;

		if (!lt)
			break;
		i = (size_t)(lt - s) + 1;
		if (i >= len)
			break;
		if (tok_alpha(s[i])) {
			i = tok_tag(t, s, len, i, 1);
			if (i == TOK_CUT)
				break;          /* cut off: no tag */
			if (t->name_len == 5 && memcmp(t->tag.data, "image", 5) == 0 &&
			    !tok_foreign(t)) {
				memcpy(t->tag.data, "img\0\0", 5);
				t->name_len = 3;
			}
			if (tok_emit(t, ops, arg))
				return 1;
			text = tok_after_start(t, t->tag.data);
			if (text == TEXT_PLAIN)
				break;
			if (text == TEXT_SCRIPT) {
				i = tok_script_end(s, len, i);
			} else if (text == TEXT_RAW) {
				size_t body = i, n = t->name_len;

				if (n >= sizeof(name))
					continue;
				memcpy(name, t->tag.data, n + 1);
				i = tok_rawtext_end(s, len, i, name);
				if (strcmp(name, "style") == 0 && ops->style && i > body)
					ops->style(arg, body, i - body);
			}
		} else if (s[i] == '/') {
			if (i + 1 >= len)
				break;
			if (tok_alpha(s[i + 1])) {
				i = tok_tag(t, s, len, i + 1, 0);
				if (i == TOK_CUT)
					break;
				tok_after_end(t, t->tag.data);
			} else if (s[i + 1] == '>') {
				i += 2;
			} else {
				i = tok_to_gt(s, len, i);
			}
		} else if (s[i] == '!') {
			if (len - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-')
				i = tok_comment_end(s, len, i + 3);
			else if (len - i >= 8 && memcmp(s + i + 1, "[CDATA[", 7) == 0 &&
				 tok_foreign(t)) {
				const char *e = memmem(s + i + 8, len - i - 8, "]]>", 3);

				i = e ? (size_t)(e - s) + 3 : len;
			} else {
				i = tok_to_gt(s, len, i);
			}
		} else if (s[i] == '?') {
			i = tok_to_gt(s, len, i);
		}
	}
	return 0;
}
