/*
 * match.c - lexicon matching over the tokens of one text, seeing through
 * the usual obfuscations, and recording how each match was seen.
 *
 * Input: t->norm and t->tok from la_text_normalize/la_text_tokenize and a
 * compiled lexicon. Output: t->m, sorted by original start then term id,
 * at most one match per (span, term). Matching never crosses a token
 * boundary except for multi-word terms, letters joined across separators
 * ("f.u.c.k", "f u c k") and substring terms inside runs of CJK tokens.
 *
 * Per word token, the stages below run in order and the first stage that
 * finds a term wins (so "shit" is reported exact, never also as a leet
 * reading of something else):
 *   1. exact: the token's normalized text is a term's first token (then
 *      the remaining tokens of a multi-word term are compared in turn);
 *   2. variants: letter runs of 3+ collapsed to 1 or 2 (REPEAT) and leet
 *      readings (LEET), each looked up exactly;
 *   3. inflection: English suffixes stripped from the token and from its
 *      variants (INFLECTION), with the dictionary refusing a candidate
 *      that is a word of its own (see refuse_inflection);
 *   4. doubled letters collapsed ("shitt"), only for non-dictionary tokens;
 *   5. masks: symbols standing for letters ("f*ck", "b***h"), resolved
 *      against the mask index when one candidate is clearly best.
 * Every de-obfuscated match (stages 2-5, separators) needs a term of at
 * least MIN_OBFUSC bytes that is not flagged noobfusc. Allow-list terms
 * (kind allow) are matched exactly; a profanity, slur, insult, threat,
 * dehumanizing or identity match inside an allow match is dropped, and
 * allow matches themselves are not reported. Nothing here allocates except growing t->m; all scratch is on
 * the stack, so any number of threads may match against one lexicon.
 */
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_lexdata.h"
#include "la_text.h"

/* Tokens longer than this are only looked up exactly: no term is that
 * long, and it bounds the stack scratch below. */
#define TOKMAX 64
/* The shortest term a de-obfuscated form may produce: one- and two-letter
 * terms ("u", "i", "ur", "ho") come out of ordinary text by accident
 * ("1" read as "i", "uuu" collapsed to "u"). Pinned by test_match.c
 * (short_terms_not_deobfuscated). */
#define MIN_OBFUSC 3
/* Limits on the variants of one token: repeat runs beyond MAXRUNS are
 * collapsed to one letter only, leet positions beyond MAXLEET keep their
 * first reading. Bounds the work per token to MAXVAR lookups. */
#define MAXRUNS 4
#define MAXLEET 6
#define MAXVAR 96
/* A separator run joins at most this many single letters; the longest
 * term is shorter. */
#define MAXSEP 24

typedef struct variant {
    char s[TOKMAX + 1];
    uint8_t n;
    uint16_t how;
} variant;

typedef struct found {
    uint32_t id;
    uint16_t how;
} found;

#define MAXFOUND 16

typedef struct ctx {
    la_text *t;
    const la_lexicon *lex;
    la_dict *dict;
    la_dict_cache *cache;
} ctx;

/* ---- how ------------------------------------------------------------------- */

void la_how_string(unsigned how, char *out, size_t outlen)
{
    static const char *const names[] = {
        "leet", "repeat", "separator", "mask", "confusable", "inflection",
        "diacritic", "invisible", "substring"
    };
    if (!outlen) return;
    out[0] = 0;
    if (!how) { snprintf(out, outlen, "exact"); return; }
    size_t len = 0;
    for (size_t b = 0; b < LA_ARRAY_LEN(names); b++) {
        if (!(how & (1u << b))) continue;
        int w = snprintf(out + len, outlen - len, "%s%s", len ? "+" : "", names[b]);
        if (w < 0 || (size_t)w >= outlen - len) { out[outlen - 1] = 0; return; }
        len += (size_t)w;
    }
}

/* The normalization bits that apply to original bytes [s, e): which kind
 * of character the normalizer had to fold there. */
static unsigned span_how(const la_text *t, uint32_t s, uint32_t e)
{
    if (t->ascii || !t->norm_how) return 0;
    unsigned how = 0;
    const unsigned char *p = (const unsigned char *)t->orig;
    for (uint32_t i = s; i < e && i < t->orig_len;) {
        if (p[i] < 0x80) { i++; continue; }
        int32_t c;
        size_t k = la_utf8_decode(p + i, t->orig_len - i, &c);
        if (!k) { i++; continue; }
        i += (uint32_t)k;
        if (c == 0xAD || c == 0x34F || (c >= 0x200B && c <= 0x200F) ||
            (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || c == 0x180E ||
            (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
            how |= LA_HOW_INVISIBLE;
        else if ((c >= 0xC0 && c <= 0x24F) || (c >= 0x300 && c <= 0x36F) ||
                 (c >= 0x1E00 && c <= 0x1EFF))
            how |= LA_HOW_DIACRITIC;
        else if ((c >= 0x370 && c <= 0x52F) || (c >= 0xFF00 && c <= 0xFFEF) ||
                 (c >= 0x1D400 && c <= 0x1D7FF) || (c >= 0x2100 && c <= 0x214F) ||
                 (c >= 0x2460 && c <= 0x24FF) || (c >= 0x1F130 && c <= 0x1F189) ||
                 (c >= 0x13A0 && c <= 0x13FF) || (c >= 0x1D00 && c <= 0x1DBF))
            how |= LA_HOW_CONFUSABLE;
    }
    how &= t->norm_how;
    /* a fold the table above does not know: credit what the normalizer saw */
    if (!how) {
        uint32_t nb = 0;
        for (uint32_t i = s; i < e && i < t->orig_len; i++) if (p[i] >= 0x80) nb++;
        if (nb) how = t->norm_how & (LA_HOW_CONFUSABLE | LA_HOW_DIACRITIC | LA_HOW_INVISIBLE);
    }
    return how;
}

static void emit(ctx *c, uint32_t tok, uint32_t ntok, uint32_t s, uint32_t e,
                 const la_term *tm, unsigned how)
{
    la_text *t = c->t;
    LA_GROW(t->m, t->m_cap, t->nm + 1);
    la_match *m = &t->m[t->nm++];
    m->start = s; m->end = e;
    m->tok = tok; m->ntok = ntok;
    m->term = tm;
    m->how = (uint16_t)(how | span_how(t, s, e));
}

/* ---- characters -------------------------------------------------------------- */

static int is_alpha(unsigned char ch) { return (ch | 32) >= 'a' && (ch | 32) <= 'z'; }

static int is_vowel(unsigned char ch)
{
    return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u';
}

/* Leet readings of one byte: up to two letters, "" when none. The second
 * reading covers the usual ambiguity (1 and ! and | as i or l). */
static const char *leet_of(unsigned char ch)
{
    switch (ch) {
    case '0': return "o";
    case '1': return "il";
    case '2': return "z";
    case '3': return "e";
    case '4': return "a";
    case '5': return "s";
    case '6': return "g";
    case '7': return "t";
    case '8': return "b";
    case '9': return "g";
    case '@': return "a";
    case '$': return "s";
    case '!': return "il";
    case '+': return "t";
    case '|': return "li";
    case '(': return "c";
    case '<': return "c";
    case '%': return "x";
    case '&': return "a";
    default: return "";
    }
}

/* Symbols that stand for unknown letters in masked words. Digits are
 * accepted too ("f4ck" is a mask, not a leet reading). */
static int is_mask(unsigned char ch)
{
    return ch == '*' || ch == '#' || ch == '@' || ch == '%' || ch == '&' ||
           ch == '?' || ch == '$' || ch == '!' || ch == '^' || ch == '~' ||
           ch == '+' || ch == '_' || ch == '.' || ch == '-' ||
           (ch >= '0' && ch <= '9');
}

/* Separators between the letters of a spelled-out word ("f.u.c.k",
 * "f u c k", "f-u-c-k", "f_u_c_k", "f*u*c*k"). */
static int is_sep(unsigned char ch)
{
    return ch == ' ' || ch == '.' || ch == '-' || ch == '_' || ch == '*' ||
           ch == '~' || ch == '/' || ch == '|';
}

/* ---- lookups -------------------------------------------------------------------- */

static int term_len_ok(const la_term *tm) { return strlen(tm->norm) >= MIN_OBFUSC; }

/* Term classes searched independently: a token that is exactly a context
 * word ("bitches" as a person noun) is still looked at for abuse terms
 * ("bitch" inflected), and the other way round. */
enum { CLS_ABUSE = 1, CLS_CONTEXT = 2 };

static unsigned term_cls(const la_term *tm)
{
    return (tm->kind == LA_KIND_PROFANITY || tm->kind == LA_KIND_SLUR ||
            tm->kind == LA_KIND_INSULT) ? CLS_ABUSE : CLS_CONTEXT;
}

/* The classes of f[from..nf). */
static unsigned found_cls(const ctx *c, const found *f, int from, int nf)
{
    unsigned k = 0;
    for (int i = from; i < nf; i++) k |= term_cls(la_lexicon_term(c->lex, f[i].id));
    return k;
}

/* Looks up s as a whole single-token term; adds to f those passing the
 * filter. how != 0 marks an obfuscated form (needs !noobfusc, length). */
static int lookup_single(const ctx *c, const char *s, size_t n, unsigned how,
                         unsigned want, found *f, int nf)
{
    const uint32_t *ids;
    size_t k = la_lexicon_lookup(c->lex, s, n, &ids);
    for (size_t i = 0; i < k && nf < MAXFOUND; i++) {
        const la_term *tm = la_lexicon_term(c->lex, ids[i]);
        if (tm->ntok != 1 || !(term_cls(tm) & want)) continue;
        if (how && ((tm->flags & LA_TF_NOOBFUSC) || !term_len_ok(tm) || tm->kind == LA_KIND_ALLOW))
            continue;
        f[nf++] = (found){ ids[i], (uint16_t)how };
    }
    return nf;
}

/* ---- variants: repeats and leet ------------------------------------------------------- */

static int has_leet(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) if (leet_of((unsigned char)s[i])[0]) return 1;
    return 0;
}

static int add_variant(variant *v, int nv, const char *s, size_t n, unsigned how)
{
    if (nv >= MAXVAR || n == 0 || n > TOKMAX) return nv;
    for (int i = 0; i < nv; i++)
        if (v[i].n == n && memcmp(v[i].s, s, n) == 0) return nv;
    memcpy(v[nv].s, s, n); v[nv].s[n] = 0;
    v[nv].n = (uint8_t)n; v[nv].how = (uint16_t)how;
    return nv + 1;
}

/* Repeat variants of s: every run of 3+ equal bytes collapsed to 1 or 2.
 * When dbl is set, every run of 2+ is collapsed to 1 instead (stage 4). */
static int repeat_variants(const char *s, size_t n, int dbl, variant *v, int nv)
{
    size_t runs[MAXRUNS]; int nr = 0, more = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] == s[i]) j++;
        if (j - i >= (dbl ? 2u : 3u)) { if (nr < MAXRUNS) runs[nr++] = i; else more = 1; }
        i = j;
    }
    if (!nr) return nv;
    int combos = dbl ? 1 : 1 << nr;
    for (int m = 0; m < combos; m++) {
        char out[TOKMAX + 1]; size_t o = 0; int r = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && s[j] == s[i]) j++;
            size_t keep = j - i;
            if (r < nr && runs[r] == i) { keep = (m >> r & 1) ? 2 : 1; r++; }
            else if (keep >= (dbl ? 2u : 3u) && more) keep = 1;
            for (size_t q = 0; q < keep; q++) out[o++] = s[i];
            i = j;
        }
        nv = add_variant(v, nv, out, o, LA_HOW_REPEAT);
    }
    return nv;
}

/* Leet readings of s, each position taking each of its readings (only
 * the first reading past MAXLEET positions). */
static int leet_variants(const char *s, size_t n, unsigned how, variant *v, int nv)
{
    size_t pos[MAXLEET]; int np = 0;
    for (size_t i = 0; i < n && np < MAXLEET; i++)
        if (leet_of((unsigned char)s[i])[0]) pos[np++] = i;
    if (!np) return nv;
    int combos = 1;
    for (int p = 0; p < np; p++) combos *= (int)strlen(leet_of((unsigned char)s[pos[p]]));
    for (int m = 0; m < combos && nv < MAXVAR; m++) {
        char out[TOKMAX + 1];
        memcpy(out, s, n);
        int rest = m;
        for (int p = 0; p < np; p++) {
            const char *r = leet_of((unsigned char)s[pos[p]]);
            int nr = (int)strlen(r);
            out[pos[p]] = r[rest % nr];
            rest /= nr;
        }
        for (size_t i = 0; i < n; i++) {   /* positions past MAXLEET */
            const char *r = leet_of((unsigned char)out[i]);
            if (r[0] && !is_alpha((unsigned char)out[i])) out[i] = r[0];
        }
        nv = add_variant(v, nv, out, n, how | LA_HOW_LEET);
    }
    return nv;
}

/* ---- inflection ------------------------------------------------------------------ */

/* English suffixes, longest first within a family. derived: the suffix
 * often makes a word of its own ("butter", "cocky", "titter"), so a
 * dictionary word formed with it is not taken as an inflection. y: the
 * stem may end in y ("pussies" -> "pussy", "shittiest" -> "shitty"; the
 * comparative of a term that is already an adjective is regular). */
static const struct { const char *suf; uint8_t derived, y; } suffixes[] = {
    { "s", 0, 0 }, { "'s", 0, 0 }, { "s'", 0, 0 }, { "es", 0, 0 },
    { "ed", 0, 0 }, { "ing", 0, 0 }, { "ings", 0, 0 }, { "in", 1, 0 },
    { "in'", 1, 0 }, { "ies", 0, 1 }, { "ied", 0, 1 },
    { "er", 1, 0 }, { "ers", 1, 0 }, { "y", 1, 0 }, { "ier", 0, 1 },
    { "iest", 0, 1 }, { "ey", 1, 0 }, { "ier", 1, 0 }, { "iest", 1, 0 },
};

/* Whether the dictionary says the whole token w is a word of its own,
 * unrelated to base: it is a dictionary word and either the base is not
 * (so the dictionary cannot have derived it: "therapist") or the suffix
 * is derivational ("butter" from "butt"). Regular inflections of a
 * dictionary base ("fucking", "bitches", "kills") are accepted. Pinned by
 * test_match.c (dictionary_refusal). */
static int refuse_inflection(const ctx *c, const char *w, size_t n,
                             const char *base, size_t bn, int derived)
{
    if (!c->dict) return 0;
    if (!la_dict_check(c->dict, c->cache, w, n)) return 0;
    if (derived) return 1;
    return !la_dict_check(c->dict, c->cache, base, bn);
}

/* Tries every suffix rule on s; keeps the matches of the longest base.
 * check_dict: s is the token itself (not a variant), so the dictionary
 * may refuse. Mask-bearing stems are left to stage 5. */
static int inflect(const ctx *c, const char *s, size_t n, unsigned how,
                   int check_dict, unsigned want, found *f, int nf0)
{
    found best[MAXFOUND]; int nb = 0; size_t blen = 0;
    /* every suffix ends in one of these: most words leave at once */
    if (n < MIN_OBFUSC + 1 || !memchr("sdgnrty'", s[n - 1], 8)) return nf0;
    for (size_t r = 0; r < LA_ARRAY_LEN(suffixes); r++) {
        size_t sl = strlen(suffixes[r].suf);
        if (n < sl + MIN_OBFUSC || memcmp(s + n - sl, suffixes[r].suf, sl) != 0) continue;
        size_t stem = n - sl;
        char cand[3][TOKMAX + 2]; size_t cl[3]; int nc = 0;
        memcpy(cand[nc], s, stem); cl[nc++] = stem;
        if (suffixes[r].y) {
            memcpy(cand[nc], s, stem); cand[nc][stem] = 'y'; cl[nc++] = stem + 1;
        } else if (is_vowel((unsigned char)suffixes[r].suf[0]) || suffixes[r].suf[0] == 'y') {
            if (stem >= 2 && s[stem - 1] == s[stem - 2] && !is_vowel((unsigned char)s[stem - 1]))
                { memcpy(cand[nc], s, stem - 1); cl[nc++] = stem - 1; }
            else { memcpy(cand[nc], s, stem); cand[nc][stem] = 'e'; cl[nc++] = stem + 1; }
        }
        for (int k = 0; k < nc; k++) {
            if (cl[k] < blen || cl[k] < MIN_OBFUSC) continue;
            const uint32_t *ids;
            size_t m = la_lexicon_lookup(c->lex, cand[k], cl[k], &ids);
            found tmp[MAXFOUND]; int nt = 0;
            for (size_t i = 0; i < m && nt < MAXFOUND; i++) {
                const la_term *tm = la_lexicon_term(c->lex, ids[i]);
                if (tm->ntok != 1 || (tm->flags & LA_TF_NOINFLECT) || tm->kind == LA_KIND_ALLOW) continue;
                if (!(term_cls(tm) & want)) continue;
                /* derivational suffixes only for abuse terms: "classy" is
                 * not an inflection of a context word like "class" */
                if (suffixes[r].derived && tm->kind != LA_KIND_PROFANITY &&
                    tm->kind != LA_KIND_SLUR && tm->kind != LA_KIND_INSULT) continue;
                if (how && (tm->flags & LA_TF_NOOBFUSC)) continue;
                if (check_dict && refuse_inflection(c, s, n, cand[k], cl[k], suffixes[r].derived)) continue;
                tmp[nt++] = (found){ ids[i], (uint16_t)(how | LA_HOW_INFLECTION) };
            }
            if (!nt) continue;
            if (cl[k] > blen) { nb = 0; blen = cl[k]; }
            for (int i = 0; i < nt && nb < MAXFOUND; i++) {
                int dup = 0;
                for (int j = 0; j < nb; j++) if (best[j].id == tmp[i].id) dup = 1;
                if (!dup) best[nb++] = tmp[i];
            }
        }
    }
    for (int i = 0; i < nb && nf0 < MAXFOUND; i++) f[nf0++] = best[i];
    return nf0;
}

/* ---- masks ------------------------------------------------------------------------ */

/* Resolves a masked word against the mask index. Requires a known first
 * letter, at least two known letters, and the last letter known unless
 * three are: "f*ck", "f**k", "b***h", "sh*t" resolve, "f***" and "fu**"
 * do not (too many readings). Among the candidates the single distinct
 * form wins, or the one of strictly highest severity; a tie means no
 * match. Pinned by test_match.c (masks). */
static int mask_match(const ctx *c, const char *s, size_t n, unsigned how, found *f, int nf)
{
    if (n < MIN_OBFUSC || n > TOKMAX || !is_alpha((unsigned char)s[0])) return nf;
    size_t known = 0, wild = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (is_alpha(ch)) known++;
        else if (is_mask(ch)) wild++;
        else return nf;
    }
    if (!wild || known < 2 || (!is_alpha((unsigned char)s[n - 1]) && known < 3)) return nf;
    const uint32_t *ids;
    size_t k = la_lexicon_mask_candidates(c->lex, n, (unsigned char)s[0], &ids);
    const la_term *best = NULL; int tie = 0;
    for (size_t i = 0; i < k; i++) {
        const la_term *tm = la_lexicon_term(c->lex, ids[i]);
        int ok = 1;
        for (size_t j = 0; j < n && ok; j++) {
            unsigned char ch = (unsigned char)s[j], tc = (unsigned char)tm->norm[j];
            ok = is_alpha(ch) ? ch == tc : is_alpha(tc);
        }
        if (!ok) continue;
        if (!best) { best = tm; tie = 0; continue; }
        if (strcmp(best->norm, tm->norm) == 0) continue;
        if (tm->severity > best->severity) { best = tm; tie = 0; }
        else if (tm->severity == best->severity) tie = 1;
    }
    if (!best || tie) return nf;
    for (size_t i = 0; i < k && nf < MAXFOUND; i++) {
        const la_term *tm = la_lexicon_term(c->lex, ids[i]);
        if (strcmp(tm->norm, best->norm) == 0) f[nf++] = (found){ tm->id, (uint16_t)(how | LA_HOW_MASK) };
    }
    return nf;
}

static int mask_inflect(const ctx *c, const char *s, size_t n, found *f, int nf)
{
    for (size_t r = 0; r < LA_ARRAY_LEN(suffixes) && !nf; r++) {
        size_t sl = strlen(suffixes[r].suf);
        if (n < sl + MIN_OBFUSC || memcmp(s + n - sl, suffixes[r].suf, sl) != 0) continue;
        size_t stem = n - sl;
        nf = mask_match(c, s, stem, LA_HOW_INFLECTION, f, nf);
        if (!nf && stem >= 2 && s[stem - 1] == s[stem - 2] && is_alpha((unsigned char)s[stem - 1]))
            nf = mask_match(c, s, stem - 1, LA_HOW_INFLECTION, f, nf);
    }
    return nf;
}

/* ---- one word ------------------------------------------------------------------------ */

/* Stages 2-5 for one word, for the term classes in want (those the
 * exact lookup did not find). A class found by one stage is not searched
 * by later stages. */
static int deobfuscate_word(const ctx *c, const char *w, size_t n, int allow_mask,
                            unsigned want, found *f)
{
    int nf = 0;
    if (n > TOKMAX || n < 2) return 0;
    variant v[MAXVAR]; int nv = 0;
    nv = repeat_variants(w, n, 0, v, nv);
    int nrep = nv;
    if (has_leet(w, n)) nv = leet_variants(w, n, 0, v, nv);
    for (int i = 0; i < nrep; i++)
        if (has_leet(v[i].s, v[i].n)) nv = leet_variants(v[i].s, v[i].n, v[i].how, v, nv);
    /* stage 2: repeats and leet */
    unsigned got = 0;
    for (int i = 0; i < nv && want; i++) {
        int before = nf;
        nf = lookup_single(c, v[i].s, v[i].n, v[i].how, want, f, nf);
        got |= found_cls(c, f, before, nf);
        want &= ~got;
    }
    if (!want) return nf;
    /* stage 3: inflection of the word, then of its variants */
    int before = nf;
    nf = inflect(c, w, n, 0, 1, want, f, nf);
    for (int i = 0; i < nv && nf == before; i++)
        nf = inflect(c, v[i].s, v[i].n, v[i].how, 1, want, f, nf);
    want &= ~found_cls(c, f, before, nf);
    if (!want) return nf;
    /* stage 4: doubled letters, never for a dictionary word ("good") */
    variant d[MAXVAR]; int nd = repeat_variants(w, n, 1, d, 0);
    for (int i = 0; i < nv && nd < MAXVAR; i++) {
        int b2 = nd;
        nd = repeat_variants(v[i].s, v[i].n, 1, d, nd);
        for (int j = b2; j < nd; j++) d[j].how |= v[i].how;
    }
    before = nf;
    for (int i = 0; i < nd && nf == before; i++)
        nf = lookup_single(c, d[i].s, d[i].n, d[i].how | LA_HOW_REPEAT, want, f, nf);
    if (nf > before && la_dict_check(c->dict, c->cache, w, n)) nf = before;
    want &= ~found_cls(c, f, before, nf);
    int masked = 0;
    for (size_t i = 1; i < n && !masked; i++)
        masked = !is_alpha((unsigned char)w[i]) && is_mask((unsigned char)w[i]);
    if (allow_mask && masked && (want & CLS_ABUSE)) {
        before = nf;
        nf = mask_match(c, w, n, 0, f, nf);
        if (nf == before) nf = mask_inflect(c, w, n, f, nf);
        /* a masked word with repeated letters or leet too: "f***ck", "f*ck1ng" */
        for (int i = 0; i < nv && nf == before; i++) {
            nf = mask_match(c, v[i].s, v[i].n, v[i].how, f, nf);
            if (nf == before) {
                nf = mask_inflect(c, v[i].s, v[i].n, f, nf);
                for (int q = before; q < nf; q++) f[q].how |= v[i].how;
            }
        }
    }
    return nf;
}

/* ---- the memo --------------------------------------------------------------------------
 * Stages 2-5 are a pure function of (word, allow_mask, want) for a given
 * lexicon and dictionary, and most of a row's words were seen in earlier
 * rows, nearly all with no match: each thread keeps the last result per
 * slot of a direct-mapped table (MEMO_SLOTS entries, 60 bytes each, about
 * 240 KiB, allocated on first use and reused for every later row), so a
 * word seen before costs a hash and a compare instead of its variants,
 * inflections and dictionary look-ups. Words longer than MEMO_KEY bytes
 * and results of more than MEMO_FOUND terms are not kept. The table is
 * emptied when the lexicon (by address and digest) or the dictionary
 * changes. Same answers as without it: test_match runs every case twice,
 * the second time from the memo. */
#define MEMO_SLOTS 4096
#define MEMO_KEY 23
#define MEMO_FOUND 4

typedef struct memo_ent {
    uint8_t len;           /* key bytes; 0: empty slot */
    uint8_t arg;           /* allow_mask | want << 1 */
    uint8_t nf;
    char key[MEMO_KEY];
    found f[MEMO_FOUND];
} memo_ent;

struct la_match_memo {
    const la_lexicon *lex;
    uint64_t digest;
    const la_dict *dict;
    memo_ent e[MEMO_SLOTS];
};

/* The memo of c's text, emptied if it belonged to another lexicon or
 * dictionary. */
static struct la_match_memo *memo_of(const ctx *c)
{
    la_text *t = c->t;
    uint64_t dg = la_lexicon_digest(c->lex);
    if (!t->memo) {
        t->memo = la_xcalloc(1, sizeof *t->memo);
    } else if (t->memo->lex == c->lex && t->memo->digest == dg && t->memo->dict == c->dict) {
        return t->memo;
    } else {
        memset(t->memo->e, 0, sizeof t->memo->e);
    }
    t->memo->lex = c->lex;
    t->memo->digest = dg;
    t->memo->dict = c->dict;
    return t->memo;
}

/* Stages 2-5 for one word through the memo (see above). */
static int deobfuscate(const ctx *c, const char *w, size_t n, int allow_mask,
                       unsigned want, found *f)
{
    if (n > MEMO_KEY || n < 2) return deobfuscate_word(c, w, n, allow_mask, want, f);
    uint8_t arg = (uint8_t)((allow_mask != 0) | want << 1);
    struct la_match_memo *m = memo_of(c);
    memo_ent *e = &m->e[la_hash64(w, n, arg) & (MEMO_SLOTS - 1)];
    if (e->len == n && e->arg == arg && memcmp(e->key, w, n) == 0) {
        memcpy(f, e->f, e->nf * sizeof *f);
        return e->nf;
    }
    int nf = deobfuscate_word(c, w, n, allow_mask, want, f);
    if (nf <= MEMO_FOUND) {
        e->len = (uint8_t)n;
        e->arg = arg;
        e->nf = (uint8_t)nf;
        memcpy(e->key, w, n);
        memcpy(e->f, f, (size_t)nf * sizeof *f);
    }
    return nf;
}

/* ---- tokens ------------------------------------------------------------------------------ */

static const char *tok_text(const la_text *t, size_t i, size_t *n)
{
    *n = t->tok[i].nend - t->tok[i].nstart;
    return t->norm + t->tok[i].nstart;
}

static int word_like(uint8_t type)
{
    return type == LA_TOK_WORD || type == LA_TOK_MENTION || type == LA_TOK_HASHTAG;
}

/* Whether tokens i+1.. continue the multi-word term tm (whose first token
 * matched token i). Returns the index of its last token, or 0. */
static size_t continues(const la_text *t, size_t i, const la_term *tm)
{
    const char *p = strchr(tm->norm, ' ');
    size_t j = i;
    while (p) {
        p++;
        const char *q = strchr(p, ' ');
        size_t want = q ? (size_t)(q - p) : strlen(p);
        if (++j >= t->ntok) return 0;
        size_t n; const char *s = tok_text(t, j, &n);
        if (n != want || memcmp(s, p, n) != 0) return 0;
        p = q;
    }
    return j;
}

static void emit_found(ctx *c, size_t i, size_t j, const found *f, int nf, unsigned extra)
{
    const la_text *t = c->t;
    for (int k = 0; k < nf; k++)
        emit(c, (uint32_t)i, (uint32_t)(j - i + 1), t->tok[i].start, t->tok[j].end,
             la_lexicon_term(c->lex, f[k].id), f[k].how | extra);
}

/* All matches that start at word token i. */
static void match_word(ctx *c, size_t i)
{
    la_text *t = c->t;
    const la_token *tk = &t->tok[i];
    size_t n; const char *w = tok_text(t, i, &n);
    if (!n) return;
    const char *body = w; size_t bn = n;
    uint32_t bstart = tk->start;
    if ((tk->type == LA_TOK_MENTION || tk->type == LA_TOK_HASHTAG) && n > 1 &&
        (w[0] == '@' || w[0] == '#')) {
        body = w + 1; bn = n - 1;
        bstart = t->map[tk->nstart + 1];
    }
    found f[MAXFOUND]; int nf = 0;
    const uint32_t *ids;
    size_t k = la_lexicon_lookup(c->lex, body, bn, &ids);
    for (size_t q = 0; q < k; q++) {
        const la_term *tm = la_lexicon_term(c->lex, ids[q]);
        if (tm->ntok == 1) {
            if (nf < MAXFOUND) f[nf++] = (found){ ids[q], 0 };
        } else if (body == w) {
            size_t j = continues(t, i, tm);
            if (j) emit(c, (uint32_t)i, (uint32_t)(j - i + 1), tk->start, t->tok[j].end, tm, 0);
        }
    }
    for (int q = 0; q < nf; q++)
        emit(c, (uint32_t)i, 1, bstart, tk->end, la_lexicon_term(c->lex, f[q].id), 0);
    unsigned want = (CLS_ABUSE | CLS_CONTEXT) & ~found_cls(c, f, 0, nf);
    if (!want || tk->type == LA_TOK_HASHTAG) return;
    /* the whole token: a mention may be a leet word ("@ss") */
    nf = deobfuscate(c, w, n, tk->type == LA_TOK_WORD, want, f);
    if (!nf && body != w) nf = deobfuscate(c, body, bn, 0, want, f);
    emit_found(c, i, i, f, nf, 0);
}

/* A hyphenated word ("mother-fucker", "bitch-ass") whose whole form
 * matched no abuse term: each part is matched on its own (exactly, then
 * de-obfuscated) with its own span. Parts of a separator run ("f-u-c-k")
 * are single letters and match nothing here. Pinned by test_match.c
 * (hyphen_parts). */
static void match_hyphen_parts(ctx *c, size_t i)
{
    la_text *t = c->t;
    const la_token *tk = &t->tok[i];
    size_t n; const char *w = tok_text(t, i, &n);
    if (n < 3 || !memchr(w, '-', n)) return;
    /* Long compounds ("cock-a-doodle-doo", "son-in-law") are lexicalized
     * phrases, not an insult glued to a word: at most three parts. (The
     * dictionary cannot decide this: hunspell accepts any hyphenated
     * word whose parts are words.) */
    size_t parts = 1;
    for (size_t k = 0; k < n; k++) parts += w[k] == '-';
    if (parts > 3) return;
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        while (b < n && w[b] != '-') b++;
        if (b - a >= 2 && b - a < n) {
            found f[MAXFOUND];
            int nf = lookup_single(c, w + a, b - a, 0, CLS_ABUSE, f, 0);
            if (!nf) nf = deobfuscate(c, w + a, b - a, 0, CLS_ABUSE, f);
            uint32_t s0 = t->map[tk->nstart + a], e0 = t->map[tk->nstart + b];
            for (int q = 0; q < nf; q++)
                emit(c, (uint32_t)i, 1, s0, e0, la_lexicon_term(c->lex, f[q].id), f[q].how);
        }
        a = b + 1;
    }
}

/* Letters separated by single symbols inside one token ("f.u.c.k" kept
 * whole, "f_u_c_k"): joins them when the token alternates letter and
 * separator. Returns the joined length or 0. */
static size_t join_inner(const char *s, size_t n, char *out)
{
    size_t o = 0, letters = 0;
    if (n < 5 || n > 2 * MAXSEP) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i % 2 == 0) {
            if (!is_alpha(ch) && !leet_of(ch)[0]) return 0;
            out[o++] = (char)ch; letters++;
        } else if (ch == ' ' || !is_sep(ch)) {
            return 0;
        }
    }
    if (n % 2 == 0) return 0;
    return letters >= 3 ? o : 0;
}

/* Looks up a joined separator run: exact, leet readings, inflection. */
static int lookup_joined(const ctx *c, const char *s, size_t n, found *f)
{
    int nf = lookup_single(c, s, n, LA_HOW_SEPARATOR, CLS_ABUSE | CLS_CONTEXT, f, 0);
    if (nf) return nf;
    variant v[MAXVAR]; int nv = 0;
    if (has_leet(s, n)) nv = leet_variants(s, n, 0, v, 0);
    for (int i = 0; i < nv && !nf; i++)
        nf = lookup_single(c, v[i].s, v[i].n, v[i].how | LA_HOW_SEPARATOR, CLS_ABUSE | CLS_CONTEXT, f, nf);
    if (!nf) nf = inflect(c, s, n, LA_HOW_SEPARATOR, 0, CLS_ABUSE | CLS_CONTEXT, f, 0);
    return nf;
}

static int single_char_tok(const la_text *t, size_t j)
{
    const la_token *tk = &t->tok[j];
    if (tk->type != LA_TOK_WORD && tk->type != LA_TOK_NUMBER) return 0;
    if (tk->nend - tk->nstart != 1) return 0;
    unsigned char ch = (unsigned char)t->norm[tk->nstart];
    return is_alpha(ch) || leet_of(ch)[0];
}

/* A run of single letters starting at token i, joined across separators.
 * Emits the matches found (longest first from each start) and returns the
 * index of the first token after the last match, or i when none. */
static size_t match_separated(ctx *c, size_t i)
{
    la_text *t = c->t;
    size_t idx[MAXSEP]; char joined[MAXSEP + 1]; size_t nl = 0;
    size_t j = i;
    while (j < t->ntok && nl < MAXSEP) {
        if (!single_char_tok(t, j)) break;
        idx[nl] = j; joined[nl++] = t->norm[t->tok[j].nstart];
        /* skip separator punctuation tokens, then require another letter
         * with only separators and spaces (1-3 bytes) in between */
        size_t nx = j + 1;
        while (nx < t->ntok && t->tok[nx].type == LA_TOK_PUNCT) nx++;
        if (nx >= t->ntok || !single_char_tok(t, nx)) break;
        uint32_t gs = t->tok[j].nend, ge = t->tok[nx].nstart;
        if (ge <= gs || ge - gs > 3) break;
        int ok = 1;
        for (uint32_t q = gs; q < ge; q++) if (!is_sep((unsigned char)t->norm[q])) ok = 0;
        if (!ok) break;
        j = nx;
    }
    if (nl < 3) return i;
    size_t after = i;
    for (size_t a = 0; a + 3 <= nl;) {
        int hit = 0;
        for (size_t b = nl; b >= a + 3; b--) {
            found f[MAXFOUND];
            int nf = lookup_joined(c, joined + a, b - a, f);
            if (!nf) continue;
            emit_found(c, idx[a], idx[b - 1], f, nf, 0);
            after = idx[b - 1] + 1;
            a = b; hit = 1;
            break;
        }
        if (!hit) a++;
    }
    return after;
}

/* Substring terms inside norm bytes [a, b), tokens from ti on. */
static void scan_substrings(ctx *c, uint32_t a, uint32_t b, size_t ti)
{
    la_text *t = c->t;
    for (uint32_t p = a; p < b;) {
        size_t cl = la_utf8_valid_len((const unsigned char *)t->norm + p, b - p);
        if (!cl) { p++; continue; }
        while (ti + 1 < t->ntok && t->tok[ti].nend <= p) ti++;
        const uint32_t *ids;
        size_t k = la_lexicon_substring_candidates(c->lex, t->norm + p, cl, &ids);
        for (size_t q = 0; q < k; q++) {
            const la_term *tm = la_lexicon_term(c->lex, ids[q]);
            size_t tl = strlen(tm->norm);
            if (p + tl > b || memcmp(t->norm + p, tm->norm, tl) != 0) continue;
            size_t tj = ti;
            while (tj + 1 < t->ntok && t->tok[tj + 1].nstart < p + tl) tj++;
            emit(c, (uint32_t)ti, (uint32_t)(tj - ti + 1), t->map[p], t->map[p + tl], tm,
                 LA_HOW_SUBSTRING);
        }
        p += (uint32_t)cl;
    }
}

static int cjk_tok(const la_text *t, size_t i)
{
    const la_token *tk = &t->tok[i];
    if (tk->type == LA_TOK_CJK) return 1;
    if (tk->type != LA_TOK_WORD || tk->nend <= tk->nstart) return 0;
    int32_t cp;
    if (!la_utf8_decode((const unsigned char *)t->norm + tk->nstart, tk->nend - tk->nstart, &cp))
        return 0;
    return la_cp_is_cjk(cp);
}

/* A byte that may belong to an obfuscated word split by the tokenizer. */
static int glue_byte(unsigned char ch)
{
    return is_alpha(ch) || (ch >= '0' && ch <= '9') || leet_of(ch)[0] || is_mask(ch);
}

/* Tokens glued together without space whose bytes are all letters,
 * digits and leet or mask symbols ("p" "!" "$$", "j@ck" "@$$"): the
 * tokenizer split what reads as one obfuscated word. The group's bytes
 * are de-obfuscated as one word (trailing sentence punctuation "!?.,"
 * dropped first, so "shit!" is not read as a masked "shite"), and its
 * abuse terms are kept when longer than any found in its parts. Tokens
 * i..j are the group. */
static void match_glued(ctx *c, size_t i, size_t j, size_t first_match)
{
    la_text *t = c->t;
    for (size_t k = i; k <= j; k++)
        for (uint32_t q = t->tok[k].nstart; q < t->tok[k].nend; q++)
            if (!glue_byte((unsigned char)t->norm[q])) return;
    size_t last = j;
    while (last > i) {
        const la_token *tk = &t->tok[last];
        int trail = 1;
        for (uint32_t q = tk->nstart; q < tk->nend; q++) {
            char ch = t->norm[q];
            if (ch != '!' && ch != '?' && ch != '.' && ch != ',') trail = 0;
        }
        if (!trail) break;
        last--;
    }
    if (last == i) return;
    uint32_t a = t->tok[i].nstart, b = t->tok[last].nend;
    if (b - a > TOKMAX) return;
    size_t inside = 0;   /* longest abuse term already found in the group */
    for (size_t m = first_match; m < t->nm; m++)
        if (term_cls(t->m[m].term) == CLS_ABUSE && strlen(t->m[m].term->norm) > inside)
            inside = strlen(t->m[m].term->norm);
    if (inside >= b - a) return;
    found f[MAXFOUND];
    int nf = deobfuscate(c, t->norm + a, b - a, 1, CLS_ABUSE, f);
    /* keep the group's reading only when it says more than its parts
     * ("j@ck@$$" is "jackass", not just "ass") */
    int k = 0;
    for (int q = 0; q < nf; q++)
        if (strlen(la_lexicon_term(c->lex, f[q].id)->norm) > inside) f[k++] = f[q];
    emit_found(c, i, last, f, k, 0);
}

static int match_cmp(const void *a, const void *b)
{
    const la_match *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->term->id != y->term->id) return x->term->id < y->term->id ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return (x->how > y->how) - (x->how < y->how);
}

/* The kinds an allow match suppresses: every kind that is evidence
 * against a text (ゲイン "gain" is not the identity term ゲイ). */
static int allow_suppressed(uint8_t kind)
{
    return kind == LA_KIND_PROFANITY || kind == LA_KIND_SLUR || kind == LA_KIND_INSULT ||
           kind == LA_KIND_THREAT || kind == LA_KIND_DEHUMANIZING || kind == LA_KIND_IDENTITY;
}

void la_text_match(la_text *t, const la_lexicon *lex, la_dict *dict, la_dict_cache *cache)
{
    t->nm = 0;
    if (!lex || !t->ntok) return;
    ctx c = { t, lex, dict, cache };
    size_t sep_until = 0, glue_end = 0, glue_from = 0, glue_first = 0;
    int glue = 0;
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *tk = &t->tok[i];
        /* after the last token of a glued group, try the group as one word */
        if (glue && i > glue_end) { match_glued(&c, glue_from, glue_end, glue_first); glue = 0; }
        if (!glue && i >= sep_until && i + 1 < t->ntok && t->tok[i + 1].nstart == tk->nend &&
            (i == 0 || t->tok[i - 1].nend != tk->nstart)) {
            size_t j = i;
            while (j + 1 < t->ntok && t->tok[j + 1].nstart == t->tok[j].nend) j++;
            glue = 1; glue_from = i; glue_end = j; glue_first = t->nm;
        }
        if (cjk_tok(t, i)) {
            size_t j = i;
            while (j + 1 < t->ntok && cjk_tok(t, j + 1) && t->tok[j + 1].nstart == t->tok[j].nend) j++;
            scan_substrings(&c, tk->nstart, t->tok[j].nend, i);
            i = j;
            continue;
        }
        if (i >= sep_until && single_char_tok(t, i)) {
            size_t after = match_separated(&c, i);
            if (after > i) { sep_until = after; }
        }
        if (i < sep_until) continue;
        if (word_like(tk->type)) {
            size_t n; const char *s = tok_text(t, i, &n);
            char joined[2 * MAXSEP + 1];
            size_t jl = tk->type == LA_TOK_WORD ? join_inner(s, n, joined) : 0;
            found f[MAXFOUND]; int nf = 0;
            if (jl) {
                const uint32_t *ids;
                if (!la_lexicon_lookup(lex, s, n, &ids)) nf = lookup_joined(&c, joined, jl, f);
            }
            if (nf) emit_found(&c, i, i, f, nf, 0);
            else {
                size_t before = t->nm;
                match_word(&c, i);
                if (t->nm == before && tk->type == LA_TOK_WORD) match_hyphen_parts(&c, i);
            }
            if (tk->type == LA_TOK_WORD && la_lexicon_has_latin_substring(lex))
                scan_substrings(&c, tk->nstart, tk->nend, i);
        } else if (tk->type == LA_TOK_EMOJI || tk->type == LA_TOK_SYMBOL) {
            size_t n; const char *s = tok_text(t, i, &n);
            const uint32_t *ids;
            size_t k = la_lexicon_lookup(lex, s, n, &ids);
            for (size_t q = 0; q < k; q++) {
                const la_term *tm = la_lexicon_term(lex, ids[q]);
                size_t j = tm->ntok == 1 ? i : continues(t, i, tm);
                if (j) emit(&c, (uint32_t)i, (uint32_t)(j - i + 1), tk->start, t->tok[j].end, tm, 0);
            }
        }
    }
    if (glue) match_glued(&c, glue_from, glue_end, glue_first);
    if (!t->nm) return;
    qsort(t->m, t->nm, sizeof *t->m, match_cmp);
    /* the allow list wins over profanity, slurs and insults inside it:
     * one sweep in start order; ap runs ahead over every match starting
     * at or before the current one and keeps the furthest end reached by
     * an allow match (allow and other matches at one start sort by id, so
     * the look-ahead is needed). Compaction writes only behind ap. */
    size_t w = 0, ap = 0; uint32_t reach = 0; int have = 0;
    for (size_t i = 0; i < t->nm; i++) {
        while (ap < t->nm && t->m[ap].start <= t->m[i].start) {
            if (t->m[ap].term->kind == LA_KIND_ALLOW && (!have || t->m[ap].end > reach)) {
                reach = t->m[ap].end; have = 1;
            }
            ap++;
        }
        const la_match *m = &t->m[i];
        if (m->term->kind == LA_KIND_ALLOW) continue;
        if (have && allow_suppressed(m->term->kind) && m->end <= reach) continue;
        t->m[w++] = t->m[i];
    }
    t->nm = w;
    size_t o = 0;
    for (size_t i = 0; i < t->nm; i++) {
        if (o && t->m[o - 1].start == t->m[i].start && t->m[o - 1].end == t->m[i].end &&
            t->m[o - 1].term == t->m[i].term)
            continue;
        t->m[o++] = t->m[i];
    }
    t->nm = o;
}
