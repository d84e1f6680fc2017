/*
 * la_summary.h - the dataset-level counters behind --summary, the stderr
 * report and the HTML report: row accounting, rejects by kind, label
 * values and classes, flags per reason, suggested relabels, the score
 * histogram and per-term label purity. Fed by the consumer in input order.
 */
#ifndef LA_SUMMARY_H
#define LA_SUMMARY_H

#include <stdio.h>

#include "la_row.h"

struct cJSON;

typedef struct la_summary la_summary;

la_summary *la_summary_new(const la_lexicon *lex);
void la_summary_free(la_summary *s);

/* A rejected line of kind err (LA_E*). */
void la_summary_reject(la_summary *s, int err);
/* An audited row: label value and class, lexicon terms seen. */
void la_summary_row(la_summary *s, const la_row *row);
/* The findings of an audited row before the evidence model weighs them
 * ("candidates" in the summary). */
void la_summary_findings(la_summary *s, const la_result *r);
/* A row that goes to the queue (after filters, before --top, so the
 * summary describes the whole dataset): its reasons and P(wrong),
 * suggestions, histogram. */
void la_summary_flagged(la_summary *s, const la_result *r);
/* A row whose annotations could not be read. */
void la_summary_annot_error(la_summary *s);
void la_summary_blank_line(la_summary *s);
/* n blank lines at once (a merge: the shards counted them). */
void la_summary_blank_lines(la_summary *s, uint64_t n);

/* Builds the summary object. stats gives the row accounting; parts are
 * module summaries (each may be NULL) attached under their key; this
 * function takes ownership of them. */
struct cJSON *la_summary_json(const la_summary *s, const la_stats *st,
                              struct cJSON *clusters, struct cJSON *agreement,
                              struct cJSON *model, const char *dict_path,
                              int threads);
/* The short human report for stderr. */
void la_summary_print(const la_summary *s, const la_stats *st, FILE *out);

/* Terms whose rows are labeled toxic (or spam) at least this share of the
 * time, with at least PURITY_MIN_ROWS rows, are listed as keyed terms:
 * 95% over 20 rows means the labelers very likely keyed on the word. */
#define LA_PURITY_SHARE 0.95
#define LA_PURITY_MIN_ROWS 20

#endif
