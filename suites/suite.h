/* `hypersep suite NAME`: the measurement suites (docs/spec.md#suites), each
 * appending CSV rows with provenance to a results directory. Every entry
 * point returns a status (sys.h) with its message in e. */
#ifndef HS_SUITE_H
#define HS_SUITE_H

#include "sys.h"

/* Dispatches `suite NAME [options]`; HS_EXIT_USAGE for an unknown suite. */
int hs_cmd_suite(int argc, char **argv, hs_err *e);

/* separation: memory needed against correlation length (separation.c). */
int hs_suite_separation(int argc, char **argv, hs_err *e);
/* trainability: gradient variance and k-HRNN training (trainability.c). */
int hs_suite_trainability(int argc, char **argv, hs_err *e);
/* contextuality: LP certificates and the presample model (contextuality.c). */
int hs_suite_contextuality(int argc, char **argv, hs_err *e);
/* engine: scaling of the sharded engine with n and MPI ranks (engine.c). */
int hs_suite_engine(int argc, char **argv, hs_err *e);
/* summary: the separation summary of a results folder (sepsum.c). */
int hs_suite_summary(int argc, char **argv, hs_err *e);
/* merge: combines a suite's CSV files from several processes (merge.c). */
int hs_suite_merge(int argc, char **argv, hs_err *e);

#endif
