/*
 * extract_from.c - --extract-from DIR (see extract_from.h): a walk over
 * the gzip members of each WARC file, each response record parsed
 * (WARC head, HTTP head, codings undone) and given to the extractor.
 */
#include "crawler/extract_from.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/extract.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/warc.h"
#include "common/warcread.h"
#include "crawler/items.h"
#include "crawler/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct exfrom {
	const struct rules *rs;
	struct extractor ex;
	struct buf rec;         /* one inflated record */
	struct buf payload;     /* its body, de-chunked */
	struct buf html;        /* ... and decoded */
	struct buf lines;       /* one page's items.jsonl lines */
	FILE *out;
	uint64_t records, pages, items, skipped, not_extracted;
};

/*
 * Inflate the gzip member at p (n bytes) into x->rec, keeping at most its
 * cap and discarding the rest.  *used gets the member's size.  Returns 0,
 * 1 when the record passed the cap (its end is still found), -1 when it
 * is not a whole gzip member.
 */
static int member(struct exfrom *x, const unsigned char *p, size_t n, size_t *used)
{
	static unsigned char sink[1 << 16];
	z_stream z;
	int rc = Z_OK, over = 0;

	buf_reset(&x->rec);
	memset(&z, 0, sizeof(z));
	if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)p;
	while (rc == Z_OK) {
		size_t chunk = n - (size_t)(z.next_in - p);

		z.avail_in = chunk > (1u << 30) ? (1u << 30) : (uInt)chunk;
		if (!over && buf_reserve(&x->rec, 1 << 16) == 0) {
			z.next_out = (Bytef *)x->rec.data + x->rec.len;
			z.avail_out = (uInt)(x->rec.alloc - 1 - x->rec.len);
		} else {
			over = 1;
			z.next_out = sink;
			z.avail_out = sizeof(sink);
		}
		rc = inflate(&z, Z_NO_FLUSH);
		if (!over) {
			x->rec.len = (size_t)((char *)z.next_out - x->rec.data);
			x->rec.data[x->rec.len] = '\0';
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			break;
		if (rc == Z_BUF_ERROR)
			rc = Z_OK;      /* output was full: go on */
	}
	*used = (size_t)(z.next_in - p);
	inflateEnd(&z);
	if (rc != Z_STREAM_END)
		return -1;
	return over;
}

/* One response record at offset off of file name: its items, if any. */
static int record(struct exfrom *x, const char *name, uint64_t off)
{
	struct warc_record wr;
	const struct rules_rule *rule;
	const char *v, *hend, *body, *enc = "", *ctype;
	size_t vlen, hlen, blen, enc_len = 0, ct_len;
	char url[SC_URL_MAX + 1], ct[512];
	int complete, status;

	if (warc_parse(x->rec.data, x->rec.len, &wr))
		return 1;
	if (!http_header(wr.head, wr.head_len, "WARC-Type", &v, &vlen) ||
	    vlen != 8 || memcmp(v, "response", 8) != 0)
		return 0;
	if (!http_header(wr.head, wr.head_len, "WARC-Target-URI", &v, &vlen) ||
	    vlen == 0 || vlen > SC_URL_MAX)
		return 1;
	memcpy(url, v, vlen);
	url[vlen] = '\0';
	x->records++;
	rule = rules_match(x->rs, url);
	if (!rule)
		return 0;
	hend = memmem(wr.block, wr.block_len, "\r\n\r\n", 4);
	if (!hend || wr.block_len < 12 || memcmp(wr.block, "HTTP/", 5) != 0)
		return 1;
	hlen = (size_t)(hend - wr.block) + 4;
	v = memchr(wr.block, ' ', hlen);
	status = v ? atoi(v + 1) : 0;
	if (status < 200 || status >= 300)
		return 0;
	ct_len = 0;
	if (http_header(wr.block, hlen, "Content-Type", &ctype, &ct_len) && ct_len < sizeof(ct))
		memcpy(ct, ctype, ct_len);
	ct[ct_len < sizeof(ct) ? ct_len : 0] = '\0';
	if (!http_is_html(ct))
		return 0;
	body = wr.block + hlen;
	blen = wr.block_len - hlen;
	if (http_header(wr.block, hlen, "Transfer-Encoding", &v, &vlen) &&
	    http_has_token(v, vlen, "chunked")) {
		buf_reset(&x->payload);
		http_dechunk(body, blen, &x->payload, &complete);
		body = x->payload.data;
		blen = x->payload.len;
	}
	x->pages++;
	if (!http_header(wr.block, hlen, "Content-Encoding", &enc, &enc_len))
		enc_len = 0;
	buf_reset(&x->html);
	if (http_decode(enc, enc_len, body, blen, &x->html, &complete)) {
		x->not_extracted++;
		return 0;
	}
	extract_page(&x->ex, rule, x->html.data, x->html.len, url, 0);
	if (x->ex.res.why[0])
		x->not_extracted++;
	buf_reset(&x->lines);
	if (x->ex.res.nitems &&
	    items_lines(&x->lines, url, x->ex.res.items.data, x->ex.res.items.len, name,
			off) == 0) {
		if (fwrite(x->lines.data, 1, x->lines.len, x->out) != x->lines.len)
			return -1;
		x->items += x->ex.res.nitems;
	}
	return 0;
}

/* Every record of one WARC file; 0, or -1 on a write error. */
static int one_file(struct exfrom *x, const char *path, const char *name)
{
	const unsigned char *map;
	size_t off = 0, used, size;
	int rc = 0;

	if (warcread_map(path, &map, &size))
		return -1;
	while (off < size && rc >= 0) {
		int m = member(x, map + off, size - off, &used);

		if (m < 0) {
			log_warn("'%s': no whole gzip member at offset %zu: the rest is skipped",
				 path, off);
			break;
		}
		if (m > 0 || (rc = record(x, name, off)) > 0)
			x->skipped++;
		off += used;
	}
	warcread_unmap(map, size);
	return rc < 0 ? -1 : 0;
}

int extract_from_run(const struct rules *rs, const char *dir, int quiet)
{
	struct exfrom x;
	char path[4096], tmp[4096], name[32];
	unsigned seq;
	int lock_fd, rc = 0;

	snprintf(path, sizeof(path), "%s/pages.jsonl", dir);
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "shardcrawl: --extract-from: '%s' holds no crawl\n", dir);
		return 2;
	}
	if (output_lock(dir, &lock_fd)) {
		fprintf(stderr, "shardcrawl: '%s' is in use by another shardcrawl process\n", dir);
		if (lock_fd >= 0)
			close(lock_fd);
		return 2;
	}
	memset(&x, 0, sizeof(x));
	x.rs = rs;
	extract_init(&x.ex);
	buf_init(&x.rec, EXFROM_RECORD_MAX);
	buf_init(&x.payload, EXFROM_RECORD_MAX);
	buf_init(&x.html, SC_PARSE_MAX);
	buf_init(&x.lines, SC_EXTRACT_BYTES_MAX +
		 (size_t)SC_EXTRACT_ITEMS_MAX * (SC_URL_MAX + 256));
	snprintf(path, sizeof(path), "%s/items.jsonl", dir);
	snprintf(tmp, sizeof(tmp), "%s/items.jsonl.tmp", dir);
	x.out = fopen(tmp, "w");
	if (!x.out) {
		log_error("cannot write '%s': %s", tmp, strerror(errno));
		rc = 1;
	}
	for (seq = 0; !rc; seq++) {
		char wpath[4096];

		snprintf(name, sizeof(name), "crawl-%05u.warc.gz", seq);
		snprintf(wpath, sizeof(wpath), "%s/%s", dir, name);
		if (access(wpath, F_OK) != 0)
			break;
		if (one_file(&x, wpath, name))
			rc = 1;
	}
	if (x.out && (fclose(x.out) != 0 || (!rc && rename(tmp, path) != 0))) {
		log_error("cannot write '%s': %s", path, strerror(errno));
		rc = 1;
	}
	if (rc)
		unlink(tmp);
	if (!rc && !quiet)
		fprintf(stderr, "shardcrawl: %llu items from %llu pages (%llu response "
			"records in %u WARC files; %llu not extracted, %llu records "
			"skipped) -> %s\n", (unsigned long long)x.items,
			(unsigned long long)x.pages, (unsigned long long)x.records, seq,
			(unsigned long long)x.not_extracted,
			(unsigned long long)x.skipped, path);
	extract_release(&x.ex);
	buf_release(&x.rec);
	buf_release(&x.payload);
	buf_release(&x.html);
	buf_release(&x.lines);
	close(lock_fd);
	return rc;
}
