/*
 * fuzz_split.c - the line splitter of la_auditor_feed across read-chunk
 * boundaries: the same bytes are fed as one stream to an auditor reading
 * 1 MiB at a time and to one reading a few bytes at a time (and with a
 * small --max-line-bytes, so the over-long-line path crosses chunks too).
 * Both must read, audit and reject the same number of rows, and every row
 * must be accounted for.
 *
 * The first input byte chooses the small chunk size (1 to 16 bytes) and
 * the line limit (16 to 271 bytes, or the default). Auditors live for the
 * whole process (loading the dictionary per input would dominate), so
 * counts are compared as differences before and after each input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelaudit.h"

static la_auditor *auditors[2][32];

static la_auditor *get(int small, unsigned bits)
{
    la_auditor **a = &auditors[small][bits & 31];
    if (*a) return *a;
    la_options o;
    la_options_init(&o);
    o.threads = 1;
    o.quiet = 1;
    o.learn = LA_OFF;
    o.near_dups = 0;
    o.max_diagnostics = 0;
    o.read_chunk = small ? 1 + (bits & 15) : 0;
    o.max_line_bytes = (bits & 16) ? 16 + (bits & 15) * 17 : o.max_line_bytes;
    char err[256];
    int status;
    *a = la_auditor_new(&o, NULL, NULL, err, sizeof err, &status);
    if (!*a) { fprintf(stderr, "fuzz_split: %s\n", err); abort(); }
    return *a;
}

static void feed(la_auditor *a, const uint8_t *data, size_t size, la_stats *delta)
{
    la_stats before = *la_auditor_stats(a);
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f) abort();
    la_auditor_feed(a, "fuzz", f);
    fclose(f);
    const la_stats *st = la_auditor_stats(a);
    delta->rows_read = st->rows_read - before.rows_read;
    delta->rows_audited = st->rows_audited - before.rows_audited;
    delta->rows_rejected = st->rows_rejected - before.rows_rejected;
    if (st->rows_read != st->rows_audited + st->rows_rejected) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    unsigned bits = data[0];
    la_stats big, small;
    feed(get(0, bits), data + 1, size - 1, &big);
    feed(get(1, bits), data + 1, size - 1, &small);
    if (big.rows_read != small.rows_read || big.rows_audited != small.rows_audited ||
        big.rows_rejected != small.rows_rejected) {
        fprintf(stderr, "fuzz_split: chunking changed the counts: read %llu/%llu, "
                "audited %llu/%llu\n", (unsigned long long)big.rows_read,
                (unsigned long long)small.rows_read, (unsigned long long)big.rows_audited,
                (unsigned long long)small.rows_audited);
        abort();
    }
    return 0;
}
