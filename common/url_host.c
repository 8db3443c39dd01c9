/*
 * url_host.c - cheap scans of a URL string already parsed: the scheme
 * prefix and the end of the host (shared with url.c, which scans curl's
 * output with them; see url_internal.h), and the host key and host of a
 * URL in normal form (url_host_key(), url_host(); see url.h).
 *
 * These scan, they do not parse: the input is taken to be in normal form
 * (or as libcurl wrote it), and what does not fit is SC_EINVAL.
 */
#include "common/url.h"
#include "common/url_internal.h"
#include "common/err.h"

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
