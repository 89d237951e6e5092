/* notify_model.c — the notifications table and the channel list: write a
 * notification, list and count a person's, mark them read. No HTML or JSON
 * output here (notify_api.c, notify_page.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "notify.h"

#define NOTIFY_MAX_CHANNELS 8

static struct {
    const char *name;
    NotifyChannelFn fn;
} channels[NOTIFY_MAX_CHANNELS];
static int n_channels;

int notify_register_channel(const char *name, NotifyChannelFn fn) {
    if (n_channels == NOTIFY_MAX_CHANNELS) return -1;
    channels[n_channels].name = name;
    channels[n_channels++].fn = fn;
    return 0;
}

int notify(Db *db, int64_t user_id, const char *kind, const char *text_key, int n_args, const char *const *args,
           const char *link, const char *dedupe_key, int64_t *id_out) {
    if (id_out) *id_out = 0;
    json_t *arr = json_array();
    for (int i = 0; i < n_args && i < NOTIFY_MAX_ARGS; i++) json_array_append_new(arr, json_string(args[i]));
    char *args_json = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!args_json) return DB_ERR;
    int64_t now = time_now_ms(), id = 0;
    DbStmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO notifications (user_id, kind, text_key, args, link, dedupe_key, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                        &st);
    if (rc == DB_OK) {
        db_bind_int(st, 1, user_id);
        db_bind_text(st, 2, kind);
        db_bind_text(st, 3, text_key);
        db_bind_text(st, 4, args_json);
        db_bind_text(st, 5, link);
        db_bind_text(st, 6, dedupe_key);
        db_bind_int(st, 7, now);
        rc = db_step(st);
        if (rc == DB_ROW) id = db_col_int(st, 0);
        db_finalize(st);
    }
    free(args_json);
    if (rc < 0) return rc;
    if (!id) return 0; /* already notified */
    if (id_out) *id_out = id;
    Notification n = {.id = id,
                      .user_id = user_id,
                      .kind = kind,
                      .text_key = text_key,
                      .args = (const char **)args,
                      .n_args = n_args,
                      .link = link,
                      .created_at = now};
    for (int i = 0; i < n_channels; i++) {
        rc = channels[i].fn(db, &n);
        if (rc < 0) return rc;
    }
    return 0;
}

static void args_from_json(Req *r, const char *text, Notification *n) {
    json_error_t e;
    json_t *arr = json_loads(text ? text : "[]", 0, &e);
    n->args = arena_alloc(r->arena, sizeof(char *) * NOTIFY_MAX_ARGS);
    n->n_args = 0;
    size_t i;
    json_t *v;
    if (json_is_array(arr)) json_array_foreach(arr, i, v) {
            if (n->n_args < NOTIFY_MAX_ARGS)
                n->args[n->n_args++] = arena_strdup(r->arena, json_is_string(v) ? json_string_value(v) : "");
        }
    json_decref(arr);
}

int notify_list(Req *r, bool unread_only, int64_t cursor, int limit, Notification **out, int *n) {
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT id, kind, text_key, args, link, created_at, read_at FROM notifications"
                   " WHERE user_id = ?1 AND (?2 = 0 OR id < ?2) AND (?3 = 0 OR read_at IS NULL)"
                   " ORDER BY id DESC LIMIT ?4",
                   &st) != DB_OK)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, r->who->user_id);
    db_bind_int(st, 2, cursor);
    db_bind_int(st, 3, unread_only);
    db_bind_int(st, 4, limit);
    Notification *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(limit > 0 ? limit : 1));
    int k = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && k < limit) {
        Notification *x = &rows[k++];
        memset(x, 0, sizeof *x);
        x->id = db_col_int(st, 0);
        x->user_id = r->who->user_id;
        x->kind = arena_strdup(r->arena, db_col_text(st, 1));
        x->text_key = arena_strdup(r->arena, db_col_text(st, 2));
        args_from_json(r, db_col_text(st, 3), x);
        x->link = db_col_null(st, 4) ? NULL : arena_strdup(r->arena, db_col_text(st, 4));
        x->created_at = db_col_int(st, 5);
        x->read_at = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
    }
    db_finalize(st);
    if (rc < 0) return req_fail(r, 503, NULL, "error.db_unavailable");
    *out = rows;
    *n = k;
    return 0;
}

int64_t notify_unread_count(Req *r) {
    if (!r->who || !r->db) return 0;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL", &st) != DB_OK)
        return 0;
    db_bind_int(st, 1, r->who->user_id);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    return n;
}

int notify_mark_read(Req *r, const int64_t *ids, int n, bool all) {
    if (db_begin_write(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    int64_t now = time_now_ms();
    for (int i = 0; i < (all ? 1 : n); i++) {
        DbStmt *st;
        if (db_prepare(r->db,
                       "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL"
                       " AND (?3 = 0 OR id = ?3)",
                       &st) != DB_OK) {
            db_rollback(r->db);
            return req_fail(r, 503, NULL, "error.db_unavailable");
        }
        db_bind_int(st, 1, r->who->user_id);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, all ? 0 : ids[i]);
        int rc = db_step(st);
        db_finalize(st);
        if (rc < 0) {
            db_rollback(r->db);
            return req_fail(r, 503, NULL, "error.db_unavailable");
        }
    }
    if (db_commit(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    return 0;
}

const char *notify_text(Req *r, const Notification *n) {
    return i18n_fmt(r->arena, r->locale, n->text_key, n->n_args, n->args);
}
