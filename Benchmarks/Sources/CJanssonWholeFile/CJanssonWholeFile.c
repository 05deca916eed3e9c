#include "CJanssonWholeFile.h"

#include <jansson.h>
#include <stdio.h>

long long fa_bench_json_load_file(const char *path, const char *arrayKey, char *error, size_t errorSize) {
    json_error_t jsonError;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jsonError);
    if (root == NULL) {
        if (error != NULL && errorSize > 0) {
            snprintf(error, errorSize, "line %d column %d: %s", jsonError.line, jsonError.column, jsonError.text);
        }
        return -1;
    }
    json_t *array = json_object_get(root, arrayKey);
    long long count = json_is_array(array) ? (long long)json_array_size(array) : -1;
    if (count < 0 && error != NULL && errorSize > 0) {
        snprintf(error, errorSize, "no array member \"%s\"", arrayKey);
    }
    json_decref(root);
    return count;
}

int fa_bench_json_loadb(const char *buffer, size_t length) {
    json_error_t jsonError;
    json_t *root = json_loadb(buffer, length, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jsonError);
    if (root == NULL) {
        return 0;
    }
    json_decref(root);
    return 1;
}

int fa_bench_json_parse_element(const char *bytes, size_t length, char *error, size_t errorSize, long long *position) {
    json_error_t jsonError;
    json_t *root = json_loadb(bytes, length, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jsonError);
    if (root == NULL) {
        if (error != NULL && errorSize > 0) {
            snprintf(error, errorSize, "%s", jsonError.text);
        }
        if (position != NULL) {
            *position = (long long)jsonError.position;
        }
        return -1;
    }
    json_decref(root);
    return 0;
}
