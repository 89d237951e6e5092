// Identity: browser login and its cookie, session tokens, logout, password
// change, login throttling (stored in the database: it survives a restart),
// API tokens, CSRF and Origin checks, and the Secure flag.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertProblem, DEMO_PASSWORD, stopServer } from './harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await stopServer(s); });

const sessionCookie = (res) => res.headers.getSetCookie().find((c) => c.startsWith('opsdesk_session='));
const loginForm = (login, password, headers = {}) => s.form(null, '/login', { login, password, next: '/' }, { headers });
async function me(session) {
  return s.api(null, 'GET', '/api/v1/me', undefined, { Cookie: session.cookie });
}

describe('browser login', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure without --secure-cookies)', async () => {
    const r = await loginForm('wangfang', DEMO_PASSWORD);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
    const c = sessionCookie(r);
    assert.match(c, /^opsdesk_session=[0-9a-f]{64};/, '256 random bits');
    const attrs = c.split(';').slice(1).map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), c);
    assert.ok(attrs.includes('samesite=lax'), c);
    assert.ok(attrs.includes('path=/'), c);
    assert.ok(!attrs.includes('secure'), c);
    const session = { cookie: c.split(';')[0] };
    const who = await me(session);
    assert.equal(who.status, 200);
    assert.equal(who.json.login, 'wangfang');
  });

  it('issues a new session token at every login, and ignores a planted one', async () => {
    const a = await s.browserLogin('chenjing');
    const b = await s.browserLogin('chenjing');
    assert.notEqual(a.cookie, b.cookie);
    assert.notEqual(a.csrf, b.csrf);
    assert.equal((await me(a)).status, 200);
    assert.equal((await me(b)).status, 200);
    const planted = 'opsdesk_session=' + 'ab'.repeat(32);
    const r = await loginForm('chenjing', DEMO_PASSWORD, { Cookie: planted });
    assert.equal(r.status, 303);
    const fresh = sessionCookie(r).split(';')[0];
    assert.notEqual(fresh, planted);
    assert.equal((await me({ cookie: planted })).status, 401);
  });

  it('refuses wrong passwords and unknown people alike (401), and redirects only to local paths', async () => {
    const wrong = await loginForm('wangfang', 'not-the-password');
    const unknown = await loginForm('nobody-here', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(sessionCookie(wrong), undefined);
    assert.match(wrong.headers.get('content-type'), /^text\/html/);
    for (const [next, want] of [['/teams', '/teams'], ['//evil.example/', '/'], ['https://evil.example/', '/'], ['/\\evil.example', '/']]) {
      const r = await s.form(null, '/login', { login: 'lina', password: DEMO_PASSWORD, next });
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), want, `next=${next}`);
    }
  });

  it('redirects anonymous page visits to /login and logged-in visits of /login home', async () => {
    const anon = await s.page(null, '/people');
    assert.equal(anon.status, 303);
    assert.match(anon.headers.get('location'), /^\/login\?next=/);
    const session = await s.browserLogin('lina');
    const r = await s.page(session, '/login');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
  });
});

describe('logout', () => {
  it('ends the session on the server: the old cookie no longer works', async () => {
    const session = await s.browserLogin('huangmin');
    assert.equal((await me(session)).status, 200);
    const r = await s.form(session, '/logout');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login');
    assert.match(sessionCookie(r), /Max-Age=0/);
    const page = await s.page(session, '/');
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location'), /^\/login/);
    assertProblem(await me(session), 401);
    const again = await s.form(session, '/logout');
    assert.equal(again.status, 401, 'a dead session cannot log out twice');
  });
});

describe('password change', () => {
  it('ends the person\'s other sessions but not the current one', async () => {
    const current = await s.browserLogin('liuyang');
    const other = await s.browserLogin('liuyang');
    assertProblem(await s.sessionApi(current, 'POST', '/api/v1/me/password', { current_password: 'wrong-password', new_password: 'brand-new-pass' }), 422, 'current_password');
    assertProblem(await s.sessionApi(current, 'POST', '/api/v1/me/password', { current_password: DEMO_PASSWORD, new_password: 'short' }), 422, 'new_password');
    assertProblem(await s.sessionApi(current, 'POST', '/api/v1/me/password', { current_password: DEMO_PASSWORD }), 422, 'new_password');
    assert.equal((await me(other)).status, 200, 'refused changes end nothing');
    const r = await s.sessionApi(current, 'POST', '/api/v1/me/password', { current_password: DEMO_PASSWORD, new_password: 'brand-new-pass' });
    assert.equal(r.status, 204, r.text);
    assert.equal((await me(current)).status, 200, 'the current session stays');
    assertProblem(await me(other), 401);
    assert.equal((await s.browserLogin('liuyang')).status, 401, 'the old password is gone');
    assert.equal((await s.browserLogin('liuyang', 'brand-new-pass')).status, 303);
  });

  it('through an API token, ends every session', async () => {
    const session = await s.browserLogin('yangfan');
    const created = await s.sessionApi(session, 'POST', '/api/v1/tokens', { name: 'script' });
    assert.equal(created.status, 201, created.text);
    const r = await s.api(created.json.token, 'POST', '/api/v1/me/password', { current_password: DEMO_PASSWORD, new_password: 'token-changed-pw' });
    assert.equal(r.status, 204, r.text);
    assertProblem(await me(session), 401);
  });
});

describe('throttling', () => {
  it('locks an account after 5 failures (429, even with the right password), in the database', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await loginForm('sunli', `wrong-${i}`)).status, 401, `failure ${i + 1}`);
    const locked = await loginForm('sunli', DEMO_PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(sessionCookie(locked), undefined);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal((await loginForm('SunLi', DEMO_PASSWORD)).status, 429, 'the login is case-insensitive');
    assert.equal((await loginForm('xuqiang', DEMO_PASSWORD)).status, 303, 'other accounts are not locked');
    // The counters live in the database: a restarted server still refuses.
    const dbUrl = s.dbUrl;
    await stopServer(s);
    s = await startServer({ dbUrl });
    assert.equal((await loginForm('sunli', DEMO_PASSWORD)).status, 429);
    assert.equal((await loginForm('xuqiang', DEMO_PASSWORD)).status, 303);
  });

  it('forgets failures after a successful login', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await loginForm('zhoujie', `wrong-${i}`)).status, 401);
    assert.equal((await loginForm('zhoujie', DEMO_PASSWORD)).status, 303);
    for (let i = 0; i < 4; i++) assert.equal((await loginForm('zhoujie', `wrong-${i}`)).status, 401);
    assert.equal((await loginForm('zhoujie', DEMO_PASSWORD)).status, 303);
  });
});

describe('API tokens', () => {
  it('creates a token shown once; the list shows only its prefix; it authenticates; revoking it ends it', async () => {
    const r = await s.api('wangfang', 'POST', '/api/v1/tokens', { name: '日报脚本' });
    assert.equal(r.status, 201, r.text);
    const { id, token, prefix } = r.json;
    assert.match(token, /^odk_[0-9a-f]{64}$/);
    assert.equal(prefix, token.slice(0, 12));
    assert.equal(r.headers.get('location'), `/api/v1/tokens/${id}`);
    const list = await s.api('wangfang', 'GET', '/api/v1/tokens');
    assert.equal(list.status, 200);
    const row = list.json.items.find((t) => t.id === id);
    assert.equal(row.prefix, prefix);
    assert.equal(row.name, '日报脚本');
    assert.equal(row.revoked_at, null);
    assert.ok(!list.text.includes(token.slice(4)), 'the secret is never listed');
    assert.ok(list.json.items.every((t) => !('token' in t)));
    const who = await s.api(token, 'GET', '/api/v1/me');
    assert.equal(who.status, 200);
    assert.equal(who.json.login, 'wangfang');
    const used = (await s.api('wangfang', 'GET', '/api/v1/tokens')).json.items.find((t) => t.id === id);
    assert.notEqual(used.last_used_at, null);
    const bare = await s.api(token.slice(4), 'GET', '/api/v1/me');
    assert.equal(bare.status, 200, 'the odk_ prefix is optional');
    const del = await s.api(token, 'DELETE', `/api/v1/tokens/${id}`);
    assert.equal(del.status, 204, del.text);
    assertProblem(await s.api(token, 'GET', '/api/v1/me'), 401, 'Authorization');
    const after = (await s.api('wangfang', 'GET', '/api/v1/tokens')).json.items.find((t) => t.id === id);
    assert.notEqual(after.revoked_at, null);
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=token&entity_id=${id}`);
    assert.deepEqual(audit.json.items.map((a) => a.action), ['revoke', 'create']);
  });

  it('hides other people\'s tokens from non-admins (404); admins may revoke any', async () => {
    const r = await s.api('chenjing', 'POST', '/api/v1/tokens', { name: 'mine' });
    assertProblem(await s.api('lina', 'DELETE', `/api/v1/tokens/${r.json.id}`), 404);
    assertProblem(await s.api('wangfang', 'DELETE', `/api/v1/tokens/${r.json.id}`), 404);
    assert.ok(!(await s.api('lina', 'GET', '/api/v1/tokens')).json.items.some((t) => t.id === r.json.id));
    assert.equal((await s.api(r.json.token, 'GET', '/api/v1/me')).status, 200);
    assert.equal((await s.api('admin', 'DELETE', `/api/v1/tokens/${r.json.id}`)).status, 204);
    assertProblem(await s.api(r.json.token, 'GET', '/api/v1/me'), 401);
    assertProblem(await s.api('admin', 'DELETE', '/api/v1/tokens/999999'), 404);
  });

  it('refuses malformed Authorization headers (401 with WWW-Authenticate)', async () => {
    for (const value of ['Bearer nonsense', 'Bearer ' + 'f'.repeat(64), 'Basic YWRtaW46b3BzZGVzay1kZW1v', 'Bearer', 'bearer ' + s.tokens.admin]) {
      const r = await s.api(null, 'GET', '/api/v1/me', undefined, { Authorization: value });
      assertProblem(r, 401, 'Authorization');
      assert.match(r.headers.get('www-authenticate'), /^Bearer/);
    }
    assertProblem(await s.api(null, 'GET', '/api/v1/me'), 401);
  });
});

describe('CSRF and Origin', () => {
  let session;
  before(async () => { session = await s.browserLogin('zhangwei'); });

  it('refuses a cookie-authenticated change without the CSRF token (403 naming X-CSRF-Token)', async () => {
    const body = { name: 'csrf' };
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { csrf: false }), 403, 'X-CSRF-Token');
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { csrf: false, headers: { 'X-CSRF-Token': 'ab'.repeat(32) } }), 403, 'X-CSRF-Token');
    const other = await s.browserLogin('zhangwei');
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { csrf: false, headers: { 'X-CSRF-Token': other.csrf } }), 403, 'X-CSRF-Token');
    assert.equal((await s.sessionApi(session, 'POST', '/api/v1/tokens', body)).status, 201);
    assert.equal((await s.sessionApi(session, 'GET', '/api/v1/tokens', undefined, { csrf: false })).status, 200, 'reads need no token');
    const form = await s.form(session, '/tokens', { name: 'csrf-form' }, { csrf: false });
    assert.equal(form.status, 403);
    assert.match(form.headers.get('content-type'), /^text\/html/);
  });

  it('refuses requests from another origin (403 naming Origin), even with the CSRF token', async () => {
    const body = { name: 'origin' };
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { origin: false, headers: { Origin: 'https://evil.example' } }), 403, 'Origin');
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { origin: false, headers: { Origin: 'null' } }), 403, 'Origin');
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { origin: false, headers: { Referer: 'https://evil.example/page' } }), 403, 'Origin');
    assertProblem(await s.sessionApi(session, 'POST', '/api/v1/tokens', body, { origin: false, headers: { Origin: s.url + '.evil.example' } }), 403, 'Origin');
    const form = await s.form(null, '/login', { login: 'zhangwei', password: DEMO_PASSWORD }, { origin: 'https://evil.example' });
    assert.equal(form.status, 403, 'no login from another site');
    // An API token is not an ambient credential: scripts may send any Origin.
    assert.equal((await s.api('zhangwei', 'POST', '/api/v1/tokens', body, { Origin: 'https://elsewhere.example' })).status, 201);
  });
});

describe('Secure cookies', () => {
  it('marks the session cookie Secure only with --secure-cookies', async () => {
    const secure = await startServer({ dbUrl: s.dbUrl, extraArgs: ['--secure-cookies'] });
    try {
      const r = await secure.form(null, '/login', { login: 'wangfang', password: DEMO_PASSWORD });
      assert.equal(r.status, 303);
      const c = sessionCookie(r);
      assert.ok(c.split(';').map((a) => a.trim().toLowerCase()).includes('secure'), c);
      assert.match(c, /HttpOnly/i);
      const out = await secure.form({ cookie: c.split(';')[0], csrf: null }, '/logout', {}, { csrf: false });
      assert.equal(out.status, 403, 'logout needs the CSRF token too');
    } finally {
      await stopServer(secure);
    }
    const plain = sessionCookie(await loginForm('wangfang', DEMO_PASSWORD));
    assert.ok(!/;\s*secure/i.test(plain), plain);
  });
});

describe('throttling per address', () => {
  // Last in the file: it locks 127.0.0.1 out of this database for 15 minutes.
  it('locks an address after 30 failures, whichever accounts they were for', async () => {
    let status = 401, n = 0;
    while (status === 401 && n < 40) status = (await loginForm(`ghost${n++}`, 'wrong-password')).status;
    assert.equal(status, 429, `locked after ${n} attempts`);
    assert.ok(n <= 31);
    assert.equal((await loginForm('xuqiang', DEMO_PASSWORD)).status, 429, 'the right password of an unlocked account too');
    assert.equal((await s.api('admin', 'GET', '/api/v1/me')).status, 200, 'API tokens are not affected');
  });
});
