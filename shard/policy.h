/*
 * policy.h - what a finished attempt means for its URL and its host: done,
 * retried later, waited for, or given up.
 *
 * The rules (README, "Failures"):
 *   - 429 / 503: the whole host waits (Retry-After, capped at
 *     --max-retry-after, or the backoff), then the URL goes first in its
 *     queue; after SC_THROTTLE_MAX waits it ends with its last response.
 *   - other 5xx: retried with backoff up to --retries times, then it ends
 *     with its last response and a "retries: ..." error.
 *   - a transient network failure (xfer_transient): retried the same way;
 *     a connect or DNS failure also counts towards the host's fail limit
 *     (--host-fail-limit in a row gives the host up).
 *   - anything else ends the URL: its response, or the failure's reason.
 *
 * The policy only decides (and keeps its counters on the job and the host:
 * throttled, fail_streak); the caller applies the outcome to the scheduler,
 * so states still change in sched_set_state() alone.
 */
#ifndef SC_POLICY_H
#define SC_POLICY_H

#include <curl/curl.h>
#include <stdint.h>

struct shard_config;
struct xfer;

struct policy {
	const struct shard_config *cfg;
	uint64_t rng;           /* xorshift state for the backoff jitter */
};

enum policy_verdict {
	POLICY_RESULT,          /* the response ends its URL; why: NULL or its error */
	POLICY_FAIL,            /* ends without a usable response; why says why */
	POLICY_RETRY,           /* park the job until at_us */
	POLICY_WAIT,            /* the host waits until at_us; the job goes first */
	POLICY_GIVE_UP,         /* fail the job and give the host up, both with why */
};

#define POLICY_WHY_MAX (CURL_ERROR_SIZE + 160)

struct policy_outcome {
	enum policy_verdict verdict;
	long status;            /* HTTP status of the response (0: none) */
	uint64_t at_us;         /* RETRY, WAIT */
	const char *why;        /* NULL or points into text */
	char text[POLICY_WHY_MAX];
};

/* seed: any non-zero-ish value (0 is replaced). */
void policy_init(struct policy *p, const struct shard_config *cfg, uint64_t seed);

/* Exponential backoff with jitter: retry_wait * 2^(n-1) * [0.5, 1.5),
 * capped at an hour. */
uint64_t policy_backoff_us(struct policy *p, uint32_t n);

/* The outcome of a finished page transfer x (its job and host) at now. */
void policy_page(struct policy *p, const struct xfer *x, CURLcode rc,
		 uint64_t now, struct policy_outcome *o);

#endif
