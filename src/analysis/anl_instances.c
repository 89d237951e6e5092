/* anl_instances.c — from events to activity instances and variants: events
 * grouped by case (a stable counting sort), put in timestamp order within the
 * case (only when they are not already), starts paired with completions, and
 * each case's sequence of instance activities interned as a variant. Every
 * case is processed, filtered or not: the variant filter needs the variants.
 * The figures computed from instances are in anl_figures.c. */
#include <string.h>

#include "anl_internal.h"

/* An open start waiting for its completion; the open starts of one activity
 * form a FIFO list (next), so a completion closes the oldest in O(1). */
typedef struct Pending {
    int64_t time_ms;
    uint32_t activity, resource;
    uint32_t next; /* next open start of the same activity, or EVLOG_NONE */
    bool open;
} Pending;

typedef struct CaseWork {
    Pending *pend;       /* one entry per start of the case */
    uint32_t *open_head; /* per activity: oldest open start, EVLOG_NONE when none */
    uint32_t *open_tail; /* per activity: newest open start */
    uint32_t *ev_tmp;    /* merge-sort buffers, as long as the longest case */
    AnlInst *inst_tmp;
} CaseWork;

static size_t group_by_case(AnlCtx *x) {
    const EventLog *log = x->log;
    uint32_t n_cases = x->n_cases_log;
    size_t *off = anl_scratch(x, (size_t)n_cases + 1, sizeof *off);
    for (size_t i = 0; i < log->n_events; i++) off[log->ev_case[i] + 1]++;
    size_t longest = 0;
    for (uint32_t c = 0; c < n_cases; c++) {
        if (off[c + 1] > longest) longest = off[c + 1];
        off[c + 1] += off[c];
    }
    size_t *fill = anl_scratch(x, (size_t)n_cases + 1, sizeof *fill);
    memcpy(fill, off, ((size_t)n_cases + 1) * sizeof *fill);
    uint32_t *order = anl_scratch(x, log->n_events + 1, sizeof *order);
    for (size_t i = 0; i < log->n_events; i++) order[fill[log->ev_case[i]]++] = (uint32_t)i;
    x->ev_order = order;
    x->case_ev_off = off;
    return longest;
}

static void open_start(CaseWork *w, size_t *n_pend, int64_t t, uint32_t act, uint32_t res) {
    uint32_t p = (uint32_t)(*n_pend)++;
    w->pend[p] = (Pending){t, act, res, EVLOG_NONE, true};
    if (w->open_tail[act] == EVLOG_NONE) w->open_head[act] = p;
    else w->pend[w->open_tail[act]].next = p;
    w->open_tail[act] = p;
}

/* Pairs the case's events into instances at x->inst + first; returns how many. */
static size_t case_instances(AnlCtx *x, CaseWork *w, uint32_t c, size_t first) {
    const EventLog *log = x->log;
    const uint32_t *ev = x->ev_order + x->case_ev_off[c];
    size_t n_ev = x->case_ev_off[c + 1] - x->case_ev_off[c], n_pend = 0, n = 0;
    AnlInst *out = x->inst + first;
    for (size_t i = 0; i < n_ev; i++) {
        uint32_t e = ev[i], act = log->ev_activity[e], res = log->ev_resource[e];
        int64_t t = log->ev_time_ms[e];
        if (log->ev_kind[e] == EV_START) {
            open_start(w, &n_pend, t, act, res);
        } else if (log->ev_kind[e] == EV_COMPLETE) {
            uint32_t h = w->open_head[act];
            if (h == EVLOG_NONE) {
                out[n++] = (AnlInst){t, t, act, res, false};
                continue;
            }
            w->open_head[act] = w->pend[h].next;
            if (w->open_head[act] == EVLOG_NONE) w->open_tail[act] = EVLOG_NONE;
            w->pend[h].open = false;
            out[n++] = (AnlInst){w->pend[h].time_ms, t, act, res != EVLOG_NONE ? res : w->pend[h].resource, true};
        }
        /* EV_SKIP and EV_OTHER make no instance */
    }
    for (size_t p = 0; p < n_pend; p++) {
        uint32_t act = w->pend[p].activity;
        w->open_head[act] = w->open_tail[act] = EVLOG_NONE;
        if (!w->pend[p].open) continue;
        x->unclosed_case[x->n_unclosed] = c;
        x->unclosed_act[x->n_unclosed++] = act;
    }
    return n;
}

static bool instances_sorted(const AnlInst *v, size_t n) {
    for (size_t i = 1; i < n; i++)
        if (v[i].start_ms < v[i - 1].start_ms || (v[i].start_ms == v[i - 1].start_ms && v[i].end_ms < v[i - 1].end_ms))
            return false;
    return true;
}

static bool events_sorted(const uint32_t *ix, size_t n, const int64_t *t) {
    for (size_t i = 1; i < n; i++)
        if (t[ix[i]] < t[ix[i - 1]]) return false;
    return true;
}

void anl_build_instances(AnlCtx *x) {
    const EventLog *log = x->log;
    size_t longest = group_by_case(x);
    CaseWork w;
    w.pend = anl_scratch(x, longest + 1, sizeof *w.pend);
    w.open_head = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *w.open_head);
    w.open_tail = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *w.open_tail);
    memset(w.open_head, 0xff, ((size_t)x->n_acts + 1) * sizeof *w.open_head);
    memset(w.open_tail, 0xff, ((size_t)x->n_acts + 1) * sizeof *w.open_tail);
    w.ev_tmp = anl_scratch(x, longest + 1, sizeof *w.ev_tmp);
    w.inst_tmp = anl_scratch(x, longest + 1, sizeof *w.inst_tmp);
    /* every instance has a completion and every unclosed start is a start:
     * size the arrays by those counts, not by all events */
    size_t n_complete = 0, n_start = 0;
    for (size_t i = 0; i < log->n_events; i++) {
        n_complete += log->ev_kind[i] == EV_COMPLETE;
        n_start += log->ev_kind[i] == EV_START;
    }
    x->inst = anl_scratch(x, n_complete + 1, sizeof *x->inst);
    x->case_in_off = anl_scratch(x, (size_t)x->n_cases_log + 1, sizeof *x->case_in_off);
    x->unclosed_case = anl_scratch(x, n_start + 1, sizeof *x->unclosed_case);
    x->unclosed_act = anl_scratch(x, n_start + 1, sizeof *x->unclosed_act);
    size_t n_inst = 0;
    for (uint32_t c = 0; c < x->n_cases_log; c++) {
        uint32_t *ev = x->ev_order + x->case_ev_off[c];
        size_t n_ev = x->case_ev_off[c + 1] - x->case_ev_off[c];
        /* logs are nearly always written in time order: check before sorting */
        if (!events_sorted(ev, n_ev, log->ev_time_ms)) anl_sort_events(ev, n_ev, log->ev_time_ms, w.ev_tmp);
        size_t k = case_instances(x, &w, c, n_inst);
        AnlInst *in = x->inst + n_inst;
        if (!instances_sorted(in, k)) anl_sort_instances(in, k, w.inst_tmp);
        for (size_t i = 0; x->cal.on && i < k; i++) {
            in[i].start_ms = anl_cal_clock(&x->cal, in[i].start_ms);
            in[i].end_ms = anl_cal_clock(&x->cal, in[i].end_ms);
        }
        n_inst += k;
        x->case_in_off[c + 1] = n_inst;
    }
}

static uint64_t sequence_hash(const AnlInst *in, size_t n) {
    uint64_t h = 1469598103934665603ull ^ n;
    for (size_t i = 0; i < n; i++) h = (h ^ in[i].activity) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool same_sequence(const AnlInst *a, size_t na, const AnlInst *b, size_t nb) {
    if (na != nb) return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].activity != b[i].activity) return false;
    return true;
}

void anl_build_variants(AnlCtx *x) {
    uint32_t n_cases = x->n_cases_log;
    size_t n_slots = 64;
    while (n_slots < 2 * (size_t)n_cases + 2) n_slots *= 2;
    uint32_t *slots = anl_scratch(x, n_slots, sizeof *slots); /* variant + 1; 0 = empty */
    uint64_t *hashes = anl_scratch(x, (size_t)n_cases + 1, sizeof *hashes);
    x->var_case = anl_scratch(x, (size_t)n_cases + 1, sizeof *x->var_case);
    x->case_variant = anl_scratch(x, (size_t)n_cases + 1, sizeof *x->case_variant);
    for (uint32_t c = 0; c < n_cases; c++) {
        x->case_variant[c] = EVLOG_NONE;
        if (x->case_ev_off[c + 1] == x->case_ev_off[c]) continue; /* a case id with no events */
        const AnlInst *in = x->inst + x->case_in_off[c];
        size_t k = x->case_in_off[c + 1] - x->case_in_off[c];
        uint64_t h = sequence_hash(in, k);
        size_t j = (size_t)h & (n_slots - 1);
        for (; slots[j]; j = (j + 1) & (n_slots - 1)) {
            uint32_t v = slots[j] - 1, r = x->var_case[v];
            if (hashes[v] == h &&
                same_sequence(in, k, x->inst + x->case_in_off[r], x->case_in_off[r + 1] - x->case_in_off[r]))
                break;
        }
        if (!slots[j]) {
            hashes[x->n_vars] = h;
            x->var_case[x->n_vars] = c;
            slots[j] = ++x->n_vars;
        }
        x->case_variant[c] = slots[j] - 1;
    }
}
