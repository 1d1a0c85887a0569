/* The first query cell of a qubit sequence from the layer's phase bits
 * (core/bitcell.h). */
#include "bitcell.h"

#include <assert.h>
#include <complex.h>
#include <stddef.h>
#include <string.h>

#include "kern.h"
#include "kern_run.h"
#include "sys.h"

/* Words of bits (64 amplitudes' worth) per chunk of work. */
#define WORDS_PER_CHUNK ((size_t)1024)

/* Bits j of a word with bit p of j clear, p < 6. */
static const uint64_t clear_mask[6] = {0x5555555555555555ull, 0x3333333333333333ull, 0x0F0F0F0F0F0F0F0Full,
                                       0x00FF00FF00FF00FFull, 0x0000FFFF0000FFFFull, 0x00000000FFFFFFFFull};

/* The bit of z + off for the 64 z of word w (bit j for z = 64 w + j), for
 * the j whose bits of off below 64 are clear. */
static uint64_t bits_at(const uint64_t *bits, size_t w, size_t off)
{
    return bits[w + (off >> 6)] >> (off & 63);
}

/* Output values c[2 b0 + b1] = v0 psi0 + v1 psi1 with psi = (-1)^b a + 0 i:
 * core/kern.c's lin() on the amplitudes the sign pass writes ((+-a, +0)),
 * term by term, so the very doubles of the unfused path. */
static void out_values(double a, hs_amp v0, hs_amp v1, double c[4][2])
{
    const double r0 = creal(v0), i0 = cimag(v0), r1 = creal(v1), i1 = cimag(v1), xi = 0.0, yi = 0.0;
    for (int b0 = 0; b0 < 2; b0++)
        for (int b1 = 0; b1 < 2; b1++) {
            const double xr = b0 ? -a : a, yr = b1 ? -a : a;
            c[2 * b0 + b1][0] = (r0 * xr - i0 * xi) + (r1 * yr - i1 * yi);
            c[2 * b0 + b1][1] = (r0 * xi + i0 * xr) + (r1 * yi + i1 * yr);
        }
}

/* The outputs of word w (x = 64 w + j, j < nj): their two phase bits. Half
 * t of the input is z >= t 2^(n-1); output x reads, in half t = x's bit
 * pos (the old top bit moved there), z = x with bit pos clear and set. */
static void out_bits(const uint64_t *bits, int n, int pos, size_t w, uint64_t *b0, uint64_t *b1)
{
    const size_t H = (size_t)1 << (n - 1);
    /* Word w of half t (H < 64: the one word, shifted). */
    const uint64_t A = bits_at(bits, w, 0), B = bits_at(bits, w, H);
    if (pos == n - 1) {
        *b0 = A;
        *b1 = B;
    } else if (pos >= 6) {
        const size_t pw = (size_t)1 << (pos - 6), t = (w / pw) & 1, wb = w & ~pw;
        *b0 = bits[wb + t * (H >> 6)];
        *b1 = bits[(wb | pw) + t * (H >> 6)];
    } else {
        const uint64_t cl = clear_mask[pos];
        const unsigned P = 1u << pos;
        *b0 = (A & cl) | ((B & cl) << P);
        *b1 = ((A & ~cl) >> P) | (B & ~cl);
    }
}

/* Words [i0, i1) of pair_counts' iteration (below) into c[8]. */
static inline __attribute__((always_inline)) void count_words(const uint64_t *bits, size_t eb, size_t ep,
                                                              uint64_t valid, const size_t *skip, size_t nskip,
                                                              size_t i0, size_t i1, uint64_t *c)
{
    for (size_t i = i0; i < i1; i++) {
        size_t w = i;
        for (size_t k = 0; k < nskip; k++)
            w = hs_kern_insert0(w, skip[k]);
        const uint64_t w00 = bits[w], w01 = bits_at(bits, w, eb), w10 = bits_at(bits, w, ep),
                       w11 = bits_at(bits, w, eb + ep);
        const uint64_t x0 = w00 ^ w01, x1 = w10 ^ w11, s = w00 ^ w10;
        for (int k = 0; k < 4; k++) {
            const uint64_t m = valid & (k & 2 ? x0 : ~x0) & (k & 1 ? x1 : ~x1);
            c[k] += (uint64_t)__builtin_popcountll(m);
            c[4 + k] += (uint64_t)__builtin_popcountll(m & s);
        }
    }
}

typedef void (*counts_fn)(const uint64_t *, size_t, size_t, uint64_t, const size_t *, size_t, size_t, size_t,
                          uint64_t *);

static void count_words_generic(const uint64_t *bits, size_t eb, size_t ep, uint64_t valid, const size_t *skip,
                                size_t nskip, size_t i0, size_t i1, uint64_t *c)
{
    count_words(bits, eb, ep, valid, skip, nskip, i0, i1, c);
}

#if HS_KERN_X86
/* The x86-64 baseline has no popcnt instruction (a libgcc call per word
 * was 6% of a trajectory at n = 22); every CPU that runs the AVX2 kernels
 * has it. The counts are integers: the same with either variant. */
__attribute__((target("popcnt"))) static void count_words_popcnt(const uint64_t *bits, size_t eb, size_t ep,
                                                                  uint64_t valid, const size_t *skip, size_t nskip,
                                                                  size_t i0, size_t i1, uint64_t *c)
{
    count_words(bits, eb, ep, valid, skip, nskip, i0, i1, c);
}
#endif

static counts_fn count_words_variant(void)
{
#if HS_KERN_X86
    if (hs_kern_get()->level == HS_KERN_AVX2)
        return count_words_popcnt;
#endif
    return count_words_generic;
}

/* Counts over the pairs of the state left along its bit np: with (b00,
 * b01) the phase bits of the pair's first output and (b10, b11) the
 * second's, x0 = b00 ^ b01 and x1 = b10 ^ b11 pick the value up to sign,
 * s = b00 ^ b10 the relative sign. cnt[2 x0 + x1] counts the pairs, cnt[4
 * + 2 x0 + x1] those with s = 1. The pair's four bits sit at z, z + eb,
 * z + ep, z + eb + ep for the z with bits eb and ep clear. */
static void pair_counts(const uint64_t *bits, int n, size_t eb, size_t ep, uint64_t cnt[8])
{
    const size_t words = n >= 6 ? (size_t)1 << (n - 6) : 1;
    uint64_t valid = n >= 6 ? ~0ull : (1ull << (1u << n)) - 1;
    /* Offsets below 64 clear bits within a word; above, they skip words. */
    size_t skip[2], nskip = 0;
    const size_t offs[2] = {eb, ep};
    for (int i = 0; i < 2; i++) {
        if (offs[i] < 64)
            valid &= clear_mask[__builtin_ctzll(offs[i])];
        else
            skip[nskip++] = offs[i] >> 6;
    }
    if (nskip == 2 && skip[0] > skip[1]) {
        const size_t t = skip[0];
        skip[0] = skip[1];
        skip[1] = t;
    }
    const size_t iters = words >> nskip, nch = (iters + WORDS_PER_CHUNK - 1) / WORDS_PER_CHUNK;
    uint64_t *part = hs_calloc(nch * 8, sizeof *part);
    const counts_fn run = count_words_variant();
    HS_PAR_FOR(nch > 1, for (size_t ch = 0; ch < nch; ch++) {
        const size_t i1 = (ch + 1) * WORDS_PER_CHUNK < iters ? (ch + 1) * WORDS_PER_CHUNK : iters;
        run(bits, eb, ep, valid, skip, nskip, ch * WORDS_PER_CHUNK, i1, part + 8 * ch);
    });
    for (int k = 0; k < 8; k++) {
        cnt[k] = 0;
        for (size_t ch = 0; ch < nch; ch++)
            cnt[k] += part[8 * ch + (size_t)k];
    }
    hs_sys_free(part);
}

/* The compaction's outputs of word w (x = 64 w + j): x with a 0 and a 1
 * inserted at bit q. Below bit 6 an output word takes the bits of input
 * words 2w and 2w + 1 with bit q of the index clear (set), compressed. */
static uint64_t compress_half(uint64_t x, int q)
{
    x &= clear_mask[q];
    for (int s = q; s < 5; s++)
        x = (x | (x >> (1u << s))) & clear_mask[s + 1];
    return x;
}

static void compact_bits(const uint64_t *bits, int n, int q, size_t w, uint64_t *b0, uint64_t *b1)
{
    if (q >= 6) {
        const size_t qw = (size_t)1 << (q - 6), wi = hs_kern_insert0(w, qw);
        *b0 = bits[wi];
        *b1 = bits[wi | qw];
        return;
    }
    const uint64_t A = bits[n >= 7 ? 2 * w : 0], B = n >= 7 ? bits[2 * w + 1] : 0;
    const unsigned Q = 1u << q;
    *b0 = compress_half(A, q) | compress_half(B, q) << 32;
    *b1 = compress_half(A >> Q, q) | compress_half(B >> Q, q) << 32;
}

/* Writes the 2^(n-1) outputs of word layout `form` (0: core/state.c's, the
 * top bit moving into pos; 1: the compaction) from the bits. */
static void write_outputs(hs_amp *amp, const uint64_t *bits, int n, int pos, int form, const double c[4][2])
{
    /* Two outputs at a time: pair[k] holds outputs j, j + 1 for the four
     * bits k = b0(j) + 2 b0(j+1) + 4 b1(j) + 8 b1(j+1) (one 32-byte copy
     * per two outputs; one output at a time was 1.3 write-only passes). */
    double pair[16][4];
    for (int k = 0; k < 16; k++)
        for (int h = 0; h < 2; h++) {
            const double *v = c[2 * ((k >> h) & 1) + ((k >> (2 + h)) & 1)];
            pair[k][2 * h] = v[0];
            pair[k][2 * h + 1] = v[1];
        }
    const size_t H = (size_t)1 << (n - 1), owords = H >= 64 ? H / 64 : 1, nj = H >= 64 ? 64 : H;
    const size_t nch = (owords + WORDS_PER_CHUNK - 1) / WORDS_PER_CHUNK;
    double *o = (double *)amp;
    HS_PAR_FOR(hs_sys_par(H), for (size_t ch = 0; ch < nch; ch++) {
        const size_t w1 = (ch + 1) * WORDS_PER_CHUNK < owords ? (ch + 1) * WORDS_PER_CHUNK : owords;
        for (size_t w = ch * WORDS_PER_CHUNK; w < w1; w++) {
            uint64_t b0, b1;
            if (form)
                compact_bits(bits, n, pos, w, &b0, &b1);
            else
                out_bits(bits, n, pos, w, &b0, &b1);
            double *ow = o + 128 * w;
            if (nj == 64) {
                for (size_t j = 0; j < 64; j += 2)
                    memcpy(ow + 2 * j, pair[((b0 >> j) & 3) | (((b1 >> j) & 3) << 2)], sizeof pair[0]);
            } else {
                for (size_t j = 0; j < nj; j++)
                    memcpy(ow + 2 * j, c[((b0 >> j) & 1) * 2 + ((b1 >> j) & 1)], sizeof c[0]);
            }
        }
    });
}

/* The four sums from the counts of pair_counts and the output values. */
static void rho_of_counts(const uint64_t cnt[8], const double c[4][2], double rho[4])
{
    /* Value of an output = (-1)^b0 g[b0 ^ b1], g = (c[0], c[1]): the sums
     * over pairs are counts times |g|^2 and g[x0] conj(g[x1]). */
    rho[0] = rho[1] = rho[2] = rho[3] = 0;
    for (int k = 0; k < 4; k++) {
        const double *g0 = c[k >> 1], *g1 = c[k & 1];
        const double m = (double)cnt[k], sgn = (double)cnt[k] - 2.0 * (double)cnt[4 + k];
        rho[0] += m * (g0[0] * g0[0] + g0[1] * g0[1]);
        rho[1] += m * (g1[0] * g1[0] + g1[1] * g1[1]);
        rho[2] += sgn * (g0[0] * g1[0] + g0[1] * g1[1]);
        rho[3] += sgn * (g0[1] * g1[0] - g0[0] * g1[1]);
    }
}

void hs_bitcell_collapse(hs_amp *amp, const uint64_t *bits, int n, int pos, int np, double a, hs_amp v0,
                         hs_amp v1, double rho[4])
{
    assert(n >= 1 && pos >= 0 && pos < n && np < n - 1 && (np < 0 || n >= 2));
    double c[4][2];
    out_values(a, v0, v1, c);
    write_outputs(amp, bits, n, pos, 0, c);
    if (np < 0)
        return;
    /* The pair's bits (core/bitcell.h): the measured top bit, or the top
     * bit moving into pos as the next site, or the next site elsewhere. */
    const size_t H = (size_t)1 << (n - 1), P = (size_t)1 << pos, NP = (size_t)1 << np;
    const size_t eb = pos == n - 1 ? H : P, ep = pos == n - 1 ? NP : np == pos ? H : NP;
    uint64_t cnt[8];
    pair_counts(bits, n, eb, ep, cnt);
    rho_of_counts(cnt, c, rho);
}

void hs_bitcell_compact(hs_amp *amp, const uint64_t *bits, int n, int q, double a, hs_amp v0, hs_amp v1)
{
    assert(n >= 1 && q >= 0 && q < n);
    double c[4][2];
    out_values(a, v0, v1, c);
    write_outputs(amp, bits, n, q, 1, c);
}
