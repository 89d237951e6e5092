/* goals.h — objectives and key results in an alignment tree (company → team →
 * person): key results with a measurable metric, check-ins, checkpoints,
 * progress with its roll-up and the straight-line expected progress, and the
 * SMART check. The rules are written out in docs/goals.md. Other modules
 * include only this header. */
#ifndef OPSDESK_GOALS_H
#define OPSDESK_GOALS_H
#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/jsonw.h"
#include "../db/db.h"
#include "../web/web.h"

enum { GOALS_MAX_KRS = 20, GOALS_DAY_MS = 86400000 };

typedef struct GoalKr {
    int64_t id, goal_id;
    const char *metric;
    const char *unit;      /* NULL: none */
    const char *kind;      /* "number" | "percentage" | "currency" | "milestone" */
    const char *direction; /* "increase" | "decrease" | "range" */
    double baseline;
    bool has_target, has_low, has_high, has_current;
    double target, range_low, range_high, current; /* valid when has_* */
    int64_t deadline_at;                           /* a day (UTC midnight ms); 0: none */
    double weight;                                 /* > 0 */
    const char *value_source;                      /* "manual" | "tasks" (current = 100 × done / total) */
    int64_t tasks_done, tasks_total;               /* linked tasks done / not cancelled (docs/goals.md) */
    int64_t version, created_at, updated_at;
    double progress; /* computed: [0,1] */
} GoalKr;

typedef struct Goal {
    int64_t id;
    int64_t parent_id; /* 0: none */
    const char *level; /* "company" | "team" | "person" */
    const char *title;
    const char *description; /* NULL: none */
    int64_t owner_id;
    const char *owner_name;
    int64_t team_id; /* 0: none (company goals) */
    const char *team_name;
    const char *period;       /* "quarter" | "month" | "custom" */
    int64_t start_at, end_at; /* first and last day (UTC midnight ms), inclusive */
    const char *status;       /* "active" | "closed" */
    int64_t version, created_at, updated_at;
    /* computed by goals_compute() */
    bool has_progress; /* false: no key result and no child goal yet */
    double progress;   /* [0,1], rolled up (docs/goals.md) */
    double expected;   /* [0,1], straight line from start to the end of the period */
    bool behind;       /* has_progress && progress < expected */
    GoalKr *krs;
    int n_krs;
} Goal;

/* One SMART warning: which criterion, which field, the message in the caller's language. */
typedef struct SmartWarning {
    const char *criterion; /* "specific" | "measurable" | "achievable" | "relevant" | "time_bound" */
    const char *field;     /* "title", "key_results", "key_results[1].target", "parent_id", … */
    const char *message;   /* arena memory, translated */
} SmartWarning;

typedef struct GoalCheckin {
    int64_t id, goal_id, key_result_id, user_id, created_at;
    double value;
    const char *confidence; /* "on_track" | "at_risk" | "off_track" */
    const char *note;       /* NULL: none */
    const char *user_name;
    const char *metric; /* of the key result */
    bool automatic;     /* written from the linked tasks, not by a person */
} GoalCheckin;

typedef struct GoalCheckpoint {
    int64_t id, goal_id, due_at, version, created_at;
    const char *title;
    bool done;
} GoalCheckpoint;

/* Input of a key result (create: every field; update: the has_* ones). */
typedef struct GoalKrInput {
    const char *metric, *unit, *kind, *direction, *value_source;
    bool has_metric, has_unit, has_kind, has_direction, has_baseline, has_target, has_low, has_high, has_current,
        has_deadline, has_weight, has_value_source;
    bool target_null, low_null, high_null, current_null, deadline_null;
    double baseline, target, range_low, range_high, current, weight;
    int64_t deadline_at;
} GoalKrInput;

/* Input of a goal (create: every required field; update: the has_* ones). */
typedef struct GoalInput {
    const char *level, *title, *description, *period, *status;
    int64_t owner_id, team_id, parent_id, start_at, end_at;
    bool has_level, has_title, has_description, has_period, has_status, has_owner, has_team, has_parent, has_start,
        has_end;
    GoalKrInput krs[GOALS_MAX_KRS]; /* create only: key results made with the goal */
    int n_krs;
} GoalInput;

typedef struct GoalFilter {
    int64_t team_id, owner_id; /* 0: any */
    const char *status;        /* NULL: any */
    const char *level;         /* NULL: any */
    int64_t from_ms, to_ms;    /* period filter: goals overlapping [from, to); 0: open */
    int64_t after_id;          /* cursor */
    int limit;                 /* rows to return (the caller asks one more to know of a next page) */
} GoalFilter;

/* ---- goals ---- */
/* Goals the caller may read (company goals, and goals of teams they can read),
 * by id, with progress computed (KRs not loaded). Arena memory. */
int goals_list(Req *r, const GoalFilter *f, Goal **out, int *n);
/* Every goal the caller may read in tree order (parents before children,
 * siblings by id), each with depth in *depths: the /goals page. The first
 * 2,000 goals by id; descriptions are not loaded (NULL). Arena memory (the
 * goals once, *out points at them in tree order). */
int goals_tree(Req *r, const GoalFilter *f, const Goal ***out, int **depths, int *n);
/* 0 with *g filled (KRs loaded, progress computed), 1 when not found, <0 on error. */
int goals_get(Req *r, int64_t id, Goal *g);
/* Create / update / soft-delete: validate, write and audit in one transaction.
 * Return 0 or a req_fail() status (field named). */
int goals_create(Req *r, const GoalInput *in, Goal *out);
int goals_update(Req *r, int64_t id, int64_t expected_version, const GoalInput *in, Goal *out);
int goals_delete(Req *r, int64_t id, int64_t expected_version);
/* May the caller change g (docs/goals.md "Who may do what")? */
bool goals_can_edit(Req *r, const Goal *g);
/* May the caller record a check-in on g (editors and the goal's owner)? */
bool goals_can_checkin(Req *r, const Goal *g);
/* SMART warnings of g (KRs loaded), in the caller's language. Arena memory. */
int goals_smart_check(Req *r, const Goal *g, SmartWarning **out, int *n);

/* ---- key results ---- */
int goals_kr_create(Req *r, int64_t goal_id, const GoalKrInput *in, GoalKr *out);
int goals_kr_update(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version, const GoalKrInput *in,
                    GoalKr *out);
int goals_kr_delete(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version);
/* Progress of one key result in [0,1] (docs/goals.md "Progress"). */
double goals_kr_progress(const GoalKr *k);

/* ---- check-ins and checkpoints ---- */
/* Records a value for a key result (kr_id 0: the goal's only one); refused
 * with 409 on a closed goal. Sets the key result's current value. */
int goals_checkin_create(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence, const char *note,
                         GoalCheckin *out);
/* Newest first. Arena memory. */
int goals_checkins_list(Req *r, int64_t goal_id, GoalCheckin **out, int *n);
int goals_checkpoint_create(Req *r, int64_t goal_id, const char *title, int64_t due_at, bool done, GoalCheckpoint *out);
/* Marks a checkpoint done or not done (editors of the goal; 412 when
 * expected_version is stale, 404 when absent); audited. */
int goals_checkpoint_set_done(Req *r, int64_t goal_id, int64_t checkpoint_id, int64_t expected_version, bool done,
                              GoalCheckpoint *out);
/* By date. Arena memory. */
int goals_checkpoints_list(Req *r, int64_t goal_id, GoalCheckpoint **out, int *n);

/* Burn-up series of g's own key results: (time, progress) after each
 * check-in, starting at (start, progress at baseline). Arena memory. */
int goals_burnup(Req *r, const Goal *g, int64_t **at, double **progress, int *n);

/* ---- JSON ---- */
void goals_json(JsonW *w, const Goal *g, const SmartWarning *smart, int n_smart);
void goals_kr_json(JsonW *w, const GoalKr *k);
void goals_checkin_json(JsonW *w, const GoalCheckin *c);
void goals_checkpoint_json(JsonW *w, const GoalCheckpoint *c);

/* ---- dates ---- */
/* "YYYY-MM-DD" of a stored day. Arena memory. */
const char *goals_date(Req *r, int64_t day_ms);
/* Parses "YYYY-MM-DD" into a day; -1 when malformed. */
int goals_parse_date(const char *s, int64_t *day_ms);
/* Period filter "2026", "2026-Q2" or "2026-05" → [from, to); -1 when malformed. */
int goals_parse_period(const char *s, int64_t *from_ms, int64_t *to_ms);

/* ---- scope resolvers for route tables ---- */
/* {id} is a goal: its team (company goals: readable by everyone). 404 when absent. */
int goals_scope(Req *r, int64_t *team_id);

/* ---- key results fed by tasks (docs/goals.md) ----
 * The tasks module owns the link (tasks.key_result_id) and counts its own
 * rows; this module never reads task tables. The tasks module includes this
 * header (never the other way round) and calls: */
/* May the caller link a task to key result kr_id? 0 with *goal_id set (a live
 * key result of a live goal the caller reads), 1 when not, <0 on a db error. */
int goals_kr_link(Req *r, int64_t kr_id, int64_t *goal_id);
/* Inside the caller's write transaction, after a linked task was created,
 * changed status, moved to another key result or was deleted: stores the
 * counts (n_done: live linked tasks done; n_total: live linked tasks not
 * cancelled) and, when the key result's value_source is "tasks", sets its
 * current value to 100 × n_done / n_total (0 when n_total is 0) and records an
 * automatic check-in when that value changed. An absent key result is not an
 * error. 0, or -1 after req_fail (the caller rolls back). */
int goals_kr_set_from_tasks(Req *r, int64_t kr_id, int64_t n_done, int64_t n_total);
/* One key result the caller may link a task to (the task form's choices). */
typedef struct GoalKrOption {
    int64_t id, goal_id;
    const char *goal_title, *metric; /* arena memory */
} GoalKrOption;
/* Key results of active goals the caller reads, by goal then key result id. */
int goals_kr_options(Req *r, GoalKrOption **out, int *n);

extern const RouteTable goals_api_route_table;
extern const RouteTable goals_page_route_table;

#endif
