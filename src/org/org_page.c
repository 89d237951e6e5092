/* org_page.c — HTML pages: log in/out, language, home, my profile, teams,
 * people, API tokens and the audit log. Plain forms that work without
 * JavaScript (post → redirect → get), htmx for live filtering. Every value
 * is written through html_printf, which escapes it. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../web/web_auth.h"
#include "../web/web_html.h"
#include "org.h"

/* ---------- shared bits ---------- */

static const char *const ROLES[] = {"admin", "supervisor", "member", "viewer"};

static const char *role_label(Req *r, const char *role) {
    return T(r, arena_printf(r->arena, "role.%s", role ? role : "none"));
}

static const char *role_name(Role role) {
    switch (role) {
    case ROLE_ADMIN: return "admin";
    case ROLE_SUPERVISOR: return "supervisor";
    case ROLE_MEMBER: return "member";
    case ROLE_VIEWER: return "viewer";
    default: return "none";
    }
}

static bool is_manager(Req *r) { return r->who->role == ROLE_ADMIN || r->who->role == ROLE_SUPERVISOR; }

/* A local path to go back to: must start with one '/' (no open redirects). */
static const char *safe_next(Req *r, const char *next) {
    (void)r;
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
    /* Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil")
     * and read a backslash as a slash: refuse any of them anywhere. */
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '\\') return "/";
    return next;
}

static int64_t form_int(Req *r, const char *name) {
    const char *s = req_form(r, name);
    return s && *s ? strtoll(s, NULL, 10) : 0;
}

/* <select> of teams the caller may read (or manage), in tree order. */
static void team_select(Req *r, const char *id, const char *name, int64_t selected, bool allow_none,
                        const char *none_key, bool manageable_only) {
    Team *teams;
    int n;
    if (org_teams_list(r, web_read_scope(r), &teams, &n) != 0) n = 0;
    html_printf(r, "<select id=\"%s\" name=\"%s\">", id, name);
    if (allow_none) html_printf(r, "<option value=\"\">%s</option>", T(r, none_key));
    for (int i = 0; i < n; i++) {
        if (manageable_only && !web_can_manage_team(r, teams[i].id)) continue;
        html_raw(r, "<option value=\"");
        html_printf(r, "%lld\"%s>", (long long)teams[i].id, teams[i].id == selected ? " selected" : "");
        for (int d = 0; d < teams[i].depth; d++) html_raw(r, "— ");
        html_printf(r, "%s</option>", teams[i].name);
    }
    html_raw(r, "</select>");
}

static void role_select(Req *r, const char *selected, bool with_admin) {
    html_raw(r, "<select id=\"f-role\" name=\"role\">");
    for (size_t i = 0; i < 4; i++) {
        if (!with_admin && strcmp(ROLES[i], "admin") == 0 && !(selected && strcmp(selected, "admin") == 0)) continue;
        html_printf(r, "<option value=\"%s\"%s>%s</option>", ROLES[i],
                    selected && strcmp(selected, ROLES[i]) == 0 ? " selected" : "", role_label(r, ROLES[i]));
    }
    html_raw(r, "</select>");
}

static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++) {
        /* Name the field ("Name: required") so the list reads on its own. */
        const char *label_key = e[i].field ? arena_printf(r->arena, "field.%s", e[i].field) : NULL;
        if (label_key && i18n_has(r->locale, label_key))
            html_printf(
                r, "<li>%s</li>",
                i18n_fmt(r->arena, r->locale, "form.error_item", 2, (const char *[]){T(r, label_key), e[i].message}));
        else html_printf(r, "<li>%s</li>", e[i].message);
    }
    html_raw(r, "</ul></div>");
}

static void flash_notice(Req *r) {
    const char *done = req_query(r, "done");
    if (!done) return;
    const char *key = arena_printf(r->arena, "notice.%s", done);
    if (i18n_has(r->locale, key)) html_printf(r, "<div class=\"flash flash-ok\" role=\"status\">%s</div>", T(r, key));
}

/* Status of the last failed form: the recorded error status (422, 409, 412 …). */
static int form_status(Req *r) { return req_error_count(r) ? 422 : 200; }

/* ---------- log in / out, language ---------- */

static void login_form(Req *r, const char *login, const char *next) {
    page_begin(r, T(r, "login.title"), NULL);
    html_raw(r, "<section class=\"card narrow login\">");
    html_printf(r, "<h1>%s</h1><p class=\"muted\">%s</p>", T(r, "login.title"), T(r, "login.lead"));
    flash_errors(r);
    html_raw(r, "<form method=\"post\" action=\"/login\" class=\"stack\">");
    html_printf(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">", safe_next(r, next));
    html_printf(r,
                "<label for=\"f-login\">%s</label><input id=\"f-login\" name=\"login\" autocomplete=\"username\" "
                "required autofocus value=\"%s\">",
                T(r, "field.login"), login ? login : "");
    html_printf(r,
                "<label for=\"f-password\">%s</label><input id=\"f-password\" name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required>",
                T(r, "field.password"));
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></section>", T(r, "login.submit"));
    page_end(r);
}

static int org_page_login(Req *r) {
    if (r->who) return res_redirect(r, "/");
    login_form(r, NULL, req_query(r, "next"));
    return res_html_send(r, 200);
}

static int org_page_login_post(Req *r) {
    const char *login = req_form(r, "login"), *password = req_form(r, "password");
    const char *next = req_form(r, "next");
    char *lower = arena_strdup(r->arena, login ? login : "");
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    if (!*lower || !password || !*password) {
        req_error(r, "login", "error.bad_login");
        login_form(r, lower, next);
        return res_html_send(r, 422);
    }
    if (auth_login(r, lower, password) != 0) {
        int status = req_error_count(r) && strcmp(req_errors(r)[0].field ? req_errors(r)[0].field : "", "login") == 0
                         ? 429
                         : 401;
        login_form(r, lower, next);
        return res_html_send(r, status);
    }
    return res_redirect(r, safe_next(r, next));
}

static int org_page_logout(Req *r) {
    if (auth_logout(r) != 0) return -1;
    return res_redirect(r, "/login");
}

static int org_page_lang(Req *r) {
    const char *locale = i18n_supported(req_form(r, "locale"));
    if (!locale) return req_fail(r, 422, "locale", "error.locale_unknown");
    res_set_cookie(r, arena_printf(r->arena, "opsdesk_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", locale));
    if (r->who) {
        User u;
        if (org_user_get(r, r->who->user_id, &u) == 0 && !(u.locale && strcmp(u.locale, locale) == 0)) {
            UserInput in = {.has_locale = true, .locale = locale};
            if (org_user_update(r, u.id, u.version, &in, &u) != 0) return -1;
        }
    }
    return res_redirect(r, safe_next(r, req_form(r, "next")));
}

/* "人员 钱浩" / "team 客服部": the entity kind and the name its snapshot had,
 * or its id when the snapshot has no name (sessions, tokens). Arena memory. */
static const char *audit_subject(Req *r, const AuditEntry *e) {
    const char *kind = T(r, arena_printf(r->arena, "audit.entity.%s", e->entity));
    const char *snap = e->after_json ? e->after_json : e->before_json;
    json_t *j = snap ? json_loads(snap, 0, NULL) : NULL;
    const char *name = j ? json_string_value(json_object_get(j, "name")) : NULL;
    const char *out = name ? arena_printf(r->arena, "%s %s", kind, name)
                           : arena_printf(r->arena, "%s #%lld", kind, (long long)e->entity_id);
    json_decref(j);
    return out;
}

/* ---------- home ---------- */

static int org_page_home(Req *r) {
    page_begin(r, T(r, "nav.home"), "nav.home");
    int64_t hour = ((time_now_ms() / 1000 + 60LL * web_display_offset_min()) / 3600) % 24; /* display zone */
    const char *greet = hour < 11 ? "home.morning" : hour < 18 ? "home.afternoon" : "home.evening";
    const char *args[] = {r->who->name};
    html_printf(r, "<h1>%s</h1>", i18n_fmt(r->arena, r->locale, greet, 1, args));
    flash_notice(r);
    Team *teams;
    int n_teams = 0;
    org_teams_list(r, web_read_scope(r), &teams, &n_teams);
    int64_t people = 0;
    for (int i = 0; i < n_teams; i++) people += teams[i].n_members;
    Team mine = {0};
    bool has_team = r->who->team_id && org_team_get(r, r->who->team_id, &mine) == 0;
    html_raw(r, "<div class=\"grid cards\">");
    html_printf(r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p><p class=\"muted\">%s</p></section>",
                T(r, "home.my_team"), has_team ? mine.name : T(r, "team.none"), role_label(r, role_name(r->who->role)));
    html_printf(
        r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p><p><a href=\"/teams\">%s</a></p></section>",
        T(r, "home.teams"), html_int(r, n_teams), T(r, "home.see_teams"));
    html_printf(
        r, "<section class=\"card stat\"><h2>%s</h2><p class=\"big\">%s</p><p><a href=\"/people\">%s</a></p></section>",
        T(r, "home.people"), html_int(r, people), T(r, "home.see_people"));
    html_raw(r, "</div>");
    html_printf(r, "<section class=\"card\"><h2>%s</h2><p>%s</p><ul class=\"roadmap\">", T(r, "home.about_title"),
                T(r, "home.about"));
    static const char *modules[] = {"nav.goals", "nav.tasks",      "nav.sops",     "nav.kpis",      "nav.problems",
                                    "nav.risks", "nav.appraisals", "nav.meetings", "nav.customers", "nav.reports"};
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) html_printf(r, "<li>%s</li>", T(r, modules[i]));
    html_raw(r, "</ul></section>");
    if (r->who->role == ROLE_ADMIN) {
        AuditFilter f = {.limit = 40};
        AuditEntry *rows;
        int n = 0;
        if (org_audit_list(r, &f, &rows, &n) == 0 && n) {
            html_printf(r, "<section class=\"card\"><h2>%s</h2><ul class=\"events\">", T(r, "home.recent"));
            for (int i = 0, shown = 0; i < n && shown < 8; i++) {
                if (strcmp(rows[i].entity, "session") == 0) continue; /* logins would crowd out changes */
                shown++;
                html_printf(r, "<li><time>%s</time> %s · %s %s</li>", html_time(r, rows[i].at, true),
                            rows[i].user_name ? rows[i].user_name : T(r, "audit.cli"),
                            T(r, arena_printf(r->arena, "audit.action.%s", rows[i].action)),
                            audit_subject(r, &rows[i]));
            }
            html_printf(r, "</ul><p><a href=\"/audit\">%s</a></p></section>", T(r, "home.see_audit"));
        }
    }
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- profile ---------- */

static void profile_page(Req *r, const User *u) {
    page_begin(r, T(r, "nav.profile"), NULL);
    html_printf(r, "<h1>%s</h1>", T(r, "nav.profile"));
    flash_notice(r);
    flash_errors(r);
    html_raw(r, "<div class=\"grid two\"><section class=\"card\">");
    html_printf(r, "<h2>%s</h2><form method=\"post\" action=\"/profile\" class=\"stack\">", T(r, "profile.details"));
    html_csrf_field(r);
    html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)u->version);
    html_printf(
        r,
        "<label for=\"f-name\">%s</label><input id=\"f-name\" name=\"name\" required maxlength=\"100\" value=\"%s\">",
        T(r, "field.name"), u->name);
    html_field_error(r, "name");
    html_printf(r, "<label for=\"f-email\">%s</label><input id=\"f-email\" name=\"email\" type=\"email\" value=\"%s\">",
                T(r, "field.email"), u->email ? u->email : "");
    html_field_error(r, "email");
    html_printf(r, "<label for=\"f-locale\">%s</label><select id=\"f-locale\" name=\"locale\">", T(r, "field.locale"));
    html_printf(r, "<option value=\"\"%s>%s</option>", u->locale ? "" : " selected", T(r, "locale.auto"));
    html_printf(r, "<option value=\"zh-CN\"%s>中文（简体）</option>",
                u->locale && strcmp(u->locale, "zh-CN") == 0 ? " selected" : "");
    html_printf(r, "<option value=\"en\"%s>English</option></select>",
                u->locale && strcmp(u->locale, "en") == 0 ? " selected" : "");
    html_printf(
        r, "<p class=\"muted\">%s</p>",
        i18n_fmt(r->arena, r->locale, "profile.identity", 2, (const char *[]){u->login, role_label(r, u->role)}));
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></section>", T(r, "form.save"));
    html_printf(
        r, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/profile/password\" class=\"stack\">",
        T(r, "profile.password"));
    html_csrf_field(r);
    html_printf(
        r,
        "<label for=\"f-current\">%s</label><input id=\"f-current\" name=\"current_password\" type=\"password\" "
        "autocomplete=\"current-password\" required>",
        T(r, "field.current_password"));
    html_field_error(r, "current_password");
    html_printf(r,
                "<label for=\"f-new\">%s</label><input id=\"f-new\" name=\"new_password\" type=\"password\" "
                "autocomplete=\"new-password\" minlength=\"8\" required>",
                T(r, "field.new_password"));
    html_field_error(r, "password");
    html_printf(r, "<p class=\"muted\">%s</p><button type=\"submit\">%s</button></form></section></div>",
                T(r, "profile.password_hint"), T(r, "profile.change_password"));
    page_end(r);
}

static int org_page_profile(Req *r) {
    User u;
    if (org_user_get(r, r->who->user_id, &u) != 0) return req_fail(r, 404, NULL, "error.not_found");
    profile_page(r, &u);
    return res_html_send(r, 200);
}

static int org_page_profile_post(Req *r) {
    int64_t version;
    User u;
    if (req_if_match(r, &version) != 0) return -1;
    UserInput in = {.has_name = true, .has_email = true, .has_locale = true};
    req_check_text(r, "name", req_form(r, "name"), 1, 100, true, &in.name);
    req_check_text(r, "email", req_form(r, "email"), 0, 254, false, &in.email);
    in.locale = req_form(r, "locale");
    if (in.email && !*in.email) in.email = NULL;
    if (in.locale && !*in.locale) in.locale = NULL;
    if (req_error_count(r) || org_user_update(r, r->who->user_id, version, &in, &u) != 0) {
        if (org_user_get(r, r->who->user_id, &u) != 0) return -1;
        profile_page(r, &u);
        return res_html_send(r, form_status(r));
    }
    return res_redirect(r, "/profile?done=saved");
}

static int org_page_profile_password(Req *r) {
    const char *current = req_form(r, "current_password"), *next = req_form(r, "new_password");
    User u;
    if (!org_user_check_password(r, r->who->user_id, current)) req_error(r, "current_password", "error.bad_password");
    else if (org_user_set_password(r, r->who->user_id, next ? next : "", r->who->session_id) == 0)
        return res_redirect(r, "/profile?done=password");
    if (org_user_get(r, r->who->user_id, &u) != 0) return -1;
    profile_page(r, &u);
    return res_html_send(r, 422);
}

/* ---------- teams ---------- */

static void teams_page(Req *r) {
    page_begin(r, T(r, "nav.teams"), "nav.teams");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", T(r, "nav.teams"));
    flash_notice(r);
    flash_errors(r);
    Team *teams;
    int n = 0;
    if (org_teams_list(r, web_read_scope(r), &teams, &n) != 0) n = 0;
    if (is_manager(r)) {
        html_printf(r,
                    "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/teams\" class=\"inline-form\">",
                    T(r, "team.create"));
        html_csrf_field(r);
        html_printf(
            r,
            "<label for=\"f-team-name\">%s</label><input id=\"f-team-name\" name=\"name\" required maxlength=\"100\">",
            T(r, "field.team_name"));
        html_printf(r, "<label for=\"f-parent_id\">%s</label>", T(r, "field.parent_team"));
        team_select(r, "f-parent_id", "parent_id", r->who->role == ROLE_ADMIN ? 0 : r->who->team_id,
                    r->who->role == ROLE_ADMIN, "team.top_level", true);
        html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></section>", T(r, "form.create"));
    }
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "team.tree"));
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "team.empty"));
    html_raw(r, "<ul class=\"tree\">");
    for (int i = 0; i < n; i++) {
        const Team *t = &teams[i];
        html_printf(r, "<li class=\"depth-%d\"><div class=\"tree-row\">", t->depth > 6 ? 6 : t->depth);
        html_printf(r, "<a class=\"tree-name\" href=\"/people?team_id=%lld\">%s</a> <span class=\"badge\">%s</span>",
                    (long long)t->id, t->name,
                    i18n_fmt(r->arena, r->locale, "team.members", 1, (const char *[]){html_int(r, t->n_members)}));
        if (web_can_manage_team(r, t->id)) {
            html_printf(r, "<details class=\"row-edit\"><summary>%s</summary>", T(r, "form.edit"));
            html_printf(r, "<form method=\"post\" action=\"/teams/%lld\" class=\"inline-form\">", (long long)t->id);
            html_csrf_field(r);
            html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)t->version);
            html_printf(r,
                        "<label for=\"f-name-%lld\">%s</label><input id=\"f-name-%lld\" name=\"name\" required "
                        "maxlength=\"100\" value=\"%s\">",
                        (long long)t->id, T(r, "field.team_name"), (long long)t->id, t->name);
            html_printf(r, "<label for=\"f-parent-%lld\">%s</label>", (long long)t->id, T(r, "field.parent_team"));
            team_select(r, arena_printf(r->arena, "f-parent-%lld", (long long)t->id), "parent_id", t->parent_id,
                        r->who->role == ROLE_ADMIN, "team.top_level", true);
            html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "form.save"));
            html_printf(r, "<form method=\"post\" action=\"/teams/%lld/delete\" class=\"inline-form\">",
                        (long long)t->id);
            html_csrf_field(r);
            html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)t->version);
            html_printf(r, "<button class=\"danger\" type=\"submit\" hx-confirm=\"%s\">%s</button></form></details>",
                        T(r, "team.delete_confirm"), T(r, "form.delete"));
        }
        html_raw(r, "</div></li>");
    }
    html_raw(r, "</ul></section>");
    page_end(r);
}

static int org_page_teams(Req *r) {
    teams_page(r);
    return res_html_send(r, 200);
}

static int org_page_teams_create(Req *r) {
    const char *name = NULL;
    Team t;
    if (req_check_text(r, "name", req_form(r, "name"), 1, 100, true, &name) == 0 &&
        org_team_create(r, name, form_int(r, "parent_id"), &t) == 0)
        return res_redirect(r, "/teams?done=team_created");
    teams_page(r);
    return res_html_send(r, form_status(r));
}

static int org_page_teams_update(Req *r) {
    int64_t id, version;
    const char *name = NULL;
    Team t;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (req_check_text(r, "name", req_form(r, "name"), 1, 100, true, &name) == 0 &&
        org_team_update(r, id, version, name, true, form_int(r, "parent_id"), &t) == 0)
        return res_redirect(r, "/teams?done=team_saved");
    teams_page(r);
    return res_html_send(r, form_status(r));
}

static int org_page_teams_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (org_team_delete(r, id, version) == 0) return res_redirect(r, "/teams?done=team_deleted");
    teams_page(r);
    return res_html_send(r, form_status(r));
}

/* ---------- people ---------- */

static void people_rows(Req *r, const UserFilter *f, User *users, int n, bool more) {
    html_raw(r, "<tbody id=\"people-rows\">");
    if (!n) html_printf(r, "<tr><td colspan=\"5\" class=\"empty\">%s</td></tr>", T(r, "people.empty"));
    for (int i = 0; i < n; i++) {
        const User *u = &users[i];
        html_printf(r,
                    "<tr class=\"%s\"><td><a "
                    "href=\"/people/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                    u->disabled ? "disabled" : "", (long long)u->id, u->name, u->login, role_label(r, u->role),
                    u->team_name ? u->team_name : "—", u->disabled ? T(r, "status.disabled") : T(r, "status.active"));
    }
    if (more) {
        html_printf(r,
                    "<tr><td colspan=\"5\"><a class=\"more\" "
                    "href=\"/people?cursor=%lld&amp;team_id=%lld&amp;q=%s\">%s</a></td></tr>",
                    (long long)users[n - 1].id, (long long)f->team_id, url_encode(r, f->q ? f->q : ""),
                    T(r, "list.next"));
    }
    html_raw(r, "</tbody>");
}

static void people_add_form(Req *r, const UserInput *in) {
    html_printf(r, "<section class=\"card\" id=\"add-person\"><h2>%s</h2>", T(r, "people.add"));
    html_raw(r, "<form method=\"post\" action=\"/people\" class=\"grid form-grid\">");
    html_csrf_field(r);
    html_printf(r,
                "<div><label for=\"f-name\">%s</label><input id=\"f-name\" name=\"name\" required maxlength=\"100\" "
                "value=\"%s\">",
                T(r, "field.name"), in && in->name ? in->name : "");
    html_field_error(r, "name");
    html_printf(
        r,
        "</div><div><label for=\"f-login\">%s</label><input id=\"f-login\" name=\"login\" required maxlength=\"64\" "
        "pattern=\"[a-z0-9._\\-]{2,64}\" value=\"%s\"><p class=\"hint\">%s</p>",
        T(r, "field.login"), in && in->login ? in->login : "", T(r, "people.login_hint"));
    html_field_error(r, "login");
    html_printf(
        r,
        "</div><div><label for=\"f-email\">%s</label><input id=\"f-email\" name=\"email\" type=\"email\" value=\"%s\">",
        T(r, "field.email"), in && in->email ? in->email : "");
    html_field_error(r, "email");
    html_printf(r, "</div><div><label for=\"f-role\">%s</label>", T(r, "field.role"));
    role_select(r, in && in->role ? in->role : "member", r->who->role == ROLE_ADMIN);
    html_field_error(r, "role");
    html_printf(r, "</div><div><label for=\"f-team_id\">%s</label>", T(r, "field.team"));
    team_select(r, "f-team_id", "team_id", in ? in->team_id : r->who->team_id, r->who->role == ROLE_ADMIN, "team.none",
                true);
    html_field_error(r, "team_id");
    html_printf(
        r,
        "</div><div><label for=\"f-password\">%s</label><input id=\"f-password\" name=\"password\" type=\"password\" "
        "autocomplete=\"new-password\" minlength=\"8\"><p class=\"hint\">%s</p>",
        T(r, "field.initial_password"), T(r, "people.password_hint"));
    html_field_error(r, "password");
    html_printf(
        r, "</div><div class=\"actions\"><button class=\"primary\" type=\"submit\">%s</button></div></form></section>",
        T(r, "people.add_submit"));
}

static int people_filter(Req *r, UserFilter *f) {
    int64_t team_id = 0, all = 0;
    memset(f, 0, sizeof *f);
    if (req_query_int(r, "team_id", 0, INT64_MAX, 0, &team_id) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f->after_id) != 0 ||
        req_query_int(r, "include_disabled", 0, 1, 0, &all) != 0)
        return -1;
    const char *q = req_query(r, "q");
    if (q && req_check_text(r, "q", q, 0, 100, false, &f->q) != 0) return -1;
    if (f->q && !*f->q) f->q = NULL;
    const char *role = req_query(r, "role");
    f->role = role && org_role_valid(role) ? role : NULL;
    f->team_id = team_id;
    f->include_disabled = all == 1;
    f->team_path = web_read_scope(r);
    f->limit = 51;
    return 0;
}

static void people_page(Req *r, const UserInput *in) {
    UserFilter f;
    if (people_filter(r, &f) != 0) memset(&f, 0, sizeof f), f.limit = 51, f.team_path = web_read_scope(r);
    User *users;
    int n = 0;
    if (org_users_list(r, &f, &users, &n) != 0) n = 0;
    bool more = n > 50;
    if (more) n = 50;
    page_begin(r, T(r, "nav.people"), "nav.people");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", T(r, "nav.people"));
    if (is_manager(r)) html_printf(r, "<a class=\"button primary\" href=\"#add-person\">%s</a>", T(r, "people.add"));
    html_raw(r, "</div>");
    flash_notice(r);
    flash_errors(r);
    /* Live filter: htmx replaces only the table body as the person types. */
    html_raw(r,
             "<form class=\"filters\" method=\"get\" action=\"/people\" hx-get=\"/people\" hx-target=\"#people-rows\" "
             "hx-select=\"#people-rows\" hx-swap=\"outerHTML\" hx-trigger=\"input changed delay:300ms, change\" "
             "hx-push-url=\"true\">");
    html_printf(r,
                "<label for=\"f-q\">%s</label><input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"100\" "
                "value=\"%s\" placeholder=\"%s\">",
                T(r, "form.search"), f.q ? f.q : "", T(r, "people.search_hint"));
    html_printf(r, "<label for=\"f-filter-team\">%s</label>", T(r, "field.team"));
    team_select(r, "f-filter-team", "team_id", f.team_id, true, "team.all", false);
    html_printf(r,
                "<label class=\"check\"><input type=\"checkbox\" name=\"include_disabled\" value=\"1\"%s> %s</label>",
                f.include_disabled ? " checked" : "", T(r, "people.include_disabled"));
    html_printf(r, "<noscript><button type=\"submit\">%s</button></noscript></form>", T(r, "form.filter"));
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table "
                "class=\"list\"><caption class=\"sr-only\">%s</caption><thead><tr>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th></tr></thead>",
                T(r, "nav.people"), T(r, "nav.people"), T(r, "field.name"), T(r, "field.login"), T(r, "field.role"),
                T(r, "field.team"), T(r, "field.status"));
    people_rows(r, &f, users, n, more);
    html_raw(r, "</table></div>");
    if (is_manager(r)) people_add_form(r, in);
    page_end(r);
}

static int org_page_people(Req *r) {
    people_page(r, NULL);
    return res_html_send(r, 200);
}

static void read_person_form(Req *r, UserInput *in, bool creating) {
    memset(in, 0, sizeof *in);
    in->has_name = in->has_email = in->has_role = in->has_team = true;
    req_check_text(r, "name", req_form(r, "name"), 1, 100, true, &in->name);
    req_check_text(r, "email", req_form(r, "email"), 0, 254, false, &in->email);
    if (in->email && !*in->email) in->email = NULL;
    in->role = req_form(r, "role");
    in->team_id = form_int(r, "team_id");
    if (creating) {
        const char *login = req_form(r, "login");
        char *lower = arena_strdup(r->arena, login ? login : "");
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        in->login = lower;
        const char *pw = req_form(r, "password");
        in->password = pw && *pw ? pw : NULL;
    } else {
        const char *locale = req_form(r, "locale");
        in->has_locale = true;
        in->locale = locale && *locale ? locale : NULL;
        in->has_disabled = true;
        in->disabled = req_form(r, "disabled") != NULL;
    }
}

static int org_page_people_create(Req *r) {
    UserInput in;
    User u;
    read_person_form(r, &in, true);
    if (in.team_id && !web_can_manage_team(r, in.team_id)) req_error(r, "team_id", "error.forbidden");
    if (!req_error_count(r) && org_user_create(r, &in, &u) == 0)
        return res_redirect(r, arena_printf(r->arena, "/people/%lld?done=person_created", (long long)u.id));
    people_page(r, &in);
    return res_html_send(r, form_status(r));
}

static void person_page(Req *r, const User *u) {
    page_begin(r, u->name, "nav.people");
    html_printf(r, "<nav class=\"crumbs\" aria-label=\"%s\"><a href=\"/people\">%s</a> / <span>%s</span></nav>",
                T(r, "nav.breadcrumbs"), T(r, "nav.people"), u->name);
    html_printf(r, "<h1>%s <span class=\"badge\">%s</span>%s</h1>", u->name, role_label(r, u->role),
                u->disabled ? "" : "");
    if (u->disabled) html_printf(r, "<p class=\"flash flash-warn\">%s</p>", T(r, "status.disabled"));
    flash_notice(r);
    flash_errors(r);
    bool can_edit = u->team_id ? web_can_manage_team(r, u->team_id) : r->who->role == ROLE_ADMIN;
    if (strcmp(u->role, "admin") == 0 && r->who->role != ROLE_ADMIN) can_edit = false;
    html_raw(r, "<div class=\"grid two\"><section class=\"card\">");
    if (!can_edit) {
        html_printf(r,
                    "<dl "
                    "class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</"
                    "dt><dd>%s</dd></dl>",
                    T(r, "field.login"), u->login, T(r, "field.email"), u->email ? u->email : "—", T(r, "field.team"),
                    u->team_name ? u->team_name : "—", T(r, "field.since"), html_time(r, u->created_at, false));
        html_raw(r, "</section></div>");
        page_end(r);
        return;
    }
    html_printf(r, "<h2>%s</h2><form method=\"post\" action=\"/people/%lld\" class=\"stack\">", T(r, "people.edit"),
                (long long)u->id);
    html_csrf_field(r);
    html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)u->version);
    html_printf(r, "<p class=\"muted\">%s</p>",
                i18n_fmt(r->arena, r->locale, "people.login_is", 1, (const char *[]){u->login}));
    html_printf(
        r,
        "<label for=\"f-name\">%s</label><input id=\"f-name\" name=\"name\" required maxlength=\"100\" value=\"%s\">",
        T(r, "field.name"), u->name);
    html_field_error(r, "name");
    html_printf(r, "<label for=\"f-email\">%s</label><input id=\"f-email\" name=\"email\" type=\"email\" value=\"%s\">",
                T(r, "field.email"), u->email ? u->email : "");
    html_field_error(r, "email");
    html_printf(r, "<label for=\"f-role\">%s</label>", T(r, "field.role"));
    role_select(r, u->role, r->who->role == ROLE_ADMIN);
    html_field_error(r, "role");
    html_printf(r, "<label for=\"f-team_id\">%s</label>", T(r, "field.team"));
    team_select(r, "f-team_id", "team_id", u->team_id, r->who->role == ROLE_ADMIN, "team.none", true);
    html_field_error(r, "team_id");
    html_printf(r, "<label for=\"f-locale\">%s</label><select id=\"f-locale\" name=\"locale\">", T(r, "field.locale"));
    html_printf(r, "<option value=\"\"%s>%s</option>", u->locale ? "" : " selected", T(r, "locale.auto"));
    html_printf(r, "<option value=\"zh-CN\"%s>中文（简体）</option>",
                u->locale && strcmp(u->locale, "zh-CN") == 0 ? " selected" : "");
    html_printf(r, "<option value=\"en\"%s>English</option></select>",
                u->locale && strcmp(u->locale, "en") == 0 ? " selected" : "");
    html_printf(r, "<label class=\"check\"><input type=\"checkbox\" name=\"disabled\" value=\"1\"%s> %s</label>",
                u->disabled ? " checked" : "", T(r, "people.disabled_label"));
    html_field_error(r, "disabled");
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></section>", T(r, "form.save"));
    html_printf(
        r, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/people/%lld/password\" class=\"stack\">",
        T(r, "people.reset_password"), (long long)u->id);
    html_csrf_field(r);
    html_printf(r,
                "<label for=\"f-new\">%s</label><input id=\"f-new\" name=\"password\" type=\"password\" "
                "autocomplete=\"new-password\" minlength=\"8\" required>",
                T(r, "field.new_password"));
    html_field_error(r, "password");
    html_printf(r, "<p class=\"muted\">%s</p><button type=\"submit\">%s</button></form>", T(r, "people.reset_hint"),
                T(r, "people.reset_submit"));
    html_printf(r, "<p class=\"muted\"><a href=\"/audit?entity=user&amp;entity_id=%lld\">%s</a></p></section></div>",
                (long long)u->id, T(r, "people.history"));
    page_end(r);
}

static int org_page_person(Req *r) {
    int64_t id;
    User u;
    if (req_path_id(r, "id", &id) != 0) return -1;
    if (org_user_get(r, id, &u) != 0) return req_fail(r, 404, NULL, "error.not_found");
    person_page(r, &u);
    return res_html_send(r, 200);
}

static int org_page_person_update(Req *r) {
    int64_t id, version;
    User u;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    UserInput in;
    read_person_form(r, &in, false);
    if (!req_error_count(r) && org_user_update(r, id, version, &in, &u) == 0)
        return res_redirect(r, arena_printf(r->arena, "/people/%lld?done=saved", (long long)id));
    if (org_user_get(r, id, &u) != 0) return req_fail(r, 404, NULL, "error.not_found");
    person_page(r, &u);
    return res_html_send(r, form_status(r));
}

static int org_page_person_password(Req *r) {
    int64_t id;
    User u;
    if (req_path_id(r, "id", &id) != 0) return -1;
    if (org_user_get(r, id, &u) != 0) return req_fail(r, 404, NULL, "error.not_found");
    if (strcmp(u.role, "admin") == 0 && r->who->role != ROLE_ADMIN) return req_fail(r, 403, NULL, "error.admin_only");
    const char *pw = req_form(r, "password");
    if (org_user_set_password(r, id, pw ? pw : "", 0) == 0)
        return res_redirect(r, arena_printf(r->arena, "/people/%lld?done=password_reset", (long long)id));
    person_page(r, &u);
    return res_html_send(r, form_status(r));
}

/* ---------- tokens ---------- */

static void tokens_page(Req *r, const char *new_token) {
    page_begin(r, T(r, "nav.tokens"), "nav.tokens");
    html_printf(r, "<h1>%s</h1><p class=\"muted\">%s</p>", T(r, "nav.tokens"), T(r, "tokens.lead"));
    flash_notice(r);
    flash_errors(r);
    if (new_token)
        html_printf(r, "<div class=\"flash flash-ok\" role=\"status\"><p>%s</p><code class=\"secret\">%s</code></div>",
                    T(r, "tokens.copy_now"), new_token);
    html_printf(r, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/tokens\" class=\"inline-form\">",
                T(r, "tokens.create"));
    html_csrf_field(r);
    html_printf(r,
                "<label for=\"f-token-name\">%s</label><input id=\"f-token-name\" name=\"name\" required "
                "maxlength=\"100\" placeholder=\"%s\">",
                T(r, "field.token_name"), T(r, "tokens.name_hint"));
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></section>", T(r, "form.create"));
    Token *tokens;
    int n = 0;
    if (org_tokens_list(r, r->who->user_id, &tokens, &n) != 0) n = 0;
    html_printf(r,
                "<section class=\"card\"><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
                "aria-label=\"%s\"><table class=\"list\"><thead><tr><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\"><span "
                "class=\"sr-only\">%s</span></th></tr></thead><tbody>",
                T(r, "nav.tokens"), T(r, "field.token_name"), T(r, "tokens.prefix"), T(r, "tokens.created"),
                T(r, "tokens.last_used"), T(r, "form.actions"));
    if (!n) html_printf(r, "<tr><td colspan=\"5\" class=\"empty\">%s</td></tr>", T(r, "tokens.empty"));
    for (int i = 0; i < n; i++) {
        const Token *t = &tokens[i];
        html_printf(r, "<tr class=\"%s\"><td>%s</td><td><code>%s…</code></td><td>%s</td><td>%s</td><td>",
                    t->revoked_at ? "disabled" : "", t->name, t->prefix, html_time(r, t->created_at, true),
                    t->last_used_at ? html_time(r, t->last_used_at, true) : T(r, "tokens.never"));
        if (t->revoked_at) html_printf(r, "%s", T(r, "tokens.revoked"));
        else {
            html_printf(r, "<form method=\"post\" action=\"/tokens/%lld/revoke\">", (long long)t->id);
            html_csrf_field(r);
            html_printf(r, "<button class=\"danger\" type=\"submit\">%s</button></form>", T(r, "tokens.revoke"));
        }
        html_raw(r, "</td></tr>");
    }
    html_raw(r, "</tbody></table></div></section>");
    page_end(r);
}

static int org_page_tokens(Req *r) {
    tokens_page(r, NULL);
    return res_html_send(r, 200);
}

static int org_page_tokens_create(Req *r) {
    const char *name = NULL;
    if (req_check_text(r, "name", req_form(r, "name"), 1, 100, true, &name) != 0) {
        tokens_page(r, NULL);
        return res_html_send(r, 422);
    }
    if (db_begin_write(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    char secret[AUTH_TOKEN_LEN + 8];
    int64_t id = auth_token_create(r->db, r->who->user_id, name, secret);
    if (id <= 0 || web_audit(r, "create", "token", id, NULL, NULL) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, 503, NULL, "error.db_unavailable");
    }
    /* Shown once, in this response; never again. */
    tokens_page(r, secret);
    return res_html_send(r, 201);
}

static int org_page_tokens_revoke(Req *r) {
    int64_t id;
    Token t;
    if (req_path_id(r, "id", &id) != 0) return -1;
    if (org_token_get(r, id, &t) != 0 || t.user_id != r->who->user_id) return req_fail(r, 404, NULL, "error.not_found");
    if (org_token_revoke(r, id) != 0) return -1;
    return res_redirect(r, "/tokens?done=token_revoked");
}

/* ---------- audit ---------- */

/* A stored JSON value as a person reads it: text unquoted, roles and
 * booleans translated, null as a dash. Arena memory. */
static const char *audit_value(Req *r, const char *key, json_t *v) {
    if (!v || json_is_null(v)) return "—";
    if (json_is_boolean(v)) return T(r, json_is_true(v) ? "audit.yes" : "audit.no");
    if (json_is_string(v)) {
        if (strcmp(key, "role") == 0) return role_label(r, json_string_value(v));
        if (strcmp(key, "locale") == 0) return strcmp(json_string_value(v), "en") == 0 ? "English" : "中文";
        return arena_strdup(r->arena, json_string_value(v));
    }
    char *dumped = json_dumps(v, JSON_ENCODE_ANY);
    const char *out = arena_strdup(r->arena, dumped ? dumped : "");
    free(dumped);
    return out;
}

/* "Field: before → after" for every key that changed, with field labels from
 * the catalog. Bookkeeping keys (ids, paths, versions, times) are left out. */
static void audit_changes(Req *r, const AuditEntry *e) {
    static const char *const hidden[] = {"id",    "version", "created_at", "updated_at", "path",
                                         "depth", "members", "team_id",    "parent_id",  NULL};
    json_t *before = e->before_json ? json_loads(e->before_json, 0, NULL) : NULL;
    json_t *after = e->after_json ? json_loads(e->after_json, 0, NULL) : NULL;
    json_t *base = after ? after : before;
    if (!base) {
        html_raw(r, "—");
        return;
    }
    html_raw(r, "<ul class=\"changes\">");
    const char *key;
    json_t *v;
    int shown = 0;
    json_object_foreach(base, key, v) {
        bool skip = false;
        for (const char *const *h = hidden; *h; h++) skip = skip || strcmp(*h, key) == 0;
        json_t *b = before ? json_object_get(before, key) : NULL, *a = after ? json_object_get(after, key) : NULL;
        if (skip || (b && a && json_equal(a, b))) continue;
        if (!before && (!a || json_is_null(a) || json_is_false(a))) continue; /* creation: only what was set */
        const char *label_key = arena_printf(r->arena, "audit.field.%s", key);
        const char *label = i18n_has(r->locale, label_key) ? T(r, label_key) : key;
        if (before && after)
            html_printf(r, "<li><span class=\"k\">%s</span> %s → %s</li>", label, audit_value(r, key, b),
                        audit_value(r, key, a));
        else html_printf(r, "<li><span class=\"k\">%s</span> %s</li>", label, audit_value(r, key, a ? a : b));
        if (++shown >= 8) break;
    }
    if (!shown) html_raw(r, "<li>—</li>");
    html_raw(r, "</ul>");
    json_decref(before);
    json_decref(after);
}

static int org_page_audit(Req *r) {
    AuditFilter f = {0};
    if (req_query_int(r, "user_id", 0, INT64_MAX, 0, &f.user_id) != 0 ||
        req_query_int(r, "entity_id", 0, INT64_MAX, 0, &f.entity_id) != 0 ||
        req_query_int(r, "cursor", 0, INT64_MAX, 0, &f.before_id) != 0)
        return -1;
    const char *entity = req_query(r, "entity"), *from = req_query(r, "from"), *to = req_query(r, "to");
    if (entity && *entity) f.entity = entity;
    if (from && *from && time_parse_iso(from, &f.from_ms) != 0) return req_fail(r, 400, "from", "error.bad_date");
    if (to && *to) {
        if (time_parse_iso(to, &f.to_ms) != 0) return req_fail(r, 400, "to", "error.bad_date");
        if (strlen(to) == 10) f.to_ms += 86400000; /* a date includes its whole day */
    }
    /* Dates typed in the form are local (display zone) days. */
    int64_t shift = (int64_t)60000 * web_display_offset_min();
    if (from && strlen(from) == 10) f.from_ms -= shift;
    if (to && strlen(to) == 10) f.to_ms -= shift;
    f.limit = 51;
    AuditEntry *rows;
    int n = 0;
    if (org_audit_list(r, &f, &rows, &n) != 0) return -1;
    bool more = n > 50;
    if (more) n = 50;
    page_begin(r, T(r, "nav.audit"), "nav.audit");
    html_printf(r, "<h1>%s</h1>", T(r, "nav.audit"));
    html_raw(r, "<form class=\"filters\" method=\"get\" action=\"/audit\">");
    UserFilter uf = {.include_disabled = true, .limit = 500};
    User *users;
    int nu = 0;
    org_users_list(r, &uf, &users, &nu);
    html_printf(r,
                "<label for=\"f-user\">%s</label><select id=\"f-user\" name=\"user_id\"><option value=\"\">%s</option>",
                T(r, "audit.who"), T(r, "audit.anyone"));
    for (int i = 0; i < nu; i++)
        html_printf(r, "<option value=\"%lld\"%s>%s (%s)</option>", (long long)users[i].id,
                    users[i].id == f.user_id ? " selected" : "", users[i].name, users[i].login);
    html_printf(r,
                "</select><label for=\"f-entity\">%s</label><select id=\"f-entity\" name=\"entity\"><option "
                "value=\"\">%s</option>",
                T(r, "audit.entity"), T(r, "audit.any_entity"));
    static const char *entities[] = {"team", "user", "token", "session"};
    for (size_t i = 0; i < 4; i++)
        html_printf(r, "<option value=\"%s\"%s>%s</option>", entities[i],
                    f.entity && strcmp(f.entity, entities[i]) == 0 ? " selected" : "",
                    T(r, arena_printf(r->arena, "audit.entity.%s", entities[i])));
    html_printf(
        r, "</select><label for=\"f-from\">%s</label><input id=\"f-from\" type=\"date\" name=\"from\" value=\"%s\">",
        T(r, "audit.from"), from ? from : "");
    html_printf(r, "<label for=\"f-to\">%s</label><input id=\"f-to\" type=\"date\" name=\"to\" value=\"%s\">",
                T(r, "audit.to"), to ? to : "");
    html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "form.filter"));
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table class=\"list "
                "audit\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "nav.audit"), T(r, "audit.when"), T(r, "audit.who"), T(r, "audit.action"), T(r, "audit.entity"),
                T(r, "audit.changes"));
    if (!n) html_printf(r, "<tr><td colspan=\"5\" class=\"empty\">%s</td></tr>", T(r, "audit.empty"));
    for (int i = 0; i < n; i++) {
        const AuditEntry *e = &rows[i];
        html_printf(r, "<tr><td><time>%s</time></td><td>%s</td><td>%s</td><td>%s</td><td>", html_time(r, e->at, true),
                    e->user_name ? e->user_name : T(r, "audit.cli"),
                    T(r, arena_printf(r->arena, "audit.action.%s", e->action)), audit_subject(r, e));
        audit_changes(r, e);
        html_raw(r, "</td></tr>");
    }
    html_raw(r, "</tbody></table></div>");
    if (more)
        html_printf(r,
                    "<p><a class=\"more\" "
                    "href=\"/audit?cursor=%lld&amp;user_id=%lld&amp;entity=%s&amp;from=%s&amp;to=%s\">%s</a></p>",
                    (long long)rows[n - 1].id, (long long)f.user_id, url_encode(r, f.entity ? f.entity : ""),
                    url_encode(r, from ? from : ""), url_encode(r, to ? to : ""), T(r, "list.next"));
    page_end(r);
    return res_html_send(r, 200);
}

static const Route org_page_routes[] = {
    {"GET", "/login", org_page_login, ACCESS_PUBLIC, NULL, 0, false},
    {"POST", "/login", org_page_login_post, ACCESS_PUBLIC, NULL, 0, false},
    {"POST", "/logout", org_page_logout, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/lang", org_page_lang, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/", org_page_home, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/profile", org_page_profile, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/profile", org_page_profile_post, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/profile/password", org_page_profile_password, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/teams", org_page_teams, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/teams", org_page_teams_create, ACCESS_TEAM_MANAGE, org_scope_team_parent, 0, false},
    {"POST", "/teams/{id}", org_page_teams_update, ACCESS_TEAM_MANAGE, org_scope_team, 0, false},
    {"POST", "/teams/{id}/delete", org_page_teams_delete, ACCESS_TEAM_MANAGE, org_scope_team, 0, false},
    {"GET", "/people", org_page_people, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/people", org_page_people_create, ACCESS_TEAM_MANAGE, org_scope_user_new, 0, false},
    {"GET", "/people/{id}", org_page_person, ACCESS_TEAM_READ, org_scope_user, 0, false},
    {"POST", "/people/{id}", org_page_person_update, ACCESS_TEAM_MANAGE, org_scope_user, 0, false},
    {"POST", "/people/{id}/password", org_page_person_password, ACCESS_TEAM_MANAGE, org_scope_user, 0, false},
    {"GET", "/tokens", org_page_tokens, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/tokens", org_page_tokens_create, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/tokens/{id}/revoke", org_page_tokens_revoke, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/audit", org_page_audit, ACCESS_ADMIN, NULL, 0, false},
};
ROUTE_TABLE(org_page, org_page_routes);
