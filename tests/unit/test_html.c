/* test_html.c — the escaping HTML writer: html_escape_into, html_printf
 * (every %s escaped, numeric conversions as printf), raw literals, the XSS
 * canary rendered inert in text and attribute context, Markdown in safe mode,
 * the layout and the security headers of an HTML response. Requests come
 * from web_cli_request(NULL): no connection, no database. */
#include "unit.h"

#include <limits.h>
#include <stdio.h>
#include <strings.h>

#include "timeutil.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

#define CANARY "<img src=x onerror=alert(1)>"
#define CANARY_ESCAPED "&lt;img src=x onerror=alert(1)&gt;"

static int setup(void **state) {
    *state = web_cli_request(NULL);
    return 0;
}

static int teardown(void **state) {
    web_cli_request_free(*state);
    return 0;
}

static const char *out(Req *r) { return buf_cstr(&r->priv->out); }

static void clear(Req *r) { buf_reset(&r->priv->out); }

/* True when the markup has no element or attribute an attacker could have
 * injected with the canary. */
static bool inert(const char *html) {
    return !strstr(html, "<img") && !strstr(html, "<script>") && !strstr(html, "\" onerror") &&
           !strstr(html, "javascript:");
}

static void test_html_escape_into_escapes_the_five_characters(void **state) {
    (void)state;
    Buf b = {0};
    html_escape_into(&b, "a&b<c>d\"e'f");
    assert_string_equal(buf_cstr(&b), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    buf_reset(&b);
    html_escape_into(&b, "运营 plain / text = fine");
    assert_string_equal(buf_cstr(&b), "运营 plain / text = fine");
    buf_reset(&b);
    html_escape_into(&b, "&&&");
    assert_string_equal(buf_cstr(&b), "&amp;&amp;&amp;");
    buf_reset(&b);
    html_escape_into(&b, NULL);
    html_escape_into(&b, "");
    assert_string_equal(buf_cstr(&b), "");
    buf_free(&b);
}

static void test_html_escape_into_renders_canary_inert(void **state) {
    (void)state;
    Buf b = {0};
    html_escape_into(&b, CANARY);
    assert_string_equal(buf_cstr(&b), CANARY_ESCAPED);
    assert_true(inert(buf_cstr(&b)));
    buf_free(&b);
}

static void test_html_printf_escapes_every_string_argument(void **state) {
    Req *r = *state;
    html_printf(r, "<td>%s</td><td title=\"%s\">%s</td>", "<b>", "\"quoted\" & 'single'", "a<b>c");
    assert_string_equal(out(r), "<td>&lt;b&gt;</td><td title=\"&quot;quoted&quot; &amp; &#39;single&#39;\">a&lt;b&gt;c</td>");
}

static void test_html_printf_keeps_the_format_itself_raw(void **state) {
    Req *r = *state;
    html_printf(r, "<p class=\"x\">100%% &amp; more</p>");
    assert_string_equal(out(r), "<p class=\"x\">100% &amp; more</p>");
}

static void test_html_printf_renders_xss_canary_inert_in_text_and_attributes(void **state) {
    Req *r = *state;
    html_printf(r, "<li>%s</li>", CANARY);
    assert_string_equal(out(r), "<li>" CANARY_ESCAPED "</li>");
    clear(r);
    html_printf(r, "<input value=\"%s\"><a title='%s'>x</a>", "\" onerror=\"alert(1)", "' onmouseover='alert(1)");
    assert_string_equal(out(r), "<input value=\"&quot; onerror=&quot;alert(1)\"><a title='&#39; onmouseover=&#39;alert(1)'>x</a>");
    assert_true(inert(out(r)));
    clear(r);
    html_printf(r, "%s%s%s", "<scr", "ipt>", CANARY);
    assert_true(inert(out(r)));
}

static void test_html_printf_formats_integers_like_printf(void **state) {
    Req *r = *state;
    long long big = LLONG_MIN;
    size_t z = SIZE_MAX;
    html_printf(r, "%d|%i|%u|%x|%X|%ld|%lld|%zu|%05d|%-4d|%+d", -42, 7, 42u, 255u, 255u, -123456789L, big, z, 42,
                3, 5);
    char want[256];
    snprintf(want, sizeof want, "-42|7|42|ff|FF|-123456789|%lld|%zu|00042|3   |+5", big, z);
    assert_string_equal(out(r), want);
    clear(r);
    html_printf(r, "<td>%lld</td><td>%s</td><td>%zu</td>", (long long)INT64_MAX, "<x>", (size_t)0);
    assert_string_equal(out(r), "<td>9223372036854775807</td><td>&lt;x&gt;</td><td>0</td>");
}

static void test_html_printf_formats_doubles_and_chars(void **state) {
    Req *r = *state;
    html_printf(r, "%.2f|%g|%c|%c", 3.14159, 0.5, 'a', '<');
    assert_string_equal(out(r), "3.14|0.5|a|&lt;");
}

static void test_html_printf_null_string_writes_nothing(void **state) {
    Req *r = *state;
    const char *volatile absent = NULL; /* volatile: the compiler must not see the NULL */
    html_printf(r, "[%s]", absent);
    assert_string_equal(out(r), "[]");
}

static void test_html_printf_star_precision_cuts_before_escaping(void **state) {
    Req *r = *state;
    html_printf(r, "[%.*s]", 3, "<<<<<");
    assert_string_equal(out(r), "[&lt;&lt;&lt;]");
    clear(r);
    html_printf(r, "[%.*s|%d]", 10, "ab", 9);
    assert_string_equal(out(r), "[ab|9]");
}

/* Regression (fixed; was a bug in src/web/web_html.c:62-65, html_printf): a precision written in the
 * format ("%.3s") is parsed but ignored, so the whole string is written;
 * only "%.*s" truncates. Fix: parse the digits after '.' into prec and use
 * the same strnlen path as the star case. */
static void test_html_printf_honours_literal_string_precision(void **state) {
    Req *r = *state;
    html_printf(r, "[%.3s]", "abcdef");
    assert_string_equal(out(r), "[abc]");
}

/* Regression (fixed; was a bug in src/web/web_html.c:57-100, html_printf): conversions it does not
 * implement (%o, %p, a '*' width, %Lf, %td …) pass the compiler's format
 * check but are skipped WITHOUT consuming their argument, so every later
 * argument is read as the wrong type: a later %s then reads an integer or
 * another pointer as a string (wrong output, or a crash). Fix: consume '*'
 * widths as int, implement 'o' and 'p' (and 'L'/'t' length modifiers), and
 * abort() on any other conversion so the mistake shows in the first test
 * run instead of misaligning the va_list. */
static void test_html_printf_consumes_arguments_of_every_conversion(void **state) {
    Req *r = *state;
    html_printf(r, "%o|%d", 8u, 5);
    assert_string_equal(out(r), "10|5");
    clear(r);
    html_printf(r, "[%*d|%d]", 4, 7, 9);
    assert_string_equal(out(r), "[   7|9]");
    clear(r);
    html_printf(r, "%p|%s", (void *)"wrong", "right");
    const char *bar = strchr(out(r), '|');
    assert_non_null(bar);
    assert_string_equal(bar, "|right");
}

static void test_html_raw_writes_literal_markup(void **state) {
    Req *r = *state;
    html_raw(r, "<hr class=\"sep\">");
    html_printf(r, "%s", "<");
    assert_string_equal(out(r), "<hr class=\"sep\">&lt;");
}

static void test_html_field_error_escapes_field_and_message(void **state) {
    Req *r = *state;
    req_error(r, "title\"><b>", "message <with> markup");
    html_field_error(r, "title\"><b>");
    assert_string_equal(out(r), "<p class=\"field-error\" id=\"err-title&quot;&gt;&lt;b&gt;\">message &lt;with&gt; markup</p>");
    clear(r);
    html_field_error(r, "other");
    assert_string_equal(out(r), "");
}

static void test_html_int_and_time_use_request_locale(void **state) {
    Req *r = *state;
    assert_string_equal(html_int(r, -1234567), "-1,234,567");
    r->locale = "zh-CN";
    assert_string_equal(html_int(r, 1000), "1,000");
    /* Display offset is the server's (0 before web_serve has set one). */
    int off = web_config()->display_offset_min;
    char want[64];
    time_format_display(1709164800000LL, "zh-CN", off, false, want, sizeof want);
    assert_string_equal(html_time(r, 1709164800000LL, false), want);
    r->locale = "en";
    time_format_display(1709164800000LL, "en", off, true, want, sizeof want);
    assert_string_equal(html_time(r, 1709164800000LL, true), want);
}

static void test_url_encode_percent_encodes_query_values(void **state) {
    Req *r = *state;
    assert_string_equal(url_encode(r, "a b&c=d/é?#"), "a%20b%26c%3Dd/%C3%A9%3F%23");
    assert_string_equal(url_encode(r, ""), "");
    assert_string_equal(url_encode(r, "AZaz09-_.~"), "AZaz09-_.~");
    assert_string_equal(url_encode(r, "\"><script>"), "%22%3E%3Cscript%3E");
}

static void test_html_markdown_drops_raw_html_and_unsafe_links(void **state) {
    Req *r = *state;
    html_markdown(r, "**bold** " CANARY "\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                     "[ok](https://example.com/a?b=1)\n");
    const char *html = out(r);
    assert_non_null(strstr(html, "<strong>bold</strong>"));
    assert_non_null(strstr(html, "href=\"https://example.com/a?b=1\""));
    assert_true(inert(html));
}

static void test_html_markdown_renders_tables_and_chinese(void **state) {
    Req *r = *state;
    html_markdown(r, "| 步骤 | 负责人 |\n|---|---|\n| 拣货 | 张伟 |\n\n~~旧~~ 新\n");
    const char *html = out(r);
    assert_non_null(strstr(html, "<table>"));
    assert_non_null(strstr(html, "<td>张伟</td>"));
    assert_non_null(strstr(html, "<del>旧</del>"));
    clear(r);
    html_markdown(r, "");
    html_markdown(r, NULL);
    assert_string_equal(out(r), "");
}

static void test_page_layout_escapes_title_name_and_path(void **state) {
    Req *r = *state;
    ((Principal *)r->who)->name = CANARY;
    r->path = "/x\"><script>alert(1)</script>";
    page_begin(r, CANARY, NULL);
    html_printf(r, "<p>%s</p>", CANARY);
    page_end(r);
    const char *html = out(r);
    assert_non_null(strstr(html, "<title>" CANARY_ESCAPED " · opsdesk</title>"));
    assert_non_null(strstr(html, "</html>"));
    assert_true(inert(html));
    /* No inline script: every <script> has a src. */
    for (const char *p = html; (p = strstr(p, "<script")); p++) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        const char *src = strstr(p, " src=");
        assert_true(src && src < end);
    }
}

static const char *header(Req *r, const char *name) {
    for (int i = 0; i < r->priv->n_headers; i++)
        if (strcasecmp(r->priv->hdr_names[i], name) == 0) return r->priv->hdr_values[i];
    return NULL;
}

static void test_html_response_carries_security_headers(void **state) {
    Req *r = *state;
    html_raw(r, "<p>x</p>");
    assert_int_equal(res_html_send(r, 200), 0);
    assert_int_equal(r->priv->status, 200);
    const char *csp = header(r, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(strstr(csp, "script-src 'self'"));
    assert_null(strstr(csp, "unsafe-inline"));
    assert_string_equal(header(r, "X-Content-Type-Options"), "nosniff");
    assert_non_null(header(r, "Referrer-Policy"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape_into_escapes_the_five_characters),
        cmocka_unit_test(test_html_escape_into_renders_canary_inert),
        T(test_html_printf_escapes_every_string_argument),
        T(test_html_printf_keeps_the_format_itself_raw),
        T(test_html_printf_renders_xss_canary_inert_in_text_and_attributes),
        T(test_html_printf_formats_integers_like_printf),
        T(test_html_printf_formats_doubles_and_chars),
        T(test_html_printf_null_string_writes_nothing),
        T(test_html_printf_star_precision_cuts_before_escaping),
        T(test_html_printf_honours_literal_string_precision),
        T(test_html_printf_consumes_arguments_of_every_conversion),
        T(test_html_raw_writes_literal_markup),
        T(test_html_field_error_escapes_field_and_message),
        T(test_html_int_and_time_use_request_locale),
        T(test_url_encode_percent_encodes_query_values),
        T(test_html_markdown_drops_raw_html_and_unsafe_links),
        T(test_html_markdown_renders_tables_and_chinese),
        T(test_page_layout_escapes_title_name_and_path),
        T(test_html_response_carries_security_headers),
    };
    return UNIT_RUN("html", tests);
}
