/* fuzz_multipart.c — the multipart/form-data parser (web_multipart.c) and
 * what handlers read of it (req_form, req_file), driven through a
 * command-line request. The first input line is the Content-Type (so the
 * boundary is fuzzed too), the rest the body. Invariants: a refusal is one
 * 400 naming a field; otherwise every text field is valid UTF-8 without a
 * NUL, every file's bytes lie inside the body, every part is at most the
 * limit, and a part written back with the same boundary parses to itself. */
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "web.h"
#include "web_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    size_t ct_len = nl ? (size_t)(nl - in) : 0;
    Req *r = web_cli_request(NULL);
    char *ctype = arena_strndup(r->arena, nl ? in : "multipart/form-data; boundary=XyZ", nl ? ct_len : 33);
    const char *body = nl ? nl + 1 : in;
    size_t body_len = nl ? size - ct_len - 1 : size;
    buf_append(&r->priv->body, body, body_len);
    const char *held = buf_cstr(&r->priv->body);
    if (req_parse_multipart(r, ctype) != 0) {
        FUZZ_CHECK(req_status(r) == 400, "refusal with status %d", req_status(r));
        FUZZ_CHECK(req_error_count(r) == 1 && req_errors(r)[0].field, "refusal without a field");
        web_cli_request_free(r);
        return 0;
    }
    struct ReqPriv *p = r->priv;
    FUZZ_CHECK(p->n_form + p->n_files <= WEB_MULTIPART_MAX_PARTS, "%d parts", p->n_form + p->n_files);
    for (int i = 0; i < p->n_form; i++) {
        const char *v = req_form(r, p->form_names[i]);
        FUZZ_CHECK(v != NULL, "field %s unreadable", p->form_names[i]);
        FUZZ_CHECK(utf8_valid(v, strlen(v)), "invalid UTF-8 field");
        FUZZ_CHECK(strlen(p->form_names[i]) <= WEB_MULTIPART_MAX_NAME, "long name");
    }
    const char *boundary;
    FUZZ_CHECK(web_multipart_boundary(r->arena, ctype, &boundary) == 0, "accepted without a boundary");
    for (int i = 0; i < p->n_files; i++) {
        const WebPart *f = &p->files[i];
        FUZZ_CHECK(f->data >= held && f->data + f->len <= held + body_len, "file outside the body");
        FUZZ_CHECK(utf8_valid(f->filename, strlen(f->filename)), "invalid UTF-8 file name");
        FUZZ_CHECK(!memchr(f->filename, '/', strlen(f->filename)) && !memchr(f->filename, '\\', strlen(f->filename)),
                   "file name keeps a path");
        /* Written back alone with the same boundary, the file parses to the same bytes. */
        Buf again = {0};
        buf_printf(&again, "--%s\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n", boundary);
        buf_append(&again, f->data, f->len);
        buf_printf(&again, "\r\n--%s--\r\n", boundary);
        WebPart parts[2];
        int n;
        const char *field, *key;
        int rc = web_multipart_parse(r->arena, ctype, again.data, again.len, parts, 2, &n, &field, &key);
        FUZZ_CHECK(rc == 0 && n == 1, "round trip refused (%s)", rc ? key : "count");
        FUZZ_CHECK(parts[0].len == f->len && memcmp(parts[0].data, f->data, f->len) == 0, "round trip changed bytes");
        buf_free(&again);
    }
    web_cli_request_free(r);
    return 0;
}
