/*
 * la_evmodel.h - the evidence model: every source of evidence about a
 * row's label (the given label itself, the in-dataset classifier, the
 * toxicity rules, the spam score, the other copies of a duplicate
 * cluster, the annotators, an outside score) weighed by how reliable each
 * proves to be on the dataset at hand, estimated without ground truth.
 * The method and its assumptions are described at the top of
 * src/evmodel.c.
 *
 * Use: la_evmodel_add for every audited row in input order (consumer),
 * la_evmodel_finish once after the stream, then la_evmodel_verdict per
 * row. Memory: about 40 bytes per audited row until freed.
 */
#ifndef LA_EVMODEL_H
#define LA_EVMODEL_H

#include <stdio.h>

#include "la_row.h"

struct cJSON;
struct la_learn;
struct la_dedup;
struct la_agree;

/* Label values modeled: the first LA_EV_MAX_VALUES distinct values of the
 * label column (a classification dataset has a handful); rows with other
 * values get label-independent checks only. */
#define LA_EV_MAX_VALUES 16

/* A source "argues against the label" on a row when it makes the
 * suggested value at least this many times likelier than the given one:
 * only such sources are named as a row's reasons, and the rows where one
 * does define its estimated precision. Twice the odds is the smallest
 * push a reviewer can be told about without misleading. */
#define LA_EV_ARGUE_LR 2.0

/* The sources of evidence. Stable: the summary names them. */
typedef enum la_ev_source {
    LA_EV_LABEL = 0,   /* the given label (a noisy labeler) */
    LA_EV_MODEL,       /* the classifier's out-of-fold probability, binned */
    LA_EV_TEXT,        /* the toxicity rule that holds when it rests on a
                          positive cue (LA_TOXR_*; 0: none does) */
    LA_EV_SPAM,        /* the label-free spam score, binned */
    LA_EV_DUP,         /* the majority label of the other rows of its cluster */
    LA_EV_ANNOT,       /* the annotators: the annotator model's class and
                          whether it is sure, else the majority class and
                          whether it was unanimous; or a tie */
    LA_EV_SCORE,       /* an outside score (--scores), binned */
    LA_EV_SILENCE,     /* what the toxicity rules did not find: no cue,
                          cues but no rule, profanity aimed at no one, an
                          identity term nothing attacks (LA_EV_SIL_*) */
    LA_EV__COUNT
} la_ev_source;

/* Categories of LA_EV_SILENCE. */
enum {
    LA_EV_SIL_NONE = 0, LA_EV_SIL_OTHER, LA_EV_SIL_UNTARGETED, LA_EV_SIL_IDENTITY,
    LA_EV_SIL_CUE, LA_EV_SIL__COUNT
};

typedef struct la_evmodel la_evmodel;

/* What the model says of one row. */
typedef struct la_ev_verdict {
    double p_wrong;             /* P(the given label is wrong) */
    int suggested;              /* most likely other value (index), or -1 */
    la_class suggested_class;   /* its class group */
    const char *suggested_json; /* raw JSON of that value (owned by the
                                   model) */
    size_t suggested_json_len;
    int cat[LA_EV__COUNT];      /* observed category per source, -1 absent */
    double lr[LA_EV__COUNT];    /* likelihood ratio of each source for the
                                   suggestion against the given label (1
                                   when absent) */
    uint32_t cluster;           /* duplicate cluster id, 0 none */
    uint32_t dup_others;        /* other rows in the cluster */
    uint32_t dup_agree;         /* ... of them labeled the suggested value */
    int conflict_pick;          /* the copy most likely wrong in a cluster
                                   whose labels disagree */
} la_ev_verdict;

/* A model reading opt (borrowed; it must outlive the model). */
la_evmodel *la_evmodel_new(const la_options *opt);
void la_evmodel_free(la_evmodel *m);

/* Consumer, input order (row->index increasing): records the row's label
 * value and its observations. Reads row->label_str, r.label_json,
 * r.label_class, tox_rule, spam_score, outside_score, r.agreement and
 * r.cluster (as la_dedup_add left it). */
void la_evmodel_add(la_evmodel *m, const la_row *row);

/* After the stream: takes the classifier's out-of-fold probabilities
 * from learn (may be NULL or untrained), the clusters from dedup and the
 * annotator model from agree (finished; each may be NULL), then fits the
 * model. */
void la_evmodel_finish(la_evmodel *m, const struct la_learn *learn,
                       const struct la_dedup *dedup, const struct la_agree *agree);

/* After finish: the verdict of row index. Returns 0 (v zeroed, suggested
 * -1) when the row was not modeled (unknown label value). */
int la_evmodel_verdict(const la_evmodel *m, uint64_t index, la_ev_verdict *v);

/* The reason code a source's category is reported under, or -1 when it
 * has none (the label itself, cues that fit no rule). */
int la_evmodel_reason(la_ev_source s, int cat);
/* 1 when category cat of s is the absence of a cue (no cue found, a zero
 * spam score, nothing attacking an identity term): such evidence may
 * weigh in the model and be named beside other reasons, but never
 * carries a row alone. */
int la_evmodel_absence(la_ev_source s, int cat);

/* After finish: the estimated precision of evidence (s, cat): the mean
 * P(wrong) over the rows where it argues against the given label; < 0
 * when it never does. *rows (may be NULL) receives the number of such rows. */
double la_evmodel_precision(const la_evmodel *m, la_ev_source s, int cat, double *rows);
/* A readable name of category cat of source s ("0.3-0.5", "slur",
 * "others_hate", ...), valid until the next call. */
const char *la_evmodel_cat_name(la_evmodel *m, la_ev_source s, int cat);

/* Labels: how many values are modeled, and the raw JSON and class of
 * value i (borrowed). */
int la_evmodel_nvalues(const la_evmodel *m);
const char *la_evmodel_value_json(const la_evmodel *m, int i, size_t *len);
/* Value i as text (the label as the summary counts it), "?" when out of
 * range. */
const char *la_evmodel_value_text(const la_evmodel *m, int i);

/* Where the label values are bare numbers and no --*-values option named
 * their meaning, writes one note to out saying how they were read (0/1 by
 * the usual convention) or that they could not be (other numbers), and
 * returns 1; else writes nothing and returns 0. */
int la_evmodel_note_vocabulary(const la_evmodel *m, FILE *out);

/* Summary object: values, sources (per category: rows, likelihood ratios,
 * estimated precision), the estimated noise matrix {given: {true: x}},
 * the estimated number of label errors, iterations. New; caller frees. */
struct cJSON *la_evmodel_summary(const la_evmodel *m);

#endif
