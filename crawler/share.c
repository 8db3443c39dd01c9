#include "crawler/share.h"

#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/msg.h"

#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void share_split(const uint64_t *demand, int n, uint64_t c, uint32_t *out)
{
	uint64_t total = 0, v;
	int i;

	for (i = 0; i < n; i++)
		total += demand[i];
	for (i = 0; i < n; i++) {
		if (!total)
			v = (c + (uint64_t)n - 1) / (uint64_t)n;
		else
			/* demand[i] / total of c, whether c is above or below
			 * the total: the spare (or the cut) is spread in the
			 * same proportion */
			v = demand[i] * c / total;
		if (v < 1)
			v = 1;
		if (v > SC_CONCURRENCY_MAX)
			v = SC_CONCURRENCY_MAX;
		out[i] = (uint32_t)v;
	}
}

void share_update(struct share *sh, struct procs *pr, struct frontier *fr,
		  const struct crawl_config *cfg, struct buf *tmp, int force)
{
	uint64_t demand[SC_MAX_SHARDS] = { 0 }, now = now_ms(), gap = 0;
	uint32_t conc[SC_MAX_SHARDS];
	double rate;
	int i, busy = 0;

	/* this process's part of --rate (all of it, unless the crawl is
	 * shared); a cut is sent at once, before another node takes it up */
	rate = fr->ops->rate(fr, cfg->rate);
	if (rate < sh->last_rate)
		force = 1;
	sh->last_rate = rate;
	if (!force && now - sh->last_ms < SHARE_MS)
		return;
	sh->last_ms = now;
	for (i = 0; i < pr->n; i++) {
		demand[i] = fr->ops->demand(fr, i);
		busy += fr->ops->ready(fr, i) || pr->sp[i].inflight > 0;
	}
	share_split(demand, pr->n, (uint64_t)cfg->concurrency, conc);
	if (rate > 0 && busy)
		gap = (uint64_t)(1e6 * busy / rate + 0.5);
	for (i = 0; i < pr->n; i++) {
		struct shard_proc *sp = &pr->sp[i];
		uint32_t old = sp->concurrency, c = conc[i];
		uint32_t diff = c > old ? c - old : old - c;
		uint64_t g = rate > 0 && busy ? gap : sp->rate_gap_us;
		struct msg_share m;

		if (sp->state != SP_RUNNING)
			continue;
		if (diff * 8 < old && !force)
			c = old;        /* too small a change to send */
		procs_set_window(sp, c * 4 > SC_WINDOW_MIN ? c * 4 : SC_WINDOW_MIN);
		if (c == old && g == sp->rate_gap_us && !force)
			continue;
		sp->concurrency = c;
		sp->rate_gap_us = g;
		m.rate_gap_us = g;
		m.concurrency = c;
		SC_ASSERT(msg_share_encode(tmp, &m) == 0);
		SC_ASSERT(frame_queue(&sp->w, MSG_SHARE, tmp->data, tmp->len, NULL, 0) == 0);
	}
}
