/* fuzz_html.c — the escaping writer: html_escape_into and html_printf with
 * arbitrary values in every conversion we use. The output may hold no raw
 * < > " ' from a value, every & starts one of the five entities, and
 * unescaping gives the value back. */
#include <string.h>

#include "fuzz.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

/* Undoes html_escape_into; returns false on a '&' that is not one of ours. */
static bool unescape(const char *s, Buf *out) {
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    while (*s) {
        if (*s == '<' || *s == '>' || *s == '"' || *s == '\'') return false;
        if (*s != '&') {
            buf_putc(out, *s++);
            continue;
        }
        size_t i = 0;
        while (i < 5 && strncmp(s, ents[i].ent, strlen(ents[i].ent)) != 0) i++;
        if (i == 5) return false;
        buf_putc(out, ents[i].c);
        s += strlen(ents[i].ent);
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 8192) return 0;
    char *s = fuzz_cstr(data, size);
    Buf b = {0}, back = {0};
    html_escape_into(&b, s);
    FUZZ_CHECK(unescape(buf_cstr(&b), &back), "html_escape_into left markup in: %s", buf_cstr(&b));
    FUZZ_CHECK(strcmp(buf_cstr(&back), s) == 0, "escaping is not reversible");
    buf_free(&b);
    buf_free(&back);

    /* Through the request writer, in a format with no markup of its own. */
    Req *r = web_cli_request(NULL);
    int prec = size ? data[0] % 40 - 5 : 0;
    char c = size > 1 ? (char)data[1] : 'x';
    if (!c) c = 'x'; /* %c of NUL writes nothing, which is fine, but makes the check below awkward */
    html_printf(r, "%s|%.*s|%c|%d|%lld|%zu", s, prec, s, c, (int)size, (long long)size * -3, size);
    const char *out = buf_cstr(&r->priv->out);
    Buf plain = {0};
    FUZZ_CHECK(unescape(out, &plain), "html_printf left markup in: %s", out);
    size_t n = strlen(s);
    FUZZ_CHECK(strncmp(buf_cstr(&plain), s, n) == 0 && buf_cstr(&plain)[n] == '|', "%%s changed its value");
    buf_free(&plain);
    web_cli_request_free(r);
    free(s);
    return 0;
}
