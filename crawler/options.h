/*
 * options.h - the command line's options: their table, their parsing into
 * a crawl_config, and the checks on each value.
 *
 * options_parse() reads every option of argv into cfg (seed URLs are left
 * at argv[optind...]); a bad option or value exits 2 with one line that
 * begins "shardcrawl:" (usage_die).  The opt_* helpers parse one value the
 * same way, for options.c and for main.c.
 */
#ifndef SC_OPTIONS_H
#define SC_OPTIONS_H

#include "crawler/config.h"

#include <stdint.h>

/* The --help text (crawler/usage.c). */
extern const char options_usage[];

/* What options_parse() found besides the settings. */
enum options_action { OPTIONS_CRAWL, OPTIONS_RESUME, OPTIONS_EXIT, OPTIONS_CDXJ };

/*
 * Parse argv into cfg (which config_defaults() has filled).  OPTIONS_EXIT:
 * --help or --version printed their text, exit 0.  OPTIONS_RESUME: --resume
 * DIR set cfg->outdir.  OPTIONS_CDXJ: --cdxj DIR set cfg->cdxj_dir.  optind is left at the first seed URL.
 */
enum options_action options_parse(int argc, char **argv, struct crawl_config *cfg);

/*
 * The long names of the stored settings (crawler/settings.c) given on this
 * command line, NULL-terminated: what --resume checks for conflicts.
 */
const char **options_given(void);

/* Print "shardcrawl: <reason> (see --help)" and exit 2. */
void usage_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* One value each; opt names the option in the error. */
long opt_long(const char *opt, const char *s, long min, long max);
double opt_rate(const char *opt, const char *s);
uint64_t opt_size(const char *opt, const char *s, uint64_t min);
void opt_suffixes(const char *opt, const char *arg, char ***list, int *n);
void opt_types(const char *opt, const char *arg, char ***list, int *n);
void opt_check_header(const char *h);
void opt_check_resolve(const char *r);
void opt_push(char ***list, int *n, char *item);
void opt_set_str(char **field, const char *v);

#endif
