/*
 * replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * Linked with one fuzz_<target>.c into $(BUILD)/fuzz-replay-<target> by the
 * project's own compiler and flags (and so under ASan in make test-asan):
 *
 *   fuzz-replay-url data/fuzz/url [more directories or files]
 *
 * calls LLVMFuzzerTestOneInput() once per file (directories are read one
 * level deep, entries in name order, hidden files skipped), then prints
 * "fuzz-replay-NAME: N inputs".  A broken invariant aborts, as under the
 * fuzzer; a file that cannot be read exits 1.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f) {
		fprintf(stderr, "cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			data = realloc(data, alloc);
			if (!data) {
				fprintf(stderr, "out of memory reading '%s'\n", path);
				abort();
			}
		}
		n = fread(data + len, 1, alloc - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "cannot read '%s'\n", path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so that ASan sees a read past the end */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			abort();
		memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int replay_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_skip(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	int i, k, count = 0, bad = 0;

	name = name ? name + 1 : argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", name);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct dirent **list;
		struct stat st;
		int n;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "cannot open '%s': %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) != 0)
				bad = 1;
			else
				count++;
			continue;
		}
		n = scandir(argv[i], &list, replay_skip, replay_cmp);
		if (n < 0) {
			fprintf(stderr, "cannot read '%s': %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], list[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (replay_file(path) != 0)
					bad = 1;
				else
					count++;
			}
			free(list[k]);
		}
		free(list);
	}
	printf("%s: %d inputs\n", name, count);
	return bad;
}
