/* Atomic output files (temporary + fsync + rename), cleaned up on failure. */
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "sys.h"

static char tmp_path[4096];
static char final_path[4096];

static void cleanup(void)
{
    if (tmp_path[0])
        unlink(tmp_path);
}

static void on_signal(int sig)
{
    if (tmp_path[0])
        unlink(tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

FILE *hs_out_open(const char *cmd, const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    if (strlen(path) + 32 >= sizeof tmp_path)
        hs_opts_fail(cmd, "--out: path is too long (allowed < %zu characters)", sizeof tmp_path - 32);
    snprintf(final_path, sizeof final_path, "%s", path);
    snprintf(tmp_path, sizeof tmp_path, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp_path);
    if (fd < 0) {
        tmp_path[0] = '\0';
        hs_opts_fail(cmd, "--out: cannot create '%s' (%s)", path, strerror(errno));
    }
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    FILE *f = fdopen(fd, "w");
    if (!f)
        hs_sys_fatal("fdopen '%s': %s", tmp_path, strerror(errno));
    return f;
}

void hs_out_commit(FILE *f)
{
    if (f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            hs_sys_fatal("writing standard output: %s", strerror(errno));
        return;
    }
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
        hs_sys_fatal("writing '%s': %s", tmp_path, strerror(errno));
    if (fclose(f) != 0)
        hs_sys_fatal("closing '%s': %s", tmp_path, strerror(errno));
    if (rename(tmp_path, final_path) != 0)
        hs_sys_fatal("renaming '%s' to '%s': %s", tmp_path, final_path, strerror(errno));
    tmp_path[0] = '\0';
}
