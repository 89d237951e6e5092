/* runs_api.c — JSON routes for process runs (list, start, show, step
 * start/complete/skip, checklist ticks, cancel) and the analysis document of
 * an SOP's run log. Parse → model → render; the rules live in runs_model.c. */
#include <string.h>

#include "../base/timeutil.h"
#include "../eventlogs/eventlogs.h"
#include "runs.h"

static int reply_run(Req *r, const Run *run, int64_t etag_version, int status) {
    res_etag(r, etag_version);
    if (status == 201) res_header(r, "Location", arena_printf(r->arena, "/api/v1/runs/%lld", (long long)run->id));
    runs_json(res_json(r), run, time_now_ms());
    return res_json_send(r, status);
}

static int runs_api_list(Req *r) {
    RunFilter f = {.scope_path = web_read_scope(r)};
    int64_t limit;
    if (req_query_int(r, "sop_id", 1, INT64_MAX, 0, &f.sop_id) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f.after_id) != 0 ||
        req_query_int(r, "limit", 1, 200, 50, &limit) != 0)
        return -1;
    const char *status = req_query(r, "status");
    if (status && *status) {
        if (!runs_status_valid(status)) return req_fail(r, 400, "status", "runs.error.status");
        f.status = status;
    }
    const char *reference = req_query(r, "reference");
    if (reference && *reference) {
        if (req_check_text(r, "reference", reference, 1, 100, true, &f.reference) != 0) return -1;
    }
    f.limit = (int)limit + 1;
    Run *rows;
    int n;
    if (runs_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    int64_t now = time_now_ms();
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) runs_json(w, &rows[i], now);
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
}

static int runs_api_create(Req *r) {
    static const char *const fields[] = {"sop_id", "reference", NULL};
    json_t *body = req_json(r);
    if (req_json_only(r, body, fields) != 0) return -1;
    int64_t sop_id;
    const char *reference;
    if (req_json_int(r, body, "sop_id", 1, INT64_MAX, true, &sop_id, NULL, NULL) != 0 ||
        req_json_str(r, body, "reference", 1, 100, true, &reference, NULL) != 0)
        return -1;
    Run run;
    if (runs_start(r, sop_id, reference, &run) != 0) return -1;
    return reply_run(r, &run, run.version, 201);
}

static int runs_api_show(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Run run;
    int rc = runs_get(r, id, &run);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return reply_run(r, &run, run.version, 200);
}

/* The acted step's version is the ETag: the next action on it sends it back. */
static int64_t step_version(const Run *run, int64_t step_id) {
    for (int i = 0; i < run->n_run_steps; i++)
        if (run->steps[i].step_id == step_id) return run->steps[i].version;
    return run->version;
}

static int step_action(Req *r, RunAction act) {
    int64_t id, step_id, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "step_id", &step_id) != 0) return -1;
    json_t *body = req_json(r);
    const char *reason = NULL;
    if (act == RUN_STEP_SKIP) {
        static const char *const fields[] = {"reason", NULL};
        if (req_json_only(r, body, fields) != 0 || req_json_str(r, body, "reason", 1, 500, true, &reason, NULL) != 0)
            return -1;
    } else if (body) {
        static const char *const none[] = {NULL};
        if (req_json_only(r, body, none) != 0) return -1;
    }
    if (req_if_match(r, &version) != 0) return -1;
    Run run;
    if (runs_step_act(r, id, step_id, act, version, reason, &run) != 0) return -1;
    return reply_run(r, &run, step_version(&run, step_id), 200);
}

static int runs_api_step_start(Req *r) { return step_action(r, RUN_STEP_START); }
static int runs_api_step_complete(Req *r) { return step_action(r, RUN_STEP_COMPLETE); }
static int runs_api_step_skip(Req *r) { return step_action(r, RUN_STEP_SKIP); }

static int runs_api_check(Req *r) {
    static const char *const fields[] = {"checked", NULL};
    int64_t id, step_id, item;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "step_id", &step_id) != 0 ||
        req_path_id(r, "item", &item) != 0)
        return -1;
    if (item > 10000) return req_fail(r, 404, NULL, "error.not_found");
    json_t *body = req_json(r);
    bool checked;
    if (req_json_only(r, body, fields) != 0 || req_json_bool(r, body, "checked", true, &checked, NULL) != 0) return -1;
    Run run;
    if (runs_step_check(r, id, step_id, (int)item, checked, &run) != 0) return -1;
    return reply_run(r, &run, step_version(&run, step_id), 200);
}

static int runs_api_cancel(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0) return -1;
    json_t *body = req_json(r);
    static const char *const none[] = {NULL};
    if (body && req_json_only(r, body, none) != 0) return -1;
    if (req_if_match(r, &version) != 0) return -1;
    Run run;
    if (runs_cancel(r, id, version, &run) != 0) return -1;
    return reply_run(r, &run, run.version, 200);
}

/* The same document as GET /api/v1/eventlogs/{id}/analysis, for the SOP's
 * run log, with conformance against the version its latest run used; with
 * ?runs=done, of the finished runs only. An SOP without runs answers an empty
 * analysis. */
static int runs_api_sop_analysis(Req *r) {
    int64_t sop_id, log_id;
    if (req_path_id(r, "id", &sop_id) != 0) return -1;
    const char *which = req_query(r, "runs");
    if (which && strcmp(which, "all") != 0 && strcmp(which, "done") != 0)
        return req_fail(r, 400, "runs", "runs.error.runs_filter");
    EventLog *log;
    Analysis *an;
    if (runs_sop_analysis(r, sop_id, which && strcmp(which, "done") == 0, &log, &an, &log_id) != 0) return -1;
    if (!an) {
        log = evlog_new();
        char err[200];
        if (!log || anl_run(r->arena, log, NULL, &an, err, sizeof err) != 0) {
            evlog_free(log);
            return req_fail(r, 503, NULL, "error.db_unavailable");
        }
    }
    anl_write_json(res_json(r), an);
    evlog_free(log);
    return res_json_send(r, 200);
}

static const Route runs_api_routes[] = {
    {"GET", "/api/v1/runs", runs_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/runs", runs_api_create, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_new, 0, false},
    {"GET", "/api/v1/runs/{id}", runs_api_show, ACCESS_TEAM_READ, runs_scope_run, 0, false},
    {"POST", "/api/v1/runs/{id}/cancel", runs_api_cancel, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_run, 0, false},
    {"POST", "/api/v1/runs/{id}/steps/{step_id}/start", runs_api_step_start, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"POST", "/api/v1/runs/{id}/steps/{step_id}/complete", runs_api_step_complete, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"POST", "/api/v1/runs/{id}/steps/{step_id}/skip", runs_api_step_skip, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"POST", "/api/v1/runs/{id}/steps/{step_id}/checks/{item}", runs_api_check, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"GET", "/api/v1/sops/{id}/analysis", runs_api_sop_analysis, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
};
ROUTE_TABLE(runs_api, runs_api_routes);
