/*
 * test_agree.c - annotator agreement: the statistics against hand-computed
 * figures, the per-row findings, Dawid-Skene on a synthetic set with a
 * known truth, and every annotation input form, valid and malformed.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "la_agree.h"
#include "la_common.h"
#include "la_labels.h"
#include "unit.h"

enum { T = LA_CLASS_TOXIC, N = LA_CLASS_NON_TOXIC, U = LA_CLASS_UNKNOWN };

/* A row holding judgments cls[0..n) by raters ids[0..n) (NULL: anonymous). */
typedef struct trow {
    la_row row;
    uint8_t cls[16];
    const char *ids[16];
    uint16_t lens[16];
} trow;

static void make_row(trow *t, uint64_t index, int label, int n,
                     const int *cls, const char *const *ids)
{
    memset(t, 0, sizeof *t);
    t->row.status = LA_OK;
    t->row.index = index;
    t->row.r.label_class = (la_class)label;
    t->row.annot.n = n;
    t->row.annot.cls = t->cls;
    for (int i = 0; i < n; i++) {
        t->cls[i] = (uint8_t)cls[i];
        if (ids) {
            t->ids[i] = ids[i];
            t->lens[i] = (uint16_t)(ids[i] ? strlen(ids[i]) : 0);
        }
    }
    if (ids) {
        t->row.annot.rater = t->ids;
        t->row.annot.rater_len = t->lens;
    }
}

static la_options defaults(void)
{
    la_options o;
    la_options_init(&o);
    return o;
}

/* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
 * section C: 4 observers, 12 units, values 1..5, some missing:
 *   unit   1 2 3 4 5 6 7 8 9 10 11 12
 *   A      1 2 3 3 2 1 4 1 2 .  .  .
 *   B      1 2 3 3 2 2 4 1 2 5  .  3
 *   C      . 3 3 3 2 3 4 2 2 5  1  .
 *   D      1 2 3 3 2 4 4 1 2 5  1  .
 * Unit 12 has one value and is not pairable: n = 40 pairable values with
 * n_1..n_5 = 9, 13, 10, 5, 3; the coincidence diagonal sums to 32, so
 * A_o = 32/40 = 0.8, A_e = (72 + 156 + 90 + 20 + 6) / (40 * 39) = 344/1560
 * = 0.22051, alpha = (0.8 - 0.22051) / (1 - 0.22051) = 0.743 as published. */
static void test_alpha_published(void)
{
    static const int v[4][12] = {
        { 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
        { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
        { 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
        { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 },
    };
    uint32_t cnt[12 * 5] = {0};
    for (int o = 0; o < 4; o++)
        for (int u = 0; u < 12; u++)
            if (v[o][u]) cnt[u * 5 + v[o][u] - 1]++;
    double ao, ae;
    double alpha = la_agree_alpha_nominal(cnt, 12, 5, &ao, &ae);
    CHECK_NEAR(alpha, 0.743, 0.0005);
    CHECK_NEAR(ao, 0.8, 1e-9);
    CHECK_NEAR(ae, 344.0 / 1560.0, 1e-9);
    /* all values equal: alpha undefined */
    uint32_t same[2 * 2] = { 3, 0, 2, 0 };
    CHECK(isnan(la_agree_alpha_nominal(same, 2, 2, NULL, NULL)));
}

/* Cohen's kappa on a 2x2 table by hand:
 *              rater 2: yes  no
 *   rater 1 yes        20    5    (25)
 *           no         10   15    (25)
 *                     (30) (20)   50
 * p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5;
 * kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4. */
static void test_kappa(void)
{
    const uint64_t t[4] = { 20, 5, 10, 15 };
    CHECK_NEAR(la_agree_kappa(t, 2), 0.4, 1e-12);
    const uint64_t perfect[4] = { 7, 0, 0, 3 };
    CHECK_NEAR(la_agree_kappa(perfect, 2), 1.0, 1e-12);
    const uint64_t one[4] = { 9, 0, 0, 0 };   /* p_e = 1: undefined */
    CHECK(isnan(la_agree_kappa(one, 2)));
}

static void test_row_findings(void)
{
    la_options o = defaults();
    la_agree *g = la_agree_new(&o);
    trow t;

    /* unanimous, label agrees: nothing flagged, entropy 0 */
    make_row(&t, 0, T, 3, (int[]){ T, T, T }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.agreement.n, 3);
    CHECK_INT(t.row.r.agreement.majority, T);
    CHECK_NEAR(t.row.r.agreement.share, 1.0, 1e-12);
    CHECK_NEAR(t.row.r.agreement.entropy, 0.0, 1e-12);
    CHECK_INT(t.row.r.nfind, 0);

    /* 2:1 against the label: NOT_MAJORITY, not LOW_AGREEMENT (0.67 >= 0.6);
     * entropy -(2/3 log2 2/3 + 1/3 log2 1/3) = 0.9183; score 0.6 + 0.7 *
     * (3/5 - 0.5) = 0.67 */
    make_row(&t, 1, N, 3, (int[]){ T, N, T }, NULL);
    la_agree_add(g, &t.row);
    CHECK_NEAR(t.row.r.agreement.share, 2.0 / 3.0, 1e-12);
    CHECK_NEAR(t.row.r.agreement.entropy, 0.918296, 1e-6);
    CHECK_INT(t.row.r.nfind, 1);
    CHECK_INT(t.row.r.find[0].code, LA_R_NOT_MAJORITY);
    CHECK_INT(t.row.r.find[0].suggested, T);
    CHECK_NEAR(t.row.r.find[0].score, 0.67, 1e-9);
    CHECK_INT(t.row.r.suggested, T);

    /* 1:1 tie: no majority, LOW_AGREEMENT 0.3 + 0.4 * 0.1 / 0.6, no
     * NOT_MAJORITY whatever the label */
    make_row(&t, 2, N, 2, (int[]){ T, N }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.agreement.majority, U);
    CHECK_NEAR(t.row.r.agreement.share, 0.5, 1e-12);
    CHECK_NEAR(t.row.r.agreement.entropy, 1.0, 1e-12);
    CHECK_INT(t.row.r.nfind, 1);
    CHECK_INT(t.row.r.find[0].code, LA_R_LOW_AGREEMENT);
    CHECK_NEAR(t.row.r.find[0].score, 0.15 + 0.1 * 0.1 / 0.6, 1e-9);   /* informational */
    CHECK_INT(t.row.r.find[0].suggested, U);
    CHECK(strstr(t.row.r.find[0].why, "no majority") != NULL);

    /* 3:2 of five: share 0.6 is not under 0.6 */
    make_row(&t, 3, T, 5, (int[]){ T, N, T, N, T }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.nfind, 0);

    /* 2:1:1 (0.5) with a label against the majority: both reasons */
    make_row(&t, 4, LA_CLASS_HAM, 4, (int[]){ LA_CLASS_SPAM, LA_CLASS_HAM, LA_CLASS_SPAM, T }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.nfind, 2);
    CHECK(la_result_find(&t.row.r, LA_R_LOW_AGREEMENT) != NULL);
    CHECK(la_result_find(&t.row.r, LA_R_NOT_MAJORITY) != NULL);
    CHECK_INT(t.row.r.suggested, LA_CLASS_SPAM);

    /* unknown judgments are ignored: one known judgment left; a single
     * judgment against the label scores 0.6 + 0.7 * (2/3 - 0.5) */
    make_row(&t, 5, N, 3, (int[]){ T, U, U }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.agreement.n, 1);
    CHECK_NEAR(t.row.r.find[0].score, 0.6 + 0.7 * (2.0 / 3.0 - 0.5), 1e-9);

    /* only unknown judgments: no agreement object */
    make_row(&t, 6, N, 2, (int[]){ U, U }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.agreement.n, 0);

    /* fifty to one ranks near the top */
    {
        static int many[16];
        make_row(&t, 7, N, 16, many, NULL);
        for (int i = 0; i < 16; i++) t.cls[i] = T;
        la_agree_add(g, &t.row);
        CHECK_NEAR(t.row.r.find[0].score, 0.6 + 0.7 * (17.0 / 18.0 - 0.5), 1e-9);
    }

    /* a malformed row is counted, not analysed */
    make_row(&t, 8, N, 0, NULL, NULL);
    t.row.annot_error = LA_EANNOT;
    la_agree_add(g, &t.row);

    la_agree_finish(g);
    cJSON *s = la_agree_summary(g);
    CHECK_INT(cJSON_GetObjectItem(s, "rows_with_judgments")->valuedouble, 7);
    CHECK_INT(cJSON_GetObjectItem(s, "low_agreement")->valuedouble, 2);
    CHECK_INT(cJSON_GetObjectItem(s, "not_majority")->valuedouble, 4);
    CHECK_INT(cJSON_GetObjectItem(s, "ties")->valuedouble, 1);
    CHECK_INT(cJSON_GetObjectItem(s, "unknown_judgments")->valuedouble, 4);
    CHECK_INT(cJSON_GetObjectItem(s, "malformed_rows")->valuedouble, 1);
    cJSON_Delete(s);
    la_agree_free(g);

    /* the threshold is an option */
    o.low_agreement = 0.7;
    g = la_agree_new(&o);
    make_row(&t, 0, T, 3, (int[]){ T, N, T }, NULL);
    la_agree_add(g, &t.row);
    CHECK_INT(t.row.r.nfind, 1);
    CHECK_INT(t.row.r.find[0].code, LA_R_LOW_AGREEMENT);
    la_agree_free(g);
}

/* The dataset alpha agrees with the reliability-table function. */
static void test_alpha_stream(void)
{
    static const int items[5][3] = {
        { T, T, T }, { T, N, T }, { N, N, 0 }, { N, T, 0 }, { T, 0, 0 }
    };
    la_options o = defaults();
    la_agree *g = la_agree_new(&o);
    uint32_t cnt[5 * 2] = {0};
    trow t;
    for (int i = 0; i < 5; i++) {
        int n = 0;
        while (n < 3 && items[i][n]) n++;
        make_row(&t, (uint64_t)i, T, n, items[i], NULL);
        la_agree_add(g, &t.row);
        for (int j = 0; j < n; j++) cnt[i * 2 + items[i][j] - 1]++;
    }
    la_agree_finish(g);
    /* by hand: pairable items 1-4, n = 10 values: toxic 6, non_toxic 4.
     * Coincidences: item 1 o_TT += 3*2/2 = 3; item 2 o_TT += 2*1/2 = 1,
     * o_TN = o_NT += 2*1/2 = 1; item 3 o_NN += 2; item 4 o_TN = o_NT += 1.
     * A_o = (3 + 1 + 2) / 10 = 0.6; A_e = (6*5 + 4*3) / (10*9) = 42/90;
     * alpha = (0.6 - 0.4667) / (1 - 0.4667) = 0.25. */
    double ao, ae;
    double want = la_agree_alpha_nominal(cnt, 5, 2, &ao, &ae);
    CHECK_NEAR(want, 0.25, 1e-9);
    CHECK_NEAR(ao, 0.6, 1e-9);
    cJSON *s = la_agree_summary(g);
    CHECK_NEAR(cJSON_GetObjectItem(s, "alpha")->valuedouble, 0.25, 1e-9);
    CHECK_NEAR(cJSON_GetObjectItem(s, "observed_agreement")->valuedouble, 0.6, 1e-9);
    CHECK_NEAR(cJSON_GetObjectItem(s, "expected_agreement")->valuedouble, 0.4667, 1e-9);
    cJSON_Delete(s);
    la_agree_free(g);
}

/* Three good annotators (each wrong once) and one adversarial annotator
 * who always gives the other class. Items 0-29: all four judge; items
 * 30-39: only G1 and X (a 1:1 tie for the majority); items 40-44: only X
 * (the majority is always wrong there). Dawid-Skene learns that X flips
 * and recovers the truth on every item; X is an outlier (kappa < 0.2). */
static void test_dawid_skene(void)
{
    la_options o = defaults();
    la_agree *g = la_agree_new(&o);
    trow t;
    int truth[45];
    for (int i = 0; i < 45; i++) {
        truth[i] = (i % 3 == 0) ? N : T;
        int wrong = truth[i] == T ? N : T;
        if (i < 30) {
            int c[4] = { truth[i], truth[i], truth[i], wrong };
            if (i == 3) c[0] = wrong;
            if (i == 7) c[1] = wrong;
            if (i == 11) c[2] = wrong;
            make_row(&t, 10 + (uint64_t)i * 2, (la_class)truth[i], 4, c,
                     (const char *const[]){ "g1", "g2", "g3", "x" });
        } else if (i < 40) {
            make_row(&t, 10 + (uint64_t)i * 2, (la_class)truth[i], 2,
                     (int[]){ truth[i], wrong }, (const char *const[]){ "g1", "x" });
        } else {
            make_row(&t, 10 + (uint64_t)i * 2, (la_class)truth[i], 1,
                     (int[]){ wrong }, (const char *const[]){ "x" });
        }
        la_agree_add(g, &t.row);
    }
    la_agree_finish(g);
    int right = 0;
    double p;
    for (int i = 0; i < 45; i++)
        right += la_agree_ds_class(g, 10 + (uint64_t)i * 2, &p) == (la_class)truth[i];
    CHECK_INT(right, 45);
    la_agree_ds_class(g, 10 + 40 * 2, &p);
    CHECK(p > 0.8);
    CHECK_INT(la_agree_ds_class(g, 11, &p), U);       /* no such row */
    CHECK_INT(la_agree_ds_class(g, 5, &p), U);

    cJSON *s = la_agree_summary(g);
    cJSON *ds = cJSON_GetObjectItem(s, "dawid_skene");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(ds, "converged")));
    CHECK(cJSON_GetObjectItem(ds, "iterations")->valuedouble <= 50);
    CHECK(cJSON_GetObjectItem(ds, "log_likelihood")->valuedouble < 0);
    CHECK_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(ds, "priors"), "toxic")->valuedouble,
               30.0 / 45.0, 0.05);
    cJSON *out = cJSON_GetObjectItem(s, "outliers");
    CHECK_INT(cJSON_GetArraySize(out), 1);
    CHECK_STR(cJSON_GetArrayItem(out, 0)->valuestring, "x");
    CHECK_INT(cJSON_GetObjectItem(s, "annotators")->valuedouble, 4);
    /* per-annotator figures: top list by judgments, x first (45) */
    cJSON *top = cJSON_GetObjectItem(s, "top_annotators");
    cJSON *x = cJSON_GetArrayItem(top, 0);
    CHECK_STR(cJSON_GetObjectItem(x, "annotator")->valuestring, "x");
    CHECK_INT(cJSON_GetObjectItem(x, "judgments")->valuedouble, 45);
    /* x is compared where others judged: items 0-39 */
    CHECK_INT(cJSON_GetObjectItem(x, "compared")->valuedouble, 40);
    CHECK_NEAR(cJSON_GetObjectItem(x, "agreement")->valuedouble, 0.0, 1e-9);
    CHECK(cJSON_GetObjectItem(x, "kappa")->valuedouble < 0);
    CHECK_STR(cJSON_GetObjectItem(x, "outlier_reason")->valuestring, "low_kappa");
    CHECK(cJSON_GetObjectItem(x, "ds_accuracy")->valuedouble < 0.1);
    cJSON *g2 = cJSON_GetArrayItem(top, 2);       /* g2 and g3 have 30; by id */
    CHECK_STR(cJSON_GetObjectItem(g2, "annotator")->valuestring, "g2");
    /* g2 against the majority of {g1, g3, x} on items 0-29: x is always
     * wrong, so the majority is wrong on items 3 and 11 (g1 or g3 wrong
     * too), and g2 itself is wrong on item 7: 27 of 30 */
    CHECK_INT(cJSON_GetObjectItem(g2, "compared")->valuedouble, 30);
    CHECK_NEAR(cJSON_GetObjectItem(g2, "agreement")->valuedouble, 0.9, 1e-9);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(g2, "outlier")));
    CHECK(cJSON_GetObjectItem(g2, "ds_accuracy")->valuedouble > 0.85);
    cJSON_Delete(s);

    /* the report: one line per annotator, sorted by id */
    FILE *f = tmpfile();
    CHECK_INT(la_agree_write_report(g, f), LA_OK);
    rewind(f);
    char line[512];
    const char *want[4] = { "g1", "g2", "g3", "x" };
    int k = 0;
    while (fgets(line, sizeof line, f) && k < 4) {
        cJSON *j = cJSON_Parse(line);
        CHECK(j != NULL);
        if (j) CHECK_STR(cJSON_GetObjectItem(j, "annotator")->valuestring, want[k]);
        cJSON_Delete(j);
        k++;
    }
    CHECK_INT(k, 4);
    fclose(f);
    f = fopen("/dev/full", "w");
    if (f) {
        CHECK_INT(la_agree_write_report(g, f), LA_EIO);
        fclose(f);
    }

    la_agree_free(g);

    /* Without iterations the posterior is the majority vote. */
    o.ds_max_iter = 0;
    g = la_agree_new(&o);
    make_row(&t, 0, T, 1, (int[]){ N }, (const char *const[]){ "x" });
    la_agree_add(g, &t.row);
    la_agree_finish(g);
    CHECK_INT(la_agree_ds_class(g, 0, &p), N);
    s = la_agree_summary(g);
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "dawid_skene"), "iterations")->valuedouble, 0);
    cJSON_Delete(s);
    la_agree_free(g);
}

/* Eight annotators on 40 items: seven always agree, one disagrees on 16
 * items (agreement 0.6, kappa 0.2 - not under the kappa bar). Mean
 * agreement 0.95, population sd sqrt((7 + 0.36) / 8 - 0.95^2) = 0.1323;
 * 0.6 lies 2.65 sd below: an outlier by the one-in-fifty rule (2.054). */
static void test_outlier_z(void)
{
    la_options o = defaults();
    la_agree *g = la_agree_new(&o);
    const char *ids[8] = { "a1", "a2", "a3", "a4", "a5", "a6", "a7", "odd" };
    trow t;
    for (int i = 0; i < 40; i++) {
        int c[8], truth = i % 2 ? T : N;
        for (int k = 0; k < 8; k++) c[k] = truth;
        if (i < 16) c[7] = truth == T ? N : T;
        make_row(&t, (uint64_t)i, (la_class)truth, 8, c, ids);
        la_agree_add(g, &t.row);
    }
    /* a repeated judgment: a1 twice on one item, consistent; a2 twice,
     * inconsistent */
    make_row(&t, 40, T, 4, (int[]){ T, T, T, N }, (const char *const[]){ "a1", "a1", "a2", "a2" });
    la_agree_add(g, &t.row);
    la_agree_finish(g);
    cJSON *s = la_agree_summary(g);
    cJSON *out = cJSON_GetObjectItem(s, "outliers");
    CHECK_INT(cJSON_GetArraySize(out), 1);
    CHECK_STR(cJSON_GetArrayItem(out, 0)->valuestring, "odd");
    cJSON *rep = cJSON_GetObjectItem(s, "repeated");
    CHECK_INT(cJSON_GetObjectItem(rep, "items")->valuedouble, 2);
    CHECK_INT(cJSON_GetObjectItem(rep, "consistent")->valuedouble, 1);
    cJSON *top = cJSON_GetObjectItem(s, "top_annotators");
    for (int i = 0; i < cJSON_GetArraySize(top); i++) {
        cJSON *a = cJSON_GetArrayItem(top, i);
        if (strcmp(cJSON_GetObjectItem(a, "annotator")->valuestring, "odd") == 0) {
            CHECK_NEAR(cJSON_GetObjectItem(a, "agreement")->valuedouble, 0.6, 1e-9);
            CHECK_NEAR(cJSON_GetObjectItem(a, "kappa")->valuedouble, 0.2, 1e-9);
            CHECK_STR(cJSON_GetObjectItem(a, "outlier_reason")->valuestring, "low_agreement");
        }
    }
    cJSON_Delete(s);
    la_agree_free(g);
}

/* ---- parsing ---------------------------------------------------------------- */

typedef struct pctx {
    la_options opt;
    la_labelmap *labels;
    la_arena arena;
    la_row row;
    cJSON *json;
} pctx;

static int parse(pctx *p, const char *line)
{
    cJSON_Delete(p->json);
    p->json = cJSON_Parse(line);
    memset(&p->row, 0, sizeof p->row);
    if (!p->json) { fprintf(stderr, "bad test JSON: %s\n", line); return 99; }
    return la_annot_parse(&p->opt, p->labels, p->json, &p->row, &p->arena);
}

static void pctx_init(pctx *p)
{
    memset(p, 0, sizeof *p);
    la_options_init(&p->opt);
    p->labels = la_labelmap_new(&p->opt);
    la_arena_init(&p->arena, 0);
}

static void pctx_free(pctx *p)
{
    cJSON_Delete(p->json);
    la_labelmap_free(p->labels);
    la_arena_free(&p->arena);
}

static int rater_is(const la_row *r, int i, const char *s)
{
    return r->annot.rater && r->annot.rater[i] && r->annot.rater_len[i] == strlen(s) &&
           memcmp(r->annot.rater[i], s, strlen(s)) == 0;
}

static void test_parse_forms(void)
{
    pctx p;
    pctx_init(&p);
    la_row *r = &p.row;

    /* no annotations at all */
    CHECK_INT(parse(&p, "{\"text\":\"a\"}"), LA_OK);
    CHECK_INT(r->annot.n, 0);

    /* array of labels with a parallel array of rater ids; an unknown
     * label is kept as an UNKNOWN judgment */
    CHECK_INT(parse(&p, "{\"annotations\":[\"toxic\",\"Not Toxic\",\"maybe\"],"
                        "\"annotators\":[\"r1\",\"r2\",7]}"), LA_OK);
    CHECK_INT(r->annot.n, 3);
    CHECK_INT(r->annot.cls[0], T);
    CHECK_INT(r->annot.cls[1], N);
    CHECK_INT(r->annot.cls[2], U);
    CHECK(rater_is(r, 0, "r1"));
    CHECK(rater_is(r, 2, "7"));
    CHECK_INT(r->annot.from_votes, 0);

    /* numbers and booleans, no rater ids */
    CHECK_INT(parse(&p, "{\"annotations\":[1,0,true,false]}"), LA_OK);
    CHECK_INT(r->annot.n, 4);
    CHECK_INT(r->annot.cls[0], T);
    CHECK_INT(r->annot.cls[1], N);
    CHECK_INT(r->annot.cls[2], T);
    CHECK_INT(r->annot.cls[3], N);
    CHECK(r->annot.rater == NULL);

    /* objects, default keys */
    CHECK_INT(parse(&p, "{\"annotations\":[{\"annotator\":\"ann-a\",\"label\":\"spam\"},"
                        "{\"label\":\"ham\"}]}"), LA_OK);
    CHECK_INT(r->annot.n, 2);
    CHECK_INT(r->annot.cls[0], LA_CLASS_SPAM);
    CHECK_INT(r->annot.cls[1], LA_CLASS_HAM);
    CHECK(rater_is(r, 0, "ann-a"));
    CHECK(r->annot.rater[1] == NULL);

    /* objects, configured keys and a dotted path */
    p.opt.annotations_path = "meta.judgments";
    p.opt.annotator_key = "who";
    p.opt.annotation_label_key = "says";
    CHECK_INT(parse(&p, "{\"meta\":{\"judgments\":[{\"who\":\"w1\",\"says\":\"toxic\"},"
                        "{\"who\":\"w2\",\"says\":\"toxic\"}]}}"), LA_OK);
    CHECK_INT(r->annot.n, 2);
    CHECK(rater_is(r, 1, "w2"));
    /* with a path given, a row without it has no judgments */
    CHECK_INT(parse(&p, "{\"annotations\":[\"toxic\"]}"), LA_OK);
    CHECK_INT(r->annot.n, 0);
    la_options_init(&p.opt);

    /* votes: dotted paths, a bare name found under "votes.", the class from
     * the label table applied to the last segment */
    p.opt.votes = "votes.hate_speech,offensive_language,votes.neither";
    CHECK_INT(parse(&p, "{\"votes\":{\"hate_speech\":1,\"offensive_language\":2,"
                        "\"neither\":3},\"annotations\":[\"toxic\"]}"), LA_OK);
    CHECK_INT(r->annot.n, 6);
    CHECK_INT(r->annot.from_votes, 1);
    CHECK_INT(r->annot.cls[0], T);
    CHECK_INT(r->annot.cls[2], T);
    CHECK_INT(r->annot.cls[3], N);
    CHECK_INT(r->annot.cls[5], N);
    CHECK(r->annot.rater == NULL);
    /* an absent column counts zero; none present: no judgments */
    CHECK_INT(parse(&p, "{\"votes\":{\"neither\":2}}"), LA_OK);
    CHECK_INT(r->annot.n, 2);
    CHECK_INT(parse(&p, "{\"text\":\"x\"}"), LA_OK);
    CHECK_INT(r->annot.n, 0);
    /* --vote-classes maps columns in order */
    p.opt.votes = "yes,no";
    p.opt.vote_classes = "spam, ham";
    CHECK_INT(parse(&p, "{\"yes\":0,\"no\":2.0}"), LA_OK);
    CHECK_INT(r->annot.n, 2);
    CHECK_INT(r->annot.cls[0], LA_CLASS_HAM);
    la_options_init(&p.opt);

    pctx_free(&p);
}

static void test_parse_malformed(void)
{
    pctx p;
    pctx_init(&p);
    la_row *r = &p.row;
    static const char *bad[] = {
        "{\"annotations\":\"toxic\"}",
        "{\"annotations\":{\"a\":\"toxic\"}}",
        "{\"annotations\":[\"toxic\",null]}",
        "{\"annotations\":[[\"toxic\"]]}",
        "{\"annotations\":[{\"annotator\":\"a\"}]}",
        "{\"annotations\":[{\"annotator\":\"a\",\"label\":{}}]}",
        "{\"annotations\":[{\"annotator\":{},\"label\":\"toxic\"}]}",
        "{\"annotations\":[\"toxic\",\"toxic\"],\"annotators\":[\"a\"]}",
        "{\"annotations\":[\"toxic\"],\"annotators\":\"a\"}",
        "{\"annotations\":[\"toxic\"],\"annotators\":[1.5]}",
    };
    for (size_t i = 0; i < LA_ARRAY_LEN(bad); i++) {
        int rc = parse(&p, bad[i]);
        CHECK_INT(rc, LA_EANNOT);
        if (rc != LA_EANNOT) fprintf(stderr, "  input %s\n", bad[i]);
        CHECK_INT(r->annot.n, 0);
        CHECK_INT(r->annot_error, LA_EANNOT);
        CHECK(r->err_detail[0] != '\0');
    }
    CHECK_INT(parse(&p, "{\"annotations\":[\"toxic\",\"toxic\"],\"annotators\":[\"a\"]}"), LA_EANNOT);
    CHECK_STR(r->err_detail, "2 annotations but 1 annotators");

    p.opt.votes = "votes.a,votes.b";
    p.opt.vote_classes = "toxic,non_toxic";
    static const char *badv[] = {
        "{\"votes\":{\"a\":-1,\"b\":2}}",
        "{\"votes\":{\"a\":1.5,\"b\":2}}",
        "{\"votes\":{\"a\":\"3\",\"b\":2}}",
        "{\"votes\":{\"a\":1e9,\"b\":2}}",
        "{\"votes\":{\"a\":6000,\"b\":6000}}",
        "{\"votes\":{\"a\":true}}",
    };
    for (size_t i = 0; i < LA_ARRAY_LEN(badv); i++) {
        int rc = parse(&p, badv[i]);
        CHECK_INT(rc, LA_EANNOT);
        if (rc != LA_EANNOT) fprintf(stderr, "  input %s\n", badv[i]);
        CHECK_INT(r->annot.n, 0);
    }
    CHECK_INT(parse(&p, "{\"votes\":{\"a\":-1}}"), LA_EANNOT);
    CHECK_STR(r->err_detail, "vote count votes.a is not a non-negative integer");

    /* option checks */
    char err[128];
    la_options o;
    la_options_init(&o);
    CHECK_INT(la_agree_check_options(&o, err, sizeof err), LA_OK);
    o.votes = "a,b";
    o.vote_classes = "toxic";
    CHECK_INT(la_agree_check_options(&o, err, sizeof err), LA_EUSAGE);
    o.vote_classes = "toxic,rude";
    CHECK_INT(la_agree_check_options(&o, err, sizeof err), LA_EUSAGE);
    CHECK(strstr(err, "rude") != NULL);
    o.vote_classes = "Toxic,non-toxic";
    CHECK_INT(la_agree_check_options(&o, err, sizeof err), LA_OK);
    o.low_agreement = 1.5;       /* ranges: one checker for every option */
    CHECK_INT(la_options_check(&o, err, sizeof err), LA_EUSAGE);
    pctx_free(&p);
}

int main(void)
{
    test_alpha_published();
    test_kappa();
    test_row_findings();
    test_alpha_stream();
    test_dawid_skene();
    test_outlier_z();
    test_parse_forms();
    test_parse_malformed();
    return UNIT_DONE();
}
