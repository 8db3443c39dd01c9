/*
 * shard.h - the worker process: the one entry point the coordinator calls,
 * in the child it has just forked.
 *
 * A shard owns every host whose key hashes to it, so per-host politeness
 * state lives here alone and needs no locks.  It reads MSG_URLS batches from
 * in_fd, fetches with one libcurl multi handle driven by epoll (the pipes are
 * in the same epoll set), builds and gzips the WARC records of each fetch,
 * extracts links from HTML, and writes one MSG_RESULT per URL to out_fd.
 * Both fds are non-blocking; writes are queued, never blocking the loop.
 *
 * When the coordinator closes in_fd the shard finishes every URL it holds,
 * flushes its results and returns.  It returns 0 then, or 1 when it had to
 * stop early (the coordinator went away, a protocol error, an init failure);
 * the caller passes that to _exit().
 */
#ifndef SC_SHARD_H
#define SC_SHARD_H

#include <stdint.h>

struct rules;

struct shard_config {
	int index;              /* 0 .. nshards-1 */
	int nshards;
	int concurrency;        /* transfers in flight in this shard, until a
				 * MSG_SHARE gives another */
	int per_host;           /* transfers in flight per host */
	long timeout_s;         /* whole transfer */
	long connect_timeout_s;
	uint64_t max_size;      /* body bytes kept */
	const char *user_agent;
	char **headers;         /* extra request headers, "Name: value" */
	int nheaders;
	char **resolve;         /* curl --resolve entries, "host:port:addr" */
	int nresolve;
	int warc_level;         /* gzip level of WARC records */
	int insecure;           /* accept any TLS certificate */
	int obey_rel_nofollow;  /* skip rel=nofollow links (common/links.h) */
	int sitemaps;           /* send robots.txt Sitemap lines (MSG_FOUND) */
	char **accept_types;    /* 2xx media types kept (common/mimetype.h) */
	int naccept_types;
	char **reject_types;    /* 2xx media types never kept */
	int nreject_types;
	const char *proxy;      /* CURLOPT_PROXY; NULL: the environment's */
	const char *no_proxy;   /* CURLOPT_NOPROXY; NULL: the environment's */
	int cookies;            /* keep the cookies hosts set, send them back */
	const char *cookie_jar; /* Netscape cookie file loaded at start (implies
				 * cookies); NULL: none */
	int log_level;
	const struct rules *rules; /* --extract (common/rules.h), NULL: none;
				 * built before the fork, read-only here */
	int extract_only;       /* --extract-only: no WARC records */

	/* politeness (all per host, except rate) */
	int robots;             /* fetch and obey robots.txt */
	const char *robots_token; /* our product token */
	long max_crawl_delay_ms;  /* cap on a robots.txt Crawl-delay */
	long delay_ms;          /* minimum gap between request starts */
	double host_rate;       /* requests/s per host; 0: no limit */
	double rate;            /* requests/s for this shard; 0: no limit */
	long low_speed;         /* abort below this many bytes/s ... */
	long low_speed_time;    /* ... for this many seconds */

	/* failures */
	int retries;            /* retries of a transient failure */
	long retry_wait_ms;     /* base of the exponential backoff */
	long max_retry_after_s; /* cap on a Retry-After wait */
	int host_fail_limit;    /* consecutive connect failures before giving up a host */
};

/*
 * The shard's sockets to the other shards (the mesh), made by the
 * coordinator before it forks them: fd[k] is a connected AF_UNIX stream
 * socket to shard k, or -1 (k itself, a shard beyond the mesh's reach, or
 * any shard after a restart: a shard started again has no peers).  A shard
 * hands finished transfers of its hosts to a peer for the CPU work (WARC
 * records, parsing) when it has more than it can do; politeness stays with
 * the shard that owns the host.
 */
struct shard_mesh {
	int nshards;
	const int *fd;          /* nshards entries */
};

int shard_main(const struct shard_config *cfg, int in_fd, int out_fd,
	       const struct shard_mesh *mesh);

#endif
