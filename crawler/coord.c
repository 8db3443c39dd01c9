/*
 * coord.c - the coordinator's loop: it wires the frontier, the scope, the
 * shard processes, the output files and the stats together.
 *
 * One pass of the loop: flush the output buffers when due; read more of
 * the --urls list while the frontier is short of URLs; split the crawl-wide
 * limits (-c, --rate) over the shards that have work (share()); hand each
 * shard URLs up to its window (dispatch()); poll the pipes; take results
 * (coord_on_result(): record, pages.jsonl line, links admitted).
 *
 * Policy lives in the modules: what is followed in crawler/scope.h, what
 * waits and in which order in crawler/frontier.h, how shards are kept
 * running in crawler/procs.h, how a crawl is resumed in crawler/resume.h.
 */
#include "crawler/coord.h"
#include "crawler/coord_int.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/msg.h"
#include "common/robots.h"
#include "common/url.h"
#include "common/rules.h"
#include "crawler/archive.h"
#include "crawler/frontier.h"
#include "crawler/items.h"
#include "crawler/journal.h"
#include "crawler/output.h"
#include "crawler/pages.h"
#include "crawler/procs.h"
#include "crawler/resume.h"
#include "crawler/rss.h"
#include "crawler/scope.h"
#include "crawler/settings.h"
#include "crawler/shardcfg.h"
#include "crawler/share.h"
#include "crawler/source.h"
#include "crawler/stats.h"
#include "shard/shard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static volatile sig_atomic_t got_signal;

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

/* Journal how far the --urls list was read (after the URLs it admitted). */
static void urls_progress(struct coord *c)
{
	struct source *s = &c->src;

	if (s->line == s->logged && s->eof == s->logged_eof)
		return;
	coord_journal_line(c, journal_urls(&c->jline, s->line, s->eof));
	s->logged = s->line;
	s->logged_eof = s->eof;
}

/* Read --urls lines until the frontier holds want URLs or the list ends. */
static void refill(struct coord *c, uint64_t want)
{
	struct frontier_counts fc;
	char *line, *norm;
	int rc;

	if (!source_live(&c->src))
		return;
	c->fr->ops->counts(c->fr, &fc);
	while (source_live(&c->src) && fc.queued < want && !c->fatal) {
		if (c->cfg->max_pages && c->st.admitted >= c->cfg->max_pages) {
			/* nothing more can be admitted: stop reading */
			source_stop(&c->src, 1);
			break;
		}
		rc = source_next(&c->src, &line);
		if (rc == 0)
			break;
		if (rc < 0) {
			coord_record_failure(c, line, 0, NULL, "url: longer than the URL cap");
			continue;
		}
		norm = NULL;
		{
			char *with = source_add_scheme(line);
			rc = url_normalize(with ? with : line, &norm);
			free(with);
		}
		if (rc) {
			char why[64];
			snprintf(why, sizeof(why), "url: %s", sc_strerror(rc));
			coord_record_failure(c, line, 0, NULL, why);
			continue;
		}
		scope_add(&c->scope, norm);
		fc.queued += coord_admit(c, norm, 0, 0, NULL, 1);
		coord_admit_seed_sitemap(c, norm);
		free(norm);
	}
	urls_progress(c);
}

/* Hand a shard URLs until its window is full or its hosts have none. */
static void dispatch(struct coord *c, struct shard_proc *sp)
{
	const struct crawl_config *cfg = c->cfg;
	int nolinks_all = cfg->max_pages && c->st.admitted >= cfg->max_pages, err = 0;
	struct fentry *e;

	if (sp->state != SP_RUNNING || c->closing)
		return;
	msg_urls_begin(&c->batch);
	while (sp->inflight < sp->window &&
	       (e = c->fr->ops->next(c->fr, sp->index, &err))) {
		struct msg_url u;

		u.id = procs_slot_put(sp, e);
		u.depth = e->depth;
		u.flags = 0;
		if (FENTRY_KIND(e->redirects) == FENTRY_SITEMAP)
			u.flags |= MSG_URL_SITEMAP;     /* its entries are at depth 1 */
		else if (nolinks_all || FENTRY_LEVEL(e->redirects) ||
			 (cfg->depth >= 0 && e->depth >= (uint64_t)cfg->depth))
			u.flags |= MSG_URL_NOLINKS;
		/* a page at the last --depth still gets its requisites */
		if (cfg->requisites && !nolinks_all &&
		    FENTRY_LEVEL(e->redirects) < SC_REQUISITE_LEVELS)
			u.flags |= MSG_URL_REQS;
		u.url = e->url;
		u.referrer = cfg->referer && e->referrer ? e->referrer->s : "";
		archive_url(&c->ar, &u);
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
	if (err < 0) {
		log_error("cannot read the frontier back from disk: %s", sc_strerror(err));
		c->fatal = 1;
	}
}

static void on_readable(struct coord *c, struct shard_proc *sp)
{
	struct frame f;
	int rc = frame_read(&sp->r), nrc;

	while ((nrc = frame_next(&sp->r, &f)) == 0) {
		if (f.type == MSG_RESULT || f.type == MSG_ROBOTS) {
			if ((f.type == MSG_RESULT ? coord_on_result(c, sp, &f) : coord_on_robots(c, &f))) {
				procs_lost(&c->pr, sp, "sent a malformed result");
				return;
			}
		} else if (f.type == MSG_FOUND) {
			if (coord_on_found(c, &f)) {
				procs_lost(&c->pr, sp, "sent a malformed found message");
				return;
			}
		} else if (f.type == MSG_LOAD) {
			if (msg_load_decode(f.body, f.body_len, &sp->transfers)) {
				procs_lost(&c->pr, sp, "sent a malformed load report");
				return;
			}
		} else if (f.type != MSG_HELLO) {
			procs_lost(&c->pr, sp, "sent an unexpected frame");
			return;
		}
	}
	if (nrc != SC_EAGAIN) {
		procs_lost(&c->pr, sp, nrc == SC_ECRC ? "sent a frame with a bad checksum"
						      : "sent a malformed frame");
		return;
	}
	if (rc == SC_EEOF || rc == SC_EIO) {
		if (sp->state == SP_CLOSING && sp->inflight == 0)
			procs_reaped(sp);
		else
			procs_lost(&c->pr, sp, "died");
	}
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
	for (i = 0; i < c->pr.n; i++) {
		if (c->pr.sp[i].state != SP_RUNNING)
			continue;
		/* the last look at its memory: once it exits, /proc has none */
		rss_sample_pid(&c->rss, c->pr.sp[i].pid);
		procs_close_input(&c->pr.sp[i]);
	}
}

static void view(const struct coord *c, struct stats_view *v)
{
	struct frontier_counts fc;

	c->fr->ops->counts(c->fr, &fc);
	memset(v, 0, sizeof(*v));
	v->queued = fc.queued;
	v->inflight = procs_inflight(&c->pr);
	v->transfers = procs_transfers(&c->pr);
	if (v->transfers > v->inflight)   /* a report older than a result */
		v->transfers = v->inflight;
	if (c->src.total && c->cfg->depth == 0) {
		v->list_total = c->src.total + (uint64_t)c->cfg->nseeds;
		if (c->cfg->max_pages && c->cfg->max_pages < v->list_total)
			v->list_total = c->cfg->max_pages;
	}
	v->trap_refused = c->scope.trap_refused;
	v->coord_rss_kb = c->rss.coord_kb;
	v->shard_rss_kb = c->rss.shard_kb;
	v->shards = c->pr.n;
	v->warc_files = c->out.warc_seq + 1;
	v->seen_bytes = fc.seen_bytes;
	v->frontier_mem_bytes = fc.mem_bytes;
	v->spill_bytes = fc.spill_bytes;
	v->spilled = fc.spilled;
	v->crawl_nodes = fc.crawl_nodes;
	v->crawl_done = fc.crawl_done;
	v->crawl_leases = fc.crawl_leases;
	v->offline = fc.offline;
}

static void progress(struct coord *c)
{
	struct stats_view v;
	uint64_t now = now_ms();

	if (!c->tty || c->cfg->quiet || now - c->last_progress < 500)
		return;
	c->last_progress = now;
	view(c, &v);
	stats_progress(&c->st, &v);
}

static int crawl_over(const struct coord *c)
{
	struct frontier_counts fc;

	c->fr->ops->counts(c->fr, &fc);
	return fc.queued == 0 && !source_live(&c->src) && procs_inflight(&c->pr) == 0;
}

/* The first Ctrl-C: stop taking new work, let the shards finish theirs. */
static void drain(struct coord *c, uint64_t now)
{
	if (!c->cfg->quiet)
		fprintf(stderr, "%sshardcrawl: interrupted: finishing the %llu URLs in "
			"flight for up to %ld s (interrupt again to stop at once)\n",
			c->tty ? "\r\033[K" : "",
			(unsigned long long)procs_inflight(&c->pr), c->cfg->drain_timeout);
	/* stop reading the list, but not as if it had ended: --resume goes on
	 * from here */
	source_stop(&c->src, 0);
	c->drain_deadline = now + (uint64_t)c->cfg->drain_timeout * 1000;
	close_inputs(c);
}

static void run_loop(struct coord *c)
{
	int n = c->pr.n;
	struct pollfd *pfd = xcalloc((size_t)n * 2, sizeof(*pfd));
	int *who = xcalloc((size_t)n * 2, sizeof(int));
	int i, signals_seen = 0;

	for (;;) {
		int np = 0, live = 0, rc, flushed;
		uint64_t now = now_ms(), want = 0;

		if (got_signal != signals_seen) {
			signals_seen = got_signal;
			if (signals_seen > 1) {
				c->stopped = 1;
				break;
			}
			drain(c, now);
		}
		if (signals_seen && now >= c->drain_deadline) {
			c->stopped = 1;    /* the drain took too long */
			break;
		}
		flushed = 0;
		if (now - c->last_flush >= SC_FLUSH_MS) {
			c->last_flush = now;
			if (output_flush(&c->out))
				c->fatal = 1;
			flushed = !c->fatal;
		}
		c->fr->ops->sync(c->fr, flushed);
		if (c->fatal || c->pr.fatal)
			break;
		for (i = 0; i < n; i++)
			want += c->pr.sp[i].window;
		refill(c, want * 2);
		share_update(&c->sh, &c->pr, c->fr, c->cfg, &c->batch, 0);
		for (i = 0; i < n; i++)
			dispatch(c, &c->pr.sp[i]);
		if (c->closing || crawl_over(c))
			close_inputs(c);
		for (i = 0; i < n; i++) {
			struct shard_proc *sp = &c->pr.sp[i];

			if (sp->state == SP_DONE)
				continue;
			live++;
			if (frame_pending(&sp->w) && frame_flush(&sp->w) == SC_EIO) {
				procs_lost(&c->pr, sp, "stopped reading its pipe");
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
		rss_tick(&c->rss, &c->pr, now, 0);
		progress(c);
		rc = poll(pfd, (nfds_t)np, SC_FLUSH_MS);
		if (rc < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			c->fatal = 1;
			break;
		}
		for (i = 0; rc > 0 && i < np; i++) {
			int k = who[i] >= 0 ? who[i] : -1 - who[i];
			struct shard_proc *sp = &c->pr.sp[k];

			if (!pfd[i].revents || sp->state == SP_DONE)
				continue;
			if (who[i] >= 0)
				on_readable(c, sp);
			else if (frame_flush(&sp->w) == SC_EIO)
				procs_lost(&c->pr, sp, "stopped reading its pipe");
		}
	}
	free(pfd);
	free(who);
}

static struct frontier *frontier_open(const struct crawl_config *cfg)
{
	struct frontier_local_opts o;
	char dir[4096];
	struct frontier *f;
	uint32_t window = (uint32_t)(cfg->per_host * 4 > SC_HOST_WINDOW_MIN ?
				     cfg->per_host * 4 : SC_HOST_WINDOW_MIN);

	if (cfg->redis_url) {
		struct frontier_redis_opts ro = {
			.nshards = cfg->shards, .per_host = (uint32_t)cfg->per_host,
			.host_window = window, .concurrency = (uint32_t)cfg->concurrency,
			.lease_ms = (uint64_t)cfg->lease_s * 1000, .rate = cfg->rate,
			.url = cfg->redis_url, .crawl = cfg->crawl_name, .node = cfg->node,
		};
		f = frontier_redis_new(&ro, dir, sizeof(dir));
		if (!f)
			fprintf(stderr, "shardcrawl: %s\n", dir);
		return f;
	}
	snprintf(dir, sizeof(dir), "%s/spill", cfg->outdir);
	memset(&o, 0, sizeof(o));
	o.nshards = cfg->shards;
	o.per_host = (uint32_t)cfg->per_host;
	o.host_window = window;
	o.mem_budget = cfg->frontier_memory;
	o.spill_dir = dir;
	f = frontier_local_new(&o);
	if (!f)
		log_error("cannot use '%s' for the frontier: %s", dir, strerror(errno));
	return f;
}

/* --recrawl: every URL of the previous crawl is queued again (its seeds
 * as seeds, its requisites and sitemaps as what they were), so a page that
 * answers 304, and so is not parsed, still has the URLs it linked to
 * checked. */
static void requeue_prev(void *arg, const char *url, uint32_t depth,
			 const char *referrer, uint32_t level, int sitemap)
{
	struct coord *c = arg;
	struct rstr *ref = referrer ? rstr_new(referrer) : NULL;
	uint32_t hops = sitemap ? FENTRY_WORD(FENTRY_SITEMAP, 0) : FENTRY_HOPS(0, level);

	if (depth == 0 && !referrer && !level && !sitemap)
		scope_add(&c->scope, url);
	coord_admit(c, url, depth, hops, ref, depth == 0 && !referrer && !level);
	rstr_put(ref);
}

static void seed_all(struct coord *c)
{
	int i;

	for (i = 0; i < c->cfg->nseeds; i++) {
		scope_add(&c->scope, c->cfg->seeds[i]);
		coord_admit(c, c->cfg->seeds[i], 0, 0, NULL, 1);
		coord_admit_seed_sitemap(c, c->cfg->seeds[i]);
	}
}

/* Open the output files: new ones, or where a resumed crawl goes on. */
static int open_output(struct coord *c, const struct output_resume *res)
{
	const struct crawl_config *cfg = c->cfg;
	char *fields = output_warcinfo_fields(cfg->user_agent, cfg->robots, cfg->outdir,
					      cfg->argv_line);
	int rc;

	if (cfg->node) {
		char *f = output_warcinfo_node(fields, cfg->crawl_name, cfg->node);
		free(fields);
		fields = f;
		snprintf(c->out.node, sizeof(c->out.node), "%s", cfg->node);
	}
	rc = output_open(&c->out, c->cfg->outdir, c->cfg->warc_max_size, fields, res,
			 (cfg->rules ? OUTPUT_ITEMS : 0) | (cfg->extract_only ? OUTPUT_NO_WARC : 0));
	free(fields);
	if (rc)
		log_error("cannot open '%s': %s", c->out.err_path, strerror(c->out.err_errno));
	return rc;
}

/* The crawl's copy of its rules, which --resume reads (before the
 * settings, whose presence makes a directory a crawl). */
static int save_rules(const struct crawl_config *cfg)
{
	char path[4096], tmp[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", cfg->outdir, SC_RULES_COPY);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", cfg->outdir, SC_RULES_COPY);
	fp = fopen(tmp, "w");
	if (!fp)
		return -1;
	if (fwrite(cfg->rules->text, 1, cfg->rules->text_len, fp) != cfg->rules->text_len) {
		fclose(fp);
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

/* How the crawl's pages went, all runs together (crawler/coord.h). */
static int exit_status(const struct coord *c)
{
	return stats_all_good(&c->st.all) ? COORD_EXIT_OK : COORD_EXIT_SOME_FAILED;
}

/*
 * Set up, resume or seed, run, and close; the exit status.  A new crawl
 * writes its settings and opens its files first, so a crawl killed at any
 * moment after it started can be resumed; the shards are forked before any
 * URL is admitted and before the resume scan, so that they share none of
 * the coordinator's frontier.
 */
static int crawl(struct coord *c)
{
	const struct crawl_config *cfg = c->cfg;
	struct resume_state rs;
	struct stats_view v;
	double wall;
	int rc;

	rc = output_lock(cfg->outdir, &c->lock_fd);
	if (rc == SC_EAGAIN)
		fprintf(stderr, "shardcrawl: '%s' is in use by another shardcrawl process\n",
			cfg->outdir);
	if (rc)
		return rc == SC_EAGAIN ? COORD_EXIT_USAGE : COORD_EXIT_STOPPED;
	if (!cfg->resume) {
		if (open_output(c, NULL))
			return COORD_EXIT_STOPPED;
		if (cfg->rules && save_rules(cfg)) {
			log_error("cannot write '%s/%s': %s", cfg->outdir, SC_RULES_COPY,
				  strerror(errno));
			return COORD_EXIT_STOPPED;
		}
		if (settings_save(cfg, cfg->outdir)) {
			log_error("cannot write '%s/settings': %s", cfg->outdir, strerror(errno));
			return COORD_EXIT_STOPPED;
		}
	}
	c->fr = frontier_open(cfg);
	if (!c->fr || archive_open(&c->ar, cfg, cfg->resume))
		return COORD_EXIT_STOPPED;
	/* until the first share: an equal part of this process's --rate */
	shard_config_fill(&c->scfg, cfg, c->fr->ops->rate(c->fr, cfg->rate),
			  c->robots_token, sizeof(c->robots_token));
	procs_init(&c->pr, cfg->shards, &c->scfg, c->fr,
		   (size_t)cfg->max_size * 2 + (2u << 20), cfg->verbose);
	if (procs_start(&c->pr))
		return COORD_EXIT_STOPPED;
	if (cfg->resume) {
		if (resume_scan(cfg, c->fr, &c->scope, &c->st, &rs))
			return COORD_EXIT_STOPPED;
		stats_resumed(&c->st);
		if (!rs.urls_eof && source_open(&c->src, cfg->urls_file, rs.urls_lines))
			return COORD_EXIT_STOPPED;
		c->src.eof = c->src.logged_eof = rs.urls_eof;
		if (rs.pending == 0 && !source_live(&c->src)) {
			if (!cfg->quiet)
				fprintf(stderr, "shardcrawl: the crawl in '%s' is complete "
					"(%llu pages); nothing to resume\n", cfg->outdir,
					(unsigned long long)c->st.all.pages);
			/* its index too, in case a kill came before it was written */
			if (archive_index(c->cfg))
				return COORD_EXIT_STOPPED;
			return exit_status(c);
		}
		if (open_output(c, &rs.out))
			return COORD_EXIT_STOPPED;
	} else {
		seed_all(c);
		if (c->ar.rc.dir && recrawl_each(&c->ar.rc, requeue_prev, c))
			return COORD_EXIT_STOPPED;
		if (source_open(&c->src, cfg->urls_file, 0))
			return COORD_EXIT_STOPPED;
	}
	/* a shared crawl: the seeds out, the first hosts and rate share in */
	c->fr->ops->sync(c->fr, 1);
	share_update(&c->sh, &c->pr, c->fr, cfg, &c->batch, 1);
	run_loop(c);

	rss_tick(&c->rss, &c->pr, now_ms(), 1);
	procs_stop(&c->pr);
	rss_self(&c->rss);
	wall = stats_elapsed(&c->st);
	if (output_close(&c->out))
		c->fatal = 1;
	if (c->out.err_path[0])
		log_error("cannot write '%s': %s", c->out.err_path, strerror(c->out.err_errno));
	else if (!c->fatal && archive_index(c->cfg))
		c->fatal = 1;
	view(c, &v);
	if (stats_write(&c->st, &v, cfg->outdir, wall))
		c->fatal = 1;
	if (c->tty && !cfg->quiet)
		fputs("\r\033[K", stderr);
	if (!cfg->quiet)
		stats_summary(&c->st, c->pr.n, cfg->outdir, wall);
	if (c->fatal || c->pr.fatal || c->stopped || got_signal) {
		uint64_t left = c->st.admitted + c->st.rejected - c->st.all.pages;
		/* always said, even with -q: the user must know the crawl is not done */
		if (left || !c->src.eof)
			fprintf(stderr, "shardcrawl: %s with %llu URLs not crawled; continue "
				"with: shardcrawl --resume %s\n",
				c->fatal || c->pr.fatal ? "stopped by an error" : "interrupted",
				(unsigned long long)left, cfg->outdir);
	}
	if (c->fatal || c->pr.fatal)
		return COORD_EXIT_STOPPED;
	return got_signal > 1 ? COORD_EXIT_INTERRUPTED : exit_status(c);
}

int coord_run(const struct crawl_config *cfg)
{
	struct coord c;
	struct sigaction sa;
	int rc;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.lock_fd = -1;
	c.ar.rc.fd = -1;
	c.out.warc_fd = c.out.pages_fd = c.out.journal_fd = c.out.items_fd = -1;
	c.tty = isatty(STDERR_FILENO);
	stats_init(&c.st);
	scope_init(&c.scope, cfg);
	buf_init(&c.line, SC_URL_MAX * 4 + 8192);
	buf_init(&c.ilines, SC_EXTRACT_BYTES_MAX + (size_t)SC_EXTRACT_ITEMS_MAX * (SC_URL_MAX + 256));
	buf_init(&c.batch, SC_FRAME_BODY_MAX);
	buf_init(&c.jline, SC_URL_MAX * 2 + 64);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = crawl(&c);

	procs_release(&c.pr);
	output_close(&c.out);
	archive_release(&c.ar);
	source_release(&c.src);
	if (c.fr)
		c.fr->ops->release(c.fr);
	rstr_put(c.jref);
	scope_release(&c.scope);
	stats_release(&c.st);
	buf_release(&c.line);
	buf_release(&c.ilines);
	buf_release(&c.batch);
	buf_release(&c.jline);
	if (c.lock_fd >= 0)
		close(c.lock_fd);
	return rc;
}
