/*
 * jsonl.c - the queue row of DESIGN.md section 4, one JSON object per line.
 *
 * Keys are written in the contract's order by hand (not through cJSON) so
 * the order, the number format (la_buf_add_score) and the escaping are
 * fixed and byte-identical across runs and thread counts. Evidence text
 * is sliced from the original text with the evidence's byte offsets.
 */
#include <string.h>

#include "la_format.h"

/* A string literal appended without strlen. */
#define ADD_LIT(b, lit) la_buf_add((b), (lit), sizeof(lit) - 1)

static void add_id(la_buf *b, const char *s, size_t n, int is_number)
{
    if (is_number) la_buf_add(b, s, n);
    else la_buf_add_json_str(b, s, n);
}

/* Appends the decimal digits of v (the hot path's "%llu"). */
static void add_uint(la_buf *b, unsigned long long v)
{
    char tmp[24];
    int n = (int)sizeof tmp;
    do { tmp[--n] = (char)('0' + v % 10); v /= 10; } while (v);
    la_buf_add(b, tmp + n, sizeof tmp - (size_t)n);
}

static void add_class(la_buf *b, la_class c)
{
    const char *n = la_class_name(c);
    if (n) la_buf_add_json_str(b, n, strlen(n));
    else ADD_LIT(b, "null");
}

void la_fmt_jsonl_row(la_buf *b, const la_result *r)
{
    ADD_LIT(b, "{\"id\":");
    add_id(b, r->id, r->id_len, r->id_is_number);
    ADD_LIT(b, ",\"line\":");
    add_uint(b, (unsigned long long)r->line);
    if (r->file_shown && r->file) {
        ADD_LIT(b, ",\"file\":");
        la_buf_add_json_str(b, r->file, strlen(r->file));
    }
    if (r->label_json) {
        ADD_LIT(b, ",\"label\":");
        la_buf_add(b, r->label_json, r->label_json_len);
    }
    if (r->label_class != LA_CLASS_UNKNOWN) {
        ADD_LIT(b, ",\"label_class\":");
        add_class(b, r->label_class);
    }
    if (r->suggested_json) {
        ADD_LIT(b, ",\"suggested\":");
        la_buf_add(b, r->suggested_json, r->suggested_json_len);
    } else if (r->suggested != LA_CLASS_UNKNOWN) {
        ADD_LIT(b, ",\"suggested\":");
        add_class(b, r->suggested);
    }
    if (r->remove) ADD_LIT(b, ",\"remove\":true");
    ADD_LIT(b, ",\"score\":");
    la_buf_add_score(b, r->score);
    ADD_LIT(b, ",\"reasons\":[");
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        const char *code = la_reason_name(f->code);
        if (i) la_buf_addc(b, ',');
        ADD_LIT(b, "{\"code\":");
        la_buf_add_json_str(b, code, strlen(code));
        ADD_LIT(b, ",\"score\":");
        la_buf_add_score(b, f->score);
        if (f->precision >= 0) {
            ADD_LIT(b, ",\"precision\":");
            la_buf_add_score(b, f->precision);
        }
        if (f->suggested != LA_CLASS_UNKNOWN) {
            ADD_LIT(b, ",\"suggested\":");
            add_class(b, f->suggested);
        }
        ADD_LIT(b, ",\"why\":");
        la_buf_add_json_str(b, f->why, strlen(f->why));
        if (f->nev) {
            ADD_LIT(b, ",\"evidence\":[");
            for (int k = 0; k < f->nev; k++) {
                const la_evidence *e = &r->ev[f->ev_first + k];
                if (k) la_buf_addc(b, ',');
                ADD_LIT(b, "{\"start\":");
                add_uint(b, e->start);
                ADD_LIT(b, ",\"end\":");
                add_uint(b, e->end);
                ADD_LIT(b, ",\"text\":");
                la_buf_add_json_str(b, r->text + e->start, e->end - e->start);
                ADD_LIT(b, ",\"kind\":");
                la_buf_add_json_str(b, e->kind, strlen(e->kind));
                if (e->category) {
                    ADD_LIT(b, ",\"category\":");
                    la_buf_add_json_str(b, e->category, strlen(e->category));
                }
                if (e->severity) {
                    ADD_LIT(b, ",\"severity\":");
                    la_buf_add_json_str(b, e->severity, strlen(e->severity));
                }
                la_buf_addc(b, '}');
            }
            la_buf_addc(b, ']');
        }
        la_buf_addc(b, '}');
    }
    la_buf_addc(b, ']');
    if (r->cluster.has_cluster) {
        la_buf_printf(b, ",\"cluster\":{\"id\":%llu,\"of\":",
                      (unsigned long long)r->cluster.id);
        add_id(b, r->cluster.of, r->cluster.of_len, r->cluster.of_is_number);
        ADD_LIT(b, ",\"of_label\":");
        add_class(b, r->cluster.of_label);
        ADD_LIT(b, ",\"similarity\":");
        la_buf_add_score(b, r->cluster.similarity);
        la_buf_addc(b, '}');
    }
    if (r->agreement.n > 0) {
        la_buf_printf(b, ",\"agreement\":{\"n\":%d,\"majority\":", r->agreement.n);
        add_class(b, r->agreement.majority);
        ADD_LIT(b, ",\"share\":");
        la_buf_add_score(b, r->agreement.share);
        ADD_LIT(b, ",\"entropy\":");
        la_buf_add_score(b, r->agreement.entropy);
        la_buf_addc(b, '}');
    }
    if (r->model.has_model) {
        ADD_LIT(b, ",\"model\":{\"p_given\":");
        la_buf_add_score(b, r->model.p_given);
        ADD_LIT(b, ",\"p_suggested\":");
        la_buf_add_score(b, r->model.p_suggested);
        la_buf_addc(b, '}');
    }
    ADD_LIT(b, ",\"text\":");
    la_buf_add_json_str(b, r->text, r->text_len);
    ADD_LIT(b, "}\n");
}
