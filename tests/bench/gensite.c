/*
 * gensite.c - the static site the throughput benchmark crawls with nginx.
 *
 *   gensite DIR PAGES PORT HOSTS
 *
 * Writes DIR/p0.html .. DIR/p(PAGES-1).html and DIR/item.json.  Page i
 * "lives" on host 127.0.0.(i % HOSTS + 1); every link is absolute,
 * http://127.0.0.K:PORT/pJ.html with K = J % HOSTS + 1, so a crawl seeded
 * with p0 .. p(HOSTS-1) on their hosts reaches each page on exactly one
 * host.  Page i links to page i+1 (the chain that makes every page
 * reachable from p0) and to LINKS-1 pseudo-random others, one link inside
 * each paragraph.  The filler is sentences of words drawn with a skewed
 * distribution from an English word list, so it compresses like prose
 * (gzip ratio about 3).  Pages are about 15 KB.
 *
 * Everything comes from a fixed-seed generator: the same arguments give
 * the same bytes.  Exit status 0, or 1 with a line on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINKS 26         /* links per page: the chain link and 25 others */
#define TARGET 15000     /* bytes of a page, roughly */

static const char *const words[] = {
	"the", "of", "and", "to", "a", "in", "is", "it", "that", "for", "was", "on",
	"are", "as", "with", "his", "they", "at", "be", "this", "from", "have", "or",
	"by", "one", "had", "not", "but", "what", "all", "were", "when", "we", "there",
	"can", "an", "your", "which", "their", "said", "if", "do", "will", "each",
	"about", "how", "up", "out", "them", "then", "she", "many", "some", "so",
	"these", "would", "other", "into", "has", "more", "her", "two", "like", "him",
	"see", "time", "could", "no", "make", "than", "first", "been", "its", "who",
	"now", "people", "my", "made", "over", "did", "down", "only", "way", "find",
	"use", "may", "water", "long", "little", "very", "after", "words", "called",
	"just", "where", "most", "know", "get", "through", "back", "much", "before",
	"go", "good", "new", "write", "our", "used", "me", "man", "too", "any", "day",
	"same", "right", "look", "think", "also", "around", "another", "came", "come",
	"work", "three", "word", "must", "because", "does", "part", "even", "place",
	"well", "such", "here", "take", "why", "things", "help", "put", "years",
	"different", "away", "again", "off", "went", "old", "number", "great", "tell",
	"men", "say", "small", "every", "found", "still", "between", "name", "should",
	"home", "big", "give", "air", "line", "set", "own", "under", "read", "last",
	"never", "us", "left", "end", "along", "while", "might", "next", "sound",
	"below", "saw", "something", "thought", "both", "few", "those", "always",
	"looked", "show", "large", "often", "together", "asked", "house", "world",
	"going", "want", "school", "important", "until", "form", "food", "keep",
	"children", "feet", "land", "side", "without", "boy", "once", "animals",
	"life", "enough", "took", "sometimes", "four", "head", "above", "kind",
	"began", "almost", "live", "page", "got", "earth", "need", "far", "hand",
	"high", "year", "mother", "light", "parts", "country", "father", "let",
	"night", "following", "picture", "being", "study", "second", "eyes", "soon",
	"times", "story", "boys", "since", "white", "days", "ever", "paper", "hard",
	"near", "sentence", "better", "best", "across", "during", "today", "others",
	"however", "sure", "means", "knew", "try", "told", "young", "miles", "sun",
	"ways", "thing", "whole", "hear", "example", "heard", "several", "change",
	"answer", "room", "sea", "against", "top", "turned", "learn", "point", "city",
	"play", "toward", "five", "using", "himself", "usually", "money", "seen",
	"car", "morning", "river", "harbour", "lantern", "quietly", "mountain",
	"engine", "garden", "letters", "market", "winter", "bridge", "station",
	"library", "machine", "question", "village", "evening", "journey", "silver",
	"kitchen", "window", "valley", "captain", "problem", "history", "weather",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A word index skewed towards the start of the list, like word frequencies. */
static size_t word(void)
{
	uint64_t a = rng() % NWORDS, b = rng() % NWORDS;

	return (size_t)(a * b / NWORDS);
}

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		fprintf(stderr, "gensite: page buffer overflow\n");
		exit(1);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Roughly n bytes of sentences. */
static void prose(struct out *o, size_t n)
{
	size_t start = o->len, inword = 0;

	while (o->len - start < n) {
		const char *w = words[word()];
		char cap[32];

		if (inword == 0) {
			snprintf(cap, sizeof(cap), "%s", w);
			cap[0] = (char)(cap[0] - 'a' + 'A');
			puts_(o, cap);
		} else {
			puts_(o, w);
		}
		inword++;
		if (inword > 5 && rng() % 9 == 0) {
			puts_(o, rng() % 5 ? ". " : "? ");
			inword = 0;
		} else {
			puts_(o, rng() % 11 ? " " : ", ");
		}
	}
	while (o->len > start && (o->p[o->len - 1] == ' ' || o->p[o->len - 1] == ','))
		o->len--;
	if (inword)
		puts_(o, ".");
}

int main(int argc, char **argv)
{
	static char buf[1 << 16], path[4096];
	struct out o = { buf, 0, sizeof(buf) };
	long pages, port, hosts, i, k;
	FILE *fp;

	if (argc != 5 || (pages = atol(argv[2])) < 2 || (port = atol(argv[3])) <= 0 ||
	    port > 65535 || (hosts = atol(argv[4])) < 1 || hosts > 254) {
		fprintf(stderr, "usage: gensite DIR PAGES PORT HOSTS\n");
		return 2;
	}
	for (i = 0; i < pages; i++) {
		char line[256];
		long host = i % hosts + 1;

		rng_state = 0x5eed0000ull + (uint64_t)i * 0x100000001b3ull;
		o.len = 0;
		snprintf(line, sizeof(line),
			 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<title>Page %ld on 127.0.0.%ld: the %s %s</title>\n</head>\n<body>\n"
			 "<h1>Page %ld</h1>\n",
			 i, host, words[word()], words[word()], i);
		puts_(&o, line);
		for (k = 0; k < LINKS; k++) {
			long j = k == 0 ? (i + 1) % pages : (long)(rng() % (uint64_t)pages);

			puts_(&o, "<p>");
			prose(&o, (TARGET - 1300) / LINKS / 2 - 30 + rng() % 40);
			snprintf(line, sizeof(line),
				 " <a href=\"http://127.0.0.%ld:%ld/p%ld.html\">%s %s</a> ",
				 j % hosts + 1, port, j, words[word()], words[word()]);
			puts_(&o, line);
			prose(&o, (TARGET - 1300) / LINKS / 2 - 30 + rng() % 40);
			puts_(&o, "</p>\n");
		}
		puts_(&o, "</body>\n</html>\n");
		snprintf(path, sizeof(path), "%s/p%ld.html", argv[1], i);
		if (!(fp = fopen(path, "wb")) || fwrite(o.p, 1, o.len, fp) != o.len || fclose(fp)) {
			fprintf(stderr, "gensite: cannot write '%s'\n", path);
			return 1;
		}
	}
	/* the bulk test's one JSON document, about 1 KB */
	rng_state = 42;
	o.len = 0;
	puts_(&o, "{\"id\":12345,\"kind\":\"item\",\"tags\":[");
	for (k = 0; k < 40; k++) {
		puts_(&o, k ? ",\"" : "\"");
		puts_(&o, words[word()]);
		puts_(&o, "\"");
	}
	puts_(&o, "],\"text\":\"");
	prose(&o, 560);
	puts_(&o, "\"}\n");
	snprintf(path, sizeof(path), "%s/item.json", argv[1]);
	if (!(fp = fopen(path, "wb")) || fwrite(o.p, 1, o.len, fp) != o.len || fclose(fp)) {
		fprintf(stderr, "gensite: cannot write '%s'\n", path);
		return 1;
	}
	return 0;
}
