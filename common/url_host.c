/*
 * url_host.c - cheap scans of a URL string already parsed: the scheme
 * prefix, the end of the host and the URL Standard's reading of a numeric
 * host (shared with url.c, which scans curl's output with them; see
 * url_internal.h), and the host key and host of a URL in normal form
 * (url_host_key(), url_host(); see url.h).
 *
 * These scan, they do not parse: the input is taken to be in normal form
 * (or as libcurl wrote it), and what does not fit is SC_EINVAL.
 */
#include "common/url.h"
#include "common/url_internal.h"
#include "common/err.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int url_is_http(const char *s, size_t *plen)
{
	if (strncmp(s, "http://", 7) == 0) {
		*plen = 7;
		return 1;
	}
	if (strncmp(s, "https://", 8) == 0) {
		*plen = 8;
		return 1;
	}
	return 0;
}

const char *url_host_end(const char *h, const char *aend)
{
	const char *e;

	if (*h == '[') {
		e = memchr(h, ']', (size_t)(aend - h));
		return e ? e + 1 : NULL;
	}
	e = memchr(h, ':', (size_t)(aend - h));
	return e ? e : aend;
}

/* The URL Standard's IPv4 number parser over s[0..n): 0 and the value
 * (saturated past 32 bits) in *v, or -1.  An empty part is no number;
 * "0x" alone is 0. */
static int url_ipv4_number(const char *s, size_t n, uint64_t *v)
{
	unsigned radix = 10;
	size_t i = 0;

	if (n == 0)
		return -1;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		i = 2;
	} else if (n >= 2 && s[0] == '0') {
		radix = 8;
		i = 1;
	}
	*v = 0;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (url_is_digit(c))
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (d >= radix)
			return -1;
		/* past 2^32 it is no address whatever follows: stop growing */
		if (*v <= UINT32_MAX)
			*v = *v * radix + d;
	}
	return 0;
}

int url_host_ipv4(const char *h, size_t n, char out[16])
{
	uint64_t part[4], v, addr;
	size_t start = n, i, k, np = 0;

	/* Does it end in a number?  A last label of digits is one even when
	 * it is no valid number ("09"); one the number parser takes is too
	 * ("0x", "0xff"). */
	while (start > 0 && h[start - 1] != '.')
		start--;
	for (i = start; i < n && url_is_digit(h[i]); i++)
		;
	if (start == n || (i < n && url_ipv4_number(h + start, n - start, &v)))
		return 0;

	for (i = 0; i <= n; i = k + 1) {
		for (k = i; k < n && h[k] != '.'; k++)
			;
		if (np == 4 || url_ipv4_number(h + i, k - i, &part[np]))
			return SC_EINVAL;
		np++;
	}
	for (i = 0; i + 1 < np; i++)
		if (part[i] > 255)
			return SC_EINVAL;
	if (part[np - 1] >= (uint64_t)1 << (8 * (5 - np)))
		return SC_EINVAL;
	addr = part[np - 1];
	for (i = 0; i + 1 < np; i++)
		addr += part[i] << (8 * (3 - i));
	snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24),
		 (unsigned)(addr >> 16 & 255), (unsigned)(addr >> 8 & 255),
		 (unsigned)(addr & 255));
	return 1;
}

/*
 * Find scheme default port, host start and end, and port digits in a
 * normalized URL.
 */
static int url_split_host(const char *nurl, const char **host, size_t *hlen,
			  const char **port, size_t *plen, const char **defport)
{
	size_t slen, alen, k;
	const char *auth, *aend, *h, *hend;

	if (!url_is_http(nurl, &slen))
		return SC_EINVAL;
	*defport = slen == 7 ? "80" : "443";
	auth = nurl + slen;
	alen = strcspn(auth, "/?#");
	aend = auth + alen;
	h = auth;
	for (k = 0; k < alen; k++)
		if (auth[k] == '@')
			h = auth + k + 1;
	hend = url_host_end(h, aend);
	if (!hend)
		return SC_EINVAL;
	if (hend == h)
		return SC_EINVAL;
	*host = h;
	*hlen = (size_t)(hend - h);
	*port = NULL;
	*plen = 0;
	if (hend < aend) {
		if (*hend != ':')
			return SC_EINVAL;
		*port = hend + 1;
		*plen = (size_t)(aend - *port);
		for (k = 0; k < *plen; k++)
			if (!url_is_digit((*port)[k]))
				return SC_EINVAL;
		if (*plen == 0)
			*port = NULL;
	}
	return 0;
}

int url_host_key(const char *nurl, char *out, size_t n)
{
	const char *host, *port, *defport;
	size_t hlen, plen, k, len;
	int err;

	err = url_split_host(nurl, &host, &hlen, &port, &plen, &defport);
	if (err)
		return err;
	if (!port) {
		port = defport;
		plen = strlen(defport);
	}
	len = hlen + 1 + plen;
	if (n == 0 || len > n - 1)
		return SC_ETOOBIG;
	for (k = 0; k < hlen; k++) {
		char c = host[k];
		out[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out[hlen] = ':';
	memcpy(out + hlen + 1, port, plen);
	out[len] = '\0';
	return (int)len;
}

int url_host(const char *nurl, const char **host, size_t *len)
{
	const char *port, *defport;
	size_t plen;

	return url_split_host(nurl, host, len, &port, &plen, &defport);
}
