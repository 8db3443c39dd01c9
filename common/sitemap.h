/*
 * sitemap.h - sitemaps (sitemaps.org protocol 0.9) for --sitemaps: the
 * files that list a site's URLs, and the robots.txt lines that name them.
 *
 * sitemap_parse() reads one sitemap body, its Content-Encoding already
 * undone:
 *   - a gzip file (it starts with the gzip magic: a .xml.gz served without
 *     a Content-Encoding) is decompressed first;
 *   - at most SC_SITEMAP_BYTES_MAX uncompressed bytes (50 MB, the
 *     protocol's cap) are read; past it the rest is ignored;
 *   - XML (the first byte after blanks and a UTF-8 byte order mark is '<')
 *     is read with libxml2's XML reader, a stream: no tree, no network, no
 *     entity expansion, libxml2's own depth cap.  A <urlset> root lists
 *     pages, a <sitemapindex> root lists sitemaps; either way the entries
 *     are the <loc> children of the root's children (namespace prefixes
 *     ignored).  Any other root is not a sitemap (SC_EINVAL);
 *   - anything else is a text sitemap: one URL a line, blank lines skipped.
 * Each entry is trimmed, must be an absolute http(s) URL and is put in
 * normal form (common/url.h); others are skipped.  The URLs go to out
 * (common/links.h: deduplicated, capped by links_init()'s max, which
 * should be SC_SITEMAP_URLS_MAX, the protocol's 50,000); scratch holds the
 * decompressed file (its cap is set here).  A file cut short or malformed
 * keeps the entries read before the fault.
 *
 * sitemap_robots() reads the "Sitemap:" lines of a robots.txt body (at most
 * SC_ROBOTS_MAX bytes, key in any case, as RFC 9309 section 2.2.4 allows
 * them anywhere in the file, outside the groups) into out, with the same
 * rules for each URL.
 */
#ifndef SC_SITEMAP_H
#define SC_SITEMAP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/links.h"

enum sitemap_kind {
	SITEMAP_URLSET,         /* the entries are pages */
	SITEMAP_INDEX,          /* the entries are sitemaps */
	SITEMAP_TEXT,           /* a text file: pages */
};

/* Returns 0 with *kind set, or SC_EINVAL for XML that is not a sitemap
 * (out then holds nothing). */
int sitemap_parse(struct links *out, struct buf *scratch, const char *body,
		  size_t len, enum sitemap_kind *kind);

/* Returns the number of Sitemap lines seen (kept or not). */
size_t sitemap_robots(struct links *out, const char *txt, size_t len);

#endif
