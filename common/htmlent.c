/*
 * htmlent.c - character references in attribute values; see htmlent.h.
 * The names are in a sorted table (bytewise), searched by bisection.
 */
#include "common/htmlent.h"

#include <string.h>

struct htmlent {
	const char *name;
	unsigned char legacy;   /* also a reference without the ';' */
	uint32_t cp, cp2;       /* the character(s); cp2 0 when one */
};

#include "common/htmlent_table.h"

#define HTMLENT_N (sizeof(htmlent_table) / sizeof(htmlent_table[0]))

/* What the standard puts in place of &#x80; ... &#x9f; (0: keep it). */
static const uint16_t htmlent_c1[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

size_t htmlent_utf8(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int htmlent_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int htmlent_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The entry named by the n bytes at s, or NULL. */
static const struct htmlent *htmlent_find(const char *s, size_t n)
{
	size_t lo = 0, hi = HTMLENT_N;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *name = htmlent_table[mid].name;
		int c = strncmp(name, s, n);

		if (c == 0 && name[n])
			c = 1;          /* name is longer: it sorts after */
		if (c == 0)
			return &htmlent_table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t htmlent_numeric(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i = 2, digits;
	uint32_t cp = 0;
	int hex = 0;

	if (i < n && (s[i] == 'x' || s[i] == 'X')) {
		hex = 1;
		i++;
	}
	digits = i;
	for (; i < n; i++) {
		int d = hex ? htmlent_hex(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

		if (d < 0)
			break;
		if (cp <= 0x10ffff)
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (i == digits)
		return 0;       /* "&#" or "&#x" with no digit */
	if (i < n && s[i] == ';')
		i++;
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	else if (cp >= 0x80 && cp <= 0x9f && htmlent_c1[cp - 0x80])
		cp = htmlent_c1[cp - 0x80];
	*outlen = htmlent_utf8(cp, out);
	return i;
}

size_t htmlent_attr(const char *s, size_t n, char out[HTMLENT_OUT_MAX],
		    size_t *outlen)
{
	const struct htmlent *e;
	size_t i = 1;

	if (n < 2)
		return 0;
	if (s[1] == '#')
		return htmlent_numeric(s, n, out, outlen);
	while (i < n && htmlent_alnum(s[i]) && i < 40)
		i++;
	if (i == 1 || i == 40)
		return 0;       /* no name, or longer than any in the table */
	e = htmlent_find(s + 1, i - 1);
	if (!e)
		return 0;
	if (i < n && s[i] == ';')
		i++;
	else if (!e->legacy || (i < n && s[i] == '='))
		return 0;
	*outlen = htmlent_utf8(e->cp, out);
	if (e->cp2)
		*outlen += htmlent_utf8(e->cp2, out + *outlen);
	return i;
}
