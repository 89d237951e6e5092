/* tasks_model.c — task queries and rules: owner and team scope, status with
 * a blocked reason, due not before start, parent and blocked-by cycles,
 * collaborators, tags, checklist, comments with @mentions, the
 * responsibility figures. Every change runs in one write transaction with
 * its audit row; updates check the version. No HTML or HTTP here. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "../goals/goals.h"
#include "tasks.h"

#define DB_FAIL(r)        req_fail((r), 503, NULL, "error.db_unavailable")
#define DISPLAY_OFFSET_MS ((int64_t)web_display_offset_min() * 60000) /* the display zone (web.h) */
#define DAY_MS            (86400LL * 1000)

static char *snapshot(Req *r, const Task *t) {
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    tasks_json(&w, t, time_now_ms());
    char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
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
    jw_key(w, "parent_id");
    if (t->parent_id) jw_int(w, t->parent_id);
    else jw_null(w);
    jw_key(w, "goal_id");
    if (t->goal_id) jw_int(w, t->goal_id);
    else jw_null(w);
    jw_key(w, "key_result_id");
    if (t->key_result_id) jw_int(w, t->key_result_id);
    else jw_null(w);
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

void tasks_comment_json(JsonW *w, const TaskComment *c) {
    jw_obj_begin(w);
    jw_kint(w, "id", c->id);
    jw_kint(w, "task_id", c->task_id);
    jw_kint(w, "author_id", c->author_id);
    jw_kstr(w, "author_login", c->author_login);
    jw_kstr(w, "author_name", c->author_name);
    jw_kstr(w, "body", c->body);
    jw_key(w, "mentions");
    jw_arr_begin(w);
    for (int i = 0; i < c->n_mentions; i++) jw_str(w, c->mentions[i]);
    jw_arr_end(w);
    jw_ktime(w, "created_at", c->created_at);
    jw_obj_end(w);
}

void tasks_check_json(JsonW *w, const TaskCheckItem *c) {
    jw_obj_begin(w);
    jw_kint(w, "id", c->id);
    jw_kint(w, "task_id", c->task_id);
    jw_kstr(w, "text", c->text);
    jw_kbool(w, "done", c->done);
    jw_kint(w, "position", c->position);
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

/* Ids from a one-column query bound with one id. */
static int id_list(Req *r, DbStmt *st, int64_t **out, int *n) {
    int cap = 8, k = 0, rc;
    int64_t *ids = arena_alloc(r->arena, sizeof *ids * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            int64_t *bigger = arena_alloc(r->arena, sizeof *ids * (size_t)cap * 2);
            memcpy(bigger, ids, sizeof *ids * (size_t)cap);
            ids = bigger, cap *= 2;
        }
        ids[k++] = db_col_int(st, 0);
    }
    db_finalize(st);
    *out = ids;
    *n = k;
    return rc < 0 ? -1 : 0;
}

static int load_links(Req *r, Task *t) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT user_id FROM task_collaborators WHERE task_id = ?1 ORDER BY user_id", &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, t->id);
    if (id_list(r, st, &t->collaborators, &t->n_collaborators) != 0) return -1;
    if (db_prepare(r->db,
                   "SELECT d.blocked_by_id FROM task_deps d JOIN tasks b ON b.id = d.blocked_by_id"
                   " WHERE d.task_id = ?1 AND b.deleted_at IS NULL ORDER BY d.blocked_by_id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, t->id);
    return id_list(r, st, &t->blocked_by, &t->n_blocked_by);
}

/* The links of a page of tasks, LINK_BATCH tasks per query (two queries per
 * batch instead of two per task); the same lists, in the same order, as
 * load_links. Unused placeholders are bound to 0, never a task id. */
enum { LINK_BATCH = 50 };
#define LINK_PLACEHOLDERS /* LINK_BATCH of them */                                                                     \
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "                                                                        \
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "                                                               \
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, "                                                               \
    "?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, "                                                               \
    "?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50"

typedef struct LinkPair {
    int64_t task_id, id;
} LinkPair;

static int row_cmp_id(const void *a, const void *b) {
    int64_t x = (*(Task *const *)a)->id, y = (*(Task *const *)b)->id;
    return x < y ? -1 : x > y;
}

/* Runs one batched link query (collaborators, or blockers) and appends its
 * (task_id, id) pairs. */
static int link_pairs(Req *r, bool blockers, Task **byid, int from, int count, LinkPair **pairs, int *n, int *cap) {
    DbStmt *st;
    int prc = blockers
                  ? db_prepare(r->db,
                               "SELECT d.task_id, d.blocked_by_id FROM task_deps d"
                               " JOIN tasks b ON b.id = d.blocked_by_id WHERE d.task_id IN (" LINK_PLACEHOLDERS ")"
                               " AND b.deleted_at IS NULL ORDER BY d.task_id, d.blocked_by_id",
                               &st)
                  : db_prepare(r->db,
                               "SELECT task_id, user_id FROM task_collaborators WHERE task_id IN (" LINK_PLACEHOLDERS
                               ") ORDER BY task_id, user_id",
                               &st);
    if (prc != DB_OK) return -1;
    for (int j = 0; j < LINK_BATCH; j++) db_bind_int(st, j + 1, j < count ? byid[from + j]->id : 0);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == *cap) {
            LinkPair *bigger = arena_alloc(r->arena, sizeof *bigger * (size_t)*cap * 2);
            memcpy(bigger, *pairs, sizeof *bigger * (size_t)*cap);
            *pairs = bigger, *cap *= 2;
        }
        (*pairs)[(*n)++] = (LinkPair){db_col_int(st, 0), db_col_int(st, 1)};
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Hands out pairs (ordered by task id, then id) to the rows as id arrays. */
static void link_assign(Req *r, Task **byid, int k, const LinkPair *pairs, int n, bool blockers) {
    for (int i = 0, p = 0; i < k; i++) {
        Task *t = byid[i];
        while (p < n && pairs[p].task_id < t->id) p++;
        int q = p;
        while (q < n && pairs[q].task_id == t->id) q++;
        int64_t *ids = arena_alloc(r->arena, sizeof *ids * (size_t)(q - p > 8 ? q - p : 8));
        for (int j = p; j < q; j++) ids[j - p] = pairs[j].id;
        if (blockers) t->blocked_by = ids, t->n_blocked_by = q - p;
        else t->collaborators = ids, t->n_collaborators = q - p;
        p = q;
    }
}

static int load_links_batch(Req *r, Task *rows, int k) {
    if (k == 0) return 0;
    Task **byid = arena_alloc(r->arena, sizeof *byid * (size_t)k);
    for (int i = 0; i < k; i++) byid[i] = &rows[i];
    qsort(byid, (size_t)k, sizeof *byid, row_cmp_id);
    int cap = 64, nc = 0, nb = 0, capb = 64;
    LinkPair *collab = arena_alloc(r->arena, sizeof *collab * (size_t)cap);
    LinkPair *block = arena_alloc(r->arena, sizeof *block * (size_t)capb);
    for (int from = 0; from < k; from += LINK_BATCH) {
        int count = k - from < LINK_BATCH ? k - from : LINK_BATCH;
        if (link_pairs(r, false, byid, from, count, &collab, &nc, &cap) != 0 ||
            link_pairs(r, true, byid, from, count, &block, &nb, &capb) != 0)
            return -1;
    }
    link_assign(r, byid, k, collab, nc, false);
    link_assign(r, byid, k, block, nb, true);
    return 0;
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
    if (load_links(r, t) != 0) return DB_FAIL(r);
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
    if (load_links_batch(r, rows, k) != 0) return DB_FAIL(r);
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

int tasks_comments(Req *r, int64_t task_id, TaskComment **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT c.id, c.task_id, c.author_id, u.login, u.name, c.body, c.created_at"
                   " FROM task_comments c JOIN users u ON u.id = c.author_id WHERE c.task_id = ?1 ORDER BY c.id"
                   " LIMIT 1000",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, task_id);
    TaskComment *rows = arena_alloc(r->arena, sizeof *rows * 1000);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < 1000) {
        TaskComment *c = &rows[k++];
        c->id = db_col_int(st, 0);
        c->task_id = db_col_int(st, 1);
        c->author_id = db_col_int(st, 2);
        c->author_login = arena_strdup(r->arena, db_col_text(st, 3));
        c->author_name = arena_strdup(r->arena, db_col_text(st, 4));
        c->body = arena_strdup(r->arena, db_col_text(st, 5));
        c->created_at = db_col_int(st, 6);
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    for (int i = 0; i < k; i++) {
        if (db_prepare(r->db,
                       "SELECT u.login FROM task_mentions m JOIN users u ON u.id = m.user_id WHERE m.comment_id = ?1"
                       " ORDER BY u.login",
                       &st) != DB_OK)
            return DB_FAIL(r);
        db_bind_int(st, 1, rows[i].id);
        rows[i].mentions = arena_alloc(r->arena, sizeof(char *) * 20);
        while (db_step(st) == DB_ROW && rows[i].n_mentions < 20)
            rows[i].mentions[rows[i].n_mentions++] = arena_strdup(r->arena, db_col_text(st, 0));
        db_finalize(st);
    }
    *out = rows;
    *n = k;
    return 0;
}

int tasks_checklist(Req *r, int64_t task_id, TaskCheckItem **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT id, task_id, text, done, position FROM task_checklist WHERE task_id = ?1"
                   " ORDER BY position, id LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, task_id);
    TaskCheckItem *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < 500) {
        TaskCheckItem *c = &rows[k++];
        c->id = db_col_int(st, 0);
        c->task_id = db_col_int(st, 1);
        c->text = arena_strdup(r->arena, db_col_text(st, 2));
        c->done = db_col_int(st, 3) != 0;
        c->position = db_col_int(st, 4);
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
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

static bool is_manager_of(Req *r, int64_t team_id) {
    return r->who && (r->who->role == ROLE_ADMIN || r->who->role == ROLE_SUPERVISOR) && web_can_manage_team(r, team_id);
}

bool tasks_may_edit(Req *r, const Task *t) {
    if (!r->who || r->who->role == ROLE_VIEWER) return false;
    if (is_manager_of(r, t->team_id) || t->owner_id == r->who->user_id) return true;
    for (int i = 0; i < t->n_collaborators; i++)
        if (t->collaborators[i] == r->who->user_id) return true;
    return false;
}

bool tasks_may_delete(Req *r, const Task *t) {
    if (!r->who || r->who->role == ROLE_VIEWER) return false;
    return is_manager_of(r, t->team_id) || (t->created_by && t->created_by == r->who->user_id);
}

/* 0 with *team_id when user_id is an active person with a team; 1 otherwise. */
static int active_person(Req *r, int64_t user_id, int64_t *team_id) {
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
    bool manager_before = !creating && is_manager_of(r, before->team_id);
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
    int rc = active_person(r, after->owner_id, &owner_team);
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
    bool manager = is_manager_of(r, after->team_id);
    bool self_owned = after->owner_id == r->who->user_id;
    bool owner_changes = creating || after->owner_id != before->owner_id;
    bool team_changes = creating || after->team_id != before->team_id;
    if (team_changes && !manager) {
        /* Members create tasks in their own team (or one under it) only. */
        if (!creating || r->who->role != ROLE_MEMBER) return req_error(r, "team_id", "error.forbidden"), 403;
    }
    if (owner_changes && !self_owned) {
        if (!creating && !manager_before) return req_error(r, "owner_id", "tasks.error.owner_change"), 403;
        if (!is_manager_of(r, owner_team)) {
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
        int c = active_person(r, after->collaborators[i], &team);
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

static int write_links(Req *r, const Task *t, const TaskInput *in) {
    DbStmt *st;
    if (in->has_collaborators) {
        if (db_prepare(r->db, "DELETE FROM task_collaborators WHERE task_id = ?1", &st) != DB_OK) return -1;
        db_bind_int(st, 1, t->id);
        int rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return -1;
        for (int i = 0; i < t->n_collaborators; i++) {
            if (db_prepare(r->db,
                           "INSERT INTO task_collaborators (task_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                           &st) != DB_OK)
                return -1;
            db_bind_int(st, 1, t->id);
            db_bind_int(st, 2, t->collaborators[i]);
            rc = db_step(st);
            db_finalize(st);
            if (rc < 0) return -1;
        }
    }
    if (in->has_blocked_by) {
        if (db_prepare(r->db, "DELETE FROM task_deps WHERE task_id = ?1", &st) != DB_OK) return -1;
        db_bind_int(st, 1, t->id);
        int rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return -1;
        for (int i = 0; i < t->n_blocked_by; i++) {
            if (db_prepare(r->db,
                           "INSERT INTO task_deps (task_id, blocked_by_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                           &st) != DB_OK)
                return -1;
            db_bind_int(st, 1, t->id);
            db_bind_int(st, 2, t->blocked_by[i]);
            rc = db_step(st);
            db_finalize(st);
            if (rc < 0) return -1;
        }
    }
    return 0;
}

static void bind_opt(DbStmt *st, int idx, int64_t v) {
    if (v) db_bind_int(st, idx, v);
    else db_bind_null(st, idx);
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
    bind_opt(st, 8, t.start_at);
    bind_opt(st, 9, t.due_at);
    db_bind_int(st, 10, t.milestone);
    bind_opt(st, 11, t.parent_id);
    bind_opt(st, 12, t.goal_id);
    db_bind_text(st, 13, t.tags);
    bind_opt(st, 14, t.completed_at);
    bind_opt(st, 15, r->who->user_id);
    db_bind_int(st, 16, now);
    bind_opt(st, 17, t.key_result_id);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id) return DB_FAIL(r);
    t.id = id;
    TaskInput links = *in;
    links.has_collaborators = links.has_blocked_by = true;
    if (write_links(r, &t, &links) != 0) return DB_FAIL(r);
    if (tasks_recur_sync(r, &t, in) != 0) return -1;
    if (tasks_kr_sync(r, t.key_result_id) != 0) return -1;
    if (tasks_get(r, id, out) != 0) return DB_FAIL(r);
    if (web_audit(r, "create", "task", id, NULL, snapshot(r, out)) != 0) return -1;
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
static int load_for_change(Req *r, int64_t id, int64_t expected_version, Task *t, bool deleting) {
    int rc = tasks_get(r, id, t);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1 || !web_can_read_team(r, t->team_id)) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (expected_version >= 0 && t->version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (deleting ? !tasks_may_delete(r, t) : !tasks_may_edit(r, t)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

int tasks_update(Req *r, int64_t id, int64_t expected_version, const TaskInput *in, Task *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task before, after;
    if (load_for_change(r, id, expected_version, &before, false) != 0) return -1;
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
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, after.title);
    db_bind_text(st, 2, after.description);
    db_bind_int(st, 3, after.owner_id);
    db_bind_int(st, 4, after.team_id);
    db_bind_text(st, 5, after.status);
    db_bind_text(st, 6, after.blocked_reason);
    db_bind_text(st, 7, after.priority);
    bind_opt(st, 8, after.start_at);
    bind_opt(st, 9, after.due_at);
    db_bind_int(st, 10, after.milestone);
    bind_opt(st, 11, after.parent_id);
    bind_opt(st, 12, after.goal_id);
    db_bind_text(st, 13, after.tags);
    bind_opt(st, 14, after.completed_at);
    db_bind_int(st, 15, time_now_ms());
    db_bind_int(st, 16, id);
    db_bind_int(st, 17, before.version);
    bind_opt(st, 18, after.key_result_id);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale"); /* lost a race */
    if (write_links(r, &after, in) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
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
    if (tasks_get(r, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (web_audit(r, "update", "task", id, snapshot(r, &before), snapshot(r, out)) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

int tasks_delete(Req *r, int64_t id, int64_t expected_version) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task before;
    if (load_for_change(r, id, expected_version, &before, true) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE tasks SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                   " AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, id);
    db_bind_int(st, 3, before.version);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    if (tasks_kr_sync(r, before.key_result_id) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (web_audit(r, "delete", "task", id, snapshot(r, &before), NULL) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
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

/* ======================= comments and checklist ======================= */

/* Mentions: "@login" where login is [a-z0-9._-]{2,64} preceded by start or a
 * non-login character; each known active login is stored once. */
static void store_mentions(Req *r, int64_t comment_id, const char *body, TaskComment *out) {
    out->mentions = arena_alloc(r->arena, sizeof(char *) * 20);
    for (const char *p = body; (p = strchr(p, '@')) != NULL; p++) {
        if (p > body && (strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", p[-1]) && p[-1])) continue;
        size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789._-");
        while (n && (p[n] == '.' || p[n] == '-')) n--; /* trailing punctuation ends a sentence */
        if (n < 2 || n > 64 || out->n_mentions >= 20) continue;
        char *login = arena_strndup(r->arena, p + 1, n);
        DbStmt *st;
        if (db_prepare(r->db,
                       "INSERT INTO task_mentions (comment_id, user_id) SELECT ?1, id FROM users WHERE login = ?2"
                       " AND deleted_at IS NULL ON CONFLICT DO NOTHING RETURNING user_id",
                       &st) != DB_OK)
            continue;
        db_bind_int(st, 1, comment_id);
        db_bind_text(st, 2, login);
        if (db_step(st) == DB_ROW) out->mentions[out->n_mentions++] = login;
        db_finalize(st);
    }
}

int tasks_comment_add(Req *r, int64_t task_id, const char *body, TaskComment *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    int rc = tasks_get(r, task_id, &t);
    if (rc) return rc < 0 ? (db_rollback(r->db), -1) : req_fail_tx(r, 404, NULL, "error.not_found");
    DbStmt *st;
    int64_t now = time_now_ms();
    if (db_prepare(r->db,
                   "INSERT INTO task_comments (task_id, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4)"
                   " RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, r->who->user_id);
    db_bind_text(st, 3, body);
    db_bind_int(st, 4, now);
    memset(out, 0, sizeof *out);
    if (db_step(st) == DB_ROW) out->id = db_col_int(st, 0);
    db_finalize(st);
    if (!out->id) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    out->task_id = task_id;
    out->author_id = r->who->user_id;
    out->author_login = r->who->login;
    out->author_name = r->who->name;
    out->body = body;
    out->created_at = now;
    store_mentions(r, out->id, body, out);
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    tasks_comment_json(&w, out);
    const char *snap = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    if (web_audit(r, "comment", "task", task_id, NULL, snap) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

static int check_get(Req *r, int64_t task_id, int64_t item_id, TaskCheckItem *c) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id, task_id, text, done, position FROM task_checklist WHERE id = ?1 AND task_id = ?2",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, item_id);
    db_bind_int(st, 2, task_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        c->id = db_col_int(st, 0);
        c->task_id = db_col_int(st, 1);
        c->text = arena_strdup(r->arena, db_col_text(st, 2));
        c->done = db_col_int(st, 3) != 0;
        c->position = db_col_int(st, 4);
    }
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

static const char *check_snapshot(Req *r, const TaskCheckItem *c) {
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    tasks_check_json(&w, c);
    const char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

int tasks_check_add(Req *r, int64_t task_id, const char *text, TaskCheckItem *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO task_checklist (task_id, text, done, position, created_at)"
                   " VALUES (?1, ?2, 0, (SELECT COALESCE(MAX(position), 0) + 1 FROM task_checklist WHERE task_id = ?1),"
                   " ?3) RETURNING id",
                   &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, task_id);
    db_bind_text(st, 2, text);
    db_bind_int(st, 3, time_now_ms());
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (!id || check_get(r, task_id, id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (web_audit(r, "check_add", "task", task_id, NULL, check_snapshot(r, out)) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

int tasks_check_update(Req *r, int64_t task_id, int64_t item_id, const char *text, int done, TaskCheckItem *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    TaskCheckItem before;
    int rc = check_get(r, task_id, item_id, &before);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    DbStmt *st;
    if (db_prepare(r->db, "UPDATE task_checklist SET text = ?1, done = ?2 WHERE id = ?3", &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_text(st, 1, text ? text : before.text);
    db_bind_int(st, 2, done < 0 ? before.done : done);
    db_bind_int(st, 3, item_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0 || check_get(r, task_id, item_id, out) != 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (web_audit(r, "check_update", "task", task_id, check_snapshot(r, &before), check_snapshot(r, out)) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

int tasks_check_delete(Req *r, int64_t task_id, int64_t item_id) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    TaskCheckItem before;
    int rc = check_get(r, task_id, item_id, &before);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    DbStmt *st;
    if (db_prepare(r->db, "DELETE FROM task_checklist WHERE id = ?1", &st) != DB_OK)
        return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, item_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (web_audit(r, "check_delete", "task", task_id, check_snapshot(r, &before), NULL) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    return 0;
}

/* ======================= scope resolvers ======================= */

int tasks_scope_task(Req *r, int64_t *team_id) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT team_id FROM tasks WHERE id = ?1 AND deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) *team_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

/* A new task's team: team_id of the body/form, else the owner's team, else
 * the caller's team; admins without a team see "everything" (-1). */
int tasks_scope_new(Req *r, int64_t *team_id) {
    int64_t team = 0, owner = 0;
    if (r->is_api) {
        json_t *v = json_object_get(req_json(r), "team_id");
        team = json_is_integer(v) ? json_integer_value(v) : 0;
        v = json_object_get(req_json(r), "owner_id");
        owner = json_is_integer(v) ? json_integer_value(v) : 0;
    } else {
        const char *s = req_form(r, "team_id");
        team = s && *s ? strtoll(s, NULL, 10) : 0;
        s = req_form(r, "owner_id");
        owner = s && *s ? strtoll(s, NULL, 10) : 0;
    }
    if (team > 0) {
        if (!web_team_path(r, team)) return req_fail(r, 422, "team_id", "error.team_unknown");
        *team_id = team;
        return 0;
    }
    if (owner > 0 && active_person(r, owner, &team) == 0) {
        *team_id = team;
        return 0;
    }
    *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
    return 0;
}

int tasks_scope_query_team(Req *r, int64_t *team_id) {
    if (req_query_int(r, "team_id", 1, INT64_MAX, 0, team_id) != 0) return -1;
    if (!*team_id) *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
    if (*team_id > 0 && !web_team_path(r, *team_id)) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

/* The UTF-8 check is shared with the CSV reader through utf8.h. */
