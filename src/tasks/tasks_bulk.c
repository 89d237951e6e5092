/* tasks_bulk.c — bulk actions on tasks: reassign, change the deadline, close.
 * One write transaction for the whole batch: every task is checked (readable,
 * editable by the caller, the version when given, the action's own rules)
 * and audited per task, and the first refusal rolls everything back — all or
 * nothing. Routes: POST /api/v1/tasks/bulk (JSON) and POST /tasks/bulk (the
 * form under the /tasks list). The rules are those of tasks_update for the
 * fields touched (owner, due_at, status); nothing else changes here.
 *
 * Versions: optional. `versions` (same length as `ids`) makes each task
 * conditional on its version (412 naming the position otherwise); without it
 * the batch applies to the current versions (a list page is already a
 * snapshot the caller looked at; the versions a form carries make it safe). */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../org/org.h"
#include "../web/web_html.h"
#include "tasks_internal.h"

bool tasks_bulk_action_valid(const char *s) {
    return s && (strcmp(s, "reassign") == 0 || strcmp(s, "due") == 0 || strcmp(s, "close") == 0);
}

/* Applies the action to t (a copy of the stored task). Returns 0, or the
 * status to fail with after recording the field error. */
static int apply(Req *r, const TaskBulk *b, int64_t owner_team, const Task *before, Task *after) {
    *after = *before;
    if (strcmp(b->action, "reassign") == 0) {
        after->owner_id = b->owner_id;
        if (after->owner_id != before->owner_id && after->owner_id != r->who->user_id) {
            if (!tasks_is_manager_of(r, before->team_id))
                return req_error(r, "owner_id", "tasks.error.owner_change"), 403;
            if (!tasks_is_manager_of(r, owner_team)) return req_error(r, "owner_id", "tasks.error.owner_scope"), 422;
        }
    } else if (strcmp(b->action, "due") == 0) {
        after->due_at = b->due_at;
        if (after->start_at && after->due_at && after->due_at < after->start_at)
            return req_error(r, "due_at", "tasks.error.due_before_start"), 422;
    } else {
        after->status = "done";
        after->blocked_reason = NULL;
        if (strcmp(before->status, "done") != 0) after->completed_at = time_now_ms();
    }
    return 0;
}

static int write_one(Req *r, const Task *before, const Task *after) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE tasks SET owner_id = ?1, due_at = ?2, status = ?3, blocked_reason = ?4,"
                   " completed_at = ?5, version = version + 1, updated_at = ?6"
                   " WHERE id = ?7 AND version = ?8 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, after->owner_id);
    db_bind_int_or_null(st, 2, after->due_at);
    db_bind_text(st, 3, after->status);
    db_bind_text(st, 4, after->blocked_reason);
    db_bind_int_or_null(st, 5, after->completed_at);
    db_bind_int(st, 6, time_now_ms());
    db_bind_int(st, 7, before->id);
    db_bind_int(st, 8, before->version);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

int tasks_bulk(Req *r, const TaskBulk *b, Task **out, int *n) {
    *n = 0;
    if (b->n_ids < 1 || b->n_ids > TASKS_BULK_MAX) return req_fail(r, 422, "ids", "error.out_of_range");
    for (int i = 0; i < b->n_ids; i++)
        for (int j = 0; j < i; j++)
            if (b->ids[i] == b->ids[j]) return req_fail(r, 422, "ids", "tasks.error.bulk_duplicate");
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    int64_t owner_team = 0;
    if (strcmp(b->action, "reassign") == 0) {
        int rc = tasks_active_person(r, b->owner_id, &owner_team);
        if (rc < 0) return TX_DB_FAIL(r);
        if (rc == 1 || !web_can_read_team(r, owner_team))
            return req_fail_tx(r, 422, "owner_id", "tasks.error.owner_unknown");
    }
    Task *done = arena_alloc(r->arena, sizeof *done * (size_t)b->n_ids);
    for (int i = 0; i < b->n_ids; i++) {
        Task before, after;
        int rc = tasks_get(r, b->ids[i], &before);
        if (rc < 0) return TX_DB_FAIL(r);
        if (rc == 1 || !web_can_read_team(r, before.team_id)) return req_fail_tx(r, 404, "ids", "error.not_found");
        if (b->versions && before.version != b->versions[i]) return req_fail_tx(r, 412, "versions", "error.stale");
        if (!tasks_may_edit(r, &before)) return req_fail_tx(r, 403, "ids", "error.forbidden");
        int status = apply(r, b, owner_team, &before, &after);
        if (status) {
            db_rollback(r->db);
            return req_failed(r, status);
        }
        bool same = after.owner_id == before.owner_id && after.due_at == before.due_at &&
                    strcmp(after.status, before.status) == 0;
        if (!same) {
            rc = write_one(r, &before, &after);
            if (rc < 0) return TX_DB_FAIL(r);
            if (rc == 1) return req_fail_tx(r, 412, "versions", "error.stale");
            /* Recurrence (tasks_recur.c), as tasks_update does: the rule follows
             * the due date, and done creates the next occurrence. */
            TaskInput in = {.has_due = after.due_at != before.due_at, .due_at = after.due_at};
            bool now_done = strcmp(after.status, "done") == 0 && strcmp(before.status, "done") != 0;
            if (tasks_recur_sync(r, &after, &in) != 0 || (now_done && tasks_recur_on_done(r, before.id) != 0)) {
                db_rollback(r->db);
                return -1;
            }
            /* A key result fed by tasks follows a close, in this transaction. */
            if (strcmp(after.status, before.status) != 0 && tasks_kr_sync(r, before.key_result_id) != 0) {
                db_rollback(r->db);
                return -1;
            }
            if (tasks_get(r, before.id, &after) != 0) return TX_DB_FAIL(r);
            if (web_audit(r, "update", "task", before.id, tasks_snapshot(r, &before), tasks_snapshot(r, &after)) != 0) {
                db_rollback(r->db);
                return -1;
            }
        }
        done[i] = after;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    *out = done;
    *n = b->n_ids;
    return 0;
}

/* ---------- JSON: POST /api/v1/tasks/bulk ---------- */

static int json_id_array(Req *r, json_t *body, const char *key, bool required, int64_t **out, int *n) {
    json_t *v = json_object_get(body, key);
    *n = 0;
    if (!v) return required ? req_fail(r, 422, key, "error.required") : 0;
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > TASKS_BULK_MAX)
        return req_fail(r, 422, key, "error.out_of_range");
    *out = arena_alloc(r->arena, sizeof(int64_t) * json_array_size(v));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_integer(e) || json_integer_value(e) < 1) return req_fail(r, 422, key, "error.not_integer");
        (*out)[(*n)++] = json_integer_value(e);
    }
    return 0;
}

static int tasks_bulk_api(Req *r) {
    static const char *const FIELDS[] = {"ids", "versions", "action", "owner_id", "due_at", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, FIELDS) != 0) return -1;
    TaskBulk b = {0};
    int64_t *ids = NULL, *versions = NULL;
    int n_versions = 0;
    bool present, is_null = false;
    if (json_id_array(r, body, "ids", true, &ids, &b.n_ids) != 0) return -1;
    if (json_id_array(r, body, "versions", false, &versions, &n_versions) != 0) return -1;
    b.ids = ids, b.versions = versions;
    if (b.versions && n_versions != b.n_ids) return req_fail(r, 422, "versions", "tasks.error.bulk_versions");
    if (req_json_str(r, body, "action", 1, 20, true, &b.action, &present) != 0) return -1;
    if (!tasks_bulk_action_valid(b.action)) return req_fail(r, 422, "action", "tasks.error.bulk_action");
    /* Both are checked when given, whatever the action; each is required by its own. */
    bool is_reassign = strcmp(b.action, "reassign") == 0;
    if (req_json_int(r, body, "owner_id", 1, INT64_MAX, is_reassign, &b.owner_id, &present, &is_null) != 0) return -1;
    if (is_reassign && is_null) return req_fail(r, 422, "owner_id", "error.required");
    json_t *due = json_object_get(body, "due_at");
    if (!due && strcmp(b.action, "due") == 0) return req_fail(r, 422, "due_at", "error.required");
    if (due && !json_is_null(due) && (!json_is_string(due) || time_parse_iso(json_string_value(due), &b.due_at) != 0))
        return req_fail(r, 422, "due_at", "error.bad_date");
    Task *rows;
    int n;
    if (tasks_bulk(r, &b, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    int64_t now = time_now_ms();
    jw_obj_begin(w);
    jw_key(w, "action");
    jw_str(w, b.action);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) tasks_json(w, &rows[i], now);
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

/* ---------- form: POST /tasks/bulk ---------- */

/* Every "ids=N" of the urlencoded body (the checkboxes of the list; req_form
 * returns only the first value of a repeated name). */
static int form_ids(Req *r, int64_t **out, int *n) {
    size_t len;
    const char *body = req_body(r, &len);
    *n = 0;
    *out = arena_alloc(r->arena, sizeof(int64_t) * TASKS_BULK_MAX);
    for (const char *p = body; p && p < body + len;) {
        const char *amp = memchr(p, '&', (size_t)(body + len - p));
        const char *end = amp ? amp : body + len;
        if (end - p > 4 && strncmp(p, "ids=", 4) == 0) {
            int64_t v = 0;
            const char *q = p + 4;
            for (; q < end && *q >= '0' && *q <= '9' && v < INT64_MAX / 10; q++) v = v * 10 + (*q - '0');
            if (q != end || v < 1) return req_fail(r, 422, "ids", "error.not_integer");
            if (*n == TASKS_BULK_MAX) return req_fail(r, 422, "ids", "error.out_of_range");
            (*out)[(*n)++] = v;
        }
        p = end + 1;
    }
    if (!*n) return req_fail(r, 422, "ids", "tasks.error.bulk_none");
    return 0;
}

/* "YYYY-MM-DDTHH:MM" of a datetime-local input in the display zone. */
static int form_local_time(const char *s, int64_t *out) {
    if (!s || strlen(s) != 16) return -1;
    char iso[32];
    int off = web_display_offset_min();
    snprintf(iso, sizeof iso, "%s:00%c%02d:%02d", s, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
    return time_parse_iso(iso, out);
}

static int tasks_bulk_page(Req *r) {
    TaskBulk b = {0};
    const char *back = req_form(r, "next");
    if (!back || strncmp(back, "/tasks", 6) != 0 || strstr(back, "//")) back = "/tasks";
    int64_t *ids = NULL;
    if (form_ids(r, &ids, &b.n_ids) == 0) {
        b.ids = ids;
        b.action = req_form(r, "action");
        if (!tasks_bulk_action_valid(b.action)) req_error(r, "action", "tasks.error.bulk_action");
        else if (strcmp(b.action, "reassign") == 0) {
            const char *o = req_form(r, "owner_id");
            char *end = NULL;
            b.owner_id = o && *o ? strtoll(o, &end, 10) : 0;
            if (b.owner_id < 1 || !end || *end) req_error(r, "owner_id", "error.not_integer");
        } else if (strcmp(b.action, "due") == 0) {
            const char *d = req_form(r, "due_at");
            if (d && *d && form_local_time(d, &b.due_at) != 0) req_error(r, "due_at", "error.bad_date");
        }
        Task *rows;
        int n;
        if (!req_error_count(r) && tasks_bulk(r, &b, &rows, &n) == 0) return res_redirect(r, back);
    }
    /* Refused: an error page in the caller's language with a way back. */
    int status = req_status(r) ? req_status(r) : 422;
    page_begin(r, T(r, "tasks.bulk"), "nav.tasks");
    html_printf(
        r, "<div class=\"page-head\"><h1>%s</h1></div><div class=\"flash flash-error\" role=\"alert\"><p>%s</p><ul>",
        T(r, "tasks.bulk"), T(r, "tasks.bulk_refused"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++)
        html_printf(r, "<li>%s%s%s</li>", e[i].field ? e[i].field : "", e[i].field ? ": " : "", e[i].message);
    html_printf(r, "</ul></div><p><a href=\"%s\">%s</a></p>", back, T(r, "tasks.bulk_back"));
    page_end(r);
    return res_html_send(r, status);
}

void tasks_bulk_form(Req *r, const char *next) {
    UserFilter f = {.team_path = r->who->role == ROLE_ADMIN                ? NULL
                                 : r->who->team_path && *r->who->team_path ? r->who->team_path
                                                                           : "/nothing/",
                    .limit = 500};
    User *people;
    int n = 0;
    if (org_users_list(r, &f, &people, &n) != 0) n = 0;
    html_printf(r,
                "<form id=\"bulk-form\" class=\"bulk-form\" method=\"post\" action=\"/tasks/bulk\" "
                "aria-labelledby=\"bulk-title\"><h2 id=\"bulk-title\">%s</h2><p class=\"hint\">%s</p>"
                "<div class=\"inline-form\">",
                T(r, "tasks.bulk"), T(r, "tasks.bulk_hint"));
    html_csrf_field(r);
    html_printf(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
    html_printf(r, "<label for=\"bulk-action\">%s</label><select id=\"bulk-action\" name=\"action\">",
                T(r, "tasks.bulk_action"));
    static const char *const ACTIONS[] = {"reassign", "due", "close"};
    for (int i = 0; i < 3; i++)
        html_printf(r, "<option value=\"%s\">%s</option>", ACTIONS[i],
                    T(r, arena_printf(r->arena, "tasks.bulk.%s", ACTIONS[i])));
    html_printf(r, "</select><label for=\"bulk-owner\">%s</label><select id=\"bulk-owner\" name=\"owner_id\">",
                T(r, "tasks.field.owner_id"));
    for (int i = 0; i < n; i++)
        html_printf(r, "<option value=\"%lld\"%s>%s (%s)</option>", (long long)people[i].id,
                    people[i].id == r->who->user_id ? " selected" : "", people[i].name, people[i].login);
    html_printf(r,
                "</select><label for=\"bulk-due\">%s</label><input id=\"bulk-due\" name=\"due_at\" "
                "type=\"datetime-local\"><button type=\"submit\">%s</button></div></form>",
                T(r, "tasks.field.due_at"), T(r, "tasks.bulk_apply"));
}

static const Route tasks_bulk_routes[] = {
    {"POST", "/api/v1/tasks/bulk", tasks_bulk_api, ACCESS_WRITER, NULL, 0, false},
    {"POST", "/tasks/bulk", tasks_bulk_page, ACCESS_WRITER, NULL, 0, false},
};
ROUTE_TABLE(tasks_bulk, tasks_bulk_routes);
