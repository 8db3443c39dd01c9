/*
 * css.h - the URLs a stylesheet refers to: url(...) and @import.
 *
 * A small scanner, not a parser: it walks the text once, as CSS Syntax
 * Level 3 tokenizes it, far enough to know what is a comment (skipped), a
 * string (skipped, unless it follows @import), an escape, and a url(
 * function (the identifier "url", any case, not the tail of a longer
 * identifier such as "myurl(").  What it gives:
 *
 *   url(x)  url( "x" )  url('x')        the reference x, unescaped
 *   @import "x";  @import url(x);       x, with import set
 *
 * Escapes are undone (\" , \\, and hex escapes \26 or \000026 followed by
 * one optional white space, as UTF-8; \0 and surrogates become U+FFFD).  An
 * unquoted url() holding a quote, '(' or a control byte is a "bad url" and
 * gives nothing; an unterminated string, comment or url() at the end of the
 * input ends the scan (what came before is kept).  Not seen: references in
 * strings of image-set() and the like, and a url( spelled with escapes.
 *
 * Bounded: at most SC_CSS_MAX bytes are read, at most max references given,
 * each at most SC_URL_MAX bytes (a longer one is skipped).  Nothing is
 * allocated; the reference passed to fn is a NUL-terminated copy on the
 * stack, valid during the call only.
 */
#ifndef SC_CSS_H
#define SC_CSS_H

#include <stddef.h>

/*
 * Scan len bytes of css (not NUL-terminated, may hold NUL bytes) and call
 * fn(arg, ref, import) for each reference, in order, up to max of them
 * (an empty reference is not given).  Returns how many were given.
 */
size_t css_scan(const char *css, size_t len, size_t max,
		void (*fn)(void *arg, const char *ref, int import), void *arg);

#endif
