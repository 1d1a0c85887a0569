/* LSTM and GRU over the token sequence: forward and backward passes through
 * time. Both cells share the layout: the input projection of every time step
 * is computed before the recurrence, each step then adds one [B, h] x
 * [h, G h] recurrent product, and backward collects the weight gradients of
 * all steps in one product each after the reverse sweep.
 *
 * Input projection: the input at a step is a token, so W_ih x_t + b is row
 * tok of the table P = emb W_ih^T + b [vocab, G h]. When the vocabulary is
 * smaller than the batch's B Te steps (HSMT: tens to thousands of tokens
 * against B Te ~ 10^3..10^5) the table costs vocab instead of B Te rows of
 * the product, and backward scatters the gradient rows into dP and takes
 * dW_ih and d emb from it; otherwise every step's input is embedded and
 * multiplied ("gemm" path). Both give the same sums in another order.
 * Batch arrays inside are time-major: row t B + b is step t of sequence b. */
#include "rnn.h"

#include <assert.h>
#include <string.h>

#include "nn_ops.h"
#include "sys.h"

enum { T_EMB, T_WIH, T_WHH, T_BIH, T_BHH, T_WOUT, T_BOUT, T_COUNT };

static int ngates(const hs_nn_hparams *hp) { return hp->kind == HS_NN_LSTM ? 4 : 3; }

int hs_rnn_tensors(const hs_nn_hparams *hp, hs_nn_tensor *t)
{
    const size_t h = (size_t)hp->hidden, G = (size_t)ngates(hp);
    /* torch's initialisation: embeddings N(0, 1), cell and read-out weights
     * and biases uniform in +-1/sqrt(h). */
    const double u = 1.0 / sqrt((double)hp->hidden);
    int n = 0;
    size_t off = 0;
    hs_nn_tensor_push(t, &n, &off, "emb", (size_t)hp->vocab, (size_t)hp->embed, HS_NN_INIT_NORMAL, 1.0);
    hs_nn_tensor_push(t, &n, &off, "w_ih", G * h, (size_t)hp->embed, HS_NN_INIT_UNIFORM, u);
    hs_nn_tensor_push(t, &n, &off, "w_hh", G * h, h, HS_NN_INIT_UNIFORM, u);
    hs_nn_tensor_push(t, &n, &off, "b_ih", 1, G * h, HS_NN_INIT_UNIFORM, u);
    hs_nn_tensor_push(t, &n, &off, "b_hh", 1, G * h, HS_NN_INIT_UNIFORM, u);
    hs_nn_tensor_push(t, &n, &off, "w_out", (size_t)hp->nout, h, HS_NN_INIT_UNIFORM, u);
    hs_nn_tensor_push(t, &n, &off, "b_out", 1, (size_t)hp->nout, HS_NN_INIT_UNIFORM, u);
    assert(n == T_COUNT);
    return n;
}

/* Pointers to the tensors of a slab (parameters or gradients). */
typedef struct {
    hs_real *t[T_COUNT];
} view;

static view view_of(const hs_nn_hparams *hp, const hs_real *slab)
{
    hs_nn_tensor tab[T_COUNT];
    hs_rnn_tensors(hp, tab);
    view v;
    for (int i = 0; i < T_COUNT; i++)
        v.t[i] = (hs_real *)slab + tab[i].off;
    return v;
}

void hs_rnn_init_forget(const hs_nn_hparams *hp, hs_real *params)
{
    assert(hp->kind == HS_NN_LSTM);
    hs_real *b = view_of(hp, params).t[T_BIH] + hp->hidden; /* gates i, f, g, o */
    for (int j = 0; j < hp->hidden; j++)
        b[j] = (hs_real)HS_RNN_FORGET_BIAS;
}

struct hs_rnn_ws {
    int B, T, Te, npos; /* Te = pos[npos-1] + 1: later steps feed no output */
    int *pos;
    int Bc;             /* batch of the last forward pass */
    int table;          /* the last forward pass used the projection table */
    hs_real *ptab;      /* [vocab, G h] P (table path; NULL when never used) */
    uint32_t *tok;      /* [Te B] time-major token ids */
    hs_real *x;         /* [Te B, embed] embedded inputs (gemm path) */
    hs_real *gates;     /* [Te B, G h] activated gates; backward overwrites
                           them with the pre-activation gradients */
    hs_real *hs;        /* [(Te + 1) B, h] hidden states, row block 0 = h_0 = 0 */
    hs_real *cs;        /* LSTM: [(Te + 1) B, h] cell states; GRU: unused */
    hs_real *aux;       /* LSTM: [Te B, h] tanh(c_t); GRU: [Te B, h] W_hn h + b_hn */
    hs_real *read;      /* [B npos, h] hidden states at the scored positions */
    hs_real *dread;     /* [B npos, h] */
    hs_real *dhext;     /* [Te B, h] read-out gradients by step */
    hs_real *dh, *dh2, *dc; /* [B, h] running gradients through time */
    hs_real *hg;        /* GRU: [B, 3h] recurrent projection of one step */
    hs_real *dhg;       /* GRU: [Te B, 3h] gradients of the recurrent projection */
    hs_real *dx;        /* [Te B, embed] (gemm path) */
};

double hs_rnn_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos)
{
    /* Upper bound with Te = T: the buffers of hs_rnn_ws_new, in entries. */
    const double h = hp->hidden, G = ngates(hp), E = hp->embed, rows = (double)T * B;
    double n = 2 * rows * E + rows * G * h + 2 * (rows + B) * h + rows * h + 2.0 * B * npos * h +
               rows * h + 3.0 * B * h + (double)hp->vocab * G * h;
    if (hp->kind == HS_NN_GRU)
        n += (double)B * G * h + rows * G * h;
    return n * sizeof(hs_real) + rows * sizeof(uint32_t);
}

hs_rnn_ws *hs_rnn_ws_new(const hs_nn_hparams *hp, int B, int T, const int *pos, int npos)
{
    hs_rnn_ws *w = hs_calloc(1, sizeof *w);
    const size_t h = (size_t)hp->hidden, G = (size_t)ngates(hp), E = (size_t)hp->embed;
    w->B = B;
    w->T = T;
    w->npos = npos;
    w->Te = pos[npos - 1] + 1;
    w->pos = hs_alloc((size_t)npos * sizeof *w->pos);
    memcpy(w->pos, pos, (size_t)npos * sizeof *pos);
    const size_t rows = (size_t)w->Te * B;
    w->tok = hs_alloc(rows * sizeof *w->tok);
    w->x = hs_alloc(rows * E * sizeof *w->x);
    w->gates = hs_alloc(rows * G * h * sizeof *w->gates);
    w->hs = hs_calloc(rows + B, h * sizeof *w->hs);
    if (hp->kind == HS_NN_LSTM)
        w->cs = hs_calloc(rows + B, h * sizeof *w->cs);
    else {
        w->hg = hs_alloc((size_t)B * G * h * sizeof *w->hg);
        w->dhg = hs_alloc(rows * G * h * sizeof *w->dhg);
    }
    w->aux = hs_alloc(rows * h * sizeof *w->aux);
    w->read = hs_alloc((size_t)B * npos * h * sizeof *w->read);
    w->dread = hs_alloc((size_t)B * npos * h * sizeof *w->dread);
    w->dhext = hs_alloc(rows * h * sizeof *w->dhext);
    w->dh = hs_alloc((size_t)B * h * sizeof *w->dh);
    w->dh2 = hs_alloc((size_t)B * h * sizeof *w->dh2);
    w->dc = hs_alloc((size_t)B * h * sizeof *w->dc);
    w->dx = hs_alloc(rows * E * sizeof *w->dx);
    if ((size_t)hp->vocab < rows)
        w->ptab = hs_alloc((size_t)hp->vocab * G * h * sizeof *w->ptab);
    return w;
}

void hs_rnn_ws_free(hs_rnn_ws *w)
{
    if (!w)
        return;
    hs_real *bufs[] = {w->x, w->gates, w->hs, w->cs, w->aux, w->read, w->dread, w->dhext,
                       w->dh, w->dh2, w->dc, w->hg, w->dhg, w->dx, w->ptab};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        hs_sys_free(bufs[i]);
    hs_sys_free(w->tok);
    hs_sys_free(w->pos);
    hs_sys_free(w);
}

/* One LSTM step on B rows: g holds the pre-activations (input and recurrent
 * parts and both biases) and becomes the activated gates (i, f, g, o). */
static void lstm_cell_forward(hs_real *g, const hs_real *cprev, hs_real *c, hs_real *tc, hs_real *hout,
                              int B, int h)
{
    for (int b = 0; b < B; b++) {
        hs_real *gi = g + (size_t)b * 4 * h, *gf = gi + h, *gg = gf + h, *go = gg + h;
        const size_t r = (size_t)b * h;
        for (int j = 0; j < h; j++) {
            gi[j] = hs_nn_sigmoid(gi[j]);
            gf[j] = hs_nn_sigmoid(gf[j]);
            gg[j] = hs_nn_tanh(gg[j]);
            go[j] = hs_nn_sigmoid(go[j]);
            c[r + j] = gf[j] * cprev[r + j] + gi[j] * gg[j];
            tc[r + j] = hs_nn_tanh(c[r + j]);
            hout[r + j] = go[j] * tc[r + j];
        }
    }
}

/* Reverse LSTM step: dh is d loss / d h_t, dc carries d loss / d c_t in and
 * d loss / d c_{t-1} out; g (activated gates) becomes the gradient of the
 * pre-activations. */
static void lstm_cell_backward(hs_real *g, const hs_real *cprev, const hs_real *tc, const hs_real *dh,
                               hs_real *dc, int B, int h)
{
    for (int b = 0; b < B; b++) {
        hs_real *gi = g + (size_t)b * 4 * h, *gf = gi + h, *gg = gf + h, *go = gg + h;
        const size_t r = (size_t)b * h;
        for (int j = 0; j < h; j++) {
            const hs_real i = gi[j], f = gf[j], gv = gg[j], o = go[j], t = tc[r + j];
            const hs_real dct = dc[r + j] + dh[r + j] * o * (1 - t * t);
            gi[j] = dct * gv * i * (1 - i);
            gf[j] = dct * cprev[r + j] * f * (1 - f);
            gg[j] = dct * i * (1 - gv * gv);
            go[j] = dh[r + j] * t * o * (1 - o);
            dc[r + j] = dct * f;
        }
    }
}

/* One GRU step: g holds the input projections (with b_ih) and becomes the
 * activated gates (r, z, n); hg = W_hh h_{t-1} + b_hh; hn keeps its n block. */
static void gru_cell_forward(hs_real *g, const hs_real *hg, const hs_real *hprev, hs_real *hn,
                             hs_real *hout, int B, int h)
{
    for (int b = 0; b < B; b++) {
        hs_real *gr = g + (size_t)b * 3 * h, *gz = gr + h, *gn = gz + h;
        const hs_real *hr = hg + (size_t)b * 3 * h, *hz = hr + h, *hnn = hz + h;
        const size_t r = (size_t)b * h;
        for (int j = 0; j < h; j++) {
            gr[j] = hs_nn_sigmoid(gr[j] + hr[j]);
            gz[j] = hs_nn_sigmoid(gz[j] + hz[j]);
            gn[j] = hs_nn_tanh(gn[j] + gr[j] * hnn[j]);
            hn[r + j] = hnn[j];
            hout[r + j] = (1 - gz[j]) * gn[j] + gz[j] * hprev[r + j];
        }
    }
}

/* Reverse GRU step: g (activated gates) becomes the gradient of the input
 * projections, dhg the gradient of the recurrent projection, dprev = the
 * direct part z dh of d loss / d h_{t-1} (the W_hh part is added by the
 * caller). */
static void gru_cell_backward(hs_real *g, hs_real *dhg, const hs_real *hn, const hs_real *hprev,
                              const hs_real *dh, hs_real *dprev, int B, int h)
{
    for (int b = 0; b < B; b++) {
        hs_real *gr = g + (size_t)b * 3 * h, *gz = gr + h, *gn = gz + h;
        hs_real *dr = dhg + (size_t)b * 3 * h, *dz = dr + h, *dn = dz + h;
        const size_t r = (size_t)b * h;
        for (int j = 0; j < h; j++) {
            const hs_real rv = gr[j], z = gz[j], n = gn[j], d = dh[r + j];
            const hs_real dnp = d * (1 - z) * (1 - n * n);
            const hs_real drp = dnp * hn[r + j] * rv * (1 - rv);
            const hs_real dzp = d * (hprev[r + j] - n) * z * (1 - z);
            gr[j] = dr[j] = drp;
            gz[j] = dz[j] = dzp;
            gn[j] = dnp;
            dn[j] = dnp * rv;
            dprev[r + j] = d * z;
        }
    }
}

void hs_rnn_forward(const hs_nn_hparams *hp, const hs_real *params, hs_rnn_ws *w, const uint32_t *tok,
                    int B, hs_real *logits)
{
    const view p = view_of(hp, params);
    const int h = hp->hidden, E = hp->embed, G = ngates(hp), Gh = G * h, Te = w->Te;
    const int lstm = hp->kind == HS_NN_LSTM;
    const int rows = Te * B;
    w->Bc = B;
    /* The initial state h_0 (and c_0) is zero. Its rows are those of this
     * batch size: a forward pass of another batch size wrote states there. */
    memset(w->hs, 0, (size_t)B * h * sizeof *w->hs);
    if (lstm)
        memset(w->cs, 0, (size_t)B * h * sizeof *w->cs);
    for (int t = 0; t < Te; t++)
        for (int b = 0; b < B; b++)
            w->tok[(size_t)t * B + b] = tok[(size_t)b * w->T + t];

    /* Input projections of all steps; the LSTM folds both biases in here,
     * the GRU adds b_hh inside the recurrent projection (its n gate
     * multiplies W_hn h + b_hn by r). */
    w->table = w->ptab && hp->vocab < rows;
    const int np = w->table ? hp->vocab : rows;
    hs_real *proj = w->table ? w->ptab : w->gates;
    for (int i = 0; i < np; i++) {
        hs_real *g = proj + (size_t)i * Gh;
        for (int j = 0; j < Gh; j++)
            g[j] = p.t[T_BIH][j] + (lstm ? p.t[T_BHH][j] : 0);
    }
    if (w->table) {
        hs_nn_gemm(0, 1, np, Gh, E, 1, p.t[T_EMB], E, p.t[T_WIH], E, 1, proj, Gh);
        for (int i = 0; i < rows; i++)
            memcpy(w->gates + (size_t)i * Gh, proj + (size_t)w->tok[i] * Gh, (size_t)Gh * sizeof *proj);
    } else {
        hs_nn_embed_forward(w->x, w->tok, p.t[T_EMB], NULL, rows, Te, E);
        hs_nn_gemm(0, 1, rows, Gh, E, 1, w->x, E, p.t[T_WIH], E, 1, w->gates, Gh);
    }

    for (int t = 0; t < Te; t++) {
        hs_real *g = w->gates + (size_t)t * B * Gh;
        const hs_real *hprev = w->hs + (size_t)t * B * h;
        hs_real *hnext = w->hs + (size_t)(t + 1) * B * h;
        if (lstm) {
            if (t > 0)
                hs_nn_gemm(0, 1, B, Gh, h, 1, hprev, h, p.t[T_WHH], h, 1, g, Gh);
            lstm_cell_forward(g, w->cs + (size_t)t * B * h, w->cs + (size_t)(t + 1) * B * h,
                              w->aux + (size_t)t * B * h, hnext, B, h);
            if (hp->quant_bits && t == w->pos[0] - 1)
                hs_nn_quantize(w->cs + (size_t)(t + 1) * B * h, (size_t)B * h, hp->quant_bits, HS_NN_QUANT_C);
        } else {
            for (int b = 0; b < B; b++)
                memcpy(w->hg + (size_t)b * Gh, p.t[T_BHH], (size_t)Gh * sizeof *w->hg);
            if (t > 0)
                hs_nn_gemm(0, 1, B, Gh, h, 1, hprev, h, p.t[T_WHH], h, 1, w->hg, Gh);
            gru_cell_forward(g, w->hg, hprev, w->aux + (size_t)t * B * h, hnext, B, h);
        }
        /* The state after SEP (the token before the first query) crosses the
         * context boundary: quantised when asked. */
        if (hp->quant_bits && t == w->pos[0] - 1)
            hs_nn_quantize(hnext, (size_t)B * h, hp->quant_bits, HS_NN_QUANT_H);
    }

    /* Read-out after token pos[j]: hidden state h_{pos[j] + 1}. */
    for (int b = 0; b < B; b++)
        for (int j = 0; j < w->npos; j++)
            memcpy(w->read + ((size_t)b * w->npos + j) * h, w->hs + ((size_t)(w->pos[j] + 1) * B + b) * h,
                   (size_t)h * sizeof *w->read);
    hs_nn_linear_forward(logits, w->read, p.t[T_WOUT], p.t[T_BOUT], B * w->npos, h, hp->nout);
}

void hs_rnn_backward(const hs_nn_hparams *hp, const hs_real *params, hs_real *grads, hs_rnn_ws *w,
                     const hs_real *dlogits)
{
    const view p = view_of(hp, params), dp = view_of(hp, grads);
    const int h = hp->hidden, E = hp->embed, G = ngates(hp), Gh = G * h, Te = w->Te, B = w->Bc;
    const int lstm = hp->kind == HS_NN_LSTM;
    const int rows = Te * B, nr = B * w->npos;
    const size_t bh = (size_t)B * h;

    memset(w->dread, 0, (size_t)nr * h * sizeof *w->dread);
    hs_nn_linear_backward(w->dread, dp.t[T_WOUT], dp.t[T_BOUT], dlogits, w->read, p.t[T_WOUT], nr, h,
                          hp->nout);
    memset(w->dhext, 0, (size_t)rows * h * sizeof *w->dhext);
    for (int b = 0; b < B; b++)
        for (int j = 0; j < w->npos; j++) {
            hs_real *dst = w->dhext + ((size_t)w->pos[j] * B + b) * h;
            const hs_real *src = w->dread + ((size_t)b * w->npos + j) * h;
            for (int i = 0; i < h; i++)
                dst[i] += src[i];
        }

    memset(w->dh, 0, bh * sizeof *w->dh);
    memset(w->dc, 0, bh * sizeof *w->dc);
    for (int t = Te - 1; t >= 0; t--) {
        hs_nn_add(w->dh, w->dhext + (size_t)t * bh, bh);
        hs_real *g = w->gates + (size_t)t * B * Gh;
        if (lstm) {
            lstm_cell_backward(g, w->cs + (size_t)t * bh, w->aux + (size_t)t * bh, w->dh, w->dc, B, h);
            if (t > 0)
                hs_nn_gemm(0, 0, B, h, Gh, 1, g, Gh, p.t[T_WHH], h, 0, w->dh, h);
        } else {
            hs_real *dhg = w->dhg + (size_t)t * B * Gh;
            gru_cell_backward(g, dhg, w->aux + (size_t)t * bh, w->hs + (size_t)t * bh, w->dh, w->dh2, B, h);
            if (t > 0)
                hs_nn_gemm(0, 0, B, h, Gh, 1, dhg, Gh, p.t[T_WHH], h, 1, w->dh2, h);
            hs_real *s = w->dh;
            w->dh = w->dh2;
            w->dh2 = s;
        }
    }

    /* Weight gradients of all steps: d W_hh += sum_t dG_t^T h_{t-1} (h_0 = 0
     * contributes nothing), d W_ih += sum_t dG_t^T x_t. */
    const hs_real *dgh = lstm ? w->gates : w->dhg;
    hs_nn_gemm(1, 0, Gh, h, rows, 1, dgh, Gh, w->hs, h, 1, dp.t[T_WHH], h);
    for (int i = 0; i < rows; i++) {
        const hs_real *gi = w->gates + (size_t)i * Gh, *gh = dgh + (size_t)i * Gh;
        for (int j = 0; j < Gh; j++) {
            dp.t[T_BIH][j] += gi[j];
            dp.t[T_BHH][j] += gh[j];
        }
    }
    if (w->table) {
        /* dP[v] = sum of the gradient rows of the steps reading token v. */
        const int V = hp->vocab;
        memset(w->ptab, 0, (size_t)V * Gh * sizeof *w->ptab);
        for (int i = 0; i < rows; i++)
            hs_nn_add(w->ptab + (size_t)w->tok[i] * Gh, w->gates + (size_t)i * Gh, (size_t)Gh);
        hs_nn_gemm(1, 0, Gh, E, V, 1, w->ptab, Gh, p.t[T_EMB], E, 1, dp.t[T_WIH], E);
        hs_nn_gemm(0, 0, V, E, Gh, 1, w->ptab, Gh, p.t[T_WIH], E, 1, dp.t[T_EMB], E);
    } else {
        hs_nn_gemm(1, 0, Gh, E, rows, 1, w->gates, Gh, w->x, E, 1, dp.t[T_WIH], E);
        hs_nn_gemm(0, 0, rows, E, Gh, 1, w->gates, Gh, p.t[T_WIH], E, 0, w->dx, E);
        hs_nn_embed_backward(dp.t[T_EMB], NULL, w->dx, w->tok, rows, Te, E);
    }
}

int hs_rnn_boundary_state(const hs_nn_hparams *hp, const hs_rnn_ws *w, int b, hs_real *out)
{
    const int h = hp->hidden, t = w->pos[0]; /* row block t = state after token t - 1 */
    assert(b >= 0 && b < w->Bc);
    memcpy(out, w->hs + ((size_t)t * w->Bc + b) * h, (size_t)h * sizeof *out);
    if (hp->kind != HS_NN_LSTM)
        return h;
    memcpy(out + h, w->cs + ((size_t)t * w->Bc + b) * h, (size_t)h * sizeof *out);
    return 2 * h;
}
