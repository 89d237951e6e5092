/* web_auth.c — identity: password hashing, sessions, API tokens, throttling.
 * Secrets never reach the database: sessions and tokens are stored as
 * BLAKE2b hashes, passwords as argon2id strings. */
#include "web_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "web_internal.h"

#define SESSION_COOKIE "opsdesk_session"

int auth_password_hash(const char *password, char out[AUTH_HASH_LEN]) {
    return crypto_pwhash_str_alg(out, password, strlen(password), 2, 19u * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
}

bool auth_password_verify(const char *hash, const char *password) {
    return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *auth_password_problem(const char *password) {
    if (!password || !*password) return "error.required";
    size_t n = strlen(password);
    if (!utf8_valid(password, n)) return "error.invalid_utf8";
    size_t chars = utf8_count(password, n);
    if (chars < 8) return "error.password_short";
    if (chars > 128) return "error.too_long";
    return NULL;
}

void auth_random_token(char out[AUTH_TOKEN_LEN + 1]) {
    unsigned char rnd[32];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(out, AUTH_TOKEN_LEN + 1, rnd, sizeof rnd);
}

void auth_token_hash(const char *token, char out[AUTH_TOKEN_LEN + 1]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, AUTH_TOKEN_LEN + 1, h, sizeof h);
}

/* ---------- principal ---------- */

static Role role_from(const char *s) {
    if (!s) return ROLE_NONE;
    if (strcmp(s, "admin") == 0) return ROLE_ADMIN;
    if (strcmp(s, "supervisor") == 0) return ROLE_SUPERVISOR;
    if (strcmp(s, "member") == 0) return ROLE_MEMBER;
    if (strcmp(s, "viewer") == 0) return ROLE_VIEWER;
    return ROLE_NONE;
}

static Principal *principal_from_row(Req *r, DbStmt *st, int base) {
    Principal *p = arena_alloc(r->arena, sizeof *p);
    p->user_id = db_col_int(st, base + 0);
    p->login = arena_strdup(r->arena, db_col_text(st, base + 1));
    p->name = arena_strdup(r->arena, db_col_text(st, base + 2));
    p->role = role_from(db_col_text(st, base + 3));
    p->team_id = db_col_int(st, base + 4);
    p->team_path = arena_strdup(r->arena, db_col_text(st, base + 5) ? db_col_text(st, base + 5) : "");
    p->locale = arena_strdup(r->arena, db_col_text(st, base + 6));
    return p;
}

typedef enum Touched { TOUCH_TOKEN, TOUCH_SESSION } Touched;

/* Records the last use of a token or session as a write like any other: under
 * the writer lock, committed durably; a failure only loses the timestamp. */
static void touch_row(Req *r, Touched what, int64_t id, int64_t now) {
    Db *db = r->priv->rw;
    if (db_in_tx(db) || db_begin_write(db) != DB_OK) return;
    DbStmt *st;
    int prc = what == TOUCH_TOKEN ? db_prepare(db, "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2", &st)
                                  : db_prepare(db, "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2", &st);
    if (prc != DB_OK) {
        db_rollback(db);
        return;
    }
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0 || db_commit(db) != DB_OK) db_rollback(db);
}

static void touch_token(Req *r, int64_t token_id, int64_t last_used) {
    int64_t now = time_now_ms();
    if (now - last_used <= 60000) return; /* at most one write a minute per token */
    touch_row(r, TOUCH_TOKEN, token_id, now);
}

static int load_by_token(Req *r, const char *token) {
    char hash[AUTH_TOKEN_LEN + 1];
    auth_token_hash(token, hash);
    int64_t cached_id, cached_used;
    if (web_cache_principal_get(r, hash, &cached_id, &cached_used)) {
        r->priv->via_token = true;
        touch_token(r, cached_id, cached_used);
        return 0;
    }
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, u.login, u.name, u.role, u.team_id, t.path, u.locale, k.id, k.last_used_at"
                   " FROM api_tokens k JOIN users u ON u.id = k.user_id"
                   " LEFT JOIN teams t ON t.id = u.team_id AND t.deleted_at IS NULL"
                   " WHERE k.token_hash = ?1 AND k.revoked_at IS NULL"
                   " AND u.disabled = 0 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, hash);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_finalize(st);
        return rc < 0 ? req_fail(r, 503, NULL, "error.db_unavailable")
                      : req_fail(r, 401, "Authorization", "error.bad_token");
    }
    Principal *p = principal_from_row(r, st, 0);
    int64_t token_id = db_col_int(st, 7), last_used = db_col_int(st, 8);
    db_finalize(st);
    r->who = p;
    r->priv->via_token = true;
    web_cache_principal_put(r, hash, token_id, last_used);
    touch_token(r, token_id, last_used);
    return 0;
}

static void clear_cookie(Req *r) {
    res_set_cookie(r, web_config()->secure_cookies ? SESSION_COOKIE
                          "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
                                                   : SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

static int load_by_cookie(Req *r, const char *token) {
    char hash[AUTH_TOKEN_LEN + 1];
    auth_token_hash(token, hash);
    int64_t now = time_now_ms();
    const WebConfig *c = web_config();
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, u.login, u.name, u.role, u.team_id, t.path, u.locale, s.id, s.csrf_token,"
                   " s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id"
                   " LEFT JOIN teams t ON t.id = u.team_id AND t.deleted_at IS NULL"
                   " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3"
                   " AND u.disabled = 0 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now - c->session_idle_ms);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_finalize(st);
        if (rc < 0) return req_fail(r, 503, NULL, "error.db_unavailable");
        clear_cookie(r); /* unknown or expired: anonymous */
        return 0;
    }
    Principal *p = principal_from_row(r, st, 0);
    p->session_id = db_col_int(st, 7);
    p->csrf_token = arena_strdup(r->arena, db_col_text(st, 8));
    int64_t last_seen = db_col_int(st, 9);
    db_finalize(st);
    r->who = p;
    r->priv->via_cookie = true;
    if (now - last_seen > 60000) /* idle clock: at most one write a minute */
        touch_row(r, TOUCH_SESSION, p->session_id, now);
    return 0;
}

int auth_load_principal(Req *r) {
    const char *authz = req_header(r, "Authorization");
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0) return req_fail(r, 401, "Authorization", "error.bad_token");
        const char *token = authz + 7;
        if (strncmp(token, "odk_", 4) == 0) token += 4;
        if (strlen(token) != AUTH_TOKEN_LEN) return req_fail(r, 401, "Authorization", "error.bad_token");
        return load_by_token(r, token);
    }
    const char *cookie = req_cookie(r, SESSION_COOKIE);
    if (cookie && strlen(cookie) == AUTH_TOKEN_LEN) return load_by_cookie(r, cookie);
    return 0;
}

/* ---------- throttling ---------- */

enum { THROTTLE_WINDOW_MS = 15 * 60 * 1000, THROTTLE_ACCOUNT_MAX = 5, THROTTLE_IP_MAX = 30 };

/* Returns the lock expiry for key (0 when not locked). */
static int64_t throttle_locked_until(Db *db, const char *key) {
    DbStmt *st;
    int64_t until = 0;
    if (db_prepare(db, "SELECT locked_until FROM login_throttle WHERE key = ?1", &st) != DB_OK) return 0;
    db_bind_text(st, 1, key);
    if (db_step(st) == DB_ROW) until = db_col_int(st, 0);
    db_finalize(st);
    return until > time_now_ms() ? until : 0;
}

static void throttle_fail(Db *db, const char *key, int max) {
    int64_t now = time_now_ms();
    DbStmt *st;
    /* A failure outside the window starts a new window. */
    if (db_prepare(
            db,
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?1, 1, ?2, 0)"
            " ON CONFLICT (key) DO UPDATE SET"
            " failures = CASE WHEN login_throttle.window_start < ?3 THEN 1 ELSE login_throttle.failures + 1 END,"
            " window_start = CASE WHEN login_throttle.window_start < ?3 THEN ?2 ELSE login_throttle.window_start END,"
            " locked_until = CASE WHEN login_throttle.window_start >= ?3 AND login_throttle.failures + 1 >= ?4"
            " THEN ?5 ELSE login_throttle.locked_until END",
            &st) != DB_OK)
        return;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now - THROTTLE_WINDOW_MS);
    db_bind_int(st, 4, max);
    db_bind_int(st, 5, now + THROTTLE_WINDOW_MS);
    db_step(st);
    db_finalize(st);
}

static void throttle_clear(Db *db, const char *key) {
    DbStmt *st;
    if (db_prepare(db, "DELETE FROM login_throttle WHERE key = ?1", &st) != DB_OK) return;
    db_bind_text(st, 1, key);
    db_step(st);
    db_finalize(st);
}

/* ---------- login / logout ---------- */

static const char *cookie_attrs(void) {
    return web_config()->secure_cookies ? "; Path=/; HttpOnly; SameSite=Lax; Secure"
                                        : "; Path=/; HttpOnly; SameSite=Lax";
}

int auth_login(Req *r, const char *login, const char *password) {
    Db *db = r->priv->rw;
    char *account_key = arena_printf(r->arena, "login:%s", login);
    char *ip_key = arena_printf(r->arena, "ip:%s", r->client_ip);
    if (throttle_locked_until(db, account_key) || throttle_locked_until(db, ip_key)) {
        res_header(r, "Retry-After", "900");
        return req_fail(r, 429, "login", "error.throttled");
    }
    DbStmt *st;
    if (db_prepare(db, "SELECT id, password_hash FROM users WHERE login = ?1 AND disabled = 0 AND deleted_at IS NULL",
                   &st) != DB_OK)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, login);
    int64_t user_id = 0;
    char *hash = NULL;
    if (db_step(st) == DB_ROW) {
        user_id = db_col_int(st, 0);
        hash = arena_strdup(r->arena, db_col_text(st, 1));
    }
    db_finalize(st);
    /* Verify against a fixed hash when the account is unknown, so timing does
     * not reveal which logins exist. */
    static char dummy[AUTH_HASH_LEN];
    if (!dummy[0]) auth_password_hash("opsdesk-dummy-password", dummy);
    bool ok = auth_password_verify(hash ? hash : dummy, password) && hash;
    if (db_begin_write(db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    if (!ok) {
        throttle_fail(db, account_key, THROTTLE_ACCOUNT_MAX);
        throttle_fail(db, ip_key, THROTTLE_IP_MAX);
        db_commit(db);
        return req_fail(r, 401, "password", "error.bad_login");
    }
    throttle_clear(db, account_key);
    char token[AUTH_TOKEN_LEN + 1], token_hash[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
    auth_random_token(token);
    auth_random_token(csrf);
    auth_token_hash(token, token_hash);
    int64_t now = time_now_ms();
    int64_t session_id = 0;
    if (db_prepare(db,
                   "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip,"
                   " user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7) RETURNING id",
                   &st) != DB_OK)
        goto fail;
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, now + web_config()->session_max_ms);
    db_bind_text(st, 6, r->client_ip);
    const char *ua = req_header(r, "User-Agent");
    db_bind_text(st, 7, ua ? arena_strndup(r->arena, ua, strnlen(ua, 200)) : NULL);
    if (db_step(st) == DB_ROW) session_id = db_col_int(st, 0);
    db_finalize(st);
    if (!session_id) goto fail;
    /* The audit row names the user who logged in. */
    Principal *p = arena_alloc(r->arena, sizeof *p);
    p->user_id = user_id;
    const Principal *saved = r->who;
    r->who = p;
    int arc = web_audit(r, "login", "session", session_id, NULL, NULL);
    r->who = saved;
    if (arc != 0 || db_commit(db) != DB_OK) goto fail;
    res_set_cookie(r, arena_printf(r->arena, SESSION_COOKIE "=%s%s", token, cookie_attrs()));
    return 0;
fail:
    db_rollback(db);
    return req_fail(r, 503, NULL, "error.db_unavailable");
}

int auth_logout(Req *r) {
    clear_cookie(r);
    if (!r->who || !r->who->session_id) return 0;
    Db *db = r->priv->rw;
    if (db_begin_write(db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    DbStmt *st;
    if (db_prepare(db, "DELETE FROM sessions WHERE id = ?1", &st) != DB_OK) {
        db_rollback(db);
        return req_fail(r, 503, NULL, "error.db_unavailable");
    }
    db_bind_int(st, 1, r->who->session_id);
    db_step(st);
    db_finalize(st);
    web_audit(r, "logout", "session", r->who->session_id, NULL, NULL);
    if (db_commit(db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    return 0;
}

int auth_revoke_sessions(Db *db, int64_t user_id, int64_t keep_session_id) {
    DbStmt *st;
    int rc = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2", &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, keep_session_id);
    rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? rc : DB_OK;
}

int64_t auth_token_create(Db *db, int64_t user_id, const char *name, char token[AUTH_TOKEN_LEN + 8]) {
    char secret[AUTH_TOKEN_LEN + 1], hash[AUTH_TOKEN_LEN + 1];
    auth_random_token(secret);
    auth_token_hash(secret, hash);
    snprintf(token, AUTH_TOKEN_LEN + 8, "odk_%s", secret);
    DbStmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                        &st);
    if (rc != DB_OK) return rc;
    char prefix[13];
    snprintf(prefix, sizeof prefix, "odk_%.8s", secret);
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, hash);
    db_bind_text(st, 4, prefix);
    db_bind_int(st, 5, time_now_ms());
    int64_t id = -1;
    rc = db_step(st);
    if (rc == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    return rc < 0 ? rc : id;
}
