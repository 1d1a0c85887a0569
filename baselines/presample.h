/* The pre-sampling classical model (docs/spec.md#classical): a noncontextual model
 * that fixes, before any query, one outcome for every (site, basis) pair.
 *
 * Definition. For each basis b in B the n outcomes (o_{0,b}..o_{n-1,b}) are
 * drawn from the exact joint distribution of measuring every site in b,
 *   P_b(o) = |<o| U_b^(x n) D_w |+>^n|^2,
 * which is well defined because measurements on distinct sites commute; the
 * tables of different bases are independent. When query t asks for site s_t
 * in basis b_t the model answers o_{s_t, b_t}. Its prediction at query t is
 * therefore the posterior
 *   r_t(o) = P_{b_t}(o_{s_t} = o | o_{s_u} = o_u for every u < t with b_u = b_t),
 * the earlier answers in the same basis; outcomes in other bases come from
 * independent tables and carry no information about it. The posteriors are
 * computed exactly by brute force over the d^n outcomes (small n).
 *
 * It is exact when |B| = 1 (all queries share one commuting family) and for
 * k = 1 (product states have no correlations to lose); for k >= 2 and
 * non-commuting bases it loses what contextuality forbids it to store: for
 * the graph state on two sites, Z on one then X on the other is
 * deterministic, while the model's X table knows nothing of the Z answer.
 *
 * Memory accounting: the outcome tables, n |B| ceil(log2 d) bits. */
#ifndef HS_PRESAMPLE_H
#define HS_PRESAMPLE_H

#include <stddef.h>

#include "hsmt.h"
#include "model.h"

/* Opens the model for cfg (validated). Returns 0, or -1 with a one-line
 * message when the brute-force buffers (d^n * 24 bytes) do not fit. */
int hs_presample_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen);

/* n |B| ceil(log2 d). */
double hs_presample_memory_bits(const hs_hsmt *cfg);

#endif
