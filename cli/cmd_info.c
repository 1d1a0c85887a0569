/* `hypersep info`: sizes of a configuration. */
#include <math.h>
#include <stdio.h>

#include "cmds.h"
#include "combin.h"
#include "opts.h"
#include "state.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep info --n N --k K [--d D]\n"
    "Prints, as key=value lines: M = binom(n, k) hyperedges; the quantum model's\n"
    "memory (n sites, n log2 d bits of qubit memory); the exact classical memory\n"
    "(M log2 d bits); the classical lower bound binom(n, k) - 1; the state size in\n"
    "bytes and whether it fits in the memory available now.\n";

int hs_cmd_info(int argc, char **argv, hs_err *e)
{
    int n = 0, k = 0, d = 2;
    hs_opt opts[] = {
        {"n", HS_OPT_INT, &n, 1, 62, 0},
        {"k", HS_OPT_INT, &k, 1, 62, 0},
        {"d", HS_OPT_INT, &d, 2, 64, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    int rc = hs_opts_parse("info", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (!hs_opts_seen(opts, "n") || !hs_opts_seen(opts, "k"))
        return hs_err_usage(e, "info", "--n and --k are required (see hypersep info --help)");
    if (k > n)
        return hs_err_usage(e, "info", "--k: %d is larger than --n %d (allowed 1..n)", k, n);
    uint64_t M = hs_comb_binom(n, k);
    uint64_t bytes = hs_state_bytes(n, d);
    const char *src;
    size_t avail = hs_sys_mem_available(&src);
    printf("n=%d\nk=%d\nd=%d\n", n, k, d);
    printf("hyperedges=%llu\n", (unsigned long long)M);
    printf("quantum_sites=%d\n", n);
    printf("quantum_memory_bits=%.6g\n", n * log2((double)d));
    printf("exact_classical_memory_bits=%.6g\n", (double)M * log2((double)d));
    printf("classical_lower_bound_bits=%.6g\n", (double)M - 1);
    if (bytes)
        printf("state_bytes=%llu\n", (unsigned long long)bytes);
    else
        printf("state_bytes=overflow\n");
    printf("available_bytes=%zu\n", avail);
    printf("state_fits=%s\n", bytes && (double)bytes * 1.125 <= (double)avail ? "yes" : "no");
    return HS_OK;
}
