/* Fuzz target: the saved-model reader (baselines/nn_file.c). The trailing
 * FNV-1a checksum is recomputed over each input first (when there is room
 * for one), so that inputs reach the checks behind it: sizes, hyperparameters,
 * the task, the parameter values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "nn_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b = malloc(size ? size : 1);
    memcpy(b, data, size);
    if (size >= 16) {
        const uint64_t h = hs_nnfile_fnv(HS_NNFILE_FNV_INIT, b, size - 8);
        for (int i = 0; i < 8; i++)
            b[size - 8 + i] = (uint8_t)(h >> (8 * i));
    }
    hs_hsmt task;
    uint64_t steps;
    char err[512] = "";
    hs_nn *net = hs_nnfile_load(hs_fuzz_file(b, size), &task, &steps, err, sizeof err);
    free(b);
    if (!net) {
        if (!err[0] || strchr(err, '\n'))
            __builtin_trap();
        return 0;
    }
    for (size_t i = 0; i < net->nparams; i++)
        if (!(net->params[i] == net->params[i]))
            __builtin_trap(); /* NaN must have been refused */
    hs_nn_free(net);
    return 0;
}
