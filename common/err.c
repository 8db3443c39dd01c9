#include "common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sc_strerror(int err)
{
	switch (err) {
	case SC_OK:      return "ok";
	case SC_EINVAL:  return "malformed input";
	case SC_ETOOBIG: return "too large";
	case SC_EPROTO:  return "protocol error";
	case SC_EIO:     return "i/o error";
	case SC_ESCHEME: return "unsupported scheme";
	case SC_EAGAIN:  return "incomplete";
	case SC_EEOF:    return "end of stream";
	case SC_ECRC:    return "checksum mismatch";
	case SC_ENOHOST: return "no host";
	}
	return "unknown error";
}

static void oom(size_t n) __attribute__((noreturn));
static void oom(size_t n)
{
	fprintf(stderr, "shardcrawl: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sc_die_invariant(const char *file, int line, const char *what)
{
	fprintf(stderr, "shardcrawl: %s:%d: invariant broken: %s\n", file, line, what);
	abort();
}
