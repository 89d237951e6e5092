/* analysis.c — anl_run(): checks the options, builds instances and variants
 * (anl_instances.c), chooses the cases to analyse (the filters, here), then
 * hands over to the figures (anl_figures.c) and conformance
 * (anl_conformance.c). Working memory lives in a scratch arena freed before
 * returning; results live in the caller's arena. docs/analysis.md defines
 * every figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anl_internal.h"

void *anl_scratch(AnlCtx *x, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) abort(); /* sizes come from the log's own counts */
    return arena_alloc(x->scratch, n * size);
}

/* Marks cases that have no event in [from, to) as not kept. */
static void filter_dates(AnlCtx *x, int64_t from, int64_t to) {
    const EventLog *log = x->log;
    uint8_t *hit = anl_scratch(x, (size_t)x->n_cases_log + 1, 1);
    for (size_t i = 0; i < log->n_events; i++) {
        int64_t t = log->ev_time_ms[i];
        if ((from == 0 || t >= from) && (to == 0 || t < to)) hit[log->ev_case[i]] = 1;
    }
    for (uint32_t c = 0; c < x->n_cases_log; c++) x->keep[c] &= hit[c];
}

static void filter_resource(AnlCtx *x, uint32_t r) {
    const EventLog *log = x->log;
    uint8_t *hit = anl_scratch(x, (size_t)x->n_cases_log + 1, 1);
    for (size_t i = 0; i < log->n_events; i++)
        if (log->ev_resource[i] == r) hit[log->ev_case[i]] = 1;
    for (uint32_t c = 0; c < x->n_cases_log; c++) x->keep[c] &= hit[c];
}

/* Keeps no case: a filter on a value the log does not contain (an unknown
 * resource, an unknown value of a known attribute key) is an answer — no case
 * matches — not an error. */
static void filter_none(AnlCtx *x) {
    for (uint32_t c = 0; c < x->n_cases_log; c++) x->keep[c] = 0;
}

static void filter_attr(AnlCtx *x, uint32_t k, uint32_t v) {
    const EventLog *log = x->log;
    uint8_t *hit = anl_scratch(x, (size_t)x->n_cases_log + 1, 1);
    for (size_t i = 0; i < log->n_case_attrs; i++)
        if (log->case_attrs[i].key == k && log->case_attrs[i].value == v && log->case_attrs[i].case_no < x->n_cases_log)
            hit[log->case_attrs[i].case_no] = 1;
    for (uint32_t c = 0; c < x->n_cases_log; c++) x->keep[c] &= hit[c];
}

static bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* Parses the variant filter into activity indexes: names separated by "→"
 * when the text has one, else by ','; blanks around names are ignored. A name
 * the log does not contain becomes EVLOG_NONE (no case follows that variant);
 * only an empty name is malformed (-1 with a message). */
static int parse_variant(AnlCtx *x, const char *text, uint32_t **acts, size_t *n_acts, char *err, size_t errlen) {
    const char *arrow = "\xe2\x86\x92"; /* → */
    const char *sep = strstr(text, arrow) ? arrow : ",";
    size_t sep_n = strlen(sep), cap = 1;
    for (const char *p = text; (p = strstr(p, sep)); p += sep_n) cap++;
    uint32_t *out = anl_scratch(x, cap, sizeof *out);
    size_t n = 0;
    for (const char *p = text;;) {
        const char *end = strstr(p, sep);
        const char *stop = end ? end : p + strlen(p);
        const char *b = p, *e = stop;
        while (b < e && is_blank(*b)) b++;
        while (e > b && is_blank(e[-1])) e--;
        if (b == e) {
            snprintf(err, errlen, "variant filter: an empty activity name");
            return -1;
        }
        out[n++] = strpool_find(&x->log->activities, b, (size_t)(e - b));
        if (!end) break;
        p = end + sep_n;
    }
    *acts = out;
    *n_acts = n;
    return 0;
}

static int filter_variant(AnlCtx *x, const char *text, char *err, size_t errlen) {
    uint32_t *acts;
    size_t n;
    if (parse_variant(x, text, &acts, &n, err, errlen) != 0) return -1;
    uint32_t match = EVLOG_NONE;
    for (uint32_t v = 0; v < x->n_vars && match == EVLOG_NONE; v++) {
        uint32_t r = x->var_case[v];
        const AnlInst *in = x->inst + x->case_in_off[r];
        size_t k = x->case_in_off[r + 1] - x->case_in_off[r];
        if (k != n) continue;
        size_t i = 0;
        while (i < k && acts[i] != EVLOG_NONE && in[i].activity == acts[i]) i++;
        if (i == k) match = v;
    }
    /* a well-formed variant that no case follows (an unknown activity
     * included) selects no case (not an error) */
    for (uint32_t c = 0; c < x->n_cases_log; c++)
        if (x->case_variant[c] != match) x->keep[c] = 0;
    return 0;
}

static int filter_cases(AnlCtx *x, const AnlFilter *f, char *err, size_t errlen) {
    x->keep = anl_scratch(x, (size_t)x->n_cases_log + 1, 1);
    for (uint32_t c = 0; c < x->n_cases_log; c++) x->keep[c] = x->case_ev_off[c + 1] > x->case_ev_off[c];
    if (f->from_ms || f->to_ms) {
        if (f->from_ms && f->to_ms && f->from_ms >= f->to_ms) {
            snprintf(err, errlen, "date filter: the start must be before the end");
            return -1;
        }
        filter_dates(x, f->from_ms, f->to_ms);
    }
    if (f->resource) {
        if (!*f->resource) {
            snprintf(err, errlen, "resource filter: an empty resource name");
            return -1;
        }
        uint32_t r = strpool_find(&x->log->resources, f->resource, strlen(f->resource));
        /* EVLOG_NONE is also "no resource" on an event: never filter on it */
        if (r == EVLOG_NONE) filter_none(x);
        else filter_resource(x, r);
    }
    if (f->attr_key || f->attr_value) {
        if (!f->attr_key || !f->attr_value) {
            snprintf(err, errlen, "attribute filter: both a key and a value are needed");
            return -1;
        }
        uint32_t k = strpool_find(&x->log->attr_keys, f->attr_key, strlen(f->attr_key));
        if (k == EVLOG_NONE) { /* a key the log lacks is a mistake in the question */
            snprintf(err, errlen, "attribute filter: no case attribute \"%.100s\" in the log", f->attr_key);
            return -1;
        }
        uint32_t v = strpool_find(&x->log->attr_values, f->attr_value, strlen(f->attr_value));
        if (v == EVLOG_NONE) filter_none(x); /* a value no case has: 0 matching cases */
        else filter_attr(x, k, v);
    }
    if (f->variant && filter_variant(x, f->variant, err, errlen) != 0) return -1;
    return 0;
}

static int check_model(const ProcessModel *m, char *err, size_t errlen) {
    if (!m) return 0;
    if (m->n_steps < 0 || (m->n_steps > 0 && !m->steps)) {
        snprintf(err, errlen, "model: bad step list");
        return -1;
    }
    for (int i = 0; i < m->n_steps; i++) {
        const PmStep *s = &m->steps[i];
        if (!s->name || !s->name[0] || s->time_standard_ms < 0 || s->time_share < 0 || s->time_share > 1) {
            snprintf(err, errlen, "model: step %d needs a name, a time standard >= 0 and a share in [0, 1]", i + 1);
            return -1;
        }
        /* steps are matched to activities by name, so a name must say which step */
        for (int j = 0; j < i; j++)
            if (strcmp(m->steps[j].name, s->name) == 0) {
                snprintf(err, errlen, "model: steps %d and %d have the same name", j + 1, i + 1);
                return -1;
            }
    }
    return 0;
}

int anl_run(Arena *a, const EventLog *log, const AnlOptions *opt, Analysis **out, char *err, size_t errlen) {
    static const AnlOptions defaults;
    char dummy[8];
    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = 0;
    if (!opt) opt = &defaults;
    *out = NULL;
    if (opt->max_variants < 0) {
        snprintf(err, errlen, "max_variants must be >= 0");
        return -1;
    }
    if (check_model(opt->model, err, errlen) != 0) return -1;
    AnlCtx x = {.a = a, .scratch = arena_new(), .log = log, .opt = opt};
    x.n_cases_log = log->cases.n;
    x.n_acts = log->activities.n;
    int rc = -1;
    if (anl_cal_prepare(&x, &opt->calendar, err, errlen) != 0) goto done;
    anl_build_instances(&x);
    anl_build_variants(&x);
    if (filter_cases(&x, &opt->filter, err, errlen) != 0) goto done;
    Analysis *an = arena_alloc(a, sizeof *an);
    an->log = log;
    an->model = opt->model;
    an->calendar = x.cal.on;
    anl_figures(&x, an);
    if (opt->model) anl_conformance(&x, an);
    *out = an;
    rc = 0;
done:
    arena_free(x.scratch);
    return rc;
}
