/* tasks_views.c — two read-only views of tasks by date: the month calendar
 * (/tasks/calendar: a real <table>, Monday first, days cut in the display
 * zone; a list by day on a phone through CSS) and the Gantt-style timeline
 * (/tasks/timeline: server-rendered SVG, start → due bars, milestones as
 * diamonds, blocked-by arrows, a today line). No writes, no inline style or
 * script (the CSP forbids both): geometry goes in SVG attributes, looks in
 * CSS classes. Every value goes through html_printf, which escapes it. */
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "../org/org.h"
#include "../web/web_html.h"
#include "tasks.h"

enum {
    VIEWS_MAX_TASKS = 2000, /* tasks read for one calendar month or timeline window */
    DAY_MS = 86400000,
};

static const char *scope_root(Req *r) {
    if (r->who->role == ROLE_ADMIN) return NULL;
    return r->who->team_path && *r->who->team_path ? r->who->team_path : "/nothing/";
}

/* Civil date of a day number (days since 1970-01-01), H. Hinnant's algorithm. */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* Day number of a UTC ms instant in the display zone. */
static int64_t local_day(int64_t ms) { return floor_div(ms + (int64_t)web_display_offset_min() * 60000, DAY_MS); }
/* UTC ms of the start of a local day. */
static int64_t day_start_ms(int64_t day) { return day * DAY_MS - (int64_t)web_display_offset_min() * 60000; }
/* 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday_mon0(int64_t day) { return (int)(((day % 7) + 7 + 3) % 7); }

static int days_in_month(int y, int m) {
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : n[m - 1];
}

/* "YYYY-MM-DD" of a day number. Arena memory. */
static const char *day_iso(Req *r, int64_t day) {
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return arena_printf(r->arena, "%04d-%02d-%02d", y, m, d);
}

/* Which tasks a view shows: "mine" (default for the calendar) or the team
 * (team_id, within the caller's scope). Reads page by page up to
 * VIEWS_MAX_TASKS and keeps those keep() accepts. Returns 0 or -1 (failed). */
typedef struct ViewSel {
    bool mine;
    int64_t team_id; /* 0: every team the caller reads */
} ViewSel;

static int read_selection(Req *r, ViewSel *sel, bool mine_default) {
    const char *view = req_query(r, "view");
    sel->mine = view ? strcmp(view, "mine") == 0 : mine_default;
    sel->team_id = 0;
    if (req_query_int(r, "team_id", 1, INT64_MAX, 0, &sel->team_id) != 0) return -1;
    if (sel->team_id && !web_can_read_team(r, sel->team_id)) return req_fail(r, 404, "team_id", "error.not_found");
    return 0;
}

static int load_tasks(Req *r, const ViewSel *sel, int64_t from_ms, int64_t to_ms, Task **out, int *n) {
    int cap = 64, k = 0;
    Task *keep = arena_alloc(r->arena, sizeof *keep * (size_t)cap);
    TaskFilter f = {.scope_path = scope_root(r), .team_id = sel->team_id, .limit = 500};
    if (sel->mine) f.owner_id = r->who->user_id;
    for (int read = 0; read < VIEWS_MAX_TASKS;) {
        Task *rows;
        int got = 0;
        if (tasks_list(r, &f, &rows, &got) != 0) return -1;
        for (int i = 0; i < got; i++) {
            const Task *t = &rows[i];
            if (!t->due_at) continue;
            int64_t start = t->start_at ? t->start_at : t->due_at;
            if (t->due_at < from_ms || start >= to_ms) continue;
            if (k == cap) {
                Task *bigger = arena_alloc(r->arena, sizeof *keep * (size_t)cap * 2);
                memcpy(bigger, keep, sizeof *keep * (size_t)cap);
                keep = bigger, cap *= 2;
            }
            keep[k++] = *t;
        }
        read += got;
        if (got < f.limit) break;
        f.after_id = rows[got - 1].id;
    }
    *out = keep;
    *n = k;
    return 0;
}

/* s cut to at most max code points (an ellipsis added when cut); never splits
 * a character. Arena memory or s itself. */
static const char *clip_text(Req *r, const char *s, int max) {
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if ((*p & 0xC0) == 0x80) continue;
        if (n++ == max) return arena_printf(r->arena, "%.*s…", (int)((const char *)p - s), s);
    }
    return s;
}

static int by_due(const void *a, const void *b) {
    const Task *x = a, *y = b;
    if (x->due_at != y->due_at) return x->due_at < y->due_at ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}
static int by_start(const void *a, const void *b) {
    const Task *x = a, *y = b;
    int64_t sx = x->start_at ? x->start_at : x->due_at, sy = y->start_at ? y->start_at : y->due_at;
    if (sx != sy) return sx < sy ? -1 : 1;
    return by_due(a, b);
}

/* The view switcher shared by both pages (mine / team, team select). */
static void view_nav(Req *r, const char *path, const ViewSel *sel, const char *extra_name, const char *extra_value) {
    html_printf(r,
                "<nav class=\"actions\" aria-label=\"%s\"><a href=\"/tasks\">%s</a> <a href=\"/tasks/board\">%s</a> "
                "<a href=\"/tasks/calendar\" aria-current=\"%s\">%s</a> <a href=\"/tasks/timeline\" "
                "aria-current=\"%s\">%s</a></nav>",
                T(r, "tasks.views"), T(r, "tasks.title"), T(r, "tasks.board"),
                strcmp(path, "/tasks/calendar") == 0 ? "page" : "false", T(r, "tasks.calendar"),
                strcmp(path, "/tasks/timeline") == 0 ? "page" : "false", T(r, "tasks.timeline"));
    Team *teams;
    int n_teams = 0;
    if (org_teams_list(r, scope_root(r), &teams, &n_teams) != 0) n_teams = 0;
    html_printf(r, "<form class=\"filters card\" method=\"get\" action=\"%s\">", path);
    html_printf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", extra_name, extra_value);
    html_printf(r,
                "<div class=\"stack\"><label for=\"v-view\">%s</label><select id=\"v-view\" name=\"view\">"
                "<option value=\"mine\"%s>%s</option><option value=\"team\"%s>%s</option></select></div>",
                T(r, "tasks.views"), sel->mine ? " selected" : "", T(r, "tasks.mine"), sel->mine ? "" : " selected",
                T(r, "tasks.team"));
    html_printf(r,
                "<div class=\"stack\"><label for=\"v-team\">%s</label><select id=\"v-team\" name=\"team_id\">"
                "<option value=\"\">%s</option>",
                T(r, "tasks.field.team_id"), T(r, "tasks.any"));
    for (int i = 0; i < n_teams; i++) {
        html_printf(r, "<option value=\"%lld\"%s>", (long long)teams[i].id,
                    teams[i].id == sel->team_id ? " selected" : "");
        for (int d = 0; d < teams[i].depth; d++) html_raw(r, "— ");
        html_printf(r, "%s</option>", teams[i].name);
    }
    html_printf(r, "</select></div><button type=\"submit\">%s</button></form>", T(r, "form.filter"));
}

/* Query string keeping the selection, for prev/next links. Arena memory. */
static const char *sel_query(Req *r, const ViewSel *sel) {
    if (sel->team_id)
        return arena_printf(r->arena, "view=%s&team_id=%lld", sel->mine ? "mine" : "team", (long long)sel->team_id);
    return arena_printf(r->arena, "view=%s", sel->mine ? "mine" : "team");
}

/* ---------- calendar ---------- */

static const char *const WEEKDAYS[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static void calendar_task(Req *r, const Task *t, int64_t now) {
    bool late = tasks_is_overdue(t, now);
    bool closed = !tasks_is_open(t);
    html_printf(r, "<li class=\"cal-task%s%s%s\"><a href=\"/tasks/%lld\">", late ? " late" : "",
                closed ? " closed" : "", t->milestone ? " milestone" : "", (long long)t->id);
    if (t->milestone)
        html_printf(r, "<span class=\"ms-mark\" aria-hidden=\"true\">◆</span><span class=\"sr-only\">%s: </span>",
                    T(r, "tasks.field.milestone"));
    html_printf(r, "%s</a>", t->title);
    if (late) html_printf(r, " <span class=\"overdue\">%s</span>", T(r, "tasks.overdue"));
    else if (closed)
        html_printf(r, " <span class=\"muted\">%s</span>", T(r, arena_printf(r->arena, "tasks.status.%s", t->status)));
    html_raw(r, "</li>");
}

static int tasks_views_page_calendar(Req *r) {
    ViewSel sel;
    if (read_selection(r, &sel, true) != 0) return -1;
    int64_t now = time_now_ms(), today = local_day(now);
    int y, m, d;
    civil_from_days(today, &y, &m, &d);
    const char *month = req_query(r, "month");
    if (month && *month) {
        int yy, mm;
        char tail;
        if (sscanf(month, "%4d-%2d%c", &yy, &mm, &tail) != 2 || strlen(month) != 7 || yy < 1970 || yy > 9999 ||
            mm < 1 || mm > 12)
            return req_fail(r, 400, "month", "tasks.bad_month");
        y = yy, m = mm;
    }
    int64_t first = time_days_from_civil(y, (unsigned)m, 1);
    int n_days = days_in_month(y, m);
    Task *rows;
    int n = 0;
    if (load_tasks(r, &sel, day_start_ms(first), day_start_ms(first + n_days), &rows, &n) != 0) return -1;
    qsort(rows, (size_t)n, sizeof *rows, by_due);
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1, ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    const char *title =
        i18n_fmt(r->arena, r->locale, "tasks.calendar_month", 2,
                 (const char *[]){arena_printf(r->arena, "%d", y), T(r, arena_printf(r->arena, "tasks.month.%d", m))});
    page_begin(r, T(r, "tasks.calendar"), "nav.tasks");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", T(r, "tasks.calendar"));
    view_nav(r, "/tasks/calendar", &sel, "month", arena_printf(r->arena, "%04d-%02d", y, m));
    html_raw(r, "</div>");
    const char *q = sel_query(r, &sel);
    html_printf(r,
                "<section class=\"card calendar\" aria-labelledby=\"cal-caption\"><nav class=\"cal-nav\" "
                "aria-label=\"%s\"><a href=\"/tasks/calendar?%s&amp;month=%04d-%02d\" rel=\"prev\">← %s</a> "
                "<a href=\"/tasks/calendar?%s\">%s</a> <a href=\"/tasks/calendar?%s&amp;month=%04d-%02d\" "
                "rel=\"next\">%s →</a></nav>",
                T(r, "tasks.calendar_nav"), q, py, pm, T(r, "tasks.prev_month"), q, T(r, "tasks.this_month"), q, ny, nm,
                T(r, "tasks.next_month"));
    html_printf(r,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"cal-caption\">"
                "<table class=\"cal\"><caption id=\"cal-caption\">%s</caption><thead><tr>",
                title);
    for (int i = 0; i < 7; i++)
        html_printf(r, "<th scope=\"col\"><abbr title=\"%s\">%s</abbr></th>",
                    T(r, arena_printf(r->arena, "tasks.weekday.%s", WEEKDAYS[i])),
                    T(r, arena_printf(r->arena, "tasks.weekday_short.%s", WEEKDAYS[i])));
    html_raw(r, "</tr></thead><tbody><tr>");
    int lead = weekday_mon0(first), k = 0;
    for (int i = 0; i < lead; i++) html_raw(r, "<td class=\"cal-pad\" aria-hidden=\"true\"></td>");
    for (int day = 1; day <= n_days; day++) {
        int64_t dn = first + day - 1;
        int col = (lead + day - 1) % 7;
        if (col == 0 && day > 1) html_raw(r, "</tr><tr>");
        int64_t end = day_start_ms(dn + 1);
        int from = k;
        while (k < n && rows[k].due_at < end) k++;
        const char *wd = T(r, arena_printf(r->arena, "tasks.weekday.%s", WEEKDAYS[col]));
        html_printf(r, "<td class=\"cal-cell%s%s\"", dn == today ? " today" : "", from == k ? " cal-empty" : "");
        if (dn == today) html_raw(r, " aria-current=\"date\"");
        html_printf(r,
                    "><span class=\"cal-day\"><time datetime=\"%s\">%d</time><span class=\"cal-wd\"> %s</span></span>",
                    day_iso(r, dn), day, wd);
        if (dn == today) html_printf(r, " <span class=\"today-mark\">%s</span>", T(r, "tasks.today"));
        if (from < k) {
            html_raw(r, "<ul>");
            for (int i = from; i < k; i++) calendar_task(r, &rows[i], now);
            html_raw(r, "</ul>");
        }
        html_raw(r, "</td>");
    }
    int trail = (7 - (lead + n_days) % 7) % 7;
    for (int i = 0; i < trail; i++) html_raw(r, "<td class=\"cal-pad\" aria-hidden=\"true\"></td>");
    html_raw(r, "</tr></tbody></table></div>");
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "tasks.calendar_empty"));
    html_raw(r, "</section>");
    tasks_ical_card(r, NULL);
    page_end(r);
    return res_html_send(r, 200);
}

/* ---------- timeline ---------- */

enum {
    TL_LABEL_W = 220, /* px of the label column */
    TL_DAY_W = 28,    /* px per day */
    TL_ROW_H = 30,
    TL_HEAD_H = 44,
    TL_MAX_ROWS = 300,
};

static int tasks_views_page_timeline(Req *r) {
    ViewSel sel;
    if (read_selection(r, &sel, false) != 0) return -1;
    int64_t now = time_now_ms(), today = local_day(now);
    int64_t from = today - 7;
    const char *from_q = req_query(r, "from");
    if (from_q && *from_q) {
        int64_t ms;
        if (strlen(from_q) != 10 || time_parse_iso(from_q, &ms) != 0) return req_fail(r, 400, "from", "tasks.bad_from");
        from = floor_div(ms, DAY_MS);
    }
    from -= weekday_mon0(from); /* weeks start on Monday */
    int64_t weeks = 6;
    if (req_query_int(r, "weeks", 1, 26, 6, &weeks) != 0) return -1;
    int n_days = (int)weeks * 7;
    Task *rows;
    int n = 0;
    if (load_tasks(r, &sel, day_start_ms(from), day_start_ms(from + n_days), &rows, &n) != 0) return -1;
    qsort(rows, (size_t)n, sizeof *rows, by_start);
    if (n > TL_MAX_ROWS) n = TL_MAX_ROWS;

    page_begin(r, T(r, "tasks.timeline"), "nav.tasks");
    html_printf(r, "<div class=\"page-head\"><h1>%s</h1>", T(r, "tasks.timeline"));
    view_nav(r, "/tasks/timeline", &sel, "from", day_iso(r, from));
    html_raw(r, "</div>");
    const char *q = sel_query(r, &sel);
    html_printf(
        r,
        "<section class=\"card timeline\"><nav class=\"cal-nav\" aria-label=\"%s\"><a "
        "href=\"/tasks/timeline?%s&amp;from=%s&amp;weeks=%lld\" rel=\"prev\">← %s</a> <a "
        "href=\"/tasks/timeline?%s&amp;weeks=%lld\">%s</a> <a href=\"/tasks/timeline?%s&amp;from=%s&amp;weeks=%lld\" "
        "rel=\"next\">%s →</a></nav>",
        T(r, "tasks.timeline_nav"), q, day_iso(r, from - n_days), (long long)weeks, T(r, "tasks.earlier"), q,
        (long long)weeks, T(r, "tasks.today"), q, day_iso(r, from + n_days), (long long)weeks, T(r, "tasks.later"));
    if (!n) {
        html_printf(r, "<p class=\"empty\">%s</p></section>", T(r, "tasks.timeline_empty"));
        page_end(r);
        return res_html_send(r, 200);
    }
    int width = TL_LABEL_W + n_days * TL_DAY_W, height = TL_HEAD_H + n * TL_ROW_H + 8;
    const char *range = i18n_fmt(r->arena, r->locale, "tasks.timeline_range", 2,
                                 (const char *[]){html_time(r, day_start_ms(from), false),
                                                  html_time(r, day_start_ms(from + n_days - 1), false)});
    html_printf(r,
                "<div class=\"timeline-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">"
                "<svg class=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\" role=\"group\" aria-labelledby=\"tl-title\" aria-describedby=\"tl-desc\"><title "
                "id=\"tl-title\">%s"
                "</title><desc id=\"tl-desc\">%s</desc>",
                T(r, "tasks.timeline"), width, height, width, height, T(r, "tasks.timeline"), range);
    html_raw(r, "<defs><marker id=\"tl-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                "markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"gantt-arrowhead\" "
                "d=\"M0 0L10 5L0 10z\"/></marker></defs>");
    /* Week grid and date heads. */
    for (int i = 0; i <= n_days; i++) {
        int x = TL_LABEL_W + i * TL_DAY_W;
        int64_t dn = from + i;
        int wd = weekday_mon0(dn);
        if (i < n_days && wd >= 5)
            html_printf(r, "<rect class=\"gantt-weekend\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", x, TL_HEAD_H,
                        TL_DAY_W, height - TL_HEAD_H);
        if (wd == 0 || i == n_days)
            html_printf(r, "<line class=\"gantt-week\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x, TL_HEAD_H - 20, x,
                        height);
        if (i < n_days && wd == 0) {
            int yy, mm, dd;
            civil_from_days(dn, &yy, &mm, &dd);
            html_printf(r, "<text class=\"gantt-date\" x=\"%d\" y=\"%d\">%d/%d</text>", x + 3, TL_HEAD_H - 24, mm, dd);
        }
        if (i < n_days) {
            int yy, mm, dd;
            civil_from_days(dn, &yy, &mm, &dd);
            html_printf(r, "<text class=\"gantt-day\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>",
                        x + TL_DAY_W / 2, TL_HEAD_H - 6, dd);
        }
    }
    int64_t x0_ms = day_start_ms(from);
    double px_per_ms = (double)TL_DAY_W / DAY_MS;
    int x_max = width - 1;
    int *bar_x1 = arena_alloc(r->arena, sizeof(int) * (size_t)n),
        *bar_x2 = arena_alloc(r->arena, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        const Task *t = &rows[i];
        int64_t s = t->start_at ? t->start_at : t->due_at;
        double xs = TL_LABEL_W + (double)(s - x0_ms) * px_per_ms,
               xe = TL_LABEL_W + (double)(t->due_at - x0_ms) * px_per_ms;
        if (xs < TL_LABEL_W) xs = TL_LABEL_W;
        if (xe > x_max) xe = x_max;
        if (xe - xs < 4) xe = xs + 4;
        bar_x1[i] = (int)xs, bar_x2[i] = (int)xe;
    }
    /* Rows: label, bar or diamond; each row a group with its own accessible title. */
    for (int i = 0; i < n; i++) {
        const Task *t = &rows[i];
        int y = TL_HEAD_H + i * TL_ROW_H;
        bool late = tasks_is_overdue(t, now);
        const char *cls = late ? "late" : !tasks_is_open(t) ? "closed" : "open";
        const char *when = t->start_at ? arena_printf(r->arena, "%s – %s", html_time(r, t->start_at, true),
                                                      html_time(r, t->due_at, true))
                                       : html_time(r, t->due_at, true);
        const char *label = arena_printf(r->arena, "%s · %s · %s%s", t->title, t->owner_name, when,
                                         late ? arena_printf(r->arena, " · %s", T(r, "tasks.overdue")) : "");
        html_printf(r, "<a href=\"/tasks/%lld\" class=\"gantt-row gantt-%s\" aria-label=\"%s\"><title>%s</title>",
                    (long long)t->id, cls, label, label);
        if (i % 2)
            html_printf(r, "<rect class=\"gantt-stripe\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>", y, width,
                        TL_ROW_H);
        html_printf(r, "<text class=\"gantt-label\" x=\"8\" y=\"%d\">%s</text>", y + 19, clip_text(r, t->title, 15));
        if (t->milestone) {
            int cx = bar_x2[i], cy = y + TL_ROW_H / 2;
            html_printf(r, "<path class=\"gantt-milestone\" d=\"M%d %dL%d %dL%d %dL%d %dz\"/>", cx, cy - 8, cx + 8, cy,
                        cx, cy + 8, cx - 8, cy);
        } else {
            html_printf(r, "<rect class=\"gantt-bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>",
                        bar_x1[i], y + 7, bar_x2[i] - bar_x1[i], TL_ROW_H - 14);
        }
        html_raw(r, "</a>");
    }
    /* Dependency arrows: from the end of the blocker to the start of the task. */
    for (int i = 0; i < n; i++) {
        for (int b = 0; b < rows[i].n_blocked_by; b++) {
            int j = -1;
            for (int k = 0; k < n; k++)
                if (rows[k].id == rows[i].blocked_by[b]) j = k;
            if (j < 0) continue;
            int xa = bar_x2[j], ya = TL_HEAD_H + j * TL_ROW_H + TL_ROW_H / 2;
            int xb = bar_x1[i] - 2, yb = TL_HEAD_H + i * TL_ROW_H + TL_ROW_H / 2;
            int xm = xa + 8;
            html_printf(r, "<path class=\"gantt-dep\" d=\"M%d %dH%dV%dH%d\" marker-end=\"url(#tl-arrow)\"/>", xa, ya,
                        xm, yb, xb > xm ? xb : xm + 4);
        }
    }
    if (today >= from && today < from + n_days) {
        int x = TL_LABEL_W + (int)((double)(now - x0_ms) * px_per_ms);
        html_printf(
            r,
            "<line class=\"gantt-today\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/><text class=\"gantt-today-label\" "
            "x=\"%d\" y=\"%d\">%s</text>",
            x, TL_HEAD_H - 18, x, height, x + 3, TL_HEAD_H - 34 > 10 ? TL_HEAD_H - 34 : 10, T(r, "tasks.today"));
    }
    html_raw(r, "</svg></div>");
    html_printf(r,
                "<p class=\"legend muted\"><span class=\"legend-bar\" aria-hidden=\"true\"></span> %s "
                "<span class=\"ms-mark\" aria-hidden=\"true\">◆</span> %s <span class=\"legend-late\" "
                "aria-hidden=\"true\"></span> %s → %s</p></section>",
                T(r, "tasks.timeline_bar"), T(r, "tasks.field.milestone"), T(r, "tasks.overdue"),
                T(r, "tasks.timeline_dep"));
    page_end(r);
    return res_html_send(r, 200);
}

static const Route tasks_views_routes[] = {
    {"GET", "/tasks/calendar", tasks_views_page_calendar, ACCESS_ANY_USER, NULL, 0, false},
    {"GET", "/tasks/timeline", tasks_views_page_timeline, ACCESS_ANY_USER, NULL, 0, false},
};
ROUTE_TABLE(tasks_views, tasks_views_routes);
