/* One temporary file per fuzzing process (see fuzz_file.h). */
#include "fuzz_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[64];
static int fd = -1;

static void remove_file(void) { unlink(path); }

const char *hs_fuzz_file(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        /* In memory where there is a tmpfs: a write per input. */
        snprintf(path, sizeof path, "%s/hs_fuzz.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        fd = mkstemp(path);
        if (fd < 0) {
            perror("mkstemp");
            abort();
        }
        atexit(remove_file);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
        perror(path);
        abort();
    }
    return path;
}
