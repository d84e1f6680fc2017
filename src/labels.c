/*
 * labels.c - maps raw label values to the four label classes.
 *
 * The map is a small array of (normalized value, class) pairs: the
 * built-in table of common vocabularies, or, when any --*-values option
 * is given, exactly the values given (the table is then not consulted, so
 * "1" cannot silently mean toxic in a dataset whose labels are yes/no).
 * Normalization lower-cases ASCII, trims spaces and treats ' ', '-' and
 * '_' alike, so "Not Toxic", "not-toxic" and "not_toxic" are one value.
 * Lookups scan at most a few dozen short strings; labels are looked up
 * once per row and per judgment, which is not where time goes.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_labels.h"

#define LABEL_MAX 48   /* longer values are never in a vocabulary */

typedef struct entry {
    char value[LABEL_MAX];
    la_class cls;
} entry;

struct la_labelmap {
    entry *e;
    size_t n, cap;
};

/* Built-in vocabulary. "ambiguous" counts as non-toxic: a judgment that
 * could not call a text abusive is not a vote for abuse. */
static const struct { const char *v; la_class c; } builtin[] = {
    { "1", LA_CLASS_TOXIC }, { "true", LA_CLASS_TOXIC }, { "toxic", LA_CLASS_TOXIC },
    { "severe_toxic", LA_CLASS_TOXIC }, { "offensive", LA_CLASS_TOXIC },
    { "off", LA_CLASS_TOXIC }, { "abusive", LA_CLASS_TOXIC }, { "abuse", LA_CLASS_TOXIC },
    { "hateful", LA_CLASS_TOXIC }, { "hate", LA_CLASS_TOXIC },
    { "hate_speech", LA_CLASS_TOXIC }, { "hatespeech", LA_CLASS_TOXIC },
    { "offensive_language", LA_CLASS_TOXIC }, { "insult", LA_CLASS_TOXIC },
    { "obscene", LA_CLASS_TOXIC }, { "threat", LA_CLASS_TOXIC },
    { "identity_hate", LA_CLASS_TOXIC }, { "harmful", LA_CLASS_TOXIC },
    { "profane", LA_CLASS_TOXIC }, { "profanity", LA_CLASS_TOXIC },
    { "harassment", LA_CLASS_TOXIC }, { "sexist", LA_CLASS_TOXIC },
    { "racist", LA_CLASS_TOXIC }, { "bullying", LA_CLASS_TOXIC },
    { "0", LA_CLASS_NON_TOXIC }, { "false", LA_CLASS_NON_TOXIC },
    { "non_toxic", LA_CLASS_NON_TOXIC }, { "nontoxic", LA_CLASS_NON_TOXIC },
    { "not_toxic", LA_CLASS_NON_TOXIC }, { "clean", LA_CLASS_NON_TOXIC },
    { "none", LA_CLASS_NON_TOXIC }, { "neither", LA_CLASS_NON_TOXIC },
    { "not", LA_CLASS_NON_TOXIC }, { "non_hateful", LA_CLASS_NON_TOXIC },
    { "not_hateful", LA_CLASS_NON_TOXIC }, { "nonhateful", LA_CLASS_NON_TOXIC },
    { "nohate", LA_CLASS_NON_TOXIC }, { "no_hate", LA_CLASS_NON_TOXIC },
    { "not_hate", LA_CLASS_NON_TOXIC }, { "non_hate", LA_CLASS_NON_TOXIC },
    { "not_hate_speech", LA_CLASS_NON_TOXIC }, { "no_hate_speech", LA_CLASS_NON_TOXIC },
    { "non_offensive_language", LA_CLASS_NON_TOXIC }, { "not_offensive_language", LA_CLASS_NON_TOXIC },
    { "nottoxic", LA_CLASS_NON_TOXIC }, { "nonabusive", LA_CLASS_NON_TOXIC },
    { "notabusive", LA_CLASS_NON_TOXIC }, { "nonoffensive", LA_CLASS_NON_TOXIC },
    { "notoffensive", LA_CLASS_NON_TOXIC }, { "benign", LA_CLASS_NON_TOXIC },
    { "not_abusive", LA_CLASS_NON_TOXIC }, { "non_abusive", LA_CLASS_NON_TOXIC },
    { "not_offensive", LA_CLASS_NON_TOXIC }, { "non_offensive", LA_CLASS_NON_TOXIC },
    { "normal", LA_CLASS_NON_TOXIC }, { "neutral", LA_CLASS_NON_TOXIC },
    { "safe", LA_CLASS_NON_TOXIC }, { "ok", LA_CLASS_NON_TOXIC },
    { "acceptable", LA_CLASS_NON_TOXIC }, { "ambiguous", LA_CLASS_NON_TOXIC },
    { "spam", LA_CLASS_SPAM }, { "junk", LA_CLASS_SPAM },
    { "ham", LA_CLASS_HAM }, { "not_spam", LA_CLASS_HAM }, { "legit", LA_CLASS_HAM },
    { "legitimate", LA_CLASS_HAM },
};

/* Writes the normalized form of s into out; returns 0 when too long. */
static size_t norm_value(const char *s, size_t n, char *out)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 0 || n >= LABEL_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '-') c = '_';
        out[i] = c;
    }
    out[n] = '\0';
    return n;
}

static void add(la_labelmap *m, const char *s, size_t n, la_class c)
{
    char v[LABEL_MAX];
    if (!norm_value(s, n, v)) return;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->e[i].value, v) == 0) { m->e[i].cls = c; return; }
    LA_GROW(m->e, m->cap, m->n + 1);
    memcpy(m->e[m->n].value, v, sizeof v);
    m->e[m->n++].cls = c;
}

struct add_ctx { la_labelmap *m; la_class c; };

static void add_piece(const char *p, size_t n, void *ud)
{
    struct add_ctx *a = ud;
    add(a->m, p, n, a->c);
}

la_labelmap *la_labelmap_new(const la_options *opt)
{
    la_labelmap *m = la_xcalloc(1, sizeof *m);
    const char *lists[4] = { opt->toxic_values, opt->clean_values,
                             opt->spam_values, opt->ham_values };
    const la_class cls[4] = { LA_CLASS_TOXIC, LA_CLASS_NON_TOXIC,
                              LA_CLASS_SPAM, LA_CLASS_HAM };
    int custom = 0;
    for (int i = 0; i < 4; i++)
        if (lists[i]) custom = 1;
    if (!custom) {
        for (size_t i = 0; i < LA_ARRAY_LEN(builtin); i++)
            add(m, builtin[i].v, strlen(builtin[i].v), builtin[i].c);
        return m;
    }
    for (int i = 0; i < 4; i++) {
        struct add_ctx a = { m, cls[i] };
        la_split_commas(lists[i], add_piece, &a);
    }
    return m;
}

void la_labelmap_free(la_labelmap *m)
{
    if (!m) return;
    free(m->e);
    free(m);
}

la_class la_labelmap_lookup(const la_labelmap *m, const char *s, size_t n)
{
    char v[LABEL_MAX];
    if (!norm_value(s, n, v)) return LA_CLASS_UNKNOWN;
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].value[0] == v[0] && strcmp(m->e[i].value, v) == 0)
            return m->e[i].cls;
    return LA_CLASS_UNKNOWN;
}

la_class la_labelmap_json(const la_labelmap *m, const cJSON *v,
                          char *buf, size_t buflen, size_t *len)
{
    int n = 0;
    *len = 0;
    if (!v || buflen == 0) return LA_CLASS_UNKNOWN;
    buf[0] = '\0';
    if (cJSON_IsString(v) && v->valuestring) {
        size_t sl = strlen(v->valuestring);
        if (sl >= buflen) sl = buflen - 1;
        memcpy(buf, v->valuestring, sl);
        buf[sl] = '\0';
        *len = sl;
        return la_labelmap_lookup(m, v->valuestring, strlen(v->valuestring));
    }
    if (cJSON_IsBool(v)) {
        n = snprintf(buf, buflen, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
            n = snprintf(buf, buflen, "%.0f", d);
        else
            n = snprintf(buf, buflen, "%.17g", d);
    } else {
        return LA_CLASS_UNKNOWN;
    }
    if (n < 0) return LA_CLASS_UNKNOWN;
    *len = (size_t)n < buflen ? (size_t)n : buflen - 1;
    return la_labelmap_lookup(m, buf, *len);
}

la_task la_row_task(const la_options *opt, la_class label)
{
    if (opt->task != LA_TASK_AUTO) return opt->task;
    switch (label) {
    case LA_CLASS_TOXIC: case LA_CLASS_NON_TOXIC: return LA_TASK_TOXICITY;
    case LA_CLASS_SPAM: case LA_CLASS_HAM: return LA_TASK_SPAM;
    default: return LA_TASK_AUTO;
    }
}
