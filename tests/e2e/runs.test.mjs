// Process runs in the browser: a 5-step SOP (defined and published through
// the API) is run twice through the pages — start form, step buttons,
// checklist ticks (htmx), one skip with a reason in the second run — then the
// SOP's process map (frequency and performance) and conformance view show the
// runs (fitness 100 % and 87.5 %, overall 93.8 %, the skip as the one
// deviation); the XSS canary in the SOP title, a step name, the reference and
// the skip reason renders as text; axe finds nothing serious or critical on
// the run pages in both languages at desktop and phone width; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, htmxReady, axeSerious, artifactPath, t,
  CANARY, VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser, sop;
const STEPS = ['接单登记', '备货', `出库复核 ${CANARY}`, '发货', '回访'];

before(async () => {
  server = await startServer();
  browser = await launch();
  const teams = (await server.api('admin', 'GET', '/api/v1/teams')).json.items;
  const users = (await server.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
  const r = await server.api('lina', 'POST', '/api/v1/sops', {
    title: `订单履约 ${CANARY}`,
    team_id: teams.find((x) => x.name === '售前咨询组').id,
    owner_id: users.find((u) => u.login === 'lina').id,
    steps: [
      { name: STEPS[0], checklist: ['核对客户信息', '确认订单金额'], time_standard_s: 3600, time_share_pct: 90 },
      { name: STEPS[1], role: '仓管员', time_standard_s: 7200 },
      { name: STEPS[2], quality: '箱数与单据一致' },
      { name: STEPS[3] },
      { name: STEPS[4] },
    ],
  });
  assert.equal(r.status, 201, r.text);
  sop = r.json;
  const p = await server.api('lina', 'POST', `/api/v1/sops/${sop.id}/versions/1/publish`);
  assert.equal(p.status, 200, p.text);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const stepItem = (page, name) => page.locator('li.run-step', { has: page.locator('h3', { hasText: name }) });

// Runs the SOP once through the pages; skip: the index of the step to skip.
async function runOnce(page, L, reference, skip = -1) {
  await page.goto('/runs');
  await page.getByLabel(t(L, 'runs.field.sop_id'), { exact: true }).first().selectOption(String(sop.id));
  await page.getByLabel(t(L, 'runs.field.reference'), { exact: true }).fill(reference);
  await Promise.all([page.waitForURL(/\/runs\/\d+$/), page.getByRole('button', { name: t(L, 'runs.start'), exact: true }).click()]);
  assert.equal(await page.locator('h1').innerText(), reference);
  await htmxReady(page);
  for (const [i, name] of STEPS.entries()) {
    const item = stepItem(page, name);
    if (i === skip) {
      await item.locator('summary').click();
      await item.getByLabel(t(L, 'runs.skip_reason'), { exact: true }).fill(`客户自提 ${CANARY}`);
      await Promise.all([page.waitForNavigation(), item.getByRole('button', { name: t(L, 'runs.step_skip_confirm'), exact: true }).click()]);
      await page.waitForSelector(`li.run-step.step-skipped`);
      continue;
    }
    await Promise.all([page.waitForNavigation(), item.getByRole('button', { name: t(L, 'runs.step_start'), exact: true }).click()]);
    await htmxReady(page);
    const started = stepItem(page, name);
    assert.ok(await started.evaluate((el) => el.classList.contains('step-in_progress')), `${name} in progress`);
    // tick every checklist item with htmx (the step is swapped in place)
    for (;;) {
      const open = stepItem(page, name).locator('button.tick[aria-pressed="false"]');
      if (!(await open.count())) break;
      const text = (await open.first().innerText()).slice(2);
      await open.first().click();
      await page.waitForFunction(([n, x]) => [...document.querySelectorAll('li.run-step')].some((li) => li.querySelector('h3')?.textContent === n
        && [...li.querySelectorAll('button.tick[aria-pressed="true"]')].some((b) => b.textContent.includes(x))), [name, text]);
    }
    await Promise.all([page.waitForNavigation(), stepItem(page, name).getByRole('button', { name: t(L, 'runs.step_complete'), exact: true }).click()]);
    await page.waitForFunction((n) => [...document.querySelectorAll('li.run-step.step-done h3')].some((h) => h.textContent === n), name);
  }
  assert.ok(await page.locator('.page-head .run-status-done').count(), 'the run is done');
  return page.url();
}

test('run the SOP twice through the pages, with one skip; then the process map and the conformance view', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  await login(page, 'wangfang');
  const L = await htmlLang(page);
  await runOnce(page, L, `SO-A-${Date.now()}`);
  const second = await runOnce(page, L, `SO-B ${CANARY}`, 2);
  await page.goto(second);
  const skipped = stepItem(page, STEPS[2]);
  assert.ok((await skipped.innerText()).includes(`客户自提 ${CANARY}`), 'the skip reason shows as text');
  // within the time standard (green), in both timed steps
  assert.equal(await page.locator('.std-within').count(), 2);
  assert.equal(await page.locator('img[src="x"]').count(), 0);

  await page.goto(`/sops/${sop.id}/analysis`);
  assert.equal(await page.locator('.map-scroll > svg').count(), 1, 'the process map');
  const text = await page.locator('main').innerText();
  assert.ok(text.includes('93.8%'), 'overall fitness 15/16');
  assert.ok(text.includes('87.5%') && text.includes('100.0%'), 'fitness per run');
  const deviations = page.locator('table', { has: page.getByRole('columnheader', { name: t(L, 'runs.an.kind'), exact: true }) });
  assert.equal(await deviations.locator('tbody tr').count(), 1);
  assert.ok((await deviations.innerText()).includes(t(L, 'runs.dev.skipped')));
  assert.ok((await deviations.innerText()).includes(STEPS[2]));
  assert.ok(await page.locator('figure.hist').count() >= 4, 'duration histograms of the completed steps');
  await page.getByRole('link', { name: t(L, 'runs.an.performance'), exact: true }).click();
  await page.waitForURL(/view=performance/);
  assert.equal(await page.locator('.map-scroll > svg').count(), 1);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.deepEqual(ctx.dialogs, []);
  assert.deepEqual(ctx.pageErrors, []);
  await ctx.close();
});

test('out of order is not offered, and a refused action explains itself', async () => {
  const run = (await server.api('wangfang', 'POST', '/api/v1/runs', { sop_id: sop.id, reference: `SO-C-${Date.now()}` })).json;
  const ctx = await newContext(browser, server, { locale: 'en' });
  const page = await ctx.newPage();
  await login(page, 'wangfang');
  if ((await htmlLang(page)) !== 'en') await switchLanguage(page, 'en');
  await page.goto(`/runs/${run.id}`);
  assert.equal(await stepItem(page, STEPS[1]).getByRole('button', { name: t('en', 'runs.step_start'), exact: true }).count(), 0);
  assert.ok((await stepItem(page, STEPS[1]).innerText()).includes(t('en', 'runs.waiting')));
  // completing the first step with its checklist unticked names the item
  await stepItem(page, STEPS[0]).getByRole('button', { name: t('en', 'runs.step_start'), exact: true }).click();
  await page.waitForSelector('li.run-step.step-in_progress');
  await stepItem(page, STEPS[0]).getByRole('button', { name: t('en', 'runs.step_complete'), exact: true }).click();
  await page.waitForSelector('.flash-error');
  assert.ok((await page.locator('.flash-error').innerText()).includes('核对客户信息'));
  await ctx.close();
});

test('no serious accessibility violation on the run pages, both languages, desktop and phone', async () => {
  const runs = (await server.api('admin', 'GET', `/api/v1/runs?sop_id=${sop.id}`)).json.items;
  const open = (await server.api('wangfang', 'POST', '/api/v1/runs', { sop_id: sop.id, reference: `SO-D-${Date.now()}` })).json;
  const failures = [];
  for (const locale of LOCALES) {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const ctx = await newContext(browser, server, { locale, viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await login(page, 'wangfang');
      if ((await htmlLang(page)) !== locale) await switchLanguage(page, locale);
      for (const [name, path] of [['runs', '/runs?status=all'], ['run', `/runs/${runs.find((x) => x.reference.startsWith('SO-B')).id}`],
        ['open-run', `/runs/${open.id}`], ['analysis', `/sops/${sop.id}/analysis`]]) {
        const res = await page.goto(path);
        assert.equal(res.status(), 200, path);
        assert.ok(!(await res.text()).includes(CANARY), `${path}: the canary is in the page unescaped`);
        for (const v of await axeSerious(page)) failures.push(`${name} ${locale} ${vp}: ${v.id} ${v.help} ${v.targets.slice(0, 3).join(' | ')}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (wide && vp === 'phone') failures.push(`${name} ${locale} phone: scrolls sideways`);
        await page.screenshot({ path: artifactPath(`runs-${name}-${locale}-${vp}.png`), fullPage: true });
      }
      await ctx.close();
    }
  }
  assert.deepEqual(failures, []);
});

test('the server exits cleanly', async () => {
  const { problems } = await stopCleanly(server);
  server = null;
  assert.deepEqual(problems, []);
});
