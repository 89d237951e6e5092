/* tasks_page.c — HTML pages: my tasks and the team list with filters, a
 * task's detail (Markdown, checklist, comments, dependencies, subtasks, edit
 * form), the kanban board (moving a card is a form post with the version:
 * htmx where present, plain post otherwise) and the responsibility view.
 * Every value is written through html_printf, which escapes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../org/org.h"
#include "../goals/goals.h"
#include "../web/web_html.h"
#include "tasks.h"

static const char *const STATUSES[] = {"todo", "in_progress", "blocked", "done", "cancelled"};
static const char *const PRIORITIES[] = {"low", "normal", "high", "urgent"};

static const char *status_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "tasks.status.%s", s)); }
static const char *priority_label(Req *r, const char *s) {
    return T(r, arena_printf(r->arena, "tasks.priority.%s", s));
}
static const char *due_label(Req *r, const char *s) { return T(r, arena_printf(r->arena, "tasks.due.%s", s)); }
static bool is_writer(Req *r) { return r->who->role != ROLE_VIEWER; }
static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++) {
        const char *label_key = e[i].field ? arena_printf(r->arena, "tasks.field.%s", e[i].field) : NULL;
        if (label_key && i18n_has(r->locale, label_key))
            html_printf(
                r, "<li>%s</li>",
                i18n_fmt(r->arena, r->locale, "form.error_item", 2, (const char *[]){T(r, label_key), e[i].message}));
        else html_printf(r, "<li>%s</li>", e[i].message);
    }
    html_raw(r, "</ul></div>");
}

/* The status of a refused form: the one the model recorded (403/404/409/412 …),
 * else 422 for field errors. */
static int error_status(Req *r) { return req_status(r) ? req_status(r) : 422; }

static void due_cell(Req *r, const Task *t, int64_t now) {
    if (!t->due_at) {
        html_printf(r, "<span class=\"muted\">%s</span>", T(r, "tasks.no_due"));
        return;
    }
    if (tasks_is_overdue(t, now))
        html_printf(r, "<span class=\"overdue\">%s · %s</span>", html_time(r, t->due_at, true), T(r, "tasks.overdue"));
    else html_printf(r, "%s", html_time(r, t->due_at, true));
}

static void tag_list(Req *r, const char *tags) {
    for (const char *p = tags ? tags + 1 : ""; *p;) {
        const char *e = strchr(p, ',');
        if (!e) break;
        const char *tag = arena_strndup(r->arena, p, (size_t)(e - p));
        html_printf(r, " <a class=\"tag\" href=\"/tasks?view=team&amp;tag=%s\">%s</a>", url_encode(r, tag), tag);
        p = e + 1;
    }
}

/* <select> of the people the caller can read (owner, filters). */
static void people_select(Req *r, const char *id, const char *name, int64_t selected, const char *none_key) {
    UserFilter f = {.team_path = web_read_scope(r), .limit = 500};
    User *people;
    int n = 0;
    if (org_users_list(r, &f, &people, &n) != 0) n = 0;
    html_printf(r, "<select id=\"%s\" name=\"%s\">", id, name);
    if (none_key) html_printf(r, "<option value=\"\">%s</option>", T(r, none_key));
    for (int i = 0; i < n; i++)
        html_printf(r, "<option value=\"%lld\"%s>%s (%s)</option>", (long long)people[i].id,
                    people[i].id == selected ? " selected" : "", people[i].name, people[i].login);
    html_raw(r, "</select>");
}

static void choice_select(Req *r, const char *id, const char *name, const char *const *values, int n,
                          const char *selected, const char *(*label)(Req *, const char *), const char *none_key) {
    html_printf(r, "<select id=\"%s\" name=\"%s\">", id, name);
    if (none_key) html_printf(r, "<option value=\"\">%s</option>", T(r, none_key));
    for (int i = 0; i < n; i++)
        html_printf(r, "<option value=\"%s\"%s>%s</option>", values[i],
                    selected && strcmp(selected, values[i]) == 0 ? " selected" : "", label(r, values[i]));
    html_raw(r, "</select>");
}

/* "YYYY-MM-DDTHH:MM" in the display zone for datetime-local inputs. */
static const char *local_input(Req *r, int64_t ms) {
    if (!ms) return "";
    char iso[32];
    time_format_iso(ms + (int64_t)web_display_offset_min() * 60000, iso, sizeof iso);
    iso[16] = 0;
    return arena_strdup(r->arena, iso);
}

/* The task fields of the create and edit forms. t: current values (or NULL). */
static void task_fields(Req *r, const Task *t) {
    html_raw(r, "<div class=\"grid form-grid\">");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-title\">%s</label><input id=\"f-title\" name=\"title\" required "
                "maxlength=\"200\" value=\"%s\"></div>",
                T(r, "tasks.field.title"), t ? t->title : "");
    html_printf(r, "<div class=\"stack\"><label for=\"f-owner\">%s</label>", T(r, "tasks.field.owner_id"));
    people_select(r, "f-owner", "owner_id", t ? t->owner_id : r->who->user_id, NULL);
    html_raw(r, "</div>");
    html_printf(r, "<div class=\"stack\"><label for=\"f-status\">%s</label>", T(r, "tasks.field.status"));
    choice_select(r, "f-status", "status", STATUSES, 5, t ? t->status : "todo", status_label, NULL);
    html_raw(r, "</div>");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-reason\">%s</label><input id=\"f-reason\" name=\"blocked_reason\" "
                "maxlength=\"500\" value=\"%s\"></div>",
                T(r, "tasks.field.blocked_reason"), t && t->blocked_reason ? t->blocked_reason : "");
    html_printf(r, "<div class=\"stack\"><label for=\"f-priority\">%s</label>", T(r, "tasks.field.priority"));
    choice_select(r, "f-priority", "priority", PRIORITIES, 4, t ? t->priority : "normal", priority_label, NULL);
    html_raw(r, "</div>");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-start\">%s</label><input id=\"f-start\" name=\"start_at\" "
                "type=\"datetime-local\" value=\"%s\"></div>",
                T(r, "tasks.field.start_at"), t ? local_input(r, t->start_at) : "");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-due\">%s</label><input id=\"f-due\" name=\"due_at\" "
                "type=\"datetime-local\" value=\"%s\"></div>",
                T(r, "tasks.field.due_at"), t ? local_input(r, t->due_at) : "");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-recurrence\">%s</label><input id=\"f-recurrence\" "
                "name=\"recurrence\" maxlength=\"60\" value=\"%s\" placeholder=\"weekly:mon,thu\"><p "
                "class=\"hint\">%s</p></div>",
                T(r, "tasks.field.recurrence"), t && t->recurrence ? t->recurrence : "", T(r, "tasks.recurrence_hint"));
    Buf tags = {0};
    for (const char *p = t && t->tags ? t->tags + 1 : ""; *p; p++) buf_putc(&tags, *p == ',' && p[1] ? ',' : *p);
    const char *tags_text = arena_strdup(r->arena, buf_cstr(&tags));
    buf_free(&tags);
    size_t tl = strlen(tags_text);
    if (tl && tags_text[tl - 1] == ',') ((char *)tags_text)[tl - 1] = 0;
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-tags\">%s</label><input id=\"f-tags\" name=\"tags\" "
                "maxlength=\"300\" value=\"%s\"><p class=\"hint\">%s</p></div>",
                T(r, "tasks.field.tags"), tags_text, T(r, "tasks.tags_hint"));
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-parent\">%s</label><input id=\"f-parent\" name=\"parent_id\" "
                "inputmode=\"numeric\" value=\"%s\"></div>",
                T(r, "tasks.field.parent_id"),
                t && t->parent_id ? arena_printf(r->arena, "%lld", (long long)t->parent_id) : "");
    Buf deps = {0};
    for (int i = 0; t && i < t->n_blocked_by; i++)
        buf_printf(&deps, "%s%lld", i ? "," : "", (long long)t->blocked_by[i]);
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-deps\">%s</label><input id=\"f-deps\" name=\"blocked_by\" "
                "value=\"%s\"><p class=\"hint\">%s</p></div>",
                T(r, "tasks.field.blocked_by"), buf_cstr(&deps), T(r, "tasks.ids_hint"));
    buf_free(&deps);
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-goal\">%s</label><input id=\"f-goal\" name=\"goal_id\" "
                "inputmode=\"numeric\" value=\"%s\"></div>",
                T(r, "tasks.field.goal_id"),
                t && t->goal_id ? arena_printf(r->arena, "%lld", (long long)t->goal_id) : "");
    /* The key result this task counts towards (its goal follows). */
    GoalKrOption *krs;
    int n_krs = 0;
    if (goals_kr_options(r, &krs, &n_krs) != 0) n_krs = 0;
    int64_t kr_selected = t ? t->key_result_id : 0;
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-kr\">%s</label><select id=\"f-kr\" name=\"key_result_id\">"
                "<option value=\"\">%s</option>",
                T(r, "tasks.field.key_result_id"), T(r, "tasks.no_key_result"));
    for (int i = 0; i < n_krs; i++)
        html_printf(r, "<option value=\"%lld\"%s>%s — %s</option>", (long long)krs[i].id,
                    krs[i].id == kr_selected ? " selected" : "", krs[i].goal_title, krs[i].metric);
    html_raw(r, "</select>");
    html_field_error(r, "key_result_id");
    html_raw(r, "</div>");
    html_printf(r, "<label class=\"check\"><input type=\"checkbox\" name=\"milestone\" value=\"1\"%s> %s</label></div>",
                t && t->milestone ? " checked" : "", T(r, "tasks.field.milestone"));
    html_printf(r,
                "<label for=\"f-desc\">%s</label><textarea id=\"f-desc\" name=\"description\" rows=\"5\" "
                "maxlength=\"20000\">%s</textarea><p class=\"hint\">%s</p>",
                T(r, "tasks.field.description"), t ? t->description : "", T(r, "tasks.markdown_hint"));
}

static int64_t parse_ids(Req *r, const char *s, int64_t **out) {
    int n = 0;
    *out = arena_alloc(r->arena, sizeof(int64_t) * TASKS_MAX_LINKS);
    for (const char *p = s ? s : ""; *p && n < TASKS_MAX_LINKS;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        if (v > 0) (*out)[n++] = v;
        p = end;
    }
    return n;
}

/* Reads the create/edit form into in; field errors are recorded on r. */
static void read_task_form(Req *r, TaskInput *in) {
    in->has_title = true;
    req_check_text(r, "title", req_form(r, "title"), 1, 200, true, &in->title);
    in->has_description = true;
    in->description = req_form(r, "description") ? req_form(r, "description") : "";
    const char *owner = req_form(r, "owner_id");
    in->has_owner = true;
    in->owner_id = owner && *owner ? strtoll(owner, NULL, 10) : r->who->user_id;
    in->has_status = true;
    in->status = req_form(r, "status") ? req_form(r, "status") : "todo";
    if (!tasks_status_valid(in->status)) req_error(r, "status", "tasks.error.status");
    in->has_priority = true;
    in->priority = req_form(r, "priority") ? req_form(r, "priority") : "normal";
    if (!tasks_priority_valid(in->priority)) req_error(r, "priority", "tasks.error.priority");
    in->has_blocked_reason = true;
    req_check_text(r, "blocked_reason", req_form(r, "blocked_reason"), 0, 500, false, &in->blocked_reason);
    const char *times[2] = {"start_at", "due_at"};
    int64_t *dest[2] = {&in->start_at, &in->due_at};
    for (int i = 0; i < 2; i++) {
        const char *v = req_form(r, times[i]);
        if (!v || !*v) continue;
        /* datetime-local has no zone: the display zone (UTC+8) is meant. */
        if (time_parse_iso(strlen(v) == 16 ? arena_printf(r->arena, "%s+08:00", v) : v, dest[i]) != 0)
            req_error(r, times[i], "error.bad_date");
    }
    in->has_start = in->has_due = true;
    const char *rec = req_form(r, "recurrence");
    in->has_recurrence = true;
    if (rec && *rec) {
        TaskRule rule;
        if (tasks_recur_parse(rec, &rule) == 0) in->recurrence = tasks_recur_format(r->arena, &rule);
        else req_error(r, "recurrence", "tasks.error.recurrence");
    }
    in->has_milestone = true;
    in->milestone = req_form(r, "milestone") != NULL;
    const char *parent = req_form(r, "parent_id"), *goal = req_form(r, "goal_id");
    in->has_parent = in->has_goal = true;
    in->parent_id = parent && *parent ? strtoll(parent, NULL, 10) : 0;
    in->goal_id = goal && *goal ? strtoll(goal, NULL, 10) : 0;
    const char *kr = req_form(r, "key_result_id");
    in->has_key_result = true;
    in->key_result_id = kr && *kr ? strtoll(kr, NULL, 10) : 0;
    in->has_blocked_by = true;
    in->n_blocked_by = (int)parse_ids(r, req_form(r, "blocked_by"), &in->blocked_by);
    in->has_tags = true;
    in->tags = arena_alloc(r->arena, sizeof(char *) * TASKS_MAX_TAGS);
    char *copy = arena_strdup(r->arena, req_form(r, "tags") ? req_form(r, "tags") : "");
    for (char *tok = strtok(copy, ",，"); tok; tok = strtok(NULL, ",，")) {
        const char *tag;
        while (*tok == ' ') tok++;
        if (!*tok) continue;
        if (in->n_tags >= TASKS_MAX_TAGS) {
            req_error(r, "tags", "tasks.error.tags");
            break;
        }
        if (req_check_text(r, "tags", tok, 1, 30, true, &tag) == 0) in->tags[in->n_tags++] = tag;
    }
}

/* ---------- list ---------- */

/* typed: what a refused create form held (kept in the form), else NULL. */
static void list_page(Req *r, const Task *typed) {
    const char *view = req_query(r, "view");
    bool mine = !view || strcmp(view, "team") != 0;
    TaskFilter f = {.scope_path = web_read_scope(r), .limit = 200};
    if (mine) f.owner_id = r->who->user_id;
    const char *status = req_query(r, "status"), *tag = req_query(r, "tag"), *due = req_query(r, "due");
    if (status && (tasks_status_valid(status) || strcmp(status, "open") == 0)) f.status = status;
    else status = NULL;
    if (tag && *tag) f.tag = tag;
    else tag = NULL;
    if (due && strcmp(due, "overdue") == 0) f.due = TASK_DUE_OVERDUE;
    else if (due && strcmp(due, "today") == 0) f.due = TASK_DUE_TODAY;
    else if (due && strcmp(due, "week") == 0) f.due = TASK_DUE_WEEK;
    else if (due && strcmp(due, "none") == 0) f.due = TASK_DUE_NONE;
    else due = NULL;
    int64_t owner = 0;
    if (!mine && req_query_int(r, "owner", 1, INT64_MAX, 0, &owner) == 0) f.owner_id = owner;
    page_begin(r, T(r, "tasks.title"), "nav.tasks");
    html_printf(r,
                "<div class=\"page-head\"><h1>%s</h1><nav class=\"actions\" aria-label=\"%s\"><a href=\"/tasks\" "
                "aria-current=\"%s\">%s</a>"
                " <a href=\"/tasks?view=team\" aria-current=\"%s\">%s</a> <a href=\"/tasks/board\">%s</a> <a "
                "href=\"/tasks/calendar\">%s</a>"
                " <a href=\"/tasks/timeline\">%s</a> <a href=\"/tasks/responsibility\">%s</a> <a "
                "href=\"/api/v1/tasks/export.csv\">%s</a> <a href=\"/tasks/import\">%s</a></nav></div>",
                T(r, "tasks.title"), T(r, "tasks.views"), mine ? "page" : "false", T(r, "tasks.mine"),
                mine ? "false" : "page", T(r, "tasks.team"), T(r, "tasks.board"), T(r, "tasks.calendar"),
                T(r, "tasks.timeline"), T(r, "tasks.responsibility"), T(r, "tasks.export"), T(r, "tasks.import"));
    flash_errors(r);
    html_printf(r,
                "<form class=\"filters card\" method=\"get\" action=\"/tasks\"><input type=\"hidden\" name=\"view\" "
                "value=\"%s\">",
                mine ? "mine" : "team");
    if (!mine) {
        html_printf(r, "<div class=\"stack\"><label for=\"q-owner\">%s</label>", T(r, "tasks.field.owner_id"));
        people_select(r, "q-owner", "owner", owner, "tasks.anyone");
        html_raw(r, "</div>");
    }
    static const char *const status_filter[] = {"open", "todo", "in_progress", "blocked", "done", "cancelled"};
    html_printf(r, "<div class=\"stack\"><label for=\"q-status\">%s</label>", T(r, "tasks.field.status"));
    choice_select(r, "q-status", "status", status_filter, 6, status, status_label, "tasks.any");
    html_raw(r, "</div>");
    static const char *const due_filter[] = {"overdue", "today", "week", "none"};
    html_printf(r, "<div class=\"stack\"><label for=\"q-due\">%s</label>", T(r, "tasks.field.due_at"));
    choice_select(r, "q-due", "due", due_filter, 4, due, due_label, "tasks.any");
    html_printf(r,
                "</div><div class=\"stack\"><label for=\"q-tag\">%s</label><input id=\"q-tag\" name=\"tag\" "
                "value=\"%s\"></div><button type=\"submit\">%s</button></form>",
                T(r, "tasks.field.tags"), tag ? tag : "", T(r, "form.filter"));
    Task *rows;
    int n = 0;
    if (tasks_list(r, &f, &rows, &n) != 0) n = 0;
    int64_t now = time_now_ms();
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", mine ? T(r, "tasks.mine") : T(r, "tasks.team"));
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "tasks.empty"));
    else {
        bool bulk = is_writer(r); /* checkboxes of the bulk form (tasks_bulk.c) */
        html_printf(r,
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\"><table "
                    "class=\"list tasks-list\"><thead><tr>",
                    T(r, "tasks.title"));
        if (bulk) html_printf(r, "<th scope=\"col\"><span class=\"sr-only\">%s</span></th>", T(r, "tasks.bulk"));
        html_printf(r,
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                    "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                    T(r, "tasks.field.title"), T(r, "tasks.field.owner_id"), T(r, "tasks.field.status"),
                    T(r, "tasks.field.priority"), T(r, "tasks.field.due_at"));
        for (int i = 0; i < n; i++) {
            const Task *t = &rows[i];
            if (tasks_is_overdue(t, now)) html_raw(r, "<tr class=\"late\">");
            else html_raw(r, "<tr>");
            if (bulk)
                html_printf(r,
                            "<td><input type=\"checkbox\" form=\"bulk-form\" name=\"ids\" value=\"%lld\" "
                            "aria-label=\"%s\"></td>",
                            (long long)t->id,
                            i18n_fmt(r->arena, r->locale, "tasks.bulk_select", 1, (const char *[]){t->title}));
            html_printf(r, "<td><a href=\"/tasks/%lld\">%s</a>%s", (long long)t->id, t->title,
                        t->milestone ? " ◆" : "");
            tag_list(r, t->tags);
            html_printf(r, "</td><td>%s</td><td><span class=\"status status-%s\">%s</span></td><td>%s</td><td>",
                        t->owner_name, t->status, status_label(r, t->status), priority_label(r, t->priority));
            due_cell(r, t, now);
            html_raw(r, "</td></tr>");
        }
        html_raw(r, "</tbody></table></div>");
        if (bulk) tasks_bulk_form(r, mine ? "/tasks" : "/tasks?view=team");
    }
    html_raw(r, "</section>");
    if (is_writer(r)) {
        html_printf(
            r,
            "<details class=\"card\"%s><summary>%s</summary><form method=\"post\" action=\"/tasks\" class=\"stack\">",
            req_error_count(r) ? " open" : "", T(r, "tasks.create"));
        html_csrf_field(r);
        task_fields(r, typed);
        html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form></details>", T(r, "form.create"));
    }
    page_end(r);
}

static int tasks_page_list(Req *r) {
    list_page(r, NULL);
    return res_html_send(r, 200);
}

/* The refused create form's values as a Task, so that the form shows them again. */
static void typed_task(Req *r, const TaskInput *in, Task *t) {
    memset(t, 0, sizeof *t);
    t->title = in->title ? in->title : (req_form(r, "title") ? req_form(r, "title") : "");
    t->description = in->description ? in->description : "";
    t->owner_id = in->owner_id;
    t->status = in->status && tasks_status_valid(in->status) ? in->status : "todo";
    t->blocked_reason = in->blocked_reason && *in->blocked_reason ? in->blocked_reason : NULL;
    t->priority = in->priority && tasks_priority_valid(in->priority) ? in->priority : "normal";
    t->start_at = in->start_at;
    t->due_at = in->due_at;
    t->milestone = in->milestone;
    t->parent_id = in->parent_id;
    t->goal_id = in->goal_id;
    t->key_result_id = in->key_result_id;
    t->recurrence = in->recurrence ? in->recurrence : req_form(r, "recurrence");
    Buf tags = {0};
    buf_putc(&tags, ',');
    for (int i = 0; i < in->n_tags; i++) buf_printf(&tags, "%s,", in->tags[i]);
    t->tags = arena_strdup(r->arena, buf_cstr(&tags));
    buf_free(&tags);
    t->blocked_by = in->blocked_by;
    t->n_blocked_by = in->n_blocked_by;
}

static int tasks_page_create(Req *r) {
    TaskInput in = {0};
    Task t;
    read_task_form(r, &in);
    if (!req_error_count(r) && tasks_create(r, &in, &t) == 0)
        return res_redirect(r, arena_printf(r->arena, "/tasks/%lld", (long long)t.id));
    typed_task(r, &in, &t);
    list_page(r, &t);
    return res_html_send(r, error_status(r));
}

/* ---------- detail ---------- */

/* Comment text with @login mentions as links (the rest escaped). */
static void comment_body(Req *r, const TaskComment *c) {
    html_raw(r, "<p class=\"comment-body\">");
    const char *p = c->body;
    while (*p) {
        const char *at = strchr(p, '@');
        bool linked = false;
        if (at) {
            for (int i = 0; i < c->n_mentions; i++) {
                size_t n = strlen(c->mentions[i]);
                if (strncmp(at + 1, c->mentions[i], n) == 0 &&
                    !strchr("abcdefghijklmnopqrstuvwxyz0123456789_", at[1 + n] ? at[1 + n] : '#')) {
                    html_printf(r, "%s", arena_strndup(r->arena, p, (size_t)(at - p)));
                    html_printf(r, "<a class=\"mention\" href=\"/people?q=%s\">@%s</a>", url_encode(r, c->mentions[i]),
                                c->mentions[i]);
                    p = at + 1 + n;
                    linked = true;
                    break;
                }
            }
            if (!linked) {
                html_printf(r, "%s", arena_strndup(r->arena, p, (size_t)(at - p + 1)));
                p = at + 1;
            }
        } else {
            html_printf(r, "%s", p);
            break;
        }
    }
    html_raw(r, "</p>");
}

static void detail_page(Req *r, const Task *t) {
    int64_t now = time_now_ms();
    page_begin(r, t->title, "nav.tasks");
    html_printf(r, "<p class=\"crumbs\"><a href=\"/tasks\">%s</a> / #%lld</p>", T(r, "tasks.title"), (long long)t->id);
    html_printf(r, "<div class=\"page-head\"><h1>%s%s</h1><span class=\"status status-%s\">%s</span></div>", t->title,
                t->milestone ? " ◆" : "", t->status, status_label(r, t->status));
    flash_errors(r);
    html_raw(r, "<div class=\"grid two\"><section class=\"card\"><dl class=\"facts\">");
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.owner_id"), t->owner_name);
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.team_id"), t->team_name);
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.priority"), priority_label(r, t->priority));
    if (t->blocked_reason)
        html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.blocked_reason"), t->blocked_reason);
    html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.start_at"),
                t->start_at ? html_time(r, t->start_at, true) : "—");
    html_printf(r, "<dt>%s</dt><dd>", T(r, "tasks.field.due_at"));
    due_cell(r, t, now);
    html_raw(r, "</dd>");
    if (t->recurrence) html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.field.recurrence"), t->recurrence);
    if (t->completed_at)
        html_printf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "tasks.completed"), html_time(r, t->completed_at, true));
    if (t->goal_id)
        html_printf(r, "<dt>%s</dt><dd><a href=\"/goals/%lld\">#%lld</a>%s</dd>", T(r, "tasks.field.goal_id"),
                    (long long)t->goal_id, (long long)t->goal_id,
                    t->key_result_id
                        ? i18n_fmt(r->arena, r->locale, "tasks.counts_toward_kr", 1,
                                   (const char *[]){arena_printf(r->arena, "%lld", (long long)t->key_result_id)})
                        : "");
    if (t->parent_id)
        html_printf(r, "<dt>%s</dt><dd><a href=\"/tasks/%lld\">#%lld</a></dd>", T(r, "tasks.field.parent_id"),
                    (long long)t->parent_id, (long long)t->parent_id);
    html_printf(r, "<dt>%s</dt><dd>", T(r, "tasks.field.tags"));
    tag_list(r, t->tags);
    html_raw(r, "</dd></dl>");
    html_markdown(r, t->description);
    html_raw(r, "</section><section class=\"card\">");
    /* Checklist */
    TaskCheckItem *items;
    int n_items = 0;
    tasks_checklist(r, t->id, &items, &n_items);
    bool editor = tasks_may_edit(r, t);
    html_printf(r, "<h2>%s</h2><ul class=\"checklist\">", T(r, "tasks.checklist"));
    for (int i = 0; i < n_items; i++) {
        if (editor) {
            html_printf(r, "<li><form method=\"post\" action=\"/tasks/%lld/checklist/%lld\">", (long long)t->id,
                        (long long)items[i].id);
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"done\" value=\"%d\"><button type=\"submit\" class=\"tick\" "
                        "aria-pressed=\"%s\">%s</button> <span class=\"%s\">%s</span></form></li>",
                        items[i].done ? 0 : 1, items[i].done ? "true" : "false", items[i].done ? "☑" : "☐",
                        items[i].done ? "done" : "", items[i].text);
        } else {
            html_printf(r, "<li>%s <span>%s</span></li>", items[i].done ? "☑" : "☐", items[i].text);
        }
    }
    html_raw(r, "</ul>");
    if (editor) {
        html_printf(r, "<form method=\"post\" action=\"/tasks/%lld/checklist\" class=\"inline-form\">",
                    (long long)t->id);
        html_csrf_field(r);
        html_printf(r,
                    "<label for=\"f-item\">%s</label><input id=\"f-item\" name=\"text\" required maxlength=\"200\">"
                    "<button type=\"submit\">%s</button></form>",
                    T(r, "tasks.check_item"), T(r, "tasks.check_add"));
    }
    /* Dependencies and subtasks */
    html_printf(r, "<h2>%s</h2>", T(r, "tasks.field.blocked_by"));
    if (!t->n_blocked_by) html_printf(r, "<p class=\"muted\">%s</p>", T(r, "tasks.none"));
    else {
        html_raw(r, "<ul>");
        for (int i = 0; i < t->n_blocked_by; i++) {
            Task b;
            if (tasks_get(r, t->blocked_by[i], &b) == 0)
                html_printf(r, "<li><a href=\"/tasks/%lld\">#%lld %s</a> · %s</li>", (long long)b.id, (long long)b.id,
                            b.title, status_label(r, b.status));
        }
        html_raw(r, "</ul>");
    }
    Task *kids;
    int n_kids = 0;
    tasks_children(r, t->id, &kids, &n_kids);
    html_printf(r, "<h2>%s</h2>", T(r, "tasks.subtasks"));
    if (n_kids) {
        html_printf(r, "<p>%s</p><ul>",
                    i18n_fmt(r->arena, r->locale, "tasks.progress", 2,
                             (const char *[]){html_int(r, t->n_subtasks_done), html_int(r, t->n_subtasks)}));
        for (int i = 0; i < n_kids; i++)
            html_printf(r, "<li><a href=\"/tasks/%lld\">%s</a> · %s</li>", (long long)kids[i].id, kids[i].title,
                        status_label(r, kids[i].status));
        html_raw(r, "</ul>");
    } else html_printf(r, "<p class=\"muted\">%s</p>", T(r, "tasks.none"));
    html_raw(r, "</section></div>");
    /* Comments */
    TaskComment *comments;
    int n_comments = 0;
    tasks_comments(r, t->id, &comments, &n_comments);
    html_printf(r, "<section class=\"card\"><h2>%s</h2><ul class=\"comments\">", T(r, "tasks.comments"));
    for (int i = 0; i < n_comments; i++) {
        html_printf(r, "<li><p class=\"muted\">%s · <time>%s</time></p>", comments[i].author_name,
                    html_time(r, comments[i].created_at, true));
        comment_body(r, &comments[i]);
        html_raw(r, "</li>");
    }
    html_raw(r, "</ul>");
    if (is_writer(r)) {
        html_printf(r, "<form method=\"post\" action=\"/tasks/%lld/comments\" class=\"stack\">", (long long)t->id);
        html_csrf_field(r);
        html_printf(r,
                    "<label for=\"f-comment\">%s</label><textarea id=\"f-comment\" name=\"body\" rows=\"3\" required "
                    "maxlength=\"5000\"></textarea><p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
                    T(r, "tasks.comment"), T(r, "tasks.mention_hint"), T(r, "tasks.comment_add"));
    }
    html_raw(r, "</section>");
    if (editor) {
        html_printf(r, "<details class=\"card\"%s><summary>%s</summary>", req_error_count(r) ? " open" : "",
                    T(r, "form.edit"));
        html_printf(r, "<form method=\"post\" action=\"/tasks/%lld\" class=\"stack\">", (long long)t->id);
        html_csrf_field(r);
        html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)t->version);
        task_fields(r, t);
        html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "form.save"));
        if (tasks_may_delete(r, t)) {
            html_printf(r, "<form method=\"post\" action=\"/tasks/%lld/delete\" class=\"inline-form\">",
                        (long long)t->id);
            html_csrf_field(r);
            html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)t->version);
            html_printf(r, "<button class=\"danger\" type=\"submit\" hx-confirm=\"%s\">%s</button></form>",
                        T(r, "tasks.delete_confirm"), T(r, "form.delete"));
        }
        html_raw(r, "</details>");
    }
    page_end(r);
}

static int load(Req *r, Task *t) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = tasks_get(r, id, t);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

static int tasks_page_show(Req *r) {
    Task t;
    if (load(r, &t) != 0) return -1;
    detail_page(r, &t);
    return res_html_send(r, 200);
}

/* After a refused change: the detail page again with the messages. */
static int show_again(Req *r, int64_t id) {
    Task t;
    if (tasks_get(r, id, &t) != 0) return -1;
    int status = req_error_count(r) ? error_status(r) : 422;
    detail_page(r, &t);
    return res_html_send(r, status);
}

static int tasks_page_update(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    TaskInput in = {0};
    Task t;
    read_task_form(r, &in);
    if (!req_error_count(r) && tasks_update(r, id, version, &in, &t) == 0)
        return res_redirect(r, arena_printf(r->arena, "/tasks/%lld?done=saved", (long long)id));
    return show_again(r, id);
}

static int tasks_page_move(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    TaskInput in = {.has_status = true, .status = req_form(r, "status")};
    if (!tasks_status_valid(in.status)) return req_fail(r, 422, "status", "tasks.error.status");
    const char *reason = req_form(r, "blocked_reason");
    if (reason && *reason) {
        in.has_blocked_reason = true;
        if (req_check_text(r, "blocked_reason", reason, 1, 500, true, &in.blocked_reason) != 0) return -1;
    }
    Task t;
    if (tasks_update(r, id, version, &in, &t) != 0) return -1;
    return res_redirect(r, "/tasks/board");
}

static int tasks_page_delete(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    if (tasks_delete(r, id, version) != 0) return -1;
    return res_redirect(r, "/tasks");
}

static int tasks_page_comment(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    const char *body = req_form(r, "body");
    TaskComment c;
    size_t n = body ? strlen(body) : 0;
    if (!n || strspn(body, " \t\r\n") == n) req_error(r, "body", "error.required");
    else if (n > 20000) req_error(r, "body", "error.too_long");
    else if (tasks_comment_add(r, id, body, &c) == 0)
        return res_redirect(r, arena_printf(r->arena, "/tasks/%lld", (long long)id));
    return show_again(r, id);
}

static int tasks_page_check_add(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    const char *text;
    TaskCheckItem c;
    if (req_check_text(r, "text", req_form(r, "text"), 1, 200, true, &text) == 0 &&
        tasks_check_add(r, id, text, &c) == 0)
        return res_redirect(r, arena_printf(r->arena, "/tasks/%lld", (long long)id));
    return show_again(r, id);
}

static int tasks_page_check_toggle(Req *r) {
    int64_t id, item;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "item", &item) != 0) return -1;
    const char *done = req_form(r, "done");
    TaskCheckItem c;
    if (tasks_check_update(r, id, item, NULL, done && strcmp(done, "1") == 0, &c) == 0)
        return res_redirect(r, arena_printf(r->arena, "/tasks/%lld", (long long)id));
    return show_again(r, id);
}

/* ---------- board ---------- */

static int tasks_page_board(Req *r) {
    const char *view = req_query(r, "view");
    bool mine = view && strcmp(view, "mine") == 0;
    TaskFilter f = {.scope_path = web_read_scope(r), .limit = 500};
    if (mine) f.owner_id = r->who->user_id;
    Task *rows;
    int n = 0;
    if (tasks_list(r, &f, &rows, &n) != 0) n = 0;
    int64_t now = time_now_ms();
    page_begin(r, T(r, "tasks.board"), "nav.tasks");
    html_printf(
        r,
        "<div class=\"page-head\"><h1>%s</h1><nav class=\"actions\" aria-label=\"%s\"><a href=\"/tasks\">%s</a> "
        "<a href=\"/tasks/board\" aria-current=\"%s\">%s</a> <a href=\"/tasks/board?view=mine\" "
        "aria-current=\"%s\">%s</a></nav></div>",
        T(r, "tasks.board"), T(r, "tasks.views"), T(r, "tasks.title"), mine ? "false" : "page", T(r, "tasks.team"),
        mine ? "page" : "false", T(r, "tasks.mine"));
    if (is_writer(r)) {
        html_printf(r, "<form method=\"post\" action=\"/tasks\" class=\"inline-form card board-add\">");
        html_csrf_field(r);
        html_printf(r,
                    "<label for=\"b-title\">%s</label><input id=\"b-title\" name=\"title\" required maxlength=\"200\">"
                    "<label for=\"b-due\">%s</label><input id=\"b-due\" name=\"due_at\" type=\"datetime-local\">"
                    "<button class=\"primary\" type=\"submit\">%s</button></form>",
                    T(r, "tasks.new_title"), T(r, "tasks.field.due_at"), T(r, "tasks.create"));
    }
    /* One compact move control per card (a status <select> and a button, the
     * blocked reason revealed by CSS when "blocked" is chosen): the board is
     * hundreds of cards, so per-card markup and per-card work stay small —
     * labels are looked up once, numbers formatted once per card. */
    const char *labels[5];
    for (int s = 0; s < 5; s++) labels[s] = status_label(r, STATUSES[s]);
    const char *move_to = T(r, "tasks.move_to_label"), *move = T(r, "tasks.move_button");
    const char *reason_label = T(r, "tasks.field.blocked_reason");
    const char *csrf = r->who->csrf_token ? r->who->csrf_token : "";
    html_raw(r, "<div class=\"board\" id=\"board\">");
    for (int s = 0; s < 5; s++) {
        int count = 0;
        for (int i = 0; i < n; i++) count += strcmp(rows[i].status, STATUSES[s]) == 0;
        html_printf(r,
                    "<section class=\"column\" data-status=\"%s\" aria-labelledby=\"col-%s\"><h2 id=\"col-%s\">%s "
                    "<span class=\"badge\">%d</span></h2><ul>",
                    STATUSES[s], STATUSES[s], STATUSES[s], labels[s], count);
        for (int i = 0; i < n; i++) {
            const Task *t = &rows[i];
            if (strcmp(t->status, STATUSES[s]) != 0) continue;
            bool editor = tasks_may_edit(r, t);
            long long id = (long long)t->id, version = (long long)t->version;
            /* Fixed markup as literals; html_printf only for the values. */
            if (tasks_is_overdue(t, now)) html_raw(r, "<li class=\"task-card late\"");
            else html_raw(r, "<li class=\"task-card\"");
            if (editor) html_raw(r, " draggable=\"true\"");
            html_printf(
                r, " data-task=\"%lld\" data-version=\"%lld\"><a href=\"/tasks/%lld\">%s</a><p class=\"muted\">%s · ",
                id, version, id, t->title, t->owner_name);
            due_cell(r, t, now);
            html_raw(r, "</p>");
            if (editor) {
                html_printf(
                    r,
                    "<form class=\"move\" method=\"post\" action=\"/tasks/%lld/move\" hx-post=\"/tasks/%lld/move\">"
                    "<input type=\"hidden\" name=\"_csrf\" value=\"%s\"><input type=\"hidden\" "
                    "name=\"version\" value=\"%lld\"><label><span class=\"sr-only\">%s</span><select "
                    "name=\"status\">",
                    id, id, csrf, version, move_to);
                for (int d = 0; d < 5; d++) {
                    if (d == s) continue;
                    switch (d) {
                    case 0: html_raw(r, "<option value=\"todo\">"); break;
                    case 1: html_raw(r, "<option value=\"in_progress\">"); break;
                    case 2: html_raw(r, "<option value=\"blocked\">"); break;
                    case 3: html_raw(r, "<option value=\"done\">"); break;
                    default: html_raw(r, "<option value=\"cancelled\">"); break;
                    }
                    html_printf(r, "%s</option>", labels[d]);
                }
                html_raw(r, "</select></label>");
                if (s != 2)
                    html_printf(r,
                                "<label class=\"move-reason\">%s <input name=\"blocked_reason\" "
                                "maxlength=\"500\"></label>",
                                reason_label);
                html_printf(r, "<button type=\"submit\">%s</button></form>", move);
            }
            html_raw(r, "</li>");
        }
        html_raw(r, "</ul></section>");
    }
    html_raw(r, "</div>");
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- responsibility ---------- */

static int tasks_page_responsibility(Req *r) {
    int64_t team_id;
    if (tasks_scope_query_team(r, &team_id) != 0) return -1;
    if (team_id > 0 && !web_can_read_team(r, team_id)) return req_fail(r, 404, NULL, "error.not_found");
    page_begin(r, T(r, "tasks.responsibility"), "nav.tasks");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", T(r, "tasks.responsibility"));
    Team *teams;
    int n_teams = 0;
    if (org_teams_list(r, web_read_scope(r), &teams, &n_teams) != 0) n_teams = 0;
    if (team_id <= 0 && n_teams) team_id = teams[0].id;
    html_printf(r,
                "<form class=\"filters card\" method=\"get\" action=\"/tasks/responsibility\"><div "
                "class=\"stack\"><label for=\"q-team\">%s</label><select id=\"q-team\" name=\"team_id\">",
                T(r, "tasks.field.team_id"));
    for (int i = 0; i < n_teams; i++) {
        html_printf(r, "<option value=\"%lld\"%s>", (long long)teams[i].id, teams[i].id == team_id ? " selected" : "");
        for (int d = 0; d < teams[i].depth; d++) html_raw(r, "— ");
        html_printf(r, "%s</option>", teams[i].name);
    }
    html_printf(r, "</select></div><button type=\"submit\">%s</button></form>", T(r, "form.filter"));
    TaskResponsibility *rows;
    int n = 0;
    if (team_id > 0 && tasks_responsibility(r, team_id, &rows, &n) != 0) n = 0;
    html_printf(r,
                "<section class=\"card\"><p class=\"muted\">%s</p><div class=\"table-wrap\" tabindex=\"0\" "
                "role=\"region\" aria-label=\"%s\"><table class=\"list\"><thead><tr><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "tasks.resp_hint"), T(r, "tasks.responsibility"), T(r, "field.name"), T(r, "tasks.open"),
                T(r, "tasks.overdue"), T(r, "tasks.on_time_30d"), T(r, "tasks.on_time_rate"));
    for (int i = 0; i < n; i++) {
        const TaskResponsibility *p = &rows[i];
        html_printf(
            r, "<tr><td><a href=\"/tasks?view=team&amp;owner=%lld\">%s</a></td><td>%lld</td><td class=\"%s\">%lld</td>",
            (long long)p->user_id, p->name, (long long)p->open, p->overdue ? "overdue" : "", (long long)p->overdue);
        html_printf(r, "<td>%lld / %lld</td><td>", (long long)p->done_on_time_30d, (long long)p->done_with_due_30d);
        if (p->on_time_rate >= 0) html_printf(r, "%.0f%%", p->on_time_rate * 100);
        else html_raw(r, "—");
        html_raw(r, "</td></tr>");
    }
    html_raw(r, "</tbody></table></div></section>");
    page_end(r);
    return res_html_send(r, 200);
}

static const Route tasks_page_routes[] = {
    {"GET", "/tasks", tasks_page_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/tasks", tasks_page_create, ACCESS_WRITER | ACC_SCOPE_READ, web_scope_new, 0, false},
    {"GET", "/tasks/board", tasks_page_board, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/tasks/responsibility", tasks_page_responsibility, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/tasks/{id}", tasks_page_show, ACCESS_TEAM_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}", tasks_page_update, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}/move", tasks_page_move, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}/delete", tasks_page_delete, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}/comments", tasks_page_comment, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}/checklist", tasks_page_check_add, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task, 0, false},
    {"POST", "/tasks/{id}/checklist/{item}", tasks_page_check_toggle, ACCESS_WRITER | ACC_SCOPE_READ, tasks_scope_task,
     0, false},
};
ROUTE_TABLE(tasks_page, tasks_page_routes);
