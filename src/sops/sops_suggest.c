/* sops_suggest.c — improvement suggestions on an SOP or one of its steps:
 * any member who can read the SOP suggests and votes (one vote per person,
 * the vote row's primary key holding it under races), the SOP's owner or a
 * manager sets the status (open, accepted, rejected, done). Each change is
 * one write transaction with its audit row. The review reminder lists the
 * open ones (sops_review.c). No HTML or HTTP here. */
#include <string.h>

#include "../base/timeutil.h"
#include "sops.h"
#include "sops_internal.h"

/* ======================= JSON ======================= */

void sops_suggestion_json(JsonW *w, const SopSuggestion *s) {
    jw_obj_begin(w);
    jw_kint(w, "id", s->id);
    jw_kint(w, "sop_id", s->sop_id);
    jw_kid_or_null(w, "step_id", s->step_id);
    jw_kstr(w, "step_name", s->step_name);
    jw_kint(w, "author_id", s->author_id);
    jw_kstr(w, "author_name", s->author_name);
    jw_kstr(w, "text", s->text);
    jw_kstr(w, "status", s->status);
    jw_kint(w, "votes", s->votes);
    jw_kbool(w, "voted", s->voted);
    jw_kint(w, "version", s->version);
    jw_ktime(w, "created_at", s->created_at);
    jw_ktime(w, "updated_at", s->updated_at);
    jw_obj_end(w);
}

static const char *suggestion_snapshot(Req *r, const SopSuggestion *s) {
    JsonText jt;
    sops_suggestion_json(jw_text_begin(&jt), s);
    return jw_text_end(&jt, r->arena);
}

/* ======================= queries ======================= */

#define SUGG_COLS                                                                                                      \
    "g.id, g.sop_id, g.step_id, g.step_name, g.author_id, u.name, g.text, g.status, g.votes, g.version,"               \
    " g.created_at, g.updated_at,"                                                                                     \
    " (SELECT COUNT(*) FROM sop_suggestion_votes sv WHERE sv.suggestion_id = g.id AND sv.user_id = ?2)"
#define SUGG_FROM " FROM sop_suggestions g JOIN users u ON u.id = g.author_id"

static void suggestion_from_row(Req *r, DbStmt *st, SopSuggestion *g) {
    memset(g, 0, sizeof *g);
    g->id = db_col_int(st, 0);
    g->sop_id = db_col_int(st, 1);
    g->step_id = col_int0(st, 2);
    g->step_name = col_str(r, st, 3);
    g->author_id = db_col_int(st, 4);
    g->author_name = col_str(r, st, 5);
    g->text = col_str(r, st, 6);
    g->status = col_str(r, st, 7);
    g->votes = db_col_int(st, 8);
    g->version = db_col_int(st, 9);
    g->created_at = db_col_int(st, 10);
    g->updated_at = db_col_int(st, 11);
    g->voted = db_col_int(st, 12) > 0;
}

int sops_suggestions(Req *r, int64_t sop_id, SopSuggestion **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " SUGG_COLS SUGG_FROM " WHERE g.sop_id = ?1"
                   " ORDER BY CASE g.status WHEN 'open' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, g.votes DESC, g.id"
                   " LIMIT 500",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    db_bind_int(st, 2, r->who ? r->who->user_id : 0);
    SopSuggestion *rows = arena_alloc(r->arena, sizeof *rows * 500);
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < 500) suggestion_from_row(r, st, &rows[k++]);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    *out = rows;
    *n = k;
    return 0;
}

static int suggestion_load(Req *r, int64_t sop_id, int64_t sid, SopSuggestion *g) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " SUGG_COLS SUGG_FROM " WHERE g.id = ?1 AND g.sop_id = ?3", &st) != DB_OK) return -1;
    db_bind_int(st, 1, sid);
    db_bind_int(st, 2, r->who ? r->who->user_id : 0);
    db_bind_int(st, 3, sop_id);
    int rc = db_step(st);
    if (rc == DB_ROW) suggestion_from_row(r, st, g);
    db_finalize(st);
    return rc < 0 ? -1 : rc == DB_ROW ? 0 : 1;
}

/* ======================= suggestions ======================= */

int sops_suggest(Req *r, int64_t sop_id, int64_t step_id, const char *text, SopSuggestion *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop s;
    if (sops_load_for_change(r, sop_id, -1, &s, false) != 0) return -1;
    const char *step_name = "";
    if (step_id) {
        /* A step of the published or the newest version of this SOP. */
        DbStmt *st;
        if (db_prepare(r->db,
                       "SELECT p.name FROM sop_steps p JOIN sop_versions v ON v.id = p.version_id"
                       " WHERE p.id = ?1 AND v.sop_id = ?2",
                       &st) != DB_OK)
            return TX_FAIL(r);
        db_bind_int(st, 1, step_id);
        db_bind_int(st, 2, sop_id);
        int rc = db_step(st);
        if (rc == DB_ROW) step_name = col_str(r, st, 0);
        db_finalize(st);
        if (rc < 0) return TX_FAIL(r);
        if (rc != DB_ROW) return req_fail_tx(r, 422, "step_id", "sops.error.step_unknown");
    }
    int64_t now = time_now_ms(), id = 0;
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO sop_suggestions (sop_id, step_id, step_name, author_id, text, status, votes, version,"
                   " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'open', 0, 1, ?6, ?6) RETURNING id",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_int(st, 1, sop_id);
    db_bind_int_or_null(st, 2, step_id);
    db_bind_text(st, 3, step_name);
    db_bind_int(st, 4, r->who->user_id);
    db_bind_text(st, 5, text);
    db_bind_int(st, 6, now);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    if (!id || suggestion_load(r, sop_id, id, out) != 0) return TX_FAIL(r);
    return web_audit_commit(r, "suggest", "sop", sop_id, NULL, suggestion_snapshot(r, out));
}

/* Loads a suggestion of a readable SOP inside a change: 404 or 0. */
static int suggestion_for_change(Req *r, int64_t sop_id, int64_t sid, Sop *s, SopSuggestion *g) {
    if (sops_load_for_change(r, sop_id, -1, s, false) != 0) return -1;
    int rc = suggestion_load(r, sop_id, sid, g);
    if (rc < 0) return TX_FAIL(r);
    if (rc == 1) return req_fail_tx(r, 404, NULL, "error.not_found");
    return 0;
}

int sops_suggestion_set_status(Req *r, int64_t sop_id, int64_t sid, int64_t expected, const char *status,
                               SopSuggestion *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop s;
    SopSuggestion before;
    if (suggestion_for_change(r, sop_id, sid, &s, &before) != 0) return -1;
    if (!sops_may_steward(r, &s)) return req_fail_tx(r, 403, NULL, "error.forbidden");
    if (expected >= 0 && before.version != expected) return req_fail_tx(r, 412, "version", "error.stale");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE sop_suggestions SET status = ?1, updated_at = ?2, version = version + 1"
                   " WHERE id = ?3 AND version = ?4 RETURNING id",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_text(st, 1, status);
    db_bind_int(st, 2, time_now_ms());
    db_bind_int(st, 3, sid);
    db_bind_int(st, 4, before.version);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return TX_FAIL(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    if (suggestion_load(r, sop_id, sid, out) != 0) return TX_FAIL(r);
    return web_audit_commit(r, "suggestion_status", "sop", sop_id, suggestion_snapshot(r, &before),
                            suggestion_snapshot(r, out));
}

int sops_suggestion_vote(Req *r, int64_t sop_id, int64_t sid, SopSuggestion *out) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    Sop s;
    SopSuggestion before;
    if (suggestion_for_change(r, sop_id, sid, &s, &before) != 0) return -1;
    DbStmt *st;
    /* The vote row's primary key makes "once per person" hold under races;
     * the counter moves in the same transaction. */
    if (before.voted) {
        if (db_prepare(r->db, "DELETE FROM sop_suggestion_votes WHERE suggestion_id = ?1 AND user_id = ?2", &st) !=
            DB_OK)
            return TX_FAIL(r);
    } else {
        if (db_prepare(r->db,
                       "INSERT INTO sop_suggestion_votes (suggestion_id, user_id, created_at) VALUES (?1, ?2, ?3)",
                       &st) != DB_OK)
            return TX_FAIL(r);
        db_bind_int(st, 3, time_now_ms());
    }
    db_bind_int(st, 1, sid);
    db_bind_int(st, 2, r->who->user_id);
    if (run(st) != 0) return TX_FAIL(r);
    if (db_prepare(r->db,
                   "UPDATE sop_suggestions SET votes = (SELECT COUNT(*) FROM sop_suggestion_votes"
                   " WHERE suggestion_id = ?1) WHERE id = ?1",
                   &st) != DB_OK)
        return TX_FAIL(r);
    db_bind_int(st, 1, sid);
    if (run(st) != 0) return TX_FAIL(r);
    if (suggestion_load(r, sop_id, sid, out) != 0) return TX_FAIL(r);
    return web_audit_commit(r, out->voted ? "vote" : "unvote", "sop", sop_id, NULL, suggestion_snapshot(r, out));
}
