/*
 * dedup.c - exact and near duplicates, clusters and label conflicts.
 *
 * Two halves. la_dedup_signature runs on worker threads and is a pure
 * function of the analyzed text and the options: it builds the row's
 * normalized duplicate key, a contrast key (the same key without
 * negations) and, for rows long enough, a MinHash signature. la_dedup_add
 * runs on the consumer in input order and owns every index below.
 *
 * Duplicate key. The tokens of the normalized text (NFKC, case folded,
 * diacritics stripped, look-alikes folded: see la_text.h) joined by single
 * spaces. By default URLs and e-mail addresses, @mentions, punctuation and
 * symbols, and emoji are left out of the key, and punctuation inside words
 * (apostrophes, hyphens, '#' of a hashtag) is dropped, so "Don't go!!",
 * "dont go" and "DON'T GO http://x.example" share a key. opt->dup_keep_urls,
 * dup_keep_mentions, dup_keep_punct and dup_keep_emoji put each kind back.
 * A row whose key is empty gets dup_key 0 and never takes part (an empty
 * text is EMPTY_TEXT's business, not a duplicate).
 *
 * Contrast key. The key with negation tokens removed: a fixed set (not,
 * no, never, nobody, nothing, none, nowhere, neither, nor, cannot, and
 * every "n't" form with or without its apostrophe, such as don't/dont,
 * isn't, ain't, won't), plus a "do/does/did" right before "not"/"never",
 * so "I hate X", "I don't hate X" and "I do not hate X" share a contrast
 * key. The fixed set keeps the key independent of the lexicons loaded.
 * A row holds a negation when its contrast key differs from its dup key.
 * Two rows are a contrast pair when exactly one of them holds a negation;
 * in particular every pair whose dup keys differ while their contrast keys
 * are equal and one side has no negation ("I hate X" / "I don't hate X").
 * Near duplicates also form a contrast pair when their stance differs:
 * the polarities of their praise and anger words or the identity groups
 * they name ("I love X" / "I hate X", "I hate X" / "I hate Y"), hashed by
 * the worker into row->stance (7 bits; two stances collide once in 127).
 * A contrast pair is never a duplicate or a conflict: their different
 * labels are usually right ("you are an idiot" vs "you are not an idiot").
 * When both rows hold negations and their contrast keys are equal they
 * differ only in the negation's wording ("don't" / "do not", "not" /
 * "never"): same polarity, so they stay near-duplicate candidates (a
 * negation moved to another clause is the rare case this misses). Pinned
 * by test_dedup's contrast tests and tests/cases/dup-contrast-negation.case.
 *
 * Shingles (automatic, opt->shingle_size 0): every character 4-gram of
 * the key (code points, spaces included, so word order counts) plus every
 * word of the key as a unigram. Word shingles alone fail on short texts:
 * swapping one word of a 6-word comment leaves a word-bigram Jaccard near
 * 0.4, while character 4-grams keep it near 0.75 (measured on edited
 * copies of short social-media texts). opt->shingle_size N > 0 uses word
 * N-grams only. Near-duplicate detection needs at least LA_DEDUP_MIN_WORDS
 * (5) words in the key (a run of CJK text counts one word per two code
 * points): a 3-word text has about a dozen shingles, one changed word
 * changes most of them, and "yes please"/"no please" are different texts,
 * so rows of 1 to 4 words are matched exactly only (nshingles 0, minhash
 * NULL); they still form exact clusters and conflicts.
 * Texts with more than MAX_SHINGLES shingles are sampled consistently
 * (a shingle is kept when its hash has the low `s` bits zero), which
 * bounds the per-row cost.
 *
 * MinHash: k = opt->minhash_k values by one permutation hashing with
 * optimal densification (Li, Owen and Zhang 2012; Shrivastava 2017): each
 * shingle is hashed once (64 bits, seeded by opt->seed); the low half picks
 * one of k bins, the high half is the value, each bin keeps its least, and
 * empty bins borrow along a fixed probe sequence. The fraction of equal
 * bins estimates the Jaccard similarity without bias, like k independent
 * MinHash functions, at the cost of one hash per shingle instead of k
 * (measured on randomly edited pairs at k = 64: bias within +-0.003, sd
 * 0.054 for 5-8 words, 0.048 for 9-15, 0.034 for 16-40; classic MinHash
 * with 64 hash functions gave 0.053 and cost 64 times the hashing).
 * Deterministic across runs and thread counts.
 *
 * Exact index (consumer). Every distinct dup key gets a group record
 * (struct grp, 32 bytes: key, its first row's index and a pointer to its
 * id, cluster, first row's label class) and a 4-byte slot in an
 * open-addressing table kept 35-70% full (so 6-11 bytes per key): 38-43
 * bytes per distinct text
 * plus the first row's id (4-byte length + bytes + NUL, 8-aligned; 16
 * bytes for an 8-character id). Repeated texts cost nothing more. Each
 * cluster adds 32 bytes (size and rows per label class).
 *
 * Near index (consumer, opt->near_dups). LSH over opt->lsh_bands bands of
 * r = k / bands values each (values left over when bands does not divide
 * k count in the similarity only). With the defaults (r = 4, 16 bands) a
 * pair becomes a candidate with probability 1 - (1 - J^4)^16: 0.98 at
 * J = 0.7, 0.64 at 0.5, 0.12 at 0.3. Each distinct key with a signature
 * keeps its
 * signature as k bytes (the low 8 bits of each MinHash value, b-bit
 * MinHash: P(equal byte) = J + (1 - J) / 256, inverted when estimating),
 * a 4-byte "next" link per band (chained buckets, newest first), its
 * 4-byte group and a negation byte, and one 4-byte slot per band in
 * per-band open-addressing tables kept at most 75% full. With the defaults
 * (k 64, 16 bands) that is 64 + 64 + 5 + 85..171 = 218-304 bytes per
 * distinct text of 5 words or more (arrays grow by doubling, so up to
 * twice the entry part right after a growth; 274 MB for 1 million
 * distinct texts). A bucket's key is its r band bytes, compared exactly
 * against the chain head's stored signature, so no key is stored. Time
 * stays linear: at most LSH_WALK members of each bucket are examined
 * (newest first), so a row costs at most bands * LSH_WALK signature
 * comparisons of k bytes, however many rows share a bucket (texts drawn
 * from a small vocabulary do: their random pairs have J near 0.1).
 * Both indexes stay in memory, outside the --memory budget of the spill
 * logs (src/spill.c): every row looks them up as it arrives, by key and by
 * band, so they cannot wait in a file read back in passes. On generated
 * data they hold 56 + 261 = 317 bytes per distinct text, the largest
 * per-row cost left once kept rows and classifier features have spilled.
 * Candidates are verified: the estimated Jaccard similarity from the two
 * signatures must reach opt->near_threshold; the best one wins (earliest
 * on ties).
 *
 * Clusters. A cluster is created, with the next id (from 1, input order),
 * when a row is found to duplicate a group that has none; later rows join
 * it. Clusters never merge (a streaming pass cannot renumber): a row joins
 * the cluster of the group it matched. Per cluster: size and rows per
 * label class (32 bytes).
 *
 * Findings. A row matching a group whose first row has a known label class
 * different from its own, or whose cluster so far has a strict majority
 * class different from its own, gets LABEL_CONFLICT (0.9 exact, 0.8 near,
 * 0.45 when the text has at most 3 words: see SHORT_WORDS),
 * suggesting the cluster's majority counting this row (none on a tie; the
 * pipeline applies la_dedup_cluster_majority at the end when it buffers).
 * Otherwise it gets DUPLICATE (0.2) or NEAR_DUPLICATE (0.15). Rows of
 * unknown label class can be duplicates but never conflicts.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_dedup.h"

/* Near-duplicate detection needs this many words in the key (see the
 * file comment; pinned by test_dedup's short-text test and
 * tests/cases/dup-short-texts.case). On edited copies of short social
 * media texts every 4-word near match was a different text ("do you like
 * X?" / "do you like Y?"): one word of four moves the true similarity to
 * about 0.6, and the k=64 estimate's noise (+-0.06) then crosses 0.7. */
#define LA_DEDUP_MIN_WORDS 5
/* Largest opt->minhash_k honoured (per-row scratch arrays of k entries
 * live on the stack); larger values switch near-duplicate detection off. */
#define LA_DEDUP_MAX_K 1024
/* Bounded per-row cost for long texts: above this many shingles the set
 * is sampled (test_dedup's long-text test). 4096 shingles cover texts of
 * ~4 KB in full, far longer than comments, tweets and messages. */
#define MAX_SHINGLES 4096
/* Members of one LSH bucket examined per band, newest first: keeps a row's
 * cost bounded when a bucket grows large (for example many templated
 * messages); a true near duplicate shares several bands, so it is rarely
 * missed. */
#define LSH_WALK 8
/* Scores: a conflict is the most damaging and cheapest fix (one of two
 * copies is wrong), an exact one a little surer than a near one; a plain
 * duplicate is housekeeping, low priority. */
#define SCORE_CONFLICT_EXACT 0.9
#define SCORE_CONFLICT_NEAR 0.8
#define SCORE_DUPLICATE 0.2
/* A conflict between copies of a text of at most SHORT_WORDS words ranks
 * lower: short replies ("yes", "no way", "fuck you") repeat naturally in
 * conversational data and their labels often depend on the conversation,
 * which the row does not carry. On such data most short-text conflicts were
 * both correct, while conflicts of 6+ words were nearly all real label
 * errors. Pinned by test_dedup's short-text test. */
#define SHORT_WORDS 3
#define SCORE_CONFLICT_SHORT 0.45
#define SCORE_NEAR_DUPLICATE 0.15

/* ---- signature (worker threads) ------------------------------------------ */

static int is_neg_word(const char *w, size_t n)
{
    /* the fixed negation set; "n't" forms are written without the
     * apostrophe, which is dropped before the test */
#define NEG(s) { s, sizeof s - 1 }
    static const struct { const char *s; uint8_t n; } set[] = {
        NEG("not"), NEG("no"), NEG("never"), NEG("nobody"), NEG("nothing"),
        NEG("none"), NEG("nowhere"), NEG("neither"), NEG("nor"), NEG("cannot"),
        NEG("aint"), NEG("cant"), NEG("wont"), NEG("dont"), NEG("doesnt"),
        NEG("didnt"), NEG("isnt"), NEG("arent"), NEG("wasnt"), NEG("werent"),
        NEG("couldnt"), NEG("shouldnt"), NEG("wouldnt"), NEG("havent"),
        NEG("hasnt"), NEG("hadnt"), NEG("mustnt"), NEG("neednt"),
        NEG("mightnt"), NEG("shant"), NEG("darent")
    };
#undef NEG
    if (n < 2 || n > 8) return 0;
    /* every entry starts with n, c, a, d, i, w, s, h or m and most words
     * do not: a cheap first filter before the list */
    switch (w[0]) {
    case 'n': case 'c': case 'a': case 'd': case 'i': case 'w': case 's': case 'h': case 'm':
        break;
    default:
        return 0;
    }
    for (size_t i = 0; i < LA_ARRAY_LEN(set); i++)
        if (set[i].n == n && set[i].s[0] == w[0] && memcmp(set[i].s, w, n) == 0) return 1;
    return 0;
}

static int is_aux_word(const char *w, size_t n)
{
    return (n == 2 && memcmp(w, "do", 2) == 0) ||
           (n == 4 && memcmp(w, "does", 4) == 0) ||
           (n == 3 && memcmp(w, "did", 3) == 0);
}

/* Punctuation dropped inside word tokens when punctuation does not count:
 * ASCII punctuation and the typographic quotes U+2018/U+2019. Returns the
 * byte length of such a character at s, or 0. */
static inline size_t punct_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80) {
        unsigned char ch = s[0];
        return (ch >= 0x21 && ch <= 0x2f) || (ch >= 0x3a && ch <= 0x40) ||
               (ch >= 0x5b && ch <= 0x60) || (ch >= 0x7b && ch <= 0x7e);
    }
    if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x98 || s[2] == 0x99))
        return 3;
    return 0;
}

/* Whether a token of this type belongs in the key under opt. */
static int keep_token(const la_options *opt, int type)
{
    switch (type) {
    case LA_TOK_URL: case LA_TOK_EMAIL: return opt->dup_keep_urls;
    case LA_TOK_MENTION: return opt->dup_keep_mentions;
    case LA_TOK_EMOJI: return opt->dup_keep_emoji;
    case LA_TOK_PUNCT: case LA_TOK_SYMBOL: return opt->dup_keep_punct;
    default: return 1;
    }
}

/* Counts code points of a valid UTF-8 run. */
static size_t count_cp(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xc0) != 0x80;
    return k;
}

/* A 4-byte load as its little-endian value (memcpy of the bytes on a
 * little-endian host, as the original memcpy-into-uint64 hashing did). */
static uint32_t le32(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(x);
#else
    return x;
#endif
}

/* Hash of a shingle: la_hash64, with a shortcut for the common short
 * ones (character 4-grams are 4 to 16 bytes, words mostly under 8). */
static uint64_t shingle_hash(const char *s, size_t n, uint64_t seed)
{
    if (n > 8) return la_hash64(s, n, seed);
    /* v = the n bytes little-endian, zero-padded, read without a
     * variable-length memcpy: two overlapping 4-byte loads, or three
     * single bytes (the overlapping bytes are equal, so OR is exact) */
    const unsigned char *u = (const unsigned char *)s;
    uint64_t v;
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, u, 4);
        memcpy(&hi, u + n - 4, 4);
        v = (uint64_t)le32(lo) | ((uint64_t)le32(hi) << (8 * (n - 4)));
    } else if (n > 0) {
        v = (uint64_t)u[0] | ((uint64_t)u[n / 2] << (8 * (n / 2))) |
            ((uint64_t)u[n - 1] << (8 * (n - 1)));
    } else {
        v = 0;
    }
    return la_mix64(v ^ la_mix64(seed + n));
}

typedef struct mh_state {
    uint32_t *v;           /* k bins: the least value seen in each */
    int k;
    uint64_t keep_mask;    /* sampling: keep when (h & keep_mask) == 0 */
    uint32_t n;            /* shingles hashed */
} mh_state;

/* One permutation hashing: the low 32 bits of the shingle's hash pick one
 * of the k bins, the high 32 bits are its value; a bin keeps its least. */
static void mh_add(mh_state *m, uint64_t h)
{
    if (h & m->keep_mask) return;
    uint32_t bin = (uint32_t)(((uint64_t)(uint32_t)h * (uint64_t)m->k) >> 32);
    uint32_t val = (uint32_t)(h >> 32);
    if (val < m->v[bin]) m->v[bin] = val;
    m->n++;
}

/* Optimal densification (Shrivastava, ICML 2017): an empty bin takes the
 * value of the first non-empty bin along its own pseudo-random probe
 * sequence, which depends only on the bin number and the seed, so two
 * similar sets fill their empty bins alike. filled is k bytes of scratch. */
static void mh_densify(mh_state *m, uint64_t seed, uint8_t *filled)
{
    /* a bin whose least value is UINT32_MAX itself counts as empty (a
     * 2^-32 event per shingle, and the same for any set holding it) */
    int any = 0;
    for (int i = 0; i < m->k; i++) any |= filled[i] = m->v[i] != UINT32_MAX;
    if (!any) return;
    for (int i = 0; i < m->k; i++) {
        if (filled[i]) continue;
        for (uint64_t a = 1;; a++) {
            uint64_t r = la_mix64(seed ^ ((uint64_t)i << 32) ^ (a * 0x9e3779b97f4a7c15ULL));
            uint32_t j = (uint32_t)(((r & 0xffffffffu) * (uint64_t)m->k) >> 32);
            if (filled[j]) { m->v[i] = m->v[j]; break; }
        }
    }
}

/* The LSH layout opt asks for: bands (0 when near detection is off) and
 * values per band. One home for it: the workers compute band keys with
 * it and the index files them. */
static int lsh_shape(const la_options *opt, int *rows_per_band)
{
    int k = opt->minhash_k, bands = opt->lsh_bands;
    if (bands > k) bands = k;
    if (!opt->near_dups || k <= 0 || k > LA_DEDUP_MAX_K || bands <= 0) {
        *rows_per_band = 0;
        return 0;
    }
    *rows_per_band = k / bands;
    return bands;
}

/* The 64-bit key of band b of an 8-bit signature: its r bytes hashed
 * with a per-band seed. A bucket's slot is the key's low bits. */
static uint64_t band_key(int b, int r, const uint8_t *sig)
{
    const uint8_t *p = sig + (size_t)b * (size_t)r;
    uint64_t seed = (uint64_t)(b + 1) * 0x9e3779b97f4a7c15ULL;
    if (r <= 8) {
        uint64_t v = 0;
        memcpy(&v, p, (size_t)r);
        return la_mix64(v ^ seed);
    }
    return la_hash64(p, (size_t)r, seed);
}

/* Seeds that keep the shingle kinds apart. */
#define SEED_CHAR 0x63686172ULL
#define SEED_WORD 0x776f7264ULL

/* Feeds the shingles of key (words separated by single spaces) to m. */
static void shingle_key(const la_options *opt, const char *key, size_t n,
                        mh_state *m)
{
    uint64_t seed = opt->seed;
    if (opt->shingle_size > 0) {
        /* word N-grams: a window of N words sliding one word at a time */
        size_t nw = (size_t)opt->shingle_size;
        size_t starts_cap = nw + 1;
        size_t ring[64];
        if (starts_cap > LA_ARRAY_LEN(ring)) starts_cap = LA_ARRAY_LEN(ring);
        if (nw >= starts_cap) nw = starts_cap - 1;
        size_t seen = 0, i = 0;
        while (i <= n) {
            size_t ws = i;
            while (i < n && key[i] != ' ') i++;
            ring[seen % starts_cap] = ws;
            seen++;
            if (seen >= nw) {
                size_t first = ring[(seen - nw) % starts_cap];
                mh_add(m, shingle_hash(key + first, i - first, seed ^ SEED_WORD));
            }
            i++;
        }
        return;
    }
    /* words as unigrams */
    for (size_t i = 0; i < n;) {
        size_t ws = i;
        while (i < n && key[i] != ' ') i++;
        mh_add(m, shingle_hash(key + ws, i - ws, seed ^ SEED_WORD));
        i++;
    }
    /* character 4-grams over code points (the whole key when shorter) */
    int ascii = 1;
    for (size_t i = 0; i < n; i++) ascii &= (unsigned char)key[i] < 0x80;
    if (ascii && n >= 4) {
        /* every 4-gram is 4 bytes: shingle_hash of a 4-byte string, with
         * its length term computed once */
        uint64_t k4 = la_mix64((seed ^ SEED_CHAR) + 4);
        for (size_t i = 4; i <= n; i++) {
            uint32_t v;
            memcpy(&v, key + i - 4, 4);
            mh_add(m, la_mix64((uint64_t)le32(v) ^ k4));
        }
        return;
    }
    size_t ring[5];
    size_t ncp = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && ((unsigned char)key[i] & 0xc0) == 0x80) continue;
        ring[ncp % 5] = i;
        ncp++;
        if (ncp >= 5) mh_add(m, shingle_hash(key + ring[(ncp - 5) % 5],
                                         i - ring[(ncp - 5) % 5], seed ^ SEED_CHAR));
    }
    if (ncp >= 1 && ncp < 5) mh_add(m, shingle_hash(key, n, seed ^ SEED_CHAR));
}

/* Appends token text to b: whole, or without inner punctuation. */
static void add_token_text(la_buf *b, const char *s, size_t n, int strip)
{
    if (!strip) { la_buf_add(b, s, n); return; }
    la_buf_reserve(b, n);
    char *o = b->p + b->len;
    for (size_t i = 0; i < n;) {
        size_t p = punct_len((const unsigned char *)s + i, n - i);
        if (p) { i += p; continue; }
        *o++ = s[i];
        i++;
    }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

/* Fills row->dup_key, contrast_key, minhash and nshingles (see the file
 * comment). Pure: reads c->text and c->opt, writes only row fields, the
 * thread's scratch buffer and c->arena. */
/* The row's stance (see the file comment): which polarities its
 * praise and anger words have and which identity groups it names, hashed
 * to 7 bits; 0 when it has none of them. */
static uint8_t stance_of(const la_text *t)
{
    uint64_t set = 0;
    for (size_t i = 0; i < t->nm; i++) {
        const la_term *term = t->m[i].term;
        uint64_t v;
        if (!term) continue;
        if (term->kind == LA_KIND_POSITIVE && !strstr(term->category, "humor")) v = 1;
        else if (term->kind == LA_KIND_NEGATIVE) v = 2;
        else if (term->kind == LA_KIND_IDENTITY) v = 16 + (uint64_t)term->id;
        else continue;
        set |= 1ull << (la_mix64(v) % 61);
    }
    return set ? (uint8_t)(1 + la_mix64(set) % 127) : 0;
}

void la_dedup_signature(const la_detect_ctx *c, la_row *row)
{
    const la_options *opt = c->opt;
    const la_text *t = c->text;
    la_buf *b = c->scratch;
    row->dup_key = 0;
    row->contrast_key = 0;
    row->minhash = NULL;
    row->sig8 = NULL;
    row->band_keys = NULL;
    row->nshingles = 0;
    row->stance = 0;
    if (!t || !t->norm) return;
    row->stance = stance_of(t);

    /* pass 1: the dup key; pass 2 (same buffer, after it): contrast key */
    la_buf_reset(b);
    size_t words = 0;
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *tk = &t->tok[i];
        if (!keep_token(opt, tk->type)) continue;
        int strip = !opt->dup_keep_punct &&
                    (tk->type == LA_TOK_WORD || tk->type == LA_TOK_NUMBER ||
                     tk->type == LA_TOK_HASHTAG);
        size_t before = b->len;
        if (b->len) la_buf_addc(b, ' ');
        size_t at = b->len;
        add_token_text(b, t->norm + tk->nstart, tk->nend - tk->nstart, strip);
        if (b->len == at) { b->len = before; b->p[b->len] = '\0'; continue; }
        if (tk->type == LA_TOK_CJK) {
            size_t w = count_cp(b->p + at, b->len - at) / 2;
            words += w ? w : 1;
        } else {
            words++;
        }
    }
    size_t keylen = b->len;
    if (keylen == 0) return;
    uint64_t h = la_hash64(b->p, keylen, opt->seed);
    row->dup_key = h ? h : 1;

    /* contrast key: the key's words minus negations, written after the
     * key in the same buffer (reserved first so b->p does not move) */
    la_buf_addc(b, '\0');
    la_buf_reserve(b, keylen + 1);
    size_t cstart = b->len;
    size_t last_start = 0; int last_aux = 0;
    for (size_t i = 0; i < keylen;) {
        size_t ws = i;
        while (i < keylen && b->p[i] != ' ') i++;
        size_t wl = i - ws;
        i++;
        /* the word without apostrophes, for the negation test */
        char tmp[16]; size_t tl = 0; int fits = 1;
        for (size_t j = ws; j < ws + wl; j++) {
            size_t p = punct_len((const unsigned char *)b->p + j, ws + wl - j);
            if (p) { j += p - 1; continue; }
            if (tl == sizeof tmp) { fits = 0; break; }
            tmp[tl++] = b->p[j];
        }
        if (fits && tl > 0 && is_neg_word(tmp, tl)) {
            int not_never = (tl == 3 && memcmp(tmp, "not", 3) == 0) ||
                            (tl == 5 && memcmp(tmp, "never", 5) == 0);
            if (last_aux && not_never) {
                b->len = last_start;
                b->p[b->len] = '\0';
            }
            last_aux = 0;
            continue;
        }
        size_t before = b->len;
        if (b->len > cstart) la_buf_addc(b, ' ');
        last_start = before;
        la_buf_add(b, b->p + ws, wl);
        last_aux = fits && is_aux_word(tmp, tl);
    }
    /* same seed as the dup key: a row without negations has
     * contrast_key == dup_key, and "x" vs "not x" share a contrast key */
    h = la_hash64(b->p + cstart, b->len - cstart, opt->seed);
    row->contrast_key = h ? h : 1;

    if (!opt->near_dups || opt->minhash_k <= 0 || opt->minhash_k > LA_DEDUP_MAX_K ||
        words < LA_DEDUP_MIN_WORDS)
        return;

    /* MinHash */
    int k = opt->minhash_k;
    uint32_t *v = la_arena_alloc(c->arena, (size_t)k * sizeof *v);
    for (int i = 0; i < k; i++) v[i] = UINT32_MAX;
    mh_state m = { v, k, 0, 0 };
    /* sampling for very long keys: estimated shingle count */
    size_t est = count_cp(b->p, keylen) + words;
    while (est > MAX_SHINGLES) { m.keep_mask = (m.keep_mask << 1) | 1; est >>= 1; }
    shingle_key(opt, b->p, keylen, &m);
    if (m.n == 0) return;
    uint8_t filled[LA_DEDUP_MAX_K];
    mh_densify(&m, opt->seed ^ 0x64656e7365ULL, filled);
    row->minhash = v;
    row->nshingles = m.n;
    /* what the index files, computed here rather than on the consumer:
     * the b-bit signature and every band's key */
    int r, bands = lsh_shape(opt, &r);
    if (!bands) return;
    uint8_t *sig = la_arena_alloc(c->arena, (size_t)k);
    for (int i = 0; i < k; i++) sig[i] = (uint8_t)v[i];
    uint64_t *keys = la_arena_alloc(c->arena, (size_t)bands * sizeof *keys);
    for (int i = 0; i < bands; i++) keys[i] = band_key(i, r, sig);
    row->sig8 = sig;
    row->band_keys = keys;
}

/* ---- index (consumer) ---------------------------------------------------- */

typedef struct grp {       /* one distinct dup key: 32 bytes */
    uint64_t key;
    uint64_t first_index;  /* row->index of its first row */
    const char *id;        /* arena: uint32 length, then bytes and NUL */
    uint32_t cluster;      /* cluster index + 1; 0 none */
    uint8_t cls;           /* first row's la_class */
    uint8_t id_is_number;
    uint16_t pad;
} grp;

typedef struct cluster {   /* 32 bytes */
    uint32_t size;
    uint32_t first_grp;
    uint32_t count[LA_CLASS__COUNT];
    uint32_t pad;
} cluster;

struct la_dedup {
    const la_options *opt;
    la_arena ids;          /* id strings of first rows */
    size_t id_bytes;
    grp *g; size_t ng, g_cap;
    uint32_t *slot; size_t nslot;       /* exact table: grp index + 1 */
    cluster *cl; size_t ncl, cl_cap;

    /* near index */
    int near;              /* near detection on */
    int k, bands, rows_per_band;
    int need;              /* equal signature bytes a candidate needs to
                              reach opt->near_threshold */
    uint8_t *sig; size_t nnear, near_cap;   /* k bytes per entry */
    uint32_t *next;        /* bands links per entry: entry + 1, 0 end */
    uint32_t *near_grp;    /* group of each entry */
    uint8_t *neg;          /* the entry row's stance: bit 0 a negation, bits 1-7 row->stance */
    uint32_t **band;       /* per band: head entry + 1 */
    size_t band_slots;     /* every band table has band_slots slots */

    /* counters */
    uint64_t rows, rows_keyed, exact_dups, near_dups, conflicts_rows;
    uint64_t contrast_skipped, short_rows;
};

static double similarity(const la_dedup *d, int m);

/* Creates an empty index for opt (borrowed; must outlive d). Never NULL. */
la_dedup *la_dedup_new(const la_options *opt)
{
    la_dedup *d = la_xcalloc(1, sizeof *d);
    d->opt = opt;
    la_arena_init(&d->ids, 1u << 20);
    d->nslot = 1024;
    d->slot = la_xcalloc(d->nslot, sizeof *d->slot);
    d->k = opt->minhash_k;
    d->bands = lsh_shape(opt, &d->rows_per_band);
    d->near = d->bands > 0;
    if (d->near) {
        d->need = d->k + 1;
        for (int m = d->k; m >= 0 && similarity(d, m) >= opt->near_threshold; m--)
            d->need = m;
        d->band_slots = 1024;
        d->band = la_xcalloc((size_t)d->bands, sizeof *d->band);
        for (int b = 0; b < d->bands; b++)
            d->band[b] = la_xcalloc(d->band_slots, sizeof *d->band[b]);
    }
    return d;
}

/* ---- exact table ---- */

static size_t slot_of(uint64_t key, size_t nslot)
{
    return (size_t)(la_mix64(key) & (nslot - 1));
}

static void exact_grow(la_dedup *d)
{
    size_t n = d->nslot * 2;
    uint32_t *s = la_xcalloc(n, sizeof *s);
    for (size_t i = 0; i < d->nslot; i++) {
        uint32_t e = d->slot[i];
        if (!e) continue;
        size_t j = slot_of(d->g[e - 1].key, n);
        while (s[j]) j = (j + 1) & (n - 1);
        s[j] = e;
    }
    free(d->slot);
    d->slot = s;
    d->nslot = n;
}

/* Finds key; returns its group index, or -1 with *pos the free slot. */
static long exact_find(const la_dedup *d, uint64_t key, size_t *pos)
{
    size_t j = slot_of(key, d->nslot);
    for (;;) {
        uint32_t e = d->slot[j];
        if (!e) { *pos = j; return -1; }
        if (d->g[e - 1].key == key) return (long)(e - 1);
        j = (j + 1) & (d->nslot - 1);
    }
}

static uint32_t new_group(la_dedup *d, const la_row *row)
{
    size_t pos;
    if ((d->ng + 1) * 10 > d->nslot * 7) exact_grow(d);
    (void)exact_find(d, row->dup_key, &pos);
    LA_GROW(d->g, d->g_cap, d->ng + 1);
    grp *g = &d->g[d->ng];
    memset(g, 0, sizeof *g);
    g->key = row->dup_key;
    g->first_index = row->index;
    size_t n = row->r.id ? row->r.id_len : 0;
    char *p = la_arena_alloc(&d->ids, 4 + n + 1);
    uint32_t n32 = (uint32_t)n;
    memcpy(p, &n32, 4);
    if (n) memcpy(p + 4, row->r.id, n);
    p[4 + n] = '\0';
    d->id_bytes += (4 + n + 1 + 7) & ~(size_t)7;
    g->id = p;
    g->id_is_number = (uint8_t)(row->r.id_is_number != 0);
    g->cls = (uint8_t)row->r.label_class;
    d->slot[pos] = (uint32_t)(d->ng + 1);
    return (uint32_t)d->ng++;
}

/* ---- near index ---- */

static const uint8_t *sig_of(const la_dedup *d, size_t e)
{
    return d->sig + e * (size_t)d->k;
}

static size_t band_hash(const la_dedup *d, int b, const uint8_t *sig, size_t nslot)
{
    return (size_t)(band_key(b, d->rows_per_band, sig) & (nslot - 1));
}

static int same_band(const la_dedup *d, int b, const uint8_t *x, const uint8_t *y)
{
    size_t off = (size_t)b * (size_t)d->rows_per_band;
    for (int i = 0; i < d->rows_per_band; i++)
        if (x[off + (size_t)i] != y[off + (size_t)i]) return 0;
    return 1;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Slot of band b holding the bucket of sig, or the free slot for it,
 * starting from home slot j = band_hash(). */
static size_t band_find(const la_dedup *d, int b, const uint8_t *sig, size_t j)
{
    uint32_t *t = d->band[b];
    while (t[j] && !same_band(d, b, sig_of(d, t[j] - 1), sig))
        j = (j + 1) & (d->band_slots - 1);
    return j;
}

static void band_grow(la_dedup *d)
{
    size_t n = d->band_slots * 2;
    for (int b = 0; b < d->bands; b++) {
        uint32_t *s = la_xcalloc(n, sizeof *s);
        for (size_t i = 0; i < d->band_slots; i++) {
            uint32_t e = d->band[b][i];
            if (!e) continue;
            size_t j = band_hash(d, b, sig_of(d, e - 1), n);
            while (s[j]) j = (j + 1) & (n - 1);
            s[j] = e;
        }
        free(d->band[b]);
        d->band[b] = s;
    }
    d->band_slots = n;
}

/* Estimated Jaccard similarity of two b-bit (8-bit) signatures with m
 * equal bytes of k. */
static double similarity(const la_dedup *d, int m)
{
    double p = (double)m / d->k, c = 1.0 / 256;
    double j = (p - c) / (1 - c);
    return j < 0 ? 0 : j > 1 ? 1 : j;
}

/* Equal bytes of two signatures, or -1 as soon as fewer than need can be
 * equal: most candidates of a crowded bucket are unrelated texts, and
 * their first 16 to 24 bytes already rule them out. */
static int equal_bytes(const la_dedup *d, const uint8_t *x, const uint8_t *y, int need)
{
    int m = 0, i = 0;
    /* eight bytes at a time: the high bit of each zero byte of x ^ y */
    for (; i + 8 <= d->k; i += 8) {
        uint64_t p, q;
        memcpy(&p, x + i, 8);
        memcpy(&q, y + i, 8);
        uint64_t v = p ^ q, lo7 = 0x7f7f7f7f7f7f7f7fULL;
        uint64_t t = ~(((v & lo7) + lo7) | v | lo7);
        m += (int)(((t >> 7) * 0x0101010101010101ULL) >> 56);
        if (m + (d->k - i - 8) < need) return -1;
    }
    for (; i < d->k; i++) m += x[i] == y[i];
    return m < need ? -1 : m;
}

/* Whether a row holds a negation (see the file comment). */
static uint8_t has_negation(const la_row *row)
{
    return row->contrast_key != row->dup_key;
}

/* The per-row set of verified candidates (near_search): a row examines at
 * most bands * LSH_WALK entries (128 with the defaults); the set holds up
 * to half its slots. */
#define SEEN_BITS 8
#define SEEN_SLOTS (1 << SEEN_BITS)

/* Best verified candidate for sig, whose bucket slots per band are
 * slot[]; returns its entry or -1. */
static long near_search(la_dedup *d, const uint8_t *sig, const size_t *slot,
                        uint8_t neg, double *sim)
{
    long best = -1;
    double bs = 0;
    int skipped = 0;
    /* entries already verified for this row: a small open-addressing set
     * (entry + 1; 0 empty). Verifying an entry twice would give the same
     * answer, so when the set is full an entry is simply verified again. */
    uint32_t seen[SEEN_SLOTS];
    int nseen = 0;
    memset(seen, 0, sizeof seen);
    /* The chains of all bands are walked in lockstep, one step of every
     * band at a time, so the cache misses of the link and signature loads
     * of up to `bands` entries overlap instead of queuing one behind the
     * other. The outcome does not depend on the order candidates are
     * verified in: the best is the greatest similarity, earliest entry on
     * ties, among same-polarity candidates, and a contrast pair is counted
     * only when no candidate qualifies, in which case every qualifying
     * contrast candidate was seen with no best yet. */
    uint32_t cur[LA_DEDUP_MAX_K];
    for (int b = 0; b < d->bands; b++) cur[b] = d->band[b][slot[b]];
    for (int w = 0; w < LSH_WALK; w++) {
        int live = 0;
        for (int b = 0; b < d->bands; b++) {
            if (!cur[b]) continue;
            size_t en = cur[b] - 1;
            const uint8_t *sp = sig_of(d, en);
            PREFETCH(&d->next[en * (size_t)d->bands + (size_t)b]);
            PREFETCH(sp);
            PREFETCH(sp + d->k - 1);
            live = 1;
        }
        if (!live) break;
        for (int b = 0; b < d->bands; b++) {
            if (!cur[b]) continue;
            size_t en = cur[b] - 1;
            cur[b] = d->next[en * (size_t)d->bands + (size_t)b];
            uint32_t key = (uint32_t)en + 1;
            size_t h = (size_t)((key * 0x9e3779b1u) >> (32 - SEEN_BITS));
            while (seen[h] && seen[h] != key) h = (h + 1) & (SEEN_SLOTS - 1);
            if (seen[h] == key) continue;
            if (nseen < SEEN_SLOTS / 2) { seen[h] = key; nseen++; }
            /* a candidate under d->need equal bytes is under the
             * threshold: skipped before its similarity is computed */
            int eq = equal_bytes(d, sig_of(d, en), sig, d->need);
            if (eq < 0) continue;
            double s = similarity(d, eq);
            if (s >= d->opt->near_threshold &&
                (best < 0 || s > bs || (s == bs && (long)en < best))) {
                if (d->neg[en] != neg) {     /* a contrast pair */
                    skipped = 1;
                } else {
                    best = (long)en;
                    bs = s;
                }
            }
        }
    }
    if (best < 0 && skipped) d->contrast_skipped++;
    *sim = bs;
    return best;
}

/* Makes room for one more entry (tables and arrays): call before
 * band_find, since growing moves every bucket. */
static void near_reserve(la_dedup *d)
{
    if ((d->nnear + 1) * 4 > d->band_slots * 3) band_grow(d);
    if (d->nnear + 1 > d->near_cap) {
        size_t cap = d->near_cap ? d->near_cap * 2 : 1024;
        d->sig = la_xrealloc(d->sig, cap * (size_t)d->k);
        d->next = la_xrealloc(d->next, cap * (size_t)d->bands * sizeof *d->next);
        d->near_grp = la_xrealloc(d->near_grp, cap * sizeof *d->near_grp);
        d->neg = la_xrealloc(d->neg, cap * sizeof *d->neg);
        d->near_cap = cap;
    }
}

/* Adds an entry at the head of its bucket in every band (slots from
 * band_find after near_reserve). */
static void near_insert(la_dedup *d, const uint8_t *sig, const size_t *slot,
                        uint32_t g, uint8_t neg)
{
    size_t e = d->nnear++;
    memcpy(d->sig + e * (size_t)d->k, sig, (size_t)d->k);
    d->near_grp[e] = g;
    d->neg[e] = neg;
    for (int b = 0; b < d->bands; b++) {
        d->next[e * (size_t)d->bands + (size_t)b] = d->band[b][slot[b]];
        d->band[b][slot[b]] = (uint32_t)(e + 1);
    }
}

/* ---- clusters and findings ---- */

static uint32_t cluster_of(la_dedup *d, uint32_t gi)
{
    grp *g = &d->g[gi];
    if (g->cluster) return g->cluster - 1;
    LA_GROW(d->cl, d->cl_cap, d->ncl + 1);
    cluster *c = &d->cl[d->ncl];
    memset(c, 0, sizeof *c);
    c->size = 1;
    c->first_grp = gi;
    c->count[g->cls < LA_CLASS__COUNT ? g->cls : 0]++;
    g->cluster = (uint32_t)(d->ncl + 1);
    return (uint32_t)d->ncl++;
}

/* Strict majority among known classes; UNKNOWN when none or tied. */
static la_class majority(const cluster *c)
{
    la_class best = LA_CLASS_UNKNOWN;
    uint32_t bn = 0;
    int tie = 0;
    for (int k = 1; k < LA_CLASS__COUNT; k++) {
        if (c->count[k] > bn) { bn = c->count[k]; best = (la_class)k; tie = 0; }
        else if (c->count[k] && c->count[k] == bn) tie = 1;
    }
    return tie ? LA_CLASS_UNKNOWN : best;
}

static const char *cname(la_class c)
{
    const char *s = la_class_name(c);
    return s ? s : "unknown";
}

/* Words of the original text (runs of ASCII letters and digits or
 * non-ASCII bytes), counted up to limit. */
static int count_words(const char *s, size_t n, int limit)
{
    int w = 0, in = 0;
    for (size_t i = 0; i < n && w <= limit; i++) {
        unsigned char ch = (unsigned char)s[i];
        int wc = ch >= 0x80 || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
        if (wc && !in) w++;
        in = wc;
    }
    return w;
}

static void report(la_dedup *d, la_row *row, uint32_t gi, uint32_t ci, int exact,
                   double sim)
{
    const grp *g = &d->g[gi];
    cluster *c = &d->cl[ci];
    la_class mine = row->r.label_class;
    la_class theirs = (la_class)g->cls;
    la_class before = majority(c);
    uint32_t idlen;
    memcpy(&idlen, g->id, 4);
    const char *idp = g->id + 4;

    c->size++;
    c->count[mine < LA_CLASS__COUNT ? mine : 0]++;
    la_class after = majority(c);

    la_result *r = &row->r;
    r->cluster.has_cluster = 1;
    r->cluster.id = (uint64_t)ci + 1;
    r->cluster.of = idp;
    r->cluster.of_len = idlen;
    r->cluster.of_is_number = g->id_is_number;
    r->cluster.of_label = theirs;
    r->cluster.similarity = exact ? 1.0 : sim;

    int shown = idlen > 60 ? 60 : (int)idlen;
    const char *how = exact ? "same text as" : "near duplicate of";
    char simtxt[32] = "";
    if (!exact) snprintf(simtxt, sizeof simtxt, " (similarity %.2f)", sim);
    int conflict = mine != LA_CLASS_UNKNOWN &&
                   ((theirs != LA_CLASS_UNKNOWN && theirs != mine) ||
                    (before != LA_CLASS_UNKNOWN && before != mine));
    if (exact) d->exact_dups++; else d->near_dups++;
    if (conflict) {
        d->conflicts_rows++;
        la_class sug = after != mine ? after : LA_CLASS_UNKNOWN;
        int short_text = r->text && count_words(r->text, r->text_len, SHORT_WORDS) <= SHORT_WORDS;
        double score = short_text ? SCORE_CONFLICT_SHORT
                     : exact ? SCORE_CONFLICT_EXACT : SCORE_CONFLICT_NEAR;
        const char *tail = short_text ? "; a short text, whose label may depend on context" : "";
        if (theirs != LA_CLASS_UNKNOWN && theirs != mine)
            la_result_add_finding(r, LA_R_LABEL_CONFLICT, score, sug,
                "%s row %.*s%s, which is labeled %s; this row is labeled %s "
                "(cluster %u, %u rows)%s", how, shown, idp, simtxt, cname(theirs),
                cname(mine), (unsigned)ci + 1, (unsigned)c->size, tail);
        else
            la_result_add_finding(r, LA_R_LABEL_CONFLICT, score, sug,
                "%s row %.*s%s; most of its cluster (%u rows) is labeled %s, "
                "this row %s%s", how, shown, idp, simtxt, (unsigned)c->size,
                cname(before), cname(mine), tail);
        return;
    }
    if (exact)
        la_result_add_finding(r, LA_R_DUPLICATE, SCORE_DUPLICATE, LA_CLASS_UNKNOWN,
            "same text as row %.*s, with the same label class (cluster %u)",
            shown, idp, (unsigned)ci + 1);
    else
        la_result_add_finding(r, LA_R_NEAR_DUPLICATE, SCORE_NEAR_DUPLICATE,
            LA_CLASS_UNKNOWN,
            "near duplicate of row %.*s%s, with the same label class (cluster %u)",
            shown, idp, simtxt, (unsigned)ci + 1);
}

/* Consumer, input order. Indexes row (rejected rows and rows without a
 * key are ignored) and, when it duplicates an earlier row, fills
 * row->r.cluster (of points into d, valid until la_dedup_free) and adds
 * one DUPLICATE, NEAR_DUPLICATE or LABEL_CONFLICT finding. */
void la_dedup_add(la_dedup *d, la_row *row)
{
    if (row->status != LA_OK) return;
    d->rows++;
    if (!row->dup_key) return;
    d->rows_keyed++;
    size_t pos;
    long gi = exact_find(d, row->dup_key, &pos);
    if (gi >= 0) {
        uint32_t ci = cluster_of(d, (uint32_t)gi);
        report(d, row, (uint32_t)gi, ci, 1, 1.0);
        return;
    }
    uint32_t ng = new_group(d, row);
    if (!d->near) return;
    if (!row->minhash || !row->sig8) { d->short_rows++; return; }
    const uint8_t *sig = row->sig8;
    uint8_t neg = (uint8_t)(has_negation(row) | row->stance << 1);
    size_t slot[LA_DEDUP_MAX_K];
    near_reserve(d);
    /* The tables are far larger than the caches: look up all bands in
     * three passes so their memory accesses overlap (home slots, then the
     * signatures of the entries found there, then the compares). The
     * band keys come from the worker (la_dedup_signature). */
    for (int b = 0; b < d->bands; b++) {
        slot[b] = (size_t)(row->band_keys[b] & (d->band_slots - 1));
        PREFETCH(&d->band[b][slot[b]]);
    }
    for (int b = 0; b < d->bands; b++) {
        uint32_t e = d->band[b][slot[b]];
        if (e) {
            PREFETCH(sig_of(d, e - 1));
            PREFETCH(&d->next[(size_t)(e - 1) * (size_t)d->bands + (size_t)b]);
        }
    }
    for (int b = 0; b < d->bands; b++) slot[b] = band_find(d, b, sig, slot[b]);
    double sim = 0;
    long cand = near_search(d, sig, slot, neg, &sim);
    if (cand >= 0) {
        uint32_t cg = d->near_grp[cand];
        uint32_t ci = cluster_of(d, cg);
        d->g[ng].cluster = ci + 1;
        report(d, row, cg, ci, 0, sim);
    }
    near_insert(d, sig, slot, ng, neg);
}

/* The strict majority label class of cluster cluster_id (1-based), counting
 * every row that joined it so far; LA_CLASS_UNKNOWN on a tie, when no row
 * has a known class, or for an unknown id. */
uint32_t la_dedup_cluster_info(const la_dedup *d, uint64_t cluster_id,
                               uint64_t *first_index, uint32_t counts[LA_CLASS__COUNT])
{
    if (!d || cluster_id == 0 || cluster_id > d->ncl) return 0;
    const cluster *c = &d->cl[cluster_id - 1];
    *first_index = d->g[c->first_grp].first_index;
    memcpy(counts, c->count, sizeof c->count);
    return c->size;
}

uint64_t la_dedup_clusters(const la_dedup *d)
{
    return d ? d->ncl : 0;
}

la_class la_dedup_cluster_majority(const la_dedup *d, uint64_t cluster_id)
{
    if (!d || cluster_id == 0 || cluster_id > d->ncl) return LA_CLASS_UNKNOWN;
    return majority(&d->cl[cluster_id - 1]);
}

static int cmp_desc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Bytes the exact and near indexes hold now. */
static void memory(const la_dedup *d, size_t *exact, size_t *near)
{
    *exact = d->g_cap * sizeof(grp) + d->nslot * sizeof(uint32_t) + d->id_bytes +
             d->cl_cap * sizeof(cluster);
    *near = 0;
    if (d->near)
        *near = d->near_cap * ((size_t)d->k + (size_t)d->bands * 4 + 5) +
                d->band_slots * (size_t)d->bands * 4;
}

/* A new cJSON object describing the clusters (see la_dedup.h); the caller
 * frees it. */
struct cJSON *la_dedup_summary(const la_dedup *d)
{
    cJSON *o = cJSON_CreateObject();
    uint64_t in_clusters = 0, conflicts = 0;
    uint64_t h2 = 0, h3 = 0, h4 = 0, h10 = 0;
    uint32_t *sizes = la_xmalloc((d->ncl ? d->ncl : 1) * sizeof *sizes);
    for (size_t i = 0; i < d->ncl; i++) {
        const cluster *c = &d->cl[i];
        in_clusters += c->size;
        sizes[i] = c->size;
        int classes = 0;
        for (int k = 1; k < LA_CLASS__COUNT; k++) classes += c->count[k] > 0;
        conflicts += classes > 1;
        if (c->size == 2) h2++;
        else if (c->size == 3) h3++;
        else if (c->size < 10) h4++;
        else h10++;
    }
    qsort(sizes, d->ncl, sizeof *sizes, cmp_desc);
    cJSON_AddNumberToObject(o, "clusters", (double)d->ncl);
    cJSON_AddNumberToObject(o, "rows_in_clusters", (double)in_clusters);
    cJSON_AddNumberToObject(o, "conflicts", (double)conflicts);
    cJSON_AddNumberToObject(o, "conflict_rows", (double)d->conflicts_rows);
    cJSON_AddNumberToObject(o, "exact_duplicates", (double)d->exact_dups);
    cJSON_AddNumberToObject(o, "near_duplicates", (double)d->near_dups);
    cJSON_AddNumberToObject(o, "contrast_pairs", (double)d->contrast_skipped);
    cJSON *lg = cJSON_AddArrayToObject(o, "largest");
    for (size_t i = 0; i < d->ncl && i < 10; i++)
        cJSON_AddItemToArray(lg, cJSON_CreateNumber(sizes[i]));
    free(sizes);
    cJSON *hs = cJSON_AddObjectToObject(o, "sizes");
    cJSON_AddNumberToObject(hs, "2", (double)h2);
    cJSON_AddNumberToObject(hs, "3", (double)h3);
    cJSON_AddNumberToObject(hs, "4-9", (double)h4);
    cJSON_AddNumberToObject(hs, "10+", (double)h10);
    /* per distinct text: the fixed costs of the file comment, with hash
     * slots at their mean load and the ids' mean length */
    size_t ex, ne;
    memory(d, &ex, &ne);
    cJSON *bp = cJSON_AddObjectToObject(o, "bytes_per_row");
    double idb = d->ng ? (double)d->id_bytes / (double)d->ng : 0;
    cJSON_AddNumberToObject(bp, "exact", (double)(uint64_t)(sizeof(grp) + 8 + idb + 0.5));
    cJSON_AddNumberToObject(bp, "near", d->near ?
        (double)(d->k + 4 * d->bands + 5 + 8 * d->bands) : 0);
    cJSON *mb = cJSON_AddObjectToObject(o, "memory_bytes");
    cJSON_AddNumberToObject(mb, "exact", (double)ex);
    cJSON_AddNumberToObject(mb, "near", (double)ne);
    cJSON_AddBoolToObject(o, "near_dups", d->near);
    cJSON_AddNumberToObject(o, "too_short_for_near", (double)d->short_rows);
    return o;
}

void la_dedup_free(la_dedup *d)
{
    if (!d) return;
    la_arena_free(&d->ids);
    free(d->g);
    free(d->slot);
    free(d->cl);
    if (d->band) {
        for (int b = 0; b < d->bands; b++) free(d->band[b]);
        free(d->band);
    }
    free(d->sig);
    free(d->next);
    free(d->near_grp);
    free(d->neg);
    free(d);
}
