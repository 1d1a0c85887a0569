/* `hypersep suite NAME`: the measurement suites (SPEC section 5), each
 * appending CSV rows with provenance to a results directory. */
#ifndef HS_SUITE_H
#define HS_SUITE_H

/* Dispatches `suite NAME [options]`; exits 2 on an unknown suite. */
int hs_cmd_suite(int argc, char **argv);

/* separation: memory needed against correlation length (separation.c). */
int hs_suite_separation(int argc, char **argv);
/* trainability: gradient variance and k-HRNN training (trainability.c). */
int hs_suite_trainability(int argc, char **argv);
/* contextuality: LP certificates and the presample model (contextuality.c). */
int hs_suite_contextuality(int argc, char **argv);
/* engine: scaling of the sharded engine with n and MPI ranks (engine.c). */
int hs_suite_engine(int argc, char **argv);
/* merge: combines a suite's CSV files from several processes (merge.c). */
int hs_suite_merge(int argc, char **argv);

#endif
