/*
 * mesh.h - the sockets between the shards (the mesh), made by the
 * coordinator before it forks them (shard/peer.h says what they carry).
 *
 * One socketpair(AF_UNIX, SOCK_STREAM) per linked pair of shards: every
 * pair when there are at most MESH_FULL_MAX shards, else each shard with
 * the MESH_REACH before and after it on a ring (a bounded 2 * MESH_REACH
 * peers each, so the fds a shard holds do not grow with -j).  Making the
 * mesh is best effort: when the coordinator's open-file limit has no room
 * for mesh_fds(n) more (the mesh is all open at once, just before the
 * forks) there is no mesh, and a pair that cannot be made is left out; the
 * shards then have fewer peers or none, and do their pages themselves.
 *
 * Lifecycle, all in the coordinator (crawler/procs.c):
 *   mesh_open()     before forking the shards;
 *   in each child:  its row, fd[i * n .. i * n + n - 1], is moved into
 *                   place beside its pipes and every other fd closed;
 *   mesh_close()    in the parent once every shard is forked: the parent
 *                   holds none of them, so a shard that dies is seen to
 *                   go by its peers (EOF), and a shard started again gets
 *                   a row of -1: no peers;
 *   mesh_release()  at the end.
 */
#ifndef SC_MESH_H
#define SC_MESH_H

#include "shard/shard.h"

#define MESH_FULL_MAX  32
#define MESH_REACH     16

struct mesh {
	int n;                  /* shards */
	int *fd;                /* n * n: fd[i * n + k], shard i's end to k; -1 none */
};

/* The fds the whole mesh of n shards takes in the coordinator at its peak
 * (for the open-file limit). */
long mesh_fds(int n);

/* Make the mesh for n shards.  0; -1 only for n out of range.  A socket
 * that cannot be made is -1 (logged once). */
int mesh_open(struct mesh *m, int n);

/* Close every socket (the array stays, all -1). */
void mesh_close(struct mesh *m);
void mesh_release(struct mesh *m);

#endif
