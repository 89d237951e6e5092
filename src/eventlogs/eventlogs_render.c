/* eventlogs_render.c — the process map (directly-follows graph as inline SVG,
 * laid out on the server) and the service-time histograms, shared with the
 * runs pages through eventlogs.h. Layout (Sugiyama): cycles broken by a
 * depth-first search from the start node along the most frequent edges (the
 * edges it closes are drawn backwards, dashed), longest-path layers left to
 * right, a virtual node in every layer an edge skips, order within a layer by
 * barycentre sweeps over real and virtual nodes (the order with the fewest
 * crossings kept), vertical positions pulled towards neighbours under
 * minimum-gap constraints (isotonic regression), and every edge drawn as one
 * smooth path through its virtual nodes — so no edge passes through a node.
 * Geometry goes in SVG attributes, looks in CSS classes (the CSP forbids
 * inline style). Every text goes through html_printf (escaped). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/i18n.h"
#include "../web/web_html.h"
#include "eventlogs_internal.h"

enum {
    MAP_MAX_NODES = 42, /* activities shown at most */
    NODE_W = 156,       /* activity box */
    NODE_H = 46,
    TERM_W = 44,   /* column of the start / end circle */
    TERM_R = 14,   /* its radius */
    COL_GAP = 84,  /* between columns: where edges bend */
    ROW_GAP = 30,  /* between two boxes of a column */
    LANE_H = 14,   /* a virtual node: one edge's lane through a column */
    LANE_GAP = 12, /* between a lane and its neighbour */
    LOOP_H = 16,   /* room above a box with a self-loop */
    MARGIN = 24,
    SWEEPS = 12
};

typedef struct MapNode {
    const char *name; /* NULL for the start / end node */
    int kind;         /* 0 activity, 1 start, 2 end */
    int act;          /* index into an->activities, -1 for start/end */
    double x, y;      /* top-left corner of the node's box (of the circle's square for start/end) */
    bool self_loop;   /* has an edge to itself (room is kept above it) */
} MapNode;

typedef struct MapEdge {
    int from, to; /* node indexes */
    int64_t count;
    double wait_mean_ms; /* -1: not a waiting edge (start/end) */
    bool back;           /* reversed to break a cycle: drawn right to left */
    int *chain;          /* items from the lower-layer end to the higher one (n_chain ≥ 2); NULL for a self-loop */
    int n_chain;
    double port_lo, port_hi; /* y where the path meets the lower- / higher-layer node */
} MapEdge;

/* A real node (items 0 .. n_nodes-1, same index as nodes) or a virtual node
 * (one lane of a long edge through a layer it skips). */
typedef struct MapItem {
    int layer, order;
    double h;    /* height in its column */
    double y;    /* centre */
    double bary; /* sort key of the current sweep */
    int edge;    /* the edge of a virtual node, -1 for a real node */
} MapItem;

typedef struct MapGraph {
    MapNode nodes[MAP_MAX_NODES + 2];
    int n_nodes;
    MapEdge *edges;
    int n_edges;
    MapItem *items;
    int n_items;
    int n_layers;
    double *col_x, *col_w; /* per layer */
    double width, height;
    int n_over_cap; /* activities with instances beyond MAP_MAX_NODES, not drawn */
    int n_unlinked; /* activities drawn without any edge: left out */
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
 * into a node still on the stack closes a cycle and is marked back. Reversing
 * the back edges of a depth-first search leaves a graph without cycles. */
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
static _Thread_local const MapItem *cmp_items_base;
static int cmp_item_order(const void *a, const void *b) {
    const MapItem *x = &cmp_items_base[*(const int *)a], *y = &cmp_items_base[*(const int *)b];
    if (x->layer != y->layer) return x->layer - y->layer;
    if (x->bary != y->bary) return (x->bary > y->bary) - (x->bary < y->bary);
    return x->order - y->order; /* stable: ties keep the current order */
}

/* The edge's lower- and higher-layer nodes (a back edge runs from high to low). */
static int edge_lo(const MapEdge *e) { return e->back ? e->to : e->from; }
static int edge_hi(const MapEdge *e) { return e->back ? e->from : e->to; }

/* Longest-path layers over the forward edges and the reversed back edges;
 * the start node alone in layer 0, the end node alone in the last layer. */
static void assign_layers(MapGraph *g, MapItem *items) {
    int n = g->n_nodes;
    for (int v = 0; v < n; v++) items[v].layer = g->nodes[v].kind == 1 ? 0 : 1;
    for (int it = 0; it <= n; it++) {
        bool changed = false;
        for (int k = 0; k < g->n_edges; k++) {
            const MapEdge *e = &g->edges[k];
            if (e->from == e->to) continue;
            int lo = edge_lo(e), hi = edge_hi(e);
            if (g->nodes[hi].kind == 2 || items[hi].layer >= items[lo].layer + 1) continue;
            items[hi].layer = items[lo].layer + 1;
            changed = true;
        }
        if (!changed) break;
    }
    int max_layer = 0;
    for (int v = 0; v < n; v++)
        if (g->nodes[v].kind != 2 && items[v].layer > max_layer) max_layer = items[v].layer;
    items[1].layer = max_layer + 1;
    g->n_layers = max_layer + 2;
}

/* Creates the virtual nodes and every edge's chain of items. */
static void make_chains(Req *r, MapGraph *g, MapItem *layered) {
    int n_items = g->n_nodes;
    for (int k = 0; k < g->n_edges; k++) {
        const MapEdge *e = &g->edges[k];
        if (e->from != e->to) n_items += layered[edge_hi(e)].layer - layered[edge_lo(e)].layer - 1;
    }
    g->items = arena_alloc(r->arena, sizeof(MapItem) * (size_t)n_items);
    for (int v = 0; v < g->n_nodes; v++)
        g->items[v] = (MapItem){.layer = layered[v].layer, .h = NODE_H, .edge = -1, .bary = v, .order = v};
    g->n_items = g->n_nodes;
    for (int k = 0; k < g->n_edges; k++) {
        MapEdge *e = &g->edges[k];
        if (e->from == e->to) {
            g->nodes[e->from].self_loop = true;
            continue;
        }
        int lo = edge_lo(e), hi = edge_hi(e);
        int span = g->items[hi].layer - g->items[lo].layer;
        e->n_chain = span + 1;
        e->chain = arena_alloc(r->arena, sizeof(int) * (size_t)e->n_chain);
        e->chain[0] = lo;
        e->chain[span] = hi;
        for (int i = 1; i < span; i++) {
            int it = g->n_items++;
            /* first placed beside the node it leaves: the sweeps move it */
            g->items[it] = (MapItem){.layer = g->items[lo].layer + i,
                                     .h = LANE_H,
                                     .edge = k,
                                     .bary = g->items[lo].bary + 0.5,
                                     .order = g->n_nodes + it};
            e->chain[i] = it;
        }
    }
}

/* Sorts every layer by bary and renumbers order; idx holds all items. */
static void sort_layers(MapGraph *g, int *idx) {
    cmp_items_base = g->items;
    qsort(idx, (size_t)g->n_items, sizeof(int), cmp_item_order);
    for (int i = 0, pos = 0; i < g->n_items; i++) {
        if (i && g->items[idx[i]].layer != g->items[idx[i - 1]].layer) pos = 0;
        g->items[idx[i]].order = pos++;
    }
}

/* Crossings between consecutive layers: every pair of chain segments whose
 * ends are in opposite order (quadratic; a map has at most a few hundred). */
static long count_crossings(const MapGraph *g) {
    long crossings = 0;
    for (int a = 0; a < g->n_edges; a++) {
        const MapEdge *e = &g->edges[a];
        for (int i = 0; i + 1 < e->n_chain; i++) {
            const MapItem *p = &g->items[e->chain[i]], *q = &g->items[e->chain[i + 1]];
            for (int b = a; b < g->n_edges; b++) {
                const MapEdge *f = &g->edges[b];
                for (int j = (b == a ? i + 1 : 0); j + 1 < f->n_chain; j++) {
                    const MapItem *s = &g->items[f->chain[j]], *t = &g->items[f->chain[j + 1]];
                    if (s->layer != p->layer) continue;
                    if ((long)(p->order - s->order) * (q->order - t->order) < 0) crossings++;
                }
            }
        }
    }
    return crossings;
}

/* Barycentre sweeps, alternately from the left and from the right, over real
 * and virtual nodes (weighted by log(1 + count)); keeps the best order seen. */
static void order_layers(Req *r, MapGraph *g) {
    int n = g->n_items;
    int *idx = arena_alloc(r->arena, sizeof(int) * (size_t)n);
    int *best = arena_alloc(r->arena, sizeof(int) * (size_t)n);
    double *sum = arena_alloc(r->arena, sizeof(double) * (size_t)n);
    double *wsum = arena_alloc(r->arena, sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) idx[i] = i;
    sort_layers(g, idx);
    long best_x = count_crossings(g);
    for (int i = 0; i < n; i++) best[i] = g->items[i].order;
    for (int sweep = 0; sweep < SWEEPS && best_x > 0; sweep++) {
        bool from_left = sweep % 2 == 0;
        memset(sum, 0, sizeof(double) * (size_t)n);
        memset(wsum, 0, sizeof(double) * (size_t)n);
        for (int k = 0; k < g->n_edges; k++) {
            const MapEdge *e = &g->edges[k];
            double w = log1p((double)e->count);
            for (int i = 0; i + 1 < e->n_chain; i++) {
                int left = e->chain[i], right = e->chain[i + 1];
                int v = from_left ? right : left, other = from_left ? left : right;
                sum[v] += w * g->items[other].order;
                wsum[v] += w;
            }
        }
        for (int v = 0; v < n; v++) g->items[v].bary = wsum[v] > 0 ? sum[v] / wsum[v] : g->items[v].order;
        sort_layers(g, idx);
        long x = count_crossings(g);
        if (x < best_x) {
            best_x = x;
            for (int i = 0; i < n; i++) best[i] = g->items[i].order;
        }
    }
    for (int i = 0; i < n; i++) g->items[i].order = best[i];
}

/* Least-squares positions y[0..n) closest to want[] with y[i+1] ≥ y[i] +
 * sep[i] (pool adjacent violators on y − cumulative separation). */
static void place_column(int n, const double *want, const double *sep, double *y, double *pool_v, int *pool_n) {
    int pools = 0;
    double off = 0;
    for (int i = 0; i < n; i++) {
        if (i) off += sep[i - 1];
        pool_v[pools] = want[i] - off;
        pool_n[pools] = 1;
        pools++;
        while (pools > 1 && pool_v[pools - 2] > pool_v[pools - 1]) {
            int a = pool_n[pools - 2], b = pool_n[pools - 1];
            pool_v[pools - 2] = (pool_v[pools - 2] * a + pool_v[pools - 1] * b) / (a + b);
            pool_n[pools - 2] = a + b;
            pools--;
        }
    }
    off = 0;
    for (int p = 0, i = 0; p < pools; p++)
        for (int k = 0; k < pool_n[p]; k++, i++) {
            if (i) off += sep[i - 1];
            y[i] = pool_v[p] + off;
        }
}

/* Vertical centres: each column stacked, then pulled towards the mean of its
 * neighbours' centres a few times, never closer than the gaps allow. */
static void place_items(Req *r, MapGraph *g) {
    int n = g->n_items;
    int **col = arena_alloc(r->arena, sizeof(int *) * (size_t)g->n_layers);
    int *col_n = arena_alloc(r->arena, sizeof(int) * (size_t)g->n_layers);
    memset(col_n, 0, sizeof(int) * (size_t)g->n_layers);
    for (int i = 0; i < n; i++) col_n[g->items[i].layer]++;
    for (int l = 0; l < g->n_layers; l++) col[l] = arena_alloc(r->arena, sizeof(int) * (size_t)(col_n[l] + 1));
    for (int i = 0; i < n; i++) col[g->items[i].layer][g->items[i].order] = i;
    double *want = arena_alloc(r->arena, sizeof(double) * (size_t)n),
           *sep = arena_alloc(r->arena, sizeof(double) * (size_t)n);
    double *y = arena_alloc(r->arena, sizeof(double) * (size_t)n),
           *pool_v = arena_alloc(r->arena, sizeof(double) * (size_t)n);
    int *pool_n = arena_alloc(r->arena, sizeof(int) * (size_t)n);
    double *sum = arena_alloc(r->arena, sizeof(double) * (size_t)n),
           *wsum = arena_alloc(r->arena, sizeof(double) * (size_t)n);
    for (int pass = 0; pass < 8; pass++) {
        memset(sum, 0, sizeof(double) * (size_t)n);
        memset(wsum, 0, sizeof(double) * (size_t)n);
        if (pass > 0)
            for (int k = 0; k < g->n_edges; k++) {
                const MapEdge *e = &g->edges[k];
                double w = log1p((double)e->count) + (e->n_chain > 2 ? 1.0 : 0.0); /* long edges straighten first */
                for (int i = 0; i + 1 < e->n_chain; i++) {
                    int a = e->chain[i], b = e->chain[i + 1];
                    sum[a] += w * g->items[b].y, wsum[a] += w;
                    sum[b] += w * g->items[a].y, wsum[b] += w;
                }
            }
        for (int l = 0; l < g->n_layers; l++) {
            for (int o = 0; o < col_n[l]; o++) {
                const MapItem *it = &g->items[col[l][o]];
                want[o] = pass == 0 ? 0 : wsum[col[l][o]] > 0 ? sum[col[l][o]] / wsum[col[l][o]] : it->y;
                if (o + 1 < col_n[l]) {
                    const MapItem *next = &g->items[col[l][o + 1]];
                    bool boxes = it->edge < 0 && next->edge < 0;
                    int below = col[l][o + 1];
                    sep[o] = it->h / 2 + next->h / 2 + (boxes ? ROW_GAP : LANE_GAP) +
                             (below < g->n_nodes && g->nodes[below].self_loop ? LOOP_H : 0);
                }
            }
            place_column(col_n[l], want, sep, y, pool_v, pool_n);
            for (int o = 0; o < col_n[l]; o++) g->items[col[l][o]].y = y[o];
        }
    }
    /* shift so that the highest box (and the loop above it) starts at the margin */
    double top = 1e300, bottom = -1e300;
    for (int i = 0; i < n; i++) {
        const MapItem *it = &g->items[i];
        double t = it->y - it->h / 2 - (i < g->n_nodes && g->nodes[i].self_loop ? LOOP_H + 12 : 0);
        if (it->edge >= 0) t -= 12; /* an edge label sits above its lane */
        if (t < top) top = t;
        if (it->y + it->h / 2 > bottom) bottom = it->y + it->h / 2;
    }
    for (int i = 0; i < n; i++) g->items[i].y += MARGIN - top;
    g->height = bottom - top + 2 * MARGIN;
}

static void layout(Req *r, MapGraph *g) {
    int n = g->n_nodes;
    int *by_count = arena_alloc(r->arena, sizeof(int) * (size_t)(g->n_edges + 1));
    int state[MAP_MAX_NODES + 2] = {0};
    for (int k = 0; k < g->n_edges; k++) by_count[k] = k;
    cmp_edges_base = g->edges;
    qsort(by_count, (size_t)g->n_edges, sizeof(int), cmp_edge_count);
    mark_back_edges(g, 0, state, by_count);
    for (int v = 0; v < n; v++) /* parts not reachable from the start */
        if (!state[v]) mark_back_edges(g, v, state, by_count);
    MapItem layered[MAP_MAX_NODES + 2];
    assign_layers(g, layered);
    make_chains(r, g, layered);
    order_layers(r, g);
    place_items(r, g);
    g->col_x = arena_alloc(r->arena, sizeof(double) * (size_t)g->n_layers);
    g->col_w = arena_alloc(r->arena, sizeof(double) * (size_t)g->n_layers);
    double x = MARGIN;
    for (int l = 0; l < g->n_layers; l++) {
        g->col_w[l] = l == 0 || l == g->n_layers - 1 ? TERM_W : NODE_W;
        g->col_x[l] = x;
        x += g->col_w[l] + COL_GAP;
    }
    g->width = x - COL_GAP + MARGIN;
    for (int v = 0; v < n; v++) {
        MapNode *m = &g->nodes[v];
        const MapItem *it = &g->items[v];
        m->x = g->col_x[it->layer];
        m->y = it->y - NODE_H / 2.0;
    }
}

/* Where edges meet a box: spread down its side in the order of the items
 * they come from, so that they do not cross at the box (start and end: the
 * circle's centre line). */
static _Thread_local const double *cmp_port_key;
static int cmp_port(const void *a, const void *b) {
    double x = cmp_port_key[*(const int *)a], y = cmp_port_key[*(const int *)b];
    return (x > y) - (x < y);
}

static void assign_ports(Req *r, MapGraph *g) {
    int *side = arena_alloc(r->arena, sizeof(int) * (size_t)(2 * g->n_edges + 1));
    double *key = arena_alloc(r->arena, sizeof(double) * (size_t)(2 * g->n_edges + 1));
    for (int v = 0; v < g->n_nodes; v++) {
        const MapNode *m = &g->nodes[v];
        for (int right = 0; right < 2; right++) {
            int n = 0;
            /* the right side holds the lower-layer ends (chain[0]), the left side the higher-layer ends */
            for (int k = 0; k < g->n_edges; k++) {
                const MapEdge *e = &g->edges[k];
                if (!e->chain) continue;
                int end = right ? 0 : e->n_chain - 1, next = right ? 1 : e->n_chain - 2;
                if (e->chain[end] != v) continue;
                side[n] = 2 * k + (right ? 0 : 1);
                key[n] = g->items[e->chain[next]].y + (e->back ? 0.5 : 0); /* a 2-cycle: the back edge below */
                n++;
            }
            int *slot = arena_alloc(r->arena, sizeof(int) * (size_t)(n + 1));
            for (int i = 0; i < n; i++) slot[i] = i;
            cmp_port_key = key;
            qsort(slot, (size_t)n, sizeof(int), cmp_port);
            for (int i = 0; i < n; i++) {
                int s = side[slot[i]];
                MapEdge *e = &g->edges[s / 2];
                double y = m->kind ? m->y + NODE_H / 2.0 : m->y + 8 + (NODE_H - 16) * (i + 1.0) / (n + 1.0);
                if (s % 2 == 0) e->port_lo = y;
                else e->port_hi = y;
            }
        }
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

/* The graph drawn: the start and end nodes, at most MAP_MAX_NODES activities
 * (most instances first), the shown share of the edges among them, and the
 * start / end edges. An activity left without any drawn edge (its edges fell
 * below the paths limit) is not drawn: a box floating in the first column
 * says nothing. g->n_over_cap and g->n_unlinked count what was left out, for
 * the note under the map. Linear in activities + edges of the analysis. */
static void build_graph(Req *r, const Analysis *an, MapGraph *g) {
    memset(g, 0, sizeof *g);
    g->nodes[0] = (MapNode){.kind = 1, .act = -1};
    g->nodes[1] = (MapNode){.kind = 2, .act = -1};
    g->n_nodes = 2;
    int n_acts = an->n_activities_out;
    /* node of each of the log's activity numbers (what edges refer to), -1 when not drawn */
    size_t n_log_acts = an->log->activities.n;
    int *node_of = arena_alloc(r->arena, sizeof(int) * (n_log_acts + 1));
    memset(node_of, 0xff, sizeof(int) * (n_log_acts + 1));
    /* activities by instances, most frequent first (the analysis' order) */
    for (int i = 0; i < n_acts; i++) {
        if (an->activities[i].instances == 0) continue;
        if (g->n_nodes == MAP_MAX_NODES + 2) {
            g->n_over_cap++;
            continue;
        }
        node_of[an->activities[i].activity] = g->n_nodes;
        g->nodes[g->n_nodes++] = (MapNode){.name = an->activities[i].name, .act = i};
    }
    int keep = shown_edges(r, an->n_edges);
    int max_edges = (keep < an->n_edges ? keep : an->n_edges) + 2 * MAP_MAX_NODES + 1;
    g->edges = arena_alloc(r->arena, sizeof(MapEdge) * (size_t)max_edges);
    g->n_edges = 0;
    for (int k = 0; k < an->n_edges && k < keep; k++) {
        const AnlEdge *e = &an->edges[k];
        int from = node_of[e->from], to = node_of[e->to];
        if (from < 0 || to < 0) continue;
        g->edges[g->n_edges++] = (MapEdge){.from = from, .to = to, .count = e->count, .wait_mean_ms = e->waiting.mean};
    }
    for (int v = 2; v < g->n_nodes; v++) {
        const AnlActivity *a = &an->activities[g->nodes[v].act];
        if (a->start_count > 0)
            g->edges[g->n_edges++] = (MapEdge){.from = 0, .to = v, .count = a->start_count, .wait_mean_ms = -1};
        if (a->end_count > 0)
            g->edges[g->n_edges++] = (MapEdge){.from = v, .to = 1, .count = a->end_count, .wait_mean_ms = -1};
    }
    /* leave out the activities no drawn edge touches, renumbering the rest */
    bool linked[MAP_MAX_NODES + 2] = {true, true};
    for (int k = 0; k < g->n_edges; k++) linked[g->edges[k].from] = linked[g->edges[k].to] = true;
    int renum[MAP_MAX_NODES + 2], n = 0;
    for (int v = 0; v < g->n_nodes; v++) {
        renum[v] = linked[v] ? n : -1;
        if (linked[v]) g->nodes[n++] = g->nodes[v];
        else g->n_unlinked++;
    }
    g->n_nodes = n;
    for (int k = 0; k < g->n_edges; k++) {
        g->edges[k].from = renum[g->edges[k].from];
        g->edges[k].to = renum[g->edges[k].to];
    }
}

/* x where an edge leaves (right side) or enters (left side) a node. */
static double port_x(const MapGraph *g, int v, bool right) {
    const MapNode *m = &g->nodes[v];
    if (m->kind) return m->x + TERM_W / 2.0 + (right ? TERM_R : -TERM_R);
    return right ? m->x + NODE_W : m->x;
}

/* The edge's path: lower-layer node → each lane (straight across its column)
 * → higher-layer node, joined by cubic curves with horizontal tangents in the
 * gaps between columns (x stays inside the gap: the curve meets no box), then
 * reversed for a back edge. The label goes on the middle lane, or halfway
 * across the gap of a short edge. */
static const char *edge_path(Req *r, const MapGraph *g, const MapEdge *e, double *lx, double *ly) {
    int n_pts = 2 * e->n_chain - 2;
    double *px = arena_alloc(r->arena, sizeof(double) * (size_t)n_pts);
    double *py = arena_alloc(r->arena, sizeof(double) * (size_t)n_pts);
    int k = 0;
    px[k] = port_x(g, e->chain[0], true), py[k++] = e->port_lo;
    for (int i = 1; i + 1 < e->n_chain; i++) {
        const MapItem *it = &g->items[e->chain[i]];
        px[k] = g->col_x[it->layer], py[k++] = it->y;
        px[k] = g->col_x[it->layer] + g->col_w[it->layer], py[k++] = it->y;
    }
    px[k] = port_x(g, e->chain[e->n_chain - 1], false), py[k++] = e->port_hi;
    if (e->n_chain > 2) {
        const MapItem *mid = &g->items[e->chain[e->n_chain / 2]];
        *lx = g->col_x[mid->layer] + g->col_w[mid->layer] / 2, *ly = mid->y - 4;
    } else *lx = (px[0] + px[1]) / 2, *ly = (py[0] + py[1]) / 2 - 4;
    if (e->back)
        for (int i = 0; i < n_pts / 2; i++) {
            double tx = px[i], ty = py[i];
            px[i] = px[n_pts - 1 - i], py[i] = py[n_pts - 1 - i];
            px[n_pts - 1 - i] = tx, py[n_pts - 1 - i] = ty;
        }
    Buf b = {0};
    buf_printf(&b, "M%.1f %.1f", px[0], py[0]);
    for (int i = 1; i < n_pts; i++) {
        if (i % 2 == 0) { /* across a lane */
            buf_printf(&b, "L%.1f %.1f", px[i], py[i]);
            continue;
        }
        double mx = (px[i - 1] + px[i]) / 2;
        buf_printf(&b, "C%.1f %.1f %.1f %.1f %.1f %.1f", mx, py[i - 1], mx, py[i], px[i], py[i]);
    }
    const char *d = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return d;
}

static void draw_edge(Req *r, const MapGraph *g, const MapEdge *e, int64_t max_count, double max_wait,
                      bool performance) {
    const MapNode *a = &g->nodes[e->from], *b = &g->nodes[e->to];
    double width = 1.2 + 7.0 * (double)e->count / (double)(max_count ? max_count : 1);
    int cls = performance && e->wait_mean_ms >= 0 ? wait_class(e->wait_mean_ms, max_wait) : -1;
    const char *label =
        performance && e->wait_mean_ms >= 0 ? eventlogs_fmt_duration(r->arena, e->wait_mean_ms) : html_int(r, e->count);
    double lx, ly;
    const char *d;
    if (e->from == e->to) { /* self-loop: a small arc over the box's top right corner */
        double x1 = a->x + NODE_W - 40, x2 = a->x + NODE_W - 14, top = a->y - LOOP_H;
        d = arena_printf(r->arena, "M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", x1, a->y, x1 - 4, top, x2 + 4, top, x2,
                         a->y);
        lx = (x1 + x2) / 2, ly = top - 2;
    } else d = edge_path(r, g, e, &lx, &ly);
    const char *kind = cls < 0 ? "freq" : arena_printf(r->arena, "w%d", cls);
    const char *shape = e->from == e->to ? " self" : e->back ? " back" : "";
    html_printf(r,
                "<g class=\"map-edge\"><title>%s → %s: %s</title>"
                "<path class=\"edge-%s%s\" d=\"%s\" stroke-width=\"%.1f\" marker-end=\"url(#evm-%s)\"/>",
                a->name ? clip_label(r, a->name, 120) : "●", b->name ? clip_label(r, b->name, 120) : "■", label, kind,
                shape, d, width, kind);
    html_printf(r, "<text class=\"edge-label\" x=\"%.1f\" y=\"%.1f\">%s</text></g>", lx, ly, label);
}

void eventlogs_render_map(Req *r, const Analysis *an, bool performance) {
    MapGraph g;
    build_graph(r, an, &g);
    layout(r, &g);
    assign_ports(r, &g);
    int64_t max_count = 1;
    double max_wait = 0;
    for (int k = 0; k < g.n_edges; k++) {
        if (g.edges[k].count > max_count) max_count = g.edges[k].count;
        if (g.edges[k].wait_mean_ms > max_wait) max_wait = g.edges[k].wait_mean_ms;
    }
    html_printf(r,
                "<svg class=\"process-map%s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\""
                " aria-labelledby=\"map-title\"><title id=\"map-title\">%s</title><defs>",
                performance ? " perf" : "", g.width, g.height, g.width, g.height,
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
            double cx = m->x + TERM_W / 2.0, cy = m->y + NODE_H / 2.0;
            html_printf(r,
                        "<g class=\"map-terminal\"><title>%s</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\">%s</text></g>",
                        T(r, m->kind == 1 ? "eventlogs.map.start" : "eventlogs.map.end"), cx, cy, TERM_R, cx,
                        cy + TERM_R + 16, T(r, m->kind == 1 ? "eventlogs.map.start" : "eventlogs.map.end"));
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
                    clip_label(r, m->name, 240),
                    T(r, performance ? "eventlogs.map.mean_service" : "eventlogs.map.instances"), sub, m->x, m->y,
                    NODE_W, NODE_H, m->x + NODE_W / 2.0, m->y + 19, clip_label(r, m->name, 20), m->x + NODE_W / 2.0,
                    m->y + 36, sub);
    }
    html_raw(r, "</g></svg>");
    /* say what the map leaves out: a map that silently drops boxes misleads */
    if (g.n_over_cap)
        html_printf(r, "<p class=\"hint map-note\">%s</p>",
                    i18n_fmt(r->arena, r->locale, "eventlogs.map.over_cap", 2,
                             (const char *[]){html_int(r, g.n_over_cap), html_int(r, MAP_MAX_NODES)}));
    if (g.n_unlinked)
        html_printf(
            r, "<p class=\"hint map-note\">%s</p>",
            i18n_fmt(r->arena, r->locale, "eventlogs.map.unlinked", 1, (const char *[]){html_int(r, g.n_unlinked)}));
}

void eventlogs_render_histogram(Req *r, const AnlActivity *act) {
    enum { HW = 260, HH = 96, BASE = 72, LEFT = 6 };
    int64_t max = 0, total = 0;
    for (int i = 0; i < ANL_HIST_BINS; i++) {
        if (act->service_hist.counts[i] > max) max = act->service_hist.counts[i];
        total += act->service_hist.counts[i];
    }
    html_printf(r,
                "<svg class=\"histogram\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
                "<title>%s</title>",
                HW, HH, HW, HH,
                i18n_fmt(r->arena, r->locale, "eventlogs.hist.title", 2,
                         (const char *[]){clip_label(r, act->name, 200), html_int(r, total)}));
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
