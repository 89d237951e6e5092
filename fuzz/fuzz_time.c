/* fuzz_time.c — time_parse_iso on arbitrary text: never reads past the
 * string, and whatever it accepts formats back to an ISO string that parses
 * to the same instant. Display formatting of that instant stays valid UTF-8. */
#include <string.h>

#include "fuzz.h"
#include "timeutil.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 256) return 0;
    char *s = fuzz_cstr(data, size);
    int64_t ms = 0;
    if (time_parse_iso(s, &ms) == 0) {
        /* Years 0001..9999 with offsets up to ±23:59: the instant stays in range. */
        FUZZ_CHECK(ms >= -62135596800000LL - 86400000LL && ms <= 253402300799999LL + 86400000LL,
                   "\"%s\" parsed to out-of-range %lld", s, (long long)ms);
        char iso[64];
        time_format_iso(ms, iso, sizeof iso);
        int64_t back = 0;
        if (ms >= -62135596800000LL && ms <= 253402300799999LL) {
            FUZZ_CHECK(time_parse_iso(iso, &back) == 0, "\"%s\" -> %s does not parse", s, iso);
            FUZZ_CHECK(back == ms, "\"%s\" -> %s -> %lld != %lld", s, iso, (long long)back, (long long)ms);
        }
        char disp[64];
        int offset = size ? (int)(data[0] % 241) * 7 - 840 : 0; /* -14h .. +14h */
        time_format_display(ms, size & 1 ? "zh-CN" : "en", offset, size & 2, disp, sizeof disp);
        FUZZ_CHECK(utf8_valid(disp, strlen(disp)), "display text is not UTF-8: %s", disp);
    }
    free(s);
    return 0;
}
