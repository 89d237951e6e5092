/* test_i18n.c — message catalogs: loading and its errors (with the line
 * number), lookup falling back to en and then to the key, {n} placeholders,
 * Accept-Language negotiation with q-values, number formatting, and the
 * embedded zh-CN and en catalogs having exactly the same keys. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "embed.h"
#include "i18n.h"

extern const EmbedFile web_assets[];

static int teardown(void **state) {
    (void)state;
    i18n_reset();
    return 0;
}

static void load(const char *locale, const char *text) {
    int line = -1;
    if (i18n_load(locale, text, strlen(text), &line) != 0) fail_msg("catalog %s refused at line %d", locale, line);
}

static void load_sample(void) {
    load("en", "# English\n"
               "greeting = Hello\n"
               "\n"
               "bye = Goodbye, {1}\n"
               "   padded.key = value with spaces  \n"
               "two = {2} before {1}\n"
               "multi = line one\\nline two\n"
               "crlf = windows\r\n");
    load("zh-CN", "greeting = 你好\n"
                  "two = {1}在{2}之前\n");
}

static void test_i18n_looks_up_message_in_locale(void **state) {
    (void)state;
    load_sample();
    assert_string_equal(i18n_t("zh-CN", "greeting"), "你好");
    assert_string_equal(i18n_t("en", "greeting"), "Hello");
    assert_true(i18n_has("zh-CN", "greeting"));
    assert_false(i18n_has("zh-CN", "bye"));
    assert_false(i18n_has("fr", "greeting"));
}

static void test_i18n_falls_back_to_en_then_to_key(void **state) {
    (void)state;
    load_sample();
    assert_string_equal(i18n_t("zh-CN", "bye"), "Goodbye, {1}");
    assert_string_equal(i18n_t("zh-CN", "no.such.key"), "no.such.key");
    assert_string_equal(i18n_t("fr", "greeting"), "Hello");
    assert_string_equal(i18n_t(NULL, "greeting"), "Hello");
}

static void test_i18n_without_catalogs_returns_key(void **state) {
    (void)state;
    assert_string_equal(i18n_t("zh-CN", "nav.home"), "nav.home");
    assert_false(i18n_has("en", "nav.home"));
}

static void test_i18n_trims_keys_values_and_unescapes_newline(void **state) {
    (void)state;
    load_sample();
    assert_string_equal(i18n_t("en", "padded.key"), "value with spaces");
    assert_string_equal(i18n_t("en", "multi"), "line one\nline two");
    assert_string_equal(i18n_t("en", "crlf"), "windows");
}

static void test_i18n_reload_replaces_catalog(void **state) {
    (void)state;
    load_sample();
    load("en", "greeting = Hi\n");
    assert_string_equal(i18n_t("en", "greeting"), "Hi");
    assert_false(i18n_has("en", "bye"));
}

static void test_i18n_reports_line_of_malformed_entry(void **state) {
    (void)state;
    const char *text = "# header\nok = fine\n\nthis line has no separator\nlater = x\n";
    int line = 0;
    assert_int_equal(i18n_load("en", text, strlen(text), &line), -1);
    assert_int_equal(line, 4);
    /* A refused catalog is not loaded at all. */
    assert_false(i18n_has("en", "ok"));
    const char *empty_key = "a = b\n  = no key\n";
    line = 0;
    assert_int_equal(i18n_load("en", empty_key, strlen(empty_key), &line), -1);
    assert_int_equal(line, 2);
    const char *no_spaces = "a = b\nc=d\n";
    assert_int_equal(i18n_load("en", no_spaces, strlen(no_spaces), &line), -1);
    assert_int_equal(line, 2);
}

static void test_i18n_refused_reload_keeps_previous_catalog(void **state) {
    (void)state;
    load_sample();
    const char *bad = "greeting = Replaced\nbroken\n";
    int line = 0;
    assert_int_equal(i18n_load("en", bad, strlen(bad), &line), -1);
    assert_int_equal(line, 2);
    assert_string_equal(i18n_t("en", "greeting"), "Hello");
}

static void test_i18n_loads_only_the_given_length(void **state) {
    (void)state;
    const char *text = "a = one\nb = two\n";
    int line = 0;
    assert_int_equal(i18n_load("en", text, 8, &line), 0); /* just "a = one\n" */
    assert_true(i18n_has("en", "a"));
    assert_false(i18n_has("en", "b"));
}

static void test_i18n_fmt_fills_placeholders(void **state) {
    (void)state;
    load_sample();
    Arena *a = arena_new();
    const char *args[] = {"王芳", "李娜"};
    assert_string_equal(i18n_fmt(a, "en", "bye", 1, args), "Goodbye, 王芳");
    assert_string_equal(i18n_fmt(a, "en", "two", 2, args), "李娜 before 王芳");
    assert_string_equal(i18n_fmt(a, "zh-CN", "two", 2, args), "王芳在李娜之前");
    /* Missing arguments leave the placeholder; NULL arguments write nothing. */
    assert_string_equal(i18n_fmt(a, "en", "two", 1, args), "{2} before 王芳");
    const char *nulls[] = {NULL, NULL};
    assert_string_equal(i18n_fmt(a, "en", "two", 2, nulls), " before ");
    /* Unknown keys format the key itself. */
    assert_string_equal(i18n_fmt(a, "en", "x.{1}", 1, args), "x.王芳");
    arena_free(a);
}

/* Regression (fixed; was a bug in src/base/i18n.c:147, i18n_fmt): the output size is computed as
 * strlen(msg) + the length of each argument once, but a placeholder used
 * twice ("{1} … {1}") copies its argument twice, so the result is written
 * past the end of its arena allocation (heap overflow when the allocation
 * ends a chunk). Fix: size the output in a first pass over the message,
 * adding strlen(args[k]) for every placeholder occurrence (or write into a
 * Buf). */
static void test_i18n_fmt_repeated_placeholder_fits_its_allocation(void **state) {
    (void)state;
    load("en", "twice = {1} and {1} again\n");
    Arena *a = arena_new();
    const char *args[] = {"a-rather-long-argument-that-is-repeated"};
    size_t before = a->used;
    const char *out = i18n_fmt(a, "en", "twice", 1, args);
    size_t allocated = a->used - before;
    bool right = strcmp(out, "a-rather-long-argument-that-is-repeated and a-rather-long-argument-that-is-repeated again") == 0;
    size_t written = strlen(out) + 1;
    arena_free(a);
    assert_true(right);
    if (written > allocated) fail_msg("i18n_fmt wrote %zu bytes into an allocation of %zu", written, allocated);
}

static void test_i18n_negotiate_picks_highest_q(void **state) {
    (void)state;
    assert_string_equal(i18n_negotiate("en-US,en;q=0.9"), "en");
    assert_string_equal(i18n_negotiate("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
    assert_string_equal(i18n_negotiate("fr-FR, en;q=0.5, zh-CN;q=0.8"), "zh-CN");
    assert_string_equal(i18n_negotiate("zh;q=0.3, en-GB;q=0.7"), "en");
    assert_string_equal(i18n_negotiate("EN-gb"), "en");
    assert_string_equal(i18n_negotiate("zh-TW"), "zh-CN");
    assert_string_equal(i18n_negotiate("de;q=1, en;q=0.001"), "en");
    assert_string_equal(i18n_negotiate("en ; q=0.5 , zh ; q=0.6"), "zh-CN");
}

static void test_i18n_negotiate_ties_keep_header_order(void **state) {
    (void)state;
    assert_string_equal(i18n_negotiate("en;q=0.8, zh;q=0.8"), "en");
    assert_string_equal(i18n_negotiate("zh, en"), "zh-CN");
    assert_string_equal(i18n_negotiate("en, zh"), "en");
}

static void test_i18n_negotiate_ignores_q_zero_and_defaults_to_zh_cn(void **state) {
    (void)state;
    assert_string_equal(i18n_negotiate(NULL), "zh-CN");
    assert_string_equal(i18n_negotiate(""), "zh-CN");
    assert_string_equal(i18n_negotiate("fr, de;q=0.5"), "zh-CN");
    assert_string_equal(i18n_negotiate("zh-CN;q=0, en;q=0.1"), "en");
    assert_string_equal(i18n_negotiate("en;q=0"), "zh-CN");
    assert_string_equal(i18n_negotiate("*"), "zh-CN");
    assert_string_equal(i18n_negotiate(",,, ;;"), "zh-CN");
}

static void test_i18n_supported_maps_user_input(void **state) {
    (void)state;
    assert_string_equal(i18n_supported("zh-CN"), "zh-CN");
    assert_string_equal(i18n_supported("zh"), "zh-CN");
    assert_string_equal(i18n_supported("en"), "en");
    assert_null(i18n_supported("fr"));
    assert_null(i18n_supported(""));
    assert_null(i18n_supported(NULL));
    assert_null(i18n_supported("en\"><script>"));
}

static void fmt_int(const char *locale, int64_t v, const char *want) {
    char out[32];
    i18n_format_int(locale, v, out, sizeof out);
    if (strcmp(out, want) != 0) fail_msg("%lld: got %s, want %s", (long long)v, out, want);
}

static void test_i18n_format_int_groups_thousands(void **state) {
    (void)state;
    fmt_int("en", 0, "0");
    fmt_int("en", 7, "7");
    fmt_int("en", 999, "999");
    fmt_int("en", 1000, "1,000");
    fmt_int("zh-CN", 1234567, "1,234,567");
    fmt_int("en", 100000, "100,000");
    fmt_int("en", INT64_MAX, "9,223,372,036,854,775,807");
}

static void test_i18n_format_int_handles_negatives(void **state) {
    (void)state;
    fmt_int("en", -1, "-1");
    fmt_int("en", -999, "-999");
    fmt_int("en", -1000, "-1,000");
    fmt_int("zh-CN", -1234567, "-1,234,567");
    fmt_int("en", INT64_MIN, "-9,223,372,036,854,775,808");
}

static void test_i18n_format_int_truncates_safely(void **state) {
    (void)state;
    char out[6];
    memset(out, 'x', sizeof out);
    i18n_format_int("en", -1234567, out, sizeof out);
    assert_int_equal(strlen(out), sizeof out - 1);
    assert_memory_equal(out, "-1,23", 6);
}

typedef struct KeySet {
    char **keys;
    size_t n, cap;
} KeySet;

static void collect(const char *key, void *ctx) {
    KeySet *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->keys = realloc(s->keys, s->cap * sizeof *s->keys);
    }
    s->keys[s->n++] = strdup(key);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void keyset_free(KeySet *s) {
    for (size_t i = 0; i < s->n; i++) free(s->keys[i]);
    free(s->keys);
}

/* Keys of `a` missing from `b`, one per line, into out. Returns the count. */
static int missing(const KeySet *a, const KeySet *b, char *out, size_t n) {
    int count = 0;
    size_t w = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!bsearch(&a->keys[i], b->keys, b->n, sizeof *b->keys, cmp_str)) {
            count++;
            if (w + strlen(a->keys[i]) + 2 < n) w += (size_t)snprintf(out + w, n - w, " %s", a->keys[i]);
        }
    return count;
}

static void test_i18n_embedded_catalogs_load_and_have_identical_keys(void **state) {
    (void)state;
    const char *locales[] = {"en", "zh-CN"};
    KeySet sets[2] = {{0}, {0}};
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "i18n/%s.txt", locales[i]);
        const EmbedFile *f = embed_find(web_assets, name);
        if (!f) fail_msg("catalog %s is not embedded", name);
        int line = 0;
        if (i18n_load(locales[i], (const char *)f->data, f->len, &line) != 0)
            fail_msg("catalog %s is malformed at line %d", name, line);
        i18n_each_key(locales[i], collect, &sets[i]);
        qsort(sets[i].keys, sets[i].n, sizeof *sets[i].keys, cmp_str);
    }
    char only_en[2048] = "", only_zh[2048] = "";
    int n_en = missing(&sets[0], &sets[1], only_en, sizeof only_en);
    int n_zh = missing(&sets[1], &sets[0], only_zh, sizeof only_zh);
    size_t total_en = sets[0].n;
    keyset_free(&sets[0]);
    keyset_free(&sets[1]);
    if (n_en || n_zh)
        fail_msg("catalog keys differ: %d only in en:%s; %d only in zh-CN:%s", n_en, only_en, n_zh, only_zh);
    if (total_en == 0) skip(); /* catalogs not written yet: nothing more to compare */
}

static void test_i18n_catalog_table_holds_more_than_four_locales_refused(void **state) {
    (void)state;
    const char *locales[] = {"a1", "a2", "a3", "a4"};
    for (int i = 0; i < 4; i++) load(locales[i], "k = v\n");
    int line = 0;
    assert_int_equal(i18n_load("a5", "k = v\n", 6, &line), -1);
    assert_string_equal(i18n_t("a4", "k"), "v");
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(test_i18n_looks_up_message_in_locale),
        T(test_i18n_falls_back_to_en_then_to_key),
        T(test_i18n_without_catalogs_returns_key),
        T(test_i18n_trims_keys_values_and_unescapes_newline),
        T(test_i18n_reload_replaces_catalog),
        T(test_i18n_reports_line_of_malformed_entry),
        T(test_i18n_refused_reload_keeps_previous_catalog),
        T(test_i18n_loads_only_the_given_length),
        T(test_i18n_fmt_fills_placeholders),
        T(test_i18n_fmt_repeated_placeholder_fits_its_allocation),
        T(test_i18n_negotiate_picks_highest_q),
        T(test_i18n_negotiate_ties_keep_header_order),
        T(test_i18n_negotiate_ignores_q_zero_and_defaults_to_zh_cn),
        T(test_i18n_supported_maps_user_input),
        T(test_i18n_format_int_groups_thousands),
        T(test_i18n_format_int_handles_negatives),
        T(test_i18n_format_int_truncates_safely),
        T(test_i18n_embedded_catalogs_load_and_have_identical_keys),
        T(test_i18n_catalog_table_holds_more_than_four_locales_refused),
    };
    return UNIT_RUN("i18n", tests);
}
