// Goals in the browser (issue 3): create a goal with two key results through
// the form, see the SMART warnings, check in, see the burn-up chart (actual and
// expected lines); the XSS canary in the goal title, a key result's metric and
// a check-in note renders as text on every goal page; axe on /goals and
// /goals/{id} in both languages at desktop and phone width; screenshots of
// every goal page in build/test-artifacts/ (goals-PAGE-LOCALE-VIEWPORT.png).
// The tests share one server and run in order: later ones use the goal made
// by the first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, axeSerious, artifactPath, t, re,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser;
let goalId = 0;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// "YYYY-MM-DD" of the first and last day of this quarter (UTC, as the server stores days).
function thisQuarter() {
  const now = new Date();
  const q = Math.floor(now.getUTCMonth() / 3);
  const first = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), q * 3 + 3, 0));
  return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
}

// The <section class="card"> headed by the given heading.
function card(page, heading) {
  return page.locator('section.card', { has: page.getByRole('heading', { name: heading, exact: true }) });
}

// No element made from the canary, no dialog, the raw response escaped it.
async function assertCanaryInert(page, ctx, response) {
  assert.equal(await page.locator('img[src="x"]').count(), 0, `img[src=x] exists on ${page.url()}`);
  if (response) assert.ok(!(await response.text()).includes(CANARY), `${page.url()}: the canary is unescaped`);
  assert.deepEqual(ctx.dialogs, [], 'a dialog fired');
}

function assertQuiet(ctx) {
  assert.deepEqual(ctx.pageErrors, [], 'page errors');
  assert.deepEqual(ctx.consoleErrors, [], 'console errors (CSP)');
  assert.deepEqual(ctx.badSubresources, [], 'failed subresources');
}

test('1. a goal with two key results made through the form shows its SMART warnings, takes a check-in and draws the burn-up', async () => {
  const L = 'zh-CN';
  const ctx = await newContext(browser, server, { locale: L });
  const page = await ctx.newPage();
  await login(page, 'admin');
  await page.goto('/goals');
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/goals/new'),
    page.locator('main').getByRole('link', { name: t(L, 'goals.new'), exact: true }).click(),
  ]);
  const [start, end] = thisQuarter();
  const form = page.locator('main form[action="/goals"]');
  await form.getByLabel(t(L, 'goals.field.title'), { exact: true }).fill(`首次响应缩短到 30 秒 ${CANARY}`);
  await form.getByLabel(t(L, 'goals.field.level'), { exact: true }).selectOption('person');
  // A person goal's owner belongs to a team (the admin does not): 李娜 of 客服部.
  await form.getByLabel(t(L, 'goals.field.owner'), { exact: true }).selectOption({ label: '李娜' });
  await form.getByLabel(t(L, 'goals.field.period'), { exact: true }).selectOption('quarter');
  await form.getByLabel(t(L, 'goals.field.start_date'), { exact: true }).fill(start);
  // Key result 1: complete. Key result 2: no unit and no deadline (two SMART warnings).
  const kr1 = form.getByRole('group', { name: t(L, 'goals.kr1'), exact: true });
  await kr1.getByLabel(t(L, 'goals.field.metric'), { exact: true }).fill(`首次响应时间 ${CANARY}`);
  await kr1.getByLabel(t(L, 'goals.field.unit'), { exact: true }).fill('秒');
  await kr1.getByLabel(t(L, 'goals.field.direction'), { exact: true }).selectOption('decrease');
  await kr1.getByLabel(t(L, 'goals.field.baseline'), { exact: true }).fill('60');
  await kr1.getByLabel(t(L, 'goals.field.target'), { exact: true }).fill('30');
  await kr1.getByLabel(t(L, 'goals.field.deadline'), { exact: true }).fill(end);
  const kr2 = form.getByRole('group', { name: t(L, 'goals.kr2'), exact: true });
  await kr2.getByLabel(t(L, 'goals.field.metric'), { exact: true }).fill('质检合格率');
  await kr2.getByLabel(t(L, 'goals.field.baseline'), { exact: true }).fill('85');
  await kr2.getByLabel(t(L, 'goals.field.target'), { exact: true }).fill('98');
  const [shown] = await Promise.all([
    page.waitForResponse((r) => /^\/goals\/\d+$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET'),
    form.getByRole('button', { name: t(L, 'form.create'), exact: true }).click(),
  ]);
  goalId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(goalId > 0, page.url());
  await page.getByRole('status').filter({ hasText: t(L, 'notice.goal_created') }).waitFor();
  await assertCanaryInert(page, ctx, shown);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `首次响应缩短到 30 秒 ${CANARY}`);

  // Both key results, the canary metric as text.
  const krs = card(page, t(L, 'goals.key_results'));
  assert.equal(await krs.locator('tbody tr').count(), 2);
  await krs.getByRole('cell', { name: `首次响应时间 ${CANARY}`, exact: true }).waitFor();

  // SMART: no parent (relevant), KR 2 without a unit (measurable) and a deadline (time-bound).
  const smart = card(page, t(L, 'goals.smart_title'));
  const warnings = (await smart.getByRole('listitem').allInnerTexts()).map((s) => s.trim());
  const has = (crit, message) => warnings.some((w) => w.startsWith(t(L, crit)) && w.includes(message));
  assert.ok(has('goals.smart.c.relevant', t(L, 'goals.smart.relevant')), warnings.join('\n'));
  assert.ok(has('goals.smart.c.measurable', t(L, 'goals.smart.measurable_unit', '质检合格率')), warnings.join('\n'));
  assert.ok(has('goals.smart.c.time_bound', t(L, 'goals.smart.time_bound_none', '质检合格率')), warnings.join('\n'));
  assert.equal(warnings.length, 3, warnings.join('\n'));

  // The burn-up before any check-in: the expected line, the actual series at its start.
  const chart = card(page, t(L, 'goals.burnup')).locator('svg.burnup[role="img"]');
  await chart.waitFor();
  assert.equal(await chart.locator('line.expected').count(), 1);
  const pointsBefore = (await chart.locator('polyline.actual').getAttribute('points')).trim().split(/\s+/);
  assert.equal(pointsBefore.length, 1);

  // A refused check-in (not a number) shows the goal page again with the error
  // beside the field and what was typed kept, not the router's error page.
  const checkins = card(page, t(L, 'goals.checkins'));
  const cf = checkins.locator('form.checkin-form');
  await cf.getByLabel(t(L, 'goals.field.value'), { exact: true }).fill('四十五');
  await cf.getByLabel(t(L, 'goals.field.note'), { exact: true }).fill(`草稿 ${CANARY}`);
  const [refused] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === `/goals/${goalId}/checkins`),
    cf.getByRole('button', { name: t(L, 'goals.checkin'), exact: true }).click(),
  ]);
  assert.equal(refused.status(), 422);
  await page.waitForLoadState('load');
  await assertCanaryInert(page, ctx, refused);
  await cf.locator('.field-error').filter({ hasText: t(L, 'goals.error.not_number') }).waitFor();
  assert.equal(await cf.getByLabel(t(L, 'goals.field.value'), { exact: true }).inputValue(), '四十五');
  assert.equal(await cf.getByLabel(t(L, 'goals.field.note'), { exact: true }).inputValue(), `草稿 ${CANARY}`);
  assert.equal(await card(page, t(L, 'goals.checkins')).locator('tbody tr').count(), 0, 'nothing recorded');

  // Check in on key result 1: 45 s of 60 → 30 is half way; the goal is at 25 %.
  await cf.getByLabel(t(L, 'goals.field.key_result'), { exact: true }).selectOption({ label: `首次响应时间 ${CANARY}` });
  await cf.getByLabel(t(L, 'goals.field.value'), { exact: true }).fill('45');
  await cf.getByLabel(t(L, 'goals.field.confidence'), { exact: true }).selectOption('at_risk');
  await cf.getByLabel(t(L, 'goals.field.note'), { exact: true }).fill(`第一周 ${CANARY}`);
  const [after] = await Promise.all([
    page.waitForResponse((r) => /^\/goals\/\d+$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET'),
    cf.getByRole('button', { name: t(L, 'goals.checkin'), exact: true }).click(),
  ]);
  await page.getByRole('status').filter({ hasText: t(L, 'notice.checkin') }).waitFor();
  await assertCanaryInert(page, ctx, after);
  const row = card(page, t(L, 'goals.checkins')).locator('tbody tr');
  assert.equal(await row.count(), 1);
  await row.getByRole('cell', { name: `第一周 ${CANARY}`, exact: true }).waitFor();
  await row.getByText(t(L, 'goals.confidence.at_risk'), { exact: true }).waitFor();
  assert.match(await krs.locator('tbody tr').first().innerText(), /50%/);

  // The burn-up now: the actual line has the check-in's point, the expected line is there.
  const pointsAfter = (await chart.locator('polyline.actual').getAttribute('points')).trim().split(/\s+/);
  assert.equal(pointsAfter.length, 2, 'start + one check-in');
  assert.equal(await chart.locator('circle.actual-dot').count(), 2);
  const [, yStart] = pointsAfter[0].split(',').map(Number);
  const [, yNow] = pointsAfter[1].split(',').map(Number);
  assert.ok(yNow < yStart, 'the actual line rises (SVG y grows downwards)');
  assert.match(await chart.locator('desc').textContent(), /25%/);
  const legend = card(page, t(L, 'goals.burnup')).locator('.burnup-legend');
  assert.match(await legend.innerText(), new RegExp(`${re(t(L, 'goals.actual'))}[\\s\\S]*${re(t(L, 'goals.expected'))}`));
  await page.screenshot({ path: artifactPath('goals-flow-checkin-zh-CN-desktop.png'), fullPage: true });

  // The canary is text on the tree and the edit form too.
  let res = await page.goto('/goals');
  assert.equal(res.status(), 200);
  await assertCanaryInert(page, ctx, res);
  await page.locator('main').getByRole('link', { name: `首次响应缩短到 30 秒 ${CANARY}`, exact: true }).waitFor();
  res = await page.goto(`/goals/${goalId}/edit`);
  assert.equal(res.status(), 200);
  await assertCanaryInert(page, ctx, res);
  assert.equal(await page.getByLabel(t(L, 'goals.field.title'), { exact: true }).inputValue(), `首次响应缩短到 30 秒 ${CANARY}`);
  assertQuiet(ctx);
  await ctx.close();
});

const PAGES = () => [['index', '/goals'], ['new', '/goals/new'], ['show', `/goals/${goalId}`], ['edit', `/goals/${goalId}/edit`]];

test('2. axe finds no serious or critical violation on /goals and /goals/{id}, both languages, desktop and phone', async () => {
  assert.ok(goalId, 'test 1 made a goal');
  const found = [];
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      // bypassCSP only so that axe-core can be injected (see browser.mjs).
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'admin');
      for (const [name, path] of PAGES().filter(([n]) => n === 'index' || n === 'show')) {
        const res = await page.goto(path);
        assert.equal(res.status(), 200, path);
        for (const v of await axeSerious(page)) found.push({ page: `${name}-${locale}-${vp}`, ...v });
      }
      await ctx.close();
    }
  }
  assert.deepEqual(found, [], JSON.stringify(found, null, 2));
});

test('3. screenshots of every goal page, both languages, desktop and phone; nothing overflows the phone width', async () => {
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport });
      const page = await ctx.newPage();
      await login(page, 'admin');
      for (const [name, path] of PAGES()) {
        const res = await page.goto(path);
        assert.equal(res.status(), 200, path);
        await assertCanaryInert(page, ctx, null);
        // Tables scroll inside their own wrapper; the page itself must not.
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(wide <= 1, `${path} ${locale} ${vp}: the page is ${wide}px wider than the window`);
        await page.screenshot({ path: artifactPath(`goals-${name}-${locale}-${vp}.png`), fullPage: true });
      }
      assertQuiet(ctx);
      await ctx.close();
    }
  }
});

test('4. the server stops cleanly (no sanitizer report)', async () => {
  const { problems, log } = await stopCleanly(server);
  assert.deepEqual(problems, [], log.slice(-4000));
});
