/* Model factory for `eval`. */
#include "models.h"

#include <stdio.h>
#include <string.h>

#include "khrnn.h"
#include "state.h"

int hs_models_open(const char *name, const hs_hsmt *cfg, const hs_model_opts *o, hs_model *m,
                   char *err, size_t errlen)
{
    if (strcmp(name, "khrnn") == 0) {
        if (hs_state_check_fit(cfg->n, cfg->d, err, errlen) != 0)
            return -1;
        return hs_khrnn_open(cfg, o->params ? o->params : "exact", o->seed, m, err, errlen);
    }
    snprintf(err, errlen, "--model: '%s' is not a model (allowed: khrnn)", name);
    return -1;
}
