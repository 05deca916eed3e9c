#ifndef FLEETAUDIT_ALLOCATOR_H
#define FLEETAUDIT_ALLOCATOR_H

/// jemalloc's options for fleet-audit (see allocator.c); read by jemalloc itself at start-up.
extern const char *malloc_conf;

#endif
