/*
 * auditor.c - the streaming pipeline behind la_auditor.
 *
 * The main thread reads input into batches (at most BATCH_LINES lines or
 * BATCH_BYTES bytes, never spanning two files) held in a ring of slots.
 * Worker threads take filled slots and run the per-row analysis, which is
 * a pure function of (line, read-only lexicon/dictionary/options): parse,
 * normalize/tokenize/match, annotations, detectors, duplicate signature,
 * classifier features. The main thread consumes finished slots strictly
 * in input order (slot sequence numbers) and runs the cross-row stages,
 * which own all shared state: duplicates, agreement, classifier rows,
 * summary counters, rejects, and the queue. Output is therefore
 * byte-identical for every thread count. With one thread (-j1) the main
 * thread analyzes each batch itself and no worker is started.
 *
 * Slot states: FREE -> RESERVED (main fills it) -> FILLED (submitted) ->
 * WORKING (a worker) -> DONE (worker) -> consumed and FREE again (main).
 * One mutex guards the states;
 * two condition variables wake workers (work) and the main thread (done).
 *
 * Every audited row waits for the end of the stream, where the evidence
 * model decides which are queued: each is kept as one record in a spill
 * log (items, src/spill.c), 4 + 64 bytes, plus a body (id, label, text,
 * findings with their `why` at its real length, evidence, cluster) for a
 * row with findings or one whose line cannot be read again. The log holds
 * records in memory until the --memory budget is passed and then in a
 * temporary file; la_auditor_finish reads it back in one sequential pass.
 * The rows it queues are written again, in their final form, to a second
 * log (queued), read in input order or, with --sort/--top, by offset after
 * sorting 24-byte (score, index, offset) entries: that array is the only
 * per-row memory of the queue, and only per queued row.
 *
 * What the end of the stream decides lives in the stages' own modules:
 * clusters (la_dedup), the annotator model (la_agree), the classifier
 * (la_learn), the evidence model (la_evmodel) and the verdict policy
 * (la_verdict); this file calls them and delivers the queue. A sharded
 * run (la_shard.h) splits it at the consumer: `shard` writes the rows of
 * its part instead of consuming them (shard_row), and la_auditor_merge
 * feeds every shard's rows back to consume_row in global row order, so a
 * merge runs exactly the code of a single run.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "la_agree.h"
#include "la_dedup.h"
#include "la_input.h"
#include "la_detect.h"
#include "la_evmodel.h"
#include "la_labels.h"
#include "la_lexdata.h"
#include "la_learn.h"
#include "la_record.h"
#include "la_report.h"
#include "la_shard.h"
#include "la_spill.h"
#include "la_summary.h"
#include "la_verdict.h"

#define BATCH_LINES 1024
#define BATCH_BYTES (1u << 20)
#define READ_CHUNK (1u << 20)
/* How long a read waits for a silent pipe before looking at the interrupt
 * flag again: the latency of SIGINT/SIGTERM on a stalled producer
 * (tests/cases/rel-sigterm-summary.case). */
#define POLL_MS 100
#define REPORT_TOP 100
/* A row longer than this is analyzed by one thread at a time, and the
 * buffers it grew (the worker's text analysis and scratch, the slot's
 * line buffer) are released afterwards: real rows are a few KB, so rows
 * this long are rare and serializing them costs no throughput, while
 * without it peak memory is the longest row times the thread count
 * (tests/cases/rel-long-rows-memory.case). Four batches' worth. */
#define BIG_ROW_BYTES (4u * BATCH_BYTES)
/* Seed of the hash that verifies a line read again (any fixed value). */
#define REREAD_SEED 0x6c61726572656164ULL

enum { SLOT_FREE = 0, SLOT_RESERVED, SLOT_FILLED, SLOT_WORKING, SLOT_DONE };

/* Where a batch line came from when it is not simply an input line: a
 * CSV record converted to a JSON object, or a record the splitter
 * already rejected (then the line holds the reason). */
typedef struct line_src {
    size_t off, len;             /* the record's own bytes in data */
    int has;                     /* off/len are set */
    int pre;                     /* LA_OK, or the LA_E* that rejects it */
    size_t pre_byte;             /* for LA_EUTF8/LA_ENUL: offset into them */
} line_src;

typedef struct batch {
    la_buf data;                 /* raw lines, back to back */
    size_t *off, *len;           /* per line, into data */
    uint64_t *lineno;
    uint64_t *fileoff;           /* per line, byte offset in its file */
    line_src *src;               /* per line, the record behind it */
    size_t n, cap;
    int file;                    /* index into la_auditor.files */
    uint64_t first_index;
    la_row *rows; size_t rows_cap;
    size_t stale;                /* rows whose parsed JSON is still to free */
    la_arena arena;
    int state;
    uint64_t seq;
} batch;

/* Where the time goes (the summary's "stages" object with --stage-times,
 * printed by `make bench`; the counters always run, the report is asked
 * for because its numbers differ from run to run). A per-row stage is timed on one row in STAGE_SAMPLE (rows whose
 * input index is a multiple of it), by the thread that analyzes the row,
 * and the mean over those rows stands for every row: a clock read costs
 * about 20 ns, so timing every row's eight stages would add some 300 ns
 * per row, while one row in 16 adds under 20 ns averaged, cheap enough to
 * stay always on. The consumer is timed per batch, output per delivered
 * row and the end-of-stream stages once; those are exact. */
#define STAGE_SAMPLE 16

enum {
    ST_PARSE = 0,    /* JSON, fields, label, annotations */
    ST_NORMALIZE,
    ST_TOKMATCH,     /* tokenize and lexicon match */
    ST_CONTEXT,      /* toxicity context rules */
    ST_SPAMJUNK,
    ST_SIGNATURE,    /* duplicate keys and MinHash */
    ST_FEATURES,     /* classifier features and term ids */
    ST__ROW,         /* the stages above are per row, sampled */
    ST_CONSUMER = ST__ROW, /* ordered stage, output excluded */
    ST_OUTPUT,       /* the queue callback (formatting, writing) */
    ST_AGREE_END,    /* annotator model at the end of the stream */
    ST_LEARN_END,    /* classifier training and confident learning */
    ST_EVIDENCE_END, /* the evidence model */
    ST_QUEUE_END,    /* buffered rows settled at the end, output excluded */
    ST_STARTUP,      /* lexicons, dictionary and threads (la_auditor_new) */
    ST__COUNT
};

static const char *const stage_names[ST__COUNT] = {
    "parse", "normalize", "tokenize_match", "context", "spam_junk",
    "signature", "features", "consumer", "output", "agreement_end",
    "classifier_end", "evidence_end", "queue_end", "startup"
};

typedef struct stage_clock {
    uint64_t ns[ST__COUNT];
    uint64_t sampled;          /* rows whose per-row stages were timed */
} stage_clock;

static uint64_t clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Charges the time since *t to stage st when timing (t != NULL). */
static void lap(stage_clock *c, int st, uint64_t *t)
{
    if (!t) return;
    uint64_t now = clock_ns();
    c->ns[st] += now - *t;
    *t = now;
}

typedef struct worker {
    la_auditor *a;
    pthread_t th;
    la_text text;
    la_dict_cache *cache;
    la_buf scratch;
    stage_clock clk;           /* this thread's sampled per-row stages */
} worker;

/* The strings and findings of a kept row, decoded from its record (the
 * strings point into the record; find and ev into the decoder's arrays). */
typedef struct item_body {
    const char *id, *label_json, *text, *context_json;
    uint32_t id_len, label_json_len, context_json_len;
    size_t text_len;
    uint8_t id_is_number, nfind, nev;
    la_finding *find;
    la_evidence *ev;
    struct { uint64_t id; const char *of; uint32_t of_len; uint8_t of_is_number, of_label, has; float sim; } cl;
    struct { uint8_t has; float p_given, p_suggested; } model;
} item_body;

/* How a body is stored after its item: this head, then the id, label,
 * text, context and cluster-of bytes, then per finding a find_head and
 * its `why` (strlen bytes, not LA_WHY_MAX), then the evidence structs
 * (their strings are static or the lexicon's, which outlives the log). */
typedef struct body_head {
    uint64_t text_len, cl_id;
    uint32_t id_len, label_json_len, context_json_len, cl_of_len;
    float cl_sim, p_given, p_suggested;
    uint8_t id_is_number, nfind, nev, has_label, has_context;
    uint8_t cl_has, cl_of_is_number, cl_of_label, model_has;
} body_head;

typedef struct find_head {
    double score, precision;
    int32_t code, suggested;
    uint16_t ev_first, nev, why_len;
} find_head;

/* One decoded body and the arrays it points into. */
typedef struct body_decoder {
    item_body body;
    la_finding find[LA_MAX_FINDINGS];
    la_evidence ev[LA_MAX_EVIDENCE];
    la_buf rec;                /* a record read by offset */
} body_decoder;

/* A queued row with --sort/--top: where its final record is. */
typedef struct queued_item {
    float score;
    uint64_t index, off;
} queued_item;

/* A row kept until the end of the stream (64 bytes, stored as a record
 * [uint32 length][item][body]). A row that
 * no heuristic flagged, read from a regular file, keeps no body: if the
 * classifier flags it, its line is read again from the file at its byte
 * offset, so memory for the classifier does not hold the whole dataset.
 * Its length and hash are kept to verify that the bytes read again are
 * the bytes audited (tests/cases/rel-reread-changed.case). While a
 * record is read, body points to the decoder; stored, it is NULL. */
typedef struct item {
    uint64_t index, line;
    uint64_t off;              /* byte offset of the raw line in its file */
    uint64_t raw_hash;         /* la_hash64 of the raw line, when no body */
    uint32_t raw_len;
    uint32_t file;             /* index into la_auditor.files */
    uint8_t label_class;
    uint8_t ag_majority;
    uint16_t ag_n;
    float score, ag_share, ag_entropy;
    uint8_t verdict;           /* 1 label likely wrong, 2 remove the row */
    int8_t suggested;          /* suggested value (evidence model), or -1 */
    item_body *body;           /* NULL: read the line again */
} item;

/* What the summary says of each input. */
typedef struct file_count {
    uint64_t read, audited, rejected;
    int format;                  /* la_input_format, once known */
    int comp;                    /* la_compression */
} file_count;

/* A rejected row held while the first rows decide whether --text and
 * --label name fields the data has (copies: the batch is recycled). */
typedef struct held_row {
    char *bytes; size_t len;     /* what --rejects gets */
    uint64_t line;
    const char *file;            /* la_auditor.files entry */
    int status;
    size_t err_byte;
    char detail[96];
} held_row;

/* The first rows decide whether --text and --label name fields the data
 * has. Until a row has both, rows that lack one are held, not rejected;
 * when PROBE_ROWS objects lack a field, or the stream ends first, the
 * field names are wrong and the run is a usage error that lists the
 * fields found, instead of a rejection per row. Ten rows: enough that a
 * few malformed rows at the top of a good file do not trip it, few
 * enough that the answer comes at once (tests/cases/input-field-*.case). */
#define PROBE_ROWS 10

typedef struct probe {
    int open;                    /* still deciding */
    int objects;                 /* rows that parsed as objects */
    int text_seen, label_seen;   /* some row had the field */
    held_row held[PROBE_ROWS * 4];
    int nheld;
    la_buf fields;               /* top-level keys of the first object */
} probe;

struct la_auditor {
    la_options opt;
    la_result_fn fn;
    void *ud;
    la_lexicon *lex;
    la_dict *dict;
    la_labelmap *labels;
    char **files; size_t nfiles, files_cap;
    file_count *counts;        /* per file, for the summary */
    size_t last_file;          /* index of the file of the last row counted */
    unsigned char *seekable;   /* per file: lines can be read again */
    FILE *reread_fp; uint32_t reread_file;
    uint32_t reread_bad;       /* 1 + the file last reported as changed */
    int reread_changed;        /* some line read again was not as audited */

    int nthreads;
    batch *slots;
    int nslots;
    uint64_t seq_next, seq_consume;
    batch *filling;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    pthread_mutex_t big_row;     /* held while a BIG_ROW_BYTES row is analyzed */
    worker *workers;             /* nthreads entries when threaded */
    worker self;                 /* the main thread's scratch */
    int shutdown;
    volatile sig_atomic_t interrupted;
    int read_cut;                /* an interrupt stopped a feed before its end
                                    of input (one after it changes nothing) */

    la_dedup *dedup;
    la_agree *agree;
    la_learn *learn;
    la_evmodel *ev;
    la_summary *sum;
    la_stats st;
    uint64_t next_index;
    uint64_t diagnostics;
    int stopped;                 /* the callback asked to stop */
    int failed_io;

    FILE *rejects;               /* the stream of rejects_out, or NULL */
    la_output *rejects_out, *summary_out, *report_out, *annot_out;

    int keep_all;                /* keep every row (classifier) */
    la_spill_store *spill;       /* --memory, --tmpdir: where kept state goes */
    la_spill *items;             /* kept rows, one record each */
    la_spill *queued;            /* rows the end of the stream queued */
    queued_item *qitems; size_t nqueued, qcap;   /* --sort/--top only */
    la_buf rec;                  /* the record being written */
    body_decoder dec;            /* the record being read */
    int spill_said;              /* the spill error was reported */
    unsigned char reason_keep[LA_R__COUNT];
    int reason_filter;

    probe probe;                 /* do --text and --label name real fields */
    int field_error;             /* they do not: a usage error, stop */

    /* `labelaudit shard`: rows of this part go to a shard file, and
     * nothing cross-row runs here (see la_shard.h) */
    la_shard_writer *shard;
    la_output *shard_out;
    uint64_t blank_lines;        /* blank lines read, for the shard trailer */
    la_shard_strings *strings;   /* `labelaudit merge`: evidence strings */

    la_result *top[REPORT_TOP];  /* for --report: highest scores */
    int ntop;

    struct timespec t0;
    stage_clock clk;             /* consumer, output, end of stream */
};

static double now_seconds(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

void la_options_init(la_options *o)
{
    memset(o, 0, sizeof *o);
    o->text_path = "text";
    o->label_path = "label";
    o->label_threshold = -1;
    o->id_path = "id";
    o->annotators_path = "annotators";
    o->annotator_key = "annotator";
    o->annotation_label_key = "label";
    o->max_line_bytes = 64u << 20;
    o->no_evidence = 1;
    o->near_dups = 1;
    o->minhash_k = 64;
    o->lsh_bands = 16;
    o->near_threshold = 0.7;
    o->low_agreement = 0.6;
    o->ds_max_iter = 50;
    o->learn = LA_AUTO;
    o->folds = 5;
    o->learn_min_per_class = 50;
    o->seed = 1;
    /* The queue keeps rows whose label is more likely wrong than right
     * (P(wrong) > 0.5, see likely_wrong); --min-score sets another bar. */
    o->min_score = -1;
    o->progress = -1;
    o->max_diagnostics = 20;
}

/* ---- per-row analysis (worker threads) ------------------------------------ */

static void collect_terms(const la_detect_ctx *c, la_row *row)
{
    const la_text *t = c->text;
    if (!t->nm) return;
    uint32_t *ids = la_arena_alloc(c->arena, t->nm * sizeof *ids);
    uint32_t n = 0;
    for (size_t i = 0; i < t->nm; i++) {
        const la_term *term = t->m[i].term;
        switch (term->kind) {
        case LA_KIND_PROFANITY: case LA_KIND_SLUR: case LA_KIND_INSULT:
        case LA_KIND_THREAT: case LA_KIND_DEHUMANIZING: case LA_KIND_IDENTITY:
        case LA_KIND_SPAM_PHRASE:
            break;
        default:
            continue;
        }
        int dup = 0;
        for (uint32_t k = 0; k < n && !dup; k++) dup = ids[k] == term->id;
        if (!dup) ids[n++] = term->id;
    }
    row->terms = ids;
    row->nterms = n;
}

/* --scores: the row's outside probability, or -1 when absent or not a
 * number in [0,1] (a string holding one counts: CSV exports write them
 * so). */
static float outside_score(const la_options *opt, const cJSON *json)
{
    if (!opt->scores_path || !json) return -1;
    const cJSON *v = la_record_path(json, opt->scores_path);
    double x;
    if (cJSON_IsNumber(v)) x = v->valuedouble;
    else if (cJSON_IsString(v) && v->valuestring) {
        char *end;
        x = strtod(v->valuestring, &end);
        if (end == v->valuestring || *end) return -1;
    } else return -1;
    return x >= 0 && x <= 1 ? (float)x : -1;
}

static void analyze_row(la_auditor *a, worker *w, batch *b, la_row *row)
{
    uint64_t now, *t = NULL;
    if (row->index % STAGE_SAMPLE == 0) {
        now = clock_ns();
        t = &now;
        w->clk.sampled++;
    }
    stage_clock *k = &w->clk;
    int st = la_record_parse(row, &a->opt, a->labels, &b->arena);
    if (st == LA_OK) {
        if (la_annot_parse(&a->opt, a->labels, row->json, row, &b->arena) != LA_OK)
            row->annot_error = LA_EANNOT;
        row->outside_score = outside_score(&a->opt, row->json);
    }
    lap(k, ST_PARSE, t);
    if (st != LA_OK) return;
    la_detect_ctx c = {
        .opt = &a->opt, .lex = a->lex, .dict = a->dict, .cache = w->cache,
        .labels = a->labels, .text = &w->text, .arena = &b->arena,
        .scratch = &w->scratch,
    };
    la_text_normalize(&w->text, row->r.text, row->r.text_len);
    lap(k, ST_NORMALIZE, t);
    la_text_tokenize(&w->text);
    la_text_match(&w->text, a->lex, a->dict, w->cache);
    lap(k, ST_TOKMATCH, t);
    la_detect_junk(&c, row);
    la_detect_spam(&c, row);
    lap(k, ST_SPAMJUNK, t);
    la_detect_toxicity(&c, row);
    lap(k, ST_CONTEXT, t);
    la_record_label_findings(row, &a->opt);
    la_dedup_signature(&c, row);
    lap(k, ST_SIGNATURE, t);
    if (a->keep_all) la_learn_features(&c, row);
    collect_terms(&c, row);
    lap(k, ST_FEATURES, t);
}

/* Frees the parsed JSON of the rows this slot held last time. Done by the
 * thread that analyzes the slot next, not by the consumer, which is the
 * pipeline's one serial stage. */
static void free_stale(batch *b)
{
    for (size_t i = 0; i < b->stale; i++)
        if (b->rows[i].json) cJSON_Delete(b->rows[i].json);
    b->stale = 0;
}

/* A row of another part of a sharded run: not analyzed here. */
#define ROW_NOT_MINE 1

/* Whether the row with this global index is analyzed by this process
 * (every row, except in `labelaudit shard`). */
static int mine(const la_auditor *a, uint64_t index)
{
    return !a->opt.shard_parts ||
           index % (uint64_t)a->opt.shard_parts == (uint64_t)(a->opt.shard_part - 1);
}

static void analyze_batch(la_auditor *a, worker *w, batch *b)
{
    free_stale(b);
    LA_GROW(b->rows, b->rows_cap, b->n);
    for (size_t i = 0; i < b->n; i++) {
        la_row *row = &b->rows[i];
        memset(row, 0, sizeof *row);
        row->raw = b->data.p + b->off[i];
        row->raw_len = b->len[i];
        row->index = b->first_index + i;
        row->r.line = b->lineno[i];
        row->file_off = b->fileoff[i];
        row->r.file = a->files[b->file];
        if (!mine(a, row->index)) {
            row->status = ROW_NOT_MINE;
            continue;
        }
        const line_src *ls = &b->src[i];
        if (ls->has) {
            row->src = b->data.p + ls->off;
            row->src_len = ls->len;
        }
        if (ls->pre != LA_OK) {
            row->status = ls->pre;
            row->err_byte = ls->pre_byte;
            if (ls->pre != LA_EUTF8 && ls->pre != LA_ENUL)
                snprintf(row->err_detail, sizeof row->err_detail, "%.*s",
                         (int)(row->raw_len < sizeof row->err_detail ? row->raw_len
                               : sizeof row->err_detail - 1), row->raw);
            continue;
        }
        if (row->raw_len <= BIG_ROW_BYTES) {
            analyze_row(a, w, b, row);
            continue;
        }
        pthread_mutex_lock(&a->big_row);
        analyze_row(a, w, b, row);
        la_text_free(&w->text);          /* give back what this row grew */
        la_text_init(&w->text);
        la_buf_free(&w->scratch);
        pthread_mutex_unlock(&a->big_row);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    la_auditor *a = w->a;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        batch *pick = NULL;
        while (!a->shutdown) {
            /* the oldest filled slot first, so the consumer never starves */
            for (int i = 0; i < a->nslots; i++) {
                batch *b = &a->slots[i];
                if (b->state == SLOT_FILLED && (!pick || b->seq < pick->seq)) pick = b;
            }
            if (pick) break;
            pthread_cond_wait(&a->cv_work, &a->mu);
        }
        if (!pick) break;
        pick->state = SLOT_WORKING;
        pthread_mutex_unlock(&a->mu);
        analyze_batch(a, w, pick);
        pthread_mutex_lock(&a->mu);
        pick->state = SLOT_DONE;
        pthread_cond_broadcast(&a->cv_done);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void worker_init(worker *w, la_auditor *a)
{
    w->a = a;
    la_text_init(&w->text);
    w->cache = la_dict_cache_new();
    la_buf_init(&w->scratch);
}

static void worker_fini(worker *w)
{
    la_text_free(&w->text);
    la_dict_cache_free(w->cache);
    la_buf_free(&w->scratch);
}

/* ---- the queue --------------------------------------------------------------- */

/* Fills r from a kept row's body (strings borrowed from the item arena). */
static void result_from_body(la_auditor *a, const item *it, const item_body *b, la_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = b->id; r->id_len = b->id_len; r->id_is_number = b->id_is_number;
    r->line = it->line;
    r->file = a->files[it->file];
    r->label_json = b->label_json; r->label_json_len = b->label_json_len;
    r->label_class = (la_class)it->label_class;
    r->text = b->text; r->text_len = b->text_len;
    r->context_json = b->context_json; r->context_json_len = b->context_json_len;
    r->nfind = b->nfind;
    if (b->nfind) memcpy(r->find, b->find, b->nfind * sizeof *r->find);
    r->nev = b->nev;
    if (b->nev) memcpy(r->ev, b->ev, b->nev * sizeof *r->ev);
    if (b->cl.has) {
        r->cluster.has_cluster = 1;
        r->cluster.id = b->cl.id;
        r->cluster.of = b->cl.of; r->cluster.of_len = b->cl.of_len;
        r->cluster.of_is_number = b->cl.of_is_number;
        r->cluster.of_label = (la_class)b->cl.of_label;
        r->cluster.similarity = b->cl.sim;
    }
    r->model.has_model = b->model.has;
    r->model.p_given = b->model.p_given;
    r->model.p_suggested = b->model.p_suggested;
    r->agreement.n = it->ag_n;
    r->agreement.majority = (la_class)it->ag_majority;
    r->agreement.share = it->ag_share;
    r->agreement.entropy = it->ag_entropy;
    la_result_settle(r);
}

/* Appends r's body (strings, findings, evidence, cluster, model
 * figures) to b in the stored form (body_head). */
static void put_body(la_buf *b, const la_result *r)
{
    body_head h;
    memset(&h, 0, sizeof h);
    h.text_len = r->text_len;
    h.id_len = (uint32_t)r->id_len;
    h.id_is_number = (uint8_t)r->id_is_number;
    h.has_label = r->label_json != NULL;
    h.label_json_len = r->label_json ? (uint32_t)r->label_json_len : 0;
    h.has_context = r->context_json != NULL;
    h.context_json_len = r->context_json ? (uint32_t)r->context_json_len : 0;
    h.nfind = (uint8_t)r->nfind;
    h.nev = (uint8_t)r->nev;
    if (r->cluster.has_cluster) {
        h.cl_has = 1;
        h.cl_id = r->cluster.id;
        h.cl_of_len = (uint32_t)r->cluster.of_len;
        h.cl_of_is_number = (uint8_t)r->cluster.of_is_number;
        h.cl_of_label = (uint8_t)r->cluster.of_label;
        h.cl_sim = (float)r->cluster.similarity;
    }
    h.model_has = (uint8_t)r->model.has_model;
    h.p_given = (float)r->model.p_given;
    h.p_suggested = (float)r->model.p_suggested;
    la_buf_add(b, &h, sizeof h);
    la_buf_add(b, r->id, h.id_len);
    if (h.has_label) la_buf_add(b, r->label_json, h.label_json_len);
    la_buf_add(b, r->text, h.text_len);
    if (h.has_context) la_buf_add(b, r->context_json, h.context_json_len);
    if (h.cl_has) la_buf_add(b, r->cluster.of, h.cl_of_len);
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        find_head fh;
        memset(&fh, 0, sizeof fh);   /* its padding goes to the log too */
        fh.score = f->score;
        fh.precision = f->precision;
        fh.code = (int32_t)f->code;
        fh.suggested = (int32_t)f->suggested;
        fh.ev_first = f->ev_first;
        fh.nev = f->nev;
        size_t n = strnlen(f->why, sizeof f->why - 1);
        fh.why_len = (uint16_t)n;
        la_buf_add(b, &fh, sizeof fh);
        la_buf_add(b, f->why, n);
    }
    if (r->nev) la_buf_add(b, r->ev, (size_t)r->nev * sizeof *r->ev);
}

/* Decodes the body stored at p into d->body (strings borrowed from p). */
static item_body *get_body(body_decoder *d, const char *p)
{
    body_head h;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    item_body *b = &d->body;
    memset(b, 0, sizeof *b);
    b->id = p; b->id_len = h.id_len; p += h.id_len;
    b->id_is_number = h.id_is_number;
    if (h.has_label) { b->label_json = p; b->label_json_len = h.label_json_len; p += h.label_json_len; }
    b->text = p; b->text_len = (size_t)h.text_len; p += h.text_len;
    if (h.has_context) {
        b->context_json = p; b->context_json_len = h.context_json_len; p += h.context_json_len;
    }
    if (h.cl_has) {
        b->cl.has = 1;
        b->cl.id = h.cl_id;
        b->cl.of = p; b->cl.of_len = h.cl_of_len; p += h.cl_of_len;
        b->cl.of_is_number = h.cl_of_is_number;
        b->cl.of_label = h.cl_of_label;
        b->cl.sim = h.cl_sim;
    }
    b->nfind = h.nfind;
    b->find = d->find;
    for (int i = 0; i < h.nfind; i++) {
        find_head fh;
        memcpy(&fh, p, sizeof fh);
        p += sizeof fh;
        la_finding *f = &d->find[i];
        f->code = (la_reason)fh.code;
        f->score = fh.score;
        f->precision = fh.precision;
        f->suggested = (la_class)fh.suggested;
        f->ev_first = fh.ev_first;
        f->nev = fh.nev;
        memcpy(f->why, p, fh.why_len);
        f->why[fh.why_len] = '\0';
        p += fh.why_len;
    }
    b->nev = h.nev;
    b->ev = d->ev;
    if (h.nev) memcpy(d->ev, p, (size_t)h.nev * sizeof *d->ev);
    b->model.has = h.model_has;
    b->model.p_given = h.p_given;
    b->model.p_suggested = h.p_suggested;
    return b;
}

/* Says the first spill error once; returns 1 when there is one. */
static int spill_failed(la_auditor *a)
{
    const char *e = la_spill_store_error(a->spill);
    if (!e) return 0;
    if (!a->spill_said) fprintf(stderr, "labelaudit: %s\n", e);
    a->spill_said = 1;
    a->stopped = 1;
    return 1;
}

/* Appends it (and r's body when r is not NULL) to log s as one record;
 * *off gets its offset. A failed write stops the run (status 4). */
static void put_item(la_auditor *a, la_spill *s, const item *it, const la_result *r,
                     uint64_t *off)
{
    la_buf *b = &a->rec;
    item head;
    memcpy(&head, it, sizeof head);   /* padding and all: the bytes go to the log */
    head.body = NULL;
    la_buf_reset(b);
    uint32_t len = 0;
    la_buf_add(b, &len, sizeof len);
    la_buf_add(b, &head, sizeof head);
    if (r) put_body(b, r);
    len = (uint32_t)(b->len - sizeof len);
    memcpy(b->p, &len, sizeof len);
    if (la_spill_append(s, b->p, b->len, off) != LA_OK) spill_failed(a);
}

/* Decodes a record of len bytes at p into *it (body in a->dec). */
static void get_item(la_auditor *a, const char *p, uint32_t len, item *it)
{
    memcpy(it, p, sizeof *it);
    it->body = len > sizeof *it ? get_body(&a->dec, p + sizeof *it) : NULL;
}

/* The next record of a pass over a log: 1 and *it, or 0 at the end. */
static int next_item(la_auditor *a, la_spill_cursor *c, item *it)
{
    uint32_t len;
    const void *p = la_spill_cursor_next(c, sizeof len);
    if (!p) return 0;
    memcpy(&len, p, sizeof len);
    if (!(p = la_spill_cursor_next(c, len))) return 0;
    get_item(a, p, len, it);
    return 1;
}

/* The record at off of log s into *it. */
static int read_item(la_auditor *a, la_spill *s, uint64_t off, item *it)
{
    uint32_t len;
    if (la_spill_read(s, off, &len, sizeof len) != LA_OK) return 0;
    la_buf_reset(&a->dec.rec);
    la_buf_reserve(&a->dec.rec, len);
    if (la_spill_read(s, off + sizeof len, a->dec.rec.p, len) != LA_OK) return 0;
    get_item(a, a->dec.rec.p, len, it);
    return 1;
}

static void keep_item(la_auditor *a, const la_row *row, int flagged)
{
    const la_result *r = &row->r;
    item x, *it = &x;
    memset(it, 0, sizeof *it);
    it->index = row->index;
    it->line = r->line;
    it->off = row->file_off;
    it->raw_len = row->raw_len > UINT32_MAX ? UINT32_MAX : (uint32_t)row->raw_len;
    for (size_t f = a->nfiles; f-- > 0;)
        if (a->files[f] == r->file) { it->file = (uint32_t)f; break; }
    it->label_class = (uint8_t)r->label_class;
    it->score = (float)r->score;
    it->ag_n = (uint16_t)(r->agreement.n > 0xffff ? 0xffff : r->agreement.n);
    it->ag_majority = (uint8_t)r->agreement.majority;
    it->ag_share = (float)r->agreement.share;
    it->ag_entropy = (float)r->agreement.entropy;
    /* a row with findings keeps them (their evidence spans cannot be
     * rebuilt from the line alone); any other row is read again if the
     * evidence model queues it */
    int body = flagged || !a->seekable[it->file] || row->raw_len > UINT32_MAX;
    if (!body) it->raw_hash = la_hash64(row->raw, row->raw_len, REREAD_SEED);
    put_item(a, a->items, it, body ? r : NULL, NULL);
}

/* Reads a kept row's line again from its file and parses it into row
 * (strings borrowed from row->json and the arena). Returns LA_OK; LA_EIO
 * when the file cannot be read or its bytes at that offset are not the
 * line audited (same length and hash): the file changed during the run,
 * and its text must not be substituted for the row's. */
static int reread_row(la_auditor *a, const item *it, la_row *row, la_buf *raw, la_arena *ar)
{
    memset(row, 0, sizeof *row);
    if (!a->reread_fp || a->reread_file != it->file) {
        if (a->reread_fp) fclose(a->reread_fp);
        a->reread_fp = fopen(a->files[it->file], "rb");
        a->reread_file = it->file;
        if (!a->reread_fp) return LA_EIO;
    }
    la_buf_reset(raw);
    la_buf_reserve(raw, it->raw_len);
    if (fseeko(a->reread_fp, (off_t)it->off, SEEK_SET) != 0 ||
        fread(raw->p, 1, it->raw_len, a->reread_fp) != it->raw_len ||
        la_hash64(raw->p, it->raw_len, REREAD_SEED) != it->raw_hash)
        return LA_EIO;
    raw->len = it->raw_len;
    row->raw = raw->p;
    row->raw_len = raw->len;
    row->r.line = it->line;
    row->r.file = a->files[it->file];
    return la_record_parse(row, &a->opt, a->labels, ar);
}

/* The strings a kept report row owns (copied by remember_top). */
static void free_top_strings(la_result *c)
{
    free((char *)c->text);
    free((char *)c->id);
    free((char *)c->label_json);
    free((char *)c->cluster.of);
}

static void remember_top(la_auditor *a, const la_result *r)
{
    if (!a->opt.report_path) return;
    int slot = -1;
    if (a->ntop < REPORT_TOP) {
        slot = a->ntop++;
        a->top[slot] = la_xmalloc(sizeof(la_result));
    } else {
        /* replace the lowest-scoring kept row (latest on ties) */
        for (int i = 0; i < a->ntop; i++)
            if (slot < 0 || a->top[i]->score < a->top[slot]->score ||
                (a->top[i]->score == a->top[slot]->score && a->top[i]->line > a->top[slot]->line))
                slot = i;
        if (r->score <= a->top[slot]->score) return;
        free_top_strings(a->top[slot]);
    }
    la_result *c = a->top[slot];
    *c = *r;
    c->text = la_xstrndup(r->text, r->text_len);
    c->id = la_xstrndup(r->id, r->id_len);
    c->label_json = r->label_json ? la_xstrndup(r->label_json, r->label_json_len) : NULL;
    c->cluster.of = r->cluster.has_cluster ? la_xstrndup(r->cluster.of, r->cluster.of_len) : NULL;
    c->context_json = NULL;   /* the report does not show it */
    c->context_json_len = 0;
}

/* A row that passed the filters: counted in the summary (before --top,
 * so the summary describes the whole dataset) and kept for the report. */
static void note_flagged(la_auditor *a, const la_result *r)
{
    a->st.rows_flagged++;
    la_summary_flagged(a->sum, r);
    remember_top(a, r);
}

static void deliver(la_auditor *a, la_result *r)
{
    r->file_shown = a->opt.many_inputs;
    if (a->stopped || !a->fn) return;
    uint64_t t = clock_ns();
    if (a->fn(r, a->ud)) a->stopped = 1;
    a->clk.ns[ST_OUTPUT] += clock_ns() - t;
}

/* ---- the consumer (main thread, input order) ---------------------------------- */

/* Prints "labelaudit: " and the formatted message to stderr, with control
 * characters (from file names, field names) made harmless first, so input
 * cannot send escape sequences to the terminal. */
static void say(const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    la_sanitize_controls(msg);
    fprintf(stderr, "labelaudit: %s\n", msg);
}

static void say_f(const char *fmt, ...) LA_PRINTF(1, 2);
static void say_f(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

static void diagnose(la_auditor *a, const char *file, uint64_t line, const char *fmt, ...)
    LA_PRINTF(4, 5);

/* A diagnostic about one input line, counted and capped at
 * --max-diagnostics. */
static void diagnose(la_auditor *a, const char *file, uint64_t line, const char *fmt, ...)
{
    a->diagnostics++;
    if (a->opt.max_diagnostics >= 0 && a->diagnostics > (uint64_t)a->opt.max_diagnostics) {
        if (a->diagnostics == (uint64_t)a->opt.max_diagnostics + 1)
            fprintf(stderr, "labelaudit: further diagnostics suppressed (see the summary for counts)\n");
        return;
    }
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    say_f("%s:%llu: %s", file, (unsigned long long)line, msg);
}

static void write_reject(la_auditor *a, const char *raw, size_t n)
{
    if (!a->rejects) return;
    if (fwrite(raw, 1, n, a->rejects) != n || fputc('\n', a->rejects) == EOF)
        a->failed_io = 1;
}

/* The counts of the file a row came from (files are few and rows of one
 * file come together, so the last one is checked first). */
static file_count *count_of(la_auditor *a, const char *file)
{
    if (a->last_file >= a->nfiles || a->files[a->last_file] != file)
        for (size_t i = 0; i < a->nfiles; i++)
            if (a->files[i] == file) { a->last_file = i; break; }
    return &a->counts[a->last_file];
}

static void reject_row(la_auditor *a, const la_row *row)
{
    a->st.rows_rejected++;
    count_of(a, row->r.file)->rejected++;
    la_summary_reject(a->sum, row->status);
    const char *f = row->r.file;
    switch (row->status) {
    case LA_ENUL:
    case LA_ECTRL:      /* err_detail names the field: "text", "meta.id", a key */
        diagnose(a, f, row->r.line, "%s in %s at byte %zu", la_strerror(row->status),
                 row->err_detail, row->err_byte);
        break;
    case LA_EJSON:
    case LA_EUTF8:
    case LA_EDEPTH:
        diagnose(a, f, row->r.line, "%s at byte %zu%s%s", la_strerror(row->status),
                 row->err_byte, row->err_detail[0] ? ": " : "", row->err_detail);
        break;
    default:
        diagnose(a, f, row->r.line, "%s%s%s", la_strerror(row->status),
                 row->err_detail[0] ? ": " : "", row->err_detail);
    }
    if (row->src) write_reject(a, row->src, row->src_len);
    else write_reject(a, row->raw, row->raw_len);
}

/* Whether a rejected row only lacks the text or label field. */
static int lacks_field(const la_row *row)
{
    return row->status == LA_ENOTEXT || (row->status == LA_ENOLABEL && row->err_detail[0] &&
                                         !strstr(row->err_detail, "(null)"));
}

static void hold_row(la_auditor *a, const la_row *row)
{
    probe *p = &a->probe;
    held_row *h = &p->held[p->nheld++];
    const char *b = row->src ? row->src : row->raw;
    h->len = row->src ? row->src_len : row->raw_len;
    h->bytes = la_xstrndup(b, h->len);
    h->line = row->r.line;
    h->file = row->r.file;
    h->status = row->status;
    h->err_byte = row->err_byte;
    memcpy(h->detail, row->err_detail, sizeof h->detail);
}

static void free_held(probe *p)
{
    for (int i = 0; i < p->nheld; i++) free(p->held[i].bytes);
    p->nheld = 0;
    la_buf_free(&p->fields);
}

static void reject_row(la_auditor *a, const la_row *row);

/* The probe found both fields: the held rows are rejected, in order. */
static void release_held(la_auditor *a)
{
    probe *p = &a->probe;
    p->open = 0;
    for (int i = 0; i < p->nheld; i++) {
        held_row *h = &p->held[i];
        la_row row;
        memset(&row, 0, sizeof row);
        row.status = h->status;
        row.err_byte = h->err_byte;
        memcpy(row.err_detail, h->detail, sizeof row.err_detail);
        row.raw = h->bytes;
        row.raw_len = h->len;
        row.r.line = h->line;
        row.r.file = h->file;
        a->st.rows_read++;
        count_of(a, row.r.file)->read++;
        reject_row(a, &row);
    }
    free_held(p);
}

/* The probe failed: says which field is missing and which exist. */
static void field_error(la_auditor *a)
{
    probe *p = &a->probe;
    int text = !p->text_seen;
    const char *path = text ? a->opt.text_path : a->opt.label_path;
    fprintf(stderr, "labelaudit: %s: no %s field \"%s\" in the first %d rows; their fields "
            "are: %s (name the %s field with %s)\n", p->nheld ? p->held[0].file : "-",
            text ? "text" : "label", path, p->objects, p->fields.len ? p->fields.p : "none",
            text ? "text" : "label", text ? "--text" : "--label");
    p->open = 0;
    a->field_error = 1;
    a->stopped = 1;
    free_held(p);
}

/* Feeds the probe one row; returns 1 when the row was held. */
static int probe_row(la_auditor *a, const la_row *row)
{
    probe *p = &a->probe;
    int object = row->json && cJSON_IsObject(row->json);
    if (object) {
        p->objects++;
        if (!p->fields.len) {
            for (const cJSON *c = row->json->child; c; c = c->next) {
                if (!c->string) continue;
                if (p->fields.len) la_buf_adds(&p->fields, ", ");
                if (p->fields.len > 200) { la_buf_adds(&p->fields, "..."); break; }
                la_buf_add_json_str(&p->fields, c->string, strlen(c->string));
            }
        }
        if (la_record_path(row->json, a->opt.text_path)) p->text_seen = 1;
        if (a->opt.label_columns || la_record_path(row->json, a->opt.label_path))
            p->label_seen = 1;   /* (missing label columns are each row's problem) */
    }
    if (p->text_seen && p->label_seen) {
        release_held(a);
        return 0;
    }
    if (row->status == LA_OK) {   /* (cannot happen without both fields) */
        release_held(a);
        return 0;
    }
    if (p->nheld == (int)LA_ARRAY_LEN(p->held)) {   /* mostly broken lines: give up */
        release_held(a);
        return 0;
    }
    hold_row(a, row);
    if (p->objects >= PROBE_ROWS) field_error(a);
    return 1;
}

/* `labelaudit shard`: a row of this part goes to the shard file as the
 * analysis left it; the cross-row stages see it at the merge. */
static void shard_row(la_auditor *a, const la_row *row)
{
    if (row->status == ROW_NOT_MINE) return;
    size_t f = (size_t)(count_of(a, row->r.file) - a->counts);
    if (la_shard_write_row(a->shard, row, (uint32_t)f, a->opt.minhash_k, a->opt.lsh_bands) != LA_OK)
        a->failed_io = 1;
}

static void consume_row(la_auditor *a, la_row *row)
{
    if (a->shard) { shard_row(a, row); return; }
    if (a->field_error) return;
    if (a->probe.open && (a->probe.nheld || lacks_field(row)) && probe_row(a, row)) return;
    if (a->probe.open && row->status == LA_OK) release_held(a);
    a->st.rows_read++;
    count_of(a, row->r.file)->read++;
    if (row->status != LA_OK) { reject_row(a, row); return; }
    a->st.rows_audited++;
    count_of(a, row->r.file)->audited++;
    if (row->annot_error) {
        la_summary_annot_error(a->sum);
        diagnose(a, row->r.file, row->r.line, "annotations ignored: %s", row->err_detail);
    }
    la_summary_row(a->sum, row);
    la_dedup_add(a->dedup, row);
    la_agree_add(a->agree, row);
    if (a->keep_all) la_learn_add(a->learn, row);
    la_evmodel_add(a->ev, row);

    /* every row waits for the end of the stream, where the evidence
     * model weighs its findings against the rest of the dataset */
    la_result *r = &row->r;
    la_result_settle(r);
    la_summary_findings(a->sum, r);
    keep_item(a, row, r->nfind > 0);
}

static void consume_batch(la_auditor *a, batch *b)
{
    uint64_t t = clock_ns(), out = a->clk.ns[ST_OUTPUT];
    for (size_t i = 0; i < b->n; i++) consume_row(a, &b->rows[i]);
    a->clk.ns[ST_CONSUMER] += clock_ns() - t - (a->clk.ns[ST_OUTPUT] - out);
    b->stale = b->n;              /* freed by the next analysis of this slot */
    b->n = 0;
    if (b->data.cap > BIG_ROW_BYTES) la_buf_free(&b->data);   /* after a long row */
    else la_buf_reset(&b->data);
    la_arena_reset(&b->arena);
    pthread_mutex_lock(&a->mu);
    b->state = SLOT_FREE;
    pthread_mutex_unlock(&a->mu);
}

/* Waits for the oldest submitted slot and consumes it. Returns 0 when
 * nothing is in flight. */
static int consume_next(la_auditor *a)
{
    if (a->seq_consume == a->seq_next) return 0;
    batch *b = NULL;
    pthread_mutex_lock(&a->mu);
    for (int i = 0; i < a->nslots; i++)
        if (a->slots[i].state >= SLOT_FILLED && a->slots[i].seq == a->seq_consume)
            b = &a->slots[i];
    if (!b) la_die("pipeline lost batch %llu", (unsigned long long)a->seq_consume);
    while (b->state != SLOT_DONE) pthread_cond_wait(&a->cv_done, &a->mu);
    pthread_mutex_unlock(&a->mu);
    consume_batch(a, b);
    a->seq_consume++;
    return 1;
}

static void submit(la_auditor *a)
{
    batch *b = a->filling;
    if (!b) return;
    a->filling = NULL;
    if (b->n == 0) { b->state = SLOT_FREE; return; }
    b->seq = a->seq_next++;
    if (a->nthreads <= 1) {
        analyze_batch(a, &a->self, b);
        b->state = SLOT_DONE;   /* no other thread exists */
        consume_next(a);
        return;
    }
    pthread_mutex_lock(&a->mu);
    b->state = SLOT_FILLED;
    pthread_cond_signal(&a->cv_work);
    pthread_mutex_unlock(&a->mu);
}

static void drain(la_auditor *a)
{
    submit(a);
    while (consume_next(a)) {}
}

/* A slot to fill for file f: reuses the current one, or takes a free
 * slot, consuming finished ones until one is free. */
static batch *filling_slot(la_auditor *a, int f)
{
    if (a->filling && a->filling->file == f) return a->filling;
    if (a->filling) submit(a);
    for (;;) {
        batch *b = NULL;
        pthread_mutex_lock(&a->mu);
        for (int i = 0; i < a->nslots && !b; i++)
            if (a->slots[i].state == SLOT_FREE) b = &a->slots[i];
        if (b) b->state = SLOT_RESERVED;
        pthread_mutex_unlock(&a->mu);
        if (b) {
            b->seq = UINT64_MAX;
            b->file = f;
            b->first_index = a->next_index;
            b->n = 0;
            a->filling = b;
            return b;
        }
        consume_next(a);
    }
}

/* Queues one row: n bytes at s (a JSON Lines line, a converted record or
 * a JSON-array element); rec, when not NULL, is the splitter's record
 * behind it (its own bytes and any rejection already found). */
static void add_line(la_auditor *a, int f, uint64_t lineno, uint64_t off,
                     const char *s, size_t n, const la_input_record *rec)
{
    batch *b = filling_slot(a, f);
    if (b->n == 0) b->first_index = a->next_index;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        b->off = la_xrealloc(b->off, cap * sizeof *b->off);
        b->len = la_xrealloc(b->len, cap * sizeof *b->len);
        b->lineno = la_xrealloc(b->lineno, cap * sizeof *b->lineno);
        b->fileoff = la_xrealloc(b->fileoff, cap * sizeof *b->fileoff);
        b->src = la_xrealloc(b->src, cap * sizeof *b->src);
        b->cap = cap;
    }
    b->fileoff[b->n] = off;
    b->off[b->n] = b->data.len;
    b->len[b->n] = n;
    b->lineno[b->n] = lineno;
    la_buf_add(&b->data, s, n);
    line_src *ls = &b->src[b->n];
    memset(ls, 0, sizeof *ls);
    if (rec) {
        ls->pre = rec->status;
        ls->pre_byte = rec->err_byte;
        if (rec->src != s || rec->status != LA_OK) {
            ls->has = 1;
            ls->off = b->data.len;
            ls->len = rec->src_len;
            la_buf_add(&b->data, rec->src, rec->src_len);
        }
    }
    b->n++;
    a->next_index++;
    if (b->n >= BATCH_LINES || b->data.len >= BATCH_BYTES) submit(a);
}

static int file_index(la_auditor *a, const char *name)
{
    /* the same name fed twice in a row (stdin, "-") continues its file */
    if (a->nfiles && strcmp(a->files[a->nfiles - 1], name) == 0) return (int)a->nfiles - 1;
    size_t cap = a->files_cap;
    LA_GROW(a->files, a->files_cap, a->nfiles + 1);
    if (a->files_cap != cap) {
        a->seekable = la_xrealloc(a->seekable, a->files_cap);
        a->counts = la_xrealloc(a->counts, a->files_cap * sizeof *a->counts);
    }
    a->seekable[a->nfiles] = 0;
    memset(&a->counts[a->nfiles], 0, sizeof *a->counts);
    a->files[a->nfiles++] = la_xstrdup(name);
    return (int)a->nfiles - 1;
}

/* Handles one complete line (newline removed) that starts at byte off of
 * its file. */
static void take_line(la_auditor *a, int f, uint64_t lineno, uint64_t off,
                      const char *s, size_t n)
{
    if (lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3, off += 3;
    if (n && s[n - 1] == '\r') n--;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    if (i == n) {
        la_summary_blank_line(a->sum);
        a->blank_lines++;
        return;
    }
    add_line(a, f, lineno, off, s, n, NULL);
}

/* A line over --max-line-bytes: everything before it is consumed first so
 * the rejection lands in order; its bytes stream to --rejects as read. */
static void count_long_line(la_auditor *a, size_t f, uint64_t lineno)
{
    a->st.rows_read++;
    a->st.rows_rejected++;
    a->counts[f].read++;
    a->counts[f].rejected++;
    la_summary_reject(a->sum, LA_ETOOLONG);
    diagnose(a, a->files[f], lineno, "line longer than --max-line-bytes (%zu bytes)",
             a->opt.max_line_bytes);
}

static void begin_long_line(la_auditor *a, int f, uint64_t lineno, const char *s, size_t n)
{
    drain(a);
    uint64_t index = a->next_index++;
    if (a->shard) {
        /* its bytes, as --rejects would get them, go to the shard's blob
         * (a->rejects is the blob until the next long line) */
        a->rejects = NULL;
        if (!mine(a, index)) return;
        if (la_shard_write_long(a->shard, index, (uint32_t)f, lineno) != LA_OK) {
            a->failed_io = 1;
            return;
        }
        a->rejects = la_shard_blob(a->shard);
    } else {
        count_long_line(a, (size_t)f, lineno);
    }
    /* n may be 0 with s NULL (the line overflowed in its first chunk) */
    if (a->rejects && n && fwrite(s, 1, n, a->rejects) != n) a->failed_io = 1;
}

/* Reads up to cap bytes of in. Through its descriptor, it takes what is
 * there (a pipe gives what its writer wrote so far) and waits in poll()
 * for at most POLL_MS at a time, so an interrupt is seen even while the
 * writer is silent and the signal handler restarts the read (SA_RESTART);
 * a FILE without a descriptor (fmemopen) goes through fread. Returns 0 at
 * the end of input (*eof = 1), when interrupted, or on an error
 * (*err = errno). */
static size_t read_chunk(la_auditor *a, FILE *in, char *buf, size_t cap, int *err, int *eof)
{
    int fd = fileno(in);
    if (fd < 0) {
        size_t got = a->interrupted ? 0 : fread(buf, 1, cap, in);
        if (!got && ferror(in)) *err = errno ? errno : EIO;
        else if (!got && feof(in)) *eof = 1;
        return got;
    }
    while (!a->interrupted) {
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, POLL_MS);
        if (r == 0 || (r < 0 && errno == EINTR)) continue;
        ssize_t n = read(fd, buf, cap);
        if (n == 0) *eof = 1;
        if (n >= 0) return (size_t)n;
        if (errno == EINTR || errno == EAGAIN) continue;
        *err = errno;
        return 0;
    }
    return 0;
}

/* One input while it is read. Its compression is decided from the first
 * LA_INPUT_MAGIC_BYTES raw bytes and its format from its first decoded
 * line; until then the bytes wait in raw_head and head. Then bytes flow
 * read_chunk -> decoder -> the JSON Lines splitter below, or la_splitter
 * for CSV, TSV and JSON arrays -> add_line. */
typedef struct feed {
    la_auditor *a;
    const char *name;
    int f;
    int regular;               /* a regular file read from its start */
    la_decoder *dec;           /* NULL until the compression is known */
    la_compression comp;
    la_buf raw_head;
    int fmt;                   /* LA_INPUT_AUTO until known; -1: refused */
    la_buf head;
    la_splitter *sp;           /* CSV, TSV, JSON array */
    int status;                /* LA_OK, LA_EIO, LA_EUSAGE */
    /* JSON Lines */
    size_t maxl;
    la_buf line;
    uint64_t lineno, line_off;
    uint64_t fbytes;           /* decoded bytes so far */
    int skipping;              /* inside an over-long line */
} feed;

/* How many decoded bytes at most wait for the first line before the
 * format is decided on what is there (a one-line JSON array, a header
 * longer than this). */
#define SNIFF_BYTES (64u << 10)

/* Splits decoded JSON Lines bytes into lines; lines keep their byte
 * offset for reread_row. */
static void jsonl_push(feed *fd, const char *chunk, size_t got)
{
    la_auditor *a = fd->a;
    uint64_t base = fd->fbytes;
    fd->fbytes += got;
    const char *p = chunk, *end = chunk + got;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t n = (size_t)(stop - p);
        if (fd->skipping) {
            if (a->rejects && fwrite(p, 1, n, a->rejects) != n) a->failed_io = 1;
        } else if (fd->line.len + n > fd->maxl) {
            begin_long_line(a, fd->f, fd->lineno + 1, fd->line.p, fd->line.len);
            if (a->rejects && fwrite(p, 1, n, a->rejects) != n) a->failed_io = 1;
            la_buf_reset(&fd->line);
            fd->skipping = 1;
        } else if (nl && fd->line.len == 0) {
            /* the whole line is in the chunk */
            take_line(a, fd->f, ++fd->lineno, base + (uint64_t)(p - chunk), p, n);
            p = nl + 1;
            continue;
        } else {
            if (fd->line.len == 0) fd->line_off = base + (uint64_t)(p - chunk);
            la_buf_add(&fd->line, p, n);
        }
        if (!nl) break;
        if (fd->skipping) {
            if (a->rejects && fputc('\n', a->rejects) == EOF) a->failed_io = 1;
            fd->lineno++;
            fd->skipping = 0;
        } else {
            take_line(a, fd->f, ++fd->lineno, fd->line_off, fd->line.p, fd->line.len);
            la_buf_reset(&fd->line);
        }
        p = nl + 1;
    }
}

/* The end of JSON Lines input: the last line, without a newline. */
static void jsonl_end(feed *fd)
{
    la_auditor *a = fd->a;
    if (fd->skipping) {
        if (a->rejects && fputc('\n', a->rejects) == EOF) a->failed_io = 1;
    } else if (fd->line.len) {
        take_line(a, fd->f, ++fd->lineno, fd->line_off, fd->line.p, fd->line.len);
    }
}

/* A record from la_splitter: a row (converted, or already rejected), or
 * a note about the file. */
static void on_record(void *ud, const la_input_record *rec)
{
    feed *fd = ud;
    la_auditor *a = fd->a;
    if (rec->note_only) {   /* after the rows before it, about the file as a whole */
        drain(a);
        fprintf(stderr, "labelaudit: %s: %.*s\n", fd->name, (int)rec->json_len, rec->json);
        return;
    }
    add_line(a, fd->f, rec->line, 0, rec->json, rec->json_len, rec);
}

/* Decoded bytes are ready to read in the chosen format. */
static void route(feed *fd, const char *p, size_t n)
{
    if (fd->fmt == LA_INPUT_JSONL) jsonl_push(fd, p, n);
    else la_splitter_push(fd->sp, p, n);
}

/* Whether head holds a first line with something on it (or enough bytes
 * to decide anyway). */
static int head_ready(const la_buf *h)
{
    if (h->len >= SNIFF_BYTES) return 1;
    size_t i = 0;
    while (i < h->len && strchr(" \t\r\n", h->p[i])) i++;
    return i < h->len && memchr(h->p + i, '\n', h->len - i) != NULL;
}

/* Decides the format from head; on a mismatch says so once and refuses
 * the input (status LA_EUSAGE) before any of its rows is read. */
static void choose_format(feed *fd)
{
    la_auditor *a = fd->a;
    char what[400];
    int fmt = la_input_sniff(fd->head.p ? fd->head.p : "", fd->head.len, fd->name,
                             (la_input_format)a->opt.input_format, what, sizeof what);
    if (fmt < 0) {
        fprintf(stderr, "labelaudit: %s: %s\n", fd->name, what);
        fd->fmt = -1;
        fd->status = LA_EUSAGE;
        return;
    }
    fd->fmt = fmt;
    a->counts[fd->f].format = fmt;
    a->counts[fd->f].comp = fd->comp;
    if (fmt != LA_INPUT_JSONL)
        fd->sp = la_splitter_new((la_input_format)fmt, a->opt.text_path, fd->maxl,
                                 on_record, fd);
    /* only a plain JSON Lines file can give a line again by its offset */
    a->seekable[fd->f] = fd->regular && fd->comp == LA_COMP_NONE && fmt == LA_INPUT_JSONL;
    route(fd, fd->head.p, fd->head.len);
    la_buf_free(&fd->head);
}

static void on_decoded(void *ud, const char *p, size_t n)
{
    feed *fd = ud;
    if (fd->fmt < 0) return;
    if (fd->fmt == LA_INPUT_AUTO) {
        la_buf_add(&fd->head, p, n);
        if (head_ready(&fd->head)) choose_format(fd);
        return;
    }
    route(fd, p, n);
}

/* Raw bytes as read: held until the compression is known. */
static void feed_raw(feed *fd, const char *p, size_t n)
{
    char err[256];
    if (!fd->dec) {
        la_buf_add(&fd->raw_head, p, n);
        if (fd->raw_head.len < LA_INPUT_MAGIC_BYTES && n) return;
        fd->comp = la_input_compression((const unsigned char *)fd->raw_head.p, fd->raw_head.len);
        fd->dec = la_decoder_new(fd->comp);
        p = fd->raw_head.p;
        n = fd->raw_head.len;
    }
    if (n && la_decoder_push(fd->dec, p, n, on_decoded, fd, err, sizeof err) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", fd->name, err);
        fd->status = LA_EIO;
    }
    if (fd->raw_head.p) la_buf_free(&fd->raw_head);
}

/* The progress line: rows, speed, and the share and time left when the
 * input's size is known. */
static void show_progress(la_auditor *a, const char *name, uint64_t done, uint64_t size,
                          double t_start)
{
    double secs = now_seconds(&a->t0) - t_start;
    double mbs = secs > 0 ? (double)done / 1e6 / secs : 0;
    fprintf(stderr, "\r\033[Klabelaudit: %s: %llu rows, %.1f MB read, %.1f MB/s", name,
            (unsigned long long)a->next_index, (double)a->st.bytes_read / 1e6, mbs);
    if (size > 0 && done <= size) {
        double left = done && secs > 0 ? secs * (double)(size - done) / (double)done : 0;
        fprintf(stderr, ", %.0f%%, ETA %.0fs", 100.0 * (double)done / (double)size, left);
    }
}

int la_auditor_feed(la_auditor *a, const char *name, FILE *in)
{
    feed fd;
    memset(&fd, 0, sizeof fd);
    fd.a = a;
    fd.name = name;
    fd.f = file_index(a, name);
    fd.maxl = a->opt.max_line_bytes ? a->opt.max_line_bytes : SIZE_MAX;
    la_buf_init(&fd.raw_head);
    la_buf_init(&fd.head);
    la_buf_init(&fd.line);
    size_t chunk_size = a->opt.read_chunk ? a->opt.read_chunk : READ_CHUNK;
    char *chunk = la_xmalloc(chunk_size);
    int err = 0, eof = 0;
    size_t got;
    uint64_t size = 0, done = 0;
    double t_start = now_seconds(&a->t0);
    struct stat sb;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode)) {
        size = (uint64_t)sb.st_size;
        fd.regular = strcmp(name, "-") != 0 && ftello(in) == 0;
    }
    while (!a->interrupted && !a->stopped && fd.status == LA_OK &&
           (got = read_chunk(a, in, chunk, chunk_size, &err, &eof)) > 0) {
        done += got;
        a->st.bytes_read += got;
        if (a->opt.progress > 0) show_progress(a, name, done, size, t_start);
        feed_raw(&fd, chunk, got);
    }
    int cut = a->interrupted && !eof && !err;
    if (cut) a->read_cut = 1;
    if (err) {
        fd.status = LA_EIO;
        say_f("%s: read error: %s", name, strerror(err));
    }
    char derr[256] = "";
    if (!cut && !a->stopped && fd.status == LA_OK) {
        /* the end of the input: what still waits is decided and read */
        if (!fd.dec) feed_raw(&fd, "", 0);
        if (fd.status == LA_OK && la_decoder_end(fd.dec, derr, sizeof derr) != LA_OK)
            fd.status = LA_EIO;   /* said after the rows read before the cut */
        if (fd.fmt == LA_INPUT_AUTO) choose_format(&fd);
    }
    if (fd.fmt > 0 && !cut && !a->stopped) {
        /* (interrupted or stopped early: the bytes are not a whole row) */
        if (fd.sp) la_splitter_end(fd.sp);
        else jsonl_end(&fd);
    } else if (fd.skipping && a->rejects && fputc('\n', a->rejects) == EOF) {
        a->failed_io = 1;
    }
    if (fd.sp)
        for (uint64_t k = la_splitter_blank_lines(fd.sp); k > 0; k--) {
            la_summary_blank_line(a->sum);
            a->blank_lines++;
        }
    submit(a);
    if (derr[0]) {
        drain(a);
        say_f("%s: %s", name, derr);
    }
    if (a->opt.progress > 0) fputs("\r\033[K", stderr);
    la_splitter_free(fd.sp);
    la_decoder_free(fd.dec);
    la_buf_free(&fd.raw_head);
    la_buf_free(&fd.head);
    la_buf_free(&fd.line);
    free(chunk);
    return a->field_error ? LA_EUSAGE : fd.status;
}

int la_auditor_feed_line(la_auditor *a, const char *name, uint64_t lineno,
                         const char *line, size_t len)
{
    int f = file_index(a, name);
    if (a->opt.max_line_bytes && len > a->opt.max_line_bytes) {
        begin_long_line(a, f, lineno, line, len);
        if (a->rejects && fputc('\n', a->rejects) == EOF) a->failed_io = 1;
        return LA_ETOOLONG;
    }
    take_line(a, f, lineno, 0, line, len);   /* not seekable: see file_index */
    return LA_OK;
}

void la_auditor_note_unreadable(la_auditor *a, const char *name, int err_no)
{
    a->st.files_unreadable++;
    say_f("%s: cannot open: %s", name, strerror(err_no));
}

void la_auditor_interrupt(la_auditor *a)
{
    a->interrupted = 1;
}

/* ---- end of stream ----------------------------------------------------------------- */

static int cmp_items(const void *x, const void *y)
{
    const queued_item *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int item_has_removal(const item *it)
{
    if (!it->body) return 0;
    for (int i = 0; i < it->body->nfind; i++)
        if (la_verdict_is_removal(it->body->find[i].code, (la_class)it->label_class)) return 1;
    return 0;
}

/* A line could not be read back as audited: the file changed during the
 * run. Said once per file; the run ends with status 4 (LA_EIO). */
static void reread_failed(la_auditor *a, const item *it)
{
    a->reread_changed = 1;
    if (a->reread_bad == it->file + 1) return;
    a->reread_bad = it->file + 1;
    say_f("%s:%llu: the file changed during the run (this line is not the one "
          "audited); rows the evidence model queued from it are left out of the queue",
          a->files[it->file], (unsigned long long)it->line);
}

/* Fills r for item it, reading its line again when it kept no body.
 * Returns 0 when the line could not be read back. */
static int load_item(la_auditor *a, item *it, la_result *r, la_row *row, la_buf *raw,
                     la_arena *tmp, int *reread)
{
    *reread = 0;
    if (it->body) {
        result_from_body(a, it, it->body, r);
        return 1;
    }
    if (reread_row(a, it, row, raw, tmp) != LA_OK) {
        reread_failed(a, it);
        if (row->json) cJSON_Delete(row->json);
        la_arena_reset(tmp);
        return 0;
    }
    item_body empty = { 0 };
    empty.id = row->r.id; empty.id_len = (uint32_t)row->r.id_len;
    empty.id_is_number = (uint8_t)row->r.id_is_number;
    empty.label_json = row->r.label_json;
    empty.label_json_len = (uint32_t)row->r.label_json_len;
    empty.text = row->r.text; empty.text_len = row->r.text_len;
    empty.context_json = row->r.context_json;
    empty.context_json_len = (uint32_t)row->r.context_json_len;
    result_from_body(a, it, &empty, r);
    *reread = 1;
    return 1;
}

static void finish_items(la_auditor *a)
{
    la_result *r = la_xmalloc(sizeof *r);
    la_buf raw;
    la_buf_init(&raw);
    la_arena tmp;
    la_arena_init(&tmp, 64 * 1024);
    la_row row;
    memset(&row, 0, sizeof row);
    int ranked = a->opt.sort || a->opt.top > 0;
    item x, *it = &x;
    la_verdict_ctx vc = {
        .opt = &a->opt, .keep = a->reason_filter ? a->reason_keep : NULL, .ev = a->ev,
        .learn = a->learn, .agree = a->agree, .text = &a->self.text, .lex = a->lex,
        .dict = a->dict, .cache = a->self.cache,
    };
    la_spill_cursor cur;
    la_spill_cursor_init(&cur, a->items, 0);
    while (!spill_failed(a) && next_item(a, &cur, it)) {
        la_ev_verdict v;
        la_verdict_support sup[LA_EV__COUNT];
        int nsup = 0;
        la_evmodel_verdict(a->ev, it->index, &v);
        int wrong = !a->opt.raw_findings &&
                    la_verdict_label(&vc, (la_class)it->label_class, &v, sup, &nsup);
        if (a->opt.raw_findings ? !it->body
                                : !wrong && !(a->opt.removals && item_has_removal(it)))
            continue;
        int reread = 0;
        if (!load_item(a, it, r, &row, &raw, &tmp, &reread)) continue;
        int queued;
        if (a->opt.raw_findings) {
            queued = la_verdict_raw(&vc, it->index, r);
            wrong = 0;
        } else if (wrong) {
            la_verdict_explain(&vc, it->index, r, &v, sup, nsup);
            queued = r->nfind > 0;
        } else {
            queued = la_verdict_removal(&vc, r);
        }
        if (queued) {
            /* its final form waits in the queued log (read back below) */
            uint64_t off;
            it->score = (float)r->score;
            it->verdict = wrong ? 1 : a->opt.raw_findings ? 0 : 2;
            it->suggested = (int8_t)v.suggested;
            put_item(a, a->queued, it, r, &off);
            if (ranked) {
                LA_GROW(a->qitems, a->qcap, a->nqueued + 1);
                a->qitems[a->nqueued++] = (queued_item){ it->score, it->index, off };
            }
            note_flagged(a, r);
        }
        if (reread) {
            if (row.json) cJSON_Delete(row.json);
            row.json = NULL;
            la_arena_reset(&tmp);
        }
    }
    la_spill_cursor_free(&cur);
    if (a->nqueued > 1)   /* qsort(NULL, 0) is UB */
        qsort(a->qitems, a->nqueued, sizeof *a->qitems, cmp_items);
    size_t limit = a->nqueued;
    if (a->opt.top > 0 && (size_t)a->opt.top < limit) limit = (size_t)a->opt.top;
    la_spill_cursor_init(&cur, a->queued, 0);
    for (size_t i = 0; !spill_failed(a); i++) {
        if (ranked ? i >= limit || !read_item(a, a->queued, a->qitems[i].off, it)
                   : !next_item(a, &cur, it))
            break;
        result_from_body(a, it, it->body, r);
        r->score = it->score;
        r->remove = it->verdict == 2;
        if (it->verdict == 1 && it->suggested >= 0) {
            r->suggested_json = la_evmodel_value_json(a->ev, it->suggested, &r->suggested_json_len);
        }
        deliver(a, r);
    }
    la_spill_cursor_free(&cur);
    la_arena_free(&tmp);
    la_buf_free(&raw);
    free(r);
}

/* Writes an output opened at la_auditor_new (data, then what fn writes)
 * and commits it (src/output.c); *o is consumed. Returns LA_OK, or LA_EIO
 * after a message, the target as it was. */
static int write_output(la_output **o, const char *path, const char *data, size_t n,
                        int (*fn)(FILE *, void *), void *ud)
{
    FILE *f = la_output_stream(*o);
    char err[512];
    int rc;
    if ((data && fwrite(data, 1, n, f) != n) || (fn && fn(f, ud) != LA_OK)) {
        fprintf(stderr, "labelaudit: %s: write failed: %s\n", path,
                strerror(errno ? errno : EIO));
        la_output_free(*o);
        rc = LA_EIO;
    } else if ((rc = la_output_commit(*o, err, sizeof err)) != LA_OK) {
        fprintf(stderr, "labelaudit: %s\n", err);
    }
    *o = NULL;
    return rc;
}

static int write_annotators(FILE *f, void *ud)
{
    return la_agree_write_report((const la_agree *)ud, f);
}

struct report_args { const cJSON *summary; la_auditor *a; };

static int cmp_top(const void *x, const void *y)
{
    const la_result *a = *(la_result *const *)x, *b = *(la_result *const *)y;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int write_report(FILE *f, void *ud)
{
    struct report_args *ra = ud;
    la_auditor *a = ra->a;
    qsort(a->top, (size_t)a->ntop, sizeof a->top[0], cmp_top);
    la_buf names;
    la_buf_init(&names);
    for (size_t i = 0; i < a->nfiles; i++) {
        if (i) la_buf_adds(&names, ", ");
        la_buf_adds(&names, a->files[i]);
    }
    char err[512];
    la_calibration *cal = a->opt.calibration_path
                              ? la_calibration_load(a->opt.calibration_path, err, sizeof err)
                              : NULL;
    la_report_info info = { names.p, a->opt.command_line, cal };
    int rc = la_report_write(f, ra->summary, &info, (const la_result *const *)a->top,
                             (size_t)a->ntop);
    la_calibration_free(cal);
    la_buf_free(&names);
    return rc;
}

/* The summary's "stages" object: nanoseconds per row read for each stage
 * (per-row stages from the sampled rows, summed over threads, so with
 * several threads they are CPU time, not wall time). */
static cJSON *stages_json(const la_auditor *a)
{
    stage_clock all = a->clk;
    int nw = a->workers ? a->nthreads : 0;
    for (int i = -1; i < nw; i++) {
        const stage_clock *c = i < 0 ? &a->self.clk : &a->workers[i].clk;
        for (int s = 0; s < ST__ROW; s++) all.ns[s] += c->ns[s];
        all.sampled += c->sampled;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "sample_every", STAGE_SAMPLE);
    cJSON_AddNumberToObject(o, "rows_sampled", (double)all.sampled);
    cJSON *ns = cJSON_AddObjectToObject(o, "ns_per_row");
    double rows = a->st.rows_read ? (double)a->st.rows_read : 1;
    double sampled = all.sampled ? (double)all.sampled : 1;
    for (int s = 0; s < ST__COUNT; s++) {
        double v = (double)all.ns[s] / (s < ST__ROW ? sampled : rows);
        cJSON_AddNumberToObject(ns, stage_names[s], (double)(uint64_t)(v + 0.5));
    }
    return o;
}

/* Names an end-of-stream stage on the progress line: these can take a
 * while on a large dataset, after the last row was read. */
static void step(la_auditor *a, const char *what)
{
    if (a->opt.progress <= 0) return;
    fprintf(stderr, "\r\033[Klabelaudit: end of stream, %llu rows: %s...",
            (unsigned long long)a->st.rows_read, what);
    fflush(stderr);
}

/* The summary's "files": per input name, its rows and how it was read
 * (a name read twice, such as "-", is one entry with the sums). */
static void add_files(const la_auditor *a, cJSON *summary)
{
    static const char *const comp[] = { "none", "gzip", "zstd" };
    cJSON *files = cJSON_AddObjectToObject(summary, "files");
    for (size_t i = 0; i < a->nfiles; i++) {
        if (cJSON_GetObjectItemCaseSensitive(files, a->files[i])) continue;
        file_count sum = a->counts[i];
        for (size_t k = i + 1; k < a->nfiles; k++)
            if (strcmp(a->files[k], a->files[i]) == 0) {
                sum.read += a->counts[k].read;
                sum.audited += a->counts[k].audited;
                sum.rejected += a->counts[k].rejected;
            }
        cJSON *o = cJSON_AddObjectToObject(files, a->files[i]);
        cJSON_AddNumberToObject(o, "rows", (double)sum.read);
        cJSON_AddNumberToObject(o, "audited", (double)sum.audited);
        cJSON_AddNumberToObject(o, "rejected", (double)sum.rejected);
        if (sum.format)
            cJSON_AddStringToObject(o, "format", la_input_format_flag((la_input_format)sum.format));
        cJSON_AddStringToObject(o, "compression", comp[sum.comp]);
    }
}

/* ---- sharded runs ------------------------------------------------------------------- */

/* `labelaudit shard` at the end of its input: the trailer (the input table
 * and the run's counts) and the commit. A shard that did not read its
 * whole input, or could not write, leaves no file: a merge of it could
 * not give the single run's answer. */
static int finish_shard(la_auditor *a)
{
    char err[512];
    la_shard_info info;
    memset(&info, 0, sizeof info);
    info.many_inputs = a->opt.many_inputs;
    info.rows_total = a->next_index;
    info.blank_lines = a->blank_lines;
    info.bytes_read = a->st.bytes_read;
    info.files_unreadable = a->st.files_unreadable;
    info.nfiles = (uint32_t)a->nfiles;
    info.files = la_xcalloc(a->nfiles ? a->nfiles : 1, sizeof *info.files);
    for (size_t i = 0; i < a->nfiles; i++) {
        info.files[i].name = a->files[i];
        info.files[i].format = a->counts[i].format;
        info.files[i].comp = a->counts[i].comp;
    }
    int rc = la_shard_writer_finish(a->shard, &info);
    a->shard = NULL;
    free(info.files);
    a->st.seconds = now_seconds(&a->t0);
    a->st.interrupted = a->read_cut;
    if (a->read_cut || a->field_error) {
        say_f("%s: not written: the input was not read to its end", a->opt.shard_path);
        la_output_free(a->shard_out);
        a->shard_out = NULL;
        return LA_EIO;
    }
    if (rc != LA_OK || a->failed_io) {
        say_f("%s: write failed: %s", a->opt.shard_path, strerror(errno ? errno : EIO));
        la_output_free(a->shard_out);
        a->shard_out = NULL;
        return LA_EIO;
    }
    rc = la_output_commit(a->shard_out, err, sizeof err);
    a->shard_out = NULL;
    if (rc != LA_OK) say_f("%s", err);
    return rc;
}

/* Checks that the shards are the N parts of one run analyzed as this
 * auditor would, and puts them in part order (shards[k] is part k+1). */
static int check_shards(la_auditor *a, la_shard_reader **r, size_t n, const char *const *path)
{
    const la_shard_info *first = la_shard_reader_info(r[0]);
    if (first->parts != n) {
        say_f("%s: part %u of %u, but %zu shard file%s given: merge needs every part of the "
              "run", path[0], first->parts ? first->part : 0, first->parts, n, n == 1 ? "" : "s");
        return LA_EUSAGE;
    }
    la_shard_reader **by_part = la_xcalloc(n, sizeof *by_part);
    int rc = LA_OK;
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        const la_shard_info *in = la_shard_reader_info(r[i]);
        int same_inputs = in->nfiles == first->nfiles && in->rows_total == first->rows_total;
        for (uint32_t k = 0; same_inputs && k < in->nfiles; k++)
            same_inputs = strcmp(in->files[k].name, first->files[k].name) == 0;
        if (in->parts != first->parts || in->part < 1 || in->part > in->parts) {
            say_f("%s: part %u of %u, but %s is part %u of %u", path[i], in->part, in->parts,
                  path[0], first->part, first->parts);
            rc = LA_EUSAGE;
        } else if (by_part[in->part - 1]) {
            say_f("%s: part %u of %u is given twice", path[i], in->part, in->parts);
            rc = LA_EUSAGE;
        } else if (in->fingerprint != first->fingerprint) {
            say_f("%s: analyzed with other options than %s (the same audit options must "
                  "be given to every shard)", path[i], path[0]);
            rc = LA_EUSAGE;
        } else if (!same_inputs) {
            say_f("%s: not a part of the same inputs as %s", path[i], path[0]);
            rc = LA_EUSAGE;
        }
        if (rc == LA_OK) by_part[in->part - 1] = r[i];
    }
    if (rc == LA_OK) {
        a->opt.many_inputs = first->many_inputs;
        uint64_t fp = la_shard_fingerprint(&a->opt, la_lexicon_digest(a->lex),
                                           a->dict ? la_dict_path(a->dict) : NULL);
        if (fp != first->fingerprint) {
            say_f("the shards were analyzed with other audit options than this merge has "
                  "(give merge the options given to shard)");
            rc = LA_EUSAGE;
        }
    }
    if (rc == LA_OK) memcpy(r, by_part, n * sizeof *r);
    free(by_part);
    return rc;
}

/* A long line of the shard's blob, rejected as the single run does. */
static int replay_long(la_auditor *a, la_shard_reader *r, size_t f, uint64_t line)
{
    char err[512];
    count_long_line(a, f, line);
    if (la_shard_copy_long(r, a->rejects, err, sizeof err) == LA_OK) return LA_OK;
    if (!err[0]) { a->failed_io = 1; return LA_OK; }   /* --rejects failed */
    say_f("%s", err);
    return LA_EIO;
}

/* Feeds every row of the shards, in global row order, to the consumer.
 * fmap maps a shard's file numbers to this auditor's. */
static int replay(la_auditor *a, la_shard_reader **r, size_t n, const size_t *fmap)
{
    const la_shard_info *first = la_shard_reader_info(r[0]);
    char err[512];
    la_row *row = la_xmalloc(sizeof *row);
    int rc = LA_OK;
    uint64_t t0 = clock_ns(), out = a->clk.ns[ST_OUTPUT];
    for (uint64_t i = 0; i < first->rows_total && rc == LA_OK; i++) {
        if (a->interrupted || a->stopped) { a->read_cut = !a->stopped; break; }
        la_shard_reader *sr = r[i % n];
        uint64_t index = 0, line = 0;
        uint32_t f = 0;
        int t = la_shard_next(sr, row, &index, &f, &line, err, sizeof err);
        if (t < 0) { say_f("%s", err); rc = t; break; }
        if (t == LA_SHARD_END || index != i) {
            say_f("shard part %u has no row %llu: damaged shard file",
                  la_shard_reader_info(sr)->part, (unsigned long long)i);
            rc = LA_EIO;
            break;
        }
        a->next_index = i + 1;
        if (t == LA_SHARD_LONG) { rc = replay_long(a, sr, fmap[f], line); continue; }
        row->r.file = a->files[fmap[f]];
        /* the first rows decide whether --text and --label name fields the
         * data has, from the parsed object */
        if (a->probe.open && row->raw_len)
            row->json = cJSON_ParseWithLength(row->raw, row->raw_len);
        consume_row(a, row);
        if (row->json) cJSON_Delete(row->json);
        if (a->field_error) rc = LA_EUSAGE;
    }
    a->clk.ns[ST_CONSUMER] += clock_ns() - t0 - (a->clk.ns[ST_OUTPUT] - out);
    for (size_t k = 0; k < n && rc == LA_OK && !a->read_cut && !a->stopped; k++) {
        uint64_t index;
        uint32_t f;
        uint64_t line;
        int t = la_shard_next(r[k], row, &index, &f, &line, err, sizeof err);
        if (t == LA_SHARD_END) continue;
        if (t < 0) say_f("%s", err);
        else say_f("shard part %zu holds rows past the end of the run: damaged shard file", k + 1);
        rc = LA_EIO;
    }
    free(row);
    return rc;
}

int la_auditor_merge(la_auditor *a, const char *const *shards, size_t n)
{
    char err[512];
    if (!n) return LA_EUSAGE;
    if (!a->strings) a->strings = la_shard_strings_new();
    la_shard_reader **r = la_xcalloc(n, sizeof *r);
    int rc = LA_OK;
    for (size_t i = 0; i < n && rc == LA_OK; i++)
        if (!(r[i] = la_shard_open(shards[i], a->strings, a->opt.minhash_k, a->opt.lsh_bands, err,
                                   sizeof err))) {
            say_f("%s", err);
            rc = LA_EIO;
        }
    if (rc == LA_OK) rc = check_shards(a, r, n, shards);
    if (rc == LA_OK) {
        const la_shard_info *in = la_shard_reader_info(r[0]);
        size_t *fmap = la_xcalloc(in->nfiles ? in->nfiles : 1, sizeof *fmap);
        for (uint32_t k = 0; k < in->nfiles; k++) {
            int f = file_index(a, in->files[k].name);
            fmap[k] = (size_t)f;
            a->counts[f].format = in->files[k].format;
            a->counts[f].comp = in->files[k].comp;
            a->seekable[f] = 0;   /* rows keep their text: inputs are not read again */
        }
        a->st.bytes_read += in->bytes_read;
        a->st.files_unreadable += in->files_unreadable;
        la_summary_blank_lines(a->sum, in->blank_lines);
        rc = replay(a, r, n, fmap);
        free(fmap);
    }
    for (size_t i = 0; i < n; i++) la_shard_close(r[i]);
    free(r);
    return rc;
}

int la_auditor_finish(la_auditor *a)
{
    int status = LA_OK;
    drain(a);
    if (a->shard) return finish_shard(a);
    if (a->probe.open && a->probe.nheld && a->probe.objects) field_error(a);
    else if (a->probe.open) release_held(a);
    if (a->field_error) return LA_EUSAGE;
    if (spill_failed(a)) {   /* kept rows are lost: no queue, no summary */
        a->st.queue_lost = 1;
        return LA_EIO;
    }
    uint64_t t = clock_ns();
    step(a, "annotator agreement");
    la_agree_finish(a->agree);
    lap(&a->clk, ST_AGREE_END, &t);
    if (a->keep_all) {
        char what[80];
        snprintf(what, sizeof what, "fitting the classifier (%d folds)", a->opt.folds);
        step(a, what);
        la_learn_finish(a->learn);
    }
    lap(&a->clk, ST_LEARN_END, &t);
    step(a, "evidence model and queue");
    la_evmodel_finish(a->ev, a->learn, a->dedup, a->agree);
    la_evmodel_note_vocabulary(a->ev, stderr);
    lap(&a->clk, ST_EVIDENCE_END, &t);
    uint64_t out = a->clk.ns[ST_OUTPUT];
    finish_items(a);
    if (spill_failed(a)) {
        a->st.queue_lost = 1;
        return LA_EIO;
    }
    lap(&a->clk, ST_QUEUE_END, &t);
    a->clk.ns[ST_QUEUE_END] -= a->clk.ns[ST_OUTPUT] - out;
    if (a->opt.progress > 0) fputs("\r\033[K", stderr);
    a->st.seconds = now_seconds(&a->t0);
    a->st.interrupted = a->read_cut || a->stopped;
    if (a->reread_changed) status = LA_EIO;

    if (a->rejects_out) {
        char err[512];
        a->rejects = NULL;
        if (a->failed_io) {
            fprintf(stderr, "labelaudit: %s: write failed\n", a->opt.rejects_path);
            la_output_free(a->rejects_out);
            status = LA_EIO;
        } else if (la_output_commit(a->rejects_out, err, sizeof err) != LA_OK) {
            fprintf(stderr, "labelaudit: %s\n", err);
            status = LA_EIO;
        }
        a->rejects_out = NULL;
    }
    if (a->opt.summary_path || a->opt.report_path) {
        cJSON *s = la_summary_json(a->sum, &a->st, la_dedup_summary(a->dedup),
                                   la_agree_summary(a->agree),
                                   a->keep_all ? la_learn_summary(a->learn) : NULL,
                                   a->dict ? la_dict_path(a->dict) : NULL, a->nthreads);
        cJSON_AddItemToObject(s, "evidence_model", la_evmodel_summary(a->ev));
        if (a->opt.stage_times) cJSON_AddItemToObject(s, "stages", stages_json(a));
        add_files(a, s);
        if (a->opt.summary_path) {
            char *text = cJSON_Print(s);
            la_buf b;
            la_buf_init(&b);
            la_buf_adds(&b, text);
            la_buf_addc(&b, '\n');
            if (write_output(&a->summary_out, a->opt.summary_path, b.p, b.len, NULL, NULL) != LA_OK)
                status = LA_EIO;
            la_buf_free(&b);
            cJSON_free(text);
        }
        if (a->opt.report_path) {
            struct report_args ra = { s, a };
            if (write_output(&a->report_out, a->opt.report_path, NULL, 0, write_report, &ra) != LA_OK)
                status = LA_EIO;
        }
        cJSON_Delete(s);
    }
    if (a->opt.annotator_report_path &&
        write_output(&a->annot_out, a->opt.annotator_report_path, NULL, 0, write_annotators,
                     a->agree) != LA_OK)
        status = LA_EIO;
    return status;
}

const la_stats *la_auditor_stats(const la_auditor *a) { return &a->st; }

void la_auditor_print_summary(const la_auditor *a, FILE *out)
{
    if (a->opt.shard_path) {
        fprintf(out, "labelaudit: shard %d of %d: %llu rows read, this part analyzed to %s\n",
                a->opt.shard_part, a->opt.shard_parts, (unsigned long long)a->next_index,
                a->opt.shard_path);
        return;
    }
    la_summary_print(a->sum, &a->st, out);
    if (!a->dict)
        fprintf(out, "labelaudit: no hunspell dictionary found: dictionary-word checks are off\n");
}

/* ---- setup ------------------------------------------------------------------------------ */

static void keep_reason(const char *p, size_t n, void *ud)
{
    la_auditor *a = ud;
    int r = la_reason_parse(p, n);
    if (r >= 0) a->reason_keep[r] = 1;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

la_auditor *la_auditor_new(const la_options *opt, la_result_fn fn, void *ud,
                           char *err, size_t errlen, int *status)
{
    la_auditor *a = la_xcalloc(1, sizeof *a);
    a->opt = *opt;
    a->fn = fn;
    a->ud = ud;
    clock_gettime(CLOCK_MONOTONIC, &a->t0);
    a->probe.open = 1;
    if (la_options_check(opt, err, errlen) != LA_OK ||
        la_agree_check_options(opt, err, errlen) != LA_OK) {
        *status = 2;
        free(a);
        return NULL;
    }
    a->lex = la_lexicon_load(opt->lexicons_dir, opt->lexicon_files, err, errlen);
    if (!a->lex) { *status = 3; free(a); return NULL; }
    char derr[512];
    a->dict = la_dict_open(opt->dict, derr, sizeof derr);
    if (!a->dict && opt->dict) {
        snprintf(err, errlen, "%s", derr);
        *status = 3;
        la_lexicon_free(a->lex);
        free(a);
        return NULL;
    }
    a->labels = la_labelmap_new(opt);
    a->sum = la_summary_new(a->lex);
    a->dedup = la_dedup_new(&a->opt);
    a->agree = la_agree_new(&a->opt);
    a->keep_all = opt->learn != LA_OFF;
    if (a->keep_all) a->learn = la_learn_new(&a->opt);
    a->ev = la_evmodel_new(&a->opt);
    if (opt->reasons) {          /* codes checked by la_options_check */
        a->reason_filter = 1;
        la_split_commas(opt->reasons, keep_reason, a);
    }
    a->spill = la_spill_store_new(opt->tmpdir, opt->memory, err, errlen);
    if (!a->spill) {
        *status = 4;
        la_auditor_free(a);
        return NULL;
    }
    a->items = la_spill_new(a->spill);
    a->queued = la_spill_new(a->spill);
    if (a->learn) la_learn_spill_to(a->learn, a->spill);

    /* Every output is opened now, before the first row is read, so one
     * that cannot be created fails the run at once (status 4), not after
     * the whole input (tests/cases/rel-atomic-outputs.case). */
    struct { const char *path; la_output **out; } outputs[] = {
        { opt->rejects_path, &a->rejects_out }, { opt->summary_path, &a->summary_out },
        { opt->report_path, &a->report_out }, { opt->annotator_report_path, &a->annot_out },
    };
    for (size_t i = 0; i < LA_ARRAY_LEN(outputs); i++) {
        if (!outputs[i].path) continue;
        *outputs[i].out = la_output_open(outputs[i].path, err, errlen);
        if (!*outputs[i].out) {
            *status = 4;
            la_auditor_free(a);
            return NULL;
        }
    }
    if (a->rejects_out) a->rejects = la_output_stream(a->rejects_out);
    if (opt->shard_path) {
        if (opt->rejects_path || opt->summary_path || opt->report_path ||
            opt->annotator_report_path) {
            snprintf(err, errlen, "shard: the queue, summary, report and rejects are written "
                     "by merge");
            *status = 2;
            la_auditor_free(a);
            return NULL;
        }
        if (!(a->shard_out = la_output_open(opt->shard_path, err, errlen))) {
            *status = 4;
            la_auditor_free(a);
            return NULL;
        }
        a->shard = la_shard_writer_new(la_output_stream(a->shard_out),
                                       (uint32_t)opt->shard_part, (uint32_t)opt->shard_parts,
                                       la_shard_fingerprint(opt, la_lexicon_digest(a->lex),
                                                            a->dict ? la_dict_path(a->dict)
                                                                    : NULL));
    }

    a->nthreads = opt->threads > 0 ? opt->threads : online_cores();
    if (a->nthreads > 256) a->nthreads = 256;
    worker_init(&a->self, a);
    a->nslots = a->nthreads > 1 ? 2 * a->nthreads + 2 : 1;
    a->slots = la_xcalloc((size_t)a->nslots, sizeof *a->slots);
    for (int i = 0; i < a->nslots; i++) {
        la_buf_init(&a->slots[i].data);
        la_arena_init(&a->slots[i].arena, 256 * 1024);
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_mutex_init(&a->big_row, NULL);
    pthread_cond_init(&a->cv_work, NULL);
    pthread_cond_init(&a->cv_done, NULL);
    if (a->nthreads > 1) {
        a->workers = la_xcalloc((size_t)a->nthreads, sizeof *a->workers);
        for (int i = 0; i < a->nthreads; i++) {
            worker_init(&a->workers[i], a);
            if (pthread_create(&a->workers[i].th, NULL, worker_main, &a->workers[i]) != 0)
                la_die("cannot start worker thread");
        }
    }
    a->clk.ns[ST_STARTUP] = (uint64_t)(now_seconds(&a->t0) * 1e9);
    return a;
}

void la_auditor_free(la_auditor *a)
{
    if (!a) return;
    free_held(&a->probe);
    if (a->workers) {
        pthread_mutex_lock(&a->mu);
        a->shutdown = 1;
        pthread_cond_broadcast(&a->cv_work);
        pthread_mutex_unlock(&a->mu);
        for (int i = 0; i < a->nthreads; i++) {
            pthread_join(a->workers[i].th, NULL);
            worker_fini(&a->workers[i]);
        }
        free(a->workers);
    }
    if (a->slots) {
        for (int i = 0; i < a->nslots; i++) {
            batch *b = &a->slots[i];
            free_stale(b);
            for (size_t k = 0; k < b->n && b->state == SLOT_DONE; k++)
                if (b->rows[k].json) cJSON_Delete(b->rows[k].json);
            la_buf_free(&b->data);
            free(b->off); free(b->len); free(b->lineno); free(b->fileoff); free(b->src); free(b->rows);
            la_arena_free(&b->arena);
        }
        free(a->slots);
        worker_fini(&a->self);
        pthread_mutex_destroy(&a->mu);
        pthread_mutex_destroy(&a->big_row);
        pthread_cond_destroy(&a->cv_work);
        pthread_cond_destroy(&a->cv_done);
    }
    la_output_free(a->rejects_out);     /* uncommitted: temporary files go */
    la_output_free(a->summary_out);
    la_output_free(a->report_out);
    la_output_free(a->annot_out);
    la_shard_writer_free(a->shard);
    la_output_free(a->shard_out);
    la_shard_strings_free(a->strings);
    for (int i = 0; i < a->ntop; i++) {
        free_top_strings(a->top[i]);
        free(a->top[i]);
    }
    la_dedup_free(a->dedup);
    la_agree_free(a->agree);
    la_learn_free(a->learn);
    la_evmodel_free(a->ev);
    la_summary_free(a->sum);
    la_labelmap_free(a->labels);
    la_dict_free(a->dict);
    la_lexicon_free(a->lex);
    for (size_t i = 0; i < a->nfiles; i++) free(a->files[i]);
    free(a->files);
    free(a->seekable);
    free(a->counts);
    if (a->reread_fp) fclose(a->reread_fp);
    la_spill_free(a->items);
    la_spill_free(a->queued);
    free(a->qitems);
    la_buf_free(&a->rec);
    la_buf_free(&a->dec.rec);
    la_spill_store_free(a->spill);
    free(a);
}
