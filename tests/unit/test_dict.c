/*
 * test_dict.c - the hunspell dictionary and its per-thread cache
 * (src/dict.c): known and unknown words, the Capitalized retry, words
 * never looked up, cache hit counting, missing dictionaries, NULL dict.
 */
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "unit.h"

static int check(la_dict *d, la_dict_cache *c, const char *w)
{
    return la_dict_check(d, c, w, strlen(w));
}

int main(void)
{
    char err[512];
    uint64_t hits, misses;

    /* a missing dictionary names the path */
    err[0] = '\0';
    CHECK(la_dict_open("/nonexistent/xx_YY", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/xx_YY.aff") != NULL);

    /* NULL dictionary: never a word */
    la_dict_cache *c = la_dict_cache_new();
    CHECK_INT(check(NULL, c, "hello"), 0);
    CHECK_INT(check(NULL, NULL, "hello"), 0);

    la_dict *d = la_dict_open(NULL, err, sizeof err);
    if (!d) {
        /* the en_US package is a build dependency; say so loudly */
        fprintf(stderr, "no en_US dictionary: %s\n", err);
        CHECK(d != NULL);
        la_dict_cache_free(c);
        return UNIT_DONE();
    }
    CHECK(strstr(la_dict_path(d), "en_US") != NULL);

    CHECK_INT(check(d, c, "hello"), 1);
    CHECK_INT(check(d, c, "assessment"), 1);
    CHECK_INT(check(d, c, "don't"), 1);
    CHECK_INT(check(d, c, "fdfdsgsfgasgfga"), 0);
    CHECK_INT(check(d, c, "london"), 1);     /* Capitalized retry */
    CHECK_INT(check(d, c, "i"), 1);
    CHECK_INT(check(d, c, "sh1t"), 0);       /* digits: not looked up */
    CHECK_INT(check(d, c, ""), 0);
    {
        char longw[80];
        memset(longw, 'a', 79);
        longw[79] = '\0';
        CHECK_INT(check(d, c, longw), 0);    /* over 64 bytes */
    }
    la_dict_cache_stats(c, &hits, &misses);
    CHECK_INT(hits, 0);
    CHECK_INT(misses, 6);

    /* the same words again come from the cache */
    CHECK_INT(check(d, c, "hello"), 1);
    CHECK_INT(check(d, c, "fdfdsgsfgasgfga"), 0);
    CHECK_INT(check(d, c, "london"), 1);
    la_dict_cache_stats(c, &hits, &misses);
    CHECK_INT(hits, 3);
    CHECK_INT(misses, 6);

    /* many words: the table grows and keeps every answer */
    char w[16];
    for (int i = 0; i < 3000; i++) {
        snprintf(w, sizeof w, "zq%c%c%c", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
        check(d, c, w);
    }
    CHECK_INT(check(d, c, "hello"), 1);
    la_dict_cache_stats(c, &hits, &misses);
    CHECK_INT(misses, 3006);
    CHECK_INT(hits, 4);
    /* a length-only prefix never matches a longer key */
    CHECK_INT(la_dict_check(d, c, "hellox", 5), 1);

    /* no cache: still answers */
    CHECK_INT(check(d, NULL, "world"), 1);
    la_dict_cache_stats(NULL, &hits, &misses);
    CHECK_INT(hits + misses, 0);

    la_dict_cache_free(c);
    la_dict_cache_free(NULL);
    la_dict_free(d);
    la_dict_free(NULL);
    return UNIT_DONE();
}
