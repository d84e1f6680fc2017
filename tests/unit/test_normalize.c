/*
 * test_normalize.c - the normalization fold (src/normalize.c): NFKC, case
 * folding, invisible characters, diacritics, typographic punctuation,
 * look-alike letters, the offset map, idempotence and the ASCII fast path.
 */
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "unit.h"

static la_text T;

/* Checks the map invariants of the current T. */
static int map_ok(void)
{
    if (T.map[T.norm_len] != T.orig_len) return 0;
    for (size_t i = 0; i < T.norm_len; i++)
        if (T.map[i] > T.map[i + 1] || T.map[i] >= T.orig_len) return 0;
    size_t bad;
    return la_utf8_check(T.norm, T.norm_len, &bad);
}

/* Normalizes in, compares with want, checks the map and idempotence. */
static void norm_is(const char *in, const char *want, int line)
{
    la_text_normalize(&T, in, strlen(in));
    if (strcmp(T.norm, want) != 0) {
        unit_fail++;
        fprintf(stderr, "line %d: normalize(\"%s\") == \"%s\", want \"%s\"\n", line, in, T.norm, want);
        return;
    }
    unit_pass++;
    CHECK(strlen(T.norm) == T.norm_len);
    if (!map_ok()) { unit_fail++; fprintf(stderr, "line %d: bad map for \"%s\"\n", line, in); }
    size_t n2;
    char *again = la_normalize_dup(T.norm, T.norm_len, &n2);
    if (strcmp(again, want) != 0) {
        unit_fail++;
        fprintf(stderr, "line %d: not idempotent: \"%s\" -> \"%s\"\n", line, want, again);
    }
    free(again);
}
#define NORM(in, want) norm_is(in, want, __LINE__)

static unsigned how_of(const char *in)
{
    la_text_normalize(&T, in, strlen(in));
    return T.norm_how;
}

int main(void)
{
    la_text_init(&T);

    /* ASCII fast path: lower case, identity map, backtick as apostrophe */
    NORM("Hello WORLD", "hello world");
    CHECK(T.ascii == 1);
    for (size_t i = 0; i <= T.norm_len; i++) CHECK_INT(T.map[i], i);
    NORM("don`t", "don't");
    NORM("", "");
    CHECK_INT(T.norm_len, 0);
    CHECK_INT(T.map[0], 0);

    /* NFKC: fullwidth and mathematical letters */
    NORM("\xef\xbc\xa6\xef\xbc\xb5\xef\xbc\xa3\xef\xbc\xab", "fuck");               /* ＦＵＣＫ */
    CHECK(T.ascii == 0);
    CHECK(T.norm_how & LA_HOW_CONFUSABLE);
    NORM("\xf0\x9d\x90\x9f\xf0\x9d\x90\xae\xf0\x9d\x90\x9c\xf0\x9d\x90\xa4", "fuck"); /* 𝐟𝐮𝐜𝐤 */
    NORM("\xf0\x9f\x85\xb5\xf0\x9f\x86\x84\xf0\x9f\x85\xb2\xf0\x9f\x85\xba", "fuck"); /* 🅵🆄🅲🅺 */

    /* look-alikes: Cyrillic/Greek inside Latin words, or all-look-alike
     * words; real Russian and Greek left alone */
    NORM("fu\xd1\x81k", "fuck");                          /* Cyrillic с */
    CHECK(T.norm_how & LA_HOW_CONFUSABLE);
    NORM("\xd1\x95\xd2\xbb\xd1\x96\xd1\x82", "shit");      /* ѕһіт */
    NORM("\xce\x9d\xce\x99GG\xce\x95R", "nigger");           /* Greek Ν Ι Ε, capital hints */
    NORM("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80",
         "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80"); /* Привет мир */
    CHECK_INT(T.norm_how & LA_HOW_CONFUSABLE, 0);
    /* "сор" alone folds; next to a real Russian word it stays */
    NORM("\xd1\x81\xd0\xbe\xd1\x80", "cop");
    NORM("\xd1\x81\xd0\xbe\xd1\x80 \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
         "\xd1\x81\xd0\xbe\xd1\x80 \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
    NORM("\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1",       /* καλημέρα */
         "\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xb5\xcf\x81\xce\xb1");
    NORM("sh\xd1\x96t \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
         "shit \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");                 /* Latin word folds */

    /* invisible characters */
    NORM("fu\xe2\x80\x8d" "ck", "fuck");                  /* ZWJ inside a word */
    CHECK(T.norm_how & LA_HOW_INVISIBLE);
    NORM("fu\xc2\xad" "ck", "fuck");                      /* soft hyphen */
    NORM("f\xe2\x80\x8bu\xe2\x80\x8c" "c\xef\xbb\xbfk", "fuck"); /* ZWSP, ZWNJ, BOM */
    NORM("\xe2\x80\xae" "kcuf", "kcuf");                  /* bidi override */
    /* emoji ZWJ sequences keep their joiners; variation selectors go */
    NORM("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
         "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");
    NORM("\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4");     /* ❤️ -> ❤ */
    CHECK_INT(how_of("\xe2\x9d\xa4\xef\xb8\x8f") & LA_HOW_INVISIBLE, 0);

    /* diacritics stripped on Latin, Greek, Cyrillic; case folding */
    NORM("Caf\xc3\xa9 na\xc3\xafve", "cafe naive");
    CHECK(T.norm_how & LA_HOW_DIACRITIC);
    NORM("cafe\xcc\x81", "cafe");                         /* combining acute */
    NORM("Stra\xc3\x9f" "e", "strasse");                  /* ß case folds to ss */
    CHECK_INT(how_of("Stra\xc3\x9f" "e") & LA_HOW_DIACRITIC, 0);
    NORM("\xc4\xb0stanbul", "istanbul");                  /* İ */
    NORM("Z\xcc\xb7\xcc\xa2\xcd\x8e" "a\xcc\xb6l\xcc\xb5g\xcc\xb4o\xcc\xb7", "zalgo");

    /* Japanese: kana keep their voiced marks; half-width becomes full */
    NORM("\xe3\x81\x8c\xe3\x82\xac", "\xe3\x81\x8c\xe3\x82\xac");                 /* がガ */
    NORM("\xef\xbd\xb6\xef\xbe\x9e\xef\xbe\x8a\xef\xbe\x9f", "\xe3\x82\xac\xe3\x83\x91"); /* ｶﾞﾊﾟ -> ガパ */
    CHECK_INT(T.norm_how, 0);
    NORM("\xe3\x81\x8b\xe3\x82\x99", "\xe3\x81\x8c");     /* か + combining dakuten -> が */
    NORM("\xe6\xad\xbb\xe3\x81\xad\xe3\x83\x90\xe3\x82\xab", "\xe6\xad\xbb\xe3\x81\xad\xe3\x83\x90\xe3\x82\xab"); /* 死ねバカ */
    NORM("\xea\xb0\x80", "\xea\xb0\x80");                 /* Hangul 가 recomposed */
    NORM("\xe0\xa4\x95\xe0\xa4\xbc", "\xe0\xa4\x95\xe0\xa4\xbc"); /* Devanagari nukta kept (exclusion) */

    /* typographic punctuation */
    NORM("don\xe2\x80\x99t \xe2\x80\x9cyes\xe2\x80\x9d \xe2\x80\x93 \xe2\x80\x94 \xe2\x80\x98x",
         "don't \"yes\" - - 'x");
    NORM("don\xc2\xb4t", "don't");

    /* invalid UTF-8: each bad byte is one U+FFFD mapped to it */
    NORM("a\xff" "b", "a\xef\xbf\xbd" "b");
    CHECK_INT(T.map[1], 1);
    CHECK_INT(T.map[3], 1);
    CHECK_INT(T.map[4], 2);
    NORM("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");         /* truncated sequence */
    NORM("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */

    /* the map points every normalized byte at its source code point */
    la_text_normalize(&T, "\xef\xbc\xa6" "a\xcc\x81" "\xc3\x9f", 8); /* Ｆ á ß */
    CHECK_STR(T.norm, "fass");
    CHECK_INT(T.map[0], 0);
    CHECK_INT(T.map[1], 3);
    CHECK_INT(T.map[2], 6);
    CHECK_INT(T.map[3], 6);
    CHECK_INT(T.map[4], 8);

    /* Zalgo overflow: more than 63 marks on a non-Latin base are cut */
    {
        char buf[2 + 2 * 200 + 1];
        memcpy(buf, "\xd7\x90", 2);                        /* Hebrew alef */
        for (int i = 0; i < 200; i++) memcpy(buf + 2 + 2 * i, "\xd6\xb8", 2); /* qamats */
        la_text_normalize(&T, buf, sizeof buf - 1);
        CHECK_INT(T.norm_len, 2 + 2 * 63);
        CHECK(map_ok());
        char *again = la_normalize_dup(T.norm, T.norm_len, NULL);
        CHECK_STR(again, T.norm);
        free(again);
    }

    /* scratch is reused: a short row after a long one */
    NORM("Short", "short");

    char *d = la_normalize_dup("\xef\xbc\xa1" "B", 4, NULL);
    CHECK_STR(d, "ab");
    free(d);

    la_text_free(&T);
    la_text_free(NULL);
    return UNIT_DONE();
}
