/* db_migrate.c — embedded, numbered migrations (src/db/migrations/NNN_name.sql),
 * each applied in its own transaction together with its schema_migrations row,
 * so a failed migration leaves nothing behind. On PostgreSQL a session-level
 * advisory lock makes two processes starting at once apply each migration once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/embed.h"
#include "../base/timeutil.h"
#include "db_internal.h"

extern const EmbedFile db_migrations[];

int db_migration_count(void) {
    int n = 0;
    for (const EmbedFile *f = db_migrations; f->name; f++) n++;
    return n;
}

int db_schema_version(Db *db, int *version) {
    int64_t v = 0;
    int rc = db_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &v);
    if (rc < 0) return rc;
    *version = (int)v;
    return DB_OK;
}

static int migrate_locked(Db *db, int *n_applied);

int db_migrate(Db *db, int *n_applied) {
    *n_applied = 0;
    /* Fast path: everything applied already (every CLI command and server start
     * comes here). A missing table is an error here and takes the slow path. */
    int64_t version = 0;
    if (db_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &version) == DB_ROW &&
        version >= db_migration_count())
        return DB_OK;
    if (db_kind(db) != DB_PG) return migrate_locked(db, n_applied); /* SQLite: BEGIN IMMEDIATE serialises */
    /* PostgreSQL: one session-level advisory lock around everything, so two
     * processes starting at once never race on CREATE TABLE / FUNCTION. */
    int rc = db_exec(db, "SELECT pg_advisory_lock(7274631)");
    if (rc != DB_OK) return rc;
    rc = migrate_locked(db, n_applied);
    char saved[sizeof db->errmsg];
    memcpy(saved, db->errmsg, sizeof saved);
    db_exec(db, "SELECT pg_advisory_unlock(7274631)");
    memcpy(db->errmsg, saved, sizeof saved);
    return rc;
}

static int migrate_locked(Db *db, int *n_applied) {
    int rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    if (rc != DB_OK) return rc;
    /* Functions SQLite has built in that PostgreSQL lacks, so that module SQL
     * is written once: instr(haystack, needle) → position or 0. */
    if (db_kind(db) == DB_PG &&
        (rc = db_exec(db, "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer"
                          " AS 'SELECT strpos($1, $2)' LANGUAGE SQL IMMUTABLE STRICT")) != DB_OK)
        return rc;
    /* The table list is sorted by name, and names start with the number. */
    for (const EmbedFile *f = db_migrations; f->name; f++) {
        int number = atoi(f->name);
        if (number <= 0) {
            db_set_error(db, "migration %s: name must start with its number", f->name);
            return DB_ERR;
        }
        if ((rc = db_begin_write(db)) != DB_OK) return rc;
        DbStmt *st;
        if ((rc = db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?1", &st)) != DB_OK) goto fail;
        db_bind_int(st, 1, number);
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) goto fail;
        if (rc == DB_ROW) {
            db_rollback(db);
            continue;
        }
        char *sql = db_dialect_sql(db_kind(db), (const char *)f->data);
        rc = db_exec(db, sql);
        free(sql);
        if (rc != DB_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "migration %s failed: %s", f->name, db_errmsg(db));
            db_rollback(db);
            db_set_error(db, "%s", msg);
            return rc;
        }
        if ((rc = db_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                             &st)) != DB_OK)
            goto fail;
        db_bind_int(st, 1, number);
        db_bind_text(st, 2, f->name);
        db_bind_int(st, 3, time_now_ms());
        rc = db_step(st);
        db_finalize(st);
        if (rc < 0) goto fail;
        if ((rc = db_commit(db)) != DB_OK) return rc;
        (*n_applied)++;
    }
    return DB_OK;
fail:
    db_rollback(db);
    return rc < 0 ? rc : DB_ERR;
}
