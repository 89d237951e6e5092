/* main.c — command-line dispatch only: parse flags, open the database, call
 * the module that does the work. Errors: one line on stderr, exit code 1
 * (2 for usage errors). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "demo.h"
#include "eventlogs/eventlogs.h"
#include "goals/goals.h"
#include "jobs/jobs.h"
#include "notify/notify.h"
#include "org/org.h"
#include "runs/runs.h"
#include "sops/sops.h"
#include "tasks/tasks.h"
#include "web/web.h"
#include "web/web_auth.h"
#include "web/web_html.h"
#include "web/web_server.h"

extern const RouteTable web_route_table;

typedef struct Args {
    int argc;
    char **argv;
    const char *db_url;
} Args;

static int usage_error(const char *cmd, const char *msg) {
    fprintf(stderr, "opsdesk %s: %s (see 'opsdesk %s --help')\n", cmd, msg, cmd);
    return 2;
}

/* Returns the value of --name (or --name=value), or NULL. Marks it consumed. */
static const char *flag(Args *a, const char *name) {
    size_t n = strlen(name);
    for (int i = 0; i < a->argc; i++) {
        char *s = a->argv[i];
        if (!s || strncmp(s, name, n) != 0) continue;
        if (s[n] == '=') {
            a->argv[i] = NULL;
            return s + n + 1;
        }
        if (s[n] == 0 && i + 1 < a->argc && a->argv[i + 1]) {
            const char *v = a->argv[i + 1];
            a->argv[i] = a->argv[i + 1] = NULL;
            return v;
        }
    }
    return NULL;
}

static bool has_flag(Args *a, const char *name) {
    for (int i = 0; i < a->argc; i++)
        if (a->argv[i] && strcmp(a->argv[i], name) == 0) {
            a->argv[i] = NULL;
            return true;
        }
    return false;
}

/* Any argument not consumed is an error. */
static int leftover(Args *a, const char *cmd) {
    for (int i = 0; i < a->argc; i++)
        if (a->argv[i]) {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown argument '%s'", a->argv[i]);
            return usage_error(cmd, msg);
        }
    return 0;
}

/* Creates the folder of a sqlite:PATH database when missing. */
static void ensure_sqlite_dir(const char *url) {
    if (strncmp(url, "sqlite:", 7) != 0) return;
    char path[1024];
    snprintf(path, sizeof path, "%s", url + 7);
    char *slash = strrchr(path, '/');
    if (!slash || slash == path) return;
    *slash = 0;
    mkdir(path, 0755);
}

static Db *open_db(const char *url, bool migrate) {
    ensure_sqlite_dir(url);
    Db *db;
    char err[600];
    if (db_open(url, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "opsdesk: %s\n", err);
        return NULL;
    }
    if (migrate) {
        int n = 0;
        if (db_migrate(db, &n) != DB_OK) {
            fprintf(stderr, "opsdesk: %s\n", db_errmsg(db));
            db_close(db);
            return NULL;
        }
    }
    return db;
}

static int read_password_stdin(char *out, size_t n) {
    if (!fgets(out, (int)n, stdin)) return -1;
    size_t len = strlen(out);
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r')) out[--len] = 0;
    return 0;
}

/* ---------- commands ---------- */

typedef struct ServeJobs {
    const char *db_url;
    int poll_ms;
} ServeJobs;

static void serve_jobs_start(void *ctx) {
    const ServeJobs *j = ctx;
    if (jobs_runner_start(j->db_url, j->poll_ms) != 0) log_error("jobs: the runner did not start");
}

static void serve_jobs_stop(void *ctx) {
    (void)ctx;
    jobs_runner_stop();
}

static int cmd_serve(Args *a) {
    if (has_flag(a, "--help")) {
        puts("usage: opsdesk serve [--db URL] [--listen ADDR:PORT] [--threads N] [--secure-cookies]\n"
             "                     [--port-file FILE] [--jobs-poll-ms N]\n"
             "Serves the web application and the JSON API. --listen 127.0.0.1:0 picks a free port\n"
             "(written to --port-file). Defaults: 127.0.0.1:8080, 4 threads. A jobs runner thread\n"
             "runs due background jobs every --jobs-poll-ms (default 3000; 0: no runner).");
        return 0;
    }
    WebConfig c;
    web_config_defaults(&c);
    c.db_url = a->db_url;
    const char *listen = flag(a, "--listen"), *threads = flag(a, "--threads");
    const char *poll = flag(a, "--jobs-poll-ms");
    c.port_file = flag(a, "--port-file");
    c.secure_cookies = has_flag(a, "--secure-cookies");
    if (listen) {
        static char addr[64];
        const char *colon = strrchr(listen, ':');
        if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof addr)
            return usage_error("serve", "--listen must be ADDR:PORT");
        memcpy(addr, listen, (size_t)(colon - listen));
        addr[colon - listen] = 0;
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (*end || port < 0 || port > 65535) return usage_error("serve", "--listen: bad port");
        c.listen_addr = addr;
        c.port = (uint16_t)port;
    }
    if (threads) {
        char *end;
        long n = strtol(threads, &end, 10);
        if (*end || n < 1 || n > 256) return usage_error("serve", "--threads must be 1..256");
        c.threads = (int)n;
    }
    long poll_ms = 3000;
    if (poll) {
        char *end;
        poll_ms = strtol(poll, &end, 10);
        if (*end || poll_ms < 0 || poll_ms > 3600000) return usage_error("serve", "--jobs-poll-ms must be 0..3600000");
    }
    int rc = leftover(a, "serve");
    if (rc) return rc;
    /* The web layer knows nothing of jobs: the runner is a sibling thread,
     * started once the server has checked the database and bound its port. */
    static ServeJobs jobs;
    jobs = (ServeJobs){c.db_url, (int)poll_ms};
    if (poll_ms > 0) c.on_started = serve_jobs_start, c.on_stopping = serve_jobs_stop, c.hook_ctx = &jobs;
    return web_serve(&c);
}

static int cmd_migrate(Args *a, const char *name) {
    if (has_flag(a, "--help")) {
        printf("usage: opsdesk %s [--db URL]\n%s\n", name,
               strcmp(name, "init") == 0 ? "Creates the database (if needed) and its schema."
                                         : "Applies the embedded schema migrations not yet applied.");
        return 0;
    }
    int rc = leftover(a, name);
    if (rc) return rc;
    ensure_sqlite_dir(a->db_url);
    Db *db;
    char err[600];
    if (db_open(a->db_url, &db, err, sizeof err) != DB_OK) {
        fprintf(stderr, "opsdesk: %s\n", err);
        return 1;
    }
    int n = 0;
    if (db_migrate(db, &n) != DB_OK) {
        fprintf(stderr, "opsdesk: %s\n", db_errmsg(db));
        db_close(db);
        return 1;
    }
    int version = 0;
    db_schema_version(db, &version);
    printf("%s: %d migration(s) applied, schema version %d\n", name, n, version);
    db_close(db);
    return 0;
}

static int cmd_demo(Args *a) {
    if (has_flag(a, "--help")) {
        puts("usage: opsdesk demo [--db URL]\n"
             "Creates the schema and loads a realistic demo operations team (refuses when people exist).");
        return 0;
    }
    int rc = leftover(a, "demo");
    if (rc) return rc;
    Db *db = open_db(a->db_url, true);
    if (!db) return 1;
    rc = demo_load(db, stdout);
    db_close(db);
    return rc;
}

static int cmd_user(Args *a) {
    const char *sub = a->argc > 0 ? a->argv[0] : NULL;
    if (!sub || strcmp(sub, "--help") == 0) {
        puts("usage: opsdesk user add --login L --name NAME [--role admin|supervisor|member|viewer]\n"
             "                        [--team TEAM_NAME] [--password-stdin]\n"
             "       opsdesk user passwd --login L --password-stdin\n"
             "       opsdesk user list\n"
             "       opsdesk user disable --login L");
        return sub ? 0 : 2;
    }
    a->argv[0] = NULL;
    if (has_flag(a, "--help")) {
        printf("see 'opsdesk user --help'\n");
        return 0;
    }
    Db *db;
    if (strcmp(sub, "add") == 0) {
        const char *login = flag(a, "--login"), *name = flag(a, "--name"), *role = flag(a, "--role");
        const char *team = flag(a, "--team");
        bool pw_stdin = has_flag(a, "--password-stdin");
        int rc = leftover(a, "user add");
        if (rc) return rc;
        if (!login) return usage_error("user add", "--login is required");
        char password[1100] = "";
        if (pw_stdin && read_password_stdin(password, sizeof password) != 0)
            return usage_error("user add", "--password-stdin: no password on standard input");
        if (!(db = open_db(a->db_url, true))) return 1;
        char msg[600];
        int64_t id = org_cli_user_add(db, login, name ? name : login, role ? role : "member", team,
                                      pw_stdin ? password : NULL, msg, sizeof msg);
        sodium_memzero(password, sizeof password);
        db_close(db);
        if (id < 0) {
            fprintf(stderr, "opsdesk user add: %s\n", msg);
            return 1;
        }
        printf("user %s created (id %lld)\n", login, (long long)id);
        return 0;
    }
    if (strcmp(sub, "passwd") == 0) {
        const char *login = flag(a, "--login");
        bool pw_stdin = has_flag(a, "--password-stdin");
        int rc = leftover(a, "user passwd");
        if (rc) return rc;
        if (!login) return usage_error("user passwd", "--login is required");
        if (!pw_stdin)
            return usage_error("user passwd", "--password-stdin is required (passwords never go in arguments)");
        char password[1100];
        if (read_password_stdin(password, sizeof password) != 0)
            return usage_error("user passwd", "no password on standard input");
        if (!(db = open_db(a->db_url, true))) return 1;
        char msg[600];
        rc = org_cli_user_passwd(db, login, password, msg, sizeof msg);
        sodium_memzero(password, sizeof password);
        db_close(db);
        if (rc) {
            fprintf(stderr, "opsdesk user passwd: %s\n", msg);
            return 1;
        }
        printf("password of %s changed; their sessions were ended\n", login);
        return 0;
    }
    if (strcmp(sub, "list") == 0) {
        int rc = leftover(a, "user list");
        if (rc) return rc;
        if (!(db = open_db(a->db_url, true))) return 1;
        rc = org_cli_user_list(db, stdout);
        db_close(db);
        return rc;
    }
    if (strcmp(sub, "disable") == 0) {
        const char *login = flag(a, "--login");
        int rc = leftover(a, "user disable");
        if (rc) return rc;
        if (!login) return usage_error("user disable", "--login is required");
        if (!(db = open_db(a->db_url, true))) return 1;
        char msg[600];
        rc = org_cli_user_disable(db, login, msg, sizeof msg);
        db_close(db);
        if (rc) {
            fprintf(stderr, "opsdesk user disable: %s\n", msg);
            return 1;
        }
        printf("user %s disabled; their sessions and tokens were revoked\n", login);
        return 0;
    }
    return usage_error("user", "unknown subcommand (add, passwd, list, disable)");
}

static int cmd_token(Args *a) {
    const char *sub = a->argc > 0 ? a->argv[0] : NULL;
    if (!sub || strcmp(sub, "--help") == 0) {
        puts("usage: opsdesk token create --login L [--name NAME]   (prints the token once)\n"
             "       opsdesk token revoke --id ID");
        return sub ? 0 : 2;
    }
    a->argv[0] = NULL;
    if (has_flag(a, "--help")) {
        printf("see 'opsdesk token --help'\n");
        return 0;
    }
    Db *db;
    char msg[600];
    if (strcmp(sub, "create") == 0) {
        const char *login = flag(a, "--login"), *name = flag(a, "--name");
        int rc = leftover(a, "token create");
        if (rc) return rc;
        if (!login) return usage_error("token create", "--login is required");
        if (!(db = open_db(a->db_url, true))) return 1;
        char token[AUTH_TOKEN_LEN + 8];
        rc = org_cli_token_create(db, login, name ? name : "cli", token, msg, sizeof msg);
        db_close(db);
        if (rc) {
            fprintf(stderr, "opsdesk token create: %s\n", msg);
            return 1;
        }
        puts(token);
        return 0;
    }
    if (strcmp(sub, "revoke") == 0) {
        const char *id = flag(a, "--id");
        int rc = leftover(a, "token revoke");
        if (rc) return rc;
        char *end = NULL;
        long long n = id ? strtoll(id, &end, 10) : 0;
        if (!id || *end || n <= 0) return usage_error("token revoke", "--id must be a token id");
        if (!(db = open_db(a->db_url, true))) return 1;
        rc = org_cli_token_revoke(db, n, msg, sizeof msg);
        db_close(db);
        if (rc) {
            fprintf(stderr, "opsdesk token revoke: %s\n", msg);
            return 1;
        }
        printf("token %lld revoked\n", n);
        return 0;
    }
    return usage_error("token", "unknown subcommand (create, revoke)");
}

static int cmd_backup(Args *a) {
    if (has_flag(a, "--help")) {
        puts("usage: opsdesk backup [--db sqlite:PATH] FILE\n"
             "Writes a consistent copy of the SQLite database to FILE while the server keeps running\n"
             "(SQLite online backup). On PostgreSQL use pg_dump -Fc -f FILE 'CONNINFO'.");
        return 0;
    }
    const char *dest = NULL;
    for (int i = 0; i < a->argc; i++)
        if (a->argv[i] && a->argv[i][0] != '-') {
            dest = a->argv[i];
            a->argv[i] = NULL;
            break;
        }
    int rc = leftover(a, "backup");
    if (rc) return rc;
    if (!dest) return usage_error("backup", "FILE is required");
    if (access(dest, F_OK) == 0) return usage_error("backup", "FILE exists; refusing to overwrite it");
    Db *db = open_db(a->db_url, false);
    if (!db) return 1;
    char err[600];
    rc = db_backup(db, dest, err, sizeof err);
    db_close(db);
    if (rc != DB_OK) {
        fprintf(stderr, "opsdesk backup: %s\n", err);
        return 1;
    }
    printf("backup written to %s\n", dest);
    return 0;
}

static int cmd_jobs(Args *a) {
    const char *sub = a->argc > 0 ? a->argv[0] : NULL;
    if (!sub || strcmp(sub, "--help") == 0) {
        puts("usage: opsdesk jobs run-once [--worker NAME] [--now ISO]   (runs due jobs, then exits)\n"
             "       opsdesk jobs enqueue --kind K [--key DEDUPE_KEY] [--payload JSON] [--at ISO] [--count N]\n"
             "       opsdesk jobs status [--kind K]   (counts as one JSON line)");
        return sub ? 0 : 2;
    }
    a->argv[0] = NULL;
    if (has_flag(a, "--help")) {
        printf("see 'opsdesk jobs --help'\n");
        return 0;
    }
    Db *db;
    if (strcmp(sub, "run-once") == 0) {
        const char *worker = flag(a, "--worker"), *now = flag(a, "--now");
        int rc = leftover(a, "jobs run-once");
        if (rc) return rc;
        int64_t now_ms = 0;
        if (now && time_parse_iso(now, &now_ms) != 0) return usage_error("jobs run-once", "--now must be ISO 8601");
        if (!(db = open_db(a->db_url, true))) return 1;
        rc = jobs_cli_run_once(db, worker ? worker : jobs_worker_id(), now_ms, stdout, stderr);
        db_close(db);
        return rc;
    }
    if (strcmp(sub, "enqueue") == 0) {
        const char *kind = flag(a, "--kind"), *key = flag(a, "--key"), *payload = flag(a, "--payload");
        const char *at = flag(a, "--at"), *count = flag(a, "--count");
        int rc = leftover(a, "jobs enqueue");
        if (rc) return rc;
        if (!kind) return usage_error("jobs enqueue", "--kind is required");
        int64_t run_at = time_now_ms();
        if (at && time_parse_iso(at, &run_at) != 0) return usage_error("jobs enqueue", "--at must be ISO 8601");
        long n = 1;
        if (count) {
            char *end;
            n = strtol(count, &end, 10);
            if (*end || n < 1 || n > 100000) return usage_error("jobs enqueue", "--count must be 1..100000");
        }
        if (!(db = open_db(a->db_url, true))) return 1;
        rc = jobs_cli_enqueue(db, kind, key, payload, run_at, (int)n, stdout, stderr);
        db_close(db);
        return rc;
    }
    if (strcmp(sub, "status") == 0) {
        const char *kind = flag(a, "--kind");
        int rc = leftover(a, "jobs status");
        if (rc) return rc;
        if (!(db = open_db(a->db_url, true))) return 1;
        rc = jobs_cli_status(db, kind, stdout, stderr);
        db_close(db);
        return rc;
    }
    return usage_error("jobs", "unknown subcommand (run-once, enqueue, status)");
}

/* Job handlers: glue between the jobs runner and the modules' functions. */
typedef struct DigestCtx {
    Db *db;
    const Job *job;
} DigestCtx;

static int job_tasks_recurrence(Db *db, const Job *job, char *err, size_t err_len) {
    int n = 0;
    int rc = tasks_recur_due(db, job->now_ms, &n);
    if (rc < 0) snprintf(err, err_len, "%s", db_errmsg(db));
    return rc < 0 ? -1 : 0;
}

static int digest_one(void *ctx, int64_t owner_id, int64_t due_tomorrow, int64_t overdue) {
    const DigestCtx *c = ctx;
    int64_t day = (c->job->run_at + (int64_t)web_display_offset_min() * 60000) / (86400 * 1000);
    char key[80], a1[24], a2[24];
    snprintf(key, sizeof key, "digest:%lld:%lld", (long long)owner_id, (long long)day);
    snprintf(a1, sizeof a1, "%lld", (long long)due_tomorrow);
    snprintf(a2, sizeof a2, "%lld", (long long)overdue);
    const char *args[2] = {a1, a2};
    return notify(c->db, owner_id, "digest", "notify.digest", 2, args, "/tasks", key, NULL);
}

/* Daily, per owner: tasks due tomorrow and overdue, one notification each
 * day (its dedupe key), shown in the owner's language when read. */
static int job_notify_digest(Db *db, const Job *job, char *err, size_t err_len) {
    DigestCtx c = {db, job};
    int rc = tasks_digest(db, job->now_ms, digest_one, &c);
    if (rc < 0) snprintf(err, err_len, "%s", db_errmsg(db));
    return rc < 0 ? -1 : 0;
}

/* Daily: owners of SOPs whose review is due (once per due date). */
static int job_sops_review(Db *db, const Job *job, char *err, size_t err_len) {
    int n = 0, rc = sops_review_run(db, job->now_ms, &n);
    if (rc < 0) snprintf(err, err_len, "%s", db_errmsg(db));
    return rc < 0 ? -1 : 0;
}

static void register_jobs(void) {
    jobs_register_builtin();
    jobs_register("task_recurrence", job_tasks_recurrence);
    jobs_register_periodic("task_recurrence", 15 * 60 * 1000, 0);
    /* The digest at 07:00 in the display zone. */
    int64_t day_ms = 86400 * 1000, at = ((7 * 60 - (int64_t)web_display_offset_min()) * 60000) % day_ms;
    jobs_register("notify_digest", job_notify_digest);
    jobs_register_periodic("notify_digest", day_ms, (at + day_ms) % day_ms);
    jobs_register("sop_review", job_sops_review);
    jobs_register_periodic("sop_review", day_ms, (at + day_ms) % day_ms);
}

static void register_routes(void) {
    web_register(&web_route_table);
    web_register(&org_api_route_table);
    web_register(&org_page_route_table);
    web_register(&goals_api_route_table);
    web_register(&goals_page_route_table);
    /* before the tasks tables: /tasks/calendar must match before /tasks/{id} */
    web_register(&tasks_views_route_table);
    web_register(&tasks_bulk_route_table);
    web_register(&tasks_ical_route_table);
    web_register(&tasks_import_route_table); /* /tasks/import before /tasks/{id} */
    web_register(&tasks_api_route_table);
    web_register(&tasks_page_route_table);
    web_nav_badge("/tasks", tasks_nav_overdue);
    web_register(&notify_api_route_table);
    web_register(&notify_page_route_table);
    web_register(&sops_form_route_table); /* /sops/new before /sops/{id} */
    web_register(&sops_api_route_table);
    web_register(&sops_page_route_table);
    web_register(&eventlogs_api_route_table);
    web_register(&eventlogs_page_route_table);
    web_register(&runs_api_route_table);
    web_register(&runs_page_route_table); /* /sops/{id}/analysis */
    eventlogs_set_model_source(runs_model_source);
    web_nav_badge("/notifications", notify_unread_count);
    register_jobs();
}

static void usage(FILE *f) {
    fputs("usage: opsdesk [--version] COMMAND [--db URL] [options]\n"
          "commands:\n"
          "  serve     run the web application and JSON API\n"
          "  init      create the database and its schema\n"
          "  migrate   apply schema migrations\n"
          "  demo      load a demo operations team\n"
          "  user      add | passwd | list | disable\n"
          "  token     create | revoke (API tokens)\n"
          "  backup    consistent copy of the SQLite database\n"
          "  jobs      run-once | enqueue | status (background jobs)\n"
          "  import    events FILE: import an XES/CSV event log\n"
          "  analyze   FILE | --log ID [--json]: process-mining analysis of an event log\n"
          "  routes    print every HTTP route with its access rule\n"
          "--db sqlite:PATH (default sqlite:./var/opsdesk.db) or postgresql://… (any libpq conninfo)\n"
          "Each command has --help.\n",
          f);
}

int main(int argc, char **argv) {
    if (sodium_init() < 0) {
        fputs("opsdesk: libsodium failed to initialise\n", stderr);
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("opsdesk %s\n", OPSDESK_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    register_routes();
    if (web_i18n_init() != 0) return 1;
    const char *cmd = argv[1];
    Args a = {argc - 2, argv + 2, NULL};
    a.db_url = flag(&a, "--db");
    if (!a.db_url) a.db_url = getenv("OPSDESK_DB");
    if (!a.db_url) a.db_url = "sqlite:./var/opsdesk.db";
    /* Remove consumed (NULL) arguments so subcommands see theirs first. */
    int k = 0;
    for (int i = 0; i < a.argc; i++)
        if (a.argv[i]) a.argv[k++] = a.argv[i];
    a.argc = k;
    if (strcmp(cmd, "serve") == 0) return cmd_serve(&a);
    if (strcmp(cmd, "init") == 0 || strcmp(cmd, "migrate") == 0) return cmd_migrate(&a, cmd);
    if (strcmp(cmd, "demo") == 0) return cmd_demo(&a);
    if (strcmp(cmd, "user") == 0) return cmd_user(&a);
    if (strcmp(cmd, "token") == 0) return cmd_token(&a);
    if (strcmp(cmd, "backup") == 0) return cmd_backup(&a);
    if (strcmp(cmd, "jobs") == 0) return cmd_jobs(&a);
    if (strcmp(cmd, "import") == 0 && a.argc > 0 && strcmp(a.argv[0], "events") == 0)
        return eventlogs_cli_import(a.db_url, a.argc - 1, a.argv + 1);
    if (strcmp(cmd, "import") == 0) {
        bool help = a.argc > 0 && strcmp(a.argv[0], "--help") == 0;
        fputs("usage: opsdesk import events FILE [options]   (see 'opsdesk import events --help')\n",
              help ? stdout : stderr);
        return help ? 0 : 2;
    }
    if (strcmp(cmd, "analyze") == 0) return eventlogs_cli_analyze(a.db_url, a.argc, a.argv);
    if (strcmp(cmd, "routes") == 0) {
        if (has_flag(&a, "--help")) {
            puts("usage: opsdesk routes\nPrints every HTTP route: method, pattern, access rule, module.");
            return 0;
        }
        int rc = leftover(&a, "routes");
        if (rc) return rc;
        web_print_routes();
        return 0;
    }
    fprintf(stderr, "opsdesk: unknown command '%s' (see 'opsdesk --help')\n", cmd);
    return 2;
}
