/*
 * fpmap.h - a map from 64-bit fingerprints to 64-bit values, for per-URL
 * and per-body state that must not cost strings: the revisit table
 * (crawler/revisit.h) and a recrawl's previous captures (crawler/recrawl.h).
 *
 * Open addressing with linear probing, slots of 16 bytes (key, value),
 * doubled when 7/8 full and never past max_slots: 18.3 to 36.6 bytes an
 * entry.  A full table refuses new keys (SC_ETOOBIG) but still updates the
 * keys it holds, so memory is bounded whatever comes in.  Keys are never 0
 * (fpmap_key() makes sure).  A fingerprint can be shared by two different
 * inputs (about n^2 / 2^65): callers that must not be wrong check what the
 * value points at.
 *
 * Lifecycle: fpmap_init() -> fpmap_put() / fpmap_get()... -> fpmap_release().
 */
#ifndef SC_FPMAP_H
#define SC_FPMAP_H

#include <stddef.h>
#include <stdint.h>

struct fpmap {
	uint64_t *slots;        /* pairs: key (0: empty), value */
	size_t mask;            /* slot count - 1 */
	size_t count;
	size_t max_slots;       /* a power of two */
};

/* The fingerprint of n bytes (never 0). */
uint64_t fpmap_key(const void *p, size_t n);

/* max_slots is rounded down to a power of two (at least 1024). */
void fpmap_init(struct fpmap *m, size_t max_slots);
void fpmap_release(struct fpmap *m);

/* Set key's value: 0; SC_ETOOBIG when the key is new and the table full. */
int fpmap_put(struct fpmap *m, uint64_t key, uint64_t value);
/* 1 and *value when key is there, else 0. */
int fpmap_get(const struct fpmap *m, uint64_t key, uint64_t *value);
/* Bytes the table holds. */
size_t fpmap_bytes(const struct fpmap *m);

#endif
