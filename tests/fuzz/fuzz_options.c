/*
 * fuzz_options.c - option values from fuzz bytes through every check the
 * command line relies on: la_options_check (the ranges and required
 * fields), la_agree_check_options (--votes, --vote-classes), the label
 * map built from --toxic-values and friends, la_format_parse and
 * la_reason_parse. The input is cut at NUL bytes into strings; the first
 * eight bytes, when present, fill the numeric options. A check must give
 * LA_OK or LA_EUSAGE with a message, and a map must classify a value it
 * was given. (getopt parsing in src/main.c ends a usage error with exit(),
 * so it is not reached from here; tests/cases/rel-option-limits.case
 * covers it.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_agree.h"
#include "la_labels.h"

#define NSTR 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *str[NSTR];
    size_t k = 0;
    for (char *p = copy; k < NSTR; k++) {
        str[k] = p;
        p += strlen(p);              /* stops at copy[size] at the latest */
        if (p < copy + size) p++;
    }
    la_options o;
    la_options_init(&o);
    if (size >= 8) {
        o.shingle_size = (int8_t)data[0];
        o.minhash_k = data[1] * 5;
        o.folds = (int8_t)data[2];
        o.ds_max_iter = data[3] * 50;
        o.low_agreement = (int8_t)data[4] / 100.0;
        o.min_score = (int8_t)data[5] / 100.0;
        o.top = (int8_t)data[6];
        o.threads = data[7];
    }
    o.text_path = str[0];
    o.reasons = *str[1] ? str[1] : NULL;
    o.votes = *str[2] ? str[2] : NULL;
    o.vote_classes = *str[3] ? str[3] : NULL;
    o.toxic_values = str[4];
    o.clean_values = str[5];
    char err[512] = "";
    int rc = la_options_check(&o, err, sizeof err);
    if (rc != LA_OK && (rc != LA_EUSAGE || !err[0])) abort();
    err[0] = '\0';
    rc = la_agree_check_options(&o, err, sizeof err);
    if (rc != LA_OK && (rc != LA_EUSAGE || !err[0])) abort();
    la_labelmap *m = la_labelmap_new(&o);
    /* a listed value maps to a class (which one, when it is listed twice
     * under spellings that normalize alike, is the last list's) */
    if (*str[4] && !strchr(str[4], ',') && strlen(str[4]) < 40 &&
        strspn(str[4], " \t") == 0 &&
        la_labelmap_lookup(m, str[4], strlen(str[4])) == LA_CLASS_UNKNOWN)
        abort();
    la_labelmap_free(m);
    (void)la_format_parse(str[6]);
    (void)la_reason_parse(str[7], strlen(str[7]));
    free(copy);
    return 0;
}
