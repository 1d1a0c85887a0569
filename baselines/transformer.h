/* Decoder-only Transformer (pre-norm, GPT-2 layout): token and learned
 * position embeddings, L blocks of causal multi-head self-attention and a
 * 4 d_model GELU MLP, each behind a layer norm with a residual connection, a
 * final layer norm and a linear read-out at the scored positions. Tensors, in
 * slab order (C = d_model):
 *   wte [vocab, C], wpe [max_t, C], then per block l (names "l<l>.*"):
 *   ln1w [C], ln1b [C], qkvw [3C, C], qkvb [3C], projw [C, C], projb [C],
 *   ln2w [C], ln2b [C], fcw [4C, C], fcb [4C], fcprojw [C, 4C], fcprojb [C];
 *   then lnfw [C], lnfb [C], w_out [nout, C], b_out [nout].
 * Shapes of the batch interface: nn.h. */
#ifndef HS_TRANSFORMER_H
#define HS_TRANSFORMER_H

#include "nn.h"

int hs_transformer_tensors(const hs_nn_hparams *hp, hs_nn_tensor *t);

typedef struct hs_transformer_ws hs_transformer_ws;
double hs_transformer_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos);
hs_transformer_ws *hs_transformer_ws_new(const hs_nn_hparams *hp, int B, int T, const int *pos, int npos);
void hs_transformer_ws_free(hs_transformer_ws *ws);
void hs_transformer_forward(const hs_nn_hparams *hp, const hs_real *params, hs_transformer_ws *ws,
                            const uint32_t *tok, int B, hs_real *logits);
void hs_transformer_backward(const hs_nn_hparams *hp, const hs_real *params, hs_real *grads,
                             hs_transformer_ws *ws, const hs_real *dlogits);

/* The state crossing the context boundary of sequence b in the last forward
 * pass: the keys and values of positions 0 .. (first query) - 1 of every
 * block, into out (layer-major, then position, then key before value);
 * returns how many values (2 L d_model (ell + 1)). */
int hs_transformer_boundary_state(const hs_nn_hparams *hp, const hs_transformer_ws *ws, int b, hs_real *out);

#endif
