// The eventlogs module's part of the OpenAPI tour (tests/api/openapi.test.mjs):
// one successful call of each operation of web/openapi/eventlogs.json.
const CSV = 'case,activity,timestamp,resource\n' +
  'A-1,受理,2030-01-01T09:00:00Z,王芳\nA-1,审核,2030-01-01T10:00:00Z,李娜\n' +
  'A-2,受理,2030-01-02T09:00:00Z,王芳\nA-2,审核,2030-01-02T11:30:00Z,李娜\n';

export async function tour({ call }) {
  const up = await call('lina', 'POST', '/api/v1/eventlogs?name=' + encodeURIComponent('文档日志') + '&file_name=doc.csv',
    CSV, { 'Content-Type': 'text/csv' }, 201);
  const id = up.json.id;
  await call('lina', 'GET', '/api/v1/eventlogs?limit=5', undefined, {}, 200);
  const one = await call('lina', 'GET', `/api/v1/eventlogs/${id}`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/eventlogs/${id}/analysis`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/eventlogs/${id}/export.xes`, undefined, {}, 200);
  await call('lina', 'GET', `/api/v1/eventlogs/${id}/export.csv`, undefined, {}, 200);
  await call('lina', 'DELETE', `/api/v1/eventlogs/${id}`, undefined, { 'If-Match': one.headers.get('etag') }, 204);
}
