/* fuzz_router.c — route matching (router_match: patterns with {params})
 * and path-id parsing on arbitrary methods and paths, with the real route
 * tables registered. A match always names a route of that method; path
 * parameters never hold a '/'; ids accepted are positive. */
#include <string.h>

#include "fuzz.h"
#include "org.h"
#include "web.h"
#include "web_internal.h"
#include "web_server.h"

extern const RouteTable web_route_table;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool registered;
    if (!registered) {
        web_register(&web_route_table);
        web_register(&org_api_route_table);
        web_register(&org_page_route_table);
        registered = true;
    }
    if (size < 1 || size > 2048) return 0;
    static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "get"};
    const char *method = methods[data[0] % 8];
    char *path = fuzz_cstr(data + 1, size - 1);
    Req *r = web_cli_request(NULL);
    int rc = router_match(method, path, r);
    FUZZ_CHECK(rc == 0 || rc == 404 || rc == 405, "router_match returned %d", rc);
    if (rc == 0) {
        const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
        FUZZ_CHECK(r->route && strcmp(r->route->method, want) == 0, "matched a route of another method");
        for (int i = 0; i < r->priv->n_params; i++) {
            FUZZ_CHECK(!strchr(r->priv->param_values[i], '/'), "parameter holds a '/'");
            FUZZ_CHECK(*r->priv->param_values[i], "empty parameter");
            int64_t id = 0;
            if (req_path_id(r, r->priv->param_names[i], &id) == 0) FUZZ_CHECK(id > 0, "accepted id %lld", (long long)id);
        }
    } else {
        FUZZ_CHECK(r->priv->n_params == 0, "parameters left after a miss");
    }
    web_cli_request_free(r);
    free(path);
    return 0;
}
