/* Write-only passes over a state with non-temporal (streaming) stores:
 * writing |+>^n reads nothing of the old amplitudes, so an ordinary store's
 * read-for-ownership is wasted traffic (the pass then costs a read and a
 * write: about one stream pass instead of half of one). Streaming stores skip it, for states larger than
 * the caches (HS_STREAM_MIN amplitudes); smaller ones are written with
 * ordinary stores and stay in cache for the queries that follow. The values
 * written are the same either way (bitwise); HYPERSEP_STREAM=0 in the
 * environment forces ordinary stores. x86-64 uses SSE2's movntpd, other
 * targets ordinary stores. Measured (bench engine write_only, n = 24, one
 * thread): 0.81-0.87 of a stream pass against 0.98-1.15 with ordinary
 * stores. The deferred layer written from |+> keeps ordinary stores: with
 * streaming ones its sign pass was slower (core/write.c). */
#ifndef HS_STREAM_H
#define HS_STREAM_H

#include <stddef.h>

#include "write.h"

/* 2^19 amplitudes = 8 MiB: beyond this VM's and typical per-core shares
 * of the last-level cache. */
#define HS_STREAM_MIN ((size_t)1 << 19)

/* Whether a pass over len amplitudes uses streaming stores here. */
int hs_stream_enabled(size_t len);

/* amp[i] = a (imaginary part 0) for i < len. */
void hs_stream_fill(hs_amp *amp, size_t len, double a);


#endif
