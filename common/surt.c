#include "common/surt.h"
#include "common/err.h"

#include <stdlib.h>
#include <string.h>

/* An argument of the query, for sorting. */
struct surt_arg {
	const char *p;
	size_t n;
};

static int arg_cmp(const void *a, const void *b)
{
	const struct surt_arg *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Does the URL Standard percent-encode c here (path or query)? */
static int encoded(unsigned char c, int query)
{
	if (c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>')
		return 1;
	return query ? c == '\'' : (c == '?' || c == '`' || c == '{' || c == '}');
}

/* Append p[0..n) lowercased, with the characters of its part encoded. */
static int put_part(struct buf *out, const char *p, size_t n, int query)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (encoded(c, query)) {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			rc = buf_append(out, e, 3);
		} else {
			rc = buf_putc(out, (char)c);
		}
	}
	return rc;
}

/* The query (without '?'), encoded, then its arguments sorted. */
static int put_query(struct buf *out, const char *q, size_t n)
{
	struct buf enc;
	struct surt_arg *args;
	size_t i, nargs = 1, k = 0, start;
	int rc;

	buf_init(&enc, out->cap);
	rc = put_part(&enc, q, n, 1);
	for (i = 0; i < enc.len; i++)
		nargs += enc.data[i] == '&';
	args = xcalloc(nargs, sizeof(*args));
	for (start = 0, i = 0; i <= enc.len; i++) {
		if (i == enc.len || enc.data[i] == '&') {
			args[k].p = enc.data + start;
			args[k++].n = i - start;
			start = i + 1;
		}
	}
	qsort(args, nargs, sizeof(*args), arg_cmp);
	if (!rc)
		rc = buf_putc(out, '?');
	for (i = 0; i < nargs && !rc; i++) {
		if (i)
			rc = buf_putc(out, '&');
		if (!rc)
			rc = buf_append(out, args[i].p, args[i].n);
	}
	free(args);
	buf_release(&enc);
	return rc;
}

/* The host's labels reversed, joined by ','; lowercase. */
static int put_host(struct buf *out, const char *h, size_t n)
{
	size_t end = n, i;
	int rc = 0;

	if (n && h[0] == '[')   /* an IPv6 literal has no labels */
		return put_part(out, h, n, 0);
	for (i = n; !rc; i--) {
		if (i == 0 || h[i - 1] == '.') {
			rc = put_part(out, h + i, end - i, 0);
			if (i == 0 || rc)
				break;
			rc = buf_putc(out, ',');
			end = i - 1;
		}
	}
	return rc;
}

int surt_key(const char *url, size_t n, struct buf *out)
{
	const char *p = url, *end = url + n, *auth, *aend, *host, *hend, *at;
	const char *path, *pend, *query = NULL, *qend = NULL;
	size_t start = out->len;
	int https, rc = 0;
	long port = -1;

	if (n >= 5 && memcmp(url, "http:", 5) == 0)
		https = 0;
	else if (n >= 6 && memcmp(url, "https:", 6) == 0)
		https = 1;
	else
		return buf_append(out, url, n);
	p += 5 + https;
	if (end - p < 2 || p[0] != '/' || p[1] != '/')
		return buf_append(out, url, n);   /* not the form we write */
	auth = p + 2;
	if (end - auth > 3 && memcmp(auth, "www", 3) == 0) {
		const char *d = auth + 3;
		while (d < end && *d >= '0' && *d <= '9')
			d++;
		if (d < end && *d == '.')
			auth = d + 1;
	}
	for (aend = auth; aend < end && *aend != '/' && *aend != '?' &&
	     *aend != '#' && *aend != '\\'; aend++)
		;
	at = memrchr(auth, '@', (size_t)(aend - auth));
	host = at ? at + 1 : auth;
	hend = aend;
	if (host < aend && *host == '[') {
		const char *b = memchr(host, ']', (size_t)(aend - host));
		hend = b ? b + 1 : aend;
	} else {
		const char *c = memchr(host, ':', (size_t)(aend - host));
		if (c)
			hend = c;
	}
	if (hend < aend && *hend == ':') {
		const char *d;
		port = 0;
		for (d = hend + 1; d < aend && *d >= '0' && *d <= '9' && port < 100000; d++)
			port = port * 10 + (*d - '0');
		if (d == hend + 1 || port == (https ? 443 : 80))
			port = -1;
	}
	path = aend;
	for (pend = path; pend < end && *pend != '?' && *pend != '#'; pend++)
		;
	if (pend < end && *pend == '?') {
		query = pend + 1;
		qend = memchr(query, '#', (size_t)(end - query));
		if (!qend)
			qend = end;
	}
	rc = put_host(out, host, (size_t)(hend - host));
	if (!rc && port >= 0)
		rc = buf_printf(out, ":%ld", port);
	if (!rc)
		rc = buf_putc(out, ')');
	if (!rc)
		rc = path == pend ? buf_putc(out, '/') : put_part(out, path, (size_t)(pend - path), 0);
	if (!rc && query && qend > query)
		rc = put_query(out, query, (size_t)(qend - query));
	if (rc) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}
