/* The process group a run spans: MPI ranks when hypersep is started by an MPI
 * launcher (mpirun, srun), else a single process. Everything outside dist/
 * talks to MPI only through these functions, so a build without MPI
 * (HS_WITH_MPI=OFF, comm_serial.c) compiles the same callers with one rank.
 *
 * Every function marked "collective" must be called by all ranks in the same
 * order. Amplitude messages are double complex; one message carries at most
 * HS_COMM_MAX_MSG amplitudes (2^28: 4 GiB, well inside MPI's int counts). */
#ifndef HS_COMM_H
#define HS_COMM_H

#include <stddef.h>

#include "state.h"

#define HS_COMM_MAX_MSG ((size_t)1 << 28)

/* Starts MPI when a launcher started this process (OMPI_COMM_WORLD_SIZE,
 * PMIX_RANK, PMI_RANK or PMI_SIZE in the environment; HYPERSEP_MPI=1 forces
 * it, HYPERSEP_MPI=0 forbids it): a plain run pays nothing for MPI start-up.
 * Under MPI, a fatal error on one rank (hs_sys_fatal, hs_sys_exit) aborts all
 * ranks with its exit status. */
void hs_comm_init(int *argc, char ***argv);
/* Ends MPI (if started); every rank must call it before returning from main. */
void hs_comm_finalize(void);

/* 1 when running under MPI (any rank count, including 1). */
int hs_comm_mpi(void);
/* This rank and the rank count of the current group (the whole run unless
 * hs_comm_group_split is in effect): every collective and exchange below
 * spans the current group and peers are ranks within it. */
int hs_comm_rank(void);
int hs_comm_size(void);
/* This rank and the rank count of the whole run, whatever the group. */
int hs_comm_world_rank(void);
int hs_comm_world_size(void);
/* Ranks of this run on this rank's node (they share its memory). */
int hs_comm_node_ranks(void);

/* Rank groups (the grid suites' configurations on the sharded engine).
 * Collective over the whole run: splits it into groups of `size`
 * consecutive ranks (a power of two dividing the rank count) and makes this
 * rank's group the current one; the group index is world rank / size.
 * Returns 0, or -1 with a message (the same on every rank) for a size that
 * does not divide the run; nothing changes then. hs_comm_group_end,
 * collective over the whole run, makes the whole run current again. Groups
 * do not nest. */
int hs_comm_group_split(int size, char *err, size_t errlen);
void hs_comm_group_end(void);
int hs_comm_group_index(void);
int hs_comm_group_count(void);
/* Short description of the transport for provenance ("mpi", "none"). */
const char *hs_comm_kind(void);

/* Collective: the status of the run from every rank's own (sys.h: the
 * largest, so an error anywhere beats HS_OK and HS_DONE), and in *who the
 * lowest rank that has it: the one whose message cli/main.c prints. */
int hs_comm_agree(int status, int *who);

/* Collective. */
void hs_comm_barrier(void);
/* recv[rank * count + i] = send[i] of every rank. */
void hs_comm_allgather(const double *send, int count, double *recv);
/* In place element-wise maximum / minimum / sum over ranks (sum order is
 * unspecified: only for counters and times, never for probabilities). */
void hs_comm_max(double *v, int count);
void hs_comm_min(double *v, int count);
void hs_comm_sum(double *v, int count);
/* Copies `bytes` bytes of root's buf to every rank. */
void hs_comm_bcast(void *buf, size_t bytes, int root);

/* Point to point, between exactly two ranks that both call it: send `count`
 * amplitudes from `send` to `peer` and receive `count` from it into `recv`
 * (buffers must not overlap). count <= HS_COMM_MAX_MSG; tag tells chunks of
 * one exchange apart. */
void hs_comm_sendrecv(const hs_amp *send, hs_amp *recv, size_t count, int peer, int tag);
void hs_comm_send(const hs_amp *buf, size_t count, int peer, int tag);
void hs_comm_recv(hs_amp *buf, size_t count, int peer, int tag);

#endif
