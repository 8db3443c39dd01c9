/*
 * jsonld.h - checking and compacting the JSON text of a JSON-LD block
 * (<script type="application/ld+json">), so that what goes into items.jsonl
 * is always one valid JSON value, whatever the page held.
 *
 * The parser is RFC 8259 and nothing more: one value, surrounded by
 * optional white space; strings must be valid UTF-8 without raw control
 * characters, numbers follow the grammar (copied as written), nesting is
 * capped at JSONLD_DEPTH_MAX and the text at JSONLD_TEXT_MAX bytes.  It
 * recurses at most JSONLD_DEPTH_MAX deep and reads each byte once.  The
 * value is written back without the white space between tokens.
 */
#ifndef SC_JSONLD_H
#define SC_JSONLD_H

#include <stddef.h>

#include "common/buf.h"

#define JSONLD_DEPTH_MAX  64            /* nested arrays and objects */
#define JSONLD_TEXT_MAX   (1u << 20)    /* bytes of one block */

/*
 * Check the JSON text s (n bytes) and append its value, compacted, to out.
 * Returns 0; SC_EINVAL for text that is not one JSON value, with a reason
 * in err ("byte 17: expected ',' or '}'"); SC_ETOOBIG past a cap or when
 * out is full.  On failure out is as it was.
 */
int jsonld_compact(const char *s, size_t n, struct buf *out, char *err, size_t errn);

#endif
