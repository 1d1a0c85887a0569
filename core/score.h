/* Scores of a model's predictions r_t against the exact conditionals p_t
 * (docs/spec.md#scores), accumulated per output and reported in bits:
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

/* Training losses, bits per scored output (docs/spec.md#training):
 *   HS_LOSS_CE   `soft`: sum_o p_t(o) log2 1/r_t(o), the cross-entropy against
 *                the exact conditional p_t (= KL(p_t || r_t) + H(p_t));
 *   HS_LOSS_NLL  `hard`: log2 1/r_t(o_t), the sampled outcome's surprise.
 * Predictions are raised to HS_SCORE_FLOOR before logarithms (as the
 * scores); where the floor binds, the gradient of that term is 0. */
enum { HS_LOSS_CE = 0, HS_LOSS_NLL = 1 };
/* "soft" / "hard" and back; hs_loss_parse returns -1 for other names. */
const char *hs_loss_name(int kind);
int hs_loss_parse(const char *name);

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
