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

/* The member at a dotted path ("meta.label"); an exact member named like
 * the whole path wins, and of duplicate keys the LAST one counts, for
 * every field (text, label, id, annotations, votes). NULL when absent or
 * when obj is not an object. Borrowed. */
struct cJSON *la_record_path(const struct cJSON *obj, const char *path);
/* The same for a path given as pointer + length. */
struct cJSON *la_record_path_n(const struct cJSON *obj, const char *path, size_t len);

#endif
