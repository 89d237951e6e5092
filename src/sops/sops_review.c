/* sops_review.c — the review reminder: every active SOP with a review cycle
 * whose next_review_at has come notifies its owner once per due date (the
 * dedupe key "sop_review:<sop>:<due>"), with the number of open improvement
 * suggestions and the three with the most votes. Runs inside the job's write
 * transaction (main.c registers the kind); "mark reviewed" moves the date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../notify/notify.h"
#include "sops.h"

typedef struct DueSop {
    int64_t id, owner_id, due_at;
    char *title;
} DueSop;

/* The open suggestions of sop_id, most votes first, as "text (N)" lines
 * joined by "; " (at most 3; malloc'd, caller frees), and their count. */
static int open_suggestions(Db *db, int64_t sop_id, char **list, int64_t *count) {
    DbStmt *st;
    *list = NULL;
    *count = 0;
    int rc = db_prepare(db,
                        "SELECT text, votes FROM sop_suggestions WHERE sop_id = ?1 AND status = 'open'"
                        " ORDER BY votes DESC, id",
                        &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, sop_id);
    Buf b = {0};
    while ((rc = db_step(st)) == DB_ROW) {
        if (*count < 3) {
            const char *t = db_col_text(st, 0);
            if (*count) buf_puts(&b, "; ");
            /* Keep a notification short: the first 80 bytes of a long text, cut at a character boundary. */
            size_t n = strlen(t);
            if (n > 80) {
                n = 80;
                while (n && ((unsigned char)t[n] & 0xC0) == 0x80) n--;
            }
            buf_append(&b, t, n);
            if (n < strlen(t)) buf_puts(&b, "…");
            buf_printf(&b, " (+%lld)", (long long)db_col_int(st, 1));
        }
        (*count)++;
    }
    db_finalize(st);
    if (rc < 0) {
        buf_free(&b);
        return rc;
    }
    *list = strdup(*count ? buf_cstr(&b) : "");
    buf_free(&b);
    return *list ? 0 : DB_ERR;
}

int sops_review_run(Db *db, int64_t now_ms, int *n_notified) {
    *n_notified = 0;
    DbStmt *st;
    int rc = db_prepare(db,
                        "SELECT id, owner_id, next_review_at, title FROM sops WHERE deleted_at IS NULL"
                        " AND status = 'active' AND review_every_days > 0 AND next_review_at <= ?1 ORDER BY id",
                        &st);
    if (rc != DB_OK) return rc;
    db_bind_int(st, 1, now_ms);
    /* Collected first: notify writes on the same connection. */
    int cap = 32, n = 0;
    DueSop *rows = malloc(sizeof *rows * (size_t)cap);
    while (rows && (rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            DueSop *bigger = realloc(rows, sizeof *rows * (size_t)cap * 2);
            if (!bigger) break;
            rows = bigger, cap *= 2;
        }
        rows[n] = (DueSop){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), strdup(db_col_text(st, 3))};
        n++;
    }
    db_finalize(st);
    if (!rows) return DB_ERR;
    if (rc == DB_DONE) rc = 0;
    for (int i = 0; rc >= 0 && i < n; i++) {
        char *list = NULL;
        int64_t count = 0;
        rc = open_suggestions(db, rows[i].id, &list, &count);
        if (rc < 0) break;
        char key[80], link[48], n_open[24];
        snprintf(key, sizeof key, "sop_review:%lld:%lld", (long long)rows[i].id, (long long)rows[i].due_at);
        snprintf(link, sizeof link, "/sops/%lld", (long long)rows[i].id);
        snprintf(n_open, sizeof n_open, "%lld", (long long)count);
        const char *args[3] = {rows[i].title ? rows[i].title : "", n_open, list};
        int64_t id = 0;
        rc = notify(db, rows[i].owner_id, "sop_review",
                    count ? "sops.notify.review_due" : "sops.notify.review_due_none", 3, args, link, key, &id);
        if (rc >= 0 && id) (*n_notified)++;
        free(list);
    }
    for (int i = 0; i < n; i++) free(rows[i].title);
    free(rows);
    return rc < 0 ? rc : 0;
}
