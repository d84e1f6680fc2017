/*
 * test_output.c - the safe outputs of src/output.c: a regular file is
 * replaced whole or not at all, a symlink stays a link, an abandoned
 * output leaves no temporary file and the old target intact, a failed
 * commit (a full device) reports the error and closes its descriptor,
 * and la_outputs_check refuses an output that is an input or another
 * output. Runs in a fresh folder under /tmp.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "la_common.h"
#include "unit.h"

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

static int entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n;
}

static void slurp(const char *path, char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) return;
    size_t got = fread(out, 1, n - 1, f);
    out[got] = '\0';
    fclose(f);
}

static void put(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (f) { fputs(s, f); fclose(f); }
}

int main(void)
{
    char dir[] = "/tmp/la-output.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) { perror("mkdtemp"); return 1; }
    char err[256], buf[64];

    /* a regular file: replaced at commit, untouched before */
    put("sum", "old");
    la_output *o = la_output_open("sum", err, sizeof err);
    CHECK(o != NULL);
    if (o) {
        fputs("new", la_output_stream(o));
        slurp("sum", buf, sizeof buf);
        CHECK_STR(buf, "old");
        CHECK_INT(entries("."), 2);             /* sum and its temporary */
        CHECK_INT(la_output_commit(o, err, sizeof err), LA_OK);
    }
    slurp("sum", buf, sizeof buf);
    CHECK_STR(buf, "new");
    CHECK_INT(entries("."), 1);

    /* abandoned: the temporary goes, the target stays */
    o = la_output_open("sum", err, sizeof err);
    if (o) { fputs("half", la_output_stream(o)); la_output_free(o); }
    slurp("sum", buf, sizeof buf);
    CHECK_STR(buf, "new");
    CHECK_INT(entries("."), 1);

    /* a symlink: the target is replaced, the link stays */
    CHECK_INT(symlink("sum", "link"), 0);
    o = la_output_open("link", err, sizeof err);
    if (o) { fputs("via link", la_output_stream(o)); la_output_commit(o, err, sizeof err); }
    struct stat st;
    CHECK(lstat("link", &st) == 0 && S_ISLNK(st.st_mode));
    slurp("sum", buf, sizeof buf);
    CHECK_STR(buf, "via link");

    /* a full device: the commit fails, and its descriptor is closed */
    int before = open_fds();
    o = la_output_open("/dev/full", err, sizeof err);
    CHECK(o != NULL);
    if (o) {
        fputs("x", la_output_stream(o));
        CHECK_INT(la_output_commit(o, err, sizeof err), LA_EIO);
        CHECK(strstr(err, "/dev/full") != NULL);
    }
    CHECK_INT(open_fds(), before);

    /* a directory, an empty name */
    CHECK(la_output_open(".", err, sizeof err) == NULL);
    CHECK(la_output_open("", err, sizeof err) == NULL);

    /* conflicts, by inode and by name */
    put("in", "data");
    const char *what[] = { "the queue", "--summary", "--rejects" };
    const char *inputs[] = { "in" };
    const char *clobber[] = { "q", "./in", NULL };
    CHECK_INT(la_outputs_check(clobber, what, 3, inputs, 1, err, sizeof err), LA_EUSAGE);
    const char *twice[] = { "q", "new", "./new" };
    CHECK_INT(la_outputs_check(twice, what, 3, inputs, 1, err, sizeof err), LA_EUSAGE);
    const char *devices[] = { "q", "/dev/null", "/dev/null" };
    CHECK_INT(la_outputs_check(devices, what, 3, inputs, 1, err, sizeof err), LA_OK);
    const char *two_stdout[] = { "-", "-", NULL };
    CHECK_INT(la_outputs_check(two_stdout, what, 3, inputs, 1, err, sizeof err), LA_EUSAGE);

    unlink("link"); unlink("sum"); unlink("in");
    if (chdir("/") == 0) rmdir(dir);
    return UNIT_DONE();
}
