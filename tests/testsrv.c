/*
 * testsrv.c - a deterministic HTTP/1.1 server for shardcrawl's tests and
 * benchmarks.  Self-contained (libc + zlib); the manual is tests/testsrv.md.
 *
 * Three parts, top to bottom:
 *   - the site: a table of routes (exact path or prefix -> handler).  A
 *     handler writes one reply into a struct page: status, headers and a
 *     body whose links are made by page_link().  The same handlers run for
 *     serving (links become HTML) and for --list (links become the set of
 *     URLs a correct crawler records or must never request), so the expected
 *     results cannot drift from what is served.
 *   - HTTP: parse one request head, log it, serialize the reply (plain,
 *     chunked and/or gzip) into the connection's output buffer.
 *   - the event loop: one thread, level-triggered epoll, non-blocking
 *     sockets, a min-heap of connection deadlines for --latency-ms.
 *
 * Scripted behaviours (robots.txt variants, 429 + Retry-After, trickle,
 * hangs, resets, hostile.test's broken and enormous replies...) live on
 * named virtual hosts (ts_vhosts), each with a route table of its own; a
 * reply that makes its connection misbehave sets page.act, carried out by
 * conn_act() once the head is sent, and a body too big to build is
 * generated piece by piece as the socket takes it (page.stream, stream_fill).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "tests/shop.h"

/* Caps and defaults.  Everything read from a socket is bounded by these. */
#define TS_HEAD_MAX       (16u << 10)  /* request line + headers; past it: 431 */
#define TS_IN_FIRST       4096         /* first allocation of a connection's input */
#define TS_OUT_KEEP       (64u << 10)  /* larger output buffers are freed when idle */
#define TS_BODY_MAX       (64u << 20)  /* one generated body */
#define TS_PAD_MAX        (16u << 20)  /* --pad */
#define TS_HOSTS_MAX      1000
#define TS_PAGES_MAX      1000000
#define TS_LINKS_MAX      10000
#define TS_LATENCY_MAX    600000       /* ms */
#define TS_SECONDS_MAX    86400
#define TS_ACCEPT_BATCH   256          /* accepts per wake-up, so requests are not starved */
#define TS_EVENTS         1024
#define TS_CHUNKS         4            /* chunks of a chunked body */
#define TS_LINGER_MS      2000         /* how long unread input is drained before close */
#define TS_FIXED_LINKS    5            /* links every content page has, whatever --links */
#define TS_LOG_URL_MAX    4096         /* the Referer logged, cut past this */
#define TS_LOG_LINE_MAX   (TS_HEAD_MAX + TS_LOG_URL_MAX + 128)

#define TS_DEFAULT_HOSTS  3
#define TS_DEFAULT_PAGES  40
#define TS_DEFAULT_LINKS  6
#define TS_DEFAULT_SECS   600

struct ts_opts {
	int port;               /* --port; 0 asks for an ephemeral one */
	unsigned hosts;         /* site hosts h0.test ..; index `hosts` is out.test */
	unsigned pages;         /* content pages per host */
	unsigned links;         /* links per content page (at least TS_FIXED_LINKS) */
	size_t pad;             /* filler bytes per content page */
	unsigned latency_ms;    /* every response held back this long */
	unsigned max_seconds;   /* the server exits by itself after this */
	const char *log_path;
	const char *cond_log_path; /* --cond-log: conditional requests, one a line */
	int list;               /* --list: print the expected crawl, serve nothing */
	int any_loopback;       /* --any-loopback: every address of 127.0.0.0/8 */
	int obey_rel_nofollow;  /* --list for a crawler that skips rel=nofollow links */
};

static volatile sig_atomic_t ts_stop;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("testsrv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A growable byte buffer with a hard cap set at init.  Growing past the cap
 * is refused (-1, nothing changed); running out of memory aborts, as the
 * house rules allow.  p is NUL-terminated whenever it is non-NULL.
 */
struct sbuf {
	char *p;
	size_t len, cap, max;
};

static void sbuf_init(struct sbuf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static void sbuf_release(struct sbuf *b)
{
	free(b->p);
	sbuf_init(b, b->max);
}

static int sbuf_reserve(struct sbuf *b, size_t more)
{
	size_t want, ncap;

	if (more > b->max - b->len)
		return -1;
	want = b->len + more + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < want)
		ncap *= 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	b->p = realloc(b->p, ncap);
	if (!b->p)
		die("out of memory (%zu bytes)", ncap);
	b->cap = ncap;
	return 0;
}

static int sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	if (sbuf_reserve(b, n) < 0)
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || sbuf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

static int sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

/* Drop the first n bytes. */
static void sbuf_consume(struct sbuf *b, size_t n)
{
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	if (b->p)
		b->p[b->len] = '\0';
}

/* ------------------------------------------------------------------------
 * The site
 */

/* A set of URLs in insertion order (the order is the --list BFS queue). */
struct ts_url {
	char *url;              /* normalized, owned */
	unsigned host;
	size_t path_off;        /* the path starts at url + path_off */
	int status;
};

struct urlset {
	struct ts_url *v;
	size_t n, cap;
	size_t *slot;           /* open addressing: index + 1, 0 = empty */
	size_t nslot;
};

enum link_tag { LT_A, LT_AREA, LT_FRAME, LT_IFRAME, LT_REFRESH };

enum link_follow {
	LF_FOLLOW,              /* a crawler must request the target (when in scope) */
	LF_FORBID,              /* a crawler must never request it */
	LF_NONE,                /* not an http URL (mailto:, javascript:) */
};

/* What every page of a run shares. */
struct site {
	const struct ts_opts *opt;
	int port;               /* the one written into absolute links */
	struct sbuf filler;     /* --pad text; each page copies from its own offset */
};

/*
 * What a reply does to its connection once its head (and the body bytes
 * built, if any) are sent: conn_act().  The announced Content-Length is
 * page.clen, so the client waits for bytes that come slowly or never.
 */
enum page_act {
	PA_NONE,
	PA_TRICKLE,             /* then one byte a second until the client leaves */
	PA_HANG,                /* then nothing until the client leaves */
	PA_RESET,               /* then an RST (SO_LINGER 0 and close) */
	PA_EMPTY,               /* nothing at all is sent: shut down and drained */
	PA_CLOSE,               /* then a FIN, whatever the announced length said */
	PA_SILENT,              /* nothing is sent, ever: input drained until the client leaves */
};

/*
 * A reply too big to build in memory (or with 1 MB of headers) is streamed:
 * the head goes out with Content-Length page.slen (or chunked), then
 * stream_fill() appends TS_STREAM_CHUNK bytes at a time to the connection's
 * output as the socket takes them.  Generated, so the server stays small.
 */
enum page_stream {
	ST_NONE,
	ST_HUGE,                /* slen bytes of html filler lines */
	ST_BINARY,              /* slen pseudo-random bytes */
	ST_BOMB,                /* the gzip bomb built at start-up (struct bomb) */
	ST_MANYLINKS,           /* TS_MANY_LINKS links, chunked (the length is not computed) */
	ST_BIGHDR,              /* TS_BIGHDR_LINES X-Pad header lines, the blank line, a small body */
};

struct vhost;

/* One reply being built.  Serving and --list fill it the same way. */
struct page {
	const struct ts_opts *opt;
	int port;
	const struct sbuf *filler;
	unsigned host;          /* index; opt->hosts is out.test, above it the vhosts */
	const struct vhost *vh; /* the named virtual host served, or NULL (hK, out.test) */
	unsigned long hit;      /* vhosts: requests to this host + route so far, this one
				 * included (1 the first time); always 1 in --list */
	enum page_act act;
	size_t clen;            /* with act: the Content-Length announced */
	enum page_stream stream;
	uint64_t slen;          /* with stream (unless chunked): the body length */
	int cut_chunked;        /* chunked without its last chunk (with PA_CLOSE) */
	const char *path;       /* the request's path, no query */
	const char *query;      /* what follows '?' in the target ("" if none); NULL in --list */
	const char *cookie;     /* the request's Cookie header, NULL when none or in --list */
	size_t cookie_len;
	const char *inm, *ims;  /* If-None-Match, If-Modified-Since; NULL: none */
	size_t inm_len, ims_len;
	const char *rest;       /* what follows the route's prefix in path */
	int status;
	const char *ctype;      /* NULL: no body */
	struct sbuf *body;
	struct sbuf *hdrs;      /* extra header lines, each ending in CRLF */
	int chunked;            /* send with Transfer-Encoding: chunked (HTTP/1.1) */
	int gzip_ok;            /* gzip when the request accepts it */
	int overflow;           /* a buffer cap was hit: the reply becomes a 500 */
	int nofollow;           /* meta robots nofollow seen: later links are forbidden */
	struct urlset *follow;  /* --list only: targets to crawl, else NULL */
	struct urlset *forbid;  /* --list only: targets never to request */
};

static int host_name(const struct ts_opts *o, unsigned k, char *buf, size_t n)
{
	/* the vhosts (k > hosts) never come here: their links are all relative */
	if (k >= o->hosts)
		return snprintf(buf, n, "out.test");
	return snprintf(buf, n, "h%u.test", k);
}

static size_t url_hash(const char *s)
{
	size_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static size_t urlset_find(const struct urlset *set, const char *url, int *found)
{
	size_t i;

	*found = 0;
	if (!set->nslot)
		return 0;
	for (i = url_hash(url) & (set->nslot - 1); set->slot[i]; i = (i + 1) & (set->nslot - 1))
		if (!strcmp(set->v[set->slot[i] - 1].url, url)) {
			*found = 1;
			break;
		}
	return i;
}

static void urlset_add(struct urlset *set, const struct page *pg, unsigned host, const char *path)
{
	char name[32];
	struct ts_url *u;
	size_t i;
	int found;

	host_name(pg->opt, host, name, sizeof(name));
	if (set->n * 2 >= set->nslot) {
		size_t nslot = set->nslot ? set->nslot * 2 : 1024;

		free(set->slot);
		set->slot = calloc(nslot, sizeof(*set->slot));
		if (!set->slot)
			die("out of memory");
		set->nslot = nslot;
		for (size_t j = 0; j < set->n; j++) {
			i = urlset_find(set, set->v[j].url, &found);
			set->slot[i] = j + 1;
		}
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 256;
		set->v = realloc(set->v, set->cap * sizeof(*set->v));
		if (!set->v)
			die("out of memory");
	}
	u = &set->v[set->n];
	if (asprintf(&u->url, "http://%s:%d%s", name, pg->port, path) < 0)
		die("out of memory");
	i = urlset_find(set, u->url, &found);
	if (found) {
		free(u->url);
		return;
	}
	u->host = host;
	u->path_off = strlen(u->url) - strlen(path);
	u->status = 0;
	set->slot[i] = ++set->n;
}

static void urlset_release(struct urlset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i].url);
	free(set->v);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

static void page_init(struct page *pg, const struct site *site, unsigned host,
		      struct sbuf *body, struct sbuf *hdrs)
{
	memset(pg, 0, sizeof(*pg));
	pg->opt = site->opt;
	pg->port = site->port;
	pg->filler = &site->filler;
	pg->host = host;
	pg->body = body;
	pg->hdrs = hdrs;
	body->len = hdrs->len = 0;
}

static void page_printf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void page_printf(struct page *pg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (sbuf_vprintf(pg->body, fmt, ap) < 0)
		pg->overflow = 1;
	va_end(ap);
}

static void page_header(struct page *pg, const char *name, const char *value)
{
	if (sbuf_printf(pg->hdrs, "%s: %s\r\n", name, value) < 0)
		pg->overflow = 1;
}

/* Record a URL a buggy crawler might derive though no link leads there. */
static void page_forbid(struct page *pg, unsigned host, const char *path)
{
	/* out.test is forbidden as a whole (one prefix line in --list) */
	if (pg->forbid && host < pg->opt->hosts)
		urlset_add(pg->forbid, pg, host, path);
}

static void page_target(struct page *pg, unsigned host, const char *path, enum link_follow f)
{
	if (f == LF_NONE || !pg->follow)
		return;
	if (f == LF_FORBID || pg->nofollow)
		page_forbid(pg, host, path);
	else if (host < pg->opt->hosts)
		urlset_add(pg->follow, pg, host, path);
}

/*
 * Write one link spelled href (attribute-safe, as the callers pass only
 * literal-like text) that a correct crawler resolves to host + path.
 */
static void page_link(struct page *pg, enum link_tag tag, const char *rel, const char *href,
		      unsigned host, const char *path, enum link_follow f)
{
	switch (tag) {
	case LT_A:
		page_printf(pg, "<a%s%s%s href=\"%s\">%s</a>\n", rel ? " rel=\"" : "",
			    rel ? rel : "", rel ? "\"" : "", href, path ? path : "link");
		break;
	case LT_AREA:
		page_printf(pg, "<map name=\"m\"><area shape=\"rect\" coords=\"0,0,8,8\" href=\"%s\"></map>\n", href);
		break;
	case LT_FRAME:
		page_printf(pg, "<frameset cols=\"100%%\"><frame src=\"%s\"></frameset>\n", href);
		break;
	case LT_IFRAME:
		page_printf(pg, "<iframe src=\"%s\"></iframe>\n", href);
		break;
	case LT_REFRESH:
		page_printf(pg, "<meta http-equiv=\"refresh\" content=\"0; url=%s\">\n", href);
		break;
	}
	page_target(pg, host, path, f);
}

static void page_begin(struct page *pg, const char *title)
{
	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	page_printf(pg, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n", title);
}

static void page_body(struct page *pg)
{
	page_printf(pg, "</head><body>\n");
}

static void page_end(struct page *pg)
{
	page_printf(pg, "</body></html>\n");
}

static void page_redirect(struct page *pg, int status, const char *location, unsigned host,
			  const char *path)
{
	page_begin(pg, "moved");
	pg->status = status;
	page_header(pg, "Location", location);
	page_body(pg);
	page_printf(pg, "<p>moved</p>\n");
	page_end(pg);
	page_target(pg, host, path, LF_FOLLOW);
}

/* A 32-bit mixer (from splitmix/murmur finalizers): the site's only "randomness". */
static uint32_t ts_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* Parse "N" + suffix exactly (no sign, no leading zero), N < lim. */
static int parse_index(const char *s, size_t n, const char *suffix, unsigned long lim,
		       unsigned long *out)
{
	size_t sl = strlen(suffix), i;
	unsigned long v = 0;

	if (n <= sl || memcmp(s + n - sl, suffix, sl) || (s[0] == '0' && n - sl > 1))
		return -1;
	for (i = 0; i < n - sl; i++) {
		if (!isdigit((unsigned char)s[i]) || v > lim)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= lim)
		return -1;
	*out = v;
	return 0;
}

static void rt_missing(struct page *pg)
{
	page_begin(pg, "not found");
	pg->status = 404;
	page_body(pg);
	page_printf(pg, "<p>not found</p>\n");
	page_end(pg);
}

/* A page without links: exists so that reaching it (rightly or not) shows as a 200. */
static void rt_leaf(struct page *pg)
{
	page_begin(pg, pg->path);
	page_body(pg);
	page_printf(pg, "<p>leaf %s</p>\n", pg->path);
	page_end(pg);
}

static void rt_index(struct page *pg)
{
	static const char *const paths[] = {
		"/p/0.html", "/redir/0", "/redir/1", "/redir-new", "/missing.html",
		"/files/data.txt", "/files/img.png", "/nofollow.html", "/meta-nofollow.html",
		"/base/page.html", "/refresh.html", "/frames.html",
	};
	char href[64];

	page_begin(pg, "index");
	page_body(pg);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		page_link(pg, LT_A, NULL, paths[i], pg->host, paths[i], LF_FOLLOW);
	page_link(pg, LT_A, NULL, "mailto:webmaster@example.test", 0, NULL, LF_NONE);
	page_link(pg, LT_A, NULL, "javascript:void(0)", 0, NULL, LF_NONE);
	snprintf(href, sizeof(href), "http://out.test:%d/", pg->port);
	page_link(pg, LT_A, NULL, href, pg->opt->hosts, "/", LF_FOLLOW);
	page_end(pg);
}

#define TS_FILLER_SPAN 4096     /* distinct start offsets of the filler */

/* Build the --pad corpus once: a page then costs one copy, not a word loop. */
static void site_init(struct site *site, const struct ts_opts *opt, int port)
{
	static const char *const words[16] = {
		"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit",
		"sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "magna",
	};
	struct sbuf *f = &site->filler;

	site->opt = opt;
	site->port = port;
	sbuf_init(f, TS_PAD_MAX + TS_FILLER_SPAN + 64);
	for (uint32_t w = 0; opt->pad && f->len < opt->pad + TS_FILLER_SPAN; w++)
		sbuf_printf(f, "%s%c", words[ts_mix(w) & 15], w % 12 == 11 ? '\n' : ' ');
}

static void page_filler(struct page *pg, unsigned long i)
{
	size_t want = pg->opt->pad;

	if (!want)
		return;
	page_printf(pg, "<p>");
	if (sbuf_add(pg->body, pg->filler->p + ts_mix((uint32_t)i) % TS_FILLER_SPAN, want) < 0)
		pg->overflow = 1;
	page_printf(pg, "</p>\n");
}

/* /p/I.html: the content pages, linked with every spelling a crawler must normalize. */
static void rt_content(struct page *pg)
{
	const struct ts_opts *o = pg->opt;
	unsigned long i, t, P = o->pages;
	unsigned k = pg->host, next = k + 1 < o->hosts ? k + 1 : 0;
	char href[128], tpath[64], name[32], title[32];

	if (parse_index(pg->rest, strlen(pg->rest), ".html", P, &i) < 0) {
		rt_missing(pg);
		return;
	}
	snprintf(title, sizeof(title), "page %lu", i);
	page_begin(pg, title);
	page_body(pg);
	/* the chain /p/0 -> /p/1 -> ... makes every page reachable */
	snprintf(tpath, sizeof(tpath), "/p/%lu.html", (i + 1) % P);
	page_link(pg, LT_A, NULL, tpath, k, tpath, LF_FOLLOW);
	t = (i * 7 + 3) % P;
	snprintf(href, sizeof(href), "../p/./%lu.html", t);
	snprintf(tpath, sizeof(tpath), "/p/%lu.html", t);
	page_link(pg, LT_A, NULL, href, k, tpath, LF_FOLLOW);
	t = (i * 13 + 5) % P;
	host_name(o, k, name, sizeof(name));
	for (char *c = name; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	snprintf(href, sizeof(href), "HTTP://%s:%d/p/%lu.html#frag", name, pg->port, t);
	snprintf(tpath, sizeof(tpath), "/p/%lu.html", t);
	page_link(pg, LT_A, NULL, href, k, tpath, LF_FOLLOW);
	host_name(o, next, name, sizeof(name));
	snprintf(href, sizeof(href), "http://%s:%d/p/%lu.html", name, pg->port, i);
	snprintf(tpath, sizeof(tpath), "/p/%lu.html", i);
	page_link(pg, LT_A, NULL, href, next, tpath, LF_FOLLOW);
	snprintf(href, sizeof(href), "http://out.test:%d/p/%lu.html", pg->port, i);
	page_link(pg, LT_A, NULL, href, o->hosts, tpath, LF_FOLLOW);
	for (unsigned j = TS_FIXED_LINKS; j < o->links; j++) {
		t = ts_mix((uint32_t)(i * 1000003u + j)) % P;
		snprintf(tpath, sizeof(tpath), "/p/%lu.html", t);
		snprintf(href, sizeof(href), j % 2 ? "%lu.html" : "/p/%lu.html", t);
		page_link(pg, LT_A, NULL, href, k, tpath, LF_FOLLOW);
	}
	page_filler(pg, i);
	page_end(pg);
	pg->chunked = i % 3 == 1;
	pg->gzip_ok = i % 5 == 2;
}

static void rt_redir(struct page *pg)
{
	char name[32], loc[128];

	if (!strcmp(pg->rest, "0")) {
		page_redirect(pg, 301, "/p/0.html", pg->host, "/p/0.html");
	} else if (!strcmp(pg->rest, "1")) {
		host_name(pg->opt, pg->host, name, sizeof(name));
		snprintf(loc, sizeof(loc), "http://%s:%d/p/1.html", name, pg->port);
		page_redirect(pg, 301, loc, pg->host, "/p/1.html");
	} else {
		rt_missing(pg);
	}
}

static void rt_redir_new(struct page *pg)
{
	page_redirect(pg, 302, "/landing.html", pg->host, "/landing.html");
}

static void rt_data_txt(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/plain; charset=utf-8";
	page_printf(pg, "plain text, not html: a crawler must not look for links here.\n"
		    "<a href=\"/should-not-parse.html\">not a link</a>\n");
	page_forbid(pg, pg->host, "/should-not-parse.html");
}

static void rt_png(struct page *pg)
{
	/* a valid 1x1 PNG: binary, with NUL bytes */
	static const unsigned char png[] =
		"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01"
		"\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41"
		"\x54\x78\x9c\x63\xf8\xdf\xc0\x00\x00\x04\x01\x01\x80\xc5\x2a\x18\x5d\x00\x00\x00"
		"\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

	pg->status = 200;
	pg->ctype = "image/png";
	if (sbuf_add(pg->body, png, sizeof(png) - 1) < 0)
		pg->overflow = 1;
}

/* rel=nofollow is no crawl directive: followed, unless the crawler is told
 * to obey it (--obey-rel-nofollow, for --list) */
static void rt_nofollow(struct page *pg)
{
	enum link_follow f = pg->opt->obey_rel_nofollow ? LF_FORBID : LF_FOLLOW;

	page_begin(pg, "nofollow");
	page_body(pg);
	page_link(pg, LT_A, NULL, "/p/1.html", pg->host, "/p/1.html", LF_FOLLOW);
	page_link(pg, LT_A, "nofollow", "/secret-nofollow.html", pg->host,
		  "/secret-nofollow.html", f);
	page_link(pg, LT_A, "External NoFollow", "/secret-nofollow2.html", pg->host,
		  "/secret-nofollow2.html", f);
	page_end(pg);
}

static void rt_meta_nofollow(struct page *pg)
{
	page_begin(pg, "meta nofollow");
	page_printf(pg, "<meta name=\"robots\" content=\"noindex, nofollow\">\n");
	pg->nofollow = 1;
	page_body(pg);
	page_link(pg, LT_A, NULL, "/secret-meta.html", pg->host, "/secret-meta.html", LF_FOLLOW);
	page_end(pg);
}

static void rt_base(struct page *pg)
{
	page_begin(pg, "base");
	page_printf(pg, "<base href=\"/based/\">\n");
	page_body(pg);
	page_link(pg, LT_A, NULL, "target.html", pg->host, "/based/target.html", LF_FOLLOW);
	/* only the first <base> counts: the same link after this one stays in /based/ */
	page_printf(pg, "<base href=\"/wrong/\">\n");
	page_link(pg, LT_A, NULL, "target.html", pg->host, "/based/target.html", LF_FOLLOW);
	page_forbid(pg, pg->host, "/wrong/target.html");
	page_end(pg);
}

static void rt_refresh(struct page *pg)
{
	page_begin(pg, "refresh");
	page_link(pg, LT_REFRESH, NULL, "/refreshed.html", pg->host, "/refreshed.html", LF_FOLLOW);
	page_body(pg);
	page_end(pg);
}

static void rt_frames(struct page *pg)
{
	page_begin(pg, "frames");
	page_body(pg);
	page_link(pg, LT_IFRAME, NULL, "/iframed.html", pg->host, "/iframed.html", LF_FOLLOW);
	page_link(pg, LT_AREA, NULL, "/area.html", pg->host, "/area.html", LF_FOLLOW);
	page_link(pg, LT_FRAME, NULL, "/framed.html", pg->host, "/framed.html", LF_FOLLOW);
	page_end(pg);
}

/* The routes, first match wins; the handler finds pg->path and pg->rest set. */
struct route {
	const char *path;
	int prefix;             /* path is a prefix, not the whole path */
	void (*handler)(struct page *pg);
};

static const struct route ts_routes[] = {
	{ "/",                      0, rt_index },
	{ "/p/",                    1, rt_content },
	{ "/redir/",                1, rt_redir },
	{ "/redir-new",             0, rt_redir_new },
	{ "/missing.html",          0, rt_missing },
	{ "/files/data.txt",        0, rt_data_txt },
	{ "/files/img.png",         0, rt_png },
	{ "/nofollow.html",         0, rt_nofollow },
	{ "/meta-nofollow.html",    0, rt_meta_nofollow },
	{ "/base/page.html",        0, rt_base },
	{ "/refresh.html",          0, rt_refresh },
	{ "/frames.html",           0, rt_frames },
	{ "/robots.txt",            0, rt_missing },
	{ "/landing.html",          0, rt_leaf },
	{ "/refreshed.html",        0, rt_leaf },
	{ "/framed.html",           0, rt_leaf },
	{ "/iframed.html",          0, rt_leaf },
	{ "/area.html",             0, rt_leaf },
	{ "/based/target.html",     0, rt_leaf },
	/* never to be requested; a 200 makes a crawler bug plain in the log */
	{ "/wrong/target.html",     0, rt_leaf },
	{ "/secret-nofollow.html",  0, rt_leaf },
	{ "/secret-nofollow2.html", 0, rt_leaf },
	{ "/secret-meta.html",      0, rt_leaf },
	{ "/should-not-parse.html", 0, rt_leaf },
};

/* ------------------------------------------------------------------------
 * Named virtual hosts: small scripted sites for the robots.txt, politeness
 * and failure tests (tests/e2e-polite.sh).  Each has a route table of its
 * own, and none is part of --list.  Links on them are relative.
 */

#define TS_VROUTES_MAX     32              /* rows of one vhost table (request counters) */
#define TS_HUGE_LATE       (530u << 10)    /* robots-huge: where "Disallow: /late/" starts */
#define TS_HUGE_SIZE       (600u << 10)    /* robots-huge: total size */
#define TS_GARBAGE_SIZE    4096            /* robots-garbage: bytes of junk */
#define TS_GARBAGE_LINE    80              /* robots-garbage: a newline every so many bytes */
#define TS_TRICKLE_MS      1000            /* /trickle: one byte this often */
#define TS_CHAIN_LEN       30              /* /chain/0 .. /chain/30 */
#define TS_BULK_ITEMS      48              /* bulk.test items: ~1 KB of JSON */

struct vhost {
	const char *name;
	const struct route *routes;
	size_t nroutes;
	void (*robots)(struct page *pg);   /* GET /robots.txt */
	const char *robots_txt;            /* the text rt_robots_text serves */
	const char *leaf_dir;              /* numbered sites: "/" links leaf_dir N.html */
	unsigned nleaves;                  /* .. for N = 0 .. nleaves-1 */
};

/* A reply of its own status with a small html body. */
static void page_status(struct page *pg, int status)
{
	page_begin(pg, "status");
	pg->status = status;
	page_body(pg);
	page_printf(pg, "<p>status %d</p>\n", status);
	page_end(pg);
}

/* A 200 html reply that announces clen bytes, sends `sent` of them, then does act. */
static void page_misbehave(struct page *pg, enum page_act act, size_t clen, size_t sent)
{
	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	pg->act = act;
	pg->clen = clen;
	if (sbuf_reserve(pg->body, sent) < 0) {
		pg->overflow = 1;
		return;
	}
	memset(pg->body->p, 'x', sent);
	pg->body->len = sent;
	pg->body->p[sent] = '\0';
}

static void rt_error(struct page *pg)
{
	page_status(pg, 500);
}

static void rt_robots(struct page *pg)
{
	pg->vh->robots(pg);
}

static void rt_robots_text(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/plain";
	page_printf(pg, "%s", pg->vh->robots_txt);
}

static void rt_robots_redirect(struct page *pg)
{
	page_redirect(pg, 301, "/real-robots.txt", pg->host, "/real-robots.txt");
}

/* The target of robots-redirect's /robots.txt; 404 on the other hosts. */
static void rt_real_robots(struct page *pg)
{
	if (pg->vh->robots == rt_robots_redirect)
		rt_robots_text(pg);
	else
		rt_missing(pg);
}

/* ~600 KiB: a rule that counts, comments, and past 512 KiB a rule a crawler must not see. */
static void rt_robots_huge(struct page *pg)
{
	static const char filler[] = "# filler %06lu lorem ipsum dolor sit amet, consectetur adipiscing\n";
	unsigned long i = 0;

	pg->status = 200;
	pg->ctype = "text/plain";
	page_printf(pg, "User-agent: *\nDisallow: /private/\n");
	while (pg->body->len < TS_HUGE_LATE && !pg->overflow)
		page_printf(pg, filler, i++);
	page_printf(pg, "Disallow: /late/\n");
	while (pg->body->len < TS_HUGE_SIZE && !pg->overflow)
		page_printf(pg, filler, i++);
}

/*
 * Binary junk with NULs, lines that all start with byte 0xfe, and robots
 * words planted mid-line: no line parses, so everything is allowed.
 */
static void rt_robots_garbage(struct page *pg)
{
	static const char *const plant[] = {
		"User-agent: *", "Disallow: /", "Disallow: /a.html", "User-agent: shardcrawl Disallow: /",
	};
	char *p;

	pg->status = 200;
	pg->ctype = "text/plain";
	if (sbuf_reserve(pg->body, TS_GARBAGE_SIZE) < 0) {
		pg->overflow = 1;
		return;
	}
	p = pg->body->p;
	for (uint32_t i = 0; i < TS_GARBAGE_SIZE; i++) {
		unsigned char b = (unsigned char)ts_mix(i + 0x9e3779b9u);

		if (i % TS_GARBAGE_LINE == TS_GARBAGE_LINE - 1)
			b = '\n';
		else if (i % TS_GARBAGE_LINE == 0)
			b = 0xfe;
		else if (b == '\n' || b == '\r')
			b |= 0x80;
		p[i] = (char)b;
	}
	for (size_t k = 0; k < sizeof(plant) / sizeof(plant[0]); k++) {
		size_t off = (7 + 13 * k) * TS_GARBAGE_LINE + 20;

		p[off - 1] = (char)0xff;
		memcpy(p + off, plant[k], strlen(plant[k]));
	}
	pg->body->len = TS_GARBAGE_SIZE;
	p[TS_GARBAGE_SIZE] = '\0';
}

static void rt_links(struct page *pg, const char *const *paths, size_t n)
{
	page_begin(pg, pg->vh->name);
	page_body(pg);
	for (size_t i = 0; i < n; i++)
		page_link(pg, LT_A, NULL, paths[i], pg->host, paths[i], LF_FOLLOW);
	page_end(pg);
}

static void rt_robots_index(struct page *pg)
{
	static const char *const paths[] = {
		"/a.html", "/b.html", "/private/1.html", "/private/2.html", "/late/1.html",
		"/public/1.html", "/doc.pdf",
	};

	rt_links(pg, paths, sizeof(paths) / sizeof(paths[0]));
}

static void rt_pdf(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "application/pdf";
	page_printf(pg, "%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n");
}

/* delay.test, fast.test, rate.test: "/" links leaf_dir 0.html .. */
static void rt_numbered_index(struct page *pg)
{
	char path[64];

	page_begin(pg, pg->vh->name);
	page_body(pg);
	for (unsigned i = 0; i < pg->vh->nleaves; i++) {
		snprintf(path, sizeof(path), "%s%u.html", pg->vh->leaf_dir, i);
		page_link(pg, LT_A, NULL, path, pg->host, path, LF_FOLLOW);
	}
	page_end(pg);
}

static void rt_numbered(struct page *pg)
{
	size_t dl = strlen(pg->vh->leaf_dir);
	unsigned long i;

	if (strncmp(pg->path, pg->vh->leaf_dir, dl)
	    || parse_index(pg->path + dl, strlen(pg->path + dl), ".html", pg->vh->nleaves, &i) < 0)
		rt_missing(pg);
	else
		rt_leaf(pg);
}

static void rt_fail_index(struct page *pg)
{
	static const char *const paths[] = {
		"/429-secs", "/429-date", "/503-once", "/500", "/trickle", "/hang", "/reset",
		"/empty", "/loop-a", "/chain/0",
	};

	rt_links(pg, paths, sizeof(paths) / sizeof(paths[0]));
}

static void rt_429_secs(struct page *pg)
{
	if (pg->hit > 1) {
		rt_leaf(pg);
		return;
	}
	page_status(pg, 429);
	page_header(pg, "Retry-After", "2");
}

static void rt_429_date(struct page *pg)
{
	time_t t = time(NULL) + 2;
	char date[64];
	struct tm tm;

	if (pg->hit > 1) {
		rt_leaf(pg);
		return;
	}
	page_status(pg, 429);
	/* IMF-fixdate; the C locale is never changed, so the names are English */
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	page_header(pg, "Retry-After", date);
}

static void rt_503_once(struct page *pg)
{
	if (pg->hit > 1)
		rt_leaf(pg);
	else
		page_status(pg, 503);
}

static void rt_trickle(struct page *pg)
{
	page_misbehave(pg, PA_TRICKLE, 100000, 0);
}

static void rt_hang(struct page *pg)
{
	page_misbehave(pg, PA_HANG, 1000, 0);
}

static void rt_reset(struct page *pg)
{
	page_misbehave(pg, PA_RESET, 10000, 100);
}

static void rt_empty(struct page *pg)
{
	pg->status = 0;         /* logged as 0: no reply at all */
	pg->act = PA_EMPTY;
}

static void rt_loop(struct page *pg)
{
	const char *to = !strcmp(pg->path, "/loop-a") ? "/loop-b" : "/loop-a";

	page_redirect(pg, 302, to, pg->host, to);
}

/* /chain/N -> /chain/N+1 .. /chain/TS_CHAIN_LEN, a 200 */
static void rt_chain(struct page *pg)
{
	unsigned long i;
	char to[32];

	if (parse_index(pg->rest, strlen(pg->rest), "", TS_CHAIN_LEN + 1, &i) < 0) {
		rt_missing(pg);
	} else if (i == TS_CHAIN_LEN) {
		rt_leaf(pg);
	} else {
		snprintf(to, sizeof(to), "/chain/%lu", i + 1);
		page_redirect(pg, 302, to, pg->host, to);
	}
}

static void rt_bulk_index(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "application/json";
	page_printf(pg, "[]\n");
}

/* /i/ANYTHING: ~1 KB of JSON that depends on the path only. */
static void rt_bulk_item(struct page *pg)
{
	static const char start[] = "{\"path\":\"";
	uint32_t h = (uint32_t)url_hash(pg->path);
	size_t pl = strlen(pg->path);

	pg->status = 200;
	pg->ctype = "application/json";
	page_printf(pg, "%s%s\",\"hash\":\"%08x\",\"items\":[", start, pg->path, h);
	/* keep the JSON valid whatever the path holds */
	for (char *p = pg->body->p + sizeof(start) - 1; !pg->overflow && pl--; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._~%-", *p))
			*p = '_';
	/* items by hand: this is the hot path of the bulk benchmarks */
	if (sbuf_reserve(pg->body, TS_BULK_ITEMS * 19) < 0) {
		pg->overflow = 1;
		return;
	}
	for (uint32_t i = 0; i < TS_BULK_ITEMS; i++) {
		char *q = pg->body->p + pg->body->len;
		uint64_t v = (uint64_t)ts_mix(h + 2 * i) << 32 | ts_mix(h + 2 * i + 1);

		if (i)
			*q++ = ',';
		*q++ = '"';
		for (int d = 15; d >= 0; d--, v >>= 4)
			q[d] = "0123456789abcdef"[v & 15];
		q += 16;
		*q++ = '"';
		pg->body->len = (size_t)(q - pg->body->p);
	}
	page_printf(pg, "]}\n");
}

/*
 * hostile.test: malformed, enormous and broken replies (tests/e2e-hostile.sh).
 * The big bodies are streamed (enum page_stream), never built in memory.
 */
#define TS_DEEP_LEVELS     100000          /* /deep.html: nested <div>s */
#define TS_BIG_PAGE        (50u << 20)     /* /huge.html */
#define TS_BINARY_SIZE     (2u << 20)      /* /binary.html */
#define TS_BOMB_BLOCK      (1u << 20)      /* zeros deflated once at start-up ... */
#define TS_BOMB_REPS       1024            /* ... and repeated: 1 GiB inflated */
#define TS_MANY_LINKS      100000          /* /manylinks.html -> /ml/0.html .. */
#define TS_LONG_URL        8200            /* /longurl.html: bytes of the longest path */
#define TS_BIGHDR_LINE     1024            /* /big-headers.html: X-Pad lines of this size ... */
#define TS_BIGHDR_LINES    1024            /* ... this many: 1 MiB */
#define TS_SHORT_CLEN      10000           /* /short-body.html announces this ... */
#define TS_SHORT_SENT      500             /* ... and sends this */
#define TS_STREAM_CHUNK    (32u << 10)     /* streamed bytes appended per fill */

static const char bomb_prefix[] =
	"<!DOCTYPE html>\n<html><head><title>bomb</title></head><body>\n"
	"<a href=\"/bomb-target.html\">after the bomb</a>\n<p>";
static const char bighdr_body[] = "<!DOCTYPE html>\n<html><body><p>big headers</p></body></html>\n";

static void rt_hostile_index(struct page *pg)
{
	static const char *const paths[] = {
		"/ok.html", "/malformed.html", "/deep.html", "/nul.html", "/binary.html",
		"/huge.html", "/bomb.html", "/manylinks.html", "/longurl.html",
		"/trap/cal?d=2020-01-01", "/trap/deep/", "/trunc-chunked.html", "/short-body.html",
		"/reset.html", "/big-headers.html", "/silent.html", "/empty.html",
	};

	rt_links(pg, paths, sizeof(paths) / sizeof(paths[0]));
}

/*
 * Unclosed tags, garbage, stray quotes, bad entities and a file that ends
 * inside a tag.  The one valid link (/ok2.html) comes early, inside unclosed
 * elements but before anything that could swallow it (an open quote or
 * comment, or <title> and <script>, whose text runs to their end tags).
 */
static void rt_malformed(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	page_printf(pg,
		"<html><head><title>malformed</title><body><div class=a><table><tr><td>cell<td>\n"
		"<p><b><i>unclosed <ul><li>one<li>two <font size=+1><center>\n"
		"<a href=\"/ok2.html\">the one valid link</a>\n"
		"</b></i></div></span></table></nosuch> </ </> <!> <? pi ?> <<>> <<a>>\n"
		"<a href>no value</a> <a href=\"\">empty</a> <a href=\"#\">fragment</a>\n"
		"<a =\"x\"> <a \"href\"=y> &amp &#xZZ; &#99999999999; &bogus; <![CDATA[ x ]]>\n"
		"<p class=\"x\"y\" z=w>stray \"quotes\" '' \"\" \n"
		"<script>if (a < b && c > d) {}</script><style>p { color: red </style>\n"
		"<div><div><div><span><p>\n"
		"<p title='never closed>and the file ends inside a tag: <div class=\"unterminated");
}

static void rt_deep(struct page *pg)
{
	size_t open = TS_DEEP_LEVELS * 5, close = TS_DEEP_LEVELS * 6;
	char *p;

	page_begin(pg, "deep");
	page_body(pg);
	if (sbuf_reserve(pg->body, open + close) < 0) {
		pg->overflow = 1;
		return;
	}
	p = pg->body->p + pg->body->len;
	for (size_t i = 0; i < TS_DEEP_LEVELS; i++, p += 5)
		memcpy(p, "<div>", 5);
	pg->body->len += open;
	pg->body->p[pg->body->len] = '\0';
	page_link(pg, LT_A, NULL, "/deep-target.html", pg->host, "/deep-target.html", LF_FOLLOW);
	if (sbuf_reserve(pg->body, close) < 0) {
		pg->overflow = 1;
		return;
	}
	p = pg->body->p + pg->body->len;
	for (size_t i = 0; i < TS_DEEP_LEVELS; i++, p += 6)
		memcpy(p, "</div>", 6);
	pg->body->len += close;
	pg->body->p[pg->body->len] = '\0';
	page_end(pg);
}

/* NULs and invalid UTF-8 (stray continuation bytes, a cut sequence, an
 * overlong '/', Latin-1) around links: /nul-a.html comes before any of it. */
static void rt_nul(struct page *pg)
{
	static const char body[] =
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>nul</title></head><body>\n"
		"<p><a href=\"/nul-a.html\">a</a></p>\n"
		"<p>NULs \0\0\0 invalid \xff\xfe \xc3\x28 \x80\x80 \xe2\x82 \xc0\xaf \xed\xa0\x80</p>\n"
		"<p>\0<a href=\"/nul-b.html\">b \xff</a>\0</p>\n"
		"<p><a href=\"/nul-\xe9t\xe9.html\">latin-1 in the href</a></p>\n"
		"</body></html>\n";

	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	if (sbuf_add(pg->body, body, sizeof(body) - 1) < 0)
		pg->overflow = 1;
}

static void rt_stream(struct page *pg, enum page_stream st, uint64_t slen)
{
	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	pg->stream = st;
	pg->slen = slen;
}

static void rt_binary(struct page *pg)
{
	rt_stream(pg, ST_BINARY, TS_BINARY_SIZE);
}

static void rt_huge(struct page *pg)
{
	rt_stream(pg, ST_HUGE, TS_BIG_PAGE);
}

/* Sent gzip-encoded whatever the request accepts: that is the hostility. */
static void rt_bomb(struct page *pg)
{
	rt_stream(pg, ST_BOMB, 0);      /* the length is the bomb's: set in srv_reply */
	page_header(pg, "Content-Encoding", "gzip");
}

static void rt_manylinks(struct page *pg)
{
	rt_stream(pg, ST_MANYLINKS, 0);
	pg->chunked = 1;
}

/* /ml/N.html, N < TS_MANY_LINKS: tiny leaves */
static void rt_ml(struct page *pg)
{
	unsigned long i;

	if (parse_index(pg->rest, strlen(pg->rest), ".html", TS_MANY_LINKS, &i) < 0)
		rt_missing(pg);
	else
		rt_leaf(pg);
}

/* Links past 8 KiB, between 2 and 8 KiB, under 2 KiB, and bad percent-escapes. */
static void rt_longurl(struct page *pg)
{
	static const char *const pct[] = {
		"/pct/%zz.html", "/pct/%.html", "/pct/%4.html", "/pct/a%4g.html?q=%", "/pct/%E2%82.html",
		"/pct/%41ok.html",
	};
	static const struct { char c; size_t n; } longs[] = {
		{ 'a', TS_LONG_URL }, { 'b', 3000 }, { 'c', 1000 },
	};
	char *path;

	page_begin(pg, "long urls");
	page_body(pg);
	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		size_t n = longs[i].n;

		path = malloc(n + 1);
		if (!path)
			die("out of memory");
		memcpy(path, "/long/", 6);
		memset(path + 6, longs[i].c, n - 11);
		memcpy(path + n - 5, ".html", 6);
		page_link(pg, LT_A, NULL, path, pg->host, path, LF_FOLLOW);
		free(path);
	}
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		page_link(pg, LT_A, NULL, pct[i], pg->host, NULL, LF_NONE);
	page_end(pg);
}

/*
 * /trap/cal?d=YYYY-MM-DD: an endless calendar, each day linking the day
 * before and the day after.  No date, or not a real one: 404.
 */
static void rt_trap_cal(struct page *pg)
{
	const char *q = pg->query ? pg->query : "";
	char href[64], title[32];
	struct tm tm = { 0 };
	int y, m, d, n = 0;
	time_t t;

	if (strncmp(q, "d=", 2) || sscanf(q + 2, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3
	    || q[2 + n] || y < 1000 || m < 1 || m > 12 || d < 1 || d > 31) {
		rt_missing(pg);
		return;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	snprintf(title, sizeof(title), "%04d-%02d-%02d", y, m, d);
	page_begin(pg, title);
	page_body(pg);
	for (int dir = -1; dir <= 1; dir += 2) {
		time_t u = t + dir * 86400;

		gmtime_r(&u, &tm);
		snprintf(href, sizeof(href), "/trap/cal?d=%04d-%02d-%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
		page_link(pg, LT_A, NULL, href, pg->host, NULL, LF_NONE);
	}
	page_end(pg);
}

/* /trap/deep/...: every path links to itself + "a/", deeper without end. */
static void rt_trap_deep(struct page *pg)
{
	size_t pl = strlen(pg->path);
	char *href = malloc(pl + 4);

	if (!href)
		die("out of memory");
	snprintf(href, pl + 4, "%s%sa/", pg->path, pl && pg->path[pl - 1] == '/' ? "" : "/");
	page_begin(pg, "deeper");
	page_body(pg);
	page_link(pg, LT_A, NULL, href, pg->host, NULL, LF_NONE);
	page_end(pg);
	free(href);
}

/* Chunked, the last chunk never sent, then a FIN. */
static void rt_trunc_chunked(struct page *pg)
{
	page_begin(pg, "truncated chunks");
	page_body(pg);
	for (int i = 0; i < 64; i++)
		page_printf(pg, "<p>chunked line %d, and the terminating chunk never comes</p>\n", i);
	page_end(pg);
	pg->chunked = 1;
	pg->cut_chunked = 1;
	pg->act = PA_CLOSE;
	pg->clen = pg->body->len + 1000;        /* HTTP/1.0 gets a short body instead */
}

static void rt_short_body(struct page *pg)
{
	page_misbehave(pg, PA_CLOSE, TS_SHORT_CLEN, TS_SHORT_SENT);
}

static void rt_big_headers(struct page *pg)
{
	rt_stream(pg, ST_BIGHDR, sizeof(bighdr_body) - 1);
}

static void rt_silent(struct page *pg)
{
	pg->status = 0;         /* logged as 0: no reply, ever */
	pg->act = PA_SILENT;
}

static const struct route robots_site[] = {
	{ "/robots.txt",      0, rt_robots },
	{ "/real-robots.txt", 0, rt_real_robots },
	{ "/",                0, rt_robots_index },
	{ "/a.html",          0, rt_leaf },
	{ "/b.html",          0, rt_leaf },
	{ "/private/1.html",  0, rt_leaf },
	{ "/private/2.html",  0, rt_leaf },
	{ "/late/1.html",     0, rt_leaf },
	{ "/public/1.html",   0, rt_leaf },
	{ "/doc.pdf",         0, rt_pdf },
};

static int ci_contains(const char *a, size_t n, const char *lit);

/* cookie.test: / sets a session cookie and links to pages that need it */
static void rt_cookie_index(struct page *pg)
{
	page_header(pg, "Set-Cookie", "session=s3cret; Path=/");
	page_begin(pg, "cookies");
	page_body(pg);
	page_printf(pg, "<a href=\"/need-session.html\">s</a>\n"
		    "<a href=\"/need-jar.html\">j</a>\n");
	page_end(pg);
}

/* 200 when the request sent the cookie the route row names, else 403 */
static void rt_cookie_need(struct page *pg)
{
	const char *want = strcmp(pg->path, "/need-jar.html") == 0 ? "jar=yes" : "session=s3cret";

	if (pg->cookie && ci_contains(pg->cookie, pg->cookie_len, want))
		rt_leaf(pg);
	else
		page_status(pg, 403);
}

static const struct route cookie_site[] = {
	{ "/robots.txt",        0, rt_robots },
	{ "/",                  0, rt_cookie_index },
	{ "/need-session.html", 0, rt_cookie_need },
	{ "/need-jar.html",     0, rt_cookie_need },
};

/*
 * sitemap.test: robots.txt names a sitemap index and a text sitemap; "/"
 * links nothing, so every other page is found through a sitemap only.
 */
static void rt_sitemap_robots(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/plain";
	page_printf(pg, "User-agent: *\nDisallow: /blocked/\n"
		    "Sitemap: http://sitemap.test:%d/sm/index.xml\n"
		    "sitemap :http://sitemap.test:%d/sm/list.txt # text\n", pg->port, pg->port);
}

static void rt_sitemap_xml(struct page *pg)
{
	const char *p = pg->path;
	int port = pg->port;

	pg->status = 200;
	pg->ctype = "application/xml";
	page_printf(pg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (strcmp(p, "/sitemap.xml") == 0) {
		page_printf(pg, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
			    "<url><loc>http://sitemap.test:%d/from-root.html</loc></url>\n"
			    "<url><loc>http://out.test:%d/off.html</loc></url>\n"
			    "<url><loc>http://sitemap.test:%d/blocked/x.html</loc></url>\n"
			    "</urlset>\n", port, port, port);
	} else if (strcmp(p, "/sm/index.xml") == 0) {
		page_printf(pg, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
			    "<sitemap><loc>http://sitemap.test:%d/sm/a.xml.gz</loc></sitemap>\n"
			    "<sitemap><loc>http://sitemap.test:%d/sm/b.xml</loc></sitemap>\n"
			    "<sitemap><loc>http://sitemap.test:%d/sm/nested.xml</loc></sitemap>\n"
			    "</sitemapindex>\n", port, port, port);
	} else if (strcmp(p, "/sm/nested.xml") == 0) {
		page_printf(pg, "<sitemapindex><sitemap><loc>http://sitemap.test:%d/sm/never.xml"
			    "</loc></sitemap></sitemapindex>\n", port);
	} else if (strcmp(p, "/sm/b.xml") == 0) {
		pg->gzip_ok = 1;        /* Content-Encoding: gzip when accepted */
		page_printf(pg, "<urlset><url><loc>http://sitemap.test:%d/from-b.html?x=1&amp;y=2"
			    "</loc></url></urlset>\n", port);
	} else {                        /* /sm/a.xml.gz: a gzip file, no Content-Encoding */
		char xml[256];
		unsigned char gz[512];
		z_stream z;
		int n = snprintf(xml, sizeof(xml), "<urlset><url><loc>http://sitemap.test:%d/"
				 "from-gz.html</loc></url></urlset>\n", port);

		memset(&z, 0, sizeof(z));
		pg->ctype = "application/gzip";
		pg->body->len = 0;
		if (deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			pg->overflow = 1;
			return;
		}
		z.next_in = (unsigned char *)xml;
		z.avail_in = (unsigned)n;
		z.next_out = gz;
		z.avail_out = sizeof(gz);
		if (deflate(&z, Z_FINISH) != Z_STREAM_END ||
		    sbuf_add(pg->body, gz, sizeof(gz) - z.avail_out) < 0)
			pg->overflow = 1;
		deflateEnd(&z);
	}
}

static void rt_sitemap_text(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/plain";
	page_printf(pg, "http://sitemap.test:%d/from-text.html\r\n\nnot a URL\n", pg->port);
}

/* the pages the sitemaps list link one more page, found the usual way */
static void rt_sitemap_page(struct page *pg)
{
	page_begin(pg, pg->path);
	page_body(pg);
	page_printf(pg, "<p>listed</p><a href=\"/linked.html\">next</a>\n");
	page_end(pg);
}

static const struct route sitemap_site[] = {
	{ "/robots.txt",     0, rt_robots },
	{ "/",               0, rt_leaf },
	{ "/sitemap.xml",    0, rt_sitemap_xml },
	{ "/sm/index.xml",   0, rt_sitemap_xml },
	{ "/sm/nested.xml",  0, rt_sitemap_xml },
	{ "/sm/a.xml.gz",    0, rt_sitemap_xml },
	{ "/sm/b.xml",       0, rt_sitemap_xml },
	{ "/sm/list.txt",    0, rt_sitemap_text },
	{ "/from-",          1, rt_sitemap_page },
	{ "/linked.html",    0, rt_leaf },
	{ "/blocked/",       1, rt_leaf },
};

/*
 * archive.test: validators, 304s and duplicate bodies, for revisit records
 * and --recrawl.  A route with validators answers 304 (no body, its
 * validators repeated) when the request's If-None-Match equals its ETag or
 * its If-Modified-Since equals its Last-Modified (as strings: the date is
 * fixed), else 200 with them.
 */
#define ARCHIVE_LASTMOD "Tue, 01 Dec 2026 10:00:00 GMT"

static int archive_304(struct page *pg, const char *etag, const char *lastmod)
{
	if (etag)
		page_header(pg, "ETag", etag);
	if (lastmod)
		page_header(pg, "Last-Modified", lastmod);
	if ((etag && pg->inm && pg->inm_len == strlen(etag) &&
	     !memcmp(pg->inm, etag, pg->inm_len)) ||
	    (lastmod && pg->ims && pg->ims_len == strlen(lastmod) &&
	     !memcmp(pg->ims, lastmod, pg->ims_len))) {
		pg->status = 304;
		pg->ctype = NULL;
		return 1;
	}
	return 0;
}

static void rt_archive_index(struct page *pg)
{
	static const char *const paths[] = {
		"/etag.html", "/lastmod.html", "/changing.html", "/plain.html",
		"/dup/1.html", "/dup/2.html", "/dup/3.html",
	};

	if (archive_304(pg, "\"idx-1\"", NULL))
		return;
	rt_links(pg, paths, sizeof(paths) / sizeof(paths[0]));
}

static void rt_archive_leaf(struct page *pg)
{
	const char *etag = NULL, *lastmod = NULL;

	if (!strcmp(pg->path, "/etag.html"))
		etag = "\"e1\"";
	else if (!strcmp(pg->path, "/lastmod.html"))
		lastmod = ARCHIVE_LASTMOD;
	if (archive_304(pg, etag, lastmod))
		return;
	rt_leaf(pg);
}

/* A new ETag and body at every request: never a 304, never a duplicate. */
static void rt_archive_changing(struct page *pg)
{
	char etag[32];

	snprintf(etag, sizeof(etag), "\"c%lu\"", pg->hit);
	if (archive_304(pg, etag, NULL))
		return;
	page_begin(pg, "changing");
	page_body(pg);
	page_printf(pg, "<p>version %lu</p>\n", pg->hit);
	page_end(pg);
}

/* The same bytes at every /dup/N.html */
static void rt_archive_dup(struct page *pg)
{
	page_begin(pg, "dup");
	page_body(pg);
	page_printf(pg, "<p>one body served at many URLs</p>\n");
	page_end(pg);
}

static const struct route archive_site[] = {
	{ "/robots.txt",    0, rt_robots },
	{ "/",              0, rt_archive_index },
	{ "/etag.html",     0, rt_archive_leaf },
	{ "/lastmod.html",  0, rt_archive_leaf },
	{ "/plain.html",    0, rt_archive_leaf },
	{ "/changing.html", 0, rt_archive_changing },
	{ "/dup/",          1, rt_archive_dup },
};

static const struct route numbered_site[] = {
	{ "/robots.txt", 0, rt_robots },
	{ "/",           0, rt_numbered_index },
	{ "/",           1, rt_numbered },
};

static const struct route fail_site[] = {
	{ "/robots.txt", 0, rt_robots },
	{ "/",           0, rt_fail_index },
	{ "/429-secs",   0, rt_429_secs },
	{ "/429-date",   0, rt_429_date },
	{ "/503-once",   0, rt_503_once },
	{ "/500",        0, rt_error },
	{ "/trickle",    0, rt_trickle },
	{ "/hang",       0, rt_hang },
	{ "/reset",      0, rt_reset },
	{ "/empty",      0, rt_empty },
	{ "/loop-a",     0, rt_loop },
	{ "/loop-b",     0, rt_loop },
	{ "/chain/",     1, rt_chain },
};

/* shop.test: tests/shop.c writes every page. */
static void rt_shop(struct page *pg)
{
	static char html[1 << 16];
	const char *ctype;
	int n = shop_page(pg->path, html, sizeof(html), &ctype);

	if (n < 0) {
		rt_missing(pg);
		return;
	}
	pg->status = 200;
	pg->ctype = ctype;
	page_printf(pg, "%s", html);
}

static const struct route shop_site[] = {
	{ "/robots.txt", 0, rt_robots },
	{ "/",           1, rt_shop },
};

static const struct route bulk_site[] = {
	{ "/robots.txt", 0, rt_robots },
	{ "/",           0, rt_bulk_index },
	{ "/i/",         1, rt_bulk_item },
};

static const struct route hostile_site[] = {
	{ "/robots.txt",         0, rt_robots },
	{ "/",                   0, rt_hostile_index },
	{ "/ok.html",            0, rt_leaf },
	{ "/ok2.html",           0, rt_leaf },
	{ "/malformed.html",     0, rt_malformed },
	{ "/deep.html",          0, rt_deep },
	{ "/deep-target.html",   0, rt_leaf },
	{ "/nul.html",           0, rt_nul },
	{ "/nul-",               1, rt_leaf },
	{ "/binary.html",        0, rt_binary },
	{ "/huge.html",          0, rt_huge },
	{ "/bomb.html",          0, rt_bomb },
	{ "/bomb-target.html",   0, rt_leaf },
	{ "/manylinks.html",     0, rt_manylinks },
	{ "/ml/",                1, rt_ml },
	{ "/longurl.html",       0, rt_longurl },
	{ "/long/",              1, rt_leaf },
	{ "/pct/",               1, rt_leaf },
	{ "/trap/cal",           0, rt_trap_cal },
	{ "/trap/deep/",         1, rt_trap_deep },
	{ "/trunc-chunked.html", 0, rt_trunc_chunked },
	{ "/short-body.html",    0, rt_short_body },
	{ "/reset.html",         0, rt_reset },
	{ "/big-headers.html",   0, rt_big_headers },
	{ "/silent.html",        0, rt_silent },
	{ "/empty.html",         0, rt_empty },
};

/*
 * req.test and assets.test: page requisites (tests/e2e-requisites.sh).
 * "/" embeds every kind of requisite a crawler must fetch, once, from
 * req.test and from assets.test (another host: off the scope of a crawl
 * seeded on req.test); the stylesheets @import each other four deep.
 * What must never be requested sits in comments, strings, a <link
 * rel=alternate>, a too-deep stylesheet, robots.txt's Disallow, and a link
 * (not a requisite) to assets.test.  The list the test expects is written
 * out in the test itself.
 */
static void rt_req_robots(struct page *pg)
{
	pg->status = 200;
	pg->ctype = "text/plain";
	pg->chunked = 1;        /* and gzip when asked: robots.txt as sent */
	pg->gzip_ok = 1;
	page_printf(pg, "User-agent: *\nDisallow: /blocked/\n");
}

static void rt_req_index(struct page *pg)
{
	int port = pg->port;

	pg->status = 200;
	pg->ctype = "text/html; charset=utf-8";
	page_printf(pg, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>req</title>\n"
		"<link rel=\"stylesheet\" href=\"/css/main.css\">\n"
		"<link rel=\"shortcut icon\" href=\"/favicon.ico\">\n"
		"<link rel=\"apple-touch-icon\" href=\"/touch.png\">\n"
		"<link rel=\"alternate\" href=\"/alt.html\">\n"
		"<link rel=\"preload\" href=\"/font.woff2\" as=\"font\">\n"
		"<link rel=\"manifest\" href=\"/site.webmanifest\">\n"
		"<style>@import \"/css/inline-import.css\";\n"
		"  body { background: url('/img/bg.png') } /* url(/img/style-comment.png) */</style>\n"
		"<script src=\"/js/app.js\"></script>\n"
		"<script>var s = \"<img src='/img/in-script.png'>\";</script>\n"
		"</head><body>\n"
		"<img src=\"/img/a.png\" srcset=\"/img/a-2x.png 2x, img/a-3x.png 3x\" alt=\"a\">\n"
		"<picture><source srcset=\"/img/p.webp, /img/p-2x.webp 2x\" type=\"image/webp\">"
		"<img src=\"/img/p.png\"></picture>\n"
		"<img src=\"http://assets.test:%d/logo.png\">\n"
		"<object data=\"/fig/figure.svg\" type=\"image/svg+xml\"></object>\n"
		"<embed src=\"/fig/embed.swf\">\n"
		"<video src=\"/media/v.mp4\" poster=\"/img/poster.png\"><track src=\"/media/t.vtt\"></video>\n"
		"<audio><source src=\"/media/a.ogg\"></audio>\n"
		"<input type=\"image\" src=\"/img/button.png\"><input type=\"text\" src=\"/img/not-image.png\">\n"
		"<div style=\"background-image: url(/img/div.png)\">styled</div>\n"
		"<img src=\"/blocked/img.png\">\n"
		"<!-- <img src=\"/img/commented.png\"> -->\n"
		"<a href=\"/page2.html\">page 2</a>\n"
		"<a href=\"http://assets.test:%d/other.html\">off scope</a>\n"
		"</body></html>\n", port, port);
}

static void rt_req_page2(struct page *pg)
{
	page_begin(pg, "page 2");
	page_body(pg);
	page_printf(pg, "<a href=\"/\">home</a>\n<img src=\"/img/a.png\"><img src=\"/img/page2.png\">\n");
	page_end(pg);
}

/* The stylesheets: main -> imported -> l3 -> l4 -> l5; a crawler scans a
 * stylesheet at most 3 @imports from its page, so l5 is fetched (l4 needs
 * it) but its url() is not. */
static void rt_req_css(struct page *pg)
{
	const char *p = pg->path;

	pg->status = 200;
	pg->ctype = "text/css; charset=utf-8";
	if (strcmp(p, "/css/main.css") == 0) {
		pg->chunked = 1;
		page_printf(pg, "@charset \"utf-8\";\n@import url(\"/css/imported.css\") screen;\n"
			"body { background: url(../img/css-bg.png) no-repeat }\n"
			"/* url(/img/css-comment.png) */\n"
			".x::after { content: \"url(/img/css-string.png)\" }\n"
			".y { background: URL( '/img/css-\\41 ' ) }\n"
			"@font-face { font-family: f; src: url(http://assets.test:%d/font.woff) }\n",
			pg->port);
	} else if (strcmp(p, "/css/imported.css") == 0) {
		pg->gzip_ok = 1;
		page_printf(pg, "@import 'l3.css';\n.z { background: url(\"../img/imported.png\") }\n");
	} else if (strcmp(p, "/css/l3.css") == 0) {
		page_printf(pg, "@import \"l4.css\";\n.l3 { background: url(/img/l3.png) }\n");
	} else if (strcmp(p, "/css/l4.css") == 0) {
		page_printf(pg, "@import url(l5.css);\n.l4 { background: url(/img/l4.png) }\n");
	} else if (strcmp(p, "/css/l5.css") == 0) {
		page_printf(pg, ".l5 { background: url(/img/too-deep.png) }\n");
	} else if (strcmp(p, "/css/inline-import.css") == 0) {
		page_printf(pg, "p { background: url(/img/inline-import.png) }\n");
	} else {
		page_status(pg, 404);
	}
}

/* Any other requisite: a PNG for .png, small bodies of the right type. */
static void rt_req_asset(struct page *pg)
{
	const char *dot = strrchr(pg->path, '.');

	if (dot && strcmp(dot, ".png") == 0) {
		rt_png(pg);
		return;
	}
	pg->status = 200;
	if (dot && strcmp(dot, ".svg") == 0) {
		pg->ctype = "image/svg+xml";
		page_printf(pg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\">"
			    "<rect width=\"8\" height=\"8\"/></svg>\n");
	} else if (dot && strcmp(dot, ".js") == 0) {
		pg->ctype = "application/javascript";
		page_printf(pg, "console.log('app');\n");
	} else {
		pg->ctype = "application/octet-stream";
		page_printf(pg, "asset %s\n", pg->path);
	}
}

static const struct route req_site[] = {
	{ "/robots.txt",  0, rt_robots },
	{ "/",            0, rt_req_index },
	{ "/page2.html",  0, rt_req_page2 },
	{ "/css/",        1, rt_req_css },
	{ "/img/",        1, rt_req_asset },
	{ "/blocked/",    1, rt_req_asset },
	{ "/fig/",        1, rt_req_asset },
	{ "/js/",         1, rt_req_asset },
	{ "/media/",      1, rt_req_asset },
	{ "/favicon.ico", 0, rt_req_asset },
	{ "/touch.png",   0, rt_req_asset },
	{ "/font.woff2",  0, rt_req_asset },
	{ "/site.webmanifest", 0, rt_req_asset },
	{ "/alt.html",    0, rt_leaf },
};

static const struct route assets_site[] = {
	{ "/robots.txt",  0, rt_robots },
	{ "/logo.png",    0, rt_req_asset },
	{ "/font.woff",   0, rt_req_asset },
	{ "/other.html",  0, rt_leaf },
};

#define TS_TABLE(t) t, sizeof(t) / sizeof((t)[0])

static const struct vhost ts_vhosts[] = {
	{ "robots-allow.test",    TS_TABLE(robots_site), rt_robots_text,
	  "User-agent: *\nAllow: /\n", NULL, 0 },
	{ "robots-disallow.test", TS_TABLE(robots_site), rt_robots_text,
	  "User-agent: *\nDisallow: /private/\nDisallow: /*.pdf$\nAllow: /private/2.html\n", NULL, 0 },
	{ "robots-agent.test",    TS_TABLE(robots_site), rt_robots_text,
	  "User-agent: *\nDisallow: /\n\nUser-agent: ShardCrawl\nDisallow: /b.html\n", NULL, 0 },
	{ "robots-404.test",      TS_TABLE(robots_site), rt_missing, NULL, NULL, 0 },
	{ "robots-500.test",      TS_TABLE(robots_site), rt_error, NULL, NULL, 0 },
	{ "robots-redirect.test", TS_TABLE(robots_site), rt_robots_redirect,
	  "User-agent: *\nDisallow: /private/\n", NULL, 0 },
	{ "robots-huge.test",     TS_TABLE(robots_site), rt_robots_huge, NULL, NULL, 0 },
	{ "robots-garbage.test",  TS_TABLE(robots_site), rt_robots_garbage, NULL, NULL, 0 },
	{ "delay.test",           TS_TABLE(numbered_site), rt_robots_text,
	  "User-agent: *\nCrawl-delay: 1\n", "/d/", 6 },
	{ "fast.test",            TS_TABLE(numbered_site), rt_missing, NULL, "/f/", 30 },
	{ "rate.test",            TS_TABLE(numbered_site), rt_missing, NULL, "/r/", 80 },
	{ "fail.test",            TS_TABLE(fail_site), rt_missing, NULL, NULL, 0 },
	{ "bulk.test",            TS_TABLE(bulk_site), rt_missing, NULL, NULL, 0 },
	{ "hostile.test",         TS_TABLE(hostile_site), rt_missing, NULL, NULL, 0 },
	{ "cookie.test",          TS_TABLE(cookie_site), rt_missing, NULL, NULL, 0 },
	{ "sitemap.test",         TS_TABLE(sitemap_site), rt_sitemap_robots, NULL, NULL, 0 },
	{ "shop.test",            TS_TABLE(shop_site), rt_missing, NULL, NULL, 0 },
	{ "req.test",             TS_TABLE(req_site), rt_req_robots, NULL, NULL, 0 },
	{ "assets.test",          TS_TABLE(assets_site), rt_missing, NULL, NULL, 0 },
	{ "archive.test",         TS_TABLE(archive_site), rt_missing, NULL, NULL, 0 },
};

#define TS_NVHOSTS (sizeof(ts_vhosts) / sizeof(ts_vhosts[0]))

/*
 * Fill pg for path (NUL-terminated, query already cut off) from a route
 * table.  hits: one counter per row (NULL: none, as in --list), so that a
 * handler knows whether this is the first request to its row.
 */
static void routes_run(struct page *pg, const char *path, const struct route *routes, size_t n,
		       unsigned long *hits)
{
	size_t pl = strlen(path);

	for (size_t i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		size_t rl = strlen(r->path);

		if (r->prefix ? pl >= rl && !memcmp(path, r->path, rl) : !strcmp(path, r->path)) {
			pg->path = path;
			pg->rest = path + rl;
			pg->hit = hits ? ++hits[i] : 1;
			r->handler(pg);
			return;
		}
	}
	rt_missing(pg);
}

/* The hK / out.test site. */
static void site_route(struct page *pg, const char *path)
{
	routes_run(pg, path, TS_TABLE(ts_routes), NULL);
}

static int url_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ts_url *)a)->url, ((const struct ts_url *)b)->url);
}

/* --list: crawl the site's own tables breadth first and print what a crawler must see. */
static void list_run(const struct ts_opts *opt)
{
	struct urlset rec = { 0 }, forbid = { 0 };
	struct sbuf body, hdrs;
	struct site site;
	struct page pg;
	size_t i;
	int found;

	site_init(&site, opt, opt->port);
	sbuf_init(&body, TS_BODY_MAX);
	sbuf_init(&hdrs, TS_HEAD_MAX);
	for (unsigned k = 0; k < opt->hosts; k++) {
		page_init(&pg, &site, k, &body, &hdrs);
		urlset_add(&rec, &pg, k, "/");
	}
	for (i = 0; i < rec.n; i++) {
		page_init(&pg, &site, rec.v[i].host, &body, &hdrs);
		pg.follow = &rec;
		pg.forbid = &forbid;
		site_route(&pg, rec.v[i].url + rec.v[i].path_off);
		rec.v[i].status = pg.overflow ? 500 : pg.status;
	}
	for (i = 0; i < forbid.n; i++) {
		urlset_find(&rec, forbid.v[i].url, &found);
		if (found)
			die("site tables broken: '%s' is both crawled and forbidden", forbid.v[i].url);
	}
	page_init(&pg, &site, opt->hosts, &body, &hdrs);
	urlset_add(&forbid, &pg, opt->hosts, "/");      /* the out.test prefix line */
	/* sorted for diffs; the hash slots are stale from here on */
	qsort(rec.v, rec.n, sizeof(*rec.v), url_cmp);
	qsort(forbid.v, forbid.n, sizeof(*forbid.v), url_cmp);
	for (i = 0; i < rec.n; i++)
		printf("%s %d\n", rec.v[i].url, rec.v[i].status);
	printf("--forbidden\n");
	for (i = 0; i < forbid.n; i++)
		printf("%s\n", forbid.v[i].url);
	if (fflush(stdout))
		die("cannot write the list: %s", strerror(errno));
	urlset_release(&rec);
	urlset_release(&forbid);
	sbuf_release(&body);
	sbuf_release(&hdrs);
	sbuf_release(&site.filler);
}

/* ------------------------------------------------------------------------
 * HTTP
 */

/* One parsed request head; the pointers point into the connection's input. */
struct req {
	const char *method, *target, *host;
	size_t method_len, target_len, host_len;
	const char *referer, *cookie;   /* NULL when the request had none */
	size_t referer_len, cookie_len;
	const char *inm, *ims;          /* If-None-Match, If-Modified-Since */
	size_t inm_len, ims_len;
	const char *path;       /* the target in origin form: an absolute-form */
	size_t path_len;        /* target (to a proxy) without its scheme and host */
	int minor;              /* HTTP/1.minor */
	int gzip;               /* Accept-Encoding names gzip */
	int keep_alive;         /* the connection stays open after the reply */
	uint64_t body_len;      /* Content-Length of a body to discard */
	int body_chunked;       /* a chunked body cannot be skipped: close after */
};

/* Offset just past the blank line ending the head in p[0..n), or 0. */
static size_t head_end(const char *p, size_t n)
{
	for (const char *q = memchr(p, '\n', n); q; q = memchr(q + 1, '\n', (size_t)(p + n - q - 1))) {
		size_t i = (size_t)(q - p) + 1;

		if (i < n && p[i] == '\n')
			return i + 1;
		if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
	}
	return 0;
}

static int ci_eq(const char *a, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncasecmp(a, lit, n);
}

static int ci_contains(const char *a, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	for (size_t i = 0; i + l <= n; i++)
		if (!strncasecmp(a + i, lit, l))
			return 1;
	return 0;
}

/* Parse the head p[0..n) (n from head_end()).  Returns 0 or an error status. */
static int req_parse(struct req *r, const char *p, size_t n)
{
	const char *end = p + n, *eol = memchr(p, '\n', n), *le, *sp1, *sp2, *v;
	const char *abs_host = NULL;
	size_t abs_host_len = 0;
	int conn_close = 0, conn_ka = 0;

	memset(r, 0, sizeof(*r));
	r->minor = 1;
	le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
	sp1 = memchr(p, ' ', (size_t)(le - p));
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(le - sp1 - 1)) : NULL;
	if (!sp2 || sp1 == p || sp2 == sp1 + 1)
		return 400;
	r->method = p;
	r->method_len = (size_t)(sp1 - p);
	r->target = sp1 + 1;
	r->target_len = (size_t)(sp2 - sp1 - 1);
	v = sp2 + 1;
	if (le - v != 8 || memcmp(v, "HTTP/1.", 7) || !isdigit((unsigned char)v[7]))
		return le - v >= 5 && !memcmp(v, "HTTP/", 5) ? 505 : 400;
	r->minor = v[7] - '0';
	r->path = r->target;
	r->path_len = r->target_len;
	/* absolute-form, as a client sends it to a proxy (RFC 9112 3.2.2):
	 * its authority is the host, whatever the Host header says */
	if (r->target_len > 7 && !strncasecmp(r->target, "http://", 7)) {
		const char *a = r->target + 7, *t = r->target + r->target_len;
		const char *slash = memchr(a, '/', (size_t)(t - a));

		abs_host = a;
		abs_host_len = (size_t)((slash ? slash : t) - a);
		r->path = slash ? slash : "/";
		r->path_len = slash ? (size_t)(t - slash) : 1;
		if (!abs_host_len)
			return 400;
	} else if (r->target[0] != '/') {
		return 400;
	}
	for (const char *line = eol + 1; line < end; line = eol + 1) {
		const char *colon, *val, *vend;
		size_t nl, vl;

		eol = memchr(line, '\n', (size_t)(end - line));
		le = eol > line && eol[-1] == '\r' ? eol - 1 : eol;
		if (le == line)
			break;
		if (*line == ' ' || *line == '\t')
			continue;       /* obsolete folding: the continuation is ignored */
		colon = memchr(line, ':', (size_t)(le - line));
		if (!colon)
			return 400;
		for (val = colon + 1; val < le && (*val == ' ' || *val == '\t'); val++)
			;
		for (vend = le; vend > val && (vend[-1] == ' ' || vend[-1] == '\t'); vend--)
			;
		nl = (size_t)(colon - line);
		vl = (size_t)(vend - val);
		if (ci_eq(line, nl, "host")) {
			r->host = val;
			r->host_len = vl;
		} else if (ci_eq(line, nl, "connection")) {
			conn_close |= ci_contains(val, vl, "close");
			conn_ka |= ci_contains(val, vl, "keep-alive");
		} else if (ci_eq(line, nl, "referer")) {
			r->referer = val;
			r->referer_len = vl;
		} else if (ci_eq(line, nl, "cookie")) {
			r->cookie = val;
			r->cookie_len = vl;
		} else if (ci_eq(line, nl, "if-none-match")) {
			r->inm = val;
			r->inm_len = vl;
		} else if (ci_eq(line, nl, "if-modified-since")) {
			r->ims = val;
			r->ims_len = vl;
		} else if (ci_eq(line, nl, "accept-encoding")) {
			r->gzip = ci_contains(val, vl, "gzip");
		} else if (ci_eq(line, nl, "transfer-encoding")) {
			r->body_chunked = 1;
		} else if (ci_eq(line, nl, "content-length")) {
			if (!vl)
				return 400;
			for (r->body_len = 0; val < vend; val++) {
				if (!isdigit((unsigned char)*val) || r->body_len > UINT64_MAX / 20)
					return 400;
				r->body_len = r->body_len * 10 + (uint64_t)(*val - '0');
			}
		}
	}
	if (abs_host) {
		r->host = abs_host;
		r->host_len = abs_host_len;
	}
	r->keep_alive = !conn_close && (r->minor >= 1 || conn_ka);
	return 0;
}

/* Host header -> host index (port, trailing dot and case ignored), or -1.
 * hK.test is K, out.test is hosts, ts_vhosts[v] is hosts + 1 + v. */
static int host_lookup(const struct ts_opts *o, const char *h, size_t n)
{
	const char *colon = memchr(h, ':', n);
	unsigned long k;
	char low[32];

	if (colon)
		n = (size_t)(colon - h);
	if (n && h[n - 1] == '.')
		n--;
	if (n >= sizeof(low))
		return -1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)h[i]);
	if (n == 8 && !memcmp(low, "out.test", 8))
		return (int)o->hosts;
	if (o->any_loopback && n > 4 && !memcmp(low, "127.", 4) &&
	    strspn(low, "0123456789.") == n)
		return 0;       /* 127.X.Y.Z serves h0.test's site */
	for (size_t v = 0; v < TS_NVHOSTS; v++)
		if (ci_eq(low, n, ts_vhosts[v].name))
			return (int)(o->hosts + 1 + v);
	if (n < 2 || low[0] != 'h' || parse_index(low + 1, n - 1, ".test", o->hosts, &k) < 0)
		return -1;
	return (int)k;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default:  return "Unknown";
	}
}

/* ------------------------------------------------------------------------
 * Connections and the event loop
 */

enum conn_state {
	CS_READ,                /* waiting for (the rest of) a request head */
	CS_HOLD,                /* reply built in out, held until deadline (--latency-ms) */
	CS_WRITE,               /* sending out */
	CS_LINGER,              /* last reply sent, write side shut: input is drained
				 * until the peer closes, so that closing with unread
				 * data does not reset the connection (and lose the reply) */
	CS_TRICKLE,             /* PA_TRICKLE: a byte per timer tick, input drained */
	CS_HANG,                /* PA_HANG: nothing sent, input drained until the peer closes */
	CS_CLOSED,              /* fd closed, on the dead list until the batch ends */
};

#define TS_NO_TIMER SIZE_MAX

struct conn {
	int fd;
	enum conn_state state;
	uint32_t events;        /* epoll interest as registered */
	size_t heap_idx;        /* position in srv.timers, or TS_NO_TIMER */
	uint64_t deadline;      /* monotonic ms, while CS_HOLD, CS_LINGER or CS_TRICKLE */
	struct sbuf in, out;
	size_t out_off;         /* bytes of out already sent */
	uint64_t skip;          /* request body bytes still to discard */
	int close_after;        /* close once out is sent */
	int peer_eof;           /* the client shut down its side */
	enum page_act act;      /* what to do once out is sent (conn_act) */
	size_t act_left;        /* PA_TRICKLE: announced body bytes not sent yet */
	enum page_stream stream; /* a streamed reply still being generated (stream_fill) */
	uint64_t st_pos;        /* streamed payload bytes generated so far */
	uint64_t st_len;        /* ... and in all, for the fixed-length streams */
	uint64_t st_idx;        /* the generator's position: line, link or header */
	int st_chunked;         /* each fill is framed as a chunk, a last chunk ends it */
	int st_head_only;       /* HEAD: ST_BIGHDR sends its headers, nothing else */
	struct conn *prev, *next; /* srv.conns; on the dead list, next only */
};

/* Deadlines, a binary min-heap; each connection knows its slot. */
struct heap {
	struct conn **v;
	size_t n, cap;
};

/*
 * hostile.test's /bomb.html, built once at start-up: a gzip member whose
 * deflate data is head (the html prefix, then a full flush), block (the
 * deflate of TS_BOMB_BLOCK zeros after a full flush, so every copy is
 * byte-identical) TS_BOMB_REPS times, then tail (the final empty block and
 * the gzip trailer).  About 1 MB on the wire for 1 GiB inflated: deflate
 * cannot do better than about 1:1032.
 */
struct bomb {
	struct sbuf head, block, tail;
	uint64_t len;           /* the whole member */
};

struct srv {
	struct ts_opts opt;
	struct site site;
	int port;
	int lfd, epfd, logfd;
	int cond_logfd;         /* --cond-log, or -1 */
	int spare_fd;           /* given up to shed a connection when out of fds */
	uint64_t end_ms;        /* monotonic; --max-seconds */
	sigset_t waitmask;      /* signal mask inside epoll_pwait: stop signals open */
	struct conn *conns, *dead;
	size_t nconns;
	struct heap timers;
	struct sbuf body, hdrs, zbuf;   /* scratch for the reply being built */
	unsigned long hits[TS_NVHOSTS][TS_VROUTES_MAX]; /* requests per vhost route row */
	z_stream z;
	struct bomb bomb;
	int log_failed;
	char path[TS_HEAD_MAX + 2];     /* the path, a NUL, the query, a NUL */
};

static void heap_set(struct heap *h, size_t i, struct conn *c)
{
	h->v[i] = c;
	c->heap_idx = i;
}

static void heap_fix(struct heap *h, size_t i)
{
	struct conn *c = h->v[i];

	while (i > 0 && h->v[(i - 1) / 2]->deadline > c->deadline) {
		heap_set(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < h->n && h->v[l]->deadline < (m == i ? c : h->v[m])->deadline)
			m = l;
		if (l + 1 < h->n && h->v[l + 1]->deadline < (m == i ? c : h->v[m])->deadline)
			m = l + 1;
		if (m == i)
			break;
		heap_set(h, i, h->v[m]);
		i = m;
	}
	heap_set(h, i, c);
}

static void heap_push(struct heap *h, struct conn *c)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = realloc(h->v, h->cap * sizeof(*h->v));
		if (!h->v)
			die("out of memory");
	}
	heap_set(h, h->n++, c);
	heap_fix(h, h->n - 1);
}

static void heap_remove(struct heap *h, struct conn *c)
{
	size_t i = c->heap_idx;

	c->heap_idx = TS_NO_TIMER;
	if (i == TS_NO_TIMER)
		return;
	if (i != --h->n) {
		heap_set(h, i, h->v[h->n]);
		heap_fix(h, i);
	}
}

/* Bounded, one-line copy of a request field: bytes that would break the line become '?'. */
static size_t log_field(char *dst, size_t room, const char *src, size_t n, int lower)
{
	size_t i;

	if (!src || !n)
		src = "-", n = 1;
	for (i = 0; i < n && i < room; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch <= ' ' || ch >= 0x7f ? '?' : lower ? (char)tolower(ch) : (char)ch;
	}
	return i;
}

/* One line per request, one write(2), so lines from a crash are whole and
 * several servers may share an O_APPEND file. */
static void srv_log(struct srv *s, const struct req *r, int status)
{
	const struct { const char *p; size_t n; int lower; } f[3] = {
		{ r->host, r->host_len, 1 },
		{ r->method, r->method_len, 0 },
		{ r->target, r->target_len, 0 },
	};
	char line[TS_LOG_LINE_MAX];
	size_t n, room = sizeof(line) - 16 - TS_LOG_URL_MAX;  /* 16: four spaces, "NNN\n", NUL */

	if (s->logfd < 0)
		return;
	n = (size_t)snprintf(line, sizeof(line), "%llu ",
			     (unsigned long long)clock_ms(CLOCK_REALTIME));
	for (int i = 0; i < 3; i++) {
		n += log_field(line + n, n < room ? room - n : 0, f[i].p, f[i].n, f[i].lower);
		line[n++] = ' ';
	}
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%d ", status);
	n += log_field(line + n, TS_LOG_URL_MAX, r->referer, r->referer_len, 0);
	line[n++] = '\n';
	if (write(s->logfd, line, n) != (ssize_t)n && !s->log_failed) {
		s->log_failed = 1;
		fprintf(stderr, "testsrv: cannot write to '%s': %s\n", s->opt.log_path, strerror(errno));
	}
}

/* --cond-log: a request that carried validators, as
 * "<Host> <target> <status> <If-None-Match> <If-Modified-Since>" (a missing
 * one is "-"; spaces and controls become '?', as in the log). */
static void cond_log(struct srv *s, const struct req *r, int status)
{
	char line[TS_LOG_LINE_MAX];
	size_t n = 0, room = sizeof(line) - 32 - TS_LOG_URL_MAX;

	if (s->cond_logfd < 0 || (!r->inm && !r->ims))
		return;
	n += log_field(line + n, room - n, r->host, r->host_len, 1);
	line[n++] = ' ';
	n += log_field(line + n, room > n ? room - n : 0, r->target, r->target_len, 0);
	n += (size_t)snprintf(line + n, sizeof(line) - n, " %d ", status);
	n += log_field(line + n, 1024, r->inm, r->inm_len, 0);
	line[n++] = ' ';
	n += log_field(line + n, 1024, r->ims, r->ims_len, 0);
	line[n++] = '\n';
	if (write(s->cond_logfd, line, n) != (ssize_t)n)
		fprintf(stderr, "testsrv: cannot write to '%s': %s\n", s->opt.cond_log_path,
			strerror(errno));
}

static int gz_compress(struct srv *s, const char *p, size_t n)
{
	size_t bound = deflateBound(&s->z, n) + 64;

	s->zbuf.len = 0;
	if (deflateReset(&s->z) != Z_OK || sbuf_reserve(&s->zbuf, bound) < 0)
		return -1;
	s->z.next_in = (const Bytef *)p;
	s->z.avail_in = (uInt)n;
	s->z.next_out = (Bytef *)s->zbuf.p;
	s->z.avail_out = (uInt)bound;
	if (deflate(&s->z, Z_FINISH) != Z_STREAM_END)
		return -1;
	s->zbuf.len = s->z.total_out;
	return 0;
}

/* Serialize pg into c->out (which holds nothing unsent: see conn_next_request). */
static void http_write(struct srv *s, struct conn *c, const struct req *r, const struct page *pg,
		       int head_only)
{
	const char *b = pg->body->p;
	size_t bl = pg->body->len;
	int gz = 0, chunked = pg->chunked && r->minor >= 1, bad = 0;
	struct sbuf *o = &c->out;

	if (pg->act == PA_EMPTY || pg->act == PA_SILENT)
		return;
	if (pg->gzip_ok && r->gzip && gz_compress(s, b, bl) == 0) {
		b = s->zbuf.p;
		bl = s->zbuf.len;
		gz = 1;
	}
	bad |= sbuf_printf(o, "HTTP/1.1 %d %s\r\nServer: testsrv\r\n", pg->status, reason(pg->status));
	if (pg->ctype)
		bad |= sbuf_printf(o, "Content-Type: %s\r\n", pg->ctype);
	if (gz)
		bad |= sbuf_printf(o, "Content-Encoding: gzip\r\n");
	if (pg->gzip_ok)
		bad |= sbuf_printf(o, "Vary: Accept-Encoding\r\n");
	bad |= sbuf_add(o, pg->hdrs->p ? pg->hdrs->p : "", pg->hdrs->len);
	if (chunked)
		bad |= sbuf_printf(o, "Transfer-Encoding: chunked\r\n");
	else if (pg->stream && pg->chunked)
		;       /* HTTP/1.0 and a length not known: the close ends the body */
	else if (pg->stream)
		bad |= sbuf_printf(o, "Content-Length: %llu\r\n", (unsigned long long)pg->slen);
	else if (pg->status == 304)
		;       /* no content, so no length (RFC 9110 8.6) */
	else
		bad |= sbuf_printf(o, "Content-Length: %zu\r\n", pg->act ? pg->clen : bl);
	if (c->close_after)
		bad |= sbuf_printf(o, "Connection: close\r\n");
	else if (r->minor == 0)
		bad |= sbuf_printf(o, "Connection: keep-alive\r\n");
	/* ST_BIGHDR's X-Pad lines and the blank line come from stream_fill */
	if (pg->stream != ST_BIGHDR)
		bad |= sbuf_add(o, "\r\n", 2);
	if (pg->stream) {
		;       /* stream_fill sends the body */
	} else if (!head_only && chunked) {
		size_t per = (bl + TS_CHUNKS - 1) / TS_CHUNKS;

		for (size_t off = 0; off < bl; off += per) {
			size_t m = bl - off < per ? bl - off : per;

			bad |= sbuf_printf(o, "%zx\r\n", m);
			bad |= sbuf_add(o, b + off, m);
			bad |= sbuf_add(o, "\r\n", 2);
		}
		if (!pg->cut_chunked)
			bad |= sbuf_add(o, "0\r\n\r\n", 5);
	} else if (!head_only && bl) {
		bad |= sbuf_add(o, b, bl);
	}
	if (bad)        /* bodies are capped at TS_BODY_MAX, out has room for one */
		die("%s:%d: reply does not fit the output buffer", __FILE__, __LINE__);
}

/* Decide the reply to r (NULL when the head was too large: err is 431), log it, queue it. */
static void srv_reply(struct srv *s, struct conn *c, const struct req *r, int err)
{
	static const struct req none = { .minor = 1 };
	struct page pg;
	int host = -1, head_only = 0;

	if (!r)
		r = &none;
	page_init(&pg, &s->site, 0, &s->body, &s->hdrs);
	if (err) {
		c->close_after = 1;
	} else if (!ci_eq(r->method, r->method_len, "GET")
		   && !(head_only = ci_eq(r->method, r->method_len, "HEAD"))) {
		err = 405;
		page_header(&pg, "Allow", "GET, HEAD");
	} else {
		host = host_lookup(&s->opt, r->host ? r->host : "", r->host_len);
	}
	if (err) {
		rt_missing(&pg);
		pg.status = err;
	} else if (host < 0) {
		rt_missing(&pg);
	} else {
		size_t n = strcspn(r->path, "?");

		n = n < r->path_len ? n : r->path_len;
		memcpy(s->path, r->path, n);
		s->path[n] = '\0';
		pg.query = s->path + n + 1;
		pg.cookie = r->cookie;
		pg.cookie_len = r->cookie_len;
		pg.inm = r->inm;
		pg.inm_len = r->inm_len;
		pg.ims = r->ims;
		pg.ims_len = r->ims_len;
		if (n < r->path_len)
			memcpy(s->path + n + 1, r->path + n + 1, r->path_len - n - 1);
		s->path[n + 1 + (n < r->path_len ? r->path_len - n - 1 : 0)] = '\0';
		pg.host = (unsigned)host;
		if (pg.host > s->opt.hosts) {
			size_t v = pg.host - s->opt.hosts - 1;

			pg.vh = &ts_vhosts[v];
			routes_run(&pg, s->path, pg.vh->routes, pg.vh->nroutes, s->hits[v]);
		} else {
			site_route(&pg, s->path);
		}
	}
	if (pg.overflow) {
		page_init(&pg, &s->site, 0, &s->body, &s->hdrs);
		rt_missing(&pg);
		pg.status = 500;
	}
	srv_log(s, r, pg.status);
	cond_log(s, r, pg.status);
	if (!r->keep_alive || r->body_chunked || pg.act || (pg.stream && pg.chunked && !r->minor))
		c->close_after = 1;
	/* HEAD gets the announced length and no misbehaving body */
	c->act = head_only && pg.act != PA_EMPTY && pg.act != PA_SILENT ? PA_NONE : pg.act;
	c->act_left = pg.clen > pg.body->len ? pg.clen - pg.body->len : 0;
	if (pg.stream == ST_BOMB)
		pg.slen = s->bomb.len;
	c->stream = head_only && pg.stream != ST_BIGHDR ? ST_NONE : pg.stream;
	c->st_pos = c->st_idx = 0;
	c->st_len = pg.slen;
	c->st_chunked = pg.stream && pg.chunked && r->minor >= 1;
	c->st_head_only = head_only;
	http_write(s, c, r, &pg, head_only);
}

/* ST_HUGE: an html head, then numbered filler lines, cut at exactly st_len. */
static void gen_huge(struct conn *c, struct sbuf *b)
{
	char line[128];

	while (b->len < TS_STREAM_CHUNK && c->st_pos < c->st_len) {
		int n = c->st_idx ? snprintf(line, sizeof(line), "<p>%08llu lorem ipsum dolor sit amet, "
					     "consectetur adipiscing elit</p>\n",
					     (unsigned long long)c->st_idx)
			: snprintf(line, sizeof(line), "<!DOCTYPE html>\n<html><head><title>huge</title>"
				   "</head><body>\n");
		size_t take = (size_t)n < c->st_len - c->st_pos ? (size_t)n : c->st_len - c->st_pos;

		sbuf_add(b, line, take);
		c->st_pos += take;
		c->st_idx++;
	}
}

/* ST_BINARY: four bytes of ts_mix per index, NULs and all. */
static void gen_binary(struct conn *c, struct sbuf *b)
{
	while (b->len < TS_STREAM_CHUNK && c->st_pos < c->st_len) {
		unsigned char ch = (unsigned char)(ts_mix((uint32_t)(c->st_pos / 4) ^ 0x5bd1e995u)
						   >> (8 * (c->st_pos % 4)));

		sbuf_add(b, &ch, 1);
		c->st_pos++;
	}
}

/* ST_BOMB: the bytes of struct bomb from st_pos on. */
static void gen_bomb(const struct bomb *bomb, struct conn *c, struct sbuf *b)
{
	while (b->len < TS_STREAM_CHUNK && c->st_pos < c->st_len) {
		uint64_t pos = c->st_pos, body = bomb->block.len * (uint64_t)TS_BOMB_REPS;
		const struct sbuf *part;
		size_t off, take;

		if (pos < bomb->head.len) {
			part = &bomb->head;
			off = (size_t)pos;
		} else if (pos - bomb->head.len < body) {
			part = &bomb->block;
			off = (size_t)((pos - bomb->head.len) % bomb->block.len);
		} else {
			part = &bomb->tail;
			off = (size_t)(pos - bomb->head.len - body);
		}
		take = part->len - off;
		if (take > TS_STREAM_CHUNK - b->len)
			take = TS_STREAM_CHUNK - b->len;
		sbuf_add(b, part->p + off, take);
		c->st_pos += take;
	}
}

/* ST_MANYLINKS: index 0 is the html head, 1..TS_MANY_LINKS the links, then the end. */
static void gen_manylinks(struct conn *c, struct sbuf *b)
{
	while (b->len < TS_STREAM_CHUNK && c->st_idx <= TS_MANY_LINKS + 1) {
		uint64_t i = c->st_idx++;

		if (i == 0)
			sbuf_printf(b, "<!DOCTYPE html>\n<html><head><title>%u links</title></head><body>\n",
				    TS_MANY_LINKS);
		else if (i <= TS_MANY_LINKS)
			sbuf_printf(b, "<a href=\"/ml/%llu.html\">%llu</a>\n", (unsigned long long)(i - 1),
				    (unsigned long long)(i - 1));
		else
			sbuf_printf(b, "</body></html>\n");
	}
}

/* ST_BIGHDR: the X-Pad header lines, then the blank line and the body. */
static void gen_bighdr(struct conn *c, struct sbuf *b)
{
	char pad[TS_BIGHDR_LINE];

	if (c->st_idx > TS_BIGHDR_LINES)
		return;
	while (b->len < TS_STREAM_CHUNK && c->st_idx < TS_BIGHDR_LINES) {
		/* "X-Pad-NNNNN: " (13) + filler + CRLF = TS_BIGHDR_LINE bytes */
		int n = snprintf(pad, sizeof(pad), "X-Pad-%05llu: ", (unsigned long long)c->st_idx++);

		memset(pad + n, 'p', TS_BIGHDR_LINE - 2 - (size_t)n);
		memcpy(pad + TS_BIGHDR_LINE - 2, "\r\n", 2);
		sbuf_add(b, pad, TS_BIGHDR_LINE);
	}
	if (c->st_idx == TS_BIGHDR_LINES) {
		c->st_idx++;
		sbuf_add(b, "\r\n", 2);
		if (!c->st_head_only)
			sbuf_add(b, bighdr_body, sizeof(bighdr_body) - 1);
	}
}

/*
 * The socket took everything queued: append the next piece of c's streamed
 * reply to c->out (a chunk when st_chunked).  Returns 1 when something was
 * queued, 0 when the stream is over (c->stream is then ST_NONE).
 */
static int stream_fill(struct srv *s, struct conn *c)
{
	struct sbuf *b = &s->body;      /* scratch: no reply is being built now */

	b->len = 0;
	switch (c->stream) {
	case ST_NONE:      return 0;
	case ST_HUGE:      gen_huge(c, b); break;
	case ST_BINARY:    gen_binary(c, b); break;
	case ST_BOMB:      gen_bomb(&s->bomb, c, b); break;
	case ST_MANYLINKS: gen_manylinks(c, b); break;
	case ST_BIGHDR:    gen_bighdr(c, b); break;
	}
	if (!b->len) {
		c->stream = ST_NONE;
		if (!c->st_chunked)
			return 0;
		c->st_chunked = 0;
		sbuf_add(&c->out, "0\r\n\r\n", 5);
		return 1;
	}
	if (c->st_chunked)
		sbuf_printf(&c->out, "%zx\r\n", b->len);
	sbuf_add(&c->out, b->p, b->len);
	if (c->st_chunked)
		sbuf_add(&c->out, "\r\n", 2);
	return 1;
}

/* States in which input is only read to see the peer go. */
static int conn_draining(const struct conn *c)
{
	return c->state == CS_LINGER || c->state == CS_TRICKLE || c->state == CS_HANG;
}

static void conn_watch(struct srv *s, struct conn *c)
{
	uint32_t want = 0;
	struct epoll_event ev;

	if ((c->state == CS_READ && !c->peer_eof) || conn_draining(c))
		want = EPOLLIN;
	else if (c->state == CS_WRITE)
		want = EPOLLOUT;
	if (want == c->events)
		return;
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		die("%s:%d: epoll_ctl: %s", __FILE__, __LINE__, strerror(errno));
	c->events = want;
}

/* The one place a connection changes state. */
static void conn_set_state(struct srv *s, struct conn *c, enum conn_state st)
{
	heap_remove(&s->timers, c);
	c->state = st;
	if (st == CS_HOLD || st == CS_LINGER || st == CS_TRICKLE) {
		c->deadline = clock_ms(CLOCK_MONOTONIC)
			      + (st == CS_HOLD ? s->opt.latency_ms
				 : st == CS_LINGER ? TS_LINGER_MS : TS_TRICKLE_MS);
		heap_push(&s->timers, c);
	}
	if (st == CS_LINGER) {
		shutdown(c->fd, SHUT_WR);
	} else if (st == CS_CLOSED) {
		close(c->fd);   /* also leaves the epoll set */
		c->fd = -1;
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		c->next = s->dead;
		s->dead = c;
		s->nconns--;
	}
}

/* Reply to the next complete request in c->in; 0 when there is none yet. */
static int conn_next_request(struct srv *s, struct conn *c)
{
	struct req r;
	size_t n, end;

	if (c->skip) {
		n = c->skip < c->in.len ? (size_t)c->skip : c->in.len;
		sbuf_consume(&c->in, n);
		c->skip -= n;
		if (c->skip)
			return 0;
	}
	/* stray CRLFs between requests are allowed (RFC 9112 section 2.2) */
	for (n = 0; n < c->in.len && (c->in.p[n] == '\r' || c->in.p[n] == '\n'); n++)
		;
	if (n)
		sbuf_consume(&c->in, n);
	end = c->in.len ? head_end(c->in.p, c->in.len) : 0;
	if (!end) {
		if (c->in.len < TS_HEAD_MAX)
			return 0;
		srv_reply(s, c, NULL, 431);
		c->in.len = 0;
	} else {
		srv_reply(s, c, &r, req_parse(&r, c->in.p, end));
		c->skip = r.body_len;
		sbuf_consume(&c->in, end);
	}
	conn_set_state(s, c, s->opt.latency_ms ? CS_HOLD : CS_WRITE);
	return 1;
}

/* Send what is queued: 1 all sent, 0 would block, -1 the peer is gone. */
static int conn_flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->out_off += (size_t)n;
	}
	c->out.len = c->out_off = 0;
	if (c->out.cap > TS_OUT_KEEP)
		sbuf_release(&c->out);
	return 1;
}

/* The reply's head (and first body bytes) are out: misbehave as the route asked. */
static void conn_act(struct srv *s, struct conn *c)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	switch (c->act) {
	case PA_TRICKLE:
		conn_set_state(s, c, c->act_left ? CS_TRICKLE : CS_LINGER);
		break;
	case PA_HANG:
		conn_set_state(s, c, CS_HANG);
		break;
	case PA_RESET:
		/* close() now sends an RST instead of a FIN */
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		conn_set_state(s, c, CS_CLOSED);
		break;
	case PA_SILENT:
		conn_set_state(s, c, CS_HANG);
		break;
	case PA_EMPTY:
	case PA_CLOSE:
	case PA_NONE:
		conn_set_state(s, c, CS_LINGER);        /* a FIN (PA_EMPTY: an empty reply) */
		break;
	}
}

/* CS_TRICKLE's timer: one more byte, until the announced length is sent. */
static void conn_trickle(struct srv *s, struct conn *c)
{
	ssize_t n = send(c->fd, "x", 1, MSG_NOSIGNAL);

	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		conn_set_state(s, c, CS_CLOSED);
		return;
	}
	if (n == 1)
		c->act_left--;
	conn_set_state(s, c, c->act_left ? CS_TRICKLE : CS_LINGER);
	conn_watch(s, c);
}

/* Move c on as far as it goes without blocking. */
static void conn_advance(struct srv *s, struct conn *c)
{
	for (;;) {
		if (c->state == CS_READ) {
			if (conn_next_request(s, c))
				continue;
			if (c->peer_eof) {
				conn_set_state(s, c, CS_CLOSED);
				return;
			}
			if (!c->in.len && c->in.cap > TS_IN_FIRST)
				sbuf_release(&c->in);
			break;
		} else if (c->state == CS_WRITE) {
			int r = conn_flush(c);

			if (r == 0)
				break;
			if (r < 0 || (c->close_after && c->peer_eof && !c->act)) {
				conn_set_state(s, c, CS_CLOSED);
				return;
			}
			if (c->stream && stream_fill(s, c))
				continue;
			if (c->act) {
				conn_act(s, c);
				if (c->state == CS_CLOSED)
					return;
				break;
			}
			conn_set_state(s, c, c->close_after ? CS_LINGER : CS_READ);
		} else {
			break;          /* the timer or the peer moves it on */
		}
	}
	conn_watch(s, c);
}

/* Read what the socket has; -1 when the connection is broken. */
static int conn_read(struct conn *c)
{
	size_t room;
	ssize_t n;

	if (c->in.len >= TS_HEAD_MAX)
		return 0;       /* full: conn_next_request answers 431 */
	if (sbuf_reserve(&c->in, c->in.len < TS_IN_FIRST / 2 ? TS_IN_FIRST / 2 : c->in.len) < 0)
		sbuf_reserve(&c->in, TS_HEAD_MAX - c->in.len);
	room = c->in.cap - 1 - c->in.len;
	if (room > TS_HEAD_MAX - c->in.len)
		room = TS_HEAD_MAX - c->in.len;
	n = recv(c->fd, c->in.p + c->in.len, room, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	if (n == 0)
		c->peer_eof = 1;
	c->in.len += (size_t)n;
	c->in.p[c->in.len] = '\0';
	return 0;
}

static void conn_event(struct srv *s, struct conn *c, uint32_t ev)
{
	if (c->state == CS_CLOSED)
		return;
	if (ev & (EPOLLERR | EPOLLHUP)) {
		conn_set_state(s, c, CS_CLOSED);
		return;
	}
	if ((ev & EPOLLIN) && conn_draining(c)) {
		char sink[4096];
		ssize_t n = recv(c->fd, sink, sizeof(sink), 0);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			conn_set_state(s, c, CS_CLOSED);
		return;
	}
	if ((ev & EPOLLIN) && c->state == CS_READ && conn_read(c) < 0) {
		conn_set_state(s, c, CS_CLOSED);
		return;
	}
	conn_advance(s, c);
}

/* 1 when both ends of an accepted connection are in 127.0.0.0/8. */
static int loopback_only(int fd)
{
	struct sockaddr_in a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);

	if (getsockname(fd, (struct sockaddr *)&a, &al) < 0 ||
	    getpeername(fd, (struct sockaddr *)&b, &bl) < 0 ||
	    a.sin_family != AF_INET || b.sin_family != AF_INET)
		return 0;
	return (ntohl(a.sin_addr.s_addr) >> 24) == 127 &&
	       (ntohl(b.sin_addr.s_addr) >> 24) == 127;
}

static void srv_accept(struct srv *s)
{
	for (int i = 0; i < TS_ACCEPT_BATCH; i++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
		struct epoll_event ev;
		struct conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
				/* the listener stays readable while a connection waits:
				 * take it with the spare fd and drop it, or the loop spins */
				fprintf(stderr, "testsrv: out of file descriptors at %zu connections\n",
					s->nconns);
				close(s->spare_fd);
				fd = accept(s->lfd, NULL, NULL);
				if (fd >= 0)
					close(fd);
				s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				fprintf(stderr, "testsrv: accept: %s\n", strerror(errno));
			}
			return;
		}
		if (s->opt.any_loopback && !loopback_only(fd)) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->state = CS_READ;
		c->heap_idx = TS_NO_TIMER;
		c->events = EPOLLIN;
		sbuf_init(&c->in, TS_HEAD_MAX);
		sbuf_init(&c->out, TS_BODY_MAX + (1u << 20));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			die("%s:%d: epoll_ctl: %s", __FILE__, __LINE__, strerror(errno));
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
	}
}

static void free_dead(struct srv *s)
{
	while (s->dead) {
		struct conn *c = s->dead;

		s->dead = c->next;
		sbuf_release(&c->in);
		sbuf_release(&c->out);
		free(c);
	}
}

static void srv_loop(struct srv *s)
{
	struct epoll_event evs[TS_EVENTS];

	while (!ts_stop) {
		uint64_t now = clock_ms(CLOCK_MONOTONIC), wait;
		int n;

		if (now >= s->end_ms) {
			fprintf(stderr, "testsrv: --max-seconds %u reached, exiting\n", s->opt.max_seconds);
			break;
		}
		wait = s->end_ms - now;
		if (s->timers.n)
			wait = s->timers.v[0]->deadline <= now ? 0 : s->timers.v[0]->deadline - now;
		n = epoll_pwait(s->epfd, evs, TS_EVENTS, wait > INT_MAX ? INT_MAX : (int)wait,
				&s->waitmask);
		if (n < 0 && errno != EINTR)
			die("epoll_pwait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr)
				conn_event(s, evs[i].data.ptr, evs[i].events);
			else
				srv_accept(s);
		}
		now = clock_ms(CLOCK_MONOTONIC);
		while (s->timers.n && s->timers.v[0]->deadline <= now) {
			struct conn *c = s->timers.v[0];

			if (c->state == CS_LINGER) {
				conn_set_state(s, c, CS_CLOSED);
				continue;
			}
			if (c->state == CS_TRICKLE) {
				conn_trickle(s, c);
				continue;
			}
			conn_set_state(s, c, CS_WRITE);
			conn_advance(s, c);
		}
		free_dead(s);
	}
}

/* Deflate in (n bytes) into out with flush; dies if zlib disagrees. */
static void bomb_deflate(z_stream *z, struct sbuf *out, const void *in, size_t n, int flush)
{
	size_t bound = deflateBound(z, n) + 64;

	if (sbuf_reserve(out, bound) < 0)
		die("%s:%d: bomb part too big", __FILE__, __LINE__);
	z->next_in = in;
	z->avail_in = (uInt)n;
	z->next_out = (Bytef *)out->p + out->len;
	z->avail_out = (uInt)bound;
	if (deflate(z, flush) == Z_STREAM_ERROR || z->avail_in || !z->avail_out)
		die("%s:%d: deflate failed", __FILE__, __LINE__);
	out->len += bound - z->avail_out;
}

static void put_le32(struct sbuf *b, uint32_t v)
{
	unsigned char le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	sbuf_add(b, le, 4);
}

/* Build struct bomb (see there): a few ms, about 1 MB kept. */
static void bomb_init(struct bomb *bomb)
{
	static const unsigned char gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3 };
	size_t plen = sizeof(bomb_prefix) - 1;
	struct sbuf again;
	unsigned char *zeros = calloc(1, TS_BOMB_BLOCK);
	uLong crc, zcrc;
	z_stream z;

	if (!zeros)
		die("out of memory");
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	sbuf_init(&bomb->head, 2 * TS_BOMB_BLOCK);
	sbuf_init(&bomb->block, 2 * TS_BOMB_BLOCK);
	sbuf_init(&bomb->tail, 1u << 10);
	sbuf_init(&again, 2 * TS_BOMB_BLOCK);
	sbuf_add(&bomb->head, gz_head, sizeof(gz_head));
	bomb_deflate(&z, &bomb->head, bomb_prefix, plen, Z_FULL_FLUSH);
	bomb_deflate(&z, &bomb->block, zeros, TS_BOMB_BLOCK, Z_FULL_FLUSH);
	/* the repeats are only right if a block after a full flush is always the same */
	bomb_deflate(&z, &again, zeros, TS_BOMB_BLOCK, Z_FULL_FLUSH);
	if (again.len != bomb->block.len || memcmp(again.p, bomb->block.p, again.len))
		die("%s:%d: zlib does not repeat a block after a full flush", __FILE__, __LINE__);
	bomb_deflate(&z, &bomb->tail, NULL, 0, Z_FINISH);
	crc = crc32(0, (const Bytef *)bomb_prefix, (uInt)plen);
	zcrc = crc32(0, zeros, TS_BOMB_BLOCK);
	for (int i = 0; i < TS_BOMB_REPS; i++)
		crc = crc32_combine(crc, zcrc, TS_BOMB_BLOCK);
	put_le32(&bomb->tail, (uint32_t)crc);
	put_le32(&bomb->tail, (uint32_t)(plen + (uint64_t)TS_BOMB_BLOCK * TS_BOMB_REPS));
	bomb->len = bomb->head.len + bomb->block.len * (uint64_t)TS_BOMB_REPS + bomb->tail.len;
	deflateEnd(&z);
	sbuf_release(&again);
	free(zeros);
}

static void bomb_release(struct bomb *bomb)
{
	sbuf_release(&bomb->head);
	sbuf_release(&bomb->block);
	sbuf_release(&bomb->tail);
}

static void on_stop(int sig)
{
	(void)sig;
	ts_stop = 1;
}

static void srv_init(struct srv *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	struct sigaction sa = { .sa_handler = on_stop };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	struct rlimit rl;
	sigset_t stop;
	int one = 1;

	/* thousands of connections: take every descriptor the hard limit allows */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			fprintf(stderr, "testsrv: cannot raise the fd limit: %s\n", strerror(errno));
	}
	/* stop signals are blocked except inside epoll_pwait, so none is lost
	 * between the ts_stop check and the wait */
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &s->waitmask);
	sigdelset(&s->waitmask, SIGTERM);
	sigdelset(&s->waitmask, SIGINT);
	/* a backstop if the loop ever wedges: SIGALRM's default action kills */
	alarm(s->opt.max_seconds + 5);
	s->end_ms = clock_ms(CLOCK_MONOTONIC) + (uint64_t)s->opt.max_seconds * 1000;

	for (size_t v = 0; v < TS_NVHOSTS; v++)
		if (ts_vhosts[v].nroutes > TS_VROUTES_MAX)
			die("%s:%d: vhost '%s' has more than %d routes", __FILE__, __LINE__,
			    ts_vhosts[v].name, TS_VROUTES_MAX);
	s->cond_logfd = -1;
	if (s->opt.cond_log_path) {
		s->cond_logfd = open(s->opt.cond_log_path,
				     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (s->cond_logfd < 0)
			die("cannot open '%s': %s", s->opt.cond_log_path, strerror(errno));
	}
	s->logfd = -1;
	if (s->opt.log_path) {
		s->logfd = open(s->opt.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (s->logfd < 0)
			die("cannot open '%s': %s", s->opt.log_path, strerror(errno));
	}
	sbuf_init(&s->body, TS_BODY_MAX);
	sbuf_init(&s->hdrs, TS_HEAD_MAX);
	sbuf_init(&s->zbuf, TS_BODY_MAX + (1u << 20));
	/* level 1: gzip is about the wire format here, not the ratio */
	if (deflateInit2(&s->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	bomb_init(&s->bomb);

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* never anything but loopback: with --any-loopback the socket is bound
	 * to every address (127.0.0.0/8 has no bindable form) and srv_accept()
	 * drops at once a connection from or to an address outside 127/8 */
	sin.sin_addr.s_addr = htonl(s->opt.any_loopback ? INADDR_ANY : INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)s->opt.port);
	if (bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("cannot bind %s:%d: %s", s->opt.any_loopback ? "0.0.0.0" : "127.0.0.1",
		    s->opt.port, strerror(errno));
	if (listen(s->lfd, 65535) < 0)      /* the kernel trims it to somaxconn */
		die("listen: %s", strerror(errno));
	if (getsockname(s->lfd, (struct sockaddr *)&sin, &slen) < 0)
		die("getsockname: %s", strerror(errno));
	s->port = ntohs(sin.sin_port);
	site_init(&s->site, &s->opt, s->port);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev) < 0)
		die("epoll: %s", strerror(errno));
}

static void srv_release(struct srv *s)
{
	while (s->conns)
		conn_set_state(s, s->conns, CS_CLOSED);
	free_dead(s);
	free(s->timers.v);
	sbuf_release(&s->body);
	sbuf_release(&s->hdrs);
	sbuf_release(&s->zbuf);
	sbuf_release(&s->site.filler);
	deflateEnd(&s->z);
	bomb_release(&s->bomb);
	close(s->epfd);
	close(s->lfd);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	if (s->logfd >= 0)
		close(s->logfd);
	if (s->cond_logfd >= 0)
		close(s->cond_logfd);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: testsrv [options]\n"
		"  --port P          listen on 127.0.0.1:P (0, the default: ephemeral)\n"
		"  --hosts N         site hosts h0.test .. h(N-1).test (default %d), plus out.test\n"
		"  --pages P         content pages per host (default %d)\n"
		"  --links L         links per content page, at least %d (default %d)\n"
		"  --pad BYTES       filler text per content page (default 0)\n"
		"  --latency-ms MS   hold every response back MS ms (default 0)\n"
		"  --max-seconds T   exit after T seconds whatever happens (default %d)\n"
		"  --log FILE        append one line per request to FILE\n"
		"  --list            print the expected crawl for --port/--hosts/--pages, then exit\n"
		"  --cond-log FILE   one line per conditional request: host, target, status,\n"
		"                    If-None-Match, If-Modified-Since (archive.test)\n"
		"  --any-loopback    listen on every 127.0.0.0/8 address; host 127.X.Y.Z is h0\n"
		"  --obey-rel-nofollow  --list for a crawler that skips rel=nofollow links\n"
		"also serves named hosts (robots-*.test, delay.test, fail.test, bulk.test,\n"
		"hostile.test, cookie.test, shop.test...); takes absolute-form targets, as a proxy\n"
		"--shop-items: print the items a crawl of shop.test extracts, and exit\n"
		"prints 'port N' on stdout once listening; see tests/testsrv.md\n",
		TS_DEFAULT_HOSTS, TS_DEFAULT_PAGES, TS_FIXED_LINKS, TS_DEFAULT_LINKS, TS_DEFAULT_SECS);
}

static unsigned long opt_num(const char *name, const char *arg, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "testsrv: --%s wants a number from %lu to %lu, not '%s'\n",
			name, min, max, arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "pages", required_argument, NULL, 'P' },
		{ "links", required_argument, NULL, 'L' },
		{ "pad", required_argument, NULL, 'b' },
		{ "latency-ms", required_argument, NULL, 'l' },
		{ "max-seconds", required_argument, NULL, 'T' },
		{ "log", required_argument, NULL, 'o' },
		{ "cond-log", required_argument, NULL, 'C' },
		{ "list", no_argument, NULL, 'x' },
		{ "any-loopback", no_argument, NULL, 'A' },
		{ "obey-rel-nofollow", no_argument, NULL, 'N' },
		{ "shop-items", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct srv s;
	int ch, items = 0;

	memset(&s, 0, sizeof(s));
	s.opt.hosts = TS_DEFAULT_HOSTS;
	s.opt.pages = TS_DEFAULT_PAGES;
	s.opt.links = TS_DEFAULT_LINKS;
	s.opt.max_seconds = TS_DEFAULT_SECS;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': s.opt.port = (int)opt_num("port", optarg, 0, 65535); break;
		case 'H': s.opt.hosts = (unsigned)opt_num("hosts", optarg, 1, TS_HOSTS_MAX); break;
		case 'P': s.opt.pages = (unsigned)opt_num("pages", optarg, 1, TS_PAGES_MAX); break;
		case 'L': s.opt.links = (unsigned)opt_num("links", optarg, 0, TS_LINKS_MAX); break;
		case 'b': s.opt.pad = opt_num("pad", optarg, 0, TS_PAD_MAX); break;
		case 'l': s.opt.latency_ms = (unsigned)opt_num("latency-ms", optarg, 0, TS_LATENCY_MAX); break;
		case 'T': s.opt.max_seconds = (unsigned)opt_num("max-seconds", optarg, 1, TS_SECONDS_MAX); break;
		case 'o': s.opt.log_path = optarg; break;
		case 'C': s.opt.cond_log_path = optarg; break;
		case 'x': s.opt.list = 1; break;
		case 'A': s.opt.any_loopback = 1; break;
		case 'N': s.opt.obey_rel_nofollow = 1; break;
		case 'S': items = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "testsrv: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (items) {
		if (!s.opt.port) {
			fprintf(stderr, "testsrv: --shop-items needs the --port the crawl will use\n");
			return 2;
		}
		shop_items(stdout, s.opt.port);
		return 0;
	}
	if (s.opt.list) {
		if (!s.opt.port) {
			fprintf(stderr, "testsrv: --list needs the --port the crawl will use\n");
			return 2;
		}
		list_run(&s.opt);
		return 0;
	}
	srv_init(&s);
	printf("port %d\n", s.port);
	if (fflush(stdout))
		fprintf(stderr, "testsrv: cannot print the port: %s\n", strerror(errno));
	srv_loop(&s);
	srv_release(&s);
	return 0;
}
