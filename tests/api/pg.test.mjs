// Scale-out on PostgreSQL: two `opsdesk serve` processes on one database
// behave like one — data, ETags, sessions, CSRF tokens, API tokens and login
// throttling are all shared through the database. Skipped on SQLite (one
// process by design).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDatabase, cliAsync, DB_KIND, DEMO_PASSWORD, assertProblem, stopServer } from './harness.mjs';

const skip = DB_KIND !== 'pg' && 'PostgreSQL only: run with OPSDESK_TEST_DB=pg (SQLite is one process by design)';

describe('two servers on one PostgreSQL database', () => {
  let a, b;
  before(async () => {
    if (skip) return;
    a = await startServer();
    b = await startServer({ dbUrl: a.dbUrl });
  });
  after(async () => {
    await stopServer(a);
    await stopServer(b);
  });

  it('reads through one server what was written through the other', { skip }, async () => {
    const created = await a.api('admin', 'POST', '/api/v1/teams', { name: '跨进程组' });
    assert.equal(created.status, 201, created.text);
    const read = await b.api('admin', 'GET', `/api/v1/teams/${created.json.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.json, created.json);
    assert.equal(read.headers.get('etag'), created.headers.get('etag'));
    const changed = await b.api('admin', 'PATCH', `/api/v1/teams/${created.json.id}`, { name: '跨进程组二' }, { 'If-Match': created.headers.get('etag') });
    assert.equal(changed.status, 200, changed.text);
    assertProblem(await a.api('admin', 'PATCH', `/api/v1/teams/${created.json.id}`, { name: '覆盖' }, { 'If-Match': created.headers.get('etag') }), 412);
    assert.equal((await a.api('admin', 'GET', `/api/v1/teams/${created.json.id}`)).json.name, '跨进程组二');
    const person = await b.api('admin', 'POST', '/api/v1/users', { login: 'crossproc', name: '跨进程', role: 'member', team_id: created.json.id });
    assert.equal(person.status, 201, person.text);
    assert.deepEqual((await a.api('admin', 'GET', `/api/v1/users/${person.json.id}`)).json, person.json);
    const listA = (await a.api('admin', 'GET', '/api/v1/users?limit=200')).json.items.map((u) => u.id);
    const listB = (await b.api('admin', 'GET', '/api/v1/users?limit=200')).json.items.map((u) => u.id);
    assert.deepEqual(listA, listB);
    const audit = await a.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${created.json.id}`);
    assert.deepEqual(audit.json.items.map((x) => x.action), ['update', 'create']);
  });

  it('lets exactly one of concurrent updates through both servers win', { skip }, async () => {
    const t = await a.api('admin', 'POST', '/api/v1/teams', { name: '并发跨进程' });
    const tag = t.headers.get('etag');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).api('admin', 'PATCH', `/api/v1/teams/${t.json.id}`, { name: `并发跨进程-${i}` }, { 'If-Match': tag })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, ...Array(9).fill(412)]);
    const audit = await b.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${t.json.id}`);
    assert.equal(audit.json.items.length, 2, 'one create and one update');
  });

  it('accepts a session (cookie and CSRF token) created on one server on the other', { skip }, async () => {
    const session = await a.browserLogin('lina');
    assert.ok(session.cookie && session.csrf);
    const me = await b.sessionApi(session, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'lina');
    const created = await b.sessionApi(session, 'POST', '/api/v1/tokens', { name: '跨进程令牌' });
    assert.equal(created.status, 201, created.text);
    assertProblem(await b.sessionApi(session, 'POST', '/api/v1/tokens', { name: 'x' }, { csrf: false }), 403, 'X-CSRF-Token');
    const out = await b.form(session, '/logout');
    assert.equal(out.status, 303);
    assertProblem(await a.sessionApi(session, 'GET', '/api/v1/me'), 401);
  });

  it('shares API tokens: created on one, revoked on the other', { skip }, async () => {
    const t = await a.api('wangfang', 'POST', '/api/v1/tokens', { name: 'shared' });
    assert.equal((await b.api(t.json.token, 'GET', '/api/v1/me')).json.login, 'wangfang');
    assert.equal((await b.api(t.json.token, 'DELETE', `/api/v1/tokens/${t.json.id}`)).status, 204);
    assertProblem(await a.api(t.json.token, 'GET', '/api/v1/me'), 401);
  });

  it('counts login failures across both servers', { skip }, async () => {
    for (let i = 0; i < 5; i++) {
      const r = await (i % 2 ? b : a).form(null, '/login', { login: 'huangmin', password: `wrong-${i}` });
      assert.equal(r.status, 401, `failure ${i + 1}`);
    }
    assert.equal((await a.form(null, '/login', { login: 'huangmin', password: DEMO_PASSWORD })).status, 429);
    assert.equal((await b.form(null, '/login', { login: 'huangmin', password: DEMO_PASSWORD })).status, 429);
    assert.equal((await b.form(null, '/login', { login: 'zhoujie', password: DEMO_PASSWORD })).status, 303);
  });

  // db_migrate holds a session-level advisory lock around everything (schema_migrations,
  // functions, each migration), so two processes on a new database never collide.
  it('applies migrations once when two processes migrate a new database at the same time', { skip }, async () => {
    const url = freshDatabase();
    const [x, y] = await Promise.all([cliAsync(['migrate', '--db', url]), cliAsync(['migrate', '--db', url])]);
    assert.equal(x.status, 0, x.stderr);
    assert.equal(y.status, 0, y.stderr);
    const applied = [x, y].map((r) => Number(r.stdout.match(/(\d+) migration/)[1]));
    const version = [x, y].map((r) => Number(r.stdout.match(/schema version (\d+)/)[1]));
    assert.equal(version[0], version[1]);
    assert.equal(applied[0] + applied[1], version[0], 'each migration applied by exactly one process');
  });
});
