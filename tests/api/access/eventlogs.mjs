// Access rows for the event-log routes (src/eventlogs): API and pages. Same
// shape and callers as the big table in access.test.mjs; targets are logs of
// team A (售前咨询组) / B (仓储物流部) uploaded by the admin; deletes take a
// fresh log each call.
// prettier-ignore
export const rows = [
  // method  pattern                               target  anon  viewer      member      sup         othersup    admin
  ['GET',    '/api/v1/eventlogs',                  null,   401,  200,        200,        200,        200,        200],
  ['POST',   '/api/v1/eventlogs',                  'team', 401,  403,        [201, 404], [201, 404], [404, 201], 201],
  ['GET',    '/api/v1/eventlogs/{id}',             'log',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['DELETE', '/api/v1/eventlogs/{id}',             'log',  401,  403,        403,        [204, 404], [404, 204], 204],
  ['GET',    '/api/v1/eventlogs/{id}/analysis',    'log',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/eventlogs/{id}/export.xes',  'log',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/api/v1/eventlogs/{id}/export.csv',  'log',  401,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['GET',    '/eventlogs',                         null,   303,  200,        200,        200,        200,        200],
  // the matrix posts url-encoded forms: the handler is reached (422: no file chosen) or access refuses first
  ['POST',   '/eventlogs',                         'team', 401,  403,        [422, 404], [422, 404], [404, 422], 422],
  ['GET',    '/eventlogs/{id}',                    'log',  303,  [200, 404], [200, 404], [200, 404], [404, 200], 200],
  ['POST',   '/eventlogs/{id}/delete',             'log',  401,  403,        403,        [303, 404], [404, 303], 303],
];

const CSV = 'case,activity,timestamp,resource\n' +
  'm1,受理,2024-05-01T01:00:00Z,甲\nm1,审核,2024-05-01T02:00:00Z,乙\nm2,受理,2024-05-01T03:00:00Z,甲\n';

export function requests(ctx) {
  const fixed = {};
  async function freshLog(T) {
    const r = await ctx.server().api('admin', 'POST', `/api/v1/eventlogs?team_id=${ctx.fx.team[T].id}&name=矩阵日志${ctx.seq()}`,
      CSV, { 'Content-Type': 'text/csv' });
    if (r.status !== 201) throw new Error('event log upload failed: ' + r.text);
    return r.json;
  }
  async function log(T) {
    if (!fixed[T]) fixed[T] = await freshLog(T);
    return fixed[T];
  }
  const csv = { 'Content-Type': 'text/csv' };
  return {
    'GET /api/v1/eventlogs': () => ({ path: '/api/v1/eventlogs' }),
    'POST /api/v1/eventlogs': (c, T) => ({ path: `/api/v1/eventlogs?team_id=${ctx.fx.team[T].id}`, body: CSV, headers: csv }),
    'GET /api/v1/eventlogs/{id}': async (c, T) => ({ path: `/api/v1/eventlogs/${(await log(T)).id}` }),
    'DELETE /api/v1/eventlogs/{id}': async (c, T) => ({ path: `/api/v1/eventlogs/${(await freshLog(T)).id}`, headers: { 'If-Match': '"1"' } }),
    'GET /api/v1/eventlogs/{id}/analysis': async (c, T) => ({ path: `/api/v1/eventlogs/${(await log(T)).id}/analysis` }),
    'GET /api/v1/eventlogs/{id}/export.xes': async (c, T) => ({ path: `/api/v1/eventlogs/${(await log(T)).id}/export.xes` }),
    'GET /api/v1/eventlogs/{id}/export.csv': async (c, T) => ({ path: `/api/v1/eventlogs/${(await log(T)).id}/export.csv` }),
    'GET /eventlogs': () => ({ path: '/eventlogs' }),
    'POST /eventlogs': (c, T) => ({ path: '/eventlogs', form: { team_id: String(ctx.fx.team[T].id), name: `矩阵页面日志${ctx.seq()}` } }),
    'GET /eventlogs/{id}': async (c, T) => ({ path: `/eventlogs/${(await log(T)).id}` }),
    'POST /eventlogs/{id}/delete': async (c, T) => ({ path: `/eventlogs/${(await freshLog(T)).id}/delete`, form: { version: '1' } }),
  };
}
