/*
 * css2xpath.c - the CSS subset of css2xpath.h, read by a small recursive
 * descent (selector list, complex selector, compound selector) that writes
 * the XPath as it goes.
 */
#include "common/css2xpath.h"

#include "common/err.h"

#include <stdio.h>
#include <string.h>

#define CSS_COMPOUNDS_MAX 32     /* compound selectors in one complex one */

struct css {
	const char *s;
	size_t i, len;
	struct buf *out;
	char *err;
	size_t errn;
	int rc;
};

static int css_fail(struct css *c, const char *what)
{
	if (!c->rc) {
		snprintf(c->err, c->errn, "%s at byte %zu of '%s'", what, c->i, c->s);
		c->rc = SC_EINVAL;
	}
	return c->rc;
}

static void css_put(struct css *c, const char *s, size_t n)
{
	if (!c->rc && buf_append(c->out, s, n))
		c->rc = SC_ETOOBIG;
}

static void css_puts(struct css *c, const char *s)
{
	css_put(c, s, strlen(s));
}

static int css_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static void css_skip(struct css *c)
{
	while (c->i < c->len && css_space(c->s[c->i]))
		c->i++;
}

/* Name characters: ASCII letters, digits, '-', '_'; in values (classes,
 * ids) also any non-ASCII byte. */
static int css_name_char(int ch, int wide)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
	       (wide && (unsigned char)ch >= 0x80);
}

/* An identifier at c->i: its length (0 when there is none). */
static size_t css_ident(struct css *c, int wide)
{
	size_t n = 0;

	while (c->i + n < c->len && css_name_char(c->s[c->i + n], wide))
		n++;
	return n;
}

/* An XPath string literal of v: '...' or "...", whichever quote v lacks. */
static void css_literal(struct css *c, const char *v, size_t n)
{
	const char *q = memchr(v, '\'', n) ? "\"" : "'";

	if (memchr(v, '\'', n) && memchr(v, '"', n)) {
		css_fail(c, "a value with both quote characters");
		return;
	}
	css_puts(c, q);
	css_put(c, v, n);
	css_puts(c, q);
}

/* A lowercase copy of an ASCII name. */
static void css_lower(struct css *c, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n && !c->rc; k++) {
		char ch = s[k];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		css_put(c, &ch, 1);
	}
}

/* [a], [a=v], [a^=v], [a$=v], [a*=v]; c->i is past the '['. */
static void css_attr(struct css *c)
{
	const char *name, *val;
	size_t nlen, vlen;
	char op = 0, tmp[32];

	css_skip(c);
	name = c->s + c->i;
	nlen = css_ident(c, 0);
	if (!nlen) {
		css_fail(c, "expected an attribute name");
		return;
	}
	c->i += nlen;
	css_skip(c);
	if (c->i < c->len && c->s[c->i] == ']') {
		c->i++;
		css_puts(c, "[@");
		css_lower(c, name, nlen);
		css_puts(c, "]");
		return;
	}
	if (c->i < c->len && strchr("^$*", c->s[c->i]) && c->i + 1 < c->len &&
	    c->s[c->i + 1] == '=') {
		op = c->s[c->i];
		c->i += 2;
	} else if (c->i < c->len && c->s[c->i] == '=') {
		op = '=';
		c->i++;
	} else {
		css_fail(c, "unsupported attribute operator (only = ^= $= *=)");
		return;
	}
	css_skip(c);
	if (c->i < c->len && (c->s[c->i] == '\'' || c->s[c->i] == '"')) {
		const char *e = memchr(c->s + c->i + 1, c->s[c->i], c->len - c->i - 1);
		if (!e) {
			css_fail(c, "unterminated string");
			return;
		}
		val = c->s + c->i + 1;
		vlen = (size_t)(e - val);
		if (memchr(val, '\\', vlen)) {
			css_fail(c, "unsupported escape in a string");
			return;
		}
		c->i = (size_t)(e - c->s) + 1;
	} else {
		val = c->s + c->i;
		vlen = css_ident(c, 1);
		if (!vlen) {
			css_fail(c, "expected a value");
			return;
		}
		c->i += vlen;
	}
	css_skip(c);
	if (c->i >= c->len || c->s[c->i] != ']') {
		css_fail(c, "expected ']'");
		return;
	}
	c->i++;
	switch (op) {
	case '=':
		css_puts(c, "[@");
		css_lower(c, name, nlen);
		css_puts(c, "=");
		css_literal(c, val, vlen);
		css_puts(c, "]");
		break;
	case '^':
	case '*':
		css_puts(c, op == '^' ? "[starts-with(@" : "[contains(@");
		css_lower(c, name, nlen);
		css_puts(c, ",");
		css_literal(c, val, vlen);
		css_puts(c, ")]");
		break;
	case '$':
		/* XPath 1.0 has no ends-with() */
		css_puts(c, "[substring(@");
		css_lower(c, name, nlen);
		css_puts(c, ",string-length(@");
		css_lower(c, name, nlen);
		snprintf(tmp, sizeof(tmp), ")-%zu)=", vlen > 0 ? vlen - 1 : 0);
		css_puts(c, tmp);
		css_literal(c, val, vlen);
		css_puts(c, "]");
		break;
	}
}

/* :first-child, :nth-child(n); c->i is past the ':'. */
static void css_pseudo(struct css *c)
{
	size_t n = css_ident(c, 0);
	char tmp[64];

	if (n == 11 && strncmp(c->s + c->i, "first-child", 11) == 0) {
		c->i += n;
		css_puts(c, "[not(preceding-sibling::*)]");
		return;
	}
	if (n == 9 && strncmp(c->s + c->i, "nth-child", 9) == 0 &&
	    c->i + n < c->len && c->s[c->i + n] == '(') {
		unsigned long v = 0;
		size_t digits = 0;

		c->i += n + 1;
		css_skip(c);
		while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9' &&
		       digits < 7) {
			v = v * 10 + (unsigned long)(c->s[c->i++] - '0');
			digits++;
		}
		css_skip(c);
		if (!digits || v == 0 || c->i >= c->len || c->s[c->i] != ')') {
			css_fail(c, "unsupported :nth-child() argument (a whole number from 1)");
			return;
		}
		c->i++;
		snprintf(tmp, sizeof(tmp), "[count(preceding-sibling::*)=%lu]", v - 1);
		css_puts(c, tmp);
		return;
	}
	c->i--;
	css_fail(c, "unsupported pseudo-class");
}

/* One compound selector: [type|*] then .class #id [attr] :pseudo. */
static void css_compound(struct css *c)
{
	size_t n = css_ident(c, 0), start = c->i;

	if (n) {
		css_lower(c, c->s + c->i, n);
		c->i += n;
	} else if (c->i < c->len && c->s[c->i] == '*') {
		css_puts(c, "*");
		c->i++;
	} else {
		css_puts(c, "*");
	}
	while (c->i < c->len && !c->rc) {
		char ch = c->s[c->i];

		if (ch == '.' || ch == '#') {
			c->i++;
			n = css_ident(c, 1);
			if (!n) {
				css_fail(c, ch == '.' ? "expected a class name" : "expected an id");
				return;
			}
			if (ch == '.') {
				css_puts(c, "[contains(concat(' ',normalize-space(@class),' '),");
				css_puts(c, "' ");
				css_put(c, c->s + c->i, n);
				css_puts(c, " ')]");
			} else {
				css_puts(c, "[@id=");
				css_literal(c, c->s + c->i, n);
				css_puts(c, "]");
			}
			c->i += n;
		} else if (ch == '[') {
			c->i++;
			css_attr(c);
		} else if (ch == ':') {
			c->i++;
			if (c->i < c->len && c->s[c->i] == ':') {
				c->i--;
				css_fail(c, "unsupported pseudo-element");
				return;
			}
			css_pseudo(c);
		} else {
			break;
		}
	}
	if (c->i == start && !c->rc)
		css_fail(c, "expected a selector");
}

/*
 * compound (combinator compound)*, up to ',' or the end, written from the
 * right: "A B > C" is ".//C[parent::B[ancestor::A]]".  The obvious
 * ".//A//B/C" makes libxml2 2.9 merge one node-set per A with a duplicate
 * check against all the nodes found so far, quadratic in the matches (17 s
 * for 100,000 list items); this form walks the document once and looks up
 * from each candidate, at most SC_EXTRACT_DEPTH_MAX ancestors.  As in a
 * browser's element.querySelectorAll(), the ancestors may lie outside the
 * context node (an item): only the subject must be inside it.
 */
static void css_complex(struct css *c)
{
	struct buf parts[CSS_COMPOUNDS_MAX], *out = c->out;
	char comb[CSS_COMPOUNDS_MAX];
	int n = 0, k;

	css_skip(c);
	for (;;) {
		size_t before;

		if (n == CSS_COMPOUNDS_MAX) {
			css_fail(c, "too many compound selectors");
			break;
		}
		buf_init(&parts[n], CSS_SELECTOR_MAX * 16);
		c->out = &parts[n++];
		css_compound(c);
		c->out = out;
		if (c->rc)
			break;
		before = c->i;
		css_skip(c);
		if (c->i >= c->len || c->s[c->i] == ',')
			break;
		if (c->s[c->i] == '>') {
			c->i++;
			css_skip(c);
			comb[n - 1] = '>';
		} else if (c->s[c->i] == '+' || c->s[c->i] == '~') {
			css_fail(c, "unsupported combinator");
			break;
		} else if (c->i > before) {
			comb[n - 1] = ' ';
		} else {
			css_fail(c, "unexpected character");
			break;
		}
	}
	if (!c->rc) {
		css_puts(c, ".//");
		css_put(c, parts[n - 1].data, parts[n - 1].len);
		for (k = n - 2; k >= 0; k--) {
			css_puts(c, comb[k] == '>' ? "[parent::" : "[ancestor::");
			css_put(c, parts[k].data, parts[k].len);
		}
		for (k = n - 2; k >= 0; k--)
			css_puts(c, "]");
	}
	for (k = 0; k < n; k++)
		buf_release(&parts[k]);
}

int css2xpath(const char *css, struct buf *out, char *err, size_t n)
{
	struct css c;

	memset(&c, 0, sizeof(c));
	c.s = css;
	c.len = strlen(css);
	c.out = out;
	c.err = err;
	c.errn = n;
	buf_reset(out);
	if (n)
		err[0] = '\0';
	if (c.len > CSS_SELECTOR_MAX) {
		snprintf(err, n, "a selector longer than %d bytes", CSS_SELECTOR_MAX);
		return SC_ETOOBIG;
	}
	for (;;) {
		css_complex(&c);
		if (c.rc)
			break;
		if (c.i >= c.len)
			break;
		c.i++;          /* the ',' */
		css_puts(&c, " | ");
	}
	if (c.rc == SC_ETOOBIG)
		snprintf(err, n, "the XPath of '%s' is too long", css);
	return c.rc;
}
