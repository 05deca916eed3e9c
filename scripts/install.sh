#!/usr/bin/env bash
# `make install PREFIX=...`: builds one self-contained fleet-audit and copies it to PREFIX/bin.
#
# The binary is meant to be handed over (to the account owner, to a CI runner, to another x86_64
# Linux machine), so nothing it needs may live in the build machine's toolchain:
# - the Swift standard library, Dispatch and Foundation are linked statically (--static-swift-stdlib);
# - libjansson is linked statically. SwiftPM links what `pkg-config jansson` names (Sources/CJansson),
#   and the system's jansson.pc puts the folder with libjansson.so first; for this build a jansson.pc
#   of our own (PKG_CONFIG_PATH) names a folder that holds only libjansson.a from libjansson-dev.
# - jemalloc, the allocator (Package.swift), is linked in as one object made from libjemalloc-dev's
#   libjemalloc_pic.a (`ld -r --whole-archive`). Not as the archive: the static Swift runtime links
#   with `--exclude-libs ALL`, which would keep an archive's malloc out of the dynamic symbol table,
#   so glibc's own allocations (realpath, strdup) would still use glibc's malloc and be freed by
#   jemalloc's. An object's symbols are exported (`-export-dynamic`), so its malloc is the process's.
# What remains dynamic is the C runtime every Linux system has (glibc, libstdc++, libgcc_s); the
# binary needs a glibc at least as new as the build machine's (`ldd --version`).
#
# --version names the commit: FLEET_AUDIT_COMMIT is read by Package.swift (12 hex digits of HEAD,
# `-dirty` with uncommitted changes to tracked files; "unknown" outside a git checkout).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${1:?usage: scripts/install.sh PREFIX}
swift=${SWIFT:-swift}

die() { echo "install: $*" >&2; exit 2; }

libdir=$(pkg-config --variable=libdir jansson 2>/dev/null) || die "pkg-config does not know jansson (apt-get install libjansson-dev)"
[ -f "$libdir/libjansson.a" ] || die "$libdir/libjansson.a not found: the static archive comes with libjansson-dev"
jemalloc_libdir=$(pkg-config --variable=libdir jemalloc 2>/dev/null) || die "pkg-config does not know jemalloc (apt-get install libjemalloc-dev)"
[ -f "$jemalloc_libdir/libjemalloc_pic.a" ] || die "$jemalloc_libdir/libjemalloc_pic.a not found: the static archive comes with libjemalloc-dev"
static_libs=$PWD/.build/static-libs
mkdir -p "$static_libs/pkgconfig"
ln -sfn "$libdir/libjansson.a" "$static_libs/libjansson.a"
ld -r --whole-archive "$jemalloc_libdir/libjemalloc_pic.a" -o "$static_libs/jemalloc.o"
cat >"$static_libs/pkgconfig/jansson.pc" <<PC
# Written by scripts/install.sh: libjansson.a only, for a self-contained fleet-audit.
Name: jansson
Description: the static libjansson of libjansson-dev
Version: $(pkg-config --modversion jansson)
Cflags: -I$(pkg-config --variable=includedir jansson)
Libs: -L$static_libs -ljansson
PC

commit=unknown
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    commit=$(git rev-parse --short=12 HEAD)
    git diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"
fi

echo "install: building fleet-audit (release, static Swift runtime, libjansson and jemalloc, commit $commit)" >&2
export FLEET_AUDIT_COMMIT=$commit FLEET_AUDIT_JEMALLOC=object PKG_CONFIG_PATH=$static_libs/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
"$swift" build -c release --product fleet-audit --static-swift-stdlib -Xlinker "$static_libs/jemalloc.o" >&2
binary=$("$swift" build -c release --static-swift-stdlib -Xlinker "$static_libs/jemalloc.o" --show-bin-path)/fleet-audit

install -d "$prefix/bin"
install -m 755 "$binary" "$prefix/bin/fleet-audit"
echo "install: $prefix/bin/fleet-audit: $("$prefix/bin/fleet-audit" --version)" >&2
