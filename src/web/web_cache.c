/* web_cache.c — per-thread caches that are valid while the database has not
 * changed: the principal of an API token, and the bytes of GET responses of
 * routes marked cacheable, for token-authenticated callers. "Unchanged" is
 * SQLite's PRAGMA data_version on the thread's read-only connection, which
 * moves whenever any other connection commits; so a cached answer is exactly
 * what the handler would produce again. Scripts and dashboards that poll a
 * list get stored bytes without the query (make bench: GET users?limit=50).
 * On PostgreSQL there is no such counter and nothing is cached.
 * Never cached: cookie sessions (pages carry CSRF tokens), non-2xx answers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_internal.h"

enum { RESPONSE_SLOTS = 32, PRINCIPAL_SLOTS = 16, MAX_CACHED_BODY = 256 * 1024 };

typedef struct ResponseSlot {
    char *key;       /* "user_id METHOD path?query" (malloc) */
    int64_t version; /* data_version when stored */
    char *body;      /* malloc */
    size_t len;
    const char *content_type; /* static string of the route's reply */
    char etag[32];            /* "" when none */
    uint64_t used;            /* LRU clock */
} ResponseSlot;

typedef struct PrincipalSlot {
    char token_hash[65];
    int64_t version;
    int64_t token_id, last_used_at;
    Principal p; /* strings malloc'd */
    uint64_t used;
} PrincipalSlot;

static _Thread_local ResponseSlot responses[RESPONSE_SLOTS];
static _Thread_local PrincipalSlot principals[PRINCIPAL_SLOTS];
static _Thread_local uint64_t clock_tick;

static void free_principal(PrincipalSlot *s);

/* Worker threads end when the server stops: free their caches then. */
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void free_thread_caches(void *unused) {
    (void)unused;
    for (int i = 0; i < RESPONSE_SLOTS; i++) {
        free(responses[i].key);
        free(responses[i].body);
        memset(&responses[i], 0, sizeof responses[i]);
    }
    for (int i = 0; i < PRINCIPAL_SLOTS; i++) free_principal(&principals[i]);
}

static void make_exit_key(void) { pthread_key_create(&exit_key, free_thread_caches); }

static void register_thread(void) {
    pthread_once(&exit_once, make_exit_key);
    if (!pthread_getspecific(exit_key)) pthread_setspecific(exit_key, (void *)1);
}

int64_t web_data_version(Req *r) {
    struct ReqPriv *p = r->priv;
    if (!p->data_version_known) {
        p->data_version_known = true;
        p->data_version = -1;
        /* Only the read-only handle: a connection's data_version ignores its
         * own commits, so on the read-write one a cached entry would outlive
         * the change this very request makes. */
        if (r->db == p->rw) return -1;
        int64_t v;
        if (db_kind(r->db) == DB_SQLITE && db_query_int(r->db, "PRAGMA data_version", &v) == DB_ROW)
            p->data_version = v;
    }
    return p->data_version;
}

/* ---------- principals ---------- */

bool web_cache_principal_get(Req *r, const char *token_hash, int64_t *token_id, int64_t *last_used_at) {
    int64_t v = web_data_version(r);
    if (v < 0) return false;
    for (int i = 0; i < PRINCIPAL_SLOTS; i++) {
        PrincipalSlot *s = &principals[i];
        if (s->version != v || !s->token_hash[0] || strcmp(s->token_hash, token_hash) != 0) continue;
        Principal *copy = arena_alloc(r->arena, sizeof *copy);
        *copy = s->p;
        copy->login = arena_strdup(r->arena, s->p.login);
        copy->name = arena_strdup(r->arena, s->p.name);
        copy->team_path = arena_strdup(r->arena, s->p.team_path);
        copy->locale = arena_strdup(r->arena, s->p.locale);
        r->who = copy;
        *token_id = s->token_id;
        *last_used_at = s->last_used_at;
        s->used = ++clock_tick;
        return true;
    }
    return false;
}

static void free_principal(PrincipalSlot *s) {
    free((char *)s->p.login), free((char *)s->p.name), free((char *)s->p.team_path), free((char *)s->p.locale);
    memset(s, 0, sizeof *s);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void web_cache_principal_put(Req *r, const char *token_hash, int64_t token_id, int64_t last_used_at) {
    int64_t v = web_data_version(r);
    if (v < 0 || !r->who) return;
    register_thread();
    PrincipalSlot *victim = &principals[0];
    for (int i = 0; i < PRINCIPAL_SLOTS; i++) {
        PrincipalSlot *s = &principals[i];
        if (strcmp(s->token_hash, token_hash) == 0 || !s->token_hash[0]) {
            victim = s;
            break;
        }
        if (s->used < victim->used) victim = s;
    }
    free_principal(victim);
    snprintf(victim->token_hash, sizeof victim->token_hash, "%s", token_hash);
    victim->version = v;
    victim->token_id = token_id;
    victim->last_used_at = last_used_at;
    victim->p = *r->who;
    victim->p.login = dup_or_null(r->who->login);
    victim->p.name = dup_or_null(r->who->name);
    victim->p.team_path = dup_or_null(r->who->team_path);
    victim->p.locale = dup_or_null(r->who->locale);
    victim->used = ++clock_tick;
}

/* ---------- responses ---------- */

/* The cache key, or NULL when this request may not use the cache. Arena memory. */
static const char *response_key(Req *r) {
    struct ReqPriv *p = r->priv;
    if (!r->route || !r->route->cache || !p->via_token || !r->who || strcmp(r->method, "GET") != 0) return NULL;
    if (web_data_version(r) < 0) return NULL;
    Buf b = {0};
    buf_printf(&b, "%lld %s %s?", (long long)r->who->user_id, r->locale, r->path);
    req_append_query(r, &b);
    const char *key = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return key;
}

bool web_cache_response_get(Req *r) {
    const char *key = response_key(r);
    if (!key) return false;
    int64_t v = web_data_version(r);
    for (int i = 0; i < RESPONSE_SLOTS; i++) {
        ResponseSlot *s = &responses[i];
        if (!s->key || s->version != v || strcmp(s->key, key) != 0) continue;
        buf_append(&r->priv->out, s->body, s->len);
        if (s->etag[0]) res_header(r, "ETag", s->etag);
        res_send(r, 200, s->content_type);
        s->used = ++clock_tick;
        return true;
    }
    return false;
}

void web_cache_response_put(Req *r) {
    struct ReqPriv *p = r->priv;
    if (p->status != 200 || p->out.len > MAX_CACHED_BODY) return;
    const char *key = response_key(r);
    if (!key) return;
    register_thread();
    ResponseSlot *victim = &responses[0];
    for (int i = 0; i < RESPONSE_SLOTS; i++) {
        ResponseSlot *s = &responses[i];
        if (!s->key || strcmp(s->key, key) == 0) {
            victim = s;
            break;
        }
        if (s->used < victim->used) victim = s;
    }
    free(victim->key);
    free(victim->body);
    memset(victim, 0, sizeof *victim);
    victim->key = strdup(key);
    victim->body = malloc(p->out.len ? p->out.len : 1);
    if (!victim->key || !victim->body) {
        free(victim->key), free(victim->body);
        memset(victim, 0, sizeof *victim);
        return;
    }
    memcpy(victim->body, p->out.data, p->out.len);
    victim->len = p->out.len;
    victim->version = web_data_version(r);
    victim->content_type = p->content_type;
    for (int i = 0; i < p->n_headers; i++)
        if (strcmp(p->hdr_names[i], "ETag") == 0) snprintf(victim->etag, sizeof victim->etag, "%s", p->hdr_values[i]);
    victim->used = ++clock_tick;
}
