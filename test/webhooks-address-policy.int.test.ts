import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { blockedAddress } from '../src/webhooks/address-policy.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { pay } from './support/payments.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

// Production settings: endpoints on private networks are refused. An `api` process: deliveries run by hand.
let t: TestApp;
let receiver: WebhookReceiver;
before(async () => {
  t = await startTestApp({ KESSAI_ROLE: 'api', KESSAI_WEBHOOK_ALLOW_PRIVATE: 'false', KESSAI_WEBHOOK_MAX_ATTEMPTS: '1' });
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

const create = (url: string) => t.request({ method: 'POST', url: '/v1/webhook_endpoints', payload: { url, event_types: ['payment.created'] } });

test('an endpoint on a loopback, private or metadata address is refused when saved, naming the field', async () => {
  for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'https://10.0.0.7/hook', 'http://[::ffff:192.168.0.1]/']) {
    const res = await create(url);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(res.json().error.field, 'url');
    assert.match(res.json().error.message, /public address/);
  }
  const ok = await create('https://hooks.example.com/kessai');
  assert.equal(ok.statusCode, 201, ok.body);
  const moved = await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${ok.json().id}`, payload: { url: 'http://192.168.1.20/' } });
  assert.equal(moved.statusCode, 400);
  const count = await t.platform.database.pool.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE url LIKE 'http://1%' OR url LIKE '%localhost%'`);
  assert.equal(count.rows[0].n, 0, 'nothing refused was stored');
});

test('a delivery to a name that resolves to a private address is not sent: a failed attempt names the address', async (ctx) => {
  const name = hostname();
  const resolved = await lookup(name).catch(() => null);
  if (!resolved || !blockedAddress(resolved.address)) return ctx.skip(`${name} does not resolve to a private address here`);
  await t.platform.database.pool.query(`DELETE FROM webhook_endpoints`);
  // Saved before the policy (or while private networks were allowed): the check at send time still holds.
  const port = new URL(receiver.url).port;
  for (const host of [name, '127.0.0.1']) {
    await t.platform.database.pool.query(
      `INSERT INTO webhook_endpoints (id, url, secret, event_types, description) VALUES ($1, $2, 'whsec_test', ARRAY['payment.created'], '')`,
      [`whe_policy_${host.replaceAll('.', '_')}`, `http://${host}:${port}/private`],
    );
  }
  await pay(t);
  await t.platform.webhooks.dispatch();
  await t.platform.webhooks.deliverDue();
  const { rows } = await t.platform.database.pool.query(`SELECT endpoint_id, status, last_error FROM webhook_deliveries ORDER BY endpoint_id`);
  assert.equal(rows.length, 2);
  for (const r of rows) {
    assert.equal(r.status, 'failed', JSON.stringify(r));
    assert.match(r.last_error, /KESSAI_ADDRESS_REFUSED/);
  }
  assert.equal(receiver.received.length, 0, 'nothing reached the private address');
});
