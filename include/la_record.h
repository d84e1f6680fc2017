/*
 * la_record.h - parsing one input line into a la_row (src/record.c).
 */
#ifndef LA_RECORD_H
#define LA_RECORD_H

#include "la_row.h"
#include "la_labels.h"

struct cJSON;

/* Parses row->raw/raw_len (row->r.line must be set). On success returns
 * LA_OK with id, text, label and class filled; else the LA_E* code that
 * rejects the line, also stored in row->status, with row->err_byte and
 * row->err_detail set for the diagnostic. row->json, when set, is owned
 * by the caller (cJSON_Delete). */
int la_record_parse(la_row *row, const la_options *opt, const la_labelmap *labels,
                    la_arena *arena);

/* Adds the findings the label layout itself gives, after the per-row
 * detectors (reasons are listed in code order): a --label-threshold soft
 * label near the threshold is the least certain kind (LOW_AGREEMENT). */
void la_record_label_findings(la_row *row, const la_options *opt);

/* The member at a dotted path ("meta.label"); an exact member named like
 * the whole path wins. NULL when absent. Borrowed. */
struct cJSON *la_record_path(const struct cJSON *obj, const char *path);

#endif
