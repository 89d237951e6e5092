/* test_multipart.c — the multipart/form-data parser (web_multipart.c) and
 * what handlers see of it (req_form, req_file): fields and files, contents
 * kept byte for byte (CRLF, boundary look-alikes), and every refusal — cut
 * off, too many parts, huge headers, no boundary — with the field it names. */
#include "unit.h"

#include <stdio.h>

#include "web.h"
#include "web_internal.h"
#include "web_server.h"

#define CT "multipart/form-data; boundary=XyZ"

static int group_setup(void **state) {
    (void)state;
    return web_i18n_init() == 0 ? 0 : -1; /* messages come from the real catalogs */
}

static int setup(void **state) {
    *state = web_cli_request(NULL);
    return 0;
}

static int teardown(void **state) {
    web_cli_request_free(*state);
    return 0;
}

/* Parses body (length n) as the request's multipart body. */
static int parse(Req *r, const char *ctype, const char *body, size_t n) {
    buf_append(&r->priv->body, body, n);
    return req_parse_multipart(r, ctype);
}
#define PARSE(r, body) parse(r, CT, body, sizeof body - 1)

static const char *first_field(Req *r) { return req_errors(r)[0].field; }
static const char *first_message(Req *r) { return req_errors(r)[0].message; }

static void test_multipart_reads_fields_and_a_file(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
                               "tok123\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"log.xes\"\r\n"
                               "Content-Type: application/xml\r\n\r\n"
                               "<log/>\r\n"
                               "--XyZ\r\n"
                               "content-disposition: FORM-DATA; name=name\r\n\r\n"
                               "订单流程\r\n"
                               "--XyZ--\r\n";
    assert_int_equal(PARSE(r, body), 0);
    assert_string_equal(req_form(r, "_csrf"), "tok123");
    assert_string_equal(req_form(r, "name"), "订单流程");
    assert_null(req_form(r, "file")); /* a file is not a text field */
    const char *data, *filename;
    size_t len;
    assert_int_equal(req_file(r, "file", &data, &len, &filename), 1);
    assert_int_equal(len, 6);
    assert_memory_equal(data, "<log/>", 6);
    assert_string_equal(filename, "log.xes");
    assert_string_equal(r->priv->files[0].content_type, "application/xml");
    assert_int_equal(req_file(r, "other", &data, &len, &filename), 0);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_null(filename);
}

static void test_multipart_keeps_crlf_inside_content(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"csv\"; filename=\"t.csv\"\r\n\r\n"
                               "title,owner\r\nA,bob\r\n\r\n\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                               "line 1\r\nline 2\r\n"
                               "--XyZ--";
    assert_int_equal(PARSE(r, body), 0);
    const char *data;
    size_t len;
    assert_int_equal(req_file(r, "csv", &data, &len, NULL), 1);
    assert_int_equal(len, 22); /* "title,owner\r\nA,bob\r\n\r\n": the last CRLF belongs to the delimiter */
    assert_memory_equal(data, "title,owner\r\nA,bob\r\n\r\n", 22);
    assert_string_equal(req_form(r, "note"), "line 1\r\nline 2");
}

static void test_multipart_boundary_lookalikes_stay_content(void **state) {
    Req *r = *state;
    /* "--XyZ" mid-line, and "\r\n--XyZ" followed by other characters, are not
     * delimiters (RFC 2046: the delimiter is a whole line). */
    static const char body[] = "preamble, ignored\r\n"
                               "--XyZ  \r\n"
                               "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
                               "a --XyZ b\r\n--XyZabc\r\n--XyZ-x\r\n"
                               "--XyZ--\r\nepilogue, ignored";
    assert_int_equal(PARSE(r, body), 0);
    const char *data;
    size_t len;
    assert_int_equal(req_file(r, "f", &data, &len, NULL), 1);
    static const char want[] = "a --XyZ b\r\n--XyZabc\r\n--XyZ-x";
    assert_int_equal(len, sizeof want - 1);
    assert_memory_equal(data, want, sizeof want - 1);
}

static void test_multipart_empty_contents_and_empty_file_input(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
                               "\r\n--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\r\n--XyZ--\r\n";
    assert_int_equal(PARSE(r, body), 0);
    assert_string_equal(req_form(r, "name"), "");
    const char *data = "x";
    assert_int_equal(req_file(r, "file", &data, NULL, NULL), 0); /* "no file chosen" */
    assert_null(data);
}

static void test_multipart_refuses_missing_final_boundary(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"big.xes\"\r\n\r\n"
                               "<log>half of it";
    assert_int_equal(PARSE(r, body), -1);
    assert_int_equal(req_status(r), 400);
    assert_string_equal(first_field(r), "file");
    assert_string_equal(first_message(r), T(r, "error.multipart_end"));
    assert_string_not_equal(first_message(r), "error.multipart_end"); /* the catalogs have it */
}

static void test_multipart_refuses_a_body_without_any_delimiter(void **state) {
    Req *r = *state;
    static const char body[] = "name=value";
    assert_int_equal(PARSE(r, body), -1);
    assert_int_equal(req_status(r), 400);
    assert_string_equal(first_field(r), "body");
    assert_string_equal(first_message(r), T(r, "error.multipart_malformed"));
}

static void test_multipart_refuses_too_many_parts(void **state) {
    Req *r = *state;
    Buf b = {0};
    for (int i = 0; i < WEB_MULTIPART_MAX_PARTS + 1; i++)
        buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
    buf_puts(&b, "--XyZ--\r\n");
    assert_int_equal(parse(r, CT, b.data, b.len), -1);
    assert_string_equal(first_field(r), "body");
    assert_string_equal(first_message(r), T(r, "error.multipart_parts"));
    buf_free(&b);

    /* exactly the limit is fine */
    Req *r2 = web_cli_request(NULL);
    Buf ok = {0};
    for (int i = 0; i < WEB_MULTIPART_MAX_PARTS; i++)
        buf_printf(&ok, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i * 7);
    buf_puts(&ok, "--XyZ--\r\n");
    assert_int_equal(parse(r2, CT, ok.data, ok.len), 0);
    assert_string_equal(req_form(r2, "f31"), "217");
    buf_free(&ok);
    web_cli_request_free(r2);
}

static void test_multipart_refuses_a_huge_header_block(void **state) {
    Req *r = *state;
    Buf b = {0};
    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Padding: ");
    for (int i = 0; i < WEB_MULTIPART_MAX_HEADER; i++) buf_puts(&b, "p");
    buf_puts(&b, "\r\n\r\nvalue\r\n--XyZ--\r\n");
    assert_int_equal(parse(r, CT, b.data, b.len), -1);
    assert_string_equal(first_field(r), "body");
    assert_string_equal(first_message(r), T(r, "error.multipart_header"));
    buf_free(&b);
}

static void test_multipart_refuses_parts_without_a_name(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n";
    assert_int_equal(PARSE(r, body), -1);
    assert_string_equal(first_message(r), T(r, "error.multipart_header"));
    Req *r2 = web_cli_request(NULL);
    static const char unterminated[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--\r\n";
    assert_int_equal(parse(r2, CT, unterminated, sizeof unterminated - 1), -1);
    assert_string_equal(first_message(r2), T(r2, "error.multipart_header"));
    web_cli_request_free(r2);
}

static void test_multipart_needs_a_boundary(void **state) {
    Req *r = *state;
    static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ--\r\n";
    assert_int_equal(parse(r, "multipart/form-data", body, sizeof body - 1), -1);
    assert_int_equal(req_status(r), 400);
    assert_string_equal(first_field(r), "Content-Type");
    assert_string_equal(first_message(r), T(r, "error.multipart_boundary"));
    const char *b;
    Arena *a = arena_new();
    assert_int_equal(web_multipart_boundary(a, "multipart/form-data; boundary=", &b), -1);
    assert_int_equal(web_multipart_boundary(a, "multipart/form-datax; boundary=a", &b), -1);
    char long_b[128];
    snprintf(long_b, sizeof long_b, "multipart/form-data; boundary=%071d", 0); /* 71 characters: one too many */
    assert_int_equal(web_multipart_boundary(a, long_b, &b), -1);
    long_b[strlen(long_b) - 1] = 0;
    assert_int_equal(web_multipart_boundary(a, long_b, &b), 0);
    assert_int_equal(strlen(b), 70);
    assert_int_equal(web_multipart_boundary(a, "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b;c\"", &b), 0);
    assert_string_equal(b, "a b;c");
    arena_free(a);
}

static void test_multipart_filename_with_chinese_and_quotes(void **state) {
    Req *r = *state;
    /* the same name three ways: a quoted-string with \" escapes, the browsers'
     * %22 for a quote, and RFC 5987 filename* (which wins over filename) */
    static const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"a\"; filename=\"订单 \\\"v2\\\".xes\"\r\n\r\n"
        "1\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"b\"; filename=\"C:\\\\logs\\\\订单 %22v2%22.xes\"\r\n\r\n"
        "2\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"c\"; filename=\"fallback.xes\"; "
        "filename*=UTF-8''%E8%AE%A2%E5%8D%95%20%22v2%22.xes\r\n\r\n"
        "3\r\n--XyZ--\r\n";
    assert_int_equal(PARSE(r, body), 0);
    const char *fa, *fb, *fc, *data;
    assert_int_equal(req_file(r, "a", &data, NULL, &fa), 1);
    assert_memory_equal(data, "1", 1);
    assert_int_equal(req_file(r, "b", NULL, NULL, &fb), 1);
    assert_int_equal(req_file(r, "c", NULL, NULL, &fc), 1);
    assert_string_equal(fa, "订单 \"v2\".xes");
    assert_string_equal(fb, "订单 \"v2\".xes"); /* and the Windows path is dropped */
    assert_string_equal(fc, "订单 \"v2\".xes");
}

static void test_multipart_refuses_bad_text_and_file_names(void **state) {
    Req *r = *state;
    static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\na\0b\r\n--XyZ--\r\n";
    assert_int_equal(PARSE(r, nul), -1);
    assert_string_equal(first_field(r), "title");
    assert_string_equal(first_message(r), T(r, "error.control_chars"));
    Req *r2 = web_cli_request(NULL);
    static const char latin1[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\ncaf\xe9\r\n--XyZ--\r\n";
    assert_int_equal(parse(r2, CT, latin1, sizeof latin1 - 1), -1);
    assert_string_equal(first_field(r2), "title");
    assert_string_equal(first_message(r2), T(r2, "error.invalid_utf8"));
    web_cli_request_free(r2);
    Req *r3 = web_cli_request(NULL);
    static const char bad_fn[] = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xff.xes\"\r\n\r\n"
                                 "x\r\n--XyZ--\r\n";
    assert_int_equal(parse(r3, CT, bad_fn, sizeof bad_fn - 1), -1);
    assert_string_equal(first_message(r3), T(r3, "error.multipart_header"));
    web_cli_request_free(r3);
}

static void test_multipart_binary_file_content_is_exact(void **state) {
    Req *r = *state;
    Buf b = {0};
    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"gz\"; filename=\"l.xes.gz\"\r\n\r\n");
    char bin[256];
    for (int i = 0; i < 256; i++) bin[i] = (char)i;
    buf_append(&b, bin, sizeof bin);
    buf_puts(&b, "\r\n--XyZ--\r\n");
    assert_int_equal(parse(r, CT, b.data, b.len), 0);
    const char *data;
    size_t len;
    assert_int_equal(req_file(r, "gz", &data, &len, NULL), 1);
    assert_int_equal(len, 256);
    assert_memory_equal(data, bin, 256);
    buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_multipart_reads_fields_and_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_keeps_crlf_inside_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_boundary_lookalikes_stay_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_empty_contents_and_empty_file_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_missing_final_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_a_body_without_any_delimiter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_too_many_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_a_huge_header_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_parts_without_a_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_needs_a_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_filename_with_chinese_and_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_refuses_bad_text_and_file_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_binary_file_content_is_exact, setup, teardown),
    };
    return cmocka_run_group_tests_name("multipart", tests, group_setup, NULL);
}
