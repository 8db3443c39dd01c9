#include "crawler/cdxj.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/surt.h"
#include "common/warc.h"
#include "common/warcread.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Lines gathered for one run: the text, and where each line starts. */
struct cdxj_run {
	struct buf text;
	size_t *at;
	size_t nlines, alloc;
	unsigned nruns;         /* run files written so far */
	const char *dir;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *run_text;

static int line_cmp(const void *a, const void *b)
{
	return strcmp(run_text + *(const size_t *)a, run_text + *(const size_t *)b);
}

static void run_path(const char *dir, unsigned k, char *out, size_t n)
{
	snprintf(out, n, "%s/index.cdxj.run%u", dir, k);
}

/* Sort the gathered lines and write them to fp. */
static int run_write(struct cdxj_run *r, FILE *fp)
{
	size_t i;

	run_text = r->text.data;
	if (r->nlines)  /* r->at is NULL until the first line */
		qsort(r->at, r->nlines, sizeof(*r->at), line_cmp);
	for (i = 0; i < r->nlines; i++)
		if (fputs(r->text.data + r->at[i], fp) < 0 || fputc('\n', fp) < 0)
			return -1;
	buf_reset(&r->text);
	r->nlines = 0;
	return 0;
}

/* The gathered lines to a run file of their own. */
static int run_spill(struct cdxj_run *r)
{
	char path[4096];
	FILE *fp;
	int rc;

	run_path(r->dir, r->nruns, path, sizeof(path));
	fp = fopen(path, "w");
	if (!fp) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = run_write(r, fp);
	if (fclose(fp) != 0 || rc) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	r->nruns++;
	return 0;
}

/* Lines are kept NUL-separated in r->text; append one and note its start. */
static int run_add(struct cdxj_run *r, const struct buf *line)
{
	if (r->text.len + line->len + 1 > CDXJ_RUN_BYTES && run_spill(r))
		return -1;
	if (r->nlines == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 4096;
		r->at = xrealloc(r->at, r->alloc * sizeof(*r->at));
	}
	r->at[r->nlines++] = r->text.len;
	SC_ASSERT(buf_append(&r->text, line->data, line->len + 1) == 0);
	return 0;
}

/* The index line of one record into line; 0, or 1 when it is not indexed. */
static int record_line(const struct warc_fields *f, const char *file,
		       uint64_t off, uint64_t len, struct buf *line)
{
	const struct warc_str *mime = &f->http_type;
	const char *semi;
	size_t mn;
	int i, k;

	if (warc_str_is(&f->type, "request") || warc_str_is(&f->type, "warcinfo") ||
	    !f->uri.n)
		return 1;
	if ((warc_str_is(&f->type, "metadata") || warc_str_is(&f->type, "resource")) &&
	    warc_str_is(&f->content_type, "application/warc-fields"))
		return 1;
	buf_reset(line);
	if (surt_key(f->uri.p, f->uri.n, line) || buf_putc(line, ' '))
		return 1;
	for (i = 0, k = 0; i < (int)f->date.n && k < 14; i++)
		if (f->date.p[i] >= '0' && f->date.p[i] <= '9' && ++k)
			buf_putc(line, f->date.p[i]);
	buf_puts(line, " {\"url\":");
	json_str(line, f->uri.p, f->uri.n);
	if (warc_str_is(&f->type, "revisit")) {
		buf_puts(line, ",\"mime\":\"warc/revisit\"");
	} else {
		if (!warc_str_is(&f->type, "response"))
			mime = &f->content_type;
		semi = memchr(mime->p, ';', mime->n);
		mn = semi ? (size_t)(semi - mime->p) : mime->n;
		while (mn && (mime->p[mn - 1] == ' ' || mime->p[mn - 1] == '\t'))
			mn--;
		if (mn) {
			buf_puts(line, ",\"mime\":");
			json_str(line, mime->p, mn);
		}
	}
	if (f->status >= 0)
		buf_printf(line, ",\"status\":\"%d\"", f->status);
	if (f->payload_digest.n) {
		const char *colon = memchr(f->payload_digest.p, ':', f->payload_digest.n);
		if (colon) {
			buf_puts(line, ",\"digest\":");
			json_str(line, colon + 1,
				 f->payload_digest.n - (size_t)(colon + 1 - f->payload_digest.p));
		}
	}
	buf_printf(line, ",\"length\":\"%llu\",\"offset\":\"%llu\",\"filename\":",
		   (unsigned long long)len, (unsigned long long)off);
	json_cstr(line, file);
	return buf_putc(line, '}') ? 1 : 0;
}

/* Index one WARC file; 0, or -1 when not all of it could be indexed. */
static int index_file(const char *dir, const char *name, struct warcread *wr,
		      struct cdxj_run *r, struct buf *line, struct cdxj_counts *n)
{
	char path[4096];
	const unsigned char *map;
	size_t size;
	uint64_t off = 0;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (warcread_map(path, &map, &size))
		return -1;
	n->files++;
	while (off < size) {
		struct warc_fields f;
		size_t used;
		int kind = warcread_kind(map + off, size - off, &used), mr;

		if (kind == WARC_KIND_REQUEST || kind == WARC_KIND_WARCINFO) {
			n->records++;   /* never indexed: not even inflated */
			off += used;
			continue;
		}
		mr = warcread_member(wr, map + off, size - off, &used);

		if (mr == 0 && warcread_fields(wr, &f) != 0)
			mr = SC_EINVAL;
		if (mr) {
			log_warn("'%s': %s at offset %llu: indexed up to there", path,
				 mr == SC_EAGAIN ? "a cut record" : "not a gzipped WARC record",
				 (unsigned long long)off);
			rc = -1;
			break;
		}
		n->records++;
		if (record_line(&f, name, off, used, line) == 0) {
			if (run_add(r, line)) {
				rc = -1;
				break;
			}
			n->lines++;
		}
		off += used;
	}
	n->bytes += off;
	warcread_unmap(map, size);
	return rc;
}

/* Merge the run files into out, smallest line first. */
static int merge_runs(struct cdxj_run *r, FILE *out)
{
	FILE **in = xcalloc(r->nruns, sizeof(*in));
	char **cur = xcalloc(r->nruns, sizeof(*cur));
	size_t *cap = xcalloc(r->nruns, sizeof(*cap));
	char path[4096];
	unsigned k;
	int rc = 0;

	for (k = 0; k < r->nruns; k++) {
		run_path(r->dir, k, path, sizeof(path));
		in[k] = fopen(path, "r");
		if (!in[k] || getline(&cur[k], &cap[k], in[k]) < 0) {
			free(cur[k]);
			cur[k] = NULL;
		}
	}
	for (;;) {
		int best = -1;
		for (k = 0; k < r->nruns; k++)
			if (cur[k] && (best < 0 || strcmp(cur[k], cur[best]) < 0))
				best = (int)k;
		if (best < 0)
			break;
		if (fputs(cur[best], out) < 0)
			rc = -1;
		if (getline(&cur[best], &cap[best], in[best]) < 0) {
			free(cur[best]);
			cur[best] = NULL;
		}
	}
	for (k = 0; k < r->nruns; k++) {
		if (in[k])
			fclose(in[k]);
		free(cur[k]);
		run_path(r->dir, k, path, sizeof(path));
		unlink(path);
	}
	free(in);
	free(cur);
	free(cap);
	return rc;
}

/* The "*.warc.gz" names of dir, sorted; NULL-terminated, caller frees. */
static char **warc_names(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 8, ".warc.gz") != 0)
			continue;
		if (n + 1 >= alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*count = n;
	return v;
}

int cdxj_build(const char *dir, struct cdxj_counts *n)
{
	struct cdxj_run r;
	struct warcread wr;
	struct buf line;
	char tmp[4096], path[4096];
	char **names;
	size_t count, i;
	FILE *out = NULL;
	int rc = 0, werr = 0;

	memset(n, 0, sizeof(*n));
	errno = 0;
	names = warc_names(dir, &count);
	if (!names && errno) {
		log_error("cannot read '%s': %s", dir, strerror(errno));
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.dir = dir;
	buf_init(&r.text, CDXJ_RUN_BYTES + (SC_URL_MAX * 8));
	buf_init(&line, SC_URL_MAX * 8 + 4096);
	warcread_init(&wr);
	for (i = 0; i < count; i++)
		if (index_file(dir, names[i], &wr, &r, &line, n))
			rc = -1;
	snprintf(tmp, sizeof(tmp), "%s/index.cdxj.tmp", dir);
	snprintf(path, sizeof(path), "%s/index.cdxj", dir);
	out = fopen(tmp, "w");
	if (!out) {
		log_error("cannot write '%s': %s", tmp, strerror(errno));
		rc = -1;
		goto done;
	}
	if (r.nruns) {
		/* the last lines join the runs, then all of them are merged */
		if ((r.nlines && run_spill(&r)) || merge_runs(&r, out))
			werr = 1;
	} else if (run_write(&r, out)) {
		werr = 1;
	}
	if (fclose(out) != 0)
		werr = 1;
	/* a write that failed (a full disk) leaves the old index in place */
	if (werr || rename(tmp, path) != 0) {
		log_error("cannot write '%s': %s", werr ? tmp : path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
done:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	free(r.at);
	buf_release(&r.text);
	buf_release(&line);
	warcread_release(&wr);
	return rc;
}
