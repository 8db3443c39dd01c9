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
 *   - a host whose last label is a number is a dotted quad of decimals;
 *   - url_host_key() and url_host() take it, and agree.
 * And the input is read as the URL Standard reads it: a tab put into it,
 * or its backslashes before the query turned into '/', change no answer.
 */
#include "common/err.h"
#include "common/limits.h"
#include "common/url.h"
#include "tests/fuzz/fuzz.h"

#include <ctype.h>
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

/* Is the host h (n bytes) either no IPv4 form at all, its last label no
 * number, or a dotted quad of decimals 0-255 without leading zeros? */
static int fuzz_host_ok(const char *h, size_t n)
{
	size_t i, start = n, parts = 0, len = 0;
	unsigned v = 0;

	if (n && h[0] == '[')
		return 1;
	while (start > 0 && h[start - 1] != '.')
		start--;
	if (start == n)
		return 0;               /* a trailing dot */
	if (n - start >= 2 && h[start] == '0' &&
	    (h[start + 1] == 'x' || h[start + 1] == 'X')) {
		for (i = start + 2; i < n && isxdigit((unsigned char)h[i]); i++)
			;
		if (i == n)
			return 0;       /* "0x1f" is a number, not a name */
	}
	for (i = start; i < n; i++)
		if (!(h[i] >= '0' && h[i] <= '9'))
			return 1;       /* a name: "a", "1a", "0x1g" */
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (len == 0 || v > 255 || (len > 1 && h[i - len] == '0'))
				return 0;
			parts++;
			len = 0;
			v = 0;
		} else if (h[i] >= '0' && h[i] <= '9' && len < 4) {
			v = v * 10 + (unsigned)(h[i] - '0');
			len++;
		} else {
			return 0;
		}
	}
	return parts == 4;
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
	FUZZ_CHECK(fuzz_host_ok(host, hlen));
	FUZZ_CHECK(key[hlen + 1] != '\0');
	/* a small buffer is refused, never overrun */
	FUZZ_CHECK(url_host_key(u, key, (size_t)klen) == SC_ETOOBIG);
}

/*
 * s read another way that the URL Standard reads the same, in a string the
 * caller frees: kind 0, a tab put in at offset at (modulo its length);
 * kind 1, every backslash before the first '?' or '#' a '/'.
 */
static char *fuzz_variant(const char *s, int kind, size_t at)
{
	size_t n = strlen(s), i;
	char *v = malloc(n + 2);
	int query = 0;

	FUZZ_CHECK(v != NULL);
	if (kind == 0) {
		at %= n + 1;
		memcpy(v, s, at);
		v[at] = '\t';
		memcpy(v + at + 1, s + at, n - at + 1);
		return v;
	}
	for (i = 0; i <= n; i++) {
		query |= s[i] == '?' || s[i] == '#';
		v[i] = s[i] == '\\' && !query ? '/' : s[i];
	}
	return v;
}

/* Do both variants of in give rc and out (rc2, o2 from fn(in))?  A tab
 * that takes the input past SC_URL_MAX is not tried: it is refused by
 * length before tabs are dropped. */
static void fuzz_same_variants(const struct url_base *b, const char *in,
			       int rc, const char *out, size_t at)
{
	int kind;

	for (kind = 0; kind < 2; kind++) {
		char *v, *o2 = NULL;
		int rc2;

		if (kind == 0 && strlen(in) >= SC_URL_MAX)
			continue;
		v = fuzz_variant(in, kind, at);
		rc2 = b ? url_base_resolve(b, v, &o2) : url_normalize(v, &o2);
		if (rc2 != rc || (rc == 0 && strcmp(o2, out) != 0)) {
			fprintf(stderr, "'%s' gives %d '%s', '%s' %d '%s'\n", in, rc,
				out ? out : "", v, rc2, o2 ? o2 : "");
			abort();
		}
		free(o2);
		free(v);
	}
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
	fuzz_same_variants(&b, ref, rc1, o1, strlen(base));
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
	if (rc == 0)
		fuzz_check_norm(out, NULL);
	else
		FUZZ_CHECK(rc < 0 && out == NULL);
	fuzz_same_variants(NULL, s, rc, out, size);
	free(out);

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
