/*
 * shop.h - shop.test, the test server's small shop (tests/testsrv.md):
 * what each page holds and, from the same data, the items a crawl with
 * data/extract/shop.yaml must extract.  Pure functions, no I/O but the
 * FILE given: testsrv serves the pages and prints the items
 * (--shop-items); nothing here knows the crawler.
 *
 *   /               links to /list/1 and /about.html
 *   /about.html     a leaf
 *   /list/N         N = 1..SHOP_LISTS: SHOP_PER_LIST product cards
 *                   (a.product -> /product/ID), an ad (a.ad -> /promo/N.html,
 *                   which a crawl following only the rule's links never
 *                   requests), a.next -> /list/N+1 (not on the last), and a
 *                   nav link to /about.html
 *   /product/ID     ID = 1..SHOP_LISTS * SHOP_PER_LIST: div.product with h1,
 *                   span.price (none when ID % 13 == 0), img.main (relative
 *                   src), ul.tags, a related link (a.related -> the next
 *                   product) and an ad; OpenGraph and description <meta>;
 *                   a JSON-LD Product (not JSON when ID % 17 == 0)
 *   /promo/N.html   a leaf that must never be requested
 */
#ifndef SHOP_H
#define SHOP_H

#include <stddef.h>
#include <stdio.h>

#define SHOP_LISTS    8
#define SHOP_PER_LIST 10
#define SHOP_PRODUCTS (SHOP_LISTS * SHOP_PER_LIST)

/* The page at path (no query) into buf (n bytes): its length, or -1 for
 * a 404, -2 when buf is too small.  *ctype gets its Content-Type. */
int shop_page(const char *path, char *buf, size_t n, const char **ctype);

/* The expected items.jsonl lines, without the WARC fields, in product
 * order, for a crawl of http://shop.test:port/. */
void shop_items(FILE *out, int port);

#endif
