/* The fuzz targets' input as a file: the readers take paths (they check
 * that a path names a regular file), so each input is written to one
 * temporary file per process, replaced at every call. */
#ifndef HS_FUZZ_FILE_H
#define HS_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The path holding exactly the `size` bytes of data (stops the run when
 * the file cannot be written). */
const char *hs_fuzz_file(const uint8_t *data, size_t size);

#endif
