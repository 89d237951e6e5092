/* fuzz_json_body.c — the JSON body path of API requests: req_parse_json_body
 * (UTF-8 check, jansson with duplicate keys refused, object required) and the
 * typed readers every handler uses. Whatever a reader accepts must meet its
 * promise (UTF-8, no control characters, length and range limits). */
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "web.h"
#include "web_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Req *r = web_cli_request(NULL);
    buf_append(&r->priv->body, data, size);
    int rc = req_parse_json_body(r);
    if (rc == 0) {
        json_t *obj = req_json(r);
        FUZZ_CHECK(json_is_object(obj), "parsed body is not an object");
        static const char *const allowed[] = {"name", "login", "team_id", "disabled", "email", NULL};
        req_json_only(r, obj, allowed);
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v) {
            const char *s = NULL;
            bool present = false, b = false, is_null = false;
            int64_t i = 0;
            if (req_json_str(r, obj, key, 2, 20, false, &s, &present) == 0 && s) {
                size_t n = strlen(s);
                FUZZ_CHECK(utf8_valid(s, n), "accepted invalid UTF-8");
                FUZZ_CHECK(!utf8_has_control(s, n), "accepted control characters");
                size_t chars = utf8_count(s, n);
                FUZZ_CHECK(chars >= 2 && chars <= 20, "accepted %zu characters outside 2..20", chars);
            }
            FUZZ_CHECK(present, "key %s present but reported absent", key);
            if (req_json_int(r, obj, key, -5, 1000, false, &i, &present, &is_null) == 0 && present && !is_null)
                FUZZ_CHECK(i >= -5 && i <= 1000, "accepted %lld outside -5..1000", (long long)i);
            if (req_json_bool(r, obj, key, false, &b, &present) == 0 && present)
                FUZZ_CHECK(json_is_boolean(v), "accepted a non-boolean");
        }
    } else {
        FUZZ_CHECK(r->priv->err_status == 400, "refused body with status %d", r->priv->err_status);
        FUZZ_CHECK(r->priv->json == NULL, "refused body left a JSON tree");
    }
    FUZZ_CHECK(req_error_count(r) <= MAX_ERRORS, "error count %d", req_error_count(r));
    web_cli_request_free(r);
    return 0;
}
