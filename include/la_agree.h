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

#endif
