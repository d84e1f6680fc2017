/*
 * output.c - the one home for how labelaudit opens and finishes an output
 * file (the queue with -o, --summary, --rejects, --report,
 * --annotator-report), so no output path can destroy data.
 *
 * Every path is classified once, at open, before any input is read:
 *   "-"                         stdout, written in place, never closed;
 *   /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
 *                               that descriptor, duplicated, written in
 *                               place (a shell's ">(jq .)" is one);
 *   a FIFO, character device or socket (after symlinks)
 *                               opened and written in place (/dev/null);
 *   a directory or block device an error;
 *   anything else               a regular file, new or existing: symlinks
 *                               are followed to the final target, and a
 *                               temporary file created exclusively
 *                               (mkstemp, so a planted name is never
 *                               followed) beside that target receives the
 *                               bytes; la_output_commit renames it over the
 *                               target, so the target is either as it was or
 *                               complete, and a symlink stays a symlink.
 * A la_output that is freed without a commit removes its temporary file
 * and leaves the target untouched. la_outputs_check compares a run's
 * outputs with each other and with its inputs by device and inode (and by
 * canonical name for files not yet created), so "--rejects data.jsonl
 * data.jsonl" or "labelaudit f >> f" is refused before reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "la_common.h"

/* Symlinks followed before giving up, as the kernel's own limit (ELOOP). */
#define MAX_LINKS 40

struct la_output {
    char *path;       /* as given, for messages */
    char *target;     /* the file a commit replaces; NULL when in place */
    char *tmp;        /* the temporary file beside target; NULL when in place */
    FILE *f;
    int is_stdout;    /* "-": flushed, never closed */
};

static void set_err(char *err, size_t errlen, const char *path, int e)
{
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    la_sanitize_controls(err);   /* a file name reaches a terminal */
}

/* The descriptor a /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N
 * path names, or -1 when path is not one of them. */
static int fd_path(const char *path)
{
    static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };
    if (strcmp(path, "/dev/stdout") == 0) return 1;
    if (strcmp(path, "/dev/stderr") == 0) return 2;
    for (size_t i = 0; i < LA_ARRAY_LEN(prefixes); i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(path, prefixes[i], n) != 0 || !path[n]) continue;
        char *end;
        errno = 0;
        long fd = strtol(path + n, &end, 10);
        if (!*end && !errno && fd >= 0 && fd <= INT_MAX) return (int)fd;
    }
    return -1;
}

/* path with every symlink in its last component followed (a dangling
 * link gives the name it points to). Returns a malloc'd path, or NULL
 * with errno set (ELOOP). */
static char *resolve_links(const char *path)
{
    char *cur = la_xstrdup(path);
    for (int hops = 0; hops <= MAX_LINKS; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur;
        size_t cap = (size_t)st.st_size + 1 > 256 ? (size_t)st.st_size + 1 : 256;
        char *link = la_xmalloc(cap);
        ssize_t n = readlink(cur, link, cap - 1);
        if (n < 0) { free(link); return cur; }
        link[n] = '\0';
        if (link[0] == '/') {
            free(cur);
            cur = link;
            continue;
        }
        const char *slash = strrchr(cur, '/');
        size_t dlen = slash ? (size_t)(slash - cur) + 1 : 0;
        char *next = la_xmalloc(dlen + (size_t)n + 1);
        memcpy(next, cur, dlen);
        memcpy(next + dlen, link, (size_t)n + 1);
        free(link);
        free(cur);
        cur = next;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

/* An in-place output on descriptor fd (owned). */
static la_output *in_place(const char *path, int fd, char *err, size_t errlen)
{
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        set_err(err, errlen, path, errno);
        close(fd);
        return NULL;
    }
    la_output *o = la_xcalloc(1, sizeof *o);
    o->path = la_xstrdup(path);
    o->f = f;
    return o;
}

/* Mode for a replaced file: the old file's, or what creat() would give. */
static mode_t new_mode(const char *target)
{
    struct stat st;
    if (stat(target, &st) == 0) return st.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

la_output *la_output_open(const char *path, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "'': an output needs a file name");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        la_output *o = la_xcalloc(1, sizeof *o);
        o->path = la_xstrdup(path);
        o->f = stdout;
        o->is_stdout = 1;
        return o;
    }
    int fdn = fd_path(path);
    if (fdn >= 0) {
        int fd = fcntl(fdn, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) { set_err(err, errlen, path, errno); return NULL; }
        return in_place(path, fd, err, errlen);
    }
    char *target = resolve_links(path);
    if (!target) { set_err(err, errlen, path, errno); return NULL; }
    struct stat st;
    if (stat(target, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            set_err(err, errlen, path, EISDIR);
            free(target);
            return NULL;
        }
        if (S_ISBLK(st.st_mode)) {
            snprintf(err, errlen, "%s: is a block device", path);
            la_sanitize_controls(err);
            free(target);
            return NULL;
        }
        if (!S_ISREG(st.st_mode)) {   /* FIFO, character device, socket */
            int fd = open(target, O_WRONLY | O_CLOEXEC);
            free(target);
            if (fd < 0) { set_err(err, errlen, path, errno); return NULL; }
            return in_place(path, fd, err, errlen);
        }
    }
    size_t tlen = strlen(target);
    char *tmp = la_xmalloc(tlen + 16);
    memcpy(tmp, target, tlen);
    memcpy(tmp + tlen, ".tmp.XXXXXX", 12);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, path, errno);
        free(tmp);
        free(target);
        return NULL;
    }
    (void)fchmod(fd, new_mode(target));   /* mkstemp creates 0600 */
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        set_err(err, errlen, path, errno);
        close(fd);
        unlink(tmp);
        free(tmp);
        free(target);
        return NULL;
    }
    la_output *o = la_xcalloc(1, sizeof *o);
    o->path = la_xstrdup(path);
    o->target = target;
    o->tmp = tmp;
    o->f = f;
    return o;
}

FILE *la_output_stream(const la_output *o)
{
    return o->f;
}

int la_output_commit(la_output *o, char *err, size_t errlen)
{
    if (!o) return LA_OK;
    int e = 0;
    if (fflush(o->f) != 0) e = errno ? errno : EIO;
    if (o->tmp && !e && fsync(fileno(o->f)) != 0) e = errno;
    if (!o->is_stdout) {
        /* close whatever happened: a failed flush must not leak the
         * descriptor (a full disk would then fail every later output) */
        if (fclose(o->f) != 0 && !e) e = errno ? errno : EIO;
        o->f = NULL;
    }
    if (o->tmp && !e && rename(o->tmp, o->target) != 0) e = errno;
    if (o->tmp && e) unlink(o->tmp);
    if (e) set_err(err, errlen, o->path, e);
    free(o->tmp);
    o->tmp = NULL;
    la_output_free(o);
    return e ? LA_EIO : LA_OK;
}

void la_output_free(la_output *o)
{
    if (!o) return;
    if (o->f && !o->is_stdout) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    free(o->tmp);
    free(o->target);
    free(o->path);
    free(o);
}

/* ---- checking a run's outputs against each other and its inputs ---------- */

/* What an output or input path denotes: a file identity when it exists
 * (exists = 1), and for an output not yet created, the canonical name it
 * will get (the real path of its folder plus its last component). */
typedef struct ident {
    int exists;
    dev_t dev; ino_t ino;
    mode_t mode;
    char *name;       /* canonical name, or NULL */
} ident;

static void ident_of(const char *path, int is_input, ident *id)
{
    memset(id, 0, sizeof *id);
    struct stat st;
    int fdn = strcmp(path, "-") == 0 ? (is_input ? 0 : 1) : fd_path(path);
    int ok = fdn >= 0 ? fstat(fdn, &st) == 0 : stat(path, &st) == 0;
    if (ok) {
        id->exists = 1;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        id->mode = st.st_mode;
    }
    if (fdn >= 0 || is_input) return;
    char *target = resolve_links(path);
    if (!target) return;
    char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (slash == target) {
        id->name = target;     /* "/name": already canonical */
        return;
    }
    if (slash) *slash = '\0';
    char *dir = realpath(slash ? target : ".", NULL);
    if (dir) {
        size_t n = strlen(dir) + strlen(base) + 2;
        id->name = la_xmalloc(n);
        snprintf(id->name, n, "%s/%s", dir, base);
        free(dir);
    }
    free(target);
}

/* 1 when a and b are the same file. Character devices (/dev/null) and
 * FIFOs are exempt: writing to them replaces nothing. */
static int same_file(const ident *a, const ident *b)
{
    if (a->exists && b->exists) {
        if (S_ISCHR(a->mode) || S_ISFIFO(a->mode)) return 0;
        return a->dev == b->dev && a->ino == b->ino;
    }
    return a->name && b->name && strcmp(a->name, b->name) == 0;
}

/* "--rejects PATH", or "standard output (the queue)" for "-". */
static void describe(char *out, size_t n, const char *path, const char *what)
{
    if (strcmp(path, "-") == 0) snprintf(out, n, "standard output (%s)", what);
    else snprintf(out, n, "%s %s", what, path);
}

int la_outputs_check(const char *const *outputs, const char *const *what, size_t n,
                     const char *const *inputs, size_t m, char *err, size_t errlen)
{
    int rc = LA_OK;
    ident *out = la_xcalloc(n ? n : 1, sizeof *out);
    ident in;
    size_t nstdout = 0;
    for (size_t i = 0; i < n; i++) {
        if (!outputs[i]) continue;
        if (!*outputs[i]) {
            snprintf(err, errlen, "%s: an output needs a file name, got ''", what[i]);
            rc = LA_EUSAGE;
            goto done;
        }
        if ((strcmp(outputs[i], "-") == 0 || fd_path(outputs[i]) == 1) && ++nstdout > 1) {
            snprintf(err, errlen, "%s %s: standard output already carries another output",
                     what[i], outputs[i]);
            rc = LA_EUSAGE;
            goto done;
        }
        ident_of(outputs[i], 0, &out[i]);
        for (size_t j = 0; j < i; j++) {
            if (!outputs[j] || !same_file(&out[i], &out[j])) continue;
            char d[256];
            describe(d, sizeof d, outputs[i], what[i]);
            snprintf(err, errlen, "%s is the same file as %s", d, what[j]);
            rc = LA_EUSAGE;
            goto done;
        }
        for (size_t k = 0; k < m; k++) {
            ident_of(inputs[k], 1, &in);
            int same = same_file(&out[i], &in);
            free(in.name);
            if (!same) continue;
            char d[256];
            describe(d, sizeof d, outputs[i], what[i]);
            snprintf(err, errlen, "%s is the input %s: refusing to overwrite it", d,
                     strcmp(inputs[k], "-") == 0 ? "on standard input" : inputs[k]);
            rc = LA_EUSAGE;
            goto done;
        }
    }
done:
    if (rc != LA_OK) la_sanitize_controls(err);
    for (size_t i = 0; i < n; i++) free(out[i].name);
    free(out);
    return rc;
}
