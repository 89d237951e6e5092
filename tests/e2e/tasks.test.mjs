// Tasks in the browser: create a task on the board (overdue, so it shows in
// the navigation count), move it to done with the card's move control, and see it
// leave the overdue count; axe on /tasks, /tasks/{id} and /tasks/board in
// both languages; the XSS canary in a title, a comment and a tag renders as
// text everywhere; screenshots at desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, axeSerious, artifactPath, t,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser;
let canaryTask;

before(async () => {
  server = await startServer();
  browser = await launch();
  const r = await server.api('lina', 'POST', '/api/v1/tasks', {
    title: `金丝雀 ${CANARY}`, description: `**描述** ${CANARY}`, tags: [CANARY.slice(0, 30)],
    due_at: new Date(Date.now() + 86400_000).toISOString(),
  });
  assert.equal(r.status, 201, r.text);
  canaryTask = r.json;
  const c = await server.api('lina', 'POST', `/api/v1/tasks/${canaryTask.id}/comments`, { body: `@wangfang ${CANARY}` });
  assert.equal(c.status, 201, c.text);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function overdueBadge(page) {
  const b = page.locator('[data-nav-badge="/tasks"]');
  return (await b.count()) ? Number(await b.innerText()) : 0;
}

test('a task made on the board is overdue, then moved to done it leaves the count', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  await login(page, 'lina');
  await page.goto('/tasks/board');
  const L = await htmlLang(page);
  const before = await overdueBadge(page);
  const title = `看板任务 ${Date.now()}`;
  await page.getByLabel(t(L, 'tasks.new_title'), { exact: true }).fill(title);
  // An hour ago (display zone UTC+8): overdue at once.
  const past = new Date(Date.now() - 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);
  await page.locator('#b-due').fill(past);
  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.getByRole('button', { name: t(L, 'tasks.create'), exact: true }).first().click()]);
  assert.equal(await overdueBadge(page), before + 1);
  await page.goto('/tasks/board');
  const card = page.locator('.task-card', { hasText: title });
  assert.ok(await card.evaluate((el) => el.classList.contains('late')));
  assert.equal(await card.evaluate((el) => el.closest('.column').dataset.status), 'todo');
  // One compact control per card: choose the column, then "move".
  // The select's name is its label and the chosen option ("移到 进行中").
  await card.getByRole('combobox', { name: new RegExp(`^${t(L, 'tasks.move_to_label')}`) }).selectOption('done');
  await card.getByRole('button', { name: t(L, 'tasks.move_button'), exact: true }).click();
  await page.waitForFunction((x) => [...document.querySelectorAll('.column[data-status="done"] .task-card')].some((c) => c.textContent.includes(x)), title);
  const moved = page.locator('.task-card', { hasText: title });
  assert.equal(await moved.evaluate((el) => el.closest('.column').dataset.status), 'done');
  assert.equal(await overdueBadge(page), before);
  assert.deepEqual(ctx.pageErrors, []);
  await ctx.close();
});

test('the canary renders as text in the title, description, tag and comment', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  await login(page, 'lina');
  for (const path of ['/tasks', `/tasks/${canaryTask.id}`, '/tasks/board', '/tasks?view=team']) {
    const res = await page.goto(path);
    assert.equal(res.status(), 200, path);
    assert.ok(!(await res.text()).includes(CANARY), `${path}: the canary is in the page unescaped`);
    assert.equal(await page.locator('img[src="x"]').count(), 0, path);
  }
  await page.goto(`/tasks/${canaryTask.id}`);
  assert.ok((await page.locator('h1').innerText()).includes(CANARY));
  assert.equal(await page.locator('a.mention').innerText(), '@wangfang');
  assert.deepEqual(ctx.dialogs, []);
  await ctx.close();
});

test('no serious accessibility violation on the task pages, both languages, desktop and phone', async () => {
  const failures = [];
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'lina');
      if ((await htmlLang(page)) !== locale) await switchLanguage(page, locale);
      for (const [name, path] of [['tasks', '/tasks?view=team'], ['task', `/tasks/${canaryTask.id}`], ['board', '/tasks/board'], ['responsibility', '/tasks/responsibility']]) {
        await page.goto(path);
        for (const v of await axeSerious(page)) failures.push(`${name} ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (wide && vp === 'phone') failures.push(`${name} ${locale} phone: scrolls sideways`);
        await page.screenshot({ path: artifactPath(`tasks-${name}-${locale}-${vp}.png`), fullPage: true });
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
