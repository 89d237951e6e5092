// The command line: --version, --help of every command, errors as one line
// on stderr with a non-zero exit, user and token management against a
// running server's database, and `backup` while the server keeps writing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, cli, cliAsync, freshDatabase, DB_KIND, DEMO_PASSWORD, stopServer } from './harness.mjs';

let s, tmp;
before(async () => {
  s = await startServer();
  tmp = mkdtempSync(join(tmpdir(), 'opsdesk-cli-'));
});
after(async () => {
  await stopServer(s);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const db = () => ['--db', s.dbUrl];
// A failure: non-zero exit, nothing on stdout, exactly one non-empty line on stderr.
function oneLineError(r, pattern) {
  assert.notEqual(r.status, 0, `expected a failure, got exit 0: ${r.stdout}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.equal(r.stdout.trim(), '', 'nothing on stdout');
  if (pattern) assert.match(lines[0], pattern);
  return lines[0];
}
const userList = () => { const r = cli(['user', 'list', ...db()]); assert.equal(r.status, 0, r.stderr); return r.stdout; };

describe('--version and --help', () => {
  it('prints the version', () => {
    const r = cli(['--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout.trim(), /^opsdesk \d+\.\d+\.\d+/);
  });

  it('gives --help for every command it lists, without touching a database', () => {
    const top = cli(['--help']);
    assert.equal(top.status, 0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+)\s{2,}/gm)].map((m) => m[1]);
    for (const c of ['serve', 'init', 'migrate', 'demo', 'user', 'token', 'backup', 'routes']) assert.ok(commands.includes(c), `--help lists ${c}`);
    const nowhere = `sqlite:${join(tmp, 'never', 'created.db')}`;
    const invocations = [
      ...commands.filter((c) => c !== 'routes').map((c) => [c, '--help']),
      ['user', 'add', '--help'], ['user', 'passwd', '--help'], ['user', 'list', '--help'], ['user', 'disable', '--help'],
      ['token', 'create', '--help'], ['token', 'revoke', '--help'],
    ];
    for (const args of invocations) {
      const r = cli([...args, '--db', nowhere]);
      assert.equal(r.status, 0, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
      assert.ok(r.stdout.trim().length > 0, `${args.join(' ')} prints help`);
      assert.equal(r.stderr, '');
    }
    assert.ok(!existsSync(join(tmp, 'never')), '--help opened no database');
    const routes = cli(['routes']);
    assert.equal(routes.status, 0);
    assert.match(routes.stdout, /^GET\s+\/healthz\s+public/m);
  });
});

describe('usage errors', () => {
  it('answers an unknown command or flag with one line on stderr and a non-zero exit', () => {
    oneLineError(cli(['frobnicate']), /frobnicate/);
    oneLineError(cli(['serve', '--bogus', ...db()]), /--bogus/);
    oneLineError(cli(['migrate', '--bogus', ...db()]), /--bogus/);
    oneLineError(cli(['demo', '--bogus', ...db()]), /--bogus/);
    oneLineError(cli(['user', 'add', '--login', 'x1', '--bogus', ...db()]), /--bogus/);
    oneLineError(cli(['user', 'frob', ...db()]), /subcommand/);
    oneLineError(cli(['token', 'create', '--login', 'admin', '--bogus', ...db()]), /--bogus/);
    oneLineError(cli(['token', 'frob', ...db()]), /subcommand/);
    oneLineError(cli(['backup', '--bogus', join(tmp, 'b.db'), ...db()]), /--bogus/);
    oneLineError(cli(['serve', '--threads', '0', ...db()]), /--threads/);
    oneLineError(cli(['serve', '--listen', 'nowhere', ...db()]), /--listen/);
    oneLineError(cli(['token', 'revoke', '--id', 'abc', ...db()]), /--id/);
    oneLineError(cli(['user', 'add', ...db()]), /--login/);
    oneLineError(cli(['user', 'passwd', '--login', 'lina', ...db()]), /--password-stdin/);
  });

  it('explains a database it cannot use in one line', () => {
    oneLineError(cli(['user', 'list', '--db', 'mysql://somewhere/x']), /mysql/);
    oneLineError(cli(['user', 'list', '--db', `sqlite:${join(tmp, 'no', 'such', 'dir', 'x.db')}`]));
    oneLineError(cli(['user', 'list', '--db', 'postgresql://127.0.0.1:1/nothing?connect_timeout=2']), /PostgreSQL/i);
    const empty = freshDatabase();
    oneLineError(cli(['serve', '--db', empty, '--listen', '127.0.0.1:0']), /migrate/);
    oneLineError(cli(['demo', ...db()]), /people/);
  });

  it('migrates a new database once', () => {
    const fresh = freshDatabase();
    const first = cli(['init', '--db', fresh]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /[1-9]\d* migration\(s\) applied/);
    const again = cli(['migrate', '--db', fresh]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^migrate: 0 migration\(s\) applied/);
  });
});

describe('people', () => {
  it('adds a person with --password-stdin who can then log in', async () => {
    const r = cli(['user', 'add', ...db(), '--login', 'zhoumin', '--name', '周敏', '--role', 'member', '--team', '售后服务组', '--password-stdin'], { input: 'a-good-password-7\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /zhoumin/);
    assert.match(userList(), /zhoumin\s+周敏\s+member\s+售后服务组\s+active/);
    const session = await s.browserLogin('zhoumin', 'a-good-password-7');
    assert.equal(session.status, 303);
    const me = await s.sessionApi(session, 'GET', '/api/v1/me');
    assert.equal(me.json.name, '周敏');
    assert.equal(me.json.team_name, '售后服务组');
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=user&entity_id=${me.json.id}`);
    assert.equal(audit.json.items[0].user_id, null, 'audited as the command line');
  });

  it('refuses bad input in one clear line, creating nobody', () => {
    oneLineError(cli(['user', 'add', ...db(), '--login', 'bossman', '--role', 'boss', '--team', '客服部']), /^opsdesk user add: role: .+/);
    oneLineError(cli(['user', 'add', ...db(), '--login', 'lostsoul', '--team', '没有这个组']), /^opsdesk user add: team: .*没有这个组/);
    oneLineError(cli(['user', 'add', ...db(), '--login', 'wangfang', '--team', '客服部']), /^opsdesk user add: login: .+/);
    oneLineError(cli(['user', 'add', ...db(), '--login', 'Bad Login', '--team', '客服部']), /^opsdesk user add: login: .+/);
    oneLineError(cli(['user', 'add', ...db(), '--login', 'shortpw', '--team', '客服部', '--password-stdin'], { input: 'short\n' }), /^opsdesk user add: password: .+/);
    oneLineError(cli(['user', 'add', ...db(), '--login', 'nopw', '--team', '客服部', '--password-stdin'], { input: '' }), /password/);
    const list = userList();
    for (const login of ['bossman', 'lostsoul', 'bad login', 'shortpw', 'nopw']) assert.ok(!list.includes(login), login);
  });

  it('changes a password from stdin, ending the person\'s sessions', async () => {
    const session = await s.browserLogin('sunli');
    const r = cli(['user', 'passwd', ...db(), '--login', 'sunli', '--password-stdin'], { input: 'changed-by-cli-1\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await s.sessionApi(session, 'GET', '/api/v1/me')).status, 401);
    assert.equal((await s.browserLogin('sunli', 'changed-by-cli-1')).status, 303);
    oneLineError(cli(['user', 'passwd', ...db(), '--login', 'nobody', '--password-stdin'], { input: 'whatever-123\n' }), /nobody/);
  });

  it('disables a person: their token and login stop working', async () => {
    const token = cli(['token', 'create', ...db(), '--login', 'xuqiang']).stdout.trim();
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 200);
    const r = cli(['user', 'disable', ...db(), '--login', 'xuqiang']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 401);
    assert.equal((await s.browserLogin('xuqiang')).status, 401);
    assert.match(userList(), /xuqiang\s+.*disabled/);
    oneLineError(cli(['user', 'disable', ...db(), '--login', 'nobody']), /nobody/);
    oneLineError(cli(['user', 'disable', ...db(), '--login', 'admin']), /^opsdesk user disable: role: .+/);
  });
});

describe('tokens', () => {
  it('prints a token once that works, and revokes it by id', async () => {
    const r = cli(['token', 'create', ...db(), '--login', 'lina', '--name', '周报脚本']);
    assert.equal(r.status, 0, r.stderr);
    const token = r.stdout.trim();
    assert.match(token, /^odk_[0-9a-f]{64}$/);
    const me = await s.api(token, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'lina');
    const listed = (await s.api(token, 'GET', '/api/v1/tokens')).json.items.find((t) => t.name === '周报脚本');
    assert.equal(listed.prefix, token.slice(0, 12));
    const rev = cli(['token', 'revoke', ...db(), '--id', String(listed.id)]);
    assert.equal(rev.status, 0, rev.stderr);
    assert.equal((await s.api(token, 'GET', '/api/v1/me')).status, 401);
    oneLineError(cli(['token', 'revoke', ...db(), '--id', '999999']), /999999/);
    oneLineError(cli(['token', 'create', ...db(), '--login', 'nobody']), /nobody/);
  });
});

describe('backup', () => {
  if (DB_KIND === 'pg') {
    it('explains that PostgreSQL is backed up with pg_dump', () => {
      oneLineError(cli(['backup', ...db(), join(tmp, 'pg.backup')]), /pg_dump/);
      assert.ok(!existsSync(join(tmp, 'pg.backup')));
    });
    return;
  }

  it('makes a consistent copy while the server keeps writing', async () => {
    const file = join(tmp, 'backup.db');
    const before = (await s.api('admin', 'GET', '/api/v1/users?limit=200&include_disabled=1')).json.items.length;
    let stop = false, writes = 0, failures = 0;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        const r = await s.api('admin', 'POST', '/api/v1/teams', { name: `备份期间${w}-${i}` });
        if (r.status === 201) writes++; else failures++;
      }
    };
    const writers = [writer(1), writer(2), writer(3)];
    while (writes < 10) await new Promise((r) => setTimeout(r, 5));
    const started = writes;
    const r = await cliAsync(['backup', ...db(), file]);
    const during = writes;
    stop = true;
    await Promise.all(writers);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /backup/);
    assert.equal(failures, 0, 'no write failed because of the backup');
    assert.ok(during > started, `writes went on while the backup ran (${started} → ${during})`);
    const sql = (q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
    assert.equal(sql('PRAGMA integrity_check'), 'ok');
    assert.equal(sql('PRAGMA foreign_key_check'), '');
    assert.equal(Number(sql('SELECT COUNT(*) FROM users')), before);
    assert.equal(sql("SELECT name FROM users WHERE login = 'wangfang'"), '王芳');
    const copied = Number(sql("SELECT COUNT(*) FROM teams WHERE name LIKE '备份期间%'"));
    assert.ok(copied >= 10 && copied <= writes, `${copied} teams written during the backup are in it`);
    // Each copied change has its audit row: one transaction each, never half.
    assert.equal(Number(sql("SELECT COUNT(*) FROM audit_log WHERE entity = 'team' AND action = 'create' AND entity_id IN (SELECT id FROM teams WHERE name LIKE '备份期间%')")), copied);
    assert.ok(!readdirSync(tmp).some((f) => f.startsWith('backup.db-')), 'a self-contained file (no -wal or -shm)');
    // The copy is a working opsdesk database.
    const copy = await startServer({ dbUrl: `sqlite:${file}` });
    try {
      const who = await copy.browserLogin('wangfang', DEMO_PASSWORD);
      assert.equal(who.status, 303);
    } finally {
      await stopServer(copy);
    }
  });

  it('refuses to overwrite a file or to run without one', () => {
    const file = join(tmp, 'exists.db');
    assert.equal(cli(['backup', ...db(), file]).status, 0);
    oneLineError(cli(['backup', ...db(), file]), /exists/);
    oneLineError(cli(['backup', ...db()]), /FILE/);
  });
});
