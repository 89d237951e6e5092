/* db_internal.h — the backend vtable behind db.h; only src/db includes it. */
#ifndef OPSDESK_DB_INTERNAL_H
#define OPSDESK_DB_INTERNAL_H
#include "db.h"

typedef struct DbOps {
    void (*close)(Db *db);
    int (*exec)(Db *db, const char *sql);
    int (*prepare)(Db *db, const char *sql, DbStmt **out);
    void (*bind_int)(DbStmt *st, int idx, int64_t v);
    void (*bind_double)(DbStmt *st, int idx, double v);
    void (*bind_text)(DbStmt *st, int idx, const char *s);
    void (*bind_null)(DbStmt *st, int idx);
    int (*step)(DbStmt *st);
    int (*column_count)(DbStmt *st);
    bool (*col_null)(DbStmt *st, int col);
    int64_t (*col_int)(DbStmt *st, int col);
    double (*col_double)(DbStmt *st, int col);
    const char *(*col_text)(DbStmt *st, int col);
    void (*finalize)(DbStmt *st);
    int (*begin_write)(Db *db);
    int (*begin_read)(Db *db);
    int (*commit)(Db *db);
    void (*rollback)(Db *db);
    int (*backup)(Db *db, const char *dest, char *err, size_t err_len);
    /* COPY … FROM STDIN (PostgreSQL; NULL on SQLite): begin with the COPY
     * statement, send text-format rows in pieces, end (abort: cancel it, so
     * the transaction fails and the connection leaves COPY mode). */
    int (*copy_begin)(Db *db, const char *copy_sql);
    int (*copy_data)(Db *db, const char *data, size_t n);
    int (*copy_end)(Db *db, bool abort);
    /* *out = the value and true; 0 and false for SQL NULL (one call where
     * db_col_null + db_col_double were two: roll-ups read thousands of rows). */
    bool (*col_double_opt)(DbStmt *st, int col, double *out);
} DbOps;

/* Common head of every backend's connection struct. */
struct Db {
    const DbOps *ops;
    DbKind kind;
    bool in_tx;
    int64_t time_ns; /* time spent in the engine */
    char errmsg[512];
};

/* Common head of every backend's statement struct. */
struct DbStmt {
    Db *db;
    uint32_t n_steps; /* db_step calls since db_prepare (db_core.c samples their timing) */
};

int db_sqlite_open(const char *path, Db **out, char *err, size_t err_len);
int db_pg_open(const char *conninfo, Db **out, char *err, size_t err_len);
void db_set_error(Db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void db_count_open(int delta);

/* SQLite group commit, process-wide since start: physical COMMITs of batch
 * transactions, and the write transactions those COMMITs made durable (tests
 * assert commits < transactions under concurrency). */
void db_sqlite_group_commit_stats(int64_t *commits, int64_t *transactions);
/* Threads waiting in line for the writer of db's file (0 for a database
 * without a shared writer); lets tests order threads without sleeping. */
int db_sqlite_writers_in_line(Db *db);
/* Batch limits of SQLite group commit (defaults: 64 transactions, 5 ms from
 * BEGIN; see db_sqlite.c). For tests; set while no thread writes. */
void db_sqlite_set_group_commit_limits(int max_txs, int64_t max_ns);

/* Migration text with dialect tokens replaced ({{ID}} → the engine's
 * auto-increment primary key; a line "--pg: …" becomes "…" on PostgreSQL
 * and stays a comment on SQLite). Caller frees. */
char *db_dialect_sql(DbKind kind, const char *sql);

#endif
