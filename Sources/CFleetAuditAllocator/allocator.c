#include "allocator.h"

// jemalloc (Package.swift links it into fleet-audit on Linux) reads its options from a global
// named malloc_conf that the program defines; the MALLOC_CONF environment variable still
// overrides them. dirty_decay_ms: pages freed for longer than a second are given back to the
// system, not after jemalloc's default of ten seconds. A two-worker audit of 200,000 devices then
// peaks at 82 MB instead of 101 MB, at no measurable cost in time (docs/benchmarks.md, "Fourth
// round"). Without jemalloc (macOS, where glibc's malloc is not the allocator) nothing reads it.
const char *malloc_conf = "dirty_decay_ms:1000";
