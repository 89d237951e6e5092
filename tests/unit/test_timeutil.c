/* test_timeutil.c — ISO 8601 / RFC 3339 parsing (offsets, fractional
 * seconds, leap days, refusal of date-times without an offset), formatting
 * round trips, and the zh-CN / en display formats. */
#include "unit.h"

#include "timeutil.h"

static int64_t parse_ok(const char *s) {
    int64_t ms = -42;
    if (time_parse_iso(s, &ms) != 0) fail_msg("refused valid \"%s\"", s);
    return ms;
}

static void refuse(const char *s) {
    int64_t ms = 0;
    if (time_parse_iso(s, &ms) == 0) fail_msg("accepted invalid \"%s\"", s);
}

static const char *iso(int64_t ms, char out[32]) {
    time_format_iso(ms, out, 32);
    return out;
}

static void test_time_parses_date_as_midnight_utc(void **state) {
    (void)state;
    assert_int_equal(parse_ok("1970-01-01"), 0);
    assert_int_equal(parse_ok("2024-05-01"), 1714521600000LL);
    assert_int_equal(parse_ok("0001-01-01"), -62135596800000LL);
    assert_int_equal(parse_ok("9999-12-31"), 253402214400000LL);
}

static void test_time_parses_utc_date_time(void **state) {
    (void)state;
    assert_int_equal(parse_ok("2024-05-01T12:30:00Z"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01T12:30Z"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01t12:30:00z"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01 12:30:00Z"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01T12:30:00+00:00"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01T12:30:00-00:00"), 1714566600000LL);
}

static void test_time_applies_positive_and_negative_offsets(void **state) {
    (void)state;
    assert_int_equal(parse_ok("2024-05-01T20:30:00+08:00"), 1714566600000LL);
    assert_int_equal(parse_ok("2024-05-01T07:00:00-05:30"), 1714566600000LL);
    /* An offset that moves the instant into the previous day and year. */
    assert_int_equal(parse_ok("2024-01-01T07:59:59+08:00"), parse_ok("2023-12-31T23:59:59Z"));
    assert_int_equal(parse_ok("2023-12-31T23:00:00-23:59"), parse_ok("2024-01-01T22:59:00Z"));
}

static void test_time_parses_fractional_seconds(void **state) {
    (void)state;
    int64_t base = parse_ok("2024-05-01T12:30:00Z");
    assert_int_equal(parse_ok("2024-05-01T12:30:00.5Z"), base + 500);
    assert_int_equal(parse_ok("2024-05-01T12:30:00.05Z"), base + 50);
    assert_int_equal(parse_ok("2024-05-01T12:30:00.123Z"), base + 123);
    assert_int_equal(parse_ok("2024-05-01T12:30:00.123456789Z"), base + 123); /* truncated to ms */
    assert_int_equal(parse_ok("2024-05-01T12:30:00.999+08:00"), base + 999 - 8 * 3600000LL);
    refuse("2024-05-01T12:30:00.Z");
    refuse("2024-05-01T12:30:00.1234567890Z");
    refuse("2024-05-01T12:30:00,5Z");
}

static void test_time_accepts_leap_day_only_in_leap_years(void **state) {
    (void)state;
    assert_int_equal(parse_ok("2024-02-29"), 1709164800000LL);
    assert_int_equal(parse_ok("2024-02-29T23:59:59Z"), 1709164800000LL + 86399000);
    assert_int_equal(parse_ok("2000-02-29"), parse_ok("2000-02-28") + 86400000);
    refuse("2023-02-29");
    refuse("2023-02-29T00:00:00Z");
    refuse("1900-02-29");
    refuse("2100-02-29");
    assert_true(time_valid_date(2024, 2, 29));
    assert_false(time_valid_date(2023, 2, 29));
    assert_true(time_valid_date(2400, 2, 29));
}

static void test_time_refuses_impossible_dates(void **state) {
    (void)state;
    refuse("2024-04-31");
    refuse("2024-13-01");
    refuse("2024-00-10");
    refuse("2024-01-00");
    refuse("2024-01-32");
    refuse("0000-01-01");
    assert_false(time_valid_date(10000, 1, 1));
    assert_false(time_valid_date(2024, 12, 0));
}

static void test_time_refuses_date_time_without_offset(void **state) {
    (void)state;
    refuse("2024-05-01T12:30:00");
    refuse("2024-05-01T12:30");
    refuse("2024-05-01T12:30:00.250");
}

static void test_time_refuses_malformed_text(void **state) {
    (void)state;
    const char *bad[] = {"", "2024", "2024-5-1", "2024/05/01", "24-05-01", " 2024-05-01", "2024-05-01 ",
                         "2024-05-01Z", "2024-05-01T", "2024-05-01T1:30Z", "2024-05-01T24:00Z",
                         "2024-05-01T12:60Z", "2024-05-01T12:30:60Z", "2024-05-01T12:30:00Zjunk",
                         "2024-05-01T12:30:00+0800", "2024-05-01T12:30:00+08", "2024-05-01T12:30:00+24:00",
                         "2024-05-01T12:30:00+08:60", "2024-05-01T12:30:00 +08:00", "2024-05-01T12:30:0Z",
                         "２０２４-05-01", "2024-05-01T12:30:00+08:00\n", "+2024-05-01", "-2024-05-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) refuse(bad[i]);
}

static void test_time_format_iso_writes_utc_with_milliseconds(void **state) {
    (void)state;
    char out[32];
    assert_string_equal(iso(0, out), "1970-01-01T00:00:00.000Z");
    assert_string_equal(iso(1714566600123LL, out), "2024-05-01T12:30:00.123Z");
    assert_string_equal(iso(-1, out), "1969-12-31T23:59:59.999Z");
    assert_string_equal(iso(-86400000, out), "1969-12-31T00:00:00.000Z");
    assert_string_equal(iso(253402300799999LL, out), "9999-12-31T23:59:59.999Z");
    assert_string_equal(iso(-62135596800000LL, out), "0001-01-01T00:00:00.000Z");
}

static void test_time_format_then_parse_round_trips(void **state) {
    (void)state;
    char out[32];
    /* Steps that hit month ends, leap days, negative times and every ms digit. */
    for (int64_t ms = -62135596800000LL; ms < 253402300799999LL; ms += 7777777777LL + 1) {
        int64_t back = 0;
        iso(ms, out);
        if (time_parse_iso(out, &back) != 0 || back != ms) fail_msg("%lld -> %s -> %lld", (long long)ms, out, (long long)back);
    }
}

static void test_time_days_from_civil_known_values(void **state) {
    (void)state;
    assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(time_days_from_civil(2024, 2, 29), 19782);
}

static void test_time_display_zh_cn_with_and_without_time(void **state) {
    (void)state;
    char out[64];
    int64_t ms = 1795777440000LL; /* 2026-11-27T11:04:00Z */
    time_format_display(ms, "zh-CN", 8 * 60, true, out, sizeof out);
    assert_string_equal(out, "2026年11月27日 19:04");
    time_format_display(ms, "zh-CN", 8 * 60, false, out, sizeof out);
    assert_string_equal(out, "2026年11月27日");
    /* Late evening UTC is already tomorrow in Beijing. */
    time_format_display(parse_ok("2024-02-28T18:30:00Z"), "zh-CN", 480, true, out, sizeof out);
    assert_string_equal(out, "2024年2月29日 02:30");
}

static void test_time_display_en_with_and_without_time(void **state) {
    (void)state;
    char out[64];
    int64_t ms = 1795777440000LL;
    time_format_display(ms, "en", 8 * 60, true, out, sizeof out);
    assert_string_equal(out, "27 Nov 2026, 19:04");
    time_format_display(ms, "en", 0, false, out, sizeof out);
    assert_string_equal(out, "27 Nov 2026");
    time_format_display(parse_ok("2024-03-01T02:00:00Z"), "en", -300, true, out, sizeof out);
    assert_string_equal(out, "29 Feb 2024, 21:00");
    /* Unknown or missing locale falls back to the English form. */
    time_format_display(ms, NULL, 0, false, out, sizeof out);
    assert_string_equal(out, "27 Nov 2026");
}

static void test_time_display_truncates_into_small_buffer(void **state) {
    (void)state;
    char out[8];
    memset(out, 'x', sizeof out);
    time_format_display(1795777440000LL, "en", 0, true, out, sizeof out);
    assert_int_equal(strlen(out), sizeof out - 1);
}

static void test_time_clocks_move_forward(void **state) {
    (void)state;
    assert_true(time_now_ms() > parse_ok("2024-01-01"));
    int64_t a = time_mono_ns(), b = time_mono_ns();
    assert_true(b >= a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parses_date_as_midnight_utc),
        cmocka_unit_test(test_time_parses_utc_date_time),
        cmocka_unit_test(test_time_applies_positive_and_negative_offsets),
        cmocka_unit_test(test_time_parses_fractional_seconds),
        cmocka_unit_test(test_time_accepts_leap_day_only_in_leap_years),
        cmocka_unit_test(test_time_refuses_impossible_dates),
        cmocka_unit_test(test_time_refuses_date_time_without_offset),
        cmocka_unit_test(test_time_refuses_malformed_text),
        cmocka_unit_test(test_time_format_iso_writes_utc_with_milliseconds),
        cmocka_unit_test(test_time_format_then_parse_round_trips),
        cmocka_unit_test(test_time_days_from_civil_known_values),
        cmocka_unit_test(test_time_display_zh_cn_with_and_without_time),
        cmocka_unit_test(test_time_display_en_with_and_without_time),
        cmocka_unit_test(test_time_display_truncates_into_small_buffer),
        cmocka_unit_test(test_time_clocks_move_forward),
    };
    return UNIT_RUN("timeutil", tests);
}
