// The goals/tasks operations added after the main tour of
// tests/api/openapi.test.mjs was written: marking a checkpoint done.
async function checkpoint(server, call) {
  const admin = (method, path, body) => (call ? call('admin', method, path, body, {}, method === 'POST' ? 201 : 200)
    : server.api('admin', method, path, body));
  const g = await admin('POST', '/api/v1/goals', { level: 'company', title: '文档检查点目标', period: 'quarter', start_date: '2030-01-01' });
  const cp = await admin('POST', `/api/v1/goals/${g.json.id}/checkpoints`, { title: '文档里程碑', date: '2030-02-01' });
  return { goal: g.json, cp: cp.json };
}

export async function tour({ server, call }) {
  const { goal, cp } = await checkpoint(server, call);
  await call('admin', 'PATCH', `/api/v1/goals/${goal.id}/checkpoints/${cp.id}`, { done: true }, { 'If-Match': `"${cp.version}"` }, 200);
}

export function bodyTargets({ server }) {
  return {
    'PATCH /api/v1/goals/{id}/checkpoints/{cp}': async () => {
      const { goal, cp } = await checkpoint(server);
      return { path: `/api/v1/goals/${goal.id}/checkpoints/${cp.id}`, base: { done: true }, headers: { 'If-Match': `"${cp.version}"` } };
    },
  };
}
