/*
 * css2xpath.h - a documented subset of CSS selectors, translated to XPath
 * 1.0 so that one engine (libxml2's XPath) evaluates both kinds of rule.
 *
 * The subset (everything else is refused, never guessed at):
 *   E            an element by type name (ASCII, any case: HTML names are
 *                lowercased by the parser, so the name is too); * any element
 *   .c           the class attribute holds the token c
 *   #i           the id attribute is i
 *   [a]          attribute a is present
 *   [a=v]        ... equal to v
 *   [a^=v]       ... starting with v
 *   [a$=v]       ... ending with v
 *   [a*=v]       ... containing v
 *                (v: an identifier, or a '...' / "..." string without
 *                backslash escapes; attribute names are lowercased)
 *   :first-child the first element among its siblings
 *   :nth-child(n) the n-th (n a whole number from 1; no an+b forms)
 *   A B          B a descendant of A;  A > B  B a child of A
 *   S1, S2       either (an XPath union, results in document order)
 * Not supported: sibling combinators (+ ~), other pseudo-classes and
 * pseudo-elements, [a~=v] and [a|=v], namespaces, escapes.
 *
 * The XPath selects descendants of the context node, tested upwards:
 * "div.x > a" becomes
 * ".//a[parent::div[contains(concat(' ',normalize-space(@class),' '),' x ')]]",
 * so a selector applied to an item matches elements inside that item
 * (whose ancestors named by the selector may be outside it, as with a
 * browser's element.querySelectorAll()), and applied to the document
 * matches anywhere in it.  At most 32 compound selectors between commas.
 */
#ifndef SC_CSS2XPATH_H
#define SC_CSS2XPATH_H

#include <stddef.h>

#include "common/buf.h"

/* A selector longer than this is refused. */
#define CSS_SELECTOR_MAX 4096

/*
 * Translate the selector css into an XPath expression appended to out
 * (reset first).  Returns 0, or SC_EINVAL with a one-line reason in err
 * (n bytes) that names what is not supported and where ("unsupported
 * pseudo-class ':hover' at byte 4"); SC_ETOOBIG when css or the result
 * passes its cap.
 */
int css2xpath(const char *css, struct buf *out, char *err, size_t n);

#endif
