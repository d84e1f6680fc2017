/*
 * options.c - the one place where a la_options is validated: the range of
 * every numeric option and the field paths and lists that must not be
 * empty. The command line only parses text into numbers; la_auditor_new
 * calls la_options_check, so the CLI and an embedding program get the
 * same limits and the same messages (tests/cases/rel-option-limits.case).
 *
 * The limits are a table: option name, field, type and range. A limit
 * says what the code can do, not a tuning preference: minhash and bands
 * bound the signature arrays, folds the per-fold models, threads the
 * worker array; the rest are probabilities in [0, 1].
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "la_common.h"

enum kind { K_INT, K_LONG, K_SIZE, K_DOUBLE };

static const struct limit {
    const char *name;
    size_t off;
    enum kind kind;
    double lo, hi;
} limits[] = {
    { "--shingle", offsetof(la_options, shingle_size), K_INT, 0, 16 },
    { "--minhash", offsetof(la_options, minhash_k), K_INT, 8, 1024 },
    { "--bands", offsetof(la_options, lsh_bands), K_INT, 1, 1024 },
    { "--near-threshold", offsetof(la_options, near_threshold), K_DOUBLE, 0.05, 1 },
    { "--low-agreement", offsetof(la_options, low_agreement), K_DOUBLE, 0, 1 },
    { "--ds-iterations", offsetof(la_options, ds_max_iter), K_INT, 0, 10000 },
    { "--folds", offsetof(la_options, folds), K_INT, 2, 20 },
    { "--learn-min", offsetof(la_options, learn_min_per_class), K_INT, 1, 100000000 },
    { "--top", offsetof(la_options, top), K_LONG, 0, 2147483647.0 },
    { "--min-score", offsetof(la_options, min_score), K_DOUBLE, -1, 1 },   /* < 0: P > 0.5 */
    { "--threads", offsetof(la_options, threads), K_INT, 0, 256 },
    { "--max-line-bytes", offsetof(la_options, max_line_bytes), K_SIZE, 16, 2147483647.0 },
    { "--memory", offsetof(la_options, memory), K_SIZE, 0, 1125899906842624.0 },   /* 1 PiB */
};

static double value_of(const la_options *o, const struct limit *l)
{
    const char *p = (const char *)o + l->off;
    switch (l->kind) {
    case K_INT: return *(const int *)(const void *)p;
    case K_LONG: return (double)*(const long *)(const void *)p;
    case K_SIZE: return (double)*(const size_t *)(const void *)p;
    default: return *(const double *)(const void *)p;
    }
}

static int nonempty(const char *s) { return s && *s; }

struct reason_scan { int known, unknown; };

static void scan_reason(const char *p, size_t n, void *ud)
{
    struct reason_scan *r = ud;
    if (la_reason_parse(p, n) >= 0) r->known++;
    else r->unknown++;
}

int la_options_check(const la_options *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < LA_ARRAY_LEN(limits); i++) {
        const struct limit *l = &limits[i];
        double v = value_of(o, l);
        if (v >= l->lo && v <= l->hi) continue;   /* false for NaN too */
        if (l->kind == K_DOUBLE)
            snprintf(err, errlen, "%s: expected a number from %g to %g, got %g", l->name,
                     l->lo, l->hi, v);
        else
            snprintf(err, errlen, "%s: expected an integer from %.0f to %.0f, got %.0f",
                     l->name, l->lo, l->hi, v);
        return LA_EUSAGE;
    }
    const struct { const char *name, *value; } paths[] = {
        { "--text", o->text_path }, { "--label", o->label_path }, { "--id", o->id_path },
    };
    for (size_t i = 0; i < LA_ARRAY_LEN(paths); i++)
        if (!nonempty(paths[i].value)) {
            snprintf(err, errlen, "%s: expected a field path, got ''", paths[i].name);
            return LA_EUSAGE;
        }
    /* (main parses --part; an embedder setting shard_path sets both) */
    if (o->shard_path && !(o->shard_parts >= 1 && o->shard_parts <= LA_SHARD_MAX_PARTS &&
                           o->shard_part >= 1 && o->shard_part <= o->shard_parts)) {
        snprintf(err, errlen, "--part: expected K/N with 1 <= K <= N <= %d, got %d/%d",
                 LA_SHARD_MAX_PARTS, o->shard_part, o->shard_parts);
        return LA_EUSAGE;
    }
    if (o->reasons) {
        struct reason_scan r = { 0, 0 };
        la_split_commas(o->reasons, scan_reason, &r);
        if (r.unknown || !r.known) {
            snprintf(err, errlen, "--reasons: expected reason codes (PROFANITY_ONLY, ...), "
                     "got '%.60s'", o->reasons);
            return LA_EUSAGE;
        }
    }
    return LA_OK;
}
