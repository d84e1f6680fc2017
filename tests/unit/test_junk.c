/*
 * test_junk.c - EMPTY_TEXT and GIBBERISH: empty, whitespace-only and
 * symbol-only texts with scores by label; keyboard mashing found, and
 * slang, names, non-English text (French, Spanish, German, Japanese,
 * Russian) and leet left alone; mojibake reported as an encoding problem;
 * the higher bar without a dictionary.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "la_detect.h"
#include "la_labels.h"

static la_lexicon *lex;
static la_dict *dict;
static la_dict_cache *cache;
static la_options opt;
static la_text txt;
static la_detect_ctx ctx;
static la_row row;

static void junk(const char *s, la_class lc)
{
    memset(&row, 0, sizeof row);
    row.r.text = s; row.r.text_len = strlen(s);
    row.r.label_class = lc;
    la_text_analyze(&txt, lex, ctx.dict, cache, s, strlen(s));
    ctx.text = &txt;
    la_detect_junk(&ctx, &row);
}

static la_finding *empty_of(const char *s, la_class lc)
{
    junk(s, lc);
    return la_result_find(&row.r, LA_R_EMPTY_TEXT);
}

static la_finding *gib_of(const char *s)
{
    junk(s, LA_CLASS_NON_TOXIC);
    return la_result_find(&row.r, LA_R_GIBBERISH);
}

static int ev_kind(la_finding *f, const char *s, const char *kind, const char *want)
{
    if (!f) return 0;
    for (int i = f->ev_first; i < f->ev_first + f->nev; i++) {
        const la_evidence *e = &row.r.ev[i];
        if (strcmp(e->kind, kind) == 0 && e->end - e->start == strlen(want) &&
            memcmp(s + e->start, want, strlen(want)) == 0)
            return 1;
    }
    return 0;
}

int main(void)
{
    char err[256];
    lex = la_lexicon_load("tests/lexicons", NULL, err, sizeof err);
    if (!lex) { fprintf(stderr, "lexicon: %s\n", err); return 1; }
    dict = la_dict_open(NULL, err, sizeof err);
    CHECK(dict != NULL);
    cache = la_dict_cache_new();
    la_options_init(&opt);
    la_text_init(&txt);
    ctx.opt = &opt; ctx.lex = lex; ctx.dict = dict; ctx.cache = cache;
    static la_buf scratch;      /* detectors use this thread's scratch buffer */
    ctx.scratch = &scratch;

    /* ---- EMPTY_TEXT ---- */
    la_finding *f = empty_of("", LA_CLASS_TOXIC);
    CHECK(f != NULL && f->score >= 0.85);
    CHECK(f && strstr(f->why, "labeled toxic") != NULL);
    f = empty_of(" \t\n ", LA_CLASS_SPAM);
    CHECK(f != NULL && f->score >= 0.85);
    f = empty_of("   ", LA_CLASS_NON_TOXIC);
    CHECK(f != NULL && f->score < 0.85 && f->score > 0.3);
    /* symbols and emoji only */
    f = empty_of("!!! ... ???", LA_CLASS_TOXIC);
    CHECK(f != NULL && f->score >= 0.75);
    f = empty_of("\xf0\x9f\x98\x82\xf0\x9f\x98\x82\xf0\x9f\x98\x82", LA_CLASS_HAM);
    CHECK(f != NULL && f->score < 0.5);
    f = empty_of("&#128514;&#128514; &amp;", LA_CLASS_TOXIC);
    CHECK(f != NULL);
    /* benign labels score below toxic/spam labels */
    double a = empty_of("?!", LA_CLASS_SPAM)->score;
    double b = empty_of("?!", LA_CLASS_HAM)->score;
    CHECK(a > b);
    /* one letter or digit is text */
    CHECK(empty_of("k", LA_CLASS_HAM) == NULL);
    CHECK(empty_of("5", LA_CLASS_HAM) == NULL);
    CHECK(empty_of("\xe3\x81\x82", LA_CLASS_HAM) == NULL);     /* あ */
    /* an empty row gets nothing else */
    junk("", LA_CLASS_TOXIC);
    CHECK(row.r.nfind == 1);

    /* ---- GIBBERISH: mashing ---- */
    const char *m1 = "fdfdsgsfgasgfga";
    f = gib_of(m1);
    CHECK(f != NULL);
    CHECK(ev_kind(f, m1, "gibberish", "fdfdsgsfgasgfga"));
    CHECK(gib_of("asdkjh qwpoei zmxn") != NULL);
    CHECK(gib_of("qwrtpsdfg xcvbnm") != NULL);
    CHECK(gib_of("jhgfjhgf kjhkjhg") != NULL);

    /* ---- not gibberish ---- */
    CHECK(gib_of("lol ok") == NULL);
    CHECK(gib_of("u") == NULL);
    CHECK(gib_of("ur so funny lmao") == NULL);
    CHECK(gib_of("c u 2nite at the club") == NULL);
    CHECK(gib_of("hmmmmmm") == NULL);
    CHECK(gib_of("hahahahaha") == NULL);
    CHECK(gib_of("Rupert and Alaska") == NULL);
    CHECK(gib_of("Nguyen Tsvetkova Krzysztof") == NULL);
    CHECK(gib_of("Je ne sais pas ce que tu veux dire, mon ami") == NULL);
    CHECK(gib_of("\xc2\xbf" "D\xc3\xb3nde est\xc3\xa1 la biblioteca?") == NULL);
    CHECK(gib_of("Schwarzw\xc3\xa4lder Kirschtorte schmeckt gut") == NULL);
    CHECK(gib_of("Przepraszam, nie rozumiem") == NULL);
    /* Japanese and Russian: other scripts are language */
    CHECK(gib_of("\xe4\xbb\x8a\xe6\x97\xa5\xe3\x81\xaf\xe3\x81\x84\xe3\x81\x84"
                 "\xe5\xa4\xa9\xe6\xb0\x97\xe3\x81\xa7\xe3\x81\x99\xe3\x81\xad") == NULL);
    CHECK(gib_of("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xba\xd0\xb0"
                 "\xd0\xba \xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb0?") == NULL);
    /* a mashed word inside a real sentence is not a junk row */
    CHECK(gib_of("I was so angry I just typed asdfgh and left the room") == NULL);
    /* URLs, mentions, hashtags are ignored, not judged */
    CHECK(gib_of("@xkcdfan #tbt https://example.com/qwxzrtp") == NULL);

    /* ---- mojibake ---- */
    const char *mj = "Caf\xc3\x83\xc2\xa9 au lait, it\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s great";
    f = gib_of(mj);
    CHECK(f != NULL);
    CHECK(f && strstr(f->why, "encoding") != NULL);
    CHECK(ev_kind(f, mj, "mojibake", "\xc3\x83\xc2\xa9"));
    CHECK(ev_kind(f, mj, "mojibake", "\xc3\xa2\xe2\x82\xac\xe2\x84\xa2"));
    CHECK(gib_of("broken \xef\xbf\xbd byte") != NULL);            /* U+FFFD */
    CHECK(gib_of("M\xc3\x83\xc2\xbcnchen") != NULL);               /* Ã¼ */
    /* real accents and typography are not mojibake */
    CHECK(gib_of("Caf\xc3\xa9 au lait, it\xe2\x80\x99s great \xe2\x80\x94 M\xc3\xbcnchen") == NULL);
    CHECK(gib_of("\xc3\x80 bient\xc3\xb4t, \xc3\x89milie") == NULL);

    /* ---- without a dictionary: character statistics, higher bar ---- */
    ctx.dict = NULL;
    CHECK(gib_of("fdfdsgsfgasgfga") != NULL);
    CHECK(gib_of("the quick brown fox jumps over the lazy dog") == NULL);
    CHECK(gib_of("lol ok") == NULL);
    CHECK(gib_of("Je ne sais pas ce que tu veux dire") == NULL);
    CHECK(gib_of("asdkjh") == NULL);          /* one short token: not enough */
    ctx.dict = dict;

    la_text_free(&txt);
    la_dict_cache_free(cache);
    la_dict_free(dict);
    la_lexicon_free(lex);
    return UNIT_DONE();
}
