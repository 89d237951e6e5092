/* web_system.c — the web layer's own routes (health, metrics, OpenAPI,
 * embedded assets), the audit writer every module calls inside its
 * transaction, and team-path lookups used by the access checks. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../base/embed.h"
#include "../base/i18n.h"
#include "../base/timeutil.h"
#include "web_internal.h"

extern const EmbedFile web_assets[];

/* ---------- team paths ---------- */

const char *web_team_path(Req *r, int64_t team_id) {
    if (team_id <= 0) return NULL;
    if (r->who && r->who->team_id == team_id && r->who->team_path && *r->who->team_path) return r->who->team_path;
    DbStmt *st;
    if (db_prepare(r->db, "SELECT path FROM teams WHERE id = ?1 AND deleted_at IS NULL", &st) != DB_OK) return NULL;
    db_bind_int(st, 1, team_id);
    const char *path = NULL;
    if (db_step(st) == DB_ROW) path = arena_strdup(r->arena, db_col_text(st, 0));
    db_finalize(st);
    return path;
}

/* ---------- audit ---------- */

int web_audit(Req *r, const char *action, const char *entity, int64_t entity_id, const char *before_json,
              const char *after_json) {
    DbStmt *st;
    Db *db = r->priv->rw;
    if (db_prepare(db,
                   "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, ip,"
                   " request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                   &st) != DB_OK)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, time_now_ms());
    if (r->who && r->who->user_id) db_bind_int(st, 2, r->who->user_id);
    else db_bind_null(st, 2);
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, entity);
    db_bind_int(st, 5, entity_id);
    db_bind_text(st, 6, before_json);
    db_bind_text(st, 7, after_json);
    db_bind_text(st, 8, r->client_ip);
    db_bind_text(st, 9, r->request_id);
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? req_fail(r, 503, NULL, "error.db_unavailable") : 0;
}

/* ---------- assets ---------- */

typedef struct AssetMeta {
    const char *name;
    char version[17];
    char etag[20];
} AssetMeta;

static AssetMeta asset_meta[32];

static const AssetMeta *meta_for(const EmbedFile *f) {
    for (size_t i = 0; i < sizeof asset_meta / sizeof asset_meta[0]; i++) {
        AssetMeta *m = &asset_meta[i];
        if (m->name == f->name) return m;
        if (!m->name) {
            unsigned char h[8];
            crypto_generichash(h, sizeof h, f->data, f->len, NULL, 0);
            char hex[17];
            sodium_bin2hex(hex, sizeof hex, h, sizeof h);
            memcpy(m->version, hex, sizeof hex);
            snprintf(m->etag, sizeof m->etag, "\"%s\"", hex);
            m->name = f->name;
            return m;
        }
    }
    return NULL;
}

/* Called once at start (single-threaded) so lookups later only read. */
static void assets_init(void) {
    for (const EmbedFile *f = web_assets; f->name; f++) meta_for(f);
}

const char *assets_version(const char *name) {
    const EmbedFile *f = embed_find(web_assets, name);
    const AssetMeta *m = f ? meta_for(f) : NULL;
    return m ? m->version : "0";
}

static const char *content_type_for(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return "application/octet-stream";
    if (strcmp(dot, ".css") == 0) return "text/css; charset=utf-8";
    if (strcmp(dot, ".js") == 0) return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".svg") == 0) return "image/svg+xml";
    if (strcmp(dot, ".png") == 0) return "image/png";
    if (strcmp(dot, ".json") == 0) return "application/json";
    return "application/octet-stream";
}

static int web_assets_show(Req *r) {
    const char *name = NULL;
    for (int i = 0; i < r->priv->n_params; i++)
        if (strcmp(r->priv->param_names[i], "name") == 0) name = r->priv->param_values[i];
    const EmbedFile *f = name && strncmp(name, "i18n", 4) != 0 ? embed_find(web_assets, name) : NULL;
    if (!f) return req_fail(r, 404, "name", "error.not_found");
    const AssetMeta *m = meta_for(f);
    const char *inm = req_header(r, "If-None-Match");
    res_header(r, "ETag", m->etag);
    /* URLs carry ?v=<hash>, so a year of caching is safe. */
    res_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    if (inm && strcmp(inm, m->etag) == 0) return res_send(r, 304, NULL);
    buf_append(&r->priv->out, f->data, f->len);
    return res_send(r, 200, content_type_for(name));
}

/* ---------- health, metrics, OpenAPI ---------- */

static int web_healthz(Req *r) {
    int64_t one = 0;
    if (db_query_int(r->db, "SELECT 1", &one) != DB_ROW || one != 1)
        return req_fail(r, 503, NULL, "error.db_unavailable");
    buf_puts(&r->priv->out, "{\"status\":\"ok\"}");
    return res_json_send(r, 200);
}

static int web_metrics(Req *r) {
    web_metrics_write(&r->priv->out);
    return res_send(r, 200, "text/plain; version=0.0.4; charset=utf-8");
}

static int web_openapi(Req *r) {
    const EmbedFile *f = embed_find(web_assets, "openapi.json");
    if (!f) return req_fail(r, 404, NULL, "error.not_found");
    buf_append(&r->priv->out, f->data, f->len);
    return res_json_send(r, 200);
}

static const Route web_routes[] = {
    {"GET", "/healthz", web_healthz, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/metrics", web_metrics, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/api/v1/openapi.json", web_openapi, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/assets/{name}", web_assets_show, ACCESS_PUBLIC, NULL, 0, false},
};
ROUTE_TABLE(web, web_routes);

int web_i18n_init(void) {
    static const char *locales[] = {"zh-CN", "en"};
    assets_init();
    for (size_t i = 0; i < 2; i++) {
        char name[64];
        snprintf(name, sizeof name, "i18n/%s.txt", locales[i]);
        const EmbedFile *f = embed_find(web_assets, name);
        int line = 0;
        if (!f || i18n_load(locales[i], (const char *)f->data, f->len, &line) != 0) {
            fprintf(stderr, "opsdesk: message catalog %s is broken at line %d\n", name, line);
            return -1;
        }
    }
    return 0;
}
