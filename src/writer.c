/*
 * writer.c - a queue writer: formats rows into a buffer (la_format.h) and
 * owns the writes to the output stream and their errors.
 *
 * Rows are buffered and written in blocks of about 64 KiB; a write error
 * (a full disk, a closed pipe) is sticky: every later call returns LA_EIO
 * and writes nothing, so the caller can stop and report once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_format.h"

#define FLUSH_AT (64 * 1024)

struct la_writer {
    la_format fmt;
    FILE *out;
    la_buf buf;
    uint64_t nrows;
    int begun, failed;
    la_fmt_seen seen;     /* kinds and label values, for la_writer_ls_config */
};

la_writer *la_writer_new(la_format fmt, FILE *out)
{
    la_writer *w = la_xcalloc(1, sizeof *w);
    w->fmt = fmt;
    w->out = out;
    la_buf_init(&w->buf);
    la_fmt_seen_init(&w->seen);
    return w;
}

static int flush_buf(la_writer *w)
{
    if (w->failed) return LA_EIO;
    if (w->buf.len && fwrite(w->buf.p, 1, w->buf.len, w->out) != w->buf.len) {
        w->failed = 1;
        return LA_EIO;
    }
    la_buf_reset(&w->buf);
    return LA_OK;
}

int la_writer_write(la_writer *w, const la_result *r)
{
    if (w->failed) return LA_EIO;
    if (!w->begun) {
        la_fmt_begin(w->fmt, &w->buf);
        w->begun = 1;
    }
    la_fmt_row(w->fmt, &w->buf, r, w->nrows++);
    la_fmt_note(&w->seen, r);
    if (w->buf.len >= FLUSH_AT) return flush_buf(w);
    return LA_OK;
}

int la_writer_finish(la_writer *w)
{
    if (w->failed) return LA_EIO;
    if (!w->begun) {
        la_fmt_begin(w->fmt, &w->buf);
        w->begun = 1;
    }
    la_fmt_end(w->fmt, &w->buf, w->nrows);
    if (flush_buf(w) != LA_OK) return LA_EIO;
    if (fflush(w->out) != 0) {
        w->failed = 1;
        return LA_EIO;
    }
    return LA_OK;
}

int la_writer_ls_config(la_writer *w, const char *path)
{
    la_buf b;
    la_buf_init(&b);
    la_fmt_ls_config(&w->seen, &b);
    int rc = la_write_file_atomic(path, b.p, b.len);
    la_buf_free(&b);
    return rc;
}

void la_writer_free(la_writer *w)
{
    if (!w) return;
    la_buf_free(&w->buf);
    la_fmt_seen_free(&w->seen);
    free(w);
}
