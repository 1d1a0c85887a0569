/* `hypersep suite NAME`: dispatch to the suites. */
#include "suite.h"

#include <stdio.h>
#include <string.h>

#include "opts.h"
#include "sys.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
} suites[] = {
    {"engine", hs_suite_engine},
};

int hs_cmd_suite(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs("usage: hypersep suite NAME [options]   (hypersep suite NAME --help)\n"
              "suites: engine (engine scaling with n and MPI ranks)\n",
              argc < 1 ? stderr : stdout);
        return argc < 1 ? HS_EXIT_USAGE : 0;
    }
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(argv[0], suites[i].name) == 0)
            return suites[i].fn(argc - 1, argv + 1);
    hs_opts_fail("suite", "unknown suite '%s' (allowed: engine)", argv[0]);
}
