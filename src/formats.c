/*
 * formats.c - serializes queue rows for the review tools teams already use:
 * CSV (RFC 4180), Label Studio task lists, Argilla v2 records and Prodigy
 * tasks. The default JSONL row (DESIGN.md section 4) lives in jsonl.c; this
 * file only dispatches to it.
 *
 * Every function appends to a caller-owned la_buf and keeps no state
 * between calls, so one writer may interleave formats and rows freely. The
 * JSON-array format (label-studio) is framed by la_fmt_begin/la_fmt_end:
 * begin writes "[", each row writes its separator first ("\n" for the first
 * row, ",\n" after), end writes "\n]\n" (or "]\n" when no row was written),
 * so the array is valid whatever the number of rows. The JSONL formats
 * (jsonl, argilla, prodigy) and CSV need no closing bytes.
 *
 * Invariants: numbers go through la_buf_add_score so every format prints a
 * score the same way; strings through la_buf_add_json_str (JSON) or
 * csv_field (CSV). Queue spans are byte offsets into the original text;
 * Label Studio and Prodigy want character offsets, i.e. Unicode code
 * points counted from the start of the text (Python string indices), so
 * spans are converted with one pass over the text per row (char_offsets).
 * An offset that falls inside a multi-byte sequence is rounded down to the
 * start of that sequence; a byte of invalid UTF-8 counts as one character,
 * as la_buf_add_json_str writes it as one U+FFFD.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_format.h"

/* ---- shared pieces ------------------------------------------------------- */

/* Name of a class, or NULL when unknown. */
static const char *cls(la_class c)
{
    return la_class_name(c);
}

/* The class a reviewer is asked to confirm: the suggestion when there is
 * one, else the given label's class; NULL when neither is known. */
static const char *proposed_class(const la_result *r)
{
    const char *s = cls(r->suggested);
    return s ? s : cls(r->label_class);
}

/* Appends the row's id as JSON: a number stays a number, anything else is
 * a string; a row without id text gets its line number. */
static void add_id_json(la_buf *b, const la_result *r)
{
    if (r->id && r->id_is_number) la_buf_add(b, r->id, r->id_len);
    else if (r->id) la_buf_add_json_str(b, r->id, r->id_len);
    else la_buf_printf(b, "%llu", (unsigned long long)r->line);
}

/* Appends the row's id as a JSON string (Argilla ids are strings). */
static void add_id_str(la_buf *b, const la_result *r)
{
    if (r->id) la_buf_add_json_str(b, r->id, r->id_len);
    else la_buf_printf(b, "\"%llu\"", (unsigned long long)r->line);
}

/* The label as plain text: a JSON string label is decoded, any other JSON
 * value (number, true, ...) is its JSON text. Writes into tmp (reset
 * first) and returns a pointer/length into tmp or into r; *n = 0 and
 * NULL when the row has no label. */
static const char *label_text(const la_result *r, la_buf *tmp, size_t *n)
{
    *n = 0;
    if (!r->label_json || !r->label_json_len) return NULL;
    if (r->label_json[0] != '"') {            /* number, bool: as written */
        *n = r->label_json_len;
        return r->label_json;
    }
    la_buf_reset(tmp);
    cJSON *j = cJSON_ParseWithLength(r->label_json, r->label_json_len);
    if (j && cJSON_IsString(j) && j->valuestring) la_buf_adds(tmp, j->valuestring);
    else la_buf_add(tmp, r->label_json, r->label_json_len);  /* not reached on valid rows */
    cJSON_Delete(j);
    *n = tmp->len;
    return tmp->p;
}

/* Appends the label as a JSON string (decoded text, re-encoded). */
static void add_label_str(la_buf *b, const la_result *r)
{
    la_buf tmp;
    la_buf_init(&tmp);
    size_t n;
    const char *s = label_text(r, &tmp, &n);
    if (s) la_buf_add_json_str(b, s, n);
    else la_buf_adds(b, "null");
    la_buf_free(&tmp);
}

/* Appends a JSON array of the row's reason codes. */
static void add_codes_array(la_buf *b, const la_result *r)
{
    la_buf_addc(b, '[');
    for (int i = 0; i < r->nfind; i++) {
        if (i) la_buf_addc(b, ',');
        const char *c = la_reason_name(r->find[i].code);
        la_buf_add_json_str(b, c ? c : "", c ? strlen(c) : 0);
    }
    la_buf_addc(b, ']');
}

/* Appends the reason codes joined by sep (no quoting). */
static void add_codes_joined(la_buf *b, const la_result *r, const char *sep)
{
    for (int i = 0; i < r->nfind; i++) {
        if (i) la_buf_adds(b, sep);
        const char *c = la_reason_name(r->find[i].code);
        if (c) la_buf_adds(b, c);
    }
}

/* The reason codes as one JSON string ("A, B"). */
static void add_codes_json(la_buf *b, const la_result *r)
{
    la_buf t;
    la_buf_init(&t);
    add_codes_joined(&t, r, ", ");
    la_buf_add_json_str(b, t.p ? t.p : "", t.len);
    la_buf_free(&t);
}

/* True when evidence i repeats an earlier span with the same kind (two
 * findings may cite the same words). */
static int ev_repeat(const la_result *r, int i)
{
    const la_evidence *e = &r->ev[i];
    for (int k = 0; k < i; k++) {
        const la_evidence *f = &r->ev[k];
        if (f->start == e->start && f->end == e->end &&
            strcmp(f->kind ? f->kind : "", e->kind ? e->kind : "") == 0)
            return 1;
    }
    return 0;
}

/* True when evidence i has a usable span inside the text. */
static int ev_ok(const la_result *r, int i)
{
    const la_evidence *e = &r->ev[i];
    return e->start < e->end && e->end <= r->text_len;
}

/* Character offsets of the evidence spans: cs[i]/ce[i] receive the code
 * point offsets of r->ev[i].start/end. One pass over the text, visiting
 * the sorted byte offsets in order. */
static void char_offsets(const la_result *r, uint32_t *cs, uint32_t *ce)
{
    uint32_t want[2 * LA_MAX_EVIDENCE];
    int nw = 0;
    int nev = r->nev < LA_MAX_EVIDENCE ? r->nev : LA_MAX_EVIDENCE;
    for (int i = 0; i < nev; i++) {
        want[nw++] = r->ev[i].start;
        want[nw++] = r->ev[i].end;
    }
    /* insertion sort: at most 96 values */
    for (int i = 1; i < nw; i++) {
        uint32_t v = want[i];
        int j = i;
        while (j > 0 && want[j - 1] > v) { want[j] = want[j - 1]; j--; }
        want[j] = v;
    }
    uint32_t map[2 * LA_MAX_EVIDENCE];
    const unsigned char *u = (const unsigned char *)r->text;
    size_t pos = 0, n = r->text_len;
    uint32_t chars = 0;
    for (int w = 0; w < nw; w++) {
        size_t target = want[w] < n ? want[w] : n;
        for (;;) {
            size_t k = pos < n ? la_utf8_valid_len(u + pos, n - pos) : 0;
            if (k == 0) k = 1;
            if (pos >= target || pos + k > target) break;  /* round down */
            pos += k;
            chars++;
        }
        map[w] = chars;
    }
    for (int i = 0; i < nev; i++) {
        for (int w = 0; w < nw; w++) if (want[w] == r->ev[i].start) { cs[i] = map[w]; break; }
        for (int w = 0; w < nw; w++) if (want[w] == r->ev[i].end) { ce[i] = map[w]; break; }
    }
}

/* ---- CSV ------------------------------------------------------------------- */

static const char csv_header[] =
    "id,line,label,label_class,suggested,score,reasons,why,evidence,"
    "cluster_of,similarity,agreement_share,text\r\n";

/* Appends one RFC 4180 field: quoted when it holds a comma, quote, CR or
 * LF, with quotes doubled. Bytes that are not valid UTF-8 (a "why" cut at
 * its size limit inside a character) are written as U+FFFD, as the JSON
 * writers do, so the file is always valid UTF-8. */
static void csv_field(la_buf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') { quote = 1; break; }
    if (quote) la_buf_addc(b, '"');
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0, i = 0;
    while (i < n) {
        size_t k = u[i] < 0x80 ? 1 : la_utf8_valid_len(u + i, n - i);
        if (k && u[i] != '"') { i += k; continue; }
        la_buf_add(b, s + from, i - from);
        la_buf_adds(b, k ? "\"\"" : "\xEF\xBF\xBD");
        i += k ? k : 1;
        from = i;
    }
    la_buf_add(b, s + from, n - from);
    if (quote) la_buf_addc(b, '"');
}

static void csv_bufield(la_buf *b, const la_buf *f)
{
    csv_field(b, f->p ? f->p : "", f->len);
}

static void csv_row(la_buf *b, const la_result *r)
{
    la_buf f;
    la_buf_init(&f);
    size_t n;

    /* id */
    if (r->id) csv_field(b, r->id, r->id_len);
    else la_buf_printf(b, "%llu", (unsigned long long)r->line);
    la_buf_printf(b, ",%llu,", (unsigned long long)r->line);
    /* label (decoded text), label_class, suggested */
    const char *lt = label_text(r, &f, &n);
    if (lt) csv_field(b, lt, n);
    la_buf_addc(b, ',');
    if (cls(r->label_class)) la_buf_adds(b, cls(r->label_class));
    la_buf_addc(b, ',');
    if (cls(r->suggested)) la_buf_adds(b, cls(r->suggested));
    la_buf_addc(b, ',');
    la_buf_add_score(b, r->score);
    la_buf_addc(b, ',');
    /* reasons */
    la_buf_reset(&f);
    add_codes_joined(&f, r, "|");
    csv_bufield(b, &f);
    la_buf_addc(b, ',');
    /* why */
    la_buf_reset(&f);
    for (int i = 0; i < r->nfind; i++) {
        if (i) la_buf_adds(&f, " | ");
        la_buf_adds(&f, r->find[i].why);
    }
    csv_bufield(b, &f);
    la_buf_addc(b, ',');
    /* evidence: kind:text per distinct span */
    la_buf_reset(&f);
    int k = 0;
    for (int i = 0; i < r->nev && i < LA_MAX_EVIDENCE; i++) {
        if (!ev_ok(r, i) || ev_repeat(r, i)) continue;
        if (k++) la_buf_adds(&f, " | ");
        if (r->ev[i].kind) { la_buf_adds(&f, r->ev[i].kind); la_buf_addc(&f, ':'); }
        la_buf_add(&f, r->text + r->ev[i].start, r->ev[i].end - r->ev[i].start);
    }
    csv_bufield(b, &f);
    la_buf_addc(b, ',');
    /* cluster_of, similarity */
    if (r->cluster.has_cluster) {
        if (r->cluster.of) csv_field(b, r->cluster.of, r->cluster.of_len);
        la_buf_addc(b, ',');
        la_buf_add_score(b, r->cluster.similarity);
    } else {
        la_buf_addc(b, ',');
    }
    la_buf_addc(b, ',');
    /* agreement_share */
    if (r->agreement.n > 0) la_buf_add_score(b, r->agreement.share);
    la_buf_addc(b, ',');
    /* text */
    csv_field(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    la_buf_adds(b, "\r\n");
    la_buf_free(&f);
}

/* ---- Label Studio ------------------------------------------------------------ */

/* One task of a Label Studio JSON import: data (text, id, label, plus the
 * reasons and suggestion as display strings), one prediction whose result
 * holds a "choices" region for the proposed class and a "labels" region
 * per evidence span (character offsets), and meta with the reasons. */
static void ls_row(la_buf *b, const la_result *r)
{
    uint32_t cs[LA_MAX_EVIDENCE] = { 0 }, ce[LA_MAX_EVIDENCE] = { 0 };
    char_offsets(r, cs, ce);

    la_buf_adds(b, "{\"data\":{\"text\":");
    la_buf_add_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    la_buf_adds(b, ",\"id\":");
    add_id_json(b, r);
    la_buf_adds(b, ",\"label\":");
    if (r->label_json && r->label_json_len) la_buf_add(b, r->label_json, r->label_json_len);
    else la_buf_adds(b, "null");
    la_buf_adds(b, ",\"label_class\":");
    if (cls(r->label_class)) la_buf_add_json_str(b, cls(r->label_class), strlen(cls(r->label_class)));
    else la_buf_adds(b, "null");
    la_buf_adds(b, ",\"reasons\":");
    add_codes_json(b, r);
    la_buf_adds(b, "},\"predictions\":[{\"model_version\":\"labelaudit-" LA_VERSION "\",\"score\":");
    la_buf_add_score(b, r->score);
    la_buf_adds(b, ",\"result\":[");
    int nres = 0;
    const char *pc = proposed_class(r);
    if (pc) {
        la_buf_adds(b, "{\"id\":\"label\",\"from_name\":\"label\",\"to_name\":\"text\","
                       "\"type\":\"choices\",\"value\":{\"choices\":[");
        la_buf_add_json_str(b, pc, strlen(pc));
        la_buf_adds(b, "]}}");
        nres++;
    }
    for (int i = 0; i < r->nev && i < LA_MAX_EVIDENCE; i++) {
        if (!ev_ok(r, i) || ev_repeat(r, i)) continue;
        const char *kind = r->ev[i].kind ? r->ev[i].kind : "evidence";
        if (nres++) la_buf_addc(b, ',');
        la_buf_printf(b, "{\"id\":\"ev%d\",\"from_name\":\"evidence\",\"to_name\":\"text\","
                         "\"type\":\"labels\",\"value\":{\"start\":%u,\"end\":%u,\"text\":",
                      i, (unsigned)cs[i], (unsigned)ce[i]);
        la_buf_add_json_str(b, r->text + r->ev[i].start, r->ev[i].end - r->ev[i].start);
        la_buf_adds(b, ",\"labels\":[");
        la_buf_add_json_str(b, kind, strlen(kind));
        la_buf_adds(b, "]}}");
    }
    la_buf_adds(b, "]}],\"meta\":{\"reasons\":");
    add_codes_array(b, r);
    la_buf_adds(b, ",\"why\":[");
    for (int i = 0; i < r->nfind; i++) {
        if (i) la_buf_addc(b, ',');
        la_buf_add_json_str(b, r->find[i].why, strnlen(r->find[i].why, LA_WHY_MAX));
    }
    la_buf_adds(b, "],\"suggested\":");
    if (cls(r->suggested)) la_buf_add_json_str(b, cls(r->suggested), strlen(cls(r->suggested)));
    else la_buf_adds(b, "null");
    la_buf_printf(b, ",\"line\":%llu}}", (unsigned long long)r->line);
}

/* ---- Argilla ------------------------------------------------------------------ */

/* One Argilla v2 record per line (JSONL): id (string), fields.text, a
 * suggestion for the "label" question, and metadata. The keys are the
 * keyword arguments of argilla's Record and Suggestion classes. */
static void argilla_row(la_buf *b, const la_result *r)
{
    la_buf_adds(b, "{\"id\":");
    add_id_str(b, r);
    la_buf_adds(b, ",\"fields\":{\"text\":");
    la_buf_add_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    la_buf_adds(b, "},\"suggestions\":[");
    const char *pc = proposed_class(r);
    if (pc) {
        la_buf_adds(b, "{\"question_name\":\"label\",\"value\":");
        la_buf_add_json_str(b, pc, strlen(pc));
        la_buf_adds(b, ",\"score\":");
        la_buf_add_score(b, r->score);
        la_buf_adds(b, ",\"agent\":\"labelaudit-" LA_VERSION "\"}");
    }
    /* Argilla metadata values are terms (strings or lists of strings),
     * integers or floats; a missing label is left out rather than null. */
    la_buf_adds(b, "],\"metadata\":{");
    if (r->label_json && r->label_json_len) {
        la_buf_adds(b, "\"label\":");
        add_label_str(b, r);
        la_buf_addc(b, ',');
    }
    if (cls(r->label_class)) {
        la_buf_adds(b, "\"label_class\":");
        la_buf_add_json_str(b, cls(r->label_class), strlen(cls(r->label_class)));
        la_buf_addc(b, ',');
    }
    la_buf_adds(b, "\"reasons\":");
    add_codes_array(b, r);
    la_buf_adds(b, ",\"score\":");
    la_buf_add_score(b, r->score);
    la_buf_printf(b, ",\"line\":%llu}}\n", (unsigned long long)r->line);
}

/* ---- Prodigy -------------------------------------------------------------------- */

/* One Prodigy task per line: text, the label to accept or reject (the
 * proposed class), spans in character offsets, meta shown under the card
 * (plain strings and numbers, which Prodigy displays as they are). */
static void prodigy_row(la_buf *b, const la_result *r)
{
    uint32_t cs[LA_MAX_EVIDENCE] = { 0 }, ce[LA_MAX_EVIDENCE] = { 0 };
    char_offsets(r, cs, ce);

    la_buf_adds(b, "{\"text\":");
    la_buf_add_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    const char *pc = proposed_class(r);
    if (pc) {
        la_buf_adds(b, ",\"label\":");
        la_buf_add_json_str(b, pc, strlen(pc));
    }
    la_buf_adds(b, ",\"meta\":{\"id\":");
    add_id_json(b, r);
    la_buf_adds(b, ",\"given\":");
    add_label_str(b, r);
    la_buf_adds(b, ",\"score\":");
    la_buf_add_score(b, r->score);
    la_buf_adds(b, ",\"reasons\":");
    add_codes_json(b, r);
    la_buf_adds(b, "},\"spans\":[");
    int k = 0;
    for (int i = 0; i < r->nev && i < LA_MAX_EVIDENCE; i++) {
        if (!ev_ok(r, i) || ev_repeat(r, i)) continue;
        const char *kind = r->ev[i].kind ? r->ev[i].kind : "evidence";
        if (k++) la_buf_addc(b, ',');
        la_buf_printf(b, "{\"start\":%u,\"end\":%u,\"label\":", (unsigned)cs[i], (unsigned)ce[i]);
        /* Prodigy's convention: span labels are upper case */
        char up[64];
        size_t n = strlen(kind);
        if (n >= sizeof up) n = sizeof up - 1;
        for (size_t j = 0; j < n; j++)
            up[j] = (kind[j] >= 'a' && kind[j] <= 'z') ? (char)(kind[j] - 32) : kind[j];
        la_buf_add_json_str(b, up, n);
        la_buf_addc(b, '}');
    }
    la_buf_adds(b, "]}\n");
}

/* ---- dispatch ------------------------------------------------------------------- */

void la_fmt_begin(la_format f, la_buf *b)
{
    switch (f) {
    case LA_FORMAT_CSV: la_buf_add(b, csv_header, sizeof csv_header - 1); break;
    case LA_FORMAT_LABEL_STUDIO: la_buf_addc(b, '['); break;
    default: break;
    }
}

void la_fmt_row(la_format f, la_buf *b, const la_result *r, uint64_t nth)
{
    switch (f) {
    case LA_FORMAT_CSV: csv_row(b, r); break;
    case LA_FORMAT_LABEL_STUDIO:
        la_buf_adds(b, nth ? ",\n" : "\n");
        ls_row(b, r);
        break;
    case LA_FORMAT_ARGILLA: argilla_row(b, r); break;
    case LA_FORMAT_PRODIGY: prodigy_row(b, r); break;
    case LA_FORMAT_JSONL:
    default: la_fmt_jsonl_row(b, r); break;
    }
}

void la_fmt_end(la_format f, la_buf *b, uint64_t nrows)
{
    if (f == LA_FORMAT_LABEL_STUDIO) la_buf_adds(b, nrows ? "\n]\n" : "]\n");
}
