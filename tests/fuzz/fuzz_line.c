/*
 * fuzz_line.c - one JSONL line through the whole per-row pipeline and the
 * cross-row stages, via the public API only.
 *
 * The first input byte chooses an option combination (as cJSON's fuzzer
 * does): bit 0 sorts and buffers the queue, bit 1 turns near duplicates
 * off, bit 2 switches the output format to CSV, bit 3 reads annotations
 * as vote columns. One auditor per combination lives for the whole
 * process (loading the dictionary per input would dominate), so the
 * duplicate and agreement stages see many rows, as in a real run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelaudit.h"

typedef struct combo {
    la_auditor *a;
    la_writer *w;
    FILE *sink;
    uint64_t lineno;
} combo;

static combo combos[16];

static int write_row(const la_result *r, void *ud)
{
    combo *c = ud;
    /* spans must lie inside the text and on the evidence of a finding */
    for (int i = 0; i < r->nev; i++)
        if (r->ev[i].start > r->ev[i].end || r->ev[i].end > r->text_len) abort();
    if (r->score < 0 || r->score > 1) abort();
    la_writer_write(c->w, r);
    return 0;
}

static combo *get_combo(unsigned bits)
{
    combo *c = &combos[bits & 15];
    if (c->a) return c;
    la_options o;
    la_options_init(&o);
    o.threads = 1;
    o.quiet = 1;
    o.learn = LA_OFF;
    o.max_diagnostics = 0;
    o.sort = bits & 1;
    o.near_dups = !(bits & 2);
    o.format = (bits & 4) ? LA_FORMAT_CSV : LA_FORMAT_JSONL;
    if (bits & 8) o.votes = "votes.a,votes.b";
    c->sink = fopen("/dev/null", "w");
    c->w = la_writer_new(o.format, c->sink);
    char err[256];
    int status;
    c->a = la_auditor_new(&o, write_row, c, err, sizeof err, &status);
    if (!c->a) { fprintf(stderr, "fuzz_line: %s\n", err); abort(); }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    combo *c = get_combo(data[0]);
    la_auditor_feed_line(c->a, "fuzz", ++c->lineno, (const char *)data + 1, size - 1);
    const la_stats *st = la_auditor_stats(c->a);
    if (st->rows_read != st->rows_audited + st->rows_rejected) abort();
    return 0;
}
