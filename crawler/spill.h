/*
 * spill.h - FIFO queues of frontier entries on disk, in LZ4 blocks.
 *
 * A struct spill owns a directory of append-only segment files; many
 * struct spillq share it.  A spillq is one FIFO: a list of block references
 * (oldest first) followed by a tail of entries not written yet.  Pushing
 * appends to the tail; spillq_flush() writes the tail out as one block at
 * the end of the current segment.  Popping takes the head block (or, with
 * no block left, the tail itself) whole and hands its entries out in order.
 * The spill is scratch space: nothing reads it back after the process ends
 * (a resume starts from the journal), so there is no index on disk.
 *
 * On disk.  DIR/spill-NNNNNN.lz4, NNNNNN the segment's number in decimal.
 * A segment is blocks back to back; a new segment is begun when the current
 * one would pass seg_max.  A block is a 20-byte header, little-endian u32s
 *
 *     magic "SCSQ" | ulen | clen | count | crc32 of the ulen plain bytes
 *
 * then clen bytes of LZ4 (LZ4_compress_default) that decompress to ulen
 * bytes holding count entries, each
 *
 *     varint depth, varint redirects, varint n, n bytes of URL,
 *     referrer: varint 0 (none) | 1 (the previous entry's) | n+2, n bytes
 *     key:      varint 0 (none) | 1 (the previous entry's) | n+2, n bytes, NUL
 *
 * Varints are LEB128.  "The previous entry's" refers within one block, so
 * the links of one page cost their referrer once per block, and share one
 * struct rstr once read back.  The reference kept in memory (segment,
 * offset, clen, ulen, count) must match the header exactly; every length
 * read from disk is checked against its cap (SC_URL_MAX, SPILL_KEY_MAX, the
 * block's remaining bytes) before it is used, and the checksum is checked
 * after decompression: a damaged block is SC_EIO, never a crash and never
 * a wrong entry.  A segment counts the live blocks in it and is unlinked
 * when the count reaches zero (even the one being written: the next flush
 * begins a new one), so a spill whose queues are empty leaves no file.
 *
 * Memory.  sp->mem is what the tails hold: each tail's buffer, its
 * allocated size (a tail is freed when it is written out or popped, and
 * grows past block_max only to what the entry at hand needs).  sp->index
 * is the queues' arrays of block references, 24 bytes a block on disk
 * (0.04% of the spill at 64 KiB blocks): it follows what is on disk, not
 * what is in memory, so an owner with a budget reports it apart.  The
 * struct spillq itself is its owner's to count.  Neither counts the
 * spill's scratch buffers (compressed block, plain block, about 3 x
 * block_max + 2 x SPILL_ENTRY_MAX), fixed from spill_init() on unless a
 * tail outgrew block_max while writes failed.
 *
 * Errors.  Functions that touch the disk return 0 or SC_EIO (errno says
 * why) and then leave the queue as it was: a tail that could not be written
 * stays in memory, a block that could not be read stays at the head.
 *
 * Lifecycle: spill_init() -> spillq_init() / push / flush / pop /
 * spillq_release() ... -> spill_release().  Every spillq must be released
 * before the spill.
 */
#ifndef SC_SPILL_H
#define SC_SPILL_H

#include "common/limits.h"
#include "crawler/frontier.h"

#include <stddef.h>
#include <stdint.h>

#define SPILL_KEY_MAX   (SC_HOST_MAX + 16)      /* bytes of a host key */
/* the most one entry can take encoded */
#define SPILL_ENTRY_MAX (40 + 2 * SC_URL_MAX + SPILL_KEY_MAX)
#define SPILL_HDR       20
#define SPILL_SEG_MAX   (64ull << 20)           /* default segment size */
#define SPILL_BLOCK_MAX (64u << 10)             /* default tail size */

struct spill_seg {
	int fd;                 /* -1 once unlinked */
	uint32_t live;          /* blocks in it still queued */
};

struct spill {
	char *dir;
	struct spill_seg *segs; /* segs[i] is segment base + i */
	size_t nsegs;
	uint32_t base;
	uint32_t cur;           /* the segment written to, if cur_open */
	int cur_open;
	uint64_t cur_size;
	size_t block_max;       /* a tail this large is due to be written */
	uint64_t seg_max;
	unsigned char *zbuf;    /* header + compressed block */
	unsigned char *ubuf;    /* plain block */
	size_t zcap, ucap;
	uint64_t mem;           /* bytes of the tails, see above */
	uint64_t index;         /* bytes of the block lists */
	uint64_t disk;          /* bytes of the blocks still queued */
	uint64_t written;       /* entries ever written out */
};

/* One block on disk, as the queue remembers it. */
struct spill_block {
	uint64_t off;
	uint32_t seg;
	uint32_t clen;
	uint32_t ulen;
	uint32_t count;
};

struct spillq {
	struct spill_block *blk;        /* ring of nblk references from head */
	size_t head, nblk, bcap;        /* bcap: 0 or a power of two */
	unsigned char *tail;            /* encoded entries not written yet */
	size_t tlen, tcap;
	uint32_t tcount;
	size_t ref_off, ref_len;        /* the tail's last referrer, if has_ref */
	size_t key_off, key_len;        /* the tail's last key, if has_key */
	int has_ref, has_key;
	uint64_t count;                 /* entries queued: blocks and tail */
};

/*
 * Make dir ready: created if missing (its parent must exist), and segment
 * files an earlier process left in it (spill-*.lz4) deleted.  block_max is
 * the tail size spillq_full() reports as due (at least 256 bytes), seg_max
 * the size at which a segment is closed.  Returns 0, or SC_EIO with errno
 * set and nothing to release.
 */
int spill_init(struct spill *sp, const char *dir, size_t block_max,
	       uint64_t seg_max);
/* Close and unlink every segment, free the scratch; the queues must have
 * been released. */
void spill_release(struct spill *sp);

void spillq_init(struct spillq *q);
/* Drop every entry of q: its blocks count as dead, its tail is freed. */
void spillq_release(struct spill *sp, struct spillq *q);

/*
 * Append an entry to q's tail; never touches the disk, never fails.  key
 * may be NULL (a queue of one host need not repeat it).  The caller keeps
 * url, referrer and key within SC_URL_MAX and SPILL_KEY_MAX bytes (broken
 * invariant otherwise).
 */
void spillq_push(struct spill *sp, struct spillq *q, const char *url,
		 uint32_t depth, uint32_t redirects, const char *referrer,
		 const char *key);
/* Is q's tail block_max bytes or more, due to be written? */
int spillq_full(const struct spill *sp, const struct spillq *q);
/* Write q's tail out as one block (nothing to do if it is empty).
 * 0 or SC_EIO, and then the tail is still there. */
int spillq_flush(struct spill *sp, struct spillq *q);

/*
 * Take the oldest block of q, or its tail when no block is left, and call
 * fn(arg, e, key) for each of its entries in order: e is a new entry
 * (fentry_new()'s shape) that fn now owns, key the one pushed with it or
 * NULL, valid during the call.  fn may push to and flush other queues,
 * never pop, and never touch q.
 * The block is read and checked whole first: SC_EIO calls fn for none and
 * leaves q as it was.  Popping an empty q is 0 and calls nothing.
 */
int spillq_pop(struct spill *sp, struct spillq *q,
	       void (*fn)(void *arg, struct fentry *e, const char *key),
	       void *arg);

#endif
