/* runs_model.c — process runs: queries, the step rules (order, parallel
 * blocks, conditional steps, checklist gating, skip reasons), the events each
 * action writes to the SOP's run log, the automatic SOP review task when a
 * step breaks its time standard, and the process model of a run log. Every
 * change runs in one write transaction with its audit row. No HTML or HTTP. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../eventlogs/eventlogs.h"
#include "../tasks/tasks.h"
#include "runs.h"
#include "runs_internal.h"

#define DB_FAIL(r)    req_fail((r), 503, NULL, "error.db_unavailable")
#define DB_FAIL_TX(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")
/* db_lock_key namespaces: one run's actions, one version+step's review task. */
#define RUNS_LOCK_RUN    0x52554e0000000000LL
#define RUNS_LOCK_REVIEW 0x5256570000000000LL

/* ======================= values ======================= */

/* The clock of run actions: real time, unless the demo set one. */
static _Thread_local int64_t clock_ms;
void runs_clock_set(int64_t ms) { clock_ms = ms; }
int64_t runs_clock_ms(void) { return clock_ms ? clock_ms : time_now_ms(); }

bool runs_status_valid(const char *s) {
    return s && (strcmp(s, "open") == 0 || strcmp(s, "done") == 0 || strcmp(s, "cancelled") == 0);
}

static bool finished(const char *status) { return strcmp(status, "done") == 0 || strcmp(status, "skipped") == 0; }

int64_t runs_step_duration_ms(const RunStep *s, int64_t now_ms) {
    if (!s->started_at) return -1;
    if (strcmp(s->status, "in_progress") == 0) return now_ms > s->started_at ? now_ms - s->started_at : 0;
    if (strcmp(s->status, "done") == 0 && s->completed_at) return s->completed_at - s->started_at;
    return -1;
}

const char *runs_step_standard_state(const RunStep *s, int64_t now_ms) {
    int64_t d = runs_step_duration_ms(s, now_ms);
    if (d < 0 || !s->def || s->def->time_standard_s <= 0) return "none";
    return d > s->def->time_standard_s * 1000 ? "over" : "within";
}

const char *runs_fmt_duration(Req *r, int64_t ms) {
    if (ms < 0) ms = 0;
    int64_t s = ms / 1000, d = s / 86400;
    s %= 86400;
    if (d)
        return arena_printf(r->arena, "%lldd %02lld:%02lld:%02lld", (long long)d, (long long)(s / 3600),
                            (long long)(s / 60 % 60), (long long)(s % 60));
    return arena_printf(r->arena, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                        (long long)(s % 60));
}

/* ======================= JSON ======================= */

void runs_step_json(JsonW *w, const RunStep *s, int64_t now_ms) {
    const SopStep *d = s->def;
    jw_obj_begin(w);
    jw_kint(w, "id", s->id);
    jw_kint(w, "step_id", s->step_id);
    jw_kint(w, "position", s->position);
    jw_kstr(w, "name", d ? d->name : "");
    jw_kstr(w, "status", s->status);
    jw_kbool(w, "conditional", d && d->conditional);
    jw_kint(w, "parallel_group", d ? d->parallel_group : 0);
    jw_kid_or_null(w, "started_by", s->started_by);
    jw_kstr(w, "started_by_name", s->started_by ? s->started_by_name : NULL);
    jw_ktime(w, "started_at", s->started_at);
    jw_kid_or_null(w, "completed_by", s->completed_by);
    jw_kstr(w, "completed_by_name", s->completed_by ? s->completed_by_name : NULL);
    jw_ktime(w, "completed_at", s->completed_at);
    jw_kstr(w, "skip_reason", s->skip_reason);
    int64_t dur = runs_step_duration_ms(s, now_ms);
    jw_key(w, "duration_s");
    if (dur >= 0) jw_double(w, (double)dur / 1000.0);
    else jw_null(w);
    jw_key(w, "time_standard_s");
    if (d && d->time_standard_s > 0) jw_int(w, d->time_standard_s);
    else jw_null(w);
    jw_kint(w, "time_share_pct", d ? d->time_share_pct : 100);
    jw_kstr(w, "standard", runs_step_standard_state(s, now_ms));
    jw_key(w, "checklist");
    jw_arr_begin(w);
    for (int i = 0; d && i < d->n_checklist; i++) {
        jw_obj_begin(w);
        jw_kint(w, "item", i + 1);
        jw_kstr(w, "text", d->checklist[i]);
        jw_kbool(w, "checked", s->checked && s->checked[i]);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_kbool(w, "startable", s->startable);
    jw_kbool(w, "bypassed", s->bypassed);
    jw_kint(w, "version", s->version);
    jw_obj_end(w);
}

void runs_json(JsonW *w, const Run *run, int64_t now_ms) {
    jw_obj_begin(w);
    jw_kint(w, "id", run->id);
    jw_kint(w, "sop_id", run->sop_id);
    jw_kstr(w, "sop_title", run->sop_title);
    jw_kint(w, "version_id", run->version_id);
    jw_kint(w, "version_number", run->version_number);
    jw_kint(w, "team_id", run->team_id);
    jw_kint(w, "log_id", run->log_id);
    jw_kstr(w, "reference", run->reference);
    jw_kstr(w, "status", run->status);
    jw_kid_or_null(w, "started_by", run->started_by);
    jw_kstr(w, "started_by_name", run->started_by ? run->started_by_name : NULL);
    jw_ktime(w, "started_at", run->started_at);
    jw_ktime(w, "finished_at", run->finished_at);
    jw_kint(w, "steps_total", run->n_steps);
    jw_kint(w, "steps_finished", run->n_finished);
    jw_kstr(w, "current_step", run->current_step);
    jw_kint(w, "version", run->version);
    if (run->steps) {
        jw_key(w, "steps");
        jw_arr_begin(w);
        for (int i = 0; i < run->n_run_steps; i++) runs_step_json(w, &run->steps[i], now_ms);
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

static const char *run_snapshot(Req *r, const Run *run) {
    JsonText jt;
    runs_json(jw_text_begin(&jt), run, runs_clock_ms());
    return jw_text_end(&jt, r->arena);
}

static const char *step_snapshot(Req *r, const RunStep *s) {
    JsonText jt;
    runs_step_json(jw_text_begin(&jt), s, runs_clock_ms());
    return jw_text_end(&jt, r->arena);
}

/* ======================= queries ======================= */

#define RUN_COLS                                                                                                       \
    "r.id, r.sop_id, r.version_id, r.version_number, r.sop_title, r.team_id, r.log_id, r.reference, r.status,"         \
    " r.started_by, u.name, r.started_at, r.finished_at, r.version,"                                                   \
    " (SELECT COUNT(*) FROM run_steps s WHERE s.run_id = r.id),"                                                       \
    " (SELECT COUNT(*) FROM run_steps s WHERE s.run_id = r.id AND s.status IN ('done', 'skipped')),"                   \
    " (SELECT MIN(s.position) FROM run_steps s JOIN sop_steps p ON p.id = s.step_id WHERE s.run_id = r.id"             \
    "  AND (s.status = 'in_progress' OR (s.status = 'pending' AND NOT (p.conditional <> 0 AND EXISTS"                  \
    "  (SELECT 1 FROM run_steps l WHERE l.run_id = r.id AND l.position > s.position AND l.status <> 'pending')))))"
#define RUN_FROM " FROM runs r JOIN teams tm ON tm.id = r.team_id LEFT JOIN users u ON u.id = r.started_by"

static int64_t col_int0(DbStmt *st, int c) { return db_col_null(st, c) ? 0 : db_col_int(st, c); }

/* Fills a run from a RUN_COLS row; *current_position: the first step in
 * progress or still to do (0: none) — a pending conditional step that a later
 * step has passed over (bypassed) is not current. */
static void run_from_row(Req *r, DbStmt *st, Run *run, int *current_position) {
    memset(run, 0, sizeof *run);
    Arena *a = r->arena;
    run->id = db_col_int(st, 0);
    run->sop_id = db_col_int(st, 1);
    run->version_id = db_col_int(st, 2);
    run->version_number = (int)db_col_int(st, 3);
    run->sop_title = arena_strdup(a, db_col_text(st, 4));
    run->team_id = db_col_int(st, 5);
    run->log_id = db_col_int(st, 6);
    run->reference = arena_strdup(a, db_col_text(st, 7));
    run->status = arena_strdup(a, db_col_text(st, 8));
    run->started_by = col_int0(st, 9);
    run->started_by_name = arena_strdup(a, db_col_null(st, 10) ? "" : db_col_text(st, 10));
    run->started_at = db_col_int(st, 11);
    run->finished_at = col_int0(st, 12);
    run->version = db_col_int(st, 13);
    run->n_steps = db_col_int(st, 14);
    run->n_finished = db_col_int(st, 15);
    *current_position = (int)col_int0(st, 16);
}

/* Versions loaded while listing, so that a page of runs reads each once. */
typedef struct VersionCache {
    int64_t ids[16];
    SopVersion *versions[16];
    int n;
} VersionCache;

static const SopVersion *cached_version(Req *r, VersionCache *c, int64_t id) {
    for (int i = 0; i < c->n; i++)
        if (c->ids[i] == id) return c->versions[i];
    SopVersion *v = NULL;
    if (sops_version_load(r, id, &v) != 0) v = NULL;
    if (c->n < 16) c->ids[c->n] = id, c->versions[c->n++] = v;
    return v;
}

static const char *step_name_at(const SopVersion *v, int position) {
    for (int i = 0; v && position > 0 && i < v->n_steps; i++)
        if (v->steps[i].position == position) return v->steps[i].name;
    return NULL;
}

int runs_list(Req *r, const RunFilter *f, Run **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " RUN_COLS RUN_FROM
                   " WHERE r.deleted_at IS NULL AND (CAST(?1 AS TEXT) IS NULL OR tm.path LIKE ?1 || '%')"
                   " AND (?2 = 0 OR r.sop_id = ?2) AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3)"
                   " AND (CAST(?4 AS TEXT) IS NULL OR r.reference = ?4) AND (?5 = 0 OR r.id < ?5)"
                   " ORDER BY r.id DESC LIMIT ?6",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, f->scope_path);
    db_bind_int(st, 2, f->sop_id);
    db_bind_text(st, 3, f->status);
    db_bind_text(st, 4, f->reference);
    db_bind_int(st, 5, f->after_id);
    db_bind_int(st, 6, f->limit);
    int cap = f->limit > 0 && f->limit < 1000 ? f->limit : 1000, k = 0, rc;
    Run *rows = arena_alloc(r->arena, sizeof *rows * (size_t)cap);
    int *positions = arena_alloc(r->arena, sizeof *positions * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW && k < cap) {
        run_from_row(r, st, &rows[k], &positions[k]);
        k++;
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    VersionCache cache = {0};
    for (int i = 0; i < k; i++)
        if (positions[i])
            rows[i].current_step = step_name_at(cached_version(r, &cache, rows[i].version_id), positions[i]);
    *out = rows;
    *n = k;
    return 0;
}

/* Blocks of a version: consecutive steps sharing a non-zero parallel group
 * form one block; every other step is a block of its own. */
static int *blocks_of(Req *r, const SopVersion *v) {
    int *b = arena_alloc(r->arena, sizeof *b * (size_t)(v->n_steps + 1));
    for (int i = 0, cur = -1; i < v->n_steps; i++) {
        int g = v->steps[i].parallel_group;
        if (i == 0 || g == 0 || g != v->steps[i - 1].parallel_group) cur++;
        b[i] = cur;
    }
    return b;
}

/* The order rule for step k of an open run (run steps in version order):
 * -1 when it may start (or be skipped) now; else the index of the step that
 * holds it back (*passed false), or of a later step already begun (*passed
 * true: a conditional step passed over). */
static int order_blocker(const Run *run, const int *blocks, int k, bool *passed) {
    *passed = false;
    for (int j = 0; j < run->n_run_steps; j++) {
        const RunStep *s = &run->steps[j];
        if (blocks[j] < blocks[k] && !finished(s->status) &&
            !(strcmp(s->status, "pending") == 0 && s->def && s->def->conditional))
            return j;
    }
    for (int j = 0; j < run->n_run_steps; j++)
        if (blocks[j] > blocks[k] && strcmp(run->steps[j].status, "pending") != 0) {
            *passed = true;
            return j;
        }
    return -1;
}

static int load_steps(Req *r, Run *run) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT s.id, s.step_id, s.position, s.status, s.started_by, su.name, s.started_at, s.completed_by,"
                   " cu.name, s.completed_at, s.skip_reason, s.version FROM run_steps s"
                   " LEFT JOIN users su ON su.id = s.started_by LEFT JOIN users cu ON cu.id = s.completed_by"
                   " WHERE s.run_id = ?1 ORDER BY s.position, s.id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, run->id);
    int cap = (int)run->n_steps + 1, k = 0, rc;
    RunStep *steps = arena_alloc(r->arena, sizeof *steps * (size_t)cap);
    Arena *a = r->arena;
    while ((rc = db_step(st)) == DB_ROW && k < cap) {
        RunStep *s = &steps[k++];
        s->id = db_col_int(st, 0);
        s->step_id = db_col_int(st, 1);
        s->position = (int)db_col_int(st, 2);
        s->status = arena_strdup(a, db_col_text(st, 3));
        s->started_by = col_int0(st, 4);
        s->started_by_name = arena_strdup(a, db_col_null(st, 5) ? "" : db_col_text(st, 5));
        s->started_at = col_int0(st, 6);
        s->completed_by = col_int0(st, 7);
        s->completed_by_name = arena_strdup(a, db_col_null(st, 8) ? "" : db_col_text(st, 8));
        s->completed_at = col_int0(st, 9);
        s->skip_reason = db_col_null(st, 10) ? NULL : arena_strdup(a, db_col_text(st, 10));
        s->version = db_col_int(st, 11);
    }
    db_finalize(st);
    if (rc < 0) return -1;
    run->steps = steps;
    run->n_run_steps = k;
    /* Definitions and checklists. */
    for (int i = 0; i < k; i++) {
        RunStep *s = &steps[i];
        for (int j = 0; run->sop && j < run->sop->n_steps; j++)
            if (run->sop->steps[j].id == s->step_id) s->def = &run->sop->steps[j];
        int n_items = s->def ? s->def->n_checklist : 0;
        s->checked = arena_alloc(r->arena, sizeof(bool) * (size_t)(n_items + 1));
    }
    if (db_prepare(r->db,
                   "SELECT c.run_step_id, c.item FROM run_checks c JOIN run_steps s ON s.id = c.run_step_id"
                   " WHERE s.run_id = ?1",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, run->id);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t sid = db_col_int(st, 0), item = db_col_int(st, 1);
        for (int i = 0; i < k; i++)
            if (steps[i].id == sid && steps[i].def && item >= 1 && item <= steps[i].def->n_checklist)
                steps[i].checked[item - 1] = true;
    }
    db_finalize(st);
    if (rc < 0) return -1;
    if (run->sop && k == run->sop->n_steps) {
        int *blocks = blocks_of(r, run->sop);
        bool open = strcmp(run->status, "open") == 0, passed;
        for (int i = 0; i < k; i++) {
            if (strcmp(steps[i].status, "pending") != 0) continue;
            int j = order_blocker(run, blocks, i, &passed);
            steps[i].startable = open && j < 0;
            steps[i].bypassed = j >= 0 && passed && steps[i].def && steps[i].def->conditional;
        }
    }
    return 0;
}

int runs_get(Req *r, int64_t id, Run *out) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " RUN_COLS RUN_FROM " WHERE r.id = ?1 AND r.deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int position = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) run_from_row(r, st, out, &position);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return 1;
    SopVersion *v;
    if (sops_version_load(r, out->version_id, &v) != 0) return -1;
    out->sop = v;
    out->current_step = step_name_at(v, position);
    if (load_steps(r, out) != 0) return DB_FAIL(r);
    return 0;
}

/* ======================= changes ======================= */

int runs_start(Req *r, int64_t sop_id, const char *reference, Run *out) {
    int64_t version_id;
    SopVersion *v;
    /* The active version is read inside the write transaction: a publish
     * committing meanwhile cannot leave the run on a superseded version. */
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    if (sops_active_version(r, sop_id, &version_id) != 0 || sops_version_load(r, version_id, &v) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (v->n_steps < 1) return req_fail_tx(r, 422, "sop_id", "runs.error.no_steps");
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id FROM runs WHERE sop_id = ?1 AND reference = ?2 AND deleted_at IS NULL", &st) !=
        DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, sop_id);
    db_bind_text(st, 2, reference);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    if (rc == DB_ROW) return req_fail_tx(r, 409, "reference", "runs.error.reference_taken");
    int64_t log_id = 0, now = runs_clock_ms(), id = 0;
    if (eventlogs_run_log(r, sop_id, v->team_id, v->title, &log_id) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_prepare(
            r->db,
            "INSERT INTO runs (sop_id, version_id, version_number, sop_title, team_id, log_id, reference, status,"
            " started_by, started_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, 1)"
            " RETURNING id",
            &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, sop_id);
    db_bind_int(st, 2, v->id);
    db_bind_int(st, 3, v->number);
    db_bind_text(st, 4, v->title);
    db_bind_int(st, 5, v->team_id);
    db_bind_int(st, 6, log_id);
    db_bind_text(st, 7, reference);
    db_bind_int_or_null(st, 8, r->who->user_id);
    db_bind_int(st, 9, now);
    rc = db_step(st);
    if (rc == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (rc == DB_CONSTRAINT) return req_fail_tx(r, 409, "reference", "runs.error.reference_taken");
    if (!id) return DB_FAIL_TX(r);
    for (int i = 0; i < v->n_steps; i++) {
        if (db_prepare(r->db,
                       "INSERT INTO run_steps (run_id, step_id, position, status, version)"
                       " VALUES (?1, ?2, ?3, 'pending', 1)",
                       &st) != DB_OK)
            return DB_FAIL_TX(r);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, v->steps[i].id);
        db_bind_int(st, 3, v->steps[i].position);
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return DB_FAIL_TX(r);
    }
    if (runs_get(r, id, out) != 0) return DB_FAIL_TX(r);
    return web_audit_commit(r, "create", "run", id, NULL, run_snapshot(r, out));
}

/* Loads an open run for a change inside the transaction (serialising the
 * run's actions on PostgreSQL): 404 / 409 when closed. */
static int load_open_run(Req *r, int64_t run_id, Run *run) {
    if (db_lock_key(r->db, RUNS_LOCK_RUN ^ run_id) != DB_OK) return DB_FAIL_TX(r);
    int rc = runs_get(r, run_id, run);
    if (rc < 0) {
        db_rollback(r->db);
        return -1;
    }
    if (rc == 1 || !web_can_read_team(r, run->team_id)) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (strcmp(run->status, "open") != 0) return req_fail_tx(r, 409, "run", "runs.error.run_closed");
    return 0;
}

static int find_step(const Run *run, int64_t step_id) {
    for (int i = 0; i < run->n_run_steps; i++)
        if (run->steps[i].step_id == step_id) return i;
    return -1;
}

/* A code-point-safe prefix of s of at most max code points. Arena memory. */
static const char *clip(Req *r, const char *s, int max) {
    int count = 0;
    const char *p = s;
    while (*p && count < max) {
        p++;
        while ((*p & 0xC0) == 0x80) p++;
        count++;
    }
    if (!*p) return s;
    return arena_printf(r->arena, "%.*s…", (int)(p - s), s);
}

/* Opens the SOP review task of step k of run unless one is open for the same
 * version and step (inside the caller's transaction). The SOP's runs decide:
 * the analysis of the run log against the run's version. 0, or -1 after
 * req_fail_tx (a database failure); an analysis that cannot run, or a task the
 * tasks module refuses (e.g. the owner left), is logged and skipped — the
 * completion stands. */
static int review_check(Req *r, const Run *run, int k) {
    const SopStep *def = run->steps[k].def;
    if (!def || def->time_standard_s <= 0) return 0;
    EventLog *log = NULL;
    if (eventlogs_load(r, run->log_id, &log) != 0) {
        db_rollback(r->db);
        return -1;
    }
    ProcessModel model;
    sops_process_model(r, run->sop, &model);
    AnlOptions opt = {.model = &model};
    Analysis *an = NULL;
    char err[200] = "";
    bool breaks = false;
    double quantile_ms = 0;
    int rc = anl_run(r->arena, log, &opt, &an, err, sizeof err);
    for (int i = 0; rc == 0 && i < an->n_steps; i++) {
        const AnlStepCheck *c = &an->steps[i];
        if (c->step >= 0 && c->step < model.n_steps && strcmp(model.steps[c->step].name, def->name) == 0)
            breaks = c->breaks_time_standard, quantile_ms = c->quantile_ms;
    }
    evlog_free(log);
    if (rc != 0) {
        log_warn("runs: analysis of run log %lld failed: %s", (long long)run->log_id, err);
        return 0;
    }
    if (!breaks) return 0;
    if (db_lock_key(r->db, RUNS_LOCK_REVIEW ^ (run->version_id << 20) ^ def->id) != DB_OK) return DB_FAIL_TX(r);
    DbStmt *st;
    if (db_prepare(r->db, "SELECT task_id FROM run_review_tasks WHERE version_id = ?1 AND step_id = ?2", &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, run->version_id);
    db_bind_int(st, 2, def->id);
    int64_t ids[64];
    int n_ids = 0;
    while ((rc = db_step(st)) == DB_ROW && n_ids < 64) ids[n_ids++] = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    for (int i = 0; i < n_ids; i++) {
        Task t;
        int got = tasks_get(r, ids[i], &t);
        if (got < 0) {
            db_rollback(r->db);
            return -1;
        }
        if (got == 0 && tasks_is_open(&t)) return 0; /* already under review */
    }
    const char *args[5] = {
        clip(r, run->sop_title, 80), clip(r, def->name, 80), runs_fmt_duration(r, (int64_t)quantile_ms),
        runs_fmt_duration(r, def->time_standard_s * 1000), arena_printf(r->arena, "%d", def->time_share_pct)};
    TaskInput in = {
        .title = i18n_fmt(r->arena, r->locale, "runs.review.title", 2, args),
        .description = i18n_fmt(r->arena, r->locale, "runs.review.description", 5, args),
        .owner_id = run->sop->owner_id,
        .team_id = run->sop->team_id,
        .priority = "high",
        .due_at = time_now_ms() + RUNS_REVIEW_DUE_MS,
        .has_title = true,
        .has_description = true,
        .has_owner = true,
        .has_team = true,
        .has_priority = true,
        .has_due = true,
    };
    in.description = arena_printf(r->arena, "%s\n\n[/sops/%lld/analysis](/sops/%lld/analysis)", in.description,
                                  (long long)run->sop_id, (long long)run->sop_id);
    /* The system opens it: the person completing the step may not assign
     * tasks to the SOP's owner. */
    Req *sys = web_cli_request(r->db);
    Task t;
    int created = tasks_create_in_tx(sys, &in, &t);
    int status = req_status(sys);
    if (created != 0)
        log_warn("runs: review task for SOP %lld step %lld refused: %s", (long long)run->sop_id, (long long)def->id,
                 req_first_error(sys));
    web_cli_request_free(sys);
    if (created != 0) return status >= 500 ? DB_FAIL_TX(r) : 0;
    if (db_prepare(r->db,
                   "INSERT INTO run_review_tasks (version_id, step_id, task_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                   &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, run->version_id);
    db_bind_int(st, 2, def->id);
    db_bind_int(st, 3, t.id);
    db_bind_int(st, 4, time_now_ms());
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    return 0;
}

/* The run's case attributes in the run log: its id, and its status, which
 * the SOP's analysis filters on (finished runs only). Set with each event, so
 * a run that never recorded a step is no case of the log. */
static int log_attrs(Req *r, const Run *run) {
    if (eventlogs_case_attr(r, run->log_id, run->reference, "run_id",
                            arena_printf(r->arena, "%lld", (long long)run->id)) != 0 ||
        eventlogs_case_attr(r, run->log_id, run->reference, "run_status", run->status) != 0) {
        db_rollback(r->db);
        return -1;
    }
    return 0;
}

static const char *const LIFECYCLE[] = {NULL, "start", "complete", "skip"};
static const char *const AUDIT_ACTION[] = {NULL, "step_start", "step_complete", "step_skip"};

/* Checks act on step k of the open run; 0, or -1 after req_fail_tx. */
static int check_action(Req *r, Run *run, int k, RunAction act) {
    const RunStep *s = &run->steps[k];
    if (!s->def) return req_fail_tx(r, 409, "step_id", "runs.error.step_unknown");
    if (act == RUN_STEP_COMPLETE) {
        if (strcmp(s->status, "in_progress") != 0)
            return req_fail_tx(r, 409, "step_id",
                               strcmp(s->status, "pending") == 0 ? "runs.error.not_started" : "runs.error.finished");
        for (int i = 0; i < s->def->n_checklist; i++)
            if (!s->checked[i]) {
                const char *msg =
                    i18n_fmt(r->arena, r->locale, "runs.error.unticked", 1, (const char *[]){s->def->checklist[i]});
                return req_fail_tx(r, 422, arena_printf(r->arena, "checklist[%d]", i + 1), msg);
            }
        return 0;
    }
    if (strcmp(s->status, "pending") != 0)
        return req_fail_tx(r, 409, "step_id",
                           strcmp(s->status, "in_progress") == 0
                               ? (act == RUN_STEP_START ? "runs.error.already_started" : "runs.error.skip_started")
                               : "runs.error.finished");
    bool passed;
    int j = order_blocker(run, blocks_of(r, run->sop), k, &passed);
    if (j >= 0) {
        const char *name = run->steps[j].def ? run->steps[j].def->name : "?";
        const char *msg =
            i18n_fmt(r->arena, r->locale, passed ? "runs.error.passed" : "runs.error.order", 1, (const char *[]){name});
        return req_fail_tx(r, 409, "step_id", msg);
    }
    return 0;
}

/* After a completion or skip: the run is done when every step is done,
 * skipped, or a conditional step passed over (bypassed). */
static int finish_if_complete(Req *r, const Run *run) {
    for (int i = 0; i < run->n_run_steps; i++)
        if (!finished(run->steps[i].status) && !run->steps[i].bypassed) return 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE runs SET status = 'done', finished_at = ?1, version = version + 1 WHERE id = ?2"
                   " AND status = 'open'",
                   &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, runs_clock_ms());
    db_bind_int(st, 2, run->id);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? DB_FAIL_TX(r) : 1;
}

int runs_step_act(Req *r, int64_t run_id, int64_t step_id, RunAction act, int64_t expected, const char *reason,
                  Run *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Run run;
    if (load_open_run(r, run_id, &run) != 0) return -1;
    int k = find_step(&run, step_id);
    if (k < 0) return req_fail_tx(r, 404, NULL, "error.not_found");
    RunStep *s = &run.steps[k];
    if (expected >= 0 && s->version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    if (check_action(r, &run, k, act) != 0) return -1;
    const char *before = step_snapshot(r, s);
    int64_t now = runs_clock_ms();
    DbStmt *st;
    int prc;
    if (act == RUN_STEP_START)
        prc = db_prepare(r->db,
                         "UPDATE run_steps SET status = 'in_progress', started_by = ?1, started_at = ?2,"
                         " version = version + 1 WHERE id = ?3 AND version = ?4 RETURNING id",
                         &st);
    else if (act == RUN_STEP_COMPLETE)
        prc = db_prepare(r->db,
                         "UPDATE run_steps SET status = 'done', completed_by = ?1, completed_at = ?2,"
                         " version = version + 1 WHERE id = ?3 AND version = ?4 RETURNING id",
                         &st);
    else
        prc = db_prepare(r->db,
                         "UPDATE run_steps SET status = 'skipped', completed_by = ?1, completed_at = ?2,"
                         " skip_reason = ?5, version = version + 1 WHERE id = ?3 AND version = ?4 RETURNING id",
                         &st);
    if (prc != DB_OK) return DB_FAIL_TX(r);
    db_bind_int_or_null(st, 1, r->who->user_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, s->id);
    db_bind_int(st, 4, s->version);
    if (act == RUN_STEP_SKIP) db_bind_text(st, 5, reason);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    if (eventlogs_append(r, run.log_id, run.reference, s->def->name, r->who->name, LIFECYCLE[act], now) != 0) {
        db_rollback(r->db);
        return -1;
    }
    Run after;
    if (runs_get(r, run_id, &after) != 0) return DB_FAIL_TX(r);
    if (act != RUN_STEP_START) {
        int done = finish_if_complete(r, &after);
        if (done < 0) return -1;
        if (done && runs_get(r, run_id, &after) != 0) return DB_FAIL_TX(r);
    }
    if (log_attrs(r, &after) != 0) return -1;
    if (act == RUN_STEP_COMPLETE && review_check(r, &after, k) != 0) return -1;
    if (web_audit_commit(r, AUDIT_ACTION[act], "run", run_id, before, step_snapshot(r, &after.steps[k])) != 0)
        return -1;
    *out = after;
    return 0;
}

int runs_step_check(Req *r, int64_t run_id, int64_t step_id, int item, bool checked, Run *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Run run;
    if (load_open_run(r, run_id, &run) != 0) return -1;
    int k = find_step(&run, step_id);
    if (k < 0) return req_fail_tx(r, 404, NULL, "error.not_found");
    RunStep *s = &run.steps[k];
    if (!s->def || item < 1 || item > s->def->n_checklist) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (strcmp(s->status, "in_progress") != 0)
        return req_fail_tx(r, 409, "step_id",
                           strcmp(s->status, "pending") == 0 ? "runs.error.check_not_started" : "runs.error.finished");
    if (s->checked[item - 1] == checked) {
        db_rollback(r->db); /* nothing to change: the same answer as a change */
        *out = run;
        return 0;
    }
    DbStmt *st;
    if (checked) {
        if (db_prepare(r->db,
                       "INSERT INTO run_checks (run_step_id, item, checked_by, checked_at) VALUES (?1, ?2, ?3, ?4)",
                       &st) != DB_OK)
            return DB_FAIL_TX(r);
        db_bind_int(st, 1, s->id);
        db_bind_int(st, 2, item);
        db_bind_int_or_null(st, 3, r->who->user_id);
        db_bind_int(st, 4, runs_clock_ms());
    } else {
        if (db_prepare(r->db, "DELETE FROM run_checks WHERE run_step_id = ?1 AND item = ?2", &st) != DB_OK)
            return DB_FAIL_TX(r);
        db_bind_int(st, 1, s->id);
        db_bind_int(st, 2, item);
    }
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    const char *snap = arena_printf(r->arena, "{\"step_id\":%lld,\"item\":%d,\"checked\":%s}", (long long)step_id, item,
                                    checked ? "true" : "false");
    if (web_audit(r, checked ? "step_tick" : "step_untick", "run", run_id, NULL, snap) != 0) {
        db_rollback(r->db);
        return -1;
    }
    Run after;
    if (runs_get(r, run_id, &after) != 0) return DB_FAIL_TX(r);
    if (db_commit(r->db) != DB_OK) return DB_FAIL(r);
    *out = after;
    return 0;
}

int runs_cancel(Req *r, int64_t run_id, int64_t expected, Run *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Run run;
    if (load_open_run(r, run_id, &run) != 0) return -1;
    if (expected >= 0 && run.version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE runs SET status = 'cancelled', finished_at = ?1, version = version + 1 WHERE id = ?2"
                   " AND version = ?3 AND status = 'open' RETURNING id",
                   &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, runs_clock_ms());
    db_bind_int(st, 2, run_id);
    db_bind_int(st, 3, run.version);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    /* A step in progress ends with the XES lifecycle transition ate_abort
     * (IEEE 1849 "activity instance aborted"), so the log says why its start
     * has no completion; the analysis keeps it as an event that makes no
     * instance. Pending steps never happened: no event. */
    int64_t now = runs_clock_ms();
    for (int i = 0; i < run.n_run_steps; i++) {
        const RunStep *s = &run.steps[i];
        if (strcmp(s->status, "in_progress") != 0 || !s->def) continue;
        if (eventlogs_append(r, run.log_id, run.reference, s->def->name, r->who->name, "ate_abort", now) != 0) {
            db_rollback(r->db);
            return -1;
        }
    }
    Run after;
    if (runs_get(r, run_id, &after) != 0) return DB_FAIL_TX(r);
    bool recorded = false; /* the run is a case of the log once a step was started or skipped */
    for (int i = 0; i < after.n_run_steps; i++) recorded |= strcmp(after.steps[i].status, "pending") != 0;
    if (recorded && log_attrs(r, &after) != 0) return -1;
    if (web_audit_commit(r, "run_cancel", "run", run_id, run_snapshot(r, &run), run_snapshot(r, &after)) != 0)
        return -1;
    *out = after;
    return 0;
}

/* ======================= analysis ======================= */

int runs_model_source(Req *r, int64_t sop_id, ProcessModel *model) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT version_id FROM runs WHERE sop_id = ?1 AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    int64_t version_id = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) version_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (!version_id) return 1;
    SopVersion *v;
    if (sops_version_load(r, version_id, &v) != 0) return -1;
    sops_process_model(r, v, model);
    return 0;
}

int runs_sop_analysis(Req *r, int64_t sop_id, bool finished_only, EventLog **log, Analysis **an, int64_t *log_id) {
    *log = NULL;
    *an = NULL;
    *log_id = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT log_id FROM runs WHERE sop_id = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    int rc = db_step(st);
    if (rc == DB_ROW) *log_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (!*log_id) return 0;
    ProcessModel *model = arena_alloc(r->arena, sizeof *model);
    rc = runs_model_source(r, sop_id, model);
    if (rc < 0) return -1;
    if (eventlogs_load(r, *log_id, log) != 0) return -1;
    AnlOptions opt = {.model = rc == 0 ? model : NULL};
    if (finished_only) {
        opt.filter.attr_key = "run_status", opt.filter.attr_value = "done";
        /* An unknown value selects no case, but the engine refuses an unknown
         * key: a log with no run yet has no run_status key — an empty analysis
         * (with the model). */
        if (strpool_find(&(*log)->attr_keys, "run_status", 10) == EVLOG_NONE) {
            evlog_free(*log);
            *log = evlog_new();
            if (!*log) return DB_FAIL(r);
            opt.filter.attr_key = opt.filter.attr_value = NULL;
        }
    }
    char err[200] = "";
    if (anl_run(r->arena, *log, &opt, an, err, sizeof err) != 0) {
        log_warn("runs: analysis of run log %lld failed: %s", (long long)*log_id, err);
        evlog_free(*log);
        *log = NULL;
        *an = NULL;
        return DB_FAIL(r);
    }
    return 0;
}

/* ======================= scope resolvers ======================= */

int runs_scope_run(Req *r, int64_t *team_id) {
    return web_scope_by_id(r, "id", "SELECT team_id FROM runs WHERE id = ?1 AND deleted_at IS NULL", team_id);
}

int runs_scope_new(Req *r, int64_t *team_id) {
    int64_t sop_id = 0;
    if (r->is_api) {
        json_t *v = json_object_get(req_json(r), "sop_id");
        sop_id = json_is_integer(v) ? json_integer_value(v) : 0;
    } else {
        const char *s = req_form(r, "sop_id");
        sop_id = s && *s ? strtoll(s, NULL, 10) : 0;
    }
    if (sop_id <= 0) {
        /* The handler refuses the missing or malformed id (422 naming it). */
        *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
        return 0;
    }
    Sop sop;
    int rc = sops_get(r, sop_id, &sop);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    *team_id = sop.team_id;
    return 0;
}
