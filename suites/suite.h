/* `hypersep suite NAME`: the measurement suites (SPEC section 5), each
 * appending CSV rows with provenance to a results directory. */
#ifndef HS_SUITE_H
#define HS_SUITE_H

/* Dispatches `suite NAME [options]`; exits 2 on an unknown suite. */
int hs_cmd_suite(int argc, char **argv);

/* engine: scaling of the sharded engine with n and MPI ranks (engine.c). */
int hs_suite_engine(int argc, char **argv);

#endif
