/* Libraries loaded at first use instead of at start-up: OpenBLAS and PAPI
 * cost a bare command 1.6 ms and 0.85 ms of dynamic loading and
 * initialisation (OpenBLAS starts its thread pool), more than the rest of a
 * small command's work (README "bench engine", start-up). The build records
 * each library's soname (cmake/soname.cmake); the caller resolves the
 * symbols it needs once. */
#ifndef HS_DL_H
#define HS_DL_H

#include <stddef.h>

/* Opens the library `soname` and resolves names[0..n) into fns[0..n).
 * Returns 0, or -1 with a one-line message naming the library and the
 * missing file or symbol (fns then undefined). Thread-safe; callers cache
 * the result (pthread_once). */
int hs_dl_open(const char *soname, const char *const *names, void (**fns)(void), size_t n, char *err,
               size_t errlen);

#endif
