/* test_router.c — the route tables as data: no duplicate METHOD + pattern,
 * every route has a handler and an access rule (deny by default), scoped
 * routes have a scope resolver, every route is reachable (no earlier pattern
 * shadows it), and the matcher's 404 / 405 / path parameters. Also the
 * problem+json error rendering for API requests. */
#include "unit.h"

#include <jansson.h>
#include <stdio.h>

#include "org.h"
#include "web.h"
#include "web_internal.h"
#include "web_server.h"

extern const RouteTable web_route_table;

static int group_setup(void **state) {
    (void)state;
    web_register(&web_route_table);
    web_register(&org_api_route_table);
    web_register(&org_page_route_table);
    return 0;
}

static int setup(void **state) {
    *state = web_cli_request(NULL);
    return 0;
}

static int teardown(void **state) {
    web_cli_request_free(*state);
    return 0;
}

static bool known_method(const char *m) {
    return strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "PATCH") == 0 || strcmp(m, "PUT") == 0 ||
           strcmp(m, "DELETE") == 0;
}

static void test_router_has_every_registered_table(void **state) {
    (void)state;
    int expected = web_route_table.n_routes + org_api_route_table.n_routes + org_page_route_table.n_routes;
    assert_int_equal(web_route_count(), expected);
    assert_true(expected > 0);
    const char *module = NULL;
    assert_non_null(web_route_at(0, &module));
    assert_non_null(module);
    assert_null(web_route_at(expected, NULL));
    assert_null(web_route_at(-1, NULL));
}

static void test_router_has_no_duplicate_method_and_pattern(void **state) {
    (void)state;
    int n = web_route_count(), dups = 0;
    for (int i = 0; i < n; i++) {
        const char *mi, *mj;
        const Route *a = web_route_at(i, &mi);
        for (int j = i + 1; j < n; j++) {
            const Route *b = web_route_at(j, &mj);
            if (strcmp(a->method, b->method) == 0 && strcmp(a->pattern, b->pattern) == 0) {
                print_error("duplicate route %s %s (%s and %s)\n", a->method, a->pattern, mi, mj);
                dups++;
            }
        }
    }
    assert_int_equal(dups, 0);
}

static void test_router_every_route_has_handler_and_access_rule(void **state) {
    (void)state;
    int bad = 0;
    for (int i = 0; i < web_route_count(); i++) {
        const char *module;
        const Route *rt = web_route_at(i, &module);
        const char *why = NULL;
        if (!rt->handler) why = "no handler";
        else if (!(rt->access & ACC_PUBLIC) && !(rt->access & ACC_ROLES_MASK)) why = "no access rule";
        else if ((rt->access & ACC_PUBLIC) && (rt->access & (ACC_SCOPE_READ | ACC_SCOPE_MANAGE)))
            why = "public and team-scoped at once";
        else if (!known_method(rt->method)) why = "unknown method";
        else if (rt->pattern[0] != '/') why = "pattern does not start with /";
        if (why) {
            print_error("%s %s (%s): %s\n", rt->method, rt->pattern, module, why);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_router_scoped_routes_have_scope_function(void **state) {
    (void)state;
    int bad = 0;
    for (int i = 0; i < web_route_count(); i++) {
        const Route *rt = web_route_at(i, NULL);
        bool scoped = rt->access & (ACC_SCOPE_READ | ACC_SCOPE_MANAGE);
        if (scoped && !rt->scope) {
            print_error("%s %s: team-scoped without a scope function\n", rt->method, rt->pattern);
            bad++;
        }
        if (!scoped && rt->scope) {
            print_error("%s %s: scope function that the router never calls\n", rt->method, rt->pattern);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_router_patterns_are_well_formed(void **state) {
    (void)state;
    int bad = 0;
    for (int i = 0; i < web_route_count(); i++) {
        const Route *rt = web_route_at(i, NULL);
        int params = 0;
        for (const char *p = rt->pattern; *p; p++) {
            if (*p == '}') goto broken;
            if (*p != '{') continue;
            const char *close = strchr(p, '}');
            if (!close || close == p + 1 || p[-1] != '/' || (close[1] != 0 && close[1] != '/')) goto broken;
            for (const char *q = p + 1; q < close; q++)
                if (*q == '{' || *q == '/') goto broken;
            params++;
            p = close;
        }
        if (params > MAX_PARAMS) goto broken;
        if (strlen(rt->pattern) > 1 && rt->pattern[strlen(rt->pattern) - 1] == '/') goto broken;
        continue;
    broken:
        print_error("%s %s: malformed pattern\n", rt->method, rt->pattern);
        bad++;
    }
    assert_int_equal(bad, 0);
}

/* A concrete path for a pattern: every {param} becomes "7". */
static void concrete(const char *pattern, char *out, size_t n) {
    size_t w = 0;
    for (const char *p = pattern; *p && w + 2 < n; p++) {
        if (*p == '{') {
            out[w++] = '7';
            p = strchr(p, '}');
            if (!p) break;
        } else {
            out[w++] = *p;
        }
    }
    out[w] = 0;
}

static void test_router_every_route_is_reachable(void **state) {
    Req *r = *state;
    int bad = 0;
    for (int i = 0; i < web_route_count(); i++) {
        const Route *rt = web_route_at(i, NULL);
        char path[512];
        concrete(rt->pattern, path, sizeof path);
        int rc = router_match(rt->method, path, r);
        if (rc != 0 || r->route != rt) {
            print_error("%s %s is shadowed by %s %s (rc %d)\n", rt->method, rt->pattern,
                        r->route ? r->route->method : "-", r->route ? r->route->pattern : "-", rc);
            bad++;
        }
        r->route = NULL;
    }
    assert_int_equal(bad, 0);
}

static void test_router_match_fills_path_parameters(void **state) {
    Req *r = *state;
    assert_int_equal(router_match("GET", "/api/v1/users/42", r), 0);
    assert_string_equal(r->route->pattern, "/api/v1/users/{id}");
    int64_t id = 0;
    assert_int_equal(req_path_id(r, "id", &id), 0);
    assert_int_equal(id, 42);
}

static void test_router_path_id_refuses_non_numbers_with_404(void **state) {
    Req *r = *state;
    const char *bad[] = {"/api/v1/users/abc", "/api/v1/users/-1", "/api/v1/users/0",
                         "/api/v1/users/99999999999999999999", "/api/v1/users/1e3", "/api/v1/users/%31"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(router_match("GET", bad[i], r), 0);
        int64_t id = 0;
        assert_int_equal(req_path_id(r, "id", &id), -1);
        assert_int_equal(r->priv->err_status, 404);
        r->priv->n_errors = 0;
        r->priv->err_status = 0;
    }
}

static void test_router_unknown_path_is_404_and_wrong_method_405(void **state) {
    Req *r = *state;
    assert_int_equal(router_match("GET", "/no/such/page", r), 404);
    assert_int_equal(router_match("GET", "/api/v1/users/", r), 404);
    assert_int_equal(router_match("GET", "/api/v1/users//x", r), 404);
    assert_int_equal(router_match("GET", "", r), 404);
    assert_int_equal(router_match("PUT", "/api/v1/users", r), 405);
    assert_int_equal(router_match("DELETE", "/healthz", r), 405);
    assert_int_equal(router_match("HEAD", "/healthz", r), 0); /* HEAD is served by GET */
}

static void test_router_renders_api_errors_as_problem_json(void **state) {
    Req *r = *state;
    r->path = "/api/v1/users/<script>";
    req_error(r, "name\"<x>", "error.too_long");
    req_error(r, "login", "error.required");
    assert_int_equal(req_failed(r, 422), -1);
    router_render_error(r);
    assert_int_equal(r->priv->status, 422);
    assert_string_equal(r->priv->content_type, "application/problem+json");
    json_error_t err;
    json_t *j = json_loads(buf_cstr(&r->priv->out), 0, &err);
    if (!j) fail_msg("problem+json does not parse: %s", err.text);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/api/v1/users/<script>");
    json_t *errors = json_object_get(j, "errors");
    assert_int_equal(json_array_size(errors), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")), "name\"<x>");
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")), "login");
    json_decref(j);
    assert_string_equal(req_first_error(r), "name\"<x>: error.too_long");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_has_every_registered_table),
        cmocka_unit_test(test_router_has_no_duplicate_method_and_pattern),
        cmocka_unit_test(test_router_every_route_has_handler_and_access_rule),
        cmocka_unit_test(test_router_scoped_routes_have_scope_function),
        cmocka_unit_test(test_router_patterns_are_well_formed),
        T(test_router_every_route_is_reachable),
        T(test_router_match_fills_path_parameters),
        T(test_router_path_id_refuses_non_numbers_with_404),
        T(test_router_unknown_path_is_404_and_wrong_method_405),
        T(test_router_renders_api_errors_as_problem_json),
    };
    return cmocka_run_group_tests_name("router", tests, group_setup, NULL);
}
