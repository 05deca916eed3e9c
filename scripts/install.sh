#!/usr/bin/env bash
# `make install PREFIX=...`: builds one self-contained fleet-audit and copies it to PREFIX/bin.
#
# The binary is meant to be handed over (to the account owner, to a CI runner, to another x86_64
# Linux machine), so nothing it needs may live in the build machine's toolchain:
# - the Swift standard library, Dispatch and Foundation are linked statically (--static-swift-stdlib);
# - libjansson is linked statically: Sources/CJansson asks the linker for `-ljansson`, and the linker
#   takes the first libjansson it finds on its search path; a folder holding only libjansson.a
#   (from libjansson-dev) is put first, so that is the archive it takes.
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
static_libs=.build/static-libs
mkdir -p "$static_libs"
ln -sfn "$libdir/libjansson.a" "$static_libs/libjansson.a"

commit=unknown
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    commit=$(git rev-parse --short=12 HEAD)
    git diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"
fi

echo "install: building fleet-audit (release, static Swift runtime and libjansson, commit $commit)" >&2
FLEET_AUDIT_COMMIT=$commit "$swift" build -c release --product fleet-audit \
    --static-swift-stdlib -Xlinker -L"$PWD/$static_libs" >&2
binary=$(FLEET_AUDIT_COMMIT=$commit "$swift" build -c release --show-bin-path)/fleet-audit

install -d "$prefix/bin"
install -m 755 "$binary" "$prefix/bin/fleet-audit"
echo "install: $prefix/bin/fleet-audit: $("$prefix/bin/fleet-audit" --version)" >&2
