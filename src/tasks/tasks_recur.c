/* tasks_recur.c — recurring tasks: the rule (daily, weekly on weekdays,
 * monthly on a day — 31 means the last day of shorter months — or every N
 * days), the next occurrence date in the display zone, and creating the next
 * occurrence when a task is done (in the caller's transaction) or when its due
 * time has passed (the task_recurrence job). A series never gets the same
 * date twice: task_recurrence's unique (series_id, occurrence_day), and the
 * current row's next_task_id checked under a row lock. The next occurrence
 * keeps the goal and key result of the previous one, whose counts follow in
 * the same transaction (docs/goals.md). No HTTP here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "tasks_internal.h"

static const char *const WEEKDAYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int tasks_recur_parse(const char *s, TaskRule *out) {
    memset(out, 0, sizeof *out);
    if (!s) return -1;
    if (strcmp(s, "daily") == 0) {
        out->kind = TASK_RULE_EVERY_DAYS;
        out->n = 1;
        return 0;
    }
    if (strncmp(s, "every:", 6) == 0 || strncmp(s, "monthly:", 8) == 0) {
        bool monthly = s[0] == 'm';
        const char *p = s + (monthly ? 8 : 6);
        char *end;
        if (*p < '1' || *p > '9') return -1;
        long n = strtol(p, &end, 10);
        if (*end || n < 1 || n > (monthly ? 31 : 366)) return -1;
        out->kind = monthly ? TASK_RULE_MONTHLY : TASK_RULE_EVERY_DAYS;
        out->n = (int)n;
        return 0;
    }
    if (strncmp(s, "weekly:", 7) == 0) {
        out->kind = TASK_RULE_WEEKLY;
        for (const char *p = s + 7;;) {
            int d = -1;
            for (int i = 0; i < 7; i++)
                if (strncmp(p, WEEKDAYS[i], 3) == 0) d = i;
            if (d < 0 || (out->weekdays & (1 << d))) return -1;
            out->weekdays |= 1 << d;
            p += 3;
            if (!*p) break;
            if (*p++ != ',') return -1;
        }
        return 0;
    }
    return -1;
}

const char *tasks_recur_format(Arena *a, const TaskRule *rule) {
    switch (rule->kind) {
    case TASK_RULE_EVERY_DAYS: return rule->n == 1 ? "daily" : arena_printf(a, "every:%d", rule->n);
    case TASK_RULE_MONTHLY: return arena_printf(a, "monthly:%d", rule->n);
    case TASK_RULE_WEEKLY: {
        char buf[40] = "weekly:";
        for (int i = 0; i < 7; i++)
            if (rule->weekdays & (1 << i)) {
                if (buf[7]) strcat(buf, ",");
                strcat(buf, WEEKDAYS[i]);
            }
        return arena_strdup(a, buf);
    }
    }
    return NULL;
}

static int days_in_month(int y, int m) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dim[m - 1];
}

/* Civil date of a day number (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t tasks_recur_next_day(const TaskRule *rule, int64_t day) {
    switch (rule->kind) {
    case TASK_RULE_EVERY_DAYS: return day + rule->n;
    case TASK_RULE_WEEKLY:
        for (int k = 1; k <= 7; k++) {
            int weekday = (int)((((day + k) % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
            if (rule->weekdays & (1 << weekday)) return day + k;
        }
        return day + 7;
    case TASK_RULE_MONTHLY: {
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        int want = rule->n < days_in_month(y, m) ? rule->n : days_in_month(y, m);
        if (d < want) return time_days_from_civil(y, (unsigned)m, (unsigned)want);
        if (++m == 13) m = 1, y++;
        want = rule->n < days_in_month(y, m) ? rule->n : days_in_month(y, m);
        return time_days_from_civil(y, (unsigned)m, (unsigned)want);
    }
    }
    return day + 1;
}

static int64_t local_day(int64_t ms) {
    int64_t l = ms + DISPLAY_OFFSET_MS;
    return l >= 0 ? l / DAY_MS : (l - DAY_MS + 1) / DAY_MS;
}

int tasks_recur_get(Req *r, int64_t task_id, const char **rule) {
    *rule = NULL;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT rule FROM task_recurrence WHERE task_id = ?1", &st) != DB_OK) return -1;
    db_bind_int(st, 1, task_id);
    int rc = db_step(st);
    if (rc == DB_ROW) *rule = arena_strdup(r->arena, db_col_text(st, 0));
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int tasks_recur_sync(Req *r, const Task *t, const TaskInput *in) {
    if (!in->has_recurrence && !in->has_due) return 0;
    const char *cur = NULL;
    if (tasks_recur_get(r, t->id, &cur) != 0) return DB_FAIL(r);
    const char *rule = in->has_recurrence ? in->recurrence : cur;
    DbStmt *st;
    int rc;
    if (!rule) {
        if (!cur) return 0;
        rc = db_prepare(r->db, "DELETE FROM task_recurrence WHERE task_id = ?1", &st);
        if (rc != DB_OK) return DB_FAIL(r);
        db_bind_int(st, 1, t->id);
    } else {
        if (!t->due_at) return req_fail(r, 422, "recurrence", "tasks.error.recurrence_needs_due");
        rc =
            cur ? db_prepare(r->db, "UPDATE task_recurrence SET rule = ?2, occurrence_day = ?3 WHERE task_id = ?1", &st)
                : db_prepare(r->db,
                             "INSERT INTO task_recurrence (task_id, rule, series_id, occurrence_day)"
                             " VALUES (?1, ?2, ?1, ?3)",
                             &st);
        if (rc != DB_OK) return DB_FAIL(r);
        db_bind_int(st, 1, t->id);
        db_bind_text(st, 2, rule);
        db_bind_int(st, 3, local_day(t->due_at));
    }
    rc = db_step(st);
    db_finalize(st);
    if (rc == DB_CONSTRAINT) return req_fail(r, 422, "recurrence", "tasks.error.recurrence_taken");
    if (rc < 0) return DB_FAIL(r);
    return 0;
}

int tasks_recur_spawn(Db *db, int64_t task_id, int64_t *new_id, int64_t *kr_id) {
    *new_id = 0;
    *kr_id = 0;
    DbStmt *st;
    /* The row lock makes a concurrent completion and job take turns (SQLite
     * writers are serialised already); the second sees next_task_id set. */
    int rc = db_kind(db) == DB_PG ? db_prepare(db,
                                               "SELECT rr.rule, rr.series_id, rr.occurrence_day, t.due_at"
                                               " FROM task_recurrence rr JOIN tasks t ON t.id = rr.task_id"
                                               " WHERE rr.task_id = ?1 AND rr.next_task_id IS NULL"
                                               " AND t.deleted_at IS NULL AND t.due_at IS NOT NULL FOR UPDATE",
                                               &st)
                                  : db_prepare(db,
                                               "SELECT rr.rule, rr.series_id, rr.occurrence_day, t.due_at"
                                               " FROM task_recurrence rr JOIN tasks t ON t.id = rr.task_id"
                                               " WHERE rr.task_id = ?1 AND rr.next_task_id IS NULL"
                                               " AND t.deleted_at IS NULL AND t.due_at IS NOT NULL",
                                               &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, task_id);
    rc = db_step(st);
    TaskRule rule;
    char rule_text[64] = "";
    int64_t series = 0, day = 0, due = 0;
    if (rc == DB_ROW) {
        snprintf(rule_text, sizeof rule_text, "%s", db_col_text(st, 0));
        series = db_col_int(st, 1), day = db_col_int(st, 2), due = db_col_int(st, 3);
    }
    db_finalize(st);
    if (rc != DB_ROW) return rc < 0 ? rc : 0;
    if (tasks_recur_parse(rule_text, &rule) != 0) return 0;
    int64_t next_day = tasks_recur_next_day(&rule, local_day(due));
    if (next_day <= day) next_day = tasks_recur_next_day(&rule, day);
    int64_t shift = (next_day - local_day(due)) * DAY_MS, now = time_now_ms();
    rc = db_prepare(db,
                    "INSERT INTO tasks (title, description, owner_id, team_id, status, priority, start_at, due_at,"
                    " milestone, parent_id, goal_id, tags, created_by, version, created_at, updated_at, key_result_id)"
                    " SELECT title, description, owner_id, team_id, 'todo', priority, start_at + ?2, due_at + ?2,"
                    " milestone, parent_id, goal_id, tags, created_by, 1, ?3, ?3, key_result_id FROM tasks"
                    " WHERE id = ?1 RETURNING id, key_result_id",
                    &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, shift);
    db_bind_int(st, 3, now);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *new_id = db_col_int(st, 0);
        *kr_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
    }
    db_finalize(st);
    if (rc != DB_ROW) return rc < 0 ? rc : DB_ERR;
    rc = db_prepare(
        db, "INSERT INTO task_recurrence (task_id, rule, series_id, occurrence_day) VALUES (?1, ?2, ?3, ?4)", &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, *new_id);
    db_bind_text(st, 2, rule_text);
    db_bind_int(st, 3, series);
    db_bind_int(st, 4, next_day);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return rc;
    rc = db_prepare(db, "UPDATE task_recurrence SET next_task_id = ?2 WHERE task_id = ?1", &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, *new_id);
    rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

int tasks_recur_on_done(Req *r, int64_t task_id) {
    int64_t id, kr;
    /* The key result shared with task_id is synced by the caller after the
     * status change, and counts the new occurrence then. */
    return tasks_recur_spawn(r->db, task_id, &id, &kr) < 0 ? DB_FAIL(r) : 0;
}

int tasks_recur_due(Db *db, int64_t now_ms, int *n_created) {
    *n_created = 0;
    /* The job has no user: a key result's counts follow as on the command
     * line (automatic check-ins without an author). */
    Req *r = NULL;
    int rc = 0;
    for (int round = 0; round < 1000 && rc == 0; round++) {
        DbStmt *st;
        rc = db_prepare(db,
                        "SELECT rr.task_id FROM task_recurrence rr JOIN tasks t ON t.id = rr.task_id"
                        " WHERE rr.next_task_id IS NULL AND t.deleted_at IS NULL AND t.due_at <= ?1"
                        " ORDER BY t.due_at, t.id LIMIT 1",
                        &st);
        if (rc != DB_OK) break;
        db_bind_int(st, 1, now_ms);
        rc = db_step(st);
        int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_finalize(st);
        if (rc < 0 || !id) break;
        int64_t new_id = 0, kr = 0;
        rc = tasks_recur_spawn(db, id, &new_id, &kr);
        if (rc < 0 || !new_id) break; /* no new_id: cannot progress (bad rule), stop rather than spin */
        (*n_created)++;
        if (kr) {
            if (!r) r = web_cli_request(db);
            if (tasks_kr_sync(r, kr) != 0) rc = DB_ERR;
        }
    }
    web_cli_request_free(r);
    return rc < 0 ? rc : 0;
}
