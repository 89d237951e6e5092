/* demo.c — demo data: the operations centre of a mid-sized e-commerce company
 * in Hangzhou, with its departments, a supervisor per department and a team.
 * Everything goes through the org model, so it is validated and audited
 * exactly like data typed in the application. */
#include "demo.h"

#include <string.h>

#include "org/org.h"
#include "runs/runs.h"
#include "sops/sops.h"
#include "web/web.h"

typedef struct DemoTeam {
    const char *name;
    const char *parent; /* NULL: top level */
} DemoTeam;

typedef struct DemoPerson {
    const char *login, *name, *role, *team, *email;
} DemoPerson;

static const DemoTeam teams[] = {
    {"运营中心", NULL},         {"客服部", "运营中心"},     {"售前咨询组", "客服部"},   {"售后服务组", "客服部"},
    {"仓储物流部", "运营中心"}, {"电商运营部", "运营中心"}, {"数据分析组", "运营中心"},
};

static const DemoPerson people[] = {
    {"admin", "系统管理员", "admin", NULL, "admin@example.com"},
    {"zhangwei", "张伟", "supervisor", "运营中心", "zhang.wei@example.com"},
    {"lina", "李娜", "supervisor", "客服部", "li.na@example.com"},
    {"wangfang", "王芳", "member", "售前咨询组", "wang.fang@example.com"},
    {"liuyang", "刘洋", "member", "售前咨询组", "liu.yang@example.com"},
    {"chenjing", "陈静", "member", "售后服务组", "chen.jing@example.com"},
    {"yangfan", "杨帆", "member", "售后服务组", "yang.fan@example.com"},
    {"zhaolei", "赵磊", "supervisor", "仓储物流部", "zhao.lei@example.com"},
    {"huangmin", "黄敏", "member", "仓储物流部", "huang.min@example.com"},
    {"zhoujie", "周杰", "member", "仓储物流部", "zhou.jie@example.com"},
    {"wuting", "吴婷", "supervisor", "电商运营部", "wu.ting@example.com"},
    {"xuqiang", "徐强", "member", "电商运营部", "xu.qiang@example.com"},
    {"sunli", "孙丽", "member", "数据分析组", "sun.li@example.com"},
    {"qianhao", "钱浩", "viewer", "运营中心", "qian.hao@example.com"},
};

int demo_load(Db *db, FILE *out) {
    int64_t n = 0;
    if (db_query_int(db, "SELECT COUNT(*) FROM users", &n) < 0) {
        fprintf(stderr, "opsdesk demo: %s\n", db_errmsg(db));
        return 1;
    }
    if (n > 0) {
        fprintf(stderr, "opsdesk demo: the database already has people; demo data goes into an empty database only\n");
        return 1;
    }
    Req *r = web_cli_request(db);
    int rc = 0;
    for (size_t i = 0; i < sizeof teams / sizeof teams[0] && !rc; i++) {
        int64_t parent = teams[i].parent ? org_cli_team_by_name(db, teams[i].parent) : 0;
        Team t;
        if (org_team_create(r, teams[i].name, parent, &t) != 0) {
            fprintf(stderr, "opsdesk demo: team %s: %s\n", teams[i].name, req_first_error(r));
            rc = 1;
        }
    }
    for (size_t i = 0; i < sizeof people / sizeof people[0] && !rc; i++) {
        const DemoPerson *p = &people[i];
        UserInput in = {.login = p->login,
                        .name = p->name,
                        .role = p->role,
                        .email = p->email,
                        .password = DEMO_PASSWORD,
                        .locale = NULL};
        in.team_id = p->team ? org_cli_team_by_name(db, p->team) : 0;
        User u;
        if (org_user_create(r, &in, &u) != 0) {
            fprintf(stderr, "opsdesk demo: %s: %s\n", p->login, req_first_error(r));
            rc = 1;
        }
    }
    if (!rc && sops_demo_seed(r) != 0) fprintf(stderr, "opsdesk demo: SOPs: %s\n", req_first_error(r)), rc = 1;
    if (!rc && runs_demo_seed(r) != 0) fprintf(stderr, "opsdesk demo: runs: %s\n", req_first_error(r)), rc = 1;
    web_cli_request_free(r);
    if (rc) return rc;
    fprintf(out, "demo data loaded: %zu teams, %zu people. Every demo login uses the password '%s':\n",
            sizeof teams / sizeof teams[0], sizeof people / sizeof people[0], DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        fprintf(out, "  %-10s %s (%s%s%s)\n", people[i].login, people[i].name, people[i].role,
                people[i].team ? ", " : "", people[i].team ? people[i].team : "");
    return 0;
}
