/* goals_api.c — JSON routes for goals, key results, check-ins and
 * checkpoints. Parse → model → render; the rules live in goals_model.c.
 * Nested fields (key_results[1].target) are named in full in errors. */
#include <math.h>
#include <string.h>

#include "../base/utf8.h"
#include "goals.h"

/* ---------- typed readers that name nested fields ---------- */

static const char *fname(Req *r, const char *prefix, const char *key) {
    return prefix ? arena_printf(r->arena, "%s%s", prefix, key) : key;
}

/* A one-line string; JSON null reads as absent-but-present (out NULL). */
static int rd_str(Req *r, json_t *obj, const char *prefix, const char *key, int min, int max, bool required,
                  const char **out, bool *present) {
    json_t *v = json_object_get(obj, key);
    const char *field = fname(r, prefix, key);
    if (present) *present = v != NULL;
    if (!v || json_is_null(v)) {
        if (required) return req_fail(r, 422, field, "error.required");
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v)) return req_fail(r, 422, field, "error.not_string");
    if (strlen(json_string_value(v)) != json_string_length(v)) return req_fail(r, 422, field, "error.control_chars");
    return req_check_text(r, field, json_string_value(v), min, max, required, out);
}

/* Multi-line text (descriptions, notes): line breaks allowed, other controls not. */
static int rd_text(Req *r, json_t *obj, const char *key, int max, const char **out, bool *present) {
    json_t *v = json_object_get(obj, key);
    if (present) *present = v != NULL;
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return req_fail(r, 422, key, "error.not_string");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n || utf8_has_control(s, n)) return req_fail(r, 422, key, "error.control_chars");
    if ((int)utf8_count(s, n) > max) return req_fail(r, 422, key, "error.too_long");
    *out = arena_strdup(r->arena, s);
    return 0;
}

static int rd_num(Req *r, json_t *obj, const char *prefix, const char *key, bool required, double *out, bool *present,
                  bool *is_null) {
    json_t *v = json_object_get(obj, key);
    const char *field = fname(r, prefix, key);
    if (present) *present = v != NULL;
    if (is_null) *is_null = v && json_is_null(v);
    if (!v) return required ? req_fail(r, 422, field, "error.required") : 0;
    if (json_is_null(v)) return is_null && !required ? 0 : req_fail(r, 422, field, "goals.error.not_number");
    if (!json_is_number(v)) return req_fail(r, 422, field, "goals.error.not_number");
    double x = json_number_value(v);
    if (!isfinite(x) || fabs(x) > 1e15) return req_fail(r, 422, field, "error.out_of_range");
    *out = x;
    return 0;
}

static int rd_date(Req *r, json_t *obj, const char *prefix, const char *key, bool required, int64_t *out, bool *present,
                   bool *is_null) {
    json_t *v = json_object_get(obj, key);
    const char *field = fname(r, prefix, key);
    if (present) *present = v != NULL;
    if (is_null) *is_null = v && json_is_null(v);
    if (!v) return required ? req_fail(r, 422, field, "error.required") : 0;
    if (json_is_null(v)) return is_null && !required ? 0 : req_fail(r, 422, field, "error.bad_date");
    if (!json_is_string(v) || goals_parse_date(json_string_value(v), out) != 0)
        return req_fail(r, 422, field, "error.bad_date");
    return 0;
}

static int rd_enum(Req *r, json_t *obj, const char *prefix, const char *key, const char *const *allowed, bool required,
                   const char **out, bool *present, const char *msg_key) {
    if (rd_str(r, obj, prefix, key, 1, 40, required, out, present) != 0) return -1;
    if (!*out) {
        if (present && *present) return req_fail(r, 422, fname(r, prefix, key), msg_key);
        return 0;
    }
    for (const char *const *a = allowed; *a; a++)
        if (strcmp(*a, *out) == 0) return 0;
    return req_fail(r, 422, fname(r, prefix, key), msg_key);
}

static const char *const LEVELS[] = {"company", "team", "person", NULL};
static const char *const PERIODS[] = {"quarter", "month", "custom", NULL};
static const char *const STATUSES[] = {"active", "closed", NULL};
static const char *const KINDS[] = {"number", "percentage", "currency", "milestone", NULL};
static const char *const DIRECTIONS[] = {"increase", "decrease", "range", NULL};
static const char *const CONFIDENCES[] = {"on_track", "at_risk", "off_track", NULL};
static const char *const SOURCES[] = {"manual", "tasks", NULL};
static const char *const KR_FIELDS[] = {"metric", "unit",         "kind",       "direction", "baseline",
                                        "target", "range_low",    "range_high", "current",   "deadline",
                                        "weight", "value_source", NULL};

/* Refuses unknown keys of a nested object, naming them in full. */
static int only_fields(Req *r, json_t *obj, const char *prefix, const char *const *allowed) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, key) == 0;
        if (!ok) return req_fail(r, 422, fname(r, prefix, key), "error.unknown_field");
    }
    return 0;
}

static int read_kr(Req *r, json_t *obj, const char *prefix, bool creating, GoalKrInput *in) {
    if (!json_is_object(obj)) return req_fail(r, 422, prefix ? prefix : "key_results", "error.json_object");
    if (only_fields(r, obj, prefix, KR_FIELDS) != 0) return -1;
    bool dummy;
    if (rd_str(r, obj, prefix, "metric", 1, 100, creating, &in->metric, &in->has_metric) != 0) return -1;
    if (!creating && in->has_metric && !in->metric)
        return req_fail(r, 422, fname(r, prefix, "metric"), "error.required");
    if (rd_str(r, obj, prefix, "unit", 0, 20, false, &in->unit, &in->has_unit) != 0) return -1;
    if (rd_enum(r, obj, prefix, "kind", KINDS, false, &in->kind, &in->has_kind, "goals.error.kind") != 0) return -1;
    if (rd_enum(r, obj, prefix, "direction", DIRECTIONS, false, &in->direction, &in->has_direction,
                "goals.error.direction") != 0)
        return -1;
    if (rd_num(r, obj, prefix, "baseline", false, &in->baseline, &in->has_baseline, &dummy) != 0) return -1;
    if (in->has_baseline && dummy) return req_fail(r, 422, fname(r, prefix, "baseline"), "goals.error.not_number");
    if (rd_num(r, obj, prefix, "target", false, &in->target, &in->has_target, &in->target_null) != 0) return -1;
    if (rd_num(r, obj, prefix, "range_low", false, &in->range_low, &in->has_low, &in->low_null) != 0) return -1;
    if (rd_num(r, obj, prefix, "range_high", false, &in->range_high, &in->has_high, &in->high_null) != 0) return -1;
    if (rd_num(r, obj, prefix, "current", false, &in->current, &in->has_current, &in->current_null) != 0) return -1;
    if (rd_date(r, obj, prefix, "deadline", false, &in->deadline_at, &in->has_deadline, &in->deadline_null) != 0)
        return -1;
    if (rd_num(r, obj, prefix, "weight", false, &in->weight, &in->has_weight, &dummy) != 0) return -1;
    if (in->has_weight && dummy) return req_fail(r, 422, fname(r, prefix, "weight"), "goals.error.weight");
    if (rd_enum(r, obj, prefix, "value_source", SOURCES, false, &in->value_source, &in->has_value_source,
                "goals.error.value_source") != 0)
        return -1;
    return 0;
}

/* Reads the goal fields of body (create: required ones enforced). */
static int read_goal(Req *r, json_t *body, bool creating, GoalInput *in) {
    bool is_null = false;
    if (rd_enum(r, body, NULL, "level", LEVELS, creating, &in->level, &in->has_level, "goals.error.level") != 0)
        return -1;
    if (rd_str(r, body, NULL, "title", 1, 200, creating, &in->title, &in->has_title) != 0) return -1;
    if (!creating && in->has_title && !in->title) return req_fail(r, 422, "title", "error.required");
    if (rd_text(r, body, "description", 4000, &in->description, &in->has_description) != 0) return -1;
    if (req_json_int(r, body, "owner_id", 1, INT64_MAX, false, &in->owner_id, &in->has_owner, NULL) != 0) return -1;
    if (req_json_int(r, body, "team_id", 1, INT64_MAX, false, &in->team_id, &in->has_team, &is_null) != 0) return -1;
    if (is_null) in->team_id = 0;
    if (req_json_int(r, body, "parent_id", 1, INT64_MAX, false, &in->parent_id, &in->has_parent, &is_null) != 0)
        return -1;
    if (is_null) in->parent_id = 0;
    if (rd_enum(r, body, NULL, "period", PERIODS, creating, &in->period, &in->has_period, "goals.error.period") != 0)
        return -1;
    if (rd_date(r, body, NULL, "start_date", creating, &in->start_at, &in->has_start, NULL) != 0) return -1;
    if (rd_date(r, body, NULL, "end_date", false, &in->end_at, &in->has_end, &is_null) != 0) return -1;
    if (is_null) in->has_end = false;
    if (!creating &&
        rd_enum(r, body, NULL, "status", STATUSES, false, &in->status, &in->has_status, "goals.error.status") != 0)
        return -1;
    if (!creating && in->has_level && !in->level) return req_fail(r, 422, "level", "goals.error.level");
    if (!creating && in->has_period && !in->period) return req_fail(r, 422, "period", "goals.error.period");
    if (!creating && in->has_status && !in->status) return req_fail(r, 422, "status", "goals.error.status");
    if (creating && !in->has_owner) in->owner_id = r->who->user_id, in->has_owner = true;
    json_t *krs = json_object_get(body, "key_results");
    if (creating && krs && !json_is_null(krs)) {
        if (!json_is_array(krs)) return req_fail(r, 422, "key_results", "goals.error.not_array");
        if (json_array_size(krs) > GOALS_MAX_KRS) return req_fail(r, 422, "key_results", "goals.error.too_many_krs");
        for (size_t i = 0; i < json_array_size(krs); i++) {
            const char *prefix = arena_printf(r->arena, "key_results[%zu].", i);
            if (read_kr(r, json_array_get(krs, i), prefix, true, &in->krs[in->n_krs++]) != 0) return -1;
        }
    }
    return 0;
}

/* ---------- goals ---------- */

static int goals_api_list(Req *r) {
    GoalFilter f = {0};
    int64_t limit, mine;
    if (req_query_int(r, "limit", 1, 200, 50, &limit) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f.after_id) != 0 ||
        req_query_int(r, "team_id", 1, INT64_MAX, 0, &f.team_id) != 0 ||
        req_query_int(r, "owner_id", 1, INT64_MAX, 0, &f.owner_id) != 0 ||
        req_query_int(r, "mine", 0, 1, 0, &mine) != 0)
        return -1;
    if (mine) f.owner_id = r->who->user_id;
    f.status = req_query(r, "status");
    if (f.status && *f.status && strcmp(f.status, "active") != 0 && strcmp(f.status, "closed") != 0)
        return req_fail(r, 400, "status", "goals.error.status");
    if (f.status && !*f.status) f.status = NULL;
    f.level = req_query(r, "level");
    if (f.level && *f.level && strcmp(f.level, "company") != 0 && strcmp(f.level, "team") != 0 &&
        strcmp(f.level, "person") != 0)
        return req_fail(r, 400, "level", "goals.error.level");
    if (f.level && !*f.level) f.level = NULL;
    const char *period = req_query(r, "period");
    if (period && *period && goals_parse_period(period, &f.from_ms, &f.to_ms) != 0)
        return req_fail(r, 400, "period", "goals.error.period_filter");
    f.limit = (int)limit + 1;
    Goal *rows;
    int n;
    if (goals_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) goals_json(w, &rows[i], NULL, 0);
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
}

static int reply_goal(Req *r, const Goal *g, int status) {
    SmartWarning *smart;
    int n_smart;
    if (goals_smart_check(r, g, &smart, &n_smart) != 0) return -1;
    res_etag(r, g->version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/goals/%lld", (long long)g->id));
    goals_json(res_json(r), g, smart ? smart : (SmartWarning[1]){{0}}, n_smart);
    return res_json_send(r, status);
}

static int goals_api_show(Req *r) {
    int64_t id;
    Goal g;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = goals_get(r, id, &g);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_goal(r, &g, 200);
}

static int goals_api_create(Req *r) {
    static const char *const fields[] = {"level",  "title",      "description", "owner_id",    "team_id", "parent_id",
                                         "period", "start_date", "end_date",    "key_results", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    GoalInput *in = arena_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    if (read_goal(r, body, true, in) != 0) return -1;
    Goal g;
    if (goals_create(r, in, &g) != 0) return -1;
    return reply_goal(r, &g, 201);
}

static int goals_api_update(Req *r) {
    static const char *const fields[] = {"level",  "title",      "description", "owner_id", "team_id", "parent_id",
                                         "period", "start_date", "end_date",    "status",   NULL};
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    GoalInput *in = arena_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    if (read_goal(r, body, false, in) != 0) return -1;
    Goal g;
    if (goals_update(r, id, version, in, &g) != 0) return -1;
    return reply_goal(r, &g, 200);
}

static int goals_api_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (goals_delete(r, id, version) != 0) return -1;
    return res_no_content(r);
}

/* ---------- key results ---------- */

static int reply_kr(Req *r, const GoalKr *k, int status) {
    res_etag(r, k->version);
    if (status == 201)
        res_header(
            r, "Location",
            arena_printf(r->arena, "/api/v1/goals/%lld/key-results/%lld", (long long)k->goal_id, (long long)k->id));
    goals_kr_json(res_json(r), k);
    return res_json_send(r, status);
}

static int goals_api_kr_create(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    GoalKrInput in = {0};
    if (read_kr(r, req_json(r), NULL, true, &in) != 0) return -1;
    GoalKr k;
    if (goals_kr_create(r, id, &in, &k) != 0) return -1;
    return reply_kr(r, &k, 201);
}

static int goals_api_kr_update(Req *r) {
    int64_t id, kr, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "kr", &kr) != 0 || req_if_match(r, &version) != 0) return -1;
    GoalKrInput in = {0};
    if (read_kr(r, req_json(r), NULL, false, &in) != 0) return -1;
    GoalKr k;
    if (goals_kr_update(r, id, kr, version, &in, &k) != 0) return -1;
    return reply_kr(r, &k, 200);
}

static int goals_api_kr_delete(Req *r) {
    int64_t id, kr, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "kr", &kr) != 0 || req_if_match(r, &version) != 0) return -1;
    if (goals_kr_delete(r, id, kr, version) != 0) return -1;
    return res_no_content(r);
}

/* ---------- check-ins ---------- */

static int goals_api_checkins_list(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    GoalCheckin *rows;
    int n;
    if (goals_checkins_list(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) goals_checkin_json(w, &rows[i]);
    return res_list_send(r, false, 0);
}

static int goals_api_checkins_create(Req *r) {
    static const char *const fields[] = {"key_result_id", "value", "confidence", "note", NULL};
    int64_t id, kr = 0;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    double value = 0;
    const char *confidence = NULL, *note = NULL;
    if (req_json_int(r, body, "key_result_id", 1, INT64_MAX, false, &kr, NULL, NULL) != 0 ||
        rd_num(r, body, NULL, "value", true, &value, NULL, NULL) != 0 ||
        rd_enum(r, body, NULL, "confidence", CONFIDENCES, true, &confidence, NULL, "goals.error.confidence") != 0 ||
        rd_text(r, body, "note", 1000, &note, NULL) != 0)
        return -1;
    GoalCheckin c;
    if (goals_checkin_create(r, id, kr, value, confidence, note, &c) != 0) return -1;
    res_header(r, "Location", arena_printf(r->arena, "/api/v1/goals/%lld/checkins", (long long)id));
    goals_checkin_json(res_json(r), &c);
    return res_json_send(r, 201);
}

/* ---------- checkpoints ---------- */

static int goals_api_checkpoints_list(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    GoalCheckpoint *rows;
    int n;
    if (goals_checkpoints_list(r, id, &rows, &n) != 0) return -1;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) goals_checkpoint_json(w, &rows[i]);
    return res_list_send(r, false, 0);
}

static int goals_api_checkpoints_create(Req *r) {
    static const char *const fields[] = {"title", "date", "done", NULL};
    int64_t id, due = 0;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    const char *title = NULL;
    bool done = false;
    if (rd_str(r, body, NULL, "title", 1, 200, true, &title, NULL) != 0 ||
        rd_date(r, body, NULL, "date", true, &due, NULL, NULL) != 0 ||
        req_json_bool(r, body, "done", false, &done, NULL) != 0)
        return -1;
    GoalCheckpoint c;
    if (goals_checkpoint_create(r, id, title, due, done, &c) != 0) return -1;
    res_header(r, "Location", arena_printf(r->arena, "/api/v1/goals/%lld/checkpoints", (long long)id));
    goals_checkpoint_json(res_json(r), &c);
    return res_json_send(r, 201);
}

static int goals_api_checkpoint_update(Req *r) {
    static const char *const fields[] = {"done", NULL};
    int64_t id, cp, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "cp", &cp) != 0 || req_if_match(r, &version) != 0) return -1;
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    bool done = false;
    if (req_json_bool(r, body, "done", true, &done, NULL) != 0) return -1;
    GoalCheckpoint c;
    if (goals_checkpoint_set_done(r, id, cp, version, done, &c) != 0) return -1;
    res_etag(r, c.version);
    goals_checkpoint_json(res_json(r), &c);
    return res_json_send(r, 200);
}

/* Reading needs the goal's team to be readable (company goals: everyone);
 * changing needs a writer role here and the level rule of goals_can_edit()
 * in the model (403), since a member may edit their own person goals. */
#define GOALS_WRITE (ACCESS_WRITER | ACC_SCOPE_READ)
static const Route goals_api_routes[] = {
    {"GET", "/api/v1/goals", goals_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/goals", goals_api_create, ACCESS_WRITER, NULL, 0, false},
    {"GET", "/api/v1/goals/{id}", goals_api_show, ACCESS_TEAM_READ, goals_scope, 0, false},
    {"PATCH", "/api/v1/goals/{id}", goals_api_update, GOALS_WRITE, goals_scope, 0, false},
    {"DELETE", "/api/v1/goals/{id}", goals_api_delete, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/api/v1/goals/{id}/key-results", goals_api_kr_create, GOALS_WRITE, goals_scope, 0, false},
    {"PATCH", "/api/v1/goals/{id}/key-results/{kr}", goals_api_kr_update, GOALS_WRITE, goals_scope, 0, false},
    {"DELETE", "/api/v1/goals/{id}/key-results/{kr}", goals_api_kr_delete, GOALS_WRITE, goals_scope, 0, false},
    {"GET", "/api/v1/goals/{id}/checkins", goals_api_checkins_list, ACCESS_TEAM_READ, goals_scope, 0, false},
    {"POST", "/api/v1/goals/{id}/checkins", goals_api_checkins_create, GOALS_WRITE, goals_scope, 0, false},
    {"GET", "/api/v1/goals/{id}/checkpoints", goals_api_checkpoints_list, ACCESS_TEAM_READ, goals_scope, 0, false},
    {"POST", "/api/v1/goals/{id}/checkpoints", goals_api_checkpoints_create, GOALS_WRITE, goals_scope, 0, false},
    {"PATCH", "/api/v1/goals/{id}/checkpoints/{cp}", goals_api_checkpoint_update, GOALS_WRITE, goals_scope, 0, false},
};
ROUTE_TABLE(goals_api, goals_api_routes);
