/*
 * fuzz_normalize.c - libFuzzer harness for normalization and tokenization
 * (src/normalize.c, src/tokenize.c). For any input bytes it aborts unless:
 * the normalized text is valid UTF-8 and NUL-terminated; the offset map is
 * in range, non-decreasing and ends at the input length; tokens are in
 * range, ordered, non-overlapping and their original spans equal the map
 * at their normalized spans; normalizing the output again changes nothing;
 * and pure-ASCII input gives the same result on the fast and full paths.
 * The la_text scratch is kept across inputs, as a worker thread keeps it
 * across rows. tests/fuzz/replay_main.c replays the seeds in make check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c) do { if (!(c)) { \
    fprintf(stderr, "fuzz_normalize: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static la_text T, U;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) { la_text_init(&T); la_text_init(&U); ready = 1; }
    if (size > (1u << 20)) return 0;
    const char *s = (const char *)data;
    la_text_normalize(&T, s, size);
    la_text_tokenize(&T);

    size_t bad;
    REQUIRE(T.orig == s && T.orig_len == size);
    REQUIRE(la_utf8_check(T.norm, T.norm_len, &bad));
    REQUIRE(T.norm[T.norm_len] == '\0');
    REQUIRE(T.map[T.norm_len] == size);
    for (size_t i = 0; i < T.norm_len; i++) {
        REQUIRE(T.map[i] < size);
        REQUIRE(T.map[i] <= T.map[i + 1]);
    }
    uint32_t nlast = 0, olast = 0;
    for (size_t i = 0; i < T.ntok; i++) {
        const la_token *k = &T.tok[i];
        REQUIRE(k->nstart < k->nend && k->nend <= T.norm_len);
        REQUIRE(k->nstart >= nlast);
        REQUIRE(k->start == T.map[k->nstart] && k->end == T.map[k->nend]);
        REQUIRE(k->start <= k->end && k->end <= size && k->start >= olast);
        REQUIRE(k->type <= LA_TOK_CJK);
        nlast = k->nend;
        olast = k->end;
    }

    /* idempotence */
    la_text_normalize(&U, T.norm, T.norm_len);
    REQUIRE(U.norm_len == T.norm_len && memcmp(U.norm, T.norm, T.norm_len) == 0);

    /* ASCII: the full path (forced by a leading "é ") agrees */
    if (T.ascii) {
        char *buf = malloc(size + 3);
        REQUIRE(buf != NULL);
        memcpy(buf, "\xc3\xa9 ", 3);
        if (size) memcpy(buf + 3, data, size);
        la_text_normalize(&U, buf, size + 3);
        REQUIRE(U.norm_len == T.norm_len + 2);
        REQUIRE(memcmp(U.norm, "e ", 2) == 0 && memcmp(U.norm + 2, T.norm, T.norm_len) == 0);
        for (size_t i = 0; i <= T.norm_len; i++) REQUIRE(U.map[i + 2] == T.map[i] + 3);
        free(buf);
    }
    return 0;
}
