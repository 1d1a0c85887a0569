/* The sharded generator (dgen.h) as the training loop's sequence source
 * (core/train.h, hs_seq_source) and as the suites' scoring stream: every
 * call is collective over the current ranks (dist/comm.h), and each rank
 * receives the whole sequences, bitwise the same for any rank count. The
 * generator is rebuilt when the task changes (the curriculum's stages
 * differ in ell and q); one state is held at a time. Qubits only. */
#ifndef HS_DSOURCE_H
#define HS_DSOURCE_H

#include "dstate.h"
#include "hsmt.h"
#include "train.h"

typedef struct hs_dsource hs_dsource;

hs_dsource *hs_dsource_new(const hs_dstate_opts *o);
void hs_dsource_free(hs_dsource *s);
/* Collective: sequences first .. first + count - 1 of task cfg (d = 2, the
 * fit checked by the caller) into seqs (zeroed or reused). */
void hs_dsource_draw(hs_dsource *s, const hs_hsmt *cfg, uint64_t first, long count, hs_seq *seqs);
/* The source for hs_train_opts (valid while s is). */
const hs_seq_source *hs_dsource_iface(hs_dsource *s);

#endif
