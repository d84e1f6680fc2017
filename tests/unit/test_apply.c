/*
 * test_apply.c - the pieces `labelaudit apply` stands on: finding a
 * label's bytes in a raw line by the same path rules as the parser
 * (la_record_path_span against la_record_path), the calibration table
 * written and read back, and atomic output files. The command itself is
 * pinned by tests/cases/apply-*.case.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "unit.h"
#include "la_calibration.h"
#include "la_common.h"
#include "la_record.h"

/* The span found for path in line, as a string ("" when not found). */
static char *span(const char *line, const char *path)
{
    size_t a, z;
    if (!la_record_path_span(line, strlen(line), path, &a, &z)) return la_xstrdup("");
    return la_xstrndup(line + a, z - a);
}

/* The span agrees with the parser: the bytes found parse to the value
 * la_record_path returns. */
static void agrees(const char *line, const char *path)
{
    char *s = span(line, path);
    cJSON *root = cJSON_Parse(line[0] == '\xef' ? line + 3 : line);
    const cJSON *v = la_record_path(root, path);
    char *want = v ? cJSON_PrintUnformatted(v) : NULL;
    cJSON *got = *s ? cJSON_Parse(s) : NULL;
    char *got_s = got ? cJSON_PrintUnformatted(got) : NULL;
    if (!want) CHECK_STR(s, "");
    else CHECK_STR(got_s, want);
    cJSON_free(want);
    cJSON_free(got_s);
    cJSON_Delete(got);
    cJSON_Delete(root);
    free(s);
}

static void test_spans(void)
{
    char *s = span("{\"id\":1, \"label\" : \"toxic\" ,\"text\":\"x\"}", "label");
    CHECK_STR(s, "\"toxic\"");
    free(s);
    s = span("{\"label\":1e3}", "label");
    CHECK_STR(s, "1e3");                          /* the bytes as written */
    free(s);
    /* rules of la_record_path: the last duplicate, an exact dotted key
     * first, nested objects, strings holding braces, quotes and commas */
    const char *lines[][2] = {
        { "{\"label\":\"a\",\"label\":\"b\"}", "label" },
        { "{\"meta\":{\"label\":0},\"meta.label\":1}", "meta.label" },
        { "{\"meta\":{\"x\":[1,{\"y\":\"}\"}],\"label\":\"n\\\"o,}\"}}", "meta.label" },
        { "{\"text\":\"label\\\":\\\"fake\",\"label\":true}", "label" },
        { "\xef\xbb\xbf{\"label\":false}", "label" },
        { "{\"lab\\u0065l\":\"escaped key\"}", "label" },
        { "{\"text\":\"no label\"}", "label" },
        { "{\"meta\":3}", "meta.label" },
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) agrees(lines[i][0], lines[i][1]);
}

static void test_calibration_roundtrip(void)
{
    la_calibration *c = la_calibration_new();
    la_calibration_add(c, 1u << LA_R_PROFANITY_ONLY, 0.85, 1, 1);
    la_calibration_add(c, 1u << LA_R_PROFANITY_ONLY | 1u << LA_R_SPAM, 0.95, 0, 0);
    la_calibration_add(c, 1u << LA_R_SPAM, -1, 1, 0);         /* no score exported */
    la_calibration_labeler(c, "w1", 2, 1);
    cJSON *j = la_calibration_json(c);
    char *text = cJSON_PrintUnformatted(j);
    char path[] = "/tmp/la-test-cal-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT(la_write_file_atomic(path, text, strlen(text)), LA_OK);
    char err[256] = "";
    la_calibration *r = la_calibration_load(path, err, sizeof err);
    CHECK(r != NULL);
    if (r) {
        long n;
        CHECK_NEAR(la_calibration_precision(r, LA_R_PROFANITY_ONLY, &n), 0.5, 1e-9);
        CHECK_INT(n, 2);
        CHECK_NEAR(la_calibration_precision(r, LA_R_SPAM, &n), 0.5, 1e-9);
        CHECK_NEAR(la_calibration_precision(r, LA_R_MISSED_TOXICITY, &n), -1, 0);
        CHECK_INT(n, 0);
        CHECK_NEAR(la_calibration_band_precision(r, 0.8, &n), 1, 1e-9);
        CHECK_NEAR(la_calibration_band_precision(r, 1.0, &n), 0, 1e-9);   /* the last band */
        CHECK_INT(n, 1);
    }
    la_calibration_free(r);
    /* not a table: named with its line */
    const char bad[] = "{\n\"calibration\":1,\n\"reasons\":{\"SPAM\":{\"reviewed\":1,\"confirmed\":2}}}";
    CHECK_INT(la_write_file_atomic(path, bad, sizeof bad - 1), LA_OK);
    CHECK(la_calibration_load(path, err, sizeof err) == NULL);
    CHECK(strstr(err, "reason SPAM") != NULL);
    const char broken[] = "{\n\"calibration\":1,\n]";
    CHECK_INT(la_write_file_atomic(path, broken, sizeof broken - 1), LA_OK);
    CHECK(la_calibration_load(path, err, sizeof err) == NULL);
    CHECK(strstr(err, ":3: invalid JSON") != NULL);
    remove(path);
    cJSON_free(text);
    cJSON_Delete(j);
    la_calibration_free(c);
}

/* An aborted atomic file leaves the target as it was and no debris. */
static void test_atomic(void)
{
    char dir[] = "/tmp/la-test-atomic-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/out", dir);
    CHECK_INT(la_write_file_atomic(path, "old\n", 4), LA_OK);
    la_atomic a;
    CHECK_INT(la_atomic_open(&a, path, 0600), LA_OK);
    fputs("half", a.f);
    la_atomic_abort(&a);
    FILE *f = fopen(path, "rb");
    char buf[16] = "";
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f) fclose(f);
    CHECK_STR(buf, "old\n");
    CHECK_INT(la_atomic_open(&a, path, 0600), LA_OK);
    fputs("new\n", a.f);
    CHECK_INT(la_atomic_commit(&a), LA_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1", dir);
    CHECK(system(cmd) == 0);                      /* no temporary file left */
    remove(path);
    rmdir(dir);
}

int main(void)
{
    test_spans();
    test_calibration_roundtrip();
    test_atomic();
    return UNIT_DONE();
}
