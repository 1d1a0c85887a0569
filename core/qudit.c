/* FFTW plans for the qudit basis change. */
#include "qudit.h"

#include <complex.h>
#include <math.h>

#include <fftw3.h>

#include "kern.h"
#include "kern_run.h"
#include "state.h"
#include "sys.h"

/* plan[n_act][pos]; NULL until first use. */
struct hs_fft {
    fftw_plan plan[64][64];
};

void hs_qudit_free(struct hs_fft *f)
{
    if (!f)
        return;
    for (int a = 0; a < 64; a++)
        for (int p = 0; p < 64; p++)
            if (f->plan[a][p])
                fftw_destroy_plan(f->plan[a][p]);
    hs_sys_free(f);
}

/* Transform of length d along axis pos (stride d^pos), batched over the d^pos
 * lower indices (stride 1) and the d^(n_act-1-pos) upper ones (stride d^(pos+1)).
 * FFTW_FORWARD computes sum_j x_j exp(-2 pi i j k / d) = sqrt(d) (F^dagger x)_k. */
static fftw_plan make_plan(struct hs_state *s, int pos)
{
    const int d = s->d;
    fftw_iodim64 batch[2] = {
        {.n = (ptrdiff_t)s->stride[pos], .is = 1, .os = 1},
        {.n = (ptrdiff_t)s->stride[s->n_act - 1 - pos], .is = (ptrdiff_t)s->stride[pos + 1],
         .os = (ptrdiff_t)s->stride[pos + 1]},
    };
    fftw_iodim64 dim64 = {.n = d, .is = (ptrdiff_t)s->stride[pos], .os = (ptrdiff_t)s->stride[pos]};
    fftw_complex *buf = (fftw_complex *)s->amp;
    fftw_plan p = fftw_plan_guru64_dft(1, &dim64, 2, batch, buf, buf, FFTW_FORWARD,
                                       FFTW_ESTIMATE);
    if (!p)
        hs_sys_fatal("FFTW could not plan a length-%d transform at position %d of %d", d, pos,
                     s->n_act);
    return p;
}

/* The chirp's diagonal on amplitudes [i0, i1): the runs of sp amplitudes
 * with one digit j at the site's position, each scaled by c[j] (one
 * division per call, not one per amplitude, which was most of this pass):
 * whole groups of d runs as nested loops (short runs, sp small), else run
 * by run (long runs). One body compiled for the x86-64 baseline and for AVX2 and chosen
 * with core/kern.h's variant; a complex product is the same four products
 * and two sums in either (no contraction), so the same bits. */
static inline __attribute__((always_inline)) void chirp_body(hs_amp *amp, size_t sp, int d, const hs_amp *c,
                                                             size_t i0, size_t i1)
{
    const size_t G = sp * (size_t)d;
    if (i0 % G == 0 && i1 % G == 0) {
        for (hs_amp *x = amp + i0; x < amp + i1;)
            for (int j = 0; j < d; j++, x += sp)
                for (size_t lo = 0; lo < sp; lo++)
                    x[lo] *= c[j];
        return;
    }
    size_t i = i0, end = i0 - i0 % sp + sp;
    int j = (int)((i0 / sp) % (size_t)d);
    while (i < i1) {
        const size_t e = end < i1 ? end : i1;
        const hs_amp cj = c[j];
        for (; i < e; i++)
            amp[i] *= cj;
        end += sp;
        if (++j == d)
            j = 0;
    }
}

typedef void (*chirp_fn)(hs_amp *, size_t, int, const hs_amp *, size_t, size_t);

static void chirp_generic(hs_amp *amp, size_t sp, int d, const hs_amp *c, size_t g0, size_t g1)
{
    chirp_body(amp, sp, d, c, g0, g1);
}

#if HS_KERN_X86
__attribute__((target("avx2"))) static void chirp_avx2(hs_amp *amp, size_t sp, int d, const hs_amp *c, size_t g0,
                                                        size_t g1)
{
    chirp_body(amp, sp, d, c, g0, g1);
}
#endif

static chirp_fn chirp_variant(void)
{
#if HS_KERN_X86
    if (hs_kern_get()->level == HS_KERN_AVX2)
        return chirp_avx2;
#endif
    return chirp_generic;
}

void hs_qudit_apply(struct hs_state *s, int pos, double chirp)
{
    const int d = s->d;
    if (!s->fft)
        s->fft = hs_calloc(1, sizeof *s->fft);
    fftw_plan *slot = &s->fft->plan[s->n_act][pos];
    if (!*slot)
        *slot = make_plan(s, pos);

    /* C_m scaled by 1/sqrt(d), indexed by the digit at pos. */
    hs_amp c[64];
    for (int j = 0; j < d; j++)
        c[j] = cexp(-I * M_PI * chirp * (double)j * (double)j / d) / sqrt((double)d);
    hs_amp *amp = s->amp;
    /* Chunks of about 2^14 amplitudes, whole groups of d runs where a group
     * is smaller: at the top position one group is the whole state, and it
     * still splits over threads. */
    const size_t len = s->len, sp = s->stride[pos], G = sp * (size_t)d;
    const chirp_fn run = chirp_variant();
    const size_t target = (size_t)1 << 14, chunk = G <= target ? target - target % G : target;
    const size_t nch = (len + chunk - 1) / chunk;
    HS_PAR_FOR(hs_sys_par(len), for (size_t ch = 0; ch < nch; ch++) {
        const size_t i1 = (ch + 1) * chunk < len ? (ch + 1) * chunk : len;
        run(amp, sp, d, c, ch * chunk, i1);
    });
    fftw_execute_dft(*slot, (fftw_complex *)amp, (fftw_complex *)amp);
}
