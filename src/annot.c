/*
 * annot.c - reads a row's annotator judgments into row->annot.
 *
 * Three input forms, tried in this order:
 *   1. --votes: a comma list of count columns (dotted paths), or one path
 *      to an object whose members are the count columns; each column
 *      is mapped to a class by --vote-classes (same order) or else by the
 *      label table applied to the column's last path segment. The counts
 *      are expanded into that many anonymous judgments (from_votes = 1).
 *   2. --annotations PATH (default "annotations" when the row has it): an
 *      array of labels (strings, numbers, booleans, mapped by the label
 *      table) with an optional parallel array of rater ids at
 *      --annotators (default "annotators" when present), or an array of
 *      objects {ANNOTATOR_KEY: id, LABEL_KEY: label}.
 * The result is three parallel arrays in the batch arena: cls (one byte
 * per judgment, LA_CLASS_UNKNOWN for a label the table does not know -
 * kept, and ignored by the statistics), rater and rater_len (borrowed from
 * the cJSON tree or, for numeric ids, printed into the arena). rater is
 * NULL when no judgment of the row names its rater.
 *
 * Invariants: on LA_OK, row->annot.n >= 0 judgments are filled; on
 * LA_EANNOT row->annot.n == 0, row->annot_error == LA_EANNOT and
 * row->err_detail holds a short reason. Nothing here touches shared
 * state, so it runs on any worker thread.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "la_agree.h"
#include "la_common.h"
#include "la_record.h"

/* Field paths resolve as everywhere else (la_record_path: dotted, the last
 * of duplicate keys wins). */
static const cJSON *resolve(const cJSON *obj, const char *p, size_t n)
{
    return la_record_path_n(obj, p, n);
}

/* One piece of a comma list: trimmed pointer + length. */
typedef struct piece { const char *p; size_t n; } piece;

/* Splits s into at most max trimmed non-empty pieces; returns the count,
 * or -1 when there are more than max. */
static int split(const char *s, piece *out, int max)
{
    int count = 0;
    while (s && *s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *p = s;
        while (n && (*p == ' ' || *p == '\t')) p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        if (n) {
            if (count == max) return -1;
            out[count].p = p;
            out[count].n = n;
            count++;
        }
        if (!e) break;
        s = e + 1;
    }
    return count;
}

/* A class name as --vote-classes spells it ("toxic", "non_toxic", "spam",
 * "ham"; '-' and ' ' count as '_', case ignored); UNKNOWN otherwise. */
static la_class class_by_name(const char *p, size_t n)
{
    for (int c = LA_CLASS_TOXIC; c < LA_CLASS__COUNT; c++) {
        const char *name = la_class_name((la_class)c);
        if (!name || strlen(name) != n) continue;
        size_t i = 0;
        for (; i < n; i++) {
            char ch = p[i];
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            if (ch == '-' || ch == ' ') ch = '_';
            if (ch != name[i]) break;
        }
        if (i == n) return (la_class)c;
    }
    return LA_CLASS_UNKNOWN;
}

int la_agree_check_options(const la_options *opt, char *err, size_t errlen)
{
    piece cols[LA_AGREE_MAX_COLUMNS], cls[LA_AGREE_MAX_COLUMNS];
    /* numeric ranges: la_options_check (src/options.c) */
    if (!opt->votes) {
        if (opt->vote_classes) {
            snprintf(err, errlen, "--vote-classes needs --votes");
            return LA_EUSAGE;
        }
        return LA_OK;
    }
    int nc = split(opt->votes, cols, LA_AGREE_MAX_COLUMNS);
    if (nc <= 0) {
        snprintf(err, errlen, nc < 0 ? "--votes: more than %d columns"
                                     : "--votes: no column named",
                 LA_AGREE_MAX_COLUMNS);
        return LA_EUSAGE;
    }
    if (!opt->vote_classes) return LA_OK;
    int nk = split(opt->vote_classes, cls, LA_AGREE_MAX_COLUMNS);
    if (nk != nc) {
        snprintf(err, errlen, "--vote-classes names %d classes for %d --votes columns",
                 nk < 0 ? LA_AGREE_MAX_COLUMNS + 1 : nk, nc);
        return LA_EUSAGE;
    }
    for (int i = 0; i < nk; i++)
        if (class_by_name(cls[i].p, cls[i].n) == LA_CLASS_UNKNOWN) {
            snprintf(err, errlen,
                     "--vote-classes: '%.*s' is not toxic, non_toxic, spam or ham",
                     (int)(cls[i].n > 40 ? 40 : cls[i].n), cls[i].p);
            return LA_EUSAGE;
        }
    return LA_OK;
}

static int fail(la_row *row, const char *fmt, ...) LA_PRINTF(2, 3);

static int fail(la_row *row, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->err_detail, sizeof row->err_detail, fmt, ap);
    va_end(ap);
    row->annot.n = 0;
    row->annot.cls = NULL;
    row->annot.rater = NULL;
    row->annot.rater_len = NULL;
    row->annot_error = LA_EANNOT;
    return LA_EANNOT;
}

/* A count as an integer in [0, LA_AGREE_MAX_JUDGMENTS]; -1 when it is
 * not a non-negative integer; -2 when it is too large. */
static long vote_count(const cJSON *v)
{
    if (!cJSON_IsNumber(v)) return -1;
    double d = v->valuedouble;
    if (!isfinite(d) || d < 0 || d != floor(d)) return -1;
    if (d > LA_AGREE_MAX_JUDGMENTS) return -2;
    return (long)d;
}

/* --votes naming one object of counts ({"hate": 1, "neither": 2}): each
 * member is a column, its class from the label table applied to its name.
 * A member the table does not know would turn its votes into "unknown"
 * judgments without a word, so it makes the row's annotations an error
 * that names it (tests/cases/input-votes-object.case). */
static int parse_vote_object(const la_labelmap *labels, const cJSON *v, la_row *row,
                             la_arena *arena)
{
    long total = 0;
    int present = 0;
    for (const cJSON *m = v->child; m; m = m->next) {
        if (cJSON_IsNull(m)) continue;
        long c = vote_count(m);
        if (c < 0)
            return fail(row, c == -1 ? "vote count %.40s is not a non-negative integer"
                                     : "vote count %.40s is too large", m->string);
        if (labels && la_labelmap_lookup(labels, m->string, strlen(m->string)) ==
                      LA_CLASS_UNKNOWN)
            return fail(row, "vote column %.40s is no known label (see --toxic-values "
                        "and friends)", m->string);
        present++;
        total += c;
        if (total > LA_AGREE_MAX_JUDGMENTS)
            return fail(row, "more than %d votes", LA_AGREE_MAX_JUDGMENTS);
    }
    row->annot.from_votes = 1;
    if (!present || total == 0) return LA_OK;
    row->annot.cls = la_arena_alloc(arena, (size_t)total);
    int k = 0;
    for (const cJSON *m = v->child; m; m = m->next) {
        if (cJSON_IsNull(m)) continue;
        la_class cls = labels ? la_labelmap_lookup(labels, m->string, strlen(m->string))
                              : LA_CLASS_UNKNOWN;
        for (long j = vote_count(m); j > 0; j--) row->annot.cls[k++] = (uint8_t)cls;
    }
    row->annot.n = k;
    return LA_OK;
}

static int parse_votes(const la_options *opt, const la_labelmap *labels,
                       const cJSON *obj, la_row *row, la_arena *arena)
{
    piece cols[LA_AGREE_MAX_COLUMNS], names[LA_AGREE_MAX_COLUMNS];
    la_class cc[LA_AGREE_MAX_COLUMNS];
    long cnt[LA_AGREE_MAX_COLUMNS];
    int nc = split(opt->votes, cols, LA_AGREE_MAX_COLUMNS);
    int nk = opt->vote_classes ? split(opt->vote_classes, names, LA_AGREE_MAX_COLUMNS) : 0;
    int present = 0;
    long total = 0;
    if (nc <= 0) return LA_OK;
    if (nc == 1 && !opt->vote_classes) {
        const cJSON *v = resolve(obj, cols[0].p, cols[0].n);
        if (cJSON_IsObject(v)) return parse_vote_object(labels, v, row, arena);
    }
    for (int i = 0; i < nc; i++) {
        const cJSON *v = resolve(obj, cols[i].p, cols[i].n);
        if (!v && !memchr(cols[i].p, '.', cols[i].n)) {
            /* "hate_speech" also finds votes.hate_speech */
            const cJSON *vo = la_record_path(obj, "votes");
            v = resolve(vo, cols[i].p, cols[i].n);
        }
        if (i < nk) {
            cc[i] = class_by_name(names[i].p, names[i].n);
        } else {
            const char *last = cols[i].p, *e = cols[i].p + cols[i].n;
            for (const char *q = cols[i].p; q < e; q++)
                if (*q == '.') last = q + 1;
            cc[i] = labels ? la_labelmap_lookup(labels, last, (size_t)(e - last))
                           : LA_CLASS_UNKNOWN;
        }
        /* An absent or null column counts as zero votes, so sparse count
         * tables work; a row with none of the columns has no judgments. */
        if (!v || cJSON_IsNull(v)) { cnt[i] = 0; continue; }
        present++;
        cnt[i] = vote_count(v);
        if (cnt[i] < 0)
            return fail(row, cnt[i] == -1
                        ? "vote count %.*s is not a non-negative integer"
                        : "vote count %.*s is too large",
                        (int)(cols[i].n > 40 ? 40 : cols[i].n), cols[i].p);
        total += cnt[i];
        if (total > LA_AGREE_MAX_JUDGMENTS)
            return fail(row, "more than %d votes", LA_AGREE_MAX_JUDGMENTS);
    }
    row->annot.from_votes = 1;
    if (!present || total == 0) return LA_OK;
    row->annot.cls = la_arena_alloc(arena, (size_t)total);
    int k = 0;
    for (int i = 0; i < nc; i++)
        for (long j = 0; j < cnt[i]; j++) row->annot.cls[k++] = (uint8_t)cc[i];
    row->annot.n = k;
    return LA_OK;
}

/* Rater id of v into s and n: strings are borrowed, integral numbers are
 * printed into the arena. Returns 0 when v is not a usable id. */
static int rater_id(const cJSON *v, la_arena *arena, const char **s, uint16_t *n)
{
    if (cJSON_IsString(v) && v->valuestring) {
        size_t l = strlen(v->valuestring);
        if (l > LA_AGREE_MAX_ID) return 0;
        *s = v->valuestring;
        *n = (uint16_t)l;
        return 1;
    }
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
        v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15) {
        char tmp[32];
        int l = snprintf(tmp, sizeof tmp, "%.0f", v->valuedouble);
        *s = la_arena_strndup(arena, tmp, (size_t)l);
        *n = (uint16_t)l;
        return 1;
    }
    return 0;
}

static int is_label_value(const cJSON *v)
{
    return cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
}

static la_class label_class(const la_labelmap *labels, const cJSON *v)
{
    char buf[64];
    size_t len;
    return labels ? la_labelmap_json(labels, v, buf, sizeof buf, &len)
                  : LA_CLASS_UNKNOWN;
}

static int parse_array(const la_options *opt, const la_labelmap *labels,
                       const cJSON *obj, const cJSON *arr, la_row *row,
                       la_arena *arena)
{
    const char *akey = opt->annotator_key ? opt->annotator_key : "annotator";
    const char *lkey = opt->annotation_label_key ? opt->annotation_label_key : "label";
    int n = cJSON_GetArraySize(arr);
    const cJSON *ids = NULL;
    if (n == 0) return LA_OK;
    if (n > LA_AGREE_MAX_JUDGMENTS)
        return fail(row, "more than %d annotations", LA_AGREE_MAX_JUDGMENTS);
    if (opt->annotators_path) {
        ids = resolve(obj, opt->annotators_path, strlen(opt->annotators_path));
    } else {
        ids = la_record_path(obj, "annotators");
    }
    if (ids && cJSON_IsNull(ids)) ids = NULL;
    if (ids && !cJSON_IsArray(ids)) return fail(row, "annotators is not an array");
    if (ids && cJSON_GetArraySize(ids) != n)
        return fail(row, "%d annotations but %d annotators", n, cJSON_GetArraySize(ids));

    uint8_t *cls = la_arena_alloc(arena, (size_t)n);
    const char **rater = la_arena_alloc(arena, (size_t)n * sizeof *rater);
    uint16_t *rlen = la_arena_alloc(arena, (size_t)n * sizeof *rlen);
    int named = 0, i = 0;
    const cJSON *id = ids ? ids->child : NULL;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        const cJSON *lab = it, *who = id;
        rater[i] = NULL;
        rlen[i] = 0;
        if (cJSON_IsObject(it)) {
            lab = la_record_path(it, lkey);
            if (!lab) return fail(row, "annotations[%d] has no \"%.20s\"", i, lkey);
            const cJSON *w = la_record_path(it, akey);
            if (w && !cJSON_IsNull(w)) who = w;
        }
        if (!is_label_value(lab))
            return fail(row, "annotations[%d] is not a label value", i);
        cls[i] = (uint8_t)label_class(labels, lab);
        if (who && !cJSON_IsNull(who)) {
            if (!rater_id(who, arena, &rater[i], &rlen[i]))
                return fail(row, "annotator id %d is not a string or integer", i);
            named++;
        }
        if (id) id = id->next;
    }
    row->annot.n = n;
    row->annot.cls = cls;
    row->annot.rater = named ? rater : NULL;
    row->annot.rater_len = named ? rlen : NULL;
    return LA_OK;
}

int la_annot_parse(const la_options *opt, const la_labelmap *labels,
                   const struct cJSON *obj, la_row *row, la_arena *arena)
{
    row->annot.n = 0;
    row->annot.cls = NULL;
    row->annot.rater = NULL;
    row->annot.rater_len = NULL;
    row->annot.from_votes = 0;
    if (!cJSON_IsObject(obj)) return LA_OK;
    if (opt->votes) return parse_votes(opt, labels, obj, row, arena);
    const cJSON *arr;
    if (opt->annotations_path)
        arr = resolve(obj, opt->annotations_path, strlen(opt->annotations_path));
    else
        arr = la_record_path(obj, "annotations");
    if (!arr || cJSON_IsNull(arr)) return LA_OK;
    if (!cJSON_IsArray(arr)) return fail(row, "annotations is not an array");
    return parse_array(opt, labels, obj, arr, row, arena);
}
