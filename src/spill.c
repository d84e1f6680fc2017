/*
 * spill.c - append-only record logs that move to temporary files once the
 * memory they hold passes a budget (include/la_spill.h).
 *
 * Data structure. A store keeps the budget, the folder, a doubly linked
 * list of its logs and `held`, the bytes its logs hold in memory now. A log
 * is in one of two states:
 *   in memory: mem[0..size) holds every byte; cap bytes are allocated and
 *              counted in held;
 *   on disk:   file[0..flushed) and wbuf[0..wlen) hold the bytes, with
 *              flushed + wlen == size; the LA_SPILL_WBUF bytes of wbuf are
 *              counted in held. The file was unlinked when it was created.
 * A log never goes back to memory. Offsets are the same in both states.
 *
 * Policy. Before an in-memory log grows its buffer (by doubling), the
 * store checks that held stays within the budget; if not, it moves the
 * largest logs still in memory to disk, largest first, until it does or
 * none is left. So the budget bounds the log data in memory, apart from
 * one write buffer per log on disk; the largest consumer goes first
 * because it frees the most with one file. A log marked with
 * la_spill_prefer_memory (read in random order, one pread per record,
 * where a sequential pass reads a megabyte per call) goes only when no
 * other log is left in memory. Which logs spill never
 * changes what is read back: results are the same with any budget
 * (tests/cases/rel-spill-identical.case).
 *
 * Invariants: held == sum over logs of (in memory ? cap : LA_SPILL_WBUF);
 * after the first error every append fails and nothing more is written.
 * Writes use pwrite at explicit offsets, so overwriting and appending do
 * not share a file position; reads use pread, so after la_spill_seal any
 * number of threads may read one log at once (the error is set under the
 * store's mutex).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "la_spill.h"

struct la_spill_store {
    char *dir;
    size_t budget, held;
    uint64_t disk;              /* bytes written to files */
    la_spill *logs;             /* list head */
    pthread_mutex_t mu;         /* guards err and failed */
    int failed;
    char err[512];
};

struct la_spill {
    la_spill_store *st;         /* NULL: memory only */
    la_spill *prev, *next;      /* in st->logs */
    uint64_t size;
    char *mem; size_t cap;      /* in memory */
    int fd;                     /* -1 while in memory */
    uint64_t flushed;           /* bytes in the file */
    char *wbuf; size_t wlen;
    int random;                 /* la_spill_prefer_memory */
};

static void fail(la_spill_store *st, const char *what, int e)
{
    if (!st) return;
    pthread_mutex_lock(&st->mu);
    if (!st->failed) {
        st->failed = 1;
        snprintf(st->err, sizeof st->err, "%s: cannot %s a temporary file: %s", st->dir, what,
                 strerror(e ? e : EIO));
    }
    pthread_mutex_unlock(&st->mu);
}

static int failed(la_spill_store *st)
{
    if (!st) return 0;
    pthread_mutex_lock(&st->mu);
    int f = st->failed;
    pthread_mutex_unlock(&st->mu);
    return f;
}

la_spill_store *la_spill_store_new(const char *tmpdir, size_t budget, char *err,
                                   size_t errlen)
{
    const char *dir = tmpdir;
    if (!dir || !*dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK | X_OK) != 0) {
        int e = errno ? errno : ENOTDIR;
        if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) e = ENOTDIR;
        snprintf(err, errlen, "%s: cannot hold temporary files (--tmpdir): %s", dir,
                 strerror(e));
        return NULL;
    }
    la_spill_store *st = la_xcalloc(1, sizeof *st);
    st->dir = la_xstrdup(dir);
    st->budget = budget ? budget : LA_SPILL_DEFAULT_BUDGET;
    pthread_mutex_init(&st->mu, NULL);
    return st;
}

const char *la_spill_store_error(const la_spill_store *st)
{
    if (!st) return NULL;
    la_spill_store *m = (la_spill_store *)st;
    pthread_mutex_lock(&m->mu);
    const char *e = m->failed ? m->err : NULL;
    pthread_mutex_unlock(&m->mu);
    return e;
}

uint64_t la_spill_store_disk_bytes(const la_spill_store *st)
{
    return st ? st->disk : 0;
}

void la_spill_store_free(la_spill_store *st)
{
    if (!st) return;
    pthread_mutex_destroy(&st->mu);
    free(st->dir);
    free(st);
}

/* ---- files ------------------------------------------------------------------- */

/* Writes n bytes at off of s's file. */
static int put(la_spill *s, uint64_t off, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = pwrite(s->fd, c, n, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fail(s->st, "write", w < 0 ? errno : ENOSPC);
            return LA_EIO;
        }
        c += w; n -= (size_t)w; off += (uint64_t)w;
        if (s->st) s->st->disk += (uint64_t)w;
    }
    return LA_OK;
}

static int get(la_spill *s, uint64_t off, void *dst, size_t n)
{
    char *c = dst;
    while (n) {
        ssize_t r = pread(s->fd, c, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            fail(s->st, "read", r < 0 ? errno : EIO);
            memset(c, 0, n);
            return LA_EIO;
        }
        c += r; n -= (size_t)r; off += (uint64_t)r;
    }
    return LA_OK;
}

/* Moves an in-memory log to a new temporary file. */
static int to_disk(la_spill *s)
{
    la_spill_store *st = s->st;
    size_t len = strlen(st->dir) + sizeof "/labelaudit-spill-XXXXXX";
    char *path = la_xmalloc(len);
    snprintf(path, len, "%s/labelaudit-spill-XXXXXX", st->dir);
    int fd = mkstemp(path);
    int e = errno;
    if (fd >= 0) unlink(path);   /* from here on only the descriptor holds it */
    free(path);
    if (fd < 0) {
        fail(st, "create", e);
        return LA_EIO;
    }
    s->fd = fd;
    int rc = put(s, 0, s->mem, (size_t)s->size);
    free(s->mem);
    s->mem = NULL;
    st->held -= s->cap;
    s->cap = 0;
    s->flushed = s->size;
    s->wbuf = la_xmalloc(LA_SPILL_WBUF);
    s->wlen = 0;
    st->held += LA_SPILL_WBUF;
    return rc;
}

/* Spills the largest in-memory logs until the extra bytes log s asks for
 * fit in the budget (nothing more once s itself went to disk), or no log
 * is left in memory. */
static void make_room(la_spill_store *st, la_spill *s, size_t extra)
{
    while (st->held + (s->fd < 0 ? extra : 0) > st->budget && !st->failed) {
        la_spill *big = NULL;
        for (la_spill *l = st->logs; l; l = l->next)
            if (l->fd < 0 && l->cap &&
                (!big || l->random < big->random || (l->random == big->random && l->cap > big->cap)))
                big = l;
        if (!big) return;
        to_disk(big);
    }
}

static int flush(la_spill *s)
{
    if (s->fd < 0 || !s->wlen) return LA_OK;
    int rc = put(s, s->flushed, s->wbuf, s->wlen);
    s->flushed += s->wlen;
    s->wlen = 0;
    return rc;
}

/* ---- logs -------------------------------------------------------------------- */

la_spill *la_spill_new(la_spill_store *st)
{
    la_spill *s = la_xcalloc(1, sizeof *s);
    s->st = st;
    s->fd = -1;
    if (st) {
        s->next = st->logs;
        if (st->logs) st->logs->prev = s;
        st->logs = s;
    }
    return s;
}

int la_spill_append(la_spill *s, const void *p, size_t n, uint64_t *off)
{
    if (off) *off = s->size;
    if (failed(s->st)) return LA_EIO;
    if (s->fd < 0 && s->size + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->size + n) cap *= 2;
        if (s->st) make_room(s->st, s, cap - s->cap);
        if (s->fd < 0) {
            s->mem = la_xrealloc(s->mem, cap);
            if (s->st) s->st->held += cap - s->cap;
            s->cap = cap;
        }
    }
    if (s->fd < 0) {
        memcpy(s->mem + s->size, p, n);
        s->size += n;
        return LA_OK;
    }
    int rc = LA_OK;
    if (s->wlen + n > LA_SPILL_WBUF) rc = flush(s);
    if (n > LA_SPILL_WBUF) {
        if (rc == LA_OK) rc = put(s, s->flushed, p, n);
        s->flushed += n;
    } else {
        memcpy(s->wbuf + s->wlen, p, n);
        s->wlen += n;
    }
    s->size += n;
    return rc;
}

void la_spill_prefer_memory(la_spill *s) { s->random = 1; }

uint64_t la_spill_size(const la_spill *s) { return s->size; }

int la_spill_on_disk(const la_spill *s) { return s->fd >= 0; }

int la_spill_seal(la_spill *s) { return flush(s); }

const void *la_spill_memory(const la_spill *s)
{
    return s->fd < 0 ? s->mem : NULL;
}

int la_spill_read(la_spill *s, uint64_t off, void *dst, size_t n)
{
    if (off > s->size || n > s->size - off) {
        memset(dst, 0, n);
        fail(s->st, "read", EINVAL);
        return LA_EIO;
    }
    if (s->fd < 0) {
        if (n) memcpy(dst, s->mem + off, n);
        return LA_OK;
    }
    if (off + n > s->flushed && flush(s) != LA_OK) {
        memset(dst, 0, n);
        return LA_EIO;
    }
    return get(s, off, dst, n);
}

int la_spill_write_at(la_spill *s, uint64_t off, const void *p, size_t n)
{
    if (off > s->size || n > s->size - off) {
        fail(s->st, "write", EINVAL);
        return LA_EIO;
    }
    if (s->fd < 0) {
        if (n) memcpy(s->mem + off, p, n);
        return LA_OK;
    }
    if (off + n > s->flushed && flush(s) != LA_OK) return LA_EIO;
    return put(s, off, p, n);
}

void la_spill_free(la_spill *s)
{
    if (!s) return;
    la_spill_store *st = s->st;
    if (st) {
        if (s->prev) s->prev->next = s->next;
        else st->logs = s->next;
        if (s->next) s->next->prev = s->prev;
        st->held -= s->fd < 0 ? s->cap : LA_SPILL_WBUF;
    }
    if (s->fd >= 0) close(s->fd);
    free(s->mem);
    free(s->wbuf);
    free(s);
}

/* ---- sequential passes ------------------------------------------------------- */

void la_spill_cursor_init(la_spill_cursor *c, la_spill *s, uint64_t pos)
{
    c->s = s;
    c->pos = pos;
    c->win_off = 0;
    la_buf_init(&c->win);
}

const void *la_spill_cursor_next(la_spill_cursor *c, size_t n)
{
    la_spill *s = c->s;
    if (c->pos > s->size || n > s->size - c->pos) return NULL;
    uint64_t at = c->pos;
    c->pos += n;
    if (at >= c->win_off && at + n <= c->win_off + c->win.len)
        return c->win.p + (at - c->win_off);
    size_t want = n > LA_SPILL_WBUF ? n : LA_SPILL_WBUF;
    if (want > s->size - at) want = (size_t)(s->size - at);
    la_buf_reset(&c->win);
    la_buf_reserve(&c->win, want);
    c->win_off = at;
    if (la_spill_read(s, at, c->win.p, want) != LA_OK) {
        c->win.len = 0;
        return NULL;
    }
    c->win.len = want;
    return c->win.p;
}

void la_spill_cursor_free(la_spill_cursor *c)
{
    la_buf_free(&c->win);
}
