/* runs_demo.c — the demo's process runs: a few weeks of realistic runs of
 * two demo SOPs (after-sales refunds, delivery exceptions), replayed through
 * the runs model by the people who would do each step, with the model's
 * clock set to each action's time. So every run is validated, audited and
 * written to the SOP's run log like a typed one, and the analysis page has
 * durations, waiting times, skips, a bypassed conditional step, and the
 * two steps that break their time standards (the refund waits on finance,
 * the carrier is slow to answer) with the review tasks they open. Deterministic (a fixed seed). No
 * SQL beyond looking up the demo's people and SOPs; no HTML. */
#include <string.h>

#include "../base/timeutil.h"
#include "runs.h"
#include "runs_internal.h"

#define MIN_MS  60000LL
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS  (24 * HOUR_MS)

typedef struct Demo {
    Req *r;
    const Principal *cli; /* the command line's principal, restored at the end */
    uint32_t seed;
    int64_t now;
} Demo;

/* Uniform in [lo, hi]. */
static int64_t rnd(Demo *d, int64_t lo, int64_t hi) {
    d->seed = d->seed * 1664525u + 1013904223u;
    return lo + (int64_t)((d->seed >> 8) % (uint32_t)(hi - lo + 1));
}

/* A demo person as a principal with their real role and team. Arena memory;
 * NULL when absent. */
static const Principal *person(Demo *d, const char *login) {
    Req *r = d->r;
    DbStmt *st;
    if (db_prepare(r->db,
                   "SELECT u.id, u.name, u.role, u.team_id, t.path FROM users u LEFT JOIN teams t ON t.id = u.team_id"
                   " WHERE u.login = ?1 AND u.deleted_at IS NULL",
                   &st) != DB_OK)
        return NULL;
    db_bind_text(st, 1, login);
    Principal *p = NULL;
    if (db_step(st) == DB_ROW) {
        p = arena_alloc(r->arena, sizeof *p);
        memset(p, 0, sizeof *p);
        const char *role = db_col_text(st, 2);
        p->user_id = db_col_int(st, 0);
        p->login = arena_strdup(r->arena, login);
        p->name = arena_strdup(r->arena, db_col_text(st, 1));
        p->role = strcmp(role, "admin") == 0        ? ROLE_ADMIN
                  : strcmp(role, "supervisor") == 0 ? ROLE_SUPERVISOR
                  : strcmp(role, "member") == 0     ? ROLE_MEMBER
                                                    : ROLE_VIEWER;
        p->team_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
        p->team_path = arena_strdup(r->arena, db_col_null(st, 4) ? "" : db_col_text(st, 4));
    }
    db_finalize(st);
    return p;
}

static int64_t sop_by_title(Req *r, const char *title) {
    DbStmt *st;
    int64_t id = 0;
    if (db_prepare(r->db, "SELECT id FROM sops WHERE title = ?1 AND deleted_at IS NULL", &st) != DB_OK) return 0;
    db_bind_text(st, 1, title);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    return id;
}

static int step_index(const Run *run, const char *name) {
    for (int i = 0; i < run->n_run_steps; i++)
        if (run->steps[i].def && strcmp(run->steps[i].def->name, name) == 0) return i;
    return -1;
}

/* One model call as who at time t. */
#define AS(d, p, t) ((d)->r->who = (p), runs_clock_set(t))

static int begin(Demo *d, const Principal *who, int64_t t, int64_t sop_id, const char *ref, Run *run) {
    AS(d, who, t);
    return runs_start(d->r, sop_id, ref, run);
}

static int start_step(Demo *d, const Principal *who, int64_t t, Run *run, const char *name) {
    int k = step_index(run, name);
    if (k < 0) return req_fail(d->r, 500, NULL, "error.internal");
    AS(d, who, t);
    return runs_step_act(d->r, run->id, run->steps[k].step_id, RUN_STEP_START, -1, NULL, run);
}

/* Ticks every checklist item a minute before t, then completes at t. */
static int finish_step(Demo *d, const Principal *who, int64_t t, Run *run, const char *name) {
    int k = step_index(run, name);
    if (k < 0) return req_fail(d->r, 500, NULL, "error.internal");
    int64_t step_id = run->steps[k].step_id;
    for (int i = 0; i < run->steps[k].def->n_checklist; i++) {
        AS(d, who, t - MIN_MS);
        if (runs_step_check(d->r, run->id, step_id, i + 1, true, run) != 0) return -1;
    }
    AS(d, who, t);
    return runs_step_act(d->r, run->id, step_id, RUN_STEP_COMPLETE, -1, NULL, run);
}

static int skip_step(Demo *d, const Principal *who, int64_t t, Run *run, const char *name, const char *reason) {
    int k = step_index(run, name);
    if (k < 0) return req_fail(d->r, 500, NULL, "error.internal");
    AS(d, who, t);
    return runs_step_act(d->r, run->id, run->steps[k].step_id, RUN_STEP_SKIP, -1, reason, run);
}

/* 09:00–14:00 in the display zone (UTC+8), days_back days before today. */
static int64_t morning(Demo *d, int days_back) {
    int64_t local_midnight = (d->now + 8 * HOUR_MS) / DAY_MS * DAY_MS - 8 * HOUR_MS;
    return local_midnight - days_back * DAY_MS + 9 * HOUR_MS + rnd(d, 0, 300) * MIN_MS;
}

/* 售后退款处理流程: receive → (verify ‖ inspect) → [approve when over 500
 * yuan] → refund → call back. The refund waits in the finance queue for
 * hours; a few approvals and refunds break their standards. */
static int refund_run(Demo *d, int64_t sop_id, int i, const Principal *agent, const Principal *other,
                      const Principal *boss, int64_t t, const char *ref) {
    Run run;
    if (begin(d, agent, t, sop_id, ref, &run) != 0) return -1;
    if (start_step(d, agent, t, &run, "受理退款申请") != 0) return -1;
    t += rnd(d, 3, 9) * MIN_MS;
    if (finish_step(d, agent, t, &run, "受理退款申请") != 0) return -1;
    int64_t a = t + rnd(d, 3, 25) * MIN_MS, b = a + rnd(d, 0, 10) * MIN_MS;
    if (start_step(d, agent, a, &run, "核实订单与物流") != 0 || start_step(d, other, b, &run, "检查退货商品") != 0)
        return -1;
    a += rnd(d, 12, 28) * MIN_MS;
    b += rnd(d, 25, 55) * MIN_MS;
    if (a <= b ? finish_step(d, agent, a, &run, "核实订单与物流") || finish_step(d, other, b, &run, "检查退货商品")
               : finish_step(d, other, b, &run, "检查退货商品") || finish_step(d, agent, a, &run, "核实订单与物流"))
        return -1;
    t = a > b ? a : b;
    if (i % 5 == 1 || i % 5 == 3) { /* over 500 yuan: the supervisor approves */
        t += rnd(d, 10, 90) * MIN_MS;
        if (start_step(d, boss, t, &run, "主管审批") != 0) return -1;
        t += rnd(d, 20, 110) * MIN_MS;
        if (finish_step(d, boss, t, &run, "主管审批") != 0) return -1;
    }
    t += rnd(d, 30, 360) * MIN_MS;
    if (start_step(d, agent, t, &run, "执行退款") != 0) return -1;
    t += rnd(d, 60, i % 4 == 2 ? 420 : 230) * MIN_MS;
    if (finish_step(d, agent, t, &run, "执行退款") != 0) return -1;
    t += rnd(d, 60, 20 * 60) * MIN_MS;
    if (i % 5 == 4) return skip_step(d, agent, t, &run, "回访客户", "客户电话两次未接通，已短信告知到账时间");
    if (start_step(d, agent, t, &run, "回访客户") != 0) return -1;
    return finish_step(d, agent, t + rnd(d, 4, 12) * MIN_MS, &run, "回访客户");
}

/* 物流异常处理流程: register → call the carrier (often slow) → [reship when
 * lost or broken] → claim. */
static int delivery_run(Demo *d, int64_t sop_id, int i, const Principal *clerk, const Principal *porter,
                        const Principal *boss, int64_t t, const char *ref) {
    Run run;
    if (begin(d, clerk, t, sop_id, ref, &run) != 0 || start_step(d, clerk, t, &run, "登记异常") != 0) return -1;
    t += rnd(d, 5, 14) * MIN_MS;
    if (finish_step(d, clerk, t, &run, "登记异常") != 0) return -1;
    t += rnd(d, 5, 60) * MIN_MS;
    if (start_step(d, porter, t, &run, "联系承运商核实") != 0) return -1;
    t += rnd(d, 60, 260) * MIN_MS;
    if (finish_step(d, porter, t, &run, "联系承运商核实") != 0) return -1;
    if (i % 3 == 0) { /* lost or broken: reship first */
        t += rnd(d, 10, 60) * MIN_MS;
        if (start_step(d, boss, t, &run, "安排补发") != 0) return -1;
        t += rnd(d, 60, 220) * MIN_MS;
        if (finish_step(d, boss, t, &run, "安排补发") != 0) return -1;
    }
    t += rnd(d, 30, 240) * MIN_MS;
    if (start_step(d, clerk, t, &run, "发起理赔") != 0) return -1;
    return finish_step(d, clerk, t + rnd(d, 25, 55) * MIN_MS, &run, "发起理赔");
}

static int seed(Demo *d) {
    Req *r = d->r;
    const Principal *chen = person(d, "chenjing"), *yang = person(d, "yangfan"), *lina = person(d, "lina"),
                    *huang = person(d, "huangmin"), *zhou = person(d, "zhoujie"), *zhao = person(d, "zhaolei");
    int64_t refund = sop_by_title(r, "售后退款处理流程"), delivery = sop_by_title(r, "物流异常处理流程");
    if (!chen || !yang || !lina || !huang || !zhou || !zhao || !refund || !delivery)
        return req_fail(r, 422, "demo", "runs.error.demo_missing");
    /* Fourteen finished refunds over the last three and a half weeks. */
    for (int i = 0; i < 14; i++) {
        const Principal *agent = i % 2 ? chen : yang, *other = i % 2 ? yang : chen;
        const char *ref = arena_printf(r->arena, "RF-%05d", 24100 + i * 7 + (int)rnd(d, 0, 6));
        if (refund_run(d, refund, i, agent, other, lina, morning(d, 25 - i * 3 / 2), ref) != 0) return -1;
    }
    /* Open ones: the refund is being paid, and one just received (already
     * past its 10-minute standard); one withdrawn by the customer. */
    Run run;
    int64_t t = d->now - 5 * HOUR_MS;
    if (begin(d, chen, t, refund, "RF-24215", &run) != 0 || start_step(d, chen, t, &run, "受理退款申请") != 0 ||
        finish_step(d, chen, t + 8 * MIN_MS, &run, "受理退款申请") != 0 ||
        start_step(d, chen, t + 20 * MIN_MS, &run, "核实订单与物流") != 0 ||
        start_step(d, yang, t + 25 * MIN_MS, &run, "检查退货商品") != 0 ||
        finish_step(d, chen, t + 47 * MIN_MS, &run, "核实订单与物流") != 0 ||
        finish_step(d, yang, t + 80 * MIN_MS, &run, "检查退货商品") != 0 ||
        start_step(d, chen, d->now - 70 * MIN_MS, &run, "执行退款") != 0)
        return -1;
    t = d->now - 26 * MIN_MS;
    if (begin(d, yang, t, refund, "RF-24222", &run) != 0 || start_step(d, yang, t, &run, "受理退款申请") != 0)
        return -1;
    t = morning(d, 6);
    if (begin(d, yang, t, refund, "RF-24168", &run) != 0 || start_step(d, yang, t, &run, "受理退款申请") != 0 ||
        finish_step(d, yang, t + 9 * MIN_MS, &run, "受理退款申请") != 0 ||
        start_step(d, yang, t + 30 * MIN_MS, &run, "核实订单与物流") != 0)
        return -1;
    AS(d, lina, t + 2 * HOUR_MS);
    if (runs_cancel(r, run.id, -1, &run) != 0) return -1;
    /* Nine delivery exceptions. */
    for (int i = 0; i < 9; i++) {
        const char *ref = arena_printf(r->arena, "WL-%05d", 8800 + i * 13 + (int)rnd(d, 0, 9));
        if (delivery_run(d, delivery, i, huang, zhou, zhao, morning(d, 22 - i * 2), ref) != 0) return -1;
    }
    return 0;
}

int runs_demo_seed(Req *r) {
    Demo d = {.r = r, .cli = r->who, .seed = 20240618u, .now = time_now_ms()};
    const char *locale = r->locale;
    r->locale = "zh-CN"; /* review tasks opened on the way are titled in the demo's language */
    int rc = seed(&d);
    runs_clock_set(0);
    r->who = d.cli;
    r->locale = locale;
    return rc;
}
