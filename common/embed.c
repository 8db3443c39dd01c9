/*
 * embed.c - the requisites of an HTML start tag; see embed.h.
 */
#include "common/embed.h"
#include "common/limits.h"

#include <string.h>
#include <strings.h>

static int embed_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

size_t embed_srcset(const char *s, size_t max,
		    void (*fn)(void *arg, const char *url, size_t n), void *arg)
{
	size_t given = 0;

	while (s && *s && given < max) {
		const char *u;
		size_t n;
		int depth = 0;

		while (embed_is_space(*s) || *s == ',')
			s++;
		if (!*s)
			break;
		u = s;
		while (*s && !embed_is_space(*s))
			s++;
		n = (size_t)(s - u);
		if (n && u[n - 1] == ',') {
			/* "a.png," ends its candidate: no descriptors */
			while (n && u[n - 1] == ',')
				n--;
		} else {
			/* descriptors, up to a comma outside parentheses */
			for (; *s && (*s != ',' || depth > 0); s++) {
				if (*s == '(')
					depth++;
				else if (*s == ')' && depth > 0)
					depth--;
			}
		}
		if (n) {
			fn(arg, u, n);
			given++;
		}
	}
	return given;
}

/* The value of attribute name (lowercase, as the tokenizer gives names),
 * or NULL. */
static const char *embed_attr(const char *const *atts, const char *name)
{
	if (!atts)
		return NULL;
	for (; atts[0]; atts += 2)
		if (atts[0][0] == name[0] && strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* Does the token list rel hold a token that makes a link a requisite? */
static int embed_rel(const char *rel)
{
	static const char *const want[] = {
		"stylesheet", "icon", "apple-touch-icon",
		"apple-touch-icon-precomposed", "mask-icon", "preload",
		"modulepreload", "manifest",
	};
	size_t k;

	while (rel && *rel) {
		size_t n = 0;

		while (embed_is_space(*rel))
			rel++;
		while (rel[n] && !embed_is_space(rel[n]))
			n++;
		for (k = 0; n && k < sizeof(want) / sizeof(want[0]); k++)
			if (strlen(want[k]) == n && strncasecmp(rel, want[k], n) == 0)
				return 1;
		rel += n;
	}
	return 0;
}

struct embed_call {
	void (*fn)(void *arg, enum embed_kind kind, const char *s, size_t n);
	void *arg;
};

static void embed_candidate(void *arg, const char *url, size_t n)
{
	struct embed_call *c = arg;

	c->fn(c->arg, EMBED_URL, url, n);
}

static void embed_give(const struct embed_call *c, const char *v)
{
	if (v)
		c->fn(c->arg, EMBED_URL, v, strlen(v));
}

static void embed_srcset_of(struct embed_call *c, const char *const *atts)
{
	embed_srcset(embed_attr(atts, "srcset"), SC_SRCSET_MAX, embed_candidate, c);
}

void embed_element(const char *name, const char *const *atts,
		   void (*fn)(void *arg, enum embed_kind kind, const char *s, size_t n),
		   void *arg)
{
	struct embed_call c = { fn, arg };
	const char *style = embed_attr(atts, "style");

	if (style)
		fn(arg, EMBED_CSS, style, strlen(style));
	switch (name[0] | 0x20) {
	case 'a':
		if (strcmp(name, "audio") == 0)
			embed_give(&c, embed_attr(atts, "src"));
		return;
	case 'e':
		if (strcmp(name, "embed") == 0)
			embed_give(&c, embed_attr(atts, "src"));
		return;
	case 'i':
		if (strcmp(name, "img") == 0) {
			embed_give(&c, embed_attr(atts, "src"));
			embed_srcset_of(&c, atts);
		} else if (strcmp(name, "input") == 0) {
			const char *type = embed_attr(atts, "type");
			if (type && strcasecmp(type, "image") == 0)
				embed_give(&c, embed_attr(atts, "src"));
		}
		return;
	case 'l':
		if (strcmp(name, "link") == 0 && embed_rel(embed_attr(atts, "rel")))
			embed_give(&c, embed_attr(atts, "href"));
		return;
	case 'o':
		if (strcmp(name, "object") == 0)
			embed_give(&c, embed_attr(atts, "data"));
		return;
	case 's':
		if (strcmp(name, "script") == 0) {
			embed_give(&c, embed_attr(atts, "src"));
		} else if (strcmp(name, "source") == 0) {
			embed_give(&c, embed_attr(atts, "src"));
			embed_srcset_of(&c, atts);
		}
		return;
	case 't':
		if (strcmp(name, "track") == 0)
			embed_give(&c, embed_attr(atts, "src"));
		return;
	case 'v':
		if (strcmp(name, "video") == 0) {
			embed_give(&c, embed_attr(atts, "src"));
			embed_give(&c, embed_attr(atts, "poster"));
		}
		return;
	}
}
