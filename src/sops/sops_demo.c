/* sops_demo.c — the demo's SOPs: three procedures of the e-commerce
 * operations centre in Chinese (after-sales refunds, launching a big sales
 * campaign, handling a delivery exception), created and published through
 * the model so they are validated and audited like typed ones. The refund
 * SOP gets a second, draft version so the diff has something to show. */
#include <string.h>

#include "../org/org.h"
#include "sops.h"

typedef struct DemoStep {
    const char *name, *role, *resources;
    int minutes, share;
    const char *quality;
    const char *checklist[4];
    const char *instructions;
    int group;
    const char *condition; /* NULL: not conditional */
} DemoStep;

typedef struct DemoSop {
    const char *title, *purpose, *team, *owner;
    int review_days;
    DemoStep steps[8];
} DemoSop;

static const DemoSop demo_sops[] = {
    {"售后退款处理流程",
     "规范客户退款申请的受理、核实、审批与打款，确保**48 小时内**完成退款，减少客诉升级。",
     "售后服务组",
     "lina",
     90,
     {{"受理退款申请",
       "售后客服",
       "工单系统、订单后台",
       10,
       95,
       "10 分钟内响应客户，信息登记完整",
       {"核对订单号与收货人", "记录退款原因", "告知客户处理时效"},
       "在工单系统中新建**退款工单**，选择退款原因分类。",
       0,
       NULL},
      {"核实订单与物流",
       "售后客服",
       "订单后台、物流查询",
       30,
       90,
       "订单、支付、物流状态三方一致",
       {"确认支付流水", "查询物流轨迹"},
       "",
       1,
       NULL},
      {"检查退货商品",
       "仓库质检员",
       "质检台、拍照设备",
       60,
       90,
       "质检结论有照片佐证",
       {"外包装完好", "配件齐全", "拍照上传"},
       "按《退货质检标准》逐项检查，照片不少于 3 张。",
       1,
       NULL},
      {"主管审批",
       "客服主管",
       "审批系统",
       120,
       90,
       "大额退款须写明审批理由",
       {"核对退款金额", "确认责任归属"},
       "",
       0,
       "退款金额超过 500 元"},
      {"执行退款",
       "财务专员",
       "支付平台",
       240,
       95,
       "原路退回，金额准确",
       {"核对收款账户", "截图留存退款凭证"},
       "",
       0,
       NULL},
      {"回访客户",
       "售后客服",
       "电话、短信模板",
       15,
       80,
       "客户确认收到退款，记录满意度",
       {"告知到账时间", "邀请评价"},
       "",
       0,
       NULL}}},
    {"大促活动上线流程",
     "保障 618、双 11 等大促活动按时、零事故上线：方案、页面、库存、客服准备全部就绪后再开闸。",
     "电商运营部",
     "wuting",
     180,
     {{"确定活动方案",
       "运营经理",
       "活动策划模板",
       480,
       90,
       "目标、预算、玩法、时间表齐全",
       {"毛利测算通过", "法务审核文案"},
       "",
       0,
       NULL},
      {"设计活动页面",
       "视觉设计师",
       "设计规范、素材库",
       960,
       90,
       "移动端优先，首屏 2 秒内加载",
       {"适配手机", "图片压缩"},
       "",
       2,
       NULL},
      {"备货与库存锁定",
       "采购专员",
       "ERP 系统",
       1440,
       90,
       "爆款库存覆盖预测销量 120%",
       {"核对预测销量", "锁定活动库存"},
       "",
       2,
       NULL},
      {"客服话术培训",
       "客服培训师",
       "话术库",
       120,
       90,
       "全员通过话术考核",
       {"更新常见问题", "组织模拟演练"},
       "",
       2,
       NULL},
      {"压力测试",
       "技术负责人",
       "压测平台",
       240,
       90,
       "峰值 3 倍流量下无报错",
       {"下单链路压测", "支付链路压测"},
       "",
       0,
       "预计流量超过日常 3 倍"},
      {"上线检查与开闸",
       "运营经理",
       "上线检查清单",
       60,
       100,
       "检查清单全部勾选后才能开闸",
       {"价格核对无误", "优惠券可用", "监控告警已开启"},
       "",
       0,
       NULL}}},
    {"物流异常处理流程",
     "包裹延误、破损、丢件时的标准处理：先安抚客户，再定位责任，最后补发或理赔。",
     "仓储物流部",
     "zhaolei",
     120,
     {{"登记异常", "物流专员", "异常登记表", 15, 90, "异常类型与单号准确", {"记录运单号", "拍照留证"}, "", 0, NULL},
      {"联系承运商核实",
       "物流专员",
       "承运商对接群",
       120,
       85,
       "2 小时内拿到承运商书面答复",
       {"索要处理单号"},
       "",
       0,
       NULL},
      {"安排补发", "仓库主管", "WMS 系统", 240, 90, "补发当日出库", {"优先级标记为加急"}, "", 0, "确认丢件或破损"},
      {"发起理赔", "物流专员", "理赔系统", 60, 90, "理赔材料齐全", {"运单截图", "商品价值证明"}, "", 0, NULL}}},
};

static int64_t user_by_login(Req *r, const char *login) {
    DbStmt *st;
    int64_t id = 0;
    if (db_prepare(r->db, "SELECT id FROM users WHERE login = ?1 AND deleted_at IS NULL", &st) != DB_OK) return 0;
    db_bind_text(st, 1, login);
    if (db_step(st) == DB_ROW) id = db_col_int(st, 0);
    db_finalize(st);
    return id;
}

static SopStep *steps_of(Req *r, const DemoSop *d, int *n) {
    SopStep *steps = arena_alloc(r->arena, sizeof *steps * 8);
    int k = 0;
    for (; k < 8 && d->steps[k].name; k++) {
        const DemoStep *s = &d->steps[k];
        int m = 0;
        while (m < 4 && s->checklist[m]) m++;
        steps[k] = (SopStep){.name = s->name,
                             .role = s->role,
                             .resources = s->resources,
                             .time_standard_s = (int64_t)s->minutes * 60,
                             .time_share_pct = s->share,
                             .quality = s->quality,
                             .checklist = s->checklist,
                             .n_checklist = m,
                             .instructions_md = s->instructions,
                             .parallel_group = s->group,
                             .conditional = s->condition != NULL,
                             .condition = s->condition ? s->condition : ""};
    }
    *n = k;
    return steps;
}

int sops_demo_seed(Req *r) {
    for (size_t i = 0; i < sizeof demo_sops / sizeof demo_sops[0]; i++) {
        const DemoSop *d = &demo_sops[i];
        SopInput in = {.title = d->title,
                       .purpose = d->purpose,
                       .change_note = "首次发布",
                       .team_id = org_cli_team_by_name(r->db, d->team),
                       .owner_id = user_by_login(r, d->owner),
                       .review_every_days = d->review_days,
                       .has_title = true,
                       .has_purpose = true,
                       .has_change_note = true,
                       .has_team = true,
                       .has_owner = true,
                       .has_review = true,
                       .has_steps = true};
        in.steps = steps_of(r, d, &in.n_steps);
        Sop s;
        SopVersion *v;
        if (sops_create(r, &in, &s) != 0 || sops_version_publish(r, s.id, 1, -1, &v) != 0) return -1;
        if (i == 0) {
            /* A pending improvement: the approval threshold drops to 300 yuan and a step is added. */
            SopInput next = {.change_note = "审批门槛下调至 300 元；新增退款原因分析", .has_change_note = true};
            next.steps = steps_of(r, d, &next.n_steps);
            SopStep *more = arena_alloc(r->arena, sizeof *more * (size_t)(next.n_steps + 1));
            memcpy(more, next.steps, sizeof *more * (size_t)next.n_steps);
            more[3].condition = "退款金额超过 300 元";
            more[next.n_steps++] = (SopStep){.name = "退款原因分析",
                                             .role = "客服主管",
                                             .resources = "BI 报表",
                                             .time_standard_s = 30 * 60,
                                             .time_share_pct = 80,
                                             .quality = "每周汇总退款原因 Top 5",
                                             .checklist = NULL,
                                             .n_checklist = 0,
                                             .instructions_md = "",
                                             .condition = ""};
            next.steps = more;
            next.has_steps = true;
            SopVersion *draft;
            if (sops_version_new(r, s.id, &next, &draft) != 0) return -1;
        }
    }
    return 0;
}
