// Task views: the month calendar (/tasks/calendar) and the Gantt-style
// timeline (/tasks/timeline): which tasks each caller sees, days cut in the
// display zone (UTC+8), overdue and milestones marked, the markup escaped,
// bad month/date parameters refused, no inline style in the SVG. Bulk
// actions (POST /api/v1/tasks/bulk and the form under /tasks): reassign,
// deadline, close; all or nothing (a task out of scope, not editable, stale,
// or breaking a rule changes nothing and writes no audit row); one audit row
// per changed task. The iCalendar feed of a person's deadlines, parsed back
// with ical.js (Chinese titles, `,;\` and newlines escaped, lines folded at
// 75 octets without splitting a character), its token replaced and revoked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer, stopServer, assertProblem, auditHead } from './harness.mjs';

const CANARY = '<img src=x onerror=alert(1)>';
const HOUR = 3600_000, DAY = 24 * HOUR, ZONE = 8 * HOUR;
const iso = (ms) => new Date(ms).toISOString();
const localMonth = (ms) => new Date(ms + ZONE).toISOString().slice(0, 7);
const localDate = (ms) => new Date(ms + ZONE).toISOString().slice(0, 10);

let s, lina, wangfang, zhaolei;
const team = {};
const user = {};
const now = Date.now();
const t = {};

async function create(body, who = 'lina') {
  const r = await s.api(who, 'POST', '/api/v1/tasks', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  s = await startServer();
  for (const x of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[x.name] = x.id;
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) user[u.login] = u.id;
  lina = await s.browserLogin('lina');
  wangfang = await s.browserLogin('wangfang');
  zhaolei = await s.browserLogin('zhaolei');
  t.soon = await create({ title: `准备季度复盘 ${CANARY}`, owner_id: user.chenjing, start_at: iso(now - 2 * DAY), due_at: iso(now + 3 * DAY) });
  t.late = await create({ title: '回访逾期客户', owner_id: user.chenjing, due_at: iso(now - 2 * HOUR) });
  t.ms = await create({ title: '上线新客服系统', owner_id: user.wangfang, milestone: true, due_at: iso(now + 5 * DAY), blocked_by: [t.soon.id] });
  t.later = await create({ title: '下月培训', owner_id: user.wangfang, due_at: iso(now + 40 * DAY) });
  t.other = await create({ title: '仓库盘点', owner_id: user.huangmin, due_at: iso(now + 3 * DAY) }, 'zhaolei');
  t.mine = await create({ title: '整理话术', due_at: iso(now + 3 * DAY) }, 'wangfang');
});
after(async () => { await stopServer(s); });

const calendar = (session, q) => s.page(session, `/tasks/calendar${q ? '?' + q : ''}`);
const timeline = (session, q) => s.page(session, `/tasks/timeline${q ? '?' + q : ''}`);

describe('calendar', () => {
  it('is a table with a caption, weekday headers and today marked', async () => {
    const r = await calendar(lina, 'view=team');
    assert.equal(r.status, 200);
    assert.match(r.text, /<table class="cal"><caption id="cal-caption">/);
    assert.equal((r.text.match(/<th scope="col"><abbr title="[^"]+">/g) || []).length, 7);
    assert.match(r.text, new RegExp(`aria-current="date"><span class="cal-day"><time datetime="${localDate(now)}">`));
    // Rows of seven cells each.
    const rows = r.text.split('<tbody>')[1].split('</tbody>')[0].split('</tr>').filter((x) => x.includes('<td'));
    for (const row of rows) assert.equal((row.match(/<td/g) || []).length, 7);
  });

  it('shows the team\'s tasks of the month on their local due day, overdue and milestones marked, escaped', async () => {
    for (const task of [t.soon, t.late, t.ms]) {
      const r = await calendar(lina, `view=team&month=${localMonth(Date.parse(task.due_at))}`);
      const cell = r.text.split(`<time datetime="${localDate(Date.parse(task.due_at))}">`)[1].split('</td>')[0];
      assert.ok(cell.includes(`href="/tasks/${task.id}"`), `${task.title} on its day`);
    }
    const late = await calendar(lina, `view=team&month=${localMonth(Date.parse(t.late.due_at))}`);
    assert.match(late.text, new RegExp(`<li class="cal-task late"><a href="/tasks/${t.late.id}">`));
    const ms = await calendar(lina, `view=team&month=${localMonth(Date.parse(t.ms.due_at))}`);
    assert.match(ms.text, new RegExp(`<li class="cal-task milestone"><a href="/tasks/${t.ms.id}"><span class="ms-mark"`));
    const soon = await calendar(lina, `view=team&month=${localMonth(Date.parse(t.soon.due_at))}`);
    assert.ok(!soon.text.includes(CANARY), 'the canary is escaped');
    assert.ok(soon.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('a month shows only its own tasks; prev and next link to the neighbours', async () => {
    const m = localMonth(Date.parse(t.later.due_at));
    const r = await calendar(lina, `view=team&month=${m}`);
    assert.ok(r.text.includes(`href="/tasks/${t.later.id}"`));
    if (localMonth(Date.parse(t.soon.due_at)) !== m) assert.ok(!r.text.includes(`href="/tasks/${t.soon.id}"`));
    const [y, mo] = m.split('-').map(Number);
    const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
    const prev = mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
    assert.ok(r.text.includes(`month=${next}" rel="next"`));
    assert.ok(r.text.includes(`month=${prev}" rel="prev"`));
  });

  it('"mine" (the default) shows the caller\'s own tasks only', async () => {
    const m = localMonth(Date.parse(t.mine.due_at));
    const r = await calendar(wangfang, `month=${m}`);
    assert.ok(r.text.includes(`href="/tasks/${t.mine.id}"`));
    assert.ok(!r.text.includes(`href="/tasks/${t.soon.id}"`), 'chenjing\'s task is not mine');
  });

  it('never shows tasks outside the caller\'s teams; another team answers 404', async () => {
    const m = localMonth(Date.parse(t.other.due_at));
    assert.ok(!(await calendar(lina, `view=team&month=${m}`)).text.includes(`href="/tasks/${t.other.id}"`));
    assert.ok((await calendar(zhaolei, `view=team&month=${m}`)).text.includes(`href="/tasks/${t.other.id}"`));
    assert.equal((await calendar(lina, `view=team&team_id=${team['仓储物流部']}`)).status, 404);
    const sub = await calendar(lina, `view=team&team_id=${team['售前咨询组']}&month=${localMonth(Date.parse(t.ms.due_at))}`);
    assert.equal(sub.status, 200);
    assert.ok(sub.text.includes(`href="/tasks/${t.ms.id}"`), 'wangfang\'s team');
    assert.ok(!sub.text.includes(`href="/tasks/${t.soon.id}"`), 'chenjing is in another group');
  });

  it('refuses a malformed month', async () => {
    for (const m of ['2026-13', '2026-1', 'x', '2026-01-01', '1969-12']) assert.equal((await calendar(lina, `month=${m}`)).status, 400, m);
    assert.equal((await calendar(lina, 'view=team&team_id=&month=')).status, 200, 'the filter form\'s empty choices');
    assert.equal((await timeline(lina, 'view=team&team_id=&from=')).status, 200);
  });

  it('speaks both languages', async () => {
    const en = await s.page(lina, '/tasks/calendar', { 'Accept-Language': 'en' });
    assert.match(en.text, /<abbr title="Monday">Mon<\/abbr>/);
    const zh = await s.page(lina, '/tasks/calendar', { 'Accept-Language': 'zh-CN' });
    assert.match(zh.text, /<abbr title="星期一">一<\/abbr>/);
  });

  it('sends anonymous callers to the login page', async () => {
    assert.equal((await calendar(null)).status, 303);
    assert.equal((await timeline(null)).status, 303);
  });
});

describe('timeline', () => {
  it('draws bars, milestone diamonds, dependency arrows and the today line in SVG', async () => {
    const r = await timeline(lina, 'view=team');
    assert.equal(r.status, 200);
    const svg = r.text.split('<svg class="gantt"')[1].split('</svg>')[0];
    assert.match(svg, /class="gantt-bar"/);
    assert.match(svg, /class="gantt-milestone" d="M\d+ \d+L/);
    assert.match(svg, /class="gantt-dep" d="M[\d ]+H\d+V\d+H\d+" marker-end="url\(#tl-arrow\)"/);
    assert.match(svg, /class="gantt-today"/);
    assert.ok(svg.includes('上线新客服系统'), 'Chinese labels');
    assert.ok(svg.includes(`href="/tasks/${t.late.id}" class="gantt-row gantt-late"`));
    assert.ok(!svg.includes(CANARY) && svg.includes('&lt;img src=x'), 'escaped');
    assert.ok(!/\sstyle=/.test(r.text) && !/<script(?![^>]*src=)/.test(r.text), 'no inline style or script');
    assert.ok(!svg.includes(`/tasks/${t.later.id}"`), 'beyond the window');
    assert.ok(!svg.includes(`/tasks/${t.other.id}"`), 'another team');
  });

  it('moves by windows of whole weeks starting on Monday', async () => {
    const r = await timeline(lina, `view=team&from=${localDate(Date.parse(t.later.due_at))}&weeks=2`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(`/tasks/${t.later.id}"`));
    const from = r.text.match(/name="from" value="(\d{4}-\d{2}-\d{2})"/)[1];
    assert.equal(new Date(from + 'T00:00:00Z').getUTCDay(), 1, 'a Monday');
  });

  it('refuses a malformed date or window', async () => {
    for (const q of ['from=2026-02-30', 'from=x', 'from=2026-01-01T00:00:00Z', 'weeks=0', 'weeks=27'])
      assert.equal((await timeline(lina, q)).status, 400, q);
  });

  it('an empty window says so', async () => {
    const r = await timeline(wangfang, 'view=mine&from=2001-01-01');
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('<svg class="gantt"'));
  });
});

describe('bulk actions', () => {
  const get = async (id) => (await s.api('admin', 'GET', `/api/v1/tasks/${id}`)).json;
  const bulk = (body, who = 'lina') => s.api(who, 'POST', '/api/v1/tasks/bulk', body);
  async function unchanged(tasks, fn) {
    const head = await auditHead(s);
    const before = await Promise.all(tasks.map((x) => get(x.id)));
    await fn();
    assert.equal(await auditHead(s), head, 'no audit row');
    const after = await Promise.all(tasks.map((x) => get(x.id)));
    assert.deepEqual(after.map((x) => [x.version, x.owner_id, x.due_at, x.status]), before.map((x) => [x.version, x.owner_id, x.due_at, x.status]));
  }
  let a, b, c;
  before(async () => {
    a = await create({ title: '批量一', owner_id: user.wangfang, start_at: iso(now + DAY), due_at: iso(now + 2 * DAY) });
    b = await create({ title: '批量二, 含;符号', owner_id: user.chenjing, due_at: iso(now + 3 * DAY) });
    c = await create({ title: '批量三', owner_id: user.chenjing });
  });

  it('reassigns in one go, one audit row per task, versions bumped', async () => {
    const head = await auditHead(s);
    const r = await bulk({ ids: [a.id, b.id], action: 'reassign', owner_id: user.lina });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => [x.id, x.owner_id]), [[a.id, user.lina], [b.id, user.lina]]);
    const audit = (await s.api('admin', 'GET', '/api/v1/audit?limit=5')).json.items.filter((x) => x.id > head);
    assert.equal(audit.length, 2);
    assert.deepEqual(audit.map((x) => x.entity_id).sort(), [a.id, b.id].sort());
    assert.equal((await get(a.id)).version, 2);
  });

  it('changes and clears deadlines; refuses one before the start, changing nothing', async () => {
    const due = iso(now + 10 * DAY);
    const r = await bulk({ ids: [a.id, c.id], action: 'due', due_at: due });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => x.due_at), [due, due]);
    await unchanged([a, c], async () => assertProblem(await bulk({ ids: [c.id, a.id], action: 'due', due_at: iso(now) }), 422, 'due_at'));
    const cleared = await bulk({ ids: [c.id], action: 'due', due_at: null });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.items[0].due_at, null);
  });

  it('is all or nothing: a task of another team, a task the caller may not hand over, a stale version', async () => {
    await unchanged([a, b], async () => assertProblem(await bulk({ ids: [a.id, t.other.id], action: 'close' }), 404, 'ids'));
    const own = await create({ title: '自己的任务', due_at: iso(now + DAY) }, 'wangfang');
    await unchanged([own, a], async () => assertProblem(await bulk({ ids: [own.id], action: 'reassign', owner_id: user.liuyang }, 'wangfang'), 403, 'owner_id'));
    const peer = await create({ title: '同事的任务', owner_id: user.liuyang, due_at: iso(now + DAY) });
    await unchanged([own, peer], async () => assertProblem(await bulk({ ids: [own.id, peer.id], action: 'close' }, 'wangfang'), 403, 'ids'));
    const va = (await get(a.id)).version, vb = (await get(b.id)).version;
    await unchanged([a, b], async () => assertProblem(await bulk({ ids: [a.id, b.id], versions: [va, vb - 1], action: 'close' }), 412, 'versions'));
    await unchanged([a], async () => assertProblem(await bulk({ ids: [a.id], action: 'reassign', owner_id: user.huangmin }), 422, 'owner_id'));
    const ok = await bulk({ ids: [a.id, b.id], versions: [va, vb], action: 'close' });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.json.items.every((x) => x.status === 'done' && x.completed_at));
  });

  it('closing a recurring task in bulk creates its next occurrence, as a single close does', async () => {
    const title = `批量周期 ${Date.now()}`;
    const r0 = await s.api('lina', 'POST', '/api/v1/tasks', { title, due_at: '2031-01-06T09:00:00+08:00', recurrence: 'weekly:mon' });
    assert.equal(r0.status, 201, r0.text);
    const r = await bulk({ ids: [r0.json.id], action: 'close' });
    assert.equal(r.status, 200, r.text);
    const all = (await s.api('lina', 'GET', `/api/v1/tasks?owner=${user.lina}&limit=200`)).json.items.filter((x) => x.title === title);
    assert.equal(all.length, 2, 'the next occurrence');
    assert.deepEqual(all.map((x) => x.status).sort(), ['done', 'todo']);
  });

  it('refuses malformed requests', async () => {
    assertProblem(await bulk({ ids: [], action: 'close' }), 422, 'ids');
    assertProblem(await bulk({ ids: [a.id, a.id], action: 'close' }), 422, 'ids');
    assertProblem(await bulk({ ids: [a.id], action: 'delete' }), 422, 'action');
    assertProblem(await bulk({ ids: [a.id], versions: [1, 2], action: 'close' }), 422, 'versions');
    assertProblem(await bulk({ ids: [a.id], action: 'reassign' }), 422, 'owner_id');
    assertProblem(await bulk({ ids: [a.id], action: 'reassign', owner_id: 999999 }), 422, 'owner_id');
    assertProblem(await bulk({ ids: [a.id], action: 'due' }), 422, 'due_at');
    assertProblem(await bulk({ ids: [a.id], action: 'due', due_at: 'tomorrow' }), 422, 'due_at');
    assertProblem(await bulk({ ids: [a.id], action: 'close', extra: 1 }), 422);
    assertProblem(await bulk({ ids: Array.from({ length: 201 }, (_, i) => i + 1), action: 'close' }), 422, 'ids');
    assertProblem(await bulk({ ids: [a.id], action: 'close' }, 'qianhao'), 403);
  });

  // A form post with repeated fields (the checked boxes), as a browser sends it.
  async function formPairs(session, path, pairs) {
    const body = new URLSearchParams([...pairs, ['_csrf', session.csrf]]).toString();
    const res = await fetch(s.url + path, {
      method: 'POST', redirect: 'manual', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: session.cookie, Origin: s.url },
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('the /tasks list has a checkbox per task and the bulk form; the form closes the checked tasks', async () => {
    const x = await create({ title: '表单批量甲', owner_id: user.chenjing, due_at: iso(now + DAY) });
    const y = await create({ title: '表单批量乙', owner_id: user.chenjing, due_at: iso(now + DAY) });
    const page = await s.page(lina, '/tasks?view=team');
    assert.match(page.text, new RegExp(`<input type="checkbox" form="bulk-form" name="ids" value="${x.id}" aria-label="[^"]+表单批量甲">`));
    assert.match(page.text, /<form id="bulk-form" class="bulk-form" method="post" action="\/tasks\/bulk"/);
    const r = await formPairs(lina, '/tasks/bulk', ([['ids', String(x.id)], ['ids', String(y.id)], ['action', 'close'], ['next', '/tasks?view=team']]));
    assert.equal(r.status, 303, r.text.slice(0, 500));
    assert.equal(r.headers.get('location'), '/tasks?view=team');
    assert.equal((await get(x.id)).status, 'done');
    assert.equal((await get(y.id)).status, 'done');
    const due = await formPairs(lina, '/tasks/bulk', ([['ids', String(x.id)], ['action', 'due'], ['due_at', '2031-05-06T09:30']]));
    assert.equal(due.status, 303);
    assert.equal((await get(x.id)).due_at, '2031-05-06T01:30:00.000Z', 'the display zone (UTC+8)');
    const bad = await formPairs(lina, '/tasks/bulk', ([['ids', String(x.id)], ['ids', String(t.other.id)], ['action', 'close']]));
    assert.equal(bad.status, 404);
    const none = await s.form(lina, '/tasks/bulk', { action: 'close' });
    assert.equal(none.status, 422);
    assert.ok(!(await s.page(await s.browserLogin('qianhao'), '/tasks?view=team')).text.includes('bulk-form'), 'viewers get no bulk form');
  });
});

describe('iCalendar feed', () => {
  const LONG = '季度运营复盘会议材料准备：整理客服工单数据、回访记录、满意度调查结果并形成改进建议清单供管理层审阅';
  const SPECIAL = 'a,b;c\\d 逗号，分号；';
  let feedTasks;
  before(async () => {
    feedTasks = {
      zh: await create({ title: LONG, due_at: '2030-03-04T05:06:00Z', milestone: true }, 'wangfang'),
      special: await create({ title: SPECIAL, description: '第一行\nsecond, line; with \\ too', due_at: '2030-03-05T00:00:00Z' }, 'wangfang'),
      nodue: await create({ title: '没有截止时间' }, 'wangfang'),
      cancelled: await create({ title: '已取消的任务', due_at: '2030-03-06T00:00:00Z', status: 'cancelled' }, 'wangfang'),
    };
  });
  const feed = (path) => fetch(s.url + path);

  it('creates a token and serves a feed that ical.js parses back', async () => {
    const r = await s.api('wangfang', 'POST', '/api/v1/tasks/ical-token');
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.token, /^ics_[0-9a-f]{64}$/);
    assert.equal(r.json.path, `/ical/${r.json.token}.ics`);
    const res = await feed(r.json.path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    // Lines end in CRLF, are at most 75 octets, and each physical line is valid UTF-8 on its own.
    assert.ok(text.endsWith('END:VCALENDAR\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'CRLF only');
    const physical = text.split('\r\n').slice(0, -1);
    assert.ok(physical.some((l) => l.startsWith(' ')), 'long lines are folded');
    for (const l of physical) {
      const raw = Buffer.from(l, 'utf8');
      assert.ok(raw.length <= 75, `line of ${raw.length} octets: ${l}`);
      assert.ok(!l.includes('\uFFFD'), 'no character split by folding');
    }
    const cal = new ICAL.Component(ICAL.parse(text));
    assert.equal(cal.getFirstPropertyValue('version'), '2.0');
    assert.ok(cal.getFirstPropertyValue('prodid'));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const byUid = Object.fromEntries(events.map((e) => [e.uid, e]));
    const zh = byUid[`task-${feedTasks.zh.id}@opsdesk`];
    assert.ok(zh, 'the Chinese task is in the feed');
    assert.equal(zh.summary, LONG);
    assert.equal(zh.startDate.toJSDate().toISOString(), '2030-03-04T05:06:00.000Z');
    assert.ok(zh.startDate.timezone === 'Z' || zh.startDate.zone.tzid === 'UTC', 'UTC');
    assert.ok(zh.component.getFirstPropertyValue('dtstamp'), 'DTSTAMP');
    const sp = byUid[`task-${feedTasks.special.id}@opsdesk`];
    assert.equal(sp.summary, SPECIAL);
    assert.equal(sp.description, '第一行\nsecond, line; with \\ too');
    assert.ok(text.includes('SUMMARY:a\\,b\\;c\\\\d'), 'escaped on the wire');
    assert.ok(!byUid[`task-${feedTasks.nodue.id}@opsdesk`], 'no deadline, no event');
    assert.ok(!byUid[`task-${feedTasks.cancelled.id}@opsdesk`], 'cancelled tasks are left out');
    assert.ok(!events.some((e) => e.summary === '回访逾期客户'), 'only the caller\'s own tasks');
  });

  it('a new token replaces the old one; a revoked token answers 404', async () => {
    const first = (await s.api('chenjing', 'POST', '/api/v1/tasks/ical-token')).json;
    assert.equal((await feed(first.path)).status, 200);
    const second = (await s.api('chenjing', 'POST', '/api/v1/tasks/ical-token')).json;
    assert.equal((await feed(first.path)).status, 404);
    assert.equal((await feed(second.path)).status, 200);
    assert.equal((await s.api('chenjing', 'DELETE', '/api/v1/tasks/ical-token')).status, 204);
    assert.equal((await feed(second.path)).status, 404);
    assert.equal((await s.api('chenjing', 'DELETE', '/api/v1/tasks/ical-token')).status, 204, 'revoking twice is fine');
    for (const bad of ['/ical/x.ics', `/ical/ics_${'0'.repeat(64)}.ics`, `/ical/${second.token}`, '/ical/..%2f.ics'])
      assert.equal((await feed(bad)).status, 404, bad);
  });

  it('the calendar page makes and revokes the feed address with forms', async () => {
    const made = await s.form(wangfang, '/tasks/ical');
    assert.equal(made.status, 200);
    const path = made.text.match(/\/ical\/(ics_[0-9a-f]{64})\.ics/);
    assert.ok(path, 'the address is shown once');
    assert.equal((await feed(path[0])).status, 200);
    const cal = await calendar(wangfang);
    assert.ok(!cal.text.includes(path[1]), 'not shown again');
    assert.ok(cal.text.includes('action="/tasks/ical/delete"'));
    const gone = await s.form(wangfang, '/tasks/ical/delete');
    assert.equal(gone.status, 303);
    assert.equal((await feed(path[0])).status, 404);
  });
});
