/* test_org.c — org module behaviour that needs no database: where the
 * language switch (POST /lang, public) redirects to. The "next" target must
 * stay on this site whatever the form says (no open redirect). */
#include "unit.h"

#include <strings.h>

#include "org.h"
#include "web.h"
#include "web_internal.h"

static const Route *find_route(const RouteTable *t, const char *method, const char *pattern) {
    for (int i = 0; i < t->n_routes; i++)
        if (strcmp(t->routes[i].method, method) == 0 && strcmp(t->routes[i].pattern, pattern) == 0)
            return &t->routes[i];
    return NULL;
}

static const char *header(Req *r, const char *name) {
    for (int i = 0; i < r->priv->n_headers; i++)
        if (strcasecmp(r->priv->hdr_names[i], name) == 0) return r->priv->hdr_values[i];
    return NULL;
}

/* Posts the url-encoded form to /lang as an anonymous visitor; returns the
 * Location it redirects to (a static copy), or NULL when it did not redirect. */
static const char *lang_redirect(const char *form) {
    static char location[256];
    const Route *rt = find_route(&org_page_route_table, "POST", "/lang");
    assert_non_null(rt);
    Req *r = web_cli_request(NULL);
    r->who = NULL;
    r->method = "POST";
    r->path = "/lang";
    r->is_api = false;
    buf_puts(&r->priv->body, form);
    req_parse_form(r);
    int rc = rt->handler(r);
    const char *loc = rc == 0 && r->priv->status == 303 ? header(r, "Location") : NULL;
    if (loc) snprintf(location, sizeof location, "%s", loc);
    web_cli_request_free(r);
    return loc ? location : NULL;
}

static void test_org_lang_redirects_to_local_next(void **state) {
    (void)state;
    assert_string_equal(lang_redirect("locale=en&next=%2Fpeople%2F3"), "/people/3");
    assert_string_equal(lang_redirect("locale=zh-CN&next=/teams?x=1"), "/teams?x=1");
    assert_string_equal(lang_redirect("locale=en"), "/");
}

static void test_org_lang_refuses_unknown_locale(void **state) {
    (void)state;
    assert_null(lang_redirect("locale=fr&next=/"));
}

static void test_org_lang_refuses_offsite_next(void **state) {
    (void)state;
    const char *offsite[] = {"https://evil.example/", "//evil.example/", "/\\evil.example/", "evil.example",
                             "/%0d%0aSet-Cookie:x=1", "javascript:alert(1)", ""};
    for (size_t i = 0; i < sizeof offsite / sizeof offsite[0]; i++) {
        char form[128];
        snprintf(form, sizeof form, "locale=en&next=%s", offsite[i]);
        const char *loc = lang_redirect(form);
        assert_non_null(loc);
        if (strcmp(loc, "/") != 0) fail_msg("next=%s redirected to %s", offsite[i], loc);
    }
}

/* Regression (fixed; was a bug in src/org/org_page.c:40-44, safe_next): browsers remove ASCII tab and
 * newline characters from a URL before resolving it (WHATWG URL §4.4), so a
 * next of "/<TAB>/evil.example" becomes "//evil.example" — another site. The
 * check refuses "\r" and "\n" but not "\t". Fix: refuse any control
 * character (utf8_has_control(next, strlen(next))) in addition to the
 * leading "//" and "/\" checks. */
static void test_org_lang_refuses_next_that_browsers_turn_offsite(void **state) {
    (void)state;
    const char *sneaky[] = {"/%09/evil.example/", "/%09%5Cevil.example/"};
    for (size_t i = 0; i < sizeof sneaky / sizeof sneaky[0]; i++) {
        char form[128];
        snprintf(form, sizeof form, "locale=en&next=%s", sneaky[i]);
        const char *loc = lang_redirect(form);
        assert_non_null(loc);
        if (strcmp(loc, "/") != 0) fail_msg("next=%s redirected to \"%s\"", sneaky[i], loc);
    }
}

static void test_org_lang_sets_language_cookie(void **state) {
    (void)state;
    const Route *rt = find_route(&org_page_route_table, "POST", "/lang");
    assert_non_null(rt);
    assert_true(rt->access & ACC_PUBLIC);
    Req *r = web_cli_request(NULL);
    r->who = NULL;
    r->is_api = false;
    buf_puts(&r->priv->body, "locale=zh-CN");
    req_parse_form(r);
    assert_int_equal(rt->handler(r), 0);
    assert_int_equal(r->priv->n_set_cookie, 1);
    assert_non_null(strstr(r->priv->set_cookie[0], "opsdesk_lang=zh-CN;"));
    assert_non_null(strstr(r->priv->set_cookie[0], "SameSite=Lax"));
    web_cli_request_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_lang_redirects_to_local_next),
        cmocka_unit_test(test_org_lang_refuses_unknown_locale),
        cmocka_unit_test(test_org_lang_refuses_offsite_next),
        cmocka_unit_test(test_org_lang_refuses_next_that_browsers_turn_offsite),
        cmocka_unit_test(test_org_lang_sets_language_cookie),
    };
    return UNIT_RUN("org", tests);
}
