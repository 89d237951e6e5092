/* jobs.h — background jobs: rows in the jobs table with a lease, claimed with
 * FOR UPDATE SKIP LOCKED on PostgreSQL and inside BEGIN IMMEDIATE on SQLite,
 * retried with exponential backoff, each done exactly once: the handler runs
 * in the same transaction that marks the job done (and writes job_runs, whose
 * primary key refuses a second completion), so a job's database effects
 * commit once even with several servers on one PostgreSQL. Modules register a
 * handler per kind at start-up; the runner thread (started by `opsdesk serve`)
 * and `opsdesk jobs run-once` execute due jobs. Nothing here knows HTTP. */
#ifndef OPSDESK_JOBS_H
#define OPSDESK_JOBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../db/db.h"

#define JOBS_LEASE_MS        (5 * 60 * 1000) /* a claim older than this is taken over */
#define JOBS_BACKOFF_BASE_MS 10000           /* first retry after 10 s, then ×2 */
#define JOBS_BACKOFF_MAX_MS  (6 * 3600 * 1000)

typedef struct Job {
    int64_t id;
    const char *kind;
    const char *dedupe_key; /* NULL when none */
    const char *payload;    /* JSON object text */
    int64_t run_at;         /* when it became due (UTC ms) */
    int attempts;           /* including this one */
    int64_t now_ms;         /* the runner's clock for this run (tests may move it) */
} Job;

/* A handler runs inside the write transaction that will mark the job done: it
 * writes with db and must not commit or roll back. Returns 0 on success, or
 * a negative value with a one-line reason in err (the job is retried later). */
typedef int (*JobsHandler)(Db *db, const Job *job, char *err, size_t err_len);

/* Registers the handler of kind (a string literal; before any runner starts).
 * Returns 0, or -1 when the table is full or the kind is taken. */
int jobs_register(const char *kind, JobsHandler fn);

/* Registers kind as periodic: each runner pass enqueues it once per slot of
 * period_ms (slots start at offset_ms past the epoch's slot boundary, e.g. a
 * display-zone midnight), deduplicated by "kind@slot" so that any number of
 * servers enqueue it once. Before any runner starts. 0 or -1. */
int jobs_register_periodic(const char *kind, int64_t period_ms, int64_t offset_ms);
/* Enqueues the periodic jobs of the slot containing now_ms. 0 or <0. */
int jobs_enqueue_periodic(Db *db, int64_t now_ms);

/* Enqueues a job due at run_at (UTC ms). With a dedupe_key, a second enqueue
 * of the same key does nothing (returns 0, *id_out = 0). Works inside or
 * outside a caller's transaction. payload NULL means "{}". */
int jobs_enqueue(Db *db, const char *kind, int64_t run_at, const char *dedupe_key, const char *payload,
                 int64_t *id_out);

/* Claims one due job for worker (sets its lease) in its own write transaction.
 * Returns DB_ROW with *job_id_out set, DB_DONE when nothing is due, or <0. */
int jobs_claim(Db *db, const char *worker, int64_t now_ms, int64_t *job_id_out);

/* Runs a job this worker has claimed: handler + completion in one
 * transaction; on failure, backoff or 'failed'. Returns 0 when done, 1 when
 * it failed (rescheduled or given up), <0 on a database error. */
int jobs_run_claimed(Db *db, const char *worker, int64_t job_id, int64_t now_ms);

/* Claims and runs due jobs until none is due or max have run. *n_run_out
 * counts jobs run (done or failed). Returns 0 or <0. */
int jobs_run_due(Db *db, const char *worker, int64_t now_ms, int max, int *n_run_out);

/* Runner thread: opens its own connection to db_url and runs due jobs every
 * poll_ms. Returns 0 or -1. jobs_runner_stop waits for it to finish. */
int jobs_runner_start(const char *db_url, int poll_ms);
void jobs_runner_stop(void);

/* A worker id "host:pid" (static memory). */
const char *jobs_worker_id(void);

/* CLI: `opsdesk jobs enqueue|run-once|status`. Writes to out, errors to err.
 * Returns a process exit code. */
int jobs_cli_enqueue(Db *db, const char *kind, const char *key, const char *payload, int64_t run_at, int count,
                     FILE *out, FILE *err);
int jobs_cli_run_once(Db *db, const char *worker, int64_t now_ms, FILE *out, FILE *err);
int jobs_cli_status(Db *db, const char *kind, FILE *out, FILE *err); /* kind NULL: all */

/* Built-in kind "noop" (diagnostics and tests): payload {"sleep_ms": N ≤ 2000,
 * "fail_attempts": K} sleeps, and fails while the attempt is ≤ K. */
void jobs_register_builtin(void);

#endif
