// SOPs in the browser: define a 5-step SOP through the form (steps added with
// the htmx editor; one conditional, two in a parallel group), publish it, see
// the flowchart with every step, a fork/join and a diamond, open the
// operation manual; the XSS canary in the title and a step renders as text;
// axe finds nothing serious on the list, the form, the SOP and the manual in
// both languages; screenshots in zh-CN at phone width and English at desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, login, htmlLang, htmxReady, axeSerious, artifactPath, t, CANARY, VIEWPORTS,
} from './browser.mjs';

let server, browser, sopId;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const STEPS = [
  { name: '受理退款申请', role: '售后客服', min: '10', check: '核对订单号\n记录退款原因' },
  { name: `核实物流 ${CANARY}`, role: '售后客服', min: '30', group: '1' },
  { name: '检查退货商品', role: '仓库质检员', min: '60', group: '1' },
  { name: '主管审批', role: '客服主管', min: '120', cond: '退款金额超过 500 元' },
  { name: '执行退款', role: '财务专员', min: '240' },
];

test('define a 5-step SOP in the form, publish it, see the flowchart and the manual', async () => {
  const ctx = await newContext(browser, server, { locale: 'zh-CN', bypassCSP: true });
  const page = await ctx.newPage();
  await login(page, 'lina');
  await page.goto('/sops/new');
  await htmxReady(page);
  const L = await htmlLang(page);
  await page.locator('#f-title').fill(`退款流程 ${CANARY}`);
  await page.locator('#f-review').fill('30');
  await page.locator('#f-purpose').fill('48 小时内完成退款');
  for (let i = 0; i < STEPS.length; i++) {
    const k = i + 1;
    if (k > 1) {
      await page.getByRole('button', { name: t(L, 'sops.form.add_step'), exact: true }).click();
      await page.locator(`#s${k}-name`).waitFor();
    }
    const p = STEPS[i];
    await page.locator(`#s${k}-name`).fill(p.name);
    await page.locator(`#s${k}-role`).fill(p.role);
    await page.locator(`#s${k}-time`).fill(p.min);
    if (p.group) await page.locator(`#s${k}-group`).fill(p.group);
    if (p.check) await page.locator(`#s${k}-check`).fill(p.check);
    if (p.cond) {
      await page.locator(`input[name="s${k}_conditional"]`).check();
      await page.locator(`#s${k}-cond`).fill(p.cond);
    }
  }
  // Values typed before each htmx swap survive it.
  assert.equal(await page.locator('#s1-name').inputValue(), STEPS[0].name);
  assert.equal(await page.locator('#s4-cond').inputValue(), STEPS[3].cond);
  assert.deepEqual(await axeSerious(page), []);
  await page.screenshot({ path: artifactPath('sops-form-zh-desktop.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/sops\/\d+$/), page.getByRole('button', { name: t(L, 'sops.form.create'), exact: true }).click()]);
  sopId = Number(page.url().match(/\/sops\/(\d+)$/)[1]);
  await Promise.all([page.waitForURL(/\/sops\/\d+$/), page.getByRole('button', { name: t(L, 'sops.publish'), exact: true }).click()]);
  const api = (await server.api('lina', 'GET', `/api/v1/sops/${sopId}`)).json;
  assert.equal(api.status, 'active');
  assert.deepEqual(api.current.steps.map((p) => p.name), STEPS.map((p) => p.name));
  assert.equal(api.current.steps[3].conditional, true);
  assert.deepEqual(api.current.steps.map((p) => p.parallel_group), [0, 1, 1, 0, 0]);
  assert.deepEqual(api.current.steps[0].checklist, ['核对订单号', '记录退款原因']);
  assert.equal(api.current.steps[4].time_standard_s, 240 * 60);

  const svg = page.locator('svg.sop-flow');
  assert.equal(await svg.count(), 1);
  const text = await svg.textContent();
  for (const p of STEPS) assert.ok(text.includes(p.name), `flowchart shows ${p.name}`);
  assert.equal(await svg.locator('.flow-bar').count(), 2);
  assert.equal(await svg.locator('.flow-cond').count(), 1);
  assert.equal(await page.locator('img[src=x]').count(), 0, 'the canary stays text');
  assert.ok((await page.locator('h1').innerText()).includes(CANARY));
  assert.deepEqual(await axeSerious(page), []);

  await page.getByRole('link', { name: t(L, 'sops.manual'), exact: true }).click();
  await page.waitForURL(/\/manual$/);
  assert.equal(await page.locator('.sop-manual svg.sop-flow').count(), 1);
  assert.equal(await page.locator('.sop-manual-step').count(), 5);
  assert.ok((await page.locator('.sop-manual-checklist').first().innerText()).includes('核对订单号'));
  assert.deepEqual(await axeSerious(page), []);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.navwrap').first().isVisible().catch(() => false), false, 'no navigation in print');
  await page.emulateMedia({ media: 'screen' });
  await ctx.close();
});

test('screenshots: zh-CN at phone width, English at desktop width; axe on list and pages', async () => {
  const zh = await newContext(browser, server, { locale: 'zh-CN', viewport: VIEWPORTS.phone, bypassCSP: true });
  let page = await zh.newPage();
  await login(page, 'lina');
  await page.goto(`/sops/${sopId}`);
  await page.screenshot({ path: artifactPath('sops-show-zh-phone.png'), fullPage: true });
  await page.goto('/sops');
  assert.deepEqual(await axeSerious(page), []);
  await page.screenshot({ path: artifactPath('sops-list-zh-phone.png'), fullPage: true });
  await zh.close();
  const en = await newContext(browser, server, { locale: 'en', viewport: VIEWPORTS.desktop, bypassCSP: true });
  page = await en.newPage();
  await login(page, 'lina');
  const refund = (await server.api('lina', 'GET', '/api/v1/sops?q=' + encodeURIComponent('售后退款'))).json.items[0];
  await page.goto(`/sops/${refund.id}`);
  assert.deepEqual(await axeSerious(page), []);
  await page.screenshot({ path: artifactPath('sops-show-en-desktop.png'), fullPage: true });
  await page.goto(`/sops/${refund.id}/diff?from=1&to=2`);
  assert.deepEqual(await axeSerious(page), []);
  await page.screenshot({ path: artifactPath('sops-diff-en-desktop.png'), fullPage: true });
  await page.goto(`/sops/${sopId}/manual`);
  await page.screenshot({ path: artifactPath('sops-manual-en-desktop.png'), fullPage: true });
  await en.close();
});
