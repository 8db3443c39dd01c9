/*
 * test_sched.c - the shard's scheduler with a simulated clock: per-host
 * slots and gaps, the shard-wide rate, host states, delayed retries.  Time
 * is passed in, so these are exact checks of the politeness rules, not
 * measurements.
 */
#include "common/err.h"
#include "shard/sched.h"

#include "tests/check.h"

#include <stdio.h>
#include <stdlib.h>

static void push(struct sched *s, struct host *h, int n)
{
	char url[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "http://%s/%d", h->key, i);
		sched_push(s, h, job_new((uint64_t)i, url, NULL, 0, 0), 0);
	}
}

/* Run the scheduler from t=0 to end_us in 1 ms steps, starting whatever may
 * start and finishing each transfer dur_us later; record start times. */
static int simulate(struct sched *s, uint64_t end_us, uint64_t dur_us,
		    uint64_t *starts, struct host **who, int max)
{
	struct { struct host *h; uint64_t end; struct job *j; } run[64];
	int nrun = 0, n = 0, i;
	uint64_t t, when;

	for (t = 0; t <= end_us; t += 1000) {
		struct host *h;
		for (i = 0; i < nrun; i++) {
			if (run[i].end <= t) {
				sched_finished(s, run[i].h);
				free(run[i].j);
				run[i--] = run[--nrun];
			}
		}
		while (nrun < 64 && (h = sched_next(s, t, &when))) {
			struct job *j = sched_pop(s, h);
			sched_started(s, h, t);
			run[nrun].h = h;
			run[nrun].end = t + dur_us;
			run[nrun++].j = j;
			if (n < max) {
				starts[n] = t;
				who[n] = h;
			}
			n++;
		}
	}
	for (i = 0; i < nrun; i++)
		free(run[i].j);
	return n;
}

static void test_gap_and_slots(void)
{
	struct sched s;
	struct host *slow, *fast;
	uint64_t starts[200], last_slow = 0;
	struct host *who[200];
	int n, i, nslow = 0, nfast = 0, first = 1, gaps_ok = 1;

	sched_init(&s, 2, 0);
	slow = sched_host(&s, "slow.test:80", HOST_OPEN);
	fast = sched_host(&s, "fast.test:80", HOST_OPEN);
	slow->gap_us = 1000000;                 /* Crawl-delay: 1 */
	push(&s, slow, 5);
	push(&s, fast, 30);
	n = simulate(&s, 6000000, 5000, starts, who, 200);
	CHECK_INT(n, 35);
	for (i = 0; i < n && i < 200; i++) {
		if (who[i] == slow) {
			if (!first && starts[i] - last_slow < 1000000)
				gaps_ok = 0;
			first = 0;
			last_slow = starts[i];
			nslow++;
		} else {
			/* the fast host is never held up by the slow one */
			if (starts[i] > 100000)
				gaps_ok = 0;
			nfast++;
		}
	}
	CHECK(gaps_ok);
	CHECK_INT(nslow, 5);
	CHECK_INT(nfast, 30);
	CHECK_INT(s.queued, 0);
	sched_release(&s);
}

static void test_per_host_slots(void)
{
	struct sched s;
	struct host *h, *got;
	uint64_t when;

	sched_init(&s, 2, 0);
	h = sched_host(&s, "a.test:80", HOST_OPEN);
	push(&s, h, 5);
	got = sched_next(&s, 0, &when);
	CHECK(got == h);
	free(sched_pop(&s, h));
	sched_started(&s, h, 0);
	free(sched_pop(&s, h));
	sched_started(&s, h, 0);
	/* two in flight: the host leaves the ready heap though it has jobs */
	CHECK(sched_next(&s, 0, &when) == NULL);
	CHECK(when == UINT64_MAX);
	sched_finished(&s, h);
	CHECK(sched_next(&s, 0, &when) == h);
	sched_release(&s);
}

static void test_rate(void)
{
	struct sched s;
	struct host *hosts[8];
	uint64_t starts[400];
	struct host *who[400];
	char key[32];
	int i, j, n, worst = 0;

	sched_init(&s, 4, 20.0);   /* 20/s: a start every 50 ms at most */
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "h%d.test:80", i);
		hosts[i] = sched_host(&s, key, HOST_OPEN);
		push(&s, hosts[i], 20);
	}
	n = simulate(&s, 5000000, 2000, starts, who, 400);
	/* any window [t, t+1 s) holds at most 20 starts */
	for (i = 0; i < n; i++) {
		int in = 0;
		for (j = i; j < n && starts[j] < starts[i] + 1000000; j++)
			in++;
		if (in > worst)
			worst = in;
	}
	CHECK(worst <= 20);
	CHECK(n >= 100);   /* 5 s at 20/s: 101 starts, the clock allowing */
	for (i = 1; i < n; i++)
		if (starts[i] - starts[i - 1] < 50000)
			worst = 1000;
	CHECK(worst <= 20);
	/* a lower share applies from the last start, at once */
	sched_set_rate_gap(&s, 200000);
	CHECK(s.next_us == s.last_us + 200000);
	sched_set_rate_gap(&s, 0);
	CHECK(s.next_us == 0);
	sched_release(&s);
}

static void test_states(void)
{
	struct sched s;
	struct host *h;
	uint64_t when;

	sched_init(&s, 2, 0);
	h = sched_host(&s, "r.test:80", HOST_NEW);
	push(&s, h, 3);
	/* NEW with jobs: ready (for its robots.txt) */
	CHECK(sched_next(&s, 0, &when) == h);
	sched_set_state(&s, h, HOST_ROBOTS);
	sched_started(&s, h, 0);
	/* ROBOTS: nothing starts on it */
	CHECK(sched_next(&s, 0, &when) == NULL);
	sched_finished(&s, h);
	CHECK(sched_next(&s, 0, &when) == NULL);
	sched_set_state(&s, h, HOST_OPEN);
	CHECK(sched_next(&s, 0, &when) == h);
	sched_set_state(&s, h, HOST_DEAD);
	CHECK(sched_next(&s, 0, &when) == NULL);
	/* a 429 wait: next_us in the future holds the host */
	sched_set_state(&s, h, HOST_OPEN);
	h->next_us = 2000000;
	sched_update(&s, h);
	CHECK(sched_next(&s, 1999999, &when) == NULL);
	CHECK(when == 2000000);
	CHECK(sched_next(&s, 2000000, &when) == h);
	sched_release(&s);   /* frees the jobs still queued */
}

/* The shard's transfer limit (MSG_SHARE's concurrency): nothing starts at or
 * above it; lowering it lets the running transfers finish first. */
static void test_limit(void)
{
	struct sched s;
	struct host *h[4], *got;
	char key[32];
	uint64_t when;
	int i, n;

	sched_init(&s, 4, 0);
	sched_set_limit(&s, 3);
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "l%d.test:80", i);
		h[i] = sched_host(&s, key, HOST_OPEN);
		push(&s, h[i], 4);
	}
	for (n = 0; (got = sched_next(&s, 0, &when)); n++) {
		free(sched_pop(&s, got));
		sched_started(&s, got, 0);
	}
	CHECK_INT(n, 3);
	CHECK_INT(s.active, 3);
	CHECK(when == UINT64_MAX);      /* waits for an end, not for time */
	/* lower to 1: two ends start nothing, the third lets one start */
	sched_set_limit(&s, 1);
	for (i = 0; i < 4 && s.active > 0; i++) {
		while (h[i]->active > 0 && s.active > 0) {
			sched_finished(&s, h[i]);
			got = sched_next(&s, 0, &when);
			CHECK(s.active == 0 ? got != NULL : got == NULL);
		}
	}
	CHECK_INT(s.active, 0);
	got = sched_next(&s, 0, &when);
	free(sched_pop(&s, got));
	sched_started(&s, got, 0);
	CHECK(sched_next(&s, 0, &when) == NULL);
	/* raise to 5: four more start at once */
	sched_set_limit(&s, 5);
	for (n = 0; (got = sched_next(&s, 0, &when)); n++) {
		free(sched_pop(&s, got));
		sched_started(&s, got, 0);
	}
	CHECK_INT(n, 4);
	CHECK_INT(s.active, 5);
	/* a limit of 0 means 1, never "stop for ever" */
	sched_set_limit(&s, 0);
	CHECK_INT(s.limit, 1);
	sched_release(&s);
}

#define SEC 1000000ull

/* One job through host h at [t0, t1): popped, started, finished. */
static void run_one(struct sched *s, struct host *h, uint64_t t0, uint64_t t1)
{
	push(s, h, 1);
	sched_expire(s, t0);
	free(sched_pop(s, h));
	sched_started(s, h, t0);
	sched_expire(s, t1);
	sched_finished(s, h);
}

/* Idle hosts are forgotten after the idle time (or their gap), never while
 * they hold work; DEAD ones after ten times as long. */
static void test_expiry(void)
{
	struct sched s;
	struct host *a, *b, *c, *d, *e, *h;
	struct job *j;
	uint64_t when;
	char key[32];
	int i, same = 1;

	sched_init(&s, 2, 0);
	sched_set_expiry(&s, 60 * SEC, 0);
	a = sched_host(&s, "a.test:80", HOST_OPEN);
	b = sched_host(&s, "b.test:80", HOST_OPEN);
	c = sched_host(&s, "c.test:80", HOST_OPEN);
	d = sched_host(&s, "d.test:80", HOST_OPEN);
	e = sched_host(&s, "e.test:80", HOST_OPEN);
	run_one(&s, a, 0, 1 * SEC);             /* a idle from 1 s */
	b->gap_us = 100 * SEC;                  /* b: a gap longer than the idle time */
	run_one(&s, b, 0, 2 * SEC);
	run_one(&s, c, 0, 3 * SEC);             /* c: a retry parked until 200 s */
	push(&s, c, 1);
	j = sched_pop(&s, c);
	sched_delay(&s, j, 200 * SEC);
	run_one(&s, d, 0, 4 * SEC);             /* d: given up */
	sched_set_state(&s, d, HOST_DEAD);
	/* e has work the whole time */
	push(&s, e, 1);
	sched_expire(&s, 0);
	CHECK_INT(s.hcount, 5);
	CHECK_INT(sched_expire(&s, 60 * SEC), 0);
	/* at 61 s a goes; b's 100 s gap holds it back, and c behind it */
	CHECK_INT(sched_expire(&s, 61 * SEC), 1);
	CHECK_INT(s.hcount, 4);
	CHECK(sched_host(&s, "b.test:80", HOST_NEW) == b);
	CHECK(sched_host(&s, "e.test:80", HOST_NEW) == e);
	CHECK_INT(sched_expire(&s, 101 * SEC), 0);
	CHECK_INT(sched_expire(&s, 102 * SEC), 1);     /* b */
	/* c still has its parked retry: kept; idle from when it is taken */
	CHECK_INT(sched_expire(&s, 199 * SEC), 0);
	CHECK(sched_due(&s, 200 * SEC) == j);
	free(j);
	sched_expire(&s, 200 * SEC);
	CHECK_INT(s.hcount, 3);                         /* c, d, e */
	CHECK_INT(sched_expire(&s, 260 * SEC), 1);     /* c, 60 s after */
	/* d, DEAD, lives ten times the idle time: until 604 s */
	CHECK_INT(sched_expire(&s, 603 * SEC), 0);
	CHECK(sched_host(&s, "d.test:80", HOST_NEW) == d);
	CHECK_INT(d->state, HOST_DEAD);
	CHECK_INT(sched_expire(&s, 604 * SEC), 1);
	CHECK_INT(s.hcount, 1);
	/* the key of a forgotten host comes back as a new host */
	a = sched_host(&s, "a.test:80", HOST_NEW);
	CHECK_INT(a->state, HOST_NEW);
	CHECK_INT(a->queued, 0);
	CHECK(sched_host(&s, "e.test:80", HOST_NEW) == e);
	CHECK(sched_next(&s, 604 * SEC, &when) == e);
	/* a Retry-After running past the idle time holds the host too */
	sched_expire(&s, 700 * SEC);
	a = sched_host(&s, "a.test:80", HOST_OPEN);
	a->next_us = 1000 * SEC;
	CHECK_INT(sched_expire(&s, 999 * SEC), 0);
	CHECK_INT(sched_expire(&s, 1000 * SEC), 1);
	CHECK_INT(s.expired, 6);
	sched_release(&s);

	/* many hosts: each expires once, in the order they went idle, and the
	 * hash table still finds the others */
	sched_init(&s, 1, 0);
	sched_set_expiry(&s, 10 * SEC, 0);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "m%d.test:80", i);
		run_one(&s, sched_host(&s, key, HOST_OPEN), (uint64_t)i * 1000,
			(uint64_t)i * 1000 + 500);
	}
	CHECK_INT(s.hcount, 5000);
	/* host i went idle at i ms + 0.5 ms: at 10 s + 2500 ms, 2500 are due */
	CHECK_INT(sched_expire(&s, 10 * SEC + 2500 * 1000), 2500);
	for (i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof(key), "m%d.test:80", i);
		h = sched_host(&s, key, HOST_OPEN);
		if ((i < 2500) != (h->idle_since == 10 * SEC + 2500 * 1000))
			same = 0;
	}
	CHECK(same);
	sched_release(&s);
}

/* Rules older than the max age send the host back to robots.txt before its
 * next job; with robots.txt off (no rules read) never. */
static void test_robots_age(void)
{
	struct sched s;
	struct host *h, *off;
	uint64_t when, day = 86400 * SEC;

	sched_init(&s, 2, 0);
	sched_set_expiry(&s, 60 * SEC, day);
	h = sched_host(&s, "r.test:80", HOST_NEW);
	off = sched_host(&s, "off.test:80", HOST_OPEN);
	push(&s, h, 3);
	CHECK(sched_next(&s, 0, &when) == h);
	sched_set_state(&s, h, HOST_ROBOTS);
	sched_started(&s, h, 0);
	sched_finished(&s, h);
	sched_rules_read(&s, h, 5 * SEC);
	CHECK_INT(h->state, HOST_OPEN);
	/* a job just before the day is up runs on the rules it has */
	CHECK(sched_next(&s, 5 * SEC + day - 1, &when) == h);
	free(sched_pop(&s, h));
	sched_started(&s, h, 5 * SEC + day - 1);
	/* a day after they were read: robots.txt again, once the transfer in
	 * flight is done */
	CHECK(sched_next(&s, 5 * SEC + day, &when) == NULL);
	CHECK_INT(h->state, HOST_NEW);
	sched_finished(&s, h);
	CHECK(sched_next(&s, 5 * SEC + day, &when) == h);
	CHECK_INT(h->state, HOST_NEW);
	sched_set_state(&s, h, HOST_ROBOTS);
	sched_started(&s, h, 5 * SEC + day);
	sched_finished(&s, h);
	sched_rules_read(&s, h, 6 * SEC + day);
	CHECK(sched_next(&s, 6 * SEC + day, &when) == h);
	CHECK_INT(h->state, HOST_OPEN);
	/* no rules read: never stale */
	push(&s, off, 1);
	h->next_us = 100 * day;
	sched_update(&s, h);
	CHECK(sched_next(&s, 10 * day, &when) == off);
	CHECK_INT(off->state, HOST_OPEN);
	free(sched_pop(&s, off));
	/* a max age of 0: rules good for ever */
	sched_set_expiry(&s, 60 * SEC, 0);
	CHECK(sched_next(&s, 100 * day, &when) == h);
	CHECK_INT(h->state, HOST_OPEN);
	sched_release(&s);
}

static void test_delayed(void)
{
	struct sched s;
	struct host *h;
	struct job *j;
	uint64_t due[] = { 500, 100, 900, 300, 700, 100 };
	uint64_t last = 0;
	int i, n = 0, ordered = 1;

	sched_init(&s, 1, 0);
	h = sched_host(&s, "d.test:80", HOST_OPEN);
	for (i = 0; i < 6; i++) {
		j = job_new((uint64_t)i, "http://d.test/", NULL, 0, 0);
		j->host = h;
		sched_delay(&s, j, due[i]);
	}
	CHECK_INT(sched_next_due(&s), 100);
	CHECK(sched_due(&s, 99) == NULL);
	while ((j = sched_due(&s, 1000))) {
		if (j->due_us < last)
			ordered = 0;
		last = j->due_us;
		n++;
		free(j);
	}
	CHECK(ordered);
	CHECK_INT(n, 6);
	CHECK(sched_next_due(&s) == UINT64_MAX);
	/* jobs still parked at the end are freed by release */
	sched_delay(&s, job_new(9, "http://d.test/x", NULL, 0, 0), 5);
	sched_release(&s);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_gap_and_slots();
	test_per_host_slots();
	test_rate();
	test_states();
	test_limit();
	test_expiry();
	test_robots_age();
	test_delayed();
	return check_report(argv[0]);
}
