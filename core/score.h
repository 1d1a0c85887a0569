/* Scores of a model's predictions r_t against the exact conditionals p_t
 * (SPEC section 2), accumulated per output and reported in bits:
 *   cross_entropy = sum_o p(o) log2 1/r(o)   (expected under the true p_t)
 *   optimum       = sum_o p(o) log2 1/p(o)   (entropy of p_t)
 *   excess_loss   = KL(p || r) = cross_entropy - optimum
 *   tv            = (1/2) sum_o |p(o) - r(o)|
 *   nll           = log2 1/r(o_t), the observed outcome's surprise.
 * Predictions below HS_SCORE_FLOOR are raised to it before logarithms so a
 * model that rules out a possible outcome scores large but finite. */
#ifndef HS_SCORE_H
#define HS_SCORE_H

#include <stdio.h>

#define HS_SCORE_FLOOR 1e-30

typedef struct {
    long outputs;
    double ce, opt, kl, tv, nll; /* sums over outputs, bits */
} hs_score;

void hs_score_add(hs_score *s, const double *p, const double *r, int d, int outcome);
void hs_score_merge(hs_score *into, const hs_score *from);
/* Prints outputs=, cross_entropy_bits=, optimum_bits=, excess_loss_bits=, tv=,
 * nll_bits= (per-output means), one per line. */
void hs_score_print(const hs_score *s, FILE *out);

#endif
