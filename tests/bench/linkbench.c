/*
 * linkbench.c - time links_extract() on one HTML file, many times.
 *
 *   linkbench FILE.html URL [ROUNDS [requisites]]
 *
 * Prints microseconds per page and the number of links (and requisites,
 * with "requisites": LINKS_REQUISITES) found.  Used to
 * measure the parser's share of a page's cost (README, "Performance").
 */
#include "common/links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct links l;
	struct timespec t0, t1;
	FILE *fp;
	char *buf;
	long n;
	int i, rounds = argc > 3 ? atoi(argv[3]) : 2000;
	unsigned flags = argc > 4 && strcmp(argv[4], "requisites") == 0 ? LINKS_REQUISITES : 0;

	if (argc < 3 || !(fp = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: linkbench FILE.html URL [ROUNDS [requisites]]\n");
		return 2;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		return 1;
	fclose(fp);
	links_init(&l, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		links_extract(&l, buf, (size_t)n, argv[2], flags);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld bytes, %zu links, %zu requisites, %.1f us/page\n", n, l.count, l.nreqs,
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / rounds);
	links_release(&l);
	free(buf);
	return 0;
}
