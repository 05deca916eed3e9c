#ifndef FLEETAUDIT_BENCH_JANSSON_WHOLE_FILE_H
#define FLEETAUDIT_BENCH_JANSSON_WHOLE_FILE_H

#include <stddef.h>

/// Parses the file at `path` with jansson's json_load_file into one DOM
/// (JSON_REJECT_DUPLICATES, the flag the streamer gives each element), counts
/// the elements of the top-level array member `arrayKey`, and frees the DOM.
/// Returns that count, or -1 when the file does not parse or has no such
/// array; jansson's error text is then copied into `error` (NUL-terminated).
long long fa_bench_json_load_file(const char *path, const char *arrayKey, char *error, size_t errorSize);

/// Parses one buffer with json_loadb and the flags the element parser uses
/// (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES), then frees the tree: jansson's
/// own cost for one element, without the copy into Swift values. Returns 1
/// when the buffer parses, 0 otherwise.
int fa_bench_json_loadb(const char *buffer, size_t length);

#endif
