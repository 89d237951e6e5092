/* fuzz_i18n_load.c — the message catalog parser (i18n_load) on arbitrary
 * text, then lookups of every key it kept, and Accept-Language negotiation
 * of the same bytes. Catalogs are reset after each input. */
#include <string.h>

#include "fuzz.h"
#include "i18n.h"

static void check_key(const char *key, void *ctx) {
    (void)ctx;
    FUZZ_CHECK(*key, "empty key kept");
    FUZZ_CHECK(!strchr(key, '\n'), "key with a newline kept");
    FUZZ_CHECK(i18n_has("en", key), "key %s listed but not found", key);
    const char *v = i18n_t("zh-CN", key); /* falls back to en */
    FUZZ_CHECK(v != NULL, "NULL message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int line = 0;
    int rc = i18n_load("en", (const char *)data, size, &line);
    if (rc == 0) {
        i18n_each_key("en", check_key, NULL);
        FUZZ_CHECK(strcmp(i18n_t("en", "no\nsuch key"), "no\nsuch key") == 0, "missing key not echoed");
    } else {
        size_t lines = 1;
        for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
        FUZZ_CHECK(line >= 1 && (size_t)line <= lines, "error line %d outside 1..%zu", line, lines);
    }
    i18n_reset();
    char *h = fuzz_cstr(data, size);
    const char *loc = i18n_negotiate(h);
    FUZZ_CHECK(strcmp(loc, "zh-CN") == 0 || strcmp(loc, "en") == 0, "negotiated %s", loc);
    const char *sup = i18n_supported(h);
    FUZZ_CHECK(!sup || strcmp(sup, "zh-CN") == 0 || strcmp(sup, "en") == 0, "supported %s", sup);
    free(h);
    return 0;
}
