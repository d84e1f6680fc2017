/*
 * fuzz_shard.c - `labelaudit merge` on damaged shard files: whatever the
 * bytes, the reader refuses them or the rows it hands on are safe for the
 * cross-row stages (no read out of bounds, no index past a table), and
 * every row is accounted for (rows_read == audited + rejected).
 *
 * The header's version, part (1 of 1) and fingerprint are set to this
 * harness's own before each input is merged, so the fuzzer's mutations
 * reach the records and the trailer instead of stopping at the header
 * check. The fingerprint comes from a real shard written at start-up.
 * One auditor takes input after input (loading the dictionary per input
 * would dominate), as a merge of many runs would; a new one replaces it
 * after a usage error, which may have stopped it (the first rows lacked
 * the text field), and the end of the stream runs every 64 inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labelaudit.h"

#define FP_AT 20   /* magic 8, version 4, part 4, parts 4 */

static void options(la_options *o)
{
    la_options_init(o);
    o->threads = 1;
    o->quiet = 1;
    o->max_diagnostics = 0;
    o->progress = 0;
    o->learn = LA_OFF;
}

static la_auditor *make(const la_options *o)
{
    char err[256];
    int status;
    la_auditor *a = la_auditor_new(o, NULL, NULL, err, sizeof err, &status);
    if (!a) { fprintf(stderr, "fuzz_shard: %s\n", err); abort(); }
    return a;
}

/* The fingerprint of this harness's options, read off a shard it writes. */
static const unsigned char *fingerprint(const char *dir)
{
    static unsigned char fp[8];
    static int done;
    if (done) return fp;
    char path[4096];
    snprintf(path, sizeof path, "%s/fp.shard", dir);
    la_options o;
    options(&o);
    o.shard_path = path;
    o.shard_part = o.shard_parts = 1;
    la_auditor *a = make(&o);
    static const char row[] = "{\"text\":\"hi\",\"label\":\"toxic\"}";
    la_auditor_feed_line(a, "fuzz", 1, row, sizeof row - 1);
    if (la_auditor_finish(a) != LA_OK) abort();
    la_auditor_free(a);
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, FP_AT, SEEK_SET) != 0 || fread(fp, 1, 8, f) != 8) abort();
    fclose(f);
    unlink(path);
    done = 1;
    return fp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    const unsigned char *fp = fingerprint(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/fuzz-shard-%ld.shard", dir, (long)getpid());
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) abort();
    memcpy(buf, data, size);
    if (size >= FP_AT + 8) {
        static const unsigned char head[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
        memcpy(buf + 8, head, sizeof head);
        memcpy(buf + FP_AT, fp, 8);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0) abort();
    free(buf);
    static la_auditor *a;
    static unsigned runs;
    la_options o;
    options(&o);
    if (!a) a = make(&o);
    const char *paths[] = { path };
    int rc = la_auditor_merge(a, paths, 1);
    const la_stats *st = la_auditor_stats(a);
    if (st->rows_read != st->rows_audited + st->rows_rejected) abort();
    if (rc == LA_EUSAGE || ++runs % 64 == 0) {
        if (rc == LA_OK) la_auditor_finish(a);
        la_auditor_free(a);
        a = NULL;
    }
    unlink(path);
    return 0;
}
