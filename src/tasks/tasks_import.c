/* tasks_import.c — CSV import of tasks, shared by POST /api/v1/tasks/import
 * and the /tasks/import page: each record becomes a TaskInput and goes
 * through the model's create (same rules) inside one write transaction; all
 * or nothing, or the valid rows only. Reading the CSV text is tasks_csv.c's
 * job; rendering the report is the caller's. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "tasks_internal.h"

/* Multi-line text (descriptions, comments): UTF-8, no control characters but
 * tab and line breaks, at most max code points. */
int tasks_check_multiline(Req *r, const char *field, const char *v, int max, bool required, const char **out) {
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
        tasks_check_multiline(r, "description", v, 20000, false, &in->description);
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
    if ((v = cell(row, column_of(hdr, "key_result_id"))) && *v) {
        in->has_key_result = true;
        in->key_result_id = strtoll(v, NULL, 10);
        if (in->key_result_id <= 0) req_error(r, "key_result_id", "error.not_integer");
    }
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

int tasks_import(Req *r, const char *data, size_t len, bool valid_only, TaskImport *out) {
    memset(out, 0, sizeof *out);
    CsvRow *rows;
    int n, err_line;
    const char *err_key;
    if (tasks_csv_parse(r->arena, data, len, &rows, &n, &err_line, &err_key) != 0)
        return req_fail(r, 422, arena_printf(r->arena, "line %d", err_line), err_key);
    if (n < 1 || column_of(&rows[0], "title") < 0 || column_of(&rows[0], "owner") < 0)
        return req_fail(r, 422, "line 1", "tasks.error.csv_header");
    TaskImportError *errors = arena_alloc(r->arena, sizeof *errors * (size_t)(n * 4 + 1));
    int n_errors = 0, imported = 0;
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    for (int i = 1; i < n; i++) {
        TaskInput in = {0};
        int before = req_error_count(r);
        row_input(r, &rows[0], &rows[i], &in);
        Task t;
        /* The model's rules run for each row inside the one transaction; a
         * refused row writes nothing (its checks precede its writes). */
        if (req_error_count(r) == before && tasks_create_in_tx(r, &in, &t) == 0) imported++;
        for (int e = before; e < req_error_count(r) && n_errors < n * 4; e++)
            errors[n_errors++] = (TaskImportError){rows[i].line, req_errors(r)[e].field, req_errors(r)[e].message};
    }
    out->errors = errors;
    out->n_errors = n_errors;
    out->n_rows = n - 1;
    if (n_errors && !valid_only) {
        db_rollback(r->db);
        return 1;
    }
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    out->imported = imported;
    return 0;
}
