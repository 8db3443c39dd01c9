/*
 * pages.h - the lines of pages.jsonl: written for every URL that reached a
 * final state, read back by --resume.
 *
 * One JSON object a line, in this key order:
 *   url, status, error (only on failure), content_type, bytes, digest,
 *   depth, referrer, fetch_ms, attempts, location (redirects only),
 *   truncated (only when true), links_dropped (only when non-zero),
 *   etag, last_modified (only when the response had them),
 *   revisit ("identical" or "not-modified": only when the record is a
 *   revisit, crawler/revisit.h), recrawl (only with --recrawl: "new",
 *   "changed", "unchanged" or "not-modified"),
 *   warc_file, warc_offset, warc_length (null when no record)
 * warc_offset and warc_length locate the response (or revisit) record's
 * gzip member.
 *
 * The readers understand exactly what the writer writes (they are not a
 * general JSON parser): a "key": string or number, found by its key.
 */
#ifndef SC_PAGES_H
#define SC_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/msg.h"

struct pages_where {
	const char *warc_file;  /* NULL: no record */
	uint64_t offset, length;
	const char *revisit;    /* NULL, or what crawler/revisit.h wrote */
	const char *recrawl;    /* NULL without --recrawl */
};

/* Build the line for url (with its newline) into b, reset first. */
void pages_line(struct buf *b, const char *url, uint32_t depth,
		const char *referrer, const struct msg_result *r,
		const struct pages_where *w);

/* A string value, unescaped into out (n bytes with the NUL): 1 if found
 * whole, else 0. */
int pages_str(const char *line, const char *key, char *out, size_t n);
/* A number value: 1 if found, else 0. */
int pages_num(const char *line, const char *key, uint64_t *v);

#endif
