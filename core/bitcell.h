/* The first query cell of a qubit sequence without the layer's amplitudes:
 * D_w|+>^n has amplitudes a (-1)^f(z) for the phase bits f (core/write.h), so
 * the collapse of the first query, whose outputs are v0 psi(i0) + v1 psi(i1),
 * takes one of four values per output, chosen by two phase bits. The cell
 * writes the 2^(n-1) outputs straight from the bits (the 2^n amplitudes are
 * never written, nor read back) and takes the next query's four sums from
 * integer counts of bit patterns. The outputs are bitwise those of the sign
 * pass followed by the fused collapse (core/kern.c's arithmetic on (+-a, +0));
 * the sums are exact integer counts times products of the four values, so
 * they differ from the fused pass's float sums in the last bits only. */
#ifndef HS_BITCELL_H
#define HS_BITCELL_H

#include <stdint.h>

#include "state.h"

/* The collapse of the query on bit pos of the n-bit state a (-1)^bit(z) of
 * `bits` (2^n bits, those at and above 2^n zero), with the row (v0, v1)
 * already scaled: writes new(x), x < 2^(n-1), into amp as core/state.c's
 * qubit collapse would (the top bit n-1 moving into pos), and with np >= 0
 * the four sums of bit np of the state left into rho. */
void hs_bitcell_collapse(hs_amp *amp, const uint64_t *bits, int n, int pos, int np, double a, hs_amp v0,
                         hs_amp v1, double rho[4]);
/* The sharded engine's form (dist/dstate.c): the outputs of the compaction,
 * new(r) = v0 psi(r with 0 inserted at bit q) + v1 psi(r with 1 inserted),
 * r < 2^(n-1), of an n-bit slice (no sums: the sharded engine sums the next
 * site from the half written, so that its bits do not depend on the rank
 * count). */
void hs_bitcell_compact(hs_amp *amp, const uint64_t *bits, int n, int q, double a, hs_amp v0, hs_amp v1);

#endif
