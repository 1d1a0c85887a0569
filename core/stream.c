/* Streaming stores for write-only passes (stream.h). */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "sys.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define HS_HAVE_STREAM 1
#else
#define HS_HAVE_STREAM 0
#endif

int hs_stream_enabled(size_t len)
{
    static _Atomic int env = -1; /* read once (by any thread: atomic): 1 unless HYPERSEP_STREAM=0 */
    if (env < 0) {
        const char *v = getenv("HYPERSEP_STREAM");
        env = !(v && strcmp(v, "0") == 0);
    }
    return HS_HAVE_STREAM && env && len >= HS_STREAM_MIN;
}

void hs_stream_fill(hs_amp *amp, size_t len, double a)
{
    double *re = (double *)amp;
#if HS_HAVE_STREAM
    if (hs_stream_enabled(len)) {
        const __m128d v = _mm_set_pd(0.0, a); /* (re, im) = (a, 0) */
        /* Each thread fences its own weakly ordered stores before the
         * region's closing barrier, so every thread reads them after. */
#pragma omp parallel
        {
#pragma omp for schedule(static) nowait
            for (size_t i = 0; i < len; i++)
                _mm_stream_pd(re + 2 * i, v);
            _mm_sfence();
        }
        return;
    }
#endif
    HS_PAR_FOR(hs_sys_par(len), for (size_t i = 0; i < len; i++) {
        re[2 * i] = a;
        re[2 * i + 1] = 0.0;
    });
}
