/*
 * la_format.h - serializers of queue rows (src/formats.c, src/jsonl.c) and
 * the vocabulary a review export needs declared in its tool.
 */
#ifndef LA_FORMAT_H
#define LA_FORMAT_H

#include "labelaudit.h"
#include "la_common.h"

/* Decision words shared by the exports and `labelaudit apply`: the choice
 * that removes a row, the one that keeps its label, and (CSV) the one that
 * takes the audit's suggestion. Any other decision is a label value. */
#define LA_DECISION_REMOVE "remove"
#define LA_DECISION_KEEP "keep"
#define LA_DECISION_ACCEPT "accept"

/* Bytes before the first row (CSV header, "[" of a JSON array). */
void la_fmt_begin(la_format f, la_buf *b);
/* One row; nth is 0 for the first row written. */
void la_fmt_row(la_format f, la_buf *b, const la_result *r, uint64_t nth);
/* Bytes after the last row. */
void la_fmt_end(la_format f, la_buf *b, uint64_t nrows);

/* The DESIGN.md section 4 queue row, one line with its newline. */
void la_fmt_jsonl_row(la_buf *b, const la_result *r);

/* What the written rows used: evidence kinds and label values (given
 * labels and proposals, decoded text), and whether any row had context.
 * Strings are owned by the set. */
typedef struct la_fmt_seen {
    char **kinds; size_t nkinds, kinds_cap;
    char **labels; size_t nlabels, labels_cap;
    int context;
} la_fmt_seen;

void la_fmt_seen_init(la_fmt_seen *s);
void la_fmt_seen_free(la_fmt_seen *s);
/* Adds the kinds and label values of r. */
void la_fmt_note(la_fmt_seen *s, const la_result *r);
/* Appends a Label Studio labeling config (XML) that declares every evidence
 * kind and label value noted, plus the "remove" choice, and shows the
 * reasons, why, agreement and context strings of the tasks. Sorts s. */
void la_fmt_ls_config(la_fmt_seen *s, la_buf *b);

#endif
