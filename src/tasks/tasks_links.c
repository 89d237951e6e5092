/* tasks_links.c — what hangs off a task: its collaborators and blockers as
 * stored (loaded one task or one page at a time, rewritten on a change),
 * comments with @mentions, and the checklist, each change with its audit
 * row. The rules for who and what may be linked (readable, no cycle) are
 * tasks_model.c's apply step; none of them belong here. No HTML or HTTP. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "tasks_internal.h"

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

int tasks_load_links(Req *r, Task *t) {
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

int tasks_load_links_batch(Req *r, Task *rows, int k) {
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

int tasks_write_links(Req *r, const Task *t, const TaskInput *in) {
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
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, r->who->user_id);
    db_bind_text(st, 3, body);
    db_bind_int(st, 4, now);
    memset(out, 0, sizeof *out);
    if (db_step(st) == DB_ROW) out->id = db_col_int(st, 0);
    db_finalize(st);
    if (!out->id) return TX_DB_FAIL(r);
    out->task_id = task_id;
    out->author_id = r->who->user_id;
    out->author_login = r->who->login;
    out->author_name = r->who->name;
    out->body = body;
    out->created_at = now;
    store_mentions(r, out->id, body, out);
    JsonText jt;
    tasks_comment_json(jw_text_begin(&jt), out);
    return web_audit_commit(r, "comment", "task", task_id, NULL, jw_text_end(&jt, r->arena));
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
    JsonText jt;
    tasks_check_json(jw_text_begin(&jt), c);
    return jw_text_end(&jt, r->arena);
}

int tasks_check_add(Req *r, int64_t task_id, const char *text, TaskCheckItem *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (tasks_load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO task_checklist (task_id, text, done, position, created_at)"
                   " VALUES (?1, ?2, 0, (SELECT COALESCE(MAX(position), 0) + 1 FROM task_checklist WHERE task_id = ?1),"
                   " ?3) RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, task_id);
    db_bind_text(st, 2, text);
    db_bind_int(st, 3, time_now_ms());
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (!id || check_get(r, task_id, id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "check_add", "task", task_id, NULL, check_snapshot(r, out));
}

int tasks_check_update(Req *r, int64_t task_id, int64_t item_id, const char *text, int done, TaskCheckItem *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (tasks_load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    TaskCheckItem before;
    int rc = check_get(r, task_id, item_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    DbStmt *st;
    if (db_prepare(r->db, "UPDATE task_checklist SET text = ?1, done = ?2 WHERE id = ?3", &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_text(st, 1, text ? text : before.text);
    db_bind_int(st, 2, done < 0 ? before.done : done);
    db_bind_int(st, 3, item_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0 || check_get(r, task_id, item_id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "check_update", "task", task_id, check_snapshot(r, &before), check_snapshot(r, out));
}

int tasks_check_delete(Req *r, int64_t task_id, int64_t item_id) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Task t;
    if (tasks_load_for_change(r, task_id, -1, &t, false) != 0) return -1;
    TaskCheckItem before;
    int rc = check_get(r, task_id, item_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    DbStmt *st;
    if (db_prepare(r->db, "DELETE FROM task_checklist WHERE id = ?1", &st) != DB_OK) return TX_DB_FAIL(r);
    db_bind_int(st, 1, item_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "check_delete", "task", task_id, check_snapshot(r, &before), NULL);
}
