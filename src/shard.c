/*
 * shard.c - shard files (la_shard.h): analyzed rows as compact binary
 * records, written in input order by `labelaudit shard` and read back by
 * `labelaudit merge`.
 *
 * Layout (doc/shard-format.md has it field by field):
 *
 *     header   "LASHARD\n", u32 version, u32 part, u32 parts, u64 fingerprint
 *     records  u8 type, then for a row: u32 length and the encoded la_row;
 *              for a long line: u64 index, u32 file, u64 line
 *              ... and a type-0 byte after the last
 *     blob     the bytes of the long lines, back to back
 *     trailer  the run's counts and the input table (la_shard_info), and the
 *              blob offset where each long line starts
 *     footer   u64 offset of the blob, u64 offset of the trailer, "LASHEND\n"
 *
 * The trailer is written last because the input table is complete only at
 * the end of the stream; a reader seeks to the footer first, so shard files
 * are regular files. Every integer is little-endian whatever the machine,
 * strings are a u32 length and their bytes, and nothing is aligned: a
 * reader copies arrays out into its arena. Evidence strings (which the
 * single run keeps as pointers into the lexicon) are interned in a table
 * that outlives the readers, since kept rows point at them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "la_learn.h"
#include "la_shard.h"

#define MAGIC "LASHARD\n"
#define END_MAGIC "LASHEND\n"
#define FOOTER_BYTES 24

/* ---- encoding ---------------------------------------------------------- */

static void put_u8(la_buf *b, unsigned v) { la_buf_addc(b, (char)(v & 0xff)); }

static void put_u32(la_buf *b, uint32_t v)
{
    char c[4];
    for (int i = 0; i < 4; i++) c[i] = (char)(v >> (8 * i));
    la_buf_add(b, c, 4);
}

static void put_u64(la_buf *b, uint64_t v)
{
    char c[8];
    for (int i = 0; i < 8; i++) c[i] = (char)(v >> (8 * i));
    la_buf_add(b, c, 8);
}

static void put_f64(la_buf *b, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    put_u64(b, v);
}

static void put_f32(la_buf *b, float x)
{
    uint32_t v;
    memcpy(&v, &x, sizeof v);
    put_u32(b, v);
}

/* A string or byte run: u32 length, then the bytes. NULL is written as
 * length 0xffffffff, so absent and empty stay apart. */
#define NULL_LEN 0xffffffffu

static void put_bytes(la_buf *b, const char *p, size_t n)
{
    if (!p) { put_u32(b, NULL_LEN); return; }
    put_u32(b, (uint32_t)n);
    la_buf_add(b, p, n);
}

static void put_str(la_buf *b, const char *s) { put_bytes(b, s, s ? strlen(s) : 0); }

/* ---- decoding: a cursor over one record ----------------------------------- */

typedef struct cursor {
    const unsigned char *p, *end;
    int bad;                    /* read past the end: the record is damaged */
} cursor;

static const unsigned char *take(cursor *c, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) { c->bad = 1; return NULL; }
    const unsigned char *s = c->p;
    c->p += n;
    return s;
}

static unsigned get_u8(cursor *c)
{
    const unsigned char *s = take(c, 1);
    return s ? s[0] : 0;
}

static uint32_t get_u32(cursor *c)
{
    const unsigned char *s = take(c, 4);
    uint32_t v = 0;
    if (s) for (int i = 0; i < 4; i++) v |= (uint32_t)s[i] << (8 * i);
    return v;
}

static uint64_t get_u64(cursor *c)
{
    const unsigned char *s = take(c, 8);
    uint64_t v = 0;
    if (s) for (int i = 0; i < 8; i++) v |= (uint64_t)s[i] << (8 * i);
    return v;
}

static double get_f64(cursor *c)
{
    uint64_t v = get_u64(c);
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

static float get_f32(cursor *c)
{
    uint32_t v = get_u32(c);
    float x;
    memcpy(&x, &v, sizeof x);
    return x;
}

/* Bytes borrowed from the record (NULL when written as NULL). */
static const char *get_bytes(cursor *c, size_t *n)
{
    uint32_t len = get_u32(c);
    *n = 0;
    if (len == NULL_LEN || c->bad) return NULL;
    const unsigned char *s = take(c, len);
    if (!s) return NULL;
    *n = len;
    return (const char *)s;
}

/* ---- interned strings -------------------------------------------------------- */

struct la_shard_strings {
    char **slot;                /* open addressing; NULL: empty */
    size_t cap, n;
    la_arena arena;
};

la_shard_strings *la_shard_strings_new(void)
{
    la_shard_strings *s = la_xcalloc(1, sizeof *s);
    s->cap = 64;
    s->slot = la_xcalloc(s->cap, sizeof *s->slot);
    la_arena_init(&s->arena, 16 * 1024);
    return s;
}

void la_shard_strings_free(la_shard_strings *s)
{
    if (!s) return;
    free(s->slot);
    la_arena_free(&s->arena);
    free(s);
}

static const char *intern(la_shard_strings *s, const char *p, size_t n)
{
    if (!p) return NULL;
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap * 2;
        char **slot = la_xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i]) continue;
            size_t k = la_hash64(s->slot[i], strlen(s->slot[i]), 0) & (cap - 1);
            while (slot[k]) k = (k + 1) & (cap - 1);
            slot[k] = s->slot[i];
        }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    size_t k = la_hash64(p, n, 0) & (s->cap - 1);
    for (; s->slot[k]; k = (k + 1) & (s->cap - 1))
        if (strncmp(s->slot[k], p, n) == 0 && s->slot[k][n] == '\0') return s->slot[k];
    s->slot[k] = la_arena_strndup(&s->arena, p, n);
    s->n++;
    return s->slot[k];
}

/* ---- the fingerprint -------------------------------------------------------- */

static void fp_str(la_buf *b, const char *name, const char *v)
{
    la_buf_printf(b, "%s=%s%s\n", name, v ? "" : "(none)", v ? v : "");
}

uint64_t la_shard_fingerprint(const la_options *o, uint64_t lexicon_digest,
                              const char *dict_path)
{
    la_buf b;
    la_buf_init(&b);
    la_buf_printf(&b, "labelaudit %s shard %d\n", LA_VERSION, LA_SHARD_VERSION);
    fp_str(&b, "text", o->text_path);
    fp_str(&b, "label", o->label_path);
    fp_str(&b, "label_columns", o->label_columns);
    fp_str(&b, "label_rule", o->label_rule);
    la_buf_printf(&b, "label_threshold=%.17g\n", o->label_threshold);
    fp_str(&b, "id", o->id_path);
    fp_str(&b, "annotations", o->annotations_path);
    fp_str(&b, "annotators", o->annotators_path);
    fp_str(&b, "annotator_key", o->annotator_key);
    fp_str(&b, "annotation_label_key", o->annotation_label_key);
    fp_str(&b, "votes", o->votes);
    fp_str(&b, "vote_classes", o->vote_classes);
    fp_str(&b, "context_fields", o->context_fields);
    fp_str(&b, "scores", o->scores_path);
    fp_str(&b, "toxic_values", o->toxic_values);
    fp_str(&b, "clean_values", o->clean_values);
    fp_str(&b, "spam_values", o->spam_values);
    fp_str(&b, "ham_values", o->ham_values);
    /* the lexicons by content, so machines may keep them at other paths */
    la_buf_printf(&b, "lexicons=%016llx\n", (unsigned long long)lexicon_digest);
    fp_str(&b, "dict", dict_path);
    la_buf_printf(&b, "input_format=%d many_inputs=%d task=%d max_line=%zu\n",
                  o->input_format, o->many_inputs, (int)o->task, o->max_line_bytes);
    la_buf_printf(&b, "no_evidence=%d near=%d keep=%d%d%d%d shingle=%d minhash=%d bands=%d\n",
                  o->no_evidence, o->near_dups, o->dup_keep_urls, o->dup_keep_mentions,
                  o->dup_keep_punct, o->dup_keep_emoji, o->shingle_size, o->minhash_k,
                  o->lsh_bands);
    la_buf_printf(&b, "learn=%d\n", o->learn != LA_OFF);
    uint64_t h = la_hash64(b.p, b.len, 0x6c617368617264ULL);
    la_buf_free(&b);
    return h;
}

/* ---- the writer ------------------------------------------------------------- */

struct la_shard_writer {
    FILE *out;
    la_buf rec;                 /* the record being encoded */
    uint32_t part, parts;
    uint64_t fingerprint;
    uint64_t rows;
    FILE *blob;                 /* long lines' bytes, a temporary file */
    uint64_t *long_at; size_t nlong, long_cap;
    int failed;
};

static void emit(la_shard_writer *w, const la_buf *b)
{
    if (!w->failed && b->len && fwrite(b->p, 1, b->len, w->out) != b->len) w->failed = 1;
}

la_shard_writer *la_shard_writer_new(FILE *out, uint32_t part, uint32_t parts,
                                     uint64_t fingerprint)
{
    la_shard_writer *w = la_xcalloc(1, sizeof *w);
    w->out = out;
    w->part = part;
    w->parts = parts;
    w->fingerprint = fingerprint;
    la_buf_init(&w->rec);
    la_buf_add(&w->rec, MAGIC, 8);
    put_u32(&w->rec, LA_SHARD_VERSION);
    put_u32(&w->rec, part);
    put_u32(&w->rec, parts);
    put_u64(&w->rec, fingerprint);
    emit(w, &w->rec);
    return w;
}

void la_shard_writer_free(la_shard_writer *w)
{
    if (!w) return;
    la_buf_free(&w->rec);
    if (w->blob) fclose(w->blob);
    free(w->long_at);
    free(w);
}

static void put_findings(la_buf *b, const la_result *r)
{
    put_u8(b, (unsigned)r->nfind);
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        put_u8(b, (unsigned)f->code);
        put_f64(b, f->score);
        put_u8(b, (unsigned)f->suggested);
        put_str(b, f->why);
        put_u32(b, f->ev_first);
        put_u32(b, f->nev);
        put_f64(b, f->precision);
    }
    put_u8(b, (unsigned)r->nev);
    for (int i = 0; i < r->nev; i++) {
        const la_evidence *e = &r->ev[i];
        put_u32(b, e->start);
        put_u32(b, e->end);
        put_str(b, e->kind);
        put_str(b, e->category);
        put_str(b, e->severity);
        put_str(b, e->term);
    }
}

static void put_annot(la_buf *b, const la_annot *a)
{
    put_u32(b, (uint32_t)a->n);
    put_u8(b, (unsigned)a->from_votes);
    put_u8(b, a->rater != NULL);
    for (int i = 0; i < a->n; i++) put_u8(b, a->cls[i]);
    if (a->rater)
        for (int i = 0; i < a->n; i++) put_bytes(b, a->rater[i], a->rater_len[i]);
}

int la_shard_write_row(la_shard_writer *w, const la_row *row, uint32_t file,
                       int minhash_k, int bands)
{
    la_buf *b = &w->rec;
    la_buf_reset(b);
    put_u8(b, LA_SHARD_ROW);
    size_t len_at = b->len;
    put_u32(b, 0);                               /* the length, filled below */
    const la_result *r = &row->r;
    put_u64(b, row->index);
    put_u64(b, r->line);
    put_u32(b, file);
    put_u64(b, row->file_off);
    put_u32(b, (uint32_t)row->status);
    put_u64(b, row->err_byte);
    put_str(b, row->err_detail);
    put_bytes(b, row->raw, row->raw_len);
    put_bytes(b, row->src, row->src_len);
    put_u8(b, row->annot_error != 0);
    if (row->status == LA_OK) {
        put_bytes(b, r->id, r->id_len);
        put_u8(b, (unsigned)r->id_is_number);
        put_bytes(b, r->label_json, r->label_json_len);
        put_u8(b, (unsigned)r->label_class);
        put_bytes(b, r->text, r->text_len);
        put_bytes(b, r->context_json, r->context_json_len);
        put_bytes(b, row->label_str, row->label_len);
        put_f64(b, row->soft_label);
        put_u64(b, row->dup_key);
        put_u64(b, row->contrast_key);
        put_u8(b, row->stance);
        put_u32(b, row->nshingles);
        put_u32(b, row->minhash ? (uint32_t)minhash_k : 0);
        for (int i = 0; row->minhash && i < minhash_k; i++) put_u32(b, row->minhash[i]);
        put_bytes(b, (const char *)row->sig8, row->sig8 ? (size_t)minhash_k : 0);
        put_u32(b, row->band_keys ? (uint32_t)bands : 0);
        for (int i = 0; row->band_keys && i < bands; i++) put_u64(b, row->band_keys[i]);
        put_u32(b, row->nterms);
        for (uint32_t i = 0; i < row->nterms; i++) put_u32(b, row->terms[i]);
        put_u32(b, row->nfeat);
        for (uint32_t i = 0; i < row->nfeat; i++) put_u32(b, row->feat[i]);
        for (uint32_t i = 0; i < row->nfeat; i++) put_f32(b, row->featval[i]);
        put_annot(b, &row->annot);
        put_u8(b, row->tox_flags);
        put_u8(b, row->tox_rule);
        put_f32(b, row->spam_score);
        put_f32(b, row->outside_score);
        put_findings(b, r);
    }
    uint32_t n = (uint32_t)(b->len - len_at - 4);
    for (int i = 0; i < 4; i++) b->p[len_at + (size_t)i] = (char)(n >> (8 * i));
    emit(w, b);
    w->rows++;
    return w->failed ? LA_EIO : LA_OK;
}

FILE *la_shard_blob(la_shard_writer *w)
{
    if (!w->blob && !(w->blob = tmpfile())) w->failed = 1;
    return w->blob;
}

int la_shard_write_long(la_shard_writer *w, uint64_t index, uint32_t file, uint64_t line)
{
    FILE *blob = la_shard_blob(w);
    if (!blob) return LA_EIO;
    long at = ftell(blob);
    if (at < 0) { w->failed = 1; return LA_EIO; }
    LA_GROW(w->long_at, w->long_cap, w->nlong + 1);
    w->long_at[w->nlong++] = (uint64_t)at;
    la_buf *b = &w->rec;
    la_buf_reset(b);
    put_u8(b, LA_SHARD_LONG);
    put_u64(b, index);
    put_u32(b, file);
    put_u64(b, line);
    emit(w, b);
    w->rows++;
    return w->failed ? LA_EIO : LA_OK;
}

int la_shard_writer_finish(la_shard_writer *w, la_shard_info *info)
{
    la_buf *b = &w->rec;
    la_buf_reset(b);
    put_u8(b, LA_SHARD_END);
    emit(w, b);
    long blob_at = ftell(w->out);
    if (blob_at < 0) w->failed = 1;
    uint64_t blob_len = 0;
    if (w->blob && !w->failed) {
        char chunk[65536];
        size_t got;
        if (fflush(w->blob) != 0 || fseek(w->blob, 0, SEEK_SET) != 0) w->failed = 1;
        while (!w->failed && (got = fread(chunk, 1, sizeof chunk, w->blob)) > 0) {
            if (fwrite(chunk, 1, got, w->out) != got) w->failed = 1;
            blob_len += got;
        }
        if (ferror(w->blob)) w->failed = 1;
    }
    la_buf_reset(b);
    put_u64(b, info->rows_total);
    put_u64(b, w->rows);
    put_u64(b, info->blank_lines);
    put_u64(b, info->bytes_read);
    put_u64(b, info->files_unreadable);
    put_u8(b, (unsigned)info->many_inputs);
    put_u32(b, info->nfiles);
    for (uint32_t i = 0; i < info->nfiles; i++) {
        put_str(b, info->files[i].name);
        put_u32(b, (uint32_t)info->files[i].format);
        put_u32(b, (uint32_t)info->files[i].comp);
    }
    put_u64(b, blob_len);
    put_u64(b, w->nlong);
    for (size_t i = 0; i < w->nlong; i++) put_u64(b, w->long_at[i]);
    put_u64(b, (uint64_t)blob_at);
    put_u64(b, (uint64_t)blob_at + blob_len);   /* where this trailer starts */
    la_buf_add(b, END_MAGIC, 8);
    emit(w, b);
    int rc = w->failed || blob_at < 0 ? LA_EIO : LA_OK;
    la_shard_writer_free(w);
    return rc;
}

/* ---- the reader ------------------------------------------------------------- */

struct la_shard_reader {
    char *path;
    FILE *f;
    la_shard_info info;
    la_shard_strings *strings;
    la_buf rec;                 /* the current record */
    la_arena arena;             /* its decoded arrays */
    uint64_t blob_at, blob_len;
    uint64_t *long_at; uint64_t nlong, long_next;
    uint64_t records;           /* read so far */
    uint32_t minhash_k, bands;  /* the sizes a row's signature arrays must have */
};

const la_shard_info *la_shard_reader_info(const la_shard_reader *r) { return &r->info; }

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
    snprintf(err, errlen, "%s: %s", path, why);
    return LA_EIO;
}

static int read_at(FILE *f, uint64_t off, void *p, size_t n)
{
    return fseeko(f, (off_t)off, SEEK_SET) == 0 && fread(p, 1, n, f) == n ? 0 : -1;
}

/* Reads the header, the footer and the trailer. */
static int read_trailer(la_shard_reader *r, char *err, size_t errlen)
{
    unsigned char head[28], foot[FOOTER_BYTES];
    if (fseeko(r->f, 0, SEEK_END) != 0)
        return fail(err, errlen, r->path, "not a regular file (shard files are read by seeking)");
    off_t size = ftello(r->f);
    if (size < (off_t)(sizeof head + FOOTER_BYTES) || read_at(r->f, 0, head, sizeof head) != 0 ||
        memcmp(head, MAGIC, 8) != 0)
        return fail(err, errlen, r->path, "not a labelaudit shard file");
    cursor c = { head + 8, head + sizeof head, 0 };
    uint32_t version = get_u32(&c);
    if (version != LA_SHARD_VERSION) {
        char why[160];
        snprintf(why, sizeof why, "shard format version %u; this labelaudit reads version %d "
                 "(run shard and merge with the same labelaudit)", version, LA_SHARD_VERSION);
        return fail(err, errlen, r->path, why);
    }
    r->info.part = get_u32(&c);
    r->info.parts = get_u32(&c);
    r->info.fingerprint = get_u64(&c);
    if (read_at(r->f, (uint64_t)size - FOOTER_BYTES, foot, sizeof foot) != 0 ||
        memcmp(foot + 16, END_MAGIC, 8) != 0)
        return fail(err, errlen, r->path, "incomplete shard file (no footer): was the shard "
                    "step interrupted?");
    c = (cursor){ foot, foot + 16, 0 };
    r->blob_at = get_u64(&c);
    uint64_t trailer_at = get_u64(&c);
    if (trailer_at > (uint64_t)size - FOOTER_BYTES || r->blob_at > trailer_at)
        return fail(err, errlen, r->path, "damaged shard file (footer)");
    size_t tlen = (size_t)((uint64_t)size - FOOTER_BYTES - trailer_at);
    unsigned char *t = la_xmalloc(tlen ? tlen : 1);
    if (read_at(r->f, trailer_at, t, tlen) != 0) {
        free(t);
        return fail(err, errlen, r->path, "cannot read the trailer");
    }
    c = (cursor){ t, t + tlen, 0 };
    la_shard_info *in = &r->info;
    in->rows_total = get_u64(&c);
    in->rows_mine = get_u64(&c);
    in->blank_lines = get_u64(&c);
    in->bytes_read = get_u64(&c);
    in->files_unreadable = get_u64(&c);
    in->many_inputs = (int)get_u8(&c);
    in->nfiles = get_u32(&c);
    if (in->nfiles > tlen) c.bad = 1;
    else in->files = la_xcalloc(in->nfiles ? in->nfiles : 1, sizeof *in->files);
    for (uint32_t i = 0; !c.bad && i < in->nfiles; i++) {
        size_t n;
        const char *s = get_bytes(&c, &n);
        in->files[i].name = la_xstrndup(s ? s : "", n);
        in->files[i].format = (int)get_u32(&c);
        in->files[i].comp = (int)get_u32(&c);
    }
    r->blob_len = get_u64(&c);
    r->nlong = get_u64(&c);
    if (r->nlong > tlen) c.bad = 1;
    else r->long_at = la_xmalloc((size_t)(r->nlong ? r->nlong : 1) * sizeof *r->long_at);
    for (uint64_t i = 0; !c.bad && i < r->nlong; i++) r->long_at[i] = get_u64(&c);
    free(t);
    if (c.bad || r->blob_at + r->blob_len != trailer_at)
        return fail(err, errlen, r->path, "damaged shard file (trailer)");
    if (fseeko(r->f, (off_t)sizeof head, SEEK_SET) != 0)
        return fail(err, errlen, r->path, strerror(errno));
    return LA_OK;
}

la_shard_reader *la_shard_open(const char *path, la_shard_strings *strings, int minhash_k,
                               int bands, char *err, size_t errlen)
{
    la_shard_reader *r = la_xcalloc(1, sizeof *r);
    r->minhash_k = (uint32_t)minhash_k;
    r->bands = (uint32_t)bands;
    r->path = la_xstrdup(path);
    r->strings = strings;
    la_buf_init(&r->rec);
    la_arena_init(&r->arena, 64 * 1024);
    r->f = fopen(path, "rb");
    if (!r->f) {
        fail(err, errlen, path, strerror(errno));
        la_shard_close(r);
        return NULL;
    }
    if (read_trailer(r, err, errlen) != LA_OK) {
        la_shard_close(r);
        return NULL;
    }
    return r;
}

void la_shard_close(la_shard_reader *r)
{
    if (!r) return;
    if (r->f) fclose(r->f);
    for (uint32_t i = 0; r->info.files && i < r->info.nfiles; i++) free(r->info.files[i].name);
    free(r->info.files);
    free(r->long_at);
    la_buf_free(&r->rec);
    la_arena_free(&r->arena);
    free(r->path);
    free(r);
}

/* An array of n little-endian u32 values copied into the arena. */
static uint32_t *get_u32s(cursor *c, la_arena *ar, uint32_t n)
{
    if (!n || (size_t)(c->end - c->p) / 4 < n) { if (n) c->bad = 1; return NULL; }
    uint32_t *v = la_arena_alloc(ar, (size_t)n * sizeof *v);
    for (uint32_t i = 0; i < n; i++) v[i] = get_u32(c);
    return v;
}

static void get_findings(cursor *c, la_shard_strings *s, la_result *r)
{
    r->nfind = (int)get_u8(c);
    if (r->nfind > LA_MAX_FINDINGS) { r->nfind = 0; c->bad = 1; return; }
    for (int i = 0; i < r->nfind && !c->bad; i++) {
        la_finding *f = &r->find[i];
        f->code = (la_reason)get_u8(c);
        f->score = get_f64(c);
        f->suggested = (la_class)get_u8(c);
        size_t n;
        const char *why = get_bytes(c, &n);
        if (n >= sizeof f->why) n = sizeof f->why - 1;
        memcpy(f->why, why ? why : "", n);
        f->why[n] = '\0';
        f->ev_first = (uint16_t)get_u32(c);
        f->nev = (uint16_t)get_u32(c);
        f->precision = get_f64(c);
    }
    r->nev = (int)get_u8(c);
    if (r->nev > LA_MAX_EVIDENCE) { r->nev = 0; c->bad = 1; return; }
    for (int i = 0; i < r->nev && !c->bad; i++) {
        la_evidence *e = &r->ev[i];
        size_t n;
        const char *p;
        e->start = get_u32(c);
        e->end = get_u32(c);
        p = get_bytes(c, &n); e->kind = intern(s, p, n);
        p = get_bytes(c, &n); e->category = intern(s, p, n);
        p = get_bytes(c, &n); e->severity = intern(s, p, n);
        p = get_bytes(c, &n); e->term = intern(s, p, n);
    }
}

static void get_annot(cursor *c, la_arena *ar, la_annot *a)
{
    uint32_t n = get_u32(c);
    a->from_votes = (int)get_u8(c);
    int raters = (int)get_u8(c);
    if (!n) return;
    if (n > (size_t)(c->end - c->p)) { c->bad = 1; return; }
    a->n = (int)n;
    a->cls = la_arena_alloc(ar, n);
    for (uint32_t i = 0; i < n; i++) a->cls[i] = (uint8_t)get_u8(c);
    if (!raters) return;
    a->rater = la_arena_alloc(ar, n * sizeof *a->rater);
    a->rater_len = la_arena_alloc(ar, n * sizeof *a->rater_len);
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        a->rater[i] = get_bytes(c, &len);
        a->rater_len[i] = (uint16_t)len;
    }
}

/* Whether every value the consumer uses as an index is in range, so a
 * damaged file is refused instead of read out of bounds. */
static int row_valid(const la_shard_reader *sr, const la_row *row, uint32_t nminhash,
                     size_t nsig, uint32_t nbands)
{
    const la_result *r = &row->r;
    if ((nminhash && nminhash != sr->minhash_k) || (nsig && nsig != sr->minhash_k) ||
        (nbands && nbands != sr->bands))
        return 0;
    for (uint32_t i = 0; i < row->nfeat; i++)
        if (row->feat[i] >> LA_LEARN_BITS) return 0;
    if ((unsigned)r->label_class >= LA_CLASS__COUNT || row->tox_rule >= LA_TOXR__COUNT)
        return 0;
    for (int i = 0; i < row->annot.n; i++)
        if (row->annot.cls[i] >= LA_CLASS__COUNT) return 0;
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        if ((unsigned)f->code >= LA_R__COUNT || (unsigned)f->suggested >= LA_CLASS__COUNT ||
            (int)f->ev_first + (int)f->nev > r->nev)
            return 0;
    }
    for (int i = 0; i < r->nev; i++)
        if (!r->ev[i].kind || r->ev[i].start > r->ev[i].end || r->ev[i].end > r->text_len)
            return 0;
    return 1;
}

static void get_row(cursor *c, la_shard_reader *r, la_row *row, uint32_t *file)
{
    la_arena *ar = &r->arena;
    la_result *res = &row->r;
    size_t n;
    row->index = get_u64(c);
    res->line = get_u64(c);
    *file = get_u32(c);
    row->file_off = get_u64(c);
    row->status = (int)get_u32(c);
    row->err_byte = (size_t)get_u64(c);
    const char *s = get_bytes(c, &n);
    if (n >= sizeof row->err_detail) n = sizeof row->err_detail - 1;
    memcpy(row->err_detail, s ? s : "", n);
    row->err_detail[n] = '\0';
    row->raw = get_bytes(c, &row->raw_len);
    if (!row->raw) row->raw = "";
    row->src = get_bytes(c, &row->src_len);
    row->annot_error = get_u8(c) ? LA_EANNOT : 0;
    if (row->status != LA_OK) {
        if (row->status > 0 || !strcmp(la_error_kind(row->status), "unknown")) c->bad = 1;
        return;
    }
    res->id = get_bytes(c, &res->id_len);
    res->id_is_number = (int)get_u8(c);
    res->label_json = get_bytes(c, &res->label_json_len);
    res->label_class = (la_class)get_u8(c);
    res->text = get_bytes(c, &res->text_len);
    if (!res->text) res->text = "";
    res->context_json = get_bytes(c, &res->context_json_len);
    row->label_str = get_bytes(c, &row->label_len);
    row->soft_label = get_f64(c);
    row->dup_key = get_u64(c);
    row->contrast_key = get_u64(c);
    row->stance = (uint8_t)get_u8(c);
    row->nshingles = get_u32(c);
    uint32_t nminhash = get_u32(c);
    row->minhash = get_u32s(c, ar, nminhash);
    const char *sig = get_bytes(c, &n);
    size_t nsig = n;
    if (sig) {
        row->sig8 = la_arena_alloc(ar, n ? n : 1);
        memcpy(row->sig8, sig, n);
    }
    uint32_t nb = get_u32(c);
    if (nb && (size_t)(c->end - c->p) / 8 >= nb) {
        row->band_keys = la_arena_alloc(ar, (size_t)nb * sizeof *row->band_keys);
        for (uint32_t i = 0; i < nb; i++) row->band_keys[i] = get_u64(c);
    } else if (nb) {
        c->bad = 1;
    }
    row->nterms = get_u32(c);
    row->terms = get_u32s(c, ar, row->nterms);
    row->nfeat = get_u32(c);
    row->feat = get_u32s(c, ar, row->nfeat);
    if (row->nfeat && !c->bad && (size_t)(c->end - c->p) / 4 >= row->nfeat) {
        row->featval = la_arena_alloc(ar, (size_t)row->nfeat * sizeof *row->featval);
        for (uint32_t i = 0; i < row->nfeat; i++) row->featval[i] = get_f32(c);
    } else if (row->nfeat) {
        c->bad = 1;
    }
    get_annot(c, ar, &row->annot);
    row->tox_flags = (unsigned char)get_u8(c);
    row->tox_rule = (uint8_t)get_u8(c);
    row->spam_score = get_f32(c);
    row->outside_score = get_f32(c);
    get_findings(c, r->strings, res);
    if (!c->bad && !row_valid(r, row, nminhash, nsig, nb)) c->bad = 1;
}

int la_shard_next(la_shard_reader *r, la_row *row, uint64_t *index, uint32_t *file,
                  uint64_t *line, char *err, size_t errlen)
{
    unsigned char type;
    la_arena_reset(&r->arena);
    if (fread(&type, 1, 1, r->f) != 1) return fail(err, errlen, r->path, "cut short");
    if (type == LA_SHARD_END) {
        if (r->records != r->info.rows_mine)
            return fail(err, errlen, r->path, "damaged shard file (record count)");
        return LA_SHARD_END;
    }
    if (type == LA_SHARD_LONG) {
        unsigned char b[20];
        if (fread(b, 1, sizeof b, r->f) != sizeof b || r->long_next >= r->nlong)
            return fail(err, errlen, r->path, "damaged shard file (long line)");
        cursor c = { b, b + sizeof b, 0 };
        *index = get_u64(&c);
        *file = get_u32(&c);
        *line = get_u64(&c);
        if (*file >= r->info.nfiles)
            return fail(err, errlen, r->path, "damaged shard file (long line)");
        r->long_next++;
        r->records++;
        return LA_SHARD_LONG;
    }
    unsigned char lb[4];
    if (type != LA_SHARD_ROW || fread(lb, 1, 4, r->f) != 4)
        return fail(err, errlen, r->path, "damaged shard file (record type)");
    uint32_t len = (uint32_t)lb[0] | (uint32_t)lb[1] << 8 | (uint32_t)lb[2] << 16 |
                   (uint32_t)lb[3] << 24;
    off_t at = ftello(r->f);
    if (at < 0 || (uint64_t)at + len > r->blob_at)   /* records end where the blob starts */
        return fail(err, errlen, r->path, "damaged shard file (record length)");
    la_buf_reset(&r->rec);
    la_buf_reserve(&r->rec, len);
    if (len && fread(r->rec.p, 1, len, r->f) != len)
        return fail(err, errlen, r->path, "cut short");
    r->rec.len = len;
    memset(row, 0, sizeof *row);
    cursor c = { (const unsigned char *)r->rec.p, (const unsigned char *)r->rec.p + len, 0 };
    get_row(&c, r, row, file);
    if (c.bad || c.p != c.end || *file >= r->info.nfiles)
        return fail(err, errlen, r->path, "damaged shard file (row record)");
    *index = row->index;
    *line = row->r.line;
    r->records++;
    return LA_SHARD_ROW;
}

int la_shard_copy_long(la_shard_reader *r, FILE *out, char *err, size_t errlen)
{
    uint64_t k = r->long_next - 1;
    uint64_t from = r->long_at[k];
    uint64_t to = k + 1 < r->nlong ? r->long_at[k + 1] : r->blob_len;
    if (from > to || to > r->blob_len) return fail(err, errlen, r->path, "damaged blob");
    if (!out) return LA_OK;
    off_t back = ftello(r->f);
    if (back < 0 || fseeko(r->f, (off_t)(r->blob_at + from), SEEK_SET) != 0)
        return fail(err, errlen, r->path, strerror(errno));
    char chunk[65536];
    for (uint64_t left = to - from; left > 0;) {
        size_t want = left < sizeof chunk ? (size_t)left : sizeof chunk;
        if (fread(chunk, 1, want, r->f) != want)
            return fail(err, errlen, r->path, "cut short (blob)");
        if (fwrite(chunk, 1, want, out) != want) {   /* the caller's output: err stays "" */
            if (errlen) err[0] = '\0';
            return LA_EIO;
        }
        left -= want;
    }
    if (fseeko(r->f, back, SEEK_SET) != 0) return fail(err, errlen, r->path, strerror(errno));
    return LA_OK;
}
