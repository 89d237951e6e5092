/* fuzz_html.c — the escaping writer: html_escape_into and html_printf with
 * arbitrary values in every conversion we use, on the fast path (%s %c %d
 * %lld %zu %x …) and the vsnprintf fallback (flags, widths, precisions,
 * floats). The output may hold no raw < > " ' from a value, every & starts
 * one of the five entities, unescaping gives the value back, a precision cut
 * ends on a UTF-8 character boundary, numbers read as printf writes them, and
 * the page never holds a NUL byte. */
#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

/* Undoes html_escape_into; returns false on a '&' that is not one of ours. */
static bool unescape(const char *s, Buf *out) {
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
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
    int prec = size ? data[0] % 40 - 5 : 0; /* negative: no precision, as in printf */
    char c = size > 1 ? (char)data[1] : 'x';
    html_printf(r, "%s|%.*s|%c|%d|%lld|%zu", s, prec, s, c, (int)size, (long long)size * -3, size);
    Buf *ob = &r->priv->out;
    FUZZ_CHECK(strlen(ob->data) == ob->len, "the page holds a NUL byte");
    const char *out = ob->data;
    Buf plain = {0};
    FUZZ_CHECK(unescape(out, &plain), "html_printf left markup in: %s", out);
    const char *back_s = buf_cstr(&plain);
    size_t n = strlen(s);
    FUZZ_CHECK(strncmp(back_s, s, n) == 0 && back_s[n] == '|', "%%s changed its value");
    /* %.*s: a prefix of s, at most prec bytes, never ending inside a UTF-8
     * character, and as long as possible under those rules. */
    const char *cut = back_s + n + 1;
    size_t want = n;
    if (prec >= 0 && (size_t)prec < n) {
        want = (size_t)prec;
        while (want > 0 && ((unsigned char)s[want] & 0xC0) == 0x80) want--;
    }
    FUZZ_CHECK(strncmp(cut, s, want) == 0 && cut[want] == '|', "%%.*s did not cut %zu bytes", want);
    buf_free(&plain);

    /* Numbers, fast and slow path, read exactly as printf writes them. */
    long long v = 0;
    for (size_t i = 0; i < size && i < 8; i++) v = (long long)((unsigned long long)v << 8 | data[i]);
    int w = size > 2 ? data[2] % 24 - 12 : 3;
    double d = (double)v / 977.0;
    buf_reset(ob);
    html_printf(r, "%d|%i|%u|%x|%X|%ld|%lld|%llu|%zu|%05d|%-7lld|%+lld|%*d|%.*f|%10.3e|%g|%hd|%%", (int)v,
                (int)(v >> 7), (unsigned)v, (unsigned)v, (unsigned)(v >> 3), (long)v, v, (unsigned long long)v,
                (size_t)v, (int)v, v, v, w, (int)v, w > 0 ? w % 8 : -1, d, d, d, (short)v);
    char want_num[512];
    snprintf(want_num, sizeof want_num, "%d|%i|%u|%x|%X|%ld|%lld|%llu|%zu|%05d|%-7lld|%+lld|%*d|%.*f|%10.3e|%g|%hd|%%",
             (int)v, (int)(v >> 7), (unsigned)v, (unsigned)v, (unsigned)(v >> 3), (long)v, v, (unsigned long long)v,
             (size_t)v, (int)v, v, v, w, (int)v, w > 0 ? w % 8 : -1, d, d, d, (short)v);
    FUZZ_CHECK(strcmp(ob->data, want_num) == 0, "numbers differ from printf: %s vs %s", ob->data, want_num);
    FUZZ_CHECK(strlen(ob->data) == ob->len, "the page holds a NUL byte");
    web_cli_request_free(r);
    free(s);
    return 0;
}
