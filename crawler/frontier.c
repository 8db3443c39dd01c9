/*
 * frontier.c - the parts of the frontier every backend shares: reference-
 * counted referrers, entries, and the host key -> shard mapping.
 */
#include "crawler/frontier.h"

#include "common/err.h"
#include "common/seen.h"

#include <stdlib.h>
#include <string.h>

struct rstr *rstr_new(const char *s)
{
	size_t n = strlen(s);
	struct rstr *r = xmalloc(sizeof(*r) + n + 1);

	r->refs = 1;
	memcpy(r->s, s, n + 1);
	return r;
}

struct rstr *rstr_get(struct rstr *r)
{
	if (r)
		r->refs++;
	return r;
}

void rstr_put(struct rstr *r)
{
	if (r && --r->refs == 0)
		free(r);
}

struct fentry *fentry_new(const char *url, uint32_t depth, uint32_t redirects,
			  struct rstr *referrer)
{
	size_t n = strlen(url);
	struct fentry *e = xmalloc(sizeof(*e) + n + 1);

	e->next = NULL;
	e->owner = NULL;
	e->referrer = rstr_get(referrer);
	e->depth = depth;
	e->redirects = redirects;
	e->host_gap_ms = 0;
	memcpy(e->url, url, n + 1);
	return e;
}

void fentry_free(struct fentry *e)
{
	if (!e)
		return;
	rstr_put(e->referrer);
	free(e);
}

int frontier_shard_of(int nshards, const char *key)
{
	return (int)(seen_hash(key, strlen(key)) % (uint64_t)nshards);
}
