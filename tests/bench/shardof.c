/*
 * shardof.c - which shard owns each host key read from stdin, one a line:
 * prints "KEY SHARD" with the coordinator's own rule (frontier_shard_of()).
 * For the benchmark's host-to-shard splits.
 *
 *   cc -O2 -I. tests/bench/shardof.c common/seen.c common/err.c -o shardof
 *   printf 'h0.test:8080\n' | ./shardof 2
 */
#include "common/seen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char line[512];
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;

	if (n < 1 || n > 256) {
		fprintf(stderr, "usage: shardof NSHARDS <keys\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line)
			printf("%s %d\n", line,
			       (int)(seen_hash(line, strlen(line)) % (uint64_t)n));
	}
	return 0;
}
