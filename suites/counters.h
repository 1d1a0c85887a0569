/* Event counters around a timed region, summed over the OpenMP threads of
 * this process. Preference order, decided once by hs_ctr_init:
 *   1. PAPI hardware presets PAPI_TOT_CYC, PAPI_TOT_INS, PAPI_L2_TCM,
 *      PAPI_L3_TCM (those the machine exposes);
 *   2. PAPI software events perf::TASK-CLOCK, perf::PAGE-FAULTS;
 *   3. the same two quantities from the operating system (os::TASK-CLOCK:
 *      process CPU nanoseconds, os::PAGE-FAULTS: minor + major faults), for
 *      machines where PAPI's perf_event component is disabled (VMs without a
 *      PMU that libpfm4 recognises).
 * hs_ctr_names() says which were read; every results row records it. */
#ifndef HS_COUNTERS_H
#define HS_COUNTERS_H

#define HS_CTR_MAX 4

/* Chooses the counters (call once, after fixing the OpenMP thread count).
 * Returns how many are read (1..HS_CTR_MAX). */
int hs_ctr_init(void);
/* Semicolon-separated event names, in the order of the values. */
const char *hs_ctr_names(void);
void hs_ctr_start(void);
/* Adds the counts since hs_ctr_start to acc[0 .. count-1]. */
void hs_ctr_stop(double *acc);

#endif
