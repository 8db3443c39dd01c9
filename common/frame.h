/*
 * frame.h - length-prefixed frames on the coordinator <-> shard pipes.
 *
 * A frame is a 20-byte header, a body and a blob:
 *
 *   0  u8  magic 0xC5          8  u32 body_len  (decoded body bytes)
 *   1  u8  type                12 u32 blob_len  (raw blob bytes)
 *   2  u8  flags (FRAME_LZ4)   16 u32 crc32 of bytes 0..15, body and blob
 *   3  u8  0
 *   4  u32 body_wire (body bytes on the wire; LZ4 block when FRAME_LZ4)
 *
 * all little-endian.  The body carries a message (common/msg.h) and is
 * LZ4-compressed when that saves at least an eighth; the blob carries bytes
 * that are already compressed (gzip WARC records) and is sent as is.
 *
 * Reading never trusts the peer: the magic, type, flags and every length are
 * checked against the caps (SC_FRAME_BODY_MAX, the reader's blob cap) as soon
 * as the header is in, before anything is allocated or waited for; the CRC
 * and the LZ4 block are checked before a frame is handed out.  Any failure
 * is SC_EPROTO (or SC_ECRC) and the reader is then unusable: the caller
 * treats the peer as broken.
 *
 * Writing queues the encoded frame in memory and frame_flush() writes what
 * the (non-blocking) pipe takes, so a slow reader never blocks the writer's
 * event loop; the writer decides how much queue it tolerates (frame_pending).
 */
#ifndef SC_FRAME_H
#define SC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define FRAME_MAGIC  0xC5
#define FRAME_HDR    20
#define FRAME_LZ4    0x01

/* Frames smaller than this are never compressed. */
#define FRAME_LZ4_MIN 256

struct frame {
	int type;
	const char *body;       /* decoded body; valid until the next read call */
	size_t body_len;
	const char *blob;
	size_t blob_len;
};

struct frame_reader {
	int fd;
	struct buf in;          /* bytes read, not yet consumed */
	size_t pos;             /* start of the next frame in in */
	struct buf dec;         /* decoded body of the last frame */
	size_t blob_max;
	int max_type;           /* types above this are protocol errors */
	int eof;
	int err;
};

void frame_reader_init(struct frame_reader *r, int fd, int max_type, size_t blob_max);
void frame_reader_release(struct frame_reader *r);

/*
 * Read what the fd has (non-blocking).  Returns 0 when it read something or
 * would block, SC_EEOF when the peer closed (frames already buffered can
 * still be taken), SC_EIO on a read error.
 */
int frame_read(struct frame_reader *r);

/*
 * Take the next complete frame from what was read.  Returns 0 and fills *f,
 * SC_EAGAIN when no complete frame is buffered, or SC_EPROTO / SC_ECRC when
 * the peer sent something invalid (sticky: every later call fails too).
 * An EOF in the middle of a frame is SC_EPROTO.
 */
int frame_next(struct frame_reader *r, struct frame *f);

/*
 * Decode one frame from a memory buffer: the same checks as the reader.
 * On success *used is the frame's total size.  The body may point into
 * scratch (decoded LZ4) or into p.  For tests and fuzzing.
 */
int frame_decode(const void *p, size_t n, size_t blob_max, int max_type,
		 struct buf *scratch, struct frame *f, size_t *used);

struct frame_writer {
	int fd;
	struct buf out;         /* encoded frames not yet written */
	size_t pos;             /* bytes of out already written */
};

void frame_writer_init(struct frame_writer *w, int fd);
void frame_writer_release(struct frame_writer *w);

/* Queue one frame; 0, or SC_ETOOBIG when a length passes its cap. */
int frame_queue(struct frame_writer *w, int type, const void *body,
		size_t body_len, const void *blob, size_t blob_len);

/* Encode one frame onto the end of out (the queueing without a writer). */
int frame_encode(struct buf *out, int type, const void *body, size_t body_len,
		 const void *blob, size_t blob_len);

/*
 * Write queued bytes until done or the pipe is full.  Returns 0 when the
 * queue is empty, SC_EAGAIN when bytes remain, SC_EIO on a write error
 * (EPIPE: the reader is gone).
 */
int frame_flush(struct frame_writer *w);

/* Bytes queued and not yet written. */
size_t frame_pending(const struct frame_writer *w);

#endif
