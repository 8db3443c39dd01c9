#include "crawler/pages.h"

#include "common/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pages_line(struct buf *b, const char *url, uint32_t depth,
		const char *referrer, const struct msg_result *r,
		const struct pages_where *w)
{
	pages_line_as(b, PAGES_PAGE, url, depth, referrer, r, w);
}

int pages_is_robots(const char *line)
{
	return strstr(line, ",\"kind\":\"robots\",") != NULL;
}

void pages_line_as(struct buf *b, enum pages_kind kind, const char *url,
		   uint32_t depth, const char *referrer, const struct msg_result *r,
		   const struct pages_where *w)
{
	buf_reset(b);
	buf_puts(b, "{\"url\":");
	json_cstr(b, url);
	buf_printf(b, ",\"status\":%u", r->status);
	if (r->error && *r->error) {
		buf_puts(b, ",\"error\":");
		json_cstr(b, r->error);
	}
	buf_puts(b, ",\"content_type\":");
	json_cstr(b, r->content_type && *r->content_type ? r->content_type : NULL);
	buf_printf(b, ",\"bytes\":%llu,\"digest\":", (unsigned long long)r->bytes);
	json_cstr(b, r->digest && *r->digest ? r->digest : NULL);
	buf_printf(b, ",\"depth\":%u,\"referrer\":", depth);
	json_cstr(b, referrer);
	buf_printf(b, ",\"fetch_ms\":%u,\"attempts\":%u", r->fetch_ms, r->attempts);
	if (r->location && *r->location) {
		buf_puts(b, ",\"location\":");
		json_cstr(b, r->location);
	}
	if (r->flags & MSG_RES_TRUNCATED)
		buf_puts(b, ",\"truncated\":true");
	if (r->links_dropped)
		buf_printf(b, ",\"links_dropped\":%u", r->links_dropped);
	if (r->flags & MSG_RES_EXTRACT) {
		buf_printf(b, ",\"items\":%u,\"items_end\":%llu", r->nitems,
			   (unsigned long long)(w ? w->items_end : 0));
		if (r->items_dropped)
			buf_printf(b, ",\"items_dropped\":%u", r->items_dropped);
		if (r->items_cut)
			buf_printf(b, ",\"items_cut\":%u", r->items_cut);
		if (r->jsonld_invalid)
			buf_printf(b, ",\"jsonld_invalid\":%u", r->jsonld_invalid);
		if (r->not_extracted && *r->not_extracted) {
			buf_puts(b, ",\"not_extracted\":");
			json_cstr(b, r->not_extracted);
		}
	}
	if (kind == PAGES_REQUISITE) {
		buf_puts(b, ",\"requisite\":true");
		if (w && w->level)
			buf_printf(b, ",\"level\":%u", w->level);
	}
	else if (kind == PAGES_ROBOTS)
		buf_puts(b, ",\"kind\":\"robots\"");
	else if (w && w->kind) {
		buf_puts(b, ",\"kind\":");
		json_cstr(b, w->kind);
	}
	if (r->etag && *r->etag) {
		buf_puts(b, ",\"etag\":");
		json_cstr(b, r->etag);
	}
	if (r->last_modified && *r->last_modified) {
		buf_puts(b, ",\"last_modified\":");
		json_cstr(b, r->last_modified);
	}
	if (w && w->revisit)
		buf_printf(b, ",\"revisit\":\"%s\"", w->revisit);
	if (w && w->recrawl)
		buf_printf(b, ",\"recrawl\":\"%s\"", w->recrawl);
	if (w && w->warc_file) {
		buf_puts(b, ",\"warc_file\":");
		json_cstr(b, w->warc_file);
		buf_printf(b, ",\"warc_offset\":%llu,\"warc_length\":%llu}\n",
			   (unsigned long long)w->offset, (unsigned long long)w->length);
	} else {
		buf_puts(b, ",\"warc_file\":null,\"warc_offset\":null,\"warc_length\":null}\n");
	}
}

int pages_str(const char *line, const char *key, char *out, size_t n)
{
	char pat[32];
	const char *p;
	size_t k = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return 0;
	for (p += strlen(pat); *p && *p != '"' && k + 1 < n; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'u' && isxdigit((unsigned char)p[1]) && p[2] && p[3] && p[4]) {
				out[k++] = (char)strtol((char[]){ p[3], p[4], 0 }, NULL, 16);
				p += 4;
				continue;
			}
			out[k++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = '\0';
	return *p == '"';
}

int pages_num(const char *line, const char *key, uint64_t *v)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || !isdigit((unsigned char)p[strlen(pat)]))
		return 0;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return 1;
}
