/* sops_internal.h — shared by the files of src/sops only (sops_model.c,
 * sops_suggest.c): small column and statement helpers and the SOP loaded for
 * a change. Nothing outside src/sops includes it; the interface is sops.h. */
#ifndef OPSDESK_SOPS_INTERNAL_H
#define OPSDESK_SOPS_INTERNAL_H
#include "sops.h"

#define DB_FAIL(r) req_fail((r), 503, NULL, "error.db_unavailable")
#define TX_FAIL(r) req_fail_tx((r), 503, NULL, "error.db_unavailable")

static inline int64_t col_int0(DbStmt *st, int c) { return db_col_null(st, c) ? 0 : db_col_int(st, c); }
/* A text column, "" for NULL. Arena memory. */
static inline const char *col_str(Req *r, DbStmt *st, int c) {
    const char *s = db_col_text(st, c);
    return arena_strdup(r->arena, s ? s : "");
}
/* Runs a statement that returns no rows (or ignores them), finalizes it. 0 or -1. */
static inline int run(DbStmt *st) {
    int rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Loads SOP id for a change inside the caller's write transaction: 0, or
 * -1 after req_fail_tx — 404 absent or not readable, 412 when expected ≥ 0
 * and stale, 403 when manage and the caller does not manage its team. */
int sops_load_for_change(Req *r, int64_t id, int64_t expected, Sop *s, bool manage);

#endif
