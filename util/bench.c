/* Benchmark harness: warm-up, repeats, min/median/max, timer granularity;
 * the bandwidth reference pass and the engine benchmarks' write workload. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "combin.h"
#include "hsmt.h"
#include "rng.h"
#include "stream.h"
#include "sys.h"

int hs_bench_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void hs_bench_summarise(double *t, int n, hs_bench_stats *out)
{
    qsort(t, (size_t)n, sizeof *t, hs_bench_cmp_double);
    out->min = t[0];
    out->max = t[n - 1];
    out->med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

double hs_bench_tick(void)
{
    static double tick;
    if (tick > 0)
        return tick;
    double best = 1.0;
    for (int i = 0; i < 20; i++) {
        const double t0 = hs_sys_now();
        double t1;
        while ((t1 = hs_sys_now()) == t0)
            ;
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    tick = best;
    return tick;
}

void hs_bench_time(const hs_bench *b, hs_bench_stats *out)
{
    const int R = b->repeats > 0 ? b->repeats : 1;
    double *t = hs_alloc((size_t)R * sizeof *t);
    for (int w = 0; w < b->warmup; w++) {
        if (b->setup)
            b->setup(b->ctx);
        b->run(b->ctx);
    }
    out->runs = 0;
    for (int r = 0; r < R; r++) {
        double total = 0;
        long runs = 0;
        do {
            if (b->setup)
                b->setup(b->ctx);
            if (b->before)
                b->before(b->ctx);
            const double t0 = hs_sys_now();
            b->run(b->ctx);
            total += hs_sys_now() - t0;
            if (b->after)
                b->after(b->ctx, r);
            runs++;
        } while (total < b->min_seconds);
        t[r] = b->reduce ? b->reduce(b->ctx, total / (double)runs) : total / (double)runs;
        out->runs += runs;
    }
    hs_bench_summarise(t, R, out);
    hs_sys_free(t);
    const double tick = hs_bench_tick();
    if (out->med < 20 * tick)
        fprintf(stderr, "bench: %s: median %.3g s is under 20 clock ticks (%.3g s each): timings are coarse\n",
                b->name ? b->name : "run", out->med, tick);
}

void hs_bench_stream(hs_amp *a, size_t len)
{
#pragma omp parallel for schedule(static) if (hs_sys_par(len))
    for (size_t i = 0; i < len; i++)
        a[i] *= 0.999999;
}

double hs_bench_read(const hs_amp *a, size_t len)
{
    /* Four independent sums per iteration: one chain of dependent adds
     * would be bound by the add latency, not by memory. */
    const double *x = (const double *)a;
    const size_t m = 2 * len;
    double acc = 0;
#pragma omp parallel for schedule(static) reduction(+ : acc) if (hs_sys_par(len))
    for (size_t i = 0; i < m / 4; i++)
        acc += (x[4 * i] + x[4 * i + 1]) + (x[4 * i + 2] + x[4 * i + 3]);
    for (size_t i = m / 4 * 4; i < m; i++)
        acc += x[i];
    return acc;
}

void hs_bench_write(hs_amp *a, size_t len, double v) { hs_stream_fill(a, len, v); }

size_t hs_bench_writes(int n, int k, int d, uint64_t ell, uint64_t seed, hs_edge *e)
{
    const uint64_t M = hs_comb_binom(n, k);
    long *count = hs_calloc(M, sizeof *count);
    hs_rng rng;
    hs_rng_init(&rng, seed, 0, HS_RNG_WRITES);
    for (uint64_t t = 0; t < ell; t++)
        count[hs_rng_below(&rng, M)]++;
    size_t ne = 0;
    for (uint64_t r = 0; r < M; r++)
        if (count[r] % d) {
            e[ne++] = (hs_edge){hs_comb_unrank_mask(r, n, k), (int)(count[r] % d)};
        }
    hs_sys_free(count);
    return ne;
}
