#include "crawler/resume.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/url.h"
#include "common/warc.h"
#include "crawler/journal.h"
#include "crawler/pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct warc_ends {
	uint64_t *end;          /* by file number: end of the last named record */
	unsigned n;
};

/* A line names a record of file at offset: the file is good up to its end. */
static void warc_end(struct warc_ends *we, const char *file, uint64_t off,
		     const char *line)
{
	uint64_t wlen = 0;
	unsigned seq;

	if (sscanf(file, "crawl-%05u.warc.gz", &seq) != 1 || seq >= 1000000)
		return;
	pages_num(line, "warc_length", &wlen);
	if (seq >= we->n) {
		we->end = xrealloc(we->end, (seq + 1) * sizeof(*we->end));
		memset(we->end + we->n, 0, (seq + 1 - we->n) * sizeof(*we->end));
		we->n = seq + 1;
	}
	if (off + wlen > we->end[seq])
		we->end[seq] = off + wlen;
}

/* Step 1: what reached a final state (robots.txt lines only say where
 * their records end). */
static void scan_pages(const char *dir, struct frontier *fr, struct crawl_stats *st,
		       struct warc_ends *we, struct output_resume *res, char *line,
		       char *url)
{
	char path[4096];
	uint64_t pos = 0, v;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/pages.jsonl", dir);
	res->pages_len = whole_lines(path);
	fp = fopen(path, "r");
	while (fp && pos < res->pages_len && fgets(line, SC_SETTINGS_LINE_MAX, fp)) {
		char file[64], err[64];
		uint64_t status = 0, bytes = 0;

		pos += strlen(line);
		if (!pages_str(line, "url", url, SC_URL_MAX + 1))
			continue;
		if (pages_is_robots(line)) {
			/* not a page of the crawl, but its records count */
			if (pages_str(line, "warc_file", file, sizeof(file)) &&
			    pages_num(line, "warc_offset", &v))
				warc_end(we, file, v, line);
			st->robots++;
			continue;
		}
		if (strstr(line, ",\"requisite\":true"))
			st->requisites++;
		fr->ops->mark_seen(fr, url);
		pages_num(line, "status", &status);
		pages_num(line, "bytes", &bytes);
		if (!pages_str(line, "error", err, sizeof(err)))
			err[0] = '\0';
		else if (strncmp(err, "url:", 4) == 0)
			st->rejected++;
		stats_page(st, url, (uint32_t)status, bytes, err);
		if (pages_num(line, "links_dropped", &v))
			st->links_dropped += v;
		if (pages_num(line, "items", &v)) {
			uint64_t end = 0, dropped = 0, cut = 0, bad = 0;
			pages_num(line, "items_end", &end);
			pages_num(line, "items_dropped", &dropped);
			pages_num(line, "items_cut", &cut);
			pages_num(line, "jsonld_invalid", &bad);
			stats_extract(st, v, dropped, cut, bad,
				      strstr(line, "\"not_extracted\":\"") ? "x" : NULL);
			if (end > res->items_len)
				res->items_len = end;
		}
		if (pages_str(line, "warc_file", file, sizeof(file)) &&
		    pages_num(line, "warc_offset", &v))
			warc_end(we, file, v, line);
	}
	if (fp)
		fclose(fp);
}

/* Step 2: cut the orphans off each WARC file. */
static int cut_warcs(const char *dir, const struct warc_ends *we,
		     struct output_resume *res)
{
	char path[4096];
	unsigned seq;

	for (seq = 0;; seq++) {
		struct stat st;
		uint64_t info, end;

		snprintf(path, sizeof(path), "%s/crawl-%05u.warc.gz", dir, seq);
		if (stat(path, &st) != 0)
			return 0;
		info = warcinfo_len(path);
		end = seq < we->n && we->end[seq] > info ? we->end[seq] : info;
		if ((uint64_t)st.st_size < end) {
			log_error("'%s' is shorter than pages.jsonl says: cannot resume", path);
			return -1;
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
				return -1;
			}
		}
	}
}

/* Step 2b: items.jsonl is cut after the items of the last page recorded
 * (crawler/items.h); output_open() does the cutting. */
static int check_items(const char *dir, const struct output_resume *res)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/items.jsonl", dir);
	if (stat(path, &st) != 0)
		st.st_size = 0;
	if ((uint64_t)st.st_size < res->items_len) {
		log_error("'%s' is shorter than pages.jsonl says: cannot resume", path);
		return -1;
	}
	if ((uint64_t)st.st_size > res->items_len)
		log_warn("cutting '%s' from %llu to %llu bytes (items of pages not "
			 "recorded, which are fetched again)", path,
			 (unsigned long long)st.st_size, (unsigned long long)res->items_len);
	return 0;
}

/* Step 3 and 4: what was admitted, and how far the list was read. */
static int scan_journal(const char *dir, uint64_t quota, struct frontier *fr,
			struct scope *sc, struct crawl_stats *st,
			struct resume_state *rs, char *line)
{
	char path[4096];
	struct rstr *ref = NULL;
	uint64_t pos = 0;
	FILE *fp;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/journal", dir);
	rs->out.journal_len = whole_lines(path);
	fp = fopen(path, "r");
	while (fp && pos < rs->out.journal_len && fgets(line, SC_SETTINGS_LINE_MAX, fp)) {
		struct journal_rec jr;
		struct rstr *old_ref = NULL;
		char key[SC_HOST_MAX + 16];
		size_t len = strlen(line);
		int r;

		pos += len;
		rs->journal_lines++;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (journal_parse(line, &jr))
			continue;
		if (jr.kind == 'U') {
			rs->urls_lines = jr.lines;
			rs->urls_eof = jr.eof;
			continue;
		}
		if (jr.kind == 'R' || jr.has_ref) {
			/* an old-form A line names its own referrer: one string
			 * for a run of lines with the same one */
			if (!jr.referrer || !ref || strcmp(ref->s, jr.referrer) != 0) {
				old_ref = ref;
				ref = jr.referrer ? rstr_new(jr.referrer) : NULL;
				rstr_put(old_ref);
			}
			if (jr.kind == 'R')
				continue;
		}
		st->admitted++;
		if (jr.depth == 0 && !ref)
			scope_add(sc, jr.url);
		if (url_host_key(jr.url, key, sizeof(key)) < 0 ||
		    jr.redirects > FENTRY_REDIRECTS(UINT32_MAX))
			continue;
		/* counted for --host-quota, done or not, never refused: it was
		 * admitted */
		r = fr->ops->admit(fr, jr.url, key, jr.depth,
				   FENTRY_HOPS(jr.redirects, jr.requisite), ref,
				   quota ? FRONTIER_QUOTA_REPLAY : 0);
		if (r < 0) {
			log_error("cannot queue the journal's URLs again: %s", sc_strerror(r));
			rc = -1;
			break;
		}
		rs->pending += r == FRONTIER_QUEUED;
	}
	rstr_put(ref);
	if (fp)
		fclose(fp);
	return rc;
}

int resume_scan(const struct crawl_config *cfg, struct frontier *fr,
		struct scope *sc, struct crawl_stats *st, struct resume_state *rs)
{
	char *line = xmalloc(SC_SETTINGS_LINE_MAX), *url = xmalloc(SC_URL_MAX + 1);
	struct warc_ends we = { NULL, 0 };
	int i, rc = -1;

	memset(rs, 0, sizeof(*rs));
	for (i = 0; i < cfg->nseeds; i++)
		scope_add(sc, cfg->seeds[i]);
	scan_pages(cfg->outdir, fr, st, &we, &rs->out, line, url);
	if (cut_warcs(cfg->outdir, &we, &rs->out))
		goto out;
	if (cfg->rules && check_items(cfg->outdir, &rs->out))
		goto out;
	if (scan_journal(cfg->outdir, cfg->host_quota, fr, sc, st, rs, line))
		goto out;
	log_info("resuming: %llu URLs done, %llu pending, %llu journal lines",
		 (unsigned long long)st->all.pages, (unsigned long long)rs->pending,
		 (unsigned long long)rs->journal_lines);
	rc = 0;
out:
	free(we.end);
	free(line);
	free(url);
	return rc;
}
