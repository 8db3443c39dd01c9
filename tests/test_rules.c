/*
 * test_rules.c - the pieces under extraction: the CSS subset's XPath
 * (a table of selectors and their translations, and of refusals), the
 * rules file's checks (every refusal names its rule and field), and the
 * JSON-LD parser (valid texts compacted, invalid ones refused).
 */
#include "common/css2xpath.h"
#include "common/err.h"
#include "common/jsonld.h"
#include "common/rules.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CLS(c) "[contains(concat(' ',normalize-space(@class),' '),' " c " ')]"

static const struct { const char *css, *xpath; } css_ok[] = {
	{ "div",                ".//div" },
	{ "DIV",                ".//div" },
	{ "*",                  ".//*" },
	{ ".price",             ".//*" CLS("price") },
	{ "span.price",         ".//span" CLS("price") },
	{ "span.a.b",           ".//span" CLS("a") CLS("b") },
	{ "#main",              ".//*[@id='main']" },
	{ "div#main.x",         ".//div[@id='main']" CLS("x") },
	{ "[data-id]",          ".//*[@data-id]" },
	{ "a[HREF]",            ".//a[@href]" },
	{ "a[rel=next]",        ".//a[@rel='next']" },
	{ "a[rel = \"next\"]",  ".//a[@rel='next']" },
	{ "a[title='it''s']",   NULL },         /* two strings: refused below */
	{ "a[title=\"it's\"]",  ".//a[@title=\"it's\"]" },
	{ "a[href^=http]",      ".//a[starts-with(@href,'http')]" },
	{ "a[href$='.pdf']",    ".//a[substring(@href,string-length(@href)-3)='.pdf']" },
	{ "a[href*=shop]",      ".//a[contains(@href,'shop')]" },
	{ "ul li",              ".//li[ancestor::ul]" },
	{ "ul > li",            ".//li[parent::ul]" },
	{ "ul>li",              ".//li[parent::ul]" },
	{ "div ul > li a",      ".//a[ancestor::li[parent::ul[ancestor::div]]]" },
	{ "li:first-child",     ".//li[not(preceding-sibling::*)]" },
	{ "li:nth-child(3)",    ".//li[count(preceding-sibling::*)=2]" },
	{ "tr > td:nth-child( 1 )", ".//td[count(preceding-sibling::*)=0][parent::tr]" },
	{ "h1, h2",             ".//h1 | .//h2" },
	{ "a.next,a.product",   ".//a" CLS("next") " | .//a" CLS("product") },
	{ "  div  ",            ".//div" },
	{ ".caf\xc3\xa9",       ".//*" CLS("caf\xc3\xa9") },
	{ "div.a > p:first-child span", ".//span[ancestor::p[not(preceding-sibling::*)]"
	  "[parent::div" CLS("a") "]]" },
};

static const struct { const char *css, *why; } css_bad[] = {
	{ "",                   "expected a selector" },
	{ "a,",                 "expected a selector" },
	{ "a + b",              "unsupported combinator" },
	{ "a ~ b",              "unsupported combinator" },
	{ "a:hover",            "unsupported pseudo-class" },
	{ "a::before",          "unsupported pseudo-element" },
	{ "li:nth-child(2n+1)", "unsupported :nth-child()" },
	{ "li:nth-child(0)",    "unsupported :nth-child()" },
	{ "a[rel~=x]",          "unsupported attribute operator" },
	{ "a[rel|=x]",          "unsupported attribute operator" },
	{ "a[rel",              "unsupported attribute operator" },
	{ "a[rel=x",            "expected ']'" },
	{ "a[='x']",            "expected an attribute name" },
	{ "a[t='x\\'y']",       "unsupported escape" },
	{ "a[t='x]",            "unterminated string" },
	{ "a[t='it''s']",       "expected ']'" },
	{ "a[t=\"a'b\"][u='a\"b']", NULL },     /* fine: one quote kind each */
	{ "ns|a",               "unexpected character" },
	{ ".",                  "expected a class name" },
	{ "#",                  "expected an id" },
	{ "a > > b",            "expected a selector" },
};

static void test_css(void)
{
	struct buf out;
	char err[256];
	size_t i;

	buf_init(&out, 1 << 20);
	for (i = 0; i < N(css_ok); i++) {
		int rc = css2xpath(css_ok[i].css, &out, err, sizeof(err));

		if (!css_ok[i].xpath) {
			CHECK(rc != 0);
			continue;
		}
		CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "  '%s': %s\n", css_ok[i].css, err);
		CHECK_STR(out.data, css_ok[i].xpath);
	}
	for (i = 0; i < N(css_bad); i++) {
		int rc = css2xpath(css_bad[i].css, &out, err, sizeof(err));

		if (!css_bad[i].why) {
			CHECK_INT(rc, 0);
			continue;
		}
		CHECK_INT(rc, SC_EINVAL);
		CHECK(strstr(err, css_bad[i].why) != NULL);
		if (!strstr(err, css_bad[i].why))
			fprintf(stderr, "  '%s': '%s', want '%s'\n", css_bad[i].css, err,
				css_bad[i].why);
	}
	buf_release(&out);
}

#define R1 "rules:\n  - match: '/p/'\n"

/* Bad rules files and what the message must say. */
static const struct { const char *yaml, *want; } rules_bad[] = {
	{ "",                                           "expected a mapping" },
	{ "rules: [\n",                                 "line " },
	{ "rule:\n  - match: x\n",                      "unknown key 'rule'" },
	{ "rules: []\n",                                "non-empty list" },
	{ "rules:\n  - item: '//a'\n",                  "rule 1: needs 'match'" },
	{ R1 "    matsch: x\n",                         "rule 1 (match '/p/'): unknown key 'matsch'" },
	{ R1 "  - match: '([a'\n",                      "rule 2 (match '([a'): match: bad regex" },
	{ R1 "    fields:\n      price: { css: 'span.price', regexp: 'x' }\n",
	  "rule 1 (match '/p/'): field 'price': unknown key 'regexp'" },
	{ R1 "    fields:\n      price: { css: 'span.price', regex: '([0-9' }\n",
	  "field 'price': regex: bad regex '([0-9'" },
	{ R1 "    fields:\n      name: { xpath: '//h1[' }\n",
	  "field 'name': xpath: XPath '//h1[' does not compile" },
	{ R1 "    fields:\n      name: { css: 'a:hover' }\n",
	  "field 'name': css: unsupported CSS selector: unsupported pseudo-class" },
	{ R1 "    fields:\n      name: { css: 'a', xpath: '//a' }\n",
	  "field 'name': 'xpath' has both css and xpath" },
	{ R1 "    fields:\n      name: { attr: href }\n", "field 'name': needs css or xpath" },
	{ R1 "    fields:\n      name: { css: a, all: maybe }\n",
	  "field 'name': 'all' must be true or false" },
	{ R1 "    fields:\n      url: { css: a }\n",      "bad field name 'url'" },
	{ R1 "    fields:\n      'a b': { css: a }\n",    "bad field name 'a b'" },
	{ R1 "    fields:\n      name: './/h1'\n",        "field 'name': must be a mapping" },
	{ R1 "    fields:\n      n: { css: a, html: true, attr: href }\n",
	  "field 'n': attr and html together" },
	{ R1 "    follow: { css: 'a.next', atr: href }\n", "follow: unknown key 'atr'" },
	{ R1 "    follow: 'a.next'\n",                  "'follow' must be a mapping" },
	{ R1 "    follow: { css: 'a +' }\n",             "follow: unsupported CSS selector" },
	{ R1 "    item: { css: 'div.p', attr: x }\n",   "item: unknown key 'attr'" },
	{ R1 "    item: '//div['\n",                    "item: XPath '//div[' does not compile" },
	{ R1 "    jsonld: 2\n",                         "'jsonld' must be true or false" },
};

static void test_rules(void)
{
	static const char good[] =
		"rules:\n"
		"  - match: '/product/[0-9]+'\n"
		"    item: '//div[@class=\"product\"]'\n"
		"    fields:\n"
		"      name:  { xpath: './/h1' }\n"
		"      price: { css: 'span.price', regex: '([0-9.]+)', required: true }\n"
		"      image: { css: 'img.main', attr: src }\n"
		"      tags:  { css: 'ul.tags li', all: true }\n"
		"      body:  { css: 'div.desc', html: yes }\n"
		"    jsonld: true\n"
		"    meta: true\n"
		"  - match: '/list/'\n"
		"    follow: { css: 'a.next' }\n";
	struct rules rs;
	char err[512];
	size_t i;

	CHECK_INT(rules_parse(&rs, good, strlen(good), "good.yaml", err, sizeof(err)), 0);
	CHECK_INT(rs.n, 2);
	if (rs.n == 2) {
		CHECK_INT(rs.r[0].nfields, 5);
		CHECK(rs.r[0].item.comp != NULL);
		CHECK(rs.r[0].fields[1].required && rs.r[0].fields[1].regex_src);
		CHECK(rs.r[0].fields[2].url_attr);
		CHECK(rs.r[0].fields[3].all && rs.r[0].fields[4].html);
		CHECK(rs.r[0].jsonld && rs.r[0].meta && !rs.r[0].follow);
		CHECK(rs.r[1].follow && strcmp(rs.r[1].follow_attr, "href") == 0);
		CHECK(rules_match(&rs, "http://s.test/product/12") == &rs.r[0]);
		CHECK(rules_match(&rs, "http://s.test/list/2") == &rs.r[1]);
		CHECK(rules_match(&rs, "http://s.test/about") == NULL);
		CHECK(rs.text_len == strlen(good));
	}
	rules_release(&rs);
	rules_release(&rs);

	for (i = 0; i < N(rules_bad); i++) {
		int rc = rules_parse(&rs, rules_bad[i].yaml, strlen(rules_bad[i].yaml),
				     "r.yaml", err, sizeof(err));

		CHECK(rc != 0);
		CHECK(strncmp(err, "r.yaml: ", 8) == 0 && strstr(err, rules_bad[i].want));
		if (!strstr(err, rules_bad[i].want))
			fprintf(stderr, "  case %zu: '%s', want '%s'\n", i, err, rules_bad[i].want);
		CHECK(rs.n == 0 && rs.r == NULL);
		rules_release(&rs);
	}
	CHECK_INT(rules_load(&rs, "/nonexistent/rules.yaml", err, sizeof(err)), SC_EIO);
	CHECK(strstr(err, "cannot read") != NULL);
}

static const struct { const char *in, *out; } json_ok[] = {
	{ "{}", "{}" },
	{ " [ ] ", "[]" },
	{ "{ \"@type\" : \"Product\", \"n\": [1, -2.5e3, 0, true, false, null] }",
	  "{\"@type\":\"Product\",\"n\":[1,-2.5e3,0,true,false,null]}" },
	{ "\"caf\xc3\xa9 \\u00e9 \\n\"", "\"caf\xc3\xa9 \\u00e9 \\n\"" },
	{ "\n\t{\"a\":{\"b\":{\"c\":[[]]}}}\r\n", "{\"a\":{\"b\":{\"c\":[[]]}}}" },
};

static const char *const json_bad[] = {
	"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "[1 2]", "{'a':1}", "01", "1.", "-",
	"1e", "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"a\tb\"", "\"\xff\"",
	"\"\xc3\"", "{} {}", "{\"a\":1,}", "[\"\xed\xa0\x80\"]", "NaN", "<!-- -->",
};

static void test_jsonld(void)
{
	struct buf out;
	char err[128], deep[200];
	size_t i;

	buf_init(&out, 1 << 20);
	for (i = 0; i < N(json_ok); i++) {
		buf_reset(&out);
		CHECK_INT(jsonld_compact(json_ok[i].in, strlen(json_ok[i].in), &out, err,
					 sizeof(err)), 0);
		CHECK_STR(out.data, json_ok[i].out);
	}
	for (i = 0; i < N(json_bad); i++) {
		buf_reset(&out);
		buf_puts(&out, "x");
		CHECK(jsonld_compact(json_bad[i], strlen(json_bad[i]), &out, err,
				     sizeof(err)) != 0);
		CHECK(strncmp(err, "byte ", 5) == 0);
		CHECK_STR(out.data, "x");       /* nothing left behind */
	}
	/* nesting: 64 levels pass, 65 do not */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	CHECK_INT(jsonld_compact(deep, 128, &out, err, sizeof(err)), 0);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	CHECK_INT(jsonld_compact(deep, 130, &out, err, sizeof(err)), SC_ETOOBIG);
	buf_release(&out);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_css();
	test_rules();
	test_jsonld();
	return check_report(argv[0]);
}
