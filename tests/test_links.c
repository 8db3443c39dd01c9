/*
 * test_links.c - links_extract() on the fixture pages in data/links/ and
 * on hostile documents built in memory.  Run from the repository root.
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/links.h"
#include "tests/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PAGE "http://site.test/dir/page.html"
#define N(a) (sizeof(a) / sizeof((a)[0]))

static char *read_file(const char *path, size_t *plen)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t n = 0, got;

	if (!f) {
		fprintf(stderr, "cannot open '%s' (run from the repository root)\n",
			path);
		return NULL;
	}
	for (;;) {
		s = xrealloc(s, n + 4096);
		got = fread(s + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	*plen = n;
	return s;
}

/* The URLs of l, in order, are exactly want[0..n). */
static void check_list(const char *what, const struct links *l,
		       const char *const *want, size_t n)
{
	const char *u;
	size_t i = 0;
	int bad = 0;

	CHECK_INT(l->count, n);
	for (u = links_first(l); u; u = links_next(l, u), i++) {
		if (i >= n) {
			fprintf(stderr, "%s: extra link '%s'\n", what, u);
			bad = 1;
			continue;
		}
		if (strcmp(u, want[i]) != 0) {
			fprintf(stderr, "%s: link %zu is '%s', want '%s'\n",
				what, i, u, want[i]);
			bad = 1;
		}
	}
	if (i < n) {
		fprintf(stderr, "%s: %zu links, want %zu\n", what, i, n);
		bad = 1;
	}
	CHECK(!bad);
}

static void check_fixture(struct links *l, const char *name, unsigned flags,
			  const char *const *want, size_t n, int nofollow)
{
	char path[256];
	size_t len = 0;
	char *html;

	snprintf(path, sizeof(path), "data/links/%s", name);
	html = read_file(path, &len);
	CHECK(html != NULL);
	if (!html)
		return;
	CHECK_INT(links_extract(l, html, len, PAGE, flags), 0);
	check_list(name, l, want, n);
	CHECK_INT(l->nofollow, nofollow);
	CHECK_INT(l->dropped, 0);
	CHECK_INT(l->truncated, 0);
	free(html);
}

static const char *const basic[] = {
	"http://site.test/dir/other.html",
	"http://site.test/root.html",
	"http://other.test/abs",
	"https://secure.test/x",
	"http://site.test/up/y.html",
	"http://site.test/dir/frag.html",
	"http://site.test/dir/page.html",
	"http://site.test/dir/search?q=a+b&lang=en",
	"http://site.test/dir/OTHER.html",
	"http://site.test/dir/spaced.html",
	"http://cdn.test/lib.js",
	"http://site.test/dir/~user/caf%C3%A9",
	"http://[::1]:8080/v6",
};

static const char *const base[] = {
	"http://site.test/dir/before.html",
	"http://site.test/other/x.html",
	"http://site.test/abs",
	"http://site.test/other/?q=1",
	"http://site.test/other/frame.html",
	"http://elsewhere.test/y",
};

/* rel=nofollow is followed by default: every link, in order, once */
static const char *const nofollow_kept[] = {
	"http://site.test/dir/a.html",
	"http://site.test/dir/b.html",
	"http://site.test/dir/c.html",
	"http://site.test/dir/d.html",
	"http://site.test/dir/e.html",
	"http://site.test/dir/f.html",
	"http://site.test/dir/g.html",
	"http://site.test/dir/h.html",
	"http://site.test/dir/i.html",
};

/* ... and with LINKS_OBEY_REL_NOFOLLOW */
static const char *const nofollow[] = {
	"http://site.test/dir/d.html",
	"http://site.test/dir/e.html",
	"http://site.test/dir/h.html",
	"http://site.test/dir/a.html",
	"http://site.test/dir/i.html",
};

static const char *const refresh[] = {
	"http://site.test/x",
	"http://site.test/dir/y.html",
	"http://site.test/dir/z.html?a=1",
	"http://other.test/direct",
	"http://site.test/dir/w.html",
};

static const char *const frames[] = {
	"http://site.test/dir/left.html",
	"http://site.test/dir/right.html",
	"https://embed.test/video?id=1",
	"http://site.test/dir/map1.html",
};

static const char *const broken[] = {
	"http://site.test/dir/one.html",
	"http://site.test/dir/two.html",
	"http://site.test/dir/three.html",
	"http://site.test/dir/four.html",
	"http://site.test/dir/caf%C3%A9.html",
	"http://site.test/dir/five.html",
	"http://site.test/dir/six.html",
	/* "se\0ven.html" and "eig\0ht.html" are dropped, not cut short;
	 * nothing is taken from <script> or <style>. */
	"http://site.test/dir/nine.html",
	/* An unclosed quote runs on to the next one, as in browsers. */
	"http://site.test/dir/ten.html%3Ca%20href=",
};

static const char *const uppercase[] = {
	"http://site.test/dir/Refresh.html",
	"http://site.test/dir/Upper.html",
	"http://site.test/dir/Skip.html",
	"http://site.test/dir/Area.html",
	"http://site.test/dir/IFrame.html",
	"http://site.test/Base/After.html",
};

/* REL="NOFOLLOW" obeyed */
static const char *const uppercase_obey[] = {
	"http://site.test/dir/Refresh.html",
	"http://site.test/dir/Upper.html",
	"http://site.test/dir/Area.html",
	"http://site.test/dir/IFrame.html",
	"http://site.test/Base/After.html",
};

static void test_fixtures(void)
{
	struct links l;

	links_init(&l, 0);
	check_fixture(&l, "basic.html", 0, basic, N(basic), 0);
	check_fixture(&l, "base.html", 0, base, N(base), 0);
	check_fixture(&l, "nofollow.html", 0, nofollow_kept, N(nofollow_kept), 0);
	check_fixture(&l, "nofollow.html", LINKS_OBEY_REL_NOFOLLOW, nofollow,
		      N(nofollow), 0);
	check_fixture(&l, "meta-nofollow.html", LINKS_OBEY_REL_NOFOLLOW, NULL, 0, 1);
	check_fixture(&l, "meta-nofollow.html", 0, NULL, 0, 1);
	check_fixture(&l, "refresh.html", 0, refresh, N(refresh), 0);
	check_fixture(&l, "frames.html", 0, frames, N(frames), 0);
	check_fixture(&l, "broken.html", 0, broken, N(broken), 0);
	check_fixture(&l, "uppercase.html", 0, uppercase, N(uppercase), 0);
	check_fixture(&l, "uppercase.html", LINKS_OBEY_REL_NOFOLLOW, uppercase_obey,
		      N(uppercase_obey), 0);
	links_release(&l);
}

static void extract(struct links *l, const char *html, size_t len)
{
	CHECK_INT(links_extract(l, html, len, PAGE, 0), 0);
}

/* Small documents, each with the URLs expected from it (at most 4). */
struct mem_case {
	const char *html;
	size_t len;
	int nofollow;
	const char *want[4];
};

/* A string literal and its length, NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static const struct mem_case mem_cases[] = {
	/* A bad first <base> is used up: the page URL stays the base. */
	{ LIT("<base href='mailto:x@a.test'><base href='http://b.test/'>"
	      "<a href=y>"), 0, { "http://site.test/dir/y" } },
	{ LIT("<base><base href='/b/'><a href=y>"), 0,
	  { "http://site.test/b/y" } },
	{ LIT("<meta name=robots content=none><a href=x>"), 1, { NULL } },
	{ LIT("<meta name=ROBOTS content='noindex,nofollow'>"), 1, { NULL } },
	{ LIT("<meta name=robots content=noindex><a href=x>"), 0,
	  { "http://site.test/dir/x" } },
	{ LIT("<meta name=robots content=nofollowing><a href=x>"), 0,
	  { "http://site.test/dir/x" } },
	{ LIT("<meta name=googlebot content=nofollow><a href=x>"), 0,
	  { "http://site.test/dir/x" } },
	{ LIT("<a href='x.html'>\0<a href=y.html>"), 0,
	  { "http://site.test/dir/x.html", "http://site.test/dir/y.html" } },
	{ LIT("<p\0><a href=y.html><a href=\"z\0\">"), 0,
	  { "http://site.test/dir/y.html" } },
	/* UTF-8 without a declared charset is read as UTF-8. */
	{ LIT("<p>caf\xc3\xa9</p><a href=\"\xc3\xa9t\xc3\xa9\">"), 0,
	  { "http://site.test/dir/%C3%A9t%C3%A9" } },
	{ LIT("<meta charset=windows-1252><a href=\"caf\xe9\">"), 0,
	  { "http://site.test/dir/caf%C3%A9" } },
	/* UTF-16 with a byte order mark: its NULs are not NUL bytes. */
	{ LIT("\xff\xfe<\0a\0 \0h\0r\0e\0f\0=\0u\0>\0"), 0,
	  { "http://site.test/dir/u" } },
	{ LIT("\xef\xbb\xbf<a href=bom>"), 0, { "http://site.test/dir/bom" } },
	{ LIT("<a href=a><A HREF=A><a href=./a><a href=#x>"), 0,
	  { "http://site.test/dir/a", "http://site.test/dir/A",
	    "http://site.test/dir/page.html" } },
	{ LIT("<a href='http://a.test/&#x41;&amp;&lt;'>"), 0,
	  { "http://a.test/A&%3C" } },
	{ LIT("<svg><a xlink:href=/svg href=/svg2></a></svg>"), 0,
	  { "http://site.test/svg2" } },
	{ LIT("<a href=x href=y>"), 0, { "http://site.test/dir/x" } },
	{ LIT("<a href>x</a><a href=''><frame><iframe src>"), 0,
	  { "http://site.test/dir/page.html" } },
	{ LIT("\n \t "), 0, { NULL } },
	{ LIT("<a href=\"javascript:x()\"><a href=\"http://\">"
	      "<a href=\"//\">"), 0, { NULL } },
};

static void test_mem(void)
{
	struct links l;
	size_t i, k;

	links_init(&l, 0);
	for (i = 0; i < N(mem_cases); i++) {
		const struct mem_case *c = &mem_cases[i];
		char what[32];

		for (k = 0; k < 4 && c->want[k]; k++)
			;
		snprintf(what, sizeof(what), "mem case %zu", i);
		extract(&l, c->html, c->len);
		check_list(what, &l, c->want, k);
		CHECK_INT(l.nofollow, c->nofollow);
	}
	links_release(&l);
}

/* Links given before meta robots nofollow are taken back, as is the
 * truncation they caused. */
static void test_nofollow_late(void)
{
	static const char html[] =
		"<a href=a><a href=b><a href=c>"
		"<meta name='robots' content='NoFollow'><a href=d>";
	struct links l;

	links_init(&l, 1);
	extract(&l, html, strlen(html));
	CHECK_INT(l.count, 0);
	CHECK_INT(l.dropped, 0);
	CHECK_INT(l.truncated, 0);
	CHECK_INT(l.nofollow, 1);
	CHECK(links_first(&l) == NULL);
	/* The next page starts afresh. */
	extract(&l, "<a href=e>", 10);
	CHECK_INT(l.nofollow, 0);
	CHECK_INT(l.count, 1);
	CHECK_STR(links_first(&l), "http://site.test/dir/e");
	links_release(&l);
}

static void test_cap(void)
{
	struct buf b;
	struct links l;
	const char *u, *last = NULL;
	size_t i, n = 0;

	buf_init(&b, SC_PARSE_MAX);
	for (i = 0; i < 30000; i++)
		buf_printf(&b, "<a href=\"/p%zu\">%zu</a>\n", i, i);
	links_init(&l, 1000);
	extract(&l, b.data, b.len);
	CHECK_INT(l.count, 1000);
	CHECK_INT(l.dropped, 29000);
	CHECK_INT(l.truncated, 1);
	for (u = links_first(&l); u; u = links_next(&l, u)) {
		last = u;
		n++;
	}
	CHECK_INT(n, 1000);
	CHECK_STR(links_first(&l), "http://site.test/p0");
	CHECK_STR(last, "http://site.test/p999");

	/* A repeat of a kept link past the cap is not dropped, a new one is. */
	links_release(&l);
	links_init(&l, 2);
	extract(&l, LIT("<a href=a><a href=b><a href=a><a href=c><a href=b>"));
	CHECK_INT(l.count, 2);
	CHECK_INT(l.dropped, 1);
	CHECK_INT(l.truncated, 1);

	/* 0 means SC_LINKS_MAX; past SC_SITEMAP_URLS_MAX means that */
	links_release(&l);
	links_init(&l, 0);
	CHECK_INT(l.max, SC_LINKS_MAX);
	extract(&l, b.data, b.len);
	CHECK_INT(l.count, SC_LINKS_MAX);
	CHECK_INT(l.dropped, 30000 - SC_LINKS_MAX);
	links_release(&l);
	links_init(&l, SC_SITEMAP_URLS_MAX + 1);
	CHECK_INT(l.max, SC_SITEMAP_URLS_MAX);
	links_release(&l);
	buf_release(&b);
}

/* 100,000 nested elements: no recursion, no tree, and links before, inside
 * and after the nesting all come out. */
static void test_deep(void)
{
	static const char *const want[] = {
		"http://site.test/dir/in.html",
		"http://site.test/dir/after.html",
		"http://site.test/dir/stray.html",
	};
	struct buf b;
	struct links l;
	size_t i;

	buf_init(&b, SC_PARSE_MAX);
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "<div>");
	buf_puts(&b, "<a href=in.html>in</a>");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "</div>");
	buf_puts(&b, "<a href=after.html>after</a>");
	/* Deep again, then stray end tags: each one makes libxml2 scan its
	 * stack of open elements, which must therefore stay short. */
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "<span>");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "</x>");
	buf_puts(&b, "<a href=stray.html>");
	links_init(&l, 0);
	extract(&l, b.data, b.len);
	check_list("deep", &l, want, N(want));
	links_release(&l);
	buf_release(&b);
}

/* One tag with 100,000 attributes (libxml2 compares each new attribute
 * with all earlier ones): cut short, the rest of the page still read. */
static void test_attrs(void)
{
	static const char *const want[] = {
		"http://site.test/dir/first.html",
		"http://site.test/dir/after.html",
	};
	struct buf b;
	struct links l;
	size_t i;

	buf_init(&b, SC_PARSE_MAX);
	buf_puts(&b, "<a href=first.html ");
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "x%zu=1 ", i);
	buf_puts(&b, ">x</a><a href=after.html>");
	links_init(&l, 0);
	extract(&l, b.data, b.len);
	check_list("attrs", &l, want, N(want));
	links_release(&l);
	buf_release(&b);
}

static void test_binary(void)
{
	size_t n = 1u << 20, i;
	unsigned char *junk = xmalloc(n);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct links l;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		junk[i] = (unsigned char)(x >> 24);
	}
	links_init(&l, 0);
	CHECK_INT(links_extract(&l, (const char *)junk, n, PAGE, 0), 0);
	/* The same with a '<' in every 16 bytes, to reach the tag code. */
	for (i = 0; i < n; i += 16)
		junk[i] = '<';
	CHECK_INT(links_extract(&l, (const char *)junk, n, PAGE, 0), 0);
	links_release(&l);
	free(junk);
}

static void test_lifecycle(void)
{
	struct links l;
	size_t alloc;

	links_init(&l, 10);
	CHECK(links_first(&l) == NULL);
	CHECK_INT(links_extract(&l, "", 0, PAGE, 0), 0);
	CHECK_INT(l.count, 0);
	CHECK(links_first(&l) == NULL);
	CHECK_INT(links_extract(&l, NULL, 0, PAGE, 0), 0);
	CHECK_INT(l.count, 0);

	extract(&l, "<a href=a><a href=b>", 20);
	CHECK_INT(l.count, 2);
	alloc = l.urls.alloc;
	CHECK(alloc > 0);
	/* The page URL must parse; l is left empty when it does not. */
	CHECK_INT(links_extract(&l, "<a href=a>", 10, "not a url", 0), SC_EINVAL);
	CHECK_INT(l.count, 0);
	CHECK(links_first(&l) == NULL);
	CHECK_INT(links_extract(&l, "<a href=a>", 10, "mailto:x@a.test", 0),
		  SC_EINVAL);
	/* Storage is kept across pages. */
	extract(&l, "<a href=c>", 10);
	CHECK_INT(l.count, 1);
	CHECK_STR(links_first(&l), "http://site.test/dir/c");
	CHECK(links_next(&l, links_first(&l)) == NULL);
	CHECK_INT(l.urls.alloc, alloc);
	links_reset(&l);
	CHECK_INT(l.count, 0);
	CHECK_INT(l.urls.alloc, alloc);
	CHECK(links_first(&l) == NULL);
	/* The same page twice gives the same links (the dedup table was
	 * emptied in between). */
	extract(&l, "<a href=a><a href=b>", 20);
	CHECK_INT(l.count, 2);
	extract(&l, "<a href=a><a href=b>", 20);
	CHECK_INT(l.count, 2);
	links_release(&l);
	CHECK_INT(l.count, 0);
	links_release(&l);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_fixtures();
	test_mem();
	test_nofollow_late();
	test_cap();
	test_deep();
	test_attrs();
	test_binary();
	test_lifecycle();
	return check_report(argv[0]);
}
