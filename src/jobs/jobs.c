/* jobs.c — the jobs table: enqueue, claim with a lease, run a handler in the
 * transaction that completes the job, backoff on failure, the runner thread
 * and the `opsdesk jobs` commands. No module logic here: modules register
 * handlers by kind. */
#include "jobs.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/timeutil.h"

#define JOBS_MAX_KINDS 32

typedef struct Handler {
    const char *kind;
    JobsHandler fn;
} Handler;

static Handler handlers[JOBS_MAX_KINDS];
static int n_handlers;

int jobs_register(const char *kind, JobsHandler fn) {
    for (int i = 0; i < n_handlers; i++)
        if (strcmp(handlers[i].kind, kind) == 0) return handlers[i].fn == fn ? 0 : -1;
    if (n_handlers == JOBS_MAX_KINDS) return -1;
    handlers[n_handlers++] = (Handler){kind, fn};
    return 0;
}

static JobsHandler handler_for(const char *kind) {
    for (int i = 0; i < n_handlers; i++)
        if (strcmp(handlers[i].kind, kind) == 0) return handlers[i].fn;
    return NULL;
}

typedef struct Periodic {
    const char *kind;
    int64_t period_ms, offset_ms;
    int64_t last_slot; /* enqueued by this process already (only the runner thread or the CLI touch it) */
} Periodic;

static Periodic periodic[JOBS_MAX_KINDS];
static int n_periodic;

int jobs_register_periodic(const char *kind, int64_t period_ms, int64_t offset_ms) {
    if (n_periodic == JOBS_MAX_KINDS || period_ms <= 0) return -1;
    periodic[n_periodic++] = (Periodic){kind, period_ms, offset_ms, INT64_MIN};
    return 0;
}

int jobs_enqueue_periodic(Db *db, int64_t now_ms) {
    for (int i = 0; i < n_periodic; i++) {
        Periodic *p = &periodic[i];
        int64_t t = now_ms - p->offset_ms;
        int64_t slot = t >= 0 ? t / p->period_ms : (t - p->period_ms + 1) / p->period_ms;
        if (slot == p->last_slot) continue; /* no write per poll: once per slot and process */
        char key[160];
        snprintf(key, sizeof key, "%s@%lld", p->kind, (long long)slot);
        /* A write of its own, under the writer lock like every other write. */
        bool own_tx = !db_in_tx(db);
        int rc = own_tx ? db_begin_write(db) : 0;
        if (rc >= 0) rc = jobs_enqueue(db, p->kind, slot * p->period_ms + p->offset_ms, key, NULL, NULL);
        if (own_tx) {
            if (rc >= 0) rc = db_commit(db);
            else db_rollback(db);
        }
        if (rc < 0) return rc;
        p->last_slot = slot;
    }
    return 0;
}

const char *jobs_worker_id(void) {
    static char id[128];
    if (!id[0]) {
        char host[64] = "host";
        gethostname(host, sizeof host - 1);
        host[sizeof host - 1] = 0;
        snprintf(id, sizeof id, "%s:%ld", host, (long)getpid());
    }
    return id;
}

int jobs_enqueue(Db *db, const char *kind, int64_t run_at, const char *dedupe_key, const char *payload,
                 int64_t *id_out) {
    DbStmt *st;
    /* ON CONFLICT DO NOTHING: a duplicate key is not an error and, inside a
     * caller's PostgreSQL transaction, does not abort it. */
    int rc = db_prepare(db,
                        "INSERT INTO jobs (kind, dedupe_key, payload, run_at, status, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, 'pending', ?5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                        &st);
    if (rc < 0) return rc;
    db_bind_text(st, 1, kind);
    db_bind_text(st, 2, dedupe_key);
    db_bind_text(st, 3, payload ? payload : "{}");
    db_bind_int(st, 4, run_at);
    db_bind_int(st, 5, time_now_ms());
    rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finalize(st);
    if (rc < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

/* Inside a write transaction: the oldest due job, or one whose lease ran out.
 * On PostgreSQL rows locked by another claimer are skipped, not waited for. */
static int select_due(Db *db, int64_t now_ms, int64_t *id_out) {
    DbStmt *st;
    int rc = db_kind(db) == DB_PG ? db_prepare(db,
                                               "SELECT id FROM jobs WHERE (status = 'pending' AND run_at <= ?1)"
                                               " OR (status = 'running' AND lease_until < ?1)"
                                               " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                                               &st)
                                  : db_prepare(db,
                                               "SELECT id FROM jobs WHERE (status = 'pending' AND run_at <= ?1)"
                                               " OR (status = 'running' AND lease_until < ?1)"
                                               " ORDER BY run_at, id LIMIT 1",
                                               &st);
    if (rc < 0) return rc;
    db_bind_int(st, 1, now_ms);
    rc = db_step(st);
    if (rc == DB_ROW) *id_out = db_col_int(st, 0);
    db_finalize(st);
    return rc;
}

int jobs_claim(Db *db, const char *worker, int64_t now_ms, int64_t *job_id_out) {
    int rc = db_begin_write(db);
    if (rc < 0) return rc;
    int64_t id = 0;
    rc = select_due(db, now_ms, &id);
    if (rc == DB_ROW) {
        DbStmt *st;
        rc = db_prepare(db,
                        "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?2,"
                        " leased_by = ?3 WHERE id = ?1",
                        &st);
        if (rc >= 0) {
            db_bind_int(st, 1, id);
            db_bind_int(st, 2, now_ms + JOBS_LEASE_MS);
            db_bind_text(st, 3, worker);
            rc = db_step(st);
            db_finalize(st);
        }
        if (rc < 0) {
            db_rollback(db);
            return rc;
        }
        rc = db_commit(db);
        if (rc < 0) return rc;
        *job_id_out = id;
        return DB_ROW;
    }
    db_rollback(db);
    return rc;
}

/* Locks the job row (FOR UPDATE on PostgreSQL; the SQLite write transaction
 * already excludes every other writer) and loads it when this worker still
 * holds the lease. DB_ROW, DB_DONE (lost the lease: do nothing) or <0. */
static int load_leased(Db *db, const char *worker, int64_t id, Job *j, char **kind, char **key, char **payload) {
    DbStmt *st;
    int rc = db_kind(db) == DB_PG ? db_prepare(db,
                                               "SELECT kind, dedupe_key, payload, run_at, attempts FROM jobs"
                                               " WHERE id = ?1 AND status = 'running' AND leased_by = ?2 FOR UPDATE",
                                               &st)
                                  : db_prepare(db,
                                               "SELECT kind, dedupe_key, payload, run_at, attempts FROM jobs"
                                               " WHERE id = ?1 AND status = 'running' AND leased_by = ?2",
                                               &st);
    if (rc < 0) return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, worker);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *k = db_col_text(st, 1);
        *kind = strdup(db_col_text(st, 0));
        *key = k ? strdup(k) : NULL;
        *payload = strdup(db_col_text(st, 2));
        j->id = id;
        j->run_at = db_col_int(st, 3);
        j->attempts = (int)db_col_int(st, 4);
        if (!*kind || !*payload || (k && !*key)) rc = DB_ERR;
    }
    db_finalize(st);
    return rc;
}

static int mark_done(Db *db, const char *worker, const Job *j) {
    DbStmt *st;
    int rc = db_prepare(db,
                        "UPDATE jobs SET status = 'done', done_at = ?2, lease_until = NULL, last_error = NULL"
                        " WHERE id = ?1",
                        &st);
    if (rc < 0) return rc;
    db_bind_int(st, 1, j->id);
    db_bind_int(st, 2, j->now_ms);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) return rc;
    rc = db_prepare(db, "INSERT INTO job_runs (job_id, worker, attempt, finished_at) VALUES (?1, ?2, ?3, ?4)", &st);
    if (rc < 0) return rc;
    db_bind_int(st, 1, j->id);
    db_bind_text(st, 2, worker);
    db_bind_int(st, 3, j->attempts);
    db_bind_int(st, 4, j->now_ms);
    rc = db_step(st);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

static int64_t backoff_ms(int attempts) {
    int64_t d = JOBS_BACKOFF_BASE_MS;
    for (int i = 1; i < attempts && d < JOBS_BACKOFF_MAX_MS; i++) d *= 2;
    return d < JOBS_BACKOFF_MAX_MS ? d : JOBS_BACKOFF_MAX_MS;
}

/* After a failed run: back to pending later, or failed for good. Only while
 * this worker still holds the lease. */
static int mark_failed(Db *db, const char *worker, int64_t id, int64_t now_ms, const char *why) {
    int rc = db_begin_write(db);
    if (rc < 0) return rc;
    /* The backoff grows with attempts: read it first so the SQL stays portable. */
    int64_t attempts = 1;
    DbStmt *st;
    rc = db_prepare(db, "SELECT attempts FROM jobs WHERE id = ?1", &st);
    if (rc >= 0) {
        db_bind_int(st, 1, id);
        if (db_step(st) == DB_ROW) attempts = db_col_int(st, 0);
        db_finalize(st);
        rc = db_prepare(db,
                        "UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,"
                        " run_at = ?3 + ?4, lease_until = NULL, last_error = ?5"
                        " WHERE id = ?1 AND status = 'running' AND leased_by = ?2",
                        &st);
    }
    if (rc < 0) {
        db_rollback(db);
        return rc;
    }
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, worker);
    db_bind_int(st, 3, now_ms);
    db_bind_int(st, 4, backoff_ms((int)attempts));
    db_bind_text(st, 5, why);
    rc = db_step(st);
    db_finalize(st);
    if (rc < 0) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

int jobs_run_claimed(Db *db, const char *worker, int64_t job_id, int64_t now_ms) {
    char *kind = NULL, *key = NULL, *payload = NULL;
    Job j = {.now_ms = now_ms};
    char why[300] = "";
    int rc = db_begin_write(db);
    if (rc < 0) return rc;
    rc = load_leased(db, worker, job_id, &j, &kind, &key, &payload);
    if (rc != DB_ROW) {
        db_rollback(db);
        free(kind), free(key), free(payload);
        return rc < 0 ? rc : 0; /* the lease was lost: another worker owns it now */
    }
    j.kind = kind, j.dedupe_key = key, j.payload = payload;
    JobsHandler fn = handler_for(kind);
    int hrc;
    if (!fn) {
        snprintf(why, sizeof why, "no handler for kind '%s'", kind);
        hrc = -1;
    } else {
        hrc = fn(db, &j, why, sizeof why);
        if (hrc < 0 && !why[0]) snprintf(why, sizeof why, "handler failed");
    }
    if (hrc == 0) hrc = mark_done(db, worker, &j);
    if (hrc == 0) hrc = db_commit(db);
    else db_rollback(db);
    if (hrc != 0) {
        if (!why[0]) snprintf(why, sizeof why, "%s", db_errmsg(db));
        log_warn("job %lld (%s) attempt %d failed: %s", (long long)job_id, kind, j.attempts, why);
        rc = mark_failed(db, worker, job_id, now_ms, why);
    }
    free(kind), free(key), free(payload);
    if (rc < 0) return rc;
    return hrc == 0 ? 0 : 1;
}

int jobs_run_due(Db *db, const char *worker, int64_t now_ms, int max, int *n_run_out) {
    int n = 0, rc = jobs_enqueue_periodic(db, now_ms ? now_ms : time_now_ms());
    if (rc < 0) return rc;
    /* A read first: an idle poll takes no writer lock. */
    int64_t due = 0;
    rc = db_query_int(db, "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')", &due);
    if (rc < 0) return rc;
    rc = 0;
    int busy = 0;
    while (due > 0 && n < max) {
        int64_t id = 0;
        rc = jobs_claim(db, worker, now_ms ? now_ms : time_now_ms(), &id);
        if (rc == DB_BUSY && ++busy < 10) continue;
        if (rc != DB_ROW) break;
        rc = jobs_run_claimed(db, worker, id, now_ms ? now_ms : time_now_ms());
        if (rc < 0) break;
        n++;
    }
    if (n_run_out) *n_run_out = n;
    return rc < 0 ? rc : 0;
}

/* ---------- runner thread ---------- */

static pthread_t runner;
static bool runner_started;
static pthread_mutex_t runner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t runner_cond = PTHREAD_COND_INITIALIZER;
static bool runner_stop;
static Db *runner_db;
static int runner_poll_ms;

static void *runner_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&runner_lock);
    while (!runner_stop) {
        pthread_mutex_unlock(&runner_lock);
        int n = 0;
        if (jobs_run_due(runner_db, jobs_worker_id(), 0, 100, &n) < 0) log_warn("jobs: %s", db_errmsg(runner_db));
        pthread_mutex_lock(&runner_lock);
        if (n == 100) continue; /* more may be due: no pause */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += runner_poll_ms / 1000;
        ts.tv_nsec += (long)(runner_poll_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        while (!runner_stop && pthread_cond_timedwait(&runner_cond, &runner_lock, &ts) != ETIMEDOUT) {}
    }
    pthread_mutex_unlock(&runner_lock);
    return NULL;
}

int jobs_runner_start(const char *db_url, int poll_ms) {
    char err[600];
    if (db_open(db_url, &runner_db, err, sizeof err) != DB_OK) {
        log_error("jobs: %s", err);
        return -1;
    }
    runner_poll_ms = poll_ms > 0 ? poll_ms : 3000;
    runner_stop = false;
    if (pthread_create(&runner, NULL, runner_main, NULL) != 0) {
        db_close(runner_db);
        runner_db = NULL;
        return -1;
    }
    runner_started = true;
    return 0;
}

void jobs_runner_stop(void) {
    if (!runner_started) return;
    pthread_mutex_lock(&runner_lock);
    runner_stop = true;
    pthread_cond_signal(&runner_cond);
    pthread_mutex_unlock(&runner_lock);
    pthread_join(runner, NULL);
    runner_started = false;
    db_close(runner_db);
    runner_db = NULL;
}

/* ---------- built-in kind and CLI ---------- */

static int noop_handler(Db *db, const Job *job, char *err, size_t err_len) {
    (void)db;
    json_error_t e;
    json_t *p = json_loads(job->payload, 0, &e);
    json_int_t sleep_ms = 0, fail_attempts = 0;
    if (json_is_object(p)) {
        json_t *v = json_object_get(p, "sleep_ms");
        if (json_is_integer(v)) sleep_ms = json_integer_value(v);
        v = json_object_get(p, "fail_attempts");
        if (json_is_integer(v)) fail_attempts = json_integer_value(v);
    }
    json_decref(p);
    if (sleep_ms > 0) usleep((useconds_t)(sleep_ms > 2000 ? 2000 : sleep_ms) * 1000u);
    if (job->attempts <= fail_attempts) {
        snprintf(err, err_len, "noop: asked to fail attempt %d", job->attempts);
        return -1;
    }
    return 0;
}

void jobs_register_builtin(void) { jobs_register("noop", noop_handler); }

int jobs_cli_enqueue(Db *db, const char *kind, const char *key, const char *payload, int64_t run_at, int count,
                     FILE *out, FILE *err) {
    int n_new = 0;
    for (int i = 0; i < count; i++) {
        char k[300];
        if (key && count > 1) snprintf(k, sizeof k, "%s-%d", key, i);
        int64_t id = 0;
        int rc = db_begin_write(db);
        if (rc >= 0) rc = jobs_enqueue(db, kind, run_at, key ? (count > 1 ? k : key) : NULL, payload, &id);
        if (rc >= 0) rc = db_commit(db);
        else db_rollback(db);
        if (rc < 0) {
            fprintf(err, "opsdesk jobs enqueue: %s\n", db_errmsg(db));
            return 1;
        }
        if (id) n_new++;
    }
    fprintf(out, "%d job(s) enqueued, %d already there\n", n_new, count - n_new);
    return 0;
}

int jobs_cli_run_once(Db *db, const char *worker, int64_t now_ms, FILE *out, FILE *err) {
    int n = 0;
    if (jobs_run_due(db, worker, now_ms, 1 << 30, &n) < 0) {
        fprintf(err, "opsdesk jobs run-once: %s\n", db_errmsg(db));
        return 1;
    }
    fprintf(out, "%d job(s) run\n", n);
    return 0;
}

int jobs_cli_status(Db *db, const char *kind, FILE *out, FILE *err) {
    DbStmt *st;
    int rc = db_prepare(db,
                        "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending' AND ?1 IN (kind, '*')),"
                        " (SELECT COUNT(*) FROM jobs WHERE status = 'running' AND ?1 IN (kind, '*')),"
                        " (SELECT COUNT(*) FROM jobs WHERE status = 'done' AND ?1 IN (kind, '*')),"
                        " (SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND ?1 IN (kind, '*')),"
                        " (SELECT COUNT(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE ?1 IN (j.kind, '*')),"
                        " (SELECT COUNT(DISTINCT leased_by) FROM jobs WHERE status = 'done' AND ?1 IN (kind, '*')),"
                        " (SELECT COUNT(*) FROM jobs WHERE last_error IS NOT NULL AND ?1 IN (kind, '*')),"
                        " (SELECT COALESCE(SUM(attempts), 0) FROM jobs WHERE ?1 IN (kind, '*'))",
                        &st);
    if (rc >= 0) db_bind_text(st, 1, kind ? kind : "*");
    if (rc >= 0) rc = db_step(st);
    if (rc != DB_ROW) {
        fprintf(err, "opsdesk jobs status: %s\n", db_errmsg(db));
        if (rc >= 0) db_finalize(st);
        return 1;
    }
    fprintf(out,
            "{\"pending\":%lld,\"running\":%lld,\"done\":%lld,\"failed\":%lld,\"runs\":%lld,\"workers\":%lld,"
            "\"with_error\":%lld,\"attempts\":%lld}\n",
            (long long)db_col_int(st, 0), (long long)db_col_int(st, 1), (long long)db_col_int(st, 2),
            (long long)db_col_int(st, 3), (long long)db_col_int(st, 4), (long long)db_col_int(st, 5),
            (long long)db_col_int(st, 6), (long long)db_col_int(st, 7));
    db_finalize(st);
    return 0;
}
