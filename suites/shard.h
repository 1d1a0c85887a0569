/* The grid suites' configurations that run on the sharded engine
 * (docs/spec.md#rank-groups): qubit tasks with n >= shard_min_n generate
 * their sequences, and score the exact model and the k-HRNN, on a state
 * sharded over a group of ranks_per_config ranks (dist/), whatever the rank
 * count of the run; smaller tasks keep the serial engine on one rank. The
 * engine depends on the configuration only, so its rows are the same for
 * every rank count and group size. */
#ifndef HS_SHARD_H
#define HS_SHARD_H

#include <stdint.h>

#include "config.h"
#include "dkhrnn.h"
#include "hsmt.h"
#include "model.h"
#include "score.h"

/* The config keys, for a suite's table (copied in; NULL-terminated). */
#define HS_SHARD_KEYS                                                                                        \
    {"shard_min_n", HS_CFG_INT, 1, 59, "22", NULL,                                                           \
     "qubit tasks with at least this many sites run on the sharded engine (groups of ranks_per_config)"},    \
    {"ranks_per_config", HS_CFG_INT, 1, 65536, "auto", "auto",                                               \
     "ranks that run one sharded configuration: auto = the fewest (a power of two) whose shares fit in "     \
     "memory, or a power of two"}

/* The rank count --print-grid plans for: a cluster's, so that groups get
 * the size the limit asks for (the run itself checks its own count). */
#define HS_SHARD_PLAN_RANKS 65536

/* Collective once per grid: the memory one rank may use (dist/dsize.h). */
double hs_shard_rank_limit(void);

/* Whether task t runs sharded under configuration cf. */
int hs_shard_is_sharded(const hs_config *cf, const hs_hsmt *t);

/* The group size of a sharded configuration that holds `states` n-qubit
 * states per rank (the generator's, a predictor's, tangents), given the
 * per-rank limit (the same on every rank) and the run's rank count:
 * ranks_per_config, or with auto the fewest ranks whose shares fit (a
 * power of two, at most the run's). HS_EXIT_USAGE naming ranks_per_config
 * (or n) with the need and the limit when it does not fit. */
int hs_shard_ranks(const hs_config *cf, const hs_hsmt *t, double states, double limit, int world, int *ranks,
                   hs_err *e);

/* Collective over the current group: scores sequences first .. first +
 * count - 1 of task t drawn on the sharded generator, predicted by pred
 * (the sharded k-HRNN or exact model) or, when pred is NULL, by model m on
 * every rank alike. A model that cannot follow a sequence is an internal
 * error (fatal). */
void hs_shard_score(const hs_hsmt *t, hs_dkhrnn *pred, hs_model *m, uint64_t first, long count, hs_score *sc);

#endif
