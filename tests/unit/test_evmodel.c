/*
 * test_evmodel.c - the evidence model on synthetic datasets whose truth is
 * known. Rows are drawn with a true class, a given label that is wrong
 * for a known share of them, an outside score that leans toward the truth,
 * one toxicity rule that fires mostly on truly toxic rows (reliable) and
 * one that fires on any row (worthless). The model must rank the wrong
 * labels first, estimate about as many errors as there are, find the
 * reliable rule worth more than the worthless one (which must never argue
 * against a label), queue a precise set, and let unanimous annotators
 * outweigh a rule.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "unit.h"
#include "la_evmodel.h"

#define N 4000

static uint64_t rng(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    return la_mix64(*s);
}

static double unif(uint64_t *s) { return (double)(rng(s) >> 11) / 9007199254740992.0; }

typedef struct synth {
    int truth[N], given[N];
    la_row rows[N];
} synth;

static const char *const names[2] = { "non_toxic", "toxic" };
static const char *const jsons[2] = { "\"non_toxic\"", "\"toxic\"" };

/* flip: share of wrong labels; annot: rows get three unanimous judgments
 * that follow the truth (1) or the given label (2), or none (0). */
static void make(synth *d, uint64_t seed, double flip, int annot)
{
    uint64_t st = seed;
    memset(d, 0, sizeof *d);
    for (int i = 0; i < N; i++) {
        int y = unif(&st) < 0.35;
        int g = unif(&st) < flip ? !y : y;
        d->truth[i] = y;
        d->given[i] = g;
        la_row *r = &d->rows[i];
        r->index = (uint64_t)i;
        r->label_str = names[g];
        r->label_len = strlen(names[g]);
        r->r.label_json = jsons[g];
        r->r.label_json_len = strlen(jsons[g]);
        r->r.label_class = g ? LA_CLASS_TOXIC : LA_CLASS_NON_TOXIC;
        /* an outside score that leans toward the truth, with overlap */
        double u = unif(&st);
        r->outside_score = (float)(y ? 0.35 + 0.65 * u : 0.65 * u);
        /* the reliable rule: 40 % of toxic rows, 1 % of the others */
        if (unif(&st) < (y ? 0.40 : 0.01)) r->tox_rule = LA_TOXR_THREAT;
        /* the worthless rule: a fifth of all rows, whatever their class */
        else if (unif(&st) < 0.20) r->tox_rule = LA_TOXR_PROFANITY_PRAISE;
        else r->tox_rule = LA_TOXR_OTHER;
        if (annot) {
            int a = annot == 1 ? y : g;
            r->r.agreement.n = 3;
            r->r.agreement.majority = a ? LA_CLASS_TOXIC : LA_CLASS_NON_TOXIC;
            r->r.agreement.share = 1;
        }
    }
}

static la_evmodel *fit(synth *d, const la_options *opt)
{
    la_evmodel *m = la_evmodel_new(opt);
    for (int i = 0; i < N; i++) la_evmodel_add(m, &d->rows[i]);
    la_evmodel_finish(m, NULL, NULL, NULL);
    return m;
}

typedef struct ranked { double p; int wrong; } ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return a->p < b->p ? 1 : a->p > b->p ? -1 : 0;
}

/* Average precision of ranking every row by P(wrong). */
static double average_precision(const synth *d, const la_evmodel *m)
{
    static ranked r[N];
    int pos = 0;
    for (int i = 0; i < N; i++) {
        la_ev_verdict v;
        la_evmodel_verdict(m, (uint64_t)i, &v);
        r[i].p = v.p_wrong;
        r[i].wrong = d->truth[i] != d->given[i];
        pos += r[i].wrong;
    }
    qsort(r, N, sizeof r[0], cmp_ranked);
    double hits = 0, acc = 0;
    for (int i = 0; i < N; i++)
        if (r[i].wrong) { hits++; acc += hits / (i + 1); }
    return pos ? acc / pos : 0;
}

static void test_recovers_errors(void)
{
    static synth d;
    la_options opt;
    la_options_init(&opt);
    make(&d, 7, 0.08, 0);
    la_evmodel *m = fit(&d, &opt);
    int wrong = 0, queued = 0, hit = 0;
    double est = 0;
    for (int i = 0; i < N; i++) {
        la_ev_verdict v;
        CHECK(la_evmodel_verdict(m, (uint64_t)i, &v));
        est += v.p_wrong;
        int w = d.truth[i] != d.given[i];
        wrong += w;
        if (v.p_wrong > 0.5) {
            queued++;
            hit += w;
            CHECK_STR(la_evmodel_value_text(m, v.suggested), names[!d.given[i]]);
        }
    }
    double ap = average_precision(&d, m);
    fprintf(stderr, "recover: %d wrong, estimated %.1f, queued %d, hits %d, AP %.3f\n",
            wrong, est, queued, hit, ap);
    CHECK(ap > 0.5);
    CHECK(est > 0.5 * wrong && est < 2.0 * wrong);
    CHECK(queued > 0 && (double)hit / queued >= 0.7);
    CHECK((double)hit / wrong >= 0.3);

    /* the reliable rule is worth more than the worthless one, which never
     * argues against a label */
    double n_good = 0, n_bad = 0;
    double good = la_evmodel_precision(m, LA_EV_TEXT, LA_TOXR_THREAT, &n_good);
    double bad = la_evmodel_precision(m, LA_EV_TEXT, LA_TOXR_PROFANITY_PRAISE, &n_bad);
    fprintf(stderr, "rules: reliable %.3f over %.0f rows, worthless %.3f over %.0f rows\n",
            good, n_good, bad, n_bad);
    CHECK(good > 0.5);
    CHECK(n_bad == 0 || bad < good);
    for (int i = 0; i < N; i++) {
        if (d.rows[i].tox_rule != LA_TOXR_PROFANITY_PRAISE) continue;
        la_ev_verdict v;
        la_evmodel_verdict(m, (uint64_t)i, &v);
        if (v.suggested >= 0) CHECK(v.lr[LA_EV_TEXT] < LA_EV_ARGUE_LR);
    }
    la_evmodel_free(m);
}

/* Annotators who always agree with the given label outweigh the rule:
 * wherever they agree, the rule cannot make the label likely wrong. */
static void test_annotators_outrank_rules(void)
{
    static synth d;
    la_options opt;
    la_options_init(&opt);
    make(&d, 11, 0.08, 2);
    la_evmodel *m = fit(&d, &opt);
    int over = 0;
    for (int i = 0; i < N; i++) {
        la_ev_verdict v;
        la_evmodel_verdict(m, (uint64_t)i, &v);
        if (d.rows[i].tox_rule == LA_TOXR_THREAT && !d.given[i] && v.p_wrong > 0.5) over++;
    }
    CHECK_INT(over, 0);
    la_evmodel_free(m);

    /* annotators who follow the truth find the errors themselves */
    make(&d, 11, 0.08, 1);
    m = fit(&d, &opt);
    double ap = average_precision(&d, m);
    fprintf(stderr, "annotators: AP %.3f\n", ap);
    CHECK(ap > 0.9);
    la_evmodel_free(m);
}

/* One label value: nothing to weigh, no verdicts. */
static void test_single_value(void)
{
    static synth d;
    la_options opt;
    la_options_init(&opt);
    make(&d, 3, 0.0, 0);
    la_evmodel *m = la_evmodel_new(&opt);
    for (int i = 0; i < N; i++)
        if (d.given[i]) la_evmodel_add(m, &d.rows[i]);
    la_evmodel_finish(m, NULL, NULL, NULL);
    CHECK_INT(la_evmodel_nvalues(m), 1);
    la_ev_verdict v;
    int any = 0;
    for (int i = 0; i < N; i++) any |= la_evmodel_verdict(m, (uint64_t)i, &v);
    CHECK_INT(any, 0);
    cJSON *s = la_evmodel_summary(m);
    CHECK(cJSON_GetObjectItem(s, "fitted") != NULL);
    cJSON_Delete(s);
    la_evmodel_free(m);
}

int main(void)
{
    test_recovers_errors();
    test_annotators_outrank_rules();
    test_single_value();
    return UNIT_DONE();
}
