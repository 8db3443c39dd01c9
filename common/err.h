/*
 * err.h - error codes shared by every module.
 *
 * Functions that can fail return int: 0 on success or one of the negative
 * codes below; sizes and results go out through pointer parameters.  Running
 * out of memory is not among them: xmalloc() and friends abort instead, as
 * there is nothing sensible a crawler can do half-way through an allocation.
 */
#ifndef SC_ERR_H
#define SC_ERR_H

#include <stddef.h>

enum sc_err {
	SC_OK       = 0,
	SC_EINVAL   = -1,  /* malformed input */
	SC_ETOOBIG  = -2,  /* input larger than its cap */
	SC_EPROTO   = -3,  /* protocol violation on a pipe */
	SC_EIO      = -4,  /* read or write failed; errno says why */
	SC_ESCHEME  = -5,  /* URL scheme other than http or https */
	SC_EAGAIN   = -6,  /* not complete yet; call again later */
	SC_EEOF     = -7,  /* peer closed */
	SC_ECRC     = -8,  /* checksum mismatch */
	SC_ENOHOST  = -9,  /* URL without a host */
};

/* A short lowercase description of an error code; never NULL. */
const char *sc_strerror(int err);

/* Allocation that aborts the process with a message on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Abort with file:line for a broken invariant (never for outside input). */
#define SC_ASSERT(cond) \
	do { if (!(cond)) sc_die_invariant(__FILE__, __LINE__, #cond); } while (0)
void sc_die_invariant(const char *file, int line, const char *what)
	__attribute__((noreturn));

#endif
