#include "crawler/journal.h"

#include "common/err.h"

#include <stdlib.h>
#include <string.h>

int journal_admit(struct buf *b, const char *url, uint32_t depth,
		  uint32_t redirects)
{
	buf_reset(b);
	return buf_printf(b, "A\t%u\t%u\t%s\n", depth, redirects, url);
}

int journal_requisite(struct buf *b, const char *url, uint32_t depth,
		       uint32_t redirects, uint32_t level)
{
	buf_reset(b);
	return buf_printf(b, "Q\t%u\t%u\t%u\t%s\n", level, depth, redirects, url);
}

int journal_referrer(struct buf *b, const char *referrer)
{
	buf_reset(b);
	return buf_printf(b, "R\t%s\n", referrer ? referrer : "-");
}

int journal_urls(struct buf *b, uint64_t lines, int eof)
{
	buf_reset(b);
	return buf_printf(b, "U\t%llu%s\n", (unsigned long long)lines,
			  eof ? "\teof" : "");
}

/* Split at the next tab: returns the field, moves *s past it. */
static char *field(char **s)
{
	char *f = *s, *t;

	if (!f)
		return NULL;
	t = strchr(f, '\t');
	if (t) {
		*t = '\0';
		*s = t + 1;
	} else {
		*s = NULL;
	}
	return f;
}

static int number(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 10);
	return *end || *v > max ? -1 : 0;
}

int journal_parse(char *line, struct journal_rec *r)
{
	char *s = line, *kind = field(&s), *f;
	uint64_t a, b;

	memset(r, 0, sizeof(*r));
	if (!kind || strlen(kind) != 1)
		return SC_EINVAL;
	r->kind = kind[0];
	if (r->kind == 'Q') {
		if (number(field(&s), 255, &a) || a == 0)
			return SC_EINVAL;
		r->requisite = (uint32_t)a;
		r->kind = 'A';
		if (number(field(&s), UINT32_MAX, &a) || number(field(&s), UINT32_MAX, &b))
			return SC_EINVAL;
		r->depth = (uint32_t)a;
		r->redirects = (uint32_t)b;
		r->url = field(&s);
		if (!r->url || !*r->url || s)
			return SC_EINVAL;
		return 0;
	}
	if (r->kind == 'A') {
		if (number(field(&s), UINT32_MAX, &a) || number(field(&s), UINT32_MAX, &b))
			return SC_EINVAL;
		r->depth = (uint32_t)a;
		r->redirects = (uint32_t)b;
		r->url = field(&s);
		r->referrer = field(&s);
		if (!r->url || !*r->url || s)
			return SC_EINVAL;
		r->has_ref = r->referrer != NULL;
		if (r->referrer && strcmp(r->referrer, "-") == 0)
			r->referrer = NULL;
		return 0;
	}
	if (r->kind == 'R') {
		r->referrer = field(&s);
		if (!r->referrer || !*r->referrer || s)
			return SC_EINVAL;
		r->has_ref = 1;
		if (strcmp(r->referrer, "-") == 0)
			r->referrer = NULL;
		return 0;
	}
	if (r->kind == 'U') {
		if (number(field(&s), UINT64_MAX, &r->lines))
			return SC_EINVAL;
		f = field(&s);
		if (f && strcmp(f, "eof") != 0)
			return SC_EINVAL;
		r->eof = f != NULL;
		return 0;
	}
	return SC_EINVAL;
}
