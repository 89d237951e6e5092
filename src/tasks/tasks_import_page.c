/* tasks_import_page.c — the CSV import page under /tasks: pick a CSV file or
 * paste the CSV, choose "all or nothing" or "import the valid rows", and get
 * the per-row error report as a table. A multipart/form-data form, so the file
 * goes up without script (with script, app.js reads the chosen file into the
 * text field for review instead); the import itself is tasks_import()
 * (tasks_import.c), the same as the API's. */
#include <string.h>

#include "../base/i18n.h"
#include "../base/utf8.h"
#include "../web/web_html.h"
#include "tasks.h"

enum { IMPORT_BODY_MAX = 4 << 20 }; /* as POST /api/v1/tasks/import */

static void report_table(Req *r, const TaskImport *res) {
    if (!res->n_errors) return;
    html_printf(r,
                "<div class=\"table-wrap\"><table class=\"list import-errors\"><caption>%s</caption><thead><tr>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "tasks.import.report"), T(r, "tasks.import.line"), T(r, "tasks.import.field"),
                T(r, "tasks.import.message"));
    for (int i = 0; i < res->n_errors; i++)
        html_printf(r, "<tr><td>%d</td><td>%s</td><td>%s</td></tr>", res->errors[i].line,
                    res->errors[i].field ? res->errors[i].field : "—", res->errors[i].message);
    html_raw(r, "</tbody></table></div>");
}

/* The page; res: the outcome of a post (NULL on GET); rc as tasks_import's;
 * text: what the text field shows after a refusal (the chosen file's text, so
 * that it can be fixed or retried), NULL for the field as posted. */
static int import_page(Req *r, const TaskImport *res, int rc, int status, const char *text) {
    page_begin(r, T(r, "tasks.import.title"), "nav.tasks");
    html_printf(r,
                "<div class=\"page-head\"><h1>%s</h1><nav class=\"actions\" aria-label=\"%s\"><a href=\"/tasks\">%s</a>"
                " <a href=\"/api/v1/tasks/export.csv\" download>%s</a></nav></div>",
                T(r, "tasks.import.title"), T(r, "tasks.views"), T(r, "tasks.title"), T(r, "tasks.import.template"));
    html_raw(r, "<div id=\"flash\">");
    const char *args[] = {arena_printf(r->arena, "%d", res ? res->imported : 0),
                          arena_printf(r->arena, "%d", res ? res->n_rows : 0),
                          arena_printf(r->arena, "%d", res ? res->n_errors : 0)};
    if (res && rc == 0)
        html_printf(r, "<div class=\"flash flash-ok\" role=\"status\">%s</div>",
                    i18n_fmt(r->arena, r->locale, "tasks.import.done", 3, args));
    else if (res && rc == 1)
        html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s</div>",
                    i18n_fmt(r->arena, r->locale, "tasks.import.refused", 3, args));
    else if (rc < 0 && req_error_count(r)) /* unreadable CSV or header: one error naming the line */
        html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s%s%s</div>",
                    req_errors(r)[0].field ? req_errors(r)[0].field : "", req_errors(r)[0].field ? ": " : "",
                    req_errors(r)[0].message);
    html_raw(r, "</div>");
    if (res) report_table(r, res);
    html_raw(r, "<form method=\"post\" action=\"/tasks/import\" enctype=\"multipart/form-data\""
                " class=\"card stack import-form\">");
    html_csrf_field(r);
    html_printf(r, "<p class=\"hint\">%s</p>", T(r, "tasks.import.hint"));
    html_printf(r,
                "<div class=\"import-file\"><label for=\"import-file\">%s</label><input id=\"import-file\" "
                "name=\"file\" type=\"file\" accept=\".csv,text/csv\" data-import-into=\"import-csv\"></div>",
                T(r, "tasks.import.file"));
    html_field_error(r, "file");
    /* After a committed import the field is emptied (a second post would import twice). */
    const char *csv = rc == 0 && res ? "" : text ? text : req_form(r, "csv");
    html_printf(r,
                "<label for=\"import-csv\">%s</label><textarea id=\"import-csv\" name=\"csv\" rows=\"12\" "
                "spellcheck=\"false\">%s</textarea>",
                T(r, "tasks.import.csv"), csv ? csv : "");
    html_field_error(r, "csv");
    const char *mode = req_form(r, "mode");
    html_printf(
        r,
        "<fieldset><legend>%s</legend><label class=\"check\"><input type=\"radio\" name=\"mode\" value=\"all\"%s>"
        " %s</label><label class=\"check\"><input type=\"radio\" name=\"mode\" value=\"valid\"%s> %s</label>"
        "</fieldset>",
        T(r, "tasks.import.mode"), mode && strcmp(mode, "valid") == 0 ? "" : " checked", T(r, "tasks.import.mode_all"),
        mode && strcmp(mode, "valid") == 0 ? " checked" : "", T(r, "tasks.import.mode_valid"));
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "tasks.import.submit"));
    page_end(r);
    return res_html_send(r, status);
}

static int tasks_page_import_form(Req *r) { return import_page(r, NULL, 0, 200, NULL); }

static int tasks_page_import(Req *r) {
    const char *csv = req_form(r, "csv"), *mode = req_form(r, "mode");
    if (mode && *mode && strcmp(mode, "all") != 0 && strcmp(mode, "valid") != 0) {
        req_error(r, "mode", "tasks.error.import_mode");
        return import_page(r, NULL, -1, 422, NULL);
    }
    /* A chosen file wins over the text field (with script the file is read
     * into the text field and not sent). */
    size_t len = csv ? strlen(csv) : 0;
    const char *file, *text = NULL;
    size_t file_len;
    if (req_file(r, "file", &file, &file_len, NULL)) {
        csv = file, len = file_len;
        if (utf8_valid(file, file_len) && !memchr(file, 0, file_len)) text = arena_strndup(r->arena, file, file_len);
    }
    if (!csv || !len) {
        req_error(r, "csv", "tasks.import.missing");
        return import_page(r, NULL, 1, 422, NULL);
    }
    TaskImport res;
    int rc = tasks_import(r, csv, len, mode && strcmp(mode, "valid") == 0, &res);
    if (rc < 0) {
        if (!req_error_count(r) || !req_errors(r)[0].field) return -1; /* 503: the error page */
        return import_page(r, NULL, -1, 422, text);
    }
    return import_page(r, &res, rc, rc == 1 ? 422 : 200, text);
}

static const Route tasks_import_routes[] = {
    {"GET", "/tasks/import", tasks_page_import_form, ACCESS_WRITER, NULL, 0, false},
    {"POST", "/tasks/import", tasks_page_import, ACCESS_WRITER, NULL, IMPORT_BODY_MAX, false},
};
ROUTE_TABLE(tasks_import, tasks_import_routes);
