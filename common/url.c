/*
 * url.c - URL normalization on libcurl's URL API; see url.h.
 *
 * libcurl parses, resolves relative references and removes dot segments.
 * It reads a URL as RFC 3986 does, not as the URL Standard (browsers) does
 * for http(s): a backslash is no '/' to it, nor is "https:a.test" an
 * absolute URL; it reads numeric IPv4 hosts before it maps international
 * names (a fullwidth "0x7f.1" comes out as "0x7f.1", which it reads as
 * "127.0.0.1" only when given it again), and leaves "1.2.3.09" or
 * "256.1.1.1" as names.  It also leaves percent-encoding as it found it,
 * keeps the case and a trailing dot of host names, accepts odd bytes in
 * hosts, and gets a few RFC 3986 section 5.4 cases wrong (an empty
 * reference or a bare "#frag" gives the base's directory, not the base
 * itself).  So every input goes through two passes of our own:
 *
 *   before curl (url_prepare): trim white space and drop tabs and newlines
 *   the way browsers do, cut the fragment, read backslashes before the
 *   query as '/', refuse schemes other than http and https, write the
 *   authority as "//" authority, percent-decode the host and drop its
 *   trailing dots, normalize percent-encoding in the userinfo, path and
 *   query (so that dot segments hidden as %2E are seen and removed by curl);
 *
 *   after curl (url_finish): check the scheme, drop an empty userinfo,
 *   check the host that IDNA mapping made (it maps a fullwidth '/' or '@'
 *   to ASCII), lowercase and check the host, read a host that ends in a
 *   number as the Standard's IPv4 parser does (url_host_ipv4()), check the
 *   length.
 *
 * Every URL that comes out normalizes to itself (tests/test_url.c checks
 * this for each case and over generated references, the url fuzzer for
 * whatever it finds).
 *
 * url_base_resolve() tries the fast path of url_fast.c first and comes
 * here only for what it leaves; the scans of a URL string that url_finish
 * shares with url_host_key() are in url_host.c.
 *
 * Nothing is kept between calls; the only state is the parsed base.
 */
#include "common/url.h"
#include "common/url_internal.h"
#include "common/err.h"
#include "common/limits.h"

#include <curl/curl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Set: no flags.  curl then refuses schemes it has no protocol for
 * (mailto:, javascript:, data:) with CURLUE_UNSUPPORTED_SCHEME, and a URL
 * with no scheme at all unless a base is set. */
#define URL_SET_FLAGS   0
/* Get: no ":80" / ":443"; an IDN host in punycode. */
#define URL_GET_FLAGS   (CURLU_NO_DEFAULT_PORT | CURLU_PUNYCODE)

/*
 * The input after the first pass.  Escaping can triple a byte, but a
 * reference longer than SC_URL_MAX after escaping is refused: it could
 * only shrink back under the cap through dot segments, and real links
 * that do that do not exist.
 */
struct url_pre {
	char s[SC_URL_MAX + 1];
	size_t len;
	int scheme;             /* s starts with "http:" or "https:" */
	int idn;                /* the host has non-ASCII bytes */
};

static int url_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int url_is_unreserved(int c)
{
	return url_is_alpha(c) || url_is_digit(c) ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes that may not appear raw in a path or query (RFC 3986 section 2):
 * controls, space, non-ASCII and the excluded ASCII characters. */
static int url_must_escape(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 1;
	return c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
	       c == '`' || c == '{' || c == '|' || c == '}';
}

/* Browsers strip these anywhere in a URL (WHATWG URL, "basic URL parser"). */
static int url_is_tabnl(unsigned char c)
{
	return c == '\t' || c == '\n' || c == '\r';
}

static int url_pre_put(struct url_pre *p, char c)
{
	if (p->len >= SC_URL_MAX)
		return SC_ETOOBIG;
	p->s[p->len++] = c;
	return 0;
}

static int url_pre_escape(struct url_pre *p, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	if (p->len + 3 > SC_URL_MAX)
		return SC_ETOOBIG;
	p->s[p->len++] = '%';
	p->s[p->len++] = hex[c >> 4];
	p->s[p->len++] = hex[c & 15];
	return 0;
}

/*
 * Copy the bytes of s[i..end) normalizing their percent-encoding:
 * escapes of unreserved characters decoded, other escapes in uppercase,
 * a stray '%' and bytes that may not appear raw escaped (and '@' too when
 * at is set: in a userinfo).
 */
static int url_pre_span(struct url_pre *p, const char *s, size_t i,
			size_t end, int at)
{
	int err;

	for (; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi = -1, lo = -1;

			if (i + 2 < end) {
				hi = url_hexval(s[i + 1]);
				lo = url_hexval(s[i + 2]);
			}
			if (hi < 0 || lo < 0) {
				err = url_pre_escape(p, '%');
			} else {
				c = (unsigned char)(hi << 4 | lo);
				err = url_is_unreserved(c) ?
				      url_pre_put(p, (char)c) :
				      url_pre_escape(p, c);
				i += 2;
			}
		} else if (url_must_escape(c) || (at && c == '@')) {
			err = url_pre_escape(p, c);
		} else {
			err = url_pre_put(p, (char)c);
		}
		if (err)
			return err;
	}
	return 0;
}

/* Is the scheme of base the n bytes at s (any case)? */
static int url_same_scheme(CURLU *base, const char *s, size_t n)
{
	char *scheme = NULL;
	int same;

	if (curl_url_get(base, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		return 0;
	same = strlen(scheme) == n && strncasecmp(scheme, s, n) == 0;
	curl_free(scheme);
	return same;
}

/*
 * First pass over url, a reference to resolve against base (NULL: an
 * absolute URL), reading it as the URL Standard's basic URL parser reads
 * an http(s) URL: trim, drop tabs and newlines, cut the fragment, read
 * backslashes before the query as '/', find the authority and write it as
 * "//" authority, and normalize the percent-encoding of the userinfo, path
 * and query.  The host is percent-decoded and its trailing dots dropped
 * (curl checks it, turns an international name into punycode and a numeric
 * IPv4 one into dotted quad; url_finish checks what it made), and the port
 * is copied as it is.
 *
 * After "http:" or "https:" any number of slashes, zero too, introduce the
 * authority ("http:a.test", "http:///a.test" are "http://a.test/"; on an
 * http page "https:a.test/" is "https://a.test/": the Standard's special
 * authority ignore slashes state), except that against a base of the same
 * scheme fewer than two slashes make a relative reference: "http:g" is "g"
 * and "http:/g" is "/g" (the special relative or authority state; RFC 3986
 * section 5.4.2 allows it "for backward compatibility").
 */
static int url_prepare_body(const char *url, CURLU *base, struct url_pre *p)
{
	const unsigned char *u = (const unsigned char *)url, *e;
	char c[SC_URL_MAX + 1];
	size_t n = 0, i = 0, k, aend, hend, hstart, at, j;
	int auth = 0, query = 0, err;

	p->len = 0;
	p->scheme = 0;
	p->idn = 0;

	/* Leading and trailing C0 controls and spaces go, tabs and newlines
	 * anywhere, and the fragment. */
	while (*u && *u <= 0x20)
		u++;
	e = u + strlen((const char *)u);
	while (e > u && e[-1] <= 0x20)
		e--;
	if ((size_t)(e - u) > SC_URL_MAX)
		return SC_ETOOBIG;
	for (; u < e && *u != '#'; u++) {
		if (url_is_tabnl(*u))
			continue;
		if (*u == '?')
			query = 1;
		/* For http and https (the only schemes taken, and the base's)
		 * the URL Standard reads a backslash as '/' everywhere before
		 * the query: \\h\x is //h/x, http:\\h\x is http://h/x. */
		c[n++] = (char)(*u == '\\' && !query ? '/' : *u);
	}
	c[n] = '\0';

	/* scheme ":" (RFC 3986 section 3.1) */
	if (n && url_is_alpha(c[0])) {
		j = 1;
		while (j < n && (url_is_alpha(c[j]) || url_is_digit(c[j]) ||
				 c[j] == '+' || c[j] == '-' || c[j] == '.'))
			j++;
		if (j < n && c[j] == ':')
			i = j + 1;
	}
	/* Only http and https are wanted: refuse the others here, before
	 * curl spends a parse on them (and for those it knows, like ftp:,
	 * succeeds). */
	if (i && !((i == 5 && strncasecmp(c, "http:", 5) == 0) ||
		   (i == 6 && strncasecmp(c, "https:", 6) == 0)))
		return SC_ESCHEME;
	k = strspn(c + i, "/");
	if (i) {
		if (k < 2 && base && url_same_scheme(base, c, i - 1)) {
			auth = 0;               /* relative: drop "http:" */
		} else {
			memcpy(p->s, c, i);
			p->len = i;
			p->scheme = 1;
			auth = 1;
		}
	} else {
		auth = k >= 2;
	}
	if (!auth) {
		/* With "http:" dropped, "http:g:h" is the relative path
		 * "g:h", which curl would read as a URL of scheme "g" (and
		 * "http:http://x" as an absolute URL): a "./" in front keeps
		 * it a path (RFC 3986 section 4.2). */
		if (i && k == 0 && memchr(c + i, ':', strcspn(c + i, "/?")) &&
		    ((err = url_pre_put(p, '.')) || (err = url_pre_put(p, '/'))))
			return err;
		return url_pre_span(p, c, i, n, 0);
	}

	/* "//" userinfo "@" host ":" port, up to the path or query. */
	i += k;
	if ((err = url_pre_put(p, '/')) || (err = url_pre_put(p, '/')))
		return err;
	aend = i + strcspn(c + i, "/?");
	at = aend;
	for (j = i; j < aend; j++)
		if (c[j] == '@')
			at = j;
	if (at < aend) {
		if ((err = url_pre_span(p, c, i, at, 1)) ||
		    (err = url_pre_put(p, '@')))
			return err;
		i = at + 1;
	}
	if (c[i] == '[') {
		const char *rb = memchr(c + i, ']', aend - i);
		hend = rb ? (size_t)(rb - c) + 1 : aend;
	} else {
		hend = i + strcspn(c + i, ":");
		if (hend > aend)
			hend = aend;
	}
	/* The host is percent-decoded whole, as the URL Standard does before
	 * IDNA: so that the trailing dots dropped are all of them ("a.%2E" is
	 * "a"), that a numeric IPv4 host reaches curl without escapes (curl
	 * rewrites "7" as "0.0.0.7", not "7."), and that an escaped
	 * international name ("b%C3%BCcher") is one.  An escape of anything
	 * but an unreserved or a non-ASCII byte is no host name, nor is a '%'
	 * that starts no escape: left in, it would make one of the next bytes
	 * ("5%%338" would reach curl as "5%38", host "58").  IPv6 literals
	 * have their own rules ("[fe80::1%25eth0]"), which curl applies; in
	 * them only escapes of unreserved characters are decoded. */
	hstart = p->len;
	for (j = i; j < hend; j++) {
		unsigned char ch = (unsigned char)c[j];

		if (ch == '%' && c[i] != '[') {
			int hi = j + 2 < hend ? url_hexval(c[j + 1]) : -1;
			int lo = j + 2 < hend ? url_hexval(c[j + 2]) : -1;

			if (hi < 0 || lo < 0)
				return SC_EINVAL;
			ch = (unsigned char)(hi << 4 | lo);
			if (ch < 0x80 && !url_is_unreserved(ch))
				return SC_EINVAL;
			j += 2;
		} else if (ch == '%' && j + 2 < hend) {
			int hi = url_hexval(c[j + 1]), lo = url_hexval(c[j + 2]);

			if (hi >= 0 && lo >= 0 && url_is_unreserved(hi << 4 | lo)) {
				ch = (unsigned char)(hi << 4 | lo);
				j += 2;
			}
		}
		if (ch >= 0x80)
			p->idn = 1;
		if ((err = url_pre_put(p, (char)ch)))
			return err;
	}
	while (p->len > hstart && p->s[p->len - 1] == '.')
		p->len--;
	if (p->len == hstart)
		return SC_ENOHOST;
	for (j = hend; j < aend; j++)
		if ((err = url_pre_put(p, c[j])))
			return err;
	return url_pre_span(p, c, aend, n, 0);
}

static int url_prepare(const char *url, CURLU *base, struct url_pre *p)
{
	int err = url_prepare_body(url, base, p);

	p->s[p->len] = '\0';
	return err;
}

static int url_curl_err(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_UNSUPPORTED_SCHEME:
		return SC_ESCHEME;
	case CURLUE_NO_HOST:
		return SC_ENOHOST;
	default:
		return SC_EINVAL;
	}
}

/*
 * curl accepts host names that are no DNS names nor addresses (it decodes
 * "%41" in a host, lets controls through, reads "http:/\x7f" as host
 * "\x7f"); such a URL would not come out the same when normalized again.
 * Allowed: letters, digits, '-', '.', '_' (seen in real names), or an IPv6
 * literal with an optional zone ("%25" then unreserved characters).
 */
static int url_host_ok(const char *h, size_t n)
{
	size_t i = 0;

	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		for (i = 1; i < n - 1; i++) {
			char c = h[i];

			if (c == '%')
				break;
			if (!(url_is_digit(c) || (c >= 'a' && c <= 'f') ||
			      (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
				return 0;
		}
		if (i == n - 1)
			return 1;
		if (strncmp(h + i, "%25", 3) != 0 || i + 3 >= n - 1)
			return 0;
		for (i += 3; i < n - 1; i++)
			if (!url_is_unreserved(h[i]))
				return 0;
		return 1;
	}
	for (i = 0; i < n; i++)
		if (!(url_is_alpha(h[i]) || url_is_digit(h[i]) ||
		      h[i] == '-' || h[i] == '.' || h[i] == '_'))
			return 0;
	return 1;
}

/*
 * Second pass: from the URL curl built (scheme lowercase, default port
 * dropped, no fragment, a path that starts with "/") make our normal form
 * in a string the caller owns.  A host whose last label is a number is an
 * IPv4 address in the URL Standard, or no host at all: "0x7f.1" is
 * "127.0.0.1", "1.2.3.09" and "a.1" are SC_EINVAL.
 */
static int url_finish(const char *cu, char **out)
{
	size_t slen, alen, ulen, hlen, len;
	const char *auth, *aend, *at, *host, *hend, *rest;
	char *o, *w, quad[16];
	size_t k;
	int ipv4;

	if (!url_is_http(cu, &slen))
		return SC_ESCHEME;
	auth = cu + slen;
	alen = strcspn(auth, "/?#");
	aend = auth + alen;
	at = NULL;
	for (k = 0; k < alen; k++)
		if (auth[k] == '@')
			at = auth + k;
	host = at ? at + 1 : auth;
	ulen = (size_t)(host - auth);
	if (ulen == 1)
		ulen = 0;       /* "http://@a/" is "http://a/" */
	hend = url_host_end(host, aend);
	if (!hend)
		return SC_EINVAL;
	hlen = (size_t)(hend - host);
	if (*host != '[')
		while (hlen && host[hlen - 1] == '.')
			hlen--;
	if (hlen == 0)
		return SC_ENOHOST;
	if (!url_host_ok(host, hlen))
		return SC_EINVAL;
	rest = hend;            /* ":port", path, query */
	ipv4 = *host == '[' ? 0 : url_host_ipv4(host, hlen, quad);
	if (ipv4 < 0)
		return ipv4;
	if (ipv4) {
		host = quad;
		hlen = strlen(quad);
	}

	len = slen + ulen + hlen + strlen(rest);
	if (len > SC_URL_MAX)
		return SC_ETOOBIG;
	o = w = xmalloc(len + 1);
	memcpy(w, cu, slen);
	w += slen;
	if (ulen) {
		memcpy(w, auth, ulen);
		w += ulen;
	}
	for (k = 0; k < hlen; k++) {
		char c = host[k];
		*w++ = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	strcpy(w, rest);
	*out = o;
	return 0;
}

/* CURLUE_OK if the host curl makes of an international name is one that
 * url_host_ok() takes, trailing dots aside (none left is for url_finish
 * to refuse, SC_ENOHOST); else CURLUE_BAD_HOSTNAME. */
static CURLUcode url_idn_host_ok(CURLU *h)
{
	char *host = NULL;
	size_t n;
	CURLUcode rc;

	rc = curl_url_get(h, CURLUPART_HOST, &host, CURLU_PUNYCODE);
	if (rc != CURLUE_OK)
		return rc;
	n = strlen(host);
	while (n && host[n - 1] == '.')
		n--;
	rc = !n || url_host_ok(host, n) ? CURLUE_OK : CURLUE_BAD_HOSTNAME;
	curl_free(host);
	return rc;
}

/*
 * Get the whole URL out of h and finish it.  curl turns an international
 * host name into punycode with libidn2, which reads the input in the
 * charset of the current locale: in the "C" locale every non-ASCII name
 * fails.  Such names are rare, so only for them a UTF-8 locale is put on
 * this thread for the duration of the call.
 */
static int url_get(CURLU *h, int idn, char **out)
{
	locale_t lc = (locale_t)0, old = (locale_t)0;
	CURLUcode rc;
	char *cu = NULL;
	int err;

	if (idn) {
		lc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (lc)
			old = uselocale(lc);
	}
	rc = curl_url_get(h, CURLUPART_URL, &cu, URL_GET_FLAGS);
	/* UTS 46 maps a fullwidth '/', ':' or '@' to ASCII, and curl writes
	 * the result into the URL as it is ("a" U+FF0F "b" would come out
	 * as host "a", path "/b"): the URL Standard refuses such a host, and so
	 * do we, before url_finish reads the authority. */
	if (rc == CURLUE_OK && idn)
		rc = url_idn_host_ok(h);
	if (lc) {
		uselocale(old);
		freelocale(lc);
	}
	if (rc != CURLUE_OK) {
		curl_free(cu);
		return url_curl_err(rc);
	}
	err = url_finish(cu, out);
	curl_free(cu);
	return err;
}

int url_normalize(const char *url, char **out)
{
	struct url_pre pre;
	CURLU *h;
	CURLUcode rc;
	int err;

	*out = NULL;
	err = url_prepare(url, NULL, &pre);
	if (err)
		return err;
	if (!pre.scheme)
		return SC_EINVAL;
	h = curl_url();
	if (!h)
		return SC_EINVAL;
	rc = curl_url_set(h, CURLUPART_URL, pre.s, URL_SET_FLAGS);
	if (rc == CURLUE_OK)
		err = url_get(h, pre.idn, out);
	else
		err = url_curl_err(rc);
	curl_url_cleanup(h);
	return err;
}

void url_base_init(struct url_base *b)
{
	b->h = NULL;
	b->norm = NULL;
	b->origin = b->dir = 0;
}

void url_base_release(struct url_base *b)
{
	curl_url_cleanup(b->h);
	free(b->norm);
	url_base_init(b);
}

int url_base_set(struct url_base *b, const char *url)
{
	char *norm;
	CURLU *h;
	int err;

	/* The handle is built from the normal form, so that the base's host
	 * is ASCII and every URL resolved against it needs only the
	 * reference's own fix-ups. */
	err = url_normalize(url, &norm);
	if (err)
		return err;
	h = curl_url();
	if (!h) {
		free(norm);
		return SC_EINVAL;
	}
	if (curl_url_set(h, CURLUPART_URL, norm, URL_SET_FLAGS) != CURLUE_OK) {
		curl_url_cleanup(h);
		free(norm);
		return SC_EINVAL;
	}
	url_base_release(b);
	b->h = h;
	b->norm = norm;
	/* norm is "scheme://authority/path[?query]": mark the origin and the
	 * path's directory for url_fast_resolve() */
	{
		const char *auth = strstr(norm, "://") + 3;
		const char *path = auth + strcspn(auth, "/");
		const char *q = path + strcspn(path, "?");
		const char *slash = q;

		while (slash > path && slash[-1] != '/')
			slash--;
		b->origin = (size_t)(path - norm);
		b->dir = (size_t)(slash - norm);
	}
	return 0;
}

int url_base_resolve(const struct url_base *b, const char *ref, char **out)
{
	*out = NULL;
	if (url_fast_resolve(b, ref, out))
		return 0;
	return url_base_resolve_curl(b, ref, out);
}

int url_base_resolve_curl(const struct url_base *b, const char *ref, char **out)
{
	struct url_pre pre;
	const char *r;
	char *zone = NULL;
	CURLU *h;
	CURLUcode rc;
	int err;

	*out = NULL;
	if (!b->h)
		return SC_EINVAL;
	err = url_prepare(ref, b->h, &pre);
	if (err)
		return err;
	r = pre.s;
	/* An empty reference is the base itself (curl would give the base's
	 * directory). */
	if (*r == '\0')
		return url_get(b->h, 0, out);
	h = curl_url_dup(b->h);
	if (!h)
		return SC_EINVAL;
	/* libcurl 7.88's curl_url_dup() drops the zone id of an IPv6 host
	 * ("[fe80::1%25eth0]"): copy it, or a relative reference loses it.
	 * An absolute reference replaces it with its own, as it should. */
	if (curl_url_get(b->h, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK) {
		rc = curl_url_set(h, CURLUPART_ZONEID, zone, 0);
		curl_free(zone);
		if (rc != CURLUE_OK) {
			curl_url_cleanup(h);
			return SC_EINVAL;
		}
	}
	rc = curl_url_set(h, CURLUPART_URL, r, URL_SET_FLAGS);
	if (rc == CURLUE_OK)
		err = url_get(h, pre.idn, out);
	else
		err = url_curl_err(rc);
	curl_url_cleanup(h);
	return err;
}

int url_resolve(const char *base, const char *ref, char **out)
{
	struct url_base b;
	int err;

	*out = NULL;
	url_base_init(&b);
	err = url_base_set(&b, base);
	if (!err)
		err = url_base_resolve(&b, ref, out);
	url_base_release(&b);
	return err;
}
