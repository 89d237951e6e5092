/* test_analysis.c — every figure of the analysis engine (src/analysis/
 * analysis.c, anl_*.c) on small hand-made logs whose answers are worked out
 * in the comments: instance pairing, ordering, variants, percentiles, the
 * directly-follows graph, bottlenecks, rework, filters, the working calendar,
 * conformance, redundancy and the JSON document (parsed back with jansson).
 * Times are minutes after Monday 2027-03-01 00:00 UTC unless said otherwise. */
#include "unit.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "timeutil.h"

#define MIN  60000LL
#define HOUR (60 * MIN)

static int64_t t0(void) { return time_days_from_civil(2027, 3, 1) * 86400000LL; }

/* Adds an event at t minutes; res and lc may be NULL. */
static void ev(EventLog *l, const char *c, const char *a, const char *res, const char *lc, int64_t t_min) {
    int rc = evlog_add(l, c, strlen(c), a, strlen(a), res, res ? strlen(res) : 0, lc, lc ? strlen(lc) : 0,
                       t0() + t_min * MIN);
    assert_int_equal(rc, 0);
}

/* A start/complete pair of a by res from s to e minutes. */
static void span(EventLog *l, const char *c, const char *a, const char *res, int64_t s, int64_t e) {
    ev(l, c, a, res, "start", s);
    ev(l, c, a, res, "complete", e);
}

static Analysis *run(Arena *a, const EventLog *l, const AnlOptions *o) {
    char err[256];
    Analysis *an = NULL;
    if (anl_run(a, l, o, &an, err, sizeof err) != 0) fail_msg("anl_run failed: %s", err);
    assert_non_null(an);
    return an;
}

static const AnlActivity *act(const Analysis *an, const char *name) {
    for (int i = 0; i < an->n_activities_out; i++)
        if (strcmp(an->activities[i].name, name) == 0) return &an->activities[i];
    fail_msg("no activity %s", name);
    return NULL;
}

static const AnlEdge *edge(const Analysis *an, const char *from, const char *to) {
    for (int i = 0; i < an->n_edges; i++)
        if (strcmp(an->log->activities.strs[an->edges[i].from], from) == 0 &&
            strcmp(an->log->activities.strs[an->edges[i].to], to) == 0)
            return &an->edges[i];
    return NULL;
}

static const char *name_of(const Analysis *an, uint32_t a) { return an->log->activities.strs[a]; }

static void assert_near(double got, double want) {
    if (fabs(got - want) > 1e-6 * (fabs(want) > 1 ? fabs(want) : 1)) fail_msg("got %.9g, want %.9g", got, want);
}

/* Case c1: A starts at 0 and 10, completes at 20 and 50. Oldest open first
 * gives [0,20] and [10,50] (service 20 and 40 min); newest first would give
 * [10,20] and [0,50] (10 and 50). B completes at 60 with no start: an instant.
 * C starts at 70 and never completes: reported, no instance. D "schedule" and
 * E "skip" make no instance; E counts a skip. Instances by (start, completion):
 * A[0,20], A[10,50], B[60,60] → variant A,A,B. */
static void test_anl_instances_pair_oldest_open_start_first(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    ev(l, "c1", "A", "ann", "START", 0);
    ev(l, "c1", "A", "bob", "start", 10);
    ev(l, "c1", "A", "ann", "Complete", 20);
    ev(l, "c1", "A", NULL, "complete", 50);
    ev(l, "c1", "B", "ann", NULL, 60);
    ev(l, "c1", "C", "ann", "start", 70);
    ev(l, "c1", "D", "ann", "schedule", 80);
    ev(l, "c1", "E", "ann", "skip", 90);
    Analysis *an = run(a, l, NULL);
    assert_int_equal(an->n_cases, 1);
    assert_int_equal(an->n_events, 8);
    assert_int_equal(an->n_instances, 3);
    assert_int_equal(an->n_activities, 5);
    assert_int_equal(an->n_resources, 2);
    assert_int_equal(an->n_unclosed_starts, 1);
    const AnlActivity *A = act(an, "A");
    assert_int_equal(A->instances, 2);
    assert_int_equal(A->service.count, 2);
    assert_near(A->service.min, 20 * MIN);
    assert_near(A->service.max, 40 * MIN);
    assert_int_equal(act(an, "B")->instances, 1);
    assert_int_equal(act(an, "B")->service.count, 0); /* an instant has no service time */
    assert_int_equal(act(an, "C")->unclosed_starts, 1);
    assert_int_equal(act(an, "C")->instances, 0);
    assert_int_equal(act(an, "D")->events, 1);
    assert_int_equal(act(an, "D")->instances, 0);
    assert_int_equal(act(an, "E")->skips, 1);
    assert_int_equal(act(an, "E")->instances, 0);
    assert_int_equal(an->n_variants, 1);
    assert_int_equal(an->variants[0].n_activities, 3);
    assert_string_equal(name_of(an, an->variants[0].activities[0]), "A");
    assert_string_equal(name_of(an, an->variants[0].activities[1]), "A");
    assert_string_equal(name_of(an, an->variants[0].activities[2]), "B");
    /* case duration: last completion 60 − first start 0 */
    assert_near(an->case_duration.max, 60 * MIN);
    /* A→A: the second A starts (10) before the first completes (20): waiting 0, not −10.
     * A→B: 60 − 50 = 10. */
    assert_near(edge(an, "A", "A")->waiting.max, 0);
    assert_near(edge(an, "A", "B")->waiting.max, 10 * MIN);
    assert_int_equal(an->loop_cases, 1);
    evlog_free(l);
    arena_free(a);
}

/* File order B@10, A@0 is put in time order (A, B); C and D both at 20 keep
 * file order: c1 → A,B,C,D; c2 has D before C in the file → A,B,D,C.
 * c3: X [0,30] and Y an instant at 5: by start, X comes first though Y
 * completes first → X,Y. */
static void test_anl_events_sorted_by_time_ties_keep_file_order(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    ev(l, "c1", "B", NULL, NULL, 10);
    ev(l, "c1", "A", NULL, NULL, 0);
    ev(l, "c1", "C", NULL, NULL, 20);
    ev(l, "c1", "D", NULL, NULL, 20);
    ev(l, "c2", "A", NULL, NULL, 0);
    ev(l, "c2", "B", NULL, NULL, 10);
    ev(l, "c2", "D", NULL, NULL, 20);
    ev(l, "c2", "C", NULL, NULL, 20);
    ev(l, "c3", "X", NULL, "start", 0);
    ev(l, "c3", "Y", NULL, "complete", 5);
    ev(l, "c3", "X", NULL, "complete", 30);
    Analysis *an = run(a, l, NULL);
    assert_int_equal(an->n_variants, 3);
    const char *want[3][4] = {{"A", "B", "C", "D"}, {"A", "B", "D", "C"}, {"X", "Y", NULL, NULL}};
    for (int v = 0; v < 3; v++) { /* one case each: ties in cases keep first appearance */
        for (int i = 0; i < an->variants[v].n_activities; i++)
            assert_string_equal(name_of(an, an->variants[v].activities[i]), want[v][i]);
    }
    assert_int_equal(an->variants[2].n_activities, 2);
    evlog_free(l);
    arena_free(a);
}

/* Five cases, durations 1, 2, 3, 4, 10 hours. Sorted: 1 2 3 4 10.
 * median = 3; mean = 20 / 5 = 4; p90 at rank 0.9 × 4 = 3.6: 4 + 0.6 × (10 − 4) = 7.6.
 * Variants: A,B in cases of 1, 2, 10 h (share 0.6; median 2 h, p90 at rank
 * 1.8: 2 + 0.8 × 8 = 8.4 h); A,C in cases of 3, 4 h (share 0.4; median 3.5 h). */
static void test_anl_variants_shares_and_case_duration_percentiles(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    const char *cases[] = {"k1", "k2", "k3", "k4", "k5"};
    const int hours[] = {1, 2, 3, 4, 10};
    const char *second[] = {"B", "B", "C", "C", "B"};
    for (int i = 0; i < 5; i++) {
        span(l, cases[i], "A", NULL, 0, 30);
        span(l, cases[i], second[i], NULL, 40, hours[i] * 60);
    }
    Analysis *an = run(a, l, NULL);
    assert_int_equal(an->n_cases, 5);
    assert_near(an->case_duration.min, 1 * HOUR);
    assert_near(an->case_duration.median, 3 * HOUR);
    assert_near(an->case_duration.mean, 4 * HOUR);
    assert_near(an->case_duration.p90, 7.6 * HOUR);
    assert_near(an->case_duration.max, 10 * HOUR);
    assert_near(an->case_duration_total_ms, 20 * HOUR);
    assert_int_equal(an->n_variants, 2);
    assert_int_equal(an->n_variants_total, 2);
    assert_int_equal(an->variants[0].cases, 3);
    assert_near(an->variants[0].share, 0.6);
    assert_string_equal(name_of(an, an->variants[0].activities[1]), "B");
    assert_near(an->variants[0].duration.median, 2 * HOUR);
    assert_near(an->variants[0].duration.p90, 8.4 * HOUR);
    assert_int_equal(an->variants[1].cases, 2);
    assert_near(an->variants[1].share, 0.4);
    assert_near(an->variants[1].duration.median, 3.5 * HOUR);
    /* max_variants keeps the most frequent; the total still counts all */
    AnlOptions o = {.max_variants = 1};
    an = run(a, l, &o);
    assert_int_equal(an->n_variants, 1);
    assert_int_equal(an->n_variants_total, 2);
    assert_int_equal(an->variants[0].cases, 3);
    evlog_free(l);
    arena_free(a);
}

/* Four cases. c1..c3: A [0,10], B starts at 20, 30, 70 → waits 10, 20, 60.
 * c4: A [0,10], B [5,20] (overlap: wait 0), A [30,40], B [70,80] (wait 30),
 * so A→B count 5 in 4 cases, waits 0 10 20 30 60: mean 24, median 20, p90 at
 * rank 3.6: 30 + 0.6 × 30 = 48, max 60. B→A once (wait 10). Service of A: 10
 * min × 5. Start A ×4, end B ×4. Rework: c4 repeats A and B (1 case of 4). */
static void test_anl_dfg_counts_and_waiting(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    const char *cs[] = {"c1", "c2", "c3"};
    const int start_b[] = {20, 30, 70};
    for (int i = 0; i < 3; i++) {
        span(l, cs[i], "A", NULL, 0, 10);
        span(l, cs[i], "B", NULL, start_b[i], start_b[i] + 10);
    }
    span(l, "c4", "A", NULL, 0, 10);
    span(l, "c4", "B", NULL, 5, 20);
    span(l, "c4", "A", NULL, 30, 40);
    span(l, "c4", "B", NULL, 70, 80);
    Analysis *an = run(a, l, NULL);
    assert_int_equal(an->n_edges, 2);
    const AnlEdge *ab = edge(an, "A", "B");
    assert_ptr_equal(ab, &an->edges[0]); /* by count, descending */
    assert_int_equal(ab->count, 5);
    assert_int_equal(ab->cases, 4);
    assert_near(ab->waiting.min, 0);
    assert_near(ab->waiting.mean, 24 * MIN);
    assert_near(ab->waiting.median, 20 * MIN);
    assert_near(ab->waiting.p90, 48 * MIN);
    assert_near(ab->waiting.max, 60 * MIN);
    assert_near(ab->waiting_total_ms, 120 * MIN);
    const AnlEdge *ba = edge(an, "B", "A");
    assert_int_equal(ba->count, 1);
    assert_near(ba->waiting.mean, 10 * MIN);
    assert_null(edge(an, "A", "A"));
    const AnlActivity *A = act(an, "A"), *B = act(an, "B");
    assert_int_equal(A->start_count, 4);
    assert_int_equal(A->end_count, 0);
    assert_int_equal(B->end_count, 4);
    assert_int_equal(A->service.count, 5);
    assert_near(A->service.mean, 10 * MIN);
    /* B's service: 10, 10, 10, 15, 10 */
    assert_near(B->service.max, 15 * MIN);
    assert_near(B->waiting_in.total, 120 * MIN);
    assert_near(A->waiting_in.total, 10 * MIN);
    assert_int_equal(an->rework_cases, 1);
    assert_near(an->rework_share, 0.25);
    assert_int_equal(an->loop_cases, 0);
    assert_int_equal(A->rework_cases, 1);
    assert_int_equal(A->rework_instances, 1);
    evlog_free(l);
    arena_free(a);
}

/* Service times 1, 2, 4, …, 2048 min (12 values spanning > 10×): log-spaced
 * edges 2^(11i/12) min, i = 0..12, so 2^k falls in bin floor(12k/11) = k for
 * k ≤ 10, and 2048 (= the last edge) in the last bin: one value per bin. */
static void test_anl_service_histogram_log_bins(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    char c[16];
    for (int i = 0; i < 12; i++) {
        snprintf(c, sizeof c, "c%d", i);
        span(l, c, "A", NULL, 0, 1LL << i);
    }
    Analysis *an = run(a, l, NULL);
    const AnlActivity *A = act(an, "A");
    assert_near(A->service_hist.edges_ms[0], 1 * MIN);
    assert_near(A->service_hist.edges_ms[1], pow(2, 11.0 / 12) * MIN);
    assert_near(A->service_hist.edges_ms[ANL_HIST_BINS], 2048 * MIN);
    for (int i = 0; i < ANL_HIST_BINS; i++) assert_int_equal(A->service_hist.counts[i], 1);
    evlog_free(l);
    arena_free(a);
}

/* A→B waits 60 min in each of 3 cases (total 180, p90 60); C→D waits 120 min
 * once (total 120, p90 120). By total: A→B, C→D; by p90: C→D, A→B. Case
 * durations: 3 × 70 + 130 = 340 min, so A→B's share is 180 / 340. */
static void test_anl_bottleneck_rankings(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    const char *cs[] = {"c1", "c2", "c3"};
    for (int i = 0; i < 3; i++) {
        span(l, cs[i], "A", NULL, 0, 5);
        span(l, cs[i], "B", NULL, 65, 70);
    }
    span(l, "c4", "C", NULL, 0, 5);
    span(l, "c4", "D", NULL, 125, 130);
    Analysis *an = run(a, l, NULL);
    assert_int_equal(an->n_bottleneck_edges, 2);
    const AnlEdge *t0e = &an->edges[an->bottleneck_edges_by_total[0]];
    const AnlEdge *p0e = &an->edges[an->bottleneck_edges_by_p90[0]];
    assert_string_equal(name_of(an, t0e->from), "A");
    assert_string_equal(name_of(an, p0e->from), "C");
    assert_near(t0e->share_of_case_time, 180.0 / 340.0);
    assert_int_equal(an->n_bottleneck_activities, 2); /* B and D have waiting in */
    assert_string_equal(an->activities[an->bottleneck_activities_by_total[0]].name, "B");
    assert_string_equal(an->activities[an->bottleneck_activities_by_p90[0]].name, "D");
    assert_near(act(an, "D")->share_of_case_time, 120.0 / 340.0);
    evlog_free(l);
    arena_free(a);
}

/* Three cases: c1 (ann; region north) A,B on day 0; c2 (bob; south) A,C on
 * day 2; c3 (ann; south) A,B on day 5. */
static EventLog *filter_log(void) {
    EventLog *l = evlog_new();
    ev(l, "c1", "A", "ann", NULL, 0);
    ev(l, "c1", "B", "ann", NULL, 10);
    ev(l, "c2", "A", "bob", NULL, 2 * 1440);
    ev(l, "c2", "C", "bob", NULL, 2 * 1440 + 10);
    ev(l, "c3", "A", "ann", NULL, 5 * 1440);
    ev(l, "c3", "B", "cat", NULL, 5 * 1440 + 10);
    assert_int_equal(evlog_case_attr(l, 0, "region", 6, "north", 5), 0);
    assert_int_equal(evlog_case_attr(l, 1, "region", 6, "south", 5), 0);
    assert_int_equal(evlog_case_attr(l, 2, "region", 6, "south", 5), 0);
    return l;
}

static int64_t cases_with(const EventLog *l, AnlFilter f) {
    Arena *a = arena_new();
    AnlOptions o = {.filter = f};
    Analysis *an = run(a, l, &o);
    int64_t n = an->n_cases;
    assert_int_equal(an->n_cases_total, 3);
    arena_free(a);
    return n;
}

static void test_anl_filters_select_cases(void **state) {
    (void)state;
    EventLog *l = filter_log();
    int64_t day = 86400000LL;
    assert_int_equal(cases_with(l, (AnlFilter){.from_ms = t0() + day, .to_ms = t0() + 3 * day}), 1);
    assert_int_equal(cases_with(l, (AnlFilter){.from_ms = t0() + day}), 2);
    assert_int_equal(cases_with(l, (AnlFilter){.to_ms = t0() + 2 * day}), 1); /* [.., to): c2 at day 2 excluded */
    assert_int_equal(cases_with(l, (AnlFilter){.variant = "A \xe2\x86\x92 B"}), 2);
    assert_int_equal(cases_with(l, (AnlFilter){.variant = "A,C"}), 1);
    assert_int_equal(cases_with(l, (AnlFilter){.variant = "B,A"}), 0); /* well-formed, followed by no case */
    assert_int_equal(cases_with(l, (AnlFilter){.resource = "ann"}), 2);
    assert_int_equal(cases_with(l, (AnlFilter){.resource = "cat"}), 1);
    assert_int_equal(cases_with(l, (AnlFilter){.attr_key = "region", .attr_value = "south"}), 2);
    assert_int_equal(cases_with(l, (AnlFilter){.attr_key = "region", .attr_value = "south", .resource = "ann"}), 1);
    /* values the log does not contain are answers, not errors: 0 cases */
    assert_int_equal(cases_with(l, (AnlFilter){.resource = "nobody"}), 0);
    assert_int_equal(cases_with(l, (AnlFilter){.attr_key = "region", .attr_value = "west"}), 0);
    assert_int_equal(cases_with(l, (AnlFilter){.attr_key = "region", .attr_value = "ann"}),
                     0); /* a resource, not a value */
    assert_int_equal(cases_with(l, (AnlFilter){.variant = "A,Nope"}), 0);
    assert_int_equal(cases_with(l, (AnlFilter){.variant = "Nope"}), 0);
    assert_int_equal(cases_with(l, (AnlFilter){.resource = "nobody", .attr_key = "region", .attr_value = "south"}), 0);
    /* the figures follow the filter */
    Arena *a = arena_new();
    AnlOptions o = {.filter = {.resource = "bob"}};
    Analysis *an = run(a, l, &o);
    assert_int_equal(an->n_events, 2);
    assert_int_equal(an->n_activities, 2);
    assert_null(edge(an, "A", "B"));
    assert_int_equal(edge(an, "A", "C")->count, 1);
    arena_free(a);
    evlog_free(l);
}

/* An empty selection still yields a whole, consistent document. */
static void test_anl_filter_on_an_unknown_value_is_an_empty_analysis(void **state) {
    (void)state;
    EventLog *l = filter_log();
    Arena *a = arena_new();
    AnlOptions o = {.filter = {.attr_key = "region", .attr_value = "west"}};
    Analysis *an = run(a, l, &o);
    assert_int_equal(an->n_cases, 0);
    assert_int_equal(an->n_cases_total, 3);
    assert_int_equal(an->n_events, 0);
    assert_int_equal(an->n_instances, 0);
    assert_int_equal(an->n_edges, 0);
    assert_int_equal(an->n_variants_total, 0);
    arena_free(a);
    evlog_free(l);
}

static void test_anl_bad_filters_are_refused_with_a_message(void **state) {
    (void)state;
    EventLog *l = filter_log();
    Arena *a = arena_new();
    /* malformed questions and unknown attribute keys stay errors */
    const AnlFilter bad[] = {
        {.resource = ""},        {.from_ms = 5000, .to_ms = 5000}, {.variant = "A,,B"},
        {.variant = " , "},      {.attr_key = "region"},           {.attr_key = "colour", .attr_value = "red"},
        {.attr_value = "south"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        AnlOptions o = {.filter = bad[i]};
        Analysis *an = (Analysis *)1;
        char err[256] = "";
        assert_int_equal(anl_run(a, l, &o, &an, err, sizeof err), -1);
        assert_null(an);
        if (strlen(err) < 10) fail_msg("filter %zu: no message", i);
    }
    char err[256] = "";
    Analysis *an;
    AnlOptions o = {.filter = {.attr_key = "colour", .attr_value = "red"}};
    assert_int_equal(anl_run(a, l, &o, &an, err, sizeof err), -1);
    assert_non_null(strstr(err, "colour"));
    AnlOptions oc = {.calendar = {.enabled = true, .weekdays = 0x1f, .day_start_min = 600, .day_end_min = 540}};
    assert_int_equal(anl_run(a, l, &oc, &an, err, sizeof err), -1);
    arena_free(a);
    evlog_free(l);
}

/* Calendar: Mon–Fri 09:00–18:00 at UTC+8, Wednesday 2027-03-10 a holiday.
 * Local time = UTC + 8 h, so local 09:00 Monday = UTC 01:00 Monday.
 * w: Fri 17:00 → Mon 10:00 local: 1 h Friday + 1 h Monday = 2 h.
 * h: Tue 17:00 → Thu 10:00 (days 8–10): 1 h + (Wednesday off) + 1 h = 2 h.
 * p1: Mon 08:00 → 12:30 (before opening): 3.5 h. p2: Mon 17:30 → 20:00: 0.5 h.
 * s: Sat 10:00 → Sun 16:00: 0. n: Mon 10:00 → Tue 10:00: 9 h. */
static void test_anl_calendar_counts_working_time_only(void **state) {
    (void)state;
    EventLog *l = evlog_new();
    int64_t loc = -8 * 60; /* minutes to add to a local time to get minutes after t0 (UTC) */
    int64_t D = 1440;
    span(l, "c", "w", NULL, loc + 4 * D + 17 * 60, loc + 7 * D + 10 * 60);
    span(l, "c", "h", NULL, loc + 8 * D + 17 * 60, loc + 10 * D + 10 * 60);
    span(l, "c", "p1", NULL, loc + 14 * D + 8 * 60, loc + 14 * D + 12 * 60 + 30);
    span(l, "c", "p2", NULL, loc + 14 * D + 17 * 60 + 30, loc + 14 * D + 20 * 60);
    span(l, "c", "s", NULL, loc + 12 * D + 10 * 60, loc + 13 * D + 16 * 60);
    span(l, "c", "n", NULL, loc + 21 * D + 10 * 60, loc + 22 * D + 10 * 60);
    int64_t holidays[] = {time_days_from_civil(2027, 3, 10), time_days_from_civil(2027, 3, 13) /* a Saturday */};
    AnlOptions o = {.calendar = {.enabled = true,
                                 .weekdays = 0x1f,
                                 .day_start_min = 540,
                                 .day_end_min = 1080,
                                 .offset_min = 480,
                                 .holidays = holidays,
                                 .n_holidays = 2}};
    Arena *a = arena_new();
    Analysis *an = run(a, l, &o);
    assert_true(an->calendar);
    assert_near(act(an, "w")->service.max, 2 * HOUR);
    assert_near(act(an, "h")->service.max, 2 * HOUR);
    assert_near(act(an, "p1")->service.max, 3.5 * HOUR);
    assert_near(act(an, "p2")->service.max, 0.5 * HOUR);
    assert_near(act(an, "s")->service.max, 0);
    assert_near(act(an, "n")->service.max, 9 * HOUR);
    /* waiting w (ends Mon 10:00 week 2) → h (starts Tue 17:00): 8 h Monday + 8 h Tuesday = 16 h */
    assert_near(edge(an, "w", "h")->waiting.max, 16 * HOUR);
    /* without the calendar: wall-clock time */
    Analysis *plain = run(a, l, NULL);
    assert_near(act(plain, "w")->service.max, 65 * HOUR);
    arena_free(a);
    evlog_free(l);
}

/* The model: Receive; CheckA ∥ CheckB (parallel group 1); Escalate
 * (conditional); Close (standard 30 min for half the runs: p50).
 *   c1 Receive CheckA CheckB Close            fits: 4 mandatory + 3 transitions, 0 bad → 1
 *   c2 Receive CheckB CheckA Escalate Close   parallel in any order, conditional present → 1
 *   c3 Receive CheckA Close                   CheckB missing; CheckA→Close allowed
 *                                             (Escalate absent) → 1 − 1/(4+2) = 5/6
 *   c4 Receive Close CheckA CheckB            Receive→Close jumps over the parallel block
 *                                             (present later) and Close→CheckA goes back:
 *                                             2 bad of 4 + 3 → 5/7
 *   c5 Receive Lunch CheckA (skip CheckB) Close  CheckB skipped; Lunch unknown (one check
 *                                             of its own); 2 bad of 4 + 1 + 2 → 5/7
 *   c6 like c3                                → 5/6
 * Overall: (1 + 1 + 5/6 + 5/7 + 5/7 + 5/6) / 6. Deviations: missing CheckB in 2
 * cases first, then four with 1 case each.
 * Close's service times: 10, 20, 30, 40, 50, 60 min → p50 = 35 > 30: breaks.
 * CheckA (standard 60 min, instants here) has no service time: no breach. */
static const PmStep conf_steps[] = {
    {.name = "Receive"},
    {.name = "CheckA", .parallel_group = 1, .time_standard_ms = 60 * MIN, .time_share = 0.9},
    {.name = "CheckB", .parallel_group = 1},
    {.name = "Escalate", .conditional = true},
    {.name = "Close", .time_standard_ms = 30 * MIN, .time_share = 0.5},
};

static void seq(EventLog *l, const char *c, const char *const *acts, int close_min) {
    int t = 0;
    for (int i = 0; acts[i]; i++, t += 100) {
        if (strcmp(acts[i], "Close") == 0) span(l, c, "Close", "zoe", t, t + close_min);
        else if (acts[i][0] == '-') ev(l, c, acts[i] + 1, NULL, "skip", t);
        else ev(l, c, acts[i], NULL, NULL, t);
    }
}

static EventLog *conf_log(void) {
    EventLog *l = evlog_new();
    seq(l, "c1", (const char *const[]){"Receive", "CheckA", "CheckB", "Close", NULL}, 10);
    seq(l, "c2", (const char *const[]){"Receive", "CheckB", "CheckA", "Escalate", "Close", NULL}, 20);
    seq(l, "c3", (const char *const[]){"Receive", "CheckA", "Close", NULL}, 30);
    seq(l, "c4", (const char *const[]){"Receive", "Close", "CheckA", "CheckB", NULL}, 40);
    seq(l, "c5", (const char *const[]){"Receive", "Lunch", "CheckA", "-CheckB", "Close", NULL}, 50);
    seq(l, "c6", (const char *const[]){"Receive", "CheckA", "Close", NULL}, 60);
    return l;
}

static const AnlDeviation *dev(const Analysis *an, AnlDeviationKind k, const char *from, const char *to) {
    for (int i = 0; i < an->n_deviations; i++) {
        const AnlDeviation *d = &an->deviations[i];
        if (d->kind == k && strcmp(d->to, to) == 0 && (from ? d->from && strcmp(d->from, from) == 0 : !d->from))
            return d;
    }
    fail_msg("no deviation → %s", to);
    return NULL;
}

static void test_anl_conformance_fitness_and_deviations(void **state) {
    (void)state;
    EventLog *l = conf_log();
    ProcessModel m = {conf_steps, 5};
    AnlOptions o = {.model = &m};
    Arena *a = arena_new();
    Analysis *an = run(a, l, &o);
    assert_true(an->has_model);
    assert_int_equal(an->n_case_fits, 6);
    const double want[] = {1, 1, 5.0 / 6, 5.0 / 7, 5.0 / 7, 5.0 / 6};
    const int want_dev[] = {0, 0, 1, 2, 2, 1};
    for (int i = 0; i < 6; i++) {
        assert_near(an->case_fits[i].fitness, want[i]);
        assert_int_equal(an->case_fits[i].deviations, want_dev[i]);
    }
    assert_near(an->fitness, (2 + 10.0 / 6 + 10.0 / 7) / 6);
    assert_int_equal(an->n_deviations, 5);
    assert_int_equal(an->deviations[0].kind, ANL_DEV_MISSING);
    assert_string_equal(an->deviations[0].to, "CheckB");
    assert_int_equal(an->deviations[0].cases, 2);
    assert_int_equal(dev(an, ANL_DEV_NOT_ALLOWED, "Receive", "Close")->cases, 1);
    assert_int_equal(dev(an, ANL_DEV_NOT_ALLOWED, "Close", "CheckA")->cases, 1);
    assert_int_equal(dev(an, ANL_DEV_SKIPPED, NULL, "CheckB")->cases, 1);
    assert_int_equal(dev(an, ANL_DEV_UNKNOWN, NULL, "Lunch")->cases, 1);
    assert_int_equal(an->n_steps, 5);
    const AnlStepCheck *close = &an->steps[4];
    assert_int_equal(close->runs, 6);
    assert_near(close->service.median, 35 * MIN);
    assert_near(close->quantile_ms, 35 * MIN);
    assert_true(close->breaks_time_standard);
    assert_false(an->steps[1].breaks_time_standard);
    assert_int_equal(an->steps[2].runs, 3);
    assert_int_equal(an->steps[2].skips, 1);
    assert_near(an->steps[2].skip_share, 1.0 / 6);
    assert_int_equal(an->steps[3].runs, 1);
    /* a standard that is met: Close within 60 min for 90 % (p90 = 55) */
    PmStep relaxed[5];
    memcpy(relaxed, conf_steps, sizeof relaxed);
    relaxed[4].time_standard_ms = 60 * MIN;
    relaxed[4].time_share = 0.9;
    ProcessModel m2 = {relaxed, 5};
    o.model = &m2;
    an = run(a, l, &o);
    assert_near(an->steps[4].quantile_ms, 55 * MIN);
    assert_false(an->steps[4].breaks_time_standard);
    arena_free(a);
    evlog_free(l);
}

/* Model A, B, C, Note (conditional), Approve (conditional).
 *   r1: A(amy) B(li) C(li) Note      r2: A Note B(li) C(li)
 *   r3: Note A B(li) C(li)           r4: A Note B(li) C(li)
 * plus a skip of Approve in r1..r3 (3 of 4 runs: mostly skipped).
 * Note is seen both before and after each of A, B, C: order-free. A is
 * always before B (and C): not order-free. B→C occurs 4 times = B's and C's
 * instances, always by li: a merge candidate. A→B (twice, amy → li) is not.
 * Approve never runs: no observed dependency, order-free. */
static void test_anl_redundancy_figures(void **state) {
    (void)state;
    static const PmStep steps[] = {
        {.name = "A"},
        {.name = "B"},
        {.name = "C"},
        {.name = "Note", .conditional = true},
        {.name = "Approve", .conditional = true},
    };
    EventLog *l = evlog_new();
    const char *runs[4][4] = {
        {"A", "B", "C", "Note"}, {"A", "Note", "B", "C"}, {"Note", "A", "B", "C"}, {"A", "Note", "B", "C"}};
    char c[16];
    for (int r = 0; r < 4; r++) {
        snprintf(c, sizeof c, "r%d", r + 1);
        for (int i = 0; i < 4; i++) {
            const char *who = strcmp(runs[r][i], "A") == 0 ? "amy" : strcmp(runs[r][i], "Note") == 0 ? "ned" : "li";
            ev(l, c, runs[r][i], who, NULL, i * 10);
        }
        if (r < 3) ev(l, c, "Approve", "amy", "skip", 50);
    }
    ProcessModel m = {steps, 5};
    AnlOptions o = {.model = &m};
    Arena *a = arena_new();
    Analysis *an = run(a, l, &o);
    assert_false(an->steps[0].order_free);
    assert_false(an->steps[1].order_free);
    assert_false(an->steps[2].order_free);
    assert_true(an->steps[3].order_free);
    assert_true(an->steps[4].order_free);
    assert_near(an->steps[4].skip_share, 0.75);
    assert_true(an->steps[4].mostly_skipped);
    assert_false(an->steps[3].mostly_skipped);
    const AnlEdge *bc = edge(an, "B", "C"), *ab = edge(an, "A", "B");
    assert_int_equal(bc->count, 4);
    assert_true(bc->same_resource_always);
    assert_true(bc->merge_candidate);
    assert_false(ab->same_resource_always);
    assert_false(ab->merge_candidate);
    assert_false(edge(an, "Note", "B")->merge_candidate);
    arena_free(a);
    evlog_free(l);
}

static json_t *get(json_t *o, const char *path) {
    /* "a.b.0.c": object keys and array indexes */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && o; tok = strtok(NULL, "."))
        o = (tok[0] >= '0' && tok[0] <= '9') ? json_array_get(o, (size_t)atoi(tok)) : json_object_get(o, tok);
    if (!o) fail_msg("no %s in the document", path);
    return o;
}

static void test_anl_json_document_has_every_figure(void **state) {
    (void)state;
    EventLog *l = conf_log();
    ProcessModel m = {conf_steps, 5};
    AnlOptions o = {.model = &m};
    Arena *a = arena_new();
    Analysis *an = run(a, l, &o);
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    anl_write_json(&w, an);
    json_error_t jerr;
    json_t *doc = json_loads(buf_cstr(&b), 0, &jerr);
    if (!doc) fail_msg("invalid JSON: %s", jerr.text);
    assert_int_equal(json_integer_value(get(doc, "counts.cases")), 6);
    assert_int_equal(json_integer_value(get(doc, "counts.events")), an->n_events);
    assert_int_equal(json_integer_value(get(doc, "counts.variants")), 5);
    /* Close: start at t, complete 10..60 min later; durations in seconds */
    json_t *acts = get(doc, "activities");
    json_t *close = NULL;
    for (size_t i = 0; i < json_array_size(acts); i++)
        if (strcmp(json_string_value(get(json_array_get(acts, i), "name")), "Close") == 0)
            close = json_array_get(acts, i);
    assert_non_null(close);
    assert_near(json_number_value(get(close, "service.median")), 35 * 60);
    assert_int_equal(json_array_size(get(close, "service_histogram.counts")), ANL_HIST_BINS);
    assert_int_equal(json_array_size(get(close, "service_histogram.edges")), ANL_HIST_BINS + 1);
    assert_string_equal(json_string_value(get(doc, "start_activities.0.name")), "Receive");
    assert_int_equal(json_integer_value(get(doc, "start_activities.0.count")), 6);
    assert_true(json_is_object(get(doc, "edges.0.waiting")));
    assert_true(json_is_array(get(doc, "variants.0.activities")));
    assert_int_equal(json_integer_value(get(doc, "variants.0.cases")), 2);
    assert_string_equal(json_string_value(get(doc, "variants.0.activities.2")), "Close");
    assert_true(json_is_array(get(doc, "bottlenecks.edges_by_total")));
    assert_true(json_is_array(get(doc, "bottlenecks.activities_by_p90")));
    assert_true(json_is_number(get(doc, "rework.share")));
    assert_near(json_number_value(get(doc, "conformance.fitness")), an->fitness);
    assert_string_equal(json_string_value(get(doc, "conformance.deviations.0.kind")), "missing");
    assert_string_equal(json_string_value(get(doc, "conformance.deviations.0.to")), "CheckB");
    assert_true(json_is_null(get(doc, "conformance.deviations.0.from")));
    assert_true(json_is_true(get(doc, "conformance.steps.4.breaks_time_standard")));
    assert_near(json_number_value(get(doc, "conformance.steps.4.time_standard")), 30 * 60);
    assert_string_equal(json_string_value(get(doc, "conformance.cases.2.case")), "c3");
    assert_true(json_is_array(get(doc, "redundancy.merge_candidates")));
    assert_true(json_is_array(get(doc, "redundancy.order_free")));
    assert_int_equal(json_integer_value(get(doc, "case_duration.count")), 6);
    json_decref(doc);
    /* without a model: conformance and redundancy are null */
    an = run(a, l, NULL);
    b.len = 0;
    jw_init(&w, &b);
    anl_write_json(&w, an);
    doc = json_loads(buf_cstr(&b), 0, &jerr);
    assert_non_null(doc);
    assert_true(json_is_null(get(doc, "conformance")));
    assert_true(json_is_null(get(doc, "redundancy")));
    json_decref(doc);
    free(b.data);
    arena_free(a);
    evlog_free(l);
}

/* An empty log, and one whose only case has only a "schedule" event: no
 * instance, duration 0, the empty variant; the JSON is still a document. */
static void test_anl_empty_and_instance_free_logs(void **state) {
    (void)state;
    Arena *a = arena_new();
    EventLog *l = evlog_new();
    ProcessModel m = {conf_steps, 5};
    AnlOptions o = {.model = &m};
    Analysis *an = run(a, l, &o);
    assert_int_equal(an->n_cases, 0);
    assert_int_equal(an->n_edges, 0);
    assert_int_equal(an->case_duration.count, 0);
    ev(l, "c1", "A", NULL, "schedule", 0);
    an = run(a, l, &o);
    assert_int_equal(an->n_cases, 1);
    assert_int_equal(an->n_instances, 0);
    assert_int_equal(an->n_variants, 1);
    assert_int_equal(an->variants[0].n_activities, 0);
    assert_near(an->case_duration.max, 0);
    assert_near(an->case_fits[0].fitness, 0); /* every mandatory step missing: 4 checks, 4 bad */
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    anl_write_json(&w, an);
    json_error_t jerr;
    json_t *doc = json_loads(buf_cstr(&b), 0, &jerr);
    assert_non_null(doc);
    json_decref(doc);
    free(b.data);
    arena_free(a);
    evlog_free(l);
}

/* ---------- an independent reference, for random logs ----------
 * A brute-force reading of docs/analysis.md, written without the engine's
 * data structures: per case, sort the events by time (insertion sort: stable),
 * pair each completion with the oldest open start of its activity by scanning,
 * sort instances by (start, completion) (insertion sort), then walk
 * consecutive pairs. Percentiles after a full sort, numpy "linear". */

enum { REF_ACTS = 4, REF_CASES = 6, REF_EVENTS = 14 };

typedef struct RefEv {
    int act, kind; /* kind: 0 complete, 1 start, 2 schedule (no instance) */
    int64_t t;
} RefEv;

typedef struct RefInst {
    int act;
    int64_t s, e;
    bool real;
} RefInst;

static uint64_t rng_state;
static int rnd(int n) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)((rng_state >> 33) % (uint64_t)n);
}

static int cmp_ll(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double ref_quantile(const int64_t *sorted, int n, double q) {
    double pos = q * (n - 1);
    int k = (int)floor(pos);
    if (k + 1 >= n) return (double)sorted[n - 1];
    return (double)sorted[k] + (pos - k) * (double)(sorted[k + 1] - sorted[k]);
}

static void ref_check_stats(const char *what, int64_t *v, int n, const AnlStats *st) {
    if ((int64_t)n != st->count) fail_msg("%s: count %lld, want %d", what, (long long)st->count, n);
    if (n == 0) return;
    qsort(v, (size_t)n, sizeof *v, cmp_ll);
    double total = 0;
    for (int i = 0; i < n; i++) total += (double)v[i];
    assert_near(st->min, (double)v[0]);
    assert_near(st->max, (double)v[n - 1]);
    assert_near(st->mean, total / n);
    assert_near(st->median, ref_quantile(v, n, 0.5));
    assert_near(st->p90, ref_quantile(v, n, 0.9));
}

/* The instances of one case's events (file order in ev), in (start,
 * completion) order; returns how many. */
static int ref_instances(RefEv *ev, int n, RefInst *out) {
    for (int i = 1; i < n; i++) /* stable: ties keep file order */
        for (int j = i; j > 0 && ev[j - 1].t > ev[j].t; j--) {
            RefEv tmp = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = tmp;
        }
    bool used[REF_EVENTS] = {false};
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (ev[i].kind != 0) continue;
        int open = -1; /* the oldest start of the activity before i not yet used */
        for (int j = 0; j < i && open < 0; j++)
            if (ev[j].kind == 1 && ev[j].act == ev[i].act && !used[j]) open = j;
        if (open >= 0) {
            used[open] = true;
            out[k++] = (RefInst){ev[i].act, ev[open].t, ev[i].t, true};
        } else out[k++] = (RefInst){ev[i].act, ev[i].t, ev[i].t, false};
    }
    for (int i = 1; i < k; i++) /* stable by (start, completion) */
        for (int j = i; j > 0 && (out[j - 1].s > out[j].s || (out[j - 1].s == out[j].s && out[j - 1].e > out[j].e));
             j--) {
            RefInst tmp = out[j];
            out[j] = out[j - 1];
            out[j - 1] = tmp;
        }
    return k;
}

/* 300 random logs (fixed seed): up to 6 cases of up to 14 events over 4
 * activities, lifecycles start / complete / none / schedule, times drawn
 * from 0..30 minutes so that ties and overlaps are common, events written
 * in random order across cases. Every DFG edge's count, cases and waiting
 * statistics, every activity's instances and service times, the case
 * durations, the instance and variant counts and the start/end counts must
 * equal the reference's. */
static void test_anl_matches_a_brute_force_reference_on_random_logs(void **state) {
    (void)state;
    static const char *const acts[REF_ACTS] = {"A", "B", "C", "D"};
    static const char *const kinds[] = {"complete", "start", "schedule"};
    rng_state = 20270301;
    for (int round = 0; round < 300; round++) {
        RefEv evs[REF_CASES][REF_EVENTS];
        int n_ev[REF_CASES] = {0};
        int n_cases = 1 + rnd(REF_CASES), total = 0;
        for (int c = 0; c < n_cases; c++) {
            n_ev[c] = 1 + rnd(REF_EVENTS);
            total += n_ev[c];
        }
        EventLog *l = evlog_new();
        /* interleave the cases' events in the file; within a case, file order is evs order */
        int next[REF_CASES] = {0};
        char cid[16];
        for (int c = 0; c < n_cases; c++) { /* first event of every case first: case numbers = c */
            RefEv *e = &evs[c][next[c]++];
            *e = (RefEv){rnd(REF_ACTS), rnd(4) % 3, rnd(31)};
            snprintf(cid, sizeof cid, "k%d", c);
            ev(l, cid, acts[e->act], NULL, rnd(2) && e->kind == 0 ? NULL : kinds[e->kind], e->t);
            total--;
        }
        while (total > 0) {
            int c = rnd(n_cases);
            if (next[c] == n_ev[c]) continue;
            RefEv *e = &evs[c][next[c]++];
            *e = (RefEv){rnd(REF_ACTS), rnd(4) % 3, rnd(31)};
            snprintf(cid, sizeof cid, "k%d", c);
            ev(l, cid, acts[e->act], NULL, rnd(2) && e->kind == 0 ? NULL : kinds[e->kind], e->t);
            total--;
        }
        /* the reference */
        int64_t waits[REF_ACTS][REF_ACTS][REF_CASES * REF_EVENTS], svc[REF_ACTS][REF_CASES * REF_EVENTS];
        int n_wait[REF_ACTS][REF_ACTS] = {{0}}, edge_cases[REF_ACTS][REF_ACTS] = {{0}}, n_svc[REF_ACTS] = {0};
        int inst_of[REF_ACTS] = {0}, starts[REF_ACTS] = {0}, ends[REF_ACTS] = {0}, n_inst = 0, n_var = 0;
        int64_t durs[REF_CASES];
        char variants[REF_CASES][REF_EVENTS + 1];
        for (int c = 0; c < n_cases; c++) {
            RefInst in[REF_EVENTS];
            int k = ref_instances(evs[c], n_ev[c], in);
            n_inst += k;
            int64_t lo = k ? in[0].s : 0, hi = k ? in[0].e : 0;
            bool seen[REF_ACTS][REF_ACTS] = {{false}};
            char var[REF_EVENTS + 1];
            for (int j = 0; j < k; j++) {
                var[j] = (char)('A' + in[j].act);
                inst_of[in[j].act]++;
                if (in[j].s < lo) lo = in[j].s;
                if (in[j].e > hi) hi = in[j].e;
                if (in[j].real) svc[in[j].act][n_svc[in[j].act]++] = (in[j].e - in[j].s) * MIN;
                if (j == 0) continue;
                int a = in[j - 1].act, b = in[j].act;
                int64_t w = in[j].s - in[j - 1].e;
                waits[a][b][n_wait[a][b]++] = (w > 0 ? w : 0) * MIN;
                if (!seen[a][b]) edge_cases[a][b]++;
                seen[a][b] = true;
            }
            var[k] = 0;
            if (k) {
                starts[in[0].act]++;
                ends[in[k - 1].act]++;
            }
            durs[c] = (hi - lo) * MIN;
            bool known = false;
            for (int v = 0; v < n_var && !known; v++) known = strcmp(variants[v], var) == 0;
            if (!known) memcpy(variants[n_var++], var, sizeof var);
        }
        /* the engine */
        Arena *a = arena_new();
        Analysis *an = run(a, l, NULL);
        assert_int_equal(an->n_cases, n_cases);
        assert_int_equal(an->n_instances, n_inst);
        assert_int_equal(an->n_variants_total, n_var);
        ref_check_stats("case duration", durs, n_cases, &an->case_duration);
        int n_edges = 0;
        for (int x = 0; x < REF_ACTS; x++)
            for (int y = 0; y < REF_ACTS; y++) {
                const AnlEdge *e = edge(an, acts[x], acts[y]);
                if (!n_wait[x][y]) {
                    assert_null(e);
                    continue;
                }
                n_edges++;
                if (!e) fail_msg("round %d: edge %s→%s missing", round, acts[x], acts[y]);
                assert_int_equal(e->count, n_wait[x][y]);
                assert_int_equal(e->cases, edge_cases[x][y]);
                ref_check_stats("waiting", waits[x][y], n_wait[x][y], &e->waiting);
            }
        assert_int_equal(an->n_edges, n_edges);
        for (int x = 0; x < an->n_activities_out; x++) {
            const AnlActivity *s = &an->activities[x];
            int i = s->name[0] - 'A';
            assert_int_equal(s->instances, inst_of[i]);
            assert_int_equal(s->start_count, starts[i]);
            assert_int_equal(s->end_count, ends[i]);
            ref_check_stats("service", svc[i], n_svc[i], &s->service);
        }
        arena_free(a);
        evlog_free(l);
    }
}

/* Working time by brute force: for every local day the span touches, the
 * overlap of [s, e) with that day's working hours, when the day is a working
 * weekday and no holiday. */
static int64_t ref_working_ms(int64_t s, int64_t e, const AnlCalendar *c) {
    int64_t off = (int64_t)c->offset_min * MIN, total = 0;
    int64_t d0 = (s + off) / 86400000LL - 2, d1 = (e + off) / 86400000LL + 2;
    for (int64_t d = d0; d <= d1; d++) {
        int wd = (int)(((d + 3) % 7 + 7) % 7); /* Monday 0; day 0 was a Thursday */
        if (!((c->weekdays >> wd) & 1)) continue;
        bool hol = false;
        for (int h = 0; h < c->n_holidays; h++) hol |= c->holidays[h] == d;
        if (hol) continue;
        int64_t ws = d * 86400000LL - off + (int64_t)c->day_start_min * MIN;
        int64_t we = d * 86400000LL - off + (int64_t)c->day_end_min * MIN;
        int64_t lo = s > ws ? s : ws, hi = e < we ? e : we;
        if (hi > lo) total += hi - lo;
    }
    return total;
}

/* 400 random spans (fixed seed) from a few minutes to five weeks, starting
 * anywhere in the day, including zero-length ones, under random calendars
 * (random weekday sets, hours, UTC offsets −12 h … +14 h, holidays some on
 * weekends): each activity's service time must equal the brute-force count. */
static void test_anl_calendar_matches_a_day_by_day_count(void **state) {
    (void)state;
    rng_state = 77;
    for (int round = 0; round < 400; round++) {
        int64_t hol[6];
        int64_t base_day = time_days_from_civil(2027, 3, 1);
        for (int h = 0; h < 6; h++) hol[h] = base_day + rnd(40);
        qsort(hol, 6, sizeof *hol, cmp_ll);
        int ds = rnd(20) * 60, de = ds + 30 + rnd(1440 - ds - 30 + 1);
        if (de > 1440) de = 1440;
        AnlCalendar cal = {.enabled = true,
                           .weekdays = (uint8_t)(1 + rnd(127)),
                           .day_start_min = ds,
                           .day_end_min = de,
                           .offset_min = -720 + rnd(27) * 60,
                           .holidays = hol,
                           .n_holidays = rnd(7)};
        int64_t s_min = rnd(7 * 1440), len_min = rnd(4) == 0 ? 0 : rnd(5 * 7 * 1440);
        EventLog *l = evlog_new();
        span(l, "c", "A", NULL, s_min, s_min + len_min);
        Arena *a = arena_new();
        AnlOptions o = {.calendar = cal};
        Analysis *an = run(a, l, &o);
        int64_t want = ref_working_ms(t0() + s_min * MIN, t0() + (s_min + len_min) * MIN, &cal);
        if (fabs(act(an, "A")->service.max - (double)want) > 0.5)
            fail_msg("round %d: working time %.0f, want %lld (start %lld min, length %lld min)", round,
                     act(an, "A")->service.max, (long long)want, (long long)s_min, (long long)len_min);
        assert_near(an->case_duration.max, (double)want);
        arena_free(a);
        evlog_free(l);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anl_instances_pair_oldest_open_start_first),
        cmocka_unit_test(test_anl_events_sorted_by_time_ties_keep_file_order),
        cmocka_unit_test(test_anl_variants_shares_and_case_duration_percentiles),
        cmocka_unit_test(test_anl_dfg_counts_and_waiting),
        cmocka_unit_test(test_anl_service_histogram_log_bins),
        cmocka_unit_test(test_anl_bottleneck_rankings),
        cmocka_unit_test(test_anl_filters_select_cases),
        cmocka_unit_test(test_anl_filter_on_an_unknown_value_is_an_empty_analysis),
        cmocka_unit_test(test_anl_bad_filters_are_refused_with_a_message),
        cmocka_unit_test(test_anl_calendar_counts_working_time_only),
        cmocka_unit_test(test_anl_conformance_fitness_and_deviations),
        cmocka_unit_test(test_anl_redundancy_figures),
        cmocka_unit_test(test_anl_json_document_has_every_figure),
        cmocka_unit_test(test_anl_empty_and_instance_free_logs),
        cmocka_unit_test(test_anl_matches_a_brute_force_reference_on_random_logs),
        cmocka_unit_test(test_anl_calendar_matches_a_day_by_day_count),
    };
    return UNIT_RUN("analysis", tests);
}
