/* A trained classical sequence model (docs/spec.md#classical): hyperparameters, one
 * parameter slab and one gradient slab described by a table of named tensors,
 * and the forward/backward passes over rectangular batches, dispatched to the
 * recurrent (rnn.c) or Transformer (transformer.c) implementation.
 *
 * Input: tok[B, T] token ids (batch-major, sequence b at tok + b T), all
 * sequences of a batch with the same T and the same scored positions pos[npos]
 * (increasing). Output: logits[B, npos, nout], row b npos + j read out after
 * token pos[j] of sequence b (causal: it depends on tokens 0..pos[j] only). */
#ifndef HS_NN_H
#define HS_NN_H

#include <stddef.h>
#include <stdint.h>

#include "nn_real.h"

typedef enum { HS_NN_LSTM = 1, HS_NN_GRU = 2, HS_NN_TRANSFORMER = 3 } hs_nn_kind;

typedef struct {
    int kind;    /* hs_nn_kind */
    int vocab;   /* input token ids in [0, vocab) */
    int nout;    /* read-out width: the d outcome tokens */
    int hidden;  /* LSTM/GRU hidden size h */
    int embed;   /* LSTM/GRU token embedding width */
    int d_model; /* Transformer width */
    int layers;  /* Transformer blocks */
    int heads;   /* attention heads, dividing d_model */
    int max_t;   /* Transformer positions (learned position table rows) */
    int quant_bits; /* 0: float state; b > 0: the state crossing the context boundary (the
                       recurrent state after SEP, the Transformer's keys and values of the
                       context) is rounded to 2^b levels per unit (HS_NN_QUANT_*), with a
                       straight-through gradient */
} hs_nn_hparams;

/* Initialisation of one tensor: constants, uniform in [-scale, scale] or
 * normal with standard deviation scale. */
enum { HS_NN_INIT_ZERO, HS_NN_INIT_ONE, HS_NN_INIT_UNIFORM, HS_NN_INIT_NORMAL };

typedef struct {
    char name[24];
    size_t off;        /* first entry in the slab */
    size_t rows, cols; /* row-major [rows, cols]; vectors have rows = 1 */
    int init;
    double scale;
} hs_nn_tensor;

/* Appends tensor (name, rows, cols) at offset *off to t[*count] (t may be NULL
 * to count only) and advances *off and *count: the kind modules build their
 * tables with it, so offsets follow table order. */
void hs_nn_tensor_push(hs_nn_tensor *t, int *count, size_t *off, const char *name, size_t rows,
                       size_t cols, int init, double scale);

const char *hs_nn_kind_name(int kind);
/* Kind of a model name (lstm, gru, transformer), or -1. */
int hs_nn_kind_parse(const char *name);

/* Checks ranges and consistency (heads divide d_model, ...). Returns 0, or -1
 * with a one-line message naming the option as on the command line. */
int hs_nn_hparams_check(const hs_nn_hparams *hp, char *err, size_t errlen);
/* The field hs_nn_hparams_check refuses first, or HS_NN_F_NONE. */
enum { HS_NN_F_NONE, HS_NN_F_KIND, HS_NN_F_VOCAB, HS_NN_F_NOUT, HS_NN_F_HIDDEN, HS_NN_F_EMBED, HS_NN_F_DMODEL,
       HS_NN_F_LAYERS, HS_NN_F_HEADS, HS_NN_F_MAXT, HS_NN_F_QUANT };
/* Ranges of the quantised state: the recurrent h and the Transformer's keys
 * and values on [-1, 1] and [-2, 2], the LSTM's cell state on [-2, 2]
 * (tanh(2) = 0.96: the cell's output keeps its range). */
#define HS_NN_QUANT_H 1.0
#define HS_NN_QUANT_C 2.0
#define HS_NN_QUANT_KV 2.0
#define HS_NN_QUANT_MAX 16
int hs_nn_hparams_bad(const hs_nn_hparams *hp);

/* Number of tensors and the table itself (t has hs_nn_ntensors entries). */
int hs_nn_ntensors(const hs_nn_hparams *hp);
void hs_nn_tensor_table(const hs_nn_hparams *hp, hs_nn_tensor *t);
size_t hs_nn_nparams(const hs_nn_hparams *hp);

/* docs/spec.md#memory: memory in bits at context length ell: the state
 * dimension (LSTM 2h, hidden and cell state; GRU h; Transformer the
 * key/value cache at the end of the context, 2 L d_model (ell + 1)) times 32
 * bits per float, or quant_bits per unit when quantised. */
double hs_nn_memory_bits(const hs_nn_hparams *hp, long ell);
/* The state dimension alone (units crossing the context boundary). */
double hs_nn_state_dim(const hs_nn_hparams *hp, long ell);

typedef struct {
    hs_nn_hparams hp;
    size_t nparams;
    hs_real *params; /* [nparams] */
    hs_real *grads;  /* [nparams], same layout */
    int ntensors;
    hs_nn_tensor *tensors;
} hs_nn;

/* Parameters zeroed; hp must pass hs_nn_hparams_check. */
hs_nn *hs_nn_new(const hs_nn_hparams *hp);
void hs_nn_free(hs_nn *net);
/* Draws every tensor from its initialisation, in table order, from the
 * stream (seed, 0, HS_RNG_PARAMS): the same seed gives the same model. The
 * LSTM's forget-gate bias then starts at HS_RNN_FORGET_BIAS (rnn.h). */
void hs_nn_init(hs_nn *net, uint64_t seed);
void hs_nn_zero_grad(hs_nn *net);
/* Tensor by name, or NULL. */
const hs_nn_tensor *hs_nn_find(const hs_nn *net, const char *name);

/* Activations for batches of up to B sequences of T tokens scored at pos[npos]
 * (copied). */
typedef struct hs_nn_ws hs_nn_ws;
hs_nn_ws *hs_nn_ws_new(const hs_nn *net, int B, int T, const int *pos, int npos);
void hs_nn_ws_free(hs_nn_ws *ws);
int hs_nn_ws_tokens(const hs_nn_ws *ws);
/* Bytes hs_nn_ws_new allocates for (B, T, npos): checked against the memory
 * available before training or scoring. */
double hs_nn_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos);

/* The state crossing the context boundary (the token before the first
 * query) of sequence b in the last forward pass: hs_nn_state_dim(hp, ell)
 * values into out (recurrent: h, then the LSTM's c; Transformer: the keys
 * and values of the context, per block). Returns their count. */
int hs_nn_boundary_state(const hs_nn *net, const hs_nn_ws *ws, int b, hs_real *out);

/* Forward pass of B <= ws batch sequences; keeps the activations in ws. */
void hs_nn_forward(const hs_nn *net, hs_nn_ws *ws, const uint32_t *tok, int B, hs_real *logits);
/* Backward pass of the last forward: net->grads += d loss / d params for
 * dlogits = d loss / d logits [B, npos, nout]. It consumes the activations:
 * run a forward pass before each backward pass. */
void hs_nn_backward(hs_nn *net, hs_nn_ws *ws, const hs_real *dlogits);

#endif
