/*
 * log.h - leveled logging to stderr.
 *
 * Each process names itself once with log_init() ("coord", "shard 3"); every
 * line it prints then starts with that name.  The level is tested before the
 * arguments are evaluated, so a disabled debug line costs one comparison.
 * Messages are lowercase and quote their subject:
 *     log_error("cannot open '%s': %s", path, strerror(errno));
 *
 * The level and prefix are the one process-wide state outside the per-process
 * state struct: every function of every module may need to log.
 */
#ifndef SC_LOG_H
#define SC_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern int log_level;

void log_init(const char *prefix, int level);
void log_write(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) do { if (log_level >= LOG_ERROR) log_write(LOG_ERROR, __VA_ARGS__); } while (0)
#define log_warn(...)  do { if (log_level >= LOG_WARN)  log_write(LOG_WARN,  __VA_ARGS__); } while (0)
#define log_info(...)  do { if (log_level >= LOG_INFO)  log_write(LOG_INFO,  __VA_ARGS__); } while (0)
#define log_debug(...) do { if (log_level >= LOG_DEBUG) log_write(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
