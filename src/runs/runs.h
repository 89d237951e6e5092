/* runs.h — process runs: a run executes the published version of an SOP for
 * one case (a reference such as an order number); each step is started and
 * completed by a person, or skipped with a reason, its checklist ticked; every
 * action writes an event (case = reference, activity = step name, resource =
 * the person, lifecycle start/complete/skip) to the SOP's run log, so that
 * the one analysis engine (src/analysis) mines runs and imported logs alike.
 * Also the SOP's process analysis and conformance view. The only header
 * other code includes from src/runs.
 *
 * Rules (the model's, tested in tests/api/runs.test.mjs):
 *   - a run starts on the SOP's active published version (422 "sop_id" when
 *     there is none) and keeps that version; its reference is unique per SOP
 *     among live runs (409 "reference"), cancelled runs keep theirs;
 *   - order is enforced, as workflow tools do by default: a step starts (or is
 *     skipped) only when every step of the earlier blocks is done or skipped —
 *     a block is one step, or consecutive steps sharing a parallel group, which
 *     may be in progress at once; a pending conditional step of an earlier
 *     block does not hold later steps back (its condition did not hold), and
 *     it cannot be started once a later block has begun (409 "step_id");
 *   - a step completes only after it was started and every checklist item is
 *     ticked (422 naming "checklist[i]"); a skip needs a reason; skipping a
 *     mandatory step is allowed and shows as a deviation in the conformance;
 *   - the run is done when every step is done, skipped or bypassed (a pending
 *     conditional step passed over); a trailing conditional step that does
 *     not apply is skipped with its reason; an open run can be cancelled; a closed run refuses every action (409);
 *   - each action: one write transaction, If-Match on the step's version (the
 *     run's version for cancel), the audit row and the event;
 *   - after a completion, if the SOP's runs show the step's duration at its
 *     time share above its time standard, an SOP review task is opened for
 *     the SOP's owner in the SOP's team (due in 7 days), once per version and
 *     step while that task is open (run_review_tasks), in the same
 *     transaction. The task is created by the system (audited as the command
 *     line), since the person completing the step may not assign tasks. */
#ifndef OPSDESK_RUNS_H
#define OPSDESK_RUNS_H
#include <stdbool.h>
#include <stdint.h>

#include "../analysis/analysis.h"
#include "../base/jsonw.h"
#include "../sops/sops.h"
#include "../web/web.h"

#define RUNS_REVIEW_DUE_MS (7LL * 86400 * 1000) /* a review task is due a week after it opens */

/* One step of a run. Arena memory. */
typedef struct RunStep {
    int64_t id;                                      /* run_steps.id */
    int64_t step_id;                                 /* the SopStep's id in the run's version */
    int position;                                    /* 1-based */
    const char *status;                              /* pending | in_progress | done | skipped */
    int64_t started_by, completed_by;                /* 0: nobody (yet) */
    const char *started_by_name, *completed_by_name; /* "" when nobody */
    int64_t started_at, completed_at;                /* UTC ms; 0: not yet; completed_at is the skip time for skips */
    const char *skip_reason;                         /* non-NULL exactly when skipped */
    int64_t version;
    bool *checked;      /* checked[i]: checklist item i+1 ticked; n = def->n_checklist */
    const SopStep *def; /* the step's definition, NULL when the version could not be read */
    bool startable;     /* the order rule lets it start or be skipped now (open runs) */
    bool bypassed;      /* a pending conditional step passed over: a later block has begun */
} RunStep;

typedef struct Run {
    int64_t id, sop_id, version_id, team_id, log_id;
    int version_number;
    const char *sop_title;
    const char *reference;
    const char *status; /* open | done | cancelled */
    int64_t started_by;
    const char *started_by_name;
    int64_t started_at, finished_at; /* finished_at 0 while open */
    int64_t version;
    int64_t n_steps, n_finished; /* steps, and those done or skipped */
    const char *current_step;    /* name of the first unfinished step, or NULL */
    /* loaded by runs_get only */
    const SopVersion *sop;
    RunStep *steps;
    int n_run_steps;
} Run;

typedef struct RunFilter {
    const char *scope_path; /* web_read_scope() */
    int64_t sop_id;         /* 0: any */
    const char *status;     /* open | done | cancelled, NULL: any */
    const char *reference;  /* exact reference, NULL: any */
    int64_t after_id;       /* cursor: runs with a smaller id (newest first) */
    int limit;
} RunFilter;

typedef enum RunAction { RUN_STEP_START = 1, RUN_STEP_COMPLETE, RUN_STEP_SKIP } RunAction;

bool runs_status_valid(const char *s);

/* Duration of a step so far (completed − started, or now − started while in
 * progress), ms; -1 when it never started. */
int64_t runs_step_duration_ms(const RunStep *s, int64_t now_ms);
/* "within", "over" or "none" (no standard or no duration). */
const char *runs_step_standard_state(const RunStep *s, int64_t now_ms);

/* ---- queries: arena memory; 0, 1 when not found, or -1 after req_fail ---- */
int runs_list(Req *r, const RunFilter *f, Run **out, int *n);
/* The run with its steps, checks and the version's definitions. */
int runs_get(Req *r, int64_t id, Run *out);

/* ---- changes: one transaction each; 0, or -1 after req_fail (404, 409,
 * 412, 422 naming the field) ---- */
int runs_start(Req *r, int64_t sop_id, const char *reference, Run *out);
/* reason: the skip's reason (RUN_STEP_SKIP only). expected: the step's version. */
int runs_step_act(Req *r, int64_t run_id, int64_t step_id, RunAction act, int64_t expected, const char *reason,
                  Run *out);
/* Ticks (or unticks) checklist item (1-based) of an in-progress step. */
int runs_step_check(Req *r, int64_t run_id, int64_t step_id, int item, bool checked, Run *out);
int runs_cancel(Req *r, int64_t run_id, int64_t expected, Run *out);

/* ---- analysis ---- */
/* The process model the SOP's run log is checked against: the version of its
 * latest run (runs start only on the active published version, so that is the
 * active version, or the latest published one that was run). Registered with
 * eventlogs_set_model_source in main.c. 0 with *model (arena memory), 1 when
 * the SOP has no runs, or -1 after req_fail. */
int runs_model_source(Req *r, int64_t sop_id, ProcessModel *model);
/* The analysis of the SOP's run log with conformance; finished_only: the
 * runs that are done (case attribute run_status = done), else every case of
 * the log (open and cancelled runs too). *an and *log are NULL (and *log_id
 * 0) when the SOP has no runs yet. The analysis borrows *log: the caller
 * frees it with evlog_free once done with *an. 0 or -1. */
int runs_sop_analysis(Req *r, int64_t sop_id, bool finished_only, EventLog **log, Analysis **an, int64_t *log_id);
/* A duration as "1:05:03" (h:mm:ss; "2d 01:00:00" past a day). Arena memory. */
const char *runs_fmt_duration(Req *r, int64_t ms);

/* ---- demo (runs_demo.c) ---- */
/* Weeks of realistic runs of the demo's refund and delivery-exception SOPs,
 * replayed through the model by the people who do each step: finished runs,
 * skips, a bypassed conditional step, two open runs and a cancelled one.
 * Needs the demo's people and SOPs (sops_demo_seed). 0, or -1 after req_fail. */
int runs_demo_seed(Req *r);

/* ---- JSON ---- */
void runs_json(JsonW *w, const Run *run, int64_t now_ms);
void runs_step_json(JsonW *w, const RunStep *s, int64_t now_ms);

/* ---- route scope resolvers ---- */
/* {id} is a run. */
int runs_scope_run(Req *r, int64_t *team_id);
/* A new run: the SOP's team from sop_id of the body/form (404 when out of
 * scope). */
int runs_scope_new(Req *r, int64_t *team_id);

extern const RouteTable runs_api_route_table;
extern const RouteTable runs_page_route_table;

#endif
