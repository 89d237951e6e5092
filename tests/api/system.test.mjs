// The web layer's own behaviour: /healthz, /metrics (Prometheus text), the
// security headers of every HTML response, the page language, and the
// embedded assets with their cache headers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sleep, stopServer } from './harness.mjs';

let s, admin, lina;
before(async () => {
  s = await startServer();
  admin = await s.browserLogin('admin');
  lina = await s.browserLogin('lina');
});
after(async () => { await stopServer(s); });

describe('/healthz', () => {
  it('answers 200 {"status":"ok"} without logging in', async () => {
    const r = await s.api(null, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
    assert.match(r.headers.get('content-type'), /^application\/json/);
  });
});

// Parses the Prometheus text format: { samples: [{ name, labels, value }], help, type }.
function parseMetrics(text) {
  const samples = [], help = new Map(), type = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let m;
    if ((m = line.match(/^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/))) { help.set(m[1], m[2]); continue; }
    if ((m = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/))) { type.set(m[1], m[2]); continue; }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const labels = {};
    if (m[2]) for (const [, k, v] of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, help, type };
}
const requests = (mx, route, status) =>
  mx.samples.find((x) => x.name === 'opsdesk_http_requests_total' && x.labels.route === route && x.labels.status === String(status))?.value ?? 0;

// Metrics are recorded when a response completes: poll briefly.
async function metricsWhen(pred) {
  let mx;
  for (let i = 0; i < 50; i++) {
    const r = await s.api(null, 'GET', '/metrics');
    assert.equal(r.status, 200);
    mx = parseMetrics(r.text);
    if (pred(mx)) return mx;
    await sleep(20);
  }
  return mx;
}

describe('/metrics', () => {
  it('is Prometheus text with HELP and TYPE for every metric', async () => {
    const r = await s.api(null, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const mx = parseMetrics(r.text);
    for (const name of ['opsdesk_http_requests_total', 'opsdesk_http_request_duration_seconds', 'opsdesk_db_time_seconds_total', 'opsdesk_db_connections', 'opsdesk_http_connections']) {
      assert.ok(mx.help.has(name), `HELP ${name}`);
      assert.ok(mx.type.has(name), `TYPE ${name}`);
    }
    assert.equal(mx.type.get('opsdesk_http_requests_total'), 'counter');
    assert.equal(mx.type.get('opsdesk_http_request_duration_seconds'), 'histogram');
  });

  it('counts requests by route pattern and status', async () => {
    const before = parseMetrics((await s.api(null, 'GET', '/metrics')).text);
    const ok0 = requests(before, 'GET /api/v1/teams', 200), nf0 = requests(before, 'GET /api/v1/teams/{id}', 404);
    const un0 = requests(before, 'ANY unmatched', 404), den0 = requests(before, 'GET /api/v1/audit', 403);
    for (let i = 0; i < 3; i++) await s.api('lina', 'GET', '/api/v1/teams');
    await s.api('lina', 'GET', '/api/v1/teams/424242');
    await s.api('lina', 'GET', '/api/v1/teams/424243');
    await s.api('lina', 'GET', '/api/v1/audit');
    await s.api(null, 'GET', '/no/such/page');
    const mx = await metricsWhen((m) => requests(m, 'GET /api/v1/teams', 200) >= ok0 + 3 && requests(m, 'ANY unmatched', 404) >= un0 + 1
      && requests(m, 'GET /api/v1/teams/{id}', 404) >= nf0 + 2 && requests(m, 'GET /api/v1/audit', 403) >= den0 + 1);
    assert.equal(requests(mx, 'GET /api/v1/teams', 200), ok0 + 3);
    assert.equal(requests(mx, 'GET /api/v1/teams/{id}', 404), nf0 + 2, 'by pattern, not by concrete path');
    assert.equal(requests(mx, 'GET /api/v1/audit', 403), den0 + 1);
    assert.equal(requests(mx, 'ANY unmatched', 404), un0 + 1);
    assert.ok(!mx.samples.some((x) => x.labels.route && x.labels.route.includes('424242')), 'no unbounded label values');
  });

  it('has a latency histogram, database time and connection gauges', async () => {
    await s.api('admin', 'GET', '/api/v1/users');
    const mx = await metricsWhen((m) => m.samples.some((x) => x.name === 'opsdesk_http_request_duration_seconds_count' && x.value > 0));
    const buckets = mx.samples.filter((x) => x.name === 'opsdesk_http_request_duration_seconds_bucket');
    assert.ok(buckets.length >= 5);
    assert.equal(buckets.at(-1).labels.le, '+Inf');
    const les = buckets.slice(0, -1).map((b) => Number(b.labels.le));
    assert.deepEqual(les, [...les].sort((a, b) => a - b), 'bucket bounds ascend');
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
    const count = mx.samples.find((x) => x.name === 'opsdesk_http_request_duration_seconds_count').value;
    const sum = mx.samples.find((x) => x.name === 'opsdesk_http_request_duration_seconds_sum').value;
    assert.equal(buckets.at(-1).value, count);
    assert.ok(sum > 0);
    const total = mx.samples.filter((x) => x.name === 'opsdesk_http_requests_total').reduce((a, x) => a + x.value, 0);
    assert.equal(total, count, 'every counted request is in the histogram');
    assert.ok(mx.samples.find((x) => x.name === 'opsdesk_db_time_seconds_total').value > 0);
    assert.ok(mx.samples.find((x) => x.name === 'opsdesk_db_connections').value >= 1);
    assert.ok(mx.samples.find((x) => x.name === 'opsdesk_http_connections').value >= 1, 'at least the connection asking');
  });
});

describe('security headers on HTML', () => {
  function checkHeaders(r, where) {
    assert.match(r.headers.get('content-type'), /^text\/html/, where);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `${where}: Content-Security-Policy`);
    const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => { const [k, ...v] = d.split(/\s+/); return [k, v]; }));
    const scripts = dirs['script-src'] || dirs['default-src'];
    assert.ok(scripts, `${where}: a script policy`);
    assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'") && !scripts.includes('*'), `${where}: ${csp}`);
    assert.deepEqual(dirs['frame-ancestors'], ["'none'"], where);
    assert.ok(dirs['object-src']?.includes("'none'"), `${where}: object-src 'none'`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', where);
    assert.ok(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(r.headers.get('referrer-policy')), `${where}: Referrer-Policy ${r.headers.get('referrer-policy')}`);
    // The policy forbids inline script: the HTML must not need any.
    for (const tag of r.text.match(/<script\b[^>]*>/gi) || []) assert.match(tag, /\bsrc="\/assets\//, `${where}: inline script ${tag}`);
    assert.ok(!/\son[a-z]+\s*=/i.test(r.text.replace(/<script\b[^>]*>/gi, '')), `${where}: inline event handler`);
    assert.ok(!/javascript:/i.test(r.text), `${where}: javascript: URL`);
  }

  it('sends them on every page, error pages and redirects included', async () => {
    checkHeaders(await s.page(null, '/login'), 'GET /login');
    for (const p of ['/', '/teams', '/people', '/tokens', '/profile', '/audit']) checkHeaders(await s.page(admin, p), `GET ${p}`);
    checkHeaders(await s.page(lina, '/audit'), '403 page');
    checkHeaders(await s.page(lina, '/people/999999'), '404 page');
    checkHeaders(await s.page(admin, '/no-such-page'), 'unknown page');
    checkHeaders(await s.form(null, '/login', { login: 'lina', password: 'wrong-password' }), 'failed login');
    const redirect = await s.page(null, '/teams');
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(redirect.headers.get('content-security-policy'));
  });

  it('keeps pages out of caches and JSON sniff-proof', async () => {
    assert.match((await s.page(admin, '/')).headers.get('cache-control'), /no-store/);
    const api = await s.api('admin', 'GET', '/api/v1/me');
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.match(api.headers.get('cache-control'), /no-store/);
  });
});

describe('page language', () => {
  const lang = (html) => html.match(/<html[^>]*\blang="([^"]+)"/)?.[1];
  const title = (html) => html.match(/<title>([^<]*)<\/title>/)?.[1];

  it('follows Accept-Language for anonymous visitors (zh-CN by default)', async () => {
    const cases = [
      ['en-US,en;q=0.9', 'en'], ['en', 'en'], ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'], ['zh-TW', 'zh-CN'],
      ['fr-FR, en;q=0.5', 'en'], ['en;q=0.2, zh;q=0.9', 'zh-CN'], ['fr', 'zh-CN'], ['', 'zh-CN'], ['en;q=0', 'zh-CN'],
    ];
    for (const [header, want] of cases) {
      const r = await s.page(null, '/login', header ? { 'Accept-Language': header } : {});
      assert.equal(lang(r.text), want, `Accept-Language: ${header}`);
    }
    const en = await s.page(null, '/login', { 'Accept-Language': 'en' });
    const zh = await s.page(null, '/login', { 'Accept-Language': 'zh-CN' });
    assert.notEqual(title(en.text), title(zh.text), 'the text is translated, not only the attribute');
    assert.match(title(zh.text), /[\u4e00-\u9fff]/);
    assert.match(title(en.text), /^[\x20-\x7e·]+$/);
  });

  it('prefers the language chosen with /lang, then the person\'s own setting', async () => {
    const chosen = await s.form(null, '/lang', { locale: 'en', next: '/login' });
    assert.equal(chosen.status, 303);
    const cookie = chosen.headers.getSetCookie().find((c) => c.startsWith('opsdesk_lang='));
    assert.match(cookie, /^opsdesk_lang=en;/);
    const r = await s.page({ cookie: cookie.split(';')[0] }, '/login', { 'Accept-Language': 'zh-CN' });
    assert.equal(lang(r.text), 'en');
    // A person's stored preference wins over the browser's header.
    const chen = await s.browserLogin('chenjing');
    const me = await s.sessionApi(chen, 'GET', '/api/v1/me');
    const set = await s.sessionApi(chen, 'PATCH', '/api/v1/me', { locale: 'en' }, { headers: { 'If-Match': me.headers.get('etag') } });
    assert.equal(set.status, 200, set.text);
    assert.equal(lang((await s.page(chen, '/', { 'Accept-Language': 'zh-CN' })).text), 'en');
    const unset = await s.sessionApi(chen, 'PATCH', '/api/v1/me', { locale: null }, { headers: { 'If-Match': set.headers.get('etag') } });
    assert.equal(unset.status, 200);
    assert.equal(lang((await s.page(chen, '/', { 'Accept-Language': 'en-GB' })).text), 'en');
    assert.equal(lang((await s.page(chen, '/', { 'Accept-Language': 'zh' })).text), 'zh-CN');
  });

  it('answers API errors in the caller\'s language', async () => {
    const en = await s.api('lina', 'GET', '/api/v1/audit', undefined, { 'Accept-Language': 'en' });
    const zh = await s.api('lina', 'GET', '/api/v1/audit', undefined, { 'Accept-Language': 'zh-CN' });
    assert.equal(en.status, 403);
    assert.notEqual(en.json.title, zh.json.title);
    assert.match(zh.json.title, /[\u4e00-\u9fff]/);
  });
});

describe('assets', () => {
  it('serves every asset a page links to, with long-lived cache headers and an ETag', async () => {
    const html = (await s.page(null, '/login')).text;
    const links = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(links.some((l) => l.startsWith('/assets/app.css?v=')), 'the stylesheet carries a version');
    assert.ok(links.some((l) => l.startsWith('/assets/htmx.min.js?v=')), 'htmx is served from the binary');
    for (const link of links) {
      const res = await fetch(s.url + link);
      assert.equal(res.status, 200, link);
      const cc = res.headers.get('cache-control');
      assert.match(cc, /public/, link);
      assert.ok(Number(cc.match(/max-age=(\d+)/)?.[1]) >= 86400 * 30, `${link}: ${cc}`);
      assert.match(res.headers.get('etag'), /^"[^"]+"$/, link);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', link);
      const type = res.headers.get('content-type');
      if (link.includes('.css')) assert.match(type, /^text\/css/);
      if (link.includes('.js')) assert.match(type, /^(text|application)\/javascript/);
      assert.ok((await res.arrayBuffer()).byteLength > 0, `${link} is not empty`);
    }
  });

  it('answers 304 to If-None-Match with the current ETag, 200 otherwise', async () => {
    const first = await fetch(s.url + '/assets/app.js');
    const etag = first.headers.get('etag');
    await first.arrayBuffer();
    const again = await fetch(s.url + '/assets/app.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    assert.equal(again.headers.get('etag'), etag);
    const stale = await fetch(s.url + '/assets/app.js', { headers: { 'If-None-Match': '"not-the-tag"' } });
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
  });

  it('serves only the public assets (404 for anything else)', async () => {
    for (const p of ['/assets/nothing.css', '/assets/i18n%2Fen.txt', '/assets/..%2F..%2Fetc%2Fpasswd', '/assets/i18n/en.txt', '/assets/']) {
      const res = await fetch(s.url + p);
      assert.equal(res.status, 404, p);
      await res.arrayBuffer();
    }
  });
});
