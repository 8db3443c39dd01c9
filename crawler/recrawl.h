/*
 * recrawl.h - --recrawl PREV_DIR: what the previous crawl knew of each URL,
 * so a new crawl asks only for what changed.
 *
 * PREV_DIR's pages.jsonl is the source: its lines carry each page's
 * validators ("etag", "last_modified", stored from this version on), its
 * payload digest and where its record is.  recrawl_open() reads it once and
 * keeps, per URL with a record worth revisiting (a 2xx, or a 304 that was
 * itself a revisit), only a fingerprint of the URL and the offset of its
 * line: 16 bytes a slot (fpmap.h: 18-37 bytes a URL), never the strings.
 * recrawl_find() reads the line back (one pread; the file stays open) when
 * the URL is dispatched and again when its result comes back, and checks
 * that it names the same URL, so a shared fingerprint is never taken for
 * the URL's history.  The table stops growing at RECRAWL_SLOTS_MAX slots
 * (2^26: 1 GiB, 58 M URLs); URLs past it are fetched unconditionally.
 *
 * recrawl_each() walks the previous crawl's URLs (robots.txt lines aside)
 * for the coordinator to queue, so pages that a 304 leaves unparsed still
 * have their own links' URLs checked.
 */
#ifndef SC_RECRAWL_H
#define SC_RECRAWL_H

#include <stdint.h>

#include "common/fpmap.h"
#include "common/msg.h"

#define RECRAWL_SLOTS_MAX ((size_t)1 << 26)

struct recrawl_prev {
	char etag[MSG_VALIDATOR_MAX + 1];          /* "" when none */
	char last_modified[MSG_VALIDATOR_MAX + 1];
	char digest[64];                           /* "sha1:...", "" when none */
	char warc_file[64];                        /* of its record */
	uint64_t offset;                           /* of its record's member */
	uint32_t status;
};

struct recrawl {
	char *dir;
	int fd;                 /* PREV_DIR/pages.jsonl */
	struct fpmap map;       /* URL fingerprint -> offset of its line */
	char *line;             /* scratch, SC_SETTINGS_LINE_MAX */
	char *url;              /* scratch, SC_URL_MAX + 1 */
	uint64_t urls;          /* URLs in the map */
};

/* Read dir/pages.jsonl.  0, or -1 with the reason logged. */
int recrawl_open(struct recrawl *rc, const char *dir);
void recrawl_release(struct recrawl *rc);

/* 1 and *p when the previous crawl has a record of url worth revisiting. */
int recrawl_find(struct recrawl *rc, const char *url, struct recrawl_prev *p);

/* Call fn for each URL of the previous crawl, in its order, with its depth,
 * referrer (NULL: a seed) and what it was fetched as: a page requisite of
 * that level (1 when its line names none; 0: not one), a sitemap
 * (pages.jsonl's "requisite", "level" and "kind").  0, or -1 when the file
 * cannot be read. */
typedef void recrawl_fn(void *arg, const char *url, uint32_t depth,
			const char *referrer, uint32_t level, int sitemap);
int recrawl_each(struct recrawl *rc, recrawl_fn *fn, void *arg);

#endif
