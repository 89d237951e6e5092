/* web_response.c — response builders: JSON writer on the body, headers,
 * ETags, redirects, security headers on every HTML response. */
#include <stdio.h>
#include <string.h>

#include "web_internal.h"

JsonW *res_json(Req *r) {
    struct ReqPriv *p = r->priv;
    if (!p->jw_ready) {
        jw_init(&p->jw, &p->out);
        p->jw_ready = true;
    }
    return &p->jw;
}

void res_header(Req *r, const char *name, const char *value) {
    struct ReqPriv *p = r->priv;
    if (p->n_headers >= MAX_HEADERS) return;
    p->hdr_names[p->n_headers] = arena_strdup(r->arena, name);
    p->hdr_values[p->n_headers] = arena_strdup(r->arena, value);
    p->n_headers++;
}

void res_set_cookie(Req *r, const char *cookie) {
    struct ReqPriv *p = r->priv;
    if (p->n_set_cookie < 4) p->set_cookie[p->n_set_cookie++] = arena_strdup(r->arena, cookie);
}

static void security_headers(Req *r) {
    res_header(r, "Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    res_header(r, "X-Content-Type-Options", "nosniff");
    res_header(r, "Referrer-Policy", "same-origin");
    res_header(r, "X-Frame-Options", "DENY");
    res_header(r, "Cache-Control", "no-store");
    res_header(r, "Vary", "Cookie, Accept-Language, HX-Request");
}

int res_send(Req *r, int status, const char *content_type) {
    struct ReqPriv *p = r->priv;
    p->status = status;
    p->content_type = content_type;
    if (content_type && strncmp(content_type, "text/html", 9) == 0) security_headers(r);
    else {
        res_header(r, "X-Content-Type-Options", "nosniff");
        if (r->is_api) res_header(r, "Cache-Control", "no-store");
    }
    return 0;
}

int res_json_send(Req *r, int status) { return res_send(r, status, "application/json"); }

JsonW *res_list_begin(Req *r) {
    JsonW *w = res_json(r);
    jw_obj_begin(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    return w;
}

int res_list_send(Req *r, bool more, int64_t last_id) {
    JsonW *w = res_json(r);
    jw_arr_end(w);
    jw_key(w, "next_cursor");
    if (more) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)last_id);
        jw_str(w, id);
    } else {
        jw_null(w);
    }
    jw_obj_end(w);
    return res_json_send(r, 200);
}

void res_etag(Req *r, int64_t version) {
    res_header(r, "ETag", arena_printf(r->arena, "\"%lld\"", (long long)version));
}

int res_redirect(Req *r, const char *location) {
    if (r->is_htmx) {
        res_header(r, "HX-Redirect", location);
        return res_send(r, 200, "text/html; charset=utf-8");
    }
    res_header(r, "Location", location);
    return res_send(r, 303, "text/html; charset=utf-8");
}

int res_no_content(Req *r) { return res_send(r, 204, NULL); }
