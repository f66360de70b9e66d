import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { getPayment, newOrderId, pay } from './support/payments.ts';

let t: TestApp;
let base: string;
before(async () => {
  t = await startTestApp({ KESSAI_DB_POOL_SIZE: '40' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => t?.close());

/** Real concurrent HTTP requests over the loopback, not in-process injections. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function providerCalls(chargeId: string, operation: string): Promise<number> {
  const r = await t.platform.database.pool.query('SELECT count(*)::int AS n FROM sandbox_requests WHERE charge_id = $1 AND operation = $2', [chargeId, operation]);
  return r.rows[0].n;
}

describe('invariants under concurrency', () => {
  test('50 parallel captures of one payment capture once', async () => {
    const p = (await pay(t, { amount: 10_000 })).json();
    const results = await Promise.all(Array.from({ length: 50 }, () => post(`/v1/payments/${p.id}/capture`, {})));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((r) => r.status !== 200)) {
      assert.equal(r.status, 409);
      assert.ok(['KS_ERR_PAYMENT_OPERATION_IN_PROGRESS', 'KS_ERR_PAYMENT_INVALID_STATE'].includes(r.body.error.code), r.body.error.code);
    }
    const after = await getPayment(t, p.id);
    assert.equal(after.amount_captured, 10_000);
    assert.equal(await providerCalls(p.provider_payment_id, 'capture'), 1);
  });

  test('parallel refunds never exceed the captured amount', async () => {
    const p = (await pay(t, { amount: 10_000, capture_method: 'automatic' })).json();
    const results = await Promise.all(Array.from({ length: 25 }, () => post(`/v1/payments/${p.id}/refunds`, { amount: 1_000 })));
    assert.equal(results.filter((r) => r.status === 201).length, 10);
    assert.ok(results.filter((r) => r.status !== 201).every((r) => ['KS_ERR_AMOUNT_EXCEEDS_REFUNDABLE', 'KS_ERR_PAYMENT_INVALID_STATE'].includes(r.body.error.code)), JSON.stringify(results.map((r) => [r.status, r.body.error?.code ?? r.body.status])));
    const after = await getPayment(t, p.id);
    assert.equal(after.amount_refunded, 10_000);
    assert.equal(after.status, 'refunded');
    const charge = await t.platform.database.pool.query('SELECT amount_refunded FROM sandbox_charges WHERE id = $1', [p.provider_payment_id]);
    assert.equal(charge.rows[0].amount_refunded, 10_000n);
  });

  test('the same Idempotency-Key sent 20 times at once makes one payment', async () => {
    const order_id = newOrderId();
    const body = { order_id, amount: 1_500, currency: 'JPY', provider: 'sandbox', payment_method: 'pm_card_visa' };
    const results = await Promise.all(Array.from({ length: 20 }, () => post('/v1/payments', body, { 'idempotency-key': `race-${order_id}` })));
    for (const r of results) assert.ok([201, 409].includes(r.status), JSON.stringify(r.body));
    const created = results.filter((r) => r.status === 201);
    assert.ok(created.every((r) => r.body.id === created[0]!.body.id));
    const list = (await t.request({ method: 'GET', url: `/v1/payments?order_id=${order_id}` })).json();
    assert.equal(list.data.length, 1);
  });

  test('60 payments at once, shared transactions: one order already paid is refused alone; every other is authorized with its own rows', async () => {
    const paid = newOrderId();
    await pay(t, { order_id: paid, amount: 900 });
    const orders = Array.from({ length: 60 }, (_, i) => (i === 30 ? paid : newOrderId()));
    const results = await Promise.all(
      orders.map((order_id, i) =>
        post('/v1/payments', { order_id, amount: 1_000 + i, currency: 'JPY', provider: 'sandbox', payment_method: 'pm_card_visa' }, { 'idempotency-key': `batch-${order_id}-${i}` }),
      ),
    );
    assert.equal(results[30]!.status, 409);
    assert.equal(results[30]!.body.error.code, 'KS_ERR_ORDER_HAS_PAYMENT');
    const created = results.filter((_, i) => i !== 30);
    assert.ok(created.every((r) => r.status === 201 && r.body.status === 'authorized'), JSON.stringify(created.map((r) => r.status)));
    const ids = created.map((r) => r.body.id as string);
    const { rows } = await t.platform.database.pool.query(
      `SELECT p.id, p.amount, p.amount_authorized, p.in_flight_operation_id,
              (SELECT count(*)::int FROM payment_operations o WHERE o.payment_id = p.id AND o.kind = 'authorize' AND o.status = 'succeeded') AS ops,
              (SELECT array_agg(e.type ORDER BY e.seq) FROM events e WHERE e.aggregate_id = p.id) AS events,
              (SELECT count(*)::int FROM idempotency_keys k WHERE k.state = 'completed' AND k.response_body LIKE '%' || p.id || '%') AS replayable
         FROM payments p WHERE p.id = ANY($1::text[])`,
      [ids],
    );
    assert.equal(rows.length, 59);
    for (const r of rows) {
      assert.equal(r.amount_authorized, r.amount);
      assert.equal(r.in_flight_operation_id, null);
      assert.equal(r.ops, 1);
      assert.deepEqual(r.events, ['payment.created', 'payment.authorized']);
      assert.equal(r.replayable, 1, 'its response is stored for a replay');
    }
  });

  test('parallel order changes on one order leave one consistent state', async () => {
    const order_id = newOrderId();
    await pay(t, { order_id, amount: 5_000 });
    const amounts = [5_500, 6_000, 6_500, 7_000, 7_500, 8_000];
    const results = await Promise.all(amounts.map((amount) => post(`/v1/orders/${order_id}/changes`, { kind: 'items', amount })));
    const applied = results.filter((r) => r.status === 200);
    assert.ok(applied.length >= 1);
    const p = (await t.request({ method: 'GET', url: `/v1/payments?order_id=${order_id}` })).json().data[0];
    assert.ok(amounts.includes(p.amount));
    assert.ok(p.amount_authorized >= p.amount);
    const held = await t.platform.database.pool.query('SELECT amount_authorized FROM sandbox_charges WHERE id = $1', [p.provider_payment_id]);
    assert.equal(held.rows[0].amount_authorized, BigInt(p.amount_authorized), 'our books match the provider’s');
  });
});
