/* anl_conformance.c — the analysed cases checked against a process model
 * (an SOP version's steps): allowed successors, mandatory steps, fitness per
 * case and overall, the most common deviations, each step's actual service
 * times against its time standard, and the redundancy figures (steps skipped
 * in most runs, steps with no observed order dependency). The rules are in
 * docs/analysis.md; this file must match it. */
#include <stdlib.h>
#include <string.h>

#include "anl_internal.h"

/* The model prepared for checking. A block is one step, or a run of
 * consecutive steps sharing a non-zero parallel_group. */
typedef struct Model {
    int n_steps, n_blocks;
    int *block;         /* block of each step */
    int *block_first;   /* first step of each block; [n_blocks] = n_steps */
    bool *parallel;     /* per block */
    uint32_t *step_act; /* activity of each step, EVLOG_NONE when not in the log */
    int *act_step;      /* step of each activity, -1 when none */
} Model;

/* Deviation counters, one slot per possible deviation (dense: models are small):
 * NOT_ALLOWED p→s at p*S+s, MISSING s at S*S+s, SKIPPED s at S*S+S+s,
 * UNKNOWN activity a at S*S+2S+a. */
typedef struct DevAcc {
    int64_t *cases;
    uint32_t *last_case;
    size_t n_slots;
} DevAcc;

/* Per-case working flags, per step. */
typedef struct CaseChk {
    int *present;     /* instances of the step in the case */
    uint8_t *skipped; /* a skip event of the step in the case */
    uint8_t *seen;    /* an instance of the step before the current one */
    uint64_t *so_far; /* bitset of steps seen so far (order relations) */
    uint64_t *prec;   /* per step: bitset of steps seen before it in some case */
    size_t words;
    int64_t *runs, *skips;
    int bad, checks; /* deviations and checks of the current case */
} CaseChk;

static void model_prepare(AnlCtx *x, Model *m) {
    const ProcessModel *pm = x->opt->model;
    int n = pm->n_steps;
    m->n_steps = n;
    m->block = anl_scratch(x, (size_t)n + 1, sizeof *m->block);
    m->block_first = anl_scratch(x, (size_t)n + 1, sizeof *m->block_first);
    m->parallel = anl_scratch(x, (size_t)n + 1, sizeof *m->parallel);
    m->step_act = anl_scratch(x, (size_t)n + 1, sizeof *m->step_act);
    m->act_step = anl_scratch(x, (size_t)x->n_acts + 1, sizeof *m->act_step);
    for (uint32_t a = 0; a < x->n_acts; a++) m->act_step[a] = -1;
    for (int s = 0; s < n; s++) {
        int g = pm->steps[s].parallel_group;
        if (s == 0 || g == 0 || g != pm->steps[s - 1].parallel_group) {
            m->block_first[m->n_blocks] = s;
            m->parallel[m->n_blocks++] = false;
        } else {
            m->parallel[m->n_blocks - 1] = true;
        }
        m->block[s] = m->n_blocks - 1;
        m->step_act[s] = strpool_find(&x->log->activities, pm->steps[s].name, strlen(pm->steps[s].name));
        if (m->step_act[s] != EVLOG_NONE) m->act_step[m->step_act[s]] = s;
    }
    m->block_first[m->n_blocks] = n;
}

/* May step s directly follow step p in this case? Within a parallel block:
 * another step of it not yet done in the case. Forward: when no step of the
 * blocks in between occurs anywhere in the case (those absent are conditional,
 * or already reported as missing or skipped). Never backwards, never p → p. */
static bool allowed(const Model *m, const CaseChk *k, int p, int s) {
    int bp = m->block[p], bs = m->block[s];
    if (bs == bp) return p != s && m->parallel[bp] && !k->seen[s];
    if (bs < bp) return false;
    for (int t = m->block_first[bp + 1]; t < m->block_first[bs]; t++)
        if (k->present[t]) return false;
    return true;
}

static void dev_hit(DevAcc *d, size_t slot, uint32_t c, CaseChk *k) {
    k->bad++;
    if (d->last_case[slot] == c) return;
    d->last_case[slot] = c;
    d->cases[slot]++;
}

/* Transitions between the case's instances of model steps (unknown
 * activities are left out of the sequence: they count once, as UNKNOWN). */
static void check_transitions(const Model *m, DevAcc *d, CaseChk *k, uint32_t c, const AnlInst *in, size_t n) {
    size_t S = (size_t)m->n_steps;
    int prev = -1;
    for (size_t j = 0; j < n; j++) {
        int s = m->act_step[in[j].activity];
        if (s < 0) {
            k->checks++;
            dev_hit(d, S * S + 2 * S + in[j].activity, c, k);
            continue;
        }
        if (prev >= 0) {
            k->checks++;
            if (!allowed(m, k, prev, s)) dev_hit(d, (size_t)prev * S + (size_t)s, c, k);
        }
        k->seen[s] = 1;
        uint64_t *row = k->prec + (size_t)s * k->words;
        for (size_t w = 0; w < k->words; w++) row[w] |= k->so_far[w];
        k->so_far[s / 64] |= 1ull << (s % 64);
        prev = s;
    }
}

static double case_check(AnlCtx *x, const Model *m, DevAcc *d, CaseChk *k, uint32_t c, int *n_dev) {
    const EventLog *log = x->log;
    const PmStep *steps = x->opt->model->steps;
    size_t S = (size_t)m->n_steps;
    const AnlInst *in = x->inst + x->case_in_off[c];
    size_t n = x->case_in_off[c + 1] - x->case_in_off[c];
    memset(k->present, 0, S * sizeof *k->present);
    memset(k->skipped, 0, S);
    memset(k->seen, 0, S);
    memset(k->so_far, 0, k->words * sizeof *k->so_far);
    k->bad = k->checks = 0;
    for (size_t j = 0; j < n; j++)
        if (m->act_step[in[j].activity] >= 0) k->present[m->act_step[in[j].activity]]++;
    for (size_t i = x->case_ev_off[c]; i < x->case_ev_off[c + 1]; i++) {
        uint32_t e = x->ev_order[i];
        int s = m->act_step[log->ev_activity[e]];
        if (log->ev_kind[e] == EV_SKIP && s >= 0) k->skipped[s] = 1;
    }
    for (size_t s = 0; s < S; s++) {
        k->runs[s] += k->present[s] > 0;
        k->skips[s] += k->skipped[s];
        if (steps[s].conditional) continue;
        k->checks++;
        if (k->present[s] == 0) dev_hit(d, S * S + (k->skipped[s] ? S : 0) + s, c, k);
    }
    check_transitions(m, d, k, c, in, n);
    *n_dev = k->bad;
    return k->checks ? 1.0 - (double)k->bad / (double)k->checks : 1.0;
}

typedef struct DevRank {
    int64_t cases;
    size_t slot;
} DevRank;

static int cmp_dev(const void *pa, const void *pb) {
    const DevRank *a = pa, *b = pb;
    if (a->cases != b->cases) return a->cases < b->cases ? 1 : -1;
    return (a->slot > b->slot) - (a->slot < b->slot);
}

static void deviations_out(AnlCtx *x, Analysis *an, const Model *m, const DevAcc *d) {
    size_t S = (size_t)m->n_steps, n = 0;
    DevRank *r = anl_scratch(x, d->n_slots + 1, sizeof *r);
    for (size_t i = 0; i < d->n_slots; i++)
        if (d->cases[i]) r[n++] = (DevRank){d->cases[i], i};
    qsort(r, n, sizeof *r, cmp_dev);
    an->deviations = arena_alloc(x->a, (n + 1) * sizeof *an->deviations);
    const PmStep *st = x->opt->model->steps;
    for (size_t i = 0; i < n; i++) {
        size_t sl = r[i].slot;
        AnlDeviation *o = &an->deviations[i];
        o->cases = r[i].cases;
        if (sl < S * S) {
            o->kind = ANL_DEV_NOT_ALLOWED;
            o->from = st[sl / S].name;
            o->to = st[sl % S].name;
        } else if (sl < S * S + 2 * S) {
            o->kind = sl < S * S + S ? ANL_DEV_MISSING : ANL_DEV_SKIPPED;
            o->to = st[(sl - S * S) % S].name;
        } else {
            o->kind = ANL_DEV_UNKNOWN;
            o->to = x->log->activities.strs[sl - S * S - 2 * S];
        }
    }
    an->n_deviations = (int)n;
}

/* A step has an order dependency on t when, over the cases where both
 * occur, it is always seen on the same side of t (before, or after). */
static bool order_free(const CaseChk *k, int S, int s) {
    for (int t = 0; t < S; t++) {
        if (t == s) continue;
        bool t_before_s = (k->prec[(size_t)s * k->words + (size_t)t / 64] >> (t % 64)) & 1;
        bool s_before_t = (k->prec[(size_t)t * k->words + (size_t)s / 64] >> (s % 64)) & 1;
        if (t_before_s != s_before_t) return false;
    }
    return true;
}

static void steps_out(AnlCtx *x, Analysis *an, const Model *m, const CaseChk *k) {
    const PmStep *st = x->opt->model->steps;
    int S = m->n_steps;
    an->steps = arena_alloc(x->a, ((size_t)S + 1) * sizeof *an->steps);
    for (int s = 0; s < S; s++) {
        AnlStepCheck *o = &an->steps[s];
        o->step = s;
        o->activity = m->step_act[s];
        o->runs = k->runs[s];
        o->skips = k->skips[s];
        o->skip_share = an->n_cases ? (double)o->skips / (double)an->n_cases : 0;
        o->mostly_skipped = o->skip_share > 0.5;
        o->order_free = order_free(k, S, s);
        uint32_t a = m->step_act[s];
        if (a == EVLOG_NONE) continue;
        int64_t *v = x->svc_val + x->svc_off[a];
        size_t n = x->svc_off[a + 1] - x->svc_off[a];
        anl_stats_fill(v, n, &o->service);
        o->quantile_ms = anl_quantile(v, n, st[s].time_share > 0 ? st[s].time_share : 1.0);
        o->breaks_time_standard =
            st[s].time_standard_ms > 0 && n > 0 && o->quantile_ms > (double)st[s].time_standard_ms;
    }
    an->n_steps = S;
}

void anl_conformance(AnlCtx *x, Analysis *an) {
    Model m = {0};
    model_prepare(x, &m);
    size_t S = (size_t)m.n_steps;
    DevAcc d = {.n_slots = S * S + 2 * S + x->n_acts};
    d.cases = anl_scratch(x, d.n_slots + 1, sizeof *d.cases);
    d.last_case = anl_scratch(x, d.n_slots + 1, sizeof *d.last_case);
    memset(d.last_case, 0xff, (d.n_slots + 1) * sizeof *d.last_case);
    CaseChk k = {.words = (S + 63) / 64 + 1};
    k.present = anl_scratch(x, S + 1, sizeof *k.present);
    k.skipped = anl_scratch(x, S + 1, 1);
    k.seen = anl_scratch(x, S + 1, 1);
    k.so_far = anl_scratch(x, k.words, sizeof *k.so_far);
    k.prec = anl_scratch(x, (S + 1) * k.words, sizeof *k.prec);
    k.runs = anl_scratch(x, S + 1, sizeof *k.runs);
    k.skips = anl_scratch(x, S + 1, sizeof *k.skips);
    an->has_model = true;
    an->case_fits = arena_alloc(x->a, ((size_t)an->n_cases + 1) * sizeof *an->case_fits);
    double sum = 0;
    for (uint32_t c = 0; c < x->n_cases_log; c++) {
        if (!x->keep[c]) continue;
        AnlCaseFit *f = &an->case_fits[an->n_case_fits++];
        f->case_no = c;
        f->fitness = case_check(x, &m, &d, &k, c, &f->deviations);
        sum += f->fitness;
    }
    an->fitness = an->n_case_fits ? sum / an->n_case_fits : 0;
    deviations_out(x, an, &m, &d);
    steps_out(x, an, &m, &k);
}
