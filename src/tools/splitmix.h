/*
 * splitmix.h - the deterministic PRNG (splitmix64) of the project's data
 * generators (gencorpus.c, hostile.c): their output depends only on their
 * arguments, on every machine. Each generator is one translation unit.
 */
#ifndef LA_SPLITMIX_H
#define LA_SPLITMIX_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static inline int pick(int n) { return (int)(rnd() % (uint64_t)n); }
/* True percent times in a hundred. */
static inline int chance(int percent) { return pick(100) < percent; }
/* A random element of a static array. */
#define ONE(arr) (arr[pick((int)(sizeof arr / sizeof arr[0]))])

#endif
