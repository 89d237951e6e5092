/* eventlogs_cli.c — `opsdesk import events FILE` (streaming read, a progress
 * bar on a terminal, stored in one transaction through the same model as the
 * API) and `opsdesk analyze FILE|--log ID [--json]` (FILE: read and analysed
 * without a database; the JSON goes straight to a buffered stdout). Errors:
 * one line on stderr ("FILE:LINE:COLUMN: message" for a broken file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/timeutil.h"
#include "eventlogs_internal.h"

typedef struct CliArgs {
    const char *file;
    const char *name, *team, *format, *log_id;
    EvCsvColumns cols;
    const char *attrs[33];
    int n_attrs;
    bool json;
} CliArgs;

/* Parses the shared options; 0, or 2 with a usage message printed. */
static int parse_args(const char *cmd, int argc, char **argv, bool importing, CliArgs *a) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "--json") == 0 && !importing) {
            a->json = true;
            continue;
        }
        if (strcmp(s, "--name") == 0 && importing) slot = &a->name;
        else if (strcmp(s, "--team") == 0 && importing) slot = &a->team;
        else if (strcmp(s, "--log") == 0 && !importing) slot = &a->log_id;
        else if (strcmp(s, "--format") == 0) slot = &a->format;
        else if (strcmp(s, "--case") == 0) slot = &a->cols.case_col;
        else if (strcmp(s, "--activity") == 0) slot = &a->cols.activity_col;
        else if (strcmp(s, "--timestamp") == 0) slot = &a->cols.timestamp_col;
        else if (strcmp(s, "--resource") == 0) slot = &a->cols.resource_col;
        else if (strcmp(s, "--lifecycle") == 0) slot = &a->cols.lifecycle_col;
        else if (strcmp(s, "--start-timestamp") == 0) slot = &a->cols.start_timestamp_col;
        else if (strcmp(s, "--case-attr") == 0) {
            if (a->n_attrs >= 32) {
                fprintf(stderr, "opsdesk %s: at most 32 --case-attr columns\n", cmd);
                return 2;
            }
            slot = &a->attrs[a->n_attrs++];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "opsdesk %s: unknown option '%s' (see 'opsdesk %s --help')\n", cmd, s, cmd);
            return 2;
        } else if (!a->file) {
            a->file = s;
            continue;
        } else {
            fprintf(stderr, "opsdesk %s: one FILE only (see 'opsdesk %s --help')\n", cmd, cmd);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "opsdesk %s: %s needs a value\n", cmd, s);
            return 2;
        }
        *slot = argv[++i];
    }
    if (a->n_attrs) {
        a->attrs[a->n_attrs] = NULL;
        a->cols.case_attr_columns = a->attrs;
        a->cols.n_case_attr_columns = a->n_attrs;
    }
    if (a->format && strcmp(a->format, "xes") && strcmp(a->format, "csv") && strcmp(a->format, "auto")) {
        fprintf(stderr, "opsdesk %s: --format must be xes, csv or auto\n", cmd);
        return 2;
    }
    return 0;
}

static EvFormat format_of(const char *f) {
    if (f && strcmp(f, "xes") == 0) return EVF_XES;
    if (f && strcmp(f, "csv") == 0) return EVF_CSV;
    return EVF_AUTO;
}

/* A progress bar on stderr, redrawn at most 10 times a second. */
typedef struct Progress {
    int64_t last_ns;
    bool drawn;
} Progress;

static void progress_draw(void *ctx, uint64_t done, uint64_t total) {
    Progress *p = ctx;
    int64_t now = time_mono_ns();
    if (p->drawn && now - p->last_ns < 100000000) return;
    p->last_ns = now;
    p->drawn = true;
    if (total) {
        int width = 40, fill = (int)((double)done / (double)total * width);
        if (fill > width) fill = width;
        fprintf(stderr, "\r[%.*s%*s] %3d%%  %.1f MB", fill, "########################################", width - fill,
                "", (int)((double)done * 100.0 / (double)total), (double)done / 1e6);
    } else fprintf(stderr, "\r%.1f MB read", (double)done / 1e6);
}

static void progress_end(Progress *p) {
    if (p->drawn) fputs("\r\033[K", stderr);
}

/* Reads FILE (streaming); on failure prints FILE:LINE:COLUMN: message. */
static EventLog *read_log(const CliArgs *a, bool show_progress) {
    EventLog *log = evlog_new();
    if (!log) {
        fputs("opsdesk: out of memory\n", stderr);
        return NULL;
    }
    EvError err = {0};
    Progress p = {0};
    int rc =
        evlog_read_file(log, a->file, format_of(a->format), &a->cols, show_progress ? progress_draw : NULL, &p, &err);
    progress_end(&p);
    if (rc != 0) {
        if (err.line > 0) fprintf(stderr, "%s:%ld:%ld: %s\n", a->file, err.line, err.column, err.message);
        else fprintf(stderr, "%s: %s\n", a->file, err.message);
        evlog_free(log);
        return NULL;
    }
    return log;
}

static Db *open_migrated(const char *db_url) {
    Db *db;
    char err[600];
    if (db_open(db_url, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "opsdesk: %s\n", err);
        return NULL;
    }
    int n = 0;
    if (db_migrate(db, &n) != DB_OK) {
        fprintf(stderr, "opsdesk: %s\n", db_errmsg(db));
        db_close(db);
        return NULL;
    }
    return db;
}

/* --team: a team id, or a team's exact name. */
static int resolve_team(Db *db, const char *team, int64_t *out) {
    char *end;
    long long v = strtoll(team, &end, 10);
    if (*team && !*end && v > 0) {
        *out = v;
        return 0;
    }
    DbStmt *st;
    if (db_prepare(db, "SELECT id FROM teams WHERE name = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1", &st) != DB_OK)
        return -1;
    db_bind_text(st, 1, team);
    int rc = db_step(st);
    if (rc == DB_ROW) *out = db_col_int(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 0 : -1;
}

/* With no --team: the root team (the only team a fresh installation has). */
static int default_team(Db *db, int64_t *out) {
    return db_query_int(db, "SELECT id FROM teams WHERE deleted_at IS NULL ORDER BY length(path), id LIMIT 1", out) ==
                   DB_ROW
               ? 0
               : -1;
}

/* The first non-blank character of the (possibly gzip-compressed) text is '<'. */
static bool file_is_xes(const char *path) {
    gzFile f = gzopen(path, "rb");
    if (!f) return false;
    unsigned char peek[512];
    int n = gzread(f, peek, sizeof peek);
    gzclose(f);
    int i = n >= 3 && peek[0] == 0xEF && peek[1] == 0xBB && peek[2] == 0xBF ? 3 : 0;
    while (i < n && (peek[i] == ' ' || peek[i] == '\t' || peek[i] == '\r' || peek[i] == '\n')) i++;
    return i < n && peek[i] == '<';
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int eventlogs_cli_import(const char *db_url, int argc, char **argv) {
    if (argc > 0 && strcmp(argv[0], "--help") == 0) {
        puts("usage: opsdesk import events FILE [--name N] [--team ID|NAME] [--format xes|csv|auto]\n"
             "         [--case COL] [--activity COL] [--timestamp COL] [--resource COL] [--lifecycle COL]\n"
             "         [--start-timestamp COL] [--case-attr COL]...\n"
             "Imports an event log (.xes, .xes.gz, .csv, .csv.gz) into the database in one transaction and\n"
             "prints the new log's id and counts. A broken file prints FILE:LINE:COLUMN: message and stores nothing.\n"
             "CSV columns are detected from the header unless named.");
        return 0;
    }
    CliArgs a;
    int rc = parse_args("import events", argc, argv, true, &a);
    if (rc) return rc;
    if (!a.file) {
        fputs("opsdesk import events: FILE is required (see 'opsdesk import events --help')\n", stderr);
        return 2;
    }
    if (a.name && (!*a.name || strlen(a.name) > 600)) {
        fputs("opsdesk import events: --name must be 1–200 characters\n", stderr);
        return 2;
    }
    int64_t t0 = time_mono_ns();
    EventLog *log = read_log(&a, isatty(STDERR_FILENO));
    if (!log) return 1;
    int64_t t_read = time_mono_ns();
    Db *db = open_migrated(db_url);
    if (!db) {
        evlog_free(log);
        return 1;
    }
    int64_t team_id = 0;
    if ((a.team ? resolve_team(db, a.team, &team_id) : default_team(db, &team_id)) != 0) {
        fprintf(stderr, "opsdesk import events: %s\n", a.team ? "no such team" : "no team: run 'opsdesk init' first");
        evlog_free(log);
        db_close(db);
        return 1;
    }
    Req *r = web_cli_request(db);
    bool xes = a.format && strcmp(a.format, "auto") != 0 ? strcmp(a.format, "xes") == 0 : file_is_xes(a.file);
    EventlogsImport in = {a.name ? a.name : base_name(a.file), team_id, base_name(a.file), xes ? "xes" : "csv"};
    EventLogInfo info;
    rc = eventlogs_store(r, log, &in, &info);
    int64_t t_store = time_mono_ns();
    if (rc != 0) fprintf(stderr, "opsdesk import events: %s\n", req_first_error(r));
    else {
        double secs = (double)(t_store - t_read) / 1e9;
        printf("imported event log %lld: %lld cases, %lld events, %lld activities\n", (long long)info.id,
               (long long)info.n_cases, (long long)info.n_events, (long long)info.n_activities);
        fprintf(stderr, "read %.2f s, stored %.2f s (%.0f events/s)\n", (double)(t_read - t0) / 1e9, secs,
                secs > 0 ? (double)info.n_events / secs : 0.0);
    }
    web_cli_request_free(r);
    evlog_free(log);
    db_close(db);
    return rc == 0 ? 0 : 1;
}

static int write_stdout(void *ctx, const char *bytes, size_t n) {
    (void)ctx;
    return fwrite(bytes, 1, n, stdout) == n ? 0 : -1;
}

/* A short human summary of an analysis. */
static void print_summary(const Analysis *an) {
    printf("cases %lld, events %lld, activity instances %lld, activities %lld, resources %lld, variants %lld\n",
           (long long)an->n_cases, (long long)an->n_events, (long long)an->n_instances, (long long)an->n_activities,
           (long long)an->n_resources, (long long)an->n_variants_total);
    printf("case duration: median %.1f h, mean %.1f h, p90 %.1f h, max %.1f h\n", an->case_duration.median / 3.6e6,
           an->case_duration.mean / 3.6e6, an->case_duration.p90 / 3.6e6, an->case_duration.max / 3.6e6);
    printf("rework: %lld cases (%.1f%%)\n", (long long)an->rework_cases, an->rework_share * 100);
    int n = an->n_bottleneck_edges < 5 ? an->n_bottleneck_edges : 5;
    if (n) puts("bottlenecks (total waiting time):");
    for (int i = 0; i < n; i++) {
        const AnlEdge *e = &an->edges[an->bottleneck_edges_by_total[i]];
        printf("  %s -> %s: %lld times, mean wait %.1f h, total %.1f h (%.1f%% of case time)\n",
               an->log->activities.strs[e->from], an->log->activities.strs[e->to], (long long)e->count,
               e->waiting.mean / 3.6e6, e->waiting_total_ms / 3.6e6, e->share_of_case_time * 100);
    }
    if (an->has_model) printf("fitness: %.3f\n", an->fitness);
}

/* The document is built in memory (tens of kilobytes even for large logs:
 * its size follows activities, edges and variants, not events) and written
 * with one fwrite. */
static void emit_json(const Analysis *an) {
    Buf b = {0};
    JsonW w;
    jw_init(&w, &b);
    anl_write_json(&w, an);
    buf_putc(&b, '\n');
    write_stdout(NULL, b.data, b.len);
    buf_free(&b);
}

int eventlogs_cli_analyze(const char *db_url, int argc, char **argv) {
    if (argc > 0 && strcmp(argv[0], "--help") == 0) {
        puts("usage: opsdesk analyze FILE [--json] [--format xes|csv|auto] [--case COL] [--activity COL] ...\n"
             "       opsdesk analyze --log ID [--json] [--db URL]\n"
             "Analyses an event log: an XES/CSV file without storing it, or a stored log (with conformance for\n"
             "the run log of an SOP). --json prints the whole analysis document (the same as\n"
             "GET /api/v1/eventlogs/{id}/analysis); without it, a short summary.");
        return 0;
    }
    CliArgs a;
    int rc = parse_args("analyze", argc, argv, false, &a);
    if (rc) return rc;
    if (!a.file == !a.log_id) {
        fputs("opsdesk analyze: give FILE or --log ID (see 'opsdesk analyze --help')\n", stderr);
        return 2;
    }
    Arena *arena = arena_new();
    Analysis *an = NULL;
    EventLog *log = NULL;
    char err[256] = "";
    rc = 1;
    if (a.file) {
        log = read_log(&a, isatty(STDERR_FILENO) && !a.json);
        if (log && anl_run(arena, log, NULL, &an, err, sizeof err) != 0) fprintf(stderr, "opsdesk analyze: %s\n", err);
        else if (log) rc = 0;
    } else {
        char *end;
        long long id = strtoll(a.log_id, &end, 10);
        if (*end || id < 1) {
            fputs("opsdesk analyze: --log must be a log id\n", stderr);
            arena_free(arena);
            return 2;
        }
        Db *db = open_migrated(db_url);
        if (db) {
            Req *r = web_cli_request(db);
            EventLogInfo info;
            AnlOptions opt = {0};
            if (eventlogs_get(r, id, &info) != 0 || eventlogs_analyze(r, &info, &opt, &log, &an) != 0)
                fprintf(stderr, "opsdesk analyze: %s\n", req_first_error(r));
            else rc = 0;
            if (rc == 0) {
                if (a.json) emit_json(an);
                else print_summary(an);
            }
            web_cli_request_free(r);
            db_close(db);
            evlog_free(log);
            arena_free(arena);
            return rc;
        }
    }
    if (rc == 0) {
        if (a.json) emit_json(an);
        else print_summary(an);
    }
    evlog_free(log);
    arena_free(arena);
    return rc;
}
