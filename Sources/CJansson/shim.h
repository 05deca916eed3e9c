#ifndef FLEETAUDIT_CJANSSON_SHIM_H
#define FLEETAUDIT_CJANSSON_SHIM_H

#include <jansson.h>

// jansson exposes type tests, reference counting and iteration as macros or
// static inline functions that Swift cannot import directly; these wrappers
// give the JSON module a callable surface for each one it uses.

static inline int fa_json_typeof(const json_t *value) { return (int)json_typeof(value); }
static inline void fa_json_decref(json_t *value) { json_decref(value); }
static inline int fa_json_is_true(const json_t *value) { return json_is_true(value); }

/// Flags for parsing one streamed element: any value type, and duplicate keys
/// inside an object are an error rather than "last one wins".
static inline size_t fa_element_decode_flags(void) { return JSON_DECODE_ANY | JSON_REJECT_DUPLICATES; }

#endif
