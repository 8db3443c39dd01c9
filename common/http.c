#include "common/http.h"
#include "common/err.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

int http_header(const char *hdr, size_t len, const char *name,
		const char **val, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *p = hdr, *end = hdr + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *v;

		if ((size_t)(le - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			v = p + nlen + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			*val = v;
			*vlen = (size_t)(le - v);
			return 1;
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

int http_has_token(const char *val, size_t vlen, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = val, *end = val + vlen;

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		q = p;
		while (q < end && *q != ',' && *q != ';')
			q++;
		{
			const char *e = q;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if ((size_t)(e - p) == tlen && strncasecmp(p, token, tlen) == 0)
				return 1;
		}
		while (q < end && *q != ',')
			q++;
		p = q;
	}
	return 0;
}

int http_dechunk(const char *in, size_t len, struct buf *out, int *complete)
{
	size_t i = 0;

	*complete = 0;
	while (i < len) {
		uint64_t size = 0;
		int digits = 0;

		while (i < len && isxdigit((unsigned char)in[i])) {
			int c = (unsigned char)in[i];
			int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
			if (size >> 59)
				return 0;          /* absurd chunk size: stop here */
			size = size * 16 + (uint64_t)d;
			i++;
			digits++;
		}
		if (!digits)
			return 0;
		/* chunk extensions, then CRLF */
		while (i < len && in[i] != '\n')
			i++;
		if (i >= len)
			return 0;
		i++;
		if (size == 0) {
			*complete = 1;
			return 0;
		}
		if (size > len - i) {
			/* cut mid-chunk: keep what arrived */
			if (buf_append_upto(out, in + i, len - i) < len - i)
				return SC_ETOOBIG;
			return 0;
		}
		if (buf_append_upto(out, in + i, (size_t)size) < size)
			return SC_ETOOBIG;
		i += (size_t)size;
		if (i < len && in[i] == '\r')
			i++;
		if (i < len && in[i] == '\n')
			i++;
	}
	return 0;
}

static int inflate_into(const char *in, size_t len, int wbits, struct buf *out,
			int *complete)
{
	z_stream z;
	int rc = Z_OK, ret = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, wbits) != Z_OK)
		return SC_EINVAL;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	while (rc == Z_OK) {
		size_t room;

		if (out->len >= out->cap)
			break;           /* cap reached: a bomb, or just large */
		room = out->cap - out->len;
		if (room > (256u << 10))
			room = 256u << 10;
		if (buf_reserve(out, room))
			break;
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)room;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += room - z.avail_out;
		out->data[out->len] = '\0';
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			break;           /* input ended early: truncated stream */
		if (rc == Z_BUF_ERROR)
			rc = Z_OK;
	}
	if (rc == Z_STREAM_END)
		*complete = 1;
	else if (rc != Z_OK && rc != Z_BUF_ERROR && z.total_out == 0)
		ret = SC_EINVAL;
	inflateEnd(&z);
	return ret;
}

int http_decode(const char *coding, size_t clen, const char *in, size_t len,
		struct buf *out, int *complete)
{
	*complete = 0;
	if (clen == 0 || (clen == 8 && strncasecmp(coding, "identity", 8) == 0)) {
		size_t n = buf_append_upto(out, in, len);
		*complete = n == len;
		return 0;
	}
	if ((clen == 4 && strncasecmp(coding, "gzip", 4) == 0) ||
	    (clen == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
		return inflate_into(in, len, 16 + 15, out, complete);
	if (clen == 7 && strncasecmp(coding, "deflate", 7) == 0) {
		/* "deflate" is meant to be zlib-wrapped, but servers often send it
		 * raw: look at the zlib header to tell */
		int zlib = len >= 2 && (in[0] & 0x0f) == 8 &&
			   (((unsigned char)in[0] << 8) | (unsigned char)in[1]) % 31 == 0;
		return inflate_into(in, len, zlib ? 15 : -15, out, complete);
	}
	return SC_EINVAL;
}

int http_is_html(const char *ctype)
{
	size_t n = strcspn(ctype, ";");

	while (n && (ctype[n - 1] == ' ' || ctype[n - 1] == '\t'))
		n--;
	return (n == 9 && strncasecmp(ctype, "text/html", 9) == 0) ||
	       (n == 21 && strncasecmp(ctype, "application/xhtml+xml", 21) == 0);
}

long http_retry_after(const char *val, size_t vlen, long now)
{
	char tmp[64];
	struct tm tm;
	const char *end;
	long secs = 0;
	size_t i;

	while (vlen && (*val == ' ' || *val == '\t')) {
		val++;
		vlen--;
	}
	while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	if (vlen == 0 || vlen >= sizeof(tmp))
		return -1;
	for (i = 0; i < vlen && isdigit((unsigned char)val[i]); i++) {
		if (secs > 100000000L)
			return -1;
		secs = secs * 10 + (val[i] - '0');
	}
	if (i == vlen)
		return secs;
	/* IMF-fixdate, as RFC 9110 requires senders to use */
	memcpy(tmp, val, vlen);
	tmp[vlen] = '\0';
	memset(&tm, 0, sizeof(tm));
	end = strptime(tmp, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return -1;
	secs = (long)timegm(&tm) - now;
	return secs < 0 ? 0 : secs;
}
