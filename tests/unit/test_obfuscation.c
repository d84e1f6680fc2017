/*
 * test_obfuscation.c - measures the matcher against two lists and fails
 * below the targets (issue 3):
 *   1. detection: every form in tests/obfuscation.tsv (leet, repeats,
 *      separators, masks, look-alike letters, accents, invisible
 *      characters, inflections and mixtures of shipped terms) must be
 *      found as its expected term; target >= 95% detected;
 *   2. false hits: every word of the system's en_US hunspell dictionary
 *      (the .dic file, /FLAGS stripped) is matched on its own. Reported:
 *      the share matched as profanity or slur at all (most of these are
 *      the terms themselves: the dictionary lists "shit" and the slurs),
 *      and the share of false hits - words that are not themselves a term
 *      but matched one through a suffix, doubled letter or other rule -
 *      which must stay under 0.1%. Skipped when the .dic file is absent.
 *      Both word lists are printed.
 * Prints the figures, per technique, and the misses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "unit.h"

#define DETECT_TARGET 0.95   /* issue 3: >= 95% of obfuscated forms */
#define FALSE_TARGET 0.001   /* issue 3: < 0.1% of dictionary words */

static int abuse(uint8_t k)
{
    return k == LA_KIND_PROFANITY || k == LA_KIND_SLUR || k == LA_KIND_INSULT;
}

/* The form is detected when an abuse match is found whose term is the
 * expected term or a listed form of it: the two agree on all but at most
 * the last letter of the shorter ("fucking" for "fuck", "trannies" for
 * "tranny"). */
static int detected(const la_text *t, const char *want)
{
    size_t wl = strlen(want);
    for (size_t i = 0; i < t->nm; i++) {
        const la_term *tm = t->m[i].term;
        if (!abuse(tm->kind)) continue;
        size_t tl = strlen(tm->norm), k = 0, shorter = tl < wl ? tl : wl;
        while (k < shorter && tm->norm[k] == want[k]) k++;
        if (k == shorter || (shorter >= 4 && k + 1 >= shorter)) return 1;
    }
    return 0;
}

struct tech { char name[40]; int n, hit; };

static void measure_detection(la_lexicon *lex, la_dict *dict, la_dict_cache *cache)
{
    FILE *f = fopen("tests/obfuscation.tsv", "r");
    CHECK(f != NULL);
    if (!f) return;
    la_text t; la_text_init(&t);
    struct tech techs[64]; int nt = 0;
    int n = 0, hit = 0;
    char line[512];
    printf("obfuscated forms not detected:\n");
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\r\n")] = 0;
        char *form = line, *want = strchr(form, '\t');
        if (!want) continue;
        *want++ = 0;
        char *how = strchr(want, '\t');
        if (how) *how++ = 0; else how = "?";
        la_text_analyze(&t, lex, dict, cache, form, strlen(form));
        int ok = detected(&t, want);
        n++; hit += ok;
        int k = 0;
        while (k < nt && strcmp(techs[k].name, how) != 0) k++;
        if (k == nt && nt < 64) { snprintf(techs[nt].name, sizeof techs[nt].name, "%s", how); techs[nt].n = techs[nt].hit = 0; nt++; }
        if (k < nt) { techs[k].n++; techs[k].hit += ok; }
        if (!ok) printf("  %-20s want %-12s (%s)\n", form, want, how);
    }
    fclose(f);
    la_text_free(&t);
    double share = n ? (double)hit / n : 0;
    printf("obfuscation detection: %d of %d forms (%.1f%%)\n", hit, n, 100 * share);
    for (int k = 0; k < nt; k++)
        printf("  %-24s %3d/%3d\n", techs[k].name, techs[k].hit, techs[k].n);
    CHECK(n >= 300);
    CHECK(share >= DETECT_TARGET);
}

static void measure_false_hits(la_lexicon *lex, la_dict *dict, la_dict_cache *cache)
{
    FILE *f = fopen("/usr/share/hunspell/en_US.dic", "r");
    if (!f) { printf("en_US.dic not found: false-hit rate not measured\n"); return; }
    la_text t; la_text_init(&t);
    char line[256];
    long n = 0, prof = 0, insult = 0, other = 0;
    la_buf hits, bad; la_buf_init(&hits); la_buf_init(&bad);
    if (!fgets(line, sizeof line, f)) line[0] = 0;   /* the word count */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "/\r\n")] = 0;
        size_t len = strlen(line);
        if (!len) continue;
        n++;
        la_text_analyze(&t, lex, dict, cache, line, len);
        int p = 0, ins = 0, exact = 0;
        for (size_t i = 0; i < t.nm; i++) {
            uint8_t k = t.m[i].term->kind;
            int pk = k == LA_KIND_PROFANITY || k == LA_KIND_SLUR;
            p |= pk;
            ins |= k == LA_KIND_INSULT;
            /* the word is itself a term (up to case): a true hit */
            if (pk && t.m[i].how == 0 && t.m[i].start == 0 && t.m[i].end == len) exact = 1;
        }
        prof += p; insult += ins;
        if (p && !exact) { other++; la_buf_adds(&bad, " "); la_buf_adds(&bad, line); }
        else if (p) { la_buf_adds(&hits, " "); la_buf_adds(&hits, line); }
    }
    fclose(f);
    double all = n ? (double)prof / n : 0, share = n ? (double)other / n : 0;
    printf("dictionary words matched as profanity or slur: %ld of %ld (%.3f%%)%s\n",
           prof, n, 100 * all, dict ? "" : " (no dictionary: inflections unchecked)");
    printf("  of which the word is itself a lexicon term (%ld):%s\n", prof - other,
           hits.p ? hits.p : "");
    printf("false hits, words that are not a term but matched one: %ld of %ld (%.3f%%):%s\n",
           other, n, 100 * share, bad.p ? bad.p : "");
    printf("dictionary words matched as insults: %ld (%.3f%%)\n", insult, n ? 100.0 * insult / n : 0);
    la_buf_free(&hits); la_buf_free(&bad);
    la_text_free(&t);
    /* The gate is on false hits: the dictionary also lists the slurs and
     * swear words themselves, and matching those is the point. */
    CHECK(share < FALSE_TARGET);
}

int main(void)
{
    char err[256];
    la_lexicon *lex = la_lexicon_load(NULL, NULL, err, sizeof err);
    if (!lex) { fprintf(stderr, "%s\n", err); return 1; }
    la_dict *dict = la_dict_open(NULL, err, sizeof err);
    la_dict_cache *cache = la_dict_cache_new();
    measure_detection(lex, dict, cache);
    measure_false_hits(lex, dict, cache);
    la_dict_cache_free(cache);
    la_dict_free(dict);
    la_lexicon_free(lex);
    return UNIT_DONE();
}
