/* anl_json.c — anl_write_json(): the whole analysis as one JSON document
 * (`opsdesk analyze --json`, GET /api/v1/eventlogs/{id}/analysis) through the
 * streaming writer. Key names are an interface: docs/analysis.md lists them,
 * and a change here is a change there. Durations are seconds (fractional).
 * No figure is computed here beyond unit conversion and picking list items. */
#include <math.h>
#include <stdio.h>

#include "anl_internal.h"

/* Numbers are printed once at a fixed precision: jw_double searches for the
 * shortest form that round-trips (up to a dozen printf/strtod calls a value),
 * which made writing the document cost several times the analysis itself.
 * Durations (ms in, seconds out) keep the millisecond; fractions 9 digits. */
static void num(JsonW *w, double v, bool ms_to_seconds) {
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    char t[64];
    if (ms_to_seconds) snprintf(t, sizeof t, "%.3f", v / 1000.0);
    else snprintf(t, sizeof t, "%.9g", v);
    jw_raw_json(w, t);
}

static void kdouble(JsonW *w, const char *k, double v) {
    jw_key(w, k);
    num(w, v, false);
}

static void ksec(JsonW *w, const char *k, double ms) {
    jw_key(w, k);
    num(w, ms, true);
}

static const char *act_name(const Analysis *an, uint32_t a) {
    return a < an->log->activities.n ? an->log->activities.strs[a] : NULL;
}

/* count and total always; the rest null when there is no value */
static void write_stats(JsonW *w, const char *key, const AnlStats *st) {
    jw_key(w, key);
    jw_obj_begin(w);
    jw_kint(w, "count", st->count);
    const char *names[] = {"min", "median", "mean", "p90", "max"};
    double vals[] = {st->min, st->median, st->mean, st->p90, st->max};
    for (int i = 0; i < 5; i++) {
        if (st->count) ksec(w, names[i], vals[i]);
        else jw_knull(w, names[i]);
    }
    ksec(w, "total", st->total);
    jw_obj_end(w);
}

static void write_hist(JsonW *w, const AnlHistogram *h) {
    jw_key(w, "service_histogram");
    jw_obj_begin(w);
    jw_key(w, "edges");
    jw_arr_begin(w);
    for (int i = 0; i <= ANL_HIST_BINS; i++) num(w, h->edges_ms[i], true);
    jw_arr_end(w);
    jw_key(w, "counts");
    jw_arr_begin(w);
    for (int i = 0; i < ANL_HIST_BINS; i++) jw_int(w, h->counts[i]);
    jw_arr_end(w);
    jw_obj_end(w);
}

static void write_counts(JsonW *w, const Analysis *an) {
    jw_key(w, "counts");
    jw_obj_begin(w);
    jw_kint(w, "cases", an->n_cases);
    jw_kint(w, "cases_total", an->n_cases_total);
    jw_kint(w, "events", an->n_events);
    jw_kint(w, "instances", an->n_instances);
    jw_kint(w, "activities", an->n_activities);
    jw_kint(w, "resources", an->n_resources);
    jw_kint(w, "variants", an->n_variants_total);
    jw_kint(w, "unclosed_starts", an->n_unclosed_starts);
    jw_obj_end(w);
}

static void write_activity(JsonW *w, const AnlActivity *a) {
    jw_obj_begin(w);
    jw_kstr(w, "name", a->name);
    jw_kint(w, "events", a->events);
    jw_kint(w, "instances", a->instances);
    jw_kint(w, "cases", a->cases);
    jw_kint(w, "skips", a->skips);
    jw_kint(w, "unclosed_starts", a->unclosed_starts);
    jw_kint(w, "start_count", a->start_count);
    jw_kint(w, "end_count", a->end_count);
    write_stats(w, "service", &a->service);
    write_hist(w, &a->service_hist);
    write_stats(w, "waiting_in", &a->waiting_in);
    ksec(w, "waiting_total", a->waiting_total_ms);
    kdouble(w, "share_of_case_time", a->share_of_case_time);
    jw_kint(w, "rework_cases", a->rework_cases);
    jw_kint(w, "rework_instances", a->rework_instances);
    jw_obj_end(w);
}

/* Start or end activities (count > 0), in the activities' order (by instances). */
static void write_ends(JsonW *w, const Analysis *an, bool start) {
    jw_key(w, start ? "start_activities" : "end_activities");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_activities_out; i++) {
        const AnlActivity *a = &an->activities[i];
        int64_t n = start ? a->start_count : a->end_count;
        if (!n) continue;
        jw_obj_begin(w);
        jw_kstr(w, "name", a->name);
        jw_kint(w, "count", n);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

static void write_edge(JsonW *w, const Analysis *an, const AnlEdge *e) {
    jw_obj_begin(w);
    jw_kstr(w, "from", act_name(an, e->from));
    jw_kstr(w, "to", act_name(an, e->to));
    jw_kint(w, "count", e->count);
    jw_kint(w, "cases", e->cases);
    write_stats(w, "waiting", &e->waiting);
    ksec(w, "waiting_total", e->waiting_total_ms);
    kdouble(w, "share_of_case_time", e->share_of_case_time);
    jw_kbool(w, "same_resource_always", e->same_resource_always);
    jw_kbool(w, "merge_candidate", e->merge_candidate);
    jw_obj_end(w);
}

static void write_variants(JsonW *w, const Analysis *an) {
    jw_key(w, "variants");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_variants; i++) {
        const AnlVariant *v = &an->variants[i];
        jw_obj_begin(w);
        jw_key(w, "activities");
        jw_arr_begin(w);
        for (int j = 0; j < v->n_activities; j++) jw_str(w, act_name(an, v->activities[j]));
        jw_arr_end(w);
        jw_kint(w, "cases", v->cases);
        kdouble(w, "share", v->share);
        write_stats(w, "duration", &v->duration);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

static void write_ranked_activities(JsonW *w, const Analysis *an, const char *key, const int *idx) {
    jw_key(w, key);
    jw_arr_begin(w);
    for (int i = 0; i < an->n_bottleneck_activities; i++) {
        const AnlActivity *a = &an->activities[idx[i]];
        jw_obj_begin(w);
        jw_kstr(w, "name", a->name);
        ksec(w, "waiting_total", a->waiting_total_ms);
        ksec(w, "waiting_p90", a->waiting_in.p90);
        kdouble(w, "share_of_case_time", a->share_of_case_time);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

static void write_ranked_edges(JsonW *w, const Analysis *an, const char *key, const int *idx) {
    jw_key(w, key);
    jw_arr_begin(w);
    for (int i = 0; i < an->n_bottleneck_edges; i++) {
        const AnlEdge *e = &an->edges[idx[i]];
        jw_obj_begin(w);
        jw_kstr(w, "from", act_name(an, e->from));
        jw_kstr(w, "to", act_name(an, e->to));
        ksec(w, "waiting_total", e->waiting_total_ms);
        ksec(w, "waiting_p90", e->waiting.p90);
        kdouble(w, "share_of_case_time", e->share_of_case_time);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

static void write_bottlenecks(JsonW *w, const Analysis *an) {
    jw_key(w, "bottlenecks");
    jw_obj_begin(w);
    write_ranked_activities(w, an, "activities_by_total", an->bottleneck_activities_by_total);
    write_ranked_activities(w, an, "activities_by_p90", an->bottleneck_activities_by_p90);
    write_ranked_edges(w, an, "edges_by_total", an->bottleneck_edges_by_total);
    write_ranked_edges(w, an, "edges_by_p90", an->bottleneck_edges_by_p90);
    jw_obj_end(w);
}

static void write_rework(JsonW *w, const Analysis *an) {
    jw_key(w, "rework");
    jw_obj_begin(w);
    jw_kint(w, "cases", an->rework_cases);
    kdouble(w, "share", an->rework_share);
    jw_kint(w, "loop_cases", an->loop_cases);
    jw_key(w, "activities");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_activities_out; i++) {
        const AnlActivity *a = &an->activities[i];
        if (!a->rework_cases) continue;
        jw_obj_begin(w);
        jw_kstr(w, "name", a->name);
        jw_kint(w, "cases", a->rework_cases);
        jw_kint(w, "instances", a->rework_instances);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

static const char *dev_kind_name(AnlDeviationKind k) {
    switch (k) {
    case ANL_DEV_NOT_ALLOWED: return "not_allowed";
    case ANL_DEV_MISSING: return "missing";
    case ANL_DEV_UNKNOWN: return "unknown";
    case ANL_DEV_SKIPPED: return "skipped";
    }
    return "unknown";
}

static void write_step(JsonW *w, const Analysis *an, const AnlStepCheck *s) {
    const PmStep *p = &an->model->steps[s->step];
    jw_obj_begin(w);
    jw_kstr(w, "name", p->name);
    jw_kbool(w, "conditional", p->conditional);
    jw_kint(w, "parallel_group", p->parallel_group);
    jw_kint(w, "runs", s->runs);
    jw_kint(w, "skips", s->skips);
    kdouble(w, "skip_share", s->skip_share);
    write_stats(w, "service", &s->service);
    if (p->time_standard_ms > 0) ksec(w, "time_standard", (double)p->time_standard_ms);
    else jw_knull(w, "time_standard");
    kdouble(w, "time_share", p->time_share > 0 ? p->time_share : 1.0);
    if (s->service.count) ksec(w, "quantile", s->quantile_ms);
    else jw_knull(w, "quantile");
    jw_kbool(w, "breaks_time_standard", s->breaks_time_standard);
    jw_kbool(w, "order_free", s->order_free);
    jw_kbool(w, "mostly_skipped", s->mostly_skipped);
    jw_obj_end(w);
}

static void write_conformance(JsonW *w, const Analysis *an) {
    jw_key(w, "conformance");
    jw_obj_begin(w);
    if (an->n_case_fits) kdouble(w, "fitness", an->fitness);
    else jw_knull(w, "fitness");
    jw_key(w, "deviations");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_deviations; i++) {
        const AnlDeviation *d = &an->deviations[i];
        jw_obj_begin(w);
        jw_kstr(w, "kind", dev_kind_name(d->kind));
        jw_kstr(w, "from", d->from);
        jw_kstr(w, "to", d->to);
        jw_kint(w, "cases", d->cases);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "steps");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_steps; i++) write_step(w, an, &an->steps[i]);
    jw_arr_end(w);
    jw_key(w, "cases");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_case_fits; i++) {
        const AnlCaseFit *f = &an->case_fits[i];
        jw_obj_begin(w);
        jw_kstr(w, "case", an->log->cases.strs[f->case_no]);
        kdouble(w, "fitness", f->fitness);
        jw_kint(w, "deviations", f->deviations);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

static void write_redundancy(JsonW *w, const Analysis *an) {
    jw_key(w, "redundancy");
    jw_obj_begin(w);
    jw_key(w, "skipped_in_most_runs");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_steps; i++) {
        if (!an->steps[i].mostly_skipped) continue;
        jw_obj_begin(w);
        jw_kstr(w, "name", an->model->steps[an->steps[i].step].name);
        kdouble(w, "skip_share", an->steps[i].skip_share);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "order_free");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_steps; i++)
        if (an->steps[i].order_free) jw_str(w, an->model->steps[an->steps[i].step].name);
    jw_arr_end(w);
    jw_key(w, "merge_candidates");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_edges; i++) {
        const AnlEdge *e = &an->edges[i];
        if (!e->merge_candidate) continue;
        jw_obj_begin(w);
        jw_kstr(w, "from", act_name(an, e->from));
        jw_kstr(w, "to", act_name(an, e->to));
        jw_kint(w, "count", e->count);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

void anl_write_json(JsonW *w, const Analysis *an) {
    jw_obj_begin(w);
    write_counts(w, an);
    jw_ktime(w, "first", an->first_ms);
    jw_ktime(w, "last", an->last_ms);
    jw_kbool(w, "calendar", an->calendar);
    write_stats(w, "case_duration", &an->case_duration);
    jw_key(w, "activities");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_activities_out; i++) write_activity(w, &an->activities[i]);
    jw_arr_end(w);
    write_ends(w, an, true);
    write_ends(w, an, false);
    jw_key(w, "edges");
    jw_arr_begin(w);
    for (int i = 0; i < an->n_edges; i++) write_edge(w, an, &an->edges[i]);
    jw_arr_end(w);
    write_variants(w, an);
    write_bottlenecks(w, an);
    write_rework(w, an);
    if (an->has_model) {
        write_conformance(w, an);
        write_redundancy(w, an);
    } else {
        jw_knull(w, "conformance");
        jw_knull(w, "redundancy");
    }
    jw_obj_end(w);
}
