/*
 * verdict.c - from evidence to verdicts (la_verdict.h).
 *
 * A label verdict needs three things: P(wrong) past the queue's bar
 * (likely_wrong), a named source whose likelihood ratio for the
 * suggestion reaches LA_EV_ARGUE_LR and that is not only the absence of a
 * cue (supports_of: no verdict from absence), and, where the annotators
 * agree with the label, a witness that does not read the text (annotators
 * outrank text rules). The copy most likely wrong in a cluster whose
 * labels disagree is queued whatever its P(wrong). Each reason then says
 * how often its kind of evidence held on this dataset (the evidence
 * model's precision), which is also its score.
 */
#include <stdio.h>
#include <string.h>

#include "la_verdict.h"

/* Findings that say a row does not belong (junk, spam in a dataset that
 * is not about spam, a copy of another row) rather than that its label
 * is wrong: queued only with --removals. */
int la_verdict_is_removal(la_reason code, la_class label)
{
    switch (code) {
    case LA_R_GIBBERISH: case LA_R_EMPTY_TEXT: case LA_R_DUPLICATE: case LA_R_NEAR_DUPLICATE:
        return 1;
    case LA_R_SPAM:
        return label != LA_CLASS_SPAM && label != LA_CLASS_HAM;
    default:
        return 0;
    }
}

static int keeps(const la_verdict_ctx *c, la_reason code)
{
    return !c->keep || c->keep[code];
}

typedef la_verdict_support support;

/* The named sources whose likelihood ratio for the suggestion reaches
 * LA_EV_ARGUE_LR, strongest first, one per reason code. An absence of a
 * cue is named only beside another reason (no verdict from absence:
 * tests/cases/ev-no-verdict-from-absence.case); 0 when there is none. */
static int supports_of(const la_ev_verdict *v, support *out)
{
    int n = 0, present = 0;
    for (int s = 1; s < LA_EV__COUNT; s++) {
        if (v->cat[s] < 0 || v->lr[s] < LA_EV_ARGUE_LR) continue;
        int code = la_evmodel_reason((la_ev_source)s, v->cat[s]);
        if (code < 0) continue;
        present |= !la_evmodel_absence((la_ev_source)s, v->cat[s]);
        int dup = 0;
        for (int k = 0; k < n; k++) dup |= out[k].code == (la_reason)code;
        if (dup) continue;
        out[n++] = (support){ s, v->cat[s], (la_reason)code, v->lr[s] };
    }
    if (!present) return 0;
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && out[k].lr > out[k - 1].lr; k--) {
            support t = out[k]; out[k] = out[k - 1]; out[k - 1] = t;
        }
    return n;
}

/* The default queue keeps a row when its label is more likely wrong than
 * right: P(wrong) > 0.5; --min-score S keeps P(wrong) >= S instead. */
static int likely_wrong(const la_verdict_ctx *c, double p)
{
    return c->opt->min_score < 0 ? p > 0.5 : p >= c->opt->min_score;
}

/* The annotators' majority agrees with the label (not a tie). */
static int annotators_agree(const la_ev_verdict *v, la_class label)
{
    int c = v->cat[LA_EV_ANNOT];
    return c >= 1 && (la_class)((c - 1) / 2 + 1) == label;
}

/* The sources that read the text (the classifier, the rules, the spam
 * score): where annotators agree with a label, these alone never
 * overturn it. */
static int reads_text(int src)
{
    return src == LA_EV_MODEL || src == LA_EV_TEXT || src == LA_EV_SPAM || src == LA_EV_SILENCE;
}

/* Decides whether the evidence queues a row for relabeling and which
 * sources carried it: P(wrong) passes the threshold, some named source
 * argues for the suggestion (no verdict from absence alone), and where
 * the annotators agree with the label, a witness that does not read the
 * text (copies, an outside score) disputes it (annotators outrank text
 * rules: tests/cases/ev-annotators-outrank.case). */
int la_verdict_label(const la_verdict_ctx *c, la_class label, const la_ev_verdict *v,
                     la_verdict_support *sup, int *nsup)
{
    *nsup = 0;
    if (v->suggested < 0) return 0;
    int n = supports_of(v, sup);
    if (v->conflict_pick && (c->opt->min_score < 0 || v->p_wrong >= c->opt->min_score)) {
        /* copies that disagree: one of them is wrong, so the likeliest is
         * queued whatever its P(wrong) (tests/cases/ev-conflict-pick.case) */
        int has = 0;
        for (int i = 0; i < n; i++) has |= sup[i].src == LA_EV_DUP;
        if (!has && n < LA_EV__COUNT)
            sup[n++] = (support){ LA_EV_DUP, v->cat[LA_EV_DUP], LA_R_LABEL_CONFLICT,
                                  v->lr[LA_EV_DUP] };
        *nsup = n;
        return 1;
    }
    if (!likely_wrong(c, v->p_wrong) || !n) return 0;
    if (annotators_agree(v, label)) {
        int other = 0;
        for (int i = 0; i < n; i++) other |= !reads_text(sup[i].src);
        if (!other) return 0;
    }
    *nsup = n;
    return 1;
}

static const char *const toxr_phrases[LA_TOXR__COUNT] = {
    "no cue", "cues but no rule", "a threat or violent wish", "a slur",
    "a group described in dehumanizing terms", "an insult aimed at the reader",
    "profanity aimed at the reader", "an insult aimed at a person",
    "a word that is often a slur, in an attacking context",
    "a reclaimed slur said of other people", "profanity used with praise",
    "a slur-like word in its innocent sense", "a slur quoted or condemned",
    "profanity aimed at no one", "an identity term that nothing attacks",
    "hostility or a call to exclude or harm aimed at a group"
};

/* A finding for a source that carried the row but left none while the
 * row was read (the classifier, a cluster's first row, a rule pointing
 * between two values of one class, an outside score). */
static la_finding *new_finding(const la_verdict_ctx *c, uint64_t index, la_result *r,
                               const support *sp, const la_ev_verdict *v)
{
    const char *sug_text = la_evmodel_value_text(c->ev, v->suggested);
    la_finding *f = NULL;
    switch (sp->src) {
    case LA_EV_MODEL: {
        la_learn_verdict lv;
        if (!c->learn || !la_learn_verdict_of(c->learn, index, &lv)) break;
        r->model.has_model = 1;
        r->model.p_given = lv.p_given;
        r->model.p_suggested = 1 - lv.p_given;
        f = la_result_add_finding(r, LA_R_MODEL_DISAGREES, 0, v->suggested_class,
            "a classifier fit on this dataset's own labels, out of fold, gives the label's "
            "class p=%.2f", lv.p_given);
        if (f) {
            la_text_analyze(c->text, c->lex, c->dict, c->cache, r->text, r->text_len);
            la_learn_explain(c->learn, c->text, r, f, v->suggested_class);
        }
        break;
    }
    case LA_EV_DUP:
        f = la_result_add_finding(r, LA_R_LABEL_CONFLICT, 0, v->suggested_class,
            "%u of the %u other rows with this text (cluster %u) are labeled %s",
            v->dup_agree, v->dup_others, v->cluster, sug_text);
        if (f && !r->cluster.has_cluster) {
            r->cluster.has_cluster = 1;
            r->cluster.id = v->cluster;
            r->cluster.of = r->id; r->cluster.of_len = r->id_len;
            r->cluster.of_is_number = r->id_is_number;
            r->cluster.of_label = r->label_class;
            r->cluster.similarity = 1;
        }
        break;
    case LA_EV_ANNOT:
        f = la_result_add_finding(r, sp->code, 0, v->suggested_class,
            "the annotators' judgments favor %s over the given label", sug_text);
        break;
    case LA_EV_SCORE:
        f = la_result_add_finding(r, LA_R_OUTSIDE_SCORE, 0, v->suggested_class,
            "the outside score (%s) is in the band %s", c->opt->scores_path,
            la_evmodel_cat_name(c->ev, LA_EV_SCORE, sp->cat));
        break;
    case LA_EV_SPAM:
        f = la_result_add_finding(r, LA_R_SPAM, 0, v->suggested_class,
            "the spam score is in the band %s", la_evmodel_cat_name(c->ev, LA_EV_SPAM, sp->cat));
        break;
    case LA_EV_TEXT:
        f = la_result_add_finding(r, sp->code, 0, v->suggested_class,
            "the text contains %s", toxr_phrases[sp->cat]);
        break;
    default:
        break;
    }
    return f;
}

/* Rebuilds r's findings as the verdict's reasons: one per source that
 * carried it, strongest first, each with the precision that kind of
 * evidence showed on this dataset; everything else is dropped. */
void la_verdict_explain(const la_verdict_ctx *c, uint64_t index, la_result *r,
                        const la_ev_verdict *v, const la_verdict_support *sup, int nsup)
{
    la_finding out[LA_MAX_FINDINGS];
    int n = 0;
    for (int i = 0; i < nsup && n < LA_MAX_FINDINGS; i++) {
        const support *sp = &sup[i];
        if (!keeps(c, sp->code)) continue;
        la_finding *f = la_result_find(r, sp->code);
        if (!f) f = new_finding(c, index, r, sp, v);
        if (!f) continue;
        double seen = 0;
        double prec = la_evmodel_precision(c->ev, (la_ev_source)sp->src, sp->cat, &seen);
        f->precision = prec;
        f->score = prec >= 0 ? prec : v->p_wrong;
        f->suggested = v->suggested_class;
        size_t len = strlen(f->why);
        if (prec >= 0)
            snprintf(f->why + len, sizeof f->why - len,
                     "; on this dataset this evidence held for %.0f%% of the %.0f rows where it "
                     "disputed the label", 100 * prec, seen);
        out[n++] = *f;
    }
    memcpy(r->find, out, (size_t)n * sizeof *out);
    r->nfind = n;
    r->score = v->p_wrong;
    r->suggested = v->suggested_class;
    r->suggested_json = v->suggested_json;
    r->suggested_json_len = v->suggested_json_len;
    r->remove = 0;
}

/* --removals: keeps only the findings that say the row does not belong;
 * the row's score is the strongest of them. */
int la_verdict_removal(const la_verdict_ctx *c, la_result *r)
{
    int n = 0;
    double best = 0;
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        if (!la_verdict_is_removal(f->code, r->label_class) || !keeps(c, f->code)) continue;
        if (f->score > best) best = f->score;
        r->find[n++] = *f;
    }
    r->nfind = n;
    if (!n || (c->opt->min_score >= 0 && best < c->opt->min_score)) return 0;
    r->score = best;
    r->suggested = LA_CLASS_UNKNOWN;
    r->suggested_json = NULL;
    r->remove = 1;
    return 1;
}

/* The rules' own scores put informational findings (a same-label
 * duplicate 0.2, a near duplicate 0.15, NO_EVIDENCE 0.2) below this; with
 * --raw-findings they are queued only when --min-score asks for them
 * (tests/cases/queue-min-score.case). */
#define RAW_MIN_SCORE 0.3

/* Where the annotators' simple majority is weak (LOW_AGREEMENT, no
 * suggestion), the Dawid-Skene posterior suggests a class, but only when
 * it is confident: 0.9 keeps ties between equally reliable annotators
 * without a suggestion (tests/cases/agree-ds-suggest.case). */
#define DS_SUGGEST_P 0.9
/* A low-agreement row with such a suggestion is worth a reviewer's time:
 * it reaches the --raw-findings queue (the finding alone is informational,
 * under RAW_MIN_SCORE). */
#define DS_SUGGEST_SCORE 0.5

static void suggest_by_ds(const la_verdict_ctx *c, uint64_t index, la_result *r)
{
    la_finding *f = la_result_find(r, LA_R_LOW_AGREEMENT);
    if (!f || f->suggested != LA_CLASS_UNKNOWN) return;
    double p = 0;
    la_class ds = la_agree_ds_class(c->agree, index, &p);
    if (ds == LA_CLASS_UNKNOWN || ds == r->label_class || p < DS_SUGGEST_P) return;
    f->suggested = ds;
    if (f->score < DS_SUGGEST_SCORE) f->score = DS_SUGGEST_SCORE;
    size_t n = strlen(f->why);
    snprintf(f->why + n, sizeof f->why - n, "; the annotator model (Dawid-Skene) favors %s, p=%.2f",
             la_class_name(ds), p);
    la_result_settle(r);
}

/* --raw-findings: a row's findings as the detectors left them, scored by
 * their own rule scores, with no evidence model (for checking the rules
 * on a handful of rows, where there is no dataset to weigh them on). */
int la_verdict_raw(const la_verdict_ctx *c, uint64_t index, la_result *r)
{
    suggest_by_ds(c, index, r);
    int n = 0;
    for (int i = 0; i < r->nfind; i++)
        if (keeps(c, r->find[i].code)) r->find[n++] = r->find[i];
    r->nfind = n;
    la_result_settle(r);
    return n > 0 && r->score >= (c->opt->min_score < 0 ? RAW_MIN_SCORE : c->opt->min_score);
}
