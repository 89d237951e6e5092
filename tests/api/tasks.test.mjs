// Tasks: owner and team rules, scope, due before start, blocked needs a
// reason, dependency cycles (direct and indirect), stale edits, subtasks and
// progress, comments with @mentions, checklist, the list filters, CSV export
// → import round trip (Chinese, formula cells), import all-or-nothing, broken
// quotes and invalid UTF-8, the responsibility figures, access per role.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertProblem, etagVersion, auditHead, stopServer } from './harness.mjs';

let s;
const team = {}; // name → id
const user = {}; // login → id
const HOUR = 3600_000;
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  s = await startServer();
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
});
after(async () => { await stopServer(s); });

async function create(body, who = 'lina', want = 201) {
  const r = await s.api(who, 'POST', '/api/v1/tasks', body);
  assert.equal(r.status, want, r.text);
  return r.json;
}
async function patch(id, body, who = 'lina') {
  const cur = await s.api('admin', 'GET', `/api/v1/tasks/${id}`);
  return s.api(who, 'PATCH', `/api/v1/tasks/${id}`, body, { 'If-Match': cur.headers.get('etag') });
}

describe('owner and scope', () => {
  it('a member creates their own task; the owner defaults to the caller', async () => {
    const t = await create({ title: '整理售前话术' }, 'wangfang');
    assert.equal(t.owner_id, user.wangfang);
    assert.equal(t.team_id, team['售前咨询组']);
    assert.equal(t.status, 'todo');
    assert.equal(t.priority, 'normal');
    assert.equal(t.version, 1);
  });

  it('a member cannot give a new task to someone else', async () => {
    const r = await s.api('wangfang', 'POST', '/api/v1/tasks', { title: 'x', owner_id: user.liuyang });
    assertProblem(r, 422, 'owner_id');
  });

  it('a supervisor assigns within the teams they manage, not outside', async () => {
    const t = await create({ title: '回访差评客户', owner_id: user.chenjing });
    assert.equal(t.team_id, team['售后服务组']);
    const head = await auditHead(s);
    const r = await s.api('lina', 'POST', '/api/v1/tasks', { title: 'x', owner_id: user.huangmin });
    assert.ok([404, 422].includes(r.status), r.text);
    assert.equal(await auditHead(s), head, 'nothing written');
    assertProblem(await s.api('lina', 'POST', '/api/v1/tasks', { title: 'x', owner_id: 999999 }), 422, 'owner_id');
  });

  it('tasks outside the caller\'s team do not exist for them', async () => {
    const t = await create({ title: '盘点仓库', owner_id: user.huangmin }, 'zhaolei');
    assertProblem(await s.api('lina', 'GET', `/api/v1/tasks/${t.id}`), 404);
    assert.equal((await s.api('zhangwei', 'GET', `/api/v1/tasks/${t.id}`)).status, 200);
    const list = await s.api('lina', 'GET', '/api/v1/tasks?limit=200');
    assert.ok(!list.json.items.some((x) => x.id === t.id));
  });

  it('a viewer reads but cannot write', async () => {
    assertProblem(await s.api('qianhao', 'POST', '/api/v1/tasks', { title: 'x' }), 403);
    assert.equal((await s.api('qianhao', 'GET', '/api/v1/tasks')).status, 200);
  });

  it('a member edits their own task but not a colleague\'s; only managers reassign', async () => {
    const own = await create({ title: '我的任务' }, 'wangfang');
    assert.equal((await patch(own.id, { status: 'in_progress' }, 'wangfang')).status, 200);
    assertProblem(await patch(own.id, { owner_id: user.liuyang }, 'wangfang'), 403);
    const other = await create({ title: '别人的任务', owner_id: user.liuyang });
    assertProblem(await patch(other.id, { status: 'done' }, 'wangfang'), 403);
    // …unless they collaborate on it
    assert.equal((await patch(other.id, { collaborators: [user.wangfang] })).status, 200);
    assert.equal((await patch(other.id, { status: 'done' }, 'wangfang')).status, 200);
  });
});

describe('rules', () => {
  it('refuses a due date before the start', async () => {
    const now = Date.now();
    assertProblem(await s.api('lina', 'POST', '/api/v1/tasks', { title: 'x', start_at: iso(now), due_at: iso(now - HOUR) }), 422, 'due_at');
    const t = await create({ title: '有起止', start_at: iso(now), due_at: iso(now + HOUR) });
    assertProblem(await patch(t.id, { start_at: iso(now + 2 * HOUR) }), 422, 'due_at');
  });

  it('blocked needs a reason; leaving blocked clears it', async () => {
    const t = await create({ title: '等待供应商' });
    assertProblem(await patch(t.id, { status: 'blocked' }), 422, 'blocked_reason');
    const b = await patch(t.id, { status: 'blocked', blocked_reason: '供应商未回复' });
    assert.equal(b.status, 200);
    assert.equal(b.json.blocked_reason, '供应商未回复');
    const c = await patch(t.id, { status: 'in_progress' });
    assert.equal(c.json.blocked_reason, null);
  });

  it('refuses dependency cycles, direct and indirect, naming blocked_by', async () => {
    const a = await create({ title: 'A' });
    const b = await create({ title: 'B', blocked_by: [a.id] });
    const c = await create({ title: 'C', blocked_by: [b.id] });
    assert.deepEqual(c.blocked_by, [b.id]);
    assertProblem(await patch(a.id, { blocked_by: [a.id] }), 422, 'blocked_by');
    assertProblem(await patch(a.id, { blocked_by: [b.id] }), 422, 'blocked_by');
    assertProblem(await patch(a.id, { blocked_by: [c.id] }), 422, 'blocked_by');
    assert.equal((await s.api('lina', 'GET', `/api/v1/tasks/${a.id}`)).json.blocked_by.length, 0);
  });

  it('refuses a stale edit with 412 and a missing If-Match with 428', async () => {
    const t = await create({ title: '并发编辑' });
    const r1 = await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}`, { title: '一' }, { 'If-Match': '"1"' });
    assert.equal(r1.status, 200);
    assert.equal(etagVersion(r1), 2);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}`, { title: '二' }, { 'If-Match': '"1"' }), 412);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}`, { title: '二' }), 428);
    assert.equal((await s.api('lina', 'GET', `/api/v1/tasks/${t.id}`)).json.title, '一');
  });

  it('subtasks roll up progress; a parent cannot go under its child', async () => {
    const p = await create({ title: '父任务' });
    const k1 = await create({ title: '子一', parent_id: p.id });
    await create({ title: '子二', parent_id: p.id });
    assert.equal((await patch(k1.id, { status: 'done' })).status, 200);
    const got = (await s.api('lina', 'GET', `/api/v1/tasks/${p.id}`)).json;
    assert.equal(got.subtasks, 2);
    assert.equal(got.progress, 0.5);
    assertProblem(await patch(p.id, { parent_id: k1.id }), 422, 'parent_id');
  });

  it('records completed_at and whether it was done on time', async () => {
    const t = await create({ title: '按时', due_at: iso(Date.now() + HOUR) });
    const d = await patch(t.id, { status: 'done' });
    assert.ok(d.json.completed_at);
    assert.equal(d.json.done_on_time, true);
    const back = await patch(t.id, { status: 'todo' });
    assert.equal(back.json.completed_at, null);
  });

  it('soft-deletes with If-Match; creators and managers only', async () => {
    const t = await create({ title: '要删除的', owner_id: user.wangfang });
    assertProblem(await s.api('wangfang', 'DELETE', `/api/v1/tasks/${t.id}`, undefined, { 'If-Match': '"1"' }), 403);
    assert.equal((await s.api('lina', 'DELETE', `/api/v1/tasks/${t.id}`, undefined, { 'If-Match': '"1"' })).status, 204);
    assertProblem(await s.api('lina', 'GET', `/api/v1/tasks/${t.id}`), 404);
  });
});

describe('comments and checklist', () => {
  it('stores @mentions of known logins', async () => {
    const t = await create({ title: '讨论', owner_id: user.wangfang });
    const c = await s.api('wangfang', 'POST', `/api/v1/tasks/${t.id}/comments`, { body: '请 @chenjing 和 @nobody 看一下，@lina.' });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.json.mentions.sort(), ['chenjing', 'lina']);
    const list = await s.api('qianhao', 'GET', `/api/v1/tasks/${t.id}/comments`);
    assert.equal(list.json.items.length, 1);
    assertProblem(await s.api('wangfang', 'POST', `/api/v1/tasks/${t.id}/comments`, { body: '  ' }), 422, 'body');
  });

  it('adds, ticks and removes checklist items', async () => {
    const t = await create({ title: '清单' });
    const a = await s.api('lina', 'POST', `/api/v1/tasks/${t.id}/checklist`, { text: '第一步' });
    assert.equal(a.status, 201, a.text);
    const u = await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}/checklist/${a.json.id}`, { done: true });
    assert.equal(u.json.done, true);
    assert.equal((await s.api('lina', 'GET', `/api/v1/tasks/${t.id}/checklist`)).json.items[0].done, true);
    assert.equal((await s.api('lina', 'DELETE', `/api/v1/tasks/${t.id}/checklist/${a.json.id}`)).status, 204);
    assertProblem(await s.api('lina', 'PATCH', `/api/v1/tasks/${t.id}/checklist/${a.json.id}`, { done: true }), 404);
  });
});

describe('list filters', () => {
  it('filters by owner, status, tag, goal, team and due', async () => {
    const now = Date.now();
    const late = await create({ title: '逾期任务', owner_id: user.chenjing, due_at: iso(now - HOUR), tags: ['客诉', 'Q3'], goal_id: 77 });
    const none = await create({ title: '无期限', owner_id: user.chenjing, tags: ['Q3'] });
    const ids = async (q) => (await s.api('lina', 'GET', `/api/v1/tasks?limit=200&${q}`)).json.items.map((t) => t.id);
    assert.ok((await ids('due=overdue')).includes(late.id));
    assert.ok(!(await ids('due=overdue')).includes(none.id));
    assert.ok((await ids('due=none')).includes(none.id));
    assert.deepEqual((await ids(`tag=${encodeURIComponent('客诉')}`)), [late.id]);
    assert.deepEqual(await ids('goal=77'), [late.id]);
    const mine = await ids(`owner=${user.chenjing}&tag=Q3`);
    assert.deepEqual(mine.sort(), [late.id, none.id].sort());
    assert.ok((await ids(`team=${team['客服部']}&tag=Q3`)).includes(late.id));
    assert.equal((await ids(`team=${team['售前咨询组']}&tag=Q3`)).length, 0);
    assert.ok((await ids('status=open')).includes(late.id));
    const r = await s.api('lina', 'GET', `/api/v1/tasks?id=1&due=${encodeURIComponent('later')}`);
    assertProblem(r, 400, 'due');
    const overdue = (await s.api('lina', 'GET', `/api/v1/tasks/${late.id}`)).json;
    assert.equal(overdue.overdue, true);
  });

  it('pages with a cursor', async () => {
    const p1 = await s.api('lina', 'GET', '/api/v1/tasks?limit=2');
    assert.equal(p1.json.items.length, 2);
    assert.ok(p1.json.next_cursor);
    const p2 = await s.api('lina', 'GET', `/api/v1/tasks?limit=2&cursor=${p1.json.next_cursor}`);
    assert.ok(p2.json.items[0].id > p1.json.items[1].id);
  });
});

// ---------- CSV ----------

function parseCsv(text) {
  // A small RFC 4180 reader for the test (independent of the server's).
  const rows = []; let row = []; let cell = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) { if (c === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; } else cell += c; continue; }
    if (c === '"') q = true; else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function importCsv(who, csv, query = '') {
  const body = typeof csv === 'string' ? csv : csv;
  return s.api(who, 'POST', `/api/v1/tasks/import${query}`, body, { 'Content-Type': 'text/csv' });
}

describe('CSV', () => {
  it('exports UTF-8 with a BOM and neutralised formula cells, and imports it back', async () => {
    const titles = ['=SUM(A1:A9)', '+1 电话回访', '-减少库存', '@everyone 通知', "'=已引用", '普通，"引号" 与,逗号'];
    for (const title of titles) await create({ title, owner_id: user.liuyang, tags: ['导出'], description: '多行\n描述' });
    const res = await fetch(`${s.url}/api/v1/tasks/export.csv?tag=${encodeURIComponent('导出')}`, { headers: { Authorization: `Bearer ${s.tokens.lina}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const rows = parseCsv(text);
    const header = rows[0];
    const ti = header.indexOf('title');
    const cells = rows.slice(1).map((r) => r[ti]);
    assert.deepEqual(cells, ["'=SUM(A1:A9)", "'+1 电话回访", "'-减少库存", "'@everyone 通知", "''=已引用", '普通，"引号" 与,逗号']);
    // Import the export (retagged so the copies can be found).
    const retagged = text.replaceAll('导出', '导入');
    const imp = await importCsv('lina', retagged);
    assert.equal(imp.status, 200, imp.text);
    assert.equal(imp.json.imported, titles.length);
    const back = await s.api('lina', 'GET', `/api/v1/tasks?limit=200&tag=${encodeURIComponent('导入')}`);
    assert.deepEqual(back.json.items.map((t) => t.title), titles);
    assert.ok(back.json.items.every((t) => t.description === '多行\n描述' && t.owner_id === user.liuyang));
  });

  it('imports nothing when any row is wrong, and lists every bad row by line', async () => {
    const before = (await s.api('lina', 'GET', '/api/v1/tasks?limit=200&tag=batch')).json.items.length;
    const csv = 'title,owner,due_at,start_at,tags\n好的一行,liuyang,,,batch\n,liuyang,,,batch\n坏负责人,nobody,,,batch\n坏日期,liuyang,2026-01-01,2026-02-01,batch\n';
    const r = await importCsv('lina', csv);
    const p = assertProblem(r, 422);
    const fields = p.errors.map((e) => e.field);
    assert.deepEqual(fields, ['line 3: title', 'line 4: owner', 'line 5: due_at']);
    assert.equal((await s.api('lina', 'GET', '/api/v1/tasks?limit=200&tag=batch')).json.items.length, before);
    const v = await importCsv('lina', csv, '?mode=valid');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.imported, 1);
    assert.deepEqual(v.json.errors.map((e) => e.line), [3, 4, 5]);
  });

  it('names the line of a broken quote and of invalid UTF-8', async () => {
    const broken = 'title,owner\n好,liuyang\n"没有结束,liuyang\n';
    assertProblem(await importCsv('lina', broken), 422, 'line 3');
    const stray = 'title,owner\nab"c,liuyang\n';
    assertProblem(await importCsv('lina', stray), 422, 'line 2');
    const bad = Buffer.concat([Buffer.from('title,owner\n好,liuyang\n'), Buffer.from([0x41, 0xff, 0xfe]), Buffer.from(',liuyang\n')]);
    assertProblem(await importCsv('lina', new Uint8Array(bad)), 422, 'line 3');
    assertProblem(await importCsv('lina', 'name,who\nx,y\n'), 422, 'line 1');
  });

  it('is refused to viewers', async () => {
    assertProblem(await importCsv('qianhao', 'title,owner\nx,qianhao\n'), 403);
  });
});

describe('responsibility', () => {
  it('counts open, overdue, done on time in 30 days and the on-time rate per person', async () => {
    // A new person so the figures start from zero.
    const u = await s.api('lina', 'POST', '/api/v1/users', { login: 'resp1', name: '责任测试', role: 'member', team_id: team['售后服务组'] });
    assert.equal(u.status, 201, u.text);
    const now = Date.now();
    const mk = (b) => create({ owner_id: u.json.id, ...b });
    await mk({ title: '未完成1' });
    await mk({ title: '逾期1', due_at: iso(now - 2 * HOUR) });
    await mk({ title: '逾期2', due_at: iso(now - HOUR) });
    const onTime = await mk({ title: '按时', due_at: iso(now + 5 * HOUR) });
    const late = await mk({ title: '迟了', start_at: iso(now - 3 * HOUR), due_at: iso(now - 2 * HOUR) });
    const noDue = await mk({ title: '无期限完成' });
    for (const t of [onTime, late, noDue]) assert.equal((await patch(t.id, { status: 'done' })).status, 200);
    await mk({ title: '取消', status: 'cancelled', due_at: iso(now - HOUR) });
    // open: 未完成1, 逾期1, 逾期2 = 3; overdue: 2; done with a due date in 30 days: 按时 (on time), 迟了 (late) → 1/2
    const r = await s.api('lina', 'GET', `/api/v1/tasks/responsibility?team_id=${team['售后服务组']}`);
    assert.equal(r.status, 200, r.text);
    const me = r.json.items.find((p) => p.login === 'resp1');
    assert.deepEqual({ open: me.open, overdue: me.overdue, on: me.done_on_time_30d, due: me.done_with_due_30d, rate: me.on_time_rate },
      { open: 3, overdue: 2, on: 1, due: 2, rate: 0.5 });
    assertProblem(await s.api('zhaolei', 'GET', `/api/v1/tasks/responsibility?team_id=${team['售后服务组']}`), 404);
  });
});
