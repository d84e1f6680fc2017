/*
 * test_spill.c - spill logs: a budget moves the largest log to disk, the
 * log marked for random access last; every byte reads back the same by
 * offset and in a sequential pass, before and after the move, and
 * overwrites land where they were asked to.
 */
#include <stdlib.h>

#include "la_spill.h"
#include "unit.h"

/* Record i: 4-byte length, then i % 200 + 1 bytes of a pattern. */
static size_t put_record(la_spill *s, uint32_t i, uint64_t *off)
{
    char buf[256];
    uint32_t n = i % 200 + 1;
    memcpy(buf, &n, 4);
    for (uint32_t k = 0; k < n; k++) buf[4 + k] = (char)(i * 31 + k);
    CHECK_INT(la_spill_append(s, buf, 4 + n, off), LA_OK);
    return 4 + n;
}

static int record_ok(const char *p, uint32_t i)
{
    uint32_t n;
    memcpy(&n, p, 4);
    if (n != i % 200 + 1) return 0;
    for (uint32_t k = 0; k < n; k++)
        if (p[4 + k] != (char)(i * 31 + k)) return 0;
    return 1;
}

int main(void)
{
    char err[256];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    la_spill_store *st = la_spill_store_new(dir, LA_SPILL_WBUF + LA_SPILL_WBUF / 2, err, sizeof err);
    CHECK(st != NULL);
    la_spill *seq = la_spill_new(st), *rnd = la_spill_new(st);
    la_spill_prefer_memory(rnd);
    enum { N = 30000 };   /* about 3 MB: more than the budget */
    static uint64_t off[N];
    for (uint32_t i = 0; i < N; i++) {
        put_record(seq, i, &off[i]);
        if (i < 100) put_record(rnd, i, NULL);   /* about 10 KB: fits */
    }
    CHECK(la_spill_on_disk(seq));       /* the largest, not marked, went */
    CHECK(!la_spill_on_disk(rnd));
    CHECK(la_spill_store_error(st) == NULL);
    CHECK(la_spill_store_disk_bytes(st) > 0);

    /* by offset, with the last bytes still in the write buffer */
    char buf[256];
    int bad = 0;
    for (uint32_t i = 0; i < N; i += 7) {
        la_spill_read(seq, off[i], buf, 4 + i % 200 + 1);
        bad += !record_ok(buf, i);
    }
    CHECK_INT(bad, 0);

    /* a sequential pass */
    la_spill_cursor c;
    la_spill_cursor_init(&c, seq, 0);
    uint32_t i = 0;
    const char *p;
    bad = 0;
    while ((p = la_spill_cursor_next(&c, 4)) != NULL) {
        uint32_t n;
        memcpy(&n, p, 4);
        const char *q = la_spill_cursor_next(&c, n);
        char rec[256];
        memcpy(rec, &n, 4);
        if (q) memcpy(rec + 4, q, n);
        bad += !q || !record_ok(rec, i);
        i++;
    }
    la_spill_cursor_free(&c);
    CHECK_INT(i, N);
    CHECK_INT(bad, 0);

    /* overwrite on disk and in memory */
    CHECK_INT(la_spill_seal(seq), LA_OK);
    CHECK_INT(la_spill_write_at(seq, off[10] + 4, "XY", 2), LA_OK);
    la_spill_read(seq, off[10] + 4, buf, 2);
    CHECK(buf[0] == 'X' && buf[1] == 'Y');
    CHECK_INT(la_spill_write_at(rnd, 4, "Z", 1), LA_OK);
    CHECK(((const char *)la_spill_memory(rnd))[4] == 'Z');

    /* out of range: an error, never a read past the end */
    CHECK_INT(la_spill_read(rnd, la_spill_size(rnd), buf, 1), LA_EIO);
    CHECK(la_spill_store_error(st) != NULL);
    CHECK_INT(la_spill_append(rnd, "a", 1, NULL), LA_EIO);

    la_spill_free(seq);
    la_spill_free(rnd);
    la_spill_store_free(st);

    CHECK(la_spill_store_new("/nonexistent/dir", 0, err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/dir") != NULL);
    return UNIT_DONE();
}
