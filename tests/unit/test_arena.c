/* test_arena.c — the request arena: alignment, zeroing, allocations larger
 * than a chunk, copies and printf into arena memory. Leaks are caught by
 * ASan's leak checker, which the unit run keeps on. */
#include "unit.h"

#include "arena.h"

static void test_arena_alloc_is_16_byte_aligned_for_every_size(void **state) {
    (void)state;
    Arena *a = arena_new();
    for (size_t n = 0; n < 300; n++) {
        void *p = arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    arena_free(a);
}

static void test_arena_alloc_returns_zeroed_memory(void **state) {
    (void)state;
    Arena *a = arena_new();
    for (int round = 0; round < 50; round++) {
        unsigned char *p = arena_alloc(a, 1000);
        for (size_t i = 0; i < 1000; i++) assert_int_equal(p[i], 0);
        memset(p, 0xAB, 1000);
    }
    arena_free(a);
}

static void test_arena_allocations_never_overlap(void **state) {
    (void)state;
    Arena *a = arena_new();
    enum { N = 400 };
    unsigned char *ptrs[N];
    size_t sizes[N];
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 37 % 500) + 1;
        ptrs[i] = arena_alloc(a, sizes[i]);
        memset(ptrs[i], i & 0xFF, sizes[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t j = 0; j < sizes[i]; j++) assert_int_equal(ptrs[i][j], i & 0xFF);
    arena_free(a);
}

static void test_arena_serves_allocation_larger_than_a_chunk(void **state) {
    (void)state;
    Arena *a = arena_new();
    char *small = arena_strdup(a, "before");
    size_t big_n = 3u * 1024 * 1024 + 5;
    unsigned char *big = arena_alloc(a, big_n);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % 16, 0);
    memset(big, 0x5A, big_n); /* ASan reports any write past the chunk */
    char *after = arena_strdup(a, "after");
    assert_string_equal(small, "before");
    assert_string_equal(after, "after");
    assert_int_equal(big[0], 0x5A);
    assert_int_equal(big[big_n - 1], 0x5A);
    arena_free(a);
}

static void test_arena_fills_chunks_exactly_without_overrun(void **state) {
    (void)state;
    /* Allocations that end exactly on a chunk boundary, then past it. */
    Arena *a = arena_new();
    for (int i = 0; i < 2000; i++) {
        size_t n = 8192 / 4;
        unsigned char *p = arena_alloc(a, n);
        memset(p, 1, n);
    }
    arena_free(a);
}

static void test_arena_total_counts_rounded_bytes(void **state) {
    (void)state;
    Arena *a = arena_new();
    assert_int_equal(a->total, 0);
    arena_alloc(a, 1);
    assert_int_equal(a->total, 16);
    arena_alloc(a, 16);
    assert_int_equal(a->total, 32);
    arena_alloc(a, 17);
    assert_int_equal(a->total, 64);
    arena_free(a);
}

static void test_arena_strdup_copies_and_keeps_null(void **state) {
    (void)state;
    Arena *a = arena_new();
    char src[] = "运营 desk";
    char *p = arena_strdup(a, src);
    assert_string_equal(p, "运营 desk");
    assert_ptr_not_equal(p, src);
    src[0] = 'X';
    assert_string_equal(p, "运营 desk");
    assert_null(arena_strdup(a, NULL));
    assert_null(arena_strndup(a, NULL, 3));
    assert_string_equal(arena_strdup(a, ""), "");
    arena_free(a);
}

static void test_arena_strndup_copies_n_bytes_and_terminates(void **state) {
    (void)state;
    Arena *a = arena_new();
    char *p = arena_strndup(a, "abcdef", 3);
    assert_string_equal(p, "abc");
    /* n counts bytes, embedded NULs included: the copy stops being a C string there */
    char *q = arena_strndup(a, "ab\0cd", 5);
    assert_int_equal(q[2], 0);
    assert_int_equal(q[3], 'c');
    assert_int_equal(q[5], 0);
    arena_free(a);
}

static void test_arena_printf_formats_into_arena(void **state) {
    (void)state;
    Arena *a = arena_new();
    assert_string_equal(arena_printf(a, "%s-%d-%lld", "x", 42, (long long)-7), "x-42--7");
    assert_string_equal(arena_printf(a, "%s", ""), "");
    assert_string_equal(arena_printf(a, "%05.1f|%x", 3.14159, 255u), "003.1|ff");
    arena_free(a);
}

static void test_arena_printf_handles_output_longer_than_a_chunk(void **state) {
    (void)state;
    Arena *a = arena_new();
    size_t n = 20000;
    char *s = arena_alloc(a, n + 1);
    memset(s, 'q', n);
    char *p = arena_printf(a, "<%s>", s);
    assert_int_equal(strlen(p), n + 2);
    assert_int_equal(p[0], '<');
    assert_int_equal(p[n + 1], '>');
    assert_int_equal(p[n], 'q');
    arena_free(a);
}

static void test_arena_free_accepts_null(void **state) {
    (void)state;
    arena_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc_is_16_byte_aligned_for_every_size),
        cmocka_unit_test(test_arena_alloc_returns_zeroed_memory),
        cmocka_unit_test(test_arena_allocations_never_overlap),
        cmocka_unit_test(test_arena_serves_allocation_larger_than_a_chunk),
        cmocka_unit_test(test_arena_fills_chunks_exactly_without_overrun),
        cmocka_unit_test(test_arena_total_counts_rounded_bytes),
        cmocka_unit_test(test_arena_strdup_copies_and_keeps_null),
        cmocka_unit_test(test_arena_strndup_copies_n_bytes_and_terminates),
        cmocka_unit_test(test_arena_printf_formats_into_arena),
        cmocka_unit_test(test_arena_printf_handles_output_longer_than_a_chunk),
        cmocka_unit_test(test_arena_free_accepts_null),
    };
    return UNIT_RUN("arena", tests);
}
