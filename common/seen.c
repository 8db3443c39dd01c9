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

void seen_init(struct seen *s, size_t expect)
{
	size_t n = 1024;

	while (n / 8 * 7 < expect)
		n <<= 1;
	s->slots = xcalloc(n, sizeof(uint64_t));
	s->mask = n - 1;
	s->count = 0;
}

void seen_release(struct seen *s)
{
	free(s->slots);
	s->slots = NULL;
	s->mask = 0;
	s->count = 0;
}

static void seen_put(uint64_t *slots, size_t mask, uint64_t fp)
{
	size_t i = (size_t)fp & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = fp;
}

static void seen_grow(struct seen *s)
{
	size_t n = (s->mask + 1) * 2, i;
	uint64_t *slots = xcalloc(n, sizeof(uint64_t));

	for (i = 0; i <= s->mask; i++)
		if (s->slots[i])
			seen_put(slots, n - 1, s->slots[i]);
	free(s->slots);
	s->slots = slots;
	s->mask = n - 1;
}

int seen_add(struct seen *s, uint64_t fp)
{
	size_t i;

	if (!fp)
		fp = 1;
	for (i = (size_t)fp & s->mask; s->slots[i]; i = (i + 1) & s->mask)
		if (s->slots[i] == fp)
			return 0;
	s->slots[i] = fp;
	if (++s->count > (s->mask + 1) / 8 * 7)
		seen_grow(s);
	return 1;
}

int seen_has(const struct seen *s, uint64_t fp)
{
	size_t i;

	if (!fp)
		fp = 1;
	for (i = (size_t)fp & s->mask; s->slots[i]; i = (i + 1) & s->mask)
		if (s->slots[i] == fp)
			return 1;
	return 0;
}

size_t seen_bytes(const struct seen *s)
{
	return (s->mask + 1) * sizeof(uint64_t);
}
