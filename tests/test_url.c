/*
 * test_url.c - url_normalize(), url_resolve(), url_base_*(), url_host_key()
 * and url_host() against tables of inputs and expected normal forms.
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/url.h"
#include "tests/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RFC_BASE "http://a/b/c/d;p?q"

struct url_case {
	const char *base;       /* NULL: url_normalize(ref) */
	const char *ref;
	int err;
	const char *want;       /* NULL when err != 0 */
};

static const struct url_case cases[] = {
	/* RFC 3986 section 5.4.1, normal examples, in our normal form
	 * (fragments dropped, other schemes refused). */
	{ RFC_BASE, "g:h",            SC_ESCHEME, NULL },
	{ RFC_BASE, "g",              0, "http://a/b/c/g" },
	{ RFC_BASE, "./g",            0, "http://a/b/c/g" },
	{ RFC_BASE, "g/",             0, "http://a/b/c/g/" },
	{ RFC_BASE, "/g",             0, "http://a/g" },
	{ RFC_BASE, "//g",            0, "http://g/" },
	{ RFC_BASE, "?y",             0, "http://a/b/c/d;p?y" },
	{ RFC_BASE, "g?y",            0, "http://a/b/c/g?y" },
	{ RFC_BASE, "#s",             0, "http://a/b/c/d;p?q" },
	{ RFC_BASE, "g#s",            0, "http://a/b/c/g" },
	{ RFC_BASE, "g?y#s",          0, "http://a/b/c/g?y" },
	{ RFC_BASE, ";x",             0, "http://a/b/c/;x" },
	{ RFC_BASE, "g;x",            0, "http://a/b/c/g;x" },
	{ RFC_BASE, "g;x?y#s",        0, "http://a/b/c/g;x?y" },
	{ RFC_BASE, "",               0, "http://a/b/c/d;p?q" },
	{ RFC_BASE, ".",              0, "http://a/b/c/" },
	{ RFC_BASE, "./",             0, "http://a/b/c/" },
	{ RFC_BASE, "..",             0, "http://a/b/" },
	{ RFC_BASE, "../",            0, "http://a/b/" },
	{ RFC_BASE, "../g",           0, "http://a/b/g" },
	{ RFC_BASE, "../..",          0, "http://a/" },
	{ RFC_BASE, "../../",         0, "http://a/" },
	{ RFC_BASE, "../../g",        0, "http://a/g" },
	/* RFC 3986 section 5.4.2, abnormal examples. */
	{ RFC_BASE, "../../../g",     0, "http://a/g" },
	{ RFC_BASE, "../../../../g",  0, "http://a/g" },
	{ RFC_BASE, "/./g",           0, "http://a/g" },
	{ RFC_BASE, "/../g",          0, "http://a/g" },
	{ RFC_BASE, "g.",             0, "http://a/b/c/g." },
	{ RFC_BASE, ".g",             0, "http://a/b/c/.g" },
	{ RFC_BASE, "g..",            0, "http://a/b/c/g.." },
	{ RFC_BASE, "..g",            0, "http://a/b/c/..g" },
	{ RFC_BASE, "./../g",         0, "http://a/b/g" },
	{ RFC_BASE, "./g/.",          0, "http://a/b/c/g/" },
	{ RFC_BASE, "g/./h",          0, "http://a/b/c/g/h" },
	{ RFC_BASE, "g/../h",         0, "http://a/b/c/h" },
	{ RFC_BASE, "g;x=1/./y",      0, "http://a/b/c/g;x=1/y" },
	{ RFC_BASE, "g;x=1/../y",     0, "http://a/b/c/y" },
	{ RFC_BASE, "g?y/./x",        0, "http://a/b/c/g?y/./x" },
	{ RFC_BASE, "g?y/../x",       0, "http://a/b/c/g?y/../x" },
	{ RFC_BASE, "g#s/./x",        0, "http://a/b/c/g" },
	{ RFC_BASE, "g#s/../x",       0, "http://a/b/c/g" },
	/* "for backward compatibility", as browsers do */
	{ RFC_BASE, "http:g",         0, "http://a/b/c/g" },
	{ RFC_BASE, "HTTP:/g",        0, "http://a/g" },
	/* but another scheme than the base's starts an authority, after
	 * any number of slashes (the URL Standard's special authority ignore
	 * slashes state) */
	{ RFC_BASE, "https:g",        0, "https://g/" },
	{ RFC_BASE, "https:example.com/", 0, "https://example.com/" },
	{ RFC_BASE, "https:\\\\example.com\\x", 0, "https://example.com/x" },
	{ "https://s.test/a", "http:g", 0, "http://g/" },

	/* Backslashes: '/' before the query, as the URL Standard reads
	 * http(s) URLs; escaped in the query; the fragment goes. */
	{ RFC_BASE, "\\\\x",          0, "http://x/" },
	{ RFC_BASE, "/\\other.test/x", 0, "http://other.test/x" },
	{ RFC_BASE, "\\/other.test\\x", 0, "http://other.test/x" },
	{ RFC_BASE, "http:\\\\host\\x", 0, "http://host/x" },
	{ RFC_BASE, "http:/\\host/x", 0, "http://host/x" },
	{ RFC_BASE, "http:\\g",       0, "http://a/g" },
	{ RFC_BASE, "\\g",            0, "http://a/g" },
	{ RFC_BASE, "\\",             0, "http://a/" },
	{ RFC_BASE, "g\\h",           0, "http://a/b/c/g/h" },
	{ RFC_BASE, "..\\g",          0, "http://a/b/g" },
	{ RFC_BASE, "g\\h?x\\y#z\\w", 0, "http://a/b/c/g/h?x%5Cy" },
	{ RFC_BASE, "?x\\y",          0, "http://a/b/c/d;p?x%5Cy" },
	{ RFC_BASE, "\\\\",           SC_ENOHOST, NULL },
	{ NULL, "http://u\\@a.test/", 0, "http://u/@a.test/" },
	{ NULL, "http://a.test:81\\x", 0, "http://a.test:81/x" },
	{ NULL, "HTTPS:\\\\a.test",   0, "https://a.test/" },

	/* Other references. */
	{ RFC_BASE, "  ../g \n",      0, "http://a/b/g" },
	{ RFC_BASE, "\tg\n/h\r",      0, "http://a/b/c/g/h" },
	{ RFC_BASE, "g h",            0, "http://a/b/c/g%20h" },
	{ RFC_BASE, "%2e%2E/g",       0, "http://a/b/g" },
	{ RFC_BASE, "//Other.Test:80/x#y", 0, "http://other.test/x" },
	{ "https://s.test/a", "//x.test", 0, "https://x.test/" },
	{ "https://s.test/a", "http://x.test:443/", 0, "http://x.test:443/" },
	{ "https://S.TEST:443/a/b", "c", 0, "https://s.test/a/c" },
	{ RFC_BASE, "javascript:void(0)", SC_ESCHEME, NULL },
	{ RFC_BASE, "JavaScript:alert(1)", SC_ESCHEME, NULL },
	{ RFC_BASE, "mailto:x@a.test", SC_ESCHEME, NULL },
	{ RFC_BASE, "tel:+1234",      SC_ESCHEME, NULL },
	{ RFC_BASE, "ftp://a.test/x", SC_ESCHEME, NULL },
	{ RFC_BASE, "data:text/html,hi", SC_ESCHEME, NULL },
	{ RFC_BASE, "//a b/",         SC_EINVAL, NULL },
	{ "mailto:x@a.test", "g",     SC_ESCHEME, NULL },
	{ "/not/absolute", "g",       SC_EINVAL, NULL },

	/* Case folding. */
	{ NULL, "HTTP://WWW.Example.COM/A/B", 0, "http://www.example.com/A/B" },
	{ NULL, "HtTpS://A.TEST/?Q=A", 0, "https://a.test/?Q=A" },
	/* Default ports. */
	{ NULL, "http://a.test:80/",      0, "http://a.test/" },
	{ NULL, "https://a.test:443/x",   0, "https://a.test/x" },
	{ NULL, "http://a.test:443/",     0, "http://a.test:443/" },
	{ NULL, "https://a.test:80/",     0, "https://a.test:80/" },
	{ NULL, "http://a.test:8080/x",   0, "http://a.test:8080/x" },
	{ NULL, "http://a.test:/x",       0, "http://a.test/x" },
	{ NULL, "http://a.test:99999/",   SC_EINVAL, NULL },
	/* Empty path, query. */
	{ NULL, "http://a.test",          0, "http://a.test/" },
	{ NULL, "http://a.test?q=1",      0, "http://a.test/?q=1" },
	{ NULL, "http://a.test/x?b=2&a=1", 0, "http://a.test/x?b=2&a=1" },
	/* Percent-encoding. */
	{ NULL, "http://a.test/%7e%7Euser", 0, "http://a.test/~~user" },
	{ NULL, "http://a.test/%41%62%2D%2e%5F", 0, "http://a.test/Ab-._" },
	{ NULL, "http://a.test/a%2fb",    0, "http://a.test/a%2Fb" },
	{ NULL, "http://a.test/%e2%82%ac", 0, "http://a.test/%E2%82%AC" },
	{ NULL, "http://a.test/a b",      0, "http://a.test/a%20b" },
	{ NULL, "http://a.test/\xc3\xa9", 0, "http://a.test/%C3%A9" },
	{ NULL, "http://a.test/a\x01" "b\x7f", 0, "http://a.test/a%01b%7F" },
	{ NULL, "http://a.test/a\"b<c>{d}", 0, "http://a.test/a%22b%3Cc%3E%7Bd%7D" },
	{ NULL, "http://a.test/100%",     0, "http://a.test/100%25" },
	{ NULL, "http://a.test/%zz%4",    0, "http://a.test/%25zz%254" },
	{ NULL, "http://a.test/?q=a b&c=%41%3d", 0, "http://a.test/?q=a%20b&c=A%3D" },
	{ NULL, "http://a.test/x/%2E%2e/y", 0, "http://a.test/y" },
	{ NULL, "http://a.test/a%25b",    0, "http://a.test/a%25b" },
	/* Dot segments, fragments, white space. */
	{ NULL, "http://a.test/a/./b/../c", 0, "http://a.test/a/c" },
	{ NULL, "http://a.test/..",       0, "http://a.test/" },
	{ NULL, "http://a.test/x#frag",   0, "http://a.test/x" },
	{ NULL, "http://a.test/x#",       0, "http://a.test/x" },
	{ NULL, "http://a.test/x#a b",    0, "http://a.test/x" },
	{ NULL, "  http://a.test/x \r\n", 0, "http://a.test/x" },
	{ NULL, "http://a.te\nst/a\tb",   0, "http://a.test/ab" },
	/* Hosts. */
	{ NULL, "http://a.test./x",       0, "http://a.test/x" },
	{ NULL, "http://A.TEST.:8080/",   0, "http://a.test:8080/" },
	{ NULL, "http://[::1]/",          0, "http://[::1]/" },
	{ NULL, "http://[::1]:8080/x",    0, "http://[::1]:8080/x" },
	{ NULL, "https://[::1]:443/",     0, "https://[::1]/" },
	{ NULL, "http://[FE80::1]/",      0, "http://[fe80::1]/" },
	{ NULL, "http://[0:0::1]/",       0, "http://[::1]/" },
	{ NULL, "http://[::1/",           SC_EINVAL, NULL },
	{ NULL, "http://127.0.0.1:8000/", 0, "http://127.0.0.1:8000/" },
	{ NULL, "http://b\xc3\xbc" "cher.test/", 0, "http://xn--bcher-kva.test/" },
	{ NULL, "http://xn--bcher-kva.test/", 0, "http://xn--bcher-kva.test/" },
	{ NULL, "http://0./",             0, "http://0.0.0.0/" },
	{ NULL, "http://20%2E/",          0, "http://0.0.0.20/" },
	{ NULL, "http://1.2.3/",          0, "http://1.2.0.3/" },
	{ NULL, "http://a.%2e/x",         0, "http://a/x" },
	{ NULL, "http://%41.test/",       0, "http://a.test/" },
	{ NULL, "http://a.test%2F/",      SC_EINVAL, NULL },
	{ NULL, "http://a%00.test/",      SC_EINVAL, NULL },
	{ NULL, "http:/\x7f/",            SC_EINVAL, NULL },
	{ NULL, "http://./x",             SC_ENOHOST, NULL },
	/* Hosts as the URL Standard reads them: percent-decoded, mapped by
	 * UTS 46 (fullwidth forms, ideographic full stop), then a host that
	 * ends in a number is an IPv4 address or nothing. */
	/* "0Xc0.0250.01" in fullwidth forms, U+FF0E full stops */
	{ NULL, "http://\xef\xbc\x90\xef\xbc\xb8\xef\xbd\x83\xef\xbc\x90\xef\xbc\x8e\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95\xef\xbc\x90\xef\xbc\x8e\xef\xbc\x90\xef\xbc\x91/", 0, "http://192.168.0.1/" },
	/* the same, "x" lowercase, U+3002 ideographic full stops */
	{ NULL, "http://\xef\xbc\x90\xef\xbd\x98\xef\xbd\x83\xef\xbc\x90\xe3\x80\x82\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95\xef\xbc\x90\xe3\x80\x82\xef\xbc\x90\xef\xbc\x91/", 0, "http://192.168.0.1/" },
	/* "1.2.3" in fullwidth forms, and with a U+3002 at the end */
	{ NULL, "http://\xef\xbc\x91\xef\xbc\x8e\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x93/", 0, "http://1.2.0.3/" },
	{ NULL, "http://1.2.3\xe3\x80\x82/", 0, "http://1.2.0.3/" },
	/* fullwidth "a", U+3002, "b", U+FF0E, "TEST"; U+FF0E at the end */
	{ NULL, "http://\xef\xbd\x81\xe3\x80\x82\xef\xbd\x82\xef\xbc\x8e\xef\xbc\xb4\xef\xbc\xa5\xef\xbc\xb3\xef\xbc\xb4/", 0, "http://a.b.test/" },
	{ NULL, "http://a.test\xef\xbc\x8e/", 0, "http://a.test/" },
	/* escaped fullwidth "1.2" */
	{ NULL, "http://%EF%BC%91%EF%BC%8E%EF%BC%92/", 0, "http://1.0.0.2/" },
	{ NULL, "http://b%C3%BCcher.test/", 0, "http://xn--bcher-kva.test/" },
	/* fullwidth '/', ':', '@', '%' map to what no host holds */
	{ NULL, "http://a\xef\xbc\x8f" "b.test/", SC_EINVAL, NULL },
	{ NULL, "http://a\xef\xbc\x9a" "81/", SC_EINVAL, NULL },
	{ NULL, "http://u\xef\xbc\xa0" "a.test/", SC_EINVAL, NULL },
	{ NULL, "http://a\xef\xbc\x85" "41.test/", SC_EINVAL, NULL },
	{ NULL, "http://a%25.test/", SC_EINVAL, NULL },
	{ NULL, "http://0300.0xa8.0.1/", 0, "http://192.168.0.1/" },
	{ NULL, "http://3232235521/", 0, "http://192.168.0.1/" },
	{ NULL, "http://192.0xa80001/", 0, "http://192.168.0.1/" },
	{ NULL, "http://0XFF.1/", 0, "http://255.0.0.1/" },
	{ NULL, "http://1.2.65535/", 0, "http://1.2.255.255/" },
	{ NULL, "http://0x/", 0, "http://0.0.0.0/" },
	{ NULL, "http://1.0x/", 0, "http://1.0.0.0/" },
	{ NULL, "http://a.0x/", SC_EINVAL, NULL },
	{ NULL, "http://a.1/", SC_EINVAL, NULL },
	{ NULL, "http://1.2.3.09/", SC_EINVAL, NULL },
	{ NULL, "http://256.1.1.1/", SC_EINVAL, NULL },
	{ NULL, "http://1.256.0.0/", SC_EINVAL, NULL },
	{ NULL, "http://1.2.65536/", SC_EINVAL, NULL },
	{ NULL, "http://1.2.3.4.5/", SC_EINVAL, NULL },
	{ NULL, "http://1..2/", SC_EINVAL, NULL },
	{ NULL, "http://4294967296/", SC_EINVAL, NULL },
	{ NULL, "http://999999999999999999999/", SC_EINVAL, NULL },
	{ NULL, "http://a.0xg/", 0, "http://a.0xg/" },
	{ NULL, "http://1.2.3.4x/", 0, "http://1.2.3.4x/" },
	/* Slashes after the scheme, as the URL Standard reads them: any
	 * number, none too, with no base. */
	{ NULL, "http:/a.test/x",         0, "http://a.test/x" },
	{ NULL, "http:///a.test/x",       0, "http://a.test/x" },
	{ RFC_BASE, "///g",               0, "http://g/" },
	{ RFC_BASE, "https:/g",           0, "https://g/" },
	{ NULL, "http:a.test:81/x",       0, "http://a.test:81/x" },
	{ NULL, "HTTPS:\\/a.test",         0, "https://a.test/" },
	/* Userinfo. */
	{ NULL, "http://user:pw@A.Test/", 0, "http://user:pw@a.test/" },
	{ NULL, "http://user@a.test:81/", 0, "http://user@a.test:81/" },
	{ NULL, "http://@a.test/",        0, "http://a.test/" },
	{ NULL, "http://u@[::1]:81/",     0, "http://u@[::1]:81/" },
	{ NULL, "http://a@b@c.test/",     0, "http://a%40b@c.test/" },
	{ NULL, "http://u%7e:p%2f@a.test/", 0, "http://u~:p%2F@a.test/" },
	/* Other schemes. */
	{ NULL, "mailto:x@a.test",        SC_ESCHEME, NULL },
	{ NULL, "javascript:alert(1)",    SC_ESCHEME, NULL },
	{ NULL, "ftp://a.test/x",         SC_ESCHEME, NULL },
	{ NULL, "data:text/plain,x",      SC_ESCHEME, NULL },
	{ NULL, "file:///etc/passwd",     SC_ESCHEME, NULL },
	/* Garbage. */
	{ NULL, "",                       SC_EINVAL, NULL },
	{ NULL, "   ",                    SC_EINVAL, NULL },
	{ NULL, "garbage",                SC_EINVAL, NULL },
	{ NULL, "/relative/x",            SC_EINVAL, NULL },
	{ NULL, "//a.test/x",             SC_EINVAL, NULL },
	{ NULL, "http:",                  SC_ENOHOST, NULL },
	{ NULL, "http://",                SC_ENOHOST, NULL },
	{ NULL, "http://./",              SC_ENOHOST, NULL },
	{ NULL, "http://a b.test/",       SC_EINVAL, NULL },
	{ NULL, "http://a.test:x/",       SC_EINVAL, NULL },
};

struct key_case {
	const char *nurl;
	int ret;                /* length or error */
	const char *key;        /* url_host_key() */
	const char *host;       /* url_host() */
};

static const struct key_case keys[] = {
	{ "http://a.test/x",            9, "a.test:80",   "a.test" },
	{ "https://a.test/",           10, "a.test:443",  "a.test" },
	{ "http://a.test:8080/",       11, "a.test:8080", "a.test" },
	{ "https://a.test:80/?q",       9, "a.test:80",   "a.test" },
	{ "http://u:p@a.test:81/x@y",   9, "a.test:81",   "a.test" },
	{ "http://[::1]/",              8, "[::1]:80",    "[::1]" },
	{ "https://[::1]:8443/x",      10, "[::1]:8443",  "[::1]" },
	{ "http://u@[fe80::1]:1/",     11, "[fe80::1]:1", "[fe80::1]" },
	{ "http://A.Test/",             9, "a.test:80",   "A.Test" },
	{ "http://a.test?q",            9, "a.test:80",   "a.test" },
	{ "ftp://a.test/",      SC_EINVAL, NULL, NULL },
	{ "http:///x",          SC_EINVAL, NULL, NULL },
	{ "http://[::1/",       SC_EINVAL, NULL, NULL },
	{ "http://a.test:8x/",  SC_EINVAL, NULL, NULL },
	{ "a.test",             SC_EINVAL, NULL, NULL },
};

static int run_case(const struct url_case *c, char **out)
{
	if (!c->base)
		return url_normalize(c->ref, out);
	return url_resolve(c->base, c->ref, out);
}

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct url_case *c = &cases[i];
		char *out = (char *)1, *again = NULL;
		int err = run_case(c, &out);

		if (err != c->err || (out == NULL) != (c->want == NULL))
			fprintf(stderr, "case %zu: '%s' + '%s'\n", i,
				c->base ? c->base : "", c->ref);
		CHECK_INT(err, c->err);
		CHECK_STR(out, c->want);
		/* The normal form is a fixed point. */
		if (out) {
			CHECK_INT(url_normalize(out, &again), 0);
			CHECK_STR(again, out);
		}
		free(again);
		free(out);
	}
}

/* url_base_resolve() with one base for many references gives what the
 * one-shot url_resolve() gives. */
static void test_base(void)
{
	struct url_base b;
	char *out = NULL;
	size_t i;

	url_base_init(&b);
	CHECK_INT(url_base_resolve(&b, "g", &out), SC_EINVAL);
	CHECK(out == NULL);
	CHECK_INT(url_base_set(&b, "mailto:x@a.test"), SC_ESCHEME);
	CHECK(b.h == NULL);
	CHECK_INT(url_base_set(&b, "http://x.test/old/"), 0);
	CHECK_INT(url_base_set(&b, RFC_BASE), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct url_case *c = &cases[i];

		if (!c->base || strcmp(c->base, RFC_BASE) != 0)
			continue;
		CHECK_INT(url_base_resolve(&b, c->ref, &out), c->err);
		CHECK_STR(out, c->want);
		free(out);
	}
	/* A failed set keeps the old base. */
	CHECK_INT(url_base_set(&b, "garbage"), SC_EINVAL);
	CHECK_INT(url_base_resolve(&b, "../x", &out), 0);
	CHECK_STR(out, "http://a/b/x");
	free(out);
	url_base_release(&b);
	CHECK(b.h == NULL);
	url_base_release(&b);
}

static void test_length(void)
{
	size_t n = SC_URL_MAX + 100;
	char *u = xmalloc(n + 1), *out = NULL, *ref;

	/* Exactly SC_URL_MAX bytes pass, one more does not. */
	memset(u, 'x', n);
	memcpy(u, "http://a.test/", 14);
	u[SC_URL_MAX] = '\0';
	CHECK_INT(url_normalize(u, &out), 0);
	CHECK_INT(out ? strlen(out) : 0, SC_URL_MAX);
	free(out);
	u[SC_URL_MAX] = 'x';
	u[SC_URL_MAX + 1] = '\0';
	CHECK_INT(url_normalize(u, &out), SC_ETOOBIG);
	CHECK(out == NULL);
	u[n] = '\0';
	CHECK_INT(url_normalize(u, &out), SC_ETOOBIG);
	/* Escaping past the cap. */
	memset(u + 14, ' ', SC_URL_MAX / 2);
	u[14 + SC_URL_MAX / 2] = 'x';
	u[15 + SC_URL_MAX / 2] = '\0';
	CHECK_INT(url_normalize(u, &out), SC_ETOOBIG);

	/* A reference under the cap that resolves to a URL over it. */
	memset(u, 'b', n);
	memcpy(u, "http://a.test/", 14);
	u[5000] = '/';
	u[5001] = '\0';
	ref = xmalloc(5001);
	memset(ref, 'r', 5000);
	ref[5000] = '\0';
	CHECK_INT(url_resolve(u, ref, &out), SC_ETOOBIG);
	CHECK(out == NULL);
	free(ref);
	free(u);
}

static void test_keys(void)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key_case *k = &keys[i];
		char out[SC_HOST_MAX + 8];
		const char *h = NULL;
		size_t hl = 0;
		int ret;

		ret = url_host_key(k->nurl, out, sizeof(out));
		CHECK_INT(ret, k->ret);
		if (ret >= 0)
			CHECK_STR(out, k->key);
		ret = url_host(k->nurl, &h, &hl);
		CHECK_INT(ret, k->host ? 0 : SC_EINVAL);
		if (k->host) {
			CHECK_INT(hl, strlen(k->host));
			CHECK(h && strncmp(h, k->host, hl) == 0);
		}
	}
	{
		char small[10];

		/* "a.test:80" needs 10 bytes with its NUL. */
		CHECK_INT(url_host_key("http://a.test/", small, 10), 9);
		CHECK_STR(small, "a.test:80");
		CHECK_INT(url_host_key("http://a.test/", small, 9), SC_ETOOBIG);
		CHECK_INT(url_host_key("http://a.test/", small, 0), SC_ETOOBIG);
	}
	{
		/* The host key of what url_normalize() made. */
		char *n = NULL, out[64];

		CHECK_INT(url_normalize("HTTP://User@Www.A.Test.:80/x", &n), 0);
		CHECK_INT(url_host_key(n, out, sizeof(out)), 13);
		CHECK_STR(out, "www.a.test:80");
		free(n);
	}
}

/*
 * The fast path of url_base_resolve() must agree with libcurl's resolution
 * everywhere: random references over an alphabet of the characters that
 * decide which path is taken and how (dots, slashes, query, fragment),
 * against bases with and without a query, a port, a deep path.
 */
static void test_fast_path(void)
{
	static const char *const bases[] = {
		"http://a.test/b/c/d;p?q", "https://a.test:8443/", "http://a.test/x",
		"http://u@a.test/dir/sub/page.html?x=1&y=2", "http://[::1]:81/a/b/",
	};
	static const char alpha[] = "ab./?#=&-~_Z9";
	unsigned seed = 12345;
	int i, k, agree = 0, differ = 0;
	char ref[16];

	for (k = 0; k < (int)(sizeof(bases) / sizeof(bases[0])); k++) {
		struct url_base b;

		url_base_init(&b);
		CHECK_INT(url_base_set(&b, bases[k]), 0);
		for (i = 0; i < 20000; i++) {
			char *x = NULL, *y = NULL;
			int len = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12, j, rx, ry;

			for (j = 0; j < len; j++)
				ref[j] = alpha[((seed = seed * 1103515245u + 12345u) >> 16) %
					       (sizeof(alpha) - 1)];
			ref[len] = '\0';
			rx = url_base_resolve(&b, ref, &x);
			ry = url_base_resolve_curl(&b, ref, &y);
			if (rx == ry && ((!x && !y) || (x && y && strcmp(x, y) == 0))) {
				agree++;
			} else {
				if (differ++ < 10)
					fprintf(stderr, "base '%s' ref '%s': fast %d '%s', curl %d '%s'\n",
						bases[k], ref, rx, x ? x : "", ry, y ? y : "");
			}
			free(x);
			free(y);
		}
		url_base_release(&b);
	}
	CHECK_INT(differ, 0);
	CHECK(agree == 100000);

	/* references made of dot segments and names, as documentation trees
	 * link ("../../library/os.html#x"), against deep and shallow bases */
	{
		static const char *const dbases[] = {
			"http://a.test/1/2/3/page.html", "http://a.test/1/", "http://a.test/",
			"http://a.test/1/2/?q=1", "https://a.test:8443/a/b/c",
		};
		static const char *const tok[] = { "../", "./", "..", ".", "a", "b.html", "/",
						   "?x=1", "#f", "c/" };
		int dagree = 0;

		differ = 0;
		for (k = 0; k < (int)(sizeof(dbases) / sizeof(dbases[0])); k++) {
			struct url_base b;

			url_base_init(&b);
			CHECK_INT(url_base_set(&b, dbases[k]), 0);
			for (i = 0; i < 4000; i++) {
				char dref[64], *x = NULL, *y = NULL;
				int nt = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6, j, rx, ry;

				dref[0] = '\0';
				for (j = 0; j < nt; j++)
					strcat(dref, tok[((seed = seed * 1103515245u + 12345u) >> 16) %
							 (sizeof(tok) / sizeof(tok[0]))]);
				rx = url_base_resolve(&b, dref, &x);
				ry = url_base_resolve_curl(&b, dref, &y);
				if (rx == ry && ((!x && !y) || (x && y && strcmp(x, y) == 0)))
					dagree++;
				else if (differ++ < 10)
					fprintf(stderr, "base '%s' ref '%s': fast %d '%s', curl %d '%s'\n",
						dbases[k], dref, rx, x ? x : "", ry, y ? y : "");
				free(x);
				free(y);
			}
			url_base_release(&b);
		}
		CHECK_INT(differ, 0);
		CHECK(dagree == 20000);
	}

	/* absolute references: every combination of the scheme, host and port
	 * spellings that libcurl normalizes (or not), with sample paths */
	{
		static const char *const schemes[] = { "http://", "https://", "HTTP://", "http:/" };
		static const char *const hosts[] = {
			"a.test", "127.0.0.7", "0x7f", "127.1", "1.2.3.4x", "A.test",
			"a..b", "-a.test", "a.test.", "b-c.d9", "256.1.1.1", "01.2.3.4",
			"1.2.3.4", "9", "x-", "u@a.test", "[::1]", "a_b.test",
		};
		static const char *const ports[] = {
			"", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":08080", ":",
		};
		static const char *const paths[] = {
			"/", "/p6.html", "", "/a/./b", "/a/../b", "/x?y=1&z", "/x?",
			"/x#f", "/%41", "/a b", "?q", "/A~_-.z/",
		};
		struct url_base b;
		size_t si, hi, pi, qi;
		int bad = 0, n = 0;

		url_base_init(&b);
		url_base_set(&b, "http://base.test/dir/page.html");
		for (si = 0; si < 4; si++)
			for (hi = 0; hi < sizeof(hosts) / sizeof(hosts[0]); hi++)
				for (pi = 0; pi < sizeof(ports) / sizeof(ports[0]); pi++)
					for (qi = 0; qi < sizeof(paths) / sizeof(paths[0]); qi++) {
			char abs[128], *x = NULL, *y = NULL;
			int rx, ry;

			snprintf(abs, sizeof(abs), "%s%s%s%s", schemes[si], hosts[hi],
				 ports[pi], paths[qi]);
			rx = url_base_resolve(&b, abs, &x);
			ry = url_base_resolve_curl(&b, abs, &y);
			n++;
			if (rx != ry || (x && y && strcmp(x, y)) || (!x != !y)) {
				if (bad++ < 10)
					fprintf(stderr, "ref '%s': fast %d '%s', curl %d '%s'\n",
						abs, rx, x ? x : "", ry, y ? y : "");
			}
			free(x);
			free(y);
		}
		url_base_release(&b);
		CHECK_INT(bad, 0);
		CHECK_INT(n, 4 * 18 * 9 * 12);
	}
}

/*
 * The property url.h promises: every URL that comes out normalizes to
 * itself, whether it came out of url_normalize() or of a resolution.
 * PROP_CASES references built by a fixed-seed PRNG from pieces that take
 * the parser's odd paths (backslashes, dot segments, escapes, fullwidth and
 * other non-ASCII bytes, IPv4 forms, tabs, scheme spellings) go through
 * url_normalize() and, against a few bases, url_base_resolve() and
 * url_base_resolve_curl() (which must agree).  Two readings of the URL
 * Standard are checked on the way: a tab put anywhere changes nothing, nor
 * does a backslash before the query turned into '/'.
 */
#define PROP_CASES 100000

static uint32_t prop_rand(uint32_t *s)
{
	/* xorshift32: the same sequence on every platform */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* normalize(u) == u, or report u (and where it came from) once. */
static int prop_fixed(const char *u, const char *from)
{
	char *again = NULL;
	int rc = url_normalize(u, &again), ok = rc == 0 && strcmp(again, u) == 0;

	if (!ok)
		fprintf(stderr, "not a fixed point: '%s' (from '%s') gives %d '%s'\n",
			u, from, rc, again ? again : "");
	free(again);
	return ok;
}

/* Do the two calls give the same answer? */
static int prop_same(int rx, const char *x, int ry, const char *y)
{
	return rx == ry && ((!x && !y) || (x && y && strcmp(x, y) == 0));
}

static void test_idempotent(void)
{
	static const char *const schemes[] = {
		"", "", "http://", "https://", "http://", "https://", "HTTP://",
		"http:", "https:", "hTtPs:", "http:/", "https:///", "http:\\\\",
		"https:\\", "//",
		"\\\\", "/\\", "\\/", "\\", "/", " \t http://", "ht\ttp://",
		"ftp://", "?", "#",
	};
	static const char *const hosts[] = {
		"a.test", "a.test", "a.test", "A.Test", "b%C3%BCcher", "xn--bcher-kva", "\xc3\xbc",
		"\xc3\x9f", "%41", "%2e", "%2E", "%", "%%33", "%25", "%00",
		"\xef\xbc\x90", "\xef\xbc\x91", "\xef\xbc\xb8", "\xef\xbd\x98",
		"\xef\xbd\x83", "\xef\xbc\x8e", "\xe3\x80\x82", "\xef\xbd\xa1",
		"\xef\xbc\x8f", "\xef\xbc\xa0", "\xef\xbc\x9a", "\xef\xbc\x85",
		"%EF%BC%90", "%EF%BC%8E", "0x7f", "0X", "0x", "0", "00", "010",
		"09", "1", "255", "256", "4294967295", "4294967296",
		"99999999999999999999", "1.2", "1.2.3", "192.168.0.1",
		"0300.0xa8.0.1", "[::1]", "[fe80::1%25eth0]", "[0:0::1]", "[::1",
		"u@", "u:p@", "@", ":80", ":443", ":8080", ":08080", ":", ":x",
		".", ".", "-", "_", "\t",
	};
	static const char *const tails[] = {
		".", ".", "..", "/", "/", "/", "\\", "\\", "./", "../", "/.", "/..",
		"%2e%2E", ".%2e", "a", "b c", "~", "%7e", "%7E", "%5C", "%5c",
		"%2F", "%zz", "%4", "%", "?", "?", "#", "&", "=", ";", "@", "[",
		"]", "|", "^", "{", "`", "\"", "'", "<", "\xef\xbc\x8e", "\xc3\xa9",
		"\t", "\n", "\r", " ", "\x01", "\x1f", "\x7f", "\xff",
	};
	static const char *const bases[] = {
		RFC_BASE, "https://s.test/a/b/?q", "http://[::1]:81/x",
		"http://u@h.test//d/e", "https://192.168.0.1/",
	};
	struct url_base b[sizeof(bases) / sizeof(bases[0])];
	size_t nb = sizeof(bases) / sizeof(bases[0]);
	uint32_t seed = 20240607;
	int i, bad = 0, normalized = 0, resolved = 0;
	size_t k;

	for (k = 0; k < nb; k++) {
		url_base_init(&b[k]);
		CHECK_INT(url_base_set(&b[k], bases[k]), 0);
	}
	for (i = 0; i < PROP_CASES; i++) {
		char ref[512], alt[sizeof(ref) + 1], *x = NULL, *y = NULL, *z = NULL;
		size_t n, len = 0, j, at;
		const struct url_base *base = &b[(size_t)i % nb];
		int rx, ry, rz, query = 0;

		/* scheme, 1-3 pieces of host, most often a '/', 0-5 pieces of
		 * path and the rest */
		len = (size_t)snprintf(ref, sizeof(ref), "%s",
			schemes[prop_rand(&seed) % (sizeof(schemes) / sizeof(schemes[0]))]);
		for (n = 1 + prop_rand(&seed) % 3, j = 0; j < n; j++)
			len += (size_t)snprintf(ref + len, sizeof(ref) - len, "%s",
				hosts[prop_rand(&seed) % (sizeof(hosts) / sizeof(hosts[0]))]);
		if (prop_rand(&seed) % 4)
			len += (size_t)snprintf(ref + len, sizeof(ref) - len, "/");
		for (n = prop_rand(&seed) % 6, j = 0; j < n; j++)
			len += (size_t)snprintf(ref + len, sizeof(ref) - len, "%s",
				tails[prop_rand(&seed) % (sizeof(tails) / sizeof(tails[0]))]);

		rx = url_normalize(ref, &x);
		if (rx == 0) {
			normalized++;
			bad += !prop_fixed(x, ref);
		}
		ry = url_base_resolve(base, ref, &y);
		rz = url_base_resolve_curl(base, ref, &z);
		if (!prop_same(ry, y, rz, z)) {
			if (bad++ < 10)
				fprintf(stderr, "base '%s' ref '%s': fast %d '%s', curl %d '%s'\n",
					base->norm, ref, ry, y ? y : "", rz, z ? z : "");
		} else if (ry == 0) {
			resolved++;
			bad += !prop_fixed(y, ref);
		}
		free(y);
		free(z);
		y = z = NULL;

		/* a tab anywhere is dropped */
		at = prop_rand(&seed) % (len + 1);
		memcpy(alt, ref, at);
		alt[at] = '\t';
		memcpy(alt + at + 1, ref + at, len - at + 1);
		ry = url_normalize(alt, &y);
		/* a backslash before the query or fragment is a '/' */
		for (j = 0; j < len; j++) {
			query |= ref[j] == '?' || ref[j] == '#';
			alt[j] = ref[j] == '\\' && !query ? '/' : ref[j];
		}
		alt[len] = '\0';
		rz = url_normalize(alt, &z);
		if (!prop_same(rx, x, ry, y) || !prop_same(rx, x, rz, z)) {
			if (bad++ < 10)
				fprintf(stderr, "'%s' gives %d '%s', with a tab %d '%s', "
					"with '/' for '\\' %d '%s'\n", ref, rx, x ? x : "",
					ry, y ? y : "", rz, z ? z : "");
		}
		free(x);
		free(y);
		free(z);
	}
	for (k = 0; k < nb; k++)
		url_base_release(&b[k]);
	CHECK_INT(bad, 0);
	/* the pieces must make URLs often enough for the test to mean much */
	CHECK(normalized > PROP_CASES / 10);
	CHECK(resolved > PROP_CASES / 3);
	printf("url property: %d references, %d normalized, %d resolved\n",
	       PROP_CASES, normalized, resolved);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_table();
	test_base();
	test_length();
	test_keys();
	test_fast_path();
	test_idempotent();
	return check_report(argv[0]);
}
