/*
 * record.c - turns one raw input line into a la_row: validation, JSON
 * parsing, field paths, the id, the label and its class.
 *
 * Runs on worker threads; pure apart from the batch arena it allocates in.
 * Order of checks (each failure rejects the line with one LA_E* code):
 *   raw bytes are valid UTF-8 -> JSON parses (cJSON, length-bounded, end
 *   pointer) with nothing but whitespace after the value -> the value is
 *   an object -> no string holds a raw control byte (cJSON accepts them;
 *   JSON forbids them) or an escaped U+0000 (which would cut the C string
 *   short) -> the text field exists and is a string -> the label field
 *   exists, is not null and is a scalar.
 * Numbers used as the id or the label keep their spelling from the line's
 * bytes (tests/cases/rel-number-spelling.case), never a re-printed double.
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

cJSON *la_record_path_n(const cJSON *obj, const char *path, size_t len)
{
    const cJSON *cur = obj;
    if (!obj || !path || !len || !cJSON_IsObject(obj)) return NULL;
    /* An exact member named like the whole path wins ("a.b" as a key). */
    cJSON *whole = member(obj, path, len);
    if (whole) return whole;
    const char *p = path, *end = path + len;
    while (cur) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p);
        if (!cJSON_IsObject(cur)) return NULL;
        cJSON *next = member(cur, p, n);
        if (!dot) return next;
        cur = next;
        p = dot + 1;
    }
    return NULL;
}

cJSON *la_record_path(const cJSON *obj, const char *path)
{
    return path ? la_record_path_n(obj, path, strlen(path)) : NULL;
}

/* ---- a raw scan of a line cJSON accepted --------------------------------
 * cJSON decodes "\u0000" to a NUL byte and copies raw control bytes into
 * strings, so a C string taken from the tree can silently end early, and
 * it prints numbers through a double. These helpers read the line's own
 * bytes instead; the line is valid JSON apart from what they look for. */

/* Index just past the string whose opening quote is at s[i]. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    return i < n ? i + 1 : n;
}

/* 1 when the line holds a byte below 0x20 or the letters of a "\u0000"
 * escape: the common clean line is ruled out without walking its JSON. */
static int may_hide_nul(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20) return 1;
    return memmem(s, n, "u0000", 5) != NULL;
}

#define KEY_DEPTH 32   /* object keys remembered for naming a field */

/* Finds the first raw control byte (LA_ECTRL) or escaped NUL (LA_ENUL)
 * inside a string of the line. Returns LA_OK when there is none; else the
 * code, with *at its byte offset and field (size fieldlen) the dotted path
 * of the member holding it ("meta.label"; "a key" when it is in a key). */
static int hidden_nul(const char *s, size_t n, size_t *at, char *field, size_t fieldlen)
{
    const char *key[KEY_DEPTH];
    size_t keylen[KEY_DEPTH];
    char kind[KEY_DEPTH];
    size_t depth = 0;
    int want_key = 0, code = LA_OK;
    size_t i = 0;
    while (i < n && code == LA_OK) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            for (; j < n && s[j] != '"' && code == LA_OK; j++) {
                if ((unsigned char)s[j] < 0x20) code = LA_ECTRL, *at = j;
                else if (s[j] == '\\') {
                    if (j + 5 < n && memcmp(s + j + 1, "u0000", 5) == 0) code = LA_ENUL, *at = j;
                    j++;
                }
            }
            if (code != LA_OK && want_key) {
                snprintf(field, fieldlen, "a key");
                return code;
            }
            if (want_key && depth && depth <= KEY_DEPTH) {
                key[depth - 1] = s + i + 1;
                keylen[depth - 1] = j - i - 1;
            }
            want_key = 0;
            i = j + 1;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth < KEY_DEPTH) { kind[depth] = c; key[depth] = NULL; keylen[depth] = 0; }
            depth++;
            want_key = c == '{';
        } else if (c == '}' || c == ']') {
            if (depth) depth--;
        } else if (c == ',') {
            want_key = depth && depth <= KEY_DEPTH && kind[depth - 1] == '{';
        }
        i++;
    }
    if (code == LA_OK) return LA_OK;
    /* the path of object keys down to the value, printable ASCII only */
    size_t o = 0;
    for (size_t d = 0; d < depth && d < KEY_DEPTH && o + 2 < fieldlen; d++) {
        if (kind[d] != '{' || !key[d]) continue;
        if (o) field[o++] = '.';
        for (size_t k = 0; k < keylen[d] && o + 1 < fieldlen; k++)
            field[o++] = key[d][k] > 0x20 && key[d][k] < 0x7f ? key[d][k] : '?';
    }
    field[o] = '\0';
    return code;
}

/* Number values of the tree, in document order, before target; -1 when
 * target is not in it. */
static long numbers_before(const cJSON *node, const cJSON *target, long *count)
{
    for (const cJSON *c = node; c; c = c->next) {
        if (c == target) return *count;
        if (cJSON_IsNumber(c)) (*count)++;
        if (c->child) {
            long k = numbers_before(c->child, target, count);
            if (k >= 0) return k;
        }
    }
    return -1;
}

/* The source spelling of the number value v of the line: the k-th number
 * token outside strings, k taken from the tree's document order (cJSON
 * keeps duplicate members, so the orders agree). Sets *len; NULL when not
 * found. */
static const char *number_spelling(const char *s, size_t n, const cJSON *root,
                                   const cJSON *v, size_t *len)
{
    long count = 0;
    long k = numbers_before(root->child, v, &count);
    if (k < 0) return NULL;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '"') { i = skip_string(s, n, i); continue; }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < n && (strchr("+-.eE", s[j]) || (s[j] >= '0' && s[j] <= '9'))) j++;
            if (k-- == 0) { *len = j - i; return s + i; }
            i = j;
            continue;
        }
        i++;
    }
    return NULL;
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

size_t la_record_id_text(const cJSON *v, uint64_t line, char tmp[LA_ID_TMP],
                         const char **out, int *is_number)
{
    if (v && cJSON_IsString(v) && v->valuestring) {
        *out = v->valuestring;
        *is_number = 0;
        return strlen(v->valuestring);
    }
    int n;
    if (v && cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        double d = v->valuedouble;
        /* range first: converting a double past long long is undefined */
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            n = snprintf(tmp, LA_ID_TMP, "%lld", (long long)d);
        else
            n = snprintf(tmp, LA_ID_TMP, "%.17g", d);
    } else {
        /* absent, null, not a scalar, or a number past the double range
         * (1e999 parses as infinity, which JSON cannot write): the 1-based
         * line number */
        n = snprintf(tmp, LA_ID_TMP, "%llu", (unsigned long long)line);
    }
    *out = tmp;
    *is_number = 1;
    return (size_t)n;
}

/* The id: a string as decoded, a number as spelled in the line (a double
 * would turn 1456789012345678901 into 1.4567890123456788e+18); absent,
 * null or not a scalar: the 1-based line number. */
static void set_id(la_row *row, const cJSON *root, const cJSON *v, const la_options *opt,
                   la_arena *arena)
{
    la_result *r = &row->r;
    if (v && cJSON_IsString(v) && v->valuestring) {
        r->id = v->valuestring;
        r->id_len = strlen(v->valuestring);
        r->id_is_number = 0;
        return;
    }
    if (!(v && cJSON_IsNumber(v)) && opt->many_inputs && r->file) {
        /* with several inputs a line number is not unique: "FILE:LINE" */
        la_buf b;
        la_buf_init(&b);
        la_buf_printf(&b, "%s:%llu", r->file, (unsigned long long)r->line);
        r->id = la_arena_strndup(arena, b.p, b.len);
        r->id_len = b.len;
        r->id_is_number = 0;
        la_buf_free(&b);
        return;
    }
    r->id_is_number = 1;
    size_t n = 0;
    const char *spelled = v && cJSON_IsNumber(v) ?
        number_spelling(row->raw, row->raw_len, root, v, &n) : NULL;
    if (spelled) {
        r->id = spelled;
        r->id_len = n;
        return;
    }
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)r->line);
    r->id = la_arena_strndup(arena, tmp, (size_t)k);
    r->id_len = (size_t)k;
}

/* The label as text (for counts and lookups) and as JSON (for writers).
 * A number keeps its source spelling; its class is looked up by that
 * spelling first ("--toxic-values 0.7" matches 0.7), then by the table's
 * canonical form (1.0 is the built-in 1). */
static void set_label(la_row *row, const cJSON *root, const cJSON *label,
                      const la_labelmap *labels, la_arena *arena)
{
    la_result *r = &row->r;
    char tmp[256];
    size_t tl = 0;
    la_class canonical = la_labelmap_json(labels, label, tmp, sizeof tmp, &tl);
    size_t n = 0;
    const char *spelled = cJSON_IsNumber(label) ?
        number_spelling(row->raw, row->raw_len, root, label, &n) : NULL;
    if (spelled) {
        la_class c = la_labelmap_lookup(labels, spelled, n);
        r->label_class = c != LA_CLASS_UNKNOWN ? c : canonical;
        row->label_str = r->label_json = spelled;
        row->label_len = r->label_json_len = n;
        return;
    }
    r->label_class = canonical;
    if (cJSON_IsString(label)) {
        row->label_str = label->valuestring;
        row->label_len = strlen(label->valuestring);
        la_buf b;
        la_buf_init(&b);
        la_buf_add_json_str(&b, row->label_str, row->label_len);
        r->label_json = la_arena_strndup(arena, b.p, b.len);
        r->label_json_len = b.len;
        la_buf_free(&b);
        return;
    }
    char *copy = la_arena_strndup(arena, tmp, tl);   /* true, false */
    row->label_str = r->label_json = copy;
    row->label_len = r->label_json_len = tl;
}

/* Context for reviewers (--context-fields): the listed fields of the row
 * as one compact JSON object, path -> value, in the order listed; fields
 * the row lacks are left out, and no object is made when none is present.
 * The formats show it next to the text (formats.c). */
typedef struct context_acc {
    const cJSON *root;
    la_buf *out;
    int n;
} context_acc;

static void add_context_field(const char *p, size_t n, void *ud)
{
    context_acc *c = ud;
    char path[256];
    if (n >= sizeof path) return;
    memcpy(path, p, n);
    path[n] = '\0';
    const cJSON *v = la_record_path(c->root, path);
    if (!v) return;
    char *js = cJSON_PrintUnformatted(v);
    if (!js) return;
    la_buf_addc(c->out, c->n++ ? ',' : '{');
    la_buf_add_json_str(c->out, path, n);
    la_buf_addc(c->out, ':');
    la_buf_adds(c->out, js);
    cJSON_free(js);
}

static void set_context(la_row *row, const cJSON *root, const char *fields, la_arena *arena)
{
    la_buf b;
    la_buf_init(&b);
    context_acc c = { root, &b, 0 };
    la_split_commas(fields, add_context_field, &c);
    if (c.n) {
        la_buf_addc(&b, '}');
        row->r.context_json = la_arena_strndup(arena, b.p, b.len);
        row->r.context_json_len = b.len;
    }
    la_buf_free(&b);
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
    char field[64];
    int hidden = may_hide_nul(s, n) ?
        hidden_nul(s, n, &row->err_byte, field, sizeof field) : LA_OK;
    if (hidden != LA_OK) {
        int is_key = strcmp(field, "a key") == 0;
        snprintf(row->err_detail, sizeof row->err_detail, is_key ? "%s" : "\"%s\"", field);
        return row->status = hidden;
    }

    la_result *r = &row->r;
    set_id(row, root, la_record_path(root, opt->id_path), opt, arena);

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
    if (opt->label_threshold >= 0) {
        int st = soft_label(row, label, opt, arena);
        if (st == LA_OK && opt->context_fields) set_context(row, root, opt->context_fields, arena);
        return st;
    }
    set_label(row, root, label, labels, arena);
    if (opt->context_fields) set_context(row, root, opt->context_fields, arena);
    return row->status = LA_OK;
}

/* ---- byte spans of members in the raw line ----------------------------------- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i;
}

/* End of the JSON string starting at s[i] == '"' (past the closing
 * quote), or 0 when it does not close. */
static size_t span_skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return 0;
}

/* End of the JSON value starting at s[i], or 0 when malformed. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    if (s[i] == '"') return span_skip_string(s, n, i);
    if (s[i] != '{' && s[i] != '[') {
        while (i < n && !strchr(",}] \t\r\n", s[i])) i++;
        return i;
    }
    size_t depth = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t e = span_skip_string(s, n, i);
            if (!e) return 0;
            i = e - 1;
        } else if (c == '{' || c == '[') depth++;
        else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    }
    return 0;
}

/* Whether the JSON string s[a..b) (quotes included) decodes to key. */
static int key_equals(const char *s, size_t a, size_t b, const char *key, size_t klen)
{
    cJSON *k = cJSON_ParseWithLength(s + a, b - a);
    int eq = k && cJSON_IsString(k) && strlen(k->valuestring) == klen &&
             memcmp(k->valuestring, key, klen) == 0;
    cJSON_Delete(k);
    return eq;
}

/* The value span of the last member named key of the object at s[i]. */
static int member_span(const char *s, size_t n, size_t i, const char *key, size_t klen,
                       size_t *vs, size_t *ve)
{
    int found = 0;
    i = skip_ws(s, n, i);
    if (i >= n || s[i] != '{') return 0;
    i = skip_ws(s, n, i + 1);
    while (i < n && s[i] == '"') {
        size_t ke = span_skip_string(s, n, i);
        if (!ke) return 0;
        size_t c = skip_ws(s, n, ke);
        if (c >= n || s[c] != ':') return 0;
        size_t v = skip_ws(s, n, c + 1), e = skip_value(s, n, v);
        if (!e) return 0;
        if (key_equals(s, i, ke, key, klen)) {
            *vs = v;
            *ve = e;
            found = 1;
        }
        i = skip_ws(s, n, e);
        if (i < n && s[i] == ',') i = skip_ws(s, n, i + 1);
    }
    return found;
}

int la_record_path_span(const char *s, size_t n, const char *path, size_t *start, size_t *end)
{
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) i = 3;     /* a BOM */
    if (!path || !*path) return 0;
    if (member_span(s, n, i, path, strlen(path), start, end)) return 1;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        size_t vs, ve;
        if (!member_span(s, n, i, p, len, &vs, &ve)) return 0;
        if (!dot) {
            *start = vs;
            *end = ve;
            return 1;
        }
        i = vs;
        p = dot + 1;
    }
}
