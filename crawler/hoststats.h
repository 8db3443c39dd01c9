/*
 * hoststats.h - pages, errors and bytes per host, in fixed memory: the
 * "hosts" table of stats.json.
 *
 * A crawl may touch millions of hosts; the table keeps at most cap of them
 * (HOSTSTATS_TRACKED by default), whatever the crawl does, with the
 * space-saving algorithm (Metwally, Agrawal, El Abbadi 2005): a host not in
 * a full table takes the place of the one with the fewest pages, and
 * inherits that count as its starting point (and as its overcount).  So:
 *   - while the crawl has at most cap hosts, every count is exact;
 *   - beyond, a host's pages are at most overcount above its true number,
 *     never below it, and every host with more than pages/cap pages in all
 *     is in the table.  errors and bytes count from the moment the host
 *     (last) entered the table.
 * A host is a host key (url_host_key(): lowercase host and port).
 *
 * Memory: cap entries, the host strings they hold (at most SC_HOST_MAX + 16
 * bytes each), a heap and a hash index of cap slots each; nothing grows
 * after hoststats_init().
 *
 * Ownership: the table owns its strings; hoststats_release() frees them.
 * hoststats_top() hands out pointers into the table, valid until the next
 * hoststats_add() or hoststats_release().
 */
#ifndef SC_HOSTSTATS_H
#define SC_HOSTSTATS_H

#include <stddef.h>
#include <stdint.h>

#define HOSTSTATS_TRACKED 4096  /* hosts the table follows */
#define HOSTSTATS_TOP     100   /* hosts stats.json lists */

struct hoststat {
	char *host;
	uint64_t pages;         /* an upper bound: the true count + at most overcount */
	uint64_t overcount;     /* the count inherited when it entered the table */
	uint64_t errors;        /* pages that were not 2xx/3xx (see stats.h) */
	uint64_t bytes;
	uint32_t heap;          /* its place in the heap */
	uint32_t next;          /* hash chain, UINT32_MAX at the end */
};

struct hoststats {
	struct hoststat *e;     /* cap entries, n in use */
	uint32_t n, cap;
	uint32_t *heap;         /* entry indexes, a min-heap by pages */
	uint32_t *bucket;       /* hash heads, nbuckets (a power of two) */
	uint32_t nbuckets;
	uint64_t evicted;       /* hosts pushed out to make room */
};

/* An empty table for at most cap hosts (at least 1; aborts on no memory). */
void hoststats_init(struct hoststats *hs, uint32_t cap);
void hoststats_release(struct hoststats *hs);

/* One page of host (len bytes, not NUL-terminated; cut at SC_HOST_MAX + 16)
 * reached a final state; error: it was not a 2xx/3xx. */
void hoststats_add(struct hoststats *hs, const char *host, size_t len,
		   uint64_t bytes, int error);

/* The top n hosts by pages (ties by name), most first, into out; returns
 * how many (at most n and the table's size). */
size_t hoststats_top(const struct hoststats *hs, const struct hoststat **out,
		     size_t n);

#endif
