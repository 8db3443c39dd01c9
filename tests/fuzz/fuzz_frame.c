/*
 * fuzz_frame.c - libFuzzer target for common/frame.c and common/msg.c.
 *
 * Input: bytes as they could arrive on a coordinator <-> shard pipe.
 *   - frame_decode() takes frames off the input one after the other until
 *     one is incomplete or invalid; each frame must lie inside the input
 *     and respect the caps, and encoding its body and blob again must
 *     decode to the same bytes;
 *   - the same bytes written to a pipe in chunks of varying sizes and read
 *     by a frame_reader must give the same frames, then the same verdict
 *     (a clean end, an incomplete frame at EOF, or the same error);
 *   - every decoded body, and the raw input too (no CRC to get past), goes
 *     to every message decoder; what decodes must encode and decode again
 *     to the same message;
 *   - all of the above once more on a copy whose frames have their CRCs
 *     set right, so that mutations reach the LZ4 and message decoders
 *     (a fuzzer seldom guesses a CRC).
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/msg.h"
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define FUZZ_BLOB_MAX   (1u << 20)
/* Inputs past FUZZ_INPUT_MAX are skipped; a frame takes at least FRAME_HDR
 * bytes, so no input holds more frames than this. */
#define FUZZ_INPUT_MAX  (1u << 20)
#define FUZZ_FRAMES_MAX (FUZZ_INPUT_MAX / FRAME_HDR + 1)

struct fuzz_seen {
	int type;
	size_t body_len, blob_len;
	uint64_t hash;
};

static uint64_t fuzz_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ull;
	}
	return h;
}

static struct fuzz_seen fuzz_seen_of(const struct frame *f)
{
	struct fuzz_seen s;

	s.type = f->type;
	s.body_len = f->body_len;
	s.blob_len = f->blob_len;
	s.hash = fuzz_hash(fuzz_hash(14695981039346656037ull, f->body, f->body_len),
			   f->blob, f->blob_len);
	return s;
}

/* A decoded string must be a C string of exactly the bytes it was sent as,
 * inside the body. */
static void fuzz_check_str(const char *s, const char *p, size_t n)
{
	FUZZ_CHECK(s != NULL && s >= p && s < p + n);
	FUZZ_CHECK(memchr(s, '\0', (size_t)(p + n - s)) != NULL);
}

static void fuzz_result(const char *p, size_t n)
{
	struct msg_result r, r2;
	struct buf b;
	size_t i, count = 0;

	if (msg_result_decode(p, n, &r) != 0)
		return;
	fuzz_check_str(r.content_type, p, n);
	fuzz_check_str(r.digest, p, n);
	fuzz_check_str(r.ip, p, n);
	fuzz_check_str(r.error, p, n);
	fuzz_check_str(r.location, p, n);
	FUZZ_CHECK(r.status <= 999 && r.nlinks <= SC_LINKS_MAX);
	FUZZ_CHECK(r.links_len == 0 || (r.links >= p && r.links + r.links_len <= p + n));
	for (i = 0; i < r.links_len; i++)
		count += r.links[i] == '\0';
	FUZZ_CHECK(count == r.nlinks);

	buf_init(&b, SC_FRAME_BODY_MAX);
	FUZZ_CHECK(msg_result_encode(&b, &r) == 0);
	FUZZ_CHECK(msg_result_decode(b.data, b.len, &r2) == 0);
	FUZZ_CHECK(r2.id == r.id && r2.status == r.status &&
		   r2.fetch_ms == r.fetch_ms && r2.bytes == r.bytes &&
		   r2.flags == r.flags && r2.attempts == r.attempts &&
		   r2.warc_req_len == r.warc_req_len &&
		   r2.warc_resp_len == r.warc_resp_len &&
		   r2.nlinks == r.nlinks && r2.links_dropped == r.links_dropped);
	FUZZ_CHECK(strcmp(r2.content_type, r.content_type) == 0 &&
		   strcmp(r2.digest, r.digest) == 0 && strcmp(r2.ip, r.ip) == 0 &&
		   strcmp(r2.error, r.error) == 0 &&
		   strcmp(r2.location, r.location) == 0);
	FUZZ_CHECK(r2.links_len == r.links_len &&
		   (r.links_len == 0 || memcmp(r2.links, r.links, r.links_len) == 0));
	buf_release(&b);
}

static void fuzz_urls(const char *p, size_t n)
{
	struct msg_urls_iter it, it2;
	struct msg_url u[SC_URL_BATCH_MAX], v;
	struct buf b;
	int count, i, got = 0;

	count = msg_urls_open(&it, p, n);
	if (count < 0)
		return;
	for (i = 0; i < count; i++) {
		struct msg_url x;

		if (msg_urls_get(&it, &x) != 0)
			return;
		fuzz_check_str(x.url, p, n);
		if (got < SC_URL_BATCH_MAX)
			u[got++] = x;
	}
	/* all taken: the body is used up, and there is no more */
	FUZZ_CHECK(msg_urls_get(&it, &v) == SC_EPROTO);
	if (count > got)
		return;

	buf_init(&b, SC_FRAME_BODY_MAX);
	msg_urls_begin(&b);
	for (i = 0; i < got; i++)
		FUZZ_CHECK(msg_urls_add(&b, &u[i]) == 0);
	FUZZ_CHECK(msg_urls_count(&b) == (uint32_t)got);
	FUZZ_CHECK(msg_urls_open(&it2, b.data, b.len) == got);
	for (i = 0; i < got; i++) {
		FUZZ_CHECK(msg_urls_get(&it2, &v) == 0);
		FUZZ_CHECK(v.id == u[i].id && v.depth == u[i].depth &&
			   v.flags == u[i].flags && strcmp(v.url, u[i].url) == 0);
	}
	buf_release(&b);
}

static void fuzz_msgs(const char *p, size_t n)
{
	struct buf b;
	uint32_t index, pid;
	struct msg_share share;

	fuzz_result(p, n);
	fuzz_urls(p, n);
	buf_init(&b, 64);
	if (msg_hello_decode(p, n, &index, &pid) == 0) {
		FUZZ_CHECK(msg_hello_encode(&b, index, pid) == 0);
		FUZZ_CHECK(b.len == n && memcmp(b.data, p, n) == 0);
	}
	if (msg_share_decode(p, n, &share) == 0) {
		FUZZ_CHECK(msg_share_encode(&b, &share) == 0);
		FUZZ_CHECK(b.len == n && memcmp(b.data, p, n) == 0);
	}
	buf_release(&b);
}

/* Encode f again and decode it: the same type, body and blob. */
static void fuzz_reencode(const struct frame *f)
{
	struct buf enc, scratch;
	struct frame g;
	size_t used;

	buf_init(&enc, (size_t)FRAME_HDR + SC_FRAME_BODY_MAX + FUZZ_BLOB_MAX + (1u << 20));
	buf_init(&scratch, SC_FRAME_BODY_MAX);
	FUZZ_CHECK(frame_encode(&enc, f->type, f->body, f->body_len, f->blob,
				f->blob_len) == 0);
	FUZZ_CHECK(frame_decode(enc.data, enc.len, FUZZ_BLOB_MAX, MSG_TYPE_MAX,
				&scratch, &g, &used) == 0);
	FUZZ_CHECK(used == enc.len && g.type == f->type &&
		   g.body_len == f->body_len && g.blob_len == f->blob_len);
	FUZZ_CHECK(memcmp(g.body, f->body, f->body_len) == 0 &&
		   memcmp(g.blob, f->blob, f->blob_len) == 0);
	buf_release(&enc);
	buf_release(&scratch);
}

/* The same bytes through a pipe and a frame_reader; returns the frames
 * taken in seen[] (*n of them) and the verdict after EOF. */
static int fuzz_reader(const uint8_t *data, size_t size,
		       struct fuzz_seen *seen, size_t *n)
{
	static const size_t chunks[] = { 1, 7, 19, 20, 21, 256, 3, 4096, 2, 1000 };
	struct frame_reader r;
	struct frame f;
	size_t off = 0, c = 0;
	int fds[2], rc = SC_EAGAIN;

	*n = 0;
	FUZZ_CHECK(pipe(fds) == 0);
	FUZZ_CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
	frame_reader_init(&r, fds[0], MSG_TYPE_MAX, FUZZ_BLOB_MAX);
	while (off < size && rc == SC_EAGAIN) {
		size_t k = chunks[c++ % (sizeof(chunks) / sizeof(chunks[0]))];

		if (k > size - off)
			k = size - off;
		/* the reader empties the pipe each time: a chunk always fits */
		FUZZ_CHECK(write(fds[1], data + off, k) == (ssize_t)k);
		off += k;
		FUZZ_CHECK(frame_read(&r) == 0);
		while ((rc = frame_next(&r, &f)) == 0) {
			FUZZ_CHECK(*n < FUZZ_FRAMES_MAX);
			seen[(*n)++] = fuzz_seen_of(&f);
		}
	}
	close(fds[1]);
	if (rc == SC_EAGAIN) {
		while (frame_read(&r) == 0)
			;
		FUZZ_CHECK(r.eof);
		while ((rc = frame_next(&r, &f)) == 0) {
			FUZZ_CHECK(*n < FUZZ_FRAMES_MAX);
			seen[(*n)++] = fuzz_seen_of(&f);
		}
	}
	/* sticky */
	if (rc != SC_EAGAIN)
		FUZZ_CHECK(frame_next(&r, &f) == rc);
	frame_reader_release(&r);
	close(fds[0]);
	return rc;
}

/* Decode the frames of data one by one, then read them through a pipe, and
 * check both agree. */
static void fuzz_stream(const uint8_t *data, size_t size)
{
	static struct fuzz_seen seen[FUZZ_FRAMES_MAX], rseen[FUZZ_FRAMES_MAX];
	struct buf scratch;
	struct frame f;
	size_t pos = 0, used, n = 0, rn, i;
	int rc = 0, rrc;

	buf_init(&scratch, SC_FRAME_BODY_MAX);
	while (pos < size) {
		rc = frame_decode(data + pos, size - pos, FUZZ_BLOB_MAX, MSG_TYPE_MAX,
				  &scratch, &f, &used);
		if (rc != 0) {
			FUZZ_CHECK(rc == SC_EAGAIN || rc == SC_EPROTO || rc == SC_ECRC);
			FUZZ_CHECK(used == 0);
			break;
		}
		FUZZ_CHECK(used >= FRAME_HDR && used <= size - pos);
		FUZZ_CHECK(f.type >= 1 && f.type <= MSG_TYPE_MAX);
		FUZZ_CHECK(f.body_len <= SC_FRAME_BODY_MAX && f.blob_len <= FUZZ_BLOB_MAX);
		FUZZ_CHECK((const uint8_t *)f.blob >= data + pos + FRAME_HDR &&
			   (const uint8_t *)f.blob + f.blob_len == data + pos + used);
		FUZZ_CHECK(n < FUZZ_FRAMES_MAX);
		seen[n++] = fuzz_seen_of(&f);
		fuzz_msgs(f.body, f.body_len);
		fuzz_reencode(&f);
		pos += used;
	}
	buf_release(&scratch);

	rrc = fuzz_reader(data, size, rseen, &rn);
	FUZZ_CHECK(rn == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(rseen[i].type == seen[i].type &&
			   rseen[i].body_len == seen[i].body_len &&
			   rseen[i].blob_len == seen[i].blob_len &&
			   rseen[i].hash == seen[i].hash);
	/* all taken: the reader waits for more; a frame cut short: it calls
	 * that a protocol error once the peer has closed; else the same error */
	if (rc == 0)
		FUZZ_CHECK(rrc == SC_EAGAIN);
	else if (rc == SC_EAGAIN)
		FUZZ_CHECK(rrc == SC_EPROTO);
	else
		FUZZ_CHECK(rrc == rc);
}

static uint32_t fuzz_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Write the right CRC into each frame of p whose lengths fit, so that
 * mutated headers, LZ4 blocks and bodies get past the CRC check to the
 * code behind it.  Returns 1 when anything changed. */
static int fuzz_fix_crcs(uint8_t *p, size_t size)
{
	size_t pos = 0;
	int changed = 0;

	while (size - pos >= FRAME_HDR) {
		uint8_t *h = p + pos;
		uint64_t total = (uint64_t)FRAME_HDR + fuzz_get32(h + 4) +
				 fuzz_get32(h + 12);
		uLong crc;

		if (total > size - pos)
			break;
		crc = crc32(0, h, 16);
		crc = crc32(crc, h + FRAME_HDR, (uInt)(total - FRAME_HDR));
		if (fuzz_get32(h + 16) != (uint32_t)crc) {
			h[16] = (uint8_t)crc;
			h[17] = (uint8_t)(crc >> 8);
			h[18] = (uint8_t)(crc >> 16);
			h[19] = (uint8_t)(crc >> 24);
			changed = 1;
		}
		pos += (size_t)total;
	}
	return changed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	fuzz_msgs((const char *)data, size);
	fuzz_stream(data, size);

	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	if (size)
		memcpy(copy, data, size);
	if (fuzz_fix_crcs(copy, size))
		fuzz_stream(copy, size);
	free(copy);
	return 0;
}
