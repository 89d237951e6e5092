/* web_html.c — escaping HTML writer, Markdown rendering and the one layout.
 * html_printf implements the printf conversions we use itself so that every
 * %s goes through the escaper while the compiler still checks the format. */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "web_html.h"
#include "web_internal.h"

void html_escape_into(Buf *b, const char *s) {
    if (!s) return;
    const char *start = s;
    for (; *s; s++) {
        const char *rep;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(b, start, (size_t)(s - start));
        buf_puts(b, rep);
        start = s + 1;
    }
    buf_append(b, start, (size_t)(s - start));
}

void html_raw_(Req *r, const char *literal) { buf_puts(&r->priv->out, literal); }

void html_printf(Req *r, const char *fmt, ...) {
    Buf *b = &r->priv->out;
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            buf_puts(b, p);
            break;
        }
        buf_append(b, p, (size_t)(pct - p));
        /* Parse one conversion: %[flags][width][.prec][length]conv */
        const char *q = pct + 1;
        if (*q == '%') {
            buf_putc(b, '%');
            p = q + 1;
            continue;
        }
        const char *flags = q;
        while (*q && strchr("-+ #0", *q)) q++;
        size_t n_flags = (size_t)(q - flags);
        int width = -1;
        if (*q == '*') width = va_arg(ap, int), q++;
        else if (*q >= '0' && *q <= '9') {
            width = 0;
            while (*q >= '0' && *q <= '9') width = width * 10 + (*q++ - '0');
        }
        bool has_prec = false;
        int prec = 0;
        if (*q == '.') {
            q++;
            has_prec = true;
            if (*q == '*') prec = va_arg(ap, int), q++;
            else
                while (*q >= '0' && *q <= '9') prec = prec * 10 + (*q++ - '0');
        }
        const char *len_mod = q;
        while (*q == 'l' || *q == 'z' || *q == 'j' || *q == 'h' || *q == 't' || *q == 'L') q++;
        size_t n_len = (size_t)(q - len_mod);
        char conv = *q;
        /* The conversion rebuilt with literal width and precision, so that
         * '*' arguments are consumed here and never misalign the va_list. */
        char spec[48];
        int k = snprintf(spec, sizeof spec, "%%%.*s", (int)n_flags, flags);
        if (width >= 0) k += snprintf(spec + k, sizeof spec - (size_t)k, "%d", width);
        if (has_prec) k += snprintf(spec + k, sizeof spec - (size_t)k, ".%d", prec);
        snprintf(spec + k, sizeof spec - (size_t)k, "%.*s%c", (int)n_len, len_mod, conv);
        bool is_long = n_len == 1 && len_mod[0] == 'l', is_llong = n_len == 2 && len_mod[0] == 'l';
        bool is_size = n_len == 1 && (len_mod[0] == 'z' || len_mod[0] == 'j' || len_mod[0] == 't');
        bool is_short = n_len >= 1 && len_mod[0] == 'h';
        if (conv == 's') {
            const char *str = va_arg(ap, const char *);
            if (has_prec) {
                char *tmp = arena_strndup(r->arena, str ? str : "", str && prec > 0 ? strnlen(str, (size_t)prec) : 0);
                html_escape_into(b, tmp);
            } else {
                html_escape_into(b, str);
            }
        } else if (strchr("diouxX", conv) && conv) {
            if (is_size) buf_printf(b, spec, va_arg(ap, size_t));
            else if (is_llong) buf_printf(b, spec, va_arg(ap, long long));
            else if (is_long) buf_printf(b, spec, va_arg(ap, long));
            else if (is_short || n_len == 0) buf_printf(b, spec, va_arg(ap, int));
            else abort();
        } else if (conv && strchr("fgeGE", conv)) {
            if (n_len == 1 && len_mod[0] == 'L') buf_printf(b, spec, va_arg(ap, long double));
            else buf_printf(b, spec, va_arg(ap, double));
        } else if (conv == 'c') {
            char c[2] = {(char)va_arg(ap, int), 0};
            html_escape_into(b, c);
        } else if (conv == 'p') {
            buf_printf(b, "%p", va_arg(ap, void *));
        } else {
            /* An unsupported conversion would leave its argument unread and
             * shift every later one: a programmer error, never user input. */
            abort();
        }
        p = q + (*q ? 1 : 0);
    }
    va_end(ap);
}

/* ---------- Markdown ---------- */

static pthread_once_t cmark_once = PTHREAD_ONCE_INIT;
static void cmark_init(void) { cmark_gfm_core_extensions_ensure_registered(); }

void html_markdown(Req *r, const char *md) {
    if (!md || !*md) return;
    pthread_once(&cmark_once, cmark_init);
    int opts = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
    cmark_parser *parser = cmark_parser_new(opts);
    static const char *exts[] = {"table", "strikethrough", "autolink", "tasklist"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e) cmark_parser_attach_syntax_extension(parser, e);
    }
    cmark_parser_feed(parser, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser));
    buf_puts(&r->priv->out, "<div class=\"markdown\">");
    buf_puts(&r->priv->out, html); /* safe mode: raw HTML and javascript: links removed */
    buf_puts(&r->priv->out, "</div>");
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
}

/* ---------- small formatters ---------- */

const char *html_time(Req *r, int64_t ms, bool with_time) {
    char *out = arena_alloc(r->arena, 48);
    time_format_display(ms, r->locale, web_config()->display_offset_min, with_time, out, 48);
    return out;
}

const char *html_int(Req *r, int64_t v) {
    char *out = arena_alloc(r->arena, 32);
    i18n_format_int(r->locale, v, out, 32);
    return out;
}

const char *url_encode(Req *r, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(r->arena, n * 3 + 1), *w = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~/", c))
            *w++ = (char)c;
        else *w++ = '%', *w++ = hex[c >> 4], *w++ = hex[c & 15];
    }
    *w = 0;
    return out;
}

/* ---------- layout ---------- */

typedef struct NavItem {
    const char *path;
    const char *key;
    const char *icon; /* SVG path data (24×24, stroked); the label carries the meaning */
    unsigned roles;   /* who sees it */
} NavItem;

/* Every module of DESIGN.md §5; an item shows only once its page exists.
 * Icons are 24×24 stroke paths (drawn for opsdesk), so no icon font or
 * glyph coverage is needed. */
static const NavItem nav_items[] = {
    {"/", "nav.home", "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z", ACCESS_ANY_USER},
    {"/goals", "nav.goals",
     "M12 3a9 9 0 1 1 0 18a9 9 0 1 1 0-18M12 7a5 5 0 1 1 0 10a5 5 0 1 1 0-10M12 11a1 1 0 1 1 0 2a1 1 0 1 1 0-2",
     ACCESS_ANY_USER},
    {"/tasks", "nav.tasks", "M4 4h16v16H4zM8 12l3 3 5-6", ACCESS_ANY_USER},
    {"/sops", "nav.sops", "M4 4h6v5H4zM14 15h6v5h-6zM7 9v3h10v3", ACCESS_ANY_USER},
    {"/runs", "nav.runs", "M5 4l14 8-14 8z", ACCESS_ANY_USER},
    {"/eventlogs", "nav.eventlogs", "M3 6h4v4H3zM17 4h4v4h-4zM17 16h4v4h-4zM7 8h4l6-2M11 8l6 10", ACCESS_ANY_USER},
    {"/kpis", "nav.kpis", "M3 20h18M5 16l4-5 4 3 6-8", ACCESS_ANY_USER},
    {"/problems", "nav.problems", "M5 21V4M5 4h11l-2 4 2 4H5", ACCESS_ANY_USER},
    {"/risks", "nav.risks", "M12 3 2 20h20zM12 10v4M12 17v.5", ACCESS_ANY_USER},
    {"/appraisals", "nav.appraisals", "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z",
     ACCESS_ANY_USER},
    {"/meetings", "nav.meetings", "M4 5h16v10H9l-5 4z", ACCESS_ANY_USER},
    {"/customers", "nav.customers", "M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8M4 21c0-4 4-6 8-6s8 2 8 6", ACCESS_ANY_USER},
    {"/reports", "nav.reports", "M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h7", ACCESS_ANY_USER},
    {"/teams", "nav.teams", "M9 3h6v4H9zM4 17h6v4H4zM14 17h6v4h-6zM12 7v5M7 17v-5h10v5", ACCESS_ANY_USER},
    {"/people", "nav.people",
     "M9 11a3.5 3.5 0 1 0 0-7a3.5 3.5 0 1 0 0 7M2 20c0-3.5 3-5.5 7-5.5s7 2 7 5.5M16 4.5a3.5 3.5 0 0 1 0 6.5M18 "
     "14.8c2.4.6 4 2.4 4 5.2",
     ACCESS_ANY_USER},
    {"/notifications", "nav.notifications", "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0", ACCESS_ANY_USER},
    {"/audit", "nav.audit", "M5 4h14v16H5zM8 8h8M8 12h8M8 16h5", ACCESS_ADMIN},
    {"/tokens", "nav.tokens", "M8 15a4 4 0 1 1 0-8a4 4 0 1 1 0 8M12 11h9M18 11v3M21 11v2", ACCESS_ANY_USER},
};

/* Nav badges registered by modules at start-up (before any thread runs). */
static struct {
    const char *path;
    NavBadgeFn fn;
} nav_badges[8];
static int n_nav_badges;

void web_nav_badge(const char *path, NavBadgeFn fn) {
    if (n_nav_badges < (int)(sizeof nav_badges / sizeof nav_badges[0]))
        nav_badges[n_nav_badges].path = path, nav_badges[n_nav_badges++].fn = fn;
}

static void nav_badge(Req *r, const char *path) {
    for (int i = 0; i < n_nav_badges; i++) {
        if (strcmp(nav_badges[i].path, path) != 0) continue;
        int64_t n = nav_badges[i].fn(r);
        if (n > 0) html_printf(r, " <span class=\"nav-badge\" data-nav-badge=\"%s\">%lld</span>", path, (long long)n);
    }
}

static bool page_exists(const char *path) {
    for (int i = 0; i < web_route_count(); i++) {
        const Route *rt = web_route_at(i, NULL);
        if (strcmp(rt->method, "GET") == 0 && strcmp(rt->pattern, path) == 0) return true;
    }
    return false;
}

void page_begin(Req *r, const char *title, const char *nav_key) {
    const Principal *w = r->who;
    html_printf(r,
                "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>%s · opsdesk</title>"
                "<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">"
                "<link rel=\"stylesheet\" href=\"/assets/app.css?v=%s\">"
                "<script src=\"/assets/htmx.min.js?v=%s\" defer></script>"
                "<script src=\"/assets/app.js?v=%s\" defer></script></head>",
                r->locale, title, assets_version("app.css"), assets_version("htmx.min.js"), assets_version("app.js"));
    if (w && w->csrf_token)
        html_printf(r, "<body hx-headers='{\"X-CSRF-Token\": \"%s\"}' data-csrf=\"%s\">", w->csrf_token, w->csrf_token);
    else html_raw(r, "<body>");
    html_printf(r, "<a class=\"skip\" href=\"#main\">%s</a>", T(r, "nav.skip"));
    html_raw(r, "<header class=\"topbar\"><a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\"><svg "
                "viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" focusable=\"false\" fill=\"none\" "
                "stroke=\"currentColor\" stroke-width=\"2.6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"><path "
                "d=\"M6 12.5l4 4 8-9\"/></svg></span> opsdesk</a>");
    /* Language switch: a plain form, works without JavaScript and when logged out. */
    html_printf(r, "<form class=\"lang\" method=\"post\" action=\"/lang\">");
    html_csrf_field(r);
    html_printf(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">", r->path);
    html_printf(r,
                "<button name=\"locale\" value=\"zh-CN\" lang=\"zh-CN\" aria-pressed=\"%s\">中文</button>"
                "<button name=\"locale\" value=\"en\" lang=\"en\" aria-pressed=\"%s\">English</button></form>",
                strcmp(r->locale, "zh-CN") == 0 ? "true" : "false", strcmp(r->locale, "en") == 0 ? "true" : "false");
    if (w) {
        html_printf(r, "<a class=\"me\" href=\"/profile\" title=\"%s\">%s</a>", T(r, "nav.profile"), w->name);
        html_raw(r, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
        html_csrf_field(r);
        html_printf(r, "<button type=\"submit\">%s</button></form>", T(r, "nav.logout"));
    }
    html_raw(r, "</header><div class=\"shell\">");
    if (w) {
        html_printf(r, "<details class=\"navwrap\" open><summary>%s</summary><nav aria-label=\"%s\"><ul>",
                    T(r, "nav.menu"), T(r, "nav.main"));
        for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
            const NavItem *it = &nav_items[i];
            if (!(it->roles & (unsigned)w->role) || !page_exists(it->path)) continue;
            bool active = nav_key && strcmp(nav_key, it->key) == 0;
            html_printf(
                r,
                "<li><a href=\"%s\" aria-current=\"%s\"><svg class=\"icon\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" "
                "focusable=\"false\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.8\" "
                "stroke-linecap=\"round\" "
                "stroke-linejoin=\"round\"><path d=\"%s\"/></svg> %s",
                it->path, active ? "page" : "false", it->icon, T(r, it->key));
            nav_badge(r, it->path);
            html_raw(r, "</a></li>");
        }
        html_raw(r, "</ul></nav></details>");
    }
    html_raw(r, "<main id=\"main\" tabindex=\"-1\"><div id=\"flash\" aria-live=\"polite\"></div>");
}

void page_end(Req *r) {
    html_printf(r, "</main></div><footer class=\"foot\">opsdesk · %s</footer></body></html>\n", T(r, "app.tagline"));
}

int res_html_send(Req *r, int status) { return res_send(r, status, "text/html; charset=utf-8"); }

void html_csrf_field(Req *r) {
    if (r->who && r->who->csrf_token)
        html_printf(r, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", r->who->csrf_token);
}

void html_field_error(Req *r, const char *field) {
    const char *msg = req_error_for(r, field);
    if (msg) html_printf(r, "<p class=\"field-error\" id=\"err-%s\">%s</p>", field, msg);
}
