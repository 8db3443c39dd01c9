#include "crawler/output.h"

#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_BUFSZ (1u << 20)

static int fail(struct output *o, const char *name)
{
	int e = errno;

	snprintf(o->err_path, sizeof(o->err_path), "%s/%s", o->dir, name);
	errno = e;
	return SC_EIO;
}

static FILE *open_in_dir(struct output *o, const char *name, const char *mode)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	fp = fopen(path, mode);
	if (fp)
		setvbuf(fp, NULL, _IOFBF, OUT_BUFSZ);
	return fp;
}

static int warc_close(struct output *o)
{
	int rc = 0;

	if (o->warc && fclose(o->warc) != 0)
		rc = fail(o, o->warc_name);
	o->warc = NULL;
	return rc;
}

static int warc_next(struct output *o)
{
	if (warc_close(o))
		return SC_EIO;
	if (o->warc_name[0])
		o->warc_seq++;
	snprintf(o->warc_name, sizeof(o->warc_name), "crawl-%05u.warc.gz", o->warc_seq);
	o->warc = open_in_dir(o, o->warc_name, "wb");
	if (!o->warc)
		return fail(o, o->warc_name);
	buf_reset(&o->tmp);
	if (warc_info_record(&o->w, &o->tmp, o->warc_name, o->info_fields))
		return SC_ETOOBIG;
	if (fwrite(o->tmp.data, 1, o->tmp.len, o->warc) != o->tmp.len)
		return fail(o, o->warc_name);
	o->warc_off = o->info_len = o->tmp.len;
	return 0;
}

int output_open(struct output *o, const char *dir, uint64_t warc_max,
		const char *fields)
{
	memset(o, 0, sizeof(*o));
	o->dir = xstrdup(dir);
	o->warc_max = warc_max;
	o->info_fields = xstrdup(fields);
	warc_writer_init(&o->w, 6);
	buf_init(&o->tmp, 1u << 20);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return fail(o, ".");
	o->pages = open_in_dir(o, "pages.jsonl", "w");
	if (!o->pages)
		return fail(o, "pages.jsonl");
	return warc_next(o);
}

int output_records(struct output *o, const void *p, size_t len,
		   const char **name, uint64_t *offset)
{
	/* rotate unless the file holds nothing but its warcinfo yet */
	if (o->warc_off + len > o->warc_max && o->warc_off > o->info_len &&
	    warc_next(o))
		return SC_EIO;
	if (len && fwrite(p, 1, len, o->warc) != len)
		return fail(o, o->warc_name);
	*name = o->warc_name;
	*offset = o->warc_off;
	o->warc_off += len;
	return 0;
}

int output_page(struct output *o, const char *line, size_t len)
{
	if (fwrite(line, 1, len, o->pages) != len)
		return fail(o, "pages.jsonl");
	return 0;
}

int output_flush(struct output *o)
{
	if (o->warc && fflush(o->warc) != 0)
		return fail(o, o->warc_name);
	if (o->pages && fflush(o->pages) != 0)
		return fail(o, "pages.jsonl");
	return 0;
}

int output_close(struct output *o)
{
	int rc = warc_close(o);

	if (o->pages && fclose(o->pages) != 0 && !rc)
		rc = fail(o, "pages.jsonl");
	o->pages = NULL;
	if (o->dir) {
		warc_writer_release(&o->w);
		buf_release(&o->tmp);
		free(o->info_fields);
		free(o->dir);
		o->info_fields = NULL;
		o->dir = NULL;
	}
	return rc;
}
