/*
 * items.c - formatting the lines of items.jsonl (see items.h).
 */
#include "crawler/items.h"

#include "common/err.h"
#include "common/json.h"

#include <string.h>

int items_lines(struct buf *b, const char *url, const char *items, size_t len,
		const char *warc_file, uint64_t warc_offset)
{
	size_t mark = b->len, off = 0;
	int rc = 0;

	while (!rc && off < len) {
		const char *it = items + off;
		size_t n = strlen(it);

		rc = buf_puts(b, "{\"url\":");
		if (!rc)
			rc = json_cstr(b, url);
		if (!rc && n)
			rc = buf_putc(b, ',') || buf_append(b, it, n);
		if (!rc && warc_file)
			rc = buf_puts(b, ",\"warc_file\":") || json_cstr(b, warc_file) ||
			     buf_printf(b, ",\"warc_offset\":%llu}\n",
					(unsigned long long)warc_offset);
		else if (!rc)
			rc = buf_puts(b, ",\"warc_file\":null,\"warc_offset\":null}\n");
		off += n + 1;
	}
	if (rc) {
		b->len = mark;
		b->data[mark] = '\0';
		return SC_ETOOBIG;
	}
	return 0;
}
