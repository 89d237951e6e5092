/* tasks_remind.c — what reminders need from tasks: per owner, the open tasks
 * due tomorrow (display zone) and those overdue. The notifying itself is the
 * caller's (main.c glues this to notify.h), so tasks knows no channel. */
#include <stdlib.h>

#include "tasks_internal.h"

int tasks_digest(Db *db, int64_t now_ms, TasksDigestFn fn, void *ctx) {
    int64_t today, tomorrow, next_week;
    tasks_day_bounds(now_ms, &today, &tomorrow, &next_week);
    DbStmt *st;
    int rc = db_prepare(db,
                        "SELECT owner_id, SUM(CASE WHEN due_at >= ?1 THEN 1 ELSE 0 END),"
                        " SUM(CASE WHEN due_at < ?3 THEN 1 ELSE 0 END) FROM tasks"
                        " WHERE deleted_at IS NULL AND status IN ('todo', 'in_progress', 'blocked')"
                        " AND (due_at < ?3 OR (due_at >= ?1 AND due_at < ?2)) GROUP BY owner_id ORDER BY owner_id",
                        &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, tomorrow);
    db_bind_int(st, 2, tomorrow + DAY_MS);
    db_bind_int(st, 3, now_ms);
    /* Collected first: the callback writes on the same connection. */
    int cap = 64, n = 0;
    int64_t(*rows)[3] = malloc(sizeof *rows * (size_t)cap);
    while (rows && (rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            void *bigger = realloc(rows, sizeof *rows * (size_t)cap * 2);
            if (!bigger) break;
            rows = bigger, cap *= 2;
        }
        rows[n][0] = db_col_int(st, 0), rows[n][1] = db_col_int(st, 1), rows[n][2] = db_col_int(st, 2);
        n++;
    }
    db_finalize(st);
    if (!rows) return DB_ERR;
    if (rc == DB_DONE) rc = 0;
    for (int i = 0; rc >= 0 && i < n; i++) rc = fn(ctx, rows[i][0], rows[i][1], rows[i][2]);
    free(rows);
    return rc < 0 ? rc : 0;
}
