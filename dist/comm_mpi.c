/* The process group over MPI (comm.h): start-up only under a launcher, an
 * abort hook so a fatal error on one rank cannot leave the others waiting,
 * and the handful of collectives and exchanges the distributed engine uses. */
#include "comm.h"

#include <assert.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

static int started;      /* MPI_Init called by hs_comm_init */
static int world_rank, world_size = 1, node_ranks = 1;
/* The current group (comm.h): the whole run, or this rank's group after
 * hs_comm_group_split; rank and size within it. */
static MPI_Comm cur = MPI_COMM_NULL;
static int rank, size = 1, group_index, group_count = 1;

/* hs_sys_fatal on one rank: the others may be blocked in a collective, so
 * only MPI_Abort (which kills every rank) is safe; mpirun then exits with
 * `status`. */
static void abort_hook(int status)
{
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

static int launched(void)
{
    const char *force = getenv("HYPERSEP_MPI");
    if (force && *force)
        return strcmp(force, "0") != 0;
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

void hs_comm_init(int *argc, char ***argv)
{
    if (!launched())
        return;
    /* Only the thread that called MPI_Init calls MPI; OpenMP regions never do. */
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        hs_sys_fatal("MPI_Init_thread failed");
    started = 1;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    cur = MPI_COMM_WORLD;
    rank = world_rank;
    size = world_size;
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks);
    MPI_Comm_free(&node);
    hs_sys_set_abort_hook(abort_hook);
}

void hs_comm_finalize(void)
{
    if (!started)
        return;
    hs_sys_set_abort_hook(NULL);
    hs_comm_group_end();
    MPI_Finalize();
    started = 0;
}

int hs_comm_mpi(void) { return started; }
int hs_comm_rank(void) { return rank; }
int hs_comm_size(void) { return size; }
int hs_comm_world_rank(void) { return world_rank; }
int hs_comm_world_size(void) { return world_size; }
int hs_comm_group_index(void) { return group_index; }
int hs_comm_group_count(void) { return group_count; }

int hs_comm_group_split(int gsize, char *err, size_t errlen)
{
    assert(group_count == 1 && (!started || cur == MPI_COMM_WORLD) && "groups do not nest");
    if (gsize < 1 || (gsize & (gsize - 1)) || world_size % gsize) {
        snprintf(err, errlen, "%d ranks per group: not a power of two dividing the %d ranks of the run", gsize,
                 world_size);
        return -1;
    }
    if (gsize == world_size || !started)
        return 0; /* one group: the whole run */
    group_index = world_rank / gsize;
    group_count = world_size / gsize;
    MPI_Comm_split(MPI_COMM_WORLD, group_index, world_rank, &cur);
    MPI_Comm_set_errhandler(cur, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(cur, &rank);
    MPI_Comm_size(cur, &size);
    return 0;
}

void hs_comm_group_end(void)
{
    if (!started || cur == MPI_COMM_WORLD)
        return;
    MPI_Comm_free(&cur);
    cur = MPI_COMM_WORLD;
    rank = world_rank;
    size = world_size;
    group_index = 0;
    group_count = 1;
}
int hs_comm_node_ranks(void) { return node_ranks; }
const char *hs_comm_kind(void) { return started ? "mpi" : "none"; }

void hs_comm_barrier(void)
{
    if (started)
        MPI_Barrier(cur);
}

void hs_comm_allgather(const double *send, int count, double *recv)
{
    if (!started) {
        memcpy(recv, send, (size_t)count * sizeof *send);
        return;
    }
    MPI_Allgather(send, count, MPI_DOUBLE, recv, count, MPI_DOUBLE, cur);
}

static void allreduce(double *v, int count, MPI_Op op)
{
    if (started)
        MPI_Allreduce(MPI_IN_PLACE, v, count, MPI_DOUBLE, op, cur);
}

void hs_comm_max(double *v, int count) { allreduce(v, count, MPI_MAX); }
void hs_comm_min(double *v, int count) { allreduce(v, count, MPI_MIN); }
void hs_comm_sum(double *v, int count) { allreduce(v, count, MPI_SUM); }

void hs_comm_bcast(void *buf, size_t bytes, int root)
{
    if (!started)
        return;
    assert(bytes <= (size_t)INT32_MAX);
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, root, cur);
}

void hs_comm_sendrecv(const hs_amp *send, hs_amp *recv, size_t count, int peer, int tag)
{
    assert(started && count <= HS_COMM_MAX_MSG && peer != rank);
    MPI_Sendrecv(send, (int)count, MPI_C_DOUBLE_COMPLEX, peer, tag, recv, (int)count,
                 MPI_C_DOUBLE_COMPLEX, peer, tag, cur, MPI_STATUS_IGNORE);
}

void hs_comm_send(const hs_amp *buf, size_t count, int peer, int tag)
{
    assert(started && count <= HS_COMM_MAX_MSG && peer != rank);
    MPI_Send(buf, (int)count, MPI_C_DOUBLE_COMPLEX, peer, tag, cur);
}

void hs_comm_recv(hs_amp *buf, size_t count, int peer, int tag)
{
    assert(started && count <= HS_COMM_MAX_MSG && peer != rank);
    MPI_Recv(buf, (int)count, MPI_C_DOUBLE_COMPLEX, peer, tag, cur, MPI_STATUS_IGNORE);
}
