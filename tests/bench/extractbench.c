/*
 * extractbench.c - the cost of extraction on one page, beside the SAX link
 * pass that every HTML page pays anyway.
 *
 *   extractbench RULES.yaml FILE.html URL [ROUNDS]
 *
 * For the rule of RULES that matches URL, prints the page's size and, in
 * microseconds per page (the mean of ROUNDS runs, default 500): the link
 * pass (common/links.h), the extraction (common/extract.h: tree, rule,
 * and its follow links when it has one), and what extraction adds to the
 * page: with follow the extraction replaces the link pass, without it it
 * comes on top.  Used by tests/bench/run.sh and the README's figures.
 */
#include "common/extract.h"
#include "common/links.h"
#include "common/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	const struct rules_rule *rule;
	struct extractor x;
	struct links l;
	struct rules rs;
	char err[512], *buf;
	double t0, links_us, ex_us;
	long n;
	int i, rounds = argc > 4 ? atoi(argv[4]) : 500;
	FILE *fp;

	if (argc < 4 || rounds < 1 || !(fp = fopen(argv[2], "rb"))) {
		fprintf(stderr, "usage: extractbench RULES.yaml FILE.html URL [ROUNDS]\n");
		return 2;
	}
	if (rules_load(&rs, argv[1], err, sizeof(err))) {
		fprintf(stderr, "extractbench: %s\n", err);
		return 2;
	}
	rule = rules_match(&rs, argv[3]);
	if (!rule) {
		fprintf(stderr, "extractbench: no rule matches '%s'\n", argv[3]);
		return 2;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		return 1;
	fclose(fp);
	links_init(&l, 0);
	extract_init(&x);
	links_extract(&l, buf, (size_t)n, argv[3], 0);
	extract_page(&x, rule, buf, (size_t)n, argv[3], EXTRACT_LINKS);
	t0 = now_us();
	for (i = 0; i < rounds; i++)
		links_extract(&l, buf, (size_t)n, argv[3], 0);
	links_us = (now_us() - t0) / rounds;
	t0 = now_us();
	for (i = 0; i < rounds; i++)
		extract_page(&x, rule, buf, (size_t)n, argv[3], EXTRACT_LINKS);
	ex_us = (now_us() - t0) / rounds;
	printf("%ld bytes: link pass %.1f us (%zu links); extraction %.1f us (%u items, "
	       "%u follow links%s); a page costs %+.1f us more with the rule\n",
	       n, links_us, l.count, ex_us, x.res.nitems, x.res.nlinks,
	       rule->follow ? ", in place of the link pass" : "",
	       rule->follow ? ex_us - links_us : ex_us);
	links_release(&l);
	extract_release(&x);
	rules_release(&rs);
	free(buf);
	return 0;
}
