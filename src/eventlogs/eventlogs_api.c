/* eventlogs_api.c — JSON routes for event logs: upload (raw XES/CSV body,
 * gzip or not), list, show, soft delete, the analysis document and the XES /
 * CSV exports. Parse → model → render; access is the router's (route table
 * at the end). No SQL here. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "eventlogs_internal.h"

/* ---------- upload ---------- */

/* The format of an upload: ?format= first, then the Content-Type; "auto"
 * leaves it to the reader (XES when the text starts with '<'). */
static int upload_format(Req *r, EvFormat *out) {
    const char *f = req_query(r, "format");
    *out = EVF_AUTO;
    if (f && *f) {
        if (strcmp(f, "xes") == 0) *out = EVF_XES;
        else if (strcmp(f, "csv") == 0) *out = EVF_CSV;
        else if (strcmp(f, "auto") != 0) return req_fail(r, 400, "format", "eventlogs.error.format");
        return 0;
    }
    const char *ct = req_header(r, "Content-Type");
    if (!ct) return 0;
    if (strncmp(ct, "text/csv", 8) == 0) *out = EVF_CSV;
    else if (strncmp(ct, "application/xml", 15) == 0 || strncmp(ct, "text/xml", 8) == 0 ||
             strncmp(ct, "application/x-xes", 17) == 0)
        *out = EVF_XES;
    return 0;
}

/* Optional query text: 1–max characters, one line. */
static int opt_text(Req *r, const char *name, int max, const char **out) {
    const char *s = req_query(r, name);
    *out = NULL;
    if (!s || !*s) return 0;
    if (req_check_text(r, name, s, 1, max, false, out) != 0) return -1;
    return 0;
}

/* CSV column choices from the query (case, activity, timestamp, resource,
 * lifecycle, start_timestamp, case_attrs=a,b). */
static int csv_columns(Req *r, EvCsvColumns *c) {
    memset(c, 0, sizeof *c);
    if (opt_text(r, "case", 200, &c->case_col) != 0 || opt_text(r, "activity", 200, &c->activity_col) != 0 ||
        opt_text(r, "timestamp", 200, &c->timestamp_col) != 0 || opt_text(r, "resource", 200, &c->resource_col) != 0 ||
        opt_text(r, "lifecycle", 200, &c->lifecycle_col) != 0 ||
        opt_text(r, "start_timestamp", 200, &c->start_timestamp_col) != 0)
        return -1;
    const char *attrs;
    if (opt_text(r, "case_attrs", 2000, &attrs) != 0) return -1;
    if (attrs) {
        int cap = 2;
        for (const char *p = attrs; *p; p++) cap += *p == ',';
        const char **cols = arena_alloc(r->arena, sizeof(char *) * (size_t)cap);
        int n = 0;
        for (const char *p = attrs; *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len == 0) return req_fail(r, 400, "case_attrs", "eventlogs.error.case_attrs");
            cols[n++] = arena_strndup(r->arena, p, len);
            p += len + (e ? 1 : 0);
        }
        cols[n] = NULL;
        c->case_attr_columns = cols;
        c->n_case_attr_columns = n;
    }
    return 0;
}

/* 422 naming the file, with the reader's line and column. */
static int parse_refused(Req *r, const EvError *err) {
    const char *msg;
    if (err->line > 0)
        msg = i18n_fmt(r->arena, r->locale, "eventlogs.error.parse_at", 3,
                       (const char *[]){arena_printf(r->arena, "%ld", err->line),
                                        arena_printf(r->arena, "%ld", err->column), err->message});
    else msg = i18n_fmt(r->arena, r->locale, "eventlogs.error.parse", 1, (const char *[]){err->message});
    return req_fail(r, 422, "file", msg);
}

static int eventlogs_api_upload(Req *r) {
    EvFormat fmt;
    EvCsvColumns cols;
    const char *name, *file_name;
    if (upload_format(r, &fmt) != 0 || csv_columns(r, &cols) != 0 || opt_text(r, "name", 200, &name) != 0 ||
        opt_text(r, "file_name", 255, &file_name) != 0)
        return -1;
    int64_t team_id = 0;
    if (eventlogs_scope_new(r, &team_id) != 0) return -1;
    size_t len;
    const char *data = req_body(r, &len);
    if (!data || len == 0) return req_fail(r, 422, "file", "eventlogs.error.no_file");
    EventLog *log = evlog_new();
    if (!log) return req_fail(r, 503, NULL, "error.internal");
    EvError err = {0};
    if (evlog_read_mem(log, data, len, fmt, &cols, &err) != 0) {
        evlog_free(log);
        return parse_refused(r, &err);
    }
    bool xes = fmt == EVF_XES || (fmt == EVF_AUTO && eventlogs_looks_like_xes(data, len));
    if (!name) name = file_name ? file_name : T(r, "eventlogs.default_name");
    EventlogsImport in = {name, team_id, file_name, xes ? "xes" : "csv"};
    EventLogInfo info;
    int rc = eventlogs_store(r, log, &in, &info);
    evlog_free(log);
    if (rc != 0) return -1;
    res_etag(r, info.version);
    res_header(r, "Location", arena_printf(r->arena, "/api/v1/eventlogs/%lld", (long long)info.id));
    eventlogs_json(res_json(r), &info);
    return res_json_send(r, 201);
}

/* ---------- list, show, delete ---------- */

static int eventlogs_api_list(Req *r) {
    int64_t limit, cursor;
    if (req_query_int(r, "limit", 1, 200, 50, &limit) != 0 || req_query_int(r, "cursor", 0, INT64_MAX, 0, &cursor) != 0)
        return -1;
    EventLogInfo *rows;
    int n;
    if (eventlogs_list(r, cursor, (int)limit + 1, &rows, &n) != 0) return -1;
    bool more = n > limit;
    if (more) n = (int)limit;
    JsonW *w = res_list_begin(r);
    for (int i = 0; i < n; i++) eventlogs_json(w, &rows[i]);
    return res_list_send(r, more, n ? rows[n - 1].id : 0);
}

static int eventlogs_api_show(Req *r) {
    int64_t id;
    EventLogInfo info;
    if (req_path_id(r, "id", &id) != 0 || eventlogs_get(r, id, &info) != 0) return -1;
    res_etag(r, info.version);
    eventlogs_json(res_json(r), &info);
    return res_json_send(r, 200);
}

static int eventlogs_api_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (eventlogs_delete(r, id, version) != 0) return -1;
    return res_no_content(r);
}

/* ---------- analysis and export ---------- */

static int eventlogs_api_analysis(Req *r) {
    int64_t id;
    AnlOptions opt;
    EventLogInfo info;
    if (req_path_id(r, "id", &id) != 0 || eventlogs_read_options(r, &opt) != 0 || eventlogs_get(r, id, &info) != 0)
        return -1;
    EventLog *log = NULL;
    Analysis *an;
    int rc = eventlogs_analyze(r, &info, &opt, &log, &an);
    if (rc == 0) anl_write_json(res_json(r), an);
    evlog_free(log);
    return rc == 0 ? res_json_send(r, 200) : -1;
}

static int write_body(void *ctx, const char *bytes, size_t n) {
    buf_append(ctx, bytes, n);
    return 0;
}

static int export_log(Req *r, bool xes) {
    int64_t id;
    EventLogInfo info;
    if (req_path_id(r, "id", &id) != 0 || eventlogs_get(r, id, &info) != 0) return -1;
    EventLog *log;
    if (eventlogs_load(r, id, &log) != 0) return -1;
    /* Written through the JSON writer's buffer would escape it: the file goes
     * into the body as it is written. */
    Buf *body = res_json(r)->out;
    int rc = xes ? evlog_write_xes(log, write_body, body) : evlog_write_csv(log, write_body, body);
    evlog_free(log);
    if (rc != 0) return req_fail(r, 500, NULL, "error.internal");
    res_header(r, "Content-Disposition",
               arena_printf(r->arena, "attachment; filename=\"eventlog-%lld.%s\"", (long long)id, xes ? "xes" : "csv"));
    return res_send(r, 200, xes ? "application/xml; charset=utf-8" : "text/csv; charset=utf-8");
}

static int eventlogs_api_export_xes(Req *r) { return export_log(r, true); }
static int eventlogs_api_export_csv(Req *r) { return export_log(r, false); }

/* 256 MiB: larger uploads are refused with 413 before any byte is read (the
 * command line imports files of any size, streaming). */
#define EVENTLOGS_MAX_UPLOAD ((size_t)256 << 20)

static const Route eventlogs_api_routes[] = {
    {"GET", "/api/v1/eventlogs", eventlogs_api_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/api/v1/eventlogs", eventlogs_api_upload, ACCESS_WRITER | ACC_SCOPE_READ | ACC_RAW_BODY,
     eventlogs_scope_new, EVENTLOGS_MAX_UPLOAD, false},
    {"GET", "/api/v1/eventlogs/{id}", eventlogs_api_show, ACCESS_TEAM_READ, eventlogs_scope_log, 0, false},
    {"DELETE", "/api/v1/eventlogs/{id}", eventlogs_api_delete, ACCESS_TEAM_MANAGE, eventlogs_scope_log, 0, false},
    {"GET", "/api/v1/eventlogs/{id}/analysis", eventlogs_api_analysis, ACCESS_TEAM_READ, eventlogs_scope_log, 0, false},
    {"GET", "/api/v1/eventlogs/{id}/export.xes", eventlogs_api_export_xes, ACCESS_TEAM_READ, eventlogs_scope_log, 0,
     false},
    {"GET", "/api/v1/eventlogs/{id}/export.csv", eventlogs_api_export_csv, ACCESS_TEAM_READ, eventlogs_scope_log, 0,
     false},
};
ROUTE_TABLE(eventlogs_api, eventlogs_api_routes);
