/* runs_page.c — HTML pages of process runs: the list with filters and the
 * "start a run" form (/runs), one run with its steps in order, who did what
 * and when, each step's duration against its time standard, checklist ticks
 * (htmx: the step is swapped in place) and the start/complete/skip buttons
 * (/runs/{id}); and an SOP's process analysis and conformance view
 * (/sops/{id}/analysis). Every value goes through html_printf, which escapes
 * it; no inline script or style (CSP). */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../eventlogs/eventlogs.h"
#include "../web/web_html.h"
#include "runs.h"

static const char *const RUN_STATUSES[] = {"open", "done", "cancelled"};

static const char *run_status_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "runs.status.%s", s)); }
static const char *step_status_label(Req *r, const char *s) {
    return T(r, arena_printf(r->arena, "runs.step_status.%s", s));
}
static bool is_writer(Req *r) { return r->who->role != ROLE_VIEWER; }
static int error_status(Req *r) { return req_status(r) ? req_status(r) : 422; }

static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++) html_printf(r, "<li>%s</li>", e[i].message);
    html_raw(r, "</ul></div>");
}

/* ======================= /runs ======================= */

static void sop_options(Req *r, Sop *sops, int n, int64_t selected) {
    for (int i = 0; i < n; i++) {
        if (sops[i].id == selected)
            html_printf(r, "<option value=\"%lld\" selected>%s</option>", (long long)sops[i].id, sops[i].title);
        else html_printf(r, "<option value=\"%lld\">%s</option>", (long long)sops[i].id, sops[i].title);
    }
}

static void list_page(Req *r) {
    RunFilter f = {.scope_path = web_read_scope(r), .limit = 200};
    const char *status = req_query(r, "status");
    if (!status) status = "open"; /* the desk shows what is in flight */
    else if (!*status || strcmp(status, "all") == 0) status = NULL;
    if (status && !runs_status_valid(status)) status = NULL;
    f.status = status;
    int64_t sop_id = 0;
    if (req_query_int(r, "sop_id", 1, INT64_MAX, 0, &sop_id) == 0) f.sop_id = sop_id;
    Sop *sops = NULL, *active = NULL;
    int n_sops = 0, n_active = 0;
    SopFilter sf = {.scope_path = web_read_scope(r), .limit = 500};
    if (sops_list(r, &sf, &sops, &n_sops) != 0) n_sops = 0;
    active = arena_alloc(r->arena, sizeof *active * (size_t)(n_sops + 1));
    for (int i = 0; i < n_sops; i++)
        if (strcmp(sops[i].status, "active") == 0 && sops[i].published_version_id) active[n_active++] = sops[i];

    page_begin(r, T(r, "runs.title"), "nav.runs");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", T(r, "runs.title"));
    flash_errors(r);
    if (is_writer(r)) {
        html_printf(r, "<section class=\"card run-start\"><h2>%s</h2>", T(r, "runs.start_title"));
        if (!n_active) html_printf(r, "<p class=\"muted\">%s</p>", T(r, "runs.no_active_sops"));
        else {
            html_raw(r, "<form method=\"post\" action=\"/runs\" class=\"grid form-grid\">");
            html_csrf_field(r);
            const char *ref = req_form(r, "reference");
            const char *sel = req_form(r, "sop_id");
            int64_t chosen = sel ? strtoll(sel, NULL, 10) : sop_id;
            html_printf(r, "<div><label for=\"f-sop\">%s</label><select id=\"f-sop\" name=\"sop_id\" required>",
                        T(r, "runs.field.sop_id"));
            sop_options(r, active, n_active, chosen);
            html_raw(r, "</select>");
            html_field_error(r, "sop_id");
            html_printf(r,
                        "</div><div><label for=\"f-ref\">%s</label><input id=\"f-ref\" name=\"reference\" required "
                        "maxlength=\"100\" value=\"%s\" placeholder=\"%s\" aria-describedby=\"f-ref-hint\">",
                        T(r, "runs.field.reference"), ref ? ref : "", T(r, "runs.reference_placeholder"));
            html_field_error(r, "reference");
            html_printf(r,
                        "<p class=\"hint\" id=\"f-ref-hint\">%s</p></div><div class=\"actions\"><button "
                        "class=\"primary\" type=\"submit\">%s</button></div></form>",
                        T(r, "runs.reference_hint"), T(r, "runs.start"));
        }
        html_raw(r, "</section>");
    }
    html_raw(r, "<form class=\"filters card\" method=\"get\" action=\"/runs\">");
    html_printf(r, "<div class=\"stack\"><label for=\"q-sop\">%s</label><select id=\"q-sop\" name=\"sop_id\">",
                T(r, "runs.field.sop_id"));
    html_printf(r, "<option value=\"\">%s</option>", T(r, "runs.any_sop"));
    sop_options(r, sops, n_sops, sop_id);
    html_printf(r,
                "</select></div><div class=\"stack\"><label for=\"q-status\">%s</label><select id=\"q-status\" "
                "name=\"status\">",
                T(r, "runs.field.status"));
    if (!status) html_printf(r, "<option value=\"all\" selected>%s</option>", T(r, "runs.any_status"));
    else html_printf(r, "<option value=\"all\">%s</option>", T(r, "runs.any_status"));
    for (int i = 0; i < 3; i++) {
        if (status && strcmp(status, RUN_STATUSES[i]) == 0)
            html_printf(r, "<option value=\"%s\" selected>%s</option>", RUN_STATUSES[i],
                        run_status_label(r, RUN_STATUSES[i]));
        else html_printf(r, "<option value=\"%s\">%s</option>", RUN_STATUSES[i], run_status_label(r, RUN_STATUSES[i]));
    }
    html_printf(r, "</select></div><button type=\"submit\">%s</button></form>", T(r, "form.filter"));

    Run *rows;
    int n = 0;
    if (runs_list(r, &f, &rows, &n) != 0) n = 0;
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", status ? run_status_label(r, status) : T(r, "runs.all"));
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "runs.empty"));
    else {
        html_printf(r,
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list "
                    "runs-list\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                    T(r, "runs.title"), T(r, "runs.field.reference"), T(r, "runs.field.sop_id"),
                    T(r, "runs.field.status"), T(r, "runs.progress"), T(r, "runs.current_step"), T(r, "runs.started"));
        for (int i = 0; i < n; i++) {
            const Run *run = &rows[i];
            html_printf(r, "<tr><td><a href=\"/runs/%lld\">%s</a></td><td><a href=\"/sops/%lld\">%s</a> ",
                        (long long)run->id, run->reference, (long long)run->sop_id, run->sop_title);
            html_printf(r, "<span class=\"muted\">v%d</span></td>", run->version_number);
            html_printf(r, "<td><span class=\"status run-status-%s\">%s</span></td>", run->status,
                        run_status_label(r, run->status));
            html_printf(r, "<td><progress max=\"%lld\" value=\"%lld\" aria-label=\"%s\"></progress> %lld/%lld</td>",
                        (long long)run->n_steps, (long long)run->n_finished, T(r, "runs.progress"),
                        (long long)run->n_finished, (long long)run->n_steps);
            html_printf(r, "<td>%s</td>", run->current_step ? run->current_step : "—");
            html_printf(r, "<td>%s <time>%s</time></td></tr>", run->started_by_name,
                        html_time(r, run->started_at, true));
        }
        html_raw(r, "</tbody></table></div>");
    }
    html_raw(r, "</section>");
    page_end(r);
}

static int runs_page_list(Req *r) {
    list_page(r);
    return res_html_send(r, 200);
}

static int runs_page_create(Req *r) {
    const char *sop = req_form(r, "sop_id"), *reference;
    char *end = NULL;
    int64_t sop_id = sop && *sop ? strtoll(sop, &end, 10) : 0;
    if (sop_id <= 0 || (end && *end)) req_error(r, "sop_id", "error.required");
    req_check_text(r, "reference", req_form(r, "reference"), 1, 100, true, &reference);
    Run run;
    if (!req_error_count(r) && runs_start(r, sop_id, reference, &run) == 0)
        return res_redirect(r, arena_printf(r->arena, "/runs/%lld", (long long)run.id));
    list_page(r);
    return res_html_send(r, error_status(r));
}

/* ======================= /runs/{id} ======================= */

static void step_times(Req *r, const RunStep *s, int64_t now) {
    if (s->started_at)
        html_printf(r, "<li>%s <time>%s</time> · %s</li>", T(r, "runs.started"), html_time(r, s->started_at, true),
                    s->started_by_name);
    if (s->completed_at && strcmp(s->status, "done") == 0)
        html_printf(r, "<li>%s <time>%s</time> · %s</li>", T(r, "runs.completed"), html_time(r, s->completed_at, true),
                    s->completed_by_name);
    if (strcmp(s->status, "skipped") == 0)
        html_printf(r, "<li>%s <time>%s</time> · %s — %s</li>", T(r, "runs.skipped"),
                    html_time(r, s->completed_at, true), s->completed_by_name, s->skip_reason ? s->skip_reason : "");
    int64_t d = runs_step_duration_ms(s, now);
    const char *state = runs_step_standard_state(s, now);
    if (d >= 0 || (s->def && s->def->time_standard_s > 0)) {
        html_printf(r, "<li class=\"std std-%s\">", state);
        if (d >= 0) html_printf(r, "%s %s", T(r, "runs.duration"), runs_fmt_duration(r, d));
        if (s->def && s->def->time_standard_s > 0)
            html_printf(r, " <span class=\"muted\">%s%s %s</span>", d >= 0 ? "/ " : "", T(r, "runs.standard"),
                        runs_fmt_duration(r, s->def->time_standard_s * 1000));
        if (strcmp(state, "over") == 0) html_printf(r, " <strong>%s</strong>", T(r, "runs.over_standard"));
        else if (strcmp(state, "within") == 0) html_printf(r, " <span>%s</span>", T(r, "runs.within_standard"));
        html_raw(r, "</li>");
    }
}

static void step_form_open(Req *r, const Run *run, const RunStep *s, const char *action) {
    html_printf(r, "<form method=\"post\" action=\"/runs/%lld/steps/%lld/%s\" class=\"inline-form step-action\">",
                (long long)run->id, (long long)s->step_id, action);
    html_csrf_field(r);
    html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)s->version);
}

static void step_checklist(Req *r, const Run *run, const RunStep *s, bool can_tick) {
    if (!s->def || !s->def->n_checklist) return;
    html_printf(r, "<ul class=\"run-checklist\" aria-label=\"%s\">", T(r, "runs.checklist"));
    for (int i = 0; i < s->def->n_checklist; i++) {
        bool on = s->checked[i];
        if (can_tick) {
            html_printf(r,
                        "<li><form method=\"post\" action=\"/runs/%lld/steps/%lld/checks/%d\" "
                        "hx-post=\"/runs/%lld/steps/%lld/checks/%d\" hx-target=\"#step-%lld\" hx-swap=\"outerHTML\">",
                        (long long)run->id, (long long)s->step_id, i + 1, (long long)run->id, (long long)s->step_id,
                        i + 1, (long long)s->step_id);
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"checked\" value=\"%d\"><button type=\"submit\" class=\"tick\" "
                        "aria-pressed=\"%s\"><span aria-hidden=\"true\">%s</span> %s</button></form></li>",
                        on ? 0 : 1, on ? "true" : "false", on ? "☑" : "☐", s->def->checklist[i]);
        } else {
            html_printf(
                r, "<li class=\"%s\"><span aria-hidden=\"true\">%s</span> %s<span class=\"sr-only\"> (%s)</span></li>",
                on ? "ticked" : "", on ? "☑" : "☐", s->def->checklist[i],
                on ? T(r, "runs.ticked") : T(r, "runs.unticked"));
        }
    }
    html_raw(r, "</ul>");
}

/* One step as an <li> (also the htmx fragment after a tick). */
static void step_item(Req *r, const Run *run, const RunStep *s, int64_t now) {
    const SopStep *d = s->def;
    bool open = strcmp(run->status, "open") == 0 && is_writer(r);
    html_printf(r, "<li class=\"run-step step-%s\" id=\"step-%lld\">", s->status, (long long)s->step_id);
    html_printf(r, "<div class=\"run-step-head\"><span class=\"step-no\" aria-hidden=\"true\">%d</span><h3>%s</h3>",
                s->position, d ? d->name : "?");
    /* A conditional step passed over reads "not applicable", not "pending". */
    const char *shown = s->bypassed ? "bypassed" : s->status;
    html_printf(r, "<span class=\"status step-status-%s\">%s</span></div>", shown, step_status_label(r, shown));
    html_raw(r, "<ul class=\"run-step-facts\">");
    if (d && d->parallel_group)
        html_printf(r, "<li class=\"badge\">%s</li>",
                    i18n_fmt(r->arena, r->locale, "runs.parallel_group", 1,
                             (const char *[]){arena_printf(r->arena, "%d", d->parallel_group)}));
    if (d && d->conditional) html_printf(r, "<li class=\"badge\">%s %s</li>", T(r, "runs.conditional"), d->condition);
    if (d && (d->owner_name && *d->owner_name))
        html_printf(r, "<li>%s %s</li>", T(r, "runs.responsible"), d->owner_name);
    else if (d && d->role && *d->role) html_printf(r, "<li>%s %s</li>", T(r, "runs.responsible"), d->role);
    step_times(r, s, now);
    html_raw(r, "</ul>");
    if (d && d->quality && *d->quality)
        html_printf(r, "<p class=\"muted\">%s %s</p>", T(r, "runs.quality"), d->quality);
    step_checklist(r, run, s, open && strcmp(s->status, "in_progress") == 0);
    if (open && strcmp(s->status, "pending") == 0) {
        if (s->startable) {
            html_raw(r, "<div class=\"actions\">");
            step_form_open(r, run, s, "start");
            html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "runs.step_start"));
            html_printf(r, "<details class=\"step-skip\"><summary>%s</summary>", T(r, "runs.step_skip"));
            step_form_open(r, run, s, "skip");
            html_printf(r,
                        "<label for=\"skip-%lld\">%s</label><input id=\"skip-%lld\" name=\"reason\" required "
                        "maxlength=\"500\"><button type=\"submit\">%s</button></form></details></div>",
                        (long long)s->step_id, T(r, "runs.skip_reason"), (long long)s->step_id,
                        T(r, "runs.step_skip_confirm"));
        } else if (!s->bypassed) {
            html_printf(r, "<p class=\"muted\">%s</p>", T(r, "runs.waiting"));
        }
    }
    if (s->bypassed) html_printf(r, "<p class=\"muted\">%s</p>", T(r, "runs.bypassed"));
    if (open && strcmp(s->status, "in_progress") == 0) {
        html_raw(r, "<div class=\"actions\">");
        step_form_open(r, run, s, "complete");
        html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></div>",
                    T(r, "runs.step_complete"));
    }
    html_raw(r, "</li>");
}

static void run_page(Req *r, const Run *run) {
    int64_t now = time_now_ms();
    page_begin(r, arena_printf(r->arena, "%s · %s", run->reference, run->sop_title), "nav.runs");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/runs\">%s</a> / #%lld</p>", T(r, "runs.title"), (long long)run->id);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1><span class=\"status run-status-%s\">%s</span></div>",
                run->reference, run->status, run_status_label(r, run->status));
    flash_errors(r);
    html_raw(r, "<section class=\"card\"><dl class=\"facts\">");
    html_printf(r, "<dt>%s</dt><dd><a href=\"/sops/%lld\">%s</a> <span class=\"muted\">v%d</span></dd>",
                T(r, "runs.field.sop_id"), (long long)run->sop_id, run->sop_title, run->version_number);
    html_printf(r, "<dt>%s</dt><dd>%s · <time>%s</time></dd>", T(r, "runs.started"), run->started_by_name,
                html_time(r, run->started_at, true));
    if (run->finished_at)
        html_printf(r, "<dt>%s</dt><dd><time>%s</time> (%s)</dd>", T(r, "runs.finished"),
                    html_time(r, run->finished_at, true), runs_fmt_duration(r, run->finished_at - run->started_at));
    html_printf(r, "<dt>%s</dt><dd><progress max=\"%lld\" value=\"%lld\" aria-label=\"%s\"></progress> %lld/%lld</dd>",
                T(r, "runs.progress"), (long long)run->n_steps, (long long)run->n_finished, T(r, "runs.progress"),
                (long long)run->n_finished, (long long)run->n_steps);
    if (run->current_step) html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "runs.current_step"), run->current_step);
    html_raw(r, "</dl>");
    html_printf(r, "<p class=\"actions\"><a href=\"/sops/%lld/analysis\">%s</a></p></section>", (long long)run->sop_id,
                T(r, "runs.analysis_link"));
    html_printf(r, "<section class=\"card\"><h2>%s</h2><ol class=\"run-steps\">", T(r, "runs.steps"));
    for (int i = 0; i < run->n_run_steps; i++) step_item(r, run, &run->steps[i], now);
    html_raw(r, "</ol></section>");
    if (strcmp(run->status, "open") == 0 && is_writer(r)) {
        html_printf(r, "<details class=\"card\"><summary>%s</summary>", T(r, "runs.cancel"));
        html_printf(r, "<form method=\"post\" action=\"/runs/%lld/cancel\" class=\"inline-form\">", (long long)run->id);
        html_csrf_field(r);
        html_printf(r,
                    "<input type=\"hidden\" name=\"version\" value=\"%lld\"><p class=\"muted\">%s</p><button "
                    "class=\"danger\" type=\"submit\">%s</button></form></details>",
                    (long long)run->version, T(r, "runs.cancel_hint"), T(r, "runs.cancel_confirm"));
    }
    page_end(r);
}

static int load_run(Req *r, int64_t id, Run *run) {
    int rc = runs_get(r, id, run);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

static int runs_page_show(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Run run;
    if (load_run(r, id, &run) != 0) return -1;
    run_page(r, &run);
    return res_html_send(r, 200);
}

/* After a refused action: the run again with the message (htmx callers get
 * the router's error fragment instead). */
static int show_again(Req *r, int64_t id) {
    if (r->is_htmx) return -1;
    int status = error_status(r);
    Run run;
    if (runs_get(r, id, &run) != 0) return -1;
    run_page(r, &run);
    return res_html_send(r, status);
}

static int page_step_action(Req *r, RunAction act) {
    int64_t id, step_id, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "step_id", &step_id) != 0) return -1;
    if (req_if_match(r, &version) != 0) return show_again(r, id);
    const char *reason = NULL;
    if (act == RUN_STEP_SKIP && req_check_text(r, "reason", req_form(r, "reason"), 1, 500, true, &reason) != 0)
        return show_again(r, id);
    Run run;
    if (runs_step_act(r, id, step_id, act, version, reason, &run) != 0) return show_again(r, id);
    return res_redirect(r, arena_printf(r->arena, "/runs/%lld#step-%lld", (long long)id, (long long)step_id));
}

static int runs_page_step_start(Req *r) { return page_step_action(r, RUN_STEP_START); }
static int runs_page_step_complete(Req *r) { return page_step_action(r, RUN_STEP_COMPLETE); }
static int runs_page_step_skip(Req *r) { return page_step_action(r, RUN_STEP_SKIP); }

static int runs_page_check(Req *r) {
    int64_t id, step_id, item;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "step_id", &step_id) != 0 ||
        req_path_id(r, "item", &item) != 0)
        return -1;
    if (item > 10000) return req_fail(r, 404, NULL, "error.not_found");
    const char *v = req_form(r, "checked");
    Run run;
    if (runs_step_check(r, id, step_id, (int)item, v && strcmp(v, "1") == 0, &run) != 0) return show_again(r, id);
    if (!r->is_htmx)
        return res_redirect(r, arena_printf(r->arena, "/runs/%lld#step-%lld", (long long)id, (long long)step_id));
    for (int i = 0; i < run.n_run_steps; i++)
        if (run.steps[i].step_id == step_id) step_item(r, &run, &run.steps[i], time_now_ms());
    return res_html_send(r, 200);
}

static int runs_page_cancel(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0) return -1;
    if (req_if_match(r, &version) != 0) return show_again(r, id);
    Run run;
    if (runs_cancel(r, id, version, &run) != 0) return show_again(r, id);
    return res_redirect(r, arena_printf(r->arena, "/runs/%lld", (long long)id));
}

/* ======================= /sops/{id}/analysis ======================= */

static const char *pct(Req *r, double share) { return arena_printf(r->arena, "%.1f%%", share * 100.0); }
/* Durations of the analysis: sub-minute ones in seconds with a decimal
 * (quick steps would all read 0:00:00), longer ones as h:mm:ss. */
static const char *secs(Req *r, double ms) {
    if (ms < 60000) return arena_printf(r->arena, "%.1f s", ms / 1000.0);
    return runs_fmt_duration(r, (int64_t)(ms + 0.5));
}
static const char *activity_name(const Analysis *an, uint32_t a) {
    return a < an->log->activities.n ? an->log->activities.strs[a] : "?";
}

static void deviations_table(Req *r, const Analysis *an) {
    html_printf(r, "<h3>%s</h3>", T(r, "runs.an.deviations"));
    if (!an->n_deviations) {
        html_printf(r, "<p class=\"muted\">%s</p>", T(r, "runs.an.no_deviations"));
        return;
    }
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list\">"
                "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
                "<tbody>",
                T(r, "runs.an.deviations"), T(r, "runs.an.kind"), T(r, "runs.an.where"), T(r, "runs.an.cases"));
    static const char *const KINDS[] = {"not_allowed", "missing", "unknown", "skipped"};
    for (int i = 0; i < an->n_deviations && i < 20; i++) {
        const AnlDeviation *d = &an->deviations[i];
        const char *kind = d->kind <= ANL_DEV_SKIPPED ? KINDS[d->kind] : "unknown";
        html_printf(r, "<tr><td>%s</td><td>", T(r, arena_printf(r->arena, "runs.dev.%s", kind)));
        if (d->from) html_printf(r, "%s → %s", d->from, d->to ? d->to : "");
        else html_printf(r, "%s", d->to ? d->to : "");
        html_printf(r, "</td><td>%lld</td></tr>", (long long)d->cases);
    }
    html_raw(r, "</tbody></table></div>");
}

static void fitness_table(Req *r, const Analysis *an, Run *runs, int n_runs) {
    html_printf(r, "<h3>%s</h3>", T(r, "runs.an.fitness_per_run"));
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list\">"
                "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>"
                "<tbody>",
                T(r, "runs.an.fitness_per_run"), T(r, "runs.field.reference"), T(r, "runs.an.fitness"),
                T(r, "runs.an.deviation_count"));
    for (int i = 0; i < an->n_case_fits && i < 200; i++) {
        const AnlCaseFit *c = &an->case_fits[i];
        const char *ref = c->case_no < an->log->cases.n ? an->log->cases.strs[c->case_no] : "?";
        int64_t run_id = 0;
        for (int j = 0; j < n_runs && !run_id; j++)
            if (strcmp(runs[j].reference, ref) == 0) run_id = runs[j].id;
        if (run_id) html_printf(r, "<tr><td><a href=\"/runs/%lld\">%s</a></td>", (long long)run_id, ref);
        else html_printf(r, "<tr><td>%s</td>", ref);
        html_printf(r, "<td class=\"%s\">%s</td><td>%d</td></tr>", c->fitness < 1.0 ? "fit-low" : "fit-ok",
                    pct(r, c->fitness), c->deviations);
    }
    html_raw(r, "</tbody></table></div>");
}

static void steps_table(Req *r, const Analysis *an) {
    html_printf(r, "<h3>%s</h3>", T(r, "runs.an.steps"));
    /* The comparison first (standard, duration at its share, findings), the
     * counts last: on a phone the table scrolls sideways and the first
     * columns are what a supervisor came for. */
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list "
                "conformance\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">p50</th><th scope=\"col\">p90</th><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "runs.an.steps"), T(r, "runs.an.step"), T(r, "runs.standard"), T(r, "runs.an.at_share"),
                T(r, "runs.an.flags"), T(r, "runs.an.runs"), T(r, "runs.an.skips"), T(r, "runs.an.skip_share"));
    for (int i = 0; i < an->n_steps; i++) {
        const AnlStepCheck *c = &an->steps[i];
        const PmStep *m = an->model && c->step >= 0 && c->step < an->model->n_steps ? &an->model->steps[c->step] : NULL;
        html_printf(r, "<tr class=\"%s\"><td>%s</td>", c->breaks_time_standard ? "late" : "", m ? m->name : "?");
        if (m && m->time_standard_ms > 0)
            html_printf(r, "<td>%s <span class=\"muted\">(%s)</span></td><td class=\"%s\">%s</td>",
                        secs(r, (double)m->time_standard_ms), pct(r, m->time_share),
                        c->breaks_time_standard ? "std-over" : "std-within",
                        c->service.count ? secs(r, c->quantile_ms) : "—");
        else html_raw(r, "<td>—</td><td>—</td>");
        html_raw(r, "<td><ul class=\"flags\">");
        if (c->breaks_time_standard) html_printf(r, "<li class=\"flag flag-over\">%s</li>", T(r, "runs.an.breaks"));
        if (c->mostly_skipped) html_printf(r, "<li class=\"flag\">%s</li>", T(r, "runs.an.mostly_skipped"));
        if (c->order_free) html_printf(r, "<li class=\"flag\">%s</li>", T(r, "runs.an.order_free"));
        html_raw(r, "</ul></td>");
        if (c->service.count)
            html_printf(r, "<td>%s</td><td>%s</td>", secs(r, c->service.median), secs(r, c->service.p90));
        else html_raw(r, "<td>—</td><td>—</td>");
        html_printf(r, "<td>%lld</td><td>%lld</td><td>%s</td></tr>", (long long)c->runs, (long long)c->skips,
                    pct(r, c->skip_share));
    }
    html_raw(r, "</tbody></table></div>");
    bool any = false;
    for (int i = 0; i < an->n_edges; i++) {
        const AnlEdge *e = &an->edges[i];
        if (!e->merge_candidate) continue;
        if (!any)
            html_printf(r, "<h3>%s</h3><p class=\"muted\">%s</p><ul>", T(r, "runs.an.merge"),
                        T(r, "runs.an.merge_hint"));
        any = true;
        html_printf(r, "<li>%s → %s <span class=\"muted\">(%lld)</span></li>", activity_name(an, e->from),
                    activity_name(an, e->to), (long long)e->count);
    }
    if (any) html_raw(r, "</ul>");
}

static int runs_page_sop_analysis(Req *r) {
    int64_t sop_id, log_id, paths; /* paths: read again by eventlogs_render_map; a bad value is a 400 naming it */
    if (req_path_id(r, "id", &sop_id) != 0 || req_query_int(r, "paths", 1, 100, 100, &paths) != 0) return -1;
    Sop sop;
    int rc = sops_get(r, sop_id, &sop);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    const char *view = req_query(r, "view"), *which = req_query(r, "runs");
    bool performance = view && strcmp(view, "performance") == 0;
    bool all = which && strcmp(which, "all") == 0; /* default: finished runs */
    EventLog *log;
    Analysis *an;
    if (runs_sop_analysis(r, sop_id, !all, &log, &an, &log_id) != 0) return -1;
    page_begin(r, i18n_fmt(r->arena, r->locale, "runs.an.title", 1, (const char *[]){sop.title}), "nav.runs");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a> / <a href=\"/sops/%lld\">%s</a></p>", T(r, "nav.sops"),
                (long long)sop_id, sop.title);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1><nav class=\"actions\" aria-label=\"%s\">",
                i18n_fmt(r->arena, r->locale, "runs.an.title", 1, (const char *[]){sop.title}), T(r, "runs.an.links"));
    html_printf(r, "<a href=\"/runs?sop_id=%lld&amp;status=all\">%s</a>", (long long)sop_id, T(r, "runs.an.runs_link"));
    if (log_id) html_printf(r, " <a href=\"/eventlogs/%lld\">%s</a>", (long long)log_id, T(r, "runs.an.log_link"));
    html_raw(r, "</nav></div>");
    const char *perf_q = performance ? "&view=performance" : "", *all_q = all ? "&runs=all" : "";
    html_printf(r, "<nav class=\"segmented\" aria-label=\"%s\">", T(r, "runs.an.which"));
    html_printf(r, "<a href=\"/sops/%lld/analysis?runs=done%s\" aria-current=\"%s\">%s</a>", (long long)sop_id, perf_q,
                all ? "false" : "page", T(r, "runs.an.which_done"));
    html_printf(r, "<a href=\"/sops/%lld/analysis?runs=all%s\" aria-current=\"%s\">%s</a></nav>", (long long)sop_id,
                perf_q, all ? "page" : "false", T(r, "runs.an.which_all"));
    if (!an || !an->n_cases) {
        if (log) evlog_free(log);
        html_printf(r, "<section class=\"card\"><p class=\"empty\">%s</p></section>",
                    T(r, an ? "runs.an.no_finished" : "runs.an.no_runs"));
        page_end(r);
        return res_html_send(r, 200);
    }
    /* Figures */
    html_raw(r, "<div class=\"grid cards run-figures\">");
    html_printf(r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p></section>", T(r, "runs.an.cases"),
                html_int(r, an->n_cases));
    if (an->has_model)
        html_printf(r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p></section>",
                    T(r, "runs.an.fitness"), pct(r, an->fitness));
    html_printf(r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p></section>",
                T(r, "runs.an.median_duration"), an->case_duration.count ? secs(r, an->case_duration.median) : "—");
    html_printf(r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p></section></div>",
                T(r, "runs.an.variants"), html_int(r, an->n_variants_total));
    /* Process map */
    html_printf(r, "<section class=\"card\"><div class=\"page-head\"><h2 id=\"map-h\">%s</h2>", T(r, "runs.an.map"));
    html_printf(r, "<nav class=\"segmented\" aria-label=\"%s\">", T(r, "runs.an.map_view"));
    html_printf(r, "<a href=\"/sops/%lld/analysis?view=frequency%s\" aria-current=\"%s\">%s</a>", (long long)sop_id,
                all_q, performance ? "false" : "page", T(r, "runs.an.frequency"));
    html_printf(r, "<a href=\"/sops/%lld/analysis?view=performance%s\" aria-current=\"%s\">%s</a></nav></div>",
                (long long)sop_id, all_q, performance ? "page" : "false", T(r, "runs.an.performance"));
    html_raw(r, "<div class=\"map-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"map-h\">");
    eventlogs_render_map(r, an, performance);
    html_raw(r, "</div></section>");
    /* Conformance */
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "runs.an.conformance"));
    if (!an->has_model) html_printf(r, "<p class=\"muted\">%s</p>", T(r, "runs.an.no_model"));
    else {
        html_printf(r, "<p>%s</p>",
                    i18n_fmt(r->arena, r->locale, "runs.an.fitness_summary", 2,
                             (const char *[]){pct(r, an->fitness), html_int(r, an->n_case_fits)}));
        Run *runs;
        int n_runs = 0;
        RunFilter f = {.scope_path = web_read_scope(r), .sop_id = sop_id, .limit = 1000};
        if (runs_list(r, &f, &runs, &n_runs) != 0) n_runs = 0;
        fitness_table(r, an, runs, n_runs);
        deviations_table(r, an);
        steps_table(r, an);
    }
    html_raw(r, "</section>");
    /* Histograms */
    html_printf(r, "<section class=\"card\"><h2>%s</h2><div class=\"hist-grid\">", T(r, "runs.an.histograms"));
    for (int i = 0; i < an->n_activities_out; i++) {
        const AnlActivity *a = &an->activities[i];
        if (!a->service.count) continue;
        html_printf(r,
                    "<figure class=\"hist\"><figcaption><strong>%s</strong> <span class=\"muted\">%s %s · p90 %s · "
                    "n=%lld</span></figcaption>",
                    a->name, T(r, "runs.an.median"), secs(r, a->service.median), secs(r, a->service.p90),
                    (long long)a->service.count);
        eventlogs_render_histogram(r, a);
        html_raw(r, "</figure>");
    }
    html_raw(r, "</div></section>");
    page_end(r);
    evlog_free(log);
    return res_html_send(r, 200);
}

static const Route runs_page_routes[] = {
    {"GET", "/runs", runs_page_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/runs", runs_page_create, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_new, 0, false},
    {"GET", "/runs/{id}", runs_page_show, ACCESS_TEAM_READ, runs_scope_run, 0, false},
    {"POST", "/runs/{id}/cancel", runs_page_cancel, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_run, 0, false},
    {"POST", "/runs/{id}/steps/{step_id}/start", runs_page_step_start, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_run,
     0, false},
    {"POST", "/runs/{id}/steps/{step_id}/complete", runs_page_step_complete, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"POST", "/runs/{id}/steps/{step_id}/skip", runs_page_step_skip, ACCESS_WRITER | ACC_SCOPE_READ, runs_scope_run, 0,
     false},
    {"POST", "/runs/{id}/steps/{step_id}/checks/{item}", runs_page_check, ACCESS_WRITER | ACC_SCOPE_READ,
     runs_scope_run, 0, false},
    {"GET", "/sops/{id}/analysis", runs_page_sop_analysis, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
};
ROUTE_TABLE(runs_page, runs_page_routes);
