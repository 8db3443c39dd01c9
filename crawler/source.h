/*
 * source.h - the --urls list: read a line at a time as the frontier makes
 * room, so a list of any length costs a line buffer, never the list.
 *
 * Lines are trimmed of blanks; empty lines and lines starting with '#' are
 * skipped; a line over SC_URL_MAX is skipped whole.  How far the list was
 * read is journaled (journal 'U' lines) after the URLs it admitted, so
 * --resume goes on from the next line (source_skip()).  A list read from
 * stdin cannot be read again: a resumed crawl finishes what was read.
 */
#ifndef SC_SOURCE_H
#define SC_SOURCE_H

#include <stdint.h>
#include <stdio.h>

#include "common/limits.h"

struct source {
	const char *path;       /* NULL: no list; "-": stdin */
	FILE *fp;               /* NULL once read to its end or stopped */
	uint64_t line;          /* lines read so far */
	uint64_t total;         /* lines in the file, 0 when unknown (stdin) */
	int eof;                /* read to its end */
	uint64_t logged;        /* line as last journaled */
	int logged_eof;
	char buf[SC_URL_MAX + 2];
};

/*
 * Open the list at path (NULL: none; "-": stdin) and skip the first skip
 * lines.  Returns 0, or -1 with the reason logged.
 */
int source_open(struct source *s, const char *path, uint64_t skip);

/* Is there more to read? */
static inline int source_live(const struct source *s)
{
	return s->fp != NULL;
}

/*
 * The next URL line: 1 with *line pointing at it (trimmed, valid until
 * the next call), 0 at the end (the list is closed and eof set), or -1 for
 * a line too long (*line: its first 64 bytes).
 */
int source_next(struct source *s, char **line);

/* Stop reading: eof says whether as if the list had ended (max-pages
 * reached), or not (interrupted: --resume goes on). */
void source_stop(struct source *s, int eof);

/*
 * A seed without a scheme ("example.org/x", "example.org:8080/x") means
 * http://, as wget and curl take it: no "://" and no scheme before the
 * first ':' (one followed by a digit is a port).  Returns the URL with
 * "http://" in front (the caller frees it), or NULL when s needs none.
 */
char *source_add_scheme(const char *s);

/* Close the file; safe to call twice. */
void source_release(struct source *s);

#endif
