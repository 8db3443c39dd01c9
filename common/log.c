#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int log_level = LOG_WARN;
static char log_prefix[32] = "shardcrawl";

void log_init(const char *prefix, int level)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix);
	log_level = level;
}

void log_write(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	va_list ap;
	int n, m;

	n = snprintf(line, sizeof(line), "%s: %s: ", log_prefix, names[level & 3]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write(2) per line so lines from several processes do not mix */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
