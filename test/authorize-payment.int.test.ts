// authorizePayment (the checkout's purchase step) called again after a crash: an authorization
// that was reserved but never sent is found missing at the provider and made afresh, once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SYSTEM } from '../src/events/index.ts';
import { reserveOperation } from '../src/payments/operations.ts';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const charges = async () => (await t.request({ method: 'GET', url: '/v1/sandbox/cards/pm_card_visa' })).json().charges as number;

test('a reserved authorization the provider never received is made afresh; calling again charges nothing more', async () => {
  const payments = t.platform.payments;
  const opened = await payments.openPayment({ orderId: `ord_${randomUUID()}`, amount: 4_200n, currency: 'JPY', provider: 'sandbox', paymentMethod: 'pm_card_visa', captureMethod: 'manual' }, SYSTEM);
  // The process reserved the operation and died before calling the provider.
  const { operation: lost } = await reserveOperation(payments.context, opened.id, true, (p) => ({ kind: 'authorize', amount: p.amount }));
  const before = await charges();

  const first = await payments.authorizePayment(opened.id, SYSTEM);
  assert.equal(first.outcome, 'authorized');
  assert.notEqual(first.operationId, lost.id);
  assert.equal(first.payment.amount_authorized, 4_200);
  const ops = await t.platform.database.pool.query('SELECT id, status, failure_code FROM payment_operations WHERE payment_id = $1 ORDER BY created_at', [opened.id]);
  assert.deepEqual(ops.rows.map((o) => [o.status, o.failure_code]), [['failed', 'provider_has_no_record'], ['succeeded', null]]);

  const again = await payments.authorizePayment(opened.id, SYSTEM);
  assert.equal(again.outcome, 'authorized');
  assert.equal(await charges(), before + 1, 'one charge');
});
