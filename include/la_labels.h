/*
 * la_labels.h - mapping raw label values to label classes.
 *
 * A built-in table knows the common vocabularies (1/0, true/false, toxic,
 * "Not Toxic", hateful/non-hateful, offensive, abusive/not_abusive,
 * OFF/NOT, spam/ham, ...); --toxic-values and friends replace the table's
 * entries for their class. Matching ignores case and surrounding space and
 * treats '-', '_' and ' ' alike.
 */
#ifndef LA_LABELS_H
#define LA_LABELS_H

#include <stddef.h>

#include "labelaudit.h"

struct cJSON;

typedef struct la_labelmap la_labelmap;

la_labelmap *la_labelmap_new(const la_options *opt);
void la_labelmap_free(la_labelmap *m);
/* Class of a label given as text; LA_CLASS_UNKNOWN when not in the map. */
la_class la_labelmap_lookup(const la_labelmap *m, const char *s, size_t n);
/* Class of a JSON label value: strings, numbers (1/0), booleans. Writes the
 * value as text into buf (for counting raw values) and its length. */
la_class la_labelmap_json(const la_labelmap *m, const struct cJSON *v,
                          char *buf, size_t buflen, size_t *len);

/* The task a row is audited for: opt->task when set, else from the class
 * of its label (spam/ham: spam task; toxic/non_toxic: toxicity task);
 * LA_TASK_AUTO when the label is unknown (label-independent checks only). */
la_task la_row_task(const la_options *opt, la_class label);

#endif
