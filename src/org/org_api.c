/* org_api.c — JSON routes for teams, people, the caller's profile, API
 * tokens and the audit log. Parse → model → render; nothing else. */
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../web/web_auth.h"
#include "org.h"

/* ---------- helpers ---------- */

static int cursor_param(Req *r, int64_t *after) { return req_query_int(r, "cursor", 0, INT64_MAX, 0, after); }

/* ---------- teams ---------- */

static int org_api_teams_list(Req *r) {
    Team *teams;
    int n;
    if (org_teams_list(r, web_read_scope(r), &teams, &n) != 0) return -1;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) org_team_json(w, &teams[i]);
    return res_list_send(r, false, 0);
}

static int reply_team(Req *r, const Team *t, int status) {
    res_etag(r, t->version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/teams/%lld", (long long)t->id));
    org_team_json(res_json(r), t);
    return res_json_send(r, status);
}

static int org_api_teams_show(Req *r) {
    int64_t id;
    Team t;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = org_team_get(r, id, &t);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_team(r, &t, 200);
}

static int org_api_teams_create(Req *r) {
    static const char *const fields[] = {"name", "parent_id", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *name = NULL;
    int64_t parent_id = 0;
    if (req_json_str(r, body, "name", 1, 100, true, &name, NULL) != 0) return -1;
    if (req_json_int(r, body, "parent_id", 1, INT64_MAX, false, &parent_id, NULL, &(bool){0}) != 0) return -1;
    Team t;
    if (org_team_create(r, name, parent_id, &t) != 0) return -1;
    return reply_team(r, &t, 201);
}

static int org_api_teams_update(Req *r) {
    static const char *const fields[] = {"name", "parent_id", NULL};
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *name = NULL;
    bool has_parent = false, parent_null = false;
    int64_t parent_id = 0;
    if (req_json_str(r, body, "name", 1, 100, false, &name, NULL) != 0) return -1;
    if (req_json_int(r, body, "parent_id", 1, INT64_MAX, false, &parent_id, &has_parent, &parent_null) != 0) return -1;
    Team t;
    if (org_team_update(r, id, version, name, has_parent, parent_null ? 0 : parent_id, &t) != 0) return -1;
    return reply_team(r, &t, 200);
}

static int org_api_teams_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (org_team_delete(r, id, version) != 0) return -1;
    return res_no_content(r);
}

/* ---------- people ---------- */

typedef struct UserStream {
    JsonW *w;
    int limit;       /* rows to write; one more tells that a next page exists */
    int n;           /* rows seen */
    int64_t last_id; /* id of the last row written (the next cursor) */
} UserStream;

static void stream_user(Req *r, const User *u, void *ctx) {
    (void)r;
    UserStream *s = ctx;
    if (++s->n > s->limit) return;
    org_user_json(s->w, u);
    s->last_id = u->id;
}

static int org_api_users_list(Req *r) {
    UserFilter f = {0};
    int64_t limit, team_id, include_disabled;
    if (req_query_int(r, "limit", 1, 200, 50, &limit) != 0 || cursor_param(r, &f.after_id) != 0 ||
        req_query_int(r, "team_id", 1, INT64_MAX, 0, &team_id) != 0 ||
        req_query_int(r, "include_disabled", 0, 1, 0, &include_disabled) != 0)
        return -1;
    f.role = req_query(r, "role");
    if (f.role && !org_role_valid(f.role)) return req_fail(r, 400, "role", "error.role_unknown");
    const char *q = req_query(r, "q");
    if (q && req_check_text(r, "q", q, 0, 100, false, &f.q) != 0)
        return req_fail(r, 400, NULL, NULL); /* a query: 400 */
    if (f.q && !*f.q) f.q = NULL;
    f.team_id = team_id;
    f.include_disabled = include_disabled == 1;
    f.team_path = web_read_scope(r);
    f.limit = (int)limit + 1;
    /* Rows stream straight from the statement into the response. */
    UserStream us = {res_list_begin(r), (int)limit, 0, 0};
    if (org_users_each(r, &f, stream_user, &us) != 0) return -1;
    return res_list_send(r, us.n > limit, us.last_id);
}

static int reply_user(Req *r, const User *u, int status) {
    res_etag(r, u->version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/users/%lld", (long long)u->id));
    org_user_json(res_json(r), u);
    return res_json_send(r, status);
}

static int org_api_users_show(Req *r) {
    int64_t id;
    User u;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = org_user_get(r, id, &u);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_user(r, &u, 200);
}

/* Reads the user fields present in body into in (shared by create and update). */
static int read_user_input(Req *r, json_t *body, bool creating, UserInput *in) {
    bool is_null = false;
    if (req_json_str(r, body, "login", 2, 64, creating, &in->login, NULL) != 0) return -1;
    if (req_json_str(r, body, "name", 1, 100, creating, &in->name, &in->has_name) != 0) return -1;
    if (req_json_str(r, body, "email", 0, 254, false, &in->email, &in->has_email) != 0) return -1;
    if (req_json_str(r, body, "role", 1, 20, creating, &in->role, &in->has_role) != 0) return -1;
    if (req_json_str(r, body, "locale", 0, 10, false, &in->locale, &in->has_locale) != 0) return -1;
    if (req_json_int(r, body, "team_id", 1, INT64_MAX, false, &in->team_id, &in->has_team, &is_null) != 0) return -1;
    if (is_null) in->team_id = 0;
    if (creating && req_json_str(r, body, "password", 1, 1000, false, &in->password, NULL) != 0) return -1;
    if (!creating && req_json_bool(r, body, "disabled", false, &in->disabled, &in->has_disabled) != 0) return -1;
    if (in->email && !*in->email) in->email = NULL;
    if (in->locale && !*in->locale) in->locale = NULL;
    if (in->login) {
        char *lower = arena_strdup(r->arena, in->login);
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        in->login = lower;
    }
    return 0;
}

static int org_api_users_create(Req *r) {
    static const char *const fields[] = {"login", "name", "email", "role", "team_id", "locale", "password", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    UserInput in = {0};
    if (read_user_input(r, body, true, &in) != 0) return -1;
    User u;
    if (org_user_create(r, &in, &u) != 0) return -1;
    return reply_user(r, &u, 201);
}

static int org_api_users_update(Req *r) {
    static const char *const fields[] = {"name", "email", "role", "team_id", "locale", "disabled", NULL};
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    UserInput in = {0};
    if (read_user_input(r, body, false, &in) != 0) return -1;
    User u;
    if (org_user_update(r, id, version, &in, &u) != 0) return -1;
    return reply_user(r, &u, 200);
}

static int org_api_users_password(Req *r) {
    static const char *const fields[] = {"password", NULL};
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *password = NULL;
    if (req_json_str(r, body, "password", 1, 1000, true, &password, NULL) != 0) return -1;
    User u;
    if (org_user_get(r, id, &u) != 0) return req_fail(r, 404, NULL, "error.not_found");
    if (strcmp(u.role, "admin") == 0 && r->who->role != ROLE_ADMIN) return req_fail(r, 403, NULL, "error.admin_only");
    if (org_user_set_password(r, id, password, 0) != 0) return -1;
    return res_no_content(r);
}

/* ---------- me ---------- */

static int org_api_me_show(Req *r) {
    User u;
    int rc = org_user_get(r, r->who->user_id, &u);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_user(r, &u, 200);
}

static int org_api_me_update(Req *r) {
    static const char *const fields[] = {"name", "email", "locale", NULL};
    int64_t version;
    if (req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    UserInput in = {0};
    if (read_user_input(r, body, false, &in) != 0) return -1;
    User u;
    if (org_user_update(r, r->who->user_id, version, &in, &u) != 0) return -1;
    return reply_user(r, &u, 200);
}

static int org_api_me_password(Req *r) {
    static const char *const fields[] = {"current_password", "new_password", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *current = NULL, *next = NULL;
    if (req_json_str(r, body, "current_password", 1, 1000, true, &current, NULL) != 0 ||
        req_json_str(r, body, "new_password", 1, 1000, true, &next, NULL) != 0)
        return -1;
    if (!org_user_check_password(r, r->who->user_id, current))
        return req_fail(r, 422, "current_password", "error.bad_password");
    /* Checked here so that the error names this route's field, not "password". */
    const char *problem = auth_password_problem(next);
    if (problem) return req_fail(r, 422, "new_password", problem);
    /* Every other session ends; the one making the change stays. */
    if (org_user_set_password(r, r->who->user_id, next, r->who->session_id) != 0) return -1;
    return res_no_content(r);
}

/* ---------- tokens ---------- */

static void token_json(JsonW *w, const Token *t) {
    jw_obj_begin(w);
    jw_kint(w, "id", t->id);
    jw_kint(w, "user_id", t->user_id);
    jw_kstr(w, "name", t->name);
    jw_kstr(w, "prefix", t->prefix);
    jw_ktime(w, "created_at", t->created_at);
    jw_ktime(w, "last_used_at", t->last_used_at);
    jw_ktime(w, "revoked_at", t->revoked_at);
    jw_obj_end(w);
}

static int org_api_tokens_list(Req *r) {
    Token *tokens;
    int n;
    if (org_tokens_list(r, r->who->user_id, &tokens, &n) != 0) return -1;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) token_json(w, &tokens[i]);
    return res_list_send(r, false, 0);
}

static int org_api_tokens_create(Req *r) {
    static const char *const fields[] = {"name", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *name = NULL;
    if (req_json_str(r, body, "name", 1, 100, true, &name, NULL) != 0) return -1;
    if (db_begin_write(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    char secret[AUTH_TOKEN_LEN + 8];
    int64_t id = auth_token_create(r->db, r->who->user_id, name, secret);
    if (id <= 0 || web_audit(r, "create", "token", id, NULL, NULL) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, 503, NULL, "error.db_unavailable");
    }
    Token t;
    if (org_token_get(r, id, &t) != 0) return req_fail(r, 503, NULL, "error.db_unavailable");
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_kint(w, "id", t.id);
    jw_kstr(w, "name", t.name);
    jw_kstr(w, "prefix", t.prefix);
    jw_kstr(w, "token", secret); /* shown once; only its hash is stored */
    jw_ktime(w, "created_at", t.created_at);
    jw_obj_end(w);
    res_header(r, "Location", arena_printf(r->arena, "/api/v1/tokens/%lld", (long long)id));
    return res_json_send(r, 201);
}

static int org_api_tokens_revoke(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Token t;
    int rc = org_token_get(r, id, &t);
    if (rc < 0) return rc;
    /* Another person's token does not exist for you, unless you are an admin. */
    if (rc == 1 || (t.user_id != r->who->user_id && r->who->role != ROLE_ADMIN))
        return req_fail(r, 404, NULL, "error.not_found");
    if (org_token_revoke(r, id) != 0) return -1;
    return res_no_content(r);
}

/* ---------- audit ---------- */

static int parse_time_param(Req *r, const char *name, int64_t *out) {
    const char *s = req_query(r, name);
    *out = 0;
    if (!s || !*s) return 0;
    if (time_parse_iso(s, out) != 0) return req_fail(r, 400, name, "error.bad_date");
    return 0;
}

static int org_api_audit_list(Req *r) {
    AuditFilter f = {0};
    int64_t limit;
    if (req_query_int(r, "limit", 1, 200, 50, &limit) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f.before_id) != 0 ||
        req_query_int(r, "user_id", 1, INT64_MAX, 0, &f.user_id) != 0 ||
        req_query_int(r, "entity_id", 1, INT64_MAX, 0, &f.entity_id) != 0 ||
        parse_time_param(r, "from", &f.from_ms) != 0 || parse_time_param(r, "to", &f.to_ms) != 0)
        return -1;
    const char *entity = req_query(r, "entity");
    if (entity && req_check_text(r, "entity", entity, 0, 40, false, &f.entity) != 0)
        return req_fail(r, 400, NULL, NULL);
    if (f.entity && !*f.entity) f.entity = NULL;
    if (f.from_ms && f.to_ms && f.to_ms <= f.from_ms) return req_fail(r, 400, "to", "error.range_order");
    f.limit = (int)limit + 1;
    AuditEntry *rows;
    int n;
    if (org_audit_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) {
        const AuditEntry *e = &rows[i];
        jw_obj_begin(w);
        jw_kint(w, "id", e->id);
        jw_ktime(w, "at", e->at);
        jw_kid_or_null(w, "user_id", e->user_id);
        jw_kstr(w, "user_name", e->user_name);
        jw_kstr(w, "action", e->action);
        jw_kstr(w, "entity", e->entity);
        jw_kint(w, "entity_id", e->entity_id);
        jw_key(w, "before");
        jw_raw_json(w, e->before_json); /* written by this program through jsonw */
        jw_key(w, "after");
        jw_raw_json(w, e->after_json);
        jw_kstr(w, "ip", e->ip);
        jw_obj_end(w);
    }
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
}

static const Route org_api_routes[] = {
    {"GET", "/api/v1/teams", org_api_teams_list, ACCESS_ANY_USER, NULL, 0, true},
    {"POST", "/api/v1/teams", org_api_teams_create, ACCESS_TEAM_MANAGE, org_scope_team_parent, 0, false},
    {"GET", "/api/v1/teams/{id}", org_api_teams_show, ACCESS_TEAM_READ, org_scope_team, 0, true},
    {"PATCH", "/api/v1/teams/{id}", org_api_teams_update, ACCESS_TEAM_MANAGE, org_scope_team, 0, false},
    {"DELETE", "/api/v1/teams/{id}", org_api_teams_delete, ACCESS_TEAM_MANAGE, org_scope_team, 0, false},
    {"GET", "/api/v1/users", org_api_users_list, ACCESS_ANY_USER, NULL, 0, true},
    {"POST", "/api/v1/users", org_api_users_create, ACCESS_TEAM_MANAGE, org_scope_user_new, 0, false},
    {"GET", "/api/v1/users/{id}", org_api_users_show, ACCESS_TEAM_READ, org_scope_user, 0, true},
    {"PATCH", "/api/v1/users/{id}", org_api_users_update, ACCESS_TEAM_MANAGE, org_scope_user, 0, false},
    {"POST", "/api/v1/users/{id}/password", org_api_users_password, ACCESS_TEAM_MANAGE, org_scope_user, 0, false},
    {"GET", "/api/v1/me", org_api_me_show, ACCESS_ANY_USER, NULL, 0, false},
    {"PATCH", "/api/v1/me", org_api_me_update, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/me/password", org_api_me_password, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/api/v1/tokens", org_api_tokens_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/tokens", org_api_tokens_create, ACCESS_ANY_USER, NULL, 0, false},
    {"DELETE", "/api/v1/tokens/{id}", org_api_tokens_revoke, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/api/v1/audit", org_api_audit_list, ACCESS_ADMIN, NULL, 0, false},
};
ROUTE_TABLE(org_api, org_api_routes);
