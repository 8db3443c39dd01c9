/*
 * test_warc.c - WARC records written, then read back and checked: gzip
 * member boundaries, headers, Content-Length, both digests, truncation.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/http.h"
#include "common/warc.h"
#include "common/warcread.h"

#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

static int header_is(const struct warc_record *r, const char *name, const char *want)
{
	const char *v;
	size_t n;

	if (!http_header(r->head, r->head_len, name, &v, &n))
		return 0;
	return n == strlen(want) && memcmp(v, want, n) == 0;
}

static void header_get(const struct warc_record *r, const char *name, char *out, size_t len)
{
	const char *v;
	size_t n;

	out[0] = '\0';
	if (http_header(r->head, r->head_len, name, &v, &n) && n < len) {
		memcpy(out, v, n);
		out[n] = '\0';
	}
}

static void test_pair(void)
{
	static const char req[] = "GET /p/1.html HTTP/1.1\r\nHost: h0.test\r\n\r\n";
	static const char hdr[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				  "Content-Type: text/html\r\n\r\n";
	static const char body[] = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
	struct warc_writer w;
	struct warc_fetch f;
	struct buf out, rec, pay;
	struct warc_record r;
	char digest[WARC_DIGEST_LEN], dg[WARC_DIGEST_LEN], got[128], id[128];
	size_t req_len, resp_len, used;
	int complete;

	warc_writer_init(&w, 6);
	buf_init(&out, 1 << 20);
	buf_init(&rec, 1 << 20);
	buf_init(&pay, 1 << 20);
	CHECK_INT(http_dechunk(body, sizeof(body) - 1, &pay, &complete), 0);
	CHECK(complete);
	CHECK_STR(pay.data, "hello world");

	memset(&f, 0, sizeof(f));
	f.uri = "http://h0.test/p/1.html";
	f.ip = "127.0.0.1";
	f.start.tv_sec = 1700000000;
	f.start.tv_nsec = 123456789;
	f.req = req;
	f.req_len = sizeof(req) - 1;
	f.resp_hdr = hdr;
	f.resp_hdr_len = sizeof(hdr) - 1;
	f.body = body;
	f.body_len = sizeof(body) - 1;
	f.payload = pay.data;
	f.payload_len = pay.len;
	CHECK_INT(warc_fetch_records(&w, &f, &out, &req_len, &resp_len, digest), 0);
	CHECK_INT(req_len + resp_len, out.len);

	/* the request member */
	CHECK_INT(warc_member(out.data, out.len, &rec, &used), 0);
	CHECK_INT(used, req_len);
	CHECK_INT(warc_parse(rec.data, rec.len, &r), 0);
	CHECK(header_is(&r, "WARC-Type", "request"));
	CHECK(header_is(&r, "WARC-Target-URI", "http://h0.test/p/1.html"));
	CHECK(header_is(&r, "WARC-Date", "2023-11-14T22:13:20.123456Z"));
	CHECK(header_is(&r, "Content-Type", "application/http;msgtype=request"));
	CHECK_INT(r.block_len, sizeof(req) - 1);
	CHECK(memcmp(r.block, req, r.block_len) == 0);
	/* the record ends with CRLF CRLF after the block */
	CHECK(memcmp(r.block + r.block_len, "\r\n\r\n", 4) == 0);
	warc_sha1(&w, req, sizeof(req) - 1, dg);
	header_get(&r, "WARC-Block-Digest", got, sizeof(got));
	CHECK_STR(got, dg);
	header_get(&r, "WARC-Concurrent-To", id, sizeof(id));
	CHECK(strncmp(id, "<urn:uuid:", 10) == 0 && strlen(id) == 47);

	/* the response member, straight from its offset */
	buf_reset(&rec);
	CHECK_INT(warc_member(out.data + req_len, resp_len, &rec, &used), 0);
	CHECK_INT(used, resp_len);
	CHECK_INT(warc_parse(rec.data, rec.len, &r), 0);
	CHECK(header_is(&r, "WARC-Type", "response"));
	CHECK(header_is(&r, "WARC-IP-Address", "127.0.0.1"));
	CHECK(header_is(&r, "Content-Type", "application/http;msgtype=response"));
	header_get(&r, "WARC-Record-ID", got, sizeof(got));
	CHECK_STR(got, id);      /* the request points at this response */
	CHECK_INT(r.block_len, sizeof(hdr) - 1 + sizeof(body) - 1);
	CHECK(memcmp(r.block + sizeof(hdr) - 1, body, sizeof(body) - 1) == 0);
	warc_sha1(&w, r.block, r.block_len, dg);
	header_get(&r, "WARC-Block-Digest", got, sizeof(got));
	CHECK_STR(got, dg);
	warc_sha1(&w, "hello world", 11, dg);
	header_get(&r, "WARC-Payload-Digest", got, sizeof(got));
	CHECK_STR(got, dg);
	CHECK_STR(digest, dg);
	CHECK(!http_header(r.head, r.head_len, "WARC-Truncated", (const char **)&f.uri, &used));

	/* sha1("") in base32, a known value */
	warc_sha1(&w, "", 0, dg);
	CHECK_STR(dg, "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");

	/* truncated: marked */
	f.truncated = 1;
	buf_reset(&out);
	CHECK_INT(warc_fetch_records(&w, &f, &out, &req_len, &resp_len, digest), 0);
	buf_reset(&rec);
	CHECK_INT(warc_member(out.data + req_len, resp_len, &rec, &used), 0);
	CHECK_INT(warc_parse(rec.data, rec.len, &r), 0);
	CHECK(header_is(&r, "WARC-Truncated", "length"));

	/* a member cut short is incomplete; garbage is not gzip */
	buf_reset(&rec);
	CHECK_INT(warc_member(out.data + req_len, resp_len - 1, &rec, &used), SC_EAGAIN);
	buf_reset(&rec);
	CHECK_INT(warc_member("not gzip at all, not at all", 27, &rec, &used), SC_EINVAL);

	/* warcinfo */
	buf_reset(&out);
	CHECK_INT(warc_info_record(&w, &out, "crawl-00000.warc.gz", "software: x\r\n"), 0);
	buf_reset(&rec);
	CHECK_INT(warc_member(out.data, out.len, &rec, &used), 0);
	CHECK_INT(warc_parse(rec.data, rec.len, &r), 0);
	CHECK(header_is(&r, "WARC-Type", "warcinfo"));
	CHECK(header_is(&r, "WARC-Filename", "crawl-00000.warc.gz"));
	CHECK(header_is(&r, "Content-Type", "application/warc-fields"));

	/* parse rejects a record whose Content-Length passes its end */
	CHECK_INT(warc_parse(rec.data, rec.len - 10, &r), SC_EINVAL);
	CHECK_INT(warc_parse("WARC/1.0\r\n\r\n", 12, &r), SC_EINVAL);

	buf_release(&out);
	buf_release(&rec);
	buf_release(&pay);
	warc_writer_release(&w);
}

/* Record ids are unique across many records. */
static void test_ids(void)
{
	struct warc_writer w;
	struct buf out, rec;
	struct warc_record r;
	char (*ids)[64] = calloc(2000, 64);
	size_t used, i, j, dup = 0;

	warc_writer_init(&w, 1);
	buf_init(&out, 1 << 20);
	buf_init(&rec, 1 << 20);
	for (i = 0; i < 2000; i++) {
		const char *v;
		size_t n;
		buf_reset(&out);
		buf_reset(&rec);
		warc_info_record(&w, &out, "f", "a: b\r\n");
		warc_member(out.data, out.len, &rec, &used);
		warc_parse(rec.data, rec.len, &r);
		if (http_header(r.head, r.head_len, "WARC-Record-ID", &v, &n) && n < 64)
			memcpy(ids[i], v, n);
	}
	for (i = 0; i < 2000; i++)
		for (j = i + 1; j < 2000; j++)
			dup += strcmp(ids[i], ids[j]) == 0;
	CHECK_INT(dup, 0);
	CHECK(ids[0][24] == '4');   /* uuid version 4 */
	free(ids);
	buf_release(&out);
	buf_release(&rec);
	warc_writer_release(&w);
}

/* The size each member's gzip header names (common/warc.h): right for
 * both compressors, and what warcread_member() skips by, inflating only
 * the headers; a wrong size is not trusted. */
static void test_member_size(void)
{
	static const int levels[] = { 1, 6 };
	struct warc_fetch f;
	struct warcread rd;
	size_t li, k;

	warcread_init(&rd);
	for (li = 0; li < 2; li++) {
		struct warc_writer w;
		struct buf out, body;
		char digest[WARC_DIGEST_LEN];
		size_t req_len, resp_len, used = 0, named = 0;
		struct warc_fields fl;
		unsigned char *u;

		warc_writer_init(&w, levels[li]);
		buf_init(&out, 1 << 22);
		buf_init(&body, 1 << 22);
		for (k = 0; k < 200000; k++)
			buf_putc(&body, (char)('a' + (k * 7919 % 26)));
		memset(&f, 0, sizeof(f));
		f.uri = "http://h0.test/big";
		f.req = "GET /big HTTP/1.1\r\n\r\n";
		f.req_len = strlen(f.req);
		f.resp_hdr = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
		f.resp_hdr_len = strlen(f.resp_hdr);
		f.body = f.payload = body.data;
		f.body_len = f.payload_len = body.len;
		CHECK_INT(warc_fetch_records(&w, &f, &out, &req_len, &resp_len, digest), 0);
		u = (unsigned char *)out.data;
		for (k = 0; k < 8; k++)
			named |= (size_t)u[req_len + 16 + k] << (8 * k);
		CHECK_INT(named, resp_len);
		CHECK(u[3] == 4 && u[12] == 'S' && u[13] == 'L');
		/* the kinds, and the sizes warcread_kind() gives with them */
		CHECK_INT(warcread_kind(out.data, out.len, &used), WARC_KIND_REQUEST);
		CHECK_INT(used, req_len);
		CHECK_INT(warcread_kind(out.data + req_len, resp_len, &used), WARC_KIND_RESPONSE);
		CHECK_INT(used, resp_len);
		CHECK_INT(warcread_kind(out.data + req_len, resp_len - 1, &used), -1);
		/* the response, by its size: its headers, not its body */
		CHECK_INT(warcread_member(&rd, out.data + req_len, resp_len, &used), 0);
		CHECK_INT(used, resp_len);
		CHECK(rd.head.len < 8192);
		CHECK_INT(warcread_fields(&rd, &fl), 0);
		CHECK_INT(fl.status, 200);
		CHECK(warc_str_is(&fl.http_type, "text/plain"));
		/* the request, followed by the response */
		CHECK_INT(warcread_member(&rd, out.data, out.len, &used), 0);
		CHECK_INT(used, req_len);
		/* a size that does not fit the file is not trusted: the member
		 * is inflated whole, and a cut one reported as cut */
		u[req_len + 16] ^= 0x40;
		CHECK_INT(warcread_kind(out.data + req_len, resp_len, &used), -1);
		CHECK_INT(warcread_member(&rd, out.data + req_len, resp_len, &used), 0);
		CHECK_INT(used, resp_len);
		CHECK_INT(warcread_member(&rd, out.data + req_len, resp_len - 9, &used), SC_EAGAIN);
		buf_release(&out);
		buf_release(&body);
		warc_writer_release(&w);
	}
	warcread_release(&rd);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_pair();
	test_ids();
	test_member_size();
	return check_report(argv[0]);
}
