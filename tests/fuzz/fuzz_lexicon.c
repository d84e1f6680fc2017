/*
 * fuzz_lexicon.c - libFuzzer harness for the lexicon file parser and the
 * matcher built from it. The first input byte picks the file name (and
 * so the language) and whether the rest is also matched as a text; the
 * remaining bytes are one lexicon file. A parse must either succeed or
 * fail with a "NAME:LINE: ..." message; a compiled lexicon must match a
 * fixed text and the input itself with every span inside the text,
 * sorted by start.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"

static void check_matches(const la_text *t, size_t n)
{
    for (size_t i = 0; i < t->nm; i++) {
        if (t->m[i].start > t->m[i].end || t->m[i].end > n) abort();
        if (i && t->m[i - 1].start > t->m[i].start) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const names[] = { "f.en.tsv", "f.ja.tsv", "plain.tsv", "x/y/z.de.tsv" };
    unsigned opt = data[0];
    const char *name = names[opt & 3];
    la_lexicon *lex = la_lexicon_new();
    char err[256] = "";
    int rc = la_lexicon_add_buffer(lex, name, (const char *)data + 1, size - 1, err, sizeof err);
    if (rc != LA_OK) {
        if (strncmp(err, name, strlen(name)) != 0) abort();
        la_lexicon_free(lex);
        return 0;
    }
    la_lexicon_compile(lex);
    for (size_t i = 0; i < la_lexicon_size(lex); i++) {
        const la_term *tm = la_lexicon_term(lex, (uint32_t)i);
        if (!tm || tm->id != i || tm->kind >= LA_KIND__COUNT || !tm->norm[0]) abort();
    }
    la_text t; la_text_init(&t);
    static const char text[] = "you f*ck1ng 1diot f u c k sh1iiit \xE3\x83\x90\xE3\x82\xAB p!$$";
    la_text_analyze(&t, lex, NULL, NULL, text, sizeof text - 1);
    check_matches(&t, sizeof text - 1);
    if (opt & 4) {
        size_t bad;
        if (la_utf8_check((const char *)data + 1, size - 1, &bad)) {
            la_text_analyze(&t, lex, NULL, NULL, (const char *)data + 1, size - 1);
            check_matches(&t, size - 1);
        }
    }
    la_text_free(&t);
    la_lexicon_free(lex);
    return 0;
}
