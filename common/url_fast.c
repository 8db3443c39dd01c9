/*
 * url_fast.c - the fast path of url_base_resolve(); see url.h for which
 * references take it and url_internal.h for its contract.
 *
 * A reference of that kind is joined to the base's normal form by string
 * concatenation, using the offsets url_base_set() left in struct url_base
 * (origin, dir).  Whatever the scans here are unsure of gets 0, and url.c
 * resolves it with libcurl; tests/test_url.c checks that both give the
 * same answers.
 */
#include "common/url.h"
#include "common/url_internal.h"
#include "common/err.h"
#include "common/limits.h"

#include <string.h>

/* Bytes of the fast path's references: unreserved characters and '/'. */
static int url_fast_char(int c)
{
	return url_is_alpha(c) || url_is_digit(c) || c == '-' || c == '.' ||
	       c == '_' || c == '~' || c == '/';
}

/*
 * The length of a fast-path path and query at p (a plain path: unreserved
 * characters and '/', no "." or ".." segment; an optional query of the same
 * plus '=' and '&'), ending at the end or at a fragment; -1 if p is not
 * that.  *keep gets how much of it to keep: an empty query is no query, as
 * libcurl has it.
 */
static long url_fast_tail(const char *p, size_t *keep)
{
	size_t i = 0, seg = 0;
	int dots = 0;

	for (; url_fast_char((unsigned char)p[i]); i++) {
		if (p[i] == '/') {
			if (dots && dots == (int)(i - seg))
				return -1;
			seg = i + 1;
			dots = 0;
		} else if (p[i] == '.') {
			dots++;
		}
	}
	if (dots && dots == (int)(i - seg) && dots <= 2)
		return -1;
	*keep = i;
	if (p[i] == '?') {
		for (i++; url_fast_char((unsigned char)p[i]) || p[i] == '=' || p[i] == '&'; i++)
			;
		if (i > *keep + 1)
			*keep = i;
	}
	if (p[i] != '\0' && p[i] != '#')
		return -1;
	return (long)i;
}

/* A host already in normal form that the slow path keeps as it is:
 * lowercase labels of letters, digits and '-'; when the last label starts
 * with a digit (it may be a number, and the host then an IPv4 address in
 * any of the URL Standard's forms, or none), exactly a dotted quad of
 * decimals 0-255 without leading zeros.  Returns its length. */
static size_t url_fast_host(const char *h)
{
	size_t i = 0, label = 0;
	int parts = 0, quad = 1;

	for (;; i++) {
		char c = h[i];
		if ((c >= 'a' && c <= 'z') || c == '-') {
			quad = 0;
		} else if (c >= '0' && c <= '9') {
			continue;
		} else if (c == '.' && i > label) {
			parts++;
			label = i + 1;
			continue;
		} else {
			break;
		}
	}
	if (i == 0 || i == label || h[label] == '-' || h[i - 1] == '-')
		return 0;       /* empty, trailing dot, or a label edged with '-' */
	if (!(h[label] >= '0' && h[label] <= '9'))
		return i;       /* the last label is a name */
	if (!quad || parts != 3)
		return 0;
	for (label = 0; label < i; ) {
		size_t k = label;
		int v = 0;
		/* a label of any length: stop counting past 3 digits */
		for (; k < i && h[k] != '.'; k++)
			if (k - label < 3)
				v = v * 10 + (h[k] - '0');
		if (k - label > 3 || v > 255 || (k - label > 1 && h[label] == '0'))
			return 0;
		label = k + 1;
	}
	return i;
}

/*
 * For a reference the fast path takes, RFC 3986 section 5.2 reduces to: an
 * absolute URL already in normal form stands as it is; an absolute path
 * replaces the base's path and query; a relative path replaces the base
 * path's last segment and the query, after its leading "./" and "../"
 * segments have moved the directory; the fragment is dropped; nothing else
 * needs escaping or dot-segment removal.
 */
int url_fast_resolve(const struct url_base *b, const char *ref, char **out)
{
	size_t keep, n, pre = 0, hlen;
	const char *prefix = NULL, *p = ref;
	long tail;
	char *u;

	if (!b->norm || ref[0] == '\0' || ref[0] == '?' || ref[0] == '#')
		return 0;
	if (strncmp(ref, "http://", 7) == 0 || strncmp(ref, "https://", 8) == 0) {
		int https = ref[4] == 's';
		const char *h = ref + (https ? 8 : 7);

		hlen = url_fast_host(h);
		if (!hlen)
			return 0;
		p = h + hlen;
		if (*p == ':') {
			size_t d = 1;
			long port = 0;
			while (url_is_digit((unsigned char)p[d]) && d < 7)
				port = port * 10 + (p[d++] - '0');
			if (d == 1 || d > 6 || p[1] == '0' || port > 65535 ||
			    port == (https ? 443 : 80))
				return 0;
			p += d;
		}
		if (*p != '/')
			return 0;       /* no path, or userinfo and the like */
		pre = (size_t)(p - ref);
		prefix = ref;
	} else if (ref[0] == '/' && ref[1] == '/') {
		return 0;
	} else if (ref[0] == '/') {
		prefix = b->norm;
		pre = b->origin;
	} else if (b->norm[b->origin] == '/' && b->norm[b->origin + 1] == '/') {
		/* libcurl 7.88 resolves "b" against "http://h//a" to
		 * "http://h/b" (RFC 3986 says "http://h//b"): leave bases
		 * whose path starts with "//" to it, so that every spelling
		 * of a reference ("b", "./b") gives the same URL. */
		return 0;
	} else {
		prefix = b->norm;
		pre = b->dir;
		/* leading "./" and "../" segments (documentation trees are full
		 * of them): "./" stays in the base's directory, "../" climbs
		 * one, never above the root (RFC 3986 section 5.2.4) */
		for (;;) {
			if (p[0] == '.' && p[1] == '/') {
				p += 2;
			} else if (p[0] == '.' && p[1] == '.' && p[2] == '/') {
				if (pre > b->origin + 1) {
					pre--;
					while (pre > b->origin + 1 && b->norm[pre - 1] != '/')
						pre--;
				}
				p += 3;
			} else {
				break;
			}
		}
		/* what is left must be a segment: the rest to the slow path */
		if (p != ref && (*p == '/' || *p == '\0' || *p == '?' || *p == '#'))
			return 0;
	}
	tail = url_fast_tail(p, &keep);
	if (tail < 0)
		return 0;
	n = pre + keep;
	if (n >= SC_URL_MAX || (prefix == b->norm && keep == 0))
		return 0;
	u = xmalloc(n + 1);
	memcpy(u, prefix, pre);
	memcpy(u + pre, p, keep);
	u[n] = '\0';
	*out = u;
	return 1;
}
