/*
 * css.c - url() and @import references of a stylesheet; see css.h.
 *
 * One pass over the bytes with an index, never backwards: the cost is
 * linear in the input whatever it holds (an unterminated comment or string
 * ends the scan instead of being searched for again and again).
 */
#include "common/css.h"
#include "common/limits.h"

#include <string.h>

struct css_state {
	const char *s;
	size_t len, i;
	size_t max, given;
	void (*fn)(void *arg, const char *ref, int import);
	void *arg;
	size_t n;               /* bytes in out */
	int over;               /* the reference did not fit in out */
	char out[SC_URL_MAX + 1];
};

static int css_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int css_is_newline(int c)
{
	return c == '\n' || c == '\r' || c == '\f';
}

static int css_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A byte that continues an identifier (a name, "url", a number's unit). */
static int css_is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '\\' ||
	       (unsigned char)c >= 0x80;
}

/* Does s[i..] start with word (lowercase), any case? */
static int css_word(const struct css_state *st, size_t i, const char *word)
{
	size_t n = strlen(word), k;

	if (st->len - i < n)
		return 0;
	for (k = 0; k < n; k++) {
		char c = st->s[i + k];
		if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != word[k])
			return 0;
	}
	return 1;
}

static void css_put(struct css_state *st, char c)
{
	/* a reference holding a NUL byte would be read as a shorter one */
	if (c == '\0')
		st->over = 1;
	else if (st->n < SC_URL_MAX)
		st->out[st->n++] = c;
	else
		st->over = 1;
}

static void css_put_cp(struct css_state *st, unsigned long cp)
{
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		css_put(st, (char)cp);
	} else if (cp < 0x800) {
		css_put(st, (char)(0xc0 | (cp >> 6)));
		css_put(st, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		css_put(st, (char)(0xe0 | (cp >> 12)));
		css_put(st, (char)(0x80 | ((cp >> 6) & 0x3f)));
		css_put(st, (char)(0x80 | (cp & 0x3f)));
	} else {
		css_put(st, (char)(0xf0 | (cp >> 18)));
		css_put(st, (char)(0x80 | ((cp >> 12) & 0x3f)));
		css_put(st, (char)(0x80 | ((cp >> 6) & 0x3f)));
		css_put(st, (char)(0x80 | (cp & 0x3f)));
	}
}

/* s[i] is the byte after a backslash that is not a newline: undo it. */
static void css_escape(struct css_state *st)
{
	unsigned long cp = 0;
	int k = 0, h;

	while (k < 6 && st->i < st->len && (h = css_hex(st->s[st->i])) >= 0) {
		cp = cp * 16 + (unsigned long)h;
		st->i++;
		k++;
	}
	if (k == 0) {
		css_put(st, st->s[st->i++]);
		return;
	}
	if (st->i < st->len && css_is_space(st->s[st->i])) {
		if (st->s[st->i] == '\r' && st->i + 1 < st->len && st->s[st->i + 1] == '\n')
			st->i++;
		st->i++;
	}
	css_put_cp(st, cp);
}

static void css_emit(struct css_state *st, int import)
{
	if (!st->over && st->n > 0 && st->given < st->max) {
		st->out[st->n] = '\0';
		st->fn(st->arg, st->out, import);
		st->given++;
	}
	st->n = 0;
	st->over = 0;
}

/*
 * A string; s[i] is its quote.  Its value goes to out.  Returns 0 at its
 * closing quote, 1 for a bad string (a newline: not consumed), -1 when the
 * input ends first.
 */
static int css_string(struct css_state *st)
{
	char q = st->s[st->i++];

	st->n = 0;
	st->over = 0;
	while (st->i < st->len) {
		char c = st->s[st->i];

		if (c == q) {
			st->i++;
			return 0;
		}
		if (css_is_newline(c))
			return 1;
		if (c != '\\') {
			css_put(st, c);
			st->i++;
			continue;
		}
		if (++st->i >= st->len)
			return -1;
		if (css_is_newline(st->s[st->i])) {
			/* a line continuation */
			if (st->s[st->i] == '\r' && st->i + 1 < st->len &&
			    st->s[st->i + 1] == '\n')
				st->i++;
			st->i++;
		} else {
			css_escape(st);
		}
	}
	return -1;
}

/* The rest of a bad url: up to and including ')'.  -1 if the input ends. */
static int css_bad_url(struct css_state *st)
{
	while (st->i < st->len) {
		char c = st->s[st->i++];

		if (c == ')')
			return 1;
		if (c == '\\' && st->i < st->len)
			st->i++;
	}
	return -1;
}

static void css_skip_space(struct css_state *st)
{
	while (st->i < st->len && css_is_space(st->s[st->i]))
		st->i++;
}

/*
 * After "url(": the reference goes to out.  Returns 0 for a good one
 * (its ')' consumed), 1 for a bad one (skipped), -1 when the input ends.
 */
static int css_url(struct css_state *st)
{
	int rc;

	st->n = 0;
	st->over = 0;
	css_skip_space(st);
	if (st->i >= st->len)
		return -1;
	if (st->s[st->i] == '"' || st->s[st->i] == '\'') {
		rc = css_string(st);
		if (rc < 0)
			return -1;
		css_skip_space(st);
		if (rc == 0 && st->i < st->len && st->s[st->i] == ')') {
			st->i++;
			return 0;
		}
		return css_bad_url(st);
	}
	while (st->i < st->len) {
		unsigned char c = (unsigned char)st->s[st->i];

		if (c == ')') {
			st->i++;
			return 0;
		}
		if (css_is_space((char)c)) {
			css_skip_space(st);
			if (st->i < st->len && st->s[st->i] == ')') {
				st->i++;
				return 0;
			}
			return css_bad_url(st);
		}
		if (c == '"' || c == '\'' || c == '(' || c < 0x09 || c == 0x0b ||
		    (c >= 0x0e && c < 0x20) || c == 0x7f)
			return css_bad_url(st);
		if (c == '\\') {
			if (st->i + 1 >= st->len || css_is_newline(st->s[st->i + 1]))
				return css_bad_url(st);
			st->i++;
			css_escape(st);
			continue;
		}
		css_put(st, (char)c);
		st->i++;
	}
	return -1;
}

size_t css_scan(const char *css, size_t len, size_t max,
		void (*fn)(void *arg, const char *ref, int import), void *arg)
{
	struct css_state st;
	int ident = 0, import = 0;

	st.s = css;
	st.len = len > SC_CSS_MAX ? SC_CSS_MAX : len;
	st.i = 0;
	st.max = max;
	st.given = 0;
	st.fn = fn;
	st.arg = arg;
	st.n = 0;
	st.over = 0;
	while (st.i < st.len && st.given < st.max) {
		char c = st.s[st.i];
		int rc;

		if (c == '/' && st.i + 1 < st.len && st.s[st.i + 1] == '*') {
			const char *e = st.i + 2 < st.len ?
				memmem(st.s + st.i + 2, st.len - st.i - 2, "*/", 2) : NULL;
			if (!e)
				break;
			st.i = (size_t)(e - st.s) + 2;
			ident = 0;
			continue;       /* a comment keeps a pending @import */
		}
		if (c == '"' || c == '\'') {
			rc = css_string(&st);
			if (rc < 0)
				break;
			if (rc == 0 && import)
				css_emit(&st, 1);
			import = ident = 0;
			continue;
		}
		if (c == '\\') {
			/* an escape inside an identifier: never a url( */
			st.i += st.i + 1 < st.len ? 2 : 1;
			ident = 1;
			import = 0;
			continue;
		}
		if (c == '@' && css_word(&st, st.i + 1, "import") &&
		    (st.i + 7 >= st.len || !css_is_ident(st.s[st.i + 7]))) {
			st.i += 7;
			import = 1;
			ident = 0;
			continue;
		}
		if (!ident && (c == 'u' || c == 'U') && css_word(&st, st.i, "url(")) {
			st.i += 4;
			rc = css_url(&st);
			if (rc < 0)
				break;
			if (rc == 0)
				css_emit(&st, import);
			import = ident = 0;
			continue;
		}
		if (!css_is_space(c))
			import = 0;
		ident = css_is_ident(c);
		st.i++;
	}
	return st.given;
}
