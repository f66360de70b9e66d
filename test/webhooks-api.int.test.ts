import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { pay } from './support/payments.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

// An `api` process: it serves the webhook API but runs no delivery loop.
let t: TestApp;
let receiver: WebhookReceiver;
before(async () => {
  t = await startTestApp({ KESSAI_ROLE: 'api', KESSAI_WEBHOOK_POLL_MS: '20' });
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

async function create(payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.request({ method: 'POST', url: '/v1/webhook_endpoints', payload, headers });
}

describe('webhook endpoints API', () => {
  test('create shows the secret once; reads never do', async () => {
    const res = await create({ url: 'https://example.com/hooks', event_types: ['payment.captured', 'order.*', 'payment.captured'], description: 'shop' });
    assert.equal(res.statusCode, 201, res.body);
    const e = res.json();
    assert.match(e.id, /^whe_/);
    assert.equal(e.object, 'webhook_endpoint');
    assert.match(e.secret, /^whsec_[0-9a-z]{40,}$/);
    assert.equal(e.url, 'https://example.com/hooks');
    assert.deepEqual(e.event_types, ['order.*', 'payment.captured']);
    assert.equal(e.description, 'shop');
    assert.equal(e.enabled, true);

    const got = await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}` });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().secret, undefined);
    assert.equal(got.json().url, e.url);
    const list = (await t.request({ method: 'GET', url: '/v1/webhook_endpoints' })).json();
    assert.ok(list.data.some((x: { id: string }) => x.id === e.id));
    assert.ok(list.data.every((x: { secret?: string }) => x.secret === undefined));
  });

  test('list pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) await create({ url: `https://example.com/page/${i}`, event_types: ['*'] });
    const first = (await t.request({ method: 'GET', url: '/v1/webhook_endpoints?limit=2' })).json();
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    const second = (await t.request({ method: 'GET', url: `/v1/webhook_endpoints?limit=2&starting_after=${first.next_cursor}` })).json();
    assert.ok(second.data.length >= 1);
    assert.ok(second.data.every((x: { id: string }) => x.id < first.next_cursor));
  });

  test('PATCH changes url, event types, description and enabled', async () => {
    const e = (await create({ url: 'https://example.com/a', event_types: ['payment.created'] })).json();
    const res = await t.request({
      method: 'PATCH',
      url: `/v1/webhook_endpoints/${e.id}`,
      payload: { url: 'http://example.org/b', event_types: ['*', 'payment.created'], description: 'new', enabled: false },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().url, 'http://example.org/b');
    assert.deepEqual(res.json().event_types, ['*']);
    assert.equal(res.json().description, 'new');
    assert.equal(res.json().enabled, false);
    assert.equal(res.json().secret, undefined);
    const empty = await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${e.id}`, payload: {} });
    assert.equal(empty.json().error.code, 'KS_ERR_VALIDATION');
    const unknown = await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${e.id}`, payload: { secret: 'mine' } });
    assert.equal(unknown.json().error.code, 'KS_ERR_UNKNOWN_FIELD');
    const missing = await t.request({ method: 'PATCH', url: '/v1/webhook_endpoints/whe_nope', payload: { enabled: true } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND');
  });

  test('rotate_secret returns a new secret', async () => {
    const e = (await create({ url: 'https://example.com/r', event_types: ['*'] })).json();
    const res = await t.request({ method: 'POST', url: `/v1/webhook_endpoints/${e.id}/rotate_secret` });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.json().secret, /^whsec_/);
    assert.notEqual(res.json().secret, e.secret);
    assert.equal((await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}` })).json().secret, undefined);
  });

  test('DELETE removes the endpoint from the API', async () => {
    const e = (await create({ url: 'https://example.com/d', event_types: ['*'] })).json();
    const res = await t.request({ method: 'DELETE', url: `/v1/webhook_endpoints/${e.id}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { id: e.id, object: 'webhook_endpoint', deleted: true });
    for (const req of [
      { method: 'GET' as const, url: `/v1/webhook_endpoints/${e.id}` },
      { method: 'DELETE' as const, url: `/v1/webhook_endpoints/${e.id}` },
      { method: 'GET' as const, url: `/v1/webhook_endpoints/${e.id}/deliveries` },
      { method: 'POST' as const, url: `/v1/webhook_endpoints/${e.id}/rotate_secret` },
    ]) {
      const r = await t.request(req);
      assert.equal(r.statusCode, 404, `${req.method} ${req.url}`);
      assert.equal(r.json().error.code, 'KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND');
    }
    const list = (await t.request({ method: 'GET', url: '/v1/webhook_endpoints?limit=500' })).json();
    assert.ok(!list.data.some((x: { id: string }) => x.id === e.id));
  });

  test('only http(s) URLs: anything else is KS_ERR_VALIDATION on url', async () => {
    for (const url of ['ftp://example.com/x', 'not a url', 'javascript:alert(1)', '/relative/path', 'file:///etc/passwd', 'mailto:a@example.com', '']) {
      const res = await create({ url, event_types: ['*'] });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error.code, 'KS_ERR_VALIDATION', url);
      assert.equal(res.json().error.field, 'url', url);
    }
    const e = (await create({ url: 'https://example.com/ok', event_types: ['*'] })).json();
    const patch = await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${e.id}`, payload: { url: 'gopher://example.com' } });
    assert.equal(patch.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(patch.json().error.field, 'url');
    assert.match(patch.json().error.message, /http or https/);
  });

  test('event types must be types, prefixes or *', async () => {
    const empty = await create({ url: 'https://example.com', event_types: [] });
    assert.equal(empty.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(empty.json().error.field, 'event_types');
    for (const bad of ['payment.', 'payment.**', 'Payment.Created', '*.created', 'payment%']) {
      const res = await create({ url: 'https://example.com', event_types: ['payment.created', bad] });
      assert.equal(res.json().error.code, 'KS_ERR_VALIDATION', bad);
      assert.equal(res.json().error.field, 'event_types[1]', bad);
    }
    assert.equal((await create({ url: 'https://example.com' })).json().error.field, 'event_types');
  });

  test('a key without webhooks:manage gets 403; no key, 401', async () => {
    const reader = (await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'reader', scopes: ['payments:read', 'payments:write'] } })).json().key;
    const e = (await create({ url: 'https://example.com/s', event_types: ['*'] })).json();
    for (const req of [
      { method: 'POST' as const, url: '/v1/webhook_endpoints', payload: { url: 'https://example.com', event_types: ['*'] } },
      { method: 'GET' as const, url: '/v1/webhook_endpoints' },
      { method: 'GET' as const, url: `/v1/webhook_endpoints/${e.id}` },
      { method: 'PATCH' as const, url: `/v1/webhook_endpoints/${e.id}`, payload: { enabled: false } },
      { method: 'DELETE' as const, url: `/v1/webhook_endpoints/${e.id}` },
      { method: 'POST' as const, url: `/v1/webhook_endpoints/${e.id}/rotate_secret` },
      { method: 'GET' as const, url: `/v1/webhook_endpoints/${e.id}/deliveries` },
      { method: 'POST' as const, url: '/v1/webhook_deliveries/whd_x/retry' },
    ]) {
      const denied = await t.request({ ...req, key: reader });
      assert.equal(denied.statusCode, 403, `${req.method} ${req.url}`);
      assert.equal(denied.json().error.code, 'KS_ERR_FORBIDDEN');
      assert.equal((await t.request({ ...req, key: null })).statusCode, 401);
    }
    const manager = (await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'hooks', scopes: ['webhooks:manage'] } })).json().key;
    assert.equal((await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}`, key: manager })).statusCode, 200);
  });

  test('Idempotency-Key: a replayed create returns the same endpoint and secret, once', async () => {
    const payload = { url: 'https://example.com/idem', event_types: ['payment.*'] };
    const first = await create(payload, { 'idempotency-key': 'create-hook-1' });
    const again = await create(payload, { 'idempotency-key': 'create-hook-1' });
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.json().secret, first.json().secret);
    const list = (await t.request({ method: 'GET', url: '/v1/webhook_endpoints?limit=500' })).json();
    assert.equal(list.data.filter((x: { url: string }) => x.url === payload.url).length, 1);
  });

  test('changes are audited, without the secret', async () => {
    const e = (await create({ url: 'https://example.com/audit', event_types: ['*'] })).json();
    await t.request({ method: 'POST', url: `/v1/webhook_endpoints/${e.id}/rotate_secret` });
    const rows = await t.platform.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', e.id).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.action), ['webhook_endpoint.create', 'webhook_endpoint.rotate_secret']);
    assert.equal(rows[0]!.actor_type, 'api_key');
    assert.ok(!JSON.stringify(rows.map((r) => r.details)).includes('whsec_'));
  });

  test('deliveries: list filters are validated', async () => {
    const e = (await create({ url: 'https://example.com/l', event_types: ['*'] })).json();
    const bad = await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}/deliveries?status=lost` });
    assert.equal(bad.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(bad.json().error.field, 'status');
    const ok = await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}/deliveries?status=pending&limit=10` });
    assert.deepEqual(ok.json(), { data: [], has_more: false, next_cursor: null });
  });

  test('an api process does not deliver; the use cases, run by hand, do', async () => {
    // Everything earlier in this file points at example.com: take those endpoints out first.
    const all = (await t.request({ method: 'GET', url: '/v1/webhook_endpoints?limit=500' })).json().data as Array<{ id: string }>;
    for (const e of all) await t.request({ method: 'DELETE', url: `/v1/webhook_endpoints/${e.id}` });
    const e = (await create({ url: `${receiver.url}/api-role`, event_types: ['payment.*'] })).json();
    receiver.setSecret(e.secret, '/api-role');
    const p = (await pay(t)).json();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.received.length, 0);
    assert.deepEqual((await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}/deliveries` })).json().data, []);

    const dispatched = await t.platform.webhooks.dispatch();
    assert.ok(dispatched.events >= 2);
    assert.equal(dispatched.deliveries, 2);
    const delivered = await t.platform.webhooks.deliverDue();
    assert.equal(delivered.claimed, 2);
    assert.equal(delivered.succeeded, 2);
    assert.deepEqual(receiver.received.map((r) => [r.body.type, r.body.data.order_id, r.verified]), [
      ['payment.created', p.order_id, true],
      ['payment.authorized', p.order_id, true],
    ]);
    assert.deepEqual(await t.platform.webhooks.dispatch(), { events: 0, deliveries: 0 });
    assert.equal((await t.platform.webhooks.deliverDue()).claimed, 0);
  });
});
