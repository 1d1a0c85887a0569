/* `hypersep sample`: draw HSMT sequences into the dataset TSV format, and the
 * task-option helpers other commands share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "comm.h"
#include "dataset.h"
#include "dgen.h"
#include "dsize.h"
#include "opts.h"
#include "outfile.h"
#include "state.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep sample --n N --k K --ell L [--d D] [--bases LIST] [--queries Q]\n"
    "                       [--count C] [--first I] [--seed S] [--out FILE]\n"
    "Draws C sequences of HSMT(ell, n, k; d, bases, q), indices I..I+C-1, with\n"
    "their exact conditional probabilities, as TSV (docs/formats.md). Qubits use\n"
    "the sharded engine (dist/): under mpirun/srun the state is split over the\n"
    "ranks (a power of two) and the output is the same for every rank count.\n"
    "  --n N        sites, 1..62 (the state needs d^n * 16 bytes)\n"
    "  --k K        hyperedge order, 1..n\n"
    "  --ell L      writes per sequence, >= 0\n"
    "  --d D        local dimension, 2..64 (default 2: qubits)\n"
    "  --bases LIST comma-separated bases (d = 2: Z,X,Y; d > 2: Z or chirp\n"
    "               indices 0..d-1; default Z,X,Y or Z,0,1)\n"
    "  --queries Q  queries per sequence, 1..n (default n)\n"
    "  --count C    sequences (default 1)\n"
    "  --first I    index of the first sequence (default 0)\n"
    "  --seed S     seed (default 1)\n"
    "  --out FILE   output file, written atomically (default stdout)\n";

void hs_cli_task(const char *cmd, int n, int k, long ell, int d, const char *bases, int q,
                 uint64_t seed, hs_hsmt *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n = n;
    cfg->k = k;
    cfg->ell = ell;
    cfg->d = d;
    cfg->q = q;
    cfg->seed = seed;
    if (k > n)
        hs_opts_fail(cmd, "--k: %d is larger than --n %d (allowed 1..n)", k, n);
    if (q > n)
        hs_opts_fail(cmd, "--queries: %d is larger than --n %d (allowed 1..n)", q, n);
    if (bases) {
        char *copy = strdup(bases), *save = NULL;
        if (!copy)
            hs_sys_fatal("out of memory");
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int code;
            if (hs_hsmt_basis_parse(tok, d, &code) != 0) {
                if (d == 2)
                    hs_opts_fail(cmd, "--bases: '%s' is not a basis for d=2 (allowed: Z, X, Y)", tok);
                hs_opts_fail(cmd, "--bases: '%s' is not a basis for d=%d (allowed: Z or a chirp index 0..%d)",
                             tok, d, d - 1);
            }
            if (cfg->nbases == HS_MAX_BASES)
                hs_opts_fail(cmd, "--bases: more than %d bases in '%s'", HS_MAX_BASES, bases);
            for (int j = 0; j < cfg->nbases; j++)
                if (cfg->bases[j] == code)
                    hs_opts_fail(cmd, "--bases: '%s' is listed twice in '%s' (bases must be distinct)", tok, bases);
            cfg->bases[cfg->nbases++] = code;
        }
        free(copy);
        if (cfg->nbases == 0)
            hs_opts_fail(cmd, "--bases: '%s' names no basis (allowed: a comma-separated list)", bases);
    }
    hs_hsmt_defaults(cfg);
    char err[256];
    if (hs_hsmt_validate(cfg, err, sizeof err) != 0)
        hs_opts_fail(cmd, "%s", err);
}

void hs_cli_check_fit(const char *cmd, int n, int d)
{
    char err[256];
    if (hs_state_check_fit(n, d, err, sizeof err) != 0)
        hs_opts_fail(cmd, "%s", err);
}

int hs_cmd_sample(int argc, char **argv)
{
    int n = 0, k = 0, d = 2, q = 0;
    long ell = -1, count = 1;
    uint64_t seed = 1, first = 0;
    const char *bases = NULL, *out = NULL;
    hs_opt opts[] = {
        {"n", HS_OPT_INT, &n, 1, 62, 0},
        {"k", HS_OPT_INT, &k, 1, 62, 0},
        {"ell", HS_OPT_LONG, &ell, 0, 1e9, 0},
        {"d", HS_OPT_INT, &d, 2, 64, 0},
        {"bases", HS_OPT_STR, &bases, 0, 0, 0},
        {"queries", HS_OPT_INT, &q, 1, 62, 0},
        {"count", HS_OPT_LONG, &count, 0, 1e12, 0},
        {"first", HS_OPT_U64, &first, 0, 1.8e19, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {"out", HS_OPT_STR, &out, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    hs_opts_parse("sample", usage, opts, argc, argv);
    if (!hs_opts_seen(opts, "n") || !hs_opts_seen(opts, "k") || !hs_opts_seen(opts, "ell"))
        hs_opts_fail("sample", "--n, --k and --ell are required (see hypersep sample --help)");
    hs_hsmt cfg;
    hs_cli_task("sample", n, k, ell, d, bases, q, seed, &cfg);
    /* Qubits: the sharded engine (dist/), with or without MPI, so the output
     * is byte-identical for every rank count. Qudits: the serial engine, on
     * rank 0 alone under MPI. */
    const int sharded = cfg.d == 2;
    if (sharded) {
        hs_dsize_require_fit("sample", cfg.n, NULL);
    } else {
        if (hs_comm_rank() != 0)
            return 0;
        if (hs_comm_size() > 1)
            fprintf(stderr, "sample: d=%d runs on rank 0 alone (the sharded engine holds qubits)\n", cfg.d);
        hs_cli_check_fit("sample", cfg.n, cfg.d);
    }

    /* Only rank 0 writes. */
    FILE *f = hs_comm_rank() == 0 ? hs_out_open("sample", out) : NULL;
    hs_gen *g = sharded ? NULL : hs_gen_new(&cfg);
    hs_dgen *dg = sharded ? hs_dgen_new(&cfg, NULL) : NULL;
    hs_seq s = {0};
    if (f && hs_dataset_write_header(f, &cfg) != 0)
        hs_sys_fatal("writing output: I/O error");
    double t0 = hs_sys_now(), last = t0;
    for (long i = 0; i < count; i++) {
        if (dg)
            hs_dgen_sequence(dg, first + (uint64_t)i, &s);
        else
            hs_gen_sequence(g, first + (uint64_t)i, &s);
        if (f && hs_dataset_write_seq(f, &cfg, &s) != 0)
            hs_sys_fatal("writing output: I/O error");
        double now = hs_sys_now();
        if (f && now - last > 2.0) {
            double eta = (now - t0) / (double)(i + 1) * (double)(count - i - 1);
            fprintf(stderr, "sample: %ld/%ld sequences, %.0f s elapsed, ETA %.0f s\n", i + 1, count,
                    now - t0, eta);
            last = now;
        }
    }
    if (f)
        hs_out_commit(f);
    hs_seq_free(&s);
    hs_gen_free(g);
    hs_dgen_free(dg);
    return 0;
}
