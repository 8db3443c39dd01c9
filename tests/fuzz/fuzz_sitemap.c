/*
 * fuzz_sitemap.c - libFuzzer target for common/sitemap.c.
 *
 * Input: a sitemap body (any bytes: XML, gzip, text), also read as a
 * robots.txt.  Invariants: every URL kept is an absolute http(s) URL in
 * normal form (it normalizes to itself), there are at most the cap's
 * number, and a body that parses keeps the same URLs when parsed again
 * (the parser holds no state between files).
 */
#include "common/buf.h"
#include "common/limits.h"
#include "common/links.h"
#include "common/sitemap.h"
#include "common/url.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

static void check_urls(const struct links *l)
{
	const char *u;

	FUZZ_CHECK(l->count <= SC_SITEMAP_URLS_MAX);
	for (u = links_first(l); u; u = links_next(l, u)) {
		char *again = NULL;

		FUZZ_CHECK(strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
		FUZZ_CHECK(url_normalize(u, &again) == 0 && strcmp(again, u) == 0);
		free(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct links l, l2;
	static struct buf scratch;
	static int ready;
	enum sitemap_kind k, k2;
	int rc;

	if (!ready) {
		links_init(&l, SC_SITEMAP_URLS_MAX);
		links_init(&l2, SC_SITEMAP_URLS_MAX);
		buf_init(&scratch, SC_SITEMAP_BYTES_MAX);
		ready = 1;
	}
	rc = sitemap_parse(&l, &scratch, (const char *)data, size, &k);
	check_urls(&l);
	FUZZ_CHECK(rc == 0 || l.count == 0);
	FUZZ_CHECK(sitemap_parse(&l2, &scratch, (const char *)data, size, &k2) == rc);
	FUZZ_CHECK(l2.count == l.count && (rc || k2 == k));
	FUZZ_CHECK(l.urls.len == l2.urls.len &&
		   (l.urls.len == 0 || memcmp(l.urls.data, l2.urls.data, l.urls.len) == 0));
	sitemap_robots(&l, (const char *)data, size);
	check_urls(&l);
	return 0;
}
