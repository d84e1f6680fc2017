/*
 * unit.h - the smallest unit-test harness: CHECK/CHECK_EQ record failures
 * with file and line, UNIT_DONE() prints the tally and returns the status.
 */
#ifndef LA_UNIT_H
#define LA_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do { \
    if (cond) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #a, a_, b_); } \
} while (0)

#define CHECK_NEAR(a, b, eps) do { double a_ = (a), b_ = (b); \
    if (fabs(a_ - b_) <= (eps)) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: %s == %.6f, want %.6f\n", __FILE__, __LINE__, #a, a_, b_); } \
} while (0)

#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (a_ && b_ && strcmp(a_, b_) == 0) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } \
} while (0)

#define UNIT_DONE() (printf("%d checks passed, %d failed\n", unit_pass, unit_fail), unit_fail != 0)

#endif
