/* notify_page.c — the /notifications page (the caller's own, newest first,
 * unread marked) and marking read from it. HTML only; rules live in
 * notify_model.c. */
#include <stdlib.h>
#include <string.h>

#include "../web/web_html.h"
#include "notify.h"

/* GET /notifications */
static int notify_page_list(Req *r) {
    Notification *rows;
    int n;
    if (notify_list(r, false, 0, 100, &rows, &n) != 0) return -1;
    page_begin(r, T(r, "notify.title"), "nav.notifications");
    html_printf(r, "<h1>%s</h1>", T(r, "notify.title"));
    if (notify_unread_count(r) > 0) {
        html_raw(r, "<form method=\"post\" action=\"/notifications/read\" class=\"inline\">");
        html_csrf_field(r);
        html_printf(r, "<input type=\"hidden\" name=\"all\" value=\"1\"><button type=\"submit\">%s</button></form>",
                    T(r, "notify.read_all"));
    }
    if (!n) html_printf(r, "<p class=\"empty\">%s</p>", T(r, "notify.empty"));
    else html_raw(r, "<ul class=\"notifications\">");
    for (int i = 0; i < n; i++) {
        const Notification *x = &rows[i];
        html_printf(r, "<li class=\"notification%s\">", x->read_at ? "" : " unread");
        if (x->link && x->link[0] == '/' && x->link[1] != '/')
            html_printf(r, "<a href=\"%s\">%s</a>", x->link, notify_text(r, x));
        else html_printf(r, "<span>%s</span>", notify_text(r, x));
        html_printf(r, " <time>%s</time>", html_time(r, x->created_at, true));
        if (!x->read_at) {
            html_raw(r, "<form method=\"post\" action=\"/notifications/read\" class=\"inline\">");
            html_csrf_field(r);
            html_printf(r,
                        "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button type=\"submit\">%s</button></form>",
                        (long long)x->id, T(r, "notify.mark_read"));
        }
        html_raw(r, "</li>");
    }
    if (n) html_raw(r, "</ul>");
    page_end(r);
    return res_html_send(r, 200);
}

/* POST /notifications/read (form: all=1 or id=N) */
static int notify_page_read(Req *r) {
    const char *all = req_form(r, "all"), *id = req_form(r, "id");
    int64_t one = id ? strtoll(id, NULL, 10) : 0;
    bool everything = all && strcmp(all, "1") == 0;
    if (!everything && one <= 0) return req_fail(r, 422, "id", "notify.error.ids");
    if (notify_mark_read(r, &one, 1, everything) != 0) return -1;
    return res_redirect(r, "/notifications");
}

static const Route notify_page_routes[] = {
    {"GET", "/notifications", notify_page_list, ACCESS_ANY_USER, NULL, 0, false},
    {"POST", "/notifications/read", notify_page_read, ACCESS_ANY_USER, NULL, 0, false},
};
ROUTE_TABLE(notify_page, notify_page_routes);
