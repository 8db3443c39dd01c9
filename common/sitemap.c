/*
 * sitemap.c - sitemap files and robots.txt Sitemap lines (see sitemap.h).
 */
#include "common/sitemap.h"

#include "common/err.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/url.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Keep one entry of len bytes at s: trimmed, absolute http(s), normalized. */
static void keep_entry(struct links *out, const char *s, size_t len)
{
	char tmp[SC_URL_MAX + 1], *norm = NULL;

	while (len && is_blank((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && is_blank((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > SC_URL_MAX || memchr(s, '\0', len))
		return;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (strncasecmp(tmp, "http://", 7) != 0 && strncasecmp(tmp, "https://", 8) != 0)
		return;
	if (url_normalize(tmp, &norm) == 0)
		links_keep(out, norm);
	free(norm);
}

static void no_error(void *arg, const char *msg, xmlParserSeverities sev,
		     xmlTextReaderLocatorPtr loc)
{
	(void)arg;
	(void)msg;
	(void)sev;
	(void)loc;
}

/* Is this local name the one wanted (libxml2 gives it without a prefix)? */
static int named(xmlTextReaderPtr r, const char *want)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r);

	return n && strcmp((const char *)n, want) == 0;
}

static int parse_xml(struct links *out, const char *s, size_t len, enum sitemap_kind *kind)
{
	xmlTextReaderPtr r;
	int rc, root = 0;

	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	r = xmlReaderForMemory(s, (int)len, NULL, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			       XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!r)
		return SC_EINVAL;
	xmlTextReaderSetErrorHandler(r, no_error, NULL);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int depth;

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		depth = xmlTextReaderDepth(r);
		if (depth == 0) {
			if (named(r, "urlset"))
				*kind = SITEMAP_URLSET;
			else if (named(r, "sitemapindex"))
				*kind = SITEMAP_INDEX;
			else
				break;
			root = 1;
		} else if (depth == 2 && named(r, "loc")) {
			xmlChar *text = xmlTextReaderReadString(r);

			if (text)
				keep_entry(out, (const char *)text, strlen((const char *)text));
			xmlFree(text);
		}
	}
	xmlFreeTextReader(r);
	return root ? 0 : SC_EINVAL;
}

static void parse_text(struct links *out, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		keep_entry(out, s, n);
		s += n + 1;
	}
}

int sitemap_parse(struct links *out, struct buf *scratch, const char *body,
		  size_t len, enum sitemap_kind *kind)
{
	const char *s = body;
	size_t i = 0;
	int complete;

	links_reset(out);
	if (len >= 2 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b) {
		buf_reset(scratch);
		scratch->cap = SC_SITEMAP_BYTES_MAX;
		if (http_decode("gzip", 4, body, len, scratch, &complete) == 0) {
			s = scratch->data ? scratch->data : "";
			len = scratch->len;
		}
	}
	if (len > SC_SITEMAP_BYTES_MAX)
		len = SC_SITEMAP_BYTES_MAX;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && is_blank((unsigned char)s[i]))
		i++;
	if (i < len && s[i] == '<') {
		if (parse_xml(out, s, len, kind)) {
			links_reset(out);
			return SC_EINVAL;
		}
		return 0;
	}
	*kind = SITEMAP_TEXT;
	parse_text(out, s + i, len - i);
	return 0;
}

size_t sitemap_robots(struct links *out, const char *txt, size_t len)
{
	const char *end, *s = txt;
	size_t seen = 0;

	links_reset(out);
	if (len > SC_ROBOTS_MAX)
		len = SC_ROBOTS_MAX;
	end = txt + len;
	while (s < end) {
		const char *nl = s, *v;
		size_t n;

		while (nl < end && *nl != '\n' && *nl != '\r')
			nl++;
		n = (size_t)(nl - s);
		while (n && is_blank((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n > 8 && strncasecmp(s, "sitemap", 7) == 0) {
			v = s + 7;
			while (v < s + n && (*v == ' ' || *v == '\t'))
				v++;
			if (v < s + n && *v == ':') {
				const char *hash;
				size_t vn;

				v++;
				vn = (size_t)(s + n - v);
				/* a comment ends the value; URLs keep '#' escaped */
				hash = memchr(v, '#', vn);
				if (hash && (hash == v || is_blank((unsigned char)hash[-1])))
					vn = (size_t)(hash - v);
				keep_entry(out, v, vn);
				seen++;
			}
		}
		s = nl + 1;
	}
	return seen;
}
