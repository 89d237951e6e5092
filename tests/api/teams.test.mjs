// Teams: the tree (order, scope), create, rename, move with its subtree,
// cycles, duplicate sibling names, delete, ETag / If-Match, and the audit
// rows written with each change. One server for the whole file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertProblem, etagVersion, auditHead, stopServer } from './harness.mjs';

let s;
const ids = {}; // demo team name → id

before(async () => {
  s = await startServer();
  const r = await s.api('admin', 'GET', '/api/v1/teams');
  for (const t of r.json.items) ids[t.name] = t.id;
});
after(async () => { await stopServer(s); });

let seq = 0;
const unique = (base) => `${base}${++seq}`;

async function createTeam(name, parent_id, who = 'admin') {
  const body = parent_id === undefined ? { name } : { name, parent_id };
  const r = await s.api(who, 'POST', '/api/v1/teams', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function getTeam(id, who = 'admin') {
  const r = await s.api(who, 'GET', `/api/v1/teams/${id}`);
  assert.equal(r.status, 200, r.text);
  return r;
}

async function patchTeam(id, body, who = 'admin') {
  const cur = await getTeam(id, 'admin');
  return s.api(who, 'PATCH', `/api/v1/teams/${id}`, body, { 'If-Match': cur.headers.get('etag') });
}

// Expected depth-first order: children right after their parent, siblings by name (code point order).
function treeOrder(items) {
  const byParent = new Map();
  const present = new Set(items.map((t) => t.id));
  for (const t of items) {
    const key = t.parent_id !== null && present.has(t.parent_id) ? t.parent_id : 0;
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(t);
  }
  const cmp = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id);
  const out = [];
  const walk = (key) => { for (const t of (byParent.get(key) || []).sort(cmp)) { out.push(t.id); walk(t.id); } };
  walk(0);
  return out;
}

describe('team tree', () => {
  it('lists every team in tree order with paths and depths that agree', async () => {
    const r = await s.api('admin', 'GET', '/api/v1/teams');
    assert.equal(r.status, 200);
    assert.equal(r.json.next_cursor, null);
    const items = r.json.items;
    assert.ok(items.length >= 7);
    assert.deepEqual(items.map((t) => t.id), treeOrder(items));
    const byId = new Map(items.map((t) => [t.id, t]));
    for (const t of items) {
      const parent = t.parent_id ? byId.get(t.parent_id) : null;
      assert.equal(t.path, (parent ? parent.path : '/') + `${t.id}/`);
      assert.equal(t.depth, parent ? parent.depth + 1 : 0);
    }
    // The demo tree: 运营中心 > {仓储物流部, 客服部 > {售前咨询组, 售后服务组}, 数据分析组, 电商运营部}
    const demo = items.filter((t) => ['运营中心', '客服部', '售前咨询组', '售后服务组', '仓储物流部', '电商运营部', '数据分析组'].includes(t.name));
    assert.deepEqual(demo.map((t) => t.name), ['运营中心', '仓储物流部', '客服部', '售前咨询组', '售后服务组', '数据分析组', '电商运营部']);
  });

  it('shows each caller only their team and its sub-teams', async () => {
    const lina = await s.api('lina', 'GET', '/api/v1/teams');
    assert.deepEqual(lina.json.items.map((t) => t.name), ['客服部', '售前咨询组', '售后服务组']);
    for (const t of lina.json.items) assert.ok(t.path.startsWith(`/${ids['运营中心']}/${ids['客服部']}/`), t.path);
    const wang = await s.api('wangfang', 'GET', '/api/v1/teams');
    for (const t of wang.json.items) assert.ok(t.path.includes(`/${ids['售前咨询组']}/`), t.path);
    assert.equal(wang.json.items[0].name, '售前咨询组');
    const viewer = await s.api('qianhao', 'GET', '/api/v1/teams');
    assert.ok(viewer.json.items.length >= 7);
  });

  it('counts active members of each team', async () => {
    const r = await getTeam(ids['售前咨询组']);
    assert.equal(r.json.members, 2); // wangfang, liuyang
  });
});

describe('create', () => {
  it('creates a team with Location, ETag and an audit row holding the new record', async () => {
    const head = await auditHead(s);
    const r = await s.api('admin', 'POST', '/api/v1/teams', { name: '  客户成功组  ', parent_id: ids['客服部'] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, '客户成功组', 'the name is trimmed');
    assert.equal(r.headers.get('location'), `/api/v1/teams/${r.json.id}`);
    assert.equal(etagVersion(r), r.json.version);
    assert.equal(r.json.version, 1);
    assert.equal(r.json.parent_id, ids['客服部']);
    assert.equal(r.json.depth, 2);
    const got = await getTeam(r.json.id);
    assert.deepEqual(got.json, r.json);
    assert.equal(got.headers.get('etag'), r.headers.get('etag'));
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${r.json.id}`);
    assert.equal(audit.json.items.length, 1);
    const row = audit.json.items[0];
    assert.ok(row.id > head);
    assert.equal(row.action, 'create');
    assert.equal(row.before, null);
    assert.deepEqual(row.after, r.json);
    assert.equal(row.user_name, '系统管理员');
  });

  it('lets a supervisor create under a team they manage, not elsewhere', async () => {
    const ok = await s.api('lina', 'POST', '/api/v1/teams', { name: unique('质检小组'), parent_id: ids['售后服务组'] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.path, `/${ids['运营中心']}/${ids['客服部']}/${ids['售后服务组']}/${ok.json.id}/`);
    const head = await auditHead(s);
    assertProblem(await s.api('lina', 'POST', '/api/v1/teams', { name: unique('越权组'), parent_id: ids['仓储物流部'] }), 404);
    assertProblem(await s.api('lina', 'POST', '/api/v1/teams', { name: unique('顶层组') }), 403, 'parent_id');
    assertProblem(await s.api('lina', 'POST', '/api/v1/teams', { name: unique('上级组'), parent_id: ids['运营中心'] }), 404);
    assertProblem(await s.api('wangfang', 'POST', '/api/v1/teams', { name: unique('成员组'), parent_id: ids['售前咨询组'] }), 403);
    assert.equal(await auditHead(s), head, 'nothing was written');
  });

  it('lets an admin create a top-level team', async () => {
    const t = await createTeam(unique('外包团队'), null);
    assert.equal(t.parent_id, null);
    assert.equal(t.path, `/${t.id}/`);
    assert.equal(t.depth, 0);
  });

  it('refuses a duplicate name among siblings (409 name) but allows it elsewhere', async () => {
    const head = await auditHead(s);
    assertProblem(await s.api('admin', 'POST', '/api/v1/teams', { name: '售前咨询组', parent_id: ids['客服部'] }), 409, 'name');
    assertProblem(await s.api('admin', 'POST', '/api/v1/teams', { name: ' 售前咨询组 ', parent_id: ids['客服部'] }), 409, 'name');
    assertProblem(await s.api('admin', 'POST', '/api/v1/teams', { name: '运营中心' }), 409, 'name');
    assert.equal(await auditHead(s), head);
    const elsewhere = await createTeam('售前咨询组', ids['仓储物流部']);
    assert.equal(elsewhere.name, '售前咨询组');
  });

  it('refuses an unknown parent (422 parent_id)', async () => {
    assertProblem(await s.api('admin', 'POST', '/api/v1/teams', { name: unique('孤儿组'), parent_id: 999999 }), 422, 'parent_id');
  });
});

describe('update, ETag and If-Match', () => {
  it('renames with If-Match; the ETag follows the version; the audit row has before and after', async () => {
    const t = await createTeam(unique('改名组'), ids['电商运营部']);
    const first = await getTeam(t.id);
    assert.equal(first.headers.get('etag'), '"1"');
    const r = await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: '直播运营组' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '直播运营组');
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal((await getTeam(t.id)).headers.get('etag'), '"2"');
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${t.id}&limit=1`);
    const row = audit.json.items[0];
    assert.equal(row.action, 'update');
    assert.equal(row.before.name, t.name);
    assert.equal(row.before.version, 1);
    assert.equal(row.after.name, '直播运营组');
    assert.equal(row.after.version, 2);
    // A weak tag from an intermediary names the same version.
    const weak = await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: '直播运营组二' }, { 'If-Match': 'W/"2"' });
    assert.equal(weak.status, 200, weak.text);
  });

  it('refuses an update without If-Match (428) or with a stale one (412), writing nothing', async () => {
    const t = await createTeam(unique('版本组'), ids['数据分析组']);
    await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: unique('版本组') }, { 'If-Match': '"1"' });
    const before = await getTeam(t.id);
    const head = await auditHead(s);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: '不该写入' }), 428, 'If-Match');
    const stale = assertProblem(await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: '不该写入' }, { 'If-Match': '"1"' }), 412);
    assert.ok(stale.errors.some((e) => e.field === 'If-Match' || e.field === 'version'), JSON.stringify(stale.errors));
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: '不该写入' }, { 'If-Match': 'garbage' }), 412, 'If-Match');
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/teams/${t.id}`), 428, 'If-Match');
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/teams/${t.id}`, undefined, { 'If-Match': '"1"' }), 412);
    const now = await getTeam(t.id);
    assert.deepEqual(now.json, before.json);
    assert.equal(now.headers.get('etag'), before.headers.get('etag'));
    assert.equal(await auditHead(s), head);
  });

  it('lets exactly one of several concurrent updates with the same If-Match win', async () => {
    const t = await createTeam(unique('并发组'), ids['数据分析组']);
    const head = await auditHead(s);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: `并发组-${i}` }, { 'If-Match': '"1"' })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200).json;
    const now = await getTeam(t.id);
    assert.equal(now.json.name, winner.name);
    assert.equal(now.json.version, 2);
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${t.id}`);
    assert.equal(audit.json.items.filter((a) => a.id > head).length, 1, 'one audit row for the one change');
  });

  it('refuses a rename onto a sibling\'s name (409) and empty or unknown fields (422)', async () => {
    const a = await createTeam(unique('甲组'), ids['电商运营部']);
    const b = await createTeam(unique('乙组'), ids['电商运营部']);
    assertProblem(await patchTeam(b.id, { name: a.name }), 409, 'name');
    assertProblem(await patchTeam(b.id, { name: '   ' }), 422, 'name');
    assertProblem(await patchTeam(b.id, { title: 'x' }), 422, 'title');
    assert.equal((await getTeam(b.id)).json.name, b.name);
  });
});

describe('move', () => {
  it('moves a team with its whole subtree (paths and depths re-rooted)', async () => {
    const a = await createTeam(unique('华东大区'), ids['电商运营部']);
    const b = await createTeam('杭州站', a.id);
    const c = await createTeam('西湖店', b.id);
    const r = await patchTeam(a.id, { parent_id: ids['仓储物流部'] });
    assert.equal(r.status, 200, r.text);
    const root = `/${ids['运营中心']}/${ids['仓储物流部']}/`;
    assert.equal(r.json.path, `${root}${a.id}/`);
    assert.equal(r.json.depth, 2);
    const [ga, gb, gc] = await Promise.all([a, b, c].map((t) => getTeam(t.id)));
    assert.equal(ga.json.parent_id, ids['仓储物流部']);
    assert.equal(gb.json.path, `${root}${a.id}/${b.id}/`);
    assert.equal(gb.json.depth, 3);
    assert.equal(gc.json.path, `${root}${a.id}/${b.id}/${c.id}/`);
    assert.equal(gc.json.depth, 4);
    assert.equal(gb.json.version, 1, 'descendants keep their version: only their path is derived');
    const list = await s.api('admin', 'GET', '/api/v1/teams');
    assert.deepEqual(list.json.items.map((t) => t.id), treeOrder(list.json.items));
    const order = list.json.items.map((t) => t.id);
    assert.ok(order.indexOf(ids['仓储物流部']) < order.indexOf(a.id) && order.indexOf(a.id) < order.indexOf(b.id) && order.indexOf(b.id) < order.indexOf(c.id));
    // The supervisor of the new parent now sees (and manages) the moved subtree; the old one does not.
    assert.equal((await s.api('zhaolei', 'GET', `/api/v1/teams/${c.id}`)).status, 200);
    assertProblem(await s.api('lina', 'GET', `/api/v1/teams/${c.id}`), 404);
  });

  it('refuses to move a team under itself or a descendant (422 parent_id), writing nothing', async () => {
    const a = await createTeam(unique('循环甲'), ids['数据分析组']);
    const b = await createTeam('循环乙', a.id);
    const c = await createTeam('循环丙', b.id);
    const head = await auditHead(s);
    for (const target of [a.id, b.id, c.id]) assertProblem(await patchTeam(a.id, { parent_id: target }), 422, 'parent_id');
    assertProblem(await patchTeam(b.id, { parent_id: c.id }), 422, 'parent_id');
    assert.equal(await auditHead(s), head);
    assert.equal((await getTeam(c.id)).json.path, `/${ids['运营中心']}/${ids['数据分析组']}/${a.id}/${b.id}/${c.id}/`);
  });

  it('moves a team to the top level (admin only) and back', async () => {
    const a = await createTeam(unique('独立组'), ids['数据分析组']);
    const b = await createTeam('子组', a.id);
    const up = await patchTeam(a.id, { parent_id: null });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.json.path, `/${a.id}/`);
    assert.equal((await getTeam(b.id)).json.path, `/${a.id}/${b.id}/`);
    const back = await patchTeam(a.id, { parent_id: ids['数据分析组'] });
    assert.equal(back.status, 200);
    assert.equal((await getTeam(b.id)).json.path, `/${ids['运营中心']}/${ids['数据分析组']}/${a.id}/${b.id}/`);
  });

  it('keeps a supervisor\'s moves inside their own subtree', async () => {
    const t = await createTeam(unique('客服培训组'), ids['售前咨询组']);
    const ok = await patchTeam(t.id, { parent_id: ids['售后服务组'] }, 'lina');
    assert.equal(ok.status, 200, ok.text);
    const head = await auditHead(s);
    assertProblem(await patchTeam(t.id, { parent_id: ids['仓储物流部'] }, 'lina'), 422, 'parent_id');
    assertProblem(await patchTeam(t.id, { parent_id: null }, 'lina'), 403, 'parent_id');
    assertProblem(await patchTeam(ids['仓储物流部'], { name: '抢来的' }, 'lina'), 404);
    assert.equal(await auditHead(s), head);
  });

  it('refuses a move that would put two siblings with one name together (409)', async () => {
    const a = await createTeam('重名组', ids['电商运营部']);
    const b = await createTeam('重名组', ids['数据分析组']);
    assertProblem(await patchTeam(b.id, { parent_id: ids['电商运营部'] }), 409, 'name');
    assert.equal((await getTeam(a.id)).json.parent_id, ids['电商运营部']);
  });
});

describe('delete', () => {
  it('refuses to delete a team that has sub-teams or people (409), writing nothing', async () => {
    const head = await auditHead(s);
    const kf = await getTeam(ids['客服部']);
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/teams/${ids['客服部']}`, undefined, { 'If-Match': kf.headers.get('etag') }), 409);
    const sq = await getTeam(ids['售前咨询组']);
    assertProblem(await s.api('admin', 'DELETE', `/api/v1/teams/${ids['售前咨询组']}`, undefined, { 'If-Match': sq.headers.get('etag') }), 409);
    assert.equal(await auditHead(s), head);
    assert.equal((await getTeam(ids['客服部'])).json.version, kf.json.version);
  });

  it('deletes an empty team (soft, audited); it disappears and its name is free again', async () => {
    const name = unique('临时组');
    const t = await createTeam(name, ids['售后服务组']);
    const r = await s.api('lina', 'DELETE', `/api/v1/teams/${t.id}`, undefined, { 'If-Match': '"1"' });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assertProblem(await s.api('admin', 'GET', `/api/v1/teams/${t.id}`), 404);
    assertProblem(await s.api('admin', 'PATCH', `/api/v1/teams/${t.id}`, { name: 'x' }, { 'If-Match': '"2"' }), 404);
    const list = await s.api('admin', 'GET', '/api/v1/teams');
    assert.ok(!list.json.items.some((x) => x.id === t.id));
    const audit = await s.api('admin', 'GET', `/api/v1/audit?entity=team&entity_id=${t.id}&limit=1`);
    assert.equal(audit.json.items[0].action, 'delete');
    assert.equal(audit.json.items[0].before.name, name);
    assert.equal(audit.json.items[0].after, null);
    await createTeam(name, ids['售后服务组']);
  });

  it('answers 404 for ids that never existed or are not numbers', async () => {
    assertProblem(await s.api('admin', 'GET', '/api/v1/teams/987654'), 404);
    assertProblem(await s.api('admin', 'GET', '/api/v1/teams/abc'), 404);
    assertProblem(await s.api('admin', 'GET', '/api/v1/teams/-1'), 404);
    assertProblem(await s.api('admin', 'GET', '/api/v1/teams/99999999999999999999999'), 404);
  });
});
