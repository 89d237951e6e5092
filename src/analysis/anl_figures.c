/* anl_figures.c — the figures of the analysed (kept) cases: counts, case
 * durations, per-activity service and waiting times, the directly-follows
 * graph (edges in a hash table keyed by (from, to)), variants, bottleneck
 * rankings and rework. One pass over the cases collects (key, duration)
 * pairs; each key's durations are then grouped by a counting sort and
 * summarised once. Conformance against a model is in anl_conformance.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anl_internal.h"

typedef struct ActAcc {
    int64_t events, instances, cases, skips, unclosed, start_count, end_count, rework_cases, rework_instances;
    uint32_t last_case; /* the last case counted in cases (EVLOG_NONE: none yet) */
    uint32_t in_case;   /* instances in last_case */
} ActAcc;

typedef struct EdgeAcc {
    uint32_t from, to, last_case;
    int64_t count, cases;
    bool same_resource; /* so far, every occurrence by one known resource */
} EdgeAcc;

/* What the pass over the cases collects. */
typedef struct Fig {
    ActAcc *act;
    EdgeAcc *edge;
    uint32_t n_edges;
    uint32_t *slots; /* edge + 1; 0 = empty */
    size_t n_slots;
    uint32_t *svc_key, *pair_edge, *dur_var, *touched;
    int64_t *svc_val, *pair_wait, *durs;
    size_t n_svc, n_pairs, n_durs;
} Fig;

typedef struct Rank {
    double k1, k2; /* descending */
    int idx;       /* ascending, for a stable order on ties */
} Rank;

static int cmp_rank(const void *pa, const void *pb) {
    const Rank *a = pa, *b = pb;
    if (a->k1 != b->k1) return a->k1 < b->k1 ? 1 : -1;
    if (a->k2 != b->k2) return a->k2 < b->k2 ? 1 : -1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static int *ranked(Arena *a, Rank *r, int n) {
    qsort(r, (size_t)n, sizeof *r, cmp_rank);
    int *out = arena_alloc(a, ((size_t)n + 1) * sizeof *out);
    for (int i = 0; i < n; i++) out[i] = r[i].idx;
    return out;
}

static void fig_init(AnlCtx *x, Fig *f) {
    size_t n_inst = x->case_in_off[x->n_cases_log];
    uint64_t max_edges = (uint64_t)x->n_acts * x->n_acts;
    if (max_edges > n_inst) max_edges = n_inst;
    f->n_slots = 64;
    while (f->n_slots < 2 * max_edges + 2) f->n_slots *= 2;
    f->slots = anl_scratch(x, f->n_slots, sizeof *f->slots);
    f->edge = anl_scratch(x, max_edges + 1, sizeof *f->edge);
    f->act = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *f->act);
    for (uint32_t a = 0; a < x->n_acts; a++) f->act[a].last_case = EVLOG_NONE;
    f->svc_key = anl_scratch(x, n_inst + 1, sizeof *f->svc_key);
    f->svc_val = anl_scratch(x, n_inst + 1, sizeof *f->svc_val);
    f->pair_edge = anl_scratch(x, n_inst + 1, sizeof *f->pair_edge);
    f->pair_wait = anl_scratch(x, n_inst + 1, sizeof *f->pair_wait);
    f->durs = anl_scratch(x, (size_t)x->n_cases_log + 1, sizeof *f->durs);
    f->dur_var = anl_scratch(x, (size_t)x->n_cases_log + 1, sizeof *f->dur_var);
    f->touched = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *f->touched);
}

static uint32_t edge_id(Fig *f, uint32_t from, uint32_t to) {
    uint64_t key = ((uint64_t)from << 32) | to;
    size_t mask = f->n_slots - 1, j = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 29) & mask;
    for (; f->slots[j]; j = (j + 1) & mask) {
        const EdgeAcc *e = &f->edge[f->slots[j] - 1];
        if (e->from == from && e->to == to) return f->slots[j] - 1;
    }
    uint32_t id = f->n_edges++;
    f->edge[id] = (EdgeAcc){from, to, EVLOG_NONE, 0, 0, true};
    f->slots[j] = id + 1;
    return id;
}

/* Events, skips, resources and the time span of the kept cases. */
static void count_events(AnlCtx *x, Analysis *an, Fig *f) {
    const EventLog *log = x->log;
    uint8_t *res_seen = anl_scratch(x, (size_t)log->resources.n + 1, 1);
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < log->n_events; i++) {
        if (!x->keep[log->ev_case[i]]) continue;
        an->n_events++;
        ActAcc *a = &f->act[log->ev_activity[i]];
        a->events++;
        a->skips += log->ev_kind[i] == EV_SKIP;
        uint32_t r = log->ev_resource[i];
        if (r != EVLOG_NONE && !res_seen[r]) {
            res_seen[r] = 1;
            an->n_resources++;
        }
        int64_t t = log->ev_time_ms[i];
        if (t < first) first = t;
        if (t > last) last = t;
    }
    an->first_ms = an->n_events ? first : 0;
    an->last_ms = an->n_events ? last : 0;
    for (size_t i = 0; i < x->n_unclosed; i++) {
        if (!x->keep[x->unclosed_case[i]]) continue;
        f->act[x->unclosed_act[i]].unclosed++;
        an->n_unclosed_starts++;
    }
}

static void add_pair(Fig *f, uint32_t c, const AnlInst *prev, const AnlInst *cur) {
    uint32_t e = edge_id(f, prev->activity, cur->activity);
    EdgeAcc *ea = &f->edge[e];
    ea->count++;
    if (ea->last_case != c) {
        ea->last_case = c;
        ea->cases++;
    }
    if (prev->resource == EVLOG_NONE || prev->resource != cur->resource) ea->same_resource = false;
    int64_t wait = cur->start_ms - prev->end_ms; /* overlapping instances do not wait */
    f->pair_edge[f->n_pairs] = e;
    f->pair_wait[f->n_pairs++] = wait > 0 ? wait : 0;
}

/* One kept case: instances, service times, pairs, rework, duration. */
static void case_figures(AnlCtx *x, Analysis *an, Fig *f, uint32_t c) {
    const AnlInst *in = x->inst + x->case_in_off[c];
    size_t k = x->case_in_off[c + 1] - x->case_in_off[c], n_touched = 0;
    bool loop = false, rework = false;
    int64_t end = k ? in[0].end_ms : 0;
    for (size_t j = 0; j < k; j++) {
        ActAcc *a = &f->act[in[j].activity];
        a->instances++;
        if (a->last_case != c) {
            a->last_case = c;
            a->in_case = 0;
            a->cases++;
            f->touched[n_touched++] = in[j].activity;
        }
        a->in_case++;
        if (in[j].end_ms > end) end = in[j].end_ms;
        if (in[j].real_start) {
            f->svc_key[f->n_svc] = in[j].activity;
            f->svc_val[f->n_svc++] = in[j].end_ms - in[j].start_ms;
        }
        if (j == 0) continue;
        add_pair(f, c, &in[j - 1], &in[j]);
        loop |= in[j - 1].activity == in[j].activity;
    }
    for (size_t i = 0; i < n_touched; i++) {
        ActAcc *a = &f->act[f->touched[i]];
        if (a->in_case < 2) continue;
        a->rework_cases++;
        a->rework_instances += a->in_case - 1;
        rework = true;
    }
    if (k) {
        f->act[in[0].activity].start_count++;
        f->act[in[k - 1].activity].end_count++;
    }
    /* instances are in start order, so in[0] starts first */
    int64_t dur = k ? end - in[0].start_ms : 0;
    f->durs[f->n_durs] = dur;
    f->dur_var[f->n_durs++] = x->case_variant[c];
    an->n_instances += (int64_t)k;
    an->rework_cases += rework;
    an->loop_cases += loop;
}

static int cmp_activity(const void *pa, const void *pb) {
    const AnlActivity *a = pa, *b = pb;
    if (a->instances != b->instances) return a->instances < b->instances ? 1 : -1;
    if (a->events != b->events) return a->events < b->events ? 1 : -1;
    return (a->activity > b->activity) - (a->activity < b->activity);
}

static void activities_out(AnlCtx *x, Analysis *an, Fig *f) {
    anl_group(x, f->svc_key, f->svc_val, f->n_svc, x->n_acts, &x->svc_off, &x->svc_val);
    uint32_t *to_key = anl_scratch(x, f->n_pairs + 1, sizeof *to_key);
    for (size_t i = 0; i < f->n_pairs; i++) to_key[i] = f->edge[f->pair_edge[i]].to;
    size_t *w_off;
    int64_t *w_val;
    anl_group(x, to_key, f->pair_wait, f->n_pairs, x->n_acts, &w_off, &w_val);
    int n = 0;
    for (uint32_t a = 0; a < x->n_acts; a++) n += f->act[a].events > 0;
    an->activities = arena_alloc(x->a, ((size_t)n + 1) * sizeof *an->activities);
    n = 0;
    for (uint32_t a = 0; a < x->n_acts; a++) {
        const ActAcc *s = &f->act[a];
        if (!s->events) continue;
        AnlActivity *o = &an->activities[n++];
        *o = (AnlActivity){.activity = a,
                           .name = x->log->activities.strs[a],
                           .events = s->events,
                           .instances = s->instances,
                           .cases = s->cases,
                           .skips = s->skips,
                           .unclosed_starts = s->unclosed,
                           .start_count = s->start_count,
                           .end_count = s->end_count,
                           .rework_cases = s->rework_cases,
                           .rework_instances = s->rework_instances};
        size_t ns = x->svc_off[a + 1] - x->svc_off[a];
        anl_stats_fill(x->svc_val + x->svc_off[a], ns, &o->service);
        anl_hist_fill(x->svc_val + x->svc_off[a], ns, &o->service, &o->service_hist);
        anl_stats_fill(w_val + w_off[a], w_off[a + 1] - w_off[a], &o->waiting_in);
        o->waiting_total_ms = o->waiting_in.total;
        if (an->case_duration_total_ms > 0) o->share_of_case_time = o->waiting_total_ms / an->case_duration_total_ms;
    }
    qsort(an->activities, (size_t)n, sizeof *an->activities, cmp_activity);
    an->n_activities_out = n;
    an->n_activities = n;
    x->act_out = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *x->act_out);
    memset(x->act_out, 0xff, ((size_t)x->n_acts + 1) * sizeof *x->act_out);
    for (int i = 0; i < n; i++) x->act_out[an->activities[i].activity] = (uint32_t)i;
}

static int cmp_edge(const void *pa, const void *pb) {
    const AnlEdge *a = pa, *b = pb;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return (a->to > b->to) - (a->to < b->to);
}

static void edges_out(AnlCtx *x, Analysis *an, Fig *f) {
    size_t *off;
    int64_t *val;
    anl_group(x, f->pair_edge, f->pair_wait, f->n_pairs, f->n_edges, &off, &val);
    an->edges = arena_alloc(x->a, ((size_t)f->n_edges + 1) * sizeof *an->edges);
    for (uint32_t e = 0; e < f->n_edges; e++) {
        const EdgeAcc *s = &f->edge[e];
        AnlEdge *o = &an->edges[e];
        *o = (AnlEdge){.from = s->from,
                       .to = s->to,
                       .count = s->count,
                       .cases = s->cases,
                       .same_resource_always = s->same_resource};
        anl_stats_fill(val + off[e], off[e + 1] - off[e], &o->waiting);
        o->waiting_total_ms = o->waiting.total;
        if (an->case_duration_total_ms > 0) o->share_of_case_time = o->waiting_total_ms / an->case_duration_total_ms;
        o->merge_candidate = s->same_resource && s->from != s->to && s->count == f->act[s->from].instances &&
                             s->count == f->act[s->to].instances;
    }
    qsort(an->edges, f->n_edges, sizeof *an->edges, cmp_edge);
    an->n_edges = (int)f->n_edges;
}

static void variants_out(AnlCtx *x, Analysis *an, Fig *f) {
    size_t *off;
    int64_t *val;
    anl_group(x, f->dur_var, f->durs, f->n_durs, x->n_vars, &off, &val);
    Rank *r = anl_scratch(x, (size_t)x->n_vars + 1, sizeof *r);
    int n = 0;
    for (uint32_t v = 0; v < x->n_vars; v++)
        if (off[v + 1] > off[v]) r[n++] = (Rank){(double)(off[v + 1] - off[v]), 0, (int)v};
    qsort(r, (size_t)n, sizeof *r, cmp_rank);
    an->n_variants_total = n;
    int keep = x->opt->max_variants > 0 && x->opt->max_variants < n ? x->opt->max_variants : n;
    an->variants = arena_alloc(x->a, ((size_t)keep + 1) * sizeof *an->variants);
    for (int i = 0; i < keep; i++) {
        uint32_t v = (uint32_t)r[i].idx, c = x->var_case[v];
        const AnlInst *in = x->inst + x->case_in_off[c];
        size_t k = x->case_in_off[c + 1] - x->case_in_off[c];
        uint32_t *acts = arena_alloc(x->a, (k + 1) * sizeof *acts);
        for (size_t j = 0; j < k; j++) acts[j] = in[j].activity;
        AnlVariant *o = &an->variants[i];
        o->activities = acts;
        o->n_activities = (int)k;
        o->cases = (int64_t)(off[v + 1] - off[v]);
        o->share = an->n_cases ? (double)o->cases / (double)an->n_cases : 0;
        anl_stats_fill(val + off[v], off[v + 1] - off[v], &o->duration);
    }
    an->n_variants = keep;
}

static void bottlenecks_out(AnlCtx *x, Analysis *an) {
    int n = 0;
    Rank *r = anl_scratch(x, (size_t)an->n_activities_out + (size_t)an->n_edges + 1, sizeof *r);
    for (int i = 0; i < an->n_activities_out; i++) {
        const AnlActivity *a = &an->activities[i];
        if (a->waiting_in.count > 0) r[n++] = (Rank){a->waiting_total_ms, a->waiting_in.p90, i};
    }
    an->bottleneck_activities_by_total = ranked(x->a, r, n);
    for (int i = 0; i < n; i++) {
        const AnlActivity *a = &an->activities[r[i].idx];
        r[i] = (Rank){a->waiting_in.p90, a->waiting_total_ms, r[i].idx};
    }
    an->bottleneck_activities_by_p90 = ranked(x->a, r, n);
    an->n_bottleneck_activities = n;
    for (int i = 0; i < an->n_edges; i++) r[i] = (Rank){an->edges[i].waiting_total_ms, an->edges[i].waiting.p90, i};
    an->bottleneck_edges_by_total = ranked(x->a, r, an->n_edges);
    for (int i = 0; i < an->n_edges; i++) r[i] = (Rank){an->edges[i].waiting.p90, an->edges[i].waiting_total_ms, i};
    an->bottleneck_edges_by_p90 = ranked(x->a, r, an->n_edges);
    an->n_bottleneck_edges = an->n_edges;
}

void anl_figures(AnlCtx *x, Analysis *an) {
    Fig f = {0};
    fig_init(x, &f);
    count_events(x, an, &f);
    for (uint32_t c = 0; c < x->n_cases_log; c++) {
        an->n_cases_total += x->case_ev_off[c + 1] > x->case_ev_off[c];
        if (!x->keep[c]) continue;
        an->n_cases++;
        case_figures(x, an, &f, c);
    }
    an->rework_share = an->n_cases ? (double)an->rework_cases / (double)an->n_cases : 0;
    variants_out(x, an, &f); /* before the case-duration stats reorder f.durs */
    anl_stats_fill(f.durs, f.n_durs, &an->case_duration);
    an->case_duration_total_ms = an->case_duration.total;
    activities_out(x, an, &f);
    edges_out(x, an, &f);
    bottlenecks_out(x, an);
}
