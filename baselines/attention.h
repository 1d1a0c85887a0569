/* Causal multi-head self-attention (the core of a Transformer block, without
 * its input and output projections): forward and backward. */
#ifndef HS_ATTENTION_H
#define HS_ATTENTION_H

#include "nn_real.h"

/* qkv[B, T, 3C]: query, key and value rows concatenated (q | k | v), C split
 * into NH heads of C / NH. out[B, T, C] = per head softmax(q k^T / sqrt(hs) +
 * causal mask) v. att[B, NH, T, T] keeps the attention weights for backward
 * (entries above the diagonal are 0). Per (sequence, head) two products
 * through CBLAS; the full T x T score matrix is formed (twice the causal
 * work, still O(T^2 C) against the O(T C^2) of the projections). */
void hs_attention_forward(hs_real *out, hs_real *att, const hs_real *qkv, int B, int T, int C, int NH);
/* dqkv += (d out / d qkv)^T dout; scratch holds T * T entries. */
void hs_attention_backward(hs_real *dqkv, hs_real *scratch, const hs_real *dout, const hs_real *qkv,
                           const hs_real *att, int B, int T, int C, int NH);

/* Plain-loop references of the two (same arguments; scratch of T entries
 * suffices), which the tests compare the products against. */
void hs_attention_forward_ref(hs_real *out, hs_real *att, const hs_real *qkv, int B, int T, int C, int NH);
void hs_attention_backward_ref(hs_real *dqkv, hs_real *scratch, const hs_real *dout, const hs_real *qkv,
                               const hs_real *att, int B, int T, int C, int NH);

#endif
