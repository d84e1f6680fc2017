/*
 * la_common.h - small shared pieces: the allocation wrappers that abort on
 * out-of-memory, a growable byte buffer, a bump arena, hashing and UTF-8
 * helpers. Nothing here keeps global mutable state.
 */
#ifndef LA_COMMON_H
#define LA_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>

#include "labelaudit.h"

#if defined(__GNUC__)
#define LA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LA_NORETURN __attribute__((noreturn))
#define LA_UNUSED __attribute__((unused))
#else
#define LA_PRINTF(f, a)
#define LA_NORETURN
#define LA_UNUSED

#endif

#define LA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these never return NULL; on failure they print
 * "labelaudit: out of memory" and abort. */
void *la_xmalloc(size_t n);
void *la_xcalloc(size_t n, size_t size);
void *la_xrealloc(void *p, size_t n);
char *la_xstrdup(const char *s);
char *la_xstrndup(const char *s, size_t n);
/* Grows *p (an array of elem-sized items with capacity *cap) to hold at
 * least need items, doubling. */
void la_grow(void **p, size_t *cap, size_t need, size_t elem);
#define LA_GROW(arr, cap, need) la_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

LA_NORETURN void la_die(const char *fmt, ...) LA_PRINTF(1, 2);

/* Growable byte buffer, always NUL-terminated after la_buf_* calls. */
typedef struct la_buf {
    char *p;
    size_t len, cap;
} la_buf;

void la_buf_init(la_buf *b);
void la_buf_free(la_buf *b);
void la_buf_reset(la_buf *b);               /* len = 0, keeps the memory */
void la_buf_reserve(la_buf *b, size_t extra);
void la_buf_add(la_buf *b, const void *p, size_t n);
void la_buf_addc(la_buf *b, char c);
void la_buf_adds(la_buf *b, const char *s);
void la_buf_printf(la_buf *b, const char *fmt, ...) LA_PRINTF(2, 3);
/* Appends s as a JSON string literal, quotes included. Invalid UTF-8 is
 * written as U+FFFD; control characters are escaped. */
void la_buf_add_json_str(la_buf *b, const char *s, size_t n);
/* Appends a number the way every writer prints scores: shortest of %.4g
 * that round-trips to 4 significant digits, never "nan"/"inf". */
void la_buf_add_score(la_buf *b, double x);

/* Bump arena: allocations live until la_arena_reset or la_arena_free. */
typedef struct la_arena_chunk la_arena_chunk;
typedef struct la_arena {
    la_arena_chunk *head;
    size_t chunk_size;
} la_arena;

void la_arena_init(la_arena *a, size_t chunk_size);
void *la_arena_alloc(la_arena *a, size_t n);   /* 8-byte aligned */
char *la_arena_strndup(la_arena *a, const char *s, size_t n);
void la_arena_reset(la_arena *a);              /* keeps the first chunk */
void la_arena_free(la_arena *a);

/* 64-bit hashing (deterministic across runs and machines). */
uint64_t la_hash64(const void *p, size_t n, uint64_t seed);
static inline uint64_t la_mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* UTF-8: length of a valid sequence starting at s (1..4), or 0 when the
 * bytes at s are not valid UTF-8 (overlong, surrogate, truncated...). */
size_t la_utf8_valid_len(const unsigned char *s, size_t n);
/* Returns 1 when all n bytes are valid UTF-8; else 0 and *bad = offset. */
int la_utf8_check(const char *s, size_t n, size_t *bad);
/* Decodes one valid sequence; returns its length (1..4) or 0. */
size_t la_utf8_decode(const unsigned char *s, size_t n, int32_t *cp);
/* Encodes cp; returns bytes written (1..4) into out[4]. */
size_t la_utf8_encode(int32_t cp, char *out);

/* Length of s[0..n) without a last UTF-8 sequence that is cut short (as
 * snprintf leaves it at its size limit); n when s ends on a whole one. */
size_t la_utf8_whole_prefix(const char *s, size_t n);

/* Replaces, in place, every control character of the NUL-terminated s
 * (C0 bytes, DEL, and the UTF-8 forms of C1 controls U+0080..U+009F)
 * with '?', so text from input files or file names printed to a terminal
 * cannot carry escape sequences. */
void la_sanitize_controls(char *s);

/* Splits a comma list into trimmed pieces; calls fn for each non-empty
 * piece. Returns the number of pieces. */
int la_split_commas(const char *s, void (*fn)(const char *p, size_t n, void *ud),
                    void *ud);

/* An output file written through a temporary file in the same folder
 * and renamed over path on commit, so path is either complete or as it
 * was (a reader never sees half a file; a failed run leaves no debris). */
typedef struct la_atomic {
    FILE *f;          /* write here between open and commit/abort */
    char *tmp, *path; /* owned */
} la_atomic;

/* Creates the temporary file with permissions mode (-1: 0666 & ~umask).
 * Returns LA_OK, or LA_EIO with errno set and nothing created. */
int la_atomic_open(la_atomic *a, const char *path, int mode);
/* Flushes, syncs and renames the file onto its path. Returns LA_OK, or
 * LA_EIO with errno set, the temporary file removed and path untouched.
 * Either way a is released. */
int la_atomic_commit(la_atomic *a);
/* Removes the temporary file and releases a (no-op after commit). */
void la_atomic_abort(la_atomic *a);
/* Reads the whole file at path into b (appended). Returns LA_OK, or
 * LA_EIO with "PATH: why" in err. */
int la_read_file(const char *path, la_buf *b, char *err, size_t errlen);
/* Writes n bytes of data to path atomically. LA_OK or LA_EIO (errno). */
int la_write_file_atomic(const char *path, const char *data, size_t n);

#endif
