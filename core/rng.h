/* Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11). A stream
 * is named by (seed, sequence index, purpose); draw j of a stream is a pure
 * function of those and j, so what a sequence contains never depends on which
 * batch, thread or rank produced it. */
#ifndef HS_RNG_H
#define HS_RNG_H

#include <stdint.h>

/* Purposes: independent streams of one sequence. Values are part of the
 * reproducibility contract: changing them changes every dataset. */
enum hs_rng_purpose {
    HS_RNG_WRITES = 1,   /* hyperedges T_1..T_ell */
    HS_RNG_QUERIES = 2,  /* query sites and bases */
    HS_RNG_OUTCOMES = 3, /* Born-rule samples */
    HS_RNG_PARAMS = 4,   /* model initialisation */
    HS_RNG_TRAIN = 5,    /* training-time randomness (batches, dropout) */
    HS_RNG_BOOTSTRAP = 6, /* resampling of reported statistics (util/stats.h) */
};

typedef struct {
    uint32_t key[2];     /* from (seed, purpose) */
    uint32_t ctr[4];     /* ctr[0..1]: draw block counter; ctr[2..3]: sequence index */
    uint32_t buf[4];     /* current output block */
    int used;            /* words of buf already handed out (4 = empty) */
} hs_rng;

void hs_rng_init(hs_rng *r, uint64_t seed, uint64_t index, uint32_t purpose);
uint32_t hs_rng_u32(hs_rng *r);
uint64_t hs_rng_u64(hs_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double hs_rng_uniform(hs_rng *r);
/* Uniform integer in [0, m), m >= 1, without modulo bias (rejection). */
uint64_t hs_rng_below(hs_rng *r, uint64_t m);
/* Index o with cumulative p[0..o-1] <= u < p[0..o], never an entry with
 * p[o] == 0; p need not be normalised exactly (u is scaled by the sum). */
int hs_rng_pick(const double *p, int d, double u);

/* One raw Philox4x32-10 block, for known-answer tests. */
void hs_rng_philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
