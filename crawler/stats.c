#include "crawler/stats.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

void stats_init(struct crawl_stats *st)
{
	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
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

void stats_page(struct crawl_stats *st, uint32_t status, uint64_t bytes,
		const char *error)
{
	st->finished++;
	st->bytes += bytes;
	if (error && *error) {
		st->failed++;
		count_error(st, error);
	} else {
		st->ok++;
	}
	st->status_class[status / 100 < 6 ? status / 100 : 0]++;
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
	double rate = t > 0 ? (double)(st->finished - st->resumed_from) / t : 0.0;
	char bytes[32], eta_s[32];

	human_bytes(st->bytes, bytes, sizeof(bytes));
	if (v->list_total) {
		/* a URL list: done / total and when it will be done */
		if (rate > 0 && v->list_total > st->finished) {
			long eta = (long)((double)(v->list_total - st->finished) / rate);
			snprintf(eta_s, sizeof(eta_s), "ETA %ld:%02ld:%02ld", eta / 3600,
				 eta / 60 % 60, eta % 60);
		} else {
			snprintf(eta_s, sizeof(eta_s), "ETA -");
		}
		fprintf(stderr, "\r\033[K%llu/%llu URLs  %.1f/s  %s  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)st->finished, (unsigned long long)v->list_total,
			rate, eta_s, (unsigned long long)v->inflight,
			(unsigned long long)st->failed, bytes);
	} else {
		fprintf(stderr, "\r\033[K%llu pages  %.1f/s  %llu queued  %llu in flight  "
			"%llu errors  %s",
			(unsigned long long)st->finished, rate,
			(unsigned long long)v->queued, (unsigned long long)v->inflight,
			(unsigned long long)st->failed, bytes);
	}
	fflush(stderr);
}

static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

int stats_write(const struct crawl_stats *st, const struct stats_view *v,
		const char *dir, double wall)
{
	struct rusage self, kids;
	struct buf b;
	char path[4096];
	FILE *fp;
	int i, rc = 0;

	buf_init(&b, 1u << 20);
	buf_printf(&b, "{\n  \"pages\": %llu,\n  \"ok\": %llu,\n  \"failed\": %llu,\n"
		   "  \"bytes\": %llu,\n  \"admitted\": %llu,\n  \"not_crawled\": %llu,\n"
		   "  \"trap_refused\": %llu,\n  \"links_dropped\": %llu,\n",
		   (unsigned long long)st->finished, (unsigned long long)st->ok,
		   (unsigned long long)st->failed, (unsigned long long)st->bytes,
		   (unsigned long long)st->admitted,
		   (unsigned long long)(st->admitted + st->rejected - st->finished),
		   (unsigned long long)v->trap_refused,
		   (unsigned long long)st->links_dropped);
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
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	buf_printf(&b, "},\n  \"wall_s\": %.3f,\n  \"pages_this_run\": %llu,\n"
		   "  \"pages_per_s\": %.1f,\n  \"shards\": %d,\n  \"warc_files\": %u,\n"
		   "  \"seen_bytes\": %llu,\n  \"frontier_mem_bytes\": %llu,\n"
		   "  \"spill_bytes\": %llu,\n  \"spilled\": %llu,\n"
		   "  \"coord_max_rss_kb\": %ld,\n  \"shard_max_rss_kb\": %ld,\n"
		   "  \"coord_cpu_s\": %.2f,\n  \"shards_cpu_s\": %.2f\n}\n",
		   wall, (unsigned long long)(st->finished - st->resumed_from),
		   wall > 0 ? (double)(st->finished - st->resumed_from) / wall : 0.0,
		   v->shards, v->warc_files, (unsigned long long)v->seen_bytes,
		   (unsigned long long)v->frontier_mem_bytes,
		   (unsigned long long)v->spill_bytes, (unsigned long long)v->spilled,
		   self.ru_maxrss, kids.ru_maxrss, cpu_s(&self), cpu_s(&kids));
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
	char bytes[32];
	uint64_t now_done = st->finished - st->resumed_from;

	human_bytes(st->bytes, bytes, sizeof(bytes));
	fprintf(stderr, "shardcrawl: %llu pages (%llu ok, %llu failed), %s in %.2f s, "
		"%.1f pages/s, %d shards -> %s\n",
		(unsigned long long)st->finished, (unsigned long long)st->ok,
		(unsigned long long)st->failed, bytes, wall,
		wall > 0 ? (double)now_done / wall : 0.0, shards, dir);
}
