/*
 * optparse.c - parsing and checking one option value: numbers, rates,
 * sizes, suffix lists, headers, --resolve entries.  Each failure exits 2
 * through usage_die() with the option's name and the value given.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/mimetype.h"
#include "crawler/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void usage_die(const char *fmt, ...)
{
	va_list ap;

	fputs("shardcrawl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

long opt_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage_die("%s: expected a whole number from %ld to %ld, got '%s'",
			  opt, min, max, s);
	return v;
}

double opt_rate(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e6)
		usage_die("%s: expected a rate above 0 (requests/s), got '%s'", opt, s);
	return v;
}

uint64_t opt_size(const char *opt, const char *s, uint64_t min)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	if (*s == '-')
		usage_die("%s: expected a size, got '%s'", opt, s);
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		usage_die("%s: expected a size, got '%s'", opt, s);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || v > (UINT64_MAX >> shift) || (v << shift) < min)
		usage_die("%s: expected a size of at least %llu, got '%s'", opt,
			  (unsigned long long)min, s);
	return (uint64_t)v << shift;
}

void opt_push(char ***list, int *n, char *item)
{
	*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
	(*list)[(*n)++] = item;
}

/*
 * --accept / --reject LIST: comma-separated suffixes, each 1 to
 * CONFIG_SUFFIX_MAX visible bytes without '?' or '#' (which no path holds),
 * kept lowercase (they match in any case).
 */
void opt_suffixes(const char *opt, const char *arg, char ***list, int *n)
{
	const char *p = arg;

	if (!*arg)
		usage_die("%s: expected a comma-separated list of suffixes, got ''", opt);
	for (;;) {
		size_t len = strcspn(p, ","), i;
		char *item;

		if (len == 0 || len > CONFIG_SUFFIX_MAX)
			usage_die("%s: expected suffixes of 1 to %d bytes between commas, got '%s'",
				  opt, CONFIG_SUFFIX_MAX, arg);
		for (i = 0; i < len; i++)
			if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f || p[i] == '?' || p[i] == '#')
				usage_die("%s: a suffix cannot hold spaces, control bytes, '?' or "
					  "'#', got '%s'", opt, arg);
		if (*n >= CONFIG_SUFFIXES_MAX)
			usage_die("%s: at most %d suffixes", opt, CONFIG_SUFFIXES_MAX);
		item = xstrndup(p, len);
		for (i = 0; i < len; i++)
			item[i] = (char)tolower((unsigned char)item[i]);
		opt_push(list, n, item);
		if (!p[len])
			break;
		p += len + 1;
	}
}

void opt_set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

void opt_check_header(const char *h)
{
	const char *colon = strchr(h, ':');
	const char *p;

	if (!colon || colon == h)
		usage_die("--header: expected 'Name: value', got '%s'", h);
	for (p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 127)
			usage_die("--header: bad header name in '%s'", h);
	if (strpbrk(h, "\r\n"))
		usage_die("--header: line breaks are not allowed in '%s'", h);
}

void opt_check_resolve(const char *r)
{
	/* HOST:PORT:ADDR[,ADDR]...; HOST may be +HOST; ADDR may be [v6] */
	const char *a = strchr(r, ':'), *b;
	char *end;
	long port;

	if (!a || a == r)
		usage_die("--resolve: expected HOST:PORT:ADDRESS, got '%s'", r);
	port = strtol(a + 1, &end, 10);
	b = end;
	if (end == a + 1 || *b != ':' || port < 1 || port > 65535 || !b[1])
		usage_die("--resolve: expected HOST:PORT:ADDRESS, got '%s'", r);
}

/*
 * --accept-type / --reject-type LIST: comma-separated media types
 * (type/subtype or type/ and a star), kept lowercase (they match in any case).
 */
void opt_types(const char *opt, const char *arg, char ***list, int *n)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ","), i;
		char *item = xstrndup(p, len);

		for (i = 0; i < len; i++)
			item[i] = (char)tolower((unsigned char)item[i]);
		if (mimetype_check(item))
			usage_die("%s: expected media types such as text/html or image/* "
				  "between commas, got '%s'", opt, arg);
		if (*n >= CONFIG_SUFFIXES_MAX)
			usage_die("%s: at most %d types", opt, CONFIG_SUFFIXES_MAX);
		opt_push(list, n, item);
		if (!p[len])
			break;
		p += len + 1;
	}
}
