/*
 * fuzz_report.c - the summary and the HTML report from rows built out of
 * fuzz input. Each input is cut into lines; each line is parsed as a
 * record (la_record_parse), counted into a fresh summary (rejected lines
 * by kind, audited rows by label value and lexicon term), and given the
 * findings the fuzz bytes choose. The summary object must print as JSON
 * that parses back, keep rows_read == rows_audited + rows_rejected, and
 * the report writer must finish on it with the rows as its top rows.
 * The lexicon loads once per process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_labels.h"
#include "la_record.h"
#include "la_report.h"
#include "la_summary.h"

#define MAX_ROWS 16

static la_lexicon *lex;
static la_labelmap *labels;
static la_options opt;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!lex) {
        char err[256];
        la_options_init(&opt);
        lex = la_lexicon_load(NULL, NULL, err, sizeof err);
        if (!lex) { fprintf(stderr, "fuzz_report: %s\n", err); abort(); }
        labels = la_labelmap_new(&opt);
    }
    la_summary *sum = la_summary_new(lex);
    la_arena arena;
    la_arena_init(&arena, 4096);
    la_row rows[MAX_ROWS];
    const la_result *top[MAX_ROWS];
    size_t ntop = 0, nrows = 0;
    la_stats st;
    memset(&st, 0, sizeof st);
    const char *s = (const char *)data, *end = s + size;
    while (s < end && nrows < MAX_ROWS) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        la_row *row = &rows[nrows++];
        memset(row, 0, sizeof *row);
        row->raw = s;
        row->raw_len = n;
        row->r.line = nrows;
        row->r.file = "fuzz";
        st.rows_read++;
        if (la_record_parse(row, &opt, labels, &arena) != LA_OK) {
            st.rows_rejected++;
            la_summary_reject(sum, row->status);
        } else {
            st.rows_audited++;
            la_summary_row(sum, row);
            unsigned pick = n ? (unsigned char)s[n - 1] : 0;
            la_finding *f = la_result_add_finding(&row->r, (la_reason)(pick % LA_R__COUNT),
                                                  (pick & 15) / 15.0, LA_CLASS_NON_TOXIC,
                                                  "fuzz %.*s", (int)(n > 40 ? 40 : n), s);
            la_result_add_evidence(&row->r, f, pick & 7, pick & 31, "fuzz", NULL, NULL, NULL);
            la_result_settle(&row->r);
            la_summary_findings(sum, &row->r);
            la_summary_flagged(sum, &row->r);
            top[ntop++] = &row->r;
        }
        s += n + 1;
    }
    cJSON *j = la_summary_json(sum, &st, NULL, NULL, NULL, NULL, 1);
    char *text = cJSON_PrintUnformatted(j);
    cJSON *back = text ? cJSON_Parse(text) : NULL;
    if (!back) abort();
    cJSON *read = cJSON_GetObjectItem(back, "rows_read");
    if (!cJSON_IsNumber(read) || read->valuedouble != (double)nrows) abort();
    cJSON_Delete(back);
    cJSON_free(text);
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        la_report_write(out, j, NULL, top, ntop);
        fclose(out);
    }
    cJSON_Delete(j);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].json) cJSON_Delete(rows[i].json);
    la_arena_free(&arena);
    la_summary_free(sum);
    return 0;
}
