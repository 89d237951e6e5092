/* eventlogs_model.c — storage of event logs: import of an EventLog in one
 * transaction, loading it back, listing, soft delete, the run logs that SOP
 * runs append to, and the analysis options read from a query string.
 * Storage layout (migration 010): per-log string dictionaries and events in
 * text blocks of EVENTLOGS_BLOCK_EVENTS lines "case activity resource
 * lifecycle time_ms" (indexes into the dictionaries, '-' for none). No HTML,
 * no JSON parsing here; the only JSON is the audit snapshot and eventlogs_json. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "eventlogs_internal.h"

#define DB_FAIL(r)    req_fail((r), 503, NULL, "error.db_unavailable")
#define DB_FAIL_TX(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")

enum { POOL_CASE = 0, POOL_ACTIVITY, POOL_RESOURCE, POOL_LIFECYCLE, POOL_ATTR_KEY, POOL_ATTR_VALUE, N_POOLS };

static EventlogsModelFn model_source;
void eventlogs_set_model_source(EventlogsModelFn fn) { model_source = fn; }

static const StrPool *pool_of(const EventLog *log, int pool) {
    switch (pool) {
    case POOL_CASE: return &log->cases;
    case POOL_ACTIVITY: return &log->activities;
    case POOL_RESOURCE: return &log->resources;
    case POOL_LIFECYCLE: return &log->lifecycles;
    case POOL_ATTR_KEY: return &log->attr_keys;
    default: return &log->attr_values;
    }
}

/* ======================= metadata ======================= */

#define LOG_COLS                                                                                                       \
    "e.id, e.team_id, tm.name, e.name, e.source, e.sop_id, e.file_name, e.format, e.n_cases, e.n_events,"              \
    " e.n_activities, e.first_ms, e.last_ms, e.created_by, u.name, e.created_at, e.updated_at, e.version"
#define LOG_FROM " FROM eventlogs e JOIN teams tm ON tm.id = e.team_id LEFT JOIN users u ON u.id = e.created_by"

static void read_row(Req *r, DbStmt *st, EventLogInfo *l) {
    l->id = db_col_int(st, 0);
    l->team_id = db_col_int(st, 1);
    l->team_name = arena_strdup(r->arena, db_col_text(st, 2));
    l->name = arena_strdup(r->arena, db_col_text(st, 3));
    l->source = arena_strdup(r->arena, db_col_text(st, 4));
    l->sop_id = db_col_int(st, 5);
    l->file_name = arena_strdup(r->arena, db_col_text(st, 6));
    l->format = arena_strdup(r->arena, db_col_text(st, 7));
    l->n_cases = db_col_int(st, 8);
    l->n_events = db_col_int(st, 9);
    l->n_activities = db_col_int(st, 10);
    l->first_ms = db_col_int(st, 11);
    l->last_ms = db_col_int(st, 12);
    l->created_by = db_col_int(st, 13);
    l->created_by_name = arena_strdup(r->arena, db_col_text(st, 14));
    l->created_at = db_col_int(st, 15);
    l->updated_at = db_col_int(st, 16);
    l->version = db_col_int(st, 17);
}

/* The row of a live log, without the scope check (callers check it). */
static int find_log(Req *r, int64_t id, EventLogInfo *out) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT " LOG_COLS LOG_FROM " WHERE e.id = ?1 AND e.deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) read_row(r, st, out);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    return rc == DB_ROW ? 0 : req_fail(r, 404, NULL, "error.not_found");
}

int eventlogs_get(Req *r, int64_t id, EventLogInfo *out) {
    if (find_log(r, id, out) != 0) return -1;
    if (!web_can_read_team(r, out->team_id)) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

int eventlogs_list(Req *r, int64_t after_id, int limit, EventLogInfo **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT " LOG_COLS LOG_FROM " WHERE e.deleted_at IS NULL"
                   " AND (CAST(?1 AS TEXT) IS NULL OR tm.path LIKE ?1 || '%') AND e.id > ?2 ORDER BY e.id LIMIT ?3",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_text(st, 1, web_read_scope(r));
    db_bind_int(st, 2, after_id);
    db_bind_int(st, 3, limit);
    *out = arena_alloc(r->arena, sizeof(EventLogInfo) * (size_t)(limit > 0 ? limit : 1));
    *n = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && *n < limit) read_row(r, st, &(*out)[(*n)++]);
    db_finalize(st);
    return rc < 0 ? DB_FAIL(r) : 0;
}

void eventlogs_json(JsonW *w, const EventLogInfo *l) {
    jw_obj_begin(w);
    jw_kint(w, "id", l->id);
    jw_kint(w, "team_id", l->team_id);
    jw_kstr(w, "team_name", l->team_name);
    jw_kstr(w, "name", l->name);
    jw_kstr(w, "source", l->source);
    jw_kid_or_null(w, "sop_id", l->sop_id);
    jw_kstr(w, "file_name", l->file_name);
    jw_kstr(w, "format", l->format);
    jw_kint(w, "cases", l->n_cases);
    jw_kint(w, "events", l->n_events);
    jw_kint(w, "activities", l->n_activities);
    jw_ktime(w, "first_at", l->first_ms);
    jw_ktime(w, "last_at", l->last_ms);
    jw_kid_or_null(w, "created_by", l->created_by);
    jw_kstr(w, "created_by_name", l->created_by_name);
    jw_ktime(w, "created_at", l->created_at);
    jw_ktime(w, "updated_at", l->updated_at);
    jw_kint(w, "version", l->version);
    jw_obj_end(w);
}

static const char *snapshot(Req *r, const EventLogInfo *l) {
    JsonText jt;
    eventlogs_json(jw_text_begin(&jt), l);
    return jw_text_end(&jt, r->arena);
}

/* ======================= import ======================= */

/* The first non-blank byte of the (possibly gzip-compressed) text: '<' is XES. */
bool eventlogs_looks_like_xes(const char *data, size_t n) {
    unsigned char peek[512];
    size_t got = 0;
    if (n >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        z_stream z = {0};
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;
        z.next_in = (unsigned char *)(uintptr_t)data;
        z.avail_in = n > 65536 ? 65536 : (uInt)n;
        z.next_out = peek;
        z.avail_out = sizeof peek;
        inflate(&z, Z_SYNC_FLUSH);
        got = sizeof peek - z.avail_out;
        inflateEnd(&z);
    } else {
        got = n < sizeof peek ? n : sizeof peek;
        memcpy(peek, data, got);
    }
    size_t i = 0;
    if (got >= 3 && peek[0] == 0xEF && peek[1] == 0xBB && peek[2] == 0xBF) i = 3;
    while (i < got && (peek[i] == ' ' || peek[i] == '\t' || peek[i] == '\r' || peek[i] == '\n')) i++;
    return i < got && peek[i] == '<';
}

/* Every stored string must be valid UTF-8 without NUL (PostgreSQL refuses
 * anything else, and SQLite would store it unchanged for others to choke on). */
static int check_strings(Req *r, const EventLog *log) {
    for (int p = 0; p < N_POOLS; p++) {
        const StrPool *sp = pool_of(log, p);
        for (uint32_t i = 0; i < sp->n; i++)
            if (!utf8_valid(sp->strs[i], sp->lens[i])) return req_fail(r, 422, "file", "error.invalid_utf8");
    }
    return 0;
}

/* Decimal digits of v, without printf: a block line is written for every
 * event of an import (262,200 for a BPI-2012-sized log). */
static void put_u64(Buf *b, uint64_t v) {
    char tmp[24], *p = tmp + sizeof tmp;
    do *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

static void put_index(Buf *b, uint32_t v) {
    if (v == EVLOG_NONE) buf_putc(b, '-');
    else put_u64(b, v);
}

/* One block line for event i: "case activity resource lifecycle time_ms". */
static void block_line(Buf *b, const EventLog *log, size_t i) {
    put_u64(b, log->ev_case[i]);
    buf_putc(b, ' ');
    put_u64(b, log->ev_activity[i]);
    buf_putc(b, ' ');
    put_index(b, log->ev_resource[i]);
    buf_putc(b, ' ');
    put_index(b, log->ev_lifecycle[i]);
    buf_putc(b, ' ');
    int64_t t = log->ev_time_ms[i];
    if (t < 0) buf_putc(b, '-');
    put_u64(b, t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t);
    buf_putc(b, '\n');
}

static int insert_block(Req *r, int64_t log_id, int64_t block_no, int64_t n_events, const char *data) {
    DbStmt *st;
    if (db_prepare(r->db, "INSERT INTO eventlog_blocks (log_id, block_no, n_events, data) VALUES (?1, ?2, ?3, ?4)",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    db_bind_int(st, 2, block_no);
    db_bind_int(st, 3, n_events);
    db_bind_text(st, 4, data);
    int rc = db_step(st);
    db_finalize(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Dictionaries, case attributes and event blocks through db_bulk: one
 * statement per row from the statement cache on SQLite, one COPY stream per
 * table on PostgreSQL. */
static int store_contents(Req *r, const EventLog *log, int64_t log_id, int64_t *n_blocks) {
    DbBulk *bulk;
    if (db_bulk_begin(r->db, "INSERT INTO eventlog_strings (log_id, pool, str_no, value) VALUES (?1, ?2, ?3, ?4)",
                      &bulk) != DB_OK)
        return -1;
    for (int p = 0; p < N_POOLS; p++) {
        const StrPool *sp = pool_of(log, p);
        for (uint32_t i = 0; i < sp->n; i++) {
            db_bulk_int(bulk, log_id);
            db_bulk_int(bulk, p);
            db_bulk_int(bulk, i);
            db_bulk_text(bulk, sp->strs[i]);
            if (db_bulk_row(bulk) != DB_OK) break;
        }
    }
    if (db_bulk_end(bulk) != DB_OK) return -1;
    if (log->n_case_attrs > 0) {
        if (db_bulk_begin(r->db,
                          "INSERT INTO eventlog_case_attrs (log_id, case_no, key_no, value_no) VALUES (?1, ?2, ?3, ?4)",
                          &bulk) != DB_OK)
            return -1;
        for (size_t i = 0; i < log->n_case_attrs; i++) {
            db_bulk_int(bulk, log_id);
            db_bulk_int(bulk, log->case_attrs[i].case_no);
            db_bulk_int(bulk, log->case_attrs[i].key);
            db_bulk_int(bulk, log->case_attrs[i].value);
            if (db_bulk_row(bulk) != DB_OK) break;
        }
        if (db_bulk_end(bulk) != DB_OK) return -1;
    }
    if (db_bulk_begin(r->db, "INSERT INTO eventlog_blocks (log_id, block_no, n_events, data) VALUES (?1, ?2, ?3, ?4)",
                      &bulk) != DB_OK)
        return -1;
    Buf b = {0};
    int64_t block = 0;
    for (size_t i = 0; i < log->n_events; i += EVENTLOGS_BLOCK_EVENTS) {
        size_t end = i + EVENTLOGS_BLOCK_EVENTS < log->n_events ? i + EVENTLOGS_BLOCK_EVENTS : log->n_events;
        buf_reset(&b);
        for (size_t e = i; e < end; e++) block_line(&b, log, e);
        db_bulk_int(bulk, log_id);
        db_bulk_int(bulk, block++);
        db_bulk_int(bulk, (int64_t)(end - i));
        db_bulk_text(bulk, buf_cstr(&b));
        if (db_bulk_row(bulk) != DB_OK) break;
    }
    buf_free(&b);
    *n_blocks = block;
    return db_bulk_end(bulk) == DB_OK ? 0 : -1;
}

int eventlogs_store(Req *r, const EventLog *log, const EventlogsImport *in, EventLogInfo *out) {
    if (log->n_events == 0) return req_fail(r, 422, "file", "eventlogs.error.empty");
    if (in->team_id <= 0) return req_fail(r, 422, "team_id", "error.required");
    if (check_strings(r, log) != 0) return -1;
    int64_t first = log->ev_time_ms[0], last = first;
    for (size_t i = 1; i < log->n_events; i++) {
        if (log->ev_time_ms[i] < first) first = log->ev_time_ms[i];
        if (log->ev_time_ms[i] > last) last = log->ev_time_ms[i];
    }
    int64_t now = time_now_ms();
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    if (!web_team_path(r, in->team_id)) return req_fail_tx(r, 422, "team_id", "error.team_unknown");
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO eventlogs (team_id, name, source, file_name, format, n_cases, n_events, n_activities,"
                   " first_ms, last_ms, created_by, created_at, updated_at)"
                   " VALUES (?1, ?2, 'import', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) RETURNING id",
                   &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, in->team_id);
    db_bind_text(st, 2, in->name);
    db_bind_text(st, 3, in->file_name);
    db_bind_text(st, 4, in->format);
    db_bind_int(st, 5, log->cases.n);
    db_bind_int(st, 6, (int64_t)log->n_events);
    db_bind_int(st, 7, log->activities.n);
    db_bind_int(st, 8, first);
    db_bind_int(st, 9, last);
    db_bind_int_or_null(st, 10, r->who ? r->who->user_id : 0);
    db_bind_int(st, 11, now);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (!id) return DB_FAIL_TX(r);
    int64_t n_blocks = 0;
    if (store_contents(r, log, id, &n_blocks) != 0) return DB_FAIL_TX(r);
    if (db_prepare(r->db, "UPDATE eventlogs SET n_blocks = ?2 WHERE id = ?1", &st) != DB_OK) return DB_FAIL_TX(r);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, n_blocks);
    rc = db_step(st);
    db_finalize(st);
    if (rc != DB_DONE || find_log(r, id, out) != 0) return DB_FAIL_TX(r);
    return web_audit_commit(r, "import", "eventlog", id, NULL, snapshot(r, out));
}

/* ======================= delete ======================= */

int eventlogs_delete(Req *r, int64_t id, int64_t expected_version) {
    if (db_begin_write(r->db) != DB_OK) return DB_FAIL(r);
    EventLogInfo before;
    if (find_log(r, id, &before) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (before.version != expected_version) return req_fail_tx(r, 412, "version", "error.stale");
    DbStmt *st;
    if (db_prepare(r->db,
                   "UPDATE eventlogs SET deleted_at = ?1, updated_at = ?1, version = version + 1"
                   " WHERE id = ?2 AND version = ?3 AND deleted_at IS NULL RETURNING id",
                   &st) != DB_OK)
        return DB_FAIL_TX(r);
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, id);
    db_bind_int(st, 3, expected_version);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return DB_FAIL_TX(r);
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    return web_audit_commit(r, "delete", "eventlog", id, snapshot(r, &before), NULL);
}

/* ======================= loading ======================= */

/* Parses one index field of a block line; '-' is EVLOG_NONE. */
static const char *parse_index(const char *p, uint32_t *out) {
    if (*p == '-') {
        *out = EVLOG_NONE;
        return p + 1;
    }
    if (*p < '0' || *p > '9') return NULL;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (uint64_t)(*p++ - '0');
        if (v >= EVLOG_NONE) return NULL;
    }
    *out = (uint32_t)v;
    return p;
}

static int parse_block(EventLog *log, const char *p) {
    while (*p) {
        uint32_t c, a, res, lc;
        if (!(p = parse_index(p, &c)) || *p++ != ' ' || !(p = parse_index(p, &a)) || *p++ != ' ' ||
            !(p = parse_index(p, &res)) || *p++ != ' ' || !(p = parse_index(p, &lc)) || *p++ != ' ')
            return -1;
        char *end;
        long long t = strtoll(p, &end, 10);
        if (end == p || *end != '\n') return -1;
        p = end + 1;
        if (c >= log->cases.n || a >= log->activities.n || (res != EVLOG_NONE && res >= log->resources.n) ||
            (lc != EVLOG_NONE && lc >= log->lifecycles.n))
            return -1;
        if (evlog_add_ix(log, c, a, res, lc, t) != 0) return -1;
    }
    return 0;
}

static StrPool *pool_mut(EventLog *log, int pool) { return (StrPool *)pool_of(log, pool); }

/* Reads the stored contents of log_id into log. 0, or -1 (a fault: the
 * stored data does not decode, or the database failed). */
static int load_contents(Req *r, int64_t log_id, EventLog *log) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT pool, str_no, value FROM eventlog_strings WHERE log_id = ?1 ORDER BY pool, str_no",
                   &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t pool = db_col_int(st, 0), no = db_col_int(st, 1);
        const char *v = db_col_text(st, 2);
        if (pool < 0 || pool >= N_POOLS || !v) continue;
        StrPool *sp = pool_mut(log, (int)pool);
        /* numbers are dense from 0; interning in order reproduces them */
        if ((int64_t)sp->n != no || strpool_intern(sp, v, strlen(v)) != (uint32_t)no) {
            rc = DB_ERR;
            break;
        }
    }
    db_finalize(st);
    if (rc != DB_DONE) return -1;
    if (db_prepare(r->db, "SELECT data FROM eventlog_blocks WHERE log_id = ?1 ORDER BY block_no", &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *data = db_col_text(st, 0);
        if (!data || parse_block(log, data) != 0) {
            rc = DB_ERR;
            break;
        }
    }
    db_finalize(st);
    if (rc != DB_DONE) return -1;
    if (db_prepare(
            r->db,
            "SELECT case_no, key_no, value_no FROM eventlog_case_attrs WHERE log_id = ?1 ORDER BY case_no, key_no",
            &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t c = db_col_int(st, 0), k = db_col_int(st, 1), v = db_col_int(st, 2);
        if (c < 0 || c >= log->cases.n || k < 0 || k >= log->attr_keys.n || v < 0 || v >= log->attr_values.n) {
            rc = DB_ERR;
            break;
        }
        if (evlog_case_attr(log, (uint32_t)c, log->attr_keys.strs[k], log->attr_keys.lens[k], log->attr_values.strs[v],
                            log->attr_values.lens[v]) != 0) {
            rc = DB_ERR;
            break;
        }
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : -1;
}

int eventlogs_load(Req *r, int64_t log_id, EventLog **out) {
    *out = NULL;
    EventLogInfo info;
    if (eventlogs_get(r, log_id, &info) != 0) return -1;
    EventLog *log = evlog_new();
    if (!log) return req_fail(r, 503, NULL, "error.internal");
    if (load_contents(r, log_id, log) != 0) {
        evlog_free(log);
        return req_fail(r, 500, NULL, "error.internal");
    }
    *out = log;
    return 0;
}

/* ======================= run logs (SOP process runs) ======================= */

int eventlogs_run_log(Req *r, int64_t sop_id, int64_t team_id, const char *name, int64_t *log_id) {
    DbStmt *st;
    if (db_prepare(r->db, "SELECT id FROM eventlogs WHERE sop_id = ?1 AND deleted_at IS NULL", &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, sop_id);
    int rc = db_step(st);
    if (rc == DB_ROW) *log_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc == DB_ROW) return 0;
    int64_t now = time_now_ms();
    /* two first runs of one SOP in parallel: the second waits for the first's
     * insert (unique index eventlogs_sop), then takes its log */
    if (db_prepare(r->db,
                   "INSERT INTO eventlogs (team_id, name, source, sop_id, format, created_by, created_at, updated_at)"
                   " VALUES (?1, ?2, 'sop', ?3, 'run', ?4, ?5, ?5)"
                   " ON CONFLICT (sop_id) WHERE sop_id IS NOT NULL AND deleted_at IS NULL DO NOTHING RETURNING id",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, team_id);
    db_bind_text(st, 2, name);
    db_bind_int(st, 3, sop_id);
    db_bind_int_or_null(st, 4, r->who ? r->who->user_id : 0);
    db_bind_int(st, 5, now);
    rc = db_step(st);
    if (rc == DB_ROW) *log_id = db_col_int(st, 0);
    db_finalize(st);
    if (rc < 0) return DB_FAIL(r);
    if (rc == DB_DONE) { /* created meanwhile by a concurrent run */
        if (db_prepare(r->db, "SELECT id FROM eventlogs WHERE sop_id = ?1 AND deleted_at IS NULL", &st) != DB_OK)
            return DB_FAIL(r);
        db_bind_int(st, 1, sop_id);
        rc = db_step(st);
        if (rc == DB_ROW) *log_id = db_col_int(st, 0);
        db_finalize(st);
        return rc == DB_ROW ? 0 : DB_FAIL(r);
    }
    return web_audit(r, "create", "eventlog", *log_id, NULL, NULL);
}

/* The number of value in a stored pool, added when absent (*added tells). */
static int stored_string(Req *r, int64_t log_id, int pool, const char *value, int64_t *no, bool *added) {
    *added = false;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT str_no FROM eventlog_strings WHERE log_id = ?1 AND pool = ?2 AND value = ?3", &st) !=
        DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    db_bind_int(st, 2, pool);
    db_bind_text(st, 3, value);
    int rc = db_step(st);
    if (rc == DB_ROW) *no = db_col_int(st, 0);
    db_finalize(st);
    if (rc == DB_ROW) return 0;
    if (rc < 0) return -1;
    if (db_prepare(
            r->db,
            "INSERT INTO eventlog_strings (log_id, pool, str_no, value)"
            " SELECT ?1, ?2, COALESCE(MAX(str_no) + 1, 0), ?3 FROM eventlog_strings WHERE log_id = ?1 AND pool = ?2"
            " RETURNING str_no",
            &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    db_bind_int(st, 2, pool);
    db_bind_text(st, 3, value);
    rc = db_step(st);
    if (rc == DB_ROW) *no = db_col_int(st, 0);
    db_finalize(st);
    *added = rc == DB_ROW;
    return rc == DB_ROW ? 0 : -1;
}

/* Locks the log's row for this transaction (PostgreSQL row lock; SQLite's
 * writer is already exclusive) and bumps its counters. */
static int touch_log(Req *r, int64_t log_id, int64_t new_cases, int64_t new_activities, int64_t new_events,
                     int64_t time_ms, int64_t *n_blocks) {
    DbStmt *st;
    if (db_prepare(
            r->db,
            "UPDATE eventlogs SET n_cases = n_cases + ?2, n_activities = n_activities + ?3,"
            " n_events = n_events + ?4, updated_at = ?6,"
            " first_ms = CASE WHEN ?4 = 0 OR (first_ms IS NOT NULL AND first_ms <= ?5) THEN first_ms ELSE ?5 END,"
            " last_ms = CASE WHEN ?4 = 0 OR (last_ms IS NOT NULL AND last_ms >= ?5) THEN last_ms ELSE ?5 END"
            " WHERE id = ?1 AND deleted_at IS NULL RETURNING n_blocks",
            &st) != DB_OK)
        return -1;
    db_bind_int(st, 1, log_id);
    db_bind_int(st, 2, new_cases);
    db_bind_int(st, 3, new_activities);
    db_bind_int(st, 4, new_events);
    db_bind_int(st, 5, time_ms);
    db_bind_int(st, 6, time_now_ms());
    int rc = db_step(st);
    if (rc == DB_ROW && n_blocks) *n_blocks = db_col_int(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 0 : -1;
}

static bool valid_text(const char *s) { return s && *s && utf8_valid(s, strlen(s)); }

int eventlogs_append(Req *r, int64_t log_id, const char *case_id, const char *activity, const char *resource,
                     const char *lifecycle, int64_t time_ms) {
    if (!valid_text(case_id)) return req_fail(r, 422, "case", "error.required");
    if (!valid_text(activity)) return req_fail(r, 422, "activity", "error.required");
    if (resource && !*resource) resource = NULL;
    if (lifecycle && !*lifecycle) lifecycle = NULL;
    if ((resource && !valid_text(resource)) || (lifecycle && !valid_text(lifecycle)))
        return req_fail(r, 422, "resource", "error.invalid_utf8");
    /* the row lock first, so that concurrent appenders number strings in turn */
    int64_t n_blocks = 0;
    if (touch_log(r, log_id, 0, 0, 0, time_ms, &n_blocks) != 0) return req_fail(r, 404, NULL, "error.not_found");
    int64_t c, a, res = -1, lc = -1;
    bool new_case, new_activity, added;
    if (stored_string(r, log_id, POOL_CASE, case_id, &c, &new_case) != 0 ||
        stored_string(r, log_id, POOL_ACTIVITY, activity, &a, &new_activity) != 0 ||
        (resource && stored_string(r, log_id, POOL_RESOURCE, resource, &res, &added) != 0) ||
        (lifecycle && stored_string(r, log_id, POOL_LIFECYCLE, lifecycle, &lc, &added) != 0))
        return DB_FAIL(r);
    char line[160];
    char rs[24] = "-", ls[24] = "-";
    if (res >= 0) snprintf(rs, sizeof rs, "%lld", (long long)res);
    if (lc >= 0) snprintf(ls, sizeof ls, "%lld", (long long)lc);
    snprintf(line, sizeof line, "%lld %lld %s %s %lld\n", (long long)c, (long long)a, rs, ls, (long long)time_ms);
    /* the last block takes the line while it has room, else a new block */
    DbStmt *st;
    int rc = DB_DONE;
    if (n_blocks > 0) {
        if (db_prepare(r->db,
                       "UPDATE eventlog_blocks SET data = data || ?3, n_events = n_events + 1"
                       " WHERE log_id = ?1 AND block_no = ?2 AND n_events < ?4 RETURNING block_no",
                       &st) != DB_OK)
            return DB_FAIL(r);
        db_bind_int(st, 1, log_id);
        db_bind_int(st, 2, n_blocks - 1);
        db_bind_text(st, 3, line);
        db_bind_int(st, 4, EVENTLOGS_BLOCK_EVENTS);
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) return DB_FAIL(r);
    }
    if (rc != DB_ROW) {
        if (insert_block(r, log_id, n_blocks, 1, line) != 0) return DB_FAIL(r);
        if (db_prepare(r->db, "UPDATE eventlogs SET n_blocks = n_blocks + 1 WHERE id = ?1", &st) != DB_OK)
            return DB_FAIL(r);
        db_bind_int(st, 1, log_id);
        rc = db_step(st);
        db_finalize(st);
        if (rc != DB_DONE) return DB_FAIL(r);
    }
    if (touch_log(r, log_id, new_case, new_activity, 1, time_ms, NULL) != 0) return DB_FAIL(r);
    return 0;
}

int eventlogs_case_attr(Req *r, int64_t log_id, const char *case_id, const char *key, const char *value) {
    if (!valid_text(case_id)) return req_fail(r, 422, "case", "error.required");
    if (!valid_text(key)) return req_fail(r, 422, "key", "error.required");
    if (!value || !utf8_valid(value, strlen(value))) return req_fail(r, 422, "value", "error.invalid_utf8");
    if (touch_log(r, log_id, 0, 0, 0, 0, NULL) != 0) return req_fail(r, 404, NULL, "error.not_found");
    int64_t c, k, v;
    bool new_case, added;
    if (stored_string(r, log_id, POOL_CASE, case_id, &c, &new_case) != 0 ||
        stored_string(r, log_id, POOL_ATTR_KEY, key, &k, &added) != 0 ||
        stored_string(r, log_id, POOL_ATTR_VALUE, value, &v, &added) != 0)
        return DB_FAIL(r);
    DbStmt *st;
    if (db_prepare(r->db,
                   "INSERT INTO eventlog_case_attrs (log_id, case_no, key_no, value_no) VALUES (?1, ?2, ?3, ?4)"
                   " ON CONFLICT (log_id, case_no, key_no) DO UPDATE SET value_no = excluded.value_no",
                   &st) != DB_OK)
        return DB_FAIL(r);
    db_bind_int(st, 1, log_id);
    db_bind_int(st, 2, c);
    db_bind_int(st, 3, k);
    db_bind_int(st, 4, v);
    int rc = db_step(st);
    db_finalize(st);
    if (rc != DB_DONE) return DB_FAIL(r);
    if (new_case && touch_log(r, log_id, 1, 0, 0, 0, NULL) != 0) return DB_FAIL(r);
    return 0;
}

/* ======================= scope ======================= */

int eventlogs_scope_log(Req *r, int64_t *team_id) {
    return web_scope_by_id(r, "id", "SELECT team_id FROM eventlogs WHERE id = ?1 AND deleted_at IS NULL", team_id);
}

int eventlogs_scope_new(Req *r, int64_t *team_id) {
    const char *s = r->is_api ? req_query(r, "team_id") : req_form(r, "team_id");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end || v < 1) return req_fail(r, r->is_api ? 400 : 422, "team_id", "error.not_integer");
        if (!web_team_path(r, v)) return req_fail(r, 422, "team_id", "error.team_unknown");
        *team_id = v;
        return 0;
    }
    *team_id = r->who && r->who->team_id ? r->who->team_id : -1;
    return 0;
}

/* ======================= analysis ======================= */

/* "YYYY-MM-DD" or a full ISO date-time. */
static int query_time(Req *r, const char *name, int64_t *out) {
    const char *s = req_query(r, name);
    *out = 0;
    if (!s || !*s) return 0;
    if (time_parse_iso(s, out) != 0) return req_fail(r, 400, name, "error.bad_date");
    return 0;
}

/* "HH:MM" → minutes after midnight. */
static int query_clock(Req *r, const char *name, int dflt, int *out) {
    const char *s = req_query(r, name);
    *out = dflt;
    if (!s || !*s) return 0;
    int h, m;
    char tail;
    if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m))
        return req_fail(r, 400, name, "eventlogs.error.clock");
    *out = h * 60 + m;
    return 0;
}

static int query_text(Req *r, const char *name, const char **out) {
    const char *s = req_query(r, name);
    *out = NULL;
    if (!s || !*s) return 0;
    return req_check_text(r, name, s, 1, 2000, false, out) != 0 ? req_fail(r, 400, name, "error.too_long") : 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int read_calendar(Req *r, AnlCalendar *cal) {
    const char *on = req_query(r, "calendar");
    if (!on || !*on || strcmp(on, "0") == 0) return 0;
    if (strcmp(on, "1") != 0) return req_fail(r, 400, "calendar", "eventlogs.error.calendar");
    cal->enabled = true;
    cal->offset_min = web_display_offset_min();
    /* weekdays: "1-5" or "1,2,3,4,5,6" (1 = Monday) */
    const char *wd = req_query(r, "weekdays");
    cal->weekdays = 0x1F;
    if (wd && *wd) {
        cal->weekdays = 0;
        for (const char *p = wd; *p;) {
            if (*p < '1' || *p > '7') return req_fail(r, 400, "weekdays", "eventlogs.error.weekdays");
            int a = *p++ - '0', b = a;
            if (*p == '-') {
                if (p[1] < '1' || p[1] > '7' || p[1] - '0' < a)
                    return req_fail(r, 400, "weekdays", "eventlogs.error.weekdays");
                b = p[1] - '0';
                p += 2;
            }
            for (int d = a; d <= b; d++) cal->weekdays |= (uint8_t)(1u << (d - 1));
            if (*p == ',') p++;
            else if (*p) return req_fail(r, 400, "weekdays", "eventlogs.error.weekdays");
        }
    }
    if (query_clock(r, "day_start", 9 * 60, &cal->day_start_min) != 0 ||
        query_clock(r, "day_end", 18 * 60, &cal->day_end_min) != 0)
        return -1;
    if (cal->day_end_min <= cal->day_start_min) return req_fail(r, 400, "day_end", "eventlogs.error.day_end");
    const char *hol = req_query(r, "holidays");
    if (hol && *hol) {
        int cap = 1;
        for (const char *p = hol; *p; p++) cap += *p == ',';
        if (cap > 400) return req_fail(r, 400, "holidays", "error.out_of_range");
        int64_t *days = arena_alloc(r->arena, sizeof(int64_t) * (size_t)cap);
        int n = 0;
        for (const char *p = hol; *p;) {
            int y, m, d, used = 0;
            if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || !time_valid_date(y, m, d))
                return req_fail(r, 400, "holidays", "error.bad_date");
            days[n++] = time_days_from_civil(y, (unsigned)m, (unsigned)d);
            p += used;
            if (*p == ',') p++;
            else if (*p) return req_fail(r, 400, "holidays", "error.bad_date");
        }
        qsort(days, (size_t)n, sizeof *days, cmp_i64);
        cal->holidays = days;
        cal->n_holidays = n;
    }
    return 0;
}

int eventlogs_read_options(Req *r, AnlOptions *opt) {
    memset(opt, 0, sizeof *opt);
    AnlFilter *f = &opt->filter;
    if (query_time(r, "from", &f->from_ms) != 0 || query_time(r, "to", &f->to_ms) != 0) return -1;
    if (f->from_ms && f->to_ms && f->to_ms <= f->from_ms)
        return req_fail(r, 400, "to", "eventlogs.error.to_before_from");
    if (query_text(r, "variant", &f->variant) != 0 || query_text(r, "resource", &f->resource) != 0 ||
        query_text(r, "attr_key", &f->attr_key) != 0 || query_text(r, "attr_value", &f->attr_value) != 0)
        return -1;
    if ((f->attr_key != NULL) != (f->attr_value != NULL))
        return req_fail(r, 400, f->attr_key ? "attr_value" : "attr_key", "error.required");
    int64_t max_variants;
    if (req_query_int(r, "max_variants", 0, 100000, 0, &max_variants) != 0) return -1;
    opt->max_variants = (int)max_variants;
    return read_calendar(r, &opt->calendar);
}

/* The query parameter an option refused by anl_run came from: its messages
 * start with the filter's name (src/analysis/analysis.c). */
static const char *refused_parameter(const char *err) {
    static const struct {
        const char *prefix, *param;
    } map[] = {{"attribute filter", "attr_key"}, {"variant filter", "variant"}, {"resource filter", "resource"},
               {"date filter", "from"},          {"calendar", "calendar"},      {"max_variants", "max_variants"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(err, map[i].prefix, strlen(map[i].prefix)) == 0) return map[i].param;
    return "filter";
}

int eventlogs_analyze(Req *r, const EventLogInfo *info, AnlOptions *opt, EventLog **log_out, Analysis **out) {
    if (eventlogs_load(r, info->id, log_out) != 0) return -1;
    if (info->sop_id && model_source) {
        ProcessModel *pm = arena_alloc(r->arena, sizeof *pm);
        int rc = model_source(r, info->sop_id, pm);
        if (rc < 0) return -1;
        if (rc == 0) opt->model = pm;
    }
    char err[256] = "";
    if (anl_run(r->arena, *log_out, opt, out, err, sizeof err) != 0)
        return req_fail(r, 400, refused_parameter(err),
                        err[0] ? arena_strdup(r->arena, err) : "eventlogs.error.analysis");
    return 0;
}

const char *eventlogs_fmt_duration(Arena *a, double ms) {
    if (!(ms > 0)) return "0 s";
    double s = ms / 1000.0;
    if (s < 60) return arena_printf(a, "%.*f s", s < 10 ? 1 : 0, s);
    if (s < 3600) return arena_printf(a, "%.1f min", s / 60);
    if (s < 86400) return arena_printf(a, "%.1f h", s / 3600);
    return arena_printf(a, "%.1f d", s / 86400);
}
