/* db.h — the one database interface. Two backends: SQLite (embedded default)
 * and PostgreSQL (libpq). SQL is written once with ?1, ?2 … placeholders and
 * the portable subset both engines share (INSERT … RETURNING, BIGINT times in
 * UTC milliseconds, 0/1 integers for booleans); dialect differences stay in
 * this folder. A Db is one connection and belongs to one thread at a time.
 * Nothing here knows about HTTP or any module. */
#ifndef OPSDESK_DB_H
#define OPSDESK_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum DbKind { DB_SQLITE = 1, DB_PG = 2 } DbKind;
typedef struct Db Db;
typedef struct DbStmt DbStmt;

enum {
    DB_OK = 0,
    DB_ROW = 1,         /* db_step: a row is ready */
    DB_DONE = 2,        /* db_step: no more rows */
    DB_ERR = -1,        /* any other failure; db_errmsg() says what */
    DB_CONSTRAINT = -2, /* unique / foreign-key / check violation */
    DB_BUSY = -3,       /* lock timeout or serialisation failure: retry */
};

/* Opens url ("sqlite:PATH", "sqlite::memory:", "postgresql://…", "postgres://…"
 * or any libpq conninfo with '='). On failure returns DB_ERR with a one-line
 * reason in err. Caller closes with db_close. */
int db_open(const char *url, Db **out, char *err, size_t err_len);
void db_close(Db *db);
DbKind db_kind(const Db *db);
/* Last error message of this connection (connection-owned memory). */
const char *db_errmsg(const Db *db);

/* Makes this connection refuse writes (GET handlers get such a handle). */
int db_set_read_only(Db *db);

/* Runs SQL without parameters (may hold several statements). */
int db_exec(Db *db, const char *sql);

/* Prepares sql (a string literal: statements are cached by its address).
 * The statement is finalised with db_finalize; never keep it across requests. */
int db_prepare(Db *db, const char *sql, DbStmt **out);
void db_bind_int(DbStmt *st, int idx, int64_t v);
void db_bind_double(DbStmt *st, int idx, double v);
void db_bind_text(DbStmt *st, int idx, const char *s); /* NULL binds NULL; copied */
void db_bind_null(DbStmt *st, int idx);
/* Binds v, or NULL when v is 0: optional ids and times, where 0 means "none". */
void db_bind_int_or_null(DbStmt *st, int idx, int64_t v);
/* DB_ROW, DB_DONE or a negative error. */
int db_step(DbStmt *st);
int db_column_count(DbStmt *st);
bool db_col_null(DbStmt *st, int col);
int64_t db_col_int(DbStmt *st, int col);
double db_col_double(DbStmt *st, int col);
/* The value of a nullable number column: true with *out set, or false with
 * *out = 0 for SQL NULL. One call instead of db_col_null + db_col_double
 * (SQLite: one library call unless the value is 0). */
bool db_col_double_opt(DbStmt *st, int col, double *out);
/* NULL for SQL NULL; valid until the next db_step or db_finalize. */
const char *db_col_text(DbStmt *st, int col);
void db_finalize(DbStmt *st);

/* Transactions. db_begin_write serialises writers process-wide on SQLite
 * (one writer lock, then BEGIN IMMEDIATE) so concurrent writers queue fairly
 * instead of spinning on busy_timeout. db_begin_read gives a consistent
 * snapshot for multi-statement reads. Commit is durable when it returns. */
int db_begin_write(Db *db);
int db_begin_read(Db *db);
int db_commit(Db *db);
void db_rollback(Db *db);
bool db_in_tx(const Db *db);
/* Inside a write transaction: serialises every transaction that takes the same
 * key until it ends. A no-op on SQLite, where writers are serialised already;
 * pg_advisory_xact_lock on PostgreSQL. For check-then-write rules that a
 * constraint cannot express (e.g. "keep at least one admin"). */
int db_lock_key(Db *db, int64_t key);

/* Applies the embedded migrations not yet applied, each in its own
 * transaction. Returns 0, or DB_ERR with db_errmsg() naming the migration. */
int db_migrate(Db *db, int *n_applied);
/* Highest applied migration number (0 for an empty database). */
int db_schema_version(Db *db, int *version);
/* Number of embedded migrations. */
int db_migration_count(void);

/* SQLite online backup / nothing on PostgreSQL (use pg_dump). */
int db_backup(Db *db, const char *dest_path, char *err, size_t err_len);

/* Nanoseconds this connection spent inside the database (metrics): prepare,
 * transactions and the first 16 steps of a statement are timed; after those,
 * one step in 16 is timed and counts for the 16 (two clock reads a row cost
 * more than reading a row of a long scan). */
int64_t db_time_ns(const Db *db);
/* Process-wide count of open connections (metrics). */
int64_t db_open_connections(void);

/* Bulk insert of many rows inside the caller's open write transaction.
 * insert_sql is a string literal of the form
 *   "INSERT INTO table (col, col, …) VALUES (?1, ?2, …)"
 * (one placeholder per column, in order). SQLite runs it once per row from
 * the statement cache; PostgreSQL streams the rows with COPY … FROM STDIN,
 * one round trip per ~1 MiB instead of one per row. Values are given in
 * column order, then db_bulk_row() ends the row. db_bulk_end() sends what is
 * left and frees b; it returns DB_OK or the first error (db_errmsg()), after
 * which the caller rolls back. Memory: the caller's arena is not used. */
typedef struct DbBulk DbBulk;
int db_bulk_begin(Db *db, const char *insert_sql, DbBulk **out);
void db_bulk_int(DbBulk *b, int64_t v);
void db_bulk_text(DbBulk *b, const char *s); /* NULL: SQL NULL */
int db_bulk_row(DbBulk *b);
int db_bulk_end(DbBulk *b);

/* Helpers: run a one-row query returning one integer / text column. Return
 * DB_ROW when a row was found (value set), DB_DONE when none, <0 on error. */
int db_query_int(Db *db, const char *sql, int64_t *out);

#endif
