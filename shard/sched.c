#include "shard/sched.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/robots.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "new", "robots", "open", "dead" };

static void host_free(struct host *h);

void sched_init(struct sched *s, int per_host, double rate)
{
	memset(s, 0, sizeof(*s));
	s->hmask = 255;
	s->htab = xcalloc(s->hmask + 1, sizeof(*s->htab));
	s->per_host = per_host;
	s->limit = INT_MAX;
	s->rate_gap_us = rate > 0 ? (uint64_t)(1e6 / rate + 0.5) : 0;
	s->idle_us = (uint64_t)SC_HOST_IDLE_S * 1000000;
	s->robots_max_age_us = (uint64_t)SC_ROBOTS_MAX_AGE_S * 1000000;
}

void sched_set_expiry(struct sched *s, uint64_t idle_us, uint64_t robots_max_age_us)
{
	s->idle_us = idle_us ? idle_us : 1;
	s->robots_max_age_us = robots_max_age_us;
}

void sched_release(struct sched *s)
{
	size_t i;

	for (i = 0; s->htab && i <= s->hmask; i++) {
		struct host *h = s->htab[i], *next;
		for (; h; h = next) {
			struct job *j = h->head, *jn;
			next = h->hnext;
			for (; j; j = jn) {
				jn = j->next;
				free(j);
			}
			host_free(h);
		}
	}
	for (i = 0; i < s->ndelayed; i++)
		free(s->delayed[i]);
	free(s->htab);
	free(s->ready);
	free(s->delayed);
	memset(s, 0, sizeof(*s));
}

struct job *job_new(uint64_t id, const char *url, const char *referrer,
		    uint32_t depth, uint32_t flags)
{
	return job_new_cond(id, url, referrer, NULL, NULL, depth, flags);
}

struct job *job_new_cond(uint64_t id, const char *url, const char *referrer,
			 const char *etag, const char *last_modified,
			 uint32_t depth, uint32_t flags)
{
	size_t len = strlen(url), rlen = referrer ? strlen(referrer) : 0;
	size_t elen = etag ? strlen(etag) : 0;
	size_t mlen = last_modified ? strlen(last_modified) : 0;
	struct job *j = xmalloc(sizeof(*j) + len + 1 + rlen + 1 + elen + 1 + mlen + 1);

	memset(j, 0, sizeof(*j));
	j->id = id;
	j->depth = depth;
	j->flags = flags;
	j->heap_idx = SCHED_NONE;
	memcpy(j->url, url, len + 1);
	memcpy(j->url + len + 1, referrer ? referrer : "", rlen + 1);
	j->referrer = j->url + len + 1;
	memcpy(j->url + len + 1 + rlen + 1, etag ? etag : "", elen + 1);
	j->etag = j->referrer + rlen + 1;
	memcpy(j->url + len + 1 + rlen + 1 + elen + 1, last_modified ? last_modified : "",
	       mlen + 1);
	j->last_modified = j->etag + elen + 1;
	return j;
}

/* ---- hosts ---- */

static size_t str_hash(const char *p)
{
	size_t h = 1469598103934665603ull;

	while (*p)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

static void htab_grow(struct sched *s)
{
	size_t n = (s->hmask + 1) * 2, i;
	struct host **t = xcalloc(n, sizeof(*t));

	for (i = 0; i <= s->hmask; i++) {
		struct host *h = s->htab[i], *next;
		for (; h; h = next) {
			size_t k = str_hash(h->key) & (n - 1);
			next = h->hnext;
			h->hnext = t[k];
			t[k] = h;
		}
	}
	free(s->htab);
	s->htab = t;
	s->hmask = n - 1;
}

static void host_free(struct host *h)
{
	robots_free(h->robots);
	free(h->dead_reason);
	free(h->key);
	free(h);
}

/* ---- idle hosts ---- */

static void idle_unlink(struct sched *s, struct host *h)
{
	int l = h->idle_list;

	if (h->iprev)
		h->iprev->inext = h->inext;
	else
		s->idle_head[l] = h->inext;
	if (h->inext)
		h->inext->iprev = h->iprev;
	else
		s->idle_tail[l] = h->iprev;
	h->iprev = h->inext = NULL;
	h->idle_list = -1;
}

/* On the idle list it belongs on (at the tail, from now), or on none. */
static void idle_file(struct sched *s, struct host *h)
{
	int idle = !h->queued && !h->active && !h->delayed;
	int l = h->state == HOST_DEAD;

	if (h->idle_list >= 0 && (!idle || h->idle_list != l))
		idle_unlink(s, h);
	if (!idle || h->idle_list == l)
		return;
	h->idle_since = s->now_us;
	h->idle_list = l;
	h->iprev = s->idle_tail[l];
	h->inext = NULL;
	if (s->idle_tail[l])
		s->idle_tail[l]->inext = h;
	else
		s->idle_head[l] = h;
	s->idle_tail[l] = h;
}

/* When an idle host may go. */
static uint64_t idle_expiry(const struct sched *s, const struct host *h)
{
	uint64_t t = s->idle_us;

	if (h->idle_list == 1)
		t *= SC_DEAD_IDLE_FACTOR;
	else if (h->gap_us > t)
		t = h->gap_us;
	t += h->idle_since;
	return h->next_us > t ? h->next_us : t;
}

size_t sched_expire(struct sched *s, uint64_t now)
{
	size_t n = 0;
	int l;

	s->now_us = now;
	for (l = 0; l < 2; l++) {
		struct host *h;

		while ((h = s->idle_head[l]) && idle_expiry(s, h) <= now) {
			struct host **pp = &s->htab[str_hash(h->key) & s->hmask];

			SC_ASSERT(h->heap_idx == SCHED_NONE);
			idle_unlink(s, h);
			while (*pp != h)
				pp = &(*pp)->hnext;
			*pp = h->hnext;
			s->hcount--;
			log_debug("host '%s': idle, forgotten", h->key);
			host_free(h);
			n++;
		}
	}
	s->expired += n;
	return n;
}

struct host *sched_host(struct sched *s, const char *key, enum host_state initial)
{
	size_t i = str_hash(key) & s->hmask;
	struct host *h;

	for (h = s->htab[i]; h; h = h->hnext)
		if (strcmp(h->key, key) == 0)
			return h;
	h = xcalloc(1, sizeof(*h));
	h->key = xstrdup(key);
	h->state = initial;
	h->heap_idx = SCHED_NONE;
	h->idle_list = -1;
	h->hnext = s->htab[i];
	s->htab[i] = h;
	if (++s->hcount > s->hmask)
		htab_grow(s);
	idle_file(s, h);
	return h;
}

/* ---- the ready heap (hosts by next_us) ---- */

static void ready_set(struct sched *s, size_t i, struct host *h)
{
	s->ready[i] = h;
	h->heap_idx = i;
}

static void ready_up(struct sched *s, size_t i)
{
	struct host *h = s->ready[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (s->ready[p]->next_us <= h->next_us)
			break;
		ready_set(s, i, s->ready[p]);
		i = p;
	}
	ready_set(s, i, h);
}

static void ready_down(struct sched *s, size_t i)
{
	struct host *h = s->ready[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->nready)
			break;
		if (c + 1 < s->nready && s->ready[c + 1]->next_us < s->ready[c]->next_us)
			c++;
		if (h->next_us <= s->ready[c]->next_us)
			break;
		ready_set(s, i, s->ready[c]);
		i = c;
	}
	ready_set(s, i, h);
}

static void ready_remove(struct sched *s, struct host *h)
{
	size_t i = h->heap_idx;
	struct host *last;

	SC_ASSERT(i < s->nready && s->ready[i] == h);
	h->heap_idx = SCHED_NONE;
	last = s->ready[--s->nready];
	if (last == h)
		return;
	ready_set(s, i, last);
	ready_up(s, i);
	ready_down(s, last->heap_idx);
}

void sched_update(struct sched *s, struct host *h)
{
	int ready = h->queued > 0 && h->active < s->per_host &&
		    (h->state == HOST_OPEN || (h->state == HOST_NEW && h->active == 0));

	idle_file(s, h);
	if (!ready) {
		if (h->heap_idx != SCHED_NONE)
			ready_remove(s, h);
		return;
	}
	if (h->heap_idx == SCHED_NONE) {
		if (s->nready == s->ready_cap) {
			s->ready_cap = s->ready_cap ? s->ready_cap * 2 : 64;
			s->ready = xrealloc(s->ready, s->ready_cap * sizeof(*s->ready));
		}
		ready_set(s, s->nready++, h);
		ready_up(s, h->heap_idx);
	} else {
		ready_up(s, h->heap_idx);
		ready_down(s, h->heap_idx);
	}
}

void sched_set_state(struct sched *s, struct host *h, enum host_state st)
{
	if (h->state != st)
		log_debug("host '%s': %s -> %s", h->key, state_names[h->state],
			  state_names[st]);
	h->state = st;
	sched_update(s, h);
}

void sched_rules_read(struct sched *s, struct host *h, uint64_t now)
{
	h->robots_at = now ? now : 1;
	sched_set_state(s, h, HOST_OPEN);
}

void sched_push(struct sched *s, struct host *h, struct job *j, int front)
{
	j->host = h;
	if (front) {
		j->next = h->head;
		h->head = j;
		if (!h->tail)
			h->tail = j;
	} else {
		j->next = NULL;
		if (h->tail)
			h->tail->next = j;
		else
			h->head = j;
		h->tail = j;
	}
	h->queued++;
	s->queued++;
	sched_update(s, h);
}

struct job *sched_pop(struct sched *s, struct host *h)
{
	struct job *j = h->head;

	if (!j)
		return NULL;
	h->head = j->next;
	if (!h->head)
		h->tail = NULL;
	j->next = NULL;
	h->queued--;
	s->queued--;
	sched_update(s, h);
	return j;
}

struct host *sched_next(struct sched *s, uint64_t now, uint64_t *when)
{
	struct host *h;

	for (;;) {
		*when = UINT64_MAX;
		if (!s->nready || s->active >= s->limit)
			return NULL;
		h = s->ready[0];
		*when = h->next_us > s->next_us ? h->next_us : s->next_us;
		if (*when > now)
			return NULL;
		if (h->state != HOST_OPEN || !h->robots_at || !s->robots_max_age_us ||
		    now - h->robots_at < s->robots_max_age_us)
			return h;
		/* stale rules: robots.txt again before the next job (it leaves
		 * the heap until its transfers in flight are done) */
		log_debug("host '%s': robots.txt older than %llu s", h->key,
			  (unsigned long long)(s->robots_max_age_us / 1000000));
		sched_set_state(s, h, HOST_NEW);
	}
}

void sched_started(struct sched *s, struct host *h, uint64_t now)
{
	/* The gaps count from this start, never from a missed deadline: a late
	 * loop turn must not let two requests through closer than the gap. */
	h->active++;
	s->active++;
	h->next_us = now + h->gap_us;
	s->last_us = now;
	s->next_us = s->rate_gap_us ? now + s->rate_gap_us : 0;
	sched_update(s, h);
}

void sched_set_rate_gap(struct sched *s, uint64_t gap_us)
{
	s->rate_gap_us = gap_us;
	s->next_us = gap_us && s->last_us ? s->last_us + gap_us : 0;
}

void sched_set_limit(struct sched *s, int limit)
{
	s->limit = limit > 0 ? limit : 1;
}

void sched_finished(struct sched *s, struct host *h)
{
	SC_ASSERT(h->active > 0 && s->active > 0);
	h->active--;
	s->active--;
	sched_update(s, h);
}

/* ---- the delayed heap (jobs by due_us) ---- */

static void delayed_set(struct sched *s, size_t i, struct job *j)
{
	s->delayed[i] = j;
	j->heap_idx = i;
}

void sched_delay(struct sched *s, struct job *j, uint64_t due_us)
{
	size_t i;

	if (j->host) {
		j->host->delayed++;
		idle_file(s, j->host);
	}
	if (s->ndelayed == s->delayed_cap) {
		s->delayed_cap = s->delayed_cap ? s->delayed_cap * 2 : 64;
		s->delayed = xrealloc(s->delayed, s->delayed_cap * sizeof(*s->delayed));
	}
	j->due_us = due_us;
	i = s->ndelayed++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (s->delayed[p]->due_us <= due_us)
			break;
		delayed_set(s, i, s->delayed[p]);
		i = p;
	}
	delayed_set(s, i, j);
}

struct job *sched_due(struct sched *s, uint64_t now)
{
	struct job *top, *last;
	size_t i = 0;

	if (!s->ndelayed || s->delayed[0]->due_us > now)
		return NULL;
	top = s->delayed[0];
	last = s->delayed[--s->ndelayed];
	if (s->ndelayed) {
		for (;;) {
			size_t c = 2 * i + 1;
			if (c >= s->ndelayed)
				break;
			if (c + 1 < s->ndelayed &&
			    s->delayed[c + 1]->due_us < s->delayed[c]->due_us)
				c++;
			if (last->due_us <= s->delayed[c]->due_us)
				break;
			delayed_set(s, i, s->delayed[c]);
			i = c;
		}
		delayed_set(s, i, last);
	}
	top->heap_idx = SCHED_NONE;
	if (top->host) {
		SC_ASSERT(top->host->delayed > 0);
		top->host->delayed--;
		idle_file(s, top->host);
	}
	return top;
}

uint64_t sched_next_due(const struct sched *s)
{
	return s->ndelayed ? s->delayed[0]->due_us : UINT64_MAX;
}
