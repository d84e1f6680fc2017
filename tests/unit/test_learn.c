/*
 * test_learn.c - the in-dataset classifier on synthetic sets where the
 * truth is known: rows written from two made-up vocabularies with 10 % of
 * the labels flipped; the stage must find the flips with high precision,
 * give identical verdicts whatever the thread count, skip small inputs in
 * auto mode, and explain a flag with the words that drove it.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "unit.h"
#include "la_learn.h"

#define NROWS 2000

static uint64_t rng(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    return la_mix64(*s);
}

/* Word j of vocabulary v (0, 1: the two classes; 2: shared words). */
static void vocab_word(int v, int j, char *out, size_t outlen)
{
    static const char *const a[3][8] = {
        { "gra", "vol", "tes", "mur", "bak", "dor", "fen", "kip" },
        { "lum", "sae", "pil", "wen", "roa", "tiv", "nel", "cob" },
        { "the", "and", "but", "wit", "yes", "hum", "okr", "sol" } };
    static const char *const b[5] = { "ak", "ine", "oru", "el", "ast" };
    snprintf(out, outlen, "%s%s", a[v][j % 8], b[(j / 8) % 5]);
}

static int in_vocab(int v, const char *w, size_t n)
{
    char word[16];
    for (int j = 0; j < 40; j++) {
        vocab_word(v, j, word, sizeof word);
        if (strlen(word) == n && memcmp(word, w, n) == 0) return 1;
    }
    return 0;
}

typedef struct synth {
    char *text[NROWS];
    la_class given[NROWS], truth[NROWS];
} synth;

/* Rows of 8 words: `own` of them (spread over the row) from the row's
 * class, the rest shared; a row of class 1 gets the other label with
 * probability flip1 / 100, one of class 0 with flip0 / 100. */
static void make_synth_with(synth *s, int n, uint64_t seed, int own, int flip0,
                            int flip1)
{
    uint64_t st = seed;
    for (int i = 0; i < n; i++) {
        int c = (int)(rng(&st) % 2);
        char buf[256] = "";
        for (int w = 0; w < 8; w++) {
            char word[16];
            int v = (w * own) % 8 < own ? c : 2;
            vocab_word(v, (int)(rng(&st) % 40), word, sizeof word);
            if (w) strcat(buf, " ");
            strcat(buf, word);
        }
        s->text[i] = strdup(buf);
        s->truth[i] = c ? LA_CLASS_TOXIC : LA_CLASS_NON_TOXIC;
        s->given[i] = s->truth[i];
        if ((int)(rng(&st) % 100) < (c ? flip1 : flip0))
            s->given[i] = c ? LA_CLASS_NON_TOXIC : LA_CLASS_TOXIC;
    }
}

/* 4 class words of 8, 10 % of the labels flipped in both classes. */
static void make_synth(synth *s, int n, uint64_t seed)
{
    make_synth_with(s, n, seed, 4, 10, 10);
}

static void free_synth(synth *s, int n)
{
    for (int i = 0; i < n; i++) free(s->text[i]);
}

typedef struct env {
    la_lexicon *lex;
    la_text t;
    la_arena arena;
} env;

static void features_of(env *e, const la_options *opt, const char *text,
                        la_row *row)
{
    la_detect_ctx c;
    memset(&c, 0, sizeof c);
    c.opt = opt; c.lex = e->lex; c.arena = &e->arena; c.text = &e->t;
    la_text_analyze(&e->t, e->lex, NULL, NULL, text, strlen(text));
    la_learn_features(&c, row);
}

static la_learn *run_stage(env *e, const la_options *opt, const synth *s, int n)
{
    la_learn *l = la_learn_new(opt);
    for (int i = 0; i < n; i++) {
        la_row row;
        memset(&row, 0, sizeof row);
        row.index = (uint64_t)i;
        row.r.label_class = s->given[i];
        features_of(e, opt, s->text[i], &row);
        la_learn_add(l, &row);
        la_arena_reset(&e->arena);
    }
    la_learn_finish(l);
    return l;
}

static void base_options(la_options *o)
{
    memset(o, 0, sizeof *o);
    o->learn = LA_AUTO;
    o->folds = 5;
    o->learn_min_per_class = 50;
    o->seed = 1;
    o->threads = 2;
}

/* Every identity term is one feature: two texts that differ only in the
 * group they name get the same features, so no group's name can become
 * a feature of toxicity. */
static void test_identity_shared(env *e)
{
    la_options opt;
    base_options(&opt);
    la_row a, b, c;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    features_of(e, &opt, "the muslims next door are loud", &a);
    features_of(e, &opt, "the immigrants next door are loud", &b);
    features_of(e, &opt, "the students next door are loud", &c);
    CHECK(a.nfeat > 0 && a.nfeat == b.nfeat);
    CHECK(a.nfeat == b.nfeat && memcmp(a.feat, b.feat, a.nfeat * 4) == 0);
    /* a word that is not an identity term keeps its own features */
    CHECK(c.nfeat != a.nfeat || memcmp(a.feat, c.feat, a.nfeat * 4) != 0);
    la_arena_reset(&e->arena);
}

static void test_features(env *e)
{
    la_options opt;
    base_options(&opt);
    la_row a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    const char *text = "You are SO lovely, see https://example.com and call 5551234 @pal";
    features_of(e, &opt, text, &a);
    CHECK(a.nfeat > 10);
    CHECK(a.nfeat <= LA_LEARN_MAX_FEAT);
    double ss = 0;
    int distinct = 1;
    for (uint32_t i = 0; i < a.nfeat; i++) {
        CHECK(a.feat[i] < (1u << LA_LEARN_BITS));
        CHECK(a.featval[i] > 0);
        ss += (double)a.featval[i] * a.featval[i];
        for (uint32_t j = 0; j < i; j++) if (a.feat[j] == a.feat[i]) distinct = 0;
    }
    CHECK(distinct);
    CHECK_NEAR(ss, 1.0, 1e-4);
    /* deterministic */
    features_of(e, &opt, text, &b);
    CHECK_INT(b.nfeat, a.nfeat);
    CHECK(b.nfeat == a.nfeat && memcmp(a.feat, b.feat, a.nfeat * 4) == 0);
    /* a long row keeps the cap */
    char *lng = malloc(20000);
    lng[0] = 0;
    for (int i = 0; i < 1500; i++) {
        char w[16];
        vocab_word(i % 3, i % 40, w, sizeof w);
        strcat(lng, w); strcat(lng, i % 7 ? " " : ". ");
    }
    features_of(e, &opt, lng, &a);
    CHECK_INT(a.nfeat, LA_LEARN_MAX_FEAT);
    free(lng);
    /* switched off: no work, no features */
    opt.learn = LA_OFF;
    features_of(e, &opt, text, &a);
    CHECK_INT(a.nfeat, 0);
    la_arena_reset(&e->arena);
}

static void test_planted_noise(env *e)
{
    static synth s;
    la_options opt;
    base_options(&opt);
    make_synth(&s, NROWS, 42);
    la_learn *l = run_stage(e, &opt, &s, NROWS);
    int tp = 0, fp = 0, fn = 0, sugg_ok = 0;
    la_learn_verdict v;
    for (int i = 0; i < NROWS; i++) {
        int wrong = s.given[i] != s.truth[i];
        CHECK(la_learn_verdict_of(l, (uint64_t)i, &v));
        if (v.flagged) {
            if (wrong) tp++; else fp++;
            if (v.suggested == s.truth[i]) sugg_ok++;
            CHECK(v.p_suggested > v.p_given);
        } else if (wrong) fn++;
        CHECK(v.score >= 0 && v.score <= 1);
    }
    double prec = tp + fp ? (double)tp / (tp + fp) : 0;
    double rec = tp + fn ? (double)tp / (tp + fn) : 0;
    printf("planted noise: flagged %d, precision %.3f, recall %.3f\n",
           tp + fp, prec, rec);
    CHECK(prec >= 0.8);
    CHECK(rec >= 0.6);
    /* binary task: a flag suggests the other class, right exactly when
     * the given label was wrong */
    CHECK_INT(sugg_ok, tp);

    /* the summary tells what was done */
    cJSON *js = la_learn_summary(l);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(js, "trained")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(js, "task")), "toxicity");
    CHECK_INT(cJSON_GetObjectItem(js, "rows")->valuedouble, NROWS);
    CHECK_INT(cJSON_GetObjectItem(js, "flagged")->valuedouble, tp + fp);
    cJSON *thr = cJSON_GetObjectItem(js, "thresholds");
    CHECK(thr && cJSON_GetObjectItem(thr, "toxic")->valuedouble > 0.5);
    cJSON *nz = cJSON_GetObjectItem(cJSON_GetObjectItem(js, "noise"), "toxic");
    /* estimated P(given toxic | truly non_toxic) near the planted 10 % */
    double rate = cJSON_GetObjectItem(nz, "non_toxic")->valuedouble;
    CHECK(rate > 0.04 && rate < 0.2);
    cJSON_Delete(js);

    /* explain a flagged row: evidence are words of the suggested class */
    for (int i = 0; i < NROWS; i++) {
        la_learn_verdict_of(l, (uint64_t)i, &v);
        if (!v.flagged || s.given[i] == s.truth[i]) continue;
        la_result r;
        memset(&r, 0, sizeof r);
        r.text = s.text[i]; r.text_len = strlen(s.text[i]);
        la_finding *f = la_result_add_finding(&r, LA_R_MODEL_DISAGREES, v.score,
                                              v.suggested, "model doubts the label");
        la_text_analyze(&e->t, e->lex, NULL, NULL, s.text[i], strlen(s.text[i]));
        la_learn_explain(l, &e->t, &r, f, v.suggested);
        CHECK(f->nev >= 1 && f->nev <= 3);
        int vt = s.truth[i] == LA_CLASS_TOXIC ? 1 : 0;
        for (int k = 0; k < f->nev; k++) {
            const la_evidence *ev = &r.ev[f->ev_first + k];
            CHECK_STR(ev->kind, "model_feature");
            CHECK(ev->end > ev->start && ev->end <= r.text_len);
            /* the words come from the suggested (true) class vocabulary */
            CHECK(in_vocab(vt, s.text[i] + ev->start, ev->end - ev->start));
        }
        break;
    }

    /* determinism: one thread, another run, identical verdicts */
    opt.threads = 1;
    la_learn *l2 = run_stage(e, &opt, &s, NROWS);
    int same = 1;
    for (int i = 0; i < NROWS; i++) {
        la_learn_verdict a, b;
        la_learn_verdict_of(l, (uint64_t)i, &a);
        la_learn_verdict_of(l2, (uint64_t)i, &b);
        if (a.flagged != b.flagged || a.p_given != b.p_given || a.suggested != b.suggested)
            same = 0;
    }
    CHECK(same);
    la_learn_free(l2);

    /* another seed moves the folds but finds the same planted noise */
    opt.seed = 7;
    l2 = run_stage(e, &opt, &s, NROWS);
    int tp2 = 0, fp2 = 0;
    for (int i = 0; i < NROWS; i++) {
        la_learn_verdict_of(l2, (uint64_t)i, &v);
        if (v.flagged) { if (s.given[i] != s.truth[i]) tp2++; else fp2++; }
    }
    CHECK(tp2 + fp2 > 0 && (double)tp2 / (tp2 + fp2) >= 0.8);
    la_learn_free(l2);
    la_learn_free(l);
    free_synth(&s, NROWS);
}

/* Heavier, one-sided noise on rows with fewer class words: a quarter of
 * class 1 carries label 0. The refit without the first round's flags must
 * stay precise, and keep the first round's count of rows to flag: counted
 * again on the refit's sharper probabilities the confident joint finds
 * fewer (recall 0.48 instead of 0.60, the precision 1.0 either way). */
static void test_refit(env *e)
{
    static synth s;
    la_options opt;
    base_options(&opt);
    make_synth_with(&s, NROWS, 7, 3, 0, 25);
    la_learn *l = run_stage(e, &opt, &s, NROWS);
    int tp = 0, fp = 0, fn = 0;
    la_learn_verdict v;
    for (int i = 0; i < NROWS; i++) {
        int wrong = s.given[i] != s.truth[i];
        CHECK(la_learn_verdict_of(l, (uint64_t)i, &v));
        if (v.flagged) { if (wrong) tp++; else fp++; }
        else if (wrong) fn++;
    }
    double prec = tp + fp ? (double)tp / (tp + fp) : 0;
    double rec = tp + fn ? (double)tp / (tp + fn) : 0;
    printf("one-sided noise: flagged %d, precision %.3f, recall %.3f\n",
           tp + fp, prec, rec);
    CHECK(prec >= 0.95);
    CHECK(rec >= 0.55);
    la_learn_free(l);
    free_synth(&s, NROWS);
}

static void test_auto_and_off(env *e)
{
    static synth s;
    la_options opt;
    base_options(&opt);
    make_synth(&s, 80, 3);      /* about 40 rows per class: under 50 */
    la_learn *l = run_stage(e, &opt, &s, 80);
    la_learn_verdict v;
    CHECK_INT(la_learn_verdict_of(l, 0, &v), 0);
    CHECK_INT(v.flagged, 0);
    cJSON *js = la_learn_summary(l);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(js, "trained")));
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(js, "why_not")) != NULL);
    cJSON_Delete(js);
    la_learn_free(l);

    /* forced on, the same small input trains */
    opt.learn = LA_ON;
    l = run_stage(e, &opt, &s, 80);
    CHECK_INT(la_learn_verdict_of(l, 0, &v), 1);
    la_learn_free(l);

    /* a lower minimum lets auto mode train */
    opt.learn = LA_AUTO;
    opt.learn_min_per_class = 20;
    l = run_stage(e, &opt, &s, 80);
    CHECK_INT(la_learn_verdict_of(l, 5, &v), 1);
    la_learn_free(l);

    /* off: nothing kept, nothing trained */
    opt.learn = LA_OFF;
    l = run_stage(e, &opt, &s, 80);
    CHECK_INT(la_learn_verdict_of(l, 0, &v), 0);
    la_learn_free(l);

    /* unknown classes are not modeled; rows of one class only never train */
    opt.learn = LA_ON;
    for (int i = 0; i < 80; i++) s.given[i] = i % 4 ? LA_CLASS_HAM : LA_CLASS_UNKNOWN;
    l = run_stage(e, &opt, &s, 80);
    CHECK_INT(la_learn_verdict_of(l, 1, &v), 0);
    CHECK_INT(la_learn_verdict_of(l, 0, &v), 0);
    js = la_learn_summary(l);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(js, "trained")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(js, "task")), "spam");
    cJSON_Delete(js);
    la_learn_free(l);
    free_synth(&s, 80);
}

int main(void)
{
    env e;
    char err[256];
    e.lex = la_lexicon_load("tests/lexicons", NULL, err, sizeof err);
    if (!e.lex) { fprintf(stderr, "lexicon: %s\n", err); return 1; }
    la_text_init(&e.t);
    la_arena_init(&e.arena, 1 << 16);
    test_features(&e);
    test_identity_shared(&e);
    test_planted_noise(&e);
    test_refit(&e);
    test_auto_and_off(&e);
    la_text_free(&e.t);
    la_arena_free(&e.arena);
    la_lexicon_free(e.lex);
    return UNIT_DONE();
}
