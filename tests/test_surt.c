/*
 * test_surt.c - SURT keys (common/surt.h): a table of URLs and the keys
 * warcio's getSurt() gives for them (each row was checked against warcio
 * 2.4's own function), so our index sorts and matches as warcio's does.
 */
#include "common/surt.h"
#include "tests/check.h"

#include <string.h>

static const struct {
	const char *url, *want;
} rows[] = {
	{ "http://www.Example.com:80/A?b=2&a=1#x", "com,example)/a?a=1&b=2" },
	{ "https://example.com/", "com,example)/" },
	{ "https://example.com:443/x", "com,example)/x" },
	{ "http://h0.test:8080/p/1.html", "test,h0:8080)/p/1.html" },
	{ "http://127.0.0.1:8080/", "1,0,0,127:8080)/" },
	{ "http://WWW.example.com/", "com,example,www)/" },     /* only lowercase www. goes */
	{ "http://www2.example.com/a", "com,example)/a" },
	{ "http://wwwx.example.com/", "com,example,wwwx)/" },
	{ "http://user:pw@example.com/a", "com,example)/a" },
	{ "http://example.com", "com,example)/" },
	{ "http://example.com/?", "com,example)/" },
	{ "http://example.com/?z&&a=1", "com,example)/?&a=1&z" },
	{ "http://example.com/a%2Fb?Q=%41", "com,example)/a%2fb?q=%41" },
	{ "http://example.com/a{b}`c|d^e", "com,example)/a%7Bb%7D%60c|d^e" },
	{ "http://example.com/?a='b c'&x=<>", "com,example)/?a=%27b%20c%27&x=%3C%3E" },
	{ "http://[::1]:8080/x", "[::1]:8080)/x" },
	{ "ftp://example.com/x", "ftp://example.com/x" },
	{ "mailto:a@b", "mailto:a@b" },
	{ "http://example.com/%e2%82%ac", "com,example)/%e2%82%ac" },
	{ "http://example.com/a?c=3&b=2&a=1&b=1", "com,example)/a?a=1&b=1&b=2&c=3" },
	{ "http://www.example.com./", ",com,example)/" },
	{ "http://example.com/path;p?q", "com,example)/path;p?q" },
	{ "https://www.example.com:8443/a/b/?x=1", "com,example:8443)/a/b/?x=1" },
};

int main(int argc, char **argv)
{
	struct buf b;
	size_t i;

	(void)argc;
	buf_init(&b, 1 << 16);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_reset(&b);
		CHECK_INT(surt_key(rows[i].url, strlen(rows[i].url), &b), 0);
		CHECK_STR(b.data, rows[i].want);
	}
	/* a key past the buffer's cap fails and leaves it unchanged */
	buf_release(&b);
	buf_init(&b, 8);
	buf_puts(&b, "k");
	CHECK(surt_key(rows[3].url, strlen(rows[3].url), &b) != 0);
	CHECK_STR(b.data, "k");
	buf_release(&b);
	return check_report(argv[0]);
}
