/* Collectives built on the primitives of comm.h, the same for both
 * transports (comm_mpi.c, comm_serial.c). */
#include "comm.h"

#include "sys.h"

int hs_comm_agree(int status, int *who)
{
    const int P = hs_comm_size();
    double mine = status, *all = hs_alloc((size_t)P * sizeof *all);
    hs_comm_allgather(&mine, 1, all);
    int best = 0;
    for (int r = 1; r < P; r++)
        if (all[r] > all[best])
            best = r;
    const int agreed = (int)all[best];
    hs_sys_free(all);
    if (who)
        *who = best;
    return agreed;
}
