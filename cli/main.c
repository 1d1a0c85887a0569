/* hypersep: command dispatch, and the one place that turns a status into
 * the process's exit code (collectively under MPI). */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "comm.h"
#include "kern.h"
#include "suite.h"
#include "sys.h"
#include "version.h"

static const char usage[] =
    "usage: hypersep COMMAND [options]   (hypersep COMMAND --help for its options)\n"
    "\n"
    "commands:\n"
    "  sample   draw HSMT sequences with exact conditional probabilities (TSV)\n"
    "  eval     score a model on a dataset file (key=value metrics)\n"
    "  info     sizes of a configuration: hyperedges, memories, state bytes\n"
    "  train    train a model (khrnn, ansatz, lstm, gru, transformer) on fresh sequences\n"
    "  models   the model registry: names, classes, hyperparameters, memory (TSV)\n"
    "  bench    benchmarks: `bench engine`, `bench baselines` (CSV)\n"
    "  suite    measurement suites: separation, trainability, contextuality, engine,\n"
    "           merge (CSV appended to a results folder)\n"
    "  version  print version and git revision\n"
    "\n"
    "Under mpirun or srun, `sample` (qubits) and `suite engine` shard the state over\n"
    "the ranks (a power of two), the grid suites spread their configurations over\n"
    "the ranks; other commands run on rank 0.\n";

static const struct {
    const char *name;
    int (*fn)(int, char **, hs_err *);
    int all_ranks; /* runs on every rank under MPI */
} commands[] = {
    {"sample", hs_cmd_sample, 1}, {"eval", hs_cmd_eval, 0},   {"info", hs_cmd_info, 0},
    {"bench", hs_cmd_bench, 0},   {"train", hs_cmd_train, 0}, {"models", hs_cmd_models, 0},
    {"suite", hs_cmd_suite, 1},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static int find(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return i;
    return -1;
}

static int dispatch(int argc, char **argv, hs_err *e)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return HS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return HS_DONE;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("hypersep %s (%s)\n", hs_version, hs_git_rev);
        return HS_DONE;
    }
    const int c = find(cmd);
    if (c < 0)
        return hs_err_set(e, HS_EXIT_USAGE, "hypersep: unknown command '%s' (allowed: sample, eval, info, train, "
                          "models, bench, suite, version)", cmd);
    /* The kernel variant is chosen once, before any command runs. */
    char kerr[160];
    if (hs_kern_select(NULL, kerr, sizeof kerr) != 0)
        return hs_err_set(e, HS_EXIT_USAGE, "hypersep: %s", kerr);
    return commands[c].fn(argc - 2, argv + 2, e);
}

int main(int argc, char **argv)
{
    hs_comm_init(&argc, &argv);
    /* Under MPI the commands that shard the engine or spread a grid run on
     * every rank and agree on the status; the others run on rank 0 while
     * the rest wait in hs_comm_finalize. */
    const int c = argc > 1 ? find(argv[1]) : -1;
    const int all = c >= 0 && commands[c].all_ranks;
    hs_err e = {{0}};
    int rc = HS_OK, who = 0;
    if (all || hs_comm_rank() == 0)
        rc = dispatch(argc, argv, &e);
    if (all)
        rc = hs_comm_agree(rc, &who);
    if (rc > 0 && hs_comm_rank() == who && e.msg[0])
        fprintf(stderr, "%s\n", e.msg);
    fflush(stdout);
    hs_comm_finalize();
    return rc == HS_DONE ? 0 : rc;
}
