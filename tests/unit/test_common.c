/*
 * test_common.c - buffers, JSON string escaping, score printing, arena,
 * hashing, UTF-8 validation, comma lists, label mapping and record
 * parsing (the pieces under every module).
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "la_common.h"
#include "la_labels.h"
#include "la_record.h"
#include "unit.h"

static void piece(const char *p, size_t n, void *ud)
{
    la_buf *b = ud;
    la_buf_add(b, p, n);
    la_buf_addc(b, '|');
}

static int parse(const char *line, la_row *row, la_arena *ar, const la_options *o,
                 const la_labelmap *m)
{
    memset(row, 0, sizeof *row);
    row->raw = line;
    row->raw_len = strlen(line);
    row->r.line = 7;
    int rc = la_record_parse(row, o, m, ar);
    if (row->json) cJSON_Delete(row->json);
    row->json = NULL;
    return rc;
}

int main(void)
{
    la_buf b;
    la_buf_init(&b);
    la_buf_add_json_str(&b, "a\"b\\c\n\x01\xff", 8);
    CHECK_STR(b.p, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\"");
    la_buf_reset(&b);
    la_buf_add_score(&b, 0.87);  la_buf_addc(&b, ' ');
    la_buf_add_score(&b, 1.0);   la_buf_addc(&b, ' ');
    la_buf_add_score(&b, 0.0);   la_buf_addc(&b, ' ');
    la_buf_add_score(&b, 0.123456);
    CHECK_STR(b.p, "0.87 1 0 0.1235");
    la_buf_reset(&b);
    CHECK_INT(la_split_commas(" a, b ,,c ", piece, &b), 3);
    CHECK_STR(b.p, "a|b|c|");
    la_buf_free(&b);

    la_arena ar;
    la_arena_init(&ar, 64);
    char *s = la_arena_strndup(&ar, "hello", 5);
    void *big = la_arena_alloc(&ar, 1000);
    CHECK_STR(s, "hello");
    CHECK(((uintptr_t)big & 7) == 0);
    la_arena_reset(&ar);
    CHECK(la_arena_alloc(&ar, 8) != NULL);

    CHECK(la_hash64("abc", 3, 1) == la_hash64("abc", 3, 1));
    CHECK(la_hash64("abc", 3, 1) != la_hash64("abd", 3, 1));
    CHECK(la_hash64("abc", 3, 1) != la_hash64("abc", 3, 2));

    size_t bad = 0;
    CHECK(la_utf8_check("caf\xC3\xA9", 5, &bad));
    CHECK(!la_utf8_check("ab\xED\xA0\x80", 5, &bad));   /* surrogate */
    CHECK_INT(bad, 2);
    CHECK(!la_utf8_check("\xC0\xAF", 2, &bad));         /* overlong */
    CHECK(!la_utf8_check("x\xE2\x82", 3, &bad));        /* truncated */
    CHECK_INT(bad, 1);
    char enc[4];
    int32_t cp;
    CHECK_INT(la_utf8_encode(0x1F600, enc), 4);
    CHECK_INT(la_utf8_decode((unsigned char *)enc, 4, &cp), 4);
    CHECK_INT(cp, 0x1F600);

    la_options o;
    la_options_init(&o);
    la_labelmap *m = la_labelmap_new(&o);
    CHECK_INT(la_labelmap_lookup(m, "Not Toxic", 9), LA_CLASS_NON_TOXIC);
    CHECK_INT(la_labelmap_lookup(m, "OFF", 3), LA_CLASS_TOXIC);
    CHECK_INT(la_labelmap_lookup(m, "hate-speech", 11), LA_CLASS_TOXIC);
    CHECK_INT(la_labelmap_lookup(m, "ham", 3), LA_CLASS_HAM);
    CHECK_INT(la_labelmap_lookup(m, "maybe", 5), LA_CLASS_UNKNOWN);
    CHECK_INT(la_row_task(&o, LA_CLASS_SPAM), LA_TASK_SPAM);
    CHECK_INT(la_row_task(&o, LA_CLASS_NON_TOXIC), LA_TASK_TOXICITY);

    la_row row;
    CHECK_INT(parse("{\"id\":\"x\",\"text\":\"hi\",\"label\":1}", &row, &ar, &o, m), LA_OK);
    CHECK_INT(row.r.label_class, LA_CLASS_TOXIC);
    CHECK_INT(row.r.id_len, 1);
    CHECK_INT(parse("{\"text\":\"hi\",\"label\":false}", &row, &ar, &o, m), LA_OK);
    CHECK_INT(row.r.label_class, LA_CLASS_NON_TOXIC);
    CHECK_STR(row.r.id, "7");                                  /* line number */
    CHECK(row.r.id_is_number);
    CHECK_INT(parse("{\"text\":\"hi\"}", &row, &ar, &o, m), LA_ENOLABEL);
    CHECK_INT(parse("{\"label\":1}", &row, &ar, &o, m), LA_ENOTEXT);
    CHECK_INT(parse("{\"text\":3,\"label\":1}", &row, &ar, &o, m), LA_ETEXTTYPE);
    CHECK_INT(parse("[1]", &row, &ar, &o, m), LA_ENOTOBJ);
    CHECK_INT(parse("{\"text\":\"a\",\"label\":1} x", &row, &ar, &o, m), LA_EJSON);
    CHECK_INT(row.err_byte, 23);
    CHECK_INT(parse("{\"text\":\"a\\u0000b\",\"label\":1}", &row, &ar, &o, m), LA_ENUL);
    o.text_path = "meta.body";
    CHECK_INT(parse("{\"meta\":{\"body\":\"deep\"},\"label\":\"spam\"}", &row, &ar, &o, m), LA_OK);
    CHECK_INT(row.r.text_len, 4);

    la_options custom;
    la_options_init(&custom);
    custom.toxic_values = "yes";
    custom.clean_values = "no";
    la_labelmap *m2 = la_labelmap_new(&custom);
    CHECK_INT(la_labelmap_lookup(m2, "YES", 3), LA_CLASS_TOXIC);
    CHECK_INT(la_labelmap_lookup(m2, "1", 1), LA_CLASS_UNKNOWN);   /* table replaced */
    la_labelmap_free(m2);
    la_labelmap_free(m);
    la_arena_free(&ar);

    CHECK_STR(la_reason_name(LA_R_MODEL_DISAGREES), "MODEL_DISAGREES");
    CHECK_INT(la_reason_parse("label_conflict", 14), LA_R_LABEL_CONFLICT);
    CHECK_INT(la_reason_parse("NOPE", 4), -1);
    CHECK_STR(la_error_kind(LA_EJSON), "invalid_json");
    return UNIT_DONE();
}
