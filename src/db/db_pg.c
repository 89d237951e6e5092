/* db_pg.c — PostgreSQL backend on libpq. Statements are sent with
 * PQexecParams (text format, every value a parameter); "?N" placeholders are
 * rewritten to "$N" outside quoted literals. One connection per worker thread;
 * write transactions rely on PostgreSQL's own locking. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum { PG_MAX_PARAMS = 64 };

typedef struct PgStmt {
    DbStmt base;
    char *sql;                   /* rewritten to $N */
    int n_params;                /* highest index bound */
    char *values[PG_MAX_PARAMS]; /* owned copies; NULL = SQL NULL */
    Oid types[PG_MAX_PARAMS];    /* int8 / float8 / text; 0 (inferred) for NULL */
    PGresult *res;
    int row; /* current row, -1 before first step */
    bool executed;
} PgStmt;

typedef struct PgDb {
    Db base;
    PGconn *conn;
} PgDb;

static int pg_result_rc(PgDb *d, PGresult *res) {
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return DB_OK;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    db_set_error(&d->base, "postgresql: %s", msg ? msg : PQerrorMessage(d->conn));
    if (state && strncmp(state, "23", 2) == 0) return DB_CONSTRAINT;
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        return DB_BUSY;
    return DB_ERR;
}

static void pg_close(Db *db) {
    PgDb *d = (PgDb *)db;
    PQfinish(d->conn);
    db_count_open(-1);
    free(d);
}

static int pg_exec(Db *db, const char *sql) {
    PgDb *d = (PgDb *)db;
    PGresult *res = PQexec(d->conn, sql);
    int rc = pg_result_rc(d, res);
    PQclear(res);
    return rc;
}

/* Rewrites ?N to $N, leaving '…' and "…" untouched. */
static char *rewrite(const char *sql) {
    size_t n = strlen(sql);
    char *out = malloc(n + 1), *w = out;
    if (!out) abort();
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            *w++ = '$';
            continue;
        }
        *w++ = *p;
    }
    *w = 0;
    return out;
}

static int pg_prepare(Db *db, const char *sql, DbStmt **out) {
    PgStmt *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->base.db = db;
    s->sql = rewrite(sql);
    s->row = -1;
    *out = &s->base;
    return DB_OK;
}

/* Parameter types are sent explicitly so that "?1 = 0" compares as bigint
 * (inference would pick int4 from the literal and overflow on timestamps). */
enum { OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

static void set_value(PgStmt *s, int idx, char *v, Oid type) {
    if (idx < 1 || idx > PG_MAX_PARAMS) {
        free(v);
        return;
    }
    free(s->values[idx - 1]);
    s->values[idx - 1] = v;
    s->types[idx - 1] = type;
    if (idx > s->n_params) s->n_params = idx;
}

static void pg_bind_int(DbStmt *st, int idx, int64_t v) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    set_value((PgStmt *)st, idx, strdup(tmp), OID_INT8);
}
static void pg_bind_double(DbStmt *st, int idx, double v) {
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.17g", v);
    set_value((PgStmt *)st, idx, strdup(tmp), OID_FLOAT8);
}
static void pg_bind_text(DbStmt *st, int idx, const char *v) { set_value((PgStmt *)st, idx, strdup(v), OID_TEXT); }
static void pg_bind_null(DbStmt *st, int idx) { set_value((PgStmt *)st, idx, NULL, 0); }

static int pg_step(DbStmt *st) {
    PgStmt *s = (PgStmt *)st;
    PgDb *d = (PgDb *)st->db;
    if (!s->executed) {
        s->executed = true;
        s->res = PQexecParams(d->conn, s->sql, s->n_params, s->types, (const char *const *)s->values, NULL, NULL, 0);
        int rc = pg_result_rc(d, s->res);
        if (rc != DB_OK) return rc;
    }
    s->row++;
    return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

static int pg_column_count(DbStmt *st) {
    PgStmt *s = (PgStmt *)st;
    return s->res ? PQnfields(s->res) : 0;
}
static bool pg_col_null(DbStmt *st, int col) {
    PgStmt *s = (PgStmt *)st;
    return PQgetisnull(s->res, s->row, col);
}
static const char *pg_col_text(DbStmt *st, int col) {
    PgStmt *s = (PgStmt *)st;
    if (PQgetisnull(s->res, s->row, col)) return NULL;
    return PQgetvalue(s->res, s->row, col);
}
static int64_t pg_col_int(DbStmt *st, int col) {
    const char *v = pg_col_text(st, col);
    if (!v) return 0;
    if (v[0] == 't' && v[1] == 0) return 1; /* boolean results */
    if (v[0] == 'f' && v[1] == 0) return 0;
    return strtoll(v, NULL, 10);
}
static double pg_col_double(DbStmt *st, int col) {
    const char *v = pg_col_text(st, col);
    return v ? strtod(v, NULL) : 0.0;
}
static bool pg_col_double_opt(DbStmt *st, int col, double *out) {
    const char *v = pg_col_text(st, col);
    *out = v ? strtod(v, NULL) : 0.0;
    return v != NULL;
}

static void pg_finalize(DbStmt *st) {
    PgStmt *s = (PgStmt *)st;
    for (int i = 0; i < s->n_params; i++) free(s->values[i]);
    PQclear(s->res);
    free(s->sql);
    free(s);
}

static int pg_begin_write(Db *db) { return pg_exec(db, "BEGIN"); }
static int pg_begin_read(Db *db) { return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
static int pg_commit(Db *db) {
    int rc = pg_exec(db, "COMMIT");
    if (rc != DB_OK) pg_exec(db, "ROLLBACK");
    return rc;
}
static void pg_rollback(Db *db) { pg_exec(db, "ROLLBACK"); }

static int pg_backup(Db *db, const char *dest, char *err, size_t err_len) {
    (void)db, (void)dest;
    snprintf(err, err_len, "backup of a PostgreSQL database is pg_dump's job: pg_dump -Fc -f FILE 'CONNINFO'");
    return DB_ERR;
}

/* ---------- COPY … FROM STDIN (db_bulk_*) ---------- */

static int pg_copy_begin(Db *db, const char *copy_sql) {
    PgDb *d = (PgDb *)db;
    PGresult *res = PQexec(d->conn, copy_sql);
    int rc = PQresultStatus(res) == PGRES_COPY_IN ? DB_OK : pg_result_rc(d, res);
    if (rc == DB_OK && PQresultStatus(res) != PGRES_COPY_IN) rc = DB_ERR;
    PQclear(res);
    return rc;
}

static int pg_copy_data(Db *db, const char *data, size_t n) {
    PgDb *d = (PgDb *)db;
    while (n > 0) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        if (PQputCopyData(d->conn, data, chunk) != 1) {
            db_set_error(db, "postgresql: %s", PQerrorMessage(d->conn));
            return DB_ERR;
        }
        data += chunk;
        n -= (size_t)chunk;
    }
    return DB_OK;
}

/* Ends the COPY, or aborts it, then reads its result. */
static int pg_copy_end(Db *db, bool abort) {
    PgDb *d = (PgDb *)db;
    if (PQputCopyEnd(d->conn, abort ? "opsdesk: bulk insert abandoned" : NULL) != 1) {
        db_set_error(db, "postgresql: %s", PQerrorMessage(d->conn));
        return DB_ERR;
    }
    int rc = DB_OK;
    for (PGresult *res; (res = PQgetResult(d->conn)) != NULL; PQclear(res))
        if (rc == DB_OK) rc = pg_result_rc(d, res);
    return abort && rc == DB_OK ? DB_ERR : rc;
}

static const DbOps pg_ops = {
    pg_close,     pg_exec,       pg_prepare,      pg_bind_int,   pg_bind_double,    pg_bind_text,
    pg_bind_null, pg_step,       pg_column_count, pg_col_null,   pg_col_int,        pg_col_double,
    pg_col_text,  pg_finalize,   pg_begin_write,  pg_begin_read, pg_commit,         pg_rollback,
    pg_backup,    pg_copy_begin, pg_copy_data,    pg_copy_end,   pg_col_double_opt,
};

int db_pg_open(const char *conninfo, Db **out, char *err, size_t err_len) {
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, err_len, "cannot connect to PostgreSQL: %s", PQerrorMessage(conn));
        for (char *p = err; *p; p++)
            if (*p == '\n') *p = ' ';
        PQfinish(conn);
        return DB_ERR;
    }
    PgDb *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->base.ops = &pg_ops;
    d->base.kind = DB_PG;
    d->conn = conn;
    db_count_open(1);
    /* Quiet NOTICEs (e.g. "relation already exists") and use UTC throughout. */
    pg_exec(&d->base, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    *out = &d->base;
    return DB_OK;
}
