/*
 * pages.h - the lines of pages.jsonl: written for every URL that reached a
 * final state, read back by --resume.
 *
 * One JSON object a line, in this key order:
 *   url, status, error (only on failure), content_type, bytes, digest,
 *   depth, referrer, fetch_ms, attempts, location (redirects only),
 *   truncated (only when true), links_dropped (only when non-zero),
 *   items, items_end, items_dropped, items_cut, jsonld_invalid,
 *   not_extracted (only for a page an extraction rule matched, the last
 *   four only when non-zero or set),
 *   requisite (true, only for a page requisite) and level (its requisite
 *   level, with it), kind ("robots", only for
 *   a robots.txt response: not a page of the crawl; "sitemap" for a
 *   sitemap fetched with --sitemaps, which is one),
 *   etag, last_modified (only when the response had them),
 *   revisit ("identical" or "not-modified": only when the record is a
 *   revisit, crawler/revisit.h), recrawl (only with --recrawl: "new",
 *   "changed", "unchanged" or "not-modified"),
 *   warc_file, warc_offset, warc_length (null when no record)
 * warc_offset and warc_length locate the response (or revisit) record's
 * gzip member; items_end is the length of items.jsonl once the page's
 * items are in it (crawler/items.h).
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
	const char *kind;       /* what the URL was fetched as, when not a page
				 * ("sitemap"); NULL for a page */
	uint64_t items_end;     /* with MSG_RES_EXTRACT */
	uint32_t level;         /* a requisite's level (1: a page's own; one more
				 * through each stylesheet), 0 when unknown */
	const char *revisit;    /* NULL, or what crawler/revisit.h wrote */
	const char *recrawl;    /* NULL without --recrawl */
};

enum pages_kind {
	PAGES_PAGE,             /* a seed, a link or a redirect target */
	PAGES_REQUISITE,        /* a page requisite: "requisite":true */
	PAGES_ROBOTS,           /* a robots.txt response: "kind":"robots" */
};

/* Build the line for url (with its newline) into b, reset first. */
void pages_line(struct buf *b, const char *url, uint32_t depth,
		const char *referrer, const struct msg_result *r,
		const struct pages_where *w);
/* The same for a line of another kind. */
void pages_line_as(struct buf *b, enum pages_kind kind, const char *url,
		   uint32_t depth, const char *referrer, const struct msg_result *r,
		   const struct pages_where *w);

/* Is this line a robots.txt one (as pages_line_as() writes them)? */
int pages_is_robots(const char *line);

/* A string value, unescaped into out (n bytes with the NUL): 1 if found
 * whole, else 0. */
int pages_str(const char *line, const char *key, char *out, size_t n);
/* A number value: 1 if found, else 0. */
int pages_num(const char *line, const char *key, uint64_t *v);

#endif
