/* Subcommands of the hypersep executable, and helpers they share. */
#ifndef HS_CMDS_H
#define HS_CMDS_H

#include <stdint.h>

#include "hsmt.h"

int hs_cmd_sample(int argc, char **argv);
int hs_cmd_eval(int argc, char **argv);
int hs_cmd_info(int argc, char **argv);
int hs_cmd_bench(int argc, char **argv);
int hs_cmd_train(int argc, char **argv);
/* `bench baselines` (cli/cmd_nnbench.c); argv starts after "bench baselines". */
int hs_cmd_bench_baselines(int argc, char **argv);

/* Builds and validates a task configuration from command-line values
 * (bases: comma-separated names or NULL for the default; q <= 0: q = n).
 * Exits 2 with a message naming the option on invalid input. */
void hs_cli_task(const char *cmd, int n, int k, long ell, int d, const char *bases, int q,
                 uint64_t seed, hs_hsmt *cfg);
/* Exits 2 unless the n-site state (and working memory) fits in memory. */
void hs_cli_check_fit(const char *cmd, int n, int d);

#endif
