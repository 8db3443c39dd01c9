#include "crawler/output.h"

#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Buffered lines are written once this much has gathered. */
#define OUT_BUF_FLUSH (256u << 10)

static int fail(struct output *o, const char *name)
{
	int e = errno;

	if (!o->err_path[0]) {
		snprintf(o->err_path, sizeof(o->err_path), "%s/%s", o->dir, name);
		o->err_errno = e;
	}
	errno = e;
	return SC_EIO;
}

static int open_in_dir(struct output *o, const char *name, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	return open(path, flags | O_CLOEXEC, 0666);
}

/* write(2) all of it; 0 or -1 with errno set. */
static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t k = write(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			errno = ENOSPC;
			return -1;
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int warc_close(struct output *o)
{
	int rc = 0;

	if (o->warc_fd >= 0 && close(o->warc_fd) != 0)
		rc = fail(o, o->warc_name);
	o->warc_fd = -1;
	return rc;
}

static void warc_name(struct output *o)
{
	if (o->node[0])
		snprintf(o->warc_name, sizeof(o->warc_name), "crawl-%s-%05u.warc.gz",
			 o->node, o->warc_seq);
	else
		snprintf(o->warc_name, sizeof(o->warc_name), "crawl-%05u.warc.gz", o->warc_seq);
}

/* Start WARC file number warc_seq: create it with its warcinfo record. */
static int warc_start(struct output *o)
{
	if (warc_close(o))
		return SC_EIO;
	warc_name(o);
	o->warc_fd = open_in_dir(o, o->warc_name, O_WRONLY | O_CREAT | O_TRUNC);
	if (o->warc_fd < 0)
		return fail(o, o->warc_name);
	buf_reset(&o->tmp);
	if (warc_info_record(&o->w, &o->tmp, o->warc_name, o->info_fields))
		return SC_ETOOBIG;
	if (write_all(o->warc_fd, o->tmp.data, o->tmp.len))
		return fail(o, o->warc_name);
	o->warc_off = o->info_len = o->tmp.len;
	return 0;
}

/* Open an existing file for appending after cutting it to len. */
static int reopen(struct output *o, const char *name, uint64_t len)
{
	int fd = open_in_dir(o, name, O_WRONLY | O_CREAT);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)len) != 0 || lseek(fd, (off_t)len, SEEK_SET) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int output_open(struct output *o, const char *dir, uint64_t warc_max,
		const char *fields, const struct output_resume *res, unsigned flags)
{
	char node[sizeof(o->node)];

	memcpy(node, o->node, sizeof(node));
	memset(o, 0, sizeof(*o));
	memcpy(o->node, node, sizeof(node));
	o->warc_fd = o->pages_fd = o->journal_fd = o->items_fd = -1;
	o->flags = flags;
	o->dir = xstrdup(dir);
	o->warc_max = warc_max;
	o->info_fields = xstrdup(fields);
	warc_writer_init(&o->w, 6);
	buf_init(&o->tmp, 1u << 20);
	buf_init(&o->pages, (size_t)64 << 20);
	buf_init(&o->journal, (size_t)64 << 20);
	buf_init(&o->items, (size_t)64 << 20);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return fail(o, ".");
	if (!res) {
		o->pages_fd = open_in_dir(o, "pages.jsonl", O_WRONLY | O_CREAT | O_TRUNC);
		if (o->pages_fd < 0)
			return fail(o, "pages.jsonl");
		o->journal_fd = open_in_dir(o, "journal", O_WRONLY | O_CREAT | O_TRUNC);
		if (o->journal_fd < 0)
			return fail(o, "journal");
		if (flags & OUTPUT_ITEMS) {
			o->items_fd = open_in_dir(o, "items.jsonl", O_WRONLY | O_CREAT | O_TRUNC);
			if (o->items_fd < 0)
				return fail(o, "items.jsonl");
		}
		return flags & OUTPUT_NO_WARC ? 0 : warc_start(o);
	}
	o->pages_fd = reopen(o, "pages.jsonl", res->pages_len);
	if (o->pages_fd < 0)
		return fail(o, "pages.jsonl");
	o->journal_fd = reopen(o, "journal", res->journal_len);
	if (o->journal_fd < 0)
		return fail(o, "journal");
	if (flags & OUTPUT_ITEMS) {
		o->items_fd = reopen(o, "items.jsonl", res->items_len);
		if (o->items_fd < 0)
			return fail(o, "items.jsonl");
		o->items_off = res->items_len;
	}
	if (flags & OUTPUT_NO_WARC)
		return 0;
	o->warc_seq = res->warc_seq;
	warc_name(o);
	if (res->warc_off == 0)
		return warc_start(o);   /* the file was lost or empty: begin it again */
	o->warc_fd = reopen(o, o->warc_name, res->warc_off);
	if (o->warc_fd < 0)
		return fail(o, o->warc_name);
	o->warc_off = res->warc_off;
	o->info_len = res->info_len;
	return 0;
}

int output_records(struct output *o, const void *p, size_t len,
		   const char **name, uint64_t *offset)
{
	/* rotate unless the file holds nothing but its warcinfo yet */
	if (o->warc_off + len > o->warc_max && o->warc_off > o->info_len) {
		o->warc_seq++;
		if (warc_start(o))
			return SC_EIO;
	}
	if (len && write_all(o->warc_fd, p, len)) {
		/* a short write leaves a cut record: the resume removes it */
		return fail(o, o->warc_name);
	}
	*name = o->warc_name;
	*offset = o->warc_off;
	o->warc_off += len;
	return 0;
}

static int flush_buf(struct output *o, int fd, struct buf *b, const char *name)
{
	if (!b->len)
		return 0;
	if (write_all(fd, b->data, b->len))
		return fail(o, name);
	buf_reset(b);
	return 0;
}

int output_flush(struct output *o)
{
	if (o->journal_fd >= 0 && flush_buf(o, o->journal_fd, &o->journal, "journal"))
		return SC_EIO;
	if (o->items_fd >= 0 && flush_buf(o, o->items_fd, &o->items, "items.jsonl"))
		return SC_EIO;
	if (o->pages_fd >= 0 && flush_buf(o, o->pages_fd, &o->pages, "pages.jsonl"))
		return SC_EIO;
	return 0;
}

int output_page(struct output *o, const char *line, size_t len)
{
	if (buf_append(&o->pages, line, len))
		return SC_EIO;
	if (o->pages.len >= OUT_BUF_FLUSH)
		return output_flush(o);
	return 0;
}

int output_items(struct output *o, const char *lines, size_t len)
{
	if (o->items_fd < 0 || buf_append(&o->items, lines, len))
		return SC_EIO;
	o->items_off += len;
	/* items may run ahead of pages lines, never behind; the journal goes
	 * first (its lines come before any page's in the flush order too) */
	if (o->items.len >= OUT_BUF_FLUSH &&
	    (flush_buf(o, o->journal_fd, &o->journal, "journal") ||
	     flush_buf(o, o->items_fd, &o->items, "items.jsonl")))
		return SC_EIO;
	return 0;
}

int output_journal(struct output *o, const char *line, size_t len)
{
	if (buf_append(&o->journal, line, len))
		return SC_EIO;
	/* journal lines may run ahead of pages lines, never behind */
	if (o->journal.len >= OUT_BUF_FLUSH)
		return flush_buf(o, o->journal_fd, &o->journal, "journal");
	return 0;
}

int output_close(struct output *o)
{
	int rc = 0;

	if (!o->dir)
		return 0;
	if (output_flush(o))
		rc = SC_EIO;
	if (warc_close(o))
		rc = SC_EIO;
	if (o->pages_fd >= 0 && close(o->pages_fd) != 0 && !rc)
		rc = fail(o, "pages.jsonl");
	if (o->journal_fd >= 0 && close(o->journal_fd) != 0 && !rc)
		rc = fail(o, "journal");
	if (o->items_fd >= 0 && close(o->items_fd) != 0 && !rc)
		rc = fail(o, "items.jsonl");
	o->pages_fd = o->journal_fd = o->items_fd = -1;
	warc_writer_release(&o->w);
	buf_release(&o->tmp);
	buf_release(&o->pages);
	buf_release(&o->journal);
	buf_release(&o->items);
	free(o->info_fields);
	free(o->dir);
	o->info_fields = NULL;
	o->dir = NULL;
	return rc;
}

/* mkdir -p: each missing directory on the way is made. */
static int make_dirs(const char *path)
{
	char tmp[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
			return -1;
		tmp[i] = path[i];
	}
	return 0;
}

int output_lock(const char *dir, int *fd)
{
	char path[4096];

	*fd = -1;
	if (make_dirs(dir) < 0) {
		log_error("cannot create '%s': %s", dir, strerror(errno));
		return SC_EIO;
	}
	snprintf(path, sizeof(path), "%s/lock", dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*fd < 0) {
		log_error("cannot open '%s': %s", path, strerror(errno));
		return SC_EIO;
	}
	return flock(*fd, LOCK_EX | LOCK_NB) == 0 ? 0 : SC_EAGAIN;
}

char *output_warcinfo_fields(const char *user_agent, int robots, const char *dir,
			     const char *argv_line)
{
	struct buf b;
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	buf_init(&b, 1u << 20);
	buf_printf(&b, "software: shardcrawl/0.1\r\n"
		   "format: WARC File Format 1.1\r\n"
		   "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
		   "hostname: %s\r\n"
		   "http-header-user-agent: %s\r\n"
		   "robots: %s\r\n"
		   "isPartOf: %s\r\n",
		   host, user_agent, robots ? "obey" : "ignore", dir);
	if (argv_line)
		buf_printf(&b, "description: %s\r\n", argv_line);
	return buf_detach(&b, NULL);
}

char *output_warcinfo_node(const char *fields, const char *crawl, const char *node)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	buf_printf(&b, "%sshardcrawl-crawl: %s\r\nshardcrawl-node: %s\r\n", fields,
		   crawl, node);
	return buf_detach(&b, NULL);
}
