#include "crawler/mesh.h"

#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bigger socket buffers: a page and its result in one write (best effort). */
#define MESH_SNDBUF    (4 << 20)

/* Are shards i and k linked? */
static int linked(int n, int i, int k)
{
	int d = i > k ? i - k : k - i;

	if (i == k)
		return 0;
	if (n <= MESH_FULL_MAX)
		return 1;
	if (n - d < d)
		d = n - d;      /* distance on the ring */
	return d <= MESH_REACH;
}

long mesh_fds(int n)
{
	long peers = n <= MESH_FULL_MAX ? n - 1 : 2 * MESH_REACH;

	return n > 1 ? (long)n * peers : 0;
}

int mesh_open(struct mesh *m, int n)
{
	struct rlimit rl;
	int i, k, failed = 0;

	memset(m, 0, sizeof(*m));
	if (n < 1 || n > SC_MAX_SHARDS)
		return -1;
	m->n = n;
	m->fd = xmalloc((size_t)n * (size_t)n * sizeof(*m->fd));
	for (i = 0; i < n * n; i++)
		m->fd[i] = -1;
	/* the coordinator holds the whole mesh until every shard is forked,
	 * beside its own pipes (two per shard) and files: without room for
	 * all of it the shards go without peers rather than fail to start */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)(mesh_fds(n) + 4L * n + 64) > rl.rlim_cur) {
		log_warn("shard mesh: %ld sockets do not fit the open-file limit %llu; "
			 "shards will not share their pages' work", mesh_fds(n),
			 (unsigned long long)rl.rlim_cur);
		return 0;
	}
	for (i = 0; i < n && !failed; i++) {
		for (k = i + 1; k < n; k++) {
			int sv[2], sz = MESH_SNDBUF;

			if (!linked(n, i, k))
				continue;
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				       0, sv) < 0) {
				log_warn("shard mesh: socketpair: %s; some shards get "
					 "fewer peers", strerror(errno));
				failed = 1;
				break;
			}
			setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
			setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
			m->fd[i * n + k] = sv[0];
			m->fd[k * n + i] = sv[1];
		}
	}
	return 0;
}

void mesh_close(struct mesh *m)
{
	int i;

	for (i = 0; m->fd && i < m->n * m->n; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

void mesh_release(struct mesh *m)
{
	mesh_close(m);
	free(m->fd);
	memset(m, 0, sizeof(*m));
}
