/*
 * charset.c - encoding labels and conversion to UTF-8; see charset.h.
 * windows-1252 is converted here, by its table (glibc's iconv refuses its
 * five unassigned bytes, which the standard maps to C1 controls); every
 * other encoding by iconv(3).
 */
#include "common/charset.h"
#include "common/htmlent.h"
#include "common/json.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

static const uint16_t charset_c1[32] = {
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
};

uint32_t charset_cp1252(uint32_t c)
{
	return c >= 0x80 && c <= 0x9f ? charset_c1[c - 0x80] : c;
}

static int charset_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int charset_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

int charset_name(const char *label, size_t n, char out[CHARSET_NAME_MAX])
{
	static const char *const utf8[] = {
		"utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8",
		"unicode20utf8", "x-unicode20utf8", "utf-16", "utf-16le",
		"utf-16be", "unicode", "unicodefffe", "ucs-2", "csunicode",
		"iso-10646-ucs-2", "unicodefeff", NULL,
	};
	static const char *const w1252[] = {
		"iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
		"iso_8859-1:1987", "latin1", "l1", "l1", "cp1252", "cp819",
		"ibm819", "iso-ir-100", "csisolatin1", "windows-1252",
		"x-cp1252", "ascii", "us-ascii", "ansi_x3.4-1968", NULL,
	};
	static const char *const gbk[] = { "gb2312", "x-gbk", "gbk", "chinese",
					   "csgb2312", "gb_2312", "gb_2312-80", NULL };
	static const char *const euckr[] = { "ks_c_5601-1987", "korean", "euc-kr",
					     "ks_c_5601-1989", "ksc5601", "windows-949", NULL };
	static const char *const w1254[] = { "iso-8859-9", "iso8859-9", "latin5",
					     "l5", "iso_8859-9", "windows-1254", NULL };
	char tmp[CHARSET_NAME_MAX];

	while (n && charset_space(*label)) {
		label++;
		n--;
	}
	while (n && charset_space(label[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, label, n);
	tmp[n] = '\0';
	if (charset_in(tmp, utf8))
		out[0] = '\0';
	else if (charset_in(tmp, w1252))
		strcpy(out, "WINDOWS-1252");
	else if (charset_in(tmp, gbk))
		strcpy(out, "GBK");
	else if (charset_in(tmp, euckr))
		strcpy(out, "EUC-KR");
	else if (charset_in(tmp, w1254))
		strcpy(out, "WINDOWS-1254");
	else
		memcpy(out, tmp, n + 1);
	return 0;
}

static int charset_put(struct buf *out, uint32_t cp)
{
	char u[4];

	return buf_append(out, u, htmlent_utf8(cp, u));
}

static void charset_from_1252(const char *s, size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80 ? buf_putc(out, (char)c) : charset_put(out, charset_cp1252(c)))
			return;
	}
}

int charset_to_utf8(const char *name, const char *s, size_t len, struct buf *out)
{
	iconv_t cd;
	char *in = (char *)s;
	size_t left = len;

	buf_reset(out);
	if (strcasecmp(name, "WINDOWS-1252") == 0) {
		charset_from_1252(s, len, out);
		return 0;
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return -1;
	for (;;) {
		size_t want = 16384, room, r;
		char *o;

		if (out->cap - out->len < want)
			want = out->cap - out->len;
		if (want < 8 || buf_reserve(out, want))
			break;          /* the cap is reached */
		o = out->data + out->len;
		room = want;
		/* with nothing left, one more call flushes a shift state */
		r = left ? iconv(cd, &in, &left, &o, &room) : iconv(cd, NULL, NULL, &o, &room);
		out->len += want - room;
		if (r != (size_t)-1 && left == 0) {
			if (in == NULL)
				break;
			in = NULL;
			continue;
		}
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		if (charset_put(out, 0xfffd) || left == 0)
			break;
		in++;
		left--;
	}
	out->data[out->len] = '\0';
	iconv_close(cd);
	return 0;
}

int charset_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t k = json_utf8_len(s + i, n - i);

		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}
