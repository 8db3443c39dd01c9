/*
 * cdxj.h - DIR/index.cdxj, the index pywb and OutbackCDX read, built from
 * the WARC files themselves.
 *
 * One line per record a replay tool looks up (every record but request and
 * warcinfo ones, and metadata/resource records of application/warc-fields,
 * as `warcio cdx-index` chooses):
 *
 *   SURT-key SP 14-digit-timestamp SP {"url":...,"mime":...,"status":"200",
 *     "digest":"<base32 sha1>","length":"N","offset":"N","filename":"..."}
 *
 * key: common/surt.h of WARC-Target-URI; timestamp: WARC-Date's digits;
 * mime: the HTTP Content-Type up to its ';' (a revisit: "warc/revisit"; not
 * HTTP: the WARC Content-Type); status: the HTTP status; digest:
 * WARC-Payload-Digest without "sha1:"; length and offset: the record's gzip
 * member; filename: the WARC file's name in DIR.  A field without a value
 * is left out; numbers are strings, as warcio and pywb write them.  Lines
 * are sorted in byte order (as `LC_ALL=C sort`).
 *
 * Why from the files: the index is then right whatever wrote the records
 * (a crawl, a resumed crawl whose orphans were cut, another tool) and needs
 * no state kept while crawling.  The price is one pass over the files at
 * the end, which inflates only the headers of each record when the member
 * names its own size (shardcrawl's do, common/warc.h), and every byte of
 * other tools' files (README, "Performance").  Memory is bounded: lines are
 * gathered up to CDXJ_RUN_BYTES, sorted and written as a run file; runs are
 * merged.  The index is written to index.cdxj.tmp and renamed, so a reader
 * sees the old index or the new one, never half of one.
 */
#ifndef SC_CDXJ_H
#define SC_CDXJ_H

#include <stdint.h>

#define CDXJ_RUN_BYTES (64u << 20)

struct cdxj_counts {
	uint64_t files;         /* WARC files read */
	uint64_t records;       /* records seen */
	uint64_t lines;         /* index lines written */
	uint64_t bytes;         /* compressed bytes read */
};

/*
 * Index every "*.warc.gz" file of dir (in name order) into dir/index.cdxj.
 * A file that ends in a cut member or holds a member that is not a WARC
 * record is indexed up to it, with a warning.  Returns 0; -1 when a file
 * could not be read or the index not written (logged; the old index, if
 * any, is left in place), or when some file was not indexed whole.
 */
int cdxj_build(const char *dir, struct cdxj_counts *n);

#endif
