import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatsConnection } from '../src/rewards/grants/nats-client.ts';
import { startTestApp, type TestApp } from './support/app.ts';

/**
 * NATS JetStream as an event source. Needs a server with JetStream: set TEST_NATS_URL (for
 * example nats://127.0.0.1:4222); skipped otherwise. Each run uses its own stream and durable.
 */
const url = process.env.TEST_NATS_URL;
const run = randomUUID().slice(0, 8);
const stream = `KESSAI_TEST_${run}`;
const subject = `kessai-test.${run}.>`;
let t: TestApp | undefined;
let conn: NatsConnection | undefined;

before(async () => {
  if (!url) return;
  t = await startTestApp({ KESSAI_NATS_URL: url, KESSAI_NATS_STREAM: stream, KESSAI_NATS_SUBJECT: subject, KESSAI_NATS_DURABLE: `rewards-${run}` });
  conn = await NatsConnection.open(url);
});
after(async () => {
  await t?.close();
  if (conn) {
    await conn.request(`$JS.API.STREAM.DELETE.${stream}`, '').catch(() => {});
    conn.close();
  }
});

test('settlements and refunds published to JetStream are granted once, even published twice and out of order', { skip: !url && 'set TEST_NATS_URL to run' }, async () => {
  const app = t!;
  const method = `nats_${run}`;
  const c = await app.request({
    method: 'POST',
    url: '/v1/rewards/campaigns',
    payload: { name: `nats ${run}`, starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z', stage_rates: [{ min_stage: 0, rate_percent: '2.0' }], rounding: 'floor', funding_party: 'merchant', payment_filters: { payment_methods: [method] } },
  });
  assert.equal(c.statusCode, 201, c.body);
  const cus = `cus-${run}`;
  await app.request({ method: 'PUT', url: `/v1/rewards/customers/${cus}`, payload: { stage: 1, as_of: '2026-01-01T00:00:00Z' } });
  const paymentId = `pay-${run}`;
  const now = new Date().toISOString();
  const refund = { id: `e-r-${run}`, type: 'payment.refunded', data: { payment_id: paymentId, refund_id: 'r1', amount: 2_500, currency: 'JPY', refunded_at: now } };
  const settled = { id: `e-s-${run}`, type: 'payment.settled', data: { payment_id: paymentId, customer_id: cus, amount: 10_000, currency: 'JPY', merchant_id: 'M', payment_method: method, paid_at: now, settled_at: now } };
  // The stream exists once the consumer has started; wait for it.
  for (let i = 0; i < 50; i++) {
    const info = JSON.parse((await conn!.request(`$JS.API.STREAM.INFO.${stream}`, '')).data.toString());
    if (!info.error) break;
    await sleep(100);
  }
  for (const e of [refund, settled, settled, refund, { not: 'an event' }]) {
    const ack = await conn!.request(`kessai-test.${run}.payments`, JSON.stringify(e));
    assert.equal(JSON.parse(ack.data.toString()).stream, stream);
  }
  const db = app.platform.rewards.context.db;
  let grant;
  for (let i = 0; i < 100; i++) {
    grant = await db.selectFrom('reward_grants').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
    if (grant && grant.points_reversed > 0n) break;
    await sleep(100);
  }
  assert.ok(grant, 'granted from NATS');
  assert.equal(grant.points, 200n);
  assert.equal(grant.points_reversed, 50n);
  const grants = await db.selectFrom('reward_grants').select('id').where('payment_id', '=', paymentId).execute();
  assert.equal(grants.length, 1);
});
