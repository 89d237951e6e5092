/* web_internal.h — shared between the files of src/web only. */
#ifndef OPSDESK_WEB_INTERNAL_H
#define OPSDESK_WEB_INTERNAL_H
#include <microhttpd.h>

#include "web.h"
#include "web_server.h"

enum { MAX_PARAMS = 8, MAX_HEADERS = 16, MAX_ERRORS = 32, MAX_FORM = 64 };

/* One part of a multipart/form-data body. name and filename: arena memory,
 * valid UTF-8 without control characters; data points into the body. */
typedef struct WebPart {
    const char *name;
    const char *filename;     /* NULL for a text field; "" for an empty file input */
    const char *content_type; /* NULL when the part has none */
    const char *data;
    size_t len;
} WebPart;

/* Limits of a multipart body (its total size is the route's max_body). */
enum {
    WEB_MULTIPART_MAX_PARTS = 32,    /* fields and files together */
    WEB_MULTIPART_MAX_HEADER = 4096, /* one part's header block, bytes */
    WEB_MULTIPART_MAX_NAME = 200,    /* field name, bytes */
    WEB_MULTIPART_MAX_FILENAME = 1024,
};

struct ReqPriv {
    struct MHD_Connection *conn;
    Buf body;        /* request body as received */
    size_t max_body; /* cap for this route */
    bool body_too_large;
    bool timed_out;
    int64_t start_ns;
    json_t *json; /* parsed JSON body (owned; freed at completion) */
    int n_form;
    const char *form_names[MAX_FORM];
    const char *form_values[MAX_FORM];
    int n_files;    /* file parts of a multipart body */
    WebPart *files; /* arena memory, allocated by req_parse_multipart (not on every request) */
    int n_params;
    const char *param_names[MAX_PARAMS];
    const char *param_values[MAX_PARAMS];
    Buf out; /* response body */
    int n_headers;
    const char *hdr_names[MAX_HEADERS];
    const char *hdr_values[MAX_HEADERS];
    JsonW jw;
    bool jw_ready;
    FieldError errors[MAX_ERRORS];
    int n_errors;
    int err_status; /* status recorded by req_fail */
    int status;     /* status sent */
    const char *content_type;
    bool responded;
    int route_index; /* into the flattened route list, -1 none */
    bool via_cookie; /* authenticated by the session cookie */
    bool via_token;  /* authenticated by an API token */
    const char *set_cookie[4];
    int n_set_cookie;
    Db *rw; /* the thread's read-write connection */
    bool data_version_known;
    int64_t data_version; /* SQLite PRAGMA data_version of r->db; -1: none */
};

/* web_router.c */
int router_match(const char *method, const char *path, Req *r);
int router_dispatch(Req *r);
void router_render_error(Req *r);
int router_route_count(void);
const Route *router_route_at(int i);

/* web_server.c */
const WebConfig *web_config(void);
void metrics_record(int route_index, int status, int64_t elapsed_ns);
/* Queues the response held in r->priv (body, headers, status) on the connection. */
enum MHD_Result web_queue(Req *r);
void web_metrics_write(Buf *b);

/* web_request.c */
void req_parse_form(Req *r);
/* Parses a multipart/form-data body: text fields become form fields
 * (req_form), files are read with req_file. 0, or req_fail(400) naming the
 * field, "Content-Type" (no boundary) or "body". content_type: the
 * request's header (a parameter so that tests and fuzzers need no connection). */
int req_parse_multipart(Req *r, const char *content_type);

/* web_multipart.c */
/* The boundary parameter of a multipart/form-data Content-Type (1–70
 * printable ASCII characters): 0 with *boundary (arena memory), or -1. */
int web_multipart_boundary(Arena *a, const char *content_type, const char **boundary);
/* Splits body into at most max_parts parts. 0 with *n_parts, or -1 with
 * *bad_field ("Content-Type", "body" or the part's name) and *msg_key (an
 * i18n key). Names and file names are arena memory; contents point into body. */
int web_multipart_parse(Arena *a, const char *content_type, const char *body, size_t len, WebPart *parts, int max_parts,
                        int *n_parts, const char **bad_field, const char **msg_key);
void req_parse_cookies_init(Req *r);
int req_parse_json_body(Req *r);

/* web_assets.c */
const char *assets_version(const char *name);

/* web_cache.c */
int64_t web_data_version(Req *r);
bool web_cache_principal_get(Req *r, const char *token_hash, int64_t *token_id, int64_t *last_used_at);
void web_cache_principal_put(Req *r, const char *token_hash, int64_t token_id, int64_t last_used_at);
bool web_cache_response_get(Req *r);
void web_cache_response_put(Req *r);
/* web_request.c: appends the query string (decoded name=value pairs, in order). */
void req_append_query(Req *r, Buf *b);

/* web_auth.c */
int auth_load_principal(Req *r);

#endif
