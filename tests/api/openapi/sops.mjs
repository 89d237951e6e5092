// The sops module's part of the OpenAPI tour (tests/api/openapi.test.mjs):
// one successful call of each operation of web/openapi/sops.json, and the
// request-body targets for the documented-fields check.
const STEPS = [
  { name: '受理', role: '客服', time_standard_s: 600, checklist: ['核对订单'] },
  { name: '复核', role: '主管', conditional: true, condition: '金额较大' },
];

export async function tour({ call, ids }) {
  const c = await call('lina', 'POST', '/api/v1/sops', { title: '文档流程', team_id: ids.team, review_every_days: 30, steps: STEPS }, {}, 201);
  const id = c.json.id;
  await call('lina', 'GET', '/api/v1/sops?limit=5&status=draft', undefined, {}, 200);
  const v1 = await call('lina', 'GET', `/api/v1/sops/${id}/versions/1`, undefined, {}, 200);
  await call('lina', 'PATCH', `/api/v1/sops/${id}/versions/1`, { change_note: '初稿' }, { 'If-Match': v1.headers.get('etag') }, 200);
  await call('lina', 'POST', `/api/v1/sops/${id}/versions/1/publish`, undefined, {}, 200);
  await call('lina', 'POST', `/api/v1/sops/${id}/versions`, { change_note: '第二版' }, {}, 201);
  const one = await call('lina', 'GET', `/api/v1/sops/${id}`, undefined, {}, 200);
  const two = await call('lina', 'PATCH', `/api/v1/sops/${id}`, { review_every_days: 60 }, { 'If-Match': one.headers.get('etag') }, 200);
  await call('lina', 'GET', `/api/v1/sops/${id}/versions`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/sops/${id}/diff?from=1&to=2`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/sops/${id}/versions/1/flowchart.svg`, undefined, {}, 200);
  const g = await call('lina', 'POST', `/api/v1/sops/${id}/suggestions`, { text: '文档建议' }, {}, 201);
  await call('lina', 'GET', `/api/v1/sops/${id}/suggestions`, undefined, {}, 200);
  await call('lina', 'POST', `/api/v1/sops/${id}/suggestions/${g.json.id}/vote`, undefined, {}, 200);
  await call('lina', 'PATCH', `/api/v1/sops/${id}/suggestions/${g.json.id}`, { status: 'accepted' }, { 'If-Match': '"1"' }, 200);
  const three = await call('lina', 'POST', `/api/v1/sops/${id}/review`, undefined, {}, 200);
  await call('lina', 'DELETE', `/api/v1/sops/${id}`, undefined, { 'If-Match': three.headers.get('etag') }, 204);
  void two;
}

export function bodyTargets({ server, ids }) {
  let sop = null;
  async function fixture() {
    if (!sop) sop = (await server.api('admin', 'POST', '/api/v1/sops', { title: '字段流程', team_id: ids.team, steps: STEPS })).json;
    return sop;
  }
  return {
    'POST /api/v1/sops': async () => ({ path: '/api/v1/sops', base: { title: '字段流程', team_id: ids.team } }),
    'PATCH /api/v1/sops/{id}': async () => ({ path: `/api/v1/sops/${(await fixture()).id}`, headers: { 'If-Match': '"1"' } }),
    'POST /api/v1/sops/{id}/versions': async () => ({ path: `/api/v1/sops/${(await fixture()).id}/versions` }),
    'PATCH /api/v1/sops/{id}/versions/{n}': async () => ({ path: `/api/v1/sops/${(await fixture()).id}/versions/1`, headers: { 'If-Match': '"1"' } }),
    'POST /api/v1/sops/{id}/suggestions': async () => ({ path: `/api/v1/sops/${(await fixture()).id}/suggestions`, base: { text: '字段建议' } }),
    'PATCH /api/v1/sops/{id}/suggestions/{sid}': async () => {
      const s = await fixture();
      const g = (await server.api('admin', 'POST', `/api/v1/sops/${s.id}/suggestions`, { text: '字段建议' })).json;
      return { path: `/api/v1/sops/${s.id}/suggestions/${g.id}`, base: { status: 'done' }, headers: { 'If-Match': '"1"' } };
    },
  };
}
