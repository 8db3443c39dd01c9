#include "crawler/revisit.h"

#include "common/err.h"
#include "common/log.h"
#include "crawler/pages.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Offsets within a WARC file fit in 40 bits (1 TiB); the file number in
 * the 24 above. */
#define OFF_BITS 40

void revisit_init(struct revisit *rv, const char *mode, const char *dir,
		  const char *prev_dir, int warc_level)
{
	memset(rv, 0, sizeof(*rv));
	rv->mode = strcmp(mode, "off") == 0 ? REVISIT_OFF :
		   strcmp(mode, "any") == 0 ? REVISIT_ANY : REVISIT_URL;
	rv->dir = xstrdup(dir);
	rv->prev_dir = prev_dir ? xstrdup(prev_dir) : NULL;
	fpmap_init(&rv->map, REVISIT_SLOTS_MAX);
	warc_writer_init(&rv->w, warc_level);
	warcread_init(&rv->rd);
	buf_init(&rv->out, SC_FRAME_BLOB_MAX);
}

void revisit_release(struct revisit *rv)
{
	if (!rv->dir)
		return;
	fpmap_release(&rv->map);
	warc_writer_release(&rv->w);
	warcread_release(&rv->rd);
	buf_release(&rv->out);
	free(rv->dir);
	free(rv->prev_dir);
	rv->dir = rv->prev_dir = NULL;
}

int revisit_wanted(const struct revisit *rv, int prev)
{
	return rv->mode == REVISIT_ANY || prev;
}

static uint64_t table_key(const char *digest)
{
	return fpmap_key(digest, strlen(digest));
}

static void note(struct revisit *rv, const char *digest,
		 const char *file, uint64_t offset)
{
	unsigned seq;

	/* a URL is fetched once in a crawl: the table serves --dedup any, and
	 * --dedup url looks at the previous crawl's capture only */
	if (rv->mode != REVISIT_ANY || !digest || !*digest ||
	    sscanf(file, "crawl-%05u.warc.gz", &seq) != 1 || seq >= (1u << 24) ||
	    offset >= (1ull << OFF_BITS))
		return;
	if (fpmap_put(&rv->map, table_key(digest),
		      (uint64_t)seq << OFF_BITS | offset) && !rv->full++)
		log_warn("the revisit table is full (%zu payloads): later payloads are "
			 "stored in full", rv->map.count);
}

void revisit_stored(struct revisit *rv, const char *url, const struct msg_result *r,
		    const char *file, uint64_t offset, const char *kind)
{
	if (kind || !r->bytes || (r->flags & MSG_RES_TRUNCATED) || (r->error && *r->error))
		return;
	(void)url;
	note(rv, r->digest, file, offset);
}

void revisit_load(struct revisit *rv)
{
	char path[4096], *line, digest[64], file[64];
	FILE *fp;

	if (rv->mode != REVISIT_ANY)
		return;
	snprintf(path, sizeof(path), "%s/pages.jsonl", rv->dir);
	fp = fopen(path, "r");
	if (!fp)
		return;
	line = xmalloc(SC_SETTINGS_LINE_MAX);
	while (fgets(line, SC_SETTINGS_LINE_MAX, fp)) {
		size_t len = strlen(line);
		uint64_t bytes = 0, off;

		if (!len || line[len - 1] != '\n' || strstr(line, "\"revisit\":") ||
		    strstr(line, "\"error\":") || strstr(line, "\"truncated\":true") ||
		    !pages_num(line, "bytes", &bytes) || !bytes ||
		    !pages_str(line, "digest", digest, sizeof(digest)) ||
		    !pages_str(line, "warc_file", file, sizeof(file)) ||
		    !pages_num(line, "warc_offset", &off))
			continue;
		note(rv, digest, file, off);
	}
	fclose(fp);
	free(line);
}

static void copy_str(char *out, size_t n, const struct warc_str *s)
{
	size_t k = s->n < n - 1 ? s->n : n - 1;

	memcpy(out, s->p, k);
	out[k] = '\0';
}

/*
 * Read the record at off of dir/file and take what a revisit refers to:
 * a response itself, or what a revisit refers to.  With digest, the
 * record's payload digest must be it; with url, its URI must be it.
 * 0, or -1 when there is no such record there.
 */
static int refer_to(struct revisit *rv, const char *dir, const char *file,
		    uint64_t off, const char *digest, const char *url)
{
	struct warc_fields f;
	char path[4096];
	int fd, rc;

	if (strchr(file, '/'))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = warcread_at(&rv->rd, fd, off);
	close(fd);
	if (rc || warcread_fields(&rv->rd, &f))
		return -1;
	if (digest && !warc_str_is(&f.payload_digest, digest))
		return -1;
	if (url && !warc_str_is(&f.uri, url))
		return -1;
	if (warc_str_is(&f.type, "response")) {
		copy_str(rv->ref_uri, sizeof(rv->ref_uri), &f.uri);
		copy_str(rv->ref_date, sizeof(rv->ref_date), &f.date);
		copy_str(rv->ref_id, sizeof(rv->ref_id), &f.record_id);
		return 0;
	}
	if (warc_str_is(&f.type, "revisit") && f.refers_uri.n && f.refers_date.n) {
		copy_str(rv->ref_uri, sizeof(rv->ref_uri), &f.refers_uri);
		copy_str(rv->ref_date, sizeof(rv->ref_date), &f.refers_date);
		copy_str(rv->ref_id, sizeof(rv->ref_id), &f.refers_id);
		return 0;
	}
	return -1;
}

/* Build the request member + revisit member. */
static int build(struct revisit *rv, const char *url, const struct msg_result *r,
		 const void *blob, const char *profile, const char *digest,
		 uint32_t *resp_len)
{
	struct warc_revisit v;
	size_t len;

	memset(&v, 0, sizeof(v));
	v.uri = url;
	v.ip = r->ip;
	v.id = r->record_id;
	v.date = r->date;
	v.profile = profile;
	v.refers_uri = rv->ref_uri;
	v.refers_date = rv->ref_date;
	v.refers_id = rv->ref_id;
	v.digest = digest;
	v.hdr = r->hdr;
	v.hdr_len = r->hdr_len;
	buf_reset(&rv->out);
	if (buf_append(&rv->out, blob, r->warc_req_len) ||
	    warc_revisit_record(&rv->w, &v, &rv->out, &len) || len > UINT32_MAX)
		return -1;
	*resp_len = (uint32_t)len;
	return 0;
}

const char *revisit_result(struct revisit *rv, const char *url, struct msg_result *r,
			   const struct recrawl_prev *prev, const void *blob,
			   const void **out, size_t *out_len, uint32_t *resp_len)
{
	const char *kind = NULL;
	uint64_t where;

	if (!r->hdr_len || !*r->record_id || !*r->date)
		return NULL;
	if (r->status == 304 && prev && rv->prev_dir &&
	    refer_to(rv, rv->prev_dir, prev->warc_file, prev->offset, NULL, url) == 0) {
		snprintf(rv->digest, sizeof(rv->digest), "%s", prev->digest);
		if (build(rv, url, r, blob, WARC_PROFILE_NOT_MODIFIED, rv->digest, resp_len))
			return NULL;
		r->digest = rv->digest;
		rv->not_modified++;
		kind = REVISIT_NOT_MODIFIED;
	} else if (rv->mode != REVISIT_OFF && r->bytes && r->digest && *r->digest &&
		   !(r->flags & MSG_RES_TRUNCATED)) {
		int found = prev && rv->prev_dir && strcmp(prev->digest, r->digest) == 0 &&
			    refer_to(rv, rv->prev_dir, prev->warc_file, prev->offset,
				     r->digest, url) == 0;
		if (!found && rv->mode == REVISIT_ANY &&
		    fpmap_get(&rv->map, table_key(r->digest), &where)) {
			char file[32];
			snprintf(file, sizeof(file), "crawl-%05u.warc.gz",
				 (unsigned)(where >> OFF_BITS));
			found = refer_to(rv, rv->dir, file, where & ((1ull << OFF_BITS) - 1),
					 r->digest, NULL) == 0;
		}
		if (!found || build(rv, url, r, blob, WARC_PROFILE_IDENTICAL, r->digest,
				    resp_len))
			return NULL;
		rv->identical++;
		kind = REVISIT_IDENTICAL;
	}
	if (kind) {
		*out = rv->out.data;
		*out_len = rv->out.len;
	}
	return kind;
}
