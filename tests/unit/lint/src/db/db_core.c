/* db_core.c — lint fixture: the one wrapper allowed to forward its SQL
 * parameter, and db_exec of built text inside src/db. Never compiled. */
int db_query_int(Db *db, const char *sql, int64_t *out) {
    DbStmt *st;
    int rc = db_prepare(db, sql, &st);
    db_exec(db, migration_text);
    return db_prepare(db, other, &st); /* LINT-EXPECT: sql-literal */
}
