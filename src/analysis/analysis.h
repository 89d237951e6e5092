/* analysis.h — the process-mining engine: a columnar in-memory event log
 * (EventLog), its readers (XES, CSV), and one analysis (Analysis) computed from
 * it — activity instances, variants, case durations, the directly-follows
 * graph with waiting times, service times, bottlenecks, rework, redundancy and
 * conformance against a process model. Process runs of SOPs and imported logs
 * are analysed by the same code. docs/analysis.md defines every figure.
 *
 * Depends on src/base only: no database, no web, no HTML. Times are
 * milliseconds since the Unix epoch, UTC; durations are milliseconds. */
#ifndef OPSDESK_ANALYSIS_H
#define OPSDESK_ANALYSIS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/jsonw.h"

/* ===================================================================== */
/* The event log (evlog.c)                                                */
/* ===================================================================== */

#define EVLOG_NONE UINT32_MAX /* "no value" in an interned-index column */

/* Lifecycle transition classes. The raw value is kept (interned) as well. */
typedef enum EvKind {
    EV_COMPLETE = 0, /* "complete", or no lifecycle at all */
    EV_START = 1,    /* "start" */
    EV_SKIP = 2,     /* "skip", "manualskip", "autoskip": a step skipped (process runs) */
    EV_OTHER = 3,    /* schedule, assign, suspend, resume, withdraw, …: kept, make no instance */
} EvKind;

/* Interned strings: each distinct string once, numbered 0..n-1 in order of
 * first appearance. Owned by the pool; stable for the pool's life. */
typedef struct StrPool {
    char **strs;             /* strs[i]: NUL-terminated */
    uint32_t *lens;          /* byte length of strs[i] */
    uint32_t n, cap;         /* used / allocated entries */
    uint32_t *slots;         /* open-addressing table of index+1 (0 = empty) */
    uint32_t n_slots;        /* power of two, > 2 × n */
    struct StrChunk *chunks; /* storage of the bytes */
} StrPool;

/* A case attribute (trace-level attribute of XES, or a CSV column chosen as one). */
typedef struct EvCaseAttr {
    uint32_t case_no; /* index into EventLog.cases */
    uint32_t key;     /* index into EventLog.attr_keys */
    uint32_t value;   /* index into EventLog.attr_values */
} EvCaseAttr;

/* The log, one column per field, events in file order (index = file order).
 * Invariant: every column has n_events entries; case/activity/resource/
 * lifecycle values index their pools (resource may be EVLOG_NONE). */
typedef struct EventLog {
    size_t n_events, cap_events;
    uint32_t *ev_case;      /* case of each event (index into cases) */
    uint32_t *ev_activity;  /* activity (index into activities) */
    uint32_t *ev_resource;  /* resource (index into resources) or EVLOG_NONE */
    uint32_t *ev_lifecycle; /* raw lifecycle value (index into lifecycles) or EVLOG_NONE */
    uint8_t *ev_kind;       /* EvKind of the lifecycle */
    int64_t *ev_time_ms;    /* timestamp, ms since epoch, UTC */
    StrPool cases, activities, resources, lifecycles, attr_keys, attr_values;
    EvCaseAttr *case_attrs; /* in order of appearance */
    size_t n_case_attrs, cap_case_attrs;
} EventLog;

/* A new empty log (caller frees with evlog_free). NULL only on OOM. */
EventLog *evlog_new(void);
void evlog_free(EventLog *log);
/* Classifies a lifecycle value, case-insensitively ("START", "Complete", …).
 * NULL or "" → EV_COMPLETE. */
EvKind evlog_kind_of(const char *lifecycle, size_t n);
/* Interns s[0..n) in the pool; returns its index, or EVLOG_NONE on OOM. */
uint32_t strpool_intern(StrPool *p, const char *s, size_t n);
/* Index of s in the pool, or EVLOG_NONE when absent. */
uint32_t strpool_find(const StrPool *p, const char *s, size_t n);
/* Appends one event. resource/lifecycle may be NULL (n ignored). Strings need
 * not be NUL-terminated. Returns 0, or -1 on OOM. */
int evlog_add(EventLog *log, const char *case_id, size_t case_n, const char *activity, size_t activity_n,
              const char *resource, size_t resource_n, const char *lifecycle, size_t lifecycle_n, int64_t time_ms);
/* The same with already-interned indexes (the readers' fast path). */
int evlog_add_ix(EventLog *log, uint32_t case_no, uint32_t activity, uint32_t resource, uint32_t lifecycle,
                 int64_t time_ms);
/* Records a case attribute (a repeated key for the same case keeps the last). */
int evlog_case_attr(EventLog *log, uint32_t case_no, const char *key, size_t key_n, const char *value, size_t value_n);

/* ===================================================================== */
/* Readers (xes.c, evcsv.c)                                               */
/* ===================================================================== */

/* Where and why a file could not be read. line/column are 1-based (0 when
 * not about a place in the text). message is English, one sentence. */
typedef struct EvError {
    long line, column;
    char message[256];
} EvError;

typedef enum EvFormat { EVF_AUTO = 0, EVF_XES, EVF_CSV } EvFormat;

/* CSV column choice: a header name for each field; NULL = auto-detect (case:
 * case/case_id/case:concept:name/…, activity: activity/concept:name/…, see
 * evcsv.c). Columns named in case_attr_columns become case attributes. */
typedef struct EvCsvColumns {
    const char *case_col, *activity_col, *timestamp_col, *resource_col, *lifecycle_col;
    const char *start_timestamp_col;      /* optional: rows are intervals (start + complete) */
    const char *const *case_attr_columns; /* NULL-terminated, or NULL */
    int n_case_attr_columns;
} EvCsvColumns;

/* Called now and then while reading: bytes consumed of the input so far and
 * the total (0 when unknown, e.g. inside gzip). */
typedef void (*EvProgressFn)(void *ctx, uint64_t done, uint64_t total);

/* Reads an event log from memory into log (appending). gzip is detected by
 * its magic bytes; with EVF_AUTO the format is XES when the text starts with
 * '<' (after a BOM and blanks), else CSV. On error returns -1 with err filled;
 * log is then in an unspecified state and must be freed, not used. */
int evlog_read_mem(EventLog *log, const char *data, size_t n, EvFormat fmt, const EvCsvColumns *cols, EvError *err);
/* The same, streaming from a file (".xes", ".xes.gz", ".csv", ".csv.gz";
 * EVF_AUTO decides by name, then content). progress may be NULL. */
int evlog_read_file(EventLog *log, const char *path, EvFormat fmt, const EvCsvColumns *cols, EvProgressFn progress,
                    void *progress_ctx, EvError *err);

/* Writers: the log back out as XES (IEEE 1849, UTC times) or CSV (UTF-8,
 * header case,activity,timestamp,resource,lifecycle + case attributes).
 * write(ctx, bytes, n) receives the text in pieces; returns 0 or -1 when write
 * fails. */
typedef int (*EvWriteFn)(void *ctx, const char *bytes, size_t n);
int evlog_write_xes(const EventLog *log, EvWriteFn write, void *ctx);
int evlog_write_csv(const EventLog *log, EvWriteFn write, void *ctx);

/* ===================================================================== */
/* Analysis (analysis.c and neighbours)                                   */
/* ===================================================================== */

/* An optional working calendar: durations then count only working time.
 * Days are cut at offset_min from UTC (e.g. 480 for China). */
typedef struct AnlCalendar {
    bool enabled;
    uint8_t weekdays;        /* bit 0 = Monday … bit 6 = Sunday */
    int day_start_min;       /* minutes after local midnight, e.g. 540 */
    int day_end_min;         /* e.g. 1080; > day_start_min */
    int offset_min;          /* local zone of the calendar */
    const int64_t *holidays; /* local dates as days since 1970-01-01, sorted */
    int n_holidays;
} AnlCalendar;

/* A process model to check runs against (an SOP version's steps, in order).
 * Steps run one after another, except: consecutive steps with the same
 * non-zero parallel_group run in any order (all of them, unless conditional);
 * a conditional step may be left out. */
typedef struct PmStep {
    const char *name;         /* matches the activity name of events */
    int parallel_group;       /* 0: none */
    bool conditional;         /* "only when …": may be absent */
    int64_t time_standard_ms; /* target duration; 0: none */
    double time_share;        /* share of instances that must meet it, e.g. 0.9 */
} PmStep;
typedef struct ProcessModel {
    const PmStep *steps;
    int n_steps;
} ProcessModel;

/* Which cases to analyse. Everything optional (zero = no filter). */
typedef struct AnlFilter {
    int64_t from_ms, to_ms;            /* cases with an event in [from, to) */
    const char *variant;               /* activities joined by " → "... or by ','; see docs */
    const char *resource;              /* cases with an event by this resource */
    const char *attr_key, *attr_value; /* cases with this case attribute value */
} AnlFilter;

typedef struct AnlOptions {
    AnlFilter filter;
    AnlCalendar calendar;
    const ProcessModel *model; /* NULL: no conformance / redundancy */
    int max_variants;          /* 0: all */
} AnlOptions;

/* Summary statistics of a set of durations (ms). Percentiles use linear
 * interpolation between closest ranks (numpy's default), as PM4Py does. */
typedef struct AnlStats {
    int64_t count;
    double min, median, mean, p90, max, total;
} AnlStats;

#define ANL_HIST_BINS 12
typedef struct AnlHistogram {
    double edges_ms[ANL_HIST_BINS + 1]; /* bin i = [edges[i], edges[i+1]) */
    int64_t counts[ANL_HIST_BINS];
} AnlHistogram;

typedef struct AnlActivity {
    uint32_t activity; /* index into the log's activities */
    const char *name;
    int64_t events;                 /* all events of the activity */
    int64_t instances;              /* activity instances */
    int64_t cases;                  /* cases with at least one instance */
    int64_t skips;                  /* EV_SKIP events */
    int64_t unclosed_starts;        /* starts never completed (reported, not counted) */
    int64_t start_count, end_count; /* first / last instance of a case */
    AnlStats service;               /* completion − start of instances with a real start */
    AnlHistogram service_hist;
    AnlStats waiting_in;       /* waiting time of edges into this activity */
    double waiting_total_ms;   /* count × mean of waiting_in */
    double share_of_case_time; /* waiting_total / sum of case durations */
    int64_t rework_cases;      /* cases where the activity occurs more than once */
    int64_t rework_instances;  /* instances beyond the first in those cases */
} AnlActivity;

typedef struct AnlEdge {
    uint32_t from, to; /* activity indexes of the log */
    int64_t count;
    int64_t cases;           /* cases with the edge */
    AnlStats waiting;        /* max(0, start(next) − completion(prev)) */
    double waiting_total_ms; /* count × mean */
    double share_of_case_time;
    bool same_resource_always; /* every occurrence done by the same person (merge candidate) */
    bool merge_candidate;      /* same_resource_always, from ≠ to, and count = instances of from
                                * = instances of to: the two always come as a pair (docs) */
} AnlEdge;

typedef struct AnlVariant {
    const uint32_t *activities; /* instance activity sequence */
    int n_activities;
    int64_t cases;
    double share;      /* of analysed cases */
    AnlStats duration; /* case durations of the variant */
} AnlVariant;

/* Conformance of one case against the model. */
typedef struct AnlCaseFit {
    uint32_t case_no;
    double fitness; /* 0..1, see docs/analysis.md */
    int deviations;
} AnlCaseFit;

typedef enum AnlDeviationKind {
    ANL_DEV_NOT_ALLOWED = 0, /* "from → to" is not an allowed successor */
    ANL_DEV_MISSING,         /* a mandatory step never happened */
    ANL_DEV_UNKNOWN,         /* an activity that is not a step of the model */
    ANL_DEV_SKIPPED,         /* a mandatory step skipped with a reason */
} AnlDeviationKind;

typedef struct AnlDeviation {
    AnlDeviationKind kind;
    const char *from, *to; /* step / activity names; from NULL for MISSING/UNKNOWN/SKIPPED */
    int64_t cases;         /* cases showing it */
} AnlDeviation;

typedef struct AnlStepCheck {
    int step;                  /* index into the model */
    int64_t runs, skips;       /* cases where it happened / was skipped */
    double skip_share;         /* skips / analysed cases */
    AnlStats service;          /* actual durations */
    double quantile_ms;        /* service time at the step's time_share */
    bool breaks_time_standard; /* quantile_ms > time_standard_ms */
    bool order_free;           /* removal breaks no observed order dependency */
    bool mostly_skipped;       /* skip_share > 0.5: skipped in most runs */
    uint32_t activity;         /* the step's activity in the log, or EVLOG_NONE */
} AnlStepCheck;

typedef struct Analysis {
    /* counts */
    int64_t n_cases, n_events, n_instances, n_activities, n_resources;
    int64_t n_cases_total; /* before filtering */
    int64_t n_unclosed_starts;
    int64_t first_ms, last_ms; /* earliest / latest event analysed */
    AnlStats case_duration;    /* last completion − first start */
    double case_duration_total_ms;
    AnlActivity *activities;
    int n_activities_out; /* by instances, descending */
    AnlEdge *edges;
    int n_edges; /* by count, descending */
    AnlVariant *variants;
    int n_variants; /* by cases, descending */
    int64_t n_variants_total;
    /* bottlenecks: indexes into activities / edges */
    int *bottleneck_activities_by_total;
    int n_bottleneck_activities;
    int *bottleneck_activities_by_p90; /* the same activities, by p90 of waiting_in */
    int *bottleneck_edges_by_total, *bottleneck_edges_by_p90;
    int n_bottleneck_edges;
    /* rework */
    int64_t rework_cases; /* cases with any repeated activity */
    double rework_share;
    int64_t loop_cases; /* cases with a direct self-loop a → a */
    /* conformance and redundancy (NULL / 0 without a model) */
    bool has_model;
    double fitness; /* mean over cases */
    AnlCaseFit *case_fits;
    int n_case_fits;
    AnlDeviation *deviations;
    int n_deviations; /* by cases, descending */
    AnlStepCheck *steps;
    int n_steps;
    const ProcessModel *model; /* the model checked against (borrowed), or NULL */
    bool calendar;             /* durations count working time only */
    const EventLog *log;       /* the log analysed (borrowed) */
} Analysis;

/* Analyses log with opt (NULL: defaults). Every result lives in arena a.
 * Returns 0, or -1 with a message in err (bad filter, OOM). */
int anl_run(Arena *a, const EventLog *log, const AnlOptions *opt, Analysis **out, char *err, size_t errlen);
/* Writes the whole analysis as one JSON object (the document of
 * `opsdesk analyze --json` and GET /api/v1/eventlogs/{id}/analysis).
 * Durations are written in seconds (fractional). */
void anl_write_json(JsonW *w, const Analysis *an);

#endif
