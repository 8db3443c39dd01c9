#include "shard/policy.h"

#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "shard/sched.h"
#include "shard/shard.h"
#include "shard/xfer.h"

#include <stdio.h>
#include <time.h>

void policy_init(struct policy *p, const struct shard_config *cfg, uint64_t seed)
{
	p->cfg = cfg;
	p->rng = seed ? seed : 1;
}

uint64_t policy_backoff_us(struct policy *p, uint32_t n)
{
	uint64_t base = (uint64_t)p->cfg->retry_wait_ms * 1000, d;
	double jitter;

	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	jitter = 0.5 + (double)(p->rng >> 11) / (double)(1ull << 53);
	if (n > 20)
		n = 20;
	d = base << (n ? n - 1 : 0);
	if (d > 3600ull * 1000000)
		d = 3600ull * 1000000;
	return (uint64_t)((double)d * jitter);
}

/* A response came: 429/503 waits, 5xx retries, or the result. */
static void policy_response(struct policy *p, const struct xfer *x, uint64_t now,
			    struct policy_outcome *o)
{
	const struct shard_config *cfg = p->cfg;
	struct job *j = x->job;
	struct host *h = x->host;
	long status = o->status;

	h->fail_streak = 0;
	if ((status == 429 || status == 503) && j->throttled < SC_THROTTLE_MAX) {
		/* the whole host waits as asked, then this URL goes first */
		const char *v;
		size_t vlen;
		long secs = -1;
		uint64_t wait;

		if (http_header(x->hdr.data, x->hdr.len, "Retry-After", &v, &vlen))
			secs = http_retry_after(v, vlen, (long)time(NULL));
		j->throttled++;
		if (secs >= 0)
			wait = (uint64_t)(secs < cfg->max_retry_after_s ?
					  secs : cfg->max_retry_after_s) * 1000000;
		else
			wait = policy_backoff_us(p, j->throttled);
		log_info("'%s': HTTP %ld, host '%s' waits %.1f s", j->url, status,
			 h->key, (double)wait / 1e6);
		o->verdict = POLICY_WAIT;
		o->at_us = now + wait;
		return;
	}
	if (status >= 500 && status != 503 && (int)j->attempts <= cfg->retries) {
		o->verdict = POLICY_RETRY;
		o->at_us = now + policy_backoff_us(p, j->attempts);
		return;
	}
	o->verdict = POLICY_RESULT;
	if (status == 429 || status == 503) {
		snprintf(o->text, sizeof(o->text), "throttled: still HTTP %ld after %u waits",
			 status, j->throttled);
		o->why = o->text;
	} else if (status >= 500) {
		snprintf(o->text, sizeof(o->text), "retries: gave up after %u attempts (HTTP %ld)",
			 j->attempts, status);
		o->why = o->text;
	}
}

void policy_page(struct policy *p, const struct xfer *x, CURLcode rc,
		 uint64_t now, struct policy_outcome *o)
{
	const struct shard_config *cfg = p->cfg;
	struct job *j = x->job;
	struct host *h = x->host;
	char why[CURL_ERROR_SIZE + 96];
	int ok = rc == CURLE_OK ||
		 (rc == CURLE_WRITE_ERROR && (x->truncated || x->type_rejected));

	o->why = NULL;
	o->text[0] = '\0';
	o->at_us = 0;
	o->status = xfer_status(x);
	if (ok && o->status > 0 && x->hdr.len) {
		policy_response(p, x, now, o);
		return;
	}
	xfer_reason(x, rc, why, sizeof(why));
	if ((rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) &&
	    ++h->fail_streak >= cfg->host_fail_limit) {
		snprintf(o->text, sizeof(o->text), "host: given up after %d consecutive "
			 "failures (%s)", h->fail_streak, why);
		o->verdict = POLICY_GIVE_UP;
		o->why = o->text;
		return;
	}
	if (xfer_transient(rc) && (int)j->attempts <= cfg->retries) {
		o->verdict = POLICY_RETRY;
		o->at_us = now + policy_backoff_us(p, j->attempts);
		return;
	}
	o->verdict = POLICY_FAIL;
	if (!x->hdr.len)
		o->status = 0;
	snprintf(o->text, sizeof(o->text), "%s", why);
	o->why = o->text;
}
