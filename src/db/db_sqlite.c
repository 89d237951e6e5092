/* db_sqlite.c — SQLite backend: WAL, synchronous=FULL (a 2xx survives power
 * loss), foreign keys, busy_timeout, and one process-wide writer lock so that
 * writers queue on a mutex instead of spinning on SQLITE_BUSY (DESIGN.md §4:
 * p99 5 ms with the lock against 526 ms and failures without it).
 * Prepared statements are cached per connection by the address of their SQL
 * (checked against the text, so a reused address never returns the wrong
 * statement), so the hot path never re-parses SQL. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum { STMT_CACHE = 96 };

typedef struct SqStmt {
    DbStmt        base;
    sqlite3_stmt *st;
    const char   *sql;     /* cache key: the literal's address */
    bool          in_use;
    bool          cached;  /* lives in the cache; else freed on finalize */
} SqStmt;

typedef struct SqDb {
    Db       base;
    sqlite3 *conn;
    bool     holds_writer_lock;
    SqStmt   cache[STMT_CACHE];
} SqDb;

static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static int map_rc(SqDb *d, int rc) {
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE || rc == SQLITE_OK) return DB_DONE;
    db_set_error(&d->base, "sqlite: %s", sqlite3_errmsg(d->conn));
    int prim = rc & 0xff;
    if (prim == SQLITE_CONSTRAINT) return DB_CONSTRAINT;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) return DB_BUSY;
    return DB_ERR;
}

static void sq_close(Db *db) {
    SqDb *d = (SqDb *)db;
    for (int i = 0; i < STMT_CACHE; i++)
        if (d->cache[i].st) sqlite3_finalize(d->cache[i].st);
    if (d->holds_writer_lock) pthread_mutex_unlock(&writer_lock);
    sqlite3_close_v2(d->conn);
    db_count_open(-1);
    free(d);
}

static int sq_exec(Db *db, const char *sql) {
    SqDb *d = (SqDb *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->conn, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db_set_error(db, "sqlite: %s", msg ? msg : sqlite3_errmsg(d->conn));
        sqlite3_free(msg);
        int prim = rc & 0xff;
        return prim == SQLITE_CONSTRAINT ? DB_CONSTRAINT : prim == SQLITE_BUSY ? DB_BUSY : DB_ERR;
    }
    return DB_OK;
}

static int sq_prepare(Db *db, const char *sql, DbStmt **out) {
    SqDb *d = (SqDb *)db;
    uintptr_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
    for (int probe = 0; probe < 4; probe++) {
        SqStmt *s = &d->cache[(h + (uintptr_t)probe) % STMT_CACHE];
        if (s->sql == sql && s->st && !s->in_use && strcmp(sqlite3_sql(s->st), sql) == 0) {
            s->in_use = true;
            *out = &s->base;
            return DB_OK;
        }
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) return map_rc(d, rc);
    for (int probe = 0; probe < 4; probe++) {
        SqStmt *s = &d->cache[(h + (uintptr_t)probe) % STMT_CACHE];
        if (!s->in_use && (!s->st || probe == 3)) {
            if (s->st) sqlite3_finalize(s->st);
            *s = (SqStmt){.base = {db}, .st = st, .sql = sql, .in_use = true, .cached = true};
            *out = &s->base;
            return DB_OK;
        }
    }
    SqStmt *s = calloc(1, sizeof *s);
    if (!s) abort();
    *s = (SqStmt){.base = {db}, .st = st, .sql = sql, .in_use = true, .cached = false};
    *out = &s->base;
    return DB_OK;
}

static void sq_bind_int(DbStmt *st, int idx, int64_t v) { sqlite3_bind_int64(((SqStmt *)st)->st, idx, v); }
static void sq_bind_double(DbStmt *st, int idx, double v) { sqlite3_bind_double(((SqStmt *)st)->st, idx, v); }
static void sq_bind_text(DbStmt *st, int idx, const char *s) {
    sqlite3_bind_text(((SqStmt *)st)->st, idx, s, -1, SQLITE_TRANSIENT);
}
static void sq_bind_null(DbStmt *st, int idx) { sqlite3_bind_null(((SqStmt *)st)->st, idx); }

static int sq_step(DbStmt *st) {
    SqStmt *s = (SqStmt *)st;
    return map_rc((SqDb *)st->db, sqlite3_step(s->st));
}
static int sq_column_count(DbStmt *st) { return sqlite3_column_count(((SqStmt *)st)->st); }
static bool sq_col_null(DbStmt *st, int col) {
    return sqlite3_column_type(((SqStmt *)st)->st, col) == SQLITE_NULL;
}
static int64_t sq_col_int(DbStmt *st, int col) { return sqlite3_column_int64(((SqStmt *)st)->st, col); }
static double sq_col_double(DbStmt *st, int col) { return sqlite3_column_double(((SqStmt *)st)->st, col); }
static const char *sq_col_text(DbStmt *st, int col) {
    return (const char *)sqlite3_column_text(((SqStmt *)st)->st, col);
}

static void sq_finalize(DbStmt *st) {
    SqStmt *s = (SqStmt *)st;
    if (!s->cached) {
        sqlite3_finalize(s->st);
        free(s);
        return;
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = false;
}

static int sq_begin_write(Db *db) {
    SqDb *d = (SqDb *)db;
    pthread_mutex_lock(&writer_lock);
    d->holds_writer_lock = true;
    int rc = sq_exec(db, "BEGIN IMMEDIATE");
    if (rc != DB_OK) {
        d->holds_writer_lock = false;
        pthread_mutex_unlock(&writer_lock);
    }
    return rc;
}

static int sq_begin_read(Db *db) { return sq_exec(db, "BEGIN"); }

static void release_writer(SqDb *d) {
    if (d->holds_writer_lock) {
        d->holds_writer_lock = false;
        pthread_mutex_unlock(&writer_lock);
    }
}

static int sq_commit(Db *db) {
    int rc = sq_exec(db, "COMMIT");
    if (rc != DB_OK) sq_exec(db, "ROLLBACK");
    release_writer((SqDb *)db);
    return rc;
}

static void sq_rollback(Db *db) {
    sq_exec(db, "ROLLBACK");
    release_writer((SqDb *)db);
}

static int sq_backup(Db *db, const char *dest, char *err, size_t err_len) {
    SqDb *d = (SqDb *)db;
    sqlite3 *out;
    if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "cannot open %s: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return DB_ERR;
    }
    /* Copy in steps of 256 pages; a writer that commits meanwhile makes the
     * backup restart, so the copy is always one consistent snapshot. */
    sqlite3_backup *b = sqlite3_backup_init(out, "main", d->conn, "main");
    if (!b) {
        snprintf(err, err_len, "backup: %s", sqlite3_errmsg(out));
        sqlite3_close(out);
        return DB_ERR;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, err_len, "backup: %s", sqlite3_errmsg(out));
        sqlite3_close(out);
        return DB_ERR;
    }
    sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close(out);
    return DB_OK;
}

static const DbOps sqlite_ops = {
    sq_close, sq_exec, sq_prepare, sq_bind_int, sq_bind_double, sq_bind_text, sq_bind_null,
    sq_step, sq_column_count, sq_col_null, sq_col_int, sq_col_double, sq_col_text, sq_finalize,
    sq_begin_write, sq_begin_read, sq_commit, sq_rollback, sq_backup,
};

int db_sqlite_open(const char *path, Db **out, char *err, size_t err_len) {
    SqDb *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->base.ops = &sqlite_ops;
    d->base.kind = DB_SQLITE;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path, &d->conn, flags, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "cannot open SQLite database %s: %s", path,
                 d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
        sqlite3_close_v2(d->conn);
        free(d);
        return DB_ERR;
    }
    db_count_open(1);
    sqlite3_busy_timeout(d->conn, 10000);
    sqlite3_extended_result_codes(d->conn, 1);
    const char *setup = strcmp(path, ":memory:") == 0
        ? "PRAGMA foreign_keys=ON;"
        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
    if (sq_exec(&d->base, setup) != DB_OK) {
        snprintf(err, err_len, "cannot set up SQLite database %s: %s", path, d->base.errmsg);
        sq_close(&d->base);
        return DB_ERR;
    }
    *out = &d->base;
    return DB_OK;
}
