/*
 * seenbench.c - memory and speed of the seen set (common/seen.h).
 *
 *   seenbench [N]     (default 10,000,000)
 *
 * Inserts N distinct URL strings (http://127.0.0.K:8080/i/I, K cycling over
 * 1..8, as the bulk benchmark's lists) the way the coordinator does: hash the
 * normalized URL, add the fingerprint.  Then checks that re-adding every URL
 * is refused and prints one line of key=value pairs:
 *
 *   urls=N new=... dups_refused=... bytes=... bytes_per_url=... max_rss_kb=...
 *   ns_per_url=... ns_per_add=...
 *
 * ns_per_url is the whole cost (format the string, hash, add); ns_per_add
 * subtracts a pass that only formats and hashes.  max_rss_kb includes the
 * moment of the last doubling, when the old and the new table coexist.
 * new < N means fingerprint collisions (expected 0 at ten million).
 * Exit status 0, or 1 if re-adding a URL was accepted.
 */
#include "common/seen.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int url(char *buf, size_t cap, size_t i)
{
	return snprintf(buf, cap, "http://127.0.0.%zu:8080/i/%zu", i % 8 + 1, i);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
	size_t i, added = 0, refused = 0;
	volatile uint64_t sink = 0;  /* keeps the hash-only pass from being elided */
	struct seen s;
	struct rusage ru;
	char buf[128];
	double t0, t1, th;

	t0 = now();
	for (i = 0; i < n; i++) {
		int len = url(buf, sizeof(buf), i);

		sink += seen_hash(buf, (size_t)len);
	}
	th = now() - t0;
	seen_init(&s, 0);
	t0 = now();
	for (i = 0; i < n; i++) {
		int len = url(buf, sizeof(buf), i);

		added += (size_t)seen_add(&s, seen_hash(buf, (size_t)len));
	}
	t1 = now();
	for (i = 0; i < n; i++) {
		int len = url(buf, sizeof(buf), i);

		refused += (size_t)!seen_add(&s, seen_hash(buf, (size_t)len));
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("urls=%zu new=%zu dups_refused=%zu bytes=%zu bytes_per_url=%.2f max_rss_kb=%ld ns_per_url=%.1f ns_per_add=%.1f\n",
	       n, added, refused, seen_bytes(&s), n ? (double)seen_bytes(&s) / (double)n : 0.0,
	       ru.ru_maxrss, n ? (t1 - t0) / (double)n * 1e9 : 0.0,
	       n ? (t1 - t0 - th) / (double)n * 1e9 : 0.0);
	seen_release(&s);
	return refused == n ? 0 : 1;
}
