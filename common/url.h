/*
 * url.h - URL parsing, resolution and normalization, on libcurl's URL API.
 *
 * Every URL that enters the frontier is in normal form, so two spellings of
 * one resource compare equal as strings and hash to one fingerprint:
 *   - scheme http or https only (anything else: SC_ESCHEME);
 *   - scheme and host lowercase, a trailing dot of the host dropped,
 *     international names in punycode;
 *   - the default port (80 for http, 443 for https) dropped;
 *   - dot segments removed, an empty path becomes "/";
 *   - the fragment dropped;
 *   - percent-encoding normalized: escapes of unreserved characters
 *     (ALPHA DIGIT - . _ ~) decoded, other escapes in uppercase hex, bytes
 *     that may not appear raw (space, controls, non-ASCII) escaped;
 *   - userinfo, query kept (query escapes normalized as above);
 *   - at most SC_URL_MAX bytes (else SC_ETOOBIG).
 *
 * In detail (what url.c does, and tests/test_url.c checks):
 *   - input is read as browsers read an href: leading and trailing
 *     controls and spaces dropped, tabs and newlines dropped anywhere;
 *   - escaped: controls, space, bytes >= 0x7f, a '%' not followed by two
 *     hex digits, and the characters RFC 3986 never allows raw:
 *     " < > \ ^ ` { | } ('@' too inside a userinfo); an empty query
 *     ("a?") is dropped, an empty userinfo ("@a") too;
 *   - the host must be letters, digits, '-', '.', '_' (after punycode) or
 *     an IPv6 literal; curl rewrites numeric IPv4 forms ("0x7f.1" ->
 *     "127.0.0.1") and IPv6 literals ("[0:0::1]" -> "[::1]");
 *   - after "http:" any number of slashes but none start the authority
 *     ("http:/a", "http:///a" are "http://a/"), but against a base of the
 *     same scheme fewer than two make a relative reference ("http:g" is
 *     "g"), as RFC 3986 section 5.4.2 allows and browsers do;
 *   - a scheme other than http or https gives SC_ESCHEME even in a
 *     reference ("mailto:x", "javascript:..."); no scheme, SC_EINVAL for
 *     url_normalize();
 *   - the input is a C string: a NUL ends it.  links.c drops attribute
 *     values that held a NUL byte before they get here.  "%00" is kept.
 *   - an international host needs libidn2 to read UTF-8: url.c switches
 *     the calling thread to the C.UTF-8 locale for that one call.
 *
 * Nothing here is hand-rolled that curl_url() already does: parsing,
 * relative resolution (RFC 3986 section 5) and dot-segment removal are
 * libcurl's; this module adds the normalization steps on top.  One
 * exception, made for speed and checked against libcurl in the tests: a
 * reference whose path is made only of unreserved characters and '/' (no
 * dot segment), with an optional query of the same plus '=' and '&' and an
 * optional fragment, and which is either relative ("a/b", "/a/b") or an
 * absolute http(s) URL already in normal form (lowercase host or dotted
 * quad, no default port), is joined to the base by string concatenation,
 * which is all RFC 3986 resolution amounts to for it.  It saves ~10
 * allocations a link, most of link extraction's cost.
 *
 * The code is in url.c (normalization and resolution on libcurl),
 * url_fast.c (the fast path) and url_host.c (url_host_key(), url_host());
 * common/url_internal.h is what they share, and nothing else includes it.
 */
#ifndef SC_URL_H
#define SC_URL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Normalize an absolute URL.  On success returns 0 and stores a string the
 * caller owns (free() it) in *out; on failure returns SC_EINVAL (not an
 * absolute URL), SC_ESCHEME, SC_ENOHOST or SC_ETOOBIG, and *out is NULL.
 */
int url_normalize(const char *url, char **out);

/*
 * A parsed base URL, for resolving the many links of one page without
 * parsing the page URL again for each.
 * Lifecycle: url_base_init() -> url_base_set() ... -> url_base_release().
 */
struct url_base {
	void *h;        /* CURLU *, NULL when unset */
	char *norm;     /* the base in normal form */
	size_t origin;  /* bytes of "scheme://authority" in norm */
	size_t dir;     /* bytes of norm up to and with the path's last '/' */
};

void url_base_init(struct url_base *b);
/* Set or replace the base (an absolute URL); 0 or an error as above. */
int url_base_set(struct url_base *b, const char *url);
/* Resolve ref (absolute or relative) against the base and normalize it;
 * errors and ownership of *out as for url_normalize(). */
int url_base_resolve(const struct url_base *b, const char *ref, char **out);
void url_base_release(struct url_base *b);

/* url_base_resolve() without its fast path: every reference through
 * libcurl.  For tests, which check that both give the same answers. */
int url_base_resolve_curl(const struct url_base *b, const char *ref, char **out);

/* One-shot resolve (parses base each call). */
int url_resolve(const char *base, const char *ref, char **out);

/*
 * The host key of a normalized URL: lowercase host, ':' and the port, which
 * is always explicit ("a.test:80").  Writes a NUL-terminated key of at most
 * n - 1 bytes into out; returns its length, or SC_EINVAL / SC_ETOOBIG.
 * The URL must be in normal form: this is a cheap scan, not a parse.
 */
int url_host_key(const char *nurl, char *out, size_t n);

/* The host (no port) of a normalized URL, as a pointer into it and a length;
 * 0 or SC_EINVAL.  An IPv6 host keeps its brackets ("[::1]"), as in the
 * host key. */
int url_host(const char *nurl, const char **host, size_t *len);

#endif
