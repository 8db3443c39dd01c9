/*
 * fuzz_robots.c - libFuzzer target for common/robots.c.
 *
 * Input: a robots.txt body (any bytes).  It is parsed for "shardcrawl"
 * (and for the whole user agent, which must read the same), then asked
 * about a few fixed paths and about paths taken from the input itself:
 * its first line, and the value of that line when it is "key: value"
 * (so a "Disallow: /x*y$" seed is matched against "/x*y$").  Invariants:
 * /robots.txt is always allowed; answers are 0 or 1; the delay is -1 or
 * within [0, 2^31 - 1]; rules are capped; a path and its normal form
 * (url_normalize() of it on a host) get the same answer, as robots.h
 * promises that paths compare in normal form.
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/robots.h"
#include "common/url.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

static const char *const fuzz_paths[] = {
	"/", "/robots.txt", "/index.html", "/private/x", "/private",
	"/a%2Fb?q=1", "/caf%C3%A9", "/x:y", "/a-*", "/search?q=a&b=c",
	"/%7Euser/", "/tmp/", "/cgi-bin/a.cgi", "",
};

/* The normal form of a path through url_normalize(), when it can be
 * compared: only escapes change, no dot segment, fragment, white space or
 * empty query for url.c to remove.  NULL otherwise. */
static char *fuzz_norm_path(const char *path)
{
	char *u, *n = NULL, *p;
	size_t len = strlen(path), i;

	if (path[0] != '/' || len == 0 || path[len - 1] == '?' || len > 4096)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c <= 0x20 || c == '#' || c == '.' || c == 0x7f)
			return NULL;
		if (c == '%' && i + 2 < len && path[i + 1] == '2' &&
		    (path[i + 2] == 'e' || path[i + 2] == 'E'))
			return NULL;
	}
	u = malloc(len + 16);
	FUZZ_CHECK(u != NULL);
	memcpy(u, "http://h.test", 13);
	memcpy(u + 13, path, len + 1);
	if (url_normalize(u, &n) == 0) {
		p = strdup(n + 13);
		free(n);
	} else {
		p = NULL;
	}
	free(u);
	return p;
}

static void fuzz_ask(const struct robots *r, const struct robots *r2,
		     const char *path)
{
	int a = robots_allowed(r, path);
	char *norm;

	FUZZ_CHECK(a == 0 || a == 1);
	FUZZ_CHECK(robots_allowed(r2, path) == a);
	norm = fuzz_norm_path(path);
	if (norm) {
		if (robots_allowed(r, norm) != a) {
			fprintf(stderr, "'%s' %d but its normal form '%s' %d\n",
				path, a, norm, !a);
			abort();
		}
		free(norm);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *txt = size ? (const char *)data : NULL;
	struct robots *r, *r2;
	char *line, *v;
	size_t n, i;
	long d;

	r = robots_parse(txt, size, "shardcrawl");
	r2 = robots_parse(txt, size, SC_DEFAULT_USER_AGENT);
	FUZZ_CHECK(r != NULL && r2 != NULL);
	FUZZ_CHECK(robots_rules(r) <= SC_ROBOTS_RULES_MAX);
	FUZZ_CHECK(robots_rules(r2) == robots_rules(r));
	d = robots_delay_ms(r);
	FUZZ_CHECK(d == -1 || (d >= 0 && d <= 2147483647L));
	FUZZ_CHECK(robots_delay_ms(r2) == d);
	FUZZ_CHECK(robots_allowed(r, "/robots.txt") == 1);

	for (i = 0; i < sizeof(fuzz_paths) / sizeof(fuzz_paths[0]); i++)
		fuzz_ask(r, r2, fuzz_paths[i]);

	/* the first line as a path, with a '/' in front if it has none */
	for (n = 0; n < size && data[n] != '\n' && data[n] != '\r' && data[n]; n++)
		;
	line = malloc(n + 2);
	FUZZ_CHECK(line != NULL);
	line[0] = '/';
	memcpy(line + 1, data, n);
	line[n + 1] = '\0';
	fuzz_ask(r, r2, line[1] == '/' ? line + 1 : line);
	v = strchr(line, ':');
	if (v) {
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		fuzz_ask(r, r2, v);
	}
	free(line);

	robots_free(r);
	robots_free(r2);
	return 0;
}
