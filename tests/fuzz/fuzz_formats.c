/*
 * fuzz_formats.c - every queue format writer and the HTML report on queue
 * rows built from fuzz bytes: ids, labels and texts with any bytes, reasons
 * with any "why", evidence spans anywhere (also past the text or inside a
 * UTF-8 character), clusters and agreement.
 *
 * Checks: each JSON format parses back (JSON Lines per line, Label Studio
 * and Argilla as one array), the CSV output is valid UTF-8, and the report
 * writer finishes. Layout of an input: byte 0 chooses the format and the
 * flags; the rest is cut at 0xFF bytes into id, label, text, then one
 * "why" per further piece; span offsets come from the pieces' bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_format.h"
#include "la_report.h"
#include "la_row.h"

static size_t next_piece(const uint8_t *d, size_t n, size_t *at, const char **p)
{
    if (*at > n) { *p = ""; return 0; }
    const uint8_t *end = memchr(d + *at, 0xFF, n - *at);
    size_t len = end ? (size_t)(end - (d + *at)) : n - *at;
    *p = (const char *)d + *at;
    *at += len + 1;
    return len;
}

static void check_json(const char *s, size_t n)
{
    cJSON *j = cJSON_ParseWithLength(s, n);
    if (!j) { fprintf(stderr, "fuzz_formats: not JSON: %.*s\n", (int)(n > 200 ? 200 : n), s); abort(); }
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned bits = data[0];
    la_format fmt = (la_format)(bits % 5);
    la_result r;
    memset(&r, 0, sizeof r);
    size_t at = 1;
    const char *p;
    size_t n;
    /* the pipeline hands writers valid UTF-8 ids, labels and texts; keep
     * that contract, with any bytes otherwise */
    n = next_piece(data, size, &at, &p);
    if (!la_utf8_check(p, n, NULL)) return 0;
    r.id = p; r.id_len = n;
    size_t digits = 0;
    while (digits < n && p[digits] >= '0' && p[digits] <= '9') digits++;
    r.id_is_number = (bits & 8) && n && digits == n;
    n = next_piece(data, size, &at, &p);
    la_buf label;
    la_buf_init(&label);
    if (!la_utf8_check(p, n, NULL)) return 0;
    la_buf_add_json_str(&label, p, n);
    r.label_json = label.p; r.label_json_len = label.len;
    r.label_class = (la_class)((bits >> 3) % LA_CLASS__COUNT);
    r.suggested = (la_class)((bits >> 5) % LA_CLASS__COUNT);
    n = next_piece(data, size, &at, &p);
    if (!la_utf8_check(p, n, NULL)) { la_buf_free(&label); return 0; }
    r.text = p; r.text_len = n;
    r.line = size;
    r.score = (double)(bits & 7) / 7.0;
    while (at <= size && r.nfind < LA_MAX_FINDINGS) {
        n = next_piece(data, size, &at, &p);
        la_finding *f = la_result_add_finding(&r, (la_reason)(n % LA_R__COUNT), r.score,
                                              r.suggested, "%.*s", (int)n, p);
        for (size_t i = 0; i + 1 < n && i < 8; i += 2)
            la_result_add_evidence(&r, f, (uint8_t)p[i], (uint8_t)p[i] + (uint8_t)p[i + 1],
                                   "fuzz", NULL, NULL, NULL);
    }
    if (bits & 16) {
        r.cluster.has_cluster = 1;
        r.cluster.id = 1;
        r.cluster.of = r.id; r.cluster.of_len = r.id_len;
        r.cluster.similarity = 0.9;
    }
    if (bits & 32) { r.agreement.n = 3; r.agreement.share = 2.0 / 3; }

    la_buf b;
    la_buf_init(&b);
    la_fmt_begin(fmt, &b);
    la_fmt_row(fmt, &b, &r, 0);
    la_fmt_row(fmt, &b, &r, 1);
    la_fmt_end(fmt, &b, 2);
    switch (fmt) {
    case LA_FORMAT_JSONL:
    case LA_FORMAT_PRODIGY:
        for (const char *s = b.p, *e; s < b.p + b.len; s = e + 1) {
            e = memchr(s, '\n', (size_t)(b.p + b.len - s));
            if (!e) abort();                     /* every row ends with \n */
            check_json(s, (size_t)(e - s));
        }
        break;
    case LA_FORMAT_LABEL_STUDIO:
    case LA_FORMAT_ARGILLA:
        check_json(b.p, b.len);
        break;
    case LA_FORMAT_CSV:
        if (!la_utf8_check(b.p, b.len, NULL)) abort();
        break;
    }
    la_buf_free(&b);

    if (bits & 64) {
        FILE *out = fopen("/dev/null", "w");
        const la_result *top[1] = { &r };
        if (out) {
            la_report_write(out, NULL, NULL, top, 1);
            fclose(out);
        }
    }
    la_buf_free(&label);
    return 0;
}
