/*
 * test_tokenize.c - token types, spans and flags (src/tokenize.c): words
 * with leet and masks, the "@ss" rule, URLs, e-mails, mentions, hashtags,
 * numbers, emoji graphemes, CJK chunking, quotes, original spans.
 */
#include <stdlib.h>
#include <string.h>

#include "la_common.h"
#include "la_text.h"
#include "unit.h"

static la_text T;
static const char *const type_names[] = {
    "word", "number", "url", "email", "mention", "hashtag", "emoji",
    "punct", "symbol", "cjk",
};

static void run(const char *s)
{
    la_text_normalize(&T, s, strlen(s));
    la_text_tokenize(&T);
}

/* Renders the tokens as "type:text type:text ..." (normalized text). */
static const char *render(const char *s)
{
    static char out[4096];
    size_t o = 0;
    run(s);
    out[0] = '\0';
    for (size_t i = 0; i < T.ntok && o < sizeof out - 100; i++) {
        const la_token *k = &T.tok[i];
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s:%.*s", i ? " " : "",
                              type_names[k->type], (int)(k->nend - k->nstart), T.norm + k->nstart);
    }
    return out;
}

/* Every token's spans are in range and ordered, and its original span
 * slices the original bytes the normalized token came from. */
static int spans_ok(const char *s)
{
    size_t n = strlen(s);
    run(s);
    uint32_t last = 0, nlast = 0;
    for (size_t i = 0; i < T.ntok; i++) {
        const la_token *k = &T.tok[i];
        if (k->nstart >= k->nend || k->nend > T.norm_len || k->nstart < nlast) return 0;
        if (k->start > k->end || k->end > n || k->start < last) return 0;
        if (k->start != T.map[k->nstart] || k->end != T.map[k->nend]) return 0;
        last = k->end;
        nlast = k->nend;
    }
    return 1;
}

#define TOKS(in, want) CHECK_STR(render(in), want)

int main(void)
{
    la_text_init(&T);

    /* words: apostrophes, hyphens, leet digits and mask symbols */
    TOKS("Don't stop, I'm x-ray", "word:don't word:stop punct:, word:i'm word:x-ray");
    TOKS("sh1t b!tch $hit f*ck f**k sh*t f#@k a$$ f***",
         "word:sh1t word:b!tch word:$hit word:f*ck word:f**k word:sh*t word:f#@k word:a$$ word:f***");
    TOKS("bitch! wow!!! what?!", "word:bitch punct:! word:wow punct:!!! word:what punct:?!");
    TOKS("*really* 'quoted'", "punct:* word:really punct:* punct:' word:quoted punct:'");
    TOKS("f-u-c-k f.u.c.k", "word:f-u-c-k word:f punct:. word:u punct:. word:c punct:. word:k");
    TOKS("2nd 4chan 1,000.50 3.14 $100 100%",
         "word:2nd word:4chan number:1,000.50 number:3.14 symbol:$ number:100 number:100 punct:%");

    /* the "@ss" rule: @ + two of s $ 5 is a leet word, else a mention */
    TOKS("@ss @$$ @sshole @bob @john_doe @ann",
         "word:@ss word:@$$ word:@sshole mention:@bob mention:@john_doe mention:@ann");
    TOKS("#blessed #1 #", "hashtag:#blessed punct:# number:1 punct:#");

    /* URLs and e-mails */
    TOKS("see https://example.com/a?b=1). ok",
         "word:see url:https://example.com/a?b=1 punct:) punct:. word:ok");
    TOKS("www.example.org bit.ly/abc example.com, x.y",
         "url:www.example.org url:bit.ly/abc url:example.com punct:, word:x punct:. word:y");
    TOKS("this.is e.g. hello.world", "word:this punct:. word:is word:e punct:. word:g punct:. word:hello punct:. word:world");
    TOKS("(a.b.example.com) x.example.com.", "punct:( url:a.b.example.com punct:) url:x.example.com punct:.");
    /* a link starts a run: inside a dotted run nothing is re-tried */
    TOKS("a.b.c.com", "url:a.b.c.com");
    TOKS("x.y.z.w", "word:x punct:. word:y punct:. word:z punct:. word:w");
    TOKS("mail bob.smith@mail.example.co.uk now",
         "word:mail email:bob.smith@mail.example.co.uk word:now");

    /* emoji: one token per grapheme cluster */
    TOKS("ok\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7\xf0\x9f\x87\xba\xf0\x9f\x87\xb8\xf0\x9f\x87\xab\xf0\x9f\x87\xb7",
         "word:ok emoji:\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd emoji:\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 emoji:\xf0\x9f\x87\xba\xf0\x9f\x87\xb8 emoji:\xf0\x9f\x87\xab\xf0\x9f\x87\xb7");
    TOKS("1\xef\xb8\x8f\xe2\x83\xa3 \xe2\x9d\xa4\xef\xb8\x8f", "emoji:1\xe2\x83\xa3 emoji:\xe2\x9d\xa4");
    TOKS("\xc2\xa3" "5 \xe2\x82\xac \xc2\xa9", "symbol:\xc2\xa3 number:5 symbol:\xe2\x82\xac symbol:\xc2\xa9");

    /* CJK: split at script changes and every 16 code points */
    TOKS("\xe6\xad\xbb\xe3\x81\xad\xe3\x83\x90\xe3\x82\xab\xe3\x80\x81\xe3\x81\x99\xe3\x81\x94\xe3\x83\xbc\xe3\x81\x84",
         "cjk:\xe6\xad\xbb cjk:\xe3\x81\xad cjk:\xe3\x83\x90\xe3\x82\xab punct:\xe3\x80\x81 cjk:\xe3\x81\x99\xe3\x81\x94\xe3\x83\xbc\xe3\x81\x84");
    {
        char buf[3 * 40 + 1];
        for (int i = 0; i < 40; i++) memcpy(buf + 3 * i, "\xe3\x81\x82", 3); /* あ x 40 */
        buf[120] = '\0';
        run(buf);
        CHECK_INT(T.ntok, 3);
        CHECK_INT(T.tok[0].nend - T.tok[0].nstart, 16 * 3);
        CHECK_INT(T.tok[1].nstart, T.tok[0].nend);
        CHECK_INT(T.tok[2].nend - T.tok[2].nstart, 8 * 3);
        CHECK(T.tok[1].type == LA_TOK_CJK && !(T.tok[1].flags & LA_TOKF_SPACE));
    }
    TOKS("\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5", /* Thai สวัสดี */
         "cjk:\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5");
    TOKS("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 caf\xc3\xa9", "word:\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 word:cafe");

    /* a very long run is cut into bounded tokens */
    {
        size_t n = 1000;
        char *buf = malloc(n + 1);
        memset(buf, 'a', n);
        buf[n] = '\0';
        run(buf);
        CHECK_INT(T.ntok, 16);
        CHECK_INT(T.tok[0].nend, 64);
        CHECK(spans_ok(buf));
        free(buf);
    }

    /* flags: case from the ORIGINAL text, space, newline, non-ASCII,
     * digit, symbol */
    run("Hello WORLD I ok\n\xef\xbc\xa9\xef\xbc\xa4\xef\xbc\xa9\xef\xbc\xaf\xef\xbc\xb4 sh1t f*ck");
    CHECK_INT(T.ntok, 7);
    CHECK_INT(T.tok[0].flags, LA_TOKF_CAPITAL);
    CHECK_INT(T.tok[1].flags, LA_TOKF_SPACE | LA_TOKF_CAPITAL | LA_TOKF_ALLCAPS);
    CHECK_INT(T.tok[2].flags, LA_TOKF_SPACE | LA_TOKF_CAPITAL);
    CHECK_INT(T.tok[3].flags, LA_TOKF_SPACE);
    CHECK_INT(T.tok[4].flags, LA_TOKF_SPACE | LA_TOKF_NEWLINE | LA_TOKF_NONASCII |
                              LA_TOKF_CAPITAL | LA_TOKF_ALLCAPS);
    CHECK_INT(T.tok[5].flags, LA_TOKF_SPACE | LA_TOKF_DIGIT);
    CHECK_INT(T.tok[6].flags, LA_TOKF_SPACE | LA_TOKF_SYMBOL);

    /* quotes: pairs only */
    run("he said \"you idiot\" and \"left");
    CHECK_INT(T.ntok, 9);
    CHECK(!(T.tok[1].flags & LA_TOKF_QUOTED));
    CHECK(T.tok[3].flags & LA_TOKF_QUOTED);
    CHECK(T.tok[4].flags & LA_TOKF_QUOTED);
    CHECK(!(T.tok[5].flags & LA_TOKF_QUOTED));
    CHECK(!(T.tok[6].flags & LA_TOKF_QUOTED));
    CHECK(!(T.tok[8].flags & LA_TOKF_QUOTED));
    run("\xe2\x80\x9c" "bad\xe2\x80\x9d \xe3\x80\x8c\xe6\xad\xbb\xe3\x81\xad\xe3\x80\x8d");
    CHECK(T.tok[1].flags & LA_TOKF_QUOTED);
    CHECK(T.tok[5].flags & LA_TOKF_QUOTED);

    /* original spans slice the original bytes */
    {
        const char *s = "Caf\xc3\xa9 fu\xe2\x80\x8d" "ck \xef\xbc\xa6\xef\xbc\xb5 \xf0\x9d\x90\x9f" "x";
        run(s);
        CHECK_INT(T.ntok, 4);
        CHECK_INT(T.tok[0].start, 0);
        CHECK_INT(T.tok[0].end, 5);                  /* "Café" */
        CHECK_INT(T.tok[1].start, 6);
        CHECK_INT(T.tok[1].end, 13);                 /* "fu\u200dck" */
        CHECK_INT(T.tok[2].start, 14);
        CHECK_INT(T.tok[2].end, 20);                 /* "ＦＵ" */
        CHECK_INT(T.tok[3].start, 21);
        CHECK_INT(T.tok[3].end, 26);                 /* "𝐟x" */
        CHECK(spans_ok(s));
        CHECK(spans_ok("a\xff\xfe b \xe2\x80\x8b\xe2\x80\x8b c\xcc\x81\xcc\x81 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd!"));
        CHECK(spans_ok(""));
        CHECK_INT(T.ntok, 0);
    }

    la_text_free(&T);
    return UNIT_DONE();
}
