/*
 * la_calibration.h - the audit's precision as reviewers measured it
 * (src/calibration.c): per reason code, per score band and per labeler,
 * accumulated by `labelaudit apply`, printed, written as JSON and read
 * back by a later audit (--calibration FILE). The public reader is in
 * labelaudit.h (la_calibration_load and friends).
 */
#ifndef LA_CALIBRATION_H
#define LA_CALIBRATION_H

#include <stdio.h>

#include "labelaudit.h"

struct cJSON;

/* Score bands are tenths of [0, 1]; a score of 1 falls in the last. */
#define LA_CALIB_BANDS 10

/* Adds one reviewed row: the reasons it was queued for (a bit per
 * la_reason), its queue score (< 0 when the export did not carry it),
 * whether the reviewer confirmed the audit (changed the label or removed
 * the row) and whether the outcome was exactly the audit's proposal. */
void la_calibration_add(la_calibration *c, uint32_t reasons, double score,
                        int confirmed, int accepted);
/* Counts a labeler whose label on a reviewed row was overturned (or, with
 * overturned 0, upheld). */
void la_calibration_labeler(la_calibration *c, const char *labeler, size_t n,
                            int overturned);
/* An empty table. */
la_calibration *la_calibration_new(void);
/* Prints the table for people: per reason, per score band, labelers
 * overturned most (the ten with most overturned labels). */
void la_calibration_print(const la_calibration *c, FILE *out);
/* The table as a JSON object (caller owns it). */
struct cJSON *la_calibration_json(const la_calibration *c);

#endif
