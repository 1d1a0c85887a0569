/* Write unit cells, one at a time and deferred. */
#include "write.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "combin.h"
#include "kern.h"
#include "stream.h"
#include "sys.h"

/* Position bitmask (d = 2) of the given site labels. */
static uint64_t pos_mask(const hs_state *s, const int *sites, int k)
{
    uint64_t m = 0;
    for (int i = 0; i < k; i++) {
        assert(s->pos_of_site[sites[i]] >= 0);
        m |= 1ull << s->pos_of_site[sites[i]];
    }
    return m;
}

/* Product of the digits of z at the positions of `sites`, reduced mod `mod`
 * when mod > 0. */
static size_t digit_product(const hs_state *s, size_t z, const int *sites, int k, size_t mod)
{
    size_t prod = 1;
    for (int i = 0; i < k; i++) {
        prod *= (z / s->stride[s->pos_of_site[sites[i]]]) % (size_t)s->d;
        if (mod)
            prod %= mod;
    }
    return prod;
}

/* j with a 1 inserted at each of the k bit positions pos[] (ascending). */
static inline size_t insert_ones(size_t j, const int *pos, int k)
{
    for (int i = 0; i < k; i++) {
        const size_t b = (size_t)1 << pos[i];
        j = ((j & ~(b - 1)) << 1) | b | (j & (b - 1));
    }
    return j;
}

void hs_write_flip_mask(hs_amp *amp, size_t len, uint64_t m)
{
    int pos[64], k = 0;
    for (uint64_t r = m; r; r &= r - 1)
        pos[k++] = __builtin_ctzll(r);
    assert(k == 0 || ((size_t)1 << pos[k - 1]) < len);
    const size_t count = len >> k;
    /* Consecutive j map to z in steps of S = 2^k0 (k0: the bits of m at the
     * bottom) for runs of R, up to the next bit of m: chunks of at most
     * CHUNK inside a run are one strided loop each. */
    const int k0 = __builtin_ctzll(~m); /* m < 2^62: ~m has a set bit */
    const uint64_t rest = m & ~(((uint64_t)1 << k0) - 1);
    const size_t S = (size_t)1 << k0, R = rest ? (size_t)1 << (__builtin_ctzll(rest) - k0) : count;
    const size_t CHUNK = 1 << 14, per = R < CHUNK ? R : CHUNK, nch = count / per;
    HS_PAR_FOR(hs_sys_par(len), for (size_t c = 0; c < nch; c++) {
        hs_amp *a = amp + insert_ones(c * per, pos, k);
        for (size_t i = 0; i < per; i++)
            a[i * S] = -a[i * S];
    });
}

void hs_write_exact(hs_state *s, const int *sites, int k, long power)
{
    const int d = s->d;
    long w = ((power % d) + d) % d;
    if (w == 0)
        return;
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    if (d == 2) {
        hs_write_flip_mask(amp, len, pos_mask(s, sites, k));
        return;
    }
    hs_amp tab[64];
    for (int j = 0; j < d; j++)
        tab[j] = cexp(2.0 * M_PI * I * (double)((w * j) % d) / d);
    HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
        amp[z] *= tab[digit_product(s, z, sites, k, (size_t)d)];
    });
}

void hs_write_qubit_phases(int k, const double *theta, double *phi)
{
    /* phi(c) = sum_j theta_j K_j(c), K_j(c) = sum_i (-1)^i C(c, i) C(k - c, j - i):
     * the sum over j-subsets S of T of Z_S's eigenvalue (-1)^{|S and z|} when
     * c of T's sites are 1. */
    for (int c = 0; c <= k; c++) {
        double acc = 0;
        for (int j = 0; j <= k; j++) {
            double kj = 0;
            for (int i = 0; i <= j; i++)
                kj += (i % 2 ? -1.0 : 1.0) * (double)hs_comb_binom(c, i) *
                      (double)hs_comb_binom(k - c, j - i);
            acc += theta[j] * kj;
        }
        phi[c] = acc;
    }
}

void hs_write_qubit(hs_state *s, const int *sites, int k, const double *theta, long power)
{
    assert(s->d == 2 && k <= 62);
    double phi[64];
    hs_write_qubit_phases(k, theta, phi);
    hs_amp tab[64];
    for (int c = 0; c <= k; c++)
        tab[c] = cexp(I * (double)power * phi[c]);
    const uint64_t m = pos_mask(s, sites, k);
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
        amp[z] *= tab[__builtin_popcountll(z & m)];
    });
}

void hs_write_qudit(hs_state *s, const int *sites, int k, double theta, long power)
{
    assert(s->d > 2);
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    const double a = theta * (double)power;
    HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
        amp[z] *= cexp(I * a * (double)digit_product(s, z, sites, k, 0));
    });
}

void hs_write_anf_bits(int n, const hs_edge *e, size_t ne, uint64_t *bits)
{
    const size_t words = n >= 6 ? (size_t)1 << (n - 6) : 1;
    memset(bits, 0, words * sizeof *bits);
    /* Coefficients: bit S set when hyperedge S has odd weight. */
    for (size_t i = 0; i < ne; i++)
        if (e[i].weight & 1)
            bits[e[i].mask >> 6] ^= 1ull << (e[i].mask & 63);
    /* Moebius (subset-sum over GF(2)) transform: f(z) = XOR_{S subset z} a_S.
     * Levels below 6 act inside a word: bit i with bit j of i clear is added
     * into bit i + 2^j. */
    static const uint64_t lowmask[6] = {0x5555555555555555ull, 0x3333333333333333ull,
                                        0x0F0F0F0F0F0F0F0Full, 0x00FF00FF00FF00FFull,
                                        0x0000FFFF0000FFFFull, 0x00000000FFFFFFFFull};
    const int inword = n < 6 ? n : 6;
    HS_PAR_FOR(hs_sys_par(words << 6), for (size_t w = 0; w < words; w++) {
        uint64_t x = bits[w];
        for (int j = 0; j < inword; j++)
            x ^= (x & lowmask[j]) << (1u << j);
        bits[w] = x;
    });
    for (int j = 6; j < n; j++) {
        const size_t h = (size_t)1 << (j - 6);
        HS_PAR_FOR(hs_sys_par(words << 6), for (size_t w = 0; w < words / 2; w++) {
            size_t lo = ((w & ~(h - 1)) << 1) | (w & (h - 1));
            bits[lo | h] ^= bits[lo];
        });
    }
}

void hs_write_sign_bits(hs_amp *amp, size_t len, const uint64_t *bits, int from_plus, double a)
{
    /* From |+>, streaming stores (core/stream.h) above HS_STREAM_MIN in the
     * AVX2 variant: write_deferred_init at n = 24 went from 10.4 ms to
     * 8.1 ms with them (bench engine, one run of each). With the earlier
     * scalar pass they made it slower (1.35-1.96 passes against 1.19-1.40).
     * Chunks of SIGN_CHUNK amplitudes (a multiple of 64: whole words of
     * bits). */
    enum { SIGN_CHUNK = 1 << 14 };
    const hs_kern *k = hs_kern_get();
    const size_t nch = (len + SIGN_CHUNK - 1) / SIGN_CHUNK;
    const int stream = from_plus && hs_stream_enabled(len);
    HS_PAR_FOR(hs_sys_par(len), for (size_t c = 0; c < nch; c++) {
        const size_t z0 = c * SIGN_CHUNK, z1 = z0 + SIGN_CHUNK < len ? z0 + SIGN_CHUNK : len;
        k->signs(amp, bits, z0, z1, from_plus, stream, a);
    });
}

/* d > 2: exponents f(z) = sum_T w_T prod_{i in T} z_i mod d for all z, in
 * out[d^n]. Start from the coefficients indexed by subset bitmask (radix 2 on
 * every axis) and expand axis i from {coefficient without i, with i} to the d
 * values f0 + v f1, v = 0..d-1. tmp and out have d^n bytes. */
static void qudit_exponents(const hs_state *s, const hs_edge *e, size_t ne, uint8_t *out,
                            uint8_t *tmp)
{
    const int n = s->n, d = s->d;
    /* Ping-pong: axis i writes into the buffer it did not read, so with n
     * axes starting from tmp (n odd) or out (n even) the last lands in out. */
    uint8_t *src = n % 2 ? tmp : out, *dst = n % 2 ? out : tmp;
    memset(src, 0, (size_t)1 << n);
    for (size_t i = 0; i < ne; i++)
        src[e[i].mask] = (uint8_t)((src[e[i].mask] + e[i].weight) % d);
    size_t lo_n = 1;                     /* d^i */
    size_t hi_n = (size_t)1 << (n - 1);  /* 2^(n-1-i) */
    /* Value v of axis i is value v - 1 plus f1, less d when it reaches d
     * (all values < d <= 64): no division per byte (a `%` by the run-time d
     * per byte was half of a qutrit trajectory), and a loop over lo that
     * vectorises. Work goes in runs of at most RUN bytes of lo, so the last
     * axes (hi_n = 1, 2) split over threads too. */
    enum { RUN = 4096 };
    for (int i = 0; i < n; i++) {
        const size_t runs = (lo_n + RUN - 1) / RUN;
        HS_PAR_FOR(hs_sys_par(hi_n * lo_n * (size_t)d), for (size_t c = 0; c < hi_n * runs; c++) {
            const size_t hi = c / runs, l0 = (c % runs) * RUN, l1 = l0 + RUN < lo_n ? l0 + RUN : lo_n;
            const uint8_t *f0 = src + lo_n * (2 * hi), *f1 = f0 + lo_n;
            uint8_t *o = dst + lo_n * (size_t)d * hi;
            for (size_t lo = l0; lo < l1; lo++)
                o[lo] = f0[lo];
            for (int v = 1; v < d; v++) {
                const uint8_t *prev = o + lo_n * (size_t)(v - 1);
                uint8_t *cur = o + lo_n * (size_t)v;
                for (size_t lo = l0; lo < l1; lo++) {
                    const unsigned x = (unsigned)prev[lo] + f1[lo];
                    cur[lo] = (uint8_t)(x >= (unsigned)d ? x - (unsigned)d : x);
                }
            }
        });
        uint8_t *t = src;
        src = dst;
        dst = t;
        lo_n *= (size_t)d;
        hi_n /= 2;
    }
    assert(src == out);
}

/* F over units [u0, u1) of hs_write_sign_flips: word pairs (lo, lo | h)
 * when p >= 6, else single words compared within. */
static uint64_t flips_range(const uint64_t *bits, int p, size_t u0, size_t u1)
{
    /* Within a word: bit i (bit p of i clear) against bit i + 2^p; bits at
     * and above 2^nbits are 0 (hs_write_anf_bits), so a short word adds 0. */
    static const uint64_t clear[6] = {0x5555555555555555ull, 0x3333333333333333ull, 0x0F0F0F0F0F0F0F0Full,
                                      0x00FF00FF00FF00FFull, 0x0000FFFF0000FFFFull, 0x00000000FFFFFFFFull};
    uint64_t f = 0;
    if (p >= 6) {
        const size_t h = (size_t)1 << (p - 6);
        for (size_t w = u0; w < u1; w++) {
            const size_t lo = ((w & ~(h - 1)) << 1) | (w & (h - 1));
            f += (uint64_t)__builtin_popcountll(bits[lo] ^ bits[lo | h]);
        }
    } else {
        for (size_t w = u0; w < u1; w++)
            f += (uint64_t)__builtin_popcountll((bits[w] ^ (bits[w] >> (1u << p))) & clear[p]);
    }
    return f;
}

uint64_t hs_write_sign_flips(const uint64_t *bits, int nbits, int p)
{
    assert(p >= 0 && p < nbits);
    const size_t words = nbits >= 6 ? (size_t)1 << (nbits - 6) : 1, units = p >= 6 ? words / 2 : words;
    /* Chunks of FLIP_CHUNK units (2^18 amplitudes' worth), their integer
     * counts added afterwards; one chunk (small states, every sequence of
     * a training run) runs without a parallel region (HS_PAR_FOR). */
    enum { FLIP_CHUNK = 4096 };
    const size_t nch = (units + FLIP_CHUNK - 1) / FLIP_CHUNK;
    uint64_t one, *part = nch > 1 ? hs_alloc(nch * sizeof *part) : &one;
    HS_PAR_FOR(nch > 1, for (size_t c = 0; c < nch; c++) {
        const size_t u0 = c * FLIP_CHUNK, u1 = u0 + FLIP_CHUNK < units ? u0 + FLIP_CHUNK : units;
        part[c] = flips_range(bits, p, u0, u1);
    });
    uint64_t flips = 0;
    for (size_t c = 0; c < nch; c++)
        flips += part[c];
    if (nch > 1)
        hs_sys_free(part);
    return flips;
}

void hs_write_plus_rho(double pairs, double flips, double a, double rho[4])
{
    const double a2 = a * a;
    rho[0] = rho[1] = pairs * a2;
    rho[2] = (pairs - 2.0 * flips) * a2;
    rho[3] = 0.0;
}

/* The d = 2 layer over the full state: its phase bits, the sign pass, and
 * with site >= 0 (from |+>) the first query's sums from the bits. */
static void qubit_layer(hs_state *s, const hs_edge *e, size_t ne, int from_plus, int site, double rho[4])
{
    const int n = s->n;
    const size_t words = n >= 6 ? (size_t)1 << (n - 6) : 1;
    const double a = 1.0 / sqrt((double)s->len);
    uint64_t *bits = hs_alloc(words * sizeof *bits);
    hs_write_anf_bits(n, e, ne, bits);
    hs_write_sign_bits(s->amp, s->len, bits, from_plus, a);
    if (site >= 0)
        hs_write_plus_rho((double)(s->len / 2), (double)hs_write_sign_flips(bits, n, s->pos_of_site[site]), a, rho);
    hs_sys_free(bits);
}

void hs_write_first_bits(hs_state *s, const hs_edge *e, size_t ne, int site, uint64_t *bits, double rho[4])
{
    assert(s->d == 2 && site >= 0);
    hs_state_reset_map(s);
    hs_write_anf_bits(s->n, e, ne, bits);
    s->bits = bits;
    hs_write_plus_rho((double)(s->len / 2), (double)hs_write_sign_flips(bits, s->n, site), 1.0 / sqrt((double)s->len),
                      rho);
}

void hs_write_deferred_first(hs_state *s, const hs_edge *e, size_t ne, int site, double rho[4])
{
    assert(s->d == 2 && site >= 0);
    hs_state_reset_map(s);
    qubit_layer(s, e, ne, 1, site, rho);
}

void hs_write_deferred(hs_state *s, const hs_edge *e, size_t ne, int from_plus)
{
    if (from_plus)
        hs_state_reset_map(s);
    assert(s->n_act == s->n && !s->bits);
    const int d = s->d;
    if (d == 2) {
        qubit_layer(s, e, ne, from_plus, -1, NULL);
        return;
    }
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    const double a = 1.0 / sqrt((double)len);
    uint8_t *f = hs_alloc(len), *tmp = hs_alloc(len);
    qudit_exponents(s, e, ne, f, tmp);
    hs_sys_free(tmp);
    hs_amp tab[64];
    for (int j = 0; j < d; j++)
        tab[j] = cexp(2.0 * M_PI * I * (double)j / d);
    if (from_plus) {
        HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
            amp[z] = a * tab[f[z]];
        });
    } else {
        HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
            amp[z] *= tab[f[z]];
        });
    }
    hs_sys_free(f);
}
