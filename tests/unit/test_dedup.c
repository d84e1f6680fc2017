/*
 * test_dedup.c - duplicate keys, contrast keys, MinHash signatures and the
 * streaming index: exact and near duplicates, label conflicts, contrast
 * pairs, short texts, Unicode variants, majorities and determinism.
 *
 * Rows are built by hand: the text is analyzed with the test lexicons,
 * then la_dedup_signature and la_dedup_add run as the pipeline runs them.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_dedup.h"
#include "unit.h"

typedef struct fixture {
    la_options opt;
    la_lexicon *lex;
    la_text text;
    la_arena arena;
    la_buf scratch;
} fixture;

static void fx_init(fixture *f)
{
    char err[256];
    la_options_init(&f->opt);
    f->lex = la_lexicon_load("tests/lexicons", NULL, err, sizeof err);
    if (!f->lex) { fprintf(stderr, "lexicons: %s\n", err); exit(1); }
    la_text_init(&f->text);
    la_arena_init(&f->arena, 1 << 16);
    la_buf_init(&f->scratch);
}

static void fx_free(fixture *f)
{
    la_lexicon_free(f->lex);
    la_text_free(&f->text);
    la_arena_free(&f->arena);
    la_buf_free(&f->scratch);
}

/* Analyzes text and computes its signature into a fresh row. The row's
 * strings point at text and id, which must outlive it. */
static void make_row(fixture *f, la_row *row, const char *id, const char *text,
                     la_class cls)
{
    memset(row, 0, sizeof *row);
    row->status = LA_OK;
    row->r.id = id;
    row->r.id_len = strlen(id);
    row->r.text = text;
    row->r.text_len = strlen(text);
    row->r.label_class = cls;
    la_text_analyze(&f->text, f->lex, NULL, NULL, text, strlen(text));
    la_detect_ctx c = { .opt = &f->opt, .lex = f->lex, .text = &f->text,
                        .arena = &f->arena, .scratch = &f->scratch };
    la_dedup_signature(&c, row);
}

/* Signs and adds one row; returns the code of its single dedup finding,
 * or -1 when it got none. */
static int add(fixture *f, la_dedup *d, la_row *row, const char *id,
               const char *text, la_class cls)
{
    make_row(f, row, id, text, cls);
    la_dedup_add(d, row);
    return row->r.nfind ? (int)row->r.find[0].code : -1;
}

static uint64_t key_of(fixture *f, const char *text)
{
    la_row row;
    make_row(f, &row, "k", text, LA_CLASS_UNKNOWN);
    return row.dup_key;
}

static void test_exact_same_label(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b;
    CHECK_INT(add(f, d, &a, "a1", "Great match last night, well played", LA_CLASS_NON_TOXIC), -1);
    CHECK(!a.r.cluster.has_cluster);
    CHECK_INT(add(f, d, &b, "a2", "great match last night well played!!", LA_CLASS_NON_TOXIC),
              LA_R_DUPLICATE);
    CHECK(b.r.cluster.has_cluster);
    CHECK_INT(b.r.cluster.id, 1);
    CHECK(b.r.cluster.of_len == 2 && memcmp(b.r.cluster.of, "a1", 2) == 0);
    CHECK_INT(b.r.cluster.of_label, LA_CLASS_NON_TOXIC);
    CHECK_NEAR(b.r.cluster.similarity, 1.0, 1e-9);
    CHECK(b.r.find[0].score < 0.5);
    CHECK_INT(b.r.find[0].suggested, LA_CLASS_UNKNOWN);
    la_dedup_free(d);
}

static void test_exact_conflict(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b;
    add(f, d, &a, "c1", "you are a wonderful neighbour", LA_CLASS_NON_TOXIC);
    CHECK_INT(add(f, d, &b, "c2", "You are a wonderful neighbour.", LA_CLASS_TOXIC),
              LA_R_LABEL_CONFLICT);
    CHECK_NEAR(b.r.find[0].score, 0.9, 1e-9);
    /* two rows, one each way: no majority, no suggestion */
    CHECK_INT(b.r.find[0].suggested, LA_CLASS_UNKNOWN);
    CHECK(strstr(b.r.find[0].why, "c1") != NULL);
    CHECK(strstr(b.r.find[0].why, "non_toxic") != NULL);
    CHECK_INT(b.r.cluster.of_label, LA_CLASS_NON_TOXIC);
    CHECK_INT(la_dedup_cluster_majority(d, 1), LA_CLASS_UNKNOWN);
    la_dedup_free(d);
}

static void test_near_conflict(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b, c;
    add(f, d, &a, "n1", "the weather today is really lovely and sunny down in the park",
        LA_CLASS_NON_TOXIC);
    CHECK(a.minhash != NULL && a.nshingles > 20);
    CHECK_INT(add(f, d, &b, "n2", "the weather today is really lovely and sunny down at the park",
                  LA_CLASS_TOXIC), LA_R_LABEL_CONFLICT);
    CHECK(b.r.cluster.has_cluster);
    CHECK(b.r.cluster.similarity >= 0.7 && b.r.cluster.similarity < 1.0);
    /* the true Jaccard similarity of the two shingle sets is 0.838 */
    CHECK_NEAR(b.r.cluster.similarity, 0.838, 0.12);
    CHECK_NEAR(b.r.find[0].score, 0.8, 1e-9);
    CHECK(b.r.cluster.of_len == 2 && memcmp(b.r.cluster.of, "n1", 2) == 0);
    /* same label, one word dropped: a near duplicate, not a conflict */
    CHECK_INT(add(f, d, &c, "n3", "the weather today is really lovely and sunny in the park",
                  LA_CLASS_NON_TOXIC), LA_R_NEAR_DUPLICATE);
    CHECK_INT(c.r.cluster.id, 1);
    /* an unrelated text is nothing */
    la_row e;
    CHECK_INT(add(f, d, &e, "n4", "please send me the quarterly invoices before friday noon",
                  LA_CLASS_TOXIC), -1);
    la_dedup_free(d);
}

static void test_contrast_pairs(fixture *f)
{
    la_row a, b, c;
    make_row(f, &a, "x", "I hate women.", LA_CLASS_TOXIC);
    make_row(f, &b, "y", "I don't hate women.", LA_CLASS_NON_TOXIC);
    make_row(f, &c, "z", "I do not hate women", LA_CLASS_NON_TOXIC);
    CHECK(a.dup_key != b.dup_key);
    CHECK(a.contrast_key == a.dup_key);   /* no negation */
    CHECK(b.contrast_key == a.contrast_key);
    CHECK(c.contrast_key == a.contrast_key);
    CHECK(key_of(f, "I dont hate women") == b.dup_key);

    la_dedup *d = la_dedup_new(&f->opt);
    CHECK_INT(add(f, d, &a, "h1", "I hate women.", LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "h2", "I don't hate women.", LA_CLASS_NON_TOXIC), -1);
    CHECK_INT(add(f, d, &a, "i1", "you are an idiot and everybody at the office knows it",
                  LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "i2", "you are not an idiot and everybody at the office knows it",
                  LA_CLASS_NON_TOXIC), -1);
    CHECK(!b.r.cluster.has_cluster);
    /* one word changed and no negation on one side only: a near duplicate
     * of the negated row, never of the plain one */
    CHECK_INT(add(f, d, &c, "i3", "you are not an idiot and everybody in the office knows it",
                  LA_CLASS_NON_TOXIC), LA_R_NEAR_DUPLICATE);
    CHECK(c.r.cluster.of_len == 2 && memcmp(c.r.cluster.of, "i2", 2) == 0);
    CHECK_INT(add(f, d, &c, "i4", "you are an idiot and everybody in the office knows it!",
                  LA_CLASS_TOXIC), LA_R_NEAR_DUPLICATE);
    CHECK(c.r.cluster.of_len == 2 && memcmp(c.r.cluster.of, "i1", 2) == 0);
    /* both negated, only the negation's wording differs: same polarity,
     * so a near duplicate (here a conflict) */
    CHECK_INT(add(f, d, &c, "j1", "honestly I do not think the movie was worth the money",
                  LA_CLASS_NON_TOXIC), -1);
    CHECK_INT(add(f, d, &c, "j2", "honestly I don't think the movie was worth the money",
                  LA_CLASS_TOXIC), LA_R_LABEL_CONFLICT);
    cJSON *s = la_dedup_summary(d);
    CHECK(cJSON_GetObjectItem(s, "contrast_pairs")->valuedouble >= 1);
    cJSON_Delete(s);
    la_dedup_free(d);
}

static void test_short_texts(fixture *f)
{
    la_row a, b;
    make_row(f, &a, "s", "yes please now", LA_CLASS_NON_TOXIC);
    CHECK(a.dup_key != 0);
    CHECK(a.minhash == NULL);          /* 3 words: exact matching only */
    CHECK_INT(a.nshingles, 0);
    make_row(f, &a, "s", "yes please right now", LA_CLASS_NON_TOXIC);
    CHECK(a.minhash == NULL);          /* 4 words: still exact only */
    make_row(f, &b, "s", "yes please right now thanks", LA_CLASS_NON_TOXIC);
    CHECK(b.minhash != NULL);          /* 5 words: near detection too */
    CHECK(b.nshingles > 20);
    make_row(f, &a, "e", "", LA_CLASS_NON_TOXIC);
    CHECK(a.dup_key == 0);             /* empty: never a duplicate */
    make_row(f, &a, "e", "?!? ...", LA_CLASS_NON_TOXIC);
    CHECK(a.dup_key == 0);

    la_dedup *d = la_dedup_new(&f->opt);
    CHECK_INT(add(f, d, &a, "y1", "yes", LA_CLASS_NON_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y2", "Yes!", LA_CLASS_NON_TOXIC), LA_R_DUPLICATE);
    CHECK_INT(add(f, d, &b, "y3", "no", LA_CLASS_TOXIC), -1);
    /* a short conflict ranks below the confident findings */
    CHECK_INT(add(f, d, &b, "y10", "yes.", LA_CLASS_TOXIC), LA_R_LABEL_CONFLICT);
    CHECK_NEAR(b.r.find[0].score, 0.45, 1e-9);
    CHECK(strstr(b.r.find[0].why, "context") != NULL);
    CHECK_INT(add(f, d, &b, "y4", "yes please now", LA_CLASS_NON_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y5", "no please now", LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y8", "do you like tea", LA_CLASS_NON_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y9", "do you like rum", LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y6", "", LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "y7", "", LA_CLASS_NON_TOXIC), -1);
    cJSON *s = la_dedup_summary(d);
    CHECK_INT(cJSON_GetObjectItem(s, "clusters")->valuedouble, 1);
    CHECK_INT(cJSON_GetObjectItem(s, "conflicts")->valuedouble, 1);
    CHECK_INT(cJSON_GetObjectItem(s, "too_short_for_near")->valuedouble, 6);
    cJSON_Delete(s);
    la_dedup_free(d);
}

static void test_unicode_variants(fixture *f)
{
    uint64_t k = key_of(f, "cafe time is great");
    CHECK(k != 0);
    CHECK(key_of(f, "Café time is GREAT") == k);
    CHECK(key_of(f, "\xef\xbc\xa3\xef\xbd\x81\xef\xbd\x86\xc3\xa9 time is great") == k); /* fullwidth */
    CHECK(key_of(f, "cafe\xe2\x80\x8b time   is great") == k); /* zero-width space, spaces */
    CHECK(key_of(f, "cafe time is not great") != k);
}

static void test_keep_options(fixture *f)
{
    const char *u1 = "see the new schedule http://one.example/a today";
    const char *u2 = "see the new schedule http://two.example/b today";
    CHECK(key_of(f, u1) == key_of(f, u2));
    CHECK(key_of(f, "thanks @sam for the help") == key_of(f, "thanks @alex for the help"));
    CHECK(key_of(f, "good morning \xf0\x9f\x98\x80") == key_of(f, "good morning"));
    f->opt.dup_keep_urls = 1;
    CHECK(key_of(f, u1) != key_of(f, u2));
    f->opt.dup_keep_urls = 0;
    f->opt.dup_keep_mentions = 1;
    CHECK(key_of(f, "thanks @sam for the help") != key_of(f, "thanks @alex for the help"));
    f->opt.dup_keep_mentions = 0;
    f->opt.dup_keep_emoji = 1;
    CHECK(key_of(f, "good morning \xf0\x9f\x98\x80") != key_of(f, "good morning"));
    f->opt.dup_keep_emoji = 0;
    f->opt.dup_keep_punct = 1;
    CHECK(key_of(f, "good morning!") != key_of(f, "good morning"));
    f->opt.dup_keep_punct = 0;
    CHECK(key_of(f, "good morning!") == key_of(f, "good morning"));
}

static void test_majority(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b, c, e;
    const char *t = "the bus was late again this morning";
    CHECK_INT(add(f, d, &a, "m1", t, LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "m2", t, LA_CLASS_NON_TOXIC), LA_R_LABEL_CONFLICT);
    CHECK_INT(b.r.find[0].suggested, LA_CLASS_UNKNOWN);
    /* agrees with the first row, cluster tied before it: a duplicate */
    CHECK_INT(add(f, d, &c, "m3", t, LA_CLASS_TOXIC), LA_R_DUPLICATE);
    CHECK_INT(la_dedup_cluster_majority(d, 1), LA_CLASS_TOXIC);
    /* 2:1 before it, 2:2 with it: a conflict, but no majority to suggest */
    CHECK_INT(add(f, d, &e, "m4", t, LA_CLASS_NON_TOXIC), LA_R_LABEL_CONFLICT);
    CHECK_INT(e.r.find[0].suggested, LA_CLASS_UNKNOWN);
    CHECK_INT(la_dedup_cluster_majority(d, 1), LA_CLASS_UNKNOWN); /* 2:2 */
    /* unknown classes: duplicates, never conflicts */
    CHECK_INT(add(f, d, &e, "m5", t, LA_CLASS_UNKNOWN), LA_R_DUPLICATE);
    CHECK_INT(la_dedup_cluster_majority(d, 2), LA_CLASS_UNKNOWN); /* no such id */
    cJSON *s = la_dedup_summary(d);
    CHECK_INT(cJSON_GetObjectItem(s, "clusters")->valuedouble, 1);
    CHECK_INT(cJSON_GetObjectItem(s, "rows_in_clusters")->valuedouble, 5);
    CHECK_INT(cJSON_GetObjectItem(s, "conflicts")->valuedouble, 1);
    CHECK_INT(cJSON_GetObjectItem(s, "exact_duplicates")->valuedouble, 4);
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "sizes"), "4-9")->valuedouble, 1);
    CHECK_INT(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "largest"), 0)->valuedouble, 5);
    cJSON_Delete(s);
    la_dedup_free(d);
}

static void test_two_to_one(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b, c;
    const char *t = "the library opens at nine on sundays";
    add(f, d, &a, "t1", t, LA_CLASS_NON_TOXIC);
    CHECK_INT(add(f, d, &b, "t2", "The library opens at nine on Sundays.", LA_CLASS_NON_TOXIC),
              LA_R_DUPLICATE);
    CHECK_INT(add(f, d, &c, "t3", t, LA_CLASS_TOXIC), LA_R_LABEL_CONFLICT);
    CHECK_INT(c.r.find[0].suggested, LA_CLASS_NON_TOXIC);   /* 2:1 */
    CHECK_INT(la_dedup_cluster_majority(d, 1), LA_CLASS_NON_TOXIC);
    la_dedup_free(d);
}

static void test_cluster_ids(fixture *f)
{
    la_dedup *d = la_dedup_new(&f->opt);
    la_row r;
    add(f, d, &r, "p1", "first text about gardens and roses", LA_CLASS_HAM);
    add(f, d, &r, "p2", "second text about trains and stations", LA_CLASS_HAM);
    add(f, d, &r, "p3", "second text about trains and stations", LA_CLASS_HAM);
    CHECK_INT(r.r.cluster.id, 1);      /* the first cluster to form */
    add(f, d, &r, "p4", "first text about gardens and roses", LA_CLASS_SPAM);
    CHECK_INT(r.r.cluster.id, 2);
    CHECK(r.r.cluster.of_len == 2 && memcmp(r.r.cluster.of, "p1", 2) == 0);
    CHECK_INT(r.r.find[0].code, LA_R_LABEL_CONFLICT);
    la_dedup_free(d);
}

static void test_determinism(fixture *f)
{
    const char *t = "a fairly ordinary sentence about the garden and the weather";
    la_row a, b;
    make_row(f, &a, "d", t, LA_CLASS_TOXIC);
    uint32_t first[64];
    CHECK(a.minhash != NULL);
    if (!a.minhash) return;
    memcpy(first, a.minhash, sizeof first);
    /* a fresh text state and arena give the same signature */
    fixture g;
    fx_init(&g);
    make_row(&g, &b, "d", t, LA_CLASS_TOXIC);
    CHECK(b.dup_key == a.dup_key);
    CHECK(b.minhash && memcmp(b.minhash, first, sizeof first) == 0);
    CHECK(b.nshingles == a.nshingles);
    /* another seed, another signature */
    g.opt.seed = 7;
    make_row(&g, &b, "d", t, LA_CLASS_TOXIC);
    CHECK(b.minhash && memcmp(b.minhash, first, sizeof first) != 0);
    fx_free(&g);
}

static void test_options(fixture *f)
{
    /* --no-near-dups: no signature, exact duplicates still found */
    f->opt.near_dups = 0;
    la_dedup *d = la_dedup_new(&f->opt);
    la_row a, b;
    add(f, d, &a, "o1", "the weather today is really lovely and sunny down in the park",
        LA_CLASS_NON_TOXIC);
    CHECK(a.minhash == NULL);
    CHECK_INT(add(f, d, &b, "o2", "the weather today is really lovely and sunny down at the park",
                  LA_CLASS_TOXIC), -1);
    CHECK_INT(add(f, d, &b, "o3", "The weather today is really lovely and sunny down in the park!",
                  LA_CLASS_TOXIC), LA_R_LABEL_CONFLICT);
    cJSON *s = la_dedup_summary(d);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(s, "near_dups")));
    cJSON_Delete(s);
    la_dedup_free(d);
    f->opt.near_dups = 1;

    /* word shingles (--shingle 2): the same pair is further apart */
    f->opt.shingle_size = 2;
    f->opt.near_threshold = 0.95;
    d = la_dedup_new(&f->opt);
    add(f, d, &a, "w1", "the weather today is really lovely and sunny down in the park",
        LA_CLASS_NON_TOXIC);
    CHECK(a.nshingles == 11);          /* 12 words, 11 bigrams */
    CHECK_INT(add(f, d, &b, "w2", "the weather today is really lovely and sunny down at the park",
                  LA_CLASS_TOXIC), -1);
    la_dedup_free(d);
    f->opt.shingle_size = 0;
    f->opt.near_threshold = 0.7;
}

static void test_long_text(fixture *f)
{
    la_buf b;
    la_buf_init(&b);
    for (int i = 0; i < 3000; i++) la_buf_printf(&b, "word%d ", i);
    la_row r;
    make_row(f, &r, "l", b.p, LA_CLASS_HAM);
    /* ~24000 shingles sampled down to a few thousand */
    CHECK(r.minhash != NULL);
    CHECK(r.nshingles > 1000 && r.nshingles < 6000);
    la_buf_free(&b);
}

int main(void)
{
    fixture f;
    fx_init(&f);
    test_exact_same_label(&f);
    test_exact_conflict(&f);
    test_near_conflict(&f);
    test_contrast_pairs(&f);
    test_short_texts(&f);
    test_unicode_variants(&f);
    test_keep_options(&f);
    test_majority(&f);
    test_two_to_one(&f);
    test_cluster_ids(&f);
    test_determinism(&f);
    test_options(&f);
    test_long_text(&f);
    fx_free(&f);
    return UNIT_DONE();
}
