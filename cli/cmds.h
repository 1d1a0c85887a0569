/* Subcommands of the hypersep executable, and the task options they share.
 * Every command returns a status (sys.h) with its message in e; main.c
 * prints the message and decides the exit code. */
#ifndef HS_CMDS_H
#define HS_CMDS_H

#include <stdint.h>

#include "hsmt.h"
#include "sys.h"

int hs_cmd_sample(int argc, char **argv, hs_err *e);
int hs_cmd_eval(int argc, char **argv, hs_err *e);
int hs_cmd_info(int argc, char **argv, hs_err *e);
int hs_cmd_bench(int argc, char **argv, hs_err *e);
int hs_cmd_train(int argc, char **argv, hs_err *e);
int hs_cmd_models(int argc, char **argv, hs_err *e);
/* `bench baselines` (cli/cmd_nnbench.c); argv starts after "bench baselines". */
int hs_cmd_bench_baselines(int argc, char **argv, hs_err *e);

/* Builds and validates a task configuration from command-line values
 * (bases: comma-separated names or NULL for the default; q <= 0: q = n).
 * HS_EXIT_USAGE with a message naming the option on invalid input. */
int hs_cli_task(const char *cmd, int n, int k, long ell, int d, const char *bases, int q, uint64_t seed,
                hs_hsmt *cfg, hs_err *e);
/* HS_EXIT_USAGE unless the n-site state (and working memory) fits. */
int hs_cli_check_fit(const char *cmd, int n, int d, hs_err *e);

#endif
