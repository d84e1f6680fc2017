/*
 * diff.c - `labelaudit diff BEFORE AFTER`: what changed between two audits
 * of the same dataset (two --summary files), typically before and after a
 * review was applied. Compares the row counts, the rows per reason code,
 * the rows per label value and class, the keyed terms (which appeared,
 * which are gone) and the annotator agreement, as a text table and, with
 * --html FILE, as a section of a self-contained HTML page (report.c).
 *
 * Both summaries are read whole with cJSON; a key missing from one side
 * counts as 0 (counts) or prints "n/a" (measures such as alpha), so an
 * older summary still compares. Rows of a table are the union of both
 * sides' keys, in the order of the first summary then the second.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_common.h"
#include "la_diff.h"
#include "la_report.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static double num(const cJSON *o, const char *k, int *ok)
{
    const cJSON *v = get(o, k);
    if (ok) *ok = cJSON_IsNumber(v);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Reads a summary file; NULL with a FILE[:LINE] message on error. */
static cJSON *load(const char *path)
{
    la_buf b;
    la_buf_init(&b);
    char err[512];
    if (la_read_file(path, &b, err, sizeof err) != LA_OK) {
        fprintf(stderr, "labelaudit: %s\n", err);
        la_buf_free(&b);
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(b.p ? b.p : "", b.len, &end, 0);
    if (!cJSON_IsObject(o) || !get(o, "rows_read")) {
        size_t line = 1;
        if (!o && end && b.p)
            for (const char *p = b.p; p < end; p++) line += *p == '\n';
        fprintf(stderr, "labelaudit: %s:%zu: %s\n", path, line,
                o ? "not a labelaudit summary (no \"rows_read\")" : "invalid JSON");
        cJSON_Delete(o);
        o = NULL;
    }
    la_buf_free(&b);
    return o;
}

/* ---- the comparison --------------------------------------------------------------- */

void la_diff_rows(const cJSON *before, const cJSON *after, const char *path,
                  la_diff_fn fn, void *ud)
{
    const cJSON *a = before, *b = after;
    for (const char *p = path; a || b;) {
        const char *dot = strchr(p, '.');
        char key[64];
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key) return;
        memcpy(key, p, n);
        key[n] = '\0';
        a = get(a, key);
        b = get(b, key);
        if (!dot) break;
        p = dot + 1;
    }
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
        if (x->string && cJSON_IsNumber(x))
            fn(x->string, x->valuedouble, num(b, x->string, NULL), ud);
    cJSON_ArrayForEach(x, b)
        if (x->string && cJSON_IsNumber(x) && !get(a, x->string))
            fn(x->string, 0, x->valuedouble, ud);
}

/* Terms listed in a summary's keyed_terms (strings, or objects with a
 * "term"). */
static int has_term(const cJSON *arr, const char *t)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        const cJSON *s = cJSON_IsString(x) ? x : get(x, "term");
        if (cJSON_IsString(s) && strcmp(s->valuestring, t) == 0) return 1;
    }
    return 0;
}

void la_diff_terms(const cJSON *before, const cJSON *after, la_diff_term_fn fn, void *ud)
{
    const cJSON *a = get(before, "keyed_terms"), *b = get(after, "keyed_terms"), *x;
    cJSON_ArrayForEach(x, a) {
        const cJSON *s = cJSON_IsString(x) ? x : get(x, "term");
        if (cJSON_IsString(s)) fn(s->valuestring, 1, has_term(b, s->valuestring), ud);
    }
    cJSON_ArrayForEach(x, b) {
        const cJSON *s = cJSON_IsString(x) ? x : get(x, "term");
        if (cJSON_IsString(s) && !has_term(a, s->valuestring)) fn(s->valuestring, 0, 1, ud);
    }
}

/* ---- text ---------------------------------------------------------------------------- */

static void print_row(const char *name, double x, double y, void *ud)
{
    FILE *out = ud;
    fprintf(out, "  %-24s %9.0f %9.0f %+9.0f\n", name, x, y, y - x);
}

static void print_term(const char *term, int in_before, int in_after, void *ud)
{
    FILE *out = ud;
    fprintf(out, "  %-24s %s\n", term,
            in_before && in_after ? "still keyed" : in_before ? "gone" : "new");
}

static void print_measure(FILE *out, const char *name, const cJSON *a, const cJSON *b,
                          const char *key)
{
    int oka, okb;
    double x = num(a, key, &oka), y = num(b, key, &okb);
    fprintf(out, "  %-24s ", name);
    if (oka) fprintf(out, "%9.3f", x); else fprintf(out, "%9s", "n/a");
    if (okb) fprintf(out, " %9.3f", y); else fprintf(out, " %9s", "n/a");
    if (oka && okb) fprintf(out, " %+9.3f\n", y - x); else fputc('\n', out);
}

static void print_text(FILE *out, const cJSON *a, const cJSON *b, const char *an, const char *bn)
{
    fprintf(out, "labelaudit diff: %s -> %s\n", an, bn);
    fprintf(out, "  %-24s %9s %9s %9s\n", "", "before", "after", "change");
    static const char *const rows[] = { "rows_read", "rows_audited", "rows_rejected",
                                        "rows_flagged" };
    for (size_t i = 0; i < LA_ARRAY_LEN(rows); i++)
        print_row(rows[i], num(a, rows[i], NULL), num(b, rows[i], NULL), out);
    fprintf(out, "rows per reason:\n");
    la_diff_rows(a, b, "reasons", print_row, out);
    fprintf(out, "rows per label value:\n");
    la_diff_rows(a, b, "labels.raw", print_row, out);
    fprintf(out, "rows per label class:\n");
    la_diff_rows(a, b, "labels.classes", print_row, out);
    fprintf(out, "agreement:\n");
    print_measure(out, "alpha", get(a, "agreement"), get(b, "agreement"), "alpha");
    print_measure(out, "observed agreement", get(a, "agreement"), get(b, "agreement"),
                  "observed_agreement");
    print_row("rows with low agreement", num(get(a, "agreement"), "low_agreement", NULL),
              num(get(b, "agreement"), "low_agreement", NULL), out);
    print_row("rows not with majority", num(get(a, "agreement"), "not_majority", NULL),
              num(get(b, "agreement"), "not_majority", NULL), out);
    fprintf(out, "keyed terms (labeled toxic or spam almost every time):\n");
    size_t na = (size_t)cJSON_GetArraySize(get(a, "keyed_terms"));
    size_t nb = (size_t)cJSON_GetArraySize(get(b, "keyed_terms"));
    if (!na && !nb) fprintf(out, "  none, before or after\n");
    la_diff_terms(a, b, print_term, out);
}

int la_diff_run(const char *before, const char *after, const char *html_path, FILE *out)
{
    cJSON *a = load(before);
    cJSON *b = a ? load(after) : NULL;
    if (!a || !b) {
        cJSON_Delete(a);
        return 2;
    }
    print_text(out, a, b, before, after);
    int rc = 0;
    if (html_path) {
        la_atomic f;
        if (la_atomic_open(&f, html_path, -1) != LA_OK ||
            (la_report_write_diff(f.f, a, b, before, after) != LA_OK &&
             (la_atomic_abort(&f), 1)) ||
            la_atomic_commit(&f) != LA_OK) {
            fprintf(stderr, "labelaudit: %s: %s\n", html_path, strerror(errno));
            rc = 4;
        }
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    return rc;
}
