/*
 * main.c - the command line: parse and check every option
 * (crawler/options.c), the seeds and --resume, the open-file limit, then
 * hand a finished crawl_config to the coordinator.  A bad option or value
 * exits 2 with a one-line reason before anything is created or started.
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/url.h"
#include "crawler/cluster.h"
#include "crawler/cdxj.h"
#include "crawler/config.h"
#include "common/rules.h"
#include "crawler/coord.h"
#include "crawler/extract_from.h"
#include "crawler/options.h"
#include "crawler/output.h"
#include "crawler/settings.h"
#include "crawler/source.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join_argv(int argc, char **argv)
{
	struct buf b;
	int i;

	buf_init(&b, 64 << 10);
	for (i = 0; i < argc; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, argv[i]);
	}
	return buf_detach(&b, NULL);
}


/*
 * Raise the open-file limit to its hard maximum, then check that the crawl
 * fits in it: a shard may be given all of -c, and libcurl keeps up to twice
 * its share of connections open; the coordinator holds two pipes a shard
 * and, while it forks them, the sockets between the shards.
 */
static void raise_nofile(int concurrency, int shards)
{
	struct rlimit rl;
	unsigned long long shard_need = 2ull * (unsigned)concurrency + (unsigned)shards + 32;
	unsigned long long coord_need = (unsigned long long)shards * (unsigned)shards + 32;
	unsigned long long need = shard_need > coord_need ? shard_need : coord_need;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && need > rl.rlim_cur) {
		fprintf(stderr, "shardcrawl: -c %d with -j %d needs %llu open files but the "
			"limit is %llu: raise it (ulimit -n %llu) or lower -c\n",
			concurrency, shards, need, (unsigned long long)rl.rlim_cur, need);
		exit(2);
	}
}

/* --cdxj DIR: index an existing output directory; the exit status. */
static int index_dir(const struct crawl_config *cfg)
{
	struct cdxj_counts n;
	struct stat st;
	int fd = -1, rc;

	if (stat(cfg->cdxj_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		usage_die("--cdxj: '%s' is not a directory", cfg->cdxj_dir);
	log_init("shardcrawl", cfg->verbose ? LOG_DEBUG : LOG_WARN);
	/* a crawl still writing there would be indexed half-way */
	rc = output_lock(cfg->cdxj_dir, &fd);
	if (rc == SC_EAGAIN)
		fprintf(stderr, "shardcrawl: '%s' is in use by another shardcrawl process\n",
			cfg->cdxj_dir);
	if (rc) {
		if (fd >= 0)
			close(fd);
		return rc == SC_EAGAIN ? 2 : 1;
	}
	rc = cdxj_build(cfg->cdxj_dir, &n);
	close(fd);
	if (!cfg->quiet)
		fprintf(stderr, "shardcrawl: %llu index lines for %llu records in %llu WARC "
			"files -> %s/index.cdxj\n", (unsigned long long)n.lines,
			(unsigned long long)n.records, (unsigned long long)n.files,
			cfg->cdxj_dir);
	return rc ? 1 : 0;
}

#define SWAP_STR(a, b) do { char *t_ = (a); (a) = (b); (b) = t_; } while (0)

/* --resume DIR: the crawl's own settings, with this run's options on top. */
static void load_resume(struct crawl_config *cli, struct crawl_config *res)
{
	char err[512];

	config_defaults(res);
	opt_set_str(&res->outdir, cli->outdir);
	if (settings_load(res, res->outdir, err, sizeof(err)))
		usage_die("--resume: %s", err);
	if (settings_conflict(cli, res, options_given(), err, sizeof(err)))
		usage_die("--resume: %s", err);
	res->resume = 1;
	res->shards = cli->shards;
	res->concurrency = cli->concurrency;
	res->quiet = cli->quiet;
	res->verbose = cli->verbose;
	res->drain_timeout = cli->drain_timeout;
	res->frontier_memory = cli->frontier_memory;
	res->no_cdxj = cli->no_cdxj;
	/* the way out, not the crawl: this run's, not stored */
	SWAP_STR(res->proxy, cli->proxy);
	SWAP_STR(res->no_proxy, cli->no_proxy);
	/* the rules are the crawl's copy; --extract again must name the same */
	if (res->extract_file) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", res->outdir, SC_RULES_COPY);
		config_rules(res, path);
	}
	if (cli->extract_file && !res->rules)
		usage_die("--resume: --extract: the crawl was started without it");
	if (cli->extract_file) {
		config_rules(cli, cli->extract_file);
		if (cli->rules->text_len != res->rules->text_len ||
		    memcmp(cli->rules->text, res->rules->text, cli->rules->text_len) != 0)
			usage_die("--resume: --extract '%s' differs from the crawl's rules "
				  "('%s/%s')", cli->extract_file, res->outdir, SC_RULES_COPY);
	}
}

int main(int argc, char **argv)
{
	struct crawl_config cfg, res;
	struct crawl_config *run = &cfg;
	int i, rc, resume = 0;

	config_defaults(&cfg);

	switch (options_parse(argc, argv, &cfg)) {
	case OPTIONS_EXIT:
		config_release(&cfg);
		return 0;
	case OPTIONS_RESUME:
		resume = 1;
		break;
	case OPTIONS_CDXJ:
		if (optind < argc)
			usage_die("--cdxj takes no URLs");
		rc = index_dir(&cfg);
		config_release(&cfg);
		return rc;
	case OPTIONS_CRAWL:
		break;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "shardcrawl: cannot initialise libcurl\n");
		return 1;
	}
	if (resume && optind < argc)
		usage_die("--resume takes no URLs: the crawl has its own");
	if ((cfg.redis_url != NULL) != (cfg.crawl_name != NULL) ||
	    (cfg.status && !cfg.redis_url))
		usage_die("--redis URL and --crawl NAME go together%s",
			  cfg.status ? " (and --status needs both)" : "");
	if (cfg.redis_url && resume)
		usage_die("--resume: not with --redis: a node rejoins its crawl with "
			  "--redis and --crawl and a new -o");
	if (cfg.redis_url && (cfg.extract_file || cfg.extract_from))
		usage_die("--extract: not with --redis yet (the rules file is not shared "
			  "between nodes)");
	if (cfg.status) {
		rc = cluster_status(&cfg);
		config_release(&cfg);
		curl_global_cleanup();
		return rc;
	}
	if (cfg.extract_from) {
		if (!cfg.extract_file)
			usage_die("--extract-from needs --extract RULES");
		if (resume || optind < argc || cfg.urls_file)
			usage_die("--extract-from runs no crawl: no URLs, --urls or --resume");
		config_rules(&cfg, cfg.extract_file);
		log_init("shardcrawl", cfg.verbose ? LOG_DEBUG : LOG_WARN);
		rc = extract_from_run(cfg.rules, cfg.extract_from, cfg.quiet);
		config_release(&cfg);
		curl_global_cleanup();
		return rc;
	}
	if (cfg.extract_only && !cfg.extract_file && !resume)
		usage_die("--extract-only needs --extract RULES");
	if (cfg.extract_file && !resume)
		config_rules(&cfg, cfg.extract_file);
	for (i = optind; i < argc; i++) {
		char *norm = NULL, *with = NULL;
		const char *seed = argv[i];

		with = source_add_scheme(seed);
		if (with)
			seed = with;
		rc = url_normalize(seed, &norm);
		free(with);
		if (rc)
			usage_die("bad seed URL '%s': %s", argv[i], sc_strerror(rc));
		opt_push(&cfg.seeds, &cfg.nseeds, norm);
	}
	if (resume) {
		load_resume(&cfg, &res);
		run = &res;
	} else if (!cfg.nseeds && !cfg.urls_file && !cfg.redis_url && !cfg.recrawl) {
		/* --recrawl alone takes the previous crawl's seeds */
		usage_die("no seed URLs: give URLs or --urls FILE");
	} else {
		char path[4096];
		snprintf(path, sizeof(path), "%s/settings", cfg.outdir);
		if (access(path, F_OK) == 0)
			usage_die("'%s' holds a crawl already: continue it with --resume %s, "
				  "or choose another -o", cfg.outdir, cfg.outdir);
	}
	if (cfg.redis_url) {
		/* a node joining a crawl runs with the crawl's settings */
		run = cluster_join(&cfg, &res);
		resume = run == &res;
	}
	config_compile(run);
	if (run->concurrency < run->shards)
		run->shards = run->concurrency;
	raise_nofile(run->concurrency, run->shards);
	run->argv_line = join_argv(argc, argv);
	log_init("shardcrawl", run->verbose ? LOG_DEBUG : LOG_WARN);

	rc = coord_run(run);

	if (resume)
		config_release(&res);
	config_release(&cfg);
	curl_global_cleanup();
	return rc;
}
