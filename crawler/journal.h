/*
 * journal.h - the journal of a crawl directory: one text line per event,
 * fields separated by tabs, so a crawl can be resumed (crawler/resume.h).
 *
 *   R <url or ->                  the referrer of the A lines that follow
 *   A <depth> <redirects> <url>   a URL admitted to the crawl (redirects:
 *                                 the frontier's word, with the URL's kind
 *                                 in its top bits: crawler/frontier.h)
 *   Q <level> <depth> <redirects> <url>
 *                                 a page requisite admitted (level: 1 for a
 *                                 page's own, one more through each
 *                                 stylesheet); journals before requisites
 *                                 have none
 *   U <lines> [eof]               --urls lines read so far
 *
 * All the links of a page are admitted together, so their referrer is
 * written once, in an R line before them, not on every line (the journal
 * costs the URL and a few bytes a URL).  Journals of earlier versions, whose
 * A lines carry the referrer as a fifth field, are still read.  URLs are in
 * normal form, so they hold no tab or newline.  What reached a
 * final state is not journaled: pages.jsonl says that, and is written after
 * the journal (crawler/output.h), so the two always agree.
 */
#ifndef SC_JOURNAL_H
#define SC_JOURNAL_H

#include <stdint.h>

#include "common/buf.h"

struct journal_rec {
	char kind;              /* 'A', 'R', 'U'; a Q line reads as an A one
				 * with requisite set */
	uint32_t requisite;     /* the level of a Q line, else 0 */
	uint32_t depth;
	uint32_t redirects;
	const char *url;
	const char *referrer;   /* A (old form) or R: NULL for none; an A line
				 * of the new form leaves it NULL and has_ref 0 */
	int has_ref;            /* the line named a referrer (or "-") */
	uint64_t lines;
	int eof;
};

/* Append a line to b (reset first); 0 or SC_ETOOBIG. */
int journal_admit(struct buf *b, const char *url, uint32_t depth,
		  uint32_t redirects);
int journal_requisite(struct buf *b, const char *url, uint32_t depth,
		       uint32_t redirects, uint32_t level);
int journal_referrer(struct buf *b, const char *referrer);
int journal_urls(struct buf *b, uint64_t lines, int eof);

/*
 * Parse one line (without its newline; it is cut up in place).  Returns 0,
 * or SC_EINVAL for a line that is not one of the above (skipped by callers).
 */
int journal_parse(char *line, struct journal_rec *r);

#endif
