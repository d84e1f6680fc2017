/*
 * hostile.c - a deterministic hostile JSON Lines corpus and the checks
 * that audit labelaudit's accounting over it. It depends on libc only, so
 * a test can build it with a bare `cc -O2 -o hostile hostile.c`.
 *
 *   hostile [--lines N] [--seed S]      write N hostile lines to stdout
 *   hostile --long-row BYTES [--seed S] one valid row whose text is BYTES long
 *   hostile --check-jsonl FILE          every line of FILE is a JSON object
 *   hostile --get KEY FILE              print the top-level number KEY of the
 *                                       JSON object in FILE
 *   hostile --account INPUT REJECTS SUMMARY QUEUE
 *                                       every non-blank INPUT line is audited
 *                                       or in REJECTS byte for byte, in order,
 *                                       and the summary's counts add up
 *   hostile --exec CMD [ARG...]         run CMD with SIGINT and SIGQUIT at
 *                                       their defaults (a shell starts
 *                                       background jobs with them ignored)
 *
 * The corpus mixes valid rows with random bytes, truncated rows, invalid
 * UTF-8 (stray continuation bytes, overlong forms, encoded surrogates,
 * code points past U+10FFFF), \u escapes of NUL and lone or swapped
 * surrogates, lines of a few hundred KB, nesting deeper than any parser
 * limit, lone CRs, raw NUL bytes, BOMs in the middle of lines, blank and
 * CRLF lines, values that are not objects, and every JSON type (null,
 * number, bool, array, object, string) in each of the text, label, id and
 * annotations fields. Every line ends with '\n' except, for odd seeds, the
 * last one; no line contains '\n' otherwise. The output depends only on
 * the arguments (splitmix64 PRNG).
 *
 * The accounting check splits INPUT the way labelaudit reads it (a UTF-8
 * BOM dropped from line 1, one trailing CR dropped, lines of only spaces,
 * tabs and CRs are blank) and walks the rejects file alongside: each
 * rejects line must equal the next not-yet-matched non-blank input line
 * from some point on, in input order (a row's fate depends only on its
 * bytes, so identical lines share it and the greedy walk is exact). It
 * then requires rows_read == non-blank lines, rows_rejected == rejects
 * lines == matched lines, rows_audited == the rest, and that every queue
 * row's "line" names an input line that was not rejected.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- PRNG and output helpers ------------------------------------------- */

#include "splitmix.h"

typedef struct buf { char *p; size_t len, cap; } buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { fputs("hostile: out of memory\n", stderr); exit(2); }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }
static void putc_(buf *b, char c) { put(b, &c, 1); }

static void putf(buf *b, const char *fmt, long long v)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, fmt, v);
    put(b, tmp, (size_t)n);
}

/* ---- pieces of rows ------------------------------------------------------- */

static const char *words[] = {
    "the", "a", "printer", "movie", "you", "are", "so", "fucking", "great", "shit",
    "idiot", "love", "this", "pizza", "never", "again", "lol", "ok", "click", "here",
    "win", "free", "http://example.invalid/x", "@someone", "#tag", "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "f*ck", "sh1t", "fuuuuck", "\xd0\xb0ss",
    "Scunthorpe", "assessment", "hello", "123", "!!!", "...", "don't", "I'm",
};

static const char *labels_ok[] = {
    "\"toxic\"", "\"non_toxic\"", "1", "0", "true", "false", "\"spam\"", "\"ham\"",
    "\"Not Toxic\"", "\"OFF\"", "\"NOT\"", "\"weird-label\"",
};

/* Escaped string content made of words (valid JSON string body). */
static void put_words(buf *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) putc_(b, ' ');
        puts_(b, ONE(words));
    }
}

static void put_text_value(buf *b)
{
    putc_(b, '"');
    put_words(b, 1 + pick(12));
    if (chance(10)) puts_(b, " \\\"quoted\\\" \\\\ \\n \\t \\u00e9 \\ud83d\\ude00");
    putc_(b, '"');
}

/* Any JSON value, of the type t (0..7), nesting at most depth more. */
static void put_value(buf *b, int t, int depth)
{
    switch (t) {
    case 0: puts_(b, "null"); break;
    case 1: {
        static const char *nums[] = { "0", "-0", "1", "-1", "1.5", "1e999", "-1e-999",
                                      "123456789012345678901234567890", "4.2E+3", "0.0" };
        puts_(b, ONE(nums));
        break;
    }
    case 2: puts_(b, chance(50) ? "true" : "false"); break;
    case 3:
        putc_(b, '[');
        for (int i = 0, n = pick(4); i < n; i++) {
            if (i) putc_(b, ',');
            put_value(b, depth > 0 ? pick(8) : 6, depth - 1);
        }
        putc_(b, ']');
        break;
    case 4:
        putc_(b, '{');
        for (int i = 0, n = pick(3); i < n; i++) {
            if (i) putc_(b, ',');
            putf(b, "\"k%lld\":", i);
            put_value(b, depth > 0 ? pick(8) : 6, depth - 1);
        }
        putc_(b, '}');
        break;
    case 5: puts_(b, chance(50) ? "\"\"" : "\"   \""); break;
    case 6: put_text_value(b); break;
    default: {
        /* annotation-shaped values */
        static const char *ann[] = {
            "[\"toxic\",\"toxic\",\"non_toxic\"]", "[1,0,1,1]",
            "[{\"annotator\":\"a1\",\"label\":\"toxic\"},{\"annotator\":\"a2\",\"label\":0}]",
            "[{\"annotator\":null,\"label\":[1]}]", "[[],{},null]", "[{\"label\":{}}]",
        };
        puts_(b, ONE(ann));
        break;
    }
    }
}

static void valid_row(buf *b, long long i)
{
    puts_(b, "{\"id\":");
    if (chance(80)) putf(b, "\"h-%lld\"", i); else putf(b, "%lld", i);
    puts_(b, ",\"text\":");
    put_text_value(b);
    puts_(b, ",\"label\":");
    puts_(b, ONE(labels_ok));
    if (chance(15)) { puts_(b, ",\"annotations\":"); put_value(b, 7, 0); }
    putc_(b, '}');
}

/* A row whose fields take every JSON type. */
static void typed_row(buf *b, long long i)
{
    static const char *fields[] = { "id", "text", "label", "annotations" };
    int odd = pick(4);
    putc_(b, '{');
    for (int k = 0; k < 4; k++) {
        if (k == odd && chance(20)) continue;   /* the field missing */
        if (b->len > 1 && b->p[b->len - 1] != '{') putc_(b, ',');
        puts_(b, "\"");
        puts_(b, fields[k]);
        puts_(b, "\":");
        if (k == odd) put_value(b, pick(8), 2);
        else if (k == 0) putf(b, "%lld", i);
        else if (k == 1) put_text_value(b);
        else if (k == 2) puts_(b, ONE(labels_ok));
        else put_value(b, 7, 0);
    }
    putc_(b, '}');
}

static void random_bytes(buf *b, int n)
{
    for (int i = 0; i < n; i++) {
        char c = (char)pick(256);
        if (c == '\n') c = '\x7f';
        putc_(b, c);
    }
}

static void bad_utf8_row(buf *b, long long i)
{
    static const char *bad[] = {
        "\x80", "\xbf\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
        "\xff", "\xfe", "\xc3", "\xe6\x97", "\xf0\x9f\x98",
    };
    putf(b, "{\"id\":%lld,\"text\":\"", i);
    put_words(b, pick(3));
    puts_(b, ONE(bad));
    put_words(b, pick(3));
    puts_(b, "\",\"label\":");
    puts_(b, ONE(labels_ok));
    putc_(b, '}');
}

static void escape_row(buf *b, long long i)
{
    static const char *esc[] = {
        "\\u0000", "a\\u0000b", "\\ud800", "\\udc00", "\\ude00\\ud83d", "\\ud83d\\ude00",
        "\\ud83dx", "\\u00", "\\uZZZZ", "\\x41", "\\", "\\uFFFF", "\\uFEFF", "\\u200b",
    };
    putf(b, "{\"id\":%lld,\"text\":\"", i);
    put_words(b, pick(3));
    puts_(b, ONE(esc));
    puts_(b, "\",\"label\":");
    puts_(b, ONE(labels_ok));
    putc_(b, '}');
}

static void huge_row(buf *b, long long i, size_t bytes)
{
    putf(b, "{\"id\":%lld,\"text\":\"", i);
    size_t start = b->len;
    while (b->len - start < bytes) {
        puts_(b, ONE(words));
        putc_(b, ' ');
    }
    puts_(b, "\",\"label\":\"toxic\"}");
}

static void deep_row(buf *b, long long i)
{
    int depth = chance(50) ? 200 + pick(300) : 1500 + pick(5000);
    int where = pick(3);
    if (where == 0) {             /* the whole line nested */
        for (int k = 0; k < depth; k++) putc_(b, '[');
        for (int k = 0; k < depth; k++) putc_(b, ']');
        return;
    }
    putf(b, "{\"id\":%lld,\"text\":\"deep\",\"label\":\"toxic\",\"extra\":", i);
    for (int k = 0; k < depth; k++) puts_(b, where == 1 ? "[" : "{\"a\":");
    puts_(b, "1");
    for (int k = 0; k < depth; k++) putc_(b, where == 1 ? ']' : '}');
    if (chance(30)) b->len -= (size_t)pick(depth);   /* unbalanced */
    putc_(b, '}');
}

/* One hostile line (no '\n') for line number i. */
static void hostile_line(buf *b, long long i)
{
    if (pick(1000) < 2) {                           /* a few hundred KB */
        huge_row(b, i, 100000 + (size_t)pick(300000));
        return;
    }
    int k = pick(100);
    if (k < 30) { valid_row(b, i); return; }
    if (k < 34) { random_bytes(b, 1 + pick(200)); return; }
    if (k < 40) {                                   /* truncated */
        valid_row(b, i);
        b->len = 1 + (size_t)pick((int)b->len - 1);
        return;
    }
    if (k < 48) { bad_utf8_row(b, i); return; }
    if (k < 55) { escape_row(b, i); return; }
    if (k < 57) { deep_row(b, i); return; }
    if (k < 60) {                                   /* lone CR */
        valid_row(b, i);
        size_t at = (size_t)pick((int)b->len);
        putc_(b, ' ');                              /* room for one byte */
        memmove(b->p + at + 1, b->p + at, b->len - 1 - at);
        b->p[at] = '\r';
        return;
    }
    if (k < 63) {                                   /* raw NUL bytes */
        valid_row(b, i);
        size_t at = (size_t)pick((int)b->len);
        b->p[at] = '\0';
        return;
    }
    if (k < 66) {                                   /* BOM not at file start */
        if (chance(50)) { puts_(b, "\xef\xbb\xbf"); valid_row(b, i); return; }
        putf(b, "{\"id\":%lld,\"text\":\"mid\xef\xbb\xbf" "bom\",\"label\":\"toxic\"}", i);
        return;
    }
    if (k < 80) { typed_row(b, i); return; }
    if (k < 83) {                                   /* blank */
        static const char *blank[] = { "", " ", "\t", "\r", " \t \r" };
        puts_(b, ONE(blank));
        return;
    }
    if (k < 86) { valid_row(b, i); putc_(b, '\r'); return; }   /* CRLF */
    if (k < 89) {                                   /* not an object */
        static const char *notobj[] = { "42", "\"str\"", "[1,2]", "null", "true", "[]",
                                        "{}", "-", "{\"text\":\"x\",\"label\":\"toxic\"} junk",
                                        "{\"text\":\"x\"}{\"text\":\"y\"}" };
        puts_(b, ONE(notobj));
        return;
    }
    if (k < 92) {                                   /* duplicate keys */
        putf(b, "{\"id\":%lld,\"text\":\"first\",\"text\":", i);
        put_value(b, pick(8), 1);
        puts_(b, ",\"label\":\"toxic\",\"label\":\"non_toxic\"}");
        return;
    }
    if (k < 95) {                                   /* escaped NUL and controls */
        putf(b, "{\"id\":\"n\\u0000%lld\",\"text\":\"a\\u0000b\\u0001\",\"label\":\"toxic\"}", i);
        return;
    }
    if (k < 97) {                                   /* whitespace and odd layout */
        puts_(b, "  \t");
        valid_row(b, i);
        puts_(b, " \t ");
        return;
    }
    {                                               /* long id / label */
        puts_(b, "{\"id\":\"");
        for (int n = 500 + pick(5000); n > 0; n--) putc_(b, (char)('a' + pick(26)));
        puts_(b, "\",\"text\":\"long id\",\"label\":\"");
        for (int n = 100 + pick(500); n > 0; n--) putc_(b, (char)('a' + pick(26)));
        puts_(b, "\"}");
    }
}

static int generate(long long lines, uint64_t seed)
{
    rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
    buf b = { 0 };
    for (long long i = 1; i <= lines; i++) {
        b.len = 0;
        if (i == 1 && chance(50)) puts_(&b, "\xef\xbb\xbf");
        hostile_line(&b, i);
        if (i < lines || seed % 2 == 0) putc_(&b, '\n');
        if (fwrite(b.p, 1, b.len, stdout) != b.len) return 2;
    }
    free(b.p);
    return fflush(stdout) == 0 ? 0 : 2;
}

static int long_row(long long bytes, uint64_t seed)
{
    rng_state = seed;
    buf b = { 0 };
    huge_row(&b, 1, (size_t)bytes);
    putc_(&b, '\n');
    int ok = fwrite(b.p, 1, b.len, stdout) == b.len && fflush(stdout) == 0;
    free(b.p);
    return ok ? 0 : 2;
}

/* ---- a strict JSON reader (validation, top-level numbers) -------------- */

typedef struct jp { const unsigned char *s, *end; int depth; } jp;

static void ws(jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int lit(jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0) return 0;
    p->s += n;
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of a valid UTF-8 sequence at s (no overlongs, surrogates or
 * values past U+10FFFF), 0 if invalid. */
static int utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0];
    int n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (end - s < n) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

/* Parses a string; copies its raw (still escaped) body into key/keycap
 * when key is given. Escapes must be valid and \u surrogates paired. */
static int jstring(jp *p, char *key, size_t keycap)
{
    if (p->s >= p->end || *p->s != '"') return 0;
    const unsigned char *start = ++p->s;
    while (p->s < p->end && *p->s != '"') {
        unsigned c = *p->s;
        if (c < 0x20) return 0;
        if (c == '\\') {
            if (++p->s >= p->end) return 0;
            c = *p->s;
            if (c == 'u') {
                unsigned v = 0;
                for (int i = 1; i <= 4; i++) {
                    if (p->s + i >= p->end || hexval(p->s[i]) < 0) return 0;
                    v = v * 16 + (unsigned)hexval(p->s[i]);
                }
                p->s += 5;
                if (v >= 0xDC00 && v <= 0xDFFF) return 0;
                if (v >= 0xD800 && v <= 0xDBFF) {
                    unsigned w = 0;
                    if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u') return 0;
                    for (int i = 2; i < 6; i++) {
                        if (hexval(p->s[i]) < 0) return 0;
                        w = w * 16 + (unsigned)hexval(p->s[i]);
                    }
                    if (w < 0xDC00 || w > 0xDFFF) return 0;
                    p->s += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", (int)c)) return 0;
            p->s++;
            continue;
        }
        int n = utf8_len(p->s, p->end);
        if (!n) return 0;
        p->s += n;
    }
    if (p->s >= p->end) return 0;
    if (key) {
        size_t n = (size_t)(p->s - start);
        if (n >= keycap) n = keycap - 1;
        memcpy(key, start, n);
        key[n] = 0;
    }
    p->s++;
    return 1;
}

static int jnumber(jp *p, double *out)
{
    const unsigned char *s = p->s;
    if (s < p->end && *s == '-') s++;
    if (s >= p->end) return 0;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (s < p->end && *s >= '0' && *s <= '9') s++;
    else return 0;
    if (s < p->end && *s == '.') {
        s++;
        if (s >= p->end || *s < '0' || *s > '9') return 0;
        while (s < p->end && *s >= '0' && *s <= '9') s++;
    }
    if (s < p->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < p->end && (*s == '+' || *s == '-')) s++;
        if (s >= p->end || *s < '0' || *s > '9') return 0;
        while (s < p->end && *s >= '0' && *s <= '9') s++;
    }
    if (out) {
        char tmp[64];
        size_t n = (size_t)(s - p->s);
        if (n >= sizeof tmp) n = sizeof tmp - 1;
        memcpy(tmp, p->s, n);
        tmp[n] = 0;
        *out = strtod(tmp, NULL);
    }
    p->s = s;
    return 1;
}

/* Parses one value. At depth 1 inside an object, a number under key
 * `want` is stored in *found / *has. */
static int jvalue(jp *p, const char *want, double *found, int *has)
{
    ws(p);
    if (p->s >= p->end) return 0;
    if (++p->depth > 100000) return 0;
    int ok = 1;
    unsigned c = *p->s;
    if (c == '{') {
        p->s++;
        ws(p);
        if (p->s < p->end && *p->s == '}') { p->s++; p->depth--; return 1; }
        for (;;) {
            char key[128];
            ws(p);
            if (!jstring(p, key, sizeof key)) return 0;
            ws(p);
            if (p->s >= p->end || *p->s != ':') return 0;
            p->s++;
            ws(p);
            if (want && p->depth == 1 && strcmp(key, want) == 0 && p->s < p->end &&
                (*p->s == '-' || (*p->s >= '0' && *p->s <= '9'))) {
                if (!jnumber(p, found)) return 0;
                *has = 1;
            } else if (!jvalue(p, want, found, has)) return 0;
            ws(p);
            if (p->s < p->end && *p->s == ',') { p->s++; continue; }
            if (p->s < p->end && *p->s == '}') { p->s++; break; }
            return 0;
        }
    } else if (c == '[') {
        p->s++;
        ws(p);
        if (p->s < p->end && *p->s == ']') { p->s++; p->depth--; return 1; }
        for (;;) {
            if (!jvalue(p, want, found, has)) return 0;
            ws(p);
            if (p->s < p->end && *p->s == ',') { p->s++; continue; }
            if (p->s < p->end && *p->s == ']') { p->s++; break; }
            return 0;
        }
    } else if (c == '"') ok = jstring(p, NULL, 0);
    else if (c == 't') ok = lit(p, "true");
    else if (c == 'f') ok = lit(p, "false");
    else if (c == 'n') ok = lit(p, "null");
    else ok = jnumber(p, NULL);
    p->depth--;
    return ok;
}

/* 1 if s[0..n) is exactly one JSON object (surrounding whitespace allowed);
 * the top-level number `want`, if any, goes to *found / *has. */
static int json_object(const char *s, size_t n, const char *want, double *found, int *has)
{
    jp p = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };
    ws(&p);
    if (p.s >= p.end || *p.s != '{') return 0;
    if (!jvalue(&p, want, found, has)) return 0;
    ws(&p);
    return p.s == p.end;
}

/* ---- files and lines ----------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "hostile: %s: cannot open\n", path); exit(2); }
    buf b = { 0 };
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) put(&b, chunk, got);
    fclose(f);
    put(&b, "", 0);
    *n = b.len;
    return b.p ? b.p : calloc(1, 1);
}

typedef struct line { const char *p; size_t n; } line;

/* Splits s into lines at '\n'; a last line without '\n' counts if not
 * empty. */
static line *split(const char *s, size_t n, size_t *count)
{
    size_t cap = 1024, k = 0;
    line *v = malloc(cap * sizeof *v);
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (k == cap) { cap *= 2; v = realloc(v, cap * sizeof *v); }
        if (!v) { fputs("hostile: out of memory\n", stderr); exit(2); }
        v[k].p = p;
        v[k].n = (size_t)(stop - p);
        k++;
        p = nl ? nl + 1 : end;
    }
    *count = k;
    return v;
}

static int check_jsonl(const char *path)
{
    size_t n, count;
    char *s = slurp(path, &n);
    line *v = split(s, n, &count);
    int bad = 0;
    if (n && s[n - 1] != '\n') { fprintf(stderr, "%s: last line has no newline\n", path); bad = 1; }
    for (size_t i = 0; i < count; i++) {
        int has = 0;
        double d;
        if (!json_object(v[i].p, v[i].n, NULL, &d, &has)) {
            fprintf(stderr, "%s:%zu: not a JSON object\n", path, i + 1);
            bad = 1;
        }
    }
    free(v);
    free(s);
    if (!bad) printf("%s: every line is a JSON object\n", path);
    return bad;
}

static int get_number(const char *path, const char *key, double *out)
{
    size_t n;
    char *s = slurp(path, &n);
    int has = 0;
    int ok = json_object(s, n, key, out, &has);
    free(s);
    if (!ok) { fprintf(stderr, "hostile: %s: not a JSON object\n", path); return 0; }
    if (!has) { fprintf(stderr, "hostile: %s: no top-level number %s\n", path, key); return 0; }
    return 1;
}

static int account(const char *in_path, const char *rej_path, const char *sum_path,
                   const char *queue_path)
{
    size_t n_in, n_rej, n_q, c_in, c_rej, c_q;
    char *in = slurp(in_path, &n_in), *rej = slurp(rej_path, &n_rej), *q = slurp(queue_path, &n_q);
    line *vi = split(in, n_in, &c_in), *vr = split(rej, n_rej, &c_rej), *vq = split(q, n_q, &c_q);
    unsigned char *rejected = calloc(c_in + 1, 1);
    int bad = 0;
    size_t nonblank = 0, j = 0;
    if (n_rej && rej[n_rej - 1] != '\n') { fputs("rejects: last line has no newline\n", stderr); bad = 1; }
    for (size_t i = 0; i < c_in; i++) {
        line l = vi[i];
        if (i == 0 && l.n >= 3 && memcmp(l.p, "\xef\xbb\xbf", 3) == 0) l.p += 3, l.n -= 3;
        if (l.n && l.p[l.n - 1] == '\r') l.n--;
        size_t k = 0;
        while (k < l.n && (l.p[k] == ' ' || l.p[k] == '\t' || l.p[k] == '\r')) k++;
        if (k == l.n) continue;
        nonblank++;
        if (j < c_rej && vr[j].n == l.n && memcmp(vr[j].p, l.p, l.n) == 0) {
            rejected[i] = 1;
            j++;
        }
    }
    if (j != c_rej) {
        fprintf(stderr, "rejects line %zu is not an input line in order\n", j + 1);
        bad = 1;
    }
    const char *keys[] = { "rows_read", "rows_audited", "rows_rejected" };
    double val[3] = { 0, 0, 0 };
    for (int k = 0; k < 3; k++)
        if (!get_number(sum_path, keys[k], &val[k])) bad = 1;
    double audited = (double)(nonblank - j);
    if (val[0] != (double)nonblank || val[2] != (double)j || val[1] != audited) {
        fprintf(stderr, "counts: input non-blank %zu, in rejects %zu, so audited %.0f; "
                "summary read %.0f audited %.0f rejected %.0f\n",
                nonblank, j, audited, val[0], val[1], val[2]);
        bad = 1;
    }
    if (val[0] != val[1] + val[2]) {
        fputs("summary: rows_read != rows_audited + rows_rejected\n", stderr);
        bad = 1;
    }
    for (size_t i = 0; i < c_q; i++) {
        double ln = 0;
        int has = 0;
        if (!json_object(vq[i].p, vq[i].n, "line", &ln, &has) || !has) {
            fprintf(stderr, "queue:%zu: not a JSON object with a line\n", i + 1);
            bad = 1;
            continue;
        }
        size_t li = (size_t)ln;
        if (ln < 1 || li > c_in || rejected[li - 1]) {
            fprintf(stderr, "queue:%zu: line %.0f is not an audited input line\n", i + 1, ln);
            bad = 1;
        }
    }
    if (!bad)
        printf("accounted: %zu non-blank lines = %.0f audited + %zu rejected\n",
               nonblank, audited, j);
    free(rejected);
    free(vi); free(vr); free(vq);
    free(in); free(rej); free(q);
    return bad;
}

int main(int argc, char **argv)
{
    long long lines = 1000, longrow = -1;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--lines") == 0 && i + 1 < argc) lines = atoll(argv[++i]);
        else if (strcmp(a, "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--long-row") == 0 && i + 1 < argc) longrow = atoll(argv[++i]);
        else if (strcmp(a, "--exec") == 0 && i + 1 < argc) {
            signal(SIGINT, SIG_DFL);
            signal(SIGQUIT, SIG_DFL);
            execvp(argv[i + 1], argv + i + 1);
            perror(argv[i + 1]);
            return 127;
        } else if (strcmp(a, "--check-jsonl") == 0 && i + 1 < argc) return check_jsonl(argv[i + 1]);
        else if (strcmp(a, "--get") == 0 && i + 2 < argc) {
            double v;
            if (!get_number(argv[i + 2], argv[i + 1], &v)) return 1;
            printf("%.0f\n", v);
            return 0;
        } else if (strcmp(a, "--account") == 0 && i + 4 < argc)
            return account(argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4]);
        else {
            fprintf(stderr, "usage: hostile [--lines N] [--seed S] | --long-row BYTES | "
                            "--check-jsonl FILE | --get KEY FILE | "
                            "--account INPUT REJECTS SUMMARY QUEUE | --exec CMD [ARG...]\n");
            return 2;
        }
    }
    if (longrow >= 0) return long_row(longrow, seed);
    if (lines < 0) lines = 0;
    return generate(lines, seed);
}
