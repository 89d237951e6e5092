/* fuzz_utf8.c — utf8_valid / utf8_count / utf8_has_control against a slow,
 * obviously correct reference decoder (differential fuzzing). */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "utf8.h"

/* Length of the well-formed sequence at s, or 0 (RFC 3629, no NUL). */
static size_t ref_decode(const unsigned char *s, size_t n, uint32_t *cp_out) {
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) {
        *cp_out = c;
        return c == 0 ? 0 : 1;
    }
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    *cp_out = cp;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    bool ref_ok = true;
    size_t ref_count = 0, i = 0;
    bool ref_control = false;
    while (i < size) {
        uint32_t cp = 0;
        size_t k = ref_decode(data + i, size - i, &cp);
        if (!k) {
            ref_ok = false;
            break;
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) ref_control = true;
        ref_count++;
        i += k;
    }
    bool ok = utf8_valid(s, size);
    FUZZ_CHECK(ok == ref_ok, "utf8_valid says %d, reference says %d", ok, ref_ok);
    size_t count = utf8_count(s, size);
    FUZZ_CHECK(count <= size, "count %zu > size %zu", count, size);
    if (ok) {
        FUZZ_CHECK(count == ref_count, "utf8_count %zu, reference %zu", count, ref_count);
        FUZZ_CHECK(utf8_has_control(s, size) == ref_control, "utf8_has_control disagrees");
        FUZZ_CHECK(memchr(s, 0, size) == NULL, "valid text holds a NUL");
    }
    return 0;
}
