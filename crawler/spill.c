#include "crawler/spill.h"

#include "common/buf.h"
#include "common/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPILL_MAGIC 0x51534353u         /* "SCSQ" */
#define TAIL_MIN    256


static int is_segment_name(const char *name)
{
	size_t n = strlen(name);

	return n > 10 && strncmp(name, "spill-", 6) == 0 &&
	       strcmp(name + n - 4, ".lz4") == 0;
}

static void seg_path(const struct spill *sp, uint32_t id, char *out, size_t n)
{
	snprintf(out, n, "%s/spill-%06u.lz4", sp->dir, id);
}

/*
 * Scratch for a block of ulen plain bytes.  ulen comes from this process's
 * own tails and references, never from the disk; the buffers only grow past
 * their first size for a tail that outgrew block_max while writes failed.
 * Writing uses zbuf only, so a spillq_pop() callback may flush.
 */
static void zbuf_reserve(struct spill *sp, size_t ulen)
{
	size_t z = SPILL_HDR + (size_t)LZ4_compressBound((int)ulen);

	if (z > sp->zcap) {
		free(sp->zbuf);
		sp->zbuf = xmalloc(z);
		sp->zcap = z;
	}
}

static void ubuf_reserve(struct spill *sp, size_t ulen)
{
	if (ulen > sp->ucap) {
		free(sp->ubuf);
		sp->ubuf = xmalloc(ulen);
		sp->ucap = ulen;
	}
}

int spill_init(struct spill *sp, const char *dir, size_t block_max,
	       uint64_t seg_max)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	memset(sp, 0, sizeof(*sp));
	if (strlen(dir) > sizeof(path) - 32) {
		errno = ENAMETOOLONG;
		return SC_EIO;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return SC_EIO;
	if (!(d = opendir(dir)))
		return SC_EIO;
	while ((de = readdir(d))) {
		if (!is_segment_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) != 0 && errno != ENOENT) {
			int e = errno;
			closedir(d);
			errno = e;
			return SC_EIO;
		}
	}
	closedir(d);
	sp->dir = xstrdup(dir);
	sp->block_max = block_max < TAIL_MIN ? TAIL_MIN : block_max;
	sp->seg_max = seg_max;
	zbuf_reserve(sp, sp->block_max + SPILL_ENTRY_MAX);
	ubuf_reserve(sp, sp->block_max + SPILL_ENTRY_MAX);
	return 0;
}

static void seg_drop(struct spill *sp, uint32_t id)
{
	struct spill_seg *s = &sp->segs[id - sp->base];
	char path[4200];

	close(s->fd);
	s->fd = -1;
	seg_path(sp, id, path, sizeof(path));
	unlink(path);
	if (sp->cur_open && sp->cur == id)
		sp->cur_open = 0;
	/* forget the dead segments at the front */
	while (sp->nsegs && sp->segs[0].fd < 0) {
		memmove(sp->segs, sp->segs + 1, --sp->nsegs * sizeof(*sp->segs));
		sp->base++;
	}
}

void spill_release(struct spill *sp)
{
	char path[4200];
	size_t i;

	for (i = 0; i < sp->nsegs; i++) {
		if (sp->segs[i].fd < 0)
			continue;
		close(sp->segs[i].fd);
		seg_path(sp, sp->base + (uint32_t)i, path, sizeof(path));
		unlink(path);
	}
	free(sp->segs);
	free(sp->zbuf);
	free(sp->ubuf);
	free(sp->dir);
	memset(sp, 0, sizeof(*sp));
}

void spillq_init(struct spillq *q)
{
	memset(q, 0, sizeof(*q));
}

static void block_dead(struct spill *sp, const struct spill_block *b)
{
	struct spill_seg *s;

	SC_ASSERT(b->seg >= sp->base && b->seg - sp->base < sp->nsegs);
	s = &sp->segs[b->seg - sp->base];
	SC_ASSERT(s->live > 0);
	sp->disk -= SPILL_HDR + b->clen;
	if (--s->live == 0)
		seg_drop(sp, b->seg);
}

static void tail_free(struct spill *sp, struct spillq *q)
{
	sp->mem -= q->tcap;
	free(q->tail);
	q->tail = NULL;
	q->tlen = q->tcap = 0;
	q->tcount = 0;
	q->has_ref = q->has_key = 0;
}

void spillq_release(struct spill *sp, struct spillq *q)
{
	size_t i;

	for (i = 0; i < q->nblk; i++)
		block_dead(sp, &q->blk[(q->head + i) & (q->bcap - 1)]);
	sp->index -= q->bcap * sizeof(*q->blk);
	free(q->blk);
	tail_free(sp, q);
	memset(q, 0, sizeof(*q));
}

static void tail_reserve(struct spill *sp, struct spillq *q, size_t n)
{
	size_t want = q->tlen + n, cap;

	if (want <= q->tcap)
		return;
	/* double, but past block_max grow only to what is needed: a tail is
	 * written out once it reaches block_max */
	cap = q->tcap ? q->tcap * 2 : TAIL_MIN;
	if (cap > sp->block_max + TAIL_MIN)
		cap = sp->block_max + TAIL_MIN;
	if (cap < want)
		cap = want;
	q->tail = xrealloc(q->tail, cap);
	sp->mem += cap - q->tcap;
	q->tcap = cap;
}

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* A string field that may repeat the previous entry's: 0 none, 1 the
 * same, n+2 and n bytes (and a NUL if nul). */
static unsigned char *put_shared(struct spillq *q, unsigned char *p,
				 const char *s, size_t *off, size_t *len,
				 int *has, int nul)
{
	size_t n;

	if (!s)
		return put_varint(p, 0);
	n = strlen(s);
	if (*has && *len == n && memcmp(q->tail + *off, s, n) == 0)
		return put_varint(p, 1);
	p = put_varint(p, n + 2);
	*off = (size_t)(p - q->tail);
	*len = n;
	*has = 1;
	memcpy(p, s, n);
	p += n;
	if (nul)
		*p++ = '\0';
	return p;
}

void spillq_push(struct spill *sp, struct spillq *q, const char *url,
		 uint32_t depth, uint32_t redirects, const char *referrer,
		 const char *key)
{
	size_t ul = strlen(url), rl = referrer ? strlen(referrer) : 0;
	size_t kl = key ? strlen(key) : 0;
	unsigned char *p;

	SC_ASSERT(ul <= SC_URL_MAX && rl <= SC_URL_MAX && kl <= SPILL_KEY_MAX);
	tail_reserve(sp, q, 40 + ul + rl + kl);
	p = q->tail + q->tlen;
	p = put_varint(p, depth);
	p = put_varint(p, redirects);
	p = put_varint(p, ul);
	memcpy(p, url, ul);
	p += ul;
	p = put_shared(q, p, referrer, &q->ref_off, &q->ref_len, &q->has_ref, 0);
	p = put_shared(q, p, key, &q->key_off, &q->key_len, &q->has_key, 1);
	q->tlen = (size_t)(p - q->tail);
	q->tcount++;
	q->count++;
}

int spillq_full(const struct spill *sp, const struct spillq *q)
{
	return q->tlen >= sp->block_max;
}

static int seg_open_new(struct spill *sp)
{
	char path[4200];
	uint32_t id = sp->base + (uint32_t)sp->nsegs;
	int fd;

	seg_path(sp, id, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SC_EIO;
	sp->segs = xrealloc(sp->segs, (sp->nsegs + 1) * sizeof(*sp->segs));
	sp->segs[sp->nsegs].fd = fd;
	sp->segs[sp->nsegs].live = 0;
	sp->nsegs++;
	sp->cur = id;
	sp->cur_open = 1;
	sp->cur_size = 0;
	return 0;
}

static void blk_append(struct spill *sp, struct spillq *q,
		       const struct spill_block *b)
{
	if (q->nblk == q->bcap) {
		size_t n = q->bcap ? q->bcap * 2 : 4, i;
		struct spill_block *nb = xmalloc(n * sizeof(*nb));

		for (i = 0; i < q->nblk; i++)
			nb[i] = q->blk[(q->head + i) & (q->bcap - 1)];
		free(q->blk);
		sp->index += (n - q->bcap) * sizeof(*nb);
		q->blk = nb;
		q->bcap = n;
		q->head = 0;
	}
	q->blk[(q->head + q->nblk++) & (q->bcap - 1)] = *b;
}

int spillq_flush(struct spill *sp, struct spillq *q)
{
	struct spill_block b;
	ssize_t w;
	int clen;

	if (!q->tcount)
		return 0;
	zbuf_reserve(sp, q->tlen);
	clen = LZ4_compress_default((const char *)q->tail,
				    (char *)sp->zbuf + SPILL_HDR, (int)q->tlen,
				    (int)(sp->zcap - SPILL_HDR));
	SC_ASSERT(clen > 0);
	buf_set_le32(sp->zbuf, SPILL_MAGIC);
	buf_set_le32(sp->zbuf + 4, (uint32_t)q->tlen);
	buf_set_le32(sp->zbuf + 8, (uint32_t)clen);
	buf_set_le32(sp->zbuf + 12, q->tcount);
	buf_set_le32(sp->zbuf + 16, libdeflate_crc32(0, q->tail, q->tlen));
	if (sp->cur_open && sp->cur_size &&
	    sp->cur_size + SPILL_HDR + (uint64_t)clen > sp->seg_max)
		sp->cur_open = 0;       /* full: it lives on while blocks in it do */
	if (!sp->cur_open && seg_open_new(sp))
		return SC_EIO;
	w = pwrite(sp->segs[sp->cur - sp->base].fd, sp->zbuf,
		   SPILL_HDR + (size_t)clen, (off_t)sp->cur_size);
	if (w != (ssize_t)(SPILL_HDR + (size_t)clen)) {
		if (w >= 0)
			errno = ENOSPC;
		/* a new, empty segment must not linger */
		if (!sp->segs[sp->cur - sp->base].live) {
			int e = errno;
			seg_drop(sp, sp->cur);
			errno = e;
		}
		return SC_EIO;
	}
	b.seg = sp->cur;
	b.off = sp->cur_size;
	b.clen = (uint32_t)clen;
	b.ulen = (uint32_t)q->tlen;
	b.count = q->tcount;
	sp->cur_size += SPILL_HDR + (uint64_t)clen;
	sp->segs[sp->cur - sp->base].live++;
	sp->disk += SPILL_HDR + (uint64_t)clen;
	sp->written += q->tcount;
	blk_append(sp, q, &b);
	tail_free(sp, q);
	return 0;
}

/* A reader over one plain block; every get fails past the end. */
struct rd {
	const unsigned char *p, *end;
};

static int get_varint(struct rd *r, uint64_t max, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (r->p < r->end && shift < 64) {
		unsigned char c = *r->p++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return *v <= max ? 0 : -1;
		shift += 7;
	}
	return -1;
}

/* A string field of at most max bytes; *s points into the block (not
 * NUL-terminated unless nul, then checked).  *n = SIZE_MAX for none. */
static int get_shared(struct rd *r, size_t max, int nul, const unsigned char **s,
		      size_t *n, const unsigned char **prev, size_t *prev_n)
{
	uint64_t v;

	if (get_varint(r, (uint64_t)max + 2, &v))
		return -1;
	if (v == 0) {
		*s = NULL;
		*n = SIZE_MAX;
		return 0;
	}
	if (v == 1) {
		if (!*prev)
			return -1;
		*s = *prev;
		*n = *prev_n;
		return 0;
	}
	v -= 2;
	if ((size_t)(r->end - r->p) < v + (nul ? 1 : 0) || memchr(r->p, 0, v))
		return -1;
	*s = *prev = r->p;
	*n = *prev_n = v;
	r->p += v;
	if (nul && *r->p++ != '\0')
		return -1;
	return 0;
}

struct dec {
	uint64_t depth, redirects;
	const unsigned char *url, *ref, *key;
	size_t url_n, ref_n, key_n;
};

static int get_entry(struct rd *r, struct dec *d, const unsigned char **pref,
		     size_t *pref_n, const unsigned char **pkey, size_t *pkey_n)
{
	uint64_t n;

	if (get_varint(r, UINT32_MAX, &d->depth) ||
	    get_varint(r, UINT32_MAX, &d->redirects) ||
	    get_varint(r, SC_URL_MAX, &n) || (size_t)(r->end - r->p) < n ||
	    memchr(r->p, 0, n))
		return -1;
	d->url = r->p;
	d->url_n = n;
	r->p += n;
	if (get_shared(r, SC_URL_MAX, 0, &d->ref, &d->ref_n, pref, pref_n) ||
	    get_shared(r, SPILL_KEY_MAX, 1, &d->key, &d->key_n, pkey, pkey_n))
		return -1;
	return 0;
}

/* Check that buf holds exactly count well-formed entries. */
static int check_entries(const unsigned char *buf, size_t len, uint32_t count)
{
	struct rd r = { buf, buf + len };
	const unsigned char *pref = NULL, *pkey = NULL;
	size_t pref_n = 0, pkey_n = 0;
	struct dec d;
	uint32_t i;

	for (i = 0; i < count; i++)
		if (get_entry(&r, &d, &pref, &pref_n, &pkey, &pkey_n))
			return -1;
	return r.p == r.end ? 0 : -1;
}

/* Hand out the entries of a checked block. */
static void emit_entries(const unsigned char *buf, size_t len, uint32_t count,
			 void (*fn)(void *, struct fentry *, const char *),
			 void *arg)
{
	struct rd r = { buf, buf + len };
	const unsigned char *pref = NULL, *pkey = NULL, *last_ref = NULL;
	size_t pref_n = 0, pkey_n = 0;
	struct rstr *ref = NULL;
	char s[SC_URL_MAX + 1];
	struct dec d;
	uint32_t i;

	for (i = 0; i < count; i++) {
		get_entry(&r, &d, &pref, &pref_n, &pkey, &pkey_n);
		if (d.ref && d.ref != last_ref) {
			/* one struct rstr for a run of entries that share it */
			memcpy(s, d.ref, d.ref_n);
			s[d.ref_n] = '\0';
			rstr_put(ref);
			ref = rstr_new(s);
			last_ref = d.ref;
		}
		memcpy(s, d.url, d.url_n);
		s[d.url_n] = '\0';
		fn(arg, fentry_new(s, (uint32_t)d.depth, (uint32_t)d.redirects,
				   d.ref ? ref : NULL), (const char *)d.key);
	}
	rstr_put(ref);
}

static int block_read(struct spill *sp, const struct spill_block *b)
{
	const struct spill_seg *s = &sp->segs[b->seg - sp->base];
	size_t n = SPILL_HDR + b->clen;
	unsigned char *h;
	ssize_t got;

	ubuf_reserve(sp, b->ulen);
	zbuf_reserve(sp, b->ulen);
	SC_ASSERT(n <= sp->zcap);
	got = pread(s->fd, sp->zbuf, n, (off_t)b->off);
	if (got != (ssize_t)n) {
		if (got >= 0)
			errno = EIO;
		return SC_EIO;
	}
	h = sp->zbuf;
	errno = EIO;
	if (buf_get_le32(h) != SPILL_MAGIC || buf_get_le32(h + 4) != b->ulen ||
	    buf_get_le32(h + 8) != b->clen || buf_get_le32(h + 12) != b->count)
		return SC_EIO;
	if (LZ4_decompress_safe((const char *)h + SPILL_HDR, (char *)sp->ubuf,
				(int)b->clen, (int)b->ulen) != (int)b->ulen)
		return SC_EIO;
	if (libdeflate_crc32(0, sp->ubuf, b->ulen) != buf_get_le32(h + 16) ||
	    check_entries(sp->ubuf, b->ulen, b->count))
		return SC_EIO;
	return 0;
}

int spillq_pop(struct spill *sp, struct spillq *q,
	       void (*fn)(void *arg, struct fentry *e, const char *key),
	       void *arg)
{
	struct spill_block b;
	unsigned char *t;
	size_t tlen, tcap;
	uint32_t tcount;

	if (q->nblk) {
		b = q->blk[q->head];
		if (block_read(sp, &b))
			return SC_EIO;
		q->head = (q->head + 1) & (q->bcap - 1);
		q->nblk--;
		q->count -= b.count;
		if (!q->nblk) {
			sp->index -= q->bcap * sizeof(*q->blk);
			free(q->blk);
			q->blk = NULL;
			q->bcap = q->head = 0;
		}
		block_dead(sp, &b);
		emit_entries(sp->ubuf, b.ulen, b.count, fn, arg);
		return 0;
	}
	if (!q->tcount)
		return 0;
	/* detach the tail first: fn may push to other queues */
	t = q->tail;
	tlen = q->tlen;
	tcap = q->tcap;
	tcount = q->tcount;
	q->tail = NULL;
	q->tlen = q->tcap = 0;
	q->tcount = 0;
	q->has_ref = q->has_key = 0;
	q->count -= tcount;
	SC_ASSERT(check_entries(t, tlen, tcount) == 0);
	emit_entries(t, tlen, tcount, fn, arg);
	free(t);
	sp->mem -= tcap;
	return 0;
}
