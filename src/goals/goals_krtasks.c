/* goals_krtasks.c — key results fed by tasks (docs/goals.md): whether a
 * task may link to a key result, the counts and value the tasks module hands
 * over inside its own transaction, catching up when a closed goal reopens,
 * and the choices of the task form. The tasks module owns the link and
 * counts its rows; nothing here reads a task table. */
#include <math.h>
#include <string.h>

#include "../base/timeutil.h"
#include "goals_internal.h"

/* ======================= key results fed by tasks ======================= */

int goals_kr_link(Req *r, int64_t kr_id, int64_t *goal_id) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.goal_id, COALESCE(g.team_id, 0) FROM goal_key_results k JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.id = ?1 AND k.deleted_at IS NULL AND g.deleted_at IS NULL",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, kr_id);
    int rc = db_step(st);
    int64_t goal = rc == DB_ROW ? db_col_int(st, 0) : 0, team = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_finalize(st);
    if (rc < 0) return -1;
    if (rc != DB_ROW || !goals_team_readable(r, team)) return 1;
    *goal_id = goal;
    return 0;
}

int goals_kr_set_from_tasks(Req *r, int64_t kr_id, int64_t n_done, int64_t n_total) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " KR_COLS ", g.status FROM goal_key_results k JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.id = ?1 AND k.deleted_at IS NULL AND g.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, kr_id);
    GoalKr k;
    bool closed = false;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        goals_kr_from_row(r, st, 0, &k);
        closed = strcmp(db_col_text(st, 19), "closed") == 0;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return 0; /* deleted meanwhile: nothing to follow */
    /* A closed goal's value is frozen at what it was when the goal closed; the
     * counts still follow the tasks so that reopening can catch up at once. */
    bool fed = strcmp(k.value_source, "tasks") == 0 && !closed;
    double value = n_total > 0 ? 100.0 * (double)n_done / (double)n_total : 0.0;
    bool changes = fed && (!k.has_current || fabs(k.current - value) > 1e-9);
    int64_t now = time_now_ms();
    /* The counts are kept for every key result (the page shows them); only a
     * change of the value itself is a new version and a check-in. */
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET tasks_done = ?1, tasks_total = ?2,"
                   " current_value = CASE WHEN ?3 = 1 THEN ?4 ELSE current_value END,"
                   " version = version + ?3, updated_at = CASE WHEN ?3 = 1 THEN ?5 ELSE updated_at END WHERE id = ?6",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, n_done);
    db_bind_int(st, 2, n_total);
    db_bind_int(st, 3, changes ? 1 : 0);
    db_bind_double(st, 4, value);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, kr_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (changes && !goals_checkin_insert(r, k.goal_id, kr_id, value, "on_track", NULL, true, now)) return DB_FAIL(r);
    return 0;
}

int goals_kr_options(Req *r, GoalKrOption **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.id, k.goal_id, g.title, k.metric, COALESCE(g.team_id, 0) FROM goal_key_results k"
                   " JOIN goals g ON g.id = k.goal_id WHERE k.deleted_at IS NULL AND g.deleted_at IS NULL"
                   " AND g.status = 'active' ORDER BY k.goal_id, k.id LIMIT 1000",
                   &st) != DB_OK)
        return DB_FAIL(r);
    GoalKrOption *rows = arena_alloc(r->arena, sizeof *rows * 1000);
    int64_t *teams = arena_alloc(r->arena, sizeof *teams * 1000);
    int count = 0, kept = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 1000) {
        teams[count] = db_col_int(st, 4);
        rows[count++] = (GoalKrOption){.id = db_col_int(st, 0),
                                       .goal_id = db_col_int(st, 1),
                                       .goal_title = arena_strdup(r->arena, db_col_text(st, 2)),
                                       .metric = arena_strdup(r->arena, db_col_text(st, 3))};
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    /* The readability check queries: only once the statement is finalized. */
    for (int i = 0; i < count; i++)
        if (goals_team_readable(r, teams[i])) rows[kept++] = rows[i];
    *out = rows;
    *n = kept;
    return 0;
}

/* A reopened goal's tasks-fed key results take the value of the counts kept
 * while the goal was closed (frozen until now), with an automatic check-in
 * when it changes. Inside the caller's write transaction; <0 on a db error. */
int goals_kr_catch_up(Req *r, const Goal *g) {
    int64_t now = time_now_ms();
    for (int i = 0; i < g->n_krs; i++) {
        const GoalKr *k = &g->krs[i];
        if (strcmp(k->value_source, "tasks") != 0) continue;
        double value = k->tasks_total > 0 ? 100.0 * (double)k->tasks_done / (double)k->tasks_total : 0.0;
        if (k->has_current && fabs(k->current - value) <= 1e-9) continue;
        DbStmt *st;
        if (db_prepare(r->db,
                       "UPDATE goal_key_results SET current_value = ?1, version = version + 1, updated_at = ?2"
                       " WHERE id = ?3",
                       &st) != DB_OK)
            return -1;
        db_bind_double(st, 1, value);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, k->id);
        int rc = db_step(st);
        db_finalize(st);
        if (rc < 0 || !goals_checkin_insert(r, g->id, k->id, value, "on_track", NULL, true, now)) return -1;
    }
    return 0;
}
