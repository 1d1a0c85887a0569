/* `hypersep bench baselines`: training throughput of the classical models,
 * tokens per second of forward + backward + AdamW on synthetic batches. The
 * protocol matches analysis/torch_bench.py, so the two CSVs compare row by
 * row: every position is scored, nout = 2, uniform random tokens and
 * targets, one warm-up step, then R repeats of as many steps as fit in
 * --seconds (at least one; util/bench.h), tokens/s = B T / seconds per step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adamw.h"
#include "bench.h"
#include "cmds.h"
#include "nn.h"
#include "nn_ops.h"
#include "opts.h"
#include "rng.h"
#include "score.h"
#include "sys.h"
#include "version.h"

static const char usage[] =
    "usage: hypersep bench baselines [--models LIST] [--hidden LIST] [--d-model LIST]\n"
    "                                [--layers L] [--heads A] [--seq T] [--batch B]\n"
    "                                [--vocab V] [--repeats R] [--seconds X] [--threads T]\n"
    "                                [--loss soft|hard]\n"
    "Prints CSV rows (header first) of training throughput, forward + backward +\n"
    "AdamW, in tokens per second: median, min and max over R repeats.\n"
    "  --models LIST   comma-separated lstm, gru, transformer (default all three)\n"
    "  --hidden LIST   LSTM/GRU hidden sizes (default 64,256,1024; embedding = hidden)\n"
    "  --d-model LIST  Transformer widths (default 64,256)\n"
    "  --layers L      Transformer blocks (default 2)\n"
    "  --heads A       Transformer heads (default 4)\n"
    "  --seq T         tokens per sequence (default 60)\n"
    "  --batch B       sequences per step (default 32)\n"
    "  --vocab V       input vocabulary (default 64)\n"
    "  --repeats R     timed repeats (default 3)\n"
    "  --seconds X     minimum time of one repeat (default 1)\n"
    "  --threads T     BLAS threads (default 1)\n"
    "  --loss L        hard (sampled targets, default) or soft (target distributions,\n"
    "                  as training against the exact conditionals)\n";

/* Parses a comma-separated list of sizes in 1..65536 into v (at most 16). */
static int parse_sizes(const char *opt, const char *s, int *v, int *count, hs_err *e)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || x < 1 || x > 65536 || n == 16)
            return hs_err_usage(e, "bench baselines", "--%s: '%s' is not a list of sizes (allowed: up to 16 of "
                                "1..65536, comma-separated)", opt, s);
        v[n++] = (int)x;
        p = *end ? end + 1 : end;
    }
    *count = n;
    return HS_OK;
}

typedef struct {
    hs_nn *net;
    hs_nn_ws *ws;
    hs_adamw opt;
    double *x, *g;
    uint32_t *tok;
    int *target;
    hs_real *logits, *probs, *dlogits;
    int B, N, nout, soft;
    double *p; /* [N nout] target distributions of the soft loss */
    double loss;
} step_ctx;

/* One training step: forward, cross-entropy, backward, AdamW on the loop's
 * double parameter vector (as core/train.c does it). */
static void step(void *vc)
{
    step_ctx *c = vc;
    hs_nn *net = c->net;
    hs_nn_zero_grad(net);
    hs_nn_forward(net, c->ws, c->tok, c->B, c->logits);
    const hs_real scale = (hs_real)1 / (hs_real)c->N;
    if (c->soft) {
        c->loss = hs_nn_xent_soft_forward(c->probs, c->logits, c->p, c->N, c->nout) / c->N;
        hs_nn_xent_soft_backward(c->dlogits, c->probs, c->p, c->N, c->nout, scale);
    } else {
        c->loss = hs_nn_xent_forward(c->probs, c->logits, c->target, c->N, c->nout) / c->N;
        hs_nn_xent_backward(c->dlogits, c->probs, c->target, c->N, c->nout, scale);
    }
    hs_nn_backward(net, c->ws, c->dlogits);
    for (size_t i = 0; i < net->nparams; i++)
        c->g[i] = (double)net->grads[i];
    hs_adamw_step(&c->opt, c->x, c->g, 1e-4);
    for (size_t i = 0; i < net->nparams; i++)
        net->params[i] = (hs_real)c->x[i];
}

typedef struct {
    double med, min, max; /* tokens per second */
    size_t params;
    double loss;
} result;

static result run(const hs_nn_hparams *hp, int B, int T, int repeats, double seconds, int soft)
{
    step_ctx c = {.net = hs_nn_new(hp), .B = B, .N = B * T, .nout = hp->nout, .soft = soft};
    hs_nn_init(c.net, 1);
    int *pos = hs_alloc((size_t)T * sizeof *pos);
    for (int t = 0; t < T; t++)
        pos[t] = t;
    c.ws = hs_nn_ws_new(c.net, B, T, pos, T);
    const size_t P = c.net->nparams, N = (size_t)c.N;
    c.tok = hs_alloc(N * sizeof *c.tok);
    c.target = hs_alloc(N * sizeof *c.target);
    hs_rng rng;
    hs_rng_init(&rng, 1, 0, HS_RNG_TRAIN);
    c.p = hs_alloc(N * hp->nout * sizeof *c.p);
    for (size_t i = 0; i < N; i++) {
        c.tok[i] = (uint32_t)hs_rng_below(&rng, (uint64_t)hp->vocab);
        c.target[i] = (int)hs_rng_below(&rng, (uint64_t)hp->nout);
        double sum = 0;
        for (int o = 0; o < hp->nout; o++)
            sum += c.p[i * hp->nout + o] = hs_rng_uniform(&rng);
        for (int o = 0; o < hp->nout; o++)
            c.p[i * hp->nout + o] /= sum;
    }
    c.logits = hs_alloc(N * hp->nout * sizeof *c.logits);
    c.probs = hs_alloc(N * hp->nout * sizeof *c.probs);
    c.dlogits = hs_alloc(N * hp->nout * sizeof *c.dlogits);
    c.x = hs_alloc(P * sizeof *c.x);
    c.g = hs_alloc(P * sizeof *c.g);
    for (size_t i = 0; i < P; i++)
        c.x[i] = (double)c.net->params[i];
    hs_adamw_init(&c.opt, P, 0, 1);
    const hs_bench h = {.name = hs_nn_kind_name(hp->kind), .warmup = 1, .repeats = repeats,
                        .min_seconds = seconds, .ctx = &c, .run = step};
    hs_bench_stats st;
    hs_bench_time(&h, &st);
    /* The fastest step is the highest rate. */
    result res = {N / st.med, N / st.max, N / st.min, P, c.loss};
    hs_adamw_free(&c.opt);
    hs_sys_free(c.x);
    hs_sys_free(c.g);
    hs_sys_free(c.logits);
    hs_sys_free(c.probs);
    hs_sys_free(c.dlogits);
    hs_sys_free(c.tok);
    hs_sys_free(c.target);
    hs_sys_free(c.p);
    hs_sys_free(pos);
    hs_nn_ws_free(c.ws);
    hs_nn_free(c.net);
    return res;
}

int hs_cmd_bench_baselines(int argc, char **argv, hs_err *e)
{
    const char *models = "lstm,gru,transformer", *hidden_s = "64,256,1024", *dmodel_s = "64,256", *loss = "hard";
    int layers = 2, heads = 4, T = 60, B = 32, vocab = 64, repeats = 3, threads = 1;
    double seconds = 1;
    hs_opt opts[] = {
        {"models", HS_OPT_STR, &models, 0, 0, 0},
        {"hidden", HS_OPT_STR, &hidden_s, 0, 0, 0},
        {"d-model", HS_OPT_STR, &dmodel_s, 0, 0, 0},
        {"layers", HS_OPT_INT, &layers, 1, 256, 0},
        {"heads", HS_OPT_INT, &heads, 1, 65536, 0},
        {"seq", HS_OPT_INT, &T, 1, 100000, 0},
        {"batch", HS_OPT_INT, &B, 1, 65536, 0},
        {"vocab", HS_OPT_INT, &vocab, 1, 1 << 24, 0},
        {"repeats", HS_OPT_INT, &repeats, 1, 1000, 0},
        {"seconds", HS_OPT_DOUBLE, &seconds, 0, 3600, 0},
        {"threads", HS_OPT_INT, &threads, 1, 1024, 0},
        {"loss", HS_OPT_STR, &loss, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    int rc = hs_opts_parse("bench baselines", usage, opts, argc, argv, e);
    int hidden[16], dmodel[16], kinds[3], nk = 0, nh = 0, nd = 0;
    if (rc != HS_OK || (rc = parse_sizes("hidden", hidden_s, hidden, &nh, e)) != HS_OK ||
        (rc = parse_sizes("d-model", dmodel_s, dmodel, &nd, e)) != HS_OK)
        return rc;
    for (const char *m = models; *m;) {
        const char *end = strchr(m, ',');
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(end ? (size_t)(end - m) : strlen(m)), m);
        const int k = hs_nn_kind_parse(name);
        if (k < 0 || nk == 3)
            return hs_err_usage(e, "bench baselines", "--models: '%s' is not a trained model (allowed: lstm, gru, "
                                "transformer, comma-separated)", name);
        kinds[nk++] = k;
        m = end ? end + 1 : m + strlen(m);
    }
    if (nk == 0)
        return hs_err_usage(e, "bench baselines", "--models: '%s' lists no model (allowed: lstm, gru, transformer)",
                            models);
    const int kind = hs_loss_parse(loss);
    if (kind < 0)
        return hs_err_usage(e, "bench baselines", "--loss: '%s' is not a loss (allowed: soft, hard)", loss);
    char err[256];
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < (kinds[i] == HS_NN_TRANSFORMER ? nd : nh); j++) {
            hs_nn_hparams hp = {.kind = kinds[i], .vocab = vocab, .nout = 2, .hidden = hidden[j],
                                .embed = hidden[j], .d_model = dmodel[j], .layers = layers,
                                .heads = heads, .max_t = T};
            if (hs_nn_hparams_check(&hp, err, sizeof err) != 0)
                return hs_err_usage(e, "bench baselines", "%s", err);
            const double need = (double)hs_nn_nparams(&hp) * (2.0 * sizeof(hs_real) + 4.0 * sizeof(double)) +
                                hs_nn_ws_bytes(&hp, B, T, T);
            const char *src;
            const size_t avail = hs_sys_mem_available(&src);
            if (need > (double)avail) {
                char a[32], b[32];
                return hs_err_usage(e, "bench baselines",
                                    "--batch/--seq/sizes: %s %s=%d needs %s, %s is available (%s)",
                             hs_nn_kind_name(kinds[i]), kinds[i] == HS_NN_TRANSFORMER ? "d_model" : "hidden",
                             kinds[i] == HS_NN_TRANSFORMER ? dmodel[j] : hidden[j],
                             hs_sys_fmt_bytes(need, a, sizeof a), hs_sys_fmt_bytes((double)avail, b, sizeof b), src);
            }
        }
    hs_nn_blas_threads(threads);

    printf("model,hidden,d_model,layers,heads,batch,seq,vocab,params,threads,repeats,"
           "median_tokens_per_s,min_tokens_per_s,max_tokens_per_s,precision,version,git_rev,host\n");
    for (int i = 0; i < nk; i++) {
        const int tf = kinds[i] == HS_NN_TRANSFORMER;
        for (int j = 0; j < (tf ? nd : nh); j++) {
            hs_nn_hparams hp = {.kind = kinds[i], .vocab = vocab, .nout = 2, .hidden = hidden[j],
                                .embed = hidden[j], .d_model = dmodel[j], .layers = layers,
                                .heads = heads, .max_t = T};
            result r = run(&hp, B, T, repeats, seconds, kind == HS_LOSS_CE);
            /* Verification after timing: training on random targets keeps
             * the loss near ln 2; NaN or a blow-up means a broken kernel. */
            if (!isfinite(r.loss) || r.loss > 10)
                hs_sys_fatal("verification failed: %s loss %g after the benchmark", hs_nn_kind_name(kinds[i]),
                             r.loss);
            fprintf(stderr, "bench baselines: %s %s=%d: %.0f tokens/s\n", hs_nn_kind_name(kinds[i]),
                    tf ? "d_model" : "hidden", tf ? dmodel[j] : hidden[j], r.med);
            printf("%s,%d,%d,%d,%d,%d,%d,%d,%zu,%d,%d,%.1f,%.1f,%.1f,%s,%s,%s,%s\n", hs_nn_kind_name(kinds[i]),
                   tf ? 0 : hidden[j], tf ? dmodel[j] : 0, tf ? layers : 1, tf ? heads : 0, B, T, vocab,
                   r.params, threads, repeats, r.med, r.min, r.max, HS_REAL_NAME, hs_version, hs_git_rev,
                   hs_sys_host());
            fflush(stdout);
        }
    }
    return HS_OK;
}
