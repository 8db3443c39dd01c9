/*
 * seen.h - the seen set: 64-bit fingerprints of normalized URLs.
 *
 * The coordinator asks this set, for every URL it is offered, whether it has
 * been admitted before.  It stores fingerprints, never URL strings: the top
 * SEEN_SEG_BITS bits of a fingerprint choose one of SEEN_SEGS segments, each
 * an open-addressing table of uint64_t with linear probing, doubled when it
 * is 7/8 full, so it costs between 9.1 and 18.3 bytes per URL (13.4 at ten
 * million).  A segment grows alone: the memory a doubling needs for a
 * moment is a segment's, 1/64 of the set, not a second copy of it all.  Two
 * different URLs share a fingerprint with probability about n^2 / 2^65
 * (3e-6 at ten million URLs); such a URL is treated as seen.
 *
 * Lifecycle: seen_init() -> seen_add()... -> seen_release().
 */
#ifndef SC_SEEN_H
#define SC_SEEN_H

#include <stddef.h>
#include <stdint.h>

#define SEEN_SEG_BITS 6
#define SEEN_SEGS     (1u << SEEN_SEG_BITS)

struct seen_seg {
	uint64_t *slots;  /* 0 marks an empty slot */
	size_t mask;      /* slots - 1; a power of two minus one */
	size_t count;
};

struct seen {
	struct seen_seg seg[SEEN_SEGS];
	size_t count;     /* fingerprints in all segments */
};

/* The fingerprint of n bytes at p (never 0). */
uint64_t seen_hash(const void *p, size_t n);

void seen_init(struct seen *s, size_t expect);
void seen_release(struct seen *s);
/* Add fp; returns 1 if it was new, 0 if it was there already. */
int seen_add(struct seen *s, uint64_t fp);
int seen_has(const struct seen *s, uint64_t fp);
/* Bytes the table holds. */
size_t seen_bytes(const struct seen *s);

#endif
