#ifndef FLEETAUDIT_BUILD_INFO_H
#define FLEETAUDIT_BUILD_INFO_H

/// The git commit this binary was built from, as `make install` passed it to the build
/// (FLEET_AUDIT_COMMIT in Package.swift), or "unknown" for a build without it.
const char *fa_build_commit(void);

#endif
