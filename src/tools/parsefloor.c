/*
 * parsefloor.c - the parse-only floor for `make bench`: reads JSON Lines
 * with the same block reader labelaudit uses, parses each line with cJSON
 * and extracts the text field, and does nothing else. labelaudit's
 * throughput is reported as a ratio of this program's.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!in) { perror(argv[1]); return 1; }
    size_t cap = 1 << 20, len = 0;
    char *chunk = malloc(cap), *line = malloc(cap);
    size_t line_cap = cap;
    unsigned long long rows = 0, text_bytes = 0;
    size_t got;
    while ((got = fread(chunk, 1, cap, in)) > 0) {
        const char *p = chunk, *end = chunk + got;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = (size_t)((nl ? nl : end) - p);
            if (len + n > line_cap) {
                while (len + n > line_cap) line_cap *= 2;
                line = realloc(line, line_cap);
            }
            memcpy(line + len, p, n);
            len += n;
            if (!nl) break;
            cJSON *o = cJSON_ParseWithLengthOpts(line, len, NULL, 0);
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");
            if (cJSON_IsString(t)) text_bytes += strlen(t->valuestring);
            cJSON_Delete(o);
            rows++;
            len = 0;
            p = nl + 1;
        }
    }
    printf("%llu rows, %llu text bytes\n", rows, text_bytes);
    free(chunk);
    free(line);
    return 0;
}
