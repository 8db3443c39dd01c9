/*
 * rss.h - peak resident memory of the coordinator and of its shards, from
 * /proc/PID/status (VmHWM, the high-water mark of the process's RSS).
 *
 * Why not getrusage(): ru_maxrss survives execve(), so a crawler started
 * by a large process (a 150 MB Python script) reports that process's peak;
 * and RUSAGE_CHILDREN only covers children already waited for, as a
 * maximum over all of them ever.  VmHWM belongs to the address space, which
 * execve() replaces, so it is ours alone.
 *
 * A shard's VmHWM vanishes when it exits (its address space goes before its
 * pipes close), so the loop samples the running shards every RSS_SAMPLE_MS
 * and once more just before it closes their input (rss_sample_pid()); a
 * shard's peak in its last moments after that sample, or between the last
 * sample and a crash, is missed.  Pages a shard shares with the coordinator
 * since the fork count in both, as /proc counts them.
 */
#ifndef SC_RSS_H
#define SC_RSS_H

#include <stdint.h>
#include <sys/types.h>

#include "crawler/procs.h"

#define RSS_SAMPLE_MS 500
#define RSS_STATUS_MAX 8192     /* bytes of /proc/PID/status read */

struct rss_peaks {
	uint64_t coord_kb;      /* 0 until read */
	uint64_t shard_kb;      /* the largest of any shard sampled; 0 if none */
	uint64_t last_ms;       /* when the shards were last sampled */
};

/*
 * VmHWM of process pid (0: this process), in kB.  Returns 0, SC_EIO when
 * /proc/PID/status cannot be read (no such process), or SC_EINVAL when it
 * has no VmHWM line (a zombie, a kernel thread).
 */
int rss_hwm_kb(pid_t pid, uint64_t *kb);

/* Sample one shard's pid into p->shard_kb (nothing if it cannot be read). */
void rss_sample_pid(struct rss_peaks *p, pid_t pid);

/* Sample every shard still running (RUNNING or CLOSING) if RSS_SAMPLE_MS
 * passed since the last time or force is set (now_ms: a monotonic clock in
 * ms). */
void rss_tick(struct rss_peaks *p, const struct procs *pr, uint64_t now_ms,
	      int force);

/* Read this process's own peak into p->coord_kb. */
void rss_self(struct rss_peaks *p);

#endif
