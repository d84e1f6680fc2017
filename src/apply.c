/*
 * apply.c - `labelaudit apply`: reviewed decisions back into the dataset.
 *
 * Reads the decisions reviewers made on an exported queue (a filled-in
 * CSV, a Label Studio JSON export, Argilla records with responses, a
 * Prodigy db-out file), normalizes each to one outcome for one row id
 * (keep the label, relabel to a value of the dataset's label column,
 * remove the row, or not reviewed), and writes the corrected dataset: the
 * label value's bytes replaced in place, removed rows left out, every
 * other byte and the input order unchanged. Also a change log, the counts,
 * and the audit's precision as the reviewers measured it (calibration.c).
 *
 * Invariant: nothing is half-written. The dataset is read twice: the
 * first pass collects its ids and label vocabulary and checks every
 * decision against them (an unknown id, a label outside the vocabulary,
 * a malformed decision are FILE:LINE errors, and then nothing is
 * written); the second pass writes each output through a temporary file
 * renamed into place (la_atomic). The dataset is replaced only with
 * --in-place, and then atomically with its permissions kept.
 *
 * Main data structure: the decisions array and an open-addressing index
 * from id text to the decision (the last decision for an id wins, as a
 * later review of the same row supersedes an earlier one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "la_calibration.h"
#include "la_common.h"
#include "la_format.h"
#include "la_record.h"

enum { ST_OK = 0, ST_INVALID = 1, ST_USAGE = 2, ST_IO = 4 };

/* Errors listed before giving up on a decisions file. */
#define MAX_ERRORS 20

typedef enum dkind { D_SKIP = 0, D_KEEP, D_RELABEL, D_REMOVE } dkind;

typedef struct decision {
    char *id;
    dkind kind;
    char *value;          /* D_RELABEL: the new label as text */
    char *reviewer;       /* or NULL */
    uint32_t reasons;     /* bit per la_reason the row was queued for */
    double score;         /* queue score, < 0 when not exported */
    char *proposal;       /* what the export proposed, as text, or NULL */
    uint64_t line;        /* in the decisions file */
    int superseded;       /* a later decision names the same id */
    /* from the first pass over the dataset */
    long rows;            /* rows with this id */
    char *old;            /* the first such row's label, as text */
    const char *new_raw;  /* D_RELABEL: the value's JSON as the dataset writes it */
    char **labelers; int nlabelers;
} decision;

typedef struct vocab_entry {
    char *text, *raw;
} vocab_entry;

typedef struct applier {
    const la_apply_options *o;
    const char *fmt;               /* decisions format name */
    decision *d; size_t nd, dcap;
    size_t *slot; size_t nslot;    /* index: decision + 1, 0 = empty */
    vocab_entry *voc; size_t nvoc, voc_cap;
    int errors;
    /* counts */
    uint64_t rows_read, rows_written, relabeled, removed, unparsed, blank;
    long n_keep, n_relabel, n_remove, n_skip, n_superseded, n_same;
} applier;

void la_apply_options_init(la_apply_options *o)
{
    memset(o, 0, sizeof *o);
    o->id_path = "id";
    o->label_path = "label";
    o->annotations_path = "annotations";
    o->annotators_path = "annotators";
    o->annotator_key = "annotator";
    o->annotation_label_key = "label";
}

/* ---- diagnostics --------------------------------------------------------------- */

static void error_at(applier *a, const char *file, uint64_t line, const char *fmt, ...)
    LA_PRINTF(4, 5);

static void error_at(applier *a, const char *file, uint64_t line, const char *fmt, ...)
{
    if (++a->errors > MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    if (line) fprintf(stderr, "labelaudit: %s:%llu: ", file, (unsigned long long)line);
    else fprintf(stderr, "labelaudit: %s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- small helpers ----------------------------------------------------------------- */

/* A JSON scalar as text: a string decoded, a number as la_record_id_text
 * writes it, true/false as words; NULL for anything else. Owned. */
static char *scalar_text(const cJSON *v)
{
    if (!v) return NULL;
    if (cJSON_IsString(v)) return la_xstrdup(v->valuestring);
    if (cJSON_IsNumber(v)) {
        char tmp[LA_ID_TMP];
        const char *s;
        int isnum;
        size_t n = la_record_id_text(v, 0, tmp, &s, &isnum);
        return la_xstrndup(s, n);
    }
    if (cJSON_IsBool(v)) return la_xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    return NULL;
}

/* The bits of the reason codes named in s (any separators). */
static uint32_t reasons_from_text(const char *s)
{
    uint32_t bits = 0;
    while (s && *s) {
        while (*s && !((*s >= 'A' && *s <= 'Z') || *s == '_')) s++;
        const char *b = s;
        while ((*s >= 'A' && *s <= 'Z') || *s == '_') s++;
        int r = la_reason_parse(b, (size_t)(s - b));
        if (r >= 0) bits |= 1u << r;
    }
    return bits;
}

/* Reasons from a JSON string ("A, B") or array of strings. */
static uint32_t reasons_from_json(const cJSON *v)
{
    if (cJSON_IsString(v)) return reasons_from_text(v->valuestring);
    uint32_t bits = 0;
    const cJSON *x;
    if (cJSON_IsArray(v))
        cJSON_ArrayForEach(x, v) if (cJSON_IsString(x)) bits |= reasons_from_text(x->valuestring);
    return bits;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static double number_or(const cJSON *v, double dflt)
{
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* ---- the decisions ------------------------------------------------------------------- */

static decision *new_decision(applier *a, uint64_t line)
{
    LA_GROW(a->d, a->dcap, a->nd + 1);
    decision *d = &a->d[a->nd++];
    memset(d, 0, sizeof *d);
    d->line = line;
    d->score = -1;
    return d;
}

/* Sets the outcome from a reviewer's choice: "remove", "keep", or a label
 * value (a relabel to the label the row already has is found to be a
 * keep in the first pass). An empty choice means not reviewed. */
static void set_choice(decision *d, const char *choice)
{
    if (!choice || !*choice) d->kind = D_SKIP;
    else if (strcmp(choice, LA_DECISION_REMOVE) == 0) d->kind = D_REMOVE;
    else if (strcmp(choice, LA_DECISION_KEEP) == 0) d->kind = D_KEEP;
    else {
        d->kind = D_RELABEL;
        d->value = la_xstrdup(choice);
    }
}

/* ---- CSV (RFC 4180, as the csv export writes it) ------------------------------------- */

typedef struct csv_rec {
    char **f; int n; size_t cap;
    uint64_t line;        /* line the record starts on */
} csv_rec;

static void csv_free_rec(csv_rec *r)
{
    for (int i = 0; i < r->n; i++) free(r->f[i]);
    free(r->f);
    memset(r, 0, sizeof *r);
}

/* Reads the next record from s at *pos (advancing *pos and *line).
 * Returns 1 with rec filled, 0 at the end, -1 on an unclosed quote. */
static int csv_next(const char *s, size_t n, size_t *pos, uint64_t *line, csv_rec *rec)
{
    size_t i = *pos;
    if (i >= n) return 0;
    memset(rec, 0, sizeof *rec);
    rec->line = *line;
    la_buf f;
    la_buf_init(&f);
    for (;;) {
        la_buf_reset(&f);
        if (i < n && s[i] == '"') {
            for (i++;; i++) {
                if (i >= n) { la_buf_free(&f); csv_free_rec(rec); return -1; }
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') { la_buf_addc(&f, '"'); i++; continue; }
                    i++;
                    break;
                }
                if (s[i] == '\n') (*line)++;
                la_buf_addc(&f, s[i]);
            }
        }
        while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') la_buf_addc(&f, s[i++]);
        LA_GROW(rec->f, rec->cap, (size_t)rec->n + 1);
        rec->f[rec->n++] = la_xstrndup(f.p ? f.p : "", f.len);
        if (i < n && s[i] == ',') { i++; continue; }
        if (i < n && s[i] == '\r') i++;
        if (i < n && s[i] == '\n') i++;
        (*line)++;
        break;
    }
    la_buf_free(&f);
    *pos = i;
    return 1;
}

static int csv_col(const csv_rec *h, const char *name)
{
    for (int i = 0; i < h->n; i++)
        if (strcmp(h->f[i], name) == 0) return i;
    return -1;
}

static const char *csv_get(const csv_rec *r, int col)
{
    return col >= 0 && col < r->n ? r->f[col] : NULL;
}

static void parse_csv(applier *a, const char *s, size_t n)
{
    const char *file = a->o->decisions;
    size_t pos = 0;
    uint64_t line = 1;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) pos = 3;
    csv_rec h;
    if (csv_next(s, n, &pos, &line, &h) != 1) {
        error_at(a, file, 1, "no header line");
        return;
    }
    int cid = csv_col(&h, "id"), cdec = csv_col(&h, "decision"),
        crev = csv_col(&h, "reviewer"), creas = csv_col(&h, "reasons"),
        cscore = csv_col(&h, "score"), csug = csv_col(&h, "suggested");
    if (cid < 0 || cdec < 0) {
        error_at(a, file, 1, "the header needs an \"id\" and a \"decision\" column");
        csv_free_rec(&h);
        return;
    }
    csv_rec r;
    int st;
    while ((st = csv_next(s, n, &pos, &line, &r)) == 1) {
        if (r.n == 1 && !r.f[0][0]) { csv_free_rec(&r); continue; }   /* blank line */
        if (r.n != h.n) {
            error_at(a, file, r.line, "%d fields, the header has %d", r.n, h.n);
            csv_free_rec(&r);
            continue;
        }
        decision *d = new_decision(a, r.line);
        d->id = la_xstrdup(csv_get(&r, cid));
        const char *sug = csv_get(&r, csug);
        if (sug && *sug) d->proposal = la_xstrdup(sug);
        const char *dec = csv_get(&r, cdec);
        if (dec && strcmp(dec, LA_DECISION_ACCEPT) == 0) {
            if (!d->proposal)
                error_at(a, file, r.line, "decision \"accept\" but the row has no suggestion");
            set_choice(d, d->proposal);
        } else {
            set_choice(d, dec);
        }
        const char *rev = csv_get(&r, crev);
        if (rev && *rev) d->reviewer = la_xstrdup(rev);
        d->reasons = reasons_from_text(csv_get(&r, creas));
        const char *sc = csv_get(&r, cscore);
        if (sc && *sc) d->score = strtod(sc, NULL);
        csv_free_rec(&r);
    }
    if (st < 0) error_at(a, file, line, "a quoted field does not close");
    csv_free_rec(&h);
}

/* ---- Label Studio JSON export ------------------------------------------------------ */

/* The reviewer of a Label Studio annotation: completed_by as an e-mail,
 * a username or a user id. */
static char *ls_reviewer(const cJSON *ann)
{
    const cJSON *cb = get(ann, "completed_by");
    if (cJSON_IsObject(cb)) {
        const char *keys[] = { "email", "username", "id" };
        for (int i = 0; i < 3; i++) {
            char *t = scalar_text(get(cb, keys[i]));
            if (t) return t;
        }
        return NULL;
    }
    return scalar_text(cb);
}

static void ls_task(applier *a, const cJSON *t, uint64_t line)
{
    const char *file = a->o->decisions;
    const cJSON *data = get(t, "data");
    char *id = scalar_text(get(data, "id"));
    if (!cJSON_IsObject(t) || !id) {
        error_at(a, file, line, "a task without data.id (export the tasks labelaudit wrote)");
        free(id);
        return;
    }
    decision *d = new_decision(a, line);
    d->id = id;
    d->proposal = scalar_text(get(data, "suggested"));
    d->reasons = reasons_from_json(get(data, "reasons"));
    const cJSON *pred = cJSON_GetArrayItem(get(t, "predictions"), 0);
    d->score = number_or(get(pred, "score"), -1);
    /* the last annotation that was not cancelled decides */
    const cJSON *ann, *last = NULL;
    cJSON_ArrayForEach(ann, get(t, "annotations"))
        if (!cJSON_IsTrue(get(ann, "was_cancelled"))) last = ann;
    if (!last) return;                                   /* not reviewed */
    const cJSON *reg;
    char *choice = NULL;
    cJSON_ArrayForEach(reg, get(last, "result")) {
        const cJSON *from = get(reg, "from_name");
        if (!cJSON_IsString(from) || strcmp(from->valuestring, "label") != 0) continue;
        const cJSON *ch = get(get(reg, "value"), "choices");
        free(choice);
        choice = scalar_text(cJSON_GetArrayItem(ch, 0));
    }
    d->reviewer = ls_reviewer(last);
    if (!choice) {
        /* reviewed without touching the label: the given label stands */
        d->kind = D_KEEP;
        return;
    }
    set_choice(d, choice);
    free(choice);
}

static void parse_label_studio(applier *a, const char *s, size_t n)
{
    const char *file = a->o->decisions;
    size_t i = 0;
    uint64_t line = 1;
    size_t counted = 0;
    while (i < n && strchr(" \t\r\n", s[i])) i++;
    if (i >= n || s[i] != '[') {
        error_at(a, file, 1, "expected a JSON array of tasks");
        return;
    }
    i++;
    for (;;) {
        while (i < n && strchr(" \t\r\n,", s[i])) i++;
        if (i >= n) { error_at(a, file, line, "the array does not close"); return; }
        if (s[i] == ']') return;
        for (; counted < i; counted++) line += s[counted] == '\n';
        const char *end = NULL;
        cJSON *t = cJSON_ParseWithLengthOpts(s + i, n - i, &end, 0);
        if (!t) {
            error_at(a, file, line, "invalid JSON");
            return;
        }
        ls_task(a, t, line);
        cJSON_Delete(t);
        i = (size_t)(end - s);
    }
}

/* ---- Argilla records and Prodigy db-out (JSON Lines) --------------------------------- */

/* Argilla v2 responses: {"label": [{"value", "user_id", "status"?}]} as
 * rg.Record.to_dict writes them, or a list of {"question_name", "value",
 * "user_id", "status"?}. The last submitted response to "label" wins. */
static void argilla_record(applier *a, const cJSON *r, uint64_t line)
{
    char *id = scalar_text(get(r, "id"));
    if (!id) {
        error_at(a, a->o->decisions, line, "a record without an id");
        return;
    }
    decision *d = new_decision(a, line);
    d->id = id;
    const cJSON *md = get(r, "metadata");
    d->reasons = reasons_from_json(get(md, "reasons"));
    d->score = number_or(get(md, "score"), -1);
    const cJSON *sug = get(r, "suggestions"), *x;
    if (cJSON_IsArray(sug)) {
        cJSON_ArrayForEach(x, sug) {
            const cJSON *q = get(x, "question_name");
            if (cJSON_IsString(q) && strcmp(q->valuestring, "label") == 0)
                d->proposal = scalar_text(get(x, "value"));
        }
    } else if (cJSON_IsObject(sug)) {
        d->proposal = scalar_text(get(get(sug, "label"), "value"));
    }
    const cJSON *resp = get(r, "responses"), *list = NULL, *last = NULL;
    if (cJSON_IsObject(resp)) list = get(resp, "label");
    else list = resp;
    cJSON_ArrayForEach(x, list) {
        const cJSON *q = get(x, "question_name"), *st = get(x, "status");
        if (cJSON_IsString(q) && strcmp(q->valuestring, "label") != 0) continue;
        if (cJSON_IsString(st) && strcmp(st->valuestring, "submitted") != 0) continue;
        last = x;
    }
    if (!last) return;
    char *v = scalar_text(get(last, "value"));
    set_choice(d, v);
    free(v);
    d->reviewer = scalar_text(get(last, "user_id"));
}

/* Prodigy: "answer" accept / reject / ignore. Accepting takes the option
 * chosen ("accept": [...], choice interface) or else the task's label;
 * rejecting the proposal keeps the given label. */
static void prodigy_task(applier *a, const cJSON *t, uint64_t line)
{
    const cJSON *meta = get(t, "meta");
    char *id = scalar_text(get(meta, "id"));
    if (!id) {
        error_at(a, a->o->decisions, line, "a task without meta.id");
        return;
    }
    decision *d = new_decision(a, line);
    d->id = id;
    d->reasons = reasons_from_json(get(meta, "reasons"));
    d->score = number_or(get(meta, "score"), -1);
    d->proposal = scalar_text(get(t, "label"));
    d->reviewer = scalar_text(get(t, "_annotator_id"));
    if (!d->reviewer) d->reviewer = scalar_text(get(t, "_session_id"));
    const cJSON *ans = get(t, "answer");
    const char *answer = cJSON_IsString(ans) ? ans->valuestring : "";
    if (strcmp(answer, "reject") == 0) {
        d->kind = D_KEEP;
    } else if (strcmp(answer, "accept") == 0) {
        const cJSON *chosen = get(t, "accept");
        char *v = cJSON_GetArraySize(chosen) > 0 ? scalar_text(cJSON_GetArrayItem(chosen, 0))
                                                 : scalar_text(get(t, "label"));
        if (!v) error_at(a, a->o->decisions, line, "accepted, but the task has no label");
        set_choice(d, v);
        free(v);
    } else if (strcmp(answer, "ignore") != 0) {
        error_at(a, a->o->decisions, line, "answer is not accept, reject or ignore");
    }
}

static void parse_jsonl(applier *a, const char *s, size_t n, int prodigy)
{
    uint64_t line = 0;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        line++;
        size_t b = i;
        if (line == 1 && e - b >= 3 && memcmp(s + b, "\xef\xbb\xbf", 3) == 0) b += 3;
        size_t len = e - b;
        while (len && (s[b + len - 1] == '\r' || s[b + len - 1] == ' ')) len--;
        i = nl ? e + 1 : n;
        if (!len) continue;
        cJSON *t = cJSON_ParseWithLength(s + b, len);
        if (!cJSON_IsObject(t)) error_at(a, a->o->decisions, line, "not a JSON object");
        else if (prodigy) prodigy_task(a, t, line);
        else argilla_record(a, t, line);
        cJSON_Delete(t);
    }
}

/* The decisions format from the content: a JSON array is a Label Studio
 * export; JSON lines with "answer" or "_task_hash" are Prodigy's, with
 * "fields" or "responses" Argilla's; anything else is read as CSV. */
static const char *detect_format(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) i = 3;
    while (i < n && strchr(" \t\r\n", s[i])) i++;
    if (i < n && s[i] == '[') return "label-studio";
    if (i < n && s[i] == '{') {
        const char *nl = memchr(s + i, '\n', n - i);
        cJSON *t = cJSON_ParseWithLength(s + i, nl ? (size_t)(nl - s) - i : n - i);
        const char *f = NULL;
        if (get(t, "answer") || get(t, "_task_hash")) f = "prodigy";
        else if (get(t, "fields") || get(t, "responses")) f = "argilla";
        cJSON_Delete(t);
        if (f) return f;
    }
    return "csv";
}

static int read_file(const char *path, la_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return LA_EIO;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) la_buf_add(b, chunk, n);
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    errno = e;
    return bad ? LA_EIO : LA_OK;
}

/* ---- the id index -------------------------------------------------------------------- */

static size_t id_hash(const char *s)
{
    return (size_t)la_hash64(s, strlen(s), 0x617070u);
}

static decision *find(const applier *a, const char *id, size_t n)
{
    if (!a->nslot) return NULL;
    size_t h = (size_t)la_hash64(id, n, 0x617070u) & (a->nslot - 1);
    for (;; h = (h + 1) & (a->nslot - 1)) {
        size_t k = a->slot[h];
        if (!k) return NULL;
        decision *d = &a->d[k - 1];
        if (strlen(d->id) == n && memcmp(d->id, id, n) == 0) return d;
    }
}

/* Indexes every decision by id; an earlier decision for the same id is
 * superseded by the later one. */
static void build_index(applier *a)
{
    a->nslot = 16;
    while (a->nslot < a->nd * 2 + 2) a->nslot *= 2;
    a->slot = la_xcalloc(a->nslot, sizeof *a->slot);
    for (size_t i = 0; i < a->nd; i++) {
        decision *d = &a->d[i];
        size_t h = id_hash(d->id) & (a->nslot - 1);
        for (;; h = (h + 1) & (a->nslot - 1)) {
            size_t k = a->slot[h];
            if (!k) { a->slot[h] = i + 1; break; }
            if (strcmp(a->d[k - 1].id, d->id) == 0) {
                a->d[k - 1].superseded = 1;
                a->n_superseded++;
                a->slot[h] = i + 1;
                break;
            }
        }
    }
}

/* ---- the dataset ------------------------------------------------------------------------ */

/* One parsed dataset line: the id text, the label's raw bytes and text. */
typedef struct row {
    cJSON *json;
    char idtmp[LA_ID_TMP];
    const char *id; size_t id_len;
    size_t lab_start, lab_end;     /* label value bytes in the line; end 0: none */
    char *label_text;              /* owned */
} row;

static void row_free(row *r)
{
    cJSON_Delete(r->json);
    free(r->label_text);
    memset(r, 0, sizeof *r);
}

/* Parses a line (without its newline). Returns 0 when it is not a JSON
 * object (such lines are copied unchanged). */
static int row_parse(const applier *a, const char *s, size_t n, uint64_t line, row *r)
{
    memset(r, 0, sizeof *r);
    size_t b = n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    r->json = cJSON_ParseWithLength(s + b, n - b);
    if (!cJSON_IsObject(r->json)) return 0;
    int isnum;
    r->id_len = la_record_id_text(la_record_path(r->json, a->o->id_path), line, r->idtmp,
                                  &r->id, &isnum);
    const cJSON *lab = la_record_path(r->json, a->o->label_path);
    if (lab && !cJSON_IsNull(lab) && la_record_path_span(s, n, a->o->label_path, &r->lab_start,
                                                         &r->lab_end))
        r->label_text = scalar_text(lab);
    return 1;
}

static const vocab_entry *vocab_find(const applier *a, const char *text)
{
    for (size_t i = 0; i < a->nvoc; i++)
        if (strcmp(a->voc[i].text, text) == 0) return &a->voc[i];
    return NULL;
}

static void vocab_add(applier *a, const char *text, const char *raw, size_t rawlen)
{
    if (vocab_find(a, text)) return;
    LA_GROW(a->voc, a->voc_cap, a->nvoc + 1);
    a->voc[a->nvoc].text = la_xstrdup(text);
    a->voc[a->nvoc].raw = la_xstrndup(raw, rawlen);
    a->nvoc++;
}

/* Who labeled the row: --labeler's value, or the annotators whose own
 * label equals the row's label (annotation objects, or parallel label and
 * annotator arrays). */
static void note_labelers(const applier *a, const row *r, decision *d)
{
    const cJSON *v = a->o->labeler_path ? la_record_path(r->json, a->o->labeler_path) : NULL;
    char *t = scalar_text(v);
    if (t) {
        d->labelers = la_xmalloc(sizeof *d->labelers);
        d->labelers[d->nlabelers++] = t;
        return;
    }
    const cJSON *ann = la_record_path(r->json, a->o->annotations_path);
    const cJSON *who = la_record_path(r->json, a->o->annotators_path);
    int n = cJSON_GetArraySize(ann);
    for (int i = 0; i < n && r->label_text; i++) {
        const cJSON *x = cJSON_GetArrayItem(ann, i);
        char *lab, *name;
        if (cJSON_IsObject(x)) {
            lab = scalar_text(get(x, a->o->annotation_label_key));
            name = scalar_text(get(x, a->o->annotator_key));
        } else {
            lab = scalar_text(x);
            name = scalar_text(cJSON_GetArrayItem(who, i));
        }
        if (lab && name && strcmp(lab, r->label_text) == 0) {
            d->labelers = la_xrealloc(d->labelers, (size_t)(d->nlabelers + 1) * sizeof *d->labelers);
            d->labelers[d->nlabelers++] = name;
            name = NULL;
        }
        free(lab);
        free(name);
    }
}

typedef int (*line_fn)(applier *a, const char *raw, size_t len, size_t content,
                       uint64_t line, void *ud);

/* Calls fn for every line of the dataset: raw bytes with the newline,
 * the length of the content without "\r\n", and the 1-based line. */
static int each_line(applier *a, line_fn fn, void *ud)
{
    FILE *f = fopen(a->o->dataset, "rb");
    if (!f) {
        fprintf(stderr, "labelaudit: %s: %s\n", a->o->dataset, strerror(errno));
        return ST_IO;
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t line = 0;
    int st = ST_OK;
    while (st == ST_OK && (n = getline(&buf, &cap, f)) >= 0) {
        size_t c = (size_t)n;
        if (c && buf[c - 1] == '\n') c--;
        if (c && buf[c - 1] == '\r') c--;
        st = fn(a, buf, (size_t)n, c, ++line, ud);
    }
    if (st == ST_OK && ferror(f)) {
        fprintf(stderr, "labelaudit: %s: read error: %s\n", a->o->dataset, strerror(errno));
        st = ST_IO;
    }
    free(buf);
    fclose(f);
    return st;
}

/* First pass: ids, label vocabulary, who labeled the decided rows. */
static int first_pass_line(applier *a, const char *raw, size_t len, size_t c, uint64_t line,
                           void *ud)
{
    (void)len; (void)ud;
    a->rows_read++;
    row r;
    if (!row_parse(a, raw, c, line, &r)) {
        if (c) {
            a->unparsed++;
            fprintf(stderr, "labelaudit: %s:%llu: not a JSON object; copied unchanged\n",
                    a->o->dataset, (unsigned long long)line);
        } else {
            a->blank++;
        }
        row_free(&r);
        return ST_OK;
    }
    if (r.label_text) vocab_add(a, r.label_text, raw + r.lab_start, r.lab_end - r.lab_start);
    decision *d = find(a, r.id, r.id_len);
    if (d && !d->rows++) {
        d->old = r.label_text ? la_xstrdup(r.label_text) : NULL;
        note_labelers(a, &r, d);
    }
    row_free(&r);
    return ST_OK;
}

/* Checks every decision against the dataset. */
static void check_decisions(applier *a)
{
    for (size_t i = 0; i < a->nd; i++) {
        decision *d = &a->d[i];
        if (d->superseded) continue;
        if (!d->rows) {
            error_at(a, a->o->decisions, d->line, "id \"%s\" is not in %s", d->id, a->o->dataset);
            continue;
        }
        if (d->kind != D_RELABEL) continue;
        const vocab_entry *v = vocab_find(a, d->value);
        if (!v) {
            la_buf vals;
            la_buf_init(&vals);
            for (size_t k = 0; k < a->nvoc && k < 12; k++) {
                if (k) la_buf_adds(&vals, ", ");
                la_buf_adds(&vals, a->voc[k].text);
            }
            error_at(a, a->o->decisions, d->line,
                     "label \"%s\" is not a value of \"%s\" in %s (its values: %s)", d->value,
                     a->o->label_path, a->o->dataset, vals.p ? vals.p : "none");
            la_buf_free(&vals);
            continue;
        }
        if (d->old && strcmp(d->old, d->value) == 0) {
            d->kind = D_KEEP;          /* "relabeled" to the label it has */
            a->n_same++;
            continue;
        }
        d->new_raw = v->raw;
    }
}

typedef struct outputs {
    la_atomic data;
    la_buf log;
} outputs;

static void log_entry(la_buf *b, const decision *d, const char *old_raw, size_t old_len,
                      uint64_t line)
{
    la_buf_adds(b, "{\"id\":");
    la_buf_add_json_str(b, d->id, strlen(d->id));
    la_buf_printf(b, ",\"line\":%llu,\"action\":\"%s\",\"old\":", (unsigned long long)line,
                  d->kind == D_REMOVE ? "remove" : "relabel");
    if (old_raw) la_buf_add(b, old_raw, old_len);
    else la_buf_adds(b, "null");
    la_buf_adds(b, ",\"new\":");
    la_buf_adds(b, d->kind == D_RELABEL ? d->new_raw : "null");
    la_buf_adds(b, ",\"reviewer\":");
    if (d->reviewer) la_buf_add_json_str(b, d->reviewer, strlen(d->reviewer));
    else la_buf_adds(b, "null");
    la_buf_adds(b, ",\"reasons\":[");
    int k = 0;
    for (int r = 0; r < LA_R__COUNT; r++)
        if (d->reasons & (1u << r)) {
            if (k++) la_buf_addc(b, ',');
            la_buf_printf(b, "\"%s\"", la_reason_name((la_reason)r));
        }
    la_buf_adds(b, "]}\n");
}

/* Second pass: the corrected dataset and the change log. */
static int second_pass_line(applier *a, const char *raw, size_t len, size_t c, uint64_t line,
                            void *ud)
{
    outputs *out = ud;
    FILE *f = out->data.f;
    row r;
    decision *d = NULL;
    if (row_parse(a, raw, c, line, &r)) d = find(a, r.id, r.id_len);
    if (d && d->kind == D_REMOVE) {
        a->removed++;
        log_entry(&out->log, d, r.lab_end ? raw + r.lab_start : NULL, r.lab_end - r.lab_start,
                  line);
        row_free(&r);
        return ST_OK;
    }
    size_t w;
    if (d && d->kind == D_RELABEL && r.lab_end) {
        size_t nr = strlen(d->new_raw);
        w = fwrite(raw, 1, r.lab_start, f) + fwrite(d->new_raw, 1, nr, f) +
            fwrite(raw + r.lab_end, 1, len - r.lab_end, f);
        w = w == r.lab_start + nr + len - r.lab_end ? len : 0;
        a->relabeled++;
        log_entry(&out->log, d, raw + r.lab_start, r.lab_end - r.lab_start, line);
    } else {
        w = fwrite(raw, 1, len, f);
    }
    row_free(&r);
    a->rows_written++;
    if (w != len) {
        fprintf(stderr, "labelaudit: %s: write error: %s\n", a->o->output, strerror(errno));
        return ST_IO;
    }
    return ST_OK;
}

/* ---- calibration and the report ------------------------------------------------------ */

static void calibrate(applier *a, la_calibration *cal)
{
    for (size_t i = 0; i < a->nd; i++) {
        const decision *d = &a->d[i];
        if (d->superseded) continue;
        switch (d->kind) {
        case D_SKIP: a->n_skip++; continue;
        case D_KEEP: a->n_keep++; break;
        case D_RELABEL: a->n_relabel++; break;
        case D_REMOVE: a->n_remove++; break;
        }
        int confirmed = d->kind == D_RELABEL || d->kind == D_REMOVE;
        int accepted = d->proposal &&
                       ((d->kind == D_REMOVE && strcmp(d->proposal, LA_DECISION_REMOVE) == 0) ||
                        (d->kind == D_RELABEL && strcmp(d->proposal, d->value) == 0));
        la_calibration_add(cal, d->reasons, d->score, confirmed, accepted);
        if (d->kind != D_REMOVE)
            for (int k = 0; k < d->nlabelers; k++)
                la_calibration_labeler(cal, d->labelers[k], strlen(d->labelers[k]),
                                       d->kind == D_RELABEL);
    }
}

static void print_report(const applier *a, const la_calibration *cal, FILE *out)
{
    fprintf(out, "labelaudit apply: %zu decisions from %s (%s), dataset %s -> %s\n",
            a->nd, a->o->decisions, a->fmt, a->o->dataset,
            a->o->in_place ? "(in place)" : a->o->output);
    fprintf(out, "  decisions: %ld relabel, %ld remove, %ld keep, %ld not reviewed",
            a->n_relabel, a->n_remove, a->n_keep, a->n_skip);
    if (a->n_superseded) fprintf(out, ", %ld superseded by a later one", a->n_superseded);
    if (a->n_same) fprintf(out, " (%ld relabels to the label the row had count as keep)", a->n_same);
    fputc('\n', out);
    fprintf(out, "  rows: %llu read, %llu written, %llu relabeled, %llu removed",
            (unsigned long long)(a->rows_read - a->blank), (unsigned long long)(a->rows_written - a->blank),
            (unsigned long long)a->relabeled, (unsigned long long)a->removed);
    if (a->unparsed) fprintf(out, ", %llu not JSON objects (copied unchanged)",
                             (unsigned long long)a->unparsed);
    fputc('\n', out);
    la_calibration_print(cal, out);
}

/* ---- the run -------------------------------------------------------------------------- */

static int same_file(const char *x, const char *y)
{
    struct stat a, b;
    return stat(x, &a) == 0 && stat(y, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int check_usage(const la_apply_options *o)
{
    const char *why = NULL;
    if (!o->dataset) why = "a dataset file is required";
    else if (!o->decisions) why = "--decisions FILE is required";
    else if (!o->output && !o->in_place) why = "--output FILE or --in-place is required";
    else if (o->output && o->in_place) why = "--output and --in-place exclude each other";
    else if (strcmp(o->dataset, "-") == 0) why = "the dataset must be a file (it is read twice)";
    else if (o->decisions_format && strcmp(o->decisions_format, "auto") != 0 &&
             strcmp(o->decisions_format, "csv") != 0 &&
             strcmp(o->decisions_format, "label-studio") != 0 &&
             strcmp(o->decisions_format, "argilla") != 0 &&
             strcmp(o->decisions_format, "prodigy") != 0)
        why = "--decisions-format: expected auto, csv, label-studio, argilla or prodigy";
    if (why) {
        fprintf(stderr, "labelaudit apply: %s\nTry 'labelaudit apply --help' for more information.\n", why);
        return ST_USAGE;
    }
    const char *outs[3] = { o->output, o->log_path, o->calibration_path };
    for (int i = 0; i < 3; i++) {
        if (!outs[i]) continue;
        if (same_file(outs[i], o->dataset) || same_file(outs[i], o->decisions)) {
            fprintf(stderr, "labelaudit apply: %s is an input; refusing to write over it%s\n",
                    outs[i], i == 0 ? " (--in-place replaces the dataset)" : "");
            return ST_USAGE;
        }
        struct stat st;
        if (!o->force && stat(outs[i], &st) == 0) {
            fprintf(stderr, "labelaudit apply: %s exists; --force replaces it\n", outs[i]);
            return ST_USAGE;
        }
    }
    return ST_OK;
}

static void applier_free(applier *a)
{
    for (size_t i = 0; i < a->nd; i++) {
        decision *d = &a->d[i];
        free(d->id); free(d->value); free(d->reviewer); free(d->proposal); free(d->old);
        for (int k = 0; k < d->nlabelers; k++) free(d->labelers[k]);
        free(d->labelers);
    }
    free(a->d);
    free(a->slot);
    for (size_t i = 0; i < a->nvoc; i++) { free(a->voc[i].text); free(a->voc[i].raw); }
    free(a->voc);
}

/* Writes the dataset, the log and the calibration table. */
static int write_outputs(applier *a, const la_calibration *cal)
{
    const la_apply_options *o = a->o;
    const char *target = o->in_place ? o->dataset : o->output;
    int mode = -1;
    struct stat st;
    if (o->in_place && stat(o->dataset, &st) == 0) mode = (int)(st.st_mode & 07777);
    outputs out;
    la_buf_init(&out.log);
    if (la_atomic_open(&out.data, target, mode) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", target, strerror(errno));
        la_buf_free(&out.log);
        return ST_IO;
    }
    int rc = each_line(a, second_pass_line, &out);
    if (rc != ST_OK) {
        la_atomic_abort(&out.data);
        la_buf_free(&out.log);
        return rc;
    }
    /* the side files first: the dataset is the last to change */
    if (o->log_path && la_write_file_atomic(o->log_path, out.log.p, out.log.len) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", o->log_path, strerror(errno));
        rc = ST_IO;
    }
    if (rc == ST_OK && o->calibration_path) {
        cJSON *j = la_calibration_json(cal);
        char *s = cJSON_PrintUnformatted(j);
        la_buf b;
        la_buf_init(&b);
        la_buf_adds(&b, s);
        la_buf_addc(&b, '\n');
        if (la_write_file_atomic(o->calibration_path, b.p, b.len) != LA_OK) {
            fprintf(stderr, "labelaudit: %s: %s\n", o->calibration_path, strerror(errno));
            rc = ST_IO;
        }
        la_buf_free(&b);
        cJSON_free(s);
        cJSON_Delete(j);
    }
    if (rc != ST_OK) la_atomic_abort(&out.data);
    else if (la_atomic_commit(&out.data) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", target, strerror(errno));
        rc = ST_IO;
    }
    la_buf_free(&out.log);
    return rc;
}

int la_apply_run(const la_apply_options *o, FILE *out)
{
    int rc = check_usage(o);
    if (rc != ST_OK) return rc;
    applier a;
    memset(&a, 0, sizeof a);
    a.o = o;
    la_buf src;
    la_buf_init(&src);
    if (read_file(o->decisions, &src) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", o->decisions, strerror(errno));
        la_buf_free(&src);
        return ST_IO;
    }
    const char *s = src.p ? src.p : "";
    a.fmt = o->decisions_format && strcmp(o->decisions_format, "auto") != 0
                ? o->decisions_format : detect_format(s, src.len);
    if (strcmp(a.fmt, "csv") == 0) parse_csv(&a, s, src.len);
    else if (strcmp(a.fmt, "label-studio") == 0) parse_label_studio(&a, s, src.len);
    else parse_jsonl(&a, s, src.len, strcmp(a.fmt, "prodigy") == 0);
    la_buf_free(&src);

    la_calibration *cal = la_calibration_new();
    if (!a.errors) {
        build_index(&a);
        rc = each_line(&a, first_pass_line, NULL);
        if (rc == ST_OK) check_decisions(&a);
    }
    if (rc == ST_OK && a.errors) {
        if (a.errors > MAX_ERRORS)
            fprintf(stderr, "labelaudit: ... %d errors in all\n", a.errors);
        fprintf(stderr, "labelaudit: nothing written: fix the decisions and run again\n");
        rc = ST_INVALID;
    }
    if (rc == ST_OK) {
        calibrate(&a, cal);
        rc = write_outputs(&a, cal);
    }
    if (rc == ST_OK && !o->quiet) print_report(&a, cal, out);
    la_calibration_free(cal);
    applier_free(&a);
    return rc;
}
