/*
 * test_toxicity.c - the context-sensitive toxicity audit (src/toxicity.c)
 * on single rows: each test builds a row, analyzes its text with the test
 * lexicons and runs la_detect_toxicity, then checks the findings.
 *
 * The lexicon is tests/lexicons/context.en.tsv plus a small inline core
 * list below, so these tests do not move when the shared test lexicons
 * change. Slurs are stood in for by invented words ("blorg", "zintar"),
 * and "crumbler" is an invented slur that is also an innocent word
 * (flagged homonym), "quib" an invented reclaimed slur.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "la_detect.h"
#include "la_labels.h"

static const char core_tsv[] =
    "fucking\tprofanity\tsexual\tstrong\t\n"
    "fuck\tprofanity\tsexual\tstrong\t\n"
    "shit\tprofanity\texcretory\tmoderate\t\n"
    "damn\tprofanity\treligious\tmild\t\n"
    "dumbass\tprofanity\tinsult\tmoderate\t\n"
    "idiot\tinsult\tintellect\tmoderate\t\n"
    "moron\tinsult\tintellect\tmoderate\t\n"
    "blorg\tslur\tethnicity\tstrong\t\n"
    "zintar\tslur\tsexuality\tstrong\t\n"
    "crumbler\tslur\tethnicity\tmoderate\thomonym\n"
    "bitch\tprofanity\tsexual\tstrong\t\n"
    "cock\tprofanity\tsexual\tstrong\t\n"
    "trash\tinsult\tworth\tmild\thomonym\n"
    "quib\tslur\trace\tstrong\treclaimed\n"
    "quibs\tslur\trace\tstrong\treclaimed\n";

static la_lexicon *lex;
static la_options opt;
static la_labelmap *labels;
static la_text txt;
static la_arena arena;
static la_buf scratch;
static la_row row;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    char *p = malloc(1 << 16);
    *len = fread(p, 1, (1 << 16) - 1, f);
    p[*len] = 0;
    fclose(f);
    return p;
}

static void setup(void)
{
    char err[256];
    size_t n;
    char *ctx = read_file("tests/lexicons/context.en.tsv", &n);
    lex = la_lexicon_new();
    if (la_lexicon_add_buffer(lex, "unitcore.en.tsv", core_tsv, sizeof core_tsv - 1,
                              err, sizeof err) != LA_OK ||
        la_lexicon_add_buffer(lex, "context.en.tsv", ctx, n, err, sizeof err) != LA_OK) {
        fprintf(stderr, "lexicon: %s\n", err);
        exit(2);
    }
    free(ctx);
    la_lexicon_compile(lex);
    la_options_init(&opt);
    labels = la_labelmap_new(&opt);
    la_text_init(&txt);
    la_arena_init(&arena, 1 << 16);
    la_buf_init(&scratch);
}

/* Runs the detector on text labeled cls; the result is in `row`. */
static void run(const char *text, la_class cls)
{
    memset(&row, 0, sizeof row);
    row.r.text = text;
    row.r.text_len = strlen(text);
    row.r.label_class = cls;
    la_text_analyze(&txt, lex, NULL, NULL, text, strlen(text));
    la_detect_ctx c = { &opt, lex, NULL, NULL, labels, &txt, &arena, &scratch };
    la_detect_toxicity(&c, &row);
}

static const la_finding *found(la_reason code)
{
    return la_result_find(&row.r, code);
}

static double score_of(const char *text, la_class cls, la_reason code)
{
    run(text, cls);
    const la_finding *f = found(code);
    return f ? f->score : 0.0;
}

/* Evidence of finding f covers the bytes of word in the row's text. */
static int has_evidence(const la_finding *f, const char *word)
{
    if (!f) return 0;
    const char *p = strstr(row.r.text, word);
    if (!p) return 0;
    uint32_t s = (uint32_t)(p - row.r.text), e = s + (uint32_t)strlen(word);
    for (int i = f->ev_first; i < f->ev_first + f->nev; i++)
        if (row.r.ev[i].start <= s && row.r.ev[i].end >= e) return 1;
    return 0;
}

#define T LA_CLASS_TOXIC
#define N LA_CLASS_NON_TOXIC

static void test_profanity_only(void)
{
    /* positive profanity */
    run("this is fucking amazing", T);
    const la_finding *f = found(LA_R_PROFANITY_ONLY);
    CHECK(f != NULL);
    CHECK(f && f->suggested == LA_CLASS_NON_TOXIC);
    CHECK(has_evidence(f, "fucking"));
    CHECK(has_evidence(f, "amazing"));
    CHECK(row.tox_flags & LA_ROWF_PROFANITY);
    double positive = f ? f->score : 0;

    /* self-directed profanity */
    run("I'm such a dumbass", T);
    f = found(LA_R_PROFANITY_ONLY);
    CHECK(f != NULL);
    CHECK(f && strstr(f->why, "speaker") != NULL);
    double self = f ? f->score : 0;

    /* profanity at an object */
    run("this fucking printer", T);
    f = found(LA_R_PROFANITY_ONLY);
    CHECK(f != NULL);
    CHECK(has_evidence(f, "printer"));
    double object = f ? f->score : 0;

    /* profanity near "you" ranks below the clear cases */
    double near_you = score_of("why would you say shit like that", T, LA_R_PROFANITY_ONLY);
    CHECK(near_you < object);
    CHECK(near_you < self);
    CHECK(positive > object);

    /* "you fucking rock": second person, but praise */
    run("you fucking rock", T);
    CHECK(found(LA_R_PROFANITY_ONLY) != NULL);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* negatives: an insult at you, a slur, a threat, profanity barrage at you */
    run("fuck you, you idiot", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("what a damn blorg", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("shit, I will find you", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    /* labeled non_toxic: never PROFANITY_ONLY */
    run("this is fucking amazing", N);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    CHECK(row.r.nfind == 0);
}

static void test_missed(void)
{
    /* insult at you */
    run("you are such an idiot", N);
    const la_finding *f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK(f && f->suggested == LA_CLASS_TOXIC);
    CHECK(has_evidence(f, "idiot"));
    CHECK(row.tox_flags & LA_ROWF_INSULT_AT);
    double insult = f ? f->score : 0;

    /* negated insult */
    run("you are not an idiot", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    CHECK(row.tox_flags & LA_ROWF_COUNTER);

    /* slur as an attack vs quoted in condemnation */
    run("shut up you blorg", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK(has_evidence(f, "blorg"));
    double slur = f ? f->score : 0;
    run("he called me a \"blorg\" and that is not ok", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("stop calling people zintar", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("it's not ok to say blorg", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* threats */
    run("I will find you", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK(row.tox_flags & LA_ROWF_THREAT);
    double threat = f ? f->score : 0;
    run("i'll stab you tonight", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    run("kys", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    /* negated hate */
    run("no one deserves to die", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    /* violence verb without a threat shape */
    run("I will kill this workout", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* dehumanization */
    run("immigrants are vermin", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK(has_evidence(f, "vermin"));
    CHECK(row.tox_flags & LA_ROWF_DEHUMAN);
    run("immigrants are not vermin", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("we saw vermin in the barn", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* obfuscated slur and threat */
    run("you bl0rg", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK(f && strstr(f->why, "obfuscated") != NULL);
    /* obfuscated threat: the pattern sees through a masked insult */
    run("you m0ron, watch your back", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    CHECK(row.tox_flags & LA_ROWF_THREAT);

    /* homonym slur: the innocent sense is not flagged */
    run("a crumbler with cheese", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* ranking: threat > slur > insult */
    CHECK(threat > slur);
    CHECK(slur > insult);

    /* labeled toxic: never MISSED_TOXICITY */
    run("you are such an idiot", T);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
}

static void test_identity_only(void)
{
    run("I'm a proud gay man", T);
    const la_finding *f = found(LA_R_IDENTITY_ONLY);
    CHECK(f != NULL);
    CHECK(f && f->suggested == LA_CLASS_NON_TOXIC);
    CHECK(has_evidence(f, "gay"));
    CHECK(row.tox_flags & LA_ROWF_IDENTITY);
    double positive = f ? f->score : 0;
    run("Muslims celebrate Eid today", T);
    f = found(LA_R_IDENTITY_ONLY);
    CHECK(f != NULL);
    run("muslims in the news today", T);
    f = found(LA_R_IDENTITY_ONLY);
    CHECK(f != NULL);
    CHECK(f && f->score < positive);

    /* attacked identity: not IDENTITY_ONLY */
    run("I hate muslims", T);
    CHECK(found(LA_R_IDENTITY_ONLY) == NULL);
    run("muslims are animals", T);
    CHECK(found(LA_R_IDENTITY_ONLY) == NULL);
    /* negated hate of a group is fine: the label is what is wrong */
    run("I don't hate women", T);
    CHECK(found(LA_R_IDENTITY_ONLY) != NULL);
    /* labeled non_toxic: nothing */
    run("I'm a proud gay man", N);
    CHECK(row.r.nfind == 0);
}

static void test_no_evidence(void)
{
    run("see you at the station at noon", T);
    const la_finding *f = found(LA_R_NO_EVIDENCE);
    CHECK(f != NULL);
    CHECK_NEAR(f ? f->score : 0, 0.2, 1e-9);
    opt.no_evidence = 0;
    run("see you at the station at noon", T);
    CHECK(found(LA_R_NO_EVIDENCE) == NULL);
    opt.no_evidence = 1;
    run("you are disgusting", T);
    CHECK(found(LA_R_NO_EVIDENCE) == NULL);
    /* rows another detector called junk are left alone */
    memset(&row, 0, sizeof row);
    row.r.text = "zzzz";
    row.r.text_len = 4;
    row.r.label_class = T;
    la_result_add_finding(&row.r, LA_R_GIBBERISH, 0.5, LA_CLASS_UNKNOWN, "junk");
    la_text_analyze(&txt, lex, NULL, NULL, "zzzz", 4);
    la_detect_ctx c = { &opt, lex, NULL, NULL, labels, &txt, &arena, &scratch };
    la_detect_toxicity(&c, &row);
    CHECK(found(LA_R_NO_EVIDENCE) == NULL);
    /* spam task rows get nothing */
    run("see you at the station at noon", LA_CLASS_HAM);
    CHECK(row.r.nfind == 0);
}

static void test_context_rules(void)
{
    /* homonym innocent: a thing right beside it shows the innocent sense;
     * said to "you" it is an uncertain attack */
    run("we had cheese crumbler for dinner", T);
    const la_finding *f = found(LA_R_PROFANITY_ONLY);
    CHECK(f != NULL);
    CHECK_NEAR(f ? f->score : 0, 0.9, 1e-9);
    run("shut up you crumbler", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f != NULL);
    CHECK_NEAR(f ? f->score : 0, 0.45, 1e-9);
    run("shut up you crumbler", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    /* a look-alike inside an escaped word is not the term */
    run("we went to crumbler&#243;n last year", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* person nouns used as nouns are name-calling */
    run("these bitches are the worst", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("I met a bitch that lied", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);

    /* sexual content is never profanity-only */
    run("my cock is so hard", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("I want to fuck her", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);

    /* bare exclamation: below the reporting floor */
    run("shit", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("damn", T);
    CHECK(found(LA_R_PROFANITY_ONLY) != NULL);

    /* predicate, vocative and reader-subject insults */
    run("my boss is an idiot", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    run("no way, idiot", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    run("you are being such an idiot", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f && strstr(f->why, "reader") != NULL);
    run("this traffic is trash", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* the bot is the addressee */
    run("fuck this bot", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);

    /* shouting lowers a profanity-only score */
    double calm = score_of("this printer is shit", T, LA_R_PROFANITY_ONLY);
    double loud = score_of("THIS PRINTER IS SHIT", T, LA_R_PROFANITY_ONLY);
    CHECK(calm > loud);

    /* an identity word as a taunt is not identity-only */
    run("you are gay", T);
    CHECK(found(LA_R_IDENTITY_ONLY) == NULL);
    run("I'm a proud gay man", T);
    CHECK(found(LA_R_IDENTITY_ONLY) != NULL);

    /* imperative threat */
    run("somebody stab that blorg", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f && strstr(f->why, "threat") != NULL);
    run("stab wounds heal slowly", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
}

/* Rules added for name-calling of oneself or of a thing, slurs after a
 * demonstrative determiner, @handles, #hashtags, emoji references, slurs
 * that are only mentioned, and reclaimed slurs said of others. */
static void test_targets_and_mentions(void)
{
    /* "I'm such a X" / "this printer is a X": an insult predicated of
     * the speaker or a thing is profanity-only (predicate_subject) */
    run("I'm such an idiot", T);
    const la_finding *f = found(LA_R_PROFANITY_ONLY);
    CHECK(f && strstr(f->why, "speaker") != NULL);
    run("this printer is an idiot", T);
    f = found(LA_R_PROFANITY_ONLY);
    CHECK(f && strstr(f->why, "object") != NULL);
    run("my boss is an idiot", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    /* "i'm" starts a predicate only with determiners between */
    run("i'm off to see the idiot", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);

    /* a demonstrative determiner points at a person, not a thing */
    run("that fucking blorg", N);
    f = found(LA_R_MISSED_TOXICITY);
    CHECK(f && strstr(f->why, "slur") != NULL);
    run("that's so blorg", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);

    /* an @handle is a user's name, not their words */
    run("@blorg see you at noon", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("@blorg see you at noon", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    CHECK(!(row.tox_flags & LA_ROWF_SLUR));

    /* a homonym slur as a hashtag is a topic; any other slur is not */
    run("we won again #crumbler", T);
    f = found(LA_R_PROFANITY_ONLY);
    CHECK(f && strstr(f->why, "innocent") != NULL);
    run("go home #blorg", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);
    /* a tag is no predicate: "Tuesday is ... #X" calls no one X */
    run("Working Tuesday is so long #shit", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("Working Tuesday is so long shit", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);

    /* an emoji reference glued to a slur does not make it a fragment */
    run("blorg&#128567;", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);

    /* a slur only mentioned: PO_SLUR_MENTIONED; a negated cue is no
     * counter-speech */
    CHECK_NEAR(score_of("it is rude to use the word blorg", T, LA_R_PROFANITY_ONLY), 0.60, 1e-9);
    run("i'll never stop calling them blorg", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
    run("i'll never stop calling them blorg", N);
    CHECK(found(LA_R_MISSED_TOXICITY) != NULL);

    /* reclaimed slur said of others: MISS_RECLAIMED; as friendly
     * address, nothing */
    CHECK_NEAR(score_of("those quibs took my bike", N, LA_R_MISSED_TOXICITY), 0.40, 1e-9);
    run("see you later my quib", N);
    CHECK(found(LA_R_MISSED_TOXICITY) == NULL);
    run("those quibs took my bike", T);
    CHECK(found(LA_R_PROFANITY_ONLY) == NULL);
}

int main(void)
{
    setup();
    test_profanity_only();
    test_missed();
    test_identity_only();
    test_no_evidence();
    test_context_rules();
    test_targets_and_mentions();
    la_text_free(&txt);
    la_buf_free(&scratch);
    la_arena_free(&arena);
    la_labelmap_free(labels);
    la_lexicon_free(lex);
    return UNIT_DONE();
}
