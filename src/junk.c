/*
 * junk.c - rows whose text cannot carry their label: EMPTY_TEXT (nothing,
 * whitespace, or only punctuation, symbols and emoji) and GIBBERISH
 * (keyboard mashing, non-language strings, and mojibake: text decoded
 * with the wrong encoding).
 *
 * Empty and mojibake checks scan the original bytes. Gibberish looks at
 * the row's word tokens: a token counts as language when hunspell knows
 * it, when it matched a lexicon term, when it is written in a non-Latin
 * script or with accents (other languages are not junk), or when it is
 * too short to judge (slang: "u", "ur", "lol", "lmao"); URLs, mentions,
 * hashtags, numbers, emoji and tokens with digits ("2nite") are ignored.
 * The remaining Latin tokens are tested with character statistics:
 * keyboard-row runs ("asdfgh"), vowel scarcity, long consonant runs, and
 * letter pairs that are rare in English words (a 26x26 bit table). A row
 * is GIBBERISH only when mashed tokens hold most of its letters and the
 * dictionary share is low: the evidence must be strong, because names,
 * slang and foreign words are unknown to the dictionary too. Without a
 * dictionary the bar is higher (two statistics per token, more letters).
 *
 * Invariants: pure function of the analyzed text, no allocation, no
 * global mutable state (the tables below are const).
 */
#include <string.h>

#include <utf8proc.h>

#include "la_detect.h"
#include "la_labels.h"

/* ---- thresholds ----------------------------------------------------------
 * Pinned by tests/unit/test_junk.c and tests/cases/junk-*.case. */
#define MASH_MIN_LEN      5    /* shorter tokens are slang or initials */
#define ROW_MIN_LEN       6    /* keyboard-row test: "sass", "dad" pass */
#define RARE_SHARE        0.30 /* share of rare letter pairs in a token */
#define RARE_MIN          2
#define VOWEL_SHARE       0.15 /* a,e,i,o,u,y share below this */
#define CONS_RUN          5    /* consonant run ("schw" is 4) */
#define MASH_LETTERS      6    /* mashed letters needed in a row */
#define MASH_SHARE        0.50 /* of the row's word letters */
#define DICT_SHARE_MAX    0.50 /* with a dictionary: known-word share below */
#define NODICT_LETTERS    8    /* without a dictionary: higher bar */
#define NODICT_SHARE      0.70

/* Letter pairs found in fewer than 20 of the ~78,000 plain lower-case
 * words of the en_US hunspell dictionary (187 of 676 pairs): bit b of
 * rare_pair[a] is set when the pair a,b is rare. Derived once from
 * /usr/share/hunspell/en_US.dic by counting, per pair, the words that
 * contain it. */
static const uint32_t rare_pair[26] = {
    0x0000000, 0x2810440, 0x0e09262, 0x2810400, 0x0000000, 0x2e1b6ce,
    0x2a10604, 0x2a10200, 0x0000000, 0x3efbeee, 0x2a10248, 0x2810200,
    0x2a10640, 0x0000000, 0x0000000, 0x2a10240, 0x3efffff, 0x0800000,
    0x0800200, 0x0a10200, 0x0510000, 0x2e9b6ee, 0x2e10244, 0x2673e6a,
    0x1210600, 0x0efb66e
};

/* QWERTY rows: a token of six or more letters drawn from one row only is
 * mashing ("qwerty", "asdfgh", "fdsgfd"). */
static const char *const kb_rows[3] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };

static int vowel(int ch)
{
    return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || ch == 'y';
}

static int ascii_letter(unsigned char ch) { return (ch | 32) >= 'a' && (ch | 32) <= 'z'; }

/* Whether the lower-case ASCII word w[0..n) (not a dictionary word) looks
 * mashed. Strong statistics: one keyboard row, many rare letter pairs.
 * Weak ones, which German or Polish words trip alone ("Kirschtorte" has
 * a run of five consonants, "schmeckt" one vowel in eight letters):
 * vowel scarcity and a long consonant run. With a dictionary one strong
 * or both weak suffice; without one (strict) a strong one plus another
 * is needed. */
static int is_mashed(const char *w, size_t n, int strict)
{
    if (n < MASH_MIN_LEN) return 0;
    int seen[26] = {0}, distinct = 0, vowels = 0, run = 0, maxrun = 0, rare = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = w[i] - 'a';
        if (!seen[ch]) { seen[ch] = 1; distinct++; }
        if (vowel(w[i])) { vowels++; run = 0; }
        else if (++run > maxrun) maxrun = run;
        if (i + 1 < n && (rare_pair[ch] >> (w[i + 1] - 'a') & 1u)) rare++;
    }
    /* "hmmmmm", "aaaaargh", "hahahaha", "jajaja": few distinct letters
       is emphasis or laughter, not mashing */
    if (distinct < 4) return 0;
    int strong = 0, weak = 0;
    for (int r = 0; r < 3; r++) {
        size_t i = 0;
        while (i < n && strchr(kb_rows[r], w[i])) i++;
        /* the top row holds five vowels and spells names ("rupert"):
           it counts only with a rare pair in the token too */
        if (i == n && n >= ROW_MIN_LEN && (r > 0 || rare > 0)) { strong++; break; }
    }
    if (rare >= RARE_MIN && (double)rare / (double)(n - 1) >= RARE_SHARE) strong++;
    if ((double)vowels / (double)n < VOWEL_SHARE) weak++;
    if (maxrun >= CONS_RUN) weak++;
    if (strict) return strong >= 1 && strong + weak >= 2;
    return strong >= 1 || weak >= 2;
}

/* Letters of the original span [a, b): counts Latin and other letters and
 * whether any Latin letter carried a diacritic (non-ASCII). */
static void span_script(const char *s, uint32_t a, uint32_t b, int *latin,
                        int *other, int *accented)
{
    *latin = *other = *accented = 0;
    for (uint32_t i = a; i < b; ) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {            /* ASCII: letters are A-Z and a-z */
            *latin += ascii_letter(ch);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(b - i), &cp);
        if (k <= 0) { i++; continue; }
        i += (uint32_t)k;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO) continue;
        if (cp < 0x80) (*latin)++;
        else if (cp < 0x250 || (cp >= 0x1E00 && cp < 0x1F00)) { (*latin)++; (*accented)++; }
        else if ((cp >= 0xFF21 && cp <= 0xFF5A) || (cp >= 0x1D400 && cp <= 0x1D7FF))
            (*latin)++;            /* fullwidth / math styled Latin */
        else (*other)++;
    }
}

/* Marks in cov[0..ntok) the tokens covered by a lexicon match: one pass
 * over the matches, so a long row stays linear (scanning the matches for
 * every token was quadratic; tests/cases/rel-long-row-linear.case). */
static const unsigned char *matched_tokens(const la_detect_ctx *c)
{
    const la_text *t = c->text;
    la_buf_reset(c->scratch);
    la_buf_reserve(c->scratch, t->ntok);
    unsigned char *cov = (unsigned char *)c->scratch->p;
    memset(cov, 0, t->ntok);
    for (size_t m = 0; m < t->nm; m++)
        for (uint32_t k = t->m[m].tok; k < t->m[m].tok + t->m[m].ntok && k < t->ntok; k++)
            cov[k] = 1;
    return cov;
}

/* ---- mojibake --------------------------------------------------------------
 * UTF-8 read as Latin-1/Windows-1252 and re-encoded: "Ã©" (é), "â€™" (’),
 * "Ã¼" (ü), "Â£" (£), "ï¿½" (U+FFFD itself mis-decoded), and U+FFFD, the
 * replacement character left where bytes were lost. Each pattern needs
 * two or three specific code points in a row, which real text in any
 * language almost never has (junk-mojibake, junk-accents-ok). */
static size_t mojibake_at(const unsigned char *s, size_t n, size_t i)
{
    /* U+FFFD */
    if (i + 3 <= n && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD) return 3;
    if (i + 2 > n || s[i] != 0xC3) {
        /* "â€" (C3 A2 E2 82 AC) is handled below under Ã; "Â" = C3 82 */
        return 0;
    }
    unsigned char lead = s[i + 1];
    /* "Ã" (C3 83) or "Â" (C3 82) followed by U+0080..U+00BF (C2 xx) or a
       Windows-1252 special (E2 80 xx, C5 xx, C6 92, CB 86/9C) */
    if (lead == 0x83 || lead == 0x82) {
        if (i + 4 <= n && s[i + 2] == 0xC2 && s[i + 3] >= 0x80 && s[i + 3] <= 0xBF)
            return 4;
        if (i + 5 <= n && s[i + 2] == 0xE2 && (s[i + 3] == 0x80 || s[i + 3] == 0x84))
            return 5;
        if (lead == 0x83 && i + 4 <= n && (s[i + 2] == 0xC5 || s[i + 2] == 0xCB || s[i + 2] == 0xC6))
            return 4;
        return 0;
    }
    /* "â€" (C3 A2, E2 82 AC) followed by anything: ’ “ ” – — … */
    if (lead == 0xA2 && i + 5 <= n && s[i + 2] == 0xE2 && s[i + 3] == 0x82 &&
        s[i + 4] == 0xAC) {
        size_t k = 5;
        if (i + k < n) {
            size_t l = (s[i + k] < 0x80) ? 0 : (s[i + k] >= 0xF0) ? 4 :
                       (s[i + k] >= 0xE0) ? 3 : 2;
            if (i + k + l <= n) k += l;
        }
        return k;
    }
    /* "ï¿½" (C3 AF C2 BF C2 BD) */
    if (lead == 0xAF && i + 6 <= n && s[i + 2] == 0xC2 && s[i + 3] == 0xBF &&
        s[i + 4] == 0xC2 && s[i + 5] == 0xBD)
        return 6;
    return 0;
}

/* ---- empty text ---------------------------------------------------------------
 * 0: the text has a letter or digit; 1: only whitespace (or nothing);
 * 2: only punctuation, symbols, emoji and HTML character references
 * ("&#128514;", "&amp;"). */
static int emptiness(const char *s, size_t n)
{
    int visible = 0;
    for (size_t i = 0; i < n; ) {
        if (s[i] == '&') {             /* character reference */
            size_t j = i + 1;
            if (j < n && s[j] == '#') j++;
            size_t k = j;
            while (k < n && k - j < 10 &&
                   ((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'z') ||
                    (s[k] >= 'A' && s[k] <= 'Z'))) k++;
            if (k > j && k < n && s[k] == ';') { visible = 1; i = k + 1; continue; }
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            /* ASCII without utf8proc: letters and digits are words;
             * space and controls (Zs, Cc) are nothing; the rest shows */
            if (ascii_letter(ch) || (ch >= '0' && ch <= '9')) return 0;
            if (ch > ' ' && ch != 0x7f) visible = 1;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { i++; visible = 1; continue; }
        i += (size_t)k;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return 0;
        if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) return 0;
        if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_CC ||
            cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
            cat == UTF8PROC_CATEGORY_CF || cp == 0xFEFF)
            continue;
        visible = 1;
    }
    return visible ? 2 : 1;
}

static int toxic_kind(int k)
{
    return k == LA_KIND_PROFANITY || k == LA_KIND_SLUR || k == LA_KIND_INSULT ||
           k == LA_KIND_THREAT || k == LA_KIND_DEHUMANIZING;
}

static int label_claims(la_class lc)
{
    return lc == LA_CLASS_TOXIC || lc == LA_CLASS_SPAM;
}

/* EMPTY_TEXT scores: a toxic or spam label on a text with nothing in it
 * cannot be justified (0.9); symbols-only with such a label, unless a
 * lexicon term (a toxic emoji) explains it (0.8); the same rows with a
 * benign or unknown label are junk but harmless (0.6 empty, 0.35
 * symbols-only). Pinned by the junk-empty-* cases. */
#define EMPTY_CLAIM    0.90
#define SYMBOLS_CLAIM  0.80
#define EMPTY_BENIGN   0.60
#define SYMBOLS_BENIGN 0.35
/* GIBBERISH: mashing 0.55 + 0.35 x mashed share; mojibake 0.45 (the label
 * may be right, the text needs re-decoding). */
#define GIB_BASE       0.55
#define GIB_SPAN       0.35
#define MOJIBAKE_SCORE 0.45

static int check_empty(const la_detect_ctx *c, la_row *row)
{
    const la_text *t = c->text;
    const char *s = t ? t->orig : row->r.text;
    size_t n = t ? t->orig_len : row->r.text_len;
    int e = s ? emptiness(s, n) : 1;
    if (!e) return 0;
    la_class lc = row->r.label_class;
    const char *cls = la_class_name(lc);
    if (e == 1) {
        if (label_claims(lc))
            la_result_add_finding(&row->r, LA_R_EMPTY_TEXT, EMPTY_CLAIM, LA_CLASS_UNKNOWN,
                                  "labeled %s but the text is empty: nothing can "
                                  "justify the label; remove the row", cls);
        else
            la_result_add_finding(&row->r, LA_R_EMPTY_TEXT, EMPTY_BENIGN, LA_CLASS_UNKNOWN,
                                  "the text is empty or only whitespace: remove the row");
        return 1;
    }
    int justified = 0;
    if (t)
        for (size_t i = 0; i < t->nm; i++)
            if (toxic_kind(t->m[i].term->kind) || t->m[i].term->kind == LA_KIND_SPAM_PHRASE)
                justified = 1;
    la_finding *f;
    if (label_claims(lc) && !justified)
        f = la_result_add_finding(&row->r, LA_R_EMPTY_TEXT, SYMBOLS_CLAIM, LA_CLASS_UNKNOWN,
                                  "labeled %s but the text has no words, only "
                                  "punctuation, symbols or emoji", cls);
    else if (label_claims(lc))
        return 1;                      /* a toxic emoji explains the label */
    else
        f = la_result_add_finding(&row->r, LA_R_EMPTY_TEXT, SYMBOLS_BENIGN, LA_CLASS_UNKNOWN,
                                  "the text has no words, only punctuation, symbols "
                                  "or emoji");
    if (f && n > 0) la_result_add_evidence(&row->r, f, 0, (uint32_t)n, "no_words",
                                           NULL, NULL, NULL);
    return 1;
}

static int check_mojibake(const la_detect_ctx *c, la_row *row)
{
    const la_text *t = c->text;
    if (!t || !t->orig) return 0;
    if (t->ascii) return 0;         /* every pattern holds non-ASCII bytes */
    const unsigned char *s = (const unsigned char *)t->orig;
    size_t n = t->orig_len;
    uint32_t sp[8][2]; int ns = 0, total = 0;
    for (size_t i = 0; i < n; ) {
        size_t k = mojibake_at(s, n, i);
        if (!k) { i++; continue; }
        if (ns < 8) { sp[ns][0] = (uint32_t)i; sp[ns][1] = (uint32_t)(i + k); ns++; }
        total++;
        i += k;
    }
    if (!total) return 0;
    la_finding *f = la_result_add_finding(&row->r, LA_R_GIBBERISH, MOJIBAKE_SCORE,
                                          LA_CLASS_UNKNOWN,
                                          "mojibake: the text was decoded with the wrong "
                                          "encoding (%d garbled character%s); an encoding "
                                          "problem, re-decode the source as UTF-8",
                                          total, total == 1 ? "" : "s");
    for (int i = 0; f && i < ns; i++)
        la_result_add_evidence(&row->r, f, sp[i][0], sp[i][1], "mojibake", NULL, NULL, NULL);
    return 1;
}

static void check_gibberish(const la_detect_ctx *c, la_row *row)
{
    const la_text *t = c->text;
    if (!t) return;
    int letters = 0, mashed = 0, judged = 0, known = 0, nm = 0;
    size_t mtok[8];
    char w[64];
    const unsigned char *cov = matched_tokens(c);
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *k = &t->tok[i];
        if (k->type == LA_TOK_CJK) { letters += (int)(k->end - k->start); continue; }
        if (k->type != LA_TOK_WORD) continue;
        int lat, oth, acc;
        span_script(t->orig, k->start, k->end, &lat, &oth, &acc);
        letters += lat + oth;
        if (oth > 0 || acc > 0 || (k->flags & (LA_TOKF_DIGIT | LA_TOKF_SYMBOL)))
            continue;                  /* other scripts, accents, leet, digits */
        size_t n = k->nend - k->nstart;
        if (n < 3 || n >= sizeof w) continue;
        const char *p = t->norm + k->nstart;
        int ascii_letters = 1;
        for (size_t j = 0; j < n; j++) {
            if (p[j] < 'a' || p[j] > 'z') { ascii_letters = 0; break; }
            w[j] = p[j];
        }
        if (!ascii_letters) continue;  /* apostrophes, hyphens: real words */
        if (cov[i]) { judged++; known++; continue; }
        judged++;
        if (c->dict && la_dict_check(c->dict, c->cache, w, n)) { known++; continue; }
        if (c->dict && (k->flags & LA_TOKF_CAPITAL)) {
            /* proper nouns are capitalized in the dictionary ("Alaska") */
            w[0] = (char)(w[0] - 32);
            int ok = la_dict_check(c->dict, c->cache, w, n);
            w[0] = (char)(w[0] + 32);
            if (ok) { known++; continue; }
        }
        if (is_mashed(w, n, c->dict == NULL)) {
            mashed += (int)n;
            if (nm < 8) mtok[nm] = i;
            nm++;
        }
    }
    if (!nm || letters == 0) return;
    double share = (double)mashed / letters;
    if (c->dict) {
        if (mashed < MASH_LETTERS || share < MASH_SHARE) return;
        if (judged && (double)known / judged >= DICT_SHARE_MAX) return;
    } else if (mashed < NODICT_LETTERS || share < NODICT_SHARE) {
        return;
    }
    double sc = GIB_BASE + GIB_SPAN * (share > 1 ? 1 : share);
    la_finding *f = la_result_add_finding(&row->r, LA_R_GIBBERISH, sc, LA_CLASS_UNKNOWN,
                                          "the text looks like keyboard mashing or "
                                          "non-language (%d of %d letters in unreadable "
                                          "strings%s): remove the row",
                                          mashed, letters,
                                          c->dict ? "" : "; no dictionary loaded");
    for (int i = 0; f && i < nm && i < 8; i++)
        la_result_add_evidence(&row->r, f, t->tok[mtok[i]].start, t->tok[mtok[i]].end,
                               "gibberish", NULL, NULL, NULL);
}

/* Adds EMPTY_TEXT or GIBBERISH findings to row (see the scores above).
 * Runs for every row, whatever the task; an empty row gets nothing else
 * from this module. Pure; safe on any thread. */
void la_detect_junk(const la_detect_ctx *c, la_row *row)
{
    if (check_empty(c, row)) return;
    if (check_mojibake(c, row)) return;
    check_gibberish(c, row);
}
