/* Fuzz target: the HSMT dataset reader (core/dataset.c). Every input must be
 * read to its end or refused with a one-line message; nothing may crash,
 * leak or allocate beyond what the input holds. */
#include <stdint.h>
#include <string.h>

#include "dataset.h"
#include "fuzz_file.h"
#include "sys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    hs_hsmt cfg;
    hs_dataset_reader *r = hs_dataset_open(hs_fuzz_file(data, size), &cfg, err, sizeof err);
    if (!r) {
        if (!err[0] || strchr(err, '\n'))
            __builtin_trap(); /* a refusal is one non-empty line */
        return 0;
    }
    hs_seq s = {0};
    int rc;
    while ((rc = hs_dataset_next(r, &s, err, sizeof err)) == 1)
        if (s.ell != cfg.ell || s.q != cfg.q || s.d != cfg.d)
            __builtin_trap();
    if (rc < 0 && (!err[0] || strchr(err, '\n')))
        __builtin_trap();
    hs_seq_free(&s);
    hs_dataset_close(r);
    return 0;
}
