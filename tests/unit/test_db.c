/* test_db.c — the db interface on an in-memory SQLite database: migrations
 * (applied once, idempotent), the per-connection statement cache (distinct
 * SQL, the same literal nested, an address reused for other text, more
 * statements than the cache holds), error mapping (DB_CONSTRAINT), read-only
 * handles, transactions and the process-wide writer lock, {{ID}} dialect
 * replacement, backup and Chinese full-text search. Each test gets a fresh
 * database. A deadlock on the writer lock ends the run through alarm(). */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "db_internal.h"

static int setup(void **state) {
    Db *db = NULL;
    char err[256] = "";
    if (db_open("sqlite::memory:", &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "db_open: %s\n", err);
        return -1;
    }
    *state = db;
    return 0;
}

static int teardown(void **state) {
    db_close(*state);
    return 0;
}

static void exec_ok(Db *db, const char *sql) {
    if (db_exec(db, sql) != DB_OK) fail_msg("%s: %s", sql, db_errmsg(db));
}

static int64_t count(Db *db, const char *table_sql) {
    int64_t n = -1;
    if (db_query_int(db, table_sql, &n) != DB_ROW) fail_msg("%s: %s", table_sql, db_errmsg(db));
    return n;
}

static void make_items(Db *db) {
    exec_ok(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n BIGINT, x REAL)");
}

static void insert_item(Db *db, const char *code, int64_t n, int want_rc) {
    DbStmt *st;
    assert_int_equal(db_prepare(db, "INSERT INTO items (code, n) VALUES (?1, ?2)", &st), DB_OK);
    db_bind_text(st, 1, code);
    db_bind_int(st, 2, n);
    int rc = db_step(st);
    db_finalize(st);
    if (rc != want_rc) fail_msg("insert %s: rc %d, want %d (%s)", code, rc, want_rc, db_errmsg(db));
}

/* ---------- migrations ---------- */

static void test_db_migrations_apply_once(void **state) {
    Db *db = *state;
    int n = -1, version = -1;
    assert_true(db_migration_count() >= 1);
    assert_int_equal(db_migrate(db, &n), DB_OK);
    assert_int_equal(n, db_migration_count());
    assert_int_equal(db_schema_version(db, &version), DB_OK);
    assert_true(version >= db_migration_count());
    assert_int_equal(count(db, "SELECT COUNT(*) FROM schema_migrations"), db_migration_count());
    assert_int_equal(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                               " ('teams', 'users', 'sessions', 'api_tokens', 'login_throttle', 'audit_log')"),
                     6);
    assert_false(db_in_tx(db));
}

static void test_db_migrations_are_idempotent(void **state) {
    Db *db = *state;
    int n = -1, v1 = 0, v2 = 0;
    assert_int_equal(db_migrate(db, &n), DB_OK);
    assert_int_equal(db_schema_version(db, &v1), DB_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_migrate(db, &n), DB_OK);
        assert_int_equal(n, 0);
    }
    assert_int_equal(db_schema_version(db, &v2), DB_OK);
    assert_int_equal(v1, v2);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM schema_migrations"), db_migration_count());
}

static void test_db_migrated_schema_enforces_foreign_keys(void **state) {
    Db *db = *state;
    int n;
    assert_int_equal(db_migrate(db, &n), DB_OK);
    DbStmt *st;
    assert_int_equal(db_prepare(db,
                                "INSERT INTO teams (parent_id, name, path, created_at, updated_at)"
                                " VALUES (?1, 'x', '/', 0, 0)",
                                &st),
                     DB_OK);
    db_bind_int(st, 1, 999);
    assert_int_equal(db_step(st), DB_CONSTRAINT);
    db_finalize(st);
}

static void test_db_schema_version_of_empty_database_fails_cleanly(void **state) {
    Db *db = *state;
    int v = 123;
    assert_true(db_schema_version(db, &v) < 0); /* no schema_migrations table yet */
    assert_true(strlen(db_errmsg(db)) > 0);
}

/* ---------- statement cache ---------- */

static void test_db_cache_keeps_two_sql_strings_apart(void **state) {
    Db *db = *state;
    for (int i = 0; i < 200; i++) {
        DbStmt *a, *b;
        assert_int_equal(db_prepare(db, "SELECT ?1 + 1", &a), DB_OK);
        assert_int_equal(db_prepare(db, "SELECT ?1 * 10", &b), DB_OK);
        db_bind_int(a, 1, i);
        db_bind_int(b, 1, i);
        assert_int_equal(db_step(b), DB_ROW);
        assert_int_equal(db_step(a), DB_ROW);
        assert_int_equal(db_col_int(a, 0), i + 1);
        assert_int_equal(db_col_int(b, 0), i * 10);
        assert_int_equal(db_step(a), DB_DONE);
        db_finalize(a);
        db_finalize(b);
    }
}

/* Depth-first walk of a tree, with one literal prepared again at every level
 * while the outer statements of the same literal are still stepping. */
static void walk(Db *db, int64_t parent, Buf *out) {
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT id FROM nodes WHERE parent = ?1 ORDER BY id", &st), DB_OK);
    db_bind_int(st, 1, parent);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        buf_printf(out, "%lld ", (long long)id);
        walk(db, id, out);
    }
    assert_int_equal(rc, DB_DONE);
    db_finalize(st);
}

static void test_db_cache_same_literal_nested_gives_independent_statements(void **state) {
    Db *db = *state;
    exec_ok(db, "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL);"
                "INSERT INTO nodes VALUES (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6),"
                " (8, 1), (9, 0), (10, 9), (11, 2);");
    Buf out = {0};
    walk(db, 0, &out); /* seven levels deep: more than the cache's four probes */
    assert_string_equal(buf_cstr(&out), "1 2 3 4 5 6 7 11 8 9 10 ");
    buf_reset(&out);
    walk(db, 0, &out); /* and again, now from cached statements */
    assert_string_equal(buf_cstr(&out), "1 2 3 4 5 6 7 11 8 9 10 ");
    buf_free(&out);
}

static void test_db_cache_checks_text_when_an_address_is_reused(void **state) {
    Db *db = *state;
    char sql[64];
    strcpy(sql, "SELECT 1");
    int64_t v = 0;
    assert_int_equal(db_query_int(db, sql, &v), DB_ROW);
    assert_int_equal(v, 1);
    strcpy(sql, "SELECT 2");
    assert_int_equal(db_query_int(db, sql, &v), DB_ROW);
    assert_int_equal(v, 2);
}

static void test_db_cache_clears_bindings_between_uses(void **state) {
    Db *db = *state;
    for (int i = 0; i < 2; i++) {
        DbStmt *st;
        assert_int_equal(db_prepare(db, "SELECT ?1", &st), DB_OK);
        if (i == 0) db_bind_text(st, 1, "left over");
        assert_int_equal(db_step(st), DB_ROW);
        if (i == 0) assert_string_equal(db_col_text(st, 0), "left over");
        else assert_true(db_col_null(st, 0));
        db_finalize(st);
    }
}

static void test_db_more_open_statements_than_the_cache_holds(void **state) {
    Db *db = *state;
    enum { N = 300 };
    static char sql[N][48];
    DbStmt *st[N];
    for (int i = 0; i < N; i++) {
        snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
        assert_int_equal(db_prepare(db, sql[i], &st[i]), DB_OK);
    }
    for (int i = N - 1; i >= 0; i--) {
        assert_int_equal(db_step(st[i]), DB_ROW);
        assert_int_equal(db_col_int(st[i], 0), i);
    }
    for (int i = 0; i < N; i++) db_finalize(st[i]);
    /* The cache still works afterwards. */
    int64_t v;
    assert_int_equal(db_query_int(db, "SELECT 41 + 1", &v), DB_ROW);
    assert_int_equal(v, 42);
}

static void test_db_statement_reused_after_an_error(void **state) {
    Db *db = *state;
    make_items(db);
    insert_item(db, "a", 1, DB_DONE);
    insert_item(db, "a", 2, DB_CONSTRAINT);
    insert_item(db, "b", 3, DB_DONE); /* same cached statement, now fine */
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 2);
}

/* ---------- values and errors ---------- */

static void test_db_binds_and_reads_values_verbatim(void **state) {
    Db *db = *state;
    make_items(db);
    const char *evil = "'); DROP TABLE items; -- 运营 \"quoted\" \\ %s ?1";
    DbStmt *st;
    assert_int_equal(db_prepare(db, "INSERT INTO items (code, n, x) VALUES (?1, ?2, ?3)", &st), DB_OK);
    db_bind_text(st, 1, evil);
    db_bind_int(st, 2, INT64_MIN);
    db_bind_double(st, 3, 98.25);
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    assert_int_equal(db_prepare(db, "SELECT code, n, x, NULL FROM items WHERE code = ?1", &st), DB_OK);
    db_bind_text(st, 1, evil);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_column_count(st), 4);
    assert_string_equal(db_col_text(st, 0), evil);
    assert_int_equal(db_col_int(st, 1), INT64_MIN);
    assert_true(db_col_double(st, 2) == 98.25);
    assert_true(db_col_null(st, 3));
    assert_null(db_col_text(st, 3));
    assert_false(db_col_null(st, 0));
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
}

static void test_db_bind_text_null_binds_sql_null(void **state) {
    Db *db = *state;
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT ?1 IS NULL", &st), DB_OK);
    db_bind_text(st, 1, NULL);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 1);
    db_finalize(st);
}

static void test_db_bind_int_or_null_binds_zero_as_null(void **state) {
    Db *db = *state;
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT ?1 IS NULL, ?2", &st), DB_OK);
    db_bind_int_or_null(st, 1, 0);
    db_bind_int_or_null(st, 2, -7);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 1);
    assert_int_equal(db_col_int(st, 1), -7);
    db_finalize(st);
}

static void test_db_unique_violation_is_db_constraint(void **state) {
    Db *db = *state;
    make_items(db);
    insert_item(db, "dup", 1, DB_DONE);
    insert_item(db, "dup", 2, DB_CONSTRAINT);
    assert_non_null(strstr(db_errmsg(db), "UNIQUE"));
    assert_int_equal(db_exec(db, "INSERT INTO items (code) VALUES ('dup')"), DB_CONSTRAINT);
    assert_int_equal(db_exec(db, "INSERT INTO items (code) VALUES (NULL)"), DB_CONSTRAINT);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 1);
}

static void test_db_errors_are_one_line_and_not_constraint(void **state) {
    Db *db = *state;
    DbStmt *st = NULL;
    int rc = db_prepare(db, "SELEKT nonsense\nFROM nowhere", &st);
    assert_int_equal(rc, DB_ERR);
    assert_null(strchr(db_errmsg(db), '\n'));
    int64_t v;
    assert_int_equal(db_query_int(db, "SELECT * FROM no_such_table", &v), DB_ERR);
    assert_int_equal(db_query_int(db, "SELECT 1 WHERE 0", &v), DB_DONE);
}

static void test_db_open_refuses_unknown_url_and_missing_directory(void **state) {
    (void)state;
    Db *db = (Db *)1;
    char err[256] = "";
    assert_int_equal(db_open("mysql://x", &db, err, sizeof err), DB_ERR);
    assert_null(db);
    assert_non_null(strstr(err, "mysql://x"));
    err[0] = 0;
    assert_int_equal(db_open("sqlite:/nonexistent-dir-opsdesk/x.db", &db, err, sizeof err), DB_ERR);
    assert_null(db);
    assert_true(strlen(err) > 0);
}

static void test_db_counts_open_connections(void **state) {
    (void)state;
    int64_t before = db_open_connections();
    Db *a, *b;
    char err[128];
    assert_int_equal(db_open("sqlite::memory:", &a, err, sizeof err), DB_OK);
    assert_int_equal(db_open("sqlite::memory:", &b, err, sizeof err), DB_OK);
    assert_int_equal(db_open_connections(), before + 2);
    assert_int_equal(db_kind(a), DB_SQLITE);
    db_close(a);
    db_close(b);
    db_close(NULL);
    assert_int_equal(db_open_connections(), before);
}

/* ---------- read-only handles ---------- */

static void test_db_read_only_handle_refuses_writes(void **state) {
    Db *db = *state;
    make_items(db);
    insert_item(db, "kept", 1, DB_DONE);
    assert_int_equal(db_set_read_only(db), DB_OK);
    DbStmt *st;
    int rc = db_prepare(db, "INSERT INTO items (code, n) VALUES (?1, ?2)", &st);
    if (rc == DB_OK) {
        db_bind_text(st, 1, "sneaky");
        db_bind_int(st, 2, 2);
        rc = db_step(st);
        db_finalize(st);
    }
    assert_true(rc < 0);
    assert_true(db_exec(db, "UPDATE items SET n = 99") < 0);
    assert_true(db_exec(db, "DELETE FROM items") < 0);
    assert_true(db_exec(db, "CREATE TABLE other (a)") < 0);
    /* Reads still work and nothing changed. */
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items WHERE n = 1"), 1);
}

static void test_db_read_only_handle_refuses_writes_inside_write_transaction(void **state) {
    Db *db = *state;
    make_items(db);
    assert_int_equal(db_set_read_only(db), DB_OK);
    if (db_begin_write(db) == DB_OK) {
        assert_true(db_exec(db, "INSERT INTO items (code) VALUES ('x')") < 0);
        db_rollback(db);
    }
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 0);
}

/* ---------- transactions ---------- */

static void test_db_rollback_leaves_nothing(void **state) {
    Db *db = *state;
    make_items(db);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_true(db_in_tx(db));
    insert_item(db, "a", 1, DB_DONE);
    insert_item(db, "b", 2, DB_DONE);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 2);
    db_rollback(db);
    assert_false(db_in_tx(db));
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 0);
    db_rollback(db); /* outside a transaction: nothing happens */
}

static void test_db_commit_keeps_changes_and_releases_writer_lock(void **state) {
    Db *db = *state;
    make_items(db);
    for (int i = 0; i < 3; i++) { /* a lock left held would deadlock the second round */
        assert_int_equal(db_begin_write(db), DB_OK);
        char code[8];
        snprintf(code, sizeof code, "c%d", i);
        insert_item(db, code, i, DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_false(db_in_tx(db));
    }
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 3);
}

static void test_db_failed_commit_rolls_back_and_releases_lock(void **state) {
    Db *db = *state;
    exec_ok(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                " parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    assert_int_equal(db_begin_write(db), DB_OK);
    exec_ok(db, "INSERT INTO child (parent_id) VALUES (42)"); /* checked at COMMIT */
    assert_int_equal(db_commit(db), DB_CONSTRAINT);
    assert_false(db_in_tx(db));
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM child"), 0);
    assert_int_equal(db_commit(db), DB_OK);
}

static void test_db_close_inside_transaction_releases_writer_lock(void **state) {
    Db *db = *state;
    Db *other;
    char err[128];
    assert_int_equal(db_open("sqlite::memory:", &other, err, sizeof err), DB_OK);
    assert_int_equal(db_begin_write(other), DB_OK);
    db_close(other);
    assert_int_equal(db_begin_write(db), DB_OK);
    db_rollback(db);
}

static void test_db_read_transaction_sees_one_snapshot(void **state) {
    Db *db = *state;
    make_items(db);
    insert_item(db, "a", 1, DB_DONE);
    assert_int_equal(db_begin_read(db), DB_OK);
    assert_true(db_in_tx(db));
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 1);
    assert_int_equal(db_commit(db), DB_OK);
    assert_false(db_in_tx(db));
}

static void test_db_measures_time_spent_in_engine(void **state) {
    Db *db = *state;
    int64_t t0 = db_time_ns(db);
    make_items(db);
    for (int i = 0; i < 20; i++) insert_item(db, (char[]){(char)('a' + i), 0}, i, DB_DONE);
    assert_true(db_time_ns(db) > t0);
}

/* A long scan is timed by sampling: its time still grows with its rows, and
 * a fresh statement starts counting its steps again. */
static void test_db_times_long_scans_by_sampling(void **state) {
    Db *db = *state;
    DbStmt *st;
    int64_t t0 = db_time_ns(db);
    assert_int_equal(db_prepare(db,
                                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                                " SELECT i FROM n",
                                &st),
                     DB_OK);
    int64_t rows = 0, sum = 0;
    while (db_step(st) == DB_ROW) rows++, sum += db_col_int(st, 0);
    assert_int_equal(st->n_steps, 1001); /* 1,000 rows and the DONE */
    db_finalize(st);
    assert_int_equal(rows, 1000);
    assert_int_equal(sum, 500500);
    assert_true(db_time_ns(db) > t0);
    assert_int_equal(db_prepare(db, "SELECT 1", &st), DB_OK);
    assert_int_equal(st->n_steps, 0);
    db_finalize(st);
}

/* db_col_double_opt: NULL is false with 0; 0, integers and reals are values. */
static void test_db_col_double_opt_tells_null_from_zero(void **state) {
    Db *db = *state;
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT NULL, 0, 0.0, 7, -2.5, '1.25'", &st), DB_OK);
    assert_int_equal(db_step(st), DB_ROW);
    double v = 99;
    assert_false(db_col_double_opt(st, 0, &v));
    assert_true(v == 0.0);
    assert_true(db_col_double_opt(st, 1, &v));
    assert_true(v == 0.0);
    assert_true(db_col_double_opt(st, 2, &v));
    assert_true(v == 0.0);
    assert_true(db_col_double_opt(st, 3, &v));
    assert_true(v == 7.0);
    assert_true(db_col_double_opt(st, 4, &v));
    assert_true(v == -2.5);
    assert_true(db_col_double_opt(st, 5, &v));
    assert_true(v == 1.25);
    db_finalize(st);
}

/* ---------- dialect and backup ---------- */

static void test_db_dialect_sql_replaces_every_id_token(void **state) {
    (void)state;
    char *s = db_dialect_sql(DB_SQLITE, "CREATE TABLE a (id {{ID}}, x TEXT); CREATE TABLE b (id {{ID}})");
    assert_string_equal(s, "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);"
                           " CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT)");
    free(s);
    s = db_dialect_sql(DB_PG, "{{ID}}{{ID}}");
    assert_string_equal(s, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                           "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    free(s);
    s = db_dialect_sql(DB_SQLITE, "no token {{ID} {ID}} {{id}}");
    assert_string_equal(s, "no token {{ID} {ID}} {{id}}");
    free(s);
    s = db_dialect_sql(DB_PG, "");
    assert_string_equal(s, "");
    free(s);
    /* "--pg: " lines: the statement on PostgreSQL, a comment on SQLite; only at a line start */
    const char *pg_line = "--pg: ALTER x;\nCREATE t; -- a --pg: note\n--pg: ALTER y;";
    s = db_dialect_sql(DB_PG, pg_line);
    assert_string_equal(s, "      ALTER x;\nCREATE t; -- a --pg: note\n      ALTER y;");
    free(s);
    s = db_dialect_sql(DB_SQLITE, pg_line);
    assert_string_equal(s, pg_line);
    free(s);
}

static void test_db_backup_writes_a_consistent_copy(void **state) {
    Db *db = *state;
    make_items(db);
    insert_item(db, "一", 1, DB_DONE);
    insert_item(db, "二", 2, DB_DONE);
    char path[] = "/tmp/opsdesk-unit-backup-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256] = "";
    if (db_backup(db, path, err, sizeof err) != DB_OK) fail_msg("backup: %s", err);
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s", path);
    Db *copy;
    assert_int_equal(db_open(url, &copy, err, sizeof err), DB_OK);
    assert_int_equal(count(copy, "SELECT COUNT(*) FROM items WHERE code IN ('一', '二')"), 2);
    db_close(copy);
    char side[160];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_db_fts5_trigram_finds_chinese_text(void **state) {
    Db *db = *state;
    exec_ok(db, "CREATE VIRTUAL TABLE kb USING fts5(body, tokenize = 'trigram')");
    exec_ok(db, "INSERT INTO kb (body) VALUES ('仓库拣货错误率上升，原因是货位标签模糊'), ('客服响应超时')");
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM kb WHERE kb MATCH ?1", &st), DB_OK);
    db_bind_text(st, 1, "\"货位标签\"");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 1);
    db_finalize(st);
}

/* ---------- bulk insert ---------- */

static void test_db_bulk_inserts_rows_verbatim(void **state) {
    Db *db = *state;
    make_items(db);
    exec_ok(db, "BEGIN");
    DbBulk *b;
    assert_int_equal(db_bulk_begin(db, "INSERT INTO items (code, n) VALUES (?1, ?2)", &b), DB_OK);
    const char *odd = "tab\there\nnew line \\ back\\N 运营";
    for (int i = 0; i < 1000; i++) {
        char code[32];
        snprintf(code, sizeof code, "c%d", i);
        db_bulk_text(b, i == 7 ? odd : code);
        if (i == 9) db_bulk_text(b, NULL);
        else db_bulk_int(b, (int64_t)i * 1000000007);
        assert_int_equal(db_bulk_row(b), DB_OK);
    }
    assert_int_equal(db_bulk_end(b), DB_OK);
    exec_ok(db, "COMMIT");
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 1000);
    assert_int_equal(count(db, "SELECT n FROM items WHERE code = 'c999'"), 999LL * 1000000007);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items WHERE code = 'c9' AND n IS NULL"), 1);
    DbStmt *st;
    assert_int_equal(db_prepare(db, "SELECT code FROM items WHERE n = ?1", &st), DB_OK);
    db_bind_int(st, 1, 7LL * 1000000007);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), odd);
    db_finalize(st);
}

static void test_db_bulk_reports_errors_and_wrong_shapes(void **state) {
    Db *db = *state;
    make_items(db);
    DbBulk *b;
    /* not an INSERT of named columns */
    assert_int_equal(db_bulk_begin(db, "DELETE FROM items", &b), DB_ERR);
    assert_int_equal(db_bulk_begin(db, "INSERT INTO items VALUES (?1)", &b), DB_ERR);
    /* too many values for the columns */
    exec_ok(db, "BEGIN");
    assert_int_equal(db_bulk_begin(db, "INSERT INTO items (code) VALUES (?1)", &b), DB_OK);
    db_bulk_text(b, "a");
    db_bulk_text(b, "b");
    assert_int_equal(db_bulk_row(b), DB_ERR);
    assert_int_equal(db_bulk_end(b), DB_ERR);
    exec_ok(db, "ROLLBACK");
    /* a constraint violation stops the bulk with DB_CONSTRAINT */
    exec_ok(db, "BEGIN");
    assert_int_equal(db_bulk_begin(db, "INSERT INTO items (code) VALUES (?1)", &b), DB_OK);
    db_bulk_text(b, "same");
    assert_int_equal(db_bulk_row(b), DB_OK);
    db_bulk_text(b, "same");
    assert_int_equal(db_bulk_row(b), DB_CONSTRAINT);
    db_bulk_text(b, "later");
    assert_int_equal(db_bulk_row(b), DB_CONSTRAINT);
    assert_int_equal(db_bulk_end(b), DB_CONSTRAINT);
    exec_ok(db, "ROLLBACK");
    /* a row left unfinished is an error at the end */
    exec_ok(db, "BEGIN");
    assert_int_equal(db_bulk_begin(db, "INSERT INTO items (code, n) VALUES (?1, ?2)", &b), DB_OK);
    db_bulk_text(b, "half");
    assert_int_equal(db_bulk_end(b), DB_ERR);
    exec_ok(db, "ROLLBACK");
    assert_int_equal(count(db, "SELECT COUNT(*) FROM items"), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
    alarm(120); /* a test that deadlocks on the writer lock fails the run instead of hanging it */
    const struct CMUnitTest tests[] = {
        T(test_db_migrations_apply_once),
        T(test_db_migrations_are_idempotent),
        T(test_db_migrated_schema_enforces_foreign_keys),
        T(test_db_schema_version_of_empty_database_fails_cleanly),
        T(test_db_cache_keeps_two_sql_strings_apart),
        T(test_db_cache_same_literal_nested_gives_independent_statements),
        T(test_db_cache_checks_text_when_an_address_is_reused),
        T(test_db_cache_clears_bindings_between_uses),
        T(test_db_more_open_statements_than_the_cache_holds),
        T(test_db_statement_reused_after_an_error),
        T(test_db_binds_and_reads_values_verbatim),
        T(test_db_bind_text_null_binds_sql_null),
        T(test_db_bind_int_or_null_binds_zero_as_null),
        T(test_db_unique_violation_is_db_constraint),
        T(test_db_errors_are_one_line_and_not_constraint),
        cmocka_unit_test(test_db_open_refuses_unknown_url_and_missing_directory),
        cmocka_unit_test(test_db_counts_open_connections),
        T(test_db_read_only_handle_refuses_writes),
        T(test_db_read_only_handle_refuses_writes_inside_write_transaction),
        T(test_db_rollback_leaves_nothing),
        T(test_db_commit_keeps_changes_and_releases_writer_lock),
        T(test_db_failed_commit_rolls_back_and_releases_lock),
        T(test_db_close_inside_transaction_releases_writer_lock),
        T(test_db_read_transaction_sees_one_snapshot),
        T(test_db_measures_time_spent_in_engine),
        T(test_db_times_long_scans_by_sampling),
        T(test_db_col_double_opt_tells_null_from_zero),
        cmocka_unit_test(test_db_dialect_sql_replaces_every_id_token),
        T(test_db_backup_writes_a_consistent_copy),
        T(test_db_fts5_trigram_finds_chinese_text),
        T(test_db_bulk_inserts_rows_verbatim),
        T(test_db_bulk_reports_errors_and_wrong_shapes),
    };
    return UNIT_RUN("db", tests);
}
