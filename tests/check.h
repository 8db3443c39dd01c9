/*
 * check.h - the in-tree unit test runner.
 *
 * A test program includes this header, calls CHECK*() as often as it likes
 * and ends main() with "return check_report(argv[0]);", which prints
 * "NAME: N passed, N failed" and returns non-zero if anything failed.
 * A failed check prints file:line and the expression, then goes on, so one
 * run shows every failure.
 */
#ifndef SC_CHECK_H
#define SC_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
	if (cond) { check_passed++; } else { check_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) { check_passed++; } else { check_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s == %lld, want %lld\n", \
			__FILE__, __LINE__, #got, g_, w_); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if ((!g_ && !w_) || (g_ && w_ && strcmp(g_, w_) == 0)) { check_passed++; } \
	else { check_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s == \"%s\", want \"%s\"\n", \
			__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

static inline int check_report(const char *name)
{
	const char *base = strrchr(name, '/');
	printf("%s: %d passed, %d failed\n", base ? base + 1 : name,
	       check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
