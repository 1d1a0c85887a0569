/* `hypersep train`: trains a classical model (LSTM, GRU, Transformer) on fresh
 * HSMT sequences, scores it on held-out ones and optionally saves it. */
#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "nn.h"
#include "nn_file.h"
#include "nn_model.h"
#include "nn_train.h"
#include "opts.h"
#include "score.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep train --model lstm|gru|transformer --n N --k K --ell L [--d D]\n"
    "                      [--bases B] [--queries Q] [--hidden H] [--embed E]\n"
    "                      [--d-model W] [--layers L] [--heads A] [--steps S]\n"
    "                      [--batch B] [--lr X] [--wd X] [--clip X] [--eval N]\n"
    "                      [--seed S] [--threads T] [--save FILE]\n"
    "Trains on fresh sequences of HSMT(ell, n, k; d, B, q) (step s uses sequences\n"
    "s*B .. s*B+B-1 of the task's seed), then scores the model on the held-out\n"
    "sequences 2^40 .. 2^40+N-1. Progress on stderr (at most once a second): step,\n"
    "training loss and excess loss (bits per output), tokens/s, ETA. Prints\n"
    "key=value lines: hyperparameters and training figures, then the metrics of\n"
    "`hypersep eval` (model, sequences, outputs, cross_entropy_bits, optimum_bits,\n"
    "excess_loss_bits, tv, nll_bits, memory_bits, params).\n"
    "  --model M      lstm, gru or transformer\n"
    "  --n, --k, --ell, --d, --bases, --queries   the task (as hypersep sample)\n"
    "  --hidden H     LSTM/GRU hidden size (default 64)\n"
    "  --embed E      LSTM/GRU token embedding width (default: H)\n"
    "  --d-model W    Transformer width (default 64)\n"
    "  --layers L     Transformer blocks (default 2)\n"
    "  --heads A      Transformer attention heads, dividing W (default 4)\n"
    "  --steps S      training steps (default 2000)\n"
    "  --batch B      sequences per step (default 32)\n"
    "  --lr X         peak learning rate (default 0.01 for lstm and gru, 0.001 for\n"
    "                 transformer): linear warm-up over min(100, S/10) steps,\n"
    "                 cosine decay to X/10\n"
    "  --wd X         AdamW weight decay (default 0)\n"
    "  --clip X       gradient-norm clipping bound, 0 for none (default 1)\n"
    "  --eval N       held-out sequences scored at the end (default 1000)\n"
    "  --seed S       task seed (sequences) and initialisation seed (default 1)\n"
    "  --threads T    threads of BLAS and of the sequence generator (default 1)\n"
    "  --save FILE    write the trained model (atomically; for eval --load)\n";

int hs_cmd_train(int argc, char **argv)
{
    const char *model = NULL, *bases = NULL, *save = NULL;
    int n = 0, k = 0, d = 2, q = 0, hidden = 64, embed = 0, dmodel = 64, layers = 2, heads = 4;
    int batch = 32, threads = 1;
    long ell = -1, steps = 2000, neval = 1000;
    double lr = 0, wd = 0, clip = 1;
    uint64_t seed = 1;
    hs_opt opts[] = {
        {"model", HS_OPT_STR, &model, 0, 0, 0},
        {"n", HS_OPT_INT, &n, 1, 62, 0},
        {"k", HS_OPT_INT, &k, 1, 62, 0},
        {"ell", HS_OPT_LONG, &ell, 0, 1e6, 0},
        {"d", HS_OPT_INT, &d, 2, 64, 0},
        {"bases", HS_OPT_STR, &bases, 0, 0, 0},
        {"queries", HS_OPT_INT, &q, 1, 62, 0},
        {"hidden", HS_OPT_INT, &hidden, 1, 65536, 0},
        {"embed", HS_OPT_INT, &embed, 1, 65536, 0},
        {"d-model", HS_OPT_INT, &dmodel, 1, 65536, 0},
        {"layers", HS_OPT_INT, &layers, 1, 256, 0},
        {"heads", HS_OPT_INT, &heads, 1, 65536, 0},
        {"steps", HS_OPT_LONG, &steps, 1, 1e9, 0},
        {"batch", HS_OPT_INT, &batch, 1, 65536, 0},
        {"lr", HS_OPT_DOUBLE, &lr, 1e-12, 10, 0},
        {"wd", HS_OPT_DOUBLE, &wd, 0, 1, 0},
        {"clip", HS_OPT_DOUBLE, &clip, 0, 1e12, 0},
        {"eval", HS_OPT_LONG, &neval, 1, 1e9, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {"threads", HS_OPT_INT, &threads, 1, 1024, 0},
        {"save", HS_OPT_STR, &save, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    hs_opts_parse("train", usage, opts, argc, argv);
    if (!model || !hs_opts_seen(opts, "n") || !hs_opts_seen(opts, "k") || !hs_opts_seen(opts, "ell"))
        hs_opts_fail("train", "--model, --n, --k and --ell are required (see hypersep train --help)");
    const int kind = hs_nn_kind_parse(model);
    if (kind < 0)
        hs_opts_fail("train", "--model: '%s' is not a trainable model (allowed: lstm, gru, transformer)", model);
    static const char *rnn_only[] = {"hidden", "embed"}, *tf_only[] = {"d-model", "layers", "heads"};
    for (int i = 0; i < 3; i++)
        if (kind != HS_NN_TRANSFORMER && hs_opts_seen(opts, tf_only[i]))
            hs_opts_fail("train", "--%s: not an option of --model %s (use --hidden, --embed)", tf_only[i], model);
    for (int i = 0; i < 2; i++)
        if (kind == HS_NN_TRANSFORMER && hs_opts_seen(opts, rnn_only[i]))
            hs_opts_fail("train", "--%s: not an option of --model transformer (use --d-model, --layers, --heads)",
                         rnn_only[i]);
    if (!hs_opts_seen(opts, "lr"))
        lr = kind == HS_NN_TRANSFORMER ? 1e-3 : 1e-2;
    if ((double)steps * batch > (double)HS_NNTRAIN_EVAL_FIRST)
        hs_opts_fail("train", "--steps: %ld steps of %d sequences reach the held-out range 2^40 (allowed: "
                     "steps * batch <= 2^40)", steps, batch);

    hs_hsmt cfg;
    hs_cli_task("train", n, k, ell, d, bases, q, seed, &cfg);
    hs_cli_check_fit("train", cfg.n, cfg.d);
    const double T = (double)cfg.ell + 1 + 2.0 * cfg.q;
    hs_nn_hparams hp = {.kind = kind, .nout = cfg.d, .hidden = hidden, .embed = embed ? embed : hidden,
                        .d_model = dmodel, .layers = layers, .heads = heads,
                        .max_t = T > 1 << 20 ? -1 : (int)T};
    const uint64_t vocab = hs_hsmt_vocab(&cfg);
    if (vocab > (1u << 24))
        hs_opts_fail("train", "--n/--k: %llu tokens are too many for an embedding table (allowed up to %d)",
                     (unsigned long long)vocab, 1 << 24);
    hp.vocab = (int)vocab;
    char err[512];
    if (hs_nn_hparams_check(&hp, err, sizeof err) != 0)
        hs_opts_fail("train", "%s", err);
    /* Parameters, gradients, two Adam moments and the activations of a
     * batch, before allocating any of them. */
    const double need = 4.0 * (double)hs_nn_nparams(&hp) * sizeof(hs_real) +
                        hs_nn_ws_bytes(&hp, batch, (int)T, cfg.q);
    const char *src;
    const size_t avail = hs_sys_mem_available(&src);
    if (need > (double)avail) {
        char a[32], b[32];
        hs_opts_fail("train", "--batch/--ell/model size: training needs %s (parameters, optimiser state, "
                     "activations), %s is available (%s)", hs_sys_fmt_bytes(need, a, sizeof a),
                     hs_sys_fmt_bytes((double)avail, b, sizeof b), src);
    }
    hs_nnfile_writer *out = NULL;
    if (save && !(out = hs_nnfile_begin(save, err, sizeof err)))
        hs_opts_fail("train", "%s", err);
    openblas_set_num_threads(threads);
    omp_set_num_threads(threads);

    hs_nn *net = hs_nn_new(&hp);
    hs_nn_init(net, seed);
    fprintf(stderr, "train: %s, %zu parameters, %ld steps of %d sequences of %.0f tokens\n", model,
            net->nparams, steps, batch, T);
    const hs_nntrain_opts to = {.steps = steps, .batch = batch, .lr = lr, .weight_decay = wd, .clip = clip,
                                .progress = 1};
    hs_nntrain_result res;
    hs_nntrain_run(net, &cfg, &to, &res);
    hs_score sc = {0};
    hs_nntrain_eval(net, &cfg, HS_NNTRAIN_EVAL_FIRST, neval, batch, &sc);
    if (out)
        hs_nnfile_commit(out, net, &cfg, (uint64_t)steps);

    if (kind == HS_NN_TRANSFORMER)
        printf("d_model=%d\nlayers=%d\nheads=%d\n", dmodel, layers, heads);
    else
        printf("hidden=%d\nembed=%d\n", hp.hidden, hp.embed);
    printf("steps=%ld\nbatch=%d\nlr=%.6g\nseed=%llu\n", steps, batch, lr, (unsigned long long)seed);
    printf("train_seconds=%.3f\ntokens_per_s=%.1f\n", res.seconds, res.tokens_per_s);
    printf("train_loss_bits=%.12g\ntrain_excess_loss_bits=%.12g\n", res.loss_bits, res.excess_bits);
    printf("model=%s\n", model);
    printf("sequences=%ld\n", neval);
    hs_score_print(&sc, stdout);
    printf("memory_bits=%.6g\n", hs_nn_memory_bits(&hp, cfg.ell));
    printf("params=%zu\n", net->nparams);
    fflush(stdout);
    hs_nn_free(net);
    return 0;
}
