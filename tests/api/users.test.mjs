// People: create, read, update with ETag / If-Match, cursor pagination,
// filters, team scope, role rules, last-admin protection, disabling (which
// revokes sessions and tokens), password resets, /me, and the audit log
// (before/after, filters, pagination). One server for the whole file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertProblem, etagVersion, auditHead, cli, DEMO_PASSWORD, stopServer } from './harness.mjs';

let s;
const team = {}; // demo team name → id
const uid = {};  // demo login → user id

before(async () => {
  s = await startServer();
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
  for (const u of (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items) uid[u.login] = u.id;
});
after(async () => { await stopServer(s); });

let seq = 0;
const login = (base = 'user') => `${base}${++seq}`;

async function createUser(fields, who = 'admin') {
  const body = { login: login(), name: '测试员', role: 'member', team_id: team['售前咨询组'], ...fields };
  const r = await s.api(who, 'POST', '/api/v1/users', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function getUser(id, who = 'admin') {
  const r = await s.api(who, 'GET', `/api/v1/users/${id}`);
  assert.equal(r.status, 200, r.text);
  return r;
}
async function patchUser(id, body, who = 'admin') {
  const cur = await getUser(id, 'admin');
  return s.api(who, 'PATCH', `/api/v1/users/${id}`, body, { 'If-Match': cur.headers.get('etag') });
}
async function tokenFor(loginName) {
  const r = cli(['token', 'create', '--db', s.dbUrl, '--login', loginName, '--name', 'users-test']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
// Collects every page of a list, following next_cursor.
async function allPages(who, path, limit, startCursor = null) {
  const seen = [];
  let cursor = startCursor, pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await s.api(who, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit);
    if (r.json.next_cursor !== null) assert.equal(r.json.items.length, limit, 'only the last page is short');
    seen.push(...r.json.items);
    cursor = r.json.next_cursor;
    assert.ok(++pages < 500);
  } while (cursor);
  return seen;
}

describe('create and read', () => {
  it('creates a person (201, Location, ETag, audit row) who can then log in', async () => {
    const head = await auditHead(s);
    const r = await s.api('admin', 'POST', '/api/v1/users', {
      login: 'ZhouMin', name: '周敏', email: 'zhou.min@example.com', role: 'member', team_id: team['售后服务组'],
      locale: 'en', password: 'correct horse 42',
    });
    assert.equal(r.status, 201, r.text);
    const u = r.json;
    assert.equal(u.login, 'zhoumin', 'logins are lower-cased');
    assert.equal(u.team_name, '售后服务组');
    assert.equal(u.locale, 'en');
    assert.equal(u.disabled, false);
    assert.equal(u.version, 1);
    assert.equal(etagVersion(r), 1);
    assert.equal(r.headers.get('location'), `/api/v1/users/${u.id}`);
    assert.ok(!('password' in u) && !('password_hash' in u));
    const got = await getUser(u.id);
    assert.deepEqual(got.json, u);
    assert.equal(got.headers.get('etag'), '"1"');
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}`);
    assert.equal(audit.json.items.length, 1);
    assert.ok(audit.json.items[0].id > head);
    assert.equal(audit.json.items[0].action, 'create');
    assert.deepEqual(audit.json.items[0].after, u);
    assert.ok(!audit.text.includes('correct horse'), 'no password in the audit log');
    const session = await s.browserLogin('zhoumin', 'correct horse 42');
    assert.equal(session.status, 303);
    assert.ok(session.cookie);
  });

  it('refuses a login that is taken, in any case (409 login), writing nothing', async () => {
    const head = await auditHead(s);
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { login: 'wangfang', name: '王芳二', role: 'member', team_id: team['售前咨询组'] }), 409, 'login');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { login: 'WangFang', name: '王芳二', role: 'member', team_id: team['售前咨询组'] }), 409, 'login');
    assert.equal(await auditHead(s), head);
  });

  it('validates each field and names it', async () => {
    const base = { login: login(), name: '新人', role: 'member', team_id: team['售前咨询组'] };
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, login: 'bad login!' }), 422, 'login');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, login: 'x' }), 422, 'login');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, email: 'not-an-email' }), 422, 'email');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, role: 'boss' }), 422, 'role');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, locale: 'fr' }), 422, 'locale');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, password: 'short' }), 422, 'password');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, team_id: 999999 }), 422, 'team_id');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, team_id: null }), 422, 'team_id');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, name: undefined }), 422, 'name');
    assertProblem(await s.api('admin', 'POST', '/api/v1/users', { ...base, disabled: true }), 422, 'disabled');
  });

  it('lets a supervisor add people to teams they manage only, and never an admin', async () => {
    const ok = await createUser({ team_id: team['售后服务组'], role: 'viewer' }, 'lina');
    assert.equal(ok.role, 'viewer');
    assertProblem(await s.api('lina', 'POST', '/api/v1/users', { login: login(), name: '越权', role: 'member', team_id: team['仓储物流部'] }), 404);
    assertProblem(await s.api('lina', 'POST', '/api/v1/users', { login: login(), name: '提权', role: 'admin', team_id: team['客服部'] }), 422, 'role');
    assertProblem(await s.api('lina', 'POST', '/api/v1/users', { login: login(), name: '无组', role: 'member' }), 422, 'team_id');
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/users', { login: login(), name: '成员加人', role: 'member', team_id: team['售前咨询组'] }), 403);
  });

  it('lets an admin create another admin with no team', async () => {
    const a = await createUser({ role: 'admin', team_id: null });
    assert.equal(a.team_id, null);
    assert.equal(a.role, 'admin');
  });

  it('hides people outside the caller\'s scope (404) and admins from non-admins', async () => {
    assert.equal((await s.api('lina', 'GET', `/api/v1/users/${uid.wangfang}`)).status, 200);
    assertProblem(await s.api('lina', 'GET', `/api/v1/users/${uid.zhoujie}`), 404);
    assertProblem(await s.api('lina', 'GET', `/api/v1/users/${uid.admin}`), 404);
    assertProblem(await s.api('wangfang', 'GET', `/api/v1/users/${uid.chenjing}`), 404);
    assert.equal((await s.api('wangfang', 'GET', `/api/v1/users/${uid.liuyang}`)).status, 200);
    assert.equal((await s.api('qianhao', 'GET', `/api/v1/users/${uid.zhoujie}`)).status, 200);
    assertProblem(await s.api('admin', 'GET', '/api/v1/users/999999'), 404);
  });
});

describe('list: pagination, filters, scope', () => {
  let bulkTeam;
  const bulk = [];

  before(async () => {
    const t = await s.api('admin', 'POST', '/api/v1/teams', { name: '分页测试组', parent_id: team['电商运营部'] });
    bulkTeam = t.json.id;
    for (let i = 0; i < 13; i++) {
      bulk.push(await createUser({ login: `page${String(i).padStart(2, '0')}`, name: i % 2 ? `直播专员${i}` : `Seller ${i}`, team_id: bulkTeam, role: i % 3 === 0 ? 'viewer' : 'member' }));
    }
  });

  it('pages through everyone with limit and next_cursor: no duplicates, no gaps, ascending ids', async () => {
    const full = await s.api('admin', 'GET', '/api/v1/users?limit=200');
    assert.equal(full.json.next_cursor, null);
    for (const limit of [1, 4, 7]) {
      const paged = await allPages('admin', '/api/v1/users', limit);
      const ids = paged.map((u) => u.id);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual(ids, full.json.items.map((u) => u.id), 'no gaps');
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    }
  });

  it('keeps pages stable while people are added between them', async () => {
    const first = await s.api('admin', 'GET', `/api/v1/users?team_id=${bulkTeam}&limit=5`);
    const extra = await createUser({ team_id: bulkTeam, name: '后来者' });
    const rest = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}`, 5, first.json.next_cursor);
    const ids = [...first.json.items, ...rest].map((u) => u.id);
    assert.deepEqual(ids, [...bulk.map((u) => u.id), extra.id]);
  });

  it('uses 50 as the default page size and refuses a bad limit or cursor (400 naming it)', async () => {
    const r = await s.api('admin', 'GET', '/api/v1/users');
    assert.ok(r.json.items.length === 50 || r.json.next_cursor === null);
    for (const bad of ['0', '201', 'ten', '-1', '1.5']) assertProblem(await s.api('admin', 'GET', `/api/v1/users?limit=${bad}`), 400, 'limit');
    for (const bad of ['abc', '-5', '1e3']) assertProblem(await s.api('admin', 'GET', `/api/v1/users?cursor=${bad}`), 400, 'cursor');
  });

  it('filters by team, role, text and disabled state', async () => {
    const byTeam = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}`, 200);
    assert.ok(byTeam.length >= 13);
    assert.ok(byTeam.every((u) => u.team_id === bulkTeam));
    const viewers = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}&role=viewer`, 200);
    assert.deepEqual(viewers.map((u) => u.login), ['page00', 'page03', 'page06', 'page09', 'page12']);
    assertProblem(await s.api('admin', 'GET', '/api/v1/users?role=boss'), 400, 'role');
    const chinese = await allPages('admin', '/api/v1/users?q=' + encodeURIComponent('直播专员'), 200);
    assert.deepEqual(chinese.map((u) => u.login), ['page01', 'page03', 'page05', 'page07', 'page09', 'page11']);
    const twoChars = await allPages('admin', '/api/v1/users?q=' + encodeURIComponent('王芳'), 200);
    assert.deepEqual(twoChars.map((u) => u.login), ['wangfang']);
    const latin = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}&q=SELLER`, 200);
    assert.equal(latin.length, 7, 'case-insensitive on names');
    const byLogin = await allPages('admin', '/api/v1/users?q=PAGE1', 200);
    assert.deepEqual(byLogin.map((u) => u.login), ['page10', 'page11', 'page12']);
    const d = await patchUser(bulk[2].id, { disabled: true });
    assert.equal(d.status, 200, d.text);
    const active = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}`, 200);
    assert.ok(!active.some((u) => u.id === bulk[2].id));
    const every = await allPages('admin', `/api/v1/users?team_id=${bulkTeam}&include_disabled=1`, 200);
    assert.ok(every.some((u) => u.id === bulk[2].id && u.disabled));
    assertProblem(await s.api('admin', 'GET', '/api/v1/users?include_disabled=2'), 400, 'include_disabled');
    assertProblem(await s.api('admin', 'GET', '/api/v1/users?team_id=x'), 400, 'team_id');
    assertProblem(await s.api('admin', 'GET', '/api/v1/users?q=' + 'x'.repeat(101)), 400, 'q');
  });

  it('lists only people in the caller\'s team and its sub-teams', async () => {
    const lina = await allPages('lina', '/api/v1/users', 3);
    const kf = [team['客服部'], team['售前咨询组'], team['售后服务组']];
    assert.ok(lina.length >= 5);
    assert.ok(lina.every((u) => kf.includes(u.team_id)), JSON.stringify(lina.map((u) => u.team_name)));
    const wang = await allPages('wangfang', '/api/v1/users', 50);
    assert.ok(wang.every((u) => u.team_id === team['售前咨询组']));
    assert.ok(wang.some((u) => u.login === 'liuyang'));
    const other = await allPages('lina', `/api/v1/users?team_id=${team['仓储物流部']}`, 50);
    assert.deepEqual(other, [], 'a filter cannot widen the scope');
    const zhang = await allPages('zhangwei', '/api/v1/users', 50);
    assert.ok(!zhang.some((u) => u.role === 'admin' && u.team_id === null), 'admins without a team are not in a supervisor\'s list');
  });
});

describe('update', () => {
  it('updates with If-Match; ETag follows; audit row shows before and after', async () => {
    const u = await createUser({ name: '旧名字' });
    const r = await s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { name: '新名字', email: 'new@example.com', role: 'viewer' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '新名字');
    assert.equal(r.json.role, 'viewer');
    assert.equal(r.headers.get('etag'), '"2"');
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&limit=1`);
    const row = audit.json.items[0];
    assert.equal(row.action, 'update');
    assert.equal(row.before.name, '旧名字');
    assert.equal(row.before.role, 'member');
    assert.equal(row.after.name, '新名字');
    assert.equal(row.after.email, 'new@example.com');
    assert.deepEqual(row.after, r.json);
    // email can be cleared with null
    const cleared = await s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { email: null }, { 'If-Match': '"2"' });
    assert.equal(cleared.json.email, null);
  });

  it('refuses without If-Match (428) and with a stale one (412): nothing written', async () => {
    const u = await createUser({ name: '并发者' });
    await patchUser(u.id, { name: '并发者2' });
    const before = await getUser(u.id);
    const head = await auditHead(s);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { name: 'X' }), 428, 'If-Match');
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { name: 'X' }, { 'If-Match': '"1"' }), 412);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { name: 'X' }, { 'If-Match': '*' }), 412, 'If-Match');
    assert.deepEqual((await getUser(u.id)).json, before.json);
    assert.equal(await auditHead(s), head);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      s.api('admin', 'PATCH', `/api/v1/users/${u.id}`, { name: `竞争${i}` }, { 'If-Match': before.headers.get('etag') })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 412, 412, 412, 412, 412]);
  });

  it('keeps role and team changes inside the supervisor\'s powers', async () => {
    const u = await createUser({ team_id: team['售后服务组'] });
    const moved = await patchUser(u.id, { team_id: team['售前咨询组'], role: 'supervisor' }, 'lina');
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.team_name, '售前咨询组');
    const head = await auditHead(s);
    assertProblem(await patchUser(u.id, { team_id: team['仓储物流部'] }, 'lina'), 422, 'team_id');
    assertProblem(await patchUser(u.id, { role: 'admin' }, 'lina'), 422, 'role');
    assertProblem(await patchUser(u.id, { team_id: null }, 'lina'), 422, 'team_id');
    assertProblem(await patchUser(uid.zhoujie, { name: 'x' }, 'lina'), 404);
    assertProblem(await patchUser(uid.admin, { name: 'x' }, 'lina'), 404);
    assertProblem(await patchUser(uid.liuyang, { name: 'x' }, 'wangfang'), 403);
    assertProblem(await patchUser(u.id, { login: 'renamed' }), 422, 'login');
    assertProblem(await patchUser(u.id, { password: 'whatever123' }), 422, 'password');
    assertProblem(await patchUser(u.id, { disabled: 'yes' }), 422, 'disabled');
    assert.equal(await auditHead(s), head);
  });

  it('protects the last active administrator and one\'s own role and account', async () => {
    const head = await auditHead(s);
    assertProblem(await patchUser(uid.admin, { role: 'member' }), 422, 'role');
    assertProblem(await patchUser(uid.admin, { disabled: true }), 422, 'disabled');
    assert.equal(await auditHead(s), head);
    // Only the demo admin stays active; then with a second admin, one may step down and the other is the last one.
    for (const a of await allPages('admin', '/api/v1/users?role=admin', 50))
      if (a.id !== uid.admin) assert.equal((await patchUser(a.id, { disabled: true })).status, 200);
    const second = await createUser({ login: login('boss'), role: 'admin', team_id: null });
    const token = await tokenFor(second.login);
    const down = await patchUser(uid.admin, { role: 'supervisor', team_id: team['运营中心'] }, token);
    assert.equal(down.status, 200, down.text);
    assertProblem(await patchUser(uid.admin, { role: 'admin' }, 'admin'), 422, 'role');
    const refused = cli(['user', 'disable', '--db', s.dbUrl, '--login', second.login]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr.trim(), /^opsdesk user disable: role: .+$/);
    assert.equal((await getUser(second.id, token)).json.disabled, false);
    // Restore the demo admin for the rest of the file.
    const up = await patchUser(uid.admin, { role: 'admin', team_id: null }, token);
    assert.equal(up.status, 200, up.text);
    const off = await patchUser(second.id, { disabled: true }, 'admin');
    assert.equal(off.status, 200, off.text);
  });

  it('disabling a person revokes their sessions and API tokens (their token then gets 401)', async () => {
    const u = await createUser({ password: 'temporary-pass-1', team_id: team['售后服务组'] });
    const token = await tokenFor(u.login);
    const session = await s.browserLogin(u.login, 'temporary-pass-1');
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 200);
    assert.equal((await s.page(session, '/profile')).status, 200);
    const r = await patchUser(u.id, { disabled: true }, 'lina');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.disabled, true);
    assertProblem(await s.api(token, 'GET', '/api/v1/me'), 401, 'Authorization');
    const page = await s.page(session, '/profile');
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location'), /^\/login/);
    assert.equal((await s.browserLogin(u.login, 'temporary-pass-1')).status, 401);
    const tokens = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&limit=1`);
    assert.equal(tokens.json.items[0].after.disabled, true);
    // Enabling again does not bring the old token back.
    const again = await patchUser(u.id, { disabled: false }, 'lina');
    assert.equal(again.status, 200);
    assertProblem(await s.api(token, 'GET', '/api/v1/me'), 401);
    assert.equal((await s.browserLogin(u.login, 'temporary-pass-1')).status, 303);
  });

  it('sets a person\'s password (supervisor), ending their sessions', async () => {
    const u = await createUser({ password: 'first-password', team_id: team['售前咨询组'] });
    const session = await s.browserLogin(u.login, 'first-password');
    const head = await auditHead(s);
    assertProblem(await s.api('lina', 'POST', `/api/v1/users/${u.id}/password`, { password: 'short' }), 422, 'password');
    assertProblem(await s.api('lina', 'POST', `/api/v1/users/${u.id}/password`, { password: 'long-enough-1', extra: 1 }), 422, 'extra');
    assert.equal(await auditHead(s), head);
    const r = await s.api('lina', 'POST', `/api/v1/users/${u.id}/password`, { password: 'second-password' });
    assert.equal(r.status, 204, r.text);
    assert.equal((await s.page(session, '/profile')).status, 303, 'their session ended');
    assert.equal((await s.browserLogin(u.login, 'first-password')).status, 401);
    assert.equal((await s.browserLogin(u.login, 'second-password')).status, 303);
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&limit=1`);
    assert.equal(audit.json.items[0].action, 'password');
    assert.ok(!audit.text.includes('second-password'));
    assertProblem(await s.api('lina', 'POST', `/api/v1/users/${uid.admin}/password`, { password: 'takeover-123' }), 404);
    assertProblem(await s.api('zhaolei', 'POST', `/api/v1/users/${u.id}/password`, { password: 'takeover-123' }), 404);
  });
});

describe('/me', () => {
  it('reads and edits the caller\'s own name, email and language with If-Match', async () => {
    const me = await s.api('chenjing', 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'chenjing');
    const v = etagVersion(me);
    assertProblem(await s.api('chenjing', 'PATCH', '/api/v1/me', { name: '陈静静' }), 428, 'If-Match');
    assertProblem(await s.api('chenjing', 'PATCH', '/api/v1/me', { role: 'admin' }, { 'If-Match': `"${v}"` }), 422, 'role');
    assertProblem(await s.api('chenjing', 'PATCH', '/api/v1/me', { team_id: team['客服部'] }, { 'If-Match': `"${v}"` }), 422, 'team_id');
    const r = await s.api('chenjing', 'PATCH', '/api/v1/me', { name: '陈静静', locale: 'en' }, { 'If-Match': `"${v}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '陈静静');
    assert.equal(r.json.locale, 'en');
    assert.equal(r.json.role, 'member');
    assert.equal(etagVersion(r), v + 1);
    assertProblem(await s.api('chenjing', 'PATCH', '/api/v1/me', { name: '再改' }, { 'If-Match': `"${v}"` }), 412);
    // Errors now come in the person's language.
    const en = await s.api('chenjing', 'PATCH', '/api/v1/me', { name: '' }, { 'If-Match': `"${v + 1}"`, 'Accept-Language': 'zh-CN' });
    assertProblem(en, 422, 'name');
    assert.match(en.json.errors[0].message, /^[\x20-\x7e]+$/, 'an English message');
    const reset = await s.api('chenjing', 'PATCH', '/api/v1/me', { locale: null }, { 'If-Match': `"${v + 1}"` });
    assert.equal(reset.json.locale, null);
  });
});

describe('audit log', () => {
  it('is for administrators only', async () => {
    for (const who of ['lina', 'wangfang', 'qianhao', 'zhangwei']) assertProblem(await s.api(who, 'GET', '/api/v1/audit'), 403);
    assertProblem(await s.api(null, 'GET', '/api/v1/audit'), 401);
  });

  it('pages newest first with no duplicates or gaps', async () => {
    const all = await s.api('admin', 'GET', '/api/v1/audit?limit=200');
    const want = all.json.items.map((a) => a.id);
    assert.deepEqual(want, [...want].sort((a, b) => b - a));
    const paged = await allPages('admin', '/api/v1/audit', 9);
    const got = paged.map((a) => a.id).slice(0, want.length);
    assert.equal(new Set(paged.map((a) => a.id)).size, paged.length);
    assert.deepEqual(got, want);
  });

  it('filters by person, entity, id and time', async () => {
    const u = await createUser({ name: '审计对象' }, 'lina');
    const byLina = await s.api('admin', 'GET', `/api/v1/audit?user_id=${uid.lina}&limit=200`);
    assert.ok(byLina.json.items.length > 0);
    assert.ok(byLina.json.items.every((a) => a.user_id === uid.lina && a.user_name === '李娜'));
    assert.ok(byLina.json.items.some((a) => a.entity === 'user' && a.entity_id === u.id && a.action === 'create'));
    const teams = await s.api('admin', 'GET', '/api/v1/audit?entity=team&limit=200');
    assert.ok(teams.json.items.length > 0 && teams.json.items.every((a) => a.entity === 'team'));
    const one = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}`);
    assert.equal(one.json.items.length, 1);
    const at = Date.parse(one.json.items[0].at);
    const around = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&from=${new Date(at - 1000).toISOString()}&to=${new Date(at + 1000).toISOString()}`);
    assert.equal(around.json.items.length, 1);
    const later = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&from=${new Date(at + 1000).toISOString()}`);
    assert.equal(later.json.items.length, 0);
    const day = new Date(at).toISOString().slice(0, 10);
    const byDay = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${u.id}&from=${day}`);
    assert.equal(byDay.json.items.length, 1);
    assertProblem(await s.api('admin', 'GET', `/api/v1/audit?from=${day}&to=${day}`), 400, 'to');
    assertProblem(await s.api('admin', 'GET', '/api/v1/audit?user_id=abc'), 400, 'user_id');
  });

  it('records logins and the command line', async () => {
    await s.browserLogin('huangmin');
    const logins = await s.api('admin', 'GET', `/api/v1/audit?entity=session&user_id=${uid.huangmin}`);
    assert.ok(logins.json.items.some((a) => a.action === 'login'));
    const cliRows = await s.api('admin', 'GET', '/api/v1/audit?entity=token&limit=200');
    const fromCli = cliRows.json.items.filter((a) => a.user_id === null);
    assert.ok(fromCli.length >= 8, 'tokens created by the harness through the CLI');
    assert.ok(fromCli.every((a) => a.user_name === null && a.ip === 'cli'));
    const demo = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${uid.wangfang}`);
    const created = demo.json.items.find((a) => a.action === 'create');
    assert.equal(created.user_id, null);
    assert.equal(created.after.login, 'wangfang');
    assert.equal(typeof DEMO_PASSWORD, 'string');
  });
});
