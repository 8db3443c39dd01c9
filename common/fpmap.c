#include "common/fpmap.h"
#include "common/err.h"
#include "common/seen.h"

#include <stdlib.h>

#define FPMAP_MIN 1024

uint64_t fpmap_key(const void *p, size_t n)
{
	return seen_hash(p, n);
}

void fpmap_init(struct fpmap *m, size_t max_slots)
{
	size_t cap = FPMAP_MIN;

	while (cap * 2 <= max_slots)
		cap *= 2;
	m->max_slots = cap;
	m->slots = xcalloc(FPMAP_MIN * 2, sizeof(uint64_t));
	m->mask = FPMAP_MIN - 1;
	m->count = 0;
}

void fpmap_release(struct fpmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

static size_t find(const uint64_t *slots, size_t mask, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & mask;

	while (slots[2 * i] && slots[2 * i] != key)
		i = (i + 1) & mask;
	return i;
}

static void grow(struct fpmap *m)
{
	size_t n = (m->mask + 1) * 2, i;
	uint64_t *s = xcalloc(n * 2, sizeof(uint64_t));

	for (i = 0; i <= m->mask; i++) {
		if (m->slots[2 * i]) {
			size_t k = find(s, n - 1, m->slots[2 * i]);
			s[2 * k] = m->slots[2 * i];
			s[2 * k + 1] = m->slots[2 * i + 1];
		}
	}
	free(m->slots);
	m->slots = s;
	m->mask = n - 1;
}

int fpmap_put(struct fpmap *m, uint64_t key, uint64_t value)
{
	size_t i = find(m->slots, m->mask, key);

	if (!m->slots[2 * i]) {
		if ((m->count + 1) * 8 > (m->mask + 1) * 7) {
			if (m->mask + 1 >= m->max_slots)
				return SC_ETOOBIG;
			grow(m);
			i = find(m->slots, m->mask, key);
		}
		m->slots[2 * i] = key;
		m->count++;
	}
	m->slots[2 * i + 1] = value;
	return 0;
}

int fpmap_get(const struct fpmap *m, uint64_t key, uint64_t *value)
{
	size_t i = find(m->slots, m->mask, key);

	if (!m->slots[2 * i])
		return 0;
	*value = m->slots[2 * i + 1];
	return 1;
}

size_t fpmap_bytes(const struct fpmap *m)
{
	return (m->mask + 1) * 2 * sizeof(uint64_t);
}
