// Access rows of the runs module (src/runs): A = a run of a published SOP of
// 售前咨询组, B = one of 仓储物流部; the SOPs and runs are made by admin, a fresh
// run for every call that changes one. Step routes act on the first step
// ("准备", with one checklist item); complete and checks get a run whose first
// step admin has started.

// prettier-ignore
export const rows = [
  // method  pattern                                          target  anon  viewer      member      sup         othersup    admin
  ['GET',    '/api/v1/runs',                                  null,   401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/runs',                                  'sop',  401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/runs/{id}',                             'run',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/runs/{id}/cancel',                      'run',  401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/runs/{id}/steps/{step_id}/start',       'run',  401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/runs/{id}/steps/{step_id}/complete',    'run',  401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/runs/{id}/steps/{step_id}/skip',        'run',  401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/runs/{id}/steps/{step_id}/checks/{item}', 'run', 401, 403,        [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/sops/{id}/analysis',                    'sop',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/runs',                                         null,   303,  200,        200,        200,        200,        200],
  ['POST',   '/runs',                                         'sop',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['GET',    '/runs/{id}',                                    'run',  303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/runs/{id}/cancel',                             'run',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/runs/{id}/steps/{step_id}/start',              'run',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/runs/{id}/steps/{step_id}/complete',           'run',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/runs/{id}/steps/{step_id}/skip',               'run',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/runs/{id}/steps/{step_id}/checks/{item}',      'run',  401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['GET',    '/sops/{id}/analysis',                           'sop',  303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
];

export function requests(ctx) {
  const sops = {};
  // The published SOP of the target team (made once).
  async function sopOf(T) {
    if (!sops[T]) {
      const users = (await ctx.adminApi('GET', '/api/v1/users?limit=200')).items;
      const owner = users.find((u) => u.login === (T === 'A' ? 'lina' : 'zhaolei'));
      const s = await ctx.adminApi('POST', '/api/v1/sops', {
        title: `矩阵流程${T}`, team_id: ctx.fx.team[T].id, owner_id: owner.id,
        steps: [{ name: '准备', checklist: ['核对单据'] }, { name: '执行' }],
      });
      await ctx.adminApi('POST', `/api/v1/sops/${s.id}/versions/1/publish`);
      sops[T] = s;
    }
    return sops[T];
  }
  // A fresh run of the target's SOP; started: its first step already in progress (ticked).
  async function freshRun(T, started = false) {
    const run = await ctx.adminApi('POST', '/api/v1/runs', { sop_id: (await sopOf(T)).id, reference: `矩阵单号${ctx.seq()}` });
    const step = run.steps[0];
    if (!started) return { run, step };
    const r = await ctx.adminApi('POST', `/api/v1/runs/${run.id}/steps/${step.step_id}/start`, undefined, { 'If-Match': '"1"' });
    await ctx.adminApi('POST', `/api/v1/runs/${run.id}/steps/${step.step_id}/checks/1`, { checked: true });
    return { run: r, step: r.steps[0] };
  }
  const base = (run, step, action) => `/runs/${run.id}/steps/${step.step_id}/${action}`;
  const ifMatch = (v) => ({ 'If-Match': `"${v}"` });
  return {
    'GET /api/v1/runs': () => ({ path: '/api/v1/runs' }),
    'POST /api/v1/runs': async (c, T) => ({ path: '/api/v1/runs', body: { sop_id: (await sopOf(T)).id, reference: `矩阵新单${ctx.seq()}` } }),
    'GET /api/v1/runs/{id}': async (c, T) => ({ path: `/api/v1/runs/${(await freshRun(T)).run.id}` }),
    'POST /api/v1/runs/{id}/cancel': async (c, T) => {
      const { run } = await freshRun(T);
      return { path: `/api/v1/runs/${run.id}/cancel`, headers: ifMatch(run.version) };
    },
    'POST /api/v1/runs/{id}/steps/{step_id}/start': async (c, T) => {
      const { run, step } = await freshRun(T);
      return { path: '/api/v1' + base(run, step, 'start'), headers: ifMatch(step.version) };
    },
    'POST /api/v1/runs/{id}/steps/{step_id}/complete': async (c, T) => {
      const { run, step } = await freshRun(T, true);
      return { path: '/api/v1' + base(run, step, 'complete'), headers: ifMatch(step.version) };
    },
    'POST /api/v1/runs/{id}/steps/{step_id}/skip': async (c, T) => {
      const { run, step } = await freshRun(T);
      return { path: '/api/v1' + base(run, step, 'skip'), body: { reason: '矩阵跳过' }, headers: ifMatch(step.version) };
    },
    'POST /api/v1/runs/{id}/steps/{step_id}/checks/{item}': async (c, T) => {
      const { run, step } = await freshRun(T, true);
      return { path: '/api/v1' + base(run, step, 'checks/1'), body: { checked: false } };
    },
    'GET /api/v1/sops/{id}/analysis': async (c, T) => ({ path: `/api/v1/sops/${(await sopOf(T)).id}/analysis` }),
    'GET /runs': () => ({ path: '/runs' }),
    'POST /runs': async (c, T) => ({ path: '/runs', form: { sop_id: String((await sopOf(T)).id), reference: `矩阵页面单${ctx.seq()}` } }),
    'GET /runs/{id}': async (c, T) => ({ path: `/runs/${(await freshRun(T)).run.id}` }),
    'POST /runs/{id}/cancel': async (c, T) => {
      const { run } = await freshRun(T);
      return { path: `/runs/${run.id}/cancel`, form: { version: String(run.version) } };
    },
    'POST /runs/{id}/steps/{step_id}/start': async (c, T) => {
      const { run, step } = await freshRun(T);
      return { path: base(run, step, 'start'), form: { version: String(step.version) } };
    },
    'POST /runs/{id}/steps/{step_id}/complete': async (c, T) => {
      const { run, step } = await freshRun(T, true);
      return { path: base(run, step, 'complete'), form: { version: String(step.version) } };
    },
    'POST /runs/{id}/steps/{step_id}/skip': async (c, T) => {
      const { run, step } = await freshRun(T);
      return { path: base(run, step, 'skip'), form: { version: String(step.version), reason: '矩阵页面跳过' } };
    },
    'POST /runs/{id}/steps/{step_id}/checks/{item}': async (c, T) => {
      const { run, step } = await freshRun(T, true);
      return { path: base(run, step, 'checks/1'), form: { checked: '0' } };
    },
    'GET /sops/{id}/analysis': async (c, T) => ({ path: `/sops/${(await sopOf(T)).id}/analysis` }),
  };
}
