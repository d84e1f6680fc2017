/*
 * explain.c - `labelaudit --explain`: shows, for one text at a time, what
 * the text layer sees - the normalized form, the tokens and every lexicon
 * match with its kind, category, severity, original span and how it was
 * de-obfuscated. It is the tool a reviewer uses to understand a flag.
 *
 * An explainer owns a loaded lexicon, the dictionary (when one loads) and
 * one la_text scratch reused from text to text; it is not thread-safe.
 *
 * JSON form (one line per text, DESIGN.md section 6):
 *   {"text":…,"normalized":…,
 *    "tokens":[{"text":…,"type":…,"start":…,"end":…},…],
 *    "matches":[{"term":…,"kind":…,"category":…,"severity":…,
 *                "start":…,"end":…,"how":…},…]}
 * Token "text" is the token's original bytes; "type" one of word, number,
 * url, email, mention, hashtag, emoji, punct, symbol, cjk. Spans are byte
 * offsets into the original text, end exclusive. "category" and
 * "severity" are null when the lexicon line leaves them empty; "how" is
 * "exact" or the de-obfuscations joined by "+" ("leet+repeat").
 */
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "labelaudit.h"

struct la_explainer {
    la_lexicon *lex;
    la_dict *dict;          /* NULL when no dictionary was found */
    la_dict_cache *cache;
    la_text t;
    la_buf out;
};

static const char *tok_type_name(unsigned type)
{
    static const char *const names[] = {
        "word", "number", "url", "email", "mention", "hashtag", "emoji",
        "punct", "symbol", "cjk"
    };
    return type < LA_ARRAY_LEN(names) ? names[type] : "unknown";
}

la_explainer *la_explainer_new(const la_options *opt, char *err, size_t errlen,
                               int *status)
{
    *status = 0;
    la_lexicon *lex = la_lexicon_load(opt->lexicons_dir,
                                      (const char *const *)opt->lexicon_files, err, errlen);
    if (!lex) { *status = 3; return NULL; }
    char derr[512];
    la_dict *dict = la_dict_open(opt->dict, derr, sizeof derr);
    if (!dict && opt->dict) {
        snprintf(err, errlen, "%s", derr);
        la_lexicon_free(lex);
        *status = 3;
        return NULL;
    }
    la_explainer *e = la_xcalloc(1, sizeof *e);
    e->lex = lex;
    e->dict = dict;
    e->cache = la_dict_cache_new();
    la_text_init(&e->t);
    la_buf_init(&e->out);
    return e;
}

static void add_span_num(la_buf *b, const char *key, uint32_t v)
{
    la_buf_printf(b, ",\"%s\":%u", key, (unsigned)v);
}

static void write_json(la_explainer *e, const char *text, size_t len)
{
    la_buf *b = &e->out;
    const la_text *t = &e->t;
    la_buf_adds(b, "{\"text\":");
    la_buf_add_json_str(b, text, len);
    la_buf_adds(b, ",\"normalized\":");
    la_buf_add_json_str(b, t->norm, t->norm_len);
    la_buf_adds(b, ",\"tokens\":[");
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *tk = &t->tok[i];
        la_buf_adds(b, i ? ",{\"text\":" : "{\"text\":");
        la_buf_add_json_str(b, text + tk->start, tk->end - tk->start);
        la_buf_printf(b, ",\"type\":\"%s\"", tok_type_name(tk->type));
        add_span_num(b, "start", tk->start);
        add_span_num(b, "end", tk->end);
        la_buf_addc(b, '}');
    }
    la_buf_adds(b, "],\"matches\":[");
    for (size_t i = 0; i < t->nm; i++) {
        const la_match *m = &t->m[i];
        const la_term *tm = m->term;
        const char *sev = la_severity_name((la_severity)tm->severity);
        char how[160];
        la_how_string(m->how, how, sizeof how);
        la_buf_adds(b, i ? ",{\"term\":" : "{\"term\":");
        la_buf_add_json_str(b, tm->term, strlen(tm->term));
        la_buf_printf(b, ",\"kind\":\"%s\",\"category\":", la_kind_name((la_kind)tm->kind));
        if (tm->category[0]) la_buf_add_json_str(b, tm->category, strlen(tm->category));
        else la_buf_adds(b, "null");
        la_buf_adds(b, ",\"severity\":");
        if (sev) la_buf_printf(b, "\"%s\"", sev);
        else la_buf_adds(b, "null");
        add_span_num(b, "start", m->start);
        add_span_num(b, "end", m->end);
        la_buf_printf(b, ",\"how\":\"%s\"}", how);
    }
    la_buf_adds(b, "]}\n");
}

/* A quoted excerpt for the human form: JSON string rules keep control
 * characters and invalid bytes readable on a terminal. */
static void add_quoted(la_buf *b, const char *s, size_t n)
{
    la_buf_add_json_str(b, s, n);
}

static void write_human(la_explainer *e, const char *text, size_t len)
{
    la_buf *b = &e->out;
    const la_text *t = &e->t;
    la_buf_adds(b, "text:       ");
    add_quoted(b, text, len);
    la_buf_adds(b, "\nnormalized: ");
    add_quoted(b, t->norm, t->norm_len);
    la_buf_printf(b, "\ntokens:     %zu\n", t->ntok);
    for (size_t i = 0; i < t->ntok; i++) {
        const la_token *tk = &t->tok[i];
        la_buf_printf(b, "  %-7s [%u,%u) ", tok_type_name(tk->type),
                      (unsigned)tk->start, (unsigned)tk->end);
        add_quoted(b, text + tk->start, tk->end - tk->start);
        la_buf_addc(b, '\n');
    }
    la_buf_printf(b, "matches:    %zu\n", t->nm);
    for (size_t i = 0; i < t->nm; i++) {
        const la_match *m = &t->m[i];
        const la_term *tm = m->term;
        const char *sev = la_severity_name((la_severity)tm->severity);
        char how[160];
        la_how_string(m->how, how, sizeof how);
        la_buf_printf(b, "  [%u,%u) ", (unsigned)m->start, (unsigned)m->end);
        add_quoted(b, text + m->start, m->end - m->start);
        la_buf_adds(b, " -> ");
        add_quoted(b, tm->term, strlen(tm->term));
        la_buf_printf(b, " %s", la_kind_name((la_kind)tm->kind));
        if (tm->category[0]) la_buf_printf(b, "/%s", tm->category);
        if (sev) la_buf_printf(b, " %s", sev);
        la_buf_printf(b, " (%s; %s)\n", how, tm->source);
    }
}

int la_explainer_write(la_explainer *e, const char *text, size_t len, int json,
                       FILE *out)
{
    la_text_analyze(&e->t, e->lex, e->dict, e->cache, text, len);
    la_buf_reset(&e->out);
    if (json) write_json(e, text, len);
    else write_human(e, text, len);
    if (fwrite(e->out.p, 1, e->out.len, out) != e->out.len || ferror(out))
        return LA_EIO;
    return LA_OK;
}

void la_explainer_free(la_explainer *e)
{
    if (!e) return;
    la_lexicon_free(e->lex);
    la_dict_free(e->dict);
    la_dict_cache_free(e->cache);
    la_text_free(&e->t);
    la_buf_free(&e->out);
    free(e);
}
