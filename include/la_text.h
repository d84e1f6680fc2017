/*
 * la_text.h - the text layer every detector stands on: normalization with
 * an offset map back to the original bytes, tokens with byte spans,
 * lexicons, de-obfuscating lexicon matching and the hunspell dictionary.
 *
 * Implemented by src/normalize.c, src/tokenize.c, src/lexicon.c,
 * src/match.c and src/dict.c.
 *
 * One la_text is scratch space owned by one thread and reused from row to
 * row: la_text_analyze() overwrites the previous row's results without
 * freeing, so steady state does no allocation. The original text is
 * borrowed and must outlive the la_text's use for that row.
 */
#ifndef LA_TEXT_H
#define LA_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ---- lexicon terms ------------------------------------------------------- */

/* Kinds of lexicon entries (the second TSV column). Never renumber. */
typedef enum la_kind {
    LA_KIND_PROFANITY = 0,
    LA_KIND_SLUR,
    LA_KIND_INSULT,
    LA_KIND_THREAT,        /* threats and violent wishes ("i will kill") */
    LA_KIND_DEHUMANIZING,  /* "vermin", "animals", "subhuman" predicates */
    LA_KIND_IDENTITY,      /* protected-group terms ("muslims", "gay") */
    LA_KIND_POSITIVE,      /* praise, affection, positive emoji */
    LA_KIND_NEGATIVE,      /* anger, contempt ("hate", "disgusting") */
    LA_KIND_NEGATION,      /* "not", "never", "no one", "don't" */
    LA_KIND_REPORTING,     /* quotation and counter-speech cues */
    LA_KIND_SECOND_PERSON, /* "you", "ur", "u", "your" */
    LA_KIND_FIRST_PERSON,  /* "i", "i'm", "me", "myself", "my" */
    LA_KIND_THIRD_PERSON,  /* "he", "she", "they", "them" */
    LA_KIND_PERSON,        /* person nouns: "guy", "woman", "people" */
    LA_KIND_GROUP,         /* non-protected groups: "fans", "politicians" */
    LA_KIND_OBJECT,        /* things and situations: "printer", "traffic" */
    LA_KIND_INTENSIFIER,   /* "so", "really", "totally" */
    LA_KIND_VIOLENCE,      /* violent verbs used by threat patterns */
    LA_KIND_SPAM_PHRASE,
    LA_KIND_ALLOW,         /* innocent words that contain or resemble terms */
    LA_KIND__COUNT
} la_kind;

const char *la_kind_name(la_kind k);            /* "profanity", ... */
int la_kind_parse(const char *s, size_t n);     /* -1 when unknown */

typedef enum la_severity {
    LA_SEV_NONE = 0, LA_SEV_MILD, LA_SEV_MODERATE, LA_SEV_STRONG
} la_severity;

const char *la_severity_name(la_severity s);    /* NULL for NONE */

/* Term flags (the fifth TSV column, comma separated names). */
enum {
    LA_TF_HOMONYM    = 1u << 0, /* "homonym": has innocent senses */
    LA_TF_RECLAIMED  = 1u << 1, /* "reclaimed": in-group use is common */
    LA_TF_NOINFLECT  = 1u << 2, /* "noinflect": match the exact form only */
    LA_TF_SUBSTRING  = 1u << 3, /* "substring": match inside runs of text
                                   (scripts written without spaces) */
    LA_TF_ATTACK     = 1u << 4, /* "attack": an attack on its own ("kys") */
    LA_TF_NOOBFUSC   = 1u << 5  /* "noobfusc": never de-obfuscate (short
                                   or ambiguous forms like "ass") */
};

typedef struct la_term {
    const char *term;      /* the term as written in the file */
    const char *norm;      /* its normalized form (what is matched) */
    const char *category;  /* third column, "" when empty */
    const char *lang;      /* from the file name: "en", "ja", ... */
    const char *source;    /* file name, for --explain */
    uint32_t id;           /* dense index 0..n-1 within the lexicon */
    uint8_t kind;          /* la_kind */
    uint8_t severity;      /* la_severity */
    uint16_t flags;        /* LA_TF_* */
    uint8_t ntok;          /* number of word tokens in norm */
} la_term;

typedef struct la_lexicon la_lexicon;

/* Loads the lexicons: the built-in set when dir is NULL, else every *.tsv
 * file in dir; then each file of files (NULL-terminated, may be NULL) on
 * top. Returns NULL on failure with "FILE:LINE: message" in err. */
la_lexicon *la_lexicon_load(const char *dir, const char *const *files,
                            char *err, size_t errlen);
/* An empty lexicon, for la_lexicon_add_buffer. */
la_lexicon *la_lexicon_new(void);
/* Parses one TSV file's bytes (name gives the language and diagnostics).
 * Returns LA_OK or LA_ELEXICON with "NAME:LINE: message" in err. */
int la_lexicon_add_buffer(la_lexicon *lex, const char *name, const char *data,
                          size_t len, char *err, size_t errlen);
/* Builds the lookup tables; call once after the last add. */
void la_lexicon_compile(la_lexicon *lex);
size_t la_lexicon_size(const la_lexicon *lex);
const la_term *la_lexicon_term(const la_lexicon *lex, uint32_t id);
void la_lexicon_free(la_lexicon *lex);

/* ---- dictionary ------------------------------------------------------------ */

typedef struct la_dict la_dict;             /* shared, thread-safe */
typedef struct la_dict_cache la_dict_cache; /* one per thread */

/* Opens base.aff/base.dic; base NULL searches the usual system paths for
 * en_US. Returns NULL with a message in err when none loads. */
la_dict *la_dict_open(const char *base, char *err, size_t errlen);
const char *la_dict_path(const la_dict *d);
void la_dict_free(la_dict *d);

la_dict_cache *la_dict_cache_new(void);
void la_dict_cache_free(la_dict_cache *c);
/* 1 when the word (normalized UTF-8) is a dictionary word, else 0. The
 * cache guarantees the same word is never looked up twice in hunspell by
 * one thread. d may be NULL (then always 0). */
int la_dict_check(la_dict *d, la_dict_cache *c, const char *w, size_t n);
/* Looks up and counts cache hits/misses for the summary. */
void la_dict_cache_stats(const la_dict_cache *c, uint64_t *hits, uint64_t *misses);

/* ---- tokens and matches ----------------------------------------------------- */

typedef enum la_tok_type {
    LA_TOK_WORD = 0,  /* letters, apostrophes, inner hyphens, leet digits */
    LA_TOK_NUMBER,
    LA_TOK_URL,
    LA_TOK_EMAIL,
    LA_TOK_MENTION,   /* @name */
    LA_TOK_HASHTAG,   /* #tag */
    LA_TOK_EMOJI,     /* one emoji grapheme (with modifiers, ZWJ sequences) */
    LA_TOK_PUNCT,
    LA_TOK_SYMBOL,    /* currency and other symbols */
    LA_TOK_CJK        /* a run of a script written without spaces; matches
                         of LA_TF_SUBSTRING terms are found inside it */
} la_tok_type;

enum {
    LA_TOKF_ALLCAPS   = 1u << 0, /* >= 2 letters, all upper case */
    LA_TOKF_CAPITAL   = 1u << 1, /* first letter upper case */
    LA_TOKF_SPACE     = 1u << 2, /* whitespace precedes the token */
    LA_TOKF_NONASCII  = 1u << 3, /* original bytes were not pure ASCII */
    LA_TOKF_DIGIT     = 1u << 4, /* a word token containing digits */
    LA_TOKF_SYMBOL    = 1u << 5, /* a word token containing @$!*#... */
    LA_TOKF_QUOTED    = 1u << 6, /* inside quotation marks */
    LA_TOKF_NEWLINE   = 1u << 7  /* a line break precedes the token */
};

typedef struct la_token {
    uint32_t start, end;   /* bytes in the original text */
    uint32_t nstart, nend; /* bytes in la_text.norm */
    uint8_t type;          /* la_tok_type */
    uint8_t flags;         /* LA_TOKF_* */
} la_token;

/* How a match was seen (bits; 0 = exactly as in the lexicon, up to case). */
enum {
    LA_HOW_LEET       = 1u << 0, /* sh1t, @ss, $hit */
    LA_HOW_REPEAT     = 1u << 1, /* fuuuck */
    LA_HOW_SEPARATOR  = 1u << 2, /* f.u.c.k, f u c k */
    LA_HOW_MASK       = 1u << 3, /* f*ck, f**k */
    LA_HOW_CONFUSABLE = 1u << 4, /* Cyrillic/Greek/fullwidth look-alikes */
    LA_HOW_INFLECTION = 1u << 5, /* fuckers, fucking */
    LA_HOW_DIACRITIC  = 1u << 6, /* accents stripped */
    LA_HOW_INVISIBLE  = 1u << 7, /* zero-width or soft hyphen removed */
    LA_HOW_SUBSTRING  = 1u << 8  /* inside a run of CJK text */
};

/* Writes "exact" or "leet+repeat"... into out (NUL-terminated). */
void la_how_string(unsigned how, char *out, size_t outlen);

typedef struct la_match {
    uint32_t start, end;   /* bytes in the original text */
    uint32_t tok, ntok;    /* first token index and token count */
    const la_term *term;   /* borrowed from the lexicon */
    uint16_t how;          /* LA_HOW_* */
} la_match;

typedef struct la_text {
    const char *orig; size_t orig_len; /* borrowed */
    char *norm; size_t norm_len;       /* normalized text, NUL-terminated */
    uint32_t *map;      /* map[i]: original offset of normalized byte i;
                           map[norm_len] == orig_len. Always filled. */
    int ascii;          /* the original was pure ASCII (fast path taken) */
    unsigned norm_how;  /* LA_HOW_CONFUSABLE/DIACRITIC/INVISIBLE bits seen */
    la_token *tok; size_t ntok;
    la_match *m; size_t nm;            /* sorted by start, then term id */
    size_t norm_cap, map_cap, tok_cap, m_cap; /* scratch capacities */
    struct la_match_memo *memo;        /* de-obfuscation results by word
                                          (src/match.c), NULL until used */
} la_text;

void la_text_init(la_text *t);
void la_text_free(la_text *t);

/* Normalization: NFKC, case fold, default-ignorables removed, diacritics
 * stripped, confusables folded to Latin. Fills norm, map, ascii, norm_how.
 * Pure-ASCII input takes a fast path (lower-casing only). */
void la_text_normalize(la_text *t, const char *s, size_t n);
/* Tokenizes t->norm into t->tok (spans mapped back to the original). */
void la_text_tokenize(la_text *t);
/* Finds lexicon matches over the tokens, de-obfuscating. dict (may be
 * NULL) decides whether a candidate is a genuine dictionary word. */
void la_text_match(la_text *t, const la_lexicon *lex, la_dict *dict,
                   la_dict_cache *cache);
/* All three in order. */
void la_text_analyze(la_text *t, const la_lexicon *lex, la_dict *dict,
                     la_dict_cache *cache, const char *s, size_t n);

/* Normalizes a standalone string (as lexicon terms are). Returns a
 * malloc'd NUL-terminated string the caller frees; *outlen gets its length. */
char *la_normalize_dup(const char *s, size_t n, size_t *outlen);

#endif
