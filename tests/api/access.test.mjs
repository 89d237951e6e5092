// The access matrix: every route × every caller (anonymous, each role, a
// supervisor of another team) × a record in the callers' team and one in
// another team. The table below lists EVERY route that `opsdesk routes`
// prints; a route missing from it (or a row for a route that no longer
// exists) fails the first test.
//
// Callers and their teams (demo data):
//   viewer   kfviewer  (viewer, 售前咨询组 — added by this test)
//   member   wangfang  (member, 售前咨询组)
//   sup      lina      (supervisor, 客服部 > {售前咨询组, 售后服务组})
//   othersup zhaolei   (supervisor, 仓储物流部: "a supervisor of another team")
//   admin    admin
// Targets of routes with a record ({id}, or a team named in the body):
//   A = a record in 客服部's subtree (the viewer's, member's and supervisor's own team)
//   B = a record in 仓储物流部 (another team for them; the other supervisor's own)
//   For tokens: A = the caller's own token, B = somebody else's.
// A cell is one status (the same for A and B) or [status for A, status for B].
// API routes are called with the caller's API token; page routes with the
// caller's browser session (cookie + CSRF field + same-site Origin).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { startServer, listRoutes, cli, DEMO_PASSWORD, stopServer } from './harness.mjs';

const CALLERS = ['anon', 'viewer', 'member', 'sup', 'othersup', 'admin'];
const LOGIN = { viewer: 'kfviewer', member: 'wangfang', sup: 'lina', othersup: 'zhaolei', admin: 'admin' };

// prettier-ignore
const MATRIX = [
  // method  pattern                          target     anon  viewer      member      sup         othersup    admin
  ['GET',    '/healthz',                      null,      200,  200,        200,        200,        200,        200],
  ['GET',    '/metrics',                      null,      200,  200,        200,        200,        200,        200],
  ['GET',    '/api/v1/openapi.json',          null,      200,  200,        200,        200,        200,        200],
  ['GET',    '/assets/{name}',                null,      200,  200,        200,        200,        200,        200],
  ['GET',    '/api/v1/teams',                 null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/teams',                 'team',    401,  403,        403,        [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/teams/{id}',            'team',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/teams/{id}',            'team',    401,  403,        403,        [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/teams/{id}',            'team',    401,  403,        403,        [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/users',                 null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/users',                 'team',    401,  403,        403,        [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/users/{id}',            'user',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/users/{id}',            'user',    401,  403,        403,        [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/users/{id}/password',   'user',    401,  403,        403,        [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/me',                    null,      401,  200,        200,        200,        200,        200],
  ['PATCH',  '/api/v1/me',                    null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/me/password',           null,      401,  204,        204,        204,        204,        204],
  ['GET',    '/api/v1/tokens',                null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/tokens',                null,      401,  201,        201,        201,        201,        201],
  ['DELETE', '/api/v1/tokens/{id}',           'token',   401,  [204, 404], [204, 404], [204, 404], [204, 404], 204],
  ['GET',    '/api/v1/audit',                 null,      401,  403,        403,        403,        403,        200],
  ['GET',    '/login',                        null,      200,  303,        303,        303,        303,        303],
  ['POST',   '/login',                        null,      303,  303,        303,        303,        303,        303],
  ['POST',   '/logout',                       null,      401,  303,        303,        303,        303,        303],
  ['POST',   '/lang',                         null,      303,  303,        303,        303,        303,        303],
  ['GET',    '/',                             null,      303,  200,        200,        200,        200,        200],
  ['GET',    '/profile',                      null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/profile',                      null,      401,  303,        303,        303,        303,        303],
  ['POST',   '/profile/password',             null,      401,  303,        303,        303,        303,        303],
  ['GET',    '/teams',                        null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/teams',                        'team',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/teams/{id}',                   'team',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/teams/{id}/delete',            'team',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['GET',    '/people',                       null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/people',                       'team',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['GET',    '/people/{id}',                  'user',    303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/people/{id}',                  'user',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/people/{id}/password',         'user',    401,  403,        403,        [303, 404], [404, 303], 303],
  ['GET',    '/tokens',                       null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/tokens',                       null,      401,  201,        201,        201,        201,        201],
  ['POST',   '/tokens/{id}/revoke',           'token',   401,  [303, 404], [303, 404], [303, 404], [303, 404], [303, 404]],
  ['GET',    '/audit',                        null,      303,  403,        403,        403,        403,        200],
  // goals (src/goals): A = a team goal of 售前咨询组, B = one of 仓储物流部
  ['GET',    '/api/v1/goals',                 null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/goals',                 'team',    401,  403,        [403, 422], [201, 422], [422, 201], 201],
  ['GET',    '/api/v1/goals/{id}',            'goal',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/goals/{id}',            'goal',    401,  403,        [403, 404], [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/goals/{id}',            'goal',    401,  403,        [403, 404], [204, 404], [404, 204], 204],
  ['POST',   '/api/v1/goals/{id}/key-results', 'goal',   401,  403,        [403, 404], [201, 404], [404, 201], 201],
  ['PATCH',  '/api/v1/goals/{id}/key-results/{kr}', 'goal', 401, 403,      [403, 404], [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/goals/{id}/key-results/{kr}', 'goal', 401, 403,      [403, 404], [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/goals/{id}/checkins',   'goal',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/goals/{id}/checkins',   'goal',    401,  403,        [403, 404], [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/goals/{id}/checkpoints', 'goal',   401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/goals/{id}/checkpoints', 'goal',   401,  403,        [403, 404], [201, 404], [404, 201], 201],
  ['GET',    '/goals',                        null,      303,  200,        200,        200,        200,        200],
  ['GET',    '/goals/new',                    null,      303,  403,        200,        200,        200,        200],
  ['POST',   '/goals',                        'team',    401,  403,        [403, 422], [303, 422], [422, 303], 303],
  ['GET',    '/goals/{id}',                   'goal',    303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/goals/{id}/edit',              'goal',    303,  403,        [403, 404], [200, 404], [404, 200], 200],
  ['POST',   '/goals/{id}',                   'goal',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  ['POST',   '/goals/{id}/checkins',          'goal',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  ['POST',   '/goals/{id}/key-results',       'goal',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  ['POST',   '/goals/{id}/checkpoints',       'goal',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  // tasks (src/tasks): A = a task in 售前咨询组 owned by wangfang (the member), B = one in 仓储物流部; both created by admin
  ['GET',    '/api/v1/tasks',                 null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/tasks',                 'team',    401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/tasks/export.csv',      null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/tasks/import',          null,      401,  403,        200,        200,        200,        200],
  ['GET',    '/api/v1/tasks/responsibility',  'team',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/tasks/bulk',            'task',    401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/tasks/ical-token',      null,      401,  201,        201,        201,        201,        201],
  ['DELETE', '/api/v1/tasks/ical-token',      null,      401,  204,        204,        204,        204,        204],
  ['GET',    '/api/v1/tasks/{id}',            'task',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/tasks/{id}',            'task',    401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/tasks/{id}',            'task',    401,  403,        [403, 404], [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/tasks/{id}/comments',   'task',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/tasks/{id}/comments',   'task',    401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/tasks/{id}/checklist',  'task',    401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/tasks/{id}/checklist',  'task',    401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['PATCH',  '/api/v1/tasks/{id}/checklist/{item}', 'task', 401, 403,      [200, 404], [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/tasks/{id}/checklist/{item}', 'task', 401, 403,      [204, 404], [204, 404], [404, 204], 204],
  ['GET',    '/tasks',                        null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/tasks',                        'team',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['GET',    '/tasks/board',                  null,      303,  200,        200,        200,        200,        200],
  ['GET',    '/tasks/responsibility',         null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/tasks/bulk',                   'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/ical',                   null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/tasks/ical/delete',            null,      401,  303,        303,        303,        303,        303],
  ['GET',    '/ical/{file}',                  null,      404,  404,        404,        404,        404,        404],
  ['GET',    '/tasks/calendar',               null,      303,  200,        200,        200,        200,        200],
  ['GET',    '/tasks/timeline',               null,      303,  200,        200,        200,        200,        200],
  ['GET',    '/tasks/{id}',                   'task',    303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/tasks/{id}',                   'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/{id}/move',              'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/{id}/delete',            'task',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/{id}/comments',          'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/{id}/checklist',         'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/tasks/{id}/checklist/{item}',  'task',    401,  403,        [303, 404], [303, 404], [404, 303], 303],
  // notifications (src/notify): everyone's own, no team target
  ['GET',    '/api/v1/notifications',         null,      401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/notifications/read',    null,      401,  204,        204,        204,        204,        204],
  ['GET',    '/notifications',                null,      303,  200,        200,        200,        200,        200],
  ['POST',   '/notifications/read',           null,      401,  303,        303,        303,        303,        303],
];

let s;
const tokens = {};   // caller → API token
const sessions = {}; // caller → browser session (cached; dropped when a row ends it)
const fx = {};       // fixture ids
let seq = 0;

before(async () => {
  s = await startServer();
  const add = cli(['user', 'add', '--db', s.dbUrl, '--login', 'kfviewer', '--name', '客服观察员', '--role', 'viewer', '--team', '售前咨询组', '--password-stdin'], { input: DEMO_PASSWORD + '\n' });
  assert.equal(add.status, 0, add.stderr);
  const tok = cli(['token', 'create', '--db', s.dbUrl, '--login', 'kfviewer']);
  assert.equal(tok.status, 0, tok.stderr);
  for (const c of CALLERS) tokens[c] = c === 'viewer' ? tok.stdout.trim() : c === 'anon' ? null : s.tokens[LOGIN[c]];
  const teams = (await s.api('admin', 'GET', '/api/v1/teams')).json.items;
  const team = (name) => teams.find((t) => t.name === name);
  fx.team = { A: team('售前咨询组'), B: team('仓储物流部') };
  const users = (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
  fx.user = { A: users.find((u) => u.login === 'liuyang'), B: users.find((u) => u.login === 'zhoujie') };
  fx.owner = { A: users.find((u) => u.login === 'wangfang'), B: users.find((u) => u.login === 'huangmin') };
  fx.task = { A: await freshTask('A'), B: await freshTask('B') };
});
after(async () => { await stopServer(s); });

// ---------- fixtures made fresh for each call that changes or deletes one ----------

async function adminApi(method, path, body, headers) {
  const r = await s.api('admin', method, path, body, headers);
  assert.ok(r.status < 300, `fixture ${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}
const freshTeam = async (T) => adminApi('POST', '/api/v1/teams', { name: `矩阵临时组${++seq}`, parent_id: fx.team[T].id });
const current = async (path) => adminApi('GET', path);
const freshTask = async (T) => adminApi('POST', '/api/v1/tasks', { title: `矩阵任务${++seq}`, team_id: fx.team[T].id, owner_id: fx.owner[T].id });
const freshItem = async (T) => adminApi('POST', `/api/v1/tasks/${fx.task[T].id}/checklist`, { text: `矩阵清单${++seq}` });
const taskForm = (t) => ({ title: t.title, owner_id: String(t.owner_id), status: t.status, priority: t.priority, version: String(t.version) });
// Goals: a team goal of the target team owned by that team's supervisor.
const GOAL_OWNER = { A: 'lina', B: 'zhaolei' };
const goalBody = (T) => ({ level: 'team', team_id: fx.team[T].id, title: `矩阵目标${++seq}`, period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31' });
const goalForm = (T) => ({ level: 'team', team_id: String(fx.team[T].id), title: `矩阵页面目标${++seq}`, period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31', owner_id: '', parent_id: '', description: '' });
const goals = {};
async function goalOf(T) {
  if (!goals[T]) {
    const owner = (await adminApi('GET', '/api/v1/users?limit=200')).items.find((u) => u.login === GOAL_OWNER[T]);
    goals[T] = await adminApi('POST', '/api/v1/goals', { ...goalBody(T), owner_id: owner.id, key_results: [{ metric: '矩阵', unit: '个', target: 10, deadline: '2030-06-30' }] });
  }
  return goals[T];
}
async function tokenOf(caller, T) {
  // A: the caller's own token; B (and for anonymous callers): chenjing's.
  const own = T === 'A' && caller !== 'anon';
  const r = await s.api(own ? tokens[caller] : 'chenjing', 'POST', '/api/v1/tokens', { name: `matrix${++seq}` });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}
async function myVersion(caller) {
  return caller === 'anon' ? 1 : (await s.api(tokens[caller], 'GET', '/api/v1/me')).json.version;
}
async function session(caller) {
  if (caller === 'anon') return null;
  if (!sessions[caller]) {
    sessions[caller] = await s.browserLogin(LOGIN[caller]);
    assert.ok(sessions[caller].cookie, `login of ${LOGIN[caller]}`);
  }
  return sessions[caller];
}

// ---------- how each route is called: (caller, target) → { path, body } ----------

const REQUESTS = {
  'GET /healthz': () => ({ path: '/healthz' }),
  'GET /metrics': () => ({ path: '/metrics' }),
  'GET /api/v1/openapi.json': () => ({ path: '/api/v1/openapi.json' }),
  'GET /assets/{name}': () => ({ path: '/assets/app.css' }),
  'GET /api/v1/teams': () => ({ path: '/api/v1/teams' }),
  'POST /api/v1/teams': (c, T) => ({ path: '/api/v1/teams', body: { name: `矩阵新组${++seq}`, parent_id: fx.team[T].id } }),
  'GET /api/v1/teams/{id}': (c, T) => ({ path: `/api/v1/teams/${fx.team[T].id}` }),
  'PATCH /api/v1/teams/{id}': async (c, T) => {
    const t = await current(`/api/v1/teams/${fx.team[T].id}`);
    return { path: `/api/v1/teams/${t.id}`, body: { name: t.name }, headers: { 'If-Match': `"${t.version}"` } };
  },
  'DELETE /api/v1/teams/{id}': async (c, T) => {
    const t = await freshTeam(T);
    return { path: `/api/v1/teams/${t.id}`, headers: { 'If-Match': '"1"' } };
  },
  'GET /api/v1/users': () => ({ path: '/api/v1/users' }),
  'POST /api/v1/users': (c, T) => ({ path: '/api/v1/users', body: { login: `matrix${++seq}`, name: '矩阵新人', role: 'member', team_id: fx.team[T].id } }),
  'GET /api/v1/users/{id}': (c, T) => ({ path: `/api/v1/users/${fx.user[T].id}` }),
  'PATCH /api/v1/users/{id}': async (c, T) => {
    const u = await current(`/api/v1/users/${fx.user[T].id}`);
    return { path: `/api/v1/users/${u.id}`, body: { name: u.name }, headers: { 'If-Match': `"${u.version}"` } };
  },
  'POST /api/v1/users/{id}/password': (c, T) => ({ path: `/api/v1/users/${fx.user[T].id}/password`, body: { password: 'matrix-password-1' } }),
  'GET /api/v1/me': () => ({ path: '/api/v1/me' }),
  'PATCH /api/v1/me': async (c) => ({ path: '/api/v1/me', body: {}, headers: { 'If-Match': `"${await myVersion(c)}"` } }),
  'POST /api/v1/me/password': () => ({ path: '/api/v1/me/password', body: { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD }, endsSessions: true }),
  'GET /api/v1/tokens': () => ({ path: '/api/v1/tokens' }),
  'POST /api/v1/tokens': () => ({ path: '/api/v1/tokens', body: { name: `matrix${++seq}` } }),
  'DELETE /api/v1/tokens/{id}': async (c, T) => ({ path: `/api/v1/tokens/${await tokenOf(c, T)}` }),
  'GET /api/v1/audit': () => ({ path: '/api/v1/audit?limit=1' }),
  'GET /login': () => ({ path: '/login' }),
  'POST /login': (c) => ({ path: '/login', form: { login: c === 'anon' ? 'kfviewer' : LOGIN[c], password: DEMO_PASSWORD, next: '/' } }),
  'POST /logout': () => ({ path: '/logout', form: {}, freshSession: true }),
  'POST /lang': () => ({ path: '/lang', form: { locale: 'zh-CN', next: '/' } }),
  'GET /': () => ({ path: '/' }),
  'GET /profile': () => ({ path: '/profile' }),
  'POST /profile': async (c) => ({ path: '/profile', form: { name: `矩阵${LOGIN[c] || ''}`, email: '', locale: '', version: String(await myVersion(c)) } }),
  'POST /profile/password': () => ({ path: '/profile/password', form: { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD } }),
  'GET /teams': () => ({ path: '/teams' }),
  'POST /teams': (c, T) => ({ path: '/teams', form: { name: `矩阵页面组${++seq}`, parent_id: String(fx.team[T].id) } }),
  'POST /teams/{id}': async (c, T) => {
    const t = await current(`/api/v1/teams/${fx.team[T].id}`);
    return { path: `/teams/${t.id}`, form: { name: t.name, parent_id: String(t.parent_id), version: String(t.version) } };
  },
  'POST /teams/{id}/delete': async (c, T) => {
    const t = await freshTeam(T);
    return { path: `/teams/${t.id}/delete`, form: { version: '1' } };
  },
  'GET /people': () => ({ path: '/people' }),
  'POST /people': (c, T) => ({ path: '/people', form: { login: `matrixp${++seq}`, name: '矩阵页面新人', role: 'member', team_id: String(fx.team[T].id), email: '', password: '' } }),
  'GET /people/{id}': (c, T) => ({ path: `/people/${fx.user[T].id}` }),
  'POST /people/{id}': async (c, T) => {
    const u = await current(`/api/v1/users/${fx.user[T].id}`);
    return { path: `/people/${u.id}`, form: { name: u.name, email: u.email || '', role: u.role, team_id: String(u.team_id), locale: '', version: String(u.version) } };
  },
  'POST /people/{id}/password': (c, T) => ({ path: `/people/${fx.user[T].id}/password`, form: { password: 'matrix-password-2' } }),
  'GET /tokens': () => ({ path: '/tokens' }),
  'POST /tokens': () => ({ path: '/tokens', form: { name: `matrix${++seq}` } }),
  'POST /tokens/{id}/revoke': async (c, T) => ({ path: `/tokens/${await tokenOf(c, T)}/revoke`, form: {} }),
  'GET /audit': () => ({ path: '/audit' }),
  // goals: a team goal per target team, made by admin (fresh ones for deletes)
  'GET /api/v1/goals': () => ({ path: '/api/v1/goals' }),
  'POST /api/v1/goals': (c, T) => ({ path: '/api/v1/goals', body: goalBody(T) }),
  'GET /api/v1/goals/{id}': async (c, T) => ({ path: `/api/v1/goals/${(await goalOf(T)).id}` }),
  'PATCH /api/v1/goals/{id}': async (c, T) => {
    const g = await current(`/api/v1/goals/${(await goalOf(T)).id}`);
    return { path: `/api/v1/goals/${g.id}`, body: { title: g.title }, headers: { 'If-Match': `"${g.version}"` } };
  },
  'DELETE /api/v1/goals/{id}': async (c, T) => {
    const g = await adminApi('POST', '/api/v1/goals', goalBody(T));
    return { path: `/api/v1/goals/${g.id}`, headers: { 'If-Match': '"1"' } };
  },
  'POST /api/v1/goals/{id}/key-results': async (c, T) => ({ path: `/api/v1/goals/${(await goalOf(T)).id}/key-results`, body: { metric: `矩阵指标${++seq}`, unit: '个', target: 5 } }),
  'PATCH /api/v1/goals/{id}/key-results/{kr}': async (c, T) => {
    const g = await current(`/api/v1/goals/${(await goalOf(T)).id}`);
    const k = g.key_results[0];
    return { path: `/api/v1/goals/${g.id}/key-results/${k.id}`, body: { target: k.target }, headers: { 'If-Match': `"${k.version}"` } };
  },
  'DELETE /api/v1/goals/{id}/key-results/{kr}': async (c, T) => {
    const g = (await goalOf(T)).id;
    const k = await adminApi('POST', `/api/v1/goals/${g}/key-results`, { metric: `矩阵临时指标${++seq}`, unit: '个', target: 5 });
    return { path: `/api/v1/goals/${g}/key-results/${k.id}`, headers: { 'If-Match': '"1"' } };
  },
  'GET /api/v1/goals/{id}/checkins': async (c, T) => ({ path: `/api/v1/goals/${(await goalOf(T)).id}/checkins` }),
  'POST /api/v1/goals/{id}/checkins': async (c, T) => {
    const g = await current(`/api/v1/goals/${(await goalOf(T)).id}`);
    return { path: `/api/v1/goals/${g.id}/checkins`, body: { key_result_id: g.key_results[0].id, value: 3, confidence: 'on_track' } };
  },
  'GET /api/v1/goals/{id}/checkpoints': async (c, T) => ({ path: `/api/v1/goals/${(await goalOf(T)).id}/checkpoints` }),
  'POST /api/v1/goals/{id}/checkpoints': async (c, T) => ({ path: `/api/v1/goals/${(await goalOf(T)).id}/checkpoints`, body: { title: `矩阵检查点${++seq}`, date: '2030-02-01' } }),
  'GET /goals': () => ({ path: '/goals' }),
  'GET /goals/new': () => ({ path: '/goals/new' }),
  'POST /goals': (c, T) => ({ path: '/goals', form: goalForm(T) }),
  'GET /goals/{id}': async (c, T) => ({ path: `/goals/${(await goalOf(T)).id}` }),
  'GET /goals/{id}/edit': async (c, T) => ({ path: `/goals/${(await goalOf(T)).id}/edit` }),
  'POST /goals/{id}': async (c, T) => {
    const g = await current(`/api/v1/goals/${(await goalOf(T)).id}`);
    return { path: `/goals/${g.id}`, form: { ...goalForm(T), title: g.title, version: String(g.version), status: 'active' } };
  },
  'POST /goals/{id}/checkins': async (c, T) => {
    const g = await current(`/api/v1/goals/${(await goalOf(T)).id}`);
    return { path: `/goals/${g.id}/checkins`, form: { key_result_id: String(g.key_results[0].id), value: '4', confidence: 'at_risk', note: '' } };
  },
  'POST /goals/{id}/key-results': async (c, T) => ({ path: `/goals/${(await goalOf(T)).id}/key-results`, form: { metric: `矩阵页面指标${++seq}`, unit: '个', target: '5', kind: 'number', direction: 'increase', weight: '1' } }),
  'POST /goals/{id}/checkpoints': async (c, T) => ({ path: `/goals/${(await goalOf(T)).id}/checkpoints`, form: { title: `矩阵页面检查点${++seq}`, date: '2030-03-01' } }),
  'GET /api/v1/tasks': () => ({ path: '/api/v1/tasks' }),
  'POST /api/v1/tasks': (c, T) => ({ path: '/api/v1/tasks', body: { title: `矩阵新任务${++seq}`, team_id: fx.team[T].id, owner_id: fx.owner[T].id } }),
  'GET /api/v1/tasks/export.csv': () => ({ path: '/api/v1/tasks/export.csv' }),
  'POST /api/v1/tasks/import': (c) => ({ path: '/api/v1/tasks/import', body: `title,owner\n矩阵导入${++seq},${c === 'admin' || c === 'anon' || c === 'viewer' ? 'wangfang' : LOGIN[c]}\n`, headers: { 'Content-Type': 'text/csv' } }),
  'GET /api/v1/tasks/responsibility': (c, T) => ({ path: `/api/v1/tasks/responsibility?team_id=${fx.team[T].id}` }),
  'POST /api/v1/tasks/ical-token': () => ({ path: '/api/v1/tasks/ical-token' }),
  'DELETE /api/v1/tasks/ical-token': () => ({ path: '/api/v1/tasks/ical-token' }),
  'POST /api/v1/tasks/bulk': async (c, T) => ({ path: '/api/v1/tasks/bulk', body: { ids: [(await freshTask(T)).id], action: 'due', due_at: '2031-01-02T01:00:00Z' } }),
  'GET /api/v1/tasks/{id}': (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}` }),
  'PATCH /api/v1/tasks/{id}': async (c, T) => {
    const t = await current(`/api/v1/tasks/${fx.task[T].id}`);
    return { path: `/api/v1/tasks/${t.id}`, body: { title: t.title }, headers: { 'If-Match': `"${t.version}"` } };
  },
  'DELETE /api/v1/tasks/{id}': async (c, T) => ({ path: `/api/v1/tasks/${(await freshTask(T)).id}`, headers: { 'If-Match': '"1"' } }),
  'GET /api/v1/tasks/{id}/comments': (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/comments` }),
  'POST /api/v1/tasks/{id}/comments': (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/comments`, body: { body: '矩阵评论' } }),
  'GET /api/v1/tasks/{id}/checklist': (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/checklist` }),
  'POST /api/v1/tasks/{id}/checklist': (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/checklist`, body: { text: '矩阵清单' } }),
  'PATCH /api/v1/tasks/{id}/checklist/{item}': async (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/checklist/${(await freshItem(T)).id}`, body: { done: true } }),
  'DELETE /api/v1/tasks/{id}/checklist/{item}': async (c, T) => ({ path: `/api/v1/tasks/${fx.task[T].id}/checklist/${(await freshItem(T)).id}` }),
  'GET /tasks': () => ({ path: '/tasks' }),
  'POST /tasks': (c, T) => ({ path: '/tasks', form: { title: `矩阵页面任务${++seq}`, team_id: String(fx.team[T].id), owner_id: String(fx.owner[T].id), status: 'todo', priority: 'normal' } }),
  'GET /tasks/board': () => ({ path: '/tasks/board' }),
  'GET /tasks/responsibility': () => ({ path: '/tasks/responsibility' }),
  'POST /tasks/ical': () => ({ path: '/tasks/ical', form: {} }),
  'POST /tasks/ical/delete': () => ({ path: '/tasks/ical/delete', form: {} }),
  'GET /ical/{file}': () => ({ path: `/ical/ics_${'0'.repeat(64)}.ics` }),
  'POST /tasks/bulk': async (c, T) => ({ path: '/tasks/bulk', form: { ids: String((await freshTask(T)).id), action: 'due', due_at: '2031-01-02T09:00' } }),
  'GET /tasks/calendar': () => ({ path: '/tasks/calendar?view=team' }),
  'GET /tasks/timeline': () => ({ path: '/tasks/timeline?view=team' }),
  'GET /tasks/{id}': (c, T) => ({ path: `/tasks/${fx.task[T].id}` }),
  'POST /tasks/{id}': async (c, T) => ({ path: `/tasks/${fx.task[T].id}`, form: taskForm(await current(`/api/v1/tasks/${fx.task[T].id}`)) }),
  'POST /tasks/{id}/move': async (c, T) => {
    const t = await current(`/api/v1/tasks/${fx.task[T].id}`);
    return { path: `/tasks/${t.id}/move`, form: { status: t.status === 'todo' ? 'in_progress' : 'todo', version: String(t.version) } };
  },
  'POST /tasks/{id}/delete': async (c, T) => ({ path: `/tasks/${(await freshTask(T)).id}/delete`, form: { version: '1' } }),
  'POST /tasks/{id}/comments': (c, T) => ({ path: `/tasks/${fx.task[T].id}/comments`, form: { body: '矩阵页面评论' } }),
  'POST /tasks/{id}/checklist': (c, T) => ({ path: `/tasks/${fx.task[T].id}/checklist`, form: { text: '矩阵页面清单' } }),
  'POST /tasks/{id}/checklist/{item}': async (c, T) => ({ path: `/tasks/${fx.task[T].id}/checklist/${(await freshItem(T)).id}`, form: { done: '1' } }),
  'GET /api/v1/notifications': () => ({ path: '/api/v1/notifications' }),
  'POST /api/v1/notifications/read': () => ({ path: '/api/v1/notifications/read', body: { all: true } }),
  'GET /notifications': () => ({ path: '/notifications' }),
  'POST /notifications/read': () => ({ path: '/notifications/read', form: { all: '1' } }),
};

// Modules keep their rows and request builders in tests/api/access/<module>.mjs:
//   export const rows = [ [method, pattern, target, anon, viewer, member, sup, othersup, admin], … ];
//   export function requests(ctx) { return { 'GET /x/{id}': async (caller, T) => ({ path, body|form, headers }) }; }
// ctx gives the fixtures above: ctx.server() (the running server), ctx.fx
// (teams/users/owners A and B), ctx.adminApi(method, path, body), ctx.current(path),
// ctx.freshTask(T), ctx.seq() (a fresh number for unique names).
const ACCESS_DIR = new URL('./access/', import.meta.url);
const ctx = { server: () => s, fx, adminApi, current, freshTask, seq: () => ++seq };
for (const name of existsSync(ACCESS_DIR) ? readdirSync(ACCESS_DIR).filter((f) => f.endsWith('.mjs')).sort() : []) {
  const mod = await import(new URL(name, ACCESS_DIR));
  MATRIX.push(...mod.rows);
  for (const [k, fn] of Object.entries(mod.requests(ctx))) {
    assert.ok(!REQUESTS[k], `${name}: ${k} is built twice`);
    REQUESTS[k] = fn;
  }
}

const isApi = (pattern) => pattern.startsWith('/api/') || pattern === '/healthz' || pattern === '/metrics';

async function call(method, pattern, caller, T) {
  const rq = await REQUESTS[`${method} ${pattern}`](caller, T);
  if (isApi(pattern) || pattern.startsWith('/assets/')) {
    const r = await s.api(tokens[caller], method, rq.path, rq.body, rq.headers || {});
    if (rq.endsSessions) delete sessions[caller];
    return r;
  }
  let sess = await session(caller);
  if (rq.freshSession && sess) sess = await s.browserLogin(LOGIN[caller]);
  if (method === 'GET') return s.page(sess, rq.path);
  return s.form(sess, rq.path, rq.form);
}

describe('access matrix', () => {
  it('lists every route of `opsdesk routes`, and only those', () => {
    const served = listRoutes().map((r) => `${r.method} ${r.pattern}`).sort();
    const table = MATRIX.map(([m, p]) => `${m} ${p}`).sort();
    const missing = served.filter((k) => !table.includes(k));
    const stale = table.filter((k) => !served.includes(k));
    assert.deepEqual(missing, [], `routes missing from the access matrix: ${missing.join(', ')}`);
    assert.deepEqual(stale, [], `matrix rows for routes that do not exist: ${stale.join(', ')}`);
    assert.equal(new Set(table).size, table.length, 'each route once');
    for (const k of table) assert.ok(REQUESTS[k], `no request builder for ${k}`);
  });

  for (const [method, pattern, target, ...cells] of MATRIX) {
    it(`${method} ${pattern}`, async () => {
      const failures = [];
      for (const [i, caller] of CALLERS.entries()) {
        const cell = cells[i];
        for (const T of target ? ['A', 'B'] : ['A']) {
          const want = Array.isArray(cell) ? cell[T === 'A' ? 0 : 1] : cell;
          const r = await call(method, pattern, caller, T);
          const where = `${caller}${target ? ` on ${T}` : ''}`;
          if (r.status !== want) {
            failures.push(`${where}: expected ${want}, got ${r.status} ${r.text.slice(0, 160).replace(/\s+/g, ' ')}`);
            continue;
          }
          const ct = r.headers.get('content-type') || '';
          if (isApi(pattern) && want >= 400 && !ct.startsWith('application/problem+json')) failures.push(`${where}: ${want} is not problem+json (${ct})`);
          if (!isApi(pattern) && !pattern.startsWith('/assets/') && want >= 400 && !ct.startsWith('text/html')) failures.push(`${where}: a page error is not HTML (${ct})`);
          if (want === 303 && method === 'GET' && caller === 'anon' && !/^\/login\?next=/.test(r.headers.get('location') || ''))
            failures.push(`${where}: anonymous GET should redirect to /login?next=…, got ${r.headers.get('location')}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});
