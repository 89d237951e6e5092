/* goals_page.c — HTML pages for goals: the alignment tree with progress
 * bars and filters, "my goals", the goal page (key results, SMART warnings,
 * check-in form and history, checkpoints, a server-rendered burn-up chart)
 * and the create/edit forms. Plain forms (post → redirect → get); every
 * value goes through html_printf, which escapes it; no inline style or
 * script (the CSP forbids them): SVG uses presentation attributes and classes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../org/org.h"
#include "../web/web_html.h"
#include "goals.h"

/* A tree bigger than this shows its top two levels, deeper ones a link away. */
enum { GOALS_TREE_OPEN_ROWS = 300 };

/* ---------- shared bits ---------- */

static bool is_writer(Req *r) { return r->who->role != ROLE_VIEWER; }

static const char *level_label(Req *r, const char *level) {
    return strcmp(level, "company") == 0 ? T(r, "goals.level.company")
           : strcmp(level, "team") == 0  ? T(r, "goals.level.team")
                                         : T(r, "goals.level.person");
}

static const char *confidence_label(Req *r, const char *c) {
    return strcmp(c, "on_track") == 0  ? T(r, "goals.confidence.on_track")
           : strcmp(c, "at_risk") == 0 ? T(r, "goals.confidence.at_risk")
                                       : T(r, "goals.confidence.off_track");
}

static const char *pct(Req *r, double v) { return arena_printf(r->arena, "%.0f%%", v * 100.0); }

static const char *num(Req *r, double v) { return arena_printf(r->arena, "%.10g", v); }

static void flash_errors(Req *r) {
    if (!req_error_count(r)) return;
    html_printf(r, "<div class=\"flash flash-error\" role=\"alert\">%s<ul>", T(r, "form.fix_errors"));
    const FieldError *e = req_errors(r);
    for (int i = 0; i < req_error_count(r); i++)
        html_printf(r, "<li>%s%s%s</li>", e[i].field ? e[i].field : "", e[i].field ? ": " : "", e[i].message);
    html_raw(r, "</ul></div>");
}

static void flash_notice(Req *r) {
    const char *done = req_query(r, "done");
    if (!done) return;
    const char *key = strcmp(done, "goal_created") == 0 ? "notice.goal_created"
                      : strcmp(done, "goal_saved") == 0 ? "notice.goal_saved"
                      : strcmp(done, "checkin") == 0    ? "notice.checkin"
                                                        : NULL;
    if (key) html_printf(r, "<div class=\"flash flash-ok\" role=\"status\">%s</div>", T(r, key));
}

static void progress_bar(Req *r, const Goal *g) {
    html_printf(r, "<span class=\"goal-progress%s\">", g->behind ? " behind" : "");
    html_printf(r, "<progress max=\"100\" value=\"%.0f\" aria-label=\"%s\">%s</progress> <span>%s</span>",
                g->progress * 100.0, T(r, "goals.progress"), pct(r, g->progress),
                g->has_progress ? pct(r, g->progress) : "—");
    if (g->behind) html_printf(r, " <span class=\"badge badge-behind\">%s</span>", T(r, "goals.behind"));
    html_raw(r, "</span>");
}

/* SMART warnings whose field starts with prefix, next to that field. Exact
 * matches only when the prefix names a field that others extend
 * ("key_results" vs "key_results[0].unit"). Returns how many were shown. */
static int smart_for(Req *r, const SmartWarning *w, int n, const char *prefix, bool exact) {
    size_t len = strlen(prefix);
    int shown = 0;
    for (int i = 0; i < n; i++) {
        if (exact ? strcmp(w[i].field, prefix) != 0 : strncmp(w[i].field, prefix, len) != 0) continue;
        html_printf(r, "<p class=\"smart-warning\">%s</p>", w[i].message);
        shown++;
    }
    return shown;
}

static void option(Req *r, const char *value, const char *label, const char *selected) {
    html_printf(r, "<option value=\"%s\"%s>%s</option>", value,
                selected && strcmp(selected, value) == 0 ? " selected" : "", label);
}

static void team_select(Req *r, const char *id, const char *name, int64_t selected, const char *none_key) {
    Team *teams;
    int n;
    if (org_teams_list(r, web_read_scope(r), &teams, &n) != 0) n = 0;
    html_printf(r, "<select id=\"%s\" name=\"%s\"><option value=\"\">%s</option>", id, name, T(r, none_key));
    for (int i = 0; i < n; i++) {
        html_printf(r, "<option value=\"%lld\"%s>", (long long)teams[i].id, teams[i].id == selected ? " selected" : "");
        for (int d = 0; d < teams[i].depth; d++) html_raw(r, "— ");
        html_printf(r, "%s</option>", teams[i].name);
    }
    html_raw(r, "</select>");
}

static void owner_select(Req *r, const char *id, const char *name, int64_t selected, const char *none_key) {
    UserFilter f = {.team_path = web_read_scope(r), .limit = 500};
    User *users;
    int n;
    if (org_users_list(r, &f, &users, &n) != 0) n = 0;
    html_printf(r, "<select id=\"%s\" name=\"%s\">", id, name);
    if (none_key) html_printf(r, "<option value=\"\">%s</option>", T(r, none_key));
    bool self_listed = false;
    for (int i = 0; i < n; i++) {
        self_listed |= users[i].id == r->who->user_id;
        html_printf(r, "<option value=\"%lld\"%s>%s</option>", (long long)users[i].id,
                    users[i].id == selected ? " selected" : "", users[i].name);
    }
    if (!self_listed)
        html_printf(r, "<option value=\"%lld\"%s>%s</option>", (long long)r->who->user_id,
                    r->who->user_id == selected ? " selected" : "", r->who->name);
    html_raw(r, "</select>");
}

static int64_t form_id(Req *r, const char *name) {
    const char *s = req_form(r, name);
    return s && *s ? strtoll(s, NULL, 10) : 0;
}

/* A number field of a form: empty → absent; otherwise it must parse whole. */
static bool form_num(Req *r, const char *name, const char *field, double *out) {
    const char *s = req_form(r, name);
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ') end++;
    if (*end || !isfinite(v)) {
        req_error(r, field, "goals.error.not_number");
        return false;
    }
    *out = v;
    return true;
}

static bool form_date(Req *r, const char *name, const char *field, int64_t *out) {
    const char *s = req_form(r, name);
    if (!s || !*s) return false;
    if (goals_parse_date(s, out) != 0) {
        req_error(r, field, "error.bad_date");
        return false;
    }
    return true;
}

/* Reads key result fields named <p>metric, <p>unit, … (p: "kr1_" or "").
 * Returns false when the metric is empty (no key result given). */
static bool form_kr(Req *r, const char *p, GoalKrInput *in) {
#define F(x) arena_printf(r->arena, "%s%s", p, x)
    const char *metric = req_form(r, F("metric"));
    if (!metric || !*metric) return false;
    req_check_text(r, F("metric"), metric, 1, 100, true, &in->metric);
    in->has_metric = true;
    req_check_text(r, F("unit"), req_form(r, F("unit")), 0, 20, false, &in->unit);
    in->has_unit = true;
    in->kind = req_form(r, F("kind"));
    in->has_kind = in->kind && *in->kind;
    in->direction = req_form(r, F("direction"));
    in->has_direction = in->direction && *in->direction;
    in->has_baseline = form_num(r, F("baseline"), F("baseline"), &in->baseline);
    in->has_target = form_num(r, F("target"), F("target"), &in->target);
    in->has_low = form_num(r, F("range_low"), F("range_low"), &in->range_low);
    in->has_high = form_num(r, F("range_high"), F("range_high"), &in->range_high);
    in->has_weight = form_num(r, F("weight"), F("weight"), &in->weight);
    in->has_deadline = form_date(r, F("deadline"), F("deadline"), &in->deadline_at);
    in->value_source = req_form(r, F("value_source"));
    in->has_value_source = in->value_source && *in->value_source;
#undef F
    return true;
}

/* ---------- the tree ---------- */

/* Per-page constants of the tree rows, looked up once (a tree has thousands of rows). */
typedef struct TreeText {
    const char *level[3], *closed, *behind;
    int64_t start_ms, end_ms; /* of period, the last one formatted */
    const char *period;
    const char *subgoals[32]; /* "N sub-goals" by N, made on first use */
} TreeText;

/* "N sub-goals" (the link to a collapsed subtree); the small counts, which
 * most parents share, are formatted once a page. */
static const char *tree_subgoals(Req *r, TreeText *tt, int n) {
    bool keep = n >= 0 && n < (int)(sizeof tt->subgoals / sizeof tt->subgoals[0]);
    if (keep && tt->subgoals[n]) return tt->subgoals[n];
    const char *text =
        i18n_fmt(r->arena, r->locale, "goals.subgoals", 1, (const char *[]){arena_printf(r->arena, "%d", n)});
    if (keep) tt->subgoals[n] = text;
    return text;
}

/* "start – end" of a period; the last one is remembered (siblings share periods). */
static const char *tree_period(Req *r, TreeText *tt, int64_t start, int64_t end) {
    if (!tt->period || tt->start_ms != start || tt->end_ms != end) {
        tt->start_ms = start, tt->end_ms = end;
        tt->period = arena_printf(r->arena, "%s – %s", goals_date(r, start), goals_date(r, end));
    }
    return tt->period;
}

static void goal_row_html(Req *r, TreeText *tt, const Goal *g) {
    int rank = strcmp(g->level, "company") == 0 ? 0 : strcmp(g->level, "team") == 0 ? 1 : 2;
    if (rank == 0) html_raw(r, "<div class=\"goal-row\"><span class=\"badge level-company\">");
    else if (rank == 1) html_raw(r, "<div class=\"goal-row\"><span class=\"badge level-team\">");
    else html_raw(r, "<div class=\"goal-row\"><span class=\"badge level-person\">");
    int value = (int)lround(g->progress * 100.0);
    html_printf(r, "%s</span> <a class=\"goal-title\" href=\"/goals/%lld\">%s</a> <span class=\"muted\">%s · %s",
                tt->level[rank], (long long)g->id, g->title, g->owner_name, tree_period(r, tt, g->start_at, g->end_at));
    if (strcmp(g->status, "closed") == 0) html_printf(r, " · %s", tt->closed);
    if (g->behind) html_raw(r, "</span> <span class=\"goal-progress behind\">");
    else html_raw(r, "</span> <span class=\"goal-progress\">");
    /* The visible percentage is the text; the bar is its picture. */
    if (g->has_progress)
        html_printf(r, "<progress max=\"100\" value=\"%d\" aria-hidden=\"true\"></progress> <span>%d%%</span>", value,
                    value);
    else html_printf(r, "<progress max=\"100\" value=\"%d\" aria-hidden=\"true\"></progress> <span>—</span>", value);
    if (g->behind) html_printf(r, " <span class=\"badge badge-behind\">%s</span>", tt->behind);
    html_raw(r, "</span></div>");
}

/* "?filters" of the tree page as given (mine, period, team, owner, status);
 * "" when there is nothing. Arena memory. */
static const char *filter_query(Req *r) {
    static const char *const names[] = {"mine", "period", "team_id", "owner_id", "status"};
    const char *q = "";
    for (int i = 0; i < 5; i++) {
        const char *v = req_query(r, names[i]);
        if (v && *v) q = arena_printf(r->arena, "%s%s%s=%s", q, *q ? "&" : "?", names[i], url_encode(r, v));
    }
    return q;
}

static int goals_page_index(Req *r) {
    GoalFilter f = {0};
    int64_t mine = 0, root_id = 0;
    req_query_int(r, "mine", 0, 1, 0, &mine);
    req_query_int(r, "root", 1, INT64_MAX, 0, &root_id);
    req_query_int(r, "team_id", 1, INT64_MAX, 0, &f.team_id);
    req_query_int(r, "owner_id", 1, INT64_MAX, 0, &f.owner_id);
    if (mine) f.owner_id = r->who->user_id;
    const char *status = req_query(r, "status"), *period = req_query(r, "period");
    if (status && (strcmp(status, "active") == 0 || strcmp(status, "closed") == 0)) f.status = status;
    if (period && *period && goals_parse_period(period, &f.from_ms, &f.to_ms) != 0)
        req_error(r, "period", "goals.error.period_filter");
    if (f.team_id && !web_can_read_team(r, f.team_id)) f.team_id = 0;
    const Goal **goals;
    int *depths, n = 0;
    bool ok = goals_tree(r, &f, &goals, &depths, &n) == 0;
    page_begin(r, T(r, "nav.goals"), "nav.goals");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", T(r, "nav.goals"));
    if (is_writer(r)) html_printf(r, "<a class=\"button primary\" href=\"/goals/new\">%s</a>", T(r, "goals.new"));
    html_raw(r, "</div>");
    flash_notice(r);
    flash_errors(r);
    html_printf(r, "<nav class=\"tabs\" aria-label=\"%s\">", T(r, "goals.tabs"));
    /* aria-current="false" is the ARIA "not current" value; %s escapes quotes, so the attribute stays literal. */
    html_printf(r, "<a href=\"/goals\" aria-current=\"%s\">%s</a>", mine ? "false" : "page", T(r, "goals.all"));
    html_printf(r, "<a href=\"/goals?mine=1\" aria-current=\"%s\">%s</a></nav>", mine ? "page" : "false",
                T(r, "goals.mine"));
    html_raw(r, "<form class=\"filters inline-form\" method=\"get\" action=\"/goals\">");
    if (mine) html_raw(r, "<input type=\"hidden\" name=\"mine\" value=\"1\">");
    html_printf(r,
                "<label for=\"f-period\">%s</label><input id=\"f-period\" name=\"period\" placeholder=\"2026-Q1\" "
                "value=\"%s\">",
                T(r, "goals.field.period_filter"), period ? period : "");
    html_printf(r, "<label for=\"f-team\">%s</label>", T(r, "field.team"));
    team_select(r, "f-team", "team_id", f.team_id, "goals.any");
    if (!mine) {
        html_printf(r, "<label for=\"f-owner\">%s</label>", T(r, "goals.field.owner"));
        owner_select(r, "f-owner", "owner_id", f.owner_id, "goals.any");
    }
    html_printf(r, "<label for=\"f-status\">%s</label><select id=\"f-status\" name=\"status\">",
                T(r, "goals.field.status"));
    option(r, "", T(r, "goals.any"), f.status ? f.status : "");
    option(r, "active", T(r, "goals.status.active"), f.status);
    option(r, "closed", T(r, "goals.status.closed"), f.status);
    html_printf(r, "</select><button type=\"submit\">%s</button></form>", T(r, "form.filter"));
    /* ?root=ID shows the subtree under one goal (the "N sub-goals" links). */
    int from = 0, to = n;
    if (root_id) {
        from = n;
        for (int i = 0; i < n; i++)
            if (goals[i]->id == root_id) from = i;
        for (to = from + 1; to < n && depths[to] > depths[from];) to++;
        if (from == n) to = n;
    }
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "goals.tree"));
    if (root_id && from < n)
        html_printf(r, "<p class=\"goal-subtree\"><a href=\"/goals%s\">%s</a></p>", filter_query(r),
                    T(r, "goals.whole_tree"));
    if (!ok || from >= to) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "goals.empty"));
    /* Nested lists; a goal with children is a <details> (open) to collapse them.
     * A big tree shows its top two levels: deeper sub-goals are one link
     * away ("N sub-goals" → ?root=ID with the same filters), so the page stays
     * small and fast whatever the size of the organisation. */
    bool big = to - from > GOALS_TREE_OPEN_ROWS;
    TreeText tt = {.level = {T(r, "goals.level.company"), T(r, "goals.level.team"), T(r, "goals.level.person")},
                   .closed = T(r, "goals.status.closed"),
                   .behind = T(r, "goals.behind")};
    /* The filters as given, for the "N sub-goals" links (…&root=ID). */
    const char *more_query = big ? filter_query(r) : "";
    html_raw(r, "<ul class=\"goal-tree\">");
    int base = from < n ? depths[from] : 0;
    for (int i = from; i < to; i++) {
        int depth = depths[i] - base;
        bool parent = i + 1 < to && depths[i + 1] > depths[i];
        if (parent && big && depth >= 1) {
            int children = 0, j = i + 1;
            for (; j < to && depths[j] > depths[i]; j++) children += depths[j] == depths[i] + 1;
            html_raw(r, "<li>");
            goal_row_html(r, &tt, goals[i]);
            html_printf(r, "<a class=\"goal-more\" href=\"/goals%s%sroot=%lld\">%s</a></li>", more_query,
                        *more_query ? "&" : "?", (long long)goals[i]->id, tree_subgoals(r, &tt, children));
            int next = j < to ? depths[j] - base : 0;
            for (int d = depth; d > next; d--) html_raw(r, "</ul></details></li>");
            i = j - 1;
            continue;
        }
        html_raw(r, "<li>");
        if (parent) {
            html_raw(r, "<details open><summary>");
            goal_row_html(r, &tt, goals[i]);
            html_raw(r, "</summary><ul>");
            continue;
        }
        goal_row_html(r, &tt, goals[i]);
        html_raw(r, "</li>");
        int next = i + 1 < to ? depths[i + 1] - base : 0;
        for (int d = depth; d > next; d--) html_raw(r, "</ul></details></li>");
    }
    html_raw(r, "</ul></section>");
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- create / edit form ---------- */

/* p: the form's field prefix ("kr1_", or "" on the goal page); api: the
 * model's name for the same key result ("key_results[0].", or NULL), so that
 * errors the model names either way show beside the field. */
static void kr_fields(Req *r, const char *p, const char *api, const char *legend, const GoalKr *k,
                      const SmartWarning *w, int nw, const char *smart_prefix) {
    html_printf(r, "<fieldset class=\"kr-fields\"><legend>%s</legend><div class=\"grid kr-grid\">", legend);
#define ID(x) arena_printf(r->arena, "f-%s%s", p, x)
#define NM(x) arena_printf(r->arena, "%s%s", p, x)
#define FIELD_ERROR(x)                                                                                                 \
    do {                                                                                                               \
        html_field_error(r, NM(x));                                                                                    \
        if (api) html_field_error(r, arena_printf(r->arena, "%s%s", api, x));                                          \
    } while (0)
/* No key result: the values of a refused post (as typed), else the defaults. */
#define TYPED(x, dflt) (req_form(r, NM(x)) ? req_form(r, NM(x)) : (dflt))
    html_printf(r, "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" maxlength=\"100\" value=\"%s\">",
                ID("metric"), T(r, "goals.field.metric"), ID("metric"), NM("metric"),
                k ? k->metric : TYPED("metric", ""));
    FIELD_ERROR("metric");
    html_raw(r, "</div>");
    html_printf(r, "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" maxlength=\"20\" value=\"%s\">",
                ID("unit"), T(r, "goals.field.unit"), ID("unit"), NM("unit"),
                k ? (k->unit ? k->unit : "") : TYPED("unit", ""));
    FIELD_ERROR("unit");
    if (smart_prefix) smart_for(r, w, nw, arena_printf(r->arena, "%s.unit", smart_prefix), false);
    html_raw(r, "</div>");
    html_printf(r, "<div><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", ID("kind"),
                T(r, "goals.field.kind"), ID("kind"), NM("kind"));
    const char *kind = k ? k->kind : TYPED("kind", "number");
    option(r, "number", T(r, "goals.kind.number"), kind);
    option(r, "percentage", T(r, "goals.kind.percentage"), kind);
    option(r, "currency", T(r, "goals.kind.currency"), kind);
    option(r, "milestone", T(r, "goals.kind.milestone"), kind);
    html_raw(r, "</select>");
    FIELD_ERROR("kind");
    html_printf(r, "</div><div><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", ID("direction"),
                T(r, "goals.field.direction"), ID("direction"), NM("direction"));
    const char *dir = k ? k->direction : TYPED("direction", "increase");
    option(r, "increase", T(r, "goals.direction.increase"), dir);
    option(r, "decrease", T(r, "goals.direction.decrease"), dir);
    option(r, "range", T(r, "goals.direction.range"), dir);
    html_raw(r, "</select>");
    FIELD_ERROR("direction");
    html_raw(r, "</div>");
    html_printf(r, "<div><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", ID("value_source"),
                T(r, "goals.field.value_source"), ID("value_source"), NM("value_source"));
    const char *source = k ? k->value_source : TYPED("value_source", "manual");
    option(r, "manual", T(r, "goals.source.manual"), source);
    option(r, "tasks", T(r, "goals.source.tasks"), source);
    html_raw(r, "</select>");
    FIELD_ERROR("value_source");
    html_raw(r, "</div>");
    static const char *const nums[] = {"baseline", "target", "range_low", "range_high", "weight"};
    static const char *const labels[] = {"goals.field.baseline", "goals.field.target", "goals.field.range_low",
                                         "goals.field.range_high", "goals.field.weight"};
    for (int i = 0; i < 5; i++) {
        const char *val = k ? "" : TYPED(nums[i], i == 4 ? "1" : "");
        if (k && i == 0) val = num(r, k->baseline);
        if (k && i == 1 && k->has_target) val = num(r, k->target);
        if (k && i == 2 && k->has_low) val = num(r, k->range_low);
        if (k && i == 3 && k->has_high) val = num(r, k->range_high);
        if (k && i == 4) val = num(r, k->weight);
        html_printf(r,
                    "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" inputmode=\"decimal\" "
                    "value=\"%s\">",
                    ID(nums[i]), T(r, labels[i]), ID(nums[i]), NM(nums[i]), val);
        FIELD_ERROR(nums[i]);
        if (smart_prefix && (i == 1 || i == 2))
            smart_for(r, w, nw, arena_printf(r->arena, "%s.%s", smart_prefix, nums[i]), false);
        html_raw(r, "</div>");
    }
    html_printf(r, "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" type=\"date\" value=\"%s\">",
                ID("deadline"), T(r, "goals.field.deadline"), ID("deadline"), NM("deadline"),
                k ? (k->deadline_at ? goals_date(r, k->deadline_at) : "") : TYPED("deadline", ""));
    FIELD_ERROR("deadline");
    if (smart_prefix) smart_for(r, w, nw, arena_printf(r->arena, "%s.deadline", smart_prefix), false);
    html_raw(r, "</div></div></fieldset>");
#undef FIELD_ERROR
#undef TYPED
#undef ID
#undef NM
}

/* The goal form; g NULL for a new goal. Shows SMART warnings next to fields. */
static void goal_form(Req *r, const Goal *g, const SmartWarning *w, int nw) {
    page_begin(r, g ? T(r, "goals.edit") : T(r, "goals.new"), "nav.goals");
    html_printf(r, "<h1>%s</h1>", g ? T(r, "goals.edit") : T(r, "goals.new"));
    flash_errors(r);
    if (g) html_printf(r, "<form method=\"post\" action=\"/goals/%lld\" class=\"card stack\">", (long long)g->id);
    else html_raw(r, "<form method=\"post\" action=\"/goals\" class=\"card stack\">");
    html_csrf_field(r);
    if (g) html_printf(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)g->version);
    /* A refused post (new goal, or an edit) shows what was typed, not what is stored. */
    bool posted = req_form(r, "title") != NULL;
#define SHOWN(name, stored) (g && !posted ? (stored) : req_form(r, name))
    const char *title = SHOWN("title", g->title);
    html_printf(r,
                "<label for=\"f-title\">%s</label><input id=\"f-title\" name=\"title\" required maxlength=\"200\" "
                "value=\"%s\">",
                T(r, "goals.field.title"), title ? title : "");
    html_field_error(r, "title");
    smart_for(r, w, nw, "title", true);
    const char *desc = SHOWN("description", g->description);
    html_printf(r,
                "<label for=\"f-description\">%s</label><textarea id=\"f-description\" name=\"description\" "
                "rows=\"3\">%s</textarea>",
                T(r, "goals.field.description"), desc ? desc : "");
    const char *level = SHOWN("level", g->level);
    html_printf(r, "<label for=\"f-level\">%s</label><select id=\"f-level\" name=\"level\">",
                T(r, "goals.field.level"));
    option(r, "person", T(r, "goals.level.person"), level ? level : "person");
    option(r, "team", T(r, "goals.level.team"), level);
    option(r, "company", T(r, "goals.level.company"), level);
    html_raw(r, "</select>");
    html_field_error(r, "level");
    html_printf(r, "<label for=\"f-owner_id\">%s</label>", T(r, "goals.field.owner"));
    int64_t owner = g && !posted ? g->owner_id : form_id(r, "owner_id");
    owner_select(r, "f-owner_id", "owner_id", owner ? owner : r->who->user_id, NULL);
    html_field_error(r, "owner_id");
    html_printf(r, "<label for=\"f-team_id\">%s</label>", T(r, "field.team"));
    team_select(r, "f-team_id", "team_id", g && !posted ? g->team_id : form_id(r, "team_id"), "goals.team_auto");
    html_field_error(r, "team_id");
    html_printf(r, "<label for=\"f-parent_id\">%s</label><select id=\"f-parent_id\" name=\"parent_id\">",
                T(r, "goals.field.parent"));
    html_printf(r, "<option value=\"\">%s</option>", T(r, "goals.no_parent"));
    GoalFilter pf = {.status = "active"};
    const Goal **all;
    int *depths, n = 0;
    if (goals_tree(r, &pf, &all, &depths, &n) != 0) n = 0;
    int64_t parent = g && !posted ? g->parent_id : form_id(r, "parent_id");
    for (int i = 0; i < n; i++) {
        if (g && all[i]->id == g->id) continue;
        html_printf(r, "<option value=\"%lld\"%s>", (long long)all[i]->id, all[i]->id == parent ? " selected" : "");
        for (int d = 0; d < depths[i]; d++) html_raw(r, "— ");
        html_printf(r, "%s</option>", all[i]->title);
    }
    html_raw(r, "</select>");
    html_field_error(r, "parent_id");
    smart_for(r, w, nw, "parent_id", true);
    const char *period = SHOWN("period", g->period);
    html_printf(r, "<label for=\"f-period-kind\">%s</label><select id=\"f-period-kind\" name=\"period\">",
                T(r, "goals.field.period"));
    option(r, "quarter", T(r, "goals.period.quarter"), period ? period : "quarter");
    option(r, "month", T(r, "goals.period.month"), period);
    option(r, "custom", T(r, "goals.period.custom"), period);
    html_raw(r, "</select>");
    const char *start = SHOWN("start_date", goals_date(r, g->start_at));
    const char *end = SHOWN("end_date", goals_date(r, g->end_at));
    html_printf(r,
                "<label for=\"f-start\">%s</label><input id=\"f-start\" name=\"start_date\" type=\"date\" required "
                "value=\"%s\">",
                T(r, "goals.field.start_date"), start ? start : "");
    html_field_error(r, "start_date");
    html_printf(r, "<label for=\"f-end\">%s</label><input id=\"f-end\" name=\"end_date\" type=\"date\" value=\"%s\">",
                T(r, "goals.field.end_date"), end ? end : "");
    html_printf(r, "<p class=\"muted\">%s</p>", T(r, "goals.period_hint"));
    html_field_error(r, "end_date");
    if (g) {
        html_printf(r, "<label for=\"f-status-edit\">%s</label><select id=\"f-status-edit\" name=\"status\">",
                    T(r, "goals.field.status"));
        const char *status = SHOWN("status", g->status);
        option(r, "active", T(r, "goals.status.active"), status);
        option(r, "closed", T(r, "goals.status.closed"), status);
        html_raw(r, "</select>");
        html_field_error(r, "status");
        /* Key results are edited on the goal page; their warnings name the metric. */
        smart_for(r, w, nw, "key_results", true);
        smart_for(r, w, nw, "key_results[", false);
    } else {
        /* The model numbers the key results given: an empty first one shifts the second. */
        const char *m1 = req_form(r, "kr1_metric");
        kr_fields(r, "kr1_", "key_results[0].", T(r, "goals.kr1"), NULL, NULL, 0, NULL);
        kr_fields(r, "kr2_", m1 && *m1 ? "key_results[1]." : "key_results[0].", T(r, "goals.kr2"), NULL, NULL, 0, NULL);
    }
#undef SHOWN
    html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form>",
                g ? T(r, "form.save") : T(r, "form.create"));
    page_end(r);
}

static void read_goal_form(Req *r, GoalInput *in, bool creating) {
    req_check_text(r, "title", req_form(r, "title"), 1, 200, true, &in->title);
    in->has_title = true;
    const char *d = req_form(r, "description");
    in->description = d && *d ? d : NULL;
    in->has_description = true;
    in->level = req_form(r, "level");
    in->has_level = in->level && *in->level;
    if (!in->has_level) req_error(r, "level", "goals.error.level");
    in->owner_id = form_id(r, "owner_id");
    in->has_owner = in->owner_id > 0;
    if (!in->has_owner) in->owner_id = r->who->user_id, in->has_owner = true;
    in->team_id = form_id(r, "team_id");
    in->has_team = in->team_id > 0;
    in->parent_id = form_id(r, "parent_id");
    in->has_parent = true;
    in->period = req_form(r, "period");
    in->has_period = in->period && *in->period;
    if (!in->has_period) req_error(r, "period", "goals.error.period");
    in->has_start = form_date(r, "start_date", "start_date", &in->start_at);
    if (!in->has_start && !req_error_for(r, "start_date")) req_error(r, "start_date", "error.required");
    in->has_end = form_date(r, "end_date", "end_date", &in->end_at);
    if (!creating) {
        in->status = req_form(r, "status");
        in->has_status = in->status && *in->status;
    } else {
        if (form_kr(r, "kr1_", &in->krs[in->n_krs])) in->n_krs++;
        if (form_kr(r, "kr2_", &in->krs[in->n_krs])) in->n_krs++;
    }
}

static int goals_page_new(Req *r) {
    goal_form(r, NULL, NULL, 0);
    return res_html_send(r, 200);
}

static int goals_page_create(Req *r) {
    GoalInput *in = arena_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    read_goal_form(r, in, true);
    Goal g;
    if (!req_error_count(r)) {
        if (goals_create(r, in, &g) == 0)
            return res_redirect(r, arena_printf(r->arena, "/goals/%lld?done=goal_created", (long long)g.id));
        if (!req_error_count(r) || !req_errors(r)[0].field) return -1; /* 403, 404, faults: the error page */
    }
    goal_form(r, NULL, NULL, 0);
    return res_html_send(r, 422);
}

static int load_for_page(Req *r, Goal *g) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    int rc = goals_get(r, id, g);
    if (rc) return rc < 0 ? rc : req_fail(r, 404, NULL, "error.not_found");
    return 0;
}

static int goals_page_edit(Req *r) {
    Goal g;
    if (load_for_page(r, &g) != 0) return -1;
    if (!goals_can_edit(r, &g)) return req_fail(r, 403, NULL, "error.forbidden");
    SmartWarning *w;
    int nw = 0;
    if (goals_smart_check(r, &g, &w, &nw) != 0) return -1;
    goal_form(r, &g, w, nw);
    return res_html_send(r, 200);
}

static int goals_page_update(Req *r) {
    int64_t id, version;
    if (req_path_id(r, "id", &id) != 0 || req_if_match(r, &version) != 0) return -1;
    GoalInput *in = arena_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    read_goal_form(r, in, false);
    Goal g;
    if (!req_error_count(r)) {
        if (goals_update(r, id, version, in, &g) == 0)
            return res_redirect(r, arena_printf(r->arena, "/goals/%lld?done=goal_saved", (long long)id));
        if (!req_error_count(r) || !req_errors(r)[0].field) return -1; /* 403, 404, faults: the error page */
    }
    if (goals_get(r, id, &g) != 0) return -1;
    SmartWarning *w;
    int nw = 0;
    goals_smart_check(r, &g, &w, &nw);
    goal_form(r, &g, w, nw);
    return res_html_send(r, req_error_count(r) ? 422 : 200);
}

/* ---------- the goal page ---------- */

/* Burn-up chart: expected straight line from the period's start (0 %) to its
 * end (100 %) and the actual progress of the goal's own key results after
 * each check-in. Coordinates are numbers; every text goes through %s. */
static void burnup_svg(Req *r, const Goal *g) {
    int64_t *at;
    double *p;
    int n = 0;
    if (goals_burnup(r, g, &at, &p, &n) != 0) return;
    /* L leaves room for "100%" at the phone font size (app.css enlarges the
     * labels when the chart is scaled down); the legend is HTML below it, so
     * Chinese labels wrap and keep the page's font size. */
    const double W = 640, H = 260, L = 72, R = 16, TOP = 16, B = 32;
    double t0 = (double)g->start_at, t1 = (double)(g->end_at + GOALS_DAY_MS);
#define X(t) (L + ((double)(t)-t0) / (t1 - t0) * (W - L - R))
#define Y(v) (TOP + (1.0 - (v)) * (H - TOP - B))
    html_printf(r,
                "<svg class=\"burnup\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"burnup-title "
                "burnup-desc\"><title id=\"burnup-title\">%s</title><desc id=\"burnup-desc\">%s</desc>",
                W, H, T(r, "goals.burnup"),
                i18n_fmt(r->arena, r->locale, "goals.burnup_desc", 2,
                         (const char *[]){pct(r, g->progress), pct(r, g->expected)}));
    for (int i = 0; i <= 4; i++) {
        double v = i / 4.0;
        html_printf(r, "<line class=\"grid-line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L, Y(v), W - R,
                    Y(v));
        html_printf(r,
                    "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s"
                    "</text>",
                    L - 8, Y(v), pct(r, v));
    }
    html_printf(r, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"hanging\">%s</text>", L, H - B + 8,
                goals_date(r, g->start_at));
    html_printf(
        r, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"hanging\">%s</text>",
        W - R, H - B + 8, goals_date(r, g->end_at));
    html_printf(r,
                "<line class=\"expected\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-dasharray=\"6 4\"/>",
                X(t0), Y(0), X(t1), Y(1));
    html_raw(r, "<polyline class=\"actual\" fill=\"none\" points=\"");
    for (int i = 0; i < n; i++) {
        double t = (double)at[i] < t0 ? t0 : (double)at[i] > t1 ? t1 : (double)at[i];
        html_printf(r, "%.1f,%.1f ", X(t), Y(p[i]));
    }
    html_raw(r, "\"/>");
    for (int i = 0; i < n; i++) {
        double t = (double)at[i] < t0 ? t0 : (double)at[i] > t1 ? t1 : (double)at[i];
        html_printf(r, "<circle class=\"actual-dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", X(t), Y(p[i]));
    }
    double now = (double)time_now_ms();
    if (now > t0 && now < t1)
        html_printf(r, "<line class=\"today\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", X(now), Y(0), X(now),
                    Y(1));
    html_raw(r, "</svg>");
    /* The legend: the chart's texts are in its <title>/<desc>; this list is for the eye. */
    html_printf(
        r,
        "<ul class=\"burnup-legend\" aria-hidden=\"true\"><li><span class=\"swatch actual\"></span>%s</li>"
        "<li><span class=\"swatch expected\"></span>%s</li><li><span class=\"swatch today\"></span>%s</li></ul>",
        T(r, "goals.actual"), T(r, "goals.expected"), T(r, "goals.today"));
#undef X
#undef Y
}

/* The goal page with status; after a refused post (status 409/422) the
 * posted form keeps what was typed and shows the errors next to its fields. */
static int show_page(Req *r, int status) {
    Goal g;
    if (load_for_page(r, &g) != 0) return -1;
    SmartWarning *w;
    int nw = 0;
    if (goals_smart_check(r, &g, &w, &nw) != 0) return -1;
    bool can_edit = goals_can_edit(r, &g), can_checkin = goals_can_checkin(r, &g);
    bool active = strcmp(g.status, "active") == 0;
    page_begin(r, g.title, "nav.goals");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", g.title);
    if (can_edit)
        html_printf(r, "<a class=\"button\" href=\"/goals/%lld/edit\">%s</a>", (long long)g.id, T(r, "form.edit"));
    html_raw(r, "</div>");
    flash_notice(r);
    flash_errors(r);
    html_printf(r,
                "<section class=\"card goal-head\"><p><span class=\"badge level-%s\">%s</span> %s · %s%s%s · "
                "<span class=\"goal-dates\">%s – %s</span>",
                g.level, level_label(r, g.level), g.owner_name, g.team_name ? g.team_name : "",
                g.team_name ? " · " : "", active ? T(r, "goals.status.active") : T(r, "goals.status.closed"),
                goals_date(r, g.start_at), goals_date(r, g.end_at));
    if (g.parent_id)
        html_printf(r, " · <a href=\"/goals/%lld\">%s</a>", (long long)g.parent_id, T(r, "goals.parent_link"));
    html_raw(r, "</p>");
    if (g.description) html_printf(r, "<p class=\"goal-desc\">%s</p>", g.description);
    html_raw(r, "<p>");
    progress_bar(r, &g);
    html_printf(r, " <span class=\"muted\">%s</span></p></section>",
                i18n_fmt(r->arena, r->locale, "goals.expected_is", 1, (const char *[]){pct(r, g.expected)}));
    if (nw) {
        html_printf(r, "<section class=\"card smart\" aria-labelledby=\"smart-h\"><h2 id=\"smart-h\">%s</h2><ul>",
                    T(r, "goals.smart_title"));
        for (int i = 0; i < nw; i++) {
            const char *crit = strcmp(w[i].criterion, "specific") == 0     ? "goals.smart.c.specific"
                               : strcmp(w[i].criterion, "measurable") == 0 ? "goals.smart.c.measurable"
                               : strcmp(w[i].criterion, "achievable") == 0 ? "goals.smart.c.achievable"
                               : strcmp(w[i].criterion, "relevant") == 0   ? "goals.smart.c.relevant"
                                                                           : "goals.smart.c.time_bound";
            html_printf(r, "<li class=\"smart-warning\"><strong>%s</strong> %s</li>", T(r, crit), w[i].message);
        }
        html_raw(r, "</ul></section>");
    }
    /* Key results */
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "goals.key_results"));
    if (!g.n_krs) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "goals.no_krs"));
    else {
        html_printf(r,
                    "<div class=\"table-wrap\"><table class=\"list kr-table\"><thead><tr><th>%s</th><th>%s</th>"
                    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                    T(r, "goals.field.metric"), T(r, "goals.kr_range"), T(r, "goals.field.current"),
                    T(r, "goals.progress"), T(r, "goals.field.deadline"), T(r, "goals.field.weight"));
        /* data-label: the column's name, shown before the value when a phone
         * stacks each key result into labelled lines (web/app.css). */
        for (int i = 0; i < g.n_krs; i++) {
            const GoalKr *k = &g.krs[i];
            const char *range =
                strcmp(k->direction, "range") == 0
                    ? arena_printf(r->arena, "%s – %s", k->has_low ? num(r, k->range_low) : "?",
                                   k->has_high ? num(r, k->range_high) : "?")
                    : arena_printf(r->arena, "%s → %s", num(r, k->baseline), k->has_target ? num(r, k->target) : "?");
            html_printf(r, "<tr><td>%s</td><td data-label=\"%s\">%s %s</td><td data-label=\"%s\">%s", k->metric,
                        T(r, "goals.kr_range"), range, k->unit ? k->unit : "", T(r, "goals.field.current"),
                        k->has_current ? num(r, round(k->current * 100.0) / 100.0) : "—");
            if (strcmp(k->value_source, "tasks") == 0) {
                const char *args[] = {arena_printf(r->arena, "%lld", (long long)k->tasks_total),
                                      arena_printf(r->arena, "%lld", (long long)k->tasks_done)};
                html_printf(r, "<br><span class=\"muted kr-from-tasks\">%s</span>",
                            i18n_fmt(r->arena, r->locale, "goals.from_tasks", 2, args));
            }
            html_raw(r, "</td>");
            html_printf(r,
                        "<td data-label=\"%s\"><progress max=\"100\" value=\"%.0f\" aria-label=\"%s\">%s</progress> %s"
                        "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>",
                        T(r, "goals.progress"), k->progress * 100, k->metric, pct(r, k->progress), pct(r, k->progress),
                        T(r, "goals.field.deadline"), k->deadline_at ? goals_date(r, k->deadline_at) : "—",
                        T(r, "goals.field.weight"), num(r, k->weight));
        }
        html_raw(r, "</tbody></table></div>");
    }
    if (can_edit) {
        html_printf(r, "<details class=\"add-kr\"%s><summary>%s</summary>", req_form(r, "metric") ? " open" : "",
                    T(r, "goals.add_kr"));
        html_printf(r, "<form method=\"post\" action=\"/goals/%lld/key-results\" class=\"stack\">", (long long)g.id);
        html_csrf_field(r);
        kr_fields(r, "", NULL, T(r, "goals.add_kr"), NULL, NULL, 0, NULL);
        html_printf(r, "<button type=\"submit\">%s</button></form></details>", T(r, "form.create"));
    }
    html_raw(r, "</section>");
    /* Burn-up */
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "goals.burnup"));
    burnup_svg(r, &g);
    html_raw(r, "</section>");
    /* Check-ins */
    html_printf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "goals.checkins"));
    int n_manual = 0;
    for (int i = 0; i < g.n_krs; i++) n_manual += strcmp(g.krs[i].value_source, "manual") == 0;
    if (can_checkin && active && n_manual) {
        html_printf(r, "<form method=\"post\" action=\"/goals/%lld/checkins\" class=\"inline-form checkin-form\">",
                    (long long)g.id);
        html_csrf_field(r);
        html_printf(r, "<label for=\"f-kr\">%s</label><select id=\"f-kr\" name=\"key_result_id\">",
                    T(r, "goals.field.key_result"));
        int64_t kr_posted = form_id(r, "key_result_id");
        for (int i = 0; i < g.n_krs; i++) /* key results fed by tasks take no check-in by hand */
            if (strcmp(g.krs[i].value_source, "manual") == 0)
                html_printf(r, "<option value=\"%lld\"%s>%s</option>", (long long)g.krs[i].id,
                            g.krs[i].id == kr_posted ? " selected" : "", g.krs[i].metric);
        const char *value = req_form(r, "value"), *note = req_form(r, "note"), *conf = req_form(r, "confidence");
        html_printf(r,
                    "</select><label for=\"f-value\">%s</label><input id=\"f-value\" name=\"value\" required "
                    "inputmode=\"decimal\" value=\"%s\">",
                    T(r, "goals.field.value"), value ? value : "");
        html_field_error(r, "value");
        html_printf(r, "<label for=\"f-confidence\">%s</label><select id=\"f-confidence\" name=\"confidence\">",
                    T(r, "goals.field.confidence"));
        option(r, "on_track", T(r, "goals.confidence.on_track"), conf ? conf : "on_track");
        option(r, "at_risk", T(r, "goals.confidence.at_risk"), conf);
        option(r, "off_track", T(r, "goals.confidence.off_track"), conf);
        html_printf(r,
                    "</select><label for=\"f-note\">%s</label><input id=\"f-note\" name=\"note\" maxlength=\"1000\" "
                    "value=\"%s\">",
                    T(r, "goals.field.note"), note ? note : "");
        html_field_error(r, "note");
        html_printf(r, "<button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "goals.checkin"));
    } else if (!active) {
        html_printf(r, "<p class=\"muted\">%s</p>", T(r, "goals.closed_no_checkin"));
    }
    GoalCheckin *c;
    int nc = 0;
    if (goals_checkins_list(r, g.id, &c, &nc) != 0) nc = 0;
    if (!nc) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "goals.no_checkins"));
    else {
        html_printf(r,
                    "<div class=\"table-wrap\"><table class=\"list checkins\"><thead><tr><th>%s</th><th>%s</th>"
                    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                    T(r, "goals.when"), T(r, "goals.field.key_result"), T(r, "goals.field.value"),
                    T(r, "goals.field.confidence"), T(r, "goals.field.note"), T(r, "goals.who"));
        for (int i = 0; i < nc; i++)
            html_printf(r,
                        "<tr><td><time>%s</time></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                        "<td data-label=\"%s\"><span class=\"badge conf-%s\">%s</span></td><td data-label=\"%s\">%s"
                        "</td><td data-label=\"%s\">%s</td></tr>",
                        html_time(r, c[i].created_at, true), T(r, "goals.field.key_result"), c[i].metric,
                        T(r, "goals.field.value"), num(r, c[i].value), T(r, "goals.field.confidence"), c[i].confidence,
                        confidence_label(r, c[i].confidence), T(r, "goals.field.note"), c[i].note ? c[i].note : "",
                        T(r, "goals.who"),
                        c[i].automatic   ? T(r, "goals.automatic")
                        : c[i].user_name ? c[i].user_name
                                         : "");
        html_raw(r, "</tbody></table></div>");
    }
    html_raw(r, "</section>");
    /* Checkpoints */
    html_printf(r, "<section class=\"card\" id=\"checkpoints\"><h2>%s</h2>", T(r, "goals.checkpoints"));
    GoalCheckpoint *cp;
    int ncp = 0;
    if (goals_checkpoints_list(r, g.id, &cp, &ncp) != 0) ncp = 0;
    if (!ncp) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "goals.no_checkpoints"));
    html_raw(r, "<ul class=\"checkpoints\">");
    for (int i = 0; i < ncp; i++) {
        html_printf(r, "<li class=\"checkpoint%s\"><time>%s</time> <span class=\"cp-title\">%s</span>%s%s",
                    cp[i].done ? " done" : "", goals_date(r, cp[i].due_at), cp[i].title, cp[i].done ? " · " : "",
                    cp[i].done ? T(r, "goals.done") : "");
        if (can_edit) {
            /* A plain form (works without script); htmx swaps only this section. */
            const char *action =
                arena_printf(r->arena, "/goals/%lld/checkpoints/%lld", (long long)g.id, (long long)cp[i].id);
            html_printf(r,
                        " <form class=\"inline-form cp-toggle\" method=\"post\" action=\"%s\" hx-post=\"%s\" "
                        "hx-target=\"#checkpoints\" hx-select=\"#checkpoints\" hx-swap=\"outerHTML\">",
                        action, action);
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"version\" value=\"%lld\"><input type=\"hidden\" "
                        "name=\"done\" value=\"%s\"><button type=\"submit\" class=\"small\">%s</button></form>",
                        (long long)cp[i].version, cp[i].done ? "0" : "1",
                        cp[i].done ? T(r, "goals.cp_undone") : T(r, "goals.cp_done"));
        }
        html_raw(r, "</li>");
    }
    html_raw(r, "</ul>");
    if (can_edit) {
        html_printf(r, "<form method=\"post\" action=\"/goals/%lld/checkpoints\" class=\"inline-form\">",
                    (long long)g.id);
        html_csrf_field(r);
        const char *cp_title = req_form(r, "title"), *cp_date = req_form(r, "date");
        html_printf(r,
                    "<label for=\"f-cp-title\">%s</label><input id=\"f-cp-title\" name=\"title\" required "
                    "maxlength=\"200\" value=\"%s\">",
                    T(r, "goals.field.checkpoint"), cp_title ? cp_title : "");
        html_field_error(r, "title");
        html_printf(r,
                    "<label for=\"f-cp-date\">%s</label><input id=\"f-cp-date\" name=\"date\" type=\"date\" required "
                    "value=\"%s\">",
                    T(r, "goals.field.date"), cp_date ? cp_date : "");
        html_field_error(r, "date");
        html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "form.create"));
    }
    html_raw(r, "</section>");
    page_end(r);
    return res_html_send(r, status);
}

static int goals_page_show(Req *r) { return show_page(r, 200); }

/* A post refused with a field error (422, or 409 naming `status` on a closed
 * goal) shows the goal page again with the errors beside the form's fields;
 * 403, 404 and faults go to the router's error page. */
static int refused(Req *r) {
    if (!req_error_count(r) || !req_errors(r)[0].field) return -1;
    return show_page(r, strcmp(req_errors(r)[0].field, "status") == 0 ? 409 : 422);
}

static int goals_page_checkin(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    double value = 0;
    bool has_value = form_num(r, "value", "value", &value);
    if (!has_value && !req_error_for(r, "value")) req_error(r, "value", "error.required");
    const char *note = NULL;
    req_check_text(r, "note", req_form(r, "note"), 0, 1000, false, &note);
    GoalCheckin c;
    if (req_error_count(r)) return refused(r);
    if (goals_checkin_create(r, id, form_id(r, "key_result_id"), value, req_form(r, "confidence"), note, &c) != 0)
        return refused(r);
    return res_redirect(r, arena_printf(r->arena, "/goals/%lld?done=checkin", (long long)id));
}

static int goals_page_kr_create(Req *r) {
    int64_t id;
    if (req_path_id(r, "id", &id) != 0) return -1;
    GoalKrInput in = {0};
    if (!form_kr(r, "", &in)) req_error(r, "metric", "error.required");
    GoalKr k;
    if (req_error_count(r)) return refused(r);
    if (goals_kr_create(r, id, &in, &k) != 0) return refused(r);
    return res_redirect(r, arena_printf(r->arena, "/goals/%lld?done=goal_saved", (long long)id));
}

static int goals_page_checkpoint_create(Req *r) {
    int64_t id, due = 0;
    if (req_path_id(r, "id", &id) != 0) return -1;
    const char *title = NULL;
    req_check_text(r, "title", req_form(r, "title"), 1, 200, true, &title);
    if (!form_date(r, "date", "date", &due) && !req_error_for(r, "date")) req_error(r, "date", "error.required");
    GoalCheckpoint cp;
    if (req_error_count(r)) return refused(r);
    if (goals_checkpoint_create(r, id, title, due, false, &cp) != 0) return refused(r);
    return res_redirect(r, arena_printf(r->arena, "/goals/%lld?done=goal_saved", (long long)id));
}

/* Marks a checkpoint done / not done; back to the goal page (htmx swaps the
 * checkpoints section out of it). A stale version: 412 on the error page. */
static int goals_page_checkpoint_toggle(Req *r) {
    int64_t id, cp, version;
    if (req_path_id(r, "id", &id) != 0 || req_path_id(r, "cp", &cp) != 0 || req_if_match(r, &version) != 0) return -1;
    const char *done = req_form(r, "done");
    if (!done || (strcmp(done, "0") != 0 && strcmp(done, "1") != 0))
        return req_fail(r, 422, "done", "goals.error.done");
    GoalCheckpoint c;
    if (goals_checkpoint_set_done(r, id, cp, version, strcmp(done, "1") == 0, &c) != 0) return -1;
    return res_redirect(r, arena_printf(r->arena, "/goals/%lld#checkpoints", (long long)id));
}

#define GOALS_WRITE (ACCESS_WRITER | ACC_SCOPE_READ)
static const Route goals_page_routes[] = {
    {"GET", "/goals", goals_page_index, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/goals/new", goals_page_new, ACCESS_WRITER, NULL, 0, false},
    {"POST", "/goals", goals_page_create, ACCESS_WRITER, NULL, 0, false},
    {"GET", "/goals/{id}", goals_page_show, ACCESS_TEAM_READ, goals_scope, 0, false},
    {"GET", "/goals/{id}/edit", goals_page_edit, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/goals/{id}", goals_page_update, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/goals/{id}/checkins", goals_page_checkin, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/goals/{id}/key-results", goals_page_kr_create, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/goals/{id}/checkpoints", goals_page_checkpoint_create, GOALS_WRITE, goals_scope, 0, false},
    {"POST", "/goals/{id}/checkpoints/{cp}", goals_page_checkpoint_toggle, GOALS_WRITE, goals_scope, 0, false},
};
ROUTE_TABLE(goals_page, goals_page_routes);
