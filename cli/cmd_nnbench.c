/* `hypersep bench baselines`: training throughput of the classical models,
 * tokens per second of forward + backward + AdamW on synthetic batches. The
 * protocol matches analysis/torch_bench.py, so the two CSVs compare row by
 * row: every position is scored, nout = 2, uniform random tokens and
 * targets, one warm-up step, then R repeats of as many steps as fit in
 * --seconds (at least one), tokens/s = steps B T / elapsed. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "nn.h"
#include "nn_ops.h"
#include "opts.h"
#include "optim.h"
#include "rng.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep bench baselines [--models LIST] [--hidden LIST] [--d-model LIST]\n"
    "                                [--layers L] [--heads A] [--seq T] [--batch B]\n"
    "                                [--vocab V] [--repeats R] [--seconds X] [--threads T]\n"
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
    "  --threads T     BLAS threads (default 1)\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Parses a comma-separated list of sizes in 1..65536 into v (at most 16). */
static int parse_sizes(const char *opt, const char *s, int *v)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || x < 1 || x > 65536 || n == 16)
            hs_opts_fail("bench baselines", "--%s: '%s' is not a list of sizes (allowed: up to 16 of 1..65536, "
                         "comma-separated)", opt, s);
        v[n++] = (int)x;
        p = *end ? end + 1 : end;
    }
    return n;
}

typedef struct {
    double med, min, max;
    size_t params;
    double loss;
} result;

static result run(const hs_nn_hparams *hp, int B, int T, int repeats, double seconds)
{
    hs_nn *net = hs_nn_new(hp);
    hs_nn_init(net, 1);
    int *pos = hs_alloc((size_t)T * sizeof *pos);
    for (int t = 0; t < T; t++)
        pos[t] = t;
    hs_nn_ws *ws = hs_nn_ws_new(net, B, T, pos, T);
    const int N = B * T;
    uint32_t *tok = hs_alloc((size_t)N * sizeof *tok);
    int *target = hs_alloc((size_t)N * sizeof *target);
    hs_rng rng;
    hs_rng_init(&rng, 1, 0, HS_RNG_TRAIN);
    for (int i = 0; i < N; i++) {
        tok[i] = (uint32_t)hs_rng_below(&rng, (uint64_t)hp->vocab);
        target[i] = (int)hs_rng_below(&rng, (uint64_t)hp->nout);
    }
    hs_real *logits = hs_alloc((size_t)N * hp->nout * sizeof *logits);
    hs_real *probs = hs_alloc((size_t)N * hp->nout * sizeof *probs);
    hs_real *dlogits = hs_alloc((size_t)N * hp->nout * sizeof *dlogits);
    hs_adamw opt;
    hs_adamw_init(&opt, net->nparams, 0, 1);
    double *rate = hs_alloc((size_t)repeats * sizeof *rate);
    double loss = 0;
    for (int r = -1; r < repeats; r++) {
        long steps = 0;
        const double t0 = hs_sys_now();
        double el;
        do {
            hs_nn_zero_grad(net);
            hs_nn_forward(net, ws, tok, B, logits);
            loss = hs_nn_xent_forward(probs, logits, target, N, hp->nout) / N;
            hs_nn_xent_backward(dlogits, probs, target, N, hp->nout, (hs_real)1 / (hs_real)N);
            hs_nn_backward(net, ws, dlogits);
            hs_adamw_step(&opt, net->params, net->grads, 1e-4);
            steps++;
            el = hs_sys_now() - t0;
        } while (r >= 0 && el < seconds); /* r = -1: one warm-up step */
        if (r >= 0)
            rate[r] = (double)steps * N / el;
    }
    qsort(rate, (size_t)repeats, sizeof *rate, cmp_double);
    result res = {repeats % 2 ? rate[repeats / 2] : 0.5 * (rate[repeats / 2 - 1] + rate[repeats / 2]),
                  rate[0], rate[repeats - 1], net->nparams, loss};
    hs_sys_free(rate);
    hs_adamw_free(&opt);
    hs_sys_free(logits);
    hs_sys_free(probs);
    hs_sys_free(dlogits);
    hs_sys_free(tok);
    hs_sys_free(target);
    hs_sys_free(pos);
    hs_nn_ws_free(ws);
    hs_nn_free(net);
    return res;
}

int hs_cmd_bench_baselines(int argc, char **argv)
{
    const char *models = "lstm,gru,transformer", *hidden_s = "64,256,1024", *dmodel_s = "64,256";
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
        {NULL, 0, NULL, 0, 0, 0},
    };
    hs_opts_parse("bench baselines", usage, opts, argc, argv);
    int hidden[16], dmodel[16], kinds[3], nk = 0;
    const int nh = parse_sizes("hidden", hidden_s, hidden), nd = parse_sizes("d-model", dmodel_s, dmodel);
    char *copy = strdup(models), *save = NULL;
    if (!copy)
        hs_sys_fatal("out of memory");
    for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        int k = hs_nn_kind_parse(m);
        if (k < 0 || nk == 3)
            hs_opts_fail("bench baselines", "--models: '%s' is not a trained model (allowed: lstm, gru, "
                         "transformer, comma-separated)", m);
        kinds[nk++] = k;
    }
    free(copy);
    if (nk == 0)
        hs_opts_fail("bench baselines", "--models: '%s' lists no model (allowed: lstm, gru, transformer)", models);
    char err[256];
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < (kinds[i] == HS_NN_TRANSFORMER ? nd : nh); j++) {
            hs_nn_hparams hp = {.kind = kinds[i], .vocab = vocab, .nout = 2, .hidden = hidden[j],
                                .embed = hidden[j], .d_model = dmodel[j], .layers = layers,
                                .heads = heads, .max_t = T};
            if (hs_nn_hparams_check(&hp, err, sizeof err) != 0)
                hs_opts_fail("bench baselines", "%s", err);
            const double need = 4.0 * (double)hs_nn_nparams(&hp) * sizeof(hs_real) + hs_nn_ws_bytes(&hp, B, T, T);
            const char *src;
            const size_t avail = hs_sys_mem_available(&src);
            if (need > (double)avail) {
                char a[32], b[32];
                hs_opts_fail("bench baselines", "--batch/--seq/sizes: %s %s=%d needs %s, %s is available (%s)",
                             hs_nn_kind_name(kinds[i]), kinds[i] == HS_NN_TRANSFORMER ? "d_model" : "hidden",
                             kinds[i] == HS_NN_TRANSFORMER ? dmodel[j] : hidden[j],
                             hs_sys_fmt_bytes(need, a, sizeof a), hs_sys_fmt_bytes((double)avail, b, sizeof b), src);
            }
        }
    openblas_set_num_threads(threads);

    printf("model,hidden,d_model,layers,heads,batch,seq,vocab,params,threads,repeats,"
           "median_tokens_per_s,min_tokens_per_s,max_tokens_per_s,precision,version,git_rev,host\n");
    for (int i = 0; i < nk; i++) {
        const int tf = kinds[i] == HS_NN_TRANSFORMER;
        for (int j = 0; j < (tf ? nd : nh); j++) {
            hs_nn_hparams hp = {.kind = kinds[i], .vocab = vocab, .nout = 2, .hidden = hidden[j],
                                .embed = hidden[j], .d_model = dmodel[j], .layers = layers,
                                .heads = heads, .max_t = T};
            result r = run(&hp, B, T, repeats, seconds);
            /* Verification after timing: training on random targets keeps
             * the loss near ln 2; NaN or a blow-up means a broken kernel. */
            if (!isfinite(r.loss) || r.loss > 10)
                hs_sys_fatal("verification failed: %s loss %g after the benchmark", hs_nn_kind_name(kinds[i]),
                             r.loss);
            fprintf(stderr, "bench baselines: %s %s=%d: %.0f tokens/s\n", hs_nn_kind_name(kinds[i]),
                    tf ? "d_model" : "hidden", tf ? dmodel[j] : hidden[j], r.med);
            printf("%s,%d,%d,%d,%d,%d,%d,%d,%zu,%d,%d,%.1f,%.1f,%.1f,%s,%s,%s,%s\n", hs_nn_kind_name(kinds[i]),
                   tf ? 0 : hidden[j], tf ? dmodel[j] : 0, tf ? layers : 1, tf ? heads : 0, B, T, vocab,
                   r.params, threads, repeats, r.med, r.min, r.max, HS_REAL_NAME, HS_VERSION, HS_GIT_REV,
                   hs_sys_host());
            fflush(stdout);
        }
    }
    return 0;
}
