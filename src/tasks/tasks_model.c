/* tasks_model.c — task queries and rules: owner and team scope, status with
 * a blocked reason, due not before start, parent and blocked-by cycles, tags,
 * the responsibility figures, and creating, updating and soft-deleting a task
 * with its audit row in one write transaction (updates check the version).
 * Not here: collaborators and blockers as stored, comments and the checklist
 * (tasks_links.c), recurrence (tasks_recur.c); no HTML or HTTP. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../goals/goals.h"
#include "tasks_internal.h"

char *tasks_snapshot(Req *r, const Task *t) {
    JsonText jt;
    tasks_json(jw_text_begin(&jt), t, time_now_ms());
    return jw_text_end(&jt, r->arena);
}

/* ======================= values ======================= */

static const char *const STATUSES[] = {"todo", "in_progress", "blocked", "done", "cancelled"};
static const char *const PRIORITIES[] = {"low", "normal", "high", "urgent"};

static bool one_of(const char *s, const char *const *list, size_t n) {
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0) return true;
    return false;
}
bool tasks_status_valid(const char *s) { return one_of(s, STATUSES, 5); }
bool tasks_priority_valid(const char *s) { return one_of(s, PRIORITIES, 4); }
static bool status_open(const char *s) {
    return strcmp(s, "todo") == 0 || strcmp(s, "in_progress") == 0 || strcmp(s, "blocked") == 0;
}
bool tasks_is_open(const Task *t) { return status_open(t->status); }
bool tasks_is_overdue(const Task *t, int64_t now_ms) { return tasks_is_open(t) && t->due_at && t->due_at < now_ms; }

void tasks_day_bounds(int64_t now_ms, int64_t *today, int64_t *tomorrow, int64_t *next_week) {
    int64_t local = now_ms + DISPLAY_OFFSET_MS;
    int64_t days = local >= 0 ? local / DAY_MS : (local - DAY_MS + 1) / DAY_MS;
    *today = days * DAY_MS - DISPLAY_OFFSET_MS;
    *tomorrow = *today + DAY_MS;
    int weekday = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
    *next_week = *today + (7 - weekday) * DAY_MS;
}

void tasks_json(JsonW *w, const Task *t, int64_t now_ms) {
    jw_obj_begin(w);
    jw_kint(w, "id", t->id);
    jw_kstr(w, "title", t->title);
    jw_kstr(w, "description", t->description);
    jw_kint(w, "owner_id", t->owner_id);
    jw_kstr(w, "owner_login", t->owner_login);
    jw_kstr(w, "owner_name", t->owner_name);
    jw_kint(w, "team_id", t->team_id);
    jw_kstr(w, "team_name", t->team_name);
    jw_kstr(w, "status", t->status);
    jw_kstr(w, "blocked_reason", t->blocked_reason);
    jw_kstr(w, "priority", t->priority);
    jw_ktime(w, "start_at", t->start_at);
    jw_ktime(w, "due_at", t->due_at);
    jw_kbool(w, "milestone", t->milestone);
    jw_kid_or_null(w, "parent_id", t->parent_id);
    jw_kid_or_null(w, "goal_id", t->goal_id);
    jw_kid_or_null(w, "key_result_id", t->key_result_id);
    jw_key(w, "tags");
    jw_arr_begin(w);
    for (const char *p = t->tags ? t->tags + 1 : ""; *p;) {
        const char *e = strchr(p, ',');
        if (!e) break;
        jw_strn(w, p, (size_t)(e - p));
        p = e + 1;
    }
    jw_arr_end(w);
    jw_key(w, "collaborators");
    jw_arr_begin(w);
    for (int i = 0; i < t->n_collaborators; i++) jw_int(w, t->collaborators[i]);
    jw_arr_end(w);
    jw_key(w, "blocked_by");
    jw_arr_begin(w);
    for (int i = 0; i < t->n_blocked_by; i++) jw_int(w, t->blocked_by[i]);
    jw_arr_end(w);
    jw_kint(w, "subtasks", t->n_subtasks);
    jw_kint(w, "subtasks_done", t->n_subtasks_done);
    jw_key(w, "progress");
    if (t->n_subtasks) jw_double(w, (double)t->n_subtasks_done / (double)t->n_subtasks);
    else jw_null(w);
    jw_kbool(w, "overdue", tasks_is_overdue(t, now_ms));
    jw_ktime(w, "completed_at", t->completed_at);
    jw_key(w, "done_on_time");
    if (strcmp(t->status, "done") == 0 && t->due_at) jw_bool(w, t->completed_at <= t->due_at);
    else jw_null(w);
    if (t->recurrence) jw_kstr(w, "recurrence", t->recurrence); /* single-task responses only */
    jw_kint(w, "version", t->version);
    jw_ktime(w, "created_at", t->created_at);
    jw_ktime(w, "updated_at", t->updated_at);
    jw_obj_end(w);
}

/* ======================= queries ======================= */

#define TASK_COLS                                                                                                      \
    "t.id, t.title, t.description, t.owner_id, u.login, u.name, t.team_id, tm.name, t.status, t.blocked_reason,"       \
    " t.priority, t.start_at, t.due_at, t.milestone, t.parent_id, t.goal_id, t.tags, t.completed_at, t.created_by,"    \
    " t.version, t.created_at, t.updated_at,"                                                                          \
    " (SELECT COUNT(*) FROM tasks c WHERE c.parent_id = t.id AND c.deleted_at IS NULL),"                               \
    " (SELECT COUNT(*) FROM tasks c WHERE c.parent_id = t.id AND c.deleted_at IS NULL AND c.status = 'done'),"         \
    " t.key_result_id"
#define TASK_FROM " FROM tasks t JOIN users u ON u.id = t.owner_id JOIN teams tm ON tm.id = t.team_id"

static int64_t col_int0(DbStmt *st, int c) { return db_col_null(st, c) ? 0 : db_col_int(st, c); }

static void task_from_row(Req *r, DbStmt *st, Task *t) {
    memset(t, 0, sizeof *t);
    Arena *a = r->arena;
    t->id = db_col_int(st, 0);
    t->title = arena_strdup(a, db_col_text(st, 1));
    t->description = arena_strdup(a, db_col_text(st, 2));
    t->owner_id = db_col_int(st, 3);
    t->owner_login = arena_strdup(a, db_col_text(st, 4));
    t->owner_name = arena_strdup(a, db_col_text(st, 5));
    t->team_id = db_col_int(st, 6);
    t->team_name = arena_strdup(a, db_col_text(st, 7));
    t->status = arena_strdup(a, db_col_text(st, 8));
    t->blocked_reason = arena_strdup(a, db_col_text(st, 9));
    t->priority = arena_strdup(a, db_col_text(st, 10));
    t->start_at = col_int0(st, 11);
    t->due_at = col_int0(st, 12);
    t->milestone = db_col_int(st, 13) != 0;
    t->parent_id = col_int0(st, 14);
    t->goal_id = col_int0(st, 15);
    t->tags = arena_strdup(a, db_col_text(st, 16));
    t->completed_at = col_int0(st, 17);
    t->created_by = col_int0(st, 18);
    t->version = db_col_int(st, 19);
    t->created_at = db_col_int(st, 20);
    t->updated_at = db_col_int(st, 21);
    t->n_subtasks = db_col_int(st, 22);
    t->n_subtasks_done = db_col_int(st, 23);
    t->key_result_id = col_int0(st, 24);
}

int tasks_get(Req *r, int64_t id, Task *t) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " TASK_COLS TASK_FROM " WHERE t.id = ?1 AND t.deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) task_from_row(r, st, t);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return 1;
    if (tasks_load_links(r, t) != 0) return DB_FAIL(r);
    if (tasks_recur_get(r, id, &t->recurrence) != 0) return DB_FAIL(r);
    return 0;
}

static int collect(Req *r, DbStmt *st, int limit, Task **out, int *n) {
    int cap = 16, k = 0, rc;
    Task *rows = arena_alloc(r->arena, sizeof *rows * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW && k < limit) {
        if (k == cap) {
            Task *bigger = arena_alloc(r->arena, sizeof *rows * (size_t)cap * 2);
            memcpy(bigger, rows, sizeof *rows * (size_t)cap);
            rows = bigger, cap *= 2;
        }
        task_from_row(r, st, &rows[k++]);
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (tasks_load_links_batch(r, rows, k) != 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
}

int tasks_list(Req *r, const TaskFilter *f, Task **out, int *n) {
    int64_t now = time_now_ms(), today, tomorrow, next_week;
    tasks_day_bounds(now, &today, &tomorrow, &next_week);
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " TASK_COLS TASK_FROM
                   " WHERE t.deleted_at IS NULL AND (CAST(?1 AS TEXT) IS NULL OR tm.path LIKE ?1 || '%')"
                   " AND (?2 = 0 OR t.owner_id = ?2)"
                   " AND (?3 = 0 OR tm.path LIKE (SELECT p.path FROM teams p WHERE p.id = ?3) || '%')"
                   " AND (?4 = 0 OR t.goal_id = ?4)"
                   " AND (CAST(?5 AS TEXT) IS NULL OR t.status = ?5"
                   "      OR (?5 = 'open' AND t.status IN ('todo', 'in_progress', 'blocked')))"
                   " AND (CAST(?6 AS TEXT) IS NULL OR instr(t.tags, ',' || ?6 || ',') > 0)"
                   " AND (?7 = 0"
                   "      OR (?7 = 1 AND t.due_at < ?8 AND t.status IN ('todo', 'in_progress', 'blocked'))"
                   "      OR (?7 = 2 AND t.due_at >= ?9 AND t.due_at < ?10)"
                   "      OR (?7 = 3 AND t.due_at >= ?9 AND t.due_at < ?11)"
                   "      OR (?7 = 4 AND t.due_at IS NULL))"
                   " AND t.id > ?12 ORDER BY t.id LIMIT ?13",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, f->scope_path);
    db_bind_int(st, 2, f->owner_id);
    db_bind_int(st, 3, f->team_id);
    db_bind_int(st, 4, f->goal_id);
    db_bind_text(st, 5, f->status);
    db_bind_text(st, 6, f->tag);
    db_bind_int(st, 7, f->due);
    db_bind_int(st, 8, now);
    db_bind_int(st, 9, today);
    db_bind_int(st, 10, tomorrow);
    db_bind_int(st, 11, next_week);
    db_bind_int(st, 12, f->after_id);
    db_bind_int(st, 13, f->limit);
    return collect(r, st, f->limit, out, n);
}

int tasks_children(Req *r, int64_t id, Task **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " TASK_COLS TASK_FROM " WHERE t.parent_id = ?1 AND t.deleted_at IS NULL ORDER BY t.id",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    return collect(r, st, 1000, out, n);
}
int tasks_responsibility(Req *r, int64_t team_id, TaskResponsibility **out, int *n) {
    int64_t now = time_now_ms();
    DbStmt *st;
    if (db_prepare(
            r->db,
            "SELECT u.id, u.login, u.name,"
            " (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.deleted_at IS NULL"
            "  AND t.status IN ('todo', 'in_progress', 'blocked')),"
            " (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.deleted_at IS NULL"
            "  AND t.status IN ('todo', 'in_progress', 'blocked') AND t.due_at < ?2),"
            " (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.deleted_at IS NULL AND t.status = 'done'"
            "  AND t.completed_at >= ?3 AND t.due_at IS NOT NULL AND t.completed_at <= t.due_at),"
            " (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.deleted_at IS NULL AND t.status = 'done'"
            "  AND t.completed_at >= ?3 AND t.due_at IS NOT NULL)"
            " FROM users u JOIN teams tm ON tm.id = u.team_id"
            " WHERE u.deleted_at IS NULL AND u.disabled = 0"
            " AND tm.path LIKE (SELECT p.path FROM teams p WHERE p.id = ?1) || '%' ORDER BY u.name, u.id LIMIT 1000",
            &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, team_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now - 30 * DAY_MS);
    TaskResponsibility *rows = arena_alloc(r->arena, sizeof *rows * 1000);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < 1000) {
        TaskResponsibility *p = &rows[k++];
        p->user_id = db_col_int(st, 0);
        p->login = arena_strdup(r->arena, db_col_text(st, 1));
        p->name = arena_strdup(r->arena, db_col_text(st, 2));
        p->open = db_col_int(st, 3);
        p->overdue = db_col_int(st, 4);
        p->done_on_time_30d = db_col_int(st, 5);
        p->done_with_due_30d = db_col_int(st, 6);
        p->on_time_rate = p->done_with_due_30d ? (double)p->done_on_time_30d / (double)p->done_with_due_30d : -1;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
}

int64_t tasks_nav_overdue(Req *r) {
    if (!r->who || !r->db) return 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT COUNT(*) FROM tasks WHERE owner_id = ?1 AND deleted_at IS NULL"
                   " AND status IN ('todo', 'in_progress', 'blocked') AND due_at < ?2",
                   &st) != DB_OK)
        return 0;
    db_bind_int(st, 1, r->who->user_id);
    db_bind_int(st, 2, time_now_ms());
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    return n;
}

/* ======================= rules ======================= */

bool tasks_is_manager_of(Req *r, int64_t team_id) {
    return r->who && (r->who->role == ROLE_ADMIN || r->who->role == ROLE_SUPERVISOR) && web_can_manage_team(r, team_id);
}

bool tasks_may_edit(Req *r, const Task *t) {
    if (!r->who || r->who->role == ROLE_VIEWER) return false;
    if (tasks_is_manager_of(r, t->team_id) || t->owner_id == r->who->user_id) return true;
    for (int i = 0; i < t->n_collaborators; i++)
        if (t->collaborators[i] == r->who->user_id) return true;
    return false;
}

bool tasks_may_delete(Req *r, const Task *t) {
    if (!r->who || r->who->role == ROLE_VIEWER) return false;
    return tasks_is_manager_of(r, t->team_id) || (t->created_by && t->created_by == r->who->user_id);
}

/* 0 with *team_id when user_id is an active person with a team; 1 otherwise. */
int tasks_active_person(Req *r, int64_t user_id, int64_t *team_id) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT team_id FROM users WHERE id = ?1 AND disabled = 0 AND deleted_at IS NULL", &st) !=
        DB_OK)
        return -1;
    db_bind_int(st, 1, user_id);
    int rc = db_step(st);
    *team_id = rc == DB_ROW ? col_int0(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return -1;
    return rc == DB_ROW && *team_id ? 0 : 1;
}

/* 1 when `ancestor` is reachable from `from` by following `edge` (parent or blocked-by), 0 when not. */
static int reaches_by_dep(Req *r, int64_t from, int64_t target) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "WITH RECURSIVE up(id) AS (SELECT blocked_by_id FROM task_deps WHERE task_id = ?1"
                   " UNION SELECT d.blocked_by_id FROM task_deps d JOIN up ON d.task_id = up.id)"
                   " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, target);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

static int reaches_by_parent(Req *r, int64_t from, int64_t target) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "WITH RECURSIVE up(id) AS (SELECT parent_id FROM tasks WHERE id = ?1"
                   " UNION SELECT t.parent_id FROM tasks t JOIN up ON t.id = up.id)"
                   " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, target);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

/* Team of a live task readable by the caller, or 0. */
static int64_t readable_task_team(Req *r, int64_t id) {
    int64_t team = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT team_id FROM tasks WHERE id = ?1 AND deleted_at IS NULL", &st) != DB_OK) return 0;
    db_bind_int(st, 1, id);
    if (db_step(st) == DB_ROW) team = db_col_int(st, 0);
    db_finalize(st);
    return team && web_can_read_team(r, team) ? team : 0;
}

static const char *join_tags(Req *r, const char **tags, int n) {
    Buf b = {0};
    buf_putc(&b, ',');
    for (int i = 0; i < n; i++) {
        char *needle = arena_printf(r->arena, ",%s,", tags[i]);
        if (strstr(buf_cstr(&b), needle)) continue; /* duplicates once */
        buf_puts(&b, tags[i]);
        buf_putc(&b, ',');
    }
    char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Merges in onto after (a copy of before, or zero for a new task) and checks
 * every rule inside the write transaction. Records field errors; returns
 * 0, or the HTTP status to fail with. */
static int apply_input(Req *r, const Task *before, const TaskInput *in, Task *after) {
    bool creating = before == NULL;
    bool manager_before = !creating && tasks_is_manager_of(r, before->team_id);
    if (in->has_title) after->title = in->title;
    if (in->has_description) after->description = in->description ? in->description : "";
    if (in->has_status) after->status = in->status;
    if (in->has_priority) after->priority = in->priority;
    if (in->has_blocked_reason) after->blocked_reason = in->blocked_reason;
    if (in->has_start) after->start_at = in->start_at;
    if (in->has_due) after->due_at = in->due_at;
    if (in->has_milestone) after->milestone = in->milestone;
    /* A key result refines the goal link: naming another goal alone drops it. */
    if (in->has_goal && in->goal_id != after->goal_id && !in->has_key_result) after->key_result_id = 0;
    if (in->has_goal) after->goal_id = in->goal_id;
    if (in->has_key_result) after->key_result_id = in->key_result_id;
    if (in->has_parent) after->parent_id = in->parent_id;
    if (in->has_tags) after->tags = join_tags(r, in->tags, in->n_tags);
    if (in->has_owner) after->owner_id = in->owner_id;
    if (in->has_team) after->team_id = in->team_id;
    if (in->has_collaborators) after->collaborators = in->collaborators, after->n_collaborators = in->n_collaborators;
    if (in->has_blocked_by) after->blocked_by = in->blocked_by, after->n_blocked_by = in->n_blocked_by;

    /* The owner: an active person with a team. */
    int64_t owner_team = 0;
    int rc = tasks_active_person(r, after->owner_id, &owner_team);
    if (rc < 0) return 503;
    if (rc == 1 || !web_can_read_team(r, owner_team)) {
        req_error(r, "owner_id", "tasks.error.owner_unknown");
        return 422;
    }
    if (!after->team_id) after->team_id = owner_team;
    if (!web_team_path(r, after->team_id) || !web_can_read_team(r, after->team_id)) {
        req_error(r, "team_id", "error.team_unknown");
        return 422;
    }
    bool manager = tasks_is_manager_of(r, after->team_id);
    bool self_owned = after->owner_id == r->who->user_id;
    bool owner_changes = creating || after->owner_id != before->owner_id;
    bool team_changes = creating || after->team_id != before->team_id;
    if (team_changes && !manager) {
        /* Members create tasks in their own team (or one under it) only. */
        if (!creating || r->who->role != ROLE_MEMBER) return req_error(r, "team_id", "error.forbidden"), 403;
    }
    if (owner_changes && !self_owned) {
        if (!creating && !manager_before) return req_error(r, "owner_id", "tasks.error.owner_change"), 403;
        if (!tasks_is_manager_of(r, owner_team)) {
            req_error(r, "owner_id", "tasks.error.owner_scope");
            return 422;
        }
    }
    if (creating && !manager && !self_owned) {
        req_error(r, "owner_id", "tasks.error.owner_scope");
        return 422;
    }
    /* Status and its reason. */
    if (strcmp(after->status, "blocked") == 0) {
        if (!after->blocked_reason || !*after->blocked_reason) {
            req_error(r, "blocked_reason", "tasks.error.reason_required");
            return 422;
        }
    } else {
        after->blocked_reason = NULL;
    }
    if (strcmp(after->status, "done") == 0) {
        if (creating || strcmp(before->status, "done") != 0) after->completed_at = time_now_ms();
    } else {
        after->completed_at = 0;
    }
    if (after->key_result_id && (creating || after->key_result_id != before->key_result_id)) {
        int64_t kr_goal = 0;
        int c = goals_kr_link(r, after->key_result_id, &kr_goal);
        if (c < 0) return 503;
        if (c) return req_error(r, "key_result_id", "tasks.error.kr_unknown"), 422;
        if (in->has_goal && after->goal_id && after->goal_id != kr_goal)
            return req_error(r, "key_result_id", "tasks.error.kr_goal"), 422;
        after->goal_id = kr_goal;
    }
    if (after->start_at && after->due_at && after->due_at < after->start_at) {
        req_error(r, "due_at", "tasks.error.due_before_start");
        return 422;
    }
    /* Parent: a readable live task, not this one, not one of its subtasks. */
    if (after->parent_id && (creating || after->parent_id != before->parent_id)) {
        if (!readable_task_team(r, after->parent_id)) return req_error(r, "parent_id", "tasks.error.task_unknown"), 422;
        if (!creating) {
            int c = after->parent_id == before->id ? 1 : reaches_by_parent(r, after->parent_id, before->id);
            if (c < 0) return 503;
            if (c) return req_error(r, "parent_id", "tasks.error.parent_cycle"), 422;
        }
    }
    for (int i = 0; i < after->n_collaborators; i++) {
        int64_t team = 0;
        int c = tasks_active_person(r, after->collaborators[i], &team);
        if (c < 0) return 503;
        if (c == 1 || !web_can_read_team(r, team))
            return req_error(r, "collaborators", "tasks.error.owner_unknown"), 422;
    }
    /* Blocked-by: readable live tasks; adding b to this task's blockers makes
     * a cycle when this task is already (transitively) among b's blockers. */
    for (int i = 0; in->has_blocked_by && i < after->n_blocked_by; i++) {
        int64_t b = after->blocked_by[i];
        if (!readable_task_team(r, b)) return req_error(r, "blocked_by", "tasks.error.task_unknown"), 422;
        if (!creating) {
            int c = b == before->id ? 1 : reaches_by_dep(r, b, before->id);
            if (c < 0) return 503;
            if (c) return req_error(r, "blocked_by", "tasks.error.cycle"), 422;
        }
    }
    return 0;
}
/* The create without its transaction (the CSV import runs many in one). */
static int create_in_tx(Req *r, const TaskInput *in, Task *out) {
    Task t = {.description = "", .status = "todo", .priority = "normal", .tags = ","};
    int status = apply_input(r, NULL, in, &t);
    if (status) return req_failed(r, status);
    int64_t now = time_now_ms(), id = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO tasks (title, description, owner_id, team_id, status, blocked_reason, priority,"
                   " start_at, due_at, milestone, parent_id, goal_id, tags, completed_at, created_by, version,"
                   " created_at, updated_at, key_result_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                   " ?13, ?14, ?15, 1, ?16, ?16, ?17) RETURNING id",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, t.title);
    db_bind_text(st, 2, t.description);
    db_bind_int(st, 3, t.owner_id);
    db_bind_int(st, 4, t.team_id);
    db_bind_text(st, 5, t.status);
    db_bind_text(st, 6, t.blocked_reason);
    db_bind_text(st, 7, t.priority);
    db_bind_int_or_null(st, 8, t.start_at);
    db_bind_int_or_null(st, 9, t.due_at);
    db_bind_int(st, 10, t.milestone);
    db_bind_int_or_null(st, 11, t.parent_id);
    db_bind_int_or_null(st, 12, t.goal_id);
    db_bind_text(st, 13, t.tags);
    db_bind_int_or_null(st, 14, t.completed_at);
    db_bind_int_or_null(st, 15, r->who->user_id);
    db_bind_int(st, 16, now);
    db_bind_int_or_null(st, 17, t.key_result_id);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id) return DB_FAIL(r);
    t.id = id;
    TaskInput links = *in;
    links.has_collaborators = links.has_blocked_by = true;
    if (tasks_write_links(r, &t, &links) != 0) return DB_FAIL(r);
    if (tasks_recur_sync(r, &t, in) != 0) return -1;
    if (tasks_kr_sync(r, t.key_result_id) != 0) return -1;
    if (tasks_get(r, id, out) != 0) return DB_FAIL(r);
    if (web_audit(r, "create", "task", id, NULL, tasks_snapshot(r, out)) != 0) return -1;
    return 0;
}

int tasks_create(Req *r, const TaskInput *in, Task *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    if (create_in_tx(r, in, out) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

/* Exposed to tasks_api.c for the CSV import (same rules, one transaction). */
int tasks_create_in_tx(Req *r, const TaskInput *in, Task *out) { return create_in_tx(r, in, out); }

/* Loads the task for a change inside the transaction: 404 / 412 / 403. */
int tasks_load_for_change(Req *r, int64_t id, int64_t expected_version, Task *t, bool deleting) {
    int rc = tasks_get(r, id, t);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1 || !web_can_read_team(r, t->team_id)) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (expected_version >= 0 && t->version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (deleting ? !tasks_may_delete(r, t) : !tasks_may_edit(r, t)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

int tasks_update(Req *r, int64_t id, int64_t expected_version, const TaskInput *in, Task *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task before, after;
    if (tasks_load_for_change(r, id, expected_version, &before, false) != 0) return -1;
    after = before;
    int status = apply_input(r, &before, in, &after);
    if (status) {
        db_rollback(r->db);
        return req_failed(r, status);
    }
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE tasks SET title = ?1, description = ?2, owner_id = ?3, team_id = ?4, status = ?5,"
                   " blocked_reason = ?6, priority = ?7, start_at = ?8, due_at = ?9, milestone = ?10, parent_id = ?11,"
                   " goal_id = ?12, tags = ?13, completed_at = ?14, version = version + 1, updated_at = ?15,"
                   " key_result_id = ?18 WHERE id = ?16 AND version = ?17 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_text(st, 1, after.title);
    db_bind_text(st, 2, after.description);
    db_bind_int(st, 3, after.owner_id);
    db_bind_int(st, 4, after.team_id);
    db_bind_text(st, 5, after.status);
    db_bind_text(st, 6, after.blocked_reason);
    db_bind_text(st, 7, after.priority);
    db_bind_int_or_null(st, 8, after.start_at);
    db_bind_int_or_null(st, 9, after.due_at);
    db_bind_int(st, 10, after.milestone);
    db_bind_int_or_null(st, 11, after.parent_id);
    db_bind_int_or_null(st, 12, after.goal_id);
    db_bind_text(st, 13, after.tags);
    db_bind_int_or_null(st, 14, after.completed_at);
    db_bind_int(st, 15, time_now_ms());
    db_bind_int(st, 16, id);
    db_bind_int(st, 17, before.version);
    db_bind_int_or_null(st, 18, after.key_result_id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale"); /* lost a race */
    if (tasks_write_links(r, &after, in) != 0) return TX_DB_FAIL(r);
    /* Recurrence: the rule follows the due date; done creates the next occurrence. */
    bool now_done = strcmp(after.status, "done") == 0 && strcmp(before.status, "done") != 0;
    if (tasks_recur_sync(r, &after, in) != 0 || (now_done && tasks_recur_on_done(r, id) != 0)) {
        db_rollback(r->db);
        return -1;
    }
    /* Key results fed by tasks follow a change of status or of link, in this transaction. */
    bool kr_moved = after.key_result_id != before.key_result_id;
    if ((kr_moved || strcmp(after.status, before.status) != 0) &&
        (tasks_kr_sync(r, after.key_result_id) != 0 || (kr_moved && tasks_kr_sync(r, before.key_result_id) != 0))) {
        db_rollback(r->db);
        return -1;
    }
    if (tasks_get(r, id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "update", "task", id, tasks_snapshot(r, &before), tasks_snapshot(r, out));
}

int tasks_delete(Req *r, int64_t id, int64_t expected_version) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task before;
    if (tasks_load_for_change(r, id, expected_version, &before, true) != 0) return -1;
    if (web_soft_delete(r,
                        "UPDATE tasks SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                        " AND deleted_at IS NULL RETURNING id",
                        id, before.version) != 0)
        return -1;
    if (tasks_kr_sync(r, before.key_result_id) != 0) {
        db_rollback(r->db);
        return -1;
    }
    return web_audit_commit(r, "delete", "task", id, tasks_snapshot(r, &before), NULL);
}

int tasks_kr_sync(Req *r, int64_t kr_id) {
    if (!kr_id) return 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0),"
                   " COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END), 0)"
                   " FROM tasks WHERE key_result_id = ?1 AND deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, kr_id);
    int rc = db_step(st);
    int64_t done = rc == DB_ROW ? db_col_int(st, 0) : 0, total = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_finalize(st);
    if (rc != DB_ROW) return DB_FAIL(r);
    return goals_kr_set_from_tasks(r, kr_id, done, total);
}

/* ======================= scope resolvers ======================= */

int tasks_scope_task(Req *r, int64_t *team_id) {
    return web_scope_by_id(r, "id", "SELECT team_id FROM tasks WHERE id = ?1 AND deleted_at IS NULL", team_id);
}

int tasks_scope_query_team(Req *r, int64_t *team_id) {
    if (req_query_int(r, "team_id", 1, INT64_MAX, 0, team_id) != 0) return -1;
    if (!*team_id) *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
    if (*team_id > 0 && !web_team_path(r, *team_id)) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}
