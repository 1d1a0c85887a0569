/* Adam on the k-HRNN's flattened parameters with exact NLL gradients, and
 * held-out evaluation against the exact conditionals. */
#include "khrnn_train.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "khrnn_grad.h"
#include "sys.h"

/* Adam moments (Kingma and Ba): the usual defaults. */
#define ADAM_B1 0.9
#define ADAM_B2 0.999
#define ADAM_EPS 1e-8

double hs_khrnn_train_lr(double lr, long s, long S)
{
    double f = S > 0 ? (double)s / (double)S : 0;
    return lr * (1.0 + 99.0 * 0.5 * (1.0 + cos(M_PI * f))) / 100.0;
}

/* Scores m on already drawn sequences with the tangent simulator's forward
 * pass (the engine's hs_khrnn_predict to 1e-12, tests/test_khrnn_grad.c):
 * predictions in parallel over sequences, scores added in index order. */
static int score_seqs(const hs_khrnn *m, const hs_seq *seqs, long count, hs_score *sc, char *err,
                      size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    int qmax = 1;
    for (long i = 0; i < count; i++)
        qmax = seqs[i].q > qmax ? seqs[i].q : qmax;
    double *r = hs_alloc((size_t)count * (size_t)qmax * 2 * sizeof *r);
    long bad = -1;
#pragma omp parallel for schedule(dynamic, 1) if (count > 1 && ((size_t)count << m->n) >= HS_GRAD_PAR_WORK) reduction(max : bad)
    for (long i = 0; i < count; i++)
        if (hs_khrnn_grad_predict(m, &seqs[i], r + (size_t)i * qmax * 2, NULL) != 0)
            bad = i > bad ? i : bad;
    if (bad >= 0) {
        snprintf(err, errlen, "sequence %llu: the k-HRNN gives the observed outcome probability 0",
                 (unsigned long long)seqs[bad].id);
        hs_sys_free(r);
        return -1;
    }
    for (long i = 0; i < count; i++)
        for (int t = 0; t < seqs[i].q; t++)
            hs_score_add(sc, seqs[i].probs + 2 * t, r + ((size_t)i * qmax + t) * 2, 2, seqs[i].outcomes[t]);
    hs_sys_free(r);
    return 0;
}

/* One generator per OpenMP thread: drawing runs in parallel over sequences,
 * so the engine's passes inside each draw run on one thread (short passes
 * on small states cost more in thread synchronisation than they save). */
typedef struct {
    int nt;
    hs_gen **g;
} gen_pool;

static void pool_open(gen_pool *p, const hs_hsmt *cfg)
{
    p->nt = omp_get_max_threads();
    p->g = hs_alloc((size_t)p->nt * sizeof *p->g);
    for (int i = 0; i < p->nt; i++)
        p->g[i] = hs_gen_new(cfg);
}

static void pool_close(gen_pool *p)
{
    for (int i = 0; i < p->nt; i++)
        hs_gen_free(p->g[i]);
    hs_sys_free(p->g);
    p->nt = 0;
    p->g = NULL;
}

/* Draws sequences first .. first + count - 1 into seqs (zeroed or reused);
 * sequence i depends only on (cfg, first + i), not on the thread. */
static void draw(const gen_pool *p, uint64_t first, long count, hs_seq *seqs)
{
#pragma omp parallel if (count > 1)
    {
        hs_gen *g = p->g[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (long i = 0; i < count; i++)
            hs_gen_sequence(g, first + (uint64_t)i, &seqs[i]);
    }
}

int hs_khrnn_train_eval(const hs_khrnn *m, const hs_hsmt *cfg, uint64_t first, long count,
                        hs_score *sc, char *err, size_t errlen)
{
    if (cfg->d != 2) {
        snprintf(err, errlen, "k-HRNN evaluation: d = %d, only qubits (d = 2) are supported", cfg->d);
        return -1;
    }
    gen_pool pool;
    pool_open(&pool, cfg);
    hs_seq *seqs = hs_calloc((size_t)(count > 0 ? count : 1), sizeof *seqs);
    draw(&pool, first, count, seqs);
    int rc = score_seqs(m, seqs, count, sc, err, errlen);
    for (long i = 0; i < count; i++)
        hs_seq_free(&seqs[i]);
    hs_sys_free(seqs);
    pool_close(&pool);
    return rc;
}

/* Whether the log-spaced schedule logs after `s` updates: s = 0, or s is the
 * rounding of 10^(i/10) for some integer i (about 10 points per decade). */
static int log_spaced(long s)
{
    if (s <= 0)
        return 1;
    double i = round(10.0 * log10((double)s));
    for (double di = -1; di <= 1; di++) {
        long v = lround(pow(10.0, (i + di) / 10.0));
        if (v == s)
            return 1;
    }
    return 0;
}

/* The curriculum's stages: ell_s = min(2^s, ell) for s < returned count
 * (1 stage of ell itself when off or ell <= 1). */
static int stages(const hs_hsmt *cfg, int curriculum, long *ell_s)
{
    if (!curriculum || cfg->ell <= 1) {
        ell_s[0] = cfg->ell;
        return 1;
    }
    int S = 0;
    for (long e = 1;; e *= 2) {
        ell_s[S++] = e < cfg->ell ? e : cfg->ell;
        if (e >= cfg->ell)
            return S;
    }
}

/* First update of stage i of S over `steps`: the S - 1 shorter stages share
 * the first half equally, the last stage (cfg's ell) has the second half,
 * where convergence to the exact parameters is slowest. */
static long stage_begin(int i, int S, long steps)
{
    if (i >= S)
        return steps;
    if (i == 0)
        return 0;
    return (long)((double)steps / 2 * (double)i / (double)(S - 1));
}

/* Training sequences are drawn this many at a time (whole steps, within one
 * stage), so drawing costs one parallel region per block rather than per step. */
#define DRAW_BLOCK 1024

int hs_khrnn_train(hs_khrnn *m, const hs_hsmt *cfg, const hs_khrnn_train_opts *o,
                   hs_khrnn_train_result *res, char *err, size_t errlen)
{
    if (cfg->d != 2) {
        snprintf(err, errlen, "k-HRNN training: d = %d, only qubits (d = 2) are supported", cfg->d);
        return -1;
    }
    if (o->steps < 0 || o->batch < 1 || !(o->lr > 0) || o->eval < 1 || o->every < 0) {
        snprintf(err, errlen,
                 "k-HRNN training: steps=%ld batch=%d lr=%g eval=%ld every=%ld (need steps >= 0, "
                 "batch >= 1, lr > 0, eval >= 1, every >= 0)",
                 o->steps, o->batch, o->lr, o->eval, o->every);
        return -1;
    }
    hs_khrnn_random(m, cfg, o->seed);
    const int P = hs_khrnn_grad_nparams(m);
    double *x = hs_alloc((size_t)P * sizeof *x), *g = hs_alloc((size_t)P * sizeof *g);
    double *mom1 = hs_calloc((size_t)P, sizeof *mom1), *mom2 = hs_calloc((size_t)P, sizeof *mom2);
    long ell_s[64];
    const int S = stages(cfg, o->curriculum, ell_s);
    /* Steps per drawn block, and the block: steps [blk0, blk1). */
    const long per_block = o->batch >= DRAW_BLOCK ? 1 : DRAW_BLOCK / o->batch;
    hs_seq *block = hs_calloc((size_t)per_block * (size_t)o->batch, sizeof *block);
    hs_seq *held = hs_calloc((size_t)o->eval, sizeof *held);
    gen_pool pool;
    pool_open(&pool, cfg);
    draw(&pool, HS_KHRNN_TRAIN_EVAL_FIRST, o->eval, held);
    hs_khrnn_grad_get(m, x);

    int rc = 0, stage = -1;
    long stage0 = 0, stage1 = 0, blk0 = 0, blk1 = 0;
    double seconds = 0;
    hs_score sc;
    for (long s = 0;; s++) {
        /* s updates done: log, then stop or take update s. */
        const int last = s == o->steps;
        if (last || (o->every > 0 ? s % o->every == 0 : log_spaced(s))) {
            if ((rc = score_seqs(m, held, o->eval, &sc, err, errlen)) != 0)
                break;
            const double ex = sc.kl / (double)sc.outputs, ce = sc.ce / (double)sc.outputs;
            if (o->log)
                o->log(o->log_ctx, s, ex, ce);
            if (o->progress)
                fprintf(stderr, "khrnn-train: step %ld/%ld excess %.4g bits ce %.6g bits (%.1f s)\n",
                        s, o->steps, ex, ce, seconds);
        }
        if (last)
            break;
        const double t0 = hs_sys_now();
        while (s >= stage1) {
            stage++;
            stage0 = stage_begin(stage, S, o->steps);
            stage1 = stage_begin(stage + 1, S, o->steps);
            hs_hsmt cs = *cfg;
            cs.ell = ell_s[stage];
            pool_close(&pool);
            pool_open(&pool, &cs);
            blk0 = blk1 = s;
        }
        if (s >= blk1) {
            blk0 = s;
            blk1 = s + per_block < stage1 ? s + per_block : stage1;
            draw(&pool, (uint64_t)s * (uint64_t)o->batch, (blk1 - blk0) * o->batch, block);
        }
        const hs_seq *batch = block + (size_t)(s - blk0) * (size_t)o->batch;
        double loss = hs_khrnn_grad_loss(m, cfg, batch, o->batch, HS_LOSS_NLL, g);
        /* An infinite loss (fed-back outcome of model probability 0) has no
         * gradient to follow: skip the update. */
        if (isfinite(loss)) {
            const double peak = S > 1 ? o->lr / sqrt((double)ell_s[stage]) : o->lr;
            const double lr = hs_khrnn_train_lr(peak, s - stage0, stage1 - stage0);
            const double c1 = 1.0 - pow(ADAM_B1, (double)(s + 1)), c2 = 1.0 - pow(ADAM_B2, (double)(s + 1));
            for (int j = 0; j < P; j++) {
                mom1[j] = ADAM_B1 * mom1[j] + (1 - ADAM_B1) * g[j];
                mom2[j] = ADAM_B2 * mom2[j] + (1 - ADAM_B2) * g[j] * g[j];
                x[j] -= lr * (mom1[j] / c1) / (sqrt(mom2[j] / c2) + ADAM_EPS);
            }
            hs_khrnn_grad_set(m, x);
        }
        seconds += hs_sys_now() - t0;
    }
    if (rc == 0 && res)
        *res = (hs_khrnn_train_result){.excess_bits = sc.kl / (double)sc.outputs,
                                       .loss_bits = sc.ce / (double)sc.outputs,
                                       .seconds = seconds};
    for (long i = 0; i < per_block * o->batch; i++)
        hs_seq_free(&block[i]);
    for (long i = 0; i < o->eval; i++)
        hs_seq_free(&held[i]);
    hs_sys_free(block);
    hs_sys_free(held);
    pool_close(&pool);
    hs_sys_free(x);
    hs_sys_free(g);
    hs_sys_free(mom1);
    hs_sys_free(mom2);
    return rc;
}
