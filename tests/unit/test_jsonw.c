/* test_jsonw.c — the streaming JSON writer: RFC 8259 escaping (quotes,
 * backslash, control characters, U+2028/2029), commas in nested objects and
 * arrays, numbers (shortest round-trip doubles, int64 limits), null, times,
 * optional ids and texts built into arena memory. Every document written is also parsed back with jansson. */
#include "unit.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "jsonw.h"

typedef struct Fixture {
    Buf   out;
    JsonW w;
} Fixture;

static int setup(void **state) {
    Fixture *f = calloc(1, sizeof *f);
    jw_init(&f->w, &f->out);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    Fixture *f = *state;
    buf_free(&f->out);
    free(f);
    return 0;
}

static const char *text(Fixture *f) { return buf_cstr(&f->out); }

/* Parses the output with jansson (any JSON value); fails the test when invalid. */
static json_t *parse(Fixture *f) {
    json_error_t err;
    json_t *j = json_loadb(f->out.data ? f->out.data : "", f->out.len, JSON_DECODE_ANY, &err);
    if (!j) fail_msg("invalid JSON (%s) in: %s", err.text, text(f));
    return j;
}

static void test_jsonw_escapes_quotes_and_backslash(void **state) {
    Fixture *f = *state;
    jw_str(&f->w, "say \"hi\" \\ bye /");
    assert_string_equal(text(f), "\"say \\\"hi\\\" \\\\ bye /\"");
    json_t *j = parse(f);
    assert_string_equal(json_string_value(j), "say \"hi\" \\ bye /");
    json_decref(j);
}

static void test_jsonw_escapes_control_characters(void **state) {
    Fixture *f = *state;
    jw_str(&f->w, "a\nb\rc\td\x01" "e\x1f" "f\x7f" "g\b\f");
    assert_string_equal(text(f), "\"a\\nb\\rc\\td\\u0001e\\u001ff\\u007fg\\u0008\\u000c\"");
    json_t *j = parse(f);
    assert_string_equal(json_string_value(j), "a\nb\rc\td\x01" "e\x1f" "f\x7f" "g\b\f");
    json_decref(j);
}

static void test_jsonw_escapes_embedded_nul_with_strn(void **state) {
    Fixture *f = *state;
    jw_strn(&f->w, "a\0b", 3);
    assert_string_equal(text(f), "\"a\\u0000b\"");
}

static void test_jsonw_escapes_line_and_paragraph_separators(void **state) {
    Fixture *f = *state;
    jw_str(&f->w, "x\xE2\x80\xA8y\xE2\x80\xA9z");
    assert_string_equal(text(f), "\"x\\u2028y\\u2029z\"");
    json_t *j = parse(f);
    assert_string_equal(json_string_value(j), "x\xE2\x80\xA8y\xE2\x80\xA9z");
    json_decref(j);
}

static void test_jsonw_separator_at_string_end_is_escaped(void **state) {
    Fixture *f = *state;
    jw_str(&f->w, "\xE2\x80\xA8");
    assert_string_equal(text(f), "\"\\u2028\"");
}

static void test_jsonw_keeps_chinese_and_other_e2_characters(void **state) {
    Fixture *f = *state;
    /* U+2014 EM DASH and U+2026 share the E2 80 prefix with U+2028. */
    jw_str(&f->w, "运营 — 主管…");
    assert_string_equal(text(f), "\"运营 — 主管…\"");
}

static void test_jsonw_escapes_keys(void **state) {
    Fixture *f = *state;
    jw_obj_begin(&f->w);
    jw_kstr(&f->w, "we\"ird\nkey", "v");
    jw_obj_end(&f->w);
    assert_string_equal(text(f), "{\"we\\\"ird\\nkey\":\"v\"}");
    json_decref(parse(f));
}

static void test_jsonw_places_commas_in_nested_structures(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_obj_begin(w);
    jw_kint(w, "a", 1);
    jw_key(w, "b");
    jw_arr_begin(w);
    jw_int(w, 1);
    jw_int(w, 2);
    jw_obj_begin(w);
    jw_knull(w, "c");
    jw_obj_end(w);
    jw_arr_begin(w);
    jw_arr_end(w);
    jw_arr_end(w);
    jw_key(w, "d");
    jw_obj_begin(w);
    jw_obj_end(w);
    jw_kbool(w, "e", true);
    jw_kbool(w, "f", false);
    jw_obj_end(w);
    assert_string_equal(text(f), "{\"a\":1,\"b\":[1,2,{\"c\":null},[]],\"d\":{},\"e\":true,\"f\":false}");
    json_decref(parse(f));
}

static void test_jsonw_array_of_objects_like_a_list_response(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < 3; i++) {
        jw_obj_begin(w);
        jw_kint(w, "id", i);
        jw_kstr(w, "name", "张伟");
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_kstr(w, "next_cursor", NULL);
    jw_obj_end(w);
    assert_string_equal(text(f), "{\"items\":[{\"id\":0,\"name\":\"张伟\"},{\"id\":1,\"name\":\"张伟\"},"
                                 "{\"id\":2,\"name\":\"张伟\"}],\"next_cursor\":null}");
    json_decref(parse(f));
}

static void test_jsonw_nesting_to_the_documented_limit_stays_valid(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    enum { LEVELS = 32 };
    for (int i = 0; i < LEVELS; i++) {
        jw_arr_begin(w);
        jw_int(w, i);
    }
    for (int i = 0; i < LEVELS; i++) {
        jw_int(w, -i);
        jw_arr_end(w);
    }
    json_t *j = parse(f);
    json_t *cur = j;
    for (int i = 0; i < LEVELS - 1; i++) {
        assert_int_equal(json_array_size(cur), 3);
        cur = json_array_get(cur, 1);
    }
    json_decref(j);
}

static void test_jsonw_writes_int64_limits(void **state) {
    Fixture *f = *state;
    jw_arr_begin(&f->w);
    jw_int(&f->w, INT64_MIN);
    jw_int(&f->w, INT64_MAX);
    jw_int(&f->w, 0);
    jw_arr_end(&f->w);
    assert_string_equal(text(f), "[-9223372036854775808,9223372036854775807,0]");
}

static void test_jsonw_writes_shortest_round_trip_doubles(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_arr_begin(w);
    jw_double(w, 0.1);
    jw_double(w, 1.5);
    jw_double(w, 100.0);
    jw_double(w, -2.25);
    jw_double(w, 0.0);
    jw_arr_end(w);
    assert_string_equal(text(f), "[0.1,1.5,100,-2.25,0]");
}

static void test_jsonw_doubles_round_trip_exactly(void **state) {
    Fixture *f = *state;
    const double vals[] = {1.0 / 3, 2.0 / 3, 123456789.123, 1e-300, 1.7976931348623157e308, 5e-324,
                           0.30000000000000004, 98.5, 1e21, -1e-7};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        buf_reset(&f->out);
        jw_init(&f->w, &f->out);
        jw_double(&f->w, vals[i]);
        double back = strtod(text(f), NULL);
        if (back != vals[i]) fail_msg("%.17g written as %s", vals[i], text(f));
        json_decref(parse(f));
    }
}

static void test_jsonw_non_finite_double_writes_null(void **state) {
    Fixture *f = *state;
    jw_arr_begin(&f->w);
    jw_double(&f->w, NAN);
    jw_double(&f->w, INFINITY);
    jw_double(&f->w, -INFINITY);
    jw_arr_end(&f->w);
    assert_string_equal(text(f), "[null,null,null]");
}

static void test_jsonw_null_string_and_raw_json(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_arr_begin(w);
    jw_str(w, NULL);
    jw_null(w);
    jw_raw_json(w, "{\"k\":[1,2]}");
    jw_raw_json(w, NULL);
    jw_raw_json(w, "");
    jw_arr_end(w);
    assert_string_equal(text(f), "[null,null,{\"k\":[1,2]},null,null]");
    json_decref(parse(f));
}

static void test_jsonw_time_writes_iso_utc_and_zero_as_null(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_obj_begin(w);
    jw_ktime(w, "at", 1700000000123LL);
    jw_ktime(w, "none", 0);
    jw_ktime(w, "before_epoch", -1);
    jw_ktime(w, "leap_day", 1709164800000LL);
    jw_obj_end(w);
    assert_string_equal(text(f), "{\"at\":\"2023-11-14T22:13:20.123Z\",\"none\":null,"
                                 "\"before_epoch\":\"1969-12-31T23:59:59.999Z\","
                                 "\"leap_day\":\"2024-02-29T00:00:00.000Z\"}");
    json_decref(parse(f));
}

static void test_jsonw_kid_or_null_writes_zero_as_null(void **state) {
    Fixture *f = *state;
    JsonW *w = &f->w;
    jw_obj_begin(w);
    jw_kid_or_null(w, "parent_id", 42);
    jw_kid_or_null(w, "goal_id", 0);
    jw_kid_or_null(w, "big", INT64_MAX);
    jw_obj_end(w);
    assert_string_equal(text(f), "{\"parent_id\":42,\"goal_id\":null,\"big\":9223372036854775807}");
    json_decref(parse(f));
}

static void test_jsonw_text_copies_the_document_into_the_arena(void **state) {
    (void)state;
    Arena *a = arena_new();
    JsonText t;
    JsonW *w = jw_text_begin(&t);
    jw_obj_begin(w);
    jw_kstr(w, "title", "Q\"3");
    jw_kid_or_null(w, "owner_id", 0);
    jw_obj_end(w);
    char *s = jw_text_end(&t, a);
    assert_string_equal(s, "{\"title\":\"Q\\\"3\",\"owner_id\":null}");
    assert_null(t.buf.data); /* the scratch buffer was freed */
    /* Nothing written: an empty string, not NULL (web_audit takes NULL as "no snapshot"). */
    jw_text_begin(&t);
    s = jw_text_end(&t, a);
    assert_non_null(s);
    assert_string_equal(s, "");
    arena_free(a);
}

static void test_json_escape_into_writes_body_without_quotes(void **state) {
    (void)state;
    Buf b = {0};
    json_escape_into(&b, "<\"/\">", 5);
    assert_string_equal(buf_cstr(&b), "<\\\"/\\\">");
    buf_free(&b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_jsonw_escapes_quotes_and_backslash),
        T(test_jsonw_escapes_control_characters),
        T(test_jsonw_escapes_embedded_nul_with_strn),
        T(test_jsonw_escapes_line_and_paragraph_separators),
        T(test_jsonw_separator_at_string_end_is_escaped),
        T(test_jsonw_keeps_chinese_and_other_e2_characters),
        T(test_jsonw_escapes_keys),
        T(test_jsonw_places_commas_in_nested_structures),
        T(test_jsonw_array_of_objects_like_a_list_response),
        T(test_jsonw_nesting_to_the_documented_limit_stays_valid),
        T(test_jsonw_kid_or_null_writes_zero_as_null),
        T(test_jsonw_text_copies_the_document_into_the_arena),
        T(test_jsonw_writes_int64_limits),
        T(test_jsonw_writes_shortest_round_trip_doubles),
        T(test_jsonw_doubles_round_trip_exactly),
        T(test_jsonw_non_finite_double_writes_null),
        T(test_jsonw_null_string_and_raw_json),
        T(test_jsonw_time_writes_iso_utc_and_zero_as_null),
        cmocka_unit_test(test_json_escape_into_writes_body_without_quotes),
    };
    return UNIT_RUN("jsonw", tests);
}
