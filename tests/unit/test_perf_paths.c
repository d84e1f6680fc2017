/*
 * test_perf_paths.c - the fast paths of the hot loop give exactly what
 * the slow, obvious code gives: la_buf_add_score against "%.4f" with the
 * same trimming (values near rounding ties, negatives, large values), and
 * la_buf_add/la_buf_addc across buffer growth.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "la_common.h"
#include "unit.h"

/* The reference: what la_buf_add_score wrote before its fast path. */
static void ref_score(char *out, size_t cap, double x)
{
    if (!isfinite(x)) x = 0;
    char tmp[400];
    int n = snprintf(tmp, sizeof tmp, "%.4f", x);
    while (n > 1 && tmp[n - 1] == '0') n--;
    if (n > 1 && tmp[n - 1] == '.') n--;
    if (n == 2 && tmp[0] == '-' && tmp[1] == '0') { tmp[0] = '0'; n = 1; }
    snprintf(out, cap, "%.*s", n, tmp);
}

static int same_score(double x)
{
    char want[400];
    ref_score(want, sizeof want, x);
    la_buf b;
    la_buf_init(&b);
    la_buf_add_score(&b, x);
    int ok = strcmp(b.p, want) == 0;
    if (!ok) fprintf(stderr, "score %.17g: got %s want %s\n", x, b.p, want);
    la_buf_free(&b);
    return ok;
}

int main(void)
{
    static const double fixed[] = {
        0, -0.0, 1, 0.5, 0.00005, 0.00015, 0.00025, 0.12345, 0.99995, 0.999949,
        -0.00004, -0.00005, -0.5, 0.15, 0.8, 0.9, 0.45, 1.0 / 3, 2.0 / 3,
        12345.67895, 99999.99995, 100000.5, 1e12, -1e12, 1e300, NAN, INFINITY
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        CHECK(same_score(fixed[i]));
    /* every tie and near-tie of four decimals in [0, 2], and a sweep of
     * pseudo-random values */
    int bad = 0;
    for (int k = 0; k <= 40000; k++) {
        double t = (k + 0.5) / 20000.0;
        bad += !same_score(t) + !same_score(nextafter(t, 0)) + !same_score(nextafter(t, 3));
        bad += !same_score(k / 10000.0) + !same_score(-k / 10000.0);
    }
    unsigned long long s = 42;
    for (int k = 0; k < 200000; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double x = (double)(s >> 11) / 9007199254740992.0;
        bad += !same_score(x) + !same_score(x * 1000 - 500);
    }
    CHECK(bad == 0);

    /* buffer appends across growth keep bytes and the NUL */
    la_buf b;
    la_buf_init(&b);
    char want[5000];
    size_t n = 0;
    for (int k = 0; k < 1000; k++) {
        if (k % 3) { la_buf_addc(&b, (char)('a' + k % 26)); want[n++] = (char)('a' + k % 26); }
        else { la_buf_add(&b, "xyz", 3); memcpy(want + n, "xyz", 3); n += 3; }
    }
    want[n] = '\0';
    CHECK(b.len == n);
    CHECK(strcmp(b.p, want) == 0);
    la_buf_free(&b);
    return UNIT_DONE();
}
