/* sqlite_insert_events.c — the bare reference for `opsdesk import events`:
 * the same events inserted as plain rows, one row per event
 * (case_id, activity, resource, lifecycle, time_ms), by one prepared INSERT
 * reused for every row, in one transaction, into a fresh SQLite file in WAL
 * with synchronous=FULL (opsdesk's settings). No indexes beyond the rowid.
 *
 * The XES file is first read with libexpat into memory (untimed: opsdesk's
 * "stored" figure excludes its parse too); only BEGIN … COMMIT is timed.
 * Time stamps are converted to UTC milliseconds like opsdesk does.
 *
 *   cc -O2 -o sqlite_insert_events sqlite_insert_events.c $(pkg-config --cflags --libs expat zlib sqlite3)
 *   sqlite_insert_events FILE[.xes|.xes.gz] DB
 *
 * Prints one line:  events=N seconds=S rate=R read_seconds=P
 * (seconds and rate: the timed insert; read_seconds: the untimed expat read
 * before it, for a parse + insert comparison). Exit status non-zero on any error. */
#define _POSIX_C_SOURCE 200809L
#include <expat.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct Event {
    char *case_id, *activity, *resource, *lifecycle;
    int64_t time_ms;
} Event;

typedef struct Reader {
    Event *events;
    size_t n_events, cap;
    char *trace_case;             /* concept:name of the open trace */
    int depth_trace, depth_event; /* element depth of the open <trace> / <event>, 0 when none */
    int depth;
    Event cur;
} Reader;

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fputs("sqlite_insert_events: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* Local name of a (possibly namespace-qualified) element. */
static const char *local(const char *name) {
    const char *s = strrchr(name, '|');
    if (!s) s = strrchr(name, ':');
    return s ? s + 1 : name;
}

static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM] → UTC ms; -1 when malformed. */
static int64_t parse_time(const char *s) {
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) return -1;
    const char *p = s + n;
    int64_t ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3) ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++) ms *= 10;
    }
    int64_t off_min = 0;
    if (*p == '+' || *p == '-') {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1) return -1;
        off_min = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off_min * 60;
    return secs * 1000 + ms;
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    Reader *r = ud;
    r->depth++;
    const char *el = local(name);
    if (strcmp(el, "trace") == 0) {
        r->depth_trace = r->depth;
        return;
    }
    if (strcmp(el, "event") == 0 && r->depth_trace) {
        r->depth_event = r->depth;
        memset(&r->cur, 0, sizeof r->cur);
        return;
    }
    const char *key = NULL, *value = NULL;
    for (int i = 0; attrs[i]; i += 2) {
        if (strcmp(attrs[i], "key") == 0) key = attrs[i + 1];
        else if (strcmp(attrs[i], "value") == 0) value = attrs[i + 1];
    }
    if (!key || !value) return;
    if (r->depth_event && r->depth == r->depth_event + 1) {
        if (strcmp(key, "concept:name") == 0) r->cur.activity = xstrdup(value);
        else if (strcmp(key, "org:resource") == 0) r->cur.resource = xstrdup(value);
        else if (strcmp(key, "lifecycle:transition") == 0) r->cur.lifecycle = xstrdup(value);
        else if (strcmp(key, "time:timestamp") == 0) r->cur.time_ms = parse_time(value);
    } else if (!r->depth_event && r->depth_trace && r->depth == r->depth_trace + 1 &&
               strcmp(key, "concept:name") == 0) {
        free(r->trace_case);
        r->trace_case = xstrdup(value);
    }
}

static void on_end(void *ud, const XML_Char *name) {
    Reader *r = ud;
    if (r->depth_event == r->depth) {
        if (r->n_events == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 1 << 16;
            Event *grown = realloc(r->events, r->cap * sizeof *grown);
            if (!grown) {
                fputs("sqlite_insert_events: out of memory\n", stderr);
                exit(1);
            }
            r->events = grown;
        }
        /* Every event row carries its case id, as a plain per-event table must. */
        r->cur.case_id = xstrdup(r->trace_case ? r->trace_case : "");
        r->events[r->n_events++] = r->cur;
        r->depth_event = 0;
    } else if (r->depth_trace == r->depth && strcmp(local(name), "trace") == 0) {
        r->depth_trace = 0;
        free(r->trace_case);
        r->trace_case = NULL;
    }
    r->depth--;
}

static int read_xes(const char *path, Reader *r) {
    gzFile f = gzopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    gzbuffer(f, 1 << 20);
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    XML_SetUserData(p, r);
    XML_SetElementHandler(p, on_start, on_end);
    int rc = 0;
    for (;;) {
        void *buf = XML_GetBuffer(p, 1 << 20);
        int n = gzread(f, buf, 1 << 20);
        if (n < 0 || XML_ParseBuffer(p, n, n == 0) == XML_STATUS_ERROR) {
            fprintf(stderr, "%s: %s at line %lu\n", path, n < 0 ? "read error" : XML_ErrorString(XML_GetErrorCode(p)),
                    (unsigned long)XML_GetCurrentLineNumber(p));
            rc = -1;
            break;
        }
        if (n == 0) break;
    }
    XML_ParserFree(p);
    gzclose(f);
    return rc;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "sqlite_insert_events: %s: %s\n", what, sqlite3_errmsg(db));
    return 1;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s) {
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: sqlite_insert_events FILE[.xes|.xes.gz] DB\n", stderr);
        return 2;
    }
    Reader r = {0};
    double t_read = now_s();
    if (read_xes(argv[1], &r) != 0) return 1;
    t_read = now_s() - t_read;
    remove(argv[2]);
    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) return fail(db, "open");
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"
                     "CREATE TABLE events (case_id TEXT NOT NULL, activity TEXT NOT NULL, resource TEXT,"
                     " lifecycle TEXT, time_ms BIGINT NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "schema");
    sqlite3_stmt *st;
    double t0 = now_s();
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "begin");
    if (sqlite3_prepare_v2(
            db, "INSERT INTO events (case_id, activity, resource, lifecycle, time_ms) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
            &st, NULL) != SQLITE_OK)
        return fail(db, "prepare");
    for (size_t i = 0; i < r.n_events; i++) {
        const Event *e = &r.events[i];
        sqlite3_bind_text(st, 1, e->case_id, -1, SQLITE_STATIC);
        bind_text_or_null(st, 2, e->activity ? e->activity : "");
        bind_text_or_null(st, 3, e->resource);
        bind_text_or_null(st, 4, e->lifecycle);
        sqlite3_bind_int64(st, 5, e->time_ms);
        if (sqlite3_step(st) != SQLITE_DONE) return fail(db, "insert");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "commit");
    double secs = now_s() - t0;
    sqlite3_close(db);
    printf("events=%zu seconds=%.4f rate=%.0f read_seconds=%.4f\n", r.n_events, secs,
           secs > 0 ? (double)r.n_events / secs : 0.0, t_read);
    for (size_t i = 0; i < r.n_events; i++) {
        free(r.events[i].case_id);
        free(r.events[i].activity);
        free(r.events[i].resource);
        free(r.events[i].lifecycle);
    }
    free(r.events);
    return 0;
}
