/*
 * normalize.c - folds a row's text into the form the lexicons are matched
 * against, keeping a byte-offset map back to the original.
 *
 * The fold, in the order applied to each code point of the input:
 *   1. invalid UTF-8 bytes become U+FFFD, one per bad byte;
 *   2. typographic apostrophes, quotes and dashes become ' " - (also the
 *      ASCII backtick, so the ASCII fast path and the full path agree);
 *   3. default-ignorable code points (zero-width space/joiner/non-joiner,
 *      soft hyphen, BOM, bidi controls, variation selectors, tags) are
 *      dropped, except a zero-width joiner between two pictographs, which
 *      holds an emoji ZWJ sequence together;
 *   4. NFKD with full case folding (utf8proc_decompose_char), so fullwidth
 *      and mathematical letters become ASCII;
 *   5. combining marks (Mn, Me) on a Latin, Greek or Cyrillic letter are
 *      stripped; marks on any other base stay, so a kana keeps its voiced
 *      mark and Devanagari keeps its signs;
 *   6. canonical reordering and composition (NFC) inside each "segment"
 *      (a starter and the code points that may combine with it);
 *   7. per word, the confusables fold: Cyrillic and Greek letters that look
 *      like Latin ones become ASCII, but only inside a word that already
 *      has a Latin letter, or whose letters are all look-alikes in a row
 *      that holds no other Cyrillic/Greek letter (so "ѕһіт" and "fuсk"
 *      fold but a Russian or Greek sentence is left alone).
 *
 * Main data structures: t->norm (output bytes) and t->map (uint32 per
 * output byte, plus one): map[i] is the byte offset in the original where
 * the code point that produced output byte i starts; map[norm_len] ==
 * orig_len. The map is non-decreasing. A segment buffer of at most SEG_MAX
 * code points lives on the stack; a word's look-alike letters are folded in
 * place when the word ends, which only ever shrinks the output (every
 * look-alike is 2+ bytes and folds to 1), so the fold is one linear pass.
 *
 * Invariants: the output is valid UTF-8; normalizing the output again gives
 * the same output (idempotence, checked by tests/fuzz/fuzz_normalize.c);
 * pure-ASCII input takes a fast path with an identity map and no utf8proc
 * calls, and produces exactly what the full path would.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "la_common.h"
#include "la_text.h"

/* A segment longer than this (a starter with more than 63 combining marks:
 * "Zalgo" text) drops the extra marks. Real text stays far below (Unicode's
 * stream-safe format allows 30 non-starters); the cap keeps canonical
 * reordering constant-time per code point. Pinned by test_normalize
 * (zalgo case). */
#define SEG_MAX 64
/* Look-alike hints kept per word; later look-alikes in a longer word fold
 * with their lower-case mapping. */
#define WORD_HINTS 64

typedef struct seg_cp {
    int32_t cp;
    uint32_t off;   /* source offset */
    char hint;      /* look-alike target decided from the source case, or 0 */
} seg_cp;

typedef struct norm_state {
    la_text *t;
    const unsigned char *src;
    size_t srclen;
    size_t out;                 /* bytes written to t->norm */
    seg_cp seg[SEG_MAX];
    int nseg;
    int32_t last_cp;            /* last code point accepted, for ZWJ */
    /* the word being written */
    int in_word;
    size_t word_start;
    int word_latin, word_other, word_ncand;
    char word_hint[WORD_HINTS];
    int row_real;               /* -1 unknown, 0/1: row holds a Cyrillic or
                                   Greek letter that is not a look-alike */
} norm_state;

/* ---- character tables ------------------------------------------------------ */

/* Look-alikes after case folding: lower-case Cyrillic, Greek and a few
 * Latin IPA letters, each to the ASCII letter it is read as. */
static const struct { int32_t cp; char to; } confusables[] = {
    {0x0131, 'i'}, {0x0251, 'a'}, {0x0261, 'g'}, {0x0269, 'i'},
    {0x03b1, 'a'}, {0x03b2, 'b'}, {0x03b3, 'y'}, {0x03b5, 'e'},
    {0x03b7, 'n'}, {0x03b9, 'i'}, {0x03ba, 'k'}, {0x03bc, 'u'},
    {0x03bd, 'v'}, {0x03bf, 'o'}, {0x03c1, 'p'}, {0x03c4, 't'},
    {0x03c5, 'u'}, {0x03c7, 'x'}, {0x03c9, 'w'},
    {0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043a, 'k'},
    {0x043c, 'm'}, {0x043d, 'h'}, {0x043e, 'o'}, {0x043f, 'n'},
    {0x0440, 'p'}, {0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'},
    {0x0445, 'x'}, {0x044c, 'b'}, {0x0455, 's'}, {0x0456, 'i'},
    {0x0458, 'j'}, {0x04bb, 'h'}, {0x04cf, 'l'}, {0x04af, 'y'},
    {0x0501, 'd'}, {0x051b, 'q'}, {0x051d, 'w'},
};

/* Capitals that read differently from their lower case (Greek eta is "H"
 * in capitals but "n" in lower case). Keyed by the source code point. */
static const struct { int32_t cp; char to; } upper_hints[] = {
    {0x0397, 'h'}, {0x039c, 'm'}, {0x039d, 'n'}, {0x03a5, 'y'},
};

static char confusable_to(int32_t cp)
{
    if (cp < 0x0131 || cp > 0x051d) return 0;
    size_t lo = 0, hi = LA_ARRAY_LEN(confusables);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (confusables[mid].cp == cp) return confusables[mid].to;
        if (confusables[mid].cp < cp) lo = mid + 1; else hi = mid;
    }
    return 0;
}

static char upper_hint(int32_t cp)
{
    for (size_t i = 0; i < LA_ARRAY_LEN(upper_hints); i++)
        if (upper_hints[i].cp == cp) return upper_hints[i].to;
    return 0;
}

/* Typographic punctuation folded to ASCII (before decomposition, so U+00B4
 * does not decompose to a space and a combining accent). */
static int32_t typographic(int32_t cp)
{
    switch (cp) {
    case 0x60: case 0xb4: case 0x2b9: case 0x2bb: case 0x2bc: case 0x2bd:
    case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
    case 0x2035:
        return '\'';
    case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
    case 0x2036:
        return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0x2e3a: case 0x2e3b:
        return '-';
    default:
        return cp;
    }
}

static int is_letter_cat(int cat)
{
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_mark_cat(int cat)
{
    return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

static int is_latin_range(int32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xc0 && cp < 0x2b0) || (cp >= 0x1d00 && cp < 0x1dc0) ||
           (cp >= 0x1e00 && cp < 0x1f00) || (cp >= 0x2c60 && cp < 0x2c80) ||
           (cp >= 0xa720 && cp < 0xa800) || (cp >= 0xab30 && cp < 0xab70);
}

static int is_greek_cyrillic_range(int32_t cp)
{
    return (cp >= 0x370 && cp < 0x530) || (cp >= 0x1c80 && cp < 0x1c90) ||
           (cp >= 0x1f00 && cp < 0x2000) || (cp >= 0xa640 && cp < 0xa6a0);
}

/* A letter whose diacritics are stripped. */
static int is_lgc_letter(int32_t cp)
{
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (!is_latin_range(cp) && !is_greek_cyrillic_range(cp)) return 0;
    return is_letter_cat(utf8proc_category(cp));
}

static int is_pictographic(int32_t cp)
{
    if (cp >= 0x1f3fb && cp <= 0x1f3ff) return 1; /* skin tones */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    return p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
           p->boundclass == UTF8PROC_BOUNDCLASS_E_ZWG;
}

/* A pictograph that normalization leaves as it is: one with a
 * compatibility mapping ("🉑" U+1F251 becomes the ideograph 可) is not,
 * so a ZWJ next to it is dropped on the first pass as it would be on a
 * second one (idempotence; seed tests/fuzz/seeds/normalize/zwj-compat). */
static int stays_pictographic(int32_t cp)
{
    return is_pictographic(cp) && utf8proc_get_property(cp)->decomp_type == 0;
}

static int is_hangul_vt(int32_t cp)
{
    return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11a8 && cp <= 0x11c2);
}

/* May cp join the segment before it (combine or reorder with it)? */
static int joins_segment(int32_t cp, const utf8proc_property_t *p)
{
    if (p->combining_class > 0) return 1;
    if (p->comb_index != UINT16_MAX && (p->comb_index & 0x8000)) return 1;
    return is_hangul_vt(cp);
}

/* ---- output -------------------------------------------------------------------- */

static void reserve_out(norm_state *st, size_t extra)
{
    la_text *t = st->t;
    if (st->out + extra + 1 > t->norm_cap) LA_GROW(t->norm, t->norm_cap, st->out + extra + 1);
    if (st->out + extra + 1 > t->map_cap) LA_GROW(t->map, t->map_cap, st->out + extra + 1);
}

/* Decides, once per row and only when needed, whether the row holds a
 * Cyrillic or Greek letter that is not a look-alike (a real word in those
 * scripts), which turns off the all-look-alikes rule. */
static int row_has_real_letters(norm_state *st)
{
    if (st->row_real >= 0) return st->row_real;
    st->row_real = 0;
    size_t i = 0;
    while (i < st->srclen) {
        int32_t cp;
        size_t len = la_utf8_decode(st->src + i, st->srclen - i, &cp);
        if (len == 0) { i++; continue; }
        i += len;
        if (!is_greek_cyrillic_range(cp) || !is_letter_cat(utf8proc_category(cp))) continue;
        utf8proc_int32_t buf[8];
        int bc = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(cp, buf, 8,
            UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE, &bc);
        if (k < 1 || k > 8) continue;
        if (is_greek_cyrillic_range(buf[0]) && !confusable_to(buf[0]) && !upper_hint(cp)) {
            st->row_real = 1;
            break;
        }
    }
    return st->row_real;
}

/* Ends the current word: folds its look-alikes in place when the rule says
 * so. Folding shrinks the bytes, so it rewrites norm and map forward. */
static void end_word(norm_state *st)
{
    if (!st->in_word) return;
    st->in_word = 0;
    if (st->word_ncand == 0) return;
    if (!st->word_latin && (st->word_other || row_has_real_letters(st))) return;
    la_text *t = st->t;
    size_t r = st->word_start, w = st->word_start;
    int k = 0;
    while (r < st->out) {
        int32_t cp;
        size_t len = la_utf8_decode((const unsigned char *)t->norm + r, st->out - r, &cp);
        char to = len ? confusable_to(cp) : 0;
        if (to) {
            if (k < WORD_HINTS && st->word_hint[k]) to = st->word_hint[k];
            k++;
            t->map[w] = t->map[r];
            t->norm[w++] = to;
            r += len;
        } else {
            if (len == 0) len = 1;
            for (size_t j = 0; j < len; j++) {
                t->map[w] = t->map[r];
                t->norm[w++] = t->norm[r++];
            }
        }
    }
    st->out = w;
    t->norm_how |= LA_HOW_CONFUSABLE;
}

static int is_word_cp(int32_t cp, int cat)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
               cp == '\'' || cp == '@' || cp == '$' || cp == '*' || cp == '#';
    return is_letter_cat(cat) || is_mark_cat(cat) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* Writes one code point with its source offset, tracking words. */
static void emit(norm_state *st, int32_t cp, uint32_t off, char hint)
{
    int cat = cp < 0x80 ? 0 : utf8proc_category(cp);
    if (is_word_cp(cp, cat)) {
        if (!st->in_word) {
            st->in_word = 1;
            st->word_start = st->out;
            st->word_latin = st->word_other = st->word_ncand = 0;
        }
        if (cp < 0x80) {
            if (cp >= 'a' && cp <= 'z') st->word_latin = 1;
        } else if (is_letter_cat(cat)) {
            if (confusable_to(cp)) {
                if (st->word_ncand < WORD_HINTS) st->word_hint[st->word_ncand] = hint;
                st->word_ncand++;
                if (is_latin_range(cp)) st->word_latin = 1;
            } else if (is_latin_range(cp)) {
                st->word_latin = 1;
            } else {
                st->word_other = 1;
            }
        }
    } else {
        end_word(st);
    }
    reserve_out(st, 4);
    la_text *t = st->t;
    size_t len = la_utf8_encode(cp, t->norm + st->out);
    for (size_t j = 0; j < len; j++) t->map[st->out + j] = off;
    st->out += len;
}

static int32_t compose_pair(int32_t a, int32_t b)
{
    utf8proc_int32_t buf[2] = {a, b};
    if (utf8proc_normalize_utf32(buf, 2, UTF8PROC_COMPOSE | UTF8PROC_STABLE) == 1)
        return buf[0];
    return -1;
}

/* Reorders the segment canonically, composes it (NFC) and writes it. */
static void flush_segment(norm_state *st)
{
    int n = st->nseg;
    if (n == 0) return;
    st->nseg = 0;
    seg_cp *s = st->seg;
    if (n == 1) { emit(st, s[0].cp, s[0].off, s[0].hint); return; }
    int ccc[SEG_MAX];
    for (int i = 0; i < n; i++) ccc[i] = utf8proc_get_property(s[i].cp)->combining_class;
    /* canonical ordering: stable insertion sort of each run of non-starters */
    for (int i = 1; i < n; i++) {
        if (ccc[i] == 0) continue;
        for (int j = i; j > 0 && ccc[j - 1] > ccc[j]; j--) {
            seg_cp tc = s[j]; s[j] = s[j - 1]; s[j - 1] = tc;
            int tk = ccc[j]; ccc[j] = ccc[j - 1]; ccc[j - 1] = tk;
        }
    }
    /* canonical composition */
    int w = 1, starter = ccc[0] == 0 ? 0 : -1;
    int last = ccc[0] == 0 ? 0 : 256;
    for (int i = 1; i < n; i++) {
        int c = ccc[i];
        /* not blocked: nothing between, or only marks of a lower class */
        if (starter >= 0 && (last == 0 || last < c)) {
            int32_t comp = compose_pair(s[starter].cp, s[i].cp);
            if (comp >= 0) {
                s[starter].cp = comp;
                s[starter].hint = 0;
                continue;
            }
        }
        if (c == 0) starter = w;
        last = c;
        s[w] = s[i];
        ccc[w] = c;
        w++;
    }
    uint32_t off = s[0].off;
    for (int i = 0; i < w; i++) {
        if (s[i].off > off) off = s[i].off;
        emit(st, s[i].cp, off, s[i].hint);
    }
}

/* Accepts one folded code point (after decomposition) into the segment. */
static void accept_cp(norm_state *st, int32_t cp, uint32_t off, char hint)
{
    la_text *t = st->t;
    if (cp == '`') cp = '\''; /* also from a decomposition (U+FF40) */
    if (cp >= 0x80) {
        const utf8proc_property_t *p = utf8proc_get_property(cp);
        if (p->ignorable && cp != 0x200d) { /* a ZWJ here was kept on purpose */
            /* variation selectors and tags only choose a presentation */
            if (!((cp >= 0xfe00 && cp <= 0xfe0f) || cp >= 0xe0000))
                t->norm_how |= LA_HOW_INVISIBLE;
            return;
        }
        int32_t ty = typographic(cp);
        if (ty != cp) { accept_cp(st, ty, off, 0); return; }
        if (st->nseg > 0 && joins_segment(cp, p)) {
            if ((p->category == UTF8PROC_CATEGORY_MN || p->category == UTF8PROC_CATEGORY_ME) &&
                utf8proc_get_property(st->seg[0].cp)->combining_class == 0 &&
                is_lgc_letter(st->seg[0].cp)) {
                t->norm_how |= LA_HOW_DIACRITIC;
                return;
            }
            if (st->nseg == SEG_MAX) return; /* Zalgo overflow, see SEG_MAX */
            st->seg[st->nseg++] = (seg_cp){cp, off, hint};
            st->last_cp = cp;
            return;
        }
    }
    flush_segment(st);
    st->seg[0] = (seg_cp){cp, off, hint};
    st->nseg = 1;
    st->last_cp = cp;
}

/* The next source code point after offset i, skipping variation selectors;
 * -1 at the end or at invalid bytes. */
static int32_t peek_cp(const unsigned char *s, size_t n, size_t i)
{
    while (i < n) {
        int32_t cp;
        size_t len = la_utf8_decode(s + i, n - i, &cp);
        if (len == 0) return -1;
        if (cp < 0xfe00 || cp > 0xfe0f) return cp;
        i += len;
    }
    return -1;
}

static void normalize_full(la_text *t, const unsigned char *s, size_t n)
{
    norm_state st;
    st.t = t;
    st.src = s;
    st.srclen = n;
    st.out = 0;
    st.nseg = 0;
    st.last_cp = -1;
    st.in_word = 0;
    st.row_real = -1;
    reserve_out(&st, n + n / 2 + 16);
    size_t i = 0;
    while (i < n) {
        uint32_t off = (uint32_t)i;
        unsigned char b = s[i];
        if (b < 0x80) {
            int32_t c = b;
            if (c >= 'A' && c <= 'Z') c += 32;
            else if (c == '`') c = '\'';
            accept_cp(&st, c, off, 0);
            i++;
            continue;
        }
        int32_t cp;
        size_t len = la_utf8_decode(s + i, n - i, &cp);
        if (len == 0) { /* invalid byte: one U+FFFD for it */
            accept_cp(&st, 0xfffd, off, 0);
            i++;
            continue;
        }
        i += len;
        if (cp == 0x200d) {
            if (st.last_cp >= 0 && stays_pictographic(st.last_cp)) {
                int32_t nx = peek_cp(s, n, i);
                if (nx >= 0 && stays_pictographic(nx)) {
                    accept_cp(&st, cp, off, 0);
                    continue;
                }
            }
            t->norm_how |= LA_HOW_INVISIBLE;
            continue;
        }
        if (cp >= 0x1f150 && cp <= 0x1f189 && (cp < 0x1f16a || cp >= 0x1f170)) {
            /* negative circled and squared Latin capitals, no decomposition */
            accept_cp(&st, 'a' + (cp - (cp >= 0x1f170 ? 0x1f170 : 0x1f150)), off, 0);
            t->norm_how |= LA_HOW_CONFUSABLE;
            continue;
        }
        int32_t ty = typographic(cp);
        if (ty != cp) { accept_cp(&st, ty, off, 0); continue; }
        const utf8proc_property_t *p = utf8proc_get_property(cp);
        if (p->ignorable) { accept_cp(&st, cp, off, 0); continue; }
        utf8proc_int32_t buf[64];
        int bc = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(cp, buf, 64,
            UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE, &bc);
        if (k < 1 || k > 64) { buf[0] = cp; k = 1; }
        char hint = upper_hint(cp);
        int compat_letter = 0;
        switch (p->decomp_type) {
        case UTF8PROC_DECOMP_TYPE_FONT: case UTF8PROC_DECOMP_TYPE_CIRCLE:
        case UTF8PROC_DECOMP_TYPE_SUPER: case UTF8PROC_DECOMP_TYPE_SUB:
        case UTF8PROC_DECOMP_TYPE_WIDE: case UTF8PROC_DECOMP_TYPE_SMALL:
        case UTF8PROC_DECOMP_TYPE_SQUARE:
            compat_letter = 1;
            break;
        default:
            break;
        }
        for (utf8proc_ssize_t j = 0; j < k; j++) {
            if (compat_letter && buf[j] < 0x80 &&
                ((buf[j] >= 'a' && buf[j] <= 'z') || (buf[j] >= '0' && buf[j] <= '9')))
                t->norm_how |= LA_HOW_CONFUSABLE;
            accept_cp(&st, buf[j], off, j == 0 ? hint : 0);
        }
    }
    flush_segment(&st);
    end_word(&st);
    reserve_out(&st, 0);
    t->norm[st.out] = '\0';
    t->map[st.out] = (uint32_t)n;
    t->norm_len = st.out;
}

/* ---- public ------------------------------------------------------------------- */

void la_text_init(la_text *t)
{
    memset(t, 0, sizeof *t);
}

void la_text_free(la_text *t)
{
    if (!t) return;
    free(t->norm);
    free(t->map);
    free(t->tok);
    free(t->m);
    free(t->memo);
    memset(t, 0, sizeof *t);
}

/* Normalizes s[0..n) into t (see the paragraph at the top). Overwrites the
 * previous row's norm, map and flags; tokens and matches of the previous
 * row are cleared (ntok = nm = 0). s is borrowed and must outlive the use
 * of t for this row. Rows of 4 GiB or more are not supported (the map is
 * 32-bit); callers bound line length well below that. */
void la_text_normalize(la_text *t, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    t->orig = s;
    t->orig_len = n;
    t->norm_how = 0;
    t->ntok = 0;
    t->nm = 0;
    size_t i = 0;
    while (i < n && u[i] < 0x80) i++;
    t->ascii = i == n;
    if (!t->ascii) {
        normalize_full(t, u, n);
        return;
    }
    LA_GROW(t->norm, t->norm_cap, n + 1);
    LA_GROW(t->map, t->map_cap, n + 1);
    for (i = 0; i < n; i++) {
        unsigned char c = u[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        else if (c == '`') c = '\'';
        t->norm[i] = (char)c;
        t->map[i] = (uint32_t)i;
    }
    t->norm[n] = '\0';
    t->map[n] = (uint32_t)n;
    t->norm_len = n;
}

/* Normalizes a standalone string exactly as row text is normalized (the
 * same fold, so a lexicon term meets text on equal terms). Returns a
 * malloc'd NUL-terminated string the caller frees; *outlen (if not NULL)
 * gets its length. Never returns NULL (allocation failure aborts). */
char *la_normalize_dup(const char *s, size_t n, size_t *outlen)
{
    la_text t;
    la_text_init(&t);
    la_text_normalize(&t, s, n);
    char *r = la_xstrndup(t.norm, t.norm_len);
    if (outlen) *outlen = t.norm_len;
    la_text_free(&t);
    return r;
}
