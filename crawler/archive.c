#include "crawler/archive.h"

#include "common/log.h"
#include "crawler/cdxj.h"

#include <string.h>

int archive_open(struct archive *a, const struct crawl_config *cfg, int resume)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->rc.fd = -1;
	revisit_init(&a->rv, cfg->dedup, cfg->outdir, cfg->recrawl, cfg->warc_level);
	if (resume)
		revisit_load(&a->rv);
	if (cfg->recrawl && recrawl_open(&a->rc, cfg->recrawl))
		return -1;
	return 0;
}

void archive_release(struct archive *a)
{
	revisit_release(&a->rv);
	recrawl_release(&a->rc);
}

void archive_url(struct archive *a, struct msg_url *u)
{
	int prev = a->rc.dir && recrawl_find(&a->rc, u->url, &a->prev);

	u->etag = prev ? a->prev.etag : "";
	u->last_modified = prev ? a->prev.last_modified : "";
	if (revisit_wanted(&a->rv, prev))
		u->flags |= MSG_URL_REVISIT;
}

void archive_result(struct archive *a, const char *url, struct msg_result *r,
		    const void *blob, size_t blob_len, const void **rec,
		    size_t *rec_len, uint32_t *resp_len, struct pages_where *w)
{
	int prev = a->rc.dir && recrawl_find(&a->rc, url, &a->prev);

	*rec = blob;
	*rec_len = blob_len;
	*resp_len = r->warc_resp_len;
	w->revisit = revisit_result(&a->rv, url, r, prev ? &a->prev : NULL, blob,
				    rec, rec_len, resp_len);
	if (!a->rc.dir)
		return;
	if (!prev)
		w->recrawl = "new";
	else if (w->revisit && strcmp(w->revisit, REVISIT_NOT_MODIFIED) == 0)
		w->recrawl = "not-modified";
	else
		w->recrawl = r->digest && strcmp(a->prev.digest, r->digest) == 0 ?
			     "unchanged" : "changed";
}

void archive_stored(struct archive *a, const char *url, const struct msg_result *r,
		    const struct pages_where *w)
{
	revisit_stored(&a->rv, url, r, w->warc_file, w->offset, w->revisit);
}

int archive_index(const struct crawl_config *cfg)
{
	struct cdxj_counts n;
	int rc;

	if (cfg->no_cdxj)
		return 0;
	rc = cdxj_build(cfg->outdir, &n);
	log_info("index.cdxj: %llu lines, %llu records, %llu bytes read",
		 (unsigned long long)n.lines, (unsigned long long)n.records,
		 (unsigned long long)n.bytes);
	return rc;
}
