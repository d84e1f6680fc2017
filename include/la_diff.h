/*
 * la_diff.h - comparing two audit summaries (src/diff.c); the HTML section
 * that shows the comparison is in report.c.
 */
#ifndef LA_DIFF_H
#define LA_DIFF_H

struct cJSON;

/* One compared count: its key, the value before and after (0 when absent). */
typedef void (*la_diff_fn)(const char *name, double before, double after, void *ud);
/* One keyed term and whether each side lists it. */
typedef void (*la_diff_term_fn)(const char *term, int in_before, int in_after, void *ud);

/* Calls fn for every numeric member of the object at the dotted path
 * ("reasons", "labels.classes") in either summary: the first summary's
 * keys in order, then keys only the second has. */
void la_diff_rows(const struct cJSON *before, const struct cJSON *after, const char *path,
                  la_diff_fn fn, void *ud);
/* Calls fn for every keyed term of either summary. */
void la_diff_terms(const struct cJSON *before, const struct cJSON *after,
                   la_diff_term_fn fn, void *ud);

#endif
