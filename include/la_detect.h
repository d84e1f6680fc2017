/*
 * la_detect.h - per-row detectors. Each is a pure function of the row, its
 * analyzed text and read-only configuration, so it runs on any worker
 * thread. A detector only appends findings and evidence to row->r and may
 * set row->tox_flags; it never removes another detector's findings.
 *
 *   src/toxicity.c  PROFANITY_ONLY, IDENTITY_ONLY, NO_EVIDENCE,
 *                   MISSED_TOXICITY (toxicity task rows)
 *   src/spam.c      SPAM (both tasks: junk in a toxicity set, or the
 *                   spam/ham label audit)
 *   src/junk.c      GIBBERISH, EMPTY_TEXT (every row)
 */
#ifndef LA_DETECT_H
#define LA_DETECT_H

#include "la_row.h"

void la_detect_toxicity(const la_detect_ctx *c, la_row *row);
void la_detect_spam(const la_detect_ctx *c, la_row *row);
void la_detect_junk(const la_detect_ctx *c, la_row *row);

/* The spam signal strength of a text in [0,1], with no label involved
 * (used by the toxicity task to call a row junk, and by the classifier as
 * a feature). */
double la_spam_score(const la_detect_ctx *c);

#endif
