/* `hypersep sample`: draw HSMT sequences into the dataset TSV format. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "cmds.h"
#include "comm.h"
#include "dataset.h"
#include "dgen.h"
#include "dsize.h"
#include "opts.h"
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

int hs_cmd_sample(int argc, char **argv, hs_err *e)
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
    int rc = hs_opts_parse("sample", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (!hs_opts_seen(opts, "n") || !hs_opts_seen(opts, "k") || !hs_opts_seen(opts, "ell"))
        return hs_err_usage(e, "sample", "--n, --k and --ell are required (see hypersep sample --help)");
    hs_hsmt cfg;
    if ((rc = hs_cli_task("sample", n, k, ell, d, bases, q, seed, &cfg, e)) != HS_OK)
        return rc;
    /* Qubits: the sharded engine (dist/), with or without MPI, so the output
     * is byte-identical for every rank count. Qudits: the serial engine, on
     * rank 0 alone under MPI. */
    const int sharded = cfg.d == 2;
    char err[512];
    if (sharded) {
        if (hs_dsize_check_fit(cfg.n, NULL, err, sizeof err) != 0)
            return hs_err_usage(e, "sample", "%s", err);
    } else {
        if (hs_comm_rank() != 0)
            return HS_OK;
        if (hs_comm_size() > 1)
            fprintf(stderr, "sample: d=%d runs on rank 0 alone (the sharded engine holds qubits)\n", cfg.d);
        if ((rc = hs_cli_check_fit("sample", cfg.n, cfg.d, e)) != HS_OK)
            return rc;
    }

    /* Only rank 0 writes: to stdout, or atomically to --out. */
    hs_atomic *a = NULL;
    FILE *f = NULL;
    double failed = 0;
    if (hs_comm_rank() == 0) {
        if (out && strcmp(out, "-") != 0) {
            if ((a = hs_atomic_open(out, err, sizeof err)))
                f = hs_atomic_file(a);
            else
                failed = hs_err_usage(e, "sample", "--out: %s", err);
        } else {
            f = stdout;
        }
    }
    /* Every rank learns of rank 0's failure before the collective work. */
    if (sharded)
        hs_comm_max(&failed, 1);
    if (failed)
        return HS_EXIT_USAGE;
    /* The engine's state only when there is a sequence to draw (--count 0
     * writes the header alone, without allocating it). */
    hs_gen *g = !sharded && count > 0 ? hs_gen_new(&cfg) : NULL;
    hs_dgen *dg = sharded && count > 0 ? hs_dgen_new(&cfg, NULL) : NULL;
    hs_seq s = {0};
    int bad = f && hs_dataset_write_header(f, &cfg) != 0;
    double t0 = hs_sys_now(), last = t0;
    for (long i = 0; i < count && !bad; i++) {
        if (dg)
            hs_dgen_sequence(dg, first + (uint64_t)i, &s);
        else
            hs_gen_sequence(g, first + (uint64_t)i, &s);
        bad = f && hs_dataset_write_seq(f, &cfg, &s) != 0;
        double now = hs_sys_now();
        if (f && now - last > 2.0) {
            double eta = (now - t0) / (double)(i + 1) * (double)(count - i - 1);
            fprintf(stderr, "sample: %ld/%ld sequences, %.0f s elapsed, ETA %.0f s\n", i + 1, count, now - t0, eta);
            last = now;
        }
    }
    hs_seq_free(&s);
    hs_gen_free(g);
    hs_dgen_free(dg);
    /* An I/O failure on rank 0 ends the run on every rank (the sharded
     * generator is collective: the other ranks cannot wait for a status). */
    if (bad)
        hs_sys_fatal("writing '%s': %s", a ? out : "standard output", strerror(errno));
    if (a && hs_atomic_commit(a, err, sizeof err) != 0)
        hs_sys_fatal("%s", err);
    if (f == stdout && (fflush(stdout) != 0 || ferror(stdout)))
        hs_sys_fatal("writing standard output: %s", strerror(errno));
    return HS_OK;
}
