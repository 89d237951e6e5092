/* sops.h — standard operating procedures: versioned SOP documents, their
 * ordered steps (responsible role or person, resources, time standard,
 * quality standard with a checklist, Markdown instructions, parallel groups,
 * conditional steps), flowcharts, the operation manual, improvement
 * suggestions and the review cycle. The only header other modules include
 * from src/sops; process runs (src/runs) read versions through it. */
#ifndef OPSDESK_SOPS_H
#define OPSDESK_SOPS_H
#include <stdbool.h>
#include <stdint.h>

#include "../analysis/analysis.h"
#include "../web/web.h"

/* One step of an SOP version. Arena memory of the request that loaded it. */
typedef struct SopStep {
    int64_t id;                   /* sop_steps.id: stable within its version */
    int position;                 /* 1-based order within the version */
    const char *name;             /* the activity name runs write to the event log */
    const char *role;             /* responsible role (free text), or "" */
    int64_t owner_id;             /* responsible person, 0 when a role is named instead */
    const char *resources;        /* resources needed, or "" */
    int64_t time_standard_s;      /* target duration in seconds, 0: none */
    int time_share_pct;           /* share of runs that must meet it, 1..100 */
    const char *quality;          /* quality standard text, or "" */
    const char *const *checklist; /* items that must be ticked */
    int n_checklist;
    const char *instructions_md; /* Markdown, or "" */
    int parallel_group;          /* 0: none; consecutive steps with the same group run in parallel */
    bool conditional;            /* runs only when condition holds; may be absent */
    const char *condition;       /* "only when …" text, or "" */
    const char *owner_name;      /* display name of owner_id, or "" */
} SopStep;

/* An SOP version with its steps. Arena memory. */
typedef struct SopVersion {
    int64_t id; /* sop_versions.id */
    int64_t sop_id;
    int64_t team_id;    /* the SOP's team (access scope) */
    int number;         /* 1, 2, … within the SOP */
    const char *status; /* "draft", "published" (the active one) or "superseded" */
    const char *title;  /* the SOP's title in this version */
    int64_t owner_id;   /* the SOP's owner */
    SopStep *steps;
    int n_steps;
    const char *purpose;     /* this version's purpose (Markdown), or "" */
    const char *change_note; /* what changed in this version, or "" */
    int64_t created_by;      /* 0: the command line */
    const char *created_by_name;
    int64_t created_at, updated_at, published_at; /* UTC ms; published_at 0 unless published/superseded */
    int64_t version; /* optimistic concurrency of the version row (drafts change in place) */
} SopVersion;

/* Loads a version the caller may read, with its steps in order. 0, or
 * req_fail() (404 when absent or out of scope). */
int sops_version_load(Req *r, int64_t version_id, SopVersion **out);
/* The published version of an SOP that is active: 0 with *version_id, or
 * req_fail(): 404 when the SOP is absent/out of scope, 422 (field "sop_id")
 * when it has no active published version. */
int sops_active_version(Req *r, int64_t sop_id, int64_t *version_id);
/* The version as a process model for the analysis (arena memory; step names
 * borrowed from v). */
void sops_process_model(Req *r, const SopVersion *v, ProcessModel *out);

/* ---- SOP documents (sops_model.c) ----
 * Who may do what (the router checks role and team scope; the model adds):
 *   - read: anyone who can read the SOP's team;
 *   - create / edit / publish / retire / delete: supervisors and admins who
 *     manage the team (ACCESS_TEAM_MANAGE);
 *   - suggest and vote: members, supervisors and admins who can read it;
 *   - set a suggestion's status, mark reviewed: the SOP's owner or a manager. */
#define SOPS_MAX_STEPS     100
#define SOPS_MAX_CHECKLIST 50

typedef struct Sop {
    int64_t id, team_id, owner_id;
    const char *team_name, *owner_name, *owner_login;
    const char *title, *purpose;          /* of the current version */
    const char *status;                   /* draft | active | retired */
    int review_every_days;                /* 0: no review cycle */
    int64_t next_review_at;               /* 0: none */
    int64_t last_reviewed_at;             /* 0: never */
    int64_t current_version_id;           /* the newest version */
    int64_t published_version_id;         /* 0: never published */
    int current_number, published_number; /* 0 when none */
    bool has_draft;                       /* the newest version is a draft */
    int64_t open_suggestions;
    int64_t created_by, version, created_at, updated_at;
} Sop;

/* A create or a change. has_* says which fields were given. Steps replace
 * all steps of the draft (SopStep used as input: id/owner_name ignored).
 * Arena memory. */
typedef struct SopInput {
    const char *title, *purpose, *change_note, *status;
    int64_t team_id, owner_id;
    int review_every_days; /* 0: none */
    SopStep *steps;
    int n_steps;
    bool has_title, has_purpose, has_change_note, has_status, has_team, has_owner, has_review, has_steps;
} SopInput;

typedef struct SopFilter {
    const char *scope_path; /* web_read_scope() */
    const char *status;     /* NULL: any but deleted */
    int64_t team_id, owner_id;
    const char *q;   /* title contains */
    bool review_due; /* active with next_review_at <= now */
    int64_t after_id;
    int limit;
} SopFilter;

typedef struct SopSuggestion {
    int64_t id, sop_id, step_id; /* step_id 0: the whole SOP */
    const char *step_name;       /* "" for the whole SOP */
    int64_t author_id;
    const char *author_name;
    const char *text, *status; /* open | accepted | rejected | done */
    int64_t votes;
    bool voted; /* by the caller */
    int64_t version, created_at, updated_at;
} SopSuggestion;

/* One difference between two versions' steps. */
typedef struct SopFieldChange {
    const char *field, *before, *after; /* values as text */
} SopFieldChange;
typedef struct SopStepDiff {
    const char *name;
    const char *change;             /* added | removed | changed | moved */
    bool moved;                     /* relative order changed */
    int from_position, to_position; /* 0 when absent on that side */
    SopFieldChange *fields;
    int n_fields;
} SopStepDiff;
typedef struct SopDiff {
    const SopVersion *from, *to;
    SopFieldChange *fields; /* title, purpose */
    int n_fields;
    SopStepDiff *steps;
    int n_steps;
    int unchanged; /* steps equal on both sides */
} SopDiff;

bool sops_status_valid(const char *s);
bool sops_suggestion_status_valid(const char *s);
/* Validates the steps (names 1–200 and unique, time_standard_s ≥ 0, share
 * 1..100, parallel_group ≥ 0, conditional needs a condition, checklist items
 * non-empty); field errors name "steps[i].field" (i 0-based). Returns the
 * number of errors recorded. */
int sops_check_steps(Req *r, const SopStep *steps, int n);

/* Queries: arena memory; 0, 1 when not found (or not readable), or -1 after req_fail. */
int sops_list(Req *r, const SopFilter *f, Sop **out, int *n);
int sops_get(Req *r, int64_t id, Sop *out);
/* Versions of an SOP, newest first, without steps (n_steps counted). */
int sops_versions(Req *r, int64_t sop_id, SopVersion **out, int *n);
/* Version number n of sop_id with steps; 1 when absent. */
int sops_version_by_number(Req *r, int64_t sop_id, int number, SopVersion **out);
int sops_suggestions(Req *r, int64_t sop_id, SopSuggestion **out, int *n);
/* May the caller set suggestion statuses / mark reviewed (owner or manager)? */
bool sops_may_steward(Req *r, const Sop *s);
bool sops_may_manage(Req *r, const Sop *s);
/* Review due: active, with a cycle, next_review_at <= now. */
bool sops_review_due(const Sop *s, int64_t now_ms);

/* Changes: one write transaction with the audit row. 0, or -1 after req_fail
 * (422 naming the field, 403, 404, 409 a conflicting state, 412 stale). */
int sops_create(Req *r, const SopInput *in, Sop *out);
/* SOP fields (owner, team, review cycle, status active/retired) and, when
 * title/purpose/change_note/steps are given, the draft: the existing draft, or
 * a new one copied from the published version. expected: the SOP's version. */
int sops_update(Req *r, int64_t id, int64_t expected, const SopInput *in, Sop *out);
int sops_delete(Req *r, int64_t id, int64_t expected);
/* A new draft copied from the published (else newest) version; 409 when a
 * draft exists. */
int sops_version_new(Req *r, int64_t sop_id, const SopInput *in, SopVersion **out);
/* Changes draft number n in place; expected: the version row's version. */
int sops_version_update(Req *r, int64_t sop_id, int number, int64_t expected, const SopInput *in, SopVersion **out);
/* Publishes draft number n (≥ 1 step); expected < 0: unchecked. */
int sops_version_publish(Req *r, int64_t sop_id, int number, int64_t expected, SopVersion **out);
int sops_mark_reviewed(Req *r, int64_t sop_id, Sop *out);
int sops_suggest(Req *r, int64_t sop_id, int64_t step_id, const char *text, SopSuggestion *out);
int sops_suggestion_set_status(Req *r, int64_t sop_id, int64_t sid, int64_t expected, const char *status,
                               SopSuggestion *out);
/* Toggles the caller's vote. */
int sops_suggestion_vote(Req *r, int64_t sop_id, int64_t sid, SopSuggestion *out);

/* The difference between two versions (sops_diff.c). Arena memory. */
void sops_diff(Req *r, const SopVersion *from, const SopVersion *to, SopDiff *out);

/* JSON (sops_model.c / sops_diff.c). */
void sops_json(JsonW *w, const Sop *s, int64_t now_ms);
/* The SOP's members without the braces (to add members after them). */
void sops_json_members(JsonW *w, const Sop *s, int64_t now_ms);
void sops_version_json(JsonW *w, const SopVersion *v, bool with_steps);
void sops_suggestion_json(JsonW *w, const SopSuggestion *s);
void sops_diff_json(JsonW *w, const SopDiff *d);

/* The flowchart of v as an inline SVG (sops_flow.c): terminals, a box per
 * step, parallel groups between fork and join bars, conditional steps behind
 * a diamond with a bypass. Written through the escaping HTML writer. */
void sops_flow_svg(Req *r, const SopVersion *v);

/* The review job (sops_review.c): every active SOP whose review is due gets
 * one notification to its owner per due date, listing its open suggestions.
 * Runs in the job's write transaction. *n_notified counts notifications. */
int sops_review_run(Db *db, int64_t now_ms, int *n_notified);

/* Demo SOPs (sops_demo.c): three realistic Chinese SOPs in the demo's
 * teams, published (one with a pending draft). Needs the demo people and
 * teams. 0 or -1 (req_first_error says why). */
int sops_demo_seed(Req *r);

/* Route scope: {id} is an SOP (a new SOP's: web_scope_new). */
int sops_scope_sop(Req *r, int64_t *team_id);

extern const RouteTable sops_api_route_table;
extern const RouteTable sops_page_route_table;
/* sops_form.c: /sops/new, POST /sops, /sops/editor, /sops/{id}/edit —
 * registered before sops_page_route_table (/sops/new before /sops/{id}). */
extern const RouteTable sops_form_route_table;

#endif
