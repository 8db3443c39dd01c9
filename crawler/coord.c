#include "crawler/coord.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/json.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/robots.h"
#include "common/seen.h"
#include "common/url.h"
#include "crawler/frontier.h"
#include "crawler/journal.h"
#include "crawler/settings.h"
#include "crawler/output.h"
#include "shard/shard.h"

#include <errno.h>
#include <fcntl.h>
#include <libpsl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <ctype.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A shard that dies this many times stops the crawl. */
#define SHARD_RESTART_MAX 8
#define ERROR_KINDS_MAX   32

enum sp_state {
	SP_RUNNING,             /* takes URLs */
	SP_CLOSING,             /* input closed: finishing what it holds */
	SP_DONE,                /* exited after closing */
};

struct slot {
	struct fentry *e;       /* NULL when free */
	uint32_t gen;           /* bumped on every use: ids are never reused */
	uint32_t next_free;
};

struct shard_proc {
	int index;
	pid_t pid;
	enum sp_state state;
	int to_fd, from_fd;
	struct frame_reader r;
	struct frame_writer w;
	struct slot *slots;
	uint32_t nslots;
	uint32_t free_head;     /* first free slot, nslots when none */
	uint32_t inflight;
	int restarts;
	uint64_t rate_gap_us;   /* the share of --rate it was last told */
};

struct error_kind {
	char kind[32];
	uint64_t n;
};

struct coord {
	const struct crawl_config *cfg;
	struct shard_config scfg;
	struct shard_proc *sp;
	int n;
	struct frontier fr;
	struct seen seen;
	struct seen scope;      /* fingerprints of in-scope hosts or domains */
	const psl_ctx_t *psl;
	struct output out;
	struct buf line;
	struct buf batch;
	struct buf jline;       /* one journal line */
	uint64_t last_flush;    /* when the journal and pages were last written */
	uint64_t drain_deadline; /* after Ctrl-C: when transfers are cut */
	int urls_eof;           /* the --urls source was read to its end */
	uint64_t resumed_from;  /* pages done before this run */
	uint64_t urls_logged;   /* urls_line as last journaled */
	int urls_logged_eof;

	FILE *urls;             /* --urls source, NULL when exhausted */
	uint64_t urls_line;
	uint64_t urls_total;    /* lines in the --urls file, 0 when unknown */
	char robots_token[64];

	uint64_t admitted, finished, ok, failed, bytes;
	uint64_t rejected;       /* --urls lines that were not URLs */
	uint64_t trap_refused;   /* links refused by the spider-trap guards */
	uint64_t links_dropped;  /* links past the per-page cap */
	uint64_t status_class[6];
	struct error_kind errors[ERROR_KINDS_MAX];
	int nerrors;
	struct timespec t0;
	uint64_t last_progress;
	int tty;
	int closing;            /* shard inputs closed: the crawl is ending */
	int fatal;              /* stopped by an error */
	int stopped;            /* stopped by a signal before the end */
	int lock_fd;            /* holds the directory's lock */
	int lock_rc;            /* exit status when it could not be taken */
};

static volatile sig_atomic_t got_signal;

/* Present only in sanitizer builds: lets a shard, which leaves by _exit(),
 * still be checked for leaks. */
extern void __lsan_do_leak_check(void) __attribute__((weak));

static void on_signal(int sig)
{
	(void)sig;
	got_signal++;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static double elapsed_s(const struct coord *c)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - c->t0.tv_sec) +
	       (double)(t.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/* ---- scope ---- */

/* The scope unit of a host: itself, or its registrable domain. */
static uint64_t scope_key(const struct coord *c, const char *host, size_t len)
{
	char tmp[SC_HOST_MAX + 1];
	const char *d;

	if (c->cfg->scope == SCOPE_DOMAIN && c->psl && len < sizeof(tmp)) {
		memcpy(tmp, host, len);
		tmp[len] = '\0';
		d = psl_registrable_domain(c->psl, tmp);
		if (d)
			return seen_hash(d, strlen(d));
	}
	return seen_hash(host, len);
}

static void scope_add(struct coord *c, const char *url)
{
	const char *h;
	size_t n;

	if (c->cfg->scope != SCOPE_ANY && url_host(url, &h, &n) == 0)
		seen_add(&c->scope, scope_key(c, h, n));
}

static int in_scope(const struct coord *c, const char *url)
{
	const struct crawl_config *cfg = c->cfg;
	const char *h;
	size_t n;
	int i;

	if (cfg->scope != SCOPE_ANY) {
		if (url_host(url, &h, &n) || !seen_has(&c->scope, scope_key(c, h, n)))
			return 0;
	}
	for (i = 0; i < cfg->ndeny; i++)
		if (regexec(&cfg->deny[i], url, 0, NULL, 0) == 0)
			return 0;
	if (!cfg->nallow)
		return 1;
	for (i = 0; i < cfg->nallow; i++)
		if (regexec(&cfg->allow[i], url, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

/* Does a path segment occur more than max times in the URL's path? */
static int too_many_repeats(const char *url, int max)
{
	const char *p = strstr(url, "://"), *seg[SC_TRAP_SEGMENTS];
	size_t len[SC_TRAP_SEGMENTS];
	int n = 0, i, j;

	p = p ? strchr(p + 3, '/') : NULL;
	while (p && *p == '/' && n < SC_TRAP_SEGMENTS) {
		size_t k = strcspn(p + 1, "/?");
		if (k) {
			seg[n] = p + 1;
			len[n++] = k;
		}
		p += 1 + k;
	}
	for (i = 0; i < n; i++) {
		int same = 1;
		for (j = i + 1; j < n; j++)
			same += len[j] == len[i] && memcmp(seg[j], seg[i], len[i]) == 0;
		if (same > max)
			return 1;
	}
	return 0;
}

/*
 * Spider-trap guards, for links (never seeds): a URL longer than
 * --max-url-length, a path repeating a segment more than --max-repeats
 * times (/a/b/a/b/a/b/..., calendars that nest), a host past its
 * --host-quota of URLs.  Refused links are counted, not recorded: an
 * endless trap would otherwise grow pages.jsonl without end.
 */
static int trapped(struct coord *c, const char *url, const char *key)
{
	const struct crawl_config *cfg = c->cfg;

	if (cfg->max_url_length && strlen(url) > (size_t)cfg->max_url_length) {
		c->trap_refused++;
		return 1;
	}
	if (cfg->max_repeats && too_many_repeats(url, cfg->max_repeats)) {
		c->trap_refused++;
		return 1;
	}
	if (cfg->host_quota && frontier_admitted(&c->fr, key) >= cfg->host_quota) {
		if (c->trap_refused++ == 0 || log_level >= LOG_INFO)
			log_warn("host '%s' reached its quota of %llu URLs", key,
				 (unsigned long long)cfg->host_quota);
		return 1;
	}
	return 0;
}

/*
 * Offer a normalized URL to the crawl: it is queued if it passes the page
 * limit, depth, scope and filters and was never seen.  Seeds skip scope and
 * filters (they define the scope).  Returns 1 if queued.
 */
static int admit(struct coord *c, const char *url, uint32_t depth,
		 uint32_t redirects, struct rstr *referrer, int seed)
{
	const struct crawl_config *cfg = c->cfg;
	char key[SC_HOST_MAX + 16];

	if (cfg->max_pages && c->admitted >= cfg->max_pages)
		return 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return 0;
	if (!seed && ((cfg->depth >= 0 && depth > (uint64_t)cfg->depth) ||
		      !in_scope(c, url)))
		return 0;
	if (url_host_key(url, key, sizeof(key)) < 0)
		return 0;
	if (!seed && trapped(c, url, key))
		return 0;
	if (!seen_add(&c->seen, seen_hash(url, strlen(url))))
		return 0;
	if (cfg->host_quota)
		frontier_count(&c->fr, key);
	frontier_push(&c->fr, url, key, depth, redirects, referrer);
	c->admitted++;
	if (journal_admit(&c->jline, url, depth, redirects,
			  referrer ? referrer->s : NULL) == 0 &&
	    output_journal(&c->out, c->jline.data, c->jline.len))
		c->fatal = 1;
	return 1;
}

/* ---- stats ---- */

static void count_error(struct coord *c, const char *error)
{
	size_t n = strcspn(error, ":");
	int i;

	if (n >= sizeof(c->errors[0].kind))
		n = sizeof(c->errors[0].kind) - 1;
	for (i = 0; i < c->nerrors; i++)
		if (strncmp(c->errors[i].kind, error, n) == 0 && !c->errors[i].kind[n])
			break;
	if (i == c->nerrors) {
		if (c->nerrors == ERROR_KINDS_MAX)
			i = ERROR_KINDS_MAX - 1;        /* the last one is "other" */
		else
			c->nerrors++;
		if (i == ERROR_KINDS_MAX - 1)
			snprintf(c->errors[i].kind, sizeof(c->errors[i].kind), "other");
		else
			snprintf(c->errors[i].kind, sizeof(c->errors[i].kind), "%.*s",
				 (int)n, error);
	}
	c->errors[i].n++;
}

/* ---- the pages.jsonl line ---- */

static int write_page(struct coord *c, const struct fentry *e,
		      const struct msg_result *r, const char *warc_file,
		      uint64_t warc_off, uint64_t warc_len)
{
	struct buf *b = &c->line;

	buf_reset(b);
	buf_puts(b, "{\"url\":");
	json_cstr(b, e->url);
	buf_printf(b, ",\"status\":%u", r->status);
	if (r->error && *r->error) {
		buf_puts(b, ",\"error\":");
		json_cstr(b, r->error);
	}
	buf_puts(b, ",\"content_type\":");
	json_cstr(b, r->content_type && *r->content_type ? r->content_type : NULL);
	buf_printf(b, ",\"bytes\":%llu,\"digest\":", (unsigned long long)r->bytes);
	json_cstr(b, r->digest && *r->digest ? r->digest : NULL);
	buf_printf(b, ",\"depth\":%u,\"referrer\":", e->depth);
	json_cstr(b, e->referrer ? e->referrer->s : NULL);
	buf_printf(b, ",\"fetch_ms\":%u,\"attempts\":%u", r->fetch_ms, r->attempts);
	if (r->location && *r->location) {
		buf_puts(b, ",\"location\":");
		json_cstr(b, r->location);
	}
	if (r->flags & MSG_RES_TRUNCATED)
		buf_puts(b, ",\"truncated\":true");
	if (r->links_dropped)
		buf_printf(b, ",\"links_dropped\":%u", r->links_dropped);
	if (warc_file) {
		buf_puts(b, ",\"warc_file\":");
		json_cstr(b, warc_file);
		buf_printf(b, ",\"warc_offset\":%llu,\"warc_length\":%llu}\n",
			   (unsigned long long)warc_off, (unsigned long long)warc_len);
	} else {
		buf_puts(b, ",\"warc_file\":null,\"warc_offset\":null,\"warc_length\":null}\n");
	}
	return output_page(&c->out, b->data, b->len);
}

/* A URL that reached a final state without a shard (a bad --urls line, a
 * redirect past the limit). */
static void record_failure(struct coord *c, const char *url, uint32_t depth,
			   struct rstr *referrer, const char *error)
{
	struct fentry *e = xcalloc(1, sizeof(*e) + strlen(url) + 1);
	struct msg_result r;

	strcpy(e->url, url);
	e->depth = depth;
	e->referrer = referrer;
	memset(&r, 0, sizeof(r));
	r.error = error;
	if (write_page(c, e, &r, NULL, 0, 0))
		c->fatal = 1;
	c->finished++;
	c->failed++;
	c->rejected++;
	count_error(c, error);
	free(e);
}

/* ---- the --urls source ---- */

/* Read seed lines until the frontier holds enough or the file ends. */
static void urls_done(struct coord *c)
{
	if (c->urls && c->urls != stdin)
		fclose(c->urls);
	c->urls = NULL;
	c->urls_eof = 1;
}

/* Journal how far the --urls file was read (after the URLs it admitted). */
static void urls_progress(struct coord *c)
{
	if (c->urls_line == c->urls_logged && c->urls_eof == c->urls_logged_eof)
		return;
	if (journal_urls(&c->jline, c->urls_line, c->urls_eof) == 0 &&
	    output_journal(&c->out, c->jline.data, c->jline.len))
		c->fatal = 1;
	c->urls_logged = c->urls_line;
	c->urls_logged_eof = c->urls_eof;
}

static void refill(struct coord *c, uint64_t want)
{
	char line[SC_URL_MAX + 2];

	if (!c->urls)
		return;
	while (c->urls && c->fr.queued < want && !c->fatal) {
		if (c->cfg->max_pages && c->admitted >= c->cfg->max_pages) {
			/* nothing more can be admitted: stop reading */
			urls_done(c);
			break;
		}
		char *s, *norm = NULL;
		size_t n;
		int rc;

		if (!fgets(line, sizeof(line), c->urls)) {
			if (ferror(c->urls))
				log_error("cannot read '%s': %s", c->cfg->urls_file,
					  strerror(errno));
			urls_done(c);
			break;
		}
		c->urls_line++;
		n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			int ch;
			/* an over-long line: skip the rest of it */
			while ((ch = fgetc(c->urls)) != EOF && ch != '\n')
				;
			line[64] = '\0';
			record_failure(c, line, 0, NULL, "url: longer than the URL cap");
			continue;
		}
		s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		n = strlen(s);
		while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
			     s[n - 1] == '\t'))
			s[--n] = '\0';
		if (!n || *s == '#')
			continue;
		rc = url_normalize(s, &norm);
		if (rc) {
			char why[64];
			snprintf(why, sizeof(why), "url: %s", sc_strerror(rc));
			record_failure(c, s, 0, NULL, why);
			continue;
		}
		scope_add(c, norm);
		admit(c, norm, 0, 0, NULL, 1);
		free(norm);
	}
	urls_progress(c);
}

/* ---- shard processes ---- */

static void slots_reset(struct shard_proc *sp)
{
	uint32_t i;

	for (i = 0; i < sp->nslots; i++) {
		sp->slots[i].e = NULL;
		sp->slots[i].next_free = i + 1;
	}
	sp->free_head = 0;
	sp->inflight = 0;
}

static int shard_spawn(struct coord *c, struct shard_proc *sp)
{
	int a[2], b[2];
	pid_t pid;

	if (pipe2(a, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	if (pipe2(b, O_NONBLOCK | O_CLOEXEC) < 0) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	/* bigger pipes: fewer wake-ups per result (best effort) */
	fcntl(a[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(b[1], F_SETPIPE_SZ, 1 << 20);
	pid = fork();
	if (pid < 0) {
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		return -1;
	}
	if (pid == 0) {
		char name[32];
		int i;
		int in = fcntl(a[0], F_DUPFD, 512), out = fcntl(b[1], F_DUPFD, 512);

		/* keep only stdio and our two pipe ends, as fds 3 and 4 */
		if (in < 0 || out < 0 || dup2(in, 3) < 0 || dup2(out, 4) < 0)
			_exit(1);
		close_range(5, ~0U, 0);
		/* a shard outlives no coordinator: killed with it, it would
		 * fetch on with nobody to take its results */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		/* Ctrl-C, or a SIGTERM to the process group (timeout(1),
		 * service managers), reaches every shard too: the coordinator
		 * decides how the shards stop, so they ignore both */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		snprintf(name, sizeof(name), "shard %d", sp->index);
		log_init(name, c->cfg->verbose ? LOG_DEBUG : log_level);
		c->scfg.index = sp->index;
		{
			struct shard_mesh none = { 0, NULL };
			i = shard_main(&c->scfg, 3, 4, &none);
		}
		if (__lsan_do_leak_check)
			__lsan_do_leak_check();
		_exit(i);
	}
	close(a[0]);
	close(b[1]);
	sp->pid = pid;
	sp->to_fd = a[1];
	sp->from_fd = b[0];
	sp->state = SP_RUNNING;
	frame_reader_init(&sp->r, sp->from_fd, MSG_TYPE_MAX,
			  (size_t)c->cfg->max_size * 2 + (2u << 20));
	frame_writer_init(&sp->w, sp->to_fd);
	slots_reset(sp);
	sp->rate_gap_us = c->cfg->rate > 0 ? (uint64_t)(1e6 * c->n / c->cfg->rate + 0.5) : 0;
	return 0;
}

static void shard_close_fds(struct shard_proc *sp)
{
	if (sp->to_fd >= 0)
		close(sp->to_fd);
	if (sp->from_fd >= 0)
		close(sp->from_fd);
	sp->to_fd = sp->from_fd = -1;
	frame_reader_release(&sp->r);
	frame_writer_release(&sp->w);
}

/*
 * A shard died or broke the protocol: make sure it is gone, queue its URLs
 * again and start another in its place.
 */
static void shard_lost(struct coord *c, struct shard_proc *sp, const char *why)
{
	uint32_t i, requeued = 0;
	int status = 0;

	kill(sp->pid, SIGKILL);
	waitpid(sp->pid, &status, 0);
	shard_close_fds(sp);
	for (i = 0; i < sp->nslots; i++) {
		if (sp->slots[i].e) {
			frontier_requeue(&c->fr, sp->slots[i].e);
			sp->slots[i].e = NULL;
			requeued++;
		}
	}
	sp->inflight = 0;
	log_error("shard %d (pid %d) %s; %u URLs queued again", sp->index,
		  (int)sp->pid, why, requeued);
	if (++sp->restarts > SHARD_RESTART_MAX) {
		log_error("shard %d died %d times: giving up", sp->index, sp->restarts);
		c->fatal = 1;
		sp->state = SP_DONE;
		return;
	}
	if (shard_spawn(c, sp)) {
		log_error("cannot start shard %d: %s", sp->index, strerror(errno));
		c->fatal = 1;
		sp->state = SP_DONE;
	}
}

/*
 * --rate is for the whole crawl.  Split it over the shards that have work
 * (URLs queued for them or in their hands), not over all shards, so a crawl
 * of one host still gets the whole rate.  A shard is told its new share
 * before any new URL (same pipe, so in order); a shard that just got work
 * starts at once, and the others slow down a moment later, which costs at
 * most one request over the rate in the window where it happens.
 */
static void share_rate(struct coord *c)
{
	uint64_t gap;
	int i, busy = 0;

	if (!(c->cfg->rate > 0))
		return;
	for (i = 0; i < c->n; i++)
		busy += c->fr.ring[i] != NULL || c->sp[i].inflight > 0;
	if (!busy)
		return;
	gap = (uint64_t)(1e6 * busy / c->cfg->rate + 0.5);
	for (i = 0; i < c->n; i++) {
		struct shard_proc *sp = &c->sp[i];

		if (sp->state != SP_RUNNING || sp->rate_gap_us == gap)
			continue;
		sp->rate_gap_us = gap;
		{
			struct msg_share sh = { gap, (uint32_t)c->scfg.concurrency };
			msg_share_encode(&c->batch, &sh);
		}
		SC_ASSERT(frame_queue(&sp->w, MSG_SHARE, c->batch.data, c->batch.len,
				      NULL, 0) == 0);
	}
}

/* Hand a shard URLs until its window is full or its hosts have none. */
static void dispatch(struct coord *c, struct shard_proc *sp)
{
	const struct crawl_config *cfg = c->cfg;
	int nolinks_all = cfg->max_pages && c->admitted >= cfg->max_pages;
	struct fentry *e;

	if (sp->state != SP_RUNNING || c->closing)
		return;
	msg_urls_begin(&c->batch);
	while (sp->free_head < sp->nslots && (e = frontier_pop(&c->fr, sp->index))) {
		uint32_t idx = sp->free_head;
		struct slot *s = &sp->slots[idx];
		struct msg_url u;

		sp->free_head = s->next_free;
		s->e = e;
		s->gen++;
		sp->inflight++;
		u.id = (uint64_t)s->gen << 32 | idx;
		u.depth = e->depth;
		u.flags = 0;
		if (nolinks_all || (cfg->depth >= 0 && e->depth >= (uint64_t)cfg->depth))
			u.flags |= MSG_URL_NOLINKS;
		u.url = e->url;
		SC_ASSERT(msg_urls_add(&c->batch, &u) == 0);
		if (msg_urls_count(&c->batch) == SC_URL_BATCH_MAX) {
			SC_ASSERT(frame_queue(&sp->w, MSG_URLS, c->batch.data,
					      c->batch.len, NULL, 0) == 0);
			msg_urls_begin(&c->batch);
		}
	}
	if (msg_urls_count(&c->batch))
		SC_ASSERT(frame_queue(&sp->w, MSG_URLS, c->batch.data, c->batch.len,
				      NULL, 0) == 0);
}

static void take_links(struct coord *c, const struct fentry *e,
		       const struct msg_result *r)
{
	struct rstr *ref = NULL;
	const char *u = r->links, *end = r->links + r->links_len;

	if (r->location && *r->location) {
		ref = rstr_new(e->url);
		if (e->redirects + 1 <= (uint32_t)c->cfg->max_redirects) {
			admit(c, r->location, e->depth, e->redirects + 1, ref, 0);
		} else if (in_scope(c, r->location) &&
			   seen_add(&c->seen, seen_hash(r->location, strlen(r->location)))) {
			char why[64];
			snprintf(why, sizeof(why), "redirect: more than %d redirects",
				 c->cfg->max_redirects);
			record_failure(c, r->location, e->depth, ref, why);
		}
	}
	if (!r->nlinks)
		goto out;
	if (!ref)
		ref = rstr_new(e->url);
	while (u < end) {
		size_t n = strlen(u);
		admit(c, u, e->depth + 1, 0, ref, 0);
		u += n + 1;
	}
out:
	rstr_put(ref);
}

static int on_result(struct coord *c, struct shard_proc *sp, const struct frame *f)
{
	struct msg_result r;
	uint32_t idx, gen;
	struct fentry *e;
	const char *warc_file = NULL;
	uint64_t off = 0;

	if (msg_result_decode(f->body, f->body_len, &r))
		return SC_EPROTO;
	idx = (uint32_t)r.id;
	gen = (uint32_t)(r.id >> 32);
	if (idx >= sp->nslots || !sp->slots[idx].e || sp->slots[idx].gen != gen)
		return SC_EPROTO;
	if ((uint64_t)r.warc_req_len + r.warc_resp_len != f->blob_len ||
	    (f->blob_len && !r.warc_resp_len))
		return SC_EPROTO;
	e = sp->slots[idx].e;
	sp->slots[idx].e = NULL;
	sp->slots[idx].next_free = sp->free_head;
	sp->free_head = idx;
	sp->inflight--;

	if (f->blob_len && output_records(&c->out, f->blob, f->blob_len, &warc_file, &off))
		c->fatal = 1;
	if (!c->fatal && write_page(c, e, &r, warc_file, off + r.warc_req_len,
				    r.warc_resp_len))
		c->fatal = 1;
	c->finished++;
	c->bytes += r.bytes;
	if (r.error && *r.error) {
		c->failed++;
		count_error(c, r.error);
	} else {
		c->ok++;
	}
	c->status_class[r.status / 100 < 6 ? r.status / 100 : 0]++;
	if (r.links_dropped) {
		c->links_dropped += r.links_dropped;
		log_info("'%s': %u links past the per-page cap of %d dropped", e->url,
			 r.links_dropped, SC_LINKS_MAX);
	}
	take_links(c, e, &r);
	frontier_done(&c->fr, e);
	fentry_free(e);
	return 0;
}

static void on_readable(struct coord *c, struct shard_proc *sp)
{
	struct frame f;
	int rc = frame_read(&sp->r), nrc;

	while ((nrc = frame_next(&sp->r, &f)) == 0) {
		if (f.type == MSG_RESULT) {
			if (on_result(c, sp, &f)) {
				shard_lost(c, sp, "sent a malformed result");
				return;
			}
		} else if (f.type != MSG_HELLO) {
			shard_lost(c, sp, "sent an unexpected frame");
			return;
		}
	}
	if (nrc != SC_EAGAIN) {
		shard_lost(c, sp, nrc == SC_ECRC ? "sent a frame with a bad checksum"
						 : "sent a malformed frame");
		return;
	}
	if (rc == SC_EEOF || rc == SC_EIO) {
		if (sp->state == SP_CLOSING && sp->inflight == 0) {
			int status = 0;
			waitpid(sp->pid, &status, 0);
			shard_close_fds(sp);
			sp->state = SP_DONE;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				log_warn("shard %d exited with status %d", sp->index, status);
		} else {
			shard_lost(c, sp, "died");
		}
	}
}

static void on_writable(struct coord *c, struct shard_proc *sp)
{
	if (frame_flush(&sp->w) == SC_EIO)
		shard_lost(c, sp, "stopped reading its pipe");
}

/*
 * The crawl is ending: close every shard's input, so each finishes what it
 * holds and exits.  A shard whose URL batches are not all written yet is
 * closed on a later call, once the loop has flushed them.
 */
static void close_inputs(struct coord *c)
{
	int i;

	c->closing = 1;
	for (i = 0; i < c->n; i++) {
		struct shard_proc *sp = &c->sp[i];
		if (sp->state != SP_RUNNING)
			continue;
		frame_flush(&sp->w);
		if (frame_pending(&sp->w))
			continue;
		close(sp->to_fd);
		sp->to_fd = -1;
		sp->state = SP_CLOSING;
	}
}

/* ---- progress and the end ---- */

static void human_bytes(uint64_t n, char *out, size_t len)
{
	if (n >= (1ull << 30))
		snprintf(out, len, "%.2f GB", (double)n / 1e9);
	else if (n >= (1ull << 20))
		snprintf(out, len, "%.1f MB", (double)n / 1e6);
	else
		snprintf(out, len, "%.1f kB", (double)n / 1e3);
}

static uint64_t total_inflight(const struct coord *c)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < c->n; i++)
		n += c->sp[i].inflight;
	return n;
}

static void progress(struct coord *c, int force)
{
	uint64_t now = now_ms();
	double t = elapsed_s(c), rate;
	char bytes[32], eta_s[32];

	if (!c->tty || c->cfg->quiet || (!force && now - c->last_progress < 500))
		return;
	c->last_progress = now;
	human_bytes(c->bytes, bytes, sizeof(bytes));
	rate = t > 0 ? (double)c->finished / t : 0.0;
	if (c->urls_total && c->cfg->depth == 0) {
		/* a URL list: done / total and when it will be done */
		uint64_t total = c->urls_total + (uint64_t)c->cfg->nseeds;
		if (c->cfg->max_pages && c->cfg->max_pages < total)
			total = c->cfg->max_pages;
		if (rate > 0 && total > c->finished) {
			long eta = (long)((double)(total - c->finished) / rate);
			snprintf(eta_s, sizeof(eta_s), "ETA %ld:%02ld:%02ld", eta / 3600,
				 eta / 60 % 60, eta % 60);
		} else {
			snprintf(eta_s, sizeof(eta_s), "ETA -");
		}
		fprintf(stderr, "\r\033[K%llu/%llu URLs  %.1f/s  %s  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)c->finished, (unsigned long long)total, rate,
			eta_s, (unsigned long long)total_inflight(c),
			(unsigned long long)c->failed, bytes);
	} else {
		fprintf(stderr, "\r\033[K%llu pages  %.1f/s  %llu queued  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)c->finished, rate,
			(unsigned long long)c->fr.queued,
			(unsigned long long)total_inflight(c),
			(unsigned long long)c->failed, bytes);
	}
	fflush(stderr);
}

static void write_stats(struct coord *c, double wall)
{
	struct rusage self, kids;
	struct buf b;
	char path[4096];
	FILE *fp;
	int i;

	buf_init(&b, 1u << 20);
	buf_printf(&b, "{\n  \"pages\": %llu,\n  \"ok\": %llu,\n  \"failed\": %llu,\n"
		   "  \"bytes\": %llu,\n  \"admitted\": %llu,\n  \"not_crawled\": %llu,\n"
		   "  \"trap_refused\": %llu,\n  \"links_dropped\": %llu,\n",
		   (unsigned long long)c->finished, (unsigned long long)c->ok,
		   (unsigned long long)c->failed, (unsigned long long)c->bytes,
		   (unsigned long long)c->admitted,
		   (unsigned long long)(c->admitted + c->rejected - c->finished),
		   (unsigned long long)c->trap_refused, (unsigned long long)c->links_dropped);
	buf_printf(&b, "  \"status\": {\"none\": %llu, \"1xx\": %llu, \"2xx\": %llu, "
		   "\"3xx\": %llu, \"4xx\": %llu, \"5xx\": %llu},\n",
		   (unsigned long long)c->status_class[0],
		   (unsigned long long)c->status_class[1],
		   (unsigned long long)c->status_class[2],
		   (unsigned long long)c->status_class[3],
		   (unsigned long long)c->status_class[4],
		   (unsigned long long)c->status_class[5]);
	buf_puts(&b, "  \"errors\": {");
	for (i = 0; i < c->nerrors; i++) {
		buf_puts(&b, i ? ", " : "");
		json_cstr(&b, c->errors[i].kind);
		buf_printf(&b, ": %llu", (unsigned long long)c->errors[i].n);
	}
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	buf_printf(&b, "},\n  \"wall_s\": %.3f,\n  \"pages_per_s\": %.1f,\n"
		   "  \"shards\": %d,\n  \"warc_files\": %u,\n  \"seen_bytes\": %zu,\n"
		   "  \"coord_max_rss_kb\": %ld,\n  \"shard_max_rss_kb\": %ld,\n"
		   "  \"coord_cpu_s\": %.2f,\n  \"shards_cpu_s\": %.2f\n}\n",
		   wall, wall > 0 ? (double)c->finished / wall : 0.0, c->n,
		   c->out.warc_seq + 1, seen_bytes(&c->seen), self.ru_maxrss,
		   kids.ru_maxrss,
		   (double)self.ru_utime.tv_sec + (double)self.ru_utime.tv_usec / 1e6 +
		   (double)self.ru_stime.tv_sec + (double)self.ru_stime.tv_usec / 1e6,
		   (double)kids.ru_utime.tv_sec + (double)kids.ru_utime.tv_usec / 1e6 +
		   (double)kids.ru_stime.tv_sec + (double)kids.ru_stime.tv_usec / 1e6);
	snprintf(path, sizeof(path), "%s/stats.json", c->cfg->outdir);
	fp = fopen(path, "w");
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		c->fatal = 1;
	}
	buf_release(&b);
}

static char *warcinfo_fields(const struct crawl_config *cfg)
{
	struct buf b;
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	buf_init(&b, 1u << 20);
	buf_printf(&b, "software: shardcrawl/0.1\r\n"
		   "format: WARC File Format 1.1\r\n"
		   "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
		   "hostname: %s\r\n"
		   "http-header-user-agent: %s\r\n"
		   "robots: %s\r\n"
		   "isPartOf: %s\r\n",
		   host, cfg->user_agent, cfg->robots ? "obey" : "ignore", cfg->outdir);
	if (cfg->argv_line)
		buf_printf(&b, "description: %s\r\n", cfg->argv_line);
	return buf_detach(&b, NULL);
}

/*
 * Lines in a regular file, for the progress line's total and ETA (one
 * pass with a fixed buffer, memchr for newlines); 0 for anything else.
 */
static uint64_t count_lines(const char *path)
{
	char buf[1 << 16];
	struct stat st;
	uint64_t n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + got;
		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			n++;
			p++;
		}
	}
	close(fd);
	return n;
}

static int seed_all(struct coord *c)
{
	int i;

	for (i = 0; i < c->cfg->nseeds; i++) {
		scope_add(c, c->cfg->seeds[i]);
		admit(c, c->cfg->seeds[i], 0, 0, NULL, 1);
	}
	if (c->cfg->urls_file) {
		if (strcmp(c->cfg->urls_file, "-") == 0) {
			c->urls = stdin;
		} else {
			c->urls = fopen(c->cfg->urls_file, "r");
			if (!c->urls) {
				log_error("cannot open '%s': %s", c->cfg->urls_file,
					  strerror(errno));
				return -1;
			}
			c->urls_total = count_lines(c->cfg->urls_file);
		}
	}
	return 0;
}

/* ---- --resume ---- */

/* The value of "key": in a pages.jsonl line as our writer wrote it.
 * Strings: copied, unescaped, into out (1 on success); numbers: *v. */
static int jsonl_str(const char *line, const char *key, char *out, size_t n)
{
	char pat[32];
	const char *p;
	size_t k = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return 0;
	for (p += strlen(pat); *p && *p != '"' && k + 1 < n; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'u' && isxdigit((unsigned char)p[1]) && p[2] && p[3] && p[4]) {
				out[k++] = (char)strtol((char[]){ p[3], p[4], 0 }, NULL, 16);
				p += 4;
				continue;
			}
			out[k++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = '\0';
	return *p == '"';
}

static int jsonl_num(const char *line, const char *key, uint64_t *v)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || !isdigit((unsigned char)p[strlen(pat)]))
		return 0;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return 1;
}

/* The valid length of a line file: up to its last newline. */
static uint64_t whole_lines(const char *path)
{
	char buf[1 << 16];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t end, start;

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (end = st.st_size; end > 0; end = start) {
		ssize_t got, k;
		start = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		got = pread(fd, buf, (size_t)(end - start), start);
		if (got <= 0)
			break;
		for (k = got - 1; k >= 0; k--) {
			if (buf[k] == '\n') {
				close(fd);
				return (uint64_t)start + (uint64_t)k + 1;
			}
		}
	}
	close(fd);
	return 0;
}

/* The size of the first gzip member (the warcinfo record) of a WARC file. */
static uint64_t warcinfo_len(const char *path)
{
	char head[1 << 16];
	struct buf rec;
	size_t used = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	got = read(fd, head, sizeof(head));
	close(fd);
	buf_init(&rec, 1 << 20);
	if (got <= 0 || warc_member(head, (size_t)got, &rec, &used))
		used = 0;
	buf_release(&rec);
	return used;
}

/*
 * Rebuild the state of the crawl in cfg->outdir: what reached a final state
 * (pages.jsonl, the authority), what was admitted (the journal), where each
 * WARC file's valid records end; fill res with where writing goes on.
 * Returns 0, or -1 with the reason logged.
 */
static int resume_scan(struct coord *c, struct output_resume *res)
{
	const struct crawl_config *cfg = c->cfg;
	char path[4096], *line = xmalloc(SC_SETTINGS_LINE_MAX), *url = xmalloc(SC_URL_MAX + 1);
	uint64_t *ends = NULL, lines_read = 0, urls_lines = 0, pos = 0, v;
	unsigned nends = 0, seq;
	FILE *fp;
	int i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < cfg->nseeds; i++)
		scope_add(c, cfg->seeds[i]);

	/* pages.jsonl: every URL in a final state, and the records it points at */
	snprintf(path, sizeof(path), "%s/pages.jsonl", cfg->outdir);
	res->pages_len = whole_lines(path);
	fp = fopen(path, "r");
	while (fp && pos < res->pages_len && fgets(line, SC_SETTINGS_LINE_MAX, fp)) {
		char file[64], err[64];
		size_t len = strlen(line);

		pos += len;
		if (!jsonl_str(line, "url", url, SC_URL_MAX + 1))
			continue;
		seen_add(&c->seen, seen_hash(url, strlen(url)));
		c->finished++;
		if (jsonl_num(line, "status", &v))
			c->status_class[v / 100 < 6 ? v / 100 : 0]++;
		if (jsonl_num(line, "bytes", &v))
			c->bytes += v;
		if (jsonl_str(line, "error", err, sizeof(err))) {
			c->failed++;
			count_error(c, err);
			if (strncmp(err, "url:", 4) == 0)
				c->rejected++;
		} else {
			c->ok++;
		}
		if (jsonl_str(line, "warc_file", file, sizeof(file)) &&
		    sscanf(file, "crawl-%05u.warc.gz", &seq) == 1 && seq < 1000000 &&
		    jsonl_num(line, "warc_offset", &v)) {
			uint64_t wlen = 0;
			jsonl_num(line, "warc_length", &wlen);
			if (seq >= nends) {
				ends = xrealloc(ends, (seq + 1) * sizeof(*ends));
				memset(ends + nends, 0, (seq + 1 - nends) * sizeof(*ends));
				nends = seq + 1;
			}
			if (v + wlen > ends[seq])
				ends[seq] = v + wlen;
		}
	}
	if (fp)
		fclose(fp);

	/* WARC files: cut each after its last record that pages.jsonl names
	 * (a record written just before the kill, whose line was not, is an
	 * orphan: its URL is fetched again) */
	for (seq = 0;; seq++) {
		struct stat st;
		uint64_t info, end;

		snprintf(path, sizeof(path), "%s/crawl-%05u.warc.gz", cfg->outdir, seq);
		if (stat(path, &st) != 0)
			break;
		info = warcinfo_len(path);
		end = seq < nends && ends[seq] > info ? ends[seq] : info;
		if ((uint64_t)st.st_size < end) {
			log_error("'%s' is shorter than pages.jsonl says: cannot resume", path);
			goto fail;
		}
		res->warc_seq = seq;
		res->warc_off = end;
		res->info_len = info;
		if ((uint64_t)st.st_size > end) {
			log_warn("cutting '%s' from %llu to %llu bytes (records after the "
				 "last one indexed)", path, (unsigned long long)st.st_size,
				 (unsigned long long)end);
			if (truncate(path, (off_t)end) != 0) {
				log_error("cannot truncate '%s': %s", path, strerror(errno));
				goto fail;
			}
		}
	}

	/* the journal: everything admitted; what has no pages line is pending */
	snprintf(path, sizeof(path), "%s/journal", cfg->outdir);
	res->journal_len = whole_lines(path);
	fp = fopen(path, "r");
	pos = 0;
	while (fp && pos < res->journal_len && fgets(line, SC_SETTINGS_LINE_MAX, fp)) {
		struct journal_rec jr;
		char key[SC_HOST_MAX + 16];
		size_t len = strlen(line);

		pos += len;
		lines_read++;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (journal_parse(line, &jr))
			continue;
		if (jr.kind == 'U') {
			urls_lines = jr.lines;
			c->urls_eof = jr.eof;
			continue;
		}
		c->admitted++;
		if (jr.depth == 0 && !jr.referrer)
			scope_add(c, jr.url);
		if (url_host_key(jr.url, key, sizeof(key)) < 0 ||
		    !seen_add(&c->seen, seen_hash(jr.url, strlen(jr.url))))
			continue;       /* done already */
		{
			struct rstr *ref = jr.referrer ? rstr_new(jr.referrer) : NULL;
			frontier_push(&c->fr, jr.url, key, jr.depth, jr.redirects, ref);
			rstr_put(ref);
		}
	}
	if (fp)
		fclose(fp);

	/* the --urls list: on from the line the journal says was read last */
	c->urls_line = c->urls_logged = urls_lines;
	c->urls_logged_eof = c->urls_eof;
	if (cfg->urls_file && !c->urls_eof) {
		if (strcmp(cfg->urls_file, "-") == 0) {
			log_warn("the URL list came from stdin and cannot be read again: "
				 "finishing the URLs already read");
		} else if (!(c->urls = fopen(cfg->urls_file, "r"))) {
			log_error("cannot open '%s': %s", cfg->urls_file, strerror(errno));
			goto fail;
		} else {
			uint64_t skip = urls_lines;
			int ch;
			while (skip && (ch = getc(c->urls)) != EOF)
				skip -= ch == '\n';
			c->urls_total = count_lines(cfg->urls_file);
		}
	}
	log_info("resuming: %llu URLs done, %llu pending, %llu journal lines",
		 (unsigned long long)c->finished, (unsigned long long)c->fr.queued,
		 (unsigned long long)lines_read);
	free(ends);
	free(line);
	free(url);
	return 0;
fail:
	free(ends);
	free(line);
	free(url);
	return -1;
}

/*
 * One crawl directory, one process: an exclusive lock on DIR/lock, held
 * until exit (the kernel drops it however the process ends), so a second
 * run or a --resume cannot write into a crawl that is still going.
 */
static int lock_dir(struct coord *c)
{
	char path[4096];

	if (mkdir(c->cfg->outdir, 0777) < 0 && errno != EEXIST) {
		log_error("cannot create '%s': %s", c->cfg->outdir, strerror(errno));
		c->lock_rc = 1;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lock", c->cfg->outdir);
	c->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (c->lock_fd < 0) {
		log_error("cannot open '%s': %s", path, strerror(errno));
		c->lock_rc = 1;
		return -1;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "shardcrawl: '%s' is in use by another shardcrawl process\n",
			c->cfg->outdir);
		c->lock_rc = 2;
		return -1;
	}
	return 0;
}

static void coord_setup_shards(struct coord *c)
{
	const struct crawl_config *cfg = c->cfg;
	int per_shard = (cfg->concurrency + cfg->shards - 1) / cfg->shards;
	uint32_t window = (uint32_t)per_shard * 4;

	if (window < SC_WINDOW_MIN)
		window = SC_WINDOW_MIN;
	memset(&c->scfg, 0, sizeof(c->scfg));
	c->scfg.nshards = cfg->shards;
	c->scfg.concurrency = per_shard;
	c->scfg.per_host = cfg->per_host;
	c->scfg.timeout_s = cfg->timeout;
	c->scfg.connect_timeout_s = cfg->connect_timeout;
	c->scfg.max_size = cfg->max_size;
	c->scfg.user_agent = cfg->user_agent;
	c->scfg.headers = cfg->headers;
	c->scfg.nheaders = cfg->nheaders;
	c->scfg.resolve = cfg->resolve;
	c->scfg.nresolve = cfg->nresolve;
	c->scfg.warc_level = cfg->warc_level;
	c->scfg.insecure = cfg->insecure;
	c->scfg.log_level = log_level;
	c->scfg.robots = cfg->robots;
	robots_token(cfg->user_agent, c->robots_token, sizeof(c->robots_token));
	c->scfg.robots_token = c->robots_token;
	c->scfg.max_crawl_delay_ms = cfg->max_crawl_delay * 1000;
	c->scfg.delay_ms = cfg->delay_ms;
	c->scfg.host_rate = cfg->host_rate;
	/* --rate is for the whole crawl: each shard gets an equal share */
	c->scfg.rate = cfg->rate / cfg->shards;
	c->scfg.low_speed = cfg->low_speed;
	c->scfg.low_speed_time = cfg->low_speed_time;
	c->scfg.retries = cfg->retries;
	c->scfg.retry_wait_ms = cfg->retry_wait_ms;
	c->scfg.max_retry_after_s = cfg->max_retry_after;
	c->scfg.host_fail_limit = cfg->host_fail_limit;
	c->n = cfg->shards;
	c->sp = xcalloc((size_t)c->n, sizeof(*c->sp));
	for (int i = 0; i < c->n; i++) {
		c->sp[i].index = i;
		c->sp[i].to_fd = c->sp[i].from_fd = -1;
		c->sp[i].nslots = window;
		c->sp[i].slots = xcalloc(window, sizeof(struct slot));
	}
}

static int crawl_over(const struct coord *c)
{
	return c->fr.queued == 0 && !c->urls && total_inflight(c) == 0;
}

static void run_loop(struct coord *c)
{
	struct pollfd *pfd = xcalloc((size_t)c->n * 2, sizeof(*pfd));
	int *who = xcalloc((size_t)c->n * 2, sizeof(int));
	uint64_t low = 0;
	int i, signals_seen = 0;

	for (i = 0; i < c->n; i++)
		low += c->sp[i].nslots;
	for (;;) {
		int np = 0, live = 0, rc;
		uint64_t now = now_ms();

		if (got_signal != signals_seen) {
			signals_seen = got_signal;
			if (signals_seen == 1) {
				if (!c->cfg->quiet)
					fprintf(stderr, "%sshardcrawl: interrupted: finishing the %llu "
						"URLs in flight for up to %ld s (interrupt again to "
						"stop at once)\n", c->tty ? "\r\033[K" : "",
						(unsigned long long)total_inflight(c),
						c->cfg->drain_timeout);
				/* stop reading the list, but not as if it had ended:
				 * --resume goes on from here */
				if (c->urls && c->urls != stdin)
					fclose(c->urls);
				c->urls = NULL;
				c->drain_deadline = now + (uint64_t)c->cfg->drain_timeout * 1000;
				close_inputs(c);
			} else {
				c->stopped = 1;
				break;
			}
		}
		if (signals_seen && now >= c->drain_deadline) {
			c->stopped = 1;    /* the drain took too long */
			break;
		}
		if (now - c->last_flush >= SC_FLUSH_MS) {
			c->last_flush = now;
			if (output_flush(&c->out))
				c->fatal = 1;
		}
		if (c->fatal)
			break;
		refill(c, low * 2);
		share_rate(c);
		for (i = 0; i < c->n; i++)
			dispatch(c, &c->sp[i]);
		if (c->closing || crawl_over(c))
			close_inputs(c);
		for (i = 0; i < c->n; i++) {
			struct shard_proc *sp = &c->sp[i];

			if (sp->state == SP_DONE)
				continue;
			live++;
			if (frame_pending(&sp->w) && frame_flush(&sp->w) == SC_EIO) {
				shard_lost(c, sp, "stopped reading its pipe");
				continue;
			}
			pfd[np].fd = sp->from_fd;
			pfd[np].events = POLLIN;
			who[np++] = i;
			if (frame_pending(&sp->w) && sp->to_fd >= 0) {
				pfd[np].fd = sp->to_fd;
				pfd[np].events = POLLOUT;
				who[np++] = -1 - i;
			}
		}
		if (!live)
			break;
		progress(c, 0);
		rc = poll(pfd, (nfds_t)np, SC_FLUSH_MS);
		if (rc < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			c->fatal = 1;
			break;
		}
		for (i = 0; rc > 0 && i < np; i++) {
			int k = who[i] >= 0 ? who[i] : -1 - who[i];

			if (!pfd[i].revents || c->sp[k].state == SP_DONE)
				continue;
			if (who[i] >= 0)
				on_readable(c, &c->sp[k]);
			else
				on_writable(c, &c->sp[k]);
		}
	}
	free(pfd);
	free(who);
}

int coord_run(const struct crawl_config *cfg)
{
	struct coord c;
	struct output_resume res;
	struct sigaction sa;
	char *fields;
	double wall;
	int i, rc = 0;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.lock_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	c.tty = isatty(STDERR_FILENO);
	seen_init(&c.seen, 1 << 16);
	seen_init(&c.scope, 64);
	if (cfg->scope == SCOPE_DOMAIN) {
		c.psl = psl_latest(NULL);
		if (!c.psl)
			c.psl = psl_builtin();
		if (!c.psl)
			log_warn("no public suffix list: --scope domain compares whole hosts");
	}
	frontier_init(&c.fr, cfg->shards,
		      (uint32_t)(cfg->per_host * 4 > SC_HOST_WINDOW_MIN ?
				 cfg->per_host * 4 : SC_HOST_WINDOW_MIN));
	buf_init(&c.line, SC_URL_MAX * 4 + 8192);
	buf_init(&c.batch, SC_FRAME_BODY_MAX);
	buf_init(&c.jline, SC_URL_MAX * 2 + 64);

	if (lock_dir(&c)) {
		rc = c.lock_rc;
		goto out;
	}
	if (cfg->resume) {
		if (resume_scan(&c, &res)) {
			rc = 1;
			goto out;
		}
		c.resumed_from = c.finished;
		if (c.fr.queued == 0 && !c.urls) {
			if (!cfg->quiet)
				fprintf(stderr, "shardcrawl: the crawl in '%s' is complete "
					"(%llu pages); nothing to resume\n", cfg->outdir,
					(unsigned long long)c.finished);
			goto out;
		}
	}
	fields = warcinfo_fields(cfg);
	if (output_open(&c.out, cfg->outdir, cfg->warc_max_size, fields,
			cfg->resume ? &res : NULL)) {
		log_error("cannot open '%s': %s", c.out.err_path, strerror(c.out.err_errno));
		free(fields);
		rc = 1;
		goto out;
	}
	free(fields);
	if (!cfg->resume && settings_save(cfg, cfg->outdir)) {
		log_error("cannot write '%s/settings': %s", cfg->outdir, strerror(errno));
		rc = 1;
		goto out;
	}
	if (!cfg->resume && seed_all(&c)) {
		rc = 1;
		goto out;
	}
	coord_setup_shards(&c);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < c.n; i++) {
		if (shard_spawn(&c, &c.sp[i])) {
			log_error("cannot start shard %d: %s", i, strerror(errno));
			c.fatal = 1;
			break;
		}
	}
	if (!c.fatal)
		run_loop(&c);

	for (i = 0; i < c.n; i++) {
		struct shard_proc *sp = &c.sp[i];
		if (sp->state != SP_DONE && sp->pid > 0) {
			kill(sp->pid, SIGKILL);
			waitpid(sp->pid, NULL, 0);
			shard_close_fds(sp);
			sp->state = SP_DONE;
		}
	}
	wall = elapsed_s(&c);
	if (output_close(&c.out))
		c.fatal = 1;
	if (c.out.err_path[0])
		log_error("cannot write '%s': %s", c.out.err_path, strerror(c.out.err_errno));
	write_stats(&c, wall);
	if (c.tty && !cfg->quiet)
		fputs("\r\033[K", stderr);
	if (!cfg->quiet) {
		char bytes[32];
		uint64_t now_done = c.finished - c.resumed_from;
		human_bytes(c.bytes, bytes, sizeof(bytes));
		fprintf(stderr, "shardcrawl: %llu pages (%llu ok, %llu failed), %s in %.2f s, "
			"%.1f pages/s, %d shards -> %s\n",
			(unsigned long long)c.finished, (unsigned long long)c.ok,
			(unsigned long long)c.failed, bytes, wall,
			wall > 0 ? (double)now_done / wall : 0.0, c.n, cfg->outdir);
	}
	if (c.fatal || c.stopped || got_signal) {
		uint64_t left = c.admitted + c.rejected - c.finished;
		/* always said, even with -q: the user must know the crawl is not done */
		if (left || !c.urls_eof)
			fprintf(stderr, "shardcrawl: %s with %llu URLs not crawled; continue "
				"with: shardcrawl --resume %s\n",
				c.fatal ? "stopped by an error" : "interrupted",
				(unsigned long long)left, cfg->outdir);
	}
	if (c.fatal)
		rc = 1;
	else if (got_signal > 1)
		rc = 130;
out:
	if (c.sp) {
		for (i = 0; i < c.n; i++) {
			uint32_t k;
			/* URLs still in a shard's hands when the crawl was cut short:
			 * the journal has them for --resume */
			for (k = 0; k < c.sp[i].nslots; k++)
				fentry_free(c.sp[i].slots[k].e);
			free(c.sp[i].slots);
		}
		free(c.sp);
	}
	output_close(&c.out);
	if (c.urls && c.urls != stdin)
		fclose(c.urls);
	frontier_release(&c.fr);
	seen_release(&c.seen);
	seen_release(&c.scope);
	buf_release(&c.line);
	buf_release(&c.batch);
	buf_release(&c.jline);
	if (c.lock_fd >= 0)
		close(c.lock_fd);
	return rc;
}
