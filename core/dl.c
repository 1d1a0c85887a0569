/* Libraries loaded at first use (dl.h). */
#include "dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int hs_dl_open(const char *soname, const char *const *names, void (**fns)(void), size_t n, char *err,
               size_t errlen)
{
    /* RTLD_LOCAL: the symbols are reached through fns only; RTLD_NOW: a
     * missing symbol is reported here, not at the first call. */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(err, errlen, "cannot load %s: %s", soname, why ? why : "unknown error");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        void *p = dlsym(h, names[i]);
        if (!p) {
            snprintf(err, errlen, "%s has no symbol %s", soname, names[i]);
            dlclose(h);
            return -1;
        }
        /* POSIX guarantees that a function's address survives the cast
         * through void * (dlsym); ISO C does not, hence memcpy. */
        memcpy(&fns[i], &p, sizeof p);
    }
    return 0;
}
