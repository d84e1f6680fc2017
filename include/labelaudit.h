/*
 * labelaudit.h - embeddable API of labelaudit, a label-quality auditor for
 * labeled text datasets (JSON Lines).
 *
 * Memory ownership, stated once for the whole API:
 *   - Arguments are borrowed: the library copies what it keeps.
 *   - What a function named *_new, *_open or *_load returns belongs to the
 *     caller and is released by the matching *_free, which accepts NULL.
 *   - Getters return borrowed const pointers, valid until the owner is freed
 *     or reset. A result handed to a callback is valid only during the call.
 *   - Exceptions say "takes ownership" in their comment.
 *
 * Errors are negative LA_E* codes with one la_strerror(). Out-of-memory is
 * not an error code: the library prints a message and aborts.
 *
 * Text is pointer + length, UTF-8, never assumed NUL-terminated. All spans
 * are byte offsets into the original text value, end exclusive.
 */
#ifndef LABELAUDIT_H
#define LABELAUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LA_VERSION "0.1.0"

/* Most parts a sharded run may have (a merge keeps every shard file open). */
#define LA_SHARD_MAX_PARTS 4096

/* ---- errors ---------------------------------------------------------- */

enum {
    LA_OK = 0,
    LA_ENOMEM = -1,     /* reserved: allocation failures abort instead */
    LA_EIO = -2,        /* read or write failed (errno holds the cause) */
    LA_EUSAGE = -3,     /* invalid option value or combination */
    LA_ELEXICON = -4,   /* a lexicon file could not be read or parsed */
    LA_EDICT = -5,      /* the hunspell dictionary could not be loaded */
    LA_EJSON = -6,      /* line is not valid JSON */
    LA_ENOTOBJ = -7,    /* line is JSON but not an object */
    LA_EUTF8 = -8,      /* raw line or decoded string is not valid UTF-8 */
    LA_ENOTEXT = -9,    /* text field missing */
    LA_ETEXTTYPE = -10, /* text field is not a string (null, number, ...) */
    LA_ENOLABEL = -11,  /* label field missing or null */
    LA_ETOOLONG = -12,  /* line longer than --max-line-bytes */
    LA_ENUL = -13,      /* a string holds an escaped U+0000 (\u0000) */
    LA_EANNOT = -14,    /* malformed annotations or vote counts */
    LA_EDEPTH = -15,    /* JSON nested deeper than the parser allows */
    LA_ELABELTYPE = -16, /* label is an object or array */
    LA_ECTRL = -17,     /* a string holds a raw control byte (below 0x20),
                           which JSON forbids */
    LA_ERECORD = -18,   /* CSV/TSV record malformed (field count, quote) */
    LA_ELABELVALUE = -19 /* label not of the layout's kind (not a number for
                            --label-threshold, not 0/1 in --label-columns) */
};

/* Static English message for an LA_E* code (or "unknown error"). */
const char *la_strerror(int err);

/* Short stable identifier used as the key in the summary's "rejects"
 * object, e.g. "invalid_json", "missing_text". */
const char *la_error_kind(int err);

/* ---- label classes and reason codes ------------------------------------ */

typedef enum la_class {
    LA_CLASS_UNKNOWN = 0, /* label missing from every table */
    LA_CLASS_TOXIC,
    LA_CLASS_NON_TOXIC,
    LA_CLASS_SPAM,
    LA_CLASS_HAM,
    LA_CLASS__COUNT
} la_class;

/* "toxic", "non_toxic", "spam", "ham" or NULL for LA_CLASS_UNKNOWN. */
const char *la_class_name(la_class c);

typedef enum la_task {
    LA_TASK_AUTO = 0,  /* per row, from the class of its label */
    LA_TASK_TOXICITY,
    LA_TASK_SPAM
} la_task;

/* Stable reason codes. The order is the order reasons are listed in a
 * queue row and in the summary; never renumber. */
typedef enum la_reason {
    LA_R_PROFANITY_ONLY = 0,
    LA_R_IDENTITY_ONLY,
    LA_R_NO_EVIDENCE,
    LA_R_MISSED_TOXICITY,
    LA_R_SPAM,
    LA_R_GIBBERISH,
    LA_R_EMPTY_TEXT,
    LA_R_DUPLICATE,
    LA_R_NEAR_DUPLICATE,
    LA_R_LABEL_CONFLICT,
    LA_R_LOW_AGREEMENT,
    LA_R_NOT_MAJORITY,
    LA_R_MODEL_DISAGREES,
    LA_R_OUTSIDE_SCORE,
    LA_R__COUNT
} la_reason;

/* "PROFANITY_ONLY", ... ; NULL when out of range. */
const char *la_reason_name(la_reason r);
/* Inverse of la_reason_name; -1 when unknown. */
int la_reason_parse(const char *name, size_t len);

/* ---- options ------------------------------------------------------------ */

typedef enum la_format {
    LA_FORMAT_JSONL = 0,
    LA_FORMAT_CSV,
    LA_FORMAT_LABEL_STUDIO,
    LA_FORMAT_ARGILLA,
    LA_FORMAT_PRODIGY
} la_format;

typedef enum la_tristate { LA_AUTO = 0, LA_ON, LA_OFF } la_tristate;

/* Plain configuration, built once (la_options_init then field writes) and
 * passed as const. String fields are borrowed and must outlive the auditor.
 * Comma lists are plain "a,b,c" strings. */
typedef struct la_options {
    /* input fields (dotted paths reach nested objects) */
    const char *text_path;        /* default "text" */
    const char *label_path;       /* default "label" */
    const char *label_columns;    /* comma list of 0/1 columns that replace
                                     the label (multi-label data), or NULL */
    const char *label_rule;       /* with label_columns: "any" (NULL, the
                                     default), "all", or a comma list of the
                                     columns any of which makes a row toxic */
    double label_threshold;       /* soft labels: the label is a number, toxic
                                     at or above this; < 0 (default): off */
    const char *id_path;          /* default "id"; absent -> line number */
    const char *annotations_path; /* default NULL: "annotations" if present */
    const char *annotators_path;  /* parallel rater ids; default "annotators" */
    const char *annotator_key;    /* object form key for the rater; "annotator" */
    const char *annotation_label_key; /* object form key for the label; "label" */
    const char *votes;            /* comma list of count columns, or NULL */
    const char *context_fields;   /* comma list of field paths passed through
                                     to the review formats as context for
                                     reviewers (e.g. "prev_turn"), or NULL */
    const char *vote_classes;     /* comma list mapping each column to a class
                                     name, or NULL to use the label table */
    const char *scores_path;      /* an outside probability per row, or NULL */
    int input_format;             /* 0: from each input's first bytes and name;
                                     else a value of la_input_format_parse */
    int many_inputs;              /* more than one input is read: queue rows
                                     carry "file", and a row without an id
                                     is keyed "FILE:LINE" */
    /* label vocabulary overrides (comma lists; NULL keeps the table) */
    const char *toxic_values, *clean_values, *spam_values, *ham_values;
    la_task task;

    /* resources */
    const char *lexicons_dir;     /* replaces the built-in lexicons */
    const char **lexicon_files;   /* NULL-terminated, added on top */
    const char *dict;             /* hunspell base path without .aff/.dic;
                                     NULL: search the system, warn if absent */

    /* execution */
    int threads;                  /* 0 = number of online cores */
    size_t max_line_bytes;        /* default 64 MiB */
    size_t read_chunk;            /* bytes per read, 0 = 1 MiB; tests make it
                                     tiny so lines cross chunk boundaries
                                     (tests/fuzz/fuzz_split.c) */
    const char *tmpdir;           /* folder for temporary files; NULL = $TMPDIR,
                                     else /tmp */
    size_t memory;                /* bytes of per-row state kept in memory for
                                     the end of the stream before it spills to
                                     temporary files; 0 = 1 GiB */

    /* sharded runs (la_shard.h, doc/shard-format.md) */
    const char *shard_path;       /* `labelaudit shard`: write the analyzed rows
                                     of part shard_part of shard_parts to this
                                     file instead of auditing; NULL: audit */
    int shard_part, shard_parts;  /* 1 <= shard_part <= shard_parts <=
                                     LA_SHARD_MAX_PARTS */

    /* detectors */
    int no_evidence;              /* emit NO_EVIDENCE (default 1, low score) */
    int near_dups;                /* default 1 */
    int dup_keep_urls, dup_keep_mentions, dup_keep_punct, dup_keep_emoji;
    int shingle_size;             /* word shingles; default 0 = automatic */
    int minhash_k;                /* number of hashes, default 64 */
    int lsh_bands;                /* default 16 */
    double near_threshold;        /* Jaccard, default 0.7 */
    double low_agreement;         /* majority share below this; default 0.6 */
    int ds_max_iter;              /* Dawid-Skene EM iterations, default 50 */
    la_tristate learn;            /* default auto */
    int folds;                    /* default 5 */
    int learn_min_per_class;      /* default 50 */
    uint64_t seed;                /* default 1 */

    /* queue */
    int sort;                     /* rank by score, ties in input order */
    long top;                     /* keep the K highest (0 = all) */
    double min_score;             /* keep rows scoring at least this; < 0
                                     (the default): P(wrong) > 0.5 */
    int removals;                 /* also queue rows to remove (spam, junk,
                                     duplicate copies) */
    int raw_findings;             /* queue the detectors' findings as they
                                     are, without the evidence model */
    const char *reasons;          /* comma list filter, or NULL */
    la_format format;

    /* reviewers' measurements */
    const char *calibration_path; /* la_calibration file from `apply`, or
                                     NULL: a prior for the evidence model */

    /* reports */
    const char *summary_path, *rejects_path, *report_path;
    const char *annotator_report_path;
    const char *command_line;     /* shown in the report, or NULL */
    int quiet;
    int progress;                 /* -1 auto (stderr is a tty), 0, 1 */
    int max_diagnostics;          /* per-line diagnostics before capping; 20 */
    int stage_times;              /* summary gets "stages" (time per stage) */
} la_options;

void la_options_init(la_options *o);

/* Checks every option's range and the fields that must not be empty (the
 * one place limits live; la_auditor_new calls it). Returns LA_OK, or
 * LA_EUSAGE with "--option: expected ..., got ..." in err. */
int la_options_check(const la_options *o, char *err, size_t errlen);

/* ---- results ------------------------------------------------------------ */

/* One evidence span. Strings are static or owned by the lexicon. */
typedef struct la_evidence {
    uint32_t start, end;   /* bytes into the original text, end exclusive */
    const char *kind;      /* "profanity", "url", "phone", ... */
    const char *category;  /* lexicon category or NULL */
    const char *severity;  /* "mild", "moderate", "strong" or NULL */
    const char *term;      /* canonical lexicon term or NULL */
} la_evidence;

#define LA_WHY_MAX 400

typedef struct la_finding {
    la_reason code;
    double score;              /* in [0,1] */
    la_class suggested;        /* LA_CLASS_UNKNOWN: no suggestion */
    char why[LA_WHY_MAX];      /* one readable sentence, NUL-terminated */
    uint16_t ev_first, nev;    /* slice of la_result.ev */
    double precision;          /* share of the rows with this kind of finding
                                  whose label the evidence model judges wrong
                                  on this dataset; < 0 when not estimated */
} la_finding;

#define LA_MAX_FINDINGS 16
#define LA_MAX_EVIDENCE 48

/* A flagged row as the writers serialize it (DESIGN.md section 4). */
typedef struct la_result {
    const char *id; size_t id_len;     /* the row's id as text */
    int id_is_number;                  /* serialize id without quotes */
    uint64_t line;                     /* 1-based line within its file */
    const char *file;                  /* input name ("-" for stdin) */
    int file_shown;                    /* more than one input is read: the
                                          queue row names its file */
    const char *label_json; size_t label_json_len; /* raw JSON of the label,
                                                      NULL when absent */
    la_class label_class;
    la_class suggested;                /* class group of the suggestion, or
                                          UNKNOWN */
    const char *suggested_json; size_t suggested_json_len; /* raw JSON of the
                                          suggested value of the dataset's own
                                          label column, NULL when none */
    int remove;                        /* the suggestion is to remove the row
                                          (spam, junk, a duplicate copy) */
    double score;                      /* probability that the given label is
                                          wrong (or that the row should be
                                          removed), in [0,1] */
    const char *text; size_t text_len; /* the original text value */
    const char *context_json; size_t context_json_len; /* with
                                          --context-fields: a JSON object of
                                          path -> the row's value (absent
                                          fields omitted), else NULL */

    int nfind; la_finding find[LA_MAX_FINDINGS];
    int nev; la_evidence ev[LA_MAX_EVIDENCE];

    struct {                           /* valid when has_cluster */
        int has_cluster;
        uint64_t id;                   /* cluster id: input order, from 1 */
        const char *of; size_t of_len; /* id of the cluster's first row */
        int of_is_number;
        la_class of_label;             /* that row's label class */
        double similarity;             /* 1.0 for exact duplicates */
    } cluster;
    struct {                           /* valid when n > 0 */
        int n;                         /* judgments */
        la_class majority;             /* UNKNOWN on a tie */
        double share;                  /* majority share */
        double entropy;                /* bits */
    } agreement;
    struct {                           /* valid when has_model */
        int has_model;
        double p_given, p_suggested;   /* out-of-fold probabilities */
    } model;
} la_result;

/* ---- the auditor ---------------------------------------------------------- */

typedef struct la_auditor la_auditor;

/* Called once per queue row, in final order. Return nonzero to stop. */
typedef int (*la_result_fn)(const la_result *r, void *ud);

/* Creates an auditor: loads lexicons and the dictionary, starts workers.
 * On failure returns NULL, writes a message into err and sets *status to
 * an exit status (2 usage, 3 lexicon/dictionary). */
la_auditor *la_auditor_new(const la_options *opt, la_result_fn fn, void *ud,
                           char *err, size_t errlen, int *status);

/* Audits every row of one stream. name is used in diagnostics. The
 * stream may be gzip or zstd compressed and JSON Lines, CSV, TSV or one
 * JSON array (opt->input_format, or decided from its first bytes and
 * name). Reads through fileno(in) (fread when in has no descriptor) and
 * returns within about 100 ms of la_auditor_interrupt, dropping an
 * unfinished last row. Returns LA_OK; LA_EIO when reading or decompressing
 * failed (the rows read so far count); LA_EUSAGE when the input is not in
 * the format asked for or in none that is read (a message naming what it
 * looks like is on stderr, and none of its rows was read). A plain JSON
 * Lines file's lines may be read again at la_auditor_finish (by name, at
 * their byte offsets) if the classifier flags them. */
int la_auditor_feed(la_auditor *a, const char *name, FILE *in);

/* Audits one line (without its newline) as line number lineno of name. */
int la_auditor_feed_line(la_auditor *a, const char *name, uint64_t lineno,
                         const char *line, size_t len);

/* `labelaudit merge`: replays the n shard files of one sharded run (any
 * order; parts 1..N of the same inputs, analyzed with the options this
 * auditor has) in global row order through the cross-row stages, as if
 * the inputs had been fed; then la_auditor_finish as usual gives the
 * single run's queue and summary. Returns LA_OK; LA_EUSAGE, after a
 * message, when the files are not the parts of one run or were analyzed
 * with other options; LA_EIO when one cannot be read or is damaged. */
int la_auditor_merge(la_auditor *a, const char *const *shards, size_t n);

/* Records that a named input could not be opened (counted in the summary). */
void la_auditor_note_unreadable(la_auditor *a, const char *name, int err_no);

/* Ends the stream: runs the end-of-stream stages (clusters, agreement
 * model, classifier), delivers buffered queue rows, writes --summary,
 * --report and --annotator-report files. Returns LA_OK or LA_EIO; or
 * LA_EUSAGE, writing nothing, when the first rows (ten objects, or all of
 * a shorter stream) lack the --text or --label field: a message on stderr
 * lists the fields they have. la_auditor_feed also returns LA_EUSAGE
 * once that is known, and reads no further. */
int la_auditor_finish(la_auditor *a);

/* Asks a running auditor to stop reading (async-signal-safe). */
void la_auditor_interrupt(la_auditor *a);

typedef struct la_stats {
    uint64_t rows_read, rows_audited, rows_rejected, rows_flagged;
    uint64_t bytes_read;
    uint64_t files_unreadable;
    double seconds;
    int interrupted;       /* reading stopped early: a signal, or the queue's
                              reader went away; the counts cover what was read */
    int queue_lost;        /* rows kept for the end of the stream could not be
                              written to or read from --tmpdir: the queue
                              delivered (if any) is not the answer, and the
                              caller should not keep it */
} la_stats;

const la_stats *la_auditor_stats(const la_auditor *a);

/* Writes the human summary (the stderr report). */
void la_auditor_print_summary(const la_auditor *a, FILE *out);

void la_auditor_free(la_auditor *a);

/* ---- writers ---------------------------------------------------------------- */

typedef struct la_writer la_writer;

/* A queue writer for one format on out (borrowed). */
la_writer *la_writer_new(la_format fmt, FILE *out);
/* Writes one row. Returns LA_OK or LA_EIO. */
int la_writer_write(la_writer *w, const la_result *r);
/* Writes any closing bytes (the JSON array end). Returns LA_OK or LA_EIO. */
int la_writer_finish(la_writer *w);
/* Writes a Label Studio labeling config (XML) that matches the rows
 * written so far: every evidence kind and label value they use, plus the
 * "remove" choice. Written to a temporary file and renamed, so path is
 * complete or untouched. Returns LA_OK or LA_EIO (errno holds the cause). */
int la_writer_ls_config(la_writer *w, const char *path);
void la_writer_free(la_writer *w);

/* Parses "jsonl", "csv", ...; -1 when unknown. */
int la_format_parse(const char *s);

/* ---- outputs ----------------------------------------------------------------
 * How every output file is written (src/output.c): safe to point anywhere.
 * "-" is stdout; /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N
 * are that descriptor; a FIFO, character device or socket is written in
 * place; a regular file (new or existing, through any symlinks, which
 * stay) is replaced atomically at la_output_commit from a temporary file
 * created exclusively beside it; a directory or block device is an error. */

typedef struct la_output la_output;

/* Opens path for writing as above. Returns NULL and writes "PATH: why"
 * into err when it cannot be created (the target is then untouched). */
la_output *la_output_open(const char *path, char *err, size_t errlen);
/* The stream to write to (borrowed; valid until commit or free). */
FILE *la_output_stream(const la_output *o);
/* Flushes and closes the output (stdout is flushed only) and, for a
 * replaced file, renames the temporary file over the target. Frees o in
 * every case. Returns LA_OK, or LA_EIO with "PATH: why" in err, the
 * temporary file removed and the target as it was. */
int la_output_commit(la_output *o, char *err, size_t errlen);
/* Abandons an uncommitted output: closes it and removes its temporary
 * file, leaving the target as it was. Accepts NULL. */
void la_output_free(la_output *o);

/* Checks a run's outputs before anything is read: outputs[i] (NULL:
 * absent; "-": stdout) is the output of the option named what[i]; inputs
 * are the m names the run reads ("-": stdin). Refuses an empty name, more
 * than one output on stdout, two outputs that are the same file, and an
 * output that is one of the inputs (by device and inode, so "f >> f" is
 * seen too). Returns LA_OK, or LA_EUSAGE with the reason in err. */
int la_outputs_check(const char *const *outputs, const char *const *what, size_t n,
                     const char *const *inputs, size_t m, char *err, size_t errlen);
/* ---- applying reviewed decisions ------------------------------------------------ */

/* `labelaudit apply`: reviewed decisions (a filled-in CSV queue, a Label
 * Studio JSON export, Argilla records with responses, Prodigy db-out)
 * written back into the dataset. String fields are borrowed. */
typedef struct la_apply_options {
    const char *dataset;          /* the JSON Lines file the queue came from */
    const char *decisions;        /* the reviewed decisions */
    const char *decisions_format; /* NULL or "auto": from the content; else
                                     csv, label-studio, argilla, prodigy */
    const char *output;           /* corrected dataset; NULL with in_place */
    int in_place;                 /* replace the dataset (atomically) */
    int force;                    /* let output replace an existing file */
    const char *log_path;         /* change log (JSON Lines), or NULL */
    const char *calibration_path; /* precision table (JSON), or NULL */
    const char *id_path, *label_path; /* as in la_options */
    const char *labeler_path;     /* field naming who labeled the row, or NULL */
    const char *annotations_path, *annotators_path; /* per-annotator labels */
    const char *annotator_key, *annotation_label_key;
    int quiet;                    /* no report on out */
} la_apply_options;

void la_apply_options_init(la_apply_options *o);

/* Applies the decisions: reads the dataset twice (first to check every
 * decision against its ids and label values, then to write), so either
 * every output is written completely (each through a temporary file and a
 * rename) or none is touched. Prints the counts and the calibration table
 * on out; diagnostics ("labelaudit: FILE:LINE: ...") on stderr. Returns
 * an exit status: 0 applied, 1 the decisions are invalid (nothing
 * written), 2 usage error, 4 read or write error. */
int la_apply_run(const la_apply_options *o, FILE *out);

/* The audit's precision as reviewers measured it (written by apply with
 * --calibration FILE). */
typedef struct la_calibration la_calibration;

/* Reads a calibration file. NULL on error, with "FILE[:LINE]: why" in err. */
la_calibration *la_calibration_load(const char *path, char *err, size_t errlen);
/* Share of the reviewed rows with reason r that reviewers confirmed
 * (relabeled or removed); -1 when none was reviewed. *reviewed, when not
 * NULL, receives the number of rows behind it. */
double la_calibration_precision(const la_calibration *c, la_reason r, long *reviewed);
/* The same for the score band (tenths of [0,1]) that score falls in. */
double la_calibration_band_precision(const la_calibration *c, double score, long *reviewed);
void la_calibration_free(la_calibration *c);

/* ---- comparing two audits ------------------------------------------------------------ */

/* `labelaudit diff`: compares two --summary files (before and after a
 * review) and prints the table on out; with html_path also writes it as
 * an HTML page (atomically). Returns an exit status: 0, 2 when a summary
 * cannot be read (a FILE:LINE message on stderr), 4 when the page cannot
 * be written. */
int la_diff_run(const char *before, const char *after, const char *html_path, FILE *out);
/* Parses an --input-format value: "jsonl" (or "ndjson"), "csv", "tsv",
 * "json" (one array of objects) or "auto" (0); -1 when unknown. */
int la_input_format_parse(const char *s);

/* ---- explain --------------------------------------------------------------- */

typedef struct la_explainer la_explainer;

/* Loads lexicons and dictionary per opt (same errors as la_auditor_new). */
la_explainer *la_explainer_new(const la_options *opt, char *err, size_t errlen,
                               int *status);
/* Writes the explanation of one text, human-readable or as one JSON line. */
int la_explainer_write(la_explainer *e, const char *text, size_t len, int json,
                       FILE *out);
void la_explainer_free(la_explainer *e);

/* Versions of the linked libraries, for --version. */
const char *la_utf8proc_version(void);
const char *la_cjson_version(void);

#ifdef __cplusplus
}
#endif
#endif
