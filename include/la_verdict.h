/*
 * la_verdict.h - from evidence to verdicts: the policy that decides, at the
 * end of the stream, whether a row is queued and with which reasons.
 *
 * The evidence model (la_evmodel.h) gives each row P(label wrong), the
 * most likely other value and each source's likelihood ratio; the
 * functions here turn that into a queue row: whether the label is likely
 * wrong and which named sources carried that (label verdicts), the
 * reasons rewritten to say how often each kind of evidence held on this
 * dataset, and the other two queues (--removals: rows that do not
 * belong; --raw-findings: the detectors' findings, unweighed). They read
 * the stages' results and change only the la_result they are given, so
 * the streaming pipeline, a merge of shards and an embedder call them the
 * same way.
 */
#ifndef LA_VERDICT_H
#define LA_VERDICT_H

#include "la_agree.h"
#include "la_evmodel.h"
#include "la_learn.h"
#include "la_text.h"

/* What the verdicts read (all borrowed). learn may be NULL. text, lex,
 * dict and cache analyze a row's text again when the classifier's
 * verdict is explained (la_learn_explain); text is overwritten. */
typedef struct la_verdict_ctx {
    const la_options *opt;
    const unsigned char *keep;   /* per reason code: queue it; NULL: all */
    la_evmodel *ev;               /* (names its categories in a buffer it owns) */
    const la_learn *learn;
    const la_agree *agree;
    la_text *text;
    const la_lexicon *lex;
    la_dict *dict;
    la_dict_cache *cache;
} la_verdict_ctx;

/* One source that argues for the suggested value. */
typedef struct la_verdict_support {
    int src, cat;                /* la_ev_source and its observed category */
    la_reason code;              /* the reason it is named by */
    double lr;                   /* its likelihood ratio */
} la_verdict_support;

/* Whether the evidence v queues row index (labeled class label) for
 * relabeling; sup (LA_EV__COUNT entries) receives the *nsup sources that
 * carried it, strongest first. */
int la_verdict_label(const la_verdict_ctx *c, la_class label, const la_ev_verdict *v,
                     la_verdict_support *sup, int *nsup);
/* Rebuilds r's findings as that verdict's reasons and sets its score
 * (P(wrong)) and suggestion. */
void la_verdict_explain(const la_verdict_ctx *c, uint64_t index, la_result *r,
                        const la_ev_verdict *v, const la_verdict_support *sup, int nsup);
/* A finding that says the row does not belong (junk, spam in a dataset
 * that is not about spam, a copy) rather than that its label is wrong. */
int la_verdict_is_removal(la_reason code, la_class label);
/* --removals: keeps r's removal findings; 1 when the row is queued. */
int la_verdict_removal(const la_verdict_ctx *c, la_result *r);
/* --raw-findings: keeps r's findings as the detectors left them (a
 * confident Dawid-Skene class becomes the suggestion of LOW_AGREEMENT);
 * 1 when the row is queued. */
int la_verdict_raw(const la_verdict_ctx *c, uint64_t index, la_result *r);

#endif
