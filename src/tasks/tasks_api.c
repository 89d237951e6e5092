/* tasks_api.c — JSON routes for tasks, their comments and checklists, the
 * responsibility view, and CSV export/import. Parse → model → render. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "tasks.h"

/* ---------- input helpers (shared with tasks_page.c through tasks_input.h-free copies) ---------- */

/* Multi-line text (descriptions, comments): UTF-8, no control characters but
 * tab and line breaks, at most max code points. */
static int multi_text(Req *r, const char *field, const char *v, int max, bool required, const char **out) {
    return tasks_check_multiline(r, field, v, max, required, out);
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
    if (req_json_int(r, body, "key_result_id", 1, INT64_MAX, false, &in->key_result_id, &in->has_key_result,
                     &is_null) != 0)
        return -1;
    if (is_null) in->key_result_id = 0;
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

static const char *const TASK_FIELDS[] = {"title",      "description",   "status",    "blocked_reason", "priority",
                                          "owner_id",   "team_id",       "parent_id", "goal_id",        "start_at",
                                          "due_at",     "milestone",     "tags",      "collaborators",  "blocked_by",
                                          "recurrence", "key_result_id", NULL};

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
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) tasks_json(w, &rows[i], now);
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
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
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) tasks_comment_json(w, &rows[i]);
    return res_list_send(r, false, 0);
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
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) tasks_check_json(w, &rows[i]);
    return res_list_send(r, false, 0);
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

static const char *const CSV_COLUMNS[] = {
    "id",       "title",  "description", "owner",     "team_id", "status",        "blocked_reason", "priority",
    "start_at", "due_at", "milestone",   "parent_id", "goal_id", "key_result_id", "tags",           "completed_at"};
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
                                            num(r, t->key_result_id),
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

/* 422 problem+json naming each row at fault as "line N: field" (written
 * here because the recorded field errors carry no line). Nothing was written. */
static int import_refused(Req *r, const TaskImportError *errors, int n_errors) {
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
    TaskImport res;
    int rc = tasks_import(r, data, len, valid_only, &res);
    if (rc < 0) return -1;
    if (rc == 1) return import_refused(r, res.errors, res.n_errors);
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_kint(w, "imported", res.imported);
    jw_key(w, "errors");
    jw_arr_begin(w);
    for (int e = 0; e < res.n_errors; e++) {
        jw_obj_begin(w);
        jw_kint(w, "line", res.errors[e].line);
        jw_kstr(w, "field", res.errors[e].field);
        jw_kstr(w, "message", res.errors[e].message);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static const Route tasks_api_routes[] = {
    {"GET", "/api/v1/tasks", tasks_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/tasks", tasks_api_create, ACCESS_WRITER | ACC_SCOPE_READ, web_scope_new, 0, false},
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
