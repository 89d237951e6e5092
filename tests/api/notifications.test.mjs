// Notifications: the daily digest job notifies each owner once a day of their
// tasks due tomorrow and overdue (in the reader's language), the list and its
// unread count, marking read (one, all; never somebody else's), the
// /notifications page and the navigation badge.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, assertProblem, cli } from './harness.mjs';

let s;
const user = {};
const DAY = 86400_000;
before(async () => {
  s = await startServer();
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
});
after(async () => { await stopServer(s); });

// The digest slot of a day: 07:00 in UTC+8 = 23:00 UTC the day before.
function digestAt(daysAhead) {
  const d = new Date(Date.now() + daysAhead * DAY);
  d.setUTCHours(23, 30, 0, 0);
  return d;
}
function runJobs(now) {
  const r = cli(['jobs', 'run-once', '--db', s.dbUrl, '--now', now.toISOString()]);
  assert.equal(r.status, 0, r.stderr);
}
async function digests(who) {
  const r = await s.api(who, 'GET', '/api/v1/notifications?limit=200');
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((n) => n.kind === 'digest');
}

describe('daily digest', () => {
  it('tells each owner of tasks due tomorrow and overdue, once a day, in their language', async () => {
    const at = digestAt(30); // a future day no server has run the digest for
    const tomorrowLocal = new Date(at.getTime() + DAY + 2 * 3600_000); // 09:30 local, the next day
    const mk = (body) => s.api('wangfang', 'POST', '/api/v1/tasks', { title: '摘要任务', ...body });
    assert.equal((await mk({ due_at: tomorrowLocal.toISOString() })).status, 201);
    assert.equal((await mk({ due_at: tomorrowLocal.toISOString() })).status, 201);
    assert.equal((await mk({ due_at: new Date(at.getTime() - 3 * DAY).toISOString() })).status, 201);
    const before = (await digests('wangfang')).length;
    runJobs(at);
    runJobs(new Date(at.getTime() + 3600_000));
    const after1 = await digests('wangfang');
    assert.equal(after1.length, before + 1, 'one digest for the day');
    const d = after1[0];
    assert.equal(d.text_key, 'notify.digest');
    assert.equal(d.args[0], '2', JSON.stringify(d));
    assert.ok(Number(d.args[1]) >= 1, JSON.stringify(d));
    assert.equal(d.link, '/tasks');
    assert.equal(d.read_at, null);
    // Rendered in the reader's language.
    const en = await s.api('wangfang', 'GET', '/api/v1/notifications', undefined, { 'Accept-Language': 'en' });
    const zh = await s.api('wangfang', 'GET', '/api/v1/notifications', undefined, { 'Accept-Language': 'zh-CN' });
    assert.ok(en.json.items.some((n) => /Daily reminder: 2 task/.test(n.text)), JSON.stringify(en.json.items[0]));
    assert.ok(zh.json.items.some((n) => /每日提醒：明天到期 2 项/.test(n.text)), JSON.stringify(zh.json.items[0]));
    // The next day is a new digest.
    runJobs(new Date(at.getTime() + DAY));
    assert.equal((await digests('wangfang')).length, before + 2);
  });
});

describe('list and read', () => {
  it('counts unread, marks one and then all read, and never touches another person\'s', async () => {
    let r = await s.api('wangfang', 'GET', '/api/v1/notifications?unread=1');
    assert.equal(r.status, 200, r.text);
    const unread = r.json.unread;
    assert.ok(unread >= 2, r.text);
    assert.equal(r.json.items.length, unread);
    const [first] = r.json.items;
    // Someone else's id is ignored.
    assert.equal((await s.api('chenjing', 'POST', '/api/v1/notifications/read', { ids: [first.id] })).status, 204);
    assert.equal((await s.api('wangfang', 'GET', '/api/v1/notifications')).json.unread, unread);
    assert.equal((await s.api('wangfang', 'POST', '/api/v1/notifications/read', { ids: [first.id] })).status, 204);
    r = await s.api('wangfang', 'GET', '/api/v1/notifications');
    assert.equal(r.json.unread, unread - 1);
    assert.notEqual(r.json.items.find((n) => n.id === first.id).read_at, null);
    assert.equal((await s.api('wangfang', 'POST', '/api/v1/notifications/read', { all: true })).status, 204);
    assert.equal((await s.api('wangfang', 'GET', '/api/v1/notifications')).json.unread, 0);
  });

  it('pages with a cursor and refuses bad input', async () => {
    const all = (await s.api('wangfang', 'GET', '/api/v1/notifications?limit=200')).json.items;
    const p1 = await s.api('wangfang', 'GET', '/api/v1/notifications?limit=1');
    assert.equal(p1.json.items[0].id, all[0].id);
    assert.equal(p1.json.next_cursor, all[0].id);
    const p2 = await s.api('wangfang', 'GET', `/api/v1/notifications?limit=1&cursor=${p1.json.next_cursor}`);
    assert.equal(p2.json.items[0].id, all[1].id);
    assertProblem(await s.api('wangfang', 'GET', '/api/v1/notifications?limit=0'), 400, 'limit');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/notifications/read', {}), 422, 'ids');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/notifications/read', { ids: ['x'] }), 422, 'ids');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/notifications/read', { ids: [1], extra: 1 }), 422, 'extra');
  });
});

describe('page and badge', () => {
  it('shows the notifications, the unread badge, and marks read from the page', async () => {
    runJobs(digestAt(40));
    const session = await s.browserLogin('wangfang');
    let page = await s.page(session, '/tasks');
    const badge = page.text.match(/data-nav-badge="\/notifications">(\d+)</);
    assert.ok(badge && Number(badge[1]) >= 1, 'the nav badge shows the unread count');
    page = await s.page(session, '/notifications');
    assert.equal(page.status, 200);
    assert.match(page.text, /每日提醒|Daily reminder/);
    assert.match(page.text, /class="notification unread"/);
    const r = await s.form(session, '/notifications/read', { all: '1' });
    assert.equal(r.status, 303);
    page = await s.page(session, '/notifications');
    assert.doesNotMatch(page.text, /class="notification unread"/);
    assert.doesNotMatch(page.text, /data-nav-badge="\/notifications"/);
  });
});
