// Access rows for the SOP routes (src/sops): API and pages. Same shape and
// callers as the big table in access.test.mjs. Targets are SOPs of team A
// (售前咨询组, owned by wangfang — the member caller, so "owner" rules show)
// and B (仓储物流部, owned by huangmin), made by the admin and published with a
// 7-day review cycle; calls that change state take a fresh SOP or suggestion.
// prettier-ignore
export const rows = [
  // method  pattern                                        target anon  viewer      member      sup         othersup    admin
  ['GET',    '/api/v1/sops',                                null,  401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/sops',                                'team', 401, 403,        403,        [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/sops/{id}',                           'sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/sops/{id}',                           'sop', 401,  403,        403,        [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/sops/{id}',                           'sop', 401,  403,        403,        [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/sops/{id}/versions',                  'sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/sops/{id}/versions',                  'sop', 401,  403,        403,        [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/sops/{id}/versions/{n}',              'sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['PATCH',  '/api/v1/sops/{id}/versions/{n}',              'sop', 401,  403,        403,        [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/sops/{id}/versions/{n}/publish',      'sop', 401,  403,        403,        [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/sops/{id}/versions/{n}/flowchart.svg','sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/sops/{id}/diff',                      'sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/sops/{id}/suggestions',               'sop', 401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/sops/{id}/suggestions',               'sop', 401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['PATCH',  '/api/v1/sops/{id}/suggestions/{sid}',         'sop', 401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/sops/{id}/suggestions/{sid}/vote',    'sop', 401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/api/v1/sops/{id}/review',                    'sop', 401,  403,        [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/sops',                                       null,  303,  200,        200,        200,        200,        200],
  ['GET',    '/sops/new',                                   null,  303,  403,        403,        200,        200,        200],
  ['POST',   '/sops',                                       'team', 401, 403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/sops/editor',                                null,  401,  403,        403,        200,        200,        200],
  ['GET',    '/sops/{id}',                                  'sop', 303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/sops/{id}/edit',                             'sop', 303,  403,        403,        [200, 404], [404, 200], 200],
  ['POST',   '/sops/{id}/edit',                             'sop', 401,  403,        403,        [303, 404], [404, 303], 303],
  ['GET',    '/sops/{id}/versions/{n}',                     'sop', 303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/sops/{id}/diff',                             'sop', 303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/sops/{id}/manual',                           'sop', 303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/sops/{id}/versions/{n}/publish',             'sop', 401,  403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/sops/{id}/status',                           'sop', 401,  403,        403,        [303, 404], [404, 303], 303],
  ['POST',   '/sops/{id}/review',                           'sop', 401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/sops/{id}/suggestions',                      'sop', 401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/sops/{id}/suggestions/{sid}/vote',           'sop', 401,  403,        [303, 404], [303, 404], [404, 303], 303],
  ['POST',   '/sops/{id}/suggestions/{sid}/status',         'sop', 401,  403,        [303, 404], [303, 404], [404, 303], 303],
];

const OWNER = { A: 'wangfang', B: 'huangmin' };
const STEPS = [{ name: '受理', role: '客服', time_standard_s: 600 }, { name: '处理', role: '专员' }];

export function requests(ctx) {
  const fixed = {};
  const users = {};
  async function ownerId(T) {
    if (!users[T]) {
      const list = await ctx.adminApi('GET', `/api/v1/users?limit=200`);
      users[T] = list.items.find((u) => u.login === OWNER[T]).id;
    }
    return users[T];
  }
  // A draft SOP (version 1 with two steps) of team T.
  async function draft(T) {
    return ctx.adminApi('POST', '/api/v1/sops', { title: `矩阵流程${ctx.seq()}`, team_id: ctx.fx.team[T].id,
      owner_id: await ownerId(T), review_every_days: 7, steps: STEPS });
  }
  async function published(T) {
    const s = await draft(T);
    await ctx.adminApi('POST', `/api/v1/sops/${s.id}/versions/1/publish`);
    return ctx.adminApi('GET', `/api/v1/sops/${s.id}`);
  }
  async function sop(T) {
    if (!fixed[T]) fixed[T] = await published(T);
    return fixed[T];
  }
  async function suggestion(T) {
    const s = await sop(T);
    return { s, g: await ctx.adminApi('POST', `/api/v1/sops/${s.id}/suggestions`, { text: `矩阵建议${ctx.seq()}` }) };
  }
  async function team(T) { return ctx.fx.team[T].id; }
  const stepForm = { steps: '1', s1_name: '受理', s1_role: '客服', s1_time_min: '10', s1_share: '90', s1_group: '0' };
  return {
    'GET /api/v1/sops': () => ({ path: '/api/v1/sops' }),
    'POST /api/v1/sops': async (c, T) => ({ path: '/api/v1/sops', body: { title: `矩阵新建${ctx.seq()}`, team_id: await team(T), owner_id: await ownerId(T) } }),
    'GET /api/v1/sops/{id}': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}` }),
    'PATCH /api/v1/sops/{id}': async (c, T) => {
      const cur = await ctx.current(`/api/v1/sops/${(await sop(T)).id}`);
      return { path: `/api/v1/sops/${cur.id}`, body: { review_every_days: 7 }, headers: { 'If-Match': `"${cur.version}"` } };
    },
    'DELETE /api/v1/sops/{id}': async (c, T) => ({ path: `/api/v1/sops/${(await draft(T)).id}`, headers: { 'If-Match': '"1"' } }),
    'GET /api/v1/sops/{id}/versions': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/versions` }),
    'POST /api/v1/sops/{id}/versions': async (c, T) => ({ path: `/api/v1/sops/${(await published(T)).id}/versions`, body: { change_note: '矩阵' } }),
    'GET /api/v1/sops/{id}/versions/{n}': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/versions/1` }),
    'PATCH /api/v1/sops/{id}/versions/{n}': async (c, T) => ({ path: `/api/v1/sops/${(await draft(T)).id}/versions/1`, body: { change_note: '矩阵' }, headers: { 'If-Match': '"1"' } }),
    'POST /api/v1/sops/{id}/versions/{n}/publish': async (c, T) => ({ path: `/api/v1/sops/${(await draft(T)).id}/versions/1/publish` }),
    'GET /api/v1/sops/{id}/versions/{n}/flowchart.svg': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/versions/1/flowchart.svg` }),
    'GET /api/v1/sops/{id}/diff': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/diff?from=1&to=1` }),
    'GET /api/v1/sops/{id}/suggestions': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/suggestions` }),
    'POST /api/v1/sops/{id}/suggestions': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/suggestions`, body: { text: '矩阵建议' } }),
    'PATCH /api/v1/sops/{id}/suggestions/{sid}': async (c, T) => {
      const { s, g } = await suggestion(T);
      return { path: `/api/v1/sops/${s.id}/suggestions/${g.id}`, body: { status: 'accepted' }, headers: { 'If-Match': '"1"' } };
    },
    'POST /api/v1/sops/{id}/suggestions/{sid}/vote': async (c, T) => {
      const { s, g } = await suggestion(T);
      return { path: `/api/v1/sops/${s.id}/suggestions/${g.id}/vote` };
    },
    'POST /api/v1/sops/{id}/review': async (c, T) => ({ path: `/api/v1/sops/${(await sop(T)).id}/review` }),
    'GET /sops': () => ({ path: '/sops' }),
    'GET /sops/new': () => ({ path: '/sops/new' }),
    'POST /sops': async (c, T) => ({ path: '/sops', form: { title: `矩阵页面${ctx.seq()}`, team_id: String(await team(T)), owner_id: String(await ownerId(T)), ...stepForm } }),
    'POST /sops/editor': () => ({ path: '/sops/editor', form: { ...stepForm, op: 'add' } }),
    'GET /sops/{id}': async (c, T) => ({ path: `/sops/${(await sop(T)).id}` }),
    'GET /sops/{id}/edit': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/edit` }),
    'POST /sops/{id}/edit': async (c, T) => {
      const s = await draft(T);
      return { path: `/sops/${s.id}/edit`, form: { version: String(s.version), title: s.title, owner_id: String(s.owner_id), review_every_days: '7', ...stepForm } };
    },
    'GET /sops/{id}/versions/{n}': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/versions/1` }),
    'GET /sops/{id}/diff': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/diff?from=1&to=1` }),
    'GET /sops/{id}/manual': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/manual` }),
    'POST /sops/{id}/versions/{n}/publish': async (c, T) => ({ path: `/sops/${(await draft(T)).id}/versions/1/publish`, form: { version: '1' } }),
    'POST /sops/{id}/status': async (c, T) => {
      const s = await published(T);
      return { path: `/sops/${s.id}/status`, form: { status: 'retired', version: String(s.version) } };
    },
    'POST /sops/{id}/review': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/review`, form: {} }),
    'POST /sops/{id}/suggestions': async (c, T) => ({ path: `/sops/${(await sop(T)).id}/suggestions`, form: { text: '矩阵页面建议' } }),
    'POST /sops/{id}/suggestions/{sid}/vote': async (c, T) => {
      const { s, g } = await suggestion(T);
      return { path: `/sops/${s.id}/suggestions/${g.id}/vote`, form: {} };
    },
    'POST /sops/{id}/suggestions/{sid}/status': async (c, T) => {
      const { s, g } = await suggestion(T);
      return { path: `/sops/${s.id}/suggestions/${g.id}/status`, form: { status: 'done', version: '1' } };
    },
  };
}
