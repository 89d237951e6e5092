/* fuzz.h — shared by every harness in fuzz/: the libFuzzer entry point, and
 * FUZZ_CHECK, which turns a broken invariant into a crash the fuzzer (or the
 * standalone driver) reports with the input that caused it. Harnesses may
 * include src/ internal headers; they never change program state that
 * outlives one input (catalogs are reset, arenas freed). */
#ifndef OPSDESK_FUZZ_H
#define OPSDESK_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz invariant broken at %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A NUL-terminated copy of the input (caller frees). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    for (size_t i = 0; i < size; i++) s[i] = (char)data[i];
    s[size] = 0;
    return s;
}

#endif
