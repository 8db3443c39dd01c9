/*
 * test_htmltok.c - the HTML tokenizer (common/htmltok.h), character
 * references (common/htmlent.h), encodings (common/charset.h), and the
 * links that come out of the tokenizer's corpus in data/htmltok/.
 * tests/htmltok/diff.mjs holds the tokenizer against parse5 on thousands of
 * documents; this file pins the cases by name, and the hostile sizes.
 */
#include "common/buf.h"
#include "common/charset.h"
#include "common/err.h"
#include "common/htmlent.h"
#include "common/htmltok.h"
#include "common/limits.h"
#include "common/links.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

#define PAGE "http://site.test/dir/page.html"
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LIT(s) s, sizeof(s) - 1

/* The start tags of a document, as "name a=v b=w|name|...". */
struct seen {
	struct buf out;
	size_t tags;
	size_t attrs_max;       /* most attributes on one tag */
	size_t stop_after;      /* stop the scan after this many tags (0: never) */
};

static int seen_start(void *arg, const char *name, const char *const *atts)
{
	struct seen *s = arg;
	size_t n = 0;

	if (s->out.len)
		buf_putc(&s->out, '|');
	buf_puts(&s->out, name);
	for (; atts[0]; atts += 2, n++)
		buf_printf(&s->out, " %s=%s", atts[0], atts[1]);
	if (n > s->attrs_max)
		s->attrs_max = n;
	s->tags++;
	return s->stop_after && s->tags >= s->stop_after;
}

static const struct htmltok_ops seen_ops = { seen_start, NULL, NULL };

static void tokens(struct htmltok *t, struct seen *s, const char *doc, size_t len)
{
	buf_reset(&s->out);
	s->tags = 0;
	s->attrs_max = 0;
	htmltok_run(t, doc, len, &seen_ops, s);
}

struct tok_case {
	const char *doc;
	size_t len;
	const char *want;
};

static const struct tok_case tok_cases[] = {
	{ LIT("<A HREF=x Rel='a b'>"), "a href=x rel=a b" },
	{ LIT("<a href=x href=y HREF=z>"), "a href=x" },
	{ LIT("<a href>"), "a href=" },
	{ LIT("<a =x>"), "a =x=" },
	{ LIT("<a href=\"a>b\" c='d\"e'>"), "a href=a>b c=d\"e" },
	{ LIT("<a href=x/>"), "a href=x/" },
	{ LIT("<a href=x />"), "a href=x" },
	{ LIT("<a/b/c>"), "a b= c=" },
	{ LIT("<a href=\"x\"y=z>"), "a href=x y=z" },
	{ LIT("<a href=\"cut"), "" },
	{ LIT("<a href=cut"), "" },
	{ LIT("<a"), "" },
	{ LIT("<a>"), "a" },
	{ LIT("< a><1a><a1>"), "a1" },
	{ LIT("<image src=i>"), "img src=i" },
	{ LIT("<svg><image href=i></svg><image>"), "svg|image href=i|img" },
	{ LIT("<!-- <a> --><b>"), "b" },
	{ LIT("<!--><b><!---><i>"), "b|i" },
	{ LIT("<!-- --!><b>"), "b" },
	{ LIT("<!-- -- ><a> --><b>"), "b" },
	{ LIT("<!x <a><b>"), "b" },
	{ LIT("<?x <a><b>"), "b" },
	{ LIT("</x a='>'><b>"), "b" },
	{ LIT("</ x><b></><i>"), "b|i" },
	{ LIT("<script><a></script><b>"), "script|b" },
	{ LIT("<script><!--<script></script><a></script>--></script><b>"), "script|b" },
	{ LIT("<script><!--></script><b>"), "script|b" },
	{ LIT("<script></scriptx><a></script ><b>"), "script|b" },
	{ LIT("<style><a></style><b>"), "style|b" },
	{ LIT("<title><a></title><textarea><i></textarea><b>"), "title|textarea|b" },
	{ LIT("<xmp><a></xmp><iframe><i></iframe><b>"), "xmp|iframe|b" },
	{ LIT("<noscript><a></noscript><noframes><i></noframes>"), "noscript|a|noframes|i" },
	{ LIT("<plaintext><a></plaintext><b>"), "plaintext" },
	{ LIT("<svg><style><a></style></svg><style><i></style>"), "svg|style|a|style" },
	{ LIT("<svg><desc><style><a></style></desc><style><i></style>"),
	  "svg|desc|style|style|i" },
	{ LIT("<svg/><style><a></style>"), "svg|style" },
	{ LIT("<svg><p><style><a></style>"), "svg|p|style" },
	{ LIT("<svg><![CDATA[<a>]]><b></svg><![CDATA[<i>]]>"), "svg|b" },
	{ LIT("<math><annotation-xml encoding=TEXT/HTML><style><a></style>"),
	  "math|annotation-xml encoding=TEXT/HTML|style" },
	{ LIT("<math><annotation-xml><style><a></style>"),
	  "math|annotation-xml|style|a" },
	{ LIT("<a\0b c\0d=e\0f>"), "a\xef\xbf\xbd" "b c\xef\xbf\xbd" "d=e\xef\xbf\xbd" "f" },
	{ LIT("<a href=\"a\r\nb\rc\">"), "a href=a\nb\nc" },
	{ LIT("<a\rhref=x\r>"), "a href=x" },
	{ LIT("<a t=\"&amp;&lt&gt;&quot;&apos;\">"), "a t=&<>\"'" },
	{ LIT("<a t=\"&copy=&copyx&copy;&copy \">"), "a t=&copy=&copyx\xc2\xa9\xc2\xa9 " },
	{ LIT("<a t=&notit;&notin;&not>"), "a t=&notit;\xe2\x88\x89\xc2\xac" },
	{ LIT("<a t='&#65;&#x42&#X43;&#x;&#;&#'>"), "a t=ABC&#x;&#;&#" },
	{ LIT("<a t='&#0;&#xd800;&#x110000;&#x80;&#x81;'>"),
	  "a t=\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\xc2\x81" },
	{ LIT("<a t='&NotEqualTilde;&unknown;&;&'>"), "a t=\xe2\x89\x82\xcc\xb8&unknown;&;&" },
};

static void test_tokens(void)
{
	struct htmltok t;
	struct seen s;
	size_t i;

	htmltok_init(&t);
	buf_init(&s.out, 1 << 20);
	s.stop_after = 0;
	for (i = 0; i < N(tok_cases); i++) {
		tokens(&t, &s, tok_cases[i].doc, tok_cases[i].len);
		if (strcmp(s.out.data, tok_cases[i].want) != 0)
			fprintf(stderr, "token case %zu: got '%s'\n", i, s.out.data);
		CHECK_STR(s.out.data, tok_cases[i].want);
	}
	/* a start callback that says stop ends the scan */
	s.stop_after = 2;
	CHECK_INT(htmltok_run(&t, LIT("<a><b><i>"), &seen_ops, &s), 1);
	CHECK_INT(s.tags, 2);
	buf_release(&s.out);
	htmltok_release(&t);
}

/* Hostile sizes: each is read in one linear pass, within the caps. */
static void test_hostile(void)
{
	struct htmltok t;
	struct seen s;
	struct buf b;
	size_t i;

	htmltok_init(&t);
	buf_init(&s.out, SC_PARSE_MAX * 4);
	buf_init(&b, SC_PARSE_MAX);
	s.stop_after = 0;

	/* 100,000 attributes on one tag: the first 256 kept */
	buf_puts(&b, "<a ");
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "x%zu=1 ", i);
	buf_puts(&b, "><b>");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.tags, 2);
	CHECK_INT(s.attrs_max, HTMLTOK_ATTR_MAX);

	/* 100,000 times the same attribute: one kept */
	buf_reset(&b);
	buf_puts(&b, "<a ");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "x=1 ");
	buf_puts(&b, ">");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.attrs_max, 1);

	/* 200,000 nested svg and math elements, then HTML again */
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "<svg><math>");
	for (i = 0; i < 200000; i++)
		buf_puts(&b, i % 2 ? "</svg>" : "</math>");
	buf_puts(&b, "<style><a></style><b>");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.tags, 200002);

	/* one value of 8 MB of NUL bytes (24 MB decoded: past the cap, so
	 * left out) and one of 1 MB of references */
	buf_reset(&b);
	buf_puts(&b, "<a x=\"");
	for (i = 0; i < 8000000; i++)
		buf_putc(&b, '\0');
	buf_puts(&b, "\" y=1><b t='");
	for (i = 0; i < 200000; i++)
		buf_puts(&b, "&amp;");
	buf_puts(&b, "'>");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.tags, 2);
	CHECK(strncmp(s.out.data, "a y=1|b t=&&&", 13) == 0);
	CHECK_INT(s.out.len, strlen("a y=1|b t=") + 200000);

	/* 1 MB of "<a" and of "<!--" with no end: nothing, quickly */
	buf_reset(&b);
	for (i = 0; i < 500000; i++)
		buf_puts(&b, "<a");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.tags, 0);
	buf_reset(&b);
	buf_puts(&b, "<script><!--<script>");
	for (i = 0; i < 250000; i++)
		buf_puts(&b, "<!--");
	tokens(&t, &s, b.data, b.len);
	CHECK_INT(s.tags, 1);

	buf_release(&b);
	buf_release(&s.out);
	htmltok_release(&t);
}

static void test_entities(void)
{
	char out[HTMLENT_OUT_MAX + 1];
	size_t n = 0;

	CHECK_INT(htmlent_attr(LIT("&amp;x"), out, &n), 5);
	CHECK_INT(n, 1);
	CHECK_INT(htmlent_attr(LIT("&AElig"), out, &n), 6);
	CHECK(n == 2 && memcmp(out, "\xc3\x86", 2) == 0);
	CHECK_INT(htmlent_attr(LIT("&zwnj;"), out, &n), 6);
	CHECK(n == 3 && memcmp(out, "\xe2\x80\x8c", 3) == 0);
	CHECK_INT(htmlent_attr(LIT("&CounterClockwiseContourIntegral;"), out, &n), 33);
	CHECK_INT(htmlent_attr(LIT("&zwnj"), out, &n), 0);     /* not legacy */
	CHECK_INT(htmlent_attr(LIT("&amp="), out, &n), 0);
	CHECK_INT(htmlent_attr(LIT("&ampx"), out, &n), 0);
	CHECK_INT(htmlent_attr(LIT("&"), out, &n), 0);
	CHECK_INT(htmlent_attr(LIT("&#x10FFFF;"), out, &n), 10);
	CHECK(n == 4 && memcmp(out, "\xf4\x8f\xbf\xbf", 4) == 0);
	CHECK_INT(htmlent_attr(LIT("&#99999999999999999999"), out, &n), 22);
	CHECK(n == 3 && memcmp(out, "\xef\xbf\xbd", 3) == 0);
}

static void test_charsets(void)
{
	char name[CHARSET_NAME_MAX];
	struct buf b;

	CHECK_INT(charset_name(LIT(" UTF8 "), name), 0);
	CHECK_STR(name, "");
	CHECK_INT(charset_name(LIT("utf-16le"), name), 0);
	CHECK_STR(name, "");
	CHECK_INT(charset_name(LIT("ISO-8859-1"), name), 0);
	CHECK_STR(name, "WINDOWS-1252");
	CHECK_INT(charset_name(LIT("us-ascii"), name), 0);
	CHECK_STR(name, "WINDOWS-1252");
	CHECK_INT(charset_name(LIT("gb2312"), name), 0);
	CHECK_STR(name, "GBK");
	CHECK_INT(charset_name(LIT("Shift_JIS"), name), 0);
	CHECK_STR(name, "Shift_JIS");
	CHECK_INT(charset_name(LIT("  "), name), -1);

	buf_init(&b, 64);
	CHECK_INT(charset_to_utf8("WINDOWS-1252", LIT("caf\xe9 \x80\x81"), &b), 0);
	CHECK_STR(b.data, "caf\xc3\xa9 \xe2\x82\xac\xc2\x81");
	CHECK_INT(charset_to_utf8("Shift_JIS", LIT("\x93\xfa\x96\x7b"), &b), 0);
	CHECK_STR(b.data, "\xe6\x97\xa5\xe6\x9c\xac");
	/* a byte that does not convert is U+FFFD; the cap cuts the rest */
	CHECK_INT(charset_to_utf8("EUC-JP", LIT("a\xff" "b"), &b), 0);
	CHECK_STR(b.data, "a\xef\xbf\xbd" "b");
	CHECK_INT(charset_to_utf8("no-such-charset", LIT("x"), &b), -1);
	buf_release(&b);
	buf_init(&b, 10);
	CHECK_INT(charset_to_utf8("WINDOWS-1252", LIT("\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"), &b), 0);
	CHECK(b.len <= 10);
	buf_release(&b);

	CHECK(charset_utf8_valid(LIT("caf\xc3\xa9")));
	CHECK(!charset_utf8_valid(LIT("caf\xe9")));
	CHECK(!charset_utf8_valid(LIT("\xed\xa0\x80")));       /* a surrogate */
	CHECK(!charset_utf8_valid(LIT("\xc0\xaf")));           /* overlong */
	CHECK(!charset_utf8_valid(LIT("\xe6\x97")));           /* cut short */
}

/* Links through the encodings: a document is read again in UTF-8 only
 * when a URL needs it. */
struct enc_case {
	const char *html;
	size_t len;
	const char *want;
};

static const struct enc_case enc_cases[] = {
	{ LIT("<meta charset=shift_jis><a href=\"\x93\xfa\x96\x7b\">"),
	  "http://site.test/dir/%E6%97%A5%E6%9C%AC" },
	{ LIT("<meta http-equiv=Content-Type content='text/html; charset=\"iso-8859-1\"'>"
	      "<a href=\"caf\xe9\">"), "http://site.test/dir/caf%C3%A9" },
	/* the declaration may come after the link */
	{ LIT("<a href=\"caf\xe9\"><meta charset=latin1>"), "http://site.test/dir/caf%C3%A9" },
	/* nothing declared and not UTF-8: windows-1252, as browsers read it */
	{ LIT("<a href=\"\x80\">"), "http://site.test/dir/%E2%82%AC" },
	/* declared UTF-8 but not: the bytes are kept, percent-encoded */
	{ LIT("<meta charset=utf-8><a href=\"caf\xe9\">"), "http://site.test/dir/caf%E9" },
	/* valid UTF-8 with a wrong declaration would be read as declared */
	{ LIT("<meta charset=windows-1252><a href=\"\xc3\xa9\">"),
	  "http://site.test/dir/%C3%83%C2%A9" },
	{ LIT("\xfe\xff\0<\0a\0 \0h\0r\0e\0f\0=\x00\xe9\0>"), "http://site.test/dir/%C3%A9" },
	/* ASCII URLs never cause a second read, whatever is declared */
	{ LIT("<meta charset=koi8-r><a href=plain>\xe9\xe9"), "http://site.test/dir/plain" },
};

static void test_encodings(void)
{
	struct links l;
	size_t i;

	links_init(&l, 0);
	for (i = 0; i < N(enc_cases); i++) {
		CHECK_INT(links_extract(&l, enc_cases[i].html, enc_cases[i].len, PAGE, 0), 0);
		if (l.count != 1)
			fprintf(stderr, "encoding case %zu\n", i);
		CHECK_INT(l.count, 1);
		if (l.count == 1) {
			if (strcmp(links_first(&l), enc_cases[i].want) != 0)
				fprintf(stderr, "encoding case %zu\n", i);
			CHECK_STR(links_first(&l), enc_cases[i].want);
		}
	}
	/* what decides the second read is every value the pass reads, so
	 * the links are the same with requisites and without (a fuzz find) */
	for (i = 0; i < 2; i++) {
		CHECK_INT(links_extract(&l, LIT("<a href=\"\xc3\xa9\"><img src=\"\xe9\">"), PAGE,
					i ? LINKS_REQUISITES : 0), 0);
		CHECK_INT(l.count, 1);
		CHECK_STR(links_first(&l), "http://site.test/dir/%C3%83%C2%A9");
	}
	links_release(&l);
}

/* The corpus of data/htmltok/: the links (L) and requisites (R) of each
 * file, in order. */
static const char *const corpus_script[] = {
	"L yes1", "L yes2", "L yes3", "L yes4", "L yes5", "L yes6", "L yes7",
	"L yes8", "L yes9", "L yes-noscript", "L yes-noframes", "L yes10",
	"R x.png", NULL,
};
static const char *const corpus_comments[] = {
	"L yes1", "L yes2", "L yes3", "L yes4", "L yes5", "L yes6", "L yes7",
	"L yes8", "L yes9", "L yes10", "L yes11", "L a%3Eb", "L yes12/",
	"L spaced", "L newlines", "L x", NULL,
};
static const char *const corpus_foreign[] = {
	"L svg-style-a", "L svg-title-a", "L svg-link.html", "L yes-after",
	"R html-image.png", NULL,
};
static const char *const corpus_nul[] = {
	"L nul%EF%BF%BDin-value", "L z%EF%BF%BD", "L crlfcr", "L after-nul", NULL,
};

static void check_corpus(struct links *l, const char *file, const char *const *want)
{
	char path[128], *html;
	FILE *fp;
	size_t n, k = 0;
	const char *u;
	struct buf got, exp;

	snprintf(path, sizeof(path), "data/htmltok/%s", file);
	fp = fopen(path, "rb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	html = xmalloc(1 << 16);
	n = fread(html, 1, 1 << 16, fp);
	fclose(fp);
	CHECK_INT(links_extract(l, html, n, PAGE, LINKS_REQUISITES), 0);
	buf_init(&got, 1 << 16);
	buf_init(&exp, 1 << 16);
	for (u = links_first(l); u; u = links_next(l, u))
		buf_printf(&got, "L %s\n", u + strlen("http://site.test/dir/"));
	for (u = links_req_first(l); u; u = links_req_next(l, u))
		buf_printf(&got, "R %s\n", u + strlen("http://site.test/dir/"));
	for (k = 0; want[k]; k++)
		buf_printf(&exp, "%s\n", want[k]);
	if (strcmp(got.data, exp.data) != 0)
		fprintf(stderr, "%s: got\n%s", file, got.data);
	CHECK_STR(got.data, exp.data);
	buf_release(&got);
	buf_release(&exp);
	free(html);
}

static void test_corpus(void)
{
	struct links l;

	links_init(&l, 0);
	check_corpus(&l, "script.html", corpus_script);
	check_corpus(&l, "comments.html", corpus_comments);
	check_corpus(&l, "foreign.html", corpus_foreign);
	check_corpus(&l, "nul.html", corpus_nul);
	links_release(&l);
}

/* A reference repeated on a page is resolved once (links.c's memo), but
 * against the base in force: the same text before and after a <base> is
 * two URLs; and a repeat of one dropped at the cap is dropped again. */
static void test_memo(void)
{
	static const char html[] = "<a href=x><base href='/b/'><a href=x><a href=x>"
				   "<img src=x><a href=javascript:x><a href=javascript:x>";
	struct links l;

	links_init(&l, 0);
	CHECK_INT(links_extract(&l, html, sizeof(html) - 1, PAGE, LINKS_REQUISITES), 0);
	CHECK_INT(l.count, 2);
	CHECK_STR(links_first(&l), "http://site.test/dir/x");
	if (l.count == 2)
		CHECK_STR(links_next(&l, links_first(&l)), "http://site.test/b/x");
	CHECK_INT(l.nreqs, 1);
	CHECK_STR(links_req_first(&l), "http://site.test/b/x");
	links_release(&l);
	links_init(&l, 1);
	CHECK_INT(links_extract(&l, LIT("<a href=a><a href=b><a href=b><a href=a>"), PAGE, 0), 0);
	CHECK_INT(l.count, 1);
	CHECK_INT(l.dropped, 2);
	links_release(&l);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_tokens();
	test_hostile();
	test_entities();
	test_charsets();
	test_encodings();
	test_corpus();
	test_memo();
	return check_report(argv[0]);
}
