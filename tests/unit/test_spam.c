/*
 * test_spam.c - the SPAM detector: each sub-signal found with its
 * evidence kind, the negatives that must stay quiet (one link, dates,
 * HTML entities, "free time"), the score combination, and both modes
 * (junk in a toxicity set; the spam/ham label audit).
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

static double score_of(const char *s)
{
    la_text_analyze(&txt, lex, dict, cache, s, strlen(s));
    ctx.text = &txt;
    return la_spam_score(&ctx);
}

/* Runs junk and spam on s labeled lc; returns the SPAM finding or NULL. */
static la_finding *audit(const char *s, la_class lc)
{
    memset(&row, 0, sizeof row);
    row.r.text = s; row.r.text_len = strlen(s);
    row.r.label_class = lc;
    la_text_analyze(&txt, lex, dict, cache, s, strlen(s));
    ctx.text = &txt;
    la_detect_junk(&ctx, &row);
    la_detect_spam(&ctx, &row);
    return la_result_find(&row.r, LA_R_SPAM);
}

/* 1 when the last audit's SPAM finding has evidence of kind covering
 * the text want. */
static int has_ev(const char *s, const char *kind, const char *want)
{
    la_finding *f = la_result_find(&row.r, LA_R_SPAM);
    if (!f) return 0;
    for (int i = f->ev_first; i < f->ev_first + f->nev; i++) {
        const la_evidence *e = &row.r.ev[i];
        if (strcmp(e->kind, kind) != 0) continue;
        if (!want || (e->end - e->start == strlen(want) &&
                      memcmp(s + e->start, want, strlen(want)) == 0))
            return 1;
    }
    return 0;
}

/* Forces a finding with every signal of s visible: audits s as ham in the
 * spam task when it scores high, for evidence checks. */
static int ev_of(const char *s, const char *kind, const char *want)
{
    audit(s, LA_CLASS_HAM);
    return has_ev(s, kind, want);
}

int main(void)
{
    char err[256];
    lex = la_lexicon_load("tests/lexicons", NULL, err, sizeof err);
    if (!lex) { fprintf(stderr, "lexicon: %s\n", err); return 1; }
    dict = la_dict_open(NULL, err, sizeof err);
    cache = la_dict_cache_new();
    la_options_init(&opt);
    la_text_init(&txt);
    ctx.opt = &opt; ctx.lex = lex; ctx.dict = dict; ctx.cache = cache;
    static la_buf scratch;      /* detectors use this thread's scratch buffer */
    ctx.scratch = &scratch;

    /* nothing at all */
    CHECK(score_of("") == 0.0);
    CHECK(score_of("see you at six then") < 0.05);

    /* a normal message with one link is not spam */
    const char *one_link = "Here is the article I mentioned yesterday "
                           "https://example.org/news/water-prices";
    CHECK(score_of(one_link) < 0.5);
    CHECK(audit(one_link, LA_CLASS_NON_TOXIC) == NULL);
    CHECK(audit(one_link, LA_CLASS_HAM) == NULL);

    /* t.co wraps every link in a tweet: weaker than an ordinary link */
    CHECK(score_of("lol look at this http://t.co/AbC123xyz") <
          score_of("lol look at this http://example.com/AbC123xyz"));
    CHECK(score_of("lol look at this http://t.co/AbC123xyz") < 0.2);

    /* classic SMS spam: many independent signals */
    const char *sms = "WINNER!! You have won a \xc2\xa3" "1000 cash prize! Call "
                      "09061234567 now to claim your reward. 150p per msg";
    CHECK(score_of(sms) >= 0.85);
    CHECK(ev_of(sms, "phone", "09061234567"));
    CHECK(ev_of(sms, "money", "\xc2\xa3" "1000"));
    CHECK(ev_of(sms, "money", "150p"));
    CHECK(ev_of(sms, "money", "won"));
    CHECK(ev_of(sms, "money", "You have won"));
    CHECK(ev_of(sms, "call_to_action", "claim your"));
    CHECK(ev_of(sms, "spam_phrase", "per msg"));

    /* toxicity task: spam does not belong; no class suggestion */
    la_finding *f = audit(sms, LA_CLASS_NON_TOXIC);
    CHECK(f != NULL);
    if (f) {
        CHECK(f->suggested == LA_CLASS_UNKNOWN);
        CHECK(strstr(f->why, "remove") != NULL);
    }
    CHECK(row.tox_flags & LA_ROWF_SPAMMY);
    /* unknown label: same as the toxicity task */
    f = audit(sms, LA_CLASS_UNKNOWN);
    CHECK(f != NULL && f->suggested == LA_CLASS_UNKNOWN);

    /* spam task: ham with strong signals -> spam */
    f = audit(sms, LA_CLASS_HAM);
    CHECK(f != NULL && f->suggested == LA_CLASS_SPAM);
    CHECK(f && strstr(f->why, "labeled ham") != NULL);
    /* spam with strong signals: correct, nothing */
    CHECK(audit(sms, LA_CLASS_SPAM) == NULL);
    /* spam with no signal at all -> ham */
    f = audit("Are you still coming to dinner tonight? Mum says hi", LA_CLASS_SPAM);
    CHECK(f != NULL && f->suggested == LA_CLASS_HAM);
    CHECK(f && strstr(f->why, "labeled spam but shows no spam signal") != NULL);
    CHECK(f && f->score >= 0.7);
    /* ham with no signal: nothing */
    CHECK(audit("Are you still coming to dinner tonight?", LA_CLASS_HAM) == NULL);

    /* URLs, shorteners, density, bare domains */
    CHECK(ev_of("Claim your prize at bit.ly/3xYzAb now!!! Call now 08001234567",
                "shortener", "bit.ly/3xYzAb"));
    CHECK(ev_of("FREE entry: www.prizes-online.co.uk call 08001234567 now",
                "url", "www.prizes-online.co.uk"));
    CHECK(ev_of("Win cash at getcash.com/win or call 08001234567", "url",
                "getcash.com/win"));
    CHECK(score_of("ok.so what now") == 0.0);      /* not a link */
    CHECK(score_of("a http://x.com/1 b http://y.com/2 c http://z.com/3") >
          score_of("a http://x.com/1 and then some words here"));

    /* e-mail */
    CHECK(ev_of("You have won! Send your details to claims.dept@prize-center.com "
                "and call 08001234567", "email", "claims.dept@prize-center.com"));

    /* phone numbers: formatted, international; not dates, times, entities */
    CHECK(ev_of("Call now 0800 123 4567 to claim your cash prize", "phone",
                "0800 123 4567"));
    CHECK(ev_of("Call now (555) 123-4567 to claim your cash prize", "phone",
                "(555) 123-4567"));
    CHECK(ev_of("Call now +44 20 7946 0958 to claim your cash prize", "phone",
                "+44 20 7946 0958"));
    CHECK(score_of("the meeting moved to 2024-06-01 at 12:30") == 0.0);
    CHECK(score_of("so funny &#128514;&#128514;&#128514;") == 0.0);
    CHECK(score_of("my code is W45WQ and 2nite is fine") == 0.0);
    CHECK(score_of("it went from 1990-2000 or so") == 0.0);

    /* money: amounts in several forms */
    CHECK(ev_of("You have won $500 call now 08001234567", "money", "$500"));
    CHECK(ev_of("You have won 500\xe2\x82\xac call now 08001234567", "money",
                "500\xe2\x82\xac"));
    CHECK(score_of("I owe you $5 for lunch") < 0.5);

    /* short codes: "text WIN to 80086" */
    CHECK(ev_of("Text WIN to 80086 for your FREE ringtone now", "phone",
                "Text WIN to 80086"));
    CHECK(ev_of("Text WIN to 80086 for your FREE ringtone now", "money",
                "FREE ringtone"));
    /* "free" + offer noun only, not "free time" / "feel free to" */
    CHECK(score_of("feel free to come round, I have free time tomorrow") == 0.0);

    /* capitals: shouting counts, a single acronym does not */
    CHECK(score_of("URGENT YOU HAVE WON A GUARANTEED CASH PRIZE CALL NOW") >
          score_of("urgent you have won a guaranteed cash prize call now"));
    CHECK(score_of("I love NYC in the summer") == 0.0);
    CHECK(ev_of("URGENT YOU HAVE WON A GUARANTEED CASH PRIZE CALL NOW 08001234567",
                "caps", "URGENT"));

    /* repeats: character floods and repeated words are weak alone */
    double rep = score_of("omg!!!!!!!!");
    CHECK(rep > 0.0 && rep < 0.3);
    CHECK(score_of("buy buy buy buy") > 0.0);
    CHECK(ev_of("$$$$$$ You have won a cash prize call now 08001234567", "repeat",
                "$$$$$$"));

    /* calls to action and self-promotion from the lexicon */
    CHECK(ev_of("click here to claim your cash prize http://example.com/p",
                "call_to_action", "click here"));
    CHECK(ev_of("check out my new video and subscribe to my channel "
                "https://example.com/v", "self_promotion", "subscribe to my channel"));
    CHECK(score_of("follow me") < 0.6);   /* one self-promotion cue alone */

    /* spam inside a toxicity set: self-promotion + links */
    f = audit("Follow me and subscribe to my channel!!! https://bit.ly/abcd "
              "https://bit.ly/efgh", LA_CLASS_TOXIC);
    CHECK(f != NULL && f->suggested == LA_CLASS_UNKNOWN);

    /* empty rows are left to EMPTY_TEXT */
    CHECK(audit("   ", LA_CLASS_SPAM) == NULL);
    CHECK(la_result_find(&row.r, LA_R_EMPTY_TEXT) != NULL);

    /* --task spam forces the label audit even for unknown labels */
    opt.task = LA_TASK_SPAM;
    CHECK(audit("see you later", LA_CLASS_UNKNOWN) == NULL);
    opt.task = LA_TASK_AUTO;

    la_text_free(&txt);
    la_dict_cache_free(cache);
    la_dict_free(dict);
    la_lexicon_free(lex);
    return UNIT_DONE();
}
