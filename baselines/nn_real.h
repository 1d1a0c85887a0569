/* Floating-point type of the trained classical models: float by default (the
 * hypersep executable, benchmarks, memory accounting at 32 bits per float),
 * double when compiled with -DHS_REAL_DOUBLE (the hs_nn64 library that the
 * gradient checks and the torch cross-check link). Both libraries are built
 * from the same sources and export the same names; never link both into one
 * program. */
#ifndef HS_NN_REAL_H
#define HS_NN_REAL_H

#include <math.h>

#ifdef HS_REAL_DOUBLE
typedef double hs_real;
#define HS_REAL_NAME "double"
#define hs_exp exp
#define hs_sqrt sqrt
#define hs_erf erf
#else
typedef float hs_real;
#define HS_REAL_NAME "float"
#define hs_exp expf
#define hs_sqrt sqrtf
#define hs_erf erff
#endif

#endif
