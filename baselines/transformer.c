/* Decoder-only Transformer: forward and backward passes of the pre-norm
 * GPT-2 block stack (layout in transformer.h). Batch arrays are [B, T, ...]
 * (row b T + t); the final layer norm and read-out run on the scored rows
 * only. */
#include "transformer.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "nn_ops.h"
#include "sys.h"

enum { L_LN1W, L_LN1B, L_QKVW, L_QKVB, L_PROJW, L_PROJB, L_LN2W, L_LN2B, L_FCW, L_FCB, L_FCPW, L_FCPB,
       L_COUNT };

int hs_transformer_tensors(const hs_nn_hparams *hp, hs_nn_tensor *t)
{
    const size_t C = (size_t)hp->d_model;
    /* GPT-2 initialisation: weights N(0, 0.02), the two projections into the
     * residual stream scaled by 1/sqrt(2 L) so its variance does not grow with
     * depth; biases 0, layer norms the identity. */
    const double sd = 0.02, sdp = 0.02 / sqrt(2.0 * hp->layers);
    int n = 0;
    size_t off = 0;
    hs_nn_tensor_push(t, &n, &off, "wte", (size_t)hp->vocab, C, HS_NN_INIT_NORMAL, sd);
    hs_nn_tensor_push(t, &n, &off, "wpe", (size_t)hp->max_t, C, HS_NN_INIT_NORMAL, sd);
    for (int l = 0; l < hp->layers; l++) {
        static const char *names[L_COUNT] = {"ln1w", "ln1b", "qkvw", "qkvb", "projw", "projb",
                                             "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb"};
        const size_t rows[L_COUNT] = {1, 1, 3 * C, 1, C, 1, 1, 1, 4 * C, 1, C, 1};
        const size_t cols[L_COUNT] = {C, C, C, 3 * C, C, C, C, C, C, 4 * C, 4 * C, C};
        const int init[L_COUNT] = {HS_NN_INIT_ONE, HS_NN_INIT_ZERO, HS_NN_INIT_NORMAL, HS_NN_INIT_ZERO,
                                   HS_NN_INIT_NORMAL, HS_NN_INIT_ZERO, HS_NN_INIT_ONE, HS_NN_INIT_ZERO,
                                   HS_NN_INIT_NORMAL, HS_NN_INIT_ZERO, HS_NN_INIT_NORMAL, HS_NN_INIT_ZERO};
        for (int i = 0; i < L_COUNT; i++) {
            char name[24];
            snprintf(name, sizeof name, "l%d.%s", l, names[i]);
            double scale = (i == L_PROJW || i == L_FCPW) ? sdp : sd;
            hs_nn_tensor_push(t, &n, &off, name, rows[i], cols[i], init[i], scale);
        }
    }
    hs_nn_tensor_push(t, &n, &off, "lnfw", 1, C, HS_NN_INIT_ONE, 0);
    hs_nn_tensor_push(t, &n, &off, "lnfb", 1, C, HS_NN_INIT_ZERO, 0);
    hs_nn_tensor_push(t, &n, &off, "w_out", (size_t)hp->nout, C, HS_NN_INIT_NORMAL, sd);
    hs_nn_tensor_push(t, &n, &off, "b_out", 1, (size_t)hp->nout, HS_NN_INIT_ZERO, 0);
    return n;
}

/* Pointers into a slab: embeddings, per-block tensors, final tensors. */
typedef struct {
    hs_real *wte, *wpe, *lnfw, *lnfb, *wout, *bout;
    hs_real **l; /* [layers][L_COUNT] */
} view;

static view view_of(const hs_nn_hparams *hp, const hs_real *slab, hs_real **lbuf)
{
    int n = hs_transformer_tensors(hp, NULL);
    hs_nn_tensor *tab = hs_alloc((size_t)n * sizeof *tab);
    hs_transformer_tensors(hp, tab);
    hs_real *s = (hs_real *)slab;
    view v = {s + tab[0].off, s + tab[1].off, s + tab[n - 4].off, s + tab[n - 3].off,
              s + tab[n - 2].off, s + tab[n - 1].off, lbuf};
    for (int i = 0; i < hp->layers * L_COUNT; i++)
        lbuf[i] = s + tab[2 + i].off;
    hs_sys_free(tab);
    return v;
}

/* Activations of one block, each [B T, width]; mean/rstd [B T]. */
typedef struct {
    hs_real *ln1, *ln1m, *ln1r, *qkv, *atty, *att, *res2, *ln2, *ln2m, *ln2r, *fch, *fchg, *res3;
} block_acts;

struct hs_transformer_ws {
    int B, T, npos, layers;
    int Bc;              /* batch of the last forward pass */
    int *pos;
    uint32_t *tok;       /* [B T] */
    hs_real *enc;        /* [B T, C] embeddings: input of block 0 */
    block_acts *blk;     /* [layers] */
    hs_real *sel;        /* [B npos, C] last residual at the scored rows */
    hs_real *lnf, *lnfm, *lnfr;
    hs_real *tmp;        /* [B T, C] projection outputs before the residual add */
    hs_real *dx;         /* [B T, C] gradient of the residual stream */
    hs_real *dc;         /* [B T, C] */
    hs_real *dqkv;       /* [B T, 3C] */
    hs_real *d4a, *d4b;  /* [B T, 4C] */
    hs_real *dsel, *dlnf; /* [B npos, C] */
    hs_real *scratch;    /* [T, T] */
    hs_real **lp, **lg;  /* [layers L_COUNT] tensor pointers for params/grads */
};

double hs_transformer_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos)
{
    /* The buffers of hs_transformer_ws_new, in entries: per block 16 N C
     * activations, 4 N norm statistics and N NH T attention weights. */
    const double C = hp->d_model, N = (double)B * T, S = (double)B * npos;
    const double block = 16 * N * C + 4 * N + N * hp->heads * (double)T;
    const double n = hp->layers * block + N * C * 4 + 3 * N * C + 8 * N * C + 4 * S * C + 2 * S +
                     (double)T * T;
    return n * sizeof(hs_real) + N * sizeof(uint32_t);
}

hs_transformer_ws *hs_transformer_ws_new(const hs_nn_hparams *hp, int B, int T, const int *pos, int npos)
{
    hs_transformer_ws *w = hs_calloc(1, sizeof *w);
    const size_t C = (size_t)hp->d_model, N = (size_t)B * T, NH = (size_t)hp->heads;
    w->B = B;
    w->T = T;
    w->npos = npos;
    w->layers = hp->layers;
    w->pos = hs_alloc((size_t)npos * sizeof *w->pos);
    memcpy(w->pos, pos, (size_t)npos * sizeof *pos);
    w->tok = hs_alloc(N * sizeof *w->tok);
    w->enc = hs_alloc(N * C * sizeof *w->enc);
    w->blk = hs_calloc((size_t)hp->layers, sizeof *w->blk);
    for (int l = 0; l < hp->layers; l++) {
        block_acts *a = &w->blk[l];
        a->ln1 = hs_alloc(N * C * sizeof(hs_real));
        a->ln1m = hs_alloc(N * sizeof(hs_real));
        a->ln1r = hs_alloc(N * sizeof(hs_real));
        a->qkv = hs_alloc(N * 3 * C * sizeof(hs_real));
        a->atty = hs_alloc(N * C * sizeof(hs_real));
        a->att = hs_alloc(N * NH * (size_t)T * sizeof(hs_real));
        a->res2 = hs_alloc(N * C * sizeof(hs_real));
        a->ln2 = hs_alloc(N * C * sizeof(hs_real));
        a->ln2m = hs_alloc(N * sizeof(hs_real));
        a->ln2r = hs_alloc(N * sizeof(hs_real));
        a->fch = hs_alloc(N * 4 * C * sizeof(hs_real));
        a->fchg = hs_alloc(N * 4 * C * sizeof(hs_real));
        a->res3 = hs_alloc(N * C * sizeof(hs_real));
    }
    const size_t S = (size_t)B * npos;
    w->sel = hs_alloc(S * C * sizeof(hs_real));
    w->lnf = hs_alloc(S * C * sizeof(hs_real));
    w->lnfm = hs_alloc(S * sizeof(hs_real));
    w->lnfr = hs_alloc(S * sizeof(hs_real));
    w->tmp = hs_alloc(N * C * sizeof(hs_real));
    w->dx = hs_alloc(N * C * sizeof(hs_real));
    w->dc = hs_alloc(N * C * sizeof(hs_real));
    w->dqkv = hs_alloc(N * 3 * C * sizeof(hs_real));
    w->d4a = hs_alloc(N * 4 * C * sizeof(hs_real));
    w->d4b = hs_alloc(N * 4 * C * sizeof(hs_real));
    w->dsel = hs_alloc(S * C * sizeof(hs_real));
    w->dlnf = hs_alloc(S * C * sizeof(hs_real));
    w->scratch = hs_alloc((size_t)T * T * sizeof(hs_real));
    w->lp = hs_alloc((size_t)hp->layers * L_COUNT * sizeof *w->lp);
    w->lg = hs_alloc((size_t)hp->layers * L_COUNT * sizeof *w->lg);
    return w;
}

static void free_block(block_acts *a)
{
    hs_real *bufs[] = {a->ln1, a->ln1m, a->ln1r, a->qkv, a->atty, a->att, a->res2,
                       a->ln2, a->ln2m, a->ln2r, a->fch, a->fchg, a->res3};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        hs_sys_free(bufs[i]);
}

void hs_transformer_ws_free(hs_transformer_ws *w)
{
    if (!w)
        return;
    for (int l = 0; l < w->layers; l++)
        free_block(&w->blk[l]);
    hs_real *bufs[] = {w->enc, w->sel, w->lnf, w->lnfm, w->lnfr, w->tmp, w->dx, w->dc,
                       w->dqkv, w->d4a, w->d4b, w->dsel, w->dlnf, w->scratch};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        hs_sys_free(bufs[i]);
    hs_sys_free(w->blk);
    hs_sys_free(w->lp);
    hs_sys_free(w->lg);
    hs_sys_free(w->tok);
    hs_sys_free(w->pos);
    hs_sys_free(w);
}

void hs_transformer_forward(const hs_nn_hparams *hp, const hs_real *params, hs_transformer_ws *w,
                            const uint32_t *tok, int B, hs_real *logits)
{
    const view p = view_of(hp, params, w->lp);
    const int C = hp->d_model, T = w->T, N = B * T, NH = hp->heads, S = B * w->npos;
    w->Bc = B;
    memcpy(w->tok, tok, (size_t)N * sizeof *tok);
    hs_nn_embed_forward(w->enc, tok, p.wte, p.wpe, N, T, C);
    const hs_real *x = w->enc;
    for (int l = 0; l < hp->layers; l++) {
        hs_real **q = p.l + (size_t)l * L_COUNT;
        block_acts *a = &w->blk[l];
        hs_nn_layernorm_forward(a->ln1, a->ln1m, a->ln1r, x, q[L_LN1W], q[L_LN1B], N, C);
        hs_nn_linear_forward(a->qkv, a->ln1, q[L_QKVW], q[L_QKVB], N, C, 3 * C);
        /* The keys and values of the context (positions up to SEP, the token
         * before the first query) are all later positions see of it:
         * quantised when asked. */
        if (hp->quant_bits)
            for (int b = 0; b < B; b++)
                for (int t = 0; t < w->pos[0]; t++)
                    hs_nn_quantize(a->qkv + ((size_t)b * T + t) * 3 * C + C, 2 * (size_t)C, hp->quant_bits,
                                   HS_NN_QUANT_KV);
        hs_attention_forward(a->atty, a->att, a->qkv, B, T, C, NH);
        hs_nn_linear_forward(w->tmp, a->atty, q[L_PROJW], q[L_PROJB], N, C, C);
        hs_nn_residual_forward(a->res2, x, w->tmp, (size_t)N * C);
        hs_nn_layernorm_forward(a->ln2, a->ln2m, a->ln2r, a->res2, q[L_LN2W], q[L_LN2B], N, C);
        hs_nn_linear_forward(a->fch, a->ln2, q[L_FCW], q[L_FCB], N, C, 4 * C);
        hs_nn_gelu_forward(a->fchg, a->fch, (size_t)N * 4 * C);
        hs_nn_linear_forward(w->tmp, a->fchg, q[L_FCPW], q[L_FCPB], N, 4 * C, C);
        hs_nn_residual_forward(a->res3, a->res2, w->tmp, (size_t)N * C);
        x = a->res3;
    }
    for (int b = 0; b < B; b++)
        for (int j = 0; j < w->npos; j++)
            memcpy(w->sel + ((size_t)b * w->npos + j) * C, x + ((size_t)b * T + w->pos[j]) * C,
                   (size_t)C * sizeof *x);
    hs_nn_layernorm_forward(w->lnf, w->lnfm, w->lnfr, w->sel, p.lnfw, p.lnfb, S, C);
    hs_nn_linear_forward(logits, w->lnf, p.wout, p.bout, S, C, hp->nout);
}

void hs_transformer_backward(const hs_nn_hparams *hp, const hs_real *params, hs_real *grads,
                             hs_transformer_ws *w, const hs_real *dlogits)
{
    const view p = view_of(hp, params, w->lp), g = view_of(hp, grads, w->lg);
    const int C = hp->d_model, T = w->T, B = w->Bc, N = B * T, NH = hp->heads, S = B * w->npos;
    const size_t NC = (size_t)N * C;

    memset(w->dlnf, 0, (size_t)S * C * sizeof(hs_real));
    hs_nn_linear_backward(w->dlnf, g.wout, g.bout, dlogits, w->lnf, p.wout, S, C, hp->nout);
    memset(w->dsel, 0, (size_t)S * C * sizeof(hs_real));
    hs_nn_layernorm_backward(w->dsel, g.lnfw, g.lnfb, w->dlnf, w->sel, p.lnfw, w->lnfm, w->lnfr, S, C);
    memset(w->dx, 0, NC * sizeof(hs_real));
    for (int b = 0; b < B; b++)
        for (int j = 0; j < w->npos; j++)
            hs_nn_add(w->dx + ((size_t)b * T + w->pos[j]) * C, w->dsel + ((size_t)b * w->npos + j) * C,
                      (size_t)C);

    /* w->dx is d loss / d (output of block l); each residual branch adds its
     * input gradient to it, leaving d loss / d (input of block l). */
    for (int l = hp->layers - 1; l >= 0; l--) {
        hs_real **q = p.l + (size_t)l * L_COUNT, **dq = g.l + (size_t)l * L_COUNT;
        block_acts *a = &w->blk[l];
        const hs_real *x = l == 0 ? w->enc : w->blk[l - 1].res3;
        /* MLP branch: res3 = res2 + fcproj(gelu(fc(ln2(res2)))). */
        memset(w->d4a, 0, NC * 4 * sizeof(hs_real));
        hs_nn_linear_backward(w->d4a, dq[L_FCPW], dq[L_FCPB], w->dx, a->fchg, q[L_FCPW], N, 4 * C, C);
        memset(w->d4b, 0, NC * 4 * sizeof(hs_real));
        hs_nn_gelu_backward(w->d4b, a->fch, w->d4a, NC * 4);
        memset(w->dc, 0, NC * sizeof(hs_real));
        hs_nn_linear_backward(w->dc, dq[L_FCW], dq[L_FCB], w->d4b, a->ln2, q[L_FCW], N, C, 4 * C);
        hs_nn_layernorm_backward(w->dx, dq[L_LN2W], dq[L_LN2B], w->dc, a->res2, q[L_LN2W], a->ln2m,
                                 a->ln2r, N, C);
        /* Attention branch: res2 = x + proj(attn(qkv(ln1(x)))). */
        memset(w->dc, 0, NC * sizeof(hs_real));
        hs_nn_linear_backward(w->dc, dq[L_PROJW], dq[L_PROJB], w->dx, a->atty, q[L_PROJW], N, C, C);
        memset(w->dqkv, 0, NC * 3 * sizeof(hs_real));
        hs_attention_backward(w->dqkv, w->scratch, w->dc, a->qkv, a->att, B, T, C, NH);
        memset(w->dc, 0, NC * sizeof(hs_real));
        hs_nn_linear_backward(w->dc, dq[L_QKVW], dq[L_QKVB], w->dqkv, a->ln1, q[L_QKVW], N, C, 3 * C);
        hs_nn_layernorm_backward(w->dx, dq[L_LN1W], dq[L_LN1B], w->dc, x, q[L_LN1W], a->ln1m, a->ln1r, N,
                                 C);
    }
    hs_nn_embed_backward(g.wte, g.wpe, w->dx, w->tok, N, T, C);
}

int hs_transformer_boundary_state(const hs_nn_hparams *hp, const hs_transformer_ws *w, int b, hs_real *out)
{
    const size_t C = (size_t)hp->d_model;
    int n = 0;
    assert(b >= 0 && b < w->Bc);
    for (int l = 0; l < hp->layers; l++)
        for (int t = 0; t < w->pos[0]; t++) {
            memcpy(out + n, w->blk[l].qkv + ((size_t)b * w->T + t) * 3 * C + C, 2 * C * sizeof *out);
            n += 2 * (int)C;
        }
    return n;
}
