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
 * In detail (what url.c does, and tests/test_url.c checks).  A reference
 * is read as the WHATWG URL Standard's basic URL parser reads an http(s)
 * URL, which is how browsers read an href, wherever that changes what is
 * requested; the normalization above is then applied to what it reads:
 *   - leading and trailing C0 controls and spaces dropped, tabs and
 *     newlines dropped anywhere;
 *   - a backslash is a '/' everywhere before the query: "\\h/x" is
 *     "//h/x", "/\h" is "//h", "http:\\h\x" is "http://h/x", "a\b"
 *     is "a/b"; in the query it is escaped (%5C), in the fragment dropped;
 *   - after "http:" or "https:" any number of slashes, none too, start
 *     the authority ("http:a.test", "http:///a.test" are "http://a.test/";
 *     on an http page "https:a.test/" is "https://a.test/"), but against
 *     a base of the same scheme fewer than two make a relative reference
 *     ("http:g" is "g", "http:/g" is "/g"), as RFC 3986 section 5.4.2
 *     allows;
 *   - the host is percent-decoded ("b%C3%BCcher.test" is
 *     "xn--bcher-kva.test"), mapped by UTS 46 (libidn2, through curl:
 *     fullwidth letters, digits and full stop U+FF0E, the ideographic full
 *     stop U+3002 become ASCII, letters lowercase) and put in punycode;
 *     it must then be letters, digits, '-', '.', '_' or an IPv6 literal
 *     (stricter than the Standard, which allows a few more ASCII symbols
 *     no DNS name has): a mapped fullwidth '/', ':' or '@' is SC_EINVAL,
 *     not a new authority;
 *   - a host whose last label is a number (decimal digits, or "0x" and hex
 *     digits) is an IPv4 address or SC_EINVAL: 1 to 4 parts of decimal,
 *     "0x" hex or leading-"0" octal, the last filling the bytes left,
 *     written as a dotted quad ("0x7f.1" and fullwidth "0x7f.1" are
 *     "127.0.0.1"; "1.2.3.09", "256.1.1.1", "a.1" are refused); IPv6
 *     literals as curl writes them ("[0:0::1]" -> "[::1]");
 *   - escaped: controls, space, bytes >= 0x7f, a '%' not followed by two
 *     hex digits, and the characters RFC 3986 never allows raw:
 *     " < > \ ^ ` { | } ('@' too inside a userinfo); an empty query
 *     ("a?") is dropped, an empty userinfo ("@a") too;
 *   - a scheme other than http or https gives SC_ESCHEME even in a
 *     reference ("mailto:x", "javascript:..."); no scheme, SC_EINVAL for
 *     url_normalize();
 *   - the input is a C string: a NUL ends it.  links.c drops attribute
 *     values that held a NUL byte before they get here.  "%00" is kept.
 *   - an international host needs libidn2 to read UTF-8: url.c switches
 *     the calling thread to the C.UTF-8 locale for that one call;
 *   - not as the Standard: all trailing dots of a host are dropped (it
 *     keeps them); IPv6 zones ("[fe80::1%25eth0]") are kept (it refuses
 *     them); IDNA is libidn2's, which refuses some labels UTS 46 allows
 *     ("-a" with non-ASCII letters); a few ASCII bytes are escaped where
 *     browsers send them raw ('|' in the path, \ ^ ` { | } in the query)
 *     and a "'" in the query is kept raw where they escape it.
 *
 * Every URL that comes out, of url_normalize() or a resolution, is a fixed
 * point: it normalizes to itself (tests/test_url.c checks it over generated
 * references, the url fuzzer over what it finds).
 *
 * Nothing here is hand-rolled that curl_url() already does: parsing,
 * relative resolution (RFC 3986 section 5) and dot-segment removal are
 * libcurl's; this module adds the normalization steps on top.  Two
 * exceptions.  The IPv4 reading of a host (url_host.c) is redone on what
 * curl made, because curl reads it before IDNA mapping and takes less
 * than the Standard for a number.  And, made for speed and checked against
 * libcurl in the tests: a reference whose path is made only of unreserved
 * characters and '/' (no dot segment), with an optional query of the same
 * plus '=' and '&' and an optional fragment, and which is either relative
 * ("a/b", "/a/b") or an absolute http(s) URL already in normal form
 * (lowercase host or dotted quad, no default port), is joined to the base
 * by string concatenation, which is all RFC 3986 resolution amounts to for
 * it.  It saves ~10 allocations a link, most of link extraction's cost.
 *
 * The code is in url.c (normalization and resolution on libcurl),
 * url_fast.c (the fast path) and url_host.c (the IPv4 reading of a host,
 * url_host_key(), url_host()); common/url_internal.h is what they share,
 * and nothing else includes it.
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
