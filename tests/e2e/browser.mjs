// Browser test helpers: Debian's chromium driven by playwright-core (no
// downloaded browser), one opsdesk server per test file (tests/api/harness.mjs,
// demo team loaded), log-in through the real form, axe-core, screenshots.
// Nothing here knows the message catalogs: tests find elements by role, label
// association or form action, and compare texts between languages.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, DEMO_PASSWORD } from '../api/harness.mjs';

export { startServer, DEMO_PASSWORD, PEOPLE } from '../api/harness.mjs';

export const CANARY = '<img src=x onerror=alert(1)>';
export const ARTIFACTS = resolve(ROOT, process.env.OPSDESK_ARTIFACTS || 'build/test-artifacts');
export const AXE_PATH = resolve(ROOT, 'node_modules/axe-core/axe.min.js');
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
export const LOCALES = ['zh-CN', 'en'];

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.OPSDESK_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A browser context whose pages all record dialogs (any dialog is a failure:
// the app never calls alert/confirm outside deliberate deletes, which the
// tests do not click), page errors and console errors (CSP violations show
// up there).
export async function newContext(browser, server, { locale = 'zh-CN', viewport = VIEWPORTS.desktop, bypassCSP = false } = {}) {
  const ctx = await browser.newContext({
    baseURL: server.url, locale, viewport, bypassCSP,
    extraHTTPHeaders: { 'Accept-Language': locale === 'en' ? 'en' : 'zh-CN,zh;q=0.9' },
  });
  ctx.dialogs = [];
  ctx.pageErrors = [];
  ctx.consoleErrors = [];
  ctx.badSubresources = [];
  ctx.on('page', (page) => watchPage(ctx, page));
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

function watchPage(ctx, page) {
  page.on('dialog', async (d) => {
    ctx.dialogs.push(`${d.type()}: ${d.message()} on ${page.url()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => ctx.pageErrors.push(`${page.url()}: ${e.message}`));
  // Console errors (CSP refusals land here); failed loads are tracked below
  // by request, since a 4xx document is often the expected answer.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      ctx.consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (r.status() >= 400 && type !== 'document' && !r.request().headers()['hx-request'])
      ctx.badSubresources.push(`${r.status()} ${type} ${new URL(r.url()).pathname}`);
  });
}

// Logs in through the login form, found by its labels in the page's own
// language, and waits for the home page.
export async function login(page, who, password = DEMO_PASSWORD) {
  await page.goto('/login');
  const L = await htmlLang(page);
  await page.getByLabel(t(L, 'field.login'), { exact: true }).fill(who);
  await page.getByLabel(t(L, 'field.password'), { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.locator('main').getByRole('button', { name: t(L, 'login.submit'), exact: true }).click(),
  ]);
}

// Switches the language with the top-bar button of that language.
export async function switchLanguage(page, locale) {
  const name = locale === 'en' ? 'English' : '中文';
  const before = page.url();
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/lang') && r.request().method() === 'POST'),
    page.locator('header form.lang').getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
  return before;
}

export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

// Waits until htmx (deferred script) is ready, so live filters are wired.
export async function htmxReady(page) {
  await page.waitForFunction(() => window.htmx && document.readyState === 'complete');
}

// Runs axe-core on the page (the context must have bypassCSP: the page's CSP
// forbids inline scripts, and playwright's addScriptTag injects the library
// as an inline script). Returns violations of impact serious or critical.
export async function axeSerious(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      html: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 200)),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// The demo person's id by login, through the JSON API.
export async function userId(server, login) {
  const r = await server.api('admin', 'GET', '/api/v1/users?limit=200');
  const u = r.json.items.find((x) => x.login === login);
  if (!u) throw new Error(`no user ${login}`);
  return u.id;
}

export async function teamId(server, name) {
  const r = await server.api('admin', 'GET', '/api/v1/teams?limit=200');
  const t = r.json.items.find((x) => x.name === name);
  if (!t) throw new Error(`no team ${name}`);
  return t.id;
}

// The message catalogs (web/i18n/LOCALE.txt and each module's
// web/i18n/MODULE.LOCALE.txt), read the way src/base/i18n.c
// reads them, so tests find labels and buttons by their visible text in
// either language: t('en', 'field.team_name'). Missing in a locale → English
// → the key itself, as the server does. The binary embeds the catalogs at
// build time: rebuild after they change.
const catalogs = {};
function catalog(locale) {
  if (catalogs[locale]) return catalogs[locale];
  const dir = resolve(ROOT, 'web/i18n');
  const files = [`${locale}.txt`, ...readdirSync(dir).filter((f) => f.endsWith(`.${locale}.txt`)).sort()];
  const map = new Map();
  for (const name of files) {
    const file = resolve(dir, name);
    if (!existsSync(file)) continue;
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.replace(/^[ \t]+|[ \t\r]+$/g, '');
      if (!line || line.startsWith('#')) continue;
      const eq = line.indexOf(' = ');
      if (eq < 0) continue;
      map.set(line.slice(0, eq).trim(), line.slice(eq + 3).replace(/\\n/g, '\n'));
    }
  }
  catalogs[locale] = map;
  return map;
}

export function t(locale, key, ...args) {
  let v = catalog(locale).get(key) ?? catalog('en').get(key) ?? key;
  args.forEach((a, i) => { v = v.split(`{${i + 1}}`).join(String(a)); });
  return v;
}

// Escapes a string for use inside a RegExp.
export function re(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// Stops the server and checks it went cleanly: exit code 0 and no sanitizer
// report in its log (under ASan/UBSan a memory error aborts or prints one).
export async function stopCleanly(server) {
  const exited = await server.stop();
  const log = server.log();
  const problems = [];
  if (!exited || exited.code !== 0) problems.push(`exit ${JSON.stringify(exited)}`);
  const m = log.match(/(ERROR: AddressSanitizer|runtime error|ERROR: LeakSanitizer)[^\n]*/);
  if (m) problems.push(m[0]);
  return { problems, log };
}
