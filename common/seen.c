#include "common/seen.h"
#include "common/err.h"

#include <stdlib.h>
#include <string.h>

/*
 * A 64-bit hash built from multiply-xorshift rounds over 8-byte words.  It
 * need not resist an attacker (a collision only drops one URL) but must
 * spread near-identical URLs ("/p/1.html", "/p/2.html") over the table.
 */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

uint64_t seen_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ mix64(w + 0x632be59bd9b4e019ull)) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ mix64(w ^ (0xa0761d6478bd642full + n))) * 0x9e3779b97f4a7c15ull;
	h = mix64(h);
	return h ? h : 1;
}

#define SEEN_SEG_MIN 64   /* slots of a segment at least */

static struct seen_seg *seg_of(const struct seen *s, uint64_t fp)
{
	return (struct seen_seg *)&s->seg[fp >> (64 - SEEN_SEG_BITS)];
}

void seen_init(struct seen *s, size_t expect)
{
	size_t n = SEEN_SEG_MIN, per = expect / SEEN_SEGS + 1, k;

	while (n / 8 * 7 < per)
		n <<= 1;
	for (k = 0; k < SEEN_SEGS; k++) {
		s->seg[k].slots = xcalloc(n, sizeof(uint64_t));
		s->seg[k].mask = n - 1;
		s->seg[k].count = 0;
	}
	s->count = 0;
}

void seen_release(struct seen *s)
{
	size_t k;

	for (k = 0; k < SEEN_SEGS; k++) {
		free(s->seg[k].slots);
		s->seg[k].slots = NULL;
		s->seg[k].mask = 0;
		s->seg[k].count = 0;
	}
	s->count = 0;
}

static void seen_put(uint64_t *slots, size_t mask, uint64_t fp)
{
	size_t i = (size_t)fp & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = fp;
}

static void seen_grow(struct seen_seg *g)
{
	size_t n = (g->mask + 1) * 2, i;
	uint64_t *slots = xcalloc(n, sizeof(uint64_t));

	for (i = 0; i <= g->mask; i++)
		if (g->slots[i])
			seen_put(slots, n - 1, g->slots[i]);
	free(g->slots);
	g->slots = slots;
	g->mask = n - 1;
}

int seen_add(struct seen *s, uint64_t fp)
{
	struct seen_seg *g;
	size_t i;

	if (!fp)
		fp = 1;
	g = seg_of(s, fp);
	for (i = (size_t)fp & g->mask; g->slots[i]; i = (i + 1) & g->mask)
		if (g->slots[i] == fp)
			return 0;
	g->slots[i] = fp;
	s->count++;
	if (++g->count > (g->mask + 1) / 8 * 7)
		seen_grow(g);
	return 1;
}

int seen_has(const struct seen *s, uint64_t fp)
{
	const struct seen_seg *g;
	size_t i;

	if (!fp)
		fp = 1;
	g = seg_of(s, fp);
	for (i = (size_t)fp & g->mask; g->slots[i]; i = (i + 1) & g->mask)
		if (g->slots[i] == fp)
			return 1;
	return 0;
}

size_t seen_bytes(const struct seen *s)
{
	size_t k, n = 0;

	for (k = 0; k < SEEN_SEGS; k++)
		n += (s->seg[k].mask + 1) * sizeof(uint64_t);
	return n;
}
