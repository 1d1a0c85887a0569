/* Helpers of the trained-model tests (double precision, hs_nn64): central
 * finite differences, relative errors, seeded random fills, and the loss of
 * a model on a batch as a function of its parameters. */
#ifndef HS_TEST_NN_CHECK_H
#define HS_TEST_NN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"

/* Central difference of f with respect to each x[i], step eps: g[i] =
 * (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). x is restored. */
void nn_check_numeric(double (*f)(void *), void *ctx, hs_real *x, size_t n, double eps, double *g);
/* ||a - b|| / max(||a||, ||b||) (Euclidean norms); 0 when both are 0. */
double nn_check_relerr(const double *a, const double *b, size_t n);
double nn_check_norm(const double *a, size_t n);
/* x[i] uniform in [-scale, scale] from the stream (seed, 0, HS_RNG_TRAIN). */
void nn_check_fill(hs_real *x, size_t n, uint64_t seed, double scale);

/* A model, one batch and its targets: loss() is the mean cross-entropy (nats)
 * over the B npos scored outputs, the objective the trainer minimises. */
typedef struct {
    hs_nn *net;
    hs_nn_ws *ws;
    uint32_t *tok; /* [B T] */
    int *target;   /* [B npos] */
    int B, T, npos;
    hs_real *logits, *probs, *dlogits; /* [B npos nout] */
} nn_check_batch;

void nn_check_batch_new(nn_check_batch *c, const hs_nn_hparams *hp, int B, int T, const int *pos,
                        int npos, uint64_t seed);
void nn_check_batch_free(nn_check_batch *c);
/* f(ctx) for nn_check_numeric: ctx is an nn_check_batch. */
double nn_check_loss(void *ctx);
/* Analytic gradient of nn_check_loss into net->grads (zeroed first). */
void nn_check_grad(nn_check_batch *c);
/* Compares the analytic gradient of every tensor against central differences
 * (step eps); returns the largest per-tensor relative error and, in
 * *min_norm, the smallest per-tensor gradient norm (a vacuous check has 0). */
double nn_check_model(nn_check_batch *c, double eps, double *min_norm);

/* Whether every value of the state crossing the context boundary of every
 * sequence of c's batch (after its forward pass) is one of the 2^bits
 * levels of [-range_i, range_i], range_i the range of value i
 * (ranges(hp, i)). */
int nn_check_quantised(nn_check_batch *c, int bits, double (*range)(const hs_nn_hparams *hp, int i));

#endif
