/*
 * dump.c - print the start tags that common/htmltok.h reads in each file,
 * for tests/htmltok/diff.mjs to hold against parse5's SAX parser.
 *
 *   htmltok-dump FILE...
 *
 * For each file a line "== FILE", then one line per start tag: the name,
 * then NAME=VALUE for each attribute, every string in hex (names and
 * values may hold any byte).
 */
#include "common/htmltok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const char *s)
{
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
}

static int dump_start(void *arg, const char *name, const char *const *atts)
{
	(void)arg;
	hex(name);
	for (; atts[0]; atts += 2) {
		putchar(' ');
		hex(atts[0]);
		putchar('=');
		hex(atts[1]);
	}
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	static const struct htmltok_ops ops = { dump_start, NULL, NULL };
	struct htmltok t;
	int i;

	htmltok_init(&t);
	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		char *doc;
		long n;

		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		rewind(fp);
		doc = malloc((size_t)n + 1);
		if (!doc || fread(doc, 1, (size_t)n, fp) != (size_t)n) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
		fclose(fp);
		printf("== %s\n", argv[i]);
		htmltok_run(&t, doc, (size_t)n, &ops, NULL);
		free(doc);
	}
	htmltok_release(&t);
	return 0;
}
