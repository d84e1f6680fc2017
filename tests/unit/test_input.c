/*
 * test_input.c - the input layer: format detection, the CSV/TSV and
 * JSON-array splitters (every record split at every byte boundary gives
 * the same records), and gzip/zstd decoding including concatenated
 * members and data cut short.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "unit.h"
#include "la_input.h"

/* ---- splitting ---------------------------------------------------------------- */

typedef struct got {
    char out[4096];   /* "LINE|STATUS|json|src\n" per record */
    size_t len;
} got;

static void collect(void *ud, const la_input_record *r)
{
    got *g = ud;
    g->len += (size_t)snprintf(g->out + g->len, sizeof g->out - g->len, "%llu|%d|%s%.*s|%.*s\n",
                               (unsigned long long)r->line, r->status,
                               r->note_only ? "note:" : "", (int)r->json_len, r->json,
                               (int)r->src_len, r->src);
}

/* Splits in with every chunk size from 1 to the whole: all must agree. */
static void split_all(la_input_format fmt, const char *in, size_t max, const char *want)
{
    size_t n = strlen(in);
    for (size_t step = 1; step <= n + 1; step++) {
        got g = { "", 0 };
        la_splitter *s = la_splitter_new(fmt, "text", max, collect, &g);
        for (size_t i = 0; i < n; i += step)
            la_splitter_push(s, in + i, i + step <= n ? step : n - i);
        la_splitter_end(s);
        la_splitter_free(s);
        if (strcmp(g.out, want) != 0) {
            CHECK_STR(g.out, want);
            fprintf(stderr, "  (chunks of %zu bytes)\n", step);
            return;
        }
    }
    CHECK(1);
}

static void test_csv(void)
{
    /* quoted delimiter, doubled quotes, newline inside quotes, CRLF, BOM,
     * a blank line, a number, an empty field (null), a text column that
     * looks like a number (stays a string), no final newline */
    split_all(LA_INPUT_CSV,
              "\xEF\xBB\xBFid,text,label\r\n"
              "1,\"a, \"\"b\"\"\",toxic\r\n"
              "\r\n"
              "007,\"two\nlines\",\n"
              "2,42,0.5",
              0,
              "2|0|{\"id\":1,\"text\":\"a, \\\"b\\\"\",\"label\":\"toxic\"}|1,\"a, \"\"b\"\"\",toxic\n"
              "4|0|{\"id\":\"007\",\"text\":\"two\\nlines\",\"label\":null}|007,\"two\nlines\",\n"
              "6|0|{\"id\":2,\"text\":\"42\",\"label\":0.5}|2,42,0.5\n");
    /* a JSON array or object column (annotations) stays JSON; a field
     * that only starts like one is text */
    split_all(LA_INPUT_CSV,
              "text,annotations\nhi,\"[\"\"toxic\"\",\"\"ok\"\"]\"\nyo,[oops\n",
              0,
              "2|0|{\"text\":\"hi\",\"annotations\":[\"toxic\",\"ok\"]}|hi,\"[\"\"toxic\"\",\"\"ok\"\"]\"\n"
              "3|0|{\"text\":\"yo\",\"annotations\":\"[oops\"}|yo,[oops\n");
    /* wrong field count, invalid UTF-8, an unclosed quote at the end */
    split_all(LA_INPUT_CSV,
              "text,label\nonly\na\xff,1\n\"open,1\n",
              0,
              "2|-18|1 fields, the header has 2|only\n"
              "3|-8||a\xff,1\n"
              "4|-18|quoted field not closed before the end of the input|\"open,1\n");
    /* a record over the size limit is rejected with its first bytes */
    split_all(LA_INPUT_TSV, "text\tlabel\nabcdefghij\t1\nok\t0\n", 6,
              "2|-12|record longer than --max-line-bytes (6 bytes)|abcdef\n"
              "3|0|{\"text\":\"ok\",\"label\":0}|ok\t0\n");
}

static void test_json_array(void)
{
    split_all(LA_INPUT_JSON,
              "[\n {\"text\":\"a,]\\\"\",\"n\":[1,{}]},\n 7 ,\n{\"text\":\"b\"}\n]\n",
              0,
              "1|0|{\"text\":\"a,]\\\"\",\"n\":[1,{}]}|{\"text\":\"a,]\\\"\",\"n\":[1,{}]}\n"
              "2|0|7|7\n"
              "3|0|{\"text\":\"b\"}|{\"text\":\"b\"}\n");
    /* cut short: the partial element is a row (the parser rejects it) and
     * the unclosed array is said */
    split_all(LA_INPUT_JSON, "[{\"text\":\"a\"},{\"text\":",
              0,
              "1|0|{\"text\":\"a\"}|{\"text\":\"a\"}\n"
              "2|0|{\"text\":|{\"text\":\n"
              "1|0|note:the JSON array is not closed (no final ']'; the input may be cut short)|\n");
}

/* ---- detection ------------------------------------------------------------------ */

static int sniff(const char *head, const char *name, la_input_format want, char *what)
{
    return la_input_sniff(head, strlen(head), name, want, what, 400);
}

static void test_sniff(void)
{
    char what[400];
    CHECK_INT(sniff("{\"a\":1}\n", "-", LA_INPUT_AUTO, what), LA_INPUT_JSONL);
    CHECK_INT(sniff("[\n{\"a\":1}", "-", LA_INPUT_AUTO, what), LA_INPUT_JSON);
    CHECK_INT(sniff("[{\"a\":1}]", "x.txt", LA_INPUT_AUTO, what), LA_INPUT_JSON);
    CHECK_INT(sniff("[1,2]\n{\"a\":1}\n", "-", LA_INPUT_AUTO, what), LA_INPUT_JSONL);
    CHECK_INT(sniff("id,text,label\n", "-", LA_INPUT_AUTO, what), LA_INPUT_CSV);
    CHECK_INT(sniff("\xEF\xBB\xBFid\ttext\n", "-", LA_INPUT_AUTO, what), LA_INPUT_TSV);
    CHECK_INT(sniff("text\n", "a.tsv.gz", LA_INPUT_AUTO, what), LA_INPUT_TSV);
    CHECK_INT(sniff("", "a.csv", LA_INPUT_AUTO, what), LA_INPUT_CSV);
    /* a broken first line of a .jsonl file, or one without a header's
     * shape, stays JSON Lines */
    CHECK_INT(sniff("not json, at all {\n", "a.jsonl", LA_INPUT_AUTO, what), LA_INPUT_JSONL);
    CHECK_INT(sniff("not json\n", "-", LA_INPUT_AUTO, what), LA_INPUT_JSONL);
    CHECK_INT(sniff("id,text\n", "-", LA_INPUT_JSONL, what), -1);
    CHECK_STR(what, "looks like CSV (header \"id,text\"), not JSON Lines: use --input-format csv");
    CHECK_INT(sniff("[{}]\n", "-", LA_INPUT_CSV, what), -1);
    CHECK_STR(what, "looks like a JSON array (it starts with \"[{}]\"), not CSV: use "
                    "--input-format json");
    CHECK_INT(sniff("{\n\"rows\": []}\n", "a.json", LA_INPUT_AUTO, what), -1);
    CHECK(strstr(what, "one JSON document spread over many lines") != NULL);
    CHECK_INT(sniff("PAR1\x15\x04", "d.parquet", LA_INPUT_AUTO, what), -1);
    CHECK(strstr(what, "Parquet") && strstr(what, "'d.parquet'"));
    const unsigned char gz[] = { 0x1f, 0x8b, 8, 0 }, zs[] = { 0x28, 0xb5, 0x2f, 0xfd };
    CHECK_INT(la_input_compression(gz, 4), LA_COMP_GZIP);
    CHECK_INT(la_input_compression(zs, 4), LA_COMP_ZSTD);
    CHECK_INT(la_input_compression(zs, 3), LA_COMP_NONE);
}

/* ---- decompression ---------------------------------------------------------------- */

static void sink(void *ud, const char *p, size_t n)
{
    got *g = ud;
    if (g->len + n < sizeof g->out) memcpy(g->out + g->len, p, n);
    g->len += n;
}

static size_t gzip_of(const char *s, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)(uintptr_t)s;
    z.avail_in = (uInt)strlen(s);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

/* Decodes in (n bytes) pushed in chunks of step; returns the status. */
static int decode(la_compression c, const unsigned char *in, size_t n, size_t step, got *g)
{
    char err[256];
    la_decoder *d = la_decoder_new(c);
    int rc = LA_OK;
    for (size_t i = 0; i < n && rc == LA_OK; i += step)
        rc = la_decoder_push(d, (const char *)in + i, i + step <= n ? step : n - i, sink, g,
                             err, sizeof err);
    if (rc == LA_OK) rc = la_decoder_end(d, err, sizeof err);
    la_decoder_free(d);
    g->out[g->len < sizeof g->out ? g->len : sizeof g->out - 1] = '\0';
    return rc;
}

static void test_decoders(void)
{
    unsigned char buf[1024];
    /* two gzip members back to back read as one stream (cat a.gz b.gz) */
    size_t a = gzip_of("{\"text\":\"one\"}\n", buf, sizeof buf);
    size_t b = gzip_of("{\"text\":\"two\"}\n", buf + a, sizeof buf - a);
    for (size_t step = 1; step <= a + b; step += 7) {
        got g = { "", 0 };
        CHECK_INT(decode(LA_COMP_GZIP, buf, a + b, step, &g), LA_OK);
        CHECK_STR(g.out, "{\"text\":\"one\"}\n{\"text\":\"two\"}\n");
    }
    got g = { "", 0 };
    CHECK_INT(decode(LA_COMP_GZIP, buf, a - 5, 64, &g), LA_EIO);   /* cut short */
    buf[12] ^= 0xff;
    g.len = 0;
    CHECK_INT(decode(LA_COMP_GZIP, buf, a, 64, &g), LA_EIO);       /* corrupt */

    const char *plain = "id,text\n1,zstd\n";
    size_t z = ZSTD_compress(buf, sizeof buf, plain, strlen(plain), 3);
    CHECK(!ZSTD_isError(z));
    g.len = 0;
    CHECK_INT(decode(LA_COMP_ZSTD, buf, z, 3, &g), LA_OK);
    CHECK_STR(g.out, plain);
    g.len = 0;
    CHECK_INT(decode(LA_COMP_ZSTD, buf, z - 2, 3, &g), LA_EIO);
}

int main(void)
{
    test_csv();
    test_json_array();
    test_sniff();
    test_decoders();
    return UNIT_DONE();
}
