/* goals_model.c — goals, key results, check-ins and checkpoints: queries,
 * rules, progress with its roll-up, expected progress and the SMART check
 * (docs/goals.md). Every change runs in one write transaction with its audit
 * row; edits check the row version and fail with 412 when stale. No HTML or
 * HTTP here: errors are reported through req_fail(). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "goals.h"

#define DB_FAIL(r)    req_fail((r), 503, NULL, "error.db_unavailable")
#define TX_DB_FAIL(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")

/* Serialises through the streaming writer into arena memory (audit snapshots). */
#define SNAPSHOT(r, stmt)                                                                                              \
    ({                                                                                                                 \
        Buf b_ = {0};                                                                                                  \
        JsonW w_;                                                                                                      \
        jw_init(&w_, &b_);                                                                                             \
        JsonW *w = &w_;                                                                                                \
        stmt;                                                                                                          \
        char *s_ = arena_strdup((r)->arena, buf_cstr(&b_));                                                            \
        buf_free(&b_);                                                                                                 \
        s_;                                                                                                            \
    })

static int audit_commit(Req *r, const char *action, const char *entity, int64_t id, const char *before,
                        const char *after) {
    if (web_audit(r, action, entity, id, before, after) != 0) {
        db_rollback(r->db);
        return -1;
    }
    return db_commit(r->db) == DB_OK ? 0 : DB_FAIL(r);
}

static int64_t checkin_insert(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence,
                              const char *note, bool automatic, int64_t now);

static bool is_admin(Req *r) { return r->who && r->who->role == ROLE_ADMIN; }

static const char *caller_path(Req *r) {
    return r->who && r->who->team_path && *r->who->team_path ? r->who->team_path : "/nothing/";
}

static bool same_branch(const char *a, const char *b) {
    return a && b && (strncmp(a, b, strlen(a)) == 0 || strncmp(b, a, strlen(b)) == 0);
}

static int level_rank(const char *level) {
    return strcmp(level, "company") == 0 ? 0 : strcmp(level, "team") == 0 ? 1 : 2;
}

static double round4(double v) { return round(v * 10000.0) / 10000.0; }

/* Goals the caller reads: company goals, goals of teams the caller can read
 * (their subtree), and goals of the teams above theirs, the chain their own
 * goals align to (docs/goals.md). */
static bool goal_team_readable(Req *r, int64_t team_id) {
    if (!team_id || is_admin(r) || web_can_read_team(r, team_id)) return true;
    const char *path = web_team_path(r, team_id);
    return path && strncmp(caller_path(r), path, strlen(path)) == 0;
}

/* ======================= dates ======================= */

const char *goals_date(Req *r, int64_t day_ms) {
    char iso[32];
    time_format_iso(day_ms, iso, sizeof iso);
    iso[10] = 0;
    return arena_strdup(r->arena, iso);
}

int goals_parse_date(const char *s, int64_t *day_ms) {
    int y, m, d, n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10) return -1;
    if (!time_valid_date(y, m, d)) return -1;
    *day_ms = time_days_from_civil(y, (unsigned)m, (unsigned)d) * GOALS_DAY_MS;
    return 0;
}

static void civil_of(int64_t day_ms, int *y, int *m, int *d) {
    char iso[32];
    time_format_iso(day_ms, iso, sizeof iso);
    if (sscanf(iso, "%d-%d-%d", y, m, d) != 3) *y = 1970, *m = 1, *d = 1;
}

/* First day of the month `months` after y-m. */
static int64_t month_start(int y, int m, int months) {
    int idx = y * 12 + (m - 1) + months;
    return time_days_from_civil(idx / 12, (unsigned)(idx % 12 + 1), 1) * GOALS_DAY_MS;
}

int goals_parse_period(const char *s, int64_t *from_ms, int64_t *to_ms) {
    int y, m, n = 0;
    size_t len = s ? strlen(s) : 0;
    if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4) {
        *from_ms = month_start(y, 1, 0), *to_ms = month_start(y, 1, 12);
        return 0;
    }
    if (len == 7 && s[4] == '-' && s[5] == 'Q' && sscanf(s, "%4d-Q%1d%n", &y, &m, &n) == 2 && n == 7 && m >= 1 &&
        m <= 4) {
        *from_ms = month_start(y, (m - 1) * 3 + 1, 0), *to_ms = month_start(y, (m - 1) * 3 + 1, 3);
        return 0;
    }
    if (len == 7 && s[4] == '-' && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 && m >= 1 && m <= 12) {
        *from_ms = month_start(y, m, 0), *to_ms = month_start(y, m, 1);
        return 0;
    }
    return -1;
}

/* ======================= progress ======================= */

double goals_kr_progress(const GoalKr *k) {
    double cur = k->has_current ? k->current : k->baseline;
    if (strcmp(k->kind, "milestone") == 0) return cur >= (k->has_target ? k->target : 1.0) ? 1.0 : 0.0;
    if (strcmp(k->direction, "range") == 0) {
        if (!k->has_low || !k->has_high) return 0.0;
        return cur >= k->range_low && cur <= k->range_high ? 1.0 : 0.0;
    }
    if (!k->has_target) return 0.0;
    double span = k->target - k->baseline;
    if (span == 0) {
        bool reached = strcmp(k->direction, "decrease") == 0 ? cur <= k->target : cur >= k->target;
        return reached ? 1.0 : 0.0;
    }
    double p = (cur - k->baseline) / span; /* a decrease has a negative span: same formula */
    return p < 0 ? 0.0 : p > 1 ? 1.0 : p;
}

static double expected_at(const Goal *g, int64_t now) {
    int64_t end = g->end_at + GOALS_DAY_MS; /* the end day is part of the period */
    if (end <= g->start_at) return 1.0;
    double e = (double)(now - g->start_at) / (double)(end - g->start_at);
    return e < 0 ? 0.0 : e > 1 ? 1.0 : e;
}

/* Every live goal as a node of the alignment tree with its own key results'
 * weighted sums; children are linked so that progress rolls up. */
typedef struct PNode {
    int64_t id, parent_id;
    double kr_w, kr_wp;    /* Σ weight, Σ weight × progress of its key results */
    int first_child, next; /* indices; -1: none */
    int state;             /* 0 new, 1 visiting, 2 done */
    bool has;              /* has a progress (a key result or a child with one) */
    double progress;
} PNode;

typedef struct PMap {
    PNode *nodes;
    int n;
} PMap;

static int pmap_find(const PMap *m, int64_t id) {
    int lo = 0, hi = m->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (m->nodes[mid].id == id) return mid;
        if (m->nodes[mid].id < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

static void kr_from_row(Req *r, DbStmt *st, int c, GoalKr *k) {
    k->id = db_col_int(st, c + 0);
    k->goal_id = db_col_int(st, c + 1);
    k->metric = arena_strdup(r->arena, db_col_text(st, c + 2));
    k->unit = arena_strdup(r->arena, db_col_text(st, c + 3));
    k->kind = arena_strdup(r->arena, db_col_text(st, c + 4));
    k->direction = arena_strdup(r->arena, db_col_text(st, c + 5));
    k->baseline = db_col_double(st, c + 6);
    k->has_target = !db_col_null(st, c + 7);
    k->target = k->has_target ? db_col_double(st, c + 7) : 0;
    k->has_low = !db_col_null(st, c + 8);
    k->range_low = k->has_low ? db_col_double(st, c + 8) : 0;
    k->has_high = !db_col_null(st, c + 9);
    k->range_high = k->has_high ? db_col_double(st, c + 9) : 0;
    k->has_current = !db_col_null(st, c + 10);
    k->current = k->has_current ? db_col_double(st, c + 10) : 0;
    k->deadline_at = db_col_null(st, c + 11) ? 0 : db_col_int(st, c + 11);
    k->weight = db_col_double(st, c + 12);
    k->version = db_col_int(st, c + 13);
    k->created_at = db_col_int(st, c + 14);
    k->updated_at = db_col_int(st, c + 15);
    k->value_source = arena_strdup(r->arena, db_col_text(st, c + 16));
    k->tasks_done = db_col_int(st, c + 17);
    k->tasks_total = db_col_int(st, c + 18);
    k->progress = goals_kr_progress(k);
}

#define KR_COLS                                                                                                        \
    "k.id, k.goal_id, k.metric, k.unit, k.kind, k.direction, k.baseline, k.target, k.range_low, k.range_high,"         \
    " k.current_value, k.deadline_at, k.weight, k.version, k.created_at, k.updated_at, k.value_source,"                \
    " k.tasks_done, k.tasks_total"

/* The columns of KR_COLS that the progress of a key result needs, read in
 * place (no copies): the roll-up reads every live key result. kind and
 * direction point into the row and are valid until the next db_step. */
static void kr_progress_from_row(DbStmt *st, GoalKr *k) {
    memset(k, 0, sizeof *k);
    k->goal_id = db_col_int(st, 1);
    k->kind = db_col_text(st, 4);
    k->direction = db_col_text(st, 5);
    k->baseline = db_col_double(st, 6);
    k->has_target = !db_col_null(st, 7);
    k->target = k->has_target ? db_col_double(st, 7) : 0;
    k->has_low = !db_col_null(st, 8);
    k->range_low = k->has_low ? db_col_double(st, 8) : 0;
    k->has_high = !db_col_null(st, 9);
    k->range_high = k->has_high ? db_col_double(st, 9) : 0;
    k->has_current = !db_col_null(st, 10);
    k->current = k->has_current ? db_col_double(st, 10) : 0;
    k->weight = db_col_double(st, 12);
    k->progress = goals_kr_progress(k);
}

static void pmap_roll(PMap *m, int i) {
    PNode *p = &m->nodes[i];
    if (p->state) return; /* done, or a cycle (never written: updates refuse them) */
    p->state = 1;
    double w = p->kr_w, wp = p->kr_wp;
    /* Each child goal with a progress counts as one item of weight 1, beside
     * the goal's own key results with their weights (docs/goals.md). */
    for (int c = p->first_child; c >= 0; c = m->nodes[c].next) {
        pmap_roll(m, c);
        if (m->nodes[c].has) w += 1.0, wp += m->nodes[c].progress;
    }
    p->has = w > 0;
    p->progress = p->has ? wp / w : 0.0;
    p->state = 2;
}

/* Loads the whole live tree with key results and rolls progress up. */
static int pmap_load(Req *r, PMap *m) {
    int64_t count = 0;
    if (db_query_int(r->db, "SELECT COUNT(*) FROM goals WHERE deleted_at IS NULL", &count) < 0) return DB_FAIL(r);
    m->nodes = arena_alloc(r->arena, sizeof *m->nodes * (size_t)(count + 1));
    m->n = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id, COALESCE(parent_id, 0) FROM goals WHERE deleted_at IS NULL ORDER BY id", &st) !=
        DB_OK)
        return DB_FAIL(r);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && m->n < count) {
        PNode *p = &m->nodes[m->n++];
        memset(p, 0, sizeof *p);
        p->id = db_col_int(st, 0);
        p->parent_id = db_col_int(st, 1);
        p->first_child = p->next = -1;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    /* Only the columns progress needs, in KR_COLS positions 1 and 4-12 (the
     * rest NULL placeholders keep kr_progress_from_row's indices). */
    if (db_prepare(r->db,
                   "SELECT NULL, k.goal_id, NULL, NULL, k.kind, k.direction, k.baseline, k.target, k.range_low,"
                   " k.range_high, k.current_value, NULL, k.weight FROM goal_key_results k JOIN goals g ON g.id = "
                   "k.goal_id WHERE k.deleted_at IS NULL AND g.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    while ((rc = db_step(st)) == DB_ROW) {
        GoalKr k;
        kr_progress_from_row(st, &k);
        int i = pmap_find(m, k.goal_id);
        if (i < 0) continue;
        m->nodes[i].kr_w += k.weight;
        m->nodes[i].kr_wp += k.weight * k.progress;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    for (int i = m->n - 1; i >= 0; i--) { /* reverse: children end up in id order */
        int parent = m->nodes[i].parent_id ? pmap_find(m, m->nodes[i].parent_id) : -1;
        if (parent < 0) continue;
        m->nodes[i].next = m->nodes[parent].first_child;
        m->nodes[parent].first_child = i;
    }
    for (int i = 0; i < m->n; i++) pmap_roll(m, i);
    return 0;
}

static void apply_progress(const PMap *m, Goal *g, int64_t now) {
    int i = pmap_find(m, g->id);
    g->has_progress = i >= 0 && m->nodes[i].has;
    g->progress = g->has_progress ? round4(m->nodes[i].progress) : 0.0;
    g->expected = round4(expected_at(g, now));
    g->behind = g->has_progress && strcmp(g->status, "active") == 0 && g->progress < g->expected;
}

/* ======================= reading goals ======================= */

#define GOAL_COLS                                                                                                      \
    "g.id, g.parent_id, g.level, g.title, g.description, g.owner_id, u.name, g.team_id, t.name, g.period,"             \
    " g.start_at, g.end_at, g.status, g.version, g.created_at, g.updated_at"
#define GOAL_FROM " FROM goals g JOIN users u ON u.id = g.owner_id LEFT JOIN teams t ON t.id = g.team_id"

static void goal_from_row(Req *r, DbStmt *st, Goal *g) {
    memset(g, 0, sizeof *g);
    g->id = db_col_int(st, 0);
    g->parent_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
    g->level = arena_strdup(r->arena, db_col_text(st, 2));
    g->title = arena_strdup(r->arena, db_col_text(st, 3));
    g->description = arena_strdup(r->arena, db_col_text(st, 4));
    g->owner_id = db_col_int(st, 5);
    g->owner_name = arena_strdup(r->arena, db_col_text(st, 6));
    g->team_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
    g->team_name = arena_strdup(r->arena, db_col_text(st, 8));
    g->period = arena_strdup(r->arena, db_col_text(st, 9));
    g->start_at = db_col_int(st, 10);
    g->end_at = db_col_int(st, 11);
    g->status = arena_strdup(r->arena, db_col_text(st, 12));
    g->version = db_col_int(st, 13);
    g->created_at = db_col_int(st, 14);
    g->updated_at = db_col_int(st, 15);
}

static int load_goals(Req *r, const GoalFilter *f, Goal **out, int *n) {
    const char *team_path = NULL;
    if (f->team_id && !(team_path = web_team_path(r, f->team_id)))
        return req_fail(r, 400, "team_id", "error.team_unknown");
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " GOAL_COLS GOAL_FROM " WHERE g.deleted_at IS NULL AND g.id > ?1"
                   " AND (?2 = 1 OR g.team_id IS NULL OR t.path LIKE ?3 || '%' OR ?3 LIKE t.path || '%')"
                   " AND (CAST(?4 AS TEXT) IS NULL OR t.path LIKE ?4 || '%') AND (?5 = 0 OR g.owner_id = ?5)"
                   " AND (CAST(?6 AS TEXT) IS NULL OR g.status = ?6) AND (CAST(?7 AS TEXT) IS NULL OR g.level = ?7)"
                   " AND (?8 = 0 OR g.end_at >= ?8) AND (?9 = 0 OR g.start_at < ?9)"
                   " ORDER BY g.id LIMIT ?10",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, f->after_id);
    db_bind_int(st, 2, is_admin(r) ? 1 : 0);
    db_bind_text(st, 3, caller_path(r));
    db_bind_text(st, 4, team_path);
    db_bind_int(st, 5, f->owner_id);
    db_bind_text(st, 6, f->status);
    db_bind_text(st, 7, f->level);
    db_bind_int(st, 8, f->from_ms);
    db_bind_int(st, 9, f->to_ms);
    db_bind_int(st, 10, f->limit);
    Goal *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(f->limit + 1));
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < f->limit) goal_from_row(r, st, &rows[count++]);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    PMap m;
    if (pmap_load(r, &m) != 0) return -1;
    int64_t now = time_now_ms();
    for (int i = 0; i < count; i++) apply_progress(&m, &rows[i], now);
    *out = rows;
    *n = count;
    return 0;
}

int goals_list(Req *r, const GoalFilter *f, Goal **out, int *n) { return load_goals(r, f, out, n); }

/* Depth first from each root, children in id order; `used` stops cycles. */
static void tree_walk(const Goal *all, const int *first_child, const int *next, int i, Goal *out, int *depths, int *k,
                      int depth, bool *used) {
    used[i] = true;
    depths[*k] = depth;
    out[(*k)++] = all[i];
    for (int c = first_child[i]; c >= 0; c = next[c])
        if (!used[c]) tree_walk(all, first_child, next, c, out, depths, k, depth + 1, used);
}

/* Index of the goal with this id in all[] (ascending ids: load_goals orders by id), or -1. */
static int goal_index(const Goal *all, int n, int64_t id) {
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (all[mid].id == id) return mid;
        if (all[mid].id < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

int goals_tree(Req *r, const GoalFilter *f, Goal **out, int **depths, int *n) {
    Goal *all;
    int count;
    GoalFilter ff = *f;
    ff.limit = 2000;
    if (load_goals(r, &ff, &all, &count) != 0) return -1;
    /* A root is a goal whose parent is not in the (filtered, readable) set;
     * children are linked in id order (built backwards, pushed in front). */
    bool *used = arena_alloc(r->arena, (size_t)count + 1);
    int *parent = arena_alloc(r->arena, sizeof(int) * (size_t)(count + 1));
    int *first_child = arena_alloc(r->arena, sizeof(int) * (size_t)(count + 1));
    int *next = arena_alloc(r->arena, sizeof(int) * (size_t)(count + 1));
    for (int i = 0; i < count; i++) {
        used[i] = false;
        first_child[i] = next[i] = -1;
        parent[i] = all[i].parent_id ? goal_index(all, count, all[i].parent_id) : -1;
    }
    for (int i = count - 1; i >= 0; i--) {
        if (parent[i] < 0) continue;
        next[i] = first_child[parent[i]];
        first_child[parent[i]] = i;
    }
    Goal *ordered = arena_alloc(r->arena, sizeof *ordered * (size_t)(count + 1));
    int *d = arena_alloc(r->arena, sizeof *d * (size_t)(count + 1));
    int k = 0;
    for (int i = 0; i < count; i++)
        if (parent[i] < 0 && !used[i]) tree_walk(all, first_child, next, i, ordered, d, &k, 0, used);
    *out = ordered;
    *depths = d;
    *n = k;
    return 0;
}

static int load_krs(Req *r, Goal *g) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " KR_COLS " FROM goal_key_results k WHERE k.goal_id = ?1 AND k.deleted_at IS NULL"
                   " ORDER BY k.id",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, g->id);
    g->krs = arena_alloc(r->arena, sizeof *g->krs * GOALS_MAX_KRS);
    g->n_krs = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && g->n_krs < GOALS_MAX_KRS) kr_from_row(r, st, 0, &g->krs[g->n_krs++]);
    db_finalize(st);
    return rc < 0 ? DB_FAIL(r) : 0;
}

/* The row only (no KRs, no progress): 0, 1 when not found, <0 on error. */
static int goal_row(Req *r, int64_t id, Goal *g) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " GOAL_COLS GOAL_FROM " WHERE g.id = ?1 AND g.deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) goal_from_row(r, st, g);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

int goals_get(Req *r, int64_t id, Goal *g) {
    int rc = goal_row(r, id, g);
    if (rc != 0) return rc;
    if (load_krs(r, g) != 0) return -1;
    PMap m;
    if (pmap_load(r, &m) != 0) return -1;
    apply_progress(&m, g, time_now_ms());
    return 0;
}

/* ======================= access ======================= */

bool goals_can_edit(Req *r, const Goal *g) {
    if (!r->who) return false;
    if (r->who->role == ROLE_ADMIN) return true;
    if (r->who->role == ROLE_VIEWER || strcmp(g->level, "company") == 0) return false;
    if (strcmp(g->level, "team") == 0) return web_can_manage_team(r, g->team_id);
    return g->owner_id == r->who->user_id || web_can_manage_team(r, g->team_id);
}

bool goals_can_checkin(Req *r, const Goal *g) {
    if (goals_can_edit(r, g)) return true;
    return r->who && r->who->role != ROLE_VIEWER && g->owner_id == r->who->user_id;
}

int goals_scope(Req *r, int64_t *team_id) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COALESCE(team_id, 0) FROM goals WHERE id = ?1 AND deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    int64_t team = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return req_fail(r, 404, NULL, "error.not_found");
    /* A company goal belongs to no team and everyone reads it: the caller's
     * own team stands in (admins without a team pass any check). */
    if (!team || (!web_can_read_team(r, team) && goal_team_readable(r, team)))
        team = r->who && r->who->team_id ? r->who->team_id : -1;
    *team_id = team;
    return 0;
}

/* ======================= SMART check ======================= */

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

/* ======================= writing goals ======================= */

typedef struct Owner {
    int64_t id, team_id;
    const char *team_path, *role;
    bool disabled;
} Owner;

static int owner_get(Req *r, int64_t id, Owner *o) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, COALESCE(u.team_id, 0), t.path, u.role, u.disabled FROM users u"
                   " LEFT JOIN teams t ON t.id = u.team_id AND t.deleted_at IS NULL"
                   " WHERE u.id = ?1 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        o->id = db_col_int(st, 0);
        o->team_id = db_col_int(st, 1);
        o->team_path = arena_strdup(r->arena, db_col_text(st, 2));
        o->role = arena_strdup(r->arena, db_col_text(st, 3));
        o->disabled = db_col_int(st, 4) != 0;
    }
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

/* Checks the goal as it would be after the change (inside the write
 * transaction): level, team, owner, period, parent (no cycle), and that the
 * caller may edit it. Fills derived fields (person goals take their owner's
 * team; quarter and month periods their end day). Returns 0 or a status
 * (transaction rolled back). */
static int check_goal(Req *r, Goal *g, bool end_given) {
    bool company = strcmp(g->level, "company") == 0, person = strcmp(g->level, "person") == 0;
    Owner o;
    int rc = owner_get(r, g->owner_id, &o);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1 || o.disabled ||
        !(is_admin(r) || (o.team_path && same_branch(o.team_path, caller_path(r))) || strcmp(o.role, "admin") == 0))
        return req_fail_tx(r, 422, "owner_id", "goals.error.owner_unknown");
    if (company) {
        if (g->team_id) return req_fail_tx(r, 422, "team_id", "goals.error.company_team");
    } else if (person) {
        if (!o.team_id) return req_fail_tx(r, 422, "owner_id", "goals.error.owner_no_team");
        if (g->team_id && g->team_id != o.team_id) return req_fail_tx(r, 422, "team_id", "goals.error.person_team");
        g->team_id = o.team_id;
    } else {
        const char *path = g->team_id ? web_team_path(r, g->team_id) : NULL;
        if (!g->team_id) return req_fail_tx(r, 422, "team_id", "error.required");
        if (!path || !web_can_read_team(r, g->team_id)) return req_fail_tx(r, 422, "team_id", "error.team_unknown");
        if (strcmp(o.role, "admin") != 0 && !same_branch(o.team_path, path))
            return req_fail_tx(r, 422, "owner_id", "goals.error.owner_outside");
    }
    /* Period: quarters and months are calendar ones; custom needs an end. */
    int y, m, d;
    civil_of(g->start_at, &y, &m, &d);
    if (strcmp(g->period, "custom") != 0) {
        bool quarter = strcmp(g->period, "quarter") == 0;
        if (d != 1 || (quarter && (m - 1) % 3 != 0))
            return req_fail_tx(r, 422, "start_date", quarter ? "goals.error.quarter_start" : "goals.error.month_start");
        int64_t end = month_start(y, m, quarter ? 3 : 1) - GOALS_DAY_MS;
        if (end_given && g->end_at != end) return req_fail_tx(r, 422, "end_date", "goals.error.period_end");
        g->end_at = end;
    } else if (!g->end_at) {
        return req_fail_tx(r, 422, "end_date", "error.required");
    }
    if (g->end_at < g->start_at) return req_fail_tx(r, 422, "end_date", "error.range_order");
    if (g->parent_id) {
        Goal p;
        rc = goal_row(r, g->parent_id, &p);
        if (rc < 0) return TX_DB_FAIL(r);
        bool readable = rc == 0 && goal_team_readable(r, p.team_id);
        if (!readable) return req_fail_tx(r, 422, "parent_id", "goals.error.parent_unknown");
        if (level_rank(p.level) > level_rank(g->level))
            return req_fail_tx(r, 422, "parent_id", "goals.error.parent_level");
        /* No cycle: walk up from the new parent; the goal must not be met. */
        for (int64_t up = g->parent_id, steps = 0; up && steps < 1000; steps++) {
            if (g->id && up == g->id) return req_fail_tx(r, 422, "parent_id", "goals.error.parent_cycle");
            int64_t next = 0;
            DbStmt *st;
            if (db_prepare(r->db, "SELECT COALESCE(parent_id, 0) FROM goals WHERE id = ?1", &st) != DB_OK)
                return TX_DB_FAIL(r);
            db_bind_int(st, 1, up);
            if (db_step(st) == DB_ROW) next = db_col_int(st, 0);
            db_finalize(st);
            up = next;
        }
    }
    if (!goals_can_edit(r, g)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

static int check_kr(Req *r, const char *prefix, GoalKr *k) {
    const char *f = prefix ? prefix : "";
#define KFAIL(field, key) req_fail(r, 422, arena_printf(r->arena, "%s%s", f, field), key)
    static const char *const kinds[] = {"number", "percentage", "currency", "milestone"};
    static const char *const dirs[] = {"increase", "decrease", "range"};
    bool ok = false;
    for (int i = 0; i < 4; i++) ok |= strcmp(k->kind, kinds[i]) == 0;
    if (!ok) return KFAIL("kind", "goals.error.kind");
    ok = false;
    for (int i = 0; i < 3; i++) ok |= strcmp(k->direction, dirs[i]) == 0;
    if (!ok) return KFAIL("direction", "goals.error.direction");
    if (!(k->weight > 0 && k->weight <= 1000)) return KFAIL("weight", "goals.error.weight");
    if (strcmp(k->value_source, "manual") != 0 && strcmp(k->value_source, "tasks") != 0)
        return KFAIL("value_source", "goals.error.value_source");
    if (strcmp(k->direction, "range") == 0 && k->has_low && k->has_high && k->range_low > k->range_high)
        return KFAIL("range_high", "goals.error.range_order");
    if (k->has_target && strcmp(k->kind, "milestone") != 0) {
        if (strcmp(k->direction, "increase") == 0 && k->target < k->baseline)
            return KFAIL("target", "goals.error.target_increase");
        if (strcmp(k->direction, "decrease") == 0 && k->target > k->baseline)
            return KFAIL("target", "goals.error.target_decrease");
    }
#undef KFAIL
    return 0;
}

/* Applies the given fields of in onto k (defaults already in k). */
static void kr_apply(GoalKr *k, const GoalKrInput *in) {
    if (in->has_metric) k->metric = in->metric;
    if (in->has_unit) k->unit = in->unit && *in->unit ? in->unit : NULL;
    if (in->has_kind) k->kind = in->kind;
    if (in->has_direction) k->direction = in->direction;
    if (in->has_baseline) k->baseline = in->baseline;
    if (in->has_target) k->has_target = !in->target_null, k->target = in->target;
    if (in->has_low) k->has_low = !in->low_null, k->range_low = in->range_low;
    if (in->has_high) k->has_high = !in->high_null, k->range_high = in->range_high;
    if (in->has_current) k->has_current = !in->current_null, k->current = in->current;
    if (in->has_deadline) k->deadline_at = in->deadline_null ? 0 : in->deadline_at;
    if (in->has_weight) k->weight = in->weight;
    if (in->has_value_source) k->value_source = in->value_source;
    if (strcmp(k->value_source, "tasks") == 0) {
        /* Fed by tasks: a percentage from 0 to 100, the share of linked tasks done. */
        k->kind = "percentage", k->direction = "increase", k->unit = NULL;
        k->baseline = 0, k->has_target = true, k->target = 100, k->has_low = k->has_high = false;
        k->has_current = true;
        k->current = k->tasks_total ? 100.0 * (double)k->tasks_done / (double)k->tasks_total : 0.0;
    }
}

static void kr_defaults(GoalKr *k, const GoalKrInput *in) {
    memset(k, 0, sizeof *k);
    k->kind = "number";
    k->direction = "increase";
    k->weight = 1.0;
    k->value_source = "manual";
    kr_apply(k, in);
    if (strcmp(k->kind, "milestone") == 0 && !k->has_target) k->has_target = true, k->target = 1.0;
}

static void bind_opt_double(DbStmt *st, int idx, bool has, double v) {
    if (has) db_bind_double(st, idx, v);
    else db_bind_null(st, idx);
}

static int kr_insert(Req *r, int64_t goal_id, GoalKr *k) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO goal_key_results (goal_id, metric, unit, kind, direction, baseline, target, range_low,"
                   " range_high, current_value, deadline_at, weight, value_source, version, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14, 1, ?13, ?13) RETURNING id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, goal_id);
    db_bind_text(st, 2, k->metric);
    db_bind_text(st, 3, k->unit);
    db_bind_text(st, 4, k->kind);
    db_bind_text(st, 5, k->direction);
    db_bind_double(st, 6, k->baseline);
    bind_opt_double(st, 7, k->has_target, k->target);
    bind_opt_double(st, 8, k->has_low, k->range_low);
    bind_opt_double(st, 9, k->has_high, k->range_high);
    bind_opt_double(st, 10, k->has_current, k->current);
    if (k->deadline_at) db_bind_int(st, 11, k->deadline_at);
    else db_bind_null(st, 11);
    db_bind_double(st, 12, k->weight);
    db_bind_int(st, 13, time_now_ms());
    db_bind_text(st, 14, k->value_source);
    int rc = db_step(st);
    if (rc == DB_ROW) k->id = db_col_int(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 0 : -1;
}

static void goal_snapshot(JsonW *w, const Goal *g) { goals_json(w, g, NULL, 0); }

int goals_create(Req *r, const GoalInput *in, Goal *out) {
    Goal g = {0};
    g.level = in->level;
    g.title = in->title;
    g.description = in->description && *in->description ? in->description : NULL;
    g.owner_id = in->owner_id;
    g.team_id = in->team_id;
    g.parent_id = in->parent_id;
    g.period = in->period;
    g.start_at = in->start_at;
    g.end_at = in->has_end ? in->end_at : 0;
    g.status = "active";
    GoalKr *krs = arena_alloc(r->arena, sizeof *krs * (size_t)(in->n_krs + 1));
    for (int i = 0; i < in->n_krs; i++) {
        kr_defaults(&krs[i], &in->krs[i]);
        if (check_kr(r, arena_printf(r->arena, "key_results[%d].", i), &krs[i]) != 0) return -1;
    }
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    if (check_goal(r, &g, in->has_end) != 0) return -1;
    int64_t now = time_now_ms(), id = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO goals (parent_id, level, title, description, owner_id, team_id, period, start_at,"
                   " end_at, status, version, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', 1, ?10, ?10) RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    if (g.parent_id) db_bind_int(st, 1, g.parent_id);
    else db_bind_null(st, 1);
    db_bind_text(st, 2, g.level);
    db_bind_text(st, 3, g.title);
    db_bind_text(st, 4, g.description);
    db_bind_int(st, 5, g.owner_id);
    if (g.team_id) db_bind_int(st, 6, g.team_id);
    else db_bind_null(st, 6);
    db_bind_text(st, 7, g.period);
    db_bind_int(st, 8, g.start_at);
    db_bind_int(st, 9, g.end_at);
    db_bind_int(st, 10, now);
    int rc = db_step(st);
    if (rc == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id) return TX_DB_FAIL(r);
    for (int i = 0; i < in->n_krs; i++)
        if (kr_insert(r, id, &krs[i]) != 0) return TX_DB_FAIL(r);
    if (goals_get(r, id, out) != 0) return TX_DB_FAIL(r);
    return audit_commit(r, "create", "goal", id, NULL, SNAPSHOT(r, goal_snapshot(w, out)));
}

/* A reopened goal's tasks-fed key results take the value of the counts kept
 * while the goal was closed (frozen until now), with an automatic check-in
 * when it changes. Inside the caller's write transaction; <0 on a db error. */
static int kr_catch_up(Req *r, const Goal *g) {
    int64_t now = time_now_ms();
    for (int i = 0; i < g->n_krs; i++) {
        const GoalKr *k = &g->krs[i];
        if (strcmp(k->value_source, "tasks") != 0) continue;
        double value = k->tasks_total > 0 ? 100.0 * (double)k->tasks_done / (double)k->tasks_total : 0.0;
        if (k->has_current && fabs(k->current - value) <= 1e-9) continue;
        DbStmt *st;
        if (db_prepare(r->db,
                       "UPDATE goal_key_results SET current_value = ?1, version = version + 1, updated_at = ?2"
                       " WHERE id = ?3",
                       &st) != DB_OK)
            return -1;
        db_bind_double(st, 1, value);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, k->id);
        int rc = db_step(st);
        db_finalize(st);
        if (rc < 0 || !checkin_insert(r, g->id, k->id, value, "on_track", NULL, true, now)) return -1;
    }
    return 0;
}

int goals_update(Req *r, int64_t id, int64_t expected_version, const GoalInput *in, Goal *out) {
    if (in->has_status && strcmp(in->status, "active") != 0 && strcmp(in->status, "closed") != 0)
        return req_fail(r, 422, "status", "goals.error.status");
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Goal before;
    int rc = goals_get(r, id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (!goals_can_edit(r, &before)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    Goal g = before;
    if (in->has_level) g.level = in->level;
    if (in->has_title) g.title = in->title;
    if (in->has_description) g.description = in->description && *in->description ? in->description : NULL;
    if (in->has_owner) g.owner_id = in->owner_id;
    /* Company goals have no team; a person goal follows its owner's team
     * (check_goal fills it) unless a team is named. */
    if (in->has_team) g.team_id = in->team_id;
    else if (strcmp(g.level, "team") != 0) g.team_id = 0;
    if (in->has_parent) g.parent_id = in->parent_id;
    if (in->has_period) g.period = in->period;
    if (in->has_start) g.start_at = in->start_at;
    if (in->has_end) g.end_at = in->end_at; /* quarters and months: check_goal derives the end */
    if (in->has_status) g.status = in->status;
    if (check_goal(r, &g, in->has_end) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE goals SET parent_id = ?1, level = ?2, title = ?3, description = ?4, owner_id = ?5,"
                   " team_id = ?6, period = ?7, start_at = ?8, end_at = ?9, status = ?10, version = version + 1,"
                   " updated_at = ?11 WHERE id = ?12 AND version = ?13 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    if (g.parent_id) db_bind_int(st, 1, g.parent_id);
    else db_bind_null(st, 1);
    db_bind_text(st, 2, g.level);
    db_bind_text(st, 3, g.title);
    db_bind_text(st, 4, g.description);
    db_bind_int(st, 5, g.owner_id);
    if (g.team_id) db_bind_int(st, 6, g.team_id);
    else db_bind_null(st, 6);
    db_bind_text(st, 7, g.period);
    db_bind_int(st, 8, g.start_at);
    db_bind_int(st, 9, g.end_at);
    db_bind_text(st, 10, g.status);
    db_bind_int(st, 11, time_now_ms());
    db_bind_int(st, 12, id);
    db_bind_int(st, 13, expected_version);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale"); /* lost a race */
    if (strcmp(before.status, "closed") == 0 && strcmp(g.status, "active") == 0 && kr_catch_up(r, &before) != 0)
        return TX_DB_FAIL(r);
    if (goals_get(r, id, out) != 0) return TX_DB_FAIL(r);
    return audit_commit(r, "update", "goal", id, SNAPSHOT(r, goal_snapshot(w, &before)),
                        SNAPSHOT(r, goal_snapshot(w, out)));
}

int goals_delete(Req *r, int64_t id, int64_t expected_version) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Goal before;
    int rc = goal_row(r, id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (!goals_can_edit(r, &before)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COUNT(*) FROM goals WHERE parent_id = ?1 AND deleted_at IS NULL", &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, id);
    int64_t children = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (children > 0) return req_fail_tx(r, 409, NULL, "goals.error.has_children");
    if (db_prepare(r->db,
                   "UPDATE goals SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                   " AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, id);
    db_bind_int(st, 3, expected_version);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    return audit_commit(r, "delete", "goal", id, SNAPSHOT(r, goal_snapshot(w, &before)), NULL);
}

/* ======================= key results ======================= */

static int kr_row(Req *r, int64_t goal_id, int64_t kr_id, GoalKr *k) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " KR_COLS " FROM goal_key_results k WHERE k.id = ?1 AND k.goal_id = ?2"
                   " AND k.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, kr_id);
    db_bind_int(st, 2, goal_id);
    int rc = db_step(st);
    if (rc == DB_ROW) kr_from_row(r, st, 0, k);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : 1;
}

/* Opens the write transaction and loads the goal the caller must be able to edit. */
static int begin_goal_edit(Req *r, int64_t goal_id, Goal *g, bool checkin) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    int rc = goal_row(r, goal_id, g);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (!(checkin ? goals_can_checkin(r, g) : goals_can_edit(r, g)))
        return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

int goals_kr_create(Req *r, int64_t goal_id, const GoalKrInput *in, GoalKr *out) {
    GoalKr k;
    kr_defaults(&k, in);
    if (check_kr(r, NULL, &k) != 0) return -1;
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, false) != 0) return -1;
    int64_t n = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COUNT(*) FROM goal_key_results WHERE goal_id = ?1 AND deleted_at IS NULL", &st) !=
        DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, goal_id);
    if (db_step(st) == DB_ROW) n = db_col_int(st, 0);
    db_finalize(st);
    if (n >= GOALS_MAX_KRS) return req_fail_tx(r, 422, "key_results", "goals.error.too_many_krs");
    if (kr_insert(r, goal_id, &k) != 0) return TX_DB_FAIL(r);
    if (kr_row(r, goal_id, k.id, out) != 0) return TX_DB_FAIL(r);
    return audit_commit(r, "create", "key_result", out->id, NULL, SNAPSHOT(r, goals_kr_json(w, out)));
}

int goals_kr_update(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version, const GoalKrInput *in,
                    GoalKr *out) {
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, false) != 0) return -1;
    GoalKr before;
    int rc = kr_row(r, goal_id, kr_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    GoalKr k = before;
    kr_apply(&k, in);
    if (strcmp(k.value_source, "tasks") == 0 && in->has_current)
        return req_fail_tx(r, 422, "current", "goals.error.kr_from_tasks");
    if (check_kr(r, NULL, &k) != 0) {
        db_rollback(r->db);
        return -1;
    }
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET metric = ?1, unit = ?2, kind = ?3, direction = ?4, baseline = ?5,"
                   " target = ?6, range_low = ?7, range_high = ?8, current_value = ?9, deadline_at = ?10,"
                   " weight = ?11, value_source = ?15, version = version + 1, updated_at = ?12"
                   " WHERE id = ?13 AND version = ?14 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_text(st, 1, k.metric);
    db_bind_text(st, 2, k.unit);
    db_bind_text(st, 3, k.kind);
    db_bind_text(st, 4, k.direction);
    db_bind_double(st, 5, k.baseline);
    bind_opt_double(st, 6, k.has_target, k.target);
    bind_opt_double(st, 7, k.has_low, k.range_low);
    bind_opt_double(st, 8, k.has_high, k.range_high);
    bind_opt_double(st, 9, k.has_current, k.current);
    if (k.deadline_at) db_bind_int(st, 10, k.deadline_at);
    else db_bind_null(st, 10);
    db_bind_double(st, 11, k.weight);
    db_bind_int(st, 12, time_now_ms());
    db_bind_int(st, 13, kr_id);
    db_bind_int(st, 14, expected_version);
    db_bind_text(st, 15, k.value_source);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    /* Switched to tasks: the value jumps to the tasks' share; the history says so. */
    bool jumped =
        strcmp(k.value_source, "tasks") == 0 && (!before.has_current || fabs(before.current - k.current) > 1e-9);
    if (jumped && checkin_insert(r, goal_id, kr_id, k.current, "on_track", NULL, true, time_now_ms()) == 0)
        return TX_DB_FAIL(r);
    if (kr_row(r, goal_id, kr_id, out) != 0) return TX_DB_FAIL(r);
    return audit_commit(r, "update", "key_result", kr_id, SNAPSHOT(r, goals_kr_json(w, &before)),
                        SNAPSHOT(r, goals_kr_json(w, out)));
}

int goals_kr_delete(Req *r, int64_t goal_id, int64_t kr_id, int64_t expected_version) {
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, false) != 0) return -1;
    GoalKr before;
    int rc = kr_row(r, goal_id, kr_id, &before);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                   " AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, kr_id);
    db_bind_int(st, 3, expected_version);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    return audit_commit(r, "delete", "key_result", kr_id, SNAPSHOT(r, goals_kr_json(w, &before)), NULL);
}

/* ======================= check-ins ======================= */

/* Inserts one check-in row (history); returns its id, 0 on a db error. */
static int64_t checkin_insert(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence,
                              const char *note, bool automatic, int64_t now) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO goal_checkins (goal_id, key_result_id, value, confidence, note, user_id, created_at,"
                   " automatic) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                   &st) != DB_OK)
        return 0;
    db_bind_int(st, 1, goal_id);
    db_bind_int(st, 2, kr_id);
    db_bind_double(st, 3, value);
    db_bind_text(st, 4, confidence);
    db_bind_text(st, 5, note && *note ? note : NULL);
    if (r->who && r->who->user_id) db_bind_int(st, 6, r->who->user_id);
    else db_bind_null(st, 6);
    db_bind_int(st, 7, now);
    db_bind_int(st, 8, automatic ? 1 : 0);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    return id;
}

int goals_checkin_create(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence, const char *note,
                         GoalCheckin *out) {
    if (!confidence || (strcmp(confidence, "on_track") != 0 && strcmp(confidence, "at_risk") != 0 &&
                        strcmp(confidence, "off_track") != 0))
        return req_fail(r, 422, "confidence", "goals.error.confidence");
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, true) != 0) return -1;
    if (strcmp(g.status, "closed") == 0) return req_fail_tx(r, 409, "status", "goals.error.closed");
    if (load_krs(r, &g) != 0) return TX_DB_FAIL(r);
    GoalKr *k = NULL;
    for (int i = 0; i < g.n_krs; i++)
        if (g.krs[i].id == kr_id || (!kr_id && g.n_krs == 1)) k = &g.krs[i];
    if (!k) {
        return req_fail_tx(r, 422, "key_result_id", g.n_krs ? "goals.error.kr_unknown" : "goals.error.no_krs");
    }
    if (strcmp(k->value_source, "tasks") == 0) return req_fail_tx(r, 422, "key_result_id", "goals.error.kr_from_tasks");
    int64_t now = time_now_ms();
    int64_t id = checkin_insert(r, goal_id, k->id, value, confidence, note, false, now);
    if (!id) return TX_DB_FAIL(r);
    DbStmt *st;
    int rc;
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET current_value = ?1, version = version + 1, updated_at = ?2"
                   " WHERE id = ?3",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_double(st, 1, value);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, k->id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    *out = (GoalCheckin){.id = id,
                         .goal_id = goal_id,
                         .key_result_id = k->id,
                         .user_id = r->who ? r->who->user_id : 0,
                         .created_at = now,
                         .value = value,
                         .confidence = confidence,
                         .note = note && *note ? note : NULL,
                         .user_name = r->who ? r->who->name : NULL,
                         .metric = k->metric};
    return audit_commit(r, "checkin", "goal", goal_id, NULL, SNAPSHOT(r, goals_checkin_json(w, out)));
}

int goals_checkins_list(Req *r, int64_t goal_id, GoalCheckin **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT c.id, c.goal_id, c.key_result_id, COALESCE(c.user_id, 0), c.created_at, c.value,"
                   " c.confidence, c.note, u.name, k.metric, c.automatic FROM goal_checkins c"
                   " JOIN goal_key_results k ON k.id = c.key_result_id LEFT JOIN users u ON u.id = c.user_id"
                   " WHERE c.goal_id = ?1 ORDER BY c.id DESC LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, goal_id);
    GoalCheckin *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 500) {
        GoalCheckin *c = &rows[count++];
        c->id = db_col_int(st, 0);
        c->goal_id = db_col_int(st, 1);
        c->key_result_id = db_col_int(st, 2);
        c->user_id = db_col_int(st, 3);
        c->created_at = db_col_int(st, 4);
        c->value = db_col_double(st, 5);
        c->confidence = arena_strdup(r->arena, db_col_text(st, 6));
        c->note = arena_strdup(r->arena, db_col_text(st, 7));
        c->user_name = arena_strdup(r->arena, db_col_text(st, 8));
        c->metric = arena_strdup(r->arena, db_col_text(st, 9));
        c->automatic = db_col_int(st, 10) != 0;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = count;
    return 0;
}

int goals_burnup(Req *r, const Goal *g, int64_t **at, double **progress, int *n) {
    GoalCheckin *c;
    int nc;
    if (goals_checkins_list(r, g->id, &c, &nc) != 0) return -1;
    int64_t *t = arena_alloc(r->arena, sizeof *t * (size_t)(nc + 2));
    double *p = arena_alloc(r->arena, sizeof *p * (size_t)(nc + 2));
    GoalKr *k = arena_alloc(r->arena, sizeof *k * (size_t)(g->n_krs + 1));
    double w = 0;
    for (int i = 0; i < g->n_krs; i++) {
        k[i] = g->krs[i];
        k[i].has_current = false; /* replay from the baseline */
        w += k[i].weight;
    }
    int m = 0;
    for (int step = -1; step < nc; step++) {
        if (step >= 0) { /* oldest first: the list is newest first */
            const GoalCheckin *ci = &c[nc - 1 - step];
            for (int i = 0; i < g->n_krs; i++)
                if (k[i].id == ci->key_result_id) k[i].has_current = true, k[i].current = ci->value;
        }
        double wp = 0;
        for (int i = 0; i < g->n_krs; i++) wp += k[i].weight * goals_kr_progress(&k[i]);
        t[m] = step < 0 ? g->start_at : c[nc - 1 - step].created_at;
        p[m++] = w > 0 ? wp / w : 0;
    }
    *at = t;
    *progress = p;
    *n = m;
    return 0;
}

/* ======================= checkpoints ======================= */

int goals_checkpoint_create(Req *r, int64_t goal_id, const char *title, int64_t due_at, bool done,
                            GoalCheckpoint *out) {
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, false) != 0) return -1;
    if (due_at < g.start_at || due_at > g.end_at) return req_fail_tx(r, 422, "date", "goals.error.outside_period");
    int64_t now = time_now_ms();
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO goal_checkpoints (goal_id, title, due_at, done, version, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) RETURNING id",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, goal_id);
    db_bind_text(st, 2, title);
    db_bind_int(st, 3, due_at);
    db_bind_int(st, 4, done ? 1 : 0);
    db_bind_int(st, 5, now);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (!id) return TX_DB_FAIL(r);
    *out = (GoalCheckpoint){
        .id = id, .goal_id = goal_id, .due_at = due_at, .version = 1, .created_at = now, .title = title, .done = done};
    return audit_commit(r, "create", "checkpoint", id, NULL, SNAPSHOT(r, goals_checkpoint_json(w, out)));
}

int goals_checkpoints_list(Req *r, int64_t goal_id, GoalCheckpoint **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT id, goal_id, due_at, version, created_at, title, done FROM goal_checkpoints"
                   " WHERE goal_id = ?1 AND deleted_at IS NULL ORDER BY due_at, id LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, goal_id);
    GoalCheckpoint *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 500) {
        GoalCheckpoint *c = &rows[count++];
        c->id = db_col_int(st, 0);
        c->goal_id = db_col_int(st, 1);
        c->due_at = db_col_int(st, 2);
        c->version = db_col_int(st, 3);
        c->created_at = db_col_int(st, 4);
        c->title = arena_strdup(r->arena, db_col_text(st, 5));
        c->done = db_col_int(st, 6) != 0;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = count;
    return 0;
}

int goals_checkpoint_set_done(Req *r, int64_t goal_id, int64_t checkpoint_id, int64_t expected_version, bool done,
                              GoalCheckpoint *out) {
    Goal g;
    if (begin_goal_edit(r, goal_id, &g, false) != 0) return -1;
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT id, goal_id, due_at, version, created_at, title, done FROM goal_checkpoints"
                   " WHERE id = ?1 AND goal_id = ?2 AND deleted_at IS NULL",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, checkpoint_id);
    db_bind_int(st, 2, goal_id);
    GoalCheckpoint before = {0};
    int rc = db_step(st);
    if (rc == DB_ROW)
        before = (GoalCheckpoint){.id = db_col_int(st, 0),
                                  .goal_id = db_col_int(st, 1),
                                  .due_at = db_col_int(st, 2),
                                  .version = db_col_int(st, 3),
                                  .created_at = db_col_int(st, 4),
                                  .title = arena_strdup(r->arena, db_col_text(st, 5)),
                                  .done = db_col_int(st, 6) != 0};
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    if (db_prepare(r->db,
                   "UPDATE goal_checkpoints SET done = ?1, version = version + 1, updated_at = ?2"
                   " WHERE id = ?3 AND version = ?4 AND deleted_at IS NULL RETURNING version",
                   &st) != DB_OK)
        return TX_DB_FAIL(r);
    db_bind_int(st, 1, done ? 1 : 0);
    db_bind_int(st, 2, time_now_ms());
    db_bind_int(st, 3, checkpoint_id);
    db_bind_int(st, 4, expected_version);
    rc = db_step(st);
    int64_t version = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale"); /* lost a race */
    *out = before;
    out->done = done;
    out->version = version;
    return audit_commit(r, "update", "checkpoint", checkpoint_id, SNAPSHOT(r, goals_checkpoint_json(w, &before)),
                        SNAPSHOT(r, goals_checkpoint_json(w, out)));
}

/* ======================= key results fed by tasks ======================= */

int goals_kr_link(Req *r, int64_t kr_id, int64_t *goal_id) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.goal_id, COALESCE(g.team_id, 0) FROM goal_key_results k JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.id = ?1 AND k.deleted_at IS NULL AND g.deleted_at IS NULL",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, kr_id);
    int rc = db_step(st);
    int64_t goal = rc == DB_ROW ? db_col_int(st, 0) : 0, team = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_finalize(st);
    if (rc < 0) return -1;
    if (rc != DB_ROW || !goal_team_readable(r, team)) return 1;
    *goal_id = goal;
    return 0;
}

int goals_kr_set_from_tasks(Req *r, int64_t kr_id, int64_t n_done, int64_t n_total) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " KR_COLS ", g.status FROM goal_key_results k JOIN goals g ON g.id = k.goal_id"
                   " WHERE k.id = ?1 AND k.deleted_at IS NULL AND g.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, kr_id);
    GoalKr k;
    bool closed = false;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        kr_from_row(r, st, 0, &k);
        closed = strcmp(db_col_text(st, 19), "closed") == 0;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return 0; /* deleted meanwhile: nothing to follow */
    /* A closed goal's value is frozen at what it was when the goal closed; the
     * counts still follow the tasks so that reopening can catch up at once. */
    bool fed = strcmp(k.value_source, "tasks") == 0 && !closed;
    double value = n_total > 0 ? 100.0 * (double)n_done / (double)n_total : 0.0;
    bool changes = fed && (!k.has_current || fabs(k.current - value) > 1e-9);
    int64_t now = time_now_ms();
    /* The counts are kept for every key result (the page shows them); only a
     * change of the value itself is a new version and a check-in. */
    if (db_prepare(r->db,
                   "UPDATE goal_key_results SET tasks_done = ?1, tasks_total = ?2,"
                   " current_value = CASE WHEN ?3 = 1 THEN ?4 ELSE current_value END,"
                   " version = version + ?3, updated_at = CASE WHEN ?3 = 1 THEN ?5 ELSE updated_at END WHERE id = ?6",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, n_done);
    db_bind_int(st, 2, n_total);
    db_bind_int(st, 3, changes ? 1 : 0);
    db_bind_double(st, 4, value);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, kr_id);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (changes && !checkin_insert(r, k.goal_id, kr_id, value, "on_track", NULL, true, now)) return DB_FAIL(r);
    return 0;
}

int goals_kr_options(Req *r, GoalKrOption **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT k.id, k.goal_id, g.title, k.metric, COALESCE(g.team_id, 0) FROM goal_key_results k"
                   " JOIN goals g ON g.id = k.goal_id WHERE k.deleted_at IS NULL AND g.deleted_at IS NULL"
                   " AND g.status = 'active' ORDER BY k.goal_id, k.id LIMIT 1000",
                   &st) != DB_OK)
        return DB_FAIL(r);
    GoalKrOption *rows = arena_alloc(r->arena, sizeof *rows * 1000);
    int64_t *teams = arena_alloc(r->arena, sizeof *teams * 1000);
    int count = 0, kept = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 1000) {
        teams[count] = db_col_int(st, 4);
        rows[count++] = (GoalKrOption){.id = db_col_int(st, 0),
                                       .goal_id = db_col_int(st, 1),
                                       .goal_title = arena_strdup(r->arena, db_col_text(st, 2)),
                                       .metric = arena_strdup(r->arena, db_col_text(st, 3))};
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    /* The readability check queries: only once the statement is finalized. */
    for (int i = 0; i < count; i++)
        if (goal_team_readable(r, teams[i])) rows[kept++] = rows[i];
    *out = rows;
    *n = kept;
    return 0;
}

/* ======================= JSON ======================= */

static void jw_kid(JsonW *w, const char *k, int64_t id) {
    jw_key(w, k);
    if (id) jw_int(w, id);
    else jw_null(w);
}

static void jw_kopt(JsonW *w, const char *k, bool has, double v) {
    jw_key(w, k);
    if (has) jw_double(w, v);
    else jw_null(w);
}

static void jw_kdate(JsonW *w, const char *k, int64_t day_ms) {
    jw_key(w, k);
    if (!day_ms) {
        jw_null(w);
        return;
    }
    char iso[32];
    time_format_iso(day_ms, iso, sizeof iso);
    jw_strn(w, iso, 10);
}

void goals_kr_json(JsonW *w, const GoalKr *k) {
    jw_obj_begin(w);
    jw_kint(w, "id", k->id);
    jw_kint(w, "goal_id", k->goal_id);
    jw_kstr(w, "metric", k->metric);
    jw_kstr(w, "unit", k->unit);
    jw_kstr(w, "kind", k->kind);
    jw_kstr(w, "direction", k->direction);
    jw_key(w, "baseline");
    jw_double(w, k->baseline);
    jw_kopt(w, "target", k->has_target, k->target);
    jw_kopt(w, "range_low", k->has_low, k->range_low);
    jw_kopt(w, "range_high", k->has_high, k->range_high);
    jw_kopt(w, "current", k->has_current, k->current);
    jw_kdate(w, "deadline", k->deadline_at);
    jw_key(w, "weight");
    jw_double(w, k->weight);
    jw_kstr(w, "value_source", k->value_source);
    jw_kint(w, "tasks_done", k->tasks_done);
    jw_kint(w, "tasks_total", k->tasks_total);
    jw_key(w, "progress");
    jw_double(w, round4(k->progress));
    jw_kint(w, "version", k->version);
    jw_ktime(w, "created_at", k->created_at);
    jw_ktime(w, "updated_at", k->updated_at);
    jw_obj_end(w);
}

void goals_json(JsonW *w, const Goal *g, const SmartWarning *smart, int n_smart) {
    jw_obj_begin(w);
    jw_kint(w, "id", g->id);
    jw_kid(w, "parent_id", g->parent_id);
    jw_kstr(w, "level", g->level);
    jw_kstr(w, "title", g->title);
    jw_kstr(w, "description", g->description);
    jw_kint(w, "owner_id", g->owner_id);
    jw_kstr(w, "owner_name", g->owner_name);
    jw_kid(w, "team_id", g->team_id);
    jw_kstr(w, "team_name", g->team_id ? g->team_name : NULL);
    jw_kstr(w, "period", g->period);
    jw_kdate(w, "start_date", g->start_at);
    jw_kdate(w, "end_date", g->end_at);
    jw_kstr(w, "status", g->status);
    jw_kopt(w, "progress", g->has_progress, g->progress);
    jw_key(w, "expected");
    jw_double(w, g->expected);
    jw_kbool(w, "behind", g->behind);
    jw_kint(w, "version", g->version);
    jw_ktime(w, "created_at", g->created_at);
    jw_ktime(w, "updated_at", g->updated_at);
    if (smart) {
        jw_key(w, "key_results");
        jw_arr_begin(w);
        for (int i = 0; i < g->n_krs; i++) goals_kr_json(w, &g->krs[i]);
        jw_arr_end(w);
        jw_key(w, "smart");
        jw_arr_begin(w);
        for (int i = 0; i < n_smart; i++) {
            jw_obj_begin(w);
            jw_kstr(w, "criterion", smart[i].criterion);
            jw_kstr(w, "field", smart[i].field);
            jw_kstr(w, "message", smart[i].message);
            jw_obj_end(w);
        }
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

void goals_checkin_json(JsonW *w, const GoalCheckin *c) {
    jw_obj_begin(w);
    jw_kint(w, "id", c->id);
    jw_kint(w, "goal_id", c->goal_id);
    jw_kint(w, "key_result_id", c->key_result_id);
    jw_kstr(w, "metric", c->metric);
    jw_key(w, "value");
    jw_double(w, c->value);
    jw_kstr(w, "confidence", c->confidence);
    jw_kstr(w, "note", c->note);
    jw_kid(w, "user_id", c->user_id);
    jw_kstr(w, "user_name", c->user_name);
    jw_kbool(w, "automatic", c->automatic);
    jw_ktime(w, "created_at", c->created_at);
    jw_obj_end(w);
}

void goals_checkpoint_json(JsonW *w, const GoalCheckpoint *c) {
    jw_obj_begin(w);
    jw_kint(w, "id", c->id);
    jw_kint(w, "goal_id", c->goal_id);
    jw_kstr(w, "title", c->title);
    jw_kdate(w, "date", c->due_at);
    jw_kbool(w, "done", c->done);
    jw_kint(w, "version", c->version);
    jw_ktime(w, "created_at", c->created_at);
    jw_obj_end(w);
}
