// The runs module's part of the OpenAPI tour (tests/api/openapi.test.mjs):
// one successful call of each operation of web/openapi/runs.json, and the
// request-body targets for the documented-fields check. The SOPs run here are
// made through the sops API (lina, 客服部).
const STEPS = [{ name: '登记', checklist: ['核对单据'] }, { name: '处理' }, { name: '回访' }];

async function publishedSop(server, ids, title) {
  const users = (await server.api('admin', 'GET', '/api/v1/users?limit=200')).json.items;
  const sop = (await server.api('lina', 'POST', '/api/v1/sops', { title, team_id: ids.team, owner_id: users.find((u) => u.login === 'lina').id, steps: STEPS })).json;
  await server.api('lina', 'POST', `/api/v1/sops/${sop.id}/versions/1/publish`);
  return sop;
}

export async function tour({ server, call, ids }) {
  const sop = await publishedSop(server, ids, '文档执行流程');
  const run = (await call('lina', 'POST', '/api/v1/runs', { sop_id: sop.id, reference: 'DOC-1' }, {}, 201)).json;
  await call('lina', 'GET', `/api/v1/runs?sop_id=${sop.id}&status=open&limit=5`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/runs/${run.id}`, undefined, {}, 200);
  const [a, b] = run.steps;
  const started = await call('lina', 'POST', `/api/v1/runs/${run.id}/steps/${a.step_id}/start`, undefined, { 'If-Match': `"${a.version}"` }, 200);
  await call('lina', 'POST', `/api/v1/runs/${run.id}/steps/${a.step_id}/checks/1`, { checked: true }, {}, 200);
  await call('lina', 'POST', `/api/v1/runs/${run.id}/steps/${a.step_id}/complete`, undefined, { 'If-Match': started.headers.get('etag') }, 200);
  await call('lina', 'POST', `/api/v1/runs/${run.id}/steps/${b.step_id}/skip`, { reason: '文档跳过' }, { 'If-Match': `"${b.version}"` }, 200);
  await call('lina', 'GET', `/api/v1/sops/${sop.id}/analysis?runs=all`, undefined, {}, 200);
  const cur = await call('lina', 'GET', `/api/v1/runs/${run.id}`, undefined, {}, 200);
  await call('lina', 'POST', `/api/v1/runs/${run.id}/cancel`, undefined, { 'If-Match': cur.headers.get('etag') }, 200);
}

export function bodyTargets({ server, ids }) {
  let sop = null;
  const fixture = async () => (sop ??= await publishedSop(server, ids, '字段执行流程'));
  let n = 0;
  // A fresh run whose first step is in progress (checks), or pending (skip).
  async function freshRun(started) {
    const run = (await server.api('admin', 'POST', '/api/v1/runs', { sop_id: (await fixture()).id, reference: `字段单号${++n}` })).json;
    const step = run.steps[0];
    if (started) await server.api('admin', 'POST', `/api/v1/runs/${run.id}/steps/${step.step_id}/start`, undefined, { 'If-Match': '"1"' });
    return { run, step };
  }
  return {
    'POST /api/v1/runs': async () => ({ path: '/api/v1/runs', base: { sop_id: (await fixture()).id, reference: `字段新单${++n}` } }),
    'POST /api/v1/runs/{id}/steps/{step_id}/skip': async () => {
      const { run, step } = await freshRun(false);
      return { path: `/api/v1/runs/${run.id}/steps/${step.step_id}/skip`, base: { reason: '字段跳过' }, headers: { 'If-Match': '"1"' } };
    },
    'POST /api/v1/runs/{id}/steps/{step_id}/checks/{item}': async () => {
      const { run, step } = await freshRun(true);
      return { path: `/api/v1/runs/${run.id}/steps/${step.step_id}/checks/1`, base: { checked: true } };
    },
  };
}
