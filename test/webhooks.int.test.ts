import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { openDatabase } from '../src/db/index.ts';
import { createWebhooks } from '../src/webhooks/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { pay } from './support/payments.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver.ts';

// Fast loop and tiny back-off: a retry series takes milliseconds here.
const ENV = {
  KESSAI_WEBHOOK_POLL_MS: '20',
  KESSAI_WEBHOOK_BASE_DELAY_MS: '5',
  KESSAI_WEBHOOK_MAX_ATTEMPTS: '3',
  KESSAI_WEBHOOK_TIMEOUT_MS: '2000',
};

let t: TestApp;
let receiver: WebhookReceiver;
before(async () => {
  t = await startTestApp(ENV);
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

async function subscribe(path: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  const res = await t.request({ method: 'POST', url: '/v1/webhook_endpoints', payload: { url: `${receiver.url}${path}`, event_types: eventTypes } });
  assert.equal(res.statusCode, 201, res.body);
  const endpoint = res.json();
  receiver.setSecret(endpoint.secret, path);
  return endpoint;
}

async function remove(id: string): Promise<void> {
  assert.equal((await t.request({ method: 'DELETE', url: `/v1/webhook_endpoints/${id}` })).statusCode, 200);
}

async function deliveries(endpointId: string, query = ''): Promise<Array<Record<string, any>>> {
  const res = await t.request({ method: 'GET', url: `/v1/webhook_endpoints/${endpointId}/deliveries${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data;
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const at = (path: string, orderId?: string) => (r: ReceivedWebhook) => r.path === path && (orderId === undefined || r.body.data.order_id === orderId);
const settle = () => new Promise((r) => setTimeout(r, 250));

describe('outgoing webhooks', () => {
  test('a new payment is delivered as payment.created then payment.authorized, signed', async () => {
    const endpoint = await subscribe('/order', ['payment.*']);
    const p = (await pay(t, { amount: 4321 })).json();
    await receiver.waitFor((all) => all.filter(at('/order', p.order_id)).length >= 2);
    await settle();
    const got = receiver.received.filter(at('/order', p.order_id));
    assert.deepEqual(got.map((r) => r.body.type), ['payment.created', 'payment.authorized']);
    for (const r of got) {
      assert.ok(r.verified, 'signature verifies with the endpoint secret');
      assert.deepEqual(Object.keys(r.body), ['id', 'type', 'aggregate_id', 'created_at', 'data']);
      assert.equal(r.body.aggregate_id, p.id);
      assert.match(r.body.id, /^evt_/);
      assert.equal(r.headers['kessai-event-id'], r.body.id);
      assert.match(String(r.headers['kessai-delivery-id']), /^whd_/);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.match(String(r.headers['kessai-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal(new Date(r.body.created_at).toISOString(), r.body.created_at);
    }
    assert.equal(got[0]!.body.data.amount, 4321);
    assert.equal(got[0]!.body.data.currency, 'JPY');
    // The events are the payment's timeline, in its order.
    const timeline = (await t.request({ method: 'GET', url: `/v1/payments/${p.id}` })).json().timeline;
    assert.deepEqual(got.map((r) => r.body.id), timeline.map((e: { id: string }) => e.id));

    const list = await deliveries(endpoint.id);
    const mine = list.filter((d) => got.some((r) => r.body.id === d.event_id));
    assert.equal(mine.length, 2);
    for (const d of mine) {
      assert.equal(d.status, 'succeeded');
      assert.equal(d.attempts, 1);
      assert.equal(d.last_status_code, 200);
      assert.ok(d.delivered_at);
    }
    await remove(endpoint.id);
  });

  test('event types: exact, prefix and * each get what they asked for', async () => {
    const exact = await subscribe('/exact', ['payment.created']);
    const prefix = await subscribe('/prefix', ['payment.*']);
    const all = await subscribe('/all', ['*']);
    const orders = await subscribe('/orders', ['order.*']);
    const p = (await pay(t)).json();
    assert.equal((await t.request({ method: 'POST', url: `/v1/orders/${p.order_id}/delivered` })).statusCode, 200);
    assert.equal((await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture` })).statusCode, 200);
    await receiver.waitFor((r) => r.filter(at('/all', p.order_id)).length >= 4, 15_000, '4 events at /all');
    await settle();
    const types = (path: string) => receiver.received.filter(at(path, p.order_id)).map((r) => r.body.type);
    assert.deepEqual(types('/all'), ['payment.created', 'payment.authorized', 'order.delivered', 'payment.captured']);
    assert.deepEqual(types('/exact'), ['payment.created']);
    assert.deepEqual(types('/prefix'), ['payment.created', 'payment.authorized', 'payment.captured']);
    assert.deepEqual(types('/orders'), ['order.delivered']);
    assert.ok(receiver.received.filter((r) => ['/all', '/exact', '/prefix', '/orders'].includes(r.path)).every((r) => r.verified));
    for (const e of [exact, prefix, all, orders]) await remove(e.id);
  });

  test('events created before an endpoint existed are not delivered to it', async () => {
    const before = (await pay(t)).json();
    const endpoint = await subscribe('/late', ['*']);
    const afterwards = (await pay(t)).json();
    await receiver.waitFor((r) => r.filter(at('/late', afterwards.order_id)).length >= 2);
    await settle();
    assert.equal(receiver.received.filter(at('/late', before.order_id)).length, 0);
    await remove(endpoint.id);
  });

  test('500, 500, then 200: three attempts, then succeeded', async () => {
    receiver.respondWith((n, req) => (req.url === '/flaky' && n <= 2 ? 500 : 200));
    const endpoint = await subscribe('/flaky', ['payment.created']);
    const p = (await pay(t)).json();
    const [d] = await eventually(() => deliveries(endpoint.id), (l) => l[0]?.status === 'succeeded', 'a succeeded delivery');
    assert.equal(d!.attempts, 3);
    assert.equal(d!.last_status_code, 200);
    assert.equal(d!.last_error, null);
    const got = receiver.received.filter(at('/flaky', p.order_id));
    assert.deepEqual(got.map((r) => r.status), [500, 500, 200]);
    assert.equal(new Set(got.map((r) => r.headers['kessai-event-id'])).size, 1, 'the same event each time');
    assert.equal(new Set(got.map((r) => r.headers['kessai-delivery-id'])).size, 1, 'the same delivery each time');
    assert.ok(got.every((r) => r.verified));
    receiver.respondWith(() => 200);
    await remove(endpoint.id);
  });

  test('always failing: failed after maxAttempts, visible in the API; the retry endpoint sends it again', async () => {
    receiver.respondWith((_n, req) => (req.url === '/down' ? { status: 503, body: 'down for maintenance' } : 200));
    const endpoint = await subscribe('/down', ['payment.created']);
    const p = (await pay(t)).json();
    const [failed] = await eventually(() => deliveries(endpoint.id, '?status=failed'), (l) => l.length === 1, 'a failed delivery');
    assert.equal(failed!.attempts, 3);
    assert.equal(failed!.last_status_code, 503);
    assert.match(failed!.last_error, /HTTP 503: down for maintenance/);
    assert.equal(failed!.next_attempt_at, null);
    assert.equal(failed!.event_type, 'payment.created');
    assert.deepEqual(await deliveries(endpoint.id, '?status=pending'), []);
    await settle();
    assert.equal(receiver.received.filter(at('/down', p.order_id)).length, 3, 'no attempt after the last');

    // Disabled endpoints are not retried by hand.
    await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${endpoint.id}`, payload: { enabled: false } });
    const refused = await t.request({ method: 'POST', url: `/v1/webhook_deliveries/${failed!.id}/retry` });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'KS_ERR_WEBHOOK_ENDPOINT_DISABLED');
    await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${endpoint.id}`, payload: { enabled: true } });

    receiver.respondWith(() => 200);
    const retried = await t.request({ method: 'POST', url: `/v1/webhook_deliveries/${failed!.id}/retry` });
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal(retried.json().id, failed!.id);
    assert.ok(['pending', 'succeeded'].includes(retried.json().status));
    const [done] = await eventually(() => deliveries(endpoint.id), (l) => l[0]?.status === 'succeeded', 'the retried delivery');
    assert.equal(done!.attempts, 1);
    assert.equal(done!.last_status_code, 200);
    assert.equal(receiver.received.filter(at('/down', p.order_id)).length, 4);

    const missing = await t.request({ method: 'POST', url: '/v1/webhook_deliveries/whd_nope/retry' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'KS_ERR_WEBHOOK_DELIVERY_NOT_FOUND');
    await remove(endpoint.id);
  });

  test('a receiver that cannot be reached: the network error is recorded', async () => {
    const closed = await startWebhookReceiver();
    const url = `${closed.url}/gone`;
    await closed.close();
    const res = await t.request({ method: 'POST', url: '/v1/webhook_endpoints', payload: { url, event_types: ['payment.created'] } });
    const endpoint = res.json();
    await pay(t);
    const [d] = await eventually(() => deliveries(endpoint.id, '?status=failed'), (l) => l.length === 1, 'a failed delivery');
    assert.equal(d!.last_status_code, null);
    assert.match(d!.last_error, /ECONNREFUSED/);
    await remove(endpoint.id);
  });

  test('a disabled endpoint gets nothing; enabled again, it gets new events', async () => {
    const endpoint = await subscribe('/paused', ['payment.created']);
    await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${endpoint.id}`, payload: { enabled: false } });
    const during = (await pay(t)).json();
    await settle();
    await t.request({ method: 'PATCH', url: `/v1/webhook_endpoints/${endpoint.id}`, payload: { enabled: true } });
    const afterwards = (await pay(t)).json();
    await receiver.waitFor((r) => r.some(at('/paused', afterwards.order_id)));
    await settle();
    assert.equal(receiver.received.filter(at('/paused', during.order_id)).length, 0);
    await remove(endpoint.id);
  });

  test('two workers and concurrent rounds never deliver an event twice to an endpoint', async () => {
    const endpoints = [await subscribe('/race-a', ['*']), await subscribe('/race-b', ['payment.*'])];
    // A second "process": its own pool, its own worker, racing the platform's.
    const other = openDatabase(t.platform.databaseUrl, 6, 'kessai-other');
    const second = createWebhooks({ db: other.db, logger: pino({ level: 'silent' }), settings: t.platform.config.webhooks, databaseUrl: t.platform.databaseUrl });
    second.start();
    const { webhooks } = t.platform;
    let racing = true;
    let roundError: unknown = null;
    const rounds = (async () => {
      while (racing) {
        await Promise.all([webhooks.dispatch({ limit: 3 }), second.dispatch({ limit: 3 }), webhooks.deliverDue({ limit: 4 }), second.deliverDue({ limit: 4 })]);
      }
    })().catch((err: unknown) => {
      roundError = err;
    });
    try {
      const payments = await Promise.all(Array.from({ length: 20 }, () => pay(t)));
      const orders = new Set(payments.map((r) => r.json().order_id as string));
      const forUs = (path: string) => receiver.received.filter((r) => r.path === path && orders.has(r.body.data.order_id as string));
      await receiver.waitFor(() => forUs('/race-a').length >= 40 && forUs('/race-b').length >= 40, 30_000, '40 events at each endpoint');
      racing = false;
      await rounds;
      assert.equal(roundError, null);
      await settle();
      for (const path of ['/race-a', '/race-b']) {
        const ids = forUs(path).map((r) => r.body.id);
        assert.equal(ids.length, 40, `${path}: ${ids.length} requests for 40 events`);
        assert.equal(new Set(ids).size, 40, `${path}: an event was delivered twice`);
        assert.ok(forUs(path).every((r) => r.verified));
      }
      for (const e of endpoints) {
        const list = await deliveries(e.id, '?limit=500');
        assert.equal(list.length, 40);
        assert.ok(list.every((d) => d.status === 'succeeded' && d.attempts === 1), JSON.stringify(list.filter((d) => d.attempts !== 1)));
      }
    } finally {
      racing = false;
      await rounds;
      await second.stop();
      await other.close();
    }
    for (const e of endpoints) await remove(e.id);
  });

  test('delivery metrics are exported', async () => {
    const text = await t.platform.metrics.metrics();
    assert.match(text, /kessai_webhook_delivery_attempts_total\{outcome="succeeded"\} \d+/);
    assert.match(text, /kessai_webhook_delivery_attempts_total\{outcome="retrying"\} \d+/);
    assert.match(text, /kessai_webhook_delivery_attempts_total\{outcome="failed"\} \d+/);
  });

  // Last: it stops the platform's own worker.
  test('NOTIFY wakes an idle worker at once; stop() hands an in-flight send back unsent', async () => {
    await t.platform.webhooks.stop();
    const other = openDatabase(t.platform.databaseUrl, 4, 'kessai-other');
    const idle = createWebhooks({
      db: other.db,
      logger: pino({ level: 'silent' }),
      settings: { ...t.platform.config.webhooks, pollMs: 60_000 },
      databaseUrl: t.platform.databaseUrl,
    });
    try {
      idle.start();
      await new Promise((r) => setTimeout(r, 300)); // its first pass is done; the next poll is a minute away
      const endpoint = await subscribe('/woken', ['payment.created']);
      const started = Date.now();
      const p = (await pay(t)).json();
      await receiver.waitFor((r) => r.some(at('/woken', p.order_id)), 5000, 'a wake-up');
      assert.ok(Date.now() - started < 5000);
      await remove(endpoint.id);

      receiver.respondWith((_n, req) => (req.url === '/stuck' ? 'hang' : 200));
      const stuck = await subscribe('/stuck', ['payment.created']);
      const q = (await pay(t)).json();
      await receiver.waitFor((r) => r.some(at('/stuck', q.order_id)), 5000, 'the hanging request');
      const stopping = Date.now();
      await idle.stop();
      assert.ok(Date.now() - stopping < 1500, `stop took ${Date.now() - stopping} ms`);
      const [d] = await deliveries(stuck.id);
      assert.equal(d!.status, 'pending');
      assert.equal(d!.attempts, 0, 'a send cut short by shutdown is not an attempt');
      const row = await t.platform.database.pool.query('SELECT locked_until, lease_id FROM webhook_deliveries WHERE id = $1', [d!.id]);
      assert.deepEqual(row.rows[0], { locked_until: null, lease_id: null });
      await remove(stuck.id);
    } finally {
      receiver.respondWith(() => 200);
      await idle.stop();
      await other.close();
    }
  });
});
