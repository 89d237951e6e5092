/* goals_progress.c — progress and its history: a key result's progress,
 * the roll-up through the alignment tree and the straight-line expected
 * progress (docs/goals.md "Progress"), check-ins (the values recorded over
 * time) with the burn-up series, and checkpoints. Not here: writing goals or
 * key results themselves (goals_model.c, goals_kr.c), values fed by tasks
 * (goals_krtasks.c); no HTML or HTTP. */
#include <math.h>
#include <string.h>

#include "../base/timeutil.h"
#include "goals_internal.h"

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

/* pmap_find for ids that mostly come in ascending runs (key results grouped
 * by goal): the node at *hint or the one after it, else a binary search. */
static int pmap_find_near(const PMap *m, int64_t id, int *hint) {
    int h = *hint;
    if (h >= 0 && h < m->n && m->nodes[h].id == id) return h;
    if (h + 1 >= 0 && h + 1 < m->n && m->nodes[h + 1].id == id) return *hint = h + 1;
    int i = pmap_find(m, id);
    if (i >= 0) *hint = i;
    return i;
}

/* The columns of KR_COLS that the progress of a key result needs, read in
 * place (no copies): the roll-up reads every live key result. kind and
 * direction point into the row and are valid until the next db_step. Only
 * the bounds that goals_kr_progress() looks at are read: a range for a
 * range, a target otherwise. */
static void kr_progress_from_row(DbStmt *st, GoalKr *k) {
    *k = (GoalKr){.goal_id = db_col_int(st, 1), .kind = db_col_text(st, 4), .direction = db_col_text(st, 5)};
    if (!k->kind || !k->direction) return; /* NOT NULL columns: never; progress 0 */
    k->baseline = db_col_double(st, 6);
    if (strcmp(k->kind, "milestone") != 0 && strcmp(k->direction, "range") == 0) {
        k->has_low = db_col_double_opt(st, 8, &k->range_low);
        k->has_high = db_col_double_opt(st, 9, &k->range_high);
    } else {
        k->has_target = db_col_double_opt(st, 7, &k->target);
    }
    k->has_current = db_col_double_opt(st, 10, &k->current);
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
    int hint = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        GoalKr k;
        kr_progress_from_row(st, &k);
        int i = pmap_find_near(m, k.goal_id, &hint);
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

static void apply_progress(const PMap *m, Goal *g, int64_t now, int *hint) {
    int i = pmap_find_near(m, g->id, hint);
    g->has_progress = i >= 0 && m->nodes[i].has;
    g->progress = g->has_progress ? goals_round4(m->nodes[i].progress) : 0.0;
    g->expected = goals_round4(expected_at(g, now));
    g->behind = g->has_progress && strcmp(g->status, "active") == 0 && g->progress < g->expected;
}

int goals_progress_apply(Req *r, Goal *goals, int n) {
    PMap m;
    if (pmap_load(r, &m) != 0) return -1;
    int64_t now = time_now_ms();
    int hint = 0; /* lists come in id order */
    for (int i = 0; i < n; i++) apply_progress(&m, &goals[i], now, &hint);
    return 0;
}

/* ======================= check-ins ======================= */

/* Inserts one check-in row (history); returns its id, 0 on a db error. */
int64_t goals_checkin_insert(Req *r, int64_t goal_id, int64_t kr_id, double value, const char *confidence,
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
    db_bind_int_or_null(st, 6, r->who ? r->who->user_id : 0);
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
    if (goals_begin_edit(r, goal_id, &g, true) != 0) return -1;
    if (strcmp(g.status, "closed") == 0) return req_fail_tx(r, 409, "status", "goals.error.closed");
    if (goals_load_krs(r, &g) != 0) return TX_DB_FAIL(r);
    GoalKr *k = NULL;
    for (int i = 0; i < g.n_krs; i++)
        if (g.krs[i].id == kr_id || (!kr_id && g.n_krs == 1)) k = &g.krs[i];
    if (!k) {
        return req_fail_tx(r, 422, "key_result_id", g.n_krs ? "goals.error.kr_unknown" : "goals.error.no_krs");
    }
    if (strcmp(k->value_source, "tasks") == 0) return req_fail_tx(r, 422, "key_result_id", "goals.error.kr_from_tasks");
    int64_t now = time_now_ms();
    int64_t id = goals_checkin_insert(r, goal_id, k->id, value, confidence, note, false, now);
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
    return web_audit_commit(r, "checkin", "goal", goal_id, NULL, goals_checkin_text(r, out));
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
    if (goals_begin_edit(r, goal_id, &g, false) != 0) return -1;
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
    return web_audit_commit(r, "create", "checkpoint", id, NULL, goals_checkpoint_text(r, out));
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
    if (goals_begin_edit(r, goal_id, &g, false) != 0) return -1;
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
    return web_audit_commit(r, "update", "checkpoint", checkpoint_id, goals_checkpoint_text(r, &before),
                            goals_checkpoint_text(r, out));
}
