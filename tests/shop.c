/*
 * shop.c - the pages and expected items of shop.test (see shop.h).  Every
 * product's data comes from shop_product(), which both sides use.
 */
#include "tests/shop.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct product {
	unsigned id;
	char name[64];
	char price[16];         /* "" when it has none */
	char tag[2][16];
	int jsonld_ok;
};

static void shop_product(unsigned id, struct product *p)
{
	static const char *const adj[] = { "Blue", "Steel", "Tiny", "Grand", "Quiet" };
	static const char *const noun[] = { "Kettle", "Lamp", "Chair", "Clock" };

	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->name, sizeof(p->name), "%s %s %u", adj[id % 5], noun[id % 4], id);
	if (id % 13 != 0)
		snprintf(p->price, sizeof(p->price), "%u.%02u", 3 + id * 7 % 90, id * 37 % 100);
	snprintf(p->tag[0], sizeof(p->tag[0]), "t%u", id % 3);
	snprintf(p->tag[1], sizeof(p->tag[1]), "u%u", id % 5);
	p->jsonld_ok = id % 17 != 0;
}

struct out {
	char *p;
	size_t len, n;
	int over;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->over)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->p + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->n - o->len)
		o->over = 1;
	else
		o->len += (size_t)k;
}

static void head(struct out *o, const char *title)
{
	put(o, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n",
	    title);
}

static void list_page(struct out *o, unsigned n)
{
	unsigned k;

	head(o, "Shop");
	put(o, "</head><body>\n<nav><a href=\"/about.html\">about</a></nav>\n"
	    "<div class=\"grid\">\n");
	for (k = 0; k < SHOP_PER_LIST; k++) {
		struct product p;

		shop_product((n - 1) * SHOP_PER_LIST + k + 1, &p);
		put(o, " <div class=\"card\"><a class=\"product\" href=\"/product/%u\">%s</a>"
		    " <span class=\"price\">%s</span></div>\n", p.id, p.name, p.price);
	}
	put(o, "</div>\n<a class=\"ad\" href=\"/promo/%u.html\">sale!</a>\n", n);
	if (n < SHOP_LISTS)
		put(o, "<a class=\"next\" href=\"/list/%u\">next</a>\n", n + 1);
	put(o, "</body></html>\n");
}

static void product_page(struct out *o, unsigned id)
{
	struct product p;

	shop_product(id, &p);
	head(o, p.name);
	put(o, "<meta property=\"og:title\" content=\"%s\">\n"
	    "<meta property=\"og:type\" content=\"product\">\n"
	    "<meta name=\"description\" content=\"The  %s,\n  in stock.\">\n",
	    p.name, p.name);
	if (p.jsonld_ok)
		put(o, "<script type=\"application/ld+json\">\n{ \"@context\": "
		    "\"https://schema.org\", \"@type\": \"Product\",\n  \"name\": \"%s\", "
		    "\"sku\": %u }\n</script>\n", p.name, p.id);
	else
		put(o, "<script type=\"application/ld+json\">{ \"@type\": \"Product\", "
		    "\"name\": \"%s\", }</script>\n", p.name);
	put(o, "</head><body>\n<div class=\"product\">\n  <h1> %s </h1>\n", p.name);
	if (p.price[0])
		put(o, "  <p>Price: <span class=\"price\">EUR %s</span></p>\n", p.price);
	put(o, "  <img class=\"main\" src=\"../img/%u.jpg\">\n"
	    "  <ul class=\"tags\"><li> %s </li><li>%s</li></ul>\n</div>\n"
	    "<a class=\"related\" href=\"/product/%u\">related</a>\n"
	    "<a class=\"ad\" href=\"/promo/%u.html\">sale!</a>\n</body></html>\n",
	    p.id, p.tag[0], p.tag[1], id % SHOP_PRODUCTS + 1, id % SHOP_LISTS + 1);
}

/* A number in 1..max spelled without a leading zero, or 0. */
static unsigned number(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	if (*s < '1' || *s > '9')
		return 0;
	v = strtoul(s, &end, 10);
	return *end || v > max ? 0 : (unsigned)v;
}

int shop_page(const char *path, char *buf, size_t n, const char **ctype)
{
	struct out o = { buf, 0, n, 0 };
	unsigned k;

	*ctype = "text/html; charset=utf-8";
	if (strcmp(path, "/") == 0) {
		head(&o, "shop.test");
		put(&o, "</head><body><a href=\"/list/1\">shop</a> "
		    "<a href=\"/about.html\">about</a></body></html>\n");
	} else if (strcmp(path, "/about.html") == 0 ||
		   (strncmp(path, "/promo/", 7) == 0 && strstr(path, ".html"))) {
		head(&o, "leaf");
		put(&o, "</head><body><p>leaf</p></body></html>\n");
	} else if (strncmp(path, "/list/", 6) == 0 && (k = number(path + 6, SHOP_LISTS))) {
		list_page(&o, k);
	} else if (strncmp(path, "/product/", 9) == 0 &&
		   (k = number(path + 9, SHOP_PRODUCTS))) {
		product_page(&o, k);
	} else {
		return -1;
	}
	return o.over ? -2 : (int)o.len;
}

void shop_items(FILE *out, int port)
{
	unsigned id;

	for (id = 1; id <= SHOP_PRODUCTS; id++) {
		struct product p;

		shop_product(id, &p);
		if (!p.price[0])
			continue;       /* required: dropped */
		fprintf(out, "{\"url\":\"http://shop.test:%d/product/%u\",\"name\":\"%s\","
			"\"price\":\"%s\",\"image\":\"http://shop.test:%d/img/%u.jpg\","
			"\"tags\":[\"%s\",\"%s\"],\"jsonld\":[", port, id, p.name, p.price,
			port, id, p.tag[0], p.tag[1]);
		if (p.jsonld_ok)
			fprintf(out, "{\"@context\":\"https://schema.org\",\"@type\":\"Product\","
				"\"name\":\"%s\",\"sku\":%u}", p.name, id);
		fprintf(out, "],\"meta\":{\"og:title\":\"%s\",\"og:type\":\"product\","
			"\"description\":\"The %s, in stock.\"}}\n", p.name, p.name);
	}
}
