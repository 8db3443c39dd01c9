/*
 * revisit.h - revisit records in place of payloads stored already
 * (--dedup) or that the server says did not change (--recrawl's 304s).
 *
 * The coordinator decides, as results come in, because it is the one writer
 * of the WARC files: "stored already" then means written earlier in this
 * crawl's files (or the previous crawl's, for --recrawl), whichever shard
 * built the record, peers included.  A shard cannot decide alone: a page
 * may be processed by a peer shard (shard/peer.h), and --dedup any spans
 * hosts that live in different shards.
 *
 * For a URL that may become a revisit the coordinator sets MSG_URL_REVISIT
 * and the shard sends back, with its usual records, the response's header
 * block, record id and WARC-Date (a few hundred bytes).  A revisit is then
 * the shard's request record unchanged plus a revisit record built here
 * with that id and date (so WARC-Concurrent-To still holds), the HTTP
 * header block as received and no body (common/warc.h).  The response
 * record the shard built is dropped.
 *
 * The rules:
 *   - a 304 to a --recrawl conditional request: profile server-not-modified,
 *     referring to the previous capture (its WARC-Target-URI, WARC-Date and
 *     WARC-Record-ID; when that capture was a revisit itself, to the record
 *     it refers to), with the previous payload digest as WARC-Payload-Digest
 *     so replay tools find the payload by digest.  Always, even with
 *     --dedup off: a 304 has no payload to store.
 *   - otherwise, unless --dedup off, a 2xx-5xx response with a complete
 *     (not truncated), non-empty payload whose digest was stored before:
 *     first the previous crawl's capture of the same URL (--recrawl: both
 *     --dedup url and any), then, for --dedup any only, this crawl's table
 *     of payload digests (a URL is fetched once in a crawl, so for --dedup
 *     url the only earlier capture of the same URL is the previous crawl's;
 *     no table is kept then).  Profile identical-payload-digest.
 *   - a table hit is checked by reading the record it points at back
 *     (WARC-Type response, same payload digest), and so is a previous
 *     capture (same URL and digest): a shared fingerprint or a stale line
 *     never makes a wrong revisit.
 *
 * Memory (--dedup any): the table maps a 64-bit fingerprint of the payload
 * digest to the record's file number
 * and offset (fpmap.h: 16-byte slots, 18-37 bytes a stored payload), up to
 * REVISIT_SLOTS_MAX slots (2^23: 128 MiB, 7.3 M payloads); a payload past
 * that is stored in full and not remembered.  --resume rebuilds the table
 * from pages.jsonl (revisit_load()), whose lines name every record kept.
 */
#ifndef SC_REVISIT_H
#define SC_REVISIT_H

#include <stdint.h>

#include "common/buf.h"
#include "common/fpmap.h"
#include "common/limits.h"
#include "common/msg.h"
#include "common/warc.h"
#include "common/warcread.h"
#include "crawler/recrawl.h"

#define REVISIT_SLOTS_MAX ((size_t)1 << 23)

enum revisit_mode { REVISIT_OFF, REVISIT_URL, REVISIT_ANY };

/* What revisit_result() decided. */
#define REVISIT_IDENTICAL    "identical"
#define REVISIT_NOT_MODIFIED "not-modified"

struct revisit {
	enum revisit_mode mode;
	char *dir;              /* this crawl's */
	char *prev_dir;         /* --recrawl's, NULL when none */
	struct fpmap map;       /* key -> file number << 40 | offset */
	struct warc_writer w;
	struct warcread rd;
	struct buf out;         /* request member + revisit member */
	char digest[64];        /* the digest a 304's line is given */
	char ref_uri[SC_URL_MAX + 1], ref_date[64], ref_id[64];
	int full;               /* the table refused a payload once */
	uint64_t identical, not_modified;  /* revisits written */
};

/* mode: "url", "any" or "off"; prev_dir may be NULL. */
void revisit_init(struct revisit *rv, const char *mode, const char *dir,
		  const char *prev_dir, int warc_level);
void revisit_release(struct revisit *rv);

/* --resume: remember every full record dir/pages.jsonl names. */
void revisit_load(struct revisit *rv);

/* Does a URL need MSG_URL_REVISIT (prev: it has a previous capture)? */
int revisit_wanted(const struct revisit *rv, int prev);

/*
 * Decide for one result with records (blob: request member, then response
 * member, as r says).  Returns NULL when the records go as they are, or
 * REVISIT_IDENTICAL / REVISIT_NOT_MODIFIED with *out, *out_len (the records
 * to write instead, valid until the next call) and *resp_len (the revisit
 * member's size); then r->digest may be changed to the payload's (a 304's)
 * and points into rv.  prev: the URL's previous capture, or NULL.
 */
const char *revisit_result(struct revisit *rv, const char *url, struct msg_result *r,
			   const struct recrawl_prev *prev, const void *blob,
			   const void **out, size_t *out_len, uint32_t *resp_len);

/* The records of a result were written, the response (or revisit) member
 * at offset of file: remember its payload (kind: what revisit_result()
 * said). */
void revisit_stored(struct revisit *rv, const char *url, const struct msg_result *r,
		    const char *file, uint64_t offset, const char *kind);

#endif
