/* sops_model.c — SOP documents and their versions: queries, the rules of
 * steps (names unique within a version, time and quality standards, parallel
 * groups, conditions), drafts changed in place, a new draft copied from the
 * published version, publishing (the previous published version becomes
 * superseded and stays readable), retiring, the review cycle, and the route
 * scope resolvers. Every change runs in one write transaction with its audit
 * row and bumps the SOP's version (the whole document's ETag). Suggestions
 * and votes live in sops_suggest.c. No HTML or HTTP here. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "sops.h"
#include "sops_internal.h"

#define DAY_MS (86400LL * 1000)

/* ======================= values ======================= */

bool sops_status_valid(const char *s) {
    return s && (strcmp(s, "draft") == 0 || strcmp(s, "active") == 0 || strcmp(s, "retired") == 0);
}
bool sops_suggestion_status_valid(const char *s) {
    return s && (strcmp(s, "open") == 0 || strcmp(s, "accepted") == 0 || strcmp(s, "rejected") == 0 ||
                 strcmp(s, "done") == 0);
}
bool sops_review_due(const Sop *s, int64_t now_ms) {
    return strcmp(s->status, "active") == 0 && s->review_every_days > 0 && s->next_review_at &&
           s->next_review_at <= now_ms;
}

/* ======================= JSON ======================= */

void sops_json(JsonW *w, const Sop *s, int64_t now_ms) {
    jw_obj_begin(w);
    sops_json_members(w, s, now_ms);
    jw_obj_end(w);
}

void sops_json_members(JsonW *w, const Sop *s, int64_t now_ms) {
    jw_kint(w, "id", s->id);
    jw_kstr(w, "title", s->title);
    jw_kstr(w, "purpose", s->purpose);
    jw_kint(w, "team_id", s->team_id);
    jw_kstr(w, "team_name", s->team_name);
    jw_kint(w, "owner_id", s->owner_id);
    jw_kstr(w, "owner_name", s->owner_name);
    jw_kstr(w, "status", s->status);
    jw_kid_or_null(w, "review_every_days", s->review_every_days);
    jw_ktime(w, "next_review_at", s->next_review_at);
    jw_ktime(w, "last_reviewed_at", s->last_reviewed_at);
    jw_kbool(w, "review_due", sops_review_due(s, now_ms));
    jw_kint(w, "current_version", s->current_number);
    jw_kid_or_null(w, "published_version", s->published_number);
    jw_kbool(w, "has_draft", s->has_draft);
    jw_kint(w, "open_suggestions", s->open_suggestions);
    jw_kint(w, "version", s->version);
    jw_ktime(w, "created_at", s->created_at);
    jw_ktime(w, "updated_at", s->updated_at);
}

static void step_json(JsonW *w, const SopStep *p) {
    jw_obj_begin(w);
    jw_kint(w, "id", p->id);
    jw_kint(w, "position", p->position);
    jw_kstr(w, "name", p->name);
    jw_kstr(w, "role", p->role);
    jw_kid_or_null(w, "owner_id", p->owner_id);
    jw_kstr(w, "owner_name", p->owner_name ? p->owner_name : "");
    jw_kstr(w, "resources", p->resources);
    jw_kint(w, "time_standard_s", p->time_standard_s);
    jw_kint(w, "time_share_pct", p->time_share_pct);
    jw_kstr(w, "quality", p->quality);
    jw_key(w, "checklist");
    jw_arr_begin(w);
    for (int i = 0; i < p->n_checklist; i++) jw_str(w, p->checklist[i]);
    jw_arr_end(w);
    jw_kstr(w, "instructions_md", p->instructions_md);
    jw_kint(w, "parallel_group", p->parallel_group);
    jw_kbool(w, "conditional", p->conditional);
    jw_kstr(w, "condition", p->condition);
    jw_obj_end(w);
}

void sops_version_json(JsonW *w, const SopVersion *v, bool with_steps) {
    jw_obj_begin(w);
    jw_kint(w, "id", v->id);
    jw_kint(w, "sop_id", v->sop_id);
    jw_kint(w, "number", v->number);
    jw_kstr(w, "status", v->status);
    jw_kstr(w, "title", v->title);
    jw_kstr(w, "purpose", v->purpose);
    jw_kstr(w, "change_note", v->change_note);
    jw_kid_or_null(w, "created_by", v->created_by);
    jw_kstr(w, "created_by_name", v->created_by_name);
    jw_ktime(w, "created_at", v->created_at);
    jw_ktime(w, "updated_at", v->updated_at);
    jw_ktime(w, "published_at", v->published_at);
    jw_kint(w, "n_steps", v->n_steps);
    jw_kint(w, "version", v->version);
    if (with_steps) {
        jw_key(w, "steps");
        jw_arr_begin(w);
        for (int i = 0; i < v->n_steps; i++) step_json(w, &v->steps[i]);
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

static const char *sop_snapshot(Req *r, const Sop *s) {
    JsonText jt;
    sops_json(jw_text_begin(&jt), s, time_now_ms());
    return jw_text_end(&jt, r->arena);
}
static const char *version_snapshot(Req *r, const SopVersion *v) {
    JsonText jt;
    sops_version_json(jw_text_begin(&jt), v, true);
    return jw_text_end(&jt, r->arena);
}
/* ======================= queries ======================= */

#define SOP_COLS                                                                                                       \
    "s.id, s.team_id, tm.name, s.owner_id, u.name, u.login, s.title, s.purpose, s.status, s.review_every_days,"        \
    " s.next_review_at, s.last_reviewed_at, s.current_version_id, s.published_version_id,"                             \
    " (SELECT v.number FROM sop_versions v WHERE v.id = s.current_version_id),"                                        \
    " (SELECT v.number FROM sop_versions v WHERE v.id = s.published_version_id),"                                      \
    " (SELECT v.status FROM sop_versions v WHERE v.id = s.current_version_id),"                                        \
    " (SELECT COUNT(*) FROM sop_suggestions g WHERE g.sop_id = s.id AND g.status = 'open'),"                           \
    " s.created_by, s.version, s.created_at, s.updated_at"
#define SOP_FROM " FROM sops s JOIN teams tm ON tm.id = s.team_id JOIN users u ON u.id = s.owner_id"

static void sop_from_row(Req *r, DbStmt *st, Sop *s) {
    memset(s, 0, sizeof *s);
    s->id = db_col_int(st, 0);
    s->team_id = db_col_int(st, 1);
    s->team_name = col_str(r, st, 2);
    s->owner_id = db_col_int(st, 3);
    s->owner_name = col_str(r, st, 4);
    s->owner_login = col_str(r, st, 5);
    s->title = col_str(r, st, 6);
    s->purpose = col_str(r, st, 7);
    s->status = col_str(r, st, 8);
    s->review_every_days = (int)col_int0(st, 9);
    s->next_review_at = col_int0(st, 10);
    s->last_reviewed_at = col_int0(st, 11);
    s->current_version_id = col_int0(st, 12);
    s->published_version_id = col_int0(st, 13);
    s->current_number = (int)col_int0(st, 14);
    s->published_number = (int)col_int0(st, 15);
    const char *cur = db_col_text(st, 16);
    s->has_draft = cur && strcmp(cur, "draft") == 0;
    s->open_suggestions = db_col_int(st, 17);
    s->created_by = col_int0(st, 18);
    s->version = db_col_int(st, 19);
    s->created_at = db_col_int(st, 20);
    s->updated_at = db_col_int(st, 21);
}

/* A live SOP by id, whatever the caller may read: 0, 1 absent, -1 db error. */
static int sop_load(Req *r, int64_t id, Sop *s) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " SOP_COLS SOP_FROM " WHERE s.id = ?1 AND s.deleted_at IS NULL", &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) sop_from_row(r, st, s);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

int sops_get(Req *r, int64_t id, Sop *out) {
    int rc = sop_load(r, id, out);
    if (rc < 0) return DB_FAIL(r);
    if (rc == 1 || !web_can_read_team(r, out->team_id)) return 1;
    return 0;
}

int sops_list(Req *r, const SopFilter *f, Sop **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " SOP_COLS SOP_FROM
                   " WHERE s.deleted_at IS NULL AND (CAST(?1 AS TEXT) IS NULL OR tm.path LIKE ?1 || '%')"
                   " AND (CAST(?2 AS TEXT) IS NULL OR s.status = ?2)"
                   " AND (?3 = 0 OR tm.path LIKE (SELECT p.path FROM teams p WHERE p.id = ?3) || '%')"
                   " AND (?4 = 0 OR s.owner_id = ?4)"
                   " AND (CAST(?5 AS TEXT) IS NULL OR instr(lower(s.title), lower(?5)) > 0"
                   "      OR instr(lower(s.purpose), lower(?5)) > 0)"
                   " AND (?6 = 0 OR (s.status = 'active' AND s.review_every_days > 0 AND s.next_review_at <= ?7))"
                   " AND s.id > ?8 ORDER BY s.id LIMIT ?9",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, f->scope_path);
    db_bind_text(st, 2, f->status);
    db_bind_int(st, 3, f->team_id);
    db_bind_int(st, 4, f->owner_id);
    db_bind_text(st, 5, f->q && *f->q ? f->q : NULL);
    db_bind_int(st, 6, f->review_due);
    db_bind_int(st, 7, time_now_ms());
    db_bind_int(st, 8, f->after_id);
    db_bind_int(st, 9, f->limit);
    int cap = 16, k = 0, rc;
    Sop *rows = arena_alloc(r->arena, sizeof *rows * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW && k < f->limit) {
        if (k == cap) {
            Sop *bigger = arena_alloc(r->arena, sizeof *rows * (size_t)cap * 2);
            memcpy(bigger, rows, sizeof *rows * (size_t)cap);
            rows = bigger, cap *= 2;
        }
        sop_from_row(r, st, &rows[k++]);
    }
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
}

/* ---- versions and steps ---- */

#define VERSION_COLS                                                                                                   \
    "v.id, v.sop_id, s.team_id, v.number, v.status, v.title, s.owner_id, v.purpose, v.change_note, v.created_by,"      \
    " COALESCE(cu.name, ''), v.created_at, v.updated_at, v.published_at, v.version,"                                   \
    " (SELECT COUNT(*) FROM sop_steps p WHERE p.version_id = v.id)"
#define VERSION_FROM " FROM sop_versions v JOIN sops s ON s.id = v.sop_id LEFT JOIN users cu ON cu.id = v.created_by"

static void version_from_row(Req *r, DbStmt *st, SopVersion *v) {
    memset(v, 0, sizeof *v);
    v->id = db_col_int(st, 0);
    v->sop_id = db_col_int(st, 1);
    v->team_id = db_col_int(st, 2);
    v->number = (int)db_col_int(st, 3);
    v->status = col_str(r, st, 4);
    v->title = col_str(r, st, 5);
    v->owner_id = db_col_int(st, 6);
    v->purpose = col_str(r, st, 7);
    v->change_note = col_str(r, st, 8);
    v->created_by = col_int0(st, 9);
    v->created_by_name = col_str(r, st, 10);
    v->created_at = db_col_int(st, 11);
    v->updated_at = db_col_int(st, 12);
    v->published_at = col_int0(st, 13);
    v->version = db_col_int(st, 14);
    v->n_steps = (int)db_col_int(st, 15);
}

/* Steps of a version in position order, with their checklists. 0 or -1. */
static int load_steps(Req *r, SopVersion *v) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT p.id, p.position, p.name, p.role, p.owner_id, COALESCE(u.name, ''), p.resources,"
                   " p.time_standard_s, p.time_share_pct, p.quality, p.instructions_md, p.parallel_group,"
                   " p.conditional, p.condition_text FROM sop_steps p LEFT JOIN users u ON u.id = p.owner_id"
                   " WHERE p.version_id = ?1 ORDER BY p.position LIMIT 1000",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, v->id);
    int cap = v->n_steps > 0 ? v->n_steps : 1, k = 0, rc;
    SopStep *steps = arena_alloc(r->arena, sizeof *steps * (size_t)(cap + 1));
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            SopStep *bigger = arena_alloc(r->arena, sizeof *steps * (size_t)cap * 2);
            memcpy(bigger, steps, sizeof *steps * (size_t)cap);
            steps = bigger, cap *= 2;
        }
        SopStep *p = &steps[k++];
        memset(p, 0, sizeof *p);
        p->id = db_col_int(st, 0);
        p->position = (int)db_col_int(st, 1);
        p->name = col_str(r, st, 2);
        p->role = col_str(r, st, 3);
        p->owner_id = col_int0(st, 4);
        p->owner_name = col_str(r, st, 5);
        p->resources = col_str(r, st, 6);
        p->time_standard_s = db_col_int(st, 7);
        p->time_share_pct = (int)db_col_int(st, 8);
        p->quality = col_str(r, st, 9);
        p->instructions_md = col_str(r, st, 10);
        p->parallel_group = (int)db_col_int(st, 11);
        p->conditional = db_col_int(st, 12) != 0;
        p->condition = col_str(r, st, 13);
    }
    db_finalize(st);
    if (rc < 0) return -1;
    v->steps = steps;
    v->n_steps = k;
    for (int i = 0; i < k; i++) {
        if (db_prepare(r->db, "SELECT text FROM sop_step_checklist WHERE step_id = ?1 ORDER BY position LIMIT ?2",
                       &st) != DB_OK)
            return -1;
        db_bind_int(st, 1, steps[i].id);
        db_bind_int(st, 2, SOPS_MAX_CHECKLIST);
        const char **items = arena_alloc(r->arena, sizeof *items * SOPS_MAX_CHECKLIST);
        int m = 0;
        while ((rc = db_step(st)) == DB_ROW && m < SOPS_MAX_CHECKLIST) items[m++] = col_str(r, st, 0);
        db_finalize(st);
        if (rc < 0) return -1;
        steps[i].checklist = items;
        steps[i].n_checklist = m;
    }
    return 0;
}

/* A version by id (any SOP, no scope check): 0, 1 absent, -1 db error. */
static int version_load_id(Req *r, int64_t version_id, SopVersion **out) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " VERSION_COLS VERSION_FROM " WHERE v.id = ?1 AND s.deleted_at IS NULL", &st) !=
        DB_OK)
        return -1;
    db_bind_int(st, 1, version_id);
    SopVersion *v = arena_alloc(r->arena, sizeof *v);
    int rc = db_step(st);
    if (rc == DB_ROW) version_from_row(r, st, v);
    db_finalize(st);
    if (rc < 0) return -1;
    if (rc != DB_ROW) return 1;
    if (load_steps(r, v) != 0) return -1;
    *out = v;
    return 0;
}

int sops_version_load(Req *r, int64_t version_id, SopVersion **out) {
    int rc = version_load_id(r, version_id, out);
    if (rc < 0) return DB_FAIL(r);
    if (rc == 1 || !web_can_read_team(r, (*out)->team_id)) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

int sops_active_version(Req *r, int64_t sop_id, int64_t *version_id) {
    Sop s;
    int rc = sops_get(r, sop_id, &s);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    if (strcmp(s.status, "active") != 0 || !s.published_version_id)
        return req_fail(r, 422, "sop_id", "sops.error.not_active");
    *version_id = s.published_version_id;
    return 0;
}

void sops_process_model(Req *r, const SopVersion *v, ProcessModel *out) {
    PmStep *steps = arena_alloc(r->arena, sizeof *steps * (size_t)(v->n_steps + 1));
    for (int i = 0; i < v->n_steps; i++) {
        const SopStep *p = &v->steps[i];
        steps[i] = (PmStep){.name = p->name,
                            .parallel_group = p->parallel_group,
                            .conditional = p->conditional,
                            .time_standard_ms = p->time_standard_s * 1000,
                            .time_share = p->time_share_pct / 100.0};
    }
    out->steps = steps;
    out->n_steps = v->n_steps;
}

int sops_versions(Req *r, int64_t sop_id, SopVersion **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " VERSION_COLS VERSION_FROM " WHERE v.sop_id = ?1 ORDER BY v.number DESC LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    SopVersion *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < 500) version_from_row(r, st, &rows[k++]);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
}

int sops_version_by_number(Req *r, int64_t sop_id, int number, SopVersion **out) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " VERSION_COLS VERSION_FROM
                   " WHERE v.sop_id = ?1 AND v.number = ?2 AND s.deleted_at IS NULL",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    db_bind_int(st, 2, number);
    SopVersion *v = arena_alloc(r->arena, sizeof *v);
    int rc = db_step(st);
    if (rc == DB_ROW) version_from_row(r, st, v);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc != DB_ROW) return 1;
    if (load_steps(r, v) != 0) return DB_FAIL(r);
    *out = v;
    return 0;
}

/* ======================= rules ======================= */

static bool is_manager_of(Req *r, int64_t team_id) {
    return r->who && (r->who->role == ROLE_ADMIN || r->who->role == ROLE_SUPERVISOR) && web_can_manage_team(r, team_id);
}
bool sops_may_manage(Req *r, const Sop *s) { return is_manager_of(r, s->team_id); }
bool sops_may_steward(Req *r, const Sop *s) {
    if (!r->who || r->who->role == ROLE_VIEWER) return false;
    return is_manager_of(r, s->team_id) || s->owner_id == r->who->user_id;
}

/* 0 with *team_id when user_id is an active person; 1 otherwise; -1 db error. */
static int active_person(Req *r, int64_t user_id, int64_t *team_id) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT team_id FROM users WHERE id = ?1 AND disabled = 0 AND deleted_at IS NULL", &st) !=
        DB_OK)
        return -1;
    db_bind_int(st, 1, user_id);
    int rc = db_step(st);
    *team_id = rc == DB_ROW ? col_int0(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return -1;
    return rc == DB_ROW ? 0 : 1;
}

/* A person the caller can see: active, and in a team the caller can read
 * (admins without a team are visible to everyone who can see the SOP). */
static int check_person(Req *r, const char *field, int64_t user_id) {
    int64_t team = 0;
    int rc = active_person(r, user_id, &team);
    if (rc < 0) return DB_FAIL(r);
    if (rc == 1 || (team && !web_can_read_team(r, team))) {
        req_error(r, field, "sops.error.person_unknown");
        return 1;
    }
    return 0;
}

int sops_check_steps(Req *r, const SopStep *steps, int n) {
    int before = req_error_count(r);
    if (n > SOPS_MAX_STEPS) req_error(r, "steps", "sops.error.too_many_steps");
    for (int i = 0; i < n && i < SOPS_MAX_STEPS; i++) {
        const SopStep *p = &steps[i];
        const char *f = arena_printf(r->arena, "steps[%d].", i);
#define FIELD(name) arena_printf(r->arena, "%s" name, f)
        size_t len = p->name ? strlen(p->name) : 0;
        if (!p->name || strspn(p->name, " \t") == len) req_error(r, FIELD("name"), "error.required");
        else if (utf8_count(p->name, len) > 200) req_error(r, FIELD("name"), "error.too_long");
        else
            for (int j = 0; j < i; j++)
                if (steps[j].name && strcmp(steps[j].name, p->name) == 0) {
                    req_error(r, FIELD("name"), "sops.error.step_name_taken");
                    break;
                }
        if (p->time_standard_s < 0 || p->time_standard_s > 366LL * 86400)
            req_error(r, FIELD("time_standard_s"), "sops.error.time_standard");
        if (p->time_share_pct < 1 || p->time_share_pct > 100)
            req_error(r, FIELD("time_share_pct"), "sops.error.time_share");
        if (p->parallel_group < 0 || p->parallel_group > 1000)
            req_error(r, FIELD("parallel_group"), "sops.error.parallel_group");
        if (p->conditional && (!p->condition || !*p->condition))
            req_error(r, FIELD("condition"), "sops.error.condition_required");
        if (p->n_checklist > SOPS_MAX_CHECKLIST) req_error(r, FIELD("checklist"), "sops.error.checklist_long");
        for (int c = 0; c < p->n_checklist && c < SOPS_MAX_CHECKLIST; c++)
            if (!p->checklist[c] || strspn(p->checklist[c], " \t") == strlen(p->checklist[c])) {
                req_error(r, FIELD("checklist"), "sops.error.checklist_empty");
                break;
            }
        if (p->owner_id > 0) {
            int rc = check_person(r, FIELD("owner_id"), p->owner_id);
            if (rc < 0) return req_error_count(r) - before + 1;
        }
#undef FIELD
    }
    return req_error_count(r) - before;
}

/* ======================= writing versions ======================= */

static int insert_steps(Req *r, int64_t version_id, const SopStep *steps, int n) {
    for (int i = 0; i < n; i++) {
        const SopStep *p = &steps[i];
        DbStmt *st;
        if (db_prepare(r->db,
                       "INSERT INTO sop_steps (version_id, position, name, role, owner_id, resources, time_standard_s,"
                       " time_share_pct, quality, instructions_md, parallel_group, conditional, condition_text)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
                       &st) != DB_OK)
            return -1;
        db_bind_int(st, 1, version_id);
        db_bind_int(st, 2, i + 1);
        db_bind_text(st, 3, p->name);
        db_bind_text(st, 4, p->role ? p->role : "");
        db_bind_int_or_null(st, 5, p->owner_id);
        db_bind_text(st, 6, p->resources ? p->resources : "");
        db_bind_int(st, 7, p->time_standard_s);
        db_bind_int(st, 8, p->time_share_pct);
        db_bind_text(st, 9, p->quality ? p->quality : "");
        db_bind_text(st, 10, p->instructions_md ? p->instructions_md : "");
        db_bind_int(st, 11, p->parallel_group);
        db_bind_int(st, 12, p->conditional);
        db_bind_text(st, 13, p->conditional && p->condition ? p->condition : "");
        int64_t step_id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_finalize(st);
        if (!step_id) return -1;
        for (int c = 0; c < p->n_checklist; c++) {
            if (db_prepare(r->db, "INSERT INTO sop_step_checklist (step_id, position, text) VALUES (?1, ?2, ?3)",
                           &st) != DB_OK)
                return -1;
            db_bind_int(st, 1, step_id);
            db_bind_int(st, 2, c + 1);
            db_bind_text(st, 3, p->checklist[c]);
            if (run(st) != 0) return -1;
        }
    }
    return 0;
}

static int delete_steps(Req *r, int64_t version_id) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "DELETE FROM sop_step_checklist WHERE step_id IN (SELECT id FROM sop_steps WHERE version_id = ?1)",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, version_id);
    if (run(st) != 0) return -1;
    if (db_prepare(r->db, "DELETE FROM sop_steps WHERE version_id = ?1", &st) != DB_OK) return -1;
    db_bind_int(st, 1, version_id);
    return run(st);
}

/* Inserts version number `number` of sop_id as a draft. 0 with *id, or -1. */
static int insert_version(Req *r, int64_t sop_id, int number, const char *title, const char *purpose,
                          const char *change_note, const SopStep *steps, int n, int64_t *id) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO sop_versions (sop_id, number, status, title, purpose, change_note, created_by,"
                   " created_at, updated_at, version) VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?7, 1) RETURNING id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, sop_id);
    db_bind_int(st, 2, number);
    db_bind_text(st, 3, title);
    db_bind_text(st, 4, purpose ? purpose : "");
    db_bind_text(st, 5, change_note ? change_note : "");
    db_bind_int_or_null(st, 6, r->who ? r->who->user_id : 0);
    db_bind_int(st, 7, time_now_ms());
    *id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (!*id) return -1;
    return insert_steps(r, *id, steps, n);
}

/* Applies the content fields of in to the draft v (in place): 0, or -1 db error. */
static int draft_apply(Req *r, SopVersion *v, const SopInput *in) {
    const char *title = in->has_title ? in->title : v->title;
    const char *purpose = in->has_purpose ? in->purpose : v->purpose;
    const char *note = in->has_change_note ? in->change_note : v->change_note;
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE sop_versions SET title = ?1, purpose = ?2, change_note = ?3, updated_at = ?4,"
                   " version = version + 1 WHERE id = ?5 AND status = 'draft'",
                   &st) != DB_OK)
        return -1;
    db_bind_text(st, 1, title);
    db_bind_text(st, 2, purpose ? purpose : "");
    db_bind_text(st, 3, note ? note : "");
    db_bind_int(st, 4, time_now_ms());
    db_bind_int(st, 5, v->id);
    if (run(st) != 0) return -1;
    if (in->has_steps && (delete_steps(r, v->id) != 0 || insert_steps(r, v->id, in->steps, in->n_steps) != 0))
        return -1;
    return 0;
}

/* Copies version `from` into a new draft (next number): 0 with *out, or -1. */
static int copy_to_draft(Req *r, const SopVersion *from, const char *change_note, int64_t *new_id) {
    int64_t next = 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COALESCE(MAX(number), 0) + 1 FROM sop_versions WHERE sop_id = ?1", &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, from->sop_id);
    if (db_step(st) == DB_ROW) next = db_col_int(st, 0);
    db_finalize(st);
    if (!next) return -1;
    return insert_version(r, from->sop_id, (int)next, from->title, from->purpose, change_note, from->steps,
                          from->n_steps, new_id);
}

/* The SOP row after a change: fields given, version + 1. 0, or 1 lost race, -1 db error. */
static int sop_write(Req *r, const Sop *s, int64_t expected) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE sops SET team_id = ?1, title = ?2, purpose = ?3, owner_id = ?4, status = ?5,"
                   " review_every_days = ?6, next_review_at = ?7, last_reviewed_at = ?8, current_version_id = ?9,"
                   " published_version_id = ?10, updated_at = ?11, version = version + 1"
                   " WHERE id = ?12 AND version = ?13 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, s->team_id);
    db_bind_text(st, 2, s->title);
    db_bind_text(st, 3, s->purpose);
    db_bind_int(st, 4, s->owner_id);
    db_bind_text(st, 5, s->status);
    db_bind_int_or_null(st, 6, s->review_every_days);
    db_bind_int_or_null(st, 7, s->next_review_at);
    db_bind_int_or_null(st, 8, s->last_reviewed_at);
    db_bind_int_or_null(st, 9, s->current_version_id);
    db_bind_int_or_null(st, 10, s->published_version_id);
    db_bind_int(st, 11, time_now_ms());
    db_bind_int(st, 12, s->id);
    db_bind_int(st, 13, expected);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

int sops_load_for_change(Req *r, int64_t id, int64_t expected, Sop *s, bool manage) {
    int rc = sop_load(r, id, s);
    if (rc < 0) return TX_FAIL(r);
    if (rc == 1 || !web_can_read_team(r, s->team_id)) return req_fail_tx(r, 404, NULL, "error.not_found");
    if (expected >= 0 && s->version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    if (manage && !sops_may_manage(r, s)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    return 0;
}

/* Finishes a change of an SOP: writes s, audits, commits. */
static int finish(Req *r, const Sop *before, Sop *after, const char *action, Sop *out) {
    int rc = sop_write(r, after, before->version);
    if (rc < 0) return TX_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 412, "version", "error.stale");
    Sop fresh;
    if (sop_load(r, after->id, &fresh) != 0) return TX_FAIL(r);
    if (web_audit_commit(r, action, "sop", after->id, before->id ? sop_snapshot(r, before) : NULL,
                         sop_snapshot(r, &fresh)) != 0)
        return -1;
    if (out) *out = fresh;
    return 0;
}

static int64_t next_review(int days, int64_t from_ms) { return days > 0 ? from_ms + (int64_t)days * DAY_MS : 0; }

/* Checks owner, team and review cycle of in for an SOP; records errors; 0, 1 (errors), -1 db. */
static int check_sop_fields(Req *r, const SopInput *in) {
    if (in->has_owner) {
        int rc = check_person(r, "owner_id", in->owner_id);
        if (rc < 0) return -1;
    }
    if (in->has_review && (in->review_every_days < 0 || in->review_every_days > 3650))
        req_error(r, "review_every_days", "sops.error.review_days");
    if (in->has_steps && sops_check_steps(r, in->steps, in->n_steps) < 0) return -1;
    return req_error_count(r) ? 1 : 0;
}

int sops_create(Req *r, const SopInput *in, Sop *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    SopInput v = *in;
    if (!v.has_owner) v.owner_id = r->who->user_id, v.has_owner = r->who->user_id != 0;
    int64_t team = v.has_team ? v.team_id : 0;
    if (!team && v.has_owner) {
        int64_t owner_team = 0;
        if (active_person(r, v.owner_id, &owner_team) < 0) return TX_FAIL(r);
        team = owner_team;
    }
    if (!team && r->who) team = r->who->team_id;
    if (!team || !web_team_path(r, team)) return req_fail_tx(r, 422, "team_id", "error.team_unknown");
    if (!is_manager_of(r, team)) return req_fail_tx(r, 403, "team_id", "error.forbidden");
    if (!v.has_owner) return req_fail_tx(r, 422, "owner_id", "error.required");
    int crc = check_sop_fields(r, &v);
    if (crc < 0) return TX_FAIL(r);
    if (crc) {
        db_rollback(r->db);
        return req_failed(r, 422);
    }
    int64_t now = time_now_ms(), id = 0, version_id = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO sops (team_id, title, purpose, owner_id, status, review_every_days, created_by,"
                   " version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, 1, ?7, ?7) RETURNING id",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_int(st, 1, team);
    db_bind_text(st, 2, v.title);
    db_bind_text(st, 3, v.purpose ? v.purpose : "");
    db_bind_int(st, 4, v.owner_id);
    db_bind_int_or_null(st, 5, v.review_every_days);
    db_bind_int_or_null(st, 6, r->who->user_id);
    db_bind_int(st, 7, now);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id) return TX_FAIL(r);
    if (insert_version(r, id, 1, v.title, v.purpose, v.change_note, v.steps, v.n_steps, &version_id) != 0)
        return TX_FAIL(r);
    if (db_prepare(r->db, "UPDATE sops SET current_version_id = ?1 WHERE id = ?2", &st) != DB_OK) return TX_FAIL(r);
    db_bind_int(st, 1, version_id);
    db_bind_int(st, 2, id);
    if (run(st) != 0) return TX_FAIL(r);
    if (sop_load(r, id, out) != 0) return TX_FAIL(r);
    return web_audit_commit(r, "create", "sop", id, NULL, sop_snapshot(r, out));
}

static bool has_content(const SopInput *in) {
    return in->has_title || in->has_purpose || in->has_change_note || in->has_steps;
}

/* The draft of s, creating one from the published version when there is
 * none. Inside the transaction; 0 with *draft, or -1 after req_fail_tx. */
static int ensure_draft(Req *r, Sop *s, const char *change_note, SopVersion **draft) {
    if (!s->has_draft) {
        SopVersion *src;
        int64_t from = s->published_version_id ? s->published_version_id : s->current_version_id;
        if (version_load_id(r, from, &src) != 0) return TX_FAIL(r);
        int64_t new_id = 0;
        if (copy_to_draft(r, src, change_note, &new_id) != 0) return TX_FAIL(r);
        s->current_version_id = new_id;
        s->has_draft = true;
    }
    if (version_load_id(r, s->current_version_id, draft) != 0) return TX_FAIL(r);
    return 0;
}

int sops_update(Req *r, int64_t id, int64_t expected, const SopInput *in, Sop *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before, after;
    if (sops_load_for_change(r, id, expected, &before, true) != 0) return -1;
    after = before;
    int crc = check_sop_fields(r, in);
    if (crc < 0) return TX_FAIL(r);
    if (crc) {
        db_rollback(r->db);
        return req_failed(r, 422);
    }
    int64_t now = time_now_ms();
    if (in->has_team && in->team_id != before.team_id) {
        if (!web_team_path(r, in->team_id)) return req_fail_tx(r, 422, "team_id", "error.team_unknown");
        if (!is_manager_of(r, in->team_id)) return req_fail_tx(r, 403, "team_id", "error.forbidden");
        after.team_id = in->team_id;
    }
    if (in->has_owner) after.owner_id = in->owner_id;
    if (in->has_status && strcmp(in->status, before.status) != 0) {
        if (strcmp(in->status, "retired") == 0) {
            after.status = "retired";
        } else if (strcmp(in->status, "active") == 0) {
            if (!before.published_version_id) return req_fail_tx(r, 409, "status", "sops.error.never_published");
            after.status = "active";
            after.next_review_at = next_review(after.review_every_days, now);
        } else {
            return req_fail_tx(r, 422, "status", "sops.error.status");
        }
    }
    if (in->has_review && in->review_every_days != before.review_every_days) {
        after.review_every_days = in->review_every_days;
        after.next_review_at =
            next_review(after.review_every_days, before.last_reviewed_at ? before.last_reviewed_at : now);
    }
    if (strcmp(after.status, "active") != 0) after.next_review_at = 0;
    else if (!after.next_review_at) after.next_review_at = next_review(after.review_every_days, now);
    if (has_content(in)) {
        if (strcmp(after.status, "retired") == 0) return req_fail_tx(r, 409, "status", "sops.error.retired");
        SopVersion *draft;
        if (ensure_draft(r, &after, in->change_note, &draft) != 0) return -1;
        if (draft_apply(r, draft, in) != 0) return TX_FAIL(r);
        if (!after.published_version_id) {
            if (in->has_title) after.title = in->title;
            if (in->has_purpose) after.purpose = in->purpose ? in->purpose : "";
        }
    }
    return finish(r, &before, &after, "update", out);
}

int sops_delete(Req *r, int64_t id, int64_t expected) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before;
    if (sops_load_for_change(r, id, expected, &before, true) != 0) return -1;
    if (web_soft_delete(r,
                        "UPDATE sops SET deleted_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3"
                        " AND deleted_at IS NULL RETURNING id",
                        id, before.version) != 0)
        return -1;
    return web_audit_commit(r, "delete", "sop", id, sop_snapshot(r, &before), NULL);
}

/* Audits a version change and commits; reloads the version into *out. */
static int finish_version(Req *r, int64_t sop_id, int64_t version_id, const SopVersion *before, const char *action,
                          SopVersion **out) {
    SopVersion *fresh;
    if (version_load_id(r, version_id, &fresh) != 0) return TX_FAIL(r);
    if (web_audit_commit(r, action, "sop", sop_id, before ? version_snapshot(r, before) : NULL,
                         version_snapshot(r, fresh)) != 0)
        return -1;
    if (out) *out = fresh;
    return 0;
}

int sops_version_new(Req *r, int64_t sop_id, const SopInput *in, SopVersion **out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before, after;
    if (sops_load_for_change(r, sop_id, -1, &before, true) != 0) return -1;
    if (strcmp(before.status, "retired") == 0) return req_fail_tx(r, 409, "status", "sops.error.retired");
    if (before.has_draft) return req_fail_tx(r, 409, "number", "sops.error.draft_exists");
    int crc = check_sop_fields(r, in);
    if (crc < 0) return TX_FAIL(r);
    if (crc) {
        db_rollback(r->db);
        return req_failed(r, 422);
    }
    after = before;
    SopVersion *draft;
    if (ensure_draft(r, &after, in->change_note, &draft) != 0) return -1;
    if (has_content(in) && draft_apply(r, draft, in) != 0) return TX_FAIL(r);
    int rc = sop_write(r, &after, before.version);
    if (rc != 0) return rc < 0 ? TX_FAIL(r) : req_fail_tx(r, 412, "version", "error.stale");
    return finish_version(r, sop_id, draft->id, NULL, "version_create", out);
}

/* Loads version number of sop inside a change: 404, or 0. */
static int version_for_change(Req *r, int64_t sop_id, int number, SopVersion **v) {
    int rc = sops_version_by_number(r, sop_id, number, v);
    if (rc < 0) {
        db_rollback(r->db);
        return -1;
    }
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    return 0;
}

int sops_version_update(Req *r, int64_t sop_id, int number, int64_t expected, const SopInput *in, SopVersion **out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before, after;
    if (sops_load_for_change(r, sop_id, -1, &before, true) != 0) return -1;
    SopVersion *v;
    if (version_for_change(r, sop_id, number, &v) != 0) return -1;
    if (strcmp(v->status, "draft") != 0) return req_fail_tx(r, 409, "number", "sops.error.not_draft");
    if (expected >= 0 && v->version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    int crc = check_sop_fields(r, in);
    if (crc < 0) return TX_FAIL(r);
    if (crc) {
        db_rollback(r->db);
        return req_failed(r, 422);
    }
    if (draft_apply(r, v, in) != 0) return TX_FAIL(r);
    after = before;
    if (!before.published_version_id) {
        if (in->has_title) after.title = in->title;
        if (in->has_purpose) after.purpose = in->purpose ? in->purpose : "";
    }
    int rc = sop_write(r, &after, before.version);
    if (rc != 0) return rc < 0 ? TX_FAIL(r) : req_fail_tx(r, 412, "version", "error.stale");
    return finish_version(r, sop_id, v->id, v, "version_update", out);
}

int sops_version_publish(Req *r, int64_t sop_id, int number, int64_t expected, SopVersion **out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before, after;
    if (sops_load_for_change(r, sop_id, -1, &before, true) != 0) return -1;
    if (strcmp(before.status, "retired") == 0) return req_fail_tx(r, 409, "status", "sops.error.retired");
    SopVersion *v;
    if (version_for_change(r, sop_id, number, &v) != 0) return -1;
    if (strcmp(v->status, "draft") != 0) return req_fail_tx(r, 409, "number", "sops.error.not_draft");
    if (expected >= 0 && v->version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    if (v->n_steps < 1) return req_fail_tx(r, 422, "steps", "sops.error.no_steps");
    int64_t now = time_now_ms();
    DbStmt *st;
    if (db_prepare(r->db, "UPDATE sop_versions SET status = 'superseded' WHERE sop_id = ?1 AND status = 'published'",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_int(st, 1, sop_id);
    if (run(st) != 0) return TX_FAIL(r);
    if (db_prepare(r->db,
                   "UPDATE sop_versions SET status = 'published', published_at = ?1, updated_at = ?1,"
                   " version = version + 1 WHERE id = ?2",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, v->id);
    if (run(st) != 0) return TX_FAIL(r);
    after = before;
    after.status = "active";
    after.title = v->title;
    after.purpose = v->purpose;
    after.published_version_id = v->id;
    after.current_version_id = v->id;
    if (strcmp(before.status, "active") != 0 || !before.next_review_at)
        after.next_review_at = next_review(after.review_every_days, now);
    int rc = sop_write(r, &after, before.version);
    if (rc != 0) return rc < 0 ? TX_FAIL(r) : req_fail_tx(r, 412, "version", "error.stale");
    return finish_version(r, sop_id, v->id, v, "publish", out);
}

int sops_mark_reviewed(Req *r, int64_t sop_id, Sop *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop before, after;
    if (sops_load_for_change(r, sop_id, -1, &before, false) != 0) return -1;
    if (!sops_may_steward(r, &before)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    if (strcmp(before.status, "active") != 0) return req_fail_tx(r, 409, "status", "sops.error.not_active");
    if (!before.review_every_days) return req_fail_tx(r, 409, "review_every_days", "sops.error.no_cycle");
    int64_t now = time_now_ms();
    after = before;
    after.last_reviewed_at = now;
    after.next_review_at = next_review(before.review_every_days, now);
    return finish(r, &before, &after, "review", out);
}

/* ======================= scope resolvers ======================= */

int sops_scope_sop(Req *r, int64_t *team_id) {
    return web_scope_by_id(r, "id", "SELECT team_id FROM sops WHERE id = ?1 AND deleted_at IS NULL", team_id);
}
