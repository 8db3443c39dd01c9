/*
 * journal.h - the journal of a crawl directory: one text line per event,
 * fields separated by tabs, so a crawl can be resumed (crawler/resume.h).
 *
 *   A <depth> <redirects> <url> <referrer or ->   a URL admitted to the crawl
 *   U <lines> [eof]                               --urls lines read so far
 *
 * URLs are in normal form, so they hold no tab or newline.  What reached a
 * final state is not journaled: pages.jsonl says that, and is written after
 * the journal (crawler/output.h), so the two always agree.
 */
#ifndef SC_JOURNAL_H
#define SC_JOURNAL_H

#include <stdint.h>

#include "common/buf.h"

struct journal_rec {
	char kind;              /* 'A' or 'U' */
	uint32_t depth;
	uint32_t redirects;
	const char *url;
	const char *referrer;   /* NULL for none */
	uint64_t lines;
	int eof;
};

/* Append a line to b (reset first); 0 or SC_ETOOBIG. */
int journal_admit(struct buf *b, const char *url, uint32_t depth,
		  uint32_t redirects, const char *referrer);
int journal_urls(struct buf *b, uint64_t lines, int eof);

/*
 * Parse one line (without its newline; it is cut up in place).  Returns 0,
 * or SC_EINVAL for a line that is not one of the above (skipped by callers).
 */
int journal_parse(char *line, struct journal_rec *r);

#endif
