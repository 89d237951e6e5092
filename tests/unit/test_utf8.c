/* test_utf8.c — strict UTF-8 validation (RFC 3629): overlongs, surrogates,
 * code points above U+10FFFF, truncated sequences and NUL are refused;
 * Chinese text and emoji pass; counting is by code point. An exhaustive
 * comparison against a slow reference decoder covers every 1–3 byte input. */
#include "unit.h"

#include "utf8.h"

#define V(lit) utf8_valid((lit), sizeof(lit) - 1)

/* Reference: decode one sequence the slow, obvious way. Returns its length,
 * or 0 when s[0..n) does not start with a well-formed sequence. */
static size_t ref_decode(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) return c == 0 ? 0 : 1;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

static bool ref_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t k = ref_decode(s + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

static size_t encode(uint32_t cp, unsigned char *out) {
    if (cp < 0x80) return out[0] = (unsigned char)cp, 1;
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static void test_utf8_accepts_ascii_and_empty(void **state) {
    (void)state;
    assert_true(V(""));
    assert_true(V("hello, world ~\t\r\n"));
}

static void test_utf8_accepts_chinese_text(void **state) {
    (void)state;
    assert_true(V("运营主管的工作台：目标、任务、标准作业程序"));
    assert_true(V("张伟（杭州）— KPI 达成率 98.5%"));
    assert_true(V("\xF0\x9F\x98\x80")); /* U+1F600 emoji */
    assert_true(V("\xF0\xA0\x80\x80")); /* U+20000, CJK Extension B */
}

static void test_utf8_rejects_overlong_encoding(void **state) {
    (void)state;
    assert_false(V("\xC0\x80"));         /* NUL, 2 bytes */
    assert_false(V("\xC0\xAF"));         /* '/', the classic path-traversal overlong */
    assert_false(V("\xC1\xBF"));
    assert_false(V("\xE0\x80\x80"));
    assert_false(V("\xE0\x9F\xBF"));     /* U+07FF in 3 bytes */
    assert_false(V("\xF0\x80\x80\x80"));
    assert_false(V("\xF0\x8F\xBF\xBF")); /* U+FFFF in 4 bytes */
    assert_true(V("\xC2\x80"));          /* smallest 2-byte */
    assert_true(V("\xE0\xA0\x80"));      /* smallest 3-byte */
    assert_true(V("\xF0\x90\x80\x80"));  /* smallest 4-byte */
}

static void test_utf8_rejects_surrogates(void **state) {
    (void)state;
    assert_false(V("\xED\xA0\x80")); /* U+D800 */
    assert_false(V("\xED\xAF\xBF")); /* U+DBFF */
    assert_false(V("\xED\xB0\x80")); /* U+DC00 */
    assert_false(V("\xED\xBF\xBF")); /* U+DFFF */
    assert_false(V("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair for U+1F600 */
    assert_true(V("\xED\x9F\xBF"));  /* U+D7FF, just below */
    assert_true(V("\xEE\x80\x80"));  /* U+E000, just above */
}

static void test_utf8_rejects_code_points_above_10ffff(void **state) {
    (void)state;
    assert_true(V("\xF4\x8F\xBF\xBF"));  /* U+10FFFF, the last one */
    assert_false(V("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(V("\xF5\x80\x80\x80"));
    assert_false(V("\xF7\xBF\xBF\xBF"));
    assert_false(V("\xF8\x88\x80\x80\x80")); /* 5-byte form */
    assert_false(V("\xFC\x84\x80\x80\x80\x80"));
    assert_false(V("\xFE"));
    assert_false(V("\xFF"));
}

static void test_utf8_rejects_truncated_sequences(void **state) {
    (void)state;
    assert_false(V("\xE4\xB8"));          /* 中 without its last byte */
    assert_false(V("abc\xE4"));
    assert_false(V("\xF0\x9F\x98"));
    assert_false(V("\xE4\xB8" "A"));      /* truncated, then ASCII */
    assert_false(V("\xC2"));
    assert_false(V("\x80"));              /* lone continuation */
    assert_false(V("\xBF" "abc"));
    assert_false(V("\xE4\xB8\xAD\xAD"));  /* one continuation too many */
    /* A valid sequence cut by the length argument is refused too. */
    assert_false(utf8_valid("\xE4\xB8\xAD", 2));
    assert_true(utf8_valid("\xE4\xB8\xAD", 3));
}

static void test_utf8_rejects_nul_byte(void **state) {
    (void)state;
    assert_false(V("a\0b"));
    assert_false(V("\0"));
    assert_true(utf8_valid("a\0b", 1));
}

static void test_utf8_matches_reference_for_every_code_point(void **state) {
    (void)state;
    unsigned char b[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        size_t n = encode(cp, b);
        bool expect = cp != 0 && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (utf8_valid((const char *)b, n) != expect) fail_msg("U+%04X: expected %d", (unsigned)cp, expect);
    }
}

static void test_utf8_matches_reference_for_every_short_input(void **state) {
    (void)state;
    unsigned char b[3];
    for (unsigned x = 0; x < 256; x++) {
        b[0] = (unsigned char)x;
        if (utf8_valid((const char *)b, 1) != ref_valid(b, 1)) fail_msg("%02x", x);
        for (unsigned y = 0; y < 256; y++) {
            b[1] = (unsigned char)y;
            if (utf8_valid((const char *)b, 2) != ref_valid(b, 2)) fail_msg("%02x %02x", x, y);
            if (x < 0xE0 || x > 0xF4) continue; /* 3-byte inputs: leads where it matters */
            for (unsigned z = 0; z < 256; z++) {
                b[2] = (unsigned char)z;
                if (utf8_valid((const char *)b, 3) != ref_valid(b, 3)) fail_msg("%02x %02x %02x", x, y, z);
            }
        }
    }
}

static void test_utf8_count_counts_code_points(void **state) {
    (void)state;
    const char *s = "运营desk😀";
    assert_int_equal(utf8_count(s, strlen(s)), 2 + 4 + 1);
    assert_int_equal(utf8_count("", 0), 0);
    assert_int_equal(utf8_count("héllo", strlen("héllo")), 5);
    const char *zh = "标准作业程序";
    assert_int_equal(strlen(zh), 18);
    assert_int_equal(utf8_count(zh, strlen(zh)), 6);
}

static void test_utf8_has_control_flags_c0_and_del_only(void **state) {
    (void)state;
    assert_false(utf8_has_control("tab\tlf\ncr\r", 10));
    assert_false(utf8_has_control("运营", strlen("运营")));
    assert_true(utf8_has_control("a\x01", 2));
    assert_true(utf8_has_control("\x1b[31m", 5));
    assert_true(utf8_has_control("del\x7f", 4));
    assert_true(utf8_has_control("a\0b", 3));
    assert_false(utf8_has_control("a\0b", 1));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_accepts_ascii_and_empty),
        cmocka_unit_test(test_utf8_accepts_chinese_text),
        cmocka_unit_test(test_utf8_rejects_overlong_encoding),
        cmocka_unit_test(test_utf8_rejects_surrogates),
        cmocka_unit_test(test_utf8_rejects_code_points_above_10ffff),
        cmocka_unit_test(test_utf8_rejects_truncated_sequences),
        cmocka_unit_test(test_utf8_rejects_nul_byte),
        cmocka_unit_test(test_utf8_matches_reference_for_every_code_point),
        cmocka_unit_test(test_utf8_matches_reference_for_every_short_input),
        cmocka_unit_test(test_utf8_count_counts_code_points),
        cmocka_unit_test(test_utf8_has_control_flags_c0_and_del_only),
    };
    return UNIT_RUN("utf8", tests);
}
