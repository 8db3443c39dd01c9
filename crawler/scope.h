/*
 * scope.h - which URLs the crawl follows: the scope of its seeds, the
 * --allow / --deny filters and the spider-trap guards.
 *
 * The scope is a set of fingerprints of hosts (--scope host) or registrable
 * domains (--scope domain, through libpsl) that seeds added; --scope any
 * has none.  Then the filters, in this order: --deny (a regex matching the
 * normalized URL refuses it), --reject (its path, up to the query, ends
 * with one of the suffixes, in any case: refused), --accept (it must end
 * with one of them), --allow (a regex must match).  A suffix is plain text,
 * as wget's -A/-R lists: "jpg" matches "/a.jpg" and "/ajpg", ".jpg" only
 * the first, "/" a path that ends in a directory.  Seeds are never
 * filtered: they define the scope.  The trap
 * guards look at one URL at a time (its length, repeated path segments);
 * the per-host quota is the frontier's (crawler/frontier.h), since only it
 * knows every host, but its refusals are counted here too, so that one
 * counter says how many links the guards turned away.
 *
 * Ownership: the scope borrows cfg (it must outlive the scope) and owns its
 * fingerprint set; scope_release() frees it.
 */
#ifndef SC_SCOPE_H
#define SC_SCOPE_H

#include <libpsl.h>
#include <stdint.h>

#include "common/seen.h"
#include "crawler/config.h"

struct scope {
	const struct crawl_config *cfg;
	struct seen units;      /* fingerprints of in-scope hosts or domains */
	const psl_ctx_t *psl;   /* --scope domain only; NULL: whole hosts */
	uint64_t trap_refused;  /* links the trap guards refused */
};

void scope_init(struct scope *s, const struct crawl_config *cfg);
void scope_release(struct scope *s);

/* A seed's host (or domain) joins the scope; nothing for --scope any. */
void scope_add(struct scope *s, const char *url);

/* Is a normalized URL inside the scope and through the filters? */
int scope_in(const struct scope *s, const char *url);

/*
 * May a page requisite be fetched?  Requisites leave the scope (one hop:
 * what a page needs is wherever it is) and pass --allow and --accept,
 * which say what to follow; --deny and --reject, which say what never to
 * fetch, still refuse them.
 */
int scope_requisite_ok(const struct scope *s, const char *url);

/*
 * The spider-trap guards, for links (never seeds): longer than
 * --max-url-length, or a path segment repeated more than --max-repeats
 * times.  Returns 1 (and counts it) if the link is refused.
 */
int scope_trapped(struct scope *s, const char *url);

/* The frontier refused a link of host key for --host-quota: count it, and
 * say so the first time (every time at -v). */
void scope_quota_refused(struct scope *s, const char *key);

#endif
