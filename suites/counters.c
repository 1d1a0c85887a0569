/* Event counters: PAPI per OpenMP thread (hardware presets, else software
 * events), else CPU time and page faults from the operating system. */
#include "counters.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef HS_WITH_PAPI
#include <papi.h>
#include <pthread.h>

#include "dl.h"
#endif

static int count;
static char names[256];
static int use_papi;

/* OS fallback: process CPU time (all threads) and page faults. */
static double os_start[2];

static void os_read(double v[2])
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    v[0] = 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
    v[1] = (double)ru.ru_minflt + (double)ru.ru_majflt;
}

#ifdef HS_WITH_PAPI
/* PAPI is loaded at the first hs_ctr_init (core/dl.h), not at start-up;
 * where it cannot be loaded the OS counters stand in, as where it counts
 * nothing. HS_PAPI_SONAME comes from the build. */
#define PAPI_FNS(X)                                                                                                \
    X(library_init) X(thread_init) X(create_eventset) X(event_name_to_code) X(add_event) X(add_events) X(start) \
        X(stop) X(cleanup_eventset) X(destroy_eventset) X(register_thread)
enum {
#define X(n) FN_##n,
    PAPI_FNS(X)
#undef X
        FN_COUNT
};
static struct {
#define X(n) __typeof__(PAPI_##n) *n;
    PAPI_FNS(X)
#undef X
} P;

static int papi_load(void)
{
    static int loaded = -1; /* hs_ctr_init runs on the main thread only */
    if (loaded < 0) {
        static const char *const fn_names[FN_COUNT] = {
#define X(n) "PAPI_" #n,
            PAPI_FNS(X)
#undef X
        };
        void (*fn[FN_COUNT])(void);
        char err[256];
        loaded = hs_dl_open(HS_PAPI_SONAME, fn_names, fn, FN_COUNT, err, sizeof err) == 0;
        if (loaded) {
#define X(n) P.n = (__typeof__(P.n))fn[FN_##n];
            PAPI_FNS(X)
#undef X
        }
    }
    return loaded;
}

static int codes[HS_CTR_MAX];
/* Each thread counts with its own event set, created on its first start. */
static _Thread_local int my_set = PAPI_NULL;
static _Thread_local int my_running;

static unsigned long thread_id(void) { return (unsigned long)pthread_self(); }

/* Adds the events that this machine can count to a trial set; returns how
 * many were kept in codes[]. */
static int try_events(const char *const *list, int nlist)
{
    int set = PAPI_NULL, kept = 0;
    if (P.create_eventset(&set) != PAPI_OK)
        return 0;
    names[0] = '\0';
    for (int i = 0; i < nlist && kept < HS_CTR_MAX; i++) {
        int code;
        if (P.event_name_to_code((char *)list[i], &code) != PAPI_OK || P.add_event(set, code) != PAPI_OK)
            continue;
        codes[kept++] = code;
        if (names[0])
            strcat(names, ";");
        strcat(names, list[i]);
    }
    /* A set that cannot start (no counters in this VM) counts nothing. */
    long long v[HS_CTR_MAX];
    if (kept && (P.start(set) != PAPI_OK || P.stop(set, v) != PAPI_OK))
        kept = 0;
    P.cleanup_eventset(set);
    P.destroy_eventset(&set);
    return kept;
}

static int papi_init(void)
{
    if (!papi_load())
        return 0;
    if (P.library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT || P.thread_init(thread_id) != PAPI_OK)
        return 0;
    static const char *const hw[] = {"PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L2_TCM", "PAPI_L3_TCM"};
    static const char *const sw[] = {"perf::TASK-CLOCK", "perf::PAGE-FAULTS"};
    int k = try_events(hw, 4);
    return k ? k : try_events(sw, 2);
}
#endif

int hs_ctr_init(void)
{
#ifdef HS_WITH_PAPI
    count = papi_init();
    use_papi = count > 0;
#endif
    if (!use_papi) {
        count = 2;
        snprintf(names, sizeof names, "os::TASK-CLOCK;os::PAGE-FAULTS");
    }
    return count;
}

const char *hs_ctr_names(void) { return names; }

void hs_ctr_start(void)
{
#ifdef HS_WITH_PAPI
    if (use_papi) {
#pragma omp parallel
        {
            if (my_set == PAPI_NULL) {
                P.register_thread();
                P.create_eventset(&my_set);
                P.add_events(my_set, codes, count);
            }
            my_running = P.start(my_set) == PAPI_OK;
        }
        return;
    }
#endif
    os_read(os_start);
}

void hs_ctr_stop(double *acc)
{
#ifdef HS_WITH_PAPI
    if (use_papi) {
#pragma omp parallel
        {
            long long v[HS_CTR_MAX];
            if (my_running && P.stop(my_set, v) == PAPI_OK) {
#pragma omp critical
                for (int i = 0; i < count; i++)
                    acc[i] += (double)v[i];
            }
            my_running = 0;
        }
        return;
    }
#endif
    double now[2];
    os_read(now);
    acc[0] += now[0] - os_start[0];
    acc[1] += now[1] - os_start[1];
}
