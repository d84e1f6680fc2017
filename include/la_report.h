/*
 * la_report.h - the self-contained HTML report (--report).
 */
#ifndef LA_REPORT_H
#define LA_REPORT_H

#include <stdio.h>

#include "labelaudit.h"

struct cJSON;

/* What the report says about the run (all borrowed, each may be NULL). */
typedef struct la_report_info {
    const char *dataset;               /* input names, comma separated */
    const char *command_line;          /* as typed (la_options.command_line) */
    const la_calibration *calibration; /* reviewers' decisions on an earlier
                                          queue: a "Review outcome" section */
} la_report_info;

/* Writes the report from the summary object and the highest-ranked queue
 * rows (top[0] first); info may be NULL. Returns LA_OK or LA_EIO. */
int la_report_write(FILE *out, const struct cJSON *summary, const la_report_info *info,
                    const la_result *const *top, size_t ntop);

/* Writes a self-contained page holding the comparison of two summaries
 * (section id "diff"): counts, reasons, labels, agreement, keyed terms.
 * The names label the two columns. Returns LA_OK or LA_EIO. */
int la_report_write_diff(FILE *out, const struct cJSON *before, const struct cJSON *after,
                         const char *before_name, const char *after_name);

#endif
