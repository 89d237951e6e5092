// Event logs in the browser: upload a generated XES file through the upload
// form (raw POST with a progress bar; and again with JavaScript off, as a
// multipart form post), land on its analysis page, see the
// process map, toggle performance (edges coloured by waiting time), the
// variants and the bottleneck table; the XSS canary in the log's name and in
// an activity renders as text; axe on the list and the analysis page in both
// languages at desktop and phone width, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, axeSerious, artifactPath, t,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser, dir, file, logId;
const H = 3600_000;
const T0 = Date.parse('2024-03-01T01:00:00Z');
const STEPS = ['接单', '审核', `复核 ${CANARY}`, '发货', '回访'];

// 12 cases: each goes through the five steps; every third case skips 复核; the
// wait before 发货 is long (5 h), the others short (0.5 h).
function xes() {
  let x = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n';
  for (let c = 0; c < 12; c++) {
    x += `<trace><string key="concept:name" value="case-${c}"/>\n`;
    let h = c * 24;
    for (const [i, a] of STEPS.entries()) {
      if (i === 2 && c % 3 === 0) continue;
      h += a === '发货' ? 5 : 0.5;
      const name = a.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      x += `<event><string key="concept:name" value="${name}"/><string key="org:resource" value="员工${c % 3}"/>` +
        `<date key="time:timestamp" value="${new Date(T0 + h * H).toISOString()}"/></event>\n`;
    }
    x += '</trace>\n';
  }
  return x + '</log>\n';
}

before(async () => {
  server = await startServer();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'opsdesk-evl-e2e-'));
  file = join(dir, '发货流程.xes');
  writeFileSync(file, xes());
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('upload a log, open the process map, toggle performance, see variants and bottlenecks', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  await login(page, 'lina');
  await page.goto('/eventlogs');
  const L = await htmlLang(page);
  await page.getByLabel(t(L, 'eventlogs.field.file'), { exact: true }).setInputFiles(file);
  await page.getByLabel(t(L, 'eventlogs.field.name'), { exact: true }).fill(`发货 ${CANARY}`);
  await Promise.all([
    page.waitForURL(/\/eventlogs\/\d+/),
    page.getByRole('button', { name: t(L, 'eventlogs.upload_button'), exact: true }).click(),
  ]);
  logId = Number(page.url().match(/\/eventlogs\/(\d+)/)[1]);
  assert.ok((await page.locator('h1').innerText()).includes(CANARY));
  // the map: five activities plus start and end, an edge per observed transition
  assert.equal(await page.locator('svg.process-map .map-node').count(), 5);
  assert.equal(await page.locator('svg.process-map .map-terminal').count(), 2);
  assert.ok(await page.locator('svg.process-map .map-node', { hasText: '复核' }).count());
  assert.equal(await page.locator('svg.process-map path.edge-freq').count() > 0, true);
  // variants: 8 cases through all five steps, 4 without 复核
  const rows = page.locator('#variants tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).innerText(), /\b8\b/);
  assert.match(await rows.nth(1).innerText(), /\b4\b/);
  // bottleneck: the long wait before 发货 comes first
  assert.match(await page.locator('#bottlenecks tbody tr').first().innerText(), /→\s*发货/);
  // performance: edges coloured by waiting time, the longest in the top class
  await Promise.all([page.waitForURL(/view=perf/), page.getByRole('link', { name: t(L, 'eventlogs.view.perf'), exact: true }).click()]);
  assert.equal(await page.locator('svg.process-map.perf').count(), 1);
  // only the start and end edges stay neutral: they have no waiting time
  assert.equal(await page.locator('svg.process-map path.edge-freq').count(), 2);
  assert.ok(await page.locator('svg.process-map path.edge-w4').count() >= 1);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.deepEqual(ctx.dialogs, []);
  assert.deepEqual(ctx.pageErrors, []);
  await ctx.close();
});

test('a broken file shows the refusal with its line', async () => {
  const ctx = await newContext(browser, server, { locale: 'en' });
  const page = await ctx.newPage();
  await login(page, 'lina');
  if ((await htmlLang(page)) !== 'en') await switchLanguage(page, 'en');
  await page.goto('/eventlogs');
  const broken = join(dir, 'broken.xes');
  writeFileSync(broken, '<log>\n<trace>\n<event>\n</log>\n');
  await page.getByLabel(t('en', 'eventlogs.field.file'), { exact: true }).setInputFiles(broken);
  await page.getByRole('button', { name: t('en', 'eventlogs.upload_button'), exact: true }).click();
  const err = page.locator('#el-error');
  await err.waitFor({ state: 'visible' });
  assert.match(await err.innerText(), /Line \d+, column \d+/);
  await ctx.close();
});

test('without JavaScript the form posts the file (multipart) and lands on the analysis page', async () => {
  const ctx = await browser.newContext({
    baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: false,
    extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  await login(page, 'lina');
  await page.goto('/eventlogs');
  const L = await htmlLang(page);
  // no note sending people to the command line, and a button that works
  assert.equal(await page.locator('noscript').count(), 0);
  const button = page.getByRole('button', { name: t(L, 'eventlogs.upload_button'), exact: true });
  assert.ok(await button.isEnabled());
  await page.getByLabel(t(L, 'eventlogs.field.file'), { exact: true }).setInputFiles(file);
  await page.getByLabel(t(L, 'eventlogs.field.name'), { exact: true }).fill(`无脚本 ${CANARY}`);
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/eventlogs' && r.request().method() === 'POST'),
    button.click(),
  ]);
  assert.equal(res.status(), 303);
  assert.match(res.request().headers()['content-type'], /^multipart\/form-data; boundary=/);
  await page.waitForURL(/\/eventlogs\/\d+$/);
  const id = Number(page.url().match(/\/eventlogs\/(\d+)/)[1]);
  assert.ok(id > logId, `a new log (${id}) after the scripted upload's (${logId})`);
  assert.ok((await page.locator('h1').innerText()).includes(`无脚本 ${CANARY}`));
  // the same 12 cases as the scripted upload: 8 through all five steps, 4 without 复核
  assert.equal(await page.locator('svg.process-map .map-node').count(), 5);
  const rows = page.locator('#variants tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).innerText(), /\b8\b/);
  assert.match(await rows.nth(1).innerText(), /\b4\b/);
  const got = await server.api('lina', 'GET', `/api/v1/eventlogs/${id}`);
  assert.equal(got.json.file_name, '发货流程.xes');
  assert.equal(got.json.cases, 12);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  await ctx.close();
});

test('no serious accessibility violation on the event-log pages, both languages, desktop and phone', async () => {
  const failures = [];
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'lina');
      if ((await htmlLang(page)) !== locale) await switchLanguage(page, locale);
      for (const [name, path] of [['list', '/eventlogs'], ['map', `/eventlogs/${logId}`], ['perf', `/eventlogs/${logId}?view=perf`]]) {
        await page.goto(path);
        for (const v of await axeSerious(page)) failures.push(`${name} ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (wide && vp === 'phone') failures.push(`${name} ${locale} phone: scrolls sideways`);
        await page.screenshot({ path: artifactPath(`eventlogs-${name}-${locale}-${vp}.png`), fullPage: true });
      }
      await ctx.close();
    }
  }
  assert.deepEqual(failures, []);
});

test('the server exits cleanly', async () => {
  await stopCleanly(server);
  server = null;
});
