/*
 * fuzz_annot.c - libFuzzer harness for the annotation parser and the
 * agreement statistics. The first input byte chooses the options (bit 0:
 * --votes, bit 1: configured annotation path and keys, bit 2:
 * --vote-classes, bit 3: Dawid-Skene without iterations, bits 4-5: the
 * row's label class); the rest is one JSON object line. Each input runs
 * la_annot_parse, checks the invariants of what it returns, feeds the row
 * twice to a fresh la_agree and runs every end-of-stream function.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_agree.h"
#include "la_common.h"
#include "la_labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t flags = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    la_options opt;
    la_options_init(&opt);
    if (flags & 1) opt.votes = "votes.a,b,c.d.e,toxic,neither";
    if (flags & 2) {
        opt.annotations_path = "x.ann";
        opt.annotators_path = "x.who";
        opt.annotator_key = "id";
        opt.annotation_label_key = "v";
    }
    if ((flags & 5) == 5) opt.vote_classes = "toxic,non_toxic,spam,ham,toxic";
    if (flags & 8) opt.ds_max_iter = 0;
    char err[128];
    if (la_agree_check_options(&opt, err, sizeof err) != LA_OK) abort();

    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!json) return 0;

    la_labelmap *labels = la_labelmap_new(&opt);
    la_arena arena;
    la_arena_init(&arena, 0);
    la_row row;
    memset(&row, 0, sizeof row);
    row.r.label_class = (la_class)((flags >> 4) & 3);
    int rc = la_annot_parse(&opt, labels, json, &row, &arena);
    if (rc != LA_OK && rc != LA_EANNOT) abort();
    if (rc == LA_EANNOT && (row.annot.n != 0 || row.err_detail[0] == '\0')) abort();
    if (row.annot.n < 0 || row.annot.n > LA_AGREE_MAX_JUDGMENTS) abort();
    for (int i = 0; i < row.annot.n; i++) {
        if (row.annot.cls[i] >= LA_CLASS__COUNT) abort();
        if (row.annot.rater && row.annot.rater[i] &&
            memchr(row.annot.rater[i], '\0', row.annot.rater_len[i]))
            abort();
    }

    la_agree *g = la_agree_new(&opt);
    la_agree_add(g, &row);
    row.index = 1;
    row.r.nfind = 0;
    la_agree_add(g, &row);
    la_agree_finish(g);
    double p;
    la_class c = la_agree_ds_class(g, 1, &p);
    if (c >= LA_CLASS__COUNT || p < 0 || p > 1.0001) abort();
    if (row.r.agreement.n && (row.r.agreement.share <= 0 || row.r.agreement.share > 1))
        abort();
    cJSON *s = la_agree_summary(g);
    char *out = cJSON_PrintUnformatted(s);
    free(out);
    cJSON_Delete(s);
    FILE *f = fopen("/dev/null", "w");
    if (f) {
        la_agree_write_report(g, f);
        fclose(f);
    }
    la_agree_free(g);
    la_arena_free(&arena);
    la_labelmap_free(labels);
    cJSON_Delete(json);
    return 0;
}
