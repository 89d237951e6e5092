// Goals ↔ tasks (issue 3, docs/goals.md "Key results fed by tasks"): a key
// result whose value is the share of its linked tasks done (cancelled tasks
// leave the denominator), updated in the task's own transaction with an
// automatic check-in; checkpoints marked done through PATCH (If-Match) and
// the goal page's button; occurrences made by recurrence (done, or the job)
// keeping the link; the CSV import page; a refused goal edit keeping
// what was typed and key-result errors beside their fields. SQLite and
// PostgreSQL (OPSDESK_TEST_DB).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, assertProblem, cli } from './harness.mjs';

let s;
const ids = {};
const near = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-4, `${msg}: ${a} ≠ ${b}`);

before(async () => {
  s = await startServer();
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) ids[u.login] = u.id;
});
after(async () => { await stopServer(s); });

async function goalWithTasksKr() {
  const r = await s.api('admin', 'POST', '/api/v1/goals', {
    level: 'company', title: '2026 年第三季度售后提效 30%', period: 'quarter', start_date: '2026-07-01',
    key_results: [
      { metric: '售后流程改造任务', value_source: 'tasks', deadline: '2026-09-30' },
      { metric: '首次响应时长', unit: '分钟', direction: 'decrease', baseline: 10, target: 6, current: 8, deadline: '2026-09-30' },
    ],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const task = async (body, who = 'lina') => {
  const r = await s.api(who, 'POST', '/api/v1/tasks', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const patchTask = (t, body, who = 'lina') => s.api(who, 'PATCH', `/api/v1/tasks/${t.id}`, body, { 'If-Match': `"${t.version}"` });
const goal = async (id) => (await s.api('admin', 'GET', `/api/v1/goals/${id}`)).json;

describe('a key result fed by its linked tasks', () => {
  it('takes 100 × done / (linked − cancelled), rolls into the goal, and writes automatic check-ins', async () => {
    const g = await goalWithTasksKr();
    const kr = g.key_results[0];
    assert.equal(kr.value_source, 'tasks');
    assert.equal(kr.kind, 'percentage');
    assert.equal(kr.target, 100);
    assert.equal(kr.current, 0);
    assert.equal(kr.tasks_total, 0);
    // The manual KR is at (8 − 10)/(6 − 10) = 0.5; the fed one at 0: goal (0 + 0.5)/2.
    near(g.progress, 0.25, 'goal before any task');

    const t1 = await task({ title: '梳理退货流程', key_result_id: kr.id });
    assert.equal(t1.goal_id, g.id, 'the goal follows the key result');
    assert.equal(t1.key_result_id, kr.id);
    const t2 = await task({ title: '上线退款自动审核', key_result_id: kr.id, status: 'done' });
    const t3 = await task({ title: '培训售后客服', key_result_id: kr.id });
    const t4 = await task({ title: '外包质检（取消）', key_result_id: kr.id });
    // 1 done of 4 linked.
    let now = await goal(g.id);
    near(now.key_results[0].current, 25, 'after four links, one done');
    assert.equal(now.key_results[0].tasks_done, 1);
    assert.equal(now.key_results[0].tasks_total, 4);

    // t1 done, t4 cancelled: 2 done of 3 not cancelled → 66.6667 %.
    assert.equal((await patchTask(t1, { status: 'done' })).status, 200);
    assert.equal((await patchTask(t4, { status: 'cancelled' })).status, 200);
    now = await goal(g.id);
    const k = now.key_results[0];
    near(k.current, 200 / 3, 'two of three');
    near(k.progress, 0.6667, 'kr progress');
    assert.equal(k.tasks_done, 2);
    assert.equal(k.tasks_total, 3);
    // Goal: (1 × 0.666667 + 1 × 0.5) / 2 = 0.583333 → 0.5833.
    near(now.progress, 0.5833, 'goal progress');

    // Deleting the done t2: 1 done of 2 → 50 %, goal (0.5 + 0.5)/2 = 0.5.
    const t2now = (await s.api('lina', 'GET', `/api/v1/tasks/${t2.id}`)).json;
    assert.equal((await s.api('lina', 'DELETE', `/api/v1/tasks/${t2.id}`, undefined, { 'If-Match': `"${t2now.version}"` })).status, 204);
    now = await goal(g.id);
    near(now.key_results[0].current, 50, 'after the delete');
    near(now.progress, 0.5, 'goal after the delete');

    // Undone: t1 back to in progress → 0 of 2.
    const t1now = (await s.api('lina', 'GET', `/api/v1/tasks/${t1.id}`)).json;
    assert.equal((await patchTask(t1now, { status: 'in_progress' })).status, 200);
    now = await goal(g.id);
    near(now.key_results[0].current, 0, 'after undoing');

    // History, oldest first: one automatic check-in per change of the value —
    // t1 linked 0/1 = 0 (unchanged: none), t2 done 1/2, t3 1/3, t4 1/4, t1 done
    // 2/4, t4 cancelled 2/3, t2 deleted 1/2, t1 undone 0/2.
    const hist = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items;
    const auto = hist.filter((h) => h.key_result_id === kr.id);
    assert.ok(auto.every((h) => h.automatic === true), 'all automatic');
    assert.deepEqual(auto.map((h) => Math.round(h.value * 100) / 100).reverse(), [50, 33.33, 25, 50, 66.67, 50, 0]);
    void t3;
  });

  it('refuses a check-in by hand, an unknown key result, and a key result of another goal', async () => {
    const g = await goalWithTasksKr();
    assertProblem(await s.api('admin', 'POST', `/api/v1/goals/${g.id}/checkins`, { key_result_id: g.key_results[0].id, value: 40, confidence: 'on_track' }), 422, 'key_result_id');
    assertProblem(await s.api('lina', 'POST', '/api/v1/tasks', { title: '无效关联', key_result_id: 999999 }), 422, 'key_result_id');
    const other = await goalWithTasksKr();
    assertProblem(await s.api('lina', 'POST', '/api/v1/tasks', { title: '目标不符', goal_id: other.id, key_result_id: g.key_results[0].id }), 422, 'key_result_id');
    const kr = (await goal(g.id)).key_results[0];
    assert.equal(kr.tasks_total, 0, 'nothing written');
  });

  it('switching a manual key result to tasks takes the tasks\' share at once', async () => {
    const g = await goalWithTasksKr();
    const manual = g.key_results[1];
    await task({ title: '响应话术整理', key_result_id: manual.id, status: 'done' });
    await task({ title: '响应排班调整', key_result_id: manual.id });
    let k = (await goal(g.id)).key_results[1];
    assert.equal(k.current, 8, 'a manual key result keeps its value');
    assert.equal(k.tasks_done, 1);
    assert.equal(k.tasks_total, 2);
    const r = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/key-results/${k.id}`, { value_source: 'tasks' }, { 'If-Match': `"${k.version}"` });
    assert.equal(r.status, 200, r.text);
    near(r.json.current, 50, 'one of two');
    assert.equal(r.json.direction, 'increase');
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/key-results/${k.id}`, { current: 70 }, { 'If-Match': `"${r.json.version}"` }), 422, 'current');
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/key-results/${k.id}`, { value_source: 'auto' }, { 'If-Match': `"${r.json.version}"` }), 422, 'value_source');
  });

  it('freezes on a closed goal: counts follow the tasks, the value waits until the goal reopens', async () => {
    const g = await goalWithTasksKr();
    const kr = g.key_results[0];
    const t1 = await task({ title: '冻结前完成', key_result_id: kr.id, status: 'done' });
    const t2 = await task({ title: '关闭后完成', key_result_id: kr.id });
    near((await goal(g.id)).key_results[0].current, 50, 'one of two before closing');
    let cur = await goal(g.id);
    const closed = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { status: 'closed' }, { 'If-Match': `"${cur.version}"` });
    assert.equal(closed.status, 200, closed.text);
    const before = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.length;

    assert.equal((await patchTask(t2, { status: 'done' })).status, 200);
    cur = await goal(g.id);
    let k = cur.key_results[0];
    near(k.current, 50, 'the value stays at what it was when the goal closed');
    assert.equal(k.tasks_done, 2, 'the counts still follow');
    assert.equal(k.tasks_total, 2);
    near(cur.progress, 0.5, 'goal progress frozen too: (0.5 + 0.5) / 2');
    assert.equal((await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.length, before, 'no check-in while closed');

    const reopened = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { status: 'active' }, { 'If-Match': `"${cur.version}"` });
    assert.equal(reopened.status, 200, reopened.text);
    k = reopened.json.key_results[0];
    near(k.current, 100, 'reopening catches up with the counts');
    near(reopened.json.progress, 0.75, 'goal (1 + 0.5) / 2');
    const hist = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items;
    assert.equal(hist.length, before + 1);
    assert.equal(hist[0].automatic, true);
    near(hist[0].value, 100, 'the catch-up check-in');
    void t1;
  });
});

describe('recurring tasks linked to a key result', () => {
  const tasksTitled = async (title) => (await s.api('lina', 'GET', `/api/v1/tasks?owner=${ids.lina}&limit=200`)).json.items
    .filter((t) => t.title === title).sort((a, b) => a.id - b.id);
  // The job's runs: each later than the last, past its 15-minute period.
  let jobRuns = 0;
  const runJobs = () => {
    const r = cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', new Date(Date.now() + 20 * 60_000 * ++jobRuns).toISOString()]);
    assert.equal(r.status, 0, r.stderr);
  };

  it('done: the next occurrence keeps the goal and key result, which counts it at once (1 of 2 = 50)', async () => {
    const g = await goalWithTasksKr();
    const kr = g.key_results[0];
    const t = await task({ title: '每周售后复盘', key_result_id: kr.id, due_at: '2026-07-06T09:00:00Z', recurrence: 'weekly:mon' });
    let k = (await goal(g.id)).key_results[0];
    assert.equal(k.tasks_total, 1);
    near(k.current, 0, 'none done');

    const r = await patchTask(t, { status: 'done' });
    assert.equal(r.status, 200, r.text);
    const all = await tasksTitled(t.title);
    assert.equal(all.length, 2);
    const next = all[1];
    assert.equal(next.status, 'todo');
    assert.equal(Date.parse(next.due_at), Date.parse('2026-07-13T09:00:00Z'), 'a week later');
    assert.equal(next.key_result_id, kr.id, 'the next occurrence stays linked');
    assert.equal(next.goal_id, g.id);
    const now = await goal(g.id);
    k = now.key_results[0];
    assert.equal(k.tasks_done, 1);
    assert.equal(k.tasks_total, 2);
    near(k.current, 50, '1 of 2 done');
    // Goal: (0.5 + the manual 0.5) / 2.
    near(now.progress, 0.5, 'goal progress');
    // One automatic check-in for the change 0 → 50, none for a step that keeps the value.
    const hist = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.filter((h) => h.key_result_id === kr.id);
    assert.deepEqual(hist.map((h) => [h.value, h.automatic]), [[50, true]]);
  });

  it('the job: the occurrence it makes is linked and counted in its transaction; a closed goal keeps its value', async () => {
    const g = await goalWithTasksKr();
    const kr = g.key_results[0];
    await task({ title: '售后月报（已完成）', key_result_id: kr.id, status: 'done' });
    const t = await task({ title: '每日售后巡检', key_result_id: kr.id, due_at: new Date(Date.now() - 3600_000).toISOString(), recurrence: 'daily' });
    near((await goal(g.id)).key_results[0].current, 50, '1 of 2 before the job');

    runJobs();
    const all = await tasksTitled(t.title);
    assert.equal(all.length, 2, 'the job made the next occurrence');
    assert.equal(all[0].status, 'todo', 'the missed one stays open');
    assert.equal(all[1].key_result_id, kr.id);
    assert.equal(all[1].goal_id, g.id);
    let k = (await goal(g.id)).key_results[0];
    assert.equal(k.tasks_done, 1);
    assert.equal(k.tasks_total, 3);
    near(k.current, 100 / 3, '1 of 3 after the job');
    const hist = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items;
    assert.equal(hist[0].key_result_id, kr.id);
    assert.equal(hist[0].automatic, true, 'the job writes an automatic check-in');
    near(hist[0].value, 100 / 3, 'its value');

    // Closed: the next occurrence the job makes is still linked and counted, but the value is frozen.
    const cur = await goal(g.id);
    const closed = await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}`, { status: 'closed' }, { 'If-Match': `"${cur.version}"` });
    assert.equal(closed.status, 200, closed.text);
    const c = await task({ title: '每日关闭后巡检', key_result_id: kr.id, due_at: new Date(Date.now() - 1800_000).toISOString(), recurrence: 'daily' });
    const before = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.length;
    runJobs();
    const made = await tasksTitled(c.title);
    assert.equal(made.length, 2);
    assert.equal(made[1].key_result_id, kr.id, 'linked even while the goal is closed');
    k = (await goal(g.id)).key_results[0];
    assert.equal(k.tasks_done, 1, 'the counts follow');
    assert.equal(k.tasks_total, 5);
    near(k.current, 100 / 3, 'the value stays at what it was when the goal closed');
    assert.equal((await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkins`)).json.items.length, before, 'no check-in while closed');
  });
});

describe('checkpoints marked done', () => {
  it('PATCH with If-Match sets done, audits it, and refuses stale or missing versions', async () => {
    const g = await goalWithTasksKr();
    const cp = (await s.api('admin', 'POST', `/api/v1/goals/${g.id}/checkpoints`, { title: '退货流程上线', date: '2026-08-15' })).json;
    assert.equal(cp.done, false);
    const url = `/api/v1/goals/${g.id}/checkpoints/${cp.id}`;
    assertProblem(await s.api('admin', 'PATCH', url, { done: true }), 428);
    const r = await s.api('admin', 'PATCH', url, { done: true }, { 'If-Match': `"${cp.version}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.done, true);
    assert.equal(r.json.version, cp.version + 1);
    assert.equal(r.headers.get('etag'), `"${cp.version + 1}"`);
    const audit = (await s.api('admin', 'GET', '/api/v1/audit?limit=1')).json.items[0];
    assert.equal(audit.action, 'update');
    assert.match(JSON.stringify(audit), /checkpoint/);
    assert.match(JSON.stringify(audit), /"done":\s*true/);
    assertProblem(await s.api('admin', 'PATCH', url, { done: false }, { 'If-Match': `"${cp.version}"` }), 412);
    assertProblem(await s.api('admin', 'PATCH', url, { done: 'yes' }, { 'If-Match': `"${r.json.version}"` }), 422, 'done');
    assertProblem(await s.api('wangfang', 'PATCH', url, { done: false }, { 'If-Match': `"${r.json.version}"` }), 403);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/goals/${g.id}/checkpoints/999999`, { done: true }, { 'If-Match': '"1"' }), 404);
    const list = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkpoints`)).json.items;
    assert.equal(list[0].done, true);
  });

  it('the goal page button toggles it', async () => {
    const g = await goalWithTasksKr();
    const cp = (await s.api('admin', 'POST', `/api/v1/goals/${g.id}/checkpoints`, { title: '培训完成', date: '2026-09-01' })).json;
    const sess = await s.browserLogin('admin');
    const page = await s.page(sess, `/goals/${g.id}`);
    assert.match(page.text, new RegExp(`action="/goals/${g.id}/checkpoints/${cp.id}"`));
    const r = await s.form(sess, `/goals/${g.id}/checkpoints/${cp.id}`, { version: String(cp.version), done: '1' });
    assert.equal(r.status, 303, r.text);
    const list = (await s.api('admin', 'GET', `/api/v1/goals/${g.id}/checkpoints`)).json.items;
    assert.equal(list[0].done, true);
    const stale = await s.form(sess, `/goals/${g.id}/checkpoints/${cp.id}`, { version: String(cp.version), done: '0' });
    assert.equal(stale.status, 412);
  });
});

describe('goal pages', () => {
  it('shows "from N linked tasks (k done)" on the goal page', async () => {
    const g = await goalWithTasksKr();
    await task({ title: '链接任务一', key_result_id: g.key_results[0].id, status: 'done' });
    await task({ title: '链接任务二', key_result_id: g.key_results[0].id });
    await task({ title: '链接任务三', key_result_id: g.key_results[0].id });
    const sess = await s.browserLogin('admin');
    const page = await s.page(sess, `/goals/${g.id}`, { 'Accept-Language': 'en' });
    assert.match(page.text, /from 3 linked tasks \(1 done\)/);
  });

  it('a refused edit keeps what was typed; key-result errors show beside their fields', async () => {
    const g = await goalWithTasksKr();
    const sess = await s.browserLogin('admin');
    const r = await s.form(sess, `/goals/${g.id}`, {
      version: String(g.version), title: '', description: '新的说明：不要丢', level: 'company', period: 'quarter',
      start_date: '2026-07-01', status: 'closed',
    });
    assert.equal(r.status, 422);
    assert.match(r.text, /新的说明：不要丢<\/textarea>/);
    assert.match(r.text, /<option value="closed" selected>/);
    assert.match(r.text, /id="err-title"/);
    const c = await s.form(sess, '/goals', {
      title: '售后提效 2026', level: 'company', period: 'quarter', start_date: '2026-07-01',
      kr1_metric: '退款时长', kr1_unit: '小时', kr1_direction: 'increase', kr1_baseline: '10', kr1_target: '5',
    });
    assert.equal(c.status, 422);
    // The model names key_results[0].target; the error sits right after the kr1_target input.
    assert.match(c.text, /name="kr1_target"[^>]*value="5">(<p class="field-error" id="err-kr1_target">[^<]*<\/p>)?<p class="field-error" id="err-key_results\[0\]\.target">/);
    assert.match(c.text, /name="kr1_metric"[^>]*value="退款时长"/);
  });

  it('a refused task create keeps the chosen key result and what was typed', async () => {
    const g = await goalWithTasksKr();
    const kr = g.key_results[0];
    const sess = await s.browserLogin('lina');
    const r = await s.form(sess, '/tasks', {
      title: '保留关键结果的任务', description: '说明不要丢', owner_id: String(ids.lina), status: 'todo', priority: 'high',
      start_at: '2026-08-10T09:00', due_at: '2026-08-01T18:00', key_result_id: String(kr.id), tags: '售后, 流程',
    });
    assert.equal(r.status, 422, 'due before start');
    assert.match(r.text, new RegExp(`<option value="${kr.id}" selected>`));
    assert.match(r.text, /name="title"[^>]*value="保留关键结果的任务"/);
    assert.match(r.text, /说明不要丢<\/textarea>/);
    assert.match(r.text, /<option value="high" selected>/);
    assert.match(r.text, /name="tags"[^>]*value="售后,流程"/);
    assert.match(r.text, /name="due_at"[^>]*value="2026-08-01T18:00"/);
    const list = (await s.api('lina', 'GET', '/api/v1/tasks?limit=200')).json.items;
    assert.ok(!list.some((t) => t.title === '保留关键结果的任务'), 'nothing written');
  });
});

describe('the CSV import page', () => {
  const header = 'title,owner,status,due_at\r\n';
  it('reports bad rows in a table and imports nothing, or the valid rows when asked', async () => {
    const sess = await s.browserLogin('lina');
    const get = await s.page(sess, '/tasks/import');
    assert.equal(get.status, 200);
    assert.match(get.text, /href="\/api\/v1\/tasks\/export.csv"/);
    const csv = header + '导入页任务一,lina,todo,\r\n导入页任务二,nobody,todo,\r\n导入页任务三,lina,maybe,\r\n';
    let r = await s.form(sess, '/tasks/import', { csv, mode: 'all' });
    assert.equal(r.status, 422);
    assert.match(r.text, /<table class="list import-errors">/);
    assert.match(r.text, /<tr><td>3<\/td><td>owner<\/td>/);
    assert.match(r.text, /<tr><td>4<\/td><td>status<\/td>/);
    assert.match(r.text, /导入页任务二,nobody/, 'the CSV stays in the field');
    let list = (await s.api('lina', 'GET', '/api/v1/tasks?limit=200')).json.items;
    assert.ok(!list.some((t) => t.title.startsWith('导入页')), 'nothing imported');
    r = await s.form(sess, '/tasks/import', { csv, mode: 'valid' });
    assert.equal(r.status, 200);
    assert.match(r.text, /<tr><td>3<\/td><td>owner<\/td>/);
    list = (await s.api('lina', 'GET', '/api/v1/tasks?limit=200')).json.items;
    assert.deepEqual(list.filter((t) => t.title.startsWith('导入页')).map((t) => t.title), ['导入页任务一']);
    const broken = await s.form(sess, '/tasks/import', { csv: header + '"未闭合,lina,todo,\r\n' });
    assert.equal(broken.status, 422);
    assert.match(broken.text, /line 2/);
    const viewer = await s.browserLogin('qianhao');
    assert.equal((await s.page(viewer, '/tasks/import')).status, 403);
  });
});
