/*
 * test_frontier.c - the local frontier backend and its spill, with budgets
 * of a few KiB so that nearly everything goes through the disk: order,
 * exactly-once, fairness, windows, demand, seen and quota, disk errors and
 * a resume.  Everything is written under one mkdtemp() directory, removed
 * at the end.
 */
#include "common/err.h"
#include "common/seen.h"
#include "crawler/frontier.h"
#include "crawler/spill.h"

#include "tests/check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void path_of(char *out, size_t n, const char *sub)
{
	snprintf(out, n, "%s/%s", tmp, sub);
}

/* Segment files in tmp/sub. */
static int segments(const char *sub)
{
	char dir[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	path_of(dir, sizeof(dir), sub);
	if (!(d = opendir(dir)))
		return -1;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "spill-", 6) == 0)
			n++;
	closedir(d);
	return n;
}

static void rm_dir(const char *sub)
{
	char dir[128], p[400];
	struct dirent *de;
	DIR *d;

	path_of(dir, sizeof(dir), sub);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct frontier *mk(int nshards, uint32_t per_host, uint32_t window,
			   uint64_t budget, const char *sub)
{
	struct frontier_local_opts o;
	char dir[128];

	path_of(dir, sizeof(dir), sub);
	memset(&o, 0, sizeof(o));
	o.nshards = nshards;
	o.per_host = per_host;
	o.host_window = window;
	o.mem_budget = budget;
	o.spill_dir = dir;
	return frontier_local_new(&o);
}

static void url_of(char *buf, size_t n, int host, int seq)
{
	snprintf(buf, n, "http://h%d.test/some/path/to/page-%d.html", host, seq);
}

static void key_of(char *buf, size_t n, int host)
{
	snprintf(buf, n, "h%d.test:80", host);
}

static int parse(const char *url, int *host, int *seq)
{
	return sscanf(url, "http://h%d.test/some/path/to/page-%d.html", host, seq) == 2
	       ? 0 : -1;
}

static int admit(struct frontier *f, int host, int seq, struct rstr *ref)
{
	char url[128], key[64];

	url_of(url, sizeof(url), host, seq);
	key_of(key, sizeof(key), host);
	return f->ops->admit(f, url, key, (uint32_t)(seq % 7), (uint32_t)(seq % 3),
			     ref, 0);
}

static uint64_t mem_now(struct frontier *f)
{
	struct frontier_counts c;

	f->ops->counts(f, &c);
	return c.mem_bytes;
}

/*
 * Drain f, the shards taking turns, every entry given back at once.  Checks
 * each entry against the next expected sequence number of its host and
 * its shard.  Returns entries out, or -1 on an error from next() (*err).
 */
static long drain(struct frontier *f, int *expect, int nhosts, uint64_t *mem_max,
		  int *bad, int *err)
{
	long n = 0, idle = 0;
	int s, host, seq;

	*err = 0;
	while (idle < 2) {
		idle++;
		for (s = 0; s < f->nshards; s++) {
			char key[64];
			struct fentry *e = f->ops->next(f, s, err);
			if (*err)
				return -1;
			if (!e)
				continue;
			idle = 0;
			n++;
			if (parse(e->url, &host, &seq) || host >= nhosts ||
			    seq != expect[host] || e->depth != (uint32_t)(seq % 7) ||
			    e->redirects != (uint32_t)(seq % 3))
				(*bad)++;
			else
				expect[host]++;
			key_of(key, sizeof(key), host);
			if (frontier_shard_of(f->nshards, key) != s)
				(*bad)++;
			f->ops->done(f, e);
			if (mem_max && mem_now(f) > *mem_max)
				*mem_max = mem_now(f);
		}
	}
	return n;
}

/* (a) 50,000 URLs over 1,000 hosts through a 16 KiB budget. */
static void test_spill_read_back(void)
{
	enum { N = 50000, H = 1000 };
	static int expect[H], admitted[H];
	const uint64_t budget = 16 << 10;
	struct frontier *f = mk(4, 2, 8, budget, "a");
	struct frontier_counts c;
	struct rstr *ref = NULL;
	uint64_t mem_max = 0;
	int i, bad = 0, err, ok = 1;
	long n;

	CHECK(f != NULL);
	if (!f)
		return;
	for (i = 0; i < N; i++) {
		int h = (int)(rng() % H);
		if (i % 20 == 0) {
			char r[64];
			rstr_put(ref);
			snprintf(r, sizeof(r), "http://src.test/page-%d", i / 20);
			ref = rstr_new(r);
		}
		if (admit(f, h, admitted[h]++, ref) != FRONTIER_QUEUED)
			ok = 0;
		if (mem_now(f) > mem_max)
			mem_max = mem_now(f);
	}
	rstr_put(ref);
	CHECK(ok);
	f->ops->counts(f, &c);
	CHECK_INT(c.queued, N);
	CHECK(c.queued_mem < N / 10);
	CHECK(c.spill_bytes > 0);
	CHECK(segments("a") > 0);
	n = drain(f, expect, H, &mem_max, &bad, &err);
	CHECK_INT(err, 0);
	CHECK_INT(n, N);
	CHECK_INT(bad, 0);
	for (i = 0; i < H; i++)
		if (expect[i] != admitted[i])
			ok = 0;
	CHECK(ok);
	/* past the budget: the cold tail being filled (a block, a sixteenth
	 * of the budget) and one block read back, which is about twice as big
	 * as entries (and their new host structs) as it was encoded */
	CHECK(mem_max <= budget + budget / 4);
	f->ops->counts(f, &c);
	CHECK_INT(c.queued, 0);
	CHECK_INT(c.out, 0);
	CHECK_INT(c.hosts_mem, 0);
	CHECK_INT(c.spill_bytes, 0);
	CHECK_INT(c.seen, N);
	CHECK_INT(segments("a"), 0);
	f->ops->release(f);
	rm_dir("a");
}

/* (b) one host, 100,000 URLs, a tiny budget: strict order, O(N) on disk. */
static void test_one_big_host(void)
{
	enum { N = 100000 };
	static int expect[1];
	struct frontier *f = mk(1, 2, 8, 8 << 10, "b");
	struct frontier_counts c;
	int i, ok = 1, bad = 0, err;
	long n;

	for (i = 0; i < N; i++)
		if (admit(f, 0, i, NULL) != FRONTIER_QUEUED)
			ok = 0;
	CHECK(ok);
	f->ops->counts(f, &c);
	CHECK_INT(c.queued, N);
	CHECK(c.queued_mem > 32);       /* the lone host has the budget */
	n = drain(f, expect, 1, NULL, &bad, &err);
	CHECK_INT(n, N);
	CHECK_INT(bad, 0);
	f->ops->counts(f, &c);
	CHECK(c.spilled <= (uint64_t)N);        /* written once, never again */
	CHECK_INT(c.queued, 0);
	CHECK_INT(segments("b"), 0);
	f->ops->release(f);
	rm_dir("b");
}

/* (c) a big host first, then 100 small ones: the small ones are not made
 * to wait for the big one's 100,000. */
static void test_fairness(void)
{
	enum { BIG = 100000, SMALL = 100, EACH = 10 };
	static int first[SMALL + 1];
	struct frontier *f = mk(4, 2, 8, 16 << 10, "c");
	long calls = 0, worst = 0;
	int i, j, s, left = SMALL, err = 0, host, seq;

	for (i = 0; i < BIG; i++)
		admit(f, 0, i, NULL);
	for (i = 1; i <= SMALL; i++)
		for (j = 0; j < EACH; j++)
			admit(f, i, j, NULL);
	memset(first, 0, sizeof(first));
	while (left && calls < BIG + SMALL * EACH && !err) {
		for (s = 0; s < 4; s++) {
			struct fentry *e = f->ops->next(f, s, &err);
			calls++;
			if (!e)
				continue;
			if (!parse(e->url, &host, &seq) && host > 0 && !first[host]) {
				first[host] = 1;
				left--;
				worst = calls;
			}
			f->ops->done(f, e);
		}
	}
	CHECK_INT(err, 0);
	CHECK_INT(left, 0);
	CHECK(worst < 3000);
	/* released with most of the big host still on disk */
	f->ops->release(f);
	CHECK_INT(segments("c"), 0);
	rm_dir("c");
}

/* (d) requeued entries come out again; the counts follow. */
static void test_requeue(void)
{
	enum { H = 5, EACH = 60 };
	struct frontier *f = mk(2, 2, 4, 4 << 10, "d");
	struct fentry *held[16];
	struct frontier_counts c;
	static int seen_n[H][EACH];
	int i, j, s, nheld = 0, err, host, seq, ok = 1;
	long got = 0, idle = 0;

	for (j = 0; j < EACH; j++)
		for (i = 0; i < H; i++)
			admit(f, i, j, NULL);
	for (s = 0; s < 2 && nheld < 16; s++) {
		struct fentry *e;
		while (nheld < 16 && (e = f->ops->next(f, s, &err)))
			held[nheld++] = e;
	}
	CHECK(nheld > 4);
	f->ops->counts(f, &c);
	CHECK_INT(c.out, nheld);
	CHECK_INT(c.queued + c.out, H * EACH);
	for (i = 0; i < nheld; i++)
		f->ops->requeue(f, held[i]);
	f->ops->counts(f, &c);
	CHECK_INT(c.out, 0);
	CHECK_INT(c.queued, H * EACH);
	while (idle < 2) {
		idle++;
		for (s = 0; s < 2; s++) {
			struct fentry *e = f->ops->next(f, s, &err);
			if (!e)
				continue;
			idle = 0;
			got++;
			if (parse(e->url, &host, &seq) || host >= H || seq >= EACH)
				ok = 0;
			else
				seen_n[host][seq]++;
			f->ops->done(f, e);
		}
	}
	CHECK_INT(got, H * EACH);
	for (i = 0; i < H; i++)
		for (j = 0; j < EACH; j++)
			if (seen_n[i][j] != 1)
				ok = 0;
	CHECK(ok);
	f->ops->counts(f, &c);
	CHECK_INT(c.queued, 0);
	CHECK_INT(c.out, 0);
	CHECK_INT(c.hosts_mem, 0);
	f->ops->release(f);
	rm_dir("d");
}

/* (e) the seen set and host quota (d.test: a resume's replay; s.test: seeds). */
static void test_seen_quota(void)
{
	static const struct {
		const char *url, *key;
		uint64_t quota;
		int want;
	} t[] = {
		{ "http://a.test/1", "a.test:80", 0, FRONTIER_QUEUED },
		{ "http://a.test/1", "a.test:80", 0, FRONTIER_SEEN },
		{ "http://a.test/m", NULL, 0, 1 },     /* mark_seen: new */
		{ "http://a.test/m", NULL, 0, 0 },     /* mark_seen: known */
		{ "http://a.test/m", "a.test:80", 0, FRONTIER_SEEN },
		{ "http://q.test/1", "q.test:80", 3, FRONTIER_QUEUED },
		{ "http://q.test/2", "q.test:80", 3, FRONTIER_QUEUED },
		{ "http://q.test/2", "q.test:80", 3, FRONTIER_SEEN },
		{ "http://q.test/3", "q.test:80", 3, FRONTIER_QUEUED },
		{ "http://q.test/4", "q.test:80", 3, FRONTIER_QUOTA },
		{ "http://q.test/1", "q.test:80", 3, FRONTIER_SEEN },
		{ "http://r.test/1", "r.test:80", 3, FRONTIER_QUEUED },
		{ "http://q.test/4", "q.test:80", 0, FRONTIER_QUEUED },
		{ "http://d.test/1", NULL, 0, 1 },
		{ "http://d.test/2", NULL, 0, 1 },
		{ "http://d.test/1", "d.test:80", FRONTIER_QUOTA_REPLAY, FRONTIER_SEEN },
		{ "http://d.test/2", "d.test:80", FRONTIER_QUOTA_REPLAY, FRONTIER_SEEN },
		{ "http://d.test/3", "d.test:80", FRONTIER_QUOTA_REPLAY, FRONTIER_QUEUED },
		{ "http://d.test/4", "d.test:80", 3, FRONTIER_QUOTA },
		{ "http://s.test/1", "s.test:80", FRONTIER_QUOTA_NEVER, FRONTIER_QUEUED },
		{ "http://s.test/1", "s.test:80", FRONTIER_QUOTA_NEVER, FRONTIER_SEEN },
		{ "http://s.test/2", "s.test:80", 2, FRONTIER_QUEUED },
		{ "http://s.test/3", "s.test:80", 2, FRONTIER_QUOTA },
	};
	struct frontier *f = mk(1, 2, 8, 1 << 20, "e");
	struct frontier_counts c;
	struct fentry *e;
	size_t i;
	int err, n = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = t[i].key ?
			f->ops->admit(f, t[i].url, t[i].key, 0, 0, NULL, t[i].quota) :
			f->ops->mark_seen(f, t[i].url);
		if (r != t[i].want)
			fprintf(stderr, "row %zu: %s -> %d\n", i, t[i].url, r);
		CHECK_INT(r, t[i].want);
	}
	f->ops->counts(f, &c);
	CHECK_INT(c.queued, 9);
	CHECK_INT(c.seen, 12);
	while ((e = f->ops->next(f, 0, &err))) {
		n++;
		f->ops->done(f, e);
	}
	CHECK_INT(n, 9);
	f->ops->release(f);
	rm_dir("e");
}

/* (f) a host never has more than host_window out. */
static void test_host_window(void)
{
	struct frontier *f = mk(1, 2, 3, 1 << 20, "f");
	struct fentry *out[8], *e;
	int i, n = 0, err, host, seq, per[2] = { 0, 0 };

	for (i = 0; i < 20; i++) {
		admit(f, 0, i, NULL);
		admit(f, 1, i, NULL);
	}
	while (n < 8 && (e = f->ops->next(f, 0, &err))) {
		out[n++] = e;
		if (!parse(e->url, &host, &seq))
			per[host]++;
	}
	CHECK_INT(n, 6);
	CHECK_INT(per[0], 3);
	CHECK_INT(per[1], 3);
	CHECK(!f->ops->ready(f, 0));
	f->ops->done(f, out[0]);
	CHECK(f->ops->ready(f, 0));
	e = f->ops->next(f, 0, &err);
	CHECK(e != NULL);
	CHECK(e && !parse(e->url, &host, &seq) && seq == 3);
	CHECK(!f->ops->ready(f, 0));
	if (e)
		f->ops->done(f, e);
	for (i = 1; i < n; i++)
		f->ops->done(f, out[i]);
	f->ops->release(f);
	rm_dir("f");
}

/*
 * (g) demand() against a model, at every step of a random sequence.  With
 * room for everything the model is exact; with a tiny budget hosts whose
 * URLs wait only in cold have no struct and add nothing, so demand lies
 * between what the hosts with URLs out must add and the model.
 */
static void demand_run(uint64_t budget, const char *sub, int exact)
{
	enum { H = 20, S = 3, PH = 2, STEPS = 20000 };
	struct frontier *f = mk(S, PH, 4, budget, sub);
	static struct fentry *out[256];
	int queued[H] = { 0 }, nout[H] = { 0 }, next_seq[H] = { 0 };
	int shard[H], i, step, n = 0, ok = 1, err = 0, host, seq;
	char key[64];

	for (i = 0; i < H; i++) {
		key_of(key, sizeof(key), i);
		shard[i] = frontier_shard_of(S, key);
	}
	for (step = 0; step < STEPS && !err; step++) {
		unsigned op = (unsigned)(rng() % 10);
		uint64_t want[S] = { 0 }, low[S] = { 0 };
		int s;

		if (op < 4) {
			i = (int)(rng() % H);
			if (admit(f, i, next_seq[i]++, NULL) == FRONTIER_QUEUED)
				queued[i]++;
		} else if (op < 7 && n < 256) {
			struct fentry *e = f->ops->next(f, (int)(rng() % S), &err);
			if (e && !parse(e->url, &host, &seq)) {
				out[n++] = e;
				queued[host]--;
				nout[host]++;
			}
		} else if (n) {
			int k = (int)(rng() % (uint64_t)n);
			struct fentry *e = out[k];
			parse(e->url, &host, &seq);
			out[k] = out[--n];
			nout[host]--;
			if (op == 9) {
				f->ops->requeue(f, e);
				queued[host]++;
			} else {
				f->ops->done(f, e);
			}
		}
		for (i = 0; i < H; i++) {
			int d = queued[i] + nout[i];
			want[shard[i]] += d < PH ? (uint64_t)d : PH;
			low[shard[i]] += nout[i] < PH ? (uint64_t)nout[i] : PH;
		}
		for (s = 0; s < S; s++) {
			uint64_t d = f->ops->demand(f, s);
			if (exact ? d != want[s] : d < low[s] || d > want[s])
				ok = 0;
		}
	}
	CHECK_INT(err, 0);
	CHECK(ok);
	while (n)
		f->ops->done(f, out[--n]);
	f->ops->release(f);
	rm_dir(sub);
}

static void test_demand(void)
{
	demand_run(64 << 20, "g1", 1);
	demand_run(4 << 10, "g2", 0);
}

/* The first segment file of tmp/sub. */
static int first_segment(const char *sub, char *out, size_t n)
{
	char dir[128];
	struct dirent *de;
	DIR *d;
	int found = -1;

	path_of(dir, sizeof(dir), sub);
	if (!(d = opendir(dir)))
		return -1;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "spill-", 6) == 0 && found < 0) {
			snprintf(out, n, "%s/%s", dir, de->d_name);
			found = 0;
		}
	closedir(d);
	return found;
}

/* (h) bytes of a segment overwritten between admit and next: SC_EIO. */
static void test_corrupt_segment(void)
{
	enum { N = 5000, H = 50 };
	static int expect[H];
	struct frontier *f = mk(2, 2, 8, 16 << 10, "h");
	char seg[400];
	struct stat st;
	long n;
	int i, fd, bad = 0, err = 0;

	for (i = 0; i < N; i++)
		admit(f, i % H, i / H, NULL);
	CHECK(first_segment("h", seg, sizeof(seg)) == 0);
	fd = open(seg, O_WRONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	for (i = 0; fd >= 0 && i < st.st_size; i += 97)
		CHECK(pwrite(fd, "\x5a\xa5", 2, i) == 2);
	if (fd >= 0)
		close(fd);
	n = drain(f, expect, H, NULL, &bad, &err);
	CHECK_INT(n, -1);
	CHECK_INT(err, SC_EIO);
	CHECK_INT(bad, 0);
	f->ops->release(f);
	CHECK_INT(segments("h"), 0);
	rm_dir("h");
}

/* (i) a resume: the done URLs marked seen, the journal admitted again in
 * order; the rebuilt frontier hands out exactly the others, in order.
 * Also: a leftover segment in the spill directory is deleted at start. */
static void test_resume(void)
{
	enum { N = 3000, H = 30 };
	static char done[N];
	int expect[H] = { 0 }, i, s, err, host, seq, ok = 1;
	long got = 0, want = 0, idle = 0;
	struct frontier *f = mk(3, 2, 8, 8 << 10, "i");
	char url[128], key[64], p[200];
	FILE *fp;

	for (i = 0; i < N; i++)
		admit(f, i % H, i / H, NULL);
	/* a crawl that got a third of the way: some done, some out */
	for (i = 0; i < N / 3; i++) {
		struct fentry *e = f->ops->next(f, i % 3, &err);
		if (!e)
			continue;
		parse(e->url, &host, &seq);
		if (rng() % 4) {
			done[seq * H + host] = 1;
			f->ops->done(f, e);
		} else {
			fentry_free(e);         /* out when the process died */
		}
	}
	f->ops->release(f);
	path_of(p, sizeof(p), "i/spill-000042.lz4");
	fp = fopen(p, "w");
	if (fp)
		fclose(fp);
	path_of(p, sizeof(p), "i/keep");
	fp = fopen(p, "w");
	if (fp)
		fclose(fp);

	f = mk(3, 2, 8, 8 << 10, "i");
	CHECK_INT(segments("i"), 0);
	CHECK(access(p, F_OK) == 0);
	for (i = 0; i < N; i++) {
		url_of(url, sizeof(url), i % H, i / H);
		if (done[i])
			f->ops->mark_seen(f, url);
		else
			want++;
	}
	for (i = 0; i < N; i++) {
		int r;
		url_of(url, sizeof(url), i % H, i / H);
		key_of(key, sizeof(key), i % H);
		r = f->ops->admit(f, url, key, 0, 0, NULL, 0);
		if (r != (done[i] ? FRONTIER_SEEN : FRONTIER_QUEUED))
			ok = 0;
	}
	CHECK(ok);
	while (idle < 2) {
		idle++;
		for (s = 0; s < 3; s++) {
			struct fentry *e = f->ops->next(f, s, &err);
			if (!e)
				continue;
			idle = 0;
			got++;
			parse(e->url, &host, &seq);
			while (expect[host] < N / H && done[expect[host] * H + host])
				expect[host]++;
			if (seq != expect[host]++)
				ok = 0;
			f->ops->done(f, e);
		}
	}
	CHECK_INT(got, want);
	CHECK(ok);
	f->ops->release(f);
	rm_dir("i");
}

/* The spill alone: two queues over segments of 4 KiB; segments go away as
 * the blocks in them are read. */
static void push_n(struct spill *sp, struct spillq *q, int host, int from, int n)
{
	char url[128], key[64];
	int i;

	for (i = from; i < from + n; i++) {
		url_of(url, sizeof(url), host, i);
		key_of(key, sizeof(key), host);
		spillq_push(sp, q, url, (uint32_t)(i % 7), (uint32_t)(i % 3),
			    i % 2 ? "http://ref.test/" : NULL, key);
		if (spillq_full(sp, q))
			CHECK_INT(spillq_flush(sp, q), 0);
	}
}

struct popped {
	int host, next, bad;
};

static void check_one(void *arg, struct fentry *e, const char *key)
{
	struct popped *p = arg;
	char k[64];
	int host, seq;

	key_of(k, sizeof(k), p->host);
	if (parse(e->url, &host, &seq) || host != p->host || seq != p->next ||
	    !key || strcmp(key, k) || e->depth != (uint32_t)(seq % 7) ||
	    (seq % 2 ? !e->referrer || strcmp(e->referrer->s, "http://ref.test/") :
	     e->referrer != NULL))
		p->bad++;
	p->next++;
	fentry_free(e);
}

static void test_spill_segments(void)
{
	struct spill sp;
	struct spillq q[2];
	struct popped p[2] = { { 0, 0, 0 }, { 1, 0, 0 } };
	char dir[128];
	int i, most;

	path_of(dir, sizeof(dir), "s");
	CHECK_INT(spill_init(&sp, dir, 512, 4096), 0);
	spillq_init(&q[0]);
	spillq_init(&q[1]);
	for (i = 0; i < 1000; i++) {
		push_n(&sp, &q[0], 0, i, 1);
		push_n(&sp, &q[1], 1, i, 1);
	}
	CHECK_INT(spillq_flush(&sp, &q[0]), 0);
	CHECK_INT(spillq_flush(&sp, &q[1]), 0);
	most = segments("s");
	CHECK(most > 3);
	while (q[0].count)
		CHECK_INT(spillq_pop(&sp, &q[0], check_one, &p[0]), 0);
	/* q[1]'s blocks still pin every segment */
	CHECK_INT(segments("s"), most);
	for (i = 0; q[1].count; i++) {
		CHECK_INT(spillq_pop(&sp, &q[1], check_one, &p[1]), 0);
		if (i == 20)
			CHECK(segments("s") < most);
	}
	CHECK_INT(p[0].next, 1000);
	CHECK_INT(p[1].next, 1000);
	CHECK_INT(p[0].bad + p[1].bad, 0);
	CHECK_INT(segments("s"), 0);
	CHECK_INT(sp.disk, 0);
	CHECK_INT(sp.mem, 0);
	spillq_release(&sp, &q[0]);
	spillq_release(&sp, &q[1]);
	spill_release(&sp);
	rm_dir("s");
}

/* Every byte of a block flipped in turn: each pop is SC_EIO (the queue
 * unchanged) or gives back the very entries written. */
static void test_spill_flips(void)
{
	struct spill sp;
	struct spillq q;
	char dir[128], seg[400];
	struct stat st;
	off_t i;
	int fd, ok = 1, eio = 0;

	path_of(dir, sizeof(dir), "t");
	CHECK_INT(spill_init(&sp, dir, 1 << 20, 1 << 20), 0);
	spillq_init(&q);
	push_n(&sp, &q, 7, 0, 40);
	CHECK_INT(spillq_flush(&sp, &q), 0);
	CHECK(first_segment("t", seg, sizeof(seg)) == 0);
	fd = open(seg, O_RDWR);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	for (i = 0; fd >= 0 && i < st.st_size; i++) {
		struct popped p = { 7, 0, 0 };
		unsigned char c, x;
		int r;

		if (pread(fd, &c, 1, i) != 1)
			break;
		x = c ^ 0x20;
		if (pwrite(fd, &x, 1, i) != 1)
			break;
		r = spillq_pop(&sp, &q, check_one, &p);
		if (r == SC_EIO && q.count == 40 && p.next == 0) {
			eio++;
		} else if (r || p.bad || p.next != 40) {
			ok = 0;
		} else {
			/* it decoded intact: write it back for the next byte */
			push_n(&sp, &q, 7, 0, 40);
			CHECK_INT(spillq_flush(&sp, &q), 0);
			first_segment("t", seg, sizeof(seg));
			close(fd);
			fd = open(seg, O_RDWR);
			continue;
		}
		if (pwrite(fd, &c, 1, i) != 1)
			break;
	}
	CHECK(ok);
	CHECK(eio > st.st_size / 2);
	if (fd >= 0)
		close(fd);
	spillq_release(&sp, &q);
	spill_release(&sp);
	rm_dir("t");
}

int main(int argc, char **argv)
{
	(void)argc;
	strcpy(tmp, "/tmp/sc-frontier.XXXXXX");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_spill_segments();
	test_spill_flips();
	test_spill_read_back();
	test_one_big_host();
	test_fairness();
	test_requeue();
	test_seen_quota();
	test_host_window();
	test_demand();
	test_corrupt_segment();
	test_resume();
	CHECK(rmdir(tmp) == 0);
	return check_report(argv[0]);
}
