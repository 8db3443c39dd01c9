/*
 * embed.h - page requisites of one HTML start tag: what a browser fetches
 * to render the page (not what it navigates to, which are links: links.h).
 *
 *   img            src, srcset
 *   source         src, srcset (in picture, video, audio)
 *   link           href when rel has one of the tokens stylesheet, icon,
 *                  apple-touch-icon, apple-touch-icon-precomposed, mask-icon,
 *                  preload, modulepreload, manifest (rel is a token list, any
 *                  case: "shortcut icon" and "alternate stylesheet" count)
 *   script         src
 *   object         data
 *   embed          src
 *   video          src, poster
 *   audio, track   src
 *   input          src when type is "image" (any case)
 *   any element    its style attribute, as CSS (css.h)
 *
 * srcset is read as the HTML standard's "parse a srcset attribute" reads it
 * (candidates split at commas, a URL then descriptors; parentheses in
 * descriptors kept together), at most SC_SRCSET_MAX candidates.  Values are
 * given as they stand in the document: the caller resolves them.
 */
#ifndef SC_EMBED_H
#define SC_EMBED_H

#include <stddef.h>

/* What embed_element() found. */
enum embed_kind {
	EMBED_URL,              /* a reference to resolve and fetch */
	EMBED_CSS,              /* CSS text (a style attribute) to scan */
};

/*
 * For the start tag name with attributes atts (NULL, or name/value pairs
 * ending with a NULL name, as libxml2's SAX gives them; a NULL value is an
 * attribute without one), call fn(arg, kind, s, n) for each requisite
 * value; s is n bytes, not NUL-terminated for srcset candidates.
 */
void embed_element(const char *name, const char *const *atts,
		   void (*fn)(void *arg, enum embed_kind kind, const char *s, size_t n),
		   void *arg);

/*
 * The URLs of a srcset value: fn(arg, url, n) for each candidate (n bytes
 * at url, not NUL-terminated), at most max of them.  Returns how many.
 */
size_t embed_srcset(const char *s, size_t max,
		    void (*fn)(void *arg, const char *url, size_t n), void *arg);

#endif
