/* web_html.c — escaping HTML writer, Markdown rendering and the one layout.
 * html_printf implements the printf conversions we use itself so that every
 * %s goes through the escaper while the compiler still checks the format.
 * It is the innermost loop of every page (a board or a goal tree is tens of
 * thousands of conversions), so the common ones — %s, %c, %%, %d %i %u %x %X
 * with or without l/ll/z/j/t and no flags, width or precision — are written
 * straight into the response buffer; only the rest (floats, flags, widths,
 * precisions on numbers, %o, %p) go through vsnprintf, one call each. */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "web_html.h"
#include "web_internal.h"

/* ---------- the escaping writer ---------- */

/* What a byte becomes: 0 itself; 1–5 the entity ESC_ENTITY[k]; 6 (NUL only)
 * the end of the string. Every other byte — UTF-8 lead and continuation
 * bytes included — is copied as it is, in runs. */
enum { ESC_END = 6 };
static const unsigned char ESC_CLASS[256] = {
    [0] = ESC_END, ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const struct {
    char text[7];
    unsigned char len;
} ESC_ENTITY[6] = {{"", 0}, {"&amp;", 5}, {"&lt;", 4}, {"&gt;", 4}, {"&quot;", 6}, {"&#39;", 5}};

/* Appends n bytes without writing the terminating NUL: html_printf writes
 * it once at the end (buf_reserve always keeps room for it). */
static inline void put(Buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Escapes the NUL-terminated s. The scan stops at the first byte whose
 * class is not 0, so a run of plain text (Chinese, spaces, digits) is one
 * memcpy. */
static void escape_cstr(Buf *b, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        const unsigned char *run = p;
        while (!ESC_CLASS[*p]) p++;
        if (p > run) put(b, run, (size_t)(p - run));
        unsigned k = ESC_CLASS[*p];
        if (k == ESC_END) return;
        put(b, ESC_ENTITY[k].text, ESC_ENTITY[k].len);
        p++;
    }
}

/* Escapes the first n bytes of s (n ≤ strlen(s)). */
static void escape_n(Buf *b, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && !ESC_CLASS[*p]) p++;
        if (p > run) put(b, run, (size_t)(p - run));
        if (p == end) return;
        unsigned k = ESC_CLASS[*p];
        put(b, ESC_ENTITY[k].text, ESC_ENTITY[k].len);
        p++;
    }
}

/* The length of s cut to at most max bytes, never inside a UTF-8 character:
 * a cut that would split one ends before its lead byte, so a precision never
 * puts a broken character into the page. */
static size_t utf8_cut(const char *s, size_t max) {
    size_t n = strnlen(s, max);
    if (n < max || !s[n]) return n; /* the whole string fits */
    /* s[n] is the first byte left out: back off while it continues a character. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

void html_escape_into(Buf *b, const char *s) {
    if (!s) return;
    escape_cstr(b, s);
    buf_reserve(b, 0);
    b->data[b->len] = 0;
}

void html_raw_(Req *r, const char *literal) { buf_puts(&r->priv->out, literal); }

static void put_spaces(Buf *b, size_t n) {
    buf_reserve(b, n);
    memset(b->data + b->len, ' ', n);
    b->len += n;
}

/* Writes v in base 10 (or 16: hex, upper), negative when neg. */
static void put_uint(Buf *b, unsigned long long v, bool neg, unsigned base, bool upper) {
    static const char digits[2][17] = {"0123456789abcdef", "0123456789ABCDEF"};
    char tmp[24], *end = tmp + sizeof tmp, *w = end;
    if (base == 10) {
        do *--w = (char)('0' + v % 10), v /= 10;
        while (v);
    } else {
        do *--w = digits[upper][v & 15], v >>= 4;
        while (v);
    }
    if (neg) *--w = '-';
    put(b, w, (size_t)(end - w));
}

/* The length modifier of a conversion. z, j and t share one: */
typedef enum { LEN_INT, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_LDOUBLE } LenMod;
_Static_assert(sizeof(size_t) == sizeof(intmax_t) && sizeof(size_t) == sizeof(ptrdiff_t),
               "%zu, %jd and %td are read as one argument size");

static LenMod parse_len(const char **q) {
    const char *p = *q;
    LenMod m = LEN_INT;
    switch (*p) {
    case 'h':
        m = LEN_SHORT, p++;
        if (*p == 'h') p++;
        break;
    case 'l':
        m = LEN_LONG, p++;
        if (*p == 'l') m = LEN_LLONG, p++;
        break;
    case 'z':
    case 'j':
    case 't': m = LEN_SIZE, p++; break;
    case 'L': m = LEN_LDOUBLE, p++; break;
    default: break;
    }
    *q = p;
    return m;
}

/* Reads an integer argument of length m; returns its magnitude, *neg set
 * when a signed conversion's value is negative. */
static unsigned long long int_arg(va_list *ap, LenMod m, bool is_signed, bool *neg) {
    long long s;
    unsigned long long u;
    switch (m) {
    case LEN_LONG: s = va_arg(*ap, long), u = (unsigned long)s; break;
    case LEN_LLONG: s = va_arg(*ap, long long), u = (unsigned long long)s; break;
    case LEN_SIZE: u = va_arg(*ap, size_t), s = (long long)(ptrdiff_t)u; break;
    default: s = va_arg(*ap, int), u = (unsigned)s; break;
    }
    *neg = is_signed && s < 0;
    if (*neg) return 0ULL - (unsigned long long)s;
    return is_signed ? (unsigned long long)s : u;
}

/* One conversion that is not on the fast path: rebuilt with literal width and
 * precision (so '*' arguments are consumed here and never misalign the
 * va_list) and formatted by vsnprintf through buf_printf. */
typedef struct Spec {
    const char *flags; /* into the format */
    size_t n_flags;
    bool left; /* a negative '*' width: '-' added */
    int width; /* -1: none */
    bool has_prec;
    int prec;
    LenMod m;
    const char *len_mod; /* into the format */
    size_t n_len;
    char conv;
} Spec;

static void put_slow(Buf *b, const Spec *sp, va_list *ap) {
    char spec[64], *w = spec, num[16];
    int width = sp->width, prec = sp->prec;
    LenMod m = sp->m;
    char conv = sp->conv;
    *w++ = '%';
    size_t nf = sp->n_flags > 8 ? 8 : sp->n_flags;
    memcpy(w, sp->flags, nf), w += nf;
    if (sp->left) *w++ = '-';
    if (width >= 0) {
        int k = 0;
        do num[k++] = (char)('0' + width % 10), width /= 10;
        while (width && k < 10);
        while (k) *w++ = num[--k];
    }
    if (sp->has_prec) {
        *w++ = '.';
        int k = 0;
        do num[k++] = (char)('0' + prec % 10), prec /= 10;
        while (prec && k < 10);
        while (k) *w++ = num[--k];
    }
    memcpy(w, sp->len_mod, sp->n_len), w += sp->n_len;
    *w++ = conv;
    *w = 0;
    if (conv == 's' || conv == 'c') {
        if (m != LEN_INT) abort(); /* %ls, %lc: wide characters are not ours */
        char ch = 0;
        const char *str = conv == 's' ? va_arg(*ap, const char *) : (ch = (char)va_arg(*ap, int), &ch);
        size_t n = !str ? 0 : conv == 'c' ? (ch != 0) : sp->has_prec ? utf8_cut(str, (size_t)sp->prec) : strlen(str);
        /* The width counts bytes of the value, as printf does. */
        size_t pad = sp->width > 0 && (size_t)sp->width > n ? (size_t)sp->width - n : 0;
        bool left = sp->left || memchr(sp->flags, '-', sp->n_flags);
        if (!left) put_spaces(b, pad);
        if (n) escape_n(b, str, n);
        if (left) put_spaces(b, pad);
        return;
    }
    /* buf_printf writes the NUL itself and may grow the buffer: fine here. */
    if (strchr("diouxX", conv)) {
        switch (m) {
        case LEN_SIZE: buf_printf(b, spec, va_arg(*ap, size_t)); break;
        case LEN_LLONG: buf_printf(b, spec, va_arg(*ap, long long)); break;
        case LEN_LONG: buf_printf(b, spec, va_arg(*ap, long)); break;
        case LEN_INT:
        case LEN_SHORT: buf_printf(b, spec, va_arg(*ap, int)); break;
        default: abort();
        }
    } else if (strchr("fFgGeE", conv)) {
        if (m == LEN_LDOUBLE) buf_printf(b, spec, va_arg(*ap, long double));
        else if (m == LEN_INT || m == LEN_LONG) buf_printf(b, spec, va_arg(*ap, double));
        else abort();
    } else if (conv == 'p' && m == LEN_INT) {
        buf_printf(b, spec, va_arg(*ap, void *));
    } else {
        /* An unsupported conversion would leave its argument unread and
         * shift every later one: a programmer error, never user input. */
        abort();
    }
}

void html_printf(Req *r, const char *fmt, ...) {
    Buf *b = &r->priv->out;
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    for (;;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            put(b, p, strlen(p));
            break;
        }
        if (pct > p) put(b, p, (size_t)(pct - p));
        const char *q = pct + 1;
        /* Fast path: no flags, width or precision. */
        char c = *q;
        if (c == 's') {
            const char *str = va_arg(ap, const char *);
            if (str) escape_cstr(b, str);
            p = q + 1;
            continue;
        }
        if (c == '%') {
            put(b, "%", 1);
            p = q + 1;
            continue;
        }
        const char *after_len = q;
        LenMod m = parse_len(&after_len);
        c = *after_len;
        if (m != LEN_SHORT && m != LEN_LDOUBLE && (c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X')) {
            bool neg;
            unsigned long long mag = int_arg(&ap, m, c == 'd' || c == 'i', &neg);
            put_uint(b, mag, neg, c == 'x' || c == 'X' ? 16 : 10, c == 'X');
            p = after_len + 1;
            continue;
        }
        if (c == 'c' && m == LEN_INT) {
            char ch = (char)va_arg(ap, int);
            if (ch) escape_n(b, &ch, 1); /* NUL writes nothing: the page never holds one */
            p = after_len + 1;
            continue;
        }
        /* Slow path: %[flags][width][.prec][length]conv */
        Spec sp = {.flags = q, .width = -1};
        while (*q && strchr("-+ #0", *q)) q++;
        sp.n_flags = (size_t)(q - sp.flags);
        if (*q == '*') {
            int w = va_arg(ap, int);
            q++;
            /* printf: a negative '*' width is the '-' flag and its size */
            if (w < 0) sp.left = true, w = w == INT_MIN ? INT_MAX : -w;
            sp.width = w;
        } else if (*q >= '0' && *q <= '9') {
            sp.width = 0;
            while (*q >= '0' && *q <= '9' && sp.width < 100000) sp.width = sp.width * 10 + (*q++ - '0');
        }
        if (*q == '.') {
            q++;
            sp.has_prec = true;
            if (*q == '*') {
                sp.prec = va_arg(ap, int), q++;
                if (sp.prec < 0) sp.has_prec = false, sp.prec = 0; /* printf: a negative precision is none */
            } else
                while (*q >= '0' && *q <= '9' && sp.prec < 100000) sp.prec = sp.prec * 10 + (*q++ - '0');
        }
        sp.len_mod = q;
        sp.m = parse_len(&q);
        sp.n_len = (size_t)(q - sp.len_mod);
        sp.conv = *q;
        if (!sp.conv) abort(); /* a '%' that ends the format */
        put_slow(b, &sp, &ap);
        p = q + 1;
    }
    buf_reserve(b, 0);
    b->data[b->len] = 0;
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

/* Whether nav item i has a GET route. Every page asks for every item, and the
 * route table only grows (at start-up), so the answer is kept with the route
 * count it was found at: (count << 1) | exists; 0 before the first look. One
 * atomic word per item, so threads never see half an answer. */
static _Atomic int nav_exists[sizeof nav_items / sizeof nav_items[0]];

static bool page_exists(size_t item) {
    int n = web_route_count(), known = atomic_load_explicit(&nav_exists[item], memory_order_relaxed);
    if (known && known >> 1 == n) return known & 1;
    bool found = false;
    for (int i = 0; i < n && !found; i++) {
        const Route *rt = web_route_at(i, NULL);
        found = strcmp(rt->method, "GET") == 0 && strcmp(rt->pattern, nav_items[item].path) == 0;
    }
    atomic_store_explicit(&nav_exists[item], n << 1 | found, memory_order_relaxed);
    return found;
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
            if (!(it->roles & (unsigned)w->role) || !page_exists(i)) continue;
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
