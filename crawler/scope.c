#include "crawler/scope.h"

#include "common/limits.h"
#include "common/log.h"
#include "common/url.h"

#include <string.h>
#include <strings.h>

void scope_init(struct scope *s, const struct crawl_config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	seen_init(&s->units, 64);
	if (cfg->scope == SCOPE_DOMAIN) {
		s->psl = psl_latest(NULL);
		if (!s->psl)
			s->psl = psl_builtin();
		if (!s->psl)
			log_warn("no public suffix list: --scope domain compares whole hosts");
	}
}

void scope_release(struct scope *s)
{
	seen_release(&s->units);
	/* psl_latest()'s context is ours; psl_builtin()'s is static and
	 * psl_free() knows it */
	if (s->psl)
		psl_free((psl_ctx_t *)s->psl);
	s->psl = NULL;
}

/* The scope unit of a host: itself, or its registrable domain. */
static uint64_t unit_of(const struct scope *s, const char *host, size_t len)
{
	char tmp[SC_HOST_MAX + 1];
	const char *d;

	if (s->cfg->scope == SCOPE_DOMAIN && s->psl && len < sizeof(tmp)) {
		memcpy(tmp, host, len);
		tmp[len] = '\0';
		d = psl_registrable_domain(s->psl, tmp);
		if (d)
			return seen_hash(d, strlen(d));
	}
	return seen_hash(host, len);
}

void scope_add(struct scope *s, const char *url)
{
	const char *h;
	size_t n;

	if (s->cfg->scope != SCOPE_ANY && url_host(url, &h, &n) == 0)
		seen_add(&s->units, unit_of(s, h, n));
}

/* Does the URL's path (up to its query) end with one of the suffixes? */
static int has_suffix(const char *url, char *const *list, int n)
{
	const char *p = strstr(url, "://"), *end;
	size_t len;
	int i;

	p = p ? strchr(p + 3, '/') : NULL;
	if (!p)
		return 0;
	end = p + strcspn(p, "?#");
	len = (size_t)(end - p);
	for (i = 0; i < n; i++) {
		size_t k = strlen(list[i]);
		if (k <= len && strncasecmp(end - k, list[i], k) == 0)
			return 1;
	}
	return 0;
}

int scope_in(const struct scope *s, const char *url)
{
	const struct crawl_config *cfg = s->cfg;
	const char *h;
	size_t n;
	int i;

	if (cfg->scope != SCOPE_ANY) {
		if (url_host(url, &h, &n) || !seen_has(&s->units, unit_of(s, h, n)))
			return 0;
	}
	for (i = 0; i < cfg->ndeny; i++)
		if (regexec(&cfg->deny[i], url, 0, NULL, 0) == 0)
			return 0;
	if (cfg->nreject && has_suffix(url, cfg->reject, cfg->nreject))
		return 0;
	if (cfg->naccept && !has_suffix(url, cfg->accept, cfg->naccept))
		return 0;
	if (!cfg->nallow)
		return 1;
	for (i = 0; i < cfg->nallow; i++)
		if (regexec(&cfg->allow[i], url, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int scope_requisite_ok(const struct scope *s, const char *url)
{
	const struct crawl_config *cfg = s->cfg;
	int i;

	for (i = 0; i < cfg->ndeny; i++)
		if (regexec(&cfg->deny[i], url, 0, NULL, 0) == 0)
			return 0;
	return !(cfg->nreject && has_suffix(url, cfg->reject, cfg->nreject));
}

/* Does a path segment occur more than max times in the URL's path? */
static int too_many_repeats(const char *url, int max)
{
	const char *p = strstr(url, "://"), *seg[SC_TRAP_SEGMENTS];
	size_t len[SC_TRAP_SEGMENTS];
	int n = 0, i, j;

	p = p ? strchr(p + 3, '/') : NULL;
	while (p && *p == '/' && n < SC_TRAP_SEGMENTS) {
		size_t k = strcspn(p + 1, "/?");
		if (k) {
			seg[n] = p + 1;
			len[n++] = k;
		}
		p += 1 + k;
	}
	for (i = 0; i < n; i++) {
		int same = 1;
		for (j = i + 1; j < n; j++)
			same += len[j] == len[i] && memcmp(seg[j], seg[i], len[i]) == 0;
		if (same > max)
			return 1;
	}
	return 0;
}

/*
 * Refused links are counted, not recorded: an endless trap would otherwise
 * grow pages.jsonl without end.
 */
int scope_trapped(struct scope *s, const char *url)
{
	const struct crawl_config *cfg = s->cfg;

	if ((cfg->max_url_length && strlen(url) > (size_t)cfg->max_url_length) ||
	    (cfg->max_repeats && too_many_repeats(url, cfg->max_repeats))) {
		s->trap_refused++;
		return 1;
	}
	return 0;
}

void scope_quota_refused(struct scope *s, const char *key)
{
	if (s->trap_refused++ == 0 || log_level >= LOG_INFO)
		log_warn("host '%s' reached its quota of %llu URLs", key,
			 (unsigned long long)s->cfg->host_quota);
}
