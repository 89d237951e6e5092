// The CSV import page (/tasks/import) in the browser: a CSV with one bad row
// (an unknown owner on line 4), chosen as a file in Chinese and pasted in
// English, is refused as a whole with a per-row error table naming the line
// and the field; "import the valid rows" then imports the two good rows, which
// the task list shows (the XSS canary in a title renders as text); the same
// with JavaScript off, the file itself posted as multipart/form-data; axe on the
// page, empty and with its report, in both languages at desktop and phone
// width; screenshots of /tasks/import and of a goal page (zh-CN phone,
// English desktop) in build/test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, axeSerious, artifactPath, t, re,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser;
let goalId = 0;

// Two good rows and, on line 4 (the header is line 1), an owner nobody has.
function csvWith(tag) {
  return [
    'title,owner,due_at,priority,tags',
    `导入甲 ${tag} ${CANARY},liuyang,2030-03-01T09:00:00Z,high,${tag}`,
    `Imported B ${tag},liuyang,,normal,${tag}`,
    `坏负责人 ${tag},nobody-here,,normal,${tag}`,
    '',
  ].join('\n');
}

async function taggedTitles(tag) {
  const r = await server.api('lina', 'GET', `/api/v1/tasks?limit=200&tag=${tag}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((x) => x.title).sort();
}

before(async () => {
  server = await startServer();
  browser = await launch();
  // A goal of this quarter with two key results and a check-in: the goal page to look at.
  const now = new Date();
  const q = Math.floor(now.getUTCMonth() / 3);
  const first = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 1)).toISOString().slice(0, 10);
  const last = new Date(Date.UTC(now.getUTCFullYear(), q * 3 + 3, 0)).toISOString().slice(0, 10);
  const g = await server.api('admin', 'POST', '/api/v1/goals', {
    level: 'company', title: '本季度客户满意度提升到 92 分', period: 'quarter', start_date: first,
    key_results: [
      { metric: '客户满意度', unit: '分', baseline: 85, target: 92, deadline: last },
      { metric: '工单按时关闭率', kind: 'percentage', baseline: 70, target: 95, deadline: last },
    ],
  });
  assert.equal(g.status, 201, g.text);
  goalId = g.json.id;
  const c = await server.api('admin', 'POST', `/api/v1/goals/${goalId}/checkins`,
    { key_result_id: g.json.key_results[0].id, value: 88, confidence: 'on_track', note: '第一周回访' });
  assert.equal(c.status, 201, c.text);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Submits the import form and waits for the answer page.
async function submit(page, L) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/tasks/import' && r.request().method() === 'POST'),
    page.getByRole('button', { name: t(L, 'tasks.import.submit'), exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return res;
}

// The rows of the error table as [line, field, message] texts.
async function reportRows(page, L) {
  const table = page.getByRole('table', { name: t(L, 'tasks.import.report') });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

for (const [L, how] of [['zh-CN', 'file'], ['en', 'paste']]) {
  test(`${L}: a CSV with one bad row (${how}) is refused with the row named, then its valid rows are imported`, async () => {
    const tag = `imp${L === 'en' ? 'en' : 'zh'}${Date.now() % 100000}`;
    const csv = csvWith(tag);
    const ctx = await newContext(browser, server, { locale: L });
    const page = await ctx.newPage();
    await login(page, 'lina');
    if ((await htmlLang(page)) !== L) await switchLanguage(page, L);
    await page.goto('/tasks/import');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t(L, 'tasks.import.title'));
    const area = page.getByLabel(t(L, 'tasks.import.csv'), { exact: true });
    if (how === 'file') {
      // With script the file input is shown and reads the file into the text area.
      const file = page.getByLabel(t(L, 'tasks.import.file'), { exact: true });
      assert.ok(await file.isVisible());
      await file.setInputFiles({ name: 'tasks.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.waitForFunction((v) => document.getElementById('import-csv').value === v, csv);
    } else {
      await area.fill(csv);
    }
    // The default is all or nothing: one bad row, nothing imported.
    assert.ok(await page.getByRole('radio', { name: t(L, 'tasks.import.mode_all') }).isChecked());
    let res = await submit(page, L);
    assert.equal(res.status(), 422);
    assert.equal(await page.getByRole('alert').innerText(), t(L, 'tasks.import.refused', 0, 3, 1));
    let rows = await reportRows(page, L);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.deepEqual(rows[0].slice(0, 2), ['4', 'owner']);
    assert.equal(rows[0][2], t(L, 'tasks.error.owner_unknown'));
    assert.deepEqual(await taggedTitles(tag), []);
    // The CSV is still there to fix or to retry with the other choice.
    assert.equal(await area.inputValue(), csv);
    await page.getByRole('radio', { name: t(L, 'tasks.import.mode_valid') }).check();
    res = await submit(page, L);
    assert.equal(res.status(), 200);
    assert.equal(await page.getByRole('status').innerText(), t(L, 'tasks.import.done', 2, 3, 1));
    rows = await reportRows(page, L);
    assert.deepEqual(rows.map((x) => x.slice(0, 2)), [['4', 'owner']]);
    // A committed import empties the field: posting again would import twice.
    assert.equal(await area.inputValue(), '');
    const want = [`Imported B ${tag}`, `导入甲 ${tag} ${CANARY}`].sort();
    assert.deepEqual(await taggedTitles(tag), want);
    // The list shows them; the canary is text, never an element.
    const list = await page.goto(`/tasks?view=team&tag=${tag}`);
    assert.equal(list.status(), 200);
    assert.ok(!(await list.text()).includes(CANARY), 'the canary is in the list unescaped');
    for (const title of want) {
      await page.getByRole('link', { name: new RegExp(re(title)) }).first().waitFor();
    }
    assert.equal(await page.getByRole('link', { name: new RegExp(re(`坏负责人 ${tag}`)) }).count(), 0);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(ctx.dialogs, []);
    assert.deepEqual(ctx.pageErrors, []);
    assert.deepEqual(ctx.consoleErrors, [], 'console errors (CSP)');
    await ctx.close();
  });
}

test('without JavaScript the chosen file itself is posted (multipart); a refusal puts its text in the field', async () => {
  const tag = `impns${Date.now() % 100000}`;
  const csv = csvWith(tag);
  const ctx = await browser.newContext({
    baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: false,
    extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  await login(page, 'lina');
  await page.goto('/tasks/import');
  const L = await htmlLang(page);
  const file = page.getByLabel(t(L, 'tasks.import.file'), { exact: true });
  assert.ok(await file.isVisible(), 'the file input is there without script');
  await file.setInputFiles({ name: '任务 "导入".csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  let res = await submit(page, L);
  assert.equal(res.status(), 422);
  assert.match(res.request().headers()['content-type'], /^multipart\/form-data; boundary=/);
  assert.equal(await page.getByRole('alert').innerText(), t(L, 'tasks.import.refused', 0, 3, 1));
  assert.deepEqual((await reportRows(page, L)).map((x) => x.slice(0, 2)), [['4', 'owner']]);
  assert.deepEqual(await taggedTitles(tag), []);
  // the file's text is now in the field: retry with "import the valid rows"
  const area = page.getByLabel(t(L, 'tasks.import.csv'), { exact: true });
  assert.equal(await area.inputValue(), csv);
  await page.getByRole('radio', { name: t(L, 'tasks.import.mode_valid') }).check();
  res = await submit(page, L);
  assert.equal(res.status(), 200);
  assert.equal(await page.getByRole('status').innerText(), t(L, 'tasks.import.done', 2, 3, 1));
  assert.deepEqual(await taggedTitles(tag), [`Imported B ${tag}`, `导入甲 ${tag} ${CANARY}`].sort());
  // neither a file nor text: the field is named
  res = await submit(page, L);
  assert.equal(res.status(), 422);
  assert.equal(await page.locator('#err-csv').innerText(), t(L, 'tasks.import.missing'));
  await ctx.close();
});

test('no serious accessibility violation on the import page and its report, both languages, desktop and phone', async () => {
  const failures = [];
  const csv = csvWith('impaxe');
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'lina');
      if ((await htmlLang(page)) !== locale) await switchLanguage(page, locale);
      await page.goto('/tasks/import');
      for (const v of await axeSerious(page)) failures.push(`import ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
      await page.getByLabel(t(locale, 'tasks.import.csv'), { exact: true }).fill(csv);
      await submit(page, locale); // all or nothing: refused, with the report
      await reportRows(page, locale);
      for (const v of await axeSerious(page)) failures.push(`report ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      if (wide && vp === 'phone') failures.push(`import ${locale} phone: scrolls sideways`);
      if ((locale === 'zh-CN' && vp === 'phone') || (locale === 'en' && vp === 'desktop')) {
        await page.screenshot({ path: artifactPath(`tasks-import-${locale}-${vp}.png`), fullPage: true });
        await page.goto(`/goals/${goalId}`);
        await page.screenshot({ path: artifactPath(`tasks-import-goal-${locale}-${vp}.png`), fullPage: true });
      }
      assert.deepEqual(ctx.pageErrors, []);
      await ctx.close();
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(await taggedTitles('impaxe'), [], 'a refused import wrote nothing');
});

test('the server exits cleanly', async () => {
  const { problems } = await stopCleanly(server);
  server = null;
  assert.deepEqual(problems, []);
});
