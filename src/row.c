/*
 * row.c - building a queue row: findings, their evidence slices, and the
 * row's overall score and suggestion.
 *
 * Invariant: the evidence of finding k is the contiguous slice
 * ev[find[k].ev_first .. + nev], so evidence is only ever appended to the
 * most recent finding. Limits (LA_MAX_FINDINGS, LA_MAX_EVIDENCE) are
 * enforced by dropping, never by overflowing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "la_row.h"

la_finding *la_result_add_finding(la_result *r, la_reason code, double score,
                                  la_class suggested, const char *fmt, ...)
{
    if (r->nfind >= LA_MAX_FINDINGS) return NULL;
    la_finding *f = &r->find[r->nfind++];
    if (score < 0) score = 0;
    if (score > 1) score = 1;
    f->code = code;
    f->score = score;
    f->suggested = suggested;
    f->precision = -1;
    f->ev_first = (uint16_t)r->nev;
    f->nev = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why, sizeof f->why, fmt, ap);
    va_end(ap);
    /* cut at the size limit: never inside a UTF-8 character */
    f->why[la_utf8_whole_prefix(f->why, strlen(f->why))] = '\0';
    return f;
}

void la_result_add_evidence(la_result *r, la_finding *f, uint32_t start,
                            uint32_t end, const char *kind,
                            const char *category, const char *severity,
                            const char *term)
{
    if (!f || r->nev >= LA_MAX_EVIDENCE) return;
    if (f != &r->find[r->nfind - 1]) return;    /* keep slices contiguous */
    if (end > r->text_len) end = (uint32_t)r->text_len;
    if (start > end) start = end;
    for (int i = f->ev_first; i < f->ev_first + f->nev; i++) {
        la_evidence *e = &r->ev[i];
        if (e->start == start && e->end == end && e->kind == kind) return;
    }
    la_evidence *e = &r->ev[r->nev++];
    e->start = start;
    e->end = end;
    e->kind = kind;
    e->category = (category && *category) ? category : NULL;
    e->severity = severity;
    e->term = term;
    f->nev++;
}

void la_result_add_match(la_result *r, la_finding *f, const la_match *m)
{
    const la_term *t = m->term;
    la_result_add_evidence(r, f, m->start, m->end, la_kind_name((la_kind)t->kind),
                           t->category, la_severity_name((la_severity)t->severity),
                           t->term);
}

la_finding *la_result_find(la_result *r, la_reason code)
{
    for (int i = 0; i < r->nfind; i++)
        if (r->find[i].code == code) return &r->find[i];
    return NULL;
}

void la_result_settle(la_result *r)
{
    double best = 0, best_sug = -1;
    la_class sug = LA_CLASS_UNKNOWN;
    for (int i = 0; i < r->nfind; i++) {
        const la_finding *f = &r->find[i];
        if (f->score > best) best = f->score;
        if (f->suggested != LA_CLASS_UNKNOWN && f->suggested != r->label_class &&
            f->score > best_sug) {
            best_sug = f->score;
            sug = f->suggested;
        }
    }
    r->score = best;
    r->suggested = sug;
}
