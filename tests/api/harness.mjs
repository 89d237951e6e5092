// Test harness: starts a real `opsdesk serve` on a fresh database (SQLite file
// or a new PostgreSQL database in the throwaway test cluster), with the demo
// team loaded and an API token per demo person, on an ephemeral loopback port.
//
// Environment:
//   OPSDESK_BIN      the binary under test (default build-san/opsdesk)
//   OPSDESK_TEST_DB  "sqlite" (default) or "pg"
//   OPSDESK_TEST_PG  admin conninfo of the test cluster (scripts/pg-test-cluster start)
//
// Every JSON response that server.api() receives from a route documented in
// web/openapi.json is validated against the document (validateResponse): a
// response that does not match, or a status the document does not list,
// throws an AssertionError in the test that made the call.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AssertionError } from 'node:assert';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = resolve(ROOT, process.env.OPSDESK_BIN || 'build-san/opsdesk');
export const DB_KIND = process.env.OPSDESK_TEST_DB || 'sqlite';
export const DEMO_PASSWORD = 'opsdesk-demo';

// Demo people used by the tests (see src/demo.c): login → role, team.
export const PEOPLE = {
  admin: { role: 'admin', team: null },
  zhangwei: { role: 'supervisor', team: '运营中心' },
  lina: { role: 'supervisor', team: '客服部' },
  wangfang: { role: 'member', team: '售前咨询组' },
  chenjing: { role: 'member', team: '售后服务组' },
  zhaolei: { role: 'supervisor', team: '仓储物流部' },
  huangmin: { role: 'member', team: '仓储物流部' },
  qianhao: { role: 'viewer', team: '运营中心' },
};

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Runs the CLI synchronously; returns { status, stdout, stderr }.
export function cli(args, { input, env } = {}) {
  try {
    const stdout = execFileSync(BIN, args, {
      input, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env }, encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// Runs the CLI without blocking the event loop (so requests can run at the
// same time); resolves to { status, stdout, stderr }.
export function cliAsync(args, { input, env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(BIN, args, {
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code, sig) => resolvePromise({ status: code ?? (sig ? 128 : 1), stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

// Every route the binary serves, from `opsdesk routes`: [{ method, pattern, access, module }].
export function listRoutes() {
  const r = cli(['routes']);
  if (r.status !== 0) throw new Error('opsdesk routes failed: ' + r.stderr);
  return r.stdout.trim().split('\n').map((line) => {
    const [method, pattern, access, module] = line.trim().split(/\s+/);
    return { method, pattern, access, module };
  });
}

// ---------- OpenAPI document and response validation ----------

export const OPENAPI_FILE = join(ROOT, 'web/openapi.json');
let openapi = null, ajv = null;
const validators = new Map();

// The OpenAPI document: web/openapi.json with each module's
// web/openapi/<module>.json merged in ("paths" and every "components"
// section), parsed once — the same merge src/web/web_system.c serves.
export function openapiDocument() {
  if (openapi) return openapi;
  const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
  const dir = join(ROOT, 'web/openapi');
  const merge = (into, from, what, file) => {
    for (const [k, v] of Object.entries(from || {})) {
      if (k in into) throw new Error(`${file} defines ${what} ${k} a second time`);
      into[k] = v;
    }
  };
  for (const name of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : []) {
    const frag = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    merge(doc.paths, frag.paths, 'path', name);
    for (const [section, items] of Object.entries(frag.components || {})) {
      doc.components[section] ??= {};
      merge(doc.components[section], items, section, name);
    }
  }
  openapi = doc;
  return openapi;
}

function schemaRegistry() {
  if (!ajv) {
    // strict: false because the document holds OpenAPI keywords around its schemas.
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(openapiDocument(), 'openapi.json');
  }
  return ajv;
}

const pointerSegment = (s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'));

// Follows a local $ref ('#/components/…'); returns [object, JSON pointer].
function deref(obj, pointer) {
  for (let i = 0; obj && obj.$ref && i < 10; i++) {
    if (!obj.$ref.startsWith('#/')) throw new Error('only local $ref is supported: ' + obj.$ref);
    pointer = obj.$ref.slice(1);
    obj = obj.$ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, k) => (o ? o[k] : undefined), openapiDocument());
  }
  return [obj, pointer];
}

function validatorAt(pointer) {
  let v = validators.get(pointer);
  if (!v) {
    v = schemaRegistry().getSchema('openapi.json#' + pointer);
    if (!v) throw new Error('no schema at ' + pointer);
    validators.set(pointer, v);
  }
  return v;
}

function fail(message) { throw new AssertionError({ message, stackStartFn: fail }); }

function checkSchema(pointer, json, what) {
  const v = validatorAt(pointer);
  if (!v(json)) {
    const errs = v.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
    fail(`${what}: response does not match the OpenAPI schema: ${errs.join('; ')}\n${JSON.stringify(json).slice(0, 600)}`);
  }
}

// The documented path pattern matching a concrete path ('/api/v1/teams/3' → '/api/v1/teams/{id}'), or null.
export function documentedPattern(path) {
  const clean = path.split('?')[0];
  for (const pattern of Object.keys(openapiDocument().paths)) {
    const re = new RegExp('^' + pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(clean)) return pattern;
  }
  return null;
}

// Checks a response against the document: the status must be listed for the
// operation, the body must match the schema of the response's media type, and
// (when headers, a fetch Headers, are given) the content type must be one the
// document lists and every required response header present. Throws an
// AssertionError naming what differs.
export function validateResponse(method, pattern, status, json, headers) {
  const doc = openapiDocument();
  const what = `${method} ${pattern} → ${status}`;
  const pathItem = doc.paths[pattern];
  if (!pathItem) fail(`${what}: the path is not in the OpenAPI document`);
  const op = pathItem[method.toLowerCase()];
  if (!op) fail(`${what}: the method is not in the OpenAPI document`);
  const esc = ['', 'paths', pattern, method.toLowerCase(), 'responses'].map(pointerSegment).join('/');
  let key = String(status);
  if (!op.responses[key]) key = `${String(status)[0]}XX`;
  if (!op.responses[key]) key = 'default';
  if (!op.responses[key]) fail(`${what}: status ${status} is not documented for this operation`);
  const [res, resPointer] = deref(op.responses[key], `${esc}/${pointerSegment(key)}`);
  if (headers) {
    for (const [name, h] of Object.entries(res.headers || {})) {
      const [hdr] = deref(h, null);
      if (hdr.required && headers.get(name) === null) fail(`${what}: the documented header ${name} is missing`);
    }
  }
  const content = res.content || {};
  const types = Object.keys(content);
  if (!types.length) {
    if (json !== null && json !== undefined) fail(`${what}: the document says no body, got ${JSON.stringify(json).slice(0, 200)}`);
    return;
  }
  let type = types[0];
  if (headers) {
    const got = (headers.get('content-type') || '').split(';')[0].trim();
    if (!content[got]) fail(`${what}: content type ${got || '(none)'} is not documented (${types.join(', ')})`);
    type = got;
  }
  if (!/json/.test(type)) return;
  if (json === null || json === undefined) fail(`${what}: expected a ${type} body`);
  checkSchema(`${resPointer}/content/${pointerSegment(type)}/schema`, json, what);
}

// Checks any problem+json body against components/schemas/Problem.
export function validateProblem(json, what = 'problem') {
  checkSchema('/components/schemas/Problem', json, what);
}

// What server.api() calls on every response: documented operations are
// validated in full; other problem+json bodies against Problem.
function autoValidate(method, path, res, json) {
  if (method === 'HEAD' || method === 'OPTIONS') return;
  const pattern = documentedPattern(path);
  const op = pattern && openapiDocument().paths[pattern][method.toLowerCase()];
  if (op) return validateResponse(method, pattern, res.status, json, res.headers);
  if ((res.headers.get('content-type') || '').startsWith('application/problem+json'))
    validateProblem(json, `${method} ${path} → ${res.status}`);
}

// ---------- assertions shared by the suites ----------

// Asserts an RFC 9457 problem+json response with this status whose errors[]
// names field (when given). Returns the parsed problem.
export function assertProblem(res, status, field) {
  if (res.status !== status) fail(`expected ${status}, got ${res.status}: ${res.text.slice(0, 400)}`);
  const ct = res.headers.get('content-type') || '';
  if (!ct.startsWith('application/problem+json')) fail(`expected application/problem+json, got ${ct}: ${res.text.slice(0, 200)}`);
  validateProblem(res.json, `problem ${status}`);
  if (res.json.status !== status) fail(`problem status ${res.json.status} ≠ ${status}`);
  if (field !== undefined && !res.json.errors.some((e) => e.field === field))
    fail(`expected an error naming "${field}", got ${JSON.stringify(res.json.errors)}`);
  return res.json;
}

// The ETag of a response as the version number it names ('"3"' → 3).
export function etagVersion(res) {
  const tag = res.headers.get('etag');
  if (!tag || !/^"\d+"$/.test(tag)) fail(`expected a strong ETag "N", got ${tag}`);
  return Number(tag.slice(1, -1));
}

// Id of the newest audit row (0 when none): compare before and after a
// refused request to prove that nothing was written.
export async function auditHead(server) {
  const r = await server.api(server.tokens.admin, 'GET', '/api/v1/audit?limit=1');
  if (r.status !== 200) fail('cannot read the audit log: ' + r.status);
  return r.json.items.length ? r.json.items[0].id : 0;
}

// Stops a server and fails unless it exited cleanly: under ASan/UBSan a
// memory error or a leak found at exit makes the exit status non-zero.
export async function stopServer(server) {
  if (!server) return;
  const exit = await server.stop();
  if (!exit || exit.code !== 0) fail(`the server did not exit cleanly (${JSON.stringify(exit)}):\n${server.log().slice(-4000)}`);
}

// A new empty database URL of the kind under test.
export function freshDatabase() {
  if (DB_KIND === 'pg') {
    const admin = process.env.OPSDESK_TEST_PG;
    if (!admin) throw new Error('OPSDESK_TEST_PG is not set (scripts/pg-test-cluster start)');
    const name = 't_' + randomBytes(6).toString('hex');
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    return admin.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-test-'));
  return `sqlite:${join(dir, 'opsdesk.db')}`;
}

// Starts a server on dbUrl (a fresh demo database when omitted).
// Returns { url, dbUrl, tokens, stop(), api(), ... }.
export async function startServer({ dbUrl, demo = true, threads = 4, extraArgs = [] } = {}) {
  dbUrl = dbUrl || freshDatabase();
  if (demo) {
    const r = cli(['demo', '--db', dbUrl]);
    if (r.status !== 0 && !/already has people/.test(r.stderr)) throw new Error('demo failed: ' + r.stderr);
  } else {
    const r = cli(['migrate', '--db', dbUrl]);
    if (r.status !== 0) throw new Error('migrate failed: ' + r.stderr);
  }
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-srv-'));
  const portFile = join(dir, 'port');
  const proc = spawn(BIN, ['serve', '--db', dbUrl, '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--threads', String(threads), ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' },
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let exited = null;
  proc.on('exit', (code, sig) => { exited = { code, sig }; });
  for (let i = 0; i < 300 && !existsSync(portFile); i++) {
    if (exited) throw new Error(`server exited (${JSON.stringify(exited)}): ${log}`);
    await sleep(20);
  }
  let port = 0;
  for (let i = 0; i < 50 && !port; i++) { port = parseInt(readFileSync(portFile, 'utf8'), 10) || 0; if (!port) await sleep(20); }
  if (!port) throw new Error('server did not write its port: ' + log);
  const url = `http://127.0.0.1:${port}`;
  const tokens = {};
  if (demo) {
    for (const login of Object.keys(PEOPLE)) {
      const r = cli(['token', 'create', '--db', dbUrl, '--login', login, '--name', 'test']);
      if (r.status !== 0) throw new Error('token create failed: ' + r.stderr);
      tokens[login] = r.stdout.trim();
    }
  }
  const server = {
    url, dbUrl, tokens, proc,
    log: () => log,
    alive: () => exited === null,
    async stop() {
      if (exited) return exited;
      proc.kill('SIGTERM');
      for (let i = 0; i < 500 && !exited; i++) await sleep(10);
      if (!exited) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      return exited;
    },
    // JSON API call as `who` (a demo login, a raw token, or null for anonymous).
    async api(who, method, path, body, headers = {}) {
      const h = { ...headers };
      const token = who ? (tokens[who] || who) : null;
      if (token) h.Authorization = `Bearer ${token}`;
      let payload;
      if (body !== undefined) {
        payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        if (!h['Content-Type']) h['Content-Type'] = 'application/json';
      }
      const res = await fetch(url + path, { method, headers: h, body: payload, redirect: 'manual' });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      if (server.validate) autoValidate(method, path, res, json);
      return { status: res.status, headers: res.headers, text, json };
    },
    // Validate every api() response against web/openapi.json (see autoValidate).
    validate: true,
    // A call authenticated by a browserLogin() session: cookie, X-CSRF-Token
    // and a same-site Origin (each can be left out to test the refusal).
    async sessionApi(session, method, path, body, { csrf = true, origin = true, headers = {} } = {}) {
      const h = { Cookie: session.cookie, ...headers };
      if (csrf && session.csrf) h['X-CSRF-Token'] = session.csrf;
      if (origin) h.Origin = url;
      return server.api(null, method, path, body, h);
    },
    // A form POST to a page as a browser would send it (urlencoded, Origin,
    // the _csrf field when the session has one). Returns { status, headers, text }.
    async form(session, path, fields = {}, { csrf = true, origin = url, headers = {} } = {}) {
      const h = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
      if (session && session.cookie) h.Cookie = session.cookie;
      if (origin) h.Origin = origin;
      const f = { ...fields };
      if (csrf && session && session.csrf) f._csrf = session.csrf;
      const res = await fetch(url + path, { method: 'POST', headers: h, body: new URLSearchParams(f).toString(), redirect: 'manual' });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    // A GET of a page with an optional session; returns { status, headers, text }.
    async page(session, path, headers = {}) {
      const h = { ...headers };
      if (session && session.cookie) h.Cookie = session.cookie;
      const res = await fetch(url + path, { headers: h, redirect: 'manual' });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    // Logs in through the HTML form like a browser; returns a cookie session.
    async browserLogin(login, password = DEMO_PASSWORD) {
      const res = await fetch(url + '/login', {
        method: 'POST', redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
        body: new URLSearchParams({ login, password, next: '/' }).toString(),
      });
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('opsdesk_session='));
      if (res.status !== 303 || !setCookie) return { status: res.status, cookie: null, csrf: null };
      const cookie = setCookie.split(';')[0];
      const home = await fetch(url + '/', { headers: { Cookie: cookie } });
      const html = await home.text();
      const m = html.match(/data-csrf="([0-9a-f]+)"/);
      return { status: res.status, cookie, csrf: m ? m[1] : null };
    },
  };
  return server;
}
