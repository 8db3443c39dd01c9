/*
 * jsonld.c - a recursive descent JSON parser that copies each token it
 * accepts, without the white space between them (see jsonld.h).
 */
#include "common/jsonld.h"

#include "common/err.h"
#include "common/json.h"

#include <stdio.h>
#include <string.h>

struct jp {
	const unsigned char *s;
	size_t i, n;
	struct buf *out;
	char *err;
	size_t errn;
	int rc;
};

static int jp_fail(struct jp *p, const char *what)
{
	if (!p->rc) {
		snprintf(p->err, p->errn, "byte %zu: %s", p->i, what);
		p->rc = SC_EINVAL;
	}
	return p->rc;
}

static void jp_put(struct jp *p, const void *s, size_t n)
{
	if (!p->rc && buf_append(p->out, s, n)) {
		snprintf(p->err, p->errn, "byte %zu: the value is too large", p->i);
		p->rc = SC_ETOOBIG;
	}
}

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int jp_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void jp_string(struct jp *p)
{
	size_t start = p->i++;

	while (!p->rc) {
		unsigned c;
		size_t k;

		if (p->i >= p->n) {
			jp_fail(p, "unterminated string");
			return;
		}
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			jp_put(p, p->s + start, p->i - start);
			return;
		}
		if (c < 0x20) {
			jp_fail(p, "a control character in a string");
			return;
		}
		if (c == '\\') {
			if (p->i + 1 >= p->n) {
				jp_fail(p, "unterminated string");
				return;
			}
			c = p->s[p->i + 1];
			if (c == 'u') {
				for (k = 2; k < 6; k++)
					if (p->i + k >= p->n || !jp_hex(p->s[p->i + k])) {
						jp_fail(p, "bad \\u escape");
						return;
					}
				p->i += 6;
			} else if (strchr("\"\\/bfnrt", (int)c) && c) {
				p->i += 2;
			} else {
				jp_fail(p, "bad escape");
				return;
			}
			continue;
		}
		if (c < 0x80) {
			p->i++;
			continue;
		}
		k = json_utf8_len(p->s + p->i, p->n - p->i);
		if (!k) {
			jp_fail(p, "invalid UTF-8 in a string");
			return;
		}
		p->i += k;
	}
}

static int jp_digit(struct jp *p)
{
	return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static void jp_number(struct jp *p)
{
	size_t start = p->i;

	if (p->s[p->i] == '-')
		p->i++;
	if (!jp_digit(p)) {
		jp_fail(p, "expected a digit");
		return;
	}
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (jp_digit(p))
			p->i++;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jp_digit(p)) {
			jp_fail(p, "expected a digit after '.'");
			return;
		}
		while (jp_digit(p))
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jp_digit(p)) {
			jp_fail(p, "expected a digit in the exponent");
			return;
		}
		while (jp_digit(p))
			p->i++;
	}
	jp_put(p, p->s + start, p->i - start);
}

static void jp_word(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if (p->n - p->i < n || memcmp(p->s + p->i, w, n) != 0) {
		jp_fail(p, "expected a value");
		return;
	}
	p->i += n;
	jp_put(p, w, n);
}

static void jp_value(struct jp *p, int depth);

/* An array or an object; p->i is at its '[' or '{'. */
static void jp_nest(struct jp *p, int depth)
{
	char open = (char)p->s[p->i], close = open == '[' ? ']' : '}';
	int first = 1;

	if (depth >= JSONLD_DEPTH_MAX) {
		snprintf(p->err, p->errn, "byte %zu: nested more than %d deep", p->i,
			 JSONLD_DEPTH_MAX);
		p->rc = SC_ETOOBIG;
		return;
	}
	p->i++;
	jp_put(p, &open, 1);
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == (unsigned char)close) {
		p->i++;
		jp_put(p, &close, 1);
		return;
	}
	while (!p->rc) {
		if (!first)
			jp_put(p, ",", 1);
		first = 0;
		jp_ws(p);
		if (open == '{') {
			if (p->i >= p->n || p->s[p->i] != '"') {
				jp_fail(p, "expected a string key");
				return;
			}
			jp_string(p);
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				jp_fail(p, "expected ':'");
				return;
			}
			p->i++;
			jp_put(p, ":", 1);
		}
		jp_value(p, depth + 1);
		jp_ws(p);
		if (p->rc)
			return;
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == (unsigned char)close) {
			p->i++;
			jp_put(p, &close, 1);
			return;
		}
		jp_fail(p, open == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
	}
}

static void jp_value(struct jp *p, int depth)
{
	jp_ws(p);
	if (p->i >= p->n) {
		jp_fail(p, "expected a value");
		return;
	}
	switch (p->s[p->i]) {
	case '{':
	case '[':
		jp_nest(p, depth);
		return;
	case '"':
		jp_string(p);
		return;
	case 't':
		jp_word(p, "true");
		return;
	case 'f':
		jp_word(p, "false");
		return;
	case 'n':
		jp_word(p, "null");
		return;
	default:
		if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
			jp_number(p);
		else
			jp_fail(p, "expected a value");
	}
}

int jsonld_compact(const char *s, size_t n, struct buf *out, char *err, size_t errn)
{
	struct jp p;
	size_t mark = out->len;

	memset(&p, 0, sizeof(p));
	p.s = (const unsigned char *)s;
	p.n = n;
	p.out = out;
	p.err = err;
	p.errn = errn;
	if (errn)
		err[0] = '\0';
	if (n > JSONLD_TEXT_MAX) {
		snprintf(err, errn, "larger than %u bytes", JSONLD_TEXT_MAX);
		return SC_ETOOBIG;
	}
	jp_value(&p, 0);
	jp_ws(&p);
	if (!p.rc && p.i < p.n)
		jp_fail(&p, "text after the value");
	if (p.rc) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return p.rc;
}
