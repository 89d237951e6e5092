/* sql_time.c — the bare-SQLite reference of bench/tasks: runs every statement
 * of SQLFILE (prepare, bind, step through every row, finalize — what the
 * sqlite3 shell does for each statement) N times on DB after one warm-up
 * round, and prints the mean time of one round in microseconds.
 *
 *   cc -O2 -o sql_time sql_time.c -lsqlite3
 *   sql_time DB N SQLFILE [PARAM…]     PARAM: i:123 (integer), t:text, n (NULL)
 *
 * Parameter k (?k) of every statement gets PARAM k. Prints:
 *   mean_us=M p50_us=P rows=R   (mean and median of a round; R: rows of the
 *   last round, all statements)
 * With N = 0 it runs the first statement once and prints its first column,
 * comma-separated (bench/tasks: the ids of a page, for the batched link queries).
 * Exit status non-zero on any SQLite error. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int print_ids; /* N = 0 */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long round_once(sqlite3 *db, const char *sql, int np, char **params) {
    long rows = 0;
    const char *p = sql;
    while (p && *p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, p, -1, &st, &tail) != SQLITE_OK) {
            fprintf(stderr, "sql_time: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        p = tail;
        if (!st) continue; /* whitespace or a comment */
        int nb = sqlite3_bind_parameter_count(st);
        for (int k = 1; k <= nb && k <= np; k++) {
            const char *v = params[k - 1];
            if (v[0] == 'i') sqlite3_bind_int64(st, k, strtoll(v + 2, NULL, 10));
            else if (v[0] == 't') sqlite3_bind_text(st, k, v + 2, -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(st, k);
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (print_ids) printf("%s%lld", rows ? "," : "", (long long)sqlite3_column_int64(st, 0));
            rows++;
        }
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "sql_time: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_finalize(st);
        if (print_ids) {
            printf("\n");
            exit(0);
        }
    }
    return rows;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: sql_time DB N SQLFILE [PARAM...]\n");
        return 2;
    }
    int n = atoi(argv[2]);
    FILE *f = fopen(argv[3], "rb");
    print_ids = n == 0;
    if (!f || n < 0) {
        fprintf(stderr, "sql_time: cannot read %s\n", argv[3]);
        return 1;
    }
    static char sql[1 << 20];
    size_t len = fread(sql, 1, sizeof sql - 1, f);
    sql[len] = 0;
    fclose(f);
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql_time: cannot open %s\n", argv[1]);
        return 1;
    }
    long rows = round_once(db, sql, argc - 4, argv + 4); /* warm-up: page cache, schema */
    double *each = malloc(sizeof *each * (size_t)n), sum = 0;
    if (!each) return 1;
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        rows = round_once(db, sql, argc - 4, argv + 4);
        each[i] = now_us() - t0;
        sum += each[i];
    }
    qsort(each, (size_t)n, sizeof *each, cmp_double);
    printf("mean_us=%.1f p50_us=%.1f rows=%ld\n", sum / n, each[n / 2], rows);
    free(each);
    sqlite3_close(db);
    return 0;
}
