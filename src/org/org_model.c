/* org_model.c — teams, people, tokens and audit queries and rules. Every
 * change runs in one write transaction with its audit row; updates check
 * the row version (optimistic concurrency) and fail with 412 when stale.
 * No HTML or HTTP here: errors are reported through req_fail(). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../web/web_auth.h"
#include "org.h"

#define DB_FAIL(r) req_fail((r), 503, NULL, "error.db_unavailable")

enum { ORG_LOCK_ADMINS = 0x6f726701 }; /* db_lock_key: changes that may remove an admin */

/* Audit snapshots: the API's JSON of the record, in arena memory. */
static const char *team_snapshot(Req *r, const Team *t) {
    JsonText jt;
    org_team_json(jw_text_begin(&jt), t);
    return jw_text_end(&jt, r->arena);
}
static const char *user_snapshot(Req *r, const User *u) {
    JsonText jt;
    org_user_json(jw_text_begin(&jt), u);
    return jw_text_end(&jt, r->arena);
}

/* ======================= teams ======================= */

static void team_from_row(Req *r, DbStmt *st, Team *t) {
    t->id = db_col_int(st, 0);
    t->parent_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
    t->name = arena_strdup(r->arena, db_col_text(st, 2));
    t->path = arena_strdup(r->arena, db_col_text(st, 3));
    t->version = db_col_int(st, 4);
    t->created_at = db_col_int(st, 5);
    t->updated_at = db_col_int(st, 6);
    t->n_members = db_col_int(st, 7);
    int slashes = 0;
    for (const char *p = t->path; *p; p++) slashes += *p == '/';
    t->depth = slashes >= 2 ? slashes - 2 : 0;
}

void org_team_json(JsonW *w, const Team *t) {
    jw_obj_begin(w);
    jw_kint(w, "id", t->id);
    jw_kid_or_null(w, "parent_id", t->parent_id);
    jw_kstr(w, "name", t->name);
    jw_kstr(w, "path", t->path);
    jw_kint(w, "depth", t->depth);
    jw_kint(w, "members", t->n_members);
    jw_kint(w, "version", t->version);
    jw_ktime(w, "created_at", t->created_at);
    jw_ktime(w, "updated_at", t->updated_at);
    jw_obj_end(w);
}

static int cmp_team_name(const void *a, const void *b) {
    const Team *x = *(Team *const *)a, *y = *(Team *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Depth-first walk writing teams in tree order, siblings sorted by name. */
static void tree_order(Team **sorted, int n, int64_t parent_id, Team *out, int *k, int depth) {
    for (int i = 0; i < n; i++) {
        if (sorted[i]->parent_id != parent_id || sorted[i]->depth != depth) continue;
        out[(*k)++] = *sorted[i];
        tree_order(sorted, n, sorted[i]->id, out, k, depth + 1);
    }
}

int org_teams_list(Req *r, const char *root_path, Team **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT t.id, t.parent_id, t.name, t.path, t.version, t.created_at, t.updated_at,"
                   " (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id AND u.disabled = 0"
                   " AND u.deleted_at IS NULL)"
                   " FROM teams t WHERE t.deleted_at IS NULL"
                   " AND (CAST(?1 AS TEXT) IS NULL OR t.path LIKE ?1 || '%') ORDER BY t.path",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, root_path);
    int cap = 64, count = 0;
    Team *rows = arena_alloc(r->arena, sizeof *rows * (size_t)cap);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (count == cap) {
            Team *bigger = arena_alloc(r->arena, sizeof *rows * (size_t)cap * 2);
            memcpy(bigger, rows, sizeof *rows * (size_t)cap);
            rows = bigger, cap *= 2;
        }
        team_from_row(r, st, &rows[count++]);
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    /* Sort siblings by name; the scope root's depth is the minimum depth. */
    Team **sorted = arena_alloc(r->arena, sizeof *sorted * (size_t)(count + 1));
    int min_depth = 1 << 30;
    for (int i = 0; i < count; i++) {
        sorted[i] = &rows[i];
        if (rows[i].depth < min_depth) min_depth = rows[i].depth;
    }
    qsort(sorted, (size_t)count, sizeof *sorted, cmp_team_name);
    Team *ordered = arena_alloc(r->arena, sizeof *ordered * (size_t)(count + 1));
    int k = 0;
    for (int i = 0; i < count; i++) {
        if (sorted[i]->depth != min_depth) continue;
        ordered[k++] = *sorted[i];
        tree_order(sorted, count, sorted[i]->id, ordered, &k, min_depth + 1);
    }
    *out = ordered;
    *n = k;
    return 0;
}

int org_team_get(Req *r, int64_t id, Team *t) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT t.id, t.parent_id, t.name, t.path, t.version, t.created_at, t.updated_at,"
                   " (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id AND u.disabled = 0"
                   " AND u.deleted_at IS NULL)"
                   " FROM teams t WHERE t.id = ?1 AND t.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) team_from_row(r, st, t);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

/* 0 when no live sibling under parent_id (0: top level) has the name. */
static int team_name_taken(Req *r, const char *name, int64_t parent_id, int64_t except_id, bool *taken) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT 1 FROM teams WHERE deleted_at IS NULL AND name = ?1 AND COALESCE(parent_id, 0) = ?2"
                   " AND id <> ?3",
                   &st) != DB_OK)
        return -1;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, parent_id);
    db_bind_int(st, 3, except_id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return -1;
    *taken = rc == DB_ROW;
    return 0;
}

int org_team_create(Req *r, const char *name, int64_t parent_id, Team *out) {
    const char *parent_path = "/";
    if (parent_id && !(parent_path = web_team_path(r, parent_id)))
        return req_fail(r, 422, "parent_id", "error.team_unknown");
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    bool taken = false;
    if (team_name_taken(r, name, parent_id, 0, &taken) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (taken) return req_fail_tx(r, 409, "name", "error.team_name_taken");
    int64_t now = time_now_ms(), id = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO teams (parent_id, name, path, version, created_at, updated_at)"
                   " VALUES (?1, ?2, '', 1, ?3, ?3) RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int_or_null(st, 1, parent_id);
    db_bind_text(st, 2, name);
    db_bind_int(st, 3, now);
    int step = db_step(st);
    if (step == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    /* The unique index on live sibling names settles concurrent creates. */
    if (step == DB_CONSTRAINT) return req_fail_tx(r, 409, "name", "error.team_name_taken");
    if (!id) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    char *path = arena_printf(r->arena, "%s%lld/", parent_path, (long long)id);
    if (db_prepare(r->db, "UPDATE teams SET path = ?1 WHERE id = ?2", &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, path);
    db_bind_int(st, 2, id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (org_team_get(r, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    return web_audit_commit(r, "create", "team", id, NULL, team_snapshot(r, out));
}

int org_team_update(Req *r, int64_t id, int64_t expected_version, const char *name, bool move, int64_t new_parent_id,
                    Team *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Team before;
    int rc = org_team_get(r, id, &before);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    const char *new_name = name ? name : before.name;
    int64_t parent_id = move ? new_parent_id : before.parent_id;
    const char *new_path = before.path;
    if (move && parent_id != before.parent_id) {
        if (parent_id == 0) {
            if (!r->who || r->who->role != ROLE_ADMIN) return req_fail_tx(r, 403, "parent_id", "error.forbidden");
            new_path = arena_printf(r->arena, "/%lld/", (long long)id);
        } else {
            const char *parent_path = web_team_path(r, parent_id);
            if (!parent_path || !web_can_read_team(r, parent_id))
                return req_fail_tx(r, 422, "parent_id", "error.team_unknown");
            if (!web_can_manage_team(r, parent_id)) return req_fail_tx(r, 403, "parent_id", "error.forbidden");
            if (strncmp(parent_path, before.path, strlen(before.path)) == 0)
                return req_fail_tx(r, 422, "parent_id", "error.team_cycle");
            new_path = arena_printf(r->arena, "%s%lld/", parent_path, (long long)id);
        }
    }
    bool taken = false;
    if (team_name_taken(r, new_name, parent_id, id, &taken) != 0)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (taken) return req_fail_tx(r, 409, "name", "error.team_name_taken");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE teams SET name = ?1, parent_id = ?2, version = version + 1, updated_at = ?3"
                   " WHERE id = ?4 AND version = ?5 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, new_name);
    db_bind_int_or_null(st, 2, parent_id);
    db_bind_int(st, 3, time_now_ms());
    db_bind_int(st, 4, id);
    db_bind_int(st, 5, expected_version);
    rc = db_step(st);
    db_finalize(st);
    if (rc == DB_CONSTRAINT) return req_fail_tx(r, 409, "name", "error.team_name_taken");
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    /* No row: a concurrent writer won between the read and this update
     * (PostgreSQL re-checks the WHERE after waiting for its row lock). */
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    if (strcmp(new_path, before.path) != 0) {
        /* Re-root the whole subtree: every path starting with the old one. */
        if (db_prepare(r->db,
                       "UPDATE teams SET path = ?1 || substr(path, CAST(?2 AS INTEGER)) WHERE path LIKE ?3 || '%'",
                       &st) != DB_OK)
            return req_fail_tx(r, 503, NULL, "error.db_unavailable");
        db_bind_text(st, 1, new_path);
        db_bind_int(st, 2, (int64_t)strlen(before.path) + 1);
        db_bind_text(st, 3, before.path);
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    }
    if (org_team_get(r, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    return web_audit_commit(r, "update", "team", id, team_snapshot(r, &before), team_snapshot(r, out));
}

int org_team_delete(Req *r, int64_t id, int64_t expected_version) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Team before;
    int rc = org_team_get(r, id, &before);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    int64_t n = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT (SELECT COUNT(*) FROM teams WHERE parent_id = ?1 AND deleted_at IS NULL)"
                   " + (SELECT COUNT(*) FROM users WHERE team_id = ?1 AND deleted_at IS NULL)",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, id);
    if (db_step(st) == DB_ROW) n = db_col_int(st, 0);
    db_finalize(st);
    if (n > 0) return req_fail_tx(r, 409, NULL, "error.team_not_empty");
    /* 412 when it lost a race (see org_team_update) */
    if (web_soft_delete(r,
                        "UPDATE teams SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                        " AND deleted_at IS NULL RETURNING id",
                        id, expected_version) != 0)
        return -1;
    return web_audit_commit(r, "delete", "team", id, team_snapshot(r, &before), NULL);
}

/* ======================= people ======================= */

bool org_role_valid(const char *role) {
    return role && (strcmp(role, "admin") == 0 || strcmp(role, "supervisor") == 0 || strcmp(role, "member") == 0 ||
                    strcmp(role, "viewer") == 0);
}

static void user_from_row(Req *r, DbStmt *st, User *u) {
    u->id = db_col_int(st, 0);
    u->login = arena_strdup(r->arena, db_col_text(st, 1));
    u->name = arena_strdup(r->arena, db_col_text(st, 2));
    u->email = arena_strdup(r->arena, db_col_text(st, 3));
    u->role = arena_strdup(r->arena, db_col_text(st, 4));
    u->team_id = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
    u->team_name = arena_strdup(r->arena, db_col_text(st, 6));
    u->locale = arena_strdup(r->arena, db_col_text(st, 7));
    u->disabled = db_col_int(st, 8) != 0;
    u->version = db_col_int(st, 9);
    u->created_at = db_col_int(st, 10);
    u->updated_at = db_col_int(st, 11);
}

void org_user_json(JsonW *w, const User *u) {
    jw_obj_begin(w);
    jw_kint(w, "id", u->id);
    jw_kstr(w, "login", u->login);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "email", u->email);
    jw_kstr(w, "role", u->role);
    jw_kid_or_null(w, "team_id", u->team_id);
    jw_kstr(w, "team_name", u->team_name);
    jw_kstr(w, "locale", u->locale);
    jw_kbool(w, "disabled", u->disabled);
    jw_kint(w, "version", u->version);
    jw_ktime(w, "created_at", u->created_at);
    jw_ktime(w, "updated_at", u->updated_at);
    jw_obj_end(w);
}

/* Fills u from the current row without copying: strings point into the
 * statement and live until its next step. */
static void user_view_row(DbStmt *st, User *u) {
    u->id = db_col_int(st, 0);
    u->login = db_col_text(st, 1);
    u->name = db_col_text(st, 2);
    u->email = db_col_text(st, 3);
    u->role = db_col_text(st, 4);
    u->team_id = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
    u->team_name = db_col_text(st, 6);
    u->locale = db_col_text(st, 7);
    u->disabled = db_col_int(st, 8) != 0;
    u->version = db_col_int(st, 9);
    u->created_at = db_col_int(st, 10);
    u->updated_at = db_col_int(st, 11);
}

int org_users_each(Req *r, const UserFilter *f, void (*fn)(Req *r, const User *u, void *ctx), void *ctx) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, u.login, u.name, u.email, u.role, u.team_id, t.name, u.locale, u.disabled,"
                   " u.version, u.created_at, u.updated_at"
                   " FROM users u LEFT JOIN teams t ON t.id = u.team_id"
                   " WHERE u.deleted_at IS NULL AND u.id > ?1"
                   " AND (CAST(?2 AS TEXT) IS NULL OR t.path LIKE ?2 || '%')"
                   " AND (?3 = 0 OR u.team_id = ?3)"
                   " AND (CAST(?4 AS TEXT) IS NULL OR u.role = ?4)"
                   " AND (CAST(?5 AS TEXT) IS NULL OR instr(lower(u.name), lower(?5)) > 0"
                   "      OR instr(u.login, lower(?5)) > 0)"
                   " AND (?6 = 1 OR u.disabled = 0)"
                   " ORDER BY u.id LIMIT ?7",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, f->after_id);
    db_bind_text(st, 2, f->team_path);
    db_bind_int(st, 3, f->team_id);
    db_bind_text(st, 4, f->role);
    db_bind_text(st, 5, f->q);
    db_bind_int(st, 6, f->include_disabled ? 1 : 0);
    db_bind_int(st, 7, f->limit);
    int rc;
    User u;
    while ((rc = db_step(st)) == DB_ROW) {
        user_view_row(st, &u);
        fn(r, &u, ctx);
    }
    db_finalize(st);
    return rc < 0 ? DB_FAIL(r) : 0;
}

typedef struct UserCollect {
    User *rows;
    int n, cap;
} UserCollect;

static void collect_user(Req *r, const User *u, void *ctx) {
    UserCollect *c = ctx;
    if (c->n >= c->cap) return;
    User *d = &c->rows[c->n++];
    *d = *u;
    d->login = arena_strdup(r->arena, u->login);
    d->name = arena_strdup(r->arena, u->name);
    d->email = arena_strdup(r->arena, u->email);
    d->role = arena_strdup(r->arena, u->role);
    d->team_name = arena_strdup(r->arena, u->team_name);
    d->locale = arena_strdup(r->arena, u->locale);
}

int org_users_list(Req *r, const UserFilter *f, User **out, int *n) {
    UserCollect c = {arena_alloc(r->arena, sizeof(User) * (size_t)(f->limit + 1)), 0, f->limit};
    if (org_users_each(r, f, collect_user, &c) != 0) return -1;
    *out = c.rows;
    *n = c.n;
    return 0;
}

int org_user_get(Req *r, int64_t id, User *u) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, u.login, u.name, u.email, u.role, u.team_id, t.name, u.locale, u.disabled,"
                   " u.version, u.created_at, u.updated_at"
                   " FROM users u LEFT JOIN teams t ON t.id = u.team_id WHERE u.id = ?1 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) user_from_row(r, st, u);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

static bool login_valid(const char *s) {
    size_t n = strlen(s);
    if (n < 2 || n > 64) return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

static bool email_valid(const char *s) {
    const char *at = strchr(s, '@');
    return at && at != s && strchr(at + 1, '.') && !strchr(at + 1, '@') && strlen(s) <= 254 && !strchr(s, ' ');
}

/* Shared checks of create and update; adds field errors. */
static void check_user_input(Req *r, const UserInput *in, bool creating) {
    if (creating && (!in->login || !login_valid(in->login))) req_error(r, "login", "error.login_format");
    if ((creating || in->has_email) && in->email && !email_valid(in->email))
        req_error(r, "email", "error.email_format");
    if ((creating || in->has_role) && !org_role_valid(in->role)) req_error(r, "role", "error.role_unknown");
    if ((creating || in->has_locale) && in->locale && !i18n_supported(in->locale))
        req_error(r, "locale", "error.locale_unknown");
    if (creating && in->password) {
        const char *problem = auth_password_problem(in->password);
        if (problem) req_error(r, "password", problem);
    }
    bool granting_admin = in->role && strcmp(in->role, "admin") == 0 && (creating || in->has_role);
    if (granting_admin && (!r->who || r->who->role != ROLE_ADMIN)) req_error(r, "role", "error.admin_only");
}

static int64_t active_admins(Req *r) {
    int64_t n = 0;
    db_query_int(r->db, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND deleted_at IS NULL", &n);
    return n;
}

int org_user_create(Req *r, const UserInput *in, User *out) {
    check_user_input(r, in, true);
    if (in->team_id) {
        if (!web_team_path(r, in->team_id)) req_error(r, "team_id", "error.team_unknown");
    } else if (!r->who || r->who->role != ROLE_ADMIN || strcmp(in->role ? in->role : "", "admin") != 0) {
        req_error(r, "team_id", "error.required");
    }
    if (req_failed(r, 422)) return -1;
    char hash[AUTH_HASH_LEN] = "";
    if (in->password && auth_password_hash(in->password, hash) != 0) return req_fail(r, 503, NULL, "error.internal");
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    DbStmt *st;
    int64_t now = time_now_ms(), id = 0;
    if (db_prepare(r->db,
                   "INSERT INTO users (login, name, email, role, team_id, locale, password_hash, disabled, version,"
                   " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 1, ?8, ?8) RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, in->login);
    db_bind_text(st, 2, in->name);
    db_bind_text(st, 3, in->email);
    db_bind_text(st, 4, in->role);
    db_bind_int_or_null(st, 5, in->team_id);
    db_bind_text(st, 6, in->locale ? i18n_supported(in->locale) : NULL);
    db_bind_text(st, 7, hash[0] ? hash : NULL);
    db_bind_int(st, 8, now);
    int rc = db_step(st);
    if (rc == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (rc == DB_CONSTRAINT) return req_fail_tx(r, 409, "login", "error.login_taken");
    if (!id) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (org_user_get(r, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    return web_audit_commit(r, "create", "user", id, NULL, user_snapshot(r, out));
}

int org_user_update(Req *r, int64_t id, int64_t expected_version, const UserInput *in, User *out) {
    check_user_input(r, in, false);
    if (req_failed(r, 422)) return -1;
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    User before;
    int rc = org_user_get(r, id, &before);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    bool caller_admin = r->who && r->who->role == ROLE_ADMIN;
    bool self = r->who && r->who->user_id == id;
    if (strcmp(before.role, "admin") == 0 && !caller_admin && !self)
        return req_fail_tx(r, 403, NULL, "error.admin_only");
    User after = before;
    if (in->has_name) after.name = in->name;
    if (in->has_email) after.email = in->email;
    if (in->has_locale) after.locale = in->locale ? i18n_supported(in->locale) : NULL;
    if (in->has_role && strcmp(in->role, before.role) != 0) {
        if (self) return req_fail_tx(r, 422, "role", "error.own_role");
        after.role = in->role;
    }
    if (in->has_team && in->team_id != before.team_id) {
        if (in->team_id == 0) {
            if (strcmp(after.role, "admin") != 0) return req_fail_tx(r, 422, "team_id", "error.required");
        } else if (!web_team_path(r, in->team_id) || !web_can_read_team(r, in->team_id)) {
            return req_fail_tx(r, 422, "team_id", "error.team_unknown");
        } else if (!web_can_manage_team(r, in->team_id)) {
            return req_fail_tx(r, 403, "team_id", "error.forbidden");
        }
        after.team_id = in->team_id;
    }
    if (in->has_disabled && in->disabled != before.disabled) {
        if (self) return req_fail_tx(r, 422, "disabled", "error.disable_self");
        after.disabled = in->disabled;
    }
    bool loses_admin =
        strcmp(before.role, "admin") == 0 && !before.disabled && (strcmp(after.role, "admin") != 0 || after.disabled);
    /* Two admins demoting each other at once must not both succeed: the count
     * is taken under a lock every such change takes (PostgreSQL). */
    if (loses_admin && db_lock_key(r->db, ORG_LOCK_ADMINS) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (loses_admin && active_admins(r) <= 1) return req_fail_tx(r, 409, "role", "error.last_admin");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE users SET name = ?1, email = ?2, role = ?3, team_id = ?4, locale = ?5, disabled = ?6,"
                   " version = version + 1, updated_at = ?7 WHERE id = ?8 AND version = ?9 RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, after.name);
    db_bind_text(st, 2, after.email);
    db_bind_text(st, 3, after.role);
    db_bind_int_or_null(st, 4, after.team_id);
    db_bind_text(st, 5, after.locale);
    db_bind_int(st, 6, after.disabled ? 1 : 0);
    db_bind_int(st, 7, time_now_ms());
    db_bind_int(st, 8, id);
    db_bind_int(st, 9, expected_version);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale"); /* lost a race (see org_team_update) */
    if (after.disabled && !before.disabled) {
        /* A disabled person is logged out everywhere and their tokens stop working. */
        if (auth_revoke_sessions(r->db, id, 0) != DB_OK) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
        if (db_prepare(r->db, "UPDATE api_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL", &st) !=
            DB_OK)
            return req_fail_tx(r, 503, NULL, "error.db_unavailable");
        db_bind_int(st, 1, time_now_ms());
        db_bind_int(st, 2, id);
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    }
    if (org_user_get(r, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    return web_audit_commit(r, "update", "user", id, user_snapshot(r, &before), user_snapshot(r, out));
}

bool org_user_check_password(Req *r, int64_t id, const char *password) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT password_hash FROM users WHERE id = ?1", &st) != DB_OK) return false;
    db_bind_int(st, 1, id);
    char *hash = NULL;
    if (db_step(st) == DB_ROW) hash = arena_strdup(r->arena, db_col_text(st, 0));
    db_finalize(st);
    return hash && password && auth_password_verify(hash, password);
}

int org_user_set_password(Req *r, int64_t id, const char *password, int64_t keep_session) {
    const char *problem = auth_password_problem(password);
    if (problem) return req_fail(r, 422, "password", problem);
    char hash[AUTH_HASH_LEN];
    if (auth_password_hash(password, hash) != 0) return req_fail(r, 503, NULL, "error.internal");
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE users SET password_hash = ?1, version = version + 1, updated_at = ?2"
                   " WHERE id = ?3 AND deleted_at IS NULL",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, time_now_ms());
    db_bind_int(st, 3, id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (auth_revoke_sessions(r->db, id, keep_session) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    return web_audit_commit(r, "password", "user", id, NULL, NULL);
}

/* ======================= tokens ======================= */

int org_tokens_list(Req *r, int64_t user_id, Token **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.id, k.user_id, k.created_at, k.last_used_at, k.revoked_at, k.name, k.prefix, u.name"
                   " FROM api_tokens k JOIN users u ON u.id = k.user_id"
                   " WHERE (?1 = 0 OR k.user_id = ?1) ORDER BY k.revoked_at IS NOT NULL, k.id DESC LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, user_id);
    Token *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 500) {
        Token *t = &rows[count++];
        t->id = db_col_int(st, 0);
        t->user_id = db_col_int(st, 1);
        t->created_at = db_col_int(st, 2);
        t->last_used_at = db_col_int(st, 3);
        t->revoked_at = db_col_int(st, 4);
        t->name = arena_strdup(r->arena, db_col_text(st, 5));
        t->prefix = arena_strdup(r->arena, db_col_text(st, 6));
        t->user_name = arena_strdup(r->arena, db_col_text(st, 7));
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = count;
    return 0;
}

int org_token_get(Req *r, int64_t id, Token *t) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id, user_id, created_at, revoked_at, name, prefix FROM api_tokens WHERE id = ?1",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        memset(t, 0, sizeof *t);
        t->id = db_col_int(st, 0);
        t->user_id = db_col_int(st, 1);
        t->created_at = db_col_int(st, 2);
        t->revoked_at = db_col_int(st, 3);
        t->name = arena_strdup(r->arena, db_col_text(st, 4));
        t->prefix = arena_strdup(r->arena, db_col_text(st, 5));
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

int org_token_revoke(Req *r, int64_t id) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    DbStmt *st;
    if (db_prepare(r->db, "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == DB_DONE) { /* already revoked: idempotent, nothing to audit */
        db_rollback(r->db);
        return 0;
    }
    return web_audit_commit(r, "revoke", "token", id, NULL, NULL);
}

/* ======================= audit ======================= */

int org_audit_list(Req *r, const AuditFilter *f, AuditEntry **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT a.id, a.at, a.user_id, a.entity_id, u.name, a.action, a.entity, a.before_json,"
                   " a.after_json, a.ip FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
                   " WHERE (?1 = 0 OR a.id < ?1) AND (?2 = 0 OR a.user_id = ?2)"
                   " AND (CAST(?3 AS TEXT) IS NULL OR a.entity = ?3) AND (?4 = 0 OR a.entity_id = ?4)"
                   " AND (?5 = 0 OR a.at >= ?5) AND (?6 = 0 OR a.at < ?6)"
                   " ORDER BY a.id DESC LIMIT ?7",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, f->before_id);
    db_bind_int(st, 2, f->user_id);
    db_bind_text(st, 3, f->entity);
    db_bind_int(st, 4, f->entity_id);
    db_bind_int(st, 5, f->from_ms);
    db_bind_int(st, 6, f->to_ms);
    db_bind_int(st, 7, f->limit);
    AuditEntry *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f->limit + 1));
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < f->limit) {
        AuditEntry *e = &rows[count++];
        e->id = db_col_int(st, 0);
        e->at = db_col_int(st, 1);
        e->user_id = db_col_int(st, 2);
        e->entity_id = db_col_int(st, 3);
        e->user_name = arena_strdup(r->arena, db_col_text(st, 4));
        e->action = arena_strdup(r->arena, db_col_text(st, 5));
        e->entity = arena_strdup(r->arena, db_col_text(st, 6));
        e->before_json = arena_strdup(r->arena, db_col_text(st, 7));
        e->after_json = arena_strdup(r->arena, db_col_text(st, 8));
        e->ip = arena_strdup(r->arena, db_col_text(st, 9));
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = count;
    return 0;
}

/* ======================= scope resolvers ======================= */

static int64_t body_or_form_int(Req *r, const char *key) {
    if (r->is_api) {
        json_t *v = json_object_get(req_json(r), key);
        return json_is_integer(v) ? json_integer_value(v) : 0;
    }
    const char *s = req_form(r, key);
    return s ? strtoll(s, NULL, 10) : 0;
}

int org_scope_team(Req *r, int64_t *team_id) {
    if (req_path_id(r, "id", team_id) != 0) return -1;
    if (!web_team_path(r, *team_id)) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

int org_scope_user(Req *r, int64_t *team_id) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    User u;
    int rc = org_user_get(r, id, &u);
    if (rc < 0) return rc;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    /* People with no team (admins) are visible to admins only. */
    *team_id = u.team_id;
    if (!u.team_id && (!r->who || r->who->role != ROLE_ADMIN)) return req_fail(r, 404, NULL, "error.not_found");
    if (!u.team_id) *team_id = -1;
    return 0;
}

int org_scope_team_parent(Req *r, int64_t *team_id) {
    int64_t parent = body_or_form_int(r, "parent_id");
    if (parent > 0) {
        if (!web_team_path(r, parent)) return req_fail(r, 422, "parent_id", "error.team_unknown");
        *team_id = parent;
        return 0;
    }
    if (!r->who || r->who->role != ROLE_ADMIN) return req_fail(r, 403, "parent_id", "error.admin_only");
    *team_id = -1;
    return 0;
}

int org_scope_user_new(Req *r, int64_t *team_id) {
    int64_t t = body_or_form_int(r, "team_id");
    if (t > 0) {
        if (!web_team_path(r, t)) return req_fail(r, 422, "team_id", "error.team_unknown");
        *team_id = t;
        return 0;
    }
    if (!r->who || r->who->role != ROLE_ADMIN) return req_fail(r, 422, "team_id", "error.required");
    *team_id = -1;
    return 0;
}
