/* test_eventlogs_map.c — the process map's geometry (src/eventlogs/
 * eventlogs_render.c), read back from the SVG it writes: every edge path is
 * sampled (cubic segments at 64 points, lines at 16) and no sample may lie
 * inside an activity box or a start/end circle (1 px inside the outline, so a
 * path may touch the box it leaves or enters); an edge that skips layers runs
 * through lanes; cycles are drawn as dashed back edges, self-loops as arcs.
 * Requests come from web_cli_request(NULL): no connection, no database. */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/eventlogs/eventlogs.h"
#include "timeutil.h"
#include "web_html.h"
#include "web_internal.h"

typedef struct Box {
    double x, y, w, h;
    bool circle; /* x, y centre; w radius */
} Box;

typedef struct Svg {
    Box boxes[64];
    int n_boxes;
    const char *paths[256]; /* the d of each edge */
    const char *classes[256];
    int n_paths;
} Svg;

static void ev(EventLog *l, const char *c, const char *a, int64_t t_min) {
    int64_t t0 = time_days_from_civil(2027, 3, 1) * 86400000LL;
    assert_int_equal(evlog_add(l, c, strlen(c), a, strlen(a), NULL, 0, NULL, 0, t0 + t_min * 60000LL), 0);
}

/* The value of attribute name (name="...") in the tag starting at p. */
static double attr_num(const char *p, const char *name) {
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(p, '>');
    const char *s = strstr(p, key);
    if (!s || (end && s > end)) fail_msg("no %s in %.80s", name, p);
    return strtod(s + strlen(key), NULL);
}

static char *attr_str(const char *p, const char *name) {
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *s = strstr(p, key);
    assert_non_null(s);
    s += strlen(key);
    const char *q = strchr(s, '"');
    return strndup(s, (size_t)(q - s));
}

static void parse_svg(const char *svg, Svg *out) {
    memset(out, 0, sizeof *out);
    for (const char *p = svg; (p = strstr(p, "<rect ")); p++) {
        assert_true(out->n_boxes < 64);
        out->boxes[out->n_boxes++] =
            (Box){attr_num(p, "x"), attr_num(p, "y"), attr_num(p, "width"), attr_num(p, "height"), false};
    }
    for (const char *p = svg; (p = strstr(p, "<circle ")); p++) {
        assert_true(out->n_boxes < 64);
        out->boxes[out->n_boxes++] = (Box){attr_num(p, "cx"), attr_num(p, "cy"), attr_num(p, "r"), 0, true};
    }
    const char *edges = strstr(svg, "<g class=\"map-edges\">");
    const char *nodes = strstr(svg, "<g class=\"map-nodes\">");
    assert_non_null(edges);
    assert_non_null(nodes);
    for (const char *p = edges; (p = strstr(p, "<path class=\"edge-")) && p < nodes; p++) {
        assert_true(out->n_paths < 256);
        out->classes[out->n_paths] = attr_str(p, "class");
        out->paths[out->n_paths++] = attr_str(p, "d");
    }
}

static bool inside(const Svg *s, double x, double y, int *which) {
    for (int i = 0; i < s->n_boxes; i++) {
        const Box *b = &s->boxes[i];
        bool in = b->circle ? hypot(x - b->x, y - b->y) < b->w - 1
                            : x > b->x + 1 && x < b->x + b->w - 1 && y > b->y + 1 && y < b->y + b->h - 1;
        if (in) {
            *which = i;
            return true;
        }
    }
    return false;
}

/* Samples the path d (M, L and C commands with absolute coordinates); the
 * number of samples inside a box, the first one reported. */
static int samples_inside(const Svg *s, const char *d) {
    double cx = 0, cy = 0;
    int bad = 0;
    const char *p = d;
    while (*p) {
        char cmd = *p++;
        double v[6];
        int n = cmd == 'C' ? 6 : 2;
        for (int i = 0; i < n; i++) {
            char *end;
            v[i] = strtod(p, &end);
            if (end == p) fail_msg("bad path %s", d);
            p = end;
            while (*p == ' ' || *p == ',') p++;
        }
        int steps = cmd == 'C' ? 64 : 16;
        for (int k = 1; k <= steps && cmd != 'M'; k++) {
            double t = (double)k / steps, u = 1 - t, x, y;
            if (cmd == 'C') {
                x = u * u * u * cx + 3 * u * u * t * v[0] + 3 * u * t * t * v[2] + t * t * t * v[4];
                y = u * u * u * cy + 3 * u * u * t * v[1] + 3 * u * t * t * v[3] + t * t * t * v[5];
            } else x = cx + (v[0] - cx) * t, y = cy + (v[1] - cy) * t;
            int which;
            if (inside(s, x, y, &which) && bad++ == 0)
                print_message("path %s: (%.1f, %.1f) inside box %d\n", d, x, y, which);
        }
        cx = v[n - 2], cy = v[n - 1];
    }
    return bad;
}

static Svg *render(Req *r, const EventLog *l, bool performance) {
    char err[256];
    Analysis *an = NULL;
    if (anl_run(r->arena, l, NULL, &an, err, sizeof err) != 0) fail_msg("anl_run: %s", err);
    buf_reset(&r->priv->out);
    eventlogs_render_map(r, an, performance);
    Svg *s = arena_alloc(r->arena, sizeof *s);
    parse_svg(buf_cstr(&r->priv->out), s);
    return s;
}

static int count_class(const Svg *s, const char *cls) {
    int n = 0;
    for (int i = 0; i < s->n_paths; i++) n += strstr(s->classes[i], cls) != NULL;
    return n;
}

static void free_svg(Svg *s) {
    for (int i = 0; i < s->n_paths; i++) {
        free((char *)s->paths[i]);
        free((char *)s->classes[i]);
    }
}

/* A → B → C in most cases and A → C in one: the A → C edge skips B's layer.
 * Drawn straight from A's right side to C's left side it crossed B's box (A,
 * B, C are each alone in their layer, all on one row). */
static void test_eventlogs_map_skip_edge_goes_around_the_node_it_skips(void **state) {
    (void)state;
    Req *r = web_cli_request(NULL);
    EventLog *l = evlog_new();
    for (int c = 0; c < 4; c++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", c);
        ev(l, id, "A", c * 100);
        if (c != 3) ev(l, id, "B", c * 100 + 10);
        ev(l, id, "C", c * 100 + 20);
    }
    for (int perf = 0; perf < 2; perf++) {
        Svg *s = render(r, l, perf);
        assert_int_equal(s->n_boxes, 5); /* A, B, C, start, end */
        /* edges: A→B, B→C, A→C, start→A, C→end */
        assert_int_equal(s->n_paths, 5);
        for (int i = 0; i < s->n_paths; i++) assert_int_equal(samples_inside(s, s->paths[i]), 0);
        assert_int_equal(count_class(s, " back"), 0);
        free_svg(s);
    }
    evlog_free(l);
    web_cli_request_free(r);
}

/* A loop (B → A), a self-loop (B → B) and edges to the end from several
 * layers: back edges dashed and routed around boxes, the self-loop an arc over
 * its box; still no sample inside any box. */
static void test_eventlogs_map_loops_are_drawn_apart_and_avoid_boxes(void **state) {
    (void)state;
    Req *r = web_cli_request(NULL);
    EventLog *l = evlog_new();
    const char *const cases[][6] = {
        {"A", "B", "C", "D", NULL},      {"A", "B", "A", "B", "C", NULL}, {"A", "B", "B", "C", "D", NULL},
        {"A", "C", "D", NULL},           {"A", "B", "D", NULL},           {"A", "B", "C", NULL},
        {"A", "D", "B", "C", "D", NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char id[8];
        snprintf(id, sizeof id, "c%zu", c);
        for (int k = 0; cases[c][k]; k++) ev(l, id, cases[c][k], (int64_t)c * 100 + k * 10);
    }
    Svg *s = render(r, l, false);
    assert_int_equal(s->n_boxes, 6);
    assert_true(count_class(s, " back") >= 2); /* B → A and D → B close cycles */
    assert_int_equal(count_class(s, " self"), 1);
    for (int i = 0; i < s->n_paths; i++)
        if (!strstr(s->classes[i], " self")) assert_int_equal(samples_inside(s, s->paths[i]), 0);
    free_svg(s);
    evlog_free(l);
    web_cli_request_free(r);
}

/* Chinese labels and 25 activities in a chain with skips every third step:
 * many lanes, still no edge through a box. */
static void test_eventlogs_map_long_chain_with_skips(void **state) {
    (void)state;
    Req *r = web_cli_request(NULL);
    EventLog *l = evlog_new();
    char names[25][32];
    for (int i = 0; i < 25; i++) snprintf(names[i], sizeof names[i], "审核步骤%02d", i);
    for (int c = 0; c < 12; c++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", c);
        for (int i = 0, t = 0; i < 25; i++) {
            if (i % 3 == 1 && (i + c) % 4 == 0) continue; /* a skip: an edge over two layers */
            ev(l, id, names[i], c * 1000 + t++ * 10);
        }
    }
    Svg *s = render(r, l, true);
    assert_int_equal(s->n_boxes, 27);
    for (int i = 0; i < s->n_paths; i++) assert_int_equal(samples_inside(s, s->paths[i]), 0);
    free_svg(s);
    evlog_free(l);
    web_cli_request_free(r);
}

static char *render_html(Req *r, const EventLog *l) {
    char err[256];
    Analysis *an = NULL;
    if (anl_run(r->arena, l, NULL, &an, err, sizeof err) != 0) fail_msg("anl_run: %s", err);
    buf_reset(&r->priv->out);
    eventlogs_render_map(r, an, false);
    return arena_strdup(r->arena, buf_cstr(&r->priv->out));
}

/* Five cases follow P00 → … → P40 (40 edges of count 5); one case goes
 * P00 → R → P40 (two edges of count 1). The default map keeps the 40 most
 * frequent edges, so R has no drawn edge and is neither a start nor an end:
 * it is left out (41 boxes + start + end, not a stray box in column 1) and a
 * note says that one activity is hidden. */
static void test_eventlogs_map_hides_activities_without_a_shown_edge(void **state) {
    (void)state;
    Req *r = web_cli_request(NULL);
    EventLog *l = evlog_new();
    char name[16];
    for (int c = 0; c < 5; c++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", c);
        for (int i = 0; i <= 40; i++) {
            snprintf(name, sizeof name, "P%02d", i);
            ev(l, id, name, c * 1000 + i);
        }
    }
    ev(l, "rare", "P00", 9000);
    ev(l, "rare", "R", 9001);
    ev(l, "rare", "P40", 9002);
    const char *html = render_html(r, l);
    Svg s;
    parse_svg(html, &s);
    assert_int_equal(s.n_boxes, 43);
    assert_null(strstr(html, ">R<"));
    assert_non_null(strstr(html, "map-note"));
    /* the note (catalogs are not loaded here: the message key stands for the text) */
    assert_non_null(strstr(html, "<p class=\"hint map-note\">eventlogs.map.unlinked"));
    for (int i = 0; i < s.n_paths; i++) assert_int_equal(samples_inside(&s, s.paths[i]), 0);
    free_svg(&s);
    evlog_free(l);
    web_cli_request_free(r);
}

/* A hostile log: 3,000 distinct activities whose names are 10,000 characters
 * of markup. The map draws at most 42 of them, says how many it leaves out,
 * clips every label and title, and escapes them: the output stays small. */
static void test_eventlogs_map_is_bounded_for_huge_hostile_logs(void **state) {
    (void)state;
    Req *r = web_cli_request(NULL);
    EventLog *l = evlog_new();
    enum { N_ACTS = 3000, NAME_LEN = 10000 };
    char *name = malloc(NAME_LEN + 1);
    for (int i = 0; i < NAME_LEN; i++) name[i] = "<script>\"x'&"[i % 12];
    name[NAME_LEN] = 0;
    for (int a = 0; a < N_ACTS; a++) {
        snprintf(name, 8, "%06d", a); /* distinct prefixes */
        name[6] = '<';
        char id[16];
        snprintf(id, sizeof id, "c%d", a / 3); /* three activities a case */
        assert_int_equal(evlog_add(l, id, strlen(id), name, NAME_LEN, NULL, 0, NULL, 0, (int64_t)a * 60000), 0);
    }
    free(name);
    const char *html = render_html(r, l);
    Svg s;
    parse_svg(html, &s);
    assert_true(s.n_boxes <= 42 + 2);
    assert_true(strlen(html) < 120000);
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "<p class=\"hint map-note\">eventlogs.map.over_cap"));
    free_svg(&s);
    evlog_free(l);
    web_cli_request_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eventlogs_map_skip_edge_goes_around_the_node_it_skips),
        cmocka_unit_test(test_eventlogs_map_loops_are_drawn_apart_and_avoid_boxes),
        cmocka_unit_test(test_eventlogs_map_long_chain_with_skips),
        cmocka_unit_test(test_eventlogs_map_hides_activities_without_a_shown_edge),
        cmocka_unit_test(test_eventlogs_map_is_bounded_for_huge_hostile_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
