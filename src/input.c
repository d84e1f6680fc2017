/*
 * input.c - the files data teams actually have: JSON Lines, CSV and TSV
 * with a header, one JSON array of objects, each plain, gzip- or
 * zstd-compressed, from a file or a pipe.
 *
 * Three push-style pieces, chained by the auditor's read loop:
 *   1. la_input_compression / la_decoder: the first bytes name the
 *      compression (magic numbers, not the file name, so a pipe works);
 *      the decoder hands decoded bytes to a sink in pieces of OUT_CHUNK.
 *   2. la_input_sniff: the first decoded line decides the format ('{'
 *      JSON Lines, '[' a JSON array, anything else a delimited header:
 *      tabs or commas, the name breaking a tie), checked against
 *      --input-format before any row is read, so a mismatch is one
 *      message instead of a rejected row per line.
 *   3. la_splitter: CSV/TSV records (RFC 4180: quoted fields with
 *      delimiters, doubled quotes and newlines inside, CRLF, a BOM) and
 *      JSON-array elements become whole records. A CSV record becomes the
 *      JSON object {header: value, ...} the JSON Lines path parses, so one
 *      parser (record.c) reads every format; the record's own bytes travel
 *      with it for --rejects.
 * Invariant: every byte of a record reaches exactly one callback, either
 * as a row (status LA_OK or a rejection) or, for bytes that are not a row
 * at all (the header, blank lines, the array's brackets), nowhere - and
 * blank lines are counted.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

#include "la_input.h"

/* Decoded bytes handed to the sink at a time: the read chunk's size, so a
 * highly compressed input does not balloon one call. */
#define OUT_CHUNK (1u << 20)

static const struct { la_input_format f; const char *flag, *title; } formats[] = {
    { LA_INPUT_AUTO, "auto", "" },
    { LA_INPUT_JSONL, "jsonl", "JSON Lines" },
    { LA_INPUT_CSV, "csv", "CSV" },
    { LA_INPUT_TSV, "tsv", "TSV" },
    { LA_INPUT_JSON, "json", "a JSON array" },
};

int la_input_format_parse(const char *s)
{
    if (strcmp(s, "ndjson") == 0) return LA_INPUT_JSONL;
    for (size_t i = 0; i < LA_ARRAY_LEN(formats); i++)
        if (strcmp(s, formats[i].flag) == 0) return (int)formats[i].f;
    return -1;
}

const char *la_input_format_title(la_input_format f)
{
    return formats[f].title;
}

const char *la_input_format_flag(la_input_format f)
{
    return formats[f].flag;
}

la_compression la_input_compression(const unsigned char *h, size_t n)
{
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) return LA_COMP_GZIP;
    if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
        return LA_COMP_ZSTD;
    return LA_COMP_NONE;
}

/* ---- format detection ---------------------------------------------------------- */

/* The format a file name promises (".csv.gz" is ".csv"), or AUTO. */
static la_input_format format_of_name(const char *name)
{
    static const struct { const char *ext; la_input_format f; } exts[] = {
        { "jsonl", LA_INPUT_JSONL }, { "ndjson", LA_INPUT_JSONL },
        { "json", LA_INPUT_JSON }, { "csv", LA_INPUT_CSV },
        { "tsv", LA_INPUT_TSV }, { "tab", LA_INPUT_TSV },
    };
    static const char *const comp[] = { ".gz", ".gzip", ".zst", ".zstd" };
    size_t n = strlen(name);
    for (size_t i = 0; i < LA_ARRAY_LEN(comp); i++) {
        size_t k = strlen(comp[i]);
        if (n > k && strcasecmp(name + n - k, comp[i]) == 0) { n -= k; break; }
    }
    for (size_t i = 0; i < LA_ARRAY_LEN(exts); i++) {
        size_t k = strlen(exts[i].ext);
        if (n > k + 1 && name[n - k - 1] == '.' && strncasecmp(name + n - k, exts[i].ext, k) == 0)
            return exts[i].f;
    }
    return LA_INPUT_AUTO;
}

static size_t first_line_len(const char *h, size_t n)
{
    const char *nl = memchr(h, '\n', n);
    return nl ? (size_t)(nl - h) : n;
}

/* Whether the bytes start (after blanks) with a JSON object: a NUL byte
 * inside such a line is that row's problem (a rejected line, kind
 * control_in_string), not binary data. */
static int starts_object(const char *h, size_t n)
{
    size_t i = 0;
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r')) i++;
    return i < n && h[i] == '{';
}

/* Data that is no text format at all: writes the sentence naming it into
 * what and returns 1, else 0. */
static int binary_kind(const char *h, size_t n, const char *name, char *what, size_t len)
{
    if (n >= 4 && memcmp(h, "PAR1", 4) == 0)
        snprintf(what, len, "looks like Parquet, which labelaudit does not read: convert it "
                 "to JSON Lines first, e.g. duckdb -c \"COPY (SELECT * FROM '%s') TO "
                 "'rows.jsonl' (FORMAT json)\"", name);
    else if (n >= 4 && memcmp(h, "PK\3\4", 4) == 0)
        snprintf(what, len, "looks like a zip archive: unzip it and name the file inside");
    else if (n >= 3 && memcmp(h, "BZh", 3) == 0)
        snprintf(what, len, "looks like bzip2 data, which labelaudit does not decompress: "
                 "pipe it through bzip2 -dc, or recompress it with gzip or zstd");
    else if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
        snprintf(what, len, "looks like xz data, which labelaudit does not decompress: "
                 "pipe it through xz -dc, or recompress it with gzip or zstd");
    else if (memchr(h, '\0', first_line_len(h, n)) && !starts_object(h, n))
        snprintf(what, len, "looks like binary data (it holds NUL bytes), not JSON Lines, "
                 "CSV, TSV or a JSON array");
    else
        return 0;
    return 1;
}

/* Tabs and commas of the first line, outside double quotes. */
static void count_delims(const char *p, size_t n, size_t *tabs, size_t *commas)
{
    int q = 0;
    *tabs = *commas = 0;
    for (size_t i = 0; i < n && (q || p[i] != '\n'); i++) {
        if (p[i] == '"') q = !q;
        else if (!q && p[i] == '\t') (*tabs)++;
        else if (!q && p[i] == ',') (*commas)++;
    }
}

/* The first line (at most 60 bytes, control bytes as spaces) for a
 * message. */
static void first_line(const char *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && p[i] != '\n' && p[i] != '\r' && k + 4 < cap && i < 60; i++)
        out[k++] = (unsigned char)p[i] < 0x20 ? ' ' : p[i];
    if (k + 4 < cap && k < n && p[k] != '\n' && p[k] != '\r') { memcpy(out + k, "...", 3); k += 3; }
    out[k] = '\0';
}

/* Whether the first line reads as a header: at least two fields, each a
 * short non-empty column name without control bytes. (A JSON Lines file
 * whose first line is broken must not be taken for CSV.) */
static int header_like(const char *p, size_t n, char delim)
{
    size_t fields = 1, len = 0;
    int q = 0;
    for (size_t i = 0; i < n && (q || (p[i] != '\n' && p[i] != '\r')); i++) {
        char c = p[i];
        if (c == '"') { q = !q; continue; }
        if (!q && c == delim) {
            if (len == 0) return 0;
            fields++;
            len = 0;
            continue;
        }
        if ((unsigned char)c < 0x20 || c == '{' || c == '[') return 0;
        if (++len > 128) return 0;
    }
    return fields >= 2 && len > 0;
}

int la_input_sniff(const char *head, size_t n, const char *name, la_input_format want,
                   char *what, size_t whatlen)
{
    const char *p = head;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    la_input_format by_name = format_of_name(name);
    /* A .jsonl name is trusted: a broken first line is that row's problem. */
    if (want == LA_INPUT_AUTO && by_name == LA_INPUT_JSONL) want = LA_INPUT_JSONL;
    /* (NUL bytes in the first line of a file named or declared JSON Lines
     * are that row's problem, like any broken line) */
    if (binary_kind(p, want == LA_INPUT_JSONL ? first_line_len(p, n) : n, name, what, whatlen))
        return -1;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i == n)   /* empty: no rows whatever the format */
        return want ? (int)want : by_name ? (int)by_name : LA_INPUT_JSONL;

    char line[80];
    first_line(p + i, n - i, line, sizeof line);
    size_t k = i + 1;
    while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r')) k++;
    int alone = k == n || p[k] == '\n';   /* the first character ends its line */
    la_input_format seen = LA_INPUT_JSONL;   /* the default: one row per line */
    if (p[i] == '{' && alone && want != LA_INPUT_JSONL) {
        snprintf(what, whatlen, "looks like one JSON document spread over many lines, "
                 "not JSON Lines (one object per line) or a JSON array: rewrite it "
                 "with jq -c (e.g. jq -c '.[]' for an object holding the rows)");
        return -1;
    } else if (p[i] == '[' && (alone || (k < n && (p[k] == '{' || p[k] == ']')) ||
                               by_name == LA_INPUT_JSON)) {
        seen = LA_INPUT_JSON;   /* "[1,2]" alone stays a (bad) JSON Lines row */
    } else if (p[i] != '{' && p[i] != '[') {
        size_t tabs, commas;
        count_delims(p + i, n - i, &tabs, &commas);
        if (want == LA_INPUT_CSV || want == LA_INPUT_TSV) return (int)want;
        la_input_format d = tabs >= commas ? LA_INPUT_TSV : LA_INPUT_CSV;
        if ((by_name == LA_INPUT_CSV || by_name == LA_INPUT_TSV) && (tabs == 0) == (commas == 0))
            d = by_name;   /* both or neither: the name breaks the tie */
        if (by_name == LA_INPUT_CSV || by_name == LA_INPUT_TSV ||
            header_like(p + i, n - i, d == LA_INPUT_TSV ? '\t' : ','))
            seen = d;
    }
    if (want == LA_INPUT_AUTO || want == seen) return (int)seen;
    if ((want == LA_INPUT_CSV || want == LA_INPUT_TSV) && seen != LA_INPUT_JSONL &&
        seen != LA_INPUT_JSON)
        return (int)want;
    if (want == LA_INPUT_JSONL && seen != LA_INPUT_JSON && !header_like(p + i, n - i, ',') &&
        !header_like(p + i, n - i, '\t'))
        return (int)want;   /* asked for JSON Lines and nothing says otherwise */
    if (seen == LA_INPUT_CSV || seen == LA_INPUT_TSV)
        snprintf(what, whatlen, "looks like %s (header \"%s\"), not %s: use --input-format %s",
                 la_input_format_title(seen), line, la_input_format_title(want),
                 la_input_format_flag(seen));
    else
        snprintf(what, whatlen, "looks like %s (it starts with \"%s\"), not %s: use "
                 "--input-format %s", la_input_format_title(seen), line,
                 la_input_format_title(want), la_input_format_flag(seen));
    return -1;
}

/* ---- decompression ---------------------------------------------------------------- */

struct la_decoder {
    la_compression comp;
    z_stream z;
    int z_open;            /* inflateInit2 done */
    int member_done;       /* the last gzip member ended (Z_STREAM_END) */
    ZSTD_DCtx *zd;
    size_t zstd_hint;      /* last ZSTD_decompressStream result: 0 = frame ended */
    int any;               /* input seen */
    char *out;
};

la_decoder *la_decoder_new(la_compression comp)
{
    la_decoder *d = la_xcalloc(1, sizeof *d);
    d->comp = comp;
    if (comp == LA_COMP_NONE) return d;
    d->out = la_xmalloc(OUT_CHUNK);
    if (comp == LA_COMP_GZIP) {
        if (inflateInit2(&d->z, 15 + 16) != Z_OK) la_die("zlib: cannot start inflate");
        d->z_open = 1;
    } else {
        d->zd = ZSTD_createDCtx();
        if (!d->zd) la_die("zstd: cannot create a decompression context");
    }
    return d;
}

static int push_gzip(la_decoder *d, const char *p, size_t n, la_sink_fn sink, void *ud,
                     char *err, size_t errlen)
{
    z_stream *z = &d->z;
    z->next_in = (Bytef *)(uintptr_t)p;
    z->avail_in = (uInt)n;
    while (z->avail_in > 0) {
        if (d->member_done) {
            /* another gzip member follows (concatenated .gz files) */
            if (inflateReset(z) != Z_OK) la_die("zlib: cannot reset inflate");
            d->member_done = 0;
        }
        z->next_out = (Bytef *)d->out;
        z->avail_out = OUT_CHUNK;
        int r = inflate(z, Z_NO_FLUSH);
        size_t got = OUT_CHUNK - z->avail_out;
        if (got) sink(ud, d->out, got);
        if (r == Z_STREAM_END) { d->member_done = 1; continue; }
        if (r != Z_OK && !(r == Z_BUF_ERROR && got == 0 && z->avail_in == 0)) {
            snprintf(err, errlen, "corrupt gzip data after %llu decoded bytes: %s",
                     (unsigned long long)z->total_out, z->msg ? z->msg : "inflate failed");
            return LA_EIO;
        }
        if (got < OUT_CHUNK && z->avail_in == 0) break;
    }
    return LA_OK;
}

static int push_zstd(la_decoder *d, const char *p, size_t n, la_sink_fn sink, void *ud,
                     char *err, size_t errlen)
{
    ZSTD_inBuffer in = { p, n, 0 };
    for (;;) {
        ZSTD_outBuffer out = { d->out, OUT_CHUNK, 0 };
        size_t r = ZSTD_decompressStream(d->zd, &out, &in);
        if (ZSTD_isError(r)) {
            snprintf(err, errlen, "corrupt zstd data: %s", ZSTD_getErrorName(r));
            return LA_EIO;
        }
        d->zstd_hint = r;
        if (out.pos) sink(ud, d->out, out.pos);
        if (in.pos == in.size && out.pos < out.size) break;
    }
    return LA_OK;
}

int la_decoder_push(la_decoder *d, const char *p, size_t n, la_sink_fn sink, void *ud,
                    char *err, size_t errlen)
{
    if (n == 0) return LA_OK;
    d->any = 1;
    switch (d->comp) {
    case LA_COMP_GZIP: return push_gzip(d, p, n, sink, ud, err, errlen);
    case LA_COMP_ZSTD: return push_zstd(d, p, n, sink, ud, err, errlen);
    default: sink(ud, p, n); return LA_OK;
    }
}

int la_decoder_end(la_decoder *d, char *err, size_t errlen)
{
    if (!d->any) return LA_OK;
    if (d->comp == LA_COMP_GZIP && !d->member_done) {
        snprintf(err, errlen, "gzip data cut short (the stream ends before its last member "
                 "does; a partial download?)");
        return LA_EIO;
    }
    if (d->comp == LA_COMP_ZSTD && d->zstd_hint != 0) {
        snprintf(err, errlen, "zstd data cut short (the stream ends inside a frame; a "
                 "partial download?)");
        return LA_EIO;
    }
    return LA_OK;
}

void la_decoder_free(la_decoder *d)
{
    if (!d) return;
    if (d->z_open) inflateEnd(&d->z);
    if (d->zd) ZSTD_freeDCtx(d->zd);
    free(d->out);
    free(d);
}

/* ---- record splitters -------------------------------------------------------------- */

enum { CSV_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_SEEN };
enum { JS_BEFORE, JS_BETWEEN, JS_ELEMENT, JS_DONE };

struct la_splitter {
    la_input_format fmt;
    char delim;
    const char *text_path;
    size_t max;
    la_record_fn fn;
    void *ud;

    uint64_t line;          /* physical line of the next byte, 1-based */
    uint64_t rec_line;      /* first line of the record being read */
    uint64_t blank;         /* blank lines skipped */
    int at_start;           /* no byte seen yet (a BOM may come) */
    int bom_left;           /* BOM bytes still to match */
    la_buf src;             /* the record's bytes as read (up to max) */
    int too_long;           /* src stopped growing at max */

    /* CSV/TSV */
    int state;
    la_buf vals;            /* field values back to back */
    size_t *fstart, *flen; unsigned char *fquoted;
    size_t nf, fcap;
    size_t cur_start;       /* where the field being read starts in vals */
    int cur_quoted;         /* it began with a quote */
    int fresh;              /* the next byte starts a record */
    char **header; size_t nheader;
    la_buf json;

    /* JSON array */
    int depth, in_str, esc;
    uint64_t elements;
    int noted_trailing;
};

la_splitter *la_splitter_new(la_input_format fmt, const char *text_path, size_t max_record,
                             la_record_fn fn, void *ud)
{
    la_splitter *s = la_xcalloc(1, sizeof *s);
    s->fmt = fmt;
    s->delim = fmt == LA_INPUT_TSV ? '\t' : ',';
    s->text_path = text_path ? text_path : "";
    s->max = max_record ? max_record : SIZE_MAX;
    s->fn = fn;
    s->ud = ud;
    s->line = 1;
    s->at_start = 1;
    s->fresh = 1;
    s->state = fmt == LA_INPUT_JSON ? JS_BEFORE : CSV_START;
    la_buf_init(&s->src);
    la_buf_init(&s->vals);
    la_buf_init(&s->json);
    return s;
}

uint64_t la_splitter_blank_lines(const la_splitter *s)
{
    return s->blank;
}

void la_splitter_free(la_splitter *s)
{
    if (!s) return;
    la_buf_free(&s->src);
    la_buf_free(&s->vals);
    la_buf_free(&s->json);
    free(s->fstart);
    free(s->flen);
    free(s->fquoted);
    for (size_t i = 0; i < s->nheader; i++) free(s->header[i]);
    free(s->header);
    free(s);
}

/* Keeps c of the record (the CSV header has no limit: it is no row). */
static void src_add(la_splitter *s, char c)
{
    if (s->src.len < s->max || (s->fmt != LA_INPUT_JSON && !s->header)) la_buf_addc(&s->src, c);
    else s->too_long = 1;
}

static void emit(la_splitter *s, const char *json, size_t json_len, int status, size_t err_byte)
{
    la_input_record r = {
        .json = json, .json_len = json_len, .src = s->src.p ? s->src.p : "",
        .src_len = s->src.len, .line = s->rec_line, .status = status, .err_byte = err_byte,
    };
    s->fn(s->ud, &r);
}

static void emit_reason(la_splitter *s, int status, const char *fmt, ...) LA_PRINTF(3, 4);

static void emit_reason(la_splitter *s, int status, const char *fmt, ...)
{
    char msg[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit(s, msg, strlen(msg), status, 0);
}

static void note(la_splitter *s, uint64_t line, const char *msg)
{
    la_input_record r = { .json = msg, .json_len = strlen(msg), .src = "", .line = line,
                          .note_only = 1 };
    s->fn(s->ud, &r);
}

/* -- CSV/TSV -- */

static void field_end(la_splitter *s)
{
    if (s->nf == s->fcap) {
        s->fcap = s->fcap ? s->fcap * 2 : 16;
        s->fstart = la_xrealloc(s->fstart, s->fcap * sizeof *s->fstart);
        s->flen = la_xrealloc(s->flen, s->fcap * sizeof *s->flen);
        s->fquoted = la_xrealloc(s->fquoted, s->fcap);
    }
    s->fstart[s->nf] = s->cur_start;
    s->flen[s->nf] = s->vals.len - s->cur_start;
    s->fquoted[s->nf] = (unsigned char)s->cur_quoted;
    s->nf++;
    s->cur_start = s->vals.len;
    s->cur_quoted = 0;
}

static void val_add(la_splitter *s, char c)
{
    if (!s->too_long) la_buf_addc(&s->vals, c);
}

/* A JSON number exactly as JSON writes one (so "007" and "1e" stay text). */
static int json_number(const char *p, size_t n)
{
    size_t i = 0;
    if (i < n && p[i] == '-') i++;
    if (i < n && p[i] == '0') i++;
    else if (i < n && p[i] >= '1' && p[i] <= '9') { while (i < n && p[i] >= '0' && p[i] <= '9') i++; }
    else return 0;
    if (i < n && p[i] == '.') {
        i++;
        if (i == n || p[i] < '0' || p[i] > '9') return 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i == n || p[i] < '0' || p[i] > '9') return 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
    }
    return i == n;
}

/* Whether a field is a whole JSON array or object (an annotations or
 * votes column written by a JSON-aware exporter). */
static int json_container(const char *p, size_t n)
{
    if (n < 2 || (p[0] != '[' && p[0] != '{')) return 0;
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(p, n, &end, 0);
    int ok = v && end == p + n;
    cJSON_Delete(v);
    return ok;
}

/* The row object: the text column always a string, an empty unquoted
 * field null, a JSON number a number, a JSON array or object itself,
 * anything else a string. */
static void csv_to_json(la_splitter *s)
{
    la_buf *j = &s->json;
    la_buf_reset(j);
    la_buf_addc(j, '{');
    for (size_t i = 0; i < s->nf; i++) {
        const char *v = s->vals.p + s->fstart[i];
        size_t n = s->flen[i];
        if (i) la_buf_addc(j, ',');
        la_buf_add_json_str(j, s->header[i], strlen(s->header[i]));
        la_buf_addc(j, ':');
        if (strcmp(s->header[i], s->text_path) == 0) la_buf_add_json_str(j, v, n);
        else if (n == 0 && !s->fquoted[i]) la_buf_add(j, "null", 4);
        else if (!s->fquoted[i] && json_number(v, n)) la_buf_add(j, v, n);
        else if (json_container(v, n)) la_buf_add(j, v, n);
        else la_buf_add_json_str(j, v, n);
    }
    la_buf_addc(j, '}');
}

static void csv_record_end(la_splitter *s)
{
    int blank = s->nf == 1 && s->flen[0] == 0 && !s->fquoted[0];
    if (blank && !s->too_long) {
        s->blank++;
    } else if (!s->header) {
        s->header = la_xcalloc(s->nf, sizeof *s->header);
        s->nheader = s->nf;
        for (size_t i = 0; i < s->nf; i++)
            s->header[i] = la_xstrndup(s->vals.p + s->fstart[i], s->flen[i]);
    } else if (s->too_long) {
        emit_reason(s, LA_ETOOLONG, "record longer than --max-line-bytes (%zu bytes)", s->max);
    } else {
        size_t bad;
        const char *nul = memchr(s->src.p, '\0', s->src.len);
        if (!la_utf8_check(s->src.p, s->src.len, &bad)) emit(s, "", 0, LA_EUTF8, bad);
        else if (nul) emit(s, "", 0, LA_ENUL, (size_t)(nul - s->src.p));
        else if (s->nf != s->nheader)
            emit_reason(s, LA_ERECORD, "%zu fields, the header has %zu", s->nf, s->nheader);
        else {
            csv_to_json(s);
            emit(s, s->json.p, s->json.len, LA_OK, 0);
        }
    }
    s->nf = 0;
    s->too_long = 0;
    s->cur_start = 0;
    s->cur_quoted = 0;
    s->fresh = 1;
    la_buf_reset(&s->vals);
    la_buf_reset(&s->src);
    s->state = CSV_START;
}

static void csv_byte(la_splitter *s, char c)
{
    if (s->fresh) { s->rec_line = s->line; s->fresh = 0; }
    if (c == '\n') s->line++;
    switch (s->state) {
    case CSV_QUOTED:
        src_add(s, c);
        if (c == '"') s->state = CSV_QUOTE_SEEN;
        else val_add(s, c);
        return;
    case CSV_QUOTE_SEEN:
        if (c == '"') {   /* a doubled quote is one quote */
            src_add(s, c);
            val_add(s, c);
            s->state = CSV_QUOTED;
            return;
        }
        if (c == '\r') { src_add(s, c); return; }
        if (c != s->delim && c != '\n') {
            /* text after the closing quote: kept, as most readers do */
            src_add(s, c);
            val_add(s, c);
            s->state = CSV_UNQUOTED;
            return;
        }
        break;   /* the delimiter or newline ends the field below */
    case CSV_START:
        if (c == '"') {
            src_add(s, c);
            s->cur_quoted = 1;
            s->state = CSV_QUOTED;
            return;
        }
        break;
    default:
        break;
    }
    if (c == s->delim) {
        src_add(s, c);
        field_end(s);
        s->state = CSV_START;
        return;
    }
    if (c == '\n') {
        if (!s->cur_quoted && s->vals.len > s->cur_start && s->vals.p[s->vals.len - 1] == '\r')
            s->vals.len--;
        if (s->src.len && s->src.p[s->src.len - 1] == '\r') s->src.len--;
        field_end(s);
        csv_record_end(s);
        return;
    }
    src_add(s, c);
    val_add(s, c);
    s->state = CSV_UNQUOTED;
}

static void csv_end(la_splitter *s)
{
    if (s->state == CSV_QUOTED) {
        if (s->src.len && s->src.p[s->src.len - 1] == '\n') s->src.len--;
        emit_reason(s, LA_ERECORD, "quoted field not closed before the end of the input");
        la_buf_reset(&s->src);
        s->nf = 0;
        s->fresh = 1;
        return;
    }
    if (s->fresh) return;
    csv_byte(s, '\n');   /* the last record, without a final newline */
    s->line--;
}

/* -- JSON array -- */

static void js_element_end(la_splitter *s)
{
    while (s->src.len && strchr(" \t\r\n", s->src.p[s->src.len - 1])) s->src.len--;
    if (s->too_long)
        emit_reason(s, LA_ETOOLONG, "element longer than --max-line-bytes (%zu bytes)", s->max);
    else
        emit(s, s->src.p ? s->src.p : "", s->src.len, LA_OK, 0);
    la_buf_reset(&s->src);
    s->too_long = 0;
    s->depth = s->in_str = s->esc = 0;
}

static void js_byte(la_splitter *s, char c)
{
    int ws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (c == '\n') s->line++;
    switch (s->state) {
    case JS_BEFORE:
        if (ws) return;
        if (c == '[') { s->state = JS_BETWEEN; return; }
        s->state = JS_DONE;
        note(s, s->line, "the input is not a JSON array (it does not start with '[')");
        s->noted_trailing = 1;
        return;
    case JS_BETWEEN:
        if (ws) return;
        if (c == ']') { s->state = JS_DONE; return; }
        s->rec_line = ++s->elements;
        s->state = JS_ELEMENT;
        if (c == ',') { js_element_end(s); s->state = JS_BETWEEN; return; }   /* empty */
        break;
    case JS_DONE:
        if (!ws && !s->noted_trailing) {
            note(s, s->line, "data after the end of the JSON array ignored");
            s->noted_trailing = 1;
        }
        return;
    default:
        break;
    }
    /* inside an element */
    if (s->in_str) {
        if (s->esc) s->esc = 0;
        else if (c == '\\') s->esc = 1;
        else if (c == '"') s->in_str = 0;
    } else if (c == '"') {
        s->in_str = 1;
    } else if (c == '{' || c == '[') {
        s->depth++;
    } else if (c == '}' || c == ']') {
        if (s->depth == 0) {   /* the array's own ']' after a scalar */
            js_element_end(s);
            s->state = JS_DONE;
            return;
        }
        s->depth--;
    } else if (c == ',' && s->depth == 0) {
        js_element_end(s);
        s->state = JS_BETWEEN;
        return;
    }
    src_add(s, c);
}

static void js_end(la_splitter *s)
{
    if (s->state == JS_ELEMENT) js_element_end(s);   /* cut short: rejected by the parser */
    if (s->state == JS_ELEMENT || s->state == JS_BETWEEN)
        note(s, s->line, "the JSON array is not closed (no final ']'; the input may be "
             "cut short)");
}

void la_splitter_push(la_splitter *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->at_start) {
            /* a UTF-8 BOM before the first byte is not data */
            static const char bom[] = "\xEF\xBB\xBF";
            if (s->bom_left < 3 && p[i] == bom[s->bom_left]) { s->bom_left++; continue; }
            if (s->bom_left > 0 && s->bom_left < 3) {
                /* not a BOM after all: its bytes are data */
                int k = s->bom_left;
                s->bom_left = 3;
                s->at_start = 0;
                la_splitter_push(s, bom, (size_t)k);
            }
            s->at_start = 0;
        }
        if (s->fmt == LA_INPUT_JSON) js_byte(s, p[i]);
        else csv_byte(s, p[i]);
    }
}

void la_splitter_end(la_splitter *s)
{
    if (s->fmt == LA_INPUT_JSON) js_end(s);
    else csv_end(s);
}
