// Test harness: starts a real `opsdesk serve` on a fresh database (SQLite file
// or a new PostgreSQL database in the throwaway test cluster), with the demo
// team loaded and an API token per demo person, on an ephemeral loopback port.
//
// Environment:
//   OPSDESK_BIN      the binary under test (default build-san/opsdesk)
//   OPSDESK_TEST_DB  "sqlite" (default) or "pg"
//   OPSDESK_TEST_PG  admin conninfo of the test cluster (scripts/pg-test-cluster start)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

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

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

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
      return { status: res.status, headers: res.headers, text, json };
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
