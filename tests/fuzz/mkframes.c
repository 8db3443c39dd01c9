/*
 * mkframes.c - write the seed corpus of fuzz_frame.c: frames that
 * frame_encode() makes of real messages (HELLO, URLS, RESULT with links
 * and a blob, RATE; raw and LZ4 bodies), several back to back, and a few
 * spoiled ones.  Run once; its output is kept in data/fuzz/frame/:
 *
 *   make && cc -I. -D_GNU_SOURCE -o /tmp/mkframes tests/fuzz/mkframes.c \
 *      build/common/[a-z]*.o $(pkg-config --libs libcurl libxml-2.0 zlib \
 *      liblz4 libcrypto libpsl libdeflate) -lm && /tmp/mkframes data/fuzz/frame
 */
#include "common/buf.h"
#include "common/frame.h"
#include "common/limits.h"
#include "common/msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static void put(const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void frame(struct buf *out, int type, const struct buf *body,
		  const void *blob, size_t blob_len)
{
	if (frame_encode(out, type, body->data, body->len, blob, blob_len) != 0) {
		fprintf(stderr, "frame_encode failed\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct buf body, out, all;
	struct msg_url u;
	struct msg_result r;
	char links[4096];
	size_t n = 0;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: mkframes DIR\n");
		return 2;
	}
	dir = argv[1];
	buf_init(&body, SC_FRAME_BODY_MAX);
	buf_init(&out, 1 << 24);
	buf_init(&all, 1 << 24);

	msg_hello_encode(&body, 3, 4242);
	put("msg-hello", body.data, body.len);
	frame(&out, MSG_HELLO, &body, NULL, 0);
	put("hello", out.data, out.len);
	buf_append(&all, out.data, out.len);

	buf_reset(&out);
	{
		struct msg_share sh = { 250000, 32 };
		msg_share_encode(&body, &sh);
	}
	put("msg-rate", body.data, body.len);
	frame(&out, MSG_SHARE, &body, NULL, 0);
	put("rate", out.data, out.len);
	buf_append(&all, out.data, out.len);

	buf_reset(&out);
	msg_urls_begin(&body);
	u.id = 1; u.depth = 0; u.flags = 0; u.url = "http://site.test/"; u.referrer = "";
	msg_urls_add(&body, &u);
	u.id = 2; u.depth = 3; u.flags = MSG_URL_NOLINKS; u.url = "https://x.test:8443/a?b=c";
	u.referrer = "http://site.test/";
	msg_urls_add(&body, &u);
	put("msg-urls", body.data, body.len);
	frame(&out, MSG_URLS, &body, NULL, 0);
	put("urls", out.data, out.len);
	buf_append(&all, out.data, out.len);

	/* a batch large enough to be sent LZ4-compressed */
	buf_reset(&out);
	msg_urls_begin(&body);
	for (i = 0; i < 40; i++) {
		char url[64];
		snprintf(url, sizeof(url), "http://h%d.test/page/%d.html", i % 4, i);
		u.id = (uint64_t)i; u.depth = (uint32_t)i % 5; u.flags = 0; u.url = url;
		msg_urls_add(&body, &u);
	}
	frame(&out, MSG_URLS, &body, NULL, 0);
	put("urls-lz4", out.data, out.len);

	buf_reset(&out);
	for (i = 0; i < 3; i++) {
		int k = snprintf(links + n, sizeof(links) - n, "http://site.test/l%d", i);
		n += (size_t)k + 1;
	}
	memset(&r, 0, sizeof(r));
	r.id = 7; r.status = 200; r.fetch_ms = 12; r.bytes = 1234;
	r.flags = MSG_RES_LINKS_CUT; r.attempts = 1;
	r.content_type = "text/html; charset=utf-8";
	r.digest = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ";
	r.ip = "127.0.0.1"; r.error = ""; r.location = "";
	r.warc_req_len = 3; r.warc_resp_len = 4;
	r.nlinks = 3; r.links = links; r.links_len = n; r.links_dropped = 9;
	msg_result_encode(&body, &r);
	put("msg-result", body.data, body.len);
	frame(&out, MSG_RESULT, &body, "\x1f\x8b\x08\x00\x00\x00\x00", 7);
	put("result-blob", out.data, out.len);
	buf_append(&all, out.data, out.len);

	buf_reset(&out);
	r.status = 301; r.error = ""; r.location = "http://site.test/moved";
	r.nlinks = 0; r.links = NULL; r.links_len = 0;
	msg_result_encode(&body, &r);
	frame(&out, MSG_RESULT, &body, NULL, 0);
	put("result-redirect", out.data, out.len);

	/* many links: an LZ4 body */
	buf_reset(&out);
	n = 0;
	for (i = 0; i < 100 && n + 40 < sizeof(links); i++) {
		int k = snprintf(links + n, sizeof(links) - n, "http://site.test/p/%d", i);
		n += (size_t)k + 1;
	}
	r.status = 200; r.location = ""; r.nlinks = (uint32_t)i;
	r.links = links; r.links_len = n;
	msg_result_encode(&body, &r);
	frame(&out, MSG_RESULT, &body, NULL, 0);
	put("result-lz4", out.data, out.len);

	buf_reset(&out);
	r.status = 0; r.error = "connect: connection refused"; r.nlinks = 0;
	r.links = NULL; r.links_len = 0; r.content_type = ""; r.digest = "";
	msg_result_encode(&body, &r);
	frame(&out, MSG_RESULT, &body, NULL, 0);
	put("result-error", out.data, out.len);
	buf_append(&all, out.data, out.len);

	put("stream", all.data, all.len);
	put("stream-cut", all.data, all.len - 5);
	all.data[30] ^= 0x40;
	put("stream-crc", all.data, all.len);
	all.data[30] ^= 0x40;
	all.data[0] = 0;
	put("bad-magic", all.data, all.len);

	buf_release(&body);
	buf_release(&out);
	buf_release(&all);
	return 0;
}
