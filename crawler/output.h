/*
 * output.h - the files of a crawl directory, written so that a crawl killed
 * at any moment can be resumed without losing or repeating anything.
 *
 *   crawl-NNNNN.warc.gz   WARC records as the shards built them, behind a
 *                         warcinfo record; a new file once warc_max is reached
 *   pages.jsonl           one line per URL in a final state
 *   journal               what was admitted to the crawl (crawler/journal.h)
 *   items.jsonl           extracted items (crawler/items.h), with --extract
 *
 * With OUTPUT_NO_WARC (--extract-only) no WARC file is made at all.
 *
 * The coordinator is the only writer, so offsets are known exactly.  The
 * order of writes is what makes the directory safe to resume after a kill:
 *   1. a page's WARC records go to the file at once, with write(2);
 *   2. journal lines (the URLs its links added) are buffered here;
 *   3. its items are buffered here (items.jsonl), then
 *   4. its pages.jsonl line, which says where items.jsonl ends after them;
 * and output_flush() always writes the journal buffer, then the items
 * buffer, then the pages buffer.  So a pages.jsonl line that reached the file has its WARC records
 * and its outlinks' journal lines there before it.  What a kill can lose is
 * the buffered tail (at most the flush interval's worth, or 256 KiB), whose
 * URLs are simply fetched again on resume; bytes past the last referenced
 * record in a WARC file are orphans, cut by the resume (crawler/resume.h),
 * and so are the items past the last items_end of pages.jsonl.
 * All this holds for a killed process; surviving a power cut would also
 * need fsync, which is not done.
 *
 * Each function returns 0, or SC_EIO with errno set and the file's name in
 * o->err_path, after which the crawl must stop: the files stay valid up to
 * the last complete write, and the crawl can be resumed.
 */
#ifndef SC_OUTPUT_H
#define SC_OUTPUT_H

#include <stdint.h>

#include "common/buf.h"
#include "common/warc.h"

/* Where a resumed crawl continues (see crawler/resume.h). */
struct output_resume {
	unsigned warc_seq;      /* the WARC file to append to */
	uint64_t warc_off;      /* its valid length */
	uint64_t info_len;      /* the length of its warcinfo record */
	uint64_t pages_len;     /* valid length of pages.jsonl */
	uint64_t journal_len;   /* valid length of the journal */
	uint64_t items_len;     /* valid length of items.jsonl */
};

/* output_open() flags */
#define OUTPUT_ITEMS    0x01    /* write items.jsonl */
#define OUTPUT_NO_WARC  0x02    /* no WARC files (--extract-only) */

struct output {
	char *dir;
	uint64_t warc_max;
	char *info_fields;      /* warcinfo block for each new file */
	int warc_fd;
	unsigned warc_seq;      /* number of the open file */
	uint64_t warc_off;      /* its size so far */
	uint64_t info_len;      /* size of its warcinfo record */
	char warc_name[192];
	char node[128];         /* set before output_open(): a shared crawl's
				 * node, named in its files (crawl-NODE-NNNNN) */
	int pages_fd;
	struct buf pages;       /* pages.jsonl lines not yet written */
	int journal_fd;
	struct buf journal;     /* journal lines not yet written */
	int items_fd;           /* -1 without OUTPUT_ITEMS */
	struct buf items;       /* items.jsonl lines not yet written */
	uint64_t items_off;     /* its length once they are */
	unsigned flags;         /* OUTPUT_* */
	struct warc_writer w;   /* for warcinfo records */
	struct buf tmp;
	char err_path[4096];    /* the file of the first error, "" if none */
	int err_errno;          /* its errno */
};

/*
 * One crawl directory, one process: create dir (and its parents) if
 * missing, then take an exclusive lock on DIR/lock, held through *fd until
 * the process exits (the kernel drops it however the process ends), so a
 * second run or a --resume cannot write into a crawl that is still going.
 * Returns 0; SC_EIO when the directory or the lock file cannot be made
 * (logged, naming it); SC_EAGAIN when another process holds the lock (not
 * logged).  *fd is -1 or open, for the caller to close, in every case.
 */
int output_lock(const char *dir, int *fd);

/* The warcinfo block of a crawl's WARC files (the caller frees it);
 * argv_line may be NULL. */
char *output_warcinfo_fields(const char *user_agent, int robots, const char *dir,
			     const char *argv_line);
/* ... and for a node of a shared crawl: the crawl and the node named. */
char *output_warcinfo_node(const char *fields, const char *crawl, const char *node);

/*
 * Create dir if needed and open the files; fields: the warcinfo block.
 * res is NULL for a new crawl (files created empty), or where a resumed
 * crawl continues (files truncated to the valid lengths and appended to).
 * flags: OUTPUT_*.
 */
int output_open(struct output *o, const char *dir, uint64_t warc_max,
		const char *fields, const struct output_resume *res, unsigned flags);

/*
 * Append already-gzipped records (len bytes, never 0; not with
 * OUTPUT_NO_WARC) to the current WARC file,
 * starting a new file first if this one would pass warc_max.  *name and
 * *offset tell where the first byte went (name stays valid until the next
 * call).  The bytes are in the file when this returns.
 */
int output_records(struct output *o, const void *p, size_t len,
		   const char **name, uint64_t *offset);

/* Buffer one pages.jsonl line / journal line (with its newline). */
int output_page(struct output *o, const char *line, size_t len);
/* Buffer items.jsonl lines; o->items_off is then where the file ends
 * after them (for the page's items_end). */
int output_items(struct output *o, const char *lines, size_t len);
int output_journal(struct output *o, const char *line, size_t len);

/* Write the buffered journal lines, then the items, then the pages lines. */
int output_flush(struct output *o);

/* Flush and close everything; 0 or SC_EIO.  Safe to call twice. */
int output_close(struct output *o);

#endif
