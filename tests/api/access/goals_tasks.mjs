// Access rows for the goals ↔ tasks routes of issue 3's last part: marking a
// checkpoint done (API and goal page) and the CSV import page. Same shape and
// callers as the big table in access.test.mjs; goal targets are team goals of
// team A / B owned by that team's supervisor, each call on a fresh checkpoint.
export const rows = [
  ['PATCH',  '/api/v1/goals/{id}/checkpoints/{cp}', 'goal', 401, 403,    [403, 404], [200, 404], [404, 200], 200],
  ['POST',   '/goals/{id}/checkpoints/{cp}',  'goal',    401,  403,        [403, 404], [303, 404], [404, 303], 303],
  ['GET',    '/tasks/import',                 null,      303,  403,        200,        200,        200,        200],
  ['POST',   '/tasks/import',                 null,      401,  403,        200,        200,        200,        200],
];

const GOAL_OWNER = { A: 'lina', B: 'zhaolei' };

export function requests(ctx) {
  async function checkpoint(T) {
    const users = (await ctx.adminApi('GET', '/api/v1/users?limit=200')).items;
    const owner = users.find((u) => u.login === GOAL_OWNER[T]);
    const g = await ctx.adminApi('POST', '/api/v1/goals', {
      level: 'team', team_id: ctx.fx.team[T].id, owner_id: owner.id, title: `矩阵检查点目标${ctx.seq()}`,
      period: 'custom', start_date: '2030-01-01', end_date: '2030-12-31',
    });
    const cp = await ctx.adminApi('POST', `/api/v1/goals/${g.id}/checkpoints`, { title: `矩阵检查点${ctx.seq()}`, date: '2030-05-01' });
    return { g, cp };
  }
  return {
    'PATCH /api/v1/goals/{id}/checkpoints/{cp}': async (c, T) => {
      const { g, cp } = await checkpoint(T);
      return { path: `/api/v1/goals/${g.id}/checkpoints/${cp.id}`, body: { done: true }, headers: { 'If-Match': `"${cp.version}"` } };
    },
    'POST /goals/{id}/checkpoints/{cp}': async (c, T) => {
      const { g, cp } = await checkpoint(T);
      return { path: `/goals/${g.id}/checkpoints/${cp.id}`, form: { version: String(cp.version), done: '1' } };
    },
    'GET /tasks/import': async () => ({ path: '/tasks/import' }),
    // A row the model refuses, imported with "valid rows only": 200 and nothing written.
    'POST /tasks/import': async () => ({ path: '/tasks/import', form: { csv: 'title,owner\r\n矩阵导入,nobody\r\n', mode: 'valid' } }),
  };
}
