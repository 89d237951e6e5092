/* web_request.c — typed access to request input: path parameters, query,
 * headers, cookies, url-encoded forms and JSON bodies, with the validation
 * every value from outside gets (UTF-8, control characters, lengths, ranges,
 * unknown fields). Errors name the field and use i18n message keys. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/i18n.h"
#include "../base/utf8.h"
#include "web_internal.h"

/* ---------- errors ---------- */

void req_error(Req *r, const char *field, const char *msg_key) {
    struct ReqPriv *p = r->priv;
    if (p->n_errors >= MAX_ERRORS) return;
    p->errors[p->n_errors].field = field ? arena_strdup(r->arena, field) : NULL;
    p->errors[p->n_errors].message = i18n_t(r->locale ? r->locale : "en", msg_key);
    p->n_errors++;
}

int req_fail(Req *r, int status, const char *field, const char *msg_key) {
    if (msg_key) req_error(r, field, msg_key);
    r->priv->err_status = status;
    return -1;
}

int req_fail_tx(Req *r, int status, const char *field, const char *msg_key) {
    db_rollback(r->db);
    return req_fail(r, status, field, msg_key);
}

int req_failed(Req *r, int status) {
    if (!r->priv->n_errors) return 0;
    r->priv->err_status = status;
    return -1;
}

int req_error_count(const Req *r) { return r->priv->n_errors; }
int req_status(const Req *r) { return r->priv->err_status; }
const FieldError *req_errors(const Req *r) { return r->priv->errors; }

const char *req_error_for(const Req *r, const char *field) {
    for (int i = 0; i < r->priv->n_errors; i++)
        if (r->priv->errors[i].field && strcmp(r->priv->errors[i].field, field) == 0) return r->priv->errors[i].message;
    return NULL;
}

const char *T(Req *r, const char *key) { return i18n_t(r->locale ? r->locale : "en", key); }

/* ---------- path, query, headers ---------- */

static bool parse_i64(const char *s, int64_t *out) {
    if (!s || !*s) return false;
    for (const char *p = s; *p; p++)
        if (!(isdigit((unsigned char)*p) || (p == s && *p == '-'))) return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

int req_path_id(Req *r, const char *name, int64_t *out) {
    for (int i = 0; i < r->priv->n_params; i++) {
        if (strcmp(r->priv->param_names[i], name) != 0) continue;
        if (!parse_i64(r->priv->param_values[i], out) || *out <= 0) return req_fail(r, 404, name, "error.not_found");
        return 0;
    }
    return req_fail(r, 404, name, "error.not_found");
}

static const char *valid_text(const char *v) { return v && utf8_valid(v, strlen(v)) ? v : NULL; }

const char *req_query(Req *r, const char *name) {
    if (!r->priv->conn) return NULL;
    return valid_text(MHD_lookup_connection_value(r->priv->conn, MHD_GET_ARGUMENT_KIND, name));
}

const char *req_header(Req *r, const char *name) {
    if (!r->priv->conn) return NULL;
    return MHD_lookup_connection_value(r->priv->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(Req *r, const char *name) {
    if (!r->priv->conn) return NULL;
    return valid_text(MHD_lookup_connection_value(r->priv->conn, MHD_COOKIE_KIND, name));
}

int req_query_int(Req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out) {
    const char *raw = r->priv->conn ? MHD_lookup_connection_value(r->priv->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
    if (!raw || !*raw) {
        *out = dflt;
        return 0;
    }
    int64_t v;
    if (!parse_i64(raw, &v)) return req_fail(r, 400, name, "error.not_integer");
    if (v < min || v > max) return req_fail(r, 400, name, "error.out_of_range");
    *out = v;
    return 0;
}

/* ---------- forms ---------- */

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *url_decode(Arena *a, const char *s, size_t n) {
    char *out = arena_alloc(a, n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') *w++ = ' ';
        else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *w++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else *w++ = s[i];
    }
    *w = 0;
    return out;
}

void req_parse_form(Req *r) {
    struct ReqPriv *p = r->priv;
    const char *s = buf_cstr(&p->body), *end = s + p->body.len;
    while (s < end && p->n_form < MAX_FORM) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(pair_end - s));
        if (eq) {
            p->form_names[p->n_form] = url_decode(r->arena, s, (size_t)(eq - s));
            p->form_values[p->n_form] = url_decode(r->arena, eq + 1, (size_t)(pair_end - eq - 1));
            p->n_form++;
        }
        s = pair_end + 1;
    }
}

const char *req_form(Req *r, const char *name) {
    for (int i = 0; i < r->priv->n_form; i++)
        if (strcmp(r->priv->form_names[i], name) == 0) {
            const char *v = r->priv->form_values[i];
            return utf8_valid(v, strlen(v)) ? v : NULL;
        }
    return NULL;
}

int req_parse_multipart(Req *r, const char *content_type) {
    struct ReqPriv *p = r->priv;
    WebPart parts[WEB_MULTIPART_MAX_PARTS];
    int n;
    const char *field, *key;
    if (web_multipart_parse(r->arena, content_type, buf_cstr(&p->body), p->body.len, parts, WEB_MULTIPART_MAX_PARTS, &n,
                            &field, &key) != 0)
        return req_fail(r, 400, field, key);
    for (int i = 0; i < n; i++) {
        const WebPart *part = &parts[i];
        if (part->filename) {
            if (!p->files) p->files = arena_alloc(r->arena, sizeof(WebPart) * WEB_MULTIPART_MAX_PARTS);
            p->files[p->n_files++] = *part;
            continue;
        }
        /* Text fields are C strings for req_form: a NUL inside would cut one short unseen. */
        if (memchr(part->data, 0, part->len)) return req_fail(r, 400, part->name, "error.control_chars");
        if (!utf8_valid(part->data, part->len)) return req_fail(r, 400, part->name, "error.invalid_utf8");
        if (p->n_form >= MAX_FORM) continue; /* unreachable: MAX_FORM > WEB_MULTIPART_MAX_PARTS */
        p->form_names[p->n_form] = part->name;
        p->form_values[p->n_form] = arena_strndup(r->arena, part->data, part->len);
        p->n_form++;
    }
    return 0;
}

int req_file(Req *r, const char *name, const char **data, size_t *len, const char **filename) {
    if (data) *data = NULL;
    if (len) *len = 0;
    if (filename) *filename = NULL;
    for (int i = 0; i < r->priv->n_files; i++) {
        const WebPart *f = &r->priv->files[i];
        if (strcmp(f->name, name) != 0) continue;
        if (f->len == 0 && !*f->filename) return 0; /* "no file chosen" */
        if (data) *data = f->data;
        if (len) *len = f->len;
        if (filename) *filename = f->filename;
        return 1;
    }
    return 0;
}

/* ---------- JSON ---------- */

int req_parse_json_body(Req *r) {
    struct ReqPriv *p = r->priv;
    if (!utf8_valid(buf_cstr(&p->body), p->body.len)) return req_fail(r, 400, "body", "error.invalid_utf8");
    json_error_t err;
    json_t *j = json_loadb(buf_cstr(&p->body), p->body.len, JSON_REJECT_DUPLICATES, &err);
    if (!j) return req_fail(r, 400, "body", "error.malformed_json");
    if (!json_is_object(j)) {
        json_decref(j);
        return req_fail(r, 400, "body", "error.json_object");
    }
    p->json = j;
    return 0;
}

const char *req_body(Req *r, size_t *len) {
    *len = r->priv->body.len;
    return r->priv->body.len ? r->priv->body.data : "";
}

json_t *req_json(Req *r) {
    if (!r->priv->json) r->priv->json = json_object();
    return r->priv->json;
}

int req_json_only(Req *r, json_t *obj, const char *const *allowed) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) ok = true;
        if (!ok) req_error(r, key, "error.unknown_field");
    }
    return req_failed(r, 422);
}

int req_check_text(Req *r, const char *field, const char *value, int min, int max, bool required, const char **out) {
    if (!value) {
        if (required) return req_fail(r, 422, field, "error.required");
        *out = NULL;
        return 0;
    }
    size_t n = strlen(value);
    if (!utf8_valid(value, n)) return req_fail(r, 422, field, "error.invalid_utf8");
    while (n && isspace((unsigned char)value[n - 1])) n--;
    while (n && isspace((unsigned char)*value)) value++, n--;
    if (utf8_has_control(value, n)) return req_fail(r, 422, field, "error.control_chars");
    /* Names, titles and logins are one line; multi-line text (descriptions,
     * notes) gets its own validator when a module needs one. */
    if (memchr(value, '\n', n) || memchr(value, '\r', n) || memchr(value, '\t', n))
        return req_fail(r, 422, field, "error.single_line");
    size_t chars = utf8_count(value, n);
    if (chars == 0 && required) return req_fail(r, 422, field, "error.required");
    if ((int)chars < min) return req_fail(r, 422, field, "error.too_short");
    if ((int)chars > max) return req_fail(r, 422, field, "error.too_long");
    *out = arena_strndup(r->arena, value, n);
    return 0;
}

int req_json_str(Req *r, json_t *obj, const char *key, int min, int max, bool required, const char **out,
                 bool *present) {
    json_t *v = json_object_get(obj, key);
    if (present) *present = v != NULL;
    if (!v) {
        if (required) return req_fail(r, 422, key, "error.required");
        return 0;
    }
    if (json_is_null(v) && !required) {
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v)) return req_fail(r, 422, key, "error.not_string");
    if (strlen(json_string_value(v)) != json_string_length(v)) return req_fail(r, 422, key, "error.control_chars");
    return req_check_text(r, key, json_string_value(v), min, max, required, out);
}

int req_json_int(Req *r, json_t *obj, const char *key, int64_t min, int64_t max, bool required, int64_t *out,
                 bool *present, bool *is_null) {
    json_t *v = json_object_get(obj, key);
    if (present) *present = v != NULL;
    if (is_null) *is_null = v && json_is_null(v);
    if (!v) return required ? req_fail(r, 422, key, "error.required") : 0;
    if (json_is_null(v)) return is_null ? 0 : req_fail(r, 422, key, "error.not_integer");
    if (!json_is_integer(v)) return req_fail(r, 422, key, "error.not_integer");
    int64_t x = json_integer_value(v);
    if (x < min || x > max) return req_fail(r, 422, key, "error.out_of_range");
    *out = x;
    return 0;
}

int req_json_bool(Req *r, json_t *obj, const char *key, bool required, bool *out, bool *present) {
    json_t *v = json_object_get(obj, key);
    if (present) *present = v != NULL;
    if (!v) return required ? req_fail(r, 422, key, "error.required") : 0;
    if (!json_is_boolean(v)) return req_fail(r, 422, key, "error.not_boolean");
    *out = json_is_true(v);
    return 0;
}

/* ---------- preconditions ---------- */

int req_if_match(Req *r, int64_t *expected) {
    const char *h = req_header(r, "If-Match");
    if (!h) {
        if (r->is_api) return req_fail(r, 428, "If-Match", "error.if_match_required");
        const char *v = req_form(r, "version");
        if (!v || !parse_i64(v, expected)) return req_fail(r, 422, "version", "error.required");
        return 0;
    }
    /* Accept "N" or W/"N" (a weak tag from an intermediary). */
    if (h[0] == 'W' && h[1] == '/') h += 2;
    size_t n = strlen(h);
    if (n < 3 || h[0] != '"' || h[n - 1] != '"') return req_fail(r, 412, "If-Match", "error.stale");
    char tmp[24];
    if (n - 2 >= sizeof tmp) return req_fail(r, 412, "If-Match", "error.stale");
    memcpy(tmp, h + 1, n - 2);
    tmp[n - 2] = 0;
    if (!parse_i64(tmp, expected)) return req_fail(r, 412, "If-Match", "error.stale");
    return 0;
}

/* ---------- command line ---------- */

Req *web_cli_request(Db *db) {
    Arena *a = arena_new();
    Req *r = arena_alloc(a, sizeof *r);
    r->arena = a;
    r->priv = arena_alloc(a, sizeof *r->priv);
    r->priv->route_index = -1;
    r->priv->rw = db;
    r->db = db;
    r->locale = "en";
    r->method = "CLI";
    r->path = "cli";
    r->is_api = true;
    r->client_ip = "cli";
    strcpy(r->request_id, "cli");
    Principal *p = arena_alloc(a, sizeof *p);
    p->user_id = 0;
    p->login = "cli";
    p->name = "command line";
    p->role = ROLE_ADMIN;
    p->team_path = "";
    r->who = p;
    return r;
}

void web_cli_request_free(Req *r) {
    if (!r) return;
    buf_free(&r->priv->body);
    buf_free(&r->priv->out);
    if (r->priv->json) json_decref(r->priv->json);
    arena_free(r->arena);
}

const char *req_first_error(Req *r) {
    if (!r->priv->n_errors) return arena_printf(r->arena, "failed with status %d", r->priv->err_status);
    const FieldError *e = &r->priv->errors[0];
    return e->field ? arena_printf(r->arena, "%s: %s", e->field, e->message) : e->message;
}

static enum MHD_Result append_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    Buf *b = cls;
    buf_printf(b, "%s=%s&", key, value ? value : "");
    return MHD_YES;
}

void req_append_query(Req *r, Buf *b) {
    if (r->priv->conn) MHD_get_connection_values(r->priv->conn, MHD_GET_ARGUMENT_KIND, append_arg, b);
}
