/* web_system.c — the web layer's own routes (health, metrics, OpenAPI,
 * embedded assets), the audit writer every module calls inside its
 * transaction (and its audit-then-commit step), the shared soft delete, and
 * team-path lookups used by the access checks. */
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
    db_bind_int_or_null(st, 2, r->who ? r->who->user_id : 0);
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

int web_audit_commit(Req *r, const char *action, const char *entity, int64_t entity_id, const char *before_json,
                     const char *after_json) {
    if (web_audit(r, action, entity, entity_id, before_json, after_json) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (db_commit(r->db) != DB_OK) return req_fail(r, 503, NULL, "error.db_unavailable");
    return 0;
}

/* ---------- soft delete ---------- */

int web_soft_delete(Req *r, const char *sql, int64_t id, int64_t version) {
    DbStmt *st;
    if (db_prepare(r->db, sql, &st) != DB_OK) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    db_bind_int(st, 1, time_now_ms());
    db_bind_int(st, 2, id);
    db_bind_int(st, 3, version);
    int rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return req_fail_tx(r, 503, NULL, "error.db_unavailable");
    if (rc != DB_ROW) return req_fail_tx(r, 412, "version", "error.stale");
    return 0;
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

/* The served document: web/openapi.json with every module's
 * web/openapi/<module>.json merged in (their "paths" and each
 * "components" section), built once at start-up. A key defined twice is a
 * build mistake and stops the start. tests/api/harness.mjs merges the same way. */
static char *openapi_doc;
static size_t openapi_len;

static int openapi_merge_object(json_t *into, json_t *from, const char *what, const char *file) {
    const char *key;
    json_t *value;
    json_object_foreach(from, key, value) {
        if (json_object_get(into, key)) {
            fprintf(stderr, "opsdesk: %s defines %s %s a second time\n", file, what, key);
            return -1;
        }
        json_object_set(into, key, value);
    }
    return 0;
}

static int openapi_init(void) {
    const EmbedFile *base = embed_find(web_assets, "openapi.json");
    json_t *doc = base ? json_loadb((const char *)base->data, base->len, 0, NULL) : NULL;
    if (!doc) return -1;
    int rc = 0;
    for (const EmbedFile *f = web_assets; f->name && rc == 0; f++) {
        if (strncmp(f->name, "openapi/", 8) != 0) continue;
        json_error_t e;
        json_t *frag = json_loadb((const char *)f->data, f->len, 0, &e);
        if (!frag) {
            fprintf(stderr, "opsdesk: %s: line %d: %s\n", f->name, e.line, e.text);
            rc = -1;
            break;
        }
        json_t *paths = json_object_get(frag, "paths");
        if (paths) rc = openapi_merge_object(json_object_get(doc, "paths"), paths, "path", f->name);
        const char *section;
        json_t *items;
        json_t *comps = json_object_get(frag, "components");
        if (comps && rc == 0) json_object_foreach(comps, section, items) {
                json_t *into = json_object_get(json_object_get(doc, "components"), section);
                if (!into) {
                    into = json_object();
                    json_object_set_new(json_object_get(doc, "components"), section, into);
                }
                if ((rc = openapi_merge_object(into, items, section, f->name)) != 0) break;
            }
        json_decref(frag);
    }
    if (rc == 0) {
        openapi_doc = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        openapi_len = openapi_doc ? strlen(openapi_doc) : 0;
        if (!openapi_doc) rc = -1;
    }
    json_decref(doc);
    return rc;
}

static int web_openapi(Req *r) {
    if (!openapi_doc) return req_fail(r, 404, NULL, "error.not_found");
    buf_append(&r->priv->out, openapi_doc, openapi_len);
    return res_json_send(r, 200);
}

static const Route web_routes[] = {
    {"GET", "/healthz", web_healthz, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/metrics", web_metrics, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/api/v1/openapi.json", web_openapi, ACCESS_PUBLIC, NULL, 0, false},
    {"GET", "/assets/{name}", web_assets_show, ACCESS_PUBLIC, NULL, 0, false},
};
ROUTE_TABLE(web, web_routes);

/* Each locale's catalog is web/i18n/<locale>.txt followed by every module's
 * web/i18n/<module>.<locale>.txt, loaded as one text: modules keep their
 * messages beside each other's without editing one shared file. */
int web_i18n_init(void) {
    static const char *locales[] = {"zh-CN", "en"};
    assets_init();
    for (size_t i = 0; i < 2; i++) {
        char name[64], suffix[64];
        snprintf(name, sizeof name, "i18n/%s.txt", locales[i]);
        snprintf(suffix, sizeof suffix, ".%s.txt", locales[i]);
        const EmbedFile *main_file = embed_find(web_assets, name);
        Buf text = {0};
        if (main_file) buf_append(&text, main_file->data, main_file->len);
        for (const EmbedFile *f = web_assets; f->name; f++) {
            size_t n = strlen(f->name), sn = strlen(suffix);
            if (strncmp(f->name, "i18n/", 5) != 0 || n <= sn || strcmp(f->name + n - sn, suffix) != 0) continue;
            buf_putc(&text, '\n');
            buf_append(&text, f->data, f->len);
        }
        int line = 0;
        int rc = main_file ? i18n_load(locales[i], text.data, text.len, &line) : -1;
        buf_free(&text);
        if (rc != 0) {
            fprintf(stderr, "opsdesk: message catalog %s (with its module catalogs) is broken at line %d\n", name,
                    line);
            return -1;
        }
    }
    if (!openapi_doc && openapi_init() != 0) {
        fprintf(stderr, "opsdesk: the OpenAPI document (web/openapi.json, web/openapi/*.json) is broken\n");
        return -1;
    }
    return 0;
}
