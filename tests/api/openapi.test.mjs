// The OpenAPI 3.1 document (web/openapi.json, served at /api/v1/openapi.json):
// it lists exactly the API routes the binary serves, its schemas compile,
// its conventions hold (ETag, If-Match, problem+json, closed request bodies),
// the request bodies it documents are the ones the server accepts, and every
// operation's success response validates against it. (The other suites
// validate every response they receive through harness.api().)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import {
  startServer, listRoutes, openapiDocument, validateResponse, documentedPattern, DEMO_PASSWORD, stopServer,
} from './harness.mjs';

const doc = openapiDocument();
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ path, method: m.toUpperCase(), op: item[m], item })));
const resolve = (obj) => {
  while (obj && obj.$ref) obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return obj;
};
// Modules document their routes in web/openapi/<module>.json and bring their
// part of the tour in tests/api/openapi/<module>.mjs:
//   export async function tour({ server, call, ids })   — one successful call of
//     each of the module's operations: await call(who, method, path, body, headers, wantStatus)
//   export function bodyTargets({ server, ids })         — for each operation with a JSON
//     request body: 'METHOD /pattern': async () => ({ path, base: {required fields}, headers })
// ids: { team: 客服部's id, user: liuyang's id }.
const MODULE_DIR = new URL('./openapi/', import.meta.url);
const MODULES = [];
for (const name of existsSync(MODULE_DIR) ? readdirSync(MODULE_DIR).filter((f) => f.endsWith('.mjs')).sort() : [])
  MODULES.push(await import(new URL(name, MODULE_DIR)));
const documented = (route) => route.pattern.startsWith('/api/') || route.pattern === '/healthz' || route.pattern === '/metrics';

let s;
before(async () => { s = await startServer(); });
after(async () => { await stopServer(s); });

describe('the document', () => {
  it('is served at /api/v1/openapi.json, identical to web/openapi.json', async () => {
    const r = await s.api(null, 'GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(r.json, doc);
  });

  it('is OpenAPI 3.1 with info, servers and the bearer and cookie security schemes', () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.ok(doc.info.title && doc.info.version);
    assert.ok(Array.isArray(doc.servers) && doc.servers.length > 0);
    const sec = doc.components.securitySchemes;
    assert.deepEqual({ type: sec.bearerAuth.type, scheme: sec.bearerAuth.scheme }, { type: 'http', scheme: 'bearer' });
    assert.deepEqual({ type: sec.cookieAuth.type, in: sec.cookieAuth.in, name: sec.cookieAuth.name }, { type: 'apiKey', in: 'cookie', name: 'opsdesk_session' });
    for (const name of ['Team', 'User', 'Token', 'TokenCreated', 'AuditEntry', 'TeamList', 'UserList', 'TokenList', 'AuditList', 'Problem'])
      assert.ok(doc.components.schemas[name], `components/schemas/${name}`);
    for (const list of ['TeamList', 'UserList', 'TokenList', 'AuditList'])
      assert.deepEqual(doc.components.schemas[list].required, ['items', 'next_cursor']);
    const problem = doc.components.schemas.Problem;
    for (const k of ['type', 'title', 'status', 'errors']) assert.ok(problem.properties[k], `Problem.${k}`);
    const fieldError = resolve(problem.properties.errors.items);
    assert.deepEqual(fieldError.required, ['field', 'message']);
  });

  it('documents every API route the binary serves, and nothing else', () => {
    const served = listRoutes().filter(documented).map((r) => `${r.method} ${r.pattern}`).sort();
    const inDoc = operations.map((o) => `${o.method} ${o.path}`).sort();
    assert.deepEqual(served.filter((k) => !inDoc.includes(k)), [], 'routes missing from web/openapi.json');
    assert.deepEqual(inDoc.filter((k) => !served.includes(k)), [], 'documented operations the binary does not serve');
  });

  it('resolves every $ref and compiles every schema', () => {
    const refs = [];
    (function walk(x) {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) k === '$ref' ? refs.push(v) : walk(v);
    })(doc);
    assert.ok(refs.length > 50);
    for (const ref of new Set(refs)) assert.ok(resolve({ $ref: ref }), `unresolved ${ref}`);
    // validateResponse compiles lazily; validating each list's empty page compiles all item schemas.
    for (const [path, schema] of [['/api/v1/teams', 'TeamList'], ['/api/v1/users', 'UserList'], ['/api/v1/tokens', 'TokenList'], ['/api/v1/audit', 'AuditList']]) {
      assert.ok(doc.components.schemas[schema]);
      validateResponse('GET', path, 200, { items: [], next_cursor: null });
    }
  });

  it('keeps its conventions: ids, ETag, If-Match, closed bodies, problem+json errors', () => {
    const ids = new Set();
    for (const { path, method, op, item } of operations) {
      const where = `${method} ${path}`;
      assert.ok(op.operationId && !ids.has(op.operationId), `${where}: a unique operationId`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${where}: a summary`);
      const params = [...(item.parameters || []), ...(op.parameters || [])].map(resolve);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
        assert.ok(params.some((p) => p.in === 'path' && p.name === name && p.required), `${where}: path parameter ${name}`);
      const codes = Object.keys(op.responses);
      assert.ok(codes.some((c) => c.startsWith('2')), `${where}: a success response`);
      if (path.startsWith('/api/v1/') && path !== '/api/v1/openapi.json') assert.ok(codes.includes('401'), `${where}: 401`);
      for (const c of codes.filter((x) => x >= '400')) {
        const res = resolve(op.responses[c]);
        assert.ok(res.content?.['application/problem+json'], `${where} ${c}: application/problem+json`);
        assert.equal(res.content['application/problem+json'].schema.$ref, '#/components/schemas/Problem', `${where} ${c}`);
      }
      // (A raw upload — CSV, XES — documents no JSON body schema.)
      if (['POST', 'PATCH'].includes(method) && op.requestBody && resolve(op.requestBody).content?.['application/json']) {
        const body = resolve(op.requestBody);
        const schema = resolve(body.content['application/json'].schema);
        // A body may be optional only when every field of it is optional.
        assert.ok(body.required || !schema.required?.length, `${where}: the body is required`);
        assert.equal(schema.additionalProperties, false, `${where}: unknown fields are refused (422), so the schema is closed`);
        for (const c of ['400', '413', '415', '422']) assert.ok(codes.includes(c), `${where}: ${c}`);
      }
      // Tokens, the iCalendar feed token and checklist items carry no version (revoking and ticking are idempotent).
      if (['PATCH', 'DELETE'].includes(method) && path !== '/api/v1/tokens/{id}' && path !== '/api/v1/tasks/ical-token' && !path.includes('/checklist/')) {
        assert.ok(params.some((p) => p.in === 'header' && p.name === 'If-Match' && p.required), `${where}: If-Match`);
        assert.ok(codes.includes('412') && codes.includes('428'), `${where}: 412 and 428`);
      }
      for (const c of codes.filter((x) => x === '200' || x === '201')) {
        const res = resolve(op.responses[c]);
        const schema = res.content?.['application/json']?.schema?.$ref;
        if (schema === '#/components/schemas/Team' || schema === '#/components/schemas/User')
          assert.ok(resolve(res.headers?.ETag)?.required, `${where} ${c}: ETag header`);
        if (c === '201') assert.ok(resolve(res.headers?.Location)?.required, `${where}: Location header`);
      }
    }
  });
});

describe('the response checker', () => {
  it('fails a response that does not match, an undocumented status or path', () => {
    const team = { id: 1, parent_id: null, name: 'x', path: '/1/', depth: 0, members: 0, version: 1, created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z' };
    validateResponse('GET', '/api/v1/teams/{id}', 200, team);
    const { path, ...noPath } = team;
    assert.ok(path);
    assert.throws(() => validateResponse('GET', '/api/v1/teams/{id}', 200, noPath), /does not match/);
    assert.throws(() => validateResponse('GET', '/api/v1/teams/{id}', 200, { ...team, secret: 1 }), /does not match/);
    assert.throws(() => validateResponse('GET', '/api/v1/teams/{id}', 200, { ...team, id: '1' }), /does not match/);
    assert.throws(() => validateResponse('GET', '/api/v1/teams/{id}', 418, {}), /not documented/);
    assert.throws(() => validateResponse('GET', '/api/v1/nothing', 200, {}), /not in the OpenAPI document/);
    assert.throws(() => validateResponse('GET', '/api/v1/teams/{id}', 404, { title: 'x' }), /does not match/);
    assert.equal(documentedPattern('/api/v1/users/12/password'), '/api/v1/users/{id}/password');
  });
});

describe('the server agrees with the document', () => {
  const TOUR = [];
  let ids;
  before(async () => {
    const teams = (await s.api('admin', 'GET', '/api/v1/teams')).json.items;
    const users = (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
    ids = { team: teams.find((t) => t.name === '客服部').id, user: users.find((u) => u.login === 'liuyang').id };
  });

  // One successful call of every documented operation, validated by harness.api().
  it('answers every documented operation with a response that matches it', async () => {
    const seen = new Set();
    const call = async (who, method, path, body, headers, want) => {
      const r = await s.api(who, method, path, body, headers);
      assert.equal(r.status, want, `${method} ${path}: ${r.text.slice(0, 200)}`);
      seen.add(`${method} ${documentedPattern(path)}`);
      return r;
    };
    await call(null, 'GET', '/healthz', undefined, {}, 200);
    await call(null, 'GET', '/metrics', undefined, {}, 200);
    await call(null, 'GET', '/api/v1/openapi.json', undefined, {}, 200);
    await call('lina', 'GET', '/api/v1/teams', undefined, {}, 200);
    const t = await call('lina', 'POST', '/api/v1/teams', { name: '文档组', parent_id: ids.team }, {}, 201);
    await call('lina', 'GET', `/api/v1/teams/${t.json.id}`, undefined, {}, 200);
    const t2 = await call('lina', 'PATCH', `/api/v1/teams/${t.json.id}`, { name: '文档组二' }, { 'If-Match': t.headers.get('etag') }, 200);
    await call('lina', 'DELETE', `/api/v1/teams/${t.json.id}`, undefined, { 'If-Match': t2.headers.get('etag') }, 204);
    await call('lina', 'GET', '/api/v1/users?limit=2', undefined, {}, 200);
    const u = await call('lina', 'POST', '/api/v1/users', { login: 'docuser', name: '文档', email: 'doc@example.com', role: 'member', team_id: ids.team, locale: 'en', password: 'document-pass-1' }, {}, 201);
    await call('lina', 'GET', `/api/v1/users/${u.json.id}`, undefined, {}, 200);
    await call('lina', 'PATCH', `/api/v1/users/${u.json.id}`, { disabled: true }, { 'If-Match': u.headers.get('etag') }, 200);
    await call('lina', 'POST', `/api/v1/users/${ids.user}/password`, { password: 'document-pass-2' }, {}, 204);
    const me = await call('wangfang', 'GET', '/api/v1/me', undefined, {}, 200);
    await call('wangfang', 'PATCH', '/api/v1/me', { locale: 'zh-CN' }, { 'If-Match': me.headers.get('etag') }, 200);
    const tok = await call('wangfang', 'POST', '/api/v1/tokens', { name: '文档令牌' }, {}, 201);
    await call(tok.json.token, 'GET', '/api/v1/tokens', undefined, {}, 200);
    await call(tok.json.token, 'POST', '/api/v1/me/password', { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD }, {}, 204);
    await call(tok.json.token, 'DELETE', `/api/v1/tokens/${tok.json.id}`, undefined, {}, 204);
    await call('admin', 'GET', '/api/v1/audit?limit=30', undefined, {}, 200);
    // tasks (src/tasks)
    const tk = await call('lina', 'POST', '/api/v1/tasks', { title: '文档任务', owner_id: ids.user, tags: ['文档'], due_at: '2030-01-01T00:00:00Z' }, {}, 201);
    await call('lina', 'GET', '/api/v1/tasks?limit=5&due=week', undefined, {}, 200);
    await call('lina', 'GET', `/api/v1/tasks/${tk.json.id}`, undefined, {}, 200);
    const tk2 = await call('lina', 'PATCH', `/api/v1/tasks/${tk.json.id}`, { status: 'in_progress' }, { 'If-Match': tk.headers.get('etag') }, 200);
    await call('lina', 'POST', `/api/v1/tasks/${tk.json.id}/comments`, { body: '@liuyang 请看' }, {}, 201);
    await call('lina', 'GET', `/api/v1/tasks/${tk.json.id}/comments`, undefined, {}, 200);
    const ci = await call('lina', 'POST', `/api/v1/tasks/${tk.json.id}/checklist`, { text: '第一步' }, {}, 201);
    await call('lina', 'GET', `/api/v1/tasks/${tk.json.id}/checklist`, undefined, {}, 200);
    await call('lina', 'PATCH', `/api/v1/tasks/${tk.json.id}/checklist/${ci.json.id}`, { done: true }, {}, 200);
    await call('lina', 'DELETE', `/api/v1/tasks/${tk.json.id}/checklist/${ci.json.id}`, undefined, {}, 204);
    await call('lina', 'GET', `/api/v1/tasks/responsibility?team_id=${ids.team}`, undefined, {}, 200);
    const csv = await call('lina', 'GET', `/api/v1/tasks/export.csv?tag=${encodeURIComponent('文档')}`, undefined, {}, 200);
    await call('lina', 'POST', '/api/v1/tasks/import', csv.text, { 'Content-Type': 'text/csv' }, 200);
    await call('lina', 'DELETE', `/api/v1/tasks/${tk.json.id}`, undefined, { 'If-Match': tk2.headers.get('etag') }, 204);
    const tb = await call('lina', 'POST', '/api/v1/tasks', { title: '批量文档任务' }, {}, 201);
    await call('lina', 'POST', '/api/v1/tasks/bulk', { ids: [tb.json.id], action: 'due', due_at: '2030-02-01T01:00:00Z' }, {}, 200);
    await call('lina', 'POST', '/api/v1/tasks/ical-token', undefined, {}, 201);
    await call('lina', 'DELETE', '/api/v1/tasks/ical-token', undefined, {}, 204);
    // notifications (src/notify)
    await call('lina', 'GET', '/api/v1/notifications?limit=5&unread=1', undefined, {}, 200);
    await call('lina', 'POST', '/api/v1/notifications/read', { all: true }, {}, 204);
    // goals (src/goals)
    const gl = await call('lina', 'POST', '/api/v1/goals', { level: 'team', team_id: ids.team, title: '文档目标', period: 'quarter', start_date: '2030-01-01', key_results: [{ metric: '文档指标', unit: '个', target: 10, deadline: '2030-03-31' }] }, {}, 201);
    await call('lina', 'GET', '/api/v1/goals?limit=5&period=2030-Q1', undefined, {}, 200);
    await call('lina', 'GET', `/api/v1/goals/${gl.json.id}`, undefined, {}, 200);
    const gl2 = await call('lina', 'PATCH', `/api/v1/goals/${gl.json.id}`, { title: '文档目标二' }, { 'If-Match': gl.headers.get('etag') }, 200);
    const gkr = await call('lina', 'POST', `/api/v1/goals/${gl.json.id}/key-results`, { metric: '文档指标二', unit: '个', target: 5 }, {}, 201);
    const gkr2 = await call('lina', 'PATCH', `/api/v1/goals/${gl.json.id}/key-results/${gkr.json.id}`, { target: 6 }, { 'If-Match': gkr.headers.get('etag') }, 200);
    await call('lina', 'DELETE', `/api/v1/goals/${gl.json.id}/key-results/${gkr.json.id}`, undefined, { 'If-Match': gkr2.headers.get('etag') }, 204);
    await call('lina', 'POST', `/api/v1/goals/${gl.json.id}/checkins`, { key_result_id: gl.json.key_results[0].id, value: 3, confidence: 'on_track', note: '文档' }, {}, 201);
    await call('lina', 'GET', `/api/v1/goals/${gl.json.id}/checkins`, undefined, {}, 200);
    await call('lina', 'POST', `/api/v1/goals/${gl.json.id}/checkpoints`, { title: '文档检查点', date: '2030-02-01' }, {}, 201);
    await call('lina', 'GET', `/api/v1/goals/${gl.json.id}/checkpoints`, undefined, {}, 200);
    await call('lina', 'DELETE', `/api/v1/goals/${gl.json.id}`, undefined, { 'If-Match': gl2.headers.get('etag') }, 204);
    // Each module's part of the tour (tests/api/openapi/<module>.mjs).
    for (const mod of MODULES) if (mod.tour) await mod.tour({ server: s, call, ids });
    const missing = operations.map((o) => `${o.method} ${o.path}`).filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], 'operations the tour did not call');
  });

  it('accepts exactly the documented body fields (each is known; others are unknown)', async () => {
    let fieldGoalId = null;
    const fieldGoal = async () => {
      if (!fieldGoalId) fieldGoalId = (await s.api('admin', 'POST', '/api/v1/goals', { level: 'company', title: '字段检查目标', period: 'quarter', start_date: '2030-01-01', key_results: [{ metric: '字段', unit: '个', target: 3 }] })).json.id;
      return (await s.api('admin', 'GET', `/api/v1/goals/${fieldGoalId}`)).json;
    };
    const targets = {
      'POST /api/v1/teams': async () => ({ path: '/api/v1/teams', base: { name: '字段组', parent_id: ids.team } }),
      'PATCH /api/v1/teams/{id}': async () => ({ path: `/api/v1/teams/${ids.team}`, headers: { 'If-Match': (await s.api('admin', 'GET', `/api/v1/teams/${ids.team}`)).headers.get('etag') } }),
      'POST /api/v1/users': async () => ({ path: '/api/v1/users', base: { login: 'fieldcheck', name: '字段', role: 'member', team_id: ids.team } }),
      'PATCH /api/v1/users/{id}': async () => ({ path: `/api/v1/users/${ids.user}`, headers: { 'If-Match': (await s.api('admin', 'GET', `/api/v1/users/${ids.user}`)).headers.get('etag') } }),
      'POST /api/v1/users/{id}/password': async () => ({ path: `/api/v1/users/${ids.user}/password`, base: { password: 'field-check-pass' } }),
      'PATCH /api/v1/me': async () => ({ path: '/api/v1/me', headers: { 'If-Match': (await s.api('admin', 'GET', '/api/v1/me')).headers.get('etag') } }),
      'POST /api/v1/me/password': async () => ({ path: '/api/v1/me/password', base: { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD } }),
      'POST /api/v1/tokens': async () => ({ path: '/api/v1/tokens', base: { name: '字段令牌' } }),
      'POST /api/v1/tasks': async () => ({ path: '/api/v1/tasks', base: { title: '字段任务' } }),
      'PATCH /api/v1/tasks/{id}': async () => {
        const t = (await s.api('admin', 'GET', '/api/v1/tasks?limit=1')).json.items[0];
        return { path: `/api/v1/tasks/${t.id}`, headers: { 'If-Match': `"${t.version}"` } };
      },
      'POST /api/v1/tasks/{id}/comments': async () => ({ path: `/api/v1/tasks/${(await s.api('admin', 'GET', '/api/v1/tasks?limit=1')).json.items[0].id}/comments`, base: { body: '字段' } }),
      'POST /api/v1/tasks/{id}/checklist': async () => ({ path: `/api/v1/tasks/${(await s.api('admin', 'GET', '/api/v1/tasks?limit=1')).json.items[0].id}/checklist`, base: { text: '字段' } }),
      'POST /api/v1/tasks/bulk': async () => ({ path: '/api/v1/tasks/bulk', base: { ids: [(await s.api('admin', 'GET', '/api/v1/tasks?limit=1')).json.items[0].id], action: 'due', due_at: '2030-02-01T01:00:00Z' } }),
      'PATCH /api/v1/tasks/{id}/checklist/{item}': async () => {
        const t = (await s.api('admin', 'GET', '/api/v1/tasks?limit=1')).json.items[0];
        const c = (await s.api('admin', 'POST', `/api/v1/tasks/${t.id}/checklist`, { text: '字段项' })).json;
        return { path: `/api/v1/tasks/${t.id}/checklist/${c.id}` };
      },
      'POST /api/v1/notifications/read': async () => ({ path: '/api/v1/notifications/read', base: { ids: [1] } }),
      // goals (src/goals): one company goal with one key result, made on first use
      'POST /api/v1/goals': async () => ({ path: '/api/v1/goals', base: { level: 'company', title: '字段目标', period: 'quarter', start_date: '2030-01-01' } }),
      'PATCH /api/v1/goals/{id}': async () => {
        const g = await fieldGoal();
        return { path: `/api/v1/goals/${g.id}`, headers: { 'If-Match': `"${g.version}"` } };
      },
      'POST /api/v1/goals/{id}/key-results': async () => ({ path: `/api/v1/goals/${(await fieldGoal()).id}/key-results`, base: { metric: '字段指标' } }),
      'PATCH /api/v1/goals/{id}/key-results/{kr}': async () => {
        const k = (await fieldGoal()).key_results[0];
        return { path: `/api/v1/goals/${k.goal_id}/key-results/${k.id}`, headers: { 'If-Match': `"${k.version}"` } };
      },
      'POST /api/v1/goals/{id}/checkins': async () => ({ path: `/api/v1/goals/${(await fieldGoal()).id}/checkins`, base: { value: 1, confidence: 'on_track' } }),
      'POST /api/v1/goals/{id}/checkpoints': async () => ({ path: `/api/v1/goals/${(await fieldGoal()).id}/checkpoints`, base: { title: '字段检查点', date: '2030-01-15' } }),
    };
    for (const mod of MODULES) {
      for (const [k, fn] of Object.entries(mod.bodyTargets ? mod.bodyTargets({ server: s, ids }) : {})) {
        assert.ok(!targets[k], `${k}: a body target twice`);
        targets[k] = fn;
      }
    }
    const withBody = operations.filter((o) => o.op.requestBody && o.op.requestBody.content?.['application/json']);
    assert.deepEqual(withBody.map((o) => `${o.method} ${o.path}`).sort(), Object.keys(targets).sort(), 'a target for every documented body');
    for (const o of withBody) {
      const key = `${o.method} ${o.path}`;
      const schema = resolve(resolve(o.op.requestBody).content['application/json'].schema);
      const unknown = await s.api('admin', o.method, (await targets[key]()).path, { not_a_field: 1 }, (await targets[key]()).headers);
      assert.equal(unknown.status, 422, `${key}: an unknown field is refused`);
      const unknownMessage = unknown.json.errors.find((e) => e.field === 'not_a_field')?.message;
      assert.ok(unknownMessage, `${key}: the unknown field is named`);
      for (const prop of Object.keys(schema.properties)) {
        const tgt = await targets[key]();
        // An object is the wrong type for every field: the server must complain about the type, not an unknown field.
        const r = await s.api('admin', o.method, tgt.path, { ...tgt.base, [prop]: { wrong: 'type' } }, tgt.headers);
        assert.equal(r.status, 422, `${key} ${prop}: ${r.text.slice(0, 200)}`);
        const err = r.json.errors.find((e) => e.field === prop);
        assert.ok(err, `${key}: the error names ${prop}: ${JSON.stringify(r.json.errors)}`);
        assert.notEqual(err.message, unknownMessage, `${key}: ${prop} is documented but the server does not accept it`);
      }
      for (const req of schema.required || []) {
        const tgt = await targets[key]();
        const { [req]: dropped, ...rest } = tgt.base || {};
        assert.ok(dropped !== undefined, `${key}: the base body has ${req}`);
        const r = await s.api('admin', o.method, tgt.path, rest, tgt.headers);
        assert.equal(r.status, 422, `${key}: {} lacks ${req}`);
        assert.ok(r.json.errors.some((e) => e.field === req), `${key}: the missing ${req} is named: ${JSON.stringify(r.json.errors)}`);
      }
    }
  });
});
