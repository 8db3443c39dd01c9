/*
 * extract_from.h - --extract RULES --extract-from DIR: the rules run over
 * the WARC files of an existing crawl directory, without crawling, and
 * DIR/items.jsonl is written afresh (through DIR/items.jsonl.tmp and a
 * rename, so a failure leaves the old one).
 *
 * The files crawl-00000.warc.gz, crawl-00001.warc.gz, ... are read in
 * order, one gzip member (one record) at a time; every response record
 * whose page is a 2xx HTML one that a rule matches (by its
 * WARC-Target-URI) is decoded as the crawl decoded it (chunked, then
 * gzip or deflate) and extracted as the shards do (common/extract.h), and
 * its items get the file and offset of that record.  For a crawl made
 * with the same rules the result is the crawl's own items.jsonl.
 *
 * Bounded: the files are mapped, not read into memory; a record that
 * inflates past EXFROM_RECORD_MAX is skipped (counted), and so is a
 * malformed one; a member that does not inflate ends that file (as a cut
 * file would).  The directory's lock (crawler/output.h) is taken: a crawl
 * still running there is refused.
 *
 * Note: the pages.jsonl of the directory still names offsets in the
 * crawl's items.jsonl; a later --resume of an unfinished crawl would cut
 * the new file by them.  Run it on finished crawls (or expect a resume to
 * extract the rest with the crawl's own rules).
 */
#ifndef SC_EXTRACT_FROM_H
#define SC_EXTRACT_FROM_H

#include "common/rules.h"

#define EXFROM_RECORD_MAX ((size_t)96 << 20)  /* inflated bytes of one record */

/* Run rs over dir; prints a summary line on stderr unless quiet.  Returns
 * the exit status: 0, 1 (a file could not be read or written), 2 (the
 * directory is in use or holds no crawl). */
int extract_from_run(const struct rules *rs, const char *dir, int quiet);

#endif
