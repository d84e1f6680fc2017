/*
 * la_format.h - queue serialization per format. Each function appends to a
 * buffer; src/writer.c owns the FILE and the error handling.
 */
#ifndef LA_FORMAT_H
#define LA_FORMAT_H

#include "labelaudit.h"
#include "la_common.h"

/* Bytes before the first row (CSV header, "[" of a JSON array). */
void la_fmt_begin(la_format f, la_buf *b);
/* One row; nth is 0 for the first row written. */
void la_fmt_row(la_format f, la_buf *b, const la_result *r, uint64_t nth);
/* Bytes after the last row. */
void la_fmt_end(la_format f, la_buf *b, uint64_t nrows);

/* The DESIGN.md section 4 queue row, one line with its newline. */
void la_fmt_jsonl_row(la_buf *b, const la_result *r);

#endif
