/*
 * la_agree.h - annotator agreement: per-row majority and entropy,
 * LOW_AGREEMENT and NOT_MAJORITY, Krippendorff's alpha, per-annotator
 * agreement and Cohen's kappa against the leave-one-out majority, and a
 * Dawid-Skene estimate.
 */
#ifndef LA_AGREE_H
#define LA_AGREE_H

#include <stdio.h>

#include "la_row.h"
#include "la_labels.h"

struct cJSON;

typedef struct la_agree la_agree;

/* Bounds on what one row may carry; more is a malformed row (LA_EANNOT). */
#define LA_AGREE_MAX_JUDGMENTS 10000  /* judgments (array items or votes) */
#define LA_AGREE_MAX_COLUMNS 32       /* --votes columns */
#define LA_AGREE_MAX_ID 1024          /* bytes of one rater id */

/* Checks the vote options once, before any row: --vote-classes must name
 * toxic/non_toxic/spam/ham once per --votes column (numeric ranges are
 * la_options_check's). Returns LA_OK, or LA_EUSAGE with a one-line
 * message in err. */
int la_agree_check_options(const la_options *opt, char *err, size_t errlen);

/* Worker: parses --annotations / --votes of obj into row->annot (arrays in
 * arena). Returns LA_OK, or LA_EANNOT with a short reason in row->err_detail
 * (the row is still audited, without agreement checks). */
int la_annot_parse(const la_options *opt, const la_labelmap *labels,
                   const struct cJSON *obj, la_row *row, la_arena *arena);

la_agree *la_agree_new(const la_options *opt);
/* Consumer, input order: per-row statistics and findings. */
void la_agree_add(la_agree *g, la_row *row);
/* After the stream: alpha, annotator figures, Dawid-Skene. */
void la_agree_finish(la_agree *g);
/* After finish: Dawid-Skene posterior class of row index and its
 * probability; LA_CLASS_UNKNOWN when the row had no judgments. */
la_class la_agree_ds_class(const la_agree *g, uint64_t index, double *p);
/* Summary object ("agreement"). New; caller frees. */
struct cJSON *la_agree_summary(const la_agree *g);
/* One JSON line per annotator. Returns LA_OK or LA_EIO. */
int la_agree_write_report(const la_agree *g, FILE *out);
void la_agree_free(la_agree *g);

/* Krippendorff's alpha (nominal) of a reliability table: cnt[i * ncat + c]
 * is how many judgments item i got in category c (1 <= ncat <= 64). Items
 * with fewer than two judgments are not pairable and ignored. Writes the
 * observed and expected agreement to ao and ae when non-NULL. Returns NAN
 * when undefined (fewer than two pairable values, or all in one category).
 * The summary's alpha uses the same arithmetic. */
double la_agree_alpha_nominal(const uint32_t *cnt, size_t items, int ncat,
                              double *ao, double *ae);
/* Cohen's kappa of an ncat x ncat agreement table (table[r * ncat + c]:
 * items rater 1 put in r and rater 2 in c). NAN when undefined (empty
 * table, or expected agreement 1). */
double la_agree_kappa(const uint64_t *table, int ncat);

#endif
