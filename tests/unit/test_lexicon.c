/*
 * test_lexicon.c - the lexicon file format (DESIGN.md section 6): columns,
 * comments, kinds, severities, flags, languages from file names, error
 * messages with file and line, deterministic ids, folder and built-in
 * loading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "unit.h"

static la_lexicon *parse(const char *name, const char *data, int *rc, char *err, size_t errlen)
{
    la_lexicon *lex = la_lexicon_new();
    *rc = la_lexicon_add_buffer(lex, name, data, strlen(data), err, errlen);
    la_lexicon_compile(lex);
    return lex;
}

static void expect_error(const char *data, const char *want)
{
    char err[256] = "";
    int rc;
    la_lexicon *lex = parse("bad.en.tsv", data, &rc, err, sizeof err);
    CHECK_INT(rc, LA_ELEXICON);
    if (!strstr(err, want)) {
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
        CHECK(0);
    }
    la_lexicon_free(lex);
}

static void test_names(void)
{
    for (int k = 0; k < LA_KIND__COUNT; k++) {
        const char *n = la_kind_name((la_kind)k);
        CHECK_INT(la_kind_parse(n, strlen(n)), k);
    }
    CHECK_STR(la_kind_name(LA_KIND_SECOND_PERSON), "second_person");
    CHECK_STR(la_kind_name(LA_KIND_ALLOW), "allow");
    CHECK_INT(la_kind_parse("profanit", 8), -1);
    CHECK_INT(la_kind_parse("slurs", 5), -1);
    CHECK(la_severity_name(LA_SEV_NONE) == NULL);
    CHECK_STR(la_severity_name(LA_SEV_STRONG), "strong");
}

static void test_parse(void)
{
    char err[256] = "";
    int rc;
    const char *data =
        "\xEF\xBB\xBF# a comment\n"
        "\n"
        "Fuck\tprofanity\tsexual\tstrong\n"
        "idiot\tinsult\r\n"
        "   # indented comment\n"
        "piece of shit\tinsult\tworth\tstrong\tattack\n"
        "queer\tslur\tsexual_orientation\tmild\treclaimed, homonym\n"
        "no one\tnegation\t\t\t\n"
        "last\tallow";
    la_lexicon *lex = parse("dir/words.en.tsv", data, &rc, err, sizeof err);
    CHECK_INT(rc, LA_OK);
    CHECK_INT(la_lexicon_size(lex), 6);
    const la_term *t0 = la_lexicon_term(lex, 0);
    CHECK_STR(t0->term, "Fuck");
    CHECK_STR(t0->norm, "fuck");
    CHECK_STR(t0->category, "sexual");
    CHECK_STR(t0->lang, "en");
    CHECK_STR(t0->source, "words.en.tsv");
    CHECK_INT(t0->kind, LA_KIND_PROFANITY);
    CHECK_INT(t0->severity, LA_SEV_STRONG);
    CHECK_INT(t0->ntok, 1);
    CHECK_INT(t0->id, 0);
    const la_term *t1 = la_lexicon_term(lex, 1);
    CHECK_STR(t1->term, "idiot");
    CHECK_STR(t1->category, "");
    CHECK_INT(t1->severity, LA_SEV_NONE);
    const la_term *t2 = la_lexicon_term(lex, 2);
    CHECK_STR(t2->norm, "piece of shit");
    CHECK_INT(t2->ntok, 3);
    CHECK_INT(t2->flags, LA_TF_ATTACK);
    const la_term *t3 = la_lexicon_term(lex, 3);
    CHECK_INT(t3->flags, LA_TF_RECLAIMED | LA_TF_HOMONYM);
    CHECK_INT(la_lexicon_term(lex, 4)->ntok, 2);
    CHECK(la_lexicon_term(lex, 6) == NULL);
    la_lexicon_free(lex);

    /* a CJK term is a substring term; the language is the last name part */
    lex = parse("core.ja.tsv", "バカ\tinsult\n", &rc, err, sizeof err);
    CHECK_INT(rc, LA_OK);
    CHECK_STR(la_lexicon_term(lex, 0)->lang, "ja");
    CHECK(la_lexicon_term(lex, 0)->flags & LA_TF_SUBSTRING);
    la_lexicon_free(lex);
    lex = parse("plain.tsv", "x\tallow\n", &rc, err, sizeof err);
    CHECK_STR(la_lexicon_term(lex, 0)->lang, "und");
    la_lexicon_free(lex);
}

static void test_errors(void)
{
    expect_error("ok\tprofanity\nbad\tswear\n", "bad.en.tsv:2: unknown kind 'swear'");
    expect_error("x\tprofanity\t\tvery\n", "bad.en.tsv:1: bad severity");
    expect_error("x\tprofanity\t\tmild\thomonym,loud\n", "bad.en.tsv:1: unknown flag 'loud'");
    expect_error("# c\n\nlonely\n", "bad.en.tsv:3: missing kind");
    expect_error("x\t\n", "bad.en.tsv:1: missing kind");
    expect_error("\tprofanity\n", "bad.en.tsv:1: empty term");
    expect_error("a\xff\tprofanity\n", "bad.en.tsv:1: invalid UTF-8");
    expect_error("a\tprofanity\tc\tmild\thomonym\textra\n", "bad.en.tsv:1: too many columns");
    expect_error("\xE2\x80\x8B\tprofanity\n", "bad.en.tsv:1: term is empty after normalization");
}

static void test_load(void)
{
    char err[256] = "";
    /* the built-in set: non-empty, with the core kinds and languages */
    la_lexicon *lex = la_lexicon_load(NULL, NULL, err, sizeof err);
    CHECK(lex != NULL);
    if (!lex) { fprintf(stderr, "%s\n", err); return; }
    size_t n = la_lexicon_size(lex), prof = 0, slur = 0, ja = 0;
    for (size_t i = 0; i < n; i++) {
        const la_term *t = la_lexicon_term(lex, (uint32_t)i);
        CHECK_INT(t->id, i);
        prof += t->kind == LA_KIND_PROFANITY;
        slur += t->kind == LA_KIND_SLUR;
        ja += strcmp(t->lang, "ja") == 0;
    }
    CHECK(prof >= 100);
    CHECK(slur >= 50);
    CHECK(ja >= 20);
    /* loading twice gives the same ids */
    la_lexicon *again = la_lexicon_load(NULL, NULL, err, sizeof err);
    CHECK_INT(la_lexicon_size(again), n);
    for (size_t i = 0; i < n; i += 37)
        CHECK_STR(la_lexicon_term(again, (uint32_t)i)->term, la_lexicon_term(lex, (uint32_t)i)->term);
    la_lexicon_free(again);
    la_lexicon_free(lex);

    /* a folder replaces the built-ins; files are added on top */
    const char *files[] = { "tests/lexicons/core.ja.tsv", NULL };
    lex = la_lexicon_load("tests/lexicons", files, err, sizeof err);
    CHECK(lex != NULL);
    if (lex) {
        int seen_extra = 0;
        const la_term *last = la_lexicon_term(lex, (uint32_t)la_lexicon_size(lex) - 1);
        seen_extra = strcmp(last->source, "core.ja.tsv") == 0;
        CHECK(seen_extra);
        la_lexicon_free(lex);
    }
    CHECK(la_lexicon_load("tests/no-such-folder", NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "tests/no-such-folder") != NULL);
    const char *missing[] = { "tests/lexicons/missing.en.tsv", NULL };
    CHECK(la_lexicon_load("tests/lexicons", missing, err, sizeof err) == NULL);
    CHECK(strstr(err, "missing.en.tsv") != NULL);
    la_lexicon_free(NULL);
}

int main(void)
{
    test_names();
    test_parse();
    test_errors();
    test_load();
    return UNIT_DONE();
}
