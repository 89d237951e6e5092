// Every page, in both languages, at desktop (1280×800) and phone (390×844)
// width: axe-core finds no serious or critical violation, every form control
// has a unique id and its own label, a phone never scrolls sideways, and a
// screenshot of each lands in build/test-artifacts/ (NAME-LOCALE-VIEWPORT.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, stopCleanly, launch, newContext, login, switchLanguage, htmlLang, axeSerious, userId, artifactPath,
  VIEWPORTS, LOCALES,
} from './browser.mjs';

let server, browser;
let PAGES; // name → path; 'login' is visited logged out

before(async () => {
  server = await startServer();
  browser = await launch();
  PAGES = {
    home: '/',
    teams: '/teams',
    people: '/people',
    person: `/people/${await userId(server, 'wangfang')}`,
    profile: '/profile',
    tokens: '/tokens',
    audit: '/audit',
    notifications: '/notifications',
    login: '/login',
    error: '/people/999999',
  };
});

// Normally the last test has closed both; this is for a run cut short.
after(async () => {
  await browser?.close();
  await server?.stop();
});

// A context in `locale`, logged in as admin (or not, for the login page),
// with the language chosen through the top-bar button.
async function contextFor(locale, { loggedIn, bypassCSP = false }) {
  const ctx = await newContext(browser, server, { locale, bypassCSP });
  const page = await ctx.newPage();
  if (loggedIn) await login(page, 'admin');
  else await page.goto('/login');
  if (await htmlLang(page) !== locale) await switchLanguage(page, locale);
  return { ctx, page };
}

// Visits every page of one login state in one locale, calling fn(page, name,
// viewportName) at each viewport.
async function visitAll(locale, { bypassCSP }, fn) {
  for (const loggedIn of [true, false]) {
    const { ctx, page } = await contextFor(locale, { loggedIn, bypassCSP });
    for (const [name, path] of Object.entries(PAGES)) {
      if ((name === 'login') === loggedIn) continue;
      const res = await page.goto(path);
      const expected = name === 'error' ? 404 : 200;
      assert.equal(res.status(), expected, `${path} answered ${res.status()}`);
      assert.equal(await htmlLang(page), locale, `${path} is in ${locale}`);
      for (const [vp, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        await fn(page, name, vp);
      }
      await page.setViewportSize(VIEWPORTS.desktop);
    }
    assert.deepEqual(ctx.pageErrors, [], 'script errors');
    assert.deepEqual(ctx.consoleErrors, [], 'console errors (CSP refusals included)');
    await ctx.close();
  }
}

test('7. axe: no serious or critical violation on any page, both languages, desktop and phone', async () => {
  const found = [];
  for (const locale of LOCALES) {
    // bypassCSP only so that axe-core can be injected: the page's CSP
    // (script-src 'self') refuses the inline script addScriptTag creates.
    // Screenshots and every other test run with the CSP in force.
    await visitAll(locale, { bypassCSP: true }, async (page, name, vp) => {
      for (const v of await axeSerious(page)) found.push({ page: `${name}-${locale}-${vp}`, ...v });
    });
  }
  // Grouped by rule and target, with the pages where each shows, so a
  // failure reads as a short to-do list.
  const groups = new Map();
  for (const v of found) {
    for (let i = 0; i < v.targets.length; i++) {
      const key = `${v.impact} ${v.id} (${v.help})\n      ${v.html[i] || v.targets[i]}`;
      if (!groups.has(key)) groups.set(key, { targets: new Set(), pages: [] });
      groups.get(key).targets.add(v.targets[i]);
      groups.get(key).pages.push(v.page);
    }
  }
  const report = [...groups].map(([k, g]) => `${k}\n      target ${[...g.targets].join(' | ')}\n      on ${g.pages.join(' ')}`);
  assert.equal(report.length, 0, `axe violations:\n  ${report.join('\n  ')}`);
});

test('7b. every form control has a unique id and a label of its own', async () => {
  const found = [];
  for (const locale of LOCALES) {
    for (const loggedIn of [true, false]) {
      const { ctx, page } = await contextFor(locale, { loggedIn });
      for (const [name, path] of Object.entries(PAGES)) {
        if ((name === 'login') === loggedIn) continue;
        await page.goto(path);
        const problems = await page.evaluate(() => {
          const out = [];
          const ids = new Map();
          for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
          for (const [id, n] of ids) if (n > 1) out.push(`id "${id}" used ${n} times`);
          for (const label of document.querySelectorAll('label[for]'))
            if (!document.getElementById(label.htmlFor)) out.push(`label for="${label.htmlFor}" names no element`);
          for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            // .labels follows for= to the first element with that id only, so
            // a control sharing its id with an earlier one ends up unlabelled.
            if (!el.labels || el.labels.length === 0) out.push(`${el.outerHTML.slice(0, 90)} has no label`);
          }
          return out;
        });
        for (const p of problems) found.push(`${name}-${locale}: ${p}`);
      }
      await ctx.close();
    }
  }
  assert.deepEqual([...new Set(found)], []);
});

const overflow = [];
test('8. screenshots of every page, both languages, desktop and phone', async () => {
  const saved = [];
  for (const locale of LOCALES) {
    await visitAll(locale, { bypassCSP: false }, async (page, name, vp) => {
      const file = artifactPath(`${name}-${locale}-${vp}.png`);
      await page.screenshot({ path: file, fullPage: true });
      saved.push(file);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > page.viewportSize().width) overflow.push(`${name}-${locale}-${vp}: page is ${wide}px wide`);
    });
  }
  assert.equal(saved.length, Object.keys(PAGES).length * LOCALES.length * Object.keys(VIEWPORTS).length);
});

test('8b. no page scrolls sideways (tables scroll inside their own box)', () => {
  assert.deepEqual(overflow, []);
});

test('the server shuts down cleanly (no sanitizer report)', async () => {
  await browser.close();
  browser = null;
  const { problems, log } = await stopCleanly(server);
  server = null;
  assert.deepEqual(problems, [], log.slice(-4000));
});
