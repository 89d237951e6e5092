/* tasks.h — tasks with exactly one owner and a deadline: status, priority,
 * start/due times, milestones, subtasks, blocked-by dependencies, tags, a
 * goal link (plain id), collaborators, a checklist and comments with
 * @mentions; the responsibility view; CSV export/import. Other modules
 * include only this header.
 *
 * Who may do what (the router checks role and that the task's team is
 * readable; these rules are the model's, tested in tests/api/tasks.test.mjs):
 *   - read: anyone who can read the task's team;
 *   - create: supervisors/admins for a team they manage, owned by an active
 *     person whose team they manage (or themselves); members for their own
 *     team (or one under it) with themselves as the owner;
 *   - edit (fields, status, checklist): managers of the task's team, its
 *     owner and its collaborators; only managers hand a task to someone else;
 *   - delete (soft): managers of the task's team and the task's creator;
 *   - comment: any member/supervisor/admin who can read the task.
 * Recurrence, reminders, the calendar, the timeline, bulk actions and the
 * iCalendar feed come with the next part of issue 3. */
#ifndef OPSDESK_TASKS_H
#define OPSDESK_TASKS_H
#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/jsonw.h"
#include "../db/db.h"
#include "../web/web.h"

#define TASKS_MAX_TAGS  10
#define TASKS_MAX_LINKS 50 /* collaborators, blocked-by */

typedef struct Task {
    int64_t id;
    const char *title;
    const char *description; /* Markdown, "" when none */
    int64_t owner_id;
    const char *owner_login, *owner_name;
    int64_t team_id;
    const char *team_name;
    const char *status;         /* todo | in_progress | blocked | done | cancelled */
    const char *blocked_reason; /* non-NULL exactly when status is blocked */
    const char *priority;       /* low | normal | high | urgent */
    int64_t start_at, due_at;   /* UTC ms; 0: none; due_at >= start_at */
    bool milestone;
    int64_t parent_id;     /* 0: none */
    int64_t goal_id;       /* 0: none (goals module's id) */
    int64_t key_result_id; /* 0: none; a key result of goal_id (goals module's id) */
    const char *tags;      /* ",a,b,": each tag between commas; "," when none */
    int64_t completed_at;  /* 0 unless done */
    int64_t created_by;    /* 0: the command line */
    int64_t version, created_at, updated_at;
    /* derived */
    int64_t n_subtasks, n_subtasks_done; /* progress = done / n when n > 0 */
    int64_t *collaborators;
    int n_collaborators;
    int64_t *blocked_by;
    int n_blocked_by;
    const char *recurrence; /* rule (tasks_recur.c); loaded by tasks_get only, NULL: none */
} Task;

/* Fields of a create or a change; has_* says which were given. Arena memory. */
typedef struct TaskInput {
    const char *title, *description, *status, *blocked_reason, *priority;
    int64_t owner_id, team_id, parent_id, goal_id, key_result_id, start_at, due_at;
    bool milestone;
    const char **tags;
    int n_tags;
    int64_t *collaborators;
    int n_collaborators;
    int64_t *blocked_by;
    int n_blocked_by;
    bool has_title, has_description, has_status, has_blocked_reason, has_priority, has_owner, has_team, has_parent,
        has_goal, has_key_result, has_start, has_due, has_milestone, has_tags, has_collaborators, has_blocked_by;
    const char *recurrence; /* canonical rule or NULL (none); see tasks_recur_parse */
    bool has_recurrence;
} TaskInput;

typedef enum TaskDue { TASK_DUE_ANY = 0, TASK_DUE_OVERDUE, TASK_DUE_TODAY, TASK_DUE_WEEK, TASK_DUE_NONE } TaskDue;

typedef struct TaskFilter {
    const char *scope_path;             /* only teams under this path; NULL: all (admins) */
    int64_t owner_id, team_id, goal_id; /* 0: any; team_id includes its sub-teams */
    const char *status;                 /* a status, "open" (todo/in progress/blocked) or NULL */
    const char *tag;                    /* NULL: any */
    TaskDue due;
    int64_t after_id; /* cursor */
    int limit;
} TaskFilter;

typedef struct TaskComment {
    int64_t id, task_id, author_id, created_at;
    const char *author_login, *author_name, *body;
    const char **mentions; /* logins */
    int n_mentions;
} TaskComment;

typedef struct TaskCheckItem {
    int64_t id, task_id, position;
    const char *text;
    bool done;
} TaskCheckItem;

typedef struct TaskResponsibility {
    int64_t user_id;
    const char *login, *name;
    int64_t open, overdue, done_on_time_30d, done_with_due_30d;
    double on_time_rate; /* done_on_time / done_with_due; < 0 when no such task */
} TaskResponsibility;

/* ---- values ---- */
bool tasks_status_valid(const char *s);
bool tasks_priority_valid(const char *s);
bool tasks_is_open(const Task *t);
/* Open and due before now. */
bool tasks_is_overdue(const Task *t, int64_t now_ms);
/* Day boundaries in the display zone (UTC+8) around now: start of today, of
 * tomorrow, and of next Monday. */
void tasks_day_bounds(int64_t now_ms, int64_t *today, int64_t *tomorrow, int64_t *next_week);

/* ---- queries (arena memory; return 0, 1 when not found, or a req_fail status) ---- */
int tasks_list(Req *r, const TaskFilter *f, Task **out, int *n);
int tasks_get(Req *r, int64_t id, Task *t);
/* Subtasks of id, in id order. */
int tasks_children(Req *r, int64_t id, Task **out, int *n);
int tasks_comments(Req *r, int64_t task_id, TaskComment **out, int *n);
int tasks_checklist(Req *r, int64_t task_id, TaskCheckItem **out, int *n);
/* Active people of team_id's subtree with their figures (name order). */
int tasks_responsibility(Req *r, int64_t team_id, TaskResponsibility **out, int *n);
/* Overdue open tasks the caller owns (the navigation badge). */
int64_t tasks_nav_overdue(Req *r);
/* May the caller edit / delete t (rules above)? */
bool tasks_may_edit(Req *r, const Task *t);
bool tasks_may_delete(Req *r, const Task *t);

/* ---- changes: validate, write and audit in one transaction ---- */
/* Each returns 0, or -1 after req_fail/req_error (422 naming the field, 403,
 * 404, 412 stale version). */
int tasks_create(Req *r, const TaskInput *in, Task *out);
/* The same inside the caller's open write transaction (CSV import, tasks
 * opened by other modules' changes): no BEGIN/COMMIT of its own; on failure
 * the caller rolls back. */
int tasks_create_in_tx(Req *r, const TaskInput *in, Task *out);
int tasks_update(Req *r, int64_t id, int64_t expected_version, const TaskInput *in, Task *out);
int tasks_delete(Req *r, int64_t id, int64_t expected_version);
int tasks_comment_add(Req *r, int64_t task_id, const char *body, TaskComment *out);
int tasks_check_add(Req *r, int64_t task_id, const char *text, TaskCheckItem *out);
/* Sets done and/or text (NULL: unchanged). */
int tasks_check_update(Req *r, int64_t task_id, int64_t item_id, const char *text, int done, TaskCheckItem *out);
int tasks_check_delete(Req *r, int64_t task_id, int64_t item_id);

/* ---- key results fed by tasks (docs/goals.md) ---- */
/* Inside a write transaction, after a task linked to key result kr_id was
 * created, changed status or link, or was deleted: counts the live linked
 * tasks (done; not cancelled) and hands them to goals_kr_set_from_tasks.
 * kr_id 0 does nothing. 0, or -1 after req_fail (the caller rolls back). */
int tasks_kr_sync(Req *r, int64_t kr_id);

/* ---- JSON ---- */
void tasks_json(JsonW *w, const Task *t, int64_t now_ms);
void tasks_comment_json(JsonW *w, const TaskComment *c);
void tasks_check_json(JsonW *w, const TaskCheckItem *c);

/* ---- CSV (tasks_csv.c) ---- */
typedef struct CsvRow {
    int line; /* 1-based line where the record starts */
    int n_fields;
    const char **fields; /* arena memory, valid UTF-8 */
} CsvRow;
enum { TASKS_CSV_MAX_ROWS = 5000, TASKS_CSV_MAX_FIELDS = 64 };
/* Parses RFC 4180 CSV (a UTF-8 BOM is skipped; CRLF or LF; quoted fields may
 * hold commas, quotes doubled, and line breaks). Returns 0, or -1 with
 * *err_line (the line at fault) and *err_key (an i18n key) set: invalid
 * UTF-8, an unterminated quote, a stray quote, too many rows or fields. */
int tasks_csv_parse(Arena *a, const char *data, size_t n, CsvRow **rows, int *n_rows, int *err_line,
                    const char **err_key);
/* Appends s as one CSV cell: quoted when needed, and neutralised against
 * spreadsheet formulas (a cell starting with = + - @ tab or CR, or with
 * quotes before one, gets a leading '). */
void tasks_csv_cell(Buf *b, const char *s);
/* Undoes tasks_csv_cell's neutralising quote (arena memory or s itself). */
const char *tasks_csv_unneutralise(const char *s);

/* ---- CSV import (tasks_import.c) ---- */
typedef struct TaskImportError {
    int line;                    /* CSV line where the record starts */
    const char *field, *message; /* field NULL: the row as a whole; message translated */
} TaskImportError;
typedef struct TaskImport {
    int n_rows, imported; /* records after the header; tasks created */
    TaskImportError *errors;
    int n_errors;
} TaskImport;
/* Imports CSV text (a header naming at least title and owner; the export's
 * columns) in one transaction. Returns 0 when committed (every row, or with
 * valid_only the valid ones; out->errors lists the others), 1 when refused
 * because a row is wrong and !valid_only (nothing written; out->errors), or
 * -1 after req_fail (422 "line N" for broken CSV or a bad header, 503). */
int tasks_import(Req *r, const char *data, size_t len, bool valid_only, TaskImport *out);
/* Multi-line text check (descriptions, comments): UTF-8, no controls but tab
 * and line breaks, at most max code points; 0 or req_fail 422 naming field. */
int tasks_check_multiline(Req *r, const char *field, const char *v, int max, bool required, const char **out);
/* tasks_import_page.c: GET/POST /tasks/import (registered before /tasks/{id}). */
extern const RouteTable tasks_import_route_table;

/* ---- recurrence (tasks_recur.c) ---- */
typedef enum TaskRuleKind { TASK_RULE_EVERY_DAYS = 1, TASK_RULE_WEEKLY, TASK_RULE_MONTHLY } TaskRuleKind;
typedef struct TaskRule {
    TaskRuleKind kind;
    int n;        /* every N days (daily: 1); monthly: day of month 1..31 */
    int weekdays; /* weekly: bit 0 = Monday … bit 6 = Sunday, at least one */
} TaskRule;
/* Parses "daily", "weekly:mon,wed" (mon..sun, no repeats), "monthly:D"
 * (1..31; past a short month's end: its last day) or "every:N" (1..366 days).
 * Returns 0 or -1. */
int tasks_recur_parse(const char *s, TaskRule *out);
/* The canonical text of rule (arena memory). */
const char *tasks_recur_format(Arena *a, const TaskRule *rule);
/* The first day (days since 1970-01-01) after day that rule selects. */
int64_t tasks_recur_next_day(const TaskRule *rule, int64_t day);
/* The rule of a task (arena memory) or NULL; 0 or -1. */
int tasks_recur_get(Req *r, int64_t task_id, const char **rule);
/* Inside a change's transaction: stores, moves or removes t's rule after a
 * create/update that set recurrence or due_at. 0 or req_fail (422 recurrence
 * without a due date or on a date the series already has). */
int tasks_recur_sync(Req *r, const Task *t, const TaskInput *in);
/* Inside a write transaction: creates the next occurrence of task_id unless it
 * exists (then *new_id = 0), with the same goal and key result (*kr_id, 0 for
 * none; the caller syncs its counts). 0 or a negative db error. */
int tasks_recur_spawn(Db *db, int64_t task_id, int64_t *new_id, int64_t *kr_id);
/* The done hook of tasks_update: tasks_recur_spawn, 0 or req_fail 503. */
int tasks_recur_on_done(Req *r, int64_t task_id);
/* The job: next occurrences of every recurring task whose due time is past,
 * and the counts of their key results (inside the job's write transaction).
 * 0 or a negative db error. */
int tasks_recur_due(Db *db, int64_t now_ms, int *n_created);

/* ---- reminders (tasks_remind.c) ---- */
/* Called per owner with open tasks due tomorrow (display zone) or overdue. */
typedef int (*TasksDigestFn)(void *ctx, int64_t owner_id, int64_t due_tomorrow, int64_t overdue);
/* Runs fn for every such owner (owner id order). 0 or the first negative
 * value from the database or fn. */
int tasks_digest(Db *db, int64_t now_ms, TasksDigestFn fn, void *ctx);

extern const RouteTable tasks_api_route_table;
extern const RouteTable tasks_page_route_table;
/* tasks_views.c: /tasks/calendar, /tasks/timeline. */
extern const RouteTable tasks_views_route_table;

/* ---- bulk actions (tasks_bulk.c) ---- */
enum { TASKS_BULK_MAX = 200 };
typedef struct TaskBulk {
    const int64_t *ids; /* 1..TASKS_BULK_MAX distinct task ids */
    int n_ids;
    const int64_t *versions; /* NULL, or one expected version per id */
    const char *action;      /* reassign | due | close */
    int64_t owner_id;        /* reassign: the new owner */
    int64_t due_at;          /* due: the new deadline, UTC ms; 0 clears it */
} TaskBulk;
bool tasks_bulk_action_valid(const char *s);
/* Applies b to every task in one transaction, audited per task; all or
 * nothing. *out: the tasks after the change, in ids order (arena memory).
 * Returns 0, or -1 after req_fail (422 naming the field, 404 a task the caller
 * cannot read, 403 one they may not edit or hand over, 412 a stale version). */
int tasks_bulk(Req *r, const TaskBulk *b, Task **out, int *n);
/* The bulk form under the /tasks list (its checkboxes name form="bulk-form");
 * next: where to return (a /tasks URL). */
void tasks_bulk_form(Req *r, const char *next);
/* POST /api/v1/tasks/bulk, POST /tasks/bulk. */
extern const RouteTable tasks_bulk_route_table;

/* ---- iCalendar feed (tasks_ical.c) ---- */
/* The card that creates / revokes the caller's feed token; shown_token: a
 * token just created (shown once), or NULL. */
void tasks_ical_card(Req *r, const char *shown_token);
/* GET /ical/{file}, POST/DELETE /api/v1/tasks/ical-token, POST /tasks/ical[/delete]. */
extern const RouteTable tasks_ical_route_table;
/* Route scope resolvers: {id} is a task (a new task's: web_scope_new). */
int tasks_scope_task(Req *r, int64_t *team_id);
int tasks_scope_query_team(Req *r, int64_t *team_id);

#endif
