/*
 * test_coord.c - the coordinator's own rules, without processes: the
 * split of -c over shards, the journal's lines (new and old forms), the
 * pages.jsonl line and its readers, the spider-trap guards, the suffix
 * filters, page outcomes, the per-host table, the --resume conflict
 * messages, reading peak RSS from /proc.
 */
#include "common/err.h"
#include "common/msg.h"
#include "crawler/frontier.h"
#include "crawler/hoststats.h"
#include "crawler/journal.h"
#include "crawler/pages.h"
#include "crawler/rss.h"
#include "crawler/scope.h"
#include "crawler/settings.h"
#include "crawler/share.h"
#include "crawler/source.h"
#include "crawler/stats.h"

#include "tests/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_share_split(void)
{
	static const struct {
		int n;
		uint64_t c;
		uint64_t demand[4];
		uint32_t want[4];
	} cases[] = {
		/* no demand: equal parts, rounded up */
		{ 2, 64, { 0, 0 }, { 32, 32 } },
		{ 3, 64, { 0, 0, 0 }, { 22, 22, 22 } },
		/* demand over -c: in proportion (8 hosts x 32 per host, 6/2) */
		{ 2, 256, { 192, 64 }, { 192, 64 } },
		{ 2, 256, { 384, 128 }, { 192, 64 } },
		/* demand under -c: the spare spread the same way */
		{ 2, 64, { 8, 8 }, { 32, 32 } },
		{ 2, 64, { 24, 8 }, { 48, 16 } },
		/* a shard without demand keeps one */
		{ 2, 64, { 16, 0 }, { 64, 1 } },
		{ 4, 100, { 0, 50, 0, 50 }, { 1, 50, 1, 50 } },
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t out[4] = { 0 };
		share_split(cases[i].demand, cases[i].n, cases[i].c, out);
		for (k = 0; k < cases[i].n; k++)
			CHECK_INT(out[k], cases[i].want[k]);
	}
}

static void test_journal(void)
{
	struct buf b;
	struct journal_rec r;
	char line[256];

	buf_init(&b, 1 << 16);
	CHECK_INT(journal_referrer(&b, "http://a.test/"), 0);
	CHECK_STR(b.data, "R\thttp://a.test/\n");
	CHECK_INT(journal_admit(&b, "http://a.test/x", 2, 1), 0);
	CHECK_STR(b.data, "A\t2\t1\thttp://a.test/x\n");

	strcpy(line, "A\t2\t1\thttp://a.test/x");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK_INT(r.kind, 'A');
	CHECK_INT(r.depth, 2);
	CHECK_INT(r.redirects, 1);
	CHECK_STR(r.url, "http://a.test/x");
	CHECK_INT(r.has_ref, 0);

	strcpy(line, "R\thttp://a.test/");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK_INT(r.kind, 'R');
	CHECK_STR(r.referrer, "http://a.test/");
	strcpy(line, "R\t-");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK(r.referrer == NULL && r.has_ref);

	/* the old form: the referrer on the A line */
	strcpy(line, "A\t1\t0\thttp://a.test/y\thttp://a.test/");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK_STR(r.referrer, "http://a.test/");
	CHECK_INT(r.has_ref, 1);
	strcpy(line, "A\t0\t0\thttp://a.test/\t-");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK(r.referrer == NULL && r.has_ref);

	/* a requisite: a Q line, read as an A line with its level */
	CHECK_INT(journal_requisite(&b, "http://a.test/i.png", 3, 0, 2), 0);
	CHECK_STR(b.data, "Q\t2\t3\t0\thttp://a.test/i.png\n");
	strcpy(line, "Q\t2\t3\t1\thttp://a.test/i.png");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK(r.kind == 'A' && r.requisite == 2 && r.depth == 3 && r.redirects == 1);
	CHECK_STR(r.url, "http://a.test/i.png");
	CHECK_INT(r.has_ref, 0);
	strcpy(line, "A\t2\t1\thttp://a.test/x");
	CHECK_INT(journal_parse(line, &r), 0);
	CHECK_INT(r.requisite, 0);
	CHECK_INT(FENTRY_LEVEL(FENTRY_HOPS(7, 3)), 3);
	CHECK_INT(FENTRY_REDIRECTS(FENTRY_HOPS(7, 3)), 7);

	/* what is not a journal line */
	{
		static const char *bad[] = {
			"Q\t0\t1\t0\thttp://a/", "Q\t256\t1\t0\thttp://a/",
			"Q\t1\t1\t0", "Q\t1\t1\t0\thttp://a/\tref",
			"", "X\t1", "A\t1\t0", "A\tx\t0\thttp://a/", "A\t1\t0\t",
			"A\t1\t0\thttp://a/\tref\textra", "R", "R\t", "R\ta\tb",
			"U\tx", "U\t1\tnot-eof", "AA\t1\t0\thttp://a/",
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			strcpy(line, bad[i]);
			CHECK_INT(journal_parse(line, &r), SC_EINVAL);
		}
	}
	buf_release(&b);
}

static void test_pages(void)
{
	struct buf b;
	struct msg_result r;
	struct pages_where w = { .warc_file = "crawl-00003.warc.gz", .offset = 1234,
				 .length = 567 };
	char s[256];
	uint64_t v = 0;

	memset(&r, 0, sizeof(r));
	r.status = 301;
	r.content_type = "text/html";
	r.bytes = 99;
	r.digest = "sha1:ABC";
	r.fetch_ms = 7;
	r.attempts = 1;
	r.location = "http://a.test/\"q\"";
	buf_init(&b, 1 << 16);
	pages_line(&b, "http://a.test/x\ty", 3, "http://a.test/", &r, &w);
	CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
	CHECK_INT(pages_str(b.data, "url", s, sizeof(s)), 1);
	CHECK_STR(s, "http://a.test/x\ty");
	CHECK_INT(pages_str(b.data, "location", s, sizeof(s)), 1);
	CHECK_STR(s, "http://a.test/\"q\"");
	CHECK_INT(pages_str(b.data, "error", s, sizeof(s)), 0);
	/* no validators, no revisit: no keys for them */
	CHECK(!strstr(b.data, "\"etag\"") && !strstr(b.data, "\"revisit\""));
	r.etag = "W/\"v1\"";
	r.last_modified = "Tue, 01 Dec 2026 10:00:00 GMT";
	w.revisit = "identical";
	w.recrawl = "unchanged";
	pages_line(&b, "http://a.test/x\ty", 3, "http://a.test/", &r, &w);
	CHECK_INT(pages_str(b.data, "etag", s, sizeof(s)), 1);
	CHECK_STR(s, "W/\"v1\"");
	CHECK_INT(pages_str(b.data, "last_modified", s, sizeof(s)), 1);
	CHECK_STR(s, "Tue, 01 Dec 2026 10:00:00 GMT");
	CHECK_INT(pages_str(b.data, "revisit", s, sizeof(s)), 1);
	CHECK_STR(s, "identical");
	CHECK_INT(pages_str(b.data, "recrawl", s, sizeof(s)), 1);
	CHECK_STR(s, "unchanged");
	CHECK_INT(pages_num(b.data, "status", &v), 1);
	CHECK_INT(v, 301);
	CHECK_INT(pages_num(b.data, "warc_offset", &v), 1);
	CHECK_INT(v, 1234);
	CHECK_INT(pages_num(b.data, "warc_length", &v), 1);
	CHECK_INT(v, 567);
	CHECK_INT(pages_str(b.data, "warc_file", s, sizeof(s)), 1);
	CHECK_STR(s, "crawl-00003.warc.gz");

	r.error = "timeout: too slow";
	pages_line(&b, "http://a.test/", 0, NULL, &r, NULL);
	CHECK_INT(pages_str(b.data, "error", s, sizeof(s)), 1);
	CHECK_STR(s, "timeout: too slow");
	CHECK(strstr(b.data, "\"referrer\":null") != NULL);
	CHECK(strstr(b.data, "\"warc_file\":null") != NULL);
	CHECK_INT(pages_num(b.data, "warc_offset", &v), 0);
	CHECK(strstr(b.data, "requisite") == NULL && !pages_is_robots(b.data));

	pages_line_as(&b, PAGES_REQUISITE, "http://a.test/i.png", 1, "http://a.test/", &r, &w);
	CHECK(strstr(b.data, ",\"requisite\":true,") != NULL);
	CHECK(!pages_is_robots(b.data));
	pages_line_as(&b, PAGES_ROBOTS, "http://a.test/robots.txt", 0, NULL, &r, &w);
	CHECK(strstr(b.data, ",\"kind\":\"robots\",") != NULL);
	CHECK(pages_is_robots(b.data));
	/* a URL that spells the marker is escaped: no robots line */
	pages_line(&b, "http://a.test/,\"kind\":\"robots\",", 0, NULL, &r, &w);
	CHECK(!pages_is_robots(b.data));
	buf_release(&b);
}

static void test_traps(void)
{
	struct crawl_config cfg;
	struct scope sc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.scope = SCOPE_HOST;
	cfg.max_url_length = 40;
	cfg.max_repeats = 2;
	scope_init(&sc, &cfg);
	scope_add(&sc, "http://a.test/");
	CHECK_INT(scope_in(&sc, "http://a.test/x"), 1);
	CHECK_INT(scope_in(&sc, "http://b.test/x"), 0);
	CHECK_INT(scope_trapped(&sc, "http://a.test/a/b/a/b"), 0);
	CHECK_INT(scope_trapped(&sc, "http://a.test/a/b/a/b/a"), 1);
	CHECK_INT(scope_trapped(&sc, "http://a.test/0123456789012345678901234567"), 1);
	CHECK_INT(sc.trap_refused, 2);
	scope_release(&sc);
}

static void test_add_scheme(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "example.org/x", "http://example.org/x" },
		{ "example.org", "http://example.org" },
		{ "example.org:8080/x", "http://example.org:8080/x" },
		{ "127.0.0.1:80", "http://127.0.0.1:80" },
		{ "http://example.org/", NULL },
		{ "https://example.org/", NULL },
		{ "ftp://example.org/", NULL },
		{ "mailto:a@b", NULL },
		{ "javascript:x", NULL },
		{ "/just/a/path", "http:///just/a/path" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = source_add_scheme(cases[i].in);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

static void test_suffixes(void)
{
	static char html[] = "html", slash[] = "/", jpg[] = "jpg", pdf[] = ".pdf";
	char *accept[] = { html, slash }, *reject[] = { jpg, pdf };
	static const struct {
		int use_accept, use_reject;
		const char *url;
		int in;
	} cases[] = {
		{ 0, 1, "http://a.test/x.JPG", 0 },             /* any case */
		{ 0, 1, "http://a.test/xjpg", 0 },              /* a plain suffix, as wget */
		{ 0, 1, "http://a.test/x.jpg?y=1", 0 },         /* the query is not the path */
		{ 0, 1, "http://a.test/x?y=.jpg", 1 },
		{ 0, 1, "http://a.test/a.pdf", 0 },
		{ 0, 1, "http://a.test/apdf", 1 },              /* ".pdf" wants its dot */
		{ 0, 1, "http://a.test/jpg/x.png", 1 },         /* only the end counts */
		{ 0, 1, "http://a.test/", 1 },
		{ 1, 0, "http://a.test/p/1.html", 1 },
		{ 1, 0, "http://a.test/p/", 1 },                /* "/": directories */
		{ 1, 0, "http://a.test/", 1 },
		{ 1, 0, "http://a.test/files/data.txt", 0 },
		{ 1, 0, "http://a.test/redir/0", 0 },
		{ 1, 1, "http://a.test/x.html", 1 },
		{ 1, 1, "http://a.test/x.jpg", 0 },
		{ 1, 0, "http://b.test/x.html", 0 },            /* out of scope anyway */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct crawl_config cfg;
		struct scope sc;

		memset(&cfg, 0, sizeof(cfg));
		cfg.scope = SCOPE_HOST;
		if (cases[i].use_accept) {
			cfg.accept = accept;
			cfg.naccept = 2;
		}
		if (cases[i].use_reject) {
			cfg.reject = reject;
			cfg.nreject = 2;
		}
		scope_init(&sc, &cfg);
		scope_add(&sc, "http://a.test/");
		if (scope_in(&sc, cases[i].url) != cases[i].in)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].url);
		CHECK_INT(scope_in(&sc, cases[i].url), cases[i].in);
		scope_release(&sc);
	}
}

static void test_outcomes(void)
{
	static const struct {
		uint32_t status;
		const char *error;
		enum stats_outcome want;
	} cases[] = {
		{ 200, "", STATS_2XX },
		{ 204, NULL, STATS_2XX },
		{ 301, "", STATS_3XX },
		{ 404, "", STATS_4XX },
		{ 429, "throttled: still HTTP 429 after 10 waits", STATS_4XX },
		{ 500, "retries: gave up after 4 attempts (HTTP 500)", STATS_5XX },
		{ 503, "", STATS_5XX },
		{ 200, "partial: transfer closed", STATS_FAILED },  /* a cut body */
		{ 0, "connect: refused", STATS_FAILED },
		{ 0, "robots: disallowed by robots.txt", STATS_EXCLUDED },
		{ 0, "robots: robots.txt unavailable (HTTP 500)", STATS_FAILED },
		{ 0, "url: not a URL", STATS_FAILED },
		{ 0, "", STATS_FAILED },                           /* no response */
		{ 101, "", STATS_FAILED },
		{ 999, "", STATS_FAILED },
	};
	struct crawl_stats st;
	size_t i;

	stats_init(&st);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(stats_outcome_of(cases[i].status, cases[i].error), cases[i].want);
		stats_page(&st, "http://a.test/", cases[i].status, 10, cases[i].error);
	}
	CHECK_INT(st.all.pages, 15);
	CHECK_INT(stats_ok(&st.all), 3);
	CHECK_INT(st.all.outcome[STATS_4XX], 2);
	CHECK_INT(st.all.outcome[STATS_5XX], 2);
	CHECK_INT(st.all.outcome[STATS_FAILED], 7);
	CHECK_INT(st.all.outcome[STATS_EXCLUDED], 1);
	CHECK_INT(stats_all_good(&st.all), 0);
	CHECK_INT(st.hosts.n, 1);
	CHECK_INT(st.hosts.e[0].pages, 15);
	CHECK_INT(st.hosts.e[0].errors, 11);
	CHECK_INT(st.hosts.e[0].bytes, 150);
	/* a resumed crawl: what came before is kept apart */
	stats_resumed(&st);
	stats_page(&st, "http://b.test/", 200, 5, "");
	CHECK_INT(st.all.pages - st.before.pages, 1);
	CHECK_INT(st.all.outcome[STATS_2XX] - st.before.outcome[STATS_2XX], 1);
	stats_page(&st, "not a url", 0, 0, "url: bad");     /* no host row */
	CHECK_INT(st.hosts.n, 2);
	stats_release(&st);
}

static void test_hoststats(void)
{
	struct hoststats hs;
	const struct hoststat *top[8];
	char host[32];
	size_t n;
	int i;

	/* under the cap: exact counts, the top by pages, ties by name */
	hoststats_init(&hs, 4);
	hoststats_add(&hs, "b.test:80", 9, 100, 0);
	hoststats_add(&hs, "a.test:80", 9, 10, 1);
	hoststats_add(&hs, "b.test:80", 9, 100, 1);
	hoststats_add(&hs, "c.test:80", 9, 1, 0);
	hoststats_add(&hs, "a.test:80xyz", 9, 10, 0);       /* len cuts it */
	n = hoststats_top(&hs, top, 8);
	CHECK_INT(n, 3);
	CHECK_STR(top[0]->host, "a.test:80");
	CHECK_INT(top[0]->pages, 2);
	CHECK_INT(top[0]->errors, 1);
	CHECK_INT(top[0]->bytes, 20);
	CHECK_STR(top[1]->host, "b.test:80");
	CHECK_INT(top[1]->pages, 2);
	CHECK_INT(top[1]->bytes, 200);
	CHECK_STR(top[2]->host, "c.test:80");
	CHECK_INT(hs.evicted, 0);
	CHECK_INT(hoststats_top(&hs, top, 1), 1);
	hoststats_release(&hs);

	/* far more hosts than slots: the table stays at its cap, the heavy
	 * hosts stay in it with counts at or above the truth, and within
	 * their overcount of it */
	hoststats_init(&hs, 8);
	for (i = 0; i < 10000; i++) {
		int k = i % 2 ? 1000 + i : i % 4 ? 1 : 2;  /* h1, h2: a quarter each */
		snprintf(host, sizeof(host), "h%d.test:80", k);
		hoststats_add(&hs, host, strlen(host), 1, 0);
	}
	CHECK_INT(hs.n, 8);
	CHECK(hs.evicted > 0);
	n = hoststats_top(&hs, top, 2);
	CHECK_INT(n, 2);
	for (i = 0; i < 2; i++) {
		CHECK(strcmp(top[i]->host, "h1.test:80") == 0 ||
		      strcmp(top[i]->host, "h2.test:80") == 0);
		CHECK(top[i]->pages >= 2500 && top[i]->pages - top[i]->overcount <= 2500);
	}
	hoststats_release(&hs);
}

/* One --resume conflict: cli and stored differ in key; err must be want. */
static void conflict(const struct crawl_config *cli, const struct crawl_config *stored,
		     const char *key, const char *want)
{
	const char *keys[2] = { key, NULL };
	char err[512] = "";

	CHECK_INT(settings_conflict(cli, stored, keys, err, sizeof(err)), want ? -1 : 0);
	if (want)
		CHECK_STR(err, want);
}

static void test_conflicts(void)
{
	struct crawl_config cli, st;
	static char a[] = "a", bc[] = "b\nc", jpg[] = "jpg", png[] = "png", gif[] = "gif";
	static char btxt[] = "b.txt", atxt[] = "a.txt";
	char *allow[] = { a, bc }, *rej1[] = { jpg, png }, *rej2[] = { gif };

	memset(&cli, 0, sizeof(cli));
	memset(&st, 0, sizeof(st));
	cli.depth = 3;
	st.depth = -1;
	conflict(&cli, &st, "depth", "--depth 3 differs from the crawl's --depth unlimited");
	conflict(&st, &cli, "depth", "--depth unlimited differs from the crawl's --depth 3");
	st.depth = 3;
	conflict(&cli, &st, "depth", NULL);
	cli.max_pages = 10;
	conflict(&cli, &st, "max-pages", "--max-pages 10 differs from the crawl's --max-pages unlimited");
	cli.max_size = 1u << 20;
	st.max_size = 32u << 20;
	conflict(&cli, &st, "max-size", "--max-size 1M differs from the crawl's --max-size 32M");
	cli.max_size = 1000;
	conflict(&cli, &st, "max-size", "--max-size 1000 differs from the crawl's --max-size 32M");
	cli.robots = 0;
	st.robots = 1;
	conflict(&cli, &st, "robots", "--no-robots: the crawl was started without it");
	cli.insecure = 1;
	conflict(&cli, &st, "insecure", "--insecure: the crawl was started without it");
	cli.rate = 2.5;
	conflict(&cli, &st, "rate", "--rate 2.5 differs from the crawl's --rate none");
	st.rate = 10;
	conflict(&cli, &st, "rate", "--rate 2.5 differs from the crawl's --rate 10");
	cli.host_quota = 7;
	conflict(&cli, &st, "host-quota", "--host-quota 7 differs from the crawl's --host-quota none");
	cli.max_url_length = 100;
	conflict(&cli, &st, "max-url-length",
		 "--max-url-length 100 differs from the crawl's --max-url-length 0 (no limit)");
	cli.scope = SCOPE_ANY;
	conflict(&cli, &st, "scope", "--scope any differs from the crawl's --scope host");
	cli.urls_file = btxt;
	conflict(&cli, &st, "urls", "--urls 'b.txt': the crawl was started without --urls");
	st.urls_file = atxt;
	conflict(&cli, &st, "urls", "--urls 'b.txt' differs from the crawl's --urls 'a.txt'");
	cli.allow_src = allow;
	cli.nallow = 2;
	conflict(&cli, &st, "allow",
		 "--allow 'a' --allow 'b?c': the crawl was started without --allow");
	cli.reject = rej1;
	cli.nreject = 2;
	st.reject = rej2;
	st.nreject = 1;
	conflict(&cli, &st, "reject", "--reject 'jpg,png' differs from the crawl's --reject 'gif'");
	conflict(&cli, &st, "no-such-setting", NULL);
}

static void test_rss(void)
{
	uint64_t kb = 0;

	CHECK_INT(rss_hwm_kb(0, &kb), 0);
	CHECK(kb > 100 && kb < (1u << 22));
	CHECK_INT(rss_hwm_kb(getpid(), &kb), 0);
	CHECK_INT(rss_hwm_kb(0x7ffffff0, &kb), SC_EIO);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_add_scheme();
	test_share_split();
	test_journal();
	test_pages();
	test_traps();
	test_suffixes();
	test_outcomes();
	test_hoststats();
	test_conflicts();
	test_rss();
	return check_report(argv[0]);
}
