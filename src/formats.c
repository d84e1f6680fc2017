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

/* A JSON scalar as plain text: a string is decoded, any other value
 * (number, true, ...) is its JSON text. Writes into tmp (reset first) and
 * returns a pointer/length into tmp or into js; NULL and *n = 0 when js
 * is NULL or empty. */
static const char *json_text(const char *js, size_t len, la_buf *tmp, size_t *n)
{
    *n = 0;
    if (!js || !len) return NULL;
    if (js[0] != '"') {                       /* number, bool: as written */
        *n = len;
        return js;
    }
    la_buf_reset(tmp);
    cJSON *j = cJSON_ParseWithLength(js, len);
    if (j && cJSON_IsString(j) && j->valuestring) la_buf_adds(tmp, j->valuestring);
    else la_buf_add(tmp, js, len);            /* not reached on valid rows */
    cJSON_Delete(j);
    *n = tmp->len;
    return tmp->p ? tmp->p : "";
}

/* What the reviewer is asked to confirm, as the plain text of a value of
 * the dataset's own label column: LA_DECISION_REMOVE when the audit says
 * the row does not belong; else the suggested value (suggested_json), or
 * the suggested class name when the evidence model gave no value; NULL
 * when there is no suggestion at all (the reviewer then only sees the
 * given label: an export never proposes the label the row already has). */
static const char *proposal(const la_result *r, la_buf *tmp, size_t *n)
{
    *n = 0;
    if (r->remove) {
        *n = strlen(LA_DECISION_REMOVE);
        return LA_DECISION_REMOVE;
    }
    if (r->suggested_json) return json_text(r->suggested_json, r->suggested_json_len, tmp, n);
    const char *c = cls(r->suggested);
    if (c && r->suggested != r->label_class) {
        *n = strlen(c);
        return c;
    }
    return NULL;
}

/* Appends the proposal as a JSON string, or null. */
static void add_proposal_json(la_buf *b, const la_result *r)
{
    la_buf tmp;
    la_buf_init(&tmp);
    size_t n;
    const char *p = proposal(r, &tmp, &n);
    if (p) la_buf_add_json_str(b, p, n);
    else la_buf_adds(b, "null");
    la_buf_free(&tmp);
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
    return json_text(r->label_json, r->label_json_len, tmp, n);
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

/* ---- what reviewers read next to the text ------------------------------------ */

/* The reasons' sentences joined with " | ". */
static void why_text(la_buf *b, const la_result *r)
{
    for (int i = 0; i < r->nfind; i++) {
        if (i) la_buf_adds(b, " | ");
        la_buf_add(b, r->find[i].why, strnlen(r->find[i].why, LA_WHY_MAX));
    }
}

/* The annotators' agreement in words ("4 of 5 annotators: non_toxic"),
 * nothing when the row carries no judgments. */
static void agreement_text(la_buf *b, const la_result *r)
{
    if (r->agreement.n <= 0) return;
    const char *m = cls(r->agreement.majority);
    int agree = (int)(r->agreement.share * r->agreement.n + 0.5);
    if (m) la_buf_printf(b, "%d of %d annotators: %s", agree, r->agreement.n, m);
    else la_buf_printf(b, "%d annotators, no majority", r->agreement.n);
}

/* The --context-fields of the row as "path: value" lines (a string value
 * decoded, any other value as its JSON), nothing when there are none. */
static void context_text(la_buf *b, const la_result *r)
{
    if (!r->context_json) return;
    cJSON *o = cJSON_ParseWithLength(r->context_json, r->context_json_len);
    int k = 0;
    for (cJSON *c = o ? o->child : NULL; c; c = c->next) {
        if (k++) la_buf_addc(b, '\n');
        la_buf_adds(b, c->string);
        la_buf_adds(b, ": ");
        if (cJSON_IsString(c)) la_buf_adds(b, c->valuestring);
        else {
            char *js = cJSON_PrintUnformatted(c);
            if (js) la_buf_adds(b, js);
            cJSON_free(js);
        }
    }
    cJSON_Delete(o);
}

/* Appends the JSON string made by fn (why_text, agreement_text, ...). */
static void add_text_json(la_buf *b, const la_result *r, void (*fn)(la_buf *, const la_result *))
{
    la_buf t;
    la_buf_init(&t);
    fn(&t, r);
    la_buf_add_json_str(b, t.p ? t.p : "", t.len);
    la_buf_free(&t);
}

/* Indices of the row's distinct evidence spans that do not overlap, in
 * text order: sorted by start (the longer first on a tie), a span that
 * starts before the end of the last kept one is dropped. Prodigy and
 * Argilla's span question both refuse overlapping spans. Returns the
 * number kept in idx. */
static int plain_spans(const la_result *r, int *idx)
{
    int n = 0;
    for (int i = 0; i < r->nev && i < LA_MAX_EVIDENCE; i++)
        if (ev_ok(r, i) && !ev_repeat(r, i)) idx[n++] = i;
    for (int i = 1; i < n; i++) {           /* insertion sort, at most 48 */
        int v = idx[i], j = i;
        const la_evidence *e = &r->ev[v];
        while (j > 0) {
            const la_evidence *f = &r->ev[idx[j - 1]];
            if (f->start < e->start || (f->start == e->start && f->end >= e->end)) break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    int k = 0;
    uint32_t last_end = 0;
    for (int i = 0; i < n; i++) {
        const la_evidence *e = &r->ev[idx[i]];
        if (k && e->start < last_end) continue;
        idx[k++] = idx[i];
        last_end = e->end;
    }
    return k;
}

/* ---- CSV ------------------------------------------------------------------- */

static const char csv_header[] =
    "id,line,label,label_class,suggested,score,decision,reviewer,reasons,why,"
    "evidence,cluster_of,similarity,agreement,context,text\r\n";

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

/* A field made by fn, then the comma after it. */
static void csv_textfield(la_buf *b, la_buf *f, const la_result *r,
                          void (*fn)(la_buf *, const la_result *))
{
    la_buf_reset(f);
    fn(f, r);
    csv_bufield(b, f);
    la_buf_addc(b, ',');
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
    /* label (decoded text), label_class, suggested (a value of the label
     * column, or "remove") */
    const char *lt = label_text(r, &f, &n);
    if (lt) csv_field(b, lt, n);
    la_buf_addc(b, ',');
    if (cls(r->label_class)) la_buf_adds(b, cls(r->label_class));
    la_buf_addc(b, ',');
    const char *pv = proposal(r, &f, &n);
    if (pv) csv_field(b, pv, n);
    la_buf_addc(b, ',');
    la_buf_add_score(b, r->score);
    /* decision and reviewer: empty, for the reviewer to fill in */
    la_buf_adds(b, ",,,");
    /* reasons */
    la_buf_reset(&f);
    add_codes_joined(&f, r, "|");
    csv_bufield(b, &f);
    la_buf_addc(b, ',');
    csv_textfield(b, &f, r, why_text);
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
    csv_textfield(b, &f, r, agreement_text);
    csv_textfield(b, &f, r, context_text);
    /* text */
    csv_field(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    la_buf_adds(b, "\r\n");
    la_buf_free(&f);
}

/* ---- Label Studio ------------------------------------------------------------ */

/* One task of a Label Studio JSON import. data: the text, id, the label
 * as written, the proposal, and the strings the labeling config shows
 * (reasons, why, agreement, context: always present, "" when empty,
 * because Label Studio refuses a task that lacks a key the config names).
 * One prediction: a "choices" region on the "label" control holding the
 * proposal (a value of the dataset's label column, or "remove") and a
 * "labels" region on the "evidence" control per distinct span, in
 * characters; its score is the probability that the given label is
 * wrong. la_fmt_ls_config writes the config that declares every choice
 * and span label these tasks use. */
static void ls_row(la_buf *b, const la_result *r)
{
    uint32_t cs[LA_MAX_EVIDENCE] = { 0 }, ce[LA_MAX_EVIDENCE] = { 0 };
    char_offsets(r, cs, ce);
    la_buf tmp;
    la_buf_init(&tmp);

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
    la_buf_adds(b, ",\"suggested\":");
    add_proposal_json(b, r);
    la_buf_adds(b, ",\"reasons\":");
    add_codes_json(b, r);
    la_buf_adds(b, ",\"why\":");
    add_text_json(b, r, why_text);
    la_buf_adds(b, ",\"agreement\":");
    add_text_json(b, r, agreement_text);
    la_buf_adds(b, ",\"context\":");
    add_text_json(b, r, context_text);
    la_buf_printf(b, ",\"line\":%llu", (unsigned long long)r->line);
    la_buf_adds(b, "},\"predictions\":[{\"model_version\":\"labelaudit-" LA_VERSION "\",\"score\":");
    la_buf_add_score(b, r->score);
    la_buf_adds(b, ",\"result\":[");
    int nres = 0;
    size_t pn;
    const char *pv = proposal(r, &tmp, &pn);
    if (pv) {
        la_buf_adds(b, "{\"id\":\"label\",\"from_name\":\"label\",\"to_name\":\"text\","
                       "\"type\":\"choices\",\"value\":{\"choices\":[");
        la_buf_add_json_str(b, pv, pn);
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
    la_buf_printf(b, ",\"line\":%llu}}", (unsigned long long)r->line);
    la_buf_free(&tmp);
}

/* ---- Argilla ------------------------------------------------------------------ */

/* One Argilla v2 record per line (JSONL), in the shape of rg.Record's
 * keyword arguments: id (a string), fields (text, why, and context when
 * the row has some), suggestions for the "label" question (the proposal,
 * its score the probability that the given label is wrong, the agent)
 * and for the "evidence" span question (non-overlapping character spans),
 * and metadata (terms, integers and floats only, as Argilla's metadata
 * properties take). */
static void argilla_row(la_buf *b, const la_result *r)
{
    uint32_t cs[LA_MAX_EVIDENCE] = { 0 }, ce[LA_MAX_EVIDENCE] = { 0 };
    char_offsets(r, cs, ce);
    la_buf tmp;
    la_buf_init(&tmp);

    la_buf_adds(b, "{\"id\":");
    add_id_str(b, r);
    la_buf_adds(b, ",\"fields\":{\"text\":");
    la_buf_add_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    la_buf_adds(b, ",\"why\":");
    add_text_json(b, r, why_text);
    if (r->context_json) {
        la_buf_adds(b, ",\"context\":");
        add_text_json(b, r, context_text);
    }
    la_buf_adds(b, "},\"suggestions\":[");
    size_t pn;
    const char *pv = proposal(r, &tmp, &pn);
    int ns = 0;
    if (pv) {
        la_buf_adds(b, "{\"question_name\":\"label\",\"value\":");
        la_buf_add_json_str(b, pv, pn);
        la_buf_adds(b, ",\"score\":");
        la_buf_add_score(b, r->score);
        la_buf_adds(b, ",\"agent\":\"labelaudit-" LA_VERSION "\"}");
        ns++;
    }
    int idx[LA_MAX_EVIDENCE];
    int nsp = plain_spans(r, idx);
    if (nsp) {
        if (ns++) la_buf_addc(b, ',');
        la_buf_adds(b, "{\"question_name\":\"evidence\",\"value\":[");
        for (int k = 0; k < nsp; k++) {
            int i = idx[k];
            const char *kind = r->ev[i].kind ? r->ev[i].kind : "evidence";
            if (k) la_buf_addc(b, ',');
            la_buf_printf(b, "{\"start\":%u,\"end\":%u,\"label\":", (unsigned)cs[i], (unsigned)ce[i]);
            la_buf_add_json_str(b, kind, strlen(kind));
            la_buf_addc(b, '}');
        }
        la_buf_adds(b, "],\"agent\":\"labelaudit-" LA_VERSION "\"}");
    }
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
    if (r->agreement.n > 0) {
        la_buf_printf(b, ",\"annotators\":%d,\"agreement\":", r->agreement.n);
        la_buf_add_score(b, r->agreement.share);
        if (cls(r->agreement.majority)) {
            la_buf_adds(b, ",\"majority\":");
            la_buf_add_json_str(b, cls(r->agreement.majority), strlen(cls(r->agreement.majority)));
        }
    }
    la_buf_printf(b, ",\"line\":%llu}}\n", (unsigned long long)r->line);
    la_buf_free(&tmp);
}

/* ---- Prodigy -------------------------------------------------------------------- */

/* Prodigy's hashes are 32-bit signed integers; a task that already has
 * them keeps them (set_hashes does not overwrite by default). The input
 * hash covers the row's id and text, so two rows with the same text stay
 * two tasks; the task hash adds the proposal. */
static int32_t hash32(const la_result *r, const char *extra, size_t extra_len)
{
    uint64_t h = la_hash64(r->id ? r->id : "", r->id ? r->id_len : 0, 0x6c61u);
    h = la_hash64(r->text ? r->text : "", r->text ? r->text_len : 0, h);
    if (extra) h = la_hash64(extra, extra_len, h);
    return (int32_t)(uint32_t)(h >> 32);
}

/* One Prodigy task per line: text, the label to accept or reject (the
 * proposal), non-overlapping spans in character offsets, meta shown under
 * the card (plain strings and numbers), and the two hashes. */
static void prodigy_row(la_buf *b, const la_result *r)
{
    uint32_t cs[LA_MAX_EVIDENCE] = { 0 }, ce[LA_MAX_EVIDENCE] = { 0 };
    char_offsets(r, cs, ce);
    la_buf tmp;
    la_buf_init(&tmp);

    la_buf_adds(b, "{\"text\":");
    la_buf_add_json_str(b, r->text ? r->text : "", r->text ? r->text_len : 0);
    size_t pn;
    const char *pv = proposal(r, &tmp, &pn);
    if (pv) {
        la_buf_adds(b, ",\"label\":");
        la_buf_add_json_str(b, pv, pn);
    }
    la_buf_adds(b, ",\"meta\":{\"id\":");
    add_id_json(b, r);
    la_buf_adds(b, ",\"given\":");
    add_label_str(b, r);
    la_buf_adds(b, ",\"score\":");
    la_buf_add_score(b, r->score);
    la_buf_adds(b, ",\"reasons\":");
    add_codes_json(b, r);
    la_buf_adds(b, ",\"why\":");
    add_text_json(b, r, why_text);
    if (r->agreement.n > 0) {
        la_buf_adds(b, ",\"agreement\":");
        add_text_json(b, r, agreement_text);
    }
    if (r->context_json) {
        la_buf_adds(b, ",\"context\":");
        add_text_json(b, r, context_text);
    }
    la_buf_adds(b, "},\"spans\":[");
    int idx[LA_MAX_EVIDENCE];
    int nsp = plain_spans(r, idx);
    for (int k = 0; k < nsp; k++) {
        int i = idx[k];
        const char *kind = r->ev[i].kind ? r->ev[i].kind : "evidence";
        if (k) la_buf_addc(b, ',');
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
    la_buf_printf(b, "],\"_input_hash\":%ld,\"_task_hash\":%ld}\n",
                  (long)hash32(r, NULL, 0), (long)hash32(r, pv ? pv : "", pn));
    la_buf_free(&tmp);
}

/* ---- the Label Studio labeling config ------------------------------------------ */

/* Adds s (n bytes) to a set of strings unless present. */
static void seen_add(char ***set, size_t *nset, size_t *cap, const char *s, size_t n)
{
    for (size_t i = 0; i < *nset; i++)
        if (strlen((*set)[i]) == n && memcmp((*set)[i], s, n) == 0) return;
    LA_GROW(*set, *cap, *nset + 1);
    (*set)[(*nset)++] = la_xstrndup(s, n);
}

void la_fmt_seen_init(la_fmt_seen *s)
{
    memset(s, 0, sizeof *s);
}

void la_fmt_seen_free(la_fmt_seen *s)
{
    for (size_t i = 0; i < s->nkinds; i++) free(s->kinds[i]);
    for (size_t i = 0; i < s->nlabels; i++) free(s->labels[i]);
    free(s->kinds);
    free(s->labels);
    memset(s, 0, sizeof *s);
}

void la_fmt_note(la_fmt_seen *s, const la_result *r)
{
    la_buf tmp;
    la_buf_init(&tmp);
    size_t n;
    const char *t = label_text(r, &tmp, &n);
    if (t) seen_add(&s->labels, &s->nlabels, &s->labels_cap, t, n);
    t = proposal(r, &tmp, &n);
    if (t) seen_add(&s->labels, &s->nlabels, &s->labels_cap, t, n);
    for (int i = 0; i < r->nev && i < LA_MAX_EVIDENCE; i++) {
        if (!ev_ok(r, i)) continue;
        const char *kind = r->ev[i].kind ? r->ev[i].kind : "evidence";
        seen_add(&s->kinds, &s->nkinds, &s->kinds_cap, kind, strlen(kind));
    }
    if (r->context_json) s->context = 1;
    la_buf_free(&tmp);
}

/* Appends s escaped for an XML attribute value. */
static void xml_attr(la_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': la_buf_adds(b, "&amp;"); break;
        case '<': la_buf_adds(b, "&lt;"); break;
        case '>': la_buf_adds(b, "&gt;"); break;
        case '"': la_buf_adds(b, "&quot;"); break;
        default: la_buf_addc(b, *s);
        }
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

void la_fmt_ls_config(la_fmt_seen *s, la_buf *b)
{
    qsort(s->kinds, s->nkinds, sizeof *s->kinds, cmp_str);
    qsort(s->labels, s->nlabels, sizeof *s->labels, cmp_str);
    la_buf_adds(b, "<View>\n"
                   "  <Header value=\"$reasons\"/>\n"
                   "  <Header value=\"$why\" size=\"6\"/>\n"
                   "  <Header value=\"$agreement\" size=\"6\"/>\n");
    if (s->context) la_buf_adds(b, "  <Text name=\"context\" value=\"$context\"/>\n");
    la_buf_adds(b, "  <Labels name=\"evidence\" toName=\"text\">\n");
    for (size_t i = 0; i < s->nkinds; i++) {
        la_buf_adds(b, "    <Label value=\"");
        xml_attr(b, s->kinds[i]);
        la_buf_adds(b, "\"/>\n");
    }
    la_buf_adds(b, "  </Labels>\n"
                   "  <Text name=\"text\" value=\"$text\"/>\n"
                   "  <Choices name=\"label\" toName=\"text\" choice=\"single\" showInLine=\"true\">\n");
    int has_remove = 0;
    for (size_t i = 0; i < s->nlabels; i++) {
        if (strcmp(s->labels[i], LA_DECISION_REMOVE) == 0) has_remove = 1;
        la_buf_adds(b, "    <Choice value=\"");
        xml_attr(b, s->labels[i]);
        la_buf_adds(b, "\"/>\n");
    }
    if (!has_remove) la_buf_adds(b, "    <Choice value=\"" LA_DECISION_REMOVE "\"/>\n");
    la_buf_adds(b, "  </Choices>\n</View>\n");
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
