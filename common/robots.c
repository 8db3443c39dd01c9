/*
 * robots.c - robots.txt parsing and matching (RFC 9309); see robots.h.
 *
 * Parsing is one pass over the lines.  Rules of groups that name our
 * product token and rules of "*" groups go to two lists (a line can go to
 * both, when one group names both), because which list applies is known
 * only at the end of the file.  Patterns are compiled to comparison keys
 * (robots_key()) as they are read.
 *
 * Memory: while parsing, the two rule lists and the pattern bytes live in
 * three capped struct bufs.  At the end the chosen list and its patterns
 * are packed into one block (struct robots, its rule array, then the
 * pattern bytes) and the bufs are released: a struct robots is a single
 * allocation and robots_free() a single free().
 *
 * Matching: the rules are sorted by precedence (longer pattern first, Allow
 * before Disallow at equal length), so the first rule that matches decides.
 * A pattern is literal segments separated by wildcards; it is matched by
 * checking the first segment as a prefix, finding each later segment at its
 * leftmost occurrence after the previous one with memmem() (leftmost is
 * always a safe choice when a wildcard precedes the segment), and checking
 * the last one as a suffix when the pattern is anchored.  That is linear in
 * the path and the pattern whatever the wildcards, so hostile patterns
 * ("/x*a*a*a*...*b") cannot blow up the way backtracking matchers do.
 */
#include "common/robots.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Stands for a wildcard in a compiled pattern.  Keys hold only printable
 * ASCII (everything else is escaped), so it cannot be confused with an
 * octet of a path. */
#define ROBOTS_ANY '\x01'

/* A crawl-delay is clamped here (about 24 days), so that callers can add it
 * to a time in milliseconds without overflow. */
#define ROBOTS_DELAY_MAX_MS 2147483647L

/* Paths whose key fits here are matched without an allocation. */
#define ROBOTS_KEY_STACK 2048

struct robots_rule {
	uint32_t off;           /* key bytes at robots_pat(r) + off */
	uint32_t len;
	uint32_t prio;          /* octets of the normalized pattern as written */
	uint8_t allow;
	uint8_t anchored;       /* ended in '$': must reach the end of the path */
};

struct robots {
	size_t nrules;
	long delay_ms;
	int deny;               /* robots_deny_all() */
	struct robots_rule rule[];      /* nrules of them, then the patterns */
};

enum robots_kind {
	ROBOTS_K_OTHER,         /* sitemap, host, unknown: does not end a group */
	ROBOTS_K_AGENT,
	ROBOTS_K_ALLOW,
	ROBOTS_K_DISALLOW,
	ROBOTS_K_DELAY,
};

/* Keys are compared ignoring case; the misspellings are ones seen in the
 * wild (RFC 9309 section 2.2.4 allows accepting them). */
static const struct {
	const char *name;
	enum robots_kind kind;
} robots_keys[] = {
	{ "user-agent", ROBOTS_K_AGENT },
	{ "useragent", ROBOTS_K_AGENT },
	{ "user agent", ROBOTS_K_AGENT },
	{ "allow", ROBOTS_K_ALLOW },
	{ "disallow", ROBOTS_K_DISALLOW },
	{ "dissallow", ROBOTS_K_DISALLOW },
	{ "dissalow", ROBOTS_K_DISALLOW },
	{ "disalow", ROBOTS_K_DISALLOW },
	{ "crawl-delay", ROBOTS_K_DELAY },
	{ "crawldelay", ROBOTS_K_DELAY },
};

enum { ROBOTS_GLOBAL, ROBOTS_OURS };    /* the two rule lists */

struct robots_parse {
	const char *token;      /* our product token, toklen bytes */
	size_t toklen;
	int in_agents;          /* reading the user-agent lines opening a group */
	int group[2];           /* the current group is a "*" one / names us */
	int named;              /* some group names us: ROBOTS_OURS applies */
	struct buf rules[2];    /* struct robots_rule, capped */
	long delay[2];
	struct buf pat;         /* key bytes of both lists */
};

static int robots_is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static int robots_is_token(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int robots_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int robots_is_unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* As url.c: bytes that may not appear raw in a path or query. */
static int robots_must_escape(int c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 1;
	return c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
	       c == '`' || c == '{' || c == '|' || c == '}';
}

/*
 * Reserved characters (RFC 3986 section 2.2) compared by value, escaped or
 * not: RFC 9309 has a pattern "%2A" match a raw '*' and "%24" a raw '$'
 * (section 2.2.3) and treats "https://" and "https%3A%2F%2F" in a query
 * alike (section 2.2.2).  '/' and '?' keep their escapes in the path, where
 * "/a%2Fb" is one segment and "/a%3Fb" has no query; in the query they
 * delimit nothing and are compared by value too.  '#' never appears raw.
 */
static int robots_decodes(int c, int query)
{
	if (c == '/' || c == '?')
		return query;
	return c != 0 && strchr(":@[]!$&'()*+,;=", c) != NULL;
}

/*
 * Write the comparison key of s[0..n) to out, which has room for 3 * n
 * bytes, and return its length.  The key is the normal form of url.h
 * (escapes of unreserved characters decoded, other escapes in uppercase, a
 * stray '%' and bytes that may not appear raw escaped) with the escapes of
 * robots_decodes() decoded as well, so that a pattern and a path compare
 * octet by octet however either was spelled.
 *
 * With pattern set, a raw '*' becomes ROBOTS_ANY (runs of them one), a
 * final raw '$' sets *anchored instead of being kept, and *norm gets the
 * length of the pattern in normal form, wildcards and '$' included, which
 * is its precedence.
 */
static size_t robots_key(const char *s, size_t n, int pattern, char *out,
			 size_t *norm, int *anchored)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, k = 0, w = 0;
	int query = 0;

	if (anchored)
		*anchored = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi = -1, lo = -1;

		if (c == '%' && i + 2 < n) {
			hi = robots_hexval((unsigned char)s[i + 1]);
			lo = robots_hexval((unsigned char)s[i + 2]);
		}
		if (hi >= 0 && lo >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (robots_is_unreserved(c)) {
				out[k++] = (char)c;
				w += 1;
				continue;
			}
			w += 3;
			if (robots_decodes(c, query)) {
				out[k++] = (char)c;
				continue;
			}
		} else if (pattern && c == '*') {
			w += 1;
			if (k == 0 || out[k - 1] != ROBOTS_ANY)
				out[k++] = ROBOTS_ANY;
			continue;
		} else if (pattern && c == '$' && i + 1 == n) {
			w += 1;
			*anchored = 1;
			continue;
		} else if (c != '%' && !robots_must_escape(c)) {
			if (c == '?')
				query = 1;
			out[k++] = (char)c;
			w += 1;
			continue;
		} else {
			w += 3;
		}
		out[k++] = '%';
		out[k++] = hex[c >> 4];
		out[k++] = hex[c & 15];
	}
	if (norm)
		*norm = w;
	return k;
}

/*
 * Does the compiled pattern p[0..pn) match the path key s[0..n)?  Anchored
 * at the start always, at the end when anchored is set.
 */
static int robots_match(const char *p, size_t pn, int anchored,
			const char *s, size_t n)
{
	const char *any = memchr(p, ROBOTS_ANY, pn);
	size_t seg = any ? (size_t)(any - p) : pn, pos;

	if (!any)
		return anchored ? n == pn && memcmp(s, p, pn) == 0 :
				  n >= pn && memcmp(s, p, pn) == 0;
	if (n < seg || memcmp(s, p, seg) != 0)
		return 0;
	pos = seg;
	p += seg + 1;
	pn -= seg + 1;
	while ((any = memchr(p, ROBOTS_ANY, pn)) != NULL) {
		const char *hit;

		seg = (size_t)(any - p);
		/* seg > 0: runs of wildcards were collapsed */
		hit = memmem(s + pos, n - pos, p, seg);
		if (!hit)
			return 0;
		pos = (size_t)(hit - s) + seg;
		p += seg + 1;
		pn -= seg + 1;
	}
	if (anchored)
		return n - pos >= pn && memcmp(s + n - pn, p, pn) == 0;
	return pn == 0 || memmem(s + pos, n - pos, p, pn) != NULL;
}

size_t robots_token(const char *user_agent, char *out, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return 0;
	while (len < n - 1 && robots_is_token((unsigned char)user_agent[len])) {
		out[len] = user_agent[len];
		len++;
	}
	out[len] = '\0';
	return len;
}

/* Does the user-agent value v[0..n) name the group "*" (1) or us (2)? */
static int robots_agent(const struct robots_parse *p, const char *v, size_t n)
{
	size_t t = 0;

	/* "* some text" is seen in the wild: still "*" (as Google reads it). */
	if (n >= 1 && v[0] == '*' && (n == 1 || robots_is_ws(v[1])))
		return 1;
	while (t < n && robots_is_token((unsigned char)v[t]))
		t++;
	if (t > 0 && t == p->toklen && strncasecmp(v, p->token, t) == 0)
		return 2;
	return 0;
}

/*
 * A crawl-delay value: digits with an optional fraction ("1", "0.5",
 * ".5", "10.25"); milliseconds (fraction past 1 ms dropped), or -1 when it
 * is anything else.
 */
static long robots_delay(const char *v, size_t n)
{
	long sec = 0, ms = 0;
	size_t i = 0, digits = 0, scale = 100;

	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
		if (sec <= ROBOTS_DELAY_MAX_MS / 1000)
			sec = sec * 10 + (v[i] - '0');
	if (i < n && v[i] == '.') {
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
			ms += (long)scale * (v[i] - '0');
			scale /= 10;
		}
	}
	if (i != n || digits == 0)
		return -1;
	if (sec > ROBOTS_DELAY_MAX_MS / 1000 ||
	    (sec == ROBOTS_DELAY_MAX_MS / 1000 && ms > ROBOTS_DELAY_MAX_MS % 1000))
		return ROBOTS_DELAY_MAX_MS;
	return sec * 1000 + ms;
}

/* An allow or disallow line for the current group(s). */
static void robots_add_rule(struct robots_parse *p, int allow,
			    const char *v, size_t n)
{
	struct robots_rule rule;
	size_t start = p->pat.len, norm, k = 0;
	int anchored, kept = 0, slash, err, i;
	char *out;

	/* An empty value means nothing (RFC 9309 section 2.2.2 "no match");
	 * notably "Disallow:" does not disallow anything. */
	if (n == 0 || (!p->group[ROBOTS_GLOBAL] && !p->group[ROBOTS_OURS]))
		return;
	err = buf_reserve(&p->pat, 3 * n + 1);
	SC_ASSERT(err == 0);    /* the cap allows 4 bytes per input byte */
	out = p->pat.data + start;
	/* The RFC's grammar wants a leading '/' (or, in its own example, a
	 * '*'); "Disallow: private/" is taken to mean "/private/" rather than
	 * a pattern that could never match. */
	slash = v[0] != '/' && v[0] != '*';
	if (slash)
		out[k++] = '/';
	k += robots_key(v, n, 1, out + k, &norm, &anchored);
	norm += (size_t)slash;
	if (norm > SC_URL_MAX)
		return;
	if (!anchored && k > 0 && out[k - 1] == ROBOTS_ANY)
		k--;    /* a trailing wildcard changes nothing in a prefix match */

	memset(&rule, 0, sizeof(rule));
	rule.off = (uint32_t)start;
	rule.len = (uint32_t)k;
	rule.prio = (uint32_t)norm;
	rule.allow = (uint8_t)allow;
	rule.anchored = (uint8_t)anchored;
	for (i = 0; i < 2; i++)
		if (p->group[i] &&
		    buf_append(&p->rules[i], &rule, sizeof(rule)) == 0)
			kept = 1;
	if (kept) {
		p->pat.len = start + k;
		p->pat.data[p->pat.len] = '\0';
	}
}

static enum robots_kind robots_kind(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(robots_keys) / sizeof(robots_keys[0]); i++)
		if (strlen(robots_keys[i].name) == n &&
		    strncasecmp(k, robots_keys[i].name, n) == 0)
			return robots_keys[i].kind;
	return ROBOTS_K_OTHER;
}

/*
 * One line, without its end.  "key: value", spaces and tabs allowed around
 * both, "#" starting a comment.  Without a colon, "key value" (exactly two
 * words) is accepted as Google does: "Disallow /private" means what it
 * says.  Anything else is skipped.
 */
static void robots_line(struct robots_parse *p, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n), *sep, *v, *e;
	size_t kn, i;
	enum robots_kind kind;
	int who;

	if (hash)
		n = (size_t)(hash - s);
	while (n > 0 && robots_is_ws((unsigned char)*s))
		s++, n--;
	while (n > 0 && robots_is_ws((unsigned char)s[n - 1]))
		n--;
	e = s + n;
	sep = memchr(s, ':', n);
	if (sep) {
		v = sep + 1;
	} else {
		for (sep = s; sep < e && !robots_is_ws((unsigned char)*sep); sep++)
			;
		if (sep == e)
			return;
		for (v = sep; v < e && robots_is_ws((unsigned char)*v); v++)
			;
		for (i = 0; v + i < e; i++)
			if (robots_is_ws((unsigned char)v[i]))
				return;
	}
	kn = (size_t)(sep - s);
	while (kn > 0 && robots_is_ws((unsigned char)s[kn - 1]))
		kn--;
	while (v < e && robots_is_ws((unsigned char)*v))
		v++;
	if (kn == 0)
		return;
	kind = robots_kind(s, kn);
	n = (size_t)(e - v);

	switch (kind) {
	case ROBOTS_K_OTHER:
		/* RFC 9309 section 2.2.4: other records must not change
		 * the grouping, so a Sitemap line neither ends the
		 * user-agent lines of a group nor its rules. */
		return;
	case ROBOTS_K_AGENT:
		if (!p->in_agents) {
			p->in_agents = 1;
			p->group[ROBOTS_GLOBAL] = p->group[ROBOTS_OURS] = 0;
		}
		who = robots_agent(p, v, n);
		if (who == 1)
			p->group[ROBOTS_GLOBAL] = 1;
		if (who == 2)
			p->group[ROBOTS_OURS] = p->named = 1;
		return;
	case ROBOTS_K_ALLOW:
	case ROBOTS_K_DISALLOW:
		p->in_agents = 0;
		robots_add_rule(p, kind == ROBOTS_K_ALLOW, v, n);
		return;
	case ROBOTS_K_DELAY:
		p->in_agents = 0;
		for (i = 0; i < 2; i++) {
			long ms;

			if (!p->group[i] || p->delay[i] >= 0)
				continue;
			ms = robots_delay(v, n);
			if (ms >= 0)
				p->delay[i] = ms;
		}
		return;
	}
}

/* Precedence: longer pattern first, then Allow, then file order. */
static int robots_rule_cmp(const void *a, const void *b)
{
	const struct robots_rule *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->allow != y->allow)
		return x->allow ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

struct robots *robots_parse(const char *txt, size_t len, const char *token)
{
	struct robots_parse p;
	const struct robots_rule *src;
	struct robots *r;
	size_t i, nrules, bytes = 0, line;
	char *pat;
	int which;

	SC_ASSERT(txt || len == 0);
	memset(&p, 0, sizeof(p));
	p.token = token ? token : "";
	while (robots_is_token((unsigned char)p.token[p.toklen]))
		p.toklen++;
	p.delay[0] = p.delay[1] = -1;
	buf_init(&p.rules[0], SC_ROBOTS_RULES_MAX * sizeof(struct robots_rule));
	buf_init(&p.rules[1], SC_ROBOTS_RULES_MAX * sizeof(struct robots_rule));
	/* A value of n bytes makes at most 3n + 1 key bytes. */
	buf_init(&p.pat, 4 * (size_t)SC_ROBOTS_MAX);

	if (len > SC_ROBOTS_MAX) {
		/* Keep the last line only if the cut falls on its end: a
		 * rule cut short could mean something else entirely. */
		int whole = txt[SC_ROBOTS_MAX] == '\n' ||
			    txt[SC_ROBOTS_MAX] == '\r';

		len = SC_ROBOTS_MAX;
		if (!whole) {
			while (len > 0 && txt[len - 1] != '\n' &&
			       txt[len - 1] != '\r')
				len--;
		}
	}
	i = 0;
	if (len >= 3 && memcmp(txt, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		for (line = i; i < len && txt[i] != '\n' && txt[i] != '\r'; i++)
			;
		robots_line(&p, txt + line, i - line);
		if (i < len && txt[i] == '\r' && i + 1 < len && txt[i + 1] == '\n')
			i++;
		i++;
	}

	which = p.named ? ROBOTS_OURS : ROBOTS_GLOBAL;
	nrules = p.rules[which].len / sizeof(struct robots_rule);
	src = (const struct robots_rule *)(const void *)p.rules[which].data;
	for (i = 0; i < nrules; i++)
		bytes += src[i].len;
	r = xmalloc(sizeof(*r) + nrules * sizeof(struct robots_rule) + bytes);
	r->nrules = nrules;
	r->delay_ms = p.delay[which];
	r->deny = 0;
	pat = (char *)(r->rule + nrules);
	bytes = 0;
	for (i = 0; i < nrules; i++) {
		r->rule[i] = src[i];
		r->rule[i].off = (uint32_t)bytes;
		memcpy(pat + bytes, p.pat.data + src[i].off, src[i].len);
		bytes += src[i].len;
	}
	qsort(r->rule, nrules, sizeof(struct robots_rule), robots_rule_cmp);

	buf_release(&p.rules[0]);
	buf_release(&p.rules[1]);
	buf_release(&p.pat);
	return r;
}

struct robots *robots_allow_all(void)
{
	struct robots *r = xcalloc(1, sizeof(*r));

	r->delay_ms = -1;
	return r;
}

struct robots *robots_deny_all(void)
{
	struct robots *r = robots_allow_all();

	r->deny = 1;
	return r;
}

void robots_free(struct robots *r)
{
	free(r);
}

int robots_allowed(const struct robots *r, const char *path)
{
	char stack[ROBOTS_KEY_STACK], *key = stack;
	const char *pat;
	size_t n, k, i;
	int allowed = 1;

	if (!r)
		return 1;

	if (strcmp(path, "/robots.txt") == 0)
		return 1;
	if (r->deny)
		return 0;
	if (r->nrules == 0)
		return 1;
	n = strlen(path);
	if (n > sizeof(stack) / 3)
		key = xmalloc(3 * n + 1);
	k = robots_key(path, n, 0, key, NULL, NULL);
	pat = (const char *)(r->rule + r->nrules);
	for (i = 0; i < r->nrules; i++) {
		const struct robots_rule *x = &r->rule[i];

		if (robots_match(pat + x->off, x->len, x->anchored, key, k)) {
			allowed = x->allow;
			break;
		}
	}
	if (key != stack)
		free(key);
	return allowed;
}

long robots_delay_ms(const struct robots *r)
{
	return r ? r->delay_ms : -1;
}

size_t robots_rules(const struct robots *r)
{
	return r ? r->nrules : 0;
}
