/* db_core.c — backend-independent part of db.h: dispatch, timing, helpers. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "db_internal.h"

static atomic_llong open_connections;

void db_count_open(int delta) { atomic_fetch_add(&open_connections, delta); }
int64_t db_open_connections(void) { return atomic_load(&open_connections); }

void db_set_error(Db *db, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
    va_end(ap);
    /* keep the message on one line */
    for (char *p = db->errmsg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

int db_open(const char *url, Db **out, char *err, size_t err_len) {
    *out = NULL;
    if (strncmp(url, "sqlite:", 7) == 0) return db_sqlite_open(url + 7, out, err, err_len);
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0 || strchr(url, '='))
        return db_pg_open(url, out, err, err_len);
    snprintf(err, err_len, "unknown database URL '%s' (use sqlite:PATH or postgresql://…)", url);
    return DB_ERR;
}

void db_close(Db *db) {
    if (db) db->ops->close(db);
}
DbKind db_kind(const Db *db) { return db->kind; }
const char *db_errmsg(const Db *db) { return db->errmsg; }
bool db_in_tx(const Db *db) { return db->in_tx; }
int64_t db_time_ns(const Db *db) { return db->time_ns; }

#define TIMED(db, expr)                                                                                                \
    do {                                                                                                               \
        int64_t t0_ = time_mono_ns();                                                                                  \
        expr;                                                                                                          \
        (db)->time_ns += time_mono_ns() - t0_;                                                                         \
    } while (0)

int db_exec(Db *db, const char *sql) {
    int rc;
    TIMED(db, rc = db->ops->exec(db, sql));
    return rc;
}
int db_prepare(Db *db, const char *sql, DbStmt **out) {
    int rc;
    TIMED(db, rc = db->ops->prepare(db, sql, out));
    if (rc == DB_OK) (*out)->n_steps = 0;
    return rc;
}
void db_bind_int(DbStmt *st, int idx, int64_t v) { st->db->ops->bind_int(st, idx, v); }
void db_bind_double(DbStmt *st, int idx, double v) { st->db->ops->bind_double(st, idx, v); }
void db_bind_text(DbStmt *st, int idx, const char *s) {
    if (!s) st->db->ops->bind_null(st, idx);
    else st->db->ops->bind_text(st, idx, s);
}
void db_bind_null(DbStmt *st, int idx) { st->db->ops->bind_null(st, idx); }
void db_bind_int_or_null(DbStmt *st, int idx, int64_t v) {
    if (v) st->db->ops->bind_int(st, idx, v);
    else st->db->ops->bind_null(st, idx);
}
/* The first DB_STEP_SAMPLE steps (a query's search, the rows of a short
 * answer) are timed one by one; the rows of a long scan cost about the same
 * each, so from then on step k·DB_STEP_SAMPLE stands for itself and the
 * DB_STEP_SAMPLE − 1 steps after it. */
enum { DB_STEP_SAMPLE = 16 };

int db_step(DbStmt *st) {
    uint32_t n = st->n_steps++;
    if (n >= DB_STEP_SAMPLE && n % DB_STEP_SAMPLE != 0) return st->db->ops->step(st);
    int64_t t0 = time_mono_ns();
    int rc = st->db->ops->step(st);
    int64_t spent = time_mono_ns() - t0;
    st->db->time_ns += n >= DB_STEP_SAMPLE ? spent * DB_STEP_SAMPLE : spent;
    return rc;
}
int db_column_count(DbStmt *st) { return st->db->ops->column_count(st); }
bool db_col_null(DbStmt *st, int col) { return st->db->ops->col_null(st, col); }
int64_t db_col_int(DbStmt *st, int col) { return st->db->ops->col_int(st, col); }
double db_col_double(DbStmt *st, int col) { return st->db->ops->col_double(st, col); }
bool db_col_double_opt(DbStmt *st, int col, double *out) { return st->db->ops->col_double_opt(st, col, out); }
const char *db_col_text(DbStmt *st, int col) { return st->db->ops->col_text(st, col); }
void db_finalize(DbStmt *st) {
    if (st) st->db->ops->finalize(st);
}

int db_begin_write(Db *db) {
    int rc;
    TIMED(db, rc = db->ops->begin_write(db));
    if (rc == DB_OK) db->in_tx = true;
    return rc;
}
int db_begin_read(Db *db) {
    int rc;
    TIMED(db, rc = db->ops->begin_read(db));
    if (rc == DB_OK) db->in_tx = true;
    return rc;
}
int db_commit(Db *db) {
    int rc;
    TIMED(db, rc = db->ops->commit(db));
    db->in_tx = false;
    return rc;
}
void db_rollback(Db *db) {
    if (!db->in_tx) return;
    TIMED(db, db->ops->rollback(db));
    db->in_tx = false;
}

int db_backup(Db *db, const char *dest, char *err, size_t err_len) { return db->ops->backup(db, dest, err, err_len); }

int db_query_int(Db *db, const char *sql, int64_t *out) {
    DbStmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc < 0) return rc;
    rc = db_step(st);
    if (rc == DB_ROW) *out = db_col_int(st, 0);
    db_finalize(st);
    return rc;
}

char *db_dialect_sql(DbKind kind, const char *sql) {
    static const char *token = "{{ID}}";
    const char *rep =
        kind == DB_SQLITE ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    size_t n = 0;
    for (const char *p = sql; (p = strstr(p, token)); p += strlen(token)) n++;
    size_t len = strlen(sql) + n * strlen(rep) + 1;
    char *out = malloc(len), *w = out;
    if (!out) return NULL;
    for (const char *p = sql;;) {
        const char *hit = strstr(p, token);
        if (!hit) {
            strcpy(w, p);
            break;
        }
        memcpy(w, p, (size_t)(hit - p));
        w += hit - p;
        strcpy(w, rep);
        w += strlen(rep);
        p = hit + strlen(token);
    }
    /* A line "--pg: STATEMENT" is a comment on SQLite and the statement on
     * PostgreSQL (storage settings and the like that SQLite has no words for). */
    if (kind == DB_PG) {
        for (char *q = out; (q = strstr(q, "--pg: ")) != NULL; q += 6)
            if (q == out || q[-1] == '\n') memset(q, ' ', 6);
    }
    return out;
}

int db_set_read_only(Db *db) {
    return db_exec(db, db->kind == DB_SQLITE ? "PRAGMA query_only=1"
                                             : "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
}

int db_lock_key(Db *db, int64_t key) {
    if (db->kind == DB_SQLITE) return DB_OK;
    DbStmt *st;
    int rc = db_prepare(db, "SELECT pg_advisory_xact_lock(?1)", &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, key);
    rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? rc : DB_OK;
}

/* ---------- bulk insert ---------- */

struct DbBulk {
    Db *db;
    const char *insert_sql; /* the caller's literal (statement cache key on SQLite) */
    int n_cols, col;        /* columns per row; values given so far in this row */
    int rc;                 /* first error, DB_OK until then */
    DbStmt *st;             /* SQLite: the row being bound */
    char *copy;             /* PostgreSQL: pending COPY text rows */
    size_t copy_len, copy_cap;
};

enum { BULK_FLUSH_BYTES = 1 << 20 };

/* "INSERT INTO t (a, b) VALUES (?1, ?2)" → "COPY t (a, b) FROM STDIN" and the
 * column count; -1 when sql is not of that form. Caller frees *copy_sql. */
static int bulk_parse(const char *sql, char **copy_sql) {
    static const char head[] = "INSERT INTO ";
    if (strncmp(sql, head, sizeof head - 1) != 0) return -1;
    const char *t = sql + sizeof head - 1, *open = strchr(t, '('), *close = open ? strchr(open, ')') : NULL;
    if (!open || !close || !strstr(close, "VALUES")) return -1;
    int n_cols = 1;
    for (const char *p = open; p < close; p++) n_cols += *p == ',';
    for (const char *p = t; p < close; p++)
        if (!(*p == '_' || *p == ',' || *p == ' ' || *p == '(' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return -1; /* identifiers only: nothing to quote */
    size_t n = (size_t)(close - t) + 1;
    char *c = malloc(n + 32);
    if (!c) return -1;
    snprintf(c, n + 32, "COPY %.*s FROM STDIN", (int)n, t);
    *copy_sql = c;
    return n_cols;
}

int db_bulk_begin(Db *db, const char *insert_sql, DbBulk **out) {
    char *copy_sql = NULL;
    int n_cols = bulk_parse(insert_sql, &copy_sql);
    if (n_cols < 1) {
        db_set_error(db, "db_bulk_begin: not an INSERT INTO t (cols) VALUES (…) statement");
        return DB_ERR;
    }
    DbBulk *b = calloc(1, sizeof *b);
    if (!b) abort();
    *b = (DbBulk){.db = db, .insert_sql = insert_sql, .n_cols = n_cols};
    if (db->ops->copy_begin) {
        int rc;
        TIMED(db, rc = db->ops->copy_begin(db, copy_sql));
        if (rc != DB_OK) {
            free(copy_sql);
            free(b);
            return rc;
        }
    }
    free(copy_sql);
    *out = b;
    return DB_OK;
}

static void copy_put(DbBulk *b, const char *s, size_t n) {
    if (b->copy_len + n + 1 > b->copy_cap) {
        size_t cap = b->copy_cap ? b->copy_cap : 65536;
        while (b->copy_len + n + 1 > cap) cap *= 2;
        char *p = realloc(b->copy, cap);
        if (!p) abort();
        b->copy = p;
        b->copy_cap = cap;
    }
    memcpy(b->copy + b->copy_len, s, n);
    b->copy_len += n;
}

/* Starts a value: the SQLite statement on the row's first value, the column
 * separator for COPY. */
static bool bulk_value(DbBulk *b) {
    if (b->rc != DB_OK) return false;
    if (b->col >= b->n_cols) {
        db_set_error(b->db, "db_bulk: more values than the %d columns", b->n_cols);
        b->rc = DB_ERR;
        return false;
    }
    if (b->db->ops->copy_begin) {
        if (b->col > 0) copy_put(b, "\t", 1);
    } else if (!b->st && (b->rc = db_prepare(b->db, b->insert_sql, &b->st)) != DB_OK) {
        return false;
    }
    return true;
}

void db_bulk_int(DbBulk *b, int64_t v) {
    if (!bulk_value(b)) return;
    if (b->st) {
        db_bind_int(b->st, b->col + 1, v);
    } else {
        char tmp[24];
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
        copy_put(b, tmp, (size_t)n);
    }
    b->col++;
}

void db_bulk_text(DbBulk *b, const char *s) {
    if (!bulk_value(b)) return;
    if (b->st) {
        db_bind_text(b->st, b->col + 1, s);
    } else if (!s) {
        copy_put(b, "\\N", 2);
    } else {
        /* COPY text format: backslash, tab, newline and CR are escaped */
        for (const char *p = s, *run = s;; p++) {
            char c = *p;
            if (c && c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
            copy_put(b, run, (size_t)(p - run));
            if (!c) break;
            char esc[2] = {'\\', c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\'};
            copy_put(b, esc, 2);
            run = p + 1;
        }
    }
    b->col++;
}

int db_bulk_row(DbBulk *b) {
    if (b->rc == DB_OK && b->col != b->n_cols) {
        db_set_error(b->db, "db_bulk_row: %d values for %d columns", b->col, b->n_cols);
        b->rc = DB_ERR;
    }
    if (b->rc != DB_OK) return b->rc;
    b->col = 0;
    if (b->st) {
        int rc = db_step(b->st);
        db_finalize(b->st);
        b->st = NULL;
        if (rc != DB_DONE) b->rc = rc < 0 ? rc : DB_ERR;
        return b->rc;
    }
    copy_put(b, "\n", 1);
    if (b->copy_len >= BULK_FLUSH_BYTES) {
        TIMED(b->db, b->rc = b->db->ops->copy_data(b->db, b->copy, b->copy_len));
        b->copy_len = 0;
    }
    return b->rc;
}

int db_bulk_end(DbBulk *b) {
    int rc = b->rc;
    if (rc == DB_OK && b->col != 0) {
        db_set_error(b->db, "db_bulk_end: an unfinished row");
        rc = DB_ERR;
    }
    if (b->st) db_finalize(b->st);
    if (b->db->ops->copy_begin) {
        if (rc == DB_OK && b->copy_len) TIMED(b->db, rc = b->db->ops->copy_data(b->db, b->copy, b->copy_len));
        int end_rc;
        TIMED(b->db, end_rc = b->db->ops->copy_end(b->db, rc != DB_OK));
        if (rc == DB_OK) rc = end_rc;
    }
    free(b->copy);
    free(b);
    return rc;
}
