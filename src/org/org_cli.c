/* org_cli.c — the command line's view of teams and people. Each command runs
 * the same model functions as the API (same validation, same audit rows),
 * through a request with no connection whose principal is "the command line". */
#include <stdio.h>
#include <string.h>

#include "../web/web_auth.h"
#include "org.h"

static void copy_error(Req *r, char *msg, size_t n) { snprintf(msg, n, "%s", req_first_error(r)); }

int64_t org_cli_team_by_name(Db *db, const char *name) {
    DbStmt *st;
    if (db_prepare(db, "SELECT id FROM teams WHERE name = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1", &st) != DB_OK)
        return 0;
    db_bind_text(st, 1, name);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    return id;
}

static int64_t user_id_by_login(Db *db, const char *login) {
    DbStmt *st;
    if (db_prepare(db, "SELECT id FROM users WHERE login = ?1 AND deleted_at IS NULL", &st) != DB_OK) return 0;
    db_bind_text(st, 1, login);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    return id;
}

int64_t org_cli_user_add(Db *db, const char *login, const char *name, const char *role, const char *team,
                         const char *password, char *msg, size_t msg_len) {
    Req *r = web_cli_request(db);
    UserInput in = {0};
    int64_t result = -1;
    if (req_check_text(r, "name", name, 1, 100, true, &in.name) != 0) goto done;
    in.login = login;
    in.role = role;
    in.password = password && *password ? password : NULL;
    if (team) {
        in.team_id = org_cli_team_by_name(db, team);
        if (!in.team_id) {
            snprintf(msg, msg_len, "team: no team named '%s'", team);
            web_cli_request_free(r);
            return -1;
        }
    }
    User u;
    if (org_user_create(r, &in, &u) != 0) goto done;
    result = u.id;
done:
    if (result < 0) copy_error(r, msg, msg_len);
    web_cli_request_free(r);
    return result;
}

int org_cli_user_passwd(Db *db, const char *login, const char *password, char *msg, size_t msg_len) {
    int64_t id = user_id_by_login(db, login);
    if (!id) {
        snprintf(msg, msg_len, "login: no person with login '%s'", login);
        return -1;
    }
    Req *r = web_cli_request(db);
    int rc = org_user_set_password(r, id, password, 0);
    if (rc) copy_error(r, msg, msg_len);
    web_cli_request_free(r);
    return rc;
}

int org_cli_user_disable(Db *db, const char *login, char *msg, size_t msg_len) {
    int64_t id = user_id_by_login(db, login);
    if (!id) {
        snprintf(msg, msg_len, "login: no person with login '%s'", login);
        return -1;
    }
    Req *r = web_cli_request(db);
    User u;
    int rc = org_user_get(r, id, &u);
    if (rc == 0) {
        UserInput in = {.has_disabled = true, .disabled = true};
        rc = org_user_update(r, id, u.version, &in, &u);
    }
    if (rc) copy_error(r, msg, msg_len);
    web_cli_request_free(r);
    return rc;
}

int org_cli_user_list(Db *db, FILE *out) {
    Req *r = web_cli_request(db);
    UserFilter f = {.include_disabled = true, .limit = 1000};
    fprintf(out, "%-6s %-20s %-24s %-11s %-20s %s\n", "ID", "LOGIN", "NAME", "ROLE", "TEAM", "STATUS");
    int rc = 0;
    for (;;) {
        User *users;
        int n;
        if ((rc = org_users_list(r, &f, &users, &n)) != 0) break;
        for (int i = 0; i < n; i++)
            fprintf(out, "%-6lld %-20s %-24s %-11s %-20s %s\n", (long long)users[i].id, users[i].login, users[i].name,
                    users[i].role, users[i].team_name ? users[i].team_name : "-",
                    users[i].disabled ? "disabled" : "active");
        if (n < f.limit) break;
        f.after_id = users[n - 1].id;
    }
    if (rc) fprintf(stderr, "opsdesk user list: %s\n", req_first_error(r));
    web_cli_request_free(r);
    return rc ? 1 : 0;
}

int org_cli_token_create(Db *db, const char *login, const char *name, char *token, char *msg, size_t msg_len) {
    int64_t uid = user_id_by_login(db, login);
    if (!uid) {
        snprintf(msg, msg_len, "login: no person with login '%s'", login);
        return -1;
    }
    Req *r = web_cli_request(db);
    int rc = -1;
    if (db_begin_write(db) == DB_OK) {
        int64_t id = auth_token_create(db, uid, name, token);
        if (id > 0 && web_audit(r, "create", "token", id, NULL, NULL) == 0 && db_commit(db) == DB_OK) rc = 0;
        else db_rollback(db);
    }
    if (rc) snprintf(msg, msg_len, "database: %s", db_errmsg(db));
    web_cli_request_free(r);
    return rc;
}

int org_cli_token_revoke(Db *db, int64_t id, char *msg, size_t msg_len) {
    Req *r = web_cli_request(db);
    Token t;
    int rc = org_token_get(r, id, &t);
    if (rc == 1) snprintf(msg, msg_len, "id: no token %lld", (long long)id);
    else if (rc == 0 && (rc = org_token_revoke(r, id)) != 0) copy_error(r, msg, msg_len);
    web_cli_request_free(r);
    return rc;
}
