/* Recurrent models over the token sequence (LSTM and GRU, torch's equations
 * and gate order): token embedding, recurrent cell of hidden size h, linear
 * read-out of the hidden state at the scored positions. Tensors, in slab
 * order (G = 4 gates i, f, g, o for the LSTM; G = 3 gates r, z, n for GRU):
 *   emb [vocab, embed], w_ih [G h, embed], w_hh [G h, h], b_ih [G h],
 *   b_hh [G h], w_out [nout, h], b_out [nout].
 * Shapes of the batch interface: nn.h. */
#ifndef HS_RNN_H
#define HS_RNN_H

#include "nn.h"

/* Initial LSTM forget-gate bias (the f block of b_ih; b_hh keeps torch's
 * uniform draw). torch starts near 0; a positive bias keeps the cell state
 * through time from the first step (Gers et al. 2000; Jozefowicz et al.
 * 2015). Measured on HSMT(ell=6, n=4, k=1), h = 64, 2000 steps of 32,
 * lr 0.01: 7 of 8 seeds reach excess loss < 0.01 bits with bias 2, 1 of 8
 * with bias 1. */
#define HS_RNN_FORGET_BIAS 2.0
void hs_rnn_init_forget(const hs_nn_hparams *hp, hs_real *params);

/* Fills t (when not NULL) and returns the number of tensors. */
int hs_rnn_tensors(const hs_nn_hparams *hp, hs_nn_tensor *t);

typedef struct hs_rnn_ws hs_rnn_ws;
double hs_rnn_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos);
hs_rnn_ws *hs_rnn_ws_new(const hs_nn_hparams *hp, int B, int T, const int *pos, int npos);
void hs_rnn_ws_free(hs_rnn_ws *ws);
void hs_rnn_forward(const hs_nn_hparams *hp, const hs_real *params, hs_rnn_ws *ws, const uint32_t *tok,
                    int B, hs_real *logits);
void hs_rnn_backward(const hs_nn_hparams *hp, const hs_real *params, hs_real *grads, hs_rnn_ws *ws,
                     const hs_real *dlogits);
/* The state crossing the context boundary of sequence b in the last forward
 * pass: h (and the LSTM's c) after the token before the first query, into
 * out; returns how many values (h or 2h). */
int hs_rnn_boundary_state(const hs_nn_hparams *hp, const hs_rnn_ws *ws, int b, hs_real *out);

#endif
