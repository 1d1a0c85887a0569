/* The process group of a build without MPI (HS_WITH_MPI=OFF): one rank, and
 * collectives that are copies or nothing. Point-to-point calls cannot happen
 * with one rank. */
#include "comm.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hs_comm_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void hs_comm_finalize(void) {}
int hs_comm_mpi(void) { return 0; }
int hs_comm_rank(void) { return 0; }
int hs_comm_size(void) { return 1; }
int hs_comm_world_rank(void) { return 0; }
int hs_comm_world_size(void) { return 1; }
int hs_comm_group_index(void) { return 0; }
int hs_comm_group_count(void) { return 1; }

int hs_comm_group_split(int size, char *err, size_t errlen)
{
    if (size == 1)
        return 0;
    snprintf(err, errlen, "%d ranks per group: not a power of two dividing the 1 rank of the run", size);
    return -1;
}

void hs_comm_group_end(void) {}
int hs_comm_node_ranks(void) { return 1; }
const char *hs_comm_kind(void) { return "none"; }

void hs_comm_barrier(void) {}

void hs_comm_allgather(const double *send, int count, double *recv)
{
    memcpy(recv, send, (size_t)count * sizeof *send);
}

void hs_comm_max(double *v, int count) { (void)v, (void)count; }
void hs_comm_min(double *v, int count) { (void)v, (void)count; }
void hs_comm_sum(double *v, int count) { (void)v, (void)count; }

void hs_comm_bcast(void *buf, size_t bytes, int root) { (void)buf, (void)bytes, (void)root; }

void hs_comm_sendrecv(const hs_amp *send, hs_amp *recv, size_t count, int peer, int tag)
{
    (void)send, (void)recv, (void)count, (void)peer, (void)tag;
    assert(!"point-to-point exchange with a single rank");
    abort();
}

void hs_comm_send(const hs_amp *buf, size_t count, int peer, int tag)
{
    (void)buf, (void)count, (void)peer, (void)tag;
    assert(!"point-to-point exchange with a single rank");
    abort();
}

void hs_comm_recv(hs_amp *buf, size_t count, int peer, int tag)
{
    (void)buf, (void)count, (void)peer, (void)tag;
    assert(!"point-to-point exchange with a single rank");
    abort();
}
