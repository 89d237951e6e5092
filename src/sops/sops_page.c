/* sops_page.c — HTML pages of SOPs: the list with filters and review-due
 * markers, an SOP (its version's steps with every standard, Markdown
 * instructions, the flowchart, suggestions with votes, version history), a
 * version, the diff of two versions, the printable operation manual, and the
 * small actions (publish, retire/reactivate, mark reviewed, suggest, vote,
 * set a suggestion's status). The forms live in sops_form.c. Every value is
 * written through html_printf, which escapes it. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../web/web_html.h"
#include "sops.h"

static const char *status_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "sops.status.%s", s)); }
static const char *vstatus_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "sops.vstatus.%s", s)); }
static const char *sstatus_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "sops.sstatus.%s", s)); }
static const char *num(Req *r, int64_t v) { return arena_printf(r->arena, "%lld", (long long)v); }

static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++) html_printf(r, "<li>%s</li>", e[i].message);
    html_raw(r, "</ul></div>");
}

/* "45 min", "2 h", "1 d 4 h" or "—". */
static const char *duration(Req *r, int64_t s) {
    if (s <= 0) return "—";
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    Buf b = {0};
    if (d) buf_printf(&b, "%lld %s ", (long long)d, T(r, "sops.unit.d"));
    if (h) buf_printf(&b, "%lld %s ", (long long)h, T(r, "sops.unit.h"));
    if (m) buf_printf(&b, "%lld %s ", (long long)m, T(r, "sops.unit.min"));
    if (!d && !h && !m) buf_printf(&b, "%lld %s ", (long long)s, T(r, "sops.unit.s"));
    const char *out = arena_strndup(r->arena, buf_cstr(&b), b.len ? b.len - 1 : 0);
    buf_free(&b);
    return out;
}

static void status_badge(Req *r, const char *status) {
    html_printf(r, "<span class=\"status sop-status-%s\">%s</span>", status, status_label(r, status));
}

/* ---------- list ---------- */

static int sops_page_list(Req *r) {
    SopFilter f = {.scope_path = web_read_scope(r), .limit = 200};
    const char *status = req_query(r, "status"), *q = req_query(r, "q"), *due = req_query(r, "review_due");
    if (status && sops_status_valid(status)) f.status = status;
    else status = NULL;
    if (q && *q && req_check_text(r, "q", q, 1, 200, false, &f.q) != 0) f.q = NULL;
    f.review_due = due && strcmp(due, "1") == 0;
    page_begin(r, T(r, "sops.title"), "nav.sops");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", T(r, "sops.title"));
    if (r->who->role == ROLE_ADMIN || r->who->role == ROLE_SUPERVISOR)
        html_printf(r, "<a class=\"button primary\" href=\"/sops/new\">%s</a>", T(r, "sops.new"));
    html_raw(r, "</div>");
    html_printf(r,
                "<form class=\"filters card\" method=\"get\" action=\"/sops\"><div class=\"stack\"><label "
                "for=\"q-q\">%s</label><input id=\"q-q\" name=\"q\" type=\"search\" value=\"%s\"></div>",
                T(r, "sops.search"), f.q ? f.q : "");
    html_printf(r, "<div class=\"stack\"><label for=\"q-status\">%s</label><select id=\"q-status\" name=\"status\">",
                T(r, "sops.field.status"));
    html_printf(r, "<option value=\"\">%s</option>", T(r, "sops.any"));
    static const char *const statuses[] = {"draft", "active", "retired"};
    for (int i = 0; i < 3; i++)
        html_printf(r, "<option value=\"%s\"%s>%s</option>", statuses[i],
                    status && strcmp(status, statuses[i]) == 0 ? " selected" : "", status_label(r, statuses[i]));
    html_printf(r,
                "</select></div><label class=\"check\"><input type=\"checkbox\" name=\"review_due\" value=\"1\"%s> "
                "%s</label><button type=\"submit\">%s</button></form>",
                f.review_due ? " checked" : "", T(r, "sops.review_due_only"), T(r, "form.filter"));
    Sop *rows;
    int n = 0;
    if (sops_list(r, &f, &rows, &n) != 0) n = 0;
    int64_t now = time_now_ms();
    html_raw(r, "<section class=\"card\">");
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "sops.empty"));
    else {
        html_printf(r,
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list "
                    "sops-list\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                    T(r, "sops.title"), T(r, "sops.field.title"), T(r, "sops.field.status"),
                    T(r, "sops.field.owner_id"), T(r, "sops.field.team_id"), T(r, "sops.version"),
                    T(r, "sops.field.next_review_at"));
        for (int i = 0; i < n; i++) {
            const Sop *s = &rows[i];
            html_printf(r, "<tr><td><a href=\"/sops/%lld\">%s</a>", (long long)s->id, s->title);
            if (s->open_suggestions)
                html_printf(r, " <span class=\"badge\" title=\"%s\">💡 %lld</span>", T(r, "sops.open_suggestions"),
                            (long long)s->open_suggestions);
            html_raw(r, "</td><td>");
            status_badge(r, s->status);
            if (s->has_draft && s->published_number)
                html_printf(r, " <span class=\"badge\">%s</span>", T(r, "sops.draft_pending"));
            html_printf(r, "</td><td>%s</td><td>%s</td><td>v%d</td><td>", s->owner_name, s->team_name,
                        s->published_number ? s->published_number : s->current_number);
            if (sops_review_due(s, now))
                html_printf(r, "<span class=\"overdue sop-review-due\">%s · %s</span>",
                            html_time(r, s->next_review_at, false), T(r, "sops.review_due"));
            else if (s->next_review_at) html_printf(r, "%s", html_time(r, s->next_review_at, false));
            else html_raw(r, "<span class=\"muted\">—</span>");
            html_raw(r, "</td></tr>");
        }
        html_raw(r, "</tbody></table></div>");
    }
    html_raw(r, "</section>");
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- the steps of a version ---------- */

static void checklist(Req *r, const SopStep *p) {
    if (!p->n_checklist) return;
    html_raw(r, "<ul class=\"sop-checklist\">");
    for (int i = 0; i < p->n_checklist; i++) html_printf(r, "<li>%s</li>", p->checklist[i]);
    html_raw(r, "</ul>");
}

static void step_badges(Req *r, const SopStep *p) {
    if (p->parallel_group)
        html_printf(r, " <span class=\"badge\">%s</span>",
                    i18n_fmt(r->arena, r->locale, "sops.parallel_n", 1, (const char *[]){num(r, p->parallel_group)}));
    if (p->conditional)
        html_printf(r, " <span class=\"badge badge-cond\">%s</span>",
                    i18n_fmt(r->arena, r->locale, "sops.flow.only_when", 1, (const char *[]){p->condition}));
}

static const char *who(const SopStep *p) {
    if (*p->role && p->owner_name && *p->owner_name) return p->role;
    return *p->role ? p->role : (p->owner_name && *p->owner_name ? p->owner_name : "—");
}

static void steps_table(Req *r, const SopVersion *v) {
    if (!v->n_steps) {
        html_printf(r, "<p class=\"empty\">%s</p>", T(r, "sops.no_steps"));
        return;
    }
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list "
                "sop-steps\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "sops.steps"), T(r, "sops.field.step_name"), T(r, "sops.field.role"), T(r, "sops.field.resources"),
                T(r, "sops.field.time_standard"), T(r, "sops.field.quality"));
    for (int i = 0; i < v->n_steps; i++) {
        const SopStep *p = &v->steps[i];
        html_printf(r, "<tr id=\"step-%d\"><td>%d</td><td><strong>%s</strong>", p->position, p->position, p->name);
        step_badges(r, p);
        /* data-label: the column's name, shown before the value when a
         * phone stacks each row into a card (app.css). */
        html_printf(r, "</td><td data-label=\"%s\">%s", T(r, "sops.field.role"), who(p));
        if (*p->role && p->owner_name && *p->owner_name)
            html_printf(r, "<br><span class=\"muted\">%s</span>", p->owner_name);
        html_printf(r, "</td><td class=\"pre-line\" data-label=\"%s\">%s</td><td data-label=\"%s\">%s",
                    T(r, "sops.field.resources"), *p->resources ? p->resources : "—", T(r, "sops.field.time_standard"),
                    duration(r, p->time_standard_s));
        if (p->time_standard_s)
            html_printf(
                r, "<br><span class=\"muted\">%s</span>",
                i18n_fmt(r->arena, r->locale, "sops.share_of_runs", 1, (const char *[]){num(r, p->time_share_pct)}));
        html_printf(r, "</td><td data-label=\"%s\"><span class=\"pre-line\">%s</span>", T(r, "sops.field.quality"),
                    *p->quality ? p->quality : "—");
        checklist(r, p);
        html_raw(r, "</td></tr>");
    }
    html_raw(r, "</tbody></table></div>");
    bool any = false;
    for (int i = 0; i < v->n_steps; i++) any |= *v->steps[i].instructions_md != 0;
    if (!any) return;
    html_printf(r, "<h3>%s</h3>", T(r, "sops.instructions"));
    for (int i = 0; i < v->n_steps; i++) {
        const SopStep *p = &v->steps[i];
        if (!*p->instructions_md) continue;
        html_printf(r, "<details class=\"sop-instructions\"><summary>%d. %s</summary><div class=\"markdown\">",
                    p->position, p->name);
        html_markdown(r, p->instructions_md);
        html_raw(r, "</div></details>");
    }
}

static void flowchart(Req *r, const SopVersion *v) {
    /* The wrapper scrolls a wide chart on a phone: focusable, so the keyboard scrolls it too. */
    html_printf(r,
                "<section class=\"card sop-flow-card\"><h2 id=\"flow-h\">%s</h2><div class=\"sop-flow-wrap\" "
                "tabindex=\"0\" role=\"region\" aria-labelledby=\"flow-h\">",
                T(r, "sops.flowchart"));
    sops_flow_svg(r, v);
    html_raw(r, "</div></section>");
}

/* ---------- an SOP ---------- */

static void facts(Req *r, const Sop *s, const SopVersion *v) {
    int64_t now = time_now_ms();
    html_raw(r, "<dl class=\"facts\">");
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.field.owner_id"), s->owner_name);
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.field.team_id"), s->team_name);
    html_printf(r, "<dt>%s</dt><dd>v%d · %s", T(r, "sops.version"), v->number, vstatus_label(r, v->status));
    if (v->published_at) html_printf(r, " · %s", html_time(r, v->published_at, false));
    html_raw(r, "</dd>");
    html_printf(r, "<dt>%s</dt><dd>", T(r, "sops.field.review_every_days"));
    if (s->review_every_days)
        html_printf(
            r, "%s",
            i18n_fmt(r->arena, r->locale, "sops.every_days", 1, (const char *[]){num(r, s->review_every_days)}));
    else html_printf(r, "%s", T(r, "sops.no_cycle"));
    html_raw(r, "</dd>");
    if (s->next_review_at) {
        html_printf(r, "<dt>%s</dt><dd>", T(r, "sops.field.next_review_at"));
        if (sops_review_due(s, now))
            html_printf(r, "<span class=\"overdue\">%s · %s</span>", html_time(r, s->next_review_at, false),
                        T(r, "sops.review_due"));
        else html_printf(r, "%s", html_time(r, s->next_review_at, false));
        html_raw(r, "</dd>");
    }
    if (s->last_reviewed_at)
        html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.field.last_reviewed_at"),
                    html_time(r, s->last_reviewed_at, false));
    html_raw(r, "</dl>");
}

static void suggestions(Req *r, const Sop *s, const SopVersion *v) {
    SopSuggestion *rows;
    int n = 0;
    if (sops_suggestions(r, s->id, &rows, &n) != 0) n = 0;
    bool steward = sops_may_steward(r, s), writer = r->who->role != ROLE_VIEWER;
    html_printf(r, "<section class=\"card\" id=\"suggestions\"><h2>%s</h2>", T(r, "sops.suggestions"));
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "sops.no_suggestions"));
    else html_raw(r, "<ul class=\"sop-suggestions\">");
    static const char *const statuses[] = {"open", "accepted", "rejected", "done"};
    for (int i = 0; i < n; i++) {
        const SopSuggestion *g = &rows[i];
        html_printf(r, "<li class=\"sop-suggestion\"><div class=\"sop-suggestion-text\"><p class=\"pre-line\">%s</p>",
                    g->text);
        html_printf(r, "<p class=\"muted\">%s · %s", g->author_name, html_time(r, g->created_at, false));
        if (*g->step_name)
            html_printf(r, " · %s", i18n_fmt(r->arena, r->locale, "sops.on_step", 1, (const char *[]){g->step_name}));
        html_printf(r, " · <span class=\"status sop-sstatus-%s\">%s</span></p></div>", g->status,
                    sstatus_label(r, g->status));
        html_raw(r, "<div class=\"sop-suggestion-actions\">");
        if (writer) {
            html_printf(r, "<form method=\"post\" action=\"/sops/%lld/suggestions/%lld/vote\">", (long long)s->id,
                        (long long)g->id);
            html_csrf_field(r);
            html_printf(
                r,
                "<button type=\"submit\" class=\"vote%s\" aria-pressed=\"%s\" aria-label=\"%s\">▲ %lld</button></form>",
                g->voted ? " voted" : "", g->voted ? "true" : "false",
                i18n_fmt(r->arena, r->locale, "sops.vote_label", 1, (const char *[]){num(r, g->votes)}),
                (long long)g->votes);
        } else {
            html_printf(r, "<span class=\"badge\">▲ %lld</span>", (long long)g->votes);
        }
        if (steward) {
            html_printf(r, "<form method=\"post\" action=\"/sops/%lld/suggestions/%lld/status\" class=\"inline\">",
                        (long long)s->id, (long long)g->id);
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"version\" value=\"%lld\"><label class=\"sr-only\" "
                        "for=\"sg-%lld\">%s</label><select id=\"sg-%lld\" name=\"status\">",
                        (long long)g->version, (long long)g->id, T(r, "sops.field.status"), (long long)g->id);
            for (int k = 0; k < 4; k++)
                html_printf(r, "<option value=\"%s\"%s>%s</option>", statuses[k],
                            strcmp(g->status, statuses[k]) == 0 ? " selected" : "", sstatus_label(r, statuses[k]));
            html_printf(r, "</select><button type=\"submit\" class=\"small\">%s</button></form>", T(r, "form.save"));
        }
        html_raw(r, "</div></li>");
    }
    if (n) html_raw(r, "</ul>");
    if (writer) {
        html_printf(r, "<form method=\"post\" action=\"/sops/%lld/suggestions\" class=\"stack sop-suggest-form\">",
                    (long long)s->id);
        html_csrf_field(r);
        html_printf(r,
                    "<label for=\"sg-text\">%s</label><textarea id=\"sg-text\" name=\"text\" rows=\"3\" required "
                    "maxlength=\"2000\"></textarea>",
                    T(r, "sops.suggest_label"));
        html_field_error(r, "text");
        html_printf(
            r,
            "<label for=\"sg-step\">%s</label><select id=\"sg-step\" name=\"step_id\"><option value=\"\">%s</option>",
            T(r, "sops.suggest_about"), T(r, "sops.whole_sop"));
        for (int i = 0; i < v->n_steps; i++)
            html_printf(r, "<option value=\"%lld\">%d. %s</option>", (long long)v->steps[i].id, v->steps[i].position,
                        v->steps[i].name);
        html_printf(r, "</select><div><button type=\"submit\">%s</button></div></form>", T(r, "sops.suggest"));
    }
    html_raw(r, "</section>");
}

static void history(Req *r, const Sop *s) {
    SopVersion *rows;
    int n = 0;
    if (sops_versions(r, s->id, &rows, &n) != 0) n = 0;
    html_printf(r,
                "<section class=\"card\" id=\"versions\"><h2>%s</h2><div class=\"table-wrap\" tabindex=\"0\" "
                "role=\"region\" aria-label=\"%s\"><table class=\"list\"><thead><tr><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "</tr></thead><tbody>",
                T(r, "sops.history"), T(r, "sops.history"), T(r, "sops.version"), T(r, "sops.field.status"),
                T(r, "sops.field.change_note"), T(r, "sops.published_at"), T(r, "sops.compare"));
    for (int i = 0; i < n; i++) {
        const SopVersion *v = &rows[i];
        html_printf(r, "<tr><td><a href=\"/sops/%lld/versions/%d\">v%d</a></td><td>%s</td><td>%s</td><td>%s</td><td>",
                    (long long)s->id, v->number, v->number, vstatus_label(r, v->status),
                    *v->change_note ? v->change_note : "—",
                    v->published_at ? html_time(r, v->published_at, false) : "—");
        if (v->number > 1)
            html_printf(r, "<a href=\"/sops/%lld/diff?from=%d&amp;to=%d\">%s</a>", (long long)s->id, v->number - 1,
                        v->number,
                        i18n_fmt(r->arena, r->locale, "sops.diff_with", 1, (const char *[]){num(r, v->number - 1)}));
        html_raw(r, "</td></tr>");
    }
    html_raw(r, "</tbody></table></div></section>");
}

/* The action bar of an SOP for managers and its owner. */
static void actions(Req *r, const Sop *s) {
    bool manager = sops_may_manage(r, s);
    html_raw(r, "<div class=\"actions sop-actions\">");
    html_printf(r, "<a class=\"button\" href=\"/sops/%lld/manual\">%s</a>", (long long)s->id, T(r, "sops.manual"));
    if (s->published_version_id) /* runs start on a published version: their list and the analysis */
        html_printf(r,
                    " <a class=\"button\" href=\"/runs?sop_id=%lld&amp;status=all\">%s</a> <a class=\"button\" "
                    "href=\"/sops/%lld/analysis\">%s</a>",
                    (long long)s->id, T(r, "sops.runs"), (long long)s->id, T(r, "sops.analysis"));
    if (manager && strcmp(s->status, "retired") != 0)
        html_printf(r, " <a class=\"button\" href=\"/sops/%lld/edit\">%s</a>", (long long)s->id,
                    s->has_draft ? T(r, "sops.edit_draft") : T(r, "sops.edit"));
    if (sops_may_steward(r, s) && strcmp(s->status, "active") == 0 && s->review_every_days) {
        html_printf(r, " <form method=\"post\" action=\"/sops/%lld/review\" class=\"inline\">", (long long)s->id);
        html_csrf_field(r);
        html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "sops.mark_reviewed"));
    }
    if (manager &&
        (strcmp(s->status, "active") == 0 || (strcmp(s->status, "retired") == 0 && s->published_version_id))) {
        bool retire = strcmp(s->status, "active") == 0;
        html_printf(r, " <form method=\"post\" action=\"/sops/%lld/status\" class=\"inline\">", (long long)s->id);
        html_csrf_field(r);
        html_printf(r,
                    "<input type=\"hidden\" name=\"version\" value=\"%lld\"><input type=\"hidden\" name=\"status\" "
                    "value=\"%s\"><button type=\"submit\" class=\"%s\">%s</button></form>",
                    (long long)s->version, retire ? "retired" : "active", retire ? "danger" : "",
                    retire ? T(r, "sops.retire") : T(r, "sops.reactivate"));
    }
    html_raw(r, "</div>");
}

/* The pending draft: a link, the diff and the publish button. */
static void draft_card(Req *r, const Sop *s) {
    if (!s->has_draft || !sops_may_manage(r, s)) return;
    SopVersion *d;
    if (sops_version_by_number(r, s->id, s->current_number, &d) != 0) return;
    html_printf(r, "<section class=\"card sop-draft\"><h2>%s</h2><p>%s</p>",
                i18n_fmt(r->arena, r->locale, "sops.draft_title", 1, (const char *[]){num(r, d->number)}),
                *d->change_note ? d->change_note : T(r, "sops.no_change_note"));
    html_printf(r, "<p><a href=\"/sops/%lld/versions/%d\">%s</a>", (long long)s->id, d->number,
                T(r, "sops.view_draft"));
    if (s->published_number)
        html_printf(r, " · <a href=\"/sops/%lld/diff?from=%d&amp;to=%d\">%s</a>", (long long)s->id, s->published_number,
                    d->number, T(r, "sops.compare_published"));
    html_raw(r, "</p>");
    html_printf(r, "<form method=\"post\" action=\"/sops/%lld/versions/%d/publish\">", (long long)s->id, d->number);
    html_csrf_field(r);
    html_printf(r,
                "<input type=\"hidden\" name=\"version\" value=\"%lld\"><button type=\"submit\" class=\"primary\">%s"
                "</button></form></section>",
                (long long)d->version, T(r, "sops.publish"));
}

static int show_page(Req *r, int64_t id, int status) {
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    /* Readers see the published version; before the first publish, the draft. */
    SopVersion *v;
    if (sops_version_load(r, s.published_version_id ? s.published_version_id : s.current_version_id, &v) != 0)
        return -1;
    page_begin(r, s.title, "nav.sops");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a> / #%lld</p>", T(r, "sops.title"), (long long)s.id);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", s.title);
    status_badge(r, s.status);
    html_raw(r, "</div>");
    flash_errors(r);
    actions(r, &s);
    draft_card(r, &s);
    html_raw(r, "<div class=\"grid two\"><section class=\"card\">");
    facts(r, &s, v);
    html_raw(r, "</section><section class=\"card\">");
    html_printf(r, "<h2>%s</h2>", T(r, "sops.field.purpose"));
    if (*v->purpose) {
        html_raw(r, "<div class=\"markdown\">");
        html_markdown(r, v->purpose);
        html_raw(r, "</div>");
    } else html_printf(r, "<p class=\"muted\">%s</p>", T(r, "sops.no_purpose"));
    html_raw(r, "</section></div>");
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "sops.steps"));
    steps_table(r, v);
    html_raw(r, "</section>");
    flowchart(r, v);
    suggestions(r, &s, v);
    history(r, &s);
    page_end(r);
    return res_html_send(r, status);
}

static int sops_page_show(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    return show_page(r, id, 200);
}

/* ---------- a version ---------- */

static int load_version(Req *r, Sop *s, SopVersion **v) {
    int64_t id, n;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "n", &n) != 0) return -1;
    int rc = sops_get(r, id, s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    rc = n > 1000000 ? 1 : sops_version_by_number(r, id, (int)n, v);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

static int sops_page_version(Req *r) {
    Sop s;
    SopVersion *v;
    if (load_version(r, &s, &v) != 0) return -1;
    const char *title = arena_printf(r->arena, "%s · v%d", v->title, v->number);
    page_begin(r, title, "nav.sops");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a> / <a href=\"/sops/%lld\">%s</a> / v%d</p>",
                T(r, "sops.title"), (long long)s.id, s.title, v->number);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1><span class=\"status sop-vstatus-%s\">%s</span></div>", title,
                v->status, vstatus_label(r, v->status));
    if (strcmp(v->status, "published") != 0)
        html_printf(r, "<p class=\"flash\">%s</p>",
                    strcmp(v->status, "draft") == 0 ? T(r, "sops.draft_note") : T(r, "sops.superseded_note"));
    html_printf(r, "<section class=\"card\"><dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
                T(r, "sops.field.change_note"), *v->change_note ? v->change_note : "—", T(r, "sops.created_by"),
                *v->created_by_name ? v->created_by_name : "—");
    if (v->published_at)
        html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.published_at"), html_time(r, v->published_at, true));
    html_raw(r, "</dl>");
    if (*v->purpose) {
        html_raw(r, "<div class=\"markdown\">");
        html_markdown(r, v->purpose);
        html_raw(r, "</div>");
    }
    html_raw(r, "</section>");
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "sops.steps"));
    steps_table(r, v);
    html_raw(r, "</section>");
    flowchart(r, v);
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- diff ---------- */

static const char *field_label(Req *r, const char *field) {
    const char *key = arena_printf(r->arena, "sops.field.%s", field);
    return i18n_has(r->locale, key) ? T(r, key) : field;
}

static void field_rows(Req *r, const SopFieldChange *f, int n) {
    for (int i = 0; i < n; i++)
        html_printf(r,
                    "<tr><th scope=\"row\">%s</th><td class=\"pre-line diff-before\"><del>%s</del></td><td "
                    "class=\"pre-line diff-after\"><ins>%s</ins></td></tr>",
                    field_label(r, f[i].field), f[i].before, f[i].after);
}

static int sops_page_diff(Req *r) {
    int64_t id, a, b;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    if (req_query_int(r, "from", 1, 1000000, s.current_number > 1 ? s.current_number - 1 : 1, &a) != 0 ||
        req_query_int(r, "to", 1, 1000000, s.current_number, &b) != 0)
        return -1;
    SopVersion *from, *to;
    rc = sops_version_by_number(r, id, (int)a, &from);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, "from", "sops.error.version_unknown");
    rc = sops_version_by_number(r, id, (int)b, &to);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, "to", "sops.error.version_unknown");
    SopDiff d;
    sops_diff(r, from, to, &d);
    const char *title = i18n_fmt(r->arena, r->locale, "sops.diff_title", 2, (const char *[]){num(r, a), num(r, b)});
    page_begin(r, title, "nav.sops");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a> / <a href=\"/sops/%lld\">%s</a></p>",
                T(r, "sops.title"), (long long)s.id, s.title);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", title);
    html_raw(r, "<section class=\"card\">");
    if (!d.n_fields && !d.n_steps) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "sops.diff_none"));
    if (d.n_fields) {
        html_printf(r,
                    "<h2>%s</h2><div class=\"table-wrap\"><table class=\"list sop-diff\"><thead><tr><th "
                    "scope=\"col\">%s</th><th scope=\"col\">v%lld</th><th scope=\"col\">v%lld</th></tr></thead><tbody>",
                    T(r, "sops.diff_fields"), T(r, "sops.diff_field"), (long long)a, (long long)b);
        field_rows(r, d.fields, d.n_fields);
        html_raw(r, "</tbody></table></div>");
    }
    for (int i = 0; i < d.n_steps; i++) {
        const SopStepDiff *sd = &d.steps[i];
        html_printf(r, "<div class=\"sop-diff-step diff-%s\"><h3>%s <span class=\"badge\">%s</span>", sd->change,
                    sd->name, T(r, arena_printf(r->arena, "sops.change.%s", sd->change)));
        if (sd->moved && strcmp(sd->change, "moved") != 0)
            html_printf(r, " <span class=\"badge\">%s</span>", T(r, "sops.change.moved"));
        html_raw(r, "</h3>");
        if (sd->from_position && sd->to_position && sd->from_position != sd->to_position)
            html_printf(r, "<p class=\"muted\">%s</p>",
                        i18n_fmt(r->arena, r->locale, "sops.position_change", 2,
                                 (const char *[]){num(r, sd->from_position), num(r, sd->to_position)}));
        if (sd->n_fields) {
            html_printf(r,
                        "<div class=\"table-wrap\"><table class=\"list sop-diff\"><thead><tr><th scope=\"col\">%s</th>"
                        "<th scope=\"col\">v%lld</th><th scope=\"col\">v%lld</th></tr></thead><tbody>",
                        T(r, "sops.diff_field"), (long long)a, (long long)b);
            field_rows(r, sd->fields, sd->n_fields);
            html_raw(r, "</tbody></table></div>");
        }
        html_raw(r, "</div>");
    }
    if (d.unchanged)
        html_printf(r, "<p class=\"muted\">%s</p>",
                    i18n_fmt(r->arena, r->locale, "sops.unchanged_steps", 1, (const char *[]){num(r, d.unchanged)}));
    html_raw(r, "</section>");
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- the operation manual ---------- */

static int sops_page_manual(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    int64_t n = 0;
    if (req_query_int(r, "v", 1, 1000000, 0, &n) != 0) return -1;
    SopVersion *v;
    if (n) {
        rc = sops_version_by_number(r, id, (int)n, &v);
        if (rc) return rc < 0 ? -1 : req_fail(r, 404, "v", "sops.error.version_unknown");
    } else if (sops_version_load(r, s.published_version_id ? s.published_version_id : s.current_version_id, &v) != 0)
        return -1;
    page_begin(r, i18n_fmt(r->arena, r->locale, "sops.manual_title", 1, (const char *[]){v->title}), "nav.sops");
    html_printf(r,
                "<div class=\"no-print actions\"><a href=\"/sops/%lld\">← %s</a> <button type=\"button\" "
                "data-print>%s</button></div>",
                (long long)s.id, s.title, T(r, "sops.print"));
    html_raw(r, "<article class=\"sop-manual\"><header class=\"sop-cover\">");
    html_printf(r, "<p class=\"sop-cover-kind\">%s</p><h1>%s</h1>", T(r, "sops.manual"), v->title);
    html_printf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>v%d · %s</dd>",
                T(r, "sops.field.owner_id"), s.owner_name, T(r, "sops.field.team_id"), s.team_name,
                T(r, "sops.version"), v->number, vstatus_label(r, v->status));
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.published_at"),
                v->published_at ? html_time(r, v->published_at, false) : T(r, "sops.not_published"));
    if (s.review_every_days)
        html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.field.review_every_days"),
                    i18n_fmt(r->arena, r->locale, "sops.every_days", 1, (const char *[]){num(r, s.review_every_days)}));
    html_raw(r, "</dl>");
    if (*v->purpose) {
        html_printf(r, "<h2>%s</h2><div class=\"markdown\">", T(r, "sops.field.purpose"));
        html_markdown(r, v->purpose);
        html_raw(r, "</div>");
    }
    html_raw(r, "</header>");
    html_printf(r, "<section class=\"sop-manual-flow\"><h2>%s</h2>", T(r, "sops.flowchart"));
    sops_flow_svg(r, v);
    html_raw(r, "</section>");
    html_printf(r, "<h2>%s</h2>", T(r, "sops.steps"));
    for (int i = 0; i < v->n_steps; i++) {
        const SopStep *p = &v->steps[i];
        html_printf(r, "<section class=\"sop-manual-step\"><h3>%d. %s</h3>", p->position, p->name);
        if (p->parallel_group || p->conditional) {
            html_raw(r, "<p>");
            step_badges(r, p);
            html_raw(r, "</p>");
        }
        html_printf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd>", T(r, "sops.field.role"), who(p));
        if (*p->role && p->owner_name && *p->owner_name)
            html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "sops.field.owner_id"), p->owner_name);
        html_printf(r, "<dt>%s</dt><dd class=\"pre-line\">%s</dd>", T(r, "sops.field.resources"),
                    *p->resources ? p->resources : "—");
        html_printf(r, "<dt>%s</dt><dd>%s", T(r, "sops.field.time_standard"), duration(r, p->time_standard_s));
        if (p->time_standard_s)
            html_printf(
                r, " (%s)",
                i18n_fmt(r->arena, r->locale, "sops.share_of_runs", 1, (const char *[]){num(r, p->time_share_pct)}));
        html_printf(r, "</dd><dt>%s</dt><dd class=\"pre-line\">%s</dd></dl>", T(r, "sops.field.quality"),
                    *p->quality ? p->quality : "—");
        if (p->n_checklist) {
            html_printf(r, "<h4>%s</h4><ul class=\"sop-manual-checklist\">", T(r, "sops.field.checklist"));
            for (int c = 0; c < p->n_checklist; c++) html_printf(r, "<li>☐ %s</li>", p->checklist[c]);
            html_raw(r, "</ul>");
        }
        if (*p->instructions_md) {
            html_printf(r, "<h4>%s</h4><div class=\"markdown\">", T(r, "sops.field.instructions_md"));
            html_markdown(r, p->instructions_md);
            html_raw(r, "</div>");
        }
        html_raw(r, "</section>");
    }
    html_raw(r, "</article>");
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- actions ---------- */

static int sops_page_publish(Req *r) {
    int64_t id, n, expected;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "n", &n) != 0 || req_if_match(r, &expected) != 0) return -1;
    SopVersion *v;
    if (n > 1000000 || sops_version_publish(r, id, (int)n, expected, &v) != 0) {
        if (!req_status(r)) return req_fail(r, 404, NULL, "error.not_found");
        return show_page(r, id, req_status(r));
    }
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld", (long long)id));
}

static int sops_page_status(Req *r) {
    int64_t id, expected;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &expected) != 0) return -1;
    SopInput in = {.status = req_form(r, "status"), .has_status = true};
    if (!in.status || (strcmp(in.status, "active") != 0 && strcmp(in.status, "retired") != 0))
        return req_fail(r, 422, "status", "sops.error.status");
    if (sops_update(r, id, expected, &in, NULL) != 0) return show_page(r, id, req_status(r));
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld", (long long)id));
}

static int sops_page_review(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    if (sops_mark_reviewed(r, id, &s) != 0) return show_page(r, id, req_status(r));
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld", (long long)id));
}

static int sops_page_suggest(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    const char *text = req_form(r, "text"), *step = req_form(r, "step_id");
    int64_t step_id = step && *step ? strtoll(step, NULL, 10) : 0;
    SopSuggestion g;
    if (!text || strspn(text, " \t\r\n") == strlen(text)) req_error(r, "text", "error.required");
    else if (strlen(text) > 8000) req_error(r, "text", "error.too_long");
    if (req_error_count(r) || sops_suggest(r, id, step_id, text, &g) != 0)
        return show_page(r, id, req_status(r) ? req_status(r) : 422);
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld#suggestions", (long long)id));
}

static int sops_page_vote(Req *r) {
    int64_t id, sid;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "sid", &sid) != 0) return -1;
    SopSuggestion g;
    if (sops_suggestion_vote(r, id, sid, &g) != 0) return show_page(r, id, req_status(r));
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld#suggestions", (long long)id));
}

static int sops_page_suggestion_status(Req *r) {
    int64_t id, sid, expected;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "sid", &sid) != 0 || req_if_match(r, &expected) != 0)
        return -1;
    const char *status = req_form(r, "status");
    if (!sops_suggestion_status_valid(status)) return req_fail(r, 422, "status", "sops.error.suggestion_status");
    SopSuggestion g;
    if (sops_suggestion_set_status(r, id, sid, expected, status, &g) != 0) return show_page(r, id, req_status(r));
    return res_redirect(r, arena_printf(r->arena, "/sops/%lld#suggestions", (long long)id));
}

static const Route sops_page_routes[] = {
    {"GET", "/sops", sops_page_list, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/sops/{id}", sops_page_show, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"GET", "/sops/{id}/versions/{n}", sops_page_version, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"GET", "/sops/{id}/diff", sops_page_diff, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"GET", "/sops/{id}/manual", sops_page_manual, ACCESS_TEAM_READ, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/versions/{n}/publish", sops_page_publish, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/status", sops_page_status, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/review", sops_page_review, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/suggestions", sops_page_suggest, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/suggestions/{sid}/vote", sops_page_vote, ACCESS_WRITER | ACC_SCOPE_READ, sops_scope_sop, 0,
     false},
    {"POST", "/sops/{id}/suggestions/{sid}/status", sops_page_suggestion_status, ACCESS_WRITER | ACC_SCOPE_READ,
     sops_scope_sop, 0, false},
};
ROUTE_TABLE(sops_page, sops_page_routes);
