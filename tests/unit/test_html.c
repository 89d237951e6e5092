/* test_html.c — the escaping HTML writer: html_escape_into, html_printf
 * (every %s escaped, numeric conversions as printf), raw literals, the XSS
 * canary rendered inert in text and attribute context, every conversion of
 * the fast path and of the vsnprintf fallback against printf and a naive
 * reference escaper (UTF-8, quotes, no NUL in the page), Markdown in safe mode,
 * the layout and the security headers of an HTML response. Requests come
 * from web_cli_request(NULL): no connection, no database. */
#include "unit.h"

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include "timeutil.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

#define CANARY         "<img src=x onerror=alert(1)>"
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
    assert_string_equal(out(r),
                        "<td>&lt;b&gt;</td><td title=\"&quot;quoted&quot; &amp; &#39;single&#39;\">a&lt;b&gt;c</td>");
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
    assert_string_equal(
        out(r), "<input value=\"&quot; onerror=&quot;alert(1)\"><a title='&#39; onmouseover=&#39;alert(1)'>x</a>");
    assert_true(inert(out(r)));
    clear(r);
    html_printf(r, "%s%s%s", "<scr", "ipt>", CANARY);
    assert_true(inert(out(r)));
}

static void test_html_printf_formats_integers_like_printf(void **state) {
    Req *r = *state;
    long long big = LLONG_MIN;
    size_t z = SIZE_MAX;
    html_printf(r, "%d|%i|%u|%x|%X|%ld|%lld|%zu|%05d|%-4d|%+d", -42, 7, 42u, 255u, 255u, -123456789L, big, z, 42, 3, 5);
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

/* ---------- the fast path: every conversion html_printf writes itself ---------- */

/* The escaper of the specification, one byte at a time: what html_printf
 * must produce for a %s, whatever path it takes. */
static void naive_escape(char *out, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': out = stpcpy(out, "&amp;"); break;
        case '<': out = stpcpy(out, "&lt;"); break;
        case '>': out = stpcpy(out, "&gt;"); break;
        case '"': out = stpcpy(out, "&quot;"); break;
        case '\'': out = stpcpy(out, "&#39;"); break;
        default: *out++ = *s;
        }
    }
    *out = 0;
}

static void test_html_escape_into_copies_utf8_and_other_bytes_unchanged(void **state) {
    (void)state;
    Buf b = {0};
    /* Chinese (3-byte), é (2-byte), an emoji (4-byte), tabs and newlines pass as they are. */
    html_escape_into(&b, "运营主管 café 🚚\t\n= + - @ ; / `");
    assert_string_equal(buf_cstr(&b), "运营主管 café 🚚\t\n= + - @ ; / `");
    buf_reset(&b);
    /* Entities right next to multi-byte characters: no byte of a character is touched. */
    html_escape_into(&b, "<张伟>&\"李娜\"'");
    assert_string_equal(buf_cstr(&b), "&lt;张伟&gt;&amp;&quot;李娜&quot;&#39;");
    buf_reset(&b);
    /* Bytes that are not UTF-8 are not the escaper's business: copied, never dropped or expanded. */
    html_escape_into(&b, "\xff\xfe<\x80");
    assert_string_equal(buf_cstr(&b), "\xff\xfe&lt;\x80");
    assert_int_equal(b.len, 7);
    buf_free(&b);
}

static void test_html_escape_into_appends_and_stays_nul_terminated(void **state) {
    (void)state;
    Buf b = {0};
    buf_puts(&b, "x=");
    html_escape_into(&b, "'");
    assert_string_equal(buf_cstr(&b), "x=&#39;");
    assert_int_equal(b.len, strlen("x=&#39;"));
    /* Long values (past any internal chunk): every special escaped, length exact. */
    char big[3001], want[3001 * 6];
    for (int i = 0; i < 3000; i++) big[i] = "a<b&c>d\"e'f运"[i % 12];
    big[3000] = 0;
    buf_reset(&b);
    html_escape_into(&b, big);
    naive_escape(want, big);
    assert_string_equal(buf_cstr(&b), want);
    assert_int_equal(b.len, strlen(want));
    buf_free(&b);
}

static void test_html_printf_strings_match_the_reference_escaper(void **state) {
    Req *r = *state;
    static const char *const values[] = {
        "",        "plain", "<", "&&", "\"'\"'", "<script>alert('x')</script>", "运营 & 执行 <b>",
        "a&amp;b", /* already an entity: escaped again, shown as typed */
        CANARY};
    char want[1024], esc[256];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        clear(r);
        html_printf(r, "<td title=\"%s\">%s</td>%s", values[i], values[i], values[i]);
        naive_escape(esc, values[i]);
        snprintf(want, sizeof want, "<td title=\"%s\">%s</td>%s", esc, esc, esc);
        assert_string_equal(out(r), want);
        assert_true(inert(out(r)));
    }
    /* A value longer than the buffer's first allocation, at the start, middle and end. */
    char big[5001], big_esc[5001 * 6];
    for (int i = 0; i < 5000; i++) big[i] = "<&>\"'ab张"[i % 10];
    big[5000] = 0;
    naive_escape(big_esc, big);
    clear(r);
    html_printf(r, "%s[%s]%s", big, "<", big);
    Buf b = {0};
    buf_printf(&b, "%s[&lt;]%s", big_esc, big_esc);
    assert_string_equal(out(r), buf_cstr(&b));
    buf_free(&b);
}

static void test_html_printf_fast_integers_match_printf(void **state) {
    Req *r = *state;
    char want[512];
    html_printf(r, "%d %d %d %d %i|%u %u|%x %X %x", 0, -1, INT_MIN, INT_MAX, -7, 0u, UINT_MAX, 0u, 0xABCDEFu,
                (unsigned)-1);
    snprintf(want, sizeof want, "%d %d %d %d %i|%u %u|%x %X %x", 0, -1, INT_MIN, INT_MAX, -7, 0u, UINT_MAX, 0u,
             0xABCDEFu, (unsigned)-1);
    assert_string_equal(out(r), want);
    clear(r);
    html_printf(r, "%ld %ld %lu %lx|%lld %lld %lld %llu %llX|%zu %zu %zx %zd|%jd %ju|%td", LONG_MIN, LONG_MAX,
                ULONG_MAX, 0xdeadbeefUL, LLONG_MIN, LLONG_MAX, -1LL, ULLONG_MAX, 0x1234567890ABCDEFULL, (size_t)0,
                SIZE_MAX, (size_t)4096, (ptrdiff_t)-5, INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)PTRDIFF_MIN);
    snprintf(want, sizeof want, "%ld %ld %lu %lx|%lld %lld %lld %llu %llX|%zu %zu %zx %zd|%jd %ju|%td", LONG_MIN,
             LONG_MAX, ULONG_MAX, 0xdeadbeefUL, LLONG_MIN, LLONG_MAX, -1LL, ULLONG_MAX, 0x1234567890ABCDEFULL,
             (size_t)0, SIZE_MAX, (size_t)4096, (ptrdiff_t)-5, INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)PTRDIFF_MIN);
    assert_string_equal(out(r), want);
    /* Every power of ten and its neighbours, through the same digit loop. */
    long long v = 1;
    for (int i = 0; i < 18; i++, v *= 10) {
        clear(r);
        html_printf(r, "%lld|%lld|%lld|%lld", v - 1, v, v + 1, -v);
        snprintf(want, sizeof want, "%lld|%lld|%lld|%lld", v - 1, v, v + 1, -v);
        assert_string_equal(out(r), want);
    }
}

static void test_html_printf_percent_and_literal_runs(void **state) {
    Req *r = *state;
    html_printf(r, "%%");
    assert_string_equal(out(r), "%");
    clear(r);
    html_printf(r, "%d%%%s%%%%", 50, "<");
    assert_string_equal(out(r), "50%&lt;%%");
    clear(r);
    html_printf(r, "%s", "");
    html_printf(r, "no conversions at all");
    assert_string_equal(out(r), "no conversions at all");
    clear(r);
    html_printf(r, "%s%s%d%s", "a", "b", 1, "c");
    assert_string_equal(out(r), "ab1c");
}

static void test_html_printf_chars_are_escaped_and_nul_writes_nothing(void **state) {
    Req *r = *state;
    html_printf(r, "[%c%c%c%c%c%c]", '&', '<', '>', '"', '\'', 'z');
    assert_string_equal(out(r), "[&amp;&lt;&gt;&quot;&#39;z]");
    clear(r);
    html_printf(r, "[%c]", 0);
    assert_string_equal(out(r), "[]");
    assert_int_equal(r->priv->out.len, 2); /* no NUL byte inside the page */
    clear(r);
    html_printf(r, "[%3c|%-3c|%2c]", 'a', 'b', '<'); /* width counts the character, not its entity */
    assert_string_equal(out(r), "[  a|b  | &lt;]");
}

static void test_html_printf_slow_path_matches_printf(void **state) {
    Req *r = *state;
    char want[512];
    html_printf(r, "%05d|%-6d|%+d|% d|%#x|%#o|%8.3f|%-8.2f|%e|%g|%.1f|%.0f|%hd|%hhu|%5lld|%-5zu|%.3d|%010.4f", 42, -3,
                7, 7, 255u, 8u, 3.14159, -2.5, 12345.678, 0.0001, 99.95, 0.5, (short)-12, (unsigned char)200, -9LL,
                (size_t)12, 5, -1.5);
    snprintf(want, sizeof want,
             "%05d|%-6d|%+d|% d|%#x|%#o|%8.3f|%-8.2f|%e|%g|%.1f|%.0f|%hd|%hhu|%5lld|%-5zu|%.3d|%010.4f", 42, -3, 7, 7,
             255u, 8u, 3.14159, -2.5, 12345.678, 0.0001, 99.95, 0.5, (short)-12, (unsigned char)200, -9LL, (size_t)12,
             5, -1.5);
    assert_string_equal(out(r), want);
    clear(r);
    /* '*' widths and precisions are consumed, a negative width is '-' and a negative precision none. */
    html_printf(r, "[%*d|%*d|%.*f|%.*f|%s]", 5, 1, -5, 2, 2, 1.23456, -1, 0.5, "end");
    snprintf(want, sizeof want, "[%*d|%*d|%.*f|%.*f|%s]", 5, 1, -5, 2, 2, 1.23456, -1, 0.5, "end");
    assert_string_equal(out(r), want);
    clear(r);
    html_printf(r, "%Lf|%s", 1.25L, "<");
    assert_string_equal(out(r), "1.250000|&lt;");
}

static void test_html_printf_string_width_pads_the_escaped_value(void **state) {
    Req *r = *state;
    /* printf pads by the value's bytes; the entity a byte becomes does not count. */
    html_printf(r, "[%6s|%-6s|%2s|%*s]", "<a", "b&", "long", 4, "x");
    assert_string_equal(out(r), "[    &lt;a|b&amp;    |long|   x]");
}

static void test_html_printf_string_precision_never_splits_a_character(void **state) {
    Req *r = *state;
    /* "运营" is 6 bytes; a cut inside a character ends before it. */
    html_printf(r, "[%.6s|%.5s|%.4s|%.3s|%.2s|%.0s]", "运营", "运营", "运营", "运营", "运营", "运营");
    assert_string_equal(out(r), "[运营|运|运|运||]");
    clear(r);
    html_printf(r, "[%.3s|%.4s|%.1s]", "a🚚", "a🚚", "é");
    assert_string_equal(out(r), "[a|a|]");
    clear(r);
    html_printf(r, "[%.5s|%.2s]", "a🚚b", "<<<"); /* a whole 4-byte character fits; the cut comes first, then escaping */
    assert_string_equal(out(r), "[a🚚|&lt;&lt;]");
    clear(r);
    html_printf(r, "[%.*s|%.*s|%.100s]", -1, "all of it", 0, "none", "short");
    assert_string_equal(out(r), "[all of it||short]");
}

static void test_html_printf_output_holds_no_nul_and_stays_terminated(void **state) {
    Req *r = *state;
    for (int i = 0; i < 2000; i++)
        html_printf(r, "<li data-i=\"%d\">%s %c %lld%%</li>", i, i % 3 ? "文本" : "<&>", i % 2 ? 0 : 'x',
                    (long long)i * -1000003);
    const Buf *b = &r->priv->out;
    assert_int_equal(strlen(b->data), b->len);
    assert_true(b->len < b->cap);
    assert_non_null(strstr(b->data, "<li data-i=\"1999\">文本  -1999005997%</li>"));
    assert_non_null(strstr(b->data, "<li data-i=\"0\">&lt;&amp;&gt; x 0%</li>"));
}

/* An unsupported conversion (here %lc: wide characters) would leave its
 * argument unread: html_printf stops the program rather than misalign the
 * arguments after it. Run in a child, which must die of SIGABRT. */
static void test_html_printf_aborts_on_an_unsupported_conversion(void **state) {
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        Req *r = web_cli_request(NULL);
        html_printf(r, "%lc|%s", (wint_t)L'x', "never");
        _exit(0); /* not reached */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
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
    assert_string_equal(out(r),
                        "<p class=\"field-error\" id=\"err-title&quot;&gt;&lt;b&gt;\">message &lt;with&gt; markup</p>");
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
        cmocka_unit_test(test_html_escape_into_copies_utf8_and_other_bytes_unchanged),
        cmocka_unit_test(test_html_escape_into_appends_and_stays_nul_terminated),
        T(test_html_printf_strings_match_the_reference_escaper),
        T(test_html_printf_fast_integers_match_printf),
        T(test_html_printf_percent_and_literal_runs),
        T(test_html_printf_chars_are_escaped_and_nul_writes_nothing),
        T(test_html_printf_slow_path_matches_printf),
        T(test_html_printf_string_width_pads_the_escaped_value),
        T(test_html_printf_string_precision_never_splits_a_character),
        T(test_html_printf_output_holds_no_nul_and_stays_terminated),
        cmocka_unit_test(test_html_printf_aborts_on_an_unsupported_conversion),
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
