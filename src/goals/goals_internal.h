/* goals_internal.h — what the goals module's own files share: the error and
 * audit-snapshot macros, the key result columns, and the helpers one file
 * defines for the others. Included only by src/goals/goals_*.c; other
 * modules include goals.h. Nothing here is part of the module's interface. */
#ifndef OPSDESK_GOALS_INTERNAL_H
#define OPSDESK_GOALS_INTERNAL_H
#include <math.h>

#include "../base/buf.h"
#include "goals.h"

/* Records the 503 of a failed database call (outside / inside a write
 * transaction: req_fail_tx rolls back first). Evaluate to the status. */
#define DB_FAIL(r)    req_fail((r), 503, NULL, "error.db_unavailable")
#define TX_DB_FAIL(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")

/* Audit snapshots: a record's JSON as arena text (goals_model.c). */
const char *goals_goal_text(Req *r, const Goal *g);
const char *goals_kr_text(Req *r, const GoalKr *k);
const char *goals_checkin_text(Req *r, const GoalCheckin *c);
const char *goals_checkpoint_text(Req *r, const GoalCheckpoint *c);

/* The columns goals_kr_from_row() reads, in its order (alias k). */
#define KR_COLS                                                                                                        \
    "k.id, k.goal_id, k.metric, k.unit, k.kind, k.direction, k.baseline, k.target, k.range_low, k.range_high,"         \
    " k.current_value, k.deadline_at, k.weight, k.version, k.created_at, k.updated_at, k.value_source,"                \
    " k.tasks_done, k.tasks_total"

/* Progress figures are given to four decimals. */
static inline double goals_round4(double v) { return round(v * 10000.0) / 10000.0; }

/* ---- goals_model.c ---- */
/* May the caller read goals of team_id (0: company goals, readable by all)?
 * Their subtree and the chain of teams above theirs (docs/goals.md). */
bool goals_team_readable(Req *r, int64_t team_id);
/* Loads g's live key results (at most GOALS_MAX_KRS) into arena memory. 0 or 503. */
int goals_load_krs(Req *r, Goal *g);
/* Opens the write transaction and loads goal_id (row only) into *g, which the
 * caller must be able to edit (checkin: or record check-ins on). 0, or a
 * status recorded with the transaction rolled back (404, 403, 503). */
int goals_begin_edit(Req *r, int64_t goal_id, Goal *g, bool checkin);

/* ---- goals_kr.c ---- */
/* Fills *k (arena strings) from a row whose columns start with KR_COLS at c. */
void goals_kr_from_row(Req *r, DbStmt *st, int c, GoalKr *k);
/* A new key result from in over the defaults (number, increase, weight 1, manual). */
void goals_kr_defaults(GoalKr *k, const GoalKrInput *in);
/* The rules of one key result; fields named with prefix ("key_results[2].").
 * 0, or 422 recorded (no transaction touched). */
int goals_kr_check(Req *r, const char *prefix, GoalKr *k);
/* Inserts k under goal_id inside the caller's transaction and sets k->id. 0 or -1. */
int goals_kr_insert(Req *r, int64_t goal_id, GoalKr *k);

/* ---- goals_progress.c ---- */
/* Computes progress, expected progress and behind of goals[0..n) from the
 * whole live tree. 0, or 503 recorded. */
int goals_progress_apply(Req *r, Goal *goals, int n);
/* Inserts one check-in row (history) inside the caller's transaction;
 * returns its id, 0 on a db error. */
int64_t goals_checkin_insert(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence,
                             const char *note, bool automatic, int64_t now);

/* ---- goals_krtasks.c ---- */
/* A reopened goal's tasks-fed key results catch up with the counts kept
 * while it was closed. Inside the caller's write transaction; <0 on a db error. */
int goals_kr_catch_up(Req *r, const Goal *g);

#endif
