#include "crawler/settings.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum st_type { ST_STR, ST_LONG, ST_INT, ST_U64, ST_DOUBLE, ST_BOOL, ST_SCOPE, ST_LIST };

/* How a value is shown in a --resume conflict: as the user would write it. */
enum st_show {
	SH_PLAIN,
	SH_NONE,                /* the value none_at means no limit: shown as the
				 * word in none ("unlimited", "none") */
	SH_SIZE,                /* bytes: with a k, M or G suffix when exact */
	SH_FLAG,                /* a boolean the option in none sets to none_at */
	SH_JOINED,              /* a list given as one comma-separated value */
};

struct st_field {
	const char *key;
	enum st_type type;
	size_t off;             /* of the value (a list: of its char **) */
	size_t count_off;       /* a list: of its int count */
	enum st_show show;
	const char *none;       /* SH_NONE: the word; SH_FLAG: the option */
	long none_at;           /* SH_NONE: the value it stands for; SH_FLAG: the
				 * value the option sets */
};

#define S(k, t, f)  { k, t, offsetof(struct crawl_config, f), 0, SH_PLAIN, NULL, 0 }
#define N(k, t, f, w, at) { k, t, offsetof(struct crawl_config, f), 0, SH_NONE, w, at }
#define Z(k, f)     { k, ST_U64, offsetof(struct crawl_config, f), 0, SH_SIZE, NULL, 0 }
#define B(k, f, opt, at) { k, ST_BOOL, offsetof(struct crawl_config, f), 0, SH_FLAG, opt, at }
#define L(k, f, n)  { k, ST_LIST, offsetof(struct crawl_config, f), \
		      offsetof(struct crawl_config, n), SH_PLAIN, NULL, 0 }
#define J(k, f, n)  { k, ST_LIST, offsetof(struct crawl_config, f), \
		      offsetof(struct crawl_config, n), SH_JOINED, NULL, 0 }

/* Every setting that defines the crawl; the one list save, load and the
 * --resume conflict check all use. */
static const struct st_field fields[] = {
	S("per-host", ST_INT, per_host),
	N("depth", ST_LONG, depth, "unlimited", -1),
	N("max-pages", ST_U64, max_pages, "unlimited", 0),
	S("scope", ST_SCOPE, scope),
	S("urls", ST_STR, urls_file),
	S("user-agent", ST_STR, user_agent),
	S("timeout", ST_LONG, timeout),
	S("connect-timeout", ST_LONG, connect_timeout),
	Z("max-size", max_size),
	Z("warc-max-size", warc_max_size),
	S("warc-level", ST_INT, warc_level),
	B("insecure", insecure, "--insecure", 1),
	B("robots", robots, "--no-robots", 0),
	B("requisites", requisites, "--no-requisites", 0),
	B("referer", referer, "--no-referer", 0),
	B("obey-rel-nofollow", obey_rel_nofollow, "--obey-rel-nofollow", 1),
	B("cookies", cookies, "--cookies", 1),
	B("sitemaps", sitemaps, "--sitemaps", 1),
	S("cookie-jar", ST_STR, cookie_jar),
	S("dedup", ST_STR, dedup),
	S("recrawl", ST_STR, recrawl),
	S("max-crawl-delay", ST_LONG, max_crawl_delay),
	S("delay", ST_LONG, delay_ms),
	N("rate", ST_DOUBLE, rate, "none", 0),
	N("host-rate", ST_DOUBLE, host_rate, "none", 0),
	S("max-retry-after", ST_LONG, max_retry_after),
	S("retries", ST_INT, retries),
	S("retry-wait", ST_LONG, retry_wait_ms),
	S("low-speed", ST_LONG, low_speed),
	S("low-speed-time", ST_LONG, low_speed_time),
	S("max-redirects", ST_INT, max_redirects),
	S("host-fail-limit", ST_INT, host_fail_limit),
	N("max-url-length", ST_LONG, max_url_length, "0 (no limit)", 0),
	N("max-repeats", ST_INT, max_repeats, "0 (no limit)", 0),
	N("host-quota", ST_U64, host_quota, "none", 0),
	S("extract", ST_STR, extract_file),
	B("extract-only", extract_only, "--extract-only", 1),
	L("seed", seeds, nseeds),
	L("allow", allow_src, nallow),
	L("deny", deny_src, ndeny),
	L("header", headers, nheaders),
	L("resolve", resolve, nresolve),
	J("accept", accept, naccept),
	J("reject", reject, nreject),
	J("accept-type", accept_types, naccept_types),
	J("reject-type", reject_types, nreject_types),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const scope_names[] = { "host", "domain", "any" };

#define AT(cfg, f, type) (*(type *)((char *)(cfg) + (f)->off))
#define CAT(cfg, f, type) (*(type const *)((const char *)(cfg) + (f)->off))

/* The value of a scalar setting as text. */
static void format_value(const struct crawl_config *cfg, const struct st_field *f,
			 char *out, size_t n)
{
	const char *s;

	switch (f->type) {
	case ST_STR:
		s = CAT(cfg, f, char *);
		snprintf(out, n, "%s", s ? s : "");
		break;
	case ST_LONG:
		snprintf(out, n, "%ld", CAT(cfg, f, long));
		break;
	case ST_INT:
	case ST_BOOL:
		snprintf(out, n, "%d", CAT(cfg, f, int));
		break;
	case ST_U64:
		snprintf(out, n, "%llu", (unsigned long long)CAT(cfg, f, uint64_t));
		break;
	case ST_DOUBLE:
		snprintf(out, n, "%.17g", CAT(cfg, f, double));
		break;
	case ST_SCOPE:
		snprintf(out, n, "%s", scope_names[CAT(cfg, f, enum scope_kind)]);
		break;
	case ST_LIST:
		out[0] = '\0';
		break;
	}
}

static void put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

void settings_text(const struct crawl_config *cfg, struct buf *b)
{
	char val[512];
	size_t i;
	int k;

	buf_puts(b, "# shardcrawl settings: --resume continues the crawl with these\n");
	for (i = 0; i < NFIELDS; i++) {
		const struct st_field *f = &fields[i];

		if (f->type == ST_LIST) {
			char **list = CAT(cfg, f, char **);
			int n = *(const int *)((const char *)cfg + f->count_off);
			for (k = 0; k < n; k++) {
				buf_printf(b, "%s\t", f->key);
				put_escaped(b, list[k]);
				buf_putc(b, '\n');
			}
			continue;
		}
		if (f->type == ST_STR && !CAT(cfg, f, char *))
			continue;
		format_value(cfg, f, val, sizeof(val));
		buf_printf(b, "%s\t", f->key);
		put_escaped(b, val);
		buf_putc(b, '\n');
	}
}

int settings_save(const struct crawl_config *cfg, const char *dir)
{
	char path[4096], tmp[4096];
	struct buf b;
	int rc = 0;
	FILE *fp;

	buf_init(&b, 64u << 20);
	settings_text(cfg, &b);
	snprintf(path, sizeof(path), "%s/settings", dir);
	snprintf(tmp, sizeof(tmp), "%s/settings.tmp", dir);
	fp = fopen(tmp, "w");
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0 ||
	    rename(tmp, path) != 0)
		rc = SC_EIO;
	buf_release(&b);
	return rc;
}

/* Undo put_escaped() in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static int parse_value(struct crawl_config *cfg, const struct st_field *f, const char *v)
{
	char *end;
	int i;

	errno = 0;
	switch (f->type) {
	case ST_STR:
		free(AT(cfg, f, char *));
		AT(cfg, f, char *) = xstrdup(v);
		return 0;
	case ST_LONG:
		AT(cfg, f, long) = strtol(v, &end, 10);
		break;
	case ST_INT:
	case ST_BOOL:
		AT(cfg, f, int) = (int)strtol(v, &end, 10);
		break;
	case ST_U64:
		AT(cfg, f, uint64_t) = strtoull(v, &end, 10);
		break;
	case ST_DOUBLE:
		AT(cfg, f, double) = strtod(v, &end);
		break;
	case ST_SCOPE:
		for (i = 0; i < 3; i++)
			if (strcmp(v, scope_names[i]) == 0)
				AT(cfg, f, enum scope_kind) = (enum scope_kind)i;
		return 0;
	case ST_LIST: {
		char ***list = &AT(cfg, f, char **);
		int *n = (int *)((char *)cfg + f->count_off);
		*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
		(*list)[(*n)++] = xstrdup(v);
		return 0;
	}
	}
	return errno || *end ? -1 : 0;
}

static void clear_lists(struct crawl_config *cfg)
{
	size_t i;
	int k;

	for (i = 0; i < NFIELDS; i++) {
		const struct st_field *f = &fields[i];
		char ***list;
		int *n;

		if (f->type != ST_LIST)
			continue;
		list = &AT(cfg, f, char **);
		n = (int *)((char *)cfg + f->count_off);
		for (k = 0; k < *n; k++)
			free((*list)[k]);
		free(*list);
		*list = NULL;
		*n = 0;
	}
}

/* One line of settings text (NUL-terminated, no newline): 0 or -1. */
static int load_line(struct crawl_config *cfg, char *line)
{
	char *tab;
	size_t i;

	if (line[0] == '#' || line[0] == '\0')
		return 0;
	tab = strchr(line, '\t');
	if (!tab)
		return -1;
	*tab = '\0';
	unescape(tab + 1);
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].key, line) == 0)
			break;
	if (i == NFIELDS || parse_value(cfg, &fields[i], tab + 1))
		return -1;
	return 0;
}

int settings_load(struct crawl_config *cfg, const char *dir, char *err, size_t n)
{
	char path[4096], line[SC_SETTINGS_LINE_MAX];
	FILE *fp;
	int lineno = 0;

	snprintf(path, sizeof(path), "%s/settings", dir);
	fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, n, "cannot read '%s': %s", path, strerror(errno));
		return SC_EIO;
	}
	clear_lists(cfg);
	/* settings written before page requisites existed do not name them:
	 * such a crawl goes on without, as it began */
	cfg->requisites = 0;
	while (fgets(line, sizeof(line), fp)) {
		char *nl = strchr(line, '\n');

		lineno++;
		if (!nl) {
			snprintf(err, n, "'%s' line %d is too long", path, lineno);
			fclose(fp);
			return SC_EINVAL;
		}
		*nl = '\0';
		if (load_line(cfg, line)) {
			snprintf(err, n, "'%s' line %d is not a setting", path, lineno);
			fclose(fp);
			return SC_EINVAL;
		}
	}
	fclose(fp);
	return 0;
}

int settings_parse(struct crawl_config *cfg, const char *text, size_t len,
		   const char *what, char *err, size_t n)
{
	char line[SC_SETTINGS_LINE_MAX];
	size_t at = 0;
	int lineno = 0;

	clear_lists(cfg);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t l = nl ? (size_t)(nl - (text + at)) : len - at;

		lineno++;
		if (l >= sizeof(line) || memchr(text + at, '\0', l)) {
			snprintf(err, n, "%s line %d is too long or holds a NUL", what, lineno);
			return SC_EINVAL;
		}
		memcpy(line, text + at, l);
		line[l] = '\0';
		at += l + (nl ? 1 : 0);
		if (load_line(cfg, line)) {
			snprintf(err, n, "%s line %d is not a setting", what, lineno);
			return SC_EINVAL;
		}
	}
	return 0;
}

int settings_is_stored(const char *key)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].key, key) == 0)
			return 1;
	return 0;
}

/* Append s to b as one line can hold it: control bytes become '?'. */
static void put_shown(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* A size as the user would write it: 32M rather than 33554432. */
static void put_size(struct buf *b, uint64_t v)
{
	static const char suffix[] = "kMG";
	int i = -1;

	while (i < 2 && v && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	buf_printf(b, "%llu", (unsigned long long)v);
	if (i >= 0)
		buf_putc(b, suffix[i]);
}

/* Is f at its "none" value in cfg (SH_NONE), or is its flag not given
 * (SH_FLAG, strings, lists)? */
static int is_none(const struct crawl_config *cfg, const struct st_field *f)
{
	switch (f->type) {
	case ST_STR:
		return CAT(cfg, f, char *) == NULL;
	case ST_LIST:
		return *(const int *)((const char *)cfg + f->count_off) == 0;
	case ST_BOOL:
		return f->show == SH_FLAG && CAT(cfg, f, int) != (int)f->none_at;
	case ST_LONG:
		return f->show == SH_NONE && CAT(cfg, f, long) == f->none_at;
	case ST_INT:
		return f->show == SH_NONE && CAT(cfg, f, int) == (int)f->none_at;
	case ST_U64:
		return f->show == SH_NONE && CAT(cfg, f, uint64_t) == (uint64_t)f->none_at;
	case ST_DOUBLE:
		return f->show == SH_NONE && CAT(cfg, f, double) == (double)f->none_at;
	case ST_SCOPE:
		return 0;
	}
	return 0;
}

/* The option with its value, as on a command line: "--depth 3",
 * "--depth unlimited", "--max-size 32M", "--no-robots", "--allow 'a'". */
static void put_option(struct buf *b, const struct crawl_config *cfg,
		       const struct st_field *f)
{
	char v[512];
	int i, n;

	if (f->show == SH_FLAG) {
		buf_puts(b, f->none);
		return;
	}
	if (f->type == ST_LIST) {
		char **list = CAT(cfg, f, char **);
		n = *(const int *)((const char *)cfg + f->count_off);
		for (i = 0; i < n; i++) {
			if (f->show == SH_JOINED && i) {
				buf_putc(b, ',');
			} else {
				buf_printf(b, "%s--%s '", i ? " " : "", f->key);
			}
			put_shown(b, list[i]);
			if (f->show != SH_JOINED)
				buf_putc(b, '\'');
		}
		if (f->show == SH_JOINED && n)
			buf_putc(b, '\'');
		return;
	}
	buf_printf(b, "--%s ", f->key);
	if (f->show == SH_NONE && is_none(cfg, f)) {
		buf_puts(b, f->none);
	} else if (f->show == SH_SIZE) {
		put_size(b, CAT(cfg, f, uint64_t));
	} else if (f->type == ST_STR) {
		buf_putc(b, '\'');
		put_shown(b, CAT(cfg, f, char *));
		buf_putc(b, '\'');
	} else if (f->type == ST_DOUBLE) {
		buf_printf(b, "%g", CAT(cfg, f, double));
	} else {
		format_value(cfg, f, v, sizeof(v));
		put_shown(b, v);
	}
}

/* Whether cli and stored differ in f. */
static int differs(const struct crawl_config *cli, const struct crawl_config *stored,
		   const struct st_field *f)
{
	char a[512], b[512];
	int k;

	if (f->type == ST_LIST) {
		char **la = CAT(cli, f, char **), **lb = CAT(stored, f, char **);
		int na = *(const int *)((const char *)cli + f->count_off);
		int nb = *(const int *)((const char *)stored + f->count_off);
		if (na != nb)
			return 1;
		for (k = 0; k < na; k++)
			if (strcmp(la[k], lb[k]) != 0)
				return 1;
		return 0;
	}
	if (f->type == ST_STR) {
		const char *x = CAT(cli, f, char *), *y = CAT(stored, f, char *);
		return (!x) != (!y) || (x && strcmp(x, y) != 0);
	}
	format_value(cli, f, a, sizeof(a));
	format_value(stored, f, b, sizeof(b));
	return strcmp(a, b) != 0;
}

/* Cut the text at max bytes, with "..." to say so. */
static void cap_shown(struct buf *b, size_t from, size_t max)
{
	if (b->len - from > max) {
		b->len = from + max;
		buf_puts(b, "...");
	}
}

int settings_conflict(const struct crawl_config *cli, const struct crawl_config *stored,
		      const char *const *keys, char *err, size_t n)
{
	for (; *keys; keys++) {
		const struct st_field *f = NULL;
		struct buf b;
		size_t i, mark;

		for (i = 0; i < NFIELDS; i++)
			if (strcmp(fields[i].key, *keys) == 0)
				f = &fields[i];
		if (!f || !differs(cli, stored, f))
			continue;
		/* one line, as the options would be written: "--depth 3 differs
		 * from the crawl's --depth unlimited" */
		buf_init(&b, 64u << 10);
		put_option(&b, cli, f);
		cap_shown(&b, 0, 200);
		if ((f->show == SH_FLAG || f->type == ST_STR || f->type == ST_LIST) &&
		    is_none(stored, f)) {
			if (f->show == SH_FLAG)
				buf_puts(&b, ": the crawl was started without it");
			else
				buf_printf(&b, ": the crawl was started without --%s", f->key);
		} else {
			buf_puts(&b, " differs from the crawl's ");
			mark = b.len;
			put_option(&b, stored, f);
			cap_shown(&b, mark, 200);
		}
		snprintf(err, n, "%s", b.data);
		buf_release(&b);
		return -1;
	}
	return 0;
}
