/* `hypersep suite NAME`: dispatch to the suites. */
#include "suite.h"

#include <stdio.h>
#include <string.h>

#include "sys.h"

static const struct {
    const char *name;
    int (*fn)(int, char **, hs_err *);
} suites[] = {
    {"separation", hs_suite_separation},
    {"trainability", hs_suite_trainability},
    {"contextuality", hs_suite_contextuality},
    {"engine", hs_suite_engine},
    {"merge", hs_suite_merge},
    {"summary", hs_suite_summary},
};

static const char usage[] =
    "usage: hypersep suite NAME [options]   (hypersep suite NAME --help)\n"
    "suites:\n"
    "  separation     memory needed against correlation length, per model and k\n"
    "  trainability   gradient variance against n (k-HRNN vs generic ansatz),\n"
    "                 k-HRNN training curves\n"
    "  contextuality  LP certificate of contextuality, presample model's loss\n"
    "  engine         engine scaling with n and MPI ranks\n"
    "  merge          combine the CSV files of a suite's Slurm array tasks\n"
    "  summary        the separation summary of a results folder (e.g. after merge)\n";

int hs_cmd_suite(int argc, char **argv, hs_err *e)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(usage, argc < 1 ? stderr : stdout);
        return argc < 1 ? HS_EXIT_USAGE : HS_DONE;
    }
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(argv[0], suites[i].name) == 0)
            return suites[i].fn(argc - 1, argv + 1, e);
    return hs_err_usage(e, "suite", "unknown suite '%s' (allowed: separation, trainability, contextuality, engine, "
                        "merge, summary)", argv[0]);
}
