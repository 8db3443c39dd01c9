/*
 * mimetype.c - media type patterns (see mimetype.h).
 */
#include "common/mimetype.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* RFC 9110 tchar */
static int is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (is_tchar((unsigned char)s[n]))
		n++;
	return n;
}

int mimetype_check(const char *pat)
{
	size_t t = token_len(pat), i;

	if (t == 0 || pat[t] != '/')
		return -1;
	for (i = 0; pat[i]; i++)
		if (isupper((unsigned char)pat[i]))
			return -1;
	if (strcmp(pat + t + 1, "*") == 0)
		return strchr(pat, '*') == pat + t + 1 ? 0 : -1;
	i = token_len(pat + t + 1);
	return i && !pat[t + 1 + i] && !strchr(pat, '*') ? 0 : -1;
}

static int matches(const char *pat, const char *type, size_t len)
{
	size_t plen = strlen(pat);

	if (plen >= 2 && pat[plen - 1] == '*')          /* any subtype */
		return len >= plen - 1 && strncasecmp(type, pat, plen - 1) == 0;
	return len == plen && strncasecmp(type, pat, len) == 0;
}

int mimetype_match(char *const *pats, int n, const char *content_type)
{
	const char *t = content_type ? content_type : "";
	size_t len;
	int i;

	while (*t == ' ' || *t == '\t')
		t++;
	len = strcspn(t, "; \t");
	if (len == 0) {
		t = "application/octet-stream";
		len = strlen(t);
	}
	for (i = 0; i < n; i++)
		if (matches(pats[i], t, len))
			return 1;
	return 0;
}

int mimetype_allowed(char *const *accept, int naccept, char *const *reject,
		     int nreject, const char *content_type)
{
	if (nreject && mimetype_match(reject, nreject, content_type))
		return 0;
	return !naccept || mimetype_match(accept, naccept, content_type);
}
