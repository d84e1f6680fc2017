/*
 * la_shard.h - shard files: the analyzed rows of one part of a dataset,
 * written by `labelaudit shard` and replayed by `labelaudit merge`.
 *
 * A sharded run splits the per-row analysis (parse, normalize, match,
 * detectors, duplicate signatures, classifier features: a pure function
 * of the row) across processes or machines. Each shard reads the whole
 * input and analyzes the rows whose global row index i has i % N == K-1;
 * it writes each analyzed row, in input order, as one binary record: the
 * la_row the consumer would have received. The merge reads the N files,
 * takes the records back in global row order and feeds them to the same
 * cross-row stages a single run uses (duplicates, conflicts, agreement,
 * classifier, evidence model, summary), so its queue is the single run's
 * byte for byte: nothing cross-row is decided in a shard.
 *
 * The file format (version 1; every integer little-endian) is documented
 * in doc/shard-format.md. Readers refuse another version.
 */
#ifndef LA_SHARD_H
#define LA_SHARD_H

#include <stdint.h>
#include <stdio.h>

#include "la_row.h"

#define LA_SHARD_VERSION 1

/* One input as the shard read it. */
typedef struct la_shard_file {
    char *name;                /* as named on the command line; "-" stdin */
    int format;                /* la_input_format, 0 when never decided */
    int comp;                  /* la_compression */
} la_shard_file;

/* What a shard says of the whole run besides its rows (the trailer). */
typedef struct la_shard_info {
    uint32_t part, parts;      /* this is part `part` (1-based) of `parts` */
    uint64_t fingerprint;      /* la_shard_fingerprint of the analysis options */
    int many_inputs;           /* la_options.many_inputs of the run */
    uint64_t rows_total;       /* rows of the whole input (every part) */
    uint64_t rows_mine;        /* records of this part */
    uint64_t blank_lines;      /* blank lines of the whole input */
    uint64_t bytes_read;
    uint64_t files_unreadable;
    la_shard_file *files;      /* nfiles inputs, in the order read */
    uint32_t nfiles;
} la_shard_info;

/* A hash of every option that changes what a row's analysis yields (the
 * field paths, label vocabulary, lexicons, dictionary, signature and
 * feature settings, the version): a merge refuses shards analyzed
 * differently from each other or from its own options. lexicon_digest is
 * la_lexicon_digest of the lexicons loaded (their content, wherever they
 * are); dict_path the dictionary loaded, or NULL. */
uint64_t la_shard_fingerprint(const la_options *o, uint64_t lexicon_digest,
                              const char *dict_path);

/* ---- writing ----------------------------------------------------------- */

typedef struct la_shard_writer la_shard_writer;

/* Starts a shard on out (borrowed, written sequentially). */
la_shard_writer *la_shard_writer_new(FILE *out, uint32_t part, uint32_t parts,
                                     uint64_t fingerprint);
/* Appends one analyzed row (status LA_OK or a rejection) whose input is
 * file number file of the trailer's table. minhash_k and bands size the
 * signature arrays. Returns LA_OK or LA_EIO. */
int la_shard_write_row(la_shard_writer *w, const la_row *row, uint32_t file,
                       int minhash_k, int bands);
/* Appends a line over --max-line-bytes: its bytes follow in the blob
 * (la_shard_blob), starting where the previous long line's end. */
int la_shard_write_long(la_shard_writer *w, uint64_t index, uint32_t file, uint64_t line);
/* Where a long line's bytes go as they are read (a temporary file). */
FILE *la_shard_blob(la_shard_writer *w);
/* Writes the blob, the trailer (info; part, parts and fingerprint are
 * taken from the writer) and the footer. Returns LA_OK or LA_EIO. The
 * writer is freed either way. */
int la_shard_writer_finish(la_shard_writer *w, la_shard_info *info);
void la_shard_writer_free(la_shard_writer *w);

/* ---- reading ------------------------------------------------------------ */

typedef struct la_shard_reader la_shard_reader;
typedef struct la_shard_strings la_shard_strings;

/* Interned evidence strings (kind, category, term): rows kept until the
 * end of the stream point at them, so they outlive every reader. */
la_shard_strings *la_shard_strings_new(void);
void la_shard_strings_free(la_shard_strings *s);

/* Opens a shard file and reads its trailer. NULL with "PATH: why" in err
 * when it cannot be read, is not a shard file, or is of another version.
 * minhash_k and bands are the options the rows were analyzed with (the
 * fingerprint says so): a row whose arrays have other sizes is damaged. */
la_shard_reader *la_shard_open(const char *path, la_shard_strings *strings, int minhash_k,
                               int bands, char *err, size_t errlen);
const la_shard_info *la_shard_reader_info(const la_shard_reader *r);

enum { LA_SHARD_END = 0, LA_SHARD_ROW = 1, LA_SHARD_LONG = 2 };

/* The next record: LA_SHARD_ROW fills row (its strings and arrays valid
 * until the next call on this reader; json is NULL); LA_SHARD_LONG fills
 * *index, *file and *line and leaves the line's bytes to
 * la_shard_copy_long; LA_SHARD_END after the last. LA_EIO with "PATH: why"
 * in err on a damaged file. For a row, *file is its file number. */
int la_shard_next(la_shard_reader *r, la_row *row, uint64_t *index, uint32_t *file,
                  uint64_t *line, char *err, size_t errlen);
/* Copies the bytes of the long line last returned to out (NULL: skips
 * them). Returns LA_OK or LA_EIO. */
int la_shard_copy_long(la_shard_reader *r, FILE *out, char *err, size_t errlen);
void la_shard_close(la_shard_reader *r);

#endif
