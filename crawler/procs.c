#include "crawler/procs.h"

#include "common/err.h"
#include "common/log.h"
#include "common/msg.h"
#include "crawler/mesh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Present only in sanitizer builds: lets a shard, which leaves by _exit(),
 * still be checked for leaks. */
extern void __lsan_do_leak_check(void) __attribute__((weak));

static const char *const state_names[] = { "running", "closing", "done" };

static void procs_set_state(struct shard_proc *sp, enum sp_state st)
{
	if (sp->state != st)
		log_debug("shard %d: %s -> %s", sp->index, state_names[sp->state],
			  state_names[st]);
	sp->state = st;
}

void procs_init(struct procs *p, int n, struct shard_config *scfg,
		struct frontier *fr, size_t blob_max, int verbose)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->n = n;
	p->scfg = scfg;
	p->fr = fr;
	p->blob_max = blob_max;
	p->verbose = verbose;
	p->sp = xcalloc((size_t)n, sizeof(*p->sp));
	for (i = 0; i < n; i++) {
		struct shard_proc *sp = &p->sp[i];
		sp->index = i;
		sp->pid = -1;
		sp->state = SP_DONE;
		sp->to_fd = sp->from_fd = -1;
		sp->concurrency = (uint32_t)scfg->concurrency;
	}
}

#define SLOT_NONE UINT32_MAX

static void slots_reset(struct shard_proc *sp)
{
	uint32_t i;

	for (i = 0; i < sp->nslots; i++) {
		sp->slots[i].e = NULL;
		sp->slots[i].next_free = i + 1 < sp->nslots ? i + 1 : SLOT_NONE;
	}
	sp->free_head = sp->nslots ? 0 : SLOT_NONE;
	sp->inflight = 0;
}

void procs_set_window(struct shard_proc *sp, uint32_t window)
{
	uint32_t i, old = sp->nslots;

	sp->window = window;
	if (window <= old)
		return;
	sp->slots = xrealloc(sp->slots, window * sizeof(*sp->slots));
	/* the new slots go to the front of the free list */
	for (i = old; i < window; i++) {
		sp->slots[i].e = NULL;
		sp->slots[i].gen = 0;
		sp->slots[i].next_free = i + 1 < window ? i + 1 : sp->free_head;
	}
	sp->free_head = old;
	sp->nslots = window;
}

uint64_t procs_slot_put(struct shard_proc *sp, struct fentry *e)
{
	uint32_t idx = sp->free_head;
	struct slot *s;

	SC_ASSERT(idx != SLOT_NONE && sp->inflight < sp->window);
	s = &sp->slots[idx];
	sp->free_head = s->next_free;
	s->e = e;
	s->gen++;
	sp->inflight++;
	return (uint64_t)s->gen << 32 | idx;
}

struct fentry *procs_slot_take(struct shard_proc *sp, uint64_t id)
{
	uint32_t idx = (uint32_t)id, gen = (uint32_t)(id >> 32);
	struct fentry *e;

	if (idx >= sp->nslots || !sp->slots[idx].e || sp->slots[idx].gen != gen)
		return NULL;
	e = sp->slots[idx].e;
	sp->slots[idx].e = NULL;
	sp->slots[idx].next_free = sp->free_head;
	sp->free_head = idx;
	sp->inflight--;
	return e;
}

/* In the child: keep stdio, the two pipes (as fds 3 and 4) and the mesh
 * sockets (5 on), reset signals, run the shard, leave by _exit(). */
static void child(struct procs *p, struct shard_proc *sp, int in, int out,
		  const int *mesh_fd)
{
	int *fds = xcalloc((size_t)p->n, sizeof(int)), i, next = 5, rc;
	int high = 5 + p->n;    /* above every fd we place */
	struct shard_mesh mesh = { p->n, fds };
	char name[32];

	/* every fd we keep first goes above the range it will land in, so that
	 * placing one never overwrites another not yet moved */
	in = fcntl(in, F_DUPFD_CLOEXEC, high);
	out = fcntl(out, F_DUPFD_CLOEXEC, high);
	if (in < 0 || out < 0)
		_exit(1);
	for (i = 0; i < p->n; i++) {
		fds[i] = mesh_fd && mesh_fd[i] >= 0 ?
			 fcntl(mesh_fd[i], F_DUPFD_CLOEXEC, high) : -1;
		if (mesh_fd && mesh_fd[i] >= 0 && fds[i] < 0)
			_exit(1);
	}
	if (dup2(in, 3) < 0 || dup2(out, 4) < 0)
		_exit(1);
	for (i = 0; i < p->n; i++) {
		if (fds[i] < 0)
			continue;
		if (dup2(fds[i], next) < 0)
			_exit(1);
		fds[i] = next++;
	}
	close_range((unsigned)next, ~0U, 0);
	/* a shard outlives no coordinator: killed with it, it would fetch on
	 * with nobody to take its results */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	/* Ctrl-C, or a SIGTERM to the process group (timeout(1), service
	 * managers), reaches every shard too: the coordinator decides how the
	 * shards stop, so they ignore both */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	snprintf(name, sizeof(name), "shard %d", sp->index);
	log_init(name, p->verbose ? LOG_DEBUG : log_level);
	p->scfg->index = sp->index;
	rc = shard_main(p->scfg, 3, 4, &mesh);
	free(fds);
	if (__lsan_do_leak_check)
		__lsan_do_leak_check();
	_exit(rc);
}

static int spawn(struct procs *p, struct shard_proc *sp, const int *mesh_fd)
{
	int a[2], b[2];
	pid_t pid;

	if (pipe2(a, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	if (pipe2(b, O_NONBLOCK | O_CLOEXEC) < 0) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	/* bigger pipes: fewer wake-ups per result (best effort) */
	fcntl(a[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(b[1], F_SETPIPE_SZ, 1 << 20);
	pid = fork();
	if (pid < 0) {
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		return -1;
	}
	if (pid == 0)
		child(p, sp, a[0], b[1], mesh_fd);
	close(a[0]);
	close(b[1]);
	sp->pid = pid;
	sp->to_fd = a[1];
	sp->from_fd = b[0];
	frame_reader_init(&sp->r, sp->from_fd, MSG_TYPE_MAX, p->blob_max);
	frame_writer_init(&sp->w, sp->to_fd);
	slots_reset(sp);
	/* what the shard starts with, until the loop says otherwise */
	sp->rate_gap_us = p->scfg->rate > 0 ? (uint64_t)(1e6 / p->scfg->rate + 0.5) : 0;
	sp->concurrency = (uint32_t)p->scfg->concurrency;
	procs_set_state(sp, SP_RUNNING);
	return 0;
}

int procs_start(struct procs *p)
{
	struct mesh m;
	int i, rc = 0;

	mesh_open(&m, p->n);
	for (i = 0; i < p->n; i++) {
		if (spawn(p, &p->sp[i], m.fd ? &m.fd[i * p->n] : NULL)) {
			log_error("cannot start shard %d: %s", i, strerror(errno));
			rc = -1;
			break;
		}
	}
	/* the shards hold the mesh now; none of it stays here, so a shard
	 * that dies is seen to go by its peers */
	mesh_release(&m);
	return rc;
}

static void close_fds(struct shard_proc *sp)
{
	if (sp->to_fd >= 0)
		close(sp->to_fd);
	if (sp->from_fd >= 0)
		close(sp->from_fd);
	sp->to_fd = sp->from_fd = -1;
	frame_reader_release(&sp->r);
	frame_writer_release(&sp->w);
}

void procs_lost(struct procs *p, struct shard_proc *sp, const char *why)
{
	uint32_t i, requeued = 0;
	int status = 0;

	kill(sp->pid, SIGKILL);
	waitpid(sp->pid, &status, 0);
	close_fds(sp);
	for (i = 0; i < sp->nslots; i++) {
		if (sp->slots[i].e) {
			p->fr->ops->requeue(p->fr, sp->slots[i].e);
			sp->slots[i].e = NULL;
			requeued++;
		}
	}
	sp->inflight = 0;
	sp->transfers = 0;
	log_error("shard %d (pid %d) %s; %u URLs queued again", sp->index,
		  (int)sp->pid, why, requeued);
	if (++sp->restarts > SHARD_RESTART_MAX) {
		log_error("shard %d died %d times: giving up", sp->index, sp->restarts);
		p->fatal = 1;
		procs_set_state(sp, SP_DONE);
		return;
	}
	/* a shard started again has no peers: the others' sockets to the
	 * old one were closed with it */
	if (spawn(p, sp, NULL)) {
		log_error("cannot start shard %d: %s", sp->index, strerror(errno));
		p->fatal = 1;
		procs_set_state(sp, SP_DONE);
	}
}

int procs_close_input(struct shard_proc *sp)
{
	frame_flush(&sp->w);
	if (frame_pending(&sp->w))
		return -1;
	close(sp->to_fd);
	sp->to_fd = -1;
	procs_set_state(sp, SP_CLOSING);
	return 0;
}

void procs_reaped(struct shard_proc *sp)
{
	int status = 0;

	waitpid(sp->pid, &status, 0);
	close_fds(sp);
	procs_set_state(sp, SP_DONE);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		log_warn("shard %d exited with status %d", sp->index, status);
}

void procs_stop(struct procs *p)
{
	int i;

	for (i = 0; p->sp && i < p->n; i++) {
		struct shard_proc *sp = &p->sp[i];
		if (sp->state != SP_DONE && sp->pid > 0) {
			kill(sp->pid, SIGKILL);
			waitpid(sp->pid, NULL, 0);
			close_fds(sp);
			procs_set_state(sp, SP_DONE);
		}
	}
}

void procs_release(struct procs *p)
{
	int i;
	uint32_t k;

	procs_stop(p);
	for (i = 0; p->sp && i < p->n; i++) {
		for (k = 0; k < p->sp[i].nslots; k++)
			fentry_free(p->sp[i].slots[k].e);
		free(p->sp[i].slots);
	}
	free(p->sp);
	p->sp = NULL;
}

uint64_t procs_inflight(const struct procs *p)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < p->n; i++)
		n += p->sp[i].inflight;
	return n;
}

uint64_t procs_transfers(const struct procs *p)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < p->n; i++)
		if (p->sp[i].state != SP_DONE)
			n += p->sp[i].transfers;
	return n;
}
