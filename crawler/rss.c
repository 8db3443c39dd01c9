#include "crawler/rss.h"

#include "common/err.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rss_hwm_kb(pid_t pid, uint64_t *kb)
{
	char path[64], buf[RSS_STATUS_MAX + 1];
	const char *p;
	ssize_t n;
	size_t got = 0;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SC_EIO;
	while (got < RSS_STATUS_MAX &&
	       (n = read(fd, buf + got, RSS_STATUS_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *end;
		unsigned long long v;

		if (strncmp(p, "VmHWM:", 6) != 0)
			continue;
		v = strtoull(p + 6, &end, 10);
		if (end == p + 6)
			return SC_EINVAL;
		*kb = v;
		return 0;
	}
	return SC_EINVAL;
}

void rss_sample_pid(struct rss_peaks *p, pid_t pid)
{
	uint64_t kb;

	if (pid > 0 && rss_hwm_kb(pid, &kb) == 0 && kb > p->shard_kb)
		p->shard_kb = kb;
}

void rss_tick(struct rss_peaks *p, const struct procs *pr, uint64_t now_ms,
	      int force)
{
	int i;

	if (!force && p->last_ms && now_ms - p->last_ms < RSS_SAMPLE_MS)
		return;
	p->last_ms = now_ms;
	for (i = 0; i < pr->n; i++)
		if (pr->sp[i].state != SP_DONE)
			rss_sample_pid(p, pr->sp[i].pid);
}

void rss_self(struct rss_peaks *p)
{
	uint64_t kb;

	if (rss_hwm_kb(0, &kb) == 0)
		p->coord_kb = kb;
}
