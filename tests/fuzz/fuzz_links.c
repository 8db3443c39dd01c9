/*
 * fuzz_links.c - libFuzzer target for common/links.c.
 *
 * Input: an HTML document (any bytes).  It is parsed at a fixed page URL
 * with a small link cap, twice with the same struct links (the second
 * time after links_reset(), as the shard reuses one for every page), and
 * must give the same links both times.  Every link must be a normalized
 * http(s) URL (it normalizes to itself), given once, and the counts must
 * agree with what the iterator walks.  The same document is then read
 * with LINKS_REQUISITES (the links must not change; the requisites obey
 * the same rules) and as a stylesheet (links_extract_css()).
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/links.h"
#include "common/url.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

#define FUZZ_PAGE "http://site.test/dir/page.html?x=1"
#define FUZZ_MAX  50

/* Every URL of a list: normalized http(s), given once, count right. */
static void fuzz_check_list(const struct links *l, int reqs)
{
	const char *u, *seen[FUZZ_MAX];
	size_t n = 0, i, count = reqs ? l->nreqs : l->count;

	FUZZ_CHECK(count <= FUZZ_MAX);
	for (u = reqs ? links_req_first(l) : links_first(l); u;
	     u = reqs ? links_req_next(l, u) : links_next(l, u)) {
		char *again = NULL;

		FUZZ_CHECK(n < count);
		FUZZ_CHECK(strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
		FUZZ_CHECK(strlen(u) <= SC_URL_MAX);
		FUZZ_CHECK(url_normalize(u, &again) == 0);
		if (strcmp(again, u) != 0) {
			fprintf(stderr, "link '%s' normalizes to '%s'\n", u, again);
			abort();
		}
		free(again);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(seen[i], u) != 0);
		seen[n++] = u;
	}
	FUZZ_CHECK(n == count);
}

static void fuzz_check_links(const struct links *l)
{
	FUZZ_CHECK(l->truncated == (l->dropped + l->reqs_dropped > 0));
	if (l->nofollow)
		FUZZ_CHECK(l->count == 0 && l->dropped == 0);
	fuzz_check_list(l, 0);
	fuzz_check_list(l, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct links l;
	struct buf first;
	size_t count, dropped;
	int nofollow;

	links_init(&l, FUZZ_MAX);
	FUZZ_CHECK(links_extract(&l, (const char *)data, size, FUZZ_PAGE, 0) == 0);
	fuzz_check_links(&l);

	buf_init(&first, SC_PARSE_MAX);
	FUZZ_CHECK(buf_append(&first, l.urls.data, l.urls.len) == 0);
	count = l.count;
	dropped = l.dropped;
	nofollow = l.nofollow;

	FUZZ_CHECK(links_extract(&l, (const char *)data, size, FUZZ_PAGE, 0) == 0);
	fuzz_check_links(&l);
	FUZZ_CHECK(l.count == count && l.dropped == dropped && l.nofollow == nofollow);
	FUZZ_CHECK(l.urls.len == first.len &&
		   memcmp(l.urls.data, first.data, first.len) == 0);

	/* with requisites: the same links, and requisites that obey the rules */
	FUZZ_CHECK(links_extract(&l, (const char *)data, size, FUZZ_PAGE,
				 LINKS_REQUISITES) == 0);
	fuzz_check_links(&l);
	if (!l.nofollow)
		FUZZ_CHECK(l.count == count && l.urls.len == first.len &&
			   memcmp(l.urls.data, first.data, first.len) == 0);
	FUZZ_CHECK(links_extract_css(&l, (const char *)data, size, FUZZ_PAGE) == 0);
	fuzz_check_links(&l);
	FUZZ_CHECK(l.count == 0);

	/* a page URL that does not parse leaves l empty */
	FUZZ_CHECK(links_extract(&l, (const char *)data, size, "mailto:x", 0) == SC_EINVAL);
	FUZZ_CHECK(l.count == 0 && links_first(&l) == NULL);

	buf_release(&first);
	links_release(&l);
	return 0;
}
