import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

describe('HTTP foundation', () => {
  test('health and readiness need no key', async () => {
    assert.equal((await t.request({ method: 'GET', url: '/healthz', key: null })).statusCode, 200);
    const ready = await t.request({ method: 'GET', url: '/readyz', key: null });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().checks.database, 'ok');
  });

  test('unknown routes answer with a catalog code and the request id', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'KS_ERR_NOT_FOUND');
    assert.equal(res.json().error.request_id, res.headers['x-request-id']);
  });

  test('a private route without a key is 401, with a wrong key too', async () => {
    const none = await t.request({ method: 'GET', url: '/v1/auth/me', key: null });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'KS_ERR_UNAUTHENTICATED');
    const wrong = await t.request({ method: 'GET', url: '/v1/auth/me', key: 'ks_nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'KS_ERR_INVALID_API_KEY');
  });

  test('scopes are enforced on the server', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'reader', scopes: ['payments:read'] } });
    assert.equal(created.statusCode, 201);
    const reader = created.json().key as string;
    assert.match(reader, /^ks_/);
    const me = await t.request({ method: 'GET', url: '/v1/auth/me', key: reader });
    assert.deepEqual(me.json().scopes, ['payments:read']);
    const denied = await t.request({ method: 'POST', url: '/v1/api_keys', key: reader, payload: { name: 'x', scopes: ['admin'] } });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'KS_ERR_FORBIDDEN');
  });

  test('API keys are stored hashed, never in clear', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'hashed', scopes: ['payments:read'] } });
    const { key, id } = created.json();
    const row = await t.platform.database.pool.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    assert.ok(!JSON.stringify(row.rows[0]).includes(key.slice(10)));
    const revoked = await t.request({ method: 'POST', url: `/v1/api_keys/${id}/revoke` });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await t.request({ method: 'GET', url: '/v1/auth/me', key })).statusCode, 401);
  });

  test('unknown body fields are rejected with the field named', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'x', scopes: ['admin'], colour: 'red' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'KS_ERR_UNKNOWN_FIELD');
    assert.equal(res.json().error.field, 'colour');
  });

  test('missing and mistyped fields name the field', async () => {
    const missing = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'x' } });
    assert.equal(missing.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(missing.json().error.field, 'scopes');
    const typed = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'x', scopes: 'admin' } });
    assert.equal(typed.json().error.field, 'scopes');
  });

  test('malformed JSON is a clear 400', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/api_keys', payload: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'KS_ERR_MALFORMED_JSON');
  });

  test('OpenAPI document and human docs are served', async () => {
    const spec = await t.request({ method: 'GET', url: '/openapi.json', key: null });
    assert.equal(spec.statusCode, 200);
    assert.equal(spec.json().openapi, '3.1.0');
    assert.ok(spec.json().paths['/v1/api_keys']);
    const docs = await t.request({ method: 'GET', url: '/docs/', key: null });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  test('Prometheus metrics count requests by route', async () => {
    await t.request({ method: 'GET', url: '/healthz', key: null });
    const res = await t.request({ method: 'GET', url: '/metrics', key: null });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /kessai_http_requests_total\{method="GET",route="\/healthz",status="200"\}/);
    // Every request counts, not only the first of its route and status.
    const count = async () => Number(/kessai_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)/.exec((await t.request({ method: 'GET', url: '/metrics', key: null })).body)![1]);
    const before = await count();
    for (let i = 0; i < 3; i++) await t.request({ method: 'GET', url: '/healthz', key: null });
    assert.equal(await count(), before + 3);
    assert.match((await t.request({ method: 'GET', url: '/healthz', key: null })).headers['x-request-id'] as string, /^req_/);
  });
});
