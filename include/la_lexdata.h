/*
 * la_lexdata.h - lexicon internals shared by src/lexicon.c, src/match.c and
 * the generated build/lexicons_data.c; not part of the public API.
 *
 * build/lexicons_data.c (written at build time by src/tools/embed.c from
 * the shipped lexicon files) defines the table of built-in files, which
 * la_lexicon_load(NULL, ...) parses. The lookup functions below read the
 * tables la_lexicon_compile built; they return id arrays borrowed from the
 * lexicon, ascending, valid until it is freed.
 */
#ifndef LA_LEXDATA_H
#define LA_LEXDATA_H

#include <stddef.h>
#include <stdint.h>

struct la_embedded_file {
    const char *name;  /* base file name, e.g. "profanity.en.tsv" */
    const char *data;  /* the file's bytes (NUL-terminated for convenience) */
    size_t len;        /* number of bytes, without the terminating NUL */
};

extern const struct la_embedded_file la_embedded_lexicons[];
extern const size_t la_embedded_lexicons_count;

struct la_lexicon;

/* Terms whose first normalized token is key (every non-substring term). */
size_t la_lexicon_lookup(const struct la_lexicon *lex, const char *key, size_t n,
                         const uint32_t **ids);
/* Single-token profanity/slur/insult terms without noobfusc whose
 * normalized form is len bytes long and starts with byte first. */
size_t la_lexicon_mask_candidates(const struct la_lexicon *lex, size_t len,
                                  unsigned char first, const uint32_t **ids);
/* Substring terms whose normalized form starts with the code point cp
 * (its UTF-8 bytes). */
size_t la_lexicon_substring_candidates(const struct la_lexicon *lex, const char *cp,
                                       size_t cplen, const uint32_t **ids);
/* 1 when some substring term is not in a CJK script (then word tokens are
 * searched for substrings too). */
int la_lexicon_has_latin_substring(const struct la_lexicon *lex);
/* A digest of the compiled lexicon's terms (normalized forms, kinds,
 * flags): two lexicons with the same digest match alike. Lets a thread's
 * match memo tell a new lexicon from an old one at the same address. */
uint64_t la_lexicon_digest(const struct la_lexicon *lex);
/* 1 for code points of scripts written without spaces between words
 * (kana, Han, Hangul, Thai, Lao, Myanmar, Khmer). */
int la_cp_is_cjk(int32_t c);

#endif
