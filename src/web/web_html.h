/* web_html.h — the escaping HTML writer and the page layout. Every %s given
 * to html_printf is HTML-escaped; the only way to write raw markup is
 * html_raw() with a string literal (a non-literal does not compile). */
#ifndef OPSDESK_WEB_HTML_H
#define OPSDESK_WEB_HTML_H
#include "web.h"

/* printf-style with %s escaped (&<>"'), other conversions as printf. */
void html_printf(Req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define html_raw(r, literal) html_raw_((r), "" literal "")
void html_raw_(Req *r, const char *literal);
/* Escapes s into b (exposed for tests and for charts). */
void html_escape_into(Buf *b, const char *s);
/* Renders Markdown (GFM tables, strikethrough, autolinks) with raw HTML
 * removed and unsafe links dropped (cmark-gfm safe mode). */
void html_markdown(Req *r, const char *markdown);

/* Layout: <head>, navigation (active item nav_key), flash area. title is text. */
void page_begin(Req *r, const char *title, const char *nav_key);
void page_end(Req *r);
/* A count shown next to the navigation item for path (e.g. overdue tasks):
 * modules register one at start-up (web knows no modules); fn runs on every
 * page for a logged-in caller and returns the count (0: no badge). */
typedef int64_t (*NavBadgeFn)(Req *r);
void web_nav_badge(const char *path, NavBadgeFn fn);
int res_html_send(Req *r, int status);
/* Hidden CSRF input for forms posted with the session cookie. */
void html_csrf_field(Req *r);
/* Error message for field, if any, in a <p class="field-error">. */
void html_field_error(Req *r, const char *field);
/* A formatted date/time for display in the request's locale. */
const char *html_time(Req *r, int64_t ms, bool with_time);
/* Number with thousands separators for the request's locale. */
const char *html_int(Req *r, int64_t v);
/* Percent-encodes s for a URL query value. Arena memory. */
const char *url_encode(Req *r, const char *s);

#endif
