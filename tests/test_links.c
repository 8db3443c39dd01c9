/*
 * test_links.c - links_extract() on the fixture pages in data/links/ and
 * on hostile documents built in memory.  Run from the repository root.
 */
#include "common/css.h"
#include "common/embed.h"
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
	/* four.html is not a link: the quote in </x y="z> runs on to the
	 * one after href=, and the end tag takes the <a> in (as in browsers) */
	"http://site.test/dir/caf%C3%A9.html",
	"http://site.test/dir/five.html",
	"http://site.test/dir/six.html",
	/* A NUL byte in a value is U+FFFD, as a browser reads it; nothing is
	 * taken from <script> or <style>. */
	"http://site.test/dir/se%EF%BF%BDven.html",
	"http://site.test/dir/eig%EF%BF%BDht.html",
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
	  { "http://site.test/dir/y.html", "http://site.test/dir/z%EF%BF%BD" } },
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

/* ---- page requisites: the CSS scanner, srcset, the elements ---- */

/* What a scan gave, joined with '|', imports marked with '@'. */
struct joined {
	char s[4096];
	size_t n;
};

static void join(struct joined *j, const char *ref, size_t n, int import)
{
	int k = snprintf(j->s + j->n, sizeof(j->s) - j->n, "%s%s%.*s",
			 j->n ? "|" : "", import ? "@" : "", (int)n, ref);

	if (k > 0 && (size_t)k < sizeof(j->s) - j->n)
		j->n += (size_t)k;
}

static void join_css(void *arg, const char *ref, int import)
{
	join(arg, ref, strlen(ref), import);
}

static void join_srcset(void *arg, const char *url, size_t n)
{
	join(arg, url, n, 0);
}

static const struct { const char *css, *want; } css_cases[] = {
	{ "a{background:url(x.png)}", "x.png" },
	{ "a{background:URL( \"x y.png\" ) no-repeat}", "x y.png" },
	{ "a{b:url('q\\'s.png')}", "q's.png" },
	{ "a{b:url(  sp.png  )}", "sp.png" },
	{ "@import 'a.css'; @import url(b.css) screen; @IMPORT \"c.css\";",
	  "@a.css|@b.css|@c.css" },
	{ "@import/**/'d.css';", "@d.css" },
	{ "@importer 'no.css'; @charset \"utf-8\";", "" },
	{ "/* url(c.png) */ a{content:\"url(s.png)\"} b{c:url(y.png)}", "y.png" },
	{ "a{b:myurl(no.png); c:url(yes.png)}", "yes.png" },
	{ "a{b:url(\\41 b.png)} c{d:url('\\000041x')}", "Ab.png|Ax" },
	{ "a{b:url(\\0)} c{d:url(\\d800)}", "\xef\xbf\xbd|\xef\xbf\xbd" },
	{ "a{b:url(bad\"q.png) c:url(bad(p.png) d:url(ok.png)}", "ok.png" },
	{ "a{b:url(x y.png) c:url(ok2.png)}", "ok2.png" },
	{ "a{b:url()} c{d:url('')} e{f:url(e.png)}", "e.png" },
	{ "a{b:'multi\\\nline'} c{d:url('li\\\nne.png')}", "line.png" },
	/* a newline ends a string (a bad one), the scan goes on */
	{ "a{b:'bad\nstring} c{d:url(after.png)}", "after.png" },
	{ "a{b:u\\rl(esc.png)} c{d:url(z.png)}", "z.png" },
	/* unterminated: what came before is kept, the scan ends */
	{ "a{b:url(one.png)} /* never closed url(two.png)", "one.png" },
	{ "a{b:url(one.png)} c{d:'never closed url(two.png)", "one.png" },
	{ "a{b:url(one.png)} c{d:url('open", "one.png" },
	{ "a{b:url(one.png)} c{d:url(open", "one.png" },
	{ "@import", "" },
	{ "", "" },
};

static void test_css(void)
{
	size_t i;

	for (i = 0; i < N(css_cases); i++) {
		struct joined j = { "", 0 };

		css_scan(css_cases[i].css, strlen(css_cases[i].css), 100, join_css, &j);
		if (strcmp(j.s, css_cases[i].want) != 0)
			fprintf(stderr, "css case %zu: '%s'\n", i, css_cases[i].css);
		CHECK_STR(j.s, css_cases[i].want);
	}
}

/* Hostile stylesheets: caps on references, sizes and bytes read. */
static void test_css_caps(void)
{
	size_t n = SC_CSS_MAX + 4096, i, got;
	char *big = xmalloc(n);
	struct joined j = { "", 0 };

	/* a reference longer than SC_URL_MAX is skipped, the next one kept */
	memcpy(big, "a{b:url(", 8);
	memset(big + 8, 'x', SC_URL_MAX + 10);
	memcpy(big + 8 + SC_URL_MAX + 10, ") c:url(k.png)}", 15);
	css_scan(big, 8 + SC_URL_MAX + 25, 10, join_css, &j);
	CHECK_STR(j.s, "k.png");

	/* max references, and nothing past SC_CSS_MAX bytes */
	for (i = 0; i + 9 <= n; i += 9)
		memcpy(big + i, "url(a.b) ", 9);
	CHECK_INT(css_scan(big, n, 5, join_css, &j), 5);
	got = css_scan(big, n, SIZE_MAX, join_css, &j);
	CHECK_INT(got, (SC_CSS_MAX + 1) / 9);

	/* a NUL inside a reference drops it */
	j.n = 0;
	j.s[0] = '\0';
	css_scan("url(a\0b) url(c)", 16, 10, join_css, &j);
	CHECK_STR(j.s, "c");

	/* one huge unterminated comment or string: linear, nothing given */
	big[0] = '/';
	big[1] = '*';
	memset(big + 2, 'u', n - 2);
	CHECK_INT(css_scan(big, n, 10, join_css, &j), 0);
	big[0] = '"';
	CHECK_INT(css_scan(big, n, 10, join_css, &j), 0);
	free(big);
}

static const struct { const char *srcset, *want; } srcset_cases[] = {
	{ "a.png", "a.png" },
	{ "a.png 1x, b.png 2x", "a.png|b.png" },
	{ "a.png 100w,b.png 200w", "a.png|b.png" },
	/* a URL runs to white space: commas inside it are its own */
	{ "  ,, a.png,b.png 2x ,c.png", "a.png,b.png|c.png" },
	{ "a.png,, b.png", "a.png|b.png" },
	{ "data:image/png;base64,AAAA 1x, c.png 2x", "data:image/png;base64,AAAA|c.png" },
	{ "a.png (min-width: 1px, x) 1x, b.png", "a.png|b.png" },
	{ "a.png 1x (unclosed, b.png", "a.png" },
	{ "", "" },
	{ " , ", "" },
};

static void test_srcset(void)
{
	char many[SC_SRCSET_MAX * 8 + 128];
	size_t i, k = 0;

	for (i = 0; i < N(srcset_cases); i++) {
		struct joined j = { "", 0 };

		embed_srcset(srcset_cases[i].srcset, 10, join_srcset, &j);
		CHECK_STR(j.s, srcset_cases[i].want);
	}
	/* capped */
	for (i = 0; i < SC_SRCSET_MAX + 10; i++)
		k += (size_t)snprintf(many + k, sizeof(many) - k, "%zu 1x,", i % 10);
	{
		struct joined j = { "", 0 };
		CHECK_INT(embed_srcset(many, SC_SRCSET_MAX, join_srcset, &j), SC_SRCSET_MAX);
	}
	CHECK_INT(embed_srcset(NULL, 10, join_srcset, NULL), 0);
}

/* The requisites of a page, and its links, kept apart. */
static void test_requisites(void)
{
	static const char html[] =
		"<html><head><base href='/b/'>"
		"<link rel=stylesheet href=s.css><link rel='Shortcut Icon' href=/i.ico>"
		"<link rel=alternate href=alt.html><link rel=preload href=f.woff2>"
		"<link rel=manifest href=m.json><link rel=apple-touch-icon href=t.png>"
		"<style>@import 'imp.css'; a{b:url(st.png)}</style>"
		"<script src=app.js></script><script>x='<img src=no.png>'</script>"
		"</head><body style='background:url(body.png)'>"
		"<img src=a.png srcset='a2.png 2x, a3.png 3x'>"
		"<picture><source srcset='p.webp'><img src=p.png></picture>"
		"<object data=o.svg></object><embed src=e.swf>"
		"<video src=v.mp4 poster=v.png><track src=t.vtt></video>"
		"<audio src=a.ogg></audio><input type=IMAGE src=in.png>"
		"<input type=text src=no2.png><iframe src=frame.html></iframe>"
		"<a href=link.html><img src=a.png></a><!-- <img src=no3.png> -->"
		"</body></html>";
	static const char *const want_reqs[] = {
		"http://site.test/b/s.css", "http://site.test/i.ico",
		"http://site.test/b/f.woff2", "http://site.test/b/m.json",
		"http://site.test/b/t.png", "http://site.test/b/app.js",
		"http://site.test/b/body.png", "http://site.test/b/a.png",
		"http://site.test/b/a2.png", "http://site.test/b/a3.png",
		"http://site.test/b/p.webp", "http://site.test/b/p.png",
		"http://site.test/b/o.svg", "http://site.test/b/e.swf",
		"http://site.test/b/v.mp4", "http://site.test/b/v.png",
		"http://site.test/b/t.vtt", "http://site.test/b/a.ogg",
		"http://site.test/b/in.png", "http://site.test/b/imp.css",
		"http://site.test/b/st.png",
	};
	static const char *const want_links[] = {
		"http://site.test/b/frame.html", "http://site.test/b/link.html",
	};
	struct links l, r;
	const char *u;
	size_t i = 0;

	links_init(&l, 0);
	CHECK_INT(links_extract(&l, html, sizeof(html) - 1, PAGE, LINKS_REQUISITES), 0);
	check_list("links", &l, want_links, N(want_links));
	CHECK_INT(l.nreqs, N(want_reqs));
	for (u = links_req_first(&l); u; u = links_req_next(&l, u), i++)
		if (i < N(want_reqs))
			CHECK_STR(u, want_reqs[i]);
	/* without the flag: links only */
	CHECK_INT(links_extract(&l, html, sizeof(html) - 1, PAGE, 0), 0);
	CHECK_INT(l.nreqs, 0);
	CHECK_INT(l.count, N(want_links));
	/* meta nofollow drops the links, not the requisites */
	CHECK_INT(links_extract(&l, LIT("<a href=x><meta name=robots content=nofollow>"
					"<img src=i.png><a href=y>"), PAGE, LINKS_REQUISITES), 0);
	CHECK(l.nofollow && l.count == 0 && l.nreqs == 1);
	/* a stylesheet, resolved against its own URL */
	CHECK_INT(links_extract_css(&l, LIT("@import 'x.css'; a{b:url(../i.png)} c{d:url(i.png)}"),
				    "http://site.test/css/s.css"), 0);
	CHECK_INT(l.nreqs, 3);
	CHECK_STR(links_req_first(&l), "http://site.test/css/x.css");
	CHECK_INT(l.count, 0);
	CHECK_INT(links_extract_css(&l, LIT("a{}"), "mailto:x"), SC_EINVAL);
	/* capped: at most max (here 3) requisites, the rest counted */
	links_init(&r, 3);
	CHECK_INT(links_extract(&r, html, sizeof(html) - 1, PAGE, LINKS_REQUISITES), 0);
	CHECK_INT(r.nreqs, 3);
	CHECK(r.reqs_dropped > 0 && r.truncated);
	links_release(&r);
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
	test_css();
	test_css_caps();
	test_srcset();
	test_requisites();
	return check_report(argv[0]);
}
