/* test_group_commit.c — SQLite group commit (db_sqlite.c) on temporary database
 * files, each thread with its own Db as in the server: every db_commit that
 * returned DB_OK is durable and present when counted from a fresh connection,
 * rollbacks leave nothing, one transaction's constraint failure or deferred
 * foreign-key failure loses nobody else's rows, a batch that SQLite rolled back
 * fails every transaction in it, reads inside a transaction see its own
 * writes, commits batch (fewer physical COMMITs than transactions), and
 * migrations, backup, autocommit writes and several files in one process keep
 * working. A deadlock ends the run through alarm(). */
#include "unit.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "db_internal.h"

typedef struct TempDb {
    char path[64];
    char url[80];
} TempDb;

static void remove_files(const char *path) {
    char side[96];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static Db *open_url(const char *url) {
    Db *db = NULL;
    char err[256] = "";
    if (db_open(url, &db, err, sizeof err) != DB_OK) fail_msg("db_open %s: %s", url, err);
    return db;
}

static void exec_ok(Db *db, const char *sql) {
    if (db_exec(db, sql) != DB_OK) fail_msg("%s: %s", sql, db_errmsg(db));
}

/* A temporary database file with the items table (and a trigger that makes
 * SQLite roll back the whole transaction when code = 'boom'). */
static int setup(void **state) {
    TempDb *t = calloc(1, sizeof *t);
    snprintf(t->path, sizeof t->path, "/tmp/opsdesk-unit-gc-XXXXXX");
    int fd = mkstemp(t->path);
    if (fd < 0) return -1;
    close(fd);
    snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
    Db *db = open_url(t->url);
    exec_ok(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n BIGINT);"
                "CREATE TRIGGER items_boom BEFORE INSERT ON items WHEN NEW.code = 'boom'"
                " BEGIN SELECT RAISE(ROLLBACK, 'boom'); END;"
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                " parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    db_close(db);
    *state = t;
    return 0;
}

static int teardown(void **state) {
    TempDb *t = *state;
    remove_files(t->path);
    free(t);
    return 0;
}

/* Counts from a connection that shares nothing with the code under test. */
static int64_t fresh_count(const char *path, const char *sql) {
    sqlite3 *conn;
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_open_v2(path, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail_msg("open %s", path);
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(conn));
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return n;
}

static int64_t fresh_count_code(const char *path, const char *code) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM items WHERE code = '%s'", code); /* test-made codes only */
    return fresh_count(path, sql);
}

static int insert_item(Db *db, const char *code, int64_t n) {
    DbStmt *st;
    int rc = db_prepare(db, "INSERT INTO items (code, n) VALUES (?1, ?2)", &st);
    if (rc != DB_OK) return rc;
    db_bind_text(st, 1, code);
    db_bind_int(st, 2, n);
    rc = db_step(st);
    db_finalize(st);
    return rc;
}

static int64_t count_code(Db *db, const char *code) {
    DbStmt *st;
    int64_t n = -1;
    if (db_prepare(db, "SELECT COUNT(*) FROM items WHERE code = ?1", &st) != DB_OK) fail_msg("%s", db_errmsg(db));
    db_bind_text(st, 1, code);
    if (db_step(st) == DB_ROW) n = db_col_int(st, 0);
    db_finalize(st);
    return n;
}

/* Waits until n threads are in line for the writer behind db's transaction. */
static void wait_in_line(Db *db, int n) {
    for (int i = 0; i < 20000 && db_sqlite_writers_in_line(db) < n; i++) usleep(500);
    assert_int_equal(db_sqlite_writers_in_line(db), n);
}

/* ---------- many threads ---------- */

enum { N_THREADS = 8, N_TXS = 150 };

typedef struct Worker {
    pthread_t tid;
    const char *url;
    int index;
    int n_ok; /* db_commit returned DB_OK */
    int n_rolled_back;
    int n_failed;   /* anything unexpected */
    bool ok[N_TXS]; /* which transactions committed */
    bool dup_tried; /* each transaction also inserts a code another thread owns */
} Worker;

static pthread_barrier_t start_line;

static void *worker_run(void *arg) {
    Worker *w = arg;
    Db *db = open_url(w->url);
    pthread_barrier_wait(&start_line);
    char code[32], own[32];
    for (int i = 0; i < N_TXS; i++) {
        snprintf(code, sizeof code, "w%d-%d", w->index, i);
        if (db_begin_write(db) != DB_OK) {
            w->n_failed++;
            continue;
        }
        if (insert_item(db, code, i) != DB_DONE || count_code(db, code) != 1) {
            w->n_failed++;
            db_rollback(db);
            continue;
        }
        if (w->dup_tried) {
            /* "w0-0" is thread 0's first row, committed or not yet: either
             * way a unique violation (or, before it exists, a success we undo
             * with the whole transaction) must not touch anyone else. */
            snprintf(own, sizeof own, "w0-%d", i / 2);
            int rc = insert_item(db, own, -1);
            if (rc == DB_DONE) {
                db_rollback(db);
                w->n_rolled_back++;
                continue;
            }
            if (rc != DB_CONSTRAINT) w->n_failed++;
        }
        if (i % 7 == 3) {
            db_rollback(db);
            w->n_rolled_back++;
            continue;
        }
        if (db_commit(db) == DB_OK) {
            w->ok[i] = true;
            w->n_ok++;
        } else {
            w->n_failed++;
        }
    }
    db_close(db);
    return NULL;
}

static void test_group_commit_every_ok_commit_is_durable_and_rollbacks_leave_nothing(void **state) {
    TempDb *t = *state;
    Worker workers[N_THREADS];
    memset(workers, 0, sizeof workers);
    int64_t commits0, txs0, commits1, txs1;
    db_sqlite_group_commit_stats(&commits0, &txs0);
    pthread_barrier_init(&start_line, NULL, N_THREADS);
    for (int i = 0; i < N_THREADS; i++) {
        workers[i].url = t->url;
        workers[i].index = i;
        workers[i].dup_tried = i % 2 == 1; /* half the threads hit unique violations */
        assert_int_equal(pthread_create(&workers[i].tid, NULL, worker_run, &workers[i]), 0);
    }
    int total_ok = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(workers[i].tid, NULL);
        assert_int_equal(workers[i].n_failed, 0);
        assert_int_equal(workers[i].n_ok + workers[i].n_rolled_back, N_TXS);
        total_ok += workers[i].n_ok;
    }
    pthread_barrier_destroy(&start_line);
    db_sqlite_group_commit_stats(&commits1, &txs1);

    /* Exactly the acknowledged rows, each one present, none of the others. */
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), total_ok);
    char code[32];
    for (int i = 0; i < N_THREADS; i++)
        for (int k = 0; k < N_TXS; k++) {
            snprintf(code, sizeof code, "w%d-%d", i, k);
            if (fresh_count_code(t->path, code) != (workers[i].ok[k] ? 1 : 0))
                fail_msg("%s: present %d, acknowledged %d", code, (int)fresh_count_code(t->path, code),
                         workers[i].ok[k]);
        }
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items WHERE n < 0"), 0);
    /* Several transactions per fsync. */
    assert_int_equal(txs1 - txs0, total_ok);
    assert_true(commits1 - commits0 > 0);
    assert_true(commits1 - commits0 < txs1 - txs0);
}

/* ---------- two transactions in one batch, ordered by hand ---------- */

typedef struct Second {
    pthread_t tid;
    const char *url;
    const char *first_code; /* inserted by the first transaction: a unique violation */
    const char *code;
    bool rollback; /* roll back instead of committing */
    bool orphan;   /* insert a child with no parent (deferred foreign key) */
    bool boom;     /* make SQLite roll back the whole batch */
    int rc_dup, rc_insert, rc_after, rc_commit;
} Second;

static void *second_run(void *arg) {
    Second *s = arg;
    Db *db = open_url(s->url);
    s->rc_commit = db_begin_write(db);
    if (s->rc_commit != DB_OK) {
        db_close(db);
        return NULL;
    }
    s->rc_dup = s->first_code ? insert_item(db, s->first_code, 0) : DB_DONE;
    if (s->orphan) s->rc_insert = db_exec(db, "INSERT INTO child (parent_id) VALUES (42)");
    else s->rc_insert = insert_item(db, s->boom ? "boom" : s->code, 2);
    /* After a lost batch nothing may run outside it (it would autocommit). */
    s->rc_after = s->boom ? insert_item(db, s->code, 3) : DB_DONE;
    if (s->rollback) {
        db_rollback(db);
        s->rc_commit = DB_OK;
    } else {
        s->rc_commit = db_commit(db);
    }
    db_close(db);
    return NULL;
}

enum { DEFAULT_MAX_TXS = 64 };
#define DEFAULT_MAX_NS (5 * 1000 * 1000LL)

/* The first transaction inserts `first`, waits until the second thread is in
 * line, and commits: that hands the open batch to the second thread. Returns
 * the first db_commit's result; the physical COMMITs it took in *commits. */
static int run_pair(TempDb *t, const char *first, Second *s, int64_t *commits) {
    int64_t c0, x0, c1, x1;
    /* No age limit: a slow machine must not make the batch commit early. */
    db_sqlite_set_group_commit_limits(DEFAULT_MAX_TXS, 600 * 1000000000LL);
    db_sqlite_group_commit_stats(&c0, &x0);
    Db *a = open_url(t->url);
    assert_int_equal(db_begin_write(a), DB_OK);
    assert_int_equal(insert_item(a, first, 1), DB_DONE);
    s->url = t->url;
    assert_int_equal(pthread_create(&s->tid, NULL, second_run, s), 0);
    wait_in_line(a, 1);
    int rc = db_commit(a);
    pthread_join(s->tid, NULL);
    db_close(a);
    db_sqlite_group_commit_stats(&c1, &x1);
    db_sqlite_set_group_commit_limits(DEFAULT_MAX_TXS, DEFAULT_MAX_NS);
    *commits = c1 - c0;
    return rc;
}

static void test_group_commit_batches_two_transactions_in_one_commit(void **state) {
    TempDb *t = *state;
    Second s = {.code = "b1"};
    int64_t commits;
    assert_int_equal(run_pair(t, "a1", &s, &commits), DB_OK);
    assert_int_equal(s.rc_commit, DB_OK);
    assert_int_equal(commits, 1);
    assert_int_equal(fresh_count_code(t->path, "a1"), 1);
    assert_int_equal(fresh_count_code(t->path, "b1"), 1);
}

static void test_group_commit_constraint_failure_keeps_the_batch(void **state) {
    TempDb *t = *state;
    Second s = {.first_code = "a1", .code = "b1"};
    int64_t commits;
    assert_int_equal(run_pair(t, "a1", &s, &commits), DB_OK);
    assert_int_equal(s.rc_dup, DB_CONSTRAINT); /* sees a1: same batch, not yet durable */
    assert_int_equal(s.rc_insert, DB_DONE);
    assert_int_equal(s.rc_commit, DB_OK);
    assert_int_equal(commits, 1);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), 2);
}

static void test_group_commit_rollback_undoes_only_its_own_transaction(void **state) {
    TempDb *t = *state;
    Second s = {.code = "b1", .rollback = true};
    int64_t commits;
    assert_int_equal(run_pair(t, "a1", &s, &commits), DB_OK);
    assert_int_equal(commits, 1); /* the rolling-back thread committed the batch for the first */
    assert_int_equal(fresh_count_code(t->path, "a1"), 1);
    assert_int_equal(fresh_count_code(t->path, "b1"), 0);
}

static void test_group_commit_deferred_foreign_key_fails_only_its_transaction(void **state) {
    TempDb *t = *state;
    Second s = {.orphan = true};
    int64_t commits;
    assert_int_equal(run_pair(t, "a1", &s, &commits), DB_OK);
    assert_int_equal(s.rc_insert, DB_OK);
    assert_int_equal(s.rc_commit, DB_CONSTRAINT);
    assert_int_equal(fresh_count_code(t->path, "a1"), 1);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM child"), 0);
}

static void test_group_commit_lost_batch_fails_every_transaction_in_it(void **state) {
    TempDb *t = *state;
    Second s = {.boom = true, .code = "b1"};
    int64_t commits;
    int rc_first = run_pair(t, "a1", &s, &commits);
    assert_true(s.rc_insert < 0); /* RAISE(ROLLBACK): SQLite rolled back the whole batch */
    assert_true(s.rc_after < 0);  /* refused, not autocommitted */
    assert_true(s.rc_commit < 0);
    assert_true(rc_first < 0); /* a1 was in the batch: never reported durable */
    assert_int_equal(commits, 0);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), 0);
    /* The writer is usable again. */
    Db *db = open_url(t->url);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(insert_item(db, "c1", 1), DB_DONE);
    assert_int_equal(db_commit(db), DB_OK);
    db_close(db);
    assert_int_equal(fresh_count_code(t->path, "c1"), 1);
}

/* ---------- one thread ---------- */

static void test_group_commit_reads_inside_a_transaction_see_its_own_writes(void **state) {
    TempDb *t = *state;
    Db *db = open_url(t->url), *other = open_url(t->url);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(insert_item(db, "mine", 1), DB_DONE);
    assert_int_equal(count_code(db, "mine"), 1);
    assert_int_equal(count_code(other, "mine"), 0); /* not committed: other connections do not see it */
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(count_code(other, "mine"), 1);
    assert_int_equal(count_code(db, "mine"), 1); /* and outside the transaction, on its own connection */
    db_close(other);
    db_close(db);
}

static void test_group_commit_rollback_leaves_nothing(void **state) {
    TempDb *t = *state;
    Db *db = open_url(t->url);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(insert_item(db, "gone", 1), DB_DONE);
    db_rollback(db);
    assert_false(db_in_tx(db));
    assert_int_equal(count_code(db, "gone"), 0);
    assert_int_equal(db_begin_write(db), DB_OK); /* the writer was released */
    assert_int_equal(insert_item(db, "kept", 1), DB_DONE);
    assert_int_equal(db_commit(db), DB_OK);
    db_close(db);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), 1);
}

static void test_group_commit_second_handle_on_the_same_thread_is_refused(void **state) {
    TempDb *t = *state;
    Db *a = open_url(t->url), *b = open_url(t->url);
    assert_int_equal(db_begin_write(a), DB_OK);
    assert_int_equal(db_begin_write(b), DB_BUSY); /* would wait for itself */
    assert_int_equal(db_begin_write(a), DB_ERR);  /* nested */
    assert_int_equal(db_commit(a), DB_OK);
    assert_int_equal(db_begin_write(b), DB_OK);
    db_rollback(b);
    db_close(a);
    db_close(b);
}

static void test_group_commit_close_inside_a_transaction_releases_the_writer(void **state) {
    TempDb *t = *state;
    Db *a = open_url(t->url), *b = open_url(t->url);
    assert_int_equal(db_begin_write(a), DB_OK);
    assert_int_equal(insert_item(a, "lost", 1), DB_DONE);
    db_close(a);
    assert_int_equal(db_begin_write(b), DB_OK);
    assert_int_equal(count_code(b, "lost"), 0);
    db_rollback(b);
    db_close(b);
}

/* ---------- writes outside transactions, read-only handles ---------- */

typedef struct AutoWriter {
    pthread_t tid;
    const char *url;
    int rc;
} AutoWriter;

static void *autocommit_run(void *arg) {
    AutoWriter *a = arg;
    Db *db = open_url(a->url);
    a->rc = insert_item(db, "auto", 1); /* no db_begin_write: an autocommit write */
    db_close(db);
    return NULL;
}

static void test_group_commit_autocommit_write_waits_its_turn(void **state) {
    TempDb *t = *state;
    Db *db = open_url(t->url);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(insert_item(db, "tx", 1), DB_DONE);
    AutoWriter a = {.url = t->url};
    assert_int_equal(pthread_create(&a.tid, NULL, autocommit_run, &a), 0);
    wait_in_line(db, 1); /* in line for the writer, not spinning on busy_timeout */
    assert_int_equal(db_commit(db), DB_OK);
    pthread_join(a.tid, NULL);
    assert_int_equal(a.rc, DB_DONE);
    db_close(db);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), 2);
}

static void test_group_commit_read_only_handle_still_refuses_writes(void **state) {
    TempDb *t = *state;
    Db *db = open_url(t->url);
    assert_int_equal(db_set_read_only(db), DB_OK);
    assert_true(insert_item(db, "ro", 1) < 0);
    if (db_begin_write(db) == DB_OK) {
        assert_true(insert_item(db, "ro", 1) < 0);
        db_rollback(db);
    }
    db_close(db);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items"), 0);
}

/* ---------- migrations, backup, several files ---------- */

static void test_group_commit_migrations_and_backup_work_on_a_file(void **state) {
    TempDb *t = *state;
    Db *db = open_url(t->url);
    int n = -1, again = -1;
    assert_int_equal(db_migrate(db, &n), DB_OK);
    assert_int_equal(n, db_migration_count());
    assert_int_equal(db_migrate(db, &again), DB_OK);
    assert_int_equal(again, 0);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(insert_item(db, "backed-up", 1), DB_DONE);
    assert_int_equal(db_commit(db), DB_OK);

    char copy[] = "/tmp/opsdesk-unit-gc-copy-XXXXXX";
    int fd = mkstemp(copy);
    assert_true(fd >= 0);
    close(fd);
    char err[256] = "";
    if (db_backup(db, copy, err, sizeof err) != DB_OK) fail_msg("backup: %s", err);
    db_close(db);
    assert_int_equal(fresh_count_code(copy, "backed-up"), 1);
    assert_int_equal(fresh_count(copy, "SELECT COUNT(*) FROM schema_migrations"), db_migration_count());
    remove_files(copy);
}

typedef struct FileWriter {
    pthread_t tid;
    const char *url;
    const char *prefix;
    int n_ok;
} FileWriter;

static void *file_writer_run(void *arg) {
    FileWriter *f = arg;
    Db *db = open_url(f->url);
    char code[32];
    for (int i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "%s-%d", f->prefix, i);
        if (db_begin_write(db) != DB_OK) continue;
        if (insert_item(db, code, i) == DB_DONE && db_commit(db) == DB_OK) f->n_ok++;
        else db_rollback(db);
    }
    db_close(db);
    return NULL;
}

static void test_group_commit_two_files_in_one_process_stay_apart(void **state) {
    TempDb *t = *state, *u = NULL;
    assert_int_equal(setup((void **)&u), 0);
    FileWriter f[4] = {
        {.url = t->url, .prefix = "t"},
        {.url = u->url, .prefix = "u"},
        {.url = t->url, .prefix = "t2"},
        {.url = u->url, .prefix = "u2"},
    };
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&f[i].tid, NULL, file_writer_run, &f[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(f[i].tid, NULL);
        assert_int_equal(f[i].n_ok, 40);
    }
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items WHERE code LIKE 't%'"), 80);
    assert_int_equal(fresh_count(t->path, "SELECT COUNT(*) FROM items WHERE code LIKE 'u%'"), 0);
    assert_int_equal(fresh_count(u->path, "SELECT COUNT(*) FROM items WHERE code LIKE 'u%'"), 80);
    assert_int_equal(fresh_count(u->path, "SELECT COUNT(*) FROM items WHERE code LIKE 't%'"), 0);
    teardown((void **)&u);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    alarm(120); /* a deadlock in the writer hand-over fails the run instead of hanging it */
    const struct CMUnitTest tests[] = {
        T(test_group_commit_every_ok_commit_is_durable_and_rollbacks_leave_nothing),
        T(test_group_commit_batches_two_transactions_in_one_commit),
        T(test_group_commit_constraint_failure_keeps_the_batch),
        T(test_group_commit_rollback_undoes_only_its_own_transaction),
        T(test_group_commit_deferred_foreign_key_fails_only_its_transaction),
        T(test_group_commit_lost_batch_fails_every_transaction_in_it),
        T(test_group_commit_reads_inside_a_transaction_see_its_own_writes),
        T(test_group_commit_rollback_leaves_nothing),
        T(test_group_commit_second_handle_on_the_same_thread_is_refused),
        T(test_group_commit_close_inside_a_transaction_releases_the_writer),
        T(test_group_commit_autocommit_write_waits_its_turn),
        T(test_group_commit_read_only_handle_still_refuses_writes),
        T(test_group_commit_migrations_and_backup_work_on_a_file),
        T(test_group_commit_two_files_in_one_process_stay_apart),
    };
    return UNIT_RUN("group_commit", tests);
}
