/*
 * convert.c - rewrites a JSON Lines dataset as CSV, TSV or one JSON array,
 * so `make bench` can time every input format on the same rows.
 *
 *   convert csv|tsv|json < rows.jsonl > rows.csv
 *
 * The columns are every key of every row, in order of first appearance
 * (the rows are held in memory: this is a tool for generated corpora). A string is written as
 * it is (quoted per RFC 4180 when it holds the delimiter, a quote, CR or
 * LF; TSV quotes the same way, as pandas does), a number as JSON writes
 * it, an array or object as its JSON text, null or a missing key as an
 * empty field. A line that is not a JSON object stops the tool: the
 * benchmark's input is generated and always valid.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void field(const char *s, char delim)
{
    if (!strchr(s, delim) && !strpbrk(s, "\"\r\n")) { fputs(s, stdout); return; }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void value(const cJSON *v, char delim)
{
    if (!v || cJSON_IsNull(v)) return;
    if (cJSON_IsString(v)) { field(v->valuestring, delim); return; }
    char *t = cJSON_PrintUnformatted(v);
    field(t, delim);
    cJSON_free(t);
}

static void add_key(char ***keys, size_t *nkeys, const char *k)
{
    for (size_t i = 0; i < *nkeys; i++)
        if (strcmp((*keys)[i], k) == 0) return;
    *keys = realloc(*keys, (*nkeys + 1) * sizeof **keys);
    if (!*keys) exit(1);
    (*keys)[(*nkeys)++] = strdup(k);
}

int main(int argc, char **argv)
{
    const char *fmt = argc > 1 ? argv[1] : "";
    int json = strcmp(fmt, "json") == 0;
    char delim = strcmp(fmt, "tsv") == 0 ? '\t' : ',';
    if (!json && strcmp(fmt, "csv") != 0 && strcmp(fmt, "tsv") != 0) {
        fprintf(stderr, "usage: convert csv|tsv|json < rows.jsonl\n");
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    cJSON **rows = NULL;
    size_t nrows = 0, rcap = 0;
    char **keys = NULL;
    size_t nkeys = 0;
    if (json) fputs("[\n", stdout);
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (json) {   /* the line is already a JSON object */
            if (line[n - 1] == '\n') line[--n] = '\0';
            printf("%s%s", nrows++ ? ",\n" : "", line);
            continue;
        }
        cJSON *o = cJSON_ParseWithLength(line, (size_t)n);
        if (!cJSON_IsObject(o)) {
            fprintf(stderr, "convert: line %zu is not a JSON object\n", nrows + 1);
            return 1;
        }
        /* the columns: every key of every row, in order of appearance */
        for (cJSON *c = o->child; c; c = c->next) add_key(&keys, &nkeys, c->string);
        if (nrows == rcap) {
            rcap = rcap ? rcap * 2 : 1024;
            rows = realloc(rows, rcap * sizeof *rows);
            if (!rows) return 1;
        }
        rows[nrows++] = o;
    }
    if (json) {
        fputs("\n]\n", stdout);
    } else {
        for (size_t i = 0; i < nkeys; i++) {
            if (i) putchar(delim);
            field(keys[i], delim);
        }
        putchar('\n');
        for (size_t r = 0; r < nrows; r++) {
            for (size_t i = 0; i < nkeys; i++) {
                if (i) putchar(delim);
                value(cJSON_GetObjectItemCaseSensitive(rows[r], keys[i]), delim);
            }
            putchar('\n');
            cJSON_Delete(rows[r]);
        }
    }
    for (size_t i = 0; i < nkeys; i++) free(keys[i]);
    free(keys);
    free(rows);
    free(line);
    return fflush(stdout) == 0 ? 0 : 1;
}
