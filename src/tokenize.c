/*
 * tokenize.c - splits a normalized row (la_text.norm) into typed tokens
 * with spans in both the normalized and the original text, and runs the
 * whole analysis (normalize, tokenize, match) for one row.
 *
 * Main data structure: t->tok, a growable array reused from row to row (no
 * allocation per token or per row in steady state). Each token holds its
 * normalized span [nstart, nend) and its original span [start, end) =
 * [map[nstart], map[nend]), so an original span also covers invisible
 * characters dropped right after the token.
 *
 * The scanner is one left-to-right pass. At each token start it tries, in
 * order: URL (scheme, "www.", bare domain with a known TLD), e-mail,
 * @mention / #hashtag, emoji grapheme, keycap, CJK run, word, number,
 * punctuation run, symbol. Look-ahead for URLs and e-mails is bounded
 * (MAX_LOOK bytes) and every token is at most MAX_TOK code points, so the
 * pass is linear in the row length whatever the input (a 10 MB row of one
 * letter costs the same per byte as prose).
 *
 * Invariants: tokens are in order, do not overlap and lie inside norm;
 * start <= end <= orig_len; whitespace belongs to no token.
 *
 * Rules a reader may want to check against the tests (test_tokenize.c):
 *  - A word is letters of any script without spaces, marks, digits, inner
 *    apostrophes (don't) and inner hyphens (x-ray, f-u-c-k), and the
 *    masking/leet symbols @ $ ! * # % + between its letters (b!tch, f*ck,
 *    f#@k). A leading '$' joins ($hit); trailing '$' and '*' join (a$$,
 *    f***) unless the word opens right after a '*' (*really* is emphasis);
 *    a trailing '!' never joins (bitch! -> "bitch" "!"). A run with no
 *    letter is not a word (100 is a number, $100 is "$" "100").
 *  - "@" at a token start opens a mention, except that "@" followed by
 *    two of s $ 5 ("@ss", "@$$", "@sshole") is the leet word for "ass...":
 *    no handle plausibly starts that way, while short real handles (@bob,
 *    @ann) are common, so shortness alone cannot decide.
 *  - A bare domain or e-mail is only tried where a run of link characters
 *    starts ("a.b.example.com" is one URL, tried once at "a"); inside the
 *    run nothing is re-tried, which keeps long dotted runs linear.
 *  - "#" followed by a name with a letter is a hashtag; "#1" is "#" "1".
 *  - CJK runs (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar)
 *    split at script changes and every CJK_MAX code points.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "la_common.h"
#include "la_text.h"

/* Longest token in code points: real words are far shorter; a longer run
 * ("aaaa..." or base64 junk) is cut into pieces of this size so every later
 * per-token step stays bounded. Pinned by test_tokenize (long run). */
#define MAX_TOK 64
/* Longest CJK token: short enough that a lexicon term is never hidden in a
 * giant token, long enough to keep most words whole; the matcher searches
 * across consecutive CJK tokens. Pinned by test_tokenize (CJK chunking). */
#define CJK_MAX 16
/* Bound on look-ahead for URL and e-mail recognition (RFC 5321 allows 64
 * bytes of local part and 255 of domain). */
#define MAX_LOOK 320

enum cls {
    C_SPACE, C_NEWLINE, C_LETTER, C_MARK, C_DIGIT, C_CJK, C_EMOJI,
    C_PUNCT, C_SYMBOL
};

enum script {
    S_NONE, S_HAN, S_HIRAGANA, S_KATAKANA, S_HANGUL, S_THAI, S_LAO,
    S_KHMER, S_MYANMAR
};

typedef struct cpinfo {
    int32_t cp;
    uint8_t len;    /* bytes in norm */
    uint8_t cls;    /* enum cls */
    uint8_t script; /* enum script, for C_CJK (and marks in CJK blocks) */
} cpinfo;

static int cjk_script(int32_t cp)
{
    if (cp < 0x0e00) return S_NONE;
    if (cp < 0x0e80) return S_THAI;
    if (cp < 0x0f00) return S_LAO;
    if (cp >= 0x1000 && cp < 0x10a0) return S_MYANMAR;
    if (cp >= 0x1100 && cp < 0x1200) return S_HANGUL;
    if (cp >= 0x1780 && cp < 0x1800) return S_KHMER;
    if (cp >= 0x3040 && cp < 0x30a0) return S_HIRAGANA;
    if ((cp >= 0x30a0 && cp < 0x3100) || (cp >= 0x31f0 && cp < 0x3200)) return S_KATAKANA;
    if (cp >= 0x3130 && cp < 0x3190) return S_HANGUL;
    if ((cp >= 0x3400 && cp < 0x4dc0) || (cp >= 0x4e00 && cp < 0xa000) ||
        (cp >= 0xf900 && cp < 0xfb00) || (cp >= 0x20000 && cp < 0x30000) ||
        cp == 0x3005 || cp == 0x3007 || cp == 0x303b)
        return S_HAN;
    if ((cp >= 0xac00 && cp < 0xd7b0) || (cp >= 0xa960 && cp < 0xa980) ||
        (cp >= 0xd7b0 && cp < 0xd800))
        return S_HANGUL;
    if (cp >= 0xff66 && cp < 0xffa0) return S_KATAKANA;
    return S_NONE;
}

/* ASCII classes: letters, digits, space, the rest by Unicode category
 * ($ + < = > ^ ` | ~ are symbols, the others punctuation). */
enum { SP = C_SPACE, NL = C_NEWLINE, LE = C_LETTER, DI = C_DIGIT,
       PU = C_PUNCT, SY = C_SYMBOL };
static const uint8_t ascii_class[128] = {
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, SP, NL, NL, NL, NL, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, PU, PU, PU, SY, PU, PU, PU,
    PU, PU, PU, SY, PU, PU, PU, PU,
    DI, DI, DI, DI, DI, DI, DI, DI,
    DI, DI, PU, PU, SY, SY, SY, PU,
    PU, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, PU, PU, PU, SY, PU,
    SY, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, PU, SY, PU, SY, SP,
};

static cpinfo get_cp_slow(const la_text *t, size_t i)
{
    cpinfo ci;
    const unsigned char *s = (const unsigned char *)t->norm;
    ci.script = S_NONE;
    int32_t cp;
    size_t len = la_utf8_decode(s + i, t->norm_len - i, &cp);
    if (len == 0) { /* cannot happen on normalized text; be safe */
        ci.cp = 0xfffd;
        ci.len = 1;
        ci.cls = C_SYMBOL;
        return ci;
    }
    ci.cp = cp;
    ci.len = (uint8_t)len;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    int sc = cjk_script(cp);
    switch (p->category) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        ci.cls = sc ? C_CJK : C_LETTER;
        ci.script = (uint8_t)sc;
        break;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        ci.cls = C_MARK;
        ci.script = (uint8_t)sc;
        break;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        ci.cls = C_DIGIT;
        if (sc && p->category != UTF8PROC_CATEGORY_ND) { ci.cls = C_CJK; ci.script = (uint8_t)sc; }
        break;
    case UTF8PROC_CATEGORY_ZS:
        ci.cls = C_SPACE;
        break;
    case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        ci.cls = C_NEWLINE;
        break;
    case UTF8PROC_CATEGORY_CC:
        ci.cls = cp == 0x85 ? C_NEWLINE : C_SPACE;
        break;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        ci.cls = C_PUNCT;
        break;
    default:
        ci.cls = C_SYMBOL;
        break;
    }
    /* pictographs (not (c) and (r), which read as symbols), flags, skin
     * tones */
    if (cp >= 0x2000 && (p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
                         p->boundclass == UTF8PROC_BOUNDCLASS_E_ZWG ||
                         p->boundclass == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR ||
                         (cp >= 0x1f3fb && cp <= 0x1f3ff)))
        ci.cls = C_EMOJI;
    return ci;
}

/* The code point at norm[i] with its class; ASCII by table. */
static inline cpinfo get_cp(const la_text *t, size_t i)
{
    unsigned char b = (unsigned char)t->norm[i];
    if (b < 0x80) return (cpinfo){b, 1, ascii_class[b], S_NONE};
    return get_cp_slow(t, i);
}

static int is_leet(int32_t cp)
{
    return cp == '@' || cp == '$' || cp == '!' || cp == '*' || cp == '#' ||
           cp == '%' || cp == '+';
}

/* Letters that "ss" is written with in "@ss" (see the rule at the top). */
static int s_like(unsigned char c)
{
    return c == 's' || c == '$' || c == '5';
}

static int is_alnum_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ---- URL, e-mail ------------------------------------------------------------- */

/* Common top-level domains for bare domains ("example.com/x", "bit.ly").
 * Left out on purpose: "is", "it", "me", "to", "at", "in", "no", "so",
 * "us", which end ordinary words run together with a period ("this.is"). */
static const char *const tlds[] = {
    "ai", "app", "au", "be", "biz", "br", "ca", "cc", "ch", "cn", "co",
    "com", "de", "dev", "edu", "es", "eu", "fr", "gg", "gl", "gov", "gy",
    "info", "io", "jp", "kr", "ly", "mil", "net", "nl", "nz", "online",
    "org", "pl", "ru", "se", "shop", "site", "tk", "top", "tv", "uk",
    "ws", "xyz", "za",
};

static int known_tld(const char *s, size_t n)
{
    for (size_t i = 0; i < LA_ARRAY_LEN(tlds); i++)
        if (strlen(tlds[i]) == n && memcmp(tlds[i], s, n) == 0) return 1;
    return 0;
}

static int url_char(unsigned char c)
{
    return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`';
}

/* End of a URL body starting at i: non-space URL characters, without
 * trailing sentence punctuation. */
static size_t url_end(const la_text *t, size_t i)
{
    const unsigned char *s = (const unsigned char *)t->norm;
    size_t n = t->norm_len, j = i;
    while (j < n && url_char(s[j])) j++;
    while (j > i && strchr(".,;:!?)]}'\"", s[j - 1])) {
        /* keep a closing parenthesis that has its opener inside */
        if (s[j - 1] == ')' && memchr(s + i, '(', j - i)) break;
        j--;
    }
    return j;
}

/* Length of a domain at i: labels of [a-z0-9-] joined by dots, at least
 * one dot; *tld gets the offset of the last label. 0 when none. */
static size_t scan_domain(const la_text *t, size_t i, size_t *tld)
{
    const unsigned char *s = (const unsigned char *)t->norm;
    size_t n = t->norm_len, j = i, lim = i + MAX_LOOK, dots = 0, label = i;
    if (lim > n) lim = n;
    for (;;) {
        size_t k = j;
        while (k < lim && (is_alnum_ascii(s[k]) || s[k] == '-')) k++;
        if (k == j) return 0;
        label = j;
        j = k;
        if (j + 1 < lim && s[j] == '.' && is_alnum_ascii(s[j + 1])) { j++; dots++; continue; }
        break;
    }
    if (dots == 0) return 0;
    for (size_t k = label; k < j; k++)
        if (!(s[k] >= 'a' && s[k] <= 'z')) return 0;
    if (j - label < 2) return 0;
    *tld = label;
    return j - i;
}

/* Cheap filter before try_url/try_email: a link is not preceded by link
 * characters, and after the run of ASCII letters and digits at i it needs
 * one of . @ : - _ % + next. */
static int may_be_link(const la_text *t, size_t i)
{
    const unsigned char *s = (const unsigned char *)t->norm;
    size_t n = t->norm_len, lim = i + MAX_LOOK;
    /* a link starts a run: "a.b.c.d" is tried once, at "a", which keeps
     * the scan linear on long dotted runs */
    if (i > 0) {
        switch (s[i - 1]) {
        case '.': case '_': case '%': case '+': case '-': case '@': case '/':
            return 0;
        default:
            if (is_alnum_ascii(s[i - 1])) return 0;
        }
    }
    if (lim > n) lim = n;
    while (i < lim && is_alnum_ascii(s[i])) i++;
    if (i >= n) return 0;
    switch (s[i]) {
    case '.': case '@': case ':': case '-': case '_': case '%': case '+':
        return 1;
    default:
        return 0;
    }
}

/* URL at i: returns its end or 0. */
static size_t try_url(const la_text *t, size_t i)
{
    const char *s = t->norm + i;
    size_t left = t->norm_len - i, body;
    if (left > 8 && memcmp(s, "https://", 8) == 0) body = 8;
    else if (left > 7 && memcmp(s, "http://", 7) == 0) body = 7;
    else if (left > 4 && memcmp(s, "www.", 4) == 0 && is_alnum_ascii((unsigned char)s[4])) body = 4;
    else {
        size_t tld, d = scan_domain(t, i, &tld);
        if (!d) return 0;
        if (!known_tld(t->norm + tld, i + d - tld)) return 0;
        unsigned char next = i + d < t->norm_len ? (unsigned char)t->norm[i + d] : 0;
        if (next == '@' || is_alnum_ascii(next) || (next >= 0x80)) return 0;
        if (next == '/' || next == ':' || next == '?' || next == '#') return url_end(t, i + d);
        return i + d;
    }
    size_t e = url_end(t, i + body);
    return e > i + body ? e : 0;
}

/* E-mail at i: local@domain.tld; returns its end or 0. */
static size_t try_email(const la_text *t, size_t i)
{
    const unsigned char *s = (const unsigned char *)t->norm;
    size_t n = t->norm_len, j = i, lim = i + 64;
    if (lim > n) lim = n;
    while (j < lim && (is_alnum_ascii(s[j]) || (s[j] && strchr("._%+-", s[j])))) j++;
    if (j == i || j >= n || s[j] != '@' || s[j - 1] == '.') return 0;
    size_t tld, d = scan_domain(t, j + 1, &tld);
    if (!d) return 0;
    return j + 1 + d;
}

/* ---- words --------------------------------------------------------------------- */

typedef struct word_scan {
    size_t end;
    int letters, digits, symbols;
} word_scan;

/* Scans a word run at i (see the rules at the top). at_letter: a leading
 * '@' reads as a letter (the "@ss" rule). */
static word_scan scan_word(const la_text *t, size_t i, int at_letter)
{
    word_scan w = {i, 0, 0, 0};
    size_t n = t->norm_len, j = i;
    int ncp = 0;
    int prev = 0;          /* class of the last code point taken: 0 none,
                              1 letter/mark, 2 digit, 3 symbol */
    int after_star = i > 0 && t->norm[i - 1] == '*';
    if (at_letter && t->norm[i] == '@') { /* the "@ss" rule */
        w.letters++;
        j++; ncp++; prev = 1;
        w.end = j;
    }
    while (j < n && ncp < MAX_TOK) {
        cpinfo c = get_cp(t, j);
        if (c.cls == C_LETTER || (c.cls == C_MARK && prev)) {
            if (c.cls == C_LETTER) w.letters++;
            j += c.len; ncp++; prev = 1;
            w.end = j;
            continue;
        }
        if (c.cls == C_DIGIT) {
            w.digits++;
            j += c.len; ncp++; prev = 2;
            w.end = j;
            continue;
        }
        if (c.cp == '\'' || c.cp == '-') {
            if (!prev || prev == 3 || j + 1 >= n) break;
            cpinfo nx = get_cp(t, j + 1);
            int ok = c.cp == '\'' ? (prev == 1 && nx.cls == C_LETTER)
                                  : (nx.cls == C_LETTER || (nx.cls == C_DIGIT && w.letters));
            if (!ok) break;
            j += 1; ncp++; prev = 3;
            continue;
        }
        if (is_leet(c.cp)) {
            size_t k = j;
            int run = 0, only_tail = 1;
            while (k < n && is_leet((unsigned char)t->norm[k]) && ncp + run < MAX_TOK) {
                unsigned char b = (unsigned char)t->norm[k];
                if (b != '$' && b != '*') only_tail = 0;
                k++; run++;
            }
            cpinfo nx = k < n ? get_cp(t, k) : (cpinfo){0, 0, C_SPACE, 0};
            int inner = nx.cls == C_LETTER || nx.cls == C_DIGIT;
            if (!prev) {
                /* leading: '$' before a letter ($hit, $$hit) */
                if (!(inner && run <= 2 && t->norm[j] == '$')) break;
            } else if (!inner) {
                /* trailing: masks and '$' stay when a letter came before */
                if (!(only_tail && w.letters && !after_star)) break;
                w.symbols += run;
                j = k; ncp += run;
                w.end = j;
                break;
            }
            w.symbols += run;
            j = k; ncp += run; prev = 3;
            continue;
        }
        break;
    }
    return w;
}

/* ---- token output ------------------------------------------------------------ */

/* Case flags from the original bytes of a token. */
static unsigned case_flags(const la_text *t, uint32_t a, uint32_t b)
{
    const unsigned char *s = (const unsigned char *)t->orig;
    int upper = 0, lower = 0, first = -1;
    size_t i = a;
    while (i < b) {
        int32_t cp;
        size_t len;
        if (s[i] < 0x80) { cp = s[i]; len = 1; }
        else {
            len = la_utf8_decode(s + i, b - i, &cp);
            if (len == 0) { i++; continue; }
        }
        i += len;
        int u, l;
        if (cp < 0x80) {
            u = cp >= 'A' && cp <= 'Z';
            l = cp >= 'a' && cp <= 'z';
        } else {
            int cat = utf8proc_category(cp);
            u = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
            l = cat == UTF8PROC_CATEGORY_LL;
        }
        if (u) { upper++; if (first < 0) first = 1; }
        else if (l) { lower++; if (first < 0) first = 0; }
    }
    unsigned f = 0;
    if (first == 1) f |= LA_TOKF_CAPITAL;
    if (upper >= 2 && lower == 0) f |= LA_TOKF_ALLCAPS;
    return f;
}

static void push(la_text *t, size_t ns, size_t ne, int type, unsigned flags)
{
    if (t->ntok + 1 > t->tok_cap) LA_GROW(t->tok, t->tok_cap, t->ntok + 1);
    la_token *k = &t->tok[t->ntok++];
    k->nstart = (uint32_t)ns;
    k->nend = (uint32_t)ne;
    k->start = t->map[ns];
    k->end = t->map[ne];
    if (k->end < k->start) k->end = k->start;
    k->type = (uint8_t)type;
    if (!t->ascii) {
        const unsigned char *o = (const unsigned char *)t->orig;
        for (uint32_t i = k->start; i < k->end; i++)
            if (o[i] >= 0x80) { flags |= LA_TOKF_NONASCII; break; }
    }
    if (type == LA_TOK_WORD || type == LA_TOK_MENTION || type == LA_TOK_HASHTAG)
        flags |= case_flags(t, k->start, k->end);
    k->flags = (uint8_t)flags;
}

/* Marks tokens between paired quotation marks: ASCII '"' pairs in order,
 * and the bracket pairs 「」 『』 «». An unpaired mark quotes nothing. */
static void mark_quotes(la_text *t)
{
    static const int32_t open[3] = {0x300c, 0x300e, 0xab};
    static const int32_t close[3] = {0x300d, 0x300f, 0xbb};
    long pend[4] = {-1, -1, -1, -1};
    for (size_t i = 0; i < t->ntok; i++) {
        la_token *k = &t->tok[i];
        if (k->type != LA_TOK_PUNCT) continue;
        int32_t cp;
        if (!la_utf8_decode((const unsigned char *)t->norm + k->nstart, k->nend - k->nstart, &cp))
            continue;
        int kind = -1, is_close = 0;
        if (cp == '"') { kind = 3; is_close = pend[3] >= 0; }
        for (int q = 0; q < 3; q++) {
            if (cp == open[q]) kind = q;
            if (cp == close[q]) { kind = q; is_close = 1; }
        }
        if (kind < 0) continue;
        if (!is_close) { pend[kind] = (long)i; continue; }
        if (pend[kind] < 0) continue;
        for (size_t j = (size_t)pend[kind] + 1; j < i; j++) t->tok[j].flags |= LA_TOKF_QUOTED;
        pend[kind] = -1;
    }
}

/* Tokenizes t->norm into t->tok (see the paragraph at the top). Requires
 * la_text_normalize on the same t first. Overwrites the previous tokens;
 * grows t->tok only when a row has more tokens than any before. */
void la_text_tokenize(la_text *t)
{
    const unsigned char *s = (const unsigned char *)t->norm;
    size_t n = t->norm_len, i = 0;
    unsigned pending = 0;
    t->ntok = 0;
    while (i < n) {
        cpinfo c = get_cp(t, i);
        if (c.cls == C_SPACE) { pending |= LA_TOKF_SPACE; i += c.len; continue; }
        if (c.cls == C_NEWLINE) { pending |= LA_TOKF_SPACE | LA_TOKF_NEWLINE; i += c.len; continue; }
        size_t st = i, e;
        unsigned fl = pending;
        pending = 0;
        if ((c.cls == C_LETTER || c.cls == C_DIGIT) && c.cp < 0x80 && may_be_link(t, i)) {
            if (c.cp < 0x80 && (e = try_url(t, i)) > i) { push(t, st, e, LA_TOK_URL, fl); i = e; continue; }
            if (c.cp < 0x80 && (e = try_email(t, i)) > i) { push(t, st, e, LA_TOK_EMAIL, fl); i = e; continue; }
        }
        if (c.cp == '@' || c.cp == '#') {
            unsigned char b1 = i + 1 < n ? s[i + 1] : 0, b2 = i + 2 < n ? s[i + 2] : 0;
            if (c.cp == '@' && s_like(b1) && s_like(b2)) {
                word_scan w = scan_word(t, i, 1);
                if (w.end > i) {
                    push(t, st, w.end, LA_TOK_WORD, fl | LA_TOKF_SYMBOL | (w.digits ? LA_TOKF_DIGIT : 0));
                    i = w.end;
                    continue;
                }
            }
            /* name: letters, digits, '_' and marks; needs a letter for '#' */
            size_t j = i + 1;
            int letters = 0, ncp = 0;
            while (j < n && ncp < MAX_TOK) {
                cpinfo d = get_cp(t, j);
                if (d.cls == C_LETTER || d.cls == C_CJK || (d.cls == C_MARK && j > i + 1)) letters++;
                else if (!(d.cls == C_DIGIT || d.cp == '_')) break;
                j += d.len; ncp++;
            }
            if (j > i + 1 && (c.cp == '@' || letters)) {
                push(t, st, j, c.cp == '@' ? LA_TOK_MENTION : LA_TOK_HASHTAG, fl);
                i = j;
                continue;
            }
        }
        if (c.cls == C_EMOJI || ((c.cp == '#' || c.cp == '*' || (c.cp >= '0' && c.cp <= '9')) &&
                                 i + 1 < n && get_cp(t, i + 1).cp == 0x20e3)) {
            /* one grapheme cluster (ZWJ sequences, skin tones, flags) */
            utf8proc_int32_t state = 0;
            int32_t prev = c.cp;
            size_t j = i + c.len;
            int ncp = 1;
            while (j < n && ncp < MAX_TOK) {
                cpinfo d = get_cp(t, j);
                if (utf8proc_grapheme_break_stateful(prev, d.cp, &state)) break;
                prev = d.cp;
                j += d.len; ncp++;
            }
            push(t, st, j, LA_TOK_EMOJI, fl);
            i = j;
            continue;
        }
        if (c.cls == C_CJK) {
            int sc = c.script, ncp = 0;
            size_t j = i;
            while (j < n) {
                cpinfo d = get_cp(t, j);
                int cont = d.cls == C_MARK ||
                           (d.cls == C_CJK && (d.script == sc || d.cp == 0x30fc || d.cp == 0x3005));
                if (!cont) break;
                /* cut every CJK_MAX code points, never before a mark (but
                 * always by 4 * CJK_MAX) */
                if (ncp >= CJK_MAX && (d.cls != C_MARK || ncp >= 4 * CJK_MAX)) break;
                j += d.len; ncp++;
            }
            push(t, st, j, LA_TOK_CJK, fl);
            i = j;
            continue;
        }
        if (c.cls == C_LETTER || c.cls == C_DIGIT || c.cp == '$') {
            word_scan w = scan_word(t, i, 0);
            if (w.end > i && w.letters) {
                unsigned wf = (w.digits ? LA_TOKF_DIGIT : 0) | (w.symbols ? LA_TOKF_SYMBOL : 0);
                push(t, st, w.end, LA_TOK_WORD, fl | wf);
                i = w.end;
                continue;
            }
        }
        if (c.cls == C_DIGIT) {
            /* number: digits with inner ',' or '.' between digits */
            size_t j = i;
            int ncp = 0;
            while (j < n && ncp < MAX_TOK) {
                cpinfo d = get_cp(t, j);
                if (d.cls == C_DIGIT) { j += d.len; ncp++; continue; }
                if ((d.cp == ',' || d.cp == '.') && j + 1 < n && get_cp(t, j + 1).cls == C_DIGIT) {
                    j++; ncp++;
                    continue;
                }
                break;
            }
            push(t, st, j, LA_TOK_NUMBER, fl);
            i = j;
            continue;
        }
        /* punctuation or symbol: a run of the same code point (or of '!'
         * and '?' mixed); '"' always alone so quotes pair up */
        {
            size_t j = i + c.len;
            int ncp = 1;
            int bang = c.cp == '!' || c.cp == '?';
            while (c.cp != '"' && j < n && ncp < MAX_TOK) {
                cpinfo d = get_cp(t, j);
                if (d.cls == C_MARK) { j += d.len; ncp++; continue; }
                if (d.cp != c.cp && !(bang && (d.cp == '!' || d.cp == '?'))) break;
                j += d.len; ncp++;
            }
            int type = c.cls == C_PUNCT ? LA_TOK_PUNCT : LA_TOK_SYMBOL;
            push(t, st, j, type, fl);
            i = j;
        }
    }
    mark_quotes(t);
}

/* Normalizes, tokenizes and matches one row (see la_text.h). s is borrowed
 * for as long as t describes this row. */
void la_text_analyze(la_text *t, const la_lexicon *lex, la_dict *dict,
                     la_dict_cache *cache, const char *s, size_t n)
{
    la_text_normalize(t, s, n);
    la_text_tokenize(t);
    la_text_match(t, lex, dict, cache);
}
