/* tasks_api.c — JSON routes for tasks, their comments and checklists, the
 * responsibility view, and CSV export/import. Parse → model → render. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "tasks.h"

int tasks_create_in_tx(Req *r, const TaskInput *in, Task *out); /* tasks_model.c */

/* ---------- input helpers (shared with tasks_page.c through tasks_input.h-free copies) ---------- */

/* Multi-line text (descriptions, comments): UTF-8, no control characters but
 * tab and line breaks, at most max code points. */
static int multi_text(Req *r, const char *field, const char *v, int max, bool required, const char **out) {
    if (!v) v = "";
    size_t n = strlen(v);
    if (!utf8_valid(v, n)) return req_fail(r, 422, field, "error.invalid_utf8");
    if (utf8_has_control(v, n)) return req_fail(r, 422, field, "error.control_chars");
    size_t chars = utf8_count(v, n);
    if (required && strspn(v, " \t\r\n") == n) return req_fail(r, 422, field, "error.required");
    if ((int)chars > max) return req_fail(r, 422, field, "error.too_long");
    *out = v;
    return 0;
}

/* A tag: 1–30 characters, one line, no comma. */
static int check_tag(Req *r, const char *field, const char *v, const char **out) {
    if (req_check_text(r, field, v, 1, 30, true, out) != 0) return -1;
    if (strchr(*out, ',')) return req_fail(r, 422, field, "tasks.error.tag_comma");
    return 0;
}

static int json_time(Req *r, json_t *body, const char *key, int64_t *out, bool *present) {
    json_t *v = json_object_get(body, key);
    *present = v != NULL;
    *out = 0;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v) || time_parse_iso(json_string_value(v), out) != 0)
        return req_fail(r, 422, key, "error.bad_date");
    return 0;
}

static int json_ids(Req *r, json_t *body, const char *key, int64_t **out, int *n, bool *present) {
    json_t *v = json_object_get(body, key);
    *present = v != NULL;
    *n = 0;
    if (!v) return 0;
    if (!json_is_array(v) || json_array_size(v) > TASKS_MAX_LINKS) return req_fail(r, 422, key, "error.out_of_range");
    *out = arena_alloc(r->arena, sizeof(int64_t) * (json_array_size(v) + 1));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_integer(e) || json_integer_value(e) < 1) return req_fail(r, 422, key, "error.not_integer");
        (*out)[(*n)++] = json_integer_value(e);
    }
    return 0;
}

static int read_task_json(Req *r, json_t *body, bool creating, TaskInput *in) {
    bool is_null = false;
    if (req_json_str(r, body, "title", 1, 200, creating, &in->title, &in->has_title) != 0) return -1;
    json_t *d = json_object_get(body, "description");
    if (d) {
        if (!json_is_string(d) && !json_is_null(d)) return req_fail(r, 422, "description", "error.not_string");
        in->has_description = true;
        if (multi_text(r, "description", json_string_value(d), 20000, false, &in->description) != 0) return -1;
    }
    if (req_json_str(r, body, "status", 1, 20, false, &in->status, &in->has_status) != 0) return -1;
    if (in->has_status && !tasks_status_valid(in->status)) return req_fail(r, 422, "status", "tasks.error.status");
    if (req_json_str(r, body, "priority", 1, 20, false, &in->priority, &in->has_priority) != 0) return -1;
    if (in->has_priority && !tasks_priority_valid(in->priority))
        return req_fail(r, 422, "priority", "tasks.error.priority");
    json_t *br = json_object_get(body, "blocked_reason");
    if (br && json_is_null(br)) in->has_blocked_reason = true;
    else if (req_json_str(r, body, "blocked_reason", 0, 500, false, &in->blocked_reason, &in->has_blocked_reason) != 0)
        return -1;
    if (req_json_int(r, body, "owner_id", 1, INT64_MAX, false, &in->owner_id, &in->has_owner, &is_null) != 0) return -1;
    if (in->has_owner && is_null) return req_fail(r, 422, "owner_id", "error.required");
    if (req_json_int(r, body, "team_id", 1, INT64_MAX, false, &in->team_id, &in->has_team, &is_null) != 0) return -1;
    if (in->has_team && is_null) in->has_team = false;
    if (req_json_int(r, body, "parent_id", 1, INT64_MAX, false, &in->parent_id, &in->has_parent, &is_null) != 0)
        return -1;
    if (is_null) in->parent_id = 0;
    if (req_json_int(r, body, "goal_id", 1, INT64_MAX, false, &in->goal_id, &in->has_goal, &is_null) != 0) return -1;
    if (is_null) in->goal_id = 0;
    if (json_time(r, body, "start_at", &in->start_at, &in->has_start) != 0) return -1;
    if (json_time(r, body, "due_at", &in->due_at, &in->has_due) != 0) return -1;
    if (req_json_bool(r, body, "milestone", false, &in->milestone, &in->has_milestone) != 0) return -1;
    json_t *tags = json_object_get(body, "tags");
    if (tags) {
        if (!json_is_array(tags) || json_array_size(tags) > TASKS_MAX_TAGS)
            return req_fail(r, 422, "tags", "tasks.error.tags");
        in->has_tags = true;
        in->tags = arena_alloc(r->arena, sizeof(char *) * (json_array_size(tags) + 1));
        size_t i;
        json_t *e;
        json_array_foreach(tags, i, e) {
            if (!json_is_string(e)) return req_fail(r, 422, "tags", "error.not_string");
            if (check_tag(r, "tags", json_string_value(e), &in->tags[in->n_tags]) != 0) return -1;
            in->n_tags++;
        }
    }
    if (json_ids(r, body, "collaborators", &in->collaborators, &in->n_collaborators, &in->has_collaborators) != 0)
        return -1;
    if (json_ids(r, body, "blocked_by", &in->blocked_by, &in->n_blocked_by, &in->has_blocked_by) != 0) return -1;
    json_t *rec = json_object_get(body, "recurrence");
    if (rec) {
        TaskRule rule;
        in->has_recurrence = true;
        if (json_is_string(rec) && tasks_recur_parse(json_string_value(rec), &rule) == 0)
            in->recurrence = tasks_recur_format(r->arena, &rule);
        else if (!json_is_null(rec)) return req_fail(r, 422, "recurrence", "tasks.error.recurrence");
    }
    if (creating && !in->has_owner) in->owner_id = r->who->user_id, in->has_owner = true;
    return 0;
}

static const char *const TASK_FIELDS[] = {"title",      "description", "status",    "blocked_reason", "priority",
                                          "owner_id",   "team_id",     "parent_id", "goal_id",        "start_at",
                                          "due_at",     "milestone",   "tags",      "collaborators",  "blocked_by",
                                          "recurrence", NULL};

static int reply_task(Req *r, const Task *t, int status) {
    res_etag(r, t->version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/tasks/%lld", (long long)t->id));
    tasks_json(res_json(r), t, time_now_ms());
    return res_json_send(r, status);
}

/* Reads the list filters shared by the list and the export. */
static int read_filter(Req *r, TaskFilter *f) {
    memset(f, 0, sizeof *f);
    if (req_query_int(r, "owner", 1, INT64_MAX, 0, &f->owner_id) != 0 ||
        req_query_int(r, "team", 1, INT64_MAX, 0, &f->team_id) != 0 ||
        req_query_int(r, "goal", 1, INT64_MAX, 0, &f->goal_id) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f->after_id) != 0)
        return -1;
    const char *status = req_query(r, "status");
    if (status && *status) {
        if (strcmp(status, "open") != 0 && !tasks_status_valid(status))
            return req_fail(r, 400, "status", "tasks.error.status");
        f->status = status;
    }
    const char *tag = req_query(r, "tag");
    if (tag && *tag) f->tag = tag;
    const char *due = req_query(r, "due");
    if (due && *due) {
        if (strcmp(due, "overdue") == 0) f->due = TASK_DUE_OVERDUE;
        else if (strcmp(due, "today") == 0) f->due = TASK_DUE_TODAY;
        else if (strcmp(due, "week") == 0) f->due = TASK_DUE_WEEK;
        else if (strcmp(due, "none") == 0) f->due = TASK_DUE_NONE;
        else return req_fail(r, 400, "due", "tasks.error.due_filter");
    }
    f->scope_path = web_read_scope(r);
    return 0;
}

/* ---------- tasks ---------- */

static int tasks_api_list(Req *r) {
    TaskFilter f;
    int64_t limit;
    if (read_filter(r, &f) != 0 || req_query_int(r, "limit", 1, 200, 50, &limit) != 0) return -1;
    f.limit = (int)limit + 1;
    Task *rows;
    int n;
    if (tasks_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    int64_t now = time_now_ms();
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) tasks_json(w, &rows[i], now);
    jw_arr_end(w);
    jw_key(w, "next_cursor");
    if (more) jw_str(w, arena_printf(r->arena, "%lld", (long long)rows[n - 1].id));
    else jw_null(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static int tasks_api_create(Req *r) {
    json_t *body = req_json(r);
    if (req_json_only(r, body, TASK_FIELDS) != 0) return -1;
    TaskInput in = {0};
    if (read_task_json(r, body, true, &in) != 0) return -1;
    Task t;
    if (tasks_create(r, &in, &t) != 0) return -1;
    return reply_task(r, &t, 201);
}

static int tasks_api_show(Req *r) {
    int64_t id;
    Task t;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = tasks_get(r, id, &t);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_task(r, &t, 200);
}

static int tasks_api_update(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, TASK_FIELDS) != 0) return -1;
    TaskInput in = {0};
    if (read_task_json(r, body, false, &in) != 0) return -1;
    Task t;
    if (tasks_update(r, id, version, &in, &t) != 0) return -1;
    return reply_task(r, &t, 200);
}

static int tasks_api_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (tasks_delete(r, id, version) != 0) return -1;
    return res_no_content(r);
}

/* ---------- comments ---------- */

static int tasks_api_comments(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    TaskComment *rows;
    int n;
    if (tasks_comments(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) tasks_comment_json(w, &rows[i]);
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static int tasks_api_comment_add(Req *r) {
    static const char *const fields[] = {"body", NULL};
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    json_t *v = json_object_get(body, "body");
    if (v && !json_is_string(v)) return req_fail(r, 422, "body", "error.not_string");
    const char *text;
    if (multi_text(r, "body", json_string_value(v), 5000, true, &text) != 0) return -1;
    TaskComment c;
    if (tasks_comment_add(r, id, text, &c) != 0) return -1;
    res_header(r, "Location", arena_printf(r->arena, "/api/v1/tasks/%lld/comments", (long long)id));
    tasks_comment_json(res_json(r), &c);
    return res_json_send(r, 201);
}

/* ---------- checklist ---------- */

static int tasks_api_checklist(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    TaskCheckItem *rows;
    int n;
    if (tasks_checklist(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) tasks_check_json(w, &rows[i]);
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static int tasks_api_check_add(Req *r) {
    static const char *const fields[] = {"text", NULL};
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *text;
    if (req_json_str(r, body, "text", 1, 200, true, &text, NULL) != 0) return -1;
    TaskCheckItem c;
    if (tasks_check_add(r, id, text, &c) != 0) return -1;
    res_header(r, "Location",
               arena_printf(r->arena, "/api/v1/tasks/%lld/checklist/%lld", (long long)id, (long long)c.id));
    tasks_check_json(res_json(r), &c);
    return res_json_send(r, 201);
}

static int tasks_api_check_update(Req *r) {
    static const char *const fields[] = {"text", "done", NULL};
    int64_t id, item;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "item", &item) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *text = NULL;
    bool done = false, has_done = false;
    if (req_json_str(r, body, "text", 1, 200, false, &text, NULL) != 0) return -1;
    if (req_json_bool(r, body, "done", false, &done, &has_done) != 0) return -1;
    TaskCheckItem c;
    if (tasks_check_update(r, id, item, text, has_done ? done : -1, &c) != 0) return -1;
    tasks_check_json(res_json(r), &c);
    return res_json_send(r, 200);
}

static int tasks_api_check_delete(Req *r) {
    int64_t id, item;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "item", &item) != 0) return -1;
    if (tasks_check_delete(r, id, item) != 0) return -1;
    return res_no_content(r);
}

/* ---------- responsibility ---------- */

static int tasks_api_responsibility(Req *r) {
    int64_t team_id;
    if (tasks_scope_query_team(r, &team_id) != 0) return -1;
    if (team_id <= 0) return req_fail(r, 400, "team_id", "error.required");
    TaskResponsibility *rows;
    int n;
    if (tasks_responsibility(r, team_id, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_kint(w, "team_id", team_id);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) {
        const TaskResponsibility *p = &rows[i];
        jw_obj_begin(w);
        jw_kint(w, "user_id", p->user_id);
        jw_kstr(w, "login", p->login);
        jw_kstr(w, "name", p->name);
        jw_kint(w, "open", p->open);
        jw_kint(w, "overdue", p->overdue);
        jw_kint(w, "done_on_time_30d", p->done_on_time_30d);
        jw_kint(w, "done_with_due_30d", p->done_with_due_30d);
        jw_key(w, "on_time_rate");
        if (p->on_time_rate >= 0) jw_double(w, p->on_time_rate);
        else jw_null(w);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

/* ---------- CSV ---------- */

static const char *const CSV_COLUMNS[] = {"id",        "title",          "description", "owner",    "team_id",
                                          "status",    "blocked_reason", "priority",    "start_at", "due_at",
                                          "milestone", "parent_id",      "goal_id",     "tags",     "completed_at"};
enum { N_CSV_COLUMNS = sizeof CSV_COLUMNS / sizeof CSV_COLUMNS[0] };

static const char *iso(Req *r, int64_t ms) {
    if (!ms) return "";
    char *s = arena_alloc(r->arena, 32);
    time_format_iso(ms, s, 32);
    return s;
}

static const char *num(Req *r, int64_t v) { return v ? arena_printf(r->arena, "%lld", (long long)v) : ""; }

/* Tags ",a,b," as "a;b" would lose nothing but readability: written "a, b". */
static const char *tags_cell(Req *r, const char *tags) {
    size_t n = strlen(tags);
    if (n <= 2) return "";
    char *s = arena_strndup(r->arena, tags + 1, n - 2);
    return s;
}

static int tasks_api_export(Req *r) {
    TaskFilter f;
    if (read_filter(r, &f) != 0) return -1;
    f.limit = 50000;
    Task *rows;
    int n;
    if (tasks_list(r, &f, &rows, &n) != 0) return -1;
    Buf b = {0};
    buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel reads the file as UTF-8 (Chinese stays readable) */
    for (int c = 0; c < N_CSV_COLUMNS; c++) {
        if (c) buf_putc(&b, ',');
        buf_puts(&b, CSV_COLUMNS[c]);
    }
    buf_puts(&b, "\r\n");
    for (int i = 0; i < n; i++) {
        const Task *t = &rows[i];
        const char *cells[N_CSV_COLUMNS] = {num(r, t->id),
                                            t->title,
                                            t->description,
                                            t->owner_login,
                                            num(r, t->team_id),
                                            t->status,
                                            t->blocked_reason,
                                            t->priority,
                                            iso(r, t->start_at),
                                            iso(r, t->due_at),
                                            t->milestone ? "1" : "0",
                                            num(r, t->parent_id),
                                            num(r, t->goal_id),
                                            tags_cell(r, t->tags),
                                            iso(r, t->completed_at)};
        for (int c = 0; c < N_CSV_COLUMNS; c++) {
            if (c) buf_putc(&b, ',');
            tasks_csv_cell(&b, cells[c]);
        }
        buf_puts(&b, "\r\n");
    }
    /* Written through the JSON writer's buffer would escape it: the CSV goes
     * into the body as one pre-built string. */
    JsonW *w = res_json(r);
    buf_append(w->out, b.data, b.len);
    buf_free(&b);
    res_header(r, "Content-Disposition", "attachment; filename=\"tasks.csv\"");
    return res_send(r, 200, "text/csv; charset=utf-8");
}

typedef struct RowError {
    int line;
    const char *field, *message;
} RowError;

static int column_of(const CsvRow *header, const char *name) {
    for (int c = 0; c < header->n_fields; c++)
        if (strcmp(header->fields[c], name) == 0) return c;
    return -1;
}

static const char *cell(const CsvRow *row, int col) {
    if (col < 0 || col >= row->n_fields) return NULL;
    return tasks_csv_unneutralise(row->fields[col]);
}

static int64_t login_id(Req *r, const char *login) {
    int64_t id = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id FROM users WHERE login = ?1 AND deleted_at IS NULL", &st) != DB_OK) return 0;
    db_bind_text(st, 1, login);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    return id;
}

/* Turns one CSV record into a TaskInput; field errors are recorded on r. */
static void row_input(Req *r, const CsvRow *hdr, const CsvRow *row, TaskInput *in) {
    const char *v;
    in->has_title = true;
    req_check_text(r, "title", cell(row, column_of(hdr, "title")), 1, 200, true, &in->title);
    if ((v = cell(row, column_of(hdr, "description"))) && *v) {
        in->has_description = true;
        multi_text(r, "description", v, 20000, false, &in->description);
    }
    v = cell(row, column_of(hdr, "owner"));
    if (!v || !*v) req_error(r, "owner", "error.required");
    else if (!(in->owner_id = login_id(r, v))) req_error(r, "owner", "tasks.error.owner_unknown");
    in->has_owner = true;
    if ((v = cell(row, column_of(hdr, "team_id"))) && *v) {
        in->has_team = true;
        in->team_id = strtoll(v, NULL, 10);
        if (in->team_id <= 0) req_error(r, "team_id", "error.not_integer");
    }
    if ((v = cell(row, column_of(hdr, "status"))) && *v) {
        in->has_status = true, in->status = v;
        if (!tasks_status_valid(v)) req_error(r, "status", "tasks.error.status");
    }
    if ((v = cell(row, column_of(hdr, "blocked_reason"))) && *v) in->has_blocked_reason = true, in->blocked_reason = v;
    if ((v = cell(row, column_of(hdr, "priority"))) && *v) {
        in->has_priority = true, in->priority = v;
        if (!tasks_priority_valid(v)) req_error(r, "priority", "tasks.error.priority");
    }
    if ((v = cell(row, column_of(hdr, "start_at"))) && *v) {
        in->has_start = true;
        if (time_parse_iso(v, &in->start_at) != 0) req_error(r, "start_at", "error.bad_date");
    }
    if ((v = cell(row, column_of(hdr, "due_at"))) && *v) {
        in->has_due = true;
        if (time_parse_iso(v, &in->due_at) != 0) req_error(r, "due_at", "error.bad_date");
    }
    if ((v = cell(row, column_of(hdr, "milestone"))) && *v) {
        in->has_milestone = true;
        in->milestone = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
    }
    if ((v = cell(row, column_of(hdr, "goal_id"))) && *v) in->has_goal = true, in->goal_id = strtoll(v, NULL, 10);
    if ((v = cell(row, column_of(hdr, "tags"))) && *v) {
        in->has_tags = true;
        in->tags = arena_alloc(r->arena, sizeof(char *) * TASKS_MAX_TAGS);
        char *copy = arena_strdup(r->arena, v);
        for (char *tok = strtok(copy, ","); tok && in->n_tags < TASKS_MAX_TAGS; tok = strtok(NULL, ",")) {
            while (*tok == ' ') tok++;
            if (*tok) in->tags[in->n_tags++] = tok;
        }
    }
}

/* 422 problem+json naming each row at fault as "line N: field" (written
 * here because the recorded field errors carry no line). Nothing was written. */
static int import_refused(Req *r, const RowError *errors, int n_errors) {
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_kstr(w, "type", "about:blank");
    jw_kstr(w, "title", T(r, "error.title.422"));
    jw_kint(w, "status", 422);
    jw_kstr(w, "detail", T(r, "tasks.error.import_refused"));
    jw_kstr(w, "instance", r->path);
    jw_kstr(w, "request_id", r->request_id);
    jw_key(w, "errors");
    jw_arr_begin(w);
    for (int e = 0; e < n_errors; e++) {
        jw_obj_begin(w);
        jw_kstr(w, "field",
                arena_printf(r->arena, "line %d: %s", errors[e].line, errors[e].field ? errors[e].field : "row"));
        jw_kstr(w, "message", errors[e].message);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    return res_send(r, 422, "application/problem+json");
}

static int tasks_api_import(Req *r) {
    const char *mode = req_query(r, "mode");
    bool valid_only = mode && strcmp(mode, "valid") == 0;
    if (mode && !valid_only && strcmp(mode, "all") != 0) return req_fail(r, 400, "mode", "tasks.error.import_mode");
    size_t len;
    const char *data = req_body(r, &len);
    CsvRow *rows;
    int n, err_line;
    const char *err_key;
    if (tasks_csv_parse(r->arena, data, len, &rows, &n, &err_line, &err_key) != 0)
        return req_fail(r, 422, arena_printf(r->arena, "line %d", err_line), err_key);
    if (n < 1 || column_of(&rows[0], "title") < 0 || column_of(&rows[0], "owner") < 0)
        return req_fail(r, 422, "line 1", "tasks.error.csv_header");
    RowError *errors = arena_alloc(r->arena, sizeof *errors * (size_t)(n * 4 + 1));
    int n_errors = 0, imported = 0;
    if (db_begin_write(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    for (int i = 1; i < n; i++) {
        TaskInput in = {0};
        int before = req_error_count(r);
        row_input(r, &rows[0], &rows[i], &in);
        Task t;
        /* The model's rules run for each row inside the one transaction; a
         * refused row writes nothing (its checks precede its writes). */
        if (req_error_count(r) == before && tasks_create_in_tx(r, &in, &t) == 0) imported++;
        for (int e = before; e < req_error_count(r) && n_errors < n * 4; e++)
            errors[n_errors++] = (RowError){rows[i].line, req_errors(r)[e].field, req_errors(r)[e].message};
    }
    if (n_errors && !valid_only) {
        db_rollback(r->db);
        return import_refused(r, errors, n_errors);
    }
    if (db_commit(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_kint(w, "imported", imported);
    jw_key(w, "errors");
    jw_arr_begin(w);
    for (int e = 0; e < n_errors; e++) {
        jw_obj_begin(w);
        jw_kint(w, "line", errors[e].line);
        jw_kstr(w, "field", errors[e].field);
        jw_kstr(w, "message", errors[e].message);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static const Route tasks_api_routes[] = {
    {"GET", "/api/v1/tasks", tasks_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/tasks", tasks_api_create, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_new, 0, false},
    {"GET", "/api/v1/tasks/export.csv", tasks_api_export, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/tasks/import", tasks_api_import, ACCESS_WRITER | ACC_RAW_BODY, NULL, 4 << 20, false},
    {"GET", "/api/v1/tasks/responsibility", tasks_api_responsibility, ACCESS_TEAM_READ, tasks_scope_query_team, 0,
     false},
    {"GET", "/api/v1/tasks/{id}", tasks_api_show, ACCESS_TEAM_READ, tasks_scope_task, 0, false},
    {"PATCH", "/api/v1/tasks/{id}", tasks_api_update, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"DELETE", "/api/v1/tasks/{id}", tasks_api_delete, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"GET", "/api/v1/tasks/{id}/comments", tasks_api_comments, ACCESS_TEAM_READ, tasks_scope_task, 0, false},
    {"POST", "/api/v1/tasks/{id}/comments", tasks_api_comment_add, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0,
     false},
    {"GET", "/api/v1/tasks/{id}/checklist", tasks_api_checklist, ACCESS_TEAM_READ, tasks_scope_task, 0, false},
    {"POST", "/api/v1/tasks/{id}/checklist", tasks_api_check_add, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0,
     false},
    {"PATCH", "/api/v1/tasks/{id}/checklist/{item}", tasks_api_check_update, ACCESS_WRITER | ACC_SCOPE_READ,
     tasks_scope_task, 0, false},
    {"DELETE", "/api/v1/tasks/{id}/checklist/{item}", tasks_api_check_delete, ACCESS_WRITER | ACC_SCOPE_READ,
     tasks_scope_task, 0, false},
};
ROUTE_TABLE(tasks_api, tasks_api_routes);
