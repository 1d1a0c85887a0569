/* Basis change on one qudit (d > 2) through FFTW: U_m = F^dagger C_m applied
 * along one axis of the state, as a batched strided transform. Plans are made
 * once per (active sites, position) shape with FFTW_ESTIMATE on the state's own
 * buffer (which the state keeps for its lifetime) and reused. */
#ifndef HS_QUDIT_H
#define HS_QUDIT_H

struct hs_state;
struct hs_fft;

/* Applies F^dagger C_chirp to the site at position pos, in place. */
void hs_qudit_apply(struct hs_state *s, int pos, double chirp);
void hs_qudit_free(struct hs_fft *f);

#endif
