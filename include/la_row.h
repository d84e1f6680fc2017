/*
 * la_row.h - the per-row record that flows from a worker thread (parse and
 * analyze, pure) to the ordered consumer (cross-row stages and writers),
 * and the context the per-row detectors receive.
 *
 * A row's variable-size data (minhash signature, term ids, features,
 * annotations) lives in the arena of the batch it belongs to; strings in
 * row->r borrow from the batch's line buffer or parsed JSON. Everything is
 * released together when the batch is recycled, after the consumer is done.
 */
#ifndef LA_ROW_H
#define LA_ROW_H

#include <stdint.h>

#include "labelaudit.h"
#include "la_common.h"
#include "la_text.h"

struct cJSON;
struct la_labelmap;

/* Parsed annotator judgments of one row. */
typedef struct la_annot {
    int n;                 /* judgments (0: none in this row) */
    uint8_t *cls;          /* n label classes (la_class); UNKNOWN allowed */
    const char **rater;    /* n rater ids (borrowed), or NULL when absent */
    uint16_t *rater_len;
    int from_votes;        /* built from --votes count columns */
} la_annot;

typedef struct la_row {
    la_result r;           /* the output view (strings borrowed) */
    int status;            /* LA_OK, or the LA_E* code that rejects it */
    size_t err_byte;       /* offending byte offset for JSON/UTF-8 errors */
    char err_detail[96];   /* extra words for the diagnostic, may be "" */
    uint64_t index;        /* 0-based index among all rows read (all files) */
    uint64_t file_off;     /* byte offset of the raw line in its file */
    const char *raw; size_t raw_len;   /* the raw line, without newline */
    const char *src; size_t src_len;   /* the record's own bytes when raw is
                                          a conversion (a CSV record) or a
                                          reason (a record rejected while
                                          split); NULL: raw is the input */
    struct cJSON *json;    /* parsed object (owned by the batch) */
    const char *label_str; size_t label_len; /* label as text, for counts */
    double soft_label;     /* the number of a --label-threshold label */
    int annot_error;       /* LA_EANNOT: annotations ignored, diagnosed */

    /* features for the cross-row stages (filled by the worker) */
    uint64_t dup_key;      /* exact-duplicate key; 0: no usable text */
    uint64_t contrast_key; /* dup key with negations removed (see dedup) */
    uint8_t stance;        /* polarity and groups named, hashed (see dedup) */
    uint32_t *minhash;     /* opt->minhash_k values, or NULL */
    uint8_t *sig8;         /* their low bytes (what the near index keeps),
                              or NULL */
    uint64_t *band_keys;   /* LSH key of each band of sig8, or NULL */
    uint32_t nshingles;    /* shingles behind the signature */
    uint32_t *terms; uint32_t nterms;  /* distinct lexicon term ids seen */
    uint32_t *feat; uint32_t nfeat;    /* hashed classifier features */
    float *featval;                    /* their values (parallel to feat) */
    la_annot annot;
    unsigned char tox_flags;           /* LA_ROWF_* for the classifier */
    uint8_t tox_rule;                  /* LA_TOXR_*: the text's own toxicity
                                          verdict, whatever the label */
    float spam_score;                  /* label-free spam score in [0,1] */
    float outside_score;               /* --scores value in [0,1], or < 0 */
} la_row;

/* The toxicity rule that holds for a row's text (toxicity.c tries them in
 * this order after the two catch-alls). NONE: no lexical cue at all;
 * OTHER: cues, but no rule holds. THREAT .. RECLAIMED and HOSTILE_GROUP
 * point toward toxic (MISSED_TOXICITY), the rest toward non-toxic
 * (PROFANITY_ONLY, IDENTITY_ONLY). New rules are added at the end. Stable: the evidence model and the summary name them. */
enum {
    LA_TOXR_NONE = 0, LA_TOXR_OTHER,
    LA_TOXR_THREAT, LA_TOXR_SLUR, LA_TOXR_DEHUMANIZING, LA_TOXR_INSULT_YOU,
    LA_TOXR_PROFANE_YOU, LA_TOXR_INSULT_PERSON, LA_TOXR_SLUR_CONTEXT,
    LA_TOXR_RECLAIMED, LA_TOXR_PROFANITY_PRAISE, LA_TOXR_SLUR_INNOCENT,
    LA_TOXR_SLUR_MENTIONED, LA_TOXR_PROFANITY_UNTARGETED, LA_TOXR_IDENTITY_ONLY,
    LA_TOXR_HOSTILE_GROUP,
    LA_TOXR__COUNT
};

enum {
    LA_ROWF_PROFANITY = 1u << 0,
    LA_ROWF_SLUR      = 1u << 1,
    LA_ROWF_THREAT    = 1u << 2,
    LA_ROWF_INSULT_AT = 1u << 3,  /* insult aimed at a person */
    LA_ROWF_DEHUMAN   = 1u << 4,  /* a group dehumanized or met with hostility */
    LA_ROWF_IDENTITY  = 1u << 5,
    LA_ROWF_SPAMMY    = 1u << 6,
    LA_ROWF_COUNTER   = 1u << 7   /* negated, quoted or counter-speech */
};

/* What a per-row detector may use. Everything is read-only except the
 * scratch pieces, which belong to the calling thread. */
typedef struct la_detect_ctx {
    const la_options *opt;
    const la_lexicon *lex;
    la_dict *dict;               /* NULL when no dictionary is loaded */
    la_dict_cache *cache;        /* this thread's */
    const struct la_labelmap *labels; /* label vocabulary */
    const la_text *text;         /* the analyzed text of this row */
    la_arena *arena;             /* the batch's arena, for row data */
    la_buf *scratch;             /* this thread's scratch buffer */
} la_detect_ctx;

/* Adds a finding to r. fmt builds the "why" sentence. Returns the finding
 * (borrowed), or NULL when r already holds LA_MAX_FINDINGS. Evidence for
 * a finding must be added right after it, before the next finding. */
la_finding *la_result_add_finding(la_result *r, la_reason code, double score,
                                  la_class suggested, const char *fmt, ...)
    LA_PRINTF(5, 6);
/* Adds an evidence span to the last finding f; silently ignored when full. */
void la_result_add_evidence(la_result *r, la_finding *f, uint32_t start,
                            uint32_t end, const char *kind,
                            const char *category, const char *severity,
                            const char *term);
/* Adds evidence from a lexicon match. */
void la_result_add_match(la_result *r, la_finding *f, const la_match *m);
/* Returns the finding with code, or NULL. */
la_finding *la_result_find(la_result *r, la_reason code);
/* Recomputes r->score (max over findings) and r->suggested (from the
 * highest-scoring finding that suggests a class). */
void la_result_settle(la_result *r);

#endif
