// Task views in the browser: the month calendar and the timeline with tasks
// (Chinese titles, the XSS canary, an overdue task, a milestone blocked by
// another task); axe (no serious/critical) in both languages at desktop and
// phone width; on a phone the calendar is a list by day and the timeline
// scrolls inside its own box (the page does not scroll sideways); no CSP
// violation (no inline style or script); screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, axeSerious, artifactPath,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser;
const HOUR = 3600_000, DAY = 24 * HOUR;
const tasks = {};

before(async () => {
  server = await startServer();
  browser = await launch();
  const users = (await server.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
  const id = (login) => users.find((u) => u.login === login).id;
  const mk = async (body) => {
    const r = await server.api('lina', 'POST', '/api/v1/tasks', body);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const now = Date.now();
  tasks.canary = await mk({ title: `金丝雀 ${CANARY}`, owner_id: id('lina'), start_at: new Date(now - 3 * DAY).toISOString(), due_at: new Date(now + 2 * DAY).toISOString() });
  tasks.late = await mk({ title: '回访逾期的投诉客户并记录结果', owner_id: id('lina'), due_at: new Date(now - 2 * HOUR).toISOString() });
  tasks.ms = await mk({ title: '新客服系统上线', owner_id: id('wangfang'), milestone: true, due_at: new Date(now + 6 * DAY).toISOString(), blocked_by: [tasks.canary.id] });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the calendar and timeline show the tasks; the canary is text; no CSP violation', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await login(page, 'lina');
  await page.goto('/tasks/calendar?view=team');
  const ths = await page.locator('table.cal thead th[scope="col"]').count();
  assert.equal(ths, 7);
  assert.equal(await page.locator('td[aria-current="date"]').count(), 1);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  await page.goto('/tasks/timeline?view=team');
  assert.equal(await page.locator('svg.gantt .gantt-milestone').count(), 1);
  assert.ok(await page.locator('svg.gantt .gantt-dep').count() >= 1);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  // The bar's colour comes from the stylesheet (not an inline style).
  const fill = await page.locator('svg.gantt .gantt-late .gantt-bar').first().evaluate((el) => getComputedStyle(el).fill);
  assert.notEqual(fill, 'rgb(0, 0, 0)');
  assert.deepEqual(csp, []);
  assert.deepEqual(ctx.pageErrors, []);
  await ctx.close();
});

test('no serious accessibility violation; phone: a list by day, the timeline scrolls in its box', async () => {
  const failures = [];
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'lina');
      if ((await htmlLang(page)) !== locale) await switchLanguage(page, locale);
      for (const [name, path] of [['calendar', '/tasks/calendar?view=team'], ['timeline', '/tasks/timeline?view=team']]) {
        await page.goto(path);
        for (const v of await axeSerious(page)) failures.push(`${name} ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (wide && vp === 'phone') failures.push(`${name} ${locale} phone: scrolls sideways`);
        await page.screenshot({ path: artifactPath(`tasks-${name}-${locale}-${vp}.png`), fullPage: true });
      }
      if (vp === 'phone') {
        await page.goto('/tasks/calendar?view=team');
        // Days without tasks (other than today) are hidden; the padding cells too.
        const shown = await page.locator('table.cal td').evaluateAll((tds) => tds.filter((td) => td.offsetParent !== null).length);
        assert.ok(shown >= 1 && shown <= 4, `days shown on a phone: ${shown}`);
        const display = await page.locator('table.cal td.today').evaluate((el) => getComputedStyle(el).display);
        assert.equal(display, 'block');
        await page.goto('/tasks/timeline?view=team');
        const box = await page.locator('.timeline-wrap').evaluate((el) => [el.scrollWidth, el.clientWidth]);
        assert.ok(box[0] > box[1], 'the timeline scrolls horizontally in its box');
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
