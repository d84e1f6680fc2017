/*
 * test_formats.c - the review-tool formats and the HTML report, checked on
 * hand-built queue rows.
 *
 * Each JSON format is parsed back with cJSON and held to the import schema
 * of its tool: the field names and JSON types Label Studio (task list with
 * data / predictions[].result[] regions), Argilla v2 (Record and Suggestion
 * keyword arguments) and Prodigy (text / label / meta / spans) read. The
 * CSV output is parsed with a small RFC 4180 reader and compared field by
 * field. Span offsets are checked to be character (code point) offsets by
 * slicing the decoded text the way Python does.
 *
 * With "--write-report FILE" the binary also writes a sample report (the
 * one tests/report/render.sh opens in a browser when no CLI report is
 * given).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "unit.h"
#include "la_format.h"
#include "la_report.h"

/* ---- fixtures ------------------------------------------------------------- */

static void add_finding(la_result *r, la_reason code, double score, la_class sug,
                        const char *why)
{
    la_finding *f = &r->find[r->nfind++];
    memset(f, 0, sizeof *f);
    f->code = code;
    f->score = score;
    f->suggested = sug;
    snprintf(f->why, sizeof f->why, "%s", why);
    f->ev_first = (uint16_t)r->nev;
}

static void add_ev(la_result *r, const char *needle, const char *kind,
                   const char *cat, const char *sev)
{
    const char *p = strstr(r->text, needle);
    if (!p) { fprintf(stderr, "fixture: %s not in text\n", needle); abort(); }
    la_evidence *e = &r->ev[r->nev++];
    e->start = (uint32_t)(p - r->text);
    e->end = e->start + (uint32_t)strlen(needle);
    e->kind = kind;
    e->category = cat;
    e->severity = sev;
    e->term = NULL;
    r->find[r->nfind - 1].nev++;
}

static void set_text(la_result *r, const char *t)
{
    r->text = t;
    r->text_len = strlen(t);
}

/* Row 1: positive profanity after non-ASCII text, so byte and character
 * offsets differ (é is 2 bytes, the emoji 4 bytes and one code point). */
static void row_profanity(la_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = "c-102"; r->id_len = 5;
    r->line = 102;
    r->label_json = "\"toxic\""; r->label_json_len = 7;
    r->label_class = LA_CLASS_TOXIC;
    r->suggested = LA_CLASS_NON_TOXIC;
    r->score = 0.87;
    set_text(r, "Caf\xc3\xa9 \xf0\x9f\x8e\x89 you fucking rock, \"so\" proud!");
    add_finding(r, LA_R_PROFANITY_ONLY, 0.87, LA_CLASS_NON_TOXIC,
                "labeled toxic, but the only signal is profanity used to praise");
    add_ev(r, "fucking", "profanity", "sexual", "strong");
    add_ev(r, "proud", "positive", NULL, NULL);
    r->context_json = "{\"prev_turn\":\"who did this?\"}";
    r->context_json_len = strlen(r->context_json);
}

/* Row 2: numeric id and label, a cluster, agreement, two reasons, a text
 * with CR, LF, comma and quotes for the CSV quoting rules. */
static void row_dup(la_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = "7"; r->id_len = 1; r->id_is_number = 1;
    r->line = 9;
    r->label_json = "0"; r->label_json_len = 1;
    r->label_class = LA_CLASS_NON_TOXIC;
    r->suggested = LA_CLASS_TOXIC;
    r->suggested_json = "1"; r->suggested_json_len = 1;   /* the dataset's own value */
    r->score = 0.5;
    set_text(r, "line one,\r\nsays \"hi\"\nend");
    add_finding(r, LA_R_LABEL_CONFLICT, 0.5, LA_CLASS_TOXIC,
                "same text as row 3, which is labeled toxic");
    add_finding(r, LA_R_NOT_MAJORITY, 0.4, LA_CLASS_TOXIC,
                "2 of 3 annotators said toxic");
    r->cluster.has_cluster = 1;
    r->cluster.id = 4;
    r->cluster.of = "3"; r->cluster.of_len = 1; r->cluster.of_is_number = 1;
    r->cluster.of_label = LA_CLASS_TOXIC;
    r->cluster.similarity = 1.0;
    r->agreement.n = 3;
    r->agreement.majority = LA_CLASS_TOXIC;
    r->agreement.share = 2.0 / 3.0;
}

/* Row 3: an unknown label class and gibberish: the proposal is to remove
 * the row. */
static void row_unknown(la_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = "x"; r->id_len = 1;
    r->line = 1;
    r->label_json = "\"maybe\""; r->label_json_len = 7;
    r->label_class = LA_CLASS_UNKNOWN;
    r->suggested = LA_CLASS_UNKNOWN;
    r->remove = 1;
    r->score = 0.3;
    set_text(r, "asdfgh qwerty zxcvb");
    add_finding(r, LA_R_GIBBERISH, 0.3, LA_CLASS_UNKNOWN, "no dictionary words");
    add_ev(r, "asdfgh", "gibberish", NULL, NULL);
}

static char *render(la_format f, const la_result *rows, int n)
{
    la_buf b;
    la_buf_init(&b);
    la_fmt_begin(f, &b);
    for (int i = 0; i < n; i++) la_fmt_row(f, &b, &rows[i], (uint64_t)i);
    la_fmt_end(f, &b, (uint64_t)n);
    char *s = la_xstrndup(b.p ? b.p : "", b.len);
    la_buf_free(&b);
    return s;
}

/* ---- helpers ---------------------------------------------------------------- */

static cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The substring of s from code point a to code point b (Python s[a:b]). */
static char *cp_slice(const char *s, int a, int b)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, from = n, to = n;
    int cp = 0;
    while (i <= n) {
        if (cp == a && from == n) from = i;
        if (cp == b) { to = i; break; }
        if (i == n) break;
        size_t k = la_utf8_valid_len(u + i, n - i);
        i += k ? k : 1;
        cp++;
    }
    if (from > to) from = to;
    return la_xstrndup(s + from, to - from);
}

/* Splits JSONL into parsed objects; returns the count. */
static int parse_jsonl(const char *s, cJSON **out, int max)
{
    int n = 0;
    while (*s && n < max) {
        const char *nl = strchr(s, '\n');
        CHECK(nl != NULL);                 /* every line ends with \n */
        if (!nl) break;
        out[n] = cJSON_ParseWithLength(s, (size_t)(nl - s));
        CHECK(out[n] != NULL);
        n++;
        s = nl + 1;
    }
    return n;
}

/* ---- CSV -------------------------------------------------------------------- */

#define CSV_MAXF 32
typedef struct { char *f[CSV_MAXF]; int n; } csv_rec;

/* RFC 4180 reader: records end with CRLF outside quotes. Returns the
 * number of records; sets *bad on a grammar violation. */
static int csv_parse(const char *s, csv_rec *recs, int max, int *bad)
{
    int nr = 0;
    *bad = 0;
    while (*s && nr < max) {
        csv_rec *r = &recs[nr++];
        r->n = 0;
        for (;;) {
            la_buf f;
            la_buf_init(&f);
            la_buf_add(&f, "", 0);
            if (*s == '"') {
                s++;
                for (;;) {
                    if (!*s) { *bad = 1; break; }
                    if (*s == '"' && s[1] == '"') { la_buf_addc(&f, '"'); s += 2; continue; }
                    if (*s == '"') { s++; break; }
                    la_buf_addc(&f, *s++);
                }
            } else {
                while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                    if (*s == '"') *bad = 1;   /* quote inside unquoted field */
                    la_buf_addc(&f, *s++);
                }
            }
            if (r->n < CSV_MAXF) r->f[r->n++] = f.p;
            else la_buf_free(&f);
            if (*s == ',') { s++; continue; }
            if (s[0] == '\r' && s[1] == '\n') { s += 2; break; }
            *bad = 1;                          /* bare LF/CR or junk */
            return nr;
        }
    }
    return nr;
}

static void csv_free(csv_rec *recs, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < recs[i].n; j++) free(recs[i].f[j]);
}

static void test_csv(const la_result *rows)
{
    char *s = render(LA_FORMAT_CSV, rows, 3);
    csv_rec recs[8];
    int bad;
    int n = csv_parse(s, recs, 8, &bad);
    CHECK(!bad);
    CHECK_INT(n, 4);
    if (n == 4 && !bad) {
        static const char *const cols[] = {
            "id", "line", "label", "label_class", "suggested", "score", "decision",
            "reviewer", "reasons", "why", "evidence", "cluster_of", "similarity",
            "agreement", "context", "text"
        };
        CHECK_INT(recs[0].n, 16);
        for (int i = 0; i < 16 && i < recs[0].n; i++) CHECK_STR(recs[0].f[i], cols[i]);
        for (int i = 1; i < 4; i++) CHECK_INT(recs[i].n, 16);
        /* row 1 */
        CHECK_STR(recs[1].f[0], "c-102");
        CHECK_STR(recs[1].f[1], "102");
        CHECK_STR(recs[1].f[2], "toxic");
        CHECK_STR(recs[1].f[3], "toxic");
        CHECK_STR(recs[1].f[4], "non_toxic");
        CHECK_STR(recs[1].f[5], "0.87");
        CHECK_STR(recs[1].f[6], "");                   /* decision: to fill in */
        CHECK_STR(recs[1].f[7], "");
        CHECK_STR(recs[1].f[8], "PROFANITY_ONLY");
        CHECK_STR(recs[1].f[10], "profanity:fucking | positive:proud");
        CHECK_STR(recs[1].f[11], "");
        CHECK_STR(recs[1].f[14], "prev_turn: who did this?");
        CHECK_STR(recs[1].f[15], rows[0].text);       /* quotes round-trip */
        /* row 2: numeric label as its JSON text, two reasons, cluster,
         * the dataset's own suggested value */
        CHECK_STR(recs[2].f[0], "7");
        CHECK_STR(recs[2].f[2], "0");
        CHECK_STR(recs[2].f[4], "1");
        CHECK_STR(recs[2].f[8], "LABEL_CONFLICT|NOT_MAJORITY");
        CHECK_STR(recs[2].f[9], "same text as row 3, which is labeled toxic | 2 of 3 annotators said toxic");
        CHECK_STR(recs[2].f[11], "3");
        CHECK_STR(recs[2].f[12], "1");
        CHECK_STR(recs[2].f[13], "2 of 3 annotators: toxic");
        CHECK_STR(recs[2].f[15], rows[1].text);       /* CR, LF, comma, quotes */
        /* row 3: unknown class and a removal */
        CHECK_STR(recs[3].f[2], "maybe");
        CHECK_STR(recs[3].f[3], "");
        CHECK_STR(recs[3].f[4], "remove");
    }
    csv_free(recs, n);
    /* quoting is minimal: a plain field is not quoted */
    CHECK(strstr(s, "\r\nc-102,102,toxic,toxic,non_toxic,0.87,,,PROFANITY_ONLY,") != NULL);
    free(s);

    /* header only for an empty queue */
    s = render(LA_FORMAT_CSV, rows, 0);
    CHECK(strncmp(s, "id,line,", 8) == 0);
    CHECK_INT(strchr(s, '\n') - s + 1, (long long)strlen(s));
    free(s);
}

/* ---- Label Studio ---------------------------------------------------------- */

static void check_ls_region(const cJSON *reg, const char *text, int *nchoice, int *nlabels)
{
    CHECK(cJSON_IsObject(reg));
    const cJSON *from = get(reg, "from_name"), *to = get(reg, "to_name"),
                *type = get(reg, "type"), *val = get(reg, "value");
    CHECK(cJSON_IsString(from));
    CHECK(cJSON_IsString(to) && strcmp(to->valuestring, "text") == 0);
    CHECK(cJSON_IsString(type));
    CHECK(cJSON_IsObject(val));
    if (!cJSON_IsString(type) || !cJSON_IsObject(val) || !cJSON_IsString(from)) return;
    CHECK(cJSON_IsString(get(reg, "id")));
    if (strcmp(type->valuestring, "choices") == 0) {
        (*nchoice)++;
        CHECK_STR(from->valuestring, "label");
        const cJSON *ch = get(val, "choices");
        CHECK(cJSON_IsArray(ch) && cJSON_GetArraySize(ch) == 1);
        CHECK(cJSON_IsString(cJSON_GetArrayItem(ch, 0)));
    } else if (strcmp(type->valuestring, "labels") == 0) {
        (*nlabels)++;
        CHECK_STR(from->valuestring, "evidence");
        const cJSON *st = get(val, "start"), *en = get(val, "end"),
                    *tx = get(val, "text"), *lb = get(val, "labels");
        CHECK(cJSON_IsNumber(st) && cJSON_IsNumber(en) && cJSON_IsString(tx));
        CHECK(cJSON_IsArray(lb) && cJSON_GetArraySize(lb) == 1 &&
              cJSON_IsString(cJSON_GetArrayItem(lb, 0)));
        if (cJSON_IsNumber(st) && cJSON_IsNumber(en) && cJSON_IsString(tx)) {
            char *sl = cp_slice(text, st->valueint, en->valueint);
            CHECK_STR(sl, tx->valuestring);          /* character offsets */
            free(sl);
        }
    } else {
        CHECK(!"unexpected region type");
    }
}

static void test_label_studio(const la_result *rows)
{
    char *s = render(LA_FORMAT_LABEL_STUDIO, rows, 3);
    cJSON *a = cJSON_Parse(s);
    CHECK(cJSON_IsArray(a));
    CHECK_INT(cJSON_GetArraySize(a), 3);
    int i = 0;
    const cJSON *task;
    cJSON_ArrayForEach(task, a) {
        CHECK(cJSON_IsObject(task));
        const cJSON *data = get(task, "data"), *preds = get(task, "predictions"),
                    *meta = get(task, "meta");
        CHECK(cJSON_IsObject(data));
        CHECK(cJSON_IsArray(preds) && cJSON_GetArraySize(preds) == 1);
        CHECK(cJSON_IsObject(meta));
        if (!cJSON_IsObject(data) || !cJSON_IsArray(preds)) continue;
        const cJSON *text = get(data, "text");
        CHECK(cJSON_IsString(text));
        CHECK(get(data, "id") != NULL);
        CHECK(cJSON_IsString(get(data, "reasons")));
        CHECK_STR(cJSON_IsString(text) ? text->valuestring : NULL, rows[i].text);
        const cJSON *p = cJSON_GetArrayItem(preds, 0);
        const cJSON *mv = get(p, "model_version"), *sc = get(p, "score"),
                    *res = get(p, "result");
        CHECK(cJSON_IsString(mv) && strcmp(mv->valuestring, "labelaudit-" LA_VERSION) == 0);
        CHECK(cJSON_IsNumber(sc) && sc->valuedouble >= 0 && sc->valuedouble <= 1);
        CHECK(cJSON_IsArray(res));
        int nch = 0, nlab = 0;
        const cJSON *reg;
        cJSON_ArrayForEach(reg, res) check_ls_region(reg, rows[i].text, &nch, &nlab);
        CHECK_INT(nch, 1);                              /* row 3 proposes "remove" */
        static const char *const shown[] = { "reasons", "why", "agreement", "context" };
        for (int k = 0; k < 4; k++) CHECK(cJSON_IsString(get(data, shown[k])));
        CHECK_INT(nlab, i == 0 ? 2 : i == 1 ? 0 : 1);
        const cJSON *mr = get(meta, "reasons");
        CHECK(cJSON_IsArray(mr) && cJSON_GetArraySize(mr) == rows[i].nfind);
        i++;
    }
    /* specific values */
    const cJSON *t0 = cJSON_GetArrayItem(a, 0), *t1 = cJSON_GetArrayItem(a, 1);
    CHECK(cJSON_IsString(get(get(t0, "data"), "id")));
    CHECK(cJSON_IsNumber(get(get(t1, "data"), "id")));       /* numeric id kept */
    CHECK(cJSON_IsNumber(get(get(t1, "data"), "label")));    /* label as given */
    const cJSON *r0 = get(cJSON_GetArrayItem(get(t0, "predictions"), 0), "result");
    const cJSON *ch = get(get(cJSON_GetArrayItem(r0, 0), "value"), "choices");
    CHECK_STR(cJSON_GetArrayItem(ch, 0)->valuestring, "non_toxic");
    const cJSON *v1 = get(cJSON_GetArrayItem(r0, 1), "value");
    /* "Café 🎉 you fucking": 'fucking' starts at code point 11, byte 15 */
    CHECK_INT(get(v1, "start")->valueint, 11);
    CHECK_INT(get(v1, "end")->valueint, 18);
    CHECK_INT(rows[0].ev[0].start, 15);
    cJSON_Delete(a);
    free(s);

    s = render(LA_FORMAT_LABEL_STUDIO, rows, 0);
    CHECK_STR(s, "[]\n");
    free(s);
    s = render(LA_FORMAT_LABEL_STUDIO, rows, 1);
    a = cJSON_Parse(s);
    CHECK(cJSON_IsArray(a) && cJSON_GetArraySize(a) == 1);
    cJSON_Delete(a);
    free(s);
}

/* ---- Argilla ----------------------------------------------------------------- */

static void test_argilla(const la_result *rows)
{
    char *s = render(LA_FORMAT_ARGILLA, rows, 3);
    cJSON *recs[4] = { 0 };
    int n = parse_jsonl(s, recs, 4);
    CHECK_INT(n, 3);
    for (int i = 0; i < n; i++) {
        const cJSON *r = recs[i];
        CHECK(cJSON_IsString(get(r, "id")));                 /* str ids */
        const cJSON *fields = get(r, "fields");
        CHECK(cJSON_IsObject(fields));
        CHECK(cJSON_IsString(get(fields, "text")));
        CHECK_STR(get(fields, "text")->valuestring, rows[i].text);
        const cJSON *sug = get(r, "suggestions");
        CHECK(cJSON_IsArray(sug));
        /* a label suggestion, and a span suggestion when there is evidence */
        CHECK_INT(cJSON_GetArraySize(sug), i == 1 ? 1 : 2);
        const cJSON *sg;
        cJSON_ArrayForEach(sg, sug) {
            CHECK(cJSON_IsString(get(sg, "question_name")));
            CHECK(cJSON_IsString(get(sg, "agent")));
            if (!cJSON_IsString(get(sg, "question_name"))) continue;
            if (strcmp(get(sg, "question_name")->valuestring, "label") == 0) {
                CHECK(cJSON_IsString(get(sg, "value")));
                CHECK(cJSON_IsNumber(get(sg, "score")));
                CHECK(get(sg, "score")->valuedouble == rows[i].score);   /* a probability */
                CHECK_INT(cJSON_GetArraySize(sg), 4);
                continue;
            }
            CHECK_STR(get(sg, "question_name")->valuestring, "evidence");
            const cJSON *v = get(sg, "value"), *sp;
            CHECK(cJSON_IsArray(v));
            int last_end = 0;
            cJSON_ArrayForEach(sp, v) {
                CHECK(cJSON_IsNumber(get(sp, "start")) && cJSON_IsNumber(get(sp, "end")));
                CHECK(cJSON_IsString(get(sp, "label")));
                CHECK(get(sp, "start")->valueint >= last_end);           /* no overlap */
                last_end = get(sp, "end")->valueint;
            }
        }
        /* metadata values: terms (string or list of strings), int, float */
        const cJSON *md = get(r, "metadata"), *m;
        CHECK(cJSON_IsObject(md));
        cJSON_ArrayForEach(m, md) {
            int ok = cJSON_IsString(m) || cJSON_IsNumber(m);
            if (cJSON_IsArray(m)) {
                ok = 1;
                const cJSON *x;
                cJSON_ArrayForEach(x, m) ok &= cJSON_IsString(x);
            }
            CHECK(ok);
        }
        CHECK(cJSON_IsArray(get(md, "reasons")));
        CHECK(cJSON_IsNumber(get(md, "score")));
        CHECK_INT(cJSON_GetArraySize(r), 4);     /* id, fields, suggestions, metadata */
    }
    if (n == 3) {
        CHECK_STR(get(recs[1], "id")->valuestring, "7");
        CHECK_STR(get(get(recs[1], "metadata"), "label")->valuestring, "0");
        CHECK_STR(get(cJSON_GetArrayItem(get(recs[0], "suggestions"), 0), "value")->valuestring,
                  "non_toxic");
        CHECK(get(get(recs[2], "metadata"), "label_class") == NULL);
        CHECK_STR(get(cJSON_GetArrayItem(get(recs[1], "suggestions"), 0), "value")->valuestring, "1");
        CHECK_STR(get(cJSON_GetArrayItem(get(recs[2], "suggestions"), 0), "value")->valuestring,
                  "remove");
        CHECK_STR(get(get(recs[0], "fields"), "context")->valuestring, "prev_turn: who did this?");
        CHECK(cJSON_IsString(get(get(recs[0], "fields"), "why")));
        CHECK_INT(get(get(recs[1], "metadata"), "annotators")->valueint, 3);
    }
    for (int i = 0; i < n; i++) cJSON_Delete(recs[i]);
    free(s);
}

/* ---- Prodigy ------------------------------------------------------------------ */

static void test_prodigy(const la_result *rows)
{
    char *s = render(LA_FORMAT_PRODIGY, rows, 3);
    cJSON *t[4] = { 0 };
    int n = parse_jsonl(s, t, 4);
    CHECK_INT(n, 3);
    for (int i = 0; i < n; i++) {
        CHECK(cJSON_IsString(get(t[i], "text")));
        CHECK_STR(get(t[i], "text")->valuestring, rows[i].text);
        CHECK(get(t[i], "answer") == NULL);
        const cJSON *meta = get(t[i], "meta"), *m;
        CHECK(cJSON_IsObject(meta));
        cJSON_ArrayForEach(m, meta) CHECK(cJSON_IsString(m) || cJSON_IsNumber(m));
        CHECK(cJSON_IsNumber(get(meta, "score")));
        CHECK(cJSON_IsString(get(meta, "reasons")));
        const cJSON *spans = get(t[i], "spans"), *sp;
        CHECK(cJSON_IsArray(spans));
        int last_end = 0;
        cJSON_ArrayForEach(sp, spans) {
            const cJSON *st = get(sp, "start"), *en = get(sp, "end"), *lb = get(sp, "label");
            CHECK(cJSON_IsNumber(st) && cJSON_IsNumber(en) && cJSON_IsString(lb));
            if (cJSON_IsNumber(st) && cJSON_IsNumber(en)) {
                CHECK(st->valueint < en->valueint);
                CHECK(st->valueint >= last_end);            /* spans never overlap */
                last_end = en->valueint;
            }
        }
        CHECK(cJSON_IsNumber(get(t[i], "_input_hash")));
        CHECK(cJSON_IsNumber(get(t[i], "_task_hash")));
    }
    if (n == 3) {
        CHECK_STR(get(t[0], "label")->valuestring, "non_toxic");
        CHECK_STR(get(t[2], "label")->valuestring, "remove");
        CHECK_STR(get(t[1], "label")->valuestring, "1");       /* the dataset's value */
        CHECK(cJSON_IsNumber(get(get(t[1], "meta"), "id")));
        const cJSON *sp = cJSON_GetArrayItem(get(t[0], "spans"), 0);
        char *sl = cp_slice(rows[0].text, get(sp, "start")->valueint, get(sp, "end")->valueint);
        CHECK_STR(sl, "fucking");
        free(sl);
        CHECK_STR(get(sp, "label")->valuestring, "PROFANITY");
    }
    for (int i = 0; i < n; i++) cJSON_Delete(t[i]);
    free(s);
}

/* ---- offsets at the edges ------------------------------------------------------- */

static void test_offsets(void)
{
    la_result r;
    memset(&r, 0, sizeof r);
    r.id = "e"; r.id_len = 1;
    r.label_class = LA_CLASS_NON_TOXIC;
    r.suggested = LA_CLASS_TOXIC;
    /* evidence at the very start and very end, a span repeated by a
     * second finding (written once), and a span out of range (dropped) */
    set_text(&r, "\xe6\xad\xbb\xe3\x81\xad \xe3\x81\xb0\xe3\x81\x8b");   /* 死ね ばか */
    add_finding(&r, LA_R_MISSED_TOXICITY, 0.9, LA_CLASS_TOXIC, "threat");
    add_ev(&r, "\xe6\xad\xbb\xe3\x81\xad", "threat", NULL, NULL);
    add_ev(&r, "\xe3\x81\xb0\xe3\x81\x8b", "insult", NULL, NULL);
    add_finding(&r, LA_R_MODEL_DISAGREES, 0.6, LA_CLASS_TOXIC, "model");
    add_ev(&r, "\xe6\xad\xbb\xe3\x81\xad", "threat", NULL, NULL);
    r.ev[r.nev] = (la_evidence){ .start = 5, .end = 99, .kind = "url" };
    r.nev++; r.find[1].nev++;
    char *s = render(LA_FORMAT_PRODIGY, &r, 1);
    CHECK(strstr(s, "\"spans\":[{\"start\":0,\"end\":2,\"label\":\"THREAT\"},"
                    "{\"start\":3,\"end\":5,\"label\":\"INSULT\"}]") != NULL);
    free(s);
}

/* Two rows identical in text, label and spans but not in id stay two
 * Prodigy tasks (distinct hashes); overlapping evidence is cut to spans
 * that do not overlap, the longer one first at the same start. */
static void test_prodigy_hashes_overlap(void)
{
    la_result r[2];
    for (int i = 0; i < 2; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].id = i ? "b" : "a"; r[i].id_len = 1;
        r[i].label_json = "\"toxic\""; r[i].label_json_len = 7;
        r[i].label_class = LA_CLASS_TOXIC;
        r[i].suggested = LA_CLASS_NON_TOXIC;
        set_text(&r[i], "so proud of you");
        add_finding(&r[i], LA_R_PROFANITY_ONLY, 0.8, LA_CLASS_NON_TOXIC, "praise");
        add_ev(&r[i], "proud", "positive", NULL, NULL);
        add_ev(&r[i], "so proud", "positive", NULL, NULL);
        add_ev(&r[i], "proud of you", "positive", NULL, NULL);
    }
    char *s = render(LA_FORMAT_PRODIGY, r, 2);
    cJSON *t[2] = { 0 };
    CHECK_INT(parse_jsonl(s, t, 2), 2);
    if (t[0] && t[1]) {
        CHECK(get(t[0], "_input_hash")->valuedouble != get(t[1], "_input_hash")->valuedouble);
        CHECK(get(t[0], "_task_hash")->valuedouble != get(t[1], "_task_hash")->valuedouble);
        CHECK(strstr(s, "\"spans\":[{\"start\":0,\"end\":8,\"label\":\"POSITIVE\"}]") != NULL);
    }
    cJSON_Delete(t[0]);
    cJSON_Delete(t[1]);
    free(s);
}

static int count(const char *s, const char *needle);

/* The Label Studio config declares every evidence kind and label value the
 * rows use, and the remove choice. */
static void test_ls_config(const la_result *rows)
{
    la_fmt_seen seen;
    la_fmt_seen_init(&seen);
    for (int i = 0; i < 3; i++) la_fmt_note(&seen, &rows[i]);
    la_buf b;
    la_buf_init(&b);
    la_fmt_ls_config(&seen, &b);
    static const char *const want[] = {
        "<Label value=\"profanity\"/>", "<Label value=\"positive\"/>",
        "<Label value=\"gibberish\"/>", "<Choice value=\"toxic\"/>",
        "<Choice value=\"0\"/>", "<Choice value=\"1\"/>", "<Choice value=\"maybe\"/>",
        "<Choice value=\"non_toxic\"/>", "<Choice value=\"remove\"/>",
        "<Text name=\"context\" value=\"$context\"/>", "<Header value=\"$why\""
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(b.p, want[i])) fprintf(stderr, "missing %s\n", want[i]);
        CHECK(strstr(b.p, want[i]) != NULL);
    }
    CHECK_INT(count(b.p, "remove"), 1);
    la_buf_free(&b);
    la_fmt_seen_free(&seen);
}

/* ---- report ------------------------------------------------------------------ */

/* The summary as labelaudit writes it (keyed_terms offenders plus the
 * term_purity object, cluster sizes as numbers, outliers as ids). */
static const char sample_summary[] =
    "{\"rows_read\":1200,\"rows_audited\":1195,\"rows_rejected\":5,\"rows_flagged\":143,"
    "\"reasons\":{\"PROFANITY_ONLY\":61,\"IDENTITY_ONLY\":12,\"MISSED_TOXICITY\":19,"
    "\"SPAM\":17,\"GIBBERISH\":4,\"DUPLICATE\":22,\"LABEL_CONFLICT\":9,"
    "\"NOT_MAJORITY\":6,\"MODEL_DISAGREES\":30},"
    "\"rejects\":{\"invalid_json\":3,\"missing_text\":2},"
    "\"labels\":{\"raw\":{\"toxic\":540,\"not toxic\":650,\"<b>odd</b>\":5},"
    "\"classes\":{\"toxic\":540,\"non_toxic\":650},\"unknown\":5},"
    "\"suggested\":{\"non_toxic\":73,\"toxic\":19},"
    "\"score_histogram\":[0,3,8,12,20,25,30,22,15,8],"
    "\"clusters\":{\"clusters\":18,\"rows_in_clusters\":41,\"conflicts\":9,\"conflict_rows\":9,"
    "\"exact_duplicates\":15,\"near_duplicates\":8,\"contrast_pairs\":2,\"largest\":[5,3,3,2],"
    "\"sizes\":{\"2\":14,\"3\":3,\"4-9\":1,\"10+\":0}},"
    "\"agreement\":{\"rows_with_judgments\":300,\"alpha\":0.412,\"observed_agreement\":0.78,"
    "\"low_agreement\":21,\"not_majority\":6,\"annotators\":12,\"outliers\":[\"r7\"],"
    "\"dawid_skene\":{\"iterations\":14,\"converged\":true},"
    "\"top_annotators\":[{\"annotator\":\"r7\",\"judgments\":90,\"agreement\":0.41,"
    "\"kappa\":0.05,\"outlier\":true},{\"annotator\":\"r2\",\"judgments\":88,"
    "\"agreement\":0.91,\"kappa\":0.8,\"outlier\":false}]},"
    "\"model\":{\"trained\":true,\"rows\":1190,\"folds\":5,\"flagged\":30},"
    "\"term_purity\":{\"damn\":{\"kind\":\"profanity\",\"rows\":119,\"toxic\":117,"
    "\"non_toxic\":2,\"spam\":0,\"ham\":0},\"gay\":{\"kind\":\"identity\",\"rows\":40,"
    "\"toxic\":39,\"non_toxic\":1,\"spam\":0,\"ham\":0},\"<script>\":{\"kind\":\"profanity\","
    "\"rows\":20,\"toxic\":19,\"non_toxic\":1,\"spam\":0,\"ham\":0},\"hell\":{\"kind\":"
    "\"profanity\",\"rows\":30,\"toxic\":12,\"non_toxic\":18,\"spam\":0,\"ham\":0}},"
    "\"keyed_terms\":[{\"term\":\"damn\",\"kind\":\"profanity\",\"rows\":119,\"positive\":117,"
    "\"share\":0.9832},{\"term\":\"gay\",\"kind\":\"identity\",\"rows\":40,\"positive\":39,"
    "\"share\":0.975},{\"term\":\"<script>\",\"kind\":\"profanity\",\"rows\":20,"
    "\"positive\":19,\"share\":0.95}],"
    "\"dictionary\":{\"path\":\"/usr/share/hunspell/en_US\",\"enabled\":true},"
    "\"seconds\":0.42,\"mb_per_s\":12.5}";

/* The shapes DESIGN.md sketches (term_purity as an array of offenders,
 * largest clusters and outliers as objects): read just as well. */
static const char alt_summary[] =
    "{\"rows_read\":10,\"rows_audited\":10,\"rows_rejected\":0,\"rows_flagged\":2,"
    "\"term_purity\":[{\"term\":\"heck\",\"kind\":\"profanity\",\"rows\":9,\"toxic\":9,"
    "\"non_toxic\":0,\"share_toxic\":1}],"
    "\"clusters\":{\"clusters\":1,\"conflicts\":1,\"largest\":[{\"id\":3,\"size\":5,"
    "\"first\":\"c-11\",\"conflict\":true}]},"
    "\"agreement\":{\"alpha\":0.5,\"rows_with_judgments\":4,\"outliers\":[{\"annotator\":"
    "\"zed\",\"kappa\":0.01}]}}";

/* Writes the sample report to path (for the browser check). */
static int write_sample_report(const char *path, const la_result *rows, int n)
{
    cJSON *sum = cJSON_Parse(sample_summary);
    const la_result *top[8];
    for (int i = 0; i < n; i++) top[i] = &rows[i];
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    int rc = la_report_write(f, sum, NULL, top, (size_t)n);
    if (fclose(f) != 0) rc = LA_EIO;
    cJSON_Delete(sum);
    return rc != LA_OK;
}

static char *report_to_string(const char *summary_json, const la_result *const *top, size_t n)
{
    cJSON *sum = summary_json ? cJSON_Parse(summary_json) : NULL;
    char *p = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&p, &len);
    CHECK(la_report_write(f, sum, NULL, top, n) == LA_OK);
    fclose(f);
    cJSON_Delete(sum);
    return p;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static void test_report(const la_result *rows)
{
    const la_result *top[3] = { &rows[0], &rows[1], &rows[2] };
    char *h = report_to_string(sample_summary, top, 3);
    CHECK(strncmp(h, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(h, "</html>") != NULL);
    /* self-contained: no external fetches, no scripts */
    CHECK(strstr(h, "src=") == NULL);
    CHECK(strstr(h, "<script") == NULL);
    CHECK(strstr(h, "<link") == NULL);
    CHECK(strstr(h, "Content-Security-Policy\" content=\"default-src 'none';") != NULL);
    CHECK(count(h, "http:") == count(h, "http://www.w3.org/2000/svg"));
    CHECK(count(h, "https:") == 0);
    /* every section present */
    static const char *const ids[] = {
        "id=\"overview\"", "id=\"reasons\"", "id=\"labels\"", "id=\"scores\"",
        "id=\"purity\"", "id=\"clusters\"", "id=\"agreement\"", "id=\"queue\""
    };
    for (size_t i = 0; i < LA_ARRAY_LEN(ids); i++) CHECK(strstr(h, ids[i]) != NULL);
    /* escaping: hostile strings from the data never become markup */
    CHECK(strstr(h, "<script>") == NULL);
    CHECK(strstr(h, "&lt;script&gt;") != NULL);
    CHECK(strstr(h, "&lt;b&gt;odd&lt;/b&gt;") != NULL);
    CHECK(strstr(h, "&quot;so&quot;") != NULL || strstr(h, "&#34;so&#34;") != NULL);
    /* evidence highlighted */
    CHECK(strstr(h, ">fucking</mark>") != NULL);
    CHECK(strstr(h, ">proud</mark>") != NULL);
    CHECK(strstr(h, ">asdfgh</mark>") != NULL);
    /* figures */
    CHECK(strstr(h, "1,200") != NULL || strstr(h, ">1200<") != NULL);
    CHECK(strstr(h, "0.412") != NULL);
    /* after-fix label counts: toxic 540 - 73 + 19 = 486, non_toxic 650 + 73 - 19 = 704 */
    CHECK(strstr(h, ">486<") != NULL);
    CHECK(strstr(h, ">704<") != NULL);
    /* offenders joined with their per-class counts */
    CHECK(strstr(h, "<b>damn</b></td><td>profanity</td><td class=\"n\">119</td>"
                    "<td class=\"n\">117</td><td class=\"n\">2</td>") != NULL);
    CHECK(strstr(h, "98.3%") != NULL);
    CHECK(strstr(h, "Largest clusters (rows): 5, 3, 3, 2") != NULL);
    CHECK(strstr(h, "<p>r7</p>") != NULL);
    CHECK(strstr(h, "converged") != NULL);
    CHECK(strstr(h, "trained on 1,190 rows") != NULL);
    free(h);

    /* exact label moves, when the summary gives them, win over the
     * per-class suggestion counts: toxic 540 - 70 = 470, non_toxic 650 +
     * 70 - 10 = 710, spam 0 + 10 */
    h = report_to_string("{\"labels\":{\"classes\":{\"toxic\":540,\"non_toxic\":650}},"
                         "\"suggested\":{\"non_toxic\":73},\"label_changes\":{\"toxic\":"
                         "{\"non_toxic\":70},\"non_toxic\":{\"spam\":10}}}", top, 0);
    CHECK(strstr(h, ">470<") != NULL);
    CHECK(strstr(h, ">710<") != NULL);
    CHECK(strstr(h, "<td class=\"n\">10</td><td class=\"n\">+10</td>") != NULL);
    free(h);

    /* the other shapes */
    h = report_to_string(alt_summary, top, 0);
    CHECK(strstr(h, "<b>heck</b>") != NULL);
    CHECK(strstr(h, ">c-11<") != NULL);
    CHECK(strstr(h, ">zed<") != NULL);
    CHECK(strstr(h, "100.0%") != NULL);
    free(h);

    /* missing keys: everything still renders, with n/a */
    h = report_to_string("{}", top, 0);
    CHECK(strstr(h, "</html>") != NULL);
    CHECK(strstr(h, "n/a") != NULL);
    for (size_t i = 0; i < LA_ARRAY_LEN(ids); i++) CHECK(strstr(h, ids[i]) != NULL);
    free(h);
    h = report_to_string(NULL, top, 0);
    CHECK(strstr(h, "</html>") != NULL);
    free(h);
    /* wrong types are ignored, not crashed on */
    h = report_to_string("{\"rows_read\":\"x\",\"reasons\":[1],\"labels\":7,"
                         "\"score_histogram\":{\"a\":1},\"term_purity\":[1,\"x\",{}],"
                         "\"clusters\":{\"largest\":[null]},\"agreement\":null}", top, 0);
    CHECK(strstr(h, "</html>") != NULL);
    free(h);
}

/* Overlapping, nested and out-of-range spans, and a span that starts
 * inside a UTF-8 sequence, must still give balanced, valid markup. */
static void test_report_marks(void)
{
    la_result r;
    memset(&r, 0, sizeof r);
    r.id = "m"; r.id_len = 1;
    r.label_class = LA_CLASS_TOXIC;
    set_text(&r, "ab\xc3\xa9 <fuck> you & go");
    add_finding(&r, LA_R_MISSED_TOXICITY, 0.9, LA_CLASS_TOXIC, "x");
    r.ev[0] = (la_evidence){ .start = 4, .end = 10, .kind = "profanity" };
    r.ev[1] = (la_evidence){ .start = 6, .end = 15, .kind = "insult" };   /* overlaps */
    r.ev[2] = (la_evidence){ .start = 3, .end = 5, .kind = "bad" };      /* mid-sequence */
    r.ev[3] = (la_evidence){ .start = 12, .end = 400, .kind = "oob" };   /* past the end */
    r.nev = 4; r.find[0].nev = 4;
    const la_result *top[1] = { &r };
    char *h = report_to_string("{}", top, 1);
    CHECK_INT(count(h, "<mark"), count(h, "</mark>"));
    CHECK(count(h, "<mark") >= 1);
    CHECK(strstr(h, "&lt;") != NULL && strstr(h, "&gt;") != NULL);
    CHECK(strstr(h, "<fuck") == NULL);
    CHECK(strstr(h, "&amp; go") != NULL);
    /* the span starting inside é is widened to the whole character */
    CHECK(strstr(h, "ab<mark class=\"other\" title=\"bad\">\xc3\xa9") != NULL);
    free(h);

    /* a long row is cut at a character boundary, its marks clipped */
    static char big[4000];
    for (size_t i = 0; i + 2 < sizeof big; i += 2) { big[i] = '\xc3'; big[i + 1] = '\xa9'; }
    big[sizeof big - 2] = 0;
    set_text(&r, big);
    r.nev = 1; r.find[0].nev = 1;
    r.ev[0] = (la_evidence){ .start = 1400, .end = 3000, .kind = "profanity" };
    h = report_to_string("{}", top, 1);
    CHECK(strstr(h, "more bytes)") != NULL);
    CHECK(strstr(h, "2498 more bytes") != NULL);     /* 3998 - 1500 */
    CHECK_INT(count(h, "<mark class=\"profanity\" title="), 1);   /* the legend has no title */
    CHECK_INT(count(h, "<mark"), count(h, "</mark>"));
    free(h);

    /* entities in the data are decoded for display only, then escaped */
    set_text(&r, "Tom &amp; Jerry&#8217;s &lt;b&gt; &#x1F600; &bogus; &#0;");
    r.nev = 0; r.find[0].nev = 0;
    h = report_to_string("{\"rows_flagged\":1234}", top, 1);
    CHECK(strstr(h, "Tom &amp; Jerry\xe2\x80\x99s &lt;b&gt; \xf0\x9f\x98\x80 &amp;bogus; &amp;#0;") != NULL);
    CHECK(strstr(h, "Top 1 of 1,234 flagged rows shown") != NULL);
    CHECK(strstr(h, "<p class=\"legend\">Highlights:") != NULL);
    CHECK(strstr(h, "<th>Why it was flagged</th>") != NULL);
    free(h);
}

/* A "why" that ends inside a UTF-8 character (cut at its size limit)
 * must not make the CSV file invalid UTF-8: the stray bytes become U+FFFD. */
static void test_csv_cut_utf8(void)
{
    la_result r;
    row_unknown(&r);
    snprintf(r.find[0].why, sizeof r.find[0].why, "cut \xE2\x82");   /* half a euro sign */
    char *s = render(LA_FORMAT_CSV, &r, 1);
    size_t bad = 0;
    CHECK(la_utf8_check(s, strlen(s), &bad));
    CHECK(strstr(s, "cut \xEF\xBF\xBD\xEF\xBF\xBD") != NULL);
    free(s);
    char why[8] = "ab\xE2\x82";
    CHECK_INT(la_utf8_whole_prefix(why, 4), 2);
    CHECK_INT(la_utf8_whole_prefix("ab\xE2\x82\xAC", 5), 5);
    CHECK_INT(la_utf8_whole_prefix("\x82", 1), 1);
}

int main(int argc, char **argv)
{
    la_result rows[3];
    row_profanity(&rows[0]);
    row_dup(&rows[1]);
    row_unknown(&rows[2]);
    if (argc == 3 && strcmp(argv[1], "--write-report") == 0)
        return write_sample_report(argv[2], rows, 3);

    test_csv(rows);
    test_csv_cut_utf8();
    test_label_studio(rows);
    test_argilla(rows);
    test_prodigy(rows);
    test_offsets();
    test_prodigy_hashes_overlap();
    test_ls_config(rows);
    test_report(rows);
    test_report_marks();
    return UNIT_DONE();
}
