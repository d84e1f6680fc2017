/*
 * fuzz_explain.c - labelaudit --explain on any text: the human form and,
 * with the first byte odd, the --json form, which must be one line of
 * JSON that parses back. The explainer (lexicons, dictionary) is loaded
 * once per process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "labelaudit.h"

static la_explainer *ex;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!ex) {
        la_options o;
        la_options_init(&o);
        char err[256];
        int status;
        ex = la_explainer_new(&o, err, sizeof err, &status);
        if (!ex) { fprintf(stderr, "fuzz_explain: %s\n", err); abort(); }
    }
    int json = data[0] & 1;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) abort();
    la_explainer_write(ex, (const char *)data + 1, size - 1, json, out);
    fclose(out);
    if (json) {
        if (!len || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1)) abort();
        cJSON *j = cJSON_ParseWithLength(buf, len);
        if (!j) abort();
        cJSON_Delete(j);
    }
    free(buf);
    return 0;
}
