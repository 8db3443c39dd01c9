/*
 * output.h - the files of a crawl directory.
 *
 *   crawl-NNNNN.warc.gz   WARC records as the shards built them, behind a
 *                         warcinfo record; a new file once warc_max is reached
 *   pages.jsonl           one line per URL in a final state
 *
 * The coordinator is the only writer, so offsets are known exactly: the
 * offset it reports for a record is where its gzip member starts.  Each
 * function returns 0, or SC_EIO with errno set and the file's name in
 * o->err_path, after which the crawl must stop (the files stay valid up to
 * the last complete write).
 */
#ifndef SC_OUTPUT_H
#define SC_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/warc.h"

struct output {
	char *dir;
	uint64_t warc_max;
	char *info_fields;      /* warcinfo block for each new file */
	FILE *warc;
	unsigned warc_seq;      /* number of the open file */
	uint64_t warc_off;      /* its size so far */
	uint64_t info_len;      /* size of its warcinfo record */
	char warc_name[32];
	FILE *pages;
	struct warc_writer w;   /* for warcinfo records */
	struct buf tmp;
	char err_path[4096];
};

/* Create dir if needed and open the files; fields: the warcinfo block. */
int output_open(struct output *o, const char *dir, uint64_t warc_max,
		const char *fields);

/*
 * Append already-gzipped records (len bytes), starting a new file first if
 * this one would pass warc_max.  *name and *offset tell where the first
 * byte went (name stays valid until the next call).
 */
int output_records(struct output *o, const void *p, size_t len,
		   const char **name, uint64_t *offset);

/* Append one pages.jsonl line (with its newline). */
int output_page(struct output *o, const char *line, size_t len);

/* Flush buffered bytes to the kernel. */
int output_flush(struct output *o);

/* Flush and close everything; 0 or SC_EIO.  Safe to call twice. */
int output_close(struct output *o);

#endif
