/* notify_api.c — JSON routes of the caller's own notifications: the list
 * (newest first, with the unread count) and marking read. Everyone sees only
 * their own: the model filters by the caller. */
#include <string.h>

#include "../base/timeutil.h"
#include "notify.h"

#define NOTIFY_PAGE_MAX 100

/* GET /api/v1/notifications?unread=1&limit=N&cursor=ID */
static int notify_api_list(Req *r) {
    int64_t limit, cursor, unread;
    if (req_query_int(r, "limit", 1, 200, 50, &limit) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &cursor) != 0 || req_query_int(r, "unread", 0, 1, 0, &unread) != 0)
        return -1;
    Notification *rows;
    int n;
    if (notify_list(r, unread != 0, cursor, (int)limit + 1, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) {
        const Notification *x = &rows[i];
        jw_obj_begin(w);
        jw_kint(w, "id", x->id);
        jw_kstr(w, "kind", x->kind);
        jw_kstr(w, "text_key", x->text_key);
        jw_key(w, "args");
        jw_arr_begin(w);
        for (int k = 0; k < x->n_args; k++) jw_str(w, x->args[k]);
        jw_arr_end(w);
        jw_kstr(w, "text", notify_text(r, x));
        jw_kstr(w, "link", x->link);
        jw_ktime(w, "created_at", x->created_at);
        jw_ktime(w, "read_at", x->read_at);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_kint(w, "unread", notify_unread_count(r));
    jw_key(w, "next_cursor");
    if (more) jw_int(w, rows[n - 1].id);
    else jw_null(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

/* POST /api/v1/notifications/read {"ids": [..]} or {"all": true} */
static int notify_api_read(Req *r) {
    static const char *const FIELDS[] = {"ids", "all", NULL};
    json_t *body = req_json(r);
    if (!json_is_object(body)) return req_fail(r, 422, NULL, "error.json_object");
    if (req_json_only(r, body, FIELDS) != 0) return -1;
    bool all = false, has_all = false;
    if (req_json_bool(r, body, "all", false, &all, &has_all) != 0) return -1;
    json_t *ids = json_object_get(body, "ids");
    if (ids && (!json_is_array(ids) || json_array_size(ids) > NOTIFY_PAGE_MAX))
        return req_fail(r, 422, "ids", "notify.error.ids");
    if (!all && !ids) return req_fail(r, 422, "ids", "notify.error.ids");
    int n = 0;
    int64_t *list = arena_alloc(r->arena, sizeof(int64_t) * (ids ? json_array_size(ids) + 1 : 1));
    size_t i;
    json_t *v;
    if (ids) json_array_foreach(ids, i, v) {
            if (!json_is_integer(v) || json_integer_value(v) < 1) return req_fail(r, 422, "ids", "notify.error.ids");
            list[n++] = json_integer_value(v);
        }
    if (notify_mark_read(r, list, n, all) != 0) return -1;
    return res_no_content(r);
}

static const Route notify_api_routes[] = {
    {"GET", "/api/v1/notifications", notify_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/notifications/read", notify_api_read, ACCESS_ANY_USER, NULL, 0, false},
};
ROUTE_TABLE(notify_api, notify_api_routes);
