/*
 * record.c - turns one raw input line into a la_row: validation, JSON
 * parsing, field paths, the id, the label and its class.
 *
 * Runs on worker threads; pure apart from the batch arena it allocates in.
 * Order of checks (each failure rejects the line with one LA_E* code):
 *   raw bytes are valid UTF-8 -> JSON parses (cJSON, length-bounded, end
 *   pointer) with nothing but whitespace after the value -> the value is
 *   an object -> no escaped U+0000 -> the text field exists and is a
 *   string -> the label field exists, is not null and is a scalar.
 * Two other label layouts replace the last step: --label-columns (several
 * 0/1 columns, a row's class by --label-rule) and --label-threshold (a
 * number, toxic at or above the threshold, with a finding when it is
 * near it).
 * A duplicate key resolves to its LAST occurrence, as most JSON readers
 * do (pinned by tests/cases/input-duplicate-keys.case). Strings in the
 * row point into the parsed tree, which the batch frees after the
 * consumer has used the row.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "la_labels.h"
#include "la_record.h"

/* Last member named key (n bytes) of obj, or NULL. */
static cJSON *member(const cJSON *obj, const char *key, size_t n)
{
    cJSON *found = NULL;
    for (cJSON *c = obj->child; c; c = c->next)
        if (c->string && strlen(c->string) == n && memcmp(c->string, key, n) == 0)
            found = c;
    return found;
}

cJSON *la_record_path(const cJSON *obj, const char *path)
{
    const cJSON *cur = obj;
    if (!path || !*path) return NULL;
    /* An exact member named like the whole path wins ("a.b" as a key). */
    cJSON *whole = member(obj, path, strlen(path));
    if (whole) return whole;
    const char *p = path;
    while (cur) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!cJSON_IsObject(cur)) return NULL;
        cJSON *next = member(cur, p, n);
        if (!dot) return next;
        cur = next;
        p = dot + 1;
    }
    return NULL;
}

/* Offset of an escaped NUL (\u0000) in s, or -1. Backslash runs are
 * counted so "\\u0000" (a literal backslash) is not mistaken for one. */
static long escaped_nul(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        const char *q = p;
        while (q < end && *q == '\\') q++;
        size_t run = (size_t)(q - p);
        if ((run & 1) && end - q >= 5 && q[0] == 'u' && memcmp(q + 1, "0000", 4) == 0)
            return (long)(q - 1 - s);
        p = q;
    }
    return -1;
}

/* Maximum bracket depth outside strings; used only to explain a failed
 * parse. */
static size_t max_depth(const char *s, size_t n)
{
    size_t d = 0, m = 0;
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        } else if (c == '"') in_str = 1;
        else if (c == '{' || c == '[') { if (++d > m) m = d; }
        else if ((c == '}' || c == ']') && d) d--;
    }
    return m;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    if (cJSON_IsString(v)) return "a string";
    return "of an unknown type";
}

static void set_id(la_row *row, const cJSON *v, const la_options *opt, la_arena *arena)
{
    la_result *r = &row->r;
    if (v && cJSON_IsString(v) && v->valuestring) {
        r->id = v->valuestring;
        r->id_len = strlen(v->valuestring);
        r->id_is_number = 0;
        return;
    }
    char tmp[40];
    int n;
    if (v && cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        double d = v->valuedouble;
        /* range first: converting a double past long long is undefined */
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            n = snprintf(tmp, sizeof tmp, "%lld", (long long)d);
        else
            n = snprintf(tmp, sizeof tmp, "%.17g", d);
    } else if (opt->many_inputs && r->file) {
        /* with several inputs a line number is not unique: "FILE:LINE" */
        la_buf b;
        la_buf_init(&b);
        la_buf_printf(&b, "%s:%llu", r->file, (unsigned long long)r->line);
        r->id = la_arena_strndup(arena, b.p, b.len);
        r->id_len = b.len;
        r->id_is_number = 0;
        la_buf_free(&b);
        return;
    } else {
        /* absent, null, not a scalar, or a number past the double range
         * (1e999 parses as infinity, which JSON cannot write): the 1-based
         * line number */
        n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)r->line);
    }
    r->id = la_arena_strndup(arena, tmp, (size_t)n);
    r->id_len = (size_t)n;
    r->id_is_number = 1;
}

/* Sets the row's label to the text s (a JSON string) of class c. */
static void set_label_text(la_row *row, const char *s, size_t n, la_class c, la_arena *arena)
{
    la_buf b;
    la_buf_init(&b);
    la_buf_add_json_str(&b, s, n);
    row->label_str = la_arena_strndup(arena, s, n);
    row->label_len = n;
    row->r.label_json = la_arena_strndup(arena, b.p, b.len);
    row->r.label_json_len = b.len;
    row->r.label_class = c;
    la_buf_free(&b);
}

/* Whether a 0/1 label column is set: a nonzero number, true, or "1",
 * "true", "yes"; -1 when the value is none of these nor a zero. */
static int column_set(const cJSON *v)
{
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    if (cJSON_IsNumber(v)) return isfinite(v->valuedouble) ? v->valuedouble != 0 : -1;
    if (!cJSON_IsString(v) || !v->valuestring) return -1;
    static const char *const yes[] = { "1", "true", "yes", "True", "TRUE" };
    static const char *const no[] = { "0", "false", "no", "False", "FALSE", "" };
    for (size_t i = 0; i < LA_ARRAY_LEN(yes); i++) if (!strcmp(v->valuestring, yes[i])) return 1;
    for (size_t i = 0; i < LA_ARRAY_LEN(no); i++) if (!strcmp(v->valuestring, no[i])) return 0;
    return -1;
}

/* Whether column (n bytes) is in the comma list s. */
static int in_list(const char *s, const char *col, size_t n)
{
    while (s && *s) {
        while (*s == ' ' || *s == ',') s++;
        size_t k = strcspn(s, ",");
        size_t m = k;
        while (m && s[m - 1] == ' ') m--;
        if (m == n && memcmp(s, col, n) == 0) return 1;
        s += k;
    }
    return 0;
}

typedef struct columns_ctx {
    la_row *row;
    const cJSON *root;
    const la_options *opt;
    la_buf set;       /* the set columns, joined by '+' */
    int nset, ntoxic, nrule, status;
} columns_ctx;

static void one_column(const char *p, size_t n, void *ud)
{
    columns_ctx *c = ud;
    char name[256];
    if (c->status != LA_OK) return;
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
    const cJSON *v = la_record_path(c->root, name);
    const char *rule = c->opt->label_rule;
    int counts = !rule || !strcmp(rule, "any") || !strcmp(rule, "all") || in_list(rule, p, n);
    if (!v || cJSON_IsNull(v)) {
        snprintf(c->row->err_detail, sizeof c->row->err_detail,
                 "no \"%.40s\" (a --label-columns column)", name);
        c->status = LA_ENOLABEL;
        return;
    }
    int on = column_set(v);
    if (on < 0) {
        snprintf(c->row->err_detail, sizeof c->row->err_detail,
                 "\"%.40s\" is not 0 or 1 (a --label-columns column)", name);
        c->status = LA_ELABELVALUE;
        return;
    }
    c->nrule += counts;
    if (!on) return;
    if (c->set.len) la_buf_addc(&c->set, '+');
    la_buf_add(&c->set, p, n);
    c->nset++;
    c->ntoxic += counts;
}

/* --label-columns: the label is the set of columns that are on ("insult+
 * obscene", or "none"), toxic by --label-rule (any column by default). */
static int label_from_columns(la_row *row, const cJSON *root, const la_options *opt,
                              la_arena *arena)
{
    columns_ctx c = { .row = row, .root = root, .opt = opt, .status = LA_OK };
    la_buf_init(&c.set);
    la_split_commas(opt->label_columns, one_column, &c);
    if (c.status == LA_OK) {
        int toxic = opt->label_rule && !strcmp(opt->label_rule, "all")
                    ? c.ntoxic == c.nrule && c.nrule > 0 : c.ntoxic > 0;
        if (!c.nset) la_buf_adds(&c.set, "none");
        set_label_text(row, c.set.p, c.set.len, toxic ? LA_CLASS_TOXIC : LA_CLASS_NON_TOXIC,
                       arena);
    }
    la_buf_free(&c.set);
    return row->status = c.status;
}

/* A soft label this close to --label-threshold is the least certain kind:
 * with ten raters per row a toxicity fraction moves by 0.1 per rater, so
 * within 0.1 one rater's vote decides the class
 * (tests/cases/input-label-threshold.case). */
#define SOFT_MARGIN 0.1
/* Low, above the default --min-score 0.3 so it is queued, below every
 * finding that holds evidence against the label. */
#define SOFT_SCORE 0.35

/* --label-threshold: the label is a number, toxic at or above the
 * threshold (la_record_label_findings says when it is near it). */
static int soft_label(la_row *row, const cJSON *label, const la_options *opt, la_arena *arena)
{
    if (!cJSON_IsNumber(label) || !isfinite(label->valuedouble)) {
        snprintf(row->err_detail, sizeof row->err_detail,
                 "\"%s\" is not a number (--label-threshold)", opt->label_path);
        return row->status = LA_ELABELVALUE;
    }
    double v = label->valuedouble, t = opt->label_threshold;
    la_class c = v >= t ? LA_CLASS_TOXIC : LA_CLASS_NON_TOXIC;
    la_buf b;
    la_buf_init(&b);
    la_buf_add_score(&b, v);
    row->r.label_json = la_arena_strndup(arena, b.p, b.len);
    row->r.label_json_len = b.len;
    row->r.label_class = c;
    /* counted by class: a float column has as many values as rows */
    row->label_str = la_class_name(c);
    row->label_len = strlen(row->label_str);
    row->soft_label = v;
    la_buf_free(&b);
    return row->status = LA_OK;
}

void la_record_label_findings(la_row *row, const la_options *opt)
{
    double v = row->soft_label, t = opt->label_threshold;
    if (t < 0 || row->status != LA_OK || fabs(v - t) > SOFT_MARGIN) return;
    la_buf vb, tb;
    la_buf_init(&vb);
    la_buf_init(&tb);
    la_buf_add_score(&vb, v);
    la_buf_add_score(&tb, t);
    la_result_add_finding(&row->r, LA_R_LOW_AGREEMENT, SOFT_SCORE, LA_CLASS_UNKNOWN,
                          "soft label %s is within 0.1 of --label-threshold %s: the raters "
                          "were split, so the class is the least certain", vb.p, tb.p);
    la_buf_free(&vb);
    la_buf_free(&tb);
}

int la_record_parse(la_row *row, const la_options *opt, const la_labelmap *labels,
                    la_arena *arena)
{
    const char *s = row->raw;
    size_t n = row->raw_len;
    size_t bad;

    if (!la_utf8_check(s, n, &bad)) {
        row->err_byte = bad;
        return row->status = LA_EUTF8;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    if (!root) {
        size_t at = end && end >= s && end <= s + n ? (size_t)(end - s) : 0;
        row->err_byte = at;
        if (max_depth(s, n) >= CJSON_NESTING_LIMIT) return row->status = LA_EDEPTH;
        return row->status = LA_EJSON;
    }
    row->json = root;
    size_t at = (size_t)(end - s);
    while (at < n && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r')) at++;
    if (at < n) {
        row->err_byte = at;
        snprintf(row->err_detail, sizeof row->err_detail, "unexpected data after the value");
        return row->status = LA_EJSON;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(row->err_detail, sizeof row->err_detail, "got %s", type_name(root));
        return row->status = LA_ENOTOBJ;
    }
    long nul = escaped_nul(s, n);
    if (nul >= 0) {
        row->err_byte = (size_t)nul;
        return row->status = LA_ENUL;
    }

    la_result *r = &row->r;
    set_id(row, la_record_path(root, opt->id_path), opt, arena);

    const cJSON *text = la_record_path(root, opt->text_path);
    if (!text) {
        snprintf(row->err_detail, sizeof row->err_detail, "no \"%s\"", opt->text_path);
        return row->status = LA_ENOTEXT;
    }
    if (!cJSON_IsString(text) || !text->valuestring) {
        snprintf(row->err_detail, sizeof row->err_detail, "\"%s\" is %s",
                 opt->text_path, type_name(text));
        return row->status = LA_ETEXTTYPE;
    }
    r->text = text->valuestring;
    r->text_len = strlen(text->valuestring);

    if (opt->label_columns) return label_from_columns(row, root, opt, arena);
    const cJSON *label = la_record_path(root, opt->label_path);
    if (!label || cJSON_IsNull(label)) {
        snprintf(row->err_detail, sizeof row->err_detail, "no \"%s\"%s", opt->label_path,
                 label ? " (null)" : "");
        return row->status = LA_ENOLABEL;
    }
    if (cJSON_IsObject(label) || cJSON_IsArray(label)) {
        snprintf(row->err_detail, sizeof row->err_detail, "\"%s\" is %s",
                 opt->label_path, type_name(label));
        return row->status = LA_ELABELTYPE;
    }
    if (opt->label_threshold >= 0) return soft_label(row, label, opt, arena);
    char tmp[256];
    size_t tl = 0;
    r->label_class = la_labelmap_json(labels, label, tmp, sizeof tmp, &tl);
    if (cJSON_IsString(label)) {
        row->label_str = label->valuestring;
        row->label_len = strlen(label->valuestring);
        la_buf b;
        la_buf_init(&b);
        la_buf_add_json_str(&b, row->label_str, row->label_len);
        r->label_json = la_arena_strndup(arena, b.p, b.len);
        r->label_json_len = b.len;
        la_buf_free(&b);
    } else if (cJSON_IsNumber(label) && !isfinite(label->valuedouble)) {
        /* 1e999 parses as infinity, which JSON cannot write as a number:
         * the label is shown as a string ("inf", "-inf") */
        row->label_str = la_arena_strndup(arena, tmp, tl);
        row->label_len = tl;
        la_buf b;
        la_buf_init(&b);
        la_buf_add_json_str(&b, tmp, tl);
        r->label_json = la_arena_strndup(arena, b.p, b.len);
        r->label_json_len = b.len;
        la_buf_free(&b);
    } else {
        char *copy = la_arena_strndup(arena, tmp, tl);
        row->label_str = copy;
        row->label_len = tl;
        r->label_json = copy;
        r->label_json_len = tl;
    }
    return row->status = LA_OK;
}
