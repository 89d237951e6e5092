/* goals_smart.c — the SMART check of a goal: warnings (never errors) for a
 * vague title without key results, key results without target, range, unit
 * or deadline, a target far beyond the metric's history on other goals, and
 * a team or person goal aligned to nothing (docs/goals.md "SMART check").
 * Reads only; nothing is written here, and nothing here refuses a change. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/utf8.h"
#include "goals_internal.h"

static const char *const VAGUE_WORDS[] = {"improve",    "better", "more", "enhance", "optimi",
                                          "strengthen", "提升",   "提高", "改善",    "加强",
                                          "优化",       "更好",   "尽量", "努力",    "做好"};

static bool title_is_vague(const char *title) {
    for (const char *p = title; *p; p++)
        if (*p >= '0' && *p <= '9') return false; /* a number in the title is a measure */
    if (utf8_count(title, strlen(title)) < 10) return true;
    char *lower = strdup(title);
    if (!lower) return false;
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    bool vague = false;
    for (size_t i = 0; i < sizeof VAGUE_WORDS / sizeof VAGUE_WORDS[0] && !vague; i++)
        vague = strstr(lower, VAGUE_WORDS[i]) != NULL;
    free(lower);
    return vague;
}

static const char *num_text(Req *r, double v) {
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.10g", v);
    return arena_strdup(r->arena, tmp);
}

/* History of a metric: values checked in or current on key results of other goals. */
static int metric_history(Req *r, const GoalKr *k, int64_t goal_id, double *lo, double *hi, int64_t *count) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT COUNT(*), MIN(v), MAX(v) FROM ("
                   " SELECT c.value AS v FROM goal_checkins c JOIN goal_key_results k ON k.id = c.key_result_id"
                   " JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.metric = ?1 AND k.goal_id <> ?2 AND k.deleted_at IS NULL AND g.deleted_at IS NULL"
                   " UNION ALL SELECT k.current_value FROM goal_key_results k JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.metric = ?1 AND k.goal_id <> ?2 AND k.deleted_at IS NULL AND g.deleted_at IS NULL"
                   " AND k.current_value IS NOT NULL) h",
                   &st) != DB_OK)
        return -1;
    db_bind_text(st, 1, k->metric);
    db_bind_int(st, 2, goal_id);
    int rc = db_step(st);
    *count = 0;
    if (rc == DB_ROW) {
        *count = db_col_int(st, 0);
        *lo = *count ? db_col_double(st, 1) : 0;
        *hi = *count ? db_col_double(st, 2) : 0;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int goals_smart_check(Req *r, const Goal *g, SmartWarning **out, int *n) {
    int cap = 8 + 6 * g->n_krs, k = 0;
    SmartWarning *w = arena_alloc(r->arena, sizeof *w * (size_t)cap);
#define WARN(crit, fld, msg) (w[k++] = (SmartWarning){(crit), (fld), (msg)})
    if (g->n_krs == 0 && title_is_vague(g->title)) WARN("specific", "title", T(r, "goals.smart.specific"));
    if (g->n_krs == 0) {
        WARN("measurable", "key_results", T(r, "goals.smart.measurable_no_kr"));
        WARN("time_bound", "key_results", T(r, "goals.smart.time_bound_no_kr"));
    }
    for (int i = 0; i < g->n_krs; i++) {
        const GoalKr *kr = &g->krs[i];
        const char *m[] = {kr->metric, NULL, NULL};
        const char *f = arena_printf(r->arena, "key_results[%d]", i);
        bool milestone = strcmp(kr->kind, "milestone") == 0, range = strcmp(kr->direction, "range") == 0;
        if (!milestone && range && (!kr->has_low || !kr->has_high))
            WARN("measurable", arena_printf(r->arena, "%s.range_low", f),
                 i18n_fmt(r->arena, r->locale, "goals.smart.measurable_range", 1, m));
        if (!milestone && !range && !kr->has_target)
            WARN("measurable", arena_printf(r->arena, "%s.target", f),
                 i18n_fmt(r->arena, r->locale, "goals.smart.measurable_target", 1, m));
        if ((strcmp(kr->kind, "number") == 0 || strcmp(kr->kind, "currency") == 0) && (!kr->unit || !*kr->unit))
            WARN("measurable", arena_printf(r->arena, "%s.unit", f),
                 i18n_fmt(r->arena, r->locale, "goals.smart.measurable_unit", 1, m));
        if (!kr->deadline_at)
            WARN("time_bound", arena_printf(r->arena, "%s.deadline", f),
                 i18n_fmt(r->arena, r->locale, "goals.smart.time_bound_none", 1, m));
        else if (kr->deadline_at < g->start_at || kr->deadline_at > g->end_at)
            WARN("time_bound", arena_printf(r->arena, "%s.deadline", f),
                 i18n_fmt(r->arena, r->locale, "goals.smart.time_bound_outside", 1, m));
        if (!milestone && !range && kr->has_target) {
            double lo = 0, hi = 0;
            int64_t count = 0;
            if (metric_history(r, kr, g->id, &lo, &hi, &count) != 0) return DB_FAIL(r);
            bool decrease = strcmp(kr->direction, "decrease") == 0;
            bool far = count > 0 && (decrease ? kr->target < lo - 0.5 * fabs(lo) : kr->target > hi + 0.5 * fabs(hi));
            if (far) {
                m[1] = num_text(r, kr->target);
                m[2] = num_text(r, decrease ? lo : hi);
                WARN("achievable", arena_printf(r->arena, "%s.target", f),
                     i18n_fmt(r->arena, r->locale,
                              decrease ? "goals.smart.achievable_low" : "goals.smart.achievable_high", 3, m));
            }
        }
    }
    if (strcmp(g->level, "company") != 0 && !g->parent_id) WARN("relevant", "parent_id", T(r, "goals.smart.relevant"));
#undef WARN
    *out = w;
    *n = k;
    return 0;
}
