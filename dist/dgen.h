/* The HSMT generator (core/hsmt.h, hs_gen_sequence) on the sharded state:
 * the same random streams and the same steps, so a sequence's writes,
 * queries and sampled outcomes are those of the serial generator, and its
 * probabilities agree with it to rounding (~1e-16; see dstate.h for why not
 * bitwise) while being bitwise the same for every rank count. Qubits only. */
#ifndef HS_DGEN_H
#define HS_DGEN_H

#include "dstate.h"
#include "hsmt.h"

typedef struct hs_dgen hs_dgen;

/* Collective; cfg->d must be 2 and hs_dsize_check_fit must have passed. */
hs_dgen *hs_dgen_new(const hs_hsmt *cfg, const hs_dstate_opts *o);
void hs_dgen_free(hs_dgen *g);
/* Collective: draws sequence `index` into s on every rank. */
void hs_dgen_sequence(hs_dgen *g, uint64_t index, hs_seq *s);
/* The generator's state (for the engine suite's accounting). */
hs_dstate *hs_dgen_state(hs_dgen *g);

#endif
