// SOPs: create with steps (version 1 is a draft), publish, editing an active
// SOP makes a new draft copied from the published version (old one stays
// readable, numbers 1, 2, …), the diff (fields, added/removed/changed/moved
// steps with before and after), validation errors naming the field, 412/428,
// suggestions with a vote toggle and owner-only status, the review job
// notifying the owner, the flowchart SVG, access by team.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, assertProblem, auditHead, cli } from './harness.mjs';

let s;
const team = {};
const user = {};
const DAY = 86400_000;

before(async () => {
  s = await startServer();
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
});
after(async () => { await stopServer(s); });

const STEPS = [
  { name: '受理申请', role: '客服', time_standard_s: 600, time_share_pct: 95, quality: '信息完整', checklist: ['核对订单号', '记录原因'] },
  { name: '核实物流', role: '客服', time_standard_s: 1800, parallel_group: 1 },
  { name: '检查商品', role: '质检员', time_standard_s: 3600, parallel_group: 1, resources: '质检台' },
  { name: '主管审批', role: '主管', conditional: true, condition: '金额超过 500 元', time_standard_s: 7200 },
  { name: '执行退款', role: '财务', time_standard_s: 14400, instructions_md: '原路退回，**截图**留存' },
];

async function create(body, who = 'lina', want = 201) {
  const r = await s.api(who, 'POST', '/api/v1/sops', body);
  assert.equal(r.status, want, r.text);
  return r.json;
}
async function publish(id, n, who = 'lina') {
  const r = await s.api(who, 'POST', `/api/v1/sops/${id}/versions/${n}/publish`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function patchSop(id, body, who = 'lina') {
  const cur = await s.api('admin', 'GET', `/api/v1/sops/${id}`);
  return s.api(who, 'PATCH', `/api/v1/sops/${id}`, body, { 'If-Match': cur.headers.get('etag') });
}

describe('create and versions', () => {
  it('creates an SOP with steps as a draft version 1, in order, with every standard', async () => {
    const sop = await create({ title: '退款处理', purpose: '48 小时内退款', team_id: team['售后服务组'], owner_id: user.chenjing,
      review_every_days: 30, steps: STEPS });
    assert.equal(sop.status, 'draft');
    assert.equal(sop.current_version, 1);
    assert.equal(sop.published_version, null);
    assert.equal(sop.owner_id, user.chenjing);
    assert.equal(sop.next_review_at, null, 'no review before it is in force');
    const v = sop.current;
    assert.equal(v.number, 1);
    assert.equal(v.status, 'draft');
    assert.deepEqual(v.steps.map((p) => [p.position, p.name]), STEPS.map((p, i) => [i + 1, p.name]));
    assert.deepEqual(v.steps[0].checklist, ['核对订单号', '记录原因']);
    assert.equal(v.steps[0].time_share_pct, 95);
    assert.equal(v.steps[1].time_share_pct, 90, 'default share');
    assert.equal(v.steps[3].conditional, true);
    assert.equal(v.steps[3].condition, '金额超过 500 元');
    assert.equal(v.steps[2].parallel_group, 1);
    assert.equal(v.steps[2].resources, '质检台');
  });

  it('publishing makes it active; editing it makes a new draft; publishing supersedes v1, which stays readable', async () => {
    const sop = await create({ title: '退货入库', steps: STEPS.slice(0, 2), review_every_days: 10 });
    const before = Date.now();
    const v1 = await publish(sop.id, 1);
    assert.equal(v1.status, 'published');
    assert.ok(v1.published_at);
    let cur = (await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`)).json;
    assert.equal(cur.status, 'active');
    assert.equal(cur.published_version, 1);
    const due = Date.parse(cur.next_review_at);
    assert.ok(due >= before + 10 * DAY && due <= Date.now() + 10 * DAY, 'next review = publish + 10 days');

    // editing an active SOP: a draft v2 copied from v1, with the change applied
    const r = await patchSop(sop.id, { steps: [...STEPS.slice(0, 2), { name: '上架', role: '仓管' }], change_note: '加一步' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'active');
    assert.equal(r.json.published_version, 1);
    assert.equal(r.json.current_version, 2);
    assert.equal(r.json.has_draft, true);
    assert.equal(r.json.current.status, 'draft');
    assert.equal(r.json.current.change_note, '加一步');
    assert.equal(r.json.current.steps.length, 3);
    // the published version is untouched
    const old = await s.api('lina', 'GET', `/api/v1/sops/${sop.id}/versions/1`);
    assert.equal(old.json.steps.length, 2);
    // a second draft is refused while one exists
    assertProblem(await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/versions`, {}), 409, 'number');

    const v2 = await publish(sop.id, 2);
    assert.equal(v2.number, 2);
    const list = (await s.api('zhangwei', 'GET', `/api/v1/sops/${sop.id}/versions`)).json.items;
    assert.deepEqual(list.map((v) => [v.number, v.status, v.n_steps]), [[2, 'published', 3], [1, 'superseded', 2]]);
    const v1again = await s.api('zhangwei', 'GET', `/api/v1/sops/${sop.id}/versions/1`);
    assert.equal(v1again.status, 200);
    assert.equal(v1again.json.status, 'superseded');
    assert.deepEqual(v1again.json.steps.map((p) => p.name), ['受理申请', '核实物流']);
    // a published version cannot be edited
    const pv = await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}/versions/1`, { title: 'x' }, { 'If-Match': `"${v1again.json.version}"` });
    assertProblem(pv, 409, 'number');
    // a new draft via POST /versions copies v2
    const d3 = await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/versions`, { change_note: '第三版' });
    assert.equal(d3.status, 201, d3.text);
    assert.equal(d3.json.number, 3);
    assert.equal(d3.json.steps.length, 3);
    assert.match(d3.headers.get('location'), new RegExp(`/api/v1/sops/${sop.id}/versions/3$`));
  });

  it('a draft changes in place with If-Match: 428 without, 412 when stale', async () => {
    const sop = await create({ title: '草稿编辑', steps: STEPS.slice(0, 1) });
    const v = (await s.api('lina', 'GET', `/api/v1/sops/${sop.id}/versions/1`));
    const tag = v.headers.get('etag');
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}/versions/1`, { title: '改名' }), 428);
    const ok = await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}/versions/1`, { title: '改名', steps: STEPS.slice(0, 3) }, { 'If-Match': tag });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.number, 1, 'same version, changed in place');
    assert.equal(ok.json.steps.length, 3);
    assert.equal(ok.json.version, v.json.version + 1);
    assert.equal((await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`)).json.title, '改名', 'an unpublished SOP takes its draft title');
    const head = await auditHead(s);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}/versions/1`, { title: '又改' }, { 'If-Match': tag }), 412);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}`, { title: '又改' }, { 'If-Match': '"1"' }), 412);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}`, { title: '又改' }), 428);
    assert.equal(await auditHead(s), head, 'nothing written');
  });

  it('retire and reactivate; a retired SOP refuses edits; delete is soft', async () => {
    const sop = await create({ title: '停用测试', steps: STEPS.slice(0, 1) });
    assertProblem(await patchSop(sop.id, { status: 'active' }), 409, 'status');
    await publish(sop.id, 1);
    let r = await patchSop(sop.id, { status: 'retired' });
    assert.equal(r.json.status, 'retired');
    assert.equal(r.json.next_review_at, null);
    assertProblem(await patchSop(sop.id, { steps: STEPS }), 409, 'status');
    r = await patchSop(sop.id, { status: 'active' });
    assert.equal(r.json.status, 'active');
    const cur = await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`);
    assert.equal((await s.api('lina', 'DELETE', `/api/v1/sops/${sop.id}`, undefined, { 'If-Match': cur.headers.get('etag') })).status, 204);
    assertProblem(await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`), 404);
    assert.ok(!(await s.api('lina', 'GET', '/api/v1/sops?limit=200')).json.items.some((x) => x.id === sop.id));
  });
});

describe('validation', () => {
  const base = { title: '校验' };
  const cases = [
    ['step name missing', [{ role: 'x' }], 'steps[0].name'],
    ['empty step name', [{ name: '  ' }], 'steps[0].name'],
    ['duplicate step name', [{ name: 'A' }, { name: 'B' }, { name: 'A' }], 'steps[2].name'],
    ['share 0', [{ name: 'A', time_share_pct: 0 }], 'steps[0].time_share_pct'],
    ['share 101', [{ name: 'A', time_share_pct: 101 }], 'steps[0].time_share_pct'],
    ['negative time standard', [{ name: 'A', time_standard_s: -1 }], 'steps[0].time_standard_s'],
    ['negative parallel group', [{ name: 'A', parallel_group: -2 }], 'steps[0].parallel_group'],
    ['conditional without condition', [{ name: 'A' }, { name: 'B', conditional: true }], 'steps[1].condition'],
    ['empty checklist item', [{ name: 'A', checklist: ['ok', ''] }], 'steps[0].checklist'],
    ['time standard as text', [{ name: 'A', time_standard_s: '10' }], 'steps[0].time_standard_s'],
    ['unknown step field', [{ name: 'A', colour: 'red' }], 'steps[0].colour'],
  ];
  for (const [what, steps, field] of cases) {
    it(`${what} → 422 naming ${field}, nothing written`, async () => {
      const head = await auditHead(s);
      assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { ...base, steps }), 422, field);
      assert.equal(await auditHead(s), head);
    });
  }
  it('SOP fields: title, review cycle, owner, unknown field', async () => {
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { steps: [] }), 422, 'title');
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', review_every_days: 0 }), 422, 'review_every_days');
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', review_every_days: 3651 }), 422, 'review_every_days');
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', owner_id: 999999 }), 422, 'owner_id');
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', colour: 1 }), 422, 'colour');
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', status: 'active' }), 422, 'status');
  });
  it('publishing a version without steps → 422 naming steps', async () => {
    const sop = await create({ title: '空流程' });
    assertProblem(await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/versions/1/publish`), 422, 'steps');
    assert.equal((await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`)).json.status, 'draft');
  });
  it('bad list filters → 400 naming the parameter', async () => {
    assertProblem(await s.api('lina', 'GET', '/api/v1/sops?status=gone'), 400, 'status');
    assertProblem(await s.api('lina', 'GET', '/api/v1/sops?limit=0'), 400, 'limit');
  });
});

describe('diff', () => {
  it('reports field changes, added, removed, changed (before/after) and moved steps', async () => {
    const sop = await create({ title: '差异 A', purpose: '旧目的', steps: [
      { name: 'S1', role: '甲' }, { name: 'S2', role: '乙', time_standard_s: 60 }, { name: 'S3' }, { name: 'S4', checklist: ['x'] }] });
    await publish(sop.id, 1);
    const r = await patchSop(sop.id, { title: '差异 B', steps: [
      { name: 'S3' }, { name: 'S1', role: '甲' }, { name: 'S2', role: '丙', time_standard_s: 120 }, { name: 'S5', conditional: true, condition: '需要时' }] });
    assert.equal(r.status, 200, r.text);
    const d = (await s.api('zhangwei', 'GET', `/api/v1/sops/${sop.id}/diff?from=1&to=2`)).json;
    assert.equal(d.from, 1);
    assert.equal(d.to, 2);
    assert.deepEqual(d.fields, [{ field: 'title', before: '差异 A', after: '差异 B' }], 'purpose unchanged (copied)');
    const by = Object.fromEntries(d.steps.map((x) => [x.name, x]));
    // S3 went from 3rd to 1st: S1 and S2 keep their relative order, so only S3 moved.
    assert.equal(by.S3.change, 'moved');
    assert.equal(by.S3.from_position, 3);
    assert.equal(by.S3.to_position, 1);
    assert.equal(by.S1, undefined, 'S1 only shifted: unchanged');
    assert.equal(by.S2.change, 'changed');
    assert.equal(by.S2.moved, false);
    assert.deepEqual(by.S2.fields, [
      { field: 'role', before: '乙', after: '丙' },
      { field: 'time_standard_s', before: '60', after: '120' },
    ]);
    assert.equal(by.S5.change, 'added');
    assert.equal(by.S5.from_position, null);
    assert.equal(by.S4.change, 'removed');
    assert.equal(by.S4.to_position, null);
    assert.equal(d.unchanged_steps, 1);
    assertProblem(await s.api('lina', 'GET', `/api/v1/sops/${sop.id}/diff?from=1&to=9`), 404, 'to');
  });
});

describe('flowchart', () => {
  it('is an accessible SVG with every step, a fork/join for the parallel group and a diamond for the condition', async () => {
    const sop = await create({ title: '流程图 <测试>', steps: STEPS });
    const r = await s.api('zhangwei', 'GET', `/api/v1/sops/${sop.id}/versions/1/flowchart.svg`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
    const svg = r.text;
    assert.match(svg, /<svg [^>]*role="img"/);
    assert.match(svg, /<title id="flow-title-\d+">流程图 &lt;测试&gt;/);
    assert.match(svg, /<desc id="flow-desc-\d+">/);
    for (const p of STEPS) assert.ok(svg.includes(p.name), `step ${p.name} in the flowchart`);
    assert.equal((svg.match(/class="flow-bar"/g) || []).length, 2, 'one fork and one join bar');
    assert.equal((svg.match(/class="flow-cond"/g) || []).length, 1, 'one diamond');
    assert.match(svg, /金额超过 500 元/);
    assert.equal((svg.match(/class="flow-step"/g) || []).length, 5);
    assert.equal((svg.match(/class="flow-terminal"/g) || []).length, 2);
    assert.ok(!/style=/.test(svg), 'no inline style (CSP)');
  });
});

describe('suggestions and votes', () => {
  let sop;
  before(async () => {
    sop = await create({ title: '建议测试', team_id: team['售后服务组'], owner_id: user.chenjing, steps: STEPS.slice(0, 2) });
    await publish(sop.id, 1);
  });
  it('team members suggest on the SOP or a step; votes toggle once per person', async () => {
    const step = (await s.api('chenjing', 'GET', `/api/v1/sops/${sop.id}`)).json.current.steps[1];
    const g = await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: '核实物流可以自动化', step_id: step.id });
    assert.equal(g.status, 201, g.text);
    assert.equal(g.json.step_name, '核实物流');
    assert.equal(g.json.status, 'open');
    assert.equal(g.json.votes, 0);
    const v1 = await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions/${g.json.id}/vote`);
    assert.equal(v1.json.votes, 1);
    assert.equal(v1.json.voted, true);
    const v2 = await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/suggestions/${g.json.id}/vote`);
    assert.equal(v2.json.votes, 2);
    const v3 = await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions/${g.json.id}/vote`);
    assert.equal(v3.json.votes, 1, 'second vote by the same person withdraws it');
    assert.equal(v3.json.voted, false);
    assertProblem(await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: '  ' }), 422, 'text');
    assertProblem(await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: 'x', step_id: 999999 }), 422, 'step_id');
    assertProblem(await s.api('qianhao', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: 'x' }), 403);
    assertProblem(await s.api('huangmin', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: 'x' }), 404, undefined);
    const sop1 = (await s.api('chenjing', 'GET', `/api/v1/sops/${sop.id}`)).json;
    assert.equal(sop1.open_suggestions, 1);
  });
  it('the owner (or a manager) sets the status with If-Match; others may not', async () => {
    const g = (await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: '增加短信通知' })).json;
    assertProblem(await s.api('qianhao', 'PATCH', `/api/v1/sops/${sop.id}/suggestions/${g.id}`, { status: 'accepted' }, { 'If-Match': '"1"' }), 403);
    assertProblem(await s.api('chenjing', 'PATCH', `/api/v1/sops/${sop.id}/suggestions/${g.id}`, { status: 'accepted' }), 428);
    assertProblem(await s.api('chenjing', 'PATCH', `/api/v1/sops/${sop.id}/suggestions/${g.id}`, { status: 'maybe' }, { 'If-Match': '"1"' }), 422, 'status');
    const ok = await s.api('chenjing', 'PATCH', `/api/v1/sops/${sop.id}/suggestions/${g.id}`, { status: 'accepted' }, { 'If-Match': '"1"' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'accepted');
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/sops/${sop.id}/suggestions/${g.id}`, { status: 'done' }, { 'If-Match': '"1"' }), 412);
    const list = (await s.api('chenjing', 'GET', `/api/v1/sops/${sop.id}/suggestions`)).json.items;
    assert.deepEqual(list.map((x) => x.status), ['open', 'accepted'], 'open first');
  });
});

describe('review cycle', () => {
  it('the review job notifies the owner once, listing open suggestions; mark reviewed moves the date', async () => {
    const sop = await create({ title: '复审提醒测试', team_id: team['售后服务组'], owner_id: user.chenjing, review_every_days: 7, steps: STEPS.slice(0, 1) });
    await publish(sop.id, 1);
    await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: '缩短受理时限' });
    const g2 = (await s.api('lina', 'POST', `/api/v1/sops/${sop.id}/suggestions`, { text: '补充话术模板' })).json;
    await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/suggestions/${g2.id}/vote`);
    const mine = async () => (await s.api('chenjing', 'GET', '/api/v1/notifications')).json.items.filter((n) => n.kind === 'sop_review');
    assert.equal((await mine()).length, 0);
    const early = cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', new Date(Date.now() + 6 * DAY).toISOString()]);
    assert.equal(early.status, 0, early.stderr);
    assert.equal((await mine()).length, 0, 'not due after 6 days');
    const later = new Date(Date.now() + 8 * DAY).toISOString();
    const run = cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', later]);
    assert.equal(run.status, 0, run.stderr);
    const got = await mine();
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].link, `/sops/${sop.id}`);
    assert.equal(got[0].args[0], '复审提醒测试');
    assert.equal(got[0].args[1], '2');
    assert.equal(got[0].args[2], '补充话术模板 (+1); 缩短受理时限 (+0)', 'most votes first');
    // the same due date never notifies twice
    cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', new Date(Date.now() + 9 * DAY).toISOString()]);
    assert.equal((await mine()).length, 1);
    const due = await s.api('chenjing', 'GET', `/api/v1/sops?review_due=1&owner=${user.chenjing}`);
    assert.equal(due.json.items.length, 0, 'not due yet in real time');
    // viewers may not mark reviewed; the owner (a member) may
    assertProblem(await s.api('qianhao', 'POST', `/api/v1/sops/${sop.id}/review`), 403);
    const before = Date.now();
    const r = await s.api('chenjing', 'POST', `/api/v1/sops/${sop.id}/review`);
    assert.equal(r.status, 200, r.text);
    assert.ok(Date.parse(r.json.last_reviewed_at) >= before - 1000);
    assert.ok(Date.parse(r.json.next_review_at) >= before + 7 * DAY - 1000);
  });
});

describe('access', () => {
  it('team scope: other teams do not see the SOP; members read; only managers create and edit', async () => {
    const sop = await create({ title: '仓库盘点', team_id: team['仓储物流部'], steps: STEPS.slice(0, 1) }, 'zhaolei');
    assertProblem(await s.api('lina', 'GET', `/api/v1/sops/${sop.id}`), 404);
    assert.equal((await s.api('huangmin', 'GET', `/api/v1/sops/${sop.id}`)).status, 200);
    assert.equal((await s.api('zhangwei', 'GET', `/api/v1/sops/${sop.id}`)).status, 200);
    assertProblem(await s.api('huangmin', 'POST', '/api/v1/sops', { title: 'x' }), 403);
    assertProblem(await s.api('huangmin', 'PATCH', `/api/v1/sops/${sop.id}`, { title: 'x' }, { 'If-Match': '"1"' }), 403);
    assertProblem(await s.api('lina', 'POST', '/api/v1/sops', { title: 'x', team_id: team['仓储物流部'] }), 404);
    const list = (await s.api('lina', 'GET', '/api/v1/sops?limit=200')).json.items;
    assert.ok(!list.some((x) => x.id === sop.id));
    const q = (await s.api('zhaolei', 'GET', `/api/v1/sops?q=${encodeURIComponent('盘点')}`)).json.items;
    assert.deepEqual(q.map((x) => x.id), [sop.id]);
  });
  it('the demo has published Chinese SOPs with a pending draft', async () => {
    const list = (await s.api('admin', 'GET', '/api/v1/sops?limit=200')).json.items;
    const refund = list.find((x) => x.title === '售后退款处理流程');
    assert.ok(refund);
    assert.equal(refund.status, 'active');
    assert.equal(refund.has_draft, true);
    const d = (await s.api('admin', 'GET', `/api/v1/sops/${refund.id}/diff?from=1&to=2`)).json;
    assert.ok(d.steps.some((x) => x.name === '退款原因分析' && x.change === 'added'));
    assert.ok(d.steps.some((x) => x.name === '主管审批' && x.fields.some((f) => f.field === 'condition' && f.after === '退款金额超过 300 元')));
  });
});

describe('the SOP form', () => {
  it('refuses numbers out of range (no overflow, no wrap into range): 422 naming each field, nothing stored', async () => {
    const sess = await s.browserLogin('lina');
    const count = async () => (await s.api('lina', 'GET', '/api/v1/sops?limit=200')).json.items.length;
    const n0 = await count();
    const r = await s.form(sess, '/sops', {
      title: '表单范围检查', team_id: String(team['售前咨询组']), owner_id: String(user.lina), steps: '1',
      s1_name: '受理', s1_time_min: '9223372036854775807', s1_share: '4294967386', s1_group: '4294967297',
    });
    assert.equal(r.status, 422, r.text.slice(0, 300));
    for (const f of ['time_standard_s', 'time_share_pct', 'parallel_group'])
      assert.match(r.text, new RegExp(`id="err-steps\\[0\\]\\.${f}"`), f);
    assert.equal(await count(), n0);
  });
});
