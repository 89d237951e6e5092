/* web.h — what a module sees of the web layer: the request (parsed input, the
 * authenticated principal, its database connection, its arena), typed input
 * validators, the response builders (JSON, HTML, problem+json, redirects) and
 * the route table type. Modules never include microhttpd.h.
 *
 * Handlers do three things: parse (validators return 4xx before any business
 * logic), call the model, render. They return 0 when a response was built, or
 * the value of req_fail()/req_failed() so that the router renders the error
 * in the caller's format (problem+json, htmx fragment or an error page). */
#ifndef OPSDESK_WEB_H
#define OPSDESK_WEB_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/jsonw.h"
#include "../db/db.h"

typedef enum Role {
    ROLE_NONE = 0,
    ROLE_VIEWER = 1 << 0,
    ROLE_MEMBER = 1 << 1,
    ROLE_SUPERVISOR = 1 << 2,
    ROLE_ADMIN = 1 << 3,
} Role;

/* Who is calling. Arena memory of the request. */
typedef struct Principal {
    int64_t user_id;
    const char *login;
    const char *name;
    Role role;
    int64_t team_id;        /* 0: no team */
    const char *team_path;  /* '/1/5/' of team_id, "" when none */
    const char *locale;     /* stored preference, NULL when none */
    int64_t session_id;     /* 0 when authenticated by an API token */
    const char *csrf_token; /* the session's CSRF token; NULL for tokens */
} Principal;

typedef struct FieldError {
    const char *field;
    const char *message;
} FieldError;

typedef struct Route Route;
typedef struct Req Req;
typedef int (*Handler)(Req *r);
/* Resolves the team a route's target belongs to: 0 with *team_id set, or
 * req_fail(r, 404, …) when the target does not exist. */
typedef int (*ScopeFn)(Req *r, int64_t *team_id);

/* Access rule of a route: which roles may call it and what team scope the
 * router checks (deny by default: a route with no rule is refused). */
enum {
    ACC_ROLES_MASK = 0xF,
    ACC_PUBLIC = 1 << 4,       /* no login */
    ACC_SCOPE_READ = 1 << 5,   /* target team must be readable */
    ACC_SCOPE_MANAGE = 1 << 6, /* target team must be manageable */
    ACC_NO_CSRF = 1 << 7,      /* unsafe method allowed without CSRF (login form: own check) */
    ACC_RAW_BODY = 1 << 8,     /* API route takes a non-JSON body (CSV upload), read with req_body() */
};
#define ACCESS_PUBLIC      ACC_PUBLIC
#define ACCESS_ANY_USER    (ROLE_VIEWER | ROLE_MEMBER | ROLE_SUPERVISOR | ROLE_ADMIN)
#define ACCESS_WRITER      (ROLE_MEMBER | ROLE_SUPERVISOR | ROLE_ADMIN)
#define ACCESS_MANAGER     (ROLE_SUPERVISOR | ROLE_ADMIN)
#define ACCESS_ADMIN       (ROLE_ADMIN)
#define ACCESS_TEAM_READ   (ACCESS_ANY_USER | ACC_SCOPE_READ)
#define ACCESS_TEAM_MANAGE (ACCESS_MANAGER | ACC_SCOPE_MANAGE)

struct Route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/users/{id}" */
    Handler handler;
    unsigned access; /* ACCESS_* */
    ScopeFn scope;   /* required with ACC_SCOPE_*; NULL otherwise */
    size_t max_body; /* 0: default (1 MiB) */
    bool cache;      /* GET answers for API tokens may be reused while the data is unchanged */
};

/* The request. Fields are read-only for handlers except through functions. */
struct Req {
    Arena *arena;
    Db *db;               /* read-write on unsafe methods, read-only on GET */
    const Principal *who; /* NULL when anonymous */
    const char *locale;   /* "zh-CN" or "en" */
    const char *method;
    const char *path;
    const Route *route;
    bool is_api;  /* path under /api/ */
    bool is_htmx; /* HX-Request: true */
    const char *client_ip;
    char request_id[17];
    /* private to the web layer */
    struct ReqPriv *priv;
};

/* ---- input ---- */
/* Path parameter {name} as a positive integer; 404 when malformed. */
int req_path_id(Req *r, const char *name, int64_t *out);
/* Raw query/form/header value (validated UTF-8), NULL when absent. */
const char *req_query(Req *r, const char *name);
const char *req_header(Req *r, const char *name);
const char *req_cookie(Req *r, const char *name);
/* Query integer in [min,max]; absent → *out = dflt. 400 naming the field when bad. */
int req_query_int(Req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out);
/* Form field (application/x-www-form-urlencoded body, or a text part of a
 * multipart/form-data body), NULL when absent. */
const char *req_form(Req *r, const char *name);
/* File field `name` of a multipart/form-data body: returns 1 with *data, *len
 * and *filename (the name the browser sent, last path segment, valid UTF-8;
 * may be "") set, or 0 with them NULL/0 when the form has no such file (an
 * empty file input counts as absent). Memory of the request; data is not
 * NUL-terminated. Any argument but r and name may be NULL. */
int req_file(Req *r, const char *name, const char **data, size_t *len, const char **filename);
/* The raw request body (NUL-terminated; may hold NUL bytes) and its length. */
const char *req_body(Req *r, size_t *len);
/* The JSON body object (router-parsed for API routes with a body). */
json_t *req_json(Req *r);
/* Refuses (422) any key of obj not in the NULL-terminated list. */
int req_json_only(Req *r, json_t *obj, const char *const *allowed);
/* Typed JSON field readers. *present tells whether the key was given.
 * Strings: valid UTF-8, no control characters, trimmed length in code points
 * within [min,max]. Return 0 or an error (field named). */
int req_json_str(Req *r, json_t *obj, const char *key, int min, int max, bool required, const char **out,
                 bool *present);
int req_json_int(Req *r, json_t *obj, const char *key, int64_t min, int64_t max, bool required, int64_t *out,
                 bool *present, bool *is_null);
int req_json_bool(Req *r, json_t *obj, const char *key, bool required, bool *out, bool *present);
/* Checks a string from a form the same way as req_json_str. */
int req_check_text(Req *r, const char *field, const char *value, int min, int max, bool required, const char **out);

/* ---- errors ---- */
/* Adds a field error (message: an i18n key, translated to the caller's locale). */
void req_error(Req *r, const char *field, const char *msg_key);
/* Records status (+ one field error when field != NULL) and returns -1. */
int req_fail(Req *r, int status, const char *field, const char *msg_key);
/* Rolls back the caller's open write transaction, then req_fail(): the one
 * way a model function gives up half-way through a change. */
int req_fail_tx(Req *r, int status, const char *field, const char *msg_key);
/* Returns -1 with status when errors were added by req_error, else 0. */
int req_failed(Req *r, int status);
int req_error_count(const Req *r);
/* The status recorded by req_fail()/req_failed() (0 when none): page handlers
 * that re-render a form answer with it. */
int req_status(const Req *r);
const FieldError *req_errors(const Req *r);
/* Message for the field, or NULL (HTML forms show it next to the field). */
const char *req_error_for(const Req *r, const char *field);

/* ---- access (the router's checks, for handlers that move a record to another team) ---- */
bool web_can_read_team(Req *r, int64_t team_id);
/* Path prefix of the teams the caller may read, for list queries: NULL for
 * admins (everything), their team's path otherwise, a path matching nothing
 * for people without a team. */
const char *web_read_scope(Req *r);
bool web_can_manage_team(Req *r, int64_t team_id);
/* Team path ('/1/5/') of a live team, or NULL. Arena memory. */
const char *web_team_path(Req *r, int64_t team_id);

/* ---- scope resolvers (the ScopeFn steps modules share) ---- */
/* Team of the record named by the {param} path parameter: sql is a string
 * literal (scripts/lint checks it) selecting the team with ?1 = that id, e.g.
 * "SELECT team_id FROM tasks WHERE id = ?1 AND deleted_at IS NULL". 0 with
 * *team_id set; 404 when the parameter is malformed or no row matches, 503
 * on a database error (recorded with req_fail). */
int web_scope_by_id(Req *r, const char *param, const char *sql, int64_t *team_id);
/* Team of a record being created: "team_id" of the JSON body (API) or form
 * (pages) when positive (422 naming team_id when that team does not exist),
 * else the team of the active person "owner_id" names, else the caller's
 * team; admins without a team get -1 ("everything"). Malformed values are
 * left for the handler to refuse. 0 or the recorded error. */
int web_scope_new(Req *r, int64_t *team_id);

/* ---- output ---- */
/* A JSON writer on the response body. */
JsonW *res_json(Req *r);
void res_header(Req *r, const char *name, const char *value);
/* Adds a Set-Cookie header (the full cookie string). */
void res_set_cookie(Req *r, const char *cookie);
/* Sends the body built so far with status and content type. */
int res_send(Req *r, int status, const char *content_type);
int res_json_send(Req *r, int status);
/* A list response {"items": [...], "next_cursor": "<id>"|null}:
 * res_list_begin opens it and returns the writer positioned in the items
 * array; res_list_send closes it with next_cursor = last_id as a string when
 * `more` (null otherwise) and sends it with status 200. */
JsonW *res_list_begin(Req *r);
int res_list_send(Req *r, bool more, int64_t last_id);
/* ETag of a versioned record: W/"<entity>-<id>-<version>" is not needed:
 * the version alone is exact per URL. Sets the header. */
void res_etag(Req *r, int64_t version);
/* If-Match precondition for updates: 428 when missing on the API, 412 when it
 * names another version. *expected gets the version to use in WHERE. HTML
 * forms send the version as field "version" instead. */
int req_if_match(Req *r, int64_t *expected);
/* 303 See Other (or HX-Redirect for htmx requests). */
int res_redirect(Req *r, const char *location);
int res_no_content(Req *r);

/* UTC offset, in minutes, of the zone times are displayed and days are cut
 * in (server-wide; see docs/architecture.md). */
int web_display_offset_min(void);

/* ---- i18n shorthands in the request's locale ---- */
const char *T(Req *r, const char *key);

/* ---- audit (same transaction as the change) ---- */
/* Appends an audit row for the caller. before/after: JSON texts or NULL. */
int web_audit(Req *r, const char *action, const char *entity, int64_t entity_id, const char *before_json,
              const char *after_json);
/* Closes a change: the audit row, then the commit. On a failed audit the
 * transaction is rolled back (the failure is already recorded); a failed
 * commit records 503. 0 or -1. */
int web_audit_commit(Req *r, const char *action, const char *entity, int64_t entity_id, const char *before_json,
                     const char *after_json);
/* Soft-deletes one row inside the caller's open write transaction. sql: a
 * string literal of the shape "UPDATE <table> SET deleted_at = ?1, version =
 * version + 1 WHERE id = ?2 AND version = ?3 AND deleted_at IS NULL RETURNING
 * id" (?1 gets now). 0; or -1 after req_fail_tx: 412 "version" when no row
 * matched (stale or gone), 503 on a database error. */
int web_soft_delete(Req *r, const char *sql, int64_t id, int64_t version);

/* ---- command line ---- */
/* A request for the command line: no connection, the given database, an
 * admin principal with user_id 0 (audited as "the command line"), locale en.
 * Model functions run through it with the same validation as the API.
 * Free with web_cli_request_free. */
Req *web_cli_request(Db *db);
void web_cli_request_free(Req *r);
/* "field: message" of the first recorded error (arena memory). */
const char *req_first_error(Req *r);

/* ---- route tables ---- */
typedef struct RouteTable {
    const char *module;
    const Route *routes;
    int n_routes;
} RouteTable;
#define ROUTE_TABLE(mod, arr) const RouteTable mod##_route_table = {#mod, arr, (int)(sizeof arr / sizeof arr[0])}

#endif
