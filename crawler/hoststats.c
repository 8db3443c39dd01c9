#include "crawler/hoststats.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/seen.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define HOST_KEY_MAX (SC_HOST_MAX + 16)

void hoststats_init(struct hoststats *hs, uint32_t cap)
{
	uint32_t i;

	SC_ASSERT(cap > 0 && cap <= (1u << 24));
	memset(hs, 0, sizeof(*hs));
	hs->cap = cap;
	hs->e = xcalloc(cap, sizeof(*hs->e));
	hs->heap = xcalloc(cap, sizeof(*hs->heap));
	for (hs->nbuckets = 1; hs->nbuckets < cap; hs->nbuckets *= 2)
		;
	hs->bucket = xmalloc(hs->nbuckets * sizeof(*hs->bucket));
	for (i = 0; i < hs->nbuckets; i++)
		hs->bucket[i] = NONE;
}

void hoststats_release(struct hoststats *hs)
{
	uint32_t i;

	for (i = 0; i < hs->n; i++)
		free(hs->e[i].host);
	free(hs->e);
	free(hs->heap);
	free(hs->bucket);
	memset(hs, 0, sizeof(*hs));
}

static uint32_t bucket_of(const struct hoststats *hs, const char *host, size_t len)
{
	return (uint32_t)seen_hash(host, len) & (hs->nbuckets - 1);
}

static uint32_t find(const struct hoststats *hs, const char *host, size_t len)
{
	uint32_t i;

	for (i = hs->bucket[bucket_of(hs, host, len)]; i != NONE; i = hs->e[i].next)
		if (strncmp(hs->e[i].host, host, len) == 0 && !hs->e[i].host[len])
			return i;
	return NONE;
}

static void link_entry(struct hoststats *hs, uint32_t i)
{
	uint32_t b = bucket_of(hs, hs->e[i].host, strlen(hs->e[i].host));

	hs->e[i].next = hs->bucket[b];
	hs->bucket[b] = i;
}

static void unlink_entry(struct hoststats *hs, uint32_t i)
{
	uint32_t *p = &hs->bucket[bucket_of(hs, hs->e[i].host, strlen(hs->e[i].host))];

	while (*p != i) {
		SC_ASSERT(*p != NONE);
		p = &hs->e[*p].next;
	}
	*p = hs->e[i].next;
}

static void heap_set(struct hoststats *hs, uint32_t pos, uint32_t i)
{
	hs->heap[pos] = i;
	hs->e[i].heap = pos;
}

/* A new entry (0 pages: nothing has fewer) rises to the top. */
static void sift_up(struct hoststats *hs, uint32_t pos)
{
	uint32_t i = hs->heap[pos];

	while (pos > 0 && hs->e[hs->heap[(pos - 1) / 2]].pages > hs->e[i].pages) {
		heap_set(hs, pos, hs->heap[(pos - 1) / 2]);
		pos = (pos - 1) / 2;
	}
	heap_set(hs, pos, i);
}

/* An entry's count went up: move it down, below the smaller ones. */
static void sift_down(struct hoststats *hs, uint32_t pos)
{
	uint32_t i = hs->heap[pos];

	for (;;) {
		uint32_t c = 2 * pos + 1;
		if (c >= hs->n)
			break;
		if (c + 1 < hs->n && hs->e[hs->heap[c + 1]].pages < hs->e[hs->heap[c]].pages)
			c++;
		if (hs->e[hs->heap[c]].pages >= hs->e[i].pages)
			break;
		heap_set(hs, pos, hs->heap[c]);
		pos = c;
	}
	heap_set(hs, pos, i);
}

void hoststats_add(struct hoststats *hs, const char *host, size_t len,
		   uint64_t bytes, int error)
{
	struct hoststat *e;
	uint32_t i;

	if (len > HOST_KEY_MAX)
		len = HOST_KEY_MAX;
	i = find(hs, host, len);
	if (i == NONE && hs->n < hs->cap) {
		/* room: a new entry with 0 pages, counted below */
		i = hs->n++;
		e = &hs->e[i];
		e->host = xstrndup(host, len);
		link_entry(hs, i);
		heap_set(hs, i, i);
		sift_up(hs, i);
	} else if (i == NONE) {
		/* full: the host with the fewest pages makes room, and the
		 * newcomer starts from its count */
		i = hs->heap[0];
		e = &hs->e[i];
		unlink_entry(hs, i);
		free(e->host);
		e->host = xstrndup(host, len);
		link_entry(hs, i);
		e->overcount = e->pages;
		e->errors = 0;
		e->bytes = 0;
		hs->evicted++;
	}
	e = &hs->e[i];
	e->pages++;
	e->errors += error != 0;
	e->bytes += bytes;
	sift_down(hs, e->heap);
}

static int by_pages(const void *a, const void *b)
{
	const struct hoststat *x = *(const struct hoststat *const *)a;
	const struct hoststat *y = *(const struct hoststat *const *)b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return strcmp(x->host, y->host);
}

size_t hoststats_top(const struct hoststats *hs, const struct hoststat **out,
		     size_t n)
{
	const struct hoststat **all;
	uint32_t i;

	if (!hs->n || !n)
		return 0;
	all = xmalloc(hs->n * sizeof(*all));
	for (i = 0; i < hs->n; i++)
		all[i] = &hs->e[i];
	qsort(all, hs->n, sizeof(*all), by_pages);
	if (n > hs->n)
		n = hs->n;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
