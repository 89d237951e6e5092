// Jobs: an enqueue with a dedupe key happens once, a failing job is retried
// with backoff and then done, a job of an unknown kind is not lost, and with
// two servers (their runner threads) plus two `jobs run-once` processes on
// one database every job is claimed once and completed once.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, freshDatabase, cli, cliAsync, sleep, DB_KIND } from './harness.mjs';

function status(dbUrl, kind = 'noop') {
  const r = cli(['jobs', 'status', '--db', dbUrl, '--kind', kind]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
function enqueue(dbUrl, ...args) {
  const r = cli(['jobs', 'enqueue', '--db', dbUrl, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
function runOnce(dbUrl, ...args) {
  const r = cli(['jobs', 'run-once', '--db', dbUrl, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.match(/(\d+) job/)[1]);
}

const servers = [];
after(async () => { for (const s of servers) await stopServer(s); });

describe('jobs', () => {
  it('a dedupe key enqueues a job once', () => {
    const db = freshDatabase();
    assert.equal(cli(['migrate', '--db', db]).status, 0);
    assert.match(enqueue(db, '--kind', 'noop', '--key', 'once'), /^1 job\(s\) enqueued, 0 already/);
    assert.match(enqueue(db, '--kind', 'noop', '--key', 'once'), /^0 job\(s\) enqueued, 1 already/);
    runOnce(db);
    assert.equal(runOnce(db), 0, 'nothing left to run');
    assert.match(enqueue(db, '--kind', 'noop', '--key', 'once'), /^0 job\(s\) enqueued/, 'a done job still dedupes');
    const st = status(db);
    assert.equal(st.done, 1);
    assert.equal(st.runs, 1);
  });

  it('a job not yet due waits; a failing job is retried with backoff, then done', () => {
    const db = freshDatabase();
    assert.equal(cli(['migrate', '--db', db]).status, 0);
    enqueue(db, '--kind', 'noop', '--at', '2099-01-01T00:00:00Z');
    runOnce(db);
    assert.equal(status(db).done, 0, 'not due yet');
    enqueue(db, '--kind', 'noop', '--payload', '{"fail_attempts":2}');
    runOnce(db);
    let st = status(db);
    assert.deepEqual([st.pending, st.done, st.with_error, st.attempts], [2, 0, 1, 1]);
    runOnce(db);
    assert.equal(status(db).attempts, 1, 'the retry waits for its backoff');
    const soon = new Date(Date.now() + 15_000).toISOString();
    runOnce(db, '--now', soon);
    assert.equal(status(db).attempts, 2, 'second attempt after 10 s');
    runOnce(db, '--now', soon);
    assert.equal(status(db).attempts, 2, 'third attempt waits 20 s more');
    runOnce(db, '--now', new Date(Date.now() + 60_000).toISOString());
    st = status(db);
    assert.deepEqual([st.pending, st.done, st.with_error, st.attempts], [1, 1, 0, 3]);
  });

  it('a job of an unknown kind stays pending with its error (not lost, not done)', () => {
    const db = freshDatabase();
    assert.equal(cli(['migrate', '--db', db]).status, 0);
    enqueue(db, '--kind', 'no.such.kind');
    runOnce(db);
    const st = status(db, 'no.such.kind');
    assert.deepEqual([st.pending, st.done, st.with_error], [1, 0, 1]);
  });

  it('two servers and two run-once processes on one database: every job done exactly once', async () => {
    const N = DB_KIND === 'pg' ? 400 : 150;
    const a = await startServer({ extraArgs: ['--jobs-poll-ms', '50'] });
    servers.push(a);
    const b = await startServer({ dbUrl: a.dbUrl, demo: false, extraArgs: ['--jobs-poll-ms', '50'] });
    servers.push(b);
    enqueue(a.dbUrl, '--kind', 'noop', '--key', 'race', '--count', String(N), '--payload', '{"sleep_ms":2}');
    const racers = [cliAsync(['jobs', 'run-once', '--db', a.dbUrl, '--worker', 'cli-1']),
      cliAsync(['jobs', 'run-once', '--db', a.dbUrl, '--worker', 'cli-2'])];
    let st;
    for (let i = 0; i < 600; i++) {
      st = status(a.dbUrl);
      if (st.done === N) break;
      await sleep(100);
    }
    for (const r of await Promise.all(racers)) assert.equal(r.status, 0, r.stderr);
    assert.equal(st.done, N, JSON.stringify(st));
    assert.equal(st.runs, N, 'one completion per job');
    assert.equal(st.attempts, N, 'no job was claimed twice');
    assert.equal(st.with_error, 0);
    if (DB_KIND === 'pg') assert.ok(st.workers >= 2, `work was shared: ${JSON.stringify(st)}`);
  });
});
