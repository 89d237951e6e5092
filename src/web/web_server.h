/* web_server.h — starting and stopping the HTTP server, and its limits. */
#ifndef OPSDESK_WEB_SERVER_H
#define OPSDESK_WEB_SERVER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web.h"

typedef struct WebConfig {
    const char *db_url;
    const char *listen_addr;     /* "127.0.0.1" */
    uint16_t port;               /* 0: ephemeral (printed on start) */
    int threads;                 /* worker threads (each owns its db connections) */
    unsigned connection_limit;   /* total open connections */
    unsigned per_ip_limit;       /* open connections per client address */
    unsigned idle_timeout_s;     /* inactivity timeout of a connection */
    unsigned request_deadline_s; /* absolute time to receive one request's body */
    size_t connection_memory;    /* per-connection buffer (bounds header size) */
    size_t max_json_body;        /* default body cap (413 above) */
    bool secure_cookies;         /* Secure flag on cookies (behind TLS) */
    int64_t session_idle_ms;     /* idle expiry of a session */
    int64_t session_max_ms;      /* absolute expiry of a session */
    int display_offset_min;      /* UTC offset for displayed times */
    const char *port_file;       /* when set, the bound port is written here */
    /* Called once the database is checked and the port is bound (e.g. main.c
     * starts background workers), and once before the server stops. May be NULL. */
    void (*on_started)(void *ctx);
    void (*on_stopping)(void *ctx);
    void *hook_ctx;
} WebConfig;

void web_config_defaults(WebConfig *c);
/* Registers a module's route table (before web_serve). */
void web_register(const RouteTable *t);
/* Runs until SIGINT/SIGTERM. Returns a process exit code. */
int web_serve(const WebConfig *c);
/* Prints every route: "METHOD PATTERN access module". */
void web_print_routes(void);
/* The route tables registered so far (route listing, OpenAPI check). */
int web_route_count(void);
const Route *web_route_at(int i, const char **module);
/* Loads the embedded message catalogs; 0 or -1 (message on stderr). */
int web_i18n_init(void);

#endif
