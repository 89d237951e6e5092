// Process runs: starting a run on the active SOP version only, the order rule
// (refused out of order; a parallel group in progress at once; conditional
// steps passed over), checklist gating, skips with reasons, optimistic
// concurrency on the step, cancel, the exact events each action writes to the
// SOP's run log, the conformance figures of runs with one skip (worked out
// below), the automatic SOP review task when a step breaks its time standard
// (opened once while open, again after it was closed), list filters, scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertProblem, etagVersion, auditHead, stopServer, sleep } from './harness.mjs';

let s;
const team = {}; // name → id
const user = {}; // login → id

before(async () => {
  s = await startServer();
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
});
after(async () => { await stopServer(s); });

let seq = 0;
// An SOP of 售前咨询组 owned by lina (its supervisor), published unless told not to.
async function sop(steps, { publish = true, title } = {}) {
  const r = await s.api('lina', 'POST', '/api/v1/sops', {
    title: title || `订单处理流程${++seq}`, team_id: team['售前咨询组'], owner_id: user.lina, steps,
  });
  assert.equal(r.status, 201, r.text);
  if (publish) {
    const p = await s.api('lina', 'POST', `/api/v1/sops/${r.json.id}/versions/1/publish`);
    assert.equal(p.status, 200, p.text);
  }
  return r.json;
}
const FIVE = [
  { name: '接单登记', checklist: ['核对客户信息', '确认订单金额'] },
  { name: '备货' },
  { name: '出库复核' },
  { name: '发货' },
  { name: '回访' },
];
async function start(sopId, reference, who = 'wangfang') {
  const r = await s.api(who, 'POST', '/api/v1/runs', { sop_id: sopId, reference });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/runs/${r.json.id}`);
  return r.json;
}
const stepOf = (run, name) => run.steps.find((x) => x.name === name);
// POST an action on a step with its current version as If-Match.
async function act(run, name, action, body, who = 'wangfang') {
  const cur = (await s.api('admin', 'GET', `/api/v1/runs/${run.id}`)).json;
  const st = stepOf(cur, name);
  return s.api(who, 'POST', `/api/v1/runs/${run.id}/steps/${st.step_id}/${action}`, body, { 'If-Match': `"${st.version}"` });
}
async function ok(run, name, action, body, who) {
  const r = await act(run, name, action, body, who);
  assert.equal(r.status, 200, `${action} ${name}: ${r.text}`);
  return r.json;
}
async function tick(run, name, item, checked = true, who = 'wangfang') {
  const st = stepOf(run, name);
  return s.api(who, 'POST', `/api/v1/runs/${run.id}/steps/${st.step_id}/checks/${item}`, { checked });
}
// The run log as rows [case, activity, resource, lifecycle, run_id].
async function logRows(logId) {
  const r = await s.api('admin', 'GET', `/api/v1/eventlogs/${logId}/export.csv`);
  assert.equal(r.status, 200, r.text);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const head = lines[0].split(',');
  assert.deepEqual(head.slice(0, 5), ['case', 'activity', 'timestamp', 'resource', 'lifecycle']);
  const runCol = head.indexOf('case:run_id');
  assert.ok(runCol > 0, 'the run id is a case attribute: ' + lines[0]);
  return lines.slice(1).map((l) => { const c = l.split(','); return [c[0], c[1], c[3], c[4], c[runCol]]; });
}

describe('starting a run', () => {
  it('needs an active published version: 422 naming sop_id, nothing written', async () => {
    const draft = await sop(FIVE, { publish: false });
    const head = await auditHead(s);
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: draft.id, reference: 'SO-1' }), 422, 'sop_id');
    assert.equal(await auditHead(s), head);
  });

  it('validates its fields before anything else', async () => {
    const p = await sop(FIVE);
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { reference: 'SO-1' }), 422, 'sop_id');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id }), 422, 'reference');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id, reference: '   ' }), 422, 'reference');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'x'.repeat(101) }), 422, 'reference');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: 'one', reference: 'SO-1' }), 422, 'sop_id');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'SO-1', extra: 1 }), 422, 'extra');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: 999999, reference: 'SO-1' }), 404);
  });

  it('starts on the published version with every step pending; the reference is unique per SOP', async () => {
    const p = await sop(FIVE);
    const run = await start(p.id, 'SO-2024-0001');
    assert.equal(run.status, 'open');
    assert.equal(run.sop_id, p.id);
    assert.equal(run.version_number, 1);
    assert.equal(run.team_id, team['售前咨询组']);
    assert.equal(run.started_by, user.wangfang);
    assert.equal(run.steps_total, 5);
    assert.equal(run.steps_finished, 0);
    assert.equal(run.current_step, '接单登记');
    assert.deepEqual(run.steps.map((x) => [x.name, x.status, x.startable]),
      [['接单登记', 'pending', true], ['备货', 'pending', false], ['出库复核', 'pending', false], ['发货', 'pending', false], ['回访', 'pending', false]]);
    assert.deepEqual(run.steps[0].checklist, [{ item: 1, text: '核对客户信息', checked: false }, { item: 2, text: '确认订单金额', checked: false }]);
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'SO-2024-0001' }), 409, 'reference');
    // another SOP may use the same reference
    const other = await sop(FIVE);
    await start(other.id, 'SO-2024-0001');
  });

  it('is for the SOP\'s team: other teams do not see it, viewers cannot start one', async () => {
    const p = await sop(FIVE);
    assertProblem(await s.api('chenjing', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'X-1' }), 404);
    assertProblem(await s.api('qianhao', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'X-1' }), 403);
    const run = await start(p.id, 'X-1');
    assertProblem(await s.api('chenjing', 'GET', `/api/v1/runs/${run.id}`), 404);
    assert.equal((await s.api('qianhao', 'GET', `/api/v1/runs/${run.id}`)).status, 200);
    assertProblem(await act(run, '接单登记', 'start', undefined, 'qianhao'), 403);
    assertProblem(await act(run, '接单登记', 'start', undefined, 'chenjing'), 404);
    const list = await s.api('chenjing', 'GET', '/api/v1/runs?limit=200');
    assert.ok(!list.json.items.some((x) => x.id === run.id));
  });
});

describe('running the steps', () => {
  let p, run;
  before(async () => {
    p = await sop(FIVE);
    run = await start(p.id, 'SO-ORDER-7');
  });

  it('refuses a step out of order with 409 naming the step that must come first; nothing written', async () => {
    const head = await auditHead(s);
    const r = assertProblem(await act(run, '备货', 'start'), 409, 'step_id');
    assert.match(JSON.stringify(r.errors), /接单登记/);
    assertProblem(await act(run, '备货', 'skip', { reason: '缺货' }), 409, 'step_id');
    assert.equal(await auditHead(s), head);
  });

  it('speaks If-Match on the step: 428 without, 412 when stale', async () => {
    const st = stepOf(run, '接单登记');
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/steps/${st.step_id}/start`), 428);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/steps/${st.step_id}/start`, undefined, { 'If-Match': '"7"' }), 412);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/steps/999999/start`, undefined, { 'If-Match': '"1"' }), 404);
  });

  it('cannot complete before the start, nor before every checklist item is ticked (422 naming the item)', async () => {
    assertProblem(await act(run, '接单登记', 'complete'), 409, 'step_id');
    assertProblem(await tick(run, '接单登记', 1), 409, 'step_id');
    const started = await act(run, '接单登记', 'start');
    assert.equal(started.status, 200, started.text);
    assert.equal(etagVersion(started), 2);
    const st = stepOf(started.json, '接单登记');
    assert.equal(st.status, 'in_progress');
    assert.equal(st.started_by, user.wangfang);
    assert.equal(st.started_by_name, '王芳');
    assert.ok(st.duration_s >= 0);
    assertProblem(await act(run, '接单登记', 'start'), 409, 'step_id');
    assertProblem(await act(run, '接单登记', 'skip', { reason: '不需要' }), 409, 'step_id');
    assertProblem(await act(run, '接单登记', 'complete'), 422, 'checklist[1]');
    let t = await tick(run, '接单登记', 2);
    assert.equal(t.status, 200, t.text);
    assert.deepEqual(stepOf(t.json, '接单登记').checklist.map((c) => c.checked), [false, true]);
    const r = assertProblem(await act(run, '接单登记', 'complete'), 422, 'checklist[1]');
    assert.match(JSON.stringify(r.errors), /核对客户信息/);
    t = await tick(run, '接单登记', 1);
    assert.equal(t.status, 200);
    t = await tick(run, '接单登记', 1, false); // untick, then tick again
    assert.deepEqual(stepOf(t.json, '接单登记').checklist.map((c) => c.checked), [false, true]);
    t = await tick(run, '接单登记', 1);
    assertProblem(await tick(run, '接单登记', 3), 404);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/steps/${st.step_id}/checks/1`, { checked: 'yes' }), 422, 'checked');
    const done = await ok(run, '接单登记', 'complete');
    const d = stepOf(done, '接单登记');
    assert.equal(d.status, 'done');
    assert.equal(d.completed_by, user.wangfang);
    assert.equal(done.steps_finished, 1);
    assert.equal(done.current_step, '备货');
    assert.equal(stepOf(done, '备货').startable, true);
  });

  it('a skip needs a reason; skipping a mandatory step is allowed', async () => {
    await ok(run, '备货', 'start');
    await ok(run, '备货', 'complete');
    assertProblem(await act(run, '出库复核', 'skip', {}), 422, 'reason');
    assertProblem(await act(run, '出库复核', 'skip', { reason: '  ' }), 422, 'reason');
    const r = await ok(run, '出库复核', 'skip', { reason: '客户自提，无需复核' });
    const x = stepOf(r, '出库复核');
    assert.equal(x.status, 'skipped');
    assert.equal(x.skip_reason, '客户自提，无需复核');
    assert.equal(x.duration_s, null);
    assert.equal(stepOf(r, '发货').startable, true);
  });

  it('completes the run when the last step is done; a closed run refuses every action', async () => {
    await ok(run, '发货', 'start', undefined, 'lina');
    await ok(run, '发货', 'complete', undefined, 'lina');
    await ok(run, '回访', 'start');
    const r = await ok(run, '回访', 'complete');
    assert.equal(r.status, 'done');
    assert.ok(r.finished_at);
    assert.equal(r.steps_finished, 5);
    assert.equal(r.current_step, null);
    assertProblem(await act(run, '回访', 'start'), 409, 'run');
    const cur = (await s.api('admin', 'GET', `/api/v1/runs/${run.id}`));
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/cancel`, undefined, { 'If-Match': cur.headers.get('etag') }), 409, 'run');
  });

  it('wrote one event per action to the SOP\'s run log: case = reference, resource = the person', async () => {
    const rows = await logRows(run.log_id);
    assert.deepEqual(rows, [
      ['SO-ORDER-7', '接单登记', '王芳', 'start', String(run.id)],
      ['SO-ORDER-7', '接单登记', '王芳', 'complete', String(run.id)],
      ['SO-ORDER-7', '备货', '王芳', 'start', String(run.id)],
      ['SO-ORDER-7', '备货', '王芳', 'complete', String(run.id)],
      ['SO-ORDER-7', '出库复核', '王芳', 'skip', String(run.id)],
      ['SO-ORDER-7', '发货', '李娜', 'start', String(run.id)],
      ['SO-ORDER-7', '发货', '李娜', 'complete', String(run.id)],
      ['SO-ORDER-7', '回访', '王芳', 'start', String(run.id)],
      ['SO-ORDER-7', '回访', '王芳', 'complete', String(run.id)],
    ]);
  });

  it('conformance of a full run and a run with one skip: fitness 1 and 7/8, overall 15/16', async () => {
    const full = await start(p.id, 'SO-ORDER-8');
    await ok(full, '接单登记', 'start');
    await tick(full, '接单登记', 1);
    await tick(full, '接单登记', 2);
    for (const name of ['接单登记', '备货', '出库复核', '发货', '回访']) {
      if (name !== '接单登记') await ok(full, name, 'start');
      await ok(full, name, 'complete');
    }
    const a = await s.api('qianhao', 'GET', `/api/v1/sops/${p.id}/analysis`);
    assert.equal(a.status, 200, a.text);
    const doc = a.json;
    assert.equal(doc.counts.cases, 2);
    assert.equal(doc.counts.events, 9 + 10);
    // SO-ORDER-7: 4 step instances → 3 transitions (接单登记→备货, 备货→发货 — allowed because
    // 出库复核 never occurs —, 发货→回访) + 5 mandatory steps = 8 checks; one deviation
    // (出库复核 skipped) → 1 − 1/8 = 0.875. SO-ORDER-8: 4 + 5 = 9 checks, none failed → 1.
    const fit = Object.fromEntries(doc.conformance.cases.map((c) => [c.case, [c.fitness, c.deviations]]));
    assert.deepEqual(fit, { 'SO-ORDER-7': [0.875, 1], 'SO-ORDER-8': [1, 0] });
    assert.equal(doc.conformance.fitness, 0.9375);
    assert.deepEqual(doc.conformance.deviations, [{ kind: 'skipped', from: null, to: '出库复核', cases: 1 }]);
    const check = doc.conformance.steps.find((x) => x.name === '出库复核');
    assert.equal(check.runs, 1);
    assert.equal(check.skips, 1);
    assert.equal(check.skip_share, 0.5);
    // the same document as the run log's own analysis
    const viaLog = await s.api('admin', 'GET', `/api/v1/eventlogs/${run.log_id}/analysis`);
    assert.equal(viaLog.status, 200, viaLog.text);
    assert.equal(viaLog.json.conformance.fitness, 0.9375);
  });

  it('analyses the finished runs only with ?runs=done; a run without events is no case', async () => {
    const idle = await start(p.id, 'SO-ORDER-9');
    let all = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=all`)).json;
    assert.equal(all.counts.cases, 2, 'a run that recorded nothing is not in the log');
    await ok(idle, '接单登记', 'start');
    all = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis`)).json;
    assert.equal(all.counts.cases, 3);
    const done = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=done`)).json;
    assert.equal(done.counts.cases, 2);
    assert.equal(done.conformance.fitness, 0.9375);
    assertProblem(await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=some`), 400, 'runs');
    const c = await s.api('wangfang', 'POST', `/api/v1/runs/${idle.id}/cancel`, undefined, { 'If-Match': '"1"' });
    assert.equal(c.status, 200, c.text);
  });

  it('the analysis page shows the figures of the JSON (finished runs by default)', async () => {
    const sess = await s.browserLogin('wangfang');
    const doc = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=done`)).json;
    const page = await s.page(sess, `/sops/${p.id}/analysis`);
    assert.equal(page.status, 200);
    const ms = Math.round(doc.case_duration.median * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    const median = ms < 60000 ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 3600000)}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}`;
    const big = [...page.text.matchAll(/<p class="big">([^<]*)<\/p>/g)].map((m) => m[1]);
    assert.deepEqual(big, [String(doc.counts.cases), '93.8%', median, String(doc.counts.variants)]);
    assert.equal(doc.counts.cases, 2);
    assert.equal(doc.conformance.fitness, 0.9375);
    // per run: the same fitness as the JSON's cases
    for (const c of doc.conformance.cases)
      assert.match(page.text, new RegExp(`>${c.case}</a></td><td class="fit-(ok|low)">${(c.fitness * 100).toFixed(1)}%</td><td>${c.deviations}</td>`));
  });

  it('lists runs with filters', async () => {
    const all = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}`);
    assert.deepEqual(all.json.items.map((x) => x.reference), ['SO-ORDER-9', 'SO-ORDER-8', 'SO-ORDER-7']);
    assert.ok(all.json.items.every((x) => x.steps === undefined));
    const one = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}&reference=SO-ORDER-7`);
    assert.deepEqual(one.json.items.map((x) => x.id), [run.id]);
    const open = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}&status=done`);
    assert.deepEqual(open.json.items.map((x) => x.reference), ['SO-ORDER-8', 'SO-ORDER-7']);
    const page = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}&limit=1`);
    assert.equal(page.json.items.length, 1);
    const next = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}&limit=1&cursor=${page.json.next_cursor}`);
    assert.deepEqual(next.json.items.map((x) => x.reference), ['SO-ORDER-8']);
    assertProblem(await s.api('wangfang', 'GET', '/api/v1/runs?status=paused'), 400, 'status');
    assertProblem(await s.api('wangfang', 'GET', '/api/v1/runs?limit=0'), 400, 'limit');
  });
});

describe('parallel groups and conditional steps', () => {
  let run;
  before(async () => {
    const p = await sop([
      { name: '受理' },
      { name: '备料', parallel_group: 1 },
      { name: '排产', parallel_group: 1 },
      { name: '加急审批', conditional: true, condition: '仅当客户要求加急' },
      { name: '交付' },
    ]);
    run = await start(p.id, 'PAR-1');
  });

  it('steps of one parallel group run at once; the next block waits for all of them', async () => {
    await ok(run, '受理', 'start');
    await ok(run, '受理', 'complete');
    await ok(run, '备料', 'start');
    const r = await ok(run, '排产', 'start', undefined, 'lina');
    assert.deepEqual(r.steps.filter((x) => x.status === 'in_progress').map((x) => x.name), ['备料', '排产']);
    assertProblem(await act(run, '交付', 'start'), 409, 'step_id');
    await ok(run, '排产', 'complete', undefined, 'lina');
    const e = assertProblem(await act(run, '加急审批', 'start'), 409, 'step_id');
    assert.match(JSON.stringify(e.errors), /备料/);
    await ok(run, '备料', 'complete');
  });

  it('a pending conditional step does not hold the next one back, and cannot run once passed', async () => {
    const r = await ok(run, '交付', 'start');
    assert.equal(stepOf(r, '加急审批').bypassed, true);
    assert.equal(r.current_step, '交付', 'a bypassed step is not the current one');
    const listed = (await s.api('wangfang', 'GET', '/api/v1/runs?reference=PAR-1')).json.items;
    assert.deepEqual(listed.map((x) => x.current_step), ['交付']);
    assert.equal(stepOf(r, '加急审批').startable, false);
    const e = assertProblem(await act(run, '加急审批', 'start'), 409, 'step_id');
    assert.match(JSON.stringify(e.errors), /交付/);
    const done = await ok(run, '交付', 'complete');
    assert.equal(done.status, 'done', 'a bypassed conditional step does not keep the run open');
    assert.equal(stepOf(done, '加急审批').status, 'pending');
  });
});

describe('cancel', () => {
  it('cancels an open run with If-Match on the run; then nothing changes; the reference stays taken', async () => {
    const p = await sop(FIVE);
    const run = await start(p.id, 'C-1');
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/cancel`), 428);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/cancel`, undefined, { 'If-Match': '"9"' }), 412);
    const r = await s.api('wangfang', 'POST', `/api/v1/runs/${run.id}/cancel`, undefined, { 'If-Match': `"${run.version}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal(etagVersion(r), run.version + 1);
    assertProblem(await act(run, '接单登记', 'start'), 409, 'run');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: p.id, reference: 'C-1' }), 409, 'reference');
    const list = await s.api('wangfang', 'GET', `/api/v1/runs?sop_id=${p.id}&status=cancelled`);
    assert.deepEqual(list.json.items.map((x) => x.id), [run.id]);
  });
});

describe('cancel of a run in progress', () => {
  it('ends each step in progress with an ate_abort event by the person cancelling; pending steps write nothing', async () => {
    const p = await sop(FIVE);
    const run = await start(p.id, 'C-2');
    await ok(run, '接单登记', 'start');
    let cur = (await s.api('admin', 'GET', `/api/v1/runs/${run.id}`)).json;
    assert.equal((await tick(cur, '接单登记', 1)).status, 200);
    assert.equal((await tick(cur, '接单登记', 2)).status, 200);
    await ok(run, '接单登记', 'complete');
    await ok(run, '备货', 'start');
    cur = (await s.api('admin', 'GET', `/api/v1/runs/${run.id}`)).json;
    const head = await auditHead(s);
    const r = await s.api('lina', 'POST', `/api/v1/runs/${run.id}/cancel`, undefined, { 'If-Match': `"${cur.version}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    const rows = await logRows(run.log_id);
    assert.deepEqual(rows.filter((x) => x[0] === 'C-2'), [
      ['C-2', '接单登记', '王芳', 'start', String(run.id)],
      ['C-2', '接单登记', '王芳', 'complete', String(run.id)],
      ['C-2', '备货', '王芳', 'start', String(run.id)],
      ['C-2', '备货', '李娜', 'ate_abort', String(run.id)],
    ]);
    const audit = await s.api('admin', 'GET', '/api/v1/audit?limit=1');
    assert.equal(audit.json.items[0].action, 'run_cancel');
    assert.ok(audit.json.items[0].id > head);
    // the finished runs leave a cancelled one out; all runs see the abort as an event
    const all = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=all`)).json;
    assert.equal(all.counts.cases, 1);
    assert.equal(all.counts.events, 4);
    const done = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=done`)).json;
    assert.equal(done.counts.cases, 0);
  });
});

describe('time standards', () => {
  const reviewTasks = async (title) => (await s.api('admin', 'GET', '/api/v1/tasks?limit=200')).json.items.filter((t) => t.title.includes(title));

  it('opens one SOP review task when a step breaks its time standard, again only after it was closed', async () => {
    const title = `时效测试流程${++seq}`;
    const p = await sop([{ name: '快速确认', time_standard_s: 1, time_share_pct: 90 }, { name: '归档' }], { title });
    const once = async (ref) => {
      const run = await start(p.id, ref);
      await ok(run, '快速确认', 'start');
      await sleep(1300);
      const r = await ok(run, '快速确认', 'complete');
      assert.equal(stepOf(r, '快速确认').standard, 'over');
      assert.ok(stepOf(r, '快速确认').duration_s > 1);
      return run;
    };
    // a step within its standard opens nothing
    const quick = await start(p.id, 'T-0');
    await ok(quick, '快速确认', 'start');
    const q = await ok(quick, '快速确认', 'complete');
    assert.equal(stepOf(q, '快速确认').standard, 'within');
    assert.equal((await reviewTasks(title)).length, 0);
    await once('T-1'); // durations ≈ [0, 1.3 s]: p90 ≈ 1.17 s > 1 s
    let tasks = await reviewTasks(title);
    assert.equal(tasks.length, 1);
    const t = tasks[0];
    assert.match(t.title, /快速确认/);
    assert.equal(t.owner_id, user.lina);
    assert.equal(t.team_id, team['售前咨询组']);
    assert.equal(t.status, 'todo');
    const dueIn = Date.parse(t.due_at) - Date.now();
    assert.ok(dueIn > 6.9 * 86400e3 && dueIn <= 7 * 86400e3, `due in 7 days, got ${dueIn} ms`);
    await once('T-2');
    assert.equal((await reviewTasks(title)).length, 1, 'not twice while the task is open');
    // closed: the next breach opens a new one
    const cur = await s.api('lina', 'GET', `/api/v1/tasks/${t.id}`);
    const closed = await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}`, { status: 'done' }, { 'If-Match': cur.headers.get('etag') });
    assert.equal(closed.status, 200, closed.text);
    await once('T-3');
    tasks = await reviewTasks(title);
    assert.equal(tasks.length, 2);
    assert.equal(tasks.filter((x) => x.status === 'todo').length, 1);
    // the analysis shows the breach
    const a = (await s.api('lina', 'GET', `/api/v1/sops/${p.id}/analysis`)).json;
    const st = a.conformance.steps.find((x) => x.name === '快速确认');
    assert.equal(st.breaks_time_standard, true);
    assert.equal(st.time_standard, 1);
  });
});

describe('analysis of an SOP', () => {
  it('answers an empty analysis for an SOP without runs, 404 for an SOP out of scope', async () => {
    const p = await sop(FIVE);
    const a = await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.counts.cases, 0);
    assert.equal(a.json.counts.events, 0);
    assert.equal(a.json.conformance, null);
    // an open run only: every case is unfinished, so ?runs=done is empty too (with the model)
    const run = await start(p.id, 'E-1');
    await ok(run, '接单登记', 'start');
    const open = (await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=done`)).json;
    assert.equal(open.counts.cases, 0);
    assert.equal(open.conformance.fitness, null);
    assert.equal(open.conformance.steps.length, 5);
    assert.equal((await s.api('wangfang', 'GET', `/api/v1/sops/${p.id}/analysis?runs=all`)).json.counts.cases, 1);
    assertProblem(await s.api('chenjing', 'GET', `/api/v1/sops/${p.id}/analysis`), 404);
    assertProblem(await s.api('chenjing', 'GET', '/api/v1/sops/999999/analysis'), 404);
  });
});
