/* Gradient variance over random initialisations, three readings of the
 * loss (suites/gradvar.h). */
#include "gradvar.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ansatz.h"
#include "dkgrad.h"
#include "dsource.h"
#include "grad.h"
#include "khrnn_grad.h"
#include "rng.h"
#include "score.h"
#include "stats.h"
#include "sys.h"

static const char *readings[HS_GV_READINGS] = {"first", "all", "last"};

const char *hs_gradvar_reading_name(int reading)
{
    return reading >= 0 && reading < HS_GV_READINGS ? readings[reading] : "?";
}

void hs_gradvar_parts(int ansatz, int k, int *w0, int *w1)
{
    *w0 = ansatz ? 0 : 1;
    *w1 = ansatz ? 2 * k : k + 1;
}

/* The samples' gradients of one reading: g[s * P + j], and the parameters
 * [j0, j1) whose variances are averaged. */
typedef struct {
    const double *g;
    int P, j0, j1;
} var_ctx;

/* Mean over j in [j0, j1) of the sample variance of g[idx[.]][j]. */
static double mean_var(const int *idx, int n, void *vctx)
{
    const var_ctx *c = vctx;
    double v = 0;
    for (int j = c->j0; j < c->j1; j++) {
        double mean = 0, m2 = 0;
        for (int i = 0; i < n; i++) { /* Welford: stable for tiny variances */
            const double x = c->g[(size_t)idx[i] * c->P + j], d = x - mean;
            mean += d / (i + 1);
            m2 += d * (x - mean);
        }
        v += m2 / (n - 1);
    }
    return v / (c->j1 - c->j0);
}

/* The statistic and its interval for parameters [j0, j1) of one reading;
 * zeros when the model has none there. */
static void summarise(const double *g, int S, int P, int j0, int j1, const hs_gradvar_opts *o, uint64_t salt,
                      double *v, double *lo, double *hi)
{
    *v = *lo = *hi = 0;
    if (j1 <= j0)
        return;
    var_ctx c = {g, P, j0, j1};
    int *all = hs_alloc((size_t)S * sizeof *all);
    for (int i = 0; i < S; i++)
        all[i] = i;
    *v = mean_var(all, S, &c);
    hs_sys_free(all);
    hs_stats_bootstrap(S, mean_var, &c, o->boot_reps, o->level, o->seed ^ salt, lo, hi);
}

/* Initialisation s: every angle uniform in [-width, width] from its own
 * stream. */
static void draw_init(const hs_gradvar_opts *o, long s, int P, double *x)
{
    hs_rng rng;
    hs_rng_init(&rng, o->seed, (uint64_t)s, HS_RNG_PARAMS);
    for (int j = 0; j < P; j++)
        x[j] = o->width * (2.0 * hs_rng_uniform(&rng) - 1.0);
}

/* One initialisation: the gradients of the three readings into
 * g[reading][P] and their losses; 0, or -1 when an outcome has weight 0. */
static int one_init(const hs_hsmt *t, const hs_gradvar_opts *o, const hs_seq *seqs, long s, int P, double *x,
                    double *r, double *dr, double *gout[HS_GV_READINGS], double loss[HS_GV_READINGS])
{
    draw_init(o, s, P, x);
    hs_khrnn km;
    hs_ansatz am;
    if (o->ansatz) {
        hs_ansatz_random(&am, t, 0); /* the shape; the angles are x */
        hs_ansatz_set(&am, x);
    } else {
        hs_khrnn_random(&km, t, 0);
        hs_khrnn_grad_set(&km, x);
    }
    for (int a = 0; a < HS_GV_READINGS; a++) {
        memset(gout[a], 0, (size_t)P * sizeof *gout[a]);
        loss[a] = 0;
    }
    const int q = t->q;
    for (long i = 0; i < o->batch; i++) {
        const int rc = o->ansatz ? hs_ansatz_grad_predict(&am, &seqs[i], r, dr)
                                 : hs_khrnn_grad_predict(&km, &seqs[i], r, dr);
        if (rc != 0)
            return -1;
        /* first: output 0; last: output q - 1; all: the mean over outputs. */
        loss[HS_GV_FIRST] += hs_grad_output_loss(&seqs[i], r, dr, P, HS_LOSS_CE, 0, gout[HS_GV_FIRST]);
        loss[HS_GV_LAST] += hs_grad_output_loss(&seqs[i], r, dr, P, HS_LOSS_CE, q - 1, gout[HS_GV_LAST]);
        loss[HS_GV_ALL] += hs_grad_seq_loss(&seqs[i], r, dr, P, HS_LOSS_CE, gout[HS_GV_ALL]);
    }
    const double per[HS_GV_READINGS] = {(double)o->batch, (double)o->batch * q, (double)o->batch};
    for (int a = 0; a < HS_GV_READINGS; a++) {
        loss[a] /= per[a];
        for (int j = 0; j < P; j++)
            gout[a][j] /= per[a];
    }
    return 0;
}

/* The readings from the samples' gradients g[a][s * P + j] and losses
 * loss[s * HS_GV_READINGS + a]. */
static void readings_of(const hs_hsmt *t, const hs_gradvar_opts *o, double *const g[HS_GV_READINGS],
                        const double *loss, int S, int P, hs_gradvar_reading out[HS_GV_READINGS])
{
    int w0, w1;
    hs_gradvar_parts(o->ansatz, t->k, &w0, &w1);
    for (int a = 0; a < HS_GV_READINGS; a++) {
        hs_gradvar_reading *R = &out[a];
        /* Distinct resample streams per reading and part (salt). */
        summarise(g[a], S, P, w0, w1, o, 2 * (uint64_t)a + 1, &R->var_write, &R->lo_write, &R->hi_write);
        summarise(g[a], S, P, w1, P, o, 2 * (uint64_t)a + 2, &R->var_query, &R->lo_query, &R->hi_query);
        R->abs_mean = R->loss = 0;
        for (int s = 0; s < S; s++) {
            for (int j = w0; j < w1; j++)
                R->abs_mean += fabs(g[a][(size_t)s * P + j]);
            R->loss += loss[(size_t)s * HS_GV_READINGS + a];
        }
        R->abs_mean /= (double)S * (w1 - w0);
        R->loss /= S;
    }
}

/* What both measurements hold: the B sequences and, per reading a and
 * initialisation s, the gradient g[a][s * P + j] and the loss. */
typedef struct {
    long B;
    hs_seq *seqs;
    double *g[HS_GV_READINGS], *loss;
} gv_work;

static void work_alloc(gv_work *w, long B, int S, int P)
{
    w->B = B;
    w->seqs = hs_calloc((size_t)B, sizeof *w->seqs);
    w->loss = hs_calloc((size_t)S * HS_GV_READINGS, sizeof *w->loss);
    for (int a = 0; a < HS_GV_READINGS; a++)
        w->g[a] = hs_calloc((size_t)S * (size_t)P, sizeof *w->g[a]);
}

static void work_free(gv_work *w)
{
    for (long i = 0; i < w->B; i++)
        hs_seq_free(&w->seqs[i]);
    hs_sys_free(w->seqs);
    for (int a = 0; a < HS_GV_READINGS; a++)
        hs_sys_free(w->g[a]);
    hs_sys_free(w->loss);
}

int hs_gradvar_measure(const hs_hsmt *t, const hs_gradvar_opts *o, hs_gradvar_reading out[HS_GV_READINGS],
                       int *nparams, char *err, size_t errlen)
{
    const long B = o->batch;
    const int S = (int)o->samples;
    hs_khrnn km;
    hs_ansatz am;
    hs_khrnn_random(&km, t, 0);
    hs_ansatz_random(&am, t, 0);
    const int P = o->ansatz ? hs_ansatz_nparams(&am) : hs_khrnn_grad_nparams(&km);
    gv_work w;
    work_alloc(&w, B, S, P);
    hs_seq *seqs = w.seqs;
    double **g = w.g, *loss = w.loss;
    hs_gen *gen = hs_gen_new(t);
    for (long i = 0; i < B; i++)
        hs_gen_sequence(gen, (uint64_t)i, &seqs[i]);
    hs_gen_free(gen);
    int failed = 0, stopped = 0;
    /* Initialisations in parallel, each written to its own slot: the
     * numbers do not depend on the thread count. */
#pragma omp parallel reduction(| : failed, stopped)
    {
        double *x = hs_alloc((size_t)P * sizeof *x), *r = hs_alloc((size_t)t->q * 2 * sizeof *r);
        double *dr = hs_alloc((size_t)t->q * 2 * (size_t)P * sizeof *dr);
#pragma omp for schedule(dynamic, 1)
        for (int s = 0; s < S; s++) {
            if (failed || stopped || (o->stop && o->stop())) {
                stopped = 1;
                continue;
            }
            double *gs[HS_GV_READINGS], ls[HS_GV_READINGS];
            for (int a = 0; a < HS_GV_READINGS; a++)
                gs[a] = g[a] + (size_t)s * P;
            if (one_init(t, o, seqs, s, P, x, r, dr, gs, ls) != 0)
                failed = 1;
            for (int a = 0; a < HS_GV_READINGS; a++)
                loss[(size_t)s * HS_GV_READINGS + a] = ls[a];
        }
        hs_sys_free(x);
        hs_sys_free(r);
        hs_sys_free(dr);
    }
    int rc = failed ? -1 : stopped ? 1 : 0;
    if (failed)
        snprintf(err, errlen, "%s, k = %d, n = %d: a fed-back outcome has model probability 0 at some "
                 "initialisation", o->ansatz ? "ansatz" : "k-HRNN", t->k, t->n);
    if (rc == 0)
        readings_of(t, o, g, loss, S, P, out);
    *nparams = P;
    work_free(&w);
    return rc;
}

int hs_gradvar_measure_sharded(const hs_hsmt *t, const hs_gradvar_opts *o, hs_gradvar_reading out[HS_GV_READINGS],
                               int *nparams)
{
    assert(!o->ansatz && t->d == 2);
    const long B = o->batch;
    const int S = (int)o->samples, q = t->q;
    hs_khrnn km;
    hs_khrnn_random(&km, t, 0);
    const int P = hs_khrnn_grad_nparams(&km);
    gv_work w;
    work_alloc(&w, B, S, P);
    hs_seq *seqs = w.seqs;
    double **g = w.g, *loss = w.loss;
    hs_dsource *src = hs_dsource_new(NULL);
    hs_dsource_draw(src, t, 0, B, seqs);
    hs_dsource_free(src); /* one state at a time: the generator's, then the model's */
    hs_dkgrad *dg = hs_dkgrad_new(t, NULL);
    double *x = hs_alloc((size_t)P * sizeof *x), *L = hs_alloc((size_t)q * sizeof *L);
    double *dL = hs_alloc((size_t)q * (size_t)P * sizeof *dL);
    int rc = 0;
    for (int s = 0; s < S && rc == 0; s++) {
        draw_init(o, s, P, x);
        double *gs[HS_GV_READINGS], *ls = loss + (size_t)s * HS_GV_READINGS;
        for (int a = 0; a < HS_GV_READINGS; a++)
            gs[a] = g[a] + (size_t)s * P;
        for (long i = 0; i < B && rc == 0; i++) {
            if (hs_dkgrad_outputs(dg, x, &seqs[i], HS_LOSS_CE, L, NULL, dL) != 0) {
                rc = -1;
                break;
            }
            /* The readings as one_init forms them: first, mean, last. */
            ls[HS_GV_FIRST] += L[0] / (double)B;
            ls[HS_GV_LAST] += L[q - 1] / (double)B;
            for (int u = 0; u < q; u++)
                ls[HS_GV_ALL] += L[u] / ((double)B * q);
            for (int j = 0; j < P; j++) {
                gs[HS_GV_FIRST][j] += dL[j] / (double)B;
                gs[HS_GV_LAST][j] += dL[(size_t)(q - 1) * P + j] / (double)B;
                for (int u = 0; u < q; u++)
                    gs[HS_GV_ALL][j] += dL[(size_t)u * P + j] / ((double)B * q);
            }
        }
    }
    if (rc == 0)
        readings_of(t, o, g, loss, S, P, out);
    *nparams = P;
    hs_dkgrad_free(dg);
    work_free(&w);
    hs_sys_free(x);
    hs_sys_free(L);
    hs_sys_free(dL);
    return rc;
}
