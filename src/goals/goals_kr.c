/* goals_kr.c — key results: reading a row, the defaults and rules of a key
 * result (kind, direction, weight, target on the right side of the baseline,
 * a tasks-fed one always 0–100 %), and creating, updating and soft-deleting
 * them inside the goal's edit rights, each with its audit row. Not here:
 * check-ins (goals_progress.c), counting linked tasks (goals_krtasks.c). */
#include <math.h>
#include <string.h>

#include "../base/timeutil.h"
#include "goals_internal.h"

void goals_kr_from_row(Req *r, DbStmt *st, int c, GoalKr *k) {
    k->id = db_col_int(st, c + 0);
    k->goal_id = db_col_int(st, c + 1);
    k->metric = arena_strdup(r->arena, db_col_text(st, c + 2));
    k->unit = arena_strdup(r->arena, db_col_text(st, c + 3));
    k->kind = arena_strdup(r->arena, db_col_text(st, c + 4));
    k->direction = arena_strdup(r->arena, db_col_text(st, c + 5));
    k->baseline = db_col_double(st, c + 6);
    k->has_target = !db_col_null(st, c + 7);
    k->target = k->has_target ? db_col_double(st, c + 7) : 0;
    k->has_low = !db_col_null(st, c + 8);
    k->range_low = k->has_low ? db_col_double(st, c + 8) : 0;
    k->has_high = !db_col_null(st, c + 9);
    k->range_high = k->has_high ? db_col_double(st, c + 9) : 0;
    k->has_current = !db_col_null(st, c + 10);
    k->current = k->has_current ? db_col_double(st, c + 10) : 0;
    k->deadline_at = db_col_null(st, c + 11) ? 0 : db_col_int(st, c + 11);
    k->weight = db_col_double(st, c + 12);
    k->version = db_col_int(st, c + 13);
    k->created_at = db_col_int(st, c + 14);
    k->updated_at = db_col_int(st, c + 15);
    k->value_source = arena_strdup(r->arena, db_col_text(st, c + 16));
    k->tasks_done = db_col_int(st, c + 17);
    k->tasks_total = db_col_int(st, c + 18);
    k->progress = goals_kr_progress(k);
}

int goals_kr_check(Req *r, const char *prefix, GoalKr *k) {
    const char *f = prefix ? prefix : "";
#define KFAIL(field, key) req_fail(r, 422, arena_printf(r->arena, "%s%s", f, field), key)
    static const char *const kinds[] = {"number", "percentage", "currency", "milestone"};
    static const char *const dirs[] = {"increase", "decrease", "range"};
    bool ok = false;
    for (int i = 0; i < 4; i++) ok |= strcmp(k->kind, kinds[i]) == 0;
    if (!ok) return KFAIL("kind", "goals.error.kind");
    ok = false;
    for (int i = 0; i < 3; i++) ok |= strcmp(k->direction, dirs[i]) == 0;
    if (!ok) return KFAIL("direction", "goals.error.direction");
    if (!(k->weight > 0 && k->weight <= 1000)) return KFAIL("weight", "goals.error.weight");
    if (strcmp(k->value_source, "manual") != 0 && strcmp(k->value_source, "tasks") != 0)
        return KFAIL("value_source", "goals.error.value_source");
    if (strcmp(k->direction, "range") == 0 && k->has_low && k->has_high && k->range_low > k->range_high)
        return KFAIL("range_high", "goals.error.range_order");
    if (k->has_target && strcmp(k->kind, "milestone") != 0) {
        if (strcmp(k->direction, "increase") == 0 && k->target < k->baseline)
            return KFAIL("target", "goals.error.target_increase");
        if (strcmp(k->direction, "decrease") == 0 && k->target > k->baseline)
            return KFAIL("target", "goals.error.target_decrease");
    }
#undef KFAIL
    return 0;
}

/* Applies the given fields of in onto k (defaults already in k). */
static void kr_apply(GoalKr *k, const GoalKrInput *in) {
    if (in->has_metric) k->metric = in->metric;
    if (in->has_unit) k->unit = in->unit && *in->unit ? in->unit : NULL;
    if (in->has_kind) k->kind = in->kind;
    if (in->has_direction) k->direction = in->direction;
    if (in->has_baseline) k->baseline = in->baseline;
    if (in->has_target) k->has_target = !in->target_null, k->target = in->target;
    if (in->has_low) k->has_low = !in->low_null, k->range_low = in->range_low;
    if (in->has_high) k->has_high = !in->high_null, k->range_high = in->range_high;
    if (in->has_current) k->has_current = !in->current_null, k->current = in->current;
    if (in->has_deadline) k->deadline_at = in->deadline_null ? 0 : in->deadline_at;
    if (in->has_weight) k->weight = in->weight;
    if (in->has_value_source) k->value_source = in->value_source;
    if (strcmp(k->value_source, "tasks") == 0) {
        /* Fed by tasks: a percentage from 0 to 100, the share of linked tasks done. */
        k->kind = "percentage", k->direction = "increase", k->unit = NULL;
        k->baseline = 0, k->has_target = true, k->target = 100, k->has_low = k->has_high = false;
        k->has_current = true;
        k->current = k->tasks_total ? 100.0 * (double)k->tasks_done / (double)k->tasks_total : 0.0;
    }
}

void goals_kr_defaults(GoalKr *k, const GoalKrInput *in) {
    memset(k, 0, sizeof *k);
    k->kind = "number";
    k->direction = "increase";
    k->weight = 1.0;
    k->value_source = "manual";
    kr_apply(k, in);
    if (strcmp(k->kind, "milestone") == 0 && !k->has_target) k->has_target = true, k->target = 1.0;
}

static void bind_opt_double(DbStmt *st, int idx, bool has, double v) {
    if (has) db_bind_double(st, idx, v);
    else db_bind_null(st, idx);
}

int goals_kr_insert(Req *r, int64_t goal_id, GoalKr *k) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO goal_key_results (goal_id, metric, unit, kind, direction, baseline, target, range_low,"
                   " range_high, current_value, deadline_at, weight, value_source, version, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14, 1, ?13, ?13) RETURNING id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, goal_id);
    db_bind_text(st, 2, k->metric);
    db_bind_text(st, 3, k->unit);
    db_bind_text(st, 4, k->kind);
    db_bind_text(st, 5, k->direction);
    db_bind_double(st, 6, k->baseline);
    bind_opt_double(st, 7, k->has_target, k->target);
    bind_opt_double(st, 8, k->has_low, k->range_low);
    bind_opt_double(st, 9, k->has_high, k->range_high);
    bind_opt_double(st, 10, k->has_current, k->current);
    db_bind_int_or_null(st, 11, k->deadline_at);
    db_bind_double(st, 12, k->weight);
    db_bind_int(st, 13, time_now_ms());
    db_bind_text(st, 14, k->value_source);
    int rc = db_step(st);
    if (rc == DB_ROW) k->id = db_col_int(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 0 : -1;
}

/* ======================= key results ======================= */

static int kr_row(Req *r, int64_t goal_id, int64_t kr_id, GoalKr *k) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " KR_COLS " FROM goal_key_results k WHERE k.id = ?1 AND k.goal_id = ?2"
                   " AND k.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, kr_id);
    db_bind_int(st, 2, goal_id);
    int rc = db_step(st);
    if (rc == DB_ROW) goals_kr_from_row(r, st, 0, k);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

int goals_kr_create(Req *r, int64_t goal_id, const GoalKrInput *in, GoalKr *out) {
    GoalKr k;
    goals_kr_defaults(&k, in);
    if (goals_kr_check(r, NULL, &k) != 0) return -1;
    Goal g;
    if (goals_begin_edit(r, goal_id, &g, false) != 0) return -1;
    int64_t n = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COUNT(*) FROM goal_key_results WHERE goal_id = ?1 AND deleted_at IS NULL", &st) !=
        DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, goal_id);
    if (db_step(st) == DB_ROW) n = db_col_int(st, 0);
    db_finalize(st);
    if (n >= GOALS_MAX_KRS) return req_fail_tx(r, 422, "key_results", "goals.error.too_many_krs");
    if (goals_kr_insert(r, goal_id, &k) != 0) return TX_DB_FAIL(r);
    if (kr_row(r, goal_id, k.id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "create", "key_result", out->id, NULL, goals_kr_text(r, out));
}

int goals_kr_update(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version, const GoalKrInput *in,
                    GoalKr *out) {
    Goal g;
    if (goals_begin_edit(r, goal_id, &g, false) != 0) return -1;
    GoalKr before;
    int rc = kr_row(r, goal_id, kr_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    GoalKr k = before;
    kr_apply(&k, in);
    if (strcmp(k.value_source, "tasks") == 0 && in->has_current)
        return req_fail_tx(r, 422, "current", "goals.error.kr_from_tasks");
    if (goals_kr_check(r, NULL, &k) != 0) {
        db_rollback(r->db);
        return -1;
    }
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET metric = ?1, unit = ?2, kind = ?3, direction = ?4, baseline = ?5,"
                   " target = ?6, range_low = ?7, range_high = ?8, current_value = ?9, deadline_at = ?10,"
                   " weight = ?11, value_source = ?15, version = version + 1, updated_at = ?12"
                   " WHERE id = ?13 AND version = ?14 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_text(st, 1, k.metric);
    db_bind_text(st, 2, k.unit);
    db_bind_text(st, 3, k.kind);
    db_bind_text(st, 4, k.direction);
    db_bind_double(st, 5, k.baseline);
    bind_opt_double(st, 6, k.has_target, k.target);
    bind_opt_double(st, 7, k.has_low, k.range_low);
    bind_opt_double(st, 8, k.has_high, k.range_high);
    bind_opt_double(st, 9, k.has_current, k.current);
    db_bind_int_or_null(st, 10, k.deadline_at);
    db_bind_double(st, 11, k.weight);
    db_bind_int(st, 12, time_now_ms());
    db_bind_int(st, 13, kr_id);
    db_bind_int(st, 14, expected_version);
    db_bind_text(st, 15, k.value_source);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    /* Switched to tasks: the value jumps to the tasks' share; the history says so. */
    bool jumped =
        strcmp(k.value_source, "tasks") == 0 && (!before.has_current || fabs(before.current - k.current) > 1e-9);
    if (jumped && goals_checkin_insert(r, goal_id, kr_id, k.current, "on_track", NULL, true, time_now_ms()) == 0)
        return TX_DB_FAIL(r);
    if (kr_row(r, goal_id, kr_id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "update", "key_result", kr_id, goals_kr_text(r, &before), goals_kr_text(r, out));
}

int goals_kr_delete(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version) {
    Goal g;
    if (goals_begin_edit(r, goal_id, &g, false) != 0) return -1;
    GoalKr before;
    int rc = kr_row(r, goal_id, kr_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (web_soft_delete(r,
                        "UPDATE goal_key_results SET deleted_at = ?1, version = version + 1 WHERE id = ?2"
                        " AND version = ?3 AND deleted_at IS NULL RETURNING id",
                        kr_id, expected_version) != 0)
        return -1;
    return web_audit_commit(r, "delete", "key_result", kr_id, goals_kr_text(r, &before), NULL);
}
