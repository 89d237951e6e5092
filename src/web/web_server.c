/* web_server.c — libmicrohttpd glue: daemon options and limits, the request
 * life cycle (arena, body accumulation with caps and deadline, completion),
 * per-thread database connections, and the Prometheus metrics they feed.
 * Business rules never go here; see web_router.c for routing and access. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>

#include "../base/log.h"
#include "../base/timeutil.h"
#include "web_internal.h"

/* The display zone is set before web_serve so that the CLI and the jobs runner
 * (which start without a WebConfig) cut days where the web pages do. */
static WebConfig config = {.display_offset_min = 8 * 60};

const WebConfig *web_config(void) { return &config; }
int web_display_offset_min(void) { return config.display_offset_min; }

void web_config_defaults(WebConfig *c) {
    memset(c, 0, sizeof *c);
    c->db_url = "sqlite:./var/opsdesk.db";
    c->listen_addr = "127.0.0.1";
    c->port = 8080;
    c->threads = 4;
    c->connection_limit = 1024;
    c->per_ip_limit = 256;
    c->idle_timeout_s = 30;
    c->request_deadline_s = 60;
    c->connection_memory = 64 * 1024;
    c->max_json_body = 1024 * 1024;
    c->session_idle_ms = 8LL * 3600 * 1000;
    c->session_max_ms = 7LL * 24 * 3600 * 1000;
    c->display_offset_min = 8 * 60;
}

/* ---------- per-thread database connections ---------- */

typedef struct ThreadDb {
    Db *rw, *ro;
} ThreadDb;

static _Thread_local ThreadDb tl_db;
static pthread_mutex_t open_dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static Db *open_dbs[512];
static int n_open_dbs;

static Db *thread_db(bool read_only) {
    Db **slot = read_only ? &tl_db.ro : &tl_db.rw;
    if (*slot) return *slot;
    char err[512];
    Db *db;
    if (db_open(config.db_url, &db, err, sizeof err) != DB_OK) {
        log_error("%s", err);
        return NULL;
    }
    if (read_only && db_set_read_only(db) != DB_OK) {
        log_error("cannot make a read-only connection: %s", db_errmsg(db));
        db_close(db);
        return NULL;
    }
    pthread_mutex_lock(&open_dbs_lock);
    if (n_open_dbs < (int)(sizeof open_dbs / sizeof open_dbs[0])) open_dbs[n_open_dbs++] = db;
    pthread_mutex_unlock(&open_dbs_lock);
    *slot = db;
    return db;
}

/* ---------- metrics ---------- */

static const int status_codes[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
                                   406, 408, 409, 412, 413, 415, 422, 428, 429, 431, 500, 503};
enum { N_STATUS = sizeof status_codes / sizeof status_codes[0] + 1, MAX_ROUTES_METRICS = 512 };
static const double latency_buckets_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
enum { N_BUCKETS = sizeof latency_buckets_s / sizeof latency_buckets_s[0] };

static atomic_llong m_requests[MAX_ROUTES_METRICS + 1][N_STATUS];
static atomic_llong m_latency_bucket[N_BUCKETS + 1];
static atomic_llong m_latency_sum_ns;
static atomic_llong m_latency_count;
static atomic_llong m_db_time_ns;
static atomic_llong m_open_connections;

static int status_index(int status) {
    for (int i = 0; i < (int)(N_STATUS - 1); i++)
        if (status_codes[i] == status) return i;
    return N_STATUS - 1;
}

void metrics_record(int route_index, int status, int64_t elapsed_ns) {
    int ri = route_index < 0 || route_index >= MAX_ROUTES_METRICS ? MAX_ROUTES_METRICS : route_index;
    atomic_fetch_add_explicit(&m_requests[ri][status_index(status)], 1, memory_order_relaxed);
    double s = (double)elapsed_ns / 1e9;
    int b = 0;
    while (b < N_BUCKETS && s > latency_buckets_s[b]) b++;
    atomic_fetch_add_explicit(&m_latency_bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m_latency_sum_ns, elapsed_ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&m_latency_count, 1, memory_order_relaxed);
}

/* Writes the Prometheus text exposition format (version 0.0.4). */
void web_metrics_write(Buf *b) {
    buf_puts(b, "# HELP opsdesk_http_requests_total HTTP requests by route and status.\n"
                "# TYPE opsdesk_http_requests_total counter\n");
    for (int ri = 0; ri <= MAX_ROUTES_METRICS; ri++) {
        const Route *route = ri < MAX_ROUTES_METRICS ? router_route_at(ri) : NULL;
        if (ri < MAX_ROUTES_METRICS && !route) continue;
        for (int si = 0; si < N_STATUS; si++) {
            long long n = atomic_load_explicit(&m_requests[ri][si], memory_order_relaxed);
            if (!n) continue;
            char status[8];
            if (si < N_STATUS - 1) snprintf(status, sizeof status, "%d", status_codes[si]);
            else strcpy(status, "other");
            buf_printf(b, "opsdesk_http_requests_total{route=\"%s %s\",status=\"%s\"} %lld\n",
                       route ? route->method : "ANY", route ? route->pattern : "unmatched", status, n);
        }
    }
    buf_puts(b, "# HELP opsdesk_http_request_duration_seconds Time from request arrival to response.\n"
                "# TYPE opsdesk_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (int i = 0; i <= N_BUCKETS; i++) {
        cum += atomic_load(&m_latency_bucket[i]);
        if (i < N_BUCKETS)
            buf_printf(b, "opsdesk_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", latency_buckets_s[i], cum);
        else buf_printf(b, "opsdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    }
    buf_printf(b, "opsdesk_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&m_latency_sum_ns) / 1e9);
    buf_printf(b, "opsdesk_http_request_duration_seconds_count %lld\n", atomic_load(&m_latency_count));
    buf_printf(b,
               "# HELP opsdesk_db_time_seconds_total Time spent inside the database.\n"
               "# TYPE opsdesk_db_time_seconds_total counter\n"
               "opsdesk_db_time_seconds_total %.6f\n"
               "# HELP opsdesk_db_connections Open database connections.\n"
               "# TYPE opsdesk_db_connections gauge\n"
               "opsdesk_db_connections %lld\n"
               "# HELP opsdesk_http_connections Open HTTP connections.\n"
               "# TYPE opsdesk_http_connections gauge\n"
               "opsdesk_http_connections %lld\n",
               (double)atomic_load(&m_db_time_ns) / 1e9, (long long)db_open_connections(),
               atomic_load(&m_open_connections));
}

/* ---------- request life cycle ---------- */

static int hexdigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void req_free(Req *r) {
    if (!r) return;
    buf_free(&r->priv->body);
    buf_free(&r->priv->out);
    if (r->priv->json) json_decref(r->priv->json);
    arena_free(r->arena);
}

static Req *req_new(struct MHD_Connection *conn, const char *method, const char *url) {
    Arena *a = arena_new();
    Req *r = arena_alloc(a, sizeof *r);
    r->arena = a;
    r->priv = arena_alloc(a, sizeof *r->priv);
    r->priv->conn = conn;
    r->priv->start_ns = time_mono_ns();
    r->priv->route_index = -1;
    r->priv->max_body = config.max_json_body;
    r->method = arena_strdup(a, method);
    r->path = arena_strdup(a, url);
    r->is_api = strncmp(url, "/api/", 5) == 0;
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(r->request_id, sizeof r->request_id, rnd, sizeof rnd);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, sizeof ip);
    }
    r->client_ip = arena_strdup(a, ip);
    return r;
}

enum MHD_Result web_queue(Req *r) {
    struct ReqPriv *p = r->priv;
    size_t len;
    char *body = buf_take(&p->out, &len);
    struct MHD_Response *res = MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (!res) {
        free(body);
        return MHD_NO;
    }
    if (p->content_type) MHD_add_response_header(res, "Content-Type", p->content_type);
    for (int i = 0; i < p->n_headers; i++) MHD_add_response_header(res, p->hdr_names[i], p->hdr_values[i]);
    for (int i = 0; i < p->n_set_cookie; i++) MHD_add_response_header(res, "Set-Cookie", p->set_cookie[i]);
    MHD_add_response_header(res, "X-Request-Id", r->request_id);
    enum MHD_Result ok = MHD_queue_response(p->conn, (unsigned)p->status, res);
    MHD_destroy_response(res);
    p->responded = true;
    return ok;
}

/* Sends an error decided before routing finished (limits). */
static enum MHD_Result fail_early(Req *r, int status, const char *field, const char *key) {
    if (!r->locale) r->locale = "en";
    req_fail(r, status, field, key);
    router_render_error(r);
    return web_queue(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    (void)cls, (void)version;
    Req *r = *con_cls;
    if (!r) {
        r = req_new(conn, method, url);
        *con_cls = r;
        router_match(method, url, r);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > r->priv->max_body) {
                r->priv->body_too_large = true;
                return fail_early(r, 413, "body", "error.body_too_large");
            }
        }
        return MHD_YES;
    }
    if (r->priv->responded) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        struct ReqPriv *p = r->priv;
        if ((time_mono_ns() - p->start_ns) / 1000000000 > (int64_t)config.request_deadline_s) {
            *upload_size = 0;
            return fail_early(r, 408, NULL, "error.request_timeout");
        }
        if (p->body_too_large || p->body.len + *upload_size > p->max_body) {
            /* MHD refuses a response in the middle of an upload (the
             * connection would just be closed): drop the rest of the body
             * and answer 413 once the request is complete. */
            p->body_too_large = true;
            *upload_size = 0;
            return MHD_YES;
        }
        buf_append(&p->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->priv->body_too_large) return fail_early(r, 413, "body", "error.body_too_large");
    r->priv->rw = thread_db(false);
    bool safe = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    r->db = safe ? thread_db(true) : r->priv->rw;
    if (!r->db || !r->priv->rw) return fail_early(r, 503, NULL, "error.db_unavailable");
    int64_t db_before = db_time_ns(r->db) + (r->db != r->priv->rw ? db_time_ns(r->priv->rw) : 0);
    /* A GET reads one snapshot (and SQLite takes its read lock once, not per
     * statement); the transaction ends after the handler, below. */
    if (safe && db_begin_read(r->db) != DB_OK) return fail_early(r, 503, NULL, "error.db_unavailable");
    router_dispatch(r);
    int64_t db_after = db_time_ns(r->db) + (r->db != r->priv->rw ? db_time_ns(r->priv->rw) : 0);
    atomic_fetch_add(&m_db_time_ns, db_after - db_before);
    if (db_in_tx(r->db)) db_rollback(r->db); /* a handler that forgot: never leak a transaction */
    if (db_in_tx(r->priv->rw)) db_rollback(r->priv->rw);
    return web_queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)conn, (void)toe;
    Req *r = *con_cls;
    if (!r) return;
    metrics_record(r->priv->route_index, r->priv->responded ? r->priv->status : 0, time_mono_ns() - r->priv->start_ns);
    req_free(r);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code) {
    (void)cls, (void)conn, (void)socket_ctx;
    atomic_fetch_add(&m_open_connections, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n')) msg[--n] = 0;
    log_warn("http: %s", msg);
}

/* Percent-decoding of the path and query values, as libmicrohttpd's own but
 * leaving "%00" undecoded: a NUL would silently cut the C string short
 * ("/api/v1/teams/1%00abc" would serve team 1). Returns the new length. */
static size_t unescape_no_nul(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls, (void)c;
    char *w = s;
    for (const char *p = s; *p; p++) {
        int hi, lo;
        if (p[0] == '%' && p[1] && p[2] && (hi = hexdigit(p[1])) >= 0 && (lo = hexdigit(p[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

int web_serve(const WebConfig *c) {
    config = *c;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(c->port);
    if (inet_pton(AF_INET, c->listen_addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "opsdesk: --listen: '%s' is not an IPv4 address\n", c->listen_addr);
        return 2;
    }
    /* Check the database before accepting connections. */
    Db *db = thread_db(false);
    if (!db) return 1;
    int version = 0;
    if (db_schema_version(db, &version) != DB_OK || version < db_migration_count()) {
        fprintf(stderr, "opsdesk: the database is not initialised or not migrated: run 'opsdesk migrate --db %s'\n",
                c->db_url);
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape_no_nul, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
        MHD_OPTION_CONNECTION_LIMIT, c->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, c->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, c->connection_memory,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "opsdesk: cannot listen on %s:%u: %s\n", c->listen_addr, c->port, strerror(errno));
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : c->port;
    if (c->port_file) {
        FILE *f = fopen(c->port_file, "w");
        if (f) fprintf(f, "%u\n", port), fclose(f);
    }
    log_info("opsdesk serving on http://%s:%u/ (%d threads, %s)", c->listen_addr, port, c->threads,
             db_kind(db) == DB_SQLITE ? "SQLite" : "PostgreSQL");
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (c->on_started) c->on_started(c->hook_ctx);
    while (!stop_requested) pause();
    log_info("opsdesk stopping");
    if (c->on_stopping) c->on_stopping(c->hook_ctx);
    MHD_stop_daemon(d);
    pthread_mutex_lock(&open_dbs_lock);
    for (int i = 0; i < n_open_dbs; i++) db_close(open_dbs[i]);
    n_open_dbs = 0;
    pthread_mutex_unlock(&open_dbs_lock);
    return 0;
}
