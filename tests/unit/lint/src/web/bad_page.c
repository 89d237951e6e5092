/* bad_page.c — lint fixture: calls that break (marked) and keep (unmarked)
 * the SQL / HTML rules. Never compiled. */
#include "web_html.h"

int db_prepare(Db *db, const char *sql, DbStmt **out); /* a declaration is not a call */
#define RAW(r, x) html_raw(r, x)

static int page(Req *r, const char *name, const char *sql, char *buf, size_t n) {
    DbStmt *st;
    const char *markup = "<b>";
    db_prepare(r->db, "SELECT 1", &st);
    db_prepare(r->db,
               "SELECT a"
               " FROM t WHERE b = ?1",
               &st);
    db_prepare(req_db(r, 1), "SELECT 2", &st);
    if (db_prepare(r->db, sql, &st) != 0) return -1; /* LINT-EXPECT: sql-literal */
    int rc = db_prepare(r->db, /* LINT-EXPECT: sql-literal */
                        sql_for(r, "x"), &st);
    rc = db_query_int(r->db, arena_printf(r->arena, "SELECT %s", name), NULL); /* LINT-EXPECT: sql-literal */
    db_exec(r->db, sql); /* LINT-EXPECT: sql-literal */
    db_exec(r->db, "DELETE FROM t");
    /* db_prepare(r->db, sql, &st) in a comment is not a call */
    log_info("db_prepare(r->db, sql, &st) in a string is not a call");
    html_raw(r, "<hr>");
    html_raw(r, markup); /* LINT-EXPECT: html-literal */
    html_printf(r, "<td>%s</td>", name);
    snprintf(buf, n, "<td>%s</td>", name); /* LINT-EXPECT: html-printf */
    arena_printf(r->arena, /* LINT-EXPECT: html-printf */
                 "a &amp; %s", name);
    buf_printf(&r->priv->out, "%s", name); /* LINT-EXPECT: html-printf */
    snprintf(buf, n, "%s: %d of %d", name, 1, 2);
    arena_printf(r->arena, "/people/%lld?done=saved", 1LL);
    return rc;
}
