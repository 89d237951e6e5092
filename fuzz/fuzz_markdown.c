/* fuzz_markdown.c — Markdown rendering (cmark-gfm with our extensions, safe
 * mode) of arbitrary text: no raw HTML, script, event handler or
 * javascript: link ever reaches the output. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "web.h"
#include "web_html.h"
#include "web_internal.h"

static bool contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 16384) return 0;
    char *md = fuzz_cstr(data, size);
    Req *r = web_cli_request(NULL);
    html_markdown(r, md);
    const char *out = buf_cstr(&r->priv->out);
    FUZZ_CHECK(!contains_ci(out, "<script"), "script element in: %s", out);
    FUZZ_CHECK(!contains_ci(out, "href=\"javascript:") && !contains_ci(out, "src=\"javascript:"),
               "javascript: URL in: %s", out);
    FUZZ_CHECK(!contains_ci(out, "<iframe") && !contains_ci(out, "<object") && !contains_ci(out, "<svg"),
               "embedded content in: %s", out);
    /* An event-handler attribute: a space, on…, then '=' inside a tag. */
    for (const char *p = out; (p = strchr(p, '<')); p++) {
        const char *end = strchr(p, '>');
        if (!end) break;
        bool quoted = false; /* inside an attribute value, " on…=" is text */
        for (const char *q = p; q < end; q++) {
            if (*q == '"') quoted = !quoted;
            if (!quoted && q[0] == ' ' && tolower((unsigned char)q[1]) == 'o' && tolower((unsigned char)q[2]) == 'n') {
                const char *e = q + 3;
                while (e < end && isalpha((unsigned char)*e)) e++;
                FUZZ_CHECK(*e != '=', "event handler attribute in: %.*s", (int)(end - p + 1), p);
            }
        }
    }
    web_cli_request_free(r);
    free(md);
    return 0;
}
