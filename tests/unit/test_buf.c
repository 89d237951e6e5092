/* test_buf.c — the growable response buffer: appends of text and binary,
 * printf short and long, ownership hand-over (buf_take), reset and free. */
#include "unit.h"

#include <stdlib.h>

#include "buf.h"

static void test_buf_cstr_of_empty_buffer_is_empty_string(void **state) {
    (void)state;
    Buf b = {0};
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_buf_appends_text_and_stays_terminated(void **state) {
    (void)state;
    Buf b = {0};
    buf_puts(&b, "运营");
    buf_putc(&b, '-');
    buf_append(&b, "desk!", 4);
    assert_string_equal(b.data, "运营-desk");
    assert_int_equal(b.len, strlen("运营-desk"));
    assert_true(b.cap > b.len);
    buf_free(&b);
}

static void test_buf_appends_binary_with_nul_bytes(void **state) {
    (void)state;
    Buf b = {0};
    buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    buf_append(&b, "", 0);
    assert_int_equal(b.len, 3);
    buf_free(&b);
}

static void test_buf_grows_across_many_appends(void **state) {
    (void)state;
    Buf b = {0};
    for (int i = 0; i < 100000; i++) buf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 100000);
    for (size_t i = 0; i < b.len; i++) assert_int_equal(b.data[i], 'a' + (int)(i % 26));
    assert_int_equal(b.data[b.len], 0);
    buf_free(&b);
}

static void test_buf_printf_short_and_long_output(void **state) {
    (void)state;
    Buf b = {0};
    buf_printf(&b, "%d|%s|", 7, "x");
    assert_string_equal(b.data, "7|x|");
    char big[1000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = 0;
    buf_printf(&b, "[%s]", big); /* longer than the 256-byte fast path */
    assert_int_equal(b.len, 4 + 2 + 999);
    assert_int_equal(b.data[4], '[');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], 0);
    buf_printf(&b, "%s", "");
    assert_int_equal(b.len, 4 + 2 + 999);
    buf_free(&b);
}

static void test_buf_printf_exactly_at_fast_path_boundary(void **state) {
    (void)state;
    for (size_t n = 250; n < 262; n++) {
        Buf b = {0};
        char s[300];
        memset(s, 'k', n);
        s[n] = 0;
        buf_printf(&b, "%s", s);
        assert_int_equal(b.len, n);
        assert_string_equal(b.data, s);
        buf_free(&b);
    }
}

static void test_buf_take_hands_ownership_to_caller(void **state) {
    (void)state;
    Buf b = {0};
    buf_puts(&b, "body");
    size_t n = 0;
    char *p = buf_take(&b, &n);
    assert_string_equal(p, "body");
    assert_int_equal(n, 4);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(p);
    /* Taking from an empty buffer still gives a terminated string. */
    p = buf_take(&b, NULL);
    assert_non_null(p);
    assert_string_equal(p, "");
    free(p);
}

static void test_buf_reset_empties_but_keeps_capacity(void **state) {
    (void)state;
    Buf b = {0};
    buf_puts(&b, "something long enough");
    size_t cap = b.cap;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap);
    assert_string_equal(buf_cstr(&b), "");
    buf_puts(&b, "x");
    assert_string_equal(b.data, "x");
    buf_free(&b);
    buf_free(&b); /* free twice is harmless */
    assert_null(b.data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cstr_of_empty_buffer_is_empty_string),
        cmocka_unit_test(test_buf_appends_text_and_stays_terminated),
        cmocka_unit_test(test_buf_appends_binary_with_nul_bytes),
        cmocka_unit_test(test_buf_grows_across_many_appends),
        cmocka_unit_test(test_buf_printf_short_and_long_output),
        cmocka_unit_test(test_buf_printf_exactly_at_fast_path_boundary),
        cmocka_unit_test(test_buf_take_hands_ownership_to_caller),
        cmocka_unit_test(test_buf_reset_empties_but_keeps_capacity),
    };
    return UNIT_RUN("buf", tests);
}
