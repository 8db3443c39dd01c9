/*
 * mimetype.h - media types for --accept-type / --reject-type.
 *
 * A pattern is "type/subtype", or "type/" then a star for any subtype
 * (image/<star>), lowercase, each part an HTTP
 * token (RFC 9110 section 8.3.1); mimetype_check() says whether a string is
 * one.  mimetype_match() compares a Content-Type header value with a list
 * of patterns: parameters (";charset=...") and surrounding blanks are left
 * out and case is ignored.  A response without a Content-Type is taken as
 * application/octet-stream, as RFC 9110 section 8.3 allows.
 */
#ifndef SC_MIMETYPE_H
#define SC_MIMETYPE_H

/* 0 when pat is a valid pattern, -1 when not. */
int mimetype_check(const char *pat);

/* 1 when content_type (NULL or "" for none) matches one of the n patterns. */
int mimetype_match(char *const *pats, int n, const char *content_type);

/*
 * Whether a 2xx response of this type is kept and followed under an accept
 * list and a reject list (either may be empty): not rejected, and accepted
 * when there is an accept list.
 */
int mimetype_allowed(char *const *accept, int naccept, char *const *reject,
		     int nreject, const char *content_type);

#endif
