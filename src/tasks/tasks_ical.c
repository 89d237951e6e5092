/* tasks_ical.c — the private iCalendar feed (RFC 5545) of a person's task
 * deadlines: GET /ical/{token}.ics (public: the random token is the
 * credential), one token per person, stored as a BLAKE2b hash, created
 * (replacing the old one) and revoked through POST/DELETE
 * /api/v1/tasks/ical-token and the form on /tasks/calendar. The feed holds
 * the person's own tasks with a deadline that are not cancelled, one VEVENT
 * each (DTSTART = the deadline, UTC). No HTML here except the token card. */
#include <sodium.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../web/web_html.h"
#include "tasks_internal.h"

enum { ICAL_TOKEN_BYTES = 32, ICAL_MAX_EVENTS = 5000 };

static void token_hash(const char *token, char out[65]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Creates (or replaces) the caller's token. *token: "ics_" + 64 hex (arena). */
static int ical_token_create(Req *r, const char **token) {
    unsigned char rnd[ICAL_TOKEN_BYTES];
    char hex[2 * ICAL_TOKEN_BYTES + 1], hash[65];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    *token = arena_printf(r->arena, "ics_%s", hex);
    token_hash(*token, hash);
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    DbStmt *st;
    int rc = db_prepare(r->db, "DELETE FROM task_ical_tokens WHERE user_id = ?1", &st);
    if (rc == DB_OK) {
        db_bind_int(st, 1, r->who->user_id);
        rc = db_step(st) < 0 ? DB_ERR : DB_OK;
        db_finalize(st);
    }
    if (rc == DB_OK &&
        (rc = db_prepare(r->db, "INSERT INTO task_ical_tokens (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)",
                         &st)) == DB_OK) {
        db_bind_int(st, 1, r->who->user_id);
        db_bind_text(st, 2, hash);
        db_bind_int(st, 3, time_now_ms());
        rc = db_step(st) < 0 ? DB_ERR : DB_OK;
        db_finalize(st);
    }
    if (rc != DB_OK || web_audit(r, "create", "ical_token", r->who->user_id, NULL, NULL) != 0) {
        db_rollback(r->db);
        return req_status(r) ? -1 : DB_FAIL(r);
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

/* Revokes the caller's token; 0 also when there was none. */
static int ical_token_revoke(Req *r) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    DbStmt *st;
    int rc = db_prepare(r->db, "DELETE FROM task_ical_tokens WHERE user_id = ?1 RETURNING user_id", &st);
    bool had = false;
    if (rc == DB_OK) {
        db_bind_int(st, 1, r->who->user_id);
        int s = db_step(st);
        had = s == DB_ROW;
        rc = s < 0 ? DB_ERR : DB_OK;
        db_finalize(st);
    }
    if (rc != DB_OK || (had && web_audit(r, "revoke", "ical_token", r->who->user_id, NULL, NULL) != 0)) {
        db_rollback(r->db);
        return req_status(r) ? -1 : DB_FAIL(r);
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

/* Does the caller have a token? */
static bool ical_token_exists(Req *r) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT 1 FROM task_ical_tokens WHERE user_id = ?1", &st) != DB_OK) return false;
    db_bind_int(st, 1, r->who->user_id);
    bool yes = db_step(st) == DB_ROW;
    db_finalize(st);
    return yes;
}

/* ---------- RFC 5545 writing ---------- */

/* Appends one content line, escaped value already built, folded at 75 octets
 * (CRLF + one space) without splitting a UTF-8 sequence. */
static void ical_line(Buf *b, const char *line) {
    size_t n = strlen(line), col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        unsigned char c = (unsigned char)line[i];
        if (c >= 0xF0) len = 4;
        else if (c >= 0xE0) len = 3;
        else if (c >= 0xC0) len = 2;
        if (i + len > n) len = n - i;
        if (col + len > 75) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_append(b, line + i, len);
        col += len;
        i += len;
    }
    buf_puts(b, "\r\n");
}

/* TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma,
 * newline as \n; other control characters dropped. Arena memory. */
static const char *ical_text(Req *r, const char *s) {
    Buf b = {0};
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' || c == ';' || c == ',') buf_putc(&b, '\\'), buf_putc(&b, (char)c);
        else if (c == '\n') buf_puts(&b, "\\n");
        else if (c == '\r' && p[1] == '\n') continue;
        else if (c == '\r') buf_puts(&b, "\\n");
        else if (c < 0x20 || c == 0x7F) continue;
        else buf_putc(&b, (char)c);
    }
    const char *out = arena_strdup(r->arena, b.len ? buf_cstr(&b) : "");
    buf_free(&b);
    return out;
}

/* "YYYYMMDDTHHMMSSZ" of a UTC ms instant. Arena memory. */
static const char *ical_utc(Req *r, int64_t ms) {
    char iso[32];
    time_format_iso(ms, iso, sizeof iso); /* YYYY-MM-DDTHH:MM:SS.mmmZ */
    return arena_printf(r->arena, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
}

static int tasks_ical_feed(Req *r) {
    const char *file = NULL;
    /* {file} is "<token>.ics"; the token is the whole credential. */
    const char *path = r->path + strlen("/ical/");
    size_t n = strlen(path);
    if (n != 4 + 2 * ICAL_TOKEN_BYTES + 4 || strcmp(path + n - 4, ".ics") != 0 || strncmp(path, "ics_", 4) != 0)
        return req_fail(r, 404, NULL, "error.not_found");
    file = arena_strndup(r->arena, path, n - 4);
    char hash[65];
    token_hash(file, hash);
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.user_id FROM task_ical_tokens k JOIN users u ON u.id = k.user_id"
                   " WHERE k.token_hash = ?1 AND u.disabled = 0 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, hash);
    int rc = db_step(st);
    int64_t user_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (!user_id) return req_fail(r, 404, NULL, "error.not_found");

    Buf b = {0};
    ical_line(&b, "BEGIN:VCALENDAR");
    ical_line(&b, "VERSION:2.0");
    ical_line(&b, "PRODID:-//opsdesk//tasks//EN");
    ical_line(&b, "CALSCALE:GREGORIAN");
    ical_line(&b, "METHOD:PUBLISH");
    ical_line(&b, arena_printf(r->arena, "X-WR-CALNAME:%s", ical_text(r, T(r, "tasks.ical_name"))));
    TaskFilter f = {.owner_id = user_id, .limit = 500};
    const char *stamp = ical_utc(r, time_now_ms());
    for (int read = 0; read < ICAL_MAX_EVENTS;) {
        Task *rows;
        int got = 0;
        if (tasks_list(r, &f, &rows, &got) != 0) {
            buf_free(&b);
            return -1;
        }
        for (int i = 0; i < got; i++) {
            const Task *t = &rows[i];
            if (!t->due_at || strcmp(t->status, "cancelled") == 0) continue;
            ical_line(&b, "BEGIN:VEVENT");
            ical_line(&b, arena_printf(r->arena, "UID:task-%lld@opsdesk", (long long)t->id));
            ical_line(&b, arena_printf(r->arena, "DTSTAMP:%s", stamp));
            ical_line(&b, arena_printf(r->arena, "LAST-MODIFIED:%s", ical_utc(r, t->updated_at)));
            ical_line(&b, arena_printf(r->arena, "DTSTART:%s", ical_utc(r, t->due_at)));
            ical_line(&b, arena_printf(r->arena, "SUMMARY:%s", ical_text(r, t->title)));
            if (t->description && *t->description)
                ical_line(&b, arena_printf(r->arena, "DESCRIPTION:%s", ical_text(r, t->description)));
            ical_line(&b, arena_printf(r->arena, "SEQUENCE:%lld", (long long)(t->version - 1)));
            if (strcmp(t->status, "done") == 0) ical_line(&b, "TRANSP:TRANSPARENT");
            if (t->milestone) ical_line(&b, "CATEGORIES:MILESTONE");
            ical_line(&b, "END:VEVENT");
        }
        read += got;
        if (got < f.limit) break;
        f.after_id = rows[got - 1].id;
    }
    ical_line(&b, "END:VCALENDAR");
    JsonW *w = res_json(r); /* its buffer is the body; the text is written as is */
    buf_append(w->out, b.data, b.len);
    buf_free(&b);
    res_header(r, "Cache-Control", "private, no-store");
    return res_send(r, 200, "text/calendar; charset=utf-8");
}

/* ---------- token API and form ---------- */

static int tasks_ical_api_create(Req *r) {
    const char *token;
    if (ical_token_create(r, &token) != 0) return -1;
    const char *feed = arena_printf(r->arena, "/ical/%s.ics", token);
    res_header(r, "Location", feed);
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "token");
    jw_str(w, token);
    jw_key(w, "path");
    jw_str(w, feed);
    jw_obj_end(w);
    return res_json_send(r, 201);
}

static int tasks_ical_api_revoke(Req *r) {
    if (ical_token_revoke(r) != 0) return -1;
    return res_no_content(r);
}

void tasks_ical_card(Req *r, const char *shown_token) {
    html_printf(r,
                "<section class=\"card ical\" aria-labelledby=\"ical-title\"><h2 id=\"ical-title\">%s</h2><p "
                "class=\"hint\">%s</p>",
                T(r, "tasks.ical"), T(r, "tasks.ical_hint"));
    if (shown_token) {
        html_printf(r,
                    "<p><label for=\"ical-url\">%s</label> <input id=\"ical-url\" class=\"ical-url\" readonly "
                    "value=\"%s/ical/%s.ics\"></p><p class=\"hint\">%s</p>",
                    T(r, "tasks.ical_url"),
                    req_header(r, "Host") ? arena_printf(r->arena, "http://%s", req_header(r, "Host")) : "",
                    shown_token, T(r, "tasks.ical_once"));
    } else if (ical_token_exists(r)) {
        html_printf(r, "<p>%s</p>", T(r, "tasks.ical_active"));
    }
    html_raw(r, "<div class=\"inline-form\"><form method=\"post\" action=\"/tasks/ical\">");
    html_csrf_field(r);
    html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "tasks.ical_create"));
    if (shown_token || ical_token_exists(r)) {
        html_raw(r, "<form method=\"post\" action=\"/tasks/ical/delete\">");
        html_csrf_field(r);
        html_printf(r, "<button type=\"submit\" class=\"danger\">%s</button></form>", T(r, "tasks.ical_revoke"));
    }
    html_raw(r, "</div></section>");
}

static int tasks_ical_page_create(Req *r) {
    const char *token;
    if (ical_token_create(r, &token) != 0) return -1;
    /* The token is shown once, on this answer; only its hash is kept. */
    page_begin(r, T(r, "tasks.ical"), "nav.tasks");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", T(r, "tasks.ical"));
    tasks_ical_card(r, token);
    html_printf(r, "<p><a href=\"/tasks/calendar\">%s</a></p>", T(r, "tasks.calendar"));
    page_end(r);
    res_header(r, "Cache-Control", "no-store");
    return res_html_send(r, 200);
}

static int tasks_ical_page_revoke(Req *r) {
    if (ical_token_revoke(r) != 0) return -1;
    return res_redirect(r, "/tasks/calendar");
}

static const Route tasks_ical_routes[] = {
    {"GET", "/ical/{file}", tasks_ical_feed, ACCESS_PUBLIC, NULL, 0, false},
    {"POST", "/api/v1/tasks/ical-token", tasks_ical_api_create, ACCESS_ANY_USER, NULL, 0, false},
    {"DELETE", "/api/v1/tasks/ical-token", tasks_ical_api_revoke, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/tasks/ical", tasks_ical_page_create, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/tasks/ical/delete", tasks_ical_page_revoke, ACCESS_ANY_USER, NULL, 0, false},
};
ROUTE_TABLE(tasks_ical, tasks_ical_routes);
