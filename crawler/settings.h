/*
 * settings.h - a crawl's settings, stored in its directory ("settings") so
 * that --resume continues it exactly as it was started.
 *
 * One "key<TAB>value" line per setting, repeated keys for lists (seed,
 * allow, deny, header, resolve, and accept and reject, one suffix a line);
 * tabs, newlines and backslashes in values are escaped; a file without a
 * list's key has the list empty.  The keys are the long option names.  Options that only
 * steer how a run goes (-j, -c, -q, -v, --drain-timeout) are not stored:
 * a resumed run may change them.
 */
#ifndef SC_SETTINGS_H
#define SC_SETTINGS_H

#include "crawler/config.h"

#include "common/buf.h"

/* The settings as text, the lines DIR/settings holds, appended to b. */
void settings_text(const struct crawl_config *cfg, struct buf *b);

/* Load settings from text (as settings_text() wrote it; what names it in
 * an error, e.g. "the crawl's settings in Redis").  As settings_load(). */
int settings_parse(struct crawl_config *cfg, const char *text, size_t len,
		   const char *what, char *err, size_t n);

/* Write DIR/settings (via a temporary file and rename).  0 or SC_EIO. */
int settings_save(const struct crawl_config *cfg, const char *dir);

/*
 * Load DIR/settings into cfg, whose other fields keep their values.
 * Returns 0, or SC_EIO / SC_EINVAL with a reason in err.
 */
int settings_load(struct crawl_config *cfg, const char *dir, char *err, size_t n);

/*
 * Compare the settings named in keys (NULL-terminated long option names,
 * as given on a --resume command line) between cli and stored.  Returns 0,
 * or -1 with one line in err for the first that differs, its values as a
 * command line would give them ("--depth 3 differs from the crawl's
 * --depth unlimited", "--max-size 1M ... --max-size 32M"; an option the
 * crawl did without: "--no-robots: the crawl was started without it").
 * Each side is cut at about 200 bytes; control bytes show as '?'.
 */
int settings_conflict(const struct crawl_config *cli, const struct crawl_config *stored,
		      const char *const *keys, char *err, size_t n);

/* Is key a stored setting (as opposed to a per-run option)? */
int settings_is_stored(const char *key);

#endif
