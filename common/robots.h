/*
 * robots.h - robots.txt (RFC 9309) for one crawler.
 *
 * robots_parse() reads at most SC_ROBOTS_MAX bytes of a robots.txt body and
 * keeps only what applies to us: the rules of the group(s) whose user-agent
 * matches our product token (case-insensitive; several such groups are
 * merged), or else those of the "*" group(s), or else nothing (all allowed).
 * A group that names us but has no rules allows everything: it still hides
 * the "*" groups.  Rules before the first user-agent line belong to no group
 * and are ignored.
 *
 * Lines are "key: value" (or "key value", two words, for the colon-less
 * files seen in the wild), keys in any case, spaces and tabs around both,
 * "#" to the end of the line a comment, lines ended by CR, LF or CRLF, a
 * UTF-8 byte order mark skipped.  Keys: user-agent (also "useragent",
 * "user agent"), allow, disallow (and a few misspellings), crawl-delay;
 * other lines (sitemap, garbage, NUL bytes in a key) are skipped and change
 * nothing, grouping included.  A group is one or more user-agent lines
 * (blank and skipped lines between them allowed) and the lines up to the
 * next user-agent line that follows an allow, disallow or crawl-delay line.
 * A user-agent value names "*" when it is "*" alone or followed by a space,
 * else its product token (below) is compared with ours.
 *
 * Past SC_ROBOTS_MAX bytes the file is ignored, and so is the line the cut
 * falls in.  Rules and patterns are capped (SC_ROBOTS_RULES_MAX rules, the
 * first ones kept; SC_URL_MAX bytes each, longer ones dropped): past the
 * caps, rules are dropped, never memory grown.
 *
 * robots_allowed() applies the RFC's matching: the rule with the longest
 * pattern (in octets of its normal form, below, "*" and "$" included) that
 * matches wins, Allow wins a tie, "*" matches any run of octets, a final "$"
 * anchors the end; no matching rule means allowed; /robots.txt itself is
 * always allowed.  An empty Allow or Disallow value is no rule.  A pattern
 * that starts with neither "/" nor "*" gets a "/" in front ("private/" is
 * "/private/").  Matching is case-sensitive and linear in the lengths of
 * the path and the pattern, whatever its wildcards.
 *
 * Patterns and paths are compared in the normal form of common/url.h
 * (escapes of unreserved characters decoded, other escapes uppercase, raw
 * non-ASCII bytes, spaces and controls escaped: "/caf%c3%a9" and "/café"
 * both match "/caf%C3%A9"), and, as RFC 9309 asks, a reserved character
 * matches its escape: pattern "/a-%2A" (a literal '*', not a wildcard)
 * matches "/a-*", "/x%3Ay" matches "/x:y".  Only '/' and '?' in the path
 * (not in the query) keep their escapes apart: "/a%2Fb" is not "/a/b".
 *
 * The product token is the leading run of letters, digits, '-' and '_' of
 * the user agent ("shardcrawl/0.1 (+...)" -> "shardcrawl"): robots_token().
 * RFC 9309 allows no digits in a token; taking them keeps "User-agent:
 * shardcrawl2" from being read as "shardcrawl".
 *
 * Memory: a struct robots is one allocation, immutable after parsing, so
 * it may be shared by threads; robots_free() releases it.
 */
#ifndef SC_ROBOTS_H
#define SC_ROBOTS_H

#include <stddef.h>

struct robots;

/* Parse len bytes at txt (any bytes, NULs included; txt may be NULL when
 * len is 0).  token: our product token, or a whole user agent (its token is
 * taken); NULL or "" matches only "*" groups.  Never NULL (aborts only on
 * out-of-memory).  Free with robots_free(). */
struct robots *robots_parse(const char *txt, size_t len, const char *token);
/* A robots that allows everything (4xx, --no-robots). */
struct robots *robots_allow_all(void);
/* A robots that forbids everything but /robots.txt itself (robots.txt
 * unreachable for now: fetching it again stays allowed). */
struct robots *robots_deny_all(void);
/* Free r; NULL is a no-op. */
void robots_free(struct robots *r);

/* r may be NULL (no robots.txt: everything allowed, no delay) in the three
 * queries below.
 * path: the path and query of a normalized URL, starting with '/' (of a
 * path not in normal form only the percent-encoding is normalized for the
 * comparison, not dot segments).  1 allowed, 0 disallowed. */
int robots_allowed(const struct robots *r, const char *path);

/* Crawl-delay of the chosen group(s) in milliseconds, or -1 when they have
 * none.  The first valid value wins: digits with an optional fraction
 * ("1", "0.5", ".5", "10.25"), precision past 1 ms dropped, clamped at
 * 2^31 - 1 ms; anything else ("-1", "1s", "1,5") is ignored. */
long robots_delay_ms(const struct robots *r);

/* Number of rules kept (for logs and tests). */
size_t robots_rules(const struct robots *r);

/* The product token of a user agent, into out (n bytes, NUL-terminated,
 * cut to n - 1 bytes); returns the length written (0 when n is 0). */
size_t robots_token(const char *user_agent, char *out, size_t n);

#endif
