/* goals_model.c — goals themselves: reading (list, tree, one goal), who may
 * change them, creating, updating and soft-deleting them with their audit
 * row, the date helpers and the JSON of every goals record. Every change
 * runs in one write transaction; edits check the row version (412 when
 * stale). Not here: key results (goals_kr.c), the SMART check
 * (goals_smart.c), progress, check-ins and checkpoints (goals_progress.c),
 * the tasks-fed key results (goals_krtasks.c); no HTML or HTTP. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../base/timeutil.h"
#include "goals_internal.h"

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

/* Goals the caller reads: company goals, goals of teams the caller can read
 * (their subtree), and goals of the teams above theirs, the chain their own
 * goals align to (docs/goals.md). */
bool goals_team_readable(Req *r, int64_t team_id) {
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

/* ======================= reading goals ======================= */

#define GOAL_COLS                                                                                                      \
    "g.id, g.parent_id, g.level, g.title, g.description, g.owner_id, u.name, g.team_id, t.name, g.period,"             \
    " g.start_at, g.end_at, g.status, g.version, g.created_at, g.updated_at"
#define GOAL_FROM " FROM goals g JOIN users u ON u.id = g.owner_id LEFT JOIN teams t ON t.id = g.team_id"
/* GOAL_COLS for the tree, which never shows a description: NULL in its place. */
#define GOAL_TREE_COLS                                                                                                 \
    "g.id, g.parent_id, g.level, g.title, NULL, g.owner_id, u.name, g.team_id, t.name, g.period,"                      \
    " g.start_at, g.end_at, g.status, g.version, g.created_at, g.updated_at"
/* The filters of goals_list() and goals_tree() (after GOAL_FROM). */
#define GOAL_FILTER                                                                                                    \
    " WHERE g.deleted_at IS NULL AND g.id > ?1"                                                                        \
    " AND (?2 = 1 OR g.team_id IS NULL OR t.path LIKE ?3 || '%' OR ?3 LIKE t.path || '%')"                             \
    " AND (CAST(?4 AS TEXT) IS NULL OR t.path LIKE ?4 || '%') AND (?5 = 0 OR g.owner_id = ?5)"                         \
    " AND (CAST(?6 AS TEXT) IS NULL OR g.status = ?6) AND (CAST(?7 AS TEXT) IS NULL OR g.level = ?7)"                  \
    " AND (?8 = 0 OR g.end_at >= ?8) AND (?9 = 0 OR g.start_at < ?9)"                                                  \
    " ORDER BY g.id LIMIT ?10"

/* s as one of the literals in known (NULL-terminated) when it is one — the
 * columns the schema's CHECKs restrict, read for thousands of tree rows —
 * else an arena copy. */
static const char *known_text(Req *r, const char *s, const char *const *known) {
    if (!s) return NULL;
    for (; *known; known++)
        if (strcmp(s, *known) == 0) return *known;
    return arena_strdup(r->arena, s);
}

static const char *const goal_levels[] = {"company", "team", "person", NULL};
static const char *const goal_periods[] = {"quarter", "month", "custom", NULL};
static const char *const goal_statuses[] = {"active", "closed", NULL};

static void goal_from_row(Req *r, DbStmt *st, Goal *g) {
    memset(g, 0, sizeof *g);
    g->id = db_col_int(st, 0);
    g->parent_id = db_col_int(st, 1); /* NULL reads 0: none */
    g->level = known_text(r, db_col_text(st, 2), goal_levels);
    g->title = arena_strdup(r->arena, db_col_text(st, 3));
    g->description = arena_strdup(r->arena, db_col_text(st, 4));
    g->owner_id = db_col_int(st, 5);
    g->owner_name = arena_strdup(r->arena, db_col_text(st, 6));
    g->team_id = db_col_int(st, 7);
    g->team_name = arena_strdup(r->arena, db_col_text(st, 8));
    g->period = known_text(r, db_col_text(st, 9), goal_periods);
    g->start_at = db_col_int(st, 10);
    g->end_at = db_col_int(st, 11);
    g->status = known_text(r, db_col_text(st, 12), goal_statuses);
    g->version = db_col_int(st, 13);
    g->created_at = db_col_int(st, 14);
    g->updated_at = db_col_int(st, 15);
}

/* The goals of filter f in id order with their progress; tree: without
 * descriptions (NULL). */
static int load_goals(Req *r, const GoalFilter *f, bool tree, Goal **out, int *n) {
    const char *team_path = NULL;
    if (f->team_id && !(team_path = web_team_path(r, f->team_id)))
        return req_fail(r, 400, "team_id", "error.team_unknown");
    DbStmt *st;
    int prc = tree ? db_prepare(r->db, "SELECT " GOAL_TREE_COLS GOAL_FROM GOAL_FILTER, &st)
                   : db_prepare(r->db, "SELECT " GOAL_COLS GOAL_FROM GOAL_FILTER, &st);
    if (prc != DB_OK) return DB_FAIL(r);
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
    if (goals_progress_apply(r, rows, count) != 0) return -1;
    *out = rows;
    *n = count;
    return 0;
}

int goals_list(Req *r, const GoalFilter *f, Goal **out, int *n) { return load_goals(r, f, false, out, n); }

/* Depth first from each root, children in id order; `used` stops cycles. */
static void tree_walk(const Goal *all, const int *first_child, const int *next, int i, const Goal **out, int *depths,
                      int *k, int depth, bool *used) {
    used[i] = true;
    depths[*k] = depth;
    out[(*k)++] = &all[i];
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

int goals_tree(Req *r, const GoalFilter *f, const Goal ***out, int **depths, int *n) {
    Goal *all;
    int count;
    GoalFilter ff = *f;
    ff.limit = 2000;
    if (load_goals(r, &ff, true, &all, &count) != 0) return -1;
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
    const Goal **ordered = arena_alloc(r->arena, sizeof *ordered * (size_t)(count + 1));
    int *d = arena_alloc(r->arena, sizeof *d * (size_t)(count + 1));
    int k = 0;
    for (int i = 0; i < count; i++)
        if (parent[i] < 0 && !used[i]) tree_walk(all, first_child, next, i, ordered, d, &k, 0, used);
    *out = ordered;
    *depths = d;
    *n = k;
    return 0;
}

int goals_load_krs(Req *r, Goal *g) {
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
    while ((rc = db_step(st)) == DB_ROW && g->n_krs < GOALS_MAX_KRS) goals_kr_from_row(r, st, 0, &g->krs[g->n_krs++]);
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
    if (goals_load_krs(r, g) != 0) return -1;
    return goals_progress_apply(r, g, 1);
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
    int64_t team;
    if (web_scope_by_id(r, "id", "SELECT COALESCE(team_id, 0) FROM goals WHERE id = ?1 AND deleted_at IS NULL",
                        &team) != 0)
        return -1;
    /* A company goal belongs to no team and everyone reads it: the caller's
     * own team stands in (admins without a team pass any check). */
    if (!team || (!web_can_read_team(r, team) && goals_team_readable(r, team)))
        team = r->who && r->who->team_id ? r->who->team_id : -1;
    *team_id = team;
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
        bool readable = rc == 0 && goals_team_readable(r, p.team_id);
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

const char *goals_goal_text(Req *r, const Goal *g) {
    JsonText t;
    goals_json(jw_text_begin(&t), g, NULL, 0);
    return jw_text_end(&t, r->arena);
}
const char *goals_kr_text(Req *r, const GoalKr *k) {
    JsonText t;
    goals_kr_json(jw_text_begin(&t), k);
    return jw_text_end(&t, r->arena);
}
const char *goals_checkin_text(Req *r, const GoalCheckin *c) {
    JsonText t;
    goals_checkin_json(jw_text_begin(&t), c);
    return jw_text_end(&t, r->arena);
}
const char *goals_checkpoint_text(Req *r, const GoalCheckpoint *c) {
    JsonText t;
    goals_checkpoint_json(jw_text_begin(&t), c);
    return jw_text_end(&t, r->arena);
}

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
        goals_kr_defaults(&krs[i], &in->krs[i]);
        if (goals_kr_check(r, arena_printf(r->arena, "key_results[%d].", i), &krs[i]) != 0) return -1;
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
    db_bind_int_or_null(st, 1, g.parent_id);
    db_bind_text(st, 2, g.level);
    db_bind_text(st, 3, g.title);
    db_bind_text(st, 4, g.description);
    db_bind_int(st, 5, g.owner_id);
    db_bind_int_or_null(st, 6, g.team_id);
    db_bind_text(st, 7, g.period);
    db_bind_int(st, 8, g.start_at);
    db_bind_int(st, 9, g.end_at);
    db_bind_int(st, 10, now);
    int rc = db_step(st);
    if (rc == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id) return TX_DB_FAIL(r);
    for (int i = 0; i < in->n_krs; i++)
        if (goals_kr_insert(r, id, &krs[i]) != 0) return TX_DB_FAIL(r);
    if (goals_get(r, id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "create", "goal", id, NULL, goals_goal_text(r, out));
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
    db_bind_int_or_null(st, 1, g.parent_id);
    db_bind_text(st, 2, g.level);
    db_bind_text(st, 3, g.title);
    db_bind_text(st, 4, g.description);
    db_bind_int(st, 5, g.owner_id);
    db_bind_int_or_null(st, 6, g.team_id);
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
    if (strcmp(before.status, "closed") == 0 && strcmp(g.status, "active") == 0 && goals_kr_catch_up(r, &before) != 0)
        return TX_DB_FAIL(r);
    if (goals_get(r, id, out) != 0) return TX_DB_FAIL(r);
    return web_audit_commit(r, "update", "goal", id, goals_goal_text(r, &before), goals_goal_text(r, out));
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
    if (web_soft_delete(r,
                        "UPDATE goals SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                        " AND deleted_at IS NULL RETURNING id",
                        id, expected_version) != 0)
        return -1;
    return web_audit_commit(r, "delete", "goal", id, goals_goal_text(r, &before), NULL);
}

/* Opens the write transaction and loads the goal the caller must be able to edit. */
int goals_begin_edit(Req *r, int64_t goal_id, Goal *g, bool checkin) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    int rc = goal_row(r, goal_id, g);
    if (rc < 0) return TX_DB_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (!(checkin ? goals_can_checkin(r, g) : goals_can_edit(r, g)))
        return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

/* ======================= JSON ======================= */

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
    jw_double(w, goals_round4(k->progress));
    jw_kint(w, "version", k->version);
    jw_ktime(w, "created_at", k->created_at);
    jw_ktime(w, "updated_at", k->updated_at);
    jw_obj_end(w);
}

void goals_json(JsonW *w, const Goal *g, const SmartWarning *smart, int n_smart) {
    jw_obj_begin(w);
    jw_kint(w, "id", g->id);
    jw_kid_or_null(w, "parent_id", g->parent_id);
    jw_kstr(w, "level", g->level);
    jw_kstr(w, "title", g->title);
    jw_kstr(w, "description", g->description);
    jw_kint(w, "owner_id", g->owner_id);
    jw_kstr(w, "owner_name", g->owner_name);
    jw_kid_or_null(w, "team_id", g->team_id);
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
    jw_kid_or_null(w, "user_id", c->user_id);
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
