/* Version and git revision of this build, for the provenance of every
 * results row. The revision is read when the build runs (cmake/version.cmake
 * regenerates version.c when it changed), so a rebuild after a commit records
 * the new one; "-dirty" marks a build of a tree with uncommitted changes to
 * tracked files, "unknown" a build outside a git checkout. */
#ifndef HS_VERSION_H
#define HS_VERSION_H

extern const char hs_version[];
extern const char hs_git_rev[];

#endif
