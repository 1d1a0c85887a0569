/* Model factory for `eval`. */
#include "models.h"

#include <stdio.h>
#include <string.h>

#include "exact.h"
#include "khrnn.h"
#include "nn.h"
#include "nn_model.h"
#include "presample.h"
#include "state.h"
#include "tableau.h"

int hs_models_open(const char *name, const hs_hsmt *cfg, const hs_model_opts *o, hs_model *m,
                   char *err, size_t errlen)
{
    if (strcmp(name, "khrnn") == 0) {
        if (hs_state_check_fit(cfg->n, cfg->d, err, errlen) != 0)
            return -1;
        return hs_khrnn_open(cfg, o->params ? o->params : "exact", o->seed, m, err, errlen);
    }
    /* Analytic classical models (baselines/): no parameters, nothing to load. */
    int exact = strcmp(name, "exact") == 0, presample = strcmp(name, "presample") == 0;
    if (exact || presample || strcmp(name, "tableau") == 0) {
        if (o->params || o->load) {
            snprintf(err, errlen, "--%s: model %s takes no parameters (omit --params and --load)",
                     o->params ? "params" : "load", name);
            return -1;
        }
        if (exact)
            return hs_exact_open(cfg, m, err, errlen);
        if (presample)
            return hs_presample_open(cfg, m, err, errlen);
        return hs_tableau_open(cfg, m, err, errlen);
    }
    /* Trained classical models (baselines/): parameters come from --load. */
    if (hs_nn_kind_parse(name) > 0) {
        if (o->params) {
            snprintf(err, errlen, "--params: model %s takes its parameters from --load FILE (omit --params)",
                     name);
            return -1;
        }
        return hs_nnmodel_open(name, o->load, cfg, m, err, errlen);
    }
    snprintf(err, errlen,
             "--model: '%s' is not a model (allowed: khrnn, exact, presample, tableau, lstm, gru, "
             "transformer)", name);
    return -1;
}
