/*
 * dict.c - the hunspell dictionary behind "is this a genuine word?", with a
 * per-thread cache so the same word is never looked up twice by a thread.
 *
 * Main data structures: la_dict holds one Hunhandle and the mutex that
 * guards it (hunspell handles are not thread-safe; lookups are rare once
 * the caches are warm, so one lock costs little). la_dict_cache is an
 * open-addressing hash table (linear probing, load <= 1/2, power-of-two
 * size) from word bytes to the answer; the word bytes live in one growable
 * pool and entries hold an offset into it, so a lookup allocates nothing
 * and the table grows by doubling. The cache remembers every word it has
 * seen (that is the "never twice" guarantee): its memory is about 16 bytes
 * per distinct word plus the word bytes.
 *
 * Lookup rule: the normalized (lower-case) word is tried as given, then,
 * if rejected, with its first letter upper-cased, so names and proper
 * nouns the dictionary lists capitalized ("london", "i") count as words.
 * Words longer than LA_DICT_MAX_WORD bytes or containing an ASCII digit
 * are never looked up and are not words.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hunspell/hunspell.h>
#include <utf8proc.h>

#include "la_common.h"
#include "la_text.h"

/* Longer "words" are URLs or junk; no dictionary word is this long. */
#define LA_DICT_MAX_WORD 64

struct la_dict {
    Hunhandle *h;
    pthread_mutex_t mu;
    char *path; /* the base path, without .aff/.dic */
};

typedef struct cache_entry {
    uint64_t hash;   /* 0 = empty slot */
    uint32_t off;    /* word bytes in the pool */
    uint8_t len;
    uint8_t result;
} cache_entry;

struct la_dict_cache {
    cache_entry *slot;
    size_t cap, used;      /* cap is a power of two */
    char *pool;
    size_t pool_len, pool_cap;
    uint64_t hits, misses;
};

static int readable(const char *path)
{
    return access(path, R_OK) == 0;
}

static la_dict *open_base(const char *base)
{
    size_t n = strlen(base);
    char *aff = la_xmalloc(n + 5), *dic = la_xmalloc(n + 5);
    memcpy(aff, base, n); memcpy(aff + n, ".aff", 5);
    memcpy(dic, base, n); memcpy(dic + n, ".dic", 5);
    la_dict *d = NULL;
    if (readable(aff) && readable(dic)) {
        Hunhandle *h = Hunspell_create(aff, dic);
        if (h) {
            d = la_xcalloc(1, sizeof *d);
            d->h = h;
            d->path = la_xstrdup(base);
            pthread_mutex_init(&d->mu, NULL);
        }
    }
    free(aff);
    free(dic);
    return d;
}

/* Opens base.aff/base.dic; with base NULL tries /usr/share/hunspell/en_US
 * then /usr/share/myspell/dicts/en_US. Returns NULL when none loads, with
 * "cannot load dictionary PATH.aff/.dic" (naming every path tried) in err.
 * The result is shared by all threads and freed with la_dict_free. */
la_dict *la_dict_open(const char *base, char *err, size_t errlen)
{
    static const char *const defaults[] = {
        "/usr/share/hunspell/en_US", "/usr/share/myspell/dicts/en_US",
    };
    if (base) {
        la_dict *d = open_base(base);
        if (!d && err && errlen)
            snprintf(err, errlen, "cannot load dictionary %s.aff/.dic", base);
        return d;
    }
    for (size_t i = 0; i < LA_ARRAY_LEN(defaults); i++) {
        la_dict *d = open_base(defaults[i]);
        if (d) return d;
    }
    if (err && errlen)
        snprintf(err, errlen, "cannot load dictionary %s.aff/.dic or %s.aff/.dic",
                 defaults[0], defaults[1]);
    return NULL;
}

/* The base path the dictionary was loaded from (borrowed); "" for NULL. */
const char *la_dict_path(const la_dict *d)
{
    return d ? d->path : "";
}

void la_dict_free(la_dict *d)
{
    if (!d) return;
    Hunspell_destroy(d->h);
    pthread_mutex_destroy(&d->mu);
    free(d->path);
    free(d);
}

la_dict_cache *la_dict_cache_new(void)
{
    la_dict_cache *c = la_xcalloc(1, sizeof *c);
    c->cap = 1024;
    c->slot = la_xcalloc(c->cap, sizeof *c->slot);
    return c;
}

void la_dict_cache_free(la_dict_cache *c)
{
    if (!c) return;
    free(c->slot);
    free(c->pool);
    free(c);
}

static void cache_grow(la_dict_cache *c)
{
    size_t ncap = c->cap * 2;
    cache_entry *ns = la_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slot[i].hash) continue;
        size_t j = (size_t)c->slot[i].hash & (ncap - 1);
        while (ns[j].hash) j = (j + 1) & (ncap - 1);
        ns[j] = c->slot[i];
    }
    free(c->slot);
    c->slot = ns;
    c->cap = ncap;
}

/* Asks hunspell, under the lock: the word as given, then Capitalized. */
static int ask(la_dict *d, const char *w, size_t n)
{
    char buf[LA_DICT_MAX_WORD + 8];
    memcpy(buf, w, n);
    buf[n] = '\0';
    pthread_mutex_lock(&d->mu);
    int ok = Hunspell_spell(d->h, buf) != 0;
    if (!ok) {
        int32_t cp;
        size_t len = la_utf8_decode((const unsigned char *)buf, n, &cp);
        if (len) {
            int32_t up = utf8proc_toupper(cp);
            char enc[4];
            size_t ulen = la_utf8_encode(up, enc);
            if (up != cp && n - len + ulen <= LA_DICT_MAX_WORD) {
                char cap[LA_DICT_MAX_WORD + 8];
                memcpy(cap, enc, ulen);
                memcpy(cap + ulen, buf + len, n - len);
                cap[ulen + n - len] = '\0';
                ok = Hunspell_spell(d->h, cap) != 0;
            }
        }
    }
    pthread_mutex_unlock(&d->mu);
    return ok;
}

/* 1 when w[0..n) (normalized UTF-8) is a dictionary word, else 0 (see the
 * lookup rule at the top). d NULL: always 0. c may be NULL (no caching);
 * with a cache, a word is asked of hunspell at most once per cache. The
 * cache must belong to the calling thread. */
int la_dict_check(la_dict *d, la_dict_cache *c, const char *w, size_t n)
{
    if (!d || n == 0 || n > LA_DICT_MAX_WORD) return 0;
    for (size_t i = 0; i < n; i++)
        if ((w[i] >= '0' && w[i] <= '9') || w[i] == '\0') return 0;
    if (!c) return ask(d, w, n);
    uint64_t h = la_hash64(w, n, 0x6c6164696374ULL);
    if (h == 0) h = 1;
    size_t j = (size_t)h & (c->cap - 1);
    while (c->slot[j].hash) {
        cache_entry *e = &c->slot[j];
        if (e->hash == h && e->len == n && memcmp(c->pool + e->off, w, n) == 0) {
            c->hits++;
            return e->result;
        }
        j = (j + 1) & (c->cap - 1);
    }
    c->misses++;
    int r = ask(d, w, n);
    if (c->pool_len + n > c->pool_cap) LA_GROW(c->pool, c->pool_cap, c->pool_len + n);
    memcpy(c->pool + c->pool_len, w, n);
    c->slot[j] = (cache_entry){h, (uint32_t)c->pool_len, (uint8_t)n, (uint8_t)r};
    c->pool_len += n;
    if (++c->used * 2 > c->cap) cache_grow(c);
    return r;
}

/* Cache hits and misses (misses = hunspell lookups) so far. */
void la_dict_cache_stats(const la_dict_cache *c, uint64_t *hits, uint64_t *misses)
{
    if (hits) *hits = c ? c->hits : 0;
    if (misses) *misses = c ? c->misses : 0;
}
