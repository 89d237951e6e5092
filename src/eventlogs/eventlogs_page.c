/* eventlogs_page.c — HTML pages: the list of event logs with the upload form
 * (a multipart/form-data post to POST /eventlogs that works without script;
 * app.js, when present, posts the file raw to POST /api/v1/eventlogs with the
 * session's CSRF token and shows the upload's progress), and a log's analysis page:
 * summary, process map (frequency / performance), variants, bottlenecks,
 * rework, conformance for SOP run logs, per-activity service-time
 * histograms, filters and exports. Every value goes through html_printf. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../web/web_html.h"
#include "eventlogs_internal.h"

static const char *dur(Req *r, double ms) { return eventlogs_fmt_duration(r->arena, ms); }
static const char *pct(Req *r, double share) { return arena_printf(r->arena, "%.1f%%", share * 100.0); }

/* ---------- the list ---------- */

/* The upload form: a multipart/form-data post to POST /eventlogs that works
 * without script; app.js, when present, sends the file to the API instead
 * with a progress bar. After a refused post the form is shown again with the
 * values given and the reason (req_errors). */
static void upload_form(Req *r) {
    html_printf(r,
                "<section class=\"card\" aria-labelledby=\"upload-h\"><h2 id=\"upload-h\">%s</h2>"
                "<form id=\"eventlog-upload\" class=\"grid form-grid\" method=\"post\" action=\"/eventlogs\""
                " enctype=\"multipart/form-data\" data-endpoint=\"/api/v1/eventlogs\""
                " data-error-prefix=\"%s\" data-done=\"%s\">",
                T(r, "eventlogs.upload"), T(r, "eventlogs.upload_failed"), T(r, "eventlogs.upload_done"));
    html_csrf_field(r);
    const char *name = req_form(r, "name"), *format = req_form(r, "format");
    if (!format) format = "auto";
    html_printf(r,
                "<div><label for=\"el-file\">%s</label><input id=\"el-file\" name=\"file\" type=\"file\" required"
                " accept=\".xes,.gz,.csv,.xml,text/csv,application/xml\" aria-describedby=\"el-file-hint\">"
                "<p id=\"el-file-hint\" class=\"hint\">%s</p></div>"
                "<div><label for=\"el-name\">%s</label><input id=\"el-name\" name=\"name\" maxlength=\"200\""
                " value=\"%s\"></div>"
                "<div><label for=\"el-format\">%s</label><select id=\"el-format\" name=\"format\">",
                T(r, "eventlogs.field.file"), T(r, "eventlogs.file_hint"), T(r, "eventlogs.field.name"),
                name ? name : "", T(r, "eventlogs.field.format"));
    static const char *const formats[] = {"auto", "xes", "csv"};
    for (int i = 0; i < 3; i++) {
        const char *label = i == 0 ? T(r, "eventlogs.format.auto") : i == 1 ? "XES" : "CSV";
        if (strcmp(format, formats[i]) == 0)
            html_printf(r, "<option value=\"%s\" selected>%s</option>", formats[i], label);
        else html_printf(r, "<option value=\"%s\">%s</option>", formats[i], label);
    }
    html_printf(r, "</select></div><details class=\"csv-columns\"><summary>%s</summary><div class=\"grid form-grid\">",
                T(r, "eventlogs.csv_columns"));
    static const char *const cols[] = {"case", "activity", "timestamp", "resource", "lifecycle", "start_timestamp"};
    for (int i = 0; i < 6; i++) {
        const char *v = req_form(r, cols[i]);
        html_printf(r,
                    "<div><label for=\"el-col-%s\">%s</label><input id=\"el-col-%s\" name=\"%s\" maxlength=\"200\""
                    " placeholder=\"%s\" value=\"%s\"></div>",
                    cols[i], T(r, arena_printf(r->arena, "eventlogs.col.%s", cols[i])), cols[i], cols[i],
                    T(r, "eventlogs.auto_detect"), v ? v : "");
    }
    html_printf(r,
                "</div></details><div class=\"actions\"><button class=\"primary\" type=\"submit\">%s</button>"
                "<progress id=\"el-progress\" max=\"100\" value=\"0\" hidden aria-label=\"%s\"></progress>"
                "<span id=\"el-status\" role=\"status\" aria-live=\"polite\"></span></div>",
                T(r, "eventlogs.upload_button"), T(r, "eventlogs.upload_progress"));
    if (req_error_count(r)) {
        const FieldError *e = &req_errors(r)[0];
        html_printf(r, "<p id=\"el-error\" class=\"field-error\" role=\"alert\">%s: %s</p></form></section>",
                    T(r, "eventlogs.upload_failed"), e->message);
    } else html_raw(r, "<p id=\"el-error\" class=\"field-error\" role=\"alert\" hidden></p></form></section>");
}

/* The list with the upload form; status: 200, or the refusal's status when a
 * post is shown again with its errors. */
static int list_page(Req *r, int64_t cursor, int status) {
    EventLogInfo *rows;
    int n;
    if (eventlogs_list(r, cursor, 101, &rows, &n) != 0) return -1;
    bool more = n > 100;
    if (more) n = 100;
    page_begin(r, T(r, "eventlogs.title"), "nav.eventlogs");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div><p class=\"muted\">%s</p>", T(r, "eventlogs.title"),
                T(r, "eventlogs.intro"));
    if (r->who->role != ROLE_VIEWER) upload_form(r);
    html_printf(r, "<section class=\"card\" aria-labelledby=\"logs-h\"><h2 id=\"logs-h\">%s</h2>",
                T(r, "eventlogs.list"));
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "eventlogs.empty"));
    else {
        html_printf(r,
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list\">"
                    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                    "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                    T(r, "eventlogs.list"), T(r, "eventlogs.field.name"), T(r, "eventlogs.field.team"),
                    T(r, "eventlogs.field.source"), T(r, "eventlogs.cases"), T(r, "eventlogs.events"),
                    T(r, "eventlogs.period"), T(r, "eventlogs.field.created_at"));
        for (int i = 0; i < n; i++) {
            const EventLogInfo *l = &rows[i];
            html_printf(r,
                        "<tr><td><a href=\"/eventlogs/%lld\">%s</a></td><td>%s</td><td>%s</td><td class=\"num\">%s</td>"
                        "<td class=\"num\">%s</td><td>%s – %s</td><td>%s</td></tr>",
                        (long long)l->id, l->name, l->team_name,
                        T(r, arena_printf(r->arena, "eventlogs.source.%s", l->source)), html_int(r, l->n_cases),
                        html_int(r, l->n_events), l->first_ms ? html_time(r, l->first_ms, false) : "—",
                        l->last_ms ? html_time(r, l->last_ms, false) : "—", html_time(r, l->created_at, true));
        }
        html_raw(r, "</tbody></table></div>");
        if (more)
            html_printf(r, "<p><a href=\"/eventlogs?cursor=%lld\">%s</a></p>", (long long)rows[n - 1].id,
                        T(r, "eventlogs.more"));
    }
    html_raw(r, "</section>");
    page_end(r);
    return res_html_send(r, status);
}

static int eventlogs_page_list(Req *r) {
    int64_t cursor;
    if (req_query_int(r, "cursor", 0, INT64_MAX, 0, &cursor) != 0) return -1;
    return list_page(r, cursor, 200);
}

/* ---------- upload without script (POST /eventlogs, multipart/form-data) ---------- */

/* The same cap as POST /api/v1/eventlogs: larger posts are refused with 413
 * before any byte is read. */
#define EVENTLOGS_PAGE_MAX_UPLOAD ((size_t)256 << 20)

/* The format the file is read as: the form's choice, else the file name's
 * extension, else its first non-blank byte ('<': XES; inside gzip too). */
static EvFormat upload_format(const char *choice, const char *file_name, const char *data, size_t n) {
    if (choice && strcmp(choice, "xes") == 0) return EVF_XES;
    if (choice && strcmp(choice, "csv") == 0) return EVF_CSV;
    size_t fl = file_name ? strlen(file_name) : 0;
    if (fl > 3 && strcasecmp(file_name + fl - 3, ".gz") == 0) fl -= 3;
    if (fl > 4 && (strncasecmp(file_name + fl - 4, ".xes", 4) == 0 || strncasecmp(file_name + fl - 4, ".xml", 4) == 0))
        return EVF_XES;
    if (fl > 4 && strncasecmp(file_name + fl - 4, ".csv", 4) == 0) return EVF_CSV;
    return eventlogs_looks_like_xes(data, n) ? EVF_XES : EVF_CSV;
}

/* Optional one-line form text of at most max characters (NULL when empty). */
static int form_text(Req *r, const char *field, int max, const char **out) {
    const char *v = req_form(r, field);
    *out = NULL;
    if (!v || !*v) return 0;
    return req_check_text(r, field, v, 1, max, false, out);
}

/* 422 naming the file, with the reader's line and column (as the API's). */
static int parse_refused(Req *r, const EvError *err) {
    const char *msg;
    if (err->line > 0)
        msg = i18n_fmt(r->arena, r->locale, "eventlogs.error.parse_at", 3,
                       (const char *[]){arena_printf(r->arena, "%ld", err->line),
                                        arena_printf(r->arena, "%ld", err->column), err->message});
    else msg = i18n_fmt(r->arena, r->locale, "eventlogs.error.parse", 1, (const char *[]){err->message});
    return req_fail(r, 422, "file", msg);
}

/* Reads the form, imports the file: 0 with *id of the new log, or req_fail(). */
static int upload_import(Req *r, int64_t *id) {
    const char *name, *format = req_form(r, "format"), *data, *file_name;
    size_t len;
    EvCsvColumns cols = {0};
    int64_t team_id;
    if (format && *format && strcmp(format, "auto") != 0 && strcmp(format, "xes") != 0 && strcmp(format, "csv") != 0)
        return req_fail(r, 422, "format", "eventlogs.error.format");
    if (form_text(r, "name", 200, &name) != 0 || form_text(r, "case", 200, &cols.case_col) != 0 ||
        form_text(r, "activity", 200, &cols.activity_col) != 0 ||
        form_text(r, "timestamp", 200, &cols.timestamp_col) != 0 ||
        form_text(r, "resource", 200, &cols.resource_col) != 0 ||
        form_text(r, "lifecycle", 200, &cols.lifecycle_col) != 0 ||
        form_text(r, "start_timestamp", 200, &cols.start_timestamp_col) != 0 || eventlogs_scope_new(r, &team_id) != 0)
        return -1;
    if (!req_file(r, "file", &data, &len, &file_name) || len == 0)
        return req_fail(r, 422, "file", "eventlogs.error.no_file");
    if (!*file_name) file_name = NULL;
    else if (req_check_text(r, "file", file_name, 1, 255, false, &file_name) != 0) return -1;
    EvFormat fmt = upload_format(format, file_name, data, len);
    EventLog *log = evlog_new();
    if (!log) return req_fail(r, 503, NULL, "error.internal");
    EvError err = {0};
    if (evlog_read_mem(log, data, len, fmt, &cols, &err) != 0) {
        evlog_free(log);
        return parse_refused(r, &err);
    }
    EventlogsImport in = {name        ? name
                          : file_name ? file_name
                                      : T(r, "eventlogs.default_name"),
                          team_id, file_name, fmt == EVF_XES ? "xes" : "csv"};
    EventLogInfo info;
    int rc = eventlogs_store(r, log, &in, &info);
    evlog_free(log);
    if (rc != 0) return -1;
    *id = info.id;
    return 0;
}

static int eventlogs_page_upload(Req *r) {
    int64_t id;
    if (upload_import(r, &id) == 0) return res_redirect(r, arena_printf(r->arena, "/eventlogs/%lld", (long long)id));
    /* A refusal about the form (a field named) shows the form again with it;
     * others (503) get the error page. */
    if (!req_error_count(r) || !req_errors(r)[0].field || req_status(r) >= 500) return -1;
    return list_page(r, 0, req_status(r));
}

/* ---------- the analysis page ---------- */

/* The current query without view/paths, for links that change only those. */
static const char *filter_query(Req *r) {
    static const char *const keys[] = {"from",     "to",       "variant",   "resource", "attr_key", "attr_value",
                                       "calendar", "weekdays", "day_start", "day_end",  "holidays"};
    Buf b = {0};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = req_query(r, keys[i]);
        if (v && *v) buf_printf(&b, "&%s=%s", keys[i], url_encode(r, v));
    }
    char *s = arena_strdup(r->arena, b.len ? buf_cstr(&b) : "");
    buf_free(&b);
    return s;
}

static void filter_form(Req *r, int64_t id, bool perf) {
    const char *q[6];
    static const char *const names[] = {"from", "to", "resource", "variant", "attr_key", "attr_value"};
    for (int i = 0; i < 6; i++) {
        q[i] = req_query(r, names[i]);
        if (!q[i]) q[i] = "";
    }
    html_printf(r,
                "<form class=\"filters card analysis-filters\" method=\"get\" action=\"/eventlogs/%lld\">"
                "<input type=\"hidden\" name=\"view\" value=\"%s\">",
                (long long)id, perf ? "perf" : "freq");
    for (int i = 0; i < 6; i++) {
        const char *type = i < 2 ? "date" : "text";
        html_printf(r,
                    "<div class=\"stack\"><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" type=\"%s\""
                    " value=\"%s\"></div>",
                    names[i], T(r, arena_printf(r->arena, "eventlogs.filter.%s", names[i])), names[i], names[i], type,
                    q[i]);
    }
    const char *cal = req_query(r, "calendar");
    const char *wd = req_query(r, "weekdays"), *ds = req_query(r, "day_start"), *de = req_query(r, "day_end"),
               *hol = req_query(r, "holidays");
    html_printf(r,
                "<details class=\"calendar-opts\"%s><summary>%s</summary>"
                "<label class=\"check\"><input type=\"checkbox\" name=\"calendar\" value=\"1\"%s> %s</label>"
                "<div class=\"stack\"><label for=\"f-weekdays\">%s</label><input id=\"f-weekdays\" name=\"weekdays\""
                " value=\"%s\" placeholder=\"1-5\"></div>"
                "<div class=\"stack\"><label for=\"f-day_start\">%s</label><input id=\"f-day_start\" name=\"day_start\""
                " type=\"time\" value=\"%s\"></div>"
                "<div class=\"stack\"><label for=\"f-day_end\">%s</label><input id=\"f-day_end\" name=\"day_end\""
                " type=\"time\" value=\"%s\"></div>"
                "<div class=\"stack\"><label for=\"f-holidays\">%s</label><input id=\"f-holidays\" name=\"holidays\""
                " value=\"%s\" placeholder=\"2024-10-01,2024-10-02\"></div></details>",
                cal && strcmp(cal, "1") == 0 ? " open" : "", T(r, "eventlogs.calendar"),
                cal && strcmp(cal, "1") == 0 ? " checked" : "", T(r, "eventlogs.calendar_on"),
                T(r, "eventlogs.filter.weekdays"), wd ? wd : "", T(r, "eventlogs.filter.day_start"), ds ? ds : "09:00",
                T(r, "eventlogs.filter.day_end"), de ? de : "18:00", T(r, "eventlogs.filter.holidays"), hol ? hol : "");
    html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "form.filter"));
}

static void summary(Req *r, const Analysis *an) {
    struct {
        const char *key, *value;
    } facts[] = {
        {"eventlogs.cases", html_int(r, an->n_cases)},
        {"eventlogs.events", html_int(r, an->n_events)},
        {"eventlogs.instances", html_int(r, an->n_instances)},
        {"eventlogs.activities", html_int(r, an->n_activities)},
        {"eventlogs.resources", html_int(r, an->n_resources)},
        {"eventlogs.variants", html_int(r, an->n_variants_total)},
        {"eventlogs.duration_median", dur(r, an->case_duration.median)},
        {"eventlogs.duration_mean", dur(r, an->case_duration.mean)},
        {"eventlogs.duration_p90", dur(r, an->case_duration.p90)},
        {"eventlogs.rework_share", pct(r, an->rework_share)},
    };
    html_printf(r, "<section class=\"card\" aria-labelledby=\"sum-h\"><h2 id=\"sum-h\">%s</h2><dl class=\"kpi-grid\">",
                T(r, "eventlogs.summary"));
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        html_printf(r, "<div><dt>%s</dt><dd>%s</dd></div>", T(r, facts[i].key), facts[i].value);
    html_raw(r, "</dl>");
    if (an->n_cases != an->n_cases_total)
        html_printf(r, "<p class=\"hint\">%s</p>",
                    i18n_fmt(r->arena, r->locale, "eventlogs.filtered", 2,
                             (const char *[]){html_int(r, an->n_cases), html_int(r, an->n_cases_total)}));
    if (an->calendar) html_printf(r, "<p class=\"hint\">%s</p>", T(r, "eventlogs.calendar_note"));
    html_raw(r, "</section>");
}

static void map_section(Req *r, int64_t id, const Analysis *an, bool perf) {
    const char *fq = filter_query(r);
    const char *paths = req_query(r, "paths");
    /* without ?paths= the map shows the 40 most frequent edges: the slider
     * says which share that is (rounded up to its step of 5) */
    int paths_pct = paths && *paths    ? atoi(paths)
                    : an->n_edges > 40 ? ((4000 + an->n_edges - 1) / an->n_edges + 4) / 5 * 5
                                       : 100;
    if (paths_pct < 1 || paths_pct > 100) paths_pct = 100;
    html_printf(
        r,
        "<section class=\"card map-card\" aria-labelledby=\"map-h\"><div class=\"page-head\"><h2 id=\"map-h\">%s"
        "</h2><nav class=\"segmented\" aria-label=\"%s\">"
        "<a href=\"/eventlogs/%lld?view=freq&amp;paths=%d%s\" aria-current=\"%s\">%s</a>"
        "<a href=\"/eventlogs/%lld?view=perf&amp;paths=%d%s\" aria-current=\"%s\">%s</a></nav></div>",
        T(r, "eventlogs.map"), T(r, "eventlogs.map_view"), (long long)id, paths_pct, fq, perf ? "false" : "page",
        T(r, "eventlogs.view.freq"), (long long)id, paths_pct, fq, perf ? "page" : "false",
        T(r, "eventlogs.view.perf"));
    html_printf(r,
                "<form class=\"inline-form paths-form\" method=\"get\" action=\"/eventlogs/%lld\">"
                "<input type=\"hidden\" name=\"view\" value=\"%s\">",
                (long long)id, perf ? "perf" : "freq");
    static const char *const keep[] = {"from",     "to",       "variant",   "resource", "attr_key", "attr_value",
                                       "calendar", "weekdays", "day_start", "day_end",  "holidays"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = req_query(r, keep[i]);
        if (v && *v) html_printf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", keep[i], v);
    }
    html_printf(r,
                "<label for=\"paths\">%s</label><input id=\"paths\" name=\"paths\" type=\"range\" min=\"5\" max=\"100\""
                " step=\"5\" value=\"%d\" data-autosubmit=\"1\"><output for=\"paths\">%d%%</output>"
                "<button type=\"submit\">%s</button></form>",
                T(r, "eventlogs.paths"), paths_pct, paths_pct, T(r, "eventlogs.apply"));
    if (perf)
        html_printf(r,
                    "<p class=\"map-legend\"><span class=\"lg lg-w0\"></span>%s <span class=\"lg lg-w4\"></span>%s"
                    " · %s</p>",
                    T(r, "eventlogs.legend.short"), T(r, "eventlogs.legend.long"), T(r, "eventlogs.legend.thickness"));
    else html_printf(r, "<p class=\"map-legend\">%s</p>", T(r, "eventlogs.legend.thickness"));
    html_raw(r, "<div class=\"map-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"map-h\">");
    eventlogs_render_map(r, an, perf);
    html_raw(r, "</div></section>");
}

/* A variant as text, activities joined by " → ". For the filter link the
 * whole sequence, or NULL when it is longer than the variant parameter takes
 * (2,000 characters); for display at most 30 activities, each name clipped to
 * 80 bytes, then "… (+N)": a hostile log's variants stay a table row. */
enum { VARIANT_SHOWN_ACTS = 30, VARIANT_NAME_BYTES = 80, VARIANT_PARAM_MAX = 2000 };

static const char *variant_param(Req *r, const Analysis *an, const AnlVariant *v) {
    size_t len = 0;
    for (int i = 0; i < v->n_activities; i++) {
        len += (i ? 5 : 0) + strlen(an->log->activities.strs[v->activities[i]]);
        if (len > VARIANT_PARAM_MAX) return NULL;
    }
    Buf b = {0};
    for (int i = 0; i < v->n_activities; i++) {
        if (i) buf_puts(&b, " → ");
        buf_puts(&b, an->log->activities.strs[v->activities[i]]);
    }
    char *s = arena_strdup(r->arena, b.len ? buf_cstr(&b) : "");
    buf_free(&b);
    return s;
}

static const char *variant_text(Req *r, const Analysis *an, const AnlVariant *v) {
    Buf b = {0};
    int n = v->n_activities < VARIANT_SHOWN_ACTS ? v->n_activities : VARIANT_SHOWN_ACTS;
    for (int i = 0; i < n; i++) {
        if (i) buf_puts(&b, " → ");
        const char *name = an->log->activities.strs[v->activities[i]];
        size_t len = strlen(name);
        if (len <= VARIANT_NAME_BYTES) {
            buf_append(&b, name, len);
            continue;
        }
        size_t cut = VARIANT_NAME_BYTES;
        while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--; /* whole characters */
        buf_append(&b, name, cut);
        buf_puts(&b, "…");
    }
    if (v->n_activities > n) buf_printf(&b, " → … (+%d)", v->n_activities - n);
    char *s = arena_strdup(r->arena, b.len ? buf_cstr(&b) : "");
    buf_free(&b);
    return s;
}

static void variants_section(Req *r, int64_t id, const Analysis *an, bool perf) {
    html_printf(r, "<section class=\"card\" aria-labelledby=\"var-h\"><h2 id=\"var-h\">%s</h2>",
                T(r, "eventlogs.variants"));
    html_printf(
        r,
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"var-h\"><table class=\"list\""
        " id=\"variants\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">%s</th><th scope=\"col\""
        " class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
        "</tr></thead><tbody>",
        T(r, "eventlogs.sequence"), T(r, "eventlogs.cases"), T(r, "eventlogs.share"),
        T(r, "eventlogs.duration_median"));
    int n = an->n_variants < 20 ? an->n_variants : 20;
    for (int i = 0; i < n; i++) {
        const AnlVariant *v = &an->variants[i];
        const char *seq = variant_text(r, an, v), *param = variant_param(r, an, v);
        html_printf(r, "<tr><td>%d</td><td class=\"variant-seq\">", i + 1);
        if (param && *param)
            html_printf(r, "<a href=\"/eventlogs/%lld?view=%s&amp;variant=%s\">%s</a>", (long long)id,
                        perf ? "perf" : "freq", url_encode(r, param), seq);
        else html_printf(r, "%s", *seq ? seq : "—");
        html_printf(r, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
                    html_int(r, v->cases), pct(r, v->share), dur(r, v->duration.median));
    }
    html_raw(r, "</tbody></table></div>");
    if (an->n_variants_total > n)
        html_printf(r, "<p class=\"hint\">%s</p>",
                    i18n_fmt(r->arena, r->locale, "eventlogs.variants_more", 2,
                             (const char *[]){html_int(r, n), html_int(r, an->n_variants_total)}));
    html_raw(r, "</section>");
}

/* An activity name for a table cell: at most 200 bytes (whole characters)
 * and "…" — a 10,000-character name from an uploaded file stays one line. */
static const char *clip_name(Req *r, const char *name) {
    size_t len = strlen(name), cut = 200;
    if (len <= cut) return name;
    while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--;
    return arena_printf(r->arena, "%.*s…", (int)cut, name);
}

static const char *act_name(Req *r, const Analysis *an, uint32_t a) {
    return clip_name(r, an->log->activities.strs[a]);
}

static void bottlenecks_section(Req *r, const Analysis *an) {
    html_printf(
        r,
        "<section class=\"card\" aria-labelledby=\"bn-h\"><h2 id=\"bn-h\">%s</h2><p class=\"hint\">%s</p>"
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"bn-h\"><table class=\"list\""
        " id=\"bottlenecks\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
        "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
        "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th></tr></thead><tbody>",
        T(r, "eventlogs.bottlenecks"), T(r, "eventlogs.bottlenecks_hint"), T(r, "eventlogs.transition"),
        T(r, "eventlogs.count"), T(r, "eventlogs.wait_mean"), T(r, "eventlogs.wait_p90"), T(r, "eventlogs.wait_total"),
        T(r, "eventlogs.share_case_time"));
    int n = an->n_bottleneck_edges < 10 ? an->n_bottleneck_edges : 10;
    for (int i = 0; i < n; i++) {
        const AnlEdge *e = &an->edges[an->bottleneck_edges_by_total[i]];
        html_printf(r,
                    "<tr><th scope=\"row\">%s → %s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                    "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
                    act_name(r, an, e->from), act_name(r, an, e->to), html_int(r, e->count), dur(r, e->waiting.mean),
                    dur(r, e->waiting.p90), dur(r, e->waiting_total_ms), pct(r, e->share_of_case_time));
    }
    if (!n) html_printf(r, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", T(r, "eventlogs.no_edges"));
    html_raw(r, "</tbody></table></div>");
    /* merge candidates and rework */
    bool any = false;
    for (int i = 0; i < an->n_edges; i++) {
        const AnlEdge *e = &an->edges[i];
        if (!e->merge_candidate) continue;
        if (!any) html_printf(r, "<h3>%s</h3><ul class=\"plain\">", T(r, "eventlogs.merge_candidates"));
        any = true;
        html_printf(r, "<li>%s → %s (%s)</li>", act_name(r, an, e->from), act_name(r, an, e->to),
                    html_int(r, e->count));
    }
    if (any) html_raw(r, "</ul>");
    html_printf(r, "<h3>%s</h3><p>%s</p>", T(r, "eventlogs.rework"),
                i18n_fmt(r->arena, r->locale, "eventlogs.rework_text", 3,
                         (const char *[]){html_int(r, an->rework_cases), pct(r, an->rework_share),
                                          html_int(r, an->loop_cases)}));
    html_raw(r, "</section>");
}

static void conformance_section(Req *r, const Analysis *an) {
    if (!an->has_model) return;
    html_printf(r,
                "<section class=\"card\" aria-labelledby=\"conf-h\" id=\"conformance\"><h2 id=\"conf-h\">%s</h2>"
                "<p class=\"big-figure\">%s <strong>%s</strong></p>",
                T(r, "eventlogs.conformance"), T(r, "eventlogs.fitness"), pct(r, an->fitness));
    if (an->n_deviations) {
        html_printf(r, "<h3>%s</h3><ul class=\"plain\">", T(r, "eventlogs.deviations"));
        for (int i = 0; i < an->n_deviations && i < 15; i++) {
            const AnlDeviation *d = &an->deviations[i];
            const char *what = d->from ? arena_printf(r->arena, "%s → %s", d->from, d->to) : d->to;
            html_printf(r, "<li>%s: %s (%s)</li>", T(r, arena_printf(r->arena, "eventlogs.dev.%d", (int)d->kind)),
                        what ? what : "", html_int(r, d->cases));
        }
        html_raw(r, "</ul>");
    }
    html_printf(
        r,
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"conf-h\"><table class=\"list\">"
        "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th><th scope=\"col\""
        " class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
        "<th scope=\"col\">%s</th></tr></thead><tbody>",
        T(r, "eventlogs.step"), T(r, "eventlogs.runs"), T(r, "eventlogs.skips"), T(r, "eventlogs.standard"),
        T(r, "eventlogs.actual"), T(r, "eventlogs.notes"));
    for (int i = 0; i < an->n_steps; i++) {
        const AnlStepCheck *s = &an->steps[i];
        const PmStep *ps = &an->model->steps[s->step];
        Buf notes = {0};
        if (s->breaks_time_standard) buf_printf(&notes, "%s ", T(r, "eventlogs.breaks_standard"));
        if (s->mostly_skipped) buf_printf(&notes, "%s ", T(r, "eventlogs.mostly_skipped"));
        if (s->order_free) buf_printf(&notes, "%s", T(r, "eventlogs.order_free"));
        html_printf(r,
                    "<tr class=\"%s\"><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                    "<td class=\"num\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>",
                    s->breaks_time_standard ? "late" : "", ps->name, html_int(r, s->runs), html_int(r, s->skips),
                    ps->time_standard_ms ? dur(r, (double)ps->time_standard_ms) : "—", dur(r, s->quantile_ms),
                    notes.len ? buf_cstr(&notes) : "");
        buf_free(&notes);
    }
    html_raw(r, "</tbody></table></div></section>");
}

static void activities_section(Req *r, const Analysis *an) {
    html_printf(r,
                "<section class=\"card\" aria-labelledby=\"act-h\"><h2 id=\"act-h\">%s</h2><p class=\"hint\">%s</p>"
                "<div class=\"hist-grid\">",
                T(r, "eventlogs.service_times"), T(r, "eventlogs.service_hint"));
    int shown = 0;
    for (int i = 0; i < an->n_activities_out && shown < 24; i++) {
        const AnlActivity *a = &an->activities[i];
        if (a->service.count == 0) continue;
        shown++;
        html_printf(r,
                    "<figure class=\"hist\"><figcaption><strong>%s</strong> <span class=\"muted\">%s %s · p90 %s</span>"
                    "</figcaption>",
                    clip_name(r, a->name), T(r, "eventlogs.median"), dur(r, a->service.median), dur(r, a->service.p90));
        eventlogs_render_histogram(r, a);
        html_raw(r, "</figure>");
    }
    html_raw(r, "</div>");
    if (!shown) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "eventlogs.no_service"));
    html_raw(r, "</section>");
}

static int eventlogs_page_show(Req *r) {
    int64_t id;
    EventLogInfo info;
    AnlOptions opt;
    int64_t paths; /* read again by the map; checked here so that a bad value is a 400 naming it */
    if (req_path_id(r, "id", &id) != 0 || eventlogs_get(r, id, &info) != 0 ||
        req_query_int(r, "paths", 1, 100, 100, &paths) != 0)
        return -1;
    const char *view = req_query(r, "view");
    bool perf = view && strcmp(view, "perf") == 0;
    int bad = eventlogs_read_options(r, &opt);
    if (opt.max_variants == 0) opt.max_variants = 20; /* the page lists 20; the total is still counted */
    EventLog *log = NULL;
    Analysis *an = NULL;
    if (bad == 0 && eventlogs_analyze(r, &info, &opt, &log, &an) != 0) {
        evlog_free(log);
        if (req_status(r) >= 500 || req_status(r) == 404) return -1;
        log = NULL;
        bad = -1;
    }
    page_begin(r, info.name, "nav.eventlogs");
    html_printf(r,
                "<p class=\"crumbs\"><a href=\"/eventlogs\">%s</a></p><div class=\"page-head\"><h1>%s</h1>"
                "<nav class=\"actions no-print\" aria-label=\"%s\"><a href=\"/api/v1/eventlogs/%lld/export.xes\">%s</a>"
                " <a href=\"/api/v1/eventlogs/%lld/export.csv\">%s</a></nav></div>",
                T(r, "eventlogs.title"), info.name, T(r, "eventlogs.export"), (long long)id,
                T(r, "eventlogs.export_xes"), (long long)id, T(r, "eventlogs.export_csv"));
    html_printf(r, "<p class=\"muted\">%s · %s · %s %s</p>", info.team_name,
                T(r, arena_printf(r->arena, "eventlogs.source.%s", info.source)), T(r, "eventlogs.imported_at"),
                html_time(r, info.created_at, true));
    filter_form(r, id, perf);
    if (bad != 0) {
        const FieldError *e = req_errors(r);
        html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s: %s</div>", e && e->field ? e->field : "",
                    e ? e->message : "");
    } else {
        summary(r, an);
        map_section(r, id, an, perf);
        variants_section(r, id, an, perf);
        bottlenecks_section(r, an);
        conformance_section(r, an);
        activities_section(r, an);
    }
    if (r->who->role == ROLE_SUPERVISOR || r->who->role == ROLE_ADMIN)
        if (web_can_manage_team(r, info.team_id)) {
            html_printf(r, "<form class=\"no-print danger-zone\" method=\"post\" action=\"/eventlogs/%lld/delete\">",
                        (long long)id);
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"version\" value=\"%lld\"><button class=\"danger\""
                        " type=\"submit\" hx-confirm=\"%s\">%s</button></form>",
                        (long long)info.version, T(r, "eventlogs.delete_confirm"), T(r, "eventlogs.delete"));
        }
    page_end(r);
    evlog_free(log);
    return res_html_send(r, bad != 0 ? 400 : 200);
}

static int eventlogs_page_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (eventlogs_delete(r, id, version) != 0) return -1;
    return res_redirect(r, "/eventlogs");
}

static const Route eventlogs_page_routes[] = {
    {"GET", "/eventlogs", eventlogs_page_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/eventlogs", eventlogs_page_upload, ACCESS_WRITER | ACC_SCOPE_READ, eventlogs_scope_new,
     EVENTLOGS_PAGE_MAX_UPLOAD, false},
    {"GET", "/eventlogs/{id}", eventlogs_page_show, ACCESS_TEAM_READ, eventlogs_scope_log, 0, false},
    {"POST", "/eventlogs/{id}/delete", eventlogs_page_delete, ACCESS_TEAM_MANAGE, eventlogs_scope_log, 0, false},
};
ROUTE_TABLE(eventlogs_page, eventlogs_page_routes);
