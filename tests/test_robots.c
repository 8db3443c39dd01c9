/*
 * test_robots.c - robots.txt parsing and matching (common/robots.h): the
 * examples of RFC 9309 and of Google's robots.txt documentation, which
 * follows it, then group selection, precedence, syntax, percent-encoding,
 * crawl-delay, the caps, hostile input, and the fixtures in data/robots/.
 * Run from the repository root.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/robots.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define UA SC_DEFAULT_USER_AGENT
#define ALLOWED 1
#define BLOCKED 0

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

static struct robots *parse_str(const char *txt, const char *agent)
{
	return robots_parse(txt, strlen(txt), agent);
}

static void check_path(const char *what, const struct robots *r,
		       const char *path, int want)
{
	int got = robots_allowed(r, path);

	if (got != want)
		fprintf(stderr, "%s: '%s' is %s, want %s\n", what, path,
			got ? "allowed" : "disallowed",
			want ? "allowed" : "disallowed");
	CHECK_INT(got, want);
}

/* txt (a C string), our user agent, a path, the answer. */
struct robots_case {
	const char *txt;
	const char *agent;
	const char *path;
	int want;
};

static void check_cases(const char *what, const struct robots_case *c,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct robots *r = robots_parse(c[i].txt, strlen(c[i].txt),
						c[i].agent);
		char name[64];

		snprintf(name, sizeof(name), "%s %zu", what, i);
		check_path(name, r, c[i].path, c[i].want);
		robots_free(r);
	}
}

/*
 * Google's "URL matching based on path values" table (developers.google.com
 * /search/docs/crawling-indexing/robots/robots_txt), which RFC 9309 section
 * 2.2.3 formalizes, the RFC's own examples, and percent-encoding: does the
 * pattern match the path?  Each is checked as "Disallow: pattern" for "*".
 */
static const struct {
	const char *pattern;
	const char *path;
	int match;
} match_cases[] = {
	{ "/", "/", 1 },
	{ "/", "/any/thing?x=1", 1 },
	{ "/*", "/", 1 },
	{ "/*", "/fish", 1 },
	{ "/$", "/", 1 },
	{ "/$", "/page.htm", 0 },
	{ "/fish", "/fish", 1 },
	{ "/fish", "/fish.html", 1 },
	{ "/fish", "/fish/salmon.html", 1 },
	{ "/fish", "/fishheads", 1 },
	{ "/fish", "/fishheads/yummy.html", 1 },
	{ "/fish", "/fish.php?id=anything", 1 },
	{ "/fish", "/Fish.asp", 0 },
	{ "/fish", "/catfish", 0 },
	{ "/fish", "/?id=fish", 0 },
	{ "/fish", "/desert/fish", 0 },
	{ "/fish*", "/fish", 1 },
	{ "/fish*", "/fish.html", 1 },
	{ "/fish*", "/fish/salmon.html", 1 },
	{ "/fish*", "/fishheads/yummy.html", 1 },
	{ "/fish*", "/fish.php?id=anything", 1 },
	{ "/fish*", "/Fish.asp", 0 },
	{ "/fish*", "/catfish", 0 },
	{ "/fish*", "/?id=fish", 0 },
	{ "/fish/", "/fish/", 1 },
	{ "/fish/", "/fish/?id=anything", 1 },
	{ "/fish/", "/fish/salmon.htm", 1 },
	{ "/fish/", "/fish", 0 },
	{ "/fish/", "/fish.html", 0 },
	{ "/fish/", "/animals/fish/", 0 },
	{ "/fish/", "/Fish/Salmon.asp", 0 },
	{ "/*.php", "/index.php", 1 },
	{ "/*.php", "/filename.php", 1 },
	{ "/*.php", "/folder/filename.php", 1 },
	{ "/*.php", "/folder/filename.php?parameters", 1 },
	{ "/*.php", "/folder/any.php.file.html", 1 },
	{ "/*.php", "/filename.php/", 1 },
	{ "/*.php", "/", 0 },
	{ "/*.php", "/windows.PHP", 0 },
	{ "/*.php$", "/filename.php", 1 },
	{ "/*.php$", "/folder/filename.php", 1 },
	{ "/*.php$", "/filename.php?parameters", 0 },
	{ "/*.php$", "/filename.php/", 0 },
	{ "/*.php$", "/filename.php5", 0 },
	{ "/*.php$", "/windows.PHP", 0 },
	{ "/fish*.php", "/fish.php", 1 },
	{ "/fish*.php", "/fishheads/catfish.php?parameters", 1 },
	{ "/fish*.php", "/Fish.PHP", 0 },
	/* RFC 9309 section 2.2.3 and 5.1 */
	{ "/this/*/exactly", "/this/path/to/exactly", 1 },
	{ "/this/*/exactly", "/this/exactly", 0 },
	{ "/this/path/exactly$", "/this/path/exactly", 1 },
	{ "/this/path/exactly$", "/this/path/exactly/", 0 },
	{ "*.gif$", "/a.gif", 1 },
	{ "*.gif$", "/x/y.gif", 1 },
	{ "*.gif$", "/a.gif?x=1", 0 },
	{ "/path/file-with-a-%2A.html", "/path/file-with-a-*.html", 1 },
	{ "/path/file-with-a-%2A.html", "/path/file-with-a-%2A.html", 1 },
	{ "/path/file-with-a-%2A.html", "/path/file-with-a-x.html", 0 },
	{ "/path/foo-%24", "/path/foo-$", 1 },
	{ "/path/foo-%24", "/path/foo-%24", 1 },
	{ "/path/foo-%24", "/path/foo-$bar", 1 },
	{ "/path/foo-%24", "/path/foo-", 0 },
	{ "/path/foo-$", "/path/foo-", 1 },
	{ "/path/foo-$", "/path/foo-$", 0 },
	{ "/a$b", "/a$b", 1 },
	{ "/a$b", "/a%24bc", 1 },
	/* RFC 9309 section 2.2.2, table of percent-encoded paths */
	{ "/foo/bar?baz=quz", "/foo/bar?baz=quz", 1 },
	{ "/foo/bar?baz=https://foo.bar", "/foo/bar?baz=https://foo.bar", 1 },
	{ "/foo/bar?baz=https://foo.bar",
	  "/foo/bar?baz=https%3A%2F%2Ffoo.bar", 1 },
	{ "/foo/bar?baz=https%3A%2F%2Ffoo.bar",
	  "/foo/bar?baz=https://foo.bar", 1 },
	{ "/foo/bar/\xe3\x83\x84", "/foo/bar/%E3%83%84", 1 },
	{ "/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84", 1 },
	{ "/foo/bar/%e3%83%84", "/foo/bar/%E3%83%84", 1 },
	{ "/foo/bar/%62%61%7A", "/foo/bar/baz", 1 },
	/* our URL normal form on both sides */
	{ "/caf%c3%a9", "/caf%C3%A9", 1 },
	{ "/caf\xc3\xa9", "/caf%C3%A9", 1 },
	{ "/caf\xc3\xa9", "/cafe", 0 },
	{ "/%7Euser/", "/~user/notes", 1 },
	{ "/~user/", "/%7euser/notes", 1 },
	{ "/a b", "/a%20b", 1 },
	{ "/x%3Ay", "/x:y", 1 },
	{ "/x:y", "/x%3Ay", 1 },
	{ "/a%2fb", "/a%2Fb", 1 },
	{ "/a%2fb", "/a/b", 0 },
	{ "/a/b", "/a%2Fb", 0 },
	{ "/a%3Fb", "/a?b", 0 },
	{ "/q?u=%2F", "/q?u=/", 1 },
	{ "/100%", "/100%25", 1 },
	{ "/100%zz", "/100%25zz", 1 },
	/* wildcards */
	{ "/a**b", "/axxb", 1 },
	{ "/*a*a*b", "/aab", 1 },
	{ "/*a*a*b", "/aaa", 0 },
	{ "/x*$", "/x", 1 },
	{ "/x*$", "/xyz", 1 },
	{ "*", "/anything", 1 },
	{ "/*/*/", "/a/b/", 1 },
	{ "/*/*/", "/a/b", 0 },
	{ "/*ab*ab$", "/abab", 1 },
	{ "/*ab*ab$", "/aba", 0 },
	{ "/*ab$", "/ababab", 1 },
	{ "/*ab$", "/abababa", 0 },
	/* no leading '/': one is added */
	{ "private/", "/private/x", 1 },
	{ "private/", "/x/private/", 0 },
};

static void test_match_table(void)
{
	size_t i;

	for (i = 0; i < N(match_cases); i++) {
		char txt[256], name[64];
		struct robots *r;

		snprintf(txt, sizeof(txt), "User-agent: *\nDisallow: %s\n",
			 match_cases[i].pattern);
		snprintf(name, sizeof(name), "match %zu ('%s')", i,
			 match_cases[i].pattern);
		r = robots_parse(txt, strlen(txt), UA);
		check_path(name, r, match_cases[i].path, !match_cases[i].match);
		robots_free(r);
	}
}

/* RFC 9309 section 5.1, "Simple Example". */
#define RFC_SIMPLE \
	"User-Agent: *\n" \
	"Disallow: *.gif$\n" \
	"Disallow: /example/\n" \
	"Allow: /publications/\n" \
	"\n" \
	"User-Agent: foobot\n" \
	"Disallow:/\n" \
	"Allow:/example/page.html\n" \
	"Allow:/example/allowed.gif\n" \
	"\n" \
	"User-Agent: barbot\n" \
	"User-Agent: bazbot\n" \
	"Disallow: /example/page.html\n" \
	"\n" \
	"User-Agent: quxbot\n" \
	"\n" \
	"EOF\n"

/* RFC 9309 section 2.2.1: two groups for one token are merged... */
#define RFC_MERGE \
	"user-agent: ExampleBot\n" \
	"disallow: /foo\n" \
	"disallow: /bar\n" \
	"\n" \
	"user-agent: ExampleBot\n" \
	"disallow: /baz\n"

/* ...and with none for it, "*" applies. */
#define RFC_STAR \
	"user-agent: *\n" \
	"disallow: /foo\n" \
	"disallow: /bar\n" \
	"\n" \
	"user-agent: BazBot\n" \
	"disallow: /baz\n"

static const struct robots_case rfc_cases[] = {
	{ RFC_SIMPLE, "otherbot", "/", ALLOWED },
	{ RFC_SIMPLE, "otherbot", "/example/x.html", BLOCKED },
	{ RFC_SIMPLE, "otherbot", "/publications/x.html", ALLOWED },
	{ RFC_SIMPLE, "otherbot", "/publications/x.gif", ALLOWED },
	{ RFC_SIMPLE, "otherbot", "/img/x.gif", BLOCKED },
	{ RFC_SIMPLE, "otherbot", "/img/x.gif?w=2", ALLOWED },
	{ RFC_SIMPLE, "foobot", "/", BLOCKED },
	{ RFC_SIMPLE, "foobot", "/publications/x.html", BLOCKED },
	{ RFC_SIMPLE, "foobot", "/example/page.html", ALLOWED },
	{ RFC_SIMPLE, "foobot", "/example/allowed.gif", ALLOWED },
	{ RFC_SIMPLE, "foobot", "/example/other.html", BLOCKED },
	{ RFC_SIMPLE, "FooBot/2.1 (+http://foo.test)", "/", BLOCKED },
	{ RFC_SIMPLE, "barbot", "/example/page.html", BLOCKED },
	{ RFC_SIMPLE, "barbot", "/example/other.html", ALLOWED },
	{ RFC_SIMPLE, "barbot", "/img/x.gif", ALLOWED },
	{ RFC_SIMPLE, "bazbot", "/example/page.html", BLOCKED },
	{ RFC_SIMPLE, "bazbot", "/example/", ALLOWED },
	{ RFC_SIMPLE, "quxbot", "/example/page.html", ALLOWED },
	{ RFC_SIMPLE, "quxbot", "/img/x.gif", ALLOWED },
	{ RFC_MERGE, "ExampleBot", "/foo", BLOCKED },
	{ RFC_MERGE, "ExampleBot", "/bar", BLOCKED },
	{ RFC_MERGE, "ExampleBot", "/baz", BLOCKED },
	{ RFC_MERGE, "examplebot", "/qux", ALLOWED },
	{ RFC_MERGE, "OtherBot", "/foo", ALLOWED },
	{ RFC_STAR, "ExampleBot", "/foo", BLOCKED },
	{ RFC_STAR, "ExampleBot", "/bar", BLOCKED },
	{ RFC_STAR, "ExampleBot", "/baz", ALLOWED },
	{ RFC_STAR, "BazBot", "/baz", BLOCKED },
	{ RFC_STAR, "BazBot", "/foo", ALLOWED },
	/* section 5.2, "Longest Match" */
	{ "User-Agent: foobot\n"
	  "Allow: /example/page/\n"
	  "Disallow: /example/page/disallowed.gif\n",
	  "foobot", "/example/page/disallowed.gif", BLOCKED },
	{ "User-Agent: foobot\n"
	  "Allow: /example/page/\n"
	  "Disallow: /example/page/disallowed.gif\n",
	  "foobot", "/example/page/allowed.gif", ALLOWED },
};

/* Group selection, for our user agent unless said otherwise. */
static const struct robots_case group_cases[] = {
	{ "User-agent: SHARDCRAWL\nDisallow: /x\n", UA, "/x", BLOCKED },
	{ "User-agent: shardcrawl/2.0 (+https://x)\nDisallow: /x\n", UA,
	  "/x", BLOCKED },
	{ "User-agent: shardcrawl\nDisallow: /x\n", "ShardCrawl", "/x",
	  BLOCKED },
	{ "User-agent: shardcrawler\nDisallow: /x\n", UA, "/x", ALLOWED },
	{ "User-agent: shardcrawl2\nDisallow: /x\n", UA, "/x", ALLOWED },
	{ "User-agent: shard\nDisallow: /x\n", UA, "/x", ALLOWED },
	{ "User-agent: Mozilla/5.0 shardcrawl\nDisallow: /x\n", UA, "/x",
	  ALLOWED },
	{ "User-agent: * # all robots\nDisallow: /x\n", UA, "/x", BLOCKED },
	{ "User-agent: *bot\nDisallow: /x\n", UA, "/x", ALLOWED },
	{ "User-agent:\nDisallow: /x\n", UA, "/x", ALLOWED },
	{ "Disallow: /x\n", UA, "/x", ALLOWED },
	{ "Disallow: /\nUser-agent: *\nDisallow: /x\n", UA, "/y", ALLOWED },
	/* our group, even empty or with an empty Disallow, hides "*" */
	{ "User-agent: *\nDisallow: /\n\nUser-agent: shardcrawl\n", UA,
	  "/x", ALLOWED },
	{ "User-agent: shardcrawl\nDisallow:\n\nUser-agent: *\nDisallow: /\n",
	  UA, "/x", ALLOWED },
	{ "User-agent: *\nDisallow: /\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallow: /\n", NULL, "/x", BLOCKED },
	{ "User-agent: shardcrawl\nDisallow: /\n", NULL, "/x", ALLOWED },
	{ "User-agent: shardcrawl\nDisallow: /\n", "", "/x", ALLOWED },
	/* one group naming "*" and us; another "*" group does not apply */
	{ "User-agent: *\nUser-agent: shardcrawl\nDisallow: /a\n\n"
	  "User-agent: *\nDisallow: /b\n", UA, "/a", BLOCKED },
	{ "User-agent: *\nUser-agent: shardcrawl\nDisallow: /a\n\n"
	  "User-agent: *\nDisallow: /b\n", UA, "/b", ALLOWED },
	{ "User-agent: *\nUser-agent: shardcrawl\nDisallow: /a\n\n"
	  "User-agent: *\nDisallow: /b\n", "otherbot", "/b", BLOCKED },
	/* blank lines, comments and other records between the user-agent
	 * lines of one group */
	{ "User-agent: otherbot\n\n# hi\nSitemap: https://x/s.xml\n"
	  "Host: x\nUser-agent: shardcrawl\nDisallow: /x\n", UA, "/x",
	  BLOCKED },
	{ "User-agent: otherbot\n\nUser-agent: shardcrawl\nDisallow: /x\n",
	  "otherbot", "/x", BLOCKED },
	/* a user-agent line after a rule starts a new group */
	{ "User-agent: shardcrawl\nDisallow: /a\nUser-agent: otherbot\n"
	  "Disallow: /b\n", UA, "/b", ALLOWED },
	{ "User-agent: shardcrawl\nDisallow: /a\nUser-agent: otherbot\n"
	  "Disallow: /b\n", UA, "/a", BLOCKED },
	{ "User-agent: shardcrawl\nCrawl-delay: 1\nUser-agent: otherbot\n"
	  "Disallow: /b\n", UA, "/b", ALLOWED },
	/* rules of a group stay in it across blank lines and sitemaps */
	{ "User-agent: shardcrawl\nDisallow: /a\n\nSitemap: /s.xml\n\n"
	  "Disallow: /b\n", UA, "/b", BLOCKED },
};

/* Precedence, for "*". */
static const struct robots_case prec_cases[] = {
	{ "User-agent: *\nAllow: /p\nDisallow: /\n", UA, "/page", ALLOWED },
	{ "User-agent: *\nAllow: /p\nDisallow: /\n", UA, "/other", BLOCKED },
	{ "User-agent: *\nAllow: /folder\nDisallow: /folder\n", UA,
	  "/folder/page", ALLOWED },
	{ "User-agent: *\nDisallow: /folder\nAllow: /folder\n", UA,
	  "/folder/page", ALLOWED },
	{ "User-agent: *\nAllow: /page\nDisallow: /*.htm\n", UA, "/page.htm",
	  BLOCKED },
	{ "User-agent: *\nAllow: /$\nDisallow: /\n", UA, "/", ALLOWED },
	{ "User-agent: *\nAllow: /$\nDisallow: /\n", UA, "/page.htm",
	  BLOCKED },
	{ "User-agent: *\nDisallow: /a/b\nAllow: /a\n", UA, "/a/b/c", BLOCKED },
	{ "User-agent: *\nAllow: /a\nDisallow: /a/b\n", UA, "/a/b/c", BLOCKED },
	{ "User-agent: *\nAllow: /a\nDisallow: /a/b\n", UA, "/a/c", ALLOWED },
	{ "User-agent: *\nDisallow: /x\nAllow: /x$\n", UA, "/x", ALLOWED },
	{ "User-agent: *\nDisallow: /x\nAllow: /x$\n", UA, "/xy", BLOCKED },
	/* lengths are those of the normal form: a tie here, Allow wins */
	{ "User-agent: *\nAllow: /caf%c3%a9\nDisallow: /caf\xc3\xa9\n", UA,
	  "/caf%C3%A9", ALLOWED },
	{ "User-agent: *\nAllow: /%61bc\nDisallow: /ab\n", UA, "/abc",
	  ALLOWED },
	{ "User-agent: *\nAllow: /%61b\nDisallow: /abc\n", UA, "/abc",
	  BLOCKED },
	/* empty values are no rules */
	{ "User-agent: *\nDisallow:\n", UA, "/", ALLOWED },
	{ "User-agent: *\nDisallow: \t \n", UA, "/x", ALLOWED },
	{ "User-agent: *\nDisallow: /\nAllow:\n", UA, "/x", BLOCKED },
	/* /robots.txt is always allowed, and only it */
	{ "User-agent: *\nDisallow: /\n", UA, "/robots.txt", ALLOWED },
	{ "User-agent: *\nDisallow: /robots.txt\n", UA, "/robots.txt",
	  ALLOWED },
	{ "User-agent: *\nDisallow: /\n", UA, "/robots.txt.bak", BLOCKED },
};

/* Line syntax, for "*" unless the group says otherwise. */
static const struct robots_case syntax_cases[] = {
	{ "user-AGENT: *\nDISALLOW: /x\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallow: /x$ # no /y\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallow: /x$ # no /y\n", UA, "/y", ALLOWED },
	{ "User-agent: *\nDisallow: /x#y\n", UA, "/xz", BLOCKED },
	{ "# Disallow: /\nUser-agent: *\n# Disallow: /\nDisallow: /x\n", UA,
	  "/y", ALLOWED },
	{ "  User-agent  :  *  \n\t Disallow\t:\t/x\t\n", UA, "/x", BLOCKED },
	{ "User-agent:*\nDisallow:/x\n", UA, "/x", BLOCKED },
	{ "\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", UA, "/x", BLOCKED },
	{ "\xef\xbb\xbf\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", UA, "/x",
	  ALLOWED },
	{ "User-agent: *\r\nDisallow: /x\r\nDisallow: /y\r\n", UA, "/y",
	  BLOCKED },
	{ "User-agent: *\rDisallow: /x\rDisallow: /y\r", UA, "/y", BLOCKED },
	{ "User-agent: *\r\rDisallow: /x\n\r\nDisallow: /y", UA, "/y",
	  BLOCKED },
	{ "User-agent: *\r\nDisallow: /x$\r\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallow: /y", UA, "/y", BLOCKED },
	{ "User-agent *\nDisallow /x\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallow /x /y\n", UA, "/x", ALLOWED },
	{ "Useragent: *\nDisallow: /x\n", UA, "/x", BLOCKED },
	{ "User agent: *\nDisallow: /x\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisalow: /x\n", UA, "/x", BLOCKED },
	{ "User-agent: *\nDisallowed: /x\n", UA, "/x", ALLOWED },
	{ "User-agent: *\nAllowance: /x\nDisallow: /\n", UA, "/x", BLOCKED },
	{ "User-agent: *\n<html>\n:::\nfoo: bar\n: /x\nDisallow\n"
	  "\x80\xff\x01: /x\nDisallow: /y\n", UA, "/x", ALLOWED },
	{ "User-agent: *\n<html>\n:::\nfoo: bar\n: /x\nDisallow\n"
	  "\x80\xff\x01: /x\nDisallow: /y\n", UA, "/y", BLOCKED },
	{ "User-agent: *\nDisallow: /a: b\n", UA, "/a:%20b", BLOCKED },
	{ "User-agent: *\nDisallow: /a\\b\n", UA, "/a%5Cb", BLOCKED },
	{ "User-agent: *\nDisallow: /\xff\n", UA, "/%FF", BLOCKED },
};

struct delay_case {
	const char *txt;
	long want;
};

static const struct delay_case delay_cases[] = {
	{ "User-agent: *\nCrawl-delay: 1\n", 1000 },
	{ "User-agent: *\nCrawl-delay: 0.5\n", 500 },
	{ "User-agent: *\nCrawl-delay: 10.25\n", 10250 },
	{ "User-agent: *\nCrawl-delay: .5\n", 500 },
	{ "User-agent: *\nCrawl-delay: 5.\n", 5000 },
	{ "User-agent: *\nCrawl-delay: 0\n", 0 },
	{ "User-agent: *\nCrawl-delay: 1.23456\n", 1234 },
	{ "User-agent: *\ncrawl-DELAY :  7  # slow\n", 7000 },
	{ "User-agent: *\nCrawl-delay: 99999999999999999999\n", 2147483647L },
	{ "User-agent: *\nCrawl-delay: 2147483.647\n", 2147483647L },
	{ "User-agent: *\nCrawl-delay: 2147483.648\n", 2147483647L },
	{ "User-agent: *\nCrawl-delay: abc\n", -1 },
	{ "User-agent: *\nCrawl-delay: -1\n", -1 },
	{ "User-agent: *\nCrawl-delay: +1\n", -1 },
	{ "User-agent: *\nCrawl-delay: 1s\n", -1 },
	{ "User-agent: *\nCrawl-delay: 1,5\n", -1 },
	{ "User-agent: *\nCrawl-delay: 1.2.3\n", -1 },
	{ "User-agent: *\nCrawl-delay: .\n", -1 },
	{ "User-agent: *\nCrawl-delay: 1e3\n", -1 },
	{ "User-agent: *\nCrawl-delay:\n", -1 },
	{ "User-agent: *\nDisallow: /\n", -1 },
	{ "", -1 },
	/* the first valid one wins */
	{ "User-agent: *\nCrawl-delay: x\nCrawl-delay: 4\nCrawl-delay: 5\n",
	  4000 },
	/* from the chosen group only */
	{ "Crawl-delay: 9\nUser-agent: *\nDisallow: /x\n", -1 },
	{ "User-agent: *\nCrawl-delay: 10\n\nUser-agent: shardcrawl\n"
	  "Crawl-delay: 2\n", 2000 },
	{ "User-agent: shardcrawl\nCrawl-delay: 2\n\nUser-agent: *\n"
	  "Crawl-delay: 10\n", 2000 },
	{ "User-agent: *\nCrawl-delay: 10\n\nUser-agent: shardcrawl\n"
	  "Disallow: /x\n", -1 },
	{ "User-agent: otherbot\nCrawl-delay: 10\n\nUser-agent: *\n"
	  "Crawl-delay: 3\n", 3000 },
	/* merged groups: the first in file order */
	{ "User-agent: shardcrawl\nDisallow: /x\n\nUser-agent: *\n"
	  "Crawl-delay: 10\n\nUser-agent: shardcrawl\nCrawl-delay: 0.1\n",
	  100 },
};

static void test_delay(void)
{
	size_t i;

	for (i = 0; i < N(delay_cases); i++) {
		struct robots *r = robots_parse(delay_cases[i].txt,
						strlen(delay_cases[i].txt), UA);
		long got = robots_delay_ms(r);

		if (got != delay_cases[i].want)
			fprintf(stderr, "delay %zu: %ld, want %ld\n", i, got,
				delay_cases[i].want);
		CHECK_INT(got, delay_cases[i].want);
		robots_free(r);
	}
}

static void test_token(void)
{
	char out[64];

	CHECK_INT(robots_token(UA, out, sizeof(out)), 10);
	CHECK_STR(out, "shardcrawl");
	CHECK_INT(robots_token("shardcrawl/0.1 (+https://x)", out,
			       sizeof(out)), 10);
	CHECK_STR(out, "shardcrawl");
	CHECK_INT(robots_token("Googlebot-Image/1.0", out, sizeof(out)), 15);
	CHECK_STR(out, "Googlebot-Image");
	CHECK_INT(robots_token("ia_archiver", out, sizeof(out)), 11);
	CHECK_STR(out, "ia_archiver");
	CHECK_INT(robots_token("360Spider", out, sizeof(out)), 9);
	CHECK_INT(robots_token(" lead", out, sizeof(out)), 0);
	CHECK_STR(out, "");
	CHECK_INT(robots_token("", out, sizeof(out)), 0);
	CHECK_INT(robots_token("shardcrawl", out, 6), 5);
	CHECK_STR(out, "shard");
	CHECK_INT(robots_token("shardcrawl", out, 0), 0);
}

static void test_special(void)
{
	struct robots *r;
	static const char nul1[] = "User-agent: *\nDisallow: /a\0b\n"
				   "Disallow: /c\n";
	static const char nul2[] = "User-agent: *\nDis\0allow: /d\n"
				   "Disallow: /e\0\n";
	char path[6001];

	robots_free(NULL);

	r = robots_allow_all();
	check_path("allow_all", r, "/", ALLOWED);
	check_path("allow_all", r, "/x?y", ALLOWED);
	CHECK_INT(robots_rules(r), 0);
	CHECK_INT(robots_delay_ms(r), -1);
	robots_free(r);

	r = robots_deny_all();
	check_path("deny_all", r, "/", BLOCKED);
	check_path("deny_all", r, "/x?y", BLOCKED);
	check_path("deny_all", r, "/robots.txt", ALLOWED);
	CHECK_INT(robots_delay_ms(r), -1);
	robots_free(r);

	/* an empty file, and no file at all */
	r = robots_parse("", 0, UA);
	check_path("empty", r, "/", ALLOWED);
	CHECK_INT(robots_rules(r), 0);
	CHECK_INT(robots_delay_ms(r), -1);
	robots_free(r);
	r = robots_parse(NULL, 0, UA);
	check_path("null", r, "/x", ALLOWED);
	robots_free(r);
	r = robots_parse("\xef\xbb\xbf", 3, UA);
	check_path("bom only", r, "/x", ALLOWED);
	robots_free(r);

	/* NUL bytes are bytes: escaped in a pattern, fatal to a key */
	r = robots_parse(nul1, sizeof(nul1) - 1, UA);
	check_path("nul", r, "/c", BLOCKED);
	check_path("nul", r, "/a", ALLOWED);
	check_path("nul", r, "/a%00b", BLOCKED);
	CHECK_INT(robots_rules(r), 2);
	robots_free(r);
	r = robots_parse(nul2, sizeof(nul2) - 1, UA);
	check_path("nul", r, "/d", ALLOWED);
	check_path("nul", r, "/e%00", BLOCKED);
	check_path("nul", r, "/e", ALLOWED);
	robots_free(r);

	/* a path longer than the matcher's stack buffer */
	r = parse_str("User-agent: *\nDisallow: /*z$\n", UA);
	memset(path, 'y', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	check_path("long path", r, path, ALLOWED);
	path[sizeof(path) - 2] = 'z';
	check_path("long path", r, path, BLOCKED);
	robots_free(r);

	/* rule counts: empty values and groups that are not ours drop out,
	 * a line for "*" and us counts once */
	r = parse_str("User-agent: *\nDisallow: /a\nDisallow:\n"
		      "User-agent: other\nDisallow: /b\n", UA);
	CHECK_INT(robots_rules(r), 1);
	robots_free(r);
	r = parse_str("User-agent: *\nUser-agent: shardcrawl\nDisallow: /a\n"
		      "Allow: /b\n", UA);
	CHECK_INT(robots_rules(r), 2);
	robots_free(r);
}

/* Append comment lines that take b to exactly len bytes. */
static void pad_to(struct buf *b, size_t len)
{
	SC_ASSERT(b->len + 2 <= len);
	while (len - b->len > 101) {
		buf_putc(b, '#');
		while (b->len % 100 != 99)
			buf_putc(b, 'p');
		buf_putc(b, '\n');
	}
	buf_putc(b, '#');
	while (b->len + 1 < len)
		buf_putc(b, 'p');
	buf_putc(b, '\n');
	SC_ASSERT(b->len == len);
}

static void test_size_cap(void)
{
	struct buf b;
	struct robots *r;
	const char *cut = "Disallow: /cutrule\n";

	/* 600 KiB: the rule the cut falls in and all after it are ignored */
	buf_init(&b, 1u << 20);
	buf_puts(&b, "User-agent: *\nDisallow: /early\n");
	pad_to(&b, SC_ROBOTS_MAX - 14);
	buf_puts(&b, cut);      /* "Disallow: /cut" | "rule\n" */
	buf_puts(&b, "Disallow: /late\n");
	pad_to(&b, 600u << 10);
	buf_puts(&b, "Disallow: /later\n");
	r = robots_parse(b.data, b.len, UA);
	check_path("600k", r, "/early", BLOCKED);
	check_path("600k", r, "/cutabc", ALLOWED);
	check_path("600k", r, "/cutrule", ALLOWED);
	check_path("600k", r, "/late", ALLOWED);
	check_path("600k", r, "/later", ALLOWED);
	CHECK_INT(robots_rules(r), 1);
	robots_free(r);

	/* a line whose end falls right on the cut is whole */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\n");
	pad_to(&b, SC_ROBOTS_MAX - 15);
	buf_puts(&b, "Disallow: /edge\nDisallow: /late\n");
	r = robots_parse(b.data, b.len, UA);
	check_path("edge", r, "/edge", BLOCKED);
	check_path("edge", r, "/late", ALLOWED);
	robots_free(r);

	/* ... and so with CRLF, cut between CR and LF */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\n");
	pad_to(&b, SC_ROBOTS_MAX - 16);
	buf_puts(&b, "Disallow: /edge\r\nDisallow: /late\r\n");
	r = robots_parse(b.data, b.len, UA);
	check_path("edge crlf", r, "/edge", BLOCKED);
	robots_free(r);

	/* a pattern past SC_URL_MAX is dropped, one at it kept */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\nDisallow: /");
	while (b.len < 25 + SC_URL_MAX)
		buf_putc(&b, 'a');
	buf_puts(&b, "\nDisallow: /");
	while (b.len < 25 + SC_URL_MAX + 12 + SC_URL_MAX - 1)
		buf_putc(&b, 'b');
	buf_putc(&b, '\n');
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), 1);
	check_path("long rule", r, "/aaaa", ALLOWED);
	robots_free(r);

	buf_release(&b);
}

static void test_rule_cap(void)
{
	struct buf b;
	struct robots *r;
	int i;

	buf_init(&b, SC_ROBOTS_MAX);
	buf_puts(&b, "User-agent: *\n");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "Disallow: /r%05d/\n", i);
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), SC_ROBOTS_RULES_MAX);
	check_path("20000 rules", r, "/r00000/", BLOCKED);
	check_path("20000 rules", r, "/r09999/x", BLOCKED);
	check_path("20000 rules", r, "/r10000/", ALLOWED);
	check_path("20000 rules", r, "/r19999/", ALLOWED);
	robots_free(r);

	/* the cap on "*" rules does not take room from ours */
	buf_puts(&b, "User-agent: shardcrawl\nDisallow: /mine\n");
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), 1);
	check_path("20000 rules + ours", r, "/mine", BLOCKED);
	check_path("20000 rules + ours", r, "/r00000/", ALLOWED);
	robots_free(r);
	buf_release(&b);
}

/*
 * Patterns that make backtracking matchers exponential or quadratic.
 * These must return at once (tests/run.sh has a timeout); time them by
 * hand with "time ./build/test_robots".
 */
static void test_hostile(void)
{
	static const char evil[] = "/*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
	struct buf b, path;
	struct robots *r;
	int i;

	buf_init(&path, SC_URL_MAX);
	buf_putc(&path, '/');
	while (path.len < SC_URL_MAX)
		buf_putc(&path, 'a');

	buf_init(&b, SC_ROBOTS_MAX);
	buf_printf(&b, "User-agent: *\nDisallow: %s\n", evil);
	r = robots_parse(b.data, b.len, UA);
	check_path("evil", r, path.data, ALLOWED);
	path.data[path.len - 1] = 'b';
	check_path("evil", r, path.data, BLOCKED);
	path.data[path.len - 1] = 'a';
	robots_free(r);

	/* as many of them as the caps allow */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\n");
	for (i = 0; i < SC_ROBOTS_RULES_MAX; i++)
		buf_printf(&b, "Disallow: %s%d\n", evil, i % 10);
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), SC_ROBOTS_RULES_MAX);
	check_path("10000 evil", r, path.data, ALLOWED);
	robots_free(r);

	/* one pattern of SC_URL_MAX bytes, nearly all wildcards */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\nDisallow: /");
	for (i = 0; i < SC_URL_MAX / 2 - 2; i++)
		buf_puts(&b, "*a");
	buf_puts(&b, "b$\n");
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), 1);
	check_path("8k wildcards", r, path.data, ALLOWED);
	path.data[path.len - 1] = 'b';
	check_path("8k wildcards", r, path.data, BLOCKED);
	robots_free(r);

	/* runs of wildcards, and literal '*' in the path */
	buf_reset(&b);
	buf_puts(&b, "User-agent: *\nDisallow: /");
	for (i = 0; i < 2000; i++)
		buf_puts(&b, "**x");
	buf_puts(&b, "\n");
	r = robots_parse(b.data, b.len, UA);
	CHECK_INT(robots_rules(r), 1);
	memset(path.data + 1, '*', path.len - 1);
	check_path("stars", r, path.data, ALLOWED);
	for (i = 2; i < (int)path.len; i += 2)
		path.data[i] = 'x';
	check_path("stars", r, path.data, BLOCKED);
	robots_free(r);

	buf_release(&path);
	buf_release(&b);
}

static struct robots *parse_file(const char *path, const char *agent)
{
	size_t len = 0;
	char *txt = read_file(path, &len);
	struct robots *r = robots_parse(txt, len, agent);

	CHECK(txt != NULL);
	free(txt);
	return r;
}

static void test_fixtures(void)
{
	struct robots *r;

	r = parse_file("data/robots/news.txt", UA);
	CHECK_INT(robots_delay_ms(r), 1500);
	check_path("news", r, "/", ALLOWED);
	check_path("news", r, "/wiki/Main_Page", ALLOWED);
	check_path("news", r, "/w/index.php?title=X&action=history", BLOCKED);
	check_path("news", r, "/w/load.php?modules=site", ALLOWED);
	check_path("news", r, "/wiki/Special:Search", BLOCKED);
	check_path("news", r, "/wiki/Special%3ASearch", BLOCKED);
	check_path("news", r, "/wiki/Sp%C3%A9cial:Recherche", BLOCKED);
	check_path("news", r, "/wiki/Special:Random", ALLOWED);
	check_path("news", r, "/wiki/Special:RandomPage", BLOCKED);
	check_path("news", r, "/wiki/Fish?action=edit", BLOCKED);
	check_path("news", r, "/wiki/Fish?oldid=1&action=edit", BLOCKED);
	check_path("news", r, "/wiki/Fish?action=view", ALLOWED);
	check_path("news", r, "/search", BLOCKED);
	check_path("news", r, "/search?q=fish", ALLOWED);
	check_path("news", r, "/data/fish.json", BLOCKED);
	check_path("news", r, "/data/fish.json?v=2", ALLOWED);
	check_path("news", r, "/api/rest_v1/?doc", ALLOWED);
	check_path("news", r, "/api/rest_v1/page/Fish", BLOCKED);
	check_path("news", r, "/trap/1/2/3", BLOCKED);
	check_path("news", r, "/robots.txt", ALLOWED);
	robots_free(r);

	r = parse_file("data/robots/news.txt", "MJ12bot/v1.4.8");
	check_path("news mj12", r, "/wiki/Main_Page", BLOCKED);
	check_path("news mj12", r, "/robots.txt", ALLOWED);
	robots_free(r);
	r = parse_file("data/robots/news.txt", "ia_archiver");
	CHECK_INT(robots_delay_ms(r), 5000);
	check_path("news archiver", r, "/w/index.php", ALLOWED);
	robots_free(r);
	r = parse_file("data/robots/news.txt", "bingbot/2.0");
	CHECK_INT(robots_delay_ms(r), -1);
	check_path("news bing", r, "/w/index.php", BLOCKED);
	check_path("news bing", r, "/wiki/Special:Search", ALLOWED);
	robots_free(r);

	r = parse_file("data/robots/shop.txt", UA);
	CHECK_INT(robots_rules(r), 6);
	CHECK_INT(robots_delay_ms(r), 250);
	check_path("shop", r, "/", ALLOWED);
	check_path("shop", r, "/cart", BLOCKED);
	check_path("shop", r, "/cartoons", BLOCKED);
	check_path("shop", r, "/account/orders", ALLOWED);
	check_path("shop", r, "/search?q=shoes", ALLOWED);
	check_path("shop", r, "/shoes?color=red", ALLOWED);
	check_path("shop", r, "/shoes?color=red&sort=price", BLOCKED);
	check_path("shop", r, "/produits/catalogue.pdf", BLOCKED);
	check_path("shop", r, "/produits/catalogue.pdf?dl=1", ALLOWED);
	check_path("shop", r, "/produits/fiche-%C3%A9t%C3%A9.pdf", ALLOWED);
	check_path("shop", r, "/caf%C3%A9/menu", BLOCKED);
	robots_free(r);
	r = parse_file("data/robots/shop.txt", "otherbot");
	CHECK_INT(robots_delay_ms(r), 10000);
	check_path("shop other", r, "/account/orders", BLOCKED);
	check_path("shop other", r, "/search?q=shoes", BLOCKED);
	check_path("shop other", r, "/search/help", ALLOWED);
	check_path("shop other", r, "/shoes?sessionid=1", BLOCKED);
	robots_free(r);

	r = parse_file("data/robots/legacy.txt", UA);
	CHECK_INT(robots_rules(r), 4);
	CHECK_INT(robots_delay_ms(r), 2000);
	check_path("legacy", r, "/", ALLOWED);
	check_path("legacy", r, "/before-any-group", ALLOWED);
	check_path("legacy", r, "/cgi-bin/count.pl", BLOCKED);
	check_path("legacy", r, "/tmp/x", BLOCKED);
	check_path("legacy", r, "/private", BLOCKED);
	check_path("legacy", r, "/private/public/index.html", ALLOWED);
	robots_free(r);

	r = parse_file("data/robots/closed.txt", UA);
	check_path("closed", r, "/", BLOCKED);
	check_path("closed", r, "/docs/", ALLOWED);
	check_path("closed", r, "/docs/guide.html", ALLOWED);
	check_path("closed", r, "/docs/internal/plan.html", BLOCKED);
	check_path("closed", r, "/docs/internal/index.html", ALLOWED);
	check_path("closed", r, "/docs/internal/index.html?x=1", ALLOWED);
	robots_free(r);
	r = parse_file("data/robots/closed.txt", "ExampleBot");
	check_path("closed example", r, "/docs/", ALLOWED);
	robots_free(r);
	r = parse_file("data/robots/closed.txt", "otherbot");
	check_path("closed other", r, "/docs/", BLOCKED);
	robots_free(r);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_match_table();
	check_cases("rfc", rfc_cases, N(rfc_cases));
	check_cases("group", group_cases, N(group_cases));
	check_cases("precedence", prec_cases, N(prec_cases));
	check_cases("syntax", syntax_cases, N(syntax_cases));
	test_delay();
	test_token();
	test_special();
	test_size_cap();
	test_rule_cap();
	test_hostile();
	test_fixtures();
	return check_report(argv[0]);
}
