/* Saved trained models: a versioned binary file with a checksum, written
 * atomically. Layout, all integers little-endian:
 *   0    magic "HSNNMODL"                      8 bytes
 *   8    format version (1)                    u32
 *   12   bytes per parameter (4 float, 8 double) u32
 *   16   kind, vocab, nout, hidden, embed, d_model, layers, heads, max_t   9 x u32
 *   52   task trained on: n, k, d, q, nbases   5 x u32
 *   72   bases[8] (codes, unused entries 0)    8 x i32
 *   104  ell, task seed                        2 x u64
 *   120  training steps                        u64
 *   128  parameter count P                     u64
 *   136  parameters in tensor-table order      P x (4 or 8) bytes, IEEE 754
 *   end  FNV-1a 64 of every preceding byte     u64
 * A file whose parameter width differs from the build's is converted on
 * load. Files are written through the atomic writer (util/atomic.h). */
#ifndef HS_NN_FILE_H
#define HS_NN_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hsmt.h"
#include "nn.h"

#define HS_NNFILE_VERSION 1u

/* FNV-1a 64 over n bytes, continuing from h (start: HS_NNFILE_FNV_INIT). */
#define HS_NNFILE_FNV_INIT 0xcbf29ce484222325ull
uint64_t hs_nnfile_fnv(uint64_t h, const void *p, size_t n);

/* Bytes of the model file of net. */
size_t hs_nnfile_bytes(const hs_nn *net);
/* Writes net's model file (trained on task for `steps` updates) to f, which
 * the caller makes atomic (util/atomic.h). Returns 0, or -1 on an I/O error
 * (errno set). The format holds float models: net->hp.quant_bits is 0. */
int hs_nnfile_write(FILE *f, const hs_nn *net, const hs_hsmt *task, uint64_t steps);

/* Reads and verifies a model file. Returns the model (parameters loaded) and
 * its training task and steps, or NULL with a one-line message naming the
 * file and what is wrong: missing, not a regular file (a FIFO or a device:
 * only a file's own size is read), larger than the memory available,
 * truncated, not a model file, another format version, checksum mismatch,
 * inconsistent sizes, an invalid task (a basis code outside 0..d-1), a
 * parameter that is NaN or infinite (which a checksum does not rule out). */
hs_nn *hs_nnfile_load(const char *path, hs_hsmt *task, uint64_t *steps, char *err, size_t errlen);

#endif
