// Bad input, each case proven: the right 4xx as application/problem+json with
// errors[] naming the field, nothing written (the audit log does not move and
// the record reads back unchanged), and the server still answering.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, assertProblem, auditHead, stopServer } from './harness.mjs';

let s;
const team = {};
let lina; // browser session of the supervisor of 客服部

before(async () => {
  s = await startServer();
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
  lina = await s.browserLogin('lina');
});
after(async () => { await stopServer(s); });

// Runs fn (which must produce a refused request), then proves that nothing
// was written and that the server still answers.
async function refused(fn, { status, field, reread } = {}) {
  const head = await auditHead(s);
  const before = reread ? (await s.api('admin', 'GET', reread)).text : null;
  const res = await fn();
  if (status) assertProblem(res, status, field);
  assert.equal(await auditHead(s), head, 'nothing written to the audit log');
  if (reread) assert.equal((await s.api('admin', 'GET', reread)).text, before, `${reread} unchanged`);
  const health = await s.api(null, 'GET', '/healthz');
  assert.equal(health.status, 200, 'the server still answers');
  return res;
}

// A request through node:http: the body is written in chunks (no
// Content-Length unless given), and the response is taken as soon as it
// arrives even if the server stops reading the body.
function rawRequest(method, path, { headers = {}, chunks = [] } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(s.url + path);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers });
    let done = false;
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        done = true;
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), text, json });
      });
    });
    req.on('error', (e) => { if (!done) setTimeout(() => !done && reject(e), 200); });
    (async () => {
      for (const c of chunks) {
        if (req.destroyed) return;
        if (!req.write(c)) await new Promise((r) => req.once('drain', r).once('close', r));
      }
      req.end();
    })();
  });
}

const TEAM_PATH = () => `/api/v1/teams/${team['售前咨询组']}`;
const post = (body, headers = {}) => s.api('admin', 'POST', '/api/v1/teams', body, headers);

describe('malformed bodies (400 naming "body")', () => {
  const cases = {
    'truncated JSON': '{"name": "半截',
    'trailing garbage': '{"name": "x"} extra',
    'single quotes': "{'name': 'x'}",
    'a duplicate key': '{"name": "a", "name": "b"}',
    'an empty body': '',
    'a JSON array': '[{"name": "x"}]',
    'a JSON string': '"x"',
    'null': 'null',
    'NaN': '{"name": NaN}',
    'a lone surrogate': '{"name": "\\ud800"}',
    'a byte-order mark': '\ufeff{"name": "x"}',
    'an integer too big': '{"name": "x", "parent_id": 99999999999999999999999}',
    'deep nesting': '['.repeat(100000),
  };
  for (const [what, body] of Object.entries(cases)) {
    it(`refuses ${what}`, async () => { await refused(() => post(body), { status: 400, field: 'body' }); });
  }
});

describe('invalid UTF-8', () => {
  it('in a JSON body (raw bytes): 400 naming body', async () => {
    const bytes = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xe5, 0xae]), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    await refused(() => post(new Uint8Array(bytes)), { status: 400, field: 'body' });
    const overlong = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    await refused(() => post(new Uint8Array(overlong)), { status: 400, field: 'body' });
    const surrogate = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    await refused(() => post(new Uint8Array(surrogate)), { status: 400, field: 'body' });
  });

  it('in a query parameter: 400 naming it', async () => {
    await refused(() => s.api('admin', 'GET', '/api/v1/users?q=%FF%FE'), { status: 400, field: 'q' });
    await refused(() => s.api('admin', 'GET', '/api/v1/audit?entity=%C3%28'), { status: 400, field: 'entity' });
  });

  it('in the path: 400 naming path', async () => {
    await refused(() => s.api('admin', 'GET', '/api/v1/teams/%FF'), { status: 400, field: 'path' });
  });
});

describe('wrong types and unknown fields (422 naming the field)', () => {
  const cases = [
    ['a number for a string', { name: 123 }, 'name'],
    ['an object for a string', { name: { zh: '组' } }, 'name'],
    ['null for a required string', { name: null }, 'name'],
    ['a string for an integer', { name: '类型组', parent_id: String(team['客服部'] || 2) }, 'parent_id'],
    ['a fraction for an integer', { name: '类型组', parent_id: 2.5 }, 'parent_id'],
    ['a boolean for an integer', { name: '类型组', parent_id: true }, 'parent_id'],
    ['zero for an id', { name: '类型组', parent_id: 0 }, 'parent_id'],
    ['a negative id', { name: '类型组', parent_id: -3 }, 'parent_id'],
    ['an unknown field', { name: '类型组', colour: 'red' }, 'colour'],
    ['a missing required field', { parent_id: 1 }, 'name'],
  ];
  for (const [what, body, field] of cases) {
    it(`refuses ${what}`, async () => { await refused(() => post(body), { status: 422, field }); });
  }

  it('names every unknown field', async () => {
    const res = await refused(() => post({ name: '多余组', a: 1, b: 2 }), { status: 422, field: 'a' });
    assert.ok(res.json.errors.some((e) => e.field === 'b'));
  });

  it('refuses wrong types on updates of people, writing nothing', async () => {
    const u = (await s.api('admin', 'GET', '/api/v1/users?q=wangfang')).json.items[0];
    const path = `/api/v1/users/${u.id}`;
    const h = { 'If-Match': `"${u.version}"` };
    await refused(() => s.api('admin', 'PATCH', path, { disabled: 'true' }, h), { status: 422, field: 'disabled', reread: path });
    await refused(() => s.api('admin', 'PATCH', path, { team_id: '3' }, h), { status: 422, field: 'team_id', reread: path });
    await refused(() => s.api('admin', 'PATCH', path, { role: ['admin'] }, h), { status: 422, field: 'role', reread: path });
    await refused(() => s.api('admin', 'PATCH', path, { email: 42 }, h), { status: 422, field: 'email', reread: path });
    await refused(() => s.api('admin', 'PATCH', path, { name: '改了', password: 'x' }, h), { status: 422, field: 'password', reread: path });
  });
});

describe('lengths and control characters (422 naming the field)', () => {
  it('accepts 100 Chinese characters for a name and refuses 101', async () => {
    const ok = await post({ name: '长'.repeat(100), parent_id: team['数据分析组'] });
    assert.equal(ok.status, 201, ok.text);
    await refused(() => post({ name: '长'.repeat(101), parent_id: team['数据分析组'] }), { status: 422, field: 'name' });
    const emoji = await post({ name: '😀'.repeat(100), parent_id: team['数据分析组'] });
    assert.equal(emoji.status, 201, 'characters are counted, not bytes');
    await refused(() => post({ name: '😀'.repeat(101), parent_id: team['数据分析组'] }), { status: 422, field: 'name' });
  });

  it('refuses over-long fields of people', async () => {
    const base = { login: 'longfields', name: '长字段', role: 'member', team_id: team['售前咨询组'] };
    await refused(() => s.api('admin', 'POST', '/api/v1/users', { ...base, name: '名'.repeat(101) }), { status: 422, field: 'name' });
    await refused(() => s.api('admin', 'POST', '/api/v1/users', { ...base, login: 'a'.repeat(65) }), { status: 422, field: 'login' });
    await refused(() => s.api('admin', 'POST', '/api/v1/users', { ...base, email: `${'a'.repeat(250)}@example.com` }), { status: 422, field: 'email' });
    await refused(() => s.api('admin', 'POST', '/api/v1/users', { ...base, password: 'p'.repeat(129) }), { status: 422, field: 'password' });
    await refused(() => s.api('admin', 'POST', '/api/v1/tokens', { name: 'n'.repeat(101) }), { status: 422, field: 'name' });
  });

  for (const [what, ch] of [['a bell', '\u0007'], ['an escape', '\u001b'], ['DEL', '\u007f'], ['a backspace', '\b']]) {
    it(`refuses ${what} inside a name`, async () => {
      await refused(() => post({ name: `控制${ch}字符`, parent_id: team['数据分析组'] }), { status: 422, field: 'name' });
    });
  }

  it('refuses NUL (\\u0000) inside a string as malformed JSON', async () => {
    await refused(() => post({ name: '控制\u0000字符', parent_id: team['数据分析组'] }), { status: 400, field: 'body' });
  });

  it('refuses a blank name (only spaces)', async () => {
    await refused(() => post({ name: '   \t ', parent_id: team['数据分析组'] }), { status: 422, field: 'name' });
  });
});

describe('oversize and malformed requests', () => {
  it('refuses a body over 1 MiB with Content-Length (413) and keeps answering', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) });
    await refused(() => post(big), { status: 413, field: 'body' });
  });

  it('refuses a chunked body that grows past 1 MiB (413) and keeps answering', async () => {
    const piece = Buffer.alloc(256 * 1024, 0x20);
    const chunks = [Buffer.from('{"name": "'), ...Array(5).fill(piece), Buffer.from('"}')];
    const res = await refused(() => rawRequest('POST', '/api/v1/teams', {
      headers: { Authorization: `Bearer ${s.tokens.admin}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunks,
    }), { status: 413, field: 'body' });
    assert.equal(res.json.status, 413);
  });

  it('refuses oversize headers and URLs with a 4xx, never a crash', async () => {
    // libmicrohttpd answers these itself (431, 414) before any route runs: not in the API document.
    s.validate = false;
    try {
      const big = await refused(() => s.api('admin', 'GET', '/healthz', undefined, { 'X-Padding': 'a'.repeat(100 * 1024) }));
      assert.ok(big.status >= 400 && big.status < 500, String(big.status));
      const url = await refused(() => s.api('admin', 'GET', '/api/v1/users?q=' + 'a'.repeat(100 * 1024)));
      assert.ok(url.status >= 400 && url.status < 500, String(url.status));
    } finally {
      s.validate = true;
    }
  });
});

describe('wrong content type (415 naming Content-Type)', () => {
  for (const [what, type, body] of [
    ['text/plain', 'text/plain', '{"name": "x"}'],
    ['a form', 'application/x-www-form-urlencoded', 'name=x'],
    ['multipart', 'multipart/form-data; boundary=z', '--z\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--z--\r\n'],
    ['XML', 'application/xml', '<team><name>x</name></team>'],
  ]) {
    it(`refuses ${what}`, async () => {
      await refused(() => post(body, { 'Content-Type': type }), { status: 415, field: 'Content-Type' });
    });
  }

  it('refuses a body with no Content-Type', async () => {
    const res = await refused(() => rawRequest('POST', '/api/v1/teams', {
      headers: { Authorization: `Bearer ${s.tokens.admin}`, 'Content-Length': '13' }, chunks: [Buffer.from('{"name":"x"}\n')],
    }), { status: 415, field: 'Content-Type' });
    assert.equal(res.status, 415);
  });

  it('accepts application/json with a charset', async () => {
    const r = await post({ name: '字符集组', parent_id: team['数据分析组'] }, { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 201, r.text);
  });
});

describe('bad query values (400 naming the parameter)', () => {
  for (const [what, q, field] of [
    ['an impossible date', 'from=2024-02-30', 'from'],
    ['a month 13', 'from=2024-13-01', 'from'],
    ['a word', 'from=yesterday', 'from'],
    ['a US date', 'from=03/04/2024', 'from'],
    ['a bad time', 'from=2024-03-04T25:00:00Z', 'from'],
    ['a bad end date', 'to=2024-00-10', 'to'],
    ['an end before the start', 'from=2024-03-05&to=2024-03-04', 'to'],
    ['a non-numeric user id', 'user_id=zhang', 'user_id'],
    ['a limit of zero', 'limit=0', 'limit'],
    ['a huge limit', 'limit=100000', 'limit'],
    ['a negative cursor', 'cursor=-1', 'cursor'],
  ]) {
    it(`refuses ${what} in the audit filters`, async () => {
      await refused(() => s.api('admin', 'GET', `/api/v1/audit?${q}`), { status: 400, field });
    });
  }

  it('accepts dates and date-times', async () => {
    for (const q of ['from=2024-03-04', 'from=2024-03-04T08:30:00Z', 'from=2024-03-04T08:30:00.123%2B08:00', 'to=2099-12-31']) {
      const r = await s.api('admin', 'GET', `/api/v1/audit?${q}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
    }
  });
});

describe('records of another team (404), CSRF, Origin, If-Match', () => {
  it('answers 404 for another team\'s records, writing nothing', async () => {
    const other = team['仓储物流部'];
    const users = (await s.api('admin', 'GET', `/api/v1/users?team_id=${other}`)).json.items;
    const path = `/api/v1/teams/${other}`;
    await refused(() => s.api('lina', 'GET', path), { status: 404 });
    await refused(() => s.api('lina', 'PATCH', path, { name: '劫持' }, { 'If-Match': '"1"' }), { status: 404, reread: path });
    await refused(() => s.api('lina', 'DELETE', path, undefined, { 'If-Match': '"1"' }), { status: 404, reread: path });
    await refused(() => s.api('lina', 'GET', `/api/v1/users/${users[0].id}`), { status: 404 });
    await refused(() => s.api('lina', 'PATCH', `/api/v1/users/${users[0].id}`, { name: '劫持' }, { 'If-Match': '"1"' }), { status: 404, reread: `/api/v1/users/${users[0].id}` });
    await refused(() => s.api('lina', 'POST', `/api/v1/users/${users[0].id}/password`, { password: 'hijacked-123' }), { status: 404 });
    await refused(() => s.api('lina', 'POST', '/api/v1/users', { login: 'hijack', name: '劫持', role: 'member', team_id: other }), { status: 404 });
    await refused(() => s.api('lina', 'POST', '/api/v1/teams', { name: '劫持', parent_id: other }), { status: 404 });
    const page = await refused(() => s.page(lina, `/people/${users[0].id}`));
    assert.equal(page.status, 404);
  });

  it('refuses a cookie-authenticated change without the CSRF token (403 naming X-CSRF-Token)', async () => {
    await refused(() => s.sessionApi(lina, 'POST', '/api/v1/teams', { name: '无令牌', parent_id: team['客服部'] }, { csrf: false }), { status: 403, field: 'X-CSRF-Token' });
    const me = (await s.sessionApi(lina, 'GET', '/api/v1/me')).json;
    await refused(() => s.sessionApi(lina, 'PATCH', '/api/v1/me', { name: '无令牌' }, { csrf: false, headers: { 'If-Match': `"${me.version}"` } }), { status: 403, field: 'X-CSRF-Token', reread: `/api/v1/users/${me.id}` });
    const form = await refused(() => s.form(lina, '/teams', { name: '无令牌', parent_id: String(team['客服部']) }, { csrf: false }));
    assert.equal(form.status, 403);
  });

  it('refuses a request from a foreign Origin (403 naming Origin)', async () => {
    await refused(() => s.sessionApi(lina, 'POST', '/api/v1/teams', { name: '外站', parent_id: team['客服部'] }, { origin: false, headers: { Origin: 'https://evil.example' } }), { status: 403, field: 'Origin' });
    const form = await refused(() => s.form(lina, '/teams', { name: '外站', parent_id: String(team['客服部']) }, { origin: 'https://evil.example' }));
    assert.equal(form.status, 403);
  });

  it('refuses a stale If-Match (412) and a missing one (428)', async () => {
    const cur = await s.api('admin', 'GET', TEAM_PATH());
    await refused(() => s.api('admin', 'PATCH', TEAM_PATH(), { name: '过期' }, { 'If-Match': `"${cur.json.version + 5}"` }), { status: 412, reread: TEAM_PATH() });
    await refused(() => s.api('admin', 'PATCH', TEAM_PATH(), { name: '过期' }, { 'If-Match': '"0"' }), { status: 412, reread: TEAM_PATH() });
    await refused(() => s.api('admin', 'PATCH', TEAM_PATH(), { name: '过期' }, { 'If-Match': `"${'9'.repeat(30)}"` }), { status: 412, field: 'If-Match', reread: TEAM_PATH() });
    await refused(() => s.api('admin', 'PATCH', TEAM_PATH(), { name: '过期' }), { status: 428, field: 'If-Match', reread: TEAM_PATH() });
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    await refused(() => s.api('admin', 'GET', '/api/v1/nothing-here'), { status: 404 });
    const put = await refused(() => s.api('admin', 'PUT', TEAM_PATH(), { name: 'put' }), { status: 405, reread: TEAM_PATH() });
    assert.deepEqual(put.headers.get('allow').split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PATCH'], 'a 405 says what is allowed');
    const del = await refused(() => s.api('admin', 'DELETE', '/api/v1/users'), { status: 405 });
    assert.deepEqual(del.headers.get('allow').split(', ').sort(), ['GET', 'HEAD', 'POST']);
    const page = await refused(() => s.page(lina, '/logout'));
    assert.equal(page.status, 405);
    assert.equal(page.headers.get('allow'), 'POST');
  });
});
