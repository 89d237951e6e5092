// Recurring tasks: the rule is validated (422 naming recurrence), needs a due
// date, is returned with the task; done creates the next occurrence, dated
// in the display zone (UTC+8) across month ends, short months (31 → last
// day), leap days, weekdays; reopening and finishing again, the due-time job
// run twice, and two servers finishing and running jobs at once never create
// a date twice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, assertProblem, cli, cliAsync } from './harness.mjs';

let s;
const user = {};
before(async () => {
  s = await startServer();
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
});
after(async () => { await stopServer(s); });

let seq = 0;
async function create(body, server = s) {
  const r = await server.api('lina', 'POST', '/api/v1/tasks', { title: `周期任务 ${++seq}`, ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function patch(id, body, server = s) {
  const cur = await server.api('lina', 'GET', `/api/v1/tasks/${id}`);
  return server.api('lina', 'PATCH', `/api/v1/tasks/${id}`, body, { 'If-Match': cur.headers.get('etag') });
}
async function series(title, server = s) {
  const r = await server.api('lina', 'GET', `/api/v1/tasks?owner=${user.lina}&limit=200`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((t) => t.title === title).sort((a, b) => a.id - b.id);
}
// Local (UTC+8) date-time of an ISO instant, 'YYYY-MM-DD HH:MM'.
const local = (iso) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

// Finishes the newest occurrence n times; returns the local due times of all.
async function finish(t, n) {
  for (let i = 0; i < n; i++) {
    const all = await series(t.title);
    const r = await patch(all[all.length - 1].id, { status: 'done' });
    assert.equal(r.status, 200, r.text);
  }
  return (await series(t.title)).map((x) => local(x.due_at));
}

describe('recurrence rules', () => {
  it('refuses rules that make no sense, naming recurrence', async () => {
    for (const rule of ['weekly:', 'weekly:mon,mon', 'weekly:xyz', 'monthly:0', 'monthly:32', 'every:0', 'every:-1',
      'every:999', 'yearly', 'daily ', '', 5, true, { freq: 'daily' }]) {
      const r = await s.api('lina', 'POST', '/api/v1/tasks', { title: 'x', due_at: '2027-01-01T10:00:00Z', recurrence: rule });
      assertProblem(r, 422, 'recurrence');
    }
    assertProblem(await s.api('lina', 'POST', '/api/v1/tasks', { title: 'x', recurrence: 'daily' }), 422, 'recurrence');
  });

  it('stores the canonical rule; PATCH changes and removes it', async () => {
    const t = await create({ due_at: '2027-03-01T10:00:00Z', recurrence: 'weekly:thu,mon' });
    assert.equal(t.recurrence, 'weekly:mon,thu');
    let r = await patch(t.id, { recurrence: 'every:3' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.recurrence, 'every:3');
    assertProblem(await patch(t.id, { due_at: null }), 422, 'recurrence');
    r = await patch(t.id, { recurrence: null });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.recurrence, undefined);
    r = await patch(t.id, { status: 'done' });
    assert.equal((await series(t.title)).length, 1, 'no rule, no next occurrence');
  });
});

describe('the task form', () => {
  it('takes a rule, refuses a bad one next to its field, and shows it', async () => {
    const session = await s.browserLogin('lina');
    const base = { title: '表单周期任务', owner_id: String(user.lina), status: 'todo', priority: 'normal',
      due_at: '2027-05-31T18:00' };
    let r = await s.form(session, '/tasks', { ...base, recurrence: 'monthly:40' });
    assert.equal(r.status, 422, r.text.slice(0, 300));
    assert.match(r.text, /monthly:1…31/);
    r = await s.form(session, '/tasks', { ...base, recurrence: 'weekly:fri,mon' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const page = await s.page(session, r.headers.get('location'));
    assert.match(page.text, /weekly:mon,fri/);
    assert.match(page.text, /name="recurrence"[^>]*value="weekly:mon,fri"|value="weekly:mon,fri"[^>]*name="recurrence"/);
  });
});

describe('next occurrence when done', () => {
  it('monthly on the 31st: the last day of shorter months', async () => {
    const t = await create({ due_at: '2027-01-31T18:00:00+08:00', recurrence: 'monthly:31' });
    assert.deepEqual(await finish(t, 4),
      ['2027-01-31 18:00', '2027-02-28 18:00', '2027-03-31 18:00', '2027-04-30 18:00', '2027-05-31 18:00']);
  });

  it('monthly on the 29th: Feb 29 in a leap year, Feb 28 otherwise', async () => {
    const a = await create({ due_at: '2028-01-29T09:00:00+08:00', recurrence: 'monthly:29' });
    assert.deepEqual(await finish(a, 2), ['2028-01-29 09:00', '2028-02-29 09:00', '2028-03-29 09:00']);
    const b = await create({ due_at: '2027-01-29T09:00:00+08:00', recurrence: 'monthly:29' });
    assert.deepEqual(await finish(b, 2), ['2027-01-29 09:00', '2027-02-28 09:00', '2027-03-29 09:00']);
  });

  it('days are cut in the display zone (UTC+8), across a month end and a leap day', async () => {
    // 00:30 on Jan 31 in UTC+8 is still Jan 30 in UTC.
    const a = await create({ due_at: '2027-01-31T00:30:00+08:00', recurrence: 'monthly:31' });
    assert.deepEqual(await finish(a, 1), ['2027-01-31 00:30', '2027-02-28 00:30']);
    const b = await create({ due_at: '2028-02-28T23:30:00+08:00', recurrence: 'daily' });
    assert.deepEqual(await finish(b, 2), ['2028-02-28 23:30', '2028-02-29 23:30', '2028-03-01 23:30']);
    const c = await create({ due_at: '2028-02-20T12:00:00+08:00', recurrence: 'every:9' });
    assert.deepEqual(await finish(c, 2), ['2028-02-20 12:00', '2028-02-29 12:00', '2028-03-09 12:00']);
  });

  it('weekly on given weekdays, keeping the start-to-due span', async () => {
    const t = await create({ start_at: '2027-03-01T09:00:00+08:00', due_at: '2027-03-01T17:00:00+08:00',
      recurrence: 'weekly:mon,thu' });
    assert.deepEqual(await finish(t, 3),
      ['2027-03-01 17:00', '2027-03-04 17:00', '2027-03-08 17:00', '2027-03-11 17:00']);
    const all = await series(t.title);
    assert.equal(local(all[3].start_at), '2027-03-11 09:00');
    assert.equal(all[3].recurrence, undefined, 'lists do not carry the rule');
    assert.equal((await s.api('lina', 'GET', `/api/v1/tasks/${all[3].id}`)).json.recurrence, 'weekly:mon,thu');
    assert.equal(all[3].status, 'todo');
  });

  it('reopening and finishing again does not create the date twice', async () => {
    const t = await create({ due_at: '2027-06-10T10:00:00Z', recurrence: 'daily' });
    assert.equal((await patch(t.id, { status: 'done' })).status, 200);
    assert.equal((await patch(t.id, { status: 'todo' })).status, 200);
    assert.equal((await patch(t.id, { status: 'done' })).status, 200);
    assert.equal((await series(t.title)).length, 2);
  });
});

describe('next occurrence when the due time has passed (job)', () => {
  it('the job creates it once; running it again creates nothing', async () => {
    const due = new Date(Date.now() - 3600_000).toISOString();
    const t = await create({ due_at: due, recurrence: 'daily' });
    for (let i = 0; i < 2; i++) {
      const r = cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', new Date(Date.now() + 15 * 60_000 * (i + 1)).toISOString()]);
      assert.equal(r.status, 0, r.stderr);
    }
    const all = await series(t.title);
    assert.equal(all.length, 2, JSON.stringify(all.map((x) => x.due_at)));
    assert.equal(Date.parse(all[1].due_at) - Date.parse(all[0].due_at), 86400_000);
    assert.equal(all[0].status, 'todo', 'the missed occurrence stays open');
  });

  it('two servers finishing tasks while jobs run never duplicate an occurrence', async () => {
    const b = await startServer({ dbUrl: s.dbUrl, demo: false, extraArgs: ['--jobs-poll-ms', '20'] });
    try {
      b.tokens.lina = s.tokens.lina;
      const due = new Date(Date.now() - 3600_000).toISOString();
      const tasks = [];
      for (let i = 0; i < 12; i++) tasks.push(await create({ due_at: due, recurrence: 'every:2' }));
      const soon = (k) => new Date(Date.now() + 15 * 60_000 * k).toISOString();
      const jobs = [1, 2, 3].map((k) => cliAsync(['jobs', 'run-once', '--db', s.dbUrl, '--now', soon(k)]));
      const done = tasks.map((t, i) => patch(t.id, { status: 'done' }, i % 2 ? b : s));
      for (const r of await Promise.all(done)) assert.ok([200, 412].includes(r.status), r.text);
      for (const r of await Promise.all(jobs)) assert.equal(r.status, 0, r.stderr);
      for (const t of tasks) {
        const all = await series(t.title);
        assert.equal(all.length, 2, `${t.title}: ${JSON.stringify(all.map((x) => x.due_at))}`);
      }
    } finally {
      await stopServer(b);
    }
  });
});
