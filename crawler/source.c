#include "crawler/source.h"

#include "common/err.h"
#include "common/log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Lines in a regular file, for the progress line's total and ETA (one
 * pass with a fixed buffer, memchr for newlines); 0 for anything else.
 */
static uint64_t count_lines(const char *path)
{
	char buf[1 << 16];
	struct stat st;
	uint64_t n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + got;
		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			n++;
			p++;
		}
	}
	close(fd);
	return n;
}

int source_open(struct source *s, const char *path, uint64_t skip)
{
	int ch;

	s->path = path;
	s->fp = NULL;
	s->line = s->logged = skip;
	s->total = 0;
	if (!path)
		return 0;
	if (strcmp(path, "-") == 0) {
		if (skip) {
			log_warn("the URL list came from stdin and cannot be read again: "
				 "finishing the URLs already read");
			return 0;
		}
		s->fp = stdin;
		return 0;
	}
	s->fp = fopen(path, "r");
	if (!s->fp) {
		log_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while (skip && (ch = getc(s->fp)) != EOF)
		skip -= ch == '\n';
	s->total = count_lines(path);
	return 0;
}

void source_stop(struct source *s, int eof)
{
	if (s->fp && s->fp != stdin)
		fclose(s->fp);
	s->fp = NULL;
	if (eof)
		s->eof = 1;
}

void source_release(struct source *s)
{
	source_stop(s, 0);
}

char *source_add_scheme(const char *s)
{
	size_t colon = strcspn(s, ":/");
	char *with;

	if (strstr(s, "://") ||
	    (s[colon] == ':' && !isdigit((unsigned char)s[colon + 1])))
		return NULL;
	with = xmalloc(strlen(s) + 8);
	memcpy(with, "http://", 7);
	strcpy(with + 7, s);
	return with;
}

int source_next(struct source *s, char **line)
{
	char *p;
	size_t n;

	while (s->fp) {
		if (!fgets(s->buf, sizeof(s->buf), s->fp)) {
			if (ferror(s->fp))
				log_error("cannot read '%s': %s", s->path, strerror(errno));
			source_stop(s, 1);
			return 0;
		}
		s->line++;
		n = strlen(s->buf);
		if (n == sizeof(s->buf) - 1 && s->buf[n - 1] != '\n') {
			int ch;
			/* an over-long line: skip the rest of it */
			while ((ch = fgetc(s->fp)) != EOF && ch != '\n')
				;
			s->buf[64] = '\0';
			*line = s->buf;
			return -1;
		}
		p = s->buf;
		while (*p == ' ' || *p == '\t')
			p++;
		n = strlen(p);
		while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' ||
			     p[n - 1] == '\t'))
			p[--n] = '\0';
		if (!n || *p == '#')
			continue;
		*line = p;
		return 1;
	}
	return 0;
}
