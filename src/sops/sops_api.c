/* sops_api.c — JSON routes of SOPs: list and create, read/change/delete one,
 * its versions (list, new draft, read, change a draft with If-Match,
 * publish), the diff of two versions, the flowchart as SVG, suggestions with
 * votes, and "mark reviewed". Parse → model → render; the router decides
 * access (team scope) before any handler runs. */
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "../base/utf8.h"
#include "../web/web_html.h"
#include "sops.h"

/* ---------- input ---------- */

/* Multi-line text: UTF-8, no control characters but tab and line breaks, at
 * most max code points. A NULL or JSON null value is "". */
static int multi_text(Req *r, const char *field, json_t *v, int max, const char **out) {
    if (!v || json_is_null(v)) {
        *out = "";
        return 0;
    }
    if (!json_is_string(v)) return req_fail(r, 422, field, "error.not_string");
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    if (!utf8_valid(s, n)) return req_fail(r, 422, field, "error.invalid_utf8");
    if (utf8_has_control(s, n)) return req_fail(r, 422, field, "error.control_chars");
    if ((int)utf8_count(s, n) > max) return req_fail(r, 422, field, "error.too_long");
    *out = s;
    return 0;
}

static int line_text(Req *r, const char *field, json_t *v, int min, int max, bool required, const char **out) {
    if (!v || json_is_null(v)) {
        if (required) return req_fail(r, 422, field, "error.required");
        *out = "";
        return 0;
    }
    if (!json_is_string(v)) return req_fail(r, 422, field, "error.not_string");
    return req_check_text(r, field, json_string_value(v), min, max, required, out);
}

static int int_field(Req *r, const char *field, json_t *v, int64_t min, int64_t max, int64_t dflt, int64_t *out) {
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v)) return req_fail(r, 422, field, "error.not_integer");
    *out = json_integer_value(v);
    if (*out < min || *out > max) return req_fail(r, 422, field, "error.out_of_range");
    return 0;
}

static const char *const STEP_FIELDS[] = {
    "name",           "role",      "owner_id",  "resources",       "time_standard_s",
    "time_share_pct", "quality",   "checklist", "instructions_md", "parallel_group",
    "conditional",    "condition", NULL};

/* One step object; field errors name "steps[i].key". */
static int read_step(Req *r, json_t *o, int i, SopStep *p) {
#define F(key) arena_printf(r->arena, "steps[%d]." key, i)
    memset(p, 0, sizeof *p);
    if (!json_is_object(o)) return req_fail(r, 422, arena_printf(r->arena, "steps[%d]", i), "sops.error.not_object");
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val) {
        bool known = false;
        for (int k = 0; STEP_FIELDS[k]; k++) known |= strcmp(key, STEP_FIELDS[k]) == 0;
        if (!known) return req_fail(r, 422, arena_printf(r->arena, "steps[%d].%s", i, key), "error.unknown_field");
    }
    int64_t owner, time_s, share, group;
    if (line_text(r, F("name"), json_object_get(o, "name"), 1, 200, true, &p->name) != 0 ||
        line_text(r, F("role"), json_object_get(o, "role"), 0, 200, false, &p->role) != 0 ||
        int_field(r, F("owner_id"), json_object_get(o, "owner_id"), 1, INT64_MAX, 0, &owner) != 0 ||
        multi_text(r, F("resources"), json_object_get(o, "resources"), 1000, &p->resources) != 0 ||
        int_field(r, F("time_standard_s"), json_object_get(o, "time_standard_s"), INT64_MIN, INT64_MAX, 0, &time_s) !=
            0 ||
        int_field(r, F("time_share_pct"), json_object_get(o, "time_share_pct"), INT32_MIN, INT32_MAX, 90, &share) !=
            0 ||
        multi_text(r, F("quality"), json_object_get(o, "quality"), 2000, &p->quality) != 0 ||
        multi_text(r, F("instructions_md"), json_object_get(o, "instructions_md"), 20000, &p->instructions_md) != 0 ||
        int_field(r, F("parallel_group"), json_object_get(o, "parallel_group"), INT32_MIN, INT32_MAX, 0, &group) != 0 ||
        line_text(r, F("condition"), json_object_get(o, "condition"), 0, 500, false, &p->condition) != 0)
        return -1;
    p->owner_id = owner;
    p->time_standard_s = time_s;
    p->time_share_pct = (int)share;
    p->parallel_group = (int)group;
    json_t *c = json_object_get(o, "conditional");
    if (c && !json_is_null(c)) {
        if (!json_is_boolean(c)) return req_fail(r, 422, F("conditional"), "error.not_boolean");
        p->conditional = json_is_true(c);
    }
    json_t *list = json_object_get(o, "checklist");
    if (list && !json_is_null(list)) {
        if (!json_is_array(list)) return req_fail(r, 422, F("checklist"), "sops.error.not_array");
        if (json_array_size(list) > SOPS_MAX_CHECKLIST)
            return req_fail(r, 422, F("checklist"), "sops.error.checklist_long");
        const char **items = arena_alloc(r->arena, sizeof *items * (json_array_size(list) + 1));
        size_t k;
        json_t *e;
        json_array_foreach(list, k, e) {
            if (!json_is_string(e)) return req_fail(r, 422, F("checklist"), "error.not_string");
            const char *s = json_string_value(e);
            if (req_check_text(r, F("checklist"), s, 0, 500, false, &items[k]) != 0) return -1;
        }
        p->checklist = items;
        p->n_checklist = (int)json_array_size(list);
    }
    return 0;
#undef F
}

static int read_sop_json(Req *r, json_t *body, bool creating, SopInput *in) {
    bool is_null = false;
    if (req_json_str(r, body, "title", 1, 200, creating, &in->title, &in->has_title) != 0) return -1;
    json_t *v = json_object_get(body, "purpose");
    if (v) {
        in->has_purpose = true;
        if (multi_text(r, "purpose", v, 5000, &in->purpose) != 0) return -1;
    }
    v = json_object_get(body, "change_note");
    if (v) {
        in->has_change_note = true;
        if (multi_text(r, "change_note", v, 1000, &in->change_note) != 0) return -1;
    }
    if (req_json_str(r, body, "status", 1, 20, false, &in->status, &in->has_status) != 0) return -1;
    if (in->has_status && strcmp(in->status, "active") != 0 && strcmp(in->status, "retired") != 0)
        return req_fail(r, 422, "status", "sops.error.status");
    if (req_json_int(r, body, "team_id", 1, INT64_MAX, false, &in->team_id, &in->has_team, &is_null) != 0) return -1;
    if (is_null) in->has_team = false;
    if (req_json_int(r, body, "owner_id", 1, INT64_MAX, false, &in->owner_id, &in->has_owner, &is_null) != 0) return -1;
    if (in->has_owner && is_null) return req_fail(r, 422, "owner_id", "error.required");
    int64_t days = 0;
    if (req_json_int(r, body, "review_every_days", 1, 3650, false, &days, &in->has_review, &is_null) != 0) return -1;
    in->review_every_days = is_null ? 0 : (int)days;
    json_t *steps = json_object_get(body, "steps");
    if (steps) {
        if (!json_is_array(steps)) return req_fail(r, 422, "steps", "sops.error.not_array");
        if (json_array_size(steps) > SOPS_MAX_STEPS) return req_fail(r, 422, "steps", "sops.error.too_many_steps");
        in->has_steps = true;
        in->n_steps = (int)json_array_size(steps);
        in->steps = arena_alloc(r->arena, sizeof *in->steps * (size_t)(in->n_steps + 1));
        for (int i = 0; i < in->n_steps; i++)
            if (read_step(r, json_array_get(steps, (size_t)i), i, &in->steps[i]) != 0) return -1;
        /* The step rules (unique names, ranges, conditions) report every error at once. */
        if (sops_check_steps(r, in->steps, in->n_steps) > 0) return req_failed(r, 422);
    }
    return 0;
}

static const char *const SOP_FIELDS[] = {"title",    "purpose",           "change_note", "status", "team_id",
                                         "owner_id", "review_every_days", "steps",       NULL};
static const char *const VERSION_FIELDS[] = {"title", "purpose", "change_note", "steps", NULL};

/* ---------- replies ---------- */

static int reply_sop(Req *r, const Sop *s, int status, bool with_version) {
    res_etag(r, s->version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/sops/%lld", (long long)s->id));
    /* The SOP with its current version (the draft when there is one). */
    SopVersion *v = NULL;
    if (with_version && s->current_version_id && sops_version_load(r, s->current_version_id, &v) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    sops_json_members(w, s, time_now_ms());
    if (with_version) {
        jw_key(w, "current");
        if (v) sops_version_json(w, v, true);
        else jw_null(w);
    }
    jw_obj_end(w);
    return res_json_send(r, status);
}

static int reply_version(Req *r, const SopVersion *v, int status) {
    res_etag(r, v->version);
    if (status == 201)
        res_header(r, "Location",
                   arena_printf(r->arena, "/api/v1/sops/%lld/versions/%d", (long long)v->sop_id, v->number));
    sops_version_json(res_json(r), v, true);
    return res_json_send(r, status);
}

/* ---------- SOPs ---------- */

static int sops_api_list(Req *r) {
    SopFilter f = {.scope_path = web_read_scope(r)};
    int64_t limit, due = 0;
    if (req_query_int(r, "team", 1, INT64_MAX, 0, &f.team_id) != 0 ||
        req_query_int(r, "owner", 1, INT64_MAX, 0, &f.owner_id) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f.after_id) != 0 ||
        req_query_int(r, "review_due", 0, 1, 0, &due) != 0 || req_query_int(r, "limit", 1, 200, 50, &limit) != 0)
        return -1;
    const char *status = req_query(r, "status");
    if (status && *status) {
        if (!sops_status_valid(status)) return req_fail(r, 400, "status", "sops.error.status");
        f.status = status;
    }
    const char *q = req_query(r, "q");
    if (q && *q && req_check_text(r, "q", q, 1, 200, false, &f.q) != 0) return -1;
    f.review_due = due != 0;
    f.limit = (int)limit + 1;
    Sop *rows;
    int n;
    if (sops_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    int64_t now = time_now_ms();
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) sops_json(w, &rows[i], now);
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
}

static int sops_api_create(Req *r) {
    json_t *body = req_json(r);
    if (req_json_only(r, body, SOP_FIELDS) != 0) return -1;
    SopInput in = {0};
    if (read_sop_json(r, body, true, &in) != 0) return -1;
    if (in.has_status) return req_fail(r, 422, "status", "sops.error.status_on_create");
    Sop s;
    if (sops_create(r, &in, &s) != 0) return -1;
    return reply_sop(r, &s, 201, true);
}

static int load_sop(Req *r, int64_t *id, Sop *s) {
    if (req_path_id(r, "id", id) != 0) return -1;
    int rc = sops_get(r, *id, s);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

static int sops_api_show(Req *r) {
    int64_t id;
    Sop s;
    if (load_sop(r, &id, &s) != 0) return -1;
    return reply_sop(r, &s, 200, true);
}

static int sops_api_update(Req *r) {
    int64_t id, expected;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, SOP_FIELDS) != 0) return -1;
    SopInput in = {0};
    if (read_sop_json(r, body, false, &in) != 0) return -1;
    if (req_if_match(r, &expected) != 0) return -1;
    Sop s;
    if (sops_update(r, id, expected, &in, &s) != 0) return -1;
    return reply_sop(r, &s, 200, true);
}

static int sops_api_delete(Req *r) {
    int64_t id, expected;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &expected) != 0) return -1;
    if (sops_delete(r, id, expected) != 0) return -1;
    return res_no_content(r);
}

/* ---------- versions ---------- */

static int sops_api_versions(Req *r) {
    int64_t id;
    Sop s;
    if (load_sop(r, &id, &s) != 0) return -1;
    SopVersion *rows;
    int n;
    if (sops_versions(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) sops_version_json(w, &rows[i], false);
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static int sops_api_version_create(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    SopInput in = {0};
    if (body) {
        if (req_json_only(r, body, VERSION_FIELDS) != 0 || read_sop_json(r, body, false, &in) != 0) return -1;
    }
    SopVersion *v;
    if (sops_version_new(r, id, &in, &v) != 0) return -1;
    return reply_version(r, v, 201);
}

static int path_number(Req *r, int64_t *id, int *number) {
    int64_t n;
    if (req_path_id(r, "id", id) != 0 || req_path_id(r, "n", &n) != 0) return -1;
    if (n > 1000000) return req_fail(r, 404, NULL, "error.not_found");
    *number = (int)n;
    return 0;
}

static int sops_api_version_show(Req *r) {
    int64_t id;
    int number;
    if (path_number(r, &id, &number) != 0) return -1;
    SopVersion *v;
    int rc = sops_version_by_number(r, id, number, &v);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    return reply_version(r, v, 200);
}

static int sops_api_version_update(Req *r) {
    int64_t id, expected;
    int number;
    if (path_number(r, &id, &number) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, VERSION_FIELDS) != 0) return -1;
    SopInput in = {0};
    if (read_sop_json(r, body, false, &in) != 0) return -1;
    if (req_if_match(r, &expected) != 0) return -1;
    SopVersion *v;
    if (sops_version_update(r, id, number, expected, &in, &v) != 0) return -1;
    return reply_version(r, v, 200);
}

static int sops_api_publish(Req *r) {
    int64_t id, expected = -1;
    int number;
    if (path_number(r, &id, &number) != 0) return -1;
    /* If-Match is optional here: a publish changes no field the caller sends. */
    if (req_header(r, "If-Match") && req_if_match(r, &expected) != 0) return -1;
    SopVersion *v;
    if (sops_version_publish(r, id, number, expected, &v) != 0) return -1;
    return reply_version(r, v, 200);
}

/* from/to version numbers (defaults: the published one before the newest, and the newest). */
static int diff_versions(Req *r, int64_t id, SopVersion **from, SopVersion **to) {
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    int64_t a, b;
    int dflt_to = s.current_number, dflt_from = s.current_number > 1 ? s.current_number - 1 : 1;
    if (req_query_int(r, "from", 1, 1000000, dflt_from, &a) != 0 ||
        req_query_int(r, "to", 1, 1000000, dflt_to, &b) != 0)
        return -1;
    rc = sops_version_by_number(r, id, (int)a, from);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, "from", "sops.error.version_unknown");
    rc = sops_version_by_number(r, id, (int)b, to);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, "to", "sops.error.version_unknown");
    return 0;
}

static int sops_api_diff(Req *r) {
    int64_t id;
    SopVersion *from, *to;
    if (req_path_id(r, "id", &id) != 0 || diff_versions(r, id, &from, &to) != 0) return -1;
    SopDiff d;
    sops_diff(r, from, to, &d);
    sops_diff_json(res_json(r), &d);
    return res_json_send(r, 200);
}

static int sops_api_flowchart(Req *r) {
    int64_t id;
    int number;
    if (path_number(r, &id, &number) != 0) return -1;
    SopVersion *v;
    int rc = sops_version_by_number(r, id, number, &v);
    if (rc < 0) return -1;
    if (rc == 1) return req_fail(r, 404, NULL, "error.not_found");
    html_raw(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sops_flow_svg(r, v);
    return res_send(r, 200, "image/svg+xml; charset=utf-8");
}

/* ---------- suggestions and review ---------- */

static int sops_api_suggestions(Req *r) {
    int64_t id;
    Sop s;
    if (load_sop(r, &id, &s) != 0) return -1;
    SopSuggestion *rows;
    int n;
    if (sops_suggestions(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++) sops_suggestion_json(w, &rows[i]);
    jw_arr_end(w);
    jw_obj_end(w);
    return res_json_send(r, 200);
}

static int sops_api_suggest(Req *r) {
    static const char *const fields[] = {"text", "step_id", NULL};
    int64_t id, step_id = 0;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *text;
    if (multi_text(r, "text", json_object_get(body, "text"), 2000, &text) != 0) return -1;
    if (strspn(text, " \t\r\n") == strlen(text)) return req_fail(r, 422, "text", "error.required");
    bool present, is_null;
    if (req_json_int(r, body, "step_id", 1, INT64_MAX, false, &step_id, &present, &is_null) != 0) return -1;
    if (is_null) step_id = 0;
    SopSuggestion g;
    if (sops_suggest(r, id, step_id, text, &g) != 0) return -1;
    res_etag(r, g.version);
    res_header(r, "Location",
               arena_printf(r->arena, "/api/v1/sops/%lld/suggestions/%lld", (long long)id, (long long)g.id));
    sops_suggestion_json(res_json(r), &g);
    return res_json_send(r, 201);
}

static int suggestion_path(Req *r, int64_t *id, int64_t *sid) {
    if (req_path_id(r, "id", id) != 0 || req_path_id(r, "sid", sid) != 0) return -1;
    return 0;
}

static int sops_api_suggestion_update(Req *r) {
    static const char *const fields[] = {"status", NULL};
    int64_t id, sid, expected;
    if (suggestion_path(r, &id, &sid) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *status;
    bool present;
    if (req_json_str(r, body, "status", 1, 20, true, &status, &present) != 0) return -1;
    if (!sops_suggestion_status_valid(status)) return req_fail(r, 422, "status", "sops.error.suggestion_status");
    if (req_if_match(r, &expected) != 0) return -1;
    SopSuggestion g;
    if (sops_suggestion_set_status(r, id, sid, expected, status, &g) != 0) return -1;
    res_etag(r, g.version);
    sops_suggestion_json(res_json(r), &g);
    return res_json_send(r, 200);
}

static int sops_api_vote(Req *r) {
    int64_t id, sid;
    if (suggestion_path(r, &id, &sid) != 0) return -1;
    SopSuggestion g;
    if (sops_suggestion_vote(r, id, sid, &g) != 0) return -1;
    res_etag(r, g.version);
    sops_suggestion_json(res_json(r), &g);
    return res_json_send(r, 200);
}

static int sops_api_review(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    if (sops_mark_reviewed(r, id, &s) != 0) return -1;
    return reply_sop(r, &s, 200, false);
}

static const Route sops_api_routes[] = {
    {"GET", "/api/v1/sops", sops_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/sops", sops_api_create, ACCESS_TEAM_MANAGE, web_scope_new, 0, false},
    {"GET", "/api/v1/sops/{id}", sops_api_show, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"PATCH", "/api/v1/sops/{id}", sops_api_update, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"DELETE", "/api/v1/sops/{id}", sops_api_delete, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"GET", "/api/v1/sops/{id}/versions", sops_api_versions, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"POST", "/api/v1/sops/{id}/versions", sops_api_version_create, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"GET", "/api/v1/sops/{id}/versions/{n}", sops_api_version_show, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"PATCH", "/api/v1/sops/{id}/versions/{n}", sops_api_version_update, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"POST", "/api/v1/sops/{id}/versions/{n}/publish", sops_api_publish, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"GET", "/api/v1/sops/{id}/versions/{n}/flowchart.svg", sops_api_flowchart, ACCESS_TEAM_READ, sops_scope_sop, 0,
     false},
    {"GET", "/api/v1/sops/{id}/diff", sops_api_diff, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"GET", "/api/v1/sops/{id}/suggestions", sops_api_suggestions, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"POST", "/api/v1/sops/{id}/suggestions", sops_api_suggest, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop, 0,
     false},
    {"PATCH", "/api/v1/sops/{id}/suggestions/{sid}", sops_api_suggestion_update, ACCESS_WRITER | ACC_SCOPE_READ,
     sops_scope_sop, 0, false},
    {"POST", "/api/v1/sops/{id}/suggestions/{sid}/vote", sops_api_vote, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop,
     0, false},
    {"POST", "/api/v1/sops/{id}/review", sops_api_review, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop, 0, false},
};
ROUTE_TABLE(sops_api, sops_api_routes);
