/*
 * fuzz_retry.c - libFuzzer target for common/http.c: Retry-After values,
 * header lookup, de-chunking and content decoding.
 *
 * Input: any bytes, given to each function whole (so one corpus holds
 * Retry-After values, header blocks, chunked bodies and gzip, zlib and raw
 * deflate streams).  Invariants: http_retry_after() is -1 or >= 0 (and
 * the same for the value found by http_header() in the input read as a
 * header block); no output ever passes its buffer's cap, and a cap
 * reached is reported (SC_ETOOBIG, or *complete 0); decoding the same
 * bytes under a larger cap gives the same bytes first.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/http.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

#define FUZZ_NOW     1700000000L
#define FUZZ_CAP     (1u << 20)
#define FUZZ_SMALL   4096

static void fuzz_retry(const char *v, size_t n)
{
	long s = http_retry_after(v, n, FUZZ_NOW);

	FUZZ_CHECK(s >= -1);
	/* the same value later: never a longer wait */
	if (s >= 0)
		FUZZ_CHECK(http_retry_after(v, n, FUZZ_NOW + 10) <= s);
}

static void fuzz_dechunk(const char *in, size_t len)
{
	struct buf big, small;
	int c1, c2, rc1, rc2;

	buf_init(&big, FUZZ_CAP);
	buf_init(&small, FUZZ_SMALL);
	rc1 = http_dechunk(in, len, &big, &c1);
	rc2 = http_dechunk(in, len, &small, &c2);
	FUZZ_CHECK(rc1 == 0 || rc1 == SC_ETOOBIG);
	FUZZ_CHECK(rc2 == 0 || rc2 == SC_ETOOBIG);
	FUZZ_CHECK(big.len <= FUZZ_CAP && small.len <= FUZZ_SMALL);
	/* the chunks hold at most the input's bytes */
	FUZZ_CHECK(big.len <= len);
	if (rc1 == 0) {
		FUZZ_CHECK(rc2 == SC_ETOOBIG || (small.len == big.len && c2 == c1));
		FUZZ_CHECK(small.len <= big.len &&
			   memcmp(small.data, big.data, small.len) == 0);
	}
	buf_release(&big);
	buf_release(&small);
}

static void fuzz_decode(const char *coding, const char *in, size_t len)
{
	struct buf big, small;
	int c1, c2, rc1, rc2;

	buf_init(&big, FUZZ_CAP);
	buf_init(&small, FUZZ_SMALL);
	rc1 = http_decode(coding, strlen(coding), in, len, &big, &c1);
	rc2 = http_decode(coding, strlen(coding), in, len, &small, &c2);
	FUZZ_CHECK(rc1 == 0 || rc1 == SC_EINVAL);
	FUZZ_CHECK(rc2 == 0 || rc2 == SC_EINVAL);
	FUZZ_CHECK(big.len <= FUZZ_CAP && small.len <= FUZZ_SMALL);
	FUZZ_CHECK(c1 == 0 || c1 == 1);
	if (rc1 == 0 && rc2 == 0) {
		size_t n = small.len < big.len ? small.len : big.len;

		FUZZ_CHECK(memcmp(small.data, big.data, n) == 0);
		if (c2)
			FUZZ_CHECK(c1 && small.len == big.len);
	}
	buf_release(&big);
	buf_release(&small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *v;
	char *s;
	size_t vlen;

	fuzz_retry(in, size);
	if (http_header(in, size, "retry-after", &v, &vlen)) {
		FUZZ_CHECK(v >= in && v + vlen <= in + size);
		fuzz_retry(v, vlen);
	}
	if (http_header(in, size, "content-encoding", &v, &vlen)) {
		FUZZ_CHECK(v >= in && v + vlen <= in + size);
		(void)http_has_token(v, vlen, "gzip");
	}

	fuzz_dechunk(in, size);
	fuzz_decode("gzip", in, size);
	fuzz_decode("deflate", in, size);
	fuzz_decode("identity", in, size);

	s = malloc(size + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)http_is_html(s);
	free(s);
	return 0;
}
