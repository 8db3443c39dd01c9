/*
 * fuzz_url.c - libFuzzer target for common/url.c.
 *
 * Input: one line, or "base\nreference".  The whole input (up to a NUL)
 * goes to url_normalize(); the first line is set as a base and the rest
 * resolved against it, or, with no newline, the whole input is resolved
 * against RFC 3986's example base.  Every URL that comes out must be in
 * the normal form of url.h:
 *   - it normalizes to itself, and resolves to itself against the base;
 *   - url_base_resolve() (fast path) and url_base_resolve_curl() agree,
 *     and so does url_resolve();
 *   - http:// or https://, at most SC_URL_MAX bytes, no fragment, no byte
 *     that url.h says is escaped;
 *   - url_host_key() and url_host() take it, and agree.
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/url.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

#define FUZZ_RFC_BASE "http://a/b/c/d;p?q"

static char *fuzz_cstr(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	FUZZ_CHECK(s != NULL);
	if (n)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Everything url.h promises about a URL in normal form. */
static void fuzz_check_norm(const char *u, const struct url_base *b)
{
	char key[SC_URL_MAX + 16], *again = NULL;
	const char *host, *p;
	size_t hlen, n = strlen(u);
	int klen;

	FUZZ_CHECK(n <= SC_URL_MAX);
	FUZZ_CHECK(strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
	for (p = u; *p; p++) {
		unsigned char c = (unsigned char)*p;

		FUZZ_CHECK(c > 0x20 && c < 0x7f);
		FUZZ_CHECK(strchr("#\"<>\\^`{|}", c) == NULL);
	}

	FUZZ_CHECK(url_normalize(u, &again) == 0);
	FUZZ_CHECK(strcmp(again, u) == 0);
	free(again);

	if (b && b->h) {
		FUZZ_CHECK(url_base_resolve(b, u, &again) == 0);
		FUZZ_CHECK(strcmp(again, u) == 0);
		free(again);
		FUZZ_CHECK(url_base_resolve_curl(b, u, &again) == 0);
		FUZZ_CHECK(strcmp(again, u) == 0);
		free(again);
	}

	klen = url_host_key(u, key, sizeof(key));
	FUZZ_CHECK(klen > 0);
	FUZZ_CHECK((size_t)klen == strlen(key));
	FUZZ_CHECK(url_host(u, &host, &hlen) == 0);
	FUZZ_CHECK(hlen > 0 && hlen < (size_t)klen);
	FUZZ_CHECK(memcmp(key, host, hlen) == 0 && key[hlen] == ':');
	FUZZ_CHECK(key[hlen + 1] != '\0');
	/* a small buffer is refused, never overrun */
	FUZZ_CHECK(url_host_key(u, key, (size_t)klen) == SC_ETOOBIG);
}

static void fuzz_resolve(const char *base, const char *ref)
{
	struct url_base b;
	char *o1 = NULL, *o2 = NULL, *o3 = NULL;
	int rc1, rc2, rc3;

	url_base_init(&b);
	if (url_base_set(&b, base) != 0) {
		FUZZ_CHECK(b.h == NULL && b.norm == NULL);
		FUZZ_CHECK(url_base_resolve(&b, ref, &o1) == SC_EINVAL && !o1);
		FUZZ_CHECK(url_resolve(base, ref, &o1) != 0 && !o1);
		return;
	}
	fuzz_check_norm(b.norm, &b);

	rc1 = url_base_resolve(&b, ref, &o1);
	rc2 = url_base_resolve_curl(&b, ref, &o2);
	rc3 = url_resolve(base, ref, &o3);
	if (rc1 != rc2 || (rc1 == 0 && strcmp(o1, o2) != 0)) {
		fprintf(stderr, "base '%s' ref '%s': fast %d '%s', curl %d '%s'\n",
			b.norm, ref, rc1, o1 ? o1 : "", rc2, o2 ? o2 : "");
		abort();
	}
	FUZZ_CHECK(rc3 == rc1);
	FUZZ_CHECK(rc1 == 0 ? o1 && o3 && strcmp(o1, o3) == 0 : !o1 && !o2 && !o3);
	if (rc1 == 0)
		fuzz_check_norm(o1, &b);
	else
		FUZZ_CHECK(rc1 < 0);
	free(o1);
	free(o2);
	free(o3);
	url_base_release(&b);
	FUZZ_CHECK(b.h == NULL && b.norm == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *out = NULL, *nl;
	int rc;

	rc = url_normalize(s, &out);
	if (rc == 0) {
		fuzz_check_norm(out, NULL);
		free(out);
	} else {
		FUZZ_CHECK(rc < 0 && out == NULL);
	}

	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		fuzz_resolve(s, nl + 1);
	} else {
		fuzz_resolve(FUZZ_RFC_BASE, s);
	}
	free(s);
	return 0;
}
