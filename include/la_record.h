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
 * the whole path wins, and of duplicate keys the LAST one counts, for
 * every field (text, label, id, annotations, votes). NULL when absent or
 * when obj is not an object. Borrowed. */
struct cJSON *la_record_path(const struct cJSON *obj, const char *path);
/* The same for a path given as pointer + length. */
struct cJSON *la_record_path_n(const struct cJSON *obj, const char *path, size_t len);

/* The id of a row as text, as every output shows it: a string id as it is,
 * a number as an integer when it is one ("%.17g" otherwise), anything
 * else (absent, null, not a scalar) the 1-based line. *out points into
 * v or into tmp; *is_number says whether it came from a number or the
 * line. Returns its length. */
#define LA_ID_TMP 40
size_t la_record_id_text(const struct cJSON *v, uint64_t line, char tmp[LA_ID_TMP],
                         const char **out, int *is_number);

/* The byte span [*start, *end) of the value that la_record_path would
 * return for path in the raw JSON object s (n bytes; a leading BOM is
 * skipped), found by scanning without building a tree: the same rules,
 * an exact member named like the whole path first, the last of
 * duplicate keys. Returns 1 when found, 0 when absent or malformed. */
int la_record_path_span(const char *s, size_t n, const char *path, size_t *start, size_t *end);

#endif
