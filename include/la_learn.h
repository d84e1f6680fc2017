/*
 * la_learn.h - the in-dataset classifier: hashed features, a linear model
 * fit by K-fold cross-fitting on the dataset's own labels, out-of-fold
 * probabilities and confident-learning flags (MODEL_DISAGREES).
 *
 * Memory: the stage keeps, per labeled row, its packed features (4 bytes
 * each, at most LA_LEARN_MAX_FEAT) and 17 bytes of bookkeeping: at most
 * 273 bytes, 230 to 270 for short social-media texts; plus a 4 MiB table
 * while reading and K + 2 tables of 4 MiB while training. The features
 * live in a spill log (la_spill.h) that moves to a temporary file past the
 * --memory budget; the 17 bytes stay in memory.
 */
#ifndef LA_LEARN_H
#define LA_LEARN_H

#include "la_row.h"

struct cJSON;

/* Feature ids live in a 2^LA_LEARN_BITS space; a row has at most
 * LA_LEARN_MAX_FEAT distinct ids. */
#define LA_LEARN_BITS 20
#define LA_LEARN_MAX_FEAT 64

typedef struct la_learn la_learn;
struct la_spill_store;

/* Worker, pure and thread-safe: fills row->feat/featval/nfeat (arrays in
 * c->arena; ids < 2^LA_LEARN_BITS, distinct; values > 0 with unit L2 norm)
 * from c->text and row->tox_flags, so the toxicity detector must run
 * first. Leaves nfeat 0 when c->opt->learn is LA_OFF. */
void la_learn_features(const la_detect_ctx *c, la_row *row);

/* A stage configured by opt->learn, folds, learn_min_per_class, threads
 * and seed (opt is not kept). */
la_learn *la_learn_new(const la_options *opt);
/* Lets the features spill to st (borrowed; must outlive l) once the
 * store's budget is passed; call before the first la_learn_add. Without
 * it they stay in memory. */
void la_learn_spill_to(la_learn *l, struct la_spill_store *st);
/* Consumer, input order (row->index increasing): keeps the row's features
 * and label class. Rows with an unknown class are not kept. */
void la_learn_add(la_learn *l, const la_row *row);
/* After the stream: trains when enabled (LA_ON, or LA_AUTO with at least
 * learn_min_per_class labeled rows in each class of the dominant task),
 * scores every row out of fold and runs confident learning. Returns 1 when
 * a model was trained, 0 when skipped (la_learn_summary says why). */
int la_learn_finish(la_learn *l);

typedef struct la_learn_verdict {
    int flagged;            /* confident learning says the label is wrong */
    double p_given;         /* out-of-fold probability of the given class */
    double p_suggested;     /* ... of the suggested class */
    la_class suggested;     /* the other class when flagged, else the
                               model's most probable class */
    double score;           /* model doubt in [0,1]: 1 - p_given */
} la_learn_verdict;

/* After finish: the verdict for row index; returns 0 (and zeroes v) when
 * the row was not modeled: no model, unknown class, or the other task. */
int la_learn_verdict_of(const la_learn *l, uint64_t index, la_learn_verdict *v);
/* After finish: the calibrated confident joint, the estimated share of
 * rows whose given class is `given` and true class `truth` (both of the
 * task's two classes). Returns 0 when no model was trained or a class is
 * not the task's. */
int la_learn_joint(const la_learn *l, la_class given, la_class truth, double *p);
/* After finish: row index's out-of-fold probability of the task's
 * positive class (toxic or spam) in *p. Returns 0 when not modeled. */
int la_learn_prob(const la_learn *l, uint64_t index, double *p);
/* Adds to f up to 3 evidence spans (kind "model_feature") for the tokens of
 * t whose unigram weights, averaged over the fold models, push most toward
 * `toward`. Does nothing without a trained model. */
void la_learn_explain(const la_learn *l, const la_text *t, la_result *r,
                      la_finding *f, la_class toward);
/* A new cJSON object (caller frees): trained, why_not, task, rows, folds,
 * classes, thresholds, confident_joint and noise ({given: {true: x}}),
 * flagged, seconds, bytes_per_row, max_features. */
struct cJSON *la_learn_summary(const la_learn *l);
void la_learn_free(la_learn *l);

#endif
