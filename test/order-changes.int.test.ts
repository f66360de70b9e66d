import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { card, getPayment, newOrderId, pay } from './support/payments.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

async function order(amount: number, payment_method = 'pm_card_visa') {
  const order_id = newOrderId();
  const res = await pay(t, { order_id, amount, payment_method });
  assert.ok(res.statusCode === 201, res.body);
  return { order_id, payment: res.json() };
}

const change = (order_id: string, payload: Record<string, unknown>) => t.request({ method: 'POST', url: `/v1/orders/${order_id}/changes`, payload });

describe('order changes (the decision table, end to end)', () => {
  test('items up: incremental re-authorization in place', async () => {
    const { order_id, payment } = await order(5000);
    const res = await change(order_id, { kind: 'items', amount: 6200 });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.equal(c.decision, 'reauthorize');
    assert.equal(c.outcome, 'applied');
    assert.equal(c.payment.amount, 6200);
    assert.equal(c.payment.amount_authorized, 6200);
    assert.equal(c.payment.provider_payment_id, payment.provider_payment_id);
  });

  test('items down: keep the authorization, capture less later (a debit card is not charged again)', async () => {
    const before = await card(t, 'pm_card_debit');
    const { order_id, payment } = await order(5000, 'pm_card_debit');
    const res = await change(order_id, { kind: 'items', amount: 4100 });
    assert.equal(res.json().decision, 'keep');
    assert.equal(res.json().payment.amount, 4100);
    assert.equal(res.json().payment.amount_authorized, 5000);
    assert.equal((await card(t, 'pm_card_debit')).outstanding - before.outstanding, 5000);
    await t.request({ method: 'POST', url: `/v1/payments/${payment.id}/capture` });
    assert.equal((await card(t, 'pm_card_debit')).outstanding - before.outstanding, 4100);
  });

  test('delivery slot with a higher price on a card that cannot be raised: new authorization, then the old one voided', async () => {
    const before = await card(t, 'pm_card_no_incremental');
    const { order_id, payment } = await order(1480, 'pm_card_no_incremental');
    const res = await change(order_id, { kind: 'delivery_slot', amount: 1780 });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.equal(c.decision, 'reauthorize');
    assert.equal(c.payment.amount_authorized, 1780);
    assert.notEqual(c.payment.provider_payment_id, payment.provider_payment_id);
    const after = await card(t, 'pm_card_no_incremental');
    assert.equal(after.held - before.held, 1780, 'only the new authorization is held');
    const types = (await getPayment(t, payment.id)).timeline.map((e: { type: string }) => e.type);
    assert.ok(types.includes('payment.reauthorized'));
    assert.ok(types.includes('payment.replaced_authorization_voided'));
  });

  test('a failed re-authorization rejects the change (402) and changes nothing', async () => {
    const before = await card(t, 'pm_card_limit_20000');
    const { order_id, payment } = await order(15_000, 'pm_card_limit_20000');
    const res = await change(order_id, { kind: 'items', amount: 21_000 });
    assert.equal(res.statusCode, 402, res.body);
    assert.equal(res.json().error.code, 'KS_ERR_PAYMENT_DECLINED');
    assert.equal(res.json().error.decline_code, 'insufficient_funds');
    const p = await getPayment(t, payment.id);
    assert.equal(p.amount, 15_000);
    assert.equal(p.amount_authorized, 15_000);
    assert.equal(p.status, 'authorized');
    assert.equal((await card(t, 'pm_card_limit_20000')).held - before.held, 15_000);
    await t.request({ method: 'POST', url: `/v1/payments/${payment.id}/void` });
  });

  test('stock-out lowers and never re-authorizes; raising is refused', async () => {
    const { order_id } = await order(5000);
    const down = await change(order_id, { kind: 'stockout', amount: 4850 });
    assert.equal(down.json().decision, 'keep');
    assert.equal(down.json().payment.amount, 4850);
    const up = await change(order_id, { kind: 'stockout', amount: 9000 });
    assert.equal(up.statusCode, 400);
    assert.equal(up.json().error.code, 'KS_ERR_ORDER_CHANGE_INVALID');
  });

  test('substitution is capped at the original line price', async () => {
    const { order_id } = await order(5000);
    const res = await change(order_id, { kind: 'substitution', amount: 5020, original_line_amount: 150, substitute_line_amount: 170 });
    assert.equal(res.json().decision, 'keep');
    assert.equal(res.json().amount_after, 5000);
    assert.equal(res.json().payment.amount_authorized, 5000);
  });

  test('points bring the total to 0: void; then back above 0: a new authorization', async () => {
    const before = await card(t, 'pm_card_debit');
    const { order_id } = await order(3000, 'pm_card_debit');
    const zero = await change(order_id, { kind: 'discount', amount: 0 });
    assert.equal(zero.json().decision, 'void');
    assert.equal(zero.json().payment.status, 'voided');
    assert.equal((await card(t, 'pm_card_debit')).outstanding, before.outstanding, 'the debit card got its money back');
    const up = await change(order_id, { kind: 'discount', amount: 800 });
    assert.equal(up.json().decision, 'authorize');
    assert.equal(up.json().payment.status, 'authorized');
    assert.equal(up.json().payment.amount_authorized, 800);
  });

  test('0 → 0 takes nothing; 0 → more authorizes', async () => {
    const { order_id } = await order(0);
    const still = await change(order_id, { kind: 'discount', amount: 0 });
    assert.equal(still.json().decision, 'keep');
    assert.equal(still.json().payment.status, 'requires_authorization');
    const up = await change(order_id, { kind: 'items', amount: 1200 });
    assert.equal(up.json().decision, 'authorize');
    assert.equal(up.json().payment.amount_authorized, 1200);
  });

  test('cancellation voids, and the order cannot change after', async () => {
    const { order_id } = await order(2400);
    const res = await change(order_id, { kind: 'cancel' });
    assert.equal(res.json().decision, 'void');
    assert.equal(res.json().payment.status, 'voided');
    assert.ok(res.json().payment.order_cancelled_at);
    const again = await change(order_id, { kind: 'items', amount: 100 });
    assert.equal(again.json().error.code, 'KS_ERR_ORDER_CANCELLED');
  });

  test('unknown order, missing amount', async () => {
    assert.equal((await change('nope', { kind: 'items', amount: 1 })).json().error.code, 'KS_ERR_ORDER_NOT_FOUND');
    const { order_id } = await order(100);
    const missing = await change(order_id, { kind: 'items' });
    assert.equal(missing.json().error.field, 'amount');
  });
});
