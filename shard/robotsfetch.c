#include "shard/robotsfetch.h"

#include "common/buf.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/robots.h"
#include "shard/policy.h"
#include "shard/sched.h"
#include "shard/shard.h"
#include "shard/xfer.h"

#include <stdio.h>
#include <string.h>

const char *robotsfetch_path(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p ? p : "/";
}

void robotsfetch_url(const char *page_url, char *out, size_t n)
{
	const char *path = robotsfetch_path(page_url);

	snprintf(out, n, "%.*s/robots.txt", (int)(path - page_url), page_url);
}

void robotsfetch_body(const struct xfer *x, struct buf *chunks, struct buf *plain,
		      const char **body, size_t *len)
{
	const char *te, *ce = "", *pay = x->body.data;
	size_t te_len, ce_len = 0, pay_len = x->body.len;
	int complete;

	buf_init(chunks, SC_ROBOTS_MAX);
	buf_init(plain, SC_ROBOTS_MAX);
	if (http_header(x->hdr.data, x->hdr.len, "Transfer-Encoding", &te, &te_len) &&
	    http_has_token(te, te_len, "chunked")) {
		http_dechunk(pay, pay_len, chunks, &complete);
		pay = chunks->data;
		pay_len = chunks->len;
	}
	if (http_header(x->hdr.data, x->hdr.len, "Content-Encoding", &ce, &ce_len) &&
	    ce_len && http_decode(ce, ce_len, pay, pay_len, plain, &complete) == 0) {
		pay = plain->data;
		pay_len = plain->len;
	}
	*body = pay ? pay : "";
	*len = pay_len;
}

/* The rules of a robots.txt body as received. */
static struct robots *robotsfetch_parse(const struct xfer *x, const char *token)
{
	struct buf chunks, plain;
	const char *pay;
	size_t pay_len;
	struct robots *r;

	robotsfetch_body(x, &chunks, &plain, &pay, &pay_len);
	r = robots_parse(pay, pay_len, token);
	buf_release(&chunks);
	buf_release(&plain);
	return r;
}

enum robotsfetch_verdict robotsfetch_done(struct policy *p, struct xfer *x,
					  CURLcode rc, uint64_t now,
					  uint64_t *at_us, char *why, size_t n)
{
	const struct shard_config *cfg = p->cfg;
	struct host *h = x->host;
	long status = xfer_status(x), delay;
	char reason[CURL_ERROR_SIZE + 96];

	if ((rc == CURLE_OK && status >= 200 && status < 300) ||
	    (rc == CURLE_WRITE_ERROR && x->truncated)) {
		robots_free(h->robots);
		h->robots = robotsfetch_parse(x, cfg->robots_token);
	} else if ((rc == CURLE_OK && status >= 300 && status < 500) ||
		   rc == CURLE_TOO_MANY_REDIRECTS) {
		robots_free(h->robots);
		h->robots = NULL;       /* "unavailable": everything allowed */
	} else {
		/* "unreachable": nothing allowed for now; ask again later */
		if (rc == CURLE_OK)
			snprintf(reason, sizeof(reason), "HTTP %ld", status);
		else
			xfer_reason(x, rc, reason, sizeof(reason));
		if (h->robots_at) {
			/* a refetch: the cached rules stay good while robots.txt
			 * is unreachable (RFC 9309 §2.4), for another max age */
			log_info("host '%s': robots.txt unreachable (%s), keeping "
				 "the rules read before", h->key, reason);
			*at_us = now + h->gap_us;
			return ROBOTSFETCH_OPEN;
		}
		if (++h->robots_failures > cfg->retries) {
			snprintf(why, n, "robots: robots.txt unavailable (%s)", reason);
			return ROBOTSFETCH_GIVE_UP;
		}
		*at_us = now + policy_backoff_us(p, (uint32_t)h->robots_failures);
		return ROBOTSFETCH_AGAIN;
	}
	h->robots_failures = 0;
	delay = robots_delay_ms(h->robots);
	if (delay > cfg->max_crawl_delay_ms)
		delay = cfg->max_crawl_delay_ms;
	if (delay >= 0 && (uint64_t)delay * 1000 > h->gap_us)
		h->gap_us = (uint64_t)delay * 1000;
	/* the robots.txt request counts: the first page waits the gap */
	*at_us = now + h->gap_us;
	log_debug("host '%s': %zu robots rules, gap %llu ms", h->key,
		  robots_rules(h->robots), (unsigned long long)(h->gap_us / 1000));
	return ROBOTSFETCH_OPEN;
}
