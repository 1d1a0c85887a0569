/* Exact gradients of qubit sequence models by forward-mode tangents: a small
 * dense n-qubit simulator that carries the state psi together with its
 * derivatives dpsi/dx_j for P parameters x through every gate, and the query
 * cell (basis change, outcome distribution, projection, discard) with the
 * derivatives of the predicted distribution. Shared by the k-HRNN
 * (core/khrnn_grad.h) and the generic layered ansatz (core/ansatz.h).
 *
 * State and conventions:
 *   vector 0 is psi, vector 1 + j is dpsi/dx_j, each 2^n_act amplitudes with
 *   the site at position p as bit p of the index (sites start at position =
 *   label, as in hs_state). A tangent that is identically zero is "dead" and
 *   skipped; gates whose parameters it is make it live.
 *   Measurement keeps the state unnormalised in the sense of the model
 *   (r_t(o) = ||P_o V_t psi_t||^2 / ||psi_t||^2 with psi_{t+1} = P_{o_t} V_t
 *   psi_t, the measured site discarded), but after each projection psi and
 *   all tangents are divided by the same number ||P_o V psi||: r is
 *   homogeneous of degree 0 in (psi, dpsi) jointly, so this constant rescaling
 *   leaves every r and dr unchanged and only keeps the numbers near 1.
 *   The discarded site's position is taken by the top position (as in
 *   hs_state), so the state stays a dense prefix and halves in place.
 *
 * Threads: passes over the state split the amplitudes into fixed chunks (each
 * amplitude's result is computed the same way on any thread), reductions are
 * one serial sum per vector run in parallel over vectors, and
 * hs_grad_mean_loss runs sequences in parallel and combines them in index
 * order: results do not depend on the thread count. */
#ifndef HS_GRAD_H
#define HS_GRAD_H

#include <stddef.h>

#include "hsmt.h"
#include "score.h"
#include "state.h"
#include "train.h"


typedef struct {
    int n;          /* sites at creation */
    int n_act;      /* active positions */
    int nparams;    /* P */
    size_t len;     /* 2^n_act amplitudes in use per vector */
    size_t cap;     /* 2^n: stride between vectors */
    hs_amp *buf;    /* [(1 + P) * cap] */
    unsigned char *live; /* [1 + P]; live[0] = 1 */
    int *lv;        /* [1 + P] scratch: indices of live vectors */
    int *has;       /* [1 + P] scratch of hs_grad_gate */
    hs_amp (*dm)[4];     /* [1 + P] scratch of hs_grad_gate */
    double (*sums)[2];   /* [1 + P] scratch of hs_grad_measure */
    int pos_of_site[64];
    int site_at_pos[64];
} hs_grad_sim;

/* A simulator for n <= 30 qubits and P >= 0 parameters ((1 + P) 2^n
 * amplitudes; callers check the memory). */
hs_grad_sim *hs_grad_new(int n, int nparams);
void hs_grad_free(hs_grad_sim *s);
/* psi = |+>^n on all n sites (identity site map), all tangents dead. */
void hs_grad_init_plus(hs_grad_sim *s);
/* Vector v (0: psi, 1 + j: dpsi/dx_j); marking a tangent live means its
 * amplitudes [0, len) have been written by the caller. */
static inline hs_amp *hs_grad_vec(hs_grad_sim *s, int v) { return s->buf + (size_t)v * s->cap; }
void hs_grad_set_live(hs_grad_sim *s, int v);

/* Applies the 2x2 unitary u (u[row * 2 + col]) to `site`. The gate depends on
 * np parameters: du[a] = du/dx_{param[a]}, so that
 *   dpsi_j <- u dpsi_j + sum_{a: param[a] = j} du[a] psi. */
void hs_grad_gate(hs_grad_sim *s, int site, const hs_amp u[4], int np, const int *param,
                  const hs_amp (*du)[4]);
/* Multiplies every vector by (-1)^(z_a z_b + z_b z_c + ...) for the ladder of
 * CZ gates along sites[0..m-1] (parameter-free, diagonal). */
void hs_grad_cz_ladder(hs_grad_sim *s, const int *sites, int m);

/* The query cell's measurement: after the basis change has been applied,
 * r[2] = outcome distribution of `site`, dr[o * P + j] = d r(o) / d x_j (dr
 * may be NULL); then conditions on `outcome` and discards the site. Returns
 * -1 (state unchanged) when the outcome has weight 0. */
int hs_grad_measure(hs_grad_sim *s, int site, int outcome, double r[2], double *dr);

/* V = Rz(a) Ry(b) Rz(g) for ang = (a, b, g), exactly as hs_khrnn_unitary, and
 * its three partial derivatives dv[0..2] (by a, b, g). */
void hs_grad_euler(const double ang[3], hs_amp v[4], hs_amp dv[3][4]);

/* The query phase shared by both models: for t < s->q, applies V_{b_t}
 * (Euler angles angles[b_t], parameters pbase + 3 b_t + {0,1,2}) to site s_t
 * and measures it with the fed-back outcome o_t. r[t * 2 + o], dr[(t * 2 + o)
 * * P + j] (dr may be NULL). Returns -1 when an outcome has model weight 0. */
int hs_grad_queries(hs_grad_sim *s, const hs_seq *seq, const double (*angles)[3], int pbase,
                    double *r, double *dr);

/* Loss of output t of one sequence (bits) from r and dr as above; adds
 * d loss / d x_j into g[P] when g is not NULL. */
double hs_grad_output_loss(const hs_seq *seq, const double *r, const double *dr, int nparams, int kind, int t,
                           double *g);
/* The sum of hs_grad_output_loss over the sequence's q outputs. */
double hs_grad_seq_loss(const hs_seq *seq, const double *r, const double *dr, int nparams, int kind,
                        double *g);

/* A model's forward pass on a simulator with room for its parameters:
 * writes r (and dr when not NULL, tangents then enabled), returns 0 or -1 as
 * hs_grad_queries. */
typedef int (*hs_grad_forward)(const void *model, hs_grad_sim *sim, const hs_seq *seq, double *r,
                               double *dr);
/* Below this many amplitudes in total (sequences x 2^n) a loop over
 * sequences runs on one thread: thread synchronisation would cost more. */
#define HS_GRAD_PAR_WORK ((size_t)1 << 14)

/* Mean loss per output (bits) over seqs[0..count) and its gradient g[P] (g
 * may be NULL: no tangents are carried); r (may be NULL) receives the
 * predictions, r[(i q + t) 2 + o], every sequence having q queries.
 * Sequences run in parallel (one simulator per thread) and are combined in
 * index order: the result does not depend on the thread count. Returns
 * +infinity (g zero) when the model gives some fed-back outcome probability
 * 0: it cannot condition on it. */
double hs_grad_mean_loss(hs_grad_forward fwd, const void *model, int n, int nparams,
                         const hs_seq *seqs, long count, int kind, double *g, double *r);

/* A model of the tangent simulator as a trainable (core/train.h): the
 * training loop's loss_grad is hs_grad_mean_loss, its predict the forward
 * pass without tangents, in parallel over sequences. */
typedef struct {
    void *model; /* owned by the trainable: free_model releases it */
    int n, nparams;
    hs_grad_forward fwd;
    void (*get)(const void *model, double *x);
    void (*set)(void *model, const double *x);
    void (*free_model)(void *model);
} hs_grad_model;
void hs_grad_trainable(const hs_grad_model *gm, hs_trainable *tr);

#endif
