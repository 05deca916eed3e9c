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

/// Parses one streamed element with jansson's json_loadb (JSON_DECODE_ANY |
/// JSON_REJECT_DUPLICATES, the flags the audit gives each element) and frees the
/// tree: the parse alone, without any conversion to Swift values. Returns 0, or
/// -1 when the bytes do not parse (jansson's text and byte position are copied out).
int fa_bench_json_parse_element(const char *bytes, size_t length, char *error, size_t errorSize, long long *position);

#endif
