#include "build_info.h"

// Swift has no string-valued compile-time definitions, so the commit reaches the binary as a C
// macro: Package.swift defines FLEET_AUDIT_COMMIT for this file only, which keeps a new commit
// from recompiling anything but this file.
#ifndef FLEET_AUDIT_COMMIT
#define FLEET_AUDIT_COMMIT "unknown"
#endif

const char *fa_build_commit(void) { return FLEET_AUDIT_COMMIT; }
