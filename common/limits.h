/*
 * limits.h - every cap and default of shardcrawl, in one place.
 *
 * Every buffer filled from outside the process (network bytes, pipe frames,
 * files) is bounded by one of the caps below; a value past a cap is an error
 * reported to the caller, never a reason to grow without limit.  Options on
 * the command line may lower or raise the defaults (the "DEFAULT" ones), never
 * the hard caps (the "MAX" ones), which protect the processes themselves.
 */
#ifndef SC_LIMITS_H
#define SC_LIMITS_H

/* URLs */
#define SC_URL_MAX            8192          /* bytes of one normalized URL */
#define SC_HOST_MAX           255           /* bytes of one host name (RFC 1035) */

/* HTTP transfers (per transfer, in the shard) */
#define SC_HEADERS_MAX        (256u << 10)  /* raw response header bytes */
#define SC_REQUEST_MAX        (64u << 10)   /* raw request header bytes kept */
#define SC_DEFAULT_MAX_SIZE   (32ull << 20) /* body bytes kept (--max-size) */
#define SC_RECV_BUDGET        (8u << 20)    /* libcurl receive buffers of one shard, together */
#define SC_PARSE_MAX          (16u << 20)   /* decoded HTML bytes given to the parser */
#define SC_LINKS_MAX          20000         /* links kept from one page */
#define SC_SITEMAP_URLS_MAX   50000         /* URLs kept from one sitemap (sitemaps.org) */
#define SC_SITEMAP_BYTES_MAX  52428800u     /* uncompressed bytes of one sitemap (50 MB) */
#define SC_REQUISITES_MAX     2048          /* page requisites kept from one page or stylesheet */
#define SC_REQUISITE_BYTES    (4u << 20)    /* bytes of those URLs (with links: under SC_FRAME_BODY_MAX) */
#define SC_SRCSET_MAX         32            /* candidates read from one srcset attribute */
#define SC_CSS_MAX            (2u << 20)    /* bytes of one stylesheet (or a page's <style> text) scanned */
#define SC_STYLES_MAX         64            /* <style> elements of one page scanned */
#define SC_REQUISITE_LEVELS   5             /* a page's requisites are level 1; a stylesheet
					     * of level L < 5 is scanned for level L+1: so
					     * 3 @imports deep, and what the last one needs */
#define SC_DEFAULT_TIMEOUT    60            /* seconds, whole transfer (--timeout) */
#define SC_DEFAULT_CONNECT_TIMEOUT 15       /* seconds (--connect-timeout) */
#define SC_DNS_CACHE_S        0             /* libcurl DNS cache lifetime (shard/xfer.c) */
#define SC_CURL_RECYCLE       1024          /* cache overflows before a fresh multi handle (shard/shard.c) */

/* Extraction rules (common/extract.h), per page a rule matches */
#define SC_EXTRACT_DOC_MAX    (8u << 20)    /* decoded HTML bytes given a tree */
#define SC_EXTRACT_DEPTH_MAX  250           /* open elements; deeper: not extracted (libxml2 halts past 256) */
#define SC_EXTRACT_ITEMS_MAX  1000          /* items kept from one page */
#define SC_EXTRACT_BYTES_MAX  (4u << 20)    /* JSON bytes of those items */
#define SC_EXTRACT_VALUE_MAX  (256u << 10)  /* bytes of one field value */
#define SC_EXTRACT_VALUES_MAX 1000          /* values of one all: true field */
#define SC_EXTRACT_META_MAX   256           /* <meta> entries of "meta" */
#define SC_EXTRACT_JSONLD_MAX 16            /* JSON-LD blocks of "jsonld" */
#define SC_RULES_COPY         "extract.yaml" /* the crawl's copy of its rules, in DIR */

/* robots.txt */
#define SC_ROBOTS_MAX         (512u << 10)  /* bytes parsed (RFC 9309 asks for at least 500 KiB) */
#define SC_ROBOTS_RULES_MAX   10000         /* allow/disallow rules kept for one host */
#define SC_ROBOTS_REDIRECTS   5             /* redirects followed to find robots.txt */
#define SC_ROBOTS_MAX_AGE_S   86400         /* rules fetched again after this (RFC 9309 §2.4) */

/* Pages handed from one shard to another for their CPU work (shard/peer.h):
 * at most this many, and this many raw bytes, in flight to one peer */
#define SC_OFFLOAD_MAX        8
#define SC_OFFLOAD_BYTES      (32u << 20)
#define SC_OFFLOAD_QUIET_MS   100           /* none to a peer that handed us one this recently */

/* Shard host state (shard/sched.h) */
#define SC_HOST_IDLE_S        60            /* an idle host is forgotten after this (or its gap) */
#define SC_DEAD_IDLE_FACTOR   10            /* ... a host given up after this many times as long */

/* Frames on the coordinator <-> shard pipes */
#define SC_FRAME_BODY_MAX     (32u << 20)   /* decoded body of one frame */
#define SC_FRAME_BLOB_MAX     (1u << 30)    /* raw blob (gzip WARC records) of one frame */
#define SC_URL_BATCH_MAX      256           /* URLs in one batch frame */

/* Crawl-wide defaults */
#define SC_DEFAULT_CONCURRENCY 64           /* transfers in flight, all shards (-c) */
#define SC_CONCURRENCY_MAX    100000        /* -c */
#define SC_DEFAULT_PER_HOST   2             /* transfers in flight per host (--per-host) */
#define SC_DEFAULT_WARC_MAX   1000000000ull /* bytes before a WARC file rotates */
#define SC_DEFAULT_USER_AGENT "shardcrawl/0.1 (+https://example.invalid/shardcrawl)"
#define SC_HEADERS_USER_MAX   64            /* --header options */
#define SC_DEFAULT_RETRIES    3             /* retries of a transient failure */
#define SC_DEFAULT_RETRY_WAIT 1000          /* ms, base of the exponential backoff */
#define SC_DEFAULT_MAX_RETRY_AFTER 600      /* s, cap on Retry-After */
#define SC_THROTTLE_MAX       10            /* 429/503 waits for one URL */
#define SC_DEFAULT_MAX_CRAWL_DELAY 30       /* s, cap on robots.txt Crawl-delay */
#define SC_DEFAULT_LOW_SPEED  100           /* bytes/s ... */
#define SC_DEFAULT_LOW_SPEED_TIME 30        /* ... for this long (s) aborts a transfer */
#define SC_DEFAULT_MAX_REDIRECTS 10         /* hops in one redirect chain */
#define SC_DEFAULT_HOST_FAIL_LIMIT 5        /* consecutive connect failures: host given up */
#define SC_DEFAULT_MAX_URL_LENGTH 2048      /* links longer than this are refused */
#define SC_DEFAULT_MAX_REPEATS 3            /* a path segment more often: refused */
#define SC_TRAP_SEGMENTS      128           /* path segments looked at for repeats */
#define SC_MAX_SHARDS         256           /* -j */
#define SC_SETTINGS_LINE_MAX  (64u << 10)   /* one line of a crawl's settings file */
#define SC_DEFAULT_LEASE      30            /* s, a host lease in a shared crawl (--lease) */
#define SC_DEFAULT_DRAIN      10            /* s to finish transfers after Ctrl-C */
#define SC_FLUSH_MS           200           /* journal and pages.jsonl written at least this often */

/* Coordinator frontier: URLs a shard holds that it has not reported back
 * (its credit window) and, of those, how many may belong to one host, so a
 * slow or delayed host cannot take a whole shard's window. */
#define SC_WINDOW_MIN         64
/* Queued URLs held in memory (--frontier-memory); the rest is spilled. */
#define SC_DEFAULT_FRONTIER_MEMORY (64ull << 20)
#define SC_FRONTIER_MEMORY_MIN (4u << 10)
#define SC_HOST_WINDOW_MIN    8

#endif
