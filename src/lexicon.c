/*
 * lexicon.c - the lexicon engine: parses lexicon TSV files (DESIGN.md
 * section 6), loads the built-in set or a folder of files, and builds the
 * read-only lookup tables the matcher (src/match.c) uses.
 *
 * A lexicon is an array of la_term in load order (file order, then line
 * order), so term ids are dense and deterministic. Every string a term
 * points to lives in the lexicon's arena. A term's norm is the term run
 * through the same normalizer and tokenizer as the text it is matched
 * against, with its tokens joined by one space; ntok counts them. Terms
 * written in a script without spaces (Japanese, Chinese, Thai, Korean)
 * keep their normalized form unsplit and always carry LA_TF_SUBSTRING.
 *
 * Lookup tables (built once by la_lexicon_compile, read-only after, so
 * any number of threads may match against one lexicon):
 *   - word: open-addressing hash of the first token of every
 *     non-substring term -> the ids of the terms starting with it, in id
 *     order; the matcher checks the remaining tokens itself;
 *   - mask: (byte length, first byte) -> single-token profanity, slur and
 *     insult terms that may be de-obfuscated, for masked words ("f*ck");
 *   - substring: first code point -> substring terms, for the scan
 *     inside runs of CJK text.
 * The tables own their key bytes and id arrays; nothing is built lazily.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_lexdata.h"
#include "la_text.h"

/* ---- names ------------------------------------------------------------- */

static const char *const kind_names[LA_KIND__COUNT] = {
    "profanity", "slur", "insult", "threat", "dehumanizing", "identity",
    "positive", "negative", "negation", "reporting", "second_person",
    "first_person", "third_person", "person", "group", "object",
    "intensifier", "violence", "spam_phrase", "allow"
};

const char *la_kind_name(la_kind k)
{
    if ((unsigned)k >= LA_KIND__COUNT) return "unknown";
    return kind_names[k];
}

int la_kind_parse(const char *s, size_t n)
{
    for (int k = 0; k < LA_KIND__COUNT; k++)
        if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0)
            return k;
    return -1;
}

const char *la_severity_name(la_severity s)
{
    switch (s) {
    case LA_SEV_MILD: return "mild";
    case LA_SEV_MODERATE: return "moderate";
    case LA_SEV_STRONG: return "strong";
    default: return NULL;
    }
}

static int severity_parse(const char *s, size_t n)
{
    for (int v = LA_SEV_MILD; v <= LA_SEV_STRONG; v++) {
        const char *name = la_severity_name((la_severity)v);
        if (strlen(name) == n && memcmp(name, s, n) == 0) return v;
    }
    return -1;
}

static const struct { const char *name; unsigned bit; } flag_names[] = {
    { "homonym", LA_TF_HOMONYM }, { "reclaimed", LA_TF_RECLAIMED },
    { "noinflect", LA_TF_NOINFLECT }, { "substring", LA_TF_SUBSTRING },
    { "attack", LA_TF_ATTACK }, { "noobfusc", LA_TF_NOOBFUSC },
};

/* ---- the string -> ids table ------------------------------------------------ */

typedef struct slot {
    uint64_t hash;
    uint32_t key_off, key_len; /* into tab.keys */
    uint32_t ids_off, nids;    /* into tab.ids; nids == 0: empty slot */
} slot;

typedef struct strtab {
    slot *slots; size_t mask;  /* capacity - 1 (power of two) */
    char *keys; uint32_t *ids;
} strtab;

typedef struct pair { const char *key; uint32_t len, id; } pair;

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

#define TAB_SEED 0x6c6578696b6f6eULL

/* Builds tab from pairs (sorted here); groups equal keys, ids ascending. */
static void strtab_build(strtab *tab, pair *p, size_t n)
{
    memset(tab, 0, sizeof *tab);
    qsort(p, n, sizeof *p, pair_cmp);
    size_t nkeys = 0, keybytes = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || pair_cmp(&(pair){ p[i].key, p[i].len, 0 },
                               &(pair){ p[i - 1].key, p[i - 1].len, 0 }) != 0) {
            nkeys++; keybytes += p[i].len;
        }
    size_t cap = 16;
    while (cap < nkeys * 2 + 1) cap <<= 1;
    tab->slots = la_xcalloc(cap, sizeof *tab->slots);
    tab->mask = cap - 1;
    tab->keys = la_xmalloc(keybytes + 1);
    tab->ids = la_xmalloc((n + 1) * sizeof *tab->ids);
    size_t koff = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j].len == p[i].len && memcmp(p[j].key, p[i].key, p[i].len) == 0) {
            tab->ids[j] = p[j].id;
            j++;
        }
        uint64_t h = la_hash64(p[i].key, p[i].len, TAB_SEED);
        size_t s = (size_t)h & tab->mask;
        while (tab->slots[s].nids) s = (s + 1) & tab->mask;
        memcpy(tab->keys + koff, p[i].key, p[i].len);
        tab->slots[s] = (slot){ h, (uint32_t)koff, p[i].len, (uint32_t)i, (uint32_t)(j - i) };
        koff += p[i].len;
        i = j;
    }
}

static size_t strtab_get(const strtab *tab, const char *k, size_t n, const uint32_t **ids)
{
    *ids = NULL;
    if (!tab->slots) return 0;
    uint64_t h = la_hash64(k, n, TAB_SEED);
    for (size_t s = (size_t)h & tab->mask;; s = (s + 1) & tab->mask) {
        const slot *e = &tab->slots[s];
        if (!e->nids) return 0;
        if (e->hash == h && e->key_len == n && memcmp(tab->keys + e->key_off, k, n) == 0) {
            *ids = tab->ids + e->ids_off;
            return e->nids;
        }
    }
}

static void strtab_free(strtab *tab)
{
    free(tab->slots); free(tab->keys); free(tab->ids);
    memset(tab, 0, sizeof *tab);
}

/* ---- the lexicon --------------------------------------------------------------- */

/* Masked words longer than this are never de-obfuscated (no term is). */
#define MASK_MAXLEN 24

struct la_lexicon {
    la_term *terms; size_t n, cap;
    la_arena arena;          /* every string the terms point to */
    int compiled;
    strtab word;             /* first token -> term ids */
    strtab sub;              /* first code point (UTF-8 bytes) -> ids */
    uint32_t *mask_off;      /* CSR: [(len * 256 + first byte)] -> range */
    uint32_t *mask_ids;
    int latin_substring;     /* a substring term outside CJK scripts */
    uint64_t digest;         /* la_lexicon_digest, set by compile */
};

la_lexicon *la_lexicon_new(void)
{
    la_lexicon *lex = la_xcalloc(1, sizeof *lex);
    la_arena_init(&lex->arena, 64 * 1024);
    return lex;
}

void la_lexicon_free(la_lexicon *lex)
{
    if (!lex) return;
    free(lex->terms);
    la_arena_free(&lex->arena);
    strtab_free(&lex->word);
    strtab_free(&lex->sub);
    free(lex->mask_off); free(lex->mask_ids);
    free(lex);
}

size_t la_lexicon_size(const la_lexicon *lex) { return lex ? lex->n : 0; }

const la_term *la_lexicon_term(const la_lexicon *lex, uint32_t id)
{
    return lex && id < lex->n ? &lex->terms[id] : NULL;
}

/* 1 for code points of scripts written without spaces between words. */
int la_cp_is_cjk(int32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
           (c >= 0x1780 && c <= 0x17FF) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0x20000 && c <= 0x2FFFF) ||
           c == 0x3005 || c == 0x30FC;
}

static int has_cjk(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        size_t k = la_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (!k) return 0;
        if (la_cp_is_cjk(cp)) return 1;
        i += k;
    }
    return 0;
}

static const char *lang_of(la_arena *a, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n > 4 && memcmp(base + n - 4, ".tsv", 4) == 0) n -= 4;
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++) if (base[i] == '.') dot = base + i;
    if (!dot || (size_t)(base + n - dot - 1) == 0) return "und";
    return la_arena_strndup(a, dot + 1, (size_t)(base + n - dot - 1));
}

static int lex_error(char *err, size_t errlen, const char *name, size_t line,
                     const char *what, const char *s, size_t n)
{
    if (err && errlen) {
        if (s) snprintf(err, errlen, "%s:%zu: %s '%.*s'", name, line, what, (int)(n > 60 ? 60 : n), s);
        else snprintf(err, errlen, "%s:%zu: %s", name, line, what);
    }
    return LA_ELEXICON;
}

static int is_blank(char c) { return c == ' ' || c == '\r'; }

static void trim(const char **s, size_t *n)
{
    while (*n && is_blank(**s)) { (*s)++; (*n)--; }
    while (*n && is_blank((*s)[*n - 1])) (*n)--;
}

/* Normalizes and tokenizes a term the way texts are. Writes the tokens
 * joined by single spaces (or the unsplit form for CJK terms) into out.
 * Returns the token count; 0 when nothing is left of the term. */
static unsigned term_norm(la_text *t, const char *s, size_t n, int cjk, la_buf *out)
{
    la_text_normalize(t, s, n);
    la_buf_reset(out);
    if (cjk) {
        const char *p = t->norm; size_t m = t->norm_len;
        while (m && p[0] == ' ') { p++; m--; }
        while (m && p[m - 1] == ' ') m--;
        la_buf_add(out, p, m);
        return m ? 1 : 0;
    }
    la_text_tokenize(t);
    unsigned k = 0;
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *tk = &t->tok[i];
        if (tk->nend <= tk->nstart) continue;
        if (k) la_buf_addc(out, ' ');
        la_buf_add(out, t->norm + tk->nstart, tk->nend - tk->nstart);
        k++;
    }
    return k > 255 ? 255 : k;
}

int la_lexicon_add_buffer(la_lexicon *lex, const char *name, const char *data,
                          size_t len, char *err, size_t errlen)
{
    if (lex->compiled)
        return lex_error(err, errlen, name, 0, "lexicon already compiled", NULL, 0);
    const char *base = strrchr(name, '/');
    const char *source = la_arena_strndup(&lex->arena, base ? base + 1 : name,
                                          strlen(base ? base + 1 : name));
    const char *lang = lang_of(&lex->arena, name);
    la_text t; la_text_init(&t);
    la_buf nb; la_buf_init(&nb);
    int rc = LA_OK;
    size_t lineno = 0, pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;
    while (pos < len && rc == LA_OK) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        pos += ll + (nl ? 1 : 0);
        lineno++;
        if (ll && line[ll - 1] == '\r') ll--;
        size_t bad;
        if (!la_utf8_check(line, ll, &bad)) {
            rc = lex_error(err, errlen, name, lineno, "invalid UTF-8", NULL, 0);
            break;
        }
        /* terms are kept as C strings: a NUL would cut one short */
        if (memchr(line, '\0', ll)) {
            rc = lex_error(err, errlen, name, lineno, "NUL byte in the line", NULL, 0);
            break;
        }
        const char *p = line; size_t n = ll;
        trim(&p, &n);
        if (n == 0 || p[0] == '#') continue;
        /* split into at most five tab-separated columns */
        const char *col[5] = { 0 }; size_t cl[5] = { 0 }; int ncol = 0;
        const char *c = line, *end = line + ll;
        while (ncol < 6) {
            const char *tab = memchr(c, '\t', (size_t)(end - c));
            const char *ce = tab ? tab : end;
            if (ncol == 5) { ncol = 6; break; }
            col[ncol] = c; cl[ncol] = (size_t)(ce - c);
            trim(&col[ncol], &cl[ncol]);
            ncol++;
            if (!tab) break;
            c = tab + 1;
        }
        if (ncol > 5) { rc = lex_error(err, errlen, name, lineno, "too many columns (at most 5: term, kind, category, severity, flags)", NULL, 0); break; }
        if (cl[0] == 0) { rc = lex_error(err, errlen, name, lineno, "empty term", NULL, 0); break; }
        if (ncol < 2 || cl[1] == 0) { rc = lex_error(err, errlen, name, lineno, "missing kind", NULL, 0); break; }
        int kind = la_kind_parse(col[1], cl[1]);
        if (kind < 0) { rc = lex_error(err, errlen, name, lineno, "unknown kind", col[1], cl[1]); break; }
        int sev = LA_SEV_NONE;
        if (ncol > 3 && cl[3]) {
            sev = severity_parse(col[3], cl[3]);
            if (sev < 0) { rc = lex_error(err, errlen, name, lineno, "bad severity (want mild, moderate, strong or empty)", col[3], cl[3]); break; }
        }
        unsigned flags = 0;
        if (ncol > 4 && cl[4]) {
            const char *f = col[4], *fe = col[4] + cl[4];
            while (f < fe && rc == LA_OK) {
                const char *comma = memchr(f, ',', (size_t)(fe - f));
                const char *pe = comma ? comma : fe;
                const char *q = f; size_t qn = (size_t)(pe - f);
                trim(&q, &qn);
                if (qn) {
                    unsigned bit = 0;
                    for (size_t i = 0; i < LA_ARRAY_LEN(flag_names); i++)
                        if (strlen(flag_names[i].name) == qn && memcmp(flag_names[i].name, q, qn) == 0)
                            bit = flag_names[i].bit;
                    if (!bit) rc = lex_error(err, errlen, name, lineno, "unknown flag", q, qn);
                    flags |= bit;
                }
                f = comma ? comma + 1 : fe;
            }
            if (rc != LA_OK) break;
        }
        int cjk = has_cjk(col[0], cl[0]);
        if (cjk) flags |= LA_TF_SUBSTRING;
        unsigned ntok = term_norm(&t, col[0], cl[0], cjk || (flags & LA_TF_SUBSTRING), &nb);
        if (ntok == 0) { rc = lex_error(err, errlen, name, lineno, "term is empty after normalization", col[0], cl[0]); break; }
        if (lex->n >= UINT32_MAX - 1) { rc = lex_error(err, errlen, name, lineno, "too many terms", NULL, 0); break; }
        LA_GROW(lex->terms, lex->cap, lex->n + 1);
        la_term *tm = &lex->terms[lex->n];
        tm->term = la_arena_strndup(&lex->arena, col[0], cl[0]);
        tm->norm = la_arena_strndup(&lex->arena, nb.p, nb.len);
        tm->category = (ncol > 2 && cl[2]) ? la_arena_strndup(&lex->arena, col[2], cl[2]) : "";
        tm->lang = lang;
        tm->source = source;
        tm->id = (uint32_t)lex->n;
        tm->kind = (uint8_t)kind;
        tm->severity = (uint8_t)sev;
        tm->flags = (uint16_t)flags;
        tm->ntok = (uint8_t)ntok;
        lex->n++;
    }
    la_buf_free(&nb);
    la_text_free(&t);
    return rc;
}

static int maskable(const la_term *tm)
{
    return tm->ntok == 1 && !(tm->flags & (LA_TF_NOOBFUSC | LA_TF_SUBSTRING)) &&
           (tm->kind == LA_KIND_PROFANITY || tm->kind == LA_KIND_SLUR ||
            tm->kind == LA_KIND_INSULT);
}

void la_lexicon_compile(la_lexicon *lex)
{
    if (lex->compiled) return;
    lex->compiled = 1;
    pair *wp = la_xmalloc((lex->n + 1) * sizeof *wp);
    pair *sp = la_xmalloc((lex->n + 1) * sizeof *sp);
    size_t nw = 0, ns = 0;
    size_t nbuckets = (size_t)(MASK_MAXLEN + 1) * 256;
    lex->mask_off = la_xcalloc(nbuckets + 1, sizeof *lex->mask_off);
    for (size_t i = 0; i < lex->n; i++) {
        const la_term *tm = &lex->terms[i];
        size_t nl = strlen(tm->norm);
        if (tm->flags & LA_TF_SUBSTRING) {
            size_t k = la_utf8_valid_len((const unsigned char *)tm->norm, nl);
            if (!k) continue;
            sp[ns++] = (pair){ tm->norm, (uint32_t)k, tm->id };
            if (!has_cjk(tm->norm, nl)) lex->latin_substring = 1;
            continue;
        }
        const char *sp1 = tm->ntok > 1 ? strchr(tm->norm, ' ') : NULL;
        wp[nw++] = (pair){ tm->norm, (uint32_t)(sp1 ? (size_t)(sp1 - tm->norm) : nl), tm->id };
        if (maskable(tm) && nl <= MASK_MAXLEN)
            lex->mask_off[nl * 256 + (unsigned char)tm->norm[0] + 1]++;
    }
    for (size_t b = 0; b < nbuckets; b++) lex->mask_off[b + 1] += lex->mask_off[b];
    lex->mask_ids = la_xmalloc((lex->mask_off[nbuckets] + 1) * sizeof *lex->mask_ids);
    uint32_t *fill = la_xcalloc(nbuckets, sizeof *fill);
    for (size_t i = 0; i < lex->n; i++) {
        const la_term *tm = &lex->terms[i];
        size_t nl = strlen(tm->norm);
        if (!maskable(tm) || nl > MASK_MAXLEN) continue;
        size_t b = nl * 256 + (unsigned char)tm->norm[0];
        lex->mask_ids[lex->mask_off[b] + fill[b]++] = tm->id;
    }
    free(fill);
    strtab_build(&lex->word, wp, nw);
    strtab_build(&lex->sub, sp, ns);
    free(wp); free(sp);
    uint64_t h = la_mix64(lex->n + 1);
    for (size_t i = 0; i < lex->n; i++) {
        const la_term *tm = &lex->terms[i];
        uint64_t meta = (uint64_t)tm->kind | (uint64_t)tm->severity << 8 |
                        (uint64_t)tm->flags << 16 | (uint64_t)tm->ntok << 32;
        h = la_mix64(h ^ la_hash64(tm->norm, strlen(tm->norm), meta));
    }
    lex->digest = h;
}

uint64_t la_lexicon_digest(const la_lexicon *lex)
{
    return lex->digest;
}

/* ---- internal lookups for src/match.c (declared in la_lexdata.h) ------------ */

size_t la_lexicon_lookup(const la_lexicon *lex, const char *key, size_t n,
                         const uint32_t **ids)
{
    return strtab_get(&lex->word, key, n, ids);
}

size_t la_lexicon_mask_candidates(const la_lexicon *lex, size_t len,
                                  unsigned char first, const uint32_t **ids)
{
    *ids = NULL;
    if (len == 0 || len > MASK_MAXLEN || !lex->mask_off) return 0;
    size_t b = len * 256 + first;
    *ids = lex->mask_ids + lex->mask_off[b];
    return lex->mask_off[b + 1] - lex->mask_off[b];
}

size_t la_lexicon_substring_candidates(const la_lexicon *lex, const char *cp,
                                       size_t cplen, const uint32_t **ids)
{
    return strtab_get(&lex->sub, cp, cplen, ids);
}

int la_lexicon_has_latin_substring(const la_lexicon *lex)
{
    return lex->latin_substring;
}

/* ---- loading ----------------------------------------------------------------- */

/* Largest lexicon file read: a word list, even a large third-party one,
 * is a few MB; the cap turns an endless or huge file (--lexicon /dev/zero)
 * into a loading error, status 3, instead of exhausting memory
 * (tests/cases/lex-endless-file.case). */
#define LEXICON_FILE_MAX ((size_t)64 << 20)

static int read_file(const char *path, la_buf *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return LA_ELEXICON;
    }
    la_buf_reset(b);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        la_buf_add(b, chunk, got);
        if (b->len > LEXICON_FILE_MAX) {
            fclose(f);
            snprintf(err, errlen, "%s: larger than %zu MiB: not a lexicon", path,
                     LEXICON_FILE_MAX >> 20);
            la_buf_free(b);
            return LA_ELEXICON;
        }
    }
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return LA_ELEXICON;
    }
    return LA_OK;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(la_lexicon *lex, const char *dir, la_buf *b, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return LA_ELEXICON;
    }
    char **names = NULL; size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l <= 4 || strcmp(de->d_name + l - 4, ".tsv") != 0) continue;
        LA_GROW(names, cap, n + 1);
        names[n++] = la_xstrdup(de->d_name);
    }
    closedir(d);
    int rc = LA_OK;
    if (n == 0) {
        snprintf(err, errlen, "%s: no .tsv lexicon files", dir);
        rc = LA_ELEXICON;
    }
    if (n > 1) qsort(names, n, sizeof *names, name_cmp);   /* qsort(NULL, 0) is UB */
    la_buf path; la_buf_init(&path);
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        la_buf_reset(&path);
        la_buf_printf(&path, "%s/%s", dir, names[i]);
        rc = read_file(path.p, b, err, errlen);
        if (rc == LA_OK) rc = la_lexicon_add_buffer(lex, path.p, b->p ? b->p : "", b->len, err, errlen);
    }
    la_buf_free(&path);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

la_lexicon *la_lexicon_load(const char *dir, const char *const *files,
                            char *err, size_t errlen)
{
    char dummy[8];
    if (!err || !errlen) { err = dummy; errlen = sizeof dummy; }
    err[0] = 0;
    la_lexicon *lex = la_lexicon_new();
    la_buf b; la_buf_init(&b);
    int rc = LA_OK;
    if (!dir) {
        for (size_t i = 0; i < la_embedded_lexicons_count && rc == LA_OK; i++) {
            const struct la_embedded_file *f = &la_embedded_lexicons[i];
            rc = la_lexicon_add_buffer(lex, f->name, f->data, f->len, err, errlen);
        }
    } else {
        rc = load_dir(lex, dir, &b, err, errlen);
    }
    for (size_t i = 0; files && files[i] && rc == LA_OK; i++) {
        rc = read_file(files[i], &b, err, errlen);
        if (rc == LA_OK) rc = la_lexicon_add_buffer(lex, files[i], b.p ? b.p : "", b.len, err, errlen);
    }
    la_buf_free(&b);
    if (rc != LA_OK) {
        la_sanitize_controls(err);   /* file names and terms reach a terminal */
        la_lexicon_free(lex);
        return NULL;
    }
    la_lexicon_compile(lex);
    return lex;
}
