/*
 * la_spill.h - append-only logs of binary records that live in memory
 * until a shared budget is passed, then in temporary files, read back by
 * offset or in sequential passes.
 *
 * A la_spill_store holds the budget (bytes of log data kept in memory,
 * all logs together), the folder for temporary files and the first error.
 * A la_spill is one log in a store: records are appended and addressed by
 * their byte offset in the log, which does not change when the log moves
 * to its file. When an append would pass the budget, the largest logs
 * still in memory move to disk until the rest fits; a log on disk keeps
 * only a write buffer (LA_SPILL_WBUF bytes) in memory.
 *
 * Temporary files are created with mkstemp in the store's folder and
 * unlinked at once: only the descriptor holds them, so nothing is left
 * behind on any exit path, a signal or a crash included.
 *
 * Errors: a failed create, write or read sets the store's error once
 * (la_spill_store_error: "DIR: cannot write a temporary file: why") and
 * the call returns LA_EIO; later appends are dropped and return LA_EIO.
 * Reads of a log after la_spill_seal are safe from several threads.
 */
#ifndef LA_SPILL_H
#define LA_SPILL_H

#include "la_common.h"

/* Write buffer of a log on disk, and the read window of a cursor. */
#define LA_SPILL_WBUF (1u << 20)
/* The budget when la_options.memory is 0 (1 GiB). */
#define LA_SPILL_DEFAULT_BUDGET ((size_t)1 << 30)

typedef struct la_spill_store la_spill_store;
typedef struct la_spill la_spill;

/* A store spilling to tmpdir (NULL: $TMPDIR, else /tmp) once its logs
 * hold more than budget bytes in memory (0: LA_SPILL_DEFAULT_BUDGET).
 * Returns NULL, with "DIR: why" in err, when the folder is not a
 * writable directory. */
la_spill_store *la_spill_store_new(const char *tmpdir, size_t budget, char *err,
                                   size_t errlen);
/* The first error, or NULL; borrowed, valid until the store is freed. */
const char *la_spill_store_error(const la_spill_store *st);
/* Bytes written to temporary files so far, all logs together. */
uint64_t la_spill_store_disk_bytes(const la_spill_store *st);
/* Frees the store; its logs must be freed first. Accepts NULL. */
void la_spill_store_free(la_spill_store *st);

/* A new empty log in st (borrowed; must outlive the log). With st NULL
 * the log stays in memory whatever its size. */
la_spill *la_spill_new(la_spill_store *st);
/* Appends n bytes; *off (when not NULL) gets their offset. Returns LA_OK
 * or LA_EIO (the store's error says why). */
int la_spill_append(la_spill *s, const void *p, size_t n, uint64_t *off);
/* Marks s as read by offset in random order: it moves to disk only when
 * no other log of the store is left in memory. */
void la_spill_prefer_memory(la_spill *s);
/* Bytes appended so far. */
uint64_t la_spill_size(const la_spill *s);
/* Whether the log has moved to its file. */
int la_spill_on_disk(const la_spill *s);
/* Ends the appends: flushes the write buffer, so that reads need no
 * lock. Appending after it is allowed (reads then take care again). */
int la_spill_seal(la_spill *s);
/* The log's bytes when it is in memory (borrowed, valid until the next
 * append to any log of the store, which may move it to disk), or NULL
 * when it is on disk. */
const void *la_spill_memory(const la_spill *s);
/* Copies n bytes at off into dst. LA_OK, or LA_EIO (dst zeroed). */
int la_spill_read(la_spill *s, uint64_t off, void *dst, size_t n);
/* Overwrites n bytes at off (off + n <= size). LA_OK or LA_EIO. */
int la_spill_write_at(la_spill *s, uint64_t off, const void *p, size_t n);
/* Frees the log and its file. Accepts NULL. */
void la_spill_free(la_spill *s);

/* A sequential reader; the fields are private. */
typedef struct la_spill_cursor {
    la_spill *s;
    uint64_t pos;              /* next byte to hand out */
    uint64_t win_off;          /* log offset of win.p[0] */
    la_buf win;                /* bytes read ahead from the file */
} la_spill_cursor;

/* Starts a pass at offset pos. */
void la_spill_cursor_init(la_spill_cursor *c, la_spill *s, uint64_t pos);
/* The next n bytes (a copy in the cursor's window, valid until the next
 * call, so appends to any log may go on during a pass), or NULL at the
 * end of the log or on a read error (then the store's error is set). */
const void *la_spill_cursor_next(la_spill_cursor *c, size_t n);
void la_spill_cursor_free(la_spill_cursor *c);

#endif
