// The response cache (src/web/web_cache.c): a token-authenticated GET of a
// cacheable route may be answered from stored bytes, but only while the
// database is unchanged — every write, from this server or another process,
// must show in the very next read. Scope and language are part of the key.
// The server runs with one worker thread so that repeated requests hit the
// same thread's cache.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, cli, etagVersion } from './harness.mjs';

let s;
before(async () => { s = await startServer({ threads: 1 }); });
after(async () => { await stopServer(s); });

const LIST = '/api/v1/users?limit=5';

describe('response cache', () => {
  it('answers the same bytes twice while nothing changed', async () => {
    const a = await s.api('admin', 'GET', LIST);
    const b = await s.api('admin', 'GET', LIST);
    assert.equal(a.status, 200);
    assert.equal(b.text, a.text);
  });

  it('shows a change made through the API in the next read', async () => {
    await s.api('admin', 'GET', '/api/v1/users/4');
    const before = await s.api('admin', 'GET', '/api/v1/users/4');
    const patched = await s.api('admin', 'PATCH', '/api/v1/users/4', { name: '王芳（缓存测试）' },
      { 'If-Match': `"${etagVersion(before)}"` });
    assert.equal(patched.status, 200);
    const after = await s.api('admin', 'GET', '/api/v1/users/4');
    assert.equal(after.json.name, '王芳（缓存测试）');
    assert.equal(etagVersion(after), etagVersion(patched), 'the ETag follows the new version');
    const list = await s.api('admin', 'GET', '/api/v1/users?limit=50');
    assert.ok(list.json.items.some((u) => u.name === '王芳（缓存测试）'));
  });

  it('shows a change made by another process (the CLI) in the next read', async () => {
    const first = await s.api('admin', 'GET', '/api/v1/users?limit=200');
    assert.ok(!first.json.items.some((u) => u.login === 'cache.probe'));
    const r = cli(['user', 'add', '--db', s.dbUrl, '--login', 'cache.probe', '--name', '缓存探针', '--team', '客服部']);
    assert.equal(r.status, 0, r.stderr);
    const second = await s.api('admin', 'GET', '/api/v1/users?limit=200');
    assert.ok(second.json.items.some((u) => u.login === 'cache.probe'));
  });

  it('never serves one caller the answer cached for another', async () => {
    const all = await s.api('admin', 'GET', '/api/v1/users?limit=200');
    const scoped = await s.api('lina', 'GET', '/api/v1/users?limit=200');
    assert.ok(scoped.json.items.length < all.json.items.length);
    assert.ok(scoped.json.items.every((u) => u.team_name !== '仓储物流部'), 'lina sees only her subtree');
    const again = await s.api('admin', 'GET', '/api/v1/users?limit=200');
    assert.equal(again.text, all.text);
  });

  it('keeps the language of the error messages apart', async () => {
    const en = await s.api('admin', 'GET', '/api/v1/users?limit=abc', undefined, { 'Accept-Language': 'en' });
    const zh = await s.api('admin', 'GET', '/api/v1/users?limit=abc', undefined, { 'Accept-Language': 'zh-CN' });
    assert.equal(en.status, 400);
    assert.notEqual(en.json.errors[0].message, zh.json.errors[0].message);
  });

  it('stops answering for a revoked token at once', async () => {
    const made = await s.api('wangfang', 'POST', '/api/v1/tokens', { name: 'cache' });
    assert.equal(made.status, 201);
    const token = made.json.token;
    assert.equal((await s.api(token, 'GET', LIST)).status, 200);
    assert.equal((await s.api(token, 'GET', LIST)).status, 200);
    assert.equal((await s.api('wangfang', 'DELETE', `/api/v1/tokens/${made.json.id}`)).status, 204);
    assert.equal((await s.api(token, 'GET', LIST)).status, 401);
  });
});
