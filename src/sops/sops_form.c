/* sops_form.c — the SOP create and edit forms with the steps editor: steps
 * are numbered fieldsets (s1_name, s1_role, …); adding, removing and moving a
 * step is a submit button (op=add, remove:i, up:i, down:i) that htmx posts to
 * /sops/editor to swap the editor alone, and that without script posts the
 * whole form, which re-renders with the change and saves nothing. Saving
 * re-renders with every field error next to its field and the input kept.
 * Every value is written through html_printf, which escapes it. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../org/org.h"
#include "../web/web_html.h"
#include "sops.h"

/* ---------- reading the form ---------- */

/* A whole number from the form; "" gives dflt. Records an error on field when malformed. */
/* When false (an editor button was pressed), values are read as typed and
 * nothing is checked: moving steps around is not saving. */
static _Thread_local bool checking = true;

static int64_t form_int(Req *r, const char *name, const char *field, int64_t dflt) {
    const char *v = req_form(r, name);
    if (!v || !*v) return dflt;
    char *end;
    long long n = strtoll(v, &end, 10);
    while (*end == ' ') end++;
    if (*end) {
        if (checking) req_error(r, field, "error.not_integer");
        return dflt;
    }
    return n;
}

/* A form_int that fits an int; anything outside -1..1,000,000 becomes -1,
 * which every small field's rule refuses. */
static int form_small(Req *r, const char *name, const char *field, int dflt) {
    int64_t v = form_int(r, name, field, dflt);
    return v >= -1 && v <= 1000000 ? (int)v : -1;
}

static const char *form_text(Req *r, const char *name, const char *field, int max) {
    const char *out = "";
    const char *v = req_form(r, name);
    if (!checking) return v ? v : "";
    if (v && *v && req_check_text(r, field, v, 0, max, false, &out) != 0) return v;
    return out ? out : "";
}

/* Multi-line text: kept as typed (line breaks allowed), length-checked. */
static const char *form_multi(Req *r, const char *name, const char *field, int max) {
    const char *v = req_form(r, name);
    if (!v) return "";
    size_t chars = 0;
    for (const char *p = v; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (checking && (int)chars > max) req_error(r, field, "error.too_long");
    return v;
}

/* The checklist textarea: one item a line; blank lines are dropped. */
static void read_checklist(Req *r, const char *text, SopStep *p, const char *field) {
    const char **items = arena_alloc(r->arena, sizeof(char *) * (SOPS_MAX_CHECKLIST + 1));
    p->checklist = items;
    p->n_checklist = 0;
    char *copy = arena_strdup(r->arena, text ? text : "");
    for (char *line = copy; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) line[--n] = 0;
        while (*line == ' ' || *line == '\t') line++;
        if (*line) {
            if (p->n_checklist == SOPS_MAX_CHECKLIST) {
                if (checking) req_error(r, field, "sops.error.checklist_long");
                break;
            }
            const char *item = line;
            if (!checking || req_check_text(r, field, line, 1, 500, true, &item) == 0) items[p->n_checklist++] = item;
        }
        line = nl ? nl + 1 : NULL;
    }
}

/* Reads the steps s1_…sN_ of the form (N = steps, at most SOPS_MAX_STEPS). */
static void read_steps(Req *r, SopStep **out, int *n_out) {
    int64_t n = form_int(r, "steps", "steps", 0);
    if (n < 0) n = 0;
    if (n > SOPS_MAX_STEPS) n = SOPS_MAX_STEPS;
    SopStep *steps = arena_alloc(r->arena, sizeof *steps * (size_t)(n + 2));
    for (int i = 0; i < n; i++) {
        SopStep *p = &steps[i];
        memset(p, 0, sizeof *p);
#define NAME(key)  arena_printf(r->arena, "s%d_" key, i + 1)
#define FIELD(key) arena_printf(r->arena, "steps[%d]." key, i)
        const char *name = req_form(r, NAME("name"));
        p->name = name ? name : "";
        if (checking && *p->name && req_check_text(r, FIELD("name"), p->name, 1, 200, true, &p->name) != 0)
            p->name = name;
        p->role = form_text(r, NAME("role"), FIELD("role"), 200);
        p->owner_id = form_int(r, NAME("owner_id"), FIELD("owner_id"), 0);
        p->resources = form_multi(r, NAME("resources"), FIELD("resources"), 1000);
        /* Out-of-range numbers become values sops_check_steps refuses (a
         * huge minute count must not overflow × 60, nor an int cast wrap
         * into the valid range). */
        int64_t minutes = form_int(r, NAME("time_min"), FIELD("time_standard_s"), 0);
        p->time_standard_s = minutes >= 0 && minutes <= 366LL * 1440 ? minutes * 60 : -1;
        p->time_share_pct = form_small(r, NAME("share"), FIELD("time_share_pct"), 90);
        p->quality = form_multi(r, NAME("quality"), FIELD("quality"), 2000);
        read_checklist(r, req_form(r, NAME("checklist")), p, FIELD("checklist"));
        p->instructions_md = form_multi(r, NAME("instructions"), FIELD("instructions_md"), 20000);
        p->parallel_group = form_small(r, NAME("group"), FIELD("parallel_group"), 0);
        p->conditional = req_form(r, NAME("conditional")) != NULL;
        p->condition = form_text(r, NAME("condition"), FIELD("condition"), 500);
        p->position = i + 1;
#undef NAME
#undef FIELD
    }
    *out = steps;
    *n_out = (int)n;
}

/* Applies an editor operation ("add", "remove:i", "up:i", "down:i"; i
 * 1-based). Returns true when op was an editor operation. */
static bool apply_op(Req *r, const char *op, SopStep **steps, int *n) {
    if (!op || !*op) return false;
    if (strcmp(op, "add") == 0) {
        if (*n < SOPS_MAX_STEPS) {
            SopStep *p = &(*steps)[(*n)++];
            memset(p, 0, sizeof *p);
            p->name = p->role = p->resources = p->quality = p->instructions_md = p->condition = "";
            p->time_share_pct = 90;
            p->position = *n;
        }
        return true;
    }
    const char *colon = strchr(op, ':');
    int i = colon ? atoi(colon + 1) - 1 : -1;
    if (i < 0 || i >= *n) return true; /* a stale button: re-render unchanged */
    SopStep tmp;
    if (strncmp(op, "remove:", 7) == 0) {
        memmove(&(*steps)[i], &(*steps)[i + 1], sizeof tmp * (size_t)(*n - i - 1));
        (*n)--;
    } else if (strncmp(op, "up:", 3) == 0 && i > 0) {
        tmp = (*steps)[i - 1], (*steps)[i - 1] = (*steps)[i], (*steps)[i] = tmp;
    } else if (strncmp(op, "down:", 5) == 0 && i + 1 < *n) {
        tmp = (*steps)[i + 1], (*steps)[i + 1] = (*steps)[i], (*steps)[i] = tmp;
    }
    for (int k = 0; k < *n; k++) (*steps)[k].position = k + 1;
    (void)r;
    return true;
}

/* ---------- rendering ---------- */

static void error_for(Req *r, const char *field) { html_field_error(r, field); }

static const char *joined_checklist(Req *r, const SopStep *p) {
    Buf b = {0};
    for (int i = 0; i < p->n_checklist; i++) {
        buf_puts(&b, p->checklist[i]);
        buf_putc(&b, '\n');
    }
    const char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* An editor button: htmx swaps the editor; without script the form posts. */
static void op_button(Req *r, const char *op, const char *label, const char *aria, const char *cls) {
    html_printf(r,
                "<button type=\"submit\" class=\"%s\" name=\"op\" value=\"%s\" formnovalidate hx-post=\"/sops/editor\" "
                "hx-target=\"#sop-steps\" hx-swap=\"outerHTML\" aria-label=\"%s\">%s</button>",
                cls, op, aria, label);
}

static void step_fieldset(Req *r, const SopStep *p, int i, int n) {
    int k = i + 1;
    html_printf(
        r, "<fieldset class=\"sop-step card\" id=\"step-%d\"><legend>%s</legend>", k,
        i18n_fmt(r->arena, r->locale, "sops.form.step_n", 1, (const char *[]){arena_printf(r->arena, "%d", k)}));
    html_raw(r, "<div class=\"sop-step-tools\">");
    const char *nm = *p->name ? p->name : arena_printf(r->arena, "%d", k);
    if (i > 0)
        op_button(r, arena_printf(r->arena, "up:%d", k), "↑",
                  i18n_fmt(r->arena, r->locale, "sops.form.move_up", 1, (const char *[]){nm}), "small");
    if (i + 1 < n)
        op_button(r, arena_printf(r->arena, "down:%d", k), "↓",
                  i18n_fmt(r->arena, r->locale, "sops.form.move_down", 1, (const char *[]){nm}), "small");
    op_button(r, arena_printf(r->arena, "remove:%d", k), T(r, "sops.form.remove"),
              i18n_fmt(r->arena, r->locale, "sops.form.remove_step", 1, (const char *[]){nm}), "small danger");
    html_raw(r, "</div><div class=\"grid form-grid\">");
    html_printf(r,
                "<div class=\"stack\"><label for=\"s%d-name\">%s</label><input id=\"s%d-name\" name=\"s%d_name\" "
                "maxlength=\"200\" value=\"%s\">",
                k, T(r, "sops.field.step_name"), k, k, p->name);
    error_for(r, arena_printf(r->arena, "steps[%d].name", i));
    html_printf(r,
                "</div><div class=\"stack\"><label for=\"s%d-role\">%s</label><input id=\"s%d-role\" name=\"s%d_role\" "
                "maxlength=\"200\" value=\"%s\"><input type=\"hidden\" name=\"s%d_owner_id\" value=\"%lld\">",
                k, T(r, "sops.field.role"), k, k, p->role, k, (long long)p->owner_id);
    error_for(r, arena_printf(r->arena, "steps[%d].owner_id", i));
    html_printf(r,
                "</div><div class=\"stack\"><label for=\"s%d-time\">%s</label><input id=\"s%d-time\" "
                "name=\"s%d_time_min\" type=\"number\" min=\"0\" step=\"1\" inputmode=\"numeric\" value=\"%lld\">",
                k, T(r, "sops.field.time_min"), k, k, (long long)(p->time_standard_s / 60));
    error_for(r, arena_printf(r->arena, "steps[%d].time_standard_s", i));
    html_printf(r,
                "</div><div class=\"stack\"><label for=\"s%d-share\">%s</label><input id=\"s%d-share\" "
                "name=\"s%d_share\" type=\"number\" min=\"1\" max=\"100\" inputmode=\"numeric\" value=\"%d\">",
                k, T(r, "sops.field.time_share_pct"), k, k, p->time_share_pct);
    error_for(r, arena_printf(r->arena, "steps[%d].time_share_pct", i));
    html_printf(r,
                "</div><div class=\"stack\"><label for=\"s%d-group\">%s</label><input id=\"s%d-group\" "
                "name=\"s%d_group\" type=\"number\" min=\"0\" inputmode=\"numeric\" value=\"%d\" "
                "aria-describedby=\"s%d-group-hint\"><p class=\"hint\" id=\"s%d-group-hint\">%s</p>",
                k, T(r, "sops.field.parallel_group"), k, k, p->parallel_group, k, k, T(r, "sops.form.group_hint"));
    error_for(r, arena_printf(r->arena, "steps[%d].parallel_group", i));
    html_printf(r,
                "</div><div class=\"stack\"><label class=\"check\"><input type=\"checkbox\" name=\"s%d_conditional\" "
                "value=\"1\"%s> %s</label><label for=\"s%d-cond\">%s</label><input id=\"s%d-cond\" "
                "name=\"s%d_condition\" maxlength=\"500\" value=\"%s\">",
                k, p->conditional ? " checked" : "", T(r, "sops.field.conditional"), k, T(r, "sops.field.condition"), k,
                k, p->condition);
    error_for(r, arena_printf(r->arena, "steps[%d].condition", i));
    html_raw(r, "</div></div>");
    html_printf(r,
                "<label for=\"s%d-res\">%s</label><textarea id=\"s%d-res\" name=\"s%d_resources\" rows=\"2\" "
                "maxlength=\"1000\">%s</textarea>",
                k, T(r, "sops.field.resources"), k, k, p->resources);
    error_for(r, arena_printf(r->arena, "steps[%d].resources", i));
    html_printf(r,
                "<label for=\"s%d-quality\">%s</label><textarea id=\"s%d-quality\" name=\"s%d_quality\" rows=\"2\" "
                "maxlength=\"2000\">%s</textarea>",
                k, T(r, "sops.field.quality"), k, k, p->quality);
    error_for(r, arena_printf(r->arena, "steps[%d].quality", i));
    html_printf(r,
                "<label for=\"s%d-check\">%s</label><textarea id=\"s%d-check\" name=\"s%d_checklist\" rows=\"3\" "
                "aria-describedby=\"s%d-check-hint\">%s</textarea><p class=\"hint\" id=\"s%d-check-hint\">%s</p>",
                k, T(r, "sops.field.checklist"), k, k, k, joined_checklist(r, p), k, T(r, "sops.form.checklist_hint"));
    error_for(r, arena_printf(r->arena, "steps[%d].checklist", i));
    html_printf(r,
                "<label for=\"s%d-instr\">%s</label><textarea id=\"s%d-instr\" name=\"s%d_instructions\" rows=\"4\" "
                "maxlength=\"20000\">%s</textarea><p class=\"hint\">%s</p>",
                k, T(r, "sops.field.instructions_md"), k, k, p->instructions_md, T(r, "sops.form.markdown_hint"));
    error_for(r, arena_printf(r->arena, "steps[%d].instructions_md", i));
    html_raw(r, "</fieldset>");
}

/* The steps editor (the part htmx swaps). */
static void steps_editor(Req *r, const SopStep *steps, int n) {
    html_printf(r, "<div id=\"sop-steps\" class=\"stack\"><input type=\"hidden\" name=\"steps\" value=\"%d\">", n);
    html_printf(r, "<h2>%s</h2>", T(r, "sops.steps"));
    error_for(r, "steps");
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "sops.form.no_steps"));
    for (int i = 0; i < n; i++) step_fieldset(r, &steps[i], i, n);
    op_button(r, "add", T(r, "sops.form.add_step"), T(r, "sops.form.add_step"), "");
    html_raw(r, "</div>");
}

static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++) {
        const char *f = e[i].field;
        const char *label = NULL;
        if (f && strncmp(f, "steps[", 6) == 0) {
            int idx = atoi(f + 6);
            const char *dot = strchr(f, '.');
            const char *key = dot ? arena_printf(r->arena, "sops.field.%s", dot + 1) : NULL;
            const char *fname = key && i18n_has(r->locale, key) ? T(r, key) : "";
            label = arena_printf(r->arena, "%s %s",
                                 i18n_fmt(r->arena, r->locale, "sops.form.step_n", 1,
                                          (const char *[]){arena_printf(r->arena, "%d", idx + 1)}),
                                 fname);
        } else if (f) {
            const char *key = arena_printf(r->arena, "sops.field.%s", f);
            if (i18n_has(r->locale, key)) label = T(r, key);
        }
        if (label)
            html_printf(r, "<li>%s</li>",
                        i18n_fmt(r->arena, r->locale, "form.error_item", 2, (const char *[]){label, e[i].message}));
        else html_printf(r, "<li>%s</li>", e[i].message);
    }
    html_raw(r, "</ul></div>");
}

static void people_select(Req *r, const char *id, const char *name, int64_t selected) {
    UserFilter f = {.team_path = web_read_scope(r), .limit = 500};
    User *people;
    int n = 0;
    if (org_users_list(r, &f, &people, &n) != 0) n = 0;
    html_printf(r, "<select id=\"%s\" name=\"%s\">", id, name);
    for (int i = 0; i < n; i++)
        html_printf(r, "<option value=\"%lld\"%s>%s (%s)</option>", (long long)people[i].id,
                    people[i].id == selected ? " selected" : "", people[i].name, people[i].login);
    html_raw(r, "</select>");
}

static void team_select(Req *r, int64_t selected) {
    Team *teams;
    int n = 0;
    const char *scope = web_read_scope(r);
    if (org_teams_list(r, scope, &teams, &n) != 0) n = 0;
    html_printf(r, "<select id=\"f-team\" name=\"team_id\">");
    for (int i = 0; i < n; i++) {
        if (!web_can_manage_team(r, teams[i].id)) continue;
        html_printf(r, "<option value=\"%lld\"%s>%s</option>", (long long)teams[i].id,
                    teams[i].id == selected ? " selected" : "", teams[i].name);
    }
    html_raw(r, "</select>");
}

/* The form: s (NULL when creating) supplies the SOP fields; in supplies what
 * was typed (title, purpose, steps …). */
static void form_page(Req *r, const Sop *s, const SopInput *in) {
    bool creating = s == NULL;
    const char *title =
        creating ? T(r, "sops.new") : i18n_fmt(r->arena, r->locale, "sops.edit_title", 1, (const char *[]){s->title});
    page_begin(r, title, "nav.sops");
    if (creating) html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a></p>", T(r, "sops.title"));
    else
        html_printf(r, "<p class=\"crumbs\"><a href=\"/sops\">%s</a> / <a href=\"/sops/%lld\">%s</a></p>",
                    T(r, "sops.title"), (long long)s->id, s->title);
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1></div>", title);
    flash_errors(r);
    if (!creating && strcmp(s->status, "active") == 0 && !s->has_draft)
        html_printf(r, "<p class=\"flash\">%s</p>", T(r, "sops.form.new_draft_note"));
    if (creating) html_raw(r, "<form method=\"post\" action=\"/sops\" class=\"stack sop-form\">");
    else html_printf(r, "<form method=\"post\" action=\"/sops/%lld/edit\" class=\"stack sop-form\">", (long long)s->id);
    html_csrf_field(r);
    if (!creating) html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)s->version);
    html_raw(r, "<section class=\"card stack\"><div class=\"grid form-grid\">");
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-title\">%s</label><input id=\"f-title\" name=\"title\" required "
                "maxlength=\"200\" value=\"%s\">",
                T(r, "sops.field.title"), in->title ? in->title : "");
    error_for(r, "title");
    html_printf(r, "</div><div class=\"stack\"><label for=\"f-owner\">%s</label>", T(r, "sops.field.owner_id"));
    people_select(r, "f-owner", "owner_id", in->owner_id);
    error_for(r, "owner_id");
    html_raw(r, "</div>");
    if (creating) {
        html_printf(r, "<div class=\"stack\"><label for=\"f-team\">%s</label>", T(r, "sops.field.team_id"));
        team_select(r, in->team_id);
        error_for(r, "team_id");
        html_raw(r, "</div>");
    }
    html_printf(r,
                "<div class=\"stack\"><label for=\"f-review\">%s</label><input id=\"f-review\" "
                "name=\"review_every_days\" type=\"number\" min=\"1\" max=\"3650\" inputmode=\"numeric\" value=\"%s\" "
                "aria-describedby=\"f-review-hint\"><p class=\"hint\" id=\"f-review-hint\">%s</p>",
                T(r, "sops.field.review_every_days"),
                in->review_every_days ? arena_printf(r->arena, "%d", in->review_every_days) : "",
                T(r, "sops.form.review_hint"));
    error_for(r, "review_every_days");
    html_raw(r, "</div></div>");
    html_printf(r,
                "<label for=\"f-purpose\">%s</label><textarea id=\"f-purpose\" name=\"purpose\" rows=\"3\" "
                "maxlength=\"5000\">%s</textarea><p class=\"hint\">%s</p>",
                T(r, "sops.field.purpose"), in->purpose ? in->purpose : "", T(r, "sops.form.markdown_hint"));
    error_for(r, "purpose");
    html_printf(r,
                "<label for=\"f-note\">%s</label><input id=\"f-note\" name=\"change_note\" maxlength=\"1000\" "
                "value=\"%s\">",
                T(r, "sops.field.change_note"), in->change_note ? in->change_note : "");
    error_for(r, "change_note");
    html_raw(r, "</section>");
    steps_editor(r, in->steps, in->n_steps);
    html_printf(r, "<div class=\"actions\"><button class=\"primary\" type=\"submit\">%s</button>",
                creating ? T(r, "sops.form.create") : T(r, "sops.form.save_draft"));
    if (!creating) html_printf(r, " <a href=\"/sops/%lld\">%s</a>", (long long)s->id, T(r, "sops.form.cancel"));
    html_raw(r, "</div></form>");
    page_end(r);
}

/* Reads the whole form into in (errors recorded on r). */
static void read_form(Req *r, SopInput *in, bool creating) {
    in->has_title = in->has_purpose = in->has_change_note = in->has_steps = in->has_owner = in->has_review = true;
    const char *title = req_form(r, "title");
    in->title = title ? title : "";
    if (checking && req_check_text(r, "title", in->title, 1, 200, true, &in->title) != 0)
        in->title = title ? title : "";
    in->purpose = form_multi(r, "purpose", "purpose", 5000);
    in->change_note = form_text(r, "change_note", "change_note", 1000);
    in->owner_id = form_int(r, "owner_id", "owner_id", r->who->user_id);
    int64_t days = form_int(r, "review_every_days", "review_every_days", 0);
    if (checking && (days < 0 || days > 3650)) req_error(r, "review_every_days", "sops.error.review_days");
    in->review_every_days = (int)days;
    if (creating) {
        in->team_id = form_int(r, "team_id", "team_id", 0);
        in->has_team = in->team_id > 0;
    }
    read_steps(r, &in->steps, &in->n_steps);
}

/* ---------- handlers ---------- */

static int sops_page_new(Req *r) {
    SopInput in = {.owner_id = r->who->user_id, .team_id = r->who->team_id, .n_steps = 0};
    in.steps = arena_alloc(r->arena, sizeof(SopStep) * 2);
    apply_op(r, "add", &in.steps, &in.n_steps);
    form_page(r, NULL, &in);
    return res_html_send(r, 200);
}

/* Reads the form; an editor button (op) is applied instead of checking. */
static bool read_form_op(Req *r, SopInput *in, bool creating) {
    const char *op = req_form(r, "op");
    checking = !(op && *op);
    read_form(r, in, creating);
    checking = true;
    SopStep *room = arena_alloc(r->arena, sizeof *room * (size_t)(in->n_steps + 2));
    memcpy(room, in->steps, sizeof *room * (size_t)in->n_steps);
    in->steps = room;
    return apply_op(r, op, &in->steps, &in->n_steps);
}

static int sops_page_create(Req *r) {
    SopInput in = {0};
    if (!read_form_op(r, &in, true) && !req_error_count(r) && sops_check_steps(r, in.steps, in.n_steps) == 0) {
        Sop s;
        if (sops_create(r, &in, &s) == 0) return res_redirect(r, arena_printf(r->arena, "/sops/%lld", (long long)s.id));
    }
    form_page(r, NULL, &in);
    return res_html_send(r, req_error_count(r) || req_status(r) ? (req_status(r) ? req_status(r) : 422) : 200);
}

/* The editor alone (htmx): the typed steps with the operation applied. */
static int sops_page_editor(Req *r) {
    SopStep *steps;
    int n;
    checking = false;
    read_steps(r, &steps, &n);
    checking = true;
    SopStep *room = arena_alloc(r->arena, sizeof *room * (size_t)(n + 2));
    memcpy(room, steps, sizeof *room * (size_t)n);
    apply_op(r, req_form(r, "op"), &room, &n);
    steps_editor(r, room, n);
    return res_html_send(r, 200);
}

/* The edit form starts from the newest version (the draft, or the published one). */
static int sops_page_edit(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    if (strcmp(s.status, "retired") == 0) return req_fail(r, 409, "status", "sops.error.retired");
    SopVersion *v;
    if (sops_version_load(r, s.current_version_id, &v) != 0) return -1;
    SopInput in = {.title = v->title,
                   .purpose = v->purpose,
                   .change_note = s.has_draft ? v->change_note : "",
                   .owner_id = s.owner_id,
                   .review_every_days = s.review_every_days,
                   .steps = v->steps,
                   .n_steps = v->n_steps};
    SopStep *room = arena_alloc(r->arena, sizeof *room * (size_t)(v->n_steps + 2));
    memcpy(room, v->steps, sizeof *room * (size_t)v->n_steps);
    in.steps = room;
    form_page(r, &s, &in);
    return res_html_send(r, 200);
}

static int sops_page_update(Req *r) {
    int64_t id, expected;
    if (req_path_id(r, "id", &id) != 0) return -1;
    Sop s;
    int rc = sops_get(r, id, &s);
    if (rc) return rc < 0 ? -1 : req_fail(r, 404, NULL, "error.not_found");
    SopInput in = {0};
    if (!read_form_op(r, &in, false) && !req_error_count(r) && sops_check_steps(r, in.steps, in.n_steps) == 0 &&
        req_if_match(r, &expected) == 0 && sops_update(r, id, expected, &in, NULL) == 0)
        return res_redirect(r, arena_printf(r->arena, "/sops/%lld", (long long)id));
    form_page(r, &s, &in);
    return res_html_send(r, req_error_count(r) || req_status(r) ? (req_status(r) ? req_status(r) : 422) : 200);
}

static const Route sops_form_routes[] = {
    {"GET", "/sops/new", sops_page_new, ACCESS_MANAGER, NULL, 0, false},
    {"POST", "/sops", sops_page_create, ACCESS_TEAM_MANAGE, web_scope_new, 0, false},
    {"POST", "/sops/editor", sops_page_editor, ACCESS_MANAGER, NULL, 0, false},
    {"GET", "/sops/{id}/edit", sops_page_edit, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
    {"POST", "/sops/{id}/edit", sops_page_update, ACCESS_TEAM_MANAGE, sops_scope_sop, 0, false},
};
ROUTE_TABLE(sops_form, sops_form_routes);
