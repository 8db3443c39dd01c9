/*
 * test_sitemap.c - sitemap files and robots.txt Sitemap lines
 * (common/sitemap.h): the three formats, gzip, the caps, hostile input.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/links.h"
#include "common/sitemap.h"

#include "tests/check.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LIT(s) s, sizeof(s) - 1

static struct links l;
static struct buf scratch;

/* The kept URLs joined by spaces. */
static const char *joined(void)
{
	static char out[4096];
	const char *u;
	size_t n = 0;

	out[0] = '\0';
	for (u = links_first(&l); u; u = links_next(&l, u))
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", u);
	return out;
}

static void test_xml(void)
{
	enum sitemap_kind k = SITEMAP_TEXT;

	CHECK_INT(sitemap_parse(&l, &scratch, LIT(
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
		" <url><loc> http://Example.com/a?b=1&amp;c=2 </loc><lastmod>2025-01-01</lastmod></url>\n"
		" <url><loc>https://example.com/%7Euser/</loc></url>\n"
		" <url><loc>http://example.com/a?b=1&amp;c=2</loc></url>\n"
		" <url><loc>/relative</loc></url>\n"
		" <url><loc>ftp://example.com/x</loc></url>\n"
		" <url><image:image><loc>http://example.com/deep</loc></image:image></url>\n"
		" <url><loc><![CDATA[http://example.com/cdata]]></loc></url>\n"
		"</urlset>"), &k), 0);
	CHECK_INT(k, SITEMAP_URLSET);
	CHECK_STR(joined(), "http://example.com/a?b=1&c=2 https://example.com/~user/ "
			    "http://example.com/cdata");

	CHECK_INT(sitemap_parse(&l, &scratch, LIT(
		"<sm:sitemapindex xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
		"<sm:sitemap><sm:loc>http://example.com/s1.xml.gz</sm:loc></sm:sitemap>"
		"<sm:sitemap><sm:loc>http://example.com/s2.xml</sm:loc></sm:sitemap>"
		"</sm:sitemapindex>"), &k), 0);
	CHECK_INT(k, SITEMAP_INDEX);
	CHECK_STR(joined(), "http://example.com/s1.xml.gz http://example.com/s2.xml");

	/* not a sitemap: an HTML page, a feed; nothing kept */
	CHECK_INT(sitemap_parse(&l, &scratch, LIT("<html><a href=http://e.com/>x</a></html>"), &k),
		  SC_EINVAL);
	CHECK_INT(l.count, 0);
	CHECK_INT(sitemap_parse(&l, &scratch, LIT("<rss><channel><loc>http://e.com/</loc>"
						  "</channel></rss>"), &k), SC_EINVAL);
	/* cut short: what came before the fault */
	CHECK_INT(sitemap_parse(&l, &scratch, LIT("<urlset><url><loc>http://e.com/1</loc></url>"
						  "<url><loc>http://e.com/2</lo"), &k), 0);
	CHECK_STR(joined(), "http://e.com/1");
	/* entities are not expanded */
	CHECK_INT(sitemap_parse(&l, &scratch, LIT(
		"<!DOCTYPE u [<!ENTITY a \"http://e.com/evil\">]>"
		"<urlset><url><loc>&a;</loc></url><url><loc>http://e.com/ok</loc></url></urlset>"),
		&k), 0);
	CHECK_STR(joined(), "http://e.com/ok");
}

static void test_text_and_gzip(void)
{
	enum sitemap_kind k = SITEMAP_URLSET;
	static const char xml[] = "<urlset><url><loc>http://e.com/gz</loc></url></urlset>";
	unsigned char gz[256];
	z_stream z;

	CHECK_INT(sitemap_parse(&l, &scratch, LIT(
		"http://e.com/1\r\n\n  https://e.com/2  \nnot a url\nhttp://e.com/1\n"
		"http://e.com/3"), &k), 0);
	CHECK_INT(k, SITEMAP_TEXT);
	CHECK_STR(joined(), "http://e.com/1 https://e.com/2 http://e.com/3");

	memset(&z, 0, sizeof(z));
	CHECK_INT(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)xml;
	z.avail_in = sizeof(xml) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	CHECK_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
	CHECK_INT(sitemap_parse(&l, &scratch, (const char *)gz, sizeof(gz) - z.avail_out, &k), 0);
	deflateEnd(&z);
	CHECK_INT(k, SITEMAP_URLSET);
	CHECK_STR(joined(), "http://e.com/gz");
	/* bad gzip: read as it is (binary junk: a text file of no URLs) */
	CHECK_INT(sitemap_parse(&l, &scratch, LIT("\x1f\x8b\x08junk"), &k), 0);
	CHECK_INT(l.count, 0);
}

/* 60,000 entries: 50,000 kept, the rest counted. */
static void test_caps(void)
{
	enum sitemap_kind k;
	struct buf b;
	int i;

	buf_init(&b, 8u << 20);
	buf_puts(&b, "<urlset>");
	for (i = 0; i < 60000; i++)
		buf_printf(&b, "<url><loc>http://e.com/p/%d</loc></url>", i);
	buf_puts(&b, "</urlset>");
	CHECK_INT(sitemap_parse(&l, &scratch, b.data, b.len, &k), 0);
	CHECK_INT(l.count, SC_SITEMAP_URLS_MAX);
	CHECK_INT(l.dropped, 60000 - SC_SITEMAP_URLS_MAX);
	/* 100,000-deep nesting: libxml2's depth cap, no crash, nothing kept */
	buf_reset(&b);
	buf_puts(&b, "<urlset>");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "<url>");
	buf_puts(&b, "<loc>http://e.com/deep</loc>");
	CHECK_INT(sitemap_parse(&l, &scratch, b.data, b.len, &k), 0);
	CHECK_INT(l.count, 0);
	buf_release(&b);
}

static void test_robots(void)
{
	CHECK_INT((int)sitemap_robots(&l, LIT(
		"User-agent: *\nDisallow: /x\nSitemap: http://e.com/s.xml\n"
		"  SITEMAP :https://e.com/s2.xml # a comment\r\n"
		"sitemap: /relative.xml\nSitemaps: http://e.com/no\n"
		"Sitemap: http://e.com/a#frag\nSitemap:\n")), 4);
	CHECK_STR(joined(), "http://e.com/s.xml https://e.com/s2.xml http://e.com/a");
	CHECK_INT((int)sitemap_robots(&l, LIT("")), 0);
	CHECK_INT(l.count, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	links_init(&l, SC_SITEMAP_URLS_MAX);
	buf_init(&scratch, SC_SITEMAP_BYTES_MAX);
	test_xml();
	test_text_and_gzip();
	test_caps();
	test_robots();
	links_release(&l);
	buf_release(&scratch);
	return check_report(argv[0]);
}
