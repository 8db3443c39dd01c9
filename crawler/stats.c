#include "crawler/stats.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

void stats_init(struct crawl_stats *st)
{
	memset(st, 0, sizeof(*st));
	hoststats_init(&st->hosts, HOSTSTATS_TRACKED);
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
}

void stats_release(struct crawl_stats *st)
{
	hoststats_release(&st->hosts);
}

double stats_elapsed(const struct crawl_stats *st)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - st->t0.tv_sec) +
	       (double)(t.tv_nsec - st->t0.tv_nsec) / 1e9;
}

static void count_error(struct crawl_stats *st, const char *error)
{
	size_t n = strcspn(error, ":"), max = sizeof(st->errors[0].kind) - 1;
	int i;

	if (n > max)
		n = max;
	for (i = 0; i < st->nerrors; i++)
		if (strncmp(st->errors[i].kind, error, n) == 0 && !st->errors[i].kind[n])
			break;
	if (i == st->nerrors) {
		if (st->nerrors == STATS_ERROR_KINDS)
			i = STATS_ERROR_KINDS - 1;      /* the last one is "other" */
		else
			st->nerrors++;
		if (i == STATS_ERROR_KINDS - 1)
			snprintf(st->errors[i].kind, sizeof(st->errors[i].kind), "other");
		else
			snprintf(st->errors[i].kind, sizeof(st->errors[i].kind), "%.*s",
				 (int)n, error);
	}
	st->errors[i].n++;
}

enum stats_outcome stats_outcome_of(uint32_t status, const char *error)
{
	if (status >= 400 && status < 500)
		return STATS_4XX;
	if (status >= 500 && status < 600)
		return STATS_5XX;
	if (error && (strncmp(error, "robots: disallowed", 18) == 0 ||
		      strncmp(error, "type: excluded", 14) == 0))
		return STATS_EXCLUDED;
	if (error && *error)
		return STATS_FAILED;
	if (status >= 200 && status < 300)
		return STATS_2XX;
	if (status >= 300 && status < 400)
		return STATS_3XX;
	return STATS_FAILED;    /* no response, or a final 1xx or a nonsense code */
}

void stats_page(struct crawl_stats *st, const char *url, uint32_t status,
		uint64_t bytes, const char *error)
{
	enum stats_outcome o = stats_outcome_of(status, error);
	char key[SC_HOST_MAX + 16];
	int n;

	st->all.pages++;
	st->all.bytes += bytes;
	st->all.outcome[o]++;
	if (error && *error)
		count_error(st, error);
	st->status_class[status / 100 < 6 ? status / 100 : 0]++;
	n = url ? url_host_key(url, key, sizeof(key)) : -1;
	if (n > 0)
		hoststats_add(&st->hosts, key, (size_t)n, bytes,
			      o != STATS_2XX && o != STATS_3XX && o != STATS_EXCLUDED);
}

void stats_resumed(struct crawl_stats *st)
{
	st->before = st->all;
}

/* this run's counts: the whole crawl's less the earlier runs' */
static void this_run(const struct crawl_stats *st, struct stats_counts *out)
{
	int i;

	out->pages = st->all.pages - st->before.pages;
	out->bytes = st->all.bytes - st->before.bytes;
	for (i = 0; i < STATS_OUTCOMES; i++)
		out->outcome[i] = st->all.outcome[i] - st->before.outcome[i];
}

static void human_bytes(uint64_t n, char *out, size_t len)
{
	if (n >= (1ull << 30))
		snprintf(out, len, "%.2f GB", (double)n / 1e9);
	else if (n >= (1ull << 20))
		snprintf(out, len, "%.1f MB", (double)n / 1e6);
	else
		snprintf(out, len, "%.1f kB", (double)n / 1e3);
}

void stats_progress(const struct crawl_stats *st, const struct stats_view *v)
{
	double t = stats_elapsed(st);
	uint64_t done = st->all.pages, errors = done - stats_ok(&st->all);
	double rate = t > 0 ? (double)(done - st->before.pages) / t : 0.0;
	char bytes[32], eta_s[32];

	human_bytes(st->all.bytes, bytes, sizeof(bytes));
	if (v->list_total) {
		/* a URL list: done / total and when it will be done */
		if (rate > 0 && v->list_total > done) {
			long eta = (long)((double)(v->list_total - done) / rate);
			snprintf(eta_s, sizeof(eta_s), "ETA %ld:%02ld:%02ld", eta / 3600,
				 eta / 60 % 60, eta % 60);
		} else {
			snprintf(eta_s, sizeof(eta_s), "ETA -");
		}
		fprintf(stderr, "\r\033[K%llu/%llu URLs  %.1f/s  %s  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)done, (unsigned long long)v->list_total,
			rate, eta_s, (unsigned long long)v->transfers,
			(unsigned long long)errors, bytes);
	} else {
		fprintf(stderr, "\r\033[K%llu pages  %.1f/s  %llu queued  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)done, rate,
			(unsigned long long)v->queued + v->inflight - v->transfers,
			(unsigned long long)v->transfers,
			(unsigned long long)errors, bytes);
	}
	if (v->crawl_nodes)
		fprintf(stderr, "  | crawl: %llu done, %llu hosts leased, %llu nodes%s",
			(unsigned long long)v->crawl_done, (unsigned long long)v->crawl_leases,
			(unsigned long long)v->crawl_nodes, v->offline ? ", Redis unreachable" : "");
	fflush(stderr);
}

static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

static const char *const outcome_names[STATS_OUTCOMES] = {
	"2xx", "3xx", "4xx", "5xx", "excluded", "failed"
};

/* "pages", "ok", "failed", "outcome", "bytes" of c, one key a line */
static void put_counts(struct buf *b, const struct stats_counts *c, const char *ind)
{
	int i;

	buf_printf(b, "%s\"pages\": %llu,\n%s\"ok\": %llu,\n%s\"failed\": %llu,\n"
		   "%s\"outcome\": {", ind, (unsigned long long)c->pages, ind,
		   (unsigned long long)stats_ok(c), ind,
		   (unsigned long long)c->outcome[STATS_FAILED], ind);
	for (i = 0; i < STATS_OUTCOMES; i++)
		buf_printf(b, "%s\"%s\": %llu", i ? ", " : "", outcome_names[i],
			   (unsigned long long)c->outcome[i]);
	buf_printf(b, "},\n%s\"bytes\": %llu,\n", ind, (unsigned long long)c->bytes);
}

static void put_hosts(struct buf *b, const struct hoststats *hs)
{
	const struct hoststat *top[HOSTSTATS_TOP];
	size_t i, n = hoststats_top(hs, top, HOSTSTATS_TOP);

	buf_printf(b, "  \"hosts_tracked\": %u,\n  \"hosts_exact\": %s,\n  \"hosts\": [",
		   hs->n, hs->evicted ? "false" : "true");
	for (i = 0; i < n; i++) {
		buf_puts(b, i ? ",\n    {\"host\": " : "\n    {\"host\": ");
		json_cstr(b, top[i]->host);
		buf_printf(b, ", \"pages\": %llu, \"errors\": %llu, \"bytes\": %llu, "
			   "\"overcount\": %llu}", (unsigned long long)top[i]->pages,
			   (unsigned long long)top[i]->errors,
			   (unsigned long long)top[i]->bytes,
			   (unsigned long long)top[i]->overcount);
	}
	buf_puts(b, n ? "\n  ]\n" : "]\n");
}

void stats_extract(struct crawl_stats *st, uint64_t items, uint64_t dropped,
		   uint64_t cut, uint64_t jsonld_invalid, const char *why)
{
	st->ex.on = 1;
	st->ex.pages++;
	st->ex.not_extracted += why && *why;
	st->ex.items += items;
	st->ex.dropped += dropped;
	st->ex.cut += cut;
	st->ex.jsonld_invalid += jsonld_invalid;
}

/* The layout is README's "stats.json": the whole crawl's counts at the top,
 * this run's in "this_run", then this run's processes and the frontier. */
int stats_write(const struct crawl_stats *st, const struct stats_view *v,
		const char *dir, double wall)
{
	struct stats_counts run;
	struct rusage self, kids;
	struct buf b;
	char path[4096];
	FILE *fp;
	int i, rc = 0;

	this_run(st, &run);
	buf_init(&b, 1u << 20);
	buf_puts(&b, "{\n");
	put_counts(&b, &st->all, "  ");
	buf_printf(&b, "  \"admitted\": %llu,\n  \"not_crawled\": %llu,\n"
		   "  \"links_dropped\": %llu,\n  \"requisites\": %llu,\n"
		   "  \"robots_txt\": %llu,\n",
		   (unsigned long long)st->admitted,
		   (unsigned long long)(st->admitted + st->rejected - st->all.pages),
		   (unsigned long long)st->links_dropped,
		   (unsigned long long)st->requisites,
		   (unsigned long long)st->robots);
	buf_printf(&b, "  \"status\": {\"none\": %llu, \"1xx\": %llu, \"2xx\": %llu, "
		   "\"3xx\": %llu, \"4xx\": %llu, \"5xx\": %llu},\n",
		   (unsigned long long)st->status_class[0],
		   (unsigned long long)st->status_class[1],
		   (unsigned long long)st->status_class[2],
		   (unsigned long long)st->status_class[3],
		   (unsigned long long)st->status_class[4],
		   (unsigned long long)st->status_class[5]);
	buf_puts(&b, "  \"errors\": {");
	for (i = 0; i < st->nerrors; i++) {
		buf_puts(&b, i ? ", " : "");
		json_cstr(&b, st->errors[i].kind);
		buf_printf(&b, ": %llu", (unsigned long long)st->errors[i].n);
	}
	buf_puts(&b, "},\n");
	if (st->ex.on)
		buf_printf(&b, "  \"extract\": {\"pages\": %llu, \"not_extracted\": %llu, "
			   "\"items\": %llu, \"items_dropped\": %llu, \"items_cut\": %llu, "
			   "\"jsonld_invalid\": %llu},\n",
			   (unsigned long long)st->ex.pages,
			   (unsigned long long)st->ex.not_extracted,
			   (unsigned long long)st->ex.items, (unsigned long long)st->ex.dropped,
			   (unsigned long long)st->ex.cut,
			   (unsigned long long)st->ex.jsonld_invalid);
	buf_printf(&b, "  \"warc_files\": %u,\n  \"this_run\": {\n", v->warc_files);
	put_counts(&b, &run, "    ");
	buf_printf(&b, "    \"wall_s\": %.3f,\n    \"pages_per_s\": %.1f,\n"
		   "    \"trap_refused\": %llu\n  },\n",
		   wall, wall > 0 ? (double)run.pages / wall : 0.0,
		   (unsigned long long)v->trap_refused);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	buf_printf(&b, "  \"shards\": %d,\n  \"coord_max_rss_kb\": %llu,\n"
		   "  \"shard_max_rss_kb\": %llu,\n  \"coord_cpu_s\": %.2f,\n"
		   "  \"shards_cpu_s\": %.2f,\n  \"seen_bytes\": %llu,\n"
		   "  \"frontier_mem_bytes\": %llu,\n  \"spill_bytes\": %llu,\n"
		   "  \"spilled\": %llu,\n",
		   v->shards, (unsigned long long)v->coord_rss_kb,
		   (unsigned long long)v->shard_rss_kb, cpu_s(&self), cpu_s(&kids),
		   (unsigned long long)v->seen_bytes,
		   (unsigned long long)v->frontier_mem_bytes,
		   (unsigned long long)v->spill_bytes, (unsigned long long)v->spilled);
	put_hosts(&b, &st->hosts);
	buf_puts(&b, "}\n");
	snprintf(path, sizeof(path), "%s/stats.json", dir);
	fp = fopen(path, "w");
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (fp && fclose(fp) != 0 && rc == 0) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	buf_release(&b);
	return rc;
}

void stats_summary(const struct crawl_stats *st, int shards, const char *dir,
		   double wall)
{
	const struct stats_counts *c = &st->all;
	uint64_t now_done = c->pages - st->before.pages;
	char bytes[32], run[64] = "", ex[192] = "";

	human_bytes(c->bytes, bytes, sizeof(bytes));
	if (st->before.pages)
		snprintf(run, sizeof(run), "; this run %llu pages",
			 (unsigned long long)now_done);
	if (st->ex.on)
		snprintf(ex, sizeof(ex), "; %llu items from %llu pages (%llu not extracted, "
			 "%llu items dropped, %llu cut)", (unsigned long long)st->ex.items,
			 (unsigned long long)st->ex.pages,
			 (unsigned long long)st->ex.not_extracted,
			 (unsigned long long)st->ex.dropped, (unsigned long long)st->ex.cut);
	fprintf(stderr, "shardcrawl: %llu pages (%llu 2xx, %llu 3xx, %llu 4xx, %llu 5xx, "
		"%llu excluded, %llu failed), %s%s in %.2f s, %.1f pages/s, "
		"%d shards -> %s%s\n",
		(unsigned long long)c->pages,
		(unsigned long long)c->outcome[STATS_2XX],
		(unsigned long long)c->outcome[STATS_3XX],
		(unsigned long long)c->outcome[STATS_4XX],
		(unsigned long long)c->outcome[STATS_5XX],
		(unsigned long long)c->outcome[STATS_EXCLUDED],
		(unsigned long long)c->outcome[STATS_FAILED], bytes, run, wall,
		wall > 0 ? (double)now_done / wall : 0.0, shards, dir, ex);
}
