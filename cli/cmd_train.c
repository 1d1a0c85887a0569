/* `hypersep train`: trains a trainable model of the registry (k-HRNN,
 * ansatz, LSTM, GRU, Transformer) through the one training loop on fresh
 * HSMT sequences, scores it on held-out ones and optionally saves it. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "cmds.h"
#include "nn_ops.h"
#include "opts.h"
#include "registry.h"
#include "score.h"
#include "sys.h"
#include "train.h"

static const char usage[] =
    "usage: hypersep train --model NAME --n N --k K --ell L [--d D] [--bases B]\n"
    "                      [--queries Q] [model hyperparameters] [--steps S] [--batch B]\n"
    "                      [--lr X] [--lr-floor F] [--warmup W] [--wd X] [--clip X]\n"
    "                      [--loss soft|hard] [--curriculum C] [--advance-below X]\n"
    "                      [--target EPS] [--plateau F] [--eval N] [--every E]\n"
    "                      [--seed S] [--threads T] [--save FILE]\n"
    "Trains a model on fresh sequences of HSMT(ell, n, k; d, B, q) (update s uses\n"
    "sequences s*B .. s*B+B-1 of the task's seed) through the one training loop\n"
    "(docs/spec.md#training), then scores it on the held-out sequences\n"
    "2^40 .. 2^40+N-1. Progress on stderr (at most once a second): step, training\n"
    "loss and excess loss (bits per output), tokens/s, ETA; and the held-out\n"
    "scores at the log points. Prints key=value lines: hyperparameters and\n"
    "training figures, then the metrics of `hypersep eval` (model, sequences,\n"
    "outputs, cross_entropy_bits, optimum_bits, excess_loss_bits, tv, nll_bits,\n"
    "memory_bits, params).\n"
    "  --model M      a trainable model of `hypersep models`: khrnn, ansatz, lstm,\n"
    "                 gru, transformer\n"
    "  --n, --k, --ell, --d, --bases, --queries   the task (as hypersep sample)\n"
    "  --hidden H     LSTM/GRU hidden size (default 64)\n"
    "  --embed E      LSTM/GRU token embedding width (default: H)\n"
    "  --d-model W    Transformer width (default 64)\n"
    "  --layers L     Transformer blocks (default 2)\n"
    "  --heads A      Transformer attention heads, dividing W (default 4)\n"
    "  --steps S      training updates (default 2000)\n"
    "  --batch B      sequences per update (default: the model's, 32 or 16)\n"
    "  --lr X         peak learning rate (default: the model's, `hypersep models`)\n"
    "  --warmup W     linear warm-up updates (default: min(100, S/10) for the\n"
    "                 classical models, 0 for the quantum ones)\n"
    "  --lr-floor F   cosine decay from X to X*F (default 0.1 classical, 0.01 quantum)\n"
    "  --wd X         AdamW weight decay (default 0)\n"
    "  --clip X       gradient-norm clipping bound, 0 for none (default 1 classical,\n"
    "                 0 quantum)\n"
    "  --quant-bits B classical models: the state crossing the context boundary\n"
    "                 rounded to B bits per unit (straight-through gradient;\n"
    "                 default 0: float); memory_bits is then B * state_dim\n"
    "  --loss L       soft (exact conditionals, default) or hard (sampled outcome)\n"
    "  --curriculum C none, ell (context length ell_s = 1, 2, 4, .., ell), queries\n"
    "                 (q_s = 1, 2, 4, .., q) or ell+queries (default ell for the\n"
    "                 quantum models, none for the classical ones)\n"
    "  --advance-below X  a curriculum stage ends once the running training\n"
    "                 excess loss is <= X bits (default: at its share of steps)\n"
    "  --target EPS   stop at the first log point with held-out excess <= EPS bits\n"
    "                 (early stopping; also logs at 4/5 of the steps for the verdict)\n"
    "  --plateau F    verdict: plateau when the best held-out excess improved by\n"
    "                 less than F over the last fifth of the steps (default 0.1)\n"
    "  --eval N       held-out sequences scored (default 1000)\n"
    "  --every E      held-out log points every E updates, 0 about ten per decade\n"
    "                 (default: before and after training only)\n"
    "  --seed S       task seed (sequences) and initialisation seed (default 1)\n"
    "  --threads T    threads of BLAS, OpenMP and the sequence generator (default 1)\n"
    "  --save FILE    write the trained model (atomically; for eval --load;\n"
    "                 lstm, gru, transformer)\n";

/* Room for the fixed options, then one slot per distinct hyperparameter
 * name of the registry. */
enum { MAX_FIXED = 24, MAX_HP_OPTS = 16 };

int hs_cmd_train(int argc, char **argv, hs_err *e)
{
    const char *model = NULL, *bases = NULL, *save = NULL, *loss_name = NULL, *curriculum = NULL;
    int n = 0, k = 0, d = 2, q = 0, batch = 0, threads = 1;
    long ell = -1, steps = 2000, neval = 1000, warmup = 0, every = -1;
    double lr = 0, floor = 0, wd = 0, clip = 0, target = 0, advance = 0, plateau = 0.1;
    uint64_t seed = 1;
    hs_opt opts[MAX_FIXED + MAX_HP_OPTS + 1] = {
        {"model", HS_OPT_STR, &model, 0, 0, 0},
        {"n", HS_OPT_INT, &n, 1, 62, 0},
        {"k", HS_OPT_INT, &k, 1, 62, 0},
        {"ell", HS_OPT_LONG, &ell, 0, 1e6, 0},
        {"d", HS_OPT_INT, &d, 2, 64, 0},
        {"bases", HS_OPT_STR, &bases, 0, 0, 0},
        {"queries", HS_OPT_INT, &q, 1, 62, 0},
        {"steps", HS_OPT_LONG, &steps, 0, 1e9, 0},
        {"batch", HS_OPT_INT, &batch, 1, 65536, 0},
        {"lr", HS_OPT_DOUBLE, &lr, 1e-12, 10, 0},
        {"lr-floor", HS_OPT_DOUBLE, &floor, 1e-6, 1, 0},
        {"warmup", HS_OPT_LONG, &warmup, 0, 1e9, 0},
        {"wd", HS_OPT_DOUBLE, &wd, 0, 1, 0},
        {"clip", HS_OPT_DOUBLE, &clip, 0, 1e12, 0},
        {"loss", HS_OPT_STR, &loss_name, 0, 0, 0},
        {"curriculum", HS_OPT_STR, &curriculum, 0, 0, 0},
        {"advance-below", HS_OPT_DOUBLE, &advance, 0, 100, 0},
        {"target", HS_OPT_DOUBLE, &target, 0, 100, 0},
        {"plateau", HS_OPT_DOUBLE, &plateau, 0, 1, 0},
        {"eval", HS_OPT_LONG, &neval, 1, 1e9, 0},
        {"every", HS_OPT_LONG, &every, 0, 1e9, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {"threads", HS_OPT_INT, &threads, 1, 1024, 0},
        {"save", HS_OPT_STR, &save, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    /* Hyperparameter options of every model, each name once. */
    char names[MAX_HP_OPTS][32];
    int vals[MAX_HP_OPTS], nhp_opts = 0, nopts = 0;
    while (opts[nopts].name)
        nopts++;
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        for (int j = 0; j < m->nhp; j++) {
            char opt[32];
            hs_models_option(&m->hp[j], opt, sizeof opt);
            int known = 0;
            for (int a = 0; a < nhp_opts; a++)
                known |= strcmp(names[a], opt + 2) == 0;
            if (known || nhp_opts == MAX_HP_OPTS)
                continue;
            snprintf(names[nhp_opts], sizeof names[nhp_opts], "%s", opt + 2);
            opts[nopts++] = (hs_opt){names[nhp_opts], HS_OPT_INT, &vals[nhp_opts], m->hp[j].min, m->hp[j].max, 0};
            nhp_opts++;
        }
    }
    opts[nopts] = (hs_opt){NULL, 0, NULL, 0, 0, 0};
    int rc = hs_opts_parse("train", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (!model || !hs_opts_seen(opts, "n") || !hs_opts_seen(opts, "k") || !hs_opts_seen(opts, "ell"))
        return hs_err_usage(e, "train", "--model, --n, --k and --ell are required (see hypersep train --help)");
    const hs_model_desc *desc = hs_models_find(model);
    if (!desc || !hs_models_is_trainable(desc)) {
        char allowed[256];
        hs_models_names(allowed, sizeof allowed, hs_models_is_trainable);
        return hs_err_usage(e, "train", "--model: '%s' is not a trainable model (allowed: %s)", model, allowed);
    }
    /* The model's hyperparameters from their options; others are refused. */
    double hp[HS_MODEL_MAX_HP];
    hs_models_defaults(desc, hp);
    char own[128] = "";
    for (int j = 0; j < desc->nhp; j++) {
        char opt[32];
        hs_models_option(&desc->hp[j], opt, sizeof opt);
        snprintf(own + strlen(own), sizeof own - strlen(own), "%s%s", j ? ", " : "", opt);
    }
    for (int a = 0; a < nhp_opts; a++) {
        if (!hs_opts_seen(opts, names[a]))
            continue;
        int mine = -1;
        for (int j = 0; j < desc->nhp; j++) {
            char opt[32];
            hs_models_option(&desc->hp[j], opt, sizeof opt);
            if (strcmp(opt + 2, names[a]) == 0)
                mine = j;
        }
        if (mine < 0)
            return hs_err_usage(e, "train", "--%s: not an option of --model %s (%s%s)", names[a], model,
                                desc->nhp ? "use " : "it has no hyperparameters", own);
        if (vals[a] < desc->hp[mine].min || vals[a] > desc->hp[mine].max)
            return hs_err_usage(e, "train", "--%s: %d is out of range (allowed %.15g..%.15g)", names[a], vals[a],
                                desc->hp[mine].min, desc->hp[mine].max);
        hp[mine] = vals[a];
    }
    hs_models_resolve(desc, hp);

    hs_train_opts to = hs_models_train_opts(desc);
    to.steps = steps;
    to.weight_decay = wd;
    to.eval = neval;
    to.every = every;
    to.progress = 1;
    to.target = target;
    to.advance_below = advance;
    if (hs_opts_seen(opts, "batch"))
        to.batch = batch;
    if (hs_opts_seen(opts, "lr"))
        to.lr = lr;
    if (hs_opts_seen(opts, "warmup"))
        to.warmup = warmup;
    if (hs_opts_seen(opts, "lr-floor"))
        to.lr_floor = floor;
    if (hs_opts_seen(opts, "clip"))
        to.clip = clip;
    if (loss_name && (to.loss = hs_loss_parse(loss_name)) < 0)
        return hs_err_usage(e, "train", "--loss: '%s' is not a loss (allowed: soft, hard)", loss_name);
    if (curriculum && (to.curriculum = hs_train_curriculum_parse(curriculum)) < 0)
        return hs_err_usage(e, "train", "--curriculum: '%s' is not a curriculum (allowed: none, ell, queries, "
                            "ell+queries)", curriculum);
    char err[512];
    if (hs_train_check(&to, err, sizeof err) != 0)
        return hs_err_usage(e, "train", "%s", err);

    hs_hsmt cfg;
    if ((rc = hs_cli_task("train", n, k, ell, d, bases, q, seed, &cfg, e)) != HS_OK ||
        (rc = hs_cli_check_fit("train", cfg.n, cfg.d, e)) != HS_OK)
        return rc;
    int bad;
    if (desc->check(&cfg, hp, to.batch, &bad, err, sizeof err) != 0)
        return hs_err_usage(e, "train", "%s", err);
    if (save && !desc->write)
        return hs_err_usage(e, "train", "--save: model %s is not saved to files (omit --save)", model);
    for (int j = 0; save && j < desc->nhp; j++)
        if (strcmp(desc->hp[j].name, "quant_bits") == 0 && hp[j] != 0)
            return hs_err_usage(e, "train", "--save: quantised models are not saved (the model file holds float "
                                "models; omit --save or --quant-bits)");
    hs_atomic *out = NULL;
    if (save && !(out = hs_atomic_open(save, err, sizeof err)))
        return hs_err_usage(e, "train", "--save: %s", err);
    hs_nn_blas_threads(threads);
    omp_set_num_threads(threads);

    hs_trainable tr;
    if (desc->trainable(&cfg, hp, seed, &tr, err, sizeof err) != 0) {
        hs_atomic_abort(out);
        return hs_err_usage(e, "train", "%s", err);
    }
    /* A full disk is found now rather than after training; like a --save
     * path that cannot be created, a destination without room is refused
     * (status 2) before any work. */
    if (out && hs_atomic_reserve(out, desc->file_bytes(&tr), err, sizeof err) != 0) {
        hs_atomic_abort(out);
        hs_trainable_free(&tr);
        return hs_err_usage(e, "train", "--save: %s", err);
    }
    char curr[32];
    hs_train_curriculum_name(to.curriculum, curr, sizeof curr);
    fprintf(stderr, "train: %s, %ld parameters, %ld steps of %d sequences of %ld tokens, %s loss, curriculum %s\n",
            model, tr.nparams, steps, to.batch, cfg.ell + 1 + 2L * cfg.q, hs_loss_name(to.loss), curr);
    hs_train_result res;
    if (hs_train_run(&tr, &cfg, &to, &res, err, sizeof err) != 0) {
        hs_atomic_abort(out);
        hs_trainable_free(&tr);
        return hs_err_set(e, HS_EXIT_FAILURE, "hypersep train: %s", err);
    }
    if (out && (desc->write(&tr, &cfg, (uint64_t)steps, hs_atomic_file(out)) != 0 ||
                hs_atomic_commit(out, err, sizeof err) != 0)) {
        hs_trainable_free(&tr);
        return hs_err_set(e, HS_EXIT_FAILURE, "hypersep train: --save: %s", err);
    }

    for (int j = 0; j < desc->nhp; j++)
        printf("%s=%.0f\n", desc->hp[j].name, hp[j]);
    printf("steps=%ld\nbatch=%d\nlr=%.6g\nloss=%s\ncurriculum=%s\nseed=%llu\n", steps, to.batch, to.lr,
           hs_loss_name(to.loss), curr, (unsigned long long)seed);
    printf("steps_used=%ld\n", res.steps_used);
    if (target > 0)
        printf("verdict=%s\n",
               hs_verdict_name(hs_train_verdict(res.curve, res.npoints, steps, target, plateau)));
    printf("train_seconds=%.3f\ntokens_per_s=%.1f\n", res.seconds, res.tokens_per_s);
    printf("train_loss_bits=%.12g\ntrain_excess_loss_bits=%.12g\n", res.train_loss_bits, res.train_excess_bits);
    printf("model=%s\n", model);
    printf("sequences=%ld\n", neval);
    hs_score_print(&res.held, stdout);
    printf("memory_bits=%.6g\n", desc->memory_bits(&cfg, hp));
    printf("params=%ld\n", tr.nparams);
    hs_trainable_free(&tr);
    return HS_OK;
}
