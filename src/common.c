/*
 * common.c - allocation wrappers, byte buffers, the bump arena, hashing and
 * UTF-8 helpers shared by every module.
 *
 * Out-of-memory is handled in exactly one place: la_die() from the x*
 * wrappers, so callers never check for NULL. la_buf keeps its bytes
 * NUL-terminated after every append so it can be handed to C APIs. The
 * arena is a singly linked list of chunks; la_arena_reset keeps the first
 * chunk so a recycled arena does not touch malloc in steady state. An
 * atomic output file (la_atomic_*) is written beside its path and renamed
 * into place, the one way every output that must not be half-written is
 * produced.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "la_common.h"

void la_die(const char *fmt, ...)
{
    va_list ap;
    fputs("labelaudit: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *la_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) la_die("out of memory (%zu bytes)", n);
    return p;
}

void *la_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) la_die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *la_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) la_die("out of memory (%zu bytes)", n);
    return q;
}

char *la_xstrdup(const char *s)
{
    return la_xstrndup(s, strlen(s));
}

char *la_xstrndup(const char *s, size_t n)
{
    char *p = la_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void la_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) la_die("allocation size overflow");
        c *= 2;
    }
    *p = la_xrealloc(*p, c * elem);
    *cap = c;
}

/* ---- la_buf ------------------------------------------------------------- */

void la_buf_init(la_buf *b) { b->p = NULL; b->len = b->cap = 0; }

void la_buf_free(la_buf *b)
{
    free(b->p);
    la_buf_init(b);
}

void la_buf_reset(la_buf *b)
{
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void la_buf_reserve(la_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need < b->len) la_die("buffer size overflow");
    if (need > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < need) c *= 2;
        b->p = la_xrealloc(b->p, c);
        b->cap = c;
    }
}

void la_buf_add(la_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap || b->len + n < b->len) la_buf_reserve(b, n);
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void la_buf_addc(la_buf *b, char c)
{
    if (b->len + 2 > b->cap) la_buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void la_buf_adds(la_buf *b, const char *s) { la_buf_add(b, s, strlen(s)); }

void la_buf_printf(la_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    la_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void la_buf_add_json_str(la_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    la_buf_reserve(b, n + 2);
    la_buf_addc(b, '"');
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            size_t j = i + 1;     /* copy a run of plain ASCII at once */
            while (j < n && u[j] >= 0x20 && u[j] < 0x80 && u[j] != '"' && u[j] != '\\')
                j++;
            la_buf_add(b, s + i, j - i);
            i = j;
            continue;
        }
        if (c >= 0x80) {
            size_t k = la_utf8_valid_len(u + i, n - i);
            if (k) la_buf_add(b, s + i, k), i += k;
            else la_buf_adds(b, "\xEF\xBF\xBD"), i++;
            continue;
        }
        switch (c) {
        case '"': la_buf_adds(b, "\\\""); break;
        case '\\': la_buf_adds(b, "\\\\"); break;
        case '\n': la_buf_adds(b, "\\n"); break;
        case '\r': la_buf_adds(b, "\\r"); break;
        case '\t': la_buf_adds(b, "\\t"); break;
        case '\b': la_buf_adds(b, "\\b"); break;
        case '\f': la_buf_adds(b, "\\f"); break;
        default: {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            la_buf_add(b, e, 6);
        }
        }
        i++;
    }
    la_buf_addc(b, '"');
}

/* "%.4f" of x for |x| < 1e5, written without stdio when the rounding is
 * unambiguous: x * 1e4 is within a few ulps of the exact product, so
 * unless it lies within 1e-6 of a rounding tie, rounding it gives the
 * digits printf would (below 1e5, x * 1e4 < 1e9 and its error is under
 * 1e-7). Returns the length, or 0 to fall back to printf
 * (a near-tie, or out of range). */
static int fixed4(char *out, double x)
{
    double ax = x < 0 ? -x : x;
    if (!(ax < 1e5)) return 0;
    double y = ax * 1e4;
    double fl = floor(y);
    double frac = y - fl;
    if (fabs(frac - 0.5) < 1e-6) return 0;
    unsigned long long q = (unsigned long long)fl + (frac > 0.5);
    unsigned long long ip = q / 10000, dp = q % 10000;
    char digits[24];
    int nd = 0;
    do { digits[nd++] = (char)('0' + ip % 10); ip /= 10; } while (ip);
    int n = 0;
    if (x < 0) out[n++] = '-';
    while (nd) out[n++] = digits[--nd];
    out[n++] = '.';
    out[n++] = (char)('0' + dp / 1000);
    out[n++] = (char)('0' + dp / 100 % 10);
    out[n++] = (char)('0' + dp / 10 % 10);
    out[n++] = (char)('0' + dp % 10);
    out[n] = '\0';
    return n;
}

void la_buf_add_score(la_buf *b, double x)
{
    if (!isfinite(x)) x = 0;
    /* Four decimals are plenty for a priority and keep output stable
     * across libm versions; trailing zeros are trimmed. */
    char tmp[320];          /* "%.4f" of DBL_MAX is 316 bytes */
    int n = fixed4(tmp, x);
    if (n == 0) n = snprintf(tmp, sizeof tmp, "%.4f", x);
    while (n > 1 && tmp[n - 1] == '0') n--;
    if (n > 1 && tmp[n - 1] == '.') n--;
    if (n == 2 && tmp[0] == '-' && tmp[1] == '0') { tmp[0] = '0'; n = 1; }
    la_buf_add(b, tmp, (size_t)n);
}

/* ---- arena ------------------------------------------------------------------ */

struct la_arena_chunk {
    la_arena_chunk *next;
    size_t size, used;
    max_align_t data[];
};

void la_arena_init(la_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

void *la_arena_alloc(la_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    la_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > a->chunk_size ? n : a->chunk_size;
        c = la_xmalloc(sizeof *c + size);
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

char *la_arena_strndup(la_arena *a, const char *s, size_t n)
{
    char *p = la_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Above this total, a reset keeps only the largest chunk (memory after a
 * giant row goes back); below it, the chunks are merged into one chunk of
 * their total size, so a recycled batch arena settles on a single chunk
 * and steady-state resets touch malloc not at all. */
#define ARENA_MERGE_MAX ((size_t)64 << 20)

void la_arena_reset(la_arena *a)
{
    la_arena_chunk *c = a->head, *keep = NULL;
    if (c && c->next) {
        size_t total = 0;
        for (la_arena_chunk *x = c; x; x = x->next) total += x->size;
        if (total <= ARENA_MERGE_MAX) {
            la_arena_free(a);
            keep = la_xmalloc(sizeof *keep + total);
            keep->size = total;
            keep->used = 0;
            keep->next = NULL;
            a->head = keep;
            return;
        }
    }
    /* Keep the largest-capacity chunk: a batch that needed it once will
     * likely need it again. Free the rest. */
    while (c) {
        la_arena_chunk *next = c->next;
        if (!keep || c->size > keep->size) {
            if (keep) free(keep);
            keep = c;
        } else {
            free(c);
        }
        c = next;
    }
    if (keep) { keep->used = 0; keep->next = NULL; }
    a->head = keep;
}

void la_arena_free(la_arena *a)
{
    la_arena_chunk *c = a->head;
    while (c) {
        la_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* ---- hashing ------------------------------------------------------------------ */

/* A simple, fast 64-bit hash: 8 bytes at a time folded through a
 * multiply-xorshift, finished with la_mix64. Deterministic everywhere
 * (little-endian loads are assembled byte by byte). */
uint64_t la_hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (n + 1));
    while (n >= 8) {
        uint64_t v = (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 |
                     (uint64_t)s[3] << 24 | (uint64_t)s[4] << 32 | (uint64_t)s[5] << 40 |
                     (uint64_t)s[6] << 48 | (uint64_t)s[7] << 56;
        h ^= la_mix64(v + 0x632be59bd9b4e019ULL);
        h = (h << 27 | h >> 37) * 0x9e3779b97f4a7c15ULL;
        s += 8; n -= 8;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)s[i] << (8 * i);
    h ^= la_mix64(v ^ 0xd6e8feb86659fd93ULL);
    return la_mix64(h);
}

/* ---- UTF-8 ------------------------------------------------------------------- */

size_t la_utf8_valid_len(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;            /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0;           /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;            /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0;           /* > U+10FFFF */
        return 4;
    }
    return 0;
}

int la_utf8_check(const char *s, size_t n, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (u[i] < 0x80) { i++; continue; }
        size_t k = la_utf8_valid_len(u + i, n - i);
        if (!k) { if (bad) *bad = i; return 0; }
        i += k;
    }
    return 1;
}

size_t la_utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
    size_t k = la_utf8_valid_len(s, n);
    switch (k) {
    case 1: *cp = s[0]; break;
    case 2: *cp = (s[0] & 0x1F) << 6 | (s[1] & 0x3F); break;
    case 3: *cp = (s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F); break;
    case 4: *cp = (s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F); break;
    default: *cp = 0xFFFD; break;
    }
    return k;
}

size_t la_utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t la_utf8_whole_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t back = 0;
    while (back < n && back < 3 && (u[n - 1 - back] & 0xC0) == 0x80) back++;
    if (back == n) return n;
    size_t lead = n - 1 - back;
    if (u[lead] < 0x80) return n;
    return la_utf8_valid_len(u + lead, n - lead) == back + 1 ? n : lead;
}

void la_sanitize_controls(char *s)
{
    unsigned char *u = (unsigned char *)s;
    for (; *u; u++) {
        if (*u < 0x20 || *u == 0x7f) *u = '?';
        else if (*u == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F) u[0] = u[1] = '?', u++;
    }
}

int la_split_commas(const char *s, void (*fn)(const char *p, size_t n, void *ud),
                    void *ud)
{
    int count = 0;
    if (!s) return 0;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *p = s;
        size_t m = n;
        while (m && (*p == ' ' || *p == '\t')) p++, m--;
        while (m && (p[m - 1] == ' ' || p[m - 1] == '\t')) m--;
        if (m) { fn(p, m, ud); count++; }
        if (!e) break;
        s = e + 1;
    }
    return count;
}

/* ---- atomic output files ------------------------------------------------------ */

int la_atomic_open(la_atomic *a, const char *path, int mode)
{
    memset(a, 0, sizeof *a);
    size_t n = strlen(path);
    a->path = la_xstrdup(path);
    a->tmp = la_xmalloc(n + 16);
    snprintf(a->tmp, n + 16, "%s.la-XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) goto fail;
    if (mode < 0) {                 /* what open(2) would give: 0666 & ~umask */
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~(int)um;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || !(a->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        remove(a->tmp);
        errno = e;
        goto fail;
    }
    return LA_OK;
fail:
    free(a->tmp);
    free(a->path);
    a->tmp = a->path = NULL;
    return LA_EIO;
}

int la_atomic_commit(la_atomic *a)
{
    int ok = ferror(a->f) == 0;
    if (fflush(a->f) != 0) ok = 0;
    if (ok && fsync(fileno(a->f)) != 0) ok = 0;
    int e = errno;
    if (fclose(a->f) != 0) ok = 0;
    a->f = NULL;
    if (ok && rename(a->tmp, a->path) != 0) ok = 0;
    if (!ok) {
        e = errno ? errno : e;
        remove(a->tmp);
        errno = e;
    }
    free(a->tmp);
    free(a->path);
    a->tmp = a->path = NULL;
    return ok ? LA_OK : LA_EIO;
}

void la_atomic_abort(la_atomic *a)
{
    if (!a->tmp) return;
    int e = errno;
    if (a->f) fclose(a->f);
    remove(a->tmp);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
    errno = e;
}

int la_write_file_atomic(const char *path, const char *data, size_t n)
{
    la_atomic a;
    if (la_atomic_open(&a, path, -1) != LA_OK) return LA_EIO;
    if (n && fwrite(data, 1, n, a.f) != n) {
        la_atomic_abort(&a);
        return LA_EIO;
    }
    return la_atomic_commit(&a);
}

int la_read_file(const char *path, la_buf *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return LA_EIO;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) la_buf_add(b, chunk, n);
    int rd = ferror(f);
    fclose(f);
    if (rd) {
        snprintf(err, errlen, "%s: read error", path);
        return LA_EIO;
    }
    return LA_OK;
}
