/*
 * summary.c - dataset-level counters and the summary object of DESIGN.md
 * section 5.
 *
 * Main structures: a small open-addressing map from raw label value to row
 * count (capped at LABELS_MAX distinct values, the rest counted as
 * "(other)"), and a dense table purity[term id][class] of row counts for
 * per-term label purity, sized by the lexicon (so memory does not grow
 * with rows). Everything is updated by the single consumer thread.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "la_summary.h"

#define LABELS_MAX 1000   /* distinct raw label values kept by name */

typedef struct label_count {
    char *value;
    uint64_t rows;
    la_class cls;          /* the class of the value */
} label_count;

struct la_summary {
    const la_lexicon *lex;
    uint64_t rejects[32];            /* by -code */
    uint64_t classes[LA_CLASS__COUNT];
    label_count *labels; size_t nlabels, labels_cap;
    uint64_t labels_other;
    uint64_t reasons[LA_R__COUNT];       /* queued rows per reason */
    double reason_p[LA_R__COUNT];         /* ... their summed P(wrong) */
    uint64_t candidates[LA_R__COUNT];    /* findings before weighing */
    uint64_t suggested[LA_CLASS__COUNT];
    uint64_t changes[LA_CLASS__COUNT][LA_CLASS__COUNT];   /* [from][to] */
    uint64_t hist[10];
    uint64_t annot_errors, blank_lines;
    uint32_t (*purity)[LA_CLASS__COUNT];
    size_t nterms;
};

la_summary *la_summary_new(const la_lexicon *lex)
{
    la_summary *s = la_xcalloc(1, sizeof *s);
    s->lex = lex;
    s->nterms = lex ? la_lexicon_size(lex) : 0;
    s->purity = la_xcalloc(s->nterms ? s->nterms : 1, sizeof *s->purity);
    return s;
}

void la_summary_free(la_summary *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nlabels; i++) free(s->labels[i].value);
    free(s->labels);
    free(s->purity);
    free(s);
}

void la_summary_reject(la_summary *s, int err)
{
    unsigned k = (unsigned)-err;
    if (k < LA_ARRAY_LEN(s->rejects)) s->rejects[k]++;
}

void la_summary_annot_error(la_summary *s) { s->annot_errors++; }
void la_summary_blank_line(la_summary *s) { s->blank_lines++; }

void la_summary_blank_lines(la_summary *s, uint64_t n) { s->blank_lines += n; }

static void count_label(la_summary *s, const char *v, size_t n, la_class cls)
{
    for (size_t i = 0; i < s->nlabels; i++)
        if (strlen(s->labels[i].value) == n && memcmp(s->labels[i].value, v, n) == 0) {
            s->labels[i].rows++;
            /* keep frequent values near the front: one swap per hit */
            if (i && s->labels[i].rows > s->labels[i - 1].rows) {
                label_count t = s->labels[i];
                s->labels[i] = s->labels[i - 1];
                s->labels[i - 1] = t;
            }
            return;
        }
    if (s->nlabels >= LABELS_MAX) { s->labels_other++; return; }
    LA_GROW(s->labels, s->labels_cap, s->nlabels + 1);
    s->labels[s->nlabels].value = la_xstrndup(v, n);
    s->labels[s->nlabels].cls = cls;
    s->labels[s->nlabels++].rows = 1;
}

void la_summary_row(la_summary *s, const la_row *row)
{
    s->classes[row->r.label_class]++;
    count_label(s, row->label_str ? row->label_str : "", row->label_len, row->r.label_class);
    for (uint32_t i = 0; i < row->nterms; i++)
        if (row->terms[i] < s->nterms) s->purity[row->terms[i]][row->r.label_class]++;
}

void la_summary_findings(la_summary *s, const la_result *r)
{
    for (int i = 0; i < r->nfind; i++) {
        /* count a reason once per row even if it appears twice */
        int seen = 0;
        for (int k = 0; k < i; k++) seen |= r->find[k].code == r->find[i].code;
        if (!seen) s->candidates[r->find[i].code]++;
    }
}

void la_summary_flagged(la_summary *s, const la_result *r)
{
    for (int i = 0; i < r->nfind; i++) {
        int seen = 0;
        for (int k = 0; k < i; k++) seen |= r->find[k].code == r->find[i].code;
        if (seen) continue;
        s->reasons[r->find[i].code]++;
        s->reason_p[r->find[i].code] += r->score;
    }
    if (r->suggested != LA_CLASS_UNKNOWN && r->suggested != r->label_class) {
        s->suggested[r->suggested]++;
        s->changes[r->label_class][r->suggested]++;
    }
    int bin = (int)(r->score * 10);
    if (bin > 9) bin = 9;
    if (bin < 0) bin = 0;
    s->hist[bin]++;
}

static cJSON *num(double x) { return cJSON_CreateNumber(x); }

typedef struct purity_row { uint32_t id; uint64_t rows, pos; double share; } purity_row;

static int cmp_purity(const void *a, const void *b)
{
    const purity_row *x = a, *y = b;
    if (x->share != y->share) return x->share < y->share ? 1 : -1;
    if (x->rows != y->rows) return x->rows < y->rows ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* "term_purity": term -> rows per class, for every term seen in at least
 * one row; "keyed_terms": the offenders, worst first. */
static void add_purity(cJSON *root, const la_summary *s)
{
    cJSON *tp = cJSON_AddObjectToObject(root, "term_purity");
    purity_row *rows = la_xmalloc((s->nterms ? s->nterms : 1) * sizeof *rows);
    size_t nrows = 0;
    for (size_t i = 0; i < s->nterms; i++) {
        uint64_t tot = 0;
        for (int c = 1; c < LA_CLASS__COUNT; c++) tot += s->purity[i][c];
        if (!tot) continue;
        const la_term *t = la_lexicon_term(s->lex, (uint32_t)i);
        cJSON *o = cJSON_GetObjectItemCaseSensitive(tp, t->term);
        if (!o) {
            o = cJSON_AddObjectToObject(tp, t->term);
            cJSON_AddStringToObject(o, "kind", la_kind_name((la_kind)t->kind));
            cJSON_AddNumberToObject(o, "rows", 0);
            for (int c = 1; c < LA_CLASS__COUNT; c++)
                cJSON_AddNumberToObject(o, la_class_name((la_class)c), 0);
        } else {
            continue;   /* the same term under two kinds counts once */
        }
        cJSON_SetNumberValue(cJSON_GetObjectItem(o, "rows"), (double)tot);
        for (int c = 1; c < LA_CLASS__COUNT; c++)
            cJSON_SetNumberValue(cJSON_GetObjectItem(o, la_class_name((la_class)c)),
                                 (double)s->purity[i][c]);
        uint64_t pos = s->purity[i][LA_CLASS_TOXIC] + s->purity[i][LA_CLASS_SPAM];
        uint64_t labeled = tot - s->purity[i][LA_CLASS_UNKNOWN];
        double share = labeled ? (double)pos / (double)labeled : 0;
        rows[nrows++] = (purity_row){ (uint32_t)i, labeled, pos, share };
    }
    qsort(rows, nrows, sizeof *rows, cmp_purity);
    cJSON *keyed = cJSON_AddArrayToObject(root, "keyed_terms");
    for (size_t i = 0; i < nrows; i++) {
        if (rows[i].rows < LA_PURITY_MIN_ROWS || rows[i].share < LA_PURITY_SHARE) continue;
        const la_term *t = la_lexicon_term(s->lex, rows[i].id);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "term", t->term);
        cJSON_AddStringToObject(o, "kind", la_kind_name((la_kind)t->kind));
        cJSON_AddNumberToObject(o, "rows", (double)rows[i].rows);
        cJSON_AddNumberToObject(o, "positive", (double)rows[i].pos);
        cJSON_AddNumberToObject(o, "share", rows[i].share);
        cJSON_AddItemToArray(keyed, o);
    }
    free(rows);
}

cJSON *la_summary_json(const la_summary *s, const la_stats *st, cJSON *clusters,
                       cJSON *agreement, cJSON *model, const char *dict_path,
                       int threads)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "rows_read", (double)st->rows_read);
    cJSON_AddNumberToObject(root, "rows_audited", (double)st->rows_audited);
    cJSON_AddNumberToObject(root, "rows_rejected", (double)st->rows_rejected);
    cJSON_AddNumberToObject(root, "rows_flagged", (double)st->rows_flagged);
    cJSON_AddNumberToObject(root, "blank_lines", (double)s->blank_lines);
    cJSON_AddNumberToObject(root, "files_unreadable", (double)st->files_unreadable);
    cJSON_AddBoolToObject(root, "interrupted", st->interrupted);

    cJSON *reasons = cJSON_AddObjectToObject(root, "reasons");
    for (int i = 0; i < LA_R__COUNT; i++)
        if (s->reasons[i])
            cJSON_AddItemToObject(reasons, la_reason_name((la_reason)i), num((double)s->reasons[i]));
    /* per reason: the precision the evidence model expects of the queued
     * rows that carry it (their mean P(wrong)) and the label errors they
     * are expected to hold (the sum); removal rows carry their own score */
    cJSON *est = cJSON_AddObjectToObject(root, "reason_estimates");
    for (int i = 0; i < LA_R__COUNT; i++) {
        if (!s->reasons[i]) continue;
        cJSON *e = cJSON_AddObjectToObject(est, la_reason_name((la_reason)i));
        cJSON_AddNumberToObject(e, "rows", (double)s->reasons[i]);
        cJSON_AddNumberToObject(e, "estimated_precision",
                                round(s->reason_p[i] / (double)s->reasons[i] * 1e4) / 1e4);
        cJSON_AddNumberToObject(e, "estimated_label_errors", round(s->reason_p[i] * 10) / 10);
    }
    cJSON *cand = cJSON_AddObjectToObject(root, "candidates");
    for (int i = 0; i < LA_R__COUNT; i++)
        if (s->candidates[i])
            cJSON_AddItemToObject(cand, la_reason_name((la_reason)i), num((double)s->candidates[i]));

    cJSON *rej = cJSON_AddObjectToObject(root, "rejects");
    for (size_t k = 1; k < LA_ARRAY_LEN(s->rejects); k++)
        if (s->rejects[k])
            cJSON_AddItemToObject(rej, la_error_kind(-(int)k), num((double)s->rejects[k]));
    cJSON_AddNumberToObject(root, "annotation_errors", (double)s->annot_errors);

    cJSON *labels = cJSON_AddObjectToObject(root, "labels");
    cJSON *raw = cJSON_AddObjectToObject(labels, "raw");
    for (size_t i = 0; i < s->nlabels; i++)
        cJSON_AddItemToObject(raw, s->labels[i].value, num((double)s->labels[i].rows));
    if (s->labels_other) cJSON_AddItemToObject(raw, "(other)", num((double)s->labels_other));
    cJSON *cls = cJSON_AddObjectToObject(labels, "classes");
    for (int c = 1; c < LA_CLASS__COUNT; c++)
        if (s->classes[c]) cJSON_AddItemToObject(cls, la_class_name((la_class)c), num((double)s->classes[c]));
    cJSON_AddNumberToObject(labels, "unknown", (double)s->classes[LA_CLASS_UNKNOWN]);

    cJSON *sug = cJSON_AddObjectToObject(root, "suggested");
    for (int c = 1; c < LA_CLASS__COUNT; c++)
        if (s->suggested[c]) cJSON_AddItemToObject(sug, la_class_name((la_class)c), num((double)s->suggested[c]));
    /* label_changes: from class -> to class -> rows, for "after fixes" */
    cJSON *chg = cJSON_AddObjectToObject(root, "label_changes");
    for (int f = 0; f < LA_CLASS__COUNT; f++) {
        cJSON *from = NULL;
        for (int t = 1; t < LA_CLASS__COUNT; t++) {
            if (!s->changes[f][t]) continue;
            if (!from) from = cJSON_AddObjectToObject(chg, f ? la_class_name((la_class)f) : "unknown");
            cJSON_AddItemToObject(from, la_class_name((la_class)t), num((double)s->changes[f][t]));
        }
    }
    cJSON *hist = cJSON_AddArrayToObject(root, "score_histogram");
    for (int i = 0; i < 10; i++) cJSON_AddItemToArray(hist, num((double)s->hist[i]));

    cJSON_AddItemToObject(root, "clusters", clusters ? clusters : cJSON_CreateObject());
    cJSON_AddItemToObject(root, "agreement", agreement ? agreement : cJSON_CreateObject());
    if (model) cJSON_AddItemToObject(root, "model", model);
    add_purity(root, s);

    cJSON *dict = cJSON_AddObjectToObject(root, "dictionary");
    if (dict_path) {
        cJSON_AddStringToObject(dict, "path", dict_path);
        cJSON_AddBoolToObject(dict, "enabled", 1);
    } else {
        cJSON_AddBoolToObject(dict, "enabled", 0);
        cJSON_AddStringToObject(dict, "note", "no hunspell dictionary: dictionary-word checks are off");
    }
    cJSON_AddNumberToObject(root, "threads", threads);
    cJSON_AddNumberToObject(root, "bytes_read", (double)st->bytes_read);
    cJSON_AddNumberToObject(root, "seconds", st->seconds);
    cJSON_AddNumberToObject(root, "mb_per_s",
                            st->seconds > 0 ? (double)st->bytes_read / 1e6 / st->seconds : 0);
    return root;
}

/* Unknown values shown by name: enough to write a --toxic-values list
 * from, short enough for one line (tests/cases/input-unknown-labels.case). */
#define UNKNOWN_SHOWN 10

static int cmp_rows(const void *x, const void *y)
{
    const label_count *a = *(label_count *const *)x, *b = *(label_count *const *)y;
    if (a->rows != b->rows) return a->rows < b->rows ? 1 : -1;
    return strcmp(a->value, b->value);
}

/* The unknown label values, most rows first: the first UNKNOWN_SHOWN with
 * their counts, then how many more. */
static void print_unknown(const la_summary *s, FILE *out)
{
    const label_count **u = la_xcalloc(s->nlabels + 1, sizeof *u);
    size_t n = 0;
    for (size_t i = 0; i < s->nlabels; i++)
        if (s->labels[i].cls == LA_CLASS_UNKNOWN) u[n++] = &s->labels[i];
    qsort(u, n, sizeof *u, cmp_rows);
    la_buf b;
    la_buf_init(&b);
    for (size_t i = 0; i < n && i < UNKNOWN_SHOWN; i++) {
        size_t len = strlen(u[i]->value);
        la_buf_adds(&b, i ? ", " : " ");
        la_buf_add_json_str(&b, u[i]->value, len > 40 ? 40 : len);
        la_buf_printf(&b, " (%llu)", (unsigned long long)u[i]->rows);
    }
    if (n > UNKNOWN_SHOWN) la_buf_printf(&b, " and %zu more", n - UNKNOWN_SHOWN);
    if (b.len) fputs(b.p, out);
    la_buf_free(&b);
    free(u);
}

void la_summary_print(const la_summary *s, const la_stats *st, FILE *out)
{
    fprintf(out, "labelaudit: %llu rows read, %llu audited, %llu rejected, %llu flagged",
            (unsigned long long)st->rows_read, (unsigned long long)st->rows_audited,
            (unsigned long long)st->rows_rejected, (unsigned long long)st->rows_flagged);
    if (s->blank_lines) fprintf(out, ", %llu blank lines skipped", (unsigned long long)s->blank_lines);
    fputc('\n', out);
    int any = 0;
    for (int i = 0; i < LA_R__COUNT; i++) {
        if (!s->reasons[i]) continue;
        fprintf(out, "%s %s %llu", any ? "," : "labelaudit: reasons:",
                la_reason_name((la_reason)i), (unsigned long long)s->reasons[i]);
        any = 1;
    }
    if (any) fputc('\n', out);
    if (s->classes[LA_CLASS_UNKNOWN]) {
        fprintf(out, "labelaudit: unknown label values in %llu rows:",
                (unsigned long long)s->classes[LA_CLASS_UNKNOWN]);
        print_unknown(s, out);
        fprintf(out, "; only label-independent checks ran on them (see --toxic-values and "
                "friends)\n");
    }
}
