/* db_sqlite.c — SQLite backend: WAL, synchronous=FULL (a 2xx survives power
 * loss), foreign keys, busy_timeout, prepared statements cached per connection
 * (keyed by the SQL literal's address, checked against its text), and group
 * commit (DESIGN.md §4): each database file has one process-wide writer
 * connection, opened on the first write. db_begin_write waits for its turn on
 * it (first come, first served), opens the batch (BEGIN IMMEDIATE) unless one
 * is open and takes a SAVEPOINT; until the transaction ends the Db's statements
 * run there, so they see their own writes. db_commit RELEASEs, then hands the
 * writer to the next in line and sleeps until the batch is committed, or —
 * nobody in line, or the batch is full — COMMITs (the one fsync) and wakes the
 * batch with the outcome: nothing is reported committed that is not durable.
 * db_rollback undoes its own savepoint only. A database without a file
 * (:memory:) or opened read-only cannot share a connection: its Dbs write on
 * their own, behind one process mutex and BEGIN IMMEDIATE.
 * Nothing here knows about HTTP or any module. */
#include <assert.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/timeutil.h"
#include "db_internal.h"

enum { STMT_CACHE = 96 };

/* Batch limits: a batch that carries this many transactions, or is this old
 * (from its BEGIN), is committed even when others wait in line — bounds the
 * latency a long line adds to the first transactions of a batch. Only
 * db_sqlite_set_group_commit_limits (tests) changes them. */
static int gc_max_txs = 64;
static int64_t gc_max_ns = 5 * 1000 * 1000LL;

void db_sqlite_set_group_commit_limits(int max_txs, int64_t max_ns) {
    gc_max_txs = max_txs;
    gc_max_ns = max_ns;
}

typedef struct SqStmt {
    DbStmt base; /* base.db: the Db that prepared it; its errors and time go there */
    sqlite3_stmt *st;
    const char *sql; /* cache key: the literal's address */
    bool in_use;
    bool cached;     /* lives in a cache; else freed on finalize */
    bool holds_turn; /* an autocommit write on the Db's own connection, holding the writer's turn */
} SqStmt;

typedef struct SqWriter SqWriter;

typedef struct SqDb {
    Db base;
    sqlite3 *conn;          /* own connection: every statement outside a write transaction */
    char *path;             /* as given to db_open (the writer is opened with it) */
    char *file;             /* absolute file name, key of the shared writer; NULL: never shared */
    SqWriter *writer;       /* the file's writer, once this Db has written (holds a reference) */
    bool query_only;        /* PRAGMA query_only is on: a write transaction is a read transaction */
    bool in_writer;         /* in a write transaction: owns the writer's turn, inside its savepoint */
    bool holds_writer_lock; /* unshared database: holds the process mutex (write transaction) */
    int n_writer_stmts;     /* statements this Db has open on the writer connection */
    SqStmt cache[STMT_CACHE];
} SqDb;

/* A committed transaction waiting for its batch's COMMIT (on its thread's stack). */
typedef struct SqWaiter {
    struct SqWaiter *next;
    SqDb *db; /* gets the error message when the batch fails */
    int rc;   /* DB_OK when durable, else why not */
    bool done;
} SqWaiter;

enum { CTL_BEGIN, CTL_SAVEPOINT, CTL_RELEASE, CTL_ROLLBACK_TO, CTL_COMMIT, CTL_ROLLBACK, N_CTL };
static const char *const ctl_sql[N_CTL] = {
    "BEGIN IMMEDIATE", "SAVEPOINT opsdesk_tx", "RELEASE opsdesk_tx", "ROLLBACK TO opsdesk_tx", "COMMIT", "ROLLBACK",
};

/* A thread in line for the writer (on its stack). */
typedef struct SqTurn {
    struct SqTurn *next;
    SqDb *db;
    pthread_t thread;
    pthread_cond_t cv; /* signalled when the turn is handed to it */
    bool granted;
} SqTurn;

/* One per database file. Invariants: `owner` is the one Db whose thread may use
 * conn, cache, ctl and the batch_* fields; the turn passes straight to the head
 * of the line, so the writer has no owner only when nobody is in line; an open
 * batch always has an owner (the last one hands it over or ends it); every
 * waiter belongs to the open batch. */
struct SqWriter {
    SqWriter *next; /* registry list (writers_lock) */
    int refs;       /* Dbs attached (writers_lock) */
    char *file;     /* key: absolute file name */
    sqlite3 *conn;
    sqlite3_stmt *ctl[N_CTL]; /* transaction control, prepared once */
    SqStmt cache[STMT_CACHE];
    bool batch_open; /* BEGIN IMMEDIATE done, COMMIT not yet */
    int batch_txs;   /* transactions released into the open batch */
    int64_t batch_start_ns;
    pthread_mutex_t mu;       /* guards everything below */
    pthread_cond_t done_cv;   /* a batch ended */
    SqTurn *line, *line_tail; /* threads waiting for the writer, first come first served */
    SqDb *owner;
    pthread_t owner_thread;
    SqWaiter *waiters; /* transactions of the open batch waiting for its COMMIT */
};

static pthread_mutex_t unshared_lock = PTHREAD_MUTEX_INITIALIZER; /* writers of unshared databases */
static pthread_mutex_t writers_lock = PTHREAD_MUTEX_INITIALIZER;
static SqWriter *writers;
static atomic_llong n_batch_commits, n_batched_txs;

void db_sqlite_group_commit_stats(int64_t *commits, int64_t *transactions) {
    *commits = atomic_load(&n_batch_commits);
    *transactions = atomic_load(&n_batched_txs);
}

int db_sqlite_writers_in_line(Db *db) {
    SqDb *d = (SqDb *)db;
    if (db->kind != DB_SQLITE || !d->writer) return 0;
    int n = 0;
    pthread_mutex_lock(&d->writer->mu);
    for (SqTurn *t = d->writer->line; t; t = t->next) n++;
    pthread_mutex_unlock(&d->writer->mu);
    return n;
}

static int map_rc(SqDb *d, sqlite3 *conn, int rc) {
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE || rc == SQLITE_OK) return DB_DONE;
    db_set_error(&d->base, "sqlite: %s", sqlite3_errmsg(conn));
    int prim = rc & 0xff;
    if (prim == SQLITE_CONSTRAINT) return DB_CONSTRAINT;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) return DB_BUSY;
    return DB_ERR;
}

static int exec_on(SqDb *d, sqlite3 *conn, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db_set_error(&d->base, "sqlite: %s", msg ? msg : sqlite3_errmsg(conn));
        sqlite3_free(msg);
        int prim = rc & 0xff;
        return prim == SQLITE_CONSTRAINT ? DB_CONSTRAINT : prim == SQLITE_BUSY ? DB_BUSY : DB_ERR;
    }
    return DB_OK;
}

static const char *const setup_file_sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";

static void cache_clear(SqStmt *cache) {
    for (int i = 0; i < STMT_CACHE; i++)
        if (cache[i].st) sqlite3_finalize(cache[i].st);
}

/* ---------- the shared writer: registry, turns, batches ---------- */

static void writer_free(SqWriter *w) {
    cache_clear(w->cache);
    for (int i = 0; i < N_CTL; i++) sqlite3_finalize(w->ctl[i]);
    if (w->conn) {
        sqlite3_close_v2(w->conn);
        db_count_open(-1);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->done_cv);
    free(w->file);
    free(w);
}

static int writer_open(SqDb *d, SqWriter **out) {
    SqWriter *w = calloc(1, sizeof *w);
    if (!w || !(w->file = strdup(d->file))) abort();
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->done_cv, NULL);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(d->path, &w->conn, flags, NULL) != SQLITE_OK) {
        db_set_error(&d->base, "sqlite: cannot open the writer connection: %s",
                     w->conn ? sqlite3_errmsg(w->conn) : "out of memory");
        sqlite3_close_v2(w->conn);
        w->conn = NULL;
        writer_free(w);
        return DB_ERR;
    }
    db_count_open(1);
    sqlite3_busy_timeout(w->conn, 10000);
    sqlite3_extended_result_codes(w->conn, 1);
    /* Opened by the same name as d; it must be the same file (a relative
     * path read after a chdir would not be). */
    const char *file = sqlite3_db_filename(w->conn, "main");
    int rc = DB_ERR;
    if (!file || strcmp(file, d->file) != 0)
        db_set_error(&d->base, "sqlite: the writer connection opened another file than %s", d->file);
    else rc = exec_on(d, w->conn, setup_file_sql);
    for (int i = 0; i < N_CTL && rc == DB_OK; i++) {
        int src = sqlite3_prepare_v3(w->conn, ctl_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->ctl[i], NULL);
        if (src != SQLITE_OK) rc = map_rc(d, w->conn, src);
    }
    if (rc != DB_OK) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return DB_OK;
}

/* Gives d a reference to the writer of its file, opening it on first use. */
static int writer_attach(SqDb *d) {
    if (d->writer) return DB_OK;
    int rc = DB_OK;
    pthread_mutex_lock(&writers_lock);
    SqWriter *w = writers;
    while (w && strcmp(w->file, d->file) != 0) w = w->next;
    if (!w && (rc = writer_open(d, &w)) == DB_OK) {
        w->next = writers;
        writers = w;
    }
    if (rc == DB_OK) {
        w->refs++;
        d->writer = w;
    }
    pthread_mutex_unlock(&writers_lock);
    return rc;
}

static void writer_detach(SqWriter *w) {
    pthread_mutex_lock(&writers_lock);
    if (--w->refs == 0) {
        assert(!w->owner && !w->batch_open && !w->waiters);
        SqWriter **p = &writers;
        while (*p != w) p = &(*p)->next;
        *p = w->next;
        writer_free(w);
    }
    pthread_mutex_unlock(&writers_lock);
}

/* Waits for d's turn on the writer (first come, first served). A thread that
 * already owns it through another handle would wait for itself: DB_BUSY. */
static int writer_take_turn(SqWriter *w, SqDb *d) {
    pthread_mutex_lock(&w->mu);
    if (w->owner && pthread_equal(w->owner_thread, pthread_self())) {
        pthread_mutex_unlock(&w->mu);
        db_set_error(&d->base, "sqlite: this thread is already writing to this database");
        return DB_BUSY;
    }
    if (!w->owner) {
        w->owner = d;
        w->owner_thread = pthread_self();
    } else {
        SqTurn me = {.db = d, .thread = pthread_self(), .cv = PTHREAD_COND_INITIALIZER};
        if (w->line_tail) w->line_tail->next = &me;
        else w->line = &me;
        w->line_tail = &me;
        while (!me.granted) pthread_cond_wait(&me.cv, &w->mu);
        pthread_cond_destroy(&me.cv);
        assert(w->owner == d);
    }
    pthread_mutex_unlock(&w->mu);
    return DB_OK;
}

/* mu held, caller owns the turn: hands it to the first in line (one wakeup,
 * no stampede), or leaves the writer free. */
static void writer_pass_turn(SqWriter *w) {
    SqTurn *next = w->line;
    w->owner = next ? next->db : NULL;
    if (!next) return;
    w->owner_thread = next->thread;
    if (!(w->line = next->next)) w->line_tail = NULL;
    next->granted = true;
    pthread_cond_signal(&next->cv);
}

static int ctl(SqWriter *w, int which) {
    int rc = sqlite3_step(w->ctl[which]);
    sqlite3_reset(w->ctl[which]);
    return rc;
}

/* Owner only, mu not held. Ends the open batch: COMMIT (the fsync) when it
 * carries transactions, else ROLLBACK (nothing to write; frees SQLite's write
 * lock for other processes). Every waiter of the batch learns the outcome; the
 * owner's own outcome is returned, its message set on d. */
static int writer_end_batch(SqWriter *w, SqDb *d) {
    int rc = DB_OK;
    if (sqlite3_get_autocommit(w->conn)) {
        /* An error (I/O, disk full, out of memory) made SQLite roll the whole
         * batch back: none of its transactions happened. */
        if (w->batch_txs > 0) {
            db_set_error(&d->base, "sqlite: the group commit batch was rolled back by an earlier error");
            rc = DB_ERR;
        }
    } else if (w->batch_txs == 0) {
        ctl(w, CTL_ROLLBACK);
    } else {
        int src = ctl(w, CTL_COMMIT);
        if (src == SQLITE_DONE) {
            atomic_fetch_add(&n_batch_commits, 1);
            atomic_fetch_add(&n_batched_txs, w->batch_txs);
        } else {
            rc = map_rc(d, w->conn, src);
            if (!sqlite3_get_autocommit(w->conn)) ctl(w, CTL_ROLLBACK);
        }
    }
    pthread_mutex_lock(&w->mu);
    for (SqWaiter *x = w->waiters; x; x = x->next) {
        x->rc = rc;
        if (rc != DB_OK && x->db != d) memcpy(x->db->base.errmsg, d->base.errmsg, sizeof d->base.errmsg);
        x->done = true;
    }
    w->waiters = NULL;
    w->batch_open = false;
    w->batch_txs = 0;
    pthread_cond_broadcast(&w->done_cv);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* The owner's transaction is over (released into the batch, or rolled back):
 * hand the open batch to the next in line, or end it. With wait_durable (a
 * commit), returns only when the batch is durably committed, with its outcome. */
static int writer_end_turn(SqWriter *w, SqDb *d, bool wait_durable) {
    assert(d->n_writer_stmts == 0); /* a statement kept past its transaction would run on another thread's turn */
    pthread_mutex_lock(&w->mu);
    /* Hand over only a live batch (not one SQLite rolled back) that is not full. */
    bool alive = w->batch_open && !sqlite3_get_autocommit(w->conn);
    bool young = w->batch_txs < gc_max_txs && time_mono_ns() - w->batch_start_ns < gc_max_ns;
    if (alive && young && w->line) {
        SqWaiter me = {.db = d, .rc = DB_ERR};
        if (wait_durable) {
            me.next = w->waiters;
            w->waiters = &me;
        }
        writer_pass_turn(w);
        while (wait_durable && !me.done) pthread_cond_wait(&w->done_cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
        return wait_durable ? me.rc : DB_OK;
    }
    pthread_mutex_unlock(&w->mu);
    int rc = w->batch_open ? writer_end_batch(w, d) : DB_OK;
    pthread_mutex_lock(&w->mu);
    writer_pass_turn(w);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* An autocommit write on the Db's own connection (a statement outside any
 * transaction, e.g. a once-a-minute last_seen_at update): it needs SQLite's
 * write lock, which the open batch holds, so take the turn and end the batch. */
static int own_write_begin(SqDb *d) {
    int rc = writer_attach(d);
    if (rc != DB_OK) return rc;
    SqWriter *w = d->writer;
    if ((rc = writer_take_turn(w, d)) != DB_OK) return rc;
    if (w->batch_open) {
        char saved[sizeof d->base.errmsg];
        memcpy(saved, d->base.errmsg, sizeof saved); /* the batch's outcome is its waiters', not ours */
        writer_end_batch(w, d);
        memcpy(d->base.errmsg, saved, sizeof saved);
    }
    return DB_OK;
}

static void own_write_end(SqDb *d) {
    pthread_mutex_lock(&d->writer->mu);
    writer_pass_turn(d->writer);
    pthread_mutex_unlock(&d->writer->mu);
}

/* Inside a write transaction, after SQLite rolled the batch back on its own:
 * refuse to run anything (it would autocommit outside the batch). */
static bool batch_lost(SqDb *d) {
    if (!sqlite3_get_autocommit(d->writer->conn)) return false;
    db_set_error(&d->base, "sqlite: the group commit batch was rolled back by an earlier error");
    return true;
}

/* ---------- connections and statements ---------- */

static void sq_rollback(Db *db);

static void sq_close(Db *db) {
    SqDb *d = (SqDb *)db;
    if (d->in_writer || d->holds_writer_lock) sq_rollback(db);
    for (int i = 0; i < STMT_CACHE; i++)
        if (d->cache[i].holds_turn) own_write_end(d);
    cache_clear(d->cache);
    sqlite3_close_v2(d->conn);
    db_count_open(-1);
    if (d->writer) writer_detach(d->writer);
    free(d->path);
    free(d->file);
    free(d);
}

static int sq_exec(Db *db, const char *sql) {
    SqDb *d = (SqDb *)db;
    if (d->in_writer) return batch_lost(d) ? DB_ERR : exec_on(d, d->writer->conn, sql);
    int rc = exec_on(d, d->conn, sql);
    if (rc == DB_OK && strncmp(sql, "PRAGMA query_only", 17) == 0) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->conn, "PRAGMA query_only", -1, &st, NULL) == SQLITE_OK) {
            d->query_only = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
            sqlite3_finalize(st);
        }
    }
    return rc;
}

static int sq_prepare(Db *db, const char *sql, DbStmt **out) {
    SqDb *d = (SqDb *)db;
    SqStmt *cache = d->in_writer ? d->writer->cache : d->cache;
    sqlite3 *conn = d->in_writer ? d->writer->conn : d->conn;
    uintptr_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
    SqStmt *s = NULL;
    for (int probe = 0; probe < 4 && !s; probe++) {
        SqStmt *c = &cache[(h + (uintptr_t)probe) % STMT_CACHE];
        if (c->sql == sql && c->st && !c->in_use && strcmp(sqlite3_sql(c->st), sql) == 0) s = c;
    }
    if (!s) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) return map_rc(d, conn, rc);
        for (int probe = 0; probe < 4 && !s; probe++) {
            SqStmt *c = &cache[(h + (uintptr_t)probe) % STMT_CACHE];
            if (!c->in_use && (!c->st || probe == 3)) {
                if (c->st) sqlite3_finalize(c->st);
                *c = (SqStmt){.st = st, .sql = sql, .cached = true};
                s = c;
            }
        }
        if (!s) {
            if (!(s = calloc(1, sizeof *s))) abort();
            *s = (SqStmt){.st = st, .sql = sql, .cached = false};
        }
    }
    s->base.db = db;
    s->in_use = true;
    if (d->in_writer) d->n_writer_stmts++;
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
    SqDb *d = (SqDb *)st->db;
    sqlite3 *conn = sqlite3_db_handle(s->st);
    if (d->in_writer) {
        if (conn != d->writer->conn && !sqlite3_stmt_readonly(s->st)) {
            db_set_error(&d->base, "sqlite: a write statement prepared before db_begin_write");
            return DB_ERR;
        }
        if (conn == d->writer->conn && batch_lost(d)) return DB_ERR;
    } else if (d->writer && conn == d->writer->conn) { /* kept past its transaction: the writer is not ours */
        db_set_error(&d->base, "sqlite: a statement used after its write transaction ended");
        return DB_ERR;
    } else if (d->file && !d->query_only && !s->holds_turn && !sqlite3_stmt_busy(s->st) &&
               !sqlite3_stmt_readonly(s->st) && sqlite3_get_autocommit(conn)) {
        int rc = own_write_begin(d);
        if (rc != DB_OK) return rc;
        s->holds_turn = true;
    }
    int rc = map_rc(d, conn, sqlite3_step(s->st));
    /* The autocommit transaction ends when the statement does (DONE or error);
     * a RETURNING row keeps it open until finalize. */
    if (s->holds_turn && rc != DB_ROW) {
        s->holds_turn = false;
        own_write_end(d);
    }
    return rc;
}
static int sq_column_count(DbStmt *st) { return sqlite3_column_count(((SqStmt *)st)->st); }
static bool sq_col_null(DbStmt *st, int col) { return sqlite3_column_type(((SqStmt *)st)->st, col) == SQLITE_NULL; }
static int64_t sq_col_int(DbStmt *st, int col) { return sqlite3_column_int64(((SqStmt *)st)->st, col); }
static double sq_col_double(DbStmt *st, int col) { return sqlite3_column_double(((SqStmt *)st)->st, col); }
/* One column lookup for type and value. The value is "unprotected", which
 * the value interfaces accept on a connection in the multi-thread mode
 * (SQLITE_OPEN_NOMUTEX, as both of ours are): no mutex guards it anyway. */
static bool sq_col_double_opt(DbStmt *st, int col, double *out) {
    sqlite3_value *v = sqlite3_column_value(((SqStmt *)st)->st, col);
    bool has = sqlite3_value_type(v) != SQLITE_NULL;
    *out = has ? sqlite3_value_double(v) : 0.0;
    return has;
}
static const char *sq_col_text(DbStmt *st, int col) {
    return (const char *)sqlite3_column_text(((SqStmt *)st)->st, col);
}

static void sq_finalize(DbStmt *st) {
    SqStmt *s = (SqStmt *)st;
    SqDb *d = (SqDb *)st->db;
    if (sqlite3_db_handle(s->st) != d->conn) d->n_writer_stmts--;
    sqlite3_reset(s->st);
    if (s->holds_turn) {
        s->holds_turn = false;
        own_write_end(d);
    }
    if (!s->cached) {
        sqlite3_finalize(s->st);
        free(s);
        return;
    }
    sqlite3_clear_bindings(s->st);
    s->in_use = false;
}

/* ---------- transactions ---------- */

static int sq_begin_write(Db *db) {
    SqDb *d = (SqDb *)db;
    if (d->in_writer || d->holds_writer_lock) {
        db_set_error(db, "sqlite: db_begin_write inside a write transaction");
        return DB_ERR;
    }
    if (!d->file) { /* unshared: one process mutex, then BEGIN IMMEDIATE on our connection */
        pthread_mutex_lock(&unshared_lock);
        d->holds_writer_lock = true;
        int rc = exec_on(d, d->conn, "BEGIN IMMEDIATE");
        if (rc != DB_OK) {
            d->holds_writer_lock = false;
            pthread_mutex_unlock(&unshared_lock);
        }
        return rc;
    }
    /* A read-only handle cannot write; taking SQLite's write lock would only
     * stall the batch. Its write transaction is a read transaction. */
    if (d->query_only) return exec_on(d, d->conn, "BEGIN");
    int rc = writer_attach(d);
    if (rc != DB_OK) return rc;
    SqWriter *w = d->writer;
    if ((rc = writer_take_turn(w, d)) != DB_OK) return rc;
    if (!w->batch_open) {
        int src = ctl(w, CTL_BEGIN);
        if (src != SQLITE_DONE) {
            rc = map_rc(d, w->conn, src);
            own_write_end(d);
            return rc;
        }
        w->batch_open = true;
        w->batch_txs = 0;
        w->batch_start_ns = time_mono_ns();
    }
    int src = ctl(w, CTL_SAVEPOINT);
    if (src != SQLITE_DONE) {
        rc = map_rc(d, w->conn, src);
        writer_end_turn(w, d, false);
        return rc;
    }
    d->in_writer = true;
    return DB_OK;
}

static int sq_begin_read(Db *db) { return exec_on((SqDb *)db, ((SqDb *)db)->conn, "BEGIN"); }

static void release_writer_lock(SqDb *d) {
    if (d->holds_writer_lock) {
        d->holds_writer_lock = false;
        pthread_mutex_unlock(&unshared_lock);
    }
}

/* Undoes this transaction's savepoint only; the batch goes on. */
static void rollback_savepoint(SqDb *d) {
    SqWriter *w = d->writer;
    if (!sqlite3_get_autocommit(w->conn)) {
        ctl(w, CTL_ROLLBACK_TO);
        ctl(w, CTL_RELEASE);
    }
    d->in_writer = false;
}

static int sq_commit(Db *db) {
    SqDb *d = (SqDb *)db;
    if (!d->in_writer) { /* read transaction, read-only handle, or unshared database */
        int rc = exec_on(d, d->conn, "COMMIT");
        if (rc != DB_OK) exec_on(d, d->conn, "ROLLBACK");
        release_writer_lock(d);
        return rc;
    }
    SqWriter *w = d->writer;
    if (batch_lost(d)) {
        d->in_writer = false;
        writer_end_turn(w, d, false);
        return DB_ERR;
    }
    /* Deferred foreign keys are checked at COMMIT, which would fail the whole
     * batch: check this transaction's here (every earlier one left none). */
    int deferred = 0, hi = 0;
    sqlite3_db_status(w->conn, SQLITE_DBSTATUS_DEFERRED_FKS, &deferred, &hi, 0);
    if (deferred > 0) {
        db_set_error(db, "sqlite: FOREIGN KEY constraint failed");
        rollback_savepoint(d);
        writer_end_turn(w, d, false);
        return DB_CONSTRAINT;
    }
    int src = ctl(w, CTL_RELEASE);
    if (src != SQLITE_DONE) {
        int rc = map_rc(d, w->conn, src);
        rollback_savepoint(d);
        writer_end_turn(w, d, false);
        return rc < 0 ? rc : DB_ERR;
    }
    d->in_writer = false;
    w->batch_txs++;
    return writer_end_turn(w, d, true);
}

static void sq_rollback(Db *db) {
    SqDb *d = (SqDb *)db;
    if (!d->in_writer) {
        exec_on(d, d->conn, "ROLLBACK");
        release_writer_lock(d);
        return;
    }
    rollback_savepoint(d);
    writer_end_turn(d->writer, d, false);
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
    sq_close,       sq_exec,           sq_prepare,  sq_bind_int, sq_bind_double, sq_bind_text, sq_bind_null,
    sq_step,        sq_column_count,   sq_col_null, sq_col_int,  sq_col_double,  sq_col_text,  sq_finalize,
    sq_begin_write, sq_begin_read,     sq_commit,   sq_rollback, sq_backup,      NULL,         NULL,
    NULL,           sq_col_double_opt,
};

int db_sqlite_open(const char *path, Db **out, char *err, size_t err_len) {
    SqDb *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) abort();
    d->base.ops = &sqlite_ops;
    d->base.kind = DB_SQLITE;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path, &d->conn, flags, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "cannot open SQLite database %s: %s", path,
                 d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
        sqlite3_close_v2(d->conn);
        free(d->path);
        free(d);
        return DB_ERR;
    }
    db_count_open(1);
    sqlite3_busy_timeout(d->conn, 10000);
    sqlite3_extended_result_codes(d->conn, 1);
    /* Only a database in a file, opened read-write, can be shared by a writer
     * connection (":memory:" and "" are private to their connection). */
    const char *file = sqlite3_db_filename(d->conn, "main");
    if (file && *file && sqlite3_db_readonly(d->conn, "main") == 0 && !(d->file = strdup(file))) abort();
    const char *setup = strcmp(path, ":memory:") == 0 ? "PRAGMA foreign_keys=ON;" : setup_file_sql;
    if (exec_on(d, d->conn, setup) != DB_OK) {
        snprintf(err, err_len, "cannot set up SQLite database %s: %s", path, d->base.errmsg);
        sq_close(&d->base);
        return DB_ERR;
    }
    *out = &d->base;
    return DB_OK;
}
