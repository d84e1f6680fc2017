/*
 * gencorpus.c - writes a deterministic synthetic labeled dataset (JSON
 * Lines) for the demo, the regression corpus and the benchmark.
 *
 *   gencorpus [--rows N] [--seed S] [--task toxicity|spam] [--annotations]
 *             [--variety]
 *
 * Every row is composed from the project's own templates and word lists
 * (nothing comes from any third-party dataset). The mix is realistic for
 * a quickly-labeled moderation set: mostly clean rows, profanity used in
 * praise or at objects (some labeled toxic, as hurried labelers do),
 * genuine insults and threats (some labeled non-toxic by mistake),
 * identity terms in neutral statements, obfuscated spellings, spam,
 * keyboard mashing, empty texts, exact and lightly edited duplicates
 * (some with the other label), contrast pairs, non-ASCII text and, with
 * --annotations, per-annotator judgments with a few disagreeing rows.
 * --variety appends made-up words to most rows, for large benchmark
 * corpora that should not be a few templates repeated.
 * The output depends only on the arguments (splitmix64 PRNG).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitmix.h"

static const char *food[] = { "pizza", "burger", "soup", "cake", "coffee", "taco", "ramen", "salad", "pie", "curry" };
static const char *posadj[] = { "amazing", "delicious", "incredible", "perfect", "awesome", "beautiful", "great", "brilliant" };
static const char *negadj[] = { "boring", "late", "broken", "slow", "cold", "expensive", "useless", "annoying" };
static const char *object[] = { "printer", "laptop", "traffic", "weather", "bus", "wifi", "phone", "game", "update", "movie" };
static const char *activity[] = { "a long run", "my homework", "the dishes", "a new book", "my shift", "the marathon", "a puzzle", "band practice" };
static const char *thing[] = { "keys", "wallet", "umbrella", "charger", "lunch", "password", "headphones" };
static const char *name[] = { "Maria", "James", "Aiko", "Tom", "Priya", "Lucas", "Fatima", "Chen", "Olga", "Sam" };
static const char *place[] = { "the park", "the office", "school", "the gym", "the beach", "downtown", "the library" };
static const char *prof[] = { "fucking", "damn", "freaking", "bloody", "goddamn" };
static const char *insult[] = { "idiot", "moron", "loser", "clown", "stupid bitch", "pathetic loser", "dumbass" };
static const char *identity[] = { "gay", "muslim", "jewish", "black", "trans", "catholic", "deaf", "immigrant" };
static const char *identity_pl[] = { "Muslims", "Jewish families", "Black artists", "trans people", "Catholics", "immigrants", "gay couples" };
static const char *event[] = { "Eid", "Hanukkah", "a festival", "Pride", "Easter", "their heritage month", "the new year" };
static const char *vermin[] = { "vermin", "rats", "cockroaches", "parasites", "animals" };
static const char *violence[] = { "hurt", "kill", "beat", "stab" };
static const char *prize[] = { "iPhone", "cash prize", "holiday", "gift card", "laptop" };
static const char *mash[] = { "fdfdsgsfgasgfga", "asdkjhqwpoei zmxnvb", "qwqwqwrtrtrt", "jkjkjklhlhlh dfgdfg", "xcvxcvxcv bnmbnm" };
static const char *empty[] = { "", "   ", "!!!", "...", "\\ud83d\\ude02\\ud83d\\ude02\\ud83d\\ude02", "?!" };
static const char *obf[] = { "f*ck", "sh1t", "fuuuuck", "f u c k", "b!tch", "a$$hole", "sh*t" };
static const char *ja_clean[] = { "今日はいい天気ですね", "ありがとうございます、とても嬉しいです", "明日また会いましょう" };
static const char *ja_toxic[] = { "お前なんか死ね", "本当にうざいし、きもい", "バカじゃないの" };
static const char *fr_clean[] = { "Je suis tr\\u00e8s content de te voir demain", "Merci beaucoup pour ton aide" };
static const char *ham_text[] = { "Are we still meeting at {P} later?", "Ok I'll call you when I get home", "Can you pick up {T} on your way?", "Running late, see you in 10 mins", "Happy birthday {N}! Hope you have a great day", "Did you finish {A}?" };
static const char *spam_text[] = { "WINNER! You have been selected to receive a {Z}. Call 09061234567 now to claim", "Click here http://bit.ly/3xYz to claim your FREE {Z} today!!!", "URGENT: your account has won \\u00a31000 cash. Text WIN to 80086 to collect", "Subscribe to my channel and check out my new videos http://tinyurl.com/abc123", "Congratulations! You won a {Z}. Reply YES to 85023 now. T&C apply" };

typedef struct row {
    char text[512];
    int toxic;          /* the label written */
} row;

static char *fill(char *out, size_t cap, const char *tpl)
{
    size_t n = 0;
    for (const char *p = tpl; *p && n + 1 < cap; p++) {
        const char *w = NULL;
        if (p[0] == '{' && p[1] && p[2] == '}') {
            switch (p[1]) {
            case 'F': w = ONE(food); break;
            case 'G': w = ONE(posadj); break;
            case 'B': w = ONE(negadj); break;
            case 'O': w = ONE(object); break;
            case 'A': w = ONE(activity); break;
            case 'T': w = ONE(thing); break;
            case 'N': w = ONE(name); break;
            case 'P': w = ONE(place); break;
            case 'X': w = ONE(prof); break;
            case 'I': w = ONE(insult); break;
            case 'D': w = ONE(identity); break;
            case 'L': w = ONE(identity_pl); break;
            case 'E': w = ONE(event); break;
            case 'V': w = ONE(vermin); break;
            case 'K': w = ONE(violence); break;
            case 'Z': w = ONE(prize); break;
            case 'H': w = ONE(obf); break;
            }
        }
        if (w) {
            size_t k = strlen(w);
            if (n + k >= cap) break;
            memcpy(out + n, w, k);
            n += k;
            p += 2;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

static const char *clean_tpl[] = {
    "Just finished {A} and it felt {G}", "The {F} at {P} was {G} today",
    "Meeting {N} at {P} tomorrow, can't wait", "My {O} is so {B} this morning",
    "Does anyone know a good place for {F} near {P}?", "Thanks {N}, that was really kind of you",
    "I think the {O} needs another update", "Lost my {T} again, classic Monday",
    "Watching a documentary about {A} tonight", "{N} made the best {F} I have ever had",
};
static const char *posprof_tpl[] = {
    "This {F} is {X} {G}!", "You {X} rock {N}, so proud of you", "That was {X} {G}, best day ever",
    "Holy shit this {F} is {G}", "{X} yes! We won the game!", "Damn, {N}, you look {G} today",
};
static const char *objprof_tpl[] = {
    "This {X} {O} never works", "The {O} is a piece of shit today", "Ugh the {O} is so {X} {B}",
    "Shit, I forgot my {T} at {P}",
};
static const char *self_tpl[] = { "I'm such a dumbass, forgot my {T} again", "I am an idiot, I locked myself out", "What a {X} day, I'm exhausted" };
static const char *attack_tpl[] = {
    "You are a {I}", "Shut up you {I}", "@{N} you are such a {I}", "Nobody likes you, you {I}",
    "{N} is a worthless {I}", "Go away, you {H} {I}",
};
static const char *threat_tpl[] = { "I will find you and {K} you", "I'm going to {K} you tomorrow", "Hope you die in a fire", "Watch your back, I know where you live" };
static const char *dehum_tpl[] = { "{L} are {V}", "All {L} are {V} and should leave" };
static const char *identity_tpl[] = { "I'm a proud {D} woman", "{L} celebrate {E} today", "My neighbor is {D} and she is lovely", "Great talk by a {D} engineer at the conference" };
static const char *counter_tpl[] = { "Stop calling people {I}s, it is not OK", "He called me a {I} and I reported him", "No one deserves to die like that" };

/* Appends a made-up word (and sometimes a number) so that a large corpus
 * is not a handful of templates repeated: real datasets are mostly
 * distinct texts with a realistic sprinkling of duplicates. */
static void add_variety(char *text, size_t cap)
{
    static const char *syl[] = { "ka", "lo", "mi", "ren", "to", "sa", "vel", "do", "ri", "ne", "po", "lu" };
    static const char *lead[] = { " with ", " says ", " via ", " - ", " cc ", " and " };
    char w[64];
    size_t k = 0;
    int n = 2 + pick(2);
    for (int i = 0; i < n; i++) k += (size_t)snprintf(w + k, sizeof w - k, "%s", ONE(syl));
    size_t len = strlen(text);
    if (chance(50)) snprintf(text + len, cap - len, "%s%s", ONE(lead), w);
    else snprintf(text + len, cap - len, "%s%s %d", ONE(lead), w, pick(1000));
}

static void json_escape_out(const char *s)
{
    for (; *s; s++) {
        if (*s == '"') fputs("\\\"", stdout);
        else if (*s == '\n') fputs("\\n", stdout);
        else putchar(*s);
    }
}

static void emit(long id, const char *text, const char *label, const char *annot)
{
    printf("{\"id\":\"r%06ld\",\"text\":\"", id);
    json_escape_out(text);
    printf("\",\"label\":\"%s\"", label);
    if (annot) printf(",\"annotations\":%s", annot);
    fputs("}\n", stdout);
}

/* Judgments for a row whose correct class is toxic (t=1) or not: usually
 * unanimous; sometimes a split vote or a label against the majority. */
static const char *annotations_for(int truth, int *label_toxic, char *buf, size_t cap)
{
    int n = 3 + pick(3), yes = truth ? n : 0;
    int r = pick(100);
    if (r < 8) yes = truth ? n - 1 : 1;             /* one dissenter */
    else if (r < 11 && n % 2 == 0) yes = n / 2;      /* a tie */
    else if (r < 14) *label_toxic = !truth;          /* label against the vote */
    size_t k = 0;
    buf[k++] = '[';
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s\"%s\"", i ? "," : "",
                              i < yes ? "toxic" : "non_toxic");
    snprintf(buf + k, cap - k, "]");
    return buf;
}

int main(int argc, char **argv)
{
    long rows = 300;
    uint64_t seed = 7;
    int spam_task = 0, with_annot = 0, variety = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rows") && i + 1 < argc) rows = atol(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--task") && i + 1 < argc) spam_task = !strcmp(argv[++i], "spam");
        else if (!strcmp(argv[i], "--annotations")) with_annot = 1;
        else if (!strcmp(argv[i], "--variety")) variety = 1;
        else { fprintf(stderr, "usage: gencorpus [--rows N] [--seed S] [--task toxicity|spam] [--annotations] [--variety]\n"); return 2; }
    }
    rng_state = seed;
    enum { RECENT = 64 };
    row recent[RECENT];
    int nrecent = 0;
    char text[512], annot[128];
    for (long id = 1; id <= rows; id++) {
        int truth = 0, label;
        int r = pick(1000);
        const char *ann = NULL;
        if (nrecent > 8 && r < 40) {
            /* a duplicate of a recent row: exact, or lightly edited; a third
             * of them carry the other label */
            row *src = &recent[pick(nrecent < RECENT ? nrecent : RECENT)];
            snprintf(text, sizeof text, "%s", src->text);
            if (r < 20 && text[0] >= 'a' && text[0] <= 'z') text[0] = (char)(text[0] - 32);
            else if (r < 20) strncat(text, "!", sizeof text - strlen(text) - 1);
            label = chance(33) ? !src->toxic : src->toxic;
            if (spam_task) emit(id, text, label ? "spam" : "ham", NULL);
            else emit(id, text, label ? "toxic" : "non_toxic", NULL);
            continue;
        }
        if (spam_task) {
            int is_spam = r < 170;
            fill(text, sizeof text, is_spam ? ONE(spam_text) : ONE(ham_text));
            label = chance(4) ? !is_spam : is_spam;
            emit(id, text, label ? "spam" : "ham", NULL);
        } else {
            if (r < 400) { fill(text, sizeof text, ONE(clean_tpl)); truth = 0; }
            else if (r < 520) { fill(text, sizeof text, ONE(posprof_tpl)); truth = 0; }
            else if (r < 580) { fill(text, sizeof text, ONE(objprof_tpl)); truth = 0; }
            else if (r < 610) { fill(text, sizeof text, ONE(self_tpl)); truth = 0; }
            else if (r < 700) { fill(text, sizeof text, ONE(attack_tpl)); truth = 1; }
            else if (r < 740) { fill(text, sizeof text, ONE(threat_tpl)); truth = 1; }
            else if (r < 765) { fill(text, sizeof text, ONE(dehum_tpl)); truth = 1; }
            else if (r < 820) { fill(text, sizeof text, ONE(identity_tpl)); truth = 0; }
            else if (r < 840) { fill(text, sizeof text, ONE(counter_tpl)); truth = 0; }
            else if (r < 870) { fill(text, sizeof text, ONE(spam_text)); truth = 0; }
            else if (r < 885) { snprintf(text, sizeof text, "%s", ONE(mash)); truth = 0; }
            else if (r < 897) { snprintf(text, sizeof text, "%s", ONE(empty)); truth = 0; }
            else if (r < 930) { snprintf(text, sizeof text, "%s", ONE(ja_clean)); truth = 0; }
            else if (r < 945) { snprintf(text, sizeof text, "%s", ONE(ja_toxic)); truth = 1; }
            else if (r < 965) { snprintf(text, sizeof text, "%s", ONE(fr_clean)); truth = 0; }
            else if (r < 980) { fill(text, sizeof text, "I hate {L}"); truth = 1; }
            else { fill(text, sizeof text, "I don't hate {L}, they are my friends"); truth = 0; }
            /* Hurried labelers: profanity and identity words pull labels to
             * toxic; a share of real attacks slips through as clean. */
            label = truth;
            if (!truth && r >= 400 && r < 610 && chance(45)) label = 1;
            else if (!truth && r >= 765 && r < 820 && chance(35)) label = 1;
            else if (truth && chance(15)) label = 0;
            else if (chance(2)) label = !label;
            if (variety && r < 840 && chance(70)) add_variety(text, sizeof text);
            if (with_annot && chance(40)) ann = annotations_for(truth, &label, annot, sizeof annot);
            emit(id, text, label ? "toxic" : "non_toxic", ann);
        }
        row *slot = &recent[nrecent % RECENT];
        snprintf(slot->text, sizeof slot->text, "%s", text);
        slot->toxic = label;
        nrecent++;
    }
    return fflush(stdout) != 0;
}
