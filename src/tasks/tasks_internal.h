/* tasks_internal.h — what the tasks module's own files share: the error
 * macros, day arithmetic, and the helpers one file defines for
 * the others (the rules in tasks_model.c, the stored links in tasks_links.c).
 * Included only by src/tasks/tasks_*.c; other modules include tasks.h.
 * Nothing here is part of the module's interface. */
#ifndef OPSDESK_TASKS_INTERNAL_H
#define OPSDESK_TASKS_INTERNAL_H
#include "../base/buf.h"
#include "tasks.h"

/* Records the 503 of a failed database call (outside / inside a write
 * transaction: req_fail_tx rolls back first). Evaluate to the status. */
#define DB_FAIL(r)    req_fail((r), 503, NULL, "error.db_unavailable")
#define TX_DB_FAIL(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")

#define DAY_MS            ((int64_t)86400 * 1000)
#define DISPLAY_OFFSET_MS ((int64_t)web_display_offset_min() * 60000) /* the display zone (web.h) */

/* ---- tasks_model.c ---- */
/* The audit snapshot of t (tasks_json). Arena memory. */
char *tasks_snapshot(Req *r, const Task *t);
/* Is the caller an admin or a supervisor managing team_id? */
bool tasks_is_manager_of(Req *r, int64_t team_id);
/* 0 with *team_id when user_id is an active person with a team; 1 otherwise;
 * -1 on a db error. */
int tasks_active_person(Req *r, int64_t user_id, int64_t *team_id);
/* Loads task id for a change inside the caller's write transaction: 0, or
 * 404 / 412 (expected_version >= 0 and stale) / 403 / 503 recorded with the
 * transaction rolled back. */
int tasks_load_for_change(Req *r, int64_t id, int64_t expected_version, Task *t, bool deleting);

/* ---- tasks_links.c ---- */
/* Collaborators and live blockers of one task (arena memory). 0 or -1. */
int tasks_load_links(Req *r, Task *t);
/* The same for rows[0..k), a few queries per page instead of two per task. 0 or -1. */
int tasks_load_links_batch(Req *r, Task *rows, int k);
/* Rewrites the collaborators / blockers in->has_* names, inside the caller's
 * transaction. 0 or -1. */
int tasks_write_links(Req *r, const Task *t, const TaskInput *in);

#endif
