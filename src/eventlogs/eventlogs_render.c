/* eventlogs_render.c — the process map (directly-follows graph as inline SVG,
 * laid out on the server) and the service-time histograms, shared with the
 * runs pages through eventlogs.h. Layout: cycles broken by a depth-first
 * search from the start node along the most frequent edges, longest-path
 * layering left to right, order within a layer by barycentre sweeps, curved
 * edges. Geometry goes in SVG attributes, looks in CSS classes (the CSP
 * forbids inline style). Every text goes through html_printf (escaped). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../web/web_html.h"
#include "eventlogs_internal.h"

enum { MAP_MAX_NODES = 42, NODE_W = 156, NODE_H = 46, COL_GAP = 84, ROW_GAP = 30, MARGIN = 24 };

typedef struct MapNode {
    const char *name; /* NULL for the start / end node */
    int kind;         /* 0 activity, 1 start, 2 end */
    int act;          /* index into an->activities, -1 for start/end */
    int layer, order;
    double x, y, bary;
} MapNode;

typedef struct MapEdge {
    int from, to; /* node indexes */
    int64_t count;
    double wait_mean_ms; /* -1: not a waiting edge (start/end) */
    bool back;           /* reversed to break a cycle */
} MapEdge;

typedef struct MapGraph {
    MapNode nodes[MAP_MAX_NODES + 2];
    int n_nodes;
    MapEdge *edges;
    int n_edges;
    int n_layers;
} MapGraph;

/* Display width of a UTF-8 string in half-width units (CJK counts 2). */
static const char *clip_label(Req *r, const char *s, int max_units) {
    int units = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        int w = len >= 3 ? 2 : 1;
        if (units + w > max_units) return arena_printf(r->arena, "%.*s…", (int)((const char *)p - s), s);
        units += w;
        for (int k = 0; k < len && *p; k++) p++;
    }
    return s;
}

/* Depth-first search from the start node, most frequent edges first; an edge
 * into a node still on the stack closes a cycle and is marked back. */
static void mark_back_edges(MapGraph *g, int v, int *state, const int *by_count) {
    state[v] = 1;
    for (int k = 0; k < g->n_edges; k++) {
        MapEdge *e = &g->edges[by_count[k]];
        if (e->from != v || e->from == e->to) continue;
        if (state[e->to] == 1) e->back = true;
        else if (state[e->to] == 0) mark_back_edges(g, e->to, state, by_count);
    }
    state[v] = 2;
}

static _Thread_local const MapEdge *cmp_edges_base;
static int cmp_edge_count(const void *a, const void *b) {
    const MapEdge *x = &cmp_edges_base[*(const int *)a], *y = &cmp_edges_base[*(const int *)b];
    return (y->count > x->count) - (y->count < x->count);
}
static _Thread_local MapNode *cmp_nodes_base;
static int cmp_node_order(const void *a, const void *b) {
    const MapNode *x = &cmp_nodes_base[*(const int *)a], *y = &cmp_nodes_base[*(const int *)b];
    if (x->layer != y->layer) return x->layer - y->layer;
    return (x->bary > y->bary) - (x->bary < y->bary);
}

static void layout(MapGraph *g) {
    int n = g->n_nodes;
    int *by_count = malloc(sizeof(int) * (size_t)(g->n_edges + 1));
    int state[MAP_MAX_NODES + 2] = {0};
    for (int k = 0; k < g->n_edges; k++) by_count[k] = k;
    cmp_edges_base = g->edges;
    qsort(by_count, (size_t)g->n_edges, sizeof(int), cmp_edge_count);
    mark_back_edges(g, 0, state, by_count);
    for (int v = 0; v < n; v++) /* parts not reachable from the start */
        if (!state[v]) mark_back_edges(g, v, state, by_count);
    free(by_count);
    /* longest path: relax forward edges n times (n ≤ 44, edges ≤ a few hundred) */
    for (int v = 0; v < n; v++) g->nodes[v].layer = 0;
    for (int it = 0; it < n; it++) {
        bool changed = false;
        for (int k = 0; k < g->n_edges; k++) {
            MapEdge *e = &g->edges[k];
            if (e->back || e->from == e->to || g->nodes[e->to].kind == 1) continue;
            if (g->nodes[e->to].layer < g->nodes[e->from].layer + 1) {
                g->nodes[e->to].layer = g->nodes[e->from].layer + 1;
                changed = true;
            }
        }
        if (!changed) break;
    }
    int max_layer = 0;
    for (int v = 0; v < n; v++)
        if (g->nodes[v].kind != 2 && g->nodes[v].layer > max_layer) max_layer = g->nodes[v].layer;
    g->nodes[1].layer = max_layer + 1; /* the end node last */
    g->n_layers = max_layer + 2;
    /* order within layers: initial by node index (activities by frequency), then barycentre sweeps */
    int idx[MAP_MAX_NODES + 2];
    for (int v = 0; v < n; v++) g->nodes[v].bary = v, idx[v] = v;
    cmp_nodes_base = g->nodes;
    qsort(idx, (size_t)n, sizeof(int), cmp_node_order);
    for (int i = 0, pos = 0; i < n; i++) {
        if (i && g->nodes[idx[i]].layer != g->nodes[idx[i - 1]].layer) pos = 0;
        g->nodes[idx[i]].order = pos++;
    }
    for (int sweep = 0; sweep < 8; sweep++) {
        bool down = sweep % 2 == 0;
        for (int v = 0; v < n; v++) {
            double sum = 0, w = 0;
            for (int k = 0; k < g->n_edges; k++) {
                const MapEdge *e = &g->edges[k];
                int other = -1;
                if (down && e->to == v && g->nodes[e->from].layer < g->nodes[v].layer) other = e->from;
                if (!down && e->from == v && g->nodes[e->to].layer > g->nodes[v].layer) other = e->to;
                if (other < 0) continue;
                double weight = log1p((double)e->count);
                sum += weight * g->nodes[other].order;
                w += weight;
            }
            g->nodes[v].bary = w > 0 ? sum / w : g->nodes[v].order;
        }
        qsort(idx, (size_t)n, sizeof(int), cmp_node_order);
        for (int i = 0, pos = 0; i < n; i++) {
            if (i && g->nodes[idx[i]].layer != g->nodes[idx[i - 1]].layer) pos = 0;
            g->nodes[idx[i]].order = pos++;
        }
    }
    int per_layer[MAP_MAX_NODES + 2] = {0}, tallest = 1;
    for (int v = 0; v < n; v++) {
        int c = ++per_layer[g->nodes[v].layer];
        if (c > tallest) tallest = c;
    }
    for (int v = 0; v < n; v++) {
        MapNode *m = &g->nodes[v];
        double col_h = per_layer[m->layer] * (NODE_H + ROW_GAP) - ROW_GAP;
        double top = MARGIN + ((tallest * (NODE_H + ROW_GAP) - ROW_GAP) - col_h) / 2;
        m->x = MARGIN + m->layer * (NODE_W + COL_GAP);
        m->y = top + m->order * (NODE_H + ROW_GAP);
    }
}

/* Colour class 0..4 of a mean waiting time against the map's largest one. */
static int wait_class(double mean, double max) {
    if (!(max > 0) || !(mean > 0)) return 0;
    double q = mean / max;
    return q < 0.1 ? 0 : q < 0.25 ? 1 : q < 0.5 ? 2 : q < 0.75 ? 3 : 4;
}

/* The share of edges shown: ?paths=10..100 (percent of edges, most frequent
 * first); by default all when there are at most 40, else the 40 most frequent. */
static int shown_edges(Req *r, int n_edges) {
    const char *s = req_query(r, "paths");
    int pct = 0;
    if (s && *s) {
        pct = atoi(s);
        if (pct < 1) pct = 1;
        if (pct > 100) pct = 100;
        int k = (int)ceil(n_edges * pct / 100.0);
        return k < 1 && n_edges ? 1 : k;
    }
    return n_edges <= 40 ? n_edges : 40;
}

static void build_graph(Req *r, const Analysis *an, MapGraph *g) {
    g->nodes[0] = (MapNode){.kind = 1, .act = -1};
    g->nodes[1] = (MapNode){.kind = 2, .act = -1};
    g->n_nodes = 2;
    int node_of_act[4096];
    int n_acts = an->n_activities_out;
    for (int i = 0; i < n_acts && i < 4096; i++) node_of_act[i] = -1;
    /* activities by instances, most frequent first (the analysis' order) */
    for (int i = 0; i < n_acts && g->n_nodes < MAP_MAX_NODES + 2 && i < 4096; i++) {
        if (an->activities[i].instances == 0) continue;
        node_of_act[i] = g->n_nodes;
        g->nodes[g->n_nodes++] = (MapNode){.name = an->activities[i].name, .act = i};
    }
    int keep = shown_edges(r, an->n_edges);
    g->edges = arena_alloc(r->arena, sizeof(MapEdge) * (size_t)(keep + 2 * n_acts + 1));
    g->n_edges = 0;
    /* activities are looked up by the log's activity number */
    for (int k = 0; k < an->n_edges && k < keep; k++) {
        const AnlEdge *e = &an->edges[k];
        int from = -1, to = -1;
        for (int i = 0; i < n_acts && i < 4096; i++) {
            if (an->activities[i].activity == e->from) from = node_of_act[i];
            if (an->activities[i].activity == e->to) to = node_of_act[i];
        }
        if (from < 0 || to < 0) continue;
        g->edges[g->n_edges++] = (MapEdge){from, to, e->count, e->waiting.mean, false};
    }
    for (int i = 0; i < n_acts && i < 4096; i++) {
        if (node_of_act[i] < 0) continue;
        if (an->activities[i].start_count > 0)
            g->edges[g->n_edges++] = (MapEdge){0, node_of_act[i], an->activities[i].start_count, -1, false};
        if (an->activities[i].end_count > 0)
            g->edges[g->n_edges++] = (MapEdge){node_of_act[i], 1, an->activities[i].end_count, -1, false};
    }
}

static void draw_edge(Req *r, const MapGraph *g, const MapEdge *e, int64_t max_count, double max_wait,
                      bool performance) {
    const MapNode *a = &g->nodes[e->from], *b = &g->nodes[e->to];
    double width = 1.2 + 7.0 * (double)e->count / (double)(max_count ? max_count : 1);
    int cls = performance && e->wait_mean_ms >= 0 ? wait_class(e->wait_mean_ms, max_wait) : -1;
    const char *label =
        performance && e->wait_mean_ms >= 0 ? eventlogs_fmt_duration(r->arena, e->wait_mean_ms) : html_int(r, e->count);
    double x1, y1, x2, y2, c1x, c1y, c2x, c2y, lx, ly;
    if (e->from == e->to) { /* self-loop: an arc above the node */
        x1 = a->x + NODE_W * 0.35, y1 = a->y, x2 = a->x + NODE_W * 0.65, y2 = a->y;
        c1x = x1 - 10, c1y = a->y - 34, c2x = x2 + 10, c2y = a->y - 34;
        lx = a->x + NODE_W / 2.0, ly = a->y - 28;
    } else if (b->layer > a->layer) { /* forward: right side to left side */
        x1 = a->x + NODE_W, y1 = a->y + NODE_H / 2.0, x2 = b->x, y2 = b->y + NODE_H / 2.0;
        double dx = (x2 - x1) * 0.5;
        c1x = x1 + dx, c1y = y1, c2x = x2 - dx, c2y = y2;
        lx = (x1 + x2) / 2, ly = (y1 + y2) / 2 - 4;
    } else { /* backward (a cycle): bottom to bottom, bowed below */
        x1 = a->x + NODE_W * 0.4, y1 = a->y + NODE_H, x2 = b->x + NODE_W * 0.6, y2 = b->y + NODE_H;
        double drop = 40 + 12 * (a->layer - b->layer);
        double low = (y1 > y2 ? y1 : y2) + drop;
        c1x = x1, c1y = low, c2x = x2, c2y = low;
        lx = (x1 + x2) / 2, ly = low - 0.25 * drop;
    }
    const char *kind = cls < 0 ? "freq" : arena_printf(r->arena, "w%d", cls);
    html_printf(r,
                "<g class=\"map-edge\"><title>%s → %s: %s</title>"
                "<path class=\"edge-%s\" d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\" stroke-width=\"%.1f\""
                " marker-end=\"url(#evm-%s)\"/>",
                a->name ? a->name : "●", b->name ? b->name : "■", label, kind, x1, y1, c1x, c1y, c2x, c2y, x2, y2,
                width, kind);
    html_printf(r, "<text class=\"edge-label\" x=\"%.1f\" y=\"%.1f\">%s</text></g>", lx, ly, label);
}

void eventlogs_render_map(Req *r, const Analysis *an, bool performance) {
    MapGraph g;
    build_graph(r, an, &g);
    layout(&g);
    int64_t max_count = 1;
    double max_wait = 0;
    for (int k = 0; k < g.n_edges; k++) {
        if (g.edges[k].count > max_count) max_count = g.edges[k].count;
        if (g.edges[k].wait_mean_ms > max_wait) max_wait = g.edges[k].wait_mean_ms;
    }
    int tallest = 1;
    int per_layer[MAP_MAX_NODES + 2] = {0};
    for (int v = 0; v < g.n_nodes; v++)
        if (++per_layer[g.nodes[v].layer] > tallest) tallest = per_layer[g.nodes[v].layer];
    double w = 2 * MARGIN + g.n_layers * (NODE_W + COL_GAP) - COL_GAP;
    double h = 2 * MARGIN + tallest * (NODE_H + ROW_GAP) - ROW_GAP + 90;
    html_printf(r,
                "<svg class=\"process-map%s\" viewBox=\"0 -30 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\""
                " aria-labelledby=\"map-title\"><title id=\"map-title\">%s</title><defs>",
                performance ? " perf" : "", w, h + 30, w, h + 30,
                T(r, performance ? "eventlogs.map.title_perf" : "eventlogs.map.title_freq"));
    static const char *const kinds[] = {"freq", "w0", "w1", "w2", "w3", "w4"};
    for (int k = 0; k < 6; k++)
        html_printf(r,
                    "<marker id=\"evm-%s\" class=\"arrow-%s\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\""
                    " markerWidth=\"11\" markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
                    "<path d=\"M0 0L10 5L0 10z\"/></marker>",
                    kinds[k], kinds[k]);
    html_raw(r, "</defs><g class=\"map-edges\">");
    for (int k = 0; k < g.n_edges; k++) draw_edge(r, &g, &g.edges[k], max_count, max_wait, performance);
    html_raw(r, "</g><g class=\"map-nodes\">");
    for (int v = 0; v < g.n_nodes; v++) {
        const MapNode *m = &g.nodes[v];
        if (m->kind) {
            html_printf(r,
                        "<g class=\"map-terminal\"><title>%s</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"14\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\">%s</text></g>",
                        T(r, m->kind == 1 ? "eventlogs.map.start" : "eventlogs.map.end"), m->x + NODE_W / 2.0,
                        m->y + NODE_H / 2.0, m->x + NODE_W / 2.0, m->y + NODE_H / 2.0 + 30,
                        T(r, m->kind == 1 ? "eventlogs.map.start" : "eventlogs.map.end"));
            continue;
        }
        const AnlActivity *act = &an->activities[m->act];
        const char *sub = !performance         ? html_int(r, act->instances)
                          : act->service.count ? eventlogs_fmt_duration(r->arena, act->service.mean)
                                               : "—";
        html_printf(r,
                    "<g class=\"map-node\"><title>%s — %s %s</title>"
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"8\"/>"
                    "<text class=\"node-name\" x=\"%.1f\" y=\"%.1f\">%s</text>"
                    "<text class=\"node-figure\" x=\"%.1f\" y=\"%.1f\">%s</text></g>",
                    m->name, T(r, performance ? "eventlogs.map.mean_service" : "eventlogs.map.instances"), sub, m->x,
                    m->y, NODE_W, NODE_H, m->x + NODE_W / 2.0, m->y + 19, clip_label(r, m->name, 20),
                    m->x + NODE_W / 2.0, m->y + 36, sub);
    }
    html_raw(r, "</g></svg>");
}

void eventlogs_render_histogram(Req *r, const AnlActivity *act) {
    enum { HW = 260, HH = 96, BASE = 72, LEFT = 6 };
    int64_t max = 0, total = 0;
    for (int i = 0; i < ANL_HIST_BINS; i++) {
        if (act->service_hist.counts[i] > max) max = act->service_hist.counts[i];
        total += act->service_hist.counts[i];
    }
    html_printf(
        r,
        "<svg class=\"histogram\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
        "<title>%s</title>",
        HW, HH, HW, HH,
        i18n_fmt(r->arena, r->locale, "eventlogs.hist.title", 2, (const char *[]){act->name, html_int(r, total)}));
    double bw = (HW - 2.0 * LEFT) / ANL_HIST_BINS;
    for (int i = 0; i < ANL_HIST_BINS && max > 0; i++) {
        int64_t c = act->service_hist.counts[i];
        double bh = (double)c / (double)max * (BASE - 8);
        html_printf(r,
                    "<rect class=\"hist-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                    "<title>%s – %s: %s</title></rect>",
                    LEFT + i * bw + 1, BASE - bh, bw - 2, bh,
                    eventlogs_fmt_duration(r->arena, act->service_hist.edges_ms[i]),
                    eventlogs_fmt_duration(r->arena, act->service_hist.edges_ms[i + 1]), html_int(r, c));
    }
    html_printf(r,
                "<line class=\"hist-axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                "<text class=\"hist-tick\" x=\"%d\" y=\"%d\">%s</text>"
                "<text class=\"hist-tick end\" x=\"%d\" y=\"%d\">%s</text></svg>",
                LEFT, BASE, HW - LEFT, BASE, LEFT, BASE + 18,
                eventlogs_fmt_duration(r->arena, act->service_hist.edges_ms[0]), HW - LEFT, BASE + 18,
                eventlogs_fmt_duration(r->arena, act->service_hist.edges_ms[ANL_HIST_BINS]));
}
