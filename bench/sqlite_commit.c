/* sqlite_commit.c — the bare reference for opsdesk's durable writes.
 *
 * Single-row INSERT commits, one row per transaction, on a table as wide as
 * opsdesk's `teams` (same columns and indexes), in WAL with synchronous=FULL,
 * on whatever disk DB lives on, for a fixed time. With THREADS > 1 every
 * thread has its own connection and the commits are serialised by one
 * process mutex held from BEGIN IMMEDIATE to COMMIT — exactly opsdesk's
 * writer lock — so the figure is what SQLite itself can do with that design.
 *
 *   cc -O2 -o sqlite_commit sqlite_commit.c -lsqlite3 -lpthread
 *   sqlite_commit DB SECONDS [THREADS]
 *
 * Prints one line:  commits=N seconds=S rate=R p50_us=A p99_us=B threads=T
 * Exit status non-zero on any SQLite error. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_THREADS = 64, MAX_SAMPLES = 1 << 20 };

static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *db_path;
static double deadline;
static volatile int failed;

typedef struct Worker {
    pthread_t tid;
    int       index;
    long      commits;
    unsigned *lat_us; /* one sample per commit, up to MAX_SAMPLES */
    long      n_lat;
} Worker;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "sqlite_commit: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    failed = 1;
}

static sqlite3 *open_db(void) {
    sqlite3 *db;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        die(db, "open");
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) != SQLITE_OK) {
        die(db, "pragma");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void *run(void *arg) {
    Worker *w = arg;
    sqlite3 *db = open_db();
    if (!db) return NULL;
    sqlite3_stmt *begin, *ins, *commit;
    if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO t (parent_id, name, path, version, created_at, updated_at)"
                           " VALUES (?1, ?2, ?3, 1, ?4, ?4)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
        die(db, "prepare");
        sqlite3_close(db);
        return NULL;
    }
    char name[64], path[64];
    while (!failed) {
        double t0 = now_s();
        if (t0 >= deadline) break;
        pthread_mutex_lock(&writer_lock);
        snprintf(name, sizeof name, "bare-%d-%ld", w->index, w->commits);
        snprintf(path, sizeof path, "/1/%d/%ld/", w->index + 2, w->commits);
        int ok = sqlite3_step(begin) == SQLITE_DONE;
        sqlite3_reset(begin);
        if (ok) {
            sqlite3_bind_int64(ins, 1, 1 + w->commits % 20);
            sqlite3_bind_text(ins, 2, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, path, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 4, (sqlite3_int64)(t0 * 1000));
            ok = sqlite3_step(ins) == SQLITE_DONE;
            sqlite3_reset(ins);
            if (ok) ok = sqlite3_step(commit) == SQLITE_DONE;
            sqlite3_reset(commit);
        }
        if (!ok) {
            die(db, "commit");
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        }
        pthread_mutex_unlock(&writer_lock);
        if (!ok) break;
        w->commits++;
        if (w->n_lat < MAX_SAMPLES) w->lat_us[w->n_lat++] = (unsigned)((now_s() - t0) * 1e6);
    }
    sqlite3_finalize(begin);
    sqlite3_finalize(ins);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return NULL;
}

static int cmp_u(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: sqlite_commit DB SECONDS [THREADS]\n");
        return 2;
    }
    db_path = argv[1];
    double seconds = atof(argv[2]);
    int threads = argc > 3 ? atoi(argv[3]) : 1;
    if (seconds <= 0 || threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "sqlite_commit: bad SECONDS or THREADS\n");
        return 2;
    }
    sqlite3 *db = open_db();
    if (!db) return 1;
    /* The same columns and indexes as opsdesk's teams table. */
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id BIGINT,"
                     " name TEXT NOT NULL, path TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 1,"
                     " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, deleted_at BIGINT);"
                     "CREATE INDEX IF NOT EXISTS t_parent ON t(parent_id);"
                     "CREATE INDEX IF NOT EXISTS t_path ON t(path);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        die(db, "create table");
        sqlite3_close(db);
        return 1;
    }
    sqlite3_close(db);

    Worker w[MAX_THREADS];
    memset(w, 0, sizeof w);
    double start = now_s();
    deadline = start + seconds;
    for (int i = 0; i < threads; i++) {
        w[i].index = i;
        w[i].lat_us = malloc(sizeof(unsigned) * MAX_SAMPLES);
        if (!w[i].lat_us || pthread_create(&w[i].tid, NULL, run, &w[i]) != 0) {
            fprintf(stderr, "sqlite_commit: cannot start thread\n");
            return 1;
        }
    }
    long total = 0, n_lat = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(w[i].tid, NULL);
        total += w[i].commits;
        n_lat += w[i].n_lat;
    }
    double elapsed = now_s() - start;
    unsigned *all = malloc(sizeof(unsigned) * (size_t)(n_lat ? n_lat : 1));
    long k = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + k, w[i].lat_us, sizeof(unsigned) * (size_t)w[i].n_lat);
        k += w[i].n_lat;
        free(w[i].lat_us);
    }
    qsort(all, (size_t)n_lat, sizeof *all, cmp_u);
    unsigned p50 = n_lat ? all[n_lat / 2] : 0, p99 = n_lat ? all[(n_lat * 99) / 100] : 0;
    free(all);
    printf("commits=%ld seconds=%.2f rate=%.0f p50_us=%u p99_us=%u threads=%d\n", total, elapsed,
           elapsed > 0 ? (double)total / elapsed : 0.0, p50, p99, threads);
    return failed ? 1 : 0;
}
