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
#include "db/db.h"
#include "demo.h"
#include "goals/goals.h"
#include "org/org.h"
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

static int cmd_serve(Args *a) {
    if (has_flag(a, "--help")) {
        puts("usage: opsdesk serve [--db URL] [--listen ADDR:PORT] [--threads N] [--secure-cookies]\n"
             "                     [--port-file FILE]\n"
             "Serves the web application and the JSON API. --listen 127.0.0.1:0 picks a free port\n"
             "(written to --port-file). Defaults: 127.0.0.1:8080, 4 threads.");
        return 0;
    }
    WebConfig c;
    web_config_defaults(&c);
    c.db_url = a->db_url;
    const char *listen = flag(a, "--listen"), *threads = flag(a, "--threads");
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
    int rc = leftover(a, "serve");
    if (rc) return rc;
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

static void register_routes(void) {
    web_register(&web_route_table);
    web_register(&org_api_route_table);
    web_register(&org_page_route_table);
    web_register(&goals_api_route_table);
    web_register(&goals_page_route_table);
    web_register(&tasks_api_route_table);
    web_register(&tasks_page_route_table);
    web_nav_badge("/tasks", tasks_nav_overdue);
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
