/*
 * test_common.c - the small shared pieces: HTTP helpers (headers, chunked,
 * content decoding with its cap, Retry-After), JSON escaping, the seen set,
 * capped buffers, media type patterns.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/http.h"
#include "common/json.h"
#include "common/mimetype.h"
#include "common/seen.h"

#include "tests/check.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void test_headers(void)
{
	static const char h[] = "HTTP/1.1 301 Moved\r\nLocation:  /x/y  \r\n"
				"content-type: text/html; charset=UTF-8\r\n"
				"Transfer-Encoding: gzip, Chunked\r\n\r\n";
	const char *v;
	size_t n;

	CHECK(http_header(h, sizeof(h) - 1, "location", &v, &n));
	CHECK(n == 4 && memcmp(v, "/x/y", 4) == 0);
	CHECK(http_header(h, sizeof(h) - 1, "Content-Type", &v, &n));
	CHECK(!http_header(h, sizeof(h) - 1, "Content", &v, &n));
	CHECK(!http_header(h, sizeof(h) - 1, "X-Missing", &v, &n));
	CHECK(http_header(h, sizeof(h) - 1, "transfer-encoding", &v, &n));
	CHECK(http_has_token(v, n, "chunked"));
	CHECK(http_has_token(v, n, "gzip"));
	CHECK(!http_has_token(v, n, "chunk"));
	CHECK(http_is_html("text/html"));
	CHECK(http_is_html("TEXT/HTML; charset=utf-8"));
	CHECK(http_is_html("application/xhtml+xml"));
	CHECK(!http_is_html("text/plain"));
	CHECK(!http_is_html("text/htmlx"));
	CHECK(!http_is_html(""));
}

static void test_dechunk(void)
{
	struct buf b;
	int complete;

	buf_init(&b, 1 << 20);
	CHECK_INT(http_dechunk("3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", 36, &b, &complete), 0);
	CHECK(complete);
	CHECK_STR(b.data, "abc0123456789");
	buf_reset(&b);
	/* cut mid-chunk: what arrived is kept, not complete */
	CHECK_INT(http_dechunk("5\r\nhel", 6, &b, &complete), 0);
	CHECK(!complete);
	CHECK_STR(b.data, "hel");
	buf_reset(&b);
	/* garbage size line */
	CHECK_INT(http_dechunk("zz\r\nabc", 7, &b, &complete), 0);
	CHECK(!complete);
	CHECK_INT(b.len, 0);
	/* absurd size */
	CHECK_INT(http_dechunk("fffffffffffffffffff\r\nab", 23, &b, &complete), 0);
	CHECK_INT(b.len, 0);
	/* cap reached */
	buf_release(&b);
	buf_init(&b, 4);
	CHECK_INT(http_dechunk("8\r\n12345678\r\n0\r\n\r\n", 18, &b, &complete), SC_ETOOBIG);
	CHECK_STR(b.data, "1234");
	buf_release(&b);
}

static size_t gzip_of(const void *in, size_t n, unsigned char *out, size_t cap, int wbits)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	n = z.total_out;
	deflateEnd(&z);
	return n;
}

static void test_decode(void)
{
	unsigned char *zeros = calloc(1, 8 << 20), *gz = malloc(1 << 20);
	struct buf b;
	size_t n;
	int complete;

	buf_init(&b, 1 << 20);
	n = gzip_of("<a href=x>", 10, gz, 1 << 20, 31);
	CHECK_INT(http_decode("gzip", 4, (char *)gz, n, &b, &complete), 0);
	CHECK(complete);
	CHECK_STR(b.data, "<a href=x>");
	/* deflate, zlib-wrapped and raw */
	buf_reset(&b);
	n = gzip_of("zlib body", 9, gz, 1 << 20, 15);
	CHECK_INT(http_decode("deflate", 7, (char *)gz, n, &b, &complete), 0);
	CHECK_STR(b.data, "zlib body");
	buf_reset(&b);
	n = gzip_of("raw body", 8, gz, 1 << 20, -15);
	CHECK_INT(http_decode("deflate", 7, (char *)gz, n, &b, &complete), 0);
	CHECK_STR(b.data, "raw body");
	/* a bomb: 8 MiB of zeros in ~8 kB, decoded only to the 1 MiB cap */
	buf_reset(&b);
	n = gzip_of(zeros, 8 << 20, gz, 1 << 20, 31);
	CHECK(n < 20000);
	CHECK_INT(http_decode("gzip", 4, (char *)gz, n, &b, &complete), 0);
	CHECK(!complete);
	CHECK_INT(b.len, 1 << 20);
	/* truncated stream: what decodes is kept */
	buf_reset(&b);
	n = gzip_of("0123456789012345678901234567890123456789", 40, gz, 1 << 20, 31);
	CHECK_INT(http_decode("gzip", 4, (char *)gz, n - 12, &b, &complete), 0);
	CHECK(!complete);
	/* not gzip at all; unknown coding */
	buf_reset(&b);
	CHECK_INT(http_decode("gzip", 4, "plain text", 10, &b, &complete), SC_EINVAL);
	CHECK_INT(http_decode("br", 2, "xx", 2, &b, &complete), SC_EINVAL);
	CHECK_INT(http_decode("", 0, "xx", 2, &b, &complete), 0);
	CHECK_STR(b.data, "xx");
	buf_release(&b);
	free(zeros);
	free(gz);
}

static void test_retry_after(void)
{
	long now = 1445412480;   /* Wed, 21 Oct 2015 07:28:00 GMT */

	CHECK_INT(http_retry_after("120", 3, now), 120);
	CHECK_INT(http_retry_after(" 0 ", 3, now), 0);
	CHECK_INT(http_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", 29, now), 5);
	CHECK_INT(http_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", 29, now), 0);
	CHECK_INT(http_retry_after("soon", 4, now), -1);
	CHECK_INT(http_retry_after("", 0, now), -1);
	CHECK_INT(http_retry_after("-5", 2, now), -1);
	CHECK_INT(http_retry_after("99999999999999999999", 20, now), -1);
}

static void test_json(void)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	json_str(&b, "a\"b\\c\n\t\x01", 8);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\"");
	buf_reset(&b);
	json_str(&b, "caf\xc3\xa9", 5);           /* valid UTF-8 kept */
	CHECK_STR(b.data, "\"caf\xc3\xa9\"");
	buf_reset(&b);
	json_str(&b, "x\xff\xc3(", 4);            /* invalid bytes escaped */
	CHECK_STR(b.data, "\"x\\u00ff\\u00c3(\"");
	buf_reset(&b);
	json_str(&b, "\xed\xa0\x80", 3);          /* a surrogate is not UTF-8 */
	CHECK_STR(b.data, "\"\\u00ed\\u00a0\\u0080\"");
	buf_reset(&b);
	json_cstr(&b, NULL);
	CHECK_STR(b.data, "null");
	buf_release(&b);
	/* the cap: nothing half-written */
	buf_init(&b, 5);
	CHECK_INT(json_str(&b, "abcdef", 6), SC_ETOOBIG);
	CHECK_INT(b.len, 0);
	buf_release(&b);
}

static void test_seen(void)
{
	struct seen s;
	char url[64];
	int i, fresh = 0, again = 0;

	size_t before, jump = 0;

	seen_init(&s, 0);
	for (i = 0; i < 100000; i++) {
		snprintf(url, sizeof(url), "http://h0.test/p/%d.html", i);
		before = seen_bytes(&s);
		fresh += seen_add(&s, seen_hash(url, strlen(url)));
		/* a growth doubles one segment, never the whole table */
		if (seen_bytes(&s) - before > jump)
			jump = seen_bytes(&s) - before;
	}
	CHECK(jump * 16 <= seen_bytes(&s));
	for (i = 0; i < 100000; i++) {
		snprintf(url, sizeof(url), "http://h0.test/p/%d.html", i);
		again += seen_add(&s, seen_hash(url, strlen(url)));
	}
	CHECK_INT(fresh, 100000);
	CHECK_INT(again, 0);
	CHECK_INT(s.count, 100000);
	CHECK(seen_has(&s, seen_hash("http://h0.test/p/5.html", 23)));
	CHECK(!seen_has(&s, seen_hash("http://h0.test/p/x.html", 23)));
	CHECK(seen_bytes(&s) / s.count <= 21);
	CHECK(seen_hash("", 0) != 0);
	CHECK(seen_hash("a", 1) != seen_hash("b", 1));
	seen_release(&s);
}

static void test_buf(void)
{
	struct buf b;
	struct cursor c;
	size_t n;
	const char *s;

	buf_init(&b, 10);
	CHECK_INT(buf_puts(&b, "0123456789"), 0);
	CHECK_INT(buf_putc(&b, 'x'), SC_ETOOBIG);
	CHECK_INT(b.len, 10);
	CHECK_INT(buf_append_upto(&b, "abc", 3), 0);
	buf_consume(&b, 4);
	CHECK_STR(b.data, "456789");
	CHECK_INT(buf_printf(&b, "%s", "toolong"), SC_ETOOBIG);
	CHECK_STR(b.data, "456789");
	buf_release(&b);
	buf_release(&b);   /* twice is harmless */

	buf_init(&b, 100);
	buf_put_u32(&b, 0xdeadbeef);
	buf_put_u64(&b, 0x0123456789abcdefull);
	buf_put_str(&b, "hey", 3);
	cursor_init(&c, b.data, b.len);
	CHECK_INT(cursor_u32(&c), 0xdeadbeef);
	CHECK(cursor_u64(&c) == 0x0123456789abcdefull);
	s = cursor_str(&c, &n, 10);
	CHECK(s && n == 3 && memcmp(s, "hey", 3) == 0);
	CHECK_INT(c.left, 0);
	CHECK_INT(cursor_u8(&c), 0);
	CHECK_INT(c.err, SC_EPROTO);
	cursor_init(&c, b.data, b.len);
	cursor_u32(&c);
	cursor_u64(&c);
	CHECK(cursor_str(&c, &n, 2) == NULL);   /* longer than its cap */
	buf_release(&b);
}

static void test_mimetype(void)
{
	static const char *const good[] = { "text/html", "image/*", "application/vnd.x+json",
					     "text/x-c++" };
	static const char *const bad[] = { "", "text", "text/", "/html", "*/*", "Text/html",
					   "text/ht*", "image/**", "text/html;q=1",
					   "text /html", "text/html/x" };
	char *pats[] = { (char *)"text/html", (char *)"image/*" };
	char *rej[] = { (char *)"image/svg+xml" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_INT(mimetype_check(good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(mimetype_check(bad[i]), -1);
	CHECK_INT(mimetype_match(pats, 2, "text/html"), 1);
	CHECK_INT(mimetype_match(pats, 2, " Text/HTML; charset=utf-8"), 1);
	CHECK_INT(mimetype_match(pats, 2, "text/htmlx"), 0);
	CHECK_INT(mimetype_match(pats, 2, "text/htm"), 0);
	CHECK_INT(mimetype_match(pats, 2, "image/png"), 1);
	CHECK_INT(mimetype_match(pats, 2, "image/"), 1);
	CHECK_INT(mimetype_match(pats, 2, "imagex/png"), 0);
	CHECK_INT(mimetype_match(pats, 2, "text/css"), 0);
	CHECK_INT(mimetype_match(pats, 2, NULL), 0);
	CHECK_INT(mimetype_match(rej, 1, "IMAGE/SVG+XML;x=1"), 1);
	/* no Content-Type: application/octet-stream */
	{
		char *oct[] = { (char *)"application/*" };
		CHECK_INT(mimetype_match(oct, 1, ""), 1);
		CHECK_INT(mimetype_match(oct, 1, " ; charset=x"), 1);
	}
	CHECK_INT(mimetype_allowed(pats, 2, rej, 1, "image/svg+xml"), 0);
	CHECK_INT(mimetype_allowed(pats, 2, rej, 1, "image/gif"), 1);
	CHECK_INT(mimetype_allowed(pats, 2, NULL, 0, "text/css"), 0);
	CHECK_INT(mimetype_allowed(NULL, 0, rej, 1, "text/css"), 1);
	CHECK_INT(mimetype_allowed(NULL, 0, NULL, 0, "text/css"), 1);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_headers();
	test_dechunk();
	test_decode();
	test_retry_after();
	test_json();
	test_seen();
	test_buf();
	test_mimetype();
	return check_report(argv[0]);
}
