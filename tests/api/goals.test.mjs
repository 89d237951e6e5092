// Goals (issue 3, docs/goals.md): alignment tree, key results, progress and
// its roll-up (numbers worked out below), expected progress, the SMART check
// rule by rule in both languages, check-ins (refused on a closed goal),
// checkpoints, stale edits, bad input naming the field with nothing written,
// and who may do what. Runs on SQLite and PostgreSQL (OPSDESK_TEST_DB).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, stopServer, assertProblem, etagVersion, auditHead, cli, ROOT } from './harness.mjs';

let s;
const ids = {};
const near = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-4, `${msg}: ${a} ≠ ${b}`);

function catalog(locale) {
  const map = new Map();
  for (const raw of readFileSync(join(ROOT, 'web/i18n', `${locale}.txt`), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf(' = ');
    if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 3));
  }
  return map;
}
const CAT = { en: catalog('en'), 'zh-CN': catalog('zh-CN') };
const msg = (loc, key, ...args) => args.reduce((v, a, i) => v.split(`{${i + 1}}`).join(String(a)), CAT[loc].get(key));

async function create(who, body, want = 201) {
  const r = await s.api(who, 'POST', '/api/v1/goals', body);
  assert.equal(r.status, want, r.text);
  return r.json;
}
const get = async (who, id) => (await s.api(who, 'GET', `/api/v1/goals/${id}`)).json;
const smartFields = (g) => g.smart.map((w) => `${w.criterion}:${w.field}`).sort();

before(async () => {
  s = await startServer();
  const teams = (await s.api('admin', 'GET', '/api/v1/teams')).json.items;
  const users = (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
  for (const t of teams) ids[t.name] = t.id;
  for (const u of users) ids[u.login] = u.id;
  const tok = cli(['token', 'create', '--db', s.dbUrl, '--login', 'liuyang', '--name', 'goals']);
  assert.equal(tok.status, 0, tok.stderr);
  s.tokens.liuyang = tok.stdout.trim();
});
after(async () => { await stopServer(s); });

describe('progress and roll-up', () => {
  it('computes key result progress: increase, decrease, range, milestone, clamped', async () => {
    const g = await create('admin', {
      level: 'company', title: '2025 年第一季度经营目标', period: 'quarter', start_date: '2025-01-01',
      key_results: [
        { metric: '客户满意度', unit: '分', baseline: 80, target: 90, current: 85, deadline: '2025-03-31' },
        { metric: '平均处理时长', unit: '分钟', direction: 'decrease', baseline: 10, target: 4, current: 7, deadline: '2025-03-31' },
        { metric: '在库准确率', unit: '%', kind: 'percentage', direction: 'range', range_low: 95, range_high: 99, current: 97, deadline: '2025-03-31' },
        { metric: '新系统上线', kind: 'milestone', current: 1, deadline: '2025-03-31' },
        { metric: '超额指标', unit: '单', baseline: 0, target: 100, current: 130, deadline: '2025-03-31' },
        { metric: '倒退指标', unit: '单', baseline: 50, target: 100, current: 20, deadline: '2025-03-31' },
      ],
    });
    assert.equal(g.end_date, '2025-03-31', 'a quarter ends on its last day');
    assert.deepEqual(g.key_results.map((k) => k.progress), [0.5, 0.5, 1, 1, 1, 0]);
    near(g.progress, 4 / 6, 'equal weights: the mean');
    // The period is over: expected 1; progress below it: behind.
    assert.equal(g.expected, 1);
    assert.equal(g.behind, true);
    const out = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/key-results/${g.key_results[2].id}`, { current: 90 }, { 'If-Match': `"${g.key_results[2].version}"` });
    assert.equal(out.status, 200, out.text);
    assert.equal(out.json.progress, 0, 'outside the range: 0');
  });

  it('rolls up: own key results by weight, each sub-goal with a progress as one item of weight 1', async () => {
    // C: KR a (weight 2, 50 %), KR b (weight 1, 0 %)
    const c = await create('admin', {
      level: 'company', title: '年度客户体验目标 2030', period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31',
      key_results: [
        { metric: '体验分', unit: '分', baseline: 0, target: 10, current: 5, weight: 2, deadline: '2030-12-31' },
        { metric: '体验项目', unit: '个', baseline: 0, target: 4, weight: 1, deadline: '2030-12-31' },
      ],
    });
    near(c.progress, (2 * 0.5 + 1 * 0) / 3, 'C alone');
    // T under C: one KR at 100 % with weight 3 → T = 1
    const t = await create('lina', {
      level: 'team', title: '客服部 2030 体验目标', team_id: ids['客服部'], parent_id: c.id, period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31',
      key_results: [{ metric: '回访率', unit: '%', kind: 'percentage', baseline: 0, target: 100, current: 100, weight: 3, deadline: '2030-06-30' }],
    });
    assert.equal(t.progress, 1);
    // C = (2×0.5 + 1×0 + 1×1) / (2 + 1 + 1) = 0.5
    near((await get('admin', c.id)).progress, 0.5, 'C with T');
    // P under T: one KR at 0 % → T = (3×1 + 1×0)/(3 + 1) = 0.75; C = (1 + 0 + 0.75)/4 = 0.4375
    const p = await create('wangfang', {
      level: 'person', title: '王芳 2030 回访目标', parent_id: t.id, period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31',
      key_results: [{ metric: '回访客户数', unit: '个', baseline: 0, target: 200, deadline: '2030-12-31' }],
    });
    assert.equal(p.team_id, ids['售前咨询组'], "a person goal takes its owner's team");
    near((await get('admin', t.id)).progress, 0.75, 'T with P');
    near((await get('admin', c.id)).progress, 0.4375, 'C with T and P');
    // A sub-goal with no key result and no sub-goal has no progress and does not count.
    const empty = await create('wangfang', { level: 'person', title: '王芳 2030 空目标', parent_id: t.id, period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31' });
    assert.equal(empty.progress, null);
    near((await get('admin', c.id)).progress, 0.4375, 'unchanged by an empty sub-goal');
    // The list gives the same rolled-up numbers; the future period expects 0 today.
    const list = (await s.api('admin', 'GET', '/api/v1/goals?period=2030&limit=200')).json.items;
    const inList = list.find((g) => g.id === c.id);
    near(inList.progress, 0.4375, 'list');
    assert.equal(inList.expected, 0);
    assert.equal(inList.behind, false);
    ids.c2030 = c.id; ids.t2030 = t.id; ids.p2030 = p.id;
  });
});

describe('SMART check', () => {
  const base = { period: 'quarter', start_date: '2030-04-01' };
  it('specific: a vague title with no metric', async () => {
    const vague = await create('admin', { ...base, level: 'company', title: '做好服务' });
    assert.ok(smartFields(vague).includes('specific:title'));
    const exact = await create('admin', { ...base, level: 'company', title: '将投诉率降到 2% 以下' });
    assert.ok(!smartFields(exact).includes('specific:title'), 'a number in the title is specific');
  });

  it('measurable: no key result, no target, no unit (number and currency), no range ends', async () => {
    const none = await create('admin', { ...base, level: 'company', title: '没有关键结果的目标' });
    assert.deepEqual(smartFields(none).filter((f) => f.startsWith('measurable')), ['measurable:key_results']);
    const g = await create('admin', {
      ...base, level: 'company', title: '可衡量性检查目标',
      key_results: [
        { metric: '无目标值', unit: '单', deadline: '2030-06-30' },
        { metric: '无单位', target: 10, deadline: '2030-06-30' },
        { metric: '百分比无单位', kind: 'percentage', target: 10, deadline: '2030-06-30' },
        { metric: '区间缺上限', unit: '%', direction: 'range', range_low: 1, deadline: '2030-06-30' },
        { metric: '里程碑', kind: 'milestone', deadline: '2030-06-30' },
      ],
    });
    assert.deepEqual(smartFields(g).filter((f) => f.startsWith('measurable')),
      ['measurable:key_results[0].target', 'measurable:key_results[1].unit', 'measurable:key_results[3].range_low']);
  });

  it('time-bound: no deadline, or a deadline outside the period', async () => {
    const g = await create('admin', {
      ...base, level: 'company', title: '时限检查目标',
      key_results: [
        { metric: '无截止', unit: '单', target: 5 },
        { metric: '超出周期', unit: '单', target: 5, deadline: '2030-07-01' },
        { metric: '周期内', unit: '单', target: 5, deadline: '2030-06-30' },
      ],
    });
    assert.deepEqual(smartFields(g).filter((f) => f.startsWith('time_bound')),
      ['time_bound:key_results[0].deadline', 'time_bound:key_results[1].deadline']);
  });

  it('relevant: no parent and not a company goal', async () => {
    const t = await create('lina', { ...base, level: 'team', team_id: ids['客服部'], title: '孤立的团队目标 2030' });
    assert.ok(smartFields(t).includes('relevant:parent_id'));
    const aligned = await create('lina', { ...base, level: 'team', team_id: ids['客服部'], parent_id: ids.c2030, title: '对齐的团队目标 2030' });
    assert.ok(!smartFields(aligned).includes('relevant:parent_id'));
    const company = await create('admin', { ...base, level: 'company', title: '公司目标不需要上级 2030' });
    assert.ok(!smartFields(company).includes('relevant:parent_id'));
  });

  it('achievable: a target far beyond the history of the same metric, only where history exists', async () => {
    const kr = (target, direction = 'increase', baseline = 0) => ({ metric: '月订单量-历史', unit: '单', baseline, target, direction, deadline: '2030-06-30' });
    const first = await create('admin', { ...base, level: 'company', title: '历史之前的目标 2030', key_results: [kr(1000)] });
    assert.ok(!smartFields(first).includes('achievable:key_results[0].target'), 'no history yet: no warning');
    // History: check-ins of 80 and 100 on that metric (best 100).
    for (const value of [80, 100]) {
      const r = await s.api('admin', 'POST', `/api/v1/goals/${first.id}/checkins`, { value, confidence: 'on_track' });
      assert.equal(r.status, 201, r.text);
    }
    const far = await create('admin', { ...base, level: 'company', title: '远超历史的目标 2030', key_results: [kr(400)] });
    assert.ok(smartFields(far).includes('achievable:key_results[0].target'), 'more than 1.5 × the best');
    const fair = await create('admin', { ...base, level: 'company', title: '合理的目标 2030', key_results: [kr(140)] });
    assert.ok(!smartFields(fair).includes('achievable:key_results[0].target'), 'within 1.5 × the best');
    const down = await create('admin', { ...base, level: 'company', title: '远低于历史的目标 2030', key_results: [kr(20, 'decrease', 200)] });
    assert.ok(smartFields(down).includes('achievable:key_results[0].target'), 'below half the lowest (80)');
  });

  it("warns in the caller's language, and never blocks", async () => {
    const body = { ...base, level: 'team', team_id: ids['客服部'], title: '语言检查目标 2030', key_results: [{ metric: '回访', unit: '次', target: 3 }] };
    const zh = await s.api('lina', 'POST', '/api/v1/goals', body, { 'Accept-Language': 'zh-CN' });
    assert.equal(zh.status, 201);
    const w = zh.json.smart.find((x) => x.criterion === 'relevant');
    assert.equal(w.message, msg('zh-CN', 'goals.smart.relevant'));
    assert.equal(zh.json.smart.find((x) => x.criterion === 'time_bound').message, msg('zh-CN', 'goals.smart.time_bound_none', '回访'));
    // lina has no stored language: the header decides.
    const en = await s.api('lina', 'GET', `/api/v1/goals/${zh.json.id}`, undefined, { 'Accept-Language': 'en' });
    assert.equal(en.json.smart.find((x) => x.criterion === 'relevant').message, msg('en', 'goals.smart.relevant'));
    assert.notEqual(msg('en', 'goals.smart.relevant'), msg('zh-CN', 'goals.smart.relevant'));
  });
});

describe('check-ins and checkpoints', () => {
  it('records history, updates the current value, refuses a closed goal with nothing written', async () => {
    const g = await create('lina', {
      level: 'team', team_id: ids['售前咨询组'], owner_id: ids.wangfang, parent_id: ids.c2030, title: '售前转化率提升到 30%', period: 'custom',
      start_date: '2030-01-01', end_date: '2030-12-31',
      key_results: [{ metric: '转化率', unit: '%', kind: 'percentage', baseline: 20, target: 30, deadline: '2030-12-31' },
        { metric: '咨询量', unit: '次', baseline: 0, target: 100, deadline: '2030-12-31' }],
    });
    // The owner (a member) may check in on a team goal she owns.
    let r = await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[0].id, value: 25, confidence: 'at_risk', note: '<b>第一周</b>' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.note, '<b>第一周</b>');
    r = await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[1].id, value: 50, confidence: 'on_track' });
    assert.equal(r.status, 201);
    // Two key results: the one to check in on must be named.
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { value: 1, confidence: 'on_track' }), 422, 'key_result_id');
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[0].id, value: 1, confidence: 'sure' }), 422, 'confidence');
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[0].id, value: '1', confidence: 'on_track' }), 422, 'value');
    const hist = (await s.api('qianhao', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items;
    assert.deepEqual(hist.map((c) => [c.metric, c.value, c.confidence]), [['咨询量', 50, 'on_track'], ['转化率', 25, 'at_risk']]);
    const now = await get('wangfang', g.id);
    assert.deepEqual(now.key_results.map((k) => k.current), [25, 50]);
    near(now.progress, (0.5 + 0.5) / 2, 'both at half way');
    // Close it (its editor: lina), then a check-in is refused and nothing is written.
    r = await s.api('lina', 'PATCH', `/api/v1/goals/${g.id}`, { status: 'closed' }, { 'If-Match': `"${now.version}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'closed');
    const head = await auditHead(s);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[0].id, value: 29, confidence: 'on_track' }), 409, 'status');
    assert.equal(await auditHead(s), head);
    assert.equal((await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.length, 2);
    assert.equal((await get('admin', g.id)).key_results[0].current, 25);
  });

  it('adds checkpoints with dates inside the period only', async () => {
    const id = ids.t2030;
    const r = await s.api('lina', 'POST', `/api/v1/goals/${id}/checkpoints`, { title: '半年复盘', date: '2030-06-30' });
    assert.equal(r.status, 201, r.text);
    assertProblem(await s.api('lina', 'POST', `/api/v1/goals/${id}/checkpoints`, { title: '太晚', date: '2031-01-01' }), 422, 'date');
    assertProblem(await s.api('lina', 'POST', `/api/v1/goals/${id}/checkpoints`, { title: '坏日期', date: '2030-02-30' }), 422, 'date');
    const list = (await s.api('wangfang', 'GET', `/api/v1/goals/${id}/checkpoints`)).json.items;
    assert.deepEqual(list.map((c) => [c.title, c.date, c.done]), [['半年复盘', '2030-06-30', false]]);
  });
});

describe('edits, deletes and bad input', () => {
  it('answers 412 on a stale edit and 428 without If-Match', async () => {
    const g = await create('admin', { level: 'company', title: '版本检查目标 2030', period: 'month', start_date: '2030-02-01' });
    assert.equal(g.end_date, '2030-02-28');
    const r1 = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { title: '版本检查目标 2030 改' }, { 'If-Match': `"${g.version}"` });
    assert.equal(r1.status, 200);
    assert.equal(etagVersion(r1), g.version + 1);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { title: '旧版本' }, { 'If-Match': `"${g.version}"` }), 412);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { title: '无版本' }), 428);
    assert.equal((await get('admin', g.id)).title, '版本检查目标 2030 改');
    const k = await s.api('admin', 'POST', `/api/v1/goals/${g.id}/key-results`, { metric: '指标', unit: '个', target: 3 });
    assert.equal(k.status, 201, k.text);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/key-results/${k.json.id}`, { target: 4 }, { 'If-Match': '"9"' }), 412);
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/goals/${g.id}/key-results/${k.json.id}`, undefined, { 'If-Match': '"9"' }), 412);
    assert.equal((await s.api('admin', 'DELETE', `/api/v1/goals/${g.id}/key-results/${k.json.id}`, undefined, { 'If-Match': `"${k.json.version}"` })).status, 204);
    assert.equal((await get('admin', g.id)).key_results.length, 0);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const head = await auditHead(s);
    const before = (await s.api('admin', 'GET', '/api/v1/goals?limit=200')).json.items.length;
    const base = { level: 'team', team_id: ids['客服部'], title: '坏输入目标', period: 'quarter', start_date: '2030-01-01' };
    const bad = async (who, body, status, field) => assertProblem(await s.api(who, 'POST', '/api/v1/goals', body), status, field);
    await bad('admin', { ...base, owner_id: 999999 }, 422, 'owner_id');
    await bad('lina', { ...base, owner_id: ids.zhoujie }, 422, 'owner_id'); // outside lina's scope
    await bad('admin', { ...base, owner_id: ids.zhaolei }, 422, 'owner_id'); // another branch than the team
    await bad('admin', { ...base, start_date: '2030-02-01' }, 422, 'start_date');
    await bad('admin', { ...base, end_date: '2030-04-30' }, 422, 'end_date');
    await bad('admin', { ...base, period: 'custom' }, 422, 'end_date');
    await bad('admin', { ...base, period: 'custom', end_date: '2029-12-01' }, 422, 'end_date');
    await bad('admin', { ...base, period: 'year' }, 422, 'period');
    await bad('admin', { ...base, start_date: '2030-13-01' }, 422, 'start_date');
    await bad('admin', { ...base, team_id: undefined }, 422, 'team_id');
    await bad('admin', { ...base, level: 'company' }, 422, 'team_id');
    await bad('admin', { ...base, parent_id: 999999 }, 422, 'parent_id');
    await bad('admin', { ...base, parent_id: ids.p2030 }, 422, 'parent_id'); // a team goal under a person goal
    await bad('admin', { ...base, title: '' }, 422, 'title');
    await bad('admin', { ...base, key_results: [{ metric: '好', unit: '个', target: 5 }, { metric: '坏', target: 1, baseline: 5 }] }, 422, 'key_results[1].target');
    await bad('admin', { ...base, key_results: [{ metric: '坏', weight: 0 }] }, 422, 'key_results[0].weight');
    await bad('admin', { ...base, key_results: [{ metric: '坏', direction: 'range', range_low: 5, range_high: 1 }] }, 422, 'key_results[0].range_high');
    await bad('admin', { ...base, key_results: [{ metric: '坏', kind: 'ratio' }] }, 422, 'key_results[0].kind');
    await bad('admin', { ...base, key_results: [{ metric: '坏', secret: 1 }] }, 422, 'key_results[0].secret');
    await bad('admin', { ...base, key_results: [{ metric: '坏', deadline: '明天' }] }, 422, 'key_results[0].deadline');
    assertProblem(await s.api('admin', 'GET', '/api/v1/goals?period=2030-Q5'), 400, 'period');
    assertProblem(await s.api('admin', 'GET', '/api/v1/goals?status=open'), 400, 'status');
    // A cycle: the company goal cannot move under its own grandchild's level, nor under itself.
    const c = await get('admin', ids.c2030);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${c.id}`, { parent_id: c.id }, { 'If-Match': `"${c.version}"` }), 422, 'parent_id');
    const t = await get('admin', ids.t2030);
    const tc = await create('admin', { level: 'team', team_id: ids['客服部'], parent_id: t.id, title: '子团队目标 2030', period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31' });
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${t.id}`, { parent_id: tc.id }, { 'If-Match': `"${t.version}"` }), 422, 'parent_id');
    assert.equal((await s.api('admin', 'GET', '/api/v1/goals?limit=200')).json.items.length, before + 1);
    assert.equal(await auditHead(s), head + 1, 'only the sub-goal made on purpose was written');
  });

  it('deletes softly, and not a goal with sub-goals', async () => {
    const t = await get('admin', ids.t2030);
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/goals/${t.id}`, undefined, { 'If-Match': `"${t.version}"` }), 409);
    const g = await create('admin', { level: 'company', title: '要删除的目标 2030', period: 'month', start_date: '2030-03-01' });
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/goals/${g.id}`, undefined, { 'If-Match': '"7"' }), 412);
    assert.equal((await s.api('admin', 'DELETE', `/api/v1/goals/${g.id}`, undefined, { 'If-Match': `"${g.version}"` })).status, 204);
    assertProblem(await s.api('admin', 'GET', `/api/v1/goals/${g.id}`), 404);
    assert.ok(!(await s.api('admin', 'GET', '/api/v1/goals?limit=200')).json.items.some((x) => x.id === g.id));
  });

  it('pages with a cursor and filters by team, owner, status, level and period', async () => {
    const all = (await s.api('admin', 'GET', '/api/v1/goals?limit=200')).json.items;
    let cursor = null, seen = [];
    do {
      const r = await s.api('admin', 'GET', `/api/v1/goals?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen = seen.concat(r.json.items.map((g) => g.id));
      cursor = r.json.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, all.map((g) => g.id));
    const mine = (await s.api('wangfang', 'GET', '/api/v1/goals?mine=1')).json.items;
    assert.ok(mine.length >= 2 && mine.every((g) => g.owner_id === ids.wangfang));
    const closed = (await s.api('admin', 'GET', '/api/v1/goals?status=closed')).json.items;
    assert.ok(closed.length >= 1 && closed.every((g) => g.status === 'closed'));
    const team = (await s.api('admin', 'GET', `/api/v1/goals?team_id=${ids['售前咨询组']}`)).json.items;
    assert.ok(team.length >= 2 && team.every((g) => g.team_id === ids['售前咨询组']));
    const q1 = (await s.api('admin', 'GET', '/api/v1/goals?period=2025-Q1&level=company')).json.items;
    assert.ok(q1.length >= 1 && q1.every((g) => g.start_date <= '2025-03-31' && g.end_date >= '2025-01-01' && g.level === 'company'));
  });
});

describe('who may do what', () => {
  it('company goals: admins write, everyone reads', async () => {
    assertProblem(await s.api('zhangwei', 'POST', '/api/v1/goals', { level: 'company', title: '主管建公司目标', period: 'quarter', start_date: '2030-01-01' }), 403);
    const c = await get('zhaolei', ids.c2030);
    assert.equal(c.id, ids.c2030);
    assertProblem(await s.api('zhaolei', 'PATCH', `/api/v1/goals/${c.id}`, { title: '改' }, { 'If-Match': `"${c.version}"` }), 403);
    assertProblem(await s.api('qianhao', 'PATCH', `/api/v1/goals/${c.id}`, { title: '改' }, { 'If-Match': `"${c.version}"` }), 403);
    assertProblem(await s.api('qianhao', 'POST', '/api/v1/goals', { level: 'person', title: '观察员目标', period: 'quarter', start_date: '2030-01-01' }), 403);
  });

  it('team goals: supervisors of the team write; other teams do not even see them', async () => {
    const t = await get('lina', ids.t2030);
    assertProblem(await s.api('zhaolei', 'GET', `/api/v1/goals/${t.id}`), 404);
    assertProblem(await s.api('zhaolei', 'PATCH', `/api/v1/goals/${t.id}`, { title: '改' }, { 'If-Match': `"${t.version}"` }), 404);
    assertProblem(await s.api('wangfang', 'PATCH', `/api/v1/goals/${t.id}`, { title: '改' }, { 'If-Match': `"${t.version}"` }), 403);
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/goals', { level: 'team', team_id: ids['售前咨询组'], title: '成员建团队目标', period: 'quarter', start_date: '2030-01-01' }), 403);
    assertProblem(await s.api('zhaolei', 'POST', '/api/v1/goals', { level: 'team', team_id: ids['客服部'], title: '别的主管', period: 'quarter', start_date: '2030-01-01' }), 422, 'team_id');
    const r = await s.api('zhangwei', 'PATCH', `/api/v1/goals/${t.id}`, { title: '客服部 2030 体验目标（运营中心审）' }, { 'If-Match': `"${t.version}"` });
    assert.equal(r.status, 200, 'a supervisor above the team manages it');
    assert.ok(!(await s.api('zhaolei', 'GET', '/api/v1/goals?limit=200')).json.items.some((g) => g.id === t.id));
  });

  it("person goals: the owner and the owner's supervisors write; teammates read only", async () => {
    const p = await get('wangfang', ids.p2030);
    assertProblem(await s.api('liuyang', 'PATCH', `/api/v1/goals/${p.id}`, { title: '改' }, { 'If-Match': `"${p.version}"` }), 403);
    assertProblem(await s.api('chenjing', 'GET', `/api/v1/goals/${p.id}`), 404); // 售后服务组: another team
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/goals', { level: 'person', owner_id: ids.liuyang, title: '替同事建目标', period: 'quarter', start_date: '2030-01-01' }), 403);
    let r = await s.api('wangfang', 'PATCH', `/api/v1/goals/${p.id}`, { title: '王芳 2030 回访 200 位客户' }, { 'If-Match': `"${p.version}"` });
    assert.equal(r.status, 200, r.text);
    r = await s.api('lina', 'PATCH', `/api/v1/goals/${p.id}`, { title: '王芳 2030 回访 220 位客户' }, { 'If-Match': `"${r.json.version}"` });
    assert.equal(r.status, 200, "the owner's supervisor");
    assertProblem(await s.api('liuyang', 'POST', `/api/v1/goals/${p.id}/checkins`, { value: 10, confidence: 'on_track' }), 403);
    assert.equal((await s.api('wangfang', 'POST', `/api/v1/goals/${p.id}/checkins`, { value: 10, confidence: 'on_track' })).status, 201, 'one key result: no id needed');
  });
});
