/*
 * test_extract.c - extract_page() over the fixture table in data/extract/:
 * for each NAME, the rules NAME.yaml, the page NAME.html (or one this
 * test generates: the hostile ones too big to keep in the tree), and the
 * expected result NAME.expect, one line each:
 *   item {JSON}       an item, in order (the braces added to the members)
 *   items N           instead of item lines: how many
 *   first {JSON}      with items: the first item
 *   dropped N, cut N, jsonld_invalid N, links N, links_dropped N
 *   link URL          a follow link, in order
 *   nofollow          meta robots said nofollow
 *   why REASON        not extracted
 * The page URL is http://shop.test/extract/NAME.html; the first rule of
 * NAME.yaml that matches it applies.  Every item must also be one valid
 * JSON object (common/jsonld.h checks it).  Run from the repository root.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/extract.h"
#include "common/jsonld.h"
#include "common/rules.h"
#include "tests/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	size_t got;
	FILE *f = fopen(path, "rb");

	buf_reset(b);
	if (!f)
		return -1;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, got)) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

static void gen_deep(struct buf *b, int n, const char *mid)
{
	int i;

	buf_reset(b);
	buf_puts(b, "<html><body>");
	for (i = 0; i < n; i++)
		buf_puts(b, "<div>");
	buf_puts(b, mid);
	for (i = 0; i < n; i++)
		buf_puts(b, "</div>");
	buf_puts(b, "</body></html>");
}

/* The hostile pages, made here. */
static void gen_page(const char *name, struct buf *b)
{
	int i;

	if (strcmp(name, "deep") == 0) {
		gen_deep(b, 100000, "<h1>lost</h1><a href=/x>x</a>");
	} else if (strcmp(name, "shallow") == 0) {
		gen_deep(b, 240, "<h1>deep down</h1>");
	} else if (strcmp(name, "many") == 0) {
		buf_reset(b);
		buf_puts(b, "<html><body><ul>");
		for (i = 0; i < 100000; i++)
			buf_printf(b, "<li class=\"i\"><a href=\"/i/%d\">%d</a></li>\n", i, i);
		buf_puts(b, "</ul></body></html>");
	} else if (strcmp(name, "big") == 0) {
		buf_reset(b);
		buf_puts(b, "<html><body><h1>big</h1><p>");
		while (b->len < (9u << 20) - 64)
			buf_puts(b, "filler filler filler filler filler filler filler\n");
		while (b->len < (9u << 20))
			buf_putc(b, 'x');
	}
}

/* The result as expect lines, into out. */
static void describe(const struct extract_result *r, int counted, struct buf *out)
{
	const char *s;
	char err[128];
	struct buf chk, chk2;

	buf_init(&chk, 16u << 20);
	buf_init(&chk2, 16u << 20);
	buf_reset(out);
	if (counted) {
		buf_printf(out, "items %u\n", r->nitems);
		if ((s = extract_first(&r->items)))
			buf_printf(out, "first {%s}\n", s);
	}
	for (s = extract_first(&r->items); s; s = extract_next(&r->items, s)) {
		buf_reset(&chk);
		buf_reset(&chk2);
		buf_printf(&chk, "{%s}", s);
		if (jsonld_compact(chk.data, chk.len, &chk2, err, sizeof(err)) != 0) {
			fprintf(stderr, "  not JSON (%s): {%s}\n", err, s);
			CHECK(0);
		}
		if (!counted)
			buf_printf(out, "item {%s}\n", s);
	}
	if (r->dropped)
		buf_printf(out, "dropped %u\n", r->dropped);
	if (r->cut)
		buf_printf(out, "cut %u\n", r->cut);
	if (r->jsonld_invalid)
		buf_printf(out, "jsonld_invalid %u\n", r->jsonld_invalid);
	if (r->nofollow)
		buf_puts(out, "nofollow\n");
	if (counted)
		buf_printf(out, "links %u\n", r->nlinks);
	else
		for (s = extract_first(&r->links); s; s = extract_next(&r->links, s))
			buf_printf(out, "link %s\n", s);
	if (r->links_dropped)
		buf_printf(out, "links_dropped %u\n", r->links_dropped);
	if (r->why[0])
		buf_printf(out, "why %s\n", r->why);
	buf_release(&chk);
	buf_release(&chk2);
}

static const char *const fixtures[] = {
	"product", "listing", "xpath", "badjsonld", "nofollow", "utf8", "nul",
	"deep", "shallow", "many", "big",
};

static void run_fixture(struct extractor *x, const char *name)
{
	struct buf page, want, got;
	struct rules rs;
	const struct rules_rule *rule;
	char path[256], url[256], err[512];

	buf_init(&page, 16u << 20);
	buf_init(&want, 1u << 20);
	buf_init(&got, 16u << 20);
	snprintf(path, sizeof(path), "data/extract/%s.yaml", name);
	CHECK_INT(rules_load(&rs, path, err, sizeof(err)), 0);
	if (rs.n == 0)
		fprintf(stderr, "  %s\n", err);
	snprintf(path, sizeof(path), "data/extract/%s.html", name);
	if (read_file(path, &page))
		gen_page(name, &page);
	snprintf(url, sizeof(url), "http://shop.test/extract/%s.html", name);
	rule = rules_match(&rs, url);
	CHECK(rule != NULL);
	snprintf(path, sizeof(path), "data/extract/%s.expect", name);
	CHECK_INT(read_file(path, &want), 0);
	if (rule) {
		const struct extract_result *r = extract_page(x, rule, page.data, page.len,
							      url, EXTRACT_LINKS);
		describe(r, strncmp(want.data, "items ", 6) == 0, &got);
		CHECK_STR(got.data, want.data);
		if (strcmp(got.data, want.data) != 0)
			fprintf(stderr, "  %s: got:\n%s", name, got.data);
		/* the same page again, without links, gives the same items */
		extract_page(x, rule, page.data, page.len, url, 0);
		CHECK_INT(x->res.nlinks, 0);
	}
	rules_release(&rs);
	buf_release(&page);
	buf_release(&want);
	buf_release(&got);
}

int main(int argc, char **argv)
{
	struct extractor x;
	size_t i;

	(void)argc;
	extract_init(&x);
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_fixture(&x, fixtures[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (getenv("TIMING"))
			fprintf(stderr, "%s: %.3f s\n", fixtures[i], (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	extract_release(&x);
	return check_report(argv[0]);
}
