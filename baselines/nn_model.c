/* Trained models as hs_model: one sequence per forward pass, softmax of the
 * read-out at each query. */
#include "nn_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn_file.h"
#include "sys.h"

typedef struct {
    hs_nn *net;
    hs_nn_ws *ws; /* made on the first sequence: T and q are those of cfg */
    uint32_t *tok;
    hs_real *logits;
} ctx;

static void bases_text(const hs_hsmt *c, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < c->nbases && used < len; i++) {
        char name[16];
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
                                 hs_hsmt_basis_name(c->bases[i], c->d, name, sizeof name));
    }
}

int hs_nnmodel_compatible(const hs_nn *net, const hs_hsmt *trained, const hs_hsmt *cfg, char *err,
                          size_t errlen)
{
    int same = trained->n == cfg->n && trained->k == cfg->k && trained->d == cfg->d &&
               trained->nbases == cfg->nbases;
    for (int i = 0; same && i < cfg->nbases; i++)
        same = trained->bases[i] == cfg->bases[i];
    if (!same) {
        char a[128], b[128];
        bases_text(trained, a, sizeof a);
        bases_text(cfg, b, sizeof b);
        snprintf(err, errlen,
                 "--load: the model was trained on n=%d k=%d d=%d bases=%s, the data has n=%d k=%d d=%d "
                 "bases=%s (they must match)",
                 trained->n, trained->k, trained->d, a, cfg->n, cfg->k, cfg->d, b);
        return -1;
    }
    const long T = cfg->ell + 1 + 2L * cfg->q;
    if (net->hp.kind == HS_NN_TRANSFORMER && T > net->hp.max_t) {
        snprintf(err, errlen,
                 "--load: sequences of the data have %ld tokens (ell=%ld q=%d), the Transformer knows "
                 "%d positions (trained on ell=%ld q=%d)",
                 T, cfg->ell, cfg->q, net->hp.max_t, trained->ell, trained->q);
        return -1;
    }
    return 0;
}

void hs_nnmodel_softmax(const hs_real *logits, int d, double *r)
{
    double mx = logits[0], s = 0;
    for (int o = 1; o < d; o++)
        mx = logits[o] > mx ? logits[o] : mx;
    for (int o = 0; o < d; o++)
        s += r[o] = exp(logits[o] - mx);
    for (int o = 0; o < d; o++)
        r[o] /= s;
}

static int predict(void *vc, const hs_hsmt *cfg, const hs_seq *s, double *r, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    ctx *c = vc;
    const int T = (int)hs_hsmt_seq_tokens(s);
    if (!c->ws) {
        int *pos = hs_alloc((size_t)s->q * sizeof *pos);
        for (int t = 0; t < s->q; t++)
            pos[t] = (int)hs_hsmt_query_pos(s, t);
        c->ws = hs_nn_ws_new(c->net, 1, T, pos, s->q);
        hs_sys_free(pos);
        c->tok = hs_alloc((size_t)T * sizeof *c->tok);
        c->logits = hs_alloc((size_t)s->q * cfg->d * sizeof *c->logits);
    }
    /* Every sequence of one configuration has the same length and queries. */
    if (T != hs_nn_ws_tokens(c->ws))
        hs_sys_fatal("sequence %llu has %d tokens, earlier ones %d", (unsigned long long)s->id, T,
                     hs_nn_ws_tokens(c->ws));
    hs_hsmt_tokens(cfg, s, c->tok);
    hs_nn_forward(c->net, c->ws, c->tok, 1, c->logits);
    for (int t = 0; t < s->q; t++)
        hs_nnmodel_softmax(c->logits + (size_t)t * cfg->d, cfg->d, r + (size_t)t * cfg->d);
    return 0;
}

static void ctx_free(void *vc)
{
    ctx *c = vc;
    hs_nn_ws_free(c->ws);
    hs_nn_free(c->net);
    hs_sys_free(c->tok);
    hs_sys_free(c->logits);
    hs_sys_free(c);
}

void hs_nnmodel_wrap(hs_nn *net, const hs_hsmt *cfg, hs_model *m)
{
    ctx *c = hs_calloc(1, sizeof *c);
    c->net = net;
    *m = (hs_model){.name = hs_nn_kind_name(net->hp.kind),
                    .ctx = c,
                    .predict = predict,
                    .free = ctx_free,
                    .memory_bits = hs_nn_memory_bits(&net->hp, cfg->ell),
                    .params = (long)net->nparams};
}

int hs_nnmodel_open(const char *name, const char *path, const hs_hsmt *cfg, hs_model *m, char *err,
                    size_t errlen)
{
    if (!path) {
        snprintf(err, errlen, "--load: required for --model %s (a file saved by hypersep train --save)", name);
        return -1;
    }
    hs_hsmt trained;
    uint64_t steps;
    hs_nn *net = hs_nnfile_load(path, &trained, &steps, err, errlen);
    if (!net)
        return -1;
    if (strcmp(hs_nn_kind_name(net->hp.kind), name) != 0) {
        snprintf(err, errlen, "--load: '%s' holds a %s model, not --model %s", path,
                 hs_nn_kind_name(net->hp.kind), name);
        hs_nn_free(net);
        return -1;
    }
    if (hs_nnmodel_compatible(net, &trained, cfg, err, errlen) != 0) {
        hs_nn_free(net);
        return -1;
    }
    /* Activations of one sequence, before the first is scored. */
    const double need = hs_nn_ws_bytes(&net->hp, 1, (int)(cfg->ell + 1 + 2L * cfg->q), cfg->q);
    const char *src;
    const size_t avail = hs_sys_mem_available(&src);
    if (need > (double)avail) {
        char a[32], b[32];
        snprintf(err, errlen, "--data: scoring sequences of ell=%ld needs %s of activations, %s is available (%s)",
                 cfg->ell, hs_sys_fmt_bytes(need, a, sizeof a), hs_sys_fmt_bytes((double)avail, b, sizeof b),
                 src);
        hs_nn_free(net);
        return -1;
    }
    hs_nnmodel_wrap(net, cfg, m);
    return 0;
}
