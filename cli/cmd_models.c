/* `hypersep models`: the model registry as TSV (docs/formats.md#models). */
#include <stdio.h>

#include "cmds.h"
#include "opts.h"
#include "registry.h"

static const char usage[] =
    "usage: hypersep models\n"
    "Prints the model registry as TSV, one row per model: model, class (quantum,\n"
    "analytic, trained), trainable, fixed (predicts without training), color (for\n"
    "plots), size and size_label (the hyperparameter a size ladder varies, and its\n"
    "short name), hyperparameters (name=default (range)), memory_bits and\n"
    "state_dim (formulas), description. The grid suites write it to\n"
    "DIR/models.tsv; analysis/ reads model names, classes and colours from it.\n";

int hs_cmd_models(int argc, char **argv, hs_err *e)
{
    hs_opt opts[] = {{NULL, 0, NULL, 0, 0, 0}};
    int rc = hs_opts_parse("models", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    hs_models_print(stdout);
    return HS_OK;
}
