/*
 * http.h - the small pieces of HTTP/1.1 the crawler handles itself.
 *
 * libcurl does the protocol; the shard asks it for the raw bytes (transfer
 * and content decoding off) so the WARC record holds what the server sent.
 * These functions then undo the codings where the crawler needs the payload:
 * de-chunking for the payload digest, gzip/deflate for link extraction.
 * Every output goes into a capped struct buf; a cap reached is not an error
 * but a truncated result (*complete = 0), which is what a crawler wants from
 * a gzip bomb.
 */
#ifndef SC_HTTP_H
#define SC_HTTP_H

#include <stddef.h>

#include "common/buf.h"

/*
 * Find header name (case-insensitive) in a raw header block (status line
 * and header lines, CRLF or LF).  Returns 1 and the value (leading and
 * trailing blanks trimmed) as pointer + length into hdr, or 0.
 * The first occurrence wins.
 */
int http_header(const char *hdr, size_t len, const char *name,
		const char **val, size_t *vlen);

/* Does a comma-separated header value contain token (case-insensitive)? */
int http_has_token(const char *val, size_t vlen, const char *token);

/*
 * Decode a chunked body of len bytes, appending the data to out.  *complete
 * is set to 1 when the terminating zero chunk was seen.  A malformed chunk
 * header ends decoding (what came before it is kept).  Returns 0, or
 * SC_ETOOBIG when out's cap was reached (what fit is kept).
 */
int http_dechunk(const char *in, size_t len, struct buf *out, int *complete);

/*
 * Undo a Content-Encoding of gzip, x-gzip or deflate (zlib or raw), appending
 * at most out->cap bytes.  Returns 0 (with *complete 0 if the stream was cut
 * or the cap reached), SC_EINVAL for an unknown coding or bytes that do not
 * decode at all.  "identity" and "" copy the input.
 */
int http_decode(const char *coding, size_t clen, const char *in, size_t len,
		struct buf *out, int *complete);

/* Is this Content-Type one we parse for links (text/html, xhtml)? */
int http_is_html(const char *ctype);

/* Parse a Retry-After value (seconds or HTTP date) relative to now (unix
 * seconds); returns the delay in seconds (>= 0), or -1 if it does not parse. */
long http_retry_after(const char *val, size_t vlen, long now);

#endif
