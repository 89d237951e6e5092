/* anl_internal.h — what the analysis files (analysis.c, anl_*.c) share and
 * nobody else includes: the working state of one anl_run() (events grouped
 * by case, activity instances, variants, the kept cases) and the helpers for
 * statistics, sorting and the working calendar. Public types stay in
 * analysis.h; nothing here is part of the module's interface. */
#ifndef OPSDESK_ANL_INTERNAL_H
#define OPSDESK_ANL_INTERNAL_H
#include "analysis.h"

#define ANL_DAY_MS 86400000LL

/* One activity instance: a start paired with its completion, or an instant. */
typedef struct AnlInst {
    int64_t start_ms, end_ms; /* wall-clock times while pairing and sorting; then (when a
                               * calendar is on) work-clock times: every duration is a
                               * difference of these (anl_cal_clock) */
    uint32_t activity;        /* index into the log's activities */
    uint32_t resource;        /* of the completion, else of the start; EVLOG_NONE */
    bool real_start;          /* false for an instant (start = completion) */
} AnlInst;

/* The working calendar prepared for arithmetic: see anl_cal_clock(). */
typedef struct AnlCal {
    bool on;
    uint8_t weekdays;     /* bit 0 = Monday */
    int64_t day_start_ms; /* working hours within the local day */
    int64_t day_end_ms;
    int64_t offset_ms;  /* local = UTC + offset */
    int week_prefix[8]; /* working weekdays among the first r days of a week starting on a Thursday */
    int64_t *holidays;  /* working-weekday holidays only, sorted, unique */
    int n_holidays;
} AnlCal;

/* The state of one run. Scratch arrays live in scratch (freed by anl_run);
 * results in a. Case numbers are the log's (index into log->cases). */
typedef struct AnlCtx {
    Arena *a, *scratch;
    const EventLog *log;
    const AnlOptions *opt;
    uint32_t n_cases_log, n_acts;
    AnlCal cal;
    uint32_t *ev_order;      /* events grouped by case, timestamp order within a case (stable) */
    size_t *case_ev_off;     /* case c's events: ev_order[case_ev_off[c] .. case_ev_off[c+1]) */
    AnlInst *inst;           /* instances grouped by case, (start, completion) order within a case */
    size_t *case_in_off;     /* the same for instances */
    uint32_t *unclosed_case; /* (case, activity) of each start never completed */
    uint32_t *unclosed_act;
    size_t n_unclosed;
    uint32_t *case_variant; /* variant number of each case (valid for cases with events) */
    uint32_t *var_case;     /* a representative case of each variant */
    uint32_t n_vars;
    uint8_t *keep;     /* 1: the case is analysed (has events and passes the filters) */
    uint32_t *act_out; /* log activity → index in an->activities, or EVLOG_NONE */
    /* service times of real-start instances, grouped by activity (see anl_group) */
    size_t *svc_off;
    int64_t *svc_val;
} AnlCtx;

/* analysis.c */
void *anl_scratch(AnlCtx *x, size_t n, size_t size);

/* anl_stats.c — values are durations in ms; the functions reorder v. */
double anl_quantile(int64_t *v, size_t n, double q);
void anl_stats_fill(int64_t *v, size_t n, AnlStats *st);
void anl_hist_fill(const int64_t *v, size_t n, const AnlStats *st, AnlHistogram *h);
/* Counting sort of (key, value) pairs by key (stable): off has n_keys+1
 * entries; out the values in key order. Both from x's scratch. */
void anl_group(AnlCtx *x, const uint32_t *keys, const int64_t *vals, size_t n, uint32_t n_keys, size_t **off,
               int64_t **out);
/* Stable sort of event indexes by their timestamp; tmp holds n entries. */
void anl_sort_events(uint32_t *ix, size_t n, const int64_t *t, uint32_t *tmp);
/* Stable sort of instances by (start, completion); tmp holds n entries. */
void anl_sort_instances(AnlInst *v, size_t n, AnlInst *tmp);

/* anl_calendar.c */
int anl_cal_prepare(AnlCtx *x, const AnlCalendar *c, char *err, size_t errlen);
/* Working milliseconds between a fixed origin and t: a monotone clock whose
 * differences are working time. Without a calendar, t itself. */
int64_t anl_cal_clock(const AnlCal *c, int64_t t);

/* anl_instances.c */
void anl_build_instances(AnlCtx *x);
void anl_build_variants(AnlCtx *x);

/* anl_figures.c */
void anl_figures(AnlCtx *x, Analysis *an);

/* anl_conformance.c */
void anl_conformance(AnlCtx *x, Analysis *an);

#endif
