/*
 * la_report.h - the self-contained HTML report (--report).
 */
#ifndef LA_REPORT_H
#define LA_REPORT_H

#include <stdio.h>

#include "labelaudit.h"

struct cJSON;

/* Writes the report from the summary object and the highest-ranked queue
 * rows (top[0] first). Returns LA_OK or LA_EIO. */
int la_report_write(FILE *out, const struct cJSON *summary,
                    const la_result *const *top, size_t ntop);

#endif
