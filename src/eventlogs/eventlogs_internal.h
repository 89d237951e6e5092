/* eventlogs_internal.h — shared between the files of src/eventlogs only (the
 * model, the API, the pages, the renderer and the CLI). Other modules include
 * eventlogs.h. Nothing here knows HTTP or HTML. */
#ifndef OPSDESK_EVENTLOGS_INTERNAL_H
#define OPSDESK_EVENTLOGS_INTERNAL_H
#include "eventlogs.h"

#define EVENTLOGS_BLOCK_EVENTS 4096 /* events per eventlog_blocks row */

/* A stored log's metadata (arena memory of the request). */
typedef struct EventLogInfo {
    int64_t id;
    int64_t team_id;
    const char *team_name;
    const char *name;
    const char *source;    /* "import" or "sop" */
    int64_t sop_id;        /* 0 unless source = "sop" */
    const char *file_name; /* NULL for run logs */
    const char *format;    /* "xes", "csv" or "run" */
    int64_t n_cases, n_events, n_activities;
    int64_t first_ms, last_ms; /* 0 while empty */
    int64_t created_by;        /* 0: the command line */
    const char *created_by_name;
    int64_t created_at, updated_at, version;
} EventLogInfo;

/* What an import stores besides the events. */
typedef struct EventlogsImport {
    const char *name;      /* 1–200 characters (checked by the caller) */
    int64_t team_id;       /* > 0: the team that owns the log */
    const char *file_name; /* may be NULL */
    const char *format;    /* "xes" or "csv" */
} EventlogsImport;

/* Stores log as a new imported event log in one write transaction (prepared
 * statements reused, audited). 422 naming "file" when the log has no events
 * or a string is not valid UTF-8. 0 with *out filled, or req_fail(). */
int eventlogs_store(Req *r, const EventLog *log, const EventlogsImport *in, EventLogInfo *out);
/* Whether an upload is XES: its first non-blank byte (after a BOM, inside
 * gzip too) is '<'. Otherwise it is read as CSV. */
bool eventlogs_looks_like_xes(const char *data, size_t n);
/* One live log the caller may read: 0, or req_fail(404). */
int eventlogs_get(Req *r, int64_t id, EventLogInfo *out);
/* Live logs in the caller's read scope with id > after_id, by id, at most
 * limit. Arena memory. */
int eventlogs_list(Req *r, int64_t after_id, int limit, EventLogInfo **out, int *n);
/* Soft delete with the expected version (412 when stale), audited. */
int eventlogs_delete(Req *r, int64_t id, int64_t expected_version);
/* Scope resolvers for the route tables: the log of path {id}; the team of a
 * new import (?team_id= or form team_id, else the caller's team). */
int eventlogs_scope_log(Req *r, int64_t *team_id);
int eventlogs_scope_new(Req *r, int64_t *team_id);

/* Reads the analysis filters and the working calendar from the query string
 * (from, to, variant, resource, attr_key, attr_value; calendar=1 with
 * weekdays, day_start, day_end, holidays): 400 naming the parameter when
 * bad. Arena memory. */
int eventlogs_read_options(Req *r, AnlOptions *opt);
/* Loads log id and analyses it with opt; adds the SOP's process model for
 * run logs when a model source is set. *log_out: caller frees (evlog_free),
 * also on failure when non-NULL. 0 or req_fail(). */
int eventlogs_analyze(Req *r, const EventLogInfo *info, AnlOptions *opt, EventLog **log_out, Analysis **out);

/* JSON of one log (the API's EventLog schema). */
void eventlogs_json(JsonW *w, const EventLogInfo *l);

/* Duration for display: "3.5 h", "2 d 4 h", "45 s" (arena memory). */
const char *eventlogs_fmt_duration(Arena *a, double ms);

#endif
