#include "crawler/recrawl.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "crawler/pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A line whose record a new capture can refer to. */
static int revisitable(const char *line)
{
	uint64_t status = 0, off;
	char file[64];

	if (!pages_num(line, "status", &status) || strstr(line, "\"error\":") ||
	    !pages_str(line, "warc_file", file, sizeof(file)) ||
	    !pages_num(line, "warc_offset", &off))
		return 0;
	return (status >= 200 && status < 300) || status == 304;
}

/* The robots.txt lines of a crawl are not pages to queue again. */
static int is_robots(const char *url)
{
	const char *p = strstr(url, "://");
	const char *slash = p ? strchr(p + 3, '/') : NULL;

	return slash && strcmp(slash, "/robots.txt") == 0;
}

int recrawl_open(struct recrawl *rc, const char *dir)
{
	char path[4096];
	uint64_t pos = 0;
	FILE *fp;
	int full = 0;

	memset(rc, 0, sizeof(*rc));
	rc->fd = -1;
	rc->dir = xstrdup(dir);
	rc->line = xmalloc(SC_SETTINGS_LINE_MAX);
	rc->url = xmalloc(SC_URL_MAX + 1);
	fpmap_init(&rc->map, RECRAWL_SLOTS_MAX);
	snprintf(path, sizeof(path), "%s/pages.jsonl", dir);
	rc->fd = open(path, O_RDONLY | O_CLOEXEC);
	fp = rc->fd >= 0 ? fdopen(dup(rc->fd), "r") : NULL;
	if (!fp) {
		log_error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(rc->line, SC_SETTINGS_LINE_MAX, fp)) {
		size_t len = strlen(rc->line);
		uint64_t at = pos;

		pos += len;
		if (!len || rc->line[len - 1] != '\n')
			continue;   /* a cut last line, or one past the cap */
		if (!revisitable(rc->line) ||
		    !pages_str(rc->line, "url", rc->url, SC_URL_MAX + 1))
			continue;
		if (fpmap_put(&rc->map, fpmap_key(rc->url, strlen(rc->url)), at)) {
			if (!full++)
				log_warn("'%s': more URLs than the recrawl table holds; "
					 "the rest are fetched unconditionally", path);
			continue;
		}
		rc->urls++;
	}
	fclose(fp);
	return 0;
}

void recrawl_release(struct recrawl *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	fpmap_release(&rc->map);
	free(rc->dir);
	free(rc->line);
	free(rc->url);
	memset(rc, 0, sizeof(*rc));
	rc->fd = -1;
}

int recrawl_find(struct recrawl *rc, const char *url, struct recrawl_prev *p)
{
	uint64_t at, v;
	ssize_t got;
	char *nl;

	if (!rc->dir || !fpmap_get(&rc->map, fpmap_key(url, strlen(url)), &at))
		return 0;
	got = pread(rc->fd, rc->line, SC_SETTINGS_LINE_MAX - 1, (off_t)at);
	if (got <= 0)
		return 0;
	rc->line[got] = '\0';
	nl = strchr(rc->line, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	if (!pages_str(rc->line, "url", rc->url, SC_URL_MAX + 1) || strcmp(rc->url, url))
		return 0;   /* another URL with the same fingerprint */
	memset(p, 0, sizeof(*p));
	pages_str(rc->line, "etag", p->etag, sizeof(p->etag));
	pages_str(rc->line, "last_modified", p->last_modified, sizeof(p->last_modified));
	pages_str(rc->line, "digest", p->digest, sizeof(p->digest));
	pages_str(rc->line, "warc_file", p->warc_file, sizeof(p->warc_file));
	pages_num(rc->line, "warc_offset", &p->offset);
	if (pages_num(rc->line, "status", &v))
		p->status = (uint32_t)v;
	return 1;
}

int recrawl_each(struct recrawl *rc, recrawl_fn *fn, void *arg)
{
	char path[4096], *ref = xmalloc(SC_URL_MAX + 1);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/pages.jsonl", rc->dir);
	fp = fopen(path, "r");
	if (!fp) {
		log_error("cannot read '%s': %s", path, strerror(errno));
		free(ref);
		return -1;
	}
	while (fgets(rc->line, SC_SETTINGS_LINE_MAX, fp)) {
		size_t len = strlen(rc->line);
		uint64_t depth = 0, level;

		if (!len || rc->line[len - 1] != '\n' ||
		    !pages_str(rc->line, "url", rc->url, SC_URL_MAX + 1) ||
		    is_robots(rc->url))
			continue;
		pages_num(rc->line, "depth", &depth);
		level = 0;
		if (strstr(rc->line, ",\"requisite\":true,") &&
		    (!pages_num(rc->line, "level", &level) || level == 0 || level > 255))
			level = 1;
		fn(arg, rc->url, (uint32_t)depth,
		   pages_str(rc->line, "referrer", ref, SC_URL_MAX + 1) ? ref : NULL,
		   (uint32_t)level, strstr(rc->line, ",\"kind\":\"sitemap\",") != NULL);
	}
	fclose(fp);
	free(ref);
	return 0;
}
