/*
 * items.h - the lines of items.jsonl: one JSON object per extracted item,
 *
 *   {"url":U, <the item's fields, jsonld, meta>, "warc_file":F, "warc_offset":O}
 *
 * where F and O locate the response record of the page it came from (as
 * in its pages.jsonl line), or are null when the crawl kept no WARC
 * records (--extract-only).  The members come from the shard as they are
 * (common/extract.h): valid JSON, no newline.
 *
 * Crash safety (crawler/output.h, crawler/resume.h): a page's item lines
 * are buffered before its pages.jsonl line and written before it, and the
 * pages.jsonl line of a page a rule matched says where items.jsonl ended
 * after its items ("items_end"); --resume cuts items.jsonl to the largest
 * items_end of pages.jsonl.  Items of a page whose line did not reach
 * pages.jsonl are cut with it, and the page is fetched again: no item is
 * lost or written twice.  --extract-from (crawler/extract_from.h) writes
 * the same lines from the WARC files.
 */
#ifndef SC_ITEMS_H
#define SC_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/*
 * Append the lines of one page's items to b: items holds nitems member
 * lists, each NUL-terminated (len bytes in all).  warc_file NULL: no
 * record.  Returns 0, or SC_ETOOBIG when b is full (b as it was).
 */
int items_lines(struct buf *b, const char *url, const char *items, size_t len,
		const char *warc_file, uint64_t warc_offset);

#endif
