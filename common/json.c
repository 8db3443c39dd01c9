#include "common/json.h"
#include "common/err.h"

#include <string.h>

size_t json_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

int json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = b->len;
	int rc = buf_putc(b, '"');

	while (!rc && i < n) {
		unsigned c = p[i];
		size_t run = i, k;

		/* copy a run of plain ASCII in one go */
		while (run < n && p[run] >= 0x20 && p[run] < 0x80 &&
		       p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			rc = buf_append(b, p + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			rc = buf_append(b, e, 2);
			i++;
		} else if (c == '\n') {
			rc = buf_append(b, "\\n", 2);
			i++;
		} else if (c == '\r') {
			rc = buf_append(b, "\\r", 2);
			i++;
		} else if (c == '\t') {
			rc = buf_append(b, "\\t", 2);
			i++;
		} else if (c < 0x20 || (k = json_utf8_len(p + i, n - i)) == 0) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			rc = buf_append(b, e, 6);
			i++;
		} else {
			rc = buf_append(b, p + i, k);
			i += k;
		}
	}
	if (!rc)
		rc = buf_putc(b, '"');
	if (rc) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

int json_cstr(struct buf *b, const char *s)
{
	if (!s)
		return buf_puts(b, "null");
	return json_str(b, s, strlen(s));
}
