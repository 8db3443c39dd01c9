/*
 * resume.h - --resume DIR: rebuild a crawl's state from its directory.
 *
 * pages.jsonl is the authority on what reached a final state (its lines
 * are written after their records and their outlinks' journal lines,
 * crawler/output.h).  The scan
 *   1. reads pages.jsonl up to its last newline: each URL is marked seen in
 *      the frontier and counted in the stats; it notes where each WARC
 *      file's last named record ends;
 *   2. cuts every WARC file after that record (a record written just before
 *      the kill, whose line was not, is an orphan: its URL is fetched again),
 *      and items.jsonl after the largest items_end of pages.jsonl (the items
 *      of pages whose line was not written: crawler/items.h);
 *   3. reads the journal up to its last newline: every admitted URL not seen
 *      yet is admitted to the frontier again, in journal order (so each
 *      host's order is kept), with its referrer (the R line before it);
 *      seeds (depth 0, no referrer) join the scope;
 *   4. tells how far the --urls list was read.
 * Queued URLs beyond the frontier's memory budget spill to disk as they
 * are admitted, so a resume of millions of queued URLs takes the same
 * memory as the crawl did.
 */
#ifndef SC_RESUME_H
#define SC_RESUME_H

#include <stdint.h>

#include "crawler/config.h"
#include "crawler/frontier.h"
#include "crawler/output.h"
#include "crawler/scope.h"
#include "crawler/stats.h"

struct resume_state {
	struct output_resume out;   /* where the output files go on */
	uint64_t urls_lines;        /* --urls lines read before */
	int urls_eof;               /* the list was read to its end */
	uint64_t pending;           /* URLs queued again */
	uint64_t journal_lines;
};

/* Scan cfg->outdir; 0, or -1 with the reason logged (nothing to resume
 * safely: the caller exits 1). */
int resume_scan(const struct crawl_config *cfg, struct frontier *fr,
		struct scope *sc, struct crawl_stats *st, struct resume_state *rs);

#endif
