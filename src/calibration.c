/*
 * calibration.c - how often reviewers confirmed the audit, per reason code,
 * per score band and per labeler: the audit's own precision measured on
 * this dataset. `labelaudit apply` fills a table from the reviewed
 * decisions, prints it and writes it as JSON; a later audit reads it back
 * with --calibration FILE (la_calibration_load) and looks up a reason's
 * precision as a prior for the evidence model.
 *
 * A reviewed row "confirms" the audit when the reviewer changed its label
 * or removed it; it "accepts" the proposal when the outcome is exactly the
 * value the export proposed. Precision is confirmed / reviewed. A row
 * counts once for each of its reasons, so the per-reason rows add up to
 * more than the rows reviewed. The table is plain counts; nothing is
 * smoothed here, so a reader can apply its own prior (the count is
 * returned with every precision).
 *
 * File format (JSON object): {"calibration":1, "reviewed":N,
 * "confirmed":N, "reasons":{CODE:{"reviewed","confirmed","accepted",
 * "precision"}}, "bands":[{"from","to","reviewed","confirmed",
 * "precision"}], "labelers":[{"labeler","reviewed","overturned"}]}.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_calibration.h"
#include "la_common.h"

typedef struct counts {
    long reviewed, confirmed, accepted;
} counts;

typedef struct labeler {
    char *name;
    long reviewed, overturned;
} labeler;

struct la_calibration {
    counts all;
    counts reason[LA_R__COUNT];
    counts band[LA_CALIB_BANDS];
    labeler *lab; size_t nlab, lab_cap;
};

la_calibration *la_calibration_new(void)
{
    return la_xcalloc(1, sizeof(la_calibration));
}

void la_calibration_free(la_calibration *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nlab; i++) free(c->lab[i].name);
    free(c->lab);
    free(c);
}

static int band_of(double score)
{
    int b = (int)(score * LA_CALIB_BANDS);
    if (b < 0) b = 0;
    if (b >= LA_CALIB_BANDS) b = LA_CALIB_BANDS - 1;
    return b;
}

static void count(counts *k, int confirmed, int accepted)
{
    k->reviewed++;
    k->confirmed += confirmed != 0;
    k->accepted += accepted != 0;
}

void la_calibration_add(la_calibration *c, uint32_t reasons, double score,
                        int confirmed, int accepted)
{
    count(&c->all, confirmed, accepted);
    for (int r = 0; r < LA_R__COUNT; r++)
        if (reasons & (1u << r)) count(&c->reason[r], confirmed, accepted);
    if (score >= 0) count(&c->band[band_of(score)], confirmed, accepted);
}

void la_calibration_labeler(la_calibration *c, const char *name, size_t n, int overturned)
{
    size_t i;
    for (i = 0; i < c->nlab; i++)
        if (strlen(c->lab[i].name) == n && memcmp(c->lab[i].name, name, n) == 0) break;
    if (i == c->nlab) {
        LA_GROW(c->lab, c->lab_cap, c->nlab + 1);
        c->lab[c->nlab].name = la_xstrndup(name, n);
        c->lab[c->nlab].reviewed = c->lab[c->nlab].overturned = 0;
        c->nlab++;
    }
    c->lab[i].reviewed++;
    c->lab[i].overturned += overturned != 0;
}

static double precision(const counts *k)
{
    return k->reviewed ? (double)k->confirmed / (double)k->reviewed : -1;
}

/* Labelers by overturned labels, most first; ties by name. */
static int cmp_labeler(const void *x, const void *y)
{
    const labeler *a = x, *b = y;
    if (a->overturned != b->overturned) return a->overturned > b->overturned ? -1 : 1;
    return strcmp(a->name, b->name);
}

void la_calibration_print(const la_calibration *c, FILE *out)
{
    fprintf(out, "precision of the audit, as reviewed (confirmed = relabeled or removed):\n");
    fprintf(out, "  %-16s %8s %9s %8s %9s\n", "reason", "reviewed", "confirmed", "accepted",
            "precision");
    for (int r = 0; r < LA_R__COUNT; r++) {
        const counts *k = &c->reason[r];
        if (!k->reviewed) continue;
        fprintf(out, "  %-16s %8ld %9ld %8ld %9.2f\n", la_reason_name((la_reason)r),
                k->reviewed, k->confirmed, k->accepted, precision(k));
    }
    fprintf(out, "  %-16s %8ld %9ld %8ld", "all rows", c->all.reviewed, c->all.confirmed,
            c->all.accepted);
    if (c->all.reviewed) fprintf(out, " %9.2f\n", precision(&c->all));
    else fprintf(out, " %9s\n", "n/a");
    int any = 0;
    for (int b = 0; b < LA_CALIB_BANDS; b++) {
        const counts *k = &c->band[b];
        if (!k->reviewed) continue;
        if (!any++)
            fprintf(out, "  %-16s %8s %9s %8s %9s\n", "score band", "reviewed", "confirmed",
                    "accepted", "precision");
        char name[32];
        snprintf(name, sizeof name, "%.1f-%.1f", b / (double)LA_CALIB_BANDS,
                 (b + 1) / (double)LA_CALIB_BANDS);
        fprintf(out, "  %-16s %8ld %9ld %8ld %9.2f\n", name, k->reviewed, k->confirmed,
                k->accepted, precision(k));
    }
    if (!c->nlab) return;
    labeler *sorted = la_xmalloc(c->nlab * sizeof *sorted);
    memcpy(sorted, c->lab, c->nlab * sizeof *sorted);
    qsort(sorted, c->nlab, sizeof *sorted, cmp_labeler);
    fprintf(out, "labelers overturned most:\n");
    for (size_t i = 0; i < c->nlab && i < 10 && sorted[i].overturned > 0; i++)
        fprintf(out, "  %-16s %ld of %ld reviewed labels overturned\n", sorted[i].name,
                sorted[i].overturned, sorted[i].reviewed);
    free(sorted);
}

static cJSON *counts_json(const counts *k, int with_accepted)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "reviewed", (double)k->reviewed);
    cJSON_AddNumberToObject(o, "confirmed", (double)k->confirmed);
    if (with_accepted) cJSON_AddNumberToObject(o, "accepted", (double)k->accepted);
    if (k->reviewed) cJSON_AddNumberToObject(o, "precision", precision(k));
    else cJSON_AddNullToObject(o, "precision");
    return o;
}

cJSON *la_calibration_json(const la_calibration *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "calibration", 1);
    cJSON_AddNumberToObject(o, "reviewed", (double)c->all.reviewed);
    cJSON_AddNumberToObject(o, "confirmed", (double)c->all.confirmed);
    cJSON_AddNumberToObject(o, "accepted", (double)c->all.accepted);
    cJSON *rs = cJSON_AddObjectToObject(o, "reasons");
    for (int r = 0; r < LA_R__COUNT; r++)
        if (c->reason[r].reviewed)
            cJSON_AddItemToObject(rs, la_reason_name((la_reason)r), counts_json(&c->reason[r], 1));
    cJSON *bs = cJSON_AddArrayToObject(o, "bands");
    for (int b = 0; b < LA_CALIB_BANDS; b++) {
        if (!c->band[b].reviewed) continue;
        cJSON *x = counts_json(&c->band[b], 1);
        cJSON_AddNumberToObject(x, "from", b / (double)LA_CALIB_BANDS);
        cJSON_AddNumberToObject(x, "to", (b + 1) / (double)LA_CALIB_BANDS);
        cJSON_AddItemToArray(bs, x);
    }
    cJSON *ls = cJSON_AddArrayToObject(o, "labelers");
    labeler *sorted = c->nlab ? la_xmalloc(c->nlab * sizeof *sorted) : NULL;
    if (c->nlab) memcpy(sorted, c->lab, c->nlab * sizeof *sorted);
    if (c->nlab) qsort(sorted, c->nlab, sizeof *sorted, cmp_labeler);
    for (size_t i = 0; i < c->nlab; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "labeler", sorted[i].name);
        cJSON_AddNumberToObject(x, "reviewed", (double)sorted[i].reviewed);
        cJSON_AddNumberToObject(x, "overturned", (double)sorted[i].overturned);
        cJSON_AddItemToArray(ls, x);
    }
    free(sorted);
    return o;
}

/* ---- the reader ------------------------------------------------------------- */

/* Reads {"reviewed","confirmed","accepted"} into k; 0 when malformed. */
static int read_counts(const cJSON *o, counts *k)
{
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(o, "reviewed");
    const cJSON *cf = cJSON_GetObjectItemCaseSensitive(o, "confirmed");
    const cJSON *ac = cJSON_GetObjectItemCaseSensitive(o, "accepted");
    if (!cJSON_IsNumber(rv) || !cJSON_IsNumber(cf) || rv->valuedouble < 0 ||
        cf->valuedouble < 0 || cf->valuedouble > rv->valuedouble)
        return 0;
    k->reviewed = (long)rv->valuedouble;
    k->confirmed = (long)cf->valuedouble;
    k->accepted = cJSON_IsNumber(ac) ? (long)ac->valuedouble : 0;
    return 1;
}

la_calibration *la_calibration_load(const char *path, char *err, size_t errlen)
{
    la_buf b;
    la_buf_init(&b);
    if (la_read_file(path, &b, err, errlen) != LA_OK) {
        la_buf_free(&b);
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(b.p ? b.p : "", b.len, &end, 0);
    if (!o || !cJSON_IsObject(o) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "calibration"))) {
        size_t at = o || !end ? 0 : (size_t)(end - (b.p ? b.p : ""));
        if (!o && end && b.p) {
            size_t line = 1;
            for (size_t i = 0; i < at && i < b.len; i++) line += b.p[i] == '\n';
            snprintf(err, errlen, "%s:%zu: invalid JSON", path, line);
        } else {
            snprintf(err, errlen, "%s:1: not a calibration file (no \"calibration\" key)", path);
        }
        cJSON_Delete(o);
        la_buf_free(&b);
        return NULL;
    }
    la_buf_free(&b);
    la_calibration *c = la_calibration_new();
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "reasons"), *x;
    cJSON_ArrayForEach(x, rs) {
        int r = x->string ? la_reason_parse(x->string, strlen(x->string)) : -1;
        if (r < 0) continue;     /* a code this version does not know */
        if (!read_counts(x, &c->reason[r])) {
            snprintf(err, errlen, "%s: reason %s: expected reviewed >= confirmed >= 0", path,
                     x->string);
            cJSON_Delete(o);
            la_calibration_free(c);
            return NULL;
        }
    }
    const cJSON *bs = cJSON_GetObjectItemCaseSensitive(o, "bands");
    cJSON_ArrayForEach(x, bs) {
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(x, "from");
        counts k;
        if (!cJSON_IsNumber(from) || !read_counts(x, &k)) continue;
        c->band[band_of(from->valuedouble + 1e-9)] = k;
    }
    const cJSON *ls = cJSON_GetObjectItemCaseSensitive(o, "labelers");
    cJSON_ArrayForEach(x, ls) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(x, "labeler");
        const cJSON *rv = cJSON_GetObjectItemCaseSensitive(x, "reviewed");
        const cJSON *ov = cJSON_GetObjectItemCaseSensitive(x, "overturned");
        if (!cJSON_IsString(name) || !cJSON_IsNumber(rv) || !cJSON_IsNumber(ov)) continue;
        LA_GROW(c->lab, c->lab_cap, c->nlab + 1);
        c->lab[c->nlab].name = la_xstrdup(name->valuestring);
        c->lab[c->nlab].reviewed = (long)rv->valuedouble;
        c->lab[c->nlab].overturned = (long)ov->valuedouble;
        c->nlab++;
    }
    read_counts(o, &c->all);
    cJSON_Delete(o);
    return c;
}

double la_calibration_precision(const la_calibration *c, la_reason r, long *reviewed)
{
    const counts *k = (unsigned)r < LA_R__COUNT ? &c->reason[r] : NULL;
    if (reviewed) *reviewed = k ? k->reviewed : 0;
    return k ? precision(k) : -1;
}

double la_calibration_band_precision(const la_calibration *c, double score, long *reviewed)
{
    const counts *k = &c->band[band_of(score)];
    if (reviewed) *reviewed = k->reviewed;
    return precision(k);
}
