/*
 * test_frame.c - frames and messages: round trips, and every way a peer can
 * send garbage (truncated, oversized, corrupted) rejected without a crash.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/msg.h"

#include "tests/check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void test_roundtrip(void)
{
	struct buf out, scratch;
	struct frame f;
	size_t used;
	char body[4096];
	int i;

	buf_init(&out, 1 << 24);
	buf_init(&scratch, SC_FRAME_BODY_MAX);

	/* small body: sent raw */
	CHECK_INT(frame_encode(&out, MSG_HELLO, "abc", 3, NULL, 0), 0);
	CHECK_INT(out.len, FRAME_HDR + 3);
	CHECK_INT((unsigned char)out.data[2] & FRAME_LZ4, 0);
	CHECK_INT(frame_decode(out.data, out.len, 0, MSG_TYPE_MAX, &scratch, &f, &used), 0);
	CHECK_INT(used, out.len);
	CHECK_INT(f.type, MSG_HELLO);
	CHECK_INT(f.body_len, 3);
	CHECK(memcmp(f.body, "abc", 3) == 0);

	/* compressible body: LZ4, with a raw blob behind it */
	for (i = 0; i < (int)sizeof(body); i++)
		body[i] = "http://h0.test/p/"[i % 17];
	buf_reset(&out);
	CHECK_INT(frame_encode(&out, MSG_RESULT, body, sizeof(body), "BLOB!", 5), 0);
	CHECK((unsigned char)out.data[2] & FRAME_LZ4);
	CHECK(out.len < FRAME_HDR + sizeof(body) / 2);
	CHECK_INT(frame_decode(out.data, out.len, 16, MSG_TYPE_MAX, &scratch, &f, &used), 0);
	CHECK_INT(f.body_len, sizeof(body));
	CHECK(memcmp(f.body, body, sizeof(body)) == 0);
	CHECK_INT(f.blob_len, 5);
	CHECK(memcmp(f.blob, "BLOB!", 5) == 0);

	/* every truncation of a valid frame is "incomplete", never a crash */
	for (i = 0; i < (int)out.len; i++)
		CHECK_INT(frame_decode(out.data, (size_t)i, 16, MSG_TYPE_MAX, &scratch, &f, &used),
			  SC_EAGAIN);

	/* every single flipped byte is rejected */
	{
		int bad = 0;
		for (i = 0; i < (int)out.len; i++) {
			int rc;
			out.data[i] ^= 0x5a;
			rc = frame_decode(out.data, out.len, 16, MSG_TYPE_MAX, &scratch, &f, &used);
			/* a flipped length may make the frame look incomplete: also fine */
			bad += rc != 0;
			out.data[i] ^= 0x5a;
		}
		CHECK_INT(bad, out.len);
	}
	buf_release(&out);
	buf_release(&scratch);
}

static void test_hostile_headers(void)
{
	unsigned char h[FRAME_HDR + 8];
	struct buf scratch;
	struct frame f;
	size_t used;

	buf_init(&scratch, SC_FRAME_BODY_MAX);
	memset(h, 0, sizeof(h));
	h[0] = FRAME_MAGIC;
	h[1] = MSG_URLS;
	/* body larger than the cap: rejected from the header alone */
	put32(h + 4, SC_FRAME_BODY_MAX + 1);
	put32(h + 8, SC_FRAME_BODY_MAX + 1);
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	/* blob larger than the reader's cap */
	put32(h + 4, 0);
	put32(h + 8, 0);
	put32(h + 12, 1000);
	CHECK_INT(frame_decode(h, FRAME_HDR, 999, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	/* raw body whose wire length disagrees with its length */
	put32(h + 12, 0);
	put32(h + 4, 5);
	put32(h + 8, 6);
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	/* LZ4 flag with a wire length past LZ4's bound */
	h[2] = FRAME_LZ4;
	put32(h + 4, 100000);
	put32(h + 8, 10);
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	/* unknown type, unknown flag, bad magic */
	h[2] = 0;
	put32(h + 4, 0);
	put32(h + 8, 0);
	h[1] = MSG_TYPE_MAX + 1;
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	h[1] = MSG_URLS;
	h[2] = 0x80;
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	h[2] = 0;
	h[0] = 0;
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	/* a good header with a wrong checksum */
	h[0] = FRAME_MAGIC;
	put32(h + 16, 12345);
	CHECK_INT(frame_decode(h, FRAME_HDR, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_ECRC);
	buf_release(&scratch);
}

/* LZ4 data that lies about its decoded size is caught by the decoder. */
static void test_lz4_lie(void)
{
	struct buf out, scratch;
	struct frame f;
	size_t used;
	char body[2048];

	memset(body, 'a', sizeof(body));
	buf_init(&out, 1 << 20);
	buf_init(&scratch, SC_FRAME_BODY_MAX);
	frame_encode(&out, MSG_URLS, body, sizeof(body), NULL, 0);
	CHECK((unsigned char)out.data[2] & FRAME_LZ4);
	/* claim one byte more than the block holds, and fix the crc so only
	 * the LZ4 check can catch it */
	put32((unsigned char *)out.data + 8, sizeof(body) + 1);
	{
		uInt wire = (uInt)(out.len - FRAME_HDR);
		uLong c = crc32(0, (Bytef *)out.data, 16);
		c = crc32(c, (Bytef *)out.data + FRAME_HDR, wire);
		put32((unsigned char *)out.data + 16, (uint32_t)c);
	}
	CHECK_INT(frame_decode(out.data, out.len, 0, MSG_TYPE_MAX, &scratch, &f, &used), SC_EPROTO);
	buf_release(&out);
	buf_release(&scratch);
}

/* The reader/writer pair over a real pipe, one byte of room at a time. */
static void test_pipe(void)
{
	struct frame_writer w;
	struct frame_reader r;
	struct frame f;
	int p[2], got = 0, rc, i;
	char body[1000];

	CHECK(pipe2(p, O_NONBLOCK) == 0);
	frame_writer_init(&w, p[1]);
	frame_reader_init(&r, p[0], MSG_TYPE_MAX, 1 << 20);
	memset(body, 'x', sizeof(body));
	for (i = 0; i < 200; i++)
		CHECK_INT(frame_queue(&w, MSG_URLS, body, sizeof(body) - (size_t)i, "b", 1), 0);
	for (i = 0; i < 10000 && got < 200; i++) {
		frame_flush(&w);
		rc = frame_read(&r);
		CHECK(rc == 0);
		while (frame_next(&r, &f) == 0) {
			CHECK_INT(f.body_len, sizeof(body) - (size_t)got);
			got++;
		}
	}
	CHECK_INT(got, 200);
	CHECK_INT(frame_pending(&w), 0);
	/* a frame cut by the peer's death: EOF mid-frame is a protocol error */
	frame_queue(&w, MSG_URLS, body, 100, NULL, 0);
	CHECK(write(p[1], w.out.data, 30) == 30);
	close(p[1]);
	while (frame_read(&r) == 0)
		;
	CHECK_INT(frame_next(&r, &f), SC_EPROTO);
	CHECK_INT(frame_next(&r, &f), SC_EPROTO);  /* sticky */
	close(p[0]);
	frame_writer_release(&w);
	frame_reader_release(&r);
}

static void test_messages(void)
{
	struct buf b;
	struct msg_urls_iter it;
	struct msg_url u, v;
	struct msg_result r, d;
	uint32_t idx, pid;
	const char links[] = "http://a/1\0http://a/2\0";
	size_t i;

	buf_init(&b, SC_FRAME_BODY_MAX);
	CHECK_INT(msg_hello_encode(&b, 3, 4242), 0);
	CHECK_INT(msg_hello_decode(b.data, b.len, &idx, &pid), 0);
	CHECK_INT(idx, 3);
	CHECK_INT(pid, 4242);
	CHECK_INT(msg_hello_decode(b.data, b.len - 1, &idx, &pid), SC_EPROTO);

	{
		struct msg_share sh = { 50000, 96 }, got;
		CHECK_INT(msg_share_encode(&b, &sh), 0);
		CHECK_INT(msg_share_decode(b.data, b.len, &got), 0);
		CHECK_INT(got.rate_gap_us, 50000);
		CHECK_INT(got.concurrency, 96);
		CHECK_INT(msg_share_decode(b.data, b.len - 1, &got), SC_EPROTO);
		sh.concurrency = 0;
		CHECK_INT(msg_share_encode(&b, &sh), 0);
		CHECK_INT(msg_share_decode(b.data, b.len, &got), SC_EPROTO);
	}

	msg_urls_begin(&b);
	memset(&u, 0, sizeof(u));
	u.id = 0x100000007ull;
	u.depth = 2;
	u.flags = MSG_URL_NOLINKS;
	u.url = "http://h0.test/x";
	u.referrer = "http://h0.test/";
	CHECK_INT(msg_urls_add(&b, &u), 0);
	u.id = 9;
	u.url = "http://h1.test/";
	u.referrer = NULL;      /* sent as "" */
	CHECK_INT(msg_urls_add(&b, &u), 0);
	CHECK_INT(msg_urls_count(&b), 2);
	CHECK_INT(msg_urls_open(&it, b.data, b.len), 2);
	CHECK_INT(msg_urls_get(&it, &v), 0);
	CHECK_INT(v.id, 0x100000007ull);
	CHECK_INT(v.depth, 2);
	CHECK_INT(v.flags, MSG_URL_NOLINKS);
	CHECK_STR(v.url, "http://h0.test/x");
	CHECK_STR(v.referrer, "http://h0.test/");
	CHECK_INT(msg_urls_get(&it, &v), 0);
	CHECK_STR(v.url, "http://h1.test/");
	CHECK_STR(v.referrer, "");
	CHECK_INT(msg_urls_get(&it, &v), SC_EPROTO);  /* no third entry */
	/* every truncation of the batch fails cleanly */
	for (i = 0; i < b.len; i++) {
		int n = msg_urls_open(&it, b.data, i), failed = n < 0;
		while (!failed && n-- > 0)
			failed = msg_urls_get(&it, &v) != 0;
		CHECK(failed);
	}
	/* a count that promises more entries than the bytes can hold */
	b.data[0] = (char)0xff;
	b.data[1] = (char)0xff;
	CHECK_INT(msg_urls_open(&it, b.data, b.len), SC_EPROTO);

	memset(&r, 0, sizeof(r));
	r.id = 77;
	r.status = 200;
	r.fetch_ms = 12;
	r.bytes = 1234;
	r.flags = MSG_RES_TRUNCATED;
	r.attempts = 1;
	r.host_gap_ms = 1000;
	r.content_type = "text/html";
	r.digest = "sha1:AAAA";
	r.ip = "127.0.0.1";
	r.error = "";
	r.location = "http://a/next";
	r.warc_req_len = 10;
	r.warc_resp_len = 20;
	r.nlinks = 2;
	r.links = links;
	r.links_len = sizeof(links) - 1;
	CHECK_INT(msg_result_encode(&b, &r), 0);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), 0);
	CHECK_INT(d.id, 77);
	CHECK_INT(d.status, 200);
	CHECK_INT(d.bytes, 1234);
	CHECK_INT(d.host_gap_ms, 1000);
	CHECK_STR(d.content_type, "text/html");
	CHECK_STR(d.location, "http://a/next");
	CHECK_INT(d.nlinks, 2);
	CHECK_STR(d.links, "http://a/1");
	CHECK_STR(d.links + 11, "http://a/2");
	for (i = 0; i < b.len; i++)
		CHECK_INT(msg_result_decode(b.data, i, &d), SC_EPROTO);
	/* a link count that disagrees with the block */
	r.nlinks = 3;
	msg_result_encode(&b, &r);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), SC_EPROTO);
	/* a string without its NUL */
	r.nlinks = 2;
	msg_result_encode(&b, &r);
	b.data[8 + 4 + 4 + 8 + 4 + 4 + 4 + 4 + 9] = 'X'; /* "text/html\0" -> no NUL */
	CHECK_INT(msg_result_decode(b.data, b.len, &d), SC_EPROTO);

	/* requisites: a block of their own, counted and checked alike */
	r.nreqs = 1;
	r.reqs = "http://a/i.png";
	r.reqs_len = sizeof("http://a/i.png");
	CHECK_INT(msg_result_encode(&b, &r), 0);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), 0);
	CHECK_INT(d.nreqs, 1);
	CHECK_STR(d.reqs, "http://a/i.png");
	CHECK_INT(d.nlinks, 2);
	r.nreqs = 2;
	msg_result_encode(&b, &r);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), SC_EPROTO);

	/* MSG_ROBOTS: the URL, then a result */
	r.nreqs = 0;
	r.reqs_len = 0;
	r.nlinks = 0;
	r.links_len = 0;
	CHECK_INT(msg_robots_encode(&b, "http://a/robots.txt", &r), 0);
	{
		const char *url = NULL;

		CHECK_INT(msg_robots_decode(b.data, b.len, &url, &d), 0);
		CHECK_STR(url, "http://a/robots.txt");
		CHECK_INT(d.status, 200);
		CHECK_INT(d.warc_resp_len, 20);
		for (i = 0; i < b.len; i++)
			CHECK_INT(msg_robots_decode(b.data, i, &url, &d), SC_EPROTO);
		CHECK_INT(msg_robots_encode(&b, "", &r), 0);
		CHECK_INT(msg_robots_decode(b.data, b.len, &url, &d), SC_EPROTO);
	}
	buf_release(&b);
}

/* MSG_RESULT with the extraction fields (MSG_RES_EXTRACT): round trip,
 * every truncation, and the checks on the items. */
static void test_result_items(void)
{
	static const char items[] = "\"a\":\"1\"\0\"a\":\"2\"";
	struct msg_result r, d;
	struct buf b;
	size_t i;

	buf_init(&b, SC_FRAME_BODY_MAX);
	memset(&r, 0, sizeof(r));
	r.id = 5;
	r.status = 200;
	r.flags = MSG_RES_EXTRACT;
	r.nitems = 2;
	r.items = items;
	r.items_len = sizeof(items);
	r.items_dropped = 3;
	r.items_cut = 4;
	r.jsonld_invalid = 1;
	r.not_extracted = "";
	CHECK_INT(msg_result_encode(&b, &r), 0);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), 0);
	CHECK_INT(d.nitems, 2);
	CHECK_STR(d.items, "\"a\":\"1\"");
	CHECK_STR(d.items + 8, "\"a\":\"2\"");
	CHECK(d.items_dropped == 3 && d.items_cut == 4 && d.jsonld_invalid == 1);
	CHECK_STR(d.not_extracted, "");
	for (i = 0; i < b.len; i++)
		CHECK_INT(msg_result_decode(b.data, i, &d), SC_EPROTO);
	r.nitems = 3;           /* a count that disagrees with the block */
	msg_result_encode(&b, &r);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), SC_EPROTO);
	r.nitems = 2;           /* a newline would break items.jsonl */
	r.items = "\"a\":\"\n\"\0\"b\":1";
	r.items_len = 12;
	msg_result_encode(&b, &r);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), SC_EPROTO);
	r.flags = 0;            /* without the flag nothing is encoded */
	msg_result_encode(&b, &r);
	CHECK_INT(msg_result_decode(b.data, b.len, &d), 0);
	CHECK(d.nitems == 0 && d.items == NULL && strcmp(d.not_extracted, "") == 0);
	buf_release(&b);
}

/* MSG_WORK (shard -> shard): round trip through a frame, every truncation,
 * every cap one past its limit. */
static void test_work(void)
{
	struct buf b, out, scratch, big;
	struct msg_work w, d;
	struct frame f;
	size_t i, used;
	int all = 1;
	static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char hdr[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
	static const char body[] = "<a href=/x>\0binary\xff";

	buf_init(&b, SC_FRAME_BODY_MAX);
	buf_init(&out, 1 << 24);
	buf_init(&scratch, SC_FRAME_BODY_MAX);
	buf_init(&big, SC_FRAME_BODY_MAX);
	memset(&w, 0, sizeof(w));
	w.id = 0x500000009ull;
	w.depth = 3;
	w.flags = MSG_URL_NOLINKS;
	w.attempts = 2;
	w.status = 503;
	w.fetch_ms = 42;
	w.wflags = MSG_WORK_TRUNCATED;
	w.start_sec = 1767225600;
	w.start_nsec = 999999999;
	w.url = "http://h0.test/p/1.html";
	w.error = "retries: gave up after 2 attempts (HTTP 503)";
	w.ip = "127.0.0.1";
	w.content_type = "text/html; charset=utf-8";
	w.req = req;
	w.req_len = sizeof(req) - 1;
	w.hdr = hdr;
	w.hdr_len = sizeof(hdr) - 1;
	CHECK_INT(msg_work_encode(&b, &w), 0);
	CHECK_INT(frame_encode(&out, MSG_WORK, b.data, b.len, body, sizeof(body) - 1), 0);
	CHECK_INT(frame_decode(out.data, out.len, 1 << 20, MSG_TYPE_MAX, &scratch, &f, &used), 0);
	CHECK_INT(f.type, MSG_WORK);
	CHECK_INT(msg_work_decode(f.body, f.body_len, f.blob, f.blob_len, 1 << 20, &d), 0);
	CHECK_INT(d.id, w.id);
	CHECK_INT(d.depth, 3);
	CHECK_INT(d.flags, MSG_URL_NOLINKS);
	CHECK_INT(d.attempts, 2);
	CHECK_INT(d.status, 503);
	CHECK_INT(d.fetch_ms, 42);
	CHECK_INT(d.wflags, MSG_WORK_TRUNCATED);
	CHECK_INT(d.start_sec, 1767225600);
	CHECK_INT(d.start_nsec, 999999999);
	CHECK_STR(d.url, w.url);
	CHECK_STR(d.error, w.error);
	CHECK_STR(d.ip, "127.0.0.1");
	CHECK_STR(d.content_type, w.content_type);
	CHECK(d.req_len == w.req_len && memcmp(d.req, req, d.req_len) == 0);
	CHECK(d.hdr_len == w.hdr_len && memcmp(d.hdr, hdr, d.hdr_len) == 0);
	CHECK(d.body_len == sizeof(body) - 1 && memcmp(d.body, body, d.body_len) == 0);
	/* no error, no body */
	w.error = NULL;
	CHECK_INT(msg_work_encode(&b, &w), 0);
	CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d), 0);
	CHECK_STR(d.error, "");
	CHECK_INT(d.body_len, 0);
	/* every truncation of the message is refused */
	for (i = 0; i < b.len; i++)
		all &= msg_work_decode(b.data, i, NULL, 0, 0, &d) == SC_EPROTO;
	CHECK(all);
	/* a body over the caller's cap */
	CHECK_INT(msg_work_decode(b.data, b.len, body, 5, 4, &d), SC_EPROTO);
	CHECK_INT(msg_work_decode(b.data, b.len, body, 4, 4, &d), 0);
	/* bad numbers */
	w.status = 1000;
	msg_work_encode(&b, &w);
	CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d), SC_EPROTO);
	w.status = 200;
	w.start_nsec = 1000000000u;
	msg_work_encode(&b, &w);
	CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d), SC_EPROTO);
	w.start_nsec = 0;
	w.wflags = 0x80;
	msg_work_encode(&b, &w);
	CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d), SC_EPROTO);
	w.wflags = 0;
	w.url = "";
	msg_work_encode(&b, &w);
	CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d), SC_EPROTO);
	w.url = "http://h0.test/";
	/* each length one past its cap (and at it, accepted) */
	{
		struct { const char **s; size_t *len; size_t cap; } caps[] = {
			{ &w.url, NULL, SC_URL_MAX },
			{ &w.error, NULL, 1024 },
			{ &w.ip, NULL, 64 },
			{ &w.content_type, NULL, SC_URL_MAX },
			{ &w.req, &w.req_len, SC_REQUEST_MAX },
			{ &w.hdr, &w.hdr_len, SC_HEADERS_MAX },
		};
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			const char *save = *caps[i].s;
			size_t save_len = caps[i].len ? *caps[i].len : 0;
			size_t n;

			for (n = caps[i].cap; n <= caps[i].cap + 1; n++) {
				buf_reset(&big);
				while (big.len < n)
					buf_putc(&big, 'x');
				*caps[i].s = big.data;
				if (caps[i].len)
					*caps[i].len = n;
				CHECK_INT(msg_work_encode(&b, &w), 0);
				CHECK_INT(msg_work_decode(b.data, b.len, NULL, 0, 0, &d),
					  n == caps[i].cap ? 0 : SC_EPROTO);
			}
			*caps[i].s = save;
			if (caps[i].len)
				*caps[i].len = save_len;
		}
	}
	buf_release(&b);
	buf_release(&out);
	buf_release(&scratch);
	buf_release(&big);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_roundtrip();
	test_hostile_headers();
	test_lz4_lie();
	test_pipe();
	test_messages();
	test_work();
	test_result_items();
	return check_report(argv[0]);
}
