/* fuzz_i18n_fmt.c — {1}..{9} placeholder filling (i18n_fmt). Input: the
 * message on the first line, then up to nine arguments one per line. The
 * result must equal a reference substitution and fit the arena allocation
 * it was written into (an overrun inside an arena chunk is invisible to
 * ASan, so the harness checks the size itself). */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0;
    char *s = fuzz_cstr(data, size);
    char *nl = strchr(s, '\n');
    const char *args[9];
    int nargs = 0;
    if (nl) {
        *nl = 0;
        for (char *p = nl + 1; p && nargs < 9;) {
            char *next = strchr(p, '\n');
            if (next) *next++ = 0;
            args[nargs++] = p;
            p = next;
        }
    }
    /* The message goes through the catalog parser like a real one. */
    Buf cat = {0};
    buf_puts(&cat, "k = ");
    buf_puts(&cat, s);
    buf_putc(&cat, '\n');
    int line = 0;
    if (i18n_load("en", cat.data, cat.len, &line) == 0 && i18n_has("en", "k")) {
        const char *msg = i18n_t("en", "k");
        Buf want = {0};
        for (const char *p = msg; *p; p++) {
            if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '1' < nargs) {
                buf_puts(&want, args[p[1] - '1']);
                p += 2;
            } else {
                buf_putc(&want, *p);
            }
        }
        Arena *a = arena_new();
        size_t before = a->used;
        const char *out = i18n_fmt(a, "en", "k", nargs, args);
        size_t allocated = a->used - before, written = strlen(out) + 1;
        FUZZ_CHECK(written <= allocated, "i18n_fmt wrote %zu bytes into %zu", written, allocated);
        FUZZ_CHECK(strcmp(out, buf_cstr(&want)) == 0, "got \"%s\", want \"%s\"", out, buf_cstr(&want));
        arena_free(a);
        buf_free(&want);
    }
    i18n_reset();
    buf_free(&cat);
    free(s);
    return 0;
}
