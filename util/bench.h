/* The one benchmark harness (`bench engine`, `bench baselines`, `suite
 * engine`), after STREAM and the OSU micro-benchmarks: an untimed set-up
 * before every run, `warmup` untimed runs, then `repeats` timed runs, each
 * repeated until it has taken at least `min_seconds` (time per run = total /
 * runs); min, median and max over the repeats. The timer's granularity is
 * measured once (STREAM's checktick) and a median below 20 ticks is
 * reported on stderr. Callers verify their results after timing. */
#ifndef HS_BENCH_H
#define HS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "write.h"

typedef struct {
    double med, min, max; /* seconds per run */
    long runs;            /* timed runs in all repeats */
} hs_bench_stats;

typedef struct {
    const char *name; /* for the granularity warning */
    int warmup, repeats;
    double min_seconds;
    void *ctx;
    void (*setup)(void *ctx);        /* untimed, before every run; may be NULL */
    void (*run)(void *ctx);          /* the timed body */
    /* Called right before and right after each timed run (untimed: MPI
     * barrier, counters); may be NULL. */
    void (*before)(void *ctx);
    void (*after)(void *ctx, int repeat);
    /* Turns this process's seconds of a repeat into the reported value (the
     * slowest rank's under MPI); may be NULL. */
    double (*reduce)(void *ctx, double seconds);
} hs_bench;

/* Runs b; out gets the statistics of seconds per run. */
void hs_bench_time(const hs_bench *b, hs_bench_stats *out);

/* Seconds between distinct readings of the clock (hs_sys_now), measured
 * once per process as the smallest of 20 differences. */
double hs_bench_tick(void);

/* Sorts t[0..n) and fills min, median, max; n >= 1. */
void hs_bench_summarise(double *t, int n, hs_bench_stats *out);
/* qsort comparator for doubles. */
int hs_bench_cmp_double(const void *a, const void *b);

/* The memory-bandwidth reference: one streaming read+write pass over
 * a[0..len) (a[i] *= 0.999999), OpenMP static schedule. */
void hs_bench_stream(hs_amp *a, size_t len);

/* The one-way calibration loops beside it: a read-only pass (returns the
 * sum of the parts, so the loop is not elided) and a write-only pass
 * (a[i] = v, as the engine writes |+>: streaming stores where
 * core/stream.h uses them): the floors of a query (reads all, writes
 * half) and of a layer written from |+> (writes all). */
double hs_bench_read(const hs_amp *a, size_t len);
void hs_bench_write(hs_amp *a, size_t len, double v);

/* The engine benchmarks' workload: ell writes drawn uniformly among the
 * binom(n,k) hyperedges from the stream (seed, 0, writes), reduced to the
 * hyperedges of nonzero multiplicity mod d in e[0 .. returned count); e has
 * room for binom(n,k) entries. */
size_t hs_bench_writes(int n, int k, int d, uint64_t ell, uint64_t seed, hs_edge *e);

#endif
