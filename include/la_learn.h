/*
 * la_learn.h - the in-dataset classifier: hashed features, a linear model
 * fit by K-fold cross-fitting on the dataset's own labels, out-of-fold
 * probabilities and confident-learning flags (MODEL_DISAGREES).
 */
#ifndef LA_LEARN_H
#define LA_LEARN_H

#include "la_row.h"

struct cJSON;

typedef struct la_learn la_learn;

/* Worker: fills row->feat/featval/nfeat from the analyzed text and the
 * detector flags (arrays in c->arena). */
void la_learn_features(const la_detect_ctx *c, la_row *row);

la_learn *la_learn_new(const la_options *opt);
/* Consumer, input order: keeps the row's features and label class. */
void la_learn_add(la_learn *l, const la_row *row);
/* After the stream: trains when enabled (or auto and enough rows per
 * class). Returns 1 when a model was trained, 0 when skipped. */
int la_learn_finish(la_learn *l);

typedef struct la_learn_verdict {
    int flagged;            /* confident learning says the label is wrong */
    double p_given;         /* out-of-fold probability of the given class */
    double p_suggested;     /* ... of the suggested class */
    la_class suggested;
    double score;           /* model doubt in [0,1] */
} la_learn_verdict;

/* After finish: the verdict for row index; 0 when the row was not modeled. */
int la_learn_verdict_of(const la_learn *l, uint64_t index, la_learn_verdict *v);
/* Adds to f evidence spans for the tokens of t whose features pushed the
 * model most toward the suggested class. */
void la_learn_explain(const la_learn *l, const la_text *t, la_result *r,
                      la_finding *f, la_class toward);
struct cJSON *la_learn_summary(const la_learn *l);
void la_learn_free(la_learn *l);

#endif
