/* `hypersep eval`: score a model of the registry on a dataset file. */
#include <stdio.h>

#include "cmds.h"
#include "dataset.h"
#include "opts.h"
#include "registry.h"
#include "score.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep eval --model NAME --data FILE [--params exact|random] [--seed S]\n"
    "                     [--load FILE]\n"
    "Scores a model on every sequence of a dataset (hypersep sample output) and\n"
    "prints per-output means as key=value lines: outputs, cross_entropy_bits,\n"
    "optimum_bits, excess_loss_bits, tv, nll_bits, then memory_bits, params.\n"
    "  --model NAME   a model of `hypersep models`: khrnn (the quantum model);\n"
    "                 ansatz (random parameters); exact (brute-force classical\n"
    "                 upper bound); presample (noncontextual, O(n) memory);\n"
    "                 tableau (stabilizer tableau, k = 2 and d = 2 only);\n"
    "                 lstm, gru, transformer (trained: needs --load FILE)\n"
    "  --data FILE    dataset file\n"
    "  --params P     khrnn parameters: exact (default) or random\n"
    "  --seed S       seed of random parameters (default 1)\n"
    "  --load FILE    saved trained model (trained models)\n";

int hs_cmd_eval(int argc, char **argv, hs_err *e)
{
    const char *model = NULL, *data = NULL;
    hs_model_src src = {.seed = 1};
    hs_opt opts[] = {
        {"model", HS_OPT_STR, &model, 0, 0, 0},
        {"data", HS_OPT_STR, &data, 0, 0, 0},
        {"params", HS_OPT_STR, &src.params, 0, 0, 0},
        {"seed", HS_OPT_U64, &src.seed, 0, 1.8e19, 0},
        {"load", HS_OPT_STR, &src.load, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    int rc = hs_opts_parse("eval", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (!model || !data)
        return hs_err_usage(e, "eval", "--model and --data are required (see hypersep eval --help)");
    const hs_model_desc *desc = hs_models_find(model);
    if (!desc) {
        char names[256];
        hs_models_names(names, sizeof names, NULL);
        return hs_err_usage(e, "eval", "--model: '%s' is not a model (allowed: %s)", model, names);
    }

    char err[512];
    hs_hsmt cfg;
    hs_dataset_reader *rd = hs_dataset_open(data, &cfg, err, sizeof err);
    if (!rd)
        return hs_err_usage(e, "eval", "%s", err);
    double hp[HS_MODEL_MAX_HP];
    hs_models_defaults(desc, hp);
    hs_models_resolve(desc, hp);
    hs_model m;
    if (desc->open(&cfg, hp, &src, &m, err, sizeof err) != 0) {
        hs_dataset_close(rd);
        return hs_err_usage(e, "eval", "%s", err);
    }

    hs_seq s = {0};
    hs_score sc = {0};
    double *r = hs_alloc((size_t)cfg.q * (size_t)cfg.d * sizeof *r);
    long nseq = 0;
    double t0 = hs_sys_now(), last = t0;
    while ((rc = hs_dataset_next(rd, &s, err, sizeof err)) == 1) {
        if (m.predict(m.ctx, &cfg, &s, r, err, sizeof err) != 0)
            break;
        for (int t = 0; t < s.q; t++)
            hs_score_add(&sc, s.probs + (size_t)t * cfg.d, r + (size_t)t * cfg.d, cfg.d, s.outcomes[t]);
        nseq++;
        double now = hs_sys_now();
        if (now - last > 2.0) {
            fprintf(stderr, "eval: %ld sequences, %.0f s elapsed\n", nseq, now - t0);
            last = now;
        }
    }
    hs_sys_free(r);
    hs_seq_free(&s);
    hs_model_free(&m);
    hs_dataset_close(rd);
    if (rc != 0)
        return hs_err_usage(e, "eval", "%s", err);
    if (nseq == 0)
        return hs_err_usage(e, "eval", "%s: no sequences to score (a dataset needs at least one)", data);

    printf("model=%s\n", desc->name);
    printf("sequences=%ld\n", nseq);
    hs_score_print(&sc, stdout);
    printf("memory_bits=%.6g\n", m.memory_bits);
    printf("params=%ld\n", m.params);
    return HS_OK;
}
