/* Philox4x32-10 counter-based generator and the draws built on it. */
#include "rng.h"

#include <assert.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void hs_rng_philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, c0, &hi0, &lo0);
        mulhilo(PHILOX_M1, c2, &hi1, &lo1);
        uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* SplitMix64 finaliser: folds (seed, purpose) into the 64-bit Philox key. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void hs_rng_init(hs_rng *r, uint64_t seed, uint64_t index, uint32_t purpose)
{
    uint64_t k = mix64(seed ^ mix64(0x68797065727365ull + purpose));
    r->key[0] = (uint32_t)k;
    r->key[1] = (uint32_t)(k >> 32);
    r->ctr[0] = r->ctr[1] = 0;
    r->ctr[2] = (uint32_t)index;
    r->ctr[3] = (uint32_t)(index >> 32);
    r->used = 4;
}

uint32_t hs_rng_u32(hs_rng *r)
{
    if (r->used == 4) {
        hs_rng_philox(r->ctr, r->key, r->buf);
        if (++r->ctr[0] == 0)
            r->ctr[1]++;
        r->used = 0;
    }
    return r->buf[r->used++];
}

uint64_t hs_rng_u64(hs_rng *r)
{
    uint64_t lo = hs_rng_u32(r);
    return lo | (uint64_t)hs_rng_u32(r) << 32;
}

double hs_rng_uniform(hs_rng *r) { return (double)(hs_rng_u64(r) >> 11) * 0x1.0p-53; }

uint64_t hs_rng_below(hs_rng *r, uint64_t m)
{
    assert(m >= 1);
    /* Reject the top (2^64 mod m) values so every residue is equally likely. */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % m + 1) % m;
    for (;;) {
        uint64_t x = hs_rng_u64(r);
        if (x <= limit)
            return x % m;
    }
}

int hs_rng_pick(const double *p, int d, double u)
{
    double total = 0;
    for (int o = 0; o < d; o++)
        total += p[o];
    double target = u * total, acc = 0;
    int last = -1;
    for (int o = 0; o < d; o++) {
        if (p[o] <= 0)
            continue;
        acc += p[o];
        last = o;
        if (target < acc)
            return o;
    }
    assert(last >= 0);
    return last; /* u * total rounded up to the full sum */
}
