/*
 * la_input.h - the input layer (src/input.c): what an input file is
 * (compression and format, from its first bytes and its name), the
 * decompressors (gzip through zlib, zstd through libzstd), and the record
 * splitters that turn CSV/TSV records and JSON-array elements into the
 * same per-row JSON object a JSON Lines line is.
 *
 * Everything here is push-style and owns no file: the auditor reads bytes
 * (with its interrupt-aware reads), pushes them through a decoder and a
 * splitter, and receives whole records through a callback.
 */
#ifndef LA_INPUT_H
#define LA_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "la_common.h"

typedef enum la_input_format {
    LA_INPUT_AUTO = 0,   /* decide from the first bytes and the name */
    LA_INPUT_JSONL,
    LA_INPUT_CSV,
    LA_INPUT_TSV,
    LA_INPUT_JSON        /* one JSON array of objects */
} la_input_format;

typedef enum la_compression {
    LA_COMP_NONE = 0,
    LA_COMP_GZIP,
    LA_COMP_ZSTD
} la_compression;

/* la_input_format_parse is in labelaudit.h (the CLI needs it). */
/* "JSON Lines", "CSV", "TSV", "a JSON array" for messages; "" for AUTO. */
const char *la_input_format_title(la_input_format f);
/* The --input-format value of f ("jsonl", ...). */
const char *la_input_format_flag(la_input_format f);

/* Bytes needed to recognize a compression magic number. */
#define LA_INPUT_MAGIC_BYTES 4

/* The compression of a stream whose first n bytes are head (n may be
 * short at the end of a tiny input): gzip (1f 8b) or zstd (28 b5 2f fd). */
la_compression la_input_compression(const unsigned char *head, size_t n);

/* Decides the format of an input from its first decoded bytes (head, at
 * least its first line when it has one) and its name (compression suffix
 * ignored), under the --input-format choice `want` (LA_INPUT_AUTO when not
 * given). Returns the format to read, or -1 when the bytes cannot be read
 * as that format: then what holds one sentence naming what the input looks
 * like and the flag or conversion to use (no "labelaudit:" prefix, no
 * newline). An empty input is JSON Lines (no rows). */
int la_input_sniff(const char *head, size_t n, const char *name, la_input_format want,
                   char *what, size_t whatlen);

/* ---- decompression ---------------------------------------------------------- */

typedef struct la_decoder la_decoder;

/* Receives decoded bytes (borrowed for the call). */
typedef void (*la_sink_fn)(void *ud, const char *p, size_t n);

/* A decoder for comp (LA_COMP_NONE passes bytes through). */
la_decoder *la_decoder_new(la_compression comp);
/* Decodes n more input bytes, calling sink for each piece of output.
 * Returns LA_OK, or LA_EIO when the data is corrupt: err then holds the
 * reason (e.g. "corrupt gzip data: invalid block type"). */
int la_decoder_push(la_decoder *d, const char *p, size_t n, la_sink_fn sink, void *ud,
                    char *err, size_t errlen);
/* At the end of input: LA_OK when the compressed stream ended cleanly,
 * else LA_EIO with err saying it was cut short. */
int la_decoder_end(la_decoder *d, char *err, size_t errlen);
void la_decoder_free(la_decoder *d);

/* ---- record splitters (CSV, TSV, JSON array) ----------------------------- */

/* One record, borrowed for the duration of the callback. */
typedef struct la_input_record {
    const char *json; size_t json_len;  /* the row as a JSON object text, or
                                           the reason when status != LA_OK */
    const char *src; size_t src_len;    /* the record's bytes as read */
    uint64_t line;      /* CSV/TSV: first physical line of the record;
                           JSON array: the element's 1-based position */
    int status;         /* LA_OK, or the LA_E* code that rejects it */
    size_t err_byte;    /* for LA_EUTF8/LA_ENUL: offset into src */
    int note_only;      /* a diagnostic about the file, not a row */
} la_input_record;

typedef void (*la_record_fn)(void *ud, const la_input_record *rec);

typedef struct la_splitter la_splitter;

/* A splitter for fmt (CSV, TSV or JSON). text_path names the column that
 * stays a string whatever it holds (CSV/TSV); max_record is the longest
 * record kept (longer ones are rejected with LA_ETOOLONG and their first
 * max_record bytes as src). */
la_splitter *la_splitter_new(la_input_format fmt, const char *text_path, size_t max_record,
                             la_record_fn fn, void *ud);
/* Splits n more bytes; calls fn for every record completed. */
void la_splitter_push(la_splitter *s, const char *p, size_t n);
/* At the end of input: delivers the last record (one without a final
 * newline, an unterminated quoted field, an unclosed array). */
void la_splitter_end(la_splitter *s);
/* Blank lines (CSV/TSV) seen so far, for the summary. */
uint64_t la_splitter_blank_lines(const la_splitter *s);
void la_splitter_free(la_splitter *s);

#endif
