/* fuzz_form.c — the application/x-www-form-urlencoded body parser
 * (req_parse_form) and the form readers, driven through a command-line
 * request whose body is the input. Every value handed out is valid UTF-8,
 * req_check_text only accepts what it promises, and url_encode round-trips
 * through the parser. */
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

static Req *request_with_body(const void *body, size_t n) {
    Req *r = web_cli_request(NULL);
    buf_append(&r->priv->body, body, n);
    req_parse_form(r);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Req *r = request_with_body(data, size);
    FUZZ_CHECK(r->priv->n_form >= 0 && r->priv->n_form <= MAX_FORM, "n_form %d", r->priv->n_form);
    for (int i = 0; i < r->priv->n_form; i++) {
        const char *name = r->priv->form_names[i];
        const char *v = req_form(r, name);
        if (!v) continue;
        FUZZ_CHECK(utf8_valid(v, strlen(v)), "req_form returned invalid UTF-8");
        const char *clean = NULL;
        if (req_check_text(r, "f", v, 1, 50, true, &clean) == 0) {
            size_t n = strlen(clean);
            FUZZ_CHECK(!utf8_has_control(clean, n), "accepted text with control characters");
            size_t chars = utf8_count(clean, n);
            FUZZ_CHECK(chars >= 1 && chars <= 50, "accepted %zu characters outside 1..50", chars);
        }
        /* Encoding a value and parsing it back gives the value again. */
        const char *enc = url_encode(r, v);
        Buf body = {0};
        buf_puts(&body, "k=");
        buf_puts(&body, enc);
        Req *r2 = request_with_body(body.data, body.len);
        const char *back = req_form(r2, "k");
        FUZZ_CHECK(back && strcmp(back, v) == 0, "url_encode round trip changed \"%s\"", v);
        web_cli_request_free(r2);
        buf_free(&body);
    }
    FUZZ_CHECK(req_error_count(r) <= MAX_ERRORS, "error count %d", req_error_count(r));
    web_cli_request_free(r);
    return 0;
}
