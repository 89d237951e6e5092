// Event logs: upload of XES (plain and gzip) and CSV generated here, list,
// show, soft delete with If-Match (428/412), the analysis document's figures
// for a small log worked out below, filters, export → re-import round trip,
// bad input (malformed XES with line/column and nothing stored, a CSV with a
// missing column, a 2 GB Content-Length, an entity bomb), the CLI import and
// `analyze FILE --json` against the API's document, team scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, stopServer, assertProblem, etagVersion, cli } from './harness.mjs';

let s;
let dir;
const team = {};
const H = 3600_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();

// The worked-out log (times in hours after T0; A = 受理, B = 审核, C = 办结):
//   c1 (张三): A start 0, A complete 1, B 3, C 4
//   c2 (李四): A start 0, A complete 2, B 6, C 6.5
//   c3 (张三): A 25, C 26            (the next day; A has no start: an instant)
// cases 3, events 10, instances 8, activities 3, variants A→B→C (2) and A→C (1).
// Case durations 4 h, 6.5 h, 1 h → median 4 h, mean 3.8333 h, max 6.5 h.
// Edges: A→B ×2 waits 2 h and 4 h (mean 3 h, p90 3.8 h); B→C ×2 waits 1 h and
// 0.5 h (mean 0.75 h); A→C ×1 waits 1 h. Service time of A: 1 h and 2 h
// (c3's A has no start). Bottleneck by total waiting: A→B (6 h).
const EVENTS = [
  ['c1', '受理', 0, '张三', 'start'], ['c1', '受理', 1, '张三', 'complete'], ['c1', '审核', 3, '张三', 'complete'],
  ['c1', '办结', 4, '张三', 'complete'],
  ['c2', '受理', 0, '李四', 'start'], ['c2', '受理', 2, '李四', 'complete'], ['c2', '审核', 6, '李四', 'complete'],
  ['c2', '办结', 6.5, '李四', 'complete'],
  ['c3', '受理', 25, '张三', 'complete'], ['c3', '办结', 26, '张三', 'complete'],
];

function csvLog(events = EVENTS) {
  return 'case_id,activity,timestamp,resource,lifecycle\n' +
    events.map(([c, a, h, r, l]) => `${c},${a},${iso(T0 + h * H)},${r},${l}`).join('\n') + '\n';
}

function xesLog(events = EVENTS) {
  const byCase = new Map();
  for (const e of events) { if (!byCase.has(e[0])) byCase.set(e[0], []); byCase.get(e[0]).push(e); }
  let x = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n' +
    '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n';
  for (const [c, evs] of byCase) {
    x += `<trace><string key="concept:name" value="${c}"/>\n`;
    for (const [, a, h, r, l] of evs) {
      x += `<event><string key="concept:name" value="${a}"/><string key="org:resource" value="${r}"/>` +
        `<string key="lifecycle:transition" value="${l}"/><date key="time:timestamp" value="${iso(T0 + h * H)}"/></event>\n`;
    }
    x += '</trace>\n';
  }
  return x + '</log>\n';
}

async function upload(body, query = '', who = 'lina', contentType = 'application/octet-stream') {
  return s.api(who, 'POST', `/api/v1/eventlogs${query}`, body, { 'Content-Type': contentType });
}
async function count(who = 'admin') {
  return (await s.api(who, 'GET', '/api/v1/eventlogs?limit=200')).json.items.length;
}
const edge = (an, from, to) => an.edges.find((e) => e.from === from && e.to === to);
const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} ≠ ${b}`);

before(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'opsdesk-evl-'));
  for (const t of (await s.api('admin', 'GET', '/api/v1/teams')).json.items) team[t.name] = t.id;
});
after(async () => { await stopServer(s); rmSync(dir, { recursive: true, force: true }); });

let csvId, xesId;

describe('upload', () => {
  it('a CSV upload answers 201 with the counts, in the caller\'s team', async () => {
    const r = await upload(csvLog(), '?name=' + encodeURIComponent('受理流程 <b>') + '&file_name=a.csv', 'lina', 'text/csv');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.cases, 3);
    assert.equal(r.json.events, 10);
    assert.equal(r.json.activities, 3);
    assert.equal(r.json.format, 'csv');
    assert.equal(r.json.source, 'import');
    assert.equal(r.json.name, '受理流程 <b>');
    assert.equal(r.json.team_id, team['客服部']);
    assert.equal(r.json.first_at, iso(T0));
    assert.equal(r.json.last_at, iso(T0 + 26 * H));
    assert.equal(etagVersion(r), 1);
    assert.equal(r.headers.get('location'), `/api/v1/eventlogs/${r.json.id}`);
    csvId = r.json.id;
  });

  it('XES, plain and gzip-compressed, detected without a format', async () => {
    const plain = await upload(xesLog(), '?file_name=a.xes');
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.json.format, 'xes');
    assert.deepEqual([plain.json.cases, plain.json.events, plain.json.activities], [3, 10, 3]);
    xesId = plain.json.id;
    const gz = await upload(new Uint8Array(gzipSync(xesLog())), '?name=gz');
    assert.equal(gz.status, 201, gz.text);
    assert.equal(gz.json.format, 'xes');
    assert.deepEqual([gz.json.cases, gz.json.events], [3, 10]);
  });

  it('CSV columns can be named', async () => {
    const text = 'ticket;step;when;who\nT1;开单;2024-03-01T08:00:00Z;王芳\nT1;关闭;2024-03-01T09:00:00Z;王芳\n';
    const r = await upload(text, '?format=csv&case=ticket&activity=step&timestamp=when&resource=who');
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.json.cases, r.json.events, r.json.activities], [1, 2, 2]);
  });
});

describe('the analysis document', () => {
  it('has the figures worked out above, the same for the CSV and the XES upload', async () => {
    for (const id of [csvId, xesId]) {
      const r = await s.api('lina', 'GET', `/api/v1/eventlogs/${id}/analysis`);
      assert.equal(r.status, 200, r.text);
      const an = r.json;
      assert.equal(an.counts.cases, 3);
      assert.equal(an.counts.events, 10);
      assert.equal(an.counts.instances, 8);
      assert.equal(an.counts.activities, 3);
      assert.equal(an.counts.resources, 2);
      assert.equal(an.counts.variants, 2);
      assert.deepEqual(an.variants.map((v) => [v.activities.join(','), v.cases]), [['受理,审核,办结', 2], ['受理,办结', 1]]);
      close(an.variants[0].share, 2 / 3, 'variant share');
      close(an.case_duration.median, 4 * 3600, 'median case duration');
      close(an.case_duration.mean, (4 + 6.5 + 1) / 3 * 3600, 'mean case duration');
      close(an.case_duration.max, 6.5 * 3600, 'max case duration');
      const ab = edge(an, '受理', '审核');
      assert.equal(ab.count, 2);
      close(ab.waiting.mean, 3 * 3600, 'A→B mean wait');
      close(ab.waiting.p90, 3.8 * 3600, 'A→B p90 wait');
      close(edge(an, '审核', '办结').waiting.mean, 0.75 * 3600, 'B→C mean wait');
      assert.equal(edge(an, '受理', '办结').count, 1);
      const a = an.activities.find((x) => x.name === '受理');
      assert.equal(a.service.count, 2);
      close(a.service.mean, 1.5 * 3600, 'service of A');
      assert.deepEqual(an.start_activities, [{ name: '受理', count: 3 }]);
      assert.deepEqual(an.end_activities, [{ name: '办结', count: 3 }]);
      assert.deepEqual([an.bottlenecks.edges_by_total[0].from, an.bottlenecks.edges_by_total[0].to], ['受理', '审核']);
      assert.equal(an.conformance, null);
    }
  });

  it('filters: resource, variant, date range; a bad filter is a 400 naming it', async () => {
    const q = async (query) => (await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis?${query}`)).json;
    const byZhang = await q('resource=' + encodeURIComponent('张三'));
    assert.equal(byZhang.counts.cases, 2);
    assert.equal(byZhang.counts.cases_total, 3);
    assert.equal((await q('variant=' + encodeURIComponent('受理,审核,办结'))).counts.cases, 2);
    const day2 = await q('from=2024-03-02');
    assert.equal(day2.counts.cases, 1);
    assert.deepEqual(day2.variants[0].activities, ['受理', '办结']);
    assertProblem(await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis?from=yesterday`), 400, 'from');
    assertProblem(await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis?calendar=1&day_start=18:00&day_end=09:00`), 400, 'day_end');
    assertProblem(await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis?attr_key=x`), 400, 'attr_value');
    // a value the log lacks is an answer (0 cases), an unknown attribute key is a wrong question
    const nobody = await q('resource=' + encodeURIComponent('无此人'));
    assert.equal(nobody.counts.cases, 0);
    assert.equal(nobody.counts.cases_total, 3);
    assert.equal((await q('variant=' + encodeURIComponent('受理,不存在'))).counts.cases, 0);
    assertProblem(await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis?attr_key=colour&attr_value=red`), 400, 'attr_key');
  });

  it('business hours: waiting overnight and at weekends does not count', async () => {
    // 2024-03-01 is a Friday. X completes Fri 17:00 (UTC+8 → 09:00Z), Y Mon 10:00 (02:00Z):
    // working time between them (09:00–18:00, Mon–Fri) = Fri 1 h + Mon 1 h = 2 h.
    const text = 'case,activity,timestamp\nk1,X,2024-03-01T09:00:00Z\nk1,Y,2024-03-04T02:00:00Z\n';
    const up = await upload(text, '?format=csv');
    assert.equal(up.status, 201, up.text);
    const plain = (await s.api('lina', 'GET', `/api/v1/eventlogs/${up.json.id}/analysis`)).json;
    close(edge(plain, 'X', 'Y').waiting.mean, 65 * 3600, 'calendar wait');
    const cal = (await s.api('lina', 'GET', `/api/v1/eventlogs/${up.json.id}/analysis?calendar=1&weekdays=1-5&day_start=09:00&day_end=18:00`)).json;
    assert.equal(cal.calendar, true);
    close(edge(cal, 'X', 'Y').waiting.mean, 2 * 3600, 'working-time wait');
  });
});

describe('export', () => {
  it('export.xes imports back with the same counts and figures', async () => {
    const ex = await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/export.xes`);
    assert.equal(ex.status, 200);
    assert.match(ex.headers.get('content-type'), /xml/);
    const again = await upload(ex.text, '?format=xes');
    assert.equal(again.status, 201, again.text);
    assert.deepEqual([again.json.cases, again.json.events, again.json.activities], [3, 10, 3]);
    const a1 = (await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}/analysis`)).json;
    const a2 = (await s.api('lina', 'GET', `/api/v1/eventlogs/${again.json.id}/analysis`)).json;
    assert.deepEqual(a2.edges, a1.edges);
    assert.deepEqual(a2.variants, a1.variants);
  });

  it('export.csv imports back too', async () => {
    const ex = await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}/export.csv`);
    assert.equal(ex.status, 200);
    assert.match(ex.headers.get('content-type'), /text\/csv/);
    const again = await upload(ex.text, '?format=csv');
    assert.equal(again.status, 201, again.text);
    assert.deepEqual([again.json.cases, again.json.events], [3, 10]);
  });

  it('names with tabs, line breaks and backslashes are stored and exported verbatim', async () => {
    // These are the characters PostgreSQL's COPY text format escapes (src/db/db_core.c, db_bulk_*).
    const odd = ['退款\t审核', '多行\n说明', 'C:\\队列\\N', '\\.'];
    const q = (v) => '"' + v.replace(/"/g, '""') + '"';
    const csv = 'case,activity,timestamp,resource\n' + odd.map((a, i) =>
      `${q('案\\' + i)},${q(a)},2030-01-0${i + 1}T09:00:00Z,${q('王\t芳')}`).join('\n') + '\n';
    const up = await upload(csv, '?format=csv');
    assert.equal(up.status, 201, up.text);
    const an = (await s.api('lina', 'GET', `/api/v1/eventlogs/${up.json.id}/analysis`)).json;
    assert.deepEqual(an.activities.map((a) => a.name).sort(), [...odd].sort());
    const xes = await s.api('lina', 'GET', `/api/v1/eventlogs/${up.json.id}/export.xes`);
    const back = await upload(xes.text, '?format=xes');
    assert.equal(back.status, 201, back.text);
    const an2 = (await s.api('lina', 'GET', `/api/v1/eventlogs/${back.json.id}/analysis`)).json;
    assert.deepEqual(an2.activities.map((a) => a.name).sort(), [...odd].sort());
    assert.equal(an2.counts.resources, 1);
  });
});

describe('bad input stores nothing', () => {
  it('a malformed XES is a 422 naming the line and column', async () => {
    const before = await count();
    const broken = '<?xml version="1.0"?>\n<log>\n<trace><string key="concept:name" value="c1"/>\n<event><string key="concept:name" value="A"/>\n</trace>\n</log>\n';
    const r = await upload(broken, '?format=xes', 'lina');
    assertProblem(r, 422, 'file');
    assert.match(r.json.errors[0].message, /(line|第)\s*\d+.*(column|列|第)\s*\d+/i);
    const outside = '<log><event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event></log>';
    assertProblem(await upload(outside, '?format=xes'), 422, 'file');
    const badDate = xesLog().replace(iso(T0 + 3 * H), 'not a date');
    assertProblem(await upload(badDate), 422, 'file');
    assert.equal(await count(), before);
  });

  it('a CSV without a timestamp column is a 422', async () => {
    const before = await count();
    const r = await upload('case,activity\nc1,A\n', '?format=csv');
    assertProblem(r, 422, 'file');
    assertProblem(await upload('case,activity,timestamp\nc1,A,2024-01-01T00:00:00Z\n', '?format=csv&case=nope'), 422, 'file');
    assertProblem(await upload('', '?format=csv'), 422, 'file');
    assert.equal(await count(), before);
  });

  it('an entity bomb is refused quickly', async () => {
    const bomb = '<?xml version="1.0"?>\n<!DOCTYPE log [\n<!ENTITY a "aaaaaaaaaa">\n' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i ? 'b'.repeat(i) : 'a'};`.repeat(10)}">`).join('\n') +
      '\n]>\n<log><trace><string key="concept:name" value="&bbbbbbbbb;"/></trace></log>\n';
    const t = Date.now();
    const r = await upload(bomb, '?format=xes');
    assertProblem(r, 422, 'file');
    assert.ok(Date.now() - t < 3000, 'took ' + (Date.now() - t) + ' ms');
  });

  it('a 2 GB upload is refused with 413 before the body is sent', async () => {
    const url = new URL(s.url);
    const status = await new Promise((resolve, reject) => {
      const sock = connect(Number(url.port), url.hostname, () => {
        sock.write(`POST /api/v1/eventlogs HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${s.tokens.lina}\r\n` +
          'Content-Type: application/xml\r\nContent-Length: 2147483648\r\n\r\n');
      });
      let got = '';
      sock.on('data', (d) => { got += d; const m = got.match(/^HTTP\/1\.1 (\d+)/); if (m) { sock.destroy(); resolve(Number(m[1])); } });
      sock.on('error', reject);
      setTimeout(() => { sock.destroy(); reject(new Error('no answer: ' + got)); }, 5000);
    });
    assert.equal(status, 413);
  });
});

describe('show, list, delete and scope', () => {
  it('list pages with next_cursor and hides logs of other teams', async () => {
    const p1 = await s.api('lina', 'GET', '/api/v1/eventlogs?limit=2');
    assert.equal(p1.status, 200);
    assert.equal(p1.json.items.length, 2);
    assert.ok(p1.json.next_cursor);
    const p2 = await s.api('lina', 'GET', `/api/v1/eventlogs?limit=200&cursor=${p1.json.next_cursor}`);
    assert.ok(p2.json.items.every((l) => l.id > p1.json.items[1].id));
    // zhaolei (仓储物流部) sees only his own team's logs (the demo's SOP run log), none of 客服部's
    const theirs = (await s.api('zhaolei', 'GET', '/api/v1/eventlogs')).json.items;
    assert.ok(theirs.every((l) => l.source === 'sop'), JSON.stringify(theirs.map((l) => l.name)));
    assert.ok(!theirs.some((l) => l.id === csvId));
    assert.equal((await s.api('zhaolei', 'GET', `/api/v1/eventlogs/${csvId}`)).status, 404);
    assert.equal((await s.api('zhaolei', 'GET', `/api/v1/eventlogs/${csvId}/analysis`)).status, 404);
  });

  it('a viewer cannot upload; a member cannot delete; If-Match is required and checked', async () => {
    assert.equal((await upload(csvLog(), '', 'qianhao')).status, 403);
    const shown = await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}`);
    assert.equal(shown.status, 200);
    assert.equal(etagVersion(shown), 1);
    assert.equal((await s.api('chenjing', 'DELETE', `/api/v1/eventlogs/${xesId}`, undefined, { 'If-Match': shown.headers.get('etag') })).status, 403);
    assertProblem(await s.api('lina', 'DELETE', `/api/v1/eventlogs/${xesId}`), 428);
    assertProblem(await s.api('lina', 'DELETE', `/api/v1/eventlogs/${xesId}`, undefined, { 'If-Match': '"7"' }), 412);
    const del = await s.api('lina', 'DELETE', `/api/v1/eventlogs/${xesId}`, undefined, { 'If-Match': shown.headers.get('etag') });
    assert.equal(del.status, 204);
    assert.equal((await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}`)).status, 404);
    assert.ok(!(await s.api('lina', 'GET', '/api/v1/eventlogs?limit=200')).json.items.some((l) => l.id === xesId));
  });
});

describe('command line', () => {
  it('import events stores the file; analyze FILE --json equals the API document', async () => {
    const file = join(dir, 'log.xes');
    writeFileSync(file, xesLog());
    const imp = cli(['import', 'events', file, '--db', s.dbUrl, '--name', '命令行导入', '--team', String(team['客服部'])]);
    assert.equal(imp.status, 0, imp.stderr);
    const m = imp.stdout.match(/event log (\d+): 3 cases, 10 events, 3 activities/);
    assert.ok(m, imp.stdout);
    const api = (await s.api('lina', 'GET', `/api/v1/eventlogs/${m[1]}/analysis`)).json;
    const fromFile = cli(['analyze', file, '--json']);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout), api);
    const fromLog = cli(['analyze', '--log', m[1], '--json', '--db', s.dbUrl]);
    assert.equal(fromLog.status, 0, fromLog.stderr);
    assert.deepEqual(JSON.parse(fromLog.stdout), api);
    const human = cli(['analyze', file]);
    assert.match(human.stdout, /cases 3, events 10, activity instances 8/);
  });

  it('a broken file prints FILE:LINE:COLUMN and stores nothing', async () => {
    const before = await count();
    const file = join(dir, 'broken.xes');
    writeFileSync(file, '<log>\n<trace>\n<event><string key="concept:name" value="A"/>\n</log>\n');
    const r = cli(['import', 'events', file, '--db', s.dbUrl]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    assert.equal(await count(), before);
    const usage = cli(['analyze']);
    assert.equal(usage.status, 2);
  });
});

describe('review: hostile input, parameters, concurrency', () => {
  it('activity names with markup render as text on the analysis page (map, tables, variants)', async () => {
    const evil = ['<script>alert(1)</script>', '"><svg onload=alert(2)>', "x' onmouseover='alert(3)"];
    const rows = [];
    for (let c = 0; c < 3; c++) evil.forEach((a, k) => rows.push([`c${c}`, a, c * 10 + k, '<img src=x onerror=alert(4)>', 'complete']));
    const csv = 'case_id,activity,timestamp,resource,lifecycle\n' +
      rows.map(([c, a, h, r, l]) => `${c},"${a.replace(/"/g, '""')}",${iso(T0 + h * H)},"${r}",${l}`).join('\n') + '\n';
    const up = await upload(csv, '?name=' + encodeURIComponent('<b>bold</b>'));
    assert.equal(up.status, 201, up.text);
    const lina = await s.browserLogin('lina');
    for (const view of ['freq', 'perf']) {
      const page = await s.page(lina, `/eventlogs/${up.json.id}?view=${view}`);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('<script>alert'), 'script tag escaped');
      assert.ok(!/<svg onload/i.test(page.text), 'svg onload escaped');
      assert.ok(!page.text.includes('<img src=x'), 'img escaped');
      assert.ok(!page.text.includes("' onmouseover='"), 'attribute breakout escaped');
      assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(page.text.includes('&lt;b&gt;bold&lt;/b&gt;'));
    }
    const list = await s.page(lina, '/eventlogs');
    assert.ok(!list.text.includes('<b>bold</b>') && list.text.includes('&lt;b&gt;bold&lt;/b&gt;'));
  });

  it('a log with 10,000-character names and 2,000 variants keeps the page bounded and says what it leaves out', async () => {
    const long = (k) => `${String(k).padStart(4, '0')}-` + '长'.repeat(10000);
    const lines = ['case_id,activity,timestamp'];
    for (let c = 0; c < 2000; c++) {
      // every case its own variant: a shared first activity, then two of 60 long names
      lines.push(`k${c},${long(0)},${iso(T0 + c * H)}`);
      lines.push(`k${c},${long(1 + (c % 60))},${iso(T0 + c * H + 60_000)}`);
      lines.push(`k${c},${long(1 + (Math.floor(c / 60) % 60))},${iso(T0 + c * H + 120_000)}`);
    }
    const up = await upload(lines.join('\n') + '\n', '?name=huge');
    assert.equal(up.status, 201, up.text);
    const lina = await s.browserLogin('lina');
    const page = await s.page(lina, `/eventlogs/${up.json.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.length < 1_500_000, `page of ${page.text.length} bytes`);
    assert.ok((page.text.match(/<rect [^>]*rx="8"/g) || []).length <= 42, 'at most 42 boxes');
    assert.match(page.text, /另有 19 个较少出现的活动未绘制|19 less frequent activities are not drawn/);
    assert.equal((page.text.match(/class="variant-seq"/g) || []).length, 20);
    assert.match(page.text, /共 2,000 个变体中最常见的 20 个|The 20 most frequent of 2,000 variants/);
    // a variant too long for the variant parameter is listed without a filter link
    assert.ok(!page.text.includes('variant=0000'));
  });

  it('query parameters are checked and the refusal names the parameter', async () => {
    const base = `/api/v1/eventlogs/${csvId}/analysis`;
    assertProblem(await s.api('lina', 'GET', `${base}?from=2024-13-45`), 400, 'from');
    assertProblem(await s.api('lina', 'GET', `${base}?from=2024-03-02&to=2024-03-01`), 400, 'to');
    assertProblem(await s.api('lina', 'GET', `${base}?attr_key=nokey&attr_value=x`), 400, 'attr_key');
    assertProblem(await s.api('lina', 'GET', `${base}?attr_key=nokey`), 400, 'attr_value');
    assertProblem(await s.api('lina', 'GET', `${base}?variant=${encodeURIComponent('受理, ,办结')}`), 400, 'variant');
    assertProblem(await s.api('lina', 'GET', `${base}?max_variants=-1`), 400, 'max_variants');
    assertProblem(await s.api('lina', 'GET', `${base}?calendar=1&day_start=18:00&day_end=09:00`), 400, 'day_end');
    assertProblem(await s.api('lina', 'GET', `${base}?calendar=1&weekdays=8`), 400, 'weekdays');
    assertProblem(await s.api('lina', 'GET', `${base}?calendar=1&holidays=2024-02-30`), 400, 'holidays');
    assertProblem(await s.api('lina', 'GET', `${base}?calendar=yes`), 400, 'calendar');
    const lina = await s.browserLogin('lina');
    assert.equal((await s.page(lina, `/eventlogs/${csvId}?paths=abc`)).status, 400);
    assert.equal((await s.page(lina, `/eventlogs/${csvId}?paths=0`)).status, 400);
    // a well-formed question with no matching case is an empty answer
    const none = await s.api('lina', 'GET', `${base}?resource=nobody`);
    assert.equal(none.status, 200);
    assert.equal(none.json.counts.cases, 0);
  });

  it('a deleted log exports nothing (404) and other teams get 404 on every route', async () => {
    assert.equal((await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}/export.xes`)).status, 404);
    assert.equal((await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}/export.csv`)).status, 404);
    assert.equal((await s.api('lina', 'GET', `/api/v1/eventlogs/${xesId}/analysis`)).status, 404);
    for (const p of ['', '/analysis', '/export.xes', '/export.csv'])
      assert.equal((await s.api('zhaolei', 'GET', `/api/v1/eventlogs/${csvId}${p}`)).status, 404, p);
    const zl = await s.browserLogin('zhaolei');
    assert.equal((await s.page(zl, `/eventlogs/${csvId}`)).status, 404);
    const shown = await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}`);
    assert.equal((await s.form(zl, `/eventlogs/${csvId}/delete`, { version: String(etagVersion(shown)) })).status, 404);
    // the page's delete form needs the session's CSRF token
    const lina = await s.browserLogin('lina');
    assert.equal((await s.form(lina, `/eventlogs/${csvId}/delete`, { version: String(etagVersion(shown)) }, { csrf: false })).status, 403);
    assert.equal((await s.api('lina', 'GET', `/api/v1/eventlogs/${csvId}`)).status, 200);
  });

  it('parallel first runs of one SOP share one run log; parallel step actions append without collisions', async () => {
    const users = (await s.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
    const lina = users.find((u) => u.login === 'lina');
    const made = await s.api('lina', 'POST', '/api/v1/sops', {
      title: '并发运行流程', team_id: team['售前咨询组'], owner_id: lina.id, steps: [{ name: '接单' }, { name: '发货' }],
    });
    assert.equal(made.status, 201, made.text);
    assert.equal((await s.api('lina', 'POST', `/api/v1/sops/${made.json.id}/versions/1/publish`)).status, 200);
    const N = 8;
    const runs = await Promise.all(Array.from({ length: N }, (_, i) =>
      s.api('wangfang', 'POST', '/api/v1/runs', { sop_id: made.json.id, reference: `并发-${i}` })));
    for (const r of runs) assert.equal(r.status, 201, r.text);
    const act = async (run, action) => {
      const cur = (await s.api('admin', 'GET', `/api/v1/runs/${run.json.id}`)).json;
      const st = cur.steps.find((x) => x.name === '接单');
      return s.api('wangfang', 'POST', `/api/v1/runs/${run.json.id}/steps/${st.step_id}/${action}`, undefined,
        { 'If-Match': `"${st.version}"` });
    };
    for (const action of ['start', 'complete']) {
      const res = await Promise.all(runs.map((r) => act(r, action)));
      for (const r of res) assert.equal(r.status, 200, r.text);
    }
    const logs = (await s.api('admin', 'GET', '/api/v1/eventlogs?limit=200')).json.items.filter((l) => l.sop_id === made.json.id);
    assert.equal(logs.length, 1, 'one run log for the SOP');
    const an = (await s.api('admin', 'GET', `/api/v1/eventlogs/${logs[0].id}/analysis`));
    assert.equal(an.status, 200, an.text);
    assert.equal(an.json.counts.cases, N);
    const step = an.json.activities.find((a) => a.name === '接单');
    assert.equal(step.instances, N);
    assert.equal(step.service.count, N);
    assert.equal(an.json.counts.unclosed_starts, 0);
    const csv = (await s.api('admin', 'GET', `/api/v1/eventlogs/${logs[0].id}/export.csv`)).text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    assert.equal(csv.length, logs[0].events);
    for (let i = 0; i < N; i++) {
      const mine = csv.filter((l) => l.startsWith(`并发-${i},接单,`));
      assert.equal(mine.length, 2, `run ${i}: ${mine.join(' | ')}`);
    }
  });
});

// The upload form without script: POST /eventlogs as multipart/form-data with
// the session cookie and the _csrf field, answered with a redirect to the new
// log's page (or the form again, naming the problem).
describe('page upload (multipart/form-data)', () => {
  async function postForm(session, body, { contentType, csrf = true } = {}) {
    const headers = { Cookie: session.cookie, Origin: s.url };
    if (contentType) headers['Content-Type'] = contentType;
    if (body instanceof FormData && csrf) body.set('_csrf', session.csrf);
    const res = await fetch(s.url + '/eventlogs', { method: 'POST', headers, body, redirect: 'manual' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('an XES file with a Chinese, quoted file name lands on its analysis page', async () => {
    const lina = await s.browserLogin('lina');
    const fd = new FormData();
    fd.set('name', '页面上传 "一"');
    fd.set('format', 'auto');
    fd.set('file', new Blob([xesLog()], { type: 'application/xml' }), '订单 "v2".xes');
    const r = await postForm(lina, fd);
    assert.equal(r.status, 303, r.text);
    const m = r.headers.get('location').match(/^\/eventlogs\/(\d+)$/);
    assert.ok(m, r.headers.get('location'));
    const got = await s.api('lina', 'GET', `/api/v1/eventlogs/${m[1]}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.name, '页面上传 "一"');
    assert.equal(got.json.file_name, '订单 "v2".xes');
    assert.equal(got.json.format, 'xes');
    assert.equal(got.json.team_id, team['客服部']);
    assert.equal(got.json.cases, 3);
    assert.equal(got.json.events, 10);
    const page = await s.page(lina, `/eventlogs/${m[1]}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('页面上传 &quot;一&quot;') || page.text.includes('页面上传 &#34;一&#34;'));
  });

  it('a CSV with chosen columns and a team; CRLF line ends kept as the file has them', async () => {
    const zl = await s.browserLogin('admin');
    const csv = 'Fall;Schritt;Zeit\r\n'.replace(/;/g, ',') +
      EVENTS.filter((e) => e[4] === 'complete').map(([c, a, h]) => `${c},${a},${iso(T0 + h * H)}`).join('\r\n') + '\r\n';
    const fd = new FormData();
    fd.set('format', 'csv');
    fd.set('case', 'Fall');
    fd.set('activity', 'Schritt');
    fd.set('timestamp', 'Zeit');
    fd.set('team_id', String(team['仓储物流部']));
    fd.set('file', new Blob([csv], { type: 'text/csv' }), 'steps.csv');
    const r = await postForm(zl, fd);
    assert.equal(r.status, 303, r.text);
    const id = r.headers.get('location').split('/').pop();
    const got = (await s.api('admin', 'GET', `/api/v1/eventlogs/${id}`)).json;
    assert.equal(got.name, 'steps.csv'); // no name given: the file's
    assert.equal(got.format, 'csv');
    assert.equal(got.team_id, team['仓储物流部']);
    assert.equal(got.cases, 3);
    assert.equal(got.events, 8); // the 10 events less c1's and c2's two "start" rows
  });

  it('the CSRF token is read from the multipart form: without it 403, nothing stored', async () => {
    const lina = await s.browserLogin('lina');
    const before = await count();
    const fd = new FormData();
    fd.set('file', new Blob([xesLog()]), 'x.xes');
    const r = await postForm(lina, fd, { csrf: false });
    assert.equal(r.status, 403);
    fd.set('_csrf', 'f'.repeat(lina.csrf.length));
    assert.equal((await postForm(lina, fd, { csrf: false })).status, 403);
    assert.equal(await count(), before);
  });

  it('a bad file shows the form again with the line and column, keeping the values typed', async () => {
    const lina = await s.browserLogin('lina');
    const before = await count();
    const fd = new FormData();
    fd.set('name', '坏文件');
    fd.set('file', new Blob(['<?xml version="1.0"?>\n<log>\n<trace>\n<event><string key="concept:name" value="A"/>\n</trace>\n</log>\n']), 'bad.xes');
    const r = await postForm(lina, fd);
    assert.equal(r.status, 422);
    assert.match(r.headers.get('content-type'), /text\/html/);
    // the </trace> on line 5, column 1 closes an <event> still open
    assert.match(r.text, /<p id="el-error" class="field-error" role="alert">[^<]*(第 5 行第 1 列|Line 5, column 1)/);
    assert.match(r.text, /id="el-name" name="name" maxlength="200" value="坏文件"/);
    const empty = new FormData();
    empty.set('file', new Blob([]), '');
    const e = await postForm(lina, empty);
    assert.equal(e.status, 422);
    assert.match(e.text, /Choose a file to upload|选择/);
    assert.equal(await count(), before);
  });

  it('malformed multipart is a 400 naming the problem; no boundary names the Content-Type', async () => {
    const lina = await s.browserLogin('lina');
    const before = await count();
    const cut = `--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${lina.csrf}\r\n` +
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.xes"\r\n\r\n<log>';
    const r = await postForm(lina, cut, { contentType: 'multipart/form-data; boundary=XyZ' });
    assert.equal(r.status, 400);
    assert.match(r.text, /final boundary|分隔线/);
    const nb = await postForm(lina, `--XyZ--\r\n`, { contentType: 'multipart/form-data' });
    assert.equal(nb.status, 400);
    assert.match(nb.text, /boundary/);
    const many = Array.from({ length: 40 }, (_, i) => `--XyZ\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') + '--XyZ--\r\n';
    const m = await postForm(lina, many, { contentType: 'multipart/form-data; boundary=XyZ' });
    assert.equal(m.status, 400);
    assert.match(m.text, /too many|太多/);
    assert.equal(await count(), before);
  });

  it('a Content-Length over 256 MiB is refused with 413 before the body is sent', async () => {
    const lina = await s.browserLogin('lina');
    const url = new URL(s.url);
    const status = await new Promise((resolve, reject) => {
      const sock = connect(Number(url.port), url.hostname, () => {
        sock.write(`POST /eventlogs HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${lina.cookie}\r\nOrigin: ${s.url}\r\n` +
          `Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${256 * 1024 * 1024 + 1}\r\n\r\n`);
      });
      let got = '';
      sock.on('data', (d) => { got += d; const m = got.match(/^HTTP\/1\.1 (\d+)/); if (m) { sock.destroy(); resolve(Number(m[1])); } });
      sock.on('error', reject);
      setTimeout(() => { sock.destroy(); reject(new Error('no answer: ' + got)); }, 5000);
    });
    assert.equal(status, 413);
  });
});
