/* hypersep: command dispatch. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "comm.h"
#include "suite.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep COMMAND [options]   (hypersep COMMAND --help for its options)\n"
    "\n"
    "commands:\n"
    "  sample   draw HSMT sequences with exact conditional probabilities (TSV)\n"
    "  eval     score a model on a dataset file (key=value metrics)\n"
    "  info     sizes of a configuration: hyperedges, memories, state bytes\n"
    "  train    train a classical model (lstm, gru, transformer) on fresh sequences\n"
    "  bench    benchmarks: `bench engine`, `bench baselines` (CSV)\n"
    "  suite    measurement suites: separation, trainability, contextuality, engine,\n"
    "           merge (CSV appended to a results folder)\n"
    "  version  print version and git revision\n"
    "\n"
    "Under mpirun or srun, `sample` (qubits) and `suite engine` shard the state over\n"
    "the ranks (a power of two), the grid suites spread their configurations over\n"
    "the ranks; other commands run on rank 0.\n";

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return HS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("hypersep %s (%s)\n", HS_VERSION, HS_GIT_REV);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } table[] = {
        {"sample", hs_cmd_sample},
        {"eval", hs_cmd_eval},
        {"info", hs_cmd_info},
        {"bench", hs_cmd_bench},
        {"train", hs_cmd_train},
        {"suite", hs_cmd_suite},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(cmd, table[i].name) == 0)
            return table[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "hypersep: unknown command '%s' (allowed: sample, eval, info, train, bench, suite, version)\n", cmd);
    return HS_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    hs_comm_init(&argc, &argv);
    /* Under MPI the commands that shard the engine run on every rank; the
     * others run on rank 0 while the rest wait in hs_comm_finalize. */
    int rc = 0;
    if (hs_comm_rank() == 0 || (argc > 1 && (strcmp(argv[1], "sample") == 0 || strcmp(argv[1], "suite") == 0)))
        rc = dispatch(argc, argv);
    hs_comm_finalize();
    return rc;
}
