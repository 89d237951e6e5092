/* web_router.c — the one place where routes are matched and access is
 * decided: login, role, team scope (deny by default), CSRF and Origin checks
 * for unsafe methods, body parsing, then the handler. Errors recorded by a
 * handler are rendered here as problem+json, an htmx fragment or a page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "../base/i18n.h"
#include "../base/log.h"
#include "../base/utf8.h"
#include "web_html.h"
#include "web_internal.h"

enum { MAX_TABLES = 64, MAX_ROUTES = 512 };

typedef struct FlatRoute {
    const Route *route;
    const char *module;
} FlatRoute;

static FlatRoute routes[MAX_ROUTES];
static int n_routes;

void web_register(const RouteTable *t) {
    for (int i = 0; i < t->n_routes && n_routes < MAX_ROUTES; i++)
        routes[n_routes++] = (FlatRoute){&t->routes[i], t->module};
}

int router_route_count(void) { return n_routes; }
const Route *router_route_at(int i) { return i >= 0 && i < n_routes ? routes[i].route : NULL; }
int web_route_count(void) { return n_routes; }
const Route *web_route_at(int i, const char **module) {
    if (i < 0 || i >= n_routes) return NULL;
    if (module) *module = routes[i].module;
    return routes[i].route;
}

static const char *access_name(unsigned a) {
    if (a & ACC_PUBLIC) return "public";
    static char buf[8][64];
    static int next;
    char *b = buf[next++ % 8];
    b[0] = 0;
    if ((a & ACC_ROLES_MASK) == ACCESS_ANY_USER) strcat(b, "any");
    else {
        if (a & ROLE_ADMIN) strcat(b, "admin,");
        if (a & ROLE_SUPERVISOR) strcat(b, "supervisor,");
        if (a & ROLE_MEMBER) strcat(b, "member,");
        if (a & ROLE_VIEWER) strcat(b, "viewer,");
        size_t n = strlen(b);
        if (n) b[n - 1] = 0;
    }
    if (a & ACC_SCOPE_READ) strcat(b, "+team-read");
    if (a & ACC_SCOPE_MANAGE) strcat(b, "+team-manage");
    return b;
}

void web_print_routes(void) {
    for (int i = 0; i < n_routes; i++)
        printf("%-6s %-40s %-28s %s\n", routes[i].route->method, routes[i].route->pattern,
               access_name(routes[i].route->access), routes[i].module);
}

/* Matches one pattern against a path; fills path parameters. */
static bool match_pattern(const char *pattern, const char *path, Req *r) {
    struct ReqPriv *p = r->priv;
    p->n_params = 0;
    const char *pp = pattern, *sp = path;
    while (*pp && *sp) {
        if (*pp == '{') {
            const char *close = strchr(pp, '}');
            if (!close || p->n_params >= MAX_PARAMS) return false;
            const char *seg_end = strchr(sp, '/');
            size_t seg_len = seg_end ? (size_t)(seg_end - sp) : strlen(sp);
            if (seg_len == 0) return false;
            p->param_names[p->n_params] = arena_strndup(r->arena, pp + 1, (size_t)(close - pp - 1));
            p->param_values[p->n_params] = arena_strndup(r->arena, sp, seg_len);
            p->n_params++;
            pp = close + 1;
            sp += seg_len;
            continue;
        }
        if (*pp != *sp) return false;
        pp++, sp++;
    }
    return *pp == 0 && *sp == 0;
}

/* Finds the route; returns 0, 404 (no path) or 405 (path but not method). */
int router_match(const char *method, const char *path, Req *r) {
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool path_seen = false;
    for (int i = 0; i < n_routes; i++) {
        if (!match_pattern(routes[i].route->pattern, path, r)) continue;
        path_seen = true;
        if (strcmp(routes[i].route->method, m) != 0) continue;
        r->route = routes[i].route;
        r->priv->route_index = i;
        if (r->route->max_body) r->priv->max_body = r->route->max_body;
        return 0;
    }
    r->priv->n_params = 0;
    return path_seen ? 405 : 404;
}

/* The methods served at r->path, for the Allow header of a 405 (RFC 9110 §15.5.6). Arena memory. */
static const char *allowed_methods(Req *r) {
    char *out = arena_strdup(r->arena, "");
    for (int i = 0; i < n_routes; i++) {
        if (!match_pattern(routes[i].route->pattern, r->path, r) || strstr(out, routes[i].route->method)) continue;
        bool get = strcmp(routes[i].route->method, "GET") == 0;
        out = arena_printf(r->arena, "%s%s%s%s", out, *out ? ", " : "", routes[i].route->method, get ? ", HEAD" : "");
    }
    r->priv->n_params = 0;
    return out;
}

/* ---------- access ---------- */

static bool path_within(const char *path, const char *root) {
    return path && root && *root && strncmp(path, root, strlen(root)) == 0;
}

const char *web_read_scope(Req *r) {
    if (r->who && r->who->role == ROLE_ADMIN) return NULL;
    return r->who && r->who->team_path && *r->who->team_path ? r->who->team_path : "/nothing/";
}

bool web_can_read_team(Req *r, int64_t team_id) {
    const Principal *w = r->who;
    if (!w) return false;
    if (w->role == ROLE_ADMIN) return true;
    return path_within(web_team_path(r, team_id), w->team_path);
}

bool web_can_manage_team(Req *r, int64_t team_id) {
    const Principal *w = r->who;
    if (!w) return false;
    if (w->role == ROLE_ADMIN) return true;
    if (w->role != ROLE_SUPERVISOR) return false;
    return path_within(web_team_path(r, team_id), w->team_path);
}

/* ---------- scope resolvers' shared steps ---------- */

static int scope_db_fail(Req *r) { return req_fail(r, 503, NULL, "error.db_unavailable"); }

int web_scope_by_id(Req *r, const char *param, const char *sql, int64_t *team_id) {
    int64_t id;
    if (req_path_id(r, param, &id) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db, sql, &st) != DB_OK) return scope_db_fail(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) *team_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return scope_db_fail(r);
    if (rc != DB_ROW) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

/* An id-valued field of the JSON body (API) or the form (pages); 0 when
 * absent or not an integer: the handler validates it properly later. */
static int64_t body_or_form_id(Req *r, const char *key) {
    if (r->is_api) {
        json_t *v = json_object_get(req_json(r), key);
        return json_is_integer(v) ? json_integer_value(v) : 0;
    }
    const char *s = req_form(r, key);
    return s && *s ? strtoll(s, NULL, 10) : 0;
}

int web_scope_new(Req *r, int64_t *team_id) {
    int64_t team = body_or_form_id(r, "team_id"), owner = body_or_form_id(r, "owner_id");
    if (team > 0) {
        if (!web_team_path(r, team)) return req_fail(r, 422, "team_id", "error.team_unknown");
        *team_id = team;
        return 0;
    }
    if (owner > 0) {
        /* A database error here falls back to the caller's team: the
         * handler's own owner check reports it. */
        DbStmt *st;
        if (db_prepare(r->db, "SELECT team_id FROM users WHERE id = ?1 AND disabled = 0 AND deleted_at IS NULL", &st) ==
            DB_OK) {
            db_bind_int(st, 1, owner);
            team = db_step(st) == DB_ROW && !db_col_null(st, 0) ? db_col_int(st, 0) : 0;
            db_finalize(st);
            if (team) {
                *team_id = team;
                return 0;
            }
        }
    }
    *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
    return 0;
}

static bool is_unsafe(const char *method) {
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* Same-origin check: an Origin (or, failing that, Referer) header must name
 * this host. Browsers always send Origin on cross-site unsafe requests. */
static bool origin_ok(Req *r) {
    const char *origin = req_header(r, "Origin");
    if (!origin) origin = req_header(r, "Referer");
    if (!origin || strcmp(origin, "null") == 0) return origin == NULL;
    const char *host = req_header(r, "Host");
    if (!host) return false;
    const char *after = strstr(origin, "://");
    if (!after) return false;
    after += 3;
    size_t hl = strlen(host);
    return strncmp(after, host, hl) == 0 && (after[hl] == 0 || after[hl] == '/');
}

static bool csrf_ok(Req *r) {
    const char *expected = r->who ? r->who->csrf_token : NULL;
    if (!expected) return false;
    const char *got = req_header(r, "X-CSRF-Token");
    if (!got) got = req_form(r, "_csrf");
    if (!got || strlen(got) != strlen(expected)) return false;
    return sodium_memcmp(got, expected, strlen(expected)) == 0;
}

static int check_access(Req *r) {
    const Route *rt = r->route;
    unsigned acc = rt->access;
    /* Unsafe requests from a browser: same origin always; the session's CSRF
     * token whenever the session cookie authenticates the request. */
    if (is_unsafe(r->method) && !r->priv->via_token && !origin_ok(r))
        return req_fail(r, 403, "Origin", "error.foreign_origin");
    if (is_unsafe(r->method) && r->priv->via_cookie && !(acc & ACC_NO_CSRF) && !csrf_ok(r))
        return req_fail(r, 403, "X-CSRF-Token", "error.csrf");
    const char *ctype = req_header(r, "Content-Type");
    bool json_body = r->is_api && is_unsafe(r->method) && ctype && strncmp(ctype, "application/json", 16) == 0;
    if (acc & ACC_PUBLIC) return json_body ? req_parse_json_body(r) : 0;
    if ((acc & ACC_ROLES_MASK) == 0) return req_fail(r, 403, NULL, "error.forbidden"); /* no rule: deny */
    if (!r->who) return req_fail(r, 401, NULL, "error.login_required");
    if (!(acc & (unsigned)r->who->role)) return req_fail(r, 403, NULL, "error.forbidden");
    /* The body is parsed only for callers allowed this far, and before the
     * scope check because a new record's team comes from the body. */
    if (json_body && req_parse_json_body(r) != 0) return -1;
    if (acc & (ACC_SCOPE_READ | ACC_SCOPE_MANAGE)) {
        int64_t team_id = 0;
        if (!rt->scope) return req_fail(r, 403, NULL, "error.forbidden");
        if (rt->scope(r, &team_id) != 0) return -1;
        /* Records outside what the caller may read do not exist for them. */
        if (!web_can_read_team(r, team_id)) return req_fail(r, 404, NULL, "error.not_found");
        if ((acc & ACC_SCOPE_MANAGE) && !web_can_manage_team(r, team_id))
            return req_fail(r, 403, NULL, "error.forbidden");
    }
    return 0;
}

/* MHD_get_connection_values callback: stops at the first query argument that
 * is not valid UTF-8 and stores its name ("query" when the name is the bad part). */
static enum MHD_Result first_bad_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    const char **bad = cls;
    if (key && !utf8_valid(key, strlen(key))) *bad = "query";
    else if (value && !utf8_valid(value, strlen(value))) *bad = key;
    return *bad ? MHD_NO : MHD_YES;
}

int router_dispatch(Req *r) {
    struct ReqPriv *p = r->priv;
    r->is_htmx = req_header(r, "HX-Request") != NULL;
    if (auth_load_principal(r) != 0) {
        router_render_error(r);
        return -1;
    }
    /* Language: the user's preference, else Accept-Language. */
    const char *cookie_locale = i18n_supported(req_cookie(r, "opsdesk_lang"));
    r->locale = (r->who && i18n_supported(r->who->locale)) ? i18n_supported(r->who->locale)
                : cookie_locale                            ? cookie_locale
                                                           : i18n_negotiate(req_header(r, "Accept-Language"));
    if (!utf8_valid(r->path, strlen(r->path))) {
        req_fail(r, 400, "path", "error.invalid_utf8");
        router_render_error(r);
        return -1;
    }
    /* A query value that is not UTF-8 is refused, not silently taken as absent. */
    const char *bad_arg = NULL;
    if (p->conn) MHD_get_connection_values(p->conn, MHD_GET_ARGUMENT_KIND, first_bad_arg, &bad_arg);
    if (bad_arg) {
        req_fail(r, 400, bad_arg, "error.invalid_utf8");
        router_render_error(r);
        return -1;
    }
    int m = router_match(r->method, r->path, r);
    if (m) {
        req_fail(r, m, NULL, m == 404 ? "error.not_found" : "error.method_not_allowed");
        router_render_error(r);
        return -1;
    }
    const char *ctype = req_header(r, "Content-Type");
    if (p->body.len > 0 || (ctype && is_unsafe(r->method))) {
        /* Forms are for pages; the API takes JSON only (415 for a form body). */
        if (ctype && !r->is_api && strncmp(ctype, "application/x-www-form-urlencoded", 33) == 0) req_parse_form(r);
        else if (ctype && !r->is_api && strncasecmp(ctype, "multipart/form-data", 19) == 0) {
            /* Before the access check: the CSRF token is one of the fields. */
            if (req_parse_multipart(r, ctype) != 0) {
                router_render_error(r);
                return -1;
            }
        } else if (r->is_api && is_unsafe(r->method) && !(r->route->access & ACC_RAW_BODY)) {
            if (!ctype || strncmp(ctype, "application/json", 16) != 0) {
                req_fail(r, 415, "Content-Type", "error.json_required");
                router_render_error(r);
                return -1;
            }
        }
    }
    if (check_access(r) != 0) {
        router_render_error(r);
        return -1;
    }
    if (web_cache_response_get(r)) return 0;
    int rc = r->route->handler(r);
    if (rc == 0) web_cache_response_put(r);
    if (rc != 0 || !p->status) {
        if (!p->err_status) {
            log_error("%s %s: handler failed without a status (request %s)", r->method, r->path, r->request_id);
            req_fail(r, 500, NULL, "error.internal");
        }
        router_render_error(r);
        return -1;
    }
    return 0;
}

static const char *status_title_key(int status) {
    switch (status) {
    case 400: return "error.title.400";
    case 401: return "error.title.401";
    case 403: return "error.title.403";
    case 404: return "error.title.404";
    case 405: return "error.title.405";
    case 408: return "error.title.408";
    case 409: return "error.title.409";
    case 412: return "error.title.412";
    case 413: return "error.title.413";
    case 415: return "error.title.415";
    case 422: return "error.title.422";
    case 428: return "error.title.428";
    case 429: return "error.title.429";
    case 503: return "error.title.503";
    default: return "error.title.500";
    }
}

void router_render_error(Req *r) {
    struct ReqPriv *p = r->priv;
    int status = p->err_status ? p->err_status : 500;
    if (status >= 500) /* real faults only: logged with the request id the client sees */
        log_error("%s %s → %d (request %s): %s", r->method, r->path, status, r->request_id,
                  r->db ? db_errmsg(r->db) : "no database connection");
    if (!r->locale) r->locale = "en";
    buf_reset(&p->out);
    p->n_headers = 0;
    p->jw_ready = false;
    if (status == 405) res_header(r, "Allow", allowed_methods(r));
    if (status == 401 && !r->is_api && !r->is_htmx && strcmp(r->method, "GET") == 0) {
        char *next = arena_printf(r->arena, "/login?next=%s", url_encode(r, r->path));
        res_redirect(r, next);
        return;
    }
    /* Unknown paths outside the API get the HTML error page: a browser follows mistyped links. */
    if (r->is_api || strncmp(r->path, "/healthz", 8) == 0 || strncmp(r->path, "/metrics", 8) == 0 ||
        strncmp(r->path, "/assets/", 8) == 0) {
        JsonW *w = res_json(r);
        jw_obj_begin(w);
        jw_kstr(w, "type", "about:blank");
        jw_kstr(w, "title", T(r, status_title_key(status)));
        jw_kint(w, "status", status);
        if (p->n_errors) jw_kstr(w, "detail", p->errors[0].message);
        jw_kstr(w, "instance", r->path);
        jw_kstr(w, "request_id", r->request_id);
        jw_key(w, "errors");
        jw_arr_begin(w);
        for (int i = 0; i < p->n_errors; i++) {
            jw_obj_begin(w);
            jw_kstr(w, "field", p->errors[i].field);
            jw_kstr(w, "message", p->errors[i].message);
            jw_obj_end(w);
        }
        jw_arr_end(w);
        jw_obj_end(w);
        if (status == 401) res_header(r, "WWW-Authenticate", "Bearer realm=\"opsdesk\"");
        res_send(r, status, "application/problem+json");
        return;
    }
    if (r->is_htmx) {
        /* htmx swaps only 2xx by default; the fragment goes to the error area. */
        res_header(r, "HX-Retarget", "#flash");
        res_header(r, "HX-Reswap", "innerHTML");
        html_printf(r, "<div class=\"flash flash-error\" role=\"alert\"><strong>%s</strong>",
                    T(r, status_title_key(status)));
        for (int i = 0; i < p->n_errors; i++) html_printf(r, " %s", p->errors[i].message);
        html_raw(r, "</div>");
        res_send(r, status, "text/html; charset=utf-8");
        return;
    }
    page_begin(r, T(r, status_title_key(status)), NULL);
    html_printf(r, "<section class=\"card error-page\"><h1>%s</h1>", T(r, status_title_key(status)));
    for (int i = 0; i < p->n_errors; i++) html_printf(r, "<p>%s</p>", p->errors[i].message);
    html_printf(r, "<p><a href=\"/\">%s</a></p></section>", T(r, "nav.home"));
    page_end(r);
    res_send(r, status, "text/html; charset=utf-8");
}
